"""Audit 28 (playbooks and migration, second round).

- The default playbooks kept a cadence for customers past the win-back
  deadline (the start of the preset's ``gone`` stage): RFM scores are
  relative, so a ``gone`` customer could be rfm_vignette ``Loyal
  Customers``, rfm11 ``Champions`` or rfm8 ``Important Value``, and every
  ``gone`` buyer is care_phase ``established``. Every such class now has
  the preset's deadline, so ``actions(..., recency_days=)`` stops them.
- ``custseg migrate`` typed each file's column on its own: ``1.0`` in a
  column of numbers was the number 1, in a column that also held ``x`` the
  text ``1.0``, so a label written the same way in both files counted as a
  move. Both files' columns are now typed together.
- An unordered dictionary (pyarrow's ``dictionary_encode``, a Polars
  categorical) is in order of first appearance, so the order of
  ``migrate``'s rows and columns followed the row order of the files. Only
  an ordered dictionary keeps its order now.
- ``TransitionMatrix._repr_html_`` left columns out (``(gone)`` among
  them) without counting them.
- ``default_playbook(care_days=...)`` checked the upper bound only through
  the care action's cadence, naming a key the caller never wrote, and
  only for ``care_phase``.
"""

from __future__ import annotations

import importlib.util
import math
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg._display import MAX_COLUMNS
from custseg.cli import main
from custseg.errors import ThresholdError
from custseg.migration import transition_matrix
from custseg.playbook import MAX_CADENCE_DAYS, PLAYBOOK_NAMES, actions, default_playbook

FEW = settings(max_examples=25, deadline=None)

PRESETS = tuple(sorted(rules.presets()))  # every shipped preset


# --------------------------------------------------------------------------
# 1. no preset playbook spends on a customer past the win-back deadline


def _evaluate(preset: str, rows: pd.DataFrame) -> tuple[rules.RuleSet, pd.DataFrame]:
    rs = rules.preset(preset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stage contradictions: the point here
        out = rs.evaluate(rows)
    frame = out.to_pandas() if hasattr(out, "to_pandas") else out
    return rs, frame


def _spenders(rs: rules.RuleSet, frame: pd.DataFrame, recency: np.ndarray) -> dict:
    """Per output with a playbook: the classes that still get a cadence for
    a customer of the lifecycle's gone stage."""
    gone = frame["lifecycle"].astype(str).to_numpy() == "gone"
    found = {}
    for column in rs.outputs:
        pb = rs.playbook(column)
        if column not in frame.columns or pb is None:
            continue
        plan = actions(frame[column], pb, recency_days=recency)
        spend = gone & ~np.isnan(plan.cadence_days)
        if spend.any():
            found[column] = sorted(set(frame[column].astype(str)[spend]))
    return found


class TestNoSpendingPastTheDeadline:
    def test_reported_example(self) -> None:
        """The audit's customer: 400 days since the last purchase (gone in
        base), R = 2 by quantiles: rfm_vignette Loyal Customers, care_phase
        established; both are stopped now, as rfm11 At Risk was."""
        row = pd.DataFrame(
            {
                "recency_days": [400.0],
                "frequency": [5],
                "monetary": [500.0],
                "tenure_days": [700.0],
                "r": [2],
                "f": [4],
                "m": [4],
            },
            index=["c1"],
        )
        rs, frame = _evaluate("base", row)
        assert str(frame["lifecycle"].iloc[0]) == "gone"
        for column, label in (
            ("rfm11", "At Risk"),
            ("rfm_vignette", "Loyal Customers"),
            ("care_phase", "established"),
        ):
            assert str(frame[column].iloc[0]) == label
            plan = actions(frame[column], rs.playbook(column), recency_days=[400.0])
            got = plan.to_pandas().iloc[0]
            assert got["action"] == "stop: win-back deadline passed", column
            assert math.isnan(plan.cadence_days[0])

    @FEW
    @given(
        preset=st.sampled_from(PRESETS),
        rows=st.lists(
            st.tuples(
                st.integers(0, 4000),  # recency
                st.integers(0, 4000),  # tenure beyond the recency
                st.integers(1, 30),  # frequency
                st.integers(1, 20_000),  # monetary
                st.integers(1, 5),
                st.integers(1, 5),
                st.integers(1, 5),
            ),
            min_size=1,
            max_size=40,
        ),
    )
    def test_no_cadence_for_gone_customers(self, preset: str, rows: list) -> None:
        """Buyers of any recency and any (relative) scores: whatever class
        each output gives a gone customer, its playbook gives no cadence
        once the recency is given."""
        recency = np.array([float(r[0]) for r in rows])
        frame = pd.DataFrame(
            {
                "recency_days": recency,
                "frequency": [r[2] for r in rows],
                "monetary": [float(r[3]) for r in rows],
                "tenure_days": [float(r[0] + r[1]) for r in rows],
                "r": [r[4] for r in rows],
                "f": [r[5] for r in rows],
                "m": [r[6] for r in rows],
            },
            index=[f"c{i}" for i in range(len(rows))],
        )
        rs, out = _evaluate(preset, frame)
        assert _spenders(rs, out, recency) == {}

    @pytest.mark.parametrize("preset", PRESETS)
    def test_deadline_is_the_presets(self, preset: str) -> None:
        """The classes that may hold a gone customer carry the preset's
        deadline (the start of its gone stage), not 365."""
        rs = rules.preset(preset)
        deadline = rs.win_back_deadline()
        for column, label in (
            ("rfm_vignette", "Loyal Customers"),
            ("rfm11", "Champions"),
            ("rfm8", "Important Value"),
            ("ecom4", "Key Development"),
            ("care_phase", "established"),
        ):
            action = rs.playbook(column).action_for(label)
            assert action.deadline_days == deadline, (column, label)


# --------------------------------------------------------------------------
# 2. a label written the same way in both files is one class

NUMBERS = ("1", "1.0", "2", "2.5")
FLAGS = ("true", "True", "false")
TEXTS = ("x", "01")


def _key(text: str, kind: str) -> object:
    if kind == "number":
        return float(text)
    if kind == "flag":
        return text.lower() == "true"
    return text


def _migrate_csv(before: list[str], after: list[str], folder: Path) -> pd.DataFrame:
    for name, cells in (("june.csv", before), ("dec.csv", after)):
        rows = "".join(f"c{i},{c}\n" for i, c in enumerate(cells))
        (folder / name).write_text("customer_id,tier\n" + rows, encoding="utf-8")
    out = folder / "out.csv"
    argv = ["migrate", str(folder / "june.csv"), str(folder / "dec.csv")]
    assert main([*argv, "--column", "tier", "--output", str(out)]) == 0
    return pd.read_csv(out, dtype=str, keep_default_na=False)


class TestTypedTogether:
    def test_reported_example(self, tmp_path: Path) -> None:
        """1.0 in both files for c1 and c2, x after for c3: 2 of 3 stayed
        (was 0 of 3, moved 1 -> 1.0)."""
        table = _migrate_csv(["1.0", "1.0", "1.0"], ["1.0", "1.0", "x"], tmp_path)
        pairs = {
            (b, a): int(n) for b, a, n in table[["before", "after", "customers"]].values
        }
        assert pairs == {("1.0", "1.0"): 2, ("1.0", "x"): 1}

    def test_flags(self, tmp_path: Path) -> None:
        """true in both files stays true, though the later file also holds
        unknown (was True -> true)."""
        table = _migrate_csv(["true", "true"], ["true", "unknown"], tmp_path)
        pairs = {(b, a) for b, a in table[["before", "after"]].values}
        assert pairs == {("true", "true"), ("true", "unknown")}

    def test_warning_names_the_cause(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """1 and 1.0 in a column that also holds text: two classes, and the
        warning says so (not other rules or another --lang)."""
        _migrate_csv(["1", "x"], ["1.0", "y"], tmp_path)
        err = capsys.readouterr().err
        assert "one number written two ways" in err and "'1'" in err
        assert "--lang" not in err

    @FEW
    @given(
        data=st.data(),
        n=st.integers(1, 12),
        kinds=st.lists(
            st.sampled_from(("number", "flag", "text")), min_size=2, max_size=2
        ),
    )
    def test_stayed_is_the_same_writing(
        self, data: st.DataObject, n: int, kinds: list[str]
    ) -> None:
        """Random cells of numbers, flags or text in each file: a customer
        stayed exactly when the two cells are one class (same text; or, when
        every cell of both files is a number or every one a flag, the same
        value)."""
        pools = {"number": NUMBERS, "flag": FLAGS, "text": TEXTS + NUMBERS}
        before = data.draw(
            st.lists(st.sampled_from(pools[kinds[0]]), min_size=n, max_size=n)
        )
        after = data.draw(
            st.lists(st.sampled_from(pools[kinds[1]]), min_size=n, max_size=n)
        )
        cells = set(before) | set(after)
        kind = (
            "number"
            if cells <= set(NUMBERS)
            else "flag"
            if cells <= set(FLAGS)
            else "text"
        )
        expected = sum(
            _key(b, kind) == _key(a, kind) for b, a in zip(before, after, strict=True)
        )
        with tempfile.TemporaryDirectory() as folder:
            table = _migrate_csv(before, after, Path(folder))
        stayed = table[table["before"] == table["after"]]["customers"].astype(int).sum()
        assert stayed == expected


# --------------------------------------------------------------------------
# 3. the row order of Parquet dictionary columns decides nothing


def _parquet(
    path: Path, ids: list[str], labels: list[str], ordered: bool = False
) -> None:
    pa = pytest.importorskip("pyarrow")  # the `parquet` extra
    pq = pytest.importorskip("pyarrow.parquet")
    column = pa.array(labels).dictionary_encode()
    if ordered:
        # the dictionary in reverse alphabetical order, marked ordered
        order = sorted(set(labels), reverse=True)
        indices = pa.array([order.index(x) for x in labels], type=pa.int32())
        column = pa.DictionaryArray.from_arrays(indices, pa.array(order), ordered=True)
    pq.write_table(pa.table({"customer_id": pa.array(ids), "lifecycle": column}), path)


def _migrate_parquet(
    folder: Path, ids: list[str], old: list[str], new: list[str], ordered: bool = False
) -> str:
    _parquet(folder / "b.parquet", ids, old, ordered)
    _parquet(folder / "a.parquet", ids, new, ordered)
    out = folder / "o.csv"
    argv = ["migrate", str(folder / "b.parquet"), str(folder / "a.parquet")]
    assert main([*argv, "--output", str(out)]) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.skipif(
    importlib.util.find_spec("pyarrow") is None, reason="needs the parquet extra"
)
class TestDictionaryOrder:
    def test_reported_example(self, tmp_path: Path) -> None:
        """The same snapshots, rows reversed: the same table (was silent,
        active, lost against lost, active, silent)."""
        ids = ["a", "b", "c", "d"]
        old = ["silent", "active", "active", "lost"]
        new = ["active", "active", "silent", "lost"]
        first = _migrate_parquet(tmp_path, ids, old, new)
        second = _migrate_parquet(tmp_path, ids[::-1], old[::-1], new[::-1])
        assert first == second
        # (audit 40: lifecycle stages in their own order, as a CSV run has them)
        assert [line.split(",")[1] for line in first.splitlines()[1:]] == [
            "active",
            "active",
            "silent",
            "lost",
        ]

    @FEW
    @given(
        data=st.data(),
        n=st.integers(1, 15),
        ordered=st.booleans(),
    )
    def test_any_row_order(self, data: st.DataObject, n: int, ordered: bool) -> None:
        """Random classes, rows shuffled: the output is the same; the
        lifecycle stages in their own order, other classes (Z) sorted, an
        ordered dictionary (here reverse alphabetical) as an unordered one
        (audit 40: one order whatever the file type, a CSV file has none)."""
        names = st.sampled_from(["active", "silent", "lost", "gone", "Z"])
        old = data.draw(st.lists(names, min_size=n, max_size=n))
        new = data.draw(st.lists(names, min_size=n, max_size=n))
        ids = [f"c{i}" for i in range(n)]
        perm = data.draw(st.permutations(range(n)))
        with tempfile.TemporaryDirectory() as folder:
            first = _migrate_parquet(Path(folder), ids, old, new, ordered)
            second = _migrate_parquet(
                Path(folder),
                [ids[i] for i in perm],
                [old[i] for i in perm],
                [new[i] for i in perm],
                ordered,
            )
        assert first == second
        befores = list(
            dict.fromkeys(line.split(",")[1] for line in first.splitlines()[1:])
        )
        stages = ["active", "silent", "lost", "gone"]
        expected = (
            sorted(set(befores))
            if "Z" in befores + new
            else [c for c in stages if c in befores]
        )
        assert befores == expected


# --------------------------------------------------------------------------
# 4. the notebook table counts the columns it leaves out


def _columns_said(html: str) -> int:
    found = re.search(r"(\d+) more columns", html.split("</table>")[1])
    return int(found.group(1)) if found else 0


class TestHtmlColumns:
    def test_reported_example(self) -> None:
        """30 classes moving one step: 31 columns after, 11 shown, 20 said."""
        n = 30
        b = pd.Series(
            [f"c{i:02d}" for i in range(n)], index=[f"id{i}" for i in range(n)]
        )
        a = pd.Series(
            [f"c{(i + 1) % n:02d}" for i in range(n)],
            index=[f"id{i}" for i in range(1, n + 1)],
        )
        tm = transition_matrix(b, a)
        html = tm._repr_html_()
        assert "(gone)" not in html
        assert _columns_said(html) == 20

    @FEW
    @given(n=st.integers(1, 30), shift=st.integers(0, 3))
    def test_shown_and_said_are_all(self, n: int, shift: int) -> None:
        """The columns shown plus the columns said are every after column."""
        b = pd.Series(
            [f"k{i:02d}" for i in range(n)], index=[f"id{i}" for i in range(n)]
        )
        a = pd.Series(
            [f"k{(i + 1) % n:02d}" for i in range(n)],
            index=[f"id{i}" for i in range(shift, n + shift)],
        )
        tm = transition_matrix(b, a)
        html = tm._repr_html_()
        header = html.split("</thead>")[0]
        shown = header.count("<th style") - 1  # the corner
        assert shown == min(len(tm.after), MAX_COLUMNS - 1)
        assert shown + _columns_said(html) == len(tm.after)


# --------------------------------------------------------------------------
# 5. care_days is checked as given, whatever the playbook


class TestCareDays:
    def test_reported_example(self) -> None:
        """care_days=1e13: the error names care_days (was the derived key
        playbook.care_phase.care.cadence_days), also for lifecycle (was
        accepted)."""
        for name in ("care_phase", "lifecycle"):
            with pytest.raises(ThresholdError) as caught:
                default_playbook(name, care_days=1e13)
            text = str(caught.value)
            assert text.startswith("'care_days' must be at most 1,000,000,000,000 days")
            assert "cadence" not in text

    @FEW
    @given(
        name=st.sampled_from(PLAYBOOK_NAMES),
        days=st.floats(MAX_CADENCE_DAYS, 1e300, exclude_min=True),
    )
    def test_any_playbook(self, name: str, days: float) -> None:
        """Above the bound: an error naming care_days, whatever the name;
        at the bound: accepted."""
        with pytest.raises(ThresholdError, match=r"^'care_days' must be at most"):
            default_playbook(name, care_days=days)
        default_playbook(name, care_days=MAX_CADENCE_DAYS)
