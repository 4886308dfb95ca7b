"""Audit 5: totals outside summarize (group_summary, segment_summary, owners'
books, value tiers) refuse integers float64 does not hold, means are divided
once from exact decimal totals, and reassign_neglected places customers in
near n log k time with the same owners as the per-customer scan."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg._exact import order_free_sums
from custseg.errors import InputError
from custseg.groups import TagMatrix, group_summary
from custseg.rules._expr import _mean
from custseg.value import fit_value_tiers

_EXACT = 2**53

# --------------------------------------------------------------------------
# 1. integers (and decimals) beyond 2**53 are refused, as summarize does

big_ints = st.integers(_EXACT + 1, 2**63 - 1)
small_ints = st.integers(0, 1000)


@st.composite
def columns_with_a_big_int(draw: st.DrawFn) -> tuple[list[int], str]:
    """Non-negative whole numbers, at least one beyond 2**53, and a container."""
    values = draw(st.lists(small_ints, min_size=0, max_size=6))
    at = draw(st.integers(0, len(values)))
    values.insert(at, draw(big_ints))
    container = draw(st.sampled_from(["int64", "uint64", "list", "object", "decimal"]))
    return values, container


def _contain(values: list[int], container: str) -> object:
    if container == "int64":
        return np.array(values, dtype=np.int64)
    if container == "uint64":
        return np.array(values, dtype=np.uint64)
    if container == "object":
        return np.array(values, dtype=object)
    if container == "decimal":
        return [Decimal(x) for x in values]
    return list(values)


def _refused(fn: object, field: str) -> None:
    with pytest.raises(InputError, match=rf"'{field}' has .*beyond 2\*\*53"):
        fn()  # type: ignore[operator]


@settings(max_examples=60, deadline=None)
@given(columns_with_a_big_int())
def test_big_integers_refused_everywhere_summarize_refuses_them(case):
    values, container = case
    n = len(values)
    col = _contain(values, container)
    # the reference: summarize's refusal
    _refused(lambda: custseg.summarize(["c"] * n, ["2024-01-01"] * n, col), "amount")
    tags = TagMatrix(("a",), [[True]] * n)
    _refused(lambda: group_summary(tags, {"m": col}), "m")
    small = np.ones(n, dtype=np.int64)
    rec = np.ones(n)
    labels = ["x"] * n
    for field, facts in [
        ("monetary", {"recency_days": rec, "frequency": small, "monetary": col}),
        ("frequency", {"recency_days": rec, "frequency": col, "monetary": rec}),
        ("recency_days", {"recency_days": col, "frequency": small, "monetary": rec}),
    ]:
        _refused(lambda facts=facts: custseg.segment_summary(labels, facts), field)
    _refused(lambda: custseg.assign_owners(col, ["s1", "s2"]), "value")
    _refused(
        lambda: custseg.reassign_neglected(col, ["s1"] * n, ["s1", "s2"], [True] * n),
        "value",
    )
    _refused(lambda: fit_value_tiers([1.0] * n, ["strong"] * n, col), "revenue")
    # 2**53 itself is held exactly: still summed
    ok = np.array([_EXACT, 0, 0], dtype=np.int64)
    s = group_summary(TagMatrix(("a",), [[True]] * 3), {"m": ok})
    assert s.totals["m"].tolist() == [float(_EXACT)] * 2
    facts = {"recency_days": [1.0] * 3, "frequency": [1] * 3, "monetary": ok}
    assert custseg.segment_summary(["x"] * 3, facts)["revenue"].iloc[0] == _EXACT
    assert custseg.assign_owners(ok, ["s1"]).book_after.tolist() == [_EXACT]


@pytest.mark.parametrize(
    "bad", [Decimal("9007199254740993"), Decimal("90071992547409.93")]
)
def test_decimals_beyond_2_53_in_their_last_place_refused(bad):
    col = [bad, Decimal(0), Decimal(0)]
    with pytest.raises(InputError, match="'x' has decimal numbers beyond 2\\*\\*53"):
        group_summary(TagMatrix(("a",), [[True]] * 3), {"x": col})
    with pytest.raises(InputError, match="'monetary' has decimal numbers"):
        custseg.segment_summary(
            ["a"] * 3,
            {"recency_days": [1.0] * 3, "frequency": [1] * 3, "monetary": col},
        )
    with pytest.raises(InputError, match="'value' has decimal numbers"):
        custseg.assign_owners(col, ["s1"])


# --------------------------------------------------------------------------
# 2. means divided once from exact decimal totals (as rules' mean())

cents = st.integers(-(10**6), 10**6)


def _decimal_mean(units: list[int], scale: int) -> float:
    return float(Fraction(sum(units), scale * len(units)))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(cents, min_size=1, max_size=30),
    st.sampled_from([1, 100, 10_000]),
    st.data(),
)
def test_means_rounded_once(units, scale, data):
    x = np.array([u / scale for u in units])
    n = len(x)
    member = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    truth = _decimal_mean(units, scale)
    assert _mean(x) == truth  # the rules' mean() is the reference
    s = group_summary(TagMatrix(("g",), member[:, None]), {"m": x})
    assert s.means["m"][-1] == truth  # (all)
    inside = [u for u, m in zip(units, member, strict=True) if m]
    if inside:
        assert s.means["m"][0] == _decimal_mean(inside, scale)
    # (recency is >= 0: its mean from the magnitudes)
    r = np.abs(x)
    facts = {"recency_days": r, "frequency": np.ones(n, np.int64), "monetary": x}
    labels = np.where(member, "in", "out")
    table = custseg.segment_summary(labels, facts)
    assert table.loc["Total", "monetary_mean"] == truth
    assert table.loc["Total", "recency_mean"] == _decimal_mean(
        [abs(u) for u in units], scale
    )
    if inside:
        assert table.loc["in", "monetary_mean"] == _decimal_mean(inside, scale)
        assert table.loc["in", "recency_mean"] == _decimal_mean(
            [abs(u) for u in inside], scale
        )
    freq = np.abs(np.array(units, dtype=np.int64))
    facts = {"recency_days": r, "frequency": freq, "monetary": x}
    table = custseg.segment_summary(labels, facts)
    assert table.loc["Total", "frequency_mean"] == _decimal_mean(list(freq), 1)


def test_reported_example():
    m = [0.1, 0.2, 0.0]
    s = group_summary(TagMatrix(("a",), [[True]] * 3), {"m": m})
    assert s.means["m"].tolist() == [0.1, 0.1]
    facts = pd.DataFrame({"recency_days": m, "frequency": [1, 1, 1], "monetary": m})
    table = custseg.segment_summary(["x"] * 3, facts)
    assert table["monetary_mean"].tolist() == [0.1, 0.1]
    assert table["recency_mean"].tolist() == [0.1, 0.1]
    rs = rules.loads(
        'format = 1\n[fields]\nm = { type = "number" }\n[segments.s]\n'
        'default = "lo"\nrules = [{ label = "hi", when = "m >= mean(m)" }]\n'
    )
    assert rs.evaluate({"m": m}).aggregates["mean(m)"] == 0.1


@settings(max_examples=100, deadline=None)
@given(st.lists(cents, min_size=1, max_size=20), st.lists(cents, max_size=5))
def test_class_figures_depend_only_on_the_class(units, other):
    """A class of decimals keeps its exact revenue and single-rounded mean
    beside a class whose values have no decimal scale (1/3)."""
    x = [u / 100 for u in units]
    alone = custseg.segment_summary(
        ["a"] * len(x),
        {"recency_days": [abs(v) for v in x], "frequency": [1] * len(x), "monetary": x},
        total=None,
    )
    y = [u / 3 for u in other] + [1 / 3]
    labels = ["a"] * len(x) + ["b"] * len(y)
    both = custseg.segment_summary(
        labels,
        {
            "recency_days": [abs(v) for v in x + y],
            "frequency": [1] * len(labels),
            "monetary": x + y,
        },
        total=None,
    )
    for col in ("revenue", "monetary_mean", "recency_mean"):
        assert both.loc["a", col] == alone.loc["a", col]
    assert both.loc["a", "monetary_mean"] == _decimal_mean(units, 100)
    assert both.loc["a", "revenue"] == float(Fraction(sum(units), 100))
    g = group_summary(TagMatrix(("a",), np.array(labels)[:, None] == "a"), {"m": x + y})
    assert g.means["m"][0] == _decimal_mean(units, 100)
    assert g.totals["m"][0] == float(Fraction(sum(units), 100))


# --------------------------------------------------------------------------
# 3. reassign_neglected: a heap, the same owners as the scan over all staff


def _scan(todo, prev, units, rank, cap, count, book, owner_out, change):
    """The per-customer scan over every staff member (before audit 5), with
    the room kept for customers without an owner (audit 8): a neglected one
    moves only while the free room still holds them all."""
    free = sum(len(todo) if c == np.inf else max(int(c) - int(n), 0)
               for c, n in zip(cap, count, strict=True))  # fmt: skip
    homeless = int((prev[todo] < 0).sum())
    for i in todo.tolist():
        was = int(prev[i])
        if was >= 0 and free - 1 + int(count[was] - 1 < cap[was]) < homeless:
            continue
        room = count < cap
        if was >= 0:
            room[was] = False
        if not room.any():
            continue
        cand = np.flatnonzero(room)
        best = int(cand[np.lexsort((rank[cand], count[cand], book[cand]))[0]])
        free -= 1
        homeless -= int(was < 0)
        if was >= 0:
            free += int(count[was] - 1 < cap[was])
            count[was] -= 1
            book[was] -= units[i]
            change[i] = 3
        owner_out[i] = best
        count[best] += 1
        book[best] += units[i]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_heap_places_as_the_scan(data):
    from custseg.ownership import _place_one_by_one

    k = data.draw(st.integers(1, 8))
    n = data.draw(st.integers(0, 40))
    prev = np.array(
        data.draw(st.lists(st.integers(-2, k - 1), min_size=n, max_size=n)),
        dtype=np.int64,
    )
    # few distinct values: ties in book and count everywhere
    pool = data.draw(st.sampled_from([[0.0, 1.0, 2.0], [0.1, 0.2, 0.3, 1 / 3]]))
    units = np.array(data.draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)))
    rank = np.array(data.draw(st.permutations(range(k))), dtype=np.int64)
    caps = data.draw(
        st.lists(
            st.one_of(st.integers(0, n + 1).map(float), st.just(np.inf)),
            min_size=k,
            max_size=k,
        )
    )
    cap = np.array(caps)
    todo = np.array(data.draw(st.permutations(range(n))), dtype=np.intp)
    todo = todo[: data.draw(st.integers(0, n))]
    kept = np.where(prev >= 0, prev, -1)
    count = np.bincount(kept[kept >= 0], minlength=k).astype(np.int64)
    book = np.bincount(kept[kept >= 0], weights=units[kept >= 0], minlength=k)
    book = book.astype(np.float64)  # bincount of nothing is int64, weights or not
    state = [count, book, kept.copy(), np.zeros(n, np.int8)]
    expect = [a.copy() for a in state]
    _scan(todo, prev, units, rank, cap, *expect)
    _place_one_by_one(todo, prev, units, rank, cap, *state)
    for got, want in zip(state, expect, strict=True):
        assert got.tobytes() == want.tobytes()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.one_of(
                cents.map(lambda u: u / 100),
                cents.map(lambda u: u / 3),
                st.sampled_from([0.1, 0.2, 1e15, 2.0**52, 123456.789, 2.5e-7]),
            ),
        ),
        max_size=40,
    )
)
def test_each_class_as_its_own_mean(rows):
    """Every class's sum and mean are those of its values alone (the rules'
    mean() per class), whatever the other classes hold. (Not values so far
    apart that the exact sum falls back to a sort, ``1e-300`` beside ``0.1``:
    there ``_exact.ordered_sum`` and ``ordered_sums`` add differently.)"""
    from custseg.segments import class_sums

    codes = np.array([c for c, _ in rows], dtype=np.intp)
    x = np.array([v for _, v in rows], dtype=np.float64)
    counts, sums, means = class_sums(x, codes, 5)
    # the sums summarize would give these classes (each its own amounts)
    assert sums.tobytes() == order_free_sums(x, codes, 5).tobytes()
    for c in range(5):
        mine = x[codes == c]
        assert counts[c] == len(mine)
        if len(mine):
            assert means[c] == _mean(mine)
            alone = class_sums(mine, np.zeros(len(mine), np.intp), 1)
            assert sums[c] == alone[1][0]
        else:
            assert sums[c] == 0.0
            assert np.isnan(means[c])
