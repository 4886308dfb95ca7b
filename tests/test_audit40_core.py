"""Audit 40, core classifiers: the audit-39 leftovers.

1. A one-purchase buyer's missing recency (or tenure) is the other day
   count everywhere (the rules' fields, lifecycle_stage, care_phase), as
   customer_status deduces it: status and lifecycle never contradict.
2. A tenure below the recency is refused by the rules as customer_status
   refuses it.
3. Bytes are refused (not UTF-8) and read (UTF-8) in one wording by every
   reader: nps_band, repurchase_band, the number readers.
4. assign_owners reads bytes staff ids and owners as their UTF-8 text.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import InputError
from custseg.frame import apply_rules

NAN = math.nan
PRESETS = sorted(rules.presets())


def _facts(rs: rules.RuleSet, **cols: list[float]) -> dict[str, list[float]]:
    n = len(next(iter(cols.values())))
    out = dict(cols)
    out.setdefault("monetary", [10.0] * n)
    for name, spec in rs.fields.items():
        if name not in out and not spec.optional:
            out[name] = [NAN] * n
    return out


# ---------------------------------------------------------------- 1


def test_apply_rules_deduces_the_one_purchase_days() -> None:
    """The repro: one purchase, recency or tenure missing."""
    seg = pd.DataFrame(
        {
            "recency_days": [NAN, NAN, 3.0],
            "frequency": [1, 1, 1],
            "monetary": [10.0] * 3,
            "tenure_days": [300.0, 20.0, NAN],
            "r": pd.array([pd.NA] * 3, dtype="Int8"),
            "f": pd.array([1] * 3, dtype="Int8"),
            "m": pd.array([1] * 3, dtype="Int8"),
        }
    )
    out = apply_rules(seg, "base")
    assert out["lifecycle"].tolist() == ["lost", "active", "active"]
    assert out["care_phase"].tolist() == ["established", "recommend", "care"]
    assert out["status"].tolist() == ["lost", "new", "new"]
    # the facts written back are the caller's, not the deduced ones
    assert out["recency_days"].isna().tolist() == [True, True, False]


def test_python_classifiers_deduce_alike() -> None:
    stage = custseg.lifecycle_stage(
        [NAN, NAN, NAN], frequency=[1, 2, 1], tenure_days=[300, 300, NAN]
    )
    assert stage.to_numpy().tolist() == ["lost", "unknown", "unknown"]
    phase = custseg.care_phase([NAN, NAN], frequency=[1, 2], recency_days=[3, 3])
    assert phase.to_numpy().tolist() == ["care", "unknown"]


_days = st.one_of(st.just(NAN), st.integers(0, 800).map(float))


def _grid(rs: rules.RuleSet) -> list[tuple[int, float, float]]:
    """One-purchase buyers with one day count missing, on and beside every
    break of the preset's lifecycle and care phases and its status
    thresholds; and two-purchase buyers alike."""
    days = {0.0, 1.0, 800.0}
    for table in ("lifecycle", "care_phase"):
        for b in rs.tables[table].breaks:
            days |= {b - 1, b, b + 1}
    for key in ("new_days", "lost_days"):
        b = float(rs.params[key])
        days |= {b - 1, b, b + 1}
    rows = []
    for d in sorted(x for x in days if x >= 0):
        for f in (1, 2):
            rows += [(f, NAN, d), (f, d, NAN), (f, d, d)]
    return rows


@pytest.mark.parametrize("name", PRESETS)
def test_status_and_lifecycle_never_contradict(name: str) -> None:
    """For every preset: a one-purchase buyer whose status is new or lost
    has a known stage and phase, and a lost status is a lost (or later)
    stage; the stage is the one of the day deduced."""
    rs = rules.load(name)
    rows = _grid(rs)
    f = [a for a, _, _ in rows]
    r = [b for _, b, _ in rows]
    t = [c for _, _, c in rows]
    out = rs.evaluate(_facts(rs, frequency=f, recency_days=r, tenure_days=t))
    out = out.to_pandas()
    known = rs.evaluate(
        _facts(
            rs,
            frequency=f,
            recency_days=[b if b == b else c for b, c in zip(r, t, strict=True)],
            tenure_days=[c if c == c else b for b, c in zip(r, t, strict=True)],
        )
    ).to_pandas()
    lost_stages = set(rs.segments["status"].stages.get("lost", ()))
    for i, (n, status, stage) in enumerate(
        zip(f, out["status"], out["lifecycle"], strict=True)
    ):
        if status == "lost":
            assert stage in lost_stages, (rows[i], status, stage)
        if n == 1:
            assert stage == known["lifecycle"].iloc[i], rows[i]
            assert out["care_phase"].iloc[i] == known["care_phase"].iloc[i]
            assert stage != "unknown", (rows[i], status, stage)


@settings(max_examples=15, deadline=None)
@given(t=st.integers(0, 800).map(float), first=st.booleans())
def test_python_status_and_stage_agree(t: float, first: bool) -> None:
    """One purchase with one day count missing: customer_status and
    lifecycle_stage / care_phase read the same day."""
    recency, tenure = ([NAN], [t]) if first else ([t], [NAN])
    status = custseg.customer_status([1], tenure, recency).to_numpy()[0]
    stage = custseg.lifecycle_stage(recency, frequency=[1], tenure_days=tenure)
    phase = custseg.care_phase(tenure, frequency=[1], recency_days=recency)
    assert stage.to_numpy()[0] == custseg.lifecycle_stage([t]).to_numpy()[0]
    assert phase.to_numpy()[0] == custseg.care_phase([t]).to_numpy()[0]
    assert (status == "lost") == (stage.to_numpy()[0] == "lost")


# ---------------------------------------------------------------- 2


def test_rules_refuse_tenure_below_recency() -> None:
    seg = pd.DataFrame(
        {
            "recency_days": [10.0, 100.0],
            "frequency": [2, 2],
            "monetary": [10.0] * 2,
            "tenure_days": [50.0, 50.0],
            "r": [1, 1],
            "f": [1, 1],
            "m": [1, 1],
        }
    )
    with pytest.raises(InputError, match=r"tenure_days.*below recency_days") as exc:
        apply_rules(seg, "base")
    assert exc.value.first_row == 1
    with pytest.raises(InputError, match=r"tenure_days.*below recency_days"):
        custseg.lifecycle_stage([100], tenure_days=[50])
    with pytest.raises(InputError, match=r"tenure_days.*below recency_days"):
        custseg.care_phase([50], recency_days=[100])


_DAYS_RULES = rules.loads(
    """
format = 1
[fields]
frequency = { type = "integer", min = 0 }
recency_days = { type = "number", min = 0, missing = true }
tenure_days = { type = "number", min = 0, missing = true }
[tables.stage]
field = "recency_days"
breaks = [90]
labels = ["active", "lapsed"]
missing = "none"
[tables.phase]
field = "tenure_days"
breaks = [30]
labels = ["new", "old"]
missing = "none"
[segments.buyer]
default = "no"
rules = [{ label = "yes", when = "frequency > 0" }]
"""
)


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(st.tuples(_days, _days), min_size=1, max_size=5))
def test_rules_refuse_what_customer_status_refuses(rows: list) -> None:
    rs = _DAYS_RULES
    r = [a for a, _ in rows]
    t = [b for _, b in rows]
    f = [2] * len(rows)

    def outcome(call):  # type: ignore[no-untyped-def]
        try:
            call()
        except InputError as e:
            return (e.field, e.first_row)
        return None

    want = outcome(lambda: custseg.customer_status(f, t, r))
    got = outcome(
        lambda: rs.evaluate(_facts(rs, frequency=f, recency_days=r, tenure_days=t))
    )
    assert got == want


# ---------------------------------------------------------------- 3


def test_bytes_are_refused_in_one_wording() -> None:
    with pytest.raises(InputError) as ref:
        custseg._validate.bytes_as_text(np.array([b"\xff"], dtype=object), "x")
    want = ref.value.problem
    for call in (
        lambda: custseg.nps_band([b"\xff"]),
        lambda: custseg.repurchase_band([b"\xff"]),
        lambda: custseg.lifecycle_stage([b"\xff"]),
        lambda: custseg.abc_classes([b"\xff"]),
    ):
        with pytest.raises(InputError) as exc:
            call()
        assert exc.value.problem == want


@pytest.mark.parametrize("text", ["7", "0.5", "x"])
def test_bytes_are_read_as_their_text(text: str) -> None:
    """b"7" gives what "7" gives, and a text array what a list gives."""
    for func in (custseg.nps_band, custseg.repurchase_band):
        messages = []
        for value in (
            [text],
            [text.encode()],
            np.array([text.encode()]),
            np.array([text]),
        ):
            with pytest.raises(InputError) as exc:
                func(value)
            messages.append(str(exc.value))
        assert len(set(messages)) == 1, messages


# ---------------------------------------------------------------- 4


def test_assign_owners_reads_bytes_ids_as_text() -> None:
    value = [5.0, 3.0, 2.0, 1.0]
    want = custseg.assign_owners(
        value, ["amy", "bo"], current_owner=["amy", None, "bo", "x"]
    )
    for staff in ([b"amy", b"bo"], np.array([b"amy", b"bo"])):
        got = custseg.assign_owners(
            value, staff, current_owner=[b"amy", None, "bo", b"x"]
        )
        assert got.owner.to_numpy().tolist() == want.owner.to_numpy().tolist()
        assert got.n_moves == want.n_moves
    with pytest.raises(InputError, match="not UTF-8"):
        custseg.assign_owners(value, [b"amy", b"\xff"])


# ---------------------------------------------------------------- 5


def _summary(labels: list[str], monetary: list[float]) -> pd.DataFrame:
    n = len(labels)
    facts = pd.DataFrame(
        {"recency_days": [1.0] * n, "frequency": [1] * n, "monetary": monetary}
    )
    return custseg.segment_summary(labels, facts)


def test_segment_summary_takes_huge_amounts_whose_sums_fit() -> None:
    out = _summary(["a", "a", "a"], [1e308, -1e308, 3.0])
    assert out["revenue"].tolist() == [3.0, 3.0]
    out = _summary(["a", "b", "a"], [1e308, 1e308, -1e308])
    assert out["revenue"].tolist() == [0.0, 1e308, 1e308]
    # a median of huge values is no inf (1e308 + 1e308 overflows)
    assert _summary(["a"], [1e308])["monetary_median"].tolist() == [1e308, 1e308]
    with pytest.raises(InputError, match=r"monetary.*sum passes.*class 'a'"):
        _summary(["a", "a", "b"], [1e308, 1e308, -1e308])


@settings(max_examples=20, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("ab"), st.sampled_from([1e308, -1e308, 8e307, 3.0])),
        min_size=1,
        max_size=6,
    )
)
def test_segment_summary_refuses_only_sums_that_overflow(rows: list) -> None:
    """Refused exactly when a class's or the total's exact sum passes
    float64; otherwise the revenue is that exact sum."""
    from fractions import Fraction

    labels = [c for c, _ in rows]
    values = [x for _, x in rows]
    sums = {
        c: sum((Fraction(x) for k, x in rows if k == c), Fraction(0))
        for c in sorted(set(labels))
    }
    sums["Total"] = sum((Fraction(x) for x in values), Fraction(0))
    limit = Fraction(np.finfo(np.float64).max)
    if any(abs(s) > limit for s in sums.values()):
        with pytest.raises(InputError, match="monetary"):
            _summary(labels, values)
        return
    out = _summary(labels, values)
    assert out["revenue"].tolist() == [float(s) for s in sums.values()]


def test_engine_completes_a_one_purchase_buyers_day_as_numpy() -> None:
    """label_in_engine completes a one-purchase buyer's missing recency
    (tenure) from the other, as RuleSet.evaluate does: the same lifecycle,
    status and care phase on both paths (the engine said unknown)."""
    pl = pytest.importorskip("polars")
    import warnings

    from custseg import RfmEdges, ScoreEdges
    from custseg import rules as R
    from custseg._engine_rules import label_in_engine

    nan = float("nan")
    facts = pd.DataFrame(
        {
            "recency_days": [nan, 10.0, nan, nan, 40.0],
            "frequency": [1, 1, 2, 1, 1],
            "monetary": [50.0, 60.0, 70.0, 80.0, 90.0],
            "tenure_days": [300.0, nan, 300.0, 20.0, 40.0],
        }
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    for name in ("base", "furniture"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = label_in_engine(pl.from_pandas(facts), preset=name, edges=edges)
        got = out.to_pandas()
        rs = R.load(name)
        cols = {
            f: got[f].to_numpy(dtype=float) for f in rs.required_fields() if f in got
        }
        want = rs.evaluate(cols)
        for output in ("lifecycle", "status", "care_phase"):
            assert got[output].tolist() == list(want[output]), (name, output)
        assert got["lifecycle"][0] != "unknown"
