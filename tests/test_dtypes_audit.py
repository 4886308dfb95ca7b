"""Audit 3, input dtypes: narrow floats, aware reference days in another
zone, decimal numbers read as numbers, decimals float64 does not hold, and
all-missing numeric assets.

Each class of input is tested against the form the library already reads
right (float64 amounts, a reference day in the data's own zone, float
answers), over many values.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zoneinfo
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg as c
from custseg import _validate as v
from custseg.errors import InputError


def _pa():
    """pyarrow, or skip: the [test] extra alone does not install it."""
    return pytest.importorskip("pyarrow")


# --------------------------------------------------------------------------
# 1. float32 / float16 values are read as the decimals they print as
# --------------------------------------------------------------------------

#: Cents float32 tells apart (its ulp stays below a cent up to 2**17).
_CENTS = st.integers(min_value=-(2**17) * 100 + 1, max_value=2**17 * 100 - 1)


def _as_printed(x: np.ndarray) -> np.ndarray:
    """The float64 of each narrow value's shortest repr (NumPy's printing)."""
    return np.array(
        [float(np.format_float_positional(e, unique=True)) for e in x],
        dtype=np.float64,
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(width=32, allow_nan=False, allow_infinity=False).filter(
            lambda f: f == 0 or 1e-15 < abs(f) < 1e20
        ),
        min_size=1,
        max_size=40,
    )
)
def test_float32_values_read_as_their_shortest_repr(values: list[float]) -> None:
    x = np.array(values, dtype=np.float32)
    got = v.as_numeric(x, "amount")
    assert got.dtype == np.float64
    assert got.tolist() == _as_printed(x).tolist()
    assert (got.astype(np.float32) == x).all()  # the same float32 values
    wide = x.astype(np.float64)  # float64 input: unchanged, bit for bit
    assert v.as_numeric(wide, "amount").tobytes() == wide.tobytes()


def test_every_float16_value_reads_as_its_shortest_repr() -> None:
    x = np.arange(2**16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    finite = x[np.isfinite(x)]
    got = v.as_numeric(finite, "amount")
    assert got.tolist() == _as_printed(finite).tolist()
    special = v.as_numeric(
        np.array([np.nan, np.inf, -np.inf, -0.0], dtype=np.float16),
        "amount",
        nan="allow",
        allow_inf=True,
    )
    assert np.isnan(special[0]) and special[1:3].tolist() == [np.inf, -np.inf]
    assert np.signbit(special[3])


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.astype(np.float32),
        lambda a: pd.Series(a, dtype="Float32"),
        lambda a: pd.Series(a).astype(pd.ArrowDtype(_pa().float32())),
        lambda a: pd.Series(a).astype(pd.ArrowDtype(_pa().float16())),
    ],
    ids=["float32", "Float32", "float[pyarrow]", "halffloat[pyarrow]"],
)
def test_narrow_float_containers_read_as_decimals(make: object) -> None:
    amounts = np.array([0.1, 0.2, 0.3, 1.25, 7.5, 19.98])  # float16 holds 19.98
    got = v.as_numeric(make(amounts), "amount")  # type: ignore[operator]
    assert got.tolist() == amounts.tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 7), _CENTS.filter(lambda k: k > 0)),
        min_size=2,
        max_size=30,
    )
)
def test_float32_cents_give_the_float64_answers(rows: list[tuple[int, int]]) -> None:
    ids = [f"c{i}" for i, _ in rows]
    dates = pd.date_range("2024-01-01", periods=len(rows), freq="D")
    cents = np.array([k for _, k in rows], dtype=np.int64)
    as_of = "2024-03-01"
    wide = c.summarize(ids, dates, cents / 100, as_of=as_of)
    narrow = c.summarize(ids, dates, (cents / 100).astype(np.float32), as_of=as_of)
    assert narrow.monetary.tolist() == wide.monetary.tolist()
    m32 = narrow.monetary
    m64 = wide.monetary
    assert (
        c.abc_classes(m32, cutoffs=(0.5, 0.8)).to_numpy().tolist()
        == c.abc_classes(m64, cutoffs=(0.5, 0.8)).to_numpy().tolist()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", c.CustsegWarning)  # few customers: both
        s32 = c.rfm_scores(narrow.recency_days, narrow.frequency, m32, bins=3)
        s64 = c.rfm_scores(wide.recency_days, wide.frequency, m64, bins=3)
    assert s32.to_pandas().equals(s64.to_pandas())
    # the same through segment, with a float32 column of the frame
    df = pd.DataFrame({"customer_id": ids, "date": dates, "amount": cents / 100})
    df32 = df.assign(amount=df["amount"].astype(np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", c.CustsegWarning)  # few customers: both
        a = c.segment(df, as_of=as_of).customers
        b = c.segment(df32, as_of=as_of).customers
    pd.testing.assert_frame_equal(a, b)


def test_float32_equal_spends_get_equal_scores() -> None:
    """The audit's example: 0.1f + 0.2f and 0.3f are one spend."""
    ids = ["A", "A", "B", "C", "D"]
    dates = pd.to_datetime(["2024-01-01"] * 5)
    amounts = np.array([0.1, 0.2, 0.3, 0.1, 0.5], dtype=np.float32)
    m = c.summarize(ids, dates, amounts, as_of="2024-02-01").monetary
    assert m.tolist() == [0.3, 0.3, 0.1, 0.5]
    assert c.abc_classes(m, cutoffs=(0.5, 0.8)).to_numpy().tolist() == [
        "A",
        "A",
        "C",
        "A",
    ]


# --------------------------------------------------------------------------
# 2. an aware reference day is read in the zone of aware dates
# --------------------------------------------------------------------------

ZONES = [
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
    "Europe/London",
]


def _dates_as(kind: str, stamps: pd.Series) -> object:
    """The aware dates *stamps* in one of the forms callers receive."""
    if kind == "series":
        return stamps
    if kind == "index":
        return pd.DatetimeIndex(stamps)
    if kind == "arrow":
        tz = str(stamps.dt.tz)
        return stamps.astype(pd.ArrowDtype(_pa().timestamp("us", tz=tz)))
    if kind == "categorical":
        return pd.Series(pd.Categorical(stamps))
    if kind == "list":
        return [t.to_pydatetime() for t in stamps]
    raise AssertionError(kind)


def _scalar_as(kind: str, instant: pd.Timestamp) -> object:
    """The aware instant *instant* as a Timestamp, a datetime or text."""
    if kind == "timestamp":
        return instant
    if kind == "datetime":
        return instant.to_pydatetime()
    if kind == "text":
        return instant.isoformat()
    raise AssertionError(kind)


_NEAR_MIDNIGHT = st.tuples(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2037, 12, 31)),
    st.integers(min_value=-36 * 60, max_value=36 * 60),  # minutes from midnight
)


@settings(max_examples=300, deadline=None)
@given(
    data_zone=st.sampled_from(ZONES),
    scalar_zone=st.sampled_from(ZONES),
    when=_NEAR_MIDNIGHT,
    dates_kind=st.sampled_from(["series", "index", "arrow", "categorical", "list"]),
    scalar_kind=st.sampled_from(["timestamp", "datetime", "text"]),
)
def test_aware_reference_day_is_the_day_in_the_data_zone(
    data_zone: str,
    scalar_zone: str,
    when: tuple[dt.date, int],
    dates_kind: str,
    scalar_kind: str,
) -> None:
    day, minutes = when
    zone = zoneinfo.ZoneInfo(data_zone)
    midnight = pd.Timestamp(day).tz_localize(
        zone, ambiguous=True, nonexistent="shift_forward"
    )
    instant = (midnight + pd.Timedelta(minutes=minutes)).tz_convert(scalar_zone)
    dates = _dates_as(
        dates_kind, pd.Series([midnight, midnight + pd.Timedelta(hours=1)])
    )
    got = v.as_datetime_scalar(_scalar_as(scalar_kind, instant), "as_of", like=dates)
    expected = instant.tz_convert(zone).tz_localize(None)
    assert got == expected.to_datetime64().astype("datetime64[us]")
    # naive dates: the scalar keeps its own wall time
    naive = pd.Series([midnight.tz_localize(None)])
    own = v.as_datetime_scalar(_scalar_as(scalar_kind, instant), "as_of", like=naive)
    assert own == instant.tz_localize(None).to_datetime64().astype("datetime64[us]")


def test_zone_of_reads_one_zone_only() -> None:
    plus8 = dt.timezone(dt.timedelta(hours=8))
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    # offsets written value by value name no zone (audit 13 Y1: +01:00 and
    # +02:00 are one Berlin log; one offset alone must not count as a zone
    # either, or the day of an aware as_of would depend on the other rows)
    assert v.zone_of(["2024-01-01T10:00+08:00", None, "2024-01-02T10:00+08:00"]) is None
    assert v.zone_of(np.array(["2024-01-01T10:00+08:00"])) is None
    assert v.zone_of([dt.datetime(2024, 1, 1, tzinfo=plus8)]) is None
    assert v.zone_of([dt.datetime(2024, 1, 1, tzinfo=shanghai)] * 2) is shanghai
    assert v.zone_of(pd.Series([pd.Timestamp("2024-01-01", tz=plus8)])) == plus8
    assert v.zone_of(["2024-01-01T10:00+08:00", "2024-01-01T10:00+09:00"]) is None
    assert v.zone_of(["2024-01-01T10:00+08:00", "2024-01-01"]) is None
    assert v.zone_of(np.array(["2024-01-01"], dtype="M8[D]")) is None
    assert v.zone_of(shanghai) is shanghai
    s = pd.Series(pd.to_datetime(["2024-01-01"])).dt.tz_localize("Asia/Shanghai")
    assert str(v.zone_of(s)) == "Asia/Shanghai"
    arrow = s.astype(pd.ArrowDtype(_pa().timestamp("us", tz="+05:30")))
    assert v.zone_of(arrow) == dt.timezone(dt.timedelta(hours=5, minutes=30))


# End to end: every reference-day argument compared with aware dates (each
# caller passes its date column as ``like=``).

_PAID = pd.Series([pd.Timestamp("2024-04-02 03:00", tz="Asia/Shanghai")])
_EARLIER = pd.Series([_PAID[0], pd.Timestamp("2024-03-01", tz="Asia/Shanghai")])
_FRAME = pd.DataFrame({"customer_id": ["ann"], "date": _PAID, "amount": [10.0]})
_WEEK = pd.Timedelta(days=7)

_END_TO_END = {
    "summarize": lambda now: (
        c.summarize(["ann"], _PAID, [10.0], as_of=now).recency_days
    ),
    "summarize-drop": lambda now: (
        c.summarize(
            ["ann", "bob"], _EARLIER, [10.0, 5.0], as_of=now, after_as_of="drop"
        ).customer_id
    ),
    "segment": lambda now: c.segment(_FRAME, as_of=now).customers["recency_days"],
    "btyd_summary": lambda now: c.btyd_summary(
        ["ann"], _PAID, [10.0], observation_end=now
    ).to_pandas(),
    "btyd_calibration_holdout": lambda now: c.btyd_calibration_holdout(
        ["ann"], _PAID, [10.0], calibration_end=now, observation_end=now + _WEEK
    ).to_pandas(),
    "neglected": lambda now: c.neglected(
        [100.0], _PAID, as_of=now, window_days=1, min_value=0
    ).to_numpy(),
    "contact_summary": lambda now: c.contact_summary(
        ["ann"], _PAID, ["company"], ["sale"], as_of=now
    ).to_pandas(),
    "due_contacts": lambda now: c.due_contacts(_PAID, [30], as_of=now).to_pandas(),
    "life_stage_tags": lambda now: c.life_stage_tags(
        as_of=now, baby_birthday=_PAID
    ).to_pandas(),
    "segment_history": lambda now: (
        c.segment_history(["ann"], _PAID, [10.0], [now]).as_of
    ),
}


@pytest.mark.parametrize("name", list(_END_TO_END))
def test_aware_reference_day_in_another_zone_end_to_end(name: str) -> None:
    """A reference day one hour after a purchase in Shanghai, written in
    UTC (still 1 April there), gives what the same instant written in
    Shanghai time (2 April) gives; neither refuses nor drops the purchase."""
    call = _END_TO_END[name]
    now = pd.Timestamp("2024-04-01 20:00", tz="UTC")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", c.CustsegWarning)  # one customer
        expected = call(now.tz_convert("Asia/Shanghai"))
        assert repr(call(now)) == repr(expected)


# --------------------------------------------------------------------------
# 3. decimal numbers (and Categoricals of numbers) are numbers
# --------------------------------------------------------------------------


def _decimals(kind: str, values: list[Decimal | None]) -> object:
    if kind == "list":
        return values
    if kind == "object":
        return pd.Series(values, dtype=object)
    if kind == "decimal128":
        return pd.Series(values, dtype=object).astype(
            pd.ArrowDtype(_pa().decimal128(12, 2))
        )
    raise AssertionError(kind)


_KINDS = st.sampled_from(["list", "object", "decimal128"])


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(1, 5)),
            st.one_of(st.none(), st.integers(0, 100)),
            st.one_of(st.none(), st.integers(0, 10)),
        ),
        min_size=1,
        max_size=20,
    ),
    kind=_KINDS,
)
def test_decimal_survey_answers_read_as_numbers(
    rows: list[tuple[int | None, int | None, int | None]], kind: str
) -> None:
    sat = [r[0] for r in rows]
    rep = [None if r[1] is None else r[1] / 100 for r in rows]
    ref = [r[2] for r in rows]

    def dec(xs: list[float | int | None], places: int = 0) -> object:
        return _decimals(
            kind,
            [None if x is None else Decimal(f"{x:.{places}f}") for x in xs],
        )

    floats = (
        pd.Series(sat, dtype="Float64"),
        pd.Series(rep, dtype="Float64"),
        pd.Series(ref, dtype="Float64"),
    )
    decimals = (dec(sat), dec(rep, 2), dec(ref))
    expected = c.loyalty_level(*floats).to_numpy().tolist()
    assert c.loyalty_level(*decimals).to_numpy().tolist() == expected
    assert (
        c.repurchase_band(decimals[1]).to_numpy().tolist()
        == c.repurchase_band(floats[1]).to_numpy().tolist()
    )
    assert (
        c.dick_basu(satisfaction=decimals[0], repurchase=decimals[1])
        .to_numpy()
        .tolist()
        == c.dick_basu(satisfaction=floats[0], repurchase=floats[1]).to_numpy().tolist()
    )


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 100_000)),
            st.one_of(st.none(), st.integers(0, 100)),
            st.integers(0, 1000),
        ),
        min_size=1,
        max_size=20,
    ),
    kind=st.sampled_from(["list", "object", "decimal128", "categorical"]),
)
def test_decimal_and_categorical_numbers_in_value_tiers(
    rows: list[tuple[int | None, int | None, int]], kind: str
) -> None:
    assets = [None if a is None else a / 100 for a, _, _ in rows]
    intent = [None if i is None else i / 100 for _, i, _ in rows]
    revenue = [float(r) for _, _, r in rows]

    def form(xs: list[float | None]) -> object:
        if kind == "categorical":
            return pd.Series(pd.Categorical(xs))
        return _decimals(kind, [None if x is None else Decimal(f"{x:.2f}") for x in xs])

    t = c.ValueTierThresholds(assets_medium=10, assets_large=500)
    fa, fi = pd.Series(assets, dtype="Float64"), pd.Series(intent, dtype="Float64")
    assert (
        c.value_tier(form(assets), form(intent), thresholds=t).to_numpy().tolist()
        == c.value_tier(fa, fi, thresholds=t).to_numpy().tolist()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no tier A possible: said for both
        if sum(revenue) > 0 and any(a is not None for a in assets):
            assert c.fit_value_tiers(form(assets), form(intent), revenue) == (
                c.fit_value_tiers(fa, fi, revenue)
            )


def test_decimal_codes_that_are_no_answer_are_still_refused() -> None:
    with pytest.raises(InputError, match="unknown answer"):
        c.loyalty_level([Decimal("4.5")], [0.5], [5])
    with pytest.raises(InputError, match="outside"):
        c.repurchase_band([Decimal("1.5")])


# --------------------------------------------------------------------------
# 4. decimals float64 does not hold are refused, as such integers are
# --------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    coefficient=st.one_of(
        st.integers(min_value=0, max_value=2**53),
        st.integers(min_value=2**53 - 10**4, max_value=2**53 + 10**4),
        st.integers(min_value=2**53 + 1, max_value=2**62),
    ),
    places=st.integers(min_value=0, max_value=6),
    zeros=st.integers(min_value=0, max_value=6),
    negative=st.booleans(),
    kind=st.sampled_from(["object", "decimal128"]),
)
def test_decimal_amounts_beyond_2_53_in_their_last_place_are_refused(
    coefficient: int, places: int, zeros: int, negative: bool, kind: str
) -> None:
    # the amount coefficient * 10**-places, written with *zeros* trailing zeros
    value = Decimal(coefficient * 10**zeros).scaleb(-(places + zeros))
    value = -value if negative else value
    stripped = coefficient
    while stripped and stripped % 10 == 0 and places:
        stripped //= 10
        places -= 1
    if kind == "decimal128":
        amounts: object = pd.Series([value, Decimal(1)]).astype(
            pd.ArrowDtype(_pa().decimal128(38, 12))
        )
    else:
        amounts = [value, Decimal(1)]
    ids, dates = ["a", "b"], ["2024-01-01", "2024-01-02"]
    if stripped > 2**53:
        with pytest.raises(InputError, match=r"beyond 2\*\*53.*first at row 0"):
            c.summarize(ids, dates, amounts, as_of="2024-02-01")
    else:
        f = c.summarize(ids, dates, amounts, as_of="2024-02-01")
        assert f.monetary.tolist()[0] == float(value)


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("9007199254740993"),
        Decimal("90071992547409.93"),
        Decimal("9.007199254740993"),
        Decimal("1E+17"),
    ],
)
def test_the_audits_decimals_are_refused_like_integers(amount: Decimal) -> None:
    with pytest.raises(
        InputError, match=r"'amount' has decimal numbers beyond 2\*\*53"
    ):
        c.summarize(["a", "b"], ["2024-01-01"] * 2, [amount, Decimal(1)])
    big = v.decimal_inexact(amount)
    assert big


# --------------------------------------------------------------------------
# 5. all-missing numeric assets are missing data (tier D)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assets",
    [
        pd.read_csv(io.StringIO("id,assets\n1,\n2,\n3,"))["assets"],
        np.full(3, np.nan),
        np.full(3, np.nan, dtype=np.float32),
        pd.Series([pd.NA] * 3, dtype="Float64"),
        pd.Series([pd.NA] * 3, dtype="Int64"),
        [float("nan")] * 3,
    ],
    ids=["csv", "float64", "float32", "Float64", "Int64", "list"],
)
def test_all_missing_numeric_assets_give_tier_d(assets: object) -> None:
    intent = ["strong", "some", "unclear"]
    got = c.value_tier(assets, pd.Series(intent, dtype=object)).to_numpy().tolist()
    assert got == ["D", "D", "D"]
    assert (
        got
        == c.value_tier([None] * 3, pd.Series(intent, dtype=object)).to_numpy().tolist()
    )


@pytest.mark.parametrize("kind", ["list", "object", "decimal128"])
def test_decimal_tag_values_are_numbers(kind: str) -> None:
    values = [Decimal("1.00"), Decimal("2.50"), None, Decimal("1")]
    floats = c.tags_from_values([1.0, 2.5, None, 1.0]).to_pandas()
    got = c.tags_from_values(_decimals(kind, values)).to_pandas()
    pd.testing.assert_frame_equal(got, floats)
    mapped = c.tags_from_values(_decimals(kind, values), {1: "one", 2.5: "two"})
    assert mapped.to_pandas().columns.tolist() == ["one", "two"]
