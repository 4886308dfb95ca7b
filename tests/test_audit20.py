"""Audit 20: an engine's own decimal -> double cast.

DuckDB before 2.0.1 casts ``DECIMAL`` to ``DOUBLE`` by rounding twice (the
unscaled integer, then its division by the power of ten), so that
``0.016999999999999999`` in ``DECIMAL(38, 18)`` became 0.017, one double
above its correctly rounded 0.016999999999999998: ``x > y`` of two decimal
fields said "no" where the NumPy path said "yes" (CI's engine floors found
it). Every engine now reads a decimal as its correctly rounded double, in
the rules and in the summaries, whatever its version; the tests run each
DuckDB case both as the installed DuckDB casts and through the text route
the old versions take.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import RfmEdges, ScoreEdges, rules
from custseg.errors import CustsegWarning, InputError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
nw = pytest.importorskip("narwhals.stable.v2")

from custseg import _engine_rules  # noqa: E402
from custseg.engines import (  # noqa: E402
    compile_rules,
    engine_btyd_summary,
    label_in_engine,
)
from custseg.frame import summarize_frame  # noqa: E402

FEW = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def _route(text: bool) -> Iterator[None]:
    """DuckDB's decimals as the installed version reads them (*text*
    false), or through their text as DuckDB before 2.0.1 does."""
    with pytest.MonkeyPatch.context() as mp:
        if text:
            mp.setattr(_engine_rules, "_duckdb_rounds_twice", lambda: True)
        yield


def _natives(table: Any) -> dict[str, Any]:
    return {
        "polars": pl.from_arrow(table),
        "duckdb": duckdb.connect().from_arrow(table),
        "pyarrow": table,
        "pandas-arrow": table.to_pandas(types_mapper=pd.ArrowDtype),
    }


def _labels(rs: rules.RuleSet, data: dict[str, list[Any]]) -> dict[str, list[str]]:
    got = rs.evaluate(data)
    return {k: got[k].to_numpy().tolist() for k in got.labels}


def _list(native: Any, name: str) -> list[Any]:
    if hasattr(native, "fetchall"):
        native = native.pl()
    if isinstance(native, pd.DataFrame):
        return native[name].tolist()
    if hasattr(native, "column") and hasattr(native, "schema"):
        return list(native.column(name).to_pylist())
    return list(native[name].to_list())


#: a number field x against the float64 field y holding its double
_SAME_DOUBLE = """format = 1
[fields]
x = { type = "number" }
y = { type = "number" }
[segments.eq]
default = "no"
rules = [{ label = "yes", when = "x == y" }]
[segments.order]
default = "same"
rules = [
  { label = "above", when = "x > y" },
  { label = "below", when = "x < y" },
]
"""


@st.composite
def decimal_columns(draw: Any, *, summed: bool = False) -> tuple[int, int, list]:
    """A precision of more than 15 digits (where DuckDB's old cast rounds
    twice), a scale, and values of that type: any digits, or (*summed*) a
    whole number of at most 2**53 followed by zeros, no further than the
    units (the amounts the summaries sum exactly)."""
    precision = draw(st.integers(16, 38))
    scale = draw(st.integers(0, precision))
    top = 10**precision - 1
    if not summed:
        unscaled = st.integers(-top, top)
    else:
        unscaled = st.builds(
            lambda d, k: d * 10**k,
            st.integers(-(2**53), 2**53),
            st.integers(0, min(precision - 16, scale)),
        )
    values = draw(st.lists(unscaled, min_size=1, max_size=8))
    return precision, scale, [Decimal(f"{u}E-{scale}") for u in values]


@FEW
@given(column=decimal_columns(), text=st.booleans())
@example(column=(38, 18, [Decimal("0.016999999999999999")]), text=False)
@example(column=(38, 18, [Decimal("0.016999999999999999")]), text=True)
@example(column=(38, 30, [Decimal("1.5E-20")]), text=False)
def test_decimal_fields_read_as_correctly_rounded_doubles(
    column: tuple[int, int, list[Decimal]], text: bool
) -> None:
    """A decimal field equals the float64 field holding its correctly
    rounded double (``float(Decimal)``), is not above it, and not below,
    on every engine, as in the NumPy path."""
    precision, scale, xs = column
    ys = [float(x) for x in xs]
    rs = rules.loads(_SAME_DOUBLE)
    want = {"eq": ["yes"] * len(xs), "order": ["same"] * len(xs)}
    got = rs.evaluate({"x": xs, "y": ys})
    assert {k: got[k].to_numpy().tolist() for k in got.labels} == want
    table = pa.table(
        {"x": pa.array(xs, pa.decimal128(precision, scale)), "y": pa.array(ys)}
    )
    with _route(text):
        for engine, native in _natives(table).items():
            out = compile_rules(rs).apply(nw.from_native(native)).to_native()
            for name, labels in want.items():
                assert _list(out, name) == labels, (engine, name, xs)


@FEW
@given(column=decimal_columns(summed=True), text=st.booleans())
@example(column=(38, 18, [Decimal("0.01699999999999999")]), text=False)
@example(column=(38, 24, [Decimal("1.25E-22")]), text=False)
def test_decimal_amounts_sum_to_correctly_rounded_doubles(
    column: tuple[int, int, list[Decimal]], text: bool
) -> None:
    """Each customer's one purchase is their ``monetary``: the correctly
    rounded double of the decimal amount, on DuckDB as in pandas."""
    precision, scale, amounts = column
    n = len(amounts)
    table = pa.table(
        {
            "customer_id": pa.array(range(n), pa.int64()),
            "date": pa.array(["2024-03-01"] * n),
            "amount": pa.array(amounts, pa.decimal128(precision, scale)),
        }
    )
    want = [float(a) for a in amounts]
    with _route(text):
        for engine, native in _natives(table).items():
            facts = summarize_frame(native, as_of="2024-03-02", output="pandas")
            got = facts.sort_values("customer_id")["monetary"].tolist()
            assert got == want, (engine, amounts)


def test_old_duckdb_versions_take_the_text_route() -> None:
    """The version test: DuckDB before 2.0.1 rounds twice, and only decimals
    of more than 15 digits are read through their text there."""
    decimal = nw.Decimal(38, 18)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_engine_rules, "_duckdb_rounds_twice", lambda: True)
        assert _engine_rules._decimal_cast_rounds(decimal, "duckdb")
        assert not _engine_rules._decimal_cast_rounds(nw.Decimal(15, 2), "duckdb")
        assert not _engine_rules._decimal_cast_rounds(nw.Float64(), "duckdb")
        assert not _engine_rules._decimal_cast_rounds(decimal, "polars")
        mp.setattr(_engine_rules, "_duckdb_rounds_twice", lambda: False)
        assert not _engine_rules._decimal_cast_rounds(decimal, "duckdb")
    assert _engine_rules._decimal_cast_rounds(decimal, "pyarrow")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(duckdb, "__version__", "1.5.6")
        assert _engine_rules._duckdb_rounds_twice.__wrapped__()
        mp.setattr(duckdb, "__version__", "2.0.1")
        assert not _engine_rules._duckdb_rounds_twice.__wrapped__()
        mp.setattr(duckdb, "__version__", "2.1.0-dev123")
        assert not _engine_rules._duckdb_rounds_twice.__wrapped__()


# --------------------------------------------------------------------------
# the other findings of the floor-versions probe

dd = pytest.importorskip("dask.dataframe")


def _money_frames(table: Any) -> dict[str, Any]:
    """*table* as pandas with Arrow types (eager and on Dask), the engines
    whose decimal casts are Arrow's."""
    pdf = table.to_pandas(types_mapper=pd.ArrowDtype)
    return {"pandas-arrow": pdf, "dask-arrow": dd.from_pandas(pdf, npartitions=2)}


@FEW
@given(cents=st.lists(st.integers(-(10**6), 10**7), min_size=1, max_size=12))
@example(cents=[1999, 1])
def test_arrow_backed_pandas_decimal_amounts_sum_exactly(cents: list[int]) -> None:
    """``decimal128[pyarrow]`` amounts of a pandas (or Dask) frame are summed
    as the decimals they are (19.99 + 0.01 is 20.0), as in the core."""
    n = len(cents)
    amounts = [Decimal(c).scaleb(-2) for c in cents]
    table = pa.table(
        {
            "customer_id": pa.array([i % 3 for i in range(n)], pa.int64()),
            "date": pa.array(["2024-03-01"] * n),
            "amount": pa.array(amounts, pa.decimal128(12, 2)),
        }
    )
    want = summarize_frame(table.to_pandas(), as_of="2024-04-01")  # Decimal objects
    for engine, native in _money_frames(table).items():
        got = summarize_frame(native, as_of="2024-04-01", output="pandas")
        assert got["monetary"].tolist() == want["monetary"].tolist(), engine


def _hugeints(columns: dict[str, list[Any]], types: dict[str, str]) -> Any:
    """A DuckDB relation of *columns* (rows in order), each cast to its SQL
    type in *types*."""
    n = len(next(iter(columns.values())))
    rows = " union all ".join(
        f"select {i} as _i, "
        + ", ".join(f"({v[i]!r})::{types[k]} as {k}" for k, v in columns.items())
        for i in range(n)
    )
    return duckdb.connect().sql(
        f"select {', '.join(columns)} from ({rows}) order by _i"
    )


@FEW
@given(
    kind=st.sampled_from(["Int128", "HUGEINT"]),
    ks=st.lists(st.integers(-3, 3), min_size=1, max_size=5),
    scale=st.sampled_from([1, 2, 2**20]),
    text=st.booleans(),
)
@example(kind="HUGEINT", ks=[-2, 0, 1], scale=1, text=True)
def test_128_bit_integers_keep_their_side_of_an_edge(
    kind: str, ks: list[int], scale: int, text: bool
) -> None:
    """Monetary as a Polars ``Int128`` or DuckDB ``HUGEINT`` column on either
    side of a score edge beyond 2**53 gets ``custseg.score``'s score."""
    edge = 2**53 * scale
    money = [edge + k for k in ks]
    m_edges = ScoreEdges((10.0, 100.0, 1000.0, float(edge)))
    edges = RfmEdges(ScoreEdges((30, 90, 180, 270)), ScoreEdges((1, 2, 4, 8)), m_edges)
    want = custseg.score(np.array(money, dtype=object), m_edges).tolist()
    n = len(money)
    facts = pl.DataFrame(
        {
            "customer_id": list(range(n)),
            "recency_days": [3.0] * n,
            "frequency": [12] * n,
            "monetary": pl.Series(money, dtype=pl.Int128),
            "tenure_days": [700.0] * n,
        }
    )
    if kind == "HUGEINT":
        columns = {k: facts[k].to_list() for k in facts.columns}
        types = {
            "customer_id": "BIGINT",
            "recency_days": "DOUBLE",
            "frequency": "BIGINT",
        }
        types |= {"monetary": "HUGEINT", "tenure_days": "DOUBLE"}
        native = _hugeints(columns, types)
    else:
        native = facts
    with _route(text):
        out = label_in_engine(native, edges=edges)
        assert _list(out, "m") == want, (kind, money)


@FEW
@given(
    kind=st.sampled_from(["Int128", "HUGEINT"]),
    xs=st.lists(
        st.one_of(
            st.integers(-(2**70), 2**70),
            st.integers(-3, 3).map(lambda k: -(2**53) - 2 + 2 * k),
        ),
        min_size=1,
        max_size=6,
    ),
    text=st.booleans(),
)
@example(kind="HUGEINT", xs=[-9007199254740994], text=True)
def test_128_bit_integers_read_as_correctly_rounded_doubles(
    kind: str, xs: list[int], text: bool
) -> None:
    """A 128-bit integer field equals the float64 field holding its
    correctly rounded double, as in the NumPy path (DuckDB before 2.0.1
    read ``-9007199254740994::HUGEINT`` as -9007199254740992.0)."""
    rs = rules.loads(_SAME_DOUBLE)
    ys = [float(x) for x in xs]
    if kind == "Int128":
        native = pl.DataFrame({"x": pl.Series(xs, dtype=pl.Int128), "y": ys})
    else:
        native = _hugeints({"x": xs, "y": ys}, {"x": "HUGEINT", "y": "DOUBLE"})
    with _route(text):
        out = compile_rules(rs).apply(nw.from_native(native)).to_native()
        assert _list(out, "eq") == ["yes"] * len(xs), (kind, xs)
        assert _list(out, "order") == ["same"] * len(xs), (kind, xs)


def test_duckdb_nanosecond_zoned_timestamps_are_dates(tmp_path: Any) -> None:
    """pandas' zoned nanosecond timestamps, read by DuckDB >= 2 as
    ``TIMESTAMPTZ_NS`` (from Parquet or Arrow), are counted as on pandas."""
    pdf = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "date": pd.to_datetime(
                ["2024-03-01 23:30", "2024-03-02 00:30", "2024-03-03 12:00"]
            ).tz_localize("Europe/Berlin"),
            "amount": [10.0, 20.0, 5.0],
        }
    )
    want = summarize_frame(pdf, as_of="2024-03-10")
    path = tmp_path / "tx.parquet"
    pdf.to_parquet(path)
    con = duckdb.connect()
    con.sql("SET TimeZone = 'Europe/Berlin'")
    for native in (
        con.read_parquet(str(path)),
        con.from_arrow(pa.Table.from_pandas(pdf)),
    ):
        with pytest.warns(CustsegWarning, match="connection's TimeZone"):
            got = summarize_frame(native, as_of="2024-03-10", output="pandas")
        got = got.sort_values("customer_id").reset_index(drop=True)
        assert got["recency_days"].tolist() == want["recency_days"].tolist()
        assert got["frequency"].tolist() == want["frequency"].tolist()


@FEW
@given(days=st.lists(st.integers(-800, 800), min_size=1, max_size=8))
@example(days=[-11, -10, -4, -3, 0, 4])
def test_weekly_btyd_on_every_engine(days: list[int]) -> None:
    """``unit="W"`` (weeks from Monday) on Arrow-backed Dask frames (which
    have no modulo) and on the other engines, before 1970 too, is the
    core's table."""
    dates = (
        np.datetime64("1970-01-01") + np.array(days, dtype="timedelta64[D]")
    ).astype("datetime64[us]")
    n = len(days)
    tx = pd.DataFrame(
        {"customer_id": [i % 2 for i in range(n)], "date": dates, "amount": [1.0] * n}
    )
    end = np.datetime64("1972-12-31")
    ref = custseg.btyd_summary(
        tx["customer_id"], tx["date"], tx["amount"], observation_end=end, unit="W"
    )
    arrow = pa.Table.from_pandas(tx, preserve_index=False)
    frames = {
        "polars": pl.from_pandas(tx),
        "duckdb": duckdb.connect().from_arrow(arrow),
        "pyarrow": arrow,
        "dask-arrow": dd.from_pandas(
            arrow.to_pandas(types_mapper=pd.ArrowDtype), npartitions=2
        ),
    }
    for name, native in frames.items():
        got = engine_btyd_summary(native, observation_end=end, unit="W")
        pd.testing.assert_frame_equal(got.to_pandas(), ref.to_pandas(), obj=name)


@pytest.mark.parametrize("kind", ["text", "timestamp", "date"])
def test_as_of_the_last_day_there_is(kind: str) -> None:
    """``as_of="9999-12-31"`` (whose next day no engine holds) counts the
    days to it as pandas does."""
    pdf = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["9999-12-30", "9999-12-31"],
            "amount": [1.0, 2.0],
        }
    )
    want = summarize_frame(pdf, as_of="9999-12-31")["recency_days"].tolist()
    table = pa.Table.from_pandas(pdf, preserve_index=False)
    if kind != "text":
        typ = pa.date32() if kind == "date" else pa.timestamp("us")
        table = table.set_column(
            1, "date", table.column("date").cast(pa.timestamp("us")).cast(typ)
        )
    for name, native in {
        "polars": pl.from_arrow(table),
        "duckdb": duckdb.connect().from_arrow(table),
        "pyarrow": table,
    }.items():
        got = summarize_frame(native, as_of="9999-12-31", output="pandas")
        assert got.sort_values("customer_id")["recency_days"].tolist() == want, name


def _text_frames(pdf: pd.DataFrame) -> dict[str, Any]:
    """*pdf* (text dates) on the engines that parse text dates themselves."""
    table = pa.Table.from_pandas(pdf, preserve_index=False)
    return {
        "polars": pl.from_arrow(table),
        "duckdb": duckdb.connect().from_arrow(table),
        "pyarrow": table,
        "dask": dd.from_pandas(pdf, npartitions=1),
    }


@pytest.mark.parametrize("text", ["２０２４-01-06", "٢٠٢٤-01-06", "2024-０1-06"])
def test_dates_in_other_digits_are_refused_on_every_engine(text: str) -> None:
    """A date written with full-width or Arabic-Indic digits is refused by
    every engine, as by the core (Dask's pandas parsed it)."""
    pdf = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["2024-01-05", text], "amount": [1.0, 2.0]}
    )
    for name, native in _text_frames(pdf).items():
        with pytest.raises(InputError, match=r"not (ISO 8601 )?dates"):
            summarize_frame(native, as_of="2024-12-31")
            pytest.fail(name)


@pytest.mark.parametrize("blank", ["\u3000", "\u00a0", "\u2028", " \t"])
def test_dates_with_unicode_blanks_around_them(blank: str) -> None:
    """Blanks around a date are skipped by every engine as by the core
    (``str.strip``), Unicode ones too (DuckDB's ``\\s`` is ASCII only)."""
    pdf = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-05", f"{blank}2024-01-06{blank}"],
            "amount": [1.0, 2.0],
        }
    )
    want = summarize_frame(pdf, as_of="2024-12-31")["recency_days"].tolist()
    for name, native in _text_frames(pdf).items():
        got = summarize_frame(native, as_of="2024-12-31", output="pandas")
        assert got.sort_values("customer_id")["recency_days"].tolist() == want, name


def test_apply_rules_on_an_engine_keeps_nullable_scores() -> None:
    """``apply_rules(polars_table, ..., output="pandas")`` gives the pandas
    path's nullable integer scores (a customer with refunds only has none),
    not floats."""
    from custseg.frame import apply_rules, segment_frame

    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-03-05", "2024-03-06", "2024-03-07"]
            ),
            "amount": [10.0, 20.0, 5.0, -3.0],
        }
    )
    for preset in ("base", "ecommerce"):
        want = apply_rules(segment_frame(tx, as_of="2024-03-31"), preset)
        got = apply_rules(
            segment_frame(pl.from_pandas(tx), as_of="2024-03-31"),
            preset,
            output="pandas",
        )
        for column in ("r", "f", "m", "rfm"):
            assert got[column].dtype == want[column].dtype, (preset, column)
            assert got[column].tolist() == want[column].tolist(), (preset, column)


def test_a_format_with_its_own_characters_is_read_on_every_engine() -> None:
    """``date_format="%Y年%m月%d日"``: the format's own characters are not
    the foreign text the engines refuse (its digits are)."""
    pdf = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024年01月05日", "2024年01月06日"],
            "amount": [1.0, 2.0],
        }
    )
    fmt = "%Y年%m月%d日"
    want = summarize_frame(pdf, as_of="2024-12-31", date_format=fmt)
    odd = pdf.assign(date=["２０２４年01月05日", "2024年01月06日"])
    for name, make in {
        "polars": pl.from_pandas,
        "duckdb": lambda df: duckdb.connect().from_df(df),
        "pyarrow": lambda df: pa.Table.from_pandas(df, preserve_index=False),
        "dask": lambda df: dd.from_pandas(df, npartitions=1),
    }.items():
        got = summarize_frame(
            make(pdf), as_of="2024-12-31", date_format=fmt, output="pandas"
        )
        assert got["recency_days"].tolist() == want["recency_days"].tolist(), name
        with pytest.raises(InputError, match="not dates"):
            summarize_frame(make(odd), as_of="2024-12-31", date_format=fmt)
