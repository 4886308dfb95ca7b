"""Audit 9, operations half (F3, F4, F6, F7, F9, F11, F12): each finding's
reported example, and the class it stands for tested over generated cases.

- F3: ``actions()`` without any recency on a playbook with win-back deadlines
  silently kept every win-back customer on the paid cadence; now no recency is
  a missing recency for everyone (unchecked, no cadence) plus a warning.
- F4: ``store_visit_class()`` made a buyer or a VIP with a missing visit count
  ``unknown``; the ``mother_baby`` preset said ``visited_bought`` / ``vip``.
- F6: ``due_contacts`` with an ``ActionPlan`` blamed any misaligned input on
  ``last_contact``.
- F7: the presets' ``nps`` field took fractions that ``nps_band()`` refuses.
- F9: ``profile_completeness(fields={"tel": "phone"})`` silently ignored a
  ``phone`` column.
- F11: ``visit_tier(visits, spend)`` never checked *spend* with the default
  tiers.
- F12: ``due_contacts(birthdays=)`` greeted people born after ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.lifecycle import StoreClasses, VisitTiers, store_visit_class, visit_tier
from custseg.loyalty import nps_band
from custseg.playbook import (
    RECENCY_UNKNOWN,
    Action,
    Playbook,
    actions,
    default_playbook,
    due_contacts,
)
from custseg.profile import profile_completeness

FEW = settings(max_examples=40, deadline=None)
NAN = math.nan


def _caught(call):
    """(result, [custseg warnings]) of *call*; other warnings still fail."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call()
    return out, [w for w in caught if issubclass(w.category, CustsegWarning)]


# --------------------------------------------------------------------------
# F3: no recency at all is a missing recency for everyone


class TestActionsWithoutRecency:
    def test_reported_example(self) -> None:
        """The audit's call: unchecked, no cadence, the check text, a warning
        that names the fix for the API and the command line."""
        plan, caught = _caught(lambda: actions(["lost"], default_playbook("lifecycle")))
        assert plan.unchecked == 1
        assert math.isnan(plan.cadence_days[0])
        assert plan.to_pandas()["action"].iloc[0] == RECENCY_UNKNOWN
        assert "unknown recency" in repr(plan)
        assert len(caught) == 1
        text = str(caught[0].message)
        assert "'recency_days' was not given" in text and "'lost'" in text
        assert "recency_days=" in text and "--recency" in text

    def test_no_deadline_no_warning(self) -> None:
        """A playbook without deadlines, or labels of classes without one,
        need no recency: no warning, nothing unchecked."""
        for labels, pb in (
            (["A", "B", None, "Z"], default_playbook("abc")),
            (["active", "silent", "gone"], default_playbook("lifecycle")),
        ):
            plan, caught = _caught(lambda lb=labels, p=pb: actions(lb, p))
            assert caught == [] and plan.unchecked == 0

    @FEW
    @given(
        labels=st.lists(
            st.one_of(
                st.none(),
                st.sampled_from(["lost", "active", "silent", "gone", "Lost", "??"]),
            ),
            max_size=25,
        ),
        deadline=st.one_of(st.none(), st.integers(1, 2000)),
        lang=st.sampled_from(["en", "zh"]),
    )
    def test_same_as_all_missing(
        self, labels: list[str | None], deadline: int | None, lang: str
    ) -> None:
        """Without recency_days the plan equals the plan with an all-NaN
        recency; a warning exactly when someone's class has a deadline; such
        customers are never due (no cadence, no holiday greeting)."""
        actions_of = {
            "lost": Action(
                "win back",
                "phone",
                1,
                cadence_days=30,
                deadline_days=deadline,
                translations={"zh": {"action": "挽回"}},
            ),
            "Lost": Action("low-cost", "sms", 2, cadence_days=60, deadline_days=400),
            "active": Action("care", "wechat", 3, cadence_days=30),
            "silent": Action("call", "phone", 4, cadence_days=14),
            "gone": Action("stop", "none", 5),
        }
        pb = Playbook(actions_of)
        plan, caught = _caught(lambda: actions(labels, pb, lang=lang))
        nan_plan = actions(labels, pb, recency_days=[NAN] * len(labels), lang=lang)
        pd.testing.assert_frame_equal(plan.to_pandas(), nan_plan.to_pandas())
        has_deadline = [
            lab is not None
            and lab in actions_of
            and actions_of[lab].deadline_days is not None
            for lab in labels
        ]
        assert plan.unchecked == nan_plan.unchecked == sum(has_deadline)
        assert len(caught) == (1 if any(has_deadline) else 0)
        if caught:
            assert f"{sum(has_deadline):,d} customer" in str(caught[0].message)
        due = due_contacts(
            [None] * len(labels),
            plan,
            "2024-12-28",
            holidays={"New Year": "2025-01-01"},
        )
        assert not any(has_deadline[r] for r in due.row)

    def test_cli_due_without_recency_column(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``custseg due`` on a table with no recency column: the win-back
        customers are not due, and the output says why."""
        from custseg.cli import main

        table = tmp_path / "nor.csv"
        table.write_text("customer_id,lifecycle\na,lost\nb,lost\nc,active\n")
        out = tmp_path / "due.csv"
        status = main(
            [
                "due", str(table), "--as-of", "2025-01-01",
                "--class-column", "lifecycle", "--output", str(out),
            ]
        )  # fmt: skip
        said = "".join(capsys.readouterr())
        assert status == 0
        assert pd.read_csv(out)["customer_id"].tolist() == ["c"]
        assert "recency" in said  # a note or the warning: never silent


# --------------------------------------------------------------------------
# F4: store classes, a missing input decides only where it changes the class


def _complete_store(x: float, p: float, vip: bool, th: StoreClasses) -> str:
    """The class of a customer with every input known, rule by rule."""
    if vip or (th.vip_purchases is not None and p >= th.vip_purchases):
        return "vip"
    if p >= 1:
        return "visited_bought"
    return "visited_not_bought" if x >= 1 else "potential"


def _brute_store(x: float, p: float, vip: bool | None, th: StoreClasses) -> str:
    """The class every completion of the missing inputs agrees on, else
    ``unknown`` (the library's rule for missing inputs)."""
    cut = th.vip_purchases
    counts = [0.0, 1.0, 2.0] + ([cut - 1, cut, cut + 1] if cut is not None else [])
    xs = [0.0, 1.0, 5.0] if math.isnan(x) else [x]
    ps = counts if math.isnan(p) else [p]
    vs = [True, False] if vip is None else [vip]
    found = {_complete_store(*c, th) for c in itertools.product(xs, ps, vs)}
    return found.pop() if len(found) == 1 else "unknown"


_COUNT = st.one_of(st.just(NAN), st.integers(0, 12).map(float))


class TestStoreVisitClassMissing:
    def test_reported_example(self) -> None:
        """A buyer and a listed VIP with missing visits: the preset's answer."""
        got = store_visit_class([NAN, NAN], [2, 0], [False, True])
        assert got.to_numpy().tolist() == ["visited_bought", "vip"]

    def test_reported_preset_example(self) -> None:
        """The audit's preset call gives the same classes as the function."""
        visits, freq, vip = [NAN, NAN], [2, 0], [False, True]
        d = pd.DataFrame(
            {
                "recency_days": [10.0, NAN],
                "frequency": freq,
                "monetary": [100.0] * 2,
                "tenure_days": [10.0, NAN],
                "r": pd.array([5, None], "Int64"),
                "f": pd.array([3, None], "Int64"),
                "m": pd.array([3, None], "Int64"),
                "visits": visits,
                "vip": vip,
            }
        )
        preset = rules.preset("mother_baby").evaluate(d).labels["store_class"]
        assert preset.to_numpy().tolist() == ["visited_bought", "vip"]
        assert preset.to_numpy().tolist() == (
            store_visit_class(visits, freq, vip).to_numpy().tolist()
        )

    @FEW
    @given(
        rows=st.lists(
            st.tuples(_COUNT, _COUNT, st.sampled_from([True, False, None])),
            max_size=30,
        ),
        flag_column=st.booleans(),
        cut=st.one_of(st.none(), st.integers(2, 10)),
    )
    def test_unknown_only_where_an_answer_changes_the_class(
        self, rows: list, flag_column: bool, cut: int | None
    ) -> None:
        """Any counts and flags with missing values: the class all completions
        of the missing inputs agree on, else unknown (brute force)."""
        th = StoreClasses(cut)
        visits = [r[0] for r in rows]
        purchases = [r[1] for r in rows]
        vip = [r[2] for r in rows] if flag_column else None
        got = store_visit_class(
            visits,
            purchases,
            None if vip is None else np.array(vip, dtype=object),
            thresholds=th,
        )
        want = [
            _brute_store(x, p, False if vip is None else vip[i], th)
            for i, (x, p) in enumerate(zip(visits, purchases, strict=True))
        ]
        assert got.to_numpy().tolist() == want

    @FEW
    @given(
        rows=st.lists(
            st.tuples(
                st.one_of(st.just(NAN), st.integers(0, 4).map(float)),
                st.integers(0, 4),
                st.sampled_from([True, False, None]),
            ),
            min_size=1,
            max_size=30,
        ),
        lang=st.sampled_from([None, "zh"]),
    )
    def test_preset_agrees(self, rows: list, lang: str | None) -> None:
        """mother_baby's store_class = store_visit_class on a grid with
        missing visits and flags (the preset's frequency is never missing)."""
        n = len(rows)
        visits = np.array([r[0] for r in rows])
        freq = np.array([r[1] for r in rows])
        vip = [r[2] for r in rows]
        bought = freq > 0
        spine = {
            "recency_days": np.where(bought, 10.0, NAN),
            "frequency": freq,
            "monetary": freq * 10.0,
            "tenure_days": np.where(bought, 20.0, NAN),
            "r": [None] * n,
            "f": [None] * n,
            "m": [None] * n,
        }
        out = rules.load("mother_baby").evaluate(
            {**spine, "visits": visits, "vip": vip}, lang=lang
        )
        py = store_visit_class(
            visits, freq, vip=np.array(vip, dtype=object), lang=lang or "en"
        )
        assert out["store_class"].to_numpy().tolist() == py.to_numpy().tolist()


# --------------------------------------------------------------------------
# F6: the misaligned input is named, and its fix works


_INPUTS = ("last_contact", "customer", "birthdays", "points")


class TestDueContactsPlanIndex:
    def test_reported_example(self) -> None:
        """NumPy last_contact, misaligned birthdays: 'birthdays' is named and
        the advised reindex works."""
        plan = actions(
            pd.Series(["silent", "active"], index=["c1", "c2"]),
            default_playbook("lifecycle"),
        )
        last = pd.to_datetime(["2024-12-27", "2024-01-01"]).values
        born = pd.Series(["1990-12-30", None], index=["c2", "c1"])
        with pytest.raises(InputError) as info:
            due_contacts(last, plan, "2024-12-28", birthdays=born)
        assert info.value.field == "birthdays"
        assert "birthdays.reindex(plan.index)" in str(info.value)
        due = due_contacts(last, plan, "2024-12-28", birthdays=born.reindex(plan.index))
        assert ("c2", "birthday") in zip(
            due.customer.tolist(), due.reason.to_numpy().tolist(), strict=True
        )

    @FEW
    @given(data=st.data(), n=st.integers(2, 8))
    def test_names_the_first_misaligned_input(
        self, data: st.DataObject, n: int
    ) -> None:
        """Each input a NumPy array, a Series on the plan's index or on a
        shuffled / other index: the error names the first misaligned one (in
        the order last_contact, customer, birthdays, points); reindexing it
        as advised makes the call work."""
        ids = [f"c{i}" for i in range(n)]
        plan = actions(
            pd.Series(["silent"] * n, index=ids), default_playbook("lifecycle")
        )
        values = {
            "last_contact": pd.to_datetime(["2024-12-01"] * n),
            "customer": [f"id{i}" for i in range(n)],
            "birthdays": pd.to_datetime(["1990-06-01"] * n),
            "points": [float(i) for i in range(n)],
        }
        kinds = {k: data.draw(st.sampled_from(["array", "same", "moved", "other"]), k)
                 for k in _INPUTS}  # fmt: skip
        inputs: dict = {}
        for name in _INPUTS:
            kind = kinds[name]
            if kind == "array":
                inputs[name] = np.asarray(values[name])
                continue
            index = list(ids)
            if kind == "moved":
                index = index[1:] + index[:1]
            elif kind == "other":
                index = [f"x{i}" for i in range(n)]
            inputs[name] = pd.Series(np.asarray(values[name]), index=index)
        bad = [k for k in _INPUTS if kinds[k] in ("moved", "other")]

        def call(given: dict):
            return due_contacts(
                given["last_contact"],
                plan,
                "2024-12-28",
                customer=given["customer"],
                birthdays=given["birthdays"],
                points=given["points"],
                min_points=1,
            )

        if not bad:
            call(inputs)
            return
        with pytest.raises(InputError) as info:
            call(inputs)
        assert info.value.field == bad[0]
        assert f"{bad[0]}.reindex(plan.index)" in str(info.value)
        if kinds[bad[0]] == "moved":  # the same ids: the advice fixes it
            inputs[bad[0]] = inputs[bad[0]].reindex(plan.index)
            if len(bad) == 1:
                call(inputs)
            else:
                with pytest.raises(InputError) as again:
                    call(inputs)
                assert again.value.field == bad[1]


# --------------------------------------------------------------------------
# F11: spend is checked whenever it is given


class TestVisitTierSpend:
    @pytest.mark.parametrize(
        ("spend", "problem"),
        [(["abc", "x"], "non-numeric"), ([5], "1 rows")],
    )
    def test_reported_examples(self, spend: list, problem: str) -> None:
        """Text and a wrong length are refused with the default tiers."""
        with pytest.raises(InputError, match=problem) as info:
            visit_tier([1, 2], spend)
        assert info.value.field == "spend"

    def test_default_tiers_still_by_visits(self) -> None:
        """Valid spend with the default tiers: VIP is by visits only, as documented."""
        got = visit_tier([2, 15], [1e9, 0]).to_numpy().tolist()
        assert got == ["ordinary_member", "vip"]

    @FEW
    @given(
        visits=st.lists(st.integers(0, 20), min_size=1, max_size=12),
        fault=st.sampled_from(["length", "text", "index", "none"]),
        vip_spend=st.one_of(st.none(), st.integers(1, 1000)),
        split=st.booleans(),
        data=st.data(),
    )
    def test_any_bad_spend_refused(
        self,
        visits: list[int],
        fault: str,
        vip_spend: int | None,
        split: bool,
        data: st.DataObject,
    ) -> None:
        """Wrong length, text or another index: an InputError naming spend,
        whatever the tiers and split_members; valid spend the tiers do not
        read changes nothing."""
        n = len(visits)
        spend = data.draw(
            st.lists(
                st.one_of(st.just(NAN), st.floats(-100, 5000)), min_size=n, max_size=n
            )
        )
        tiers = VisitTiers(vip_spend=vip_spend)
        v_arg: object = visits
        s_arg: object = spend
        if fault == "length":
            s_arg = [*spend, 1.0]
        elif fault == "text":
            s_arg = [*spend[:-1], "abc"]
        elif fault == "index":
            v_arg = pd.Series(visits, index=range(n))
            s_arg = pd.Series(spend, index=range(1, n + 1))
        if fault == "none":
            got = visit_tier(v_arg, s_arg, tiers=tiers, split_members=split)
            if vip_spend is None or not split:
                want = visit_tier(v_arg, tiers=VisitTiers(), split_members=split)
                assert got.to_numpy().tolist() == want.to_numpy().tolist()
            return
        with pytest.raises(InputError) as info:
            visit_tier(v_arg, s_arg, tiers=tiers, split_members=split)
        assert info.value.field == "spend"


# --------------------------------------------------------------------------
# F12: a date of birth after as_of is refused


class TestBirthdaysAfterAsOf:
    def test_reported_example(self) -> None:
        """Born in 2030, as of 2024: refused, naming birthdays and the fix."""
        with pytest.raises(InputError, match="dates of birth after as_of") as info:
            due_contacts([None], [30], "2024-12-28", birthdays=["2030-01-01"])
        assert info.value.field == "birthdays"
        assert info.value.first_row == 0 and info.value.n_rows == 1
        assert "check as_of" in str(info.value)

    @FEW
    @given(
        offsets=st.lists(
            st.one_of(st.none(), st.integers(-800, 800)), min_size=1, max_size=20
        ),
        as_of=st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)),
        pandas_input=st.booleans(),
    )
    def test_dates_around_as_of(
        self, offsets: list[int | None], as_of: dt.date, pandas_input: bool
    ) -> None:
        """Any dates of birth around as_of: refused exactly when one is after
        it (first row and count right); born on as_of itself is fine."""
        born = [None if k is None else as_of + dt.timedelta(days=k) for k in offsets]
        arg: object = (
            pd.Series(pd.to_datetime(born)) if pandas_input else [
                None if b is None else b.isoformat() for b in born
            ]
        )  # fmt: skip
        n = len(born)
        later = [k is not None and k > 0 for k in offsets]

        def call():
            return due_contacts([None] * n, [NAN] * n, as_of, birthdays=arg)

        if not any(later):
            call()
            return
        with pytest.raises(InputError) as info:
            call()
        assert info.value.field == "birthdays"
        assert info.value.first_row == later.index(True)
        assert info.value.n_rows == sum(later)


# --------------------------------------------------------------------------
# F9: one field, one column


class TestProfileOneColumnPerField:
    def test_reported_example(self) -> None:
        """{'tel': 'phone'} beside a phone column: the same error as the
        explicit double mapping; dropping a column is a fix that works."""
        d = pd.DataFrame({"phone": ["1", None], "tel": [None, "2"], "name": ["a", "b"]})
        with pytest.raises(ThresholdError, match="both 'tel' and 'phone' feed 'phone'"):
            profile_completeness(d, fields={"tel": "phone"})
        with pytest.raises(ThresholdError, match="maps both 'tel' and 'phone'"):
            profile_completeness(d, fields={"tel": "phone", "phone": "phone"})
        kw = {"hard": ["name", "phone"], "soft": [], "weights": (1, 0)}
        res = profile_completeness(
            d.drop(columns=["phone"]), fields={"tel": "phone"}, **kw
        )
        assert res.score.tolist() == [0.5, 1.0]
        res = profile_completeness(d, **kw)  # tel left unmapped: phone is used
        assert res.score.tolist() == [1.0, 0.5]

    @settings(max_examples=60, deadline=None)
    @given(data=st.data(), n_fields=st.integers(1, 5))
    def test_any_mapping(self, data: st.DataObject, n_fields: int) -> None:
        """Any table of field-named and other columns, any mapping onto the
        fields: refused exactly when a field would be fed by two columns
        (two mapped, or one mapped beside its own column not mapped away);
        otherwise every field has at most one column and each column feeds
        at most one field."""
        fields = [f"f{i}" for i in range(n_fields)]
        others = ["x", "y"]
        columns = data.draw(
            st.lists(st.sampled_from(fields + others), unique=True, min_size=1)
        )
        mapping = data.draw(
            st.dictionaries(st.sampled_from(fields + others), st.sampled_from(fields))
        )
        table = {c: ["v", None] for c in columns}
        targets = list(mapping.values())
        twice = len(set(targets)) < len(targets) or any(
            c in table and c != f and f in table and f not in mapping
            for c, f in mapping.items()
        )
        call = lambda: profile_completeness(  # noqa: E731
            table, fields=mapping, hard=fields, soft=[], weights=(1, 0)
        )
        absent = any(c not in table for c in mapping)  # refused (audit 19)
        if twice or absent:
            with pytest.raises(ThresholdError):
                call()
            return
        try:
            r = call()
        except InputError:
            return  # none of the fields has a column in the data
        used = [c for c in r.columns.values() if c is not None]
        assert len(used) == len(set(used))
        for f, c in r.columns.items():
            if c is not None:
                assert c in table and (mapping.get(c, c) == f)


# --------------------------------------------------------------------------
# F7: the presets' nps field is a whole score


class TestPresetNpsIsInteger:
    def test_every_preset_declares_an_integer(self) -> None:
        """Every preset with an nps field declares it integer 0..10."""
        seen = 0
        for name in rules.presets():
            spec = rules.preset(name).fields.get("nps")
            if spec is None:
                continue
            seen += 1
            assert (spec.kind, spec.min, spec.max) == ("integer", 0, 10), name
        assert seen >= 1

    @FEW
    @given(
        scores=st.lists(
            st.one_of(st.just(NAN), st.integers(0, 10).map(float)),
            min_size=1,
            max_size=20,
        ),
        fraction=st.one_of(st.none(), st.sampled_from([0.5, 6.5, 8.5, 9.25])),
        name=st.sampled_from(["base", "ecommerce", "mother_baby", "furniture"]),
    )
    def test_preset_and_function_agree(
        self, scores: list[float], fraction: float | None, name: str
    ) -> None:
        """Whole scores (and missing): the preset's band = nps_band(); a
        fraction among them: both refuse, naming nps."""
        if fraction is not None:
            scores = [*scores, fraction]
        n = len(scores)
        spine = {
            "recency_days": np.full(n, NAN),
            "frequency": np.zeros(n, dtype=int),
            "monetary": np.zeros(n),
            "tenure_days": np.full(n, NAN),
            "r": [None] * n,
            "f": [None] * n,
            "m": [None] * n,
        }
        rs = rules.load(name)
        if fraction is None:
            out = rs.evaluate({**spine, "nps": np.array(scores)})
            want = nps_band(np.array(scores)).to_numpy().tolist()
            assert [str(x) for x in out["nps_band"].to_numpy()] == want
            return
        with pytest.raises(InputError) as info:
            rs.evaluate({**spine, "nps": np.array(scores)})
        assert info.value.field == "nps"
        with pytest.raises(InputError):
            nps_band(np.array(scores))

    def test_cli_refuses_a_fraction(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The audit's command: exit 2 and a message naming nps."""
        from custseg.cli import main

        tx = tmp_path / "t.csv"
        tx.write_text("customer_id,date,amount\na,2024-12-01,10\nb,2024-12-02,10\n")
        rec = tmp_path / "r.csv"
        rec.write_text("customer_id,nps\na,6.5\nb,8.5\n")
        status = main(
            ["segment", str(tx), "--records", str(rec), "--preset", "base",
             "--output", str(tmp_path / "o.csv")]
        )  # fmt: skip
        err = capsys.readouterr().err
        assert status == 2
        assert "'nps' has non-integer values" in err
