"""custseg.testing and the pytest plugin, audit 3: strategies that stay in
their domains, and checks that cannot pass without comparing anything."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

import custseg
import custseg.testing as kit
from custseg import rules
from custseg.datasets import simulate_transactions
from custseg.errors import InputError, RulesError, ThresholdError
from custseg.testing import (
    assert_monotone,
    assert_order_free,
    assert_reachable,
    assert_stable,
    assert_total,
    customer_facts,
    fields_for,
    transactions,
)

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _one_field(spec: str, when: str = "x > 0") -> rules.RuleSet:
    return rules.loads(
        f"""format = 1
[fields]
x = {spec}
[segments.s]
default = "low"
rules = [{{ label = "high", when = "{when}" }}]
"""
    )


def _toml(x: float) -> str:
    return repr(float(x))


# --------------------------------------------------------------------------
# 1. fields_for stays within the declared bounds


_MAGNITUDES = st.sampled_from(
    [0.0, 1.0, 1e6 - 1, 1e6, 1e6 + 1, 5e6, 1e9 - 1, 1e9, 1e9 + 1, 2e9, 1e12, 1e15]
)


@st.composite
def _bounds(draw: Any) -> tuple[str, float | None, float | None]:
    kind = draw(st.sampled_from(["number", "integer"]))
    a = draw(_MAGNITUDES) * draw(st.sampled_from([-1, 1]))
    b = draw(_MAGNITUDES) * draw(st.sampled_from([-1, 1]))
    lo, hi = min(a, b), max(a, b)
    which = draw(st.sampled_from(["both", "min", "max"]))
    return kind, (None if which == "max" else lo), (None if which == "min" else hi)


class TestFieldsForBounds:
    @FAST
    @given(_bounds(), st.data())
    def test_every_value_within_the_declared_bounds(
        self, bounds: tuple[str, float | None, float | None], data: st.DataObject
    ) -> None:
        """Whatever the bounds (beyond 1e9 or 10**6, one side open), every
        value drawn lies within them and evaluate accepts the rows."""
        kind, lo, hi = bounds
        parts = [f'type = "{kind}"']
        parts += [] if lo is None else [f"min = {_toml(lo)}"]
        parts += [] if hi is None else [f"max = {_toml(hi)}"]
        rs = _one_field("{ " + ", ".join(parts) + " }")
        drawn = data.draw(fields_for(rs, max_rows=5))
        for x in drawn["x"]:
            assert lo is None or x >= lo, (x, lo)
            assert hi is None or x <= hi, (x, hi)
            if kind == "integer":
                assert isinstance(x, int)
        rs.evaluate(drawn)  # never "fix the data or the field's bounds"

    @FAST
    @given(
        st.integers(-(10**7), 10**7),
        st.floats(0.01, 0.98),
        st.floats(0.0, 0.009),
    )
    def test_integer_bounds_without_a_whole_number_are_refused(
        self, k: int, start: float, width: float
    ) -> None:
        """An integer field whose bounds hold no whole number: a clear
        ThresholdError naming the field, never a value outside them."""
        lo = k + start
        hi = lo + width
        if math.ceil(lo) <= math.floor(hi):  # float rounding reached k + 1
            return
        rs = _one_field(f'{{ type = "integer", min = {lo!r}, max = {hi!r} }}')
        with pytest.raises(ThresholdError, match=r"'x'.*no whole number"):
            fields_for(rs)

    def test_the_reported_cases(self) -> None:
        """The audit's examples: max -2e6 (integer), min 2e9 / max -2e9 (number)."""
        rs = _one_field('{ type = "integer", max = -2000000 }', "x < -5000000")

        @settings(max_examples=200, deadline=None, database=None)
        @given(fields_for(rs))
        def check(d: dict) -> None:
            assert max(d["x"]) <= -2_000_000
            rs.evaluate(d)

        check()
        above = _one_field('{ type = "number", min = 2e9 }')
        below = _one_field('{ type = "number", max = -2e9 }')

        @settings(max_examples=50, deadline=None, database=None)
        @given(fields_for(above), fields_for(below))
        def check2(a: dict, b: dict) -> None:
            assert min(a["x"]) >= 2e9 and max(b["x"]) <= -2e9

        check2()


# --------------------------------------------------------------------------
# 2. customer_facts: only what summarize can give


def _log_for(facts: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """A transaction log whose summary is *facts* (customer i is row i)."""
    who, when, paid = [], [], []
    for i, (rec, freq, mon, ten) in enumerate(
        facts[["recency_days", "frequency", "monetary", "tenure_days"]].itertuples(
            index=False
        )
    ):
        if freq == 0:  # refunds only (monetary < 0); 0 needs zero_amount="ignore"
            who.append(i)
            when.append(as_of - pd.Timedelta(days=3))
            paid.append(mon)
            continue
        first = as_of - pd.Timedelta(days=int(ten))
        last = as_of - pd.Timedelta(days=int(rec))
        days = [first] + [last] * (int(freq) - 1)
        amounts = [0.0] * int(freq)
        if mon > 0:
            amounts[0] = mon
        who += [i] * int(freq)
        when += days
        paid += amounts
        if mon < 0:  # a refund on the first purchase day
            who.append(i)
            when.append(first)
            paid.append(mon)
    return pd.DataFrame({"customer_id": who, "date": when, "amount": paid})


class TestCustomerFacts:
    @settings(max_examples=150, deadline=None)
    @given(customer_facts())
    def test_invariants_summarize_guarantees(self, facts: pd.DataFrame) -> None:
        """Whole days, 0 <= recency <= tenure; one purchase: recency ==
        tenure; no purchase: recency and tenure missing, monetary <= 0."""
        buy = facts["frequency"] > 0
        one = facts["frequency"] == 1
        rec, ten = facts["recency_days"], facts["tenure_days"]
        assert (rec[buy] >= 0).all() and (rec[buy] <= ten[buy]).all()
        assert (rec[buy] == np.floor(rec[buy])).all()
        assert (ten[buy] == np.floor(ten[buy])).all()
        assert (rec[one] == ten[one]).all()
        assert rec[~buy].isna().all() and ten[~buy].isna().all()
        assert (facts.loc[~buy, "monetary"] <= 0).all()
        assert np.isfinite(facts["monetary"]).all()

    @settings(max_examples=100, deadline=None)
    @given(customer_facts())
    def test_every_draw_is_the_summary_of_some_log(self, facts: pd.DataFrame) -> None:
        """For every drawn table there is a transaction log summarize turns
        into exactly it (with zero_amount="ignore" for the one case that
        needs it: no purchase and monetary 0)."""
        as_of = pd.Timestamp("2030-01-01")
        zero = (facts["frequency"] == 0) & (facts["monetary"] == 0)
        for part, mode in ((facts[~zero], "purchase"), (facts[zero], "ignore")):
            if part.empty:
                continue
            log = _log_for(part, as_of)
            got = custseg.summarize(
                log.customer_id,
                log.date,
                log.amount,
                as_of=as_of,
                zero_amount=mode,
            ).to_pandas()
            want = part.reset_index(drop=True)
            assert len(got) == len(want)
            for col in ("recency_days", "frequency", "monetary", "tenure_days"):
                np.testing.assert_array_equal(
                    got[col].to_numpy(dtype=np.float64),
                    want[col].to_numpy(dtype=np.float64),
                    err_msg=col,
                )


# --------------------------------------------------------------------------
# 3 and 4. assert_monotone: within the domain, and never comparing nothing

SHARE = _one_field('{ type = "number", min = 0, max = 1 }', "x >= 0.5")
VISITS = _one_field('{ type = "integer", min = 0, max = 40, missing = true }', "x >= 3")
HIDDEN = rules.loads(
    """format = 1
[fields]
frequency = { type = "integer", min = 0 }
monetary = { type = "number", min = 0 }
[derived]
avg_ticket = "monetary / frequency"
[segments.tier]
default = "ordinary"
rules = [ { label = "key", when = "frequency >= 1 and avg_ticket >= 50" } ]
"""
)


class TestMonotoneDomain:
    @FAST
    @given(
        st.lists(st.floats(0, 1), min_size=1, max_size=6),
        st.lists(st.floats(1e-3, 2.0), min_size=1, max_size=3),
    )
    def test_raised_values_stay_below_the_max(
        self, xs: list[float], steps: list[float]
    ) -> None:
        """Valid data, valid steps: evaluate never sees a value above max
        (the check passes, or has nothing to compare)."""
        assert_monotone(SHARE, {"x": xs}, "s", "x", ["low", "high"], increase=steps)

    @FAST
    @given(
        st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=1, max_size=6),
        st.lists(st.floats(0.01, 5.0), min_size=1, max_size=3),
    )
    def test_integer_fields_are_raised_to_integers(
        self, xs: list[int | None], steps: list[float]
    ) -> None:
        """Fractional steps on an integer field, missing values or not: no
        'non-integer values' error from evaluate."""
        assert_monotone(VISITS, {"x": xs}, "s", "x", ["low", "high"], increase=steps)

    def test_a_fractional_step_raises_an_integer_up(self) -> None:
        """2 + 0.5 is tried as 3 (not 2.5, not 2 again), with a value missing."""
        upside_down = _one_field(
            '{ type = "integer", min = 0, missing = true }', "x <= 2"
        )
        with pytest.raises(AssertionError, match=r"at x = 3;"):
            assert_monotone(
                upside_down, {"x": [2, None]}, "s", "x", ["low", "high"], increase=[0.5]
            )

    @FAST
    @given(st.integers(2, 1000), st.floats(50.0, 99.0))
    def test_thresholds_behind_arithmetic_are_reached(
        self, freq: int, ticket: float
    ) -> None:
        """frequency read through monetary / frequency: the boundary values
        see no threshold, yet raising a key customer's frequency past them
        (doubling it) halves the average ticket below 50 and is caught."""
        data = {"frequency": [freq], "monetary": [ticket * freq]}
        assert HIDDEN.evaluate(data)["tier"].to_numpy().tolist() == ["key"]
        with pytest.raises(AssertionError, match="moves row 0 down in 'tier'"):
            assert_monotone(HIDDEN, data, "tier", "frequency", ["ordinary", "key"])

    def test_nothing_to_raise_is_not_a_pass(self) -> None:
        """Every value missing or at the max: an AssertionError outside
        hypothesis, a rejected example inside (never a silent pass)."""
        with pytest.raises(AssertionError, match="nothing compared"):
            assert_monotone(VISITS, {"x": [None, None]}, "s", "x", ["low", "high"])
        with pytest.raises(AssertionError, match="nothing compared"):
            assert_monotone(SHARE, {"x": [1.0]}, "s", "x", ["low", "high"])

        @settings(max_examples=5, deadline=None, database=None)
        @given(st.just({"x": [None]}))
        def always_nothing(d: dict) -> None:
            assert_monotone(VISITS, d, "s", "x", ["low", "high"])

        with pytest.raises(Unsatisfiable):
            always_nothing()

    @pytest.mark.parametrize("step", [0, -1, float("nan"), float("inf"), "1", True])
    def test_bad_steps(self, step: Any) -> None:
        with pytest.raises(ThresholdError, match="'increase'"):
            assert_monotone(
                SHARE, {"x": [0.1]}, "s", "x", ["low", "high"], increase=[step]
            )


# --------------------------------------------------------------------------
# 5. assert_total: every row of the data, every output

BASE = {
    "recency_days": [3.0, 50.0, 400.0],
    "frequency": [4, 1, 2],
    "monetary": [120.0, 10.0, 60.0],
    "tenure_days": [400.0, 50.0, 500.0],
    "r": [5, 3, 1],
    "f": [4, 1, 2],
    "m": [3, 1, 2],
}


class TestTotal:
    def test_skipped_outputs_fail_unless_left_out_on_purpose(self) -> None:
        rs = rules.load("ecommerce")
        with pytest.raises(AssertionError, match=r"'nps_band'.*'satisfaction'"):
            assert_total(rs, BASE)
        assert_total(rs, BASE, outputs=["lifecycle", "rfm11", "ecom4"])
        assert_total(rs, BASE, outputs="lifecycle")
        with pytest.raises(AssertionError, match="'loyalty' gave no label"):
            assert_total(rs, BASE, outputs=["lifecycle", "loyalty"])
        with pytest.raises(ThresholdError, match="'outputs' is empty"):
            assert_total(rs, BASE, outputs=[])
        with pytest.raises(ThresholdError, match="'lifecylce'"):
            assert_total(rs, BASE, outputs=["lifecylce"])

    @FAST
    @given(st.integers(1, 12), st.data())
    def test_fewer_labels_than_rows_fail(self, n: int, data: st.DataObject) -> None:
        """A callable labelling only some of the rows fails, whatever n."""
        k = data.draw(st.integers(0, n - 1))
        rs = rules.load("ecommerce")
        rows = {key: (col * n)[:n] for key, col in BASE.items()}
        with pytest.raises(AssertionError, match=f"has {k} labels for {n} rows"):
            assert_total(
                lambda d: rs.evaluate({c: v[:k] for c, v in d.items()}),
                rows,
                outputs=["lifecycle"],
            )

    def test_an_empty_result_fails(self) -> None:
        class Empty:
            def __init__(self) -> None:
                self.labels: dict = {}

        with pytest.raises(AssertionError, match="no table or segmentation"):
            assert_total(lambda d: Empty(), BASE)


# --------------------------------------------------------------------------
# 6 and 7. assert_order_free: every row moves; plain labels in messages


class _ByPosition:
    """Labels a row by its position only: 'first' at position *k*."""

    def __init__(self, k: int) -> None:
        self.k = k

    def __call__(self, frame: pd.DataFrame) -> Any:
        codes = (np.arange(len(frame)) == self.k).astype(np.int8)
        return rules.RulesResult(
            {"pos": custseg.Labels(codes, ("later", "first"), name="pos")}, {}, {}
        )


class TestOrderFree:
    @FAST
    @given(st.integers(2, 30), st.integers(0, 2**32 - 1), st.data())
    def test_every_row_is_moved(self, n: int, seed: int, data: st.DataObject) -> None:
        """A labelling by position is caught for any number of rows >= 2,
        any seed and any position it singles out."""
        k = data.draw(st.integers(0, n - 1))
        with pytest.raises(AssertionError, match="depends on the order of the rows"):
            assert_order_free(_ByPosition(k), {"x": list(range(n))}, seed=seed)

    def test_one_row_compares_nothing(self) -> None:
        with pytest.raises(AssertionError, match="nothing compared"):
            assert_order_free(_ByPosition(0), {"x": [1.0]})

    def test_plain_labels_and_the_customer_in_the_message(self) -> None:
        frame = pd.DataFrame(
            {"x": [1.0, 2.0, 3.0]},
            index=pd.Index(["C-1", "C-2", "C-3"], name="customer_id"),
        )
        with pytest.raises(AssertionError) as info:
            assert_order_free(_ByPosition(0), frame)
        msg = str(info.value)
        assert "np.str_" not in msg and "'first'" in msg and "'later'" in msg
        assert "(customer_id 'C-" in msg


# --------------------------------------------------------------------------
# 8. assert_stable compares the scores by default


class TestStableScores:
    def test_a_moved_score_fails_by_default(self) -> None:
        tx = simulate_transactions(200, seed=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            first = custseg.segment(tx, preset="travel", as_of="2025-01-01")
            refit = custseg.segment(
                tx[tx.customer_id < 198], preset="travel", as_of="2025-01-01"
            )
            again = first.apply(tx, as_of="2025-01-01")
        with pytest.raises(AssertionError, match="'m' moved 1 customer"):
            assert_stable(first, refit)
        assert_stable(first, again)

    def test_default_columns(self) -> None:
        tx = simulate_transactions(120, seed=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            res = custseg.segment(tx, preset="mother_baby", as_of="2025-01-01")
        names = kit._label_columns(res, res)
        assert {"r", "f", "m", "rfm", "lifecycle"} <= set(names)
        assert any("." in c for c in names)  # the tags
        assert not {"recency_days", "frequency", "monetary", "tenure_days"} & set(names)


# --------------------------------------------------------------------------
# 9. assert_reachable checks the tables


class TestReachableTables:
    @FAST
    @given(st.integers(1, 1000), st.integers(1, 1000))
    def test_a_break_beyond_the_max_is_reported(self, top: int, gap: int) -> None:
        rs = rules.loads(
            f"""format = 1
[fields]
score = {{ type = "number", min = 0, max = {top} }}
[tables.band]
field = "score"
breaks = [{top / 2}, {top + gap}]
labels = ["low", "mid", "high"]
"""
        )
        # the rules check names the dead label itself since audit 39
        with pytest.raises(
            AssertionError,
            match=r"table band: 'high'|label 'high' of table 'band' is never given",
        ):
            assert_reachable(rs, rows=200)

    def test_reachable_tables_pass(self) -> None:
        rs = rules.loads(
            """format = 1
[fields]
score = { type = "number", min = 0, max = 100, missing = true }
[tables.band]
field = "score"
breaks = [50, 100]
labels = ["low", "mid", "high"]
missing = "unknown"
"""
        )
        assert_reachable(rs, rows=200)


# --------------------------------------------------------------------------
# 10. a preset named by string is loaded once


class TestPresetLoadedOnce:
    def test_loaded_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[Any] = []
        for name in ("load", "preset"):
            real = getattr(kit, name, None)
            if real is None:
                continue

            def counting(*args: Any, _real: Any = real, **kw: Any) -> Any:
                calls.append(args)
                return _real(*args, **kw)

            monkeypatch.setattr(kit, name, counting)
        cached = getattr(kit, "_preset", None)
        if cached is not None:
            cached.cache_clear()
        for _ in range(3):
            assert_total("ecommerce", BASE, outputs=["lifecycle"])
            assert_order_free("ecommerce", BASE)
        assert len(calls) <= 1

    def test_a_path_is_read_again(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Files may change on disk: never cached. A preset name that is also
        a file in the working directory is still refused as ambiguous."""
        path = tmp_path / "shop.toml"
        text = """format = 1
[fields]
x = {{ type = "number", min = 0, max = 10 }}
[tables.band]
field = "x"
breaks = [{b}]
labels = ["low", "high"]
"""
        path.write_text(text.format(b=5), encoding="utf-8")
        assert_reachable(str(path), rows=100)
        path.write_text(text.format(b=50), encoding="utf-8")
        with pytest.raises(AssertionError, match="'high'"):
            assert_reachable(str(path), rows=100)
        monkeypatch.chdir(tmp_path)
        (tmp_path / "ecommerce").write_text("", encoding="utf-8")
        with pytest.raises(RulesError, match="both a shipped preset and a file"):
            assert_reachable("ecommerce", rows=100)


# --------------------------------------------------------------------------
# 18. transactions keeps max_rows


class TestTransactionsMaxRows:
    @FAST
    @given(st.integers(1, 12), st.integers(0, 8), st.integers(1, 20), st.data())
    def test_at_most_max_rows(
        self, lo: int, extra: int, max_rows: int, data: st.DataObject
    ) -> None:
        if max_rows < lo:
            with pytest.raises(ThresholdError, match="'max_rows' must be >="):
                transactions(
                    min_customers=lo, max_customers=lo + extra, max_rows=max_rows
                )
            return
        tx = data.draw(
            transactions(min_customers=lo, max_customers=lo + extra, max_rows=max_rows)
        )
        assert len(tx) <= max_rows
        assert lo <= tx["customer_id"].nunique() <= lo + extra


# --------------------------------------------------------------------------
# 21. failures name the customer

TIER = rules.loads(
    """format = 1
[fields]
monetary = { type = "number", min = 0 }
[segments.tier]
default = "ordinary"
rules = [
  { label = "key", when = "monetary >= 1000 and monetary < 5000" },
  { label = "member", when = "monetary >= 100" },
]
"""
)
CUSTOMERS = pd.DataFrame(
    {"monetary": [50.0, 2000.0]},
    index=pd.Index(["C-0091", "C-1742"], name="customer_id"),
)


class TestCustomerNamed:
    def test_monotone(self) -> None:
        with pytest.raises(AssertionError, match=r"row 1 \(customer_id 'C-1742'\)"):
            assert_monotone(
                TIER, CUSTOMERS, "tier", "monetary", ["ordinary", "member", "key"]
            )

    def test_total(self) -> None:
        def leaves_one_out(data: Any) -> Any:
            out = TIER.evaluate(data)
            labels = out["tier"]
            codes = labels.codes.astype(np.int16)
            codes[1] = -1
            fake = type(labels).__new__(type(labels))
            object.__setattr__(fake, "codes", codes)
            object.__setattr__(fake, "names", labels.names)
            return type(out)({"tier": fake}, {}, {})

        with pytest.raises(AssertionError, match=r"row 1 \(customer_id 'C-1742'\)"):
            assert_total(leaves_one_out, CUSTOMERS)

    def test_no_index_no_name(self) -> None:
        with pytest.raises(AssertionError, match=r"moves row 1 down"):
            assert_monotone(
                TIER,
                {"monetary": [50.0, 2000.0]},
                "tier",
                "monetary",
                ["ordinary", "member", "key"],
            )


# --------------------------------------------------------------------------
# 12. the plugin's node ids select their item again


class TestPluginNodeIds:
    @settings(max_examples=200, deadline=None)
    @given(st.text())
    def test_names_are_node_id_safe(self, note: str) -> None:
        from custseg.pytest_plugin import _item_name

        name = _item_name(3, note)
        assert name.startswith("example 3")
        assert "::" not in name
        assert len(name.splitlines()) == 1 and name == name.strip()

    def test_the_printed_id_reruns_the_example(self, tmp_path: Path) -> None:
        (tmp_path / "rules").mkdir()
        (tmp_path / "rules" / "colons.toml").write_text(
            """format = 1
[fields]
x = { type = "number" }
[segments.s]
default = "a"
rules = [ { label = "b", when = "x > 1" } ]
[[examples]]
note = "see docs::boundary"
given = { x = 2 }
expect = { s = "a" }
[[examples]]
note = "two\\nlines ::: and\\ttabs"
given = { x = 0 }
expect = { s = "a" }
""",
            encoding="utf-8",
        )
        (tmp_path / "pyproject.toml").write_text(
            '[tool.pytest.ini_options]\ncustseg_rules = ["rules/*.toml"]\n',
            encoding="utf-8",
        )

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        listed = run("-q", "--collect-only", "rules")
        ids = [line for line in listed.stdout.splitlines() if "::" in line]
        assert len(ids) == 2, listed.stdout + listed.stderr
        again = run("-q", "-rA", *ids)
        assert "1 failed, 1 passed" in again.stdout, again.stdout + again.stderr
        assert "not found" not in again.stdout + again.stderr
        for node in ids:
            assert node in again.stdout


def test_input_error_is_not_what_valid_data_gets() -> None:
    """The reported crash, verbatim: max 1 and a step of 0.3."""
    try:
        assert_monotone(
            SHARE, {"x": [0.2, 0.9]}, "s", "x", ["low", "high"], increase=[0.3]
        )
    except InputError as e:  # pragma: no cover - the defect
        pytest.fail(f"evaluate got a value outside the domain: {e}")
