"""Engines' refusal of text dates not in the column's one format (audit 32):
the message says the format was recognised from the first dates, quotes a
value as written (PyArrow's own words quoted the text as custseg had
prepared it, '2024-03-0210:00'), and its fix is one shape throughout
(it told the user to write the ISO 8601 they had written)."""

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
def test_mixed_shapes_are_refused_with_a_value_as_written(
    engine, first, other, dates, at
):
    if first == other:
        return
    at = min(at, len(dates) - 1)
    texts = [first.format(d=d.isoformat()) for d in dates]
    texts[at] = other.format(d=dates[at].isoformat())
    df = pd.DataFrame({"customer_id": ["a"] * len(texts), "date": texts, "amount": 1.0})
    summarize_frame(df)  # pandas reads them
    with pytest.raises(InputError) as err:
        summarize_frame(ENGINES[engine](df))
    message = str(err.value)
    assert err.value.field == "date"
    assert "recognised from the column's first dates" in message
    assert "write every date in one shape" in message
    assert "use ISO 8601" not in message
    # the value quoted is the user's one of another shape, as written
    assert f"such as {texts[at]!r}" in message


def _dask(df):
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df, npartitions=2)


@pytest.mark.parametrize("engine", [*sorted(ENGINES), "dask"])
def test_the_worked_example(engine):
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-03-01", "2024-03-02 10:00"],
            "amount": [1.0, 2.0],
        }
    )
    make = _dask if engine == "dask" else ENGINES[engine]
    with pytest.raises(InputError, match=r"such as '2024-03-02 10:00'"):
        summarize_frame(make(df))


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
