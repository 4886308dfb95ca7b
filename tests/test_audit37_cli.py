"""Audit 37, the command line on realistic exports.

1. Ids written in scientific notation were read as the text written and
   matched as such: Excel saves a 12-digit id (123456789012, and
   123457000000 too) as ``1.23457E+11``, so two customers of a CSV file
   saved from Excel were one customer (``1 customer, 2 transactions``),
   two orders of ``--order`` one order, a record or a contact joined to
   the merged customer, with no error; likewise R's ``1e+05``. Such ids
   are now refused in every id column custseg reads from a file (the
   transactions' customer and order, the records', the contacts', ``due``,
   ``assign``, ``migrate`` and ``report --previous``), naming the column,
   its first line and the fix.
2. A text file holding its header line again among its data lines (monthly
   exports joined with ``cat``) was refused for the second header's date,
   ``'date' has values that are not dates, such as 'date'``, or, for a
   records file, read with a customer named ``customer_id``: it is now
   refused as such, naming its line and how to join the files.
3. The lines of separators only (``,,,``) that Excel saves below a table
   whose empty rows were formatted were refused as "guest checkouts"
   (``drop those rows with --missing-customer drop (guest checkouts ...)``;
   in a records file ``drop or fill those rows``): the message now says
   they are empty lines to delete.
4. An output path into a missing folder named the folder as written, not
   the part missing: ``--output 'new/../o.csv'`` said "the folder
   'new/..' does not exist", ``--output 'new/sub/o.csv'`` "'new/sub'", and a
   quoted ``~`` was not said to be no home folder.
5. A column option naming a column the file spells with other case or
   blanks (``Customer ID``, ``Email`` for the default ``customer_id`` or
   ``--customer email``) listed the columns but not which one was meant:
   the fix now names it and the option that reads it.
6. The empty columns a spreadsheet saves right of a table
   (``customer_id,vip,,``) were read as columns ``Unnamed: 2``,
   ``Unnamed: 3`` and carried into the ``segment`` output: a column with
   no name and no value is now left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
import custseg.frame
from custseg.cli import main
from custseg.errors import InputError

FAST = settings(max_examples=30, deadline=None, database=None)

_FIX = "Excel writes 123456789012 and 123457000000 both as 1.23457E+11"

# --------------------------------------------------------------------------
# 1. ids in scientific notation


def _tx(path: Path, ids: list[str], orders: list[str] | None = None) -> Path:
    head = "customer_id,date,amount" + (",order_id" if orders else "")
    lines = [head]
    for n, i in enumerate(ids):
        line = f"{i},2024-06-{n % 28 + 1:02d},{n + 1}"
        lines.append(line + (f",{orders[n]}" if orders else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("custseg: error: "), err
    return err


def test_excel_scientific_customer_ids_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repro: two customers Excel saved alike were counted as one."""
    path = _tx(tmp_path / "tx.csv", ["c1", "1.23457E+11", "1.23457E+11"])
    err = _error(capsys, ["segment", str(path), "--output", str(tmp_path / "o.csv")])
    assert (
        "'customer_id' has ids written in scientific notation, such as "
        "'1.23457E+11' (first at line 3 of" in err
    )
    assert "2 rows affected" in err
    assert _FIX in err
    assert not (tmp_path / "o.csv").exists()
    with pytest.raises(InputError, match="scientific notation"):
        custseg.segment(str(path))
    # ids without a signed exponent stay ids as written
    ids = ["2E5", "00017", "17", "E+5", "1.5"]
    path = _tx(tmp_path / "tx2.csv", [*ids, "1.23457E+11"])
    assert main(["segment", str(path), "--output", str(tmp_path / "o.csv")]) == 2
    path = _tx(tmp_path / "tx2.csv", ids)
    assert main(["segment", str(path), "--output", str(tmp_path / "o.csv")]) == 0
    out = (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split(",")[0] for line in out[1:]) == sorted(ids)


def test_scientific_order_ids_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two orders of other days were one order (frequency 1)."""
    path = _tx(tmp_path / "tx.csv", ["a", "a"], orders=["1.23457E+11"] * 2)
    err = _error(capsys, ["segment", str(path), "--order", "order_id"])
    assert "'order_id' has ids written in scientific notation" in err
    assert "first at line 2 of" in err


@pytest.mark.parametrize("what", ["records", "contacts"])
def test_scientific_ids_of_side_files_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    tx = _tx(tmp_path / "tx.csv", ["c1", "c2"])
    side = tmp_path / f"{what}.csv"
    if what == "records":
        side.write_text("customer_id,vip\nc1,1\n1e+05,0\n", encoding="utf-8")
    else:
        side.write_text(
            "customer_id,date,channel\nc1,2024-06-01,phone\n1e+05,2024-06-02,mail\n",
            encoding="utf-8",
        )
    err = _error(capsys, ["segment", str(tx), f"--{what}", str(side)])
    assert f"'customer_id' of the {what} file" in err
    assert "such as '1e+05' (first at line 3 of" in err


def test_scientific_ids_refused_by_due_assign_migrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The per-customer files of the other commands (a segment output
    re-saved from Excel)."""
    seg = tmp_path / "seg.csv"
    seg.write_text(
        "customer_id,recency_days,lifecycle,abc\nc1,3,active,A\n"
        "1.23457E+11,40,silent,B\n",
        encoding="utf-8",
    )
    other = tmp_path / "other.csv"
    other.write_text(
        "customer_id,recency_days,lifecycle,abc\nc1,3,lost,A\n", encoding="utf-8"
    )
    staff = tmp_path / "staff.csv"
    staff.write_text("staff\ns1\ns2\n", encoding="utf-8")
    out = str(tmp_path / "out.csv")
    err = _error(capsys, ["due", str(seg), "--as-of", "2024-07-01", "--cadence", "30"])
    assert "'customer_id' has ids written in scientific notation" in err
    err = _error(capsys, ["assign", str(seg), str(staff), "--output", out])
    assert "'customer_id' has ids written in scientific notation" in err
    for argv in (["migrate", str(seg), str(other)], ["migrate", str(other), str(seg)]):
        err = _error(capsys, argv)
        assert (
            f"{str(seg)!r} has customer ids written in scientific notation in its "
            "first column 'customer_id', such as '1.23457E+11' (first at line 3" in err
        )
    tx = _tx(tmp_path / "tx.csv", ["c1"])
    html = str(tmp_path / "r.html")
    err = _error(capsys, ["report", str(tx), "--previous", str(seg), "--output", html])
    assert "has customer ids written in scientific notation" in err


_MANTISSA = st.from_regex(r"[0-9]{1,3}(\.[0-9]{0,6})?", fullmatch=True)


@FAST
@given(
    mantissa=_MANTISSA,
    e=st.sampled_from("eE"),
    sign=st.sampled_from("+"),
    exponent=st.integers(0, 30),
    at=st.integers(0, 3),
)
def test_any_signed_exponent_id_is_refused(
    mantissa: str, e: str, sign: str, exponent: int, at: int
) -> None:
    """Property: a number with a positive exponent of two or more digits
    (as spreadsheets and programs write them), wherever it is in the id
    column, is refused with its row; ids of digits and letters are not,
    nor codes with a negative exponent (round 2: tests/test_audit37_r2read.py)."""
    from custseg._files import refuse_scientific_ids

    ids = ["c1", "00017", "2E5", "e+1", f"{mantissa}{e}-{exponent:02d}"]
    value = f"{mantissa}{e}{sign}{exponent:02d}"
    ids.insert(at, value)
    with pytest.raises(InputError) as info:
        refuse_scientific_ids(pd.DataFrame({"customer_id": ids}), ["customer_id"])
    assert info.value.first_row == at
    assert info.value.n_rows == 1
    assert repr(value) in str(info.value)
    ids.remove(value)
    refuse_scientific_ids(pd.DataFrame({"customer_id": ids}), ["customer_id"])


# --------------------------------------------------------------------------
# 2. a header line again among the data lines


@FAST
@given(
    before=st.integers(1, 4),
    after=st.integers(0, 3),
    blank=st.booleans(),
    quoted=st.booleans(),
)
def test_joined_files_header_is_named(
    tmp_path_factory: pytest.TempPathFactory,
    before: int,
    after: int,
    blank: bool,
    quoted: bool,
) -> None:
    """Property: wherever the header repeats (with blanks, quoted), the
    error names it and its line."""
    path = tmp_path_factory.mktemp("joined") / "all.csv"
    header = "customer_id,date,amount"
    again = '"customer_id", date,"amount"' if quoted else header
    rows = [f"c{k},2024-06-{k + 1:02d},{k + 1}" for k in range(before + after)]
    lines = [header, *rows[:before], *([""] if blank else []), again, *rows[before:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = before + 2 + blank
    with pytest.raises(InputError) as info:
        custseg.frame.read_table(path, text_columns="customer_id")
    message = str(info.value)
    assert "has its header line again among its data lines" in message
    assert f"(first at line {line} of" in message
    assert "tail -q -n +2" in message


def test_joined_files_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repro (``cat jan.csv feb.csv``), and a records file so joined,
    which was read with a customer named customer_id."""
    jan = "customer_id,date,amount\nc1,2024-01-05,10\nc2,2024-01-06,20\n"
    feb = "customer_id,date,amount\nc1,2024-02-05,10\n"
    tx = tmp_path / "all.csv"
    tx.write_text(jan + feb, encoding="utf-8")
    err = _error(capsys, ["segment", str(tx)])
    assert (
        f"{str(tx)!r} has its header line again among its data lines (first at line 4"
        in err
    )
    records = tmp_path / "records.csv"
    records.write_text(
        "customer_id,vip\nc1,1\ncustomer_id,vip\nc2,0\n", encoding="utf-8"
    )
    tx.write_text(jan, encoding="utf-8")
    err = _error(capsys, ["segment", str(tx), "--records", str(records)])
    assert "has its header line again among its data lines (first at line 3" in err
    # one field as its column's name is data: a customer named customer_id
    tx.write_text(jan + "customer_id,2024-01-07,5\n", encoding="utf-8")
    assert main(["segment", str(tx)]) == 0


# --------------------------------------------------------------------------
# 3. a spreadsheet's empty lines of separators only


def test_separator_only_lines_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tx = tmp_path / "tx.csv"
    tx.write_bytes(
        b"\xef\xbb\xbfcustomer_id,date,amount,,\r\nc1,2024-06-30,10,,\r\n"
        b"c2,2024-06-29,20,,\r\n,,,,\r\n,,,,\r\n"
    )
    err = _error(capsys, ["segment", str(tx)])
    assert "(first at line 4 of" in err
    assert "those lines hold separators only (,,,), no value at all" in err
    assert "guest checkouts" not in err
    assert main(["segment", str(tx), "--missing-customer", "drop"]) == 0
    capsys.readouterr()
    records = tmp_path / "records.csv"
    records.write_text("customer_id,vip\nc1,1\n,\n", encoding="utf-8")
    err = _error(capsys, ["segment", str(tx), "--records", str(records)])
    # (the transactions' empty lines first)
    tx.write_text("customer_id,date,amount\nc1,2024-06-30,10\n", encoding="utf-8")
    err = _error(capsys, ["segment", str(tx), "--records", str(records)])
    assert "has missing ids (first at line 3 of" in err
    assert "separators only" in err
    # a row with a value is a row without an id, as before
    tx.write_text("customer_id,date,amount\nc1,2024-06-30,10\n,2024-06-30,5\n")
    err = _error(capsys, ["segment", str(tx)])
    assert "guest checkouts" in err
    assert "separators only" not in err


# --------------------------------------------------------------------------
# 4. the folder an output path misses


@pytest.mark.parametrize(
    ("output", "missing"),
    [("new/../o.csv", "new"), ("new/sub/o.csv", "new"), ("~/o.csv", "~")],
)
def test_missing_output_folder_is_the_part_missing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    output: str,
    missing: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    _tx(tmp_path / "tx.csv", ["c1"])
    err = _error(capsys, ["segment", "tx.csv", "--output", output])
    assert f"cannot be written: the folder {missing!r} does not exist" in err
    assert ("the shell expands ~ only unquoted" in err) == (missing == "~")


# --------------------------------------------------------------------------
# 5. a column spelled with other case or blanks


def test_column_spelled_alike_is_offered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tx = tmp_path / "orders.csv"
    tx.write_text(
        "Customer ID,Created at,Total\na@x.com,2024-06-30 14:05:00 +0800,10\n",
        encoding="utf-8",
    )
    err = _error(capsys, ["segment", str(tx)])
    assert (
        "'customer_id' is not a column of the data (columns: 'Customer ID', "
        "'Created at', 'Total'): 'Customer ID' differs only in case, blanks or "
        "'_': pass --customer 'Customer ID' to read it"
    ) in err
    err = _error(capsys, ["segment", str(tx), "--customer", "Customer ID"])
    assert "pass --date 'Created at' to read it" not in err  # 'date' != 'created at'
    argv = ["segment", str(tx), "--customer", "customer-id", "--date", "created_at"]
    err = _error(capsys, argv)
    assert "pass --customer 'Customer ID' to read it" in err
    argv[3] = "Customer ID"
    err = _error(capsys, [*argv, "--amount", "TOTAL"])
    assert "pass --date 'Created at' to read it" in err
    err = _error(capsys, [*argv[:4], "--date", "Created at", "--amount", "TOTAL"])
    assert "pass --amount Total to read it" in err


# --------------------------------------------------------------------------
# 6. a spreadsheet's empty columns


def test_blank_columns_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tx = _tx(tmp_path / "tx.csv", ["c1", "c2"])
    records = tmp_path / "records.csv"
    records.write_bytes(b"customer_id,vip,,\r\nc1,1,,\r\nc2,0,,\r\n")
    out = tmp_path / "o.csv"
    assert (
        main(["segment", str(tx), "--records", str(records), "--output", str(out)]) == 0
    )
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "vip" in header
    assert not [c for c in header if c.startswith("Unnamed")], header
    read = custseg.frame.read_table(records, text_columns="customer_id")
    assert list(read.columns) == ["customer_id", "vip"]
    # a column with a value, or with a name, is kept
    records.write_bytes(b"customer_id,vip,,x\r\nc1,1,a,\r\nc2,0,,\r\n")
    read = custseg.frame.read_table(records, text_columns="customer_id")
    assert list(read.columns) == ["customer_id", "vip", "Unnamed: 2", "x"]
