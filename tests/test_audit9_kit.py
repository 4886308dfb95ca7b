"""Audit 9, D6, D8, D9: the pytest plugin's globs, assert_reachable behind
arithmetic, and the docs table of the presets' examples."""

from __future__ import annotations

import fnmatch
import glob
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.testing import _wide_sample, assert_reachable, boundary_values

FEW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# --------------------------------------------------------------------------
# D6: one matcher, glob semantics, for collection and for the warning

RULE = """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "a"
rules = [{ label = "b", when = "x > 1" }]
[[examples]]
given = { x = 2 }
expect = { s = "b" }
"""

FOLDERS = ["", "rules", "rules/sub", "rules/sub/deep", "other", "other/sub", "sub"]
NAMES = ["x.toml", "y1.toml", "note.txt", "z.toml"]


class _Recorder:
    """What an in-process pytest run collected and warned."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()
        self.warnings: list[str] = []

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        self.paths = {Path(str(item.path)).resolve() for item in items}

    def pytest_warning_recorded(self, warning_message: Any, **kw: Any) -> None:
        self.warnings.append(str(warning_message.message))


def _collect(root: Path, patterns: list[str], *args: str) -> _Recorder:
    """Collect *root* in process with the custseg_rules *patterns*."""
    rec = _Recorder()
    options = [f"--custseg-rules={p}" for p in patterns]
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        pytest.main(
            [
                "-q",
                "--collect-only",
                "-p",
                "no:cacheprovider",
                f"--rootdir={root}",
                "-c",
                str(root / "pytest.ini"),
                *options,
                *(args or (str(root),)),
            ],
            plugins=[rec],
        )
    return rec


def _reference(rel: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """An independent reading of the documented semantics for a file's
    path: ``**`` is any number of folders (none included; last, it is every
    file below), other parts match one name."""
    if not pattern:
        return not rel
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        if not rest:
            return bool(rel)
        return any(_reference(rel[i:], rest) for i in range(len(rel) + 1))
    return bool(rel) and fnmatch.fnmatchcase(rel[0], head) and _reference(rel[1:], rest)


patterns = st.builds(
    lambda dot, middle, last: ("./" if dot else "") + "/".join([*middle, last]),
    st.booleans(),
    st.lists(st.sampled_from(["rules", "sub", "**", "*", "s*", "deep"]), max_size=3),
    st.sampled_from(["*.toml", "x.toml", "**", "*", "y*.toml", "*.txt"]),
)
trees = st.sets(
    st.tuples(st.sampled_from(FOLDERS), st.sampled_from(NAMES)), max_size=12
)


class TestGlobs:
    @FEW
    @given(trees, patterns)
    def test_collection_is_the_glob(
        self, tree: set[tuple[str, str]], pattern: str
    ) -> None:
        """The rules files collected are exactly the .toml files
        glob.glob(recursive=True) finds, and the documented reading of
        ``**`` and ``./``; a pattern naming none is warned of, and only then."""
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp).resolve()
            (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
            for folder, name in tree:
                (root / folder).mkdir(parents=True, exist_ok=True)
                (root / folder / name).write_text(RULE, encoding="utf-8")
            rec = _collect(root, [pattern])
            found = {
                (root / p).resolve()
                for p in glob.glob(pattern, root_dir=root, recursive=True)
                if (root / p).is_file() and p.endswith(".toml")
            }
            parts = tuple(p for p in pattern.split("/") if p != ".")
            expected = {
                (root / folder / name).resolve()
                for folder, name in tree
                if name.endswith(".toml")
                and _reference(tuple(Path(folder, name).parts), parts)
            }
            assert found == expected
            assert rec.paths == found
            warned = [w for w in rec.warnings if "custseg_rules pattern" in w]
            assert bool(warned) == (not found), warned

    def test_double_star_takes_the_top_folder(self, tmp_path: Path) -> None:
        """The reported case: rules/**/*.toml runs rules/shop.toml, and
        ./rules/*.toml is rules/*.toml."""
        (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (tmp_path / "rules" / "sub").mkdir(parents=True)
        (tmp_path / "rules" / "shop.toml").write_text(RULE, encoding="utf-8")
        (tmp_path / "rules" / "sub" / "other.toml").write_text(RULE, encoding="utf-8")
        top = (tmp_path / "rules" / "shop.toml").resolve()
        deep = (tmp_path / "rules" / "sub" / "other.toml").resolve()
        assert _collect(tmp_path, ["rules/**/*.toml"]).paths == {top, deep}
        dotted = _collect(tmp_path, ["./rules/*.toml"])
        assert dotted.paths == {top}
        assert not dotted.warnings

    def test_files_left_out_are_named_with_the_reason(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On a whole run, files outside testpaths and files pytest was told
        to leave out are named, each with its own reason."""
        monkeypatch.chdir(tmp_path)  # testpaths apply where pytest runs
        (tmp_path / "pytest.ini").write_text(
            "[pytest]\ntestpaths = rules\n", encoding="utf-8"
        )
        for folder in ("rules", "rules/old", "extra"):
            (tmp_path / folder).mkdir()
            (tmp_path / folder / "a.toml").write_text(RULE, encoding="utf-8")
        rec = _Recorder()
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            pytest.main(
                [
                    "-q",
                    "--collect-only",
                    "-p",
                    "no:cacheprovider",
                    f"--rootdir={tmp_path}",
                    "-c",
                    str(tmp_path / "pytest.ini"),
                    "--custseg-rules=**/*.toml",
                    f"--ignore={tmp_path / 'rules' / 'old'}",
                ],
                plugins=[rec],
            )
        assert rec.paths == {(tmp_path / "rules" / "a.toml").resolve()}
        (message,) = [w for w in rec.warnings if "custseg_rules pattern" in w]
        assert "extra/a.toml outside the paths it collects (rules)" in message
        assert "rules/old/a.toml below the paths it collects, left out by" in message
        assert message.startswith("custseg_rules pattern '**/*.toml' matches files")

    def test_no_toml_file_is_its_own_reason(self, tmp_path: Path) -> None:
        """A pattern naming only other files says so, not "no file"."""
        (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        (tmp_path / "rules").mkdir()
        (tmp_path / "rules" / "a.txt").write_text(RULE, encoding="utf-8")
        rec = _collect(tmp_path, ["rules/*"])
        assert not rec.paths
        assert any(
            "matches no .toml file (only rules/a.txt)" in w for w in rec.warnings
        )


# --------------------------------------------------------------------------
# D8: assert_reachable behind arithmetic

FORMS = {
    "x / n": lambda x, y, n, k: x / n,
    "x * K": lambda x, y, n, k: x * k,
    "(x + y) / K": lambda x, y, n, k: (x + y) / k,
    "x - y": lambda x, y, n, k: x - y,
    "x / n + y": lambda x, y, n, k: x / n + y,
}


def _arith_rules(form: str, k: float, low: float, high: float, tops: str = "") -> Any:
    expr = form.replace("K", repr(k))
    return rules.loads(
        f"""format = 1
[fields]
x = {{ type = "number", min = 0{tops} }}
y = {{ type = "number", min = 0{tops} }}
n = {{ type = "integer", min = 1 }}
[segments.s]
default = "low"
rules = [
  {{ label = "high", when = "{expr} >= {high!r}" }},
  {{ label = "mid", when = "{expr} >= {low!r}" }},
]
"""
    )


thresholds = st.one_of(
    st.integers(1, 100_000).map(float),
    st.integers(100, 1_000_000).map(lambda c: c / 100),
)


class TestReachableBehindArithmetic:
    def test_the_reported_case(self) -> None:
        """The audit's rules: average order value >= 50 is reached."""
        rs = rules.loads(
            """format = 1
[fields]
monetary = { type = "number", min = 0 }
frequency = { type = "integer", min = 1 }
[segments.basket]
default = "small baskets"
rules = [{ label = "big baskets", when = "monetary / frequency >= 50" }]
"""
        )
        assert_reachable(rs)
        assert_reachable(rs, rows=200)

    @FEW
    @given(
        st.sampled_from(sorted(FORMS)),
        st.sampled_from([0.5, 2.0, 3.0, 10.0, 1000.0]),
        thresholds,
        st.integers(1, 5_000),
        st.integers(0, 3),
    )
    def test_reachable_labels_are_reached(
        self, form: str, k: float, low: float, gap: int, seed: int
    ) -> None:
        """Two thresholds on arithmetic of open-ended fields: every label
        (above both, between, below) has customers, and is reached."""
        high = low + gap
        assert_reachable(_arith_rules(form, k, low, high), seed=seed)

    @FEW
    @given(
        st.sampled_from(sorted(FORMS)),
        st.sampled_from([0.5, 2.0, 3.0, 10.0]),
        st.integers(1, 1_000),
        st.integers(1, 100),
    )
    def test_unreachable_labels_still_fail(
        self, form: str, k: float, top: int, beyond: int
    ) -> None:
        """With bounded fields, a threshold above the largest value the
        arithmetic can give is never reached: still a failure."""
        fn = FORMS[form]
        most = max(fn(top, top, 1, k), fn(top, 0, 1, k))
        high = float(most + beyond)
        rs = _arith_rules(form, k, float(most) / 2, high, f", max = {top}")
        # truly unreachable: check on the corners
        corners = {"x": [0.0, top, 0.0, top], "y": [0.0, 0.0, top, top], "n": [1] * 4}
        assume("high" not in rs.evaluate(corners)["s"].to_numpy().tolist())
        with pytest.raises(AssertionError, match=r"segmentation s: 'high'[.]") as info:
            assert_reachable(rs, rows=500)
        assert "add rows" not in str(info.value)

    def test_the_message_gives_a_fix_that_works(self) -> None:
        """A window the sampler does not draw fails without advising more
        rows; an [[examples]] entry with field values reaching it makes it
        pass (and one giving a derived value does not count)."""
        text = """format = 1
[fields]
x = { type = "number", min = 0 }
[derived]
square = "x * x"
[segments.s]
default = "other"
rules = [{ label = "root two", when = "square > 2 and square < 2.0001" }]
"""
        rs = rules.loads(text)
        assert rs.evaluate({"x": [1.41422]})["s"].to_numpy().tolist() == ["root two"]
        with pytest.raises(AssertionError) as info:
            assert_reachable(rs)
        message = str(info.value)
        assert "segmentation s: 'root two'" in message
        assert "add rows" not in message
        assert "may need values the sampler does not draw" in message
        assert "more rows draw the same kinds of values" in message
        with pytest.raises(AssertionError, match="'root two'"):
            assert_reachable(
                rules.loads(
                    text + "[[examples]]\ngiven = { square = 2.00001 }\n"
                    'expect = { s = "root two" }\n'
                )
            )
        assert_reachable(
            rules.loads(
                text
                + '[[examples]]\ngiven = { x = 1.41422 }\nexpect = { s = "root two" }\n'
            )
        )

    def test_the_same_seed_draws_the_same_rows(self) -> None:
        """The second sample is deterministic for a given seed."""
        rs = _arith_rules("x / n", 2.0, 10.0, 20.0)
        edges = boundary_values(rs)

        def draw(seed: int) -> dict[str, np.ndarray]:
            return _wide_sample(rs, edges, 300, np.random.default_rng(seed))

        a, b, c = draw(1), draw(1), draw(2)
        assert all(a[f].tolist() == b[f].tolist() for f in a)
        assert any(a[f].tolist() != c[f].tolist() for f in a)

    @pytest.mark.parametrize("name", ["ecommerce", "beauty_salon", "base"])
    def test_presets_still_reach_every_label(self, name: str) -> None:
        assert_reachable(name, rows=5_000)


# --------------------------------------------------------------------------
# D9: the docs table is what the script computes

DOCS = Path(__file__).resolve().parent.parent / "docs" / "testing.md"


def test_the_docs_table_of_examples_and_thresholds() -> None:
    """The presets, their examples and the thresholds moved, as
    tests/test_preset_mutations.py computes them; every move caught (what
    test_every_threshold_is_pinned checks). The last column needs the full
    run: `python tests/test_preset_mutations.py`."""
    import test_preset_mutations as mutations

    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## How well the presets' examples pin their thresholds")[1]
    rows = re.findall(
        r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", section, re.M
    )
    assert [r[0] for r in rows] == mutations.PRESETS
    for name, examples, moves, caught, fewest in rows:
        assert int(examples) == len(rules.load(name).examples), name
        assert int(moves) == len(mutations.mutations(name)), name
        assert int(caught) == int(moves), name
        assert int(fewest) >= 1, name
