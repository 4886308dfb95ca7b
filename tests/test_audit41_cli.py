"""Audit 41, the command line and the user path (a beauty salon's files).

1. ``custseg segment --records ... --output X.parquet`` failed after the
   whole run when a survey column held codes and words (``5`` beside
   ``satisfied``, read as the number 5 and the word, as documented):
   pyarrow cannot store a column of ints and text, and nothing was
   written. A column mixing text and numbers is now written as text.
2. ``custseg due`` read the ids from ``customer_id`` only: the output of
   ``custseg segment --customer kunde`` was refused until ``--customer
   kunde`` was given, where ``assign`` and ``migrate`` read the first column.
3. ``segment(df, amount=None, quantity=..., price=...)`` said "'amount' is
   given"; ``amount=None`` alone said "'None' is not a column".
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import custseg
from custseg.cli import main
from custseg.errors import InputError
from custseg.frame import write_table

# --------------------------------------------------------------------------
# 1. a column of text and numbers written to Parquet


def test_segment_parquet_output_of_survey_codes_and_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repro: codes and words in one survey column, --output .parquet."""
    pytest.importorskip("pyarrow")
    tx = tmp_path / "tx.csv"
    tx.write_text(
        "customer_id,date,amount\nc1,2024-11-02,120\nc2,2024-06-15,35\n"
        "c3,2024-12-28,60\n",
        encoding="utf-8",
    )
    rec = tmp_path / "rec.csv"
    rec.write_text(
        "customer_id,satisfaction\nc1,5\nc2,satisfied\nc4,04\n", encoding="utf-8"
    )
    out, csv = tmp_path / "out.parquet", tmp_path / "out.csv"
    argv = ["segment", str(tx), "--records", str(rec), "--preset", "beauty_salon"]
    assert main([*argv, "--output", str(out)]) == 0
    assert main([*argv, "--output", str(csv)]) == 0
    capsys.readouterr()
    got = pd.read_parquet(out).set_index("customer_id")["satisfaction"]
    assert got.fillna("").to_dict() == {
        "c1": "5",
        "c2": "satisfied",
        "c3": "",
        "c4": "4",
    }
    # the same text as the CSV output holds
    text = pd.read_csv(csv, dtype=str).set_index("customer_id")["satisfaction"]
    assert got.fillna("").to_dict() == text.fillna("").to_dict()


@pytest.mark.parametrize(
    ("cells", "texts"),
    [
        ([5, "satisfied", None], ["5", "satisfied", None]),
        ([4.5, "很满意", float("nan")], ["4.5", "很满意", None]),
        ([np.int64(3), "y", np.float64(2.0)], ["3", "y", "2.0"]),
        ([Decimal("1.50"), "x"], ["1.50", "x"]),
        ([True, "x"], ["True", "x"]),
    ],
)
def test_write_table_parquet_writes_text_and_numbers_as_text(
    tmp_path: Path, cells: list[object], texts: list[object]
) -> None:
    """An object column of text and numbers is written, the numbers as the
    text a CSV file holds, missing values missing; other columns keep their
    types, and the frame is not changed."""
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"x": pd.array(cells, dtype=object), "n": range(len(cells))})
    before = df.copy()
    path = tmp_path / "t.parquet"
    write_table(df, path)
    back = pd.read_parquet(path)
    got = [None if pd.isna(x) else x for x in back["x"].tolist()]
    assert got == texts
    assert back["n"].tolist() == list(range(len(cells)))
    pd.testing.assert_frame_equal(df, before)
    csv = tmp_path / "t.csv"
    write_table(df, csv)
    written = pd.read_csv(csv, dtype=str, keep_default_na=False)["x"].tolist()
    assert written == ["" if t is None else t for t in texts]


# --------------------------------------------------------------------------
# 2. due reads the first column as the ids


def _crm(path: Path, header: str) -> Path:
    path.write_text(f"{header},points\n0042,600\n42,100\nA-17,700\n", encoding="utf-8")
    return path


def test_due_reads_the_ids_in_the_first_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repro: a segment output whose ids are named by --customer."""
    name = "kunde"
    crm = _crm(tmp_path / "crm.csv", name)
    out = tmp_path / "due.csv"
    argv = ["due", str(crm), "--as-of", "2025-01-01", "--points", "points"]
    assert main([*argv, "--min-points", "500", "--output", str(out)]) == 0
    capsys.readouterr()
    due = pd.read_csv(out, dtype=str)
    assert due.columns[0] == name
    assert due[name].tolist() == ["0042", "A-17"]


def test_due_prefers_customer_id_and_refuses_the_first_column_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``customer_id`` anywhere is the id column (as before); the first
    column named by another option is said so."""
    crm = tmp_path / "crm.csv"
    crm.write_text("points,customer_id\n600,c1\n100,c2\n", encoding="utf-8")
    out = tmp_path / "due.csv"
    argv = ["due", str(crm), "--as-of", "2025-01-01", "--points", "points"]
    assert main([*argv, "--min-points", "500", "--output", str(out)]) == 0
    assert pd.read_csv(out, dtype=str)["customer_id"].tolist() == ["c1"]
    capsys.readouterr()
    crm.write_text("points,other\n600,c1\n", encoding="utf-8")
    assert main([*argv, "--min-points", "500"]) == 2
    err = capsys.readouterr().err
    assert "'points' is named by both the customer id (the first column)" in err
    # a later column spelled as customer_id: not the first column's names
    crm.write_text("name,Customer ID,points\nAnn,c1,600\n", encoding="utf-8")
    assert main([*argv, "--min-points", "500"]) == 2
    assert "'customer_id' is not a column" in capsys.readouterr().err


# --------------------------------------------------------------------------
# 3. amount=None


def _lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c1"],
            "date": ["2024-11-02", "2024-12-20", "2024-06-15"],
            "q": [3, 2, 1],
            "p": [0.29, 1.5, 2.0],
        }
    )


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_amount_none_with_quantity_and_price() -> None:
    """amount=None is "not given": the amounts are quantity x price."""
    kw = {"as_of": "2025-01-01", "bins": 2}
    left_out = custseg.segment(_lines(), quantity="q", price="p", **kw)
    none = custseg.segment(_lines(), amount=None, quantity="q", price="p", **kw)
    assert none.customers["monetary"].tolist() == [2.87, 3.0]
    pd.testing.assert_frame_equal(none.customers, left_out.customers)
    with pytest.raises(InputError, match=r"'amount' is given \('q'\) with quantity"):
        custseg.segment(_lines(), amount="q", quantity="q", price="p", **kw)


def test_amount_none_alone_says_so() -> None:
    with pytest.raises(InputError) as info:
        custseg.segment(_lines(), amount=None, as_of="2025-01-01")
    assert info.value.field == "amount"
    assert "neither quantity= nor price= is given" in str(info.value)
    assert "'None' is not a column" not in str(info.value)


# --------------------------------------------------------------------------
# 4. migrate --rules / --preset: the rules' order of their classes

_TIERS = """format = 1
[fields]
frequency = { type = "integer", min = 0 }
[segments.tier]
order = ["zeta", "alpha", "mid"]
rules = [
  { label = "zeta", when = "frequency >= 3" },
  { label = "alpha", when = "frequency >= 2" },
]
default = "mid"
"""


def _run(path: Path, tiers: list[str]) -> Path:
    ids = ["c1", "c2", "c3", "c4"]
    frequency = {"zeta": 3, "alpha": 2, "mid": 1}
    pd.DataFrame(
        {
            "customer_id": ids,
            "frequency": [frequency[t] for t in tiers],
            "tier": tiers,
            "visit_tier": ["no_purchase", "walk_in", "vip", "ordinary_member"],
        }
    ).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("flag", ["--rules", "--preset"])
def test_migrate_lists_the_classes_in_the_rules_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """The leftover: a rules file's own table (and a preset's segmentation)
    in text order, whatever order the rules give (a CSV run cannot carry
    it): with --rules / --preset, the rules' order."""
    rules = tmp_path / "tiers.toml"
    rules.write_text(_TIERS, encoding="utf-8")
    before = _run(tmp_path / "a.csv", ["mid", "alpha", "zeta", "mid"])
    after = _run(tmp_path / "b.csv", ["alpha", "zeta", "zeta", "mid"])
    given = str(rules) if flag == "--rules" else "beauty_salon"
    column = "tier" if flag == "--rules" else "visit_tier"
    out = tmp_path / "m.csv"
    argv = ["migrate", str(before), str(after), "--column", column]
    assert main([*argv, flag, given, "--output", str(out)]) == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if line.startswith("before"))
    expected = (
        ["zeta", "alpha", "mid"]
        if flag == "--rules"
        else ["walk_in", "ordinary_member", "vip", "no_purchase"]
    )
    assert header.split()[3:-1] == expected
    rows = pd.read_csv(out, dtype=str)
    firsts = list(dict.fromkeys(rows["before"]))
    assert firsts == [c for c in expected if c in firsts]


# --------------------------------------------------------------------------
# 5. an option of one value given twice


@pytest.mark.parametrize(
    ("command", "twice", "fix"),
    [
        (
            ["segment", "tx.csv"],
            ["--records", "crm.csv", "--records", "survey.csv"],
            "join the files by customer id first",
        ),
        (
            ["segment", "tx.csv"],
            ["--as-of", "2024-12-01", "--as-of", "2025-01-01"],
            "give it once",
        ),
        (
            ["segment", "tx.csv"],
            ["--preset", "ecommerce", "--preset", "beauty_salon"],
            "give it once",
        ),
        (
            ["due", "crm.csv", "--as-of", "2025-01-01"],
            ["--points", "points", "--points", "bonus"],
            "give it once",
        ),
        (
            ["migrate", "a.csv", "b.csv"],
            ["--output", "m.csv", "--output", "n.csv"],
            "give it once",
        ),
    ],
)
def test_an_option_given_twice_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    twice: list[str],
    fix: str,
) -> None:
    """The repro: --records crm.csv --records survey.csv read survey.csv
    alone (argparse keeps the last value): crm.csv's columns and its
    records-only customers silently left out."""
    assert main([*command, *twice]) == 2
    err = capsys.readouterr().err
    assert f"argument {twice[0]}: given twice ({twice[1]!r}, then {twice[3]!r})" in err
    assert fix in err
    assert err.count("\n") == 1


def test_the_options_of_several_values_still_repeat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--column (and --holiday) take several; and each run builds its own
    parser, so one main() after another is no repetition."""
    before = _run(tmp_path / "a.csv", ["mid", "alpha", "zeta", "mid"])
    after = _run(tmp_path / "b.csv", ["alpha", "zeta", "zeta", "mid"])
    argv = ["migrate", str(before), str(after), "--column", "tier"]
    assert main([*argv, "--column", "visit_tier", "--preset", "beauty_salon"]) == 0
    assert main([*argv, "--preset", "beauty_salon"]) == 0
    capsys.readouterr()
