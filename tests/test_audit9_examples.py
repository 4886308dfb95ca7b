"""Audit 9, D4 and D7: derived values given in [[examples]], and examples of
outputs with errors.

D4: a derived value given beside values it is computed from must be the one
they give (an error at its key otherwise), directly or through a chain of
derived values; given alone it is taken as given. D7: an example naming a
table, segmentation, tag set or derived value that has errors of its own
adds no second, false error, and no hint lists nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.cli import main
from custseg.errors import Diagnostic, RulesError

FIELDS = ("fa", "fb", "fc")
HEAD = """format = 1
[fields]
fa = { type = "integer", min = 0, max = 9 }
fb = { type = "integer", min = 0, max = 9 }
fc = { type = "integer", min = 0, max = 9 }
zz = { type = "number", missing = true }
"""

SETTINGS = settings(max_examples=50, deadline=None)


def _errors(text: str, *, is_text: bool = True) -> list[Diagnostic]:
    """The errors of the file (not of running its examples: the examples
    here pin no particular label)."""
    return [
        d
        for d in rules.check(text, text=is_text)
        if d.severity == "error" and d.code != "example-failed"
    ]


def _arith(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    """An arithmetic expression over *names* and small constants, reading at
    least one name."""
    leaf = st.sampled_from(names)
    const = st.integers(0, 5).map(str)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.tuples(inner, st.sampled_from("+-*"), inner | const).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )

    return st.recursive(leaf, extend, max_leaves=4)


def _condition(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    """A condition over *names*: comparisons joined by and / or / not."""
    cmp = st.tuples(
        _arith(names), st.sampled_from((">=", "<", "==", "!=")), st.integers(-5, 30)
    ).map(lambda t: f"({t[0]} {t[1]} {t[2]})")

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(("and", "or")), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda t: f"(not {t})"),
        )

    return st.recursive(cmp, extend, max_leaves=3)


def _value(text: str, values: dict[str, Any]) -> Any:
    """The reference: the DSL's arithmetic and logic are Python's here."""
    return eval(text, {"__builtins__": {}}, dict(values))


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _file(
    derived: dict[str, str], given: dict[str, Any], reads: str
) -> tuple[str, int]:
    """A rules file with *derived*, a segmentation reading *reads* and one
    example giving *given*; and the example's given line."""
    text = HEAD + "[derived]\n"
    text += "".join(f'{n} = "{e}"\n' for n, e in derived.items())
    text += (
        f'[segments.s]\ndefault = "n"\nrules = [{{ label = "y", when = "{reads}" }}]\n'
    )
    text += "[[examples]]\n"
    line = text.count("\n") + 1
    text += "given = { " + ", ".join(f"{k} = {_toml(v)}" for k, v in given.items())
    text += ' }\nexpect = { s = "n" }\n'
    return text, line


def _column(text: str, line: int, name: str) -> int:
    row = text.splitlines()[line - 1]
    return row.index(f" {name} =") + 2


def _contradicting(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if "is given, but" in d.message]


def _check_errors(
    text: str, line: int, wrong: list[str], diags: list[Diagnostic]
) -> None:
    """Exactly the derived values in *wrong* are errors, at their keys."""
    found = _contradicting(diags)
    assert [d.message.split(" = ")[0].split()[-1] for d in found] == wrong, diags
    for d, name in zip(found, wrong, strict=True):
        assert (d.path, d.line, d.column) == (
            "<string>",
            line,
            _column(text, line, name),
        )
        assert d.code == "bad-value"
        assert d.message.startswith("example 1: ")
        assert d.message.endswith(": give one or the other")
        assert d.hint
    if wrong:
        with pytest.raises(RulesError):
            rules.loads(text)
    else:
        assert diags == []
        assert len(rules.loads(text).run_examples()) == 1


class TestDerivedGivenWithInputs:
    @given(st.data(), st.booleans())
    @SETTINGS
    def test_directly(self, data: st.DataObject, boolean: bool) -> None:
        """A derived value given with every field it reads: an error at its key
        exactly when it is not the value they give."""
        expr = data.draw(_condition(FIELDS) if boolean else _arith(FIELDS))
        values = {f: data.draw(st.integers(0, 9)) for f in FIELDS}
        truth = _value(expr, values)
        agree = data.draw(st.booleans())
        if boolean:
            dv: Any = bool(truth) if agree else not truth
        else:
            dv = truth if agree else truth + data.draw(st.sampled_from((-2, 1, 7)))
        reads = "dv" if boolean else "dv > 0"
        text, line = _file({"dv": expr}, {**values, "dv": dv}, reads)
        _check_errors(text, line, [] if agree else ["dv"], _errors(text))

    @given(st.data())
    @SETTINGS
    def test_through_a_chain(self, data: st.DataObject) -> None:
        """d2 reads d1, which reads fields: given d2 with the fields, d2 is
        computed through d1; a given d1 stops the walk (each is checked
        against what it reads directly)."""
        e1 = data.draw(_arith(FIELDS))
        e2 = data.draw(_condition(("d1", "fa")).filter(lambda t: "d1" in t))
        values = {f: data.draw(st.integers(0, 9)) for f in FIELDS}
        d1 = _value(e1, values)
        give_d1 = data.draw(st.booleans())
        d1_right = data.draw(st.booleans()) if give_d1 else True
        d1_given = d1 if d1_right else d1 + 3
        d2 = bool(_value(e2, {**values, "d1": d1_given}))
        d2_right = data.draw(st.booleans())
        given_values: dict[str, Any] = dict(values)
        if give_d1:
            given_values["d1"] = d1_given
        given_values["d2"] = d2 if d2_right else not d2
        text, line = _file({"d1": e1, "d2": e2}, given_values, "d2")
        wrong = [n for n, ok in (("d1", d1_right), ("d2", d2_right)) if not ok]
        _check_errors(text, line, wrong, _errors(text))

    @given(_condition(FIELDS), st.booleans())
    @SETTINGS
    def test_alone_is_taken_as_given(self, expr: str, dv: bool) -> None:
        """Nothing it reads given: the derived value is used as given."""
        text, _ = _file({"dv": expr}, {"dv": dv}, "dv")
        assert _errors(text) == []
        [outcome] = rules.loads(text).run_examples()
        assert outcome.actual == ("y" if dv else "n")

    @given(st.integers(0, 9), st.integers(0, 9), st.booleans())
    @SETTINGS
    def test_unknown_field_checked_where_the_rest_decides(
        self, fa: int, cut: int, dv: bool
    ) -> None:
        """fb may not be missing and is left out: unknown. 'fa >= cut and
        fb >= 5' is decided (false) only when fa < cut."""
        text, line = _file(
            {"dv": f"fa >= {cut} and fb >= 5"}, {"fa": fa, "dv": dv}, "dv"
        )
        wrong = ["dv"] if fa < cut and dv else []
        _check_errors(text, line, wrong, _errors(text))

    @given(st.integers(0, 9), st.integers(0, 9), st.booleans())
    @SETTINGS
    def test_missing_field_left_out_is_missing(
        self, fa: int, cut: int, dv: bool
    ) -> None:
        """zz may be missing and is left out: missing, as in the run, so
        'fa >= cut or zz > 0' is true or unknown; an unknown given as true or
        false is an error."""
        text, line = _file({"dv": f"fa >= {cut} or zz > 0"}, {"fa": fa, "dv": dv}, "dv")
        wrong = [] if fa >= cut and dv else ["dv"]
        _check_errors(text, line, wrong, _errors(text))
        if fa < cut:
            assert (
                f"fa = {fa} and zz missing leave dv unknown"
                in _contradicting(_errors(text))[0].message
            )

    @given(st.integers(0, 9), st.integers(0, 9), st.integers(0, 9), st.booleans())
    @SETTINGS
    def test_aggregates_are_unknown(self, fa: int, fb: int, cut: int, dv: bool) -> None:
        """One row is no population: an aggregate is unknown, so 'fb >
        mean(fb)' never contradicts, and 'fa >= cut and ...' only when fa <
        cut."""
        for expr, wrong in (
            ("fb > mean(fb)", []),
            (f"fa >= {cut} and fb > mean(fb)", ["dv"] if fa < cut and dv else []),
        ):
            text, line = _file({"dv": expr}, {"fa": fa, "fb": fb, "dv": dv}, "dv")
            _check_errors(text, line, wrong, _errors(text))


PLUGIN = ("--custseg-rules", "*.toml", ".")
AUDIT_FILE = """format = 1
extends = "ecommerce"

[[examples]]
note = "a champion"
given = { r = 5, f = 1, m = 1, fm = 5 }
expect = { rfm11 = "Champions" }
"""


class TestEntryPoints:
    def test_the_audit_reproducer(self, tmp_path: Path) -> None:
        """check --strict, rules test, load (so run_examples) and the pytest
        plugin all report the contradiction at 6:32."""
        path = tmp_path / "ex.toml"
        path.write_text(AUDIT_FILE, encoding="utf-8")
        [d] = _errors(AUDIT_FILE)
        assert (d.line, d.column) == (6, 32)
        assert d.message == (
            "example 1: fm = 5 is given, but f = 1 and m = 1 give "
            "fm = 1: give one or the other"
        )
        assert main(["rules", "check", "--strict", str(path)]) == 1
        assert main(["rules", "test", str(path)]) == 1
        with pytest.raises(RulesError, match="fm = 5 is given"):
            rules.load(path)
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *PLUGIN],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "ex.toml:6:32: error[bad-value]: example 1: fm = 5" in (proc.stdout)

    @pytest.mark.parametrize("preset", rules.presets())
    def test_presets_examples_still_hold(self, preset: str) -> None:
        """Every shipped preset's examples agree with themselves."""
        assert _errors(preset, is_text=False) == []


BROKEN = {
    "segments": (
        'default = "n"\nrules = [{{ label = "y", when = "{}" }}]\n',
        ("fa >= nosuch", "fa >> 1", "fa >= ", "not fa"),
    ),
    "tables": (
        'field = "{}"\nbreaks = [2, 1]\nlabels = ["lo", "mid", "hi"]\n',
        ("fa", "nosuch"),
    ),
    "tags": ('rules = [{{ tag = "y", when = "{}" }}]\n', ("fa >= nosuch", "fa % 2")),
    "derived": ('"{}"\n', ("fa + nosuch", "fa >> 1")),
}


class TestOutputsWithErrors:
    @given(
        st.sampled_from(sorted(BROKEN)),
        st.data(),
        st.sampled_from(("out", "tier", "b2")),
        st.integers(1, 3),
    )
    @SETTINGS
    def test_no_second_error(
        self, section: str, data: st.DataObject, name: str, n_examples: int
    ) -> None:
        """The errors of a file whose examples name a broken output (or give
        a broken derived value) are those of the file without the examples."""
        template, faults = BROKEN[section]
        body = template.format(data.draw(st.sampled_from(faults)))
        if section == "derived":
            text = HEAD + f"[derived]\n{name} = {body}"
            text += '[segments.s]\ndefault = "n"\nrules = [{ label = "y", when = "fa > 1" }]\n'
        else:
            text = HEAD + f"[{section}.{name}]\n{body}"
            if section != "tags":
                text += f'[playbook.{name}.y]\naction = "call"\n'
        expect = {
            "segments": f'{{ {name} = "y" }}',
            "tables": f'{{ {name} = "lo" }}',
            "tags": f"{{ {name} = {{ y = true }} }}",
            "derived": '{ s = "n" }',
        }[section]
        givens = f"{{ fa = 1, {name} = 1 }}" if section == "derived" else "{ fa = 1 }"
        examples = "".join(
            f"\n[[examples]]\ngiven = {givens}\nexpect = {expect}\n"
            for _ in range(n_examples)
        )
        alone = _errors(text)
        assert alone
        assert not any("no classification named" in d.message for d in alone)
        both = _errors(text + examples)
        assert [d.render() for d in both] == [d.render() for d in alone]

    @given(
        st.sampled_from(("", '[tags.g]\nrules = [{ tag = "t", when = "fa > 1" }]\n'))
    )
    @SETTINGS
    def test_no_empty_hint(self, extra: str) -> None:
        """An unknown expected output's hint never lists nothing."""
        text = (
            HEAD + extra + '[[examples]]\ngiven = { fa = 1 }\nexpect = { nope = "x" }\n'
        )
        [d] = _errors(text)
        assert d.code == "unknown-name"
        assert d.hint and not d.hint.rstrip().endswith(":")
        assert d.hint.endswith(": g") == bool(extra)
