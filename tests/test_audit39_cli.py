"""Audit 39, the command line end to end on realistic files.

1. Whole float ids of 2**63 or more (a Parquet ``double`` id column holding
   ``1e20``) were written to a text output as ``1e+20`` (and ``2**63`` as
   ``9.223372036854776e+18``), which custseg's own readers then refused as
   an id a spreadsheet rounded: ``custseg segment ids.parquet --output
   o.csv`` succeeded, and ``custseg migrate o.csv ...``, ``custseg due
   o.csv``, ``custseg assign o.csv`` stopped with "save the ids in full (in
   Excel, format the column as Number ...)", about a file no spreadsheet
   touched. Every whole float is now written as the integer it is, in full
   (``100000000000000000000``), so every output reads back.
2. ``custseg due`` on float32 ids 16777216 and 16777217 (stored as one
   number) said the customer ``16777216.0`` was given twice; it now gives
   the float32 refusal. ``custseg migrate``'s float32 refusal named the
   file only; it now names the id column too.
3. The help of the file options of ``segment --output``, ``report --csv``,
   ``due``, ``assign`` and ``migrate`` said ".csv, .tsv, .txt or .parquet",
   though each reads and writes compressed text files too.
4. ``custseg due``'s "'last_contact' has contacts after as_of" named
   neither the day nor the contact; it now names both.
5. ``custseg due`` named a repeated Parquet float id as ``17.0``, an id no
   custseg output holds (they write ``17``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._files import read_table, refuse_scientific_ids, write_table
from custseg.cli import main

FAST = settings(max_examples=40, deadline=None, database=None)

# --------------------------------------------------------------------------
# 1. whole float ids past int64 are written in full


def _whole_floats(width: int) -> st.SearchStrategy[float]:
    """Whole floats of *width* bits, most of them past 2**63."""
    big = st.floats(
        min_value=2.0**63,
        max_value=float(np.finfo(f"float{width}").max),
        allow_nan=False,
        allow_infinity=False,
        width=width,
    )
    small = st.integers(-(2**40), 2**40).map(float)
    return st.one_of(big, big.map(lambda x: -x), small).map(np.floor)


@FAST
@given(
    data=st.data(),
    width=st.sampled_from([64, 32]),
    ext=st.sampled_from(["csv", "tsv", "txt"]),
)
def test_whole_float_ids_read_back_exactly(
    data: st.DataObject, width: int, ext: str
) -> None:
    """A whole float id of any size is written as its integer and reads back,
    through custseg's reader, as text that is that same float."""
    ids = data.draw(st.lists(_whole_floats(width), min_size=1, max_size=6, unique=True))
    values = np.array(ids, dtype=f"float{width}")
    df = pd.DataFrame(
        {"x": np.arange(len(values))},
        index=pd.Index(values, name="customer_id"),
    )
    with pytest.MonkeyPatch.context() as mp:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            mp.chdir(tmp)
            write_table(df, f"o.{ext}")
            back = read_table(f"o.{ext}", text_columns="customer_id")
    text = back["customer_id"].tolist()
    refuse_scientific_ids(back, ["customer_id"])  # no spreadsheet message
    assert text == [str(int(x)) for x in values.astype(np.float64)]
    assert [np.dtype(f"float{width}").type(float(t)) for t in text] == list(values)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_repro_segment_output_of_float_ids_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """The repro: segment of a Parquet file with float ids 1e20 and 2**63,
    then migrate, due and assign on its CSV output."""
    pytest.importorskip("pyarrow")
    tx = tmp_path / "tx.parquet"
    pd.DataFrame(
        {
            "customer_id": [1e20, 5.0, 2.0**63, 1.5e19],
            "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    ).to_parquet(tx)
    out = tmp_path / "o.csv"
    assert main(["segment", str(tx), "--bins", "2", "--output", str(out)]) == 0
    ids = [line.split(",")[0] for line in out.read_text().splitlines()[1:]]
    assert sorted(ids) == sorted(
        ["100000000000000000000", "5", "9223372036854775808", "15000000000000000000"]
    )
    capsys.readouterr()
    assert main(["migrate", str(out), str(out), "--column", "abc"]) == 0
    assert "4 customers (4 in both runs, 0 new, 0 gone)" in capsys.readouterr().out
    due = tmp_path / f"due.{fmt}"
    argv = ["due", str(out), "--as-of", "2024-02-01", "--cadence", "7"]
    assert main([*argv, "--output", str(due)]) == 0
    staff = tmp_path / "staff.csv"
    staff.write_text("staff\namy\nbo\n", encoding="utf-8")
    owners = tmp_path / "owners.csv"
    assert main(["assign", str(out), str(staff), "--output", str(owners)]) == 0
    written = pd.read_csv(owners, dtype=str)["customer_id"].tolist()
    assert written == ids
    # the due output of those ids reads back as the same ids
    if fmt == "csv":
        again = read_table(str(due), text_columns="customer_id")
        assert sorted(again["customer_id"]) == sorted(ids)


# --------------------------------------------------------------------------
# 2. float32 ids past 2**24: migrate names the column, due says float32


def _float32_ids(path: Path, ids: list[int]) -> Path:
    pd.DataFrame(
        {
            "customer_id": np.array(ids, dtype=np.float32),
            "monetary": np.arange(len(ids), dtype=np.float64),
            "lifecycle": ["active"] * len(ids),
        }
    ).to_parquet(path)
    return path


def test_migrate_float32_refusal_names_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """custseg migrate's float32 refusal names the file and its id column."""
    pytest.importorskip("pyarrow")
    path = _float32_ids(tmp_path / "run.parquet", [16777216, 16777217, 3])
    assert main(["migrate", str(path), str(path)]) == 2
    err = capsys.readouterr().err
    assert "has customer ids in its first column 'customer_id' stored as float32" in err
    assert "2 rows affected" in err


def test_due_float32_ids_merged_are_told_as_float32(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """custseg due on float32 ids 16777216 and 16777217 (stored as one) said
    the customer 16777216.0 was given twice: it now says why."""
    pytest.importorskip("pyarrow")
    path = _float32_ids(tmp_path / "run.parquet", [16777216, 16777217, 3])
    argv = ["due", str(path), "--as-of", "2024-01-01", "--cadence", "3"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "'customer_id' has customer ids stored as float32 numbers" in err
    assert "more than once" not in err
    # below the bound float32 ids are read as before
    path = _float32_ids(tmp_path / "ok.parquet", [16777215, 3])
    assert main([*argv[:1], str(path), *argv[2:]]) == 0


# --------------------------------------------------------------------------
# 3. the help says compressed text files are read and written


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["segment"], "--output PATH"),
        (["report"], "--csv PATH"),
        (["due"], "--output PATH"),
        (["due"], "CUSTOMERS"),
        (["assign"], "--output PATH"),
        (["assign"], "CUSTOMERS"),
        (["migrate"], "--output PATH"),
        (["migrate"], "BEFORE"),
    ],
)
def test_help_names_compressed_files(
    command: list[str], option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every file option of the commands reads and writes .csv.gz and the
    like (as `demo --output` and `segment FILE` said); their help said
    only '.csv, .tsv, .txt or .parquet'."""
    with contextlib.suppress(SystemExit):  # some commands return 0
        main([*command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    start = text.index(f" {option} ", text.index("positional arguments"))
    assert ".gz/.zip/.bz2/.xz" in text[start : start + 260]


# --------------------------------------------------------------------------
# 4. due's contacts after the day say which day and which contact


def test_due_contact_after_as_of_names_both_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'has contacts after as_of' named neither the day nor the contact."""
    path = tmp_path / "c.csv"
    path.write_text(
        "customer_id,last_contact\n1,2024-12-01\n2,2025-02-20\n", encoding="utf-8"
    )
    assert main(["due", str(path), "--as-of", "2024-12-30", "--cadence", "30"]) == 2
    err = capsys.readouterr().err
    assert (
        "'last_contact' has contacts after as_of (2024-12-30), such as 2025-02-20 "
        "(first at line 3 of" in err
    )


def test_due_repeated_float_id_is_named_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Parquet float id given twice was named as Python prints it (17.0),
    not as custseg writes and reads it (17)."""
    pytest.importorskip("pyarrow")
    path = tmp_path / "c.parquet"
    pd.DataFrame({"customer_id": [17.0, 17.0, 3.0]}).to_parquet(path)
    assert main(["due", str(path), "--as-of", "2024-12-30", "--cadence", "30"]) == 2
    err = capsys.readouterr().err
    assert "'customer_id' has the customer '17' more than once in" in err
