"""Audit 38: the same answer however the data is split.

1. A text table read in chunks: the check for a line that starts with a
   space (part of the id there, so read another way) looked for ``"\\r "``
   only inside a chunk, so in a classic Mac file (bare ``\\r`` line ends)
   a line starting with a space right after a chunk's end (1 MiB) lost its
   space: ``" c1"`` was read as ``"c1"``, merged with another customer.
2. Dask frames computed from several ``dd.from_pandas`` frames
   (``dd.concat``): each frame's object ids were checked on their own, so
   integer ids in one frame and text ids in another (each of one kind)
   passed, and the text Dask made of the integers merged ``1`` and ``"1"``
   into one customer, where ``summarize`` of ``pd.concat`` of the same
   frames refuses them.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import hypothesis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, _files
from custseg._files import read_table

# -- 1. a line starting with a space right after a chunk's end ---------------


def _one_mib_file(line_end: str) -> bytes:
    """A table whose line end is the last byte of the first MiB, the next
    line's id starting with a space (``" c1"``)."""
    size = 1 << 20
    head = f"customer_id,date,amount{line_end}".encode()
    line = f"c1,2024-01-01,1.0{line_end}".encode()
    body = bytearray(head)
    while len(body) + len(line) < size - 40:
        body += line
    pad = f"c2,2024-01-02,1{line_end}".encode()
    body += (
        pad[: -1 - len(line_end)]
        + b"1" * (size - len(body) - len(pad))
        + pad[-1 - len(line_end) :]
    )
    assert len(body) == size
    body += f" c1,2024-01-03,5.0{line_end}c1,2024-01-04,1.0{line_end}".encode()
    return bytes(body)


def test_space_after_chunk_end_keeps_the_id(tmp_path: Path) -> None:
    """A classic Mac file (bare \\r line ends) whose first MiB ends with a
    line end, the next line's id starting with a space."""
    path = tmp_path / "tx.csv"
    path.write_bytes(_one_mib_file("\r"))
    df = read_table(path, text_columns=["customer_id"])
    assert (df["customer_id"] == " c1").sum() == 1
    assert (df["customer_id"] == "c2").sum() == 1


_LINE = st.tuples(
    st.sampled_from(["", " ", "  "]),
    st.sampled_from(["c1", "c22", "客户", "x"]),
    st.sampled_from(["\n", "\r", "\r\n"]),
)


@given(
    lines=st.lists(_LINE, min_size=1, max_size=8),
    chunk=st.integers(1, 12),
    encoding=st.sampled_from(["utf-8", "gbk", "utf-16"]),
)
@settings(deadline=None)
def test_line_starting_with_space_found_at_any_chunk_size(
    lines: list[tuple[str, str, str]], chunk: int, encoding: str
) -> None:
    """Whatever the chunk size (so wherever a line end falls), the scan
    finds a line after the first starting with a space exactly when the
    whole text has one."""
    text = "id,x\n" + "".join(f"{lead}{cid},1{end}" for lead, cid, end in lines)
    expected = re.search(r"[\r\n] ", text) is not None
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.csv"
        path.write_bytes(text.encode(encoding))
        saved = _files._SPACE_CHUNK
        _files._SPACE_CHUNK = chunk
        try:
            found = _files._line_starts_with_space(path, encoding)
        finally:
            _files._SPACE_CHUNK = saved
    assert found == expected


class _ShortReads(io.RawIOBase):
    """A file whose reads return at most *k* bytes (a read may return fewer
    than asked): every chunked scan then meets a seam every *k* bytes."""

    def __init__(self, f: Any, k: int) -> None:
        self.f, self.k = f, k

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.f.read(min(len(b), self.k))
        b[: len(data)] = data
        return len(data)

    def read(self, n: int | None = -1) -> bytes:
        return self.f.read() if n is None or n < 0 else self.f.read(min(n, self.k))

    def close(self) -> None:
        self.f.close()
        super().close()


def _read_outcome(path: Path, encoding: str) -> tuple[str, str]:
    try:
        df = read_table(path, encoding=encoding, text_columns=["customer_id"])
    except InputError as exc:
        return "error", str(exc)
    return "table", df.to_csv()


_CELL_ID = st.sampled_from(["c1", " c1", "  c2", "客户", '"a,b"', '"two\nlines"', ""])
_ROW = st.tuples(_CELL_ID, st.sampled_from(["1.0", "0.1", "", "-5"]))


@given(
    rows=st.lists(_ROW, min_size=1, max_size=5),
    end=st.sampled_from(["\n", "\r", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "gbk", "utf-16"]),
    k=st.integers(1, 4),
)
@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=25, deadline=None)
def test_read_table_same_whatever_the_read_size(
    rows: list[tuple[str, str]], end: str, encoding: str, k: int
) -> None:
    """A text table is read alike (the same table, or the same refusal)
    when the file's reads return at most *k* bytes, so that every chunked
    scan of its checks meets a seam every *k* bytes."""
    text = end.join(
        ["customer_id,date,amount"] + [f"{i},2024-01-01,{a}" for i, a in rows]
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.csv"
        path.write_bytes((text + end).encode(encoding))
        whole = _read_outcome(path, encoding)
        opened = _files._open_binary
        _files._open_binary = lambda p: _ShortReads(opened(p), k)
        try:
            pieces = _read_outcome(path, encoding)
        finally:
            _files._open_binary = opened
    assert pieces == whole


# -- 2. Dask: ids of different kinds in different dd.from_pandas frames ------


def _tx(ids: list[object], dtype: object = object) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype=dtype),
            "date": pd.to_datetime(["2024-01-01"] * n) + pd.to_timedelta(range(n), "D"),
            "amount": [1.0] * n,
        }
    )


def _concat(*frames: pd.DataFrame) -> object:
    dd = pytest.importorskip("dask.dataframe")
    return dd.concat([dd.from_pandas(f, npartitions=1, sort=False) for f in frames])


@pytest.mark.parametrize("other", [object, "string"])
def test_dask_concat_of_int_and_text_ids_refused(other: object) -> None:
    from custseg.frame import summarize_frame

    a, b = _tx([1, 2]), _tx(["1", "x"], other)
    with pytest.raises(InputError, match="mixes ids of different types"):
        summarize_frame(pd.concat([a, b], ignore_index=True), as_of="2025-01-01")
    with pytest.raises(
        InputError,
        match=r"mixes ids of different types across .*(int|str) \(2 rows\), (int|str) \(2 rows\)",
    ):
        summarize_frame(_concat(a, b), as_of="2025-01-01", output="pandas")
    if other != "string":
        return
    # frames whose ids are text in each (object and string columns) are read
    out = summarize_frame(
        _concat(_tx(["1", "x"]), _tx(["1", "y"], "string")),
        as_of="2025-01-01",
        output="pandas",
    )
    assert out["frequency"].to_dict() == {"1": 2, "x": 1, "y": 1}


def test_dask_concat_order_ids_of_different_kinds_refused() -> None:
    from custseg.frame import summarize_frame

    a = _tx(["c", "c"]).assign(order_id=pd.array([1, 2], dtype=object))
    b = _tx(["c", "c"]).assign(order_id=pd.array(["1", "3"], dtype=object))
    with pytest.raises(InputError, match="across the pandas frames"):
        summarize_frame(
            _concat(a, b), as_of="2025-01-01", order="order_id", output="pandas"
        )


def test_dask_concat_of_object_and_int64_ids_names_the_cause() -> None:
    """Integer ids in an object column (made text by dd.from_pandas) beside
    an int64 column: the refusal says the text ids are those integers, not
    that the data holds text ids, and how to convert them."""
    from custseg.frame import summarize_frame

    d = _concat(_tx([1, 2]), _tx([1, 3], "int64"))
    with pytest.raises(InputError, match="text ids include the integers") as err:
        summarize_frame(d, as_of="2025-01-01", output="pandas")
    assert "astype('int64')" in str(err.value)


# -- 3. Dask: row numbers of a partition told as the frame's -----------------


@pytest.mark.parametrize(
    ("column", "values", "match"),
    [
        ("amount", [1.0, 2.0, 3.0, "x"], "non-numeric values such as 'x'"),
        ("date", ["2024-01-01", "2024-01-02", "2024-01-03", "13/02/2024"], "not dates"),
    ],
)
def test_dask_object_column_error_names_its_partition(
    column: str, values: list[object], match: str
) -> None:
    """An object column read per partition (convert-string off) refused
    with the row numbers of its partition: they are said to be the
    partition's (the frame's row 3 is row 1 of partition 1), not the
    frame's ("first at row 1")."""
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    from custseg.frame import summarize_frame

    tx = _tx(["a", "b", "a", "b"]).assign(**{column: pd.Series(values, dtype=object)})
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(tx, npartitions=2, sort=False)
        with pytest.raises(InputError, match=match) as err:
            summarize_frame(ddf, as_of="2025-01-01", output="pandas")
    message = str(err.value)
    assert "in partition 1 of the Dask frame: first at its row 1" in message
    assert "(first at row 1" not in message
