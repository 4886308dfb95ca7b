"""Audit 40, engines against the pandas path.

- A date column of bytes (Polars' and Arrow's ``binary``, DuckDB's
  ``BLOB``, Spark's ``BINARY``), which the pandas path reads as the UTF-8
  text it holds, was refused by every engine: it is decoded in the engine
  and read as that text; bytes that are not UTF-8 are an InputError naming
  the column.
- Bytes ids were refused with a fix suggesting hex (other ids than the
  pandas path's): they are grouped as the bytes they are and stay bytes.
- ``dd.concat`` of a ``dd.from_pandas`` frame of integer object ids (made
  text by Dask) and a frame read from files with text ids merged ``1`` and
  ``"1"`` into one customer: refused, as ``summarize`` refuses the
  ``pd.concat`` of the same rows.
- ISO 8601 text dates of mixed shapes (``2024-01-05`` beside ``2024-01-05
  10:00:00``, ``T`` beside a blank, ``20240105`` beside ``2024/01/05``),
  which pandas reads, were refused by every engine: read alike.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

from custseg.errors import InputError  # noqa: E402
from custseg.frame import summarize_frame  # noqa: E402
from test_engines import spark, spark_frame  # noqa: E402, F401

AS_OF = "2024-07-01"
COLUMNS = ["recency_days", "frequency", "monetary", "tenure_days"]


def _duckdb(table):
    duckdb = pytest.importorskip("duckdb")
    return duckdb.connect().from_arrow(table)


ENGINES = {
    "polars": pl.from_arrow,
    "polars-lazy": lambda t: pl.from_arrow(t).lazy(),
    "pyarrow": lambda t: t,
    "duckdb": _duckdb,
}


def _summary(frame, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DuckDB's view, Dask's own notes
        return summarize_frame(frame, as_of=AS_OF, output="pandas", **kw)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got.index.tolist() == want.index.tolist()
    pd.testing.assert_frame_equal(got[COLUMNS], want[COLUMNS])
    for col in ("first_purchase", "last_purchase"):
        assert (
            got[col].astype("datetime64[us]").tolist()
            == want[col].astype("datetime64[us]").tolist()
        )


IDS = ["c1", "c2", "c2", "c3", "c1"]
AMOUNTS = [10.0, 20.0, 5.0, 7.5, 1.0]
DATES = [
    "2024-06-01",
    "2024-01-10 10:00:00",
    "2024-06-20T08:30",
    "20230501",
    "2024/6/25",
]


# ---------------------------------------------------------------- bytes dates


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("kind", ["binary", "large_binary"])
def test_bytes_dates_are_read_as_their_text(engine, kind):
    raw = [d.encode() for d in DATES]
    df = pd.DataFrame({"customer_id": IDS, "date": raw, "amount": AMOUNTS})
    table = pa.table(
        {
            "customer_id": df.customer_id.tolist(),
            "date": pa.array(df.date.tolist(), getattr(pa, kind)()),
            "amount": df.amount.tolist(),
        }
    )
    _same(_summary(ENGINES[engine](table)), _summary(df))


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_bytes_dates_not_utf8_are_named(engine):
    table = pa.table(
        {
            "customer_id": ["a", "b"],
            "date": pa.array([b"2024-01-05", b"\xff2024-01-05"], pa.binary()),
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError, match="not UTF-8") as err:
        _summary(ENGINES[engine](table))
    assert err.value.field == "date"


# ---------------------------------------------------------------- bytes ids


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_bytes_ids_are_the_pandas_paths(engine):
    ids = [b"c1", b"C1", b"c1\x00", b"\xffz", b"c1", b"\xffz"]
    df = pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(["2024-06-01", "2024-01-10"] * 3),
            "amount": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    want = _summary(df)
    got = _summary(ENGINES[engine](pa.Table.from_pandas(df, preserve_index=False)))
    assert [type(x) for x in got.index] == [bytes] * 4
    _same(got, want)


# ---------------------------------------------------------------- Dask sources


def test_dask_concat_with_files_does_not_merge_1_and_text_1(tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    ints = pd.DataFrame(
        {
            "customer_id": pd.Series([1, 2], dtype=object),
            "date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "amount": [1.0, 2.0],
        }
    )
    text = pd.DataFrame(
        {
            "customer_id": ["1", "3"],
            "date": pd.to_datetime(["2024-03-01", "2024-04-01"]),
            "amount": [10.0, 20.0],
        }
    )
    with pytest.raises(InputError):  # the pandas path
        summarize_frame(pd.concat([ints, text]), as_of=AS_OF)
    text.to_parquet(tmp_path / "t.parquet")
    both = dd.concat([dd.from_pandas(ints, npartitions=1), dd.read_parquet(tmp_path)])
    with pytest.raises(InputError, match="1 and '1' would be one customer") as err:
        _summary(both)
    assert err.value.field == "customer_id"
    # text ids on both sides are one kind: read
    same = dd.concat(
        [
            dd.from_pandas(ints.astype({"customer_id": str}), npartitions=1),
            dd.read_parquet(tmp_path),
        ]
    )
    assert _summary(same).frequency.to_dict() == {"1": 2, "2": 1, "3": 1}


# ---------------------------------------------------------------- mixed ISO


def _shape(day, shape: int) -> str:
    return [
        day.isoformat(),
        f"{day.isoformat()} 10:05:00",
        f"{day.isoformat()}T10:05",
        day.strftime("%Y%m%d"),
        day.strftime("%Y/%m/%d"),
        f"{day.isoformat()}T23:30:00+05:30",
        f"{day.isoformat()} 07",
        f"{day.isoformat()} 10:05:00.5Z",
        day.strftime("%Y.%m.%d") + " 1:02",
    ][shape]


days = st.dates(
    min_value=pd.Timestamp("2000-01-01").date(),
    max_value=pd.Timestamp("2024-06-30").date(),
)


@settings(max_examples=10, deadline=None)
@given(
    engine=st.sampled_from(sorted(ENGINES)),
    rows=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), days, st.integers(0, 8)),
        min_size=1,
        max_size=6,
    ),
)
def test_mixed_iso_shapes_read_as_pandas_reads_them(engine, rows):
    df = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": [_shape(r[1], r[2]) for r in rows],
            "amount": 1.0,
        }
    )
    want = _summary(df)
    got = _summary(ENGINES[engine](pa.Table.from_pandas(df, preserve_index=False)))
    _same(got, want)


@pytest.mark.parametrize("engine", [*sorted(ENGINES), "dask"])
def test_the_worked_example_of_mixed_shapes(engine):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-03-01", "2024-03-02 10:00"],
            "amount": [1.0, 2.0],
        }
    )
    if engine == "dask":
        dd = pytest.importorskip("dask.dataframe")
        frame = dd.from_pandas(df, npartitions=2)
    else:
        frame = ENGINES[engine](pa.Table.from_pandas(df, preserve_index=False))
    _same(_summary(frame), _summary(df))


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_text_that_is_no_iso_date_is_still_refused(engine):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-03-01", "2024-03-02t10:00"],
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError):
        summarize_frame(df)
    with pytest.raises(InputError, match="such as '2024-03-02t10:00'") as err:
        _summary(ENGINES[engine](pa.Table.from_pandas(df, preserve_index=False)))
    assert err.value.field == "date"
    # no longer "write every date in one shape": shapes may mix
    assert "not ISO 8601 dates" in str(err.value)
    assert "one shape" not in str(err.value)


# ---------------------------------------------------------------- Spark


def test_spark_bytes_dates_and_mixed_shapes(spark):  # noqa: F811
    df = pd.DataFrame({"customer_id": IDS, "date": DATES, "amount": AMOUNTS})
    _same(_summary(spark_frame(spark, df)), _summary(df))
    raw = df.assign(date=[d.encode() for d in DATES])
    _same(_summary(spark.createDataFrame(raw)), _summary(raw))
    bad = raw.assign(date=[b"\xff", *raw.date.tolist()[1:]])
    with pytest.raises(InputError, match="not UTF-8") as err:
        _summary(spark.createDataFrame(bad))
    assert err.value.field == "date"
