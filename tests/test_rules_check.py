"""check(), rendered diagnostics (golden files), the static analysis, and the
``custseg rules check`` / ``custseg presets`` commands.

Golden files: tests/golden/NAME.toml is checked and its rendered diagnostics
are compared with tests/golden/NAME.txt. Set CUSTSEG_UPDATE_GOLDEN=1 to
rewrite the .txt files from the current output (then review the diff).
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest

from custseg import rules
from custseg._display import text_width
from custseg.cli import main
from custseg.errors import Diagnostic, RulesError

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CUSTSEG_UPDATE_GOLDEN") == "1"
NAMES = sorted(p.stem for p in GOLDEN.glob("*.toml"))

# What each diagnostic of a golden file must highlight, in order:
# ("=", text) exactly, ("^", text) starting with it, ("~", text) containing it.
HIGHLIGHTS: dict[str, list[tuple[str, str]]] = {
    "several_errors": [
        ("=", "feilds"),
        ("=", "breaks"),
        ("~", "&"),
        ("=", "monetry"),
        ("=", "'onlien'"),
        ("=", "r"),
        ("=", "().__class__.__bases__"),
    ],
    "chinese": [("=", "消费次数"), ("=", "'线下'"), ("~", "&")],
    "toml_syntax": [("=", "{")],
    "extends_override": [("=", "key_amout"), ("=", "brekas")],
    "dead_rules": [
        ("^", "r >= 6"),
        ("^", "r == 5 and f == 5"),
        ("=", "[segments.scores]"),
        ("=", "[segments.spend]"),
        ("^", "f > 5 or f < 1"),
    ],
    "escaped_quotes": [("=", "xx")],
    "tags_first": [("^", "x > 1000"), ("=", "[segments.s]"), ("^", "x > 1000")],
}

_HEAD = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<severity>error|warning|info)\[(?P<code>[\w-]+)\]: (?P<message>.*)$"
)


def rendered(name: str) -> str:
    """The rendered diagnostics of a golden file, as `custseg rules check -v` shows."""
    return "".join(d.render() + "\n" for d in rules.check(name + ".toml"))


def _under(source: str, start: int, width: int) -> tuple[int, int]:
    """The first character of *source* at terminal column *start*, and how
    many characters the *width* columns from there cover (a CJK character
    takes two columns): the caret must start and end on characters."""
    columns = list(itertools.accumulate(map(text_width, source), initial=0))
    first, end = columns.index(start), columns.index(start + width)
    return first, end - first


def parse_rendered(text: str) -> list[dict[str, object]]:
    """Split rendered diagnostics into header fields, source line and caret span."""
    blocks: list[dict[str, object]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _HEAD.match(lines[i])
        assert m, f"not a diagnostic header: {lines[i]!r}"
        block: dict[str, object] = dict(m.groupdict())
        i += 1
        if i < len(lines) and re.match(r"^  \d+ \| ", lines[i]):
            gutter, source = lines[i].split(" | ", 1)
            caret_line = lines[i + 1]
            assert caret_line.startswith(" " * len(gutter) + " | ")
            marks = caret_line[len(gutter) + 3 :]
            # the caret is drawn in terminal columns (a CJK character takes
            # two): back to the characters of the source line it is under
            start = len(marks) - len(marks.lstrip(" "))
            width = len(marks.strip())
            assert set(marks.strip()) == {"^"}
            first, count = _under(source, start, width)
            block["source"] = source
            block["start"] = first
            block["width"] = count
            i += 2
        while i < len(lines) and lines[i].lstrip().startswith("= hint: "):
            block["hint"] = lines[i].split("= hint: ", 1)[1]
            i += 1
        blocks.append(block)
    return blocks


@pytest.fixture
def in_golden(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(GOLDEN)
    return GOLDEN


class TestGoldenFiles:
    """Rendered diagnostics of tests/golden/*.toml match tests/golden/*.txt."""

    def test_golden_files_exist(self) -> None:
        """Every golden .toml has its .txt and its expected highlights."""
        assert set(NAMES) == set(HIGHLIGHTS)
        for name in NAMES:
            assert (GOLDEN / f"{name}.txt").exists() or UPDATE, name

    @pytest.mark.parametrize("name", NAMES)
    def test_rendered_output(self, name: str, in_golden: Path) -> None:
        """check() renders exactly the golden text."""
        got = rendered(name)
        expected_file = in_golden / f"{name}.txt"
        if UPDATE:
            expected_file.write_text(got, encoding="utf-8")
        assert got == expected_file.read_text(encoding="utf-8")

    @pytest.mark.parametrize("name", NAMES)
    def test_carets_under_the_offending_text(self, name: str) -> None:
        """Reading the .txt back: each caret sits under the expected text."""
        text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
        toml_lines = (GOLDEN / f"{name}.toml").read_text(encoding="utf-8").splitlines()
        blocks = parse_rendered(text)
        assert len(blocks) == len(HIGHLIGHTS[name])
        for block, (mode, want) in zip(blocks, HIGHLIGHTS[name], strict=True):
            line, col = int(str(block["line"])), int(str(block["col"]))
            source = str(block["source"])
            assert source == toml_lines[line - 1]
            assert block["start"] == col - 1
            under = source[col - 1 : col - 1 + int(str(block["width"]))]
            if mode == "=":
                assert under == want, block
            elif mode == "^":
                assert under.startswith(want), block
            else:
                assert want in under, block

    @pytest.mark.parametrize("name", NAMES)
    def test_rule_warnings_are_on_their_rule_line(self, name: str) -> None:
        """A warning about rule N of a list is shown on that rule's line."""
        text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
        for block in parse_rendered(text):
            m = re.match(
                r"rule \d+ \('([^']+)'\) of (segmentation|tag set)",
                str(block["message"]),
            )
            if m is None:
                continue
            label, kind = m.groups()
            source = str(block["source"])
            key = "label" if kind == "segmentation" else "tag"
            assert f'{key} = "{label}"' in source, block

    def test_several_errors_are_collected(self, in_golden: Path) -> None:
        """One file with seven problems: all seven, in file order, in one error."""
        with pytest.raises(RulesError) as info:
            rules.load("several_errors.toml")
        found = info.value.diagnostics
        assert len(found) == 7
        assert [d.line for d in found] == sorted(d.line for d in found)
        assert str(info.value) + "\n" == rendered("several_errors")

    def test_chinese_columns_are_characters(self, in_golden: Path) -> None:
        """Columns count characters: Chinese text before an error is one column each."""
        d = rules.check("chinese.toml")[0]
        assert d.code == "unknown-name"
        assert d.source_line.index("消费次数") + 1 == d.column
        assert d.end_column - d.column == len("消费次数")
        byte_col = len(d.source_line[: d.column - 1].encode("utf-8")) + 1
        assert byte_col != d.column  # the test would catch byte columns


class TestDiagnostics:
    """check() returns structured diagnostics and never raises for bad rules."""

    def test_fields(self) -> None:
        """path, line, column, end_column, severity, code, message, hint, source_line."""
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\n[derived]\nd = "xx > 1"\n'
        )
        (d,) = rules.check(text)
        assert d == Diagnostic(
            "<string>",
            5,
            6,
            8,
            "error",
            "unknown-name",
            "unknown name 'xx'",
            "did you mean 'x'?",
            'd = "xx > 1"',
        )
        assert d.render() == (
            "<string>:5:6: error[unknown-name]: unknown name 'xx'\n"
            '  5 | d = "xx > 1"\n'
            "    |      ^^\n"
            "    = hint: did you mean 'x'?"
        )

    def test_check_does_not_raise(self) -> None:
        """check() returns errors that loads() raises."""
        text = "format = 1\n[derived]\nd = 'x & y'\n"
        found = rules.check(text)
        assert [d.severity for d in found] == ["error"]
        with pytest.raises(RulesError) as info:
            rules.loads(text)
        assert list(info.value.diagnostics) == found

    def test_check_a_path_and_a_preset(self, tmp_path: Path) -> None:
        """check() takes a path (str or Path) or a preset name."""
        path = tmp_path / "r.toml"
        path.write_text("format = 1\n", encoding="utf-8")
        assert rules.check(path) == []
        assert rules.check(str(path)) == []
        assert all(d.severity == "info" for d in rules.check("ecommerce"))

    def test_check_returns_warnings_and_notes(self) -> None:
        """Warnings and notes are returned with the errors."""
        text = (GOLDEN / "dead_rules.toml").read_text(encoding="utf-8")
        severities = [d.severity for d in rules.check(text)]
        assert severities.count("warning") == 3
        assert severities.count("info") == 2

    def test_unknown_label_collected_with_rule_errors(self) -> None:
        """A bad translation is reported even when a rule has an error too."""
        text = """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "d"
rules = [{ label = "a", when = "xx > 1" }]
translations.zh = { b = "乙" }
"""
        assert sorted(d.code for d in rules.check(text)) == [
            "unknown-label",
            "unknown-name",
        ]

    def test_end_column_is_exclusive_and_in_range(self) -> None:
        """end_column > column and stays within the line (+1)."""
        text = (GOLDEN / "several_errors.toml").read_text(encoding="utf-8")
        for d in rules.check(text):
            assert 1 <= d.column < d.end_column <= len(d.source_line) + 1, d.render()

    def test_toml_syntax_error_position(self) -> None:
        """A TOML syntax error names the line and column and shows the line."""
        (d,) = rules.check("format = 1\n[fields]\nx = { type = 'number' \n")
        assert (d.code, d.line) == ("toml-syntax", 3)
        assert d.source_line == "x = { type = 'number' "
        assert d.message.startswith("invalid TOML: ")

    def test_toml_error_at_end_of_document(self) -> None:
        """An error at the end of the text points at the last line."""
        (d,) = rules.check('format = 1\nname = "x')
        assert d.code == "toml-syntax"
        assert d.line == 2


ANALYSIS = """format = 1
[fields]
r = { type = "integer", min = 1, max = 5, missing = true }
f = { type = "integer", min = 1, max = 5 }
c = { type = "category", values = ["a", "b"] }
flag = { type = "bool" }
x = { type = "number", min = 0, max = 100 }
y = { type = "number" }
"""


def analysis(rules_text: str, head: str = ANALYSIS) -> list[tuple[str, str]]:
    """(code, message) of every warning and note for ANALYSIS + *rules_text*."""
    found = rules.check(head + rules_text)
    assert [d.render() for d in found if d.severity == "error"] == []
    return [(d.code, d.message) for d in found]


def segment(*conditions: str, default: str = "d") -> str:
    body = "\n".join(
        f'  {{ label = "L{i}", when = "{c}" }},' for i, c in enumerate(conditions)
    )
    return f'[segments.s]\ndefault = "{default}"\nrules = [\n{body}\n]\n'


class TestAnalysis:
    """never-matches, unreachable, falls-to-default, not-analysed."""

    def test_never_matches(self) -> None:
        """A condition no input in the bounds satisfies is a warning."""
        found = analysis(segment("r >= 6", "r >= 1"))
        assert found[0][0] == "never-matches"
        assert found[0][1] == "rule 1 ('L0') of segmentation 's' can never match"

    @pytest.mark.parametrize(
        "condition",
        [
            "r >= 6",
            "r < 1",
            "f == 2.5",
            "r > 3 and r < 4",
            "c == 'a' and c == 'b'",
            "flag and not flag",
            "x > 100",
            "x < 0",
            "1 > 2",
            "missing(f)",
            "r in (0, 6)",
            "f not in (1, 2, 3, 4, 5)",
            "not (r <= 5)",  # r missing: unknown, so never true either
            "not (r <= 4) and r < 5",
        ],
    )
    def test_never_matches_exact(self, condition: str) -> None:
        """Finite domains and constant comparisons are analysed exactly."""
        codes = [c for c, _ in analysis(segment(condition))]
        assert codes[0] == "never-matches"

    @pytest.mark.parametrize(
        "condition",
        [
            "r == 5",
            "missing(r)",
            "x == 100",
            "x > 99.999",
            "x > 0 and x < 0.001",
            "not (r <= 4)",
            "y > 1e14",
            "c != 'a' and flag",
            "f / 2 == 2.5",
        ],
    )
    def test_matching_rules_are_not_flagged(self, condition: str) -> None:
        """A rule some input matches is not called dead."""
        codes = [c for c, _ in analysis(segment(condition))]
        assert "never-matches" not in codes
        assert "not-analysed" not in codes

    def test_unreachable(self) -> None:
        """A rule whose cases earlier rules all take is unreachable; they are named."""
        found = analysis(segment("r >= 4", "f >= 3", "r == 5 and f >= 3"))
        found = [d for d in found if d[0] != "label-from-missing"]
        assert found[0] == (
            "unreachable",
            "rule 3 ('L2') of segmentation 's' is never reached: earlier rules take "
            "every case it matches (1 ('L0'), 2 ('L1'))",
        )

    def test_reachable_by_missing_values(self) -> None:
        """A rule reached only by rows with a missing value is reachable."""
        codes = [c for c, _ in analysis(segment("r >= 1", "missing(r)"))]
        assert "unreachable" not in codes
        codes = [c for c, _ in analysis(segment("r >= 1", "not (r >= 1)"))]
        assert "never-matches" in codes  # three-valued: missing r is neither

    def test_tags_are_never_unreachable(self) -> None:
        """Tags are all matching: overlapping tags are fine."""
        text = '[tags.t]\nrules = [{ tag = "a", when = "r >= 1" }, { tag = "b", when = "r >= 2" }]\n'
        assert analysis(text) == []

    def test_tag_never_matches(self) -> None:
        """A tag that can never be set is a warning."""
        text = '[tags.t]\nrules = [{ tag = "a", when = "f > 5" }]\n'
        assert [c for c, _ in analysis(text)] == ["never-matches"]

    def test_falls_to_default_example(self) -> None:
        """Cells no rule takes are a note with an example cell."""
        found = analysis(segment("f >= 3 and c == 'a'"))
        assert found == [
            (
                "falls-to-default",
                "7 of 10 input cells of segmentation 's' fall through to the default "
                "'d', e.g. c='a', f=1",
            )
        ]

    def test_falls_to_default_only_missing(self) -> None:
        """When only missing values fall through, the note says so."""
        found = analysis(segment("r >= 3", "r < 3"))
        assert found[0][0] == "falls-to-default"
        assert "with all values present is covered" in found[0][1]

    def test_complete_partition_is_silent(self) -> None:
        """Rules covering every cell give no warning or note."""
        assert analysis(segment("f >= 3", "f < 3")) == []

    def test_shipped_rfm11_is_a_partition(self) -> None:
        """The base preset's 11 segments cover every scored cell exactly once."""
        found = [d for d in rules.check("base") if "'rfm11'" in d.message]
        assert found == []  # every cell covered, a missing score by "Unscored"

    @pytest.mark.parametrize(
        ("condition", "why"),
        [
            ("y > mean(y)", "aggregate"),
            ("x >= quantile(x, 0.9)", "aggregate"),
            ("y * 2 > 1", "arithmetic"),
            ("-y > 1", "arithmetic"),
            ("x + y > 1", "arithmetic"),
        ],
    )
    def test_not_analysed(self, condition: str, why: str) -> None:
        """Aggregates and arithmetic on unbounded fields are not analysed."""
        found = analysis(segment(condition))
        assert [c for c, _ in found] == ["not-analysed"]
        assert why in found[0][1]

    def test_grid_too_large(self) -> None:
        """A grid over 200,000 cells is not analysed."""
        head = "format = 1\n[fields]\n" + "".join(
            f'a{i} = {{ type = "integer", min = 0, max = 9 }}\n' for i in range(6)
        )
        cond = " and ".join(f"a{i} > 0" for i in range(6))
        found = analysis(segment(cond), head=head)
        assert [c for c, _ in found] == ["not-analysed"]
        assert "too large" in found[0][1]

    def test_arithmetic_on_finite_fields_is_analysed(self) -> None:
        """Arithmetic on bounded integers is enumerated exactly."""
        found = analysis(segment("(r + f) / 2 > 5"))
        assert found[0][0] == "never-matches"

    def test_tables_are_analysed(self) -> None:
        """Rules on table outputs use the table's breaks as cell edges."""
        head = ANALYSIS + (
            '[tables.band]\nfield = "x"\nbreaks = [10, 20]\nlabels = ["lo", "mid", "hi"]\n'
        )
        found = analysis(segment("band == 'mid'", "band in ('lo', 'hi')"), head=head)
        assert found == []

    @pytest.mark.parametrize("condition", ["x > y", "y > x", "x == y", "y < x < 50"])
    def test_field_compared_with_field(self, condition: str) -> None:
        """Two fields compared with each other are not dead: data can match."""
        codes = [c for c, _ in analysis(segment(condition))]
        assert "never-matches" not in codes
        rs = rules.loads(ANALYSIS + segment(condition))
        data = {"x": [5.0, 10.0, 20.0], "y": [1.0, 10.0, 30.0]}
        assert "L0" in rs.evaluate(data)["s"].to_numpy().tolist()

    def test_field_compared_with_field_unreachable(self) -> None:
        """Rules split by y <= x / y > x are both reachable and cover every cell."""
        codes = [c for c, _ in analysis(segment("x >= 50", "y > x"))]
        assert "never-matches" not in codes and "unreachable" not in codes
        # comparing two unbounded fields is not exact: said, not guessed
        assert [c for c, _ in analysis(segment("y <= x", "y > x"))] == ["not-analysed"]

    def test_comparison_on_a_derived_alias(self) -> None:
        """d > 50 and d < 60 with d = "x" is analysed on x's cells around 50 and 60."""
        head = ANALYSIS + '[derived]\nd = "x"\n'
        found = analysis(segment("d > 50 and d < 60"), head=head)
        assert "never-matches" not in [c for c, _ in found]
        rs = rules.loads(head + segment("d > 50 and d < 60"))
        assert rs.evaluate({"x": [55.0]})["s"].to_numpy().tolist() == ["L0"]

    def test_table_on_a_derived_alias(self) -> None:
        """A table on d = "x" uses its breaks as cells of x."""
        head = ANALYSIS + (
            '[derived]\nd = "x"\n[tables.band]\nfield = "d"\nbreaks = [10, 20]\n'
            'labels = ["lo", "mid", "hi"]\nmissing = "none"\n'
        )
        found = analysis(segment("band == 'mid'"), head=head)
        assert "never-matches" not in [c for c, _ in found]
        rs = rules.loads(head + segment("band == 'mid'"))
        assert rs.evaluate({"x": [15.0]})["s"].to_numpy().tolist() == ["L0"]

    def test_warning_lines_follow_the_file(self) -> None:
        """Each rule warning is on the line of the rule it names (tags before segments)."""
        text = (GOLDEN / "tags_first.toml").read_text(encoding="utf-8")
        for d in rules.check(text):
            m = re.match(r"rule \d+ \('([^']+)'\) of (segmentation|tag set)", d.message)
            if m:
                key = "label" if m.group(2) == "segmentation" else "tag"
                assert f'{key} = "{m.group(1)}"' in d.source_line, d.render()

    def test_warning_lines_with_segments_out_of_order(self) -> None:
        """A segmentation defined before one it depends on: warnings stay on their lines."""
        text = ANALYSIS + (
            '[segments.late]\ndefault = "d"\nrules = [\n'
            '  { label = "a", when = "early == \'e\'" },\n'
            '  { label = "b", when = "x > 1000" },\n]\n'
            '[segments.early]\ndefault = "d"\nrules = [\n'
            '  { label = "e", when = "x > 1000" },\n]\n'
        )
        for d in rules.check(text):
            m = re.match(r"rule \d+ \('([^']+)'\)", d.message)
            if m:
                assert f'label = "{m.group(1)}"' in d.source_line, d.render()

    def test_dead_rules_never_selected(self) -> None:
        """On every cell of a finite grid, flagged rules are never the deciding rule."""
        text = ANALYSIS + segment(
            "r == 5 and f >= 4", "r >= 6", "r >= 4", "r == 5 and f == 5", "c == 'b'"
        )
        rs = rules.loads(text)
        flagged = {
            int(m.group(1)) - 1
            for d in rs.diagnostics
            if d.code != "label-from-missing"
            and (m := re.match(r"rule (\d+)", d.message))
        }
        assert flagged == {1, 3}
        cells = [
            (r, f, c, flag)
            for r in [1, 2, 3, 4, 5, float("nan")]
            for f in [1, 2, 3, 4, 5]
            for c in ["a", "b"]
            for flag in [True, False]
        ]
        data = {
            "r": [x[0] for x in cells],
            "f": [x[1] for x in cells],
            "c": [x[2] for x in cells],
        }
        explain = rs.evaluate(data, explain=True).explain["s"].tolist()
        assert not flagged & set(explain)
        assert {0, 2, 4} <= set(explain)


# --------------------------------------------------------------------------
# command line


CLEAN = """format = 1
[fields]
f = { type = "integer", min = 1, max = 5 }
[segments.s]
default = "low"
rules = [{ label = "high", when = "f >= 3" }]
"""

WARNS = CLEAN.replace('"f >= 3" }]', '"f >= 3" }, { label = "never", when = "f > 5" }]')


class TestCli:
    """custseg rules check and custseg presets."""

    def write(self, tmp_path: Path, name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_errors_exit_1(
        self, in_golden: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file with errors: the rendered errors, a summary line, exit 1."""
        assert main(["rules", "check", "several_errors.toml"]) == 1
        out = capsys.readouterr().out
        golden = (in_golden / "several_errors.txt").read_text(encoding="utf-8")
        assert out == golden + "several_errors.toml: 7 errors, 0 warnings\n"

    def test_clean_exit_0(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A clean file exits 0 and says so."""
        path = self.write(tmp_path, "clean.toml", CLEAN)
        assert main(["rules", "check", path]) == 0
        assert capsys.readouterr().out == f"{path}: 0 errors, 0 warnings\n"

    def test_warnings_exit_0_unless_strict(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Warnings exit 0; with --strict they exit 1."""
        path = self.write(tmp_path, "warn.toml", WARNS)
        assert main(["rules", "check", path]) == 0
        out = capsys.readouterr().out
        assert "warning[never-matches]" in out
        assert out.endswith(f"{path}: 0 errors, 1 warning\n")
        assert main(["rules", "check", "--strict", path]) == 1

    def test_strict_clean_exit_0(self, tmp_path: Path) -> None:
        """--strict on a clean file exits 0."""
        assert (
            main(["rules", "check", "--strict", self.write(tmp_path, "c.toml", CLEAN)])
            == 0
        )

    def test_notes_only_with_verbose(
        self, in_golden: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Notes (info) are shown with -v only."""
        assert main(["rules", "check", "dead_rules.toml"]) == 0
        assert "info[" not in capsys.readouterr().out
        assert main(["rules", "check", "-v", "dead_rules.toml"]) == 0
        out = capsys.readouterr().out
        assert out.startswith(
            (in_golden / "dead_rules.txt").read_text(encoding="utf-8")
        )

    def test_several_files(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Several files are all checked; one with errors makes the exit 1."""
        good = self.write(tmp_path, "good.toml", CLEAN)
        bad = self.write(tmp_path, "bad.toml", "format = 2\n")
        assert main(["rules", "check", good, bad, "ecommerce"]) == 1
        out = capsys.readouterr().out
        assert f"{good}: 0 errors" in out
        assert f"{bad}: 1 error, 0 warnings" in out
        assert "ecommerce: 0 errors, 0 warnings" in out

    def test_missing_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file that does not exist is an error (exit 1), not a traceback."""
        assert main(["rules", "check", str(tmp_path / "nope.toml")]) == 1
        assert "error[file]" in capsys.readouterr().out

    def test_presets_lists_ecommerce(self, capsys: pytest.CaptureFixture[str]) -> None:
        """custseg presets lists every preset with its description."""
        assert main(["presets"]) == 0
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert any(line.startswith("ecommerce ") for line in lines)
        assert len(lines) == len(rules.presets())
        for name, description in rules.presets().items():
            assert any(
                line.startswith(name) and line.endswith(description) for line in lines
            )

    def test_presets_prints_toml(self, capsys: pytest.CaptureFixture[str]) -> None:
        """custseg presets ecommerce prints the preset's TOML."""
        assert main(["presets", "ecommerce"]) == 0
        assert capsys.readouterr().out == rules.preset_text("ecommerce")

    def test_unknown_preset(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown preset exits 2 with the suggestion on stderr."""
        assert main(["presets", "ecomerce"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "did you mean 'ecommerce'?" in captured.err


class TestMissingRulesKey:
    @pytest.mark.parametrize("section", ["tags.flags", "segments.vip2"])
    def test_points_at_its_own_section(self, section: str) -> None:
        """A section without 'rules' is reported at its header, not at another
        section's 'rules' line, and the message has no stray brace."""
        text = (
            'format = 1\n[fields]\nm = { type = "number" }\n[segments.vip]\n'
            'default = "no"\nrules = [{ label = "yes", when = "m > 1" }]\n'
            f"[{section}]\n" + ('default = "no"\n' if "segments" in section else "")
        )
        missing = [d for d in rules.check(text) if d.code == "missing-key"]
        assert [d.line for d in missing] == [7]
        assert "}}" not in missing[0].message
