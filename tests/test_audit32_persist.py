"""Audit 32, persisting and re-applying a segmentation: findings of the
thirty-second audit (probe "persist").

Each test covers the class of a finding (with hypothesis), then its worked
example.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import AbcCutoffs, RfmEdges, ScoreEdges
from custseg.datasets import simulate_transactions
from custseg.errors import CustsegWarning, ThresholdError


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fn(*args, **kwargs)


@functools.cache
def _shop(seed: int, n: int = 150) -> pd.DataFrame:
    return simulate_transactions(n, seed=seed)


def _upto(tx: pd.DataFrame, day: str) -> pd.DataFrame:
    return tx[tx["date"] < day]


_CUTS = ("2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01")
_PRESETS = tuple(p for p in custseg.rules.presets() if p != "base")

bins_options = st.one_of(
    st.none(),
    st.integers(2, 7),
    st.tuples(
        st.none() | st.integers(2, 7),
        st.none() | st.integers(2, 7),
        st.none() | st.integers(2, 7),
    ),
)
cutoffs_options = st.one_of(
    st.none(),
    st.builds(AbcCutoffs, st.just(0.7), st.just(0.9)),
    st.builds(
        AbcCutoffs,
        st.sampled_from([0.1, 0.2, 0.3]),
        st.sampled_from([0.5, 0.6]),
        basis=st.just("rank"),
    ),
)


# --------------------------------------------------------------------------
# 1. a refit along a chain of apply() calls (edges=None, abc_edges=None)
#    uses the bins and ABC cut-offs of the first fit, not 5 and (0.8, 0.95)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 3),
    bins=bins_options,
    cutoffs=cutoffs_options,
    preset=st.sampled_from([None, "base", "ecommerce"]),
    chain=st.lists(st.sampled_from(_CUTS[1:]), max_size=3),
    refit=st.sampled_from(["both", "edges", "abc"]),
)
def test_refit_after_a_chain_fits_as_the_first_result(
    seed: int,
    bins: Any,
    cutoffs: AbcCutoffs | None,
    preset: str | None,
    chain: list[str],
    refit: str,
) -> None:
    """fit -> apply -> ... -> apply(edges=None / abc_edges=None) refits as
    segment() with the first call's bins and cut-offs does."""
    if preset is not None:  # rules declaring scores 1..5: 5 where fitted
        bins = None if bins is None else 5
    tx = _shop(seed)
    first = _quiet(
        custseg.segment,
        _upto(tx, _CUTS[0]),
        preset=preset,
        bins=bins,
        abc_cutoffs=cutoffs,
    )
    res = first
    for day in chain:
        res = _quiet(res.apply, _upto(tx, day))
        assert res.edges == first.edges and res.abc_edges == first.abc_edges
    again = {"edges": None} if refit != "abc" else {}
    if refit != "edges":
        again["abc_edges"] = None
    later = _quiet(res.apply, tx, **again)
    fresh = _quiet(custseg.segment, tx, preset=preset, bins=bins, abc_cutoffs=cutoffs)
    if refit == "abc":
        assert later.edges == first.edges
    else:
        assert later.edges == fresh.edges
    if refit == "edges":
        assert later.abc_edges == first.abc_edges
    else:
        assert later.abc_edges == fresh.abc_edges
        pd.testing.assert_series_equal(
            later.customers["abc"], fresh.customers["abc"], check_names=False
        )
    # and the result keeps them for the next link of the chain
    assert later.settings["bins"] == first.settings["bins"]
    assert later.settings["abc_cutoffs"] == first.settings["abc_cutoffs"]


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 3),
    counts=st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(2, 6)),
    preset=st.sampled_from([None, "base", "ecommerce"]),
    chained=st.booleans(),
    via_apply=st.integers(2, 6) | st.none(),
)
def test_refit_of_given_edges_uses_their_bins(
    seed: int,
    counts: tuple[int, int, int],
    preset: str | None,
    chained: bool,
    via_apply: int | None,
) -> None:
    """A result made with edges= given (to segment, or to apply on a result
    of other bins) refits (apply(edges=None)) with the bins of those edges,
    where the rules do not fix the dimension."""
    if preset is not None:  # rules declaring scores 1..5, r fixed or not
        counts, via_apply = (5, 5, 5), None if via_apply is None else 5
    tx = _shop(seed)
    donor = _quiet(custseg.segment, _upto(tx, _CUTS[1]), bins=counts)
    if via_apply is None:
        res = _quiet(custseg.segment, tx, preset=preset, edges=donor.edges)
    else:
        other = _quiet(
            custseg.segment, _upto(tx, _CUTS[2]), preset=preset, bins=via_apply
        )
        res = _quiet(other.apply, tx, edges=donor.edges)
    if chained:
        res = _quiet(res.apply, _upto(tx, _CUTS[2]))
    later = _quiet(res.apply, tx, edges=None)
    fixed = preset == "ecommerce"  # its recency edges are its own
    wanted = (None if fixed else counts[0], counts[1], counts[2])
    fresh = _quiet(custseg.segment, tx, preset=preset, bins=wanted)
    assert later.edges == fresh.edges
    assert later.edges.frequency.bins == counts[1]
    assert later.edges.monetary.bins == counts[2]
    if not fixed:
        assert later.edges.recency.bins == counts[0]


def test_worked_example_monthly_chain_refit() -> None:
    """The report's chain: jan bins=4 rank cut-offs; mar refitted from feb."""
    tx = simulate_transactions(400, seed=3)
    jan = _quiet(
        custseg.segment,
        tx[tx.date < "2024-01-01"],
        bins=4,
        abc_cutoffs=AbcCutoffs(basis="rank"),
    )
    feb = _quiet(jan.apply, tx[tx.date < "2024-06-01"])
    assert feb.settings["bins"] == 4
    assert feb.settings["abc_cutoffs"] == AbcCutoffs(basis="rank")
    mar = _quiet(feb.apply, tx, edges=None, abc_edges=None)
    assert mar.edges.bins == 4
    assert mar.customers.abc.value_counts().to_dict() == {"C": 200, "B": 120, "A": 80}
    r1 = _quiet(custseg.segment, tx, edges=jan.edges)
    assert _quiet(r1.apply, tx, edges=None).edges.bins == 4


# --------------------------------------------------------------------------
# 5. messages met through apply() give the fix that works there
#    (edges=None), and following it works


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 3),
    preset=st.sampled_from(_PRESETS),
    bins=st.integers(2, 7),
)
def test_apply_messages_name_edges_none_and_it_works(
    seed: int, preset: str, bins: int
) -> None:
    """A result's edges kept by apply(preset=...) that replace the rules'
    fixed edges, or give scores out of the rules' range: the note or error
    says edges=None (not "leave out edges=" nor "edges= with"), and that
    call labels with the rules' own edges."""
    tx = _shop(seed)
    res = _quiet(custseg.segment, tx, bins=bins)
    if bins == 5:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            x = res.apply(tx, preset=preset)
        notes = [d for d in x.diagnostics if "replaces the r edges" in d]
        assert notes and all(
            "pass edges=None" in n and "leave out edges=" not in n for n in notes
        )
        assert any(str(w.message) == notes[0] for w in seen)
        assert all(w.filename == __file__ for w in seen)  # the caller's line
    else:
        with pytest.raises(ThresholdError) as exc:
            _quiet(res.apply, tx, preset=preset)
        text = str(exc.value)
        assert "edges=None" in text and "edges= with" not in text
        assert "apply()" in text
    fixed = _quiet(res.apply, tx, preset=preset, edges=None, bins=None)
    assert not [d for d in fixed.diagnostics if "replaces" in d]
    rules = custseg.rules.load(preset)
    assert fixed.edges.recency == ScoreEdges(rules.scores["r"].edges)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 3), bins=st.sampled_from([2, 3, 4, 6, 7]))
def test_apply_carried_bins_say_they_are_the_results(seed: int, bins: int) -> None:
    """apply(edges=None) with the result's own bins out of the rules' range:
    the error says the bins are the result's, and bins= the fix."""
    tx = _shop(seed)
    res = _quiet(custseg.segment, tx, bins=bins)
    with pytest.raises(ThresholdError) as exc:
        _quiet(res.apply, tx, preset="base", edges=None)
    text = str(exc.value)
    assert f"bins={bins} (this result's" in text and "bins=None" in text
    assert _quiet(res.apply, tx, preset="base", edges=None, bins=None).edges.bins == 5


def test_apply_refuses_unknown_options() -> None:
    """apply() takes segment()'s options only (not _segment's own)."""
    res = _quiet(custseg.segment, _shop(0))
    for name in ("frame_arg", "kept", "edges_arg", "bogus"):
        with pytest.raises(TypeError, match=name):
            res.apply(_shop(0), **{name: "x"})


def test_worked_example_apply_messages() -> None:
    tx = simulate_transactions(300, seed=5)
    x = _quiet(_quiet(custseg.segment, tx).apply, tx, preset="ecommerce")
    note = next(d for d in x.diagnostics if "replaces" in d)
    assert "leave out edges=" not in note and "pass edges=None" in note
    r3 = _quiet(custseg.segment, tx, bins=3)
    with pytest.raises(ThresholdError, match=r"this result's edges.*edges=None"):
        _quiet(r3.apply, tx, preset="base")


# --------------------------------------------------------------------------
# 4. segment_history: bins= beside edges= checked as in segment()


_HISTORY = (
    ["a", "b", "c", "a"],
    ["2024-01-01", "2024-01-05", "2024-01-09", "2024-01-20"],
    [5.0, 50.0, 20.0, 7.0],
    ["2024-02-01"],
)


def _edges(counts: tuple[int, int, int]) -> RfmEdges:
    return RfmEdges(
        *(ScoreEdges(tuple(float(10 * i) for i in range(1, n))) for n in counts)
    )


@settings(max_examples=40, deadline=None)
@given(
    counts=st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(2, 6)),
    bins=st.one_of(
        st.integers(2, 6),
        st.tuples(
            st.none() | st.integers(2, 6),
            st.none() | st.integers(2, 6),
            st.none() | st.integers(2, 6),
        ),
    ),
)
def test_history_bins_beside_edges(counts: tuple[int, int, int], bins: Any) -> None:
    """bins= with edges= must repeat the edges' bins; otherwise the
    ThresholdError of segment() (never silently ignored)."""
    wanted = bins if isinstance(bins, tuple) else (bins, bins, bins)
    agree = all(w is None or w == c for w, c in zip(wanted, counts, strict=True))
    edges = _edges(counts)
    if agree:
        h = custseg.segment_history(*_HISTORY, edges=edges, bins=bins)
        assert h.edges == edges
    else:
        with pytest.raises(ThresholdError, match=r"given with 'edges'.*not both"):
            custseg.segment_history(*_HISTORY, edges=edges, bins=bins)


@settings(max_examples=20, deadline=None)
@given(
    bad=st.sampled_from(["x", 1, 100, 2.5, (3, 3), True]),
    counts=st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(2, 6)),
)
def test_history_bad_bins_beside_edges(bad: Any, counts: tuple[int, int, int]) -> None:
    with pytest.raises(ThresholdError, match="bins"):
        custseg.segment_history(*_HISTORY, edges=_edges(counts), bins=bad)


@settings(max_examples=20, deadline=None)
@given(n=st.sampled_from([2, 3, 4, 6]), with_bins=st.booleans())
def test_history_rules_error_names_edges(n: int, with_bins: bool) -> None:
    """With rules, scores out of range from edges= given: the error names
    edges=, not the bins= beside them."""
    rules = custseg.rules.load("base")
    kw = {"bins": n} if with_bins else {}
    with pytest.raises(ThresholdError) as exc:
        custseg.segment_history(*_HISTORY, edges=_edges((n, n, n)), rules=rules, **kw)
    assert str(exc.value).startswith(f"edges= with {n} scores gives r scores 1..{n}")


def test_worked_example_history_bins() -> None:
    e4 = _edges((4, 4, 4))
    with pytest.raises(ThresholdError, match=r"'bins' \(3\).*\(4, 4, 4\)"):
        custseg.segment_history(*_HISTORY, edges=e4, bins=3)
    with pytest.raises(ThresholdError, match="'bins' must be an integer"):
        custseg.segment_history(*_HISTORY, edges=e4, bins="x")
    with pytest.raises(ThresholdError, match=r"'bins' \(5\) is given with 'edges'"):
        custseg.segment_history(
            *_HISTORY, edges=e4, bins=5, rules=custseg.rules.load("base")
        )


# --------------------------------------------------------------------------
# 6. apply() keeps records= / contacts=: documented, and records= given to
#    apply replaces them


def test_apply_documents_kept_records() -> None:
    doc = custseg.SegmentResult.apply.__doc__ or ""
    assert "records=" in doc and "contacts=" in doc and "records=None" in doc
    attr = custseg.SegmentResult.__doc__ or ""
    assert "``records`` and ``contacts``" in attr


def test_worked_example_apply_records() -> None:
    june_tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-05-01", "2024-05-10", "2024-06-20"],
            "amount": [10.0, 20.0, 30.0],
        }
    )
    june_rec = pd.DataFrame({"customer_id": ["a", "p"], "vip": ["1", "0"]})
    june = _quiet(
        custseg.segment,
        june_tx,
        records=june_rec,
        as_of="2024-07-01",
        preset="ecommerce",
    )
    dec_tx = pd.DataFrame(
        {
            "customer_id": ["a", "d"],
            "date": ["2024-11-01", "2024-12-01"],
            "amount": [5.0, 8.0],
        }
    )
    dec = _quiet(june.apply, dec_tx, as_of="2025-01-01")
    assert "p" in dec.customers.index  # kept, as documented
    alone = _quiet(june.apply, dec_tx, as_of="2025-01-01", records=None)
    assert list(alone.customers.index) == ["a", "d"]
    assert "vip" not in alone.customers.columns
