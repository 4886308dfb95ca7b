"""Audit 30 (cli2): messages of ``custseg assign``, ``migrate`` and ``due``.

1. ``assign`` warned that owners "moved as customers of staff who left" when
   the assignment had kept them (a staff file of floats, ``7.0``, and owners
   ``7.0``): the warning now follows what the assignment did, for every kind
   of staff id (text, integers, floats, Parquet types).
2. ``migrate`` named a missing customer id by a 1-based "row" (neither the
   CSV file's line nor the Parquet file's 0-based row) and a repeated one by
   no row at all: both are named as ``due`` and ``assign`` name them.
3. ``migrate`` blamed runs in two languages on "other thresholds": a column
   whose classes share no name gets only the "another --lang?" warning.
4. ``due`` answered a true/false points column with pandas advice
   (``.astype(int)``): the message names the file, the column, the line and
   the option.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg.cli import main

# Parquet files (staff, customers, runs, points) are written throughout: the
# floors (the README's test install) have no pyarrow
pytest.importorskip("pyarrow")

_CLI = settings(max_examples=20, deadline=None)


@contextlib.contextmanager
def _in(directory: Path) -> Iterator[None]:
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(cwd)


def _run(directory: Path, argv: list[str]) -> tuple[int, str]:
    """Exit status and stderr of ``custseg ARGV`` run in *directory*."""
    err = io.StringIO()
    with (
        _in(directory),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        status = main(argv)
    return status, err.getvalue()


# --------------------------------------------------------------------------
# 1. assign: the look-alike warning follows what the assignment did

_LEFT_WARNING = "moved as customers of staff who left"

#: How the staff file holds its ids: a CSV file's text (``7`` or ``7.0``), or
#: a Parquet column of integers, floats, nullable integers or text.
_STAFF_KINDS = ["csv", "csv.0", "int64", "float64", "Int64", "string"]
#: How an owner is spelled in the customers file (each ASCII: the look-alike
#: forms of other characters are audit 21's).
_SPELLINGS = ["{}", "{}.0", "{}.00", " {}", "{} ", " {}.0", "{}.0 "]
#: How the customers file holds its owners: a CSV file's quoted text, or a
#: Parquet column of text, floats or integers (numbers: no spaces).
_OWNER_KINDS = ["csv", "text", "float64", "int64"]


def _write_staff(path: Path, staff: list[int], kind: str) -> Path:
    if kind.startswith("csv"):
        file = path / "staff.csv"
        spell = "{}.0" if kind == "csv.0" else "{}"
        with open(file, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_ALL)
            w.writerows([["staff"], *([spell.format(s)] for s in staff)])
        return file
    file = path / "staff.parquet"
    col: Any = pd.Series(staff).astype(kind if kind != "string" else object)
    if kind == "string":
        col = col.astype(str)
    pd.DataFrame({"staff": col}).to_parquet(file, index=False)
    return file


def _write_customers(
    path: Path, owners: list[tuple[int, str] | None], kind: str
) -> Path:
    ids = [f"c{i}" for i in range(len(owners))]
    value = [float(10 * (i + 1)) for i in range(len(owners))]
    if kind == "csv":
        file = path / "cust.csv"
        with open(file, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_ALL)  # spaces kept inside quotes
            w.writerow(["customer_id", "monetary", "owner"])
            for i, o in enumerate(owners):
                w.writerow([ids[i], value[i], "" if o is None else o[1].format(o[0])])
        return file
    file = path / "cust.parquet"
    col: Any
    if kind == "text":
        col = [None if o is None else o[1].format(o[0]) for o in owners]
    elif kind == "float64":
        col = pd.Series([np.nan if o is None else float(o[0]) for o in owners])
    else:  # integers: a nullable column when some customer has no owner
        col = pd.Series([None if o is None else o[0] for o in owners], dtype="Int64")
    pd.DataFrame({"customer_id": ids, "monetary": value, "owner": col}).to_parquet(
        file, index=False
    )
    return file


@st.composite
def _assign_case(draw: st.DrawFn) -> tuple[list[int], str, list[Any], str]:
    staff = draw(st.lists(st.integers(1, 60), min_size=1, max_size=4, unique=True))
    owner_kind = draw(st.sampled_from(_OWNER_KINDS))
    # numbers stored as numbers have no spaces and no '.0' to spell
    spellings = _SPELLINGS if owner_kind in ("csv", "text") else ["{}"]
    owners = draw(
        st.lists(
            st.none() | st.tuples(st.sampled_from(staff), st.sampled_from(spellings)),
            min_size=1,
            max_size=8,
        )
    )
    return staff, draw(st.sampled_from(_STAFF_KINDS)), owners, owner_kind


@settings(max_examples=40, deadline=None)
@given(case=_assign_case())
@example(case=([7, 8], "float64", [(7, "{}.0"), (8, "{}.0"), None], "csv"))  # probe
@example(case=([7], "float64", [(7, "{}.0"), (7, " {}")], "text"))
def test_the_look_alike_warning_follows_the_assignment(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Any, ...]
) -> None:
    """Without capacities a customer is ``forced`` exactly when its owner is
    not a staff member: the warning (every owner here reads like a staff id)
    is given exactly then, whatever the types of the staff ids and owners.
    An owner spelled as a staff id, or with a ``.0`` pandas writes, where
    the staff file has the integer, is that staff member."""
    staff, staff_kind, owners, owner_kind = case
    d = tmp_path_factory.mktemp("assign")
    staff_file = _write_staff(d, staff, staff_kind)
    cust_file = _write_customers(d, owners, owner_kind)
    status, err = _run(
        d, ["assign", cust_file.name, staff_file.name, "--output", "o.csv"]
    )
    assert status == 0, err
    out = pd.read_csv(d / "o.csv", dtype=str, keep_default_na=False)
    forced = bool((out["change"] == "forced").any())
    assert (_LEFT_WARNING in err) == forced, (err, out)
    if staff_kind != "csv.0":  # the staff's ids are the integers: "7" and 7
        spaced = any(o is not None and o[1] != o[1].strip() for o in owners)
        assert forced == spaced, (err, out)


def test_the_probe_float_staff_and_owners_written_7_0(tmp_path: Path) -> None:
    pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "monetary": [10.0, 20.0, 30.0],
            "owner": ["7.0", "8.0", None],
        }
    ).to_csv(tmp_path / "cust.csv", index=False)
    pd.DataFrame({"staff": [7.0, 8.0]}).to_parquet(
        tmp_path / "staff.parquet", index=False
    )
    status, err = _run(
        tmp_path, ["assign", "cust.csv", "staff.parquet", "--output", "owners.csv"]
    )
    assert status == 0
    assert "warning" not in err, err
    out = pd.read_csv(tmp_path / "owners.csv", dtype=str)
    assert out["owner"].tolist()[:2] == ["7", "8"]
    assert out["change"].tolist()[:2] == ["kept", "kept"]


# --------------------------------------------------------------------------
# 2. migrate names a bad row as due does


@st.composite
def _ids_case(draw: st.DrawFn) -> tuple[list[str | None], list[int], str]:
    """Customer ids with one problem (missing ids, or an id repeated), blank
    lines after some rows of the CSV file, and the file's format."""
    n = draw(st.integers(2, 8))
    ids: list[str | None] = [f"c{i}" for i in range(n)]
    at = draw(st.sets(st.integers(1, n - 1), min_size=1, max_size=3))
    if draw(st.booleans()):
        for i in at:
            ids[i] = None
    else:
        for i in at:
            ids[i] = ids[draw(st.integers(0, i - 1))]
    blanks = draw(st.lists(st.integers(0, n - 1), max_size=3))
    return ids, blanks, draw(st.sampled_from(["csv", "parquet"]))


def _where(err: str) -> str:
    m = re.search(r"\(first at ([^)]*)\)", err)
    assert m is not None, err
    return m.group(1)


@_CLI
@given(case=_ids_case())
def test_migrate_names_the_rows_due_names(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[list[str | None], list[int], str],
) -> None:
    """A missing or repeated customer id: ``migrate`` names the row as
    ``due`` does (a CSV file's line, blank lines counted; a Parquet file's
    0-based row) with the same count, and names the file."""
    ids, blanks, fmt = case
    d = tmp_path_factory.mktemp("migrate")
    classes = ["active"] * len(ids)
    if fmt == "csv":
        lines = ["customer_id,lifecycle"]
        for i, c in enumerate(ids):
            lines.append(f"{'' if c is None else c},{classes[i]}")
            lines += [""] * blanks.count(i)
        (d / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        name = "m.csv"
    else:
        pd.DataFrame({"customer_id": ids, "lifecycle": classes}).to_parquet(
            d / "m.parquet", index=False
        )
        name = "m.parquet"
    status, err = _run(d, ["migrate", name, name])
    assert status == 2
    assert err.startswith(f"custseg: error: {name!r} has "), err
    status, due = _run(d, ["due", name, "--as-of", "2025-01-01", "--cadence", "30"])
    assert status == 2
    assert _where(err) == _where(due), (err, due)
    if fmt == "csv":
        assert "first at line " in err and f"of {name!r}" in err
    else:
        assert re.search(r"first at row \d", err), err


def test_the_probe_missing_id(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(
        "customer_id,lifecycle\na,active\n,active\nc,lost\n", encoding="utf-8"
    )
    pd.DataFrame(
        {"customer_id": ["a", None, "c"], "lifecycle": ["active"] * 3}
    ).to_parquet(tmp_path / "m.parquet", index=False)
    _, err = _run(tmp_path, ["migrate", "m.csv", "m.csv"])
    assert "(first at line 3 of 'm.csv', 1 row affected)" in err, err
    _, err = _run(tmp_path, ["migrate", "m.parquet", "m.parquet"])
    assert "'m.parquet' has missing customer ids" in err
    assert "(first at row 1, 1 row affected)" in err, err


def test_the_probe_repeated_id(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(
        "customer_id,lifecycle\na,active\nb,active\na,lost\n", encoding="utf-8"
    )
    _, err = _run(tmp_path, ["migrate", "d.csv", "d.csv"])
    assert "has customer 'a' more than once" in err
    assert "(first at line 4 of 'd.csv', 1 row affected)" in err, err


# --------------------------------------------------------------------------
# 3. migrate: classes in another language are no thresholds' doing

_THRESHOLDS = "used other thresholds"
_LANG = "another --lang?"
_ZH = {"active": "活跃期", "silent": "沉默期", "sleeping": "沉睡期", "lost": "已流失"}


@st.composite
def _step_runs(draw: st.DrawFn) -> tuple[list[int], int, int]:
    """Recencies shared by enough customers for a step function to be
    recognised (each value three times or more, 20 customers or more), and
    the index of the first ``lost`` value in each run (two classes each)."""
    values = sorted(draw(st.sets(st.integers(0, 400), min_size=3, max_size=8)))
    reps = max(3, -(-20 // len(values)))
    days = draw(st.permutations([x for x in values for _ in range(reps)]))
    edges = st.integers(1, len(values) - 1).map(lambda j: values[j])
    return list(days), draw(edges), draw(edges)


@_CLI
@given(case=_step_runs(), translate=st.booleans())
def test_no_threshold_warning_for_classes_in_another_language(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[list[int], int, int],
    translate: bool,
) -> None:
    """``lifecycle`` a step function of ``recency_days`` in each run (its
    edge maybe moved), the later run's classes maybe translated: with no
    class in common only the language warning is given; with the classes
    in common the thresholds warning is given exactly when the edge moved."""
    days, edge_before, edge_after = case
    d = tmp_path_factory.mktemp("lang")

    def stage(edge: int) -> list[str]:
        return ["active" if x < edge else "lost" for x in days]

    before, after = stage(edge_before), stage(edge_after)
    if translate:
        after = [_ZH[c] for c in after]
    ids = [f"c{i}" for i in range(len(days))]
    for name, classes in (("a.csv", before), ("b.csv", after)):
        pd.DataFrame(
            {"customer_id": ids, "recency_days": days, "lifecycle": classes}
        ).to_csv(d / name, index=False)
    status, err = _run(d, ["migrate", "a.csv", "b.csv", "--column", "lifecycle"])
    assert status == 0, err
    warned = [x for x in err.splitlines() if x.startswith("custseg: warning:")]
    if translate:
        assert len(warned) == 1 and _LANG in warned[0], err
    else:
        assert _LANG not in err
        assert (_THRESHOLDS in err) == (edge_before != edge_after), err


def test_the_probe_runs_in_two_languages(tmp_path: Path) -> None:
    from custseg.datasets import simulate_transactions

    simulate_transactions(300, seed=1).to_csv(tmp_path / "tx.csv", index=False)
    for lang in ("en", "zh"):
        lang_args = ["--lang", lang] if lang != "en" else []  # the rules' own
        status, err = _run(
            tmp_path,
            [
                "segment",
                "tx.csv",
                "--preset",
                "ecommerce",
                *lang_args,
                "--output",
                f"{lang}.csv",
            ],
        )
        assert status == 0, err
    status, err = _run(
        tmp_path, ["migrate", "en.csv", "zh.csv", "--column", "lifecycle"]
    )
    assert status == 0
    assert _THRESHOLDS not in err, err
    warned = [x for x in err.splitlines() if x.startswith("custseg: warning:")]
    assert len(warned) == 1 and _LANG in warned[0], err


# --------------------------------------------------------------------------
# 4. due: a true/false points column


@_CLI
@given(
    cells=st.lists(
        st.sampled_from(["TRUE", "FALSE", "true", "false", "True", "False", ""]),
        min_size=1,
        max_size=6,
    ).filter(lambda c: any(c)),
    fmt=st.sampled_from(["csv", "bool", "boolean"]),
)
def test_true_false_points_named_on_the_command_line(
    tmp_path_factory: pytest.TempPathFactory, cells: list[str], fmt: str
) -> None:
    """Points of true/false values (CSV cells in any case, with blanks; a
    Parquet boolean column, nullable too): an error naming the column, the
    file and its first value's line or row, with the option as the fix."""
    d = tmp_path_factory.mktemp("points")
    ids = [f"c{i}" for i in range(len(cells))]
    truth = [None if c == "" else c.lower() == "true" for c in cells]
    if fmt == "bool":  # a Parquet bool column has no gaps
        truth = [bool(t) for t in truth]
    first = next(i for i, t in enumerate(truth) if t is not None)
    if fmt == "csv":
        name = "p.csv"
        body = "".join(f"{i},{c}\n" for i, c in zip(ids, cells, strict=True))
        (d / name).write_text("customer_id,pts\n" + body, encoding="utf-8")
        where = f"first at line {first + 2} of {name!r}"
    else:
        name = "p.parquet"
        col = pd.Series(truth, dtype=fmt)
        pd.DataFrame({"customer_id": ids, "pts": col}).to_parquet(d / name, index=False)
        where = f"first at row {first}"
    status, err = _run(
        d,
        [
            "due",
            name,
            "--as-of",
            "2025-01-20",
            "--cadence",
            "30",
            "--points",
            "pts",
            "--min-points",
            "1",
        ],
    )
    assert status == 2
    assert err.startswith(
        f"custseg: error: 'pts' of {name!r} holds true/false values, not a points "
        f"balance ({where}, "
    ), err
    assert "--points" in err and "astype" not in err


def test_the_probe_true_false_points(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(
        "customer_id,points\na,TRUE\nb,FALSE\n", encoding="utf-8"
    )
    status, err = _run(
        tmp_path,
        [
            "due",
            "p.csv",
            "--as-of",
            "2025-01-20",
            "--cadence",
            "30",
            "--points",
            "points",
            "--min-points",
            "1",
        ],
    )
    assert status == 2
    assert err.strip() == (
        "custseg: error: 'points' of 'p.csv' holds true/false values, not a points "
        "balance (first at line 2 of 'p.csv', 2 rows affected): name the column of "
        "points balances (numbers) with --points COLUMN"
    )
