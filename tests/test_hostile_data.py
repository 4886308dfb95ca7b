"""Hostile and odd data given to the core: a right answer or a custseg error.

Each class covers one family of defects from the adversarial review: ids of
mixed types, ids merged or split by their container, datetimes in odd units
or byte orders, sums that overflow, unhashable ids, and a fuzz of every
public core function.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import warnings
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import custseg
import strategies
from custseg._exact import decimal_scale
from custseg._validate import to_days
from custseg.errors import CustsegError, CustsegWarning, InputError
from custseg.summary import CustomerFacts, summarize

# the Arrow-backed containers are part of every family here
pa = pytest.importorskip("pyarrow", reason="needs pyarrow (the parquet extra)")

DAY = np.datetime64("2024-01-01", "D")
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def run(ids: Any, n: int | None = None, **kwargs: Any) -> CustomerFacts:
    """summarize *ids* with one row a day from 2024-01-01 and amount row + 1."""
    n = len(ids) if n is None else n
    dates = DAY + np.arange(n)
    return summarize(ids, dates, np.arange(1.0, n + 1.0), **kwargs)


def reference_groups(values: list[Any]) -> dict[Any, list[int]]:
    """Rows of each id, grouped by Python equality (a dict), in a plain loop."""
    groups: dict[Any, list[int]] = {}
    for row, value in enumerate(values):
        groups.setdefault(value, []).append(row)
    return groups


def assert_grouped_like_python(facts: CustomerFacts, values: list[Any]) -> None:
    """One customer per distinct Python value, sorted, with its rows' facts."""
    groups = reference_groups(values)
    ids = facts.customer_id.tolist()
    assert len(ids) == len(groups)
    assert ids == sorted(ids)
    for k, cid in enumerate(ids):
        rows = groups[cid]
        assert facts.frequency[k] == len(rows), cid
        assert facts.monetary[k] == sum(r + 1.0 for r in rows), cid


def kind(value: Any) -> str | None:
    """The kind of one id as the error message names it; None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.datetime64 | np.timedelta64):  # np.integer subclasses
        return type(value).__name__
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating):
        return "float"
    return type(value).__name__


# --------------------------------------------------------------------------
# 1. ids of more than one type


OBJECT_CONTAINERS: dict[str, Callable[[list[Any]], Any]] = {
    "list": list,
    "tuple": tuple,
    "object_array": lambda x: np.fromiter(x, dtype=object, count=len(x)),
    "object_series": lambda x: pd.Series(x, dtype=object),
    "categorical": lambda x: pd.Categorical(pd.Series(x, dtype=object)),
}

mixed_values = st.one_of(
    st.integers(-5, 5),
    st.integers(2**63, 2**70),
    st.sampled_from(["7", "a", "", "a\x00"]),
    st.sampled_from([b"7", b"a"]),
    st.sampled_from([1.0, 7.0, 0.5, -0.0]),
    st.booleans(),
    st.just(np.int8(7)),
    st.just(np.timedelta64(7, "D")),
    st.just(np.datetime64("2024-01-07")),
)


class TestMixedTypeIds:
    @given(rows=st.lists(mixed_values, min_size=2, max_size=30), data=st.data())
    def test_mixed_kinds_are_refused(self, rows: list[Any], data: Any) -> None:
        """Ids of two or more types raise InputError naming the types and the
        first row of a minority type, in every container."""
        kinds = [kind(x) for x in rows]
        counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
        if len(counts) < 2:
            rows = [*rows, "7" if kinds[0] != "str" else 7]
            kinds.append(kind(rows[-1]))
            counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
        make = data.draw(st.sampled_from(sorted(OBJECT_CONTAINERS)))
        try:
            ids = OBJECT_CONTAINERS[make](rows)
        except (TypeError, ValueError, OverflowError):  # pandas cannot build it
            reject()
        if make == "categorical":  # pandas merges 1.0 and True in its categories
            rows = list(ids)
            kinds = [kind(x) for x in rows]
            counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
            if counts.keys() == {"bool"}:
                with pytest.raises(InputError, match="True/False"):
                    run(ids)
                return
            if len(counts) == 1:
                assert_grouped_like_python(run(ids), rows)
                return
        major = max(counts, key=lambda k: (counts[k], -kinds.index(k)))
        with pytest.raises(InputError) as info:
            run(ids)
        err = info.value
        assert err.field == "customer_id"
        assert "mixes ids of different types" in err.problem
        for k in counts:
            assert k in err.problem
        assert err.first_row == next(i for i, k in enumerate(kinds) if k != major)
        assert err.n_rows == sum(k != major for k in kinds)
        assert "dtype=str" in str(err)

    def test_text_id_after_a_chunk_of_numbers(self) -> None:
        """The CSV chunk case: 262,144 ints then one text '7' is refused at that row."""
        ids = np.empty(262_145, dtype=object)
        ids[:-1] = 7
        ids[-1] = "7"
        with pytest.raises(InputError) as info:
            run(ids)
        assert (info.value.first_row, info.value.n_rows) == (262_144, 1)
        assert "int (262144 rows), str (1 row)" in str(info.value)

    @pytest.mark.parametrize(
        "ids",
        [
            [True, False, True],
            np.array([True, False]),
            pd.Series([True, False], dtype="boolean"),
            pd.Series([True, False], dtype=pd.ArrowDtype(pa.bool_())),
            np.array([True, np.True_], dtype=object),
        ],
        ids=["list", "array", "nullable", "arrow", "object"],
    )
    def test_boolean_ids_are_refused(self, ids: Any) -> None:
        """True/False ids (True == 1 in Python) are refused, not grouped."""
        with pytest.raises(InputError, match="True/False"):
            run(ids)

    def test_numpy_ints_of_any_width_are_one_kind(self) -> None:
        """int8, uint64 and Python ints in one object array are ints: one customer 7."""
        ids = np.array([np.int8(7), np.uint64(7), 7, np.int64(3)], dtype=object)
        facts = run(ids)
        assert facts.customer_id.tolist() == [3, 7]
        assert facts.frequency.tolist() == [1, 3]


# --------------------------------------------------------------------------
# 2. ids are equal only when equal in Python, whatever the container


def _text_containers() -> dict[str, Callable[[list[str]], Any]]:
    return {
        "list": list,
        "object_array": lambda x: np.array(x, dtype=object),
        "object_series": lambda x: pd.Series(x, dtype=object),
        "str_series": lambda x: pd.Series(x, dtype="str"),
        "python_str_series": lambda x: pd.Series(x, dtype=pd.StringDtype("python")),
        "arrow_large_string": lambda x: pd.Series(
            x, dtype=pd.ArrowDtype(pa.large_string())
        ),
        "pyarrow_array": pa.array,
        "categorical": lambda x: pd.Categorical(x),
        "indexed_series": lambda x: pd.Series(x, index=np.arange(len(x))[::-1]),
    }


class TestIdsEqualOnlyWhenEqualInPython:
    @given(
        rows=strategies.id_rows(strategies.tricky_text()),
        make=st.sampled_from(sorted(_text_containers())),
    )
    def test_text_ids(self, rows: list[str], make: str) -> None:
        """Text ids (NULs, non-ASCII, empty) group as Python str in every container."""
        assert_grouped_like_python(run(_text_containers()[make](rows)), rows)

    @given(rows=strategies.id_rows(strategies.tricky_text()))
    def test_numpy_fixed_width_text(self, rows: list[str]) -> None:
        """NumPy 'U' arrays group the values they hold (trailing NULs are not kept
        by NumPy itself, before custseg sees them)."""
        arr = np.array(rows, dtype=str)
        assert_grouped_like_python(run(arr), arr.tolist())

    @given(rows=strategies.id_rows(st.binary(max_size=3)))
    def test_bytes_ids(self, rows: list[bytes]) -> None:
        """bytes ids group as Python bytes in lists and object arrays."""
        assert_grouped_like_python(run(rows), rows)
        assert_grouped_like_python(run(np.array(rows, dtype=object)), rows)
        fixed = np.array(rows, dtype=bytes)  # 'S': NumPy drops trailing NULs
        assert_grouped_like_python(run(fixed), fixed.tolist())

    @given(
        rows=strategies.id_rows(
            st.one_of(
                st.integers(-3, 3),
                st.integers(I64_MIN, I64_MAX),
                st.integers(2**63, 2**80),
                st.integers(-(2**80), I64_MIN - 1),
            )
        ),
        data=st.data(),
    )
    def test_int_ids(self, rows: list[int], data: Any) -> None:
        """Int ids, big ones beyond int64 included, group as Python ints."""
        makers: dict[str, Callable[[list[int]], Any]] = {
            "list": list,
            "object_array": lambda x: np.array(x, dtype=object),
            "object_series": lambda x: pd.Series(x, dtype=object),
            "categorical": lambda x: pd.Categorical(pd.Series(x, dtype=object)),
        }
        if all(I64_MIN <= x <= I64_MAX for x in rows):
            makers["int64"] = lambda x: np.array(x, dtype=np.int64)
            makers["big_endian"] = lambda x: np.array(x, dtype=">i8")
            makers["Int64"] = lambda x: pd.Series(x, dtype="Int64")
            makers["arrow_int64"] = lambda x: pd.Series(
                x, dtype=pd.ArrowDtype(pa.int64())
            )
        if all(0 <= x < 2**64 for x in rows):
            makers["uint64"] = lambda x: np.array(x, dtype=np.uint64)
        if all(abs(x) <= 2**53 for x in rows):
            makers["float64"] = lambda x: np.array(x, dtype=np.float64)
        make = data.draw(st.sampled_from(sorted(makers)))
        assert_grouped_like_python(run(makers[make](rows)), rows)

    @given(
        rows=strategies.id_rows(
            st.one_of(
                st.sampled_from([0.5, -0.0, 0.0, 1e300, -2.5, 2.0**60 + 0.5]),
                st.floats(allow_nan=False, allow_infinity=False),
            )
        ),
        data=st.data(),
    )
    def test_float_ids(self, rows: list[float], data: Any) -> None:
        """Float ids group as Python floats (0.0 == -0.0) in every container."""
        makers: dict[str, Callable[[list[float]], Any]] = {
            "list": list,
            "object_array": lambda x: np.array(x, dtype=object),
            "float64": lambda x: np.array(x, dtype=np.float64),
            "big_endian": lambda x: np.array(x, dtype=">f8"),
            "Float64": lambda x: pd.Series(x, dtype="Float64"),
            "categorical": lambda x: pd.Categorical(x),
        }
        make = data.draw(st.sampled_from(sorted(makers)))
        assert_grouped_like_python(run(makers[make](rows)), rows)
        with np.errstate(over="ignore"):
            as32 = np.array(rows, dtype=np.float32)
        if np.isfinite(as32).all() and (np.abs(as32) >= 2**24).any():
            # float32 past 2**24 may hold two ids as one: refused (audit 38)
            with pytest.raises(InputError, match="stored as float32"):
                run(as32)
        elif np.isfinite(as32).all():
            assert_grouped_like_python(run(as32), as32.tolist())

    @given(
        rows=strategies.id_rows(st.integers(-(2**63) + 1, 2**63 - 1)),
        unit=st.sampled_from(["M8[ps]", "M8[5h]", ">M8[s]", "m8[as]", ">m8[D]"]),
    )
    def test_datetime_ids(self, rows: list[int], unit: str) -> None:
        """Dates and durations as ids, any unit and byte order, group by their
        exact instant (never floored together into one customer)."""
        ids = np.array(rows, dtype=np.int64).view(unit.lstrip(">")).astype(unit)
        facts = run(ids)
        assert facts.customer_id.dtype.isnative
        assert facts.customer_id.dtype.str[1:] == ids.dtype.str[1:]
        ticks = facts.customer_id.view(np.int64)
        tick_facts = run(rows)
        assert ticks.tolist() == tick_facts.customer_id.tolist()
        assert facts.frequency.tolist() == tick_facts.frequency.tolist()
        assert facts.monetary.tolist() == tick_facts.monetary.tolist()

    def test_nul_and_bytes_examples(self) -> None:
        """The reported cases: 'a\\x00' and 'a' are two customers; b'a' and 'a' refused."""
        assert run(["a\x00", "a"]).customer_id.tolist() == ["a", "a\x00"]
        assert len(run(pd.Series(["a\x00", "a"], dtype="str"))) == 2
        with pytest.raises(InputError, match="bytes"):
            run(pd.Series([b"a", "a"], dtype=object))
        with pytest.raises(InputError, match="mixes"):
            run([1, "1"])

    def test_lone_surrogates(self) -> None:
        """Text Arrow cannot hold (lone surrogates) is grouped exactly by pandas."""
        rows = ["\ud800", "a", "\ud800", "\udfff"]
        assert_grouped_like_python(run(rows), rows)
        assert_grouped_like_python(run(np.array(rows, dtype=object)), rows)

    def test_drop_keeps_list_ids_exact(self) -> None:
        """after_as_of='drop' filters list ids without merging 'a\\x00' into 'a'."""
        facts = summarize(
            ["a\x00", "a", "b"],
            ["2024-01-01", "2024-01-02", "2024-03-01"],
            [1.0, 2.0, 4.0],
            as_of="2024-01-31",
            after_as_of="drop",
        )
        assert facts.customer_id.tolist() == ["a", "a\x00"]
        assert facts.n_dropped == 1


# --------------------------------------------------------------------------
# 3. datetimes in any unit and byte order

ATTOSECONDS = {
    "as": 1,
    "fs": 10**3,
    "ps": 10**6,
    "ns": 10**9,
    "us": 10**12,
    "ms": 10**15,
    "s": 10**18,
    "m": 60 * 10**18,
    "h": 3600 * 10**18,
    "D": 86400 * 10**18,
    "W": 7 * 86400 * 10**18,
}
STANDARD = ("D", "h", "m", "s", "ms", "us", "ns")


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's formula)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def target_unit(name: str, count: int) -> str:
    """The unit custseg works in for a datetime64 of unit ``[count name]``."""
    if ATTOSECONDS[name] < ATTOSECONDS["ns"]:
        return "ns"
    return "D" if name == "W" else name


def outcome(ids: list[int], dates: np.ndarray, as_of: Any = None) -> Any:
    """The day facts of summarize, or the InputError class it raised."""
    try:
        f = summarize(ids, dates, np.ones(len(ids)), as_of=as_of, after_as_of="drop")
    except InputError:
        return InputError
    return (
        f.customer_id.tolist(),
        f.as_of,
        f.n_dropped,
        f.recency_days.tolist(),
        f.tenure_days.tolist(),
        f.frequency.tolist(),
        to_days(f.last_purchase).tolist(),
        to_days(f.first_purchase).tolist(),
    )


class TestDatetimeUnitsAndByteOrders:
    @given(case=strategies.odd_datetime_arrays(), data=st.data())
    def test_same_facts_as_the_same_instants_in_days(
        self, case: tuple[np.ndarray, str, str], data: Any
    ) -> None:
        """Any unit (5h, 13m, 2D, ps, ...) and byte order gives the facts of the
        same instants as native datetime64[D] (and [us] where it holds them), or
        InputError when the instants do not fit the unit custseg works in."""
        ticks, unit, order = case
        name, count = np.datetime_data(np.dtype(f"datetime64[{unit}]"))
        dates = ticks.view(f"datetime64[{unit}]").astype(
            np.dtype(f"datetime64[{unit}]").newbyteorder(order)
        )
        n = len(ticks)
        ids = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
        attos = [int(t) * count * ATTOSECONDS[name] for t in ticks]
        target = target_unit(name, count)
        fits = all(I64_MIN < a // ATTOSECONDS[target] <= I64_MAX for a in attos)
        day_numbers = [a // ATTOSECONDS["D"] for a in attos]
        shift = data.draw(st.one_of(st.none(), st.integers(-3, 3)))
        as_of = None
        if shift is not None and abs(day_numbers[0]) < 10**8:  # as_of holds it
            as_of = np.datetime64(day_numbers[0] + shift, "D")
            as_of = as_of.astype(data.draw(st.sampled_from(["M8[D]", ">M8[s]"])))
        got = outcome(ids, dates, as_of)
        if not fits:
            assert got is InputError
            return
        days = np.array(day_numbers, dtype="datetime64[D]")
        assert got == outcome(ids, days, as_of)
        micro = [a // ATTOSECONDS["us"] for a in attos]
        if all(I64_MIN < m <= I64_MAX for m in micro):
            us = np.array(micro, dtype="datetime64[us]")
            assert got == outcome(ids, us, as_of)

    @pytest.mark.parametrize("unit", ["5h", "13m", "2D", "7D", "25h"])
    def test_multiples_count_whole_days(self, unit: str) -> None:
        """A [5h]/[13m]/[2D]/[7D]/[25h] instant counts on its own calendar day."""
        instants = np.array(
            ["2024-01-01T00:00", "2024-01-10T00:00", "2024-01-30T00:00"],
            dtype=f"datetime64[{unit}]",
        )
        expected = instants.astype("datetime64[D]")
        facts = summarize([1, 2, 3], instants, [1.0, 1.0, 1.0], as_of="2024-02-10")
        want = (np.datetime64("2024-02-10") - expected).astype(float).tolist()
        assert facts.recency_days.tolist() == want

    def test_big_endian_dates(self) -> None:
        """Big-endian datetime64 gives the same recency as native (not quintillions)."""
        dates = np.array(["2024-01-01", "2024-01-05"], dtype=">M8[s]")
        facts = summarize([1, 2], dates, [1.0, 1.0], as_of="2024-01-10")
        assert facts.recency_days.tolist() == [9.0, 5.0]

    @pytest.mark.parametrize("unit", ["ps", "fs", "as"])
    def test_sub_nanosecond_units(self, unit: str) -> None:
        """[ps]/[fs]/[as] dates are floored to ns, not a bare OverflowError."""
        dates = np.array([-1, 0, 5], dtype=f"datetime64[{unit}]")
        facts = summarize([1, 1, 2], dates, [1.0, 1.0, 1.0])
        assert facts.as_of == np.datetime64("1970-01-02")
        assert facts.recency_days.tolist() == [1.0, 1.0]
        assert facts.tenure_days.tolist() == [2.0, 1.0]
        assert facts.last_purchase.dtype == np.dtype("datetime64[ns]")

    @pytest.mark.parametrize(
        ("as_of", "day"),
        [
            (np.datetime64(10**17, "D"), None),
            (np.datetime64(2**62, "5h"), None),
            (np.datetime64(-(2**62), "Y"), None),
            (np.datetime64("2024-03-01", "D").astype(">M8[D]"), "2024-03-01"),
            (np.datetime64(96, "5h").astype(">M8[5h]"), "1970-01-21"),
            (np.datetime64(-1, "as"), "1969-12-31"),
            (np.datetime64(3, "W"), "1970-01-22"),
            ("300000-01-01", None),
        ],
        ids=[
            "far_days",
            "far_5h",
            "far_years",
            "big_endian",
            "big_endian_5h",
            "attoseconds",
            "weeks",
            "text",
        ],
    )
    def test_as_of_any_unit(self, as_of: Any, day: str | None) -> None:
        """as_of in any unit and byte order gives its day, or InputError out of range."""
        if day is None:
            with pytest.raises(InputError) as info:
                summarize([1], ["1960-01-01"], [1.0], as_of=as_of)
            assert info.value.field == "as_of"
        else:
            facts = summarize([1], ["1960-01-01"], [1.0], as_of=as_of)
            assert facts.as_of == np.datetime64(day)

    @pytest.mark.parametrize(
        "text", ["300000-01-01", "-300000-01-01", "2024-01-01T00:00:00.000000001"]
    )
    def test_text_dates_outside_microseconds(self, text: str) -> None:
        """Text dates outside datetime64[us] are refused, not wrapped round."""
        if text.startswith("2024"):
            facts = summarize([1], [text], [1.0])
            assert facts.as_of == np.datetime64("2024-01-02")
            return
        with pytest.raises(InputError) as info:
            summarize([1], [text], [1.0])
        assert info.value.field == "date"

    @given(
        year=st.one_of(st.integers(-400_000, 400_000), st.integers(1600, 2400)),
        month=st.integers(1, 12),
        day=st.integers(1, 28),
        digits=st.text(alphabet="0123456789", max_size=12),
        where=st.sampled_from(["date", "as_of"]),
    )
    def test_text_dates_of_any_year_and_precision(
        self, year: int, month: int, day: int, digits: str, where: str
    ) -> None:
        """ISO text of any year with up to 12 fraction digits gives its own day,
        or InputError when datetime64[us] cannot hold it (never a wrapped day)
        or when its year is outside 1 to 9999, which the engines refuse
        (audit 35: the year 0 was a recency of 739,176 days)."""
        sign = "-" if year < 0 else ""
        text = f"{sign}{abs(year):04d}-{month:02d}-{day:02d}T23:59:59"
        text += f".{digits}" if digits else ""
        n_days = days_from_civil(year, month, day)
        start, end = n_days * 86_400_000_000, (n_days + 1) * 86_400_000_000
        fits = start > I64_MIN and end < I64_MAX
        if not fits and end > I64_MIN and start < I64_MAX:
            reject()  # the day datetime64[us] ends within: depends on the time
        dates, as_of = ([text], None) if where == "date" else (["1970-01-01"], text)
        if not fits or not 1 <= year <= 9999:
            with pytest.raises(InputError) as info:
                summarize([1], dates, [1.0], as_of=as_of, after_as_of="drop")
            assert info.value.field == where
            return
        facts = summarize([1], dates, [1.0], as_of=as_of, after_as_of="drop")
        got = facts.last_purchase if where == "date" else [facts.as_of]
        assert to_days(np.asarray(got)).tolist() == [n_days]

    def test_last_representable_day_needs_as_of(self) -> None:
        """Dates on datetime64's last day have no default as_of: InputError."""
        dates = np.array([I64_MAX - 1], dtype="datetime64[D]")
        with pytest.raises(InputError, match="as_of"):
            summarize([1], dates, [1.0])

    @pytest.mark.parametrize("dtype", [">i8", ">f8", ">i4", ">u4"])
    def test_big_endian_numbers(self, dtype: str) -> None:
        """Big-endian ids and amounts give the facts of native ones."""
        ids = np.array([3, 1, 3], dtype=dtype)
        amounts = np.array([1, 2, 4], dtype=dtype)
        facts = summarize(ids, ["2024-01-01"] * 3, amounts)
        assert facts.customer_id.tolist() == [1, 3]
        assert facts.monetary.tolist() == [2.0, 5.0]


# --------------------------------------------------------------------------
# 4. sums that overflow float64


class TestSumOverflow:
    @given(
        rows=st.lists(
            st.tuples(
                st.integers(0, 3),
                st.one_of(
                    st.floats(1e306, 1.7e308),
                    st.floats(-1.7e308, -1e306),
                    st.floats(-1e3, 1e3),
                ),
            ),
            min_size=1,
            max_size=12,
        )
    )
    def test_overflow_is_reported_never_inf(
        self, rows: list[tuple[int, float]]
    ) -> None:
        """A customer whose float sum overflows gives InputError naming them;
        otherwise monetary is exactly that sum (never inf). Each customer's
        own amounts decide how: decimals exactly as decimals, others exactly
        and rounded once (as math.fsum), however many binary places they
        span."""
        ids = [r[0] for r in rows]
        amounts = [r[1] for r in rows]
        sums: dict[int, float] = {}
        for cid in {r[0] for r in rows}:  # each customer's own amounts decide
            own = [a for c, a in rows if c == cid]
            if decimal_scale(np.array(own)) is not None:  # exact decimal sums
                sums[cid] = float(sum((Fraction(repr(a)) for a in own), Fraction(0)))
            else:  # exactly, rounded once (limbs, else math.fsum)
                try:
                    sums[cid] = float(sum((Fraction(a) for a in own), Fraction(0)))
                except OverflowError:
                    sums[cid] = math.inf
        over = sorted(c for c, s in sums.items() if math.isinf(s))
        if over:
            with pytest.raises(InputError) as info:
                summarize(ids, ["2024-01-01"] * len(ids), amounts)
            assert info.value.field == "amount"
            assert f"customer {over[0]!r}" in info.value.problem
            assert "scale the amounts" in info.value.fix
        else:
            facts = summarize(ids, ["2024-01-01"] * len(ids), amounts)
            assert facts.monetary.tolist() == [sums[c] for c in sorted(sums)]

    @given(amounts=st.lists(st.integers(I64_MIN, I64_MAX), min_size=1, max_size=10))
    def test_integer_amounts_beyond_2_53(self, amounts: list[int]) -> None:
        """int64 amounts beyond 2**53 (not exact in float64) are refused at their row."""
        arr = np.array(amounts, dtype=np.int64)
        big = [i for i, a in enumerate(amounts) if abs(a) > 2**53]
        if big:
            with pytest.raises(InputError) as info:
                summarize([1] * len(arr), ["2024-01-01"] * len(arr), arr)
            assert (info.value.first_row, info.value.n_rows) == (big[0], len(big))
        elif sum(abs(a) for a in amounts) > 2**53:  # the sum might round
            with pytest.raises(InputError, match=r"may pass 2\*\*53"):
                summarize([1] * len(arr), ["2024-01-01"] * len(arr), arr)
        else:
            facts = summarize([1] * len(arr), ["2024-01-01"] * len(arr), arr)
            assert facts.monetary.tolist() == [float(sum(float(a) for a in amounts))]


# --------------------------------------------------------------------------
# 5. unhashable ids


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class TestUnhashableIds:
    @pytest.mark.parametrize(
        ("ids", "kind"),
        [
            ([[1, 2], [1, 2]], "list"),
            ([{"a": 1}, {"a": 1}], "dict"),
            ([{1}, {2}], "set"),
            ([np.array([1]), np.array([2])], "ndarray"),
            ([bytearray(b"a"), bytearray(b"b")], "bytearray"),
            ([(1, [2]), (1, [2])], "tuple"),
            ([(1, 2), (1, [2]), (3, 4)], "tuple"),
        ],
        ids=["list", "dict", "set", "ndarray", "bytearray", "tuple_of_list", "later"],
    )
    def test_unhashable_values(self, ids: list[Any], kind: str) -> None:
        """Unhashable ids raise InputError naming the field, the kind of value and
        the first such row."""
        with pytest.raises(InputError) as info:
            run(ids)
        assert info.value.field == "customer_id"
        assert kind in info.value.problem
        first = next(i for i, x in enumerate(ids) if not _hashable(x))
        assert info.value.first_row == first

    @given(
        rows=st.lists(
            st.one_of(
                st.integers(0, 3).map(lambda i: (i, i)),
                st.sampled_from([[1], {"a": 1}, {2}, (1, [2]), bytearray(b"x")]),
            ),
            min_size=1,
            max_size=20,
        ),
        make=st.sampled_from(["list", "object_array", "object_series"]),
    )
    def test_unhashable_anywhere(self, rows: list[Any], make: str) -> None:
        """An unhashable value at any row, among hashable tuples, is refused at
        the first such row; without one, the tuples group as Python does."""
        ids = OBJECT_CONTAINERS[make](rows)
        bad = [i for i, x in enumerate(rows) if not _hashable(x)]
        if not bad:
            assert_grouped_like_python(run(ids), rows)
            return
        with pytest.raises(InputError) as info:
            run(ids)
        assert (info.value.first_row, info.value.n_rows) == (bad[0], len(bad))
        assert "cannot be customer ids" in info.value.problem

    @pytest.mark.parametrize(
        "dtype",
        [
            pd.ArrowDtype(pa.list_(pa.int64())),
            pd.ArrowDtype(pa.struct([("a", pa.int64())])),
        ],
        ids=["list", "struct"],
    )
    def test_parquet_list_and_struct_columns(self, dtype: Any) -> None:
        """Arrow list and struct columns (as read from Parquet) are refused clearly."""
        values = [[1, 2], [3]] if "list" in str(dtype) else [{"a": 1}, {"a": 2}]
        with pytest.raises(InputError) as info:
            run(pd.Series(values, dtype=dtype))
        assert info.value.field == "customer_id"
        assert "cannot be customer ids" in info.value.problem


# --------------------------------------------------------------------------
# 6. fuzz: every public core function gives a result or a custseg error

odd = strategies.hostile_arrays()
#: Examples per fuzz test (6 tests); raise it for a longer hunt.
FUZZ = settings(
    max_examples=int(os.environ.get("CUSTSEG_FUZZ_EXAMPLES", "30")), deadline=None
)


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Call *fn*; anything but a result or a CustsegError (or a warning other
    than a CustsegWarning) fails the test, with the input in the report."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", CustsegWarning)
        with contextlib.suppress(CustsegError):
            fn(*args, **kwargs)


def column(arr: Any) -> Any:
    """A second, well-formed column as long as *arr* (when it has a length)."""
    try:
        n = len(arr)
    except TypeError:
        n = 1
    return np.arange(float(n))


class TestFuzzPublicFunctions:
    @FUZZ
    @given(ids=odd, dates=odd, amounts=odd, which=st.integers(0, 3))
    def test_summarize(self, ids: Any, dates: Any, amounts: Any, which: int) -> None:
        """summarize: odd ids, dates, amounts (one at a time or all) never crash."""
        n = len(ids) if isinstance(ids, list) or getattr(ids, "ndim", 0) == 1 else 3
        good = (list(range(n)), ["2024-01-01"] * n, np.ones(n))
        args = [ids, dates, amounts] if which == 3 else list(good)
        if which < 3:
            args[which] = (ids, dates, amounts)[which]
        call(summarize, *args)
        call(summarize, *args, as_of=dates if which == 1 else "2024-02-01")

    @FUZZ
    @given(
        as_of=st.sampled_from(strategies.ODD_SCALARS),
        frequency=st.sampled_from(["days", "transactions", "weeks", None]),
        after=st.sampled_from(["drop", "raise", "keep"]),
    )
    def test_summarize_options(self, as_of: Any, frequency: Any, after: Any) -> None:
        """summarize: odd as_of scalars and options never crash."""
        call(summarize, [1, 2, 1], ["2024-01-01", "2024-03-01", "2024-02-01"],
             [1.0, 2.0, -1.0], as_of=as_of, frequency=frequency, after_as_of=after)  # fmt: skip
        call(custseg.btyd_summary, [1, 2], ["2024-01-01", "2024-03-01"],
             observation_end=as_of, after_observation_end=after)  # fmt: skip

    @FUZZ
    @given(ids=odd, dates=odd, amounts=odd)
    def test_btyd_summary(self, ids: Any, dates: Any, amounts: Any) -> None:
        """btyd_summary: odd ids, dates, amounts never crash."""
        call(custseg.btyd_summary, ids, dates, amounts, observation_end="2024-02-01")
        call(custseg.btyd_summary, ids, column(ids).astype("M8[D]"), None,
             observation_end=dates)  # fmt: skip

    @FUZZ
    @given(x=odd, which=st.integers(0, 2))
    def test_rfm_scores_and_edges(self, x: Any, which: int) -> None:
        """rfm_scores, rfm_edges: an odd column among good ones never crashes."""
        args = [column(x), column(x), column(x)]
        args[which] = x
        call(custseg.rfm_edges, *args)
        call(custseg.rfm_scores, *args)
        call(custseg.rfm_scores, *args, nan="unknown")

    @FUZZ
    @given(x=odd, bins=st.sampled_from([*strategies.ODD_SCALARS, (2, 3, 4), (0, 1)]))
    def test_odd_parameters(self, x: Any, bins: Any) -> None:
        """quantile_edges, rfm_edges, abc_classes: odd parameter values give a
        result or a custseg error."""
        call(custseg.quantile_edges, column(x), bins)
        call(custseg.rfm_edges, column(x), column(x), column(x), bins)
        call(custseg.abc_classes, column(x), bins)

    @FUZZ
    @given(x=odd)
    def test_quantile_edges_and_score(self, x: Any) -> None:
        """quantile_edges, score: odd values never crash."""
        call(custseg.quantile_edges, x)
        call(custseg.quantile_edges, x, nan="ignore")
        edges = custseg.quantile_edges([1.0, 2.0, 3.0, 4.0, 5.0])
        call(custseg.score, x, edges)
        call(custseg.score, x, edges, nan="unknown")

    @FUZZ
    @given(x=odd)
    def test_abc_and_lorenz(self, x: Any) -> None:
        """abc_classes, abc_edges, lorenz_curve: odd values never crash."""
        call(custseg.abc_edges, x)
        call(custseg.abc_classes, x)
        call(custseg.abc_classes, x, nan="unknown")
        call(custseg.lorenz_curve, x)

    @FUZZ
    @given(x=odd)
    def test_pareto_summary(self, x: Any) -> None:
        """pareto_summary: odd values never crash."""
        call(custseg.pareto_summary, x)

    @FUZZ
    @given(x=odd)
    def test_lifecycle_stage(self, x: Any) -> None:
        """lifecycle_stage: odd recency values never crash."""
        call(custseg.lifecycle_stage, x)


# --------------------------------------------------------------------------
# 7. review 7: extreme days, huge ints, exact integer sums, compact dates,
#    parameters of the wrong type

TWO_53 = 2**53
ENTRY = settings(max_examples=40, deadline=None)


def day_reference(ticks: list[int], as_of: int | None) -> dict[int, tuple[int, int]]:
    """(recency, tenure) per customer id (its row number), in Python ints."""
    end = max(ticks) + 1 if as_of is None else as_of
    return {i: (end - t, end - t) for i, t in enumerate(ticks)}


class TestExtremeDays:
    @ENTRY
    @given(
        dates=strategies.extreme_day_arrays(),
        as_of=st.one_of(st.none(), st.integers(19_000, 20_000)),
        frequency=st.sampled_from(["transactions", "days"]),
    )
    def test_summarize_counts_exactly_or_refuses(
        self, dates: np.ndarray, as_of: int | None, frequency: str
    ) -> None:
        """summarize: dates anywhere in datetime64[D] give exact, non-negative
        day counts, or an InputError; never a wrapped or crashing count."""
        ticks = dates.view(np.int64).tolist()
        ids = list(range(len(ticks)))
        kwargs: dict[str, Any] = {"frequency": frequency, "after_as_of": "drop"}
        if as_of is not None:
            kwargs["as_of"] = np.datetime64(as_of, "D")
        try:
            facts = summarize(ids, dates, np.ones(len(ticks)), **kwargs)
        except InputError as err:
            end = max(ticks) + 1 if as_of is None else as_of
            kept = [t for t in ticks if t <= end]
            assert end - min(kept) > TWO_53 - 1 or max(ticks) + 1 >= I64_MAX, err
            return
        end = int(facts.as_of.astype(np.int64))
        for k, cid in enumerate(facts.customer_id.tolist()):
            assert facts.recency_days[k] == float(end - ticks[cid]) >= 0
            assert facts.tenure_days[k] == facts.recency_days[k]
            assert facts.frequency[k] == 1

    @ENTRY
    @given(
        dates=strategies.extreme_day_arrays(),
        end=st.integers(19_000, 20_000),
        unit=st.sampled_from(["D", "W"]),
    )
    def test_btyd_refuses_or_is_finite(
        self, dates: np.ndarray, end: int, unit: str
    ) -> None:
        """btyd_summary, btyd_calibration_holdout: extreme days give finite,
        non-negative recency and T, or an InputError (never a bare error)."""
        n = len(dates)
        ids = [i % 2 for i in range(n)]
        end_d = np.datetime64(end, "D")
        for result in (
            lambda: custseg.btyd_summary(
                ids, dates, np.ones(n), observation_end=end_d, unit=unit,
                after_observation_end="drop",
            ),
            lambda: custseg.btyd_calibration_holdout(
                ids, dates, np.ones(n), calibration_end=end_d - 5,
                observation_end=end_d, unit=unit, after_observation_end="drop",
            ),
        ):  # fmt: skip
            try:
                table = result()
            except InputError as err:
                assert "2**53 days" in str(err) or "no transactions" in str(err)
                continue
            frame = table.to_pandas()
            assert np.isfinite(frame.to_numpy()).all()
            assert (frame.to_numpy() >= 0).all()

    def test_review_examples(self) -> None:
        """The reported reproducers raise InputError."""
        with pytest.raises(InputError, match="2\\*\\*53 days before as_of"):
            summarize(
                [1], np.array([I64_MIN + 100], "M8[D]"), [1.0], as_of="2024-01-01"
            )
        with pytest.raises(InputError, match="2\\*\\*53 days"):
            summarize([1, 2], np.array([-(2**62), 2**62], "M8[D]"), [1.0, 1.0])
        with pytest.raises(InputError, match="2\\*\\*53 days"):
            summarize([1, 2, 3], np.array([-(2**62), 2**62, 0], "M8[D]"), [1.0] * 3,
                      frequency="days")  # fmt: skip
        with pytest.raises(InputError, match="2\\*\\*53 days"):
            custseg.btyd_summary([1, 1], np.array([I64_MIN + 100, 0], "M8[D]"),
                                 [1.0, 1.0], observation_end="2024-01-01")  # fmt: skip

    def test_distinct_days_of_many_customers_far_apart(self) -> None:
        """frequency='days' stays exact when customers times days pass int64."""
        n = 3000
        days = np.where(np.arange(2 * n) % 2 == 0, 0, TWO_53 - 10).astype(np.int64)
        ids = np.repeat(np.arange(n), 2)
        facts = summarize(ids, days.view("M8[D]"), np.ones(2 * n), frequency="days")
        assert (facts.frequency == 2).all()
        far = np.where(np.arange(2 * n) % 2 == 0, -TWO_53 + 20_000, 0)
        for unit in ("D", "W"):
            b = custseg.btyd_summary(
                ids, far.view("M8[D]"), observation_end="2024-01-01", unit=unit
            )
            assert (b.frequency == 1).all()


class TestHugeIntegers:
    @ENTRY
    @given(values=strategies.huge_int_arrays())
    def test_every_numeric_entry_point(self, values: Any) -> None:
        """Ints beyond float64 in a list, tuple, object array or Series give
        an InputError naming the first row, in every numeric entry point."""
        flat = list(values)
        first = next(i for i, x in enumerate(flat) if isinstance(x, int)
                     and abs(x) > 2**1023)  # fmt: skip
        n = len(flat)
        calls: list[Callable[[], Any]] = [
            lambda: summarize(list(range(n)), ["2024-01-01"] * n, values),
            lambda: custseg.btyd_summary(
                [1] * n, ["2024-01-01"] * n, values, observation_end="2024-02-01"
            ),
            lambda: custseg.quantile_edges(values),
            lambda: custseg.score(values, custseg.ScoreEdges((1, 2))),
            lambda: custseg.lifecycle_stage(values),
            lambda: custseg.lorenz_curve(values),
            lambda: custseg.pareto_summary(values),
            lambda: custseg.abc_classes(values),
            lambda: custseg.abc_edges(values),
            lambda: custseg.rfm_scores(values, np.ones(n), np.ones(n)),
        ]
        for fn in calls:
            with pytest.raises(InputError) as info:
                fn()
            assert info.value.first_row == first, fn
            assert "float64" in info.value.problem

    @ENTRY
    @given(big=strategies.HUGE_INTS)
    def test_parameters(self, big: int) -> None:
        """Ints beyond float64 as a threshold give a ThresholdError."""
        from custseg.errors import ThresholdError

        for fn in (
            lambda: custseg.ScoreEdges((big,)),
            lambda: custseg.LifecycleWindows(breaks=(big,), labels=("a", "b")),
            lambda: custseg.AbcCutoffs(a=big),
            lambda: custseg.AbcEdges(a_min=big, b_min=1),
            lambda: custseg.btyd_summary([1], ["2024-01-01"],
                                         observation_end="2024-02-01", time_scaler=big),
            lambda: custseg.quantile_edges([1.0, 2.0], big),
        ):  # fmt: skip
            with pytest.raises(ThresholdError):
                fn()


class TestExactIntegerSums:
    @ENTRY
    @given(
        amounts=st.lists(
            st.one_of(
                st.integers(-(2**53), 2**53),
                st.sampled_from([2**53 - 1, -(2**53) + 1, 2**52, 3, -3]),
            ),
            min_size=1,
            max_size=6,
        ),
        ids=st.lists(st.integers(0, 1), min_size=6, max_size=6),
    )
    def test_refused_unless_exact(self, amounts: list[int], ids: list[int]) -> None:
        """Integer amounts: a customer's monetary is the exact sum, or the sum
        of its absolute values reaches 2**53 and an InputError says so."""
        ids = ids[: len(amounts)]
        by_id: dict[int, list[int]] = {}
        for i, a in zip(ids, amounts, strict=True):
            by_id.setdefault(i, []).append(a)
        bound = max(sum(abs(a) for a in rows) for rows in by_id.values())
        try:
            facts = summarize(ids, ["2024-01-01"] * len(ids), np.array(amounts))
        except InputError as err:
            assert bound >= TWO_53, err
            assert "2**53" in err.problem
            return
        for k, cid in enumerate(facts.customer_id.tolist()):
            assert facts.monetary[k] == sum(by_id[cid])
            assert int(facts.monetary[k]) == sum(by_id[cid])

    @ENTRY
    @given(
        big=strategies.BEYOND_2_53,
        pos=st.integers(0, 3),
        form=st.sampled_from(["list", "tuple", "object", "int64", "series"]),
    )
    def test_single_ints_beyond_2_53_in_any_container(
        self, big: int, pos: int, form: str
    ) -> None:
        """An int beyond 2**53 is refused whatever holds it (NumPy would round
        a list mixing it with other ints to float64)."""
        values: list[int] = [1, -1, 2, 5]
        values[pos] = big
        if form == "list":
            amounts: Any = values
        elif form == "tuple":
            amounts = tuple(values)
        elif form == "int64":
            amounts = np.array(values, dtype=np.int64)
        else:
            amounts = np.empty(4, dtype=object)
            amounts[:] = values
            amounts = amounts if form == "object" else pd.Series(amounts)
        with pytest.raises(InputError) as info:
            summarize([1, 2, 3, 4], ["2024-01-01"] * 4, amounts)
        assert info.value.first_row == pos
        assert "2**53" in info.value.problem

    def test_review_example(self) -> None:
        """[2**53 - 1, 2**53 - 1, 3] for one customer is refused, not rounded."""
        a = np.array([2**53 - 1, 2**53 - 1, 3])
        with pytest.raises(InputError, match="may pass 2\\*\\*53"):
            summarize([1, 1, 1], ["2024-01-01"] * 3, a)


class TestCompactDates:
    @ENTRY
    @given(day=st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
    def test_yyyymmdd_as_of(self, day: dt.date) -> None:
        """as_of (and observation_end) as YYYYMMDD text or int is that day."""
        compact = day.strftime("%Y%m%d")
        expected = np.datetime64(day, "D")
        for value in (compact, int(compact), np.int64(compact), f" {compact} "):
            facts = summarize([1], [np.datetime64("0999-01-01")], [1.0], as_of=value)
            assert facts.as_of == expected
        b = custseg.btyd_summary([1], ["0999-01-01"], observation_end=int(compact))
        assert b.observation_end == expected

    @ENTRY
    @given(
        digits=st.text("0123456789", min_size=1, max_size=12).filter(
            lambda t: len(t) not in (4, 8)
        )
    )
    def test_bare_digits_are_not_years(self, digits: str) -> None:
        """Bare digits other than a 4-digit year or YYYYMMDD are refused, as
        as_of (text or int) and in a date column."""
        with pytest.raises(InputError, match="not a date"):
            summarize([1], ["2024-01-01"], [1.0], as_of=digits)
        if int(digits) < 10**7 or int(digits) >= 10**8:
            with pytest.raises(InputError, match="not a date"):
                summarize([1], ["2024-01-01"], [1.0], as_of=int(digits))
        with pytest.raises(InputError, match="not dates") as info:
            summarize([1, 2], ["2024-01-01", digits], [1.0, 1.0])
        assert info.value.first_row == 1

    @pytest.mark.parametrize("text", ["20241301", "20240230", "00000101", "99999999"])
    def test_invalid_yyyymmdd(self, text: str) -> None:
        """Eight digits that are no calendar day are refused."""
        with pytest.raises(InputError, match="YYYYMMDD"):
            summarize([1], ["2024-01-01"], [1.0], as_of=text)

    @pytest.mark.parametrize("dtype", ["<M8[D]", ">M8[D]", ">M8[s]", "<M8[ns]"])
    def test_zero_dimensional_arrays(self, dtype: str) -> None:
        """A 0-d datetime64 array of any byte order is the date it holds."""
        as_of = np.array("2024-03-01", dtype=dtype)
        facts = summarize([1], ["2024-01-01"], [1.0], as_of=as_of)
        assert facts.as_of == np.datetime64("2024-03-01")


#: The text values some parameters accept.
_OPTIONS = {"D", "W", "raise", "drop", "days", "transactions", "purchase",
            "ignore", "value", "rank", "unknown"}  # fmt: skip


def _parameter_calls(value: Any) -> list[Callable[[], Any]]:
    """Every parameter of the core given *value*."""
    tx = ([1, 1], ["2024-01-01", "2024-01-05"], [1.0, 2.0])
    return [
        lambda: custseg.ScoreEdges(value),
        lambda: custseg.LifecycleWindows(breaks=value),
        lambda: custseg.LifecycleWindows(labels=value),
        lambda: custseg.AbcCutoffs(a=value),
        lambda: custseg.AbcCutoffs(b=value),
        lambda: custseg.AbcCutoffs(basis=value),
        lambda: custseg.AbcEdges(a_min=value, b_min=1.0),
        lambda: custseg.AbcEdges(a_min=2.0, b_min=value),
        lambda: summarize(*tx, frequency=value),
        lambda: summarize(*tx, zero_amount=value),
        lambda: summarize(*tx, after_as_of=value),
        lambda: custseg.btyd_summary(*tx, observation_end="2024-02-01", unit=value),
        lambda: custseg.btyd_summary(
            *tx, observation_end="2024-02-01", time_scaler=value
        ),
        lambda: custseg.btyd_summary(
            *tx, observation_end="2024-02-01", after_observation_end=value
        ),
        lambda: custseg.quantile_edges([1.0, 2.0, 3.0], value),
        lambda: custseg.quantile_edges([1.0, 2.0, 3.0], nan=value),
        lambda: custseg.score([1.0], custseg.ScoreEdges((1,)), nan=value),
        lambda: custseg.abc_classes([1.0, 2.0], nan=value),
        # (basis=None is the default, "value")
        lambda: custseg.abc_classes(
            [1.0, 2.0], basis=value if value is not None else 1
        ),
        lambda: custseg.rfm_edges([1.0, 2.0], [1, 2], [1.0, 2.0], bins=value),
        lambda: custseg.rfm_edges([1.0, 2.0], [1, 2], [1.0, 2.0], nan=value),
        lambda: custseg.rfm_scores([1.0, 2.0], [1, 2], [1.0, 2.0], bins=value),
        lambda: custseg.rfm_scores([1.0, 2.0], [1, 2], [1.0, 2.0], nan=value),
        lambda: custseg.score([1.0], value),
    ]


class TestParametersOfTheWrongType:
    @ENTRY
    @given(value=strategies.odd_parameter_values())
    def test_threshold_error(self, value: Any) -> None:
        """A parameter that is no number, no sequence of numbers or no name
        gives a ThresholdError (never TypeError, ValueError, OverflowError)."""
        from custseg.errors import ThresholdError

        if isinstance(value, str) and value in _OPTIONS:
            reject()
        calls = _parameter_calls(value)
        if not isinstance(value, str):  # any text is a name
            calls.append(lambda: custseg.LifecycleWindows(no_purchase=value))
        if value is not None:  # None: the default
            calls += [
                lambda: custseg.abc_classes([1.0, 2.0], cutoffs=value),
                lambda: custseg.abc_classes([1.0, 2.0], edges=value),
                lambda: custseg.rfm_scores([1.0, 2.0], [1, 2], [1.0, 2.0], edges=value),
                lambda: custseg.lifecycle_stage([1.0], windows=value),
            ]
        for fn in calls:
            with pytest.raises(ThresholdError):
                fn()

    @pytest.mark.parametrize(
        "make",
        [
            lambda: custseg.ScoreEdges(b"12"),
            lambda: custseg.ScoreEdges("19"),
            lambda: custseg.ScoreEdges(5),
            lambda: custseg.ScoreEdges("1.5"),
            lambda: custseg.ScoreEdges([[1.0]]),
            lambda: custseg.LifecycleWindows(breaks="12", labels="abc"),
            lambda: custseg.LifecycleWindows(breaks=[[1]], labels=("a", "b")),
            lambda: custseg.btyd_summary([1], ["2024-01-01"],
                                         observation_end="2024-02-01", unit=["D"]),
        ],
    )  # fmt: skip
    def test_review_examples(self, make: Callable[[], Any]) -> None:
        """The reported reproducers raise ThresholdError."""
        from custseg.errors import ThresholdError

        with pytest.raises(ThresholdError):
            make()


class TestTimeScaler:
    @ENTRY
    @given(scaler=st.floats(5e-324, 1e-300))
    def test_tiny_scaler_refused_or_finite(self, scaler: float) -> None:
        """A time_scaler so small that T passes float64 is a ThresholdError;
        otherwise every value is finite (never inf with a RuntimeWarning)."""
        from custseg.errors import ThresholdError

        args = ([1, 1, 2], ["2024-01-01", "2024-01-05", "2024-01-03"])
        for fn in (
            lambda: custseg.btyd_summary(*args, observation_end="2024-02-01",
                                         time_scaler=scaler),
            lambda: custseg.btyd_calibration_holdout(
                *args, calibration_end="2024-01-04", observation_end="2024-02-01",
                time_scaler=scaler),
        ):  # fmt: skip
            try:
                table = fn()
            except ThresholdError as err:
                assert "time_scaler" in str(err)
                assert 30 / scaler > 1.7e308 or 27 / scaler > 1.7e308
                continue
            assert np.isfinite(table.to_pandas().to_numpy()).all()
