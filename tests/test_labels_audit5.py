"""Audit 5: label classes read from any container (custseg.labels).

- equal numbers get equal names whatever holds them (a float, a NumPy
  scalar, a Decimal with trailing zeros or an exponent, -0.0 and 0);
- infinities are classes ("inf", "-inf"), every NaN (Decimal too) is missing;
- Arrow dictionary-encoded labels keep their dictionary as the classes and
  its order, as a pandas Categorical does;
- Labels names given as a set (unordered) are refused.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels, label_codes

pa = pytest.importorskip("pyarrow")


def _name(x: Any) -> str:
    """The class name label_codes gives the single label *x*."""
    codes, names, *_ = label_codes([x])
    assert codes.tolist() == [0], x
    return names[0]


def _trailing_zeros(d: Decimal, k: int) -> Decimal:
    """*d* written with *k* more trailing zeros (same value)."""
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, (*digits, *([0] * k)), exponent - k))


def _exponent_form(d: Decimal, shift: int) -> Decimal:
    """*d* written with up to *shift* trailing zeros moved into its exponent
    (``Decimal("1E+1")`` for 10): same value, other digits."""
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    stripped = list(digits)
    moved = 0
    while moved < shift and len(stripped) > 1 and stripped[-1] == 0:
        stripped.pop()
        moved += 1
    return Decimal((sign, tuple(stripped), exponent + moved))


def _forms(f: float) -> list[Any]:
    """The number *f* in every container that holds it exactly (Decimal
    from its shortest text, with trailing zeros, in exponent form)."""
    # (a whole float is named as the int it is: 2.0**60 is not "1.152921504606847e+18")
    if not math.isfinite(f):
        d = Decimal(f)
    else:
        d = Decimal(int(f)) if f.is_integer() else Decimal(repr(f))
    out: list[Any] = [f, np.float64(f), d, Decimal(f)]
    if math.isfinite(f):
        out.append(_trailing_zeros(d, 3))
        out.append(_exponent_form(d, 5))
        out.append(-d if f == 0 else d)  # Decimal("-0") for 0
    with np.errstate(over="ignore"):
        single = np.float32(f)
    # a float32 is named as the decimal it is written as in float32 (0.1),
    # a whole one exactly: it is one of f's forms when that is f
    if float(single) == f and (f.is_integer() or float(str(single)) == f):
        out.append(single)
    if math.isfinite(f) and f.is_integer():
        out.append(int(f))
        if abs(f) < 2**63:
            out.append(np.int64(int(f)))
    return out


class TestEqualNumbersEqualNames:
    @settings(max_examples=400, deadline=None)
    @given(
        st.one_of(
            st.floats(allow_nan=False),
            st.integers(-(10**6), 10**6).map(lambda k: k / 100),
            st.integers(-(10**6), 10**6).map(float),
            st.sampled_from([0.1, 0.3, 1.1, 19.9, 1e-5, 1e-20, 1e16, 2.0**60]),
        )
    )
    def test_one_name_in_every_container(self, f: float) -> None:
        """A number drawn, written as a float, a NumPy scalar, a Decimal (its
        shortest text, with trailing zeros, exponent form, exact value), an
        int: one name, the float's."""
        forms = _forms(f)
        names = {_name(x) for x in forms}
        assert len(names) == 1, (f, [(repr(x), _name(x)) for x in forms])
        (name,) = names
        if math.isinf(f):
            assert name == ("inf" if f > 0 else "-inf")
        elif f.is_integer():
            assert name == str(int(f))
        else:
            assert name == repr(f)

    @settings(max_examples=200, deadline=None)
    @given(
        st.decimals(allow_nan=False, allow_infinity=False, places=None),
        st.integers(0, 6),
    )
    def test_decimals_with_trailing_zeros(self, d: Decimal, k: int) -> None:
        """Any Decimal, with k more trailing zeros or in exponent form: the
        same name (exact digits when no float holds it)."""
        assume(d.is_finite())
        assert _name(_trailing_zeros(d, k)) == _name(d)
        assert _name(_exponent_form(d, k)) == _name(d)

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.integers(-2000, 2000).map(lambda k: k / 100), min_size=1),
        st.integers(0, 4),
    )
    def test_nobody_moves_between_containers(self, xs: list[float], k: int) -> None:
        """The same rates as Decimals with trailing zeros (a database) and as
        floats: transition_matrix counts everybody as a stayer."""
        ids = [f"c{i}" for i in range(len(xs))]
        dec = pd.Series([_trailing_zeros(Decimal(repr(x)), k) for x in xs], index=ids)
        flo = pd.Series(xs, index=ids)
        for before, after in ((dec, flo), (flo, dec), (dec, np.asarray(xs))):
            if not isinstance(after, pd.Series):
                before = pd.Series(before.to_numpy(), index=range(len(xs)))
            tm = custseg.transition_matrix(before, after)
            assert tm.stayed == 1.0
            assert tm.before[:-1] == tm.after[: len(tm.before) - 1]

    def test_audit_example(self) -> None:
        before = pd.Series([Decimal("0.10"), Decimal("0.25")], index=["a", "b"])
        after = pd.Series([0.1, 0.25], index=["a", "b"])
        tm = custseg.transition_matrix(before, after)
        assert tm.stayed == 1.0
        assert tm.before == ("0.1", "0.25", "(new)")

    @pytest.mark.parametrize(
        ("values", "name"),
        [
            ([Decimal("1E+1"), 10, 10.0, np.int8(10)], "10"),
            ([Decimal("0.00001"), Decimal("1.0E-5"), 1e-05], "1e-05"),
            ([Decimal("19.90"), 19.9, np.float64(19.9)], "19.9"),
            ([Fraction(1, 10), Decimal("0.1")], "0.1"),
            ([complex(2.5, 0), 2.5], "2.5"),
        ],
    )
    def test_examples(self, values: list[Any], name: str) -> None:
        for x in values:
            assert _name(x) == name, x
        # as one labelling: equal in Python, so one class
        if all(x == values[0] for x in values):
            codes, names, *_ = label_codes(values)
            assert names == (name,) and codes.tolist() == [0] * len(values)

    def test_categories_named_alike(self) -> None:
        cat = pd.Categorical([Decimal("0.10"), Decimal("2.50"), Decimal("1E+1")])
        assert label_codes(cat)[1] == ("0.1", "2.5", "10")

    def test_big_integers_beside_floats_not_rounded(self) -> None:
        """A list of ints past 2**53 and floats: NumPy would make them floats
        (two ints one class); kept apart."""
        codes, names, *_ = label_codes([2**53 + 1, 2**53, 0.5])
        assert names == ("0.5", "9007199254740992", "9007199254740993")
        assert codes.tolist() == [2, 1, 0]

    @pytest.mark.parametrize(
        "x",
        [10**5000, Decimal("1E+5000"), Decimal("1E+100000"), Decimal("1E-9999")],
        ids=["int", "Decimal", "Decimal-far", "Decimal-tiny"],
    )
    def test_huge_numbers_named_without_error(self, x: Any) -> None:
        """Too many digits to print (Python refuses int -> str past 4300):
        exponent form, equal for equal numbers."""
        name = _name(x)
        assert "e" in name and len(name) < 40
        if x == 10**5000:
            assert name == _name(Decimal("1E+5000")) == "1e+5000"


class TestInfinityAndNaN:
    @pytest.mark.parametrize(
        "make",
        [
            list,
            lambda xs: pd.Series(xs, dtype=object),
            lambda xs: np.array(xs, dtype=object),
        ],
    )
    def test_infinities_are_classes(self, make: Any) -> None:
        values = [float("inf"), Decimal("-Infinity"), np.inf, 2.0, Decimal("Infinity")]
        codes, names, *_ = label_codes(make(values))
        assert names == ("-inf", "2", "inf")
        assert codes.tolist() == [2, 0, 2, 1, 2]
        # the same numbers as a float array: the same classes
        floats = np.array([float(x) for x in values])
        assert label_codes(floats)[1] == names
        assert label_codes(floats)[0].tolist() == codes.tolist()

    def test_float_array_with_infinities(self) -> None:
        codes, names, *_ = label_codes(np.array([1.0, np.inf, -np.inf, np.nan]))
        assert names == ("-inf", "1", "inf")
        assert codes.tolist() == [1, 2, 0, -1]
        cat = pd.Categorical([np.inf, 1.0])
        assert label_codes(cat)[1] == ("1", "inf")

    def test_audit_examples(self) -> None:
        tm = custseg.transition_matrix([float("inf"), 2.0], [2.0, 2.0])
        assert tm.stayed == 0.5
        assert "inf" in tm.before
        tm = custseg.transition_matrix([Decimal("NaN"), Decimal(1)], [2.0, 2.0])
        assert tm.stayed == 0.0
        assert tm.before == ("1", "missing")

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                [
                    float("inf"),
                    float("-inf"),
                    Decimal("Infinity"),
                    Decimal("-Infinity"),
                    np.float64(np.inf),
                    1.0,
                    Decimal("1.00"),
                ]
            ),
            min_size=1,
            max_size=10,
        ),
        st.randoms(use_true_random=False),
    )
    def test_infinity_stays_in_any_container(self, xs: list[Any], rnd: Any) -> None:
        """inf as float or Decimal: one class across the two periods."""
        other = [float(x) if rnd.random() < 0.5 else x for x in xs]
        assert custseg.transition_matrix(xs, other).stayed == 1.0

    @pytest.mark.parametrize(
        "nan",
        [
            Decimal("NaN"),
            Decimal("-NaN"),
            Decimal("sNaN"),
            np.float32("nan"),
            np.float16("nan"),
            np.datetime64("NaT"),
        ],
    )
    def test_every_nan_is_missing(self, nan: Any) -> None:
        if isinstance(nan, np.datetime64):
            others: list[Any] = [np.datetime64("2024-01-01")] * 2
        else:
            others = [Decimal("2.50"), Decimal(1)]
        values = [nan, *others]
        codes, names, *_ = label_codes(values)
        assert codes[0] == -1
        assert len(names) == len(set(values[1:]))
        tm = custseg.transition_matrix(values, values)
        assert tm.stayed == 1.0


def _arrow_series(values: list[Any], categories: list[Any], ordered: bool) -> pd.Series:
    """The labels as a pandas Series of ArrowDtype(dictionary<...>)."""
    cat = pd.Categorical(values, categories=categories, ordered=ordered)
    arr = pa.DictionaryArray.from_pandas(cat)
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([arr])))


class TestArrowDictionary:
    def test_parquet_round_trip(self, tmp_path: Any) -> None:
        """The audit's case: a result written to Parquet and read back with
        the pyarrow backend keeps every class and its order."""
        tx = pd.DataFrame(
            {
                "customer_id": ["a", "b", "c"],
                "date": ["2024-01-05", "2024-06-01", "2024-06-20"],
                "amount": [10.0, 20.0, 30.0],
            }
        )
        with pytest.warns(custseg.errors.CustsegWarning):
            res = custseg.segment(tx, as_of="2024-07-01")
        path = tmp_path / "labels.parquet"
        res.to_pandas().to_parquet(path)
        cat = pd.read_parquet(path)
        arw = pd.read_parquet(path, dtype_backend="pyarrow")
        assert isinstance(arw["lifecycle"].dtype, pd.ArrowDtype)
        want = custseg.segment_summary(cat["lifecycle"], cat)["customers"].to_dict()
        got = custseg.segment_summary(arw["lifecycle"], arw)["customers"].to_dict()
        assert list(got.items()) == list(want.items())
        assert "sleeping" in got
        a = custseg.transition_matrix(arw["lifecycle"], arw["lifecycle"])
        c = custseg.transition_matrix(cat["lifecycle"], cat["lifecycle"])
        assert a.before == c.before and a.after == c.after
        assert a.counts.equals(c.counts)

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.sampled_from(["z", "b", "a", "m", None]), max_size=12),
        st.permutations(["z", "b", "a", "m", "q"]),
        st.booleans(),
    )
    def test_like_the_categorical(
        self, values: list[Any], categories: list[str], ordered: bool
    ) -> None:
        """Arrow dictionary data give the codes, classes (unused ones too, in
        the dictionary's order) and orderedness of the same Categorical."""
        cat = pd.Categorical(values, categories=categories, ordered=ordered)
        want = label_codes(cat)
        arrow = pa.DictionaryArray.from_pandas(cat)
        for labels in (
            _arrow_series(values, categories, ordered),
            arrow,
            pa.chunked_array([arrow]),
            pa.chunked_array([arrow[:3], arrow[3:]]),
        ):
            got = label_codes(labels)
            assert got[0].tolist() == want[0].tolist()
            assert got[1:3] == want[1:3] == (tuple(categories), ordered)

    def test_chunks_with_their_own_dictionaries(self) -> None:
        one = pa.DictionaryArray.from_arrays(
            pa.array([0, 2, None], pa.int8()), pa.array(["b", "a", "c"]), ordered=True
        )
        two = pa.DictionaryArray.from_arrays(
            pa.array([0, 1], pa.int8()), pa.array(["z", "b"]), ordered=True
        )
        codes, names, ordered, *_ = label_codes(pa.chunked_array([one, two]))
        assert names == ("b", "a", "c", "z") and ordered
        assert codes.tolist() == [0, 2, -1, 3, 0]

    def test_nulls_and_repeats_in_the_dictionary(self) -> None:
        """A null (or NaN) in the dictionary is a missing label; a value twice
        in it is one class."""
        arr = pa.DictionaryArray.from_arrays(
            pa.array([0, 1, 2, 3], pa.int8()), pa.array(["a", None, "a", "b"])
        )
        codes, names, *_ = label_codes(arr)
        assert names == ("a", "b") and codes.tolist() == [0, -1, 0, 1]
        arr = pa.DictionaryArray.from_arrays(
            pa.array([0, 1, 2], pa.int8()), pa.array([2.0, float("nan"), 0.5])
        )
        codes, names, *_ = label_codes(arr)
        assert names == ("2", "0.5") and codes.tolist() == [0, -1, 1]
        # (plain Arrow data: its distinct values, as before)
        codes, names, ordered, *_ = label_codes(pa.array(["y", None, "x"]))
        assert (codes.tolist(), names, ordered) == ([1, -1, 0], ("x", "y"), False)


class TestNamesOrdered:
    @pytest.mark.parametrize("unordered", [set, frozenset])
    def test_set_of_names_refused(self, unordered: Any) -> None:
        names = unordered({"gold", "silver", "bronze"})
        kind = unordered.__name__
        msg = (
            r"'names' must be an ordered sequence of names \(a tuple or list\), "
            f"not a {kind}"
        )
        with pytest.raises(ThresholdError, match=msg):
            Labels([0, 1, 2], names, ordered=True)
        with pytest.raises(ThresholdError, match=msg):
            Labels.from_names(["gold", "silver"], names, ordered=True)

    def test_set_of_values_refused(self) -> None:
        with pytest.raises(ThresholdError, match="not a set"):
            Labels.from_names({"gold", "silver"}, ("gold", "silver"))
        with pytest.raises(ThresholdError, match="'values' must be a sequence"):
            Labels.from_names("ab", ("a", "b"))

    def test_dict_refused_its_keys_accepted(self) -> None:
        """A dict: keys or values? refused; its keys() are ordered: fine."""
        names = {"gold": 1, "silver": 2}
        with pytest.raises(ThresholdError, match="got dict"):
            Labels([0, 1], names)
        with pytest.raises(ThresholdError, match="got dict"):
            Labels.from_names(["gold"], names)
        assert Labels([1, 0], names.keys()).to_numpy().tolist() == ["silver", "gold"]
        assert Labels.from_names(["silver"], names.keys()).codes.tolist() == [1]
        # ordered sequences: fine
        for names in (
            ["a", "b"],
            ("a", "b"),
            np.array(["a", "b"]),
            pd.Index(["a", "b"]),
        ):
            assert Labels([1], names).names == ("a", "b")
            assert Labels.from_names(["b"], names).codes.tolist() == [1]


def test_rows_stay_in_their_class_when_shuffled() -> None:
    """Same inputs in another row order: the same classes, row by row."""
    values = [Decimal("0.10"), 0.25, float("inf"), Decimal("NaN"), 3, Decimal("3.0")]
    codes, names, *_ = label_codes(values)
    order = [5, 3, 1, 0, 4, 2]
    codes2, names2, *_ = label_codes([values[i] for i in order])
    assert names2 == names
    assert [names2[c] if c >= 0 else None for c in codes2] == [
        names[codes[i]] if codes[i] >= 0 else None for i in order
    ]


def test_list_of_two_values_of_one_name_still_refused() -> None:
    """0.1 and Decimal("0.10") differ in Python: in one labelling they are
    refused (never merged silently), as 0.1 and Decimal("0.1") were."""
    with pytest.raises(InputError, match=r"both named '0\.1'"):
        label_codes([0.1, Decimal("0.10")])
