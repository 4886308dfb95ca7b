"""Audit 39, the leftovers of audit 38 in the core, presets and rules.

1. The presets' ``lifecycle`` and ``care_phase`` tables labelled a buyer
   (frequency >= 1) whose recency (tenure) was missing ``no_purchase``,
   beside ``status`` ``lost`` or ``unknown``: a table's one ``missing``
   label read a missing fact as "bought nothing". Tables now take
   ``missing_rules`` (the presets: ``unknown`` where ``frequency != 0``);
   ``lifecycle_stage`` and ``care_phase`` take ``frequency=``.
2. ``apply_rules(lang="zh")`` left the input's ``lifecycle`` in English.
3. ``Labels.index`` / ``RfmScores.index`` (and the other frozen results')
   handed out the stored Index: renaming it renamed the result.
4. ``rfm_scores`` / ``segment_summary`` took float32 ids past 2**24.
5. ``custseg presets furniture`` printed a file ``rules check --strict``
   failed (``new_days`` unused).
6. ``--customer status_crm`` was refused when the rules leave that output out.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, Labels, RulesError, rfm_scores, rules, segment_summary
from custseg.cli import main
from custseg.frame import apply_rules
from custseg.lifecycle import care_phase, lifecycle_stage

PRESETS = tuple(rules.presets())
_LOADED = {name: rules.preset(name) for name in PRESETS}
NAN = float("nan")


# ---------------------------------------------------------------------------
# 1. a buyer is never no_purchase


@st.composite
def _facts(draw: st.DrawFn) -> dict[str, np.ndarray]:
    """Customer facts with gaps: any fact but the frequency may be missing;
    where known, recency <= tenure, both 0 without a purchase."""
    n = draw(st.integers(1, 6))
    freq, rec, ten = [], [], []
    for _ in range(n):
        f = draw(st.integers(0, 4))
        if f == 0:
            r = t = NAN
        else:
            r = draw(st.sampled_from([NAN, 0.0, 10.0, 100.0, 400.0, 2000.0]))
            t = draw(st.sampled_from([NAN, 0.0, 5.0, 50.0, 400.0, 3000.0]))
            if not math.isnan(r) and not math.isnan(t) and t < r:
                r, t = t, r
        freq.append(f)
        rec.append(r)
        ten.append(t)
    missing = np.full(n, np.nan)
    return {
        "recency_days": np.array(rec),
        "frequency": np.array(freq, dtype=np.int64),
        "monetary": np.array([10.0 * f for f in freq]),
        "tenure_days": np.array(ten),
        "r": missing,
        "f": missing,
        "m": missing,
    }


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(PRESETS), facts=_facts())
def test_no_preset_calls_a_buyer_no_purchase(
    name: str, facts: dict[str, np.ndarray]
) -> None:
    """Property, every preset: no output calls a buyer ``no_purchase``; a
    buyer whose lifecycle (care-phase) fact is missing is ``unknown``, a
    customer who bought nothing ``no_purchase``; the facts known decide as
    before."""
    out = _LOADED[name].evaluate(facts).to_pandas()
    bought = facts["frequency"] > 0
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            got = out[column].astype(object).to_numpy()
            assert not (bought & (got == "no_purchase")).any(), column
    pairs = (
        ("lifecycle", "recency_days", "tenure_days"),
        ("care_phase", "tenure_days", "recency_days"),
    )
    for table, field, other in pairs:
        got = out[table].astype(object).to_numpy()
        # one purchase is the first and the last: a missing day is the other
        # (completed since audit 40, as customer_status reads it)
        once = (facts["frequency"] == 1) & ~np.isnan(facts[other])
        gap = np.isnan(facts[field]) & ~once
        assert (got[gap & bought] == "unknown").all()
        assert (got[~bought] == "no_purchase").all()
        assert not np.isin(got[~gap], ["unknown", "no_purchase"]).any()


def test_repro_one_purchase_missing_recency() -> None:
    """The repro: one purchase, recency missing, tenure 300 (status lost)."""
    seg = pd.DataFrame(
        {
            "recency_days": [NAN, NAN, NAN],
            "frequency": [1, 3, 0],
            "monetary": [10.0, 30.0, 0.0],
            "tenure_days": [300.0, NAN, NAN],
            "r": [NAN] * 3,
            "f": [NAN] * 3,
            "m": [NAN] * 3,
        }
    )
    out = apply_rules(seg, "base")
    # the one purchase's recency is its tenure (audit 40): lost, as its status
    assert out["lifecycle"].tolist() == ["lost", "unknown", "no_purchase"]
    assert out["care_phase"].tolist() == ["established", "unknown", "no_purchase"]
    assert out["status"].tolist() == ["lost", "unknown", "no_purchase"]
    zh = apply_rules(seg, "base", lang="zh")
    assert zh["lifecycle"].tolist() == ["流失期", "未知", "未购买"]


def test_engine_labels_as_numpy() -> None:
    """The engines' compiled tables give the missing rules' labels too."""
    pl = pytest.importorskip("polars")
    import narwhals.stable.v2 as nw

    from custseg._engine_rules import compile_rules

    rs = _LOADED["base"]
    cols = {
        "recency_days": [NAN, NAN, 10.0],
        "frequency": [2, 0, 1],
        "monetary": [5.0, 0.0, 1.0],
        "tenure_days": [NAN, NAN, 10.0],
        "r": [None, None, 5],
        "f": [None, None, 1],
        "m": [None, None, 1],
    }
    frame = pl.DataFrame(cols).with_columns(pl.col("recency_days").fill_nan(None))
    frame = frame.with_columns(pl.col("tenure_days").fill_nan(None))
    compiled = compile_rules(rs, backend="polars", columns=frame.columns)
    out = compiled.apply(nw.from_native(frame.lazy()))
    got = out.to_native().collect()
    assert got["lifecycle"].to_list() == ["unknown", "no_purchase", "active"]
    assert got["care_phase"].to_list() == ["unknown", "no_purchase", "recommend"]


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(st.sampled_from([NAN, 0.0, 4.0, 45.0, 100.0, 400.0]), max_size=8),
    data=st.data(),
)
def test_python_classifiers_take_frequency(
    days: list[float], data: st.DataObject
) -> None:
    """Property: ``lifecycle_stage`` / ``care_phase`` with ``frequency=``
    agree with the base preset's tables row by row: a NaN is no_purchase
    only for frequency 0."""
    freq = data.draw(
        st.lists(st.integers(0, 3), min_size=len(days), max_size=len(days))
    )
    freq = [
        0 if math.isnan(d) and i % 3 == 0 else f
        for i, (d, f) in enumerate(zip(days, freq, strict=True))
    ]
    d = np.array(days, dtype=np.float64)
    f = np.array(freq, dtype=np.int64)
    facts = {
        "recency_days": d,
        "frequency": f,
        "monetary": np.ones(len(d)),
        "tenure_days": d,
        "r": np.full(len(d), np.nan),
        "f": np.full(len(d), np.nan),
        "m": np.full(len(d), np.nan),
    }
    from custseg.lifecycle import LifecycleWindows

    preset = _LOADED["base"].evaluate(facts).to_pandas()
    t = _LOADED["base"].tables["lifecycle"]
    windows = LifecycleWindows(t.breaks, t.labels)
    stage = lifecycle_stage(d, windows, frequency=f).to_numpy().tolist()
    assert stage == preset["lifecycle"].astype(object).tolist()
    phase = care_phase(d, frequency=f).to_numpy().tolist()
    assert phase == preset["care_phase"].astype(object).tolist()


def test_python_classifiers_without_frequency_as_before() -> None:
    """Without ``frequency`` a NaN is no_purchase and no name is added."""
    assert lifecycle_stage([NAN]).names[-1] == "no_purchase"
    assert care_phase([NAN], lang="zh").names[-1] == "未购买"
    assert lifecycle_stage([NAN], frequency=[2], lang="zh").to_numpy().tolist() == [
        "未知"
    ]


def test_missing_rules_are_checked(tmp_path: Path) -> None:
    """``missing_rules`` need a ``missing`` label and labels of their own,
    and name the rule's line and column in the error."""
    head = (
        'format = 1\n[fields]\nx = { type = "number", missing = true }\n'
        'k = { type = "integer" }\n[tables.t]\nfield = "x"\nbreaks = [1]\n'
        'labels = ["lo", "hi"]\n'
    )
    with pytest.raises(RulesError, match=r":9:1: error\[missing-key\].*'missing'"):
        rules.loads(head + 'missing_rules = [{ label = "u", when = "k != 0" }]\n')
    with pytest.raises(RulesError, match=r"duplicate-name.*'hi'.*interval"):
        rules.loads(
            head + 'missing = "none"\n'
            'missing_rules = [{ label = "hi", when = "k != 0" }]\n'
        )
    with pytest.raises(RulesError, match=r":10:.*unknown-name|:10:.*'kk'"):
        rules.loads(
            head + 'missing = "none"\n'
            'missing_rules = [{ label = "u", when = "kk != 0" }]\n'
        )
    rs = rules.loads(
        head + 'missing = "none"\nmissing_rules = [{ label = "u", when = "k != 0" }]\n'
    )
    out = rs.evaluate({"x": [NAN, NAN, 3.0], "k": [0, 1, 1]}).to_pandas()
    assert out["t"].tolist() == ["none", "u", "hi"]
    assert rs.required_fields() == ("x", "k")


# ---------------------------------------------------------------------------
# 2. apply_rules(lang="zh") translates the input's lifecycle


@pytest.mark.parametrize("text", [False, True])
def test_apply_rules_zh_translates_the_input_lifecycle(text: bool) -> None:
    """A rules file without a lifecycle table: the input's lifecycle
    (categorical, or text read back from a file) comes in Chinese as
    segment(lang="zh") gives it."""
    rs = rules.loads(
        'format = 1\n[fields]\nfrequency = { type = "integer", min = 0 }\n'
        '[segments.tier]\ndefault = "low"\n'
        'rules = [{ label = "high", when = "frequency >= 3" }]\n'
        'translations.zh = { high = "高", low = "低" }\n'
    )
    stage = pd.Categorical(
        ["active", "lost"], categories=["active", "lost", "no_purchase"], ordered=True
    )
    seg = pd.DataFrame({"frequency": [5, 1], "lifecycle": stage})
    if text:
        seg["lifecycle"] = seg["lifecycle"].astype(object)
    out = apply_rules(seg, rs, lang="zh")
    assert out["lifecycle"].tolist() == ["活跃期", "流失期"]
    assert out["tier"].tolist() == ["高", "低"]
    assert seg["lifecycle"].tolist() == ["active", "lost"]  # input untouched
    mine = seg.assign(lifecycle=["early", "late"])  # a column of its own
    assert apply_rules(mine, rs, lang="zh")["lifecycle"].tolist() == ["early", "late"]


# ---------------------------------------------------------------------------
# 3. frozen results hand out a fresh Index


def test_frozen_results_hand_out_a_fresh_index() -> None:
    """Renaming (or re-typing) the index read from a result never changes it."""
    ids = pd.Index(["a", "b", "c"], name="customer_id")
    lab = Labels(np.array([0, 1, 0]), ("x", "y"), index=ids)
    lab.index.name = "renamed"
    assert lab.index.name == "customer_id"
    assert lab.to_pandas().index.name == "customer_id"
    s = pd.Series([1.0, 2.0, 3.0], index=ids)
    scores = rfm_scores(s, s.astype("int64"), s, bins=2)
    scores.index.name = "renamed"
    assert scores.index.name == "customer_id"
    assert scores.to_pandas().index.name == "customer_id"
    from custseg import TagMatrix

    tags = TagMatrix(("t",), np.array([[True], [False], [True]]), index=ids)
    tags.index.name = "renamed"
    assert tags.index.name == "customer_id"
    assert lab.index.equals(ids) and lab == Labels(
        np.array([0, 1, 0]), ("x", "y"), index=ids
    )


# ---------------------------------------------------------------------------
# 4. float32 ids past 2**24


@settings(max_examples=20, deadline=None)
@given(
    past=st.booleans(),
    kind=st.just(np.float32),  # (pandas has no float16 Index)
)
def test_narrow_float_ids_refused(past: bool, kind: type) -> None:
    """Property: rfm_scores and segment_summary refuse float32 ids past
    the whole numbers they hold exactly, and keep those below."""
    bound = 2**24
    values = [bound, bound + 2, 3] if past else [bound - 1, 1, 3]
    ids = pd.Index(np.array(values, dtype=kind), name="customer_id")
    s = pd.Series([1.0, 2.0, 3.0], index=ids)
    labels = pd.Series(["a", "b", "a"], index=ids)
    facts = pd.DataFrame(
        {
            "recency_days": [1.0, 2.0, 3.0],
            "frequency": [1, 2, 3],
            "monetary": [1.0, 2.0, 3.0],
        },
        index=ids,
    )
    if past:
        with pytest.raises(InputError, match="whole numbers exactly only below"):
            rfm_scores(s, s, s, bins=2)
        with pytest.raises(InputError, match="whole numbers exactly only below"):
            segment_summary(labels, facts)
    else:
        assert rfm_scores(s, s, s, bins=2).index.equals(ids)
        assert segment_summary(labels, facts).loc["Total", "customers"] == 3


# ---------------------------------------------------------------------------
# 5. every printed preset passes rules check --strict


@pytest.mark.parametrize("name", PRESETS)
def test_printed_presets_pass_strict_check(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``custseg presets NAME > f.toml; custseg rules check --strict f.toml``."""
    assert main(["presets", name]) == 0
    path = tmp_path / f"{name}.toml"
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["rules", "check", "--strict", str(path)]) == 0, capsys.readouterr()


def test_furniture_keeps_its_windows() -> None:
    """furniture's care phases still end at 180 days, now its new_days."""
    rs = _LOADED["furniture"]
    assert rs.tables["care_phase"].breaks == (30.0, 90.0, 180.0)
    assert rs.params["new_days"] == 180


# ---------------------------------------------------------------------------
# 6. --customer naming an output the run leaves out


def test_customer_column_named_as_a_left_out_output(tmp_path: Path) -> None:
    """``--customer status_crm`` without --records (status_crm left out) runs;
    with records giving its fields it is refused, as before."""
    tx = tmp_path / "tx.csv"
    tx.write_text(
        "status_crm,date,amount\nc1,2024-01-01,10\nc2,2024-02-01,20\nc1,2024-03-01,5\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    argv = ["segment", str(tx), "--customer", "status_crm", "--preset", "ecommerce"]
    assert main([*argv, "--output", str(out)]) == 0
    assert pd.read_csv(out).columns[0] == "status_crm"
    rec = tmp_path / "rec.csv"
    rec.write_text("status_crm,interested,vip\nc1,yes,no\nc2,no,no\n", encoding="utf-8")
    again = [*argv, "--records", str(rec), "--output", str(tmp_path / "o2.csv")]
    assert main(again) == 2
