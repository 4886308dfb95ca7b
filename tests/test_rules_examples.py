"""[[examples]] in rules files: checked with positions, run by check and rules test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.cli import main
from custseg.errors import RulesError

BASE = """format = 1
[fields]
visits = { type = "integer", min = 0 }
spend = { type = "number", min = 0, missing = true }
kind = { type = "category", values = ["store", "online"] }
[params]
member_visits = 3
[derived]
big = "spend >= 1000"
[tables.band]
field = "visits"
breaks = [1, 3]
labels = ["none", "few", "many"]
[segments.tier]
default = "walk-in"
rules = [
  { label = "VIP", when = "big and visits >= member_visits" },
  { label = "member", when = "visits >= member_visits" },
]
"""


def _with(*examples: str) -> str:
    return BASE + "".join(f"\n[[examples]]\n{e}\n" for e in examples)


def _errors(text: str) -> list:
    return [d for d in rules.check(text) if d.severity == "error"]


class TestRunning:
    def test_pass_and_fail(self) -> None:
        """Each expectation is one outcome; a wrong one names the deciding rule."""
        rs = rules.loads(
            _with(
                'given = { visits = 3, spend = 1000.0, kind = "store" }\nexpect = { tier = "VIP", band = "many" }',
                'note = "boundary"\ngiven = { visits = 2, kind = "online" }\nexpect = { tier = "member" }',
            )
        )
        out = rs.run_examples()
        assert [(o.example.number, o.output, o.passed) for o in out] == [
            (1, "tier", True),
            (1, "band", True),
            (2, "tier", False),
        ]
        fail = out[2]
        assert fail.actual == "walk-in" and fail.rule == -1
        assert (
            "example 2 (boundary): tier is 'walk-in', expected 'member'"
            in fail.describe()
        )
        assert out[1].rule is None and out[1].rule_text == "table band: 3 <= visits"

    def test_left_out_fields_are_missing(self) -> None:
        """spend left out is missing: big is unknown, so no VIP."""
        rs = rules.loads(
            _with(
                'given = { visits = 5, kind = "store" }\nexpect = { tier = "member" }'
            )
        )
        assert all(o.passed for o in rs.run_examples())

    def test_a_derived_value_can_be_given(self) -> None:
        """Giving a derived value replaces its expression (for aggregates)."""
        rs = rules.loads(
            _with('given = { visits = 5, big = true }\nexpect = { tier = "VIP" }')
        )
        assert [o.passed for o in rs.run_examples()] == [True]

    def test_given_derived_value_beats_tabulated_lookups(self) -> None:
        """rfm11 is tabulated over r, f, m; a given fm still decides (f and m
        left out: given with them, fm must be the one they give)."""
        text = (
            'format = 1\nextends = "base"\n[[examples]]\n'
            "given = { r = 3, fm = 4 }\n"
            'expect = { rfm11 = "Loyal" }\n'
        )
        assert [o.passed for o in rules.loads(text).run_examples()] == [True]

    @given(st.integers(0, 8), st.one_of(st.none(), st.floats(0, 3000)))
    @settings(max_examples=60, deadline=None)
    def test_the_actual_label_always_passes(
        self, visits: int, spend: float | None
    ) -> None:
        """An example written from evaluate's own answer passes; any other label fails
        at the expect line."""
        rs = rules.loads(BASE)
        data = {"visits": [visits], "spend": [spend], "kind": ["store"]}
        got = rs.evaluate(data)["tier"].to_numpy()[0]
        spend_text = "" if spend is None else f", spend = {float(spend)!r}"
        example = f'given = {{ visits = {visits}{spend_text}, kind = "store" }}\nexpect = {{ tier = "{got}" }}'
        assert [o.passed for o in rules.loads(_with(example)).run_examples()] == [True]
        other = next(n for n in ("VIP", "member", "walk-in") if n != got)
        bad = _with(example.replace(f'"{got}"', f'"{other}"'))
        diags = _errors(bad)
        assert [d.code for d in diags] == ["example-failed"]
        assert diags[0].line == BASE.count("\n") + 4
        assert f"expected {other!r}" in diags[0].message


class TestChecking:
    @pytest.mark.parametrize(
        ("example", "code", "text"),
        [
            (
                'given = { visit = 3 }\nexpect = { tier = "VIP" }',
                "unknown-name",
                "did you mean 'visits'?",
            ),
            (
                'given = { visits = 3 }\nexpect = { tie = "VIP" }',
                "unknown-name",
                "did you mean 'tier'?",
            ),
            (
                'given = { visits = 3 }\nexpect = { tier = "vip" }',
                "unknown-label",
                "did you mean 'VIP'?",
            ),
            (
                'given = { visits = 3.5 }\nexpect = { band = "many" }',
                "bad-value",
                "is an integer",
            ),
            (
                'given = { visits = -1 }\nexpect = { band = "none" }',
                "bad-value",
                "below its min 0",
            ),
            (
                'given = { visits = "3" }\nexpect = { band = "many" }',
                "bad-value",
                "'visits' is an integer: got '3'",
            ),
            (
                'given = { spend = "3" }\nexpect = { band = "many" }',
                "bad-value",
                "'spend' is a number: got '3'",
            ),
            (  # 2**53 + 1: refused as too large, not as "not an integer"
                'given = { visits = 9007199254740993 }\nexpect = { band = "many" }',
                "bad-value",
                "beyond 2**53",
            ),
            (
                "given = { visits = 3, spend = -9007199254740993 }\n"
                'expect = { band = "many" }',
                "bad-value",
                "'spend' = -9007199254740993 is beyond 2**53",
            ),
            (
                'given = { visits = 3, kind = "shop" }\nexpect = { band = "many" }',
                "unknown-label",
                "'store', 'online'",
            ),
            (
                'given = { big = 1 }\nexpect = { band = "many" }',
                "bad-value",
                "is a condition",
            ),
            (
                'given = { spend = 3 }\nexpect = { band = "many" }',
                "example-incomplete",
                "'visits'",
            ),
            (
                'given = { visits = 3 }\nexpct = { band = "many" }',
                "unknown-key",
                "did you mean 'expect'?",
            ),
            ("given = { visits = 3 }", "missing-key", "needs 'expect'"),
        ],
    )
    def test_problems_have_positions(self, example: str, code: str, text: str) -> None:
        """Each problem of an example is a diagnostic on its line, with a hint."""
        diags = _errors(
            _with('given = { visits = 0 }\nexpect = { band = "none" }', example)
        )
        assert code in [d.code for d in diags]
        d = next(d for d in diags if d.code == code)
        assert d.message.startswith("example 2:")
        assert text in d.message + " " + d.hint
        header = BASE.count("\n") + 6  # the second [[examples]]
        assert header <= d.line <= header + 2
        with pytest.raises(RulesError):
            rules.loads(_with(example))

    def test_inline_array_form(self) -> None:
        """examples = [ {...} ] works; problems point at the 'examples' key."""
        line = 'examples = [ { given = { visits = 0 }, expect = { band = "none" } } ]\n'
        good = BASE.replace("format = 1\n", "format = 1\n" + line)
        assert [o.passed for o in rules.loads(good).run_examples()] == [True]
        bad = good.replace('"none" }', '"nix" }')
        d = _errors(bad)[0]
        assert d.code == "unknown-label" and d.line == 2

    def test_not_inherited(self, tmp_path: Path) -> None:
        """A file's examples are its own: a child of a file with examples has none."""
        assert rules.loads('format = 1\nextends = "ecommerce"\n').examples == ()

    def test_load_does_not_run_them(self) -> None:
        """load/loads accept a file with a failing example; check reports it."""
        text = _with('given = { visits = 0 }\nexpect = { band = "many" }')
        rs = rules.loads(text)
        assert len(rs.examples) == 1
        assert [d.code for d in _errors(text)] == ["example-failed"]


class TestRulesTestCommand:
    def test_exit_status_and_report(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """0 when every example passes, 1 with the failure shown at its line."""
        good = tmp_path / "good.toml"
        good.write_text(
            _with('given = { visits = 0 }\nexpect = { band = "none" }'),
            encoding="utf-8",
        )
        assert main(["rules", "test", str(good)]) == 0
        out = capsys.readouterr().out
        assert "1 example, 1 label checked, 1 passed, 0 failed" in out
        bad = tmp_path / "bad.toml"
        bad.write_text(
            _with('given = { visits = 0 }\nexpect = { band = "many" }'),
            encoding="utf-8",
        )
        assert main(["rules", "test", str(good), str(bad)]) == 1
        out = capsys.readouterr().out
        assert (
            f"{bad}:{BASE.count(chr(10)) + 4}:12: error[example-failed]: example 1: band is 'none', expected 'many'"
            in out
        )
        assert "decided by table band: visits < 1" in out

    def test_broken_file_is_not_run(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file with errors: they are shown, the examples are not run, status 1."""
        bad = tmp_path / "broken.toml"
        bad.write_text(BASE.replace("min = 0 }", "min = 0"), encoding="utf-8")
        assert main(["rules", "test", str(bad)]) == 1
        assert "examples not run" in capsys.readouterr().out

    def test_verbose_lists_passes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-v lists every passing check."""
        good = tmp_path / "good.toml"
        good.write_text(
            _with('given = { visits = 5 }\nexpect = { band = "many" }'),
            encoding="utf-8",
        )
        assert main(["rules", "test", "-v", str(good)]) == 0
        assert "ok  example 1: band is 'many'" in capsys.readouterr().out
