"""Audit 5 fixes of custseg.frame, custseg.migration, the rules' aggregates
and custseg.datasets.

``SegmentResult.apply`` with other rules (``preset=`` / ``rules=``); NaN
aggregates refused where they would be frozen (``evaluate(aggregates=)``,
``segment(aggregates=)``, ``apply``, ``segment_history``); a size cap on
``simulate_transactions`` checked before any array is made; the
``TransitionMatrix`` reprs format only what they show; ``segment_frame``
changes no warning filter.
"""

from __future__ import annotations

import math
import threading
import warnings
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display, rules
from custseg import datasets as ds
from custseg import migration as mig
from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.frame import segment_frame
from custseg.migration import TransitionMatrix, segment_history

_TX = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "a", "d", "e", "b", "f"],
        "date": [
            "2024-01-02",
            "2024-02-03",
            "2024-03-04",
            "2024-04-05",
            "2024-05-01",
            "2024-05-03",
            "2024-05-20",
            "2024-05-21",
        ],
        "amount": [10.0, 20.0, 300.0, 40.0, -5.0, 75.0, 12.5, 60.0],
    }
)

_SPEND = """
format = 1
[fields]
monetary = { type = "number" }
frequency = { type = "integer", min = 0 }
[segments.kind]
default = "small"
rules = [{ label = "big", when = "monetary > mean(monetary)" }]
"""


_WHERE_NOBODY = _SPEND.replace(
    '"monetary > mean(monetary)"', '"monetary > mean(monetary, where=frequency > 100)"'
)


def _first() -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return custseg.segment(_TX, preset="ecommerce", as_of="2024-06-01")


def _quiet_apply(res: custseg.SegmentResult, **kw: Any) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return res.apply(_TX, as_of="2024-07-01", **kw)


def _quiet_segment(**kw: Any) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return custseg.segment(_TX, as_of="2024-07-01", **kw)


# --------------------------------------------------------------------------
# 1. SegmentResult.apply with other rules


@pytest.mark.parametrize(
    "override",
    [
        {"preset": "beauty_salon"},
        {"rules": "beauty_salon"},  # a preset name given to rules=
        {"rules": rules.load("beauty_salon")},
        {"rules": rules.loads(_SPEND)},
        {"rules": None},
    ],
    ids=["preset", "rules-name", "rules-preset", "rules-other-aggregates", "none"],
)
def test_apply_with_other_rules_labels_as_segment_on_the_same_edges(
    override: dict[str, Any],
) -> None:
    first = _first()
    got = _quiet_apply(first, **override)
    want = _quiet_segment(edges=first.edges, abc_edges=first.abc_edges, **override)
    assert got.edges == first.edges
    assert (got.rules is None) == (want.rules is None)
    # the new rules' aggregates, fitted on the new period
    assert got.aggregates == want.aggregates
    pd.testing.assert_frame_equal(got.customers, want.customers)


def test_apply_with_other_rules_fits_their_aggregates_not_these() -> None:
    first = _first()
    other = rules.loads(_SPEND)
    got = _quiet_apply(first, rules=other)
    assert got.rules is other
    assert set(got.aggregates) == {"mean(monetary)"}
    assert set(first.aggregates).isdisjoint(got.aggregates)


def test_apply_with_other_rules_uses_aggregates_given_with_them() -> None:
    first = _first()
    got = _quiet_apply(
        first, rules=rules.loads(_SPEND), aggregates={"mean(monetary)": 1e9}
    )
    assert got.aggregates == {"mean(monetary)": 1e9}
    assert set(got.customers["kind"]) == {"small"}


def test_apply_with_both_preset_and_rules_says_both_were_given() -> None:
    first = _first()
    with pytest.raises(ThresholdError, match="give 'preset' or 'rules', not both"):
        _quiet_apply(first, preset="ecommerce", rules=rules.load("ecommerce"))


def test_apply_without_rules_override_keeps_rules_and_aggregates() -> None:
    first = _first()
    got = _quiet_apply(first)
    assert got.rules is first.rules
    assert got.aggregates == first.aggregates


# --------------------------------------------------------------------------
# 2. NaN aggregates refused where they would be frozen

_NANS = st.sampled_from(
    [float("nan"), -float("nan"), np.nan, np.float64("nan"), np.float32("nan")]
)


@settings(max_examples=40, deadline=None)
@given(nan=_NANS, other=st.floats(allow_nan=False, allow_infinity=False))
def test_evaluate_refuses_a_nan_aggregate(nan: Any, other: float) -> None:
    rs = rules.loads(
        _SPEND.replace(
            '"monetary > mean(monetary)"',
            '"monetary > mean(monetary) and frequency >= min(frequency)"',
        )
    )
    keys = rs.aggregate_keys()
    assert len(keys) == 2
    for bad in keys:
        given_values = {k: (nan if k == bad else other) for k in keys}
        with pytest.raises(InputError, match="NaN") as info:
            rs.evaluate(
                {"monetary": [1.0, 2.0], "frequency": [1, 2]}, aggregates=given_values
            )
        assert repr(bad) in str(info.value)
        assert "aggregates=None" in str(info.value)


def test_an_aggregate_fitted_here_over_no_values_is_still_nan() -> None:
    rs = rules.loads(_WHERE_NOBODY)
    out = rs.evaluate({"monetary": [1.0, 2.0], "frequency": [0, 1]})
    (value,) = out.aggregates.values()
    assert math.isnan(value)  # fitted on this data, not frozen: not refused


def test_segment_refuses_nan_aggregates() -> None:
    with pytest.raises(InputError, match=r"NaN for 'mean\(monetary\)'"):
        _quiet_segment(
            rules=rules.loads(_SPEND), aggregates={"mean(monetary)": math.nan}
        )


def test_apply_refuses_frozen_nan_aggregates_and_refits_on_request() -> None:
    first = _quiet_segment(rules=rules.loads(_WHERE_NOBODY))
    (key,) = first.aggregates
    assert math.isnan(first.aggregates[key])  # fitted on this period: fine
    with pytest.raises(InputError, match="NaN"):
        _quiet_apply(first)
    refit = _quiet_apply(first, aggregates=None)
    assert math.isnan(refit.aggregates[key])


def _history(first_day: str, rs: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        edges = custseg.segment(_TX, preset="ecommerce", as_of="2024-06-01").edges
        return segment_history(
            _TX.customer_id,
            _TX.date,
            _TX.amount,
            [first_day, "2024-06-01"],
            rules=rs,
            edges=edges,
            **kw,
        )


@pytest.mark.parametrize(
    "first_day", ["2023-06-30", "2023-12-31", "2024-01-01"]
)  # every first date before the first purchase (2024-01-02)
@pytest.mark.parametrize("preset", ["ecommerce", "beauty_salon", "restaurant"])
def test_history_refuses_aggregates_fitted_before_any_purchase(
    first_day: str, preset: str
) -> None:
    rs = rules.load(preset)
    if not rs.aggregate_keys():
        pytest.skip("no aggregates")
    with pytest.raises(InputError, match="as_of_dates") as info:
        _history(first_day, rs)
    text = str(info.value)
    assert first_day in text and "no customer has bought yet" in text
    assert repr(rs.aggregate_keys()[0]) in text
    assert "later date" in text


def test_history_refuses_an_aggregate_whose_where_selects_nobody_first() -> None:
    rs = rules.loads(
        _SPEND.replace(
            '"monetary > mean(monetary)"',
            '"monetary > mean(monetary, where=frequency > 1)"',
        )
    )
    # on 2024-01-31 only a has bought, once: the where= selects nobody
    with pytest.raises(InputError, match="where=frequency > 1"):
        _history("2024-01-31", rs)
    # from the day b has bought twice, it has a value, and is kept
    h = _history("2024-05-20", rs)
    assert not math.isnan(h.aggregates["mean(monetary, where=frequency > 1)"])


def test_history_after_the_first_purchase_still_works() -> None:
    h = _history("2024-01-31", rules.load("ecommerce"))
    assert all(not math.isnan(x) for x in h.aggregates.values())


# --------------------------------------------------------------------------
# 3. simulate_transactions: the size is checked before any array is made


class _Allocated(Exception):
    pass


def _no_generation() -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise _Allocated

    return mock.patch.object(ds.np.random, "default_rng", refuse)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 10**13),
    per=st.one_of(st.integers(1, 1_000_000), st.floats(1, 1_000_000)),
)
def test_simulate_transactions_caps_the_expected_rows(n: int, per: float) -> None:
    if n * per > 10**9:
        with _no_generation(), pytest.raises(ThresholdError) as info:
            ds.simulate_transactions(n, purchases_per_customer=per)
        text = str(info.value)
        assert "'n_customers'" in text and "'purchases_per_customer'" in text
        assert "1,000,000,000" in text
    else:  # within the cap: it goes on to generate
        with _no_generation(), pytest.raises(_Allocated):
            ds.simulate_transactions(n, purchases_per_customer=per)


def test_simulate_transactions_cap_allows_the_benchmark_sizes() -> None:
    for rows in (10**8, 10**9):
        with _no_generation(), pytest.raises(_Allocated):
            ds.simulate_transactions(rows // 10, purchases_per_customer=10)
    with _no_generation(), pytest.raises(ThresholdError):
        ds.simulate_transactions(10**8 + 1, purchases_per_customer=10)


def test_simulate_transactions_reported_sizes() -> None:
    with pytest.raises(ThresholdError, match="n_customers"):
        ds.simulate_transactions(10**11)
    with pytest.raises(ThresholdError, match="100,000 x 1,000,000"):
        ds.simulate_transactions(100_000, purchases_per_customer=1_000_000)


# --------------------------------------------------------------------------
# 4. TransitionMatrix reprs format only what they show


def _old_text(tm: TransitionMatrix, kind: str) -> str:
    """The text before the fix: every cell formatted, then clipped (shares
    as :func:`custseg._display.percent` writes them since audit 27)."""
    if kind == "counts":
        cells = [[f"{int(x):,d}" for x in row] for row in tm.matrix]
    else:
        cells = [[_display.percent(x) for x in row] for row in tm.row_shares()]
    return mig._grid("before \\ after", tm.before, tm.after, cells)


def _old_html(tm: TransitionMatrix) -> str:
    rows = [
        [name, *(f"{int(c):,d} ({_display.share(c, sum(line))})" for c in line)]
        for name, line in zip(tm.before, tm.matrix.tolist(), strict=True)
    ]
    stayed = tm.stayed
    caption = f"TransitionMatrix{'' if tm.name is None else ' ' + repr(tm.name)}"
    caption += f": {tm.n:,d} customers"
    if stayed == stayed:
        caption += f", {_display.percent(stayed)} stayed"
    return _display.html_table(
        caption, ["before \\ after", *tm.after], rows, note="counts (share of the row)"
    )


@st.composite
def _matrices(draw: Any) -> TransitionMatrix:
    n_r = draw(st.integers(1, 20))
    n_c = draw(st.integers(1, 20))
    cells = draw(
        st.lists(
            st.one_of(st.just(0), st.integers(0, 10**7)),
            min_size=n_r * n_c,
            max_size=n_r * n_c,
        )
    )
    matrix = np.array(cells, dtype=np.int64).reshape(n_r, n_c)
    before = tuple(f"b{i}" for i in range(n_r))
    after = tuple(f"b{i}" for i in range(n_c))
    return TransitionMatrix(
        matrix, before, after, name=draw(st.sampled_from([None, "x"]))
    )


@settings(max_examples=150, deadline=None)
@given(tm=_matrices())
def test_reprs_show_what_they_showed(tm: TransitionMatrix) -> None:
    assert tm.text("counts") == _old_text(tm, "counts")
    assert tm.text("shares") == _old_text(tm, "shares")
    assert tm._repr_html_() == _old_html(tm)


def _big(k: int) -> TransitionMatrix:
    rng = np.random.default_rng(0)
    names = tuple(f"c{i}" for i in range(k))
    return TransitionMatrix(rng.integers(0, 5, (k, k)), names, names)


@pytest.mark.parametrize("k", [13, 100, 400])
def test_text_formats_only_the_cells_shown(
    monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    seen: list[Any] = []
    real = mig._grid

    def spy(corner: str, rows: Any, cols: Any, cells: Any) -> str:
        seen.append(cells)
        return real(corner, rows, cols, cells)

    monkeypatch.setattr(mig, "_grid", spy)
    tm = _big(k)
    for kind in ("counts", "shares"):
        seen.clear()
        tm.text(kind)  # type: ignore[arg-type]
        (cells,) = seen
        assert len(cells) <= _display.MAX_ROWS
        assert all(len(row) <= _display.MAX_COLUMNS for row in cells)
    seen.clear()
    repr(tm)
    assert len(seen) == 1 and len(seen[0]) <= _display.MAX_ROWS


@pytest.mark.parametrize("k", [13, 100, 400])
def test_html_formats_only_the_cells_shown(
    monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    calls = []
    real_share = _display.share

    def counting(count: float, total: float) -> str:
        calls.append(1)
        return real_share(count, total)

    monkeypatch.setattr(_display, "share", counting)
    html = _big(k)._repr_html_()
    assert len(calls) <= _display.MAX_ROWS * (_display.MAX_COLUMNS - 1)
    assert f"... {k - _display.MAX_ROWS} more rows" in html


# --------------------------------------------------------------------------
# 5. segment_frame changes no warning filter


def test_segment_frame_sets_no_warning_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    set_filters: list[Any] = []
    real_simple, real_filter = warnings.simplefilter, warnings.filterwarnings

    def simple(action: Any, category: Any = Warning, *a: Any, **kw: Any) -> None:
        set_filters.append((action, category))
        real_simple(action, category, *a, **kw)

    def filt(
        action: Any, message: str = "", category: Any = Warning, *a: Any, **kw: Any
    ) -> None:
        set_filters.append((action, category))
        real_filter(action, message, category, *a, **kw)

    monkeypatch.setattr(warnings, "simplefilter", simple)
    monkeypatch.setattr(warnings, "filterwarnings", filt)
    with warnings.catch_warnings(record=True) as caught:
        real_simple("always")
        out = segment_frame(_TX, bins=3)
    # 6 customers for 3 scores: unstable edges, noted, not warned
    assert out.attrs["diagnostics"]
    assert not [w for w in caught if issubclass(w.category, CustsegWarning)]
    assert not [
        f
        for f in set_filters
        if f[1] is not Warning and issubclass(f[1], CustsegWarning)
    ]


def test_segment_still_warns_its_diagnostics() -> None:
    with pytest.warns(CustsegWarning) as caught:
        res = custseg.segment(_TX, as_of="2024-06-01", bins=3)
    assert [str(w.message) for w in caught] == list(res.diagnostics)
    assert caught[0].filename == __file__  # pointed at the caller


def test_segment_frame_in_threads_leaves_the_filters_alone() -> None:
    tx = ds.simulate_transactions(3000, seed=3)
    before = list(warnings.filters)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                segment_frame(tx)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert warnings.filters == before
    with pytest.warns(CustsegWarning):
        custseg.segment(_TX, as_of="2024-06-01", bins=3)
