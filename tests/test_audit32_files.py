"""Audit 32, the command line's files.

1. A blank line ended by a bare CR (a classic Mac file's blank line, a
   stray CR in a CR LF file, LF CR line ends) right before a line whose
   first field is empty: pandas' reader dropped that field, so the line was
   read one column to the left (a records row went to an invented customer,
   a transaction's missing id was reported as a bad date).
2. Whole numbers from 2**63 to 2**64 - 1 (pandas' ``uint64``) in a number
   column: a message with a NumPy dtype fix and no line, while 2**64 and
   past got the 2**53 message with its line (``custseg assign``'s value
   column: "is not a column of numbers").
3. ``--output tx.csv/out.csv`` under a file: "the folder 'tx.csv' does not
   exist: create it first".
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import _validate as v
from custseg.cli import main
from custseg.errors import InputError
from custseg.frame import read_table


def _cli(*argv: str) -> tuple[int, str]:
    """The exit code of ``custseg ARGV`` and its last line on stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    lines = err.getvalue().strip().splitlines()
    return code, lines[-1] if lines else ""


# 1: a blank CR line before an empty first field


#: line ends; the first drawn most (and first): a blank line's bare CR
_ENDS = ["\r", "\n", "\r\n"]
_SEPS = [",", ";", "\t", "|"]


@st.composite
def _cells(draw: st.DrawFn, sep: str, first: bool) -> str:
    """A cell: often empty (the trigger, in the first column), else text
    that may need quotes (the separator, a quote mark, a line break);
    the first column may start with a space (kept, a path of its own). No
    digits: a line of a quoted field that reads as a row beside a column
    of numbers is refused as stray quotes (a documented guard)."""
    if not draw(st.booleans()):
        return ""
    text = draw(st.text(st.sampled_from(["a", "b", sep, '"', "\r", "\n"]), max_size=4))
    if not text.strip(" "):
        text = "x"
    if first and draw(st.booleans()):
        text = " " + text.lstrip(" ")
    return text.lstrip(" ") if not first else text


@st.composite
def _tables(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]], str]:
    """A separator, a header, its rows, and their CSV text: every line's
    end drawn from LF, CR LF and CR, blank lines (empty or of spaces)
    anywhere, each ended likewise, quoting minimal or every field."""
    sep = draw(st.sampled_from(_SEPS))
    width = draw(st.integers(2, 4))
    header = ["name", "customer_id", "tier", "note"][:width]
    rows = draw(
        st.lists(
            st.tuples(*[_cells(sep, first=j == 0) for j in range(width)]).map(list),
            min_size=1,
            max_size=6,
        )
    )
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    out = io.StringIO()
    for k, row in enumerate([header, *rows]):
        for _ in range(draw(st.sampled_from([1, 0, 2])) if k else 0):
            out.write(
                draw(st.sampled_from(["", " ", "  "])) + draw(st.sampled_from(_ENDS))
            )
        line = io.StringIO()  # (a field with a CR or LF quoted, whatever the end)
        csv.writer(line, delimiter=sep, quoting=quoting).writerow(row)
        out.write(line.getvalue().removesuffix("\r\n") + draw(st.sampled_from(_ENDS)))
    text = out.getvalue()
    if draw(st.booleans()):  # blank lines at the end, or no line end at all
        text += draw(st.sampled_from(["\r", "\r\r", "\n\r", " \r"]))
    return sep, header, rows, text


def _as_read(frame: pd.DataFrame) -> list[list[str]]:
    return frame.astype(object).where(frame.notna(), "").to_numpy().tolist()


def _python_rows(text: str, sep: str) -> list[list[str]]:
    """The rows Python's csv module reads, blank lines left out."""
    blanks = "".join(c for c in " \t" if c != sep)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    return [r for r in rows if r and not (len(r) == 1 and not r[0].strip(blanks))]


@settings(max_examples=40, deadline=None)
@given(table=_tables())
def test_every_line_is_read_in_its_columns(
    tmp_path_factory: pytest.TempPathFactory,
    table: tuple[str, list[str], list[list[str]], str],
) -> None:
    """Whatever the line ends (LF, CR LF, CR, mixed), the blank lines, the
    quoting and the separator, each row is read with its fields under their
    columns, as Python's csv module (and Excel) read it: an empty first
    field after a blank CR line is not lost."""
    sep, header, rows, text = table
    assert _python_rows(text, sep)[1:] == rows  # the text says what we mean
    path = tmp_path_factory.mktemp("cr") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    df = read_table(path, sep=sep, text_columns=header)
    assert list(df.columns) == header
    assert _as_read(df) == rows


@pytest.mark.parametrize(
    "records",
    [
        "name,customer_id,tier\rAnn,c1,gold\r\r,c2,silver\r",  # CR (Mac)
        "name,customer_id,tier\n\rAnn,c1,gold\n\r,c2,silver\n\r",  # LF CR
        "name,customer_id,tier\r\nAnn,c1,gold\r\n\r,c2,silver\r\n",  # a stray CR
        "name,customer_id,tier\rAnn,c1,gold\r \r,c2,silver\r",  # a line of spaces
    ],
)
def test_records_row_keeps_its_customer(tmp_path: Path, records: str) -> None:
    """The worked example: c2's records row (no name) joins c2, and no
    customer 'silver' is invented."""
    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-01-02,20\n"
    )
    (tmp_path / "records.csv").write_bytes(records.encode())
    out = tmp_path / "out.csv"
    code, _ = _cli(
        "segment",
        str(tmp_path / "tx.csv"),
        "--records",
        str(tmp_path / "records.csv"),
        "--bins",
        "2",
        "--output",
        str(out),
    )
    assert code == 0
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got["customer_id"].tolist() == ["c1", "c2"]
    assert got["tier"].tolist() == ["gold", "silver"]
    assert got["name"].tolist() == ["Ann", ""]
    assert got["present"].tolist() == ["both", "both"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("customer_id,date,amount\rc1,2024-01-01,10\r\r,2024-01-02,20\r", 4),
        ("customer_id,date,amount\n\rc1,2024-01-01,10\n\r,2024-01-02,20\n\r", 5),
    ],
)
def test_missing_id_is_said_on_its_line(tmp_path: Path, text: str, line: int) -> None:
    """A transaction without an id after a blank CR line: its missing id,
    on its line, not its amount taken for a date."""
    path = tmp_path / "tx.csv"
    path.write_bytes(text.encode())
    code, err = _cli("segment", str(path), "--bins", "2")
    assert code == 2
    assert "'customer_id' has missing customer ids" in err, err
    assert f"line {line} of" in err, err


def test_cr_inside_quotes_is_kept(tmp_path: Path) -> None:
    """A blank CR line and a separator inside a quoted field stay in it."""
    path = tmp_path / "t.csv"
    path.write_bytes(b'id,note\r1,"a\r\r,b"\r\r,c\r')
    df = read_table(path, text_columns=["id", "note"])
    assert _as_read(df) == [["1", "a\r\r,b"], ["", "c"]]


# 2: whole numbers from 2**63 to 2**64 - 1


#: (the value, whether float64 holds it: then read as 2**64 is, else refused
#: as a number float64 changes)
_HUGE = st.one_of(
    st.integers(2**63, 2**64 - 1),
    st.sampled_from([2**63, 2**64 - 2048, 12345678901234567890]),
)


def _exact(n: int) -> bool:
    return int(float(n)) == n


@settings(max_examples=30, deadline=None)
@given(n=_HUGE, where=st.sampled_from(["amount", "value"]))
def test_huge_whole_numbers_are_refused_with_their_line(
    tmp_path_factory: pytest.TempPathFactory, n: int, where: str
) -> None:
    """An amount (segment) or a value (assign) from 2**63 to 2**64 - 1 is
    refused as those past 2**64 are: with the file, the line and a fix a
    command-line user can follow, never a NumPy dtype."""
    folder = tmp_path_factory.mktemp("big")
    if where == "amount":
        path = folder / "tx.csv"
        path.write_text(f"customer_id,date,amount\na,2024-01-01,2\nb,2024-01-02,{n}\n")
        code, err = _cli("segment", str(path), "--bins", "2")
        field = "'amount'"
    else:
        path = folder / "c.csv"
        path.write_text(f"customer_id,monetary\nc1,10\nc2,{n}\n")
        (folder / "s.csv").write_text("staff\namy\nbo\n")
        out = str(folder / "o.csv")
        code, err = _cli("assign", str(path), str(folder / "s.csv"), "--output", out)
        field = "'monetary'"
    assert code == 2
    assert err.startswith(f"custseg: error: {field} has "), err
    assert f"(first at line 3 of {str(path)!r}, 1 row affected)" in err, err
    if _exact(n):
        assert "integers beyond 2**53" in err, err
    else:
        assert "more significant digits than float64 holds" in err, err
    assert "int64" not in err, err


@pytest.mark.parametrize("n", [2 * 10**19, 2**64, 10**25, -(2 * 10**19)])
def test_assign_value_past_2_64(tmp_path: Path, n: int) -> None:
    """The twin from the ownership probe: a value pandas keeps as a Python
    int (past 2**64) is a number past 2**53, with its line, not "not a
    column of numbers"."""
    (tmp_path / "c.csv").write_text(f"customer_id,monetary\nc1,10\nc2,{n}\n")
    (tmp_path / "s.csv").write_text("staff\namy\nbo\n")
    code, err = _cli(
        "assign",
        str(tmp_path / "c.csv"),
        str(tmp_path / "s.csv"),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert code == 2
    assert "'monetary' has integers beyond 2**53" in err, err
    assert "line 3 of" in err, err


@settings(max_examples=20, deadline=None)
@given(n=_HUGE)
def test_records_number_read_as_past_2_64_is(
    tmp_path_factory: pytest.TempPathFactory, n: int
) -> None:
    """A records field the rules read as a number: a whole number from
    2**63 to 2**64 - 1 is read as 2**64 is (a float, when float64 holds
    it), or refused with the records file and its line."""
    folder = tmp_path_factory.mktemp("rec")
    (folder / "tx.csv").write_text(
        "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-01-02,20\n"
    )
    (folder / "rec.csv").write_text(f"customer_id,assets\nc1,5\nc2,{n}\n")
    out = folder / "o.csv"
    code, err = _cli(
        "segment",
        str(folder / "tx.csv"),
        "--preset",
        "beauty_salon",
        "--records",
        str(folder / "rec.csv"),
        "--output",
        str(out),
    )
    if _exact(n):
        assert code == 0, err
        assert float(pd.read_csv(out)["assets"].iloc[1]) == float(n)
    else:
        assert code == 2
        assert "of the records file" in err, err
        assert f"line 3 of {str(folder / 'rec.csv')!r}" in err, err


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.integers(2**63, 2**64 - 1), st.integers(0, 2**63 - 1)),
        min_size=1,
        max_size=6,
    ),
    exact=st.booleans(),
)
def test_uint64_refused_naming_the_row(values: list[int], exact: bool) -> None:
    """A ``uint64`` array (a Parquet column, the API): with *exact*, every
    value past 2**53 gets the 2**53 message; else those past 2**63 - 1
    theirs; either way naming the first row, never wrapped round."""
    arr = np.array(values, dtype=np.uint64)
    limit = 2**53 if exact else 2**63 - 1
    bad = [i for i, x in enumerate(values) if x > limit]
    if not bad:
        assert v.as_numeric(arr, "amount", exact=exact).tolist() == values
        return
    with pytest.raises(InputError) as info:
        v.as_numeric(arr, "amount", exact=exact)
    assert info.value.first_row == bad[0]
    assert info.value.n_rows == len(bad)
    assert "int64 or float" not in str(info.value)
    with pytest.raises(InputError) as nullable:
        v.as_numeric(pd.Series(values, dtype="UInt64"), "amount", exact=exact)
    assert nullable.value.first_row == bad[0]


def test_parquet_uint64_amount(tmp_path: Path) -> None:
    """A Parquet ``uint64`` amount past 2**63: the 2**53 message, its row."""
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": np.array([2, 2**63], dtype=np.uint64),
        }
    )
    frame.to_parquet(tmp_path / "tx.parquet")
    code, err = _cli("segment", str(tmp_path / "tx.parquet"), "--bins", "2")
    assert code == 2
    assert "'amount' has integers beyond 2**53" in err, err
    assert "first at row 1" in err, err


# 3: an output path under a file


@pytest.mark.parametrize(
    "under", ["tx.csv/out.csv", "tx.csv/../out.csv", "tx.csv/d/o.csv"]
)
def test_output_under_a_file(tmp_path: Path, under: str) -> None:
    """The part of the path that is a file is named as one: creating the
    folder is impossible, so the fix is to write elsewhere."""
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-01-02,20\n")
    out = str(tmp_path / under)
    code, err = _cli("segment", str(tx), "--bins", "2", "--output", out)
    assert code == 2
    assert f"{str(tx)!r} is a file, not a folder" in err, err
    assert "create it" not in err, err
    assert tx.read_text().startswith("customer_id")


def test_missing_output_folder_unchanged(tmp_path: Path) -> None:
    """A folder that does not exist is still said so."""
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\nc1,2024-01-01,10\n")
    out = str(tmp_path / "new" / "o.csv")
    code, err = _cli("segment", str(tx), "--bins", "2", "--output", out)
    assert code == 2
    assert "does not exist: create it first" in err, err
