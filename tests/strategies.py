"""Shared hypothesis strategies for the custseg test suite."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = [
    "extreme_day_arrays",
    "finite_values",
    "hostile_arrays",
    "huge_int_arrays",
    "odd_parameter_values",
    "small_values",
    "transactions",
]

BASE_DAY = np.datetime64("2024-01-01", "D")


def finite_values(
    min_size: int = 1, max_size: int = 60
) -> st.SearchStrategy[np.ndarray]:
    """Float arrays with many ties (values drawn from a small pool) and extremes."""
    pool = st.sampled_from([-5.0, 0.0, 0.5, 1.0, 2.0, 3.0, 7.0, 10.0, 100.0, 1e6])
    element = st.one_of(
        pool, st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    )
    return hnp.arrays(np.float64, st.integers(min_size, max_size), elements=element)


def small_values(
    min_size: int = 1, max_size: int = 60
) -> st.SearchStrategy[np.ndarray]:
    """Non-negative integer arrays with heavy ties (like purchase counts)."""
    return hnp.arrays(
        np.int64, st.integers(min_size, max_size), elements=st.integers(0, 12)
    )


@st.composite
def transactions(
    draw: st.DrawFn,
    max_rows: int = 40,
    string_ids: bool | None = None,
    refunds: bool = True,
) -> pd.DataFrame:
    """A small transaction table: customer_id, date (datetime64[s]), amount.

    Ids are integers (possibly negative or sparse) or strings; dates fall within
    60 days of 2024-01-01 with times of day; amounts include zeros and, when
    *refunds*, negatives.
    """
    n = draw(st.integers(1, max_rows))
    use_str = draw(st.booleans()) if string_ids is None else string_ids
    n_customers = draw(st.integers(1, max(1, n)))
    pool = (
        st.sampled_from([f"c{i}" for i in range(n_customers)])
        if use_str
        else st.sampled_from(
            draw(
                st.lists(
                    st.integers(-(10**12), 10**12),
                    min_size=n_customers,
                    max_size=n_customers,
                    unique=True,
                )
            )
            if draw(st.booleans())
            else list(range(n_customers))
        )
    )
    ids = draw(st.lists(pool, min_size=n, max_size=n))
    seconds = draw(st.lists(st.integers(0, 60 * 86_400 - 1), min_size=n, max_size=n))
    lo = -50.0 if refunds else 0.0
    amounts = draw(
        st.lists(
            st.one_of(
                st.just(0.0),
                st.sampled_from([5.0, 10.0, 99.5]),
                st.floats(lo, 500.0, allow_nan=False).map(lambda x: round(x, 2)),
            ),
            min_size=n,
            max_size=n,
        )
    )
    dates = BASE_DAY.astype("datetime64[s]") + np.asarray(
        seconds, dtype="timedelta64[s]"
    )
    return pd.DataFrame({"customer_id": ids, "date": dates, "amount": amounts})


# --- RFM, ABC/Pareto and lifecycle (tests/test_rfm.py, test_pareto.py,
# test_lifecycle.py) ---


def integer_amounts(
    min_size: int = 1, max_size: int = 60, lo: int = -20, hi: int = 300
) -> st.SearchStrategy[np.ndarray]:
    """Float arrays of whole numbers in [lo, hi] with many ties.

    Sums and shares of these are exact in float64, so results can be compared
    with exact (Fraction) reference arithmetic.
    """
    pool = st.sampled_from([0, 1, 5, 20, 50, 100])
    element = st.one_of(pool.filter(lambda v: lo <= v <= hi), st.integers(lo, hi))
    return hnp.arrays(
        np.float64, st.integers(min_size, max_size), elements=element.map(float)
    )


def distinct_values(
    min_size: int = 1, max_size: int = 60
) -> st.SearchStrategy[np.ndarray]:
    """Float arrays of distinct values (at least 1 apart: no rounding collisions)."""
    return st.lists(
        st.integers(-(10**6), 10**6), min_size=min_size, max_size=max_size, unique=True
    ).map(lambda xs: np.asarray(xs, dtype=np.float64))


def recency_days(
    min_size: int = 1, max_size: int = 60, nan: bool = True
) -> st.SearchStrategy[np.ndarray]:
    """Non-negative days since the last purchase, with the e-commerce boundaries
    (89.999, 90, 180, 270, 365, ...) over-represented and, when *nan*, NaN for
    customers without a purchase."""
    edges = st.sampled_from(
        [0.0, 1.0, 89.999, 90.0, 179.999, 180.0, 269.999, 270.0, 364.999, 365.0]
    )
    element = st.one_of(
        edges, st.floats(0.0, 2000.0, allow_nan=False), st.integers(0, 800)
    )
    if nan:
        element = st.one_of(element, st.just(float("nan")))
    return hnp.arrays(
        np.float64, st.integers(min_size, max_size), elements=element.map(float)
    )


@st.composite
def lifecycle_breaks(
    draw: st.DrawFn, max_stages: int = 6
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Strictly increasing positive breaks and matching distinct stage labels."""
    breaks = sorted(
        draw(
            st.sets(
                st.one_of(
                    st.integers(1, 800).map(float),
                    st.floats(0.001, 2000.0, allow_nan=False),
                ),
                min_size=0,
                max_size=max_stages - 1,
            )
        )
    )
    labels = tuple(f"stage{i}" for i in range(len(breaks) + 1))
    return tuple(breaks), labels


# --- hostile data (tests/test_hostile_data.py) ---

#: Characters that break naive text handling: NUL (dropped at the end of NumPy
#: fixed-width text), multi-byte UTF-8, a space, and plain ASCII.
TRICKY_CHARS = ["a", "b", "A", " ", "\x00", "é", "€", "😀", "\x7f", "\U0010ffff"]


def tricky_text(max_size: int = 4) -> st.SearchStrategy[str]:
    """Short text ids, empty included, often holding NULs and non-ASCII.

    Drawn from a few stems with a suffix of NULs or a space, so one pool often
    holds ids that differ only there (``"a"`` and ``"a\\x00"``).
    """
    stem = st.one_of(
        st.sampled_from(["", "a", "ab", "é", "😀", "\x00a"]),
        st.text(
            alphabet=st.one_of(
                st.sampled_from(TRICKY_CHARS),
                st.characters(exclude_categories=("Cs",)),  # no lone surrogates
            ),
            max_size=max_size,
        ),
    )
    suffix = st.sampled_from(["", "", "\x00", "\x00\x00", " ", "\x00b"])
    return st.tuples(stem, suffix).map("".join)


@st.composite
def id_rows(
    draw: st.DrawFn, values: st.SearchStrategy[object], max_rows: int = 30
) -> list[object]:
    """Rows of ids drawn from a small pool of distinct *values* (many repeats)."""
    pool = draw(st.lists(values, min_size=1, max_size=8, unique_by=repr))
    return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=max_rows))


#: datetime64 units: standard, multiples that do not divide a day, and the
#: sub-nanosecond ones.
ODD_DATETIME_UNITS = [
    "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "W",
    "5h", "13m", "2D", "7D", "25h", "3s", "7ms", "11us", "9ns", "1000ps", "7fs",
]  # fmt: skip


def odd_datetime_arrays(
    max_rows: int = 20,
) -> st.SearchStrategy[tuple[np.ndarray, str, str]]:
    """``(ticks, unit, byte order)``: int64 ticks for a datetime64 of *unit*.

    Ticks are near 2024 in the unit, or anywhere in int64 (then many are out
    of the range a standard unit holds), never NaT.
    """
    lo, hi = -(2**63) + 1, 2**63 - 1

    @st.composite
    def build(draw: st.DrawFn) -> tuple[np.ndarray, str, str]:
        unit = draw(st.sampled_from(ODD_DATETIME_UNITS))
        name, _ = np.datetime_data(np.dtype(f"datetime64[{unit}]"))
        center = (
            int(
                np.datetime64("2024-01-01", "us")
                .astype(f"datetime64[{unit}]")
                .view("i8")
            )
            if name not in ("ps", "fs", "as")
            else 0
        )
        near = st.integers(-(10**6), 10**6).map(lambda d: center + d * 997)
        wide = st.integers(lo, hi)
        ticks = draw(
            st.lists(
                st.one_of(near, wide) if draw(st.booleans()) else near,
                min_size=1,
                max_size=max_rows,
            )
        )
        ticks = [min(max(t, lo), hi) for t in ticks]
        order = draw(st.sampled_from(["<", ">", "="]))
        return np.array(ticks, dtype=np.int64), unit, order

    return build()


#: Scalars that break naive coercion: every kind of missing value, numbers as
#: text, bytes, booleans, huge and tiny numbers, dates with and without a zone.
ODD_SCALARS: list[object] = [
    None,
    float("nan"),
    pd.NA,
    pd.NaT,
    np.datetime64("NaT"),
    0,
    -1,
    1.5,
    -0.0,
    float("inf"),
    -float("inf"),
    1e308,
    -1e308,
    5e-324,
    2**63,
    -(2**70),
    True,
    np.float32(2.5),
    np.int8(-3),
    np.uint64(2**64 - 1),
    "7",
    " 1e3 ",
    "nan",
    "inf",
    "",
    "a\x00",
    "2024-01-05",
    "2024-01-05T10:00+08:00",
    "300000-01-01",
    b"7",
    np.datetime64("2024-01-05", "D"),
    np.datetime64(5, "ps"),
    pd.Timestamp("2024-01-05 10:00"),
    pd.Timestamp("2024-01-05 10:00", tz="Asia/Shanghai"),
    np.timedelta64(1, "D"),
    1 + 2j,
    (1, 2),
    [1, 2],
    # added after review 7: ints beyond float64, bare digits, 0-d arrays
    10**400,
    -(10**400),
    2**53 + 1,
    "202403",
    "20240301",
    20240301,
    "20241301",
    np.array("2024-03-01", dtype=">M8[D]"),
    np.datetime64(-(2**63) + 100, "D"),
    np.datetime64(2**62, "D"),
]

_ODD_DTYPES = [
    "int8", "uint8", "int32", ">i8", "uint64", "float16", "float32", ">f8",
    "float64", "bool", "complex128", "U3", "S3", "M8[D]", ">M8[ns]", "M8[5h]",
    "M8[ps]", "m8[s]", "object",
]  # fmt: skip

_PANDAS_DTYPES = [
    "Int64", "UInt8", "Float64", "boolean", "str", "category", "object",
    "string[pyarrow]", "int64[pyarrow]", "double[pyarrow]",
    "timestamp[ns][pyarrow]", "datetime64[ns, UTC]",
]  # fmt: skip


@st.composite
def odd_arrays(draw: st.DrawFn, max_size: int = 6) -> object:
    """An odd array-like: any dtype, byte order, container, shape or value.

    Numbers from every range (huge, NaN, inf), odd scalars mixed in object
    arrays and lists, NumPy arrays of odd dtypes (0-d and 2-d ones too, or
    empty), pandas Series of extension dtypes. Conversions that NumPy or
    pandas refuse fall back to an object array of the same values.
    """
    n = draw(st.integers(0, max_size))
    numbers = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(2**64), 2**64),
        st.sampled_from([0, 1, 2, 3, 90, 365, 1e6]),
    )
    element = st.one_of(numbers, st.sampled_from(ODD_SCALARS))
    values = draw(st.lists(element, min_size=n, max_size=n))
    form = draw(
        st.sampled_from(["list", "object", "numpy", "pandas", "0-d", "2-d", "numbers"])
    )
    if form == "list":
        return values
    if form == "numbers":  # a clean float array, for the other arguments' sake
        nums = draw(st.lists(numbers, min_size=n, max_size=n))
        return np.array([float(x) for x in nums], dtype=np.float64)
    objects = np.empty(len(values), dtype=object)
    objects[:] = values if all(not isinstance(x, list | tuple) for x in values) else 0
    if form == "object":
        return objects
    if form == "0-d":
        return np.array(values[0] if values else 1.0)
    if form == "2-d":
        return np.zeros((n, 2)) if draw(st.booleans()) else objects.reshape(-1, 1)
    # typed containers: values their dtype can hold (most of the time)
    dtype = draw(st.sampled_from(_ODD_DTYPES if form == "numpy" else _PANDAS_DTYPES))
    pool = st.one_of(
        numbers,
        st.sampled_from([None, float("nan"), "7", "2024-01-05", "", "a\x00"]),
    )
    which = draw(st.integers(0, 2))  # 0: numbers, 1: some missing or text, 2: odd
    if which < 2:
        values = draw(st.lists(numbers if which == 0 else pool, min_size=n, max_size=n))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            if form == "numpy":
                if dtype.startswith(("M8", ">M8", "m8")) and all(
                    isinstance(x, int) for x in values
                ):
                    ticks = np.array([x % 2**62 for x in values], dtype=np.int64)
                    return ticks.view(dtype.lstrip(">")).astype(dtype)
                return np.array(values, dtype=object).astype(dtype)
            return pd.Series(values, dtype=dtype)
    except (
        TypeError,
        ValueError,
        ArithmeticError,
        KeyError,
        IndexError,
        NotImplementedError,
    ):
        return objects


#: Integers beyond what float64 holds (about 1.8e308), and beyond 2**53.
HUGE_INTS = st.one_of(
    st.integers(2**1024, 2**1400).map(lambda x: x * (-1) ** (x % 2)),
    st.sampled_from([10**400, -(10**400), 10**5000]),
)
BEYOND_2_53 = st.one_of(
    st.integers(2**53 + 1, 2**63 - 1), st.integers(-(2**63) + 1, -(2**53) - 1)
)


@st.composite
def huge_int_arrays(draw: st.DrawFn, max_size: int = 6) -> object:
    """A list, object array, tuple or object Series of small numbers with
    at least one Python int beyond the float64 range, at any position."""
    n = draw(st.integers(1, max_size))
    values: list[object] = draw(
        st.lists(
            st.one_of(st.integers(-100, 100), st.floats(-1e3, 1e3)),
            min_size=n,
            max_size=n,
        )
    )
    for i in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n)):
        values[i] = draw(HUGE_INTS)
    form = draw(st.sampled_from(["list", "tuple", "object", "series"]))
    if form == "list":
        return values
    if form == "tuple":
        return tuple(values)
    arr = np.empty(n, dtype=object)
    arr[:] = values
    return arr if form == "object" else pd.Series(arr, dtype=object)


def extreme_day_arrays(
    min_size: int = 1, max_size: int = 8
) -> st.SearchStrategy[np.ndarray]:
    """``datetime64[D]`` arrays anywhere in the unit's range (never NaT),
    mixing the extremes with days near 2024, in any combination."""
    day = st.one_of(
        st.integers(-(2**63) + 1, 2**63 - 1),
        st.sampled_from([-(2**63) + 1, -(2**62), 2**62, 2**63 - 2, 2**53, -(2**53)]),
        st.integers(19_000, 20_000),
    )
    return st.lists(day, min_size=min_size, max_size=max_size).map(
        lambda ticks: np.array(ticks, dtype=np.int64).view("M8[D]")
    )


def hostile_arrays(max_size: int = 6) -> st.SearchStrategy[object]:
    """:func:`odd_arrays`, or arrays with huge ints or extreme dates."""
    return st.one_of(
        odd_arrays(max_size),
        huge_int_arrays(max_size),
        extreme_day_arrays(1, max_size),
    )


def odd_parameter_values() -> st.SearchStrategy[object]:
    """Values that are neither a number nor a sequence of numbers nor a
    name: text, bytes, mappings, sets, nested lists, None, booleans, dates,
    complex numbers, huge ints, arrays of the wrong shape, objects."""
    return st.one_of(
        st.text(max_size=4),
        st.binary(max_size=4),
        st.sampled_from(
            [
                None,
                True,
                False,
                {"a": 1},
                {1, 2},
                frozenset([1]),
                [[1.0]],
                [[1], [2]],
                [(1, 2)],
                np.zeros((2, 2)),
                np.array("x"),
                object(),
                1 + 2j,
                np.datetime64("2024-01-01"),
                np.timedelta64(1, "D"),
                pd.NA,
                pd.NaT,
                bytearray(b"12"),
                range,
                10**400,
                -(10**400),
            ]
        ),
        HUGE_INTS,
    )
