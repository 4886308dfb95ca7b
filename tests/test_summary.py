"""Tests for :func:`custseg.summary.summarize` and :class:`CustomerFacts`.

The vectorised function is checked against ``reference_summarize``, a plain
Python loop over rows with dicts and :class:`datetime.date` arithmetic that is
meant to be obviously correct.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
import strategies
from custseg.errors import InputError, ThresholdError
from custseg.summary import CustomerFacts, summarize

BASE = dt.date(2024, 1, 1)

# --------------------------------------------------------------------------
# reference implementation


def to_pydatetime(value: Any) -> dt.datetime:
    """One numpy/pandas timestamp as a naive :class:`datetime.datetime`."""
    return np.datetime64(value, "us").item()


def reference_summarize(
    ids: list[Any],
    stamps: list[dt.datetime],
    amounts: list[float],
    *,
    as_of: dt.date | None = None,
    frequency: str = "transactions",
    zero_amount: str = "purchase",
) -> dict[str, Any]:
    """Plain-Python summarize: rows after ``as_of`` are dropped and counted."""
    if as_of is None:
        as_of = max(ts.date() for ts in stamps) + dt.timedelta(days=1)
    per_customer: dict[Any, dict[str, Any]] = {}
    dropped = []
    for row, (cid, ts, amount) in enumerate(zip(ids, stamps, amounts, strict=True)):
        if ts.date() > as_of:
            dropped.append(row)
            continue
        facts = per_customer.setdefault(cid, {"monetary": 0.0, "purchases": []})
        facts["monetary"] += amount
        is_purchase = amount > 0 if zero_amount == "ignore" else amount >= 0
        if is_purchase:
            facts["purchases"].append(ts)
    out: dict[str, Any] = {
        "customer_id": [],
        "recency_days": [],
        "tenure_days": [],
        "frequency": [],
        "monetary": [],
        "first_purchase": [],
        "last_purchase": [],
        "as_of": as_of,
        "n_rows": len(ids) - len(dropped),
        "n_dropped": len(dropped),
        "first_dropped": dropped[0] if dropped else None,
    }
    for cid in sorted(per_customer):
        facts = per_customer[cid]
        purchases = facts["purchases"]
        out["customer_id"].append(cid)
        out["monetary"].append(facts["monetary"])
        if frequency == "transactions":
            out["frequency"].append(len(purchases))
        else:
            out["frequency"].append(len({ts.date() for ts in purchases}))
        if purchases:
            first, last = min(purchases), max(purchases)
            out["first_purchase"].append(first)
            out["last_purchase"].append(last)
            out["recency_days"].append(float((as_of - last.date()).days))
            out["tenure_days"].append(float((as_of - first.date()).days))
        else:
            out["first_purchase"].append(None)
            out["last_purchase"].append(None)
            out["recency_days"].append(math.nan)
            out["tenure_days"].append(math.nan)
    return out


def reference_from_frame(df: pd.DataFrame, **kwargs: Any) -> dict[str, Any]:
    return reference_summarize(
        df["customer_id"].tolist(),
        [to_pydatetime(x) for x in df["date"].to_numpy()],
        df["amount"].tolist(),
        **kwargs,
    )


def stamps_of(values: np.ndarray) -> list[dt.datetime | None]:
    return values.astype("datetime64[us]").tolist()


def assert_matches(facts: CustomerFacts, ref: dict[str, Any]) -> None:
    assert facts.customer_id.tolist() == ref["customer_id"]
    np.testing.assert_array_equal(facts.recency_days, ref["recency_days"])
    np.testing.assert_array_equal(facts.tenure_days, ref["tenure_days"])
    assert facts.recency_days.dtype == np.float64
    assert facts.tenure_days.dtype == np.float64
    assert facts.frequency.dtype == np.int64
    assert facts.frequency.tolist() == ref["frequency"]
    if len(facts):  # the empty case has a test of its own
        assert facts.monetary.dtype == np.float64
    assert np.allclose(facts.monetary, ref["monetary"], rtol=1e-12, atol=1e-9)
    assert stamps_of(facts.first_purchase) == ref["first_purchase"]
    assert stamps_of(facts.last_purchase) == ref["last_purchase"]
    assert facts.as_of == np.datetime64(ref["as_of"], "D")
    assert facts.as_of.dtype == np.dtype("datetime64[D]")
    assert facts.n_rows == ref["n_rows"]
    assert facts.n_dropped == ref["n_dropped"]
    assert len(facts) == len(ref["customer_id"])


def assert_same_facts(a: CustomerFacts, b: CustomerFacts) -> None:
    assert a.customer_id.tolist() == b.customer_id.tolist()
    np.testing.assert_array_equal(a.recency_days, b.recency_days)
    np.testing.assert_array_equal(a.tenure_days, b.tenure_days)
    assert a.frequency.tolist() == b.frequency.tolist()
    assert np.allclose(a.monetary, b.monetary, rtol=1e-12, atol=1e-9)
    assert stamps_of(a.first_purchase) == stamps_of(b.first_purchase)
    assert stamps_of(a.last_purchase) == stamps_of(b.last_purchase)
    assert a.as_of == b.as_of
    assert (a.n_rows, a.n_dropped) == (b.n_rows, b.n_dropped)


# --------------------------------------------------------------------------
# input forms


def id_form(series: pd.Series, form: str) -> Any:
    """The customer ids of a generated table in one of the accepted forms."""
    is_text = not pd.api.types.is_integer_dtype(series.dtype)
    if form == "series":
        return series
    if form == "object_series":
        return series.astype(object)
    if form == "list":
        return series.tolist()
    if form == "numpy":
        return series.to_numpy()
    if form == "alt":
        # str: fixed-width unicode array; int: integral floats
        return series.to_numpy().astype(str if is_text else np.float64)
    if form == "alt_series":
        return series.astype("str" if is_text else "Int64")
    raise AssertionError(form)


ID_FORMS = ["series", "object_series", "list", "numpy", "alt", "alt_series"]


def date_form(series: pd.Series, form: str) -> Any:
    """The (second-resolution) dates of a generated table in an accepted form."""
    values = series.to_numpy()
    if form == "series":
        return series
    if form in ("s", "ms", "us", "ns"):
        return values.astype(f"datetime64[{form}]")
    if form == "iso_text":
        return np.datetime_as_string(values).tolist()
    if form == "datetime":
        return [to_pydatetime(x) for x in values]
    raise AssertionError(form)


DATE_FORMS = ["series", "s", "ms", "us", "ns", "iso_text", "datetime"]


def as_of_form(day: dt.date, form: str) -> Any:
    if form == "text":
        return day.isoformat()
    if form == "date":
        return day
    if form == "datetime_afternoon":
        return dt.datetime(day.year, day.month, day.day, 15, 45)
    if form == "datetime64":
        return np.datetime64(day, "D")
    if form == "timestamp":
        return pd.Timestamp(day)
    raise AssertionError(form)


AS_OF_FORMS = ["text", "date", "datetime_afternoon", "datetime64", "timestamp"]

as_of_days = st.integers(-3, 62).map(lambda k: BASE + dt.timedelta(days=k))
modes = st.sampled_from(["transactions", "days"])
zero_modes = st.sampled_from(["purchase", "ignore"])


# --------------------------------------------------------------------------
# tests


class TestSummarize:
    def test_docstring_example(self) -> None:
        """The worked example of the docstring: refunds, a zero amount, default as_of."""
        facts = summarize(
            ["ann", "bob", "ann", "ann", "cy"],
            ["2024-03-01", "2024-03-02", "2024-03-20", "2024-03-25", "2024-03-30"],
            [100.0, 40.0, 60.0, -20.0, 0.0],
        )
        assert facts.as_of == np.datetime64("2024-03-31")
        assert facts.customer_id.tolist() == ["ann", "bob", "cy"]
        assert facts.frequency.tolist() == [2, 1, 1]
        assert facts.recency_days.tolist() == [11.0, 29.0, 1.0]
        assert facts.monetary.tolist() == [140.0, 40.0, 0.0]
        assert facts.tenure_days.tolist() == [30.0, 29.0, 1.0]
        assert stamps_of(facts.last_purchase) == [
            dt.datetime(2024, 3, 20),
            dt.datetime(2024, 3, 2),
            dt.datetime(2024, 3, 30),
        ]
        assert (facts.n_rows, facts.n_dropped) == (5, 0)

    @given(
        df=strategies.transactions(),
        ids=st.sampled_from(ID_FORMS),
        frequency=modes,
        zero_amount=zero_modes,
    )
    def test_matches_reference_default_as_of(
        self, df: pd.DataFrame, ids: str, frequency: str, zero_amount: str
    ) -> None:
        """Every field equals the plain-Python reference, as_of defaulted, any id form."""
        facts = summarize(
            id_form(df["customer_id"], ids),
            df["date"],
            df["amount"],
            frequency=frequency,  # type: ignore[arg-type]
            zero_amount=zero_amount,  # type: ignore[arg-type]
        )
        ref = reference_from_frame(df, frequency=frequency, zero_amount=zero_amount)
        assert_matches(facts, ref)

    @given(
        df=strategies.transactions(),
        dates=st.sampled_from(DATE_FORMS),
        frequency=modes,
        zero_amount=zero_modes,
    )
    def test_matches_reference_any_date_form(
        self, df: pd.DataFrame, dates: str, frequency: str, zero_amount: str
    ) -> None:
        """Every field equals the reference for datetime64 s/ms/us/ns, ISO text, datetimes."""
        facts = summarize(
            df["customer_id"],
            date_form(df["date"], dates),
            df["amount"].to_numpy(),
            frequency=frequency,  # type: ignore[arg-type]
            zero_amount=zero_amount,  # type: ignore[arg-type]
        )
        ref = reference_from_frame(df, frequency=frequency, zero_amount=zero_amount)
        assert_matches(facts, ref)

    @given(
        df=strategies.transactions(),
        as_of=as_of_days,
        form=st.sampled_from(AS_OF_FORMS),
        frequency=modes,
        zero_amount=zero_modes,
    )
    def test_matches_reference_explicit_as_of_drop(
        self,
        df: pd.DataFrame,
        as_of: dt.date,
        form: str,
        frequency: str,
        zero_amount: str,
    ) -> None:
        """Explicit as_of in any form with after_as_of='drop' equals the reference."""
        facts = summarize(
            df["customer_id"],
            df["date"],
            df["amount"],
            as_of=as_of_form(as_of, form),
            frequency=frequency,  # type: ignore[arg-type]
            zero_amount=zero_amount,  # type: ignore[arg-type]
            after_as_of="drop",
        )
        ref = reference_from_frame(
            df, as_of=as_of, frequency=frequency, zero_amount=zero_amount
        )
        assert_matches(facts, ref)

    @given(df=strategies.transactions(), as_of=as_of_days)
    def test_after_as_of_raise(self, df: pd.DataFrame, as_of: dt.date) -> None:
        """after_as_of='raise' (default) names 'date', the first late row and the count."""
        ref = reference_from_frame(df, as_of=as_of)
        if ref["n_dropped"] == 0:
            facts = summarize(df["customer_id"], df["date"], df["amount"], as_of=as_of)
            assert_matches(facts, ref)
            return
        with pytest.raises(InputError) as info:
            summarize(df["customer_id"], df["date"], df["amount"], as_of=as_of)
        err = info.value
        assert err.field == "date"
        assert err.first_row == ref["first_dropped"]
        assert err.n_rows == ref["n_dropped"]
        assert "after as_of" in str(err)

    def test_as_of_day_itself_is_kept(self) -> None:
        """A purchase late on the as_of day is not 'after' it and has recency 0."""
        facts = summarize(
            [1, 1],
            ["2024-01-10T23:59:59", "2024-01-01"],
            [5.0, 5.0],
            as_of="2024-01-10",
        )
        assert facts.recency_days.tolist() == [0.0]
        assert facts.tenure_days.tolist() == [9.0]
        assert facts.n_dropped == 0

    def test_drop_removes_customers_with_nothing_left(self) -> None:
        """With 'drop', a customer whose rows are all late is absent; n_dropped counts rows."""
        facts = summarize(
            ["a", "b", "b", "c"],
            ["2024-01-01", "2024-01-09", "2024-01-12", "2024-01-02"],
            [1.0, 2.0, 3.0, 4.0],
            as_of="2024-01-05",
            after_as_of="drop",
        )
        assert facts.customer_id.tolist() == ["a", "c"]
        assert (facts.n_rows, facts.n_dropped) == (2, 2)

    def test_after_as_of_raise_message(self) -> None:
        """The raise message gives field, problem, first row and count."""
        with pytest.raises(InputError) as info:
            summarize(
                [1, 2, 3],
                ["2024-01-01", "2024-02-01", "2024-03-01"],
                [1.0, 1.0, 1.0],
                as_of="2024-01-15",
            )
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "date",
            1,
            2,
        )
        assert str(info.value).startswith(
            "'date' has transactions after as_of (2024-01-15) "
            "(first at row 1, 2 rows affected): "
        )

    @given(df=strategies.transactions(), ids=st.sampled_from(ID_FORMS))
    def test_every_customer_exactly_once(self, df: pd.DataFrame, ids: str) -> None:
        """Totality: each distinct id appears once, ids strictly increasing, arrays aligned."""
        facts = summarize(id_form(df["customer_id"], ids), df["date"], df["amount"])
        got = facts.customer_id.tolist()
        assert sorted(set(got)) == sorted(set(df["customer_id"].tolist()))
        assert len(got) == len(set(got))
        assert all(a < b for a, b in itertools.pairwise(got))
        for name in (
            "recency_days",
            "frequency",
            "monetary",
            "first_purchase",
            "last_purchase",
            "tenure_days",
        ):
            assert len(getattr(facts, name)) == len(got), name

    @given(
        df=strategies.transactions(),
        data=st.data(),
        frequency=modes,
        zero_amount=zero_modes,
    )
    def test_row_order_does_not_matter(
        self, df: pd.DataFrame, data: st.DataObject, frequency: str, zero_amount: str
    ) -> None:
        """Order equivariance: shuffled rows give the same facts (monetary up to rounding)."""
        order = data.draw(st.permutations(range(len(df))))
        shuffled = df.iloc[list(order)].reset_index(drop=True)
        kwargs: dict[str, Any] = {"frequency": frequency, "zero_amount": zero_amount}
        a = summarize(df["customer_id"], df["date"], df["amount"], **kwargs)
        b = summarize(
            shuffled["customer_id"], shuffled["date"], shuffled["amount"], **kwargs
        )
        assert_same_facts(a, b)

    @given(
        df=strategies.transactions(),
        data=st.data(),
        frequency=modes,
        zero_amount=zero_modes,
    )
    def test_refunds_never_change_purchases(
        self, df: pd.DataFrame, data: st.DataObject, frequency: str, zero_amount: str
    ) -> None:
        """Adding refunds leaves frequency, first/last purchase alone and lowers monetary."""
        n_extra = data.draw(st.integers(1, 5))
        refunds = pd.DataFrame(
            {
                "customer_id": data.draw(
                    st.lists(
                        st.sampled_from(df["customer_id"].tolist()),
                        min_size=n_extra,
                        max_size=n_extra,
                    )
                ),
                "date": strategies.BASE_DAY.astype("datetime64[s]")
                + np.asarray(
                    data.draw(
                        st.lists(
                            st.integers(0, 70 * 86_400),
                            min_size=n_extra,
                            max_size=n_extra,
                        )
                    ),
                    dtype="timedelta64[s]",
                ),
                "amount": data.draw(
                    st.lists(
                        st.floats(-500.0, -0.01).map(lambda x: round(x, 2)),
                        min_size=n_extra,
                        max_size=n_extra,
                    )
                ),
            }
        )
        more = pd.concat([df, refunds], ignore_index=True)
        kwargs: dict[str, Any] = {"frequency": frequency, "zero_amount": zero_amount}
        before = summarize(df["customer_id"], df["date"], df["amount"], **kwargs)
        after = summarize(more["customer_id"], more["date"], more["amount"], **kwargs)
        assert after.customer_id.tolist() == before.customer_id.tolist()
        assert after.frequency.tolist() == before.frequency.tolist()
        assert stamps_of(after.last_purchase) == stamps_of(before.last_purchase)
        assert stamps_of(after.first_purchase) == stamps_of(before.first_purchase)
        by_id = refunds.groupby("customer_id")["amount"].sum()
        expected = before.monetary + np.array(
            [by_id.get(c, 0.0) for c in before.customer_id.tolist()]
        )
        assert np.allclose(after.monetary, expected, rtol=1e-12, atol=1e-9)

    @given(
        df=strategies.transactions(),
        data=st.data(),
        frequency=modes,
        zero_amount=zero_modes,
    )
    def test_later_purchase_never_increases_recency(
        self, df: pd.DataFrame, data: st.DataObject, frequency: str, zero_amount: str
    ) -> None:
        """With as_of fixed, one more purchase lowers or keeps its customer's recency only."""
        as_of = BASE + dt.timedelta(days=60)
        cid = data.draw(st.sampled_from(df["customer_id"].tolist()))
        second = data.draw(st.integers(0, 61 * 86_400 - 1))
        amount = data.draw(st.sampled_from([0.5, 10.0, 250.0]))
        extra = pd.DataFrame(
            {
                "customer_id": [cid],
                "date": [
                    strategies.BASE_DAY.astype("datetime64[s]")
                    + np.timedelta64(second, "s")
                ],
                "amount": [amount],
            }
        )
        more = pd.concat([df, extra], ignore_index=True)
        kwargs: dict[str, Any] = {
            "as_of": as_of,
            "frequency": frequency,
            "zero_amount": zero_amount,
        }
        before = summarize(df["customer_id"], df["date"], df["amount"], **kwargs)
        after = summarize(more["customer_id"], more["date"], more["amount"], **kwargs)
        assert after.customer_id.tolist() == before.customer_id.tolist()
        i = before.customer_id.tolist().index(cid)
        old, new = before.recency_days[i], after.recency_days[i]
        assert not np.isnan(new)
        assert np.isnan(old) or new <= old
        assert after.frequency[i] >= before.frequency[i] >= 0
        others = np.arange(len(before)) != i
        np.testing.assert_array_equal(
            after.recency_days[others], before.recency_days[others]
        )
        assert after.frequency[others].tolist() == before.frequency[others].tolist()

    @given(df=strategies.transactions(), zero_amount=zero_modes)
    def test_days_frequency_at_most_transactions(
        self, df: pd.DataFrame, zero_amount: str
    ) -> None:
        """Distinct purchase days never exceed purchase rows, and both are zero together."""
        kw: dict[str, Any] = {"zero_amount": zero_amount}
        rows = summarize(df["customer_id"], df["date"], df["amount"], **kw)
        days = summarize(
            df["customer_id"], df["date"], df["amount"], frequency="days", **kw
        )
        assert np.all(days.frequency <= rows.frequency)
        assert np.array_equal(days.frequency == 0, rows.frequency == 0)

    def test_frequency_days_counts_visits(self) -> None:
        """frequency='days' counts two tickets on one day once; 'transactions' twice."""
        args = (
            [7, 7, 7, 8],
            ["2024-01-01T09:00", "2024-01-01T18:00", "2024-01-03", "2024-01-03"],
            [5.0, 6.0, 7.0, 8.0],
        )
        assert summarize(*args).frequency.tolist() == [3, 1]
        assert summarize(*args, frequency="days").frequency.tolist() == [2, 1]

    def test_zero_amount_modes(self) -> None:
        """A zero-amount row is a purchase by default and neither purchase nor refund with 'ignore'."""
        args = (["a", "a", "b"], ["2024-01-01", "2024-01-05", "2024-01-03"])
        amounts = [10.0, 0.0, 0.0]
        purchase = summarize(*args, amounts, as_of="2024-01-10")
        assert purchase.frequency.tolist() == [2, 1]
        assert purchase.recency_days.tolist() == [5.0, 7.0]
        ignore = summarize(*args, amounts, as_of="2024-01-10", zero_amount="ignore")
        assert ignore.frequency.tolist() == [1, 0]
        np.testing.assert_array_equal(ignore.recency_days, [9.0, np.nan])
        np.testing.assert_array_equal(ignore.tenure_days, [9.0, np.nan])
        assert ignore.monetary.tolist() == [10.0, 0.0]

    def test_refund_only_customer(self) -> None:
        """A refund-only customer has a row: frequency 0, NaN recency/tenure, NaT purchases."""
        facts = summarize(
            [1, 2, 2],
            np.array(["2024-01-01", "2024-01-02", "2024-01-04"], "datetime64[D]"),
            [-3.0, 2.0, -1.0],
        )
        assert facts.customer_id.tolist() == [1, 2]
        assert facts.frequency.tolist() == [0, 1]
        np.testing.assert_array_equal(facts.recency_days, [np.nan, 3.0])
        np.testing.assert_array_equal(facts.tenure_days, [np.nan, 3.0])
        assert facts.monetary.tolist() == [-3.0, 1.0]
        assert np.isnat(facts.first_purchase[0]) and np.isnat(facts.last_purchase[0])
        assert facts.as_of == np.datetime64("2024-01-05")

    def test_default_as_of_counts_refund_dates(self) -> None:
        """The default as_of is the day after the last transaction, refund or not."""
        facts = summarize([1, 1], ["2024-01-01", "2024-01-09T12:00"], [5.0, -5.0])
        assert facts.as_of == np.datetime64("2024-01-10")
        assert facts.recency_days.tolist() == [9.0]

    def test_calendar_days_not_elapsed_time(self) -> None:
        """Recency counts calendar days: 23:59 the day before as_of is 1, not 0."""
        facts = summarize(
            ["x", "y"],
            ["2024-02-28T23:59:59", "2024-02-29T00:00:01"],
            [1.0, 1.0],
            as_of="2024-03-01T00:00:01",
        )
        assert facts.recency_days.tolist() == [2.0, 1.0]
        assert facts.as_of == np.datetime64("2024-03-01")

    @pytest.mark.parametrize(
        "ids",
        [
            [3, 1, 2, 1],
            [-7, 10**12, -(10**12), 10**12],
            [np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, 0],
            [-3, -1, -2, -1],
        ],
        ids=["dense", "sparse", "extreme", "negative_dense"],
    )
    def test_integer_ids(self, ids: list[int]) -> None:
        """Dense, sparse, negative and extreme int64 ids are grouped and sorted."""
        dates = ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
        facts = summarize(np.array(ids, dtype=np.int64), dates, [1.0, 2.0, 4.0, 8.0])
        assert facts.customer_id.tolist() == sorted(set(ids))
        expected = dict.fromkeys(ids, 0.0)
        for c, a in zip(ids, [1.0, 2.0, 4.0, 8.0], strict=True):
            expected[c] += a
        assert facts.monetary.tolist() == [expected[c] for c in sorted(expected)]

    @pytest.mark.parametrize(
        "dtype",
        ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
    )
    def test_small_integer_dtypes(self, dtype: str) -> None:
        """Ids of every integer dtype, spanning most of the dtype's range, are grouped."""
        info = np.iinfo(dtype)
        lo, hi = max(int(info.min), -100), min(int(info.max), 200)
        ids = np.array([hi, lo, hi, (lo + hi) // 2], dtype=dtype)
        facts = summarize(
            ids, ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"], [1.0] * 4
        )
        assert facts.customer_id.tolist() == sorted({lo, hi, (lo + hi) // 2})
        assert facts.frequency.tolist() == [1, 1, 2]

    def test_int16_ids_wider_than_dtype_range(self) -> None:
        """Dense int16 ids spanning more than 32767 values are grouped, not wrapped."""
        ids = np.arange(-20_000, 20_001, dtype=np.int16)
        facts = summarize(ids, np.full(len(ids), "2024-01-01"), np.ones(len(ids)))
        assert facts.customer_id.tolist() == ids.tolist()
        assert facts.frequency.tolist() == [1] * len(ids)

    def test_uint64_ids_above_int64_range(self) -> None:
        """uint64 ids above 2**63 are grouped and keep their values."""
        top = 2**64 - 1
        ids = np.array([top, top - 1, top], dtype=np.uint64)
        facts = summarize(ids, ["2024-01-01", "2024-01-02", "2024-01-03"], [1.0] * 3)
        assert [int(x) for x in facts.customer_id] == [top - 1, top]
        assert facts.frequency.tolist() == [1, 2]

    def test_float_integral_ids(self) -> None:
        """Integral float ids group like the integers they hold."""
        facts = summarize(
            np.array([3.0, 1.0, 3.0, -2.0]),
            ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
            [1.0, 2.0, 4.0, 8.0],
        )
        assert facts.customer_id.tolist() == [-2, 1, 3]
        assert facts.monetary.tolist() == [8.0, 2.0, 5.0]

    def test_float_fractional_ids(self) -> None:
        """Non-integral float ids are grouped by value, sorted."""
        facts = summarize(
            [2.5, 0.5, 2.5], ["2024-01-01", "2024-01-02", "2024-01-03"], [1.0, 2.0, 4.0]
        )
        assert facts.customer_id.tolist() == [0.5, 2.5]
        assert facts.frequency.tolist() == [1, 2]

    @pytest.mark.parametrize(
        "make",
        [
            list,
            lambda x: np.array(x, dtype=object),
            np.array,
            lambda x: pd.Series(x, dtype="str"),
            lambda x: pd.Series(x, dtype=object),
            lambda x: pd.Series(x, index=[10, 5, 7, 1]),
        ],
        ids=[
            "list",
            "object_array",
            "unicode_array",
            "str_series",
            "object_series",
            "indexed",
        ],
    )
    def test_string_ids(self, make: Any) -> None:
        """String ids in lists, numpy arrays and Series sort lexicographically."""
        ids = ["c10", "c2", "c10", "b"]
        facts = summarize(
            make(ids),
            ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
            [1.0, 2.0, 4.0, 8.0],
        )
        assert facts.customer_id.tolist() == ["b", "c10", "c2"]
        assert facts.monetary.tolist() == [8.0, 5.0, 2.0]
        assert facts.frequency.tolist() == [1, 2, 1]

    @pytest.mark.parametrize("ids", [[10, 30, 20], ["x", "z", "y"]])
    def test_series_with_index_and_drop(self, ids: list[Any]) -> None:
        """Series on one non-default index are filtered by position with 'drop'."""
        facts = summarize(
            pd.Series(ids, index=[2, 0, 1]),
            pd.Series(
                pd.to_datetime(["2024-01-01", "2024-01-09", "2024-01-02"]),
                index=[2, 0, 1],
            ),
            [1.0, 2.0, 3.0],
            as_of="2024-01-05",
            after_as_of="drop",
        )
        assert facts.customer_id.tolist() == [ids[0], ids[2]]
        assert facts.monetary.tolist() == [1.0, 3.0]
        assert facts.n_dropped == 1

    @given(seed=st.integers(0, 2**32 - 1))
    @settings(max_examples=20)
    def test_series_of_other_tables_are_refused(self, seed: int) -> None:
        """Series with different indexes (a shuffled column) are an InputError,
        never paired by position (monetary was silently mixed across customers)."""
        rng = np.random.default_rng(seed)
        n = int(rng.integers(2, 30))
        ids = pd.Series(rng.integers(0, 5, n))
        dates = pd.Series(
            pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 9, n), unit="D")
        )
        amounts = pd.Series(rng.random(n))
        order = rng.permutation(n)
        if (order == np.arange(n)).all():
            order = order[::-1].copy()
        for shuffled in ("date", "amount"):
            args = {"date": dates, "amount": amounts}
            args[shuffled] = args[shuffled].iloc[order]
            with pytest.raises(InputError, match="different index"):
                summarize(ids, args["date"], args["amount"])
            with pytest.raises(InputError, match="different index"):
                custseg.btyd_summary(
                    ids, args["date"], args["amount"], observation_end="2024-02-01"
                )

    def test_int_series_ids(self) -> None:
        """A pandas Series of ints is grouped like the array of its values."""
        facts = summarize(
            pd.Series([5, 3, 5], index=["a", "b", "c"]),
            ["2024-01-01", "2024-01-02", "2024-01-03"],
            [1.0, 2.0, 4.0],
        )
        assert facts.customer_id.tolist() == [3, 5]
        assert facts.monetary.tolist() == [2.0, 5.0]

    @pytest.mark.parametrize(
        ("ids", "first", "count"),
        [
            ([1, None, 2, None], 1, 2),
            ([1.0, 2.0, np.nan], 2, 1),
            (np.array([np.nan, 1.0, np.nan, 2.0]), 0, 2),
            (["a", None, "b", "a"], 1, 1),
            (np.array(["a", "b", np.nan, "a"], dtype=object), 2, 1),
            (pd.Series(["a", "b", "c", None], dtype="str"), 3, 1),
            (pd.Series([1, None, 3, None], dtype="Int64"), 1, 2),
        ],
        ids=[
            "none",
            "nan_list",
            "nan_array",
            "str_none",
            "object_nan",
            "str_na",
            "Int64",
        ],
    )
    def test_missing_ids(self, ids: Any, first: int, count: int) -> None:
        """Missing ids (None / NaN / NA) raise InputError naming the first row and count."""
        n = len(ids)
        with pytest.raises(InputError) as info:
            summarize(ids, ["2024-01-01"] * n, [1.0] * n)
        assert info.value.field == "customer_id"
        assert (info.value.first_row, info.value.n_rows) == (first, count)
        assert "missing customer ids" in str(info.value)

    @settings(max_examples=80, deadline=None)
    @given(
        texts=st.lists(st.text(max_size=3), min_size=1, max_size=12),
        intruders=st.lists(
            st.tuples(
                st.integers(0, 12),
                st.sampled_from([None, np.nan, pd.NA, pd.NaT, b"a", 7, 1.5]),
            ),
            max_size=3,
        ),
    )
    def test_object_text_ids_are_grouped_or_refused(
        self, texts: list[str], intruders: list[tuple[int, Any]]
    ) -> None:
        """An object array of str is grouped exactly as pandas groups it; one
        missing value (None, NaN, NA, NaT), bytes or number among the str is
        refused on customer_id, never grouped silently (the type check takes
        a faster first look that must not change the answer)."""
        values: list[Any] = list(texts)
        for at, intruder in intruders:
            values.insert(min(at, len(values)), intruder)
        ids = np.empty(len(values), dtype=object)
        ids[:] = values
        n = len(ids)
        dates = np.full(n, np.datetime64("2024-01-01", "s"))
        amounts = np.arange(1.0, n + 1)
        if not intruders:
            facts = summarize(ids, dates, amounts)
            want = pd.Series(amounts).groupby(pd.Series(values, dtype=object)).sum()
            assert facts.customer_id.tolist() == want.index.tolist()
            assert all(type(c) is str for c in facts.customer_id)
            assert facts.monetary.tolist() == want.tolist()
        else:
            with pytest.raises(InputError) as info:
                summarize(ids, dates, amounts)
            assert info.value.field == "customer_id"

    @pytest.mark.parametrize(
        ("amount", "first", "count"),
        [
            ([1.0, np.nan, 2.0, np.nan], 1, 2),
            ([1.0, 2.0, None, 3.0], 2, 1),
            (pd.Series([1.0, None, 2.0, 3.0], dtype="Float64"), 1, 1),
        ],
    )
    def test_nan_amounts(self, amount: Any, first: int, count: int) -> None:
        """NaN / missing amounts raise InputError on 'amount' with first row and count."""
        with pytest.raises(InputError) as info:
            summarize([1, 2, 3, 4], ["2024-01-01"] * 4, amount)
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "amount",
            first,
            count,
        )

    @pytest.mark.parametrize("bad", [np.inf, -np.inf])
    def test_infinite_amounts(self, bad: float) -> None:
        """Infinite amounts raise InputError on 'amount'."""
        with pytest.raises(InputError) as info:
            summarize([1, 2, 3], ["2024-01-01"] * 3, [1.0, 2.0, bad])
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "amount",
            2,
            1,
        )
        assert "infinite" in str(info.value)

    @pytest.mark.parametrize(
        "dates",
        [
            ["2024-01-01", None, "2024-01-02"],
            np.array(["2024-01-01", "NaT", "2024-01-02"], dtype="datetime64[s]"),
            pd.Series(pd.to_datetime(["2024-01-01", None, "2024-01-02"])),
        ],
        ids=["text", "datetime64", "series"],
    )
    def test_nat_dates(self, dates: Any) -> None:
        """NaT / missing dates raise InputError on 'date' at the first missing row."""
        with pytest.raises(InputError) as info:
            summarize([1, 2, 3], dates, [1.0, 2.0, 3.0])
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "date",
            1,
            1,
        )

    def test_unequal_lengths(self) -> None:
        """Columns of different lengths raise InputError naming the odd column."""
        with pytest.raises(InputError) as info:
            summarize([1, 2, 3], ["2024-01-01", "2024-01-02"], [1.0, 2.0])
        assert info.value.field == "customer_id"
        with pytest.raises(InputError) as info:
            summarize([1, 2], ["2024-01-01", "2024-01-02"], [1.0, 2.0, 3.0])
        assert info.value.field == "amount"
        assert "has 3 rows but 'date' has 2" in str(info.value)

    def test_empty_without_as_of(self) -> None:
        """No transactions and no as_of is an InputError (no default day)."""
        with pytest.raises(InputError) as info:
            summarize([], np.array([], dtype="datetime64[s]"), [])
        assert info.value.field == "date"
        assert "no default as_of" in str(info.value)

    def test_empty_with_as_of(self) -> None:
        """No transactions with an explicit as_of gives an empty result."""
        facts = summarize(
            [], np.array([], dtype="datetime64[s]"), [], as_of="2024-01-01"
        )
        assert len(facts) == 0
        assert facts.as_of == np.datetime64("2024-01-01")
        assert (facts.n_rows, facts.n_dropped) == (0, 0)

    @pytest.mark.parametrize(
        "args",
        [
            ([], np.array([], "datetime64[s]"), [], "2024-01-01", "raise"),
            ([1], ["2024-02-01"], [5.0], "2024-01-01", "drop"),
        ],
        ids=["no_rows", "all_dropped"],
    )
    def test_empty_result_dtypes(self, args: tuple[Any, ...]) -> None:
        """An empty result keeps the documented dtypes (monetary float64, frequency int64)."""
        ids, dates, amounts, as_of, policy = args
        facts = summarize(ids, dates, amounts, as_of=as_of, after_as_of=policy)
        assert len(facts) == 0
        assert facts.monetary.dtype == np.float64
        assert facts.frequency.dtype == np.int64
        assert facts.recency_days.dtype == np.float64
        assert facts.tenure_days.dtype == np.float64

    @pytest.mark.parametrize(
        ("kwargs", "name"),
        [
            ({"frequency": "visits"}, "frequency"),
            ({"zero_amount": "refund"}, "zero_amount"),
            ({"after_as_of": "ignore"}, "after_as_of"),
        ],
    )
    def test_bad_options(self, kwargs: dict[str, Any], name: str) -> None:
        """Unknown option values raise ThresholdError naming the option."""
        with pytest.raises(ThresholdError, match=f"'{name}' must be"):
            summarize([1], ["2024-01-01"], [1.0], **kwargs)

    def test_bad_as_of(self) -> None:
        """An unparseable as_of raises InputError on 'as_of'."""
        with pytest.raises(InputError) as info:
            summarize([1], ["2024-01-01"], [1.0], as_of="whenever")
        assert info.value.field == "as_of"

    @pytest.mark.parametrize(
        ("stamp", "zone", "day"),
        [
            ("2024-01-01 23:30", "Asia/Shanghai", "2024-01-01"),
            ("2024-01-02 00:30", "Asia/Shanghai", "2024-01-02"),
            ("2024-01-01 23:30", "America/New_York", "2024-01-01"),
        ],
    )
    @pytest.mark.parametrize("container", ["series", "index"])
    def test_tz_aware_dates_use_local_day(
        self, stamp: str, zone: str, day: str, container: str
    ) -> None:
        """tz-aware pandas dates count on their local calendar day, not the UTC day."""
        index = pd.DatetimeIndex([stamp], tz=zone)
        dates = pd.Series(index) if container == "series" else index
        facts = summarize(["a"], dates, [1.0])
        assert facts.as_of == np.datetime64(day) + np.timedelta64(1, "D")
        assert facts.recency_days.tolist() == [1.0]
        assert stamps_of(facts.last_purchase) == [
            dt.datetime.fromisoformat(stamp.replace(" ", "T"))
        ]
        same_day = summarize(["a"], dates, [1.0], as_of=day)
        assert same_day.recency_days.tolist() == [0.0]

    def test_tz_aware_datetime_objects_use_local_day(self) -> None:
        """A list of tz-aware datetime objects counts on the local day too."""
        shanghai = dt.timezone(dt.timedelta(hours=8))
        facts = summarize(
            ["a", "b"],
            [
                dt.datetime(2024, 1, 2, 0, 30, tzinfo=shanghai),
                dt.datetime(2024, 1, 1, 23, 30, tzinfo=shanghai),
            ],
            [1.0, 1.0],
            as_of="2024-01-02",
        )
        assert facts.recency_days.tolist() == [0.0, 1.0]

    def test_tz_aware_as_of_uses_local_day(self) -> None:
        """A tz-aware Timestamp as_of is reduced to its local calendar day."""
        as_of = pd.Timestamp("2024-01-05 01:00", tz="Asia/Shanghai")
        facts = summarize([1], ["2024-01-04T12:00"], [1.0], as_of=as_of)
        assert facts.as_of == np.datetime64("2024-01-05")
        assert facts.recency_days.tolist() == [1.0]

    @pytest.mark.parametrize("unit", ["D", "s", "ms", "us", "ns"])
    def test_datetime64_units(self, unit: str) -> None:
        """datetime64 of units D/s/ms/us/ns give the same days; timestamps keep the unit."""
        dates = np.array(
            ["2024-01-01T10:00", "2024-01-07T23:00", "2024-01-03T00:00"],
            dtype="datetime64[m]",
        ).astype(f"datetime64[{unit}]")
        facts = summarize([1, 1, 2], dates, [1.0, 2.0, 3.0], as_of="2024-01-10")
        assert facts.recency_days.tolist() == [3.0, 7.0]
        assert facts.tenure_days.tolist() == [9.0, 7.0]
        assert facts.last_purchase.dtype == np.dtype(f"datetime64[{unit}]")
        np.testing.assert_array_equal(facts.last_purchase, dates[[1, 2]])
        np.testing.assert_array_equal(facts.first_purchase, dates[[0, 2]])

    def test_date_objects_and_text(self) -> None:
        """datetime.date objects and ISO text give the same facts."""
        days = [dt.date(2024, 1, 1), dt.date(2024, 1, 5), dt.date(2024, 1, 3)]
        a = summarize(["a", "b", "a"], days, [1.0, 2.0, 3.0])
        b = summarize(
            ["a", "b", "a"], [d.isoformat() for d in days], np.array([1, 2, 3])
        )
        assert_same_facts(a, b)
        assert a.recency_days.tolist() == [3.0, 1.0]

    def test_dates_before_1970(self) -> None:
        """Days before the epoch are floored, so a late-evening purchase keeps its day."""
        facts = summarize(
            [1, 2],
            np.array(["1969-12-31T23:00", "1969-12-30T01:00"], dtype="datetime64[s]"),
            [1.0, 1.0],
        )
        assert facts.as_of == np.datetime64("1970-01-01")
        assert facts.recency_days.tolist() == [1.0, 2.0]

    def test_integer_amounts(self) -> None:
        """Integer amounts are summed into float64 monetary."""
        facts = summarize([1, 1], ["2024-01-01", "2024-01-02"], np.array([2, 3]))
        assert facts.monetary.dtype == np.float64
        assert facts.monetary.tolist() == [5.0]


class TestCustomerFactsToPandas:
    def test_docstring_example(self) -> None:
        """The to_pandas docstring example: recency, frequency, monetary per customer."""
        facts = summarize(
            [1, 1, 2], ["2024-01-01", "2024-01-05", "2024-01-03"], [10.0, 5.0, 7.5]
        )
        frame = facts.to_pandas()
        assert frame.index.tolist() == [1, 2]
        assert frame.index.name == "customer_id"
        assert frame["recency_days"].tolist() == [1.0, 3.0]
        assert frame["frequency"].tolist() == [2, 1]
        assert frame["monetary"].tolist() == [15.0, 7.5]

    def test_columns_and_dtypes(self) -> None:
        """Columns come in a fixed order, indexed by customer_id, with the expected dtypes."""
        facts = summarize(
            ["a", "b", "b"],
            np.array(["2024-01-01", "2024-01-02", "2024-01-05"], "datetime64[s]"),
            [1.0, -2.0, 3.0],
        )
        frame = facts.to_pandas()
        assert list(frame.columns) == [
            "recency_days",
            "frequency",
            "monetary",
            "first_purchase",
            "last_purchase",
            "tenure_days",
        ]
        assert frame["recency_days"].dtype == np.float64
        assert frame["tenure_days"].dtype == np.float64
        assert frame["frequency"].dtype == np.int64
        assert frame["monetary"].dtype == np.float64
        assert frame["first_purchase"].dtype == np.dtype("datetime64[s]")
        assert frame["last_purchase"].dtype == np.dtype("datetime64[s]")
        assert frame.index.tolist() == ["a", "b"]
        assert frame.index.name == "customer_id"
        assert frame["last_purchase"].tolist() == [
            pd.Timestamp("2024-01-01"),
            pd.Timestamp("2024-01-05"),
        ]
        assert len(frame) == len(facts)

    def test_refund_only_row(self) -> None:
        """A refund-only customer shows NaN recency/tenure and NaT purchase dates."""
        frame = summarize([1, 2], ["2024-01-01", "2024-01-02"], [-1.0, 1.0]).to_pandas()
        row = frame.iloc[0]
        assert math.isnan(row["recency_days"]) and math.isnan(row["tenure_days"])
        assert pd.isna(row["first_purchase"]) and pd.isna(row["last_purchase"])
        assert row["frequency"] == 0


class TestSummarizeReview7:
    @pytest.mark.parametrize(
        "as_of", ["20240301", 20240301, np.int64(20240301), " 20240301", "2024-03-01"]
    )
    def test_as_of_yyyymmdd(self, as_of: Any) -> None:
        """as_of as YYYYMMDD text or int is that day, as the ISO form."""
        facts = summarize([1], ["2024-02-29"], [1.0], as_of=as_of)
        assert facts.as_of == np.datetime64("2024-03-01")
        assert facts.recency_days.tolist() == [1.0]

    @pytest.mark.parametrize("as_of", ["202403", 202403, "2024031", "120240301"])
    def test_bare_digits_not_a_year(self, as_of: Any) -> None:
        """Digits that are neither YYYYMMDD nor a 4-digit year are refused."""
        with pytest.raises(InputError, match="not a date"):
            summarize([1], ["2024-02-29"], [1.0], as_of=as_of)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("frequency", ["days"]),
            ("frequency", np.array(["days", "days"])),
            ("zero_amount", {"ignore": 1}),
            ("after_as_of", None),
        ],
    )
    def test_options_of_the_wrong_type(self, name: str, value: Any) -> None:
        """Non-text options are ThresholdErrors, not TypeError or ValueError."""
        with pytest.raises(ThresholdError, match=f"^'{name}' must be"):
            summarize([1], ["2024-02-29"], [1.0], **{name: value})

    @given(
        n=st.integers(1, 4),
        value=st.integers(2**51, 2**53),
    )
    def test_integer_sums_exact_or_refused(self, n: int, value: int) -> None:
        """n equal integer amounts: the exact sum, or refused above 2**53 (which
        float64 still holds exactly)."""
        amounts = np.full(n, value, dtype=np.int64)
        if n * value > 2**53:
            with pytest.raises(InputError, match="2\\*\\*53"):
                summarize([7] * n, ["2024-01-01"] * n, amounts)
        else:
            facts = summarize([7] * n, ["2024-01-01"] * n, amounts)
            assert int(facts.monetary[0]) == n * value


class TestSumBoundary:
    @pytest.mark.parametrize(
        ("amounts", "ok"),
        [
            ([2**53], True),
            ([2**52, 2**52], True),
            ([2**53, 1], False),
            ([2**52, 2**52 + 1], False),
            ([-(2**53), 0], True),
        ],
    )
    def test_exactly_two_to_the_53(self, amounts: list[int], ok: bool) -> None:
        """A per-customer sum of exactly 2**53 is exact and kept; one more is refused
        (float64 bounds of exactly 2**53 are counted again in integers)."""
        arr = np.array(amounts, dtype=np.int64)
        if ok:
            facts = summarize([1] * len(arr), ["2024-01-01"] * len(arr), arr)
            assert int(facts.monetary[0]) == sum(amounts)
        else:
            with pytest.raises(InputError, match=r"may pass 2\*\*53"):
                summarize([1] * len(arr), ["2024-01-01"] * len(arr), arr)


class TestSummarizeDaySpan:
    def test_only_purchases_count(self) -> None:
        """A refund dated 2**62 days back moves no day count: accepted; a
        purchase there is refused at its input row (after dropped rows too)."""
        dates = np.array([-(2**62), 19_000, 19_100, 30_000], "M8[D]")
        facts = summarize([1, 1, 2, 2], dates, [-5.0, 1.0, 1.0, 1.0],
                          as_of="2024-01-01", after_as_of="drop")  # fmt: skip
        assert facts.recency_days.tolist() == [723.0, 623.0]
        with pytest.raises(InputError, match="2\\*\\*53 days") as info:
            summarize([2, 1, 1, 2], dates[[3, 1, 0, 2]], [1.0, 1.0, 0.0, 1.0],
                      as_of="2024-01-01", after_as_of="drop")  # fmt: skip
        assert (info.value.first_row, info.value.n_rows) == (2, 1)
        facts = summarize([2, 1, 1, 2], dates[[3, 1, 0, 2]], [1.0, 1.0, 0.0, 1.0],
                          as_of="2024-01-01", after_as_of="drop",
                          zero_amount="ignore")  # fmt: skip
        assert facts.frequency.tolist() == [1, 1]


# --------------------------------------------------------------------------
# the fast paths (issue 13): integer ids ranked through a bitmap or hashed,
# distinct days counted day by day or hashed; each forced on small data


def pandas_facts(ids: Any, ticks: np.ndarray, amounts: np.ndarray, days: bool) -> Any:
    """A plain pandas groupby of what summarize computes (purchases: amount >= 0)."""
    frame = pd.DataFrame({"id": ids, "t": ticks, "a": amounts})
    frame["day"] = frame["t"] // 86_400
    buy = frame[frame["a"] >= 0]
    out = frame.groupby("id", sort=True).agg(monetary=("a", "sum"))
    per = buy.groupby("id").agg(
        n=("day", "nunique") if days else ("t", "size"),
        lo=("t", "min"),
        hi=("t", "max"),
    )
    return out.join(per)


def check_against_pandas(
    ids: np.ndarray, ticks: np.ndarray, amounts: np.ndarray, days: bool
) -> None:
    dates = ticks.astype("datetime64[s]")
    inputs = (ids, dates, amounts)
    before = [x.copy() for x in inputs]
    facts = summarize(ids, dates, amounts, frequency="days" if days else "transactions")
    for was, now in zip(before, inputs, strict=True):  # the inputs are never written
        np.testing.assert_array_equal(was, now, strict=True)
    ref = pandas_facts(ids, ticks, amounts, days)
    assert facts.customer_id.dtype == ids.dtype
    assert facts.customer_id.tolist() == ref.index.tolist()
    assert facts.frequency.tolist() == ref["n"].fillna(0).astype(int).tolist()
    np.testing.assert_allclose(facts.monetary, ref["monetary"], rtol=1e-12, atol=1e-9)
    got_last = facts.last_purchase.view(np.int64)
    buyers = facts.frequency > 0
    assert got_last[buyers].tolist() == ref["hi"][buyers].astype(np.int64).tolist()
    got_first = facts.first_purchase.view(np.int64)
    assert got_first[buyers].tolist() == ref["lo"][buyers].astype(np.int64).tolist()
    assert np.isnat(facts.first_purchase[~buyers]).all()
    as_of = int(facts.as_of.astype(np.int64))
    for got, ref_ticks in (
        (facts.recency_days, ref["hi"]),
        (facts.tenure_days, ref["lo"]),
    ):
        days_to = as_of - ref_ticks[buyers].astype(np.int64) // 86_400
        assert got[buyers].tolist() == days_to.astype(np.float64).tolist()
        assert np.isnan(got[~buyers]).all()


@st.composite
def int_transactions(draw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer ids of any dtype and span, dates over a few days, some refunds."""
    n = draw(st.integers(1, 60))
    dtype = draw(st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8,
                                  np.uint32, np.uint64]))  # fmt: skip
    info = np.iinfo(dtype)
    lo = draw(st.integers(max(int(info.min), -(2**63)), min(int(info.max), 2**63 - 1)))
    span = draw(st.integers(1, 3 * n + 5))
    hi_ok = min(int(info.max), 2**63 - 1)
    offsets = draw(st.lists(st.integers(0, span - 1), min_size=n, max_size=n))
    ids = np.array([min(lo + o, hi_ok) for o in offsets], dtype=dtype)
    ticks = (
        np.array(
            draw(st.lists(st.integers(0, 20 * 86_400), min_size=n, max_size=n)),
            np.int64,
        )
        + 1_700_000_000
    )
    amounts = np.array(
        draw(
            st.lists(
                st.sampled_from([-2.5, 0.0, 1.0, 3.25, 10.0]), min_size=n, max_size=n
            )
        ),
        dtype=np.float64,
    )
    return ids, ticks, amounts


class TestIntegerIdPaths:
    @pytest.mark.parametrize(
        ("span_per_row", "min_span", "path"),
        [(16, 1 << 22, "bitmap"), (1, 0, "either"), (0, 0, "hashed")],
    )
    @given(
        data=int_transactions(),
        days=st.booleans(),
        seed=st.integers(0, 2**16),
        in_place=st.sampled_from([1, 1024]),
    )
    @settings(max_examples=40, deadline=None)
    def test_every_path_matches_a_pandas_groupby(
        self,
        span_per_row: int,
        min_span: int,
        path: str,
        data: tuple[np.ndarray, np.ndarray, np.ndarray],
        days: bool,
        seed: int,
        in_place: int,
    ) -> None:
        """Integer ids through the bitmap, the dense shortcut or hashing give the
        facts of a pandas groupby, in any row order, empty slots dropped in
        place or by a copy."""
        from custseg import summary

        ids, ticks, amounts = data
        order = np.random.default_rng(seed).permutation(len(ids))
        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "_BITMAP_SPAN_PER_ROW", span_per_row)
            m.setattr(summary, "_BITMAP_MIN_SPAN", min_span)
            m.setattr(summary, "_IN_PLACE_HOLES", in_place)
            check_against_pandas(ids, ticks, amounts, days)
            check_against_pandas(ids[order], ticks[order], amounts[order], days)

    @given(
        n=st.integers(1, 40),
        span_per_row=st.integers(0, 4),
        min_span=st.integers(0, 200),
        extra=st.sampled_from([0, 1]),
        lo=st.integers(-(2**62), 2**62),
    )
    @settings(max_examples=60, deadline=None)
    def test_bitmap_and_hash_meet_at_the_span_budget(
        self, n: int, span_per_row: int, min_span: int, extra: int, lo: int
    ) -> None:
        """A span of exactly max(span_per_row * n, min_span) ids takes the bitmap,
        one more is hashed; both rank the ids exactly (np.unique)."""
        from custseg import summary

        budget = max(span_per_row * n, min_span, 1)
        span = budget + extra
        ids = np.array(
            [lo, lo + span - 1, *((lo + (7 * i) % span) for i in range(n - 2))][:n],
            dtype=np.int64,
        )
        if n == 1:
            span = 1
        hashed = []
        real = summary._group_hashed_ints

        def spy(values: np.ndarray, **kwargs: Any) -> Any:
            hashed.append(True)
            return real(values, **kwargs)

        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "_group_hashed_ints", spy)
            groups = summary._group_ints(
                ids, span_per_row=span_per_row, min_span=min_span
            )
        assert groups is not None
        actual_span = int(ids.max()) - int(ids.min()) + 1
        assert bool(hashed) == (actual_span > max(span_per_row * n, min_span))
        uniq, inverse = np.unique(ids, return_inverse=True)
        assert groups.ids.tolist() == uniq.tolist()
        if groups.keep is None:  # ranks
            assert groups.codes.tolist() == inverse.tolist()
            assert groups.size == len(uniq)
        else:  # slots (nearly dense ids), the empty ones dropped by compact
            assert (
                groups.codes.tolist() == np.flatnonzero(groups.keep)[inverse].tolist()
            )

    @given(
        span=st.integers(3, 64),
        holes=st.integers(0, 20),
        repeats=st.integers(1, 3),
        lo=st.integers(-(10**12), 10**12),
        seed=st.integers(0, 2**16),
        in_place=st.sampled_from([1, 4, 1024]),
    )
    @settings(max_examples=60, deadline=None)
    def test_nearly_dense_ids_are_slots_up_to_one_hole_in_eight(
        self, span: int, holes: int, repeats: int, lo: int, seed: int, in_place: int
    ) -> None:
        """Ids lo .. hi with at most one absent in 8 (span <= rows) are used as
        slots, empty slots dropped (in place or by a copy); one more hole ranks
        them; both exact."""
        from custseg import summary

        rng = np.random.default_rng(seed)
        holes = min(holes, span - 2)
        absent = rng.choice(np.arange(1, span - 1), holes, replace=False)
        kept = np.setdiff1d(np.arange(span), absent) + lo
        ids = rng.permutation(np.repeat(kept, repeats))
        groups = summary._group_ints(ids)
        assert groups is not None
        slots = holes * summary._HOLES_PER_ID <= span and span <= len(ids)
        assert (groups.keep is not None) == (slots and holes > 0)
        uniq, inverse = np.unique(ids, return_inverse=True)
        assert groups.ids.tolist() == uniq.tolist()
        ticks = 1_700_000_000 + rng.integers(0, 10 * 86_400, len(ids))
        amounts = rng.choice([-1.0, 0.0, 2.5], len(ids))
        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "_IN_PLACE_HOLES", in_place)
            for scratch in (False, True):
                counts = np.bincount(groups.codes, minlength=groups.size)
                kept_counts = counts.copy()
                compacted = groups.compact(counts, scratch=scratch)
                assert compacted.tolist() == np.bincount(inverse).tolist()
                moved = scratch and groups.keep is not None
                moved &= holes * in_place <= span
                # a copy leaves the input alone; a move reuses its memory
                assert np.shares_memory(compacted, counts) == (
                    groups.keep is None or moved
                )
                if not moved:
                    assert counts.tolist() == kept_counts.tolist()
            check_against_pandas(ids, ticks, amounts, False)

    @given(
        n=st.integers(1, 30),
        kind=st.sampled_from(["int64", "datetime64[s]", "datetime64[D]"]),
        data=st.data(),
    )
    @settings(max_examples=60, deadline=None)
    def test_ids_from_zero_are_never_written(
        self, n: int, kind: str, data: st.DataObject
    ) -> None:
        """Ids 0 .. k-1 are their own codes (no copy); refunds must not write
        their slot into the caller's array."""
        # every id 0 .. n present (own codes), or one left out (own slots)
        hole = data.draw(st.sampled_from([None, *range(1, n)]))
        raw = [i for i in range(n + 1) if i != hole]
        raw += data.draw(st.lists(st.sampled_from(raw), max_size=n))
        ids = np.array(data.draw(st.permutations(raw)), dtype=np.int64).astype(kind)
        size = len(ids)
        refunds = data.draw(st.lists(st.booleans(), min_size=size, max_size=size))
        amounts = np.where(refunds, -1.0, 2.0)
        dates = np.full(size, np.datetime64("2024-01-02", "s"))
        kept = ids.copy()
        facts = summarize(ids, dates, amounts)
        np.testing.assert_array_equal(ids, kept, strict=True)
        assert facts.customer_id.tolist() == np.unique(kept).tolist()
        per_id = pd.Series(~np.array(refunds)).groupby(kept).sum()
        assert facts.frequency.tolist() == per_id.tolist()

    def test_dense_ids_are_their_own_codes(self) -> None:
        """Ids 0 .. k-1 all present are the codes themselves (no copy)."""
        from custseg import summary

        ids = np.array([2, 0, 1, 2, 1], dtype=np.int64)
        groups = summary._group_ints(ids)
        assert groups is not None and np.shares_memory(groups.codes, ids)
        assert groups.ids.tolist() == [0, 1, 2]

    def test_extreme_int64_ids(self) -> None:
        """Ids at both ends of int64 are hashed exactly and sorted."""
        ids = np.array([2**63 - 1, -(2**63), 0, 2**63 - 1], dtype=np.int64)
        facts = summarize(ids, [f"2024-01-0{d}" for d in (1, 2, 3, 4)], [1.0] * 4)
        assert facts.customer_id.tolist() == [-(2**63), 0, 2**63 - 1]
        assert facts.frequency.tolist() == [1, 1, 2]


class TestInPlaceHelpers:
    @given(
        values=st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=60),
        data=st.data(),
    )
    def test_close_holes_is_np_delete_in_place(
        self, values: list[int], data: st.DataObject
    ) -> None:
        """_close_holes gives np.delete's answer, in the memory it was given."""
        from custseg.summary import _close_holes

        arr = np.array(values, dtype=np.int64)
        holes = np.array(
            sorted(data.draw(st.sets(st.integers(0, len(arr) - 1)))), dtype=np.intp
        )
        expected = np.delete(arr, holes)
        out = _close_holes(arr, holes)
        assert out.tolist() == expected.tolist()
        assert np.shares_memory(out, arr) or not len(out)
        assert arr[len(out) :].tolist() == values[len(out) :]  # the tail untouched

    @pytest.mark.parametrize("per_day", [1, 24, 1440, 86_400, 86_400_000_000_000])
    @given(data=st.data(), chunk=st.integers(1, 8))
    def test_days_to_is_exact_integer_division(
        self, per_day: int, data: st.DataObject, chunk: int
    ) -> None:
        """Whole days to *day*, floored like Python's //, exact whenever the
        count is below 2**53 (what the summary's day-span check guarantees),
        however large the day numbers (up to the ends of int64), in chunks of
        any size."""
        from custseg import summary

        lo, hi = -(2**63 // per_day), (2**63 - 1) // per_day - 1
        day = data.draw(st.integers(lo, hi), label="day")
        counts = data.draw(
            st.lists(st.integers(day - hi, day - lo).filter(lambda c: abs(c) < 2**53)),
            label="counts",
        )
        ticks = [
            (day - c) * per_day + data.draw(st.integers(0, per_day - 1)) for c in counts
        ]
        # and any ticks at all (counts beyond 2**53 need not be exact)
        ticks += data.draw(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=5))
        arr = np.array(ticks, dtype=np.int64)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "CHUNK", chunk)
            got = summary._days_to(day, arr, per_day)
        assert got.dtype == np.float64
        assert arr.tolist() == ticks
        for tick, value in zip(ticks, got.tolist(), strict=True):
            exact = day - tick // per_day
            if abs(exact) < 2**53:
                assert value == exact


class TestDistinctDays:
    @pytest.mark.parametrize(
        ("max_span", "min_rows"), [(1 << 16, 1), (1 << 16, 64), (0, 1), (3, 1)]
    )
    @given(
        n=st.integers(1, 80),
        k=st.integers(1, 10),
        span=st.integers(1, 12),
        sort=st.booleans(),
        seed=st.integers(0, 2**16),
        per=st.sampled_from([1, 7, 86_400, 10**9]),
    )
    @settings(max_examples=40, deadline=None)
    def test_blocks_and_hashing_match_nunique(
        self, max_span: int, min_rows: int, n: int, k: int, span: int, sort: bool,
        seed: int, per: int,
    ) -> None:  # fmt: skip
        """Distinct values per code, day by day (rows in order or not) or hashed,
        equal pandas' groupby().nunique(), on both sides of each limit; values
        given as ticks of *per* (seconds of a day...) count by ``ticks // per``,
        negative ticks (before 1970) included."""
        from custseg import summary

        rng = np.random.default_rng(seed)
        codes = rng.integers(0, k, n).astype(np.intp)
        values = rng.integers(0, span, n) + int(rng.integers(-(10**6), 10**6))
        if sort:
            values = np.sort(values)
        ticks = values * per + rng.integers(0, per, n)  # anywhere in the period
        if sort:
            ticks = np.sort(ticks)
        kept = ticks.copy()
        got = summary._distinct_counts(
            codes, ticks, k, per=per, max_span=max_span, min_rows=min_rows
        )
        np.testing.assert_array_equal(ticks, kept)  # the input is not written
        ref = (
            pd.Series(ticks // per)
            .groupby(codes)
            .nunique()
            .reindex(range(k), fill_value=0)
        )
        assert got.tolist() == ref.tolist()

    @pytest.mark.parametrize(
        ("max_span", "min_rows"), [(1 << 16, 1), (1 << 16, 64), (0, 1)]
    )
    @given(
        n=st.integers(1, 80),
        k=st.integers(1, 10),
        days=st.lists(st.integers(-30_000, 30_000), min_size=1, max_size=12),
        sort=st.booleans(),
        seed=st.integers(0, 2**16),
        per_day=st.sampled_from([1, 86_400, 86_400 * 10**9]),
    )
    @settings(max_examples=40, deadline=None)
    def test_monotone_key_matches_nunique(
        self, max_span: int, min_rows: int, n: int, k: int, days: list[int],
        sort: bool, seed: int, per_day: int,
    ) -> None:  # fmt: skip
        """With a non-decreasing *key* (ticks to Monday-based week numbers, as
        the BTYD weeks use), the distinct keys per code, by blocks or hashed,
        equal pandas' nunique of the key column; the ticks are not written."""
        from custseg import summary

        rng = np.random.default_rng(seed)
        codes = rng.integers(0, k, n).astype(np.intp)
        ticks = np.asarray(days)[rng.integers(0, len(days), n)] * per_day
        ticks += rng.integers(0, per_day, n)  # anywhere in the day
        if sort:
            ticks = np.sort(ticks)
        kept = ticks.copy()

        def week(chunk: np.ndarray) -> np.ndarray:
            return (np.floor_divide(chunk, per_day) + 3) // 7  # 1970-01-01: Thu

        got = summary._distinct_counts(
            codes, ticks, k, key=week, max_span=max_span, min_rows=min_rows
        )
        np.testing.assert_array_equal(ticks, kept)
        ref = (
            pd.Series(week(ticks))
            .groupby(codes)
            .nunique()
            .reindex(range(k), fill_value=0)
        )
        assert got.tolist() == ref.tolist()

    @pytest.mark.parametrize("blocks", [True, False])
    @given(data=int_transactions(), seed=st.integers(0, 2**16))
    @settings(max_examples=30, deadline=None)
    def test_days_frequency_in_any_order(
        self,
        blocks: bool,
        data: tuple[np.ndarray, np.ndarray, np.ndarray],
        seed: int,
    ) -> None:
        """frequency='days' by day blocks or by hashing equals pandas' nunique of
        the purchase days, whatever the row order."""
        from custseg import summary

        ids, ticks, amounts = data
        order = np.random.default_rng(seed).permutation(len(ids))
        with pytest.MonkeyPatch.context() as m:
            m.setattr(summary, "_BLOCK_MIN_ROWS", 0 if blocks else 10**9)
            check_against_pandas(ids[order], ticks[order], amounts[order], True)
            check_against_pandas(ids, np.sort(ticks), amounts, True)
