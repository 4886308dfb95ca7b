"""Engines' refusal of text dates not in the column's format (audit 32):
the message quotes a value as written (PyArrow's own words quoted the
text as custseg had prepared it, '2024-03-0210:00'). Since audit 40 ISO
8601 shapes mix in one column, as pandas reads them."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import summarize_frame

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

ENGINES = {
    "pyarrow": lambda df: pa.Table.from_pandas(df, preserve_index=False),
    "polars": pl.from_pandas,
    "polars-lazy": lambda df: pl.from_pandas(df).lazy(),
    "duckdb": lambda df: duckdb.connect().from_df(df),
}
#: ISO shapes pandas reads mixed; an engine reads one per column
SHAPES = ["{d}", "{d} 10:00", "{d} 10:00:05", "{d}T10:00:05"]

days = st.dates(
    min_value=pd.Timestamp("2000-01-01").date(),
    max_value=pd.Timestamp("2030-12-31").date(),
)


@settings(max_examples=25, deadline=None)
@given(
    engine=st.sampled_from(sorted(ENGINES)),
    first=st.sampled_from(SHAPES),
    other=st.sampled_from(SHAPES),
    dates=st.lists(days, min_size=2, max_size=6),
    at=st.integers(1, 5),
)
def test_mixed_shapes_are_read_as_pandas_reads_them(engine, first, other, dates, at):
    # (audit 40: were refused with a value as written; engines now read
    # every ISO shape pandas reads, mixed)
    at = min(at, len(dates) - 1)
    texts = [first.format(d=d.isoformat()) for d in dates]
    texts[at] = other.format(d=dates[at].isoformat())
    df = pd.DataFrame({"customer_id": ["a"] * len(texts), "date": texts, "amount": 1.0})
    want = summarize_frame(df)  # pandas reads them
    got = summarize_frame(ENGINES[engine](df), output="pandas")
    assert got["recency_days"].tolist() == want["recency_days"].tolist()
    assert got["tenure_days"].tolist() == want["tenure_days"].tolist()
    assert (
        got["last_purchase"].astype("datetime64[us]").tolist()
        == want["last_purchase"].astype("datetime64[us]").tolist()
    )


def _dask(df):
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df, npartitions=2)


@pytest.mark.parametrize("engine", [*sorted(ENGINES), "dask"])
def test_the_worked_example(engine):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a"],
            "date": ["2024-03-01", "2024-03-02 10:00", "03/02/2024"],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    make = _dask if engine == "dask" else ENGINES[engine]
    # (audit 40: '2024-03-02 10:00' beside '2024-03-01' is read; text of
    # no ISO shape is refused, quoted as written)
    with pytest.raises(InputError, match=r"such as '03/02/2024'"):
        summarize_frame(make(df))
    got = summarize_frame(make(df.iloc[:2]), output="pandas")
    assert (
        got["tenure_days"].tolist()
        == summarize_frame(df.iloc[:2])["tenure_days"].tolist()
    )


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_given_format_keeps_its_fix(engine):
    df = pd.DataFrame(
        {"customer_id": ["a", "a"], "date": ["2024-03-01", "01/03/2024"], "amount": 1.0}
    )
    with pytest.raises(InputError) as err:
        summarize_frame(ENGINES[engine](df), date_format="%Y-%m-%d")
    message = str(err.value)
    assert "recognised from" not in message
    assert "such as '01/03/2024'" in message
    assert "give the format with date_format=" in message
