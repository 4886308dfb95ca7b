"""Audit 40, the command line end to end.

1. ``custseg segment --preset X --lang en`` was refused (``due`` and
   ``report`` take ``en``): ``en`` is the rules' own names everywhere.
2. ``custseg migrate`` of two CSV runs and of the same two runs as Parquet
   listed the classes in two orders (text order against the Parquet
   dictionary's, with its empty classes): one order whatever the format.
3. ``custseg due`` needed ``--cadence`` or ``--class-column`` for birthday
   or points reminders alone.
4. ``write_table`` of a frame after ``reset_index()`` wrote float ids as
   ``1e+20`` (which custseg's readers refuse) where the index is written in
   full.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import hypothesis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._files import read_table
from custseg.cli import main
from custseg.frame import write_table

# --------------------------------------------------------------------------
# 1. --lang en


def _tx(path: Path) -> Path:
    pd.DataFrame(
        {
            "customer_id": ["1", "2", "2", "3"],
            "date": ["2024-01-05", "2024-02-01", "2024-03-01", "2024-03-10"],
            "amount": [10.0, 20.0, 30.0, 5.0],
        }
    ).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("rules", [["--preset", "base"], []])
def test_segment_takes_lang_en(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rules: list[str]
) -> None:
    """The repro: --lang en is the rules' own names (as without --lang), with
    a preset and without rules, as due and report take it."""
    tx = _tx(tmp_path / "tx.csv")
    plain, en = tmp_path / "plain.csv", tmp_path / "en.csv"
    argv = ["segment", str(tx), *rules]
    assert main([*argv, "--output", str(plain)]) == 0
    assert main([*argv, "--lang", "en", "--output", str(en)]) == 0
    assert en.read_bytes() == plain.read_bytes()
    capsys.readouterr()
    # another language the rules do not carry is still refused, naming en
    assert main([*argv, "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert "'fr'" in err
    if rules:
        assert "or en (or no --lang)" in err


# --------------------------------------------------------------------------
# 2. migrate: one order whatever the format

_STAGES = ["active", "silent", "sleeping", "lost", "gone", "no_purchase", "unknown"]
_TIERS = ["Gold", "Silver", "Bronze"]


def _run(stages: list[int], tiers: list[int], ids: list[int]) -> pd.DataFrame:
    """A segment output as segment writes it: ordered tables (Parquet keeps
    their order and their empty classes)."""
    return pd.DataFrame(
        {
            "lifecycle": pd.Categorical.from_codes(stages, _STAGES, ordered=True),
            "tier": pd.Categorical.from_codes(tiers, _TIERS, ordered=True),
        },
        index=pd.Index([str(i) for i in ids], name="customer_id"),
    )


def _migrated(
    tmp_path: Path, before: pd.DataFrame, after: pd.DataFrame, fmt: str
) -> tuple[str, str]:
    b, a = tmp_path / f"b.{fmt}", tmp_path / f"a.{fmt}"
    write_table(before, b)
    write_table(after, a)
    out = tmp_path / f"m_{fmt}.csv"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        assert main(["migrate", str(b), str(a), "--output", str(out)]) == 0
    return printed.getvalue(), out.read_text(encoding="utf-8")


runs = st.integers(1, 6).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.integers(0, n),
    )
)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=4, deadline=None)
@given(runs)
def test_migrate_same_whatever_the_format(
    tmp_path_factory: pytest.TempPathFactory,
    drawn: tuple[list[int], list[int], list[int], list[int], int],
) -> None:
    """Property: migrate of two CSV runs prints and writes exactly what it
    does for the same runs as Parquet files (same classes, same order)."""
    pytest.importorskip("pyarrow")
    s0, t0, s1, t1, shift = drawn
    n = len(s0)
    before = _run(s0, t0, list(range(n)))
    after = _run(s1, t1, list(range(shift, shift + n)))
    tmp = tmp_path_factory.mktemp("m")
    assert _migrated(tmp, before, after, "csv") == _migrated(
        tmp, before, after, "parquet"
    )


def test_migrate_lifecycle_in_its_own_order(tmp_path: Path) -> None:
    """The repro: the lifecycle stages in their order (active before gone)
    in a CSV run too; a Parquet run's empty stages are not listed; a rules
    file's own table (whose order a CSV file cannot carry) in text order."""
    pytest.importorskip("pyarrow")
    before = _run([4, 0, 1], [0, 2, 1], [1, 2, 3])
    after = _run([0, 4, 3], [1, 0, 2], [1, 2, 3])
    for fmt in ("csv", "parquet"):
        text, table = _migrated(tmp_path, before, after, fmt)
        headers = [ln for ln in text.splitlines() if ln.startswith("before")]
        assert headers[0].split()[3:] == ["active", "lost", "gone", "(gone)"]
        rows = [ln.split()[0] for ln in text.split("\n\n")[1].splitlines()[2:]]
        assert rows == ["active", "silent", "gone", "(new)"]
        tiers = headers[2]
        assert tiers.split()[3:] == ["Bronze", "Gold", "Silver", "(gone)"]
        rows = [ln.split(",")[:3] for ln in table.splitlines()[1:4]]
        assert rows == [
            ["lifecycle", "active", "gone"],
            ["lifecycle", "silent", "lost"],
            ["lifecycle", "gone", "active"],
        ]


# --------------------------------------------------------------------------
# 3. due: birthday or points reminders alone


def _customers(path: Path) -> Path:
    pd.DataFrame(
        {
            "customer_id": ["1", "2", "3"],
            "birthday": ["1990-01-02", "1985-06-01", ""],
            "points": [800, 10, 600],
        }
    ).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("options", "reasons"),
    [
        (
            ["--points", "points", "--min-points", "500"],
            {("1", "points"), ("3", "points")},
        ),
        (["--birthday", "birthday"], {("1", "birthday")}),
    ],
)
def test_due_without_cadence(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    reasons: set[tuple[str, str]],
) -> None:
    """The repro: points or birthday reminders need no --cadence; nobody is
    then due for a cadence."""
    path = _customers(tmp_path / "crm.csv")
    out = tmp_path / "due.csv"
    argv = ["due", str(path), "--as-of", "2025-01-01", *options, "--output", str(out)]
    assert main(argv) == 0
    due = read_table(str(out), text_columns="customer_id")
    assert set(zip(due["customer_id"], due["reason"], strict=True)) == reasons


def test_due_needs_a_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No reason at all, or a holiday alone (greetings go to the customers
    with a cadence): an error saying what to give."""
    path = _customers(tmp_path / "crm.csv")
    capsys.readouterr()
    assert main(["due", str(path), "--as-of", "2025-01-01"]) == 2
    assert "needs a reason to contact" in capsys.readouterr().err
    argv = ["due", str(path), "--as-of", "2025-01-01", "--holiday", "ny=2025-01-02"]
    assert main(argv) == 2
    assert "give --cadence DAYS or --class-column COLUMN too" in capsys.readouterr().err


# --------------------------------------------------------------------------
# 4. float ids in a plain customer_id column


@settings(max_examples=10, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(-(2**70), 2**70).map(float),
            st.floats(allow_nan=False, allow_infinity=False, width=64),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_id_column_written_as_the_index(
    tmp_path_factory: pytest.TempPathFactory, ids: list[float]
) -> None:
    """Property: a customer_id column (a frame after reset_index()) is
    written as the same ids as the index is, whole floats in full."""
    tmp = tmp_path_factory.mktemp("w")
    frame = pd.DataFrame(
        {"x": range(len(ids))}, index=pd.Index(ids, name="customer_id")
    )
    write_table(frame, tmp / "index.csv")
    write_table(frame.reset_index(), tmp / "column.csv")
    assert (tmp / "column.csv").read_text() == (tmp / "index.csv").read_text()


def test_id_column_in_full(tmp_path: Path) -> None:
    """The repro: 1e20 after reset_index() is 100000000000000000000, which
    custseg reads back as the id; ids= names another id column; a value
    column keeps its shortest text."""
    frame = pd.DataFrame({"customer_id": [1e20, 2.0], "x": [1e20, 1.5]})
    write_table(frame, tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text().splitlines() == [
        "customer_id,x",
        "100000000000000000000,1e+20",
        "2,1.5",
    ]
    back = read_table(str(tmp_path / "a.csv"), text_columns="customer_id")
    assert back["customer_id"].tolist() == ["100000000000000000000", "2"]
    write_table(
        frame.rename(columns={"customer_id": "cid"}), tmp_path / "b.csv", ids="cid"
    )
    assert (
        (tmp_path / "b.csv")
        .read_text()
        .splitlines()[1]
        .startswith("100000000000000000000,")
    )


def test_due_without_cadence_options_said_of_the_reminders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--preset with points reminders alone (no --cadence given): the
    message speaks of the reminders, not of a --cadence nobody gave."""
    path = _customers(tmp_path / "crm.csv")
    capsys.readouterr()
    argv = ["due", str(path), "--as-of", "2025-01-01", "--points", "points"]
    assert main([*argv, "--min-points", "500", "--preset", "ecommerce"]) == 2
    err = capsys.readouterr().err
    assert "birthday and points reminders alone do not read" in err
    assert "--cadence" not in err
