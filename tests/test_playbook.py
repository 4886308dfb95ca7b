"""Tests for custseg.playbook: actions per class and who is due for contact.

Reference rules (the slow scalar versions below):

* cadence: due when ``as_of - last_contact >= cadence`` days (never
  contacted: due); NaN cadence: never due for the cadence;
* birthday: the next occurrence on or after ``as_of`` (29 February on 28
  February in other years) is ``k`` days ahead with ``0 <= k < window``;
* holiday: a holiday ``k`` days ahead, ``0 <= k < window``, makes every
  customer with a finite cadence due, once per holiday;
* points: ``points >= min_points``;
* order: priority (NaN last), reason (birthday, holidays by date, cadence,
  points), due day (NaT first), customer id.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, Labels, ThresholdError, abc_classes, lifecycle_stage
from custseg.playbook import (
    KEYS,
    NO_ACTION,
    PLAYBOOK_NAMES,
    STOPPED,
    Action,
    ActionPlan,
    DueContacts,
    Playbook,
    actions,
    default_playbook,
    due_contacts,
)

AS_OF = dt.date(2024, 12, 28)
EPOCH = dt.date(1970, 1, 1)
REASON_ORDER = ("birthday", "holiday", "cadence", "points")


def _entry(**kw):
    out = {"action": "call", "channel": "phone", "priority": 1}
    out.update(kw)
    return out


# --------------------------------------------------------------------------
# scalar reference
# --------------------------------------------------------------------------


def _next_birthday(born, today):
    for year in (today.year, today.year + 1):
        try:
            day = dt.date(year, born.month, born.day)
        except ValueError:  # 29 February in a year without one
            day = dt.date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable")


def ref_due(last, cadence, today, ids, birthdays, bw, holidays, hw, points, minp, prio):
    """(priority key, reason key, day key, id, reason) per due row, sorted."""
    near = sorted(
        (d, name) for name, d in holidays.items() if 0 <= (d - today).days < hw
    )
    rows = []
    for i, cid in enumerate(ids):
        p = math.inf if math.isnan(prio[i]) else prio[i]
        cad = cadence[i]
        if birthdays is not None and birthdays[i] is not None:
            nxt = _next_birthday(birthdays[i], today)
            if (nxt - today).days < bw:
                rows.append((p, 0, (nxt - EPOCH).days, cid, "birthday"))
        if not math.isnan(cad):
            for k, (d, name) in enumerate(near):
                rows.append((p, 1 + k, (d - EPOCH).days, cid, f"holiday: {name}"))
            if last[i] is None:
                rows.append((p, 1 + len(near), -math.inf, cid, "cadence"))
            elif (today - last[i]).days >= cad:
                day = (last[i] - EPOCH).days + math.ceil(cad)
                rows.append((p, 1 + len(near), day, cid, "cadence"))
        if points is not None and not math.isnan(points[i]) and points[i] >= minp:
            rows.append((p, 2 + len(near), (today - EPOCH).days, cid, "points"))
    return sorted(rows)


# --------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------

_days = st.integers(-800, 0)


@st.composite
def customers(draw, min_size=0, max_size=25):
    n = draw(st.integers(min_size, max_size))
    today = draw(st.sampled_from([AS_OF, dt.date(2024, 2, 28), dt.date(2023, 12, 31)]))
    last = [
        draw(st.one_of(st.none(), _days.map(lambda k: today + dt.timedelta(k))))
        for _ in range(n)
    ]
    cadence = [
        draw(st.sampled_from([math.nan, 1.0, 7.0, 14.0, 30.0, 2.5, 365.0]))
        for _ in range(n)
    ]
    # dates of birth on or before as_of: a later one is refused (audit 9, F12)
    born = st.dates(dt.date(1940, 1, 1), today)
    birthdays = [
        draw(st.one_of(st.none(), born, st.just(dt.date(2000, 2, 29))))
        for _ in range(n)
    ]
    points = [
        draw(st.sampled_from([math.nan, 0.0, 99.0, 100.0, 5000.0])) for _ in range(n)
    ]
    prio = [draw(st.sampled_from([math.nan, 1.0, 2.0, 3.0])) for _ in range(n)]
    ids = draw(st.permutations(range(1000, 1000 + n)))
    return today, last, cadence, birthdays, points, prio, list(ids)


def _as_np_dates(values):
    return np.array(
        [np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in values],
        dtype="datetime64[D]",
    )


def _effective(cadence, prio, plan):
    """Per customer (cadence, priority) as due_contacts sees them.

    Without a plan: the drawn cadence, no priority. With a plan: customers
    with both a priority and a cadence get the class "p/c"; the others have
    no class, so no cadence and no priority.
    """
    if not plan:
        return list(cadence), [math.nan] * len(cadence)
    keep = [
        not (math.isnan(p) or math.isnan(c)) for p, c in zip(prio, cadence, strict=True)
    ]
    return (
        [c if k else math.nan for c, k in zip(cadence, keep, strict=True)],
        [p if k else math.nan for p, k in zip(prio, keep, strict=True)],
    )


def _run(
    today,
    last,
    cadence,
    birthdays,
    points,
    prio,
    ids,
    bw=7,
    hw=7,
    holidays=None,
    plan=False,
):
    cad_arg = np.asarray(cadence, dtype=float)
    if plan:
        cads, prios = _effective(cadence, prio, plan)
        labels = [
            None if math.isnan(p) else f"{p:g}/{c:g}"
            for p, c in zip(prios, cads, strict=True)
        ]
        pb = Playbook(
            {
                lab: Action(
                    "x",
                    "sms",
                    int(lab.split("/")[0]),
                    cadence_days=float(lab.split("/")[1]),
                )
                for lab in set(labels) - {None}
            }
        )
        cad_arg = actions(labels, pb)
    return due_contacts(
        _as_np_dates(last),
        cad_arg,
        today,
        customer=ids,
        birthdays=_as_np_dates(birthdays),
        birthday_window_days=bw,
        holidays=holidays,
        holiday_window_days=hw,
        points=np.asarray(points, dtype=float),
        min_points=100,
    )


# --------------------------------------------------------------------------
# Action
# --------------------------------------------------------------------------


class TestAction:
    """Action: one class's action, channel, priority, cadence and deadline."""

    def test_fields_and_defaults(self):
        """Cadence and deadline default to None (none), translations to {}."""
        a = Action("call", "phone", 2)
        assert (a.cadence_days, a.deadline_days, a.translations) == (None, None, {})
        assert a.priority == 2

    @pytest.mark.parametrize("bad", [0, -1, 1.0, True, "1", None, 10**7])
    def test_priority_must_be_a_whole_number_from_1(self, bad):
        """Priority: an int in [1, 1e6]; floats, bools, text refused."""
        with pytest.raises(ThresholdError, match="'priority' must be a whole number"):
            Action("call", "phone", bad)

    @pytest.mark.parametrize("bad", [0, -3, math.nan, math.inf, "7", True])
    def test_cadence_must_be_positive_days(self, bad):
        """Cadence: a finite number > 0, or None."""
        with pytest.raises(ThresholdError, match="'cadence_days'"):
            Action("call", "phone", 1, cadence_days=bad)

    @pytest.mark.parametrize("bad", [0, -1, math.inf])
    def test_deadline_must_be_positive_days(self, bad):
        """Deadline: a finite number > 0, or None."""
        with pytest.raises(ThresholdError, match="'deadline_days'"):
            Action("call", "phone", 1, deadline_days=bad)

    @pytest.mark.parametrize("bad", ["", "   ", 3, None])
    def test_texts_must_be_non_empty(self, bad):
        """Action and channel texts must be non-empty strings."""
        with pytest.raises(ThresholdError, match="'action'"):
            Action(bad, "phone", 1)
        with pytest.raises(ThresholdError, match="'channel'"):
            Action("call", bad, 1)

    @pytest.mark.parametrize(
        ("bad", "match"),
        [
            ({"en": {"action": "x"}}, "other than 'en'"),
            ({"zh": {"acton": "x"}}, "did you mean 'action'"),
            ({"zh": "x"}, "must be a table"),
            ({"zh": {"action": ""}}, "non-empty"),
        ],
    )
    def test_translations_are_checked(self, bad, match):
        """Translations: {lang: {action, channel}}, non-empty texts, no 'en'."""
        with pytest.raises(ThresholdError, match=match):
            Action("call", "phone", 1, translations=bad)

    def test_text_falls_back_to_english_per_key(self):
        """A missing translated key (or language) falls back to English."""
        a = Action("call", "phone", 1, translations={"zh": {"channel": "电话"}})
        assert a.text("zh") == ("call", "电话")
        assert a.text("fr") == ("call", "phone")


# --------------------------------------------------------------------------
# Playbook and from_mapping
# --------------------------------------------------------------------------


class TestPlaybook:
    """Playbook: actions by label name, aliases, coverage."""

    def test_labels_in_priority_order(self):
        """labels lists the covered names by priority."""
        pb = Playbook({"b": Action("x", "y", 2), "a": Action("x", "y", 1)})
        assert pb.labels == ("a", "b")

    def test_alias_finds_the_action(self):
        """An alias resolves to its label's action."""
        pb = Playbook({"silent": Action("x", "y", 1)}, aliases={"沉默期": "silent"})
        assert pb.action_for("沉默期") is pb.actions["silent"]
        assert pb.action_for("睡眠期") is None

    def test_alias_must_name_a_label(self):
        """An alias of an unknown label is an error."""
        with pytest.raises(ThresholdError, match="must name a label"):
            Playbook({"silent": Action("x", "y", 1)}, aliases={"沉默期": "quiet"})

    def test_alias_must_not_hide_a_label(self):
        """An alias spelled like another label is an error."""
        pb = {"a": Action("x", "y", 1), "b": Action("x", "y", 2)}
        with pytest.raises(ThresholdError, match="label of its own"):
            Playbook(pb, aliases={"a": "b"})

    def test_actions_must_be_actions(self):
        """Values of the mapping must be Action objects."""
        with pytest.raises(ThresholdError, match="must be an Action"):
            Playbook({"a": {"action": "x"}})

    def test_uncovered_lists_each_missing_name_once(self):
        """uncovered: the names without an action, first-seen order, no repeats."""
        pb = default_playbook("abc")
        assert pb.uncovered(["A", "Z", "Y", "Z", None]) == ("Z", "Y")
        assert pb.uncovered(Labels([0], ("A", "Q"))) == ("Q",)

    def test_html(self):
        """The notebook table shows every label."""
        html = default_playbook("ecom4")._repr_html_()
        assert all(name in html for name in default_playbook("ecom4").labels)


class TestFromMapping:
    """Playbook.from_mapping: plain data, strict, errors name the key path."""

    def test_builds_actions(self):
        """Every key is read; optional ones may be left out."""
        pb = Playbook.from_mapping(
            {
                "lost": _entry(
                    cadence_days=30,
                    deadline_days=365,
                    translations={"zh": {"action": "挽回", "channel": "电话"}},
                ),
                "gone": _entry(priority=9),
            },
            name="lifecycle",
        )
        assert pb.name == "lifecycle"
        assert pb.actions["lost"] == Action(
            "call", "phone", 1, 30, 365, {"zh": {"action": "挽回", "channel": "电话"}}
        )
        assert pb.actions["gone"].cadence_days is None

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"a": _entry(cadence=3)},
                "'playbook.x.a' has an unknown key 'cadence' (did you mean 'cadence_days'?)",
            ),
            (
                {"a": _entry(colour=3)},
                "'playbook.x.a' has an unknown key 'colour': the keys are",
            ),
            (
                {"a": {"action": "x", "channel": "y"}},
                "'playbook.x.a' must have the key 'priority'",
            ),
            (
                {"a": _entry(cadence_days=-1)},
                "'playbook.x.a.cadence_days' must be a number of days in (0, inf): got -1",
            ),
            (
                {"a": _entry(cadence_days="7")},
                "'playbook.x.a.cadence_days' must be a number: got str '7'",
            ),
            (
                {"a": _entry(deadline_days=0)},
                "'playbook.x.a.deadline_days' must be a number of days",
            ),
            (
                {"a": _entry(priority=1.5)},
                "'playbook.x.a.priority' must be a whole number >= 1",
            ),
            ({"a": _entry(action="")}, "'playbook.x.a.action' must be non-empty text"),
            ({"a": _entry(channel=["sms"])}, "'playbook.x.a.channel' must be text"),
            (
                {"a": _entry(translations={"zh": {"chanel": "x"}})},
                "'playbook.x.a.translations.zh' has an unknown key 'chanel' (did you mean 'channel'?)",
            ),
            (
                {"a": _entry(translations={"zh": {"action": 3}})},
                "'playbook.x.a.translations.zh.action' must be text",
            ),
            (
                {"a": _entry(translations=[])},
                "'playbook.x.a.translations' must be a table",
            ),
            ({"a": "call"}, "'playbook.x.a' must be a table"),
            ({}, "'playbook.x' must have at least one label"),
            ({3: _entry()}, "'playbook.x' keys must be label names"),
        ],
    )
    def test_errors_name_the_key_path(self, data, message):
        """Each kind of bad value names its full key path."""
        with pytest.raises(ThresholdError) as err:
            Playbook.from_mapping(data, name="x")
        assert message in str(err.value)

    def test_custom_path(self):
        """path= replaces the prefix in messages."""
        with pytest.raises(
            ThresholdError, match=re.escape("'rules.toml:playbook.abc.A.priority'")
        ):
            Playbook.from_mapping(
                {"A": _entry(priority=0)}, path="rules.toml:playbook.abc"
            )

    def test_not_a_table(self):
        """The data itself must be a mapping."""
        with pytest.raises(ThresholdError, match="'playbook' must be a table"):
            Playbook.from_mapping([1, 2])

    @given(
        st.recursive(
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(),
                st.text(max_size=5),
            ),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3),
                st.dictionaries(
                    st.sampled_from([*KEYS, "zh", "a", "x"]), inner, max_size=4
                ),
            ),
            max_leaves=12,
        )
    )
    @settings(max_examples=60)
    def test_arbitrary_data_gives_a_playbook_or_threshold_error(self, data):
        """Any plain data either builds a playbook or raises ThresholdError."""
        try:
            pb = Playbook.from_mapping(data, name="x")
        except ThresholdError:
            return
        assert isinstance(pb, Playbook)

    @given(
        st.dictionaries(
            st.text(min_size=1, max_size=6).filter(str.strip),
            st.builds(
                lambda p, c, d, zh: {
                    "action": "act",
                    "channel": "ch",
                    "priority": p,
                    **({"cadence_days": c} if c else {}),
                    **({"deadline_days": d} if d else {}),
                    **({"translations": {"zh": {"action": zh}}} if zh else {}),
                },
                st.integers(1, 9),
                st.sampled_from([None, 1, 7.5, 30]),
                st.sampled_from([None, 90, 365]),
                st.sampled_from([None, "挽回"]),
            ),
            min_size=1,
            max_size=5,
        )
    )
    @settings(max_examples=40)
    def test_round_trip(self, data):
        """from_mapping(to_mapping(pb)) == pb."""
        pb = Playbook.from_mapping(data, name="x")
        assert Playbook.from_mapping(pb.to_mapping(), name="x") == pb


# --------------------------------------------------------------------------
# default playbooks
# --------------------------------------------------------------------------


# the industry presets' own classifications, by the preset that defines them
_OWN = {
    "value_tier": "beauty_salon",
    "visit_tier": "beauty_salon",
    "store_class": "mother_baby",
    "readiness": "furniture",
}


def _base_preset(name="base"):
    text = (
        resources.files("custseg.rules")
        .joinpath("presets", f"{_OWN.get(name, 'base')}.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


def _preset_names(doc, name):
    if name in doc.get("tables", {}):
        t = doc["tables"][name]
        extra = [r["label"] for r in t.get("missing_rules", [])]
        return [*t["labels"], t["missing"], *extra], t["translations"]["zh"]
    s = doc["segments"][name]
    return [*(r["label"] for r in s["rules"]), s["default"]], s["translations"]["zh"]


class TestDefaultPlaybook:
    """default_playbook: the shipped playbooks cover the presets' labels."""

    @pytest.mark.parametrize("name", [n for n in PLAYBOOK_NAMES if n != "abc"])
    def test_covers_every_label_of_the_base_preset(self, name):
        """Every label name of the preset output has an action."""
        labels, _ = _preset_names(_base_preset(name), name)
        assert default_playbook(name).uncovered(labels) == ()
        assert set(default_playbook(name).actions) == set(labels)

    @pytest.mark.parametrize("name", [n for n in PLAYBOOK_NAMES if n != "abc"])
    def test_aliases_are_the_presets_chinese_labels(self, name):
        """The aliases are exactly the preset's translations.zh, reversed."""
        _, zh = _preset_names(_base_preset(name), name)
        assert dict(default_playbook(name).aliases) == {z: e for e, z in zh.items()}

    @pytest.mark.parametrize(
        "preset", ["beauty_salon", "furniture", "ecommerce", "travel"]
    )
    def test_covers_the_industry_presets(self, preset):
        """Industry presets keep the label names: all covered (of the
        classifications that have a default playbook)."""
        from custseg import rules

        rs = rules.preset(preset)
        for name in (n for n in rs.outputs if n in PLAYBOOK_NAMES):
            out = rs.tables.get(name) or rs.segments[name]
            assert default_playbook(name).uncovered(out.names) == ()

    def test_covers_the_classifiers(self):
        """lifecycle_stage and abc_classes (with unknown) names are covered."""
        assert default_playbook("lifecycle").uncovered(lifecycle_stage([1])) == ()
        abc = abc_classes([1.0, math.nan], nan="unknown")
        assert default_playbook("abc").uncovered(abc) == ()

    @pytest.mark.parametrize("name", PLAYBOOK_NAMES)
    def test_every_action_is_in_chinese(self, name):
        """Every default action and channel has a Chinese text."""
        for action in default_playbook(name).actions.values():
            assert set(action.translations["zh"]) == {"action", "channel"}

    def test_domain_rules(self):
        """Pre-churn first, win-back has a deadline, gone stops, VIP asks for referrals."""
        life = default_playbook("lifecycle")
        assert life.labels[0] == "silent"
        assert life.actions["lost"].deadline_days == 365
        assert life.actions["gone"].cadence_days is None
        assert "referrals" in default_playbook("rfm11").actions["Champions"].action
        assert default_playbook("care_phase").actions["care"].cadence_days == 5
        abc = default_playbook("abc")
        assert (
            abc.actions["A"].priority
            < abc.actions["B"].priority
            < abc.actions["C"].priority
        )

    def test_unknown_name(self):
        """An unknown classification lists the known ones."""
        with pytest.raises(ThresholdError, match="'lifecycle', 'care_phase'"):
            default_playbook("Lifecycle")


# --------------------------------------------------------------------------
# actions
# --------------------------------------------------------------------------


class TestActions:
    """actions: one row per customer, total over labels."""

    @given(
        st.lists(
            st.one_of(
                st.none(), st.sampled_from(["A", "B", "C", "unknown", "Z", "未知", ""])
            ),
            max_size=30,
        )
    )
    @settings(max_examples=60)
    def test_total_over_labels(self, labels):
        """Every row gets an action; the uncovered names are exactly those without one."""
        pb = default_playbook("abc")
        plan = actions(labels, pb)
        df = plan.to_pandas()
        assert len(df) == len(labels)
        assert df["action"].notna().all()
        covered = [x is not None and pb.action_for(x) is not None for x in labels]
        assert (df["action"] != NO_ACTION).tolist() == covered
        assert df["priority"].notna().tolist() == covered
        assert set(plan.uncovered) == {x for x in labels if x is not None} - {
            x for x in labels if x is not None and pb.action_for(x) is not None
        }

    def test_labels_keep_their_index(self):
        """Labels from pandas keep the index; the class column is categorical."""
        stage = lifecycle_stage(pd.Series([10.0, 100.0], index=["c9", "c1"]))
        df = actions(stage, default_playbook("lifecycle")).to_pandas()
        assert df.index.tolist() == ["c9", "c1"]
        assert df["class"].tolist() == ["active", "silent"]
        assert df["cadence_days"].tolist() == [30.0, 14.0]

    def test_categorical_series_with_missing(self):
        """A categorical Series with a missing value gets a no-action row."""
        s = pd.Series(pd.Categorical(["A", None, "C"]), index=[5, 6, 7])
        df = actions(s, default_playbook("abc")).to_pandas()
        assert df["action"].tolist()[1] == NO_ACTION
        assert df["class"].isna().tolist() == [False, True, False]
        assert df.index.tolist() == [5, 6, 7]

    def test_chinese_labels_and_texts(self):
        """Chinese label names find their action through the aliases; lang='zh'."""
        df = actions(
            ["沉默期", "silent"], default_playbook("lifecycle"), lang="zh"
        ).to_pandas()
        assert df["action"].nunique() == 1
        assert df["channel"].tolist() == ["电话", "电话"]
        assert (
            actions(["Z"], default_playbook("abc"), lang="zh").to_pandas()["action"][0]
            == "未定义动作"
        )

    @pytest.mark.parametrize(
        ("recency", "stopped"),
        [
            (364.0, False),
            (364.99, False),
            (365.0, True),
            (2000.0, True),
            (math.nan, False),
        ],
    )
    def test_deadline_boundary(self, recency, stopped):
        """Past the deadline means recency >= deadline_days (365 stops, 364.99
        not); an unknown recency neither stops nor keeps the cadence (it is
        not checked: tests/test_ops_audit7.py)."""
        plan = actions(["lost"], default_playbook("lifecycle"), recency_days=[recency])
        assert plan.stopped.tolist() == [stopped]
        unknown = math.isnan(recency)
        assert math.isnan(plan.cadence_days[0]) == (stopped or unknown)
        assert (plan.to_pandas()["action"][0] == STOPPED) == stopped
        assert plan.unchecked == unknown

    def test_deadline_only_for_classes_with_one(self):
        """A class without a deadline never stops."""
        plan = actions(["active"], default_playbook("lifecycle"), recency_days=[10_000])
        assert not plan.stopped.any()

    def test_recency_errors(self):
        """Negative recency, other lengths and other indexes are InputErrors."""
        pb = default_playbook("lifecycle")
        with pytest.raises(InputError, match="'recency_days' has negative values"):
            actions(["lost"], pb, recency_days=[-1])
        with pytest.raises(InputError, match="'recency_days' has 2 rows"):
            actions(["lost"], pb, recency_days=[1, 2])
        with pytest.raises(InputError, match="different index"):
            actions(
                pd.Series(["lost"], index=["a"]),
                pb,
                recency_days=pd.Series([1.0], index=["b"]),
            )

    def test_bad_arguments(self):
        """A non-playbook, a scalar or 2-D labels are refused clearly."""
        with pytest.raises(ThresholdError, match="'playbook' must be a Playbook"):
            actions(["A"], {"A": "x"})
        with pytest.raises(InputError, match="'labels' must be an array-like"):
            actions("A", default_playbook("abc"))
        with pytest.raises(InputError, match="one-dimensional"):
            actions([["A"]], default_playbook("abc"))

    def test_repr(self):
        """The repr counts classes and names the uncovered ones."""
        text = repr(actions(["A", "Z"], default_playbook("abc")))
        assert text.startswith("ActionPlan(n=2") and "uncovered ['Z']" in text


# --------------------------------------------------------------------------
# due_contacts
# --------------------------------------------------------------------------


class TestDueContacts:
    """due_contacts: who is due on a day and why, in a documented order."""

    @given(
        customers(),
        st.sampled_from([1, 7, 30]),  # 0, a window of no day, is refused
        st.sampled_from([1, 7]),
        st.booleans(),
    )
    @settings(max_examples=80)
    def test_matches_the_reference(self, data, bw, hw, plan):
        """Rows, their order and priorities equal the scalar reference."""
        today, last, cadence, birthdays, points, prio, ids = data
        holidays = {
            "Eve": today + dt.timedelta(3),
            "Today": today,
            "Past": today - dt.timedelta(1),
        }
        due = _run(*data, bw=bw, hw=hw, holidays=holidays, plan=plan)
        cads, prios = _effective(cadence, prio, plan)
        expected = ref_due(
            last, cads, today, ids, birthdays, bw, holidays, hw, points, 100, prios
        )
        got = list(
            zip(due.customer.tolist(), due.reason.to_numpy().tolist(), strict=True)
        )
        assert got == [(r[3], r[4]) for r in expected]
        want_prio = [math.nan if r[0] == math.inf else r[0] for r in expected]
        np.testing.assert_array_equal(due.priority, np.asarray(want_prio, dtype=float))

    @given(customers(min_size=1), st.booleans())
    @settings(max_examples=50)
    def test_every_row_has_one_reason_per_customer(self, data, plan):
        """Each row has a reason, and no customer is due twice for one reason."""
        due = _run(*data, holidays={"NY": data[0] + dt.timedelta(2)}, plan=plan)
        pairs = list(
            zip(due.customer.tolist(), due.reason.to_numpy().tolist(), strict=True)
        )
        assert all(r for _, r in pairs)
        assert len(set(pairs)) == len(pairs)
        df = due.to_pandas()
        assert df["reason"].notna().all()
        assert sum(due.counts().values()) == len(due)

    @given(customers(min_size=1), st.randoms(use_true_random=False), st.booleans())
    @settings(max_examples=50)
    def test_order_does_not_depend_on_row_order(self, data, rnd, plan):
        """Shuffling the input rows gives the same output, row for row."""
        today, last, cadence, birthdays, points, prio, ids = data
        perm = list(range(len(ids)))
        rnd.shuffle(perm)
        hol = {"NY": today + dt.timedelta(1)}
        a = _run(
            today, last, cadence, birthdays, points, prio, ids, holidays=hol, plan=plan
        )
        cols = (last, cadence, birthdays, points, prio, ids)
        b = _run(today, *[[c[i] for i in perm] for c in cols], holidays=hol, plan=plan)
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())

    @pytest.mark.parametrize(
        ("days", "cadence", "due"),
        [
            (29, 30, False),
            (30, 30, True),
            (31, 30, True),
            (0, 1, False),
            (1, 1, True),
            (2, 2.5, False),
            (3, 2.5, True),
        ],
    )
    def test_cadence_boundary(self, days, cadence, due):
        """days since contact == cadence is due; one day fewer is not."""
        last = [AS_OF - dt.timedelta(days)]
        out = due_contacts(last, cadence, AS_OF)
        assert (len(out) == 1) == due
        if due:
            assert out.days_since_contact.tolist() == [days]
            assert out.due_on[0] == np.datetime64(last[0]) + math.ceil(cadence)

    def test_never_contacted_is_due_first(self):
        """A missing last contact is due, before every overdue customer."""
        out = due_contacts(
            [AS_OF - dt.timedelta(400), None], 7, AS_OF, customer=["a", "z"]
        )
        assert out.customer.tolist() == ["z", "a"]
        assert np.isnat(out.due_on[0]) and math.isnan(out.days_since_contact[0])

    def test_no_cadence_is_never_due_for_cadence(self):
        """NaN cadence: never due for the cadence or holidays, even if never contacted."""
        out = due_contacts([None], np.array([math.nan]), AS_OF, holidays=[AS_OF])
        assert len(out) == 0

    @pytest.mark.parametrize(
        ("today", "born", "window", "due"),
        [
            (
                dt.date(2024, 12, 28),
                dt.date(1990, 1, 3),
                7,
                True,
            ),  # wraps to 2025-01-03
            (
                dt.date(2024, 12, 28),
                dt.date(1990, 1, 4),
                7,
                False,
            ),  # 7 days: window ends
            (dt.date(2024, 12, 28), dt.date(1990, 12, 28), 7, True),  # today
            (dt.date(2024, 12, 28), dt.date(1990, 12, 27), 7, False),  # yesterday
            (dt.date(2024, 12, 31), dt.date(1990, 1, 1), 1, False),  # tomorrow, w = 1
            (dt.date(2024, 12, 31), dt.date(1990, 1, 1), 2, True),
            (dt.date(2023, 2, 28), dt.date(2000, 2, 29), 1, True),  # 28 Feb in 2023
            (dt.date(2024, 2, 28), dt.date(2000, 2, 29), 1, False),  # 29 Feb in 2024
            (dt.date(2024, 2, 28), dt.date(2000, 2, 29), 2, True),
            (
                dt.date(2023, 3, 1),
                dt.date(2000, 2, 29),
                366,
                True,
            ),  # 2024-02-29: 365 days on
            (dt.date(2023, 3, 1), dt.date(2000, 2, 29), 365, False),
        ],
    )
    def test_birthday_window(self, today, born, window, due):
        """Birthdays: half-open window, year wrap, 29 February."""
        out = due_contacts(
            [today],
            np.array([math.nan]),
            today,
            birthdays=[born],
            birthday_window_days=window,
        )
        assert (out.counts() == {"birthday": 1}) == due
        if due:
            nxt = _next_birthday(born, today)
            assert out.due_on[0] == np.datetime64(nxt)

    def test_holidays(self):
        """Holidays in [as_of, as_of + w) make everyone with a cadence due, once each."""
        out = due_contacts(
            [AS_OF, AS_OF],
            np.array([30.0, math.nan]),
            AS_OF,
            holidays={
                "New Year": "2025-01-01",
                "Later": "2025-01-04",
                "Xmas": "2024-12-25",
            },
        )
        assert out.counts() == {"holiday: New Year": 1}
        plain = due_contacts([AS_OF], 30, AS_OF, holidays=["2024-12-30", "2024-12-29"])
        assert plain.reason.to_numpy().tolist() == [
            "holiday: 2024-12-29",
            "holiday: 2024-12-30",
        ]

    def test_points(self):
        """points >= min_points is due; NaN is not; min_points is required."""
        out = due_contacts(
            [AS_OF] * 3, 30, AS_OF, points=[99, 100, math.nan], min_points=100
        )
        assert out.row.tolist() == [1]
        assert out.to_pandas()["points"].tolist() == [100.0]
        with pytest.raises(ThresholdError, match="'min_points' is required"):
            due_contacts([AS_OF], 30, AS_OF, points=[1])

    def test_points_compared_exactly(self):
        """A Decimal balance (or an integer past 2**53) that float64 rounds
        onto min_points is due only when it is at least min_points; the
        balance shown is the number read."""
        from decimal import Decimal

        below = Decimal("99.999999999999999999")
        above = Decimal("100.00000000000000001")
        out = due_contacts(
            [AS_OF] * 3, 30, AS_OF, points=[below, Decimal(100), above], min_points=100
        )
        assert out.row.tolist() == [1, 2]
        assert out.to_pandas()["points"].tolist() == [100.0, 100.0]
        big = np.array([2**53 + 1, 2**53 - 1], dtype=np.int64)
        out = due_contacts([AS_OF] * 2, 30, AS_OF, points=big, min_points=2**53)
        assert out.row.tolist() == [0]

    def test_win_back_deadline_compared_exactly(self):
        """recency >= deadline_days stops the win-back: a Decimal recency that
        float64 rounds onto the deadline keeps its side of it."""
        from decimal import Decimal

        pb = Playbook.from_mapping({"lost": _entry(deadline_days=365)}, name="x")
        recency = [Decimal("364.99999999999999999"), Decimal(365)]
        plan = actions(["lost", "lost"], pb, recency_days=recency)
        assert plan.stopped.tolist() == [False, True]

    def test_plan_priority_and_actions(self):
        """With an ActionPlan: the class priority sorts, and class/action/channel show."""
        stage = lifecycle_stage(pd.Series([10.0, 100.0, 400.0], index=["a", "b", "c"]))
        plan = actions(
            stage, default_playbook("lifecycle"), recency_days=[10, 100, 400]
        )
        last = pd.Series(
            [None, None, None], index=["a", "b", "c"], dtype="datetime64[ns]"
        )
        df = due_contacts(last, plan, AS_OF).to_pandas()
        assert df.index.tolist() == [
            "b",
            "a",
        ]  # silent (1) before active (3); c stopped
        assert df["class"].tolist() == ["silent", "active"]
        assert df["channel"].tolist() == ["phone", "wechat"]
        assert df["priority"].tolist() == [1, 3]

    def test_index_gives_the_ids(self):
        """Without customer=, the pandas index names the customers."""
        last = pd.Series(
            [None], index=pd.Index(["c1"], name="cid"), dtype="datetime64[ns]"
        )
        df = due_contacts(last, 7, AS_OF).to_pandas()
        assert df.index.name == "cid" and df.index.tolist() == ["c1"]

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            (
                {"last_contact": ["2025-01-01"]},
                InputError,
                "'last_contact' has contacts after as_of",
            ),
            (
                {"cadence": 0},
                ThresholdError,
                "'cadence' must be a number of days in \\(0, inf\\)",
            ),
            ({"cadence": math.nan}, ThresholdError, "'cadence' must be"),
            ({"cadence": [-1]}, InputError, "'cadence' has values that are not"),
            ({"cadence": [1, 2]}, InputError, "'cadence' has 2 rows"),
            (
                {"customer": ["a", "a"], "last_contact": [None, None], "cadence": 1e9},
                InputError,
                "'customer' has repeated ids",
            ),
            ({"customer": [None]}, InputError, "'customer' has missing ids"),
            (
                {"birthday_window_days": -1, "birthdays": [None]},
                ThresholdError,
                "'birthday_window_days'",
            ),
            (
                {"holidays": "2024-12-30"},
                ThresholdError,
                "'holidays' must be a sequence",
            ),
            ({"holidays": ["soon"]}, InputError, "'holidays\\[0\\]' is not a date"),
            ({"as_of": "soon"}, InputError, "'as_of' is not a date"),
            (
                {"points": [1], "min_points": math.inf},
                ThresholdError,
                "'min_points' must be a finite",
            ),
        ],
    )
    def test_errors(self, kwargs, error, match):
        """Bad data is an InputError, bad parameters a ThresholdError."""
        args = {"last_contact": [AS_OF], "cadence": 7, "as_of": AS_OF}
        args.update(kwargs)
        with pytest.raises(error, match=match):
            due_contacts(
                args.pop("last_contact"), args.pop("cadence"), args.pop("as_of"), **args
            )

    def test_different_indexes(self):
        """Series on different indexes are refused."""
        with pytest.raises(InputError, match="different index"):
            due_contacts(
                pd.Series([None], index=["a"], dtype="datetime64[ns]"),
                pd.Series([7.0], index=["b"]),
                AS_OF,
            )

    def test_mixed_id_types_sort(self):
        """Ids of mixed types still sort (by type name, then text)."""
        out = due_contacts(
            [None, None, None], 7, AS_OF, customer=np.array([2, "b", 1], dtype=object)
        )
        assert out.customer.tolist() == [1, 2, "b"]

    def test_repr_and_empty(self):
        """An empty due list has a repr, counts {} and an empty frame."""
        out = due_contacts([AS_OF], 7, AS_OF)
        assert isinstance(out, DueContacts) and len(out) == 0 and out.counts() == {}
        assert repr(out).startswith("DueContacts(n=0 rows")
        assert out.to_pandas().empty
        assert "DueContacts" in out._repr_html_()

    def test_inputs_not_mutated(self):
        """The caller's arrays are left as they were."""
        last = np.array(["2024-01-01", "NaT"], dtype="datetime64[D]")
        cad = np.array([7.0, math.nan])
        before = (last.copy(), cad.copy())
        due_contacts(last, cad, AS_OF)
        np.testing.assert_array_equal(last, before[0])
        np.testing.assert_array_equal(cad, before[1])

    def test_result_types(self):
        """due_contacts accepts an ActionPlan and returns DueContacts."""
        plan = actions(["A"], default_playbook("abc"))
        assert isinstance(plan, ActionPlan)
        assert isinstance(due_contacts([None], plan, AS_OF), DueContacts)


# --------------------------------------------------------------------------
# custseg due
# --------------------------------------------------------------------------


def _due_cli(argv):
    import argparse

    from custseg._cli_due import register

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["due", *argv])
    return args.func(args)


@pytest.fixture
def customers_csv(tmp_path):
    path = tmp_path / "customers.csv"
    pd.DataFrame(
        {
            "customer_id": ["007", "b", "c", "d"],
            "lifecycle": ["silent", "active", "gone", "lost"],
            "recency_days": [100, 10, 400, 300],
            "last_contact": ["2024-12-01", "", "2024-12-27", "2024-10-01"],
            "birthday": ["1990-01-02", "", "1980-05-05", "1970-12-29"],
            "points": [0, 50, 900, 10],
        }
    ).to_csv(path, index=False)
    return path


class TestDueCommand:
    """custseg due: the due list of a customer file."""

    def test_class_column_and_output(self, customers_csv, tmp_path, capsys):
        """The default playbook of the class column; the list is written."""
        out = tmp_path / "due.csv"
        status = _due_cli(
            [
                str(customers_csv),
                "--as-of",
                "2024-12-28",
                "--last-contact",
                "last_contact",
                "--class-column",
                "lifecycle",
                "--birthday",
                "birthday",
                "--points",
                "points",
                "--min-points",
                "500",
                "--holiday",
                "New Year=2025-01-01",
                "--output",
                str(out),
            ]
        )
        assert status == 0
        text = capsys.readouterr().out
        assert "contacts due on 2024-12-28" in text and "holiday: New Year" in text
        written = pd.read_csv(out, dtype={"customer_id": str})
        # ids stay text ("007"); gone (c) gets no holiday or cadence, only points
        assert written["customer_id"].iloc[0] == "007"
        assert set(written.loc[written["customer_id"] == "c", "reason"]) == {"points"}
        assert written["priority"].iloc[0] == 1
        assert {"class", "action", "channel"} <= set(written.columns)

    def test_cadence_without_contacts(self, customers_csv, tmp_path, capsys):
        """--cadence alone, a table without contacts: nobody contacted, so
        everyone is due; a last_contact column is read by its name."""
        bare = tmp_path / "bare.csv"
        pd.read_csv(customers_csv, dtype=str).drop(columns="last_contact").to_csv(
            bare, index=False
        )
        assert _due_cli([str(bare), "--as-of", "2024-12-28", "--cadence", "30"]) == 0
        assert (
            "4 contacts due on 2024-12-28 for 4 of 4 customers"
            in capsys.readouterr().out
        )
        assert (
            _due_cli([str(customers_csv), "--as-of", "2024-12-28", "--cadence", "30"])
            == 0
        )
        assert (
            "2 contacts due on 2024-12-28 for 2 of 4 customers"
            in capsys.readouterr().out
        )

    def test_errors(self, customers_csv):
        """Unknown columns, uncovered classes, a missing --min-points are errors."""
        base = [str(customers_csv), "--as-of", "2024-12-28"]
        with pytest.raises(InputError, match="'nope' is not a column"):
            _due_cli([*base, "--cadence", "7", "--birthday", "nope"])
        with pytest.raises(InputError, match="does not cover: 'active', 'gone'"):
            _due_cli([*base, "--class-column", "lifecycle", "--playbook", "abc"])
        with pytest.raises(ThresholdError, match="no playbook for the column"):
            _due_cli([*base, "--class-column", "points"])
        with pytest.raises(ThresholdError, match="--min-points"):
            _due_cli([*base, "--cadence", "7", "--points", "points"])
        # named as the option given (audit 24: it was 'cadence')
        with pytest.raises(ThresholdError, match="'--cadence' must be"):
            _due_cli([*base, "--cadence", "-1"])


# --------------------------------------------------------------------------
# calendar arithmetic and the docs page
# --------------------------------------------------------------------------


class TestCalendar:
    """_civil / _day_number: the integer calendar behind birthdays."""

    @given(st.lists(st.integers(-1_000_000, 1_000_000), min_size=1, max_size=50))
    @settings(max_examples=50)
    def test_matches_numpy_and_round_trips(self, days):
        """(year, month, day) equal NumPy's calendar; _day_number inverts _civil."""
        from custseg.playbook import _civil, _day_number

        d = np.asarray(days, dtype=np.int64)
        y, m, dd = _civil(d)
        ref = d.astype("datetime64[D]")
        np.testing.assert_array_equal(
            y, ref.astype("datetime64[Y]").astype(np.int64) + 1970
        )
        np.testing.assert_array_equal(
            m, ref.astype("datetime64[M]").astype(np.int64) % 12 + 1
        )
        np.testing.assert_array_equal(_day_number(y, m, dd), d)


class TestDocsPage:
    """docs/playbook.md shows the default playbooks as they are."""

    @pytest.mark.parametrize("name", PLAYBOOK_NAMES)
    def test_tables_show_every_default_action(self, name):
        """Each default action's English and Chinese row is in the page."""
        from pathlib import Path

        page = (Path(__file__).resolve().parents[1] / "docs" / "playbook.md").read_text(
            "utf-8"
        )
        pb = default_playbook(name)
        for label in pb.labels:
            a = pb.actions[label]
            cad = "—" if a.cadence_days is None else f"{a.cadence_days:g}"
            dl = "—" if a.deadline_days is None else f"{a.deadline_days:g}"
            row = f"| {a.priority} | `{label}` | {a.action} | {a.channel} | {cad} | {dl} |"
            assert row in page
            assert f"| {' | '.join(a.text('zh'))} |" in page


class TestDueWithRules:
    def test_rules_file_playbook_replaces_defaults(self, tmp_path) -> None:
        """--rules FILE: its [playbook] entry decides; other labels keep the defaults."""
        import pandas as pd

        from custseg.cli import main

        rules_file = tmp_path / "pb.toml"
        rules_file.write_text(
            'format = 1\nextends = "ecommerce"\n[playbook.lifecycle.silent]\n'
            'action = "Call now"\nchannel = "phone"\ncadence_days = 3\npriority = 1\n',
            encoding="utf-8",
        )
        customers = tmp_path / "c.csv"
        pd.DataFrame(
            {
                "customer_id": ["a", "b"],
                "lifecycle": ["silent", "active"],
                "last_contact": ["2024-12-28", "2024-12-28"],
            }
        ).to_csv(customers, index=False)
        out = tmp_path / "due.csv"
        status = main(
            [
                "due",
                str(customers),
                "--as-of",
                "2025-01-01",
                "--class-column",
                "lifecycle",
                "--last-contact",
                "last_contact",
                "--rules",
                str(rules_file),
                "--output",
                str(out),
            ]
        )
        assert status == 0
        due = pd.read_csv(out)
        # silent: every 3 days now (4 days since contact); active keeps its default cadence
        assert due["customer_id"].tolist() == ["a"]
        assert due["action"].tolist() == ["Call now"]
