"""Audit 3 (kit.md #13-17, #19, #20): plot ticks, titles, layout, the user's
Axes and empty inputs; the simulators' potential ids and parameters."""

from __future__ import annotations

import decimal
import fractions
import io
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display
from custseg.datasets import (
    simulate_contacts,
    simulate_customers,
    simulate_transactions,
)
from custseg.errors import CustsegError, InputError, ThresholdError

PLOTS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _mpl() -> Any:
    return pytest.importorskip("matplotlib", reason="needs the plot extra (matplotlib)")


def _number(label: str) -> float:
    return float(label.replace(",", "").replace("\u2212", "-"))


def _check_count_ticks(axis: Any) -> None:
    """Every tick of a count axis in view: a whole number, labelled with
    its own value (never rounded to another, never "-0")."""
    lo, hi = sorted(axis.get_view_interval())
    labels = axis.get_ticklabels()  # computes the ticks
    ticks = axis.get_ticklocs()
    shown = [
        (float(t), lab.get_text())
        for t, lab in zip(ticks, labels, strict=True)
        if lo - 1e-9 <= t <= hi + 1e-9
    ]
    assert len(shown) >= 2, shown
    for value, text in shown:
        assert value == round(value), shown
        assert not re.fullmatch(r"[-\u2212]0", text), shown
        assert _number(text) == pytest.approx(value), shown


# --------------------------------------------------------------------------
# 13: count axes


class TestCountTicks:
    @PLOTS
    @given(counts=st.lists(st.integers(0, 5), min_size=1, max_size=6))
    def test_label_counts_x_axis(self, counts: list[int]) -> None:
        """label_counts' count axis: whole-number ticks, labelled truly."""
        _mpl()
        from custseg import plot

        assume(sum(counts) > 0)
        codes = np.repeat(np.arange(len(counts)), counts)
        names = tuple(f"c{i}" for i in range(len(counts)))
        ax = plot.label_counts(custseg.Labels(codes, names))
        _check_count_ticks(ax.xaxis)

    def test_label_counts_reported_example(self) -> None:
        _mpl()
        from custseg import plot

        ax = plot.label_counts(custseg.lifecycle_stage([1, 2, 100, 200, 400]))
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "3"]

    @PLOTS
    @given(
        values=st.lists(st.floats(1, 1e4), min_size=1, max_size=40),
        staff=st.integers(1, 5),
    )
    def test_workload_both_axes(self, values: list[float], staff: int) -> None:
        """workload: the customers' axis and the book value's axis."""
        _mpl()
        from custseg import plot

        res = custseg.assign_owners(values, [f"s{i}" for i in range(staff)])
        ax = plot.workload(res)
        twin = next(a for a in ax.figure.axes if a is not ax)
        _check_count_ticks(ax.yaxis)
        _check_count_ticks(twin.yaxis)

    @PLOTS
    @given(n=st.integers(2, 12), bins=st.integers(2, 4), seed=st.integers(0, 99))
    def test_score_distribution_y_axis(self, n: int, bins: int, seed: int) -> None:
        """score_distribution's count axis."""
        _mpl()
        from custseg import plot

        rng = np.random.default_rng(seed)
        s = custseg.rfm_scores(
            rng.integers(1, 300, n).astype(float),
            rng.integers(1, 20, n),
            rng.uniform(1, 500, n),
            bins=bins,
        )
        _check_count_ticks(plot.score_distribution(s).yaxis)

    def test_the_reported_example(self) -> None:
        """The audit's example: 3 and 2 customers, ticks 0 .. 4 (not 0, 0, 1, 2, 2)."""
        _mpl()
        from custseg import plot

        ax = plot.workload(custseg.assign_owners([100, 80, 60, 40, 20], ["amy", "bo"]))
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == ["0", "1", "2", "3", "4"]


# --------------------------------------------------------------------------
# 14: rf_heatmap(value="monetary") with NaN monetary values


class TestRfMonetaryTitle:
    @PLOTS
    @given(
        rows=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=2, max_size=12),
        lang=st.sampled_from(["en", "zh"]),
    )
    def test_title_counts_each_reason(
        self, rows: list[tuple[bool, bool]], lang: str
    ) -> None:
        """Customers without a score and customers with a score but no
        monetary value are counted apart, each on its own line."""
        _mpl()
        from custseg import plot

        scored = np.array([s for s, _ in rows])
        valued = np.array([m for _, m in rows])
        assume(scored.any())
        n = len(rows)
        recency = np.where(scored, np.arange(1.0, n + 1), np.nan)
        s = custseg.rfm_scores(
            recency,
            np.where(scored, 1 + np.arange(n) % 3, 0),
            np.where(scored, 10.0 * (1 + np.arange(n)), 0.0),
            bins=2,
            nan="unknown",
        )
        monetary = np.where(valued, 5.0, np.nan)
        title = plot.rf_heatmap(s, monetary, value="monetary", lang=lang).get_title()
        no_score = int((~scored).sum())
        no_value = int((scored & ~valued).sum())
        if lang == "en":
            who = "1 customer" if no_score == 1 else f"{no_score:,d} customers"
            score_line = f"{who} without a score not shown"
            who = "1 customer" if no_value == 1 else f"{no_value:,d} customers"
            value_line = f"{who} without a monetary value not shown"
        else:
            score_line = f"未显示 {no_score:,d} 位无评分客户"
            value_line = f"未显示 {no_value:,d} 位无消费金额的客户"
        # the title is wrapped to the figure: compare without the spacing
        squashed = re.sub(r"\s", "", title)

        def says(line: str) -> bool:
            return (
                re.search(r"(?<!\d)" + re.escape(re.sub(r"\s", "", line)), squashed)
                is not None
            )

        assert says(score_line) == bool(no_score), title
        assert says(value_line) == bool(no_value), title
        assert len(re.findall(r"customers? without", title)) + title.count(
            "位无"
        ) == bool(no_score) + bool(no_value), title

    def test_the_reported_example(self) -> None:
        """All three scored, no monetary value: none is 'without a score'."""
        _mpl()
        from custseg import plot

        s = custseg.rfm_scores(
            [1.0, 50.0, 300.0], [3, 2, 1], [100.0, 50.0, 10.0], bins=3
        )
        nan = float("nan")
        title = plot.rf_heatmap(s, [nan, nan, nan], value="monetary").get_title()
        assert "without a score" not in title
        assert "3 customers without a monetary value not shown" in title


# --------------------------------------------------------------------------
# 15: workload's staff names


def _inside_figure(ax: Any) -> None:
    """Draw *ax*'s figure (warnings are errors in this suite) and check that
    every tick label and axis label lies inside the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.bbox
    for a in fig.axes:
        texts = [a.xaxis.label, a.yaxis.label]
        for axis in (a.xaxis, a.yaxis):  # the labels of the ticks in view
            lo, hi = sorted(axis.get_view_interval())
            labels = axis.get_ticklabels()
            texts += [
                lab
                for loc, lab in zip(axis.get_ticklocs(), labels, strict=True)
                if lo - 1e-9 <= loc <= hi + 1e-9
            ]
        for t in texts:
            if not t.get_text() or not t.get_visible():
                continue
            e = t.get_window_extent(renderer)
            assert e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1, t.get_text()
            assert e.y0 >= box.y0 - 1 and e.y1 <= box.y1 + 1, t.get_text()
    assert ax.get_position().width > 0.05 and ax.get_position().height > 0.05


_NAME_CHARS = st.sampled_from([*"abcdefgh XYZ()'-", "李", "王"])


class TestWorkloadNames:
    @PLOTS
    @given(
        long=st.text(alphabet=_NAME_CHARS, min_size=50, max_size=150),
        others=st.lists(
            st.text(alphabet=_NAME_CHARS, min_size=1, max_size=40),
            max_size=5,
        ),
    )
    def test_names_wrapped_and_on_the_figure(
        self, long: str, others: list[str]
    ) -> None:
        """Long staff names are wrapped and stay on the figure; no collapsed
        layout (a matplotlib warning: an error here)."""
        _mpl()
        from custseg import plot

        names = list(dict.fromkeys([long, *others]))
        assume(all(n.strip() for n in names))

        res = custseg.assign_owners(np.arange(1.0, 13.0), names)
        ax = plot.workload(res)
        shown = [t.get_text() for t in ax.get_xticklabels()]
        # wrapped: the same name as the report shows it (hidden blanks and
        # controls as code points), but for the spacing (or cut short with "…")
        for typed, text in zip(names, shown, strict=True):
            name = _display.shown_name(typed, surrogates=True)
            assert re.sub(r"\s", "", text) == re.sub(r"\s", "", name) or (
                text.endswith("…")
            ), (name, text)
            assert text.count("\n") <= 3
        _inside_figure(ax)

    def test_the_reported_example(self) -> None:
        _mpl()
        from custseg import plot

        staff = [
            "Wang Xiaoming (Shanghai Jing'an flagship store, key accounts team)",
            "李",
            "Bo",
        ]
        ax = plot.workload(custseg.assign_owners([100, 80, 60, 40, 20, 10], staff))
        assert "\n" in ax.get_xticklabels()[0].get_text()
        _inside_figure(ax)

    @pytest.mark.parametrize("k", [40, 80])
    def test_width_bounded(self, k: int) -> None:
        """Many owners: at most 13 inches wide (the columns narrow instead),
        and past some 60 owners 0.2 inches a column (was 0.9)."""
        _mpl()
        from custseg import plot

        staff = [f"owner {i} of the north-east sales team" for i in range(k)]
        ax = plot.workload(custseg.assign_owners(np.arange(float(3 * k)), staff))
        width = ax.figure.get_figwidth()
        assert width <= (13.0 if k <= 50 else 2.5 + 0.2 * k), width
        _inside_figure(ax)


# --------------------------------------------------------------------------
# 16: the user's own texts on an Axes passed in


def _every_plot() -> list[tuple[str, Callable[[Any], Any]]]:
    tm = custseg.transition_matrix(["a", "a", "b"], ["a", "b", "b"])
    s = custseg.rfm_scores(
        [3.0, 40.0, 200.0, 10.0], [12, 1, 1, 6], [9.0, 1.0, 2.0, 4.0], bins=2
    )
    facts = custseg.summarize(
        ["a", "b", "a"],
        ["2024-03-01", "2024-03-02", "2024-03-20"],
        [10.0, 4.0, 6.0],
        as_of="2024-03-31",
    )
    table = custseg.segment_summary(custseg.lifecycle_stage(facts.recency_days), facts)
    res = custseg.assign_owners([100, 80, 60], ["amy", "bo"])
    from custseg import plot

    return [
        ("segment_sizes", lambda ax: plot.segment_sizes(table, ax=ax)),
        ("rf_heatmap", lambda ax: plot.rf_heatmap(s, ax=ax)),
        ("score_distribution", lambda ax: plot.score_distribution(s, ax=ax)),
        ("lorenz", lambda ax: plot.lorenz([5.0, 1.0, 1.0], ax=ax)),
        (
            "label_counts",
            lambda ax: plot.label_counts(custseg.lifecycle_stage([1, 50, 200]), ax=ax),
        ),
        ("transition_heatmap", lambda ax: plot.transition_heatmap(tm, ax=ax)),
        ("workload", lambda ax: plot.workload(res, ax=ax)),
    ]


class TestUsersTexts:
    @pytest.mark.parametrize("which", range(7))
    @settings(PLOTS, max_examples=4)
    @given(
        family=st.sampled_from(["serif", "monospace", "cursive"]),
        note=st.sampled_from([r"target $\geq 80\%$", r"$\Delta$ customers", "plain"]),
    )
    def test_users_texts_kept(self, which: int, family: str, note: str) -> None:
        """Texts the user drew before keep their font family and their math;
        what custseg drew is styled (drawn as typed)."""
        mpl = _mpl()
        name, draw = _every_plot()[which]
        fig = mpl.figure.Figure()
        ax = fig.add_subplot()
        mine = [
            ax.text(0.5, 0.5, note, fontfamily=family),
            ax.annotate(note, (0.2, 0.2), fontfamily=family),
            ax.yaxis.label,
        ]
        ax.set_ylabel(note, fontfamily=family)
        before = [(t.get_text(), t.get_fontfamily(), t.get_parse_math()) for t in mine]
        draw(ax)
        for t, (text, fam, math) in zip(mine, before, strict=True):
            if t.get_text() != text:  # the plot set its own axis label
                assert not t.get_parse_math(), name
                continue
            assert (t.get_fontfamily(), t.get_parse_math()) == (fam, math), (
                name,
                text,
            )
        assert ax.get_title() and not ax.title.get_parse_math(), name
        fig.savefig(io.BytesIO(), format="png", dpi=40)

    def test_names_drawn_as_typed_on_a_passed_axes(self) -> None:
        """custseg's own texts on your Axes: still drawn as typed."""
        mpl = _mpl()
        from custseg import plot

        ax = mpl.figure.Figure().add_subplot()
        plot.label_counts(custseg.Labels([0, 1], ("$5 to $10", "$\\frac$")), ax=ax)
        ticks = ax.get_yticklabels()
        assert [t.get_text() for t in ticks] == ["$5 to $10", "$\\frac$"]
        assert not any(t.get_parse_math() for t in ticks)


# --------------------------------------------------------------------------
# 17: empty inputs


def _empty_cases() -> list[tuple[str, Callable[[], Any]]]:
    from custseg import plot

    f0 = custseg.summarize(
        np.array([], object),
        np.array([], "datetime64[s]"),
        np.array([], float),
        as_of="2024-01-01",
    )
    table = custseg.segment_summary(custseg.lifecycle_stage(f0.recency_days), f0)
    return [
        (
            "tm_empty",
            lambda: plot.transition_heatmap(custseg.transition_matrix([], [])),
        ),
        (
            "tm_empty_counts",
            lambda: plot.transition_heatmap(
                custseg.transition_matrix([], []), normalize="none", lang="zh"
            ),
        ),
        ("counts_empty_series", lambda: plot.label_counts(pd.Series([], dtype=object))),
        ("counts_empty_labels", lambda: plot.label_counts(custseg.lifecycle_stage([]))),
        ("sizes_empty", lambda: plot.segment_sizes(table)),
        (
            "work_empty",
            lambda: plot.workload(
                custseg.assign_owners(np.array([], float), ["a", "b"])
            ),
        ),
    ]


class TestEmpty:
    @pytest.mark.parametrize("which", range(6))
    def test_empty_picture_says_so(self, which: int) -> None:
        """No matplotlib warning (warnings are errors here), no "-0" tick,
        and "no customers" written on the picture."""
        _mpl()
        name, draw = _empty_cases()[which]
        ax = draw()
        ax.figure.savefig(io.BytesIO(), format="png", dpi=40)
        texts = [t.get_text() for t in ax.texts]
        assert "no customers" in texts or "无客户" in texts, (name, texts)
        for a in ax.figure.axes:
            for t in [*a.get_xticklabels(), *a.get_yticklabels()]:
                assert not re.fullmatch(r"[-\u2212]0(\.0*)?", t.get_text()), name
                if re.fullmatch(r"[-\u2212]?[\d,.]+", t.get_text()):
                    assert _number(t.get_text()) >= 0, (name, t.get_text())


# --------------------------------------------------------------------------
# 19: simulate_customers' potential ids


def _tx(ids: list[Any]) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype=object),
            "date": pd.date_range("2024-01-01", periods=n, freq="D"),
            "amount": np.arange(1.0, n + 1),
        }
    )


_TEXT_IDS = st.one_of(
    st.integers(0, 40).map("P{:07d}".format),
    st.integers(0, 10**12).map("P{}".format),
    st.integers(0, 40).map("P{:03d}".format),
    st.text(alphabet="P0123456789٣ab -", min_size=1, max_size=9),
)
_ID_LISTS = st.one_of(
    st.lists(_TEXT_IDS, min_size=1, max_size=12, unique=True),
    st.lists(_TEXT_IDS.map(str.encode), min_size=1, max_size=12, unique=True),
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=12, unique=True),
    st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=12, unique=True).map(
        lambda xs: np.array(xs, dtype=np.uint64)
    ),
    st.lists(
        st.floats(-1e300, 1e300, allow_nan=False), min_size=1, max_size=12, unique=True
    ),
    st.lists(st.integers(2**63, 2**80), min_size=1, max_size=12, unique=True),
    st.lists(st.integers(-50, 50), min_size=1, max_size=12, unique=True).map(
        lambda xs: [decimal.Decimal(x) / 4 for x in xs]
    ),
)


class TestPotentialIds:
    @settings(max_examples=150, deadline=None)
    @given(ids=_ID_LISTS, potential=st.sampled_from([0.5, 1.0]))
    def test_new_ids_never_repeat(self, ids: Any, potential: float) -> None:
        """Potential customers get ids no buyer has, of the buyers' kind, after
        the largest (the largest P id for text)."""
        tx = _tx(list(ids)) if not isinstance(ids, np.ndarray) else _tx(ids.tolist())
        if isinstance(ids, np.ndarray):
            tx["customer_id"] = ids
        try:
            facts = custseg.summarize(tx.customer_id, tx.date, tx.amount)
        except CustsegError:
            assume(False)
        buyers = list(np.asarray(facts.customer_id).tolist())
        cust = simulate_customers(tx, potential=potential, seed=1)
        got = cust["customer_id"].tolist()
        k = int(potential * len(buyers) + 0.5)  # half up (0.5 of 1 buyer is 1)
        assert len(got) == len(buyers) + k
        assert got[: len(buyers)] == buyers
        assert len(set(got)) == len(got), got
        new = got[len(buyers) :]
        kinds = {type(x) for x in buyers}
        if all(isinstance(x, str | bytes) for x in buyers):
            text = [x.decode() if isinstance(x, bytes) else x for x in new]
            assert all(re.fullmatch(r"P[0-9]{7,}", t) for t in text), new
            assert {type(x) for x in new} <= kinds
            taken = [
                int(x[1:])
                for x in (
                    b.decode("latin-1") if isinstance(b, bytes) else b for b in buyers
                )
                if re.fullmatch(r"P[0-9]+", x)
            ]
            if taken and new:
                assert int(text[0][1:]) == max(taken) + 1
        else:
            assert all(x == int(x) for x in new)  # whole numbers
        # the records go with the transactions
        assert cust["customer_id"].is_unique

    def test_the_reported_example(self) -> None:
        tx = simulate_transactions(20, seed=1)
        tx["customer_id"] = tx.customer_id.map(lambda i: f"P{i:07d}")
        cust = simulate_customers(tx, seed=1)
        assert cust.customer_id.is_unique
        assert cust.customer_id.tolist()[-2:] == ["P0000020", "P0000021"]

    def test_ids_without_a_next_one(self) -> None:
        """Ids of a kind with no next id: a clear error with the fix."""
        import uuid

        tx = _tx([uuid.UUID(int=1), uuid.UUID(int=2)])
        with pytest.raises(InputError, match="potential=0"):
            simulate_customers(tx, potential=1.0)
        assert len(simulate_customers(tx, potential=0)) == 2


# --------------------------------------------------------------------------
# 20: the simulators' parameters


_ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=4),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(0, 3), max_size=2),
    st.floats(-2, 2).map(np.float32),
    st.integers(-5, 5).map(np.int64),
    st.fractions(min_value=-2, max_value=2),
)


@pytest.fixture(scope="module")
def small_tx() -> pd.DataFrame:
    return simulate_transactions(5, seed=1)


def _run(call: Callable[[], Any], name: str, ok: bool) -> None:
    """*call* works when *ok*; else a ThresholdError naming *name*."""
    if ok:
        call()
        return
    with pytest.raises(ThresholdError, match=f"'{name}' must be"):
        call()


def _real(x: Any) -> bool:
    return isinstance(
        x, int | float | np.integer | np.floating | fractions.Fraction
    ) and not isinstance(x, bool)


class TestParameters:
    @settings(max_examples=60, deadline=None)
    @given(seed=_ANYTHING, which=st.integers(0, 2))
    def test_seed(self, small_tx: pd.DataFrame, seed: Any, which: int) -> None:
        """seed of all three: a whole number >= 0, else a ThresholdError."""
        call = [
            lambda: simulate_transactions(3, seed=seed),
            lambda: simulate_customers(small_tx, seed=seed),
            lambda: simulate_contacts(small_tx, seed=seed),
        ][which]
        ok = (
            isinstance(seed, int | np.integer)
            and not isinstance(seed, bool)
            and seed >= 0
        )
        _run(call, "seed", ok)

    @settings(max_examples=60, deadline=None)
    @given(p=_ANYTHING | st.floats(1, 2e6))
    def test_purchases_per_customer(self, p: Any) -> None:
        ok = _real(p) and 1 <= float(p) <= 1_000_000
        _run(
            lambda: simulate_transactions(3, purchases_per_customer=p),
            "purchases_per_customer",
            ok,
        )

    @settings(max_examples=60, deadline=None)
    @given(rate=_ANYTHING | st.floats(0, 1))
    def test_refund_rate(self, rate: Any) -> None:
        ok = _real(rate) and 0 <= float(rate) < 1
        _run(lambda: simulate_transactions(3, refund_rate=rate), "refund_rate", ok)

    @settings(max_examples=30, deadline=None)
    @given(sort=_ANYTHING | st.sampled_from([np.True_, np.False_]))
    def test_sort(self, sort: Any) -> None:
        ok = isinstance(sort, bool | np.bool_)
        _run(lambda: simulate_transactions(3, sort=sort), "sort", ok)

    @settings(max_examples=60, deadline=None)
    @given(
        value=_ANYTHING | st.floats(0, 1),
        name=st.sampled_from(["response_rate", "potential"]),
    )
    def test_shares(self, small_tx: pd.DataFrame, value: Any, name: str) -> None:
        """Shares in [0, 1] of any real number type (np.float32(0.1) too)."""
        ok = _real(value) and 0 <= float(value) <= 1
        _run(lambda: simulate_customers(small_tx, **{name: value}), name, ok)

    @pytest.mark.parametrize(
        "value",
        [np.float32(0.1), np.float16(0.1), fractions.Fraction(1, 10), np.int8(1)],
    )
    def test_real_number_types_accepted(
        self, small_tx: pd.DataFrame, value: Any
    ) -> None:
        a = simulate_customers(small_tx, potential=value, response_rate=value)
        # a float16 / float32 share is the decimal it prints as (audit 30)
        x = float(str(value)) if isinstance(value, np.floating) else float(value)
        b = simulate_customers(small_tx, potential=x, response_rate=x)
        assert a.equals(b)

    @pytest.mark.parametrize("simulate", [simulate_customers, simulate_contacts])
    def test_too_early_as_of_names_no_missing_option(
        self, small_tx: pd.DataFrame, simulate: Callable[..., Any]
    ) -> None:
        """A too-early as_of: an InputError whose fix the function offers."""
        early = small_tx["date"].min().strftime("%Y-%m-%d")
        with pytest.raises(InputError, match="after as_of") as info:
            simulate(small_tx, as_of=early)
        assert "after_as_of" not in str(info.value)
        assert "--after-as-of" not in str(info.value)
        assert "later as_of" in str(info.value)
