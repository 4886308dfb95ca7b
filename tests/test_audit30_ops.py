"""Audit 30, the operations layer (playbook, migration): findings of the probe
of ``due_contacts``, ``Playbook.to_mapping`` / ``from_mapping`` and
``transition_matrix``, each test covering the class of a finding, not only
its example.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.cli import main
from custseg.errors import InputError, RulesError, ThresholdError
from custseg.migration import transition_matrix
from custseg.playbook import (
    PLAYBOOK_NAMES,
    Action,
    Playbook,
    actions,
    default_playbook,
    due_contacts,
)

NAN = float("nan")
ZONES = (
    "UTC",
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
)


# --------------------------------------------------------------------------
# 1. due_contacts: one day for the list, read in the zone the dates name


def test_birthday_in_shanghai_whatever_the_last_contacts_zone() -> None:
    """The worked example: a Shanghai birthday today in Shanghai is due
    whether the (all-missing) last contacts carry a zone or not."""
    sh = "Asia/Shanghai"
    as_of = pd.Timestamp("2024-12-27 20:00", tz="UTC")  # the 28th in Shanghai
    bday = pd.Series([pd.Timestamp("1990-12-28", tz=sh)], index=["a"])
    never = pd.Series([pd.NaT], index=["a"])
    for last in (never, never.dt.tz_localize(sh), [None]):
        due = due_contacts(last, [NAN], as_of, birthdays=bday, birthday_window_days=1)
        assert due.counts() == {"birthday": 1}
        assert due.as_of == np.datetime64("2024-12-28")


# an instant within 3 hours of a local midnight of the zone, as minutes
near_midnight = st.tuples(
    st.sampled_from(ZONES),
    st.dates(datetime.date(2001, 1, 1), datetime.date(2030, 12, 31)),
    st.integers(-180, 179),
)


def _instant(zone: str, day: datetime.date, minutes: int) -> pd.Timestamp:
    midnight = pd.Timestamp(day).tz_localize(zone)
    return midnight + pd.Timedelta(minutes=minutes)


@settings(max_examples=40, deadline=None)
@given(
    near_midnight,
    st.sampled_from(ZONES),
    st.sampled_from(["none", "naive", "same zone"]),
    st.integers(0, 2),
)
def test_birthday_day_is_read_in_the_birthdays_zone(
    moment: tuple[str, datetime.date, int],
    as_of_zone: str,
    last_kind: str,
    ahead: int,
) -> None:
    """For every zone, instant near midnight, zone the instant is written in
    and kind of last-contact column (none, naive, the birthdays' zone), the
    birthday window counts from the instant's day in the birthdays' zone."""
    zone, day, minutes = moment
    instant = _instant(zone, day, minutes)
    local = instant.tz_convert(zone).date()  # the reference day
    target = local + datetime.timedelta(days=ahead)
    if (target.month, target.day) == (2, 29):
        return  # 29 February has its own rule, tested elsewhere
    born = pd.Timestamp(datetime.date(1980, target.month, target.day)).tz_localize(zone)
    births = pd.Series([born], index=["a"])
    if last_kind == "none":
        last: object = [None]
    elif last_kind == "naive":
        last = pd.Series([pd.Timestamp(local) - pd.Timedelta(days=3)], index=["a"])
    else:
        last = pd.Series(
            [pd.Timestamp(local).tz_localize(zone) - pd.Timedelta(days=3)], index=["a"]
        )
    due = due_contacts(
        last,
        [NAN],
        instant.tz_convert(as_of_zone),
        birthdays=births,
        birthday_window_days=2,
    )
    assert due.as_of == np.datetime64(local, "D")
    assert due.counts() == ({"birthday": 1} if ahead < 2 else {})
    if ahead < 2:
        assert due.due_on[0] == np.datetime64(target, "D")


@settings(max_examples=30, deadline=None)
@given(near_midnight, st.sampled_from(ZONES), st.integers(0, 2))
def test_holiday_day_is_read_in_the_holidays_zone(
    moment: tuple[str, datetime.date, int], as_of_zone: str, ahead: int
) -> None:
    """A holiday given as a zoned Timestamp counts from the instant's day in
    its zone, whatever zone the last contacts (naive here) have."""
    zone, day, minutes = moment
    instant = _instant(zone, day, minutes)
    local = instant.tz_convert(zone).date()
    holiday = pd.Timestamp(local + datetime.timedelta(days=ahead)).tz_localize(zone)
    due = due_contacts(
        pd.Series([pd.NaT], index=["a"]),
        30,
        instant.tz_convert(as_of_zone),
        holidays={"feast": holiday},
        holiday_window_days=2,
    )
    reasons = set(due.counts())
    assert ("holiday: feast" in reasons) == (ahead < 2)
    assert due.as_of == np.datetime64(local, "D")


@settings(max_examples=30, deadline=None)
@given(
    near_midnight,
    st.sampled_from(ZONES),
    st.sampled_from(["birthdays", "holiday"]),
)
def test_dates_in_two_zones_with_an_aware_as_of_are_refused(
    moment: tuple[str, datetime.date, int], other: str, where: str
) -> None:
    """Two zones among the dates and a zoned as_of: an InputError naming
    as_of and both zones; the same inputs with the day itself (naive) are
    read."""
    zone, day, minutes = moment
    if other == zone:
        return
    instant = _instant(zone, day, minutes)
    last = pd.Series([pd.Timestamp("2000-01-01", tz=zone)], index=["a"])
    extra: dict[str, object] = (
        {"birthdays": pd.Series([pd.Timestamp("1990-06-01", tz=other)], index=["a"])}
        if where == "birthdays"
        else {"holidays": {"feast": pd.Timestamp("2031-06-01", tz=other)}}
    )
    with pytest.raises(InputError) as err:
        due_contacts(last, 30, instant, **extra)  # type: ignore[arg-type]
    assert err.value.field == "as_of"
    assert zone in str(err.value) and other in str(err.value)
    assert "give as_of as a day" in str(err.value)
    naive = instant.tz_convert(zone).tz_localize(None)
    due_contacts(last, 30, naive, **extra)  # type: ignore[arg-type]


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def test_cli_due_reads_as_of_in_the_birthday_columns_zone() -> None:
    """``custseg due`` with a Parquet birthday column in Shanghai and no last
    contacts: the list is for Shanghai's day, and the birthday is due."""
    pytest.importorskip("pyarrow")
    folder = Path(tempfile.mkdtemp())
    table = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "birthday": pd.Series(
                [pd.Timestamp("1990-12-28"), pd.Timestamp("1985-06-01")]
            ).dt.tz_localize("Asia/Shanghai"),
        }
    )
    path = folder / "crm.parquet"
    table.to_parquet(path)
    code, out, err = _run(
        [
            "due",
            str(path),
            "--as-of",
            "2024-12-27T20:00Z",
            "--cadence",
            "30",
            "--birthday",
            "birthday",
            "--birthday-window",
            "1",
        ]
    )
    assert code == 0, err
    assert "due on 2024-12-28" in out
    assert "birthday" in out


# --------------------------------------------------------------------------
# 2. Playbook.to_mapping carries the aliases back through from_mapping


@pytest.mark.parametrize("name", PLAYBOOK_NAMES)
def test_every_shipped_playbook_round_trips(name: str) -> None:
    pb = default_playbook(name)
    assert pb.aliases  # every shipped playbook has some
    copy = Playbook.from_mapping(pb.to_mapping(), name=pb.name)
    assert copy == pb and hash(copy) == hash(pb)
    for alias, label in pb.aliases.items():
        assert copy.action_for(alias) == pb.actions[label]
    assert copy.uncovered(list(pb.aliases)) == ()


def test_the_finding_copy_finds_the_chinese_label() -> None:
    pb = default_playbook("lifecycle")
    copy = Playbook.from_mapping(pb.to_mapping(), name="lifecycle")
    plan = actions(["沉默期"], copy).to_pandas()
    assert (
        plan["action"].iloc[0] == actions(["沉默期"], pb).to_pandas()["action"].iloc[0]
    )


_label = st.text(st.sampled_from("abcxyz沉默期 "), min_size=1, max_size=4).filter(
    str.strip
)


@st.composite
def playbooks(draw: st.DrawFn) -> Playbook:
    labels = draw(st.lists(_label, min_size=1, max_size=4, unique=True))
    acts = {
        label: Action(
            draw(_label),
            draw(_label),
            draw(st.integers(1, 5)),
            cadence_days=draw(st.none() | st.floats(0.5, 400)),
            deadline_days=draw(st.none() | st.floats(1, 900)),
            translations=draw(
                st.sampled_from(
                    [{}, {"zh": {"action": "关怀"}}, {"ja": {"channel": "電話"}}]
                )
            ),
        )
        for label in labels
    }
    others = draw(st.lists(_label, max_size=5, unique=True))
    aliases = {a: draw(st.sampled_from(labels)) for a in others if a not in acts}
    name = draw(st.none() | st.sampled_from(["lifecycle", "tier"]))
    return Playbook(acts, name=name, aliases=aliases)


@settings(max_examples=40, deadline=None)
@given(playbooks())
def test_made_playbooks_round_trip(pb: Playbook) -> None:
    data = pb.to_mapping()
    copy = Playbook.from_mapping(data, name=pb.name)
    assert copy == pb
    assert copy.to_mapping() == data
    for alias, label in pb.aliases.items():
        assert copy.action_for(alias) == pb.actions[label]


def test_from_mapping_checks_the_aliases() -> None:
    entry = {"action": "call", "channel": "phone", "priority": 1}
    with pytest.raises(
        ThresholdError, match=r"'playbook.t.a.aliases' must be a sequence"
    ):
        Playbook.from_mapping({"a": {**entry, "aliases": "x"}}, name="t")
    with pytest.raises(
        ThresholdError, match=r"'playbook.t.a.aliases\[0\]' must be non-empty"
    ):
        Playbook.from_mapping({"a": {**entry, "aliases": [" "]}}, name="t")
    with pytest.raises(ThresholdError, match=r"gives the alias 'x' to 'b'"):
        Playbook.from_mapping(
            {"a": {**entry, "aliases": ["x"]}, "b": {**entry, "aliases": ["x"]}},
            name="t",
        )
    with pytest.raises(ThresholdError, match=r"'b' is a label of its own"):
        Playbook.from_mapping({"a": {**entry, "aliases": ["b"]}, "b": entry}, name="t")
    with pytest.raises(ThresholdError, match=r"gives the alias 'x' to 'b'"):
        Playbook.from_mapping(
            {"a": {**entry, "aliases": ["x"]}, "b": entry}, aliases={"x": "b"}
        )
    both = Playbook.from_mapping(
        {"a": {**entry, "aliases": ["x"]}, "b": entry}, aliases={"x": "a", "y": "b"}
    )
    assert dict(both.aliases) == {"x": "a", "y": "b"}


def test_a_rules_file_gives_aliases() -> None:
    text = """format = 1
extends = "ecommerce"
[playbook.lifecycle.silent]
action = "Care"
channel = "phone"
priority = 1
aliases = ["quiet"]
"""
    pb = rules.loads(text).playbook("lifecycle")
    assert pb.action_for("quiet") == pb.action_for("silent")
    assert pb.action_for("沉默期") == pb.action_for("silent")
    with pytest.raises(RulesError, match="'sleeping' is a label of its own"):
        rules.loads(text.replace('["quiet"]', '["sleeping"]'))


# --------------------------------------------------------------------------
# 3. transition_matrix pairs integer ids with whole float ids, as documented


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=8, unique=True),
    st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=8, unique=True),
    st.booleans(),
)
def test_integer_and_float_ids_pair_by_value(
    before: list[int], after: list[int], halves: bool
) -> None:
    floats = [float(x) for x in after] + ([0.5] if halves else [])
    b = pd.Series(["x"] * len(before), index=before)
    a = pd.Series(["x"] * len(floats), index=floats)
    tm = transition_matrix(b, a)
    assert tm.n_both == len(set(before) & set(after))
    doc = " ".join((transition_matrix.__doc__ or "").split())
    assert "integers and floats: none would match" not in doc
    assert "Integer and float ids are paired by value" in doc
