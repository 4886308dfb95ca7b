"""Tests for the input coercion helpers in :mod:`custseg._validate`."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import strategies
from custseg import _validate as v
from custseg.errors import InputError


class TestFirstOffender:
    def test_first_and_count(self) -> None:
        """Index of the first True and the number of Trues."""
        assert v.first_offender(np.array([False, True, False, True, True])) == (1, 3)

    def test_none(self) -> None:
        """No offender gives (-1, 0)."""
        assert v.first_offender(np.zeros(4, dtype=bool)) == (-1, 0)
        assert v.first_offender(np.zeros(0, dtype=bool)) == (-1, 0)

    @given(mask=hnp.arrays(np.bool_, st.integers(0, 50)))
    def test_matches_python(self, mask: np.ndarray) -> None:
        """Agrees with a plain loop on any mask."""
        rows = [i for i, m in enumerate(mask.tolist()) if m]
        assert v.first_offender(mask) == (rows[0] if rows else -1, len(rows))


class TestCheckSameLength:
    def test_equal(self) -> None:
        """Equal lengths return that length."""
        assert v.check_same_length(a=np.zeros(3), b=np.ones(3), c=[1, 2, 3]) == 3

    def test_single(self) -> None:
        """One array returns its length."""
        assert v.check_same_length(a=np.zeros(0)) == 0

    def test_unequal(self) -> None:
        """The first array of another length is named against the first one."""
        with pytest.raises(InputError) as info:
            v.check_same_length(a=np.zeros(3), b=np.ones(3), c=np.ones(2), d=[1])
        err = info.value
        assert err.field == "c"
        assert (
            str(err) == "'c' has 2 rows but 'a' has 3: pass columns of the same table"
        )
        assert err.first_row is None and err.n_rows is None


class TestAsNumeric:
    @pytest.mark.parametrize(
        "values",
        [
            [1, 2, 3],
            np.array([1, 2, 3], dtype=np.int32),
            np.array([1, 2, 3], dtype=np.int64),
            pd.Series([1, 2, 3]),
            pd.Series([1, 2, 3], dtype="Int64"),
        ],
        ids=["list", "int32", "int64", "series", "Int64_no_na"],
    )
    def test_ints_stay_ints(self, values: Any) -> None:
        """Integer input (including nullable Int64 without NA) stays integer."""
        out = v.as_numeric(values, "x")
        assert out.dtype.kind == "i"
        assert out.tolist() == [1, 2, 3]

    def test_unsigned_small_stays_integer(self) -> None:
        """Small unsigned integers stay integer with their values."""
        out = v.as_numeric(np.array([0, 255], dtype=np.uint8), "x")
        assert out.dtype.kind in "iu"
        assert out.tolist() == [0, 255]

    def test_uint64_values_preserved_or_refused(self) -> None:
        """uint64 values above the int64 range are not silently wrapped to negatives."""
        big = np.array([1, 2**63 + 5], dtype=np.uint64)
        try:
            out = v.as_numeric(big, "x")
        except InputError:
            return
        assert [int(x) for x in out] == [1, 2**63 + 5]

    @pytest.mark.parametrize(
        "values",
        [
            np.array([1.5, 2.0], dtype=np.float32),
            np.array([1.5, 2.0], dtype=np.float16),
            pd.Series([1.5, 2.0], dtype="Float64"),
            ["1.5", "2"],
            np.array(["1.5", " 2 "], dtype=object),
            pd.Series(["1.5", "2"], dtype="str"),
            [1.5, 2],
        ],
        ids=["f32", "f16", "Float64", "text", "object_text", "str_series", "mixed"],
    )
    def test_floats_become_float64(self, values: Any) -> None:
        """Float, nullable Float64 and numeric text become float64."""
        out = v.as_numeric(values, "x")
        assert out.dtype == np.float64
        assert out.tolist() == [1.5, 2.0]

    def test_nullable_int_with_na(self) -> None:
        """pandas Int64 with NA becomes float64 with NaN when NaN is allowed."""
        out = v.as_numeric(pd.Series([1, None, 3], dtype="Int64"), "x", nan="allow")
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, [1.0, np.nan, 3.0])

    def test_nullable_int_with_na_refused(self) -> None:
        """pandas Int64 with NA is refused by default, naming the row."""
        with pytest.raises(InputError) as info:
            v.as_numeric(pd.Series([1, 2, None], dtype="Int64"), "freq")
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "freq",
            2,
            1,
        )

    @pytest.mark.parametrize(
        "values",
        [
            [True, False],
            np.array([True, False]),
            pd.Series([True, False], dtype="boolean"),
            pd.Series([True, None], dtype="boolean"),
        ],
        ids=["list", "numpy", "boolean", "boolean_na"],
    )
    def test_bool_refused(self, values: Any) -> None:
        """Booleans are not numbers: InputError saying so."""
        with pytest.raises(InputError, match="is boolean, not numeric") as info:
            v.as_numeric(values, "flag")
        assert info.value.field == "flag"

    def test_bool_inside_object_refused(self) -> None:
        """A bool inside an object array is a non-numeric value at its row."""
        with pytest.raises(InputError) as info:
            v.as_numeric(np.array([1, True, 2.0], dtype=object), "x")
        assert (info.value.first_row, info.value.n_rows) == (1, 1)

    @pytest.mark.parametrize(
        ("values", "first", "count", "shown"),
        [
            (["1", "two", "3", "four"], 1, 2, "'two'"),
            (np.array([1.0, "x"], dtype=object), 1, 1, "'x'"),
            (pd.Series(["a", "2"], dtype=object), 0, 1, "'a'"),
        ],
    )
    def test_non_numeric_names_first_bad_row(
        self, values: Any, first: int, count: int, shown: str
    ) -> None:
        """Non-numeric values raise InputError with the first bad row, count and value."""
        with pytest.raises(InputError) as info:
            v.as_numeric(values, "amount")
        err = info.value
        assert (err.field, err.first_row, err.n_rows) == ("amount", first, count)
        assert f"non-numeric values such as {shown}" in str(err)

    @pytest.mark.parametrize(
        "values",
        [
            [1.0, np.nan, 2.0, np.nan],
            [1.0, None, 2.0, None],
            np.array([1, None, 2, None]),
        ],
        ids=["nan", "none", "object_none"],
    )
    def test_nan(self, values: Any) -> None:
        """Missing values raise by default (row and count) and become NaN with 'allow'."""
        with pytest.raises(InputError) as info:
            v.as_numeric(values, "amount")
        assert (info.value.first_row, info.value.n_rows) == (1, 2)
        assert "missing values (NaN)" in str(info.value)
        out = v.as_numeric(values, "amount", nan="allow")
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, [1.0, np.nan, 2.0, np.nan])

    @pytest.mark.parametrize(
        "values",
        [[1.0, np.inf], [1.0, -np.inf], ["1", "inf"]],
        ids=["inf", "-inf", "text"],
    )
    def test_inf_refused(self, values: Any) -> None:
        """Infinite values are refused unless allow_inf, which keeps them."""
        with pytest.raises(InputError, match="infinite") as info:
            v.as_numeric(values, "amount")
        assert (info.value.first_row, info.value.n_rows) == (1, 1)
        out = v.as_numeric(values, "amount", allow_inf=True)
        assert np.isinf(out[1]) and out[0] == 1.0

    @pytest.mark.parametrize(
        "values",
        [
            np.array(["2024-01-01"], dtype="datetime64[D]"),
            np.array([1], dtype="timedelta64[D]"),
        ],
    )
    def test_dates_refused(self, values: np.ndarray) -> None:
        """datetime64 and timedelta64 are not numbers."""
        with pytest.raises(InputError, match="expected numbers"):
            v.as_numeric(values, "x")

    @pytest.mark.parametrize(
        "values", [5, 2.5, "12", np.zeros((2, 2))], ids=["int", "float", "str", "2d"]
    )
    def test_scalars_and_2d_refused(self, values: Any) -> None:
        """Scalars and 2-D input are InputErrors naming the field."""
        with pytest.raises(InputError) as info:
            v.as_numeric(values, "x")
        assert info.value.field == "x"

    def test_contiguous_output(self) -> None:
        """A strided view comes back contiguous with the same values."""
        out = v.as_numeric(np.arange(10.0)[::2], "x")
        assert out.flags.c_contiguous
        assert out.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]

    @given(values=strategies.finite_values())
    def test_float_round_trip(self, values: np.ndarray) -> None:
        """Finite float64 arrays come back unchanged."""
        out = v.as_numeric(values, "x")
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, values)

    @given(values=strategies.small_values())
    def test_int_round_trip(self, values: np.ndarray) -> None:
        """int64 arrays come back unchanged and integer."""
        out = v.as_numeric(values, "x")
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out, values)


class TestAsDatetime:
    @pytest.mark.parametrize("unit", ["D", "s", "ms", "us", "ns"])
    def test_datetime64_kept(self, unit: str) -> None:
        """datetime64 arrays keep their unit and values."""
        arr = np.array(["2024-01-05", "1969-07-20"], dtype=f"datetime64[{unit}]")
        out = v.as_datetime(arr, "date")
        assert out.dtype == arr.dtype
        np.testing.assert_array_equal(out, arr)

    def test_iso_text(self) -> None:
        """ISO 8601 text (date, T or space separator) parses to microseconds."""
        out = v.as_datetime(
            ["2024-01-05", "2024-02-01T10:30", "2024-02-01 10:30:15"], "date"
        )
        assert out.dtype == np.dtype("datetime64[us]")
        assert out.tolist() == [
            dt.datetime(2024, 1, 5),
            dt.datetime(2024, 2, 1, 10, 30),
            dt.datetime(2024, 2, 1, 10, 30, 15),
        ]

    def test_date_and_datetime_objects(self) -> None:
        """datetime.date and naive datetime.datetime objects parse to microseconds."""
        out = v.as_datetime([dt.date(2024, 1, 5), dt.datetime(2024, 1, 6, 7, 8)], "d")
        assert out.dtype == np.dtype("datetime64[us]")
        assert out.tolist() == [dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 6, 7, 8)]

    def test_pandas_series_and_index(self) -> None:
        """pandas datetime Series and DatetimeIndex become datetime64 arrays."""
        idx = pd.DatetimeIndex(["2024-01-05 10:00", "2024-01-06"])
        for x in (idx, pd.Series(idx)):
            out = v.as_datetime(x, "date")
            assert out.dtype.kind == "M"
            assert out.astype("datetime64[us]").tolist() == [
                dt.datetime(2024, 1, 5, 10),
                dt.datetime(2024, 1, 6),
            ]

    def test_str_series(self) -> None:
        """A pandas 'str' Series of ISO text parses."""
        out = v.as_datetime(pd.Series(["2024-01-05", "2024-01-06"], dtype="str"), "d")
        assert out.tolist() == [dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 6)]

    @pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "UTC"])
    def test_tz_aware_pandas_local_wall_time(self, zone: str) -> None:
        """tz-aware pandas data keeps its local wall-clock time, zone dropped."""
        idx = pd.DatetimeIndex(["2024-01-01 23:30", "2024-01-02 00:30"], tz=zone)
        for x in (idx, pd.Series(idx)):
            out = v.as_datetime(x, "date")
            assert out.astype("datetime64[us]").tolist() == [
                dt.datetime(2024, 1, 1, 23, 30),
                dt.datetime(2024, 1, 2, 0, 30),
            ]

    def test_tz_aware_datetime_objects_local_wall_time(self) -> None:
        """tz-aware datetime.datetime objects keep local wall time, like pandas input."""
        shanghai = dt.timezone(dt.timedelta(hours=8))
        out = v.as_datetime([dt.datetime(2024, 1, 2, 0, 30, tzinfo=shanghai)], "date")
        assert out.tolist() == [dt.datetime(2024, 1, 2, 0, 30)]

    @pytest.mark.parametrize(
        "values",
        [
            ["2024-01-01", None, "2024-01-02", None],
            np.array(["2024-01-01", "NaT", "2024-01-02", "NaT"], dtype="datetime64[s]"),
            pd.Series(pd.to_datetime(["2024-01-01", None, "2024-01-02", None])),
            pd.Series(["2024-01-01", None, "2024-01-02", None], dtype="str"),
        ],
        ids=["text_none", "datetime64", "series", "str_series"],
    )
    def test_missing(self, values: Any) -> None:
        """Missing dates are 'missing dates (NaT)' by default and NaT with 'allow'."""
        with pytest.raises(InputError) as info:
            v.as_datetime(values, "date")
        err = info.value
        assert (err.field, err.first_row, err.n_rows) == ("date", 1, 2)
        assert err.problem == "contains missing dates (NaT)"
        out = v.as_datetime(values, "date", nan="allow")
        assert np.isnat(out).tolist() == [False, True, False, True]

    def test_all_nat_generic_unit(self) -> None:
        """An all-NaT generic datetime64 array gets a concrete unit with 'allow'."""
        out = v.as_datetime(
            np.array(["NaT", "NaT"], dtype="datetime64"), "d", nan="allow"
        )
        assert out.dtype == np.dtype("datetime64[us]")
        assert np.isnat(out).all()

    def test_not_dates(self) -> None:
        """Unparseable text names the first bad value, row and count."""
        with pytest.raises(InputError) as info:
            v.as_datetime(["2024-01-05", "next week", "2024-13-45", "2024-01-01"], "d")
        err = info.value
        assert (err.field, err.first_row, err.n_rows) == ("d", 1, 2)
        assert "not dates, such as 'next week'" in str(err)

    @pytest.mark.parametrize(
        "values",
        [np.array([1, 2]), np.array([1.5]), np.array([True])],
        ids=["int", "float", "bool"],
    )
    def test_numbers_refused(self, values: np.ndarray) -> None:
        """Numeric arrays are refused (no guessing of epoch units)."""
        with pytest.raises(InputError, match="expected dates"):
            v.as_datetime(values, "date")

    @pytest.mark.parametrize(
        "values", ["2024-01-01", np.zeros((1, 1), "datetime64[s]")]
    )
    def test_scalar_and_2d_refused(self, values: Any) -> None:
        """A single string or a 2-D array is refused."""
        with pytest.raises(InputError):
            v.as_datetime(values, "date")


class TestAsDatetimeScalar:
    @pytest.mark.parametrize(
        "value",
        [
            "2024-03-01",
            " 2024-03-01 ",
            dt.date(2024, 3, 1),
            dt.datetime(2024, 3, 1),
            np.datetime64("2024-03-01"),
            np.datetime64("2024-03-01T00:00:00.000000000"),
            pd.Timestamp("2024-03-01"),
        ],
        ids=["text", "padded", "date", "datetime", "dt64_D", "dt64_ns", "timestamp"],
    )
    def test_forms(self, value: Any) -> None:
        """Text, date, datetime, datetime64 and Timestamp all give microsecond datetime64."""
        out = v.as_datetime_scalar(value, "as_of")
        assert out.dtype == np.dtype("datetime64[us]")
        assert out == np.datetime64("2024-03-01T00:00", "us")

    def test_time_of_day_kept(self) -> None:
        """The time of day is kept (as_of is reduced to its day by the caller)."""
        out = v.as_datetime_scalar("2024-03-01 17:45", "as_of")
        assert out == np.datetime64("2024-03-01T17:45", "us")

    @pytest.mark.parametrize(
        "value",
        [
            pd.Timestamp("2024-03-01 23:30", tz="Asia/Shanghai"),
            dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        ],
        ids=["timestamp", "datetime"],
    )
    def test_tz_aware_local_wall_time(self, value: Any) -> None:
        """A tz-aware scalar keeps its local wall time."""
        out = v.as_datetime_scalar(value, "as_of")
        assert out == np.datetime64("2024-03-01T23:30", "us")

    @pytest.mark.parametrize("value", [None, pd.NaT, np.datetime64("NaT")])
    def test_missing(self, value: Any) -> None:
        """None / NaT is 'missing', an InputError naming the field."""
        with pytest.raises(InputError, match="is missing") as info:
            v.as_datetime_scalar(value, "as_of")
        assert info.value.field == "as_of"

    @pytest.mark.parametrize("value", ["soon", 5, 2.5, [2024, 3, 1]])
    def test_not_a_date(self, value: Any) -> None:
        """Unparseable values raise InputError quoting the value."""
        with pytest.raises(InputError) as info:
            v.as_datetime_scalar(value, "as_of")
        assert info.value.field == "as_of"
        assert f"is not a date: {value!r}" in str(info.value)


class TestToDays:
    def test_docstring_example(self) -> None:
        """The docstring example: minutes floored to whole days both sides of 1970."""
        arr = np.array(["1970-01-02T23:59", "1969-12-31T01:00"], "datetime64[m]")
        assert v.to_days(arr).tolist() == [1, -1]

    @pytest.mark.parametrize("unit", ["D", "h", "s", "ms", "us", "ns"])
    def test_floors_before_1970(self, unit: str) -> None:
        """Instants just before midnight before 1970 stay on their day (floor, not trunc)."""
        arr = np.array(
            ["1969-12-31T23:59:59", "1969-12-31T00:00:00", "1900-03-01T12:00"],
            dtype="datetime64[s]",
        ).astype(f"datetime64[{unit}]")
        assert v.to_days(arr).dtype == np.int64
        expected = [
            (dt.date(1969, 12, 31) - dt.date(1970, 1, 1)).days,
            (dt.date(1969, 12, 31) - dt.date(1970, 1, 1)).days,
            (dt.date(1900, 3, 1) - dt.date(1970, 1, 1)).days,
        ]
        assert v.to_days(arr).tolist() == expected

    @given(
        seconds=st.lists(
            st.integers(-200 * 365 * 86_400, 200 * 365 * 86_400),
            min_size=1,
            max_size=30,
        )
    )
    def test_matches_calendar(self, seconds: list[int]) -> None:
        """Days since 1970-01-01 equal datetime.date arithmetic for any instant."""
        arr = np.array(seconds, dtype="datetime64[s]")
        epoch = dt.datetime(1970, 1, 1)
        expected = [
            ((epoch + dt.timedelta(seconds=s)).date() - epoch.date()).days
            for s in seconds
        ]
        assert v.to_days(arr).tolist() == expected


class TestNative:
    @pytest.mark.parametrize("dtype", [">i8", ">f4", ">M8[s]", ">U3", "<i2", "|u1"])
    def test_native_equal_values(self, dtype: str) -> None:
        """Any byte order comes back native with the same values."""
        arr = np.array(["1", "2", "3"]).astype(dtype)
        out = v.native(arr)
        assert out.dtype.isnative
        assert out.tolist() == arr.tolist()

    def test_native_no_copy(self) -> None:
        """A native array is returned as is."""
        arr = np.arange(3)
        assert v.native(arr) is arr


# attoseconds per tick of each unit, to compute instants exactly in Python
_ATTO = {"as": 1, "fs": 10**3, "ps": 10**6, "ns": 10**9, "us": 10**12,
         "ms": 10**15, "s": 10**18, "m": 60 * 10**18, "h": 3600 * 10**18,
         "D": 86400 * 10**18, "W": 7 * 86400 * 10**18}  # fmt: skip


class TestStandardDatetimes:
    @given(
        ticks=st.lists(st.integers(-(2**63) + 1, 2**63 - 1), min_size=1, max_size=8),
        unit=st.sampled_from(
            [
                "5h",
                "13m",
                "2D",
                "7D",
                "25h",
                "W",
                "ps",
                "fs",
                "as",
                "7fs",
                "1000ps",
                "3s",
                "D",
                "ns",
            ]
        ),
        order=st.sampled_from("<>"),
    )
    def test_exact_or_refused(self, ticks: list[int], unit: str, order: str) -> None:
        """Every value becomes the floor of its exact instant in the standard unit,
        or InputError when that unit cannot hold it; never a wrapped value."""
        name, count = np.datetime_data(np.dtype(f"M8[{unit}]"))
        arr = np.array(ticks, dtype=np.int64).view(f"M8[{unit}]")
        arr = arr.astype(arr.dtype.newbyteorder(order))
        target = "ns" if _ATTO[name] < _ATTO["ns"] else ("D" if name == "W" else name)
        want = [t * count * _ATTO[name] // _ATTO[target] for t in ticks]
        if not all(-(2**63) < w < 2**63 for w in want):
            with pytest.raises(InputError) as info:
                v.standard_datetimes(arr, "date")
            bad = [i for i, w in enumerate(want) if not -(2**63) < w < 2**63]
            assert (info.value.first_row, info.value.n_rows) == (bad[0], len(bad))
            return
        out = v.standard_datetimes(arr, "date")
        assert out.dtype == np.dtype(f"M8[{target}]")
        assert out.view(np.int64).tolist() == want

    def test_nat_kept(self) -> None:
        """NaT stays NaT through a unit change."""
        arr = np.array(["NaT", "2024-01-01T05"], dtype="M8[5h]")
        out = v.standard_datetimes(arr, "date")
        assert np.isnat(out[0]) and out[1] == arr[1]

    @pytest.mark.parametrize("unit", ["Y", "M", "3M", "2Y"])
    @pytest.mark.parametrize("value", [0, 54, 10**14, 10**15 + 1, -(10**15) - 1])
    def test_years_and_months_name_no_day(self, value: int, unit: str) -> None:
        """Years and months name no day: refused (as '2024-03' is), never
        their first day, nor wrapped into days; all NaT is all missing."""
        arr = np.array(["NaT", value], dtype=f"M8[{unit}]")
        with pytest.raises(InputError, match="name no day") as info:
            v.standard_datetimes(arr, "date")
        assert (info.value.first_row, info.value.n_rows) == (1, 1)
        nat = np.array(["NaT"], dtype=f"M8[{unit}]")
        assert np.isnat(v.standard_datetimes(nat, "date")).all()

    @pytest.mark.parametrize("unit", ["D", "h", "m", "s", "ms", "us", "ns"])
    def test_standard_units_untouched(self, unit: str) -> None:
        """Native arrays of a standard unit are returned as they are."""
        arr = np.array([1, 2], dtype=f"M8[{unit}]")
        assert v.standard_datetimes(arr, "date") is arr


class TestRescaleDatetimes:
    @given(days=st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=6))
    def test_days_to_microseconds(self, days: list[int]) -> None:
        """Days become microseconds exactly, or InputError past the us range."""
        arr = np.array(days, dtype="M8[D]")
        want = [d * 86_400_000_000 for d in days]
        if all(-(2**63) < w < 2**63 for w in want):
            assert v.rescale_datetimes(arr, "us", "d").view(np.int64).tolist() == want
        else:
            with pytest.raises(InputError):
                v.rescale_datetimes(arr, "us", "d")

    def test_floors_before_1970(self) -> None:
        """Converting to a coarser unit floors (the day of an instant is kept)."""
        arr = np.array([-1, -1001, 999], dtype="M8[ns]")
        assert v.rescale_datetimes(arr, "us", "d").view(np.int64).tolist() == [
            -1,
            -2,
            0,
        ]


class TestAsNumericSums:
    @given(
        values=st.lists(
            st.one_of(st.floats(-1.7e308, 1.7e308), st.floats(-10.0, 10.0)),
            min_size=1,
            max_size=8,
        )
    )
    def test_float_sums_that_overflow(self, values: list[float]) -> None:
        """sums=True: floats whose absolute sum passes float64 are refused; others
        are kept (and without sums=True, all are kept)."""
        total = sum(Fraction(abs(x)) for x in values)  # exact
        limit = Fraction(float(np.finfo(np.float64).max))
        if total > limit * Fraction(1 + 1e-12):  # float rounding aside
            with pytest.raises(InputError, match="sum"):
                v.as_numeric(values, "values", sums=True)
            assert v.as_numeric(values, "values").tolist() == values  # by default
        elif total < limit * Fraction(1 - 1e-12):
            assert v.as_numeric(values, "values", sums=True).tolist() == values

    @given(values=st.lists(st.integers(-(2**63) + 1, 2**63 - 1), max_size=6))
    def test_int_sums_that_overflow(self, values: list[int]) -> None:
        """sums=True: int64 values whose absolute sum passes 2**63 - 1 are refused."""
        arr = np.array(values, dtype=np.int64)
        total = sum(abs(x) for x in values)  # exact
        # the check sums in float64: either answer within its rounding
        if total > 2**63 * (1 + 1e-12):
            with pytest.raises(InputError, match="int64"):
                v.as_numeric(arr, "values", sums=True)
        elif total < 2**63 * (1 - 1e-12):
            assert v.as_numeric(arr, "values", sums=True).tolist() == values

    def test_ragged_list_refused(self) -> None:
        """A list mixing numbers and tuples is an InputError, not a NumPy ValueError."""
        with pytest.raises(InputError, match="non-numeric"):
            v.as_numeric([1.0, (1, 2)], "values")


class TestToDaysExact:
    @given(
        ticks=st.lists(st.integers(-(2**63) + 1, 2**63 - 1), min_size=1, max_size=6),
        unit=st.sampled_from(["ns", "us", "ms", "s", "m", "h", "D", "8h", "2D"]),
    )
    def test_floor_division_everywhere(self, ticks: list[int], unit: str) -> None:
        """Days are the exact floor of the instant, also near the int64 limits."""
        name, count = np.datetime_data(np.dtype(f"M8[{unit}]"))
        arr = np.array(ticks, dtype=np.int64).view(f"M8[{unit}]")
        want = [t * count * _ATTO[name] // _ATTO["D"] for t in ticks]
        if unit == "2D":  # not a whole day per tick: NumPy's cast, in range here
            ticks = [t // 4 for t in ticks]
            arr = np.array(ticks, dtype=np.int64).view(f"M8[{unit}]")
            want = [2 * t for t in ticks]
        assert v.to_days(arr).tolist() == want


class TestDescribe:
    @given(n=st.integers(2**200, 2**20000))
    def test_huge_ints_by_size(self, n: int) -> None:
        """Ints of any size are described by their digits, never printed whole."""
        text = v.describe(-n if n % 2 else n)
        assert text.startswith("an integer of") and len(text) < 60

    def test_long_and_failing_reprs(self) -> None:
        """Long reprs are cut; a repr that raises gives the type."""

        class Bad:
            def __repr__(self) -> str:
                raise RuntimeError

        assert len(v.describe("x" * 1000)) == 40
        assert v.describe(Bad()) == "a Bad"


class TestAsNumericHugeInts:
    @given(data=st.data(), n=st.integers(1, 6))
    def test_beyond_float_range_in_any_row(self, data: Any, n: int) -> None:
        """Python ints beyond float64 in a list or object array: InputError at
        the first of them, counting them all."""
        values: list[Any] = [1.5] * n
        rows = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1)))
        for i in rows:
            values[i] = data.draw(strategies.HUGE_INTS)
        arr = np.empty(n, dtype=object)
        arr[:] = values
        for x in (values, arr, pd.Series(arr)):
            with pytest.raises(InputError) as info:
                v.as_numeric(x, "amount", nan="allow")
            assert (info.value.first_row, info.value.n_rows) == (rows[0], len(rows))

    @given(big=strategies.BEYOND_2_53, form=st.sampled_from(["list", "object", "i8"]))
    def test_exact_refuses_ints_float_rounds(self, big: int, form: str) -> None:
        """exact=True refuses ints beyond 2**53 in any container; without it
        they are converted."""
        values = [3, big, -1]
        x: Any = values if form == "list" else np.array(values, dtype=form[0] + "8"
                                                        if form == "i8" else object)  # fmt: skip
        with pytest.raises(InputError, match="2\\*\\*53") as info:
            v.as_numeric(x, "amount", exact=True)
        assert info.value.first_row == 1
        numpy_ints = np.array([np.int64(3), np.int64(big)], dtype=object)
        with pytest.raises(InputError, match="2\\*\\*53") as info:
            v.as_numeric(numpy_ints, "amount", exact=True)
        assert info.value.first_row == 1
        assert v.as_numeric(x, "amount").tolist() == pytest.approx(values)


class TestCompactAndBareDigitDates:
    @given(day=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
    def test_yyyymmdd_text_and_int(self, day: dt.date) -> None:
        """YYYYMMDD as text, Python int or NumPy int is that day."""
        compact = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        want = np.datetime64(day, "us")
        assert v.as_datetime_scalar(compact, "as_of") == want
        if day.year >= 1000:
            assert v.as_datetime_scalar(int(compact), "as_of") == want
            assert v.as_datetime_scalar(np.int32(compact), "as_of") == want

    @given(n=st.integers(0, 10**12).filter(lambda n: not 10**7 <= n < 10**8))
    def test_other_ints_refused(self, n: int) -> None:
        """Ints other than 8 digits are not dates (no epoch guessing)."""
        with pytest.raises(InputError, match="YYYYMMDD"):
            v.as_datetime_scalar(n, "as_of")

    @given(digits=st.text("0123456789", min_size=1, max_size=10))
    def test_bare_digit_text_in_columns(self, digits: str) -> None:
        """In a date column, digits alone are refused (4 of them, a year, as
        naming no day)."""
        values = ["2024-01-01", digits]
        match = "names no day" if len(digits) == 4 else "only by summarize_frame"
        with pytest.raises(InputError, match=match) as info:
            v.as_datetime(values, "date")
        assert info.value.first_row == 1

    @settings(max_examples=150, deadline=None)
    @given(
        vague=st.one_of(
            st.integers(1, 9999).map(lambda y: f"{y:04d}"),
            st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(
                lambda t: f"{t[0]:04d}-{t[1]:02d}"
            ),
            st.sampled_from(["today", "now", "Today", "NOW", "tOdAy"]),
        ),
        pad=st.sampled_from(["", " ", "  "]),
        sign=st.sampled_from(["", "+"]),
        n_before=st.integers(0, 3),
        kind=st.sampled_from(["list", "object", "str", "arrow"]),
    )
    def test_text_naming_no_day_is_refused(
        self, vague: str, pad: str, sign: str, n_before: int, kind: str
    ) -> None:
        """A year, a month, or the words today / now name no purchase day:
        NumPy reads them as the 1st or as the moment of the run; custseg
        refuses them, in a column of any kind and as one date, at their row."""
        text = pad + (sign if vague[0].isdigit() else "") + vague + pad
        values = ["2024-05-06"] * n_before + [text, "2024-05-07"]
        column: Any = values
        if kind == "object":
            column = np.array(values, dtype=object)
        elif kind == "str":
            column = pd.Series(values, dtype="str")
        elif kind == "arrow":
            pytest.importorskip("pyarrow")
            column = pd.Series(values, dtype="string[pyarrow]")
        with pytest.raises(InputError, match="not dates") as info:
            v.as_datetime(column, "date")
        assert info.value.first_row == n_before
        with pytest.raises(InputError, match="is not a date"):
            v.as_datetime_scalar(text, "as_of")

    @pytest.mark.parametrize(
        "text", ["2024-03-01", " 2024-03-01 ", "2024-03-01T10:00", "2024-03-01 10:00",
                 "+2024-03-01", "2024-03-01T23:59Z"],
    )  # fmt: skip
    def test_text_with_a_day_is_read(self, text: str) -> None:
        """Full dates, on the 1st or not, with a time or an offset, still read."""
        day = v.to_days(v.as_datetime([text, "2024-05-06"], "date"))[0]
        assert day == v.to_days(np.array(["2024-03-01"], "datetime64[D]"))[0]

    @pytest.mark.parametrize("dtype", ["<M8[D]", ">M8[D]", ">M8[ms]", "O"])
    def test_zero_dimensional_arrays(self, dtype: str) -> None:
        """A 0-d array is the value it holds, in any byte order."""
        value = np.array(np.datetime64("2024-03-01"), dtype=dtype)
        got = v.as_datetime_scalar(value, "as_of")
        assert got == np.datetime64("2024-03-01T00:00", "us")
        with pytest.raises(InputError, match="one date"):
            v.as_datetime_scalar(np.array(["2024-03-01"]), "as_of")


class TestParameterHelpers:
    @given(value=strategies.odd_parameter_values())
    def test_non_numbers_are_threshold_errors(self, value: Any) -> None:
        """number_param and number_tuple_param refuse any non-number."""
        from custseg.errors import ThresholdError

        with pytest.raises(ThresholdError):
            v.number_param(value, "a")
        with pytest.raises(ThresholdError):
            v.number_tuple_param([1.0, value], "a")

    @given(value=strategies.odd_parameter_values())
    def test_choice_refuses_anything_else(self, value: Any) -> None:
        """choice refuses anything but one of its text options, unhashables too."""
        from custseg.errors import ThresholdError

        if isinstance(value, str) and value in ("D", "W"):
            return
        with pytest.raises(ThresholdError, match=r"^'unit' must be 'D' or 'W'"):
            v.choice(value, "unit", ("D", "W"))
