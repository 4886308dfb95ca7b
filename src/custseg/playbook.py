"""Playbooks: what to do with each class of customer, and who is due today.

A :class:`Playbook` maps the label names of one classification (lifecycle
stages, care phases, RFM segments, ABC classes) to an :class:`Action`: what
to do, on which channel, how often (a contact cadence in days), how urgent
(a priority, 1 first) and, for win-back plans, a deadline past which the
spending stops. :func:`actions` applies a playbook to labels, one row per
customer; :func:`due_contacts` lists who is due for contact on a day and why:
the cadence elapsed, a birthday, a holiday, points to redeem.

The default playbooks (:func:`default_playbook`) follow Chinese retail CRM
practice (differentiated care and offers per class, the new-customer care
phases, win-back with a deadline), in English and Chinese.

Conventions
-----------
* Cadence: a customer is due when the days since the last contact are at
  least the cadence, ``days >= cadence`` (the cadence day itself is due; the
  interval of *not* due days is ``[0, cadence)``). Never contacted is due.
* Windows are half-open: a birthday or holiday ``k`` days ahead is in a
  window of ``w`` days when ``0 <= k < w`` (``w = 7``: today and the next six
  days).
* Deadlines are days since the last purchase: from ``deadline_days`` on
  (``recency >= deadline_days``) the win-back stops.
"""

from __future__ import annotations

import difflib
import math
import types
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import (
    RESULT_INDEX,
    common_index,
    flat_ids,
    fresh_index,
    is_pandas,
    kinds_apart,
    numbers_left,
    other_ids,
    paired,
    realign_fix,
    to_pandas_index,
)
from ._categories import simplified
from .errors import CustsegWarning, InputError, ThresholdError
from .labels import Labels, label_codes
from .value import READINESS_APPROACH

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Action",
    "ActionPlan",
    "DueContacts",
    "Playbook",
    "actions",
    "default_playbook",
    "due_contacts",
]

#: The action text of a label the playbook does not cover.
NO_ACTION = "no action defined"
#: The action text of a customer past the win-back deadline.
STOPPED = "stop: win-back deadline passed"
#: The action text of a customer of a class with a win-back deadline whose
#: recency is missing: whether the deadline has passed is not known.
RECENCY_UNKNOWN = "check: recency unknown, win-back deadline not checked"
_TEXTS = {
    "en": {NO_ACTION: NO_ACTION, STOPPED: STOPPED, RECENCY_UNKNOWN: RECENCY_UNKNOWN},
    "zh": {
        NO_ACTION: "未定义动作",
        STOPPED: "已超过挽回期限,止损",
        RECENCY_UNKNOWN: "待核实:最近消费未知,无法判断挽回期限",
    },
}
#: The keys of one action in a playbook table, in the order they are shown.
KEYS = (
    "action",
    "channel",
    "cadence_days",
    "priority",
    "deadline_days",
    "translations",
)
#: The keys of one label's entry in a playbook table: its action's, then
#: ``aliases``, the label's other names (``["沉默期"]`` for ``silent``).
LABEL_KEYS = (*KEYS, "aliases")
_REQUIRED = ("action", "channel", "priority")
_TRANSLATED = ("action", "channel")
_NAT = np.iinfo(np.int64).min
_NONE = np.asarray(None, dtype=object)


# --------------------------------------------------------------------------
# parameters


def _text(value: Any, field: str) -> str:
    text = v.text_param(value, field)
    if not text.strip():
        raise ThresholdError(f"{field!r} must be non-empty text: got {text!r}")
    return text


def _positive_days(value: Any, field: str) -> float | None:
    if value is None:
        return None
    days = v.number_param(value, field)
    if not (math.isfinite(days) and days > 0):
        raise ThresholdError(
            f"{field!r} must be a number of days in (0, inf): got {value!r}"
        )
    return days


def _priority(value: Any, field: str) -> int:
    if not v.is_int(value):  # not a bool, nor a np.timedelta64
        raise ThresholdError(
            f"{field!r} must be a whole number >= 1 (1 = first): "
            f"got {type(value).__name__} {v.describe(value)}"
        )
    if not 1 <= int(value) <= 1_000_000:
        raise ThresholdError(
            f"{field!r} must be a whole number in [1, 1000000] (1 = first): got {value}"
        )
    return int(value)


def _unknown_key(key: Any, allowed: tuple[str, ...], path: str) -> ThresholdError:
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(repr(k) for k in allowed)
    return ThresholdError(
        f"{path!r} has an unknown key {str(key)!r}{hint}: the keys are {listed}"
    )


def _table(value: Any, field: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ThresholdError(
            f"{field!r} must be a table (a dict): got {type(value).__name__} "
            f"{v.describe(value)}"
        )
    return value


def _readonly(table: dict[str, Any]) -> Mapping[str, Any]:
    """*table* behind a read-only view: a frozen value's tables refuse
    ``table[key] = ...`` and ``del table[key]`` (a TypeError), so nothing
    gets past the checks of the constructor."""
    return types.MappingProxyType(table)


def _table_key(table: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The equality and hash key of a table of hashable values: its items in
    key order (the keys are text), so that, as for ``dict ==``, the order of
    the entries does not count and equal values hash equal."""
    return tuple(sorted(table.items()))


def _translations_key(
    table: Mapping[str, Mapping[str, str]],
) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    return tuple(sorted((lang, _table_key(texts)) for lang, texts in table.items()))


def _plain(table: Mapping[str, Any]) -> dict[str, Any]:
    """A table of tables as plain (writable) dicts: a copy."""
    return {k: dict(t) if isinstance(t, Mapping) else t for k, t in table.items()}


def _plain_repr(table: Mapping[str, Any]) -> str:
    return repr(_plain(table))


def _translations(value: Any, field: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang, texts in _table(value, field).items():
        where = f"{field}.{lang}"
        if not isinstance(lang, str) or not lang.strip() or lang == "en":
            raise ThresholdError(
                f"{field!r} keys must be language codes other than 'en' (English is "
                f"the action itself): got {v.describe(lang)}"
            )
        entry: dict[str, str] = {}
        for key, text in _table(texts, where).items():
            if key not in _TRANSLATED:
                raise _unknown_key(key, _TRANSLATED, where)
            entry[key] = _text(text, f"{where}.{key}")
        out[lang] = entry
    return out


def _action_translations(value: Any) -> Mapping[str, Mapping[str, str]]:
    return _readonly(
        {
            lang: _readonly(texts)
            for lang, texts in _translations(value, "translations").items()
        }
    )


def _action_text(value: Any) -> str:
    return _text(value, "action")


def _channel_text(value: Any) -> str:
    return _text(value, "channel")


#: The longest cadence (days) accepted: 10**12 days (billions of years), far
#: below where the due day would overflow. "No periodic contact" is NaN (or
#: no cadence), not a huge number.
MAX_CADENCE_DAYS = 10**12


def _cadence_days(value: Any, field: str) -> float | None:
    days = _positive_days(value, field)
    if days is not None and days > MAX_CADENCE_DAYS:
        raise ThresholdError(
            f"{field!r} must be at most {MAX_CADENCE_DAYS:,} days: got "
            f"{value!r} (for no periodic contact, leave the cadence out)"
        )
    return days


def _cadence(value: Any) -> float | None:
    return _cadence_days(value, "cadence_days")


def _deadline(value: Any) -> float | None:
    return _positive_days(value, "deadline_days")


def _priority_field(value: Any) -> int:
    return _priority(value, "priority")


@attrs.frozen
class Action:
    """What to do with the customers of one class.

    An action is a value: equal actions hash equal, so they can be set
    members or dict keys, and it pickles and copies.

    Parameters
    ----------
    action
        What to do, in English (``"Care first, then free shipping"``).
    channel
        How to reach them (``"phone"``, ``"sms"``, ``"wechat"``, ``"mail"``,
        ``"in_store"``, ``"none"``; free text).
    priority
        Whole number >= 1; 1 is worked first.
    cadence_days
        Contact every this many days (> 0); ``None``: no periodic contact
        (the class is left alone, e.g. past a win-back).
    deadline_days
        For win-back plans: days since the last purchase from which the plan
        stops and no more is spent (``recency >= deadline_days``); ``None``:
        no deadline.
    translations
        Other languages: ``{"zh": {"action": ..., "channel": ...}}`` (either
        key may be left out; English is used for it). Kept as read-only
        tables: ``a.translations["zh"] = ...`` raises a TypeError
        (:func:`attrs.evolve` makes a changed copy).

    Examples
    --------
    >>> a = Action("Care first, then free shipping", "phone", 1, cadence_days=14,
    ...            translations={"zh": {"action": "以关怀为先,再包邮"}})
    >>> a.text("zh"), a.text("en")
    (('以关怀为先,再包邮', 'phone'), ('Care first, then free shipping', 'phone'))
    >>> Action("call", "phone", 0)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'priority' must be a whole number in [1, 1000000] (1 = first): got 0
    >>> len({a, Action("Care first, then free shipping", "phone", 1,
    ...                cadence_days=14, translations={"zh": {"action": "以关怀为先,再包邮"}})})
    1
    """

    action: str = attrs.field(converter=_action_text)
    channel: str = attrs.field(converter=_channel_text)
    priority: int = attrs.field(converter=_priority_field)
    cadence_days: float | None = attrs.field(default=None, converter=_cadence)
    deadline_days: float | None = attrs.field(default=None, converter=_deadline)
    translations: Mapping[str, Mapping[str, str]] = attrs.field(
        factory=dict,
        converter=_action_translations,
        eq=_translations_key,
        repr=_plain_repr,
    )

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt through the constructor: a read-only table does not pickle
        return (
            Action,
            (
                self.action,
                self.channel,
                self.priority,
                self.cadence_days,
                self.deadline_days,
                _plain(self.translations),
            ),
        )

    def text(self, lang: str = "en") -> tuple[str, str]:
        """The action and channel in *lang* (English where not translated).

        Parameters
        ----------
        lang
            ``"en"`` or a key of :attr:`translations` (``"zh"``).

        Examples
        --------
        >>> Action("call", "phone", 1).text("zh")
        ('call', 'phone')
        """
        entry = self.translations.get(lang, {}) if lang != "en" else {}
        return entry.get("action", self.action), entry.get("channel", self.channel)

    def to_mapping(self) -> dict[str, Any]:
        """The plain data :meth:`Playbook.from_mapping` reads (``None``s left out).

        >>> Action("call", "phone", 1, cadence_days=5).to_mapping()
        {'action': 'call', 'channel': 'phone', 'cadence_days': 5.0, 'priority': 1}
        """
        out: dict[str, Any] = {}
        for key in KEYS:
            value = getattr(self, key)
            if value is not None and value != {}:
                out[key] = _plain(value) if key == KEYS[-1] else value
        return out


def _actions_map(value: Any) -> Mapping[str, Action]:
    out: dict[str, Action] = {}
    for label, action in _table(value, "actions").items():
        name = _text(label, "actions key")
        if not isinstance(action, Action):
            raise ThresholdError(
                f"'actions[{name!r}]' must be an Action: got {type(action).__name__}"
            )
        out[name] = action
    return _readonly(out)


def _aliases(value: Any) -> Mapping[str, str]:
    return _readonly(
        {
            _text(k, "aliases key"): _text(t, f"aliases[{k!r}]")
            for k, t in _table(value, "aliases").items()
        }
    )


def _entry_aliases(
    table: Mapping[str, Any], root: str, given: Mapping[str, str] | None
) -> dict[str, str]:
    """``{alias: label}`` from the ``aliases`` lists of a playbook table's
    entries (checked to be tables), then the *given* ones; an alias of two
    labels is refused."""
    found: list[tuple[str, str, str]] = []  # (alias, label, where it was given)
    for label, entry in table.items():
        if entry.get("aliases") is None:
            continue
        field = f"{root}.{label}.aliases"
        names = v._param_sequence(entry["aliases"], field, "names")
        found += [
            (_text(x, f"{field}[{i}]"), label, field) for i, x in enumerate(names)
        ]
    found += [(a, t, f"aliases[{a!r}]") for a, t in _aliases(given or {}).items()]
    out: dict[str, tuple[str, str]] = {}
    for alias, label, field in found:
        if alias in table and alias != label:
            raise ThresholdError(
                f"{field!r} gives {alias!r} to {label!r}, but {alias!r} is a "
                "label of its own: an alias must not hide another label's action"
            )
        first = out.setdefault(alias, (label, field))
        if first[0] != label:
            raise ThresholdError(
                f"{field!r} gives the alias {alias!r} to {label!r}, and "
                f"{first[1]!r} to {first[0]!r}: an alias names one label; give "
                "it to one of them"
            )
    return {alias: label for alias, (label, _) in out.items()}


def _opt_name(value: Any) -> str | None:
    return None if value is None else _text(value, "name")


@attrs.frozen(repr=False)
class Playbook:
    """The :class:`Action` for each label name of one classification.

    A playbook is a value: *actions* and *aliases* are kept as read-only
    tables (``pb.actions["x"] = ...`` raises a TypeError; build a new
    playbook, or use :func:`attrs.evolve`), equal playbooks hash equal
    (the order of the entries does not count), and it pickles and copies.
    Its repr is short: the label count, then each label in priority order
    with its priority (``#1``), channel, cadence and deadline.

    Parameters
    ----------
    actions
        ``{label name: Action}``.
    name
        The classification the labels come from (``"lifecycle"``), or None.
    aliases
        Other names of the labels, ``{other name: label name}``: the label
        names of the same classification in another language (``"沉默期"``
        for ``"silent"``), so translated labels find their action.

    Examples
    --------
    >>> pb = Playbook({"A": Action("personal service", "phone", 1, cadence_days=14),
    ...                "C": Action("general promotions", "sms", 2, cadence_days=60)})
    >>> pb.action_for("A").channel, pb.action_for("B") is None
    ('phone', True)
    >>> pb.uncovered(["A", "B", "C", "B"])
    ('B',)
    >>> pb
    Playbook(n=2 labels, A #1 phone every 14.0 days, C #2 sms every 60.0 days)
    >>> hash(pb) == hash(Playbook(dict(reversed(pb.actions.items()))))
    True
    """

    actions: Mapping[str, Action] = attrs.field(converter=_actions_map, eq=_table_key)
    name: str | None = attrs.field(default=None, converter=_opt_name)
    aliases: Mapping[str, str] = attrs.field(
        factory=dict, converter=_aliases, eq=_table_key
    )

    def __attrs_post_init__(self) -> None:
        for alias, label in self.aliases.items():
            if label not in self.actions:
                raise ThresholdError(
                    f"'aliases[{alias!r}]' must name a label of the playbook "
                    f"({', '.join(map(repr, self.actions))}): got {label!r}"
                )
            if alias in self.actions and alias != label:
                raise ThresholdError(
                    f"'aliases' key {alias!r} is a label of its own: an alias must "
                    "not hide another label's action"
                )

    @property
    def labels(self) -> tuple[str, ...]:
        """The label names the playbook covers, in order of priority.

        >>> default_playbook("abc").labels
        ('A', 'B', 'C', 'unknown')
        """
        return tuple(sorted(self.actions, key=lambda k: self.actions[k].priority))

    def action_for(self, label: str) -> Action | None:
        """The action of *label* (or of the label it is an alias of), or None.

        Parameters
        ----------
        label
            A label name or an alias.

        Examples
        --------
        >>> default_playbook("lifecycle").action_for("沉默期").channel
        'phone'

        A label in traditional Chinese finds the action of its simplified
        form (when that is one label):

        >>> default_playbook("lifecycle").action_for("活躍期").channel
        'wechat'
        """
        if not isinstance(label, str):
            raise ThresholdError(
                f"'label' must be one label name (a str): got "
                f"{type(label).__name__} {v.describe(label)}"
                + (
                    "; for several, use uncovered()"
                    if isinstance(label, list | tuple)
                    else ""
                )
            )
        found = self.actions.get(label)
        if found is None and label in self.aliases:
            found = self.actions[self.aliases[label]]
        if found is None:  # written in traditional Chinese (or NFD)
            key = simplified(label)
            targets = {
                target
                for name, target in [
                    *((n, n) for n in self.actions),
                    *self.aliases.items(),
                ]
                if simplified(name) == key
            }
            if len(targets) == 1:  # never a guess between two labels
                found = self.actions[targets.pop()]
        return found

    def uncovered(self, labels: Any) -> tuple[str, ...]:
        """The label names in *labels* the playbook has no action for.

        Parameters
        ----------
        labels
            Label names (any iterable; repeats are fine), or a :class:`Labels`
            (all its names count, also those no row has).

        Examples
        --------
        >>> default_playbook("lifecycle").uncovered(["active", "churned"])
        ('churned',)
        """
        if isinstance(labels, Labels):
            names: Any = labels.names
        elif isinstance(labels, str | bytes) or not isinstance(labels, Iterable):
            # one string is not a list of names: "lost" would be l, o, s, t
            raise ThresholdError(
                "'labels' must be a sequence of label names, such as ['lost'], or "
                f"a Labels: got {type(labels).__name__} {v.describe(labels)}"
            )
        else:
            names = labels
        seen: dict[str, None] = {}
        for name in names:
            if v.is_missing_scalar(name):
                continue
            if self.action_for(str(name)) is None:
                seen.setdefault(str(name))
        return tuple(seen)

    @classmethod
    def from_mapping(
        cls,
        data: Any,
        *,
        name: str | None = None,
        aliases: Mapping[str, str] | None = None,
        path: str | None = None,
    ) -> Playbook:
        """Build a playbook from plain data: the shape of a TOML table.

        Parameters
        ----------
        data
            ``{label: {"action": str, "channel": str, "priority": int,
            "cadence_days": number, "deadline_days": number, "translations":
            {lang: {"action": str, "channel": str}}, "aliases": [str]}}``.
            ``action``, ``channel`` and ``priority`` are required; the others
            may be left out (no periodic contact, no deadline, English only,
            no other names). ``aliases`` lists the label's other names
            (``["沉默期"]`` for ``silent``, see :class:`Playbook`). Any other
            key is an error.
        name
            The classification (``"lifecycle"``).
        aliases
            More other names, ``{other name: label name}``, besides those
            the entries list.
        path
            Where *data* sits, for messages; default ``"playbook.<name>"``.

        Raises
        ------
        ThresholdError
            A bad value or unknown key, naming its full key path
            (``'playbook.lifecycle.silent.cadence_days'``); an alias given
            to two labels, or one that is another label's name.

        Examples
        --------
        >>> pb = Playbook.from_mapping(
        ...     {"silent": {"action": "Care first", "channel": "phone",
        ...                 "cadence_days": 14, "priority": 1,
        ...                 "translations": {"zh": {"action": "以关怀为先"}}}},
        ...     name="lifecycle")
        >>> pb.action_for("silent").text("zh")
        ('以关怀为先', 'phone')
        >>> Playbook.from_mapping({"silent": {"action": "Care", "channel": "phone",
        ...                                   "priority": 1, "cadence": 14}},
        ...                       name="lifecycle")
        Traceback (most recent call last):
        ...
        custseg.errors.ThresholdError: 'playbook.lifecycle.silent' has an unknown key 'cadence' (did you mean 'cadence_days'?): the keys are 'action', 'channel', 'cadence_days', 'priority', 'deadline_days', 'translations', 'aliases'
        """
        root = path if path is not None else f"playbook.{name}" if name else "playbook"
        table = _table(data, root)
        if not table:
            raise ThresholdError(
                f"{root!r} must have at least one label: got an empty table"
            )
        built: dict[str, Action] = {}
        for label, entry in table.items():
            where = f"{root}.{label}"
            if not isinstance(label, str) or not label.strip():
                raise ThresholdError(
                    f"{root!r} keys must be label names (non-empty text): got "
                    f"{v.describe(label)}"
                )
            entry = _table(entry, where)
            for key in entry:
                if key not in LABEL_KEYS:
                    raise _unknown_key(key, LABEL_KEYS, where)
            for key in _REQUIRED:
                if key not in entry:
                    raise ThresholdError(f"{where!r} must have the key {key!r}")
            built[label] = Action(
                action=_text(entry["action"], f"{where}.action"),
                channel=_text(entry["channel"], f"{where}.channel"),
                priority=_priority(entry["priority"], f"{where}.priority"),
                cadence_days=_cadence_days(
                    entry.get("cadence_days"), f"{where}.cadence_days"
                ),
                deadline_days=_positive_days(
                    entry.get("deadline_days"), f"{where}.deadline_days"
                ),
                translations=_translations(
                    entry.get("translations", {}), f"{where}.translations"
                ),
            )
        return cls(built, name=name, aliases=_entry_aliases(table, root, aliases))

    def to_mapping(self) -> dict[str, dict[str, Any]]:
        """The plain data :meth:`from_mapping` reads back to an equal playbook
        (with its *name*): each label's action and, under ``aliases``, the
        label's other names.

        >>> pb = default_playbook("abc")
        >>> pb.to_mapping()["unknown"]["aliases"]
        ['未知']
        >>> Playbook.from_mapping(pb.to_mapping(), name=pb.name) == pb
        True
        """
        out = {label: a.to_mapping() for label, a in self.actions.items()}
        for alias, label in self.aliases.items():
            out[label].setdefault("aliases", []).append(alias)
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt through the constructor: a read-only table does not pickle
        return (Playbook, (dict(self.actions), self.name, dict(self.aliases)))

    def __repr__(self) -> str:
        k = len(self.aliases)
        notes = [f"{k} alias{'es' if k > 1 else ''}"] if k else []
        for label in self.labels:
            a = self.actions[label]
            # a label bare when plain, quoted otherwise; each note is clipped
            note = f"{_display._name(label)} #{a.priority} {_display._clip(a.channel)}"
            if a.cadence_days is not None:
                note += f" every {_display.format_value(a.cadence_days)} days"
            if a.deadline_days is not None:
                note += f" until {_display.format_value(a.deadline_days)} days"
            notes.append(note)
        return _display.short_repr(
            "Playbook",
            n=len(self.actions),
            noun="labels",
            fields={} if self.name is None else {"name": self.name},
            notes=notes,
        )

    def _repr_html_(self) -> str:
        rows = [
            [
                label,
                a.action,
                a.channel,
                "-" if a.cadence_days is None else a.cadence_days,
                a.priority,
                "-" if a.deadline_days is None else a.deadline_days,
            ]
            for label, a in ((k, self.actions[k]) for k in self.labels)
        ]
        return _display.html_table(
            f"Playbook {self.name!r}" if self.name else "Playbook",
            ["label", "action", "channel", "cadence days", "priority", "deadline days"],
            rows,
        )


# --------------------------------------------------------------------------
# the default playbooks, as data (the shape of a TOML [playbook.<name>] table)


def _a(
    action: str,
    channel: str,
    priority: int,
    cadence: float | None,
    zh: tuple[str, str],
    deadline: float | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"action": action, "channel": channel, "priority": priority}
    if cadence is not None:
        out["cadence_days"] = cadence
    if deadline is not None:
        out["deadline_days"] = deadline
    out["translations"] = {"zh": {"action": zh[0], "channel": zh[1]}}
    return out


_PHONE = "电话"
_SMS = "短信"
_WECHAT = "微信"
_POTENTIAL = (
    "Potential customer: invite to a trial or a first-purchase offer",
    "sms",
)
_POTENTIAL_ZH = ("潜在客户:邀请体验或首购优惠", _SMS)
_OLD_CARE = (
    "Old-customer care: mailings (DM), coupons, gifts; then bundles and new arrivals"
)
_OLD_CARE_ZH = "老客户关怀:以DM、优惠券、礼品为主,产品套装、新品上新为辅"
_PRE_CHURN = (
    "Care first, then free shipping, spend-and-save discounts with coupons, trials"
)
_PRE_CHURN_ZH = "以关怀为先,再以包邮、满减、满减结合优惠券、体验等活动为主"
_WIN_BACK = "Win-back plan: a personal call and a return offer, until the deadline"
_WIN_BACK_ZH = "挽回计划:电话关怀并给出回店优惠,规定期限"
_VIP = "Personal care, not promotion: thank them, early access, ask for referrals"
_VIP_ZH = "多给予人文关怀而非宣传产品:致谢、新品优先体验,请其转介绍"
_LATENT = "Keep good service and find latent needs: upgrades, bundles, recommendations"
_LATENT_ZH = "保持良好服务,挖掘潜在需求:升级、套装、推荐"
_GENERAL = "General promotions: spend-and-save offers, coupons, seasonal activities"
_GENERAL_ZH = "普遍性的优惠活动:满减、优惠券、季节活动"
_STOP = ("Stop spending: no paid contact", "none")
_STOP_ZH = ("及时止损:不再投入费用", "无")
_WIN_BACK_DAYS = 365.0
#: the care window of the shipped texts (the beauty salon's 5 days), said
#: as each preset's own (default_playbook(care_days=...))
_CARE_DAYS = 5
_CARE_WINDOW = "within 5 days"
_CARE_WINDOW_ZH = "5天内"
_NEW = "New-customer care: call within 5 days, then recommend activities"
_NEW_ZH = "新客关怀:5天内电话回访,再推荐活动"
# the value classes (ABC, the beauty salons' tiers A/B/C): A personal
# high-end service, B latent needs, C general promotions
_CLASS_A = (
    "Personal high-end service: a dedicated adviser, one-to-one, tailored solutions"
)
_CLASS_A_ZH = "个性化、高端的服务体验:专属顾问,一对一,定制化方案"
_CLASS_B = "Keep good service and find their latent needs to raise their value"
_CLASS_B_ZH = "保持良好服务,进一步挖掘潜在需求,提升价值"
_CLASS_C = "General promotions (spend-and-save) to lift spending"
_CLASS_C_ZH = "普遍性的优惠活动(如满减)吸引增加消费"
# a class that says the data is missing: no offer is chosen on a guess
_COMPLETE = ("Complete the customer's records before choosing an offer", "internal")
_COMPLETE_ZH = ("先补全客户档案,再决定方案", "内部")

#: Default playbooks keyed by classification, then label name (the label
#: names of the shipped rules presets and of :func:`custseg.lifecycle_stage`
#: and :func:`custseg.abc_classes`).
# Past the win-back deadline (the start of the preset's ``gone`` stage) no
# shipped playbook spends on a customer: besides the win-back plans, every
# class with a cadence that can hold a customer past it has the deadline.
# RFM scores are relative (base fits R by quantiles: R = 5 may be a year
# ago), so every scored class of rfm11, rfm_vignette, rfm8 and ecom4 may
# hold one; care_phase ``established`` holds every buyer past the care
# phases, the gone among them; visit_tier's tiers count visits over the
# whole history. Classes of customers who may have no purchase (Unscored,
# no_purchase, potential) have none: no recency, no deadline. Nor have the
# classes drawn from records or survey answers (value_tier, store_class,
# loyalty, nps_band, readiness) or from a value column (abc), whose members
# need not be buyers: a rules file gives them a deadline_days if wanted.
DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "lifecycle": {
        "active": _a(_OLD_CARE, "wechat", 3, 30, (_OLD_CARE_ZH, _WECHAT)),
        "silent": _a(_PRE_CHURN, "phone", 1, 14, (_PRE_CHURN_ZH, _PHONE)),
        "sleeping": _a(
            "Care first, then stronger offers: free shipping, discounts, a free trial",
            "phone",
            2,
            14,
            ("先关怀,再给更大力度的包邮、满减、免费体验", _PHONE),
        ),
        "lost": _a(
            _WIN_BACK, "phone", 4, 30, (_WIN_BACK_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "gone": _a(*_STOP, 6, None, _STOP_ZH),
        "no_purchase": _a(*_POTENTIAL, 5, 30, _POTENTIAL_ZH),
        # a buyer whose recency is not known (a facts table with gaps)
        "unknown": _a(*_COMPLETE, 7, None, _COMPLETE_ZH),
    },
    "care_phase": {
        "care": _a(
            "Care: call to thank them and ask how the first purchase went (within 5 days)",
            "phone",
            1,
            5,
            ("关怀:5天内电话致谢并询问首次体验", _PHONE),
        ),
        "recommend": _a(
            "Recommend activities that fit what they bought",
            "wechat",
            2,
            7,
            ("推荐活动:推荐与所购项目相配的活动", _WECHAT),
        ),
        "stimulate": _a(
            "Stimulating offer to bring about the second purchase",
            "sms",
            3,
            7,
            ("刺激活动:给出促成第二次购买的优惠", _SMS),
        ),
        "established": _a(
            _OLD_CARE, "wechat", 4, 30, (_OLD_CARE_ZH, _WECHAT), deadline=_WIN_BACK_DAYS
        ),
        "no_purchase": _a(*_POTENTIAL, 5, 30, _POTENTIAL_ZH),
        # a buyer whose tenure is not known
        "unknown": _a(*_COMPLETE, 6, None, _COMPLETE_ZH),
    },
    "rfm11": {
        "Champions": _a(
            _VIP, "phone", 2, 30, (_VIP_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "Loyal": _a(
            "Care mailings and gifts; bundles and upgrades; ask for referrals",
            "wechat",
            3,
            30,
            ("关怀(DM、礼品);套装与升级;请其转介绍", _WECHAT),
            deadline=_WIN_BACK_DAYS,
        ),
        "Potential Loyalist": _a(
            _LATENT, "wechat", 4, 30, (_LATENT_ZH, _WECHAT), deadline=_WIN_BACK_DAYS
        ),
        "New": _a(_NEW, "phone", 3, 7, (_NEW_ZH, _PHONE), deadline=_WIN_BACK_DAYS),
        "Promising": _a(
            "Stimulating offers for the next purchase; new arrivals",
            "sms",
            5,
            30,
            ("刺激活动促成再次购买;新品上新", _SMS),
            deadline=_WIN_BACK_DAYS,
        ),
        "Need Attention": _a(
            "Care call; a limited-time offer based on past purchases",
            "phone",
            3,
            21,
            ("关怀回访;基于以往购买的限时优惠", _PHONE),
            deadline=_WIN_BACK_DAYS,
        ),
        "About to Sleep": _a(
            _PRE_CHURN, "sms", 2, 14, (_PRE_CHURN_ZH, _SMS), deadline=_WIN_BACK_DAYS
        ),
        "Can't Lose Them": _a(
            "Win back personally: a call from their owner and a tailored offer, "
            "until the deadline",
            "phone",
            1,
            14,
            ("专人挽回:负责人亲自致电并定制优惠,规定期限", _PHONE),
            deadline=_WIN_BACK_DAYS,
        ),
        "At Risk": _a(
            "Care first, then a personal offer: free shipping, discounts, trials",
            "phone",
            1,
            14,
            ("先关怀,再给个性化优惠:包邮、满减、体验", _PHONE),
            deadline=_WIN_BACK_DAYS,
        ),
        "Lost": _a(
            "Low-cost win-back until the deadline; past it, stop spending",
            "sms",
            6,
            60,
            ("低成本挽回并规定期限;超过期限及时止损", _SMS),
            deadline=_WIN_BACK_DAYS,
        ),
        "Hibernating": _a(
            _GENERAL, "sms", 5, 60, (_GENERAL_ZH, _SMS), deadline=_WIN_BACK_DAYS
        ),
        "Unscored": _a(*_POTENTIAL, 7, 30, _POTENTIAL_ZH),
    },
    "rfm8": {
        "Important Win-back": _a(
            _WIN_BACK, "phone", 1, 14, (_WIN_BACK_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "Important Retention": _a(
            _PRE_CHURN, "phone", 2, 14, (_PRE_CHURN_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "Important Value": _a(
            _VIP, "phone", 3, 30, (_VIP_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "Important Development": _a(
            _LATENT, "phone", 4, 30, (_LATENT_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "General Value": _a(
            _OLD_CARE, "wechat", 5, 30, (_OLD_CARE_ZH, _WECHAT), deadline=_WIN_BACK_DAYS
        ),
        "General Development": _a(
            _LATENT, "wechat", 6, 30, (_LATENT_ZH, _WECHAT), deadline=_WIN_BACK_DAYS
        ),
        "General Retention": _a(
            _PRE_CHURN, "sms", 7, 30, (_PRE_CHURN_ZH, _SMS), deadline=_WIN_BACK_DAYS
        ),
        "General Win-back": _a(
            "Low-cost win-back until the deadline; past it, stop spending",
            "sms",
            8,
            60,
            ("低成本挽回并规定期限;超过期限及时止损", _SMS),
            deadline=_WIN_BACK_DAYS,
        ),
        "Unscored": _a(*_POTENTIAL, 9, 30, _POTENTIAL_ZH),
    },
    "ecom4": {
        "Key Retention": _a(
            _WIN_BACK, "phone", 1, 14, (_WIN_BACK_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "Key Development": _a(
            _LATENT, "phone", 2, 30, (_LATENT_ZH, _PHONE), deadline=_WIN_BACK_DAYS
        ),
        "Ordinary Loyal": _a(
            "Care and rewards; ask for referrals",
            "wechat",
            3,
            30,
            ("关怀与回馈;请其转介绍", _WECHAT),
            deadline=_WIN_BACK_DAYS,
        ),
        "Ordinary": _a(
            _GENERAL, "sms", 4, 60, (_GENERAL_ZH, _SMS), deadline=_WIN_BACK_DAYS
        ),
        "Unscored": _a(*_POTENTIAL, 5, 30, _POTENTIAL_ZH),
    },
    "abc": {
        "A": _a(_CLASS_A, "phone", 1, 14, (_CLASS_A_ZH, _PHONE)),
        "B": _a(_CLASS_B, "wechat", 2, 30, (_CLASS_B_ZH, _WECHAT)),
        "C": _a(_CLASS_C, "sms", 3, 60, (_CLASS_C_ZH, _SMS)),
        "unknown": _a(*_COMPLETE, 4, None, _COMPLETE_ZH),
    },
}

_R = DEFAULTS["rfm11"]
DEFAULTS["rfm_vignette"] = {
    "Champions": dict(_R["Champions"]),
    "Potential Loyalist": dict(_R["Potential Loyalist"]),
    "Loyal Customers": dict(_R["Loyal"]),
    "Promising": dict(_R["Promising"]),
    "New Customers": dict(_R["New"]),
    "Can't Lose Them": dict(_R["Can't Lose Them"]),
    "At Risk": dict(_R["At Risk"]),
    "Need Attention": dict(_R["Need Attention"]),
    "About To Sleep": dict(_R["About to Sleep"]),
    "Lost": dict(_R["Lost"]),
    "Others": _a(_GENERAL, "sms", 7, 60, (_GENERAL_ZH, _SMS), deadline=_WIN_BACK_DAYS),
    "Unscored": _a(*_POTENTIAL, 8, 30, _POTENTIAL_ZH),
}
_FEEDBACK = "Ask for feedback: satisfaction, repurchase intent, would they recommend us"
_FEEDBACK_ZH = "收集反馈:满意度、回购意向、推荐意愿"
DEFAULTS["loyalty"] = {
    "at_risk": _a(
        "Care call: ask what went wrong and put it right, then a recovery offer",
        "phone",
        1,
        14,
        ("关怀回访:了解不满并及时解决,再给挽留优惠", _PHONE),
    ),
    "potentially_loyal": _a(
        "Deepen the relationship: follow up on satisfaction, member benefits",
        "wechat",
        2,
        30,
        ("加深关系:满意度回访、会员权益", _WECHAT),
    ),
    "loyal": _a(_VIP, "phone", 3, 30, (_VIP_ZH, _PHONE)),
    "not_loyal": _a(_GENERAL, "sms", 4, 60, (_GENERAL_ZH, _SMS)),
    "unknown": _a(_FEEDBACK, "sms", 5, 90, (_FEEDBACK_ZH, _SMS)),
}
DEFAULTS["nps_band"] = {
    "detractor": _a(
        "Service recovery: call, listen, fix the problem",
        "phone",
        1,
        7,
        ("服务补救:电话倾听并解决问题", _PHONE),
    ),
    "passive": _a(_LATENT, "wechat", 2, 30, (_LATENT_ZH, _WECHAT)),
    "promoter": _a(
        "Thank them and ask for referrals and reviews",
        "wechat",
        3,
        30,
        ("致谢并请其转介绍、写评价", _WECHAT),
    ),
    "no_answer": _a(_FEEDBACK, "sms", 4, 90, (_FEEDBACK_ZH, _SMS)),
}
# Status classes (customer_status; the presets' status and status_crm): the
# new customer's care is time-bound, so it comes first; a lost customer was
# a customer, so the action is a win-back with a deadline, whatever they were.
DEFAULTS["status"] = {
    "new": _a(_NEW, "phone", 1, 7, (_NEW_ZH, _PHONE)),
    "loyal": _a(_VIP, "phone", 2, 30, (_VIP_ZH, _PHONE)),
    "repeat": _a(_OLD_CARE, "wechat", 3, 30, (_OLD_CARE_ZH, _WECHAT)),
    "lost": _a(
        _WIN_BACK, "phone", 4, 30, (_WIN_BACK_ZH, _PHONE), deadline=_WIN_BACK_DAYS
    ),
    "no_purchase": _a(*_POTENTIAL, 5, 30, _POTENTIAL_ZH),
    "unknown": _a(*_COMPLETE, 6, None, _COMPLETE_ZH),
}
_S = DEFAULTS["status"]
# with the records' flags: interest recorded makes a potential customer to
# activate; a non-buyer without recorded interest comes after, less often
DEFAULTS["status_crm"] = {
    **{k: dict(_S[k]) for k in ("new", "loyal", "repeat", "lost")},
    "potential": _a(*_POTENTIAL, 5, 30, _POTENTIAL_ZH),
    "no_purchase": _a(*_POTENTIAL, 6, 60, _POTENTIAL_ZH),
    "unknown": _a(*_COMPLETE, 7, None, _COMPLETE_ZH),
}
# The beauty salons' value tiers: A, B, C as the ABC classes; D (means or
# intent not yet known) are potential customers to activate: find out first.
DEFAULTS["value_tier"] = {
    **{k: dict(DEFAULTS["abc"][k]) for k in ("A", "B", "C")},
    "D": _a(
        "Find out their means and intent (a consultation, a trial) to activate them",
        "wechat",
        4,
        30,
        ("了解其资产与意向(咨询、体验),激活潜在客户", _WECHAT),
    ),
}
# Visit-count tiers: walk-ins are invited to become members, members get
# old-customer care, VIPs personal care. The tiers count visits over the
# whole history, so a buyer of any tier may be gone: the deadline.
DEFAULTS["visit_tier"] = {
    "vip": _a(_VIP, "phone", 1, 30, (_VIP_ZH, _PHONE), deadline=_WIN_BACK_DAYS),
    "ordinary_member": _a(
        _OLD_CARE, "wechat", 2, 30, (_OLD_CARE_ZH, _WECHAT), deadline=_WIN_BACK_DAYS
    ),
    "walk_in": _a(
        "Invite them to become members: member benefits and an offer for the next visit",
        "sms",
        3,
        30,
        ("邀请入会:介绍会员权益,给出下次到店优惠", _SMS),
        deadline=_WIN_BACK_DAYS,
    ),
    "no_purchase": _a(*_POTENTIAL, 4, 30, _POTENTIAL_ZH),
    # visits (or spend, where it decides VIP) not known: visit_tier's and
    # the presets' unknown tier, never a guessed one
    "unknown": _a(*_COMPLETE, 5, None, _COMPLETE_ZH),
}
# The mother-and-baby store's classes (store_visit_class), each with the
# sources' own approach.
DEFAULTS["store_class"] = {
    "vip": _a(_VIP, "phone", 1, 30, (_VIP_ZH, _PHONE)),
    "visited_bought": _a(
        "They trust the store: upgrade offers as the baby grows, bundles, new arrivals",
        "wechat",
        2,
        30,
        ("已信任门店:随宝宝成长推荐升级产品、套装、新品", _WECHAT),
    ),
    "visited_not_bought": _a(
        "Some need was not met: ask what they looked for, show new products and services",
        "wechat",
        3,
        30,
        ("有需求未被满足:了解其所需,介绍新品和服务", _WECHAT),
    ),
    "potential": _a(*_POTENTIAL, 4, 30, _POTENTIAL_ZH),
    "unknown": _a(*_COMPLETE, 5, None, _COMPLETE_ZH),
}
# The presets' Chinese names of the readiness labels (conversion_readiness).
_READINESS_ZH = {
    "no_need": "无需求",
    "need_unknown": "需求未知",
    "no_motivation": "无购买动机",
    "motivation_unknown": "动机未知",
    "no_ability": "无购买能力",
    "ability_unknown": "购买能力未知",
    "not_now": "时机未到",
    "timing_unknown": "时机未知",
    "ready": "可转化",
}


def _approach(
    label: str, channel: str, priority: int, cadence: float
) -> dict[str, Any]:
    """The readiness label's approach (value.READINESS_APPROACH) as an action."""
    en = READINESS_APPROACH["en"][label]
    zh = READINESS_APPROACH["zh"][_READINESS_ZH[label]]
    zh_channel = {"phone": _PHONE, "wechat": _WECHAT, "sms": _SMS}[channel]
    return _a(en[:1].upper() + en[1:], channel, priority, cadence, (zh, zh_channel))


# Conversion readiness of potential customers: what is missing decides the
# approach. Closest to a purchase first (timing, then ability, motivation,
# need); a factor not known comes before the same factor known to be
# missing, since one call to find it out may show a customer further along.
DEFAULTS["readiness"] = {
    "ready": _approach("ready", "phone", 1, 7),
    "timing_unknown": _approach("timing_unknown", "phone", 2, 14),
    "not_now": _approach("not_now", "wechat", 3, 30),
    "ability_unknown": _approach("ability_unknown", "phone", 4, 14),
    "no_ability": _approach("no_ability", "wechat", 5, 30),
    "motivation_unknown": _approach("motivation_unknown", "phone", 6, 30),
    "no_motivation": _approach("no_motivation", "wechat", 7, 30),
    "need_unknown": _approach("need_unknown", "phone", 8, 30),
    "no_need": _approach("no_need", "sms", 9, 90),
}
#: The names :func:`default_playbook` knows: the outputs of the rules presets
#: (base's, then the industry presets' own), then ``abc``.
PLAYBOOK_NAMES = (
    "lifecycle",
    "care_phase",
    "rfm11",
    "rfm_vignette",
    "rfm8",
    "ecom4",
    "loyalty",
    "nps_band",
    "status",
    "status_crm",
    "value_tier",
    "visit_tier",
    "store_class",
    "readiness",
    "abc",
)

#: The Chinese label names of the shipped presets (their ``translations.zh``),
#: as aliases: ``custseg segment --lang zh`` output finds its actions too.
_ALIASES_ZH: dict[str, dict[str, str]] = {
    "lifecycle": {
        "活跃期": "active",
        "沉默期": "silent",
        "睡眠期": "sleeping",
        "流失期": "lost",
        "已流失": "gone",
        "未购买": "no_purchase",
        "未知": "unknown",
    },
    "care_phase": {
        "关怀": "care",
        "推荐活动": "recommend",
        "刺激活动": "stimulate",
        "老客户": "established",
        "未购买": "no_purchase",
        "未知": "unknown",
    },
    "rfm11": {
        "冠军客户": "Champions",
        "忠诚客户": "Loyal",
        "潜力客户": "Potential Loyalist",
        "新客户": "New",
        "有望客户": "Promising",
        "需要关注": "Need Attention",
        "即将沉睡": "About to Sleep",
        "不能失去": "Can't Lose Them",
        "流失风险": "At Risk",
        "已流失": "Lost",
        "沉睡客户": "Hibernating",
        "未评分": "Unscored",
    },
    "rfm_vignette": {
        "冠军客户": "Champions",
        "潜力客户": "Potential Loyalist",
        "忠诚客户": "Loyal Customers",
        "有望客户": "Promising",
        "新客户": "New Customers",
        "不能失去": "Can't Lose Them",
        "流失风险": "At Risk",
        "需要关注": "Need Attention",
        "即将沉睡": "About To Sleep",
        "已流失": "Lost",
        "其他": "Others",
        "未评分": "Unscored",
    },
    "rfm8": {
        "重要价值客户": "Important Value",
        "重要发展客户": "Important Development",
        "重要保持客户": "Important Retention",
        "重要挽留客户": "Important Win-back",
        "一般价值客户": "General Value",
        "一般发展客户": "General Development",
        "一般保持客户": "General Retention",
        "一般挽留客户": "General Win-back",
        "未评分": "Unscored",
    },
    "ecom4": {
        "重点发展客户": "Key Development",
        "重点挽留客户": "Key Retention",
        "普通忠诚客户": "Ordinary Loyal",
        "普通客户": "Ordinary",
        "未评分": "Unscored",
    },
    "loyalty": {
        "忠诚": "loyal",
        "潜在忠诚": "potentially_loyal",
        "有流失风险": "at_risk",
        "不忠诚": "not_loyal",
        "未知": "unknown",
    },
    "nps_band": {
        "贬损者": "detractor",
        "被动者": "passive",
        "推荐者": "promoter",
        "未回答": "no_answer",
    },
    "status": {
        "新客": "new",
        "重复购买": "repeat",
        "忠诚VIP": "loyal",
        "流失": "lost",
        "未购买": "no_purchase",
        "未知": "unknown",
    },
    "status_crm": {
        "潜在": "potential",
        "新客": "new",
        "重复购买": "repeat",
        "忠诚VIP": "loyal",
        "流失": "lost",
        "未购买": "no_purchase",
        "未知": "unknown",
    },
    "value_tier": {"A类客户": "A", "B类客户": "B", "C类客户": "C", "D类客户": "D"},
    "visit_tier": {
        "散客": "walk_in",
        "普通会员": "ordinary_member",
        "VIP": "vip",
        "未购买": "no_purchase",
        "未知": "unknown",
    },
    "store_class": {
        "VIP": "vip",
        "进店已购": "visited_bought",
        "进店未购": "visited_not_bought",
        "潜在": "potential",
        "未知": "unknown",
    },
    "readiness": {zh: en for en, zh in _READINESS_ZH.items()},
    "abc": {"未知": "unknown"},
}


def default_playbook(
    name: str, *, deadline_days: float | None = None, care_days: float | None = None
) -> Playbook:
    """The shipped playbook for one classification of the presets.

    Parameters
    ----------
    name
        ``"lifecycle"``, ``"care_phase"``, ``"rfm11"``, ``"rfm_vignette"``,
        ``"rfm8"``, ``"ecom4"``, ``"loyalty"``, ``"nps_band"``,
        ``"status"``, ``"status_crm"``, ``"value_tier"`` (beauty salon),
        ``"visit_tier"`` (beauty salon, department store, restaurant),
        ``"store_class"`` (mother and baby), ``"readiness"`` (furniture) or
        ``"abc"``: the output names of the rules presets (the column names of
        ``custseg segment``).
    deadline_days
        The deadline of the win-back plans (lifecycle ``lost``, rfm11
        ``Can't Lose Them`` and ``Lost``, rfm8's win-back classes, ecom4's
        ``Key Retention``, status and status_crm ``lost``) and of the
        classes with a cadence that may hold customers past it (every class
        of rfm11, rfm_vignette, rfm8 and ecom4 but ``Unscored``: RFM scores
        are relative; care_phase ``established``; visit_tier's ``vip``,
        ``ordinary_member`` and ``walk_in``), in days since the last
        purchase. Default: 365,
        the start of the ``gone`` stage of the default lifecycle windows.
        A rules preset passes the start of its own ``gone`` stage
        (:meth:`custseg.rules.RuleSet.playbook`): 1825 days for furniture,
        180 for a beauty salon.
    care_days
        The length of the first-purchase care phase, in days since the
        first purchase: the care phase's ``care`` action calls once within
        it (its cadence), and the new customers' actions (status ``new``)
        say so. Default: 5, the beauty salon's care phase. A rules preset
        passes the end of its own ``care`` phase
        (:meth:`custseg.rules.RuleSet.playbook`): 30 days for furniture, 3
        for a restaurant.

    Returns
    -------
    Playbook
        Keyed by the English label names, with the presets' Chinese label
        names as aliases and Chinese action texts (``lang="zh"``).

    Raises
    ------
    ThresholdError
        *name* is not one of these; *deadline_days* or *care_days* is not a
        number of days in (0, inf); *care_days* is above 10**12 days
        (:data:`MAX_CADENCE_DAYS`, the longest cadence), whatever *name*.

    Examples
    --------
    >>> pb = default_playbook("lifecycle")
    >>> pb.labels
    ('silent', 'sleeping', 'active', 'lost', 'no_purchase', 'gone', 'unknown')
    >>> pb.action_for("lost").deadline_days
    365.0
    >>> default_playbook("rfm8", deadline_days=730).action_for(
    ...     "Important Win-back").deadline_days
    730.0
    >>> default_playbook("value_tier").action_for("D类客户").text("zh")[0]
    '了解其资产与意向(咨询、体验),激活潜在客户'
    >>> default_playbook("readiness").action_for("no_ability").action
    'Offer financing or a payment plan, or a fitting cheaper option'
    >>> default_playbook("care_phase", care_days=30).action_for("care").cadence_days
    30.0
    >>> default_playbook("lifecycle", care_days=1e13)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'care_days' must be at most 1,000,000,000,000 days: got 10000000000000.0 (the length of the first-purchase care phase, in days since the first purchase; rules pass the first break of their care_phase table): give a shorter care phase
    >>> default_playbook("vip")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'name' must be 'lifecycle', 'care_phase', 'rfm11', 'rfm_vignette', 'rfm8', 'ecom4', 'loyalty', 'nps_band', 'status', 'status_crm', 'value_tier', 'visit_tier', 'store_class', 'readiness' or 'abc': got 'vip'
    """
    v.choice(name, "name", PLAYBOOK_NAMES)
    entries = DEFAULTS[name]
    days = _positive_days(deadline_days, "deadline_days")
    if days is not None:
        entries = {
            label: {**e, "deadline_days": days} if "deadline_days" in e else e
            for label, e in entries.items()
        }
    # checked as given, whatever the playbook: the care action's cadence is
    # derived from it, and a bound hit there would name a key nobody wrote
    care = _positive_days(care_days, "care_days")
    if care is not None and care > MAX_CADENCE_DAYS:
        raise ThresholdError(
            f"'care_days' must be at most {MAX_CADENCE_DAYS:,} days: got "
            f"{care_days!r} (the length of the first-purchase care phase, in "
            "days since the first purchase; rules pass the first break of their "
            "care_phase table): give a shorter care phase"
        )
    if care is not None:
        entries = {label: _within(e, care) for label, e in entries.items()}
    return Playbook.from_mapping(entries, name=name, aliases=_ALIASES_ZH[name])


def _within(entry: dict[str, Any], days: float) -> dict[str, Any]:
    """*entry* with its care window said as *days* (its text "within 5
    days", "5天内"; the care action's cadence too: one call in the window),
    or as it is when it has none."""
    text = str(entry.get("action", ""))
    if _CARE_WINDOW not in text:
        return entry
    shown = _display.number_text(days)
    out = {**entry, "action": text.replace(_CARE_WINDOW, f"within {shown} days")}
    zh = out.get("translations", {}).get("zh")
    if zh is not None:
        action = str(zh["action"]).replace(_CARE_WINDOW_ZH, f"{shown}天内")
        out["translations"] = {**out["translations"], "zh": {**zh, "action": action}}
    if entry.get("cadence_days") == _CARE_DAYS:  # the care call itself
        out["cadence_days"] = days
    return out


# --------------------------------------------------------------------------
# actions per customer


def _nullable(pd: Any, values: np.ndarray, dtype: str) -> Any:
    """A pandas ``Float64`` or ``Int64`` array (*dtype*) of the float
    *values* (whole numbers for ``Int64``), NaN as ``<NA>``: a copy.

    The mask is given, not inferred: ``pd.array(values, dtype="Float64")``
    keeps NaN as a value under pandas' ``future.distinguish_nan_and_na``
    option, and ``astype("Int64")`` then makes it a sentinel number. *pd*
    is pandas, imported by the caller (a ``to_pandas``: layers).
    """
    x = np.array(values, dtype=np.float64)  # the frame's own copy
    missing = np.isnan(x)
    if dtype == "Int64":
        whole = np.where(missing, 1.0, x).astype(np.int64)  # 1: pandas' fill
        return pd.arrays.IntegerArray(whole, missing)
    return pd.arrays.FloatingArray(x, missing)


@attrs.frozen(eq=False, repr=False)
class ActionPlan:
    """The action of each customer: what :func:`actions` returns.

    Parameters
    ----------
    codes
        Per customer, the position of their label in *names*; -1 missing.
    names
        The label names of the input.
    action
        Per name, the action text (``NO_ACTION`` where the playbook has none).
    channel
        Per name, the channel (None where the playbook has no action).
    class_cadence
        Per name, the cadence in days (NaN: no periodic contact).
    class_priority
        Per name, the priority (NaN: no action).
    class_deadline
        Per name, the deadline in days since the last purchase (NaN: none).
    stopped
        Per customer, whether the win-back deadline has passed.
    uncovered
        The label names of customers the playbook has no action for (a
        category no customer holds is not one).
    index
        The pandas index of the input, or None.
    lang
        The language of the texts.
    name
        The classification (the playbook's name, else the labels' name).
    recency_unknown
        Per customer, whether their class has a win-back deadline and their
        recency is missing, or no recency was given at all (None: no one):
        the deadline is not checked, and they get the action
        :data:`RECENCY_UNKNOWN` and no cadence.

    Examples
    --------
    >>> plan = actions(["A", "C", "Z"], default_playbook("abc"))
    >>> plan.cadence_days.tolist(), plan.uncovered
    ([14.0, 60.0, nan], ('Z',))
    """

    codes: np.ndarray
    names: tuple[str, ...]
    action: tuple[str, ...]
    channel: tuple[str | None, ...]
    class_cadence: np.ndarray
    class_priority: np.ndarray
    class_deadline: np.ndarray
    stopped: np.ndarray
    uncovered: tuple[str, ...]
    _index: Any = attrs.field(default=None, alias="index")

    index = RESULT_INDEX  # a new Index object per read (_align)

    lang: str = "en"
    name: str = "class"
    recency_unknown: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def _unknown(self) -> np.ndarray:
        if self.recency_unknown is None:
            return np.zeros(len(self.codes), dtype=bool)
        return self.recency_unknown

    def _per_row(self, per_class: np.ndarray) -> np.ndarray:
        out = np.full(len(self.codes), np.nan)
        known = self.codes >= 0
        out[known] = per_class[self.codes[known]]
        return out

    @property
    def unchecked(self) -> int:
        """The number of customers whose class has a win-back deadline and
        whose recency is missing (or was not given to :func:`actions` at
        all): the deadline is not checked, they get the action
        :data:`RECENCY_UNKNOWN` and no cadence (never due for a cadence
        contact) until their recency is known.

        >>> plan = actions(["lost", "lost", "lost"], default_playbook("lifecycle"),
        ...                recency_days=[100, 400, float("nan")])
        >>> plan.unchecked, plan.to_pandas()["action"].iloc[2]
        (1, 'check: recency unknown, win-back deadline not checked')
        """
        return int(np.count_nonzero(self._unknown()))

    @property
    def unclassified(self) -> int:
        """The number of customers with no class (a missing label): like an
        uncovered class they get no action and no cadence, so
        :func:`due_contacts` never makes them due for a cadence contact.

        >>> actions(["A", None, None], default_playbook("abc")).unclassified
        2
        """
        return int(np.count_nonzero(self.codes < 0))

    @property
    def cadence_days(self) -> np.ndarray:
        """Per customer, the contact cadence in days (NaN: none, or stopped)."""
        out = self._per_row(self.class_cadence)
        out[self.stopped | self._unknown()] = np.nan
        return out

    @property
    def priority(self) -> np.ndarray:
        """Per customer, the priority of their class (NaN: no action)."""
        return self._per_row(self.class_priority)

    @property
    def deadline_days(self) -> np.ndarray:
        """Per customer, the win-back deadline (NaN: none)."""
        return self._per_row(self.class_deadline)

    def _text_codes(
        self, rows: np.ndarray | None = None
    ) -> dict[str, tuple[np.ndarray, list[str]]]:
        """Codes (-1 missing) and categories of the class, action and channel
        of *rows* (default all).

        A missing class or an uncovered one gets the no-action text; a
        stopped customer the stop text, one of unknown recency in a class
        with a deadline the check text; none of them has a channel.
        """
        k = len(self.names)
        texts = _TEXTS.get(self.lang, _TEXTS["en"])
        codes = self.codes if rows is None else self.codes[rows]
        stopped = self.stopped if rows is None else self.stopped[rows]
        unknown = self._unknown() if rows is None else self._unknown()[rows]
        row_code = np.where(stopped, k + 1, np.where(codes >= 0, codes, k))
        row_code[unknown] = k + 2

        def coded(values: list[str | None]) -> tuple[np.ndarray, list[str]]:
            cats = list(dict.fromkeys(x for x in values if x is not None))
            position = {x: j for j, x in enumerate(cats)}
            lookup = np.array(
                [-1 if x is None else position[x] for x in values], dtype=np.int64
            )
            return lookup[row_code], cats

        return {
            "class": (codes, list(self.names)),
            "action": coded(
                [*self.action, texts[NO_ACTION], texts[STOPPED], texts[RECENCY_UNKNOWN]]
            ),
            "channel": coded([*self.channel, None, None, None]),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per customer on the input's index: class, action, channel,
        cadence_days, priority, deadline_days (nullable where there is none).

        Examples
        --------
        >>> import pandas as pd
        >>> labels = pd.Series(["lost", "active", "??"], index=["c1", "c2", "c3"])
        >>> df = actions(labels, default_playbook("lifecycle"),
        ...              recency_days=[400, 10, 5]).to_pandas()
        >>> df[["class", "channel", "cadence_days", "priority"]]
             class channel  cadence_days  priority
        c1    lost     NaN          <NA>         4
        c2  active  wechat          30.0         3
        c3      ??     NaN          <NA>      <NA>
        >>> df["action"].tolist()[::2]
        ['stop: win-back deadline passed', 'no action defined']
        """
        import pandas as pd

        idx = fresh_index(self.index)  # its own name: never the plan's
        idx = idx if idx is not None else pd.RangeIndex(len(self.codes))
        return pd.DataFrame(
            {
                **{
                    col: pd.Categorical.from_codes(
                        c, dtype=pd.CategoricalDtype(to_pandas_index(cats))
                    )
                    for col, (c, cats) in self._text_codes().items()
                },
                "cadence_days": _nullable(pd, self.cadence_days, "Float64"),
                "priority": _nullable(pd, self.priority, "Int64"),
                "deadline_days": _nullable(pd, self.deadline_days, "Float64"),
            },
            index=idx,
        )

    def __repr__(self) -> str:
        shares = {
            name: int(c)
            for name, c in zip(
                self.names,
                np.bincount(self.codes[self.codes >= 0], minlength=len(self.names)),
                strict=True,
            )
        }
        notes = [f"uncovered {list(self.uncovered)}"] if self.uncovered else []
        if self.unclassified:
            notes.append(
                f"{self.unclassified:,d} without a class (never due for a cadence "
                "contact)"
            )
        if self.unchecked:
            notes.append(
                f"{self.unchecked:,d} of unknown recency (win-back deadline not "
                "checked)"
            )
        return _display.short_repr(
            "ActionPlan",
            n=len(self),
            fields={"lang": self.lang},
            notes=notes,
            shares=shares,
        )


def actions(
    labels: Any,
    playbook: Playbook,
    *,
    recency_days: Any = None,
    lang: str = "en",
) -> ActionPlan:
    """The action, channel, cadence and priority of each customer's class.

    Parameters
    ----------
    labels
        One label per customer: :class:`Labels`, a pandas Series (categorical
        or text) or a sequence of names (bytes, as a binary column holds
        them, are the UTF-8 text they hold: ``b"lost"`` is ``lost``). Missing values and names the
        playbook does not cover get an explicit ``"no action defined"`` row
        (no channel, no cadence, no priority); :attr:`ActionPlan.uncovered`
        lists those names and :attr:`ActionPlan.unclassified` counts the
        customers with a missing label (with no cadence, they are never due
        for a cadence contact). A name not covered that reads like one of
        the playbook's labels or aliases but for letter case, blanks at its
        ends, invisible characters or full-width letters (``Silent`` for
        ``silent``) is not guessed either, but a
        :class:`~custseg.errors.CustsegWarning` names it and counts its
        customers.
    playbook
        The actions by label name (:func:`default_playbook` or your own).
    recency_days
        Days since the last purchase, one per customer. With it, customers
        of a class with a ``deadline_days`` whose recency is at least the
        deadline get ``"stop: win-back deadline passed"`` and no cadence;
        those whose recency is missing (NaN) get ``"check: recency unknown,
        win-back deadline not checked"`` and no cadence, counted by
        :attr:`ActionPlan.unchecked` (whether the deadline has passed is not
        known: neither spend nor stop is guessed). Without *recency_days*
        every customer of a class with a deadline is such a customer (no
        recency at all is a missing recency for everyone), and a
        :class:`~custseg.errors.CustsegWarning` says how many; a playbook
        without deadlines (``abc``, ``loyalty``, ...) needs no recency.
    lang
        Language of the texts: ``"en"`` or a key of the actions'
        ``translations`` (``"zh"``); untranslated texts stay English.

    Returns
    -------
    ActionPlan
        Aligned with the labels' index; pass it as the *cadence* of
        :func:`due_contacts`.

    Warns
    -----
    CustsegWarning
        No *recency_days* while some customer's class has a win-back
        deadline: their deadline is not checked, they get
        :data:`RECENCY_UNKNOWN` and no cadence; the message names the
        classes and the fix (pass ``recency_days=``).

    Examples
    --------
    >>> plan = actions(["silent", "lost", "lost", "churned"],
    ...                default_playbook("lifecycle"), recency_days=[100, 300, 365, 1])
    >>> plan.cadence_days.tolist()
    [14.0, 30.0, nan, nan]
    >>> plan.uncovered
    ('churned',)
    >>> actions(["A"], default_playbook("abc"), lang="zh").to_pandas()["action"].iloc[0]
    '个性化、高端的服务体验:专属顾问,一对一,定制化方案'
    """
    if not isinstance(playbook, Playbook):
        raise ThresholdError(
            f"'playbook' must be a Playbook: got {type(playbook).__name__}"
        )
    lang = _text(lang, "lang")
    languages = {"en"} | {k for a in playbook.actions.values() for k in a.translations}
    if lang not in languages:
        raise ThresholdError(
            f"'lang' must be one of the playbook's languages "
            f"({', '.join(sorted(languages))}): got {lang!r}"
        )
    codes, names, _, index, _ = label_codes(labels)
    common_index(labels=labels)  # a pandas input: its index, checked
    found = [playbook.action_for(name) for name in names]
    texts = [a.text(lang) if a is not None else None for a in found]
    no_action = _TEXTS.get(lang, _TEXTS["en"])[NO_ACTION]

    def _num(attr: str) -> np.ndarray:
        values = [getattr(a, attr) if a is not None else None for a in found]
        return np.array(
            [np.nan if x is None else float(x) for x in values], dtype=np.float64
        )

    deadline = _num("deadline_days")
    stopped = np.zeros(len(codes), dtype=bool)
    row_deadline = np.full(len(codes), np.nan)
    known = codes >= 0
    row_deadline[known] = deadline[codes[known]]
    has_deadline = ~np.isnan(row_deadline)
    unknown = None
    if recency_days is None and has_deadline.any():
        # no recency at all is a missing recency for everyone: spending on
        # a win-back whose deadline may have passed is not guessed either
        unknown = has_deadline
        _warn_no_recency(codes, names, has_deadline)
    elif recency_days is not None:
        recency = v.as_numeric(recency_days, "recency_days", nan="allow")
        # recency >= deadline: a decimal rounding onto a deadline keeps its side
        recency = v.exact_sides(
            recency_days,
            recency,
            sorted({float(d) for d in deadline if math.isfinite(d)}),
            move="down",
            field="recency_days",
        )
        v.check_same_length(labels=codes, recency_days=recency)
        index = _same_index(
            index, common_index(recency_days=recency_days), "recency_days"
        )
        if (recency < 0).any():
            first, count = v.first_offender(recency < 0)
            raise InputError(
                "recency_days",
                "has negative values",
                first_row=first,
                n_rows=count,
                fix="recency counts days since the last purchase up to the reference day",
            )
        with np.errstate(invalid="ignore"):
            stopped = recency >= row_deadline  # NaN on either side: False
        unknown = np.isnan(recency) & has_deadline
    name = playbook.name or getattr(labels, "name", None) or "class"
    uncovered = playbook.uncovered(
        [names[c] for c in np.unique(codes[codes >= 0]).tolist()]
    )
    if uncovered:
        _warn_look_alike_classes(playbook, uncovered, codes, names)
    return ActionPlan(
        codes=codes,
        names=names,
        action=tuple(t[0] if t else no_action for t in texts),
        channel=tuple(t[1] if t else None for t in texts),
        class_cadence=_num("cadence_days"),
        class_priority=_num("priority"),
        class_deadline=deadline,
        stopped=np.asarray(stopped, dtype=bool),
        # the names customers hold: an unused category is nobody to cover
        uncovered=uncovered,
        index=fresh_index(index),  # its own: never the labels' Index object
        lang=lang,
        name=str(name),
        recency_unknown=unknown,
    )


def _warn_look_alike_classes(
    playbook: Playbook,
    uncovered: tuple[str, ...],
    codes: np.ndarray,
    names: tuple[str, ...],
) -> None:
    """The :class:`~custseg.errors.CustsegWarning` of :func:`actions` for
    classes the playbook does not cover that read like one of its labels or
    aliases but for letter case, blanks at the ends, invisible characters or
    full-width letters (``Silent``, ``silent `` for ``silent``): their
    customers get no action and no cadence, so they fall out of the due
    list, which a class the playbook really lacks is meant to do, not a
    spelling."""

    key = _display.spelling_key
    known: dict[str, str] = {}
    for label in (*playbook.actions, *playbook.aliases):
        known.setdefault(key(label), label)
    found = [(c, known[key(c)]) for c in uncovered if key(c) in known]
    if not found:
        return
    counts = np.bincount(codes[codes >= 0], minlength=len(names))
    count = sum(int(counts[names.index(c)]) for c, _ in found)
    shown = ", ".join(
        f"{_display.quoted([_display.apart(c, [label])[0]])} (like {label!r})"
        for c, label in found[:3]
    )
    if len(found) > 3:
        shown += f" and {len(found) - 3:,d} more"
    warnings.warn(
        f"{count:,d} customer{'s' if count != 1 else ''} of class"
        f"{'es' if len(found) > 1 else ''} {shown}, which the playbook"
        f"{' ' + repr(playbook.name) if playbook.name else ''} does not cover "
        "but which read like its labels but for letter case, blanks, "
        "invisible characters or full-width letters, "
        f"get {NO_ACTION!r} and no cadence (never due for a cadence contact): "
        "write the classes as the playbook's labels are written",
        CustsegWarning,
        stacklevel=3,
    )


def _warn_no_recency(
    codes: np.ndarray, names: tuple[str, ...], has_deadline: np.ndarray
) -> None:
    """The :class:`~custseg.errors.CustsegWarning` of :func:`actions` called
    without recency on customers whose class has a win-back deadline."""
    count = int(np.count_nonzero(has_deadline))
    classes = [names[c] for c in np.unique(codes[has_deadline])]
    shown = ", ".join(repr(c) for c in classes[:3])
    if len(classes) > 3:
        shown += f" and {len(classes) - 3:,d} more"
    warnings.warn(
        f"'recency_days' was not given, so the win-back deadline of {count:,d} "
        f"customer{'s' if count != 1 else ''} (class{'es' if len(classes) > 1 else ''} "
        f"{shown}) is not checked: "
        f"they get {RECENCY_UNKNOWN!r} and no cadence (never due for a cadence "
        "contact); pass recency_days= (days since the last purchase; on the "
        "command line a recency_days column or --recency COLUMN) to check it",
        CustsegWarning,
        stacklevel=3,
    )


def _check_plan_index(inputs: dict[str, Any], plan_index: Any) -> None:
    """An :class:`InputError` naming the first pandas input of
    :func:`due_contacts` whose index differs from the ActionPlan's."""
    for name, value in inputs.items():
        idx = common_index(**{name: value})
        if idx is None or paired(name, "the plan", idx, plan_index):
            continue
        how = name if is_pandas(value) else f"{name}.to_pandas()"
        raise InputError(
            name,
            "has a different index from the labels of the ActionPlan given as cadence",
            fix=realign_fix(
                f"{how}.reindex(plan.index), plan being the ActionPlan",
                "pass a NumPy array to ignore the index",
                (name, idx),
                ("the plan", plan_index),
            ),
        )


def _same_index(a: Any, b: Any, field: str) -> Any:
    if a is None:
        return b
    if b is not None and not paired(field, "labels", b, a):
        apart = kinds_apart(("labels", a), (field, b))
        raise InputError(
            field,
            "has a different index from the labels",
            fix=(
                f"align them first ({field}.reindex(labels.index))"
                if apart is None
                else apart
            )
            + ", or pass NumPy arrays",
        )
    return a


# --------------------------------------------------------------------------
# who is due


@attrs.frozen(eq=False, repr=False)
class DueContacts:
    """Who is due for contact on a day and why: what :func:`due_contacts` returns.

    One row per customer and reason, in priority order (see
    :func:`due_contacts`).

    Parameters
    ----------
    as_of
        The day.
    row
        Per due row, the position of the customer in the input.
    customer
        Per due row, the customer id.
    reason
        Per due row, the reason (``birthday``, ``holiday: <name>``,
        ``cadence``, ``points``), as ordered :class:`Labels`.
    due_on
        Per due row, the day the contact falls due (``datetime64[D]``): the
        cadence's day (NaT: never contacted), the birthday, the holiday, or
        *as_of* for points.
    days_since_contact
        Per due row, whole days since the last contact (NaN: never).
    priority
        Per due row, the priority of the customer's class (NaN: none).
    points
        Per due row, the points balance, or None when no points were given.
    plan
        The :class:`ActionPlan` the cadence came from, or None.
    customer_name
        The name of the customer id column.
    customer_levels
        The level names when the ids came from a pandas ``MultiIndex``
        (each id is then the tuple of its levels, and :meth:`to_pandas`
        gives a MultiIndex again); None otherwise.

    Examples
    --------
    >>> due = due_contacts(["2024-05-01", None], 30, "2024-06-01", customer=["a", "b"])
    >>> len(due), due.counts()
    (2, {'cadence': 2})
    """

    as_of: np.datetime64
    row: np.ndarray
    customer: np.ndarray
    reason: Labels
    due_on: np.ndarray
    days_since_contact: np.ndarray
    priority: np.ndarray
    points: np.ndarray | None = None
    plan: ActionPlan | None = None
    customer_name: str = "customer_id"
    customer_levels: tuple[Any, ...] | None = None

    def __len__(self) -> int:
        return len(self.row)

    def counts(self) -> dict[str, int]:
        """Due rows per reason, reasons with no row left out.

        >>> due_contacts([None], 7, "2024-01-01").counts()
        {'cadence': 1}
        """
        return {k: c for k, c in self.reason.counts().items() if c}

    def to_pandas(self) -> pd.DataFrame:
        """The due list as a DataFrame indexed by customer id (repeated for
        several reasons): reason, due_on, days_since_contact, priority, and,
        with a plan, the class, action and channel; with points, points.

        Examples
        --------
        >>> due = due_contacts(["2024-05-01", None], 30, "2024-06-01",
        ...                    customer=["a", "b"])
        >>> due.to_pandas()
                      reason     due_on  days_since_contact  priority
        customer_id
        b            cadence        NaT                <NA>      <NA>
        a            cadence 2024-05-31                  31      <NA>
        """
        import pandas as pd

        idx: pd.Index
        if self.customer_levels is None:
            idx = to_pandas_index(self.customer, self.customer_name)
        else:  # the MultiIndex the ids came from
            levels = list(self.customer_levels)
            idx = pd.MultiIndex.from_arrays(
                [[t[k] for t in self.customer.tolist()] for k in range(len(levels))],
                names=levels,
            )
        days = self.days_since_contact
        cols: dict[str, Any] = {
            "reason": self.reason.to_categorical(),
            "due_on": self.due_on.astype("datetime64[s]"),
            "days_since_contact": _nullable(pd, days, "Int64"),
            "priority": _nullable(pd, self.priority, "Int64"),
        }
        if self.points is not None:
            cols["points"] = _nullable(pd, self.points, "Float64")
        frame = pd.DataFrame(cols, index=idx)
        if self.plan is not None:
            for col, (c, cats) in self.plan._text_codes(self.row).items():
                dtype = pd.CategoricalDtype(to_pandas_index(cats))
                frame[col] = pd.Categorical.from_codes(c, dtype=dtype)
        return frame

    def __repr__(self) -> str:
        return _display.short_repr(
            "DueContacts",
            n=len(self),
            noun="rows",
            fields={"as_of": str(self.as_of)},
            shares=self.counts(),
        )

    def _repr_html_(self) -> str:
        return _display.counts_table(
            f"DueContacts on {self.as_of}: {len(self)} rows", self.counts(), len(self)
        )


def _window(value: Any, field: str) -> float:
    """A window's width in days, in (0, inf): a window ``[0, w)`` of 0 days
    holds no day, so nobody would be due for it, not even on the day
    itself (1 is today alone)."""
    days = v.number_param(value, field)
    if not (math.isfinite(days) and days > 0):
        raise ThresholdError(
            f"{field!r} must be a number of days in (0, inf): got {value!r}"
            + (
                " (a window of 0 days holds no day, so nobody would be due "
                "for it: 1 is today alone; to list none, leave the dates out)"
                if days == 0
                else ""
            )
        )
    return days


def _holidays(holidays: Any) -> list[tuple[str, int, Any]]:
    """(name, day number, time zone or None) of each holiday; a plain date is
    named by its ISO text."""
    if holidays is None:
        return []
    items: list[tuple[str, Any]]
    if is_pandas(holidays) and getattr(holidays, "ndim", 1) != 1:
        raise ThresholdError(
            "'holidays' must be a sequence of dates or a mapping {name: date}: "
            f"got a DataFrame of shape {holidays.shape}: pass one column, "
            "frame.set_index('name')['date'] (named) or frame['date']"
        )
    if isinstance(holidays, Mapping) or (
        is_pandas(holidays) and not numbers_left(holidays.index)
    ):
        # a Series on an index of names is {name: date}, as a dict is
        # (holidays.set_index('name')['date']); on row numbers, a column
        # of dates
        items = [(_text(k, "holidays key"), d) for k, d in holidays.items()]
    else:
        if isinstance(holidays, str | bytes):
            raise ThresholdError(
                "'holidays' must be a sequence of dates or a mapping {name: date}: "
                f"got {type(holidays).__name__} {v.describe(holidays)}"
            )
        items = [("", d) for d in v._param_sequence(holidays, "holidays", "dates")]
    out = []
    for i, (name, day) in enumerate(items):
        days = v.day_number(day, f"holidays[{name or i}]")
        label = name or str(np.datetime64(days, "D"))
        # a pandas Timestamp's zone as a column of them has it (UTC too)
        out.append((label, days, getattr(day, "tz", None) or v.zone_of([day])))
    return out


def _run_zone(as_of: Any, dated: Mapping[str, Any]) -> tuple[str, Any] | None:
    """(input, zone): the one time zone the dated inputs name, and the first
    input naming it; None when none names one (naive dates, UTC offsets
    only, see :func:`custseg._validate.zone_of`).

    *dated* maps each input's name to its dates as given (None: not given).
    Two zones are refused when *as_of* is aware: its day would depend on
    which zone is asked (``2024-12-27 20:00 UTC`` is the 27th in Berlin and
    the 28th in Shanghai), and one list is made for one day.
    """
    zones: dict[str, tuple[str, Any]] = {}
    for field, dates in dated.items():
        v.refuse_spark(dates, field)  # a Spark Column answers .dtype.tz
        zone = None if dates is None else v.zone_of(dates)
        if zone is not None:
            zones.setdefault(v.zone_key(zone), (field, zone))
    if len(zones) > 1 and v._aware_scalar(as_of) is not None:
        named = ", ".join(f"{field}: {key}" for key, (field, _) in zones.items())
        raise InputError(
            "as_of",
            f"has a time zone ({str(as_of)!r}) and the dates are in "
            f"{len(zones)} time zones ({named}): which day it is depends on "
            "the zone, and one list is made for one day",
            fix="give as_of as a day without a time zone (the day the list is "
            "for), or convert the dates to one zone (Series.dt.tz_convert)",
        )
    return next(iter(zones.values())) if zones else None


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers since 1970-01-01 (proleptic Gregorian).

    Integer arithmetic only (H. Hinnant's ``civil_from_days``), much faster
    than NumPy's calendar-unit casts.
    """
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _day_number(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day number since 1970-01-01 of a (year, month, day); inverse of _civil."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _birthday_next(birth: np.ndarray, today: int) -> np.ndarray:
    """Day number of each birthday's next occurrence on or after *today*.

    29 February is kept on 28 February in a year without one. NaT stays NaT.
    """
    days = v.to_days(birth)
    known = days != _NAT
    out = np.full(len(days), _NAT, dtype=np.int64)
    if not known.any():
        return out
    _, month, day = _civil(days[known])
    year = int(_civil(np.array([today], dtype=np.int64))[0][0])

    def occurrence(y: int) -> np.ndarray:
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        d = day if leap else np.where((month == 2) & (day == 29), 28, day)
        return _day_number(np.full(len(d), y, dtype=np.int64), month, d)

    this = occurrence(year)
    out[known] = np.where(this >= today, this, occurrence(year + 1))
    return out


def _missing_id(x: Any) -> bool:
    """Whether one id is missing: None, NaN, ``pd.NA``, NaT, or any value
    unequal to itself (NaN and NaT of every NumPy type, ``Decimal("NaN")``),
    which no other id can ever match."""
    if v.is_missing_scalar(x):
        return True
    try:
        return bool(x != x)
    except (TypeError, ValueError):  # an array-valued id: not a missing marker
        return False


def _id_array(customer: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """The ids as a 1-D array, each id as given, and the missing ones (None:
    judged from the array).

    A list is read value by value, as :mod:`custseg.ownership` and
    :mod:`custseg.summary` read ids: NumPy would turn ``[1, "a"]`` into the
    text ``['1', 'a']`` (customer 1 becomes ``'1'``, and ``1`` and ``"1"``
    one id) and drop a text's trailing NULs. A list of one type of id (all
    ``str``, all ``int``, ...) is still made a NumPy array of that type, which
    holds every such id exactly and sorts fast; a mix stays an object array.
    pandas inputs say themselves which values are missing (``isna``: also the
    NA of nullable and Arrow dtypes); a ``MultiIndex`` gives one tuple per
    customer.
    """
    customer = v.arrow_plain(flat_ids(customer))
    if is_pandas(customer) or (
        type(customer).__module__.startswith("pandas")
        and hasattr(customer, "isna")
        and hasattr(customer, "to_numpy")
    ):
        missing = np.asarray(customer.isna(), dtype=bool)
        return v._to_numpy(customer.to_numpy(), "customer"), missing
    if isinstance(customer, Labels):
        return customer.to_numpy(), None
    if not isinstance(customer, list | tuple):
        return v._to_numpy(customer, "customer"), None
    ids = np.fromiter(customer, dtype=object, count=len(customer))
    kinds = {type(x) for x in customer}
    if len(kinds) == 1:
        (kind,) = kinds
        if kind is str and not any(x.endswith("\x00") for x in customer):
            return ids.astype(str), None
        if kind in (int, float, bool):
            try:
                return np.asarray(customer, dtype=kind), None
            except OverflowError:  # ints beyond int64: kept as Python ints
                pass
    return ids, None


def _ids(customer: Any, index: Any, n: int) -> tuple[np.ndarray, str]:
    """The customer ids, each as given (an object array when they mix types),
    and the name of the id column; missing ids are an :class:`InputError`."""
    if customer is None:
        if index is None:
            return np.arange(n), "customer_id"
        # the ids are the index: checked like customer= (missing ids refused)
        customer = index
        name = index.name
    else:
        name = getattr(customer, "name", None)
    # float32 past 2**24: two customers' ids may be stored as one number
    v.refuse_narrow_ids(customer, "customer")
    ids, missing = _id_array(customer)
    v.check_same_length(last_contact=np.empty(n), customer=ids)
    if missing is None:
        kind = ids.dtype.kind
        if kind == "f":
            missing = np.isnan(ids)
        elif kind in "mM":
            missing = np.isnat(ids)
        elif kind == "O":
            try:  # vectorised: None, and NaN or NaT of any type (x != x)
                missing = np.equal(ids, _NONE) | (ids != ids)
            except (TypeError, ValueError):  # pd.NA, whose truth is ambiguous
                missing = np.fromiter(map(_missing_id, ids.tolist()), bool, len(ids))
    if missing is not None and missing.any():
        first, count = v.first_offender(missing)
        raise InputError(
            "customer",
            "has missing ids",
            first_row=first,
            n_rows=count,
            fix="give every customer an id",
        )
    return ids, name if isinstance(name, str) else "customer_id"


def _repeated(ids: np.ndarray, first: int, source: str | None = None) -> InputError:
    if source is not None:  # the ids are the index of an argument
        return InputError(
            "customer",
            f"has repeated ids such as {v.describe(ids[first])}: no customer= "
            f"was given, so the ids are the index of {source!r}",
            first_row=first,
            fix="pass the customer ids as customer=..., or give one row per "
            "customer (summarise the transactions first)",
        )
    return InputError(
        "customer",
        f"has repeated ids such as {v.describe(ids[first])}",
        first_row=first,
        fix="pass one row per customer (summarise the transactions first)",
    )


def _rank(ids: np.ndarray, source: str | None = None) -> np.ndarray:
    """Rank of each id in sorted order (one argsort); InputError on a repeated id.

    Two ids are one customer when they are equal in Python (``1`` and ``1.0``
    are; ``1`` and ``"1"`` are not). Ids of types that do not order among
    themselves (text and numbers) are ordered by type name, then by value
    within a type (integers as numbers: 9 before 10, as without the text;
    by text where a type's values do not order), and their repeats found
    by hashing. *source*: the argument whose index the
    ids are (no ``customer=`` given), named in the error.
    """
    try:
        # whole numbers written as text in numeric order, as the same ids
        # stored as integers: a CSV's ids and a Parquet's list alike
        order = v.id_order(ids)
        if order is None:
            order = np.argsort(ids, kind="stable")
        ranked = ids[order]
        same = ranked[1:] == ranked[:-1]
    except TypeError:  # ids of mixed types: by type name, then by value
        items = ids.tolist()
        names = [type(x).__name__ for x in items]
        try:  # numbers as numbers (9 before 10), as without the other kind
            order = np.array(
                sorted(range(len(items)), key=lambda i: (names[i], items[i])),
                dtype=np.intp,
            )
        except TypeError:  # values of one type that do not order: by text
            key = np.array([f"{t}\0{x}" for t, x in zip(names, items, strict=True)])
            order = np.argsort(key, kind="stable")
        seen: dict[Any, int] = {}
        for i, x in enumerate(ids.tolist()):
            try:
                if seen.setdefault(x, i) != i:
                    raise _repeated(ids, i, source)
            except TypeError:
                raise InputError(
                    "customer",
                    f"holds {type(x).__name__} values, such as {v.describe(x)}, "
                    "which cannot be customer ids (they cannot be hashed)",
                    first_row=i,
                    fix="use text or numbers as ids",
                ) from None
        same = np.zeros(max(len(ids) - 1, 0), dtype=bool)
    if np.any(same):
        raise _repeated(ids, int(order[int(np.argmax(same)) + 1]), source)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def due_contacts(
    last_contact: Any,
    cadence: Any,
    as_of: Any,
    *,
    customer: Any = None,
    birthdays: Any = None,
    birthday_window_days: float = 7,
    holidays: Any = None,
    holiday_window_days: float = 7,
    points: Any = None,
    min_points: float | None = None,
) -> DueContacts:
    """Who is due for contact on *as_of*, and why: one row per customer and reason.

    Reasons (a customer may have several, each at most once):

    ``birthday``
        The birthday (month and day; 29 February falls on 28 February in
        other years) is ``k`` days ahead with ``0 <= k < birthday_window_days``,
        across the turn of the year too.
    ``holiday: <name>``
        A holiday ``k`` days ahead with ``0 <= k < holiday_window_days``
        makes every customer *with a cadence* (a finite cadence: someone we
        keep in touch with) due, once per holiday in the window. Customers
        without a cadence (a stopped win-back) get no holiday greetings.
    ``cadence``
        ``days since the last contact >= cadence`` (the cadence day itself is
        due); never contacted (missing last contact) is due. NaN cadence: no
        periodic contact.
    ``points``
        ``points >= min_points`` (a balance to redeem).

    Parameters
    ----------
    last_contact
        Date of each customer's last contact (missing: never contacted).
    cadence
        Contact every this many days: one number (> 0) for everyone, one per
        customer (NaN for none), or an :class:`ActionPlan` from
        :func:`actions`, which also gives each customer's class priority.
    as_of
        The day (text, date, datetime, Timestamp, datetime64). One list is
        made for one day, for every reason: a moment with a time zone
        (``2024-12-27 20:00 UTC``) is read in the zone the dates name, the
        last contacts', the dates of birth's or a holiday's, whichever have
        one (28 December for dates in Shanghai, also when the last contacts
        have no zone), and dates without a zone count as days of that zone;
        when none names a zone, its own wall time counts (27 December).
        Dates in two zones are refused.
    customer
        Customer ids; default the pandas index of the inputs, else row
        positions. Each id comes back as given: ids of mixed types
        (``[1, "a"]``) stay an object array, so the due list joins back to
        the input. Two ids are one customer when they are equal in Python
        (``1`` and ``1.0``; not ``1`` and ``"1"``). Ids must not repeat and
        must not be missing, whoever is due on the day.
    birthdays
        Date of birth per customer (missing: unknown, never due); only the
        month and day count. A date of birth after *as_of* is refused.
    birthday_window_days
        Width of the birthday window in days, ``[0, w)``, ``w > 0`` (1: the
        day itself alone; 0, a window of no day, is refused). Birthdays and
        holidays do not read *last_contact*: they are due on every day of
        their window, so for a job run more often, make the window the days
        to the next run (see the playbook page).
    holidays
        ``{name: date}`` or a sequence of dates (named by their ISO text).
        A pandas Series indexed by names is ``{name: date}``
        (``table.set_index("name")["date"]``); one on row numbers (a
        column cut from a frame: an unnamed integer index) is a sequence
        of dates.
    holiday_window_days
        Width of the holiday window in days, ``[0, w)``, ``w > 0``.
    points
        Points balance per customer (missing: not due).
    min_points
        The balance from which points are worth a reminder; required with
        *points*.

    Returns
    -------
    DueContacts
        Sorted by the priority of the customer's class (1 first, none last),
        then reason (birthday, holidays by date, cadence, points), then the
        day the contact fell due (earliest first: never contacted, then the
        most overdue), then customer id (whole numbers in numeric order,
        also when written as text: ``"9"`` before ``"10"``, as 9 before 10,
        so CSV and Parquet ids list alike). The order does not depend on the
        order of the input rows. ``.to_pandas()`` for a DataFrame.

    Raises
    ------
    InputError
        A last contact or a date of birth after *as_of*, a bad cadence (also one longer than
        :data:`MAX_CADENCE_DAYS`), repeated ids (also in a pandas index,
        named after the argument it belongs to; also when nobody is due),
        missing ids (``None``, NaN,
        ``pd.NA``, NaT, NA of a nullable dtype), inputs of different lengths
        or indexes (with an :class:`ActionPlan`, the input whose index
        differs from the plan's is named), an *as_of* with a time zone
        when the dates are in two zones.
    ThresholdError
        A bad window, holiday or *min_points*; one *cadence* number that is
        not in (0, :data:`MAX_CADENCE_DAYS`].

    Examples
    --------
    >>> due = due_contacts(
    ...     ["2024-11-01", "2024-12-20", None],
    ...     30,
    ...     "2024-12-28",
    ...     customer=["c1", "c2", "c3"],
    ...     birthdays=["1990-01-02", None, "1985-06-01"],
    ...     holidays={"New Year": "2025-01-01"},
    ...     points=[0, 500, 20],
    ...     min_points=100,
    ... )
    >>> due.to_pandas()[["reason", "due_on", "days_since_contact"]]
                           reason     due_on  days_since_contact
    customer_id
    c1                   birthday 2025-01-02                  57
    c1         holiday: New Year 2025-01-01                  57
    c2         holiday: New Year 2025-01-01                   8
    c3         holiday: New Year 2025-01-01                <NA>
    c3                    cadence        NaT                <NA>
    c1                    cadence 2024-12-01                  57
    c2                     points 2024-12-28                   8
    """
    # one day for the whole list: an aware as_of read in the one zone the
    # dates name (the last contacts', the birthdays' or a holiday's), so
    # that no reason's day depends on a column that reason does not read
    near = _holidays(holidays)
    run = _run_zone(
        as_of,
        {
            "last_contact": last_contact,
            "birthdays": birthdays,
            **{f"holidays[{name!r}]": zone for name, _, zone in near},
        },
    )
    today = v.day_number(as_of, "as_of", like=None if run is None else run[1])
    last = v.to_days(v.as_datetime(last_contact, "last_contact", nan="allow"))
    n = len(last)
    plan = cadence if isinstance(cadence, ActionPlan) else None
    inputs: dict[str, Any] = {"last_contact": last_contact}
    if plan is not None:
        cad = plan.cadence_days
        prio = plan.priority
        v.check_same_length(last_contact=last, cadence=cad)
    elif _is_scalar(cadence):
        value = v.number_param(cadence, "cadence")
        if not (math.isfinite(value) and value > 0):
            raise ThresholdError(
                f"'cadence' must be a number of days in (0, inf): got {cadence!r}"
            )
        if value > MAX_CADENCE_DAYS:
            raise ThresholdError(
                f"'cadence' must be at most {MAX_CADENCE_DAYS:,} days: got "
                f"{cadence!r} (for no periodic contact, pass NaN per customer)"
            )
        cad = np.full(n, value)
        prio = np.full(n, np.nan)
    else:
        cad = v.as_numeric(cadence, "cadence", nan="allow").astype(
            np.float64, copy=False
        )
        v.check_same_length(last_contact=last, cadence=cad)
        bad = ~np.isnan(cad) & ~((cad > 0) & np.isfinite(cad))
        if bad.any():
            first, count = v.first_offender(bad)
            raise InputError(
                "cadence",
                f"has values that are not a number of days > 0, such as {cad[first]}",
                first_row=first,
                n_rows=count,
                fix="give a cadence > 0, or NaN for no periodic contact",
            )
        prio = np.full(n, np.nan)
        inputs["cadence"] = cadence
    huge = cad > MAX_CADENCE_DAYS  # NaN: False; also an ActionPlan built by hand
    if huge.any():
        first, count = v.first_offender(huge)
        raise InputError(
            "cadence",
            f"has cadences longer than {MAX_CADENCE_DAYS:,} days, such as "
            f"{v.describe(float(cad[first]))}",
            first_row=first,
            n_rows=count,
            fix="give a cadence in days, or NaN for no periodic contact",
        )
    for key, value in (
        ("customer", customer),
        ("birthdays", birthdays),
        ("points", points),
    ):
        if value is not None:
            inputs[key] = value
    if plan is not None and plan.index is not None:
        # each pandas input against the plan's labels, so that the error
        # names the one whose index differs
        _check_plan_index(inputs, plan.index)
    index = common_index(**inputs)
    if plan is not None and index is None:
        index = plan.index
    ids, id_name = _ids(customer, index, n)
    carried = (
        plan.index
        if plan is not None and plan.index is not None
        else common_index(**{k: x for k, x in inputs.items() if k != "customer"})
    )
    # ids given beside the ids the inputs carry (the plan's labels): a pandas
    # Index is ids, which must be those; other ids given by position (names
    # to show) may differ, but the carried ids in another order would give
    # each row another customer's plan
    if (
        customer is not None
        and carried is not None
        and other_ids(customer, carried, ids) is not None
    ):
        raise InputError(
            "customer",
            "gives other ids than the inputs carry (the labels of the "
            "ActionPlan, or the index of a pandas input), or the same in "
            "another order: the plan's classes and dates would go to other "
            "customers",
            fix="leave customer= out (the ids are already known), or give "
            "them in the inputs' order (customer=plan.index)",
        )
    source = index if customer is None else customer
    levels = tuple(source.names) if flat_ids(source) is not source else None
    # repeated ids are an error whatever the day, also in a pandas index
    rank: np.ndarray | None
    if customer is None and index is not None:
        owner = next(
            (k for k, x in inputs.items() if common_index(**{k: x}) is not None),
            "cadence",  # the index came from the ActionPlan
        )
        rank = _rank(ids, owner)
    else:
        rank = None if customer is None else _rank(ids)

    never = last == _NAT
    after = ~never & (last > today)
    if after.any():
        first, count = v.first_offender(after)
        raise InputError(
            "last_contact",
            f"has contacts after as_of ({np.datetime64(int(today), 'D')}), such as "
            f"{np.datetime64(int(last[first]), 'D')}",
            first_row=first,
            n_rows=count,
            fix="check as_of, or drop contacts planned for later",
        )
    since = np.where(never, 0, today - last)
    has_cadence = ~np.isnan(cad)
    with np.errstate(invalid="ignore"):
        cad_due = has_cadence & (never | (since >= cad))
    cad_day = np.where(
        never | ~has_cadence, _NAT, last + np.ceil(np.nan_to_num(cad)).astype(np.int64)
    )

    # the windows checked whether or not they are used: a bad one is a
    # mistake however the call is made
    birthday_window = _window(birthday_window_days, "birthday_window_days")
    holiday_window = _window(holiday_window_days, "holiday_window_days")
    # reasons in sort order: birthday, the holidays by date, cadence, points
    reasons: list[str] = ["birthday"]
    masks: list[np.ndarray] = []
    days_of: list[np.ndarray] = []
    if birthdays is not None:
        window = birthday_window
        birth = v.as_datetime(birthdays, "birthdays", nan="allow")
        v.check_same_length(last_contact=last, birthdays=birth)
        born = v.to_days(birth)
        unborn = (born != _NAT) & (born > today)
        if unborn.any():
            first, count = v.first_offender(unborn)
            raise InputError(
                "birthdays",
                "has dates of birth after as_of",
                first_row=first,
                n_rows=count,
                fix="check as_of and the dates of birth (a due date or a typo?); "
                "leave an unknown date of birth empty",
            )
        nxt = _birthday_next(birth, today)
        known = nxt != _NAT
        masks.append(known & (nxt - today < window))
        days_of.append(nxt)
    else:
        masks.append(np.zeros(n, dtype=bool))
        days_of.append(np.full(n, _NAT))
    if holidays is not None:
        window = holiday_window
        within = sorted(
            (day, name) for name, day, _ in near if 0 <= day - today < window
        )
        for day, name in within:
            label = f"holiday: {name}"
            if label in reasons:
                raise ThresholdError(f"'holidays' has {name!r} twice in the window")
            reasons.append(label)
            masks.append(has_cadence)
            days_of.append(np.full(n, day))
    reasons.append("cadence")
    masks.append(cad_due)
    days_of.append(cad_day)
    reasons.append("points")
    pts = None
    if points is None and min_points is not None:
        raise ThresholdError(
            "'min_points' needs 'points' (each customer's balance): pass both, "
            "or neither"
        )
    if points is not None:
        if min_points is None:
            raise ThresholdError(
                "'min_points' is required with 'points': give the balance worth a reminder"
            )
        threshold = v.number_param(min_points, "min_points")
        if not math.isfinite(threshold):
            raise ThresholdError(
                f"'min_points' must be a finite number: got {min_points!r}"
            )
        read = v.as_numeric(points, "points", nan="allow")
        # points >= min_points, a decimal (or an int past 2**53) on its side;
        # the balance shown is the number as read
        sides = v.exact_sides(points, read, (threshold,), move="down", field="points")
        pts = read.astype(np.float64, copy=False)
        v.check_same_length(last_contact=last, points=pts)
        with np.errstate(invalid="ignore"):
            masks.append(sides >= threshold)
    else:
        masks.append(np.zeros(n, dtype=bool))
    days_of.append(np.full(n, today))

    rows = [np.flatnonzero(m) for m in masks]
    row = np.concatenate(rows) if rows else np.empty(0, dtype=np.intp)
    code = np.concatenate(
        [np.full(len(r), i, dtype=np.int64) for i, r in enumerate(rows)]
    )
    due_day = np.concatenate([d[r] for d, r in zip(days_of, rows, strict=True)])
    row_prio = prio[row]
    if len(row):
        order = _order(row_prio, code, due_day, row if rank is None else rank[row])
        row, code, due_day, row_prio = (
            row[order],
            code[order],
            due_day[order],
            row_prio[order],
        )
    due_on = due_day.astype("datetime64[D]")  # the NaT value stays NaT
    days_since = np.where(never[row], np.nan, since[row].astype(np.float64))
    return DueContacts(
        as_of=np.datetime64(today, "D"),
        row=row,
        customer=ids[row],
        reason=Labels(code, reasons, ordered=True, name="reason"),
        due_on=due_on,
        days_since_contact=days_since,
        priority=row_prio,
        points=None if pts is None else pts[row],
        plan=plan,
        customer_name=id_name,
        customer_levels=levels,
    )


def _order(
    prio: np.ndarray, code: np.ndarray, day: np.ndarray, rank: np.ndarray
) -> np.ndarray:
    """The sort order by priority (NaN last), reason, day (NaT first), rank.

    One int64 key and one argsort when the four fit in 62 bits (the rows are
    distinct, so the key is unique and any sort is exact), else a lexsort.
    """
    # priorities are whole numbers in [1, 1e6] (Action checks): no ranking needed
    top = 1_000_001
    p = np.where(np.isnan(prio), top, prio).astype(np.int64)
    nat = day == _NAT
    d = day.copy()
    lo = int(d[~nat].min()) - 1 if (~nat).any() else 0
    d[nat] = lo
    d -= lo  # >= 0
    span = int(d.max()) + 1 if len(d) else 1
    sizes = (top + 1, int(code.max()) + 1, span, int(rank.max()) + 1)
    if math.prod(sizes) < 2**62:
        key = ((p * sizes[1] + code) * sizes[2] + d) * sizes[3] + rank
        return np.argsort(key)
    return np.lexsort((rank, d, code, p))


def _is_scalar(x: Any) -> bool:
    return not is_pandas(x) and (
        np.isscalar(x) or (isinstance(x, np.ndarray) and x.ndim == 0)
    )
