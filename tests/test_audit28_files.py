"""Audit 28, file reading and writing: findings of the second probe of the
files, each test covering the class of a finding, not only its example.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.cli import main
from custseg.errors import CustsegWarning, InputError
from custseg.frame import read_table, write_table


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


def _file(text: str, name: str = "tx.csv") -> Path:
    path = Path(tempfile.mkdtemp()) / name
    path.write_bytes(text.encode("utf-8"))
    return path


EOLS = st.sampled_from(["\n", "\r\n", "\r"])
IDS = st.text(alphabet="abcXYZ019", min_size=1, max_size=4)

# --------------------------------------------------------------------------
# 1. Cells of several values (a Parquet list column: NumPy arrays; lists,
# dicts, sets) were written to text files as NumPy or Python prints them:
# NumPy shortens an array of more than 1,000 items with "...". Refused, as
# tuples were, naming the column and the first row


def _nested(kind: str, size: int) -> Any:
    values = list(range(size))
    return {
        "array": np.arange(size, dtype=float),
        "list": values,
        "tuple": tuple(values),
        "dict": {str(v): v for v in values},
        "set": set(values),
        "frozenset": frozenset(values),
        "series": pd.Series(values, dtype=float),
    }[kind]


@settings(max_examples=30, deadline=None)
@given(
    kind=st.sampled_from(
        ["array", "list", "tuple", "dict", "set", "frozenset", "series"]
    ),
    size=st.sampled_from([0, 1, 3, 1001, 2000]),
    row=st.integers(0, 3),
    others=st.sampled_from(["text", "number", "missing"]),
    suffix=st.sampled_from([".csv", ".tsv", ".txt", ".csv.gz"]),
)
def test_nested_cells_refused_in_text_files(
    kind: str, size: int, row: int, others: str, suffix: str
) -> None:
    """Any cell of several values, among text, numbers or gaps, in any text
    format: an error naming the column and its row; no file is written."""
    filler = {"text": "x", "number": 1.5, "missing": None}[others]
    cells: list[Any] = [filler] * 4
    cells[row] = _nested(kind, size)
    col = pd.Series(
        cells, dtype=object, index=pd.Index(list("abcd"), name="customer_id")
    )
    df = pd.DataFrame({"tags": col})
    out = Path(tempfile.mkdtemp()) / f"o{suffix}"
    with pytest.raises(InputError, match=rf"'tags' holds .* \(first at row {row}: "):
        write_table(df, out)
    assert not out.exists()


@settings(max_examples=20, deadline=None)
@given(
    rows=st.lists(
        st.one_of(st.none(), st.lists(st.integers(0, 9), max_size=3)),
        min_size=1,
        max_size=4,
    ).filter(lambda r: any(x is not None for x in r))
)
def test_arrow_list_columns_refused(rows: list[list[int] | None]) -> None:
    """A pyarrow-backed list column (not object dtype) is refused too, at its
    first filled row."""
    pa = pytest.importorskip("pyarrow")
    col = pd.Series(rows, dtype=pd.ArrowDtype(pa.list_(pa.int64())))
    df = pd.DataFrame({"tags": col})
    first = next(i for i, x in enumerate(rows) if x is not None)
    with pytest.raises(InputError, match=rf"'tags' holds .* \(first at row {first}: "):
        write_table(df, Path(tempfile.mkdtemp()) / "o.csv")


def test_array_of_2000_worked_example() -> None:
    """The report's example: an array of 2,000 values; Parquet keeps it."""
    df = pd.DataFrame(
        {"tags": [np.arange(2000)]}, index=pd.Index(["a"], name="customer_id")
    )
    d = Path(tempfile.mkdtemp())
    with pytest.raises(InputError, match=r"'tags' holds arrays .*\.parquet"):
        write_table(df, d / "o.csv")
    pytest.importorskip("pyarrow")
    write_table(df, d / "o.parquet")
    back = pd.read_parquet(d / "o.parquet")
    assert list(back["tags"].iloc[0]) == list(range(2000))


def test_cli_records_list_column() -> None:
    """Through the command line: a --records Parquet list column is refused
    for a CSV output (exit 2, no file), written to a Parquet one."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    d = Path(tempfile.mkdtemp())
    (d / "tx.csv").write_text("customer_id,date,amount\na,2024-01-01,5\n")
    pq.write_table(
        pa.table(
            {
                "customer_id": ["a"],
                "tags": pa.array([list(range(2000))], pa.list_(pa.float64())),
            }
        ),
        d / "rec.parquet",
    )
    args = ["segment", str(d / "tx.csv"), "--records", str(d / "rec.parquet")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)  # one customer: few bins
        code, err = _run([*args, "--bins", "2", "--output", str(d / "out.csv")])
        assert code == 2 and "'tags' holds arrays" in err
        assert not (d / "out.csv").exists()
        code, _ = _run([*args, "--bins", "2", "--output", str(d / "out.parquet")])
    assert code == 0
    assert len(pd.read_parquet(d / "out.parquet")["tags"].iloc[0]) == 2000


# --------------------------------------------------------------------------
# 2. Text after a closing quote ("A"1) was joined onto the field (A1),
# merging two customers: refused with the line, whatever the line ends,
# the separator and where the row is; well-placed quotes still read


@settings(max_examples=40, deadline=None)
@given(
    ids=st.lists(IDS, min_size=1, max_size=5),
    bad=st.integers(0, 4),
    after=st.text(alphabet="1a x", min_size=1, max_size=3).filter(
        lambda t: not t.startswith(" ") or len(t) > 0
    ),
    eol=EOLS,
    sep=st.sampled_from([",", ";", "\t"]),
    noted=st.booleans(),
)
def test_text_after_closing_quote_refused(
    ids: list[str], bad: int, after: str, eol: str, sep: str, noted: bool
) -> None:
    """``"X"rest`` anywhere in the first column: an error naming its line
    (the line breaks of a quoted note before it counted)."""
    bad %= len(ids)
    lines = [sep.join(["customer_id", "date", "amount", "note"])]
    line_of = []
    physical = 1
    for k, cid in enumerate(ids):
        written = f'"{cid}"{after}' if k == bad else cid
        note = '"two' + eol + 'lines"' if noted and k < bad else "ok"
        lines.append(sep.join([written, "2024-01-01", "5", note]))
        physical += 1
        line_of.append(physical)
        physical += note.count(eol)
    path = _file(eol.join(lines) + eol)
    ext_sep = None if sep == "," else sep
    with pytest.raises(
        InputError, match=rf"line {line_of[bad]} has text after a closing quote"
    ):
        read_table(path, sep=ext_sep, text_columns="customer_id")


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(IDS, st.text(alphabet='a ,;"\n\r\t', max_size=6)),
        min_size=1,
        max_size=5,
    ),
    eol=EOLS,
)
def test_quoted_fields_still_read(rows: list[tuple[str, str]], eol: str) -> None:
    """Fields quoted as CSV quotes them (doubled quotes, separators and line
    breaks inside, a blank after the separator) read exactly as written."""
    lines = ["customer_id,note"]
    for k, (cid, note) in enumerate(rows):
        quoted = '"' + note.replace('"', '""') + '"'
        lines.append(f"{cid},{' ' if k % 2 else ''}{quoted}")
    path = _file(eol.join(lines) + eol)
    df = read_table(path, text_columns=["customer_id", "note"])
    assert df["customer_id"].tolist() == [c for c, _ in rows]
    got = df["note"].fillna("").tolist()
    assert got == [n for _, n in rows]


def test_text_after_quote_worked_example() -> None:
    """The report's example: "A"1 and A1 were one customer."""
    path = _file('customer_id,date,amount\n"A"1,2024-01-01,5\nA1,2024-01-02,6\n')
    code, err = _run(["segment", str(path), "--bins", "2"])
    assert code == 2
    assert "line 2 has text after a closing quote mark" in err
    assert '"A"1 read as A1' in err


# --------------------------------------------------------------------------
# 3. A quote left open to the end of the file gave pandas' tokenizer text
# with a 0-based "row": the line the row starts on, as for other stray quotes


@settings(max_examples=30, deadline=None)
@given(
    before=st.lists(st.sampled_from(["row", "blank", "note"]), max_size=5),
    after=st.integers(0, 3),
    eol=st.sampled_from(["\n", "\r\n"]),
)
def test_unclosed_quote_names_its_line(before: list[str], after: int, eol: str) -> None:
    lines = ["customer_id,date,amount,note"]
    physical = 1
    for kind in before:
        physical += 1
        if kind == "blank":
            lines.append("")
        elif kind == "note":
            lines.append('1,2024-01-01,5,"a' + eol + 'b"')
            physical += 1
        else:
            lines.append("1,2024-01-01,5,x")
    lines.append('"2,2024-01-02,6,x')
    start = physical + 1
    lines += [f"{k},2024-01-03,7,y" for k in range(after)]
    path = _file(eol.join(lines) + eol)
    with pytest.raises(InputError) as info:
        read_table(path, text_columns="customer_id")
    message = str(info.value)
    assert (
        f"the row that starts on line {start} has a quote mark that is not closed"
        in message
    )
    assert "EOF inside string" not in message


def test_unclosed_quote_worked_example() -> None:
    path = _file(
        'customer_id,date,amount\n1,2024-01-01,5\n\n\n"2,2024-01-02,6\n3,2024-01-03,7\n'
    )
    code, err = _run(["segment", str(path)])
    assert code == 2
    assert "the row that starts on line 5 has a quote mark that is not closed" in err
    assert "up to line 6" in err


# --------------------------------------------------------------------------
# 4. "line N has K fields" counted records, not lines: each quoted line
# break before the wide line moved it up by one


@settings(max_examples=30, deadline=None)
@given(
    before=st.lists(st.sampled_from(["row", "blank", "note2", "note3"]), max_size=5),
    eol=st.sampled_from(["\n", "\r\n"]),
    extra=st.integers(1, 3),
)
def test_field_count_names_file_line(before: list[str], eol: str, extra: int) -> None:
    lines = ["customer_id,date,amount,note", "0,2024-01-01,5,x"]
    physical = 2
    for kind in before:
        physical += 1
        if kind == "blank":
            lines.append("")
        elif kind.startswith("note"):
            breaks = int(kind[-1]) - 1
            lines.append('1,2024-01-01,5,"a' + (eol + "b") * breaks + '"')
            physical += breaks
        else:
            lines.append("1,2024-01-01,5,x")
    lines.append("2,2024-01-02,6,ok" + ",extra" * extra)
    path = _file(eol.join(lines) + eol)
    with pytest.raises(
        InputError, match=rf"line {physical + 1} has {4 + extra} fields, but"
    ):
        read_table(path, text_columns="customer_id")


def test_field_count_worked_example() -> None:
    path = _file(
        'customer_id,date,amount,note\n1,2024-01-01,5,"2 Main St\nSpringfield"\n'
        "2,2024-01-02,6,ok,extra\n"
    )
    code, err = _run(["segment", str(path)])
    assert code == 2 and "line 4 has 5 fields, but the lines before it have 4" in err


# --------------------------------------------------------------------------
# 5. A .txt file with classic-Mac CR line ends was sniffed from all its text
# (its first "\n"-line): CR and LF files now read alike


@settings(max_examples=30, deadline=None)
@given(
    sep=st.sampled_from(["\t", ",", ";", " "]),
    other=st.sampled_from(["\t", ",", ";"]),
    n=st.integers(1, 4),
)
def test_cr_txt_sniffed_from_first_line(sep: str, other: str, n: int) -> None:
    """Another separator candidate inside a quoted field of a later line
    does not decide the separator, whatever the line ends."""
    rows = ["customer_id" + sep + "date" + sep + "amount"]
    rows += [f"{k}{sep}2024-01-0{k + 1}{sep}5" for k in range(n)]
    rows.append(f'"3{other}4"{sep}2024-01-09{sep}7')
    shapes = []
    for eol in ("\n", "\r"):
        path = _file(eol.join(rows) + eol, "s.txt")
        df = read_table(path, text_columns="customer_id")
        shapes.append((df.columns.tolist(), df["customer_id"].tolist()))
    assert shapes[0] == shapes[1]
    assert shapes[1][0] == ["customer_id", "date", "amount"]


def test_cr_txt_worked_example_and_sep_line() -> None:
    """The report's decimal comma: the same message with CR as with LF; and
    Excel's sep= line is recognised in a CR file."""
    for eol in ("\n", "\r"):
        path = _file(
            eol.join(
                ["customer_id;date;amount", "1;2024-01-01;5", "2;2024-01-02;6,5", ""]
            ),
            "t.txt",
        )
        code, err = _run(["segment", str(path)])
        assert code == 2 and "decimal comma, such as '6,5'" in err, (eol, err)
        path = _file(
            eol.join(["sep=;", "customer_id;date;amount", "1;2024-01-01;5", ""])
        )
        with pytest.raises(InputError, match="starts with Excel's separator line"):
            read_table(path)


# --------------------------------------------------------------------------
# 6. Header names that read alike (amount and amount + U+200B, a blank at an
# end, a no-break space, two Unicode forms) were not flagged


VARIANTS = {
    "zwsp": lambda n: n + "\u200b",
    "trailing": lambda n: n + " ",
    "nbsp": lambda n: n + "\u00a0",
    "inner-zwsp": lambda n: n[:1] + "\u200b" + n[1:],
    "nfd": lambda n: unicodedata.normalize("NFD", n),
}


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(["amount", "café", "金额", "note"]),
    variant=st.sampled_from(sorted(VARIANTS)),
    first=st.booleans(),
    fmt=st.sampled_from(["csv", "parquet"]),
)
def test_alike_header_names_warn(
    name: str, variant: str, first: bool, fmt: str
) -> None:
    other = VARIANTS[variant](name)
    if other == name:  # (NFD of a name without accents)
        other = name + "\u200b"
    cols = [name, other] if first else [other, name]
    df = pd.DataFrame({"customer_id": ["1"], cols[0]: [1], cols[1]: [2]})
    d = Path(tempfile.mkdtemp())
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
        path = d / "t.parquet"
        df.to_parquet(path, index=False)
    else:
        path = d / "t.csv"
        df.to_csv(path, index=False)
    with pytest.warns(CustsegWarning, match="names read alike") as record:
        read_table(path)
    message = str(record[0].message)
    assert repr(name)[1:-1] in message or ascii(name)[1:-1] in message


@settings(max_examples=20, deadline=None)
@given(names=st.permutations(["amount", "Amount", "amounts", "金额", "date"]))
def test_distinct_header_names_do_not_warn(names: list[str]) -> None:
    path = _file(",".join(names) + "\n" + ",".join("1" * len(names)) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_table(path)


def test_alike_header_worked_example() -> None:
    path = _file(
        "customer_id,date,amount,amount\u200b\n1,2024-01-01,5,500\n2,2024-01-02,6,600\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        code, err = _run(["segment", str(path), "--bins", "2"])
    assert code == 0
    assert re.search(r"names read alike .*'amount', 'amount\\u200b'", err), err
