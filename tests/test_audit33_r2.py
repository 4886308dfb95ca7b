"""Audit 33, round 2 on audit 32's fixes: a byte order mark in a needle,
long ``in`` tuples in the engines, the encoding advice on classic-Mac
files, and a null amount in a Parquet file.

1. ``utf-8-sig``: the blank-CR mending looked for ``"\\r,"`` encoded with
   its BOM in front, never found it, and the record after a blank CR line
   was read one column to the left. Nothing encoded with the user's
   encoding carries a BOM now (the needle, the separator, stdout pieces).
2. ``x in`` a tuple of about 235 values or more raised ``RecursionError``
   on the pandas, Dask and PyArrow engines (a left-deep OR chain): a
   number's tuple is ``is_in`` (its zero asked with ``==``), a category's
   a balanced OR tree of ``==``, so the longest tuple a rules file takes
   runs everywhere.
3. The encoding advice counted only ``\\n``: a bare-CR file's text beyond
   ASCII was always "line 1"; Mac Roman (Excel for Mac's "CSV
   (Macintosh)") was never offered.
4. A Parquet null amount was said as an empty cell on "lines", to be
   deleted "from the file".
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import os
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from conftest import run_command
from custseg import rules
from custseg._files import record_line
from custseg.errors import InputError
from custseg.frame import read_table

_FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
_HEADER = "customer_id,date,amount"
_BOM = codecs.BOM_UTF8


# --- 1. no byte order mark in what is looked for ------------------------------


def _cells(frame: pd.DataFrame) -> list[list[Any]]:
    return [[None if pd.isna(x) else x for x in row] for row in frame.values.tolist()]


def test_the_reported_utf8_sig_records_file(tmp_path: Path) -> None:
    """The report's file: with utf-8-sig as with utf-8, c2 keeps its empty
    note and its tier; on the command line no customer 'silver' appears."""
    rec = tmp_path / "r.csv"
    rec.write_bytes(_BOM + b"note,customer_id,tier\rx,c1,gold\r\r,c2,silver\r")
    want = [["x", "c1", "gold"], [None, "c2", "silver"]]
    for encoding in ("utf-8", "utf-8-sig"):
        got = read_table(rec, encoding=encoding, text_columns=["customer_id"])
        assert _cells(got) == want, encoding
    tx = tmp_path / "tx.csv"
    tx.write_text(f"{_HEADER}\nc1,2024-01-01,10\nc2,2024-01-02,20\n")
    out = tmp_path / "out.csv"
    options = ["--records", str(rec), "--records-encoding", "utf-8-sig"]
    run_command(["segment", str(tx), *options, "--output", str(out)])
    result = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("customer_id")
    assert list(result.index) == ["c1", "c2"]
    assert (
        result.loc["c2", "tier"] == "silver" and result.loc["c2", "present"] == "both"
    )


_FIELD = st.sampled_from(["", "a", "b7", "x y", "c"])


@settings(max_examples=30, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    rows=st.lists(
        st.tuples(st.booleans(), _FIELD, _FIELD), min_size=1, max_size=6
    ).filter(lambda rows: any(blank for blank, _, _ in rows)),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    end=st.sampled_from(["\r", "\r\n"]),
    data=st.data(),
)
def test_utf8_sig_reads_as_utf8(
    tmp_path_factory: Any,
    rows: list[tuple[bool, str, str]],
    sep: str,
    end: str,
    data: st.DataObject,
) -> None:
    """A text table with blank CR lines before records whose first field is
    empty (and others), written with a BOM: read as utf-8-sig it is read
    as utf-8 reads it, every value under its column."""
    lines = []
    for i, (blank, note, tier) in enumerate(rows):
        if blank:  # a blank line's bare CR, then an empty first field
            lines.append("\r")
            note = ""
        lines.append(sep.join([note, f"c{i}", tier or "t"]) + end)
    text = sep.join(["note", "customer_id", "tier"]) + end + "".join(lines)
    path = tmp_path_factory.mktemp("sig") / data.draw(
        st.sampled_from(["r.csv", "r.txt"])
    )
    path.write_bytes(_BOM + text.encode("utf-8"))
    kw: dict[str, Any] = {"sep": sep, "text_columns": ["customer_id"]}
    want = read_table(path, encoding="utf-8", **kw)
    got = read_table(path, encoding="utf-8-sig", **kw)
    assert _cells(got) == _cells(want)
    assert list(got["customer_id"]) == [f"c{i}" for i in range(len(rows))]


_BOM_CODECS = ["utf-8-sig", "utf-16", "utf-32", "utf-8", "utf-16-le", "cp1252", "gbk"]


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(st.sampled_from("\r\n,;|\t aZ0é中"), min_size=1, max_size=8),
    codec=st.sampled_from(_BOM_CODECS),
)
def test_bare_bytes_carry_no_byte_order_mark(text: str, codec: str) -> None:
    """The bytes of a needle or a piece of output: no BOM before them, and
    they are the text in the codec (what the codec writes after its mark)."""
    from custseg._files import bare_bytes

    try:
        whole = text.encode(codec)
    except UnicodeEncodeError:
        return
    got = bare_bytes(text, codec)
    boms = (_BOM, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
    assert not got.startswith(boms)
    assert whole.endswith(got) and len(whole) - len(got) in (0, 2, 3, 4)


def test_stdout_in_utf8_sig_has_no_mark_between_pieces(tmp_path: Path) -> None:
    """Two pieces printed to a stdout whose encoding is utf-8-sig: one UTF-8
    stream, no BOM before the second (nor in it)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8-sig"}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(Path(custseg.__file__).parents[1]), env.get("PYTHONPATH")] if p
    )
    code = "from custseg import cli; cli._emit('a'); cli._emit('b')"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, check=True
    ).stdout
    assert out.replace(_BOM, b"") == b"a\nb\n"
    assert _BOM not in out[1:]


# --- 2. long in tuples in the engines ----------------------------------------

pl = pytest.importorskip("polars")
nw = pytest.importorskip("narwhals")
duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dask.dataframe as dd
except ImportError:  # pragma: no cover - dask is optional
    dd = None

_MAX_TUPLE = 256  # rules._expr.MAX_TUPLE: the longest tuple a rules file takes
ENGINES = ("pandas", "polars", "duckdb", "pyarrow", "dask")


def _frame(engine: str, df: pd.DataFrame) -> Any:
    if engine == "pandas":
        return df
    if engine == "polars":
        return pl.from_pandas(df)
    if engine == "duckdb":
        return duckdb.from_arrow(pa.Table.from_pandas(df, preserve_index=False))
    if engine == "pyarrow":
        return pa.Table.from_pandas(df, preserve_index=False)
    assert dd is not None
    return dd.from_pandas(df, npartitions=2)


@contextlib.contextmanager
def _default_stack() -> Iterator[None]:
    """Python's default recursion limit (1000 frames) above the caller's
    depth: hypothesis raises the limit while a test runs, which hid the
    overflow."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _labels(rs: Any, engine: str, df: pd.DataFrame) -> list[Any]:
    from custseg.engines import compile_rules

    with warnings.catch_warnings(), _default_stack():
        warnings.simplefilter("ignore", FutureWarning)
        out = compile_rules(rs, backend=engine).apply(
            nw.from_native(_frame(engine, df))
        )
        native = out.to_native()
        if engine == "dask":
            got = native.compute()
        elif engine == "duckdb":
            got = native.df()
        else:
            got = nw.from_native(native).to_pandas() if engine != "pandas" else native
    return [None if pd.isna(v) else v for v in got["s"]]


_POOL = [f"v{i}" for i in range(400)]


def _in_rules(kind: str, op: str, values: list[str]) -> Any:
    declared = ", values = [" + ", ".join(f'"{v}"' for v in _POOL) + "]"
    return rules.loads(
        f"""format = 1
[fields]
x = {{ type = "{kind}", missing = true{declared if kind == "category" else ""} }}
[segments.s]
default = "other"
rules = [{{ label = "hit", when = "x {op} ({", ".join(values)})" }}]
"""
    )


def test_the_reported_240_values() -> None:
    """The report's rule: store in 240 integers, on pandas and PyArrow."""
    rs = _in_rules("integer", "in", [str(i) for i in range(240)])
    df = pd.DataFrame({"x": [1, 999, 239]})
    want = ["hit", "other", "hit"]
    assert list(rs.evaluate(df)["s"]) == want
    for engine in ("pandas", "pyarrow"):
        assert _labels(rs, engine, df) == want, engine


def _tuple_and_column(kind: str, data: st.DataObject) -> tuple[list[str], list[Any]]:
    """The longest tuple a rules file takes and a column of some of its
    values, others, and missing values."""
    if kind == "category":
        texts = [f"'{v}'" for v in _POOL[:_MAX_TUPLE]]
        column = data.draw(
            st.lists(st.sampled_from([*_POOL[::7], None]), min_size=1, max_size=6)
        )
        return texts, column
    if kind == "integer":
        values = list(range(-3, _MAX_TUPLE - 3))
        column = data.draw(
            st.lists(st.sampled_from([-3, 0, 7, 252, 253, 400, None]), min_size=1)
        )
        return [str(v) for v in values], column
    zero = data.draw(st.sampled_from(["0", "-0.0", "0.25"]))
    texts = [zero] + [str(i + 0.5) for i in range(_MAX_TUPLE - 1)]
    column = data.draw(
        st.lists(
            st.sampled_from([-0.0, 0.0, 1.5, 3.5, 254.5, 255.5, 9.0, None]),
            min_size=1,
            max_size=6,
        )
    )
    return texts, column


@settings(max_examples=20, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    kind=st.sampled_from(["number", "integer", "category"]),
    op=st.sampled_from(["in", "not in"]),
    data=st.data(),
)
def test_the_longest_tuple_labels_as_numpy_on_every_engine(
    kind: str, op: str, data: st.DataObject
) -> None:
    """x in (and not in) 256 values, a number field (0 or -0.0 among them),
    an integer or a category field: every engine labels as NumPy does (a
    category's 256 comparisons on the engines whose evaluators recursed
    per level; Polars and DuckDB in the example after this one)."""
    texts, column = _tuple_and_column(kind, data)
    rs = _in_rules(kind, op, texts)
    dtype = {"number": "float64", "integer": "Int64", "category": object}[kind]
    df = pd.DataFrame({"x": pd.array(column, dtype=dtype)})
    want = list(rs.evaluate(df)["s"])
    engines = ("pandas", "pyarrow", "dask") if kind == "category" else ENGINES
    for engine in engines:
        if engine == "dask" and dd is None:
            continue
        assert _labels(rs, engine, df) == want, engine


def test_a_category_in_256_values_on_every_engine() -> None:
    """A category field in (and not in) 256 values: every engine."""
    df = pd.DataFrame(
        {"x": pd.array(["v0", "v255", "v256", "v399", None], dtype=object)}
    )
    texts = [f"'{v}'" for v in _POOL[:_MAX_TUPLE]]
    for op, want in (
        ("in", ["hit", "hit", "other", "other", "other"]),
        ("not in", ["other", "other", "hit", "hit", "other"]),
    ):
        rs = _in_rules("category", op, texts)
        assert list(rs.evaluate(df)["s"]) == want
        for engine in ENGINES:
            if engine == "dask" and dd is None:
                continue
            assert _labels(rs, engine, df) == want, (op, engine)


# --- 3. the encoding advice on classic-Mac files ------------------------------

_REPR = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"


def _readings(message: str) -> list[tuple[str, str]]:
    """The encodings the advice names, in order, each with its sample."""
    one = re.search(rf"decodes as ([\w-]+), which reads .*? as {_REPR}", message)
    if one is not None:
        return [(one.group(1), ast.literal_eval(one.group(2)))]
    return [
        (m.group(1), ast.literal_eval(m.group(2)))
        for m in re.finditer(rf"(?:differently: |, )as ([\w-]+) {_REPR}", message)
    ]


def _advice(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_table(path)
    return str(info.value)


def test_the_reported_mac_file(tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)": bare CRs, Mac Roman. The advice
    says line 3 and names mac_roman first, reading 'Müller'; read so, the
    file gives Müller. The cp1252 version of the file: line 3, cp1252's
    reading first."""
    text = f"{_HEADER}\rc1,2024-01-01,10\rMüller,2024-01-02,5\r"
    path = tmp_path / "mac.csv"
    path.write_bytes(text.encode("mac_roman"))
    message = _advice(path)
    assert "(byte 0x9f at line 3)" in message and "(line 3)" in message
    assert _readings(message)[0] == ("mac_roman", "Müller")
    assert "--encoding mac_roman" in message
    read = read_table(path, encoding="mac_roman", text_columns=["customer_id"])
    assert list(read["customer_id"]) == ["c1", "Müller"]
    path.write_bytes(text.encode("cp1252"))
    message = _advice(path)
    assert "(byte 0xfc at line 3)" in message and "(line 3)" in message
    assert _readings(message)[:2] == [("cp1252", "Müller"), ("mac_roman", "M¸ller")]


_NAMES = st.sampled_from(["Müller", "Jürgen", "Zoë", "José", "Grüße", "Ångström"])


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=6),
    blanks=st.lists(st.booleans(), min_size=6, max_size=6),
    name=_NAMES,
    encoding=st.sampled_from(["cp1252", "mac_roman"]),
)
def test_the_advice_counts_lines_as_record_line(
    tmp_path_factory: Any,
    ends: list[str],
    blanks: list[bool],
    name: str,
    encoding: str,
) -> None:
    """Lines ending at LF, CR LF or a bare CR (mixed; blank lines among
    them), the last row's id beyond ASCII: the advice says the line
    record_line gives that row, for the bad byte and for the sample; a
    file whose first line ends at a bare CR is offered mac_roman, and the
    true encoding reads the id as written."""
    rows = [f"a{i},2024-01-01,1" for i in range(len(ends) - 1)]
    rows.append(f"{name},2024-01-02,2")
    text = _HEADER + ends[0]
    for i, row in enumerate(rows):
        if blanks[i]:
            text += ends[i]  # a blank line, ended as the line before it
        text += row + ends[(i + 1) % len(ends)]
    path = tmp_path_factory.mktemp("mac") / "tx.csv"
    path.write_bytes(text.encode(encoding))
    message = _advice(path)
    line = record_line(path, len(rows) - 1, encoding=encoding)
    assert line is not None
    assert f"at line {line})" in message and f"(line {line})" in message, message
    readings = dict(_readings(message))
    if ends[0] == "\r":
        assert readings.get("mac_roman") == name.encode(encoding).decode("mac_roman")
    if encoding == "cp1252" or ends[0] == "\r":
        assert readings.get(encoding) == name, message


def test_a_crlf_cut_by_a_chunk_is_one_line_end(tmp_path: Path) -> None:
    """Bare CR lines, then CR LF lines, one CR LF cut by the 64 KiB chunk
    the advice reads: counted once, as record_line counts it."""
    head = _HEADER + "\r" + "a,2024-01-01,1\r" * 3
    filler = "b,2024-01-01,1\r\n"
    body = head
    while len(body) + len(filler) + 20 < (1 << 16) - 1:
        body += filler
    pad = (1 << 16) - 1 - len(body) - len(",2024-01-01,1")
    body += "x" * pad + ",2024-01-01,1"  # its \r the chunk's last byte
    body += "\r\n" + "Zoë,2024-01-02,2\r\n"
    raw = body.encode("cp1252")
    assert raw[(1 << 16) - 1 : (1 << 16) + 1] == b"\r\n"
    path = tmp_path / "tx.csv"
    path.write_bytes(raw)
    rows = len(read_table(path, encoding="cp1252"))
    line = record_line(path, rows - 1, encoding="cp1252")
    message = _advice(path)
    assert f"at line {line})" in message and f"(line {line})" in message


# --- 4. a null amount in a Parquet file ----------------------------------------


def test_the_reported_parquet_null(tmp_path: Path) -> None:
    path = tmp_path / "tx.parquet"
    pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "amount": [5.0, None],
        }
    ).to_parquet(path)
    want = (
        "'amount' is null in some rows (first at row 1, 1 row affected): fill "
        "those nulls with a number, or filter those rows out, where the file is made"
    )
    with pytest.raises(InputError) as info:
        run_command(["segment", str(path)])
    assert str(info.value) == want
    with pytest.raises(InputError) as again:
        custseg.segment(str(path))
    assert str(again.value) == want


@settings(max_examples=25, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    gaps=st.lists(st.booleans(), min_size=2, max_size=8).filter(any),
    product=st.booleans(),
    data=st.data(),
)
def test_a_parquet_null_is_said_as_a_null_in_rows(
    tmp_path_factory: Any, gaps: list[bool], product: bool, data: st.DataObject
) -> None:
    """Nulls in the amount (or quantity, or price) of a Parquet file: said
    as nulls in rows, at the first one's row, counted; the fix fits a
    table (no lines, cells or markers to edit), on the command line and
    in segment(path)."""
    n = len(gaps)
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "date": pd.to_datetime(["2024-01-01"] * n),
        }
    )
    nulls = pd.array([None if g else 2.0 for g in gaps], dtype="Float64")
    if product:
        column = data.draw(st.sampled_from(["q", "p"]))
        frame["q"] = pd.array([2.0] * n, dtype="Float64")
        frame["p"] = pd.array([1.5] * n, dtype="Float64")
        frame[column] = nulls
        options = ["--quantity", "q", "--price", "p"]
        kwargs: dict[str, Any] = {"quantity": "q", "price": "p"}
    else:
        column, options, kwargs = "amount", [], {}
        frame["amount"] = nulls
    path = tmp_path_factory.mktemp("pq") / "tx.parquet"
    frame.to_parquet(path)
    first, count = gaps.index(True), sum(gaps)
    affected = f"{count} row{'s' if count > 1 else ''} affected"
    for run in (
        lambda: run_command(["segment", str(path), *options]),
        lambda: custseg.segment(str(path), **kwargs),
    ):
        with pytest.raises(InputError) as info:
            run()
        message = str(info.value)
        assert message.startswith(f"'{column}' is null in some rows ")
        assert f"(first at row {first}, {affected})" in message
        assert "line" not in message and "cell" not in message
        assert "filter those rows out" in message
