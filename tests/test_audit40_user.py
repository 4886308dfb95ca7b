"""Audit 40, a new user's first day on an Online Retail II-like export.

1. ``custseg.segment(path)`` and ``custseg.report(path)`` read the file
   themselves, "as the command line does", but an error about one of its
   rows named the 0-based row of a frame the caller never saw (``first at
   row 2``) where the command line names the file's line (``first at line
   4 of 'online_retail.csv'``); the guest-checkout refusal told a caller who
   passed a path to ``df.dropna(...)`` a frame they did not have.
2. A date that does not match ``date_format=`` got the fix ``give that date
   format (--date-format '%d/%m/%Y')``: a command-line option, in Python.
3. The engines' missing-id refusal said ``polars df.drop_nulls`` (which
   drops every row with a null in *any* column: order lines without a
   ``Description``, purchases of real customers) and ``SQL WHERE Customer
   ID IS NOT NULL`` (a syntax error for a column named with a space).
4. A guest checkout whose id cell holds blanks other than spaces (a tab,
   U+00A0, U+3000) was an id: all such rows one customer, no error.
"""

from __future__ import annotations

import os
import re
import tempfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError
from custseg.frame import summarize_frame

FAST = settings(max_examples=8, deadline=None, database=None)

HEADER = "Invoice,StockCode,Description,Quantity,Price,InvoiceDate,Customer ID,Country"
GOOD = '536365,85123A,"WHITE HANGING HEART, ""T-LIGHT"" HOLDER",6,2.55,12/1/2010 8:26,12346.0,United Kingdom'
# one bad line of each kind of row error, as an Online Retail export has them
BAD = {
    "guest": '536366,22633,"HAND WARMER, UNION JACK",6,1.85,12/1/2010 8:28,,United Kingdom',
    "date": "536367,84879,ASSORTED BIRD,32,1.69,13/1/2010 8:34,12347.0,France",
    "quantity": "536368,22960,JAM JAR,x,4.25,12/1/2010 8:34,12347.0,France",
}
OPTIONS = {
    "customer": "Customer ID",
    "date": "InvoiceDate",
    "date_format": "%m/%d/%Y %H:%M",
    "order": "Invoice",
    "quantity": "Quantity",
    "price": "Price",
}


def _file(lines: list[str]) -> str:
    handle, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join([HEADER, *lines]) + "\n")
    return path


def _error(call: str, path: str) -> InputError:
    with pytest.raises(InputError) as info:
        if call == "segment":
            custseg.segment(path, **OPTIONS)
        else:
            custseg.report(path, charts=False, **OPTIONS)
    return info.value


@pytest.mark.parametrize("call", ["segment", "report"])
def test_guest_checkout_in_a_path_names_its_line_and_a_python_fix(call: str) -> None:
    path = _file([GOOD, BAD["guest"], GOOD])
    try:
        err = _error(call, path)
    finally:
        os.unlink(path)
    assert err.field == "Customer ID"
    assert err.line == f"line 3 of {path!r}", str(err)
    assert "first at line 3 of" in str(err)
    assert "read_table(path" in err.fix and "dropna(subset=['Customer ID'])" in err.fix


@FAST
@given(
    before=st.integers(0, 4),
    after=st.integers(0, 2),
    kind=st.sampled_from(sorted(BAD)),
    call=st.sampled_from(["segment", "report"]),
)
def test_row_errors_of_a_path_name_the_file_line(
    before: int, after: int, kind: str, call: str
) -> None:
    """Whatever the row and the kind of error, the line is the file's
    (header on line 1), as ``custseg segment`` says it."""
    path = _file([GOOD] * before + [BAD[kind]] + [GOOD] * after)
    try:
        err = _error(call, path)
    finally:
        os.unlink(path)
    assert err.line == f"line {before + 2} of {path!r}", str(err)
    assert f"first at line {before + 2} of" in str(err)


def test_date_format_fix_names_the_python_argument() -> None:
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["13/02/2000", "01/03/2000"], "amount": 1.0}
    )
    with pytest.raises(InputError, match="values read as '%d/%m/%Y'") as info:
        custseg.segment(tx, date_format="%m/%d/%Y", as_of="2000-04-01")
    assert "date_format='%d/%m/%Y'" in info.value.fix, info.value.fix
    assert "--date-format '%d/%m/%Y'" in info.value.fix  # the command line's too


def _where(fix: str) -> str:
    found = re.search(r"SQL (WHERE .*?)\), or give them an id$", fix)
    assert found, fix
    return found.group(1)


def _count(duckdb: object, frame: object, where: str) -> int:
    """The rows of *frame* the SQL clause *where* keeps, run in DuckDB."""
    con = duckdb.connect()  # type: ignore[attr-defined]
    try:
        con.register("tx", frame.to_arrow())  # type: ignore[attr-defined]
        return int(con.execute(f"SELECT count(*) FROM tx {where}").fetchall()[0][0])
    finally:
        con.close()


def test_engine_missing_id_fix_drops_only_the_guests_and_runs_as_sql() -> None:
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    frame = pl.DataFrame(
        {
            "Customer ID": ["12346", None, "12347"],
            "Description": [None, "DOORMAT", "JAM JAR"],  # no description: a sale
            "InvoiceDate": ["2010-12-01", "2010-12-01", "2010-12-02"],
            "amount": [10.0, 5.0, 3.0],
        }
    )
    options = {"customer": "Customer ID", "date": "InvoiceDate"}
    with pytest.raises(InputError, match="missing customer ids") as info:
        summarize_frame(frame, as_of="2010-12-31", **options)
    fix = info.value.fix
    assert "df.drop_nulls('Customer ID')" in fix, fix
    kept = frame.drop_nulls("Customer ID")  # as the fix says
    got = summarize_frame(kept, as_of="2010-12-31", output="pandas", **options)
    assert got["monetary"].to_dict() == {"12346": 10.0, "12347": 3.0}
    assert _count(duckdb, frame, _where(fix)) == 2
    # a float id column (pandas' read_csv of Online Retail): NULL or NaN
    floats = frame.with_columns(pl.col("Customer ID").cast(pl.Float64))
    with pytest.raises(InputError, match="missing customer ids") as info:
        summarize_frame(floats, as_of="2010-12-31", **options)
    assert _count(duckdb, floats, _where(info.value.fix)) == 2


# 4. A guest checkout written as a cell of blanks other than spaces (a tab,
#    Excel's no-break space, an ideographic space) was a customer id: every
#    such row of a text file was one customer, with no error (a cell of
#    spaces was already missing).

BLANKS = st.text(
    st.sampled_from([" ", "\t", "\xa0", "\u3000", "\u2003"]), min_size=1, max_size=3
)


def _quoted(cell: str) -> str:
    return '"' + cell + '"'


@FAST
@given(blanks=st.lists(BLANKS, min_size=1, max_size=3), where=st.integers(0, 3))
def test_blank_id_cells_of_a_file_are_missing_ids(
    blanks: list[str], where: int
) -> None:
    rows = [GOOD] * 3
    for k, cell in enumerate(blanks):
        guest = GOOD.replace("12346.0", _quoted(cell)).replace("536365", f"9{k}")
        rows.insert(min(where, len(rows)), guest)
    path = _file(rows)
    try:
        with pytest.raises(InputError, match="missing customer ids") as info:
            custseg.segment(path, **OPTIONS)
    finally:
        os.unlink(path)
    assert info.value.n_rows == len(blanks), str(info.value)


def test_blank_guest_ids_are_dropped_and_counted_by_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from custseg.cli import main

    tab = GOOD.replace("12346.0", _quoted("\t")).replace("536365", "536370")
    nbsp = GOOD.replace("12346.0", _quoted("\xa0")).replace("536365", "536371")
    path = _file([GOOD, tab, nbsp])
    out = path + ".out.csv"
    try:
        code = main(
            [
                "segment",
                path,
                "--customer",
                "Customer ID",
                "--date",
                "InvoiceDate",
                "--date-format",
                "%m/%d/%Y %H:%M",
                "--order",
                "Invoice",
                "--quantity",
                "Quantity",
                "--price",
                "Price",
                "--missing-customer",
                "drop",
                "--output",
                out,
            ]
        )
        assert code == 0
        printed = capsys.readouterr().out
        assert "1 customer, 1 order" in printed
        assert "(2 rows without a customer id dropped)" in printed
        written = pd.read_csv(out, dtype=str)
        assert written["Customer ID"].tolist() == ["12346.0"]
    finally:
        for p in (path, out):
            if os.path.exists(p):
                os.unlink(p)
