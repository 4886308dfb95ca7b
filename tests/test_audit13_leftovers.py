"""Leftovers of the twelfth audit, fixed in the thirteenth session.

- ``RuleSet.evaluate(aggregates=)`` reads a ``float32``/``float16`` value
  as the decimal it prints as, as the data of such a column is read (it was
  read bit for bit: a customer equal to it fell on the wrong side);
- an integer beyond 2**53 in a list or ``object`` column is compared with
  the cuts exactly by every classifier that compares with cuts (an
  ``object`` column was rounded to float64 first);
- ``segment_history(edges=, rules=)`` says when the edges given replace
  the rules' fixed ``[scores]`` edges, as ``segment`` does;
- the HTML report counts the contact records dropped after ``as_of``.
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import RfmEdges, ScoreEdges, reporting, rules
from custseg.datasets import simulate_contacts, simulate_transactions
from custseg.errors import CustsegWarning, InputError

FEW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

AT_MEAN = rules.loads(
    """format = 1
[fields]
spend = { type = "number" }
[segments.side]
default = "below"
rules = [
  { label = "above", when = "spend > mean(spend)" },
  { label = "equal", when = "spend >= mean(spend)" },
]
"""
)


# --- aggregates= of float32 / float16 -------------------------------------


@FEW
@given(
    st.sampled_from([np.float32, np.float16]).flatmap(
        lambda t: st.floats(
            width=32 if t is np.float32 else 16, allow_nan=False, allow_infinity=False
        ).map(t)
    )
)
@example(np.float32(199.9))
@example(np.float32(0.1))
@example(np.float16(0.1))
def test_narrow_aggregate_read_as_printed(value: Any) -> None:
    """A customer whose float32 spend equals the float32 aggregate given is
    'equal', never 'above' or 'below' (the data column is read as printed,
    so the aggregate must be too)."""
    data = pd.DataFrame({"spend": np.array([value], dtype=value.dtype)})
    got = AT_MEAN.evaluate(data, aggregates={"mean(spend)": value})
    assert list(got.to_pandas()["side"].astype(str)) == ["equal"]


def test_aggregate_too_large_for_float64_is_an_input_error() -> None:
    data = pd.DataFrame({"spend": [1.0]})
    with pytest.raises(InputError, match=r"aggregates.*float64"):
        AT_MEAN.evaluate(data, aggregates={"mean(spend)": 10**400})


# --- integers beyond 2**53 in lists and object columns --------------------

BIG = st.integers(min_value=-(2**70), max_value=2**70)


def _cut(c: float) -> Decimal:
    """The cut as compared: the decimal it prints as, or beyond 2**53 (a
    whole number) the integer it holds, as for int64 data."""
    return Decimal(int(c)) if abs(c) >= 2**53 else Decimal(repr(c))


def _exact_score(n: int, cuts: tuple[float, ...]) -> int:
    return 1 + sum(Decimal(n) > _cut(c) for c in cuts)


@FEW
@given(
    st.lists(BIG, min_size=1, max_size=6),
    st.lists(BIG.map(float), min_size=1, max_size=3, unique=True),
    st.booleans(),
)
@example([2**53 + 1, 2**53, 2**53 - 1], [float(2**53)], True)
@example([10**17 + 1, 10**17], [1e17], False)
def test_big_ints_compared_with_cuts_exactly(
    values: list[int], cuts: list[float], as_object: bool
) -> None:
    """score over Python ints (as a list or an object column): each value's
    score is that of the exact comparison with the cuts as they print."""
    cuts_t = tuple(sorted(cuts))
    x: Any = np.array(values, dtype=object) if as_object else values
    fits = all(-(2**63) <= n < 2**63 for n in values)
    if not as_object and not fits:
        return  # NumPy refuses such a list outright (no int64, no object)
    got = np.asarray(custseg.score(x, ScoreEdges(cuts_t))).tolist()
    assert got == [_exact_score(n, cuts_t) for n in values]


def test_big_ints_in_an_object_series_score_as_the_int64_series() -> None:
    ints = [2**53 + 1, 2**53, 2**53 - 1, 2**60 + 3]
    edges = ScoreEdges((float(2**53), float(2**60)))
    as_object = custseg.score(pd.Series(ints, dtype=object), edges)
    as_int64 = custseg.score(pd.Series(ints, dtype="int64"), edges)
    assert np.asarray(as_object).tolist() == np.asarray(as_int64).tolist()
    assert np.asarray(as_object).tolist() == [2, 1, 1, 3]
    as_decimal = custseg.score([Decimal(n) for n in ints], edges)
    assert np.asarray(as_decimal).tolist() == [2, 1, 1, 3]


# --- segment_history(edges=, rules=) ---------------------------------------


def _history_inputs() -> tuple[Any, Any, Any]:
    tx = simulate_transactions(200, seed=4)
    return (
        tx["customer_id"].to_numpy(),
        tx["date"].to_numpy(),
        tx["amount"].to_numpy(),
    )


@pytest.mark.parametrize("preset", ["ecommerce", "beauty_salon"])
def test_history_says_the_edges_given_replace_fixed_ones(preset: str) -> None:
    ids, dates, amounts = _history_inputs()
    rs = rules.load(preset)
    fixed = rs.scores["r"].edges
    assert fixed is not None
    other = tuple(float(c) + 1 for c in fixed)
    edges = RfmEdges(
        ScoreEdges(other), ScoreEdges((1.0, 2.0, 3.0, 4.0)), ScoreEdges((1.0,) * 4)
    )
    with pytest.warns(CustsegWarning, match=r"edges\.recency .* replaces the r edges"):
        h = custseg.segment_history(
            ids, dates, amounts, ["2024-06-30", "2024-12-31"], edges=edges, rules=rs
        )
    assert h.edges.recency.cuts == other  # the edges given win, as in segment
    assert any("replaces the r edges" in d for d in h.diagnostics)


def test_history_quiet_when_the_edges_keep_the_fixed_ones() -> None:
    ids, dates, amounts = _history_inputs()
    rs = rules.load("ecommerce")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = custseg.segment_history(
            ids, dates, amounts, ["2024-06-30"], rules=rs
        ).edges
    with warnings.catch_warnings():
        warnings.simplefilter("error", CustsegWarning)
        h = custseg.segment_history(
            ids, dates, amounts, ["2024-06-30", "2024-12-31"], edges=fitted, rules=rs
        )
    assert not any("replaces" in d for d in h.diagnostics)


# --- the report counts dropped contacts ------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_counts_contacts_dropped_after_as_of(lang: str) -> None:
    tx = simulate_transactions(150, seed=3)
    log = simulate_contacts(tx, seed=5)
    as_of = pd.Timestamp("2024-09-30")
    later = int((pd.to_datetime(log["date"]).dt.normalize() > as_of).sum())
    assert later > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        page = reporting.report(
            tx,
            contacts=log,
            as_of=str(as_of.date()),
            after_as_of="drop",
            charts=False,
            lang=lang,
        )
    label = (
        "contact records dated after as_of, dropped"
        if lang == "en"
        else "晚于截至日的接触记录(已剔除)"
    )
    cells = re.findall(re.escape(label) + r"</t[dh]>\s*<td[^>]*>([^<]*)", page.html)
    assert cells == [f"{later:,d}"]


def test_report_without_contacts_has_no_contacts_row() -> None:
    tx = simulate_transactions(50, seed=3)
    page = reporting.report(tx, charts=False)
    assert "contact records dated after" not in page.html


# --- X1: the date-format guesser and the process-wide warning filters ------


def test_bad_dates_in_threads_leave_the_warning_filters_alone() -> None:
    """Audit 13 X1: the date-format guesser (the error path of every date
    column) changed the process-wide filters without the lock: calls
    overlapping in threads restored each other's lists and left "ignore
    everything" behind for good."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from custseg.frame import segment_frame

    bad = pd.DataFrame(
        {
            "customer_id": [1, 2, 3] * 50,
            "date": ["2024-01-05", "05/01/2024", "not a date"] * 50,
            "amount": [1.0] * 150,
        }
    )

    def job(_: int) -> None:
        with pytest.raises(InputError):
            segment_frame(bad)

    before = list(warnings.filters)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: the race shows at once
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(job, range(40)))
        after = list(warnings.filters)
    finally:
        sys.setswitchinterval(interval)
        warnings.filters[:] = before  # pandas' own race may leave one behind
    # pandas' pandas_dtype races with itself the same way (its "always" for
    # DeprecationWarning), which custseg cannot prevent, and its
    # catch_warnings may restore a list that held one of custseg's filters
    # (warnings_filtered's docstring): such a filter names custseg's module,
    # so it touches only custseg's own warnings. custseg's "ignore
    # everything" (no module) must never be left
    leaked = [f for f in after if f not in before]

    def harmless(f: Any) -> bool:
        pandas_own = f[0] == "always" and f[2] is DeprecationWarning
        return pandas_own or (f[3] is not None and f[3].pattern.startswith("custseg"))

    assert all(harmless(f) for f in leaked), leaked
