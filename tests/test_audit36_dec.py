"""Audit 36, exact money across paths: numbers float64 does not hold.

1. A NumPy float wider than float64 (``np.longdouble``) was cast to its
   nearest double without a word, as data and as a parameter:
   ``9007199254740993`` as ``9007199254740992`` (amounts past 2**53 summed
   as if exact; a value below an edge of ``2**53`` classed above it),
   ``1e-4000`` as 0 (a refund read as a zero amount), ``1e400`` as inf
   with a raw NumPy ``RuntimeWarning``. Such a value is now read as the
   decimal it prints as, the way a ``Decimal`` is: compared exactly,
   refused where a ``Decimal`` is (amounts beyond 2**53 in their last
   place, thresholds float64 does not hold), kept as its double when
   float64 holds it.
2. An amount given as an exact number closer to 0 than float64 holds
   (``Decimal("1E-400")``, ``Fraction(1, 10**400)``) was read as 0: a
   refund of it counted as a zero-amount purchase. It is refused, as the
   text ``"1e-400"`` was (text zeros such as ``"0.00"`` stay 0).
3. Ids held as ``np.longdouble`` were cast to float64 before grouping:
   ``2**53`` and ``2**53 + 1`` were one customer. Whole ones are now
   integers, ones float64 does not hold refused.
4. ``simulate_customers`` rounded a longdouble ``potential`` share as its
   double; a Dask ``float128`` amount column was refused as "not numbers"
   where pandas reads it.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError, ThresholdError
from custseg._validate import as_numeric, exact_sides, number_param
from custseg.frame import summarize_frame

L = np.longdouble
WIDE = np.finfo(L).nmant > np.finfo(np.float64).nmant
needs_wide = pytest.mark.skipif(not WIDE, reason="np.longdouble is float64 here")
FAST = settings(max_examples=40, deadline=None, database=None)

# -- 1. wide floats ----------------------------------------------------------


@needs_wide
def test_longdouble_amount_past_2_53_is_refused() -> None:
    """The repro: ``2**53 + 1`` as a longdouble amount was summed as
    ``2**53``; a ``Decimal`` of that value is refused, and so is it."""
    amounts = np.array([2**53, 0], dtype=L) + L(1)
    with pytest.raises(
        InputError, match=r"'amount' has decimal numbers beyond 2\*\*53"
    ):
        custseg.summarize(["a", "a"], ["2024-01-01"] * 2, amounts, as_of="2024-02-01")
    with pytest.raises(InputError, match="beyond 2"):  # a list of its scalars
        custseg.summarize(
            ["a", "a"], ["2024-01-01"] * 2, list(amounts), as_of="2024-02-01"
        )
    # a longdouble float64 holds exactly is its double: the same sums as before
    amounts = np.array([0.1, 0.2, 19.99, -5.0], dtype=L)
    out = as_numeric(amounts, "amount", exact=True)
    assert out.dtype == np.float64
    assert out.tolist() == [0.1, 0.2, 19.99, -5.0]
    f = custseg.summarize(["a"] * 4, ["2024-01-01"] * 4, amounts, as_of="2024-02-01")
    g = custseg.summarize(
        ["a"] * 4, ["2024-01-01"] * 4, [0.1, 0.2, 19.99, -5.0], as_of="2024-02-01"
    )
    assert f.monetary.tolist() == g.monetary.tolist()


@needs_wide
def test_longdouble_tiny_refund_is_refused_not_zero() -> None:
    """``1e-4000`` and ``-1e-4000`` were two zero-amount purchases."""
    amounts = np.array(["1e-4000", "-1e-4000"], dtype=L)
    with pytest.raises(InputError, match="too small for float64"):
        custseg.summarize(
            ["a", "a"], ["2024-01-01", "2024-01-02"], amounts, as_of="2024-02-01"
        )


@needs_wide
def test_longdouble_beyond_float64_is_an_input_error_not_a_warning() -> None:
    with pytest.raises(InputError, match="beyond the range float64 holds"):
        custseg.summarize(["a"], ["2024-01-01"], np.array(["1e400"], dtype=L))


@needs_wide
@FAST
@given(
    whole=st.integers(2**52, 2**53 - 1),
    half=st.booleans(),
    container=st.sampled_from(["array", "list", "object"]),
)
@example(whole=2**53 - 1, half=True, container="array")
def test_longdouble_values_classed_as_the_equal_decimal(
    whole: int, half: bool, container: str
) -> None:
    """A longdouble value is classed as the ``Decimal`` of the value it
    prints as, whatever container holds it: ``2**53 - 0.5`` below an edge
    of ``2**53`` is B, not A (float64 rounds it onto the edge)."""
    value = L(whole) + (L(0.5) if half else L(0))
    exact = Decimal(str(value))
    arr = np.array([value], dtype=L)
    x = {"array": arr, "list": [value], "object": arr.astype(object)}[container]
    edge = float(2**53) if half and whole == 2**53 - 1 else float(whole + 1)
    edges = custseg.AbcEdges(edge, 1)
    got = custseg.abc_classes(x, edges=edges).to_numpy().tolist()
    assert got == custseg.abc_classes([exact], edges=edges).to_numpy().tolist()
    assert got == (["A"] if exact >= Decimal(edge) else ["B"])


@needs_wide
def test_longdouble_below_edge_repro() -> None:
    value = L(2**53 - 1) + L(0.5)  # float64 rounds it to 2**53
    got = custseg.abc_classes(np.array([value]), edges=custseg.AbcEdges(2**53, 1))
    assert got.to_numpy().tolist() == ["B"]


@needs_wide
@FAST
@given(
    mantissa=st.integers(10**16, 10**17 - 1),
    last=st.integers(1, 9),
    exponent=st.integers(-40, 10),
)
@example(mantissa=10**16, last=1, exponent=-5)
def test_longdouble_parameter_is_held_or_refused(
    mantissa: int, last: int, exponent: int
) -> None:
    """A longdouble parameter of 18 significant digits is taken when
    float64 holds it exactly, and refused otherwise, as the equal
    ``Decimal`` is: never rounded silently to a double."""
    value = L(f"{mantissa * 10 + last}e{exponent}")
    dec = Decimal(str(value))
    try:
        want: float | None = number_param(dec, "a_min")
    except ThresholdError:
        want = None
    if float(value) == value:  # float64 holds it: its double
        assert number_param(value, "a_min") == float(value)
    elif want is None:
        with pytest.raises(ThresholdError, match="'a_min' must be a number float64"):
            number_param(value, "a_min")
    else:
        assert number_param(value, "a_min") == want


@needs_wide
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (L(2**53) + 1, "which it holds as 9007199254740992.0"),
        (L("1e-4000"), "closer to 0 than float64's smallest normal"),
        (L("1e400"), r"up to about 1.8e308"),
        (L("0.8") + L("1e-19"), "which it holds as 0.8"),
    ],
)
def test_longdouble_parameter_repros(value: np.longdouble, message: str) -> None:
    """``AbcEdges(2**53 + 1, ...)`` was ``a_min=2**53``, a cut-off of
    ``0.8000000000000000001`` was 0.8, ``1e-4000`` was 0 and ``1e400`` inf."""
    with pytest.raises(ThresholdError, match=message):
        custseg.AbcEdges(value, 0)


@needs_wide
def test_longdouble_cutoff_and_time_scaler_refused() -> None:
    with pytest.raises(ThresholdError, match="'a' must be a number float64"):
        custseg.abc_classes([3.0, 2.0, 1.0], cutoffs=(L("0.5") + L("1e-19"), 0.9))
    with pytest.raises(ThresholdError, match="'time_scaler'"):
        custseg.btyd_summary(
            ["a", "a"],
            ["2024-01-01", "2024-01-09"],
            [1.0, 2.0],
            observation_end="2024-02-01",
            time_scaler=L(7) + L("1e-18"),
        )


@needs_wide
def test_longdouble_as_numeric_without_exact_keeps_the_side() -> None:
    """Where no exact sum is asked for, a tiny longdouble keeps its side of
    0 (a cut of every classifier), as ``Decimal("1E-4000")`` does: the
    smallest double of its sign, not 0."""
    x = np.array(["1e-4000", "-1e-4000"], dtype=L)
    sides = exact_sides(x, as_numeric(x, "values"), ())
    assert sides.tolist() == [5e-324, -5e-324]
    want = [Decimal("1E-4000"), Decimal("-1E-4000")]
    assert exact_sides(want, as_numeric(want, "values"), ()).tolist() == sides.tolist()


# -- 2. exact amounts closer to 0 than float64 holds -------------------------


@pytest.mark.parametrize(
    "tiny", [Decimal("1E-400"), Fraction(1, 10**400)], ids=["decimal", "fraction"]
)
def test_tiny_exact_amount_refused_on_every_pandas_path(tiny: object) -> None:
    """The repro: a purchase of ``1E-400`` and a refund of it were two
    zero-amount purchases (frequency 2)."""
    amounts = [tiny, -tiny]  # type: ignore[operator]
    with pytest.raises(InputError, match="'amount' has numbers too small for float64"):
        custseg.summarize(
            ["a", "a"], ["2024-01-01", "2024-01-02"], amounts, as_of="2024-02-01"
        )
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": pd.Series(amounts, dtype=object),
        }
    )
    with pytest.raises(InputError, match="too small for float64"):
        summarize_frame(df, as_of="2024-02-01")


@FAST
@given(
    exponent=st.integers(325, 2000),
    sign=st.sampled_from([1, -1]),
    kind=st.sampled_from(["decimal", "fraction"]),
)
def test_tiny_exact_amounts_never_read_as_zero(
    exponent: int, sign: int, kind: str
) -> None:
    """Every nonzero exact amount float64 reads as 0 is refused; an exact
    0 is not."""
    tiny = (
        Decimal(sign) * Decimal(f"1E-{exponent}")
        if kind == "decimal"
        else Fraction(sign, 10**exponent)
    )
    with pytest.raises(InputError, match="too small for float64"):
        as_numeric([Decimal("1.5"), tiny], "amount", exact=True)
    zero = Decimal("0E-400") if kind == "decimal" else Fraction(0)
    assert as_numeric([Decimal("1.5"), zero], "amount", exact=True).tolist() == [
        1.5,
        0.0,
    ]
    # zeros of every kind stay 0, text zeros too (a file's "0.00")
    zeros = np.array(["0.0", "0", b"0", "-0.00", 0, -0.0, Decimal("-0")], dtype=object)
    assert as_numeric(zeros, "amount", exact=True).tolist() == [0.0] * 7


def test_tiny_exact_amount_on_dask_object_column() -> None:
    dd = pytest.importorskip("dask.dataframe")
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": pd.Series([Decimal("1E-400"), Decimal("-1E-400")], dtype=object),
        }
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # narwhals' notice on Dask
        with pytest.raises(InputError, match="too small for float64"):
            summarize_frame(dd.from_pandas(df, npartitions=1), as_of="2024-02-01")


@needs_wide
def test_longdouble_rules_field_compared_exactly() -> None:
    """A rules ``number`` field of ``float128`` data is compared as the
    decimal each value prints as: ``0.2999999999999999999`` was read as
    0.3 and met ``x >= 0.3``."""
    from custseg import rules
    from custseg.frame import apply_rules

    rs = rules.loads(
        """format = 1
[fields]
x = { type = "number" }
[segments.big]
default = "no"
rules = [{ label = "yes", when = "x >= 0.3" }]
"""
    )
    below = L("0.3") - L("1e-19")
    df = pd.DataFrame({"x": pd.Series(np.array([below, L("0.3")], dtype=L))})
    assert apply_rules(df, rs)["big"].tolist() == ["no", "yes"]


@needs_wide
@FAST
@given(n=st.integers(1, 9), below=st.booleans())
@example(n=1, below=True)
def test_longdouble_potential_share_rounded_as_its_decimal(n: int, below: bool) -> None:
    """``simulate_customers``' potential customers are the share times the
    buyers rounded half up from the share as given: a longdouble share
    just below a half (``0.4999999999999999999`` of 1 buyer) is 0, as the
    equal ``Decimal`` is, where its double 0.5 gives 1."""
    from custseg.datasets import simulate_customers

    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "date": ["2024-01-01"] * n,
            "amount": [5.0] * n,
        }
    )
    half = Fraction(2 * (n // 2) + 1, 2 * n)  # k + 1/2 buyers at k = n // 2
    share = L(half.numerator) / L(half.denominator)
    share = share - L("1e-19") if below else share
    exact = Decimal(str(share))
    if exact > 1:
        return
    got = len(simulate_customers(tx, potential=share, seed=0)) - n
    assert got == len(simulate_customers(tx, potential=exact, seed=0)) - n


@needs_wide
def test_longdouble_ids_are_never_merged() -> None:
    """The repro: ids ``2**53`` and ``2**53 + 1`` held as longdouble were one
    customer (frequency 2, the id ``2**53``); ``0.1`` and
    ``0.1000000000000000001`` likewise."""
    ids = np.array([2**53, 2**53], dtype=L) + np.array([0, 1], dtype=L)
    f = custseg.summarize(ids, ["2024-01-01"] * 2, [1.0, 2.0], as_of="2024-02-01")
    assert f.customer_id.tolist() == [2**53, 2**53 + 1]
    assert f.frequency.tolist() == [1, 1]
    near = np.array(["0.1", "0.1"], dtype=L) + np.array([0, 1e-19], dtype=L)
    with pytest.raises(InputError, match="'customer_id' has customer ids of type"):
        custseg.summarize(near, ["2024-01-01"] * 2, [1.0, 2.0], as_of="2024-02-01")
    # ids float64 holds are read as before
    held = np.array([0.5, 1.5, 0.5], dtype=L)
    g = custseg.summarize(held, ["2024-01-01"] * 3, [1.0, 2.0, 3.0], as_of="2024-02-01")
    assert g.customer_id.tolist() == [0.5, 1.5]
    assert g.frequency.tolist() == [2, 1]


@needs_wide
def test_longdouble_amounts_on_dask_as_in_pandas() -> None:
    """A ``float128`` amount column was refused by Dask as "not numbers"
    where pandas reads it: now read as pandas reads it, refusals too."""
    dd = pytest.importorskip("dask.dataframe")
    import warnings

    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": ["2024-01-01", "2024-01-02", "2024-01-02"],
            "amount": np.array([0.5, 1.5, 19.99], dtype=L),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # narwhals' notice on Dask
        got = summarize_frame(
            dd.from_pandas(df, npartitions=2), as_of="2024-02-01", output="pandas"
        )
        assert got["monetary"].tolist() == [2.0, 19.99]
        assert (
            got["monetary"].tolist()
            == summarize_frame(df, as_of="2024-02-01")["monetary"].tolist()
        )
        big = df.assign(amount=np.array([2**53, 0, 0], dtype=L) + L(1))
        with pytest.raises(InputError, match="beyond 2"):
            summarize_frame(dd.from_pandas(big, npartitions=1), as_of="2024-02-01")
