"""Audit 33, the engines (Polars eager and lazy, PyArrow, DuckDB, Dask):
parity with the pandas path.

1. PyArrow integer amounts of 8, 16 and 32 bits unsigned crashed with a raw
   ``ArrowInvalid`` (2**53 was made a literal of their type).
2. An ``as_of`` (or ``observation_end``) outside the days a nanosecond date
   column holds (before 1677-09-22, after 2262-04-11) crashed PyArrow and
   DuckDB with the engine's overflow: it is compared as such now.
3. and 4. Customer ids came back in another type (Polars ``Categorical`` /
   ``Enum`` as ``String``, Arrow ``string`` and dictionaries as
   ``large_string``, DuckDB ``ENUM`` as ``VARCHAR``): the result did not
   join back onto the input.
5. Dictionary-encoded (categorical) dates and amounts were refused as "not
   dates" / "not numbers"; pandas reads them.
6. ``DECIMAL`` ``YYYYMMDD`` dates were refused; pandas reads them.
7. Arrow ``date64`` ids were refused.
8. An Arrow record batch, reader or dataset was told "must be a pandas
   DataFrame ... read the file first".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("narwhals", reason="needs narwhals (pip install 'custseg[polars]')")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

from custseg.btyd import btyd_summary  # noqa: E402
from custseg.engines import engine_btyd_summary  # noqa: E402
from custseg.errors import InputError  # noqa: E402
from custseg.frame import segment_frame, summarize_frame  # noqa: E402

#: An Arrow table in each engine (DuckDB on a connection of its own)
ENGINES = {
    "pyarrow": lambda t: t,
    "polars": pl.from_arrow,
    "polars-lazy": lambda t: pl.from_arrow(t).lazy(),
    "duckdb": lambda t: duckdb.connect().from_arrow(t),
}
FACTS = ["recency_days", "frequency", "monetary", "tenure_days"]


def _outcome(frame: Any, **kwargs: Any) -> Any:
    """The facts (pandas), or the field of the InputError."""
    try:
        got = summarize_frame(frame, output="pandas", **kwargs)
    except InputError as err:
        return ("InputError", err.field)
    return got[FACTS].reset_index(drop=True).to_dict("list")


def _table(ids: list[Any], days: list[int], amounts: Any = None) -> Any:
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in days]
    amounts = [float(i + 1) for i in range(len(ids))] if amounts is None else amounts
    return pa.table({"customer_id": ids, "date": dates, "amount": amounts})


# --------------------------------------------------------------------------
# 1. integer amounts of every width


WIDTHS = ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64"]


@settings(max_examples=20, deadline=None)
@given(
    width=st.sampled_from(WIDTHS),
    engine=st.sampled_from(sorted(ENGINES)),
    amounts=st.lists(st.integers(0, 127), min_size=1, max_size=4),
)
@example(width="uint8", engine="pyarrow", amounts=[5])
def test_integer_amounts_of_every_width_are_read(width, engine, amounts):
    """Every integer width, unsigned too, is read as the numbers it holds,
    as pandas reads them (PyArrow refused 2**53 as a literal of uint8,
    uint16 and uint32: a raw ArrowInvalid)."""
    ids = ["a", "b", "a", "c"][: len(amounts)]
    table = _table(
        ids, list(range(len(amounts))), pa.array(amounts, getattr(pa, width)())
    )
    want = _outcome(table.to_pandas(), as_of="2024-02-01")
    assert _outcome(ENGINES[engine](table), as_of="2024-02-01") == want


@pytest.mark.parametrize("width", ["uint8", "uint16", "uint32"])
def test_narrow_unsigned_amounts_the_report(width):
    """The report's example: one uint8 amount of 5 is monetary 5.0, in the
    summary, the segmentation and the BTYD summary."""
    tx = pa.table(
        {
            "customer_id": ["a"],
            "date": [dt.date(2024, 1, 1)],
            "amount": pa.array([5], getattr(pa, width)()),
        }
    )
    facts = summarize_frame(tx, as_of="2024-02-01")
    assert facts.column("monetary").to_pylist() == [5.0]
    assert segment_frame(tx, as_of="2024-02-01").num_rows == 1
    btyd = engine_btyd_summary(tx, observation_end="2024-02-01")
    assert btyd.monetary_value.tolist() == [0.0]


# --------------------------------------------------------------------------
# 2. as_of outside the days a date column's unit holds


def _stamps(days: list[int], unit: str) -> Any:
    base = np.datetime64("1990-01-01", "D")
    values = [(base + d).astype(f"datetime64[{unit}]") for d in days]
    return pa.array(values, pa.timestamp(unit))


#: an as_of in every part of the years 1 to 9999: in the nanosecond range
#: and out of it on both sides
AS_OF = st.one_of(
    st.dates(dt.date(1, 1, 1), dt.date(1677, 9, 25)),
    st.dates(dt.date(1677, 9, 19), dt.date(2262, 4, 14)),
    st.dates(dt.date(2262, 4, 9), dt.date(9999, 12, 31)),
)


@settings(max_examples=30, deadline=None)
@given(
    engine=st.sampled_from([*sorted(ENGINES), "dask"]),
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    days=st.lists(st.integers(0, 20_000), min_size=1, max_size=3),
    as_of=AS_OF,
    after=st.sampled_from(["raise", "drop"]),
)
@example(
    engine="pyarrow", unit="ns", days=[0, 9], as_of=dt.date(224, 6, 1), after="raise"
)
@example(
    engine="duckdb", unit="ns", days=[0, 9], as_of=dt.date(2300, 1, 1), after="drop"
)
def test_as_of_outside_the_column_units_days(engine, unit, days, as_of, after):
    """Any as_of is compared with the dates as pandas compares it, for every
    unit: with nanoseconds, one before 1677-09-22 or after 2262-04-11 made
    PyArrow and DuckDB overflow (``Casting from timestamp[us] to
    timestamp[ns] would result in out of bounds timestamp``)."""
    ids = ["a", "b", "c"][: len(days)]
    amounts = [1.0] * len(days)
    table = pa.table(
        {"customer_id": ids, "date": _stamps(days, unit), "amount": amounts}
    )
    kwargs = {"as_of": as_of.isoformat(), "after_as_of": after}
    want = _outcome(table.to_pandas(), **kwargs)
    if engine == "dask":
        dd = pytest.importorskip("dask.dataframe")
        frame = dd.from_pandas(table.to_pandas(), npartitions=1)
    else:
        frame = ENGINES[engine](table)
    assert _outcome(frame, **kwargs) == want


@settings(max_examples=15, deadline=None)
@given(
    engine=st.sampled_from(sorted(ENGINES)),
    end=AS_OF,
    unit=st.sampled_from(["D", "W"]),
    after=st.sampled_from(["raise", "drop"]),
)
@example(engine="pyarrow", end=dt.date(1600, 1, 1), unit="D", after="drop")
@example(engine="duckdb", end=dt.date(2300, 1, 1), unit="W", after="raise")
def test_observation_end_outside_nanosecond_days(engine, end, unit, after):
    """engine_btyd_summary's observation_end, likewise."""
    table = pa.table(
        {
            "customer_id": ["a", "b", "a"],
            "date": _stamps([0, 40, 400], "ns"),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    df = table.to_pandas()
    kwargs = {"observation_end": end.isoformat(), "unit": unit}

    def run(f: Any) -> Any:
        try:
            s = f(after_observation_end=after, **kwargs)
        except InputError as err:
            return ("InputError", err.field)
        return (s.frequency.tolist(), s.recency.tolist(), s.T.tolist())

    want = run(lambda **kw: btyd_summary(df.customer_id, df.date, df.amount, **kw))
    got = run(lambda **kw: engine_btyd_summary(ENGINES[engine](table), **kw))
    assert got == want


def test_a_typo_as_of_the_report():
    """The report's example: as_of 0224-06-01 (for 2024) on nanosecond
    dates is the InputError naming as_of, or an empty table when dropped."""
    tx = pa.table(
        {
            "customer_id": ["a", "b"],
            "date": pa.array(
                [dt.datetime(2024, 5, 1), dt.datetime(2024, 6, 1)], pa.timestamp("ns")
            ),
            "amount": [10.0, 20.0],
        }
    )
    for frame in (tx, duckdb.connect().from_arrow(tx)):
        with pytest.raises(InputError, match=r"after as_of \(0224-06-01\)"):
            summarize_frame(frame, as_of="0224-06-01")
        got = summarize_frame(
            frame, as_of="0224-06-01", after_as_of="drop", output="pandas"
        )
        assert len(got) == 0
        later = summarize_frame(frame, as_of="2300-01-01", output="pandas")
        assert later.recency_days.tolist() == [100686.0, 100655.0]


# --------------------------------------------------------------------------
# 3, 4, 7. customer ids keep the input's type and join back


def _arrow_ids(kind: str, names: list[str]) -> Any:
    if kind == "date64":
        order = sorted(set(names))
        days = [dt.date(2020, 1, 1) + dt.timedelta(days=order.index(n)) for n in names]
        return pa.array(days, pa.date64())
    if kind.startswith("dictionary"):
        value = pa.large_string() if "large" in kind else pa.string()
        return pa.array(names, value).dictionary_encode()
    return pa.array(names, getattr(pa, kind)())


ARROW_KINDS = [
    "string",
    "large_string",
    "string_view",
    "dictionary",
    "dictionary-large",
    "date64",
]
NAMES = st.lists(
    st.sampled_from(["a", "b", "ä", "10", "2", ""]), min_size=1, max_size=5
)


@settings(max_examples=20, deadline=None)
@given(kind=st.sampled_from(ARROW_KINDS), names=NAMES, segment=st.booleans())
@example(kind="string", names=["a", "b", "a"], segment=False)
@example(kind="dictionary", names=["a", "b", "a"], segment=True)
def test_arrow_ids_keep_their_type_and_join_back(kind, names, segment):
    """PyArrow ids keep the input's type (``string`` came back as pandas'
    ``large_string``, which Arrow's join refuses to pair with it; date64
    ids were refused), so ``tx.join(result, id)`` pairs every row with its
    customer's facts."""
    ids = _arrow_ids(kind, names)
    tx = _table(ids.to_pylist(), list(range(len(names)))).set_column(
        0, "customer_id", ids
    )
    run = segment_frame if segment else summarize_frame
    got = run(tx, as_of="2024-03-01")
    assert got.schema.field("customer_id").type == ids.type
    if kind == "string_view":  # Arrow joins on no string_view key at all
        return
    joined = tx.join(got, "customer_id")
    assert joined.num_rows == tx.num_rows
    pairs = {(r["customer_id"], r["frequency"]) for r in joined.to_pylist()}
    counts = pd.Series(ids.to_pylist()).value_counts()
    assert pairs == {(k, int(n)) for k, n in counts.items()}


@settings(max_examples=15, deadline=None)
@given(
    kind=st.sampled_from(["Categorical", "Enum"]),
    lazy=st.booleans(),
    names=NAMES,
    segment=st.booleans(),
)
@example(kind="Categorical", lazy=False, names=["a", "b", "a"], segment=True)
@example(kind="Enum", lazy=True, names=["a", "b", "a"], segment=False)
def test_polars_category_ids_keep_their_type_and_join_back(kind, lazy, names, segment):
    """Polars ``Categorical`` and ``Enum`` ids came back as ``String``:
    ``tx.join(result)`` raised a SchemaError."""
    dtype = (
        pl.Categorical() if kind == "Categorical" else pl.Enum(sorted({*names, "zz"}))
    )
    tx = pl.DataFrame(
        {
            "customer_id": pl.Series(names, dtype=dtype),
            "date": [
                dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(len(names))
            ],
            "amount": [1.0] * len(names),
        }
    )
    run = segment_frame if segment else summarize_frame
    got = run(tx.lazy() if lazy else tx, as_of="2024-03-01")
    got = got.collect() if lazy else got
    assert got.schema["customer_id"] == dtype
    joined = tx.join(got, on="customer_id")
    assert joined.height == tx.height
    assert joined.sort("customer_id")["frequency"].to_list() == [
        names.count(n) for n in sorted(names)
    ]


def test_duckdb_enum_ids_keep_their_type_and_join_back():
    """DuckDB ``ENUM`` ids stay that ENUM (a quote in a value too)."""
    con = duckdb.connect()
    rel = con.sql(
        "select cast(c as ENUM('it''s', 'b', 'zz')) as customer_id, d as date, "
        "a as amount from (values ('it''s', DATE '2024-01-01', 1.0), "
        "('b', DATE '2024-01-05', 2.0), ('it''s', DATE '2024-01-09', 4.0)) t(c, d, a)"
    )
    got = summarize_frame(rel, as_of="2024-02-01")
    assert got.types[0] == rel.types[0]
    joined = rel.set_alias("l").join(got.set_alias("r"), "customer_id")
    assert len(joined.fetchall()) == 3


def test_date64_ids_the_report():
    """The report's example: date64 ids are read as dates, as date32 ones."""
    ids = pa.array([dt.date(2020, 1, 1), dt.date(2020, 1, 2)], pa.date64())
    tx = pa.table(
        {
            "customer_id": ids,
            "date": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
            "amount": [1.0, 2.0],
        }
    )
    got = summarize_frame(tx, as_of="2024-03-01")
    assert got.column("customer_id").to_pylist() == ids.to_pylist()
    assert tx.join(got, "customer_id").num_rows == 2


# --------------------------------------------------------------------------
# 5. dictionary-encoded (categorical) dates and amounts


DATE_FORMS = ["text", "date32", "timestamp", "yyyymmdd"]


def _date_values(form: str, days: list[int]) -> Any:
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in days]
    if form == "text":
        return pa.array([d.isoformat() for d in dates])
    if form == "date32":
        return pa.array(dates, pa.date32())
    if form == "timestamp":
        return pa.array(
            [dt.datetime.combine(d, dt.time(9)) for d in dates], pa.timestamp("us")
        )
    return pa.array([int(d.strftime("%Y%m%d")) for d in dates], pa.int64())


@settings(max_examples=20, deadline=None)
@given(
    form=st.sampled_from(DATE_FORMS),
    engine=st.sampled_from(sorted(ENGINES)),
    days=st.lists(st.integers(0, 60), min_size=1, max_size=4),
    coded=st.sampled_from(["date", "amount", "both"]),
)
@example(form="text", engine="pyarrow", days=[0, 4, 8], coded="both")
def test_dictionary_dates_and_amounts_are_read(form, engine, days, coded):
    """Arrow dictionary columns (what a pandas categorical becomes in
    Parquet) of dates, timestamps, text or YYYYMMDD dates, and of amounts,
    are read as their values, as pandas reads the categoricals (PyArrow
    said they held "Categorical values, not dates")."""
    ids = ["a", "b", "a", "c"][: len(days)]
    dates = _date_values(form, days)
    amounts = pa.array([1.5 * (i + 1) for i in range(len(days))])
    plain = pa.table({"customer_id": ids, "date": dates, "amount": amounts})
    if coded in ("date", "both"):
        dates = dates.dictionary_encode()
    if coded in ("amount", "both"):
        amounts = amounts.dictionary_encode()
    table = pa.table({"customer_id": ids, "date": dates, "amount": amounts})
    want = _outcome(plain.to_pandas(), as_of="2024-04-01")
    assert want == _outcome(table.to_pandas(), as_of="2024-04-01")  # categoricals
    assert _outcome(ENGINES[engine](table), as_of="2024-04-01") == want


@settings(max_examples=10, deadline=None)
@given(
    kind=st.sampled_from(["Categorical", "Enum", "ENUM", "dask"]),
    days=st.lists(st.integers(0, 60), min_size=1, max_size=4),
)
@example(kind="Categorical", days=[0, 4, 8])
@example(kind="dask", days=[0, 4, 8])
def test_category_text_dates_are_read(kind, days):
    """Polars' Categorical and Enum, DuckDB's ENUM and Dask's categorical
    text dates are read as the text dates they hold."""
    ids = ["a", "b", "a", "c"][: len(days)]
    texts = [(dt.date(2024, 1, 1) + dt.timedelta(days=d)).isoformat() for d in days]
    df = pd.DataFrame({"customer_id": ids, "date": texts, "amount": 2.0})
    want = _outcome(df, as_of="2024-04-01")
    if kind == "dask":
        dd = pytest.importorskip("dask.dataframe")
        frame = dd.from_pandas(df.assign(date=pd.Categorical(texts)), npartitions=1)
    elif kind == "ENUM":
        levels = ", ".join(f"'{t}'" for t in sorted(set(texts)))
        frame = (
            duckdb.connect()
            .from_df(df)
            .select(f"customer_id, CAST(date AS ENUM({levels})) AS date, amount")
        )
    else:
        dtype = (
            pl.Categorical() if kind == "Categorical" else pl.Enum(sorted(set(texts)))
        )
        frame = pl.from_pandas(df).with_columns(pl.col("date").cast(dtype))
    assert _outcome(frame, as_of="2024-04-01") == want


def test_dask_categorical_amounts_are_read():
    """Dask categorical amounts are read as the numbers they hold."""
    dd = pytest.importorskip("dask.dataframe")
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-09"]),
            "amount": pd.Categorical([1.0, 2.0, 4.0]),
        }
    )
    want = _outcome(df, as_of="2024-02-01")
    assert _outcome(dd.from_pandas(df, npartitions=1), as_of="2024-02-01") == want


def test_categorical_parquet_dates_the_report(tmp_path):
    """The report's example: a pandas categorical date column through
    Parquet is a dictionary of text, read as in pandas and DuckDB."""
    pq = pytest.importorskip("pyarrow.parquet")
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "date": pd.Categorical(["2024-01-01", "2024-01-05", "2024-01-09"]),
            "amount": [1.0, 2.0, 4.0],
        }
    )
    df.to_parquet(tmp_path / "cat.parquet")
    table = pq.read_table(tmp_path / "cat.parquet")
    assert pa.types.is_dictionary(table.schema.field("date").type)
    got = summarize_frame(table, as_of="2024-02-01", output="pandas")
    assert got.recency_days.tolist() == [23.0, 27.0]


# --------------------------------------------------------------------------
# 6. DECIMAL YYYYMMDD dates


@settings(max_examples=20, deadline=None)
@given(
    engine=st.sampled_from(sorted(ENGINES)),
    days=st.lists(st.integers(0, 400), min_size=1, max_size=4),
    scale=st.sampled_from([0, 2]),
    fraction=st.sampled_from([None, "0.5", "0.01"]),
    given_format=st.booleans(),
)
@example(engine="duckdb", days=[30, 45], scale=0, fraction=None, given_format=True)
def test_decimal_yyyymmdd_dates_are_read(engine, days, scale, fraction, given_format):
    """Whole decimal dates are read as YYYYMMDD, as pandas reads them (and
    as integer ones are), with or without date_format='%Y%m%d'; one that
    is not whole is refused, as a float one is."""
    ids = ["a", "b", "a", "c"][: len(days)]
    numbers = [
        Decimal((dt.date(2024, 1, 1) + dt.timedelta(days=d)).strftime("%Y%m%d"))
        for d in days
    ]
    if fraction is not None and scale:
        numbers[-1] += Decimal(fraction)
    dates = pa.array(numbers, pa.decimal128(8 + scale, scale))
    table = pa.table({"customer_id": ids, "date": dates, "amount": [1.0] * len(ids)})
    kwargs: dict[str, Any] = {"as_of": "2025-06-01"}
    if given_format:
        kwargs["date_format"] = "%Y%m%d"
    floats = table.to_pandas().assign(date=[float(x) for x in numbers])
    want = _outcome(floats, **kwargs)
    assert want == _outcome(table.to_pandas(), **kwargs)  # Decimal objects
    assert _outcome(ENGINES[engine](table), **kwargs) == want


def test_decimal_dates_the_report():
    """The report's example: DuckDB ``DECIMAL(8,0)`` dates."""
    rel = duckdb.sql(
        "select * from (values ('a', 20240131::DECIMAL(8,0), 10.0), "
        "('b', 20240215::DECIMAL(8,0), 20.0)) t(customer_id, date, amount)"
    )
    got = summarize_frame(rel, as_of="2024-03-01", output="pandas")
    assert got.recency_days.tolist() == [30.0, 15.0]


# --------------------------------------------------------------------------
# 8. Arrow objects that are no table


def _arrow_objects(tx: Any, tmp_path: Any) -> dict[str, tuple[Any, str, Any]]:
    """Each Arrow object, a text of its fix, and the fix made."""
    ds = pytest.importorskip("pyarrow.dataset")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(tx, tmp_path / "tx.parquet")
    dataset = ds.dataset(tmp_path)
    batch = tx.to_batches()[0]
    return {
        "batch": (
            batch,
            "pyarrow.Table.from_batches([batch])",
            pa.Table.from_batches([batch]),
        ),
        "reader": (tx.to_reader(), "reader.read_all()", tx.to_reader().read_all()),
        "dataset": (dataset, "dataset.to_table()", dataset.to_table()),
        "lazy dataset": (
            dataset,
            "duckdb.from_arrow(dataset)",
            duckdb.from_arrow(dataset),
        ),
        "polars dataset": (
            dataset,
            "polars.scan_pyarrow_dataset(dataset)",
            pl.scan_pyarrow_dataset(dataset),
        ),
        "scanner": (
            dataset.scanner(),
            "scanner.to_table()",
            dataset.scanner().to_table(),
        ),
    }


@pytest.mark.parametrize(
    "case", ["batch", "reader", "dataset", "lazy dataset", "polars dataset", "scanner"]
)
@pytest.mark.parametrize("run", [summarize_frame, segment_frame])
def test_arrow_objects_that_are_no_table_are_told_the_conversion(case, run, tmp_path):
    """A record batch, reader, dataset or scanner: the message names the
    kinds custseg reads and the conversion, and the conversion works."""
    tx = _table(["a", "b", "a"], [0, 4, 8])
    given, fix, fixed = _arrow_objects(tx, tmp_path)[case]
    with pytest.raises(InputError) as err:
        run(given, as_of="2024-02-01")
    message = str(err.value)
    assert err.value.field == "df"
    assert "a PyArrow Table, DuckDB" in message
    assert f"got a pyarrow {type(given).__name__}" in message
    assert "read the file first" not in message
    assert fix in message
    want = run(tx.to_pandas(), as_of="2024-02-01")
    got = run(fixed, as_of="2024-02-01", output="pandas")
    pd.testing.assert_frame_equal(got, want, check_index_type=False)
