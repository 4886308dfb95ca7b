"""Hostile tests of the memory-saving paths of the per-customer summary.

The summary writes the refund slot over the row codes in place (when they are
its own), ranks keys in place through a presence bitmap, counts distinct
days and weeks from timestamps chunk by chunk, turns object text ids into
one Arrow ``string`` array, and past the cache runs its bincounts and rank
lookups in a second thread (forced on and off here). These tests check that
no input is ever written to, and that every answer equals a plain pandas
reference, the same with or without the thread.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
import tracemalloc
import weakref
from collections.abc import Iterator
from functools import partial
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custseg import (
    _factorize,
    _threads,
    btyd_calibration_holdout,
    btyd_summary,
    summarize,
)
from custseg import summary as summary_module
from custseg.errors import InputError
from custseg.summary import _distinct_counts, _first_last, _group_ids, _group_ints

pa = pytest.importorskip("pyarrow")

_FAST = settings(max_examples=40, deadline=None)
_I64_MIN = np.iinfo(np.int64).min
_UNITS = ["D", "h", "m", "s", "ms", "us", "ns"]
_PER_DAY = {u: int(np.timedelta64(1, "D") // np.timedelta64(1, u)) for u in _UNITS}


@contextlib.contextmanager
def _overlap(on: bool) -> Iterator[list[int]]:
    """Run the summary's bincounts in a second thread whatever the number of
    customers (*on*), or never; yields the list of thread ids the overlapped
    work ran in (empty when it did not run beside)."""
    threads: list[int] = []
    real = _threads.overlapped

    def spy(work: Any, *args: Any) -> Any:
        def traced(*a: Any) -> Any:
            threads.append(threading.get_ident())
            return work(*a)

        return real(traced, *args)

    with (
        mock.patch.object(summary_module, "_OVERLAP_SLOTS", 1 if on else 1 << 62),
        mock.patch.object(summary_module, "_OVERLAP_SORT_SLOTS", 1 if on else 1 << 62),
        mock.patch.object(_threads, "spare_cpu", lambda: True),
        mock.patch.object(_threads, "overlapped", spy),
    ):
        yield threads


@contextlib.contextmanager
def _runs_forced(on: bool) -> Iterator[None]:
    """Write the extremes run by run (see ``summary._tick_runs``) for any
    number of customers and runs of any length (*on*), or as configured."""
    if not on:
        yield
        return
    with (
        mock.patch.object(summary_module, "_RUN_ROWS", 1),
        mock.patch.object(summary_module, "_RUN_SLOTS", 0),
    ):
        yield


@contextlib.contextmanager
def _words() -> Iterator[None]:
    """Text ids of any number of rows grouped as 8-byte words (hashed, their
    groups sorted after grouping), not keyed byte by byte."""
    with (
        mock.patch.object(_factorize, "_CAPPED_ROWS", 0),  # sample any input
        mock.patch.object(_factorize, "_SPARE_BITS", -64),  # and find it varied
    ):
        yield


# --------------------------------------------------------------------------
# helpers: id kinds, snapshots, the pandas reference


#: Numeric id kinds: each maps customer numbers (0, 1, ...) to ids in the same
#: order; (kind, dtype-or-container)
_NUMERIC_KINDS = [
    "int64",
    "int32",
    "int8",
    "uint16",
    "uint64",
    "uint64_huge",
    "float64",
    "float32",
    "dt64",
    "series_int64",
    "series_Int64",
    "series_arrow_int64",
    "series_dt64",
    "pyarrow_int64",
]
_TEXT_KINDS = [
    "object_str",
    "object_np_str",
    "series_str",
    "series_arrow_string",
    "series_arrow_large_string",
    "pyarrow_string",
    "pyarrow_large_string",
    "pyarrow_sliced",
    "pyarrow_chunked",
]


def _numeric_ids(kind: str, c: np.ndarray, base: int, stride: int, unit: str) -> Any:
    """Ids of a numeric *kind* for customer numbers *c* (order kept)."""
    v = base + c.astype(object) * stride  # Python ints: no wrap
    if kind == "int64" or kind.startswith(("series_int64", "series_Int64")):
        arr = np.array(v.tolist(), dtype=np.int64)
        if kind == "series_int64":
            return pd.Series(arr)
        if kind == "series_Int64":
            return pd.Series(arr, dtype="Int64")
        return arr
    if kind == "int32":
        return np.array([x % 2**31 if x >= 2**31 else x for x in v], dtype=np.int32)
    if kind == "int8":
        return c.astype(np.int8) - np.int8(5)
    if kind == "uint16":
        return (c * min(stride, 100)).astype(np.uint16)
    if kind == "uint64":
        return np.array([abs(x) for x in v], dtype=np.uint64)
    if kind == "uint64_huge":
        return np.array([2**63 + abs(x) for x in v], dtype=np.uint64)
    if kind == "float64":
        return np.array([float(x % 2**52) for x in v], dtype=np.float64)
    if kind == "float32":
        return (c * 3).astype(np.float32)
    if kind in ("dt64", "series_dt64"):
        arr = np.array(v.tolist(), dtype=np.int64).view(f"datetime64[{unit}]")
        return pd.Series(arr) if kind == "series_dt64" else arr
    if kind == "series_arrow_int64":
        return pd.Series(np.array(v.tolist(), dtype=np.int64), dtype="int64[pyarrow]")
    if kind == "pyarrow_int64":
        return pa.array(np.array(v.tolist(), dtype=np.int64))
    raise AssertionError(kind)


def _text_ids(kind: str, texts: list[str]) -> Any:
    """Ids of a text *kind* holding *texts* (one per row)."""
    if kind == "object_str":
        return np.array([*texts, "pad"], dtype=object)[:-1]
    if kind == "object_np_str":
        out = np.empty(len(texts), dtype=object)
        for i, t in enumerate(texts):
            out[i] = np.str_(t)
        return out
    if kind == "series_str":
        return pd.Series(texts, dtype="str")
    if kind == "series_arrow_string":
        return pd.Series(texts, dtype=pd.ArrowDtype(pa.string()))
    if kind == "series_arrow_large_string":
        return pd.Series(texts, dtype=pd.ArrowDtype(pa.large_string()))
    if kind == "pyarrow_string":
        return pa.array(texts, type=pa.string())
    if kind == "pyarrow_large_string":
        return pa.array(texts, type=pa.large_string())
    if kind == "pyarrow_sliced":
        return pa.array(["zz", "\x00x", *texts, "tail"], type=pa.string())[2:-1]
    if kind == "pyarrow_chunked":
        cut = len(texts) // 2
        return pa.chunked_array(
            [pa.array(texts[:cut], type=pa.large_string()), texts[cut:]],
            type=pa.large_string(),
        )
    raise AssertionError(kind)


def _snapshot(x: Any) -> Any:
    """A deep copy of *x* to compare against after a call."""
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            return [(type(e), e) for e in x.tolist()]
        return x.copy()
    if isinstance(x, pd.Series):
        return x.copy(deep=True)
    if isinstance(x, pa.Array | pa.ChunkedArray):
        return pa.array(x.to_pylist(), type=x.type)
    raise AssertionError(type(x))


def _assert_unchanged(x: Any, before: Any) -> None:
    """Assert *x* holds exactly what it held when *before* was taken."""
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            assert [(type(e), e) for e in x.tolist()] == before
        else:
            assert x.dtype == before.dtype
            assert x.tobytes() == before.tobytes()
    elif isinstance(x, pd.Series):
        pd.testing.assert_series_equal(x, before, check_exact=True)
        if isinstance(x.dtype, np.dtype):
            assert x.to_numpy().tobytes() == before.to_numpy().tobytes()
    else:
        assert pa.array(x.to_pylist(), type=x.type).equals(before)


def _exact_fill(agg: pd.Series, index: pd.Index) -> np.ndarray:
    """*agg* (int64) spread over *index*, NaT's ticks elsewhere (no float
    round trip, which ``reindex`` would make)."""
    out = np.full(len(index), _I64_MIN, dtype=np.int64)
    out[index.get_indexer(agg.index)] = agg.to_numpy(dtype=np.int64)
    return out


def _reference(
    keys: list[Any],
    ticks: np.ndarray,
    per_day: int,
    amounts: np.ndarray,
    *,
    as_of_day: int | None,
    frequency: str,
    zero_amount: str,
) -> pd.DataFrame:
    """The facts by a plain pandas groupby, indexed by the sorted keys."""
    df = pd.DataFrame({"k": pd.Series(keys, dtype=object), "t": ticks, "a": amounts})
    df["day"] = np.floor_divide(df["t"].to_numpy(), per_day)
    if as_of_day is None:
        as_of_day = int(df["day"].max()) + 1
    df = df[df["day"] <= as_of_day]
    buy = df["a"] > 0 if zero_amount == "ignore" else df["a"] >= 0
    out = pd.DataFrame({"monetary": df.groupby("k", sort=True)["a"].sum()})
    p = df[buy].groupby("k", sort=True)
    freq = p.size() if frequency == "transactions" else p["day"].nunique()
    out["frequency"] = freq.reindex(out.index).fillna(0).astype(np.int64)
    out["first"] = _exact_fill(p["t"].min(), out.index)
    out["last"] = _exact_fill(p["t"].max(), out.index)
    last_day = p["day"].max().reindex(out.index)
    first_day = p["day"].min().reindex(out.index)
    out["recency"] = (as_of_day - last_day).astype(np.float64)
    out["tenure"] = (as_of_day - first_day).astype(np.float64)
    out.attrs["as_of_day"] = as_of_day
    out.attrs["n_rows"] = len(df)
    return out


def _assert_facts(facts: Any, ref: pd.DataFrame, unit: str) -> None:
    """Assert the summary's per-customer arrays equal the reference's."""
    np.testing.assert_array_equal(facts.frequency, ref["frequency"].to_numpy())
    np.testing.assert_array_equal(facts.monetary, ref["monetary"].to_numpy())
    # a Series of datetime64[D] is seconds in pandas: compare as datetimes
    for name in ("first", "last"):
        got = getattr(facts, f"{name}_purchase")
        assert got.dtype.kind == "M"
        want = ref[name].to_numpy().view(f"datetime64[{unit}]")
        np.testing.assert_array_equal(np.isnat(got), np.isnat(want))
        assert (got[~np.isnat(got)] == want[~np.isnat(want)]).all()
    np.testing.assert_array_equal(facts.recency_days, ref["recency"].to_numpy())
    np.testing.assert_array_equal(facts.tenure_days, ref["tenure"].to_numpy())
    assert facts.as_of == np.datetime64(ref.attrs["as_of_day"], "D")
    assert facts.n_rows == ref.attrs["n_rows"]


@st.composite
def _rows(draw: st.DrawFn, max_rows: int = 40) -> dict[str, Any]:
    """Customer numbers, dates (any unit, before and after 1970), amounts with
    refunds and zeros (multiples of 1/4: sums are exact in any order)."""
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(1, n))
    c = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    unit = draw(st.sampled_from(_UNITS))
    per_day = _PER_DAY[unit]
    base_day = draw(st.sampled_from([-25_000, -1, 0, 19_000]))
    days = np.array(draw(st.lists(st.integers(-40, 40), min_size=n, max_size=n)))
    within = np.array(
        draw(st.lists(st.integers(0, per_day - 1), min_size=n, max_size=n))
    )
    ticks = (base_day + days) * per_day + within
    amounts = (
        np.array(draw(st.lists(st.integers(-8, 40), min_size=n, max_size=n))) / 4.0
    )
    return {
        "c": c,
        "unit": unit,
        "ticks": ticks.astype(np.int64),
        "dates": ticks.astype(np.int64).view(f"datetime64[{unit}]"),
        "amounts": amounts,
        "base_day": base_day,
    }


# --------------------------------------------------------------------------
# summarize: inputs never written, answers equal to pandas


class TestSummarizeNumericIds:
    @_FAST
    @given(
        rows=_rows(),
        kind=st.sampled_from(_NUMERIC_KINDS),
        base=st.sampled_from([0, 0, 3, -7, 2**40]),
        stride=st.sampled_from([1, 1, 2, 9, 1_000_003, 2**38]),
        id_unit=st.sampled_from(["D", "s", "ns"]),
        frequency=st.sampled_from(["transactions", "days"]),
        zero_amount=st.sampled_from(["purchase", "ignore"]),
        drop_after=st.booleans(),
        overlap=st.booleans(),
    )
    def test_inputs_untouched_and_facts_equal_pandas(
        self,
        rows: dict[str, Any],
        kind: str,
        base: int,
        stride: int,
        id_unit: str,
        frequency: str,
        zero_amount: str,
        drop_after: bool,
        overlap: bool,
    ) -> None:
        """Numeric ids of every kind (ids that are their own codes, datetime ids
        at the epoch, unsigned, float, Series, Arrow): ids, dates and amounts
        are bit-identical after the call, facts equal a pandas groupby, with
        the bincounts in a second thread or not."""
        if kind in ("dt64", "series_dt64"):
            base = max(base, 0)  # an id at the epoch when base is 0
        ids = _numeric_ids(kind, rows["c"], base, stride, id_unit)
        # the kind's dtype must hold the stride: distinct customers, distinct
        # ids (an int32 id wraps 2**38 round to 0)
        distinct = np.unique(rows["c"])
        probe = _numeric_ids(kind, distinct, base, stride, id_unit)
        probe = np.asarray(probe.to_numpy() if hasattr(probe, "to_numpy") else probe)
        assume(len(pd.unique(probe)) == len(distinct))
        dates, amounts = rows["dates"], rows["amounts"]
        if kind.startswith("series"):
            dates = pd.Series(dates)
            amounts = pd.Series(amounts)
        before = [_snapshot(x) for x in (ids, dates, amounts)]
        as_of_day = None
        kwargs: dict[str, Any] = {}
        if drop_after:
            as_of_day = rows["base_day"]  # about half the rows are after it
            kwargs = {"as_of": np.datetime64(as_of_day, "D"), "after_as_of": "drop"}
        ref = _reference(
            rows["c"].tolist(),
            rows["ticks"],
            _PER_DAY[rows["unit"]],
            rows["amounts"],
            as_of_day=as_of_day,
            frequency=frequency,
            zero_amount=zero_amount,
        )
        if not len(ref):
            return  # every row after as_of: nothing to compare
        with _overlap(overlap) as threads:
            facts = summarize(
                ids,
                dates,
                amounts,
                frequency=frequency,
                zero_amount=zero_amount,
                **kwargs,
            )
        assert len(threads) == overlap
        for x, b in zip((ids, dates, amounts), before, strict=True):
            _assert_unchanged(x, b)
        want = _numeric_ids(
            kind, ref.index.to_numpy(dtype=np.int64), base, stride, id_unit
        )
        want = np.asarray(want.to_numpy() if hasattr(want, "to_numpy") else want)
        # the summary is in id order; some kinds' ids are not in customer
        # number order (uint64 takes abs(), int32 wraps)
        order = np.argsort(want, kind="stable")
        want, ref = want[order], ref.iloc[order]
        got = np.asarray(facts.customer_id)
        if want.dtype.kind == "M":
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got.view(np.int64), want.view(np.int64))
        else:
            assert got.tolist() == want.tolist()
        _assert_facts(facts, ref, rows["unit"])

    @_FAST
    @given(
        n=st.integers(1, 300),
        holes=st.integers(0, 3),
        frequency=st.sampled_from(["transactions", "days"]),
    )
    def test_ids_that_are_their_own_codes_survive_refunds(
        self, n: int, holes: int, frequency: str
    ) -> None:
        """int64 ids 0 .. k-1 (every one present, or nearly) with refunds: the
        refund slot never lands in the caller's ids."""
        rng = np.random.default_rng(n * 7 + holes)
        ids = rng.integers(0, max(1, n // 2), size=n).astype(np.int64)
        ids[: min(n, n // 2)] = np.arange(min(n, n // 2))  # dense from 0
        if holes:
            ids[ids == ids.max()] = 0  # a hole at the top
        amounts = rng.choice([-2.0, 0.0, 1.0, 5.0], size=n)
        dates = np.datetime64("1969-12-25") + rng.integers(0, 20, size=n)
        before = ids.copy()
        facts = summarize(ids, dates, amounts, frequency=frequency)
        np.testing.assert_array_equal(ids, before)
        ref = _reference(
            ids.tolist(),
            dates.astype(np.int64),
            1,
            amounts,
            as_of_day=None,
            frequency=frequency,
            zero_amount="purchase",
        )
        assert facts.customer_id.tolist() == ref.index.tolist()
        _assert_facts(facts, ref, "D")

    def test_read_only_ids_and_arrow_buffers_are_not_written(self) -> None:
        """Read-only int64 ids starting at 0 (Arrow's zero-copy buffers) with
        refunds give the facts, not a 'read-only' NumPy traceback."""
        ids = np.array([0, 1, 2, 0, 1, 2], dtype=np.int64)
        ids.flags.writeable = False
        dates = np.array(["2024-01-01"] * 6, dtype="datetime64[D]")
        amounts = np.array([5.0, -1.0, 2.0, -3.0, 4.0, 0.0])
        facts = summarize(ids, dates, amounts)
        assert facts.frequency.tolist() == [1, 1, 2]
        facts = summarize(pa.array(ids), dates, amounts, frequency="days")
        assert facts.frequency.tolist() == [1, 1, 1]
        assert facts.monetary.tolist() == [2.0, 3.0, 2.0]


class TestSummarizeTextIds:
    @_FAST
    @given(
        rows=_rows(),
        pool=st.lists(
            st.text(
                alphabet=st.sampled_from(["a", "b", "Z", "0", "é", "€", "😀", " "]),
                max_size=5,
            ),
            min_size=1,
            max_size=12,
            unique=True,
        ),
        kind=st.sampled_from(_TEXT_KINDS),
        long=st.booleans(),
        frequency=st.sampled_from(["transactions", "days"]),
        zero_amount=st.sampled_from(["purchase", "ignore"]),
        overlap=st.booleans(),
    )
    def test_inputs_untouched_and_facts_equal_pandas(
        self,
        rows: dict[str, Any],
        pool: list[str],
        kind: str,
        long: bool,
        frequency: str,
        zero_amount: str,
        overlap: bool,
    ) -> None:
        """Text ids of every container (object str and np.str_, pandas str,
        Arrow string / large_string, sliced, chunked; lengths differing,
        non-ASCII, over 64 bytes): inputs unchanged, facts equal pandas."""
        if long:
            pool = [p + "x" * 70 if i % 2 else p for i, p in enumerate(pool)]
        texts = [pool[i % len(pool)] for i in rows["c"].tolist()]
        ids = _text_ids(kind, texts)
        dates, amounts = rows["dates"], rows["amounts"]
        before = [_snapshot(x) for x in (ids, dates, amounts)]
        with _overlap(overlap) as threads:
            facts = summarize(
                ids, dates, amounts, frequency=frequency, zero_amount=zero_amount
            )
        assert len(threads) == overlap
        for x, b in zip((ids, dates, amounts), before, strict=True):
            _assert_unchanged(x, b)
        ref = _reference(
            texts,
            rows["ticks"],
            _PER_DAY[rows["unit"]],
            amounts,
            as_of_day=None,
            frequency=frequency,
            zero_amount=zero_amount,
        )
        got = list(facts.customer_id)
        assert all(type(g) is str for g in got)
        assert got == ref.index.tolist()
        _assert_facts(facts, ref, rows["unit"])

    @_FAST
    @given(
        texts=st.lists(
            st.text(alphabet=st.sampled_from(["a", "\x00", "é", "b"]), max_size=4),
            min_size=1,
            max_size=30,
        ),
        kind=st.sampled_from(_TEXT_KINDS),
    )
    def test_nul_bytes_and_lengths_group_like_pandas(
        self, texts: list[str], kind: str
    ) -> None:
        """Ids holding NUL bytes, of differing lengths ("a" vs "a\\x00"), group
        exactly as pandas.factorize(sort=True) groups them."""
        ids = _text_ids(kind, texts)
        n = len(texts)
        facts = summarize(
            ids, np.full(n, np.datetime64("2024-01-01", "D")), np.arange(n) + 1.0
        )
        codes, uniques = pd.factorize(np.array(texts, dtype=object), sort=True)
        assert list(facts.customer_id) == list(uniques)
        want = np.bincount(codes, weights=np.arange(n) + 1.0)
        np.testing.assert_array_equal(facts.monetary, want)

    @_FAST
    @given(
        texts=st.lists(st.none() | st.text(max_size=3), min_size=1, max_size=20),
        kind=st.sampled_from(
            ["object", "series_str", "pyarrow_string", "pyarrow_sliced", "chunked"]
        ),
    )
    def test_missing_text_ids_are_refused(
        self, texts: list[str | None], kind: str
    ) -> None:
        """A missing id among text ids (Arrow null, None in an object array)
        raises InputError naming customer_id, never a mis-grouping."""
        assume(any(t is None for t in texts))
        assume(any(t is not None for t in texts))
        if kind == "object":
            ids: Any = np.array([*texts, ""], dtype=object)[:-1]
        elif kind == "series_str":
            ids = pd.Series(texts, dtype="str")
        elif kind == "pyarrow_string":
            ids = pa.array(texts, type=pa.string())
        elif kind == "pyarrow_sliced":
            ids = pa.array(["x", *texts, "y"], type=pa.large_string())[1:-1]
        else:
            ids = pa.chunked_array(
                [pa.array(texts[:1], pa.string()), pa.array(texts[1:], pa.string())]
            )
        n = len(texts)
        with pytest.raises(InputError, match="customer_id"):
            summarize(ids, np.full(n, np.datetime64("2024-01-01", "D")), np.ones(n))

    @_FAST
    @given(
        ids=st.lists(st.none() | st.text(alphabet="ab\x00é", max_size=3), min_size=2),
        cut=st.integers(0, 1000),
    )
    def test_over_2_gib_fallback_groups_the_same(
        self, ids: list[str | None], cut: int
    ) -> None:
        """Should Arrow hand the converted text back in chunks, the array
        they are joined into gives the same summary, and a None among the
        ids is still refused."""
        present = [i for i in ids if i is not None]
        assume(present)
        real = pa.array
        at = cut % (len(ids) + 1)

        def chunked(
            data: object, type: object = None, from_pandas: bool = False
        ) -> Any:
            items = list(data)  # type: ignore[call-overload]
            return pa.chunked_array(
                [real(items[:at], type=type), real(items[at:], type=type)], type=type
            )

        values = np.array(present, dtype=object)
        n = len(values)
        dates = np.datetime64("2024-01-01", "D") + np.arange(n) % 3
        amounts = np.arange(n) - 1.0
        ref = summarize(values, dates, amounts, frequency="days")
        with pytest.MonkeyPatch.context() as m:
            m.setattr(pa, "array", chunked)
            got = summarize(values, dates, amounts, frequency="days")
            if len(present) < len(ids):
                with pytest.raises(InputError, match="customer_id"):
                    summarize(
                        np.array(ids, dtype=object),
                        np.resize(dates, len(ids)),
                        np.ones(len(ids)),
                    )
        assert list(got.customer_id) == list(ref.customer_id)
        np.testing.assert_array_equal(got.frequency, ref.frequency)
        np.testing.assert_array_equal(got.monetary, ref.monetary)
        assert [(type(x), x) for x in values.tolist()] == [(str, p) for p in present]

    @_FAST
    @given(
        texts=st.lists(
            st.text(alphabet=st.sampled_from(["a", "b", "é", "7"]), max_size=4),
            min_size=1,
            max_size=30,
        ),
        task=st.sampled_from(["transactions", "days", "btyd", "holdout"]),
        late=st.booleans(),
    )
    def test_object_text_copy_is_let_go_before_the_ids_are_made(
        self, texts: list[str], task: str, late: bool
    ) -> None:
        """Object text ids are converted to one Arrow ``string`` array (32-bit
        offsets, not cast to ``large_string``), and that copy is let go
        before the distinct ids are made as Python ``str`` (the peak memory
        of object ids): Arrow's pool holds nothing more then than before the
        call, whatever the task and whether rows after the cutoff are
        dropped."""
        import gc

        from custseg.summary import _id_values

        values = np.array(texts, dtype=object)
        converted = _id_values(values, "customer_id")
        assert isinstance(converted, pd.arrays.ArrowExtensionArray)
        assert converted.dtype.pyarrow_dtype == pa.string()
        del converted
        n = len(texts)
        dates = np.datetime64("2024-01-01", "D") + np.arange(n) % 5
        if late:  # the last row after the cutoff, dropped
            dates[-1] = np.datetime64("2024-03-01", "D")
        amounts = np.arange(n) - 1.0
        cut = {"after_as_of": "drop"} if late else {}
        end = {"observation_end": "2024-01-05"}
        drop = {"after_observation_end": "drop"} if late else {}
        run = {
            "transactions": lambda: summarize(
                values, dates, amounts, as_of="2024-01-05", **cut
            ),
            "days": lambda: summarize(
                values, dates, amounts, as_of="2024-01-05", frequency="days", **cut
            ),
            "btyd": lambda: btyd_summary(values, dates, amounts, **end, **drop),
            "holdout": lambda: btyd_calibration_holdout(
                values, dates, amounts, calibration_end="2024-01-02", **end, **drop
            ),
        }[task]
        ref = run()
        held: list[int] = []
        real = _factorize._symbols_to_str

        def watched(text: Any, pa_: Any) -> Any:
            held.append(pa.total_allocated_bytes())
            return real(text, pa_)

        # Garbage of earlier tests (Arrow buffers in cycles) is frozen, so no
        # collection during the run frees it and moves the count: cheaper
        # than a full collection, which walks every object of the session.
        gc.freeze()
        try:
            before = pa.total_allocated_bytes()
            with pytest.MonkeyPatch.context() as m:
                m.setattr(_factorize, "_symbols_to_str", watched)
                got = run()
        finally:
            gc.unfreeze()
        # made once (none when every row was dropped), with no text held
        assert held == ([before] if len(ref.customer_id) else [])
        assert list(got.customer_id) == list(ref.customer_id)
        assert all(type(c) is str for c in got.customer_id)

    @pytest.mark.parametrize("words", [False, True])
    @pytest.mark.parametrize("beside", [False, True])
    def test_codes_are_let_go_before_the_ids_are_made(
        self, words: bool, beside: bool
    ) -> None:
        """Making the ids' Python strings is the summary's peak of memory: by
        then the codes (8 bytes a row) are gone, and the strings are made in
        id order, chunk by chunk (keyed ids, or words sorted after
        grouping; sorted in the caller's thread or beside)."""
        values = pd.Series([f"user{i * 7919 % 1000:04d}@x.org" for i in range(3000)])
        values = values.astype("str")
        dates = np.datetime64("2024-01-01", "D") + np.arange(3000) % 9
        amounts = np.arange(3000) % 5 - 1.0
        ref = summarize(values, dates, amounts)
        codes: list[Any] = []
        real_group = summary_module._group_ids

        def grouped(*args: Any, **kwargs: Any) -> Any:
            groups = real_group(*args, **kwargs)
            codes.append((weakref.ref(groups.codes), groups.order is not None))
            return groups

        alive: list[bool] = []
        real_strings = _factorize._symbols_to_str

        def watched(text: Any, pa_: Any) -> Any:
            alive.append(codes[0][0]() is not None)
            return real_strings(text, pa_)

        with (
            pytest.MonkeyPatch.context() as m,
            _words() if words else contextlib.nullcontext(),
            _overlap(beside),
        ):
            m.setattr(_factorize, "CHUNK", 256)
            m.setattr(summary_module, "_group_ids", grouped)
            m.setattr(_factorize, "_symbols_to_str", watched)
            got = summarize(values, dates, amounts)
        assert codes[0][1] == words  # words: sorted after grouping
        assert alive and not any(alive)
        assert len(alive) == (4 if words else 1)  # 1000 ids, 256 at a time
        assert got.customer_id.tolist() == ref.customer_id.tolist()
        np.testing.assert_array_equal(got.monetary, ref.monetary)


# --------------------------------------------------------------------------
# the building blocks against NumPy / pandas


class TestOverlappedPasses:
    """Past the cache the summary runs its bincounts in a second thread: the
    answer must be the same, bit for bit, and errors must reach the caller."""

    @_FAST
    @given(
        codes=st.lists(st.integers(0, 30), min_size=1, max_size=200),
        amounts=st.lists(
            st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
            min_size=200,
            max_size=200,
        ),
        zeros=st.integers(0, 200),
        id_kind=st.sampled_from(["dense", "sparse", "owned", "text", "wide", "words"]),
        frequency=st.sampled_from(["transactions", "days"]),
        zero_amount=st.sampled_from(["purchase", "ignore"]),
        chunk=st.integers(1, 64),
        day_runs=st.booleans(),
    )
    def test_same_bits_with_and_without_a_second_thread(
        self,
        codes: list[int],
        amounts: list[float],
        zeros: int,
        id_kind: str,
        frequency: str,
        zero_amount: str,
        chunk: int,
        day_runs: bool,
    ) -> None:
        """Floats whose sums round differently in another order (0.1 + ...):
        every array is bit-identical whether the bincounts ran beside the
        extremes (in another thread) or after them; beside, refunds are
        left out of the first and last purchase chunk by chunk (*chunk*
        rows) and out of the counts by subtraction. With *day_runs* (dates
        in runs of five rows a day), the extremes beside are written run by
        run, those after by ``ufunc.at``."""
        n = len(codes)
        c = np.array(codes)
        ids: Any = {
            "dense": c,  # the caller's array, used as the codes
            "sparse": c * 7 + 3,  # ranked into codes of the summary's own
            "owned": c + 5,  # offsets from the lowest: the summary's own
            "text": np.array([f"C{x:03d}" for x in codes], dtype=object),
            # hashed, their groups sorted beside (see _words below)
            "wide": c * 10**12 - 7,
            "words": np.array([f"u{x * 7919:05d}@x.org" for x in codes], dtype=object),
        }[id_kind]
        amt = np.array(amounts[:n])
        amt[: min(zeros, n)] = 0.0
        dates = (
            np.datetime64("2024-01-01", "D") + np.arange(n) // 5
            if day_runs
            else np.datetime64("2024-01-01T00:00", "m") + np.arange(n) * 997
        )
        before = ids.copy()
        words = _words if id_kind == "words" else contextlib.nullcontext
        with words(), _overlap(False) as none:
            plain = summarize(
                ids, dates, amt, frequency=frequency, zero_amount=zero_amount
            )
            unsorted = summary_module._group_ids(ids, "id", ordered=False)
        with (
            words(),
            _overlap(True) as threads,
            mock.patch.object(summary_module, "_EXTREMES_CHUNK", chunk),
            _runs_forced(day_runs),
        ):
            beside = summarize(
                ids, dates, amt, frequency=frequency, zero_amount=zero_amount
            )
        # the groups of hashed ids are sorted after grouping (and beside);
        # ascending integer ids are counted into ranks at once
        ascending = bool(np.all(c[1:] >= c[:-1]))
        later = id_kind == "words" or (id_kind == "wide" and not ascending)
        assert (unsorted.order is not None) == later
        # and every aggregate lands on its own customer: the last purchase of
        # each id (its rows other than refunds, and zeros when ignored)
        kept = amt > 0 if zero_amount == "ignore" else amt >= 0
        last: dict[Any, list[np.datetime64]] = {}
        for i, d, k in zip(ids.tolist(), dates, kept, strict=True):
            last.setdefault(i, []).extend([d] if k else [])
        assert plain.customer_id.tolist() == sorted(last)
        want = np.array(
            [max(last[i], default=np.datetime64("NaT")) for i in sorted(last)],
            dtype=dates.dtype,
        )
        np.testing.assert_array_equal(plain.last_purchase, want)
        assert none == [] and len(threads) == 1
        assert threads[0] != threading.get_ident()
        np.testing.assert_array_equal(ids, before)
        for name in (
            "customer_id",
            "frequency",
            "monetary",
            "first_purchase",
            "last_purchase",
            "recency_days",
            "tenure_days",
        ):
            a, b = getattr(plain, name), getattr(beside, name)
            assert a.dtype == b.dtype
            assert (
                a.tobytes() == b.tobytes()
                if a.dtype != object
                else a.tolist() == b.tolist()
            )

    @pytest.mark.parametrize("frequency", ["transactions", "days"])
    def test_an_error_in_the_second_thread_reaches_the_caller(
        self, frequency: str
    ) -> None:
        """Integer amounts whose sum may pass 2**53 are refused by the sums,
        which run in the second thread: the caller gets the InputError."""
        ids = np.array([0, 1, 0, 1])
        dates = np.array(["2024-01-01"] * 4, dtype="datetime64[D]")
        amounts = np.array([2**52, 1, 2**52 + 2, -1], dtype=np.int64)
        with _overlap(True) as threads, pytest.raises(InputError, match="2\\*\\*53"):
            summarize(ids, dates, amounts, frequency=frequency)
        assert len(threads) == 1

    def test_a_second_thread_only_past_the_cache_and_with_a_spare_cpu(self) -> None:
        """Few customers, or one CPU: the bincounts run in the caller's thread."""
        ids = np.arange(40) % 7
        dates = np.array(["2024-01-01"] * 40, dtype="datetime64[D]")
        amounts = np.ones(40)
        calls: list[int] = []
        real = _threads.overlapped

        def spy(work: Any, *args: Any) -> Any:
            calls.append(1)
            return real(work, *args)

        with mock.patch.object(_threads, "overlapped", spy):
            summarize(ids, dates, amounts)  # 7 customers, below the threshold
            assert calls == []
            with (
                mock.patch.object(summary_module, "_OVERLAP_SLOTS", 7),
                mock.patch.object(_threads, "spare_cpu", lambda: False),
            ):
                summarize(ids, dates, amounts)
            assert calls == []
            with (
                mock.patch.object(summary_module, "_OVERLAP_SLOTS", 7),
                mock.patch.object(_threads, "spare_cpu", lambda: True),
            ):
                summarize(ids, dates, amounts)
            assert calls == [1]

    def test_groups_to_sort_go_beside_from_fewer_customers(self) -> None:
        """Hashed ids, whose groups are sorted after grouping, have the second
        thread from ``_OVERLAP_SORT_SLOTS`` customers (it sorts them too),
        unless it would cost a copy of the codes (distinct days, refunds);
        ranked ids only from ``_OVERLAP_SLOTS``."""
        wide = (np.arange(40) % 7) * 10**12 + (np.arange(40) % 2)
        ranked = np.arange(40) % 14
        dates = np.array(["2024-01-01"] * 40, dtype="datetime64[D]")
        calls: list[str] = []
        real = _threads.overlapped

        def spy(work: Any, *args: Any) -> Any:
            calls.append("beside")
            return real(work, *args)

        with (
            mock.patch.object(_threads, "overlapped", spy),
            mock.patch.object(_threads, "spare_cpu", lambda: True),
            mock.patch.object(summary_module, "_OVERLAP_SLOTS", 20),
            mock.patch.object(summary_module, "_OVERLAP_SORT_SLOTS", 14),
        ):
            assert _group_ids(wide, "id", ordered=False).order is not None
            summarize(wide, dates, np.ones(40))  # 14 customers, to sort
            assert calls == ["beside"]
            summarize(ranked, dates, np.ones(40))  # 14 customers, ranked
            assert calls == ["beside"]
            summarize(wide[:12], dates[:12], np.ones(12))  # 12 customers
            assert calls == ["beside"]
            # distinct days with a refund: beside, the codes would be copied
            refund = np.where(np.arange(40) == 3, -1.0, 1.0)
            summarize(wide, dates, refund, frequency="days")
            assert calls == ["beside"]
            summarize(wide, dates, np.ones(40), frequency="days")
            summarize(wide, dates, refund)
            assert calls == ["beside"] * 3

    def test_overlapped_returns_raises_and_runs_elsewhere(self) -> None:
        where: list[int] = []

        def work(x: int) -> int:
            where.append(threading.get_ident())
            return x * 2

        assert _threads.overlapped(work, 21)() == 42
        assert where and where[0] != threading.get_ident()

        def fail() -> None:
            raise InputError("amount", "is wrong", fix="fix it")

        wait = _threads.overlapped(fail)
        with pytest.raises(InputError, match="is wrong"):
            wait()

        def no_threads(self: threading.Thread) -> None:
            raise RuntimeError("can't start new thread")

        where.clear()
        with mock.patch.object(threading.Thread, "start", no_threads):
            wait = _threads.overlapped(work, 5)
            assert where == [threading.get_ident()]  # ran here, at once
        assert wait() == 10

    @pytest.mark.parametrize("n", [0, 1, 2, 7, 100])
    def test_in_halves_covers_every_row_once_in_two_threads(self, n: int) -> None:
        seen: list[tuple[int, int, int]] = []

        def work(start: int, stop: int) -> int:
            seen.append((start, stop, threading.get_ident()))
            return stop - start

        half = n // 2
        with mock.patch.object(_threads, "spare_cpu", lambda: True):
            assert _threads.in_halves(work, n, threads=True) == (half, n - half)
        assert sorted(s[:2] for s in seen) == [(0, half), (half, n)]
        assert len({s[2] for s in seen}) == 2  # the second half elsewhere
        seen.clear()
        for threads, spare in [(False, True), (True, False)]:
            with mock.patch.object(_threads, "spare_cpu", lambda s=spare: s):
                assert _threads.in_halves(work, n, threads=threads) == (
                    half,
                    n - half,
                )
        assert {s[2] for s in seen} == {threading.get_ident()}

    def test_in_halves_waits_for_both_halves_and_raises_what_they_raise(
        self,
    ) -> None:
        finished: list[int] = []

        def first_fails(start: int, stop: int) -> None:
            if start == 0:
                raise InputError("amount", "is wrong", fix="fix it")
            time.sleep(0.05)
            finished.append(stop)

        def second_fails(start: int, stop: int) -> int:
            if start:
                raise InputError("date", "is late", fix="fix it")
            return stop

        with mock.patch.object(_threads, "spare_cpu", lambda: True):
            with pytest.raises(InputError, match="is wrong"):
                _threads.in_halves(first_fails, 10, threads=True)
            assert finished == [10]  # the second half was waited for
            with pytest.raises(InputError, match="is late"):
                _threads.in_halves(second_fails, 10, threads=True)

    def test_once_makes_its_value_once_whichever_thread_asks(self) -> None:
        calls: list[int] = []
        started = threading.Event()

        def make() -> list[int]:
            calls.append(threading.get_ident())
            started.set()
            time.sleep(0.05)  # the other thread asks meanwhile, and waits
            return [len(calls)]

        get = _threads.once(make)
        beside = _threads.overlapped(get)
        started.wait()
        here = get()
        assert beside() is here and here == [1] and len(calls) == 1
        assert calls[0] != threading.get_ident()  # made beside, waited for here

        failures = iter([True, False])

        def flaky() -> int:
            if next(failures):
                raise InputError("id", "is odd", fix="fix it")
            return 7

        get = _threads.once(flaky)
        with pytest.raises(InputError, match="is odd"):
            get()
        assert get() == 7 and get() == 7  # an error is not kept

        class Held:  # what the maker holds is let go once it has made
            pass

        held = Held()
        gone = weakref.ref(held)
        get = _threads.once(partial(id, held))
        del held
        assert gone() is not None
        get()
        assert gone() is None

    @pytest.mark.parametrize("busy", [0.0, 0.05])
    def test_shared_runs_each_work_once_and_returns_them_in_order(
        self, busy: float
    ) -> None:
        ran: list[tuple[int, int]] = []

        def work(i: int) -> int:
            ran.append((i, threading.get_ident()))
            if i == 0:
                time.sleep(busy)  # the second thread busy: the caller helps
            return i * 10

        finish = _threads.shared(*(partial(work, i) for i in range(4)))
        assert finish() == [0, 10, 20, 30]
        assert sorted(i for i, _ in ran) == [0, 1, 2, 3]
        here = threading.get_ident()
        first = dict(ran)[0]
        assert first != here  # the second thread takes the first work
        if busy:  # the caller took what was left while it slept
            assert {t for i, t in ran if i} == {here}

    def test_shared_raises_the_first_error_after_every_work(self) -> None:
        done: list[int] = []

        def fails(i: int) -> None:
            done.append(i)
            if i in (1, 2):
                raise InputError("amount", f"is wrong {i}", fix="fix it")

        finish = _threads.shared(*(partial(fails, i) for i in range(4)))
        with pytest.raises(InputError, match="is wrong 1"):
            finish()
        assert sorted(done) == [0, 1, 2, 3]

    @pytest.mark.parametrize(
        ("cpus", "spare"), [({0}, False), ({0, 1}, True), ({3, 5, 6}, True)]
    )
    def test_spare_cpu_counts_the_cpus_this_process_may_use(
        self, cpus: set[int], spare: bool
    ) -> None:
        with mock.patch.object(
            _threads.os, "sched_getaffinity", lambda pid: cpus, create=True
        ):
            assert _threads.spare_cpu() is spare


def _extreme_rows(
    rows: list[tuple[int, int, bool]], leave_out: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Codes, ticks and (when *leave_out*) the rows left out, from tuples."""
    codes = np.array([r[0] for r in rows], dtype=np.intp)
    ticks = np.array([r[1] for r in rows], dtype=np.int64)
    others = np.array([r[2] for r in rows], dtype=bool) if leave_out else None
    return codes, ticks, others


def _assert_extremes_of_kept(
    rows: list[tuple[int, int, bool]],
    leave_out: bool,
    first: np.ndarray,
    last: np.ndarray,
) -> None:
    """Per slot, the min and max tick of the rows kept, sentinels for none."""
    for slot in range(len(first)):
        kept = [t for c, t, o in rows if c == slot and not (leave_out and o)]
        assert first[slot] == (min(kept) if kept else 2**63 - 1)
        assert last[slot] == (max(kept) if kept else _I64_MIN)


class TestFirstLast:
    """The earliest and latest tick per slot, other rows left out."""

    @_FAST
    @given(
        rows=st.lists(
            st.tuples(
                st.integers(0, 12),
                st.integers(_I64_MIN + 1, 2**63 - 2),
                st.booleans(),
            ),
            max_size=120,
        ),
        leave_out=st.booleans(),
        chunk=st.integers(1, 40),
        paired=st.booleans(),
    )
    def test_equals_the_extremes_of_the_rows_kept(
        self,
        rows: list[tuple[int, int, bool]],
        leave_out: bool,
        chunk: int,
        paired: bool,
    ) -> None:
        """Any chunk size, ticks up to both ends of int64, the two extremes
        in tables of their own or *paired* in one (past the cache): per
        slot the min and max of the rows not left out, the sentinels where
        none is left, and the inputs untouched."""
        slots = 13
        codes, ticks, others = _extreme_rows(rows, leave_out)
        snapshot = [codes.copy(), ticks.copy()]
        with (
            mock.patch.object(summary_module, "_EXTREMES_CHUNK", chunk),
            mock.patch.object(summary_module, "_PAIRED_CHUNK", chunk),
            mock.patch.object(
                summary_module, "_PAIRED_SLOTS", 0 if paired else 1 << 62
            ),
        ):
            first, last = _first_last(codes, ticks, slots, others)
        assert first.flags.c_contiguous and last.flags.c_contiguous
        assert len(first) == len(last) == slots
        _assert_extremes_of_kept(rows, leave_out, first, last)
        np.testing.assert_array_equal(codes, snapshot[0])
        np.testing.assert_array_equal(ticks, snapshot[1])

    @_FAST
    @given(
        seed=st.integers(0, 2**32 - 1),
        frequency=st.sampled_from(["transactions", "days"]),
        zero_amount=st.sampled_from(["purchase", "ignore"]),
        sparse=st.booleans(),
    )
    def test_paired_extremes_give_the_same_summary(
        self, seed: int, frequency: str, zero_amount: str, sparse: bool
    ) -> None:
        """The summary with its extremes paired in one table (as past the
        cache) equals the one with two tables, refunds and zero amounts
        included, for ids that are their own slots or ranked ones."""
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 400))
        ids = rng.integers(0, 40, n) * (1_000 if sparse else 1)
        dates = np.datetime64("2024-01-01T00:00:00", "s") + rng.integers(
            0, 10 * 86_400, n
        ).astype("timedelta64[s]")
        amounts = np.round(rng.normal(20, 30, n), 2)
        amounts[rng.random(n) < 0.1] = 0.0
        kwargs: Any = {"frequency": frequency, "zero_amount": zero_amount}
        with mock.patch.object(summary_module, "_PAIRED_SLOTS", 1 << 62):
            want = summarize(ids, dates, amounts, **kwargs).to_pandas()
        with (
            mock.patch.object(summary_module, "_PAIRED_SLOTS", 0),
            mock.patch.object(summary_module, "_PAIRED_CHUNK", 7),
        ):
            got = summarize(ids, dates, amounts, **kwargs).to_pandas()
        pd.testing.assert_frame_equal(got, want)

    @_FAST
    @given(
        runs=st.lists(
            st.tuples(
                st.sampled_from([_I64_MIN + 1, -86_400, 0, 5, 86_400, 2**63 - 2]),
                st.lists(st.tuples(st.integers(0, 12), st.booleans()), min_size=1),
            ),
            max_size=12,
        ),
        leave_out=st.booleans(),
        chunk=st.integers(1, 40),
        run_rows=st.sampled_from([1, 2, 3]),
    )
    def test_runs_of_one_tick_give_the_same_extremes(
        self,
        runs: list[tuple[int, list[tuple[int, bool]]]],
        leave_out: bool,
        chunk: int,
        run_rows: int,
    ) -> None:
        """Ticks in runs of one value, in any order of the runs (repeated
        values, both ends of int64): written run by run (the runs found
        whenever they average *run_rows* rows), the extremes equal the
        ``ufunc.at`` ones and the rows kept's min and max."""
        rows = [(c, t, o) for t, members in runs for c, o in members]
        slots = 13
        codes, ticks, others = _extreme_rows(rows, leave_out)
        snapshot = [codes.copy(), ticks.copy()]
        with mock.patch.object(summary_module, "_EXTREMES_CHUNK", chunk):
            with (
                mock.patch.object(summary_module, "_RUN_ROWS", run_rows),
                mock.patch.object(summary_module, "_RUN_SLOTS", slots),
            ):
                found = summary_module._tick_runs(ticks, slots)
                first, last = _first_last(codes, ticks, slots, others)
            with mock.patch.object(summary_module, "_RUN_ROWS", 1 << 62):
                at_first, at_last = _first_last(codes, ticks, slots, others)
        n_runs = int(np.count_nonzero(ticks[1:] != ticks[:-1])) + 1 if rows else 0
        assert (found is not None) == (n_runs - 1 <= len(rows) // run_rows > 0)
        if found is not None:
            assert found[0] == 0 and found[-1] == len(rows)
            assert len(found) == n_runs + 1
            for a, b in itertools.pairwise(found.tolist()):
                assert (ticks[a:b] == ticks[a]).all()
        np.testing.assert_array_equal(first, at_first)
        np.testing.assert_array_equal(last, at_last)
        _assert_extremes_of_kept(rows, leave_out, first, last)
        np.testing.assert_array_equal(codes, snapshot[0])
        np.testing.assert_array_equal(ticks, snapshot[1])

    @settings(max_examples=200, deadline=None)  # fast: 60 rows at most
    @given(
        rows=st.lists(
            st.tuples(st.integers(0, 6), st.integers(-3, 3), st.integers(0, 99)),
            min_size=1,
            max_size=60,
        ),
        per=st.sampled_from([1, 7, 100]),
        in_order=st.booleans(),
        run_rows=st.sampled_from([1, 2, 4]),
    )
    def test_runs_by_day_give_each_extreme_s_day(
        self,
        rows: list[tuple[int, int, int]],
        per: int,
        in_order: bool,
        run_rows: int,
    ) -> None:
        """Runs of one ``tick // per`` (a day of *per* ticks; rows in tick
        order or not): the extremes written run by run fall on the day of
        the true extremes, and on the true extremes when *per* is 1."""
        slots = 7
        codes = np.array([r[0] for r in rows], dtype=np.intp)
        ticks = np.array([r[1] * 100 + r[2] for r in rows], dtype=np.int64)
        if in_order:
            order = np.argsort(ticks, kind="stable")
            codes, ticks = codes[order], ticks[order]
        for largest, fill in ((True, _I64_MIN), (False, 2**63 - 1)):
            want = np.full(slots, fill, dtype=np.int64)
            (np.maximum if largest else np.minimum).at(want, codes, ticks)
            out = np.full(slots, fill, dtype=np.int64)
            with (
                mock.patch.object(summary_module, "_RUN_ROWS", run_rows),
                mock.patch.object(summary_module, "_RUN_SLOTS", 0),
            ):
                runs = summary_module._tick_runs(ticks, slots, per)
                summary_module._write_extreme(out, codes, ticks, largest, runs)
            none = want == fill
            np.testing.assert_array_equal(out[none], want[none])
            np.testing.assert_array_equal(out[~none] // per, want[~none] // per)

    @pytest.mark.parametrize("order", ["oldest_first", "newest_first", "stores"])
    @pytest.mark.parametrize("time_of_day", [False, True])
    def test_dates_in_runs_equal_pandas_run_by_run(
        self, order: str, time_of_day: bool
    ) -> None:
        """Dates past two chunks, oldest first, newest first, or in blocks of
        dates (one a store), with refunds, at midnight or at any time of the
        day: the summary (whose extremes are written run by run at midnight)
        and the BTYD table (run by run by day, either way) equal pandas."""
        rng = np.random.default_rng(11)
        n = 2 * _factorize.CHUNK + 1234
        c = rng.integers(0, 5_000, n)
        days = np.sort(rng.integers(-8, 8, n))
        if order == "newest_first":
            days = days[::-1].copy()
        elif order == "stores":
            days = np.concatenate([days[::3], days[1::3], days[2::3]])
        assert np.count_nonzero(days[1:] != days[:-1]) < n // 2048
        ticks = days * 86_400 + (rng.integers(0, 86_400, n) if time_of_day else 0)
        dates = ticks.view("datetime64[s]")
        amounts = rng.choice([-3.0, 0.0, 1.0, 2.5], n)
        found = []
        real = summary_module._tick_runs

        def spy(values: np.ndarray, slots: int, per: int = 1) -> Any:
            found.append((per, real(values, slots, per)))
            return found[-1][1]

        with (
            mock.patch.object(summary_module, "_tick_runs", spy),
            mock.patch.object(summary_module, "_RUN_SLOTS", 4_000),
        ):
            facts = summarize(c, dates, amounts)
            s = btyd_summary(
                c, dates, amounts, observation_end=np.datetime64(45, "D"), unit="D"
            )
        # the summary's exact extremes: runs only at midnight; the BTYD
        # table's first and last day: runs either way
        assert [per for per, _ in found] == [1, 86_400, 86_400]
        assert [runs is not None for _, runs in found] == [not time_of_day, True, True]
        ref = _reference(
            c.tolist(),
            ticks,
            86_400,
            amounts,
            as_of_day=None,
            frequency="transactions",
            zero_amount="purchase",
        )
        _assert_facts(facts, ref, "s")
        b_ref = _btyd_reference(c, days, amounts, 45, "D")
        np.testing.assert_array_equal(s.frequency, b_ref["frequency"].to_numpy())
        np.testing.assert_array_equal(s.recency, b_ref["recency"].to_numpy())
        np.testing.assert_array_equal(s.T, b_ref["T"].to_numpy())

    def test_refunds_beside_the_sums_take_no_copy_of_the_codes(self) -> None:
        """With refunds, counting transactions past the cache, the summary
        no longer copies the codes (8 bytes a row) to send the refunds to a
        slot of their own: its peak (traced) is within 4 bytes a row of the
        serial path's, which writes the slot over its own codes (a buffer of
        4096 rows instead of 2**18, which would be 8 bytes a row here).
        The peak beside depends on how the two threads interleave (later
        when the machine is busy), so each path's lowest of three runs is
        compared; a copy of the codes is in every run."""
        n = 200_000
        rng = np.random.default_rng(7)
        ids = rng.integers(0, n // 10, n) + 5  # offsets: the summary's own codes
        dates = np.datetime64("2024-01-01", "s") + rng.integers(0, 10**8, n)
        amounts = rng.gamma(2.0, 30.0, n)
        amounts[rng.random(n) < 0.03] *= -1
        summarize(ids, dates, amounts)  # imports and caches out of the count
        peaks: dict[bool, float] = {}
        for on in (False, True):
            with (
                _overlap(on) as threads,
                mock.patch.object(summary_module, "_EXTREMES_CHUNK", 1 << 12),
            ):
                for _ in range(3):
                    tracemalloc.start()
                    try:
                        summarize(ids, dates, amounts)
                        peak = tracemalloc.get_traced_memory()[1] / n
                    finally:
                        tracemalloc.stop()
                    peaks[on] = min(peaks.get(on, peak), peak)
            assert len(threads) == 3 * on
        assert peaks[True] < peaks[False] + 4, peaks


class TestDistinctCounts:
    @_FAST
    @given(
        data=st.lists(
            st.tuples(st.integers(0, 6), st.integers(-3 * 86_400, 3 * 86_400)),
            min_size=1,
            max_size=200,
        ),
        per=st.sampled_from([1, 7, 24, 86_400]),
        shift=st.sampled_from([0, -(10**9), -(2**40), 2**40]),
        path=st.sampled_from(["default", "hashed", "block"]),
        ordered=st.booleans(),
    )
    def test_equals_pandas_nunique_of_floor_division(
        self,
        data: list[tuple[int, int]],
        per: int,
        shift: int,
        path: str,
        ordered: bool,
    ) -> None:
        """Distinct ``values // per`` per code, negative ticks (before 1970),
        in or out of order, hashed or block path: equal to pandas' nunique,
        and the values not written to."""
        codes = np.array([c for c, _ in data], dtype=np.intp)
        values = np.array([t for _, t in data], dtype=np.int64) + shift
        if ordered:
            order = np.argsort(values, kind="stable")
            codes, values = codes[order], values[order]
        before = values.copy()
        limits: dict[str, int] = {}
        if path == "hashed":
            limits = {"max_span": 1}
        elif path == "block":
            limits = {"max_span": 1 << 16, "min_rows": 0}
        got = _distinct_counts(codes, values, 8, per=per, **limits)
        np.testing.assert_array_equal(values, before)
        df = pd.DataFrame({"c": codes, "v": np.floor_divide(values, per)})
        want = df.groupby("c")["v"].nunique().reindex(range(8), fill_value=0)
        np.testing.assert_array_equal(got, want.to_numpy())


class TestGroupIntsAndRanks:
    @_FAST
    @given(
        values=st.lists(st.integers(-50, 50), min_size=1, max_size=200),
        base=st.sampled_from([0, 1, -(2**62), 2**62, 2**63 - 200]),
        stride=st.sampled_from([1, 2, 33, 1000]),
        span_per_row=st.sampled_from([None, 1, 10**6]),
    )
    def test_group_ints_ranks_like_sorted_factorize(
        self,
        values: list[int],
        base: int,
        stride: int,
        span_per_row: int | None,
    ) -> None:
        """Codes are the ranks among the sorted distinct ids for every path
        (own codes, slots with holes, bitmap, hashed) and the ids are kept."""
        v = np.array(
            [min(base + (x + 50) * stride, 2**63 - 1) for x in values], dtype=np.int64
        )
        before = v.copy()
        g = _group_ints(v, span_per_row=span_per_row, min_span=1)
        assert g is not None
        np.testing.assert_array_equal(v, before)
        codes, uniques = pd.factorize(v, sort=True)
        got = g.codes if g.keep is None else np.cumsum(g.keep)[g.codes] - 1
        np.testing.assert_array_equal(got, codes)
        np.testing.assert_array_equal(g.ids, uniques)
        assert g.ids.dtype == v.dtype
        if g.owned:
            assert not np.shares_memory(g.codes, v)

    @_FAST
    @given(
        values=st.lists(st.integers(0, 5_000), min_size=1, max_size=300),
        lo=st.integers(-(2**40), 2**40),
        in_place=st.booleans(),
        threaded=st.booleans(),
        chunk=st.sampled_from([32, 64, 96, 1 << 22]),
    )
    def test_bitmap_ranks_equal_searchsorted(
        self, values: list[int], lo: int, in_place: bool, threaded: bool, chunk: int
    ) -> None:
        """bitmap_ranks equals the rank from searchsorted over the distinct
        values, also when written over its input, with each half of the
        rows looked up in a thread of its own, and with its table built over
        the bitmap in chunks of any size (a multiple of 32 bytes)."""
        v = np.array(values, dtype=np.int64) + lo
        present = np.zeros(-(-5_001 // 32) * 32, dtype=bool)
        present[v - lo] = True
        want = np.searchsorted(np.unique(v), v)
        work = v.copy()
        halves: list[int] = []

        real = _threads.overlapped

        def spy(work: Any, start: int, stop: int) -> Any:
            halves.append(stop - start)  # the rows of the second thread
            return real(work, start, stop)

        with (
            mock.patch.object(
                _factorize, "_THREAD_TABLE_BYTES", 0 if threaded else 1 << 62
            ),
            mock.patch.object(_factorize, "_THREAD_ROWS", 0),
            mock.patch.object(_factorize, "_TABLE_CHUNK", chunk),
            mock.patch.object(_threads, "spare_cpu", lambda: True),
            mock.patch.object(_threads, "overlapped", spy),
        ):
            got = _factorize.bitmap_ranks(
                work, lo, present, out=work if in_place else None
            )
        assert halves == ([len(v) - len(v) // 2] if threaded else [])
        np.testing.assert_array_equal(got, want)
        if not in_place:
            np.testing.assert_array_equal(work, v)

    @_FAST
    @given(
        texts=st.lists(st.text(max_size=70), min_size=1, max_size=40),
        start=st.integers(0, 5),
        large=st.booleans(),
    )
    def test_lengths_are_byte_lengths_or_none_past_64(
        self, texts: list[str], start: int, large: bool
    ) -> None:
        """_lengths gives each id's UTF-8 byte length (uint8), None when one
        passes 64 bytes; offsets of a sliced array are honoured."""
        arr = pa.array(texts, type=pa.large_string() if large else pa.string())
        arr = arr[min(start, len(texts) - 1) :]
        dtype = np.int64 if large else np.int32
        offsets = np.frombuffer(
            arr.buffers()[1], dtype=dtype, count=arr.offset + len(arr) + 1
        )[arr.offset :]
        got = _factorize._lengths(offsets)
        want = [len(t.encode()) for t in arr.to_pylist()]
        if max(want) > 64:
            assert got is None
        else:
            assert got is not None and got.dtype == np.uint8
            assert got.tolist() == want

    def test_group_ids_of_datetimes_at_the_epoch_keep_the_input(self) -> None:
        """datetime64 ids 0 .. k-1 ticks (their own codes) are not reported as
        owned, so the summary copies before writing the refund slot."""
        ids = np.arange(5).view("datetime64[ns]")
        g = _group_ids(ids, "customer_id")
        assert not g.owned or not np.shares_memory(g.codes, ids)


# --------------------------------------------------------------------------
# btyd: weeks and days, before 1970, monetary value as lifetimes defines it


def _btyd_reference(
    c: np.ndarray, days: np.ndarray, amounts: np.ndarray, end_day: int, unit: str
) -> pd.DataFrame:
    """lifetimes' definitions in pandas: periods, repeat periods, mean spend."""
    step = 7 if unit == "W" else 1
    period = days - (days + 3) % 7 if unit == "W" else days  # Monday of the week
    end_period = end_day - (end_day + 3) % 7 if unit == "W" else end_day
    df = pd.DataFrame({"c": c, "p": period, "a": amounts})
    per = df.groupby(["c", "p"], sort=True)["a"].sum().reset_index()
    g = per.groupby("c", sort=True)
    out = pd.DataFrame({"frequency": (g.size() - 1).astype(np.float64)})
    first, last = g["p"].min(), g["p"].max()
    out["recency"] = (last - first) / step
    out["T"] = (end_period - first) / step
    first_spend = per[per["p"] == per["c"].map(first)].set_index("c")["a"]
    repeat = g["a"].sum() - first_spend
    out["monetary_value"] = np.where(
        out["frequency"] > 0, repeat / out["frequency"].where(out["frequency"] > 0), 0.0
    )
    return out


class TestBtyd:
    @_FAST
    @given(
        rows=_rows(),
        unit=st.sampled_from(["D", "W"]),
        int_ids=st.booleans(),
        by_runs=st.booleans(),
        in_date_order=st.booleans(),
    )
    def test_summary_equals_lifetimes_definitions(
        self,
        rows: dict[str, Any],
        unit: str,
        int_ids: bool,
        by_runs: bool,
        in_date_order: bool,
    ) -> None:
        """btyd_summary (days or weeks, dates before 1970, refunds, rows in
        date order or not) equals the pandas reference of lifetimes'
        definitions, its first and last days found by ``ufunc.at`` or run by
        run (*by_runs*: every run of one day, however short); inputs are not
        written."""
        if in_date_order:
            order = np.argsort(rows["ticks"], kind="stable")
            for name in ("c", "ticks", "dates", "amounts"):
                rows[name] = rows[name][order]
        c = rows["c"]
        ids: Any = (
            c.astype(np.int64)
            if int_ids
            else np.array([f"c{x}" for x in c], dtype=object)
        )
        dates, amounts = rows["dates"], rows["amounts"]
        before = [_snapshot(x) for x in (ids, dates, amounts)]
        days = np.floor_divide(rows["ticks"], _PER_DAY[rows["unit"]])
        end_day = int(days.max()) + 3
        with _runs_forced(by_runs):
            s = btyd_summary(
                ids,
                dates,
                amounts,
                observation_end=np.datetime64(end_day, "D"),
                unit=unit,
            )
        for x, b in zip((ids, dates, amounts), before, strict=True):
            _assert_unchanged(x, b)
        ref = _btyd_reference(c, days, rows["amounts"], end_day, unit)
        if not int_ids:
            ref.index = [f"c{x}" for x in ref.index]
            ref = ref.sort_index()
        assert list(s.customer_id) == ref.index.tolist()
        np.testing.assert_array_equal(s.frequency, ref["frequency"].to_numpy())
        np.testing.assert_array_equal(s.recency, ref["recency"].to_numpy())
        np.testing.assert_array_equal(s.T, ref["T"].to_numpy())
        np.testing.assert_allclose(
            s.monetary_value, ref["monetary_value"].to_numpy(), rtol=1e-12, atol=1e-12
        )

    @_FAST
    @given(
        rows=_rows(),
        unit=st.sampled_from(["D", "W"]),
        cal=st.integers(-30, 30),
        by_runs=st.booleans(),
    )
    def test_calibration_holdout_equals_lifetimes_definitions(
        self, rows: dict[str, Any], unit: str, cal: int, by_runs: bool
    ) -> None:
        """btyd_calibration_holdout (days or weeks, before 1970; extremes by
        ``ufunc.at`` or run by run) equals the reference on the calibration
        rows and counts holdout periods."""
        c = rows["c"].astype(np.int64)
        dates, amounts = rows["dates"], rows["amounts"]
        days = np.floor_divide(rows["ticks"], _PER_DAY[rows["unit"]])
        cal_day = rows["base_day"] + cal
        end_day = max(int(days.max()), cal_day) + 1
        before = [_snapshot(x) for x in (c, dates, amounts)]
        with _runs_forced(by_runs):
            t = btyd_calibration_holdout(
                c,
                dates,
                amounts,
                calibration_end=np.datetime64(cal_day, "D"),
                observation_end=np.datetime64(end_day, "D"),
                unit=unit,
            )
        for x, b in zip((c, dates, amounts), before, strict=True):
            _assert_unchanged(x, b)
        in_cal = days <= cal_day
        if not in_cal.any():
            assert len(t.customer_id) == 0
            return
        ref = _btyd_reference(c[in_cal], days[in_cal], amounts[in_cal], cal_day, unit)
        assert t.customer_id.tolist() == ref.index.tolist()
        np.testing.assert_array_equal(t.frequency_cal, ref["frequency"].to_numpy())
        np.testing.assert_array_equal(t.recency_cal, ref["recency"].to_numpy())
        np.testing.assert_array_equal(t.T_cal, ref["T"].to_numpy())
        np.testing.assert_allclose(
            t.monetary_value_cal,
            ref["monetary_value"].to_numpy(),
            rtol=1e-12,
            atol=1e-12,
        )
        hold = ~in_cal
        period = days - (days + 3) % 7 if unit == "W" else days
        h = pd.DataFrame({"c": c[hold], "p": period[hold], "a": amounts[hold]})
        h_freq = h.groupby("c")["p"].nunique().reindex(ref.index, fill_value=0)
        np.testing.assert_array_equal(t.frequency_holdout, h_freq.to_numpy())
        h_mean = h.groupby("c")["a"].mean().reindex(ref.index, fill_value=0.0)
        np.testing.assert_allclose(
            t.monetary_value_holdout, h_mean.to_numpy(), rtol=1e-12, atol=1e-12
        )


# --------------------------------------------------------------------------
# past one chunk: every chunked pass meets a chunk boundary


class TestAcrossChunks:
    @pytest.mark.parametrize("kind", ["own_codes", "sparse", "text", "datetime"])
    @pytest.mark.parametrize("wide", [False, True])
    def test_summary_and_btyd_equal_pandas_past_two_chunks(
        self, kind: str, wide: bool
    ) -> None:
        """2 chunks + 1234 rows, unsorted dates before and after 1970 (narrow:
        the block count; wide, in ns over 400 years: the hashed count): the
        summary and the weekly BTYD table equal pandas, inputs untouched."""
        rng = np.random.default_rng(7)
        n = 2 * _factorize.CHUNK + 1234
        c = rng.integers(0, 40_000, n)
        ids: Any
        if kind == "own_codes":
            ids = c.copy()
        elif kind == "sparse":
            ids = c * 977 - 10**6
        elif kind == "text":
            ids = pa.array([f"id{x}" for x in c], type=pa.string())
        else:
            ids = c.view("datetime64[s]").copy()
        span = 200 * 365 if wide else 200
        unit = "ns" if wide else "s"
        per_day = _PER_DAY[unit]
        ticks = rng.integers(-span * per_day, span * per_day, n)
        dates = ticks.view(f"datetime64[{unit}]")
        amounts = rng.choice([-3.0, 0.0, 1.0, 2.5], n)
        before = [_snapshot(x) for x in (ids, dates, amounts)]
        keys: list[Any] = [f"id{x}" for x in c] if kind == "text" else c.tolist()
        for frequency in ("transactions", "days"):
            facts = summarize(ids, dates, amounts, frequency=frequency)
            ref = _reference(
                keys,
                ticks,
                per_day,
                amounts,
                as_of_day=None,
                frequency=frequency,
                zero_amount="purchase",
            )
            np.testing.assert_array_equal(facts.frequency, ref["frequency"].to_numpy())
            np.testing.assert_array_equal(
                facts.first_purchase.view(np.int64), ref["first"].to_numpy()
            )
            np.testing.assert_array_equal(facts.recency_days, ref["recency"].to_numpy())
        days = np.floor_divide(ticks, per_day)
        end_day = int(days.max()) + 2
        s = btyd_summary(
            ids, dates, amounts, observation_end=np.datetime64(end_day, "D"), unit="W"
        )
        ref = _btyd_reference(c, days, amounts, end_day, "W")
        if kind == "text":
            ref = ref.iloc[np.argsort([f"id{x}" for x in ref.index], kind="stable")]
        np.testing.assert_array_equal(s.frequency, ref["frequency"].to_numpy())
        np.testing.assert_array_equal(s.T, ref["T"].to_numpy())
        np.testing.assert_allclose(
            s.monetary_value, ref["monetary_value"].to_numpy(), rtol=1e-9, atol=1e-9
        )
        for x, b in zip((ids, dates, amounts), before, strict=True):
            _assert_unchanged(x, b)

    @pytest.mark.parametrize("form", ["sliced", "large", "null", "budget"])
    def test_text_factorisation_past_two_chunks_equals_pandas(self, form: str) -> None:
        """Text ids of lengths 0-4 with 2-byte characters over 2 chunks + 77
        rows (sliced ``string``, ``large_string``, a null, compactions written
        over the keys): codes and uniques equal pandas.factorize(sort=True)."""
        rng = np.random.default_rng(3)
        alpha = ["a", "é", "b"]
        pool = sorted(
            {"".join(rng.choice(alpha, rng.integers(0, 5))) for _ in range(300)}
        )
        texts: list[str | None] = [
            pool[i] for i in rng.integers(0, len(pool), 2 * _factorize.CHUNK + 77)
        ]
        if form == "large":
            arr = pa.array(texts, pa.large_string())
        else:
            if form == "null":
                texts[70_000] = None
            arr = pa.array(["pre", *texts, "post"], pa.string())[1:-1]
        if form == "budget":
            result = _factorize._factorize_string_array(arr, pa, budget=300)
        else:
            result = _factorize.factorize_arrow_strings(arr)
        assert result is not None
        codes, uniques = pd.factorize(np.array(texts, dtype=object), sort=True)
        np.testing.assert_array_equal(result[0], codes)
        assert result[1].tolist() == uniques.tolist()
