"""``segment_history(order_id=)``: order lines tracked over dates, equal at
each date to ``summarize(as_of=d, after_as_of="drop", order_id=)``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
import custseg.migration as migration
from custseg import InputError, segment_history, summarize
from custseg.summary import FACT_COLUMNS
from test_orders import DAY0, EDGES, order_lines

FACTS = ("customer_id", *FACT_COLUMNS)


@st.composite
def dates(draw: st.DrawFn) -> list[np.datetime64]:
    """One to four dates in and around the lines' 60 days."""
    days = draw(st.lists(st.integers(-3, 63), min_size=1, max_size=4, unique=True))
    return [DAY0.astype("datetime64[D]") + np.timedelta64(d, "D") for d in sorted(days)]


def one_date_per_order(lines: pd.DataFrame) -> pd.DataFrame:
    """Every line of an order on its first line's date (no order straddles a
    date): the orders are then collapsed once and carried."""
    first = lines.groupby(["customer_id", "order_id"], sort=False).date.transform(
        "first"
    )
    return lines.assign(date=first)


@contextlib.contextmanager
def carried_only() -> Iterator[None]:
    """segment_history within: no date may be summarised on its own."""
    real = migration._summarize

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("summarised date by date")

    migration._summarize = refused  # type: ignore[assignment]
    try:
        yield
    finally:
        migration._summarize = real


def history_of(
    lines: pd.DataFrame,
    cuts: list[np.datetime64],
    zero: str = "purchase",
    *,
    by_order: bool = True,
) -> custseg.migration.SegmentHistory:
    """segment_history of a frame of lines, on EDGES, counting orders (or,
    without *by_order*, every line a transaction)."""
    return segment_history(
        lines.customer_id,
        lines.date,
        lines.amount,
        cuts,
        edges=EDGES,
        zero_amount=zero,
        order_id=lines.order_id if by_order else None,
    )


def assert_equals_summaries(
    h: custseg.migration.SegmentHistory,
    lines: pd.DataFrame,
    cuts: list[np.datetime64],
    zero: str,
    *,
    by_order: bool = True,
) -> None:
    for k, d in enumerate(cuts):
        ref = summarize(
            lines.customer_id,
            lines.date,
            lines.amount,
            as_of=d,
            after_as_of="drop",
            zero_amount=zero,
            order_id=lines.order_id if by_order else None,
        )
        got = h.facts[k]
        assert (got.as_of, got.n_rows, got.n_dropped) == (
            ref.as_of,
            ref.n_rows,
            ref.n_dropped,
        )
        for col in FACTS:  # cents: the sums are exact, so equal
            np.testing.assert_array_equal(getattr(got, col), getattr(ref, col), col)
        np.testing.assert_array_equal(
            h.scores[k].code, ref.rfm_scores(edges=EDGES).code
        )


@settings(max_examples=120, deadline=None)
@given(order_lines(), dates(), st.sampled_from(["purchase", "ignore"]), st.booleans())
def test_each_date_equals_summarize_of_the_lines(
    lines: pd.DataFrame, cuts: list[np.datetime64], zero: str, together: bool
) -> None:
    """With orders on one date (carried) or with lines spread over days (an
    order straddling a date is then part-seen at the earlier one)."""
    if together:
        lines = one_date_per_order(lines)
    h = history_of(lines, cuts, zero)
    assert h.as_of == tuple(np.datetime64(d, "D") for d in cuts)
    assert_equals_summaries(h, lines, cuts, zero)


@settings(max_examples=60, deadline=None)
@given(order_lines(), dates())
def test_orders_on_one_date_are_carried(
    lines: pd.DataFrame, cuts: list[np.datetime64]
) -> None:
    """No date summarised on its own when no order straddles one (the
    one-pass path), and still the summaries' facts."""
    lines = one_date_per_order(lines)
    with carried_only():
        h = history_of(lines, cuts)
    assert_equals_summaries(h, lines, cuts, "purchase")


@settings(max_examples=60, deadline=None)
@given(order_lines(), dates(), st.integers(0, 2**32 - 1))
def test_row_order_does_not_matter(
    lines: pd.DataFrame, cuts: list[np.datetime64], seed: int
) -> None:
    one = history_of(lines, cuts)
    shuffled = lines.sample(frac=1, random_state=seed % 2**31)
    two = segment_history(
        shuffled.customer_id.to_numpy(),
        shuffled.date.to_numpy(),
        shuffled.amount.to_numpy(),
        cuts,
        edges=EDGES,
        order_id=shuffled.order_id.to_numpy(),
    )
    pd.testing.assert_frame_equal(one.to_pandas(), two.to_pandas())


@settings(max_examples=60, deadline=None)
@given(order_lines(), dates())
def test_an_order_per_line_is_the_history_of_the_lines(
    lines: pd.DataFrame, cuts: list[np.datetime64]
) -> None:
    """Order ids all distinct: every line is an order, as without order_id."""
    plain = segment_history(
        lines.customer_id, lines.date, lines.amount, cuts, edges=EDGES
    )
    each = segment_history(
        lines.customer_id,
        lines.date,
        lines.amount,
        cuts,
        edges=EDGES,
        order_id=np.arange(len(lines)),
    )
    pd.testing.assert_frame_equal(each.to_pandas(), plain.to_pandas())


def test_worked_example() -> None:
    """Ann's basket of three lines is one purchase; her return invoice of the
    next month is a refund: frequency stays 1, monetary drops."""
    h = segment_history(
        ["ann", "ann", "ann", "bob", "ann", "bob"],
        ["2024-01-03"] * 3 + ["2024-01-20", "2024-02-04", "2024-02-10"],
        [15.30, 20.34, 22.00, 11.10, -15.30, 30.00],
        ["2024-01-31", "2024-02-29"],
        bins=2,
        order_id=["536365"] * 3 + ["536366", "C536367", "536368"],
    )
    got = h.to_pandas()
    assert got.frequency.tolist() == [1, 1, 1, 2]
    assert got.monetary.tolist() == [57.64, 11.10, 42.34, 41.10]
    assert [(f.n_rows, f.n_dropped) for f in h.facts] == [(2, 2), (4, 0)]
    lines = segment_history(
        ["ann", "ann", "ann", "bob", "ann", "bob"],
        ["2024-01-03"] * 3 + ["2024-01-20", "2024-02-04", "2024-02-10"],
        [15.30, 20.34, 22.00, 11.10, -15.30, 30.00],
        ["2024-01-31", "2024-02-29"],
        bins=2,
    )
    assert lines.to_pandas().frequency.tolist() == [3, 1, 3, 2]


def test_an_order_straddling_a_date() -> None:
    """Lines of one order on both sides of a date: at the earlier date the
    order is its earlier lines, dated by the first."""
    h = segment_history(
        ["a", "a", "a"],
        ["2024-01-30", "2024-02-02", "2024-02-05"],
        [10.0, 5.0, 1.0],
        ["2024-01-31", "2024-02-29"],
        edges=EDGES,
        order_id=[7, 7, 8],
    )
    jan, feb = h.facts
    assert (jan.frequency.tolist(), jan.monetary.tolist()) == ([1], [10.0])
    assert (feb.frequency.tolist(), feb.monetary.tolist()) == ([2], [16.0])
    assert (jan.n_rows, jan.n_dropped, feb.n_rows, feb.n_dropped) == (1, 2, 2, 0)
    assert feb.first_purchase[0] == np.datetime64("2024-01-30")


def test_with_a_preset_and_frames() -> None:
    """A pandas frame's columns (not indexed from 0) and a rules preset, as
    users pass them: the labels of the orders' own history."""
    rng = np.random.default_rng(5)
    n = 3_000
    invoice = rng.integers(0, 900, n)
    day = rng.integers(0, 300, 900).astype("timedelta64[D]")  # one per invoice
    df = pd.DataFrame(
        {
            "customer": (invoice % 170).astype(str),
            "invoice": invoice,
            "date": DAY0 + day[invoice],
            "amount": rng.integers(-2_000, 9_000, n) / 100,
        }
    ).set_index(pd.RangeIndex(100, 100 + n))
    months = pd.date_range("2024-03-31", periods=7, freq="ME")
    rules = custseg.rules.load("ecommerce")
    h = segment_history(
        df.customer, df.date, df.amount, months, rules=rules, order_id=df.invoice
    )
    o = custseg.orders_from_lines(df.customer, df.invoice, df.date, df.amount)
    want = segment_history(o.customer_id, o.date, o.amount, months, rules=rules)
    pd.testing.assert_frame_equal(h.to_pandas(), want.to_pandas())
    assert h.labels[-1] and set(h.labels[-1]) == set(want.labels[-1])
    assert h.facts[-1].n_dropped == int((df.date > months[-1]).sum())


def test_bad_order_ids() -> None:
    args = (["a", "b"], ["2024-01-01", "2024-01-02"], [1.0, 2.0], ["2024-01-31"])
    with pytest.raises(InputError, match="order_id") as err:
        segment_history(*args, order_id=[1, None])
    assert "order" in err.value.problem
    with pytest.raises(InputError, match="order_id"):
        segment_history(*args, order_id=[1, 2, 3])
    with pytest.raises(InputError, match="order_id"):
        segment_history(*args, order_id="12")
    with pytest.raises(InputError, match="order_id"):
        segment_history(
            pd.Series(["a", "b"]), *args[1:], order_id=pd.Series([1, 2], index=[5, 6])
        )


#: Amounts of no decimal scale (quantity x price products, thirds) beside
#: decimals that cancel as decimals; "far" adds sums past 2**52.
MANY_DIGITS = {
    "products": [3 * 0.29, -(3 * 0.29), 1 / 3, -1 / 3, 0.1, 0.2, -0.3, 19.99, 0.0],
    "far": [1e16, -1e16, 1.0, 1 / 3, 0.1, -0.3, 2.0**-30, 3 * 0.29, -2.5],
}


@settings(max_examples=160, deadline=None)
@given(
    order_lines(),
    dates(),
    st.sampled_from(["purchase", "ignore"]),
    st.sampled_from([*MANY_DIGITS, "integers"]),
    st.booleans(),
    st.data(),
)
def test_amounts_of_many_digits_are_carried(
    lines: pd.DataFrame,
    cuts: list[np.datetime64],
    zero: str,
    pool: str,
    by_order: bool,
    data: st.DataObject,
) -> None:
    """Amounts of many digits (or integers), carried date by date, equal
    the summaries at every date, bit for bit. As orders on one date each
    (no date summarised on its own for the "products" pool): each order's
    sign exact, monetary the net of the lines seen by each date. As
    transactions in any row order: a customer's sum turning binary when a
    third arrives, decimals passing 2**52 only together."""
    picks = data.draw(
        st.lists(st.integers(0, 8), min_size=len(lines), max_size=len(lines))
    )
    amounts = (
        [k * 7 - 20 for k in picks]
        if pool == "integers"
        else [MANY_DIGITS[pool][k] for k in picks]
    )
    if by_order:
        lines = one_date_per_order(lines).assign(amount=amounts)
        carried = pool == "products"
    else:
        lines = lines.assign(amount=amounts).sample(
            frac=1, random_state=data.draw(st.integers(0, 9))
        )
        carried = True
    with carried_only() if carried else contextlib.nullcontext():
        h = history_of(lines, cuts, zero, by_order=by_order)
    assert_equals_summaries(h, lines, cuts, zero, by_order=by_order)
