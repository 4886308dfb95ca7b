"""Audit 31, lifecycle and status classifiers: exact rationals at breaks,
``SegmentResult.apply`` with other rules after ``windows=``, flags given as
iterators, and label names the rules files would refuse."""

from __future__ import annotations

import bisect
import io
import warnings
from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import CustsegError, InputError, ThresholdError
from custseg.lifecycle import (
    CarePhases,
    care_phase,
    customer_status,
    needs_status,
    store_visit_class,
    visit_tier,
)
from custseg.loyalty import repurchase_from_behaviour
from custseg.value import value_tier

# ---------------------------------------------------------------------------
# 1. exact rationals (Fraction) at breaks, as Decimals are


def _outcome(run: Callable[[list[Any]], Any], values: list[Any]) -> object:
    """The labels of *values*, or the kind and field of the error."""
    try:
        return run(values).to_numpy().tolist()
    except CustsegError as err:
        return (type(err).__name__, getattr(err, "field", None))


_RULES = rules.loads(
    """
format = 1
[fields]
d = { type = "number", missing = true }
n = { type = "integer", missing = true }
[tables.stage]
field = "d"
breaks = [0.3, 90, 180]
labels = ["a", "b", "c", "d"]
missing = "none"
[segments.big]
default = "small"
rules = [{ label = "big", when = "n >= 12" }]
"""
)


def _ones(values: list[Any], x: Any) -> list[Any]:
    return [x] * len(values)


#: Each classifier that compares a column with breaks, run on that column
#: (the other columns fixed), and the breaks of that column.
CLASSIFIERS: dict[str, tuple[Callable[[list[Any]], Any], tuple[float, ...]]] = {
    "lifecycle": (custseg.lifecycle_stage, (90, 180, 270)),
    "care_phase": (care_phase, (5, 30, 45)),
    "status tenure": (lambda x: customer_status(_ones(x, 2), x, _ones(x, 1)), (45,)),
    "status recency": (
        lambda x: customer_status(_ones(x, 2), _ones(x, 400), x),
        (270,),
    ),
    "status frequency": (
        lambda x: customer_status(x, _ones(x, 100), _ones(x, 1)),
        (1, 3),
    ),
    "needs frequency": (
        lambda x: needs_status(x, _ones(x, 1)),
        (1, 2, 3),
    ),
    "visit_tier": (visit_tier, (1, 12)),
    "store_visit_class": (lambda x: store_visit_class(x, _ones(x, 0)), (1,)),
    "value intent": (lambda x: value_tier(_ones(x, "large"), x), (0.3, 0.7)),
    "behaviour recency": (
        lambda x: repurchase_from_behaviour(_ones(x, 5), x),
        (90, 180),
    ),
    "behaviour frequency": (
        lambda x: repurchase_from_behaviour(x, _ones(x, 10)),
        (3,),
    ),
    "rules table": (
        lambda x: _RULES.evaluate({"d": x, "n": _ones(x, 0)})["stage"],
        (0.3, 90, 180),
    ),
    "rules integer": (
        lambda x: _RULES.evaluate({"d": _ones(x, 0), "n": x})["big"],
        (12,),
    ),
}


@st.composite
def near_breaks(draw: st.DrawFn, breaks: tuple[float, ...]) -> tuple[Fraction, ...]:
    """Decimal-valued Fractions on, or 10**-16 .. 10**-30 either side of,
    the breaks (float64 rounds the latter onto the break)."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        b = Fraction(Decimal(repr(float(draw(st.sampled_from(breaks))))))
        k = draw(st.integers(16, 30))
        sign = draw(st.sampled_from((-1, 0, 1)))
        out.append(b + sign * Fraction(1, 10**k))
    return tuple(out)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_fractions_at_breaks_are_compared_as_decimals_are(name: str, data: Any) -> None:
    """Every classifier labels a Fraction as it labels the equal Decimal
    (compared exactly with the breaks; a count just off a whole number is
    refused), never as the float64 it rounds to."""
    run, breaks = CLASSIFIERS[name]
    values = list(data.draw(near_breaks(breaks)))
    with localcontext() as ctx:
        ctx.prec = 60  # (a power of 10 below: exact)
        decimals = [Decimal(x.numerator) / Decimal(x.denominator) for x in values]
    assert [Fraction(d) for d in decimals] == values  # (the same numbers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _outcome(run, decimals)
        assert _outcome(run, values) == expected
    # labels, or a count refused for not being whole (never another error)
    assert isinstance(expected, list) or expected[0] == "InputError"


@settings(max_examples=30, deadline=None)
@given(
    b=st.sampled_from((90, 180, 270, 5, 30, 45)),
    q=st.integers(10**16, 10**30),
    side=st.sampled_from((-1, 1)),
)
def test_any_rational_takes_its_exact_stage(b: int, q: int, side: int) -> None:
    """A rational that is no decimal (1/q off a break) falls in the window
    its exact value is in: the stage and the care phase of an exact
    reference (bisect with Fraction comparisons)."""
    x = Fraction(b) + side * Fraction(1, q)
    for run, windows in (
        (custseg.lifecycle_stage, custseg.LifecycleWindows()),
        (care_phase, CarePhases()),
    ):
        expected = windows.labels[bisect.bisect_right(windows.breaks, x)]
        assert run([x, None], windows).to_numpy().tolist() == [
            expected,
            windows.no_purchase,
        ]


def test_fraction_worked_example() -> None:
    """The report's example: 90 - 1e-17 days is active, as the Decimal is."""
    x = Fraction(90) - Fraction(1, 10**17)
    t = Fraction(45) - Fraction(1, 10**17)
    given = [x, Fraction(1, 3)]
    assert custseg.lifecycle_stage(given).to_numpy().tolist() == ["active"] * 2
    assert given == [x, Fraction(1, 3)]  # (not changed)
    assert care_phase([t]).to_numpy().tolist() == ["stimulate"]
    assert customer_status([2], [t], [1]).to_numpy().tolist() == ["new"]
    with pytest.raises(InputError, match="'visits' has non-integer values"):
        visit_tier([Fraction(12) - Fraction(1, 10**17)])
    # whole Fractions are counts; 1/3 is described as given in an error
    assert visit_tier([Fraction(24, 2)]).to_numpy().tolist() == ["vip"]
    with pytest.raises(InputError, match=r"Fraction\(-1, 3\)"):
        repurchase_from_behaviour([Fraction(-1, 3)], [10])


# ---------------------------------------------------------------------------
# 2. SegmentResult.apply(preset=...) after windows=

_TX = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c"],
        "date": ["2024-01-01", "2024-03-01", "2023-06-01"],
        "amount": [10.0, 5.0, 7.0],
    }
)


@settings(max_examples=20, deadline=None)
@given(
    breaks=st.lists(st.integers(1, 400), min_size=1, max_size=4, unique=True),
    preset=st.sampled_from(("ecommerce", "base", "mother_baby")),
)
def test_apply_other_rules_after_windows(breaks: list[int], preset: str) -> None:
    """Windows carried from the first call give way to the lifecycle table
    of the rules ``apply`` is given: the result is that of ``segment`` with
    those rules (and no windows); windows given to ``apply`` itself are
    still refused with such rules."""
    windows = custseg.LifecycleWindows(
        tuple(sorted(breaks)), tuple(f"s{i}" for i in range(len(breaks) + 1))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = custseg.segment(_TX, as_of="2024-04-01", windows=windows)
        again = first.apply(_TX, as_of="2024-04-01", preset=preset)
        direct = custseg.segment(
            _TX, as_of="2024-04-01", preset=preset, edges=first.edges
        )
        pd.testing.assert_frame_equal(again.customers, direct.customers)
        with pytest.raises(ThresholdError, match="'windows' is given with rules"):
            first.apply(_TX, as_of="2024-04-01", preset=preset, windows=windows)
        # rules without a lifecycle table: the carried windows still label
        plain = rules.loads('format = 1\n[fields]\nmonetary = { type = "number" }\n')
        kept = first.apply(_TX, as_of="2024-04-01", rules=plain)
        assert list(kept.customers.lifecycle.cat.categories)[:-1] == list(
            windows.labels
        )


def test_apply_preset_after_windows_worked_example() -> None:
    """The report's example: the ecommerce preset's own stages."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = custseg.segment(
            _TX[:2], as_of="2024-04-01", windows=custseg.LifecycleWindows((30, 60, 90))
        )
        out = first.apply(_TX[:2], as_of="2024-04-01", preset="ecommerce")
    assert out.customers.lifecycle.tolist() == ["silent", "active"]


# ---------------------------------------------------------------------------
# 3. yes/no flags given as iterators


def _iterators(values: list[Any]) -> list[Any]:
    return [
        (x for x in values),
        iter(values),
        map(values.__getitem__, range(len(values))),
        iter(tuple(values)),
    ]


FLAG_CALLS: dict[str, Callable[[Any, int], Any]] = {
    "status vip": lambda f, n: customer_status([2] * n, [9] * n, [1] * n, vip=f),
    "status loyal": lambda f, n: customer_status([2] * n, [9] * n, [1] * n, loyal=f),
    "status interested": lambda f, n: customer_status(
        [0] * n, [np.nan] * n, [np.nan] * n, interested=f
    ),
    "needs interested": lambda f, n: needs_status([0] * n, [np.nan] * n, interested=f),
    "store vip": lambda f, n: store_visit_class([1] * n, [1] * n, f),
}


@pytest.mark.parametrize("name", sorted(FLAG_CALLS))
@settings(max_examples=20, deadline=None)
@given(
    flags=st.lists(
        st.sampled_from([True, False, None, "yes", "no"]), min_size=1, max_size=5
    ),
    which=st.integers(0, 3),
)
def test_flag_iterators_are_refused_as_columns(
    name: str, flags: list[Any], which: int
) -> None:
    """A flag given as a generator, ``iter(...)`` or ``map(...)`` is the
    "must be an array-like" error that numeric columns give, never one
    unknown answer; its list gives labels."""
    call = FLAG_CALLS[name]
    n = len(flags)
    with pytest.raises(InputError, match="must be an array-like of answers") as err:
        call(_iterators(flags)[which], n)
    assert "list(...) of a generator" in str(err.value)
    assert "unknown answer" not in str(err.value)
    assert len(call(list(flags), n)) == n


def test_flag_generator_worked_example() -> None:
    """The report's example, and a dict view (one object to NumPy)."""
    with pytest.raises(
        InputError, match="'vip' must be an array-like of answers, got generator"
    ):
        customer_status([2, 2], [9, 9], [1, 1], vip=(x for x in [True, False]))
    with pytest.raises(InputError, match="got dict_values"):
        customer_status([2, 2], [9, 9], [1, 1], vip={0: True, 1: False}.values())
    # a range is a column (it has a length)
    out = customer_status([2, 2], [9, 9], [1, 1], vip=range(2))
    assert out.to_numpy().tolist() == ["new", "loyal"]


# ---------------------------------------------------------------------------
# 4. label names the rules files refuse

BAD_NAMES = st.one_of(
    st.text(alphabet=" \t\u3000", max_size=4),  # empty or blank
    st.text(alphabet="ab", min_size=101, max_size=120),  # too long
    st.sampled_from(["a\x00b", "a\u200bb", "a\x1b[31m", "\ufeffx", "a\nb"]),
)


def _rules_refuse(name: str) -> bool:
    text = (
        'format = 1\n[fields]\nd = { type = "number", missing = true }\n'
        '[tables.t]\nfield = "d"\nbreaks = [90]\nlabels = ["active", "lost"]\n'
        f"missing = {_toml_string(name)}\n"
    )
    try:
        rules.loads(text)
    except custseg.RulesError as err:
        return "'missing'" in str(err)
    return False


def _toml_string(name: str) -> str:
    escaped = "".join(
        c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04X}" for c in name
    )
    return f'"{escaped}"'


MAKERS: dict[str, Callable[[str], Any]] = {
    "windows no_purchase": lambda s: custseg.LifecycleWindows(no_purchase=s),
    "windows labels": lambda s: custseg.LifecycleWindows(
        labels=("active", s, "sleeping", "lost")
    ),
    "care labels": lambda s: CarePhases(labels=("care", s, "stimulate", "established")),
    "care no_purchase": lambda s: CarePhases(no_purchase=s),
    "life stage labels": lambda s: custseg.LifeStageWindows(
        labels=("pregnant", "mother", s, "girl")
    ),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
@settings(max_examples=20, deadline=None)
@given(bad=BAD_NAMES)
def test_label_names_refused_as_rules_files_refuse_them(name: str, bad: str) -> None:
    """A name a rules file refuses (blank, over 100 characters, a control
    or invisible character) is a ThresholdError naming the argument, with
    the rules loader's message."""
    assert _rules_refuse(bad)
    with pytest.raises(ThresholdError, match=r"'(labels\[\d\]|no_purchase)'") as err:
        MAKERS[name](bad)
    text = str(err.value)
    assert "must be a non-empty string of at most 100 characters" in text or (
        "holds the" in text and "character U+" in text
    )


@settings(max_examples=20, deadline=None)
@given(bad=BAD_NAMES)
def test_label_names_of_summaries_refused(bad: str) -> None:
    """The other label names taken as parameters: a profile band, the
    missing and total rows of a segment summary, the classes of a
    transition matrix."""
    r = custseg.profile_completeness(
        {"name": ["Li", None]}, hard=["name"], soft=[], weights=(1, 0)
    )
    with pytest.raises(ThresholdError, match=r"'labels\[1\]'"):
        r.band((0.5,), ("todo", bad))
    stage = custseg.lifecycle_stage([5, 100])
    with pytest.raises(ThresholdError, match="'missing'"):
        custseg.transition_matrix(stage, stage, missing=bad)


def test_empty_no_purchase_worked_example() -> None:
    """The report's example: refused as the rules loader refuses it; a
    good name survives a CSV round trip."""
    with pytest.raises(
        ThresholdError,
        match="'no_purchase' must be a non-empty string of at most 100 characters, got ''",
    ):
        custseg.LifecycleWindows(no_purchase="")
    with pytest.raises(ThresholdError, match=r"'labels\[1\]'.*got ' '"):
        CarePhases(labels=("care", " ", "stimulate", "established"))
    stage = custseg.lifecycle_stage(
        [5, float("nan")], custseg.LifecycleWindows(no_purchase="potential")
    )
    buf = io.StringIO()
    pd.DataFrame({"stage": stage.to_numpy()}).to_csv(buf, index=False)
    back = pd.read_csv(io.StringIO(buf.getvalue())).stage.tolist()
    assert back == ["active", "potential"]
