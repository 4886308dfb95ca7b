"""Audit 19 (5 December 2026): the leftovers of audit 18 and the findings of
four probes (time, the engines' dtype zoo, the domain's definitions, the
parameters of the public API; the parameters of the other modules are in
test_audit19_params.py).

Each test names the class of failure it guards and draws the family, not
only the probe's example.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import CustsegWarning, InputError, RulesError, ThresholdError

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_FEW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _engines() -> dict[str, Any]:
    """Makers of the engine frames installed here, from a pandas frame."""
    out: dict[str, Any] = {}
    try:
        import polars as pl

        out["polars"] = pl.from_pandas
    except ImportError:  # pragma: no cover - the oldest CI stage
        pass
    try:
        import duckdb

        out["duckdb"] = lambda df: duckdb.connect().from_df(df)
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyarrow as pa

        out["pyarrow"] = lambda df: pa.Table.from_pandas(df, preserve_index=False)
    except ImportError:  # pragma: no cover
        pass
    return out


# --------------------------------------------------------------------------
# a comparison elsewhere in the rules must not change an output: a decimal
# that float64 rounds onto a cut is moved to its exact side only where it is
# compared with a constant (or another field) or cut by a table, never in
# arithmetic or aggregates


_NONLOCAL = """format = 1
[fields]
amount = {{ type = "number" }}
[derived]
twice = "amount * 2"
[tags.g]
rules = [{{ tag = "small", when = "twice <= {double!r}" }}]
"""
_UNRELATED = """
[derived]
alias = "({paren})"
[segments.s]
default = "low"
rules = [{{ label = "high", when = "alias > {cut!r}" }}]
"""


def _tags(rs: rules.RuleSet, data: dict[str, list[Any]]) -> list[bool]:
    return rs.evaluate(data).to_pandas()["g.small"].tolist()


@_SETTINGS
@given(
    cut=st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(
        float
    ),
    ks=st.lists(st.integers(-3, 3), min_size=1, max_size=5),
)
@example(cut=0.1, ks=[1, -1, 0])
def test_unrelated_comparison_leaves_arithmetic_alone(
    cut: float, ks: list[int]
) -> None:
    """``amount * 2 <= 2c`` gives the same tags whether or not another
    output compares ``amount`` (through an alias, parenthesised) with c;
    the other output itself compares exactly."""
    values = [Decimal(repr(cut)) + k * Decimal("1e-20") for k in ks]
    data = {"amount": values}
    text = _NONLOCAL.format(double=cut * 2)
    alone = rules.loads(text)
    both = rules.loads(
        text.replace("[derived]\n", '[derived]\nalias = "(amount)"\n', 1)
        + _UNRELATED.split('[derived]\nalias = "({paren})"\n', 1)[1].format(cut=cut)
    )
    assert _tags(both, data) == _tags(alone, data)
    want = ["high" if k > 0 else "low" for k in ks]  # the decimals' own side
    assert both.evaluate(data)["s"].to_numpy().tolist() == want
    # the aggregate reads the plain doubles too
    agg = rules.loads(
        text + '[segments.m]\ndefault = "x"\n'
        'rules = [{ label = "top", when = "amount >= max(amount)" }]\n'
    )
    agg2 = rules.loads(
        text + '[segments.m]\ndefault = "x"\n'
        'rules = [{ label = "top", when = "amount >= max(amount)" }]\n'
        f'[segments.s]\ndefault = "low"\nrules = [{{ label = "high", when = "amount > {cut!r}" }}]\n'
    )
    assert agg.aggregates(data) == agg2.aggregates(data)
    assert (
        agg.evaluate(data)["m"].to_numpy().tolist()
        == agg2.evaluate(data)["m"].to_numpy().tolist()
    )


def test_parenthesised_alias_is_an_alias() -> None:
    """``d = "(x)"`` is the bare name it wraps: its comparisons with
    constants move decimals on a cut as ``x``'s do, and it is missing where
    ``x`` is."""
    rs = rules.loads(
        'format = 1\n[fields]\nx = { type = "number", missing = true }\n'
        '[derived]\nd = "( x )"\n'
        '[segments.s]\ndefault = "no"\nrules = [{ label = "yes", when = "d > 0.1" }]\n'
    )
    assert rs.derived["d"].expr.bare == "x"
    data = {"x": [Decimal("0.1000000000000000000001"), Decimal("0.1"), None]}
    assert rs.evaluate(data)["s"].to_numpy().tolist() == ["yes", "no", "no"]


@_FEW
@given(
    cut=st.decimals(min_value=-100, max_value=100, places=1, allow_nan=False).map(
        float
    ),
    ks=st.lists(st.integers(-2, 2), min_size=1, max_size=4),
)
def test_engines_read_arithmetic_as_numpy_does(cut: float, ks: list[int]) -> None:
    """The same rules in the engines: arithmetic on a DECIMAL column near a
    cut another output compares it with gives the NumPy path's tags."""
    pa = pytest.importorskip("pyarrow")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules

    values = [Decimal(repr(cut)) + k * Decimal("1e-18") for k in ks]
    text = _NONLOCAL.format(double=cut * 2) + (
        f'[segments.s]\ndefault = "low"\nrules = [{{ label = "high", when = "amount > {cut!r}" }}]\n'
    )
    rs = rules.loads(text)
    want = rs.evaluate({"amount": values}).to_pandas()
    table = pa.table({"amount": pa.array(values, pa.decimal128(38, 18))})
    for name, make in _engines().items():
        native = make(table.to_pandas()) if name != "pyarrow" else table
        if name == "duckdb":
            import duckdb

            native = duckdb.connect().from_arrow(table)
        elif name == "polars":
            import polars as pl

            native = pl.from_arrow(table)
        out = compile_rules(rs).apply(nw.from_native(native)).to_native()
        if hasattr(out, "pl"):
            out = out.pl()
        got = out["s"].to_list() if not hasattr(out, "column") else None
        if got is None:
            got = out.column("s").to_pylist()
        tags = (
            out["g.small"].to_list()
            if not hasattr(out, "column")
            else out.column("g.small").to_pylist()
        )
        assert got == want["s"].tolist(), name
        assert tags == want["g.small"].tolist(), name


# --------------------------------------------------------------------------
# a year of fewer than 4 digits is no date (NumPy and the engines read
# '24-03-01' as the year 24): refused everywhere, as pandas refuses it


_SHORT = st.builds(
    lambda y, m, d, sep: f"{y}{sep}{m:02d}{sep}{d:02d}",
    st.integers(0, 999).map(str),
    st.integers(1, 12),
    st.integers(1, 28),
    st.sampled_from(["-", "/", "."]),
)


@_SETTINGS
@given(
    short=_SHORT,
    where=st.integers(0, 2),
    kind=st.sampled_from(["list", "object", "string", "as_of"]),
)
@example(short="24-03-01", where=1, kind="list")
def test_short_years_are_refused_in_the_core(short: str, where: int, kind: str) -> None:
    dates = ["2024-03-05", "2024-03-06"]
    if kind == "as_of":
        with pytest.raises(InputError, match="as_of"):
            custseg.summarize(["x", "y"], dates, [1.0, 2.0], as_of=short)
        return
    dates.insert(where, short)
    col: Any = dates
    if kind != "list":
        col = pd.Series(dates, dtype=object if kind == "object" else "string")
    with pytest.raises(InputError, match="'date'"):
        custseg.summarize(["x", "y", "z"], col, [1.0, 2.0, 3.0], as_of="2024-04-01")


def test_four_digit_years_before_1000_are_dates() -> None:
    """A year before 1000 written with its zeros is a date, in the core and
    in every engine."""
    f = custseg.summarize(["x"], ["0999-12-31"], [1.0], as_of="1000-01-01")
    assert f.recency_days.tolist() == [1.0]
    with pytest.raises(InputError, match="fewer than 4 digits"):
        custseg.summarize(["x"], ["999-12-31"], [1.0], as_of="1000-01-01")


@_FEW
@given(short=_SHORT.filter(lambda t: "-" in t), where=st.integers(0, 1))
@example(short="24-03-01", where=1)
def test_short_years_are_refused_in_the_engines(short: str, where: int) -> None:
    from custseg.frame import summarize_frame

    dates = ["2024-03-05"]
    dates.insert(where, short)
    df = pd.DataFrame({"customer_id": ["x", "y"], "date": dates, "amount": [1.0, 2.0]})
    with pytest.raises(InputError, match="'date'"):
        summarize_frame(df, as_of="2024-04-01")
    for name, make in _engines().items():
        with pytest.raises(InputError, match="'date'"):
            summarize_frame(make(df), as_of="2024-04-01", output="pandas")
        # a given %Y format: 4 digits, as Python's strptime reads it
        with pytest.raises(InputError, match="'date'"):
            (
                summarize_frame(
                    make(df),
                    as_of="2024-04-01",
                    output="pandas",
                    date_format="%Y-%m-%d",
                ),
                name,
            )
    ok = df.assign(date=["2024-03-05", "0024-03-01"])
    for make in _engines().values():
        got = summarize_frame(make(ok), as_of="2024-04-01", output="pandas")
        assert sorted(got["recency_days"].tolist()) == [27.0, 730516.0]


# --------------------------------------------------------------------------
# dates in zones: a fixed offset on Arrow, Arrow-backed Dask, DST at
# midnight in the report, YYYYMMDD beside offsets


@_FEW
@given(
    hours=st.integers(-12, 14),
    minutes=st.sampled_from([0, 30, 45]),
    local=st.integers(0, 23),
)
@example(hours=8, minutes=0, local=0)
def test_arrow_fixed_offset_zones_read_aware_as_of(
    hours: int, minutes: int, local: int
) -> None:
    """An Arrow timestamp of zone '+08:00' is read like pandas' same
    column: an aware as_of in its zone, the days of its wall-clock times."""
    pa = pytest.importorskip("pyarrow")
    from custseg.frame import summarize_frame

    sign = "-" if hours < 0 else "+"
    zone = f"{sign}{abs(hours):02d}:{minutes:02d}"
    wall = pd.to_datetime(["2024-03-31 00:00", "2024-03-30 12:00"]) + pd.Timedelta(
        hours=local
    )
    aware = pd.Series(wall).dt.tz_localize(
        dt.timezone(
            (-1 if hours < 0 else 1) * dt.timedelta(hours=abs(hours), minutes=minutes)
        )
    )
    tx = pd.DataFrame({"customer_id": ["a", "b"], "date": aware, "amount": [1.0, 2.0]})
    as_of = pd.Timestamp("2024-04-01 06:00", tz="UTC")
    want = summarize_frame(tx, as_of=as_of, after_as_of="drop")
    table = pa.table(
        {
            "customer_id": ["a", "b"],
            "date": pa.array(aware.dt.tz_convert("UTC").dt.tz_localize(None)).cast(
                pa.timestamp("us", tz=zone)
            ),
            "amount": [1.0, 2.0],
        }
    )
    got = summarize_frame(table, as_of=as_of, after_as_of="drop", output="pandas")
    assert got["recency_days"].tolist() == want["recency_days"].tolist()


@pytest.mark.parametrize(
    ("zone", "day", "year"),
    [
        ("Europe/Berlin", "2040-07-01 00:30", "2040"),
        ("Europe/Berlin", "2024-06-01 12:00", "aware"),
        ("America/New_York", "2050-07-04 23:30", "2050"),
    ],
)
def test_arrow_backed_dask_dates_are_local(zone: str, day: str, year: str) -> None:
    """Arrow-backed Dask timestamps with a zone are counted in their local
    wall-clock days (also past 2037, where Arrow's zone rules end), and an
    aware as_of is read in their zone, as pandas and numpy-backed Dask do."""
    pa = pytest.importorskip("pyarrow")
    dd = pytest.importorskip("dask.dataframe")
    from custseg.frame import summarize_frame

    stamp = pd.Timestamp(day, tz=zone)
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": [stamp, stamp], "amount": [1.0, 2.0]}
    )
    as_of: Any = (stamp + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    if year == "aware":
        as_of = pd.Timestamp("2024-06-10 23:30", tz="UTC")
    want = summarize_frame(tx, as_of=as_of)["recency_days"].tolist()
    arrow = tx.assign(
        date=tx["date"].astype(pd.ArrowDtype(pa.timestamp("us", tz=zone)))
    )
    got = summarize_frame(
        dd.from_pandas(arrow, npartitions=2), as_of=as_of, output="pandas"
    )
    assert got["recency_days"].tolist() == want


@pytest.mark.parametrize(
    ("zone", "days", "as_of"),
    [
        (
            "America/Sao_Paulo",
            ["2018-10-20 10:00", "2018-11-01 10:00", "2018-11-05 10:00"],
            "2018-11-03",
        ),
        (
            "America/Havana",
            ["2024-03-01 10:00", "2024-03-05 10:00", "2024-03-11 10:00"],
            "2024-03-09",
        ),
        (
            "Asia/Beirut",
            ["2024-03-20 10:00", "2024-03-25 10:00", "2024-04-01 10:00"],
            "2024-03-30",
        ),
    ],
)
def test_report_keeps_rows_when_midnight_does_not_exist(
    zone: str, days: list[str], as_of: str
) -> None:
    """The report drops the rows segment drops, also when the day after
    as_of starts in a DST gap (no midnight that day)."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": pd.Series(pd.to_datetime(days)).dt.tz_localize(zone),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        seg = custseg.segment(tx, as_of=as_of, after_as_of="drop", bins=2)
        page = custseg.report(tx, as_of=as_of, after_as_of="drop", bins=2)
    assert seg.n_dropped == 1
    assert "html" in page.html[:200].lower()


@_SETTINGS
@given(
    days=st.lists(
        st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=4
    ),
    offsets=st.lists(
        st.sampled_from(["+08:00", "+09:00", "-05:00", "Z"]),
        min_size=2,
        max_size=3,
        unique=True,
    ),
)
def test_yyyymmdd_beside_several_offsets(
    days: list[dt.date], offsets: list[str]
) -> None:
    """YYYYMMDD text is a date whatever the other rows hold: also beside
    text of several UTC offsets (which pandas refuses together and custseg
    reads one by one)."""
    from custseg._files import parse_date_column

    texts = [f"2024-11-28T10:00{o}" for o in offsets] + [
        d.strftime("%Y%m%d") for d in days
    ]
    got = parse_date_column(pd.Series(texts, dtype=object), "date")
    want = [pd.Timestamp("2024-11-28 10:00")] * len(offsets) + [
        pd.Timestamp(d) for d in days
    ]
    assert list(got) == want
    with pytest.raises(InputError, match="20241345"):
        parse_date_column(pd.Series([*texts, "20241345"], dtype=object), "date")


# --------------------------------------------------------------------------
# engines: float32 as printed, dictionary membership, null booleans,
# duplicate names, DECIMAL money on Dask, the columns named twice


@_FEW
@given(
    values=st.lists(
        st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
        min_size=1,
        max_size=5,
    ),
    cut=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
)
@example(
    values=[Decimal("19.99"), Decimal("19.98"), Decimal("20.00")], cut=Decimal("19.99")
)
def test_float32_fields_read_as_printed_in_the_engines(
    values: list[Decimal], cut: Decimal
) -> None:
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules

    spend = np.array([float(x) for x in values], dtype=np.float32)
    rs = rules.loads(
        'format = 1\n[fields]\nspend = { type = "number" }\n'
        f'[segments.s]\ndefault = "low"\nrules = [{{ label = "high", when = "spend >= {float(cut)!r}" }}]\n'
        f'[tables.t]\nfield = "spend"\nbreaks = [{float(cut)!r}]\nlabels = ["below", "from"]\n'
    )
    want = rs.evaluate({"spend": spend}).to_pandas()
    df = pd.DataFrame({"spend": spend})
    for name, make in _engines().items():
        out = nw.to_native(compile_rules(rs).apply(nw.from_native(make(df))))
        if hasattr(out, "pl"):
            out = out.pl()
        for col in ("s", "t"):
            got = (
                out[col].to_list()
                if not hasattr(out, "column")
                else out.column(col).to_pylist()
            )
            assert got == want[col].tolist(), (name, col)


def test_float32_edges_in_the_engine_are_the_core_edges() -> None:
    pl = pytest.importorskip("polars")
    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import approx_rfm_edges, label_in_engine

    m = np.array([5.1, 19.99, 30.3, 44.4], dtype=np.float32)
    facts = {
        "customer_id": list("abcd"),
        "recency_days": [3.0, 4.0, 5.0, 6.0],
        "frequency": [1, 2, 3, 4],
        "monetary": m,
        "tenure_days": [10.0] * 4,
    }
    edges = approx_rfm_edges(pl.DataFrame(facts), bins=2)
    assert edges.monetary.cuts == custseg.quantile_edges(m, 2).cuts
    fixed = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((5.1, 19.99, 30.3, 500)),
    )
    got = label_in_engine(pl.DataFrame(facts), preset="ecommerce", edges=fixed)["m"]
    core = custseg.rfm_scores(
        pd.Series(facts["recency_days"]),
        pd.Series(facts["frequency"]),
        pd.Series(m),
        edges=fixed,
    ).m
    assert got.to_list() == [int(x) for x in core]


def test_category_membership_on_arrow_dictionary_columns() -> None:
    pa = pytest.importorskip("pyarrow")
    dd = pytest.importorskip("dask.dataframe")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules

    rs = rules.loads(
        'format = 1\n[fields]\nchannel = { type = "category", values = ["store", "online", "app"], missing = true }\n'
        '[segments.s]\ndefault = "other"\n'
        "rules = [{ label = \"known\", when = \"channel in ('store', 'online')\" },"
        ' { label = "not", when = "channel not in (\'app\',)" }]\n'
    )
    df = pd.DataFrame(
        {
            "channel": pd.array(
                ["store", "online", "app", None],
                dtype=pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string())),
            )
        }
    )
    want = rs.evaluate(df).to_pandas()["s"].tolist()
    out = compile_rules(rs).apply(nw.from_native(dd.from_pandas(df, npartitions=2)))
    assert (
        nw.to_native(out).compute()["s"].tolist()
        == want
        == [
            "known",
            "known",
            "other",
            "other",
        ]
    )


def test_null_typed_bool_fields_are_missing_booleans() -> None:
    pa = pytest.importorskip("pyarrow")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules

    rs = rules.loads(
        'format = 1\n[fields]\nspend = { type = "number" }\n'
        'vip = { type = "bool", missing = true }\n'
        '[segments.s]\ndefault = "other"\n'
        'rules = [{ label = "vip_big", when = "vip and spend > 100" },'
        ' { label = "not_vip", when = "not vip" }]\n'
    )
    table = pa.table({"spend": [50.0, 500.0], "vip": pa.nulls(2)})
    got = nw.to_native(compile_rules(rs).apply(nw.from_native(table))).column("s")
    assert got.to_pylist() == ["other", "other"]
    dd = pytest.importorskip("dask.dataframe")
    df = pd.DataFrame(
        {
            "spend": [50.0, 500.0],
            "vip": pd.array([None, None], dtype=pd.ArrowDtype(pa.null())),
        }
    )
    out = compile_rules(rs).apply(nw.from_native(dd.from_pandas(df, npartitions=1)))
    assert nw.to_native(out).compute()["s"].tolist() == ["other", "other"]


@pytest.mark.parametrize("used", [True, False])
def test_duplicate_column_names_in_engine_frames(used: bool) -> None:
    pa = pytest.importorskip("pyarrow")
    from custseg.frame import summarize_frame

    cols = {
        "customer_id": ["a", "b"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
        "amount": [1.0, 2.0],
    }
    twice = "amount" if used else "note"
    table = pa.table(cols)
    table = table.append_column(twice, pa.array([1.0, 2.0]))
    if not used:
        table = table.append_column(twice, pa.array([1.0, 2.0]))
    with pytest.raises(InputError, match=f"'{twice}' names more than one column"):
        summarize_frame(table)
    dd = pytest.importorskip("dask.dataframe")
    df = pd.concat([pd.DataFrame(cols), pd.DataFrame(cols)[["amount"]]], axis=1)
    with pytest.raises(InputError, match="'amount' names more than one column"):
        summarize_frame(dd.from_pandas(df, npartitions=1))


@pytest.mark.parametrize("scale", [0, 2, 4])
def test_decimal_money_on_dask_is_labelled(scale: int) -> None:
    """DECIMAL(38, s) money of few digits near the thresholds cannot round
    onto them: labelled on Dask as on Polars, not refused."""
    pa = pytest.importorskip("pyarrow")
    dd = pytest.importorskip("dask.dataframe")
    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import label_in_engine

    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    money = [
        Decimal("2500").quantize(Decimal(1).scaleb(-scale)),
        Decimal("50").quantize(Decimal(1).scaleb(-scale)),
    ]
    facts = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "recency_days": [3.0, 400.0],
            "frequency": [12, 1],
            "monetary": pd.array(money, dtype=pd.ArrowDtype(pa.decimal128(38, scale))),
            "tenure_days": [700.0, 400.0],
        }
    )
    got = label_in_engine(
        dd.from_pandas(facts, npartitions=1), preset="ecommerce", edges=edges
    )
    want = custseg.rfm_scores(
        [3.0, 400.0], [12, 1], [float(x) for x in money], edges=edges
    )
    assert got.compute()["m"].tolist() == [int(x) for x in want.m]


@given(
    pair=st.sampled_from(
        [("customer", "amount"), ("customer", "date"), ("date", "amount")]
    )
)
@settings(max_examples=6, deadline=None)
def test_one_column_named_twice_in_the_engines(pair: tuple[str, str]) -> None:
    from custseg.frame import summarize_frame

    df = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "date": ["2024-01-01", "2024-02-01", "2024-03-01"],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    names = {"customer": "customer_id", "date": "date", "amount": "amount"}
    a, b = pair
    kwargs = {a: names[b]}
    for make in _engines().values():
        with pytest.raises(InputError, match="is named by both"):
            summarize_frame(make(df), as_of="2025-01-01", **kwargs)


# --------------------------------------------------------------------------
# parameters: lang and explain of evaluate / compile_rules, backend,
# columns, check(text=), --output "", Report.write


@_SETTINGS
@given(
    lang=st.one_of(
        st.sampled_from(["ZH", "xx", "zh-CN", "", "EN"]),
        st.integers(),
        st.just(["zh"]),
        st.just(np.str_("ZH")),
    )
)
def test_rules_lang_must_be_a_language_the_rules_carry(lang: Any) -> None:
    rs = rules.load("ecommerce")
    data = {
        "recency_days": [10.0],
        "frequency": [1],
        "monetary": [5.0],
        "r": [1],
        "f": [1],
        "m": [1],
    }
    with pytest.raises(ThresholdError, match="'lang' must be one of"):
        rs.evaluate(data, lang=lang)
    from custseg.engines import compile_rules

    with pytest.raises(ThresholdError, match="'lang' must be one of"):
        compile_rules(rs, lang=lang)


@pytest.mark.parametrize("explain", ["no", 1, 0, None, "False"])
def test_rules_explain_is_a_flag(explain: Any) -> None:
    rs = rules.load("ecommerce")
    with pytest.raises(ThresholdError, match="'explain'"):
        rs.evaluate({"recency_days": [1.0]}, explain=explain)


@pytest.mark.parametrize("backend", ["Polars", "DUCKDB", 3, "sql", ""])
def test_compile_rules_backend_is_known(backend: Any) -> None:
    from custseg.engines import compile_rules

    with pytest.raises(ThresholdError, match="'backend' must be one of"):
        compile_rules(rules.load("ecommerce"), backend=backend)


@pytest.mark.parametrize("columns", [3, "recency_days", b"x", 2.5])
def test_compile_rules_columns_is_a_list_of_names(columns: Any) -> None:
    from custseg.engines import compile_rules

    with pytest.raises(ThresholdError, match="'columns'"):
        compile_rules(rules.load("ecommerce"), columns=columns)


@pytest.mark.parametrize("flag", [np.True_, np.False_])
def test_check_text_takes_numpy_bools(flag: Any) -> None:
    text = "format = 1\n[params]\nx = [1\n"
    if bool(flag):
        assert [d.code for d in rules.check(text, text=flag)] == ["toml-syntax"]
    else:
        with pytest.raises(RulesError, match="text=False"):
            rules.check(text, text=flag)


@pytest.mark.parametrize("text", [1, 0, 1.0, "yes"])
def test_check_text_refuses_numbers(text: Any) -> None:
    with pytest.raises(RulesError, match="must be True, False or None"):
        rules.check("format = 1\n", text=text)


_SUBCOMMANDS = ["segment", "due", "migrate"]


@pytest.mark.parametrize("command", _SUBCOMMANDS)
@pytest.mark.parametrize("empty", ["", " ", "\t"])
def test_cli_empty_output_is_refused(
    tmp_path: Path, command: str, empty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty --output (an unset $OUT) would write nothing with exit 0:
    refused before any work, as assign and report refuse it."""
    from custseg.cli import main

    tx = tmp_path / "t.csv"
    tx.write_text(
        "customer_id,date,amount\na,2024-01-01,5\nb,2024-02-01,6\n", encoding="utf-8"
    )
    args = {
        "segment": ["segment", str(tx), "--as-of", "2024-03-01", "--bins", "2"],
        "due": ["due", str(tx), "--as-of", "2024-03-01", "--cadence", "30"],
        "migrate": ["migrate", str(tx), str(tx)],
    }[command]
    assert main([*args, "--output", empty]) == 2
    assert "empty file name" in capsys.readouterr().err


def test_demo_output_empty_still_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """custseg demo documents --output "" as 'write nothing' (its default
    writes a file)."""
    from custseg.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--customers", "60", "--output", "", "--report", ""]) == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", [3, None, b"r.html", ["r.html"], ""])
def test_report_write_needs_a_file_name(path: Any) -> None:
    from custseg.reporting import Report

    with pytest.raises(InputError, match="'path'"):
        Report("<!DOCTYPE html>", ("x",), "t").write(path)


# --------------------------------------------------------------------------
# the domain: gone customers get no paid contact from any playbook of a
# preset; lifecycle_stage speaks Chinese as the status docs say


_RFM_PLAYBOOKS = ("rfm11", "rfm_vignette", "rfm8", "ecom4")


@pytest.mark.parametrize("preset", ["base", "ecommerce", "beauty_salon", "furniture"])
@pytest.mark.parametrize("name", _RFM_PLAYBOOKS)
def test_no_rfm_class_keeps_contacting_past_the_deadline(
    preset: str, name: str
) -> None:
    """Every class with a cadence in the RFM playbooks that can hold
    customers past the preset's gone stage stops at its deadline."""
    from custseg.playbook import actions

    rs = rules.preset(preset)
    deadline = rs.win_back_deadline()
    pb = rs.playbook(name)
    seg = rs.segments[name]
    stages = getattr(seg, "stages", None) or {}
    for label in pb.labels:
        a = pb.actions[label]
        if a.cadence_days is None or label == "Unscored":  # (no purchase)
            continue
        allowed = stages.get(label)
        if allowed is not None and "gone" not in allowed:
            continue  # a class meant for active customers only
        assert a.deadline_days == deadline, (preset, name, label)
        plan = actions([label, label], pb, recency_days=[deadline - 1, deadline])
        assert np.isnan(plan.cadence_days[1]) and not np.isnan(plan.cadence_days[0])


def test_demo_gone_customers_get_no_cadence_in_any_playbook() -> None:
    from custseg.datasets import simulate_transactions
    from custseg.playbook import actions

    tx = simulate_transactions(400, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(tx, preset="ecommerce")
    rs = rules.preset("ecommerce")
    c = res.customers
    gone = (c["lifecycle"] == "gone").to_numpy()
    assert gone.any()
    for name in ("lifecycle", "status", *_RFM_PLAYBOOKS):
        plan = actions(c[name], rs.playbook(name), recency_days=c["recency_days"])
        assert np.isnan(plan.cadence_days[gone]).all(), name


@_SETTINGS
@given(
    recency=st.lists(
        st.one_of(st.floats(0, 2000, allow_nan=False), st.just(math.nan)),
        min_size=1,
        max_size=8,
    )
)
def test_lifecycle_stage_in_chinese_is_the_presets_translation(
    recency: list[float],
) -> None:
    en = custseg.lifecycle_stage(recency)
    zh = custseg.lifecycle_stage(recency, lang="zh")
    table = rules.load("base").tables["lifecycle"].translations["zh"]
    assert [table.get(x, x) for x in en.to_numpy().tolist()] == zh.to_numpy().tolist()
    assert (zh.codes == en.codes).all() and zh.ordered
    with pytest.raises(ThresholdError, match="'lang'"):
        custseg.lifecycle_stage(recency, lang="fr")


def test_segment_history_as_of_dates_of_another_kind() -> None:
    """as_of_dates of another kind (Labels: names, not dates) is a custseg
    error naming the parameter, not a bare TypeError."""
    lab = custseg.lifecycle_stage([1, 2])
    with pytest.raises((ThresholdError, InputError), match="'as_of_dates'"):
        custseg.segment_history(
            ["a", "b"], ["2024-01-01", "2024-02-01"], [1.0, 2.0], as_of_dates=lab
        )


# --------------------------------------------------------------------------
# second probe wave (today's diff, round trips, classifiers' input shapes)

_CASES = {
    "unary plus": ("", "+x >= {c}", None),
    "derived constant": ('[derived]\nk = "{h} * 2"\n', "x >= k", None),
    "alias of a param": ('[derived]\nq = "p"\n', "x >= q", None),
    "aggregates given": ("", "x >= max(x)", "agg"),
    "two fields": ("", "x > y", None),
    "param": ("", "x >= p", None),
}


@_FEW
@given(
    cut=st.integers(1, 5000).map(lambda k: k * 2),
    ks=st.lists(st.integers(-2, 2), min_size=2, max_size=4),
    case=st.sampled_from(sorted(_CASES)),
)
@example(cut=1000, ks=[-1, 1], case="unary plus")
def test_engines_decide_exact_sides_as_numpy_does(
    cut: int, ks: list[int], case: str
) -> None:
    """Which comparisons read a decimal's exact side is decided by their
    syntax, alike in NumPy and the engines (a literal or a parameter, not
    a derived constant, `+x` or a given aggregate), and no output depends
    on another output comparing the field."""
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules

    xs = [Decimal(cut) + k * Decimal("1e-17") for k in ks]
    ys = [Decimal(cut) + k * Decimal("1e-17") for k in reversed(ks)]
    extra, cond, agg = _CASES[case]
    head = (
        'format = 1\n[fields]\nx = { type = "number" }\ny = { type = "number" }\n'
        f"[params]\np = {cut}\n"
    )
    body = extra.format(h=cut // 2) + (
        f'[segments.s]\ndefault = "lo"\nrules = [{{ label = "hi", when = "{cond.format(c=cut)}" }}]\n'
    )
    other = f'[segments.o]\ndefault = "a"\nrules = [{{ label = "b", when = "x >= {cut}" }}]\n'
    aggregates = {"max(x)": float(cut)} if agg else None
    data = pd.DataFrame(
        {"x": pd.Series(xs, dtype=object), "y": pd.Series(ys, dtype=object)}
    )
    alone = rules.loads(head + body).evaluate(data, aggregates=aggregates)
    rs = rules.loads(head + body + other)
    numpy = rs.evaluate(data, aggregates=aggregates)["s"].to_numpy().tolist()
    assert numpy == alone["s"].to_numpy().tolist()
    table = pa.table(
        {
            "x": pa.array(xs, pa.decimal128(38, 20)),
            "y": pa.array(ys, pa.decimal128(38, 20)),
        }
    )
    out = compile_rules(rs, aggregates=aggregates).apply(
        nw.from_native(pl.from_arrow(table))
    )
    assert out.to_native()["s"].to_list() == numpy


@pytest.mark.parametrize("k", [1, -1])
@pytest.mark.parametrize("bound", ["min", "max"])
def test_decimal_just_past_a_bound_is_refused_alone(k: int, bound: str) -> None:
    rs = rules.loads(
        f'format = 1\n[fields]\nx = {{ type = "number", {bound} = 1000 }}\n'
        '[segments.s]\ndefault = "a"\nrules = [{ label = "b", when = "x * 2 > 0" }]\n'
    )
    past = Decimal(1000) + (k if bound == "max" else -k) * Decimal("1e-17")
    if k == 1:
        with pytest.raises(InputError, match="declared"):
            rs.evaluate({"x": [past]})
    else:
        assert rs.evaluate({"x": [past]})["s"].to_numpy().tolist() == ["b"]


@pytest.mark.parametrize("text", ["31/12/2024", "3/1/2024", "31.01.2024", "1-2-2024"])
def test_day_first_dates_are_not_called_short_years(text: str) -> None:
    with pytest.raises(InputError) as info:
        custseg.summarize(
            ["a", "b"], [text, "2024-01-01"], [1.0, 2.0], as_of="2025-01-01"
        )
    assert "fewer than 4 digits" not in str(info.value)


@pytest.mark.parametrize("engine", ["duckdb", "pyarrow", "dask"])
def test_duplicate_columns_refused_by_every_entry_point(engine: str) -> None:
    pytest.importorskip("pyarrow")
    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import approx_rfm_edges, label_in_engine

    cols = ["customer_id", "recency_days", "frequency", "monetary", "monetary"]
    rows = [["a", 3.0, 2, 50.0, 10.0], ["b", 4.0, 1, 20.0, 5.0]]
    df = pd.DataFrame(rows, columns=cols)
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        native: Any = duckdb.sql(
            "select 'a' as customer_id, 3.0 as recency_days, 2 as frequency, "
            "50.0 as monetary, 10.0 as monetary"
        )
    elif engine == "pyarrow":
        import pyarrow as pa

        native = pa.Table.from_arrays(
            [pa.array(df.iloc[:, i].tolist()) for i in range(5)], names=cols
        )
    else:
        dd = pytest.importorskip("dask.dataframe")
        native = dd.from_pandas(df, npartitions=1)
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    with pytest.raises(InputError, match="'monetary' names more than one column"):
        label_in_engine(native, edges=edges)
    with pytest.raises(InputError, match="'monetary' names more than one column"):
        approx_rfm_edges(native, bins=2)


def test_label_in_engine_lang_needs_rules() -> None:
    pl = pytest.importorskip("polars")
    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import label_in_engine

    facts = pl.DataFrame(
        {
            "customer_id": ["a"],
            "recency_days": [3.0],
            "frequency": [2],
            "monetary": [50.0],
        }
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    for lang in ("zh", "klingon"):
        with pytest.raises(ThresholdError, match="needs rules"):
            label_in_engine(facts, edges=edges, lang=lang)


@pytest.mark.parametrize(("a", "b"), [(0.6, None), (None, 0.1)])
def test_abc_cutoffs_rank_default_named_in_the_message(a: Any, b: Any) -> None:
    kwargs = {k: x for k, x in (("a", a), ("b", b)) if x is not None}
    with pytest.raises(ThresholdError, match=r"default of basis='rank'.*give both"):
        custseg.AbcCutoffs(basis="rank", **kwargs)
    assert custseg.AbcCutoffs(a=0.6, b=0.9, basis="rank").b == 0.9


def test_assign_empty_output_fix_does_not_say_leave_it_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    (tmp_path / "c.csv").write_text("customer_id,monetary\na,5\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text("staff\namy\n", encoding="utf-8")
    code = main(
        ["assign", str(tmp_path / "c.csv"), str(tmp_path / "s.csv"), "--output", ""]
    )
    err = capsys.readouterr().err
    assert code == 2 and "empty file name" in err and "leave --output out" not in err


@_SETTINGS
@given(
    day=st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
    time=st.sampled_from(["", " 10:00", "T23:59:59", " 07:30:15.5"]),
)
def test_digit_days_with_times_beside_offsets(day: dt.date, time: str) -> None:
    from custseg._files import parse_date_column

    texts = [
        "2024-11-28T10:00+08:00",
        "2024-11-28T10:00+09:00",
        day.strftime("%Y%m%d") + time,
    ]
    got = parse_date_column(pd.Series(texts, dtype=object), "date")
    alone = parse_date_column(pd.Series([texts[2]], dtype=object), "date")
    assert got.iloc[2] == alone.iloc[0]
    with pytest.raises(InputError, match="'2024112'"):
        parse_date_column(pd.Series([*texts, "2024112"], dtype=object), "date")


_COUNTS = ["customer_contacts", "suggestions", "new_products", "joint_projects"]


@_SETTINGS
@given(
    field=st.sampled_from(_COUNTS),
    frac=st.floats(0.01, 0.99),
    whole=st.integers(0, 5),
    row=st.integers(0, 2),
)
def test_relationship_counts_are_whole_numbers(
    field: str, frac: float, whole: int, row: int
) -> None:
    facts: dict[str, Any] = {
        "first_sale": ["2024-01-01"] * 3,
        "customer_contacts": [0, 1, 0],
        "days_to_follow_up": [np.nan, 3.5, np.nan],  # day spans may be fractional
        "suggestions": [0, 0, 1],
        "new_products": [0, 0, 1],
        "joint_projects": [0, 0, 0],
        "joint_span_days": [np.nan, np.nan, 10.5],
    }
    custseg.relationship_type(facts)  # whole counts, fractional spans: fine
    values = list(facts[field])
    values[row] = whole + frac
    with pytest.raises(InputError, match=f"'{field}' has non-integer values"):
        custseg.relationship_type({**facts, field: values})


def test_value_tier_reads_polars_numbers() -> None:
    pl = pytest.importorskip("polars")
    t = custseg.ValueTierThresholds(assets_medium=1000, assets_large=10000)
    intent = ["strong", "some", "some"]
    want = custseg.value_tier([20000.0, 5000.0, 1.0], intent, thresholds=t)
    got = custseg.value_tier(
        pl.Series([20000.0, 5000.0, 1.0]), pl.Series(intent), thresholds=t
    )
    assert got.to_numpy().tolist() == want.to_numpy().tolist()


def test_misaligned_labels_fix_is_to_pandas() -> None:
    sat = pd.Series(["very_satisfied", "neutral"], index=["a", "b"])
    rep = custseg.repurchase_from_behaviour(
        pd.Series([3, 1], index=["b", "a"]), pd.Series([10.0, 400.0], index=["b", "a"])
    )
    with pytest.raises(InputError, match=r"repurchase\.to_pandas\(\)\.reindex"):
        custseg.loyalty_level(sat, rep, None)


def test_migrate_csv_outputs_compares_no_money(tmp_path: Path) -> None:
    """Two CSV outputs of segment: monetary (written in cents, 20.00) is a
    fact, never a label column to compare."""
    from custseg.cli import main

    tx = tmp_path / "tx.csv"
    tx.write_text(
        "customer_id,date,amount\na,2024-01-05,10.50\nb,2024-02-01,20\na,2024-03-01,5\n",
        encoding="utf-8",
    )
    before, after, out = (tmp_path / n for n in ("b.csv", "a.csv", "m.csv"))
    base = ["--bins", "2", "--after-as-of", "drop"]
    assert (
        main(
            [
                "segment",
                str(tx),
                "--as-of",
                "2024-02-15",
                *base,
                "--output",
                str(before),
            ]
        )
        == 0
    )
    assert (
        main(
            ["segment", str(tx), "--as-of", "2024-03-31", *base, "--output", str(after)]
        )
        == 0
    )
    assert main(["migrate", str(before), str(after), "--output", str(out)]) == 0
    written = pd.read_csv(out)
    assert "monetary" not in set(written.iloc[:, 0].astype(str))
    assert not any("monetary" in str(c) for c in written.columns)


def test_float_ids_past_int64_meet_across_csv_and_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from custseg._cli_migrate import _id_text
    from custseg._files import _shortest_text

    ids = np.array([1e20, 17.0, 2.0**63, 0.5])
    assert list(_id_text(pd.Index(ids))) == list(_shortest_text(ids))


def test_flat_frames_without_customer_id_are_not_paired_by_position() -> None:
    a = pd.DataFrame(
        {"会员": ["x", "y", "z"], "lifecycle": ["active", "silent", "lost"]}
    )
    b = pd.DataFrame(
        {"会员": ["w", "x", "y"], "lifecycle": ["active", "active", "lost"]}
    )
    with pytest.raises(InputError, match="paired with the other period's by position"):
        custseg.transition_matrix(a, b, column="lifecycle")
    got = custseg.transition_matrix(
        a.set_index("会员"), b.set_index("会员"), column="lifecycle"
    )
    assert got.n == 4


@_FEW
@given(
    values=st.lists(
        st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False),
        min_size=1,
        max_size=4,
    )
)
@example(values=[Decimal("19.99"), Decimal("33.33")])
def test_dask_arrow_float32_read_as_printed(values: list[Decimal]) -> None:
    """float32[pyarrow] on Dask: amounts and rule fields as the decimals
    they print as, as pandas and numpy float32 on Dask read them."""
    pytest.importorskip("pyarrow")
    dd = pytest.importorskip("dask.dataframe")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules
    from custseg.frame import summarize_frame

    x = pd.Series(np.array([float(v) for v in values], np.float32)).astype(
        "float32[pyarrow]"
    )
    cut = float(values[0])
    rs = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n'
        f'[segments.s]\ndefault = "lo"\nrules = [{{ label = "hi", when = "x >= {cut!r}" }}]\n'
    )
    pdf = pd.DataFrame({"x": x})
    want = rs.evaluate(pdf)["s"].to_numpy().tolist()
    out = compile_rules(rs).apply(nw.from_native(dd.from_pandas(pdf, npartitions=1)))
    assert nw.to_native(out).compute()["s"].tolist() == want
    tx = pd.DataFrame(
        {
            "customer_id": list(range(len(x))),
            "date": ["2024-01-01"] * len(x),
            "amount": x,
        }
    )
    money = summarize_frame(tx, as_of="2024-02-01")["monetary"].tolist()
    got = summarize_frame(
        dd.from_pandas(tx, npartitions=1), as_of="2024-02-01", output="pandas"
    )
    assert got["monetary"].tolist() == money
