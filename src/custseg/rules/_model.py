"""Load, check and compile a rules file into a :class:`RuleSet`."""

from __future__ import annotations

import ast
import difflib
import fractions
import keyword
import math
import numbers
import re
import sys
import tomllib
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Set
from typing import Any, Literal

import attrs
import numpy as np

from .. import _display
from .. import _validate as v
from .._align import common_index, fresh_index, paired, to_pandas_index
from .._bins import edges_below
from .._display import spelled
from ..errors import CustsegWarning, Diagnostic, InputError, ThresholdError
from ..labels import Labels, smallest_int_dtype
from ..lifecycle import LifecycleWindows
from ..pareto import ABC_NAMES
from ..playbook import PLAYBOOK_NAMES, Playbook, default_playbook
from ..rfm import RfmScores
from ..summary import CustomerFacts
from ._examples import Example, ExampleOutcome, parse_examples, run_examples
from ._expr import (
    BOOL,
    FUNCTIONS,
    MAX_NUMBER,
    NUMBER,
    AggregateMissing,
    Compiled,
    Env,
    ExprProblem,
    Symbol,
    Truth,
    Type,
    category,
    check_expr,
    condition_tree,
    decimal_places,
    inexact_hint,
    inexact_message,
    read_as,
)
from ._frozen import FrozenMap, frozen_map, frozen_nested, name_maps
from ._source import (
    Located,
    Source,
    _blanked,
    echo,
    locate_numbers,
    nesting_problems,
)

__all__ = ["RuleSet", "RulesResult", "ScoreSpec", "build"]

FORMAT = 1
MAX_TEXT = 1_000_000
MAX_RULES = 1_000
MAX_ITEMS = 500
MAX_LABEL = v.MAX_LABEL
TOP_KEYS = (
    "format",
    "name",
    "description",
    "translations",
    "extends",
    "fields",
    "params",
    "derived",
    "tables",
    "segments",
    "tags",
    "scores",
    "playbook",
    "examples",
)
FIELD_KEYS = ("type", "min", "max", "missing", "values", "optional", "description")
TABLE_KEYS = (
    "field",
    "breaks",
    "labels",
    "closed",
    "missing",
    "missing_rules",
    "description",
    "translations",
)
SEGMENT_KEYS = (
    "rules",
    "default",
    "order",
    "description",
    "translations",
    "stages",
    "stages_from",
)
RULE_KEYS = ("label", "when", "note")
TAGSET_KEYS = ("rules", "description")
TAG_KEYS = ("tag", "when", "note")
FIELD_TYPES = ("number", "integer", "category", "bool")
SCORE_DIMS = ("r", "f", "m")
SCORES_KEYS = (*SCORE_DIMS, "bins")
SCORE_KEYS = ("edges", "bins")
DEFAULT_BINS = 5
MAX_BINS = 99
# the keys an entry of each collection section may have (extends lets a file
# set one its preset's entry leaves out, such as 'closed' or 'stages')
ENTRY_KEYS = {
    "fields": FIELD_KEYS,
    "tables": TABLE_KEYS,
    "segments": SEGMENT_KEYS,
    "tags": TAGSET_KEYS,
}


# --------------------------------------------------------------------------
# compiled model


@attrs.frozen
class FieldSpec:
    """A declared input field."""

    name: str
    kind: Literal["number", "integer", "category", "bool"]
    min: float | None = None
    max: float | None = None
    missing: bool = False
    values: tuple[str, ...] = ()
    # optional: data without this column is fine; the outputs that read it
    # are left out of the result (RulesResult.skipped says which and why)
    optional: bool = False

    @property
    def type(self) -> Type:
        if self.kind == "category":
            return category(self.values)
        return BOOL if self.kind == "bool" else NUMBER


@attrs.frozen
class Derived:
    name: str
    expr: Compiled


@attrs.frozen
class Rule:
    label: str
    # compared and hashed by its text (``text`` below): the compiled closure
    # differs each time a file is compiled, so a table holding missing rules
    # would never equal the same table compiled again (or unpickled)
    when: Compiled = attrs.field(eq=False)
    line: int
    column: int
    path: str = ""
    text: str = attrs.field(
        init=False, default=attrs.Factory(lambda self: self.when.text, takes_self=True)
    )


@attrs.frozen
class Table:
    name: str
    field: str
    breaks: tuple[float, ...]
    labels: tuple[str, ...]
    closed: Literal["left", "right"]
    missing: str | None
    translations: FrozenMap[str, Mapping[str, str]] = attrs.field(
        converter=frozen_nested
    )
    # rows whose field is missing: the label of the first of these rules
    # that holds, else ``missing`` (a buyer with no recency is "unknown",
    # not "no_purchase")
    missing_rules: tuple[Rule, ...] = ()

    def __attrs_post_init__(self) -> None:
        name_maps(self, "translations")

    @property
    def names(self) -> tuple[str, ...]:
        out = self.labels + ((self.missing,) if self.missing else ())
        for rule in self.missing_rules:
            if rule.label not in out:
                out += (rule.label,)
        return out

    @property
    def reads(self) -> frozenset[str]:
        """The names the table reads: its field and its missing rules'."""
        out = {self.field}
        for rule in self.missing_rules:
            out |= rule.when.names
        return frozenset(out)


@attrs.frozen
class Segmentation:
    name: str
    rules: tuple[Rule, ...]
    default: str
    translations: FrozenMap[str, Mapping[str, str]] = attrs.field(
        converter=frozen_nested
    )
    path: str
    line: int
    # the labels of table ``stages_from`` (a lifecycle) each label is meant
    # for; labels not listed are unconstrained
    stages: FrozenMap[str, tuple[str, ...]] = attrs.field(
        factory=FrozenMap, converter=frozen_map
    )
    stages_from: str | None = None
    # 'order': the labels in the order to show them (rank), when not the
    # order of the rules
    order: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        name_maps(self, "translations", "stages")

    @property
    def names(self) -> tuple[str, ...]:
        if self.order:
            return self.order
        out: list[str] = []
        for r in self.rules:
            if r.label not in out:
                out.append(r.label)
        if self.default not in out:
            out.append(self.default)
        return tuple(out)


@attrs.frozen
class ScoreSpec:
    """How a rules file wants one RFM dimension scored (its ``[scores]``).

    Attributes
    ----------
    edges
        Fixed edges, strictly ascending; None for quantile edges fitted on the
        data. Recency (days, fewer is better) scores 1 + the number of edges
        the value is strictly below; frequency and monetary score 1 + the
        number of edges strictly below the value.
    bins
        The number of scores (``len(edges) + 1`` for fixed edges).

    Examples
    --------
    >>> from custseg import rules
    >>> rs = rules.loads('''
    ... format = 1
    ... [scores]
    ... r = { edges = [30, 90, 180, 365] }
    ... f = { bins = 4 }
    ... ''')
    >>> rs.scores["r"]
    ScoreSpec(edges=(30.0, 90.0, 180.0, 365.0), bins=5)
    >>> rs.scores["f"], rs.scores["m"]
    (ScoreSpec(edges=None, bins=4), ScoreSpec(edges=None, bins=5))
    """

    edges: tuple[float, ...] | None
    bins: int


@attrs.frozen
class TagSet:
    name: str
    tags: tuple[str, ...]
    rules: tuple[Rule, ...]


@attrs.frozen(eq=False)
class Lookup:
    """A segmentation tabulated over every input cell.

    ``fields`` are the inputs, one axis each: declared fields, or the outputs
    of derived conditions, tables and segmentations the rules read (their
    values are computed before the segmentation). ``lows`` is the smallest
    value of an axis (integer min, or 0 for category codes, booleans, output
    codes and cut axes) and ``sizes`` its number of slots (values, plus one
    for missing when ``missing``). ``cuts`` (empty: none) holds per axis the
    sorted constants a number field is compared with, or ``None``: such an
    axis has the slots below ``cuts[0]``, at ``cuts[0]``, between ``cuts[0]``
    and ``cuts[1]``, ..., above ``cuts[-1]`` (2 x constants + 1), and missing.
    ``codes`` and ``rules`` hold the label code and deciding rule per cell,
    cells numbered in C order over ``fields``.
    """

    fields: tuple[str, ...]
    lows: tuple[int, ...]
    sizes: tuple[int, ...]
    missing: tuple[bool, ...]
    codes: np.ndarray
    rules: np.ndarray
    cuts: tuple[tuple[float, ...] | None, ...] = ()

    def __attrs_post_init__(self) -> None:
        # tabulated once, when the rules are loaded: read-only, as the rules
        self.codes.flags.writeable = False
        self.rules.flags.writeable = False

    def apply(self, env: Env, explain: bool) -> tuple[np.ndarray, np.ndarray]:
        """Label codes (and deciding rules) of the rows of *env*.

        The cell of a row is accumulated in ``int32`` (at most
        ``MAX_LOOKUP_CELLS`` cells); offsets of integer axes are folded into
        one subtraction at the end when the sums cannot overflow."""
        cuts = self.cuts or (None,) * len(self.fields)
        key = (self.fields, self.lows, self.sizes, self.missing, cuts)
        cell = env.cells.get(key)
        if cell is None:
            cell = env.cells[key] = self._cells(env, cuts)
        rule_idx = self.rules.take(cell) if explain else np.empty(0, np.int16)
        return self.codes.take(cell), rule_idx

    def _cells(self, env: Env, cuts: tuple[tuple[float, ...] | None, ...]) -> Any:
        """The cell of every row (``uint16`` or ``int32``); offsets of integer axes are folded
        into one subtraction at the end when the sums cannot overflow. Slots
        of an axis are kept in *env* for other lookups reading it."""
        # values up to |low| + size on every axis: Horner's sums stay in int32
        bound = math.prod(
            abs(lo) + s for lo, s in zip(self.lows, self.sizes, strict=True)
        )
        fold = bound < 2**31
        # cells are at most MAX_LOOKUP_CELLS (65,536): two bytes when sums fit
        dtype = (
            np.uint16 if bound <= 2**16 and min(self.lows, default=0) >= 0 else np.int32
        )
        cell: np.ndarray | None = None
        offset = 0
        # fresh arrays (malloc), not np.zeros (calloc maps new pages each call)
        for name, low, size, missing, cut in zip(
            self.fields, self.lows, self.sizes, self.missing, cuts, strict=True
        ):
            axis = ("axis", name, low, size, missing, cut, fold)
            found = env.cells.get(axis)
            if found is None:
                x = env.compared(name)
                found = env.cells[axis] = _slots(x, low, size, missing, cut, fold)
            slot, shift = found
            offset = offset * size + shift
            if cell is None:
                cell = slot.astype(dtype)
            else:
                cell *= size
                np.add(cell, slot, out=cell, casting="unsafe")
        if cell is None:  # no axis: a single cell
            cell = np.full(env.n, 0, dtype=dtype)
        elif offset:
            cell -= offset
        return cell


_ABOVE_ALL = object()  # +inf: no integer is at or above it


def _int_cuts(cut: tuple[float, ...]) -> list[tuple[Any, Any]]:
    """For integer values: ``x > c`` is ``x > floor(c)`` and ``x >= c`` is
    ``x >= ceil(c)`` (exact: the constants are below 2**53), compared as
    integers without converting the column to float."""
    out: list[tuple[Any, Any]] = []
    for c in cut:
        if c == math.inf:
            out.append((_ABOVE_ALL, _ABOVE_ALL))
        elif c == -math.inf:
            out.append((None, None))
        else:
            out.append((math.floor(c), math.ceil(c)))
    return out


def _slots(
    x: Any,
    low: int,
    size: int,
    missing: bool,
    cut: tuple[float, ...] | None,
    fold: bool,
) -> tuple[np.ndarray, int]:
    """The slot of each row on one lookup axis, as small integers, and the
    offset still to subtract (*low* when folded)."""
    if cut is not None:  # a number field cut by constants
        x = np.asarray(x)
        if len(cut) > 16:
            c = np.asarray(cut, dtype=np.float64)
            xf = x.astype(np.float64, copy=False)
            slot = np.searchsorted(c, xf, "left").astype(np.int32)
            slot += np.searchsorted(c, xf, "right").astype(np.int32)
        else:
            # below, at and above each constant: 2 x (constants below) + (at one)
            slot = np.full(len(x), 0, dtype=np.uint8)
            pairs = _int_cuts(cut) if x.dtype.kind in "iu" else [(c, c) for c in cut]
            for gt, ge in pairs:
                if gt is None:  # -inf: every integer is above it
                    slot += np.uint8(2)
                elif gt is not _ABOVE_ALL:
                    slot += np.greater(x, gt).view(np.uint8)
                    slot += np.greater_equal(x, ge).view(np.uint8)
        if missing and x.dtype.kind == "f":
            # NaN -> the last slot, whatever slot it got above: no comparison
            # holds (slot 0) on the small path, but searchsorted sorts NaN
            # after every constant (slot 2 x constants)
            np.putmask(slot, np.isnan(x), size - 1)
        return slot, 0
    if x.dtype.kind == "b":
        false = getattr(x, "false", None)
        t = np.asarray(x).view(np.uint8)
        if missing and false is not None:  # neither TRUE nor FALSE: the last slot
            known = np.logical_or(np.asarray(x), np.asarray(false))
            unknown = np.logical_not(known).view(np.uint8)
            return t + unknown * np.uint8(size - 1), 0
        return t, 0
    if x.dtype.kind == "f":
        if not fold:
            if missing:
                x = np.fmin(x, low + size - 1)
            return (x - low).astype(np.int32), 0
        # small integers as one byte each where they fit
        dtype = np.uint8 if low >= 0 and low + size <= 255 else np.int32
        if not missing:
            return x.astype(dtype), low
        # NaN -> the last slot (fmin skips NaN), cast as it is written
        out = np.empty(len(x), dtype=dtype)
        return np.fmin(x, low + size - 1, out=out, casting="unsafe"), low
    x = np.asarray(x)
    if missing:  # category codes: -1 is missing, the last slot
        s = x - low if low else x
        unsigned = s.view(np.dtype(f"u{s.dtype.itemsize}"))
        return np.minimum(unsigned, size - 1), 0
    if fold:
        return x, low
    # the offsets in int64: in the column's own type, int8 values 200 apart
    # (a field from -100 to 100) would wrap to a negative cell, which
    # indexes the table from its end (another cell's label, silently)
    return x.astype(np.int64) - low, 0


@attrs.frozen(eq=False)
class RulesResult:
    """What :meth:`RuleSet.evaluate` returns.

    Attributes
    ----------
    labels
        One :class:`~custseg.Labels` per table and segmentation, by name.
    tags
        Per tag set, a boolean matrix (rows x tags) and its tag names.
    explain
        With ``explain=True``: per segmentation, the index of the rule that
        decided each row (-1: the default).
    index
        The pandas index of the data evaluated (the customer ids for
        :class:`~custseg.CustomerFacts`), or ``None``; :meth:`to_pandas` puts
        it on the frame.
    skipped
        The tables, segmentations and tags (``set.tag``) left out because
        they read an ``optional = true`` field the data does not have: output
        name -> the absent fields (empty when nothing was left out). The
        other tags of a set are still computed.
    aggregates
        The values of the aggregates the rules read (``mean(frequency)``,
        ...) by their canonical text, as :meth:`RuleSet.aggregates` gives
        them: fitted on the data, or those given as ``aggregates=``.

    Examples
    --------
    >>> from custseg import rules
    >>> rs = rules.loads('''
    ... format = 1
    ... [fields]
    ... visits = { type = "integer", min = 0 }
    ... [segments.kind]
    ... default = "walk-in"
    ... rules = [{ label = "member", when = "visits >= 3" }]
    ... [tags.care]
    ... rules = [{ tag = "regular", when = "visits >= 2" }]
    ... ''')
    >>> rs.evaluate({"visits": [0, 2, 5]}, explain=True).to_pandas()
          kind  care.regular  kind.rule
    0  walk-in         False         -1
    1  walk-in          True         -1
    2   member          True          0
    """

    labels: dict[str, Labels]
    tags: dict[str, tuple[tuple[str, ...], np.ndarray]]
    explain: dict[str, np.ndarray]
    index: Any = None
    skipped: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    aggregates: dict[str, float] = attrs.field(factory=dict)

    def __getitem__(self, name: str) -> Labels:
        """The labels of the table or segmentation *name*; InputError (a
        KeyError too) for a name the result lacks, saying why: an output
        left out for want of an optional field, a tag set (in
        :attr:`tags`), or no output of these rules."""
        try:
            return self.labels[name]
        except (KeyError, TypeError):
            pass
        outputs = ", ".join(repr(k) for k in self.labels) or "none"
        if isinstance(name, str) and name in self.skipped:
            fields = ", ".join(self.skipped[name])
            problem = f"was left out: the data lacks the optional field(s) {fields}"
            fix = f"pass data holding {fields}, or use one of {outputs}"
        elif isinstance(name, str) and name in self.tags:
            problem = "is a tag set, not a labelling"
            fix = f"read it from result.tags[{name!r}] or to_pandas()"
        else:
            problem = "is not an output of these rules"
            fix = f"use one of {outputs}"
        raise _NoOutput(str(name), problem, fix=fix)

    def __contains__(self, name: object) -> bool:
        return name in self.labels

    def __iter__(self) -> Iterator[str]:
        """The names of the tables and segmentations, as a mapping's keys."""
        return iter(self.labels)

    def to_pandas(self) -> Any:
        """A DataFrame on the data's index: one categorical column per table /
        segmentation, one boolean column per tag (``set.tag``), and
        ``name.rule`` columns when explained.

        The index is the DataFrame's (or the Series') the rules were evaluated
        on, the customer ids for :class:`~custseg.CustomerFacts`, else a
        RangeIndex; so ``data.join(result.to_pandas())`` never shifts a row.

        Examples
        --------
        >>> import pandas as pd
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... spend = { type = "number", min = 0 }
        ... [segments.tier]
        ... default = "C"
        ... rules = [{ label = "A", when = "spend >= 1000" },
        ...          { label = "B", when = "spend >= 200" }]
        ... ''')
        >>> data = pd.DataFrame({"spend": [50.0, 1200.0, 300.0]},
        ...                     index=pd.Index(["c1", "c2", "c3"], name="customer_id"))
        >>> data.join(rs.evaluate(data).to_pandas())
                      spend tier
        customer_id
        c1             50.0    C
        c2           1200.0    A
        c3            300.0    B
        """
        import pandas as pd

        cols: dict[str, Any] = {
            k: lab.to_categorical() for k, lab in self.labels.items()
        }
        for set_name, (names, matrix) in self.tags.items():
            for j, tag in enumerate(names):
                cols[f"{set_name}.{tag}"] = matrix[:, j]
        for seg, idx in self.explain.items():
            cols[f"{seg}.rule"] = idx
        return pd.DataFrame(cols, index=fresh_index(self.index))

    def __repr__(self) -> str:
        fields: dict[str, Any] = {}
        for key, lab in self.labels.items():
            counts = lab.counts()
            top = max(counts, key=counts.__getitem__) if len(lab) else None
            fields[key] = _display.Raw(
                f"{len(lab.names)} labels"
                + (
                    ""
                    if top is None
                    else f" (top {top!r} {_display.share(counts[top], len(lab))})"
                )
            )
        for key, (names, _) in self.tags.items():
            fields[key] = _display.Raw(f"{len(names)} tags")
        n = len(next(iter(self.labels.values()))) if self.labels else None
        return _display.short_repr("RulesResult", n=n, fields=fields)

    def _repr_html_(self) -> str:
        tables = [
            _display.counts_table(key, lab.counts(), len(lab))
            for key, lab in self.labels.items()
        ]
        for key, (names, matrix) in self.tags.items():
            m = np.asarray(matrix, dtype=bool).reshape(-1, len(names))
            counts = dict(zip(names, m.sum(axis=0).tolist(), strict=True))
            tables.append(_display.counts_table(f"{key} (tags)", counts, len(m)))
        return "".join(tables[: _display.MAX_ROWS])


_RULESET_MAPS = (
    "fields",
    "params",
    "derived",
    "tables",
    "segments",
    "tagsets",
    "lookups",
    "scores",
    "playbooks",
)


@attrs.frozen(eq=False)
class RuleSet:
    """A checked, compiled rules file: evaluate it on many data sets.

    Built by :func:`custseg.rules.load` / :func:`custseg.rules.loads`; warnings
    and notes from the checks are kept in ``diagnostics``.

    A RuleSet is a read-only value. Its mappings (``params``, ``tables``,
    ``segments``, ...) refuse edits with a ``TypeError``, since the rules
    were checked and compiled when they were loaded: to change a threshold,
    change the rules text, or write a file that ``extends`` it, and load
    that. Two RuleSets compile the same rules when they come from the same
    text (and the same presets, for a file with ``extends``): they then
    compare equal and hash alike. A RuleSet pickles (so does a
    :class:`~custseg.SegmentResult` holding one, e.g. returned from a
    ``ProcessPoolExecutor`` worker) as its rules text, which is compiled
    again when it is unpickled. The text of every preset it extends is
    stored with it, so a stored RuleSet keeps the rules it was made with,
    even after custseg's presets change. ``copy.copy`` and
    ``copy.deepcopy`` return the same object.

    Examples
    --------
    >>> from custseg import rules
    >>> rs = rules.load("ecommerce")
    >>> rs
    RuleSet('ecommerce', outputs=('lifecycle', 'care_phase', 'nps_band', 'rfm11', 'rfm_vignette', 'rfm8', 'ecom4', 'status', 'status_crm', 'loyalty'))
    >>> rs.required_fields()
    ('recency_days', 'frequency', 'monetary', 'tenure_days', 'r', 'f', 'm', 'satisfaction', 'repurchase', 'referral', 'nps', 'interested', 'vip')
    >>> out = rs.evaluate({"recency_days": [10.0], "frequency": [4],
    ...                    "monetary": [1500.0], "tenure_days": [300.0],
    ...                    "r": [5], "f": [4], "m": [5]}, explain=True)
    >>> out["rfm11"].to_numpy().tolist(), out.explain["rfm11"].tolist()
    (['Champions'], [1])

    It pickles, and it is read-only:

    >>> import pickle
    >>> pickle.loads(pickle.dumps(rs)) == rs
    True
    >>> rs.params["key_amount"]
    1000
    >>> rs.params["key_amount"] = 2000
    Traceback (most recent call last):
    ...
    TypeError: RuleSet.params is read-only: ...
    """

    def __repr__(self) -> str:
        return f"RuleSet({self.name or self.path!r}, outputs={self.outputs!r})"

    name: str
    description: str
    path: str
    fields: FrozenMap[str, FieldSpec] = attrs.field(converter=frozen_map)
    params: FrozenMap[str, Any] = attrs.field(converter=frozen_map)
    order: tuple[str, ...]  # derived / table / segmentation names, dependencies first
    derived: FrozenMap[str, Derived] = attrs.field(converter=frozen_map)
    tables: FrozenMap[str, Table] = attrs.field(converter=frozen_map)
    segments: FrozenMap[str, Segmentation] = attrs.field(converter=frozen_map)
    tagsets: FrozenMap[str, TagSet] = attrs.field(converter=frozen_map)
    diagnostics: tuple[Diagnostic, ...] = ()
    # segmentations whose inputs all have finite domains are evaluated once per
    # input cell at compile time; rows then only look their cell up
    lookups: FrozenMap[str, Lookup] = attrs.field(
        factory=FrozenMap, converter=frozen_map
    )
    skip: frozenset[str] = frozenset()  # derived values only lookups need
    # [scores]: per dimension 'r', 'f', 'm', fixed edges or a quantile bin
    # count; empty when the file has no [scores] (quantile edges, the caller's
    # bin count)
    scores: FrozenMap[str, ScoreSpec] = attrs.field(
        factory=FrozenMap, converter=frozen_map
    )
    # [playbook.<classification>]: the file's actions per label
    playbooks: FrozenMap[str, Playbook] = attrs.field(
        factory=FrozenMap, converter=frozen_map
    )
    # [[examples]]: given values and the expected labels
    examples: tuple[Example, ...] = ()
    # translations.LANG.description: the description per language
    descriptions: FrozenMap[str, str] = attrs.field(
        factory=FrozenMap, converter=frozen_map
    )
    # what the rules were compiled from: (path, text) of the file, then
    # (name, text) of each preset it extends; empty for a RuleSet built
    # otherwise (build() alone). Equality, hashing and pickling use it.
    _sources: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)

    def __attrs_post_init__(self) -> None:
        name_maps(self, *_RULESET_MAPS)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, RuleSet):
            return NotImplemented
        return bool(self._sources) and self._sources == other._sources

    def __hash__(self) -> int:
        return hash(self._sources) if self._sources else object.__hash__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # the compiled conditions are closures, which do not pickle: a
        # RuleSet is stored as its rules text and compiled again on loading
        if not self._sources:
            raise TypeError(
                "this RuleSet has no rules text to be pickled from (it was not "
                "made by custseg.rules.load, loads or preset); load the rules "
                "with one of those"
            )
        from . import _from_sources

        return (_from_sources, (self._sources,))

    def __copy__(self) -> RuleSet:
        return self  # read-only: a copy would be the same value

    def __deepcopy__(self, memo: dict[int, Any]) -> RuleSet:
        return self

    def run_examples(self) -> list[ExampleOutcome]:
        """Run the file's ``[[examples]]``: one outcome per expected label.

        Each example is evaluated on its own, as a one-row table (fields it
        leaves out are missing; an aggregate sees only that row, so give a
        derived value directly where a rule reads one; a derived value given
        with values it is computed from must agree with them, which
        :func:`custseg.rules.load` checks). ``custseg rules test``
        and :func:`custseg.rules.check` run them too.

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... visits = { type = "integer", min = 0 }
        ... [segments.kind]
        ... default = "walk-in"
        ... rules = [{ label = "member", when = "visits > 3" }]
        ... [[examples]]
        ... note = "the third visit makes a member"
        ... given = { visits = 3 }
        ... expect = { kind = "member" }
        ... ''')
        >>> [o.describe() for o in rs.run_examples()]
        ["example 1 (the third visit makes a member): kind is 'walk-in', expected 'member'; decided by the default of kind (no rule matched); given visits = 3"]
        """
        return run_examples(self)

    def playbook(self, name: str) -> Playbook | None:
        """The playbook of classification *name*: the file's
        ``[playbook.<name>]`` entries over the shipped default
        (:func:`custseg.playbook.default_playbook`) label by label, or
        whichever of the two exists; ``None`` when neither does.

        Parameters
        ----------
        name
            A table or segmentation of the file, or ``"lifecycle"`` /
            ``"abc"``.

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... recency_days = { type = "number", missing = true }
        ... [tables.lifecycle]
        ... field = "recency_days"
        ... breaks = [90, 180, 270, 365]
        ... labels = ["active", "silent", "sleeping", "lost", "gone"]
        ... missing = "no_purchase"
        ... [playbook.lifecycle.silent]
        ... action = "Call with a care message, no offer yet"
        ... channel = "phone"
        ... cadence_days = 10
        ... priority = 1
        ... ''')
        >>> pb = rs.playbook("lifecycle")
        >>> pb.action_for("silent").cadence_days, pb.action_for("sleeping").channel
        (10.0, 'phone')
        """
        own = self.playbooks.get(name)
        # only a name without a shipped playbook has no default: an error in
        # the days these rules pass (a care phase past 10**12 days) is said,
        # not taken for no playbook
        default = (
            default_playbook(
                name,
                deadline_days=self.win_back_deadline(),
                care_days=self.care_days(),
            )
            if name in PLAYBOOK_NAMES
            else None
        )
        if own is None:
            return default
        actions = {**(default.actions if default else {}), **own.actions}
        # the names a translated run writes (lang="zh": 贵宾 for vip) find
        # their label's action, as the shipped playbooks' own aliases do
        aliases = {**(default.aliases if default else {}), **own.aliases}
        output = self.tables.get(name) or self.segments.get(name)
        for names in getattr(output, "translations", {}).values():
            for label, text in names.items():
                if label in actions:
                    aliases.setdefault(text, label)
        return Playbook(
            actions,
            name=name,
            aliases={k: v for k, v in aliases.items() if k not in actions},
        )

    def care_days(self) -> float | None:
        """The length of the first-purchase care phase of these rules: the
        end of the ``care_phase`` table's ``care`` phase (``关怀``), in days
        since the first purchase, which the shipped care and new-customer
        actions follow (one call within it); None (the default 5 days)
        without such a table or phase.

        Examples
        --------
        >>> from custseg import rules
        >>> rules.preset("furniture").care_days(), rules.preset("restaurant").care_days()
        (30.0, 3.0)
        >>> rules.preset("furniture").playbook("care_phase").action_for("care").action
        'Care: call to thank them and ask how the first purchase went (within 30 days)'
        """
        table = self.tables.get("care_phase")
        if table is None or table.field != "tenure_days" or not table.breaks:
            return None
        care = default_playbook("care_phase").aliases
        names = [care.get(label, label) for label in table.labels]
        if names[0] != "care" or not float(table.breaks[0]) > 0:
            return None
        return float(table.breaks[0])

    def win_back_deadline(self) -> float | None:
        """The deadline of the shipped win-back plans for these rules: the
        day the ``lifecycle`` table's ``gone`` stage (``已流失``) starts,
        in days since the last purchase, so that a win-back stops where the
        rules' own lifecycle says to stop spending; None (the default 365
        days) without such a table or stage.

        Examples
        --------
        >>> from custseg import rules
        >>> rules.preset("furniture").win_back_deadline()
        1825.0
        >>> rules.preset("beauty_salon").playbook("rfm8").action_for(
        ...     "Important Win-back").deadline_days
        180.0
        """
        table = self.tables.get("lifecycle")
        if table is None or table.field != "recency_days":
            return None
        gone = default_playbook("lifecycle").aliases
        names = [gone.get(label, label) for label in table.labels]
        if "gone" not in names or names.index("gone") == 0:
            return None
        start = float(table.breaks[names.index("gone") - 1])
        if table.closed == "right":  # the stage is recency > start
            start = math.nextafter(start, math.inf)
        return start if start > 0 else None

    @property
    def outputs(self) -> tuple[str, ...]:
        """Names of the tables and segmentations, in evaluation order."""
        return tuple(n for n in self.order if n in self.tables or n in self.segments)

    def describe(self, lang: str | None = None) -> str:
        """The file's ``description`` in *lang*: its
        ``translations.LANG.description`` when the file (or the preset it
        extends, unless the file gives its own ``description``) has one,
        else the description as written.

        Parameters
        ----------
        lang
            A language code (``"zh"``), or None or ``"en"`` for the
            description as written.

        Returns
        -------
        str
            The description (empty when the file has none).

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.load("restaurant")
        >>> rs.describe()[:40]
        'Restaurant: lifecycle 30/60/90/180 days,'
        >>> rs.describe("zh")[:22]
        '餐厅：生命周期 30/60/90/180 天'
        """
        if lang is None:
            return self.description
        return self.descriptions.get(lang, self.description)

    def check_lang(self, lang: Any) -> str | None:
        """*lang* if it is a language the tables and segmentations carry
        translations for; None for None or ``"en"`` (the names as written,
        unless the rules translate to ``en``); a
        :class:`~custseg.ThresholdError` otherwise (``"ZH"`` or a language
        nobody translated would give the names as written without a word).

        Parameters
        ----------
        lang
            A language code, or None.

        Returns
        -------
        str or None
            The language to translate the labels to (None: as written).

        Raises
        ------
        ThresholdError
            *lang* is not text, or a language the rules do not carry.

        Examples
        --------
        >>> from custseg import rules
        >>> rules.load("ecommerce").check_lang("zh")
        'zh'
        >>> rules.load("ecommerce").check_lang("ZH")
        Traceback (most recent call last):
        ...
        custseg.errors.ThresholdError: 'lang' must be one of the languages the rules carry (zh) or 'en' (the names as written): got 'ZH'
        """
        if lang is None:
            return None
        languages = sorted(
            {
                code
                for part in (*self.tables.values(), *self.segments.values())
                for code in getattr(part, "translations", {})
            }
        )
        if isinstance(lang, str) and lang not in languages and lang == "en":
            return None  # the names as written, as the classifiers' default
        if not isinstance(lang, str) or lang not in languages:
            raise ThresholdError(
                f"'lang' must be one of the languages the rules carry "
                f"({', '.join(languages) or 'none'}) or 'en' (the names as "
                f"written): got {v.describe(lang)}"
            )
        return lang

    def required_fields(self) -> tuple[str, ...]:
        """Declared fields the outputs read (directly or through derived
        values); those declared ``optional`` may be absent from the data.

        Returns
        -------
        tuple of str
            The fields, in the file's order; a declared field no output reads
            is left out.

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... visits = { type = "integer", min = 0 }
        ... spend = { type = "number", min = 0 }
        ... age = { type = "integer", min = 0, optional = true }
        ... email = { type = "bool" }
        ... [derived]
        ... loyal = "visits >= 3 and spend >= 500"
        ... [segments.kind]
        ... default = "walk-in"
        ... rules = [{ label = "member", when = "loyal" }]
        ... [tags.care]
        ... rules = [{ tag = "senior", when = "age >= 65" }]
        ... ''')
        >>> rs.required_fields()
        ('visits', 'spend', 'age')
        """
        needed: set[str] = {t.field for t in self.tables.values()}
        for expr in self._expressions():
            needed |= expr.names
        return tuple(f for f in self.fields if f in needed)

    def _expressions(self) -> Iterator[Any]:
        """Every compiled expression of the rules: derived fields' and each
        segment and tag rule's condition."""
        for d in self.derived.values():
            yield d.expr
        for t in self.tables.values():
            for r in t.missing_rules:
                yield r.when
        for s in self.segments.values():
            for r in s.rules:
                yield r.when
        for ts in self.tagsets.values():
            for r in ts.rules:
                yield r.when

    def _left_out(self, absent: Set[str]) -> dict[str, tuple[str, ...]]:
        """The outputs that read an *absent* (optional) field, each with the
        absent fields it reads, in the order of :attr:`fields`."""
        if not absent:
            return {}
        out = {}
        for name, reads in self.fields_read().items():
            missing = reads & absent  # once per output: fields x outputs in all
            if missing:
                out[name] = tuple(f for f in self.fields if f in missing)
        return out

    def fields_read(self) -> dict[str, frozenset[str]]:
        """The declared fields each derived value, table, segmentation and tag
        set reads, directly or through other outputs of the file.

        Returns
        -------
        dict
            Output name (each tag also as ``set.tag``) -> the fields it reads.

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... spend = { type = "number", min = 0 }
        ... visits = { type = "integer", min = 0 }
        ... [derived]
        ... big = "spend >= 500"
        ... [segments.kind]
        ... default = "other"
        ... rules = [{ label = "loyal big spender", when = "big and visits >= 3" }]
        ... ''')
        >>> {name: sorted(f) for name, f in rs.fields_read().items()}
        {'big': ['spend'], 'kind': ['spend', 'visits']}
        """
        reads: dict[str, frozenset[str]] = {}

        def through(names: Iterable[str]) -> frozenset[str]:
            out: set[str] = set()
            for n in names:
                if n in self.fields:
                    out.add(n)
                else:
                    out |= reads.get(n, frozenset())
            return frozenset(out)

        for name in self.order:
            if name in self.derived:
                reads[name] = through(self.derived[name].expr.names)
            elif name in self.tables:
                reads[name] = through(self.tables[name].reads)
            elif name in self.segments:
                reads[name] = through(
                    n for r in self.segments[name].rules for n in r.when.names
                )
        for name, ts in self.tagsets.items():
            reads[name] = through(n for r in ts.rules for n in r.when.names)
            for tag in ts.tags:  # each tag on its own: "set.tag"
                reads[f"{name}.{tag}"] = through(
                    n for r in ts.rules if r.label == tag for n in r.when.names
                )
        return reads

    def aggregate_keys(self) -> tuple[str, ...]:
        """The canonical texts of every aggregate the rules read.

        An aggregate (``mean(x)``, ``median(x)``, ``min(x)``, ``max(x)``,
        ``quantile(x, q)``, each optionally with ``where=condition``) is keyed
        by one text however it is written: spaces and quotes normalised, the
        q of a quantile as a number.

        Returns
        -------
        tuple of str
            The keys, sorted; empty when the rules read no aggregate.

        Examples
        --------
        >>> from custseg import rules
        >>> rules.load("ecommerce").aggregate_keys()
        ('mean(frequency, where=not missing(recency_days))', 'mean(monetary, where=not missing(recency_days))')
        """
        keys: set[str] = set()
        for expr in self._expressions():
            keys |= expr.aggregate_keys
        return tuple(sorted(keys))

    def aggregates(self, data: Any) -> dict[str, float]:
        """The values of the aggregates the rules read, fitted on *data*.

        Aggregates (``mean(monetary)``, ``quantile(x, 0.9)``, ...) are
        population figures: evaluated on another data set they move, and with
        them the labels of customers whose own values did not change. Fit
        them once, on a reference period, and pass them to
        :meth:`evaluate` (``aggregates=``) to label other periods on the
        same scale, as fixed score edges do.

        Parameters
        ----------
        data
            As for :meth:`evaluate`.

        Returns
        -------
        dict
            Canonical text of the aggregate (:meth:`aggregate_keys`) -> its
            value (NaN for an aggregate over no values, which
            :meth:`evaluate` refuses as ``aggregates=``: fit them on data
            where every aggregate has values). Aggregates only read by
            outputs the data leaves out (an absent ``optional`` field) are
            not included.

        Examples
        --------
        >>> from custseg import rules
        >>> rs = rules.loads('''
        ... format = 1
        ... [fields]
        ... spend = { type = "number" }
        ... [segments.kind]
        ... default = "small"
        ... rules = [{ label = "big", when = "spend > mean(spend)" }]
        ... ''')
        >>> jan = {"spend": [10.0, 20.0, 90.0]}
        >>> rs.aggregates(jan)
        {'mean(spend)': 40.0}
        >>> feb = {"spend": [50.0, 500.0]}
        >>> rs.evaluate(feb)["kind"].to_numpy().tolist()  # February's mean
        ['small', 'big']
        >>> rs.evaluate(feb, aggregates=rs.aggregates(jan))["kind"].to_numpy().tolist()
        ['big', 'big']
        """
        return dict(self._evaluate_data(data).aggregates)

    def _fixed_aggregates(self, aggregates: Any) -> dict[str, float]:
        """*aggregates* checked against the rules' aggregates, as floats."""
        if not isinstance(aggregates, Mapping):
            raise InputError(
                "aggregates",
                f"must be a dict of aggregate values: got {type(aggregates).__name__}",
                fix="pass the dict RuleSet.aggregates(data) returns",
            )
        known = self.aggregate_keys()
        out: dict[str, float] = {}
        for key, value in aggregates.items():
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                raise InputError(
                    "aggregates",
                    f"has {key!r}, which these rules do not read",
                    fix=(f"did you mean {close[0]!r}? " if close else "")
                    + "pass the values RuleSet.aggregates(...) gives for the same "
                    "rules; they read "
                    + (", ".join(repr(k) for k in known) if known else "none"),
                )
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise InputError(
                    "aggregates",
                    f"has a {type(value).__name__} for {key!r}, not a number",
                    fix="pass the values RuleSet.aggregates(data) returns",
                )
            try:
                # a float32 value is read as the decimal it prints as, as the
                # data is (v.widen_narrow), so a customer equal to it in a
                # float32 column falls on the written side
                number = v.number_param(value, f"aggregates[{key!r}]")
            except ThresholdError as exc:
                raise InputError(
                    "aggregates",
                    f"has {v.describe(value)} for {key!r}, which float64 cannot hold",
                    fix="pass the values RuleSet.aggregates(data) returns",
                ) from exc
            if math.isnan(number):
                # a frozen NaN makes every comparison with it unknown, on
                # every later period: refused, as edges fitted on nobody are
                raise InputError(
                    "aggregates",
                    f"has NaN for {key!r}: it was fitted over no values (no "
                    "customer had the field, or its where= selected nobody), "
                    "and a NaN would make every comparison with it unknown",
                    fix="fit the aggregates on data where it has values, or "
                    "leave aggregates= out (aggregates=None) to fit them on "
                    "this data",
                )
            out[key] = number
        return out

    def evaluate(
        self,
        data: Any,
        *,
        explain: bool = False,
        lang: str | None = None,
        aggregates: Mapping[str, float] | None = None,
    ) -> RulesResult:
        """Label every row of *data*: columns by name, one row per customer.

        Parameters
        ----------
        data
            A mapping of arrays or Series, a DataFrame, a
            :class:`~custseg.CustomerFacts` (its ``recency_days``,
            ``frequency``, ``monetary``, ``tenure_days``, ... by customer), an
            :class:`~custseg.RfmScores` (``r``, ``f``, ``m``, ``rfm``; an
            unknown score is missing), or a list of them joined side by side
            (same customers, same order; the first that offers a column wins).
            It must hold every required field (:meth:`required_fields`), except
            those declared ``optional = true``: without them, the outputs that
            read them are left out (:attr:`RulesResult.skipped`). The
            result's :meth:`~RulesResult.to_pandas` is on the data's index.
        explain
            Also return, per segmentation, the index of the deciding rule.
        lang
            Use the ``translations`` for this language (e.g. ``"zh"``) as
            label names where the file gives them.
        aggregates
            The values of the rules' aggregates (``mean(...)``, ...) to use
            instead of computing them on *data*: the dict
            :meth:`aggregates` returns for a reference data set (or
            :attr:`RulesResult.aggregates` of an earlier evaluation), to label
            another period on the same scale. Default: computed on *data*.
            A NaN value (an aggregate fitted over no values) is refused. A
            ``float32`` or ``float16`` value is read as the decimal it prints
            as, as the data of such a column is.

        Examples
        --------
        >>> import custseg
        >>> from custseg import rules
        >>> facts = custseg.summarize(["a", "b", "b", "c"],
        ...     ["2024-01-02", "2023-03-01", "2024-01-05", "2023-01-01"],
        ...     [120.0, 80.0, 60.0, -5.0])
        >>> scores = custseg.rfm_scores(facts.recency_days, facts.frequency,
        ...                             facts.monetary, bins=2, nan="unknown")
        >>> out = rules.load("base").evaluate([facts, scores])  # quantile scores
        >>> out.to_pandas()[["lifecycle", "ecom4"]]
                       lifecycle     ecom4
        customer_id
        a                 active  Ordinary
        b                 active  Ordinary
        c            no_purchase  Unscored
        >>> rules.load("ecommerce").evaluate(42)
        Traceback (most recent call last):
        ...
        custseg.errors.InputError: 'data' must be a mapping of columns, a DataFrame (pandas or Polars), a PyArrow Table, CustomerFacts or RfmScores (or a list of them, joined): got int: pass e.g. custseg.summarize(...) output, a DataFrame, or {'recency_days': [...], ...}

        Raises
        ------
        InputError
            *data* is of another kind, a required column is missing, has the
            wrong type, a missing value
            where the field does not allow one, a value outside the declared
            bounds or an undeclared category value; *aggregates* is not a
            dict of numbers, names an aggregate the rules do not read, lacks
            one they read, or has NaN for one (an aggregate fitted over no
            values).
        """
        explain = v.flag_param(explain, "explain")
        lang = self.check_lang(lang)
        _warn_other_edges(self, data)
        return self._evaluate_data(
            data, explain=explain, lang=lang, aggregates=aggregates
        )

    def _evaluate_data(
        self,
        data: Any,
        *,
        explain: bool = False,
        lang: str | None = None,
        aggregates: Mapping[str, float] | None = None,
        refuse: bool = True,
    ) -> RulesResult:
        """:meth:`evaluate` without the warning on scores cut at other edges
        (for callers that said so themselves: ``segment_history``); without
        *refuse*, a tenure below the recency is labelled, not refused (the
        kit's generated and raised rows, :mod:`custseg.testing`)."""
        fixed = None if aggregates is None else self._fixed_aggregates(aggregates)
        values, n, index, sides, ints = _coerce_data(self, data, refuse=refuse)
        absent = frozenset(f for f in self.required_fields() if f not in values)
        env = Env(n, values, fixed=fixed, sides=sides, ints=ints)
        try:
            result = self._evaluate_env(
                env, explain=explain, lang=lang, index=index, absent=absent
            )
        except AggregateMissing as exc:
            raise InputError(
                "aggregates",
                f"has no value for {exc.args[0]!r}, which the rules read",
                fix="fit them with RuleSet.aggregates(data) on data holding the "
                "same fields (an optional field the fitting data lacked leaves "
                "out the aggregates only its outputs read)",
            ) from None
        return attrs.evolve(
            result, aggregates=dict(env.cache if fixed is None else fixed)
        )

    def _evaluate_env(
        self,
        env: Env,
        *,
        explain: bool = False,
        lang: str | None = None,
        index: Any = None,
        absent: frozenset[str] = frozenset(),
    ) -> RulesResult:
        """Evaluate on coerced values (category fields as codes); fills *env*.

        Outputs reading an *absent* (optional) field are left out."""
        n = env.n
        labels: dict[str, Labels] = {}
        explained: dict[str, np.ndarray] = {}
        left_out = self._left_out(absent)
        for name in self.order:
            if name in self.skip or name in left_out:
                continue
            if name in self.derived:
                if name not in env.values:  # an example may give it
                    env.values[name] = self.derived[name].expr.evaluate(env)
            elif name in self.tables:
                t = self.tables[name]
                codes = table_codes(
                    t, np.asarray(env.compared(t.field), dtype=np.float64), env
                )
                env.values[name] = codes
                labels[name] = Labels(
                    codes,
                    _translate(t.names, t.translations, lang),
                    ordered=True,
                    index=index,
                    name=name,
                )
            elif name in self.segments:
                s = self.segments[name]
                lookup = self.lookups.get(name)
                if lookup is not None:
                    codes, rule_idx = lookup.apply(env, explain)
                else:
                    codes, rule_idx = _segment_codes(s, env, explain)
                env.values[name] = codes
                labels[name] = Labels(
                    codes,
                    _translate(s.names, s.translations, lang),
                    index=index,
                    name=name,
                )
                if explain:
                    explained[name] = rule_idx
        tags: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
        for ts in self.tagsets.values():
            # a tag reading an absent optional field is left out; the others stay
            kept = tuple(t for t in ts.tags if f"{ts.name}.{t}" not in left_out)
            if not kept:
                continue
            matrix = np.zeros((n, len(kept)), dtype=bool)
            for r in ts.rules:
                if r.label in kept:
                    j = kept.index(r.label)
                    matrix[:, j] |= r.when.evaluate(env).astype(bool)
            tags[ts.name] = (kept, matrix)
        skipped = {  # tags one by one ("set.tag"), not their sets
            k: f
            for k, f in left_out.items()
            if k not in self.derived and k not in self.tagsets
        }
        return RulesResult(labels, tags, explained, index, skipped)


def _translate(
    names: tuple[str, ...],
    translations: Mapping[str, Mapping[str, str]],
    lang: str | None,
) -> tuple[str, ...]:
    if lang is None:
        return names
    table = translations.get(lang, {})
    return tuple(table.get(n, n) for n in names)


def _table_codes(t: Table, x: np.ndarray) -> np.ndarray:
    # [lo, hi): a value on a break belongs to the interval above it
    codes = edges_below(x, t.breaks, inclusive=t.closed == "left").astype(
        smallest_int_dtype(len(t.names))
    )
    nan = np.isnan(x)
    if nan.any():
        codes[nan] = len(t.labels)
    return codes


def table_codes(t: Table, x: np.ndarray, env: Env) -> np.ndarray:
    """:func:`_table_codes`, then each row whose field is missing given
    the label of the first of the table's ``missing_rules`` that holds
    (a rule whose condition is unknown does not hold: the ``missing``
    label stays)."""
    codes = _table_codes(t, x)
    if not t.missing_rules:
        return codes
    nan = np.isnan(x)
    if not nan.any():
        return codes
    names = t.names
    for rule in reversed(t.missing_rules):
        match = rule.when.evaluate(env).astype(bool, copy=False)
        np.copyto(codes, names.index(rule.label), where=match & nan)
    return codes


def _segment_codes(
    s: Segmentation, env: Env, explain: bool
) -> tuple[np.ndarray, np.ndarray]:
    """First match wins: apply the rules last to first, each overwriting."""
    names = s.names
    codes = np.full(env.n, names.index(s.default), dtype=smallest_int_dtype(len(names)))
    rule_idx = np.full(env.n, -1, dtype=np.int16) if explain else np.empty(0, np.int16)
    for i in range(len(s.rules) - 1, -1, -1):
        rule = s.rules[i]
        match = rule.when.evaluate(env).astype(bool, copy=False)
        np.copyto(codes, names.index(rule.label), where=match)
        if explain:
            np.copyto(rule_idx, i, where=match)
    return codes, rule_idx


_DATA_KINDS = (
    "a mapping of columns, a DataFrame (pandas or Polars), a PyArrow Table, "
    "CustomerFacts or RfmScores (or a list of them, joined)"
)


def _columns_of(data: Any) -> tuple[dict[str, Any], Any, str]:
    """The columns one *data* item offers, its index and a description."""
    if isinstance(data, CustomerFacts):
        cols = dict(data.columns())
        return cols, to_pandas_index(data.customer_id, "customer_id"), "CustomerFacts"
    if isinstance(data, RfmScores):
        # score 0 = unknown: the rules see it as missing, never as a score
        cols = {
            dim: np.where(arr == 0, np.nan, arr.astype(np.float64))
            for dim, arr in (("r", data.r), ("f", data.f), ("m", data.m))
        }
        known = (data.r > 0) & (data.f > 0) & (data.m > 0)
        cols["rfm"] = np.where(known, data.code.astype(np.float64), np.nan)
        return cols, fresh_index(data.index), "RfmScores"
    other = v.other_frame_columns(data, "data")
    if other is not None:  # a Polars DataFrame, a PyArrow Table: rows in order
        return other, None, type(data).__name__
    if hasattr(data, "columns") and hasattr(data, "index"):
        data = v.arrow_plain(data)  # (Arrow string_view columns: large_string)
        if len(set(data.columns)) != len(data.columns):
            dupes = sorted(str(c) for c in v.repeated(data.columns)[0])
            raise InputError(
                dupes[0], "names more than one column", fix="rename the duplicates"
            )
        return {c: data[c] for c in data.columns}, fresh_index(data.index), "DataFrame"
    if isinstance(data, Mapping):
        cols = {k: v.arrow_plain(col) for k, col in data.items()}
        index = common_index(**{str(k): col for k, col in cols.items()})
        return cols, index, "mapping"
    raise InputError(
        "data",
        f"must be {_DATA_KINDS}: got {type(data).__name__}",
        fix="pass e.g. custseg.summarize(...) output, a DataFrame, or "
        "{'recency_days': [...], ...}",
    )


class _NoOutput(InputError, KeyError):
    """A name a :class:`RulesResult` has no labels for: an InputError that
    ``except KeyError`` (a mapping's miss) catches too, also once pickled."""

    __str__ = BaseException.__str__  # the message, not KeyError's repr of it

    def __reduce__(self) -> tuple[Any, ...]:
        return (_no_output, (self.field, self.problem, self.fix))


def _no_output(field: str, problem: str, fix: str) -> _NoOutput:
    return _NoOutput(field, problem, fix=fix)


_SCORE_DIMENSIONS = {"r": "recency", "f": "frequency", "m": "monetary"}


def _warn_other_edges(rs: RuleSet, data: Any) -> None:
    """Warn when the scores the rules fix by ``[scores]`` edges come from an
    :class:`~custseg.RfmScores` cut at other edges (``facts.rfm_scores()``,
    quantiles, with an industry preset that scores R by days): the labels
    then follow the scores given, not the rules' windows."""
    items = list(data) if isinstance(data, list | tuple) else [data]
    offered: set[str] = set()
    for item in items:
        if isinstance(item, RfmScores):
            for dim, attr in _SCORE_DIMENSIONS.items():
                spec = rs.scores.get(dim)
                if dim in offered or spec is None or spec.edges is None:
                    continue
                cuts = tuple(float(c) for c in getattr(item.edges, attr).cuts)
                if cuts != tuple(spec.edges):
                    warnings.warn(
                        f"the rules fix the {attr} score's edges at "
                        f"{_edges_text(spec.edges)} ([scores] {dim}), but the "
                        f"RfmScores given were cut at {_edges_text(cuts)}: the "
                        f"labels that read {dim} follow the scores given. Score "
                        "with the rules' edges: custseg.segment(..., preset=/rules=) "
                        "or custseg.frame.apply_rules(...) make them",
                        CustsegWarning,
                        stacklevel=3,
                    )
            offered.update(_SCORE_DIMENSIONS)
        else:  # a frame's columns or a mapping's keys (CustomerFacts: none)
            other = v.other_frame_columns(item, "data")  # (a LazyFrame: refused)
            names = (
                other
                if other is not None
                else item
                if isinstance(item, Mapping)
                else getattr(item, "columns", ())
            )
            if not callable(names):
                offered.update(str(c) for c in names if str(c) in _SCORE_DIMENSIONS)


def _edges_text(edges: tuple[float, ...]) -> str:
    return "(" + ", ".join(_display.number_text(e) for e in edges) + ")"


def _joined(data: Any) -> tuple[dict[str, Any], Any]:
    """Columns and index of *data*, several items joined side by side."""
    items = list(data) if isinstance(data, list | tuple) else [data]
    if not items:
        raise InputError("data", "is an empty list", fix=f"pass {_DATA_KINDS}")
    cols: dict[str, Any] = {}
    index = None
    first = first_kind = ""
    for i, item in enumerate(items):
        item_cols, item_index, kind = _columns_of(item)
        # each item named by its place, so that a message (and the code of
        # its fix: data[1].set_axis(...)) names the input, not its type
        name = f"data[{i}]" if isinstance(data, list | tuple) else "data"
        if item_index is not None:
            if index is None:
                index, first, first_kind = item_index, name, kind
            elif not paired(name, first, item_index, index):
                raise InputError(
                    name,
                    f"({kind}) joins {first!r} ({first_kind}), but its "
                    f"index differs from {first!r}'s",
                    fix="pass results computed on the same customers, in the same "
                    "order",
                )
        for k, col in item_cols.items():
            cols.setdefault(k, col)  # the first item that offers a column wins
    return cols, index


def bare_aliases(rs: RuleSet) -> dict[str, str]:
    """The derived values that are a bare name (``d = "x"``, ``d = "(x)"``)
    and that name:
    comparisons made on such a value are made on the name it stands for."""
    alias: dict[str, str] = {}
    for name, d in rs.derived.items():
        target = d.expr.bare  # x, or (x)
        if target is not None and (target in rs.fields or target in rs.derived):
            alias[name] = target
    return alias


def resolve_alias(alias: dict[str, str], name: str) -> str:
    """*name* followed through *alias* (:func:`bare_aliases`) to the field or
    value it stands for (a cycle stops where it closes)."""
    seen = set()
    while name in alias and name not in seen:
        seen.add(name)
        name = alias[name]
    return name


def field_cuts(rs: RuleSet) -> dict[str, tuple[float, ...]]:
    """Per number field, the constants the rules compare it with (directly
    or through a bare alias ``d = "x"``) and the breaks of the tables on it:
    where a ``Decimal`` of the data that float64 rounds onto one of them is
    moved to its exact side (:func:`custseg._validate.exact_sides`).

    >>> from custseg import rules
    >>> field_cuts(rules.load("ecommerce"))["monetary"]
    (1000.0,)
    """
    alias = bare_aliases(rs)
    exprs = list(rs._expressions())
    pairs = [(n, c) for e in exprs for n, c in e.comparisons]
    for t in rs.tables.values():
        pairs += [(t.field, b) for b in t.breaks]
    out: dict[str, set[float]] = {}
    for name, c in pairs:
        field = resolve_alias(alias, name)
        if (
            field in rs.fields
            and rs.fields[field].kind in ("number", "integer")
            and isinstance(c, int | float)
            and not isinstance(c, bool)
            and math.isfinite(c)
        ):
            out.setdefault(field, set()).add(float(c))
    return {k: tuple(sorted(c)) for k, c in out.items()}


def _coerce_data(
    rs: RuleSet, data: Any, *, deduce: bool = True, refuse: bool = True
) -> tuple[dict[str, Any], int, Any, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The fields the rules read, coerced; the row count; the index; the
    number fields (and their bare aliases) whose decimals moved to their
    exact side of a cut (:func:`_coerce_field`), read by comparisons with
    constants and tables only (:meth:`Env.compared`); and the integer
    fields read as floats for a missing value whose integers float64
    rounds, as ``int64`` (:func:`_exact_ints`), read by comparisons of two
    fields (:meth:`Env.integers`). With *deduce*, the spine's day counts
    are checked and completed by :func:`one_purchase_days` (*refuse*:
    a tenure below the recency is an error)."""
    table, index = _joined(data)
    cols = rs.required_fields()
    cuts = field_cuts(rs)
    n: int | None = None
    out: dict[str, Any] = {}
    sides: dict[str, np.ndarray] = {}
    ints: dict[str, np.ndarray] = {}
    available = list(table)
    for name in cols:
        if name not in table and rs.fields[name].optional:
            continue  # the outputs reading it are left out
        if name not in table:
            raise InputError(
                name,
                "is missing from the data",
                fix=nfkc_column(name, available)
                or f"add a column {name!r} (the rules declare it under "
                "[fields]); columns given: "
                + ", ".join(repr(str(c)) for c in available[:15]),
            )
        arr, sided, exact = _coerce_column(
            rs.fields[name], table[name], cuts.get(name, ())
        )
        if sided is not None:
            sides[name] = sided
        if exact is not None:
            ints[name] = exact
        if n is None:
            n = len(arr)
        elif len(arr) != n:
            raise InputError(
                name,
                f"has {len(arr)} rows but {cols[0]!r} has {n}",
                fix="pass columns of the same table",
            )
        out[name] = arr
    if n is None:  # the rules read no field: the rows are those of any column
        n = len(index) if index is not None else 0
        if index is None and available:
            n = len(table[available[0]])
    if index is not None and len(index) != n:
        raise InputError(
            "data",
            f"has an index of {len(index)} rows but {n} rows of values",
            fix="pass columns of the same table",
        )
    if deduce:
        one_purchase_days(rs, out, sides, ints, refuse=refuse, raw=table)
    if sides or ints:  # a bare alias d = "x" is compared as x is
        alias = bare_aliases(rs)
        for name in alias:
            field = resolve_alias(alias, name)
            for read in (sides, ints):
                if field in read:
                    read[name] = read[field]
    return out, n, index, sides, ints


#: The spine's fields :func:`one_purchase_days` reads, by their names.
SPINE_DAYS = ("frequency", "recency_days", "tenure_days")


def one_purchase_days(
    rs: RuleSet,
    values: dict[str, Any],
    sides: dict[str, np.ndarray],
    ints: dict[str, np.ndarray],
    *,
    refuse: bool = True,
    raw: Mapping[str, Any] | None = None,
) -> None:
    """Check and complete the spine's day counts in *values*, in place, as
    :func:`custseg.customer_status` reads them, so that every table,
    segmentation and derived value of the rules sees the same days.

    Where the rules declare ``recency_days`` and ``tenure_days`` as
    numbers: a tenure below the recency (a first purchase after the last)
    is an :class:`~custseg.errors.InputError` naming the rows (with
    *refuse*). Where they declare ``frequency`` too: one purchase is both
    the first and the last, so its missing recency is its tenure and its
    missing tenure its recency (a single purchase 300 days ago, its recency
    missing, is in the lost stage, as its status is lost). A day copied
    from the other count is compared with the constants of its new field
    exactly: *raw* (the columns as given) places a decimal that float64
    rounds onto one of the field's cuts on its exact side (a tenure of
    ``89.99999999999999999`` days is a recency below 90, not on it).

    >>> from custseg import rules
    >>> rs = rules.load("base")
    >>> nan = float("nan")
    >>> values = {"frequency": np.array([1.0, 2.0]),
    ...           "recency_days": np.array([nan, nan]),
    ...           "tenure_days": np.array([300.0, 300.0])}
    >>> one_purchase_days(rs, values, {}, {})
    >>> values["recency_days"].tolist()
    [300.0, nan]
    """
    numbers = ("number", "integer")
    r_spec, t_spec = rs.fields.get("recency_days"), rs.fields.get("tenure_days")
    if r_spec is None or t_spec is None or r_spec.kind not in numbers:
        return
    if t_spec.kind not in numbers:
        return
    if "recency_days" not in values or "tenure_days" not in values:
        return  # (an optional field left out)
    r = np.asarray(values["recency_days"], dtype=np.float64)
    t = np.asarray(values["tenure_days"], dtype=np.float64)
    if refuse:
        v.refuse_early_tenure(t, r)
    f_spec = rs.fields.get("frequency")
    if f_spec is None or f_spec.kind not in numbers or "frequency" not in values:
        return
    once = np.asarray(values["frequency"], dtype=np.float64) == 1
    r_na, t_na = np.isnan(r), np.isnan(t)
    r_gap, t_gap = once & r_na & ~t_na, once & t_na & ~r_na
    for name, other, gap in (
        ("recency_days", "tenure_days", r_gap),
        ("tenure_days", "recency_days", t_gap),
    ):
        if not gap.any():
            continue
        mine = np.asarray(values[name], dtype=np.float64)
        theirs = np.asarray(values[other], dtype=np.float64)
        values[name] = np.where(gap, theirs, mine)
        # the other count on the exact side of this field's cuts (its own
        # sides are those of the other field's cuts)
        copied = None
        if raw is not None and other in raw:
            cuts = field_cuts(rs).get(name, ())
            copied = _coerce_column(rs.fields[other], raw[other], cuts)[1]
        if name in sides or copied is not None:
            copied = theirs if copied is None else copied
            sides[name] = np.where(gap, copied, sides.get(name, mine))
        ints.pop(name, None)  # (whole day counts past 2**53: none left)


def _coerce_column(
    spec: Any, column: Any, cuts: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """One field's column coerced (:func:`_coerce_field`), its decimals on
    their exact side of the *cuts* when they moved (else None), and its
    integers when float64 rounds them (:func:`_exact_ints`, else None)."""
    arr, sided = _coerce_field(spec, column, cuts)
    exact = _exact_ints(column, arr) if spec.kind != "category" else None
    return arr, (None if sided is arr else sided), exact


def evaluator_with(rs: RuleSet, data: Any, field: str) -> Any:
    """A function of one new column of the number field *field* that labels
    *data* with that column in its place (``explain=True``, aggregates
    computed), as ``rs.evaluate`` would: the other fields are coerced once,
    here, not at every call (``assert_monotone`` evaluates a small table
    once per row and value raised; the coercion was most of each call).

    >>> from custseg import rules
    >>> rs = rules.loads('''
    ... format = 1
    ... [fields.recency_days]
    ... type = "number"
    ... [segments.stage]
    ... rules = [{ when = "recency_days <= mean(recency_days)", label = "recent" }]
    ... default = "late"
    ... ''')
    >>> run = evaluator_with(rs, {"recency_days": [10.0, 200.0]}, "recency_days")
    >>> run(np.array([10.0, 20.0]))["stage"].to_numpy().tolist()
    ['recent', 'late']
    """
    # the day counts are completed at each call, from the new column (a
    # raised recency past the tenure is a question asked, not an error)
    values, n, index, sides, ints = _coerce_data(rs, data, deduce=False)
    table = _joined(data)[0]
    days: dict[str, Any] = {
        k: table[k] for k in ("recency_days", "tenure_days") if k in table
    }
    absent = frozenset(f for f in rs.required_fields() if f not in values)
    spec = rs.fields[field]
    cuts = field_cuts(rs).get(field, ())
    alias = bare_aliases(rs)
    names = [field, *(a for a in alias if resolve_alias(alias, a) == field)]

    def run(column: Any) -> RulesResult:
        arr, sided, exact = _coerce_column(spec, column, cuts)
        if len(arr) != n:
            raise InputError(field, f"has {len(arr)} rows, not {n}")
        new_sides = {k: x for k, x in sides.items() if k not in names}
        new_ints = {k: x for k, x in ints.items() if k not in names}
        for name in names:
            if sided is not None:
                new_sides[name] = sided
            if exact is not None:
                new_ints[name] = exact
        new_values = {**values, field: arr}
        raw = {**days, field: column} if field in days else days
        one_purchase_days(rs, new_values, new_sides, new_ints, refuse=False, raw=raw)
        env = Env(n, new_values, fixed=None, sides=new_sides, ints=new_ints)
        return rs._evaluate_env(
            env, explain=True, lang=None, index=index, absent=absent
        )

    return run


def _exact_ints(col: Any, arr: np.ndarray) -> np.ndarray | None:
    """The integers of an integer column *col* read as the floats *arr* for
    a missing value (pandas ``Int64``, ``UInt64`` or ``int64[pyarrow]``
    with ``NA``, a Polars or Arrow integer column with a null, a list of
    ints with ``None``), as ``int64`` (0 where missing), so that two
    integer fields compare as integers, as two ``int64`` columns and the
    engines compare them; else None (no gap, a float or decimal column,
    values past ``int64``).

    >>> import pandas as pd
    >>> _exact_ints(pd.Series([2**53 + 1, None], dtype="Int64"),
    ...             np.array([2.0**53, np.nan])).tolist()
    [9007199254740993, 0]
    >>> _exact_ints([1.0, None], np.array([1.0, np.nan])) is None  # floats
    True
    """
    if arr.dtype.kind != "f" or not len(arr) or not v.integer_column(col):
        return None
    known = ~np.isnan(arr)
    values = v._decimal_values(col, len(arr), arr)  # those past 2**53, exactly
    small = known if values is None else known & (values == np.array(None))
    out = np.zeros(len(arr), dtype=np.int64)
    out[small] = arr[small].astype(np.int64)  # within 2**53: exact
    if values is None:
        return out
    low, high = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    for i in np.flatnonzero(known & ~small).tolist():
        x = values[i]
        if not isinstance(x, int | np.integer) or not low <= int(x) <= high:
            return None  # past int64: the floats, as before
        out[i] = int(x)
    return out


def _refuse_past_int64(name: str, arr: np.ndarray, col: Any = None) -> None:
    """An integer field holds int64 values, compared exactly: one read as
    the float *arr* beyond them (Python ints of 2**64 and more, which NumPy
    keeps as objects) is refused, as a ``uint64`` value above 2**63 - 1 is,
    never compared as a rounded float (2**70 + 1 > 2**70 would be false).
    The floats ±2**63 are read from the column *col* they came from when it
    holds the exact integers: 2**63 - 1 rounds onto 2**63 and is an int64,
    -2**63 - 1 rounds onto -2**63 and is not.

    >>> _refuse_past_int64("visits", np.array([1.0, 2.0**70]))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'visits' has values beyond int64 (above 2**63 - 1 or below -2**63) (first at row 1, 1 row affected): the field is declared integer: use int64 values, or declare it a number
    >>> _refuse_past_int64("visits", np.array([2.0**63]), [2**63 - 1])  # an int64
    >>> _refuse_past_int64("visits", np.array([-(2.0**63)]), [-(2**63) - 1])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'visits' has values beyond int64 (above 2**63 - 1 or below -2**63) (first at row 0, 1 row affected): the field is declared integer: use int64 values, or declare it a number
    """
    if not len(arr):
        return
    limit = 2.0**63  # -2**63 itself is an int64
    if not (np.fmax.reduce(arr) >= limit or np.fmin.reduce(arr) <= -limit):
        return
    past = (arr >= limit) | (arr < -limit)
    edge = np.abs(arr) == limit
    exact = v._decimal_values(col, len(arr), arr) if col is not None else None
    if exact is not None:  # the integers as given, where float64 rounded them
        for i in np.flatnonzero(edge).tolist():
            x = exact[i]
            if isinstance(x, int | np.integer | fractions.Fraction) and x == int(x):
                past[i] = not -(2**63) <= int(x) <= 2**63 - 1  # (a whole number)
    if past.any():
        first, count = v.first_offender(past)
        raise InputError(
            name,
            "has values beyond int64 (above 2**63 - 1 or below -2**63)",
            first_row=first,
            n_rows=count,
            fix="the field is declared integer: use int64 values, or declare it "
            "a number",
        )


def _coerce_field(
    spec: FieldSpec, col: Any, cuts: tuple[float, ...] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """*col* read as *spec* declares it, and the array its comparisons with
    constants read: for a number field, the same with the decimals that
    float64 rounds onto one of *cuts* moved to their exact side (*arr*
    itself when none is). Arithmetic and aggregates read the plain
    rounding: a comparison elsewhere in the rules must not change them."""
    name = spec.name
    if spec.kind in ("number", "integer"):
        plain = v.as_numeric(col, name, nan="allow" if spec.missing else "raise")
        # the declared bounds are cuts too: a decimal just past one is refused
        bounds = tuple(b for b in (spec.min, spec.max) if b is not None)
        arr = v.exact_sides(
            col, plain, (*cuts, *bounds), whole=spec.kind == "integer", field=str(name)
        )
        if arr.dtype.kind == "u":  # rare: signed, so -x and x - 5 cannot wrap
            arr = arr.astype(np.int64)
        if plain.dtype.kind == "u":
            plain = plain.astype(np.int64)
        if spec.kind == "integer" and arr.dtype.kind == "f":
            _refuse_past_int64(name, arr, col)
            part = np.trunc(arr)
            np.subtract(arr, part, out=part)  # the fractional parts, NaN skipped:
            if len(arr) and (np.fmax.reduce(part) > 0 or np.fmin.reduce(part) < 0):
                frac = ~np.isnan(arr) & (arr != np.trunc(arr))
                first, count = v.first_offender(frac)
                raise InputError(
                    name,
                    "has non-integer values",
                    first_row=first,
                    n_rows=count,
                    fix="the field is declared integer",
                )
        for bound, word in ((spec.min, "below"), (spec.max, "above")):
            if bound is None or not len(arr):
                continue
            # fmin/fmax skip NaN; the per-row mask is built only to report
            extreme = np.fmin.reduce(arr) if word == "below" else np.fmax.reduce(arr)
            if (extreme < bound) if word == "below" else (extreme > bound):
                bad = arr < bound if word == "below" else arr > bound
                first, count = v.first_offender(bad)
                which = "min" if word == "below" else "max"
                raise InputError(
                    name,
                    f"has values {word} the declared {which} {_display.number_text(bound)}",
                    first_row=first,
                    n_rows=count,
                    fix="fix the data or the field's bounds",
                )
        return plain, arr
    out = _booleans(spec, col) if spec.kind == "bool" else _category_codes(spec, col)
    return out, out


def _booleans(spec: FieldSpec, col: Any) -> np.ndarray:
    """True/False values; with ``missing = true`` also None, NaN, pd.NA and
    NaT (object, float and pandas ``boolean`` columns), returned as a
    :class:`Truth` whose missing rows are neither TRUE nor FALSE."""
    import pandas as pd

    name = spec.name
    dtype = getattr(col, "dtype", None)
    if isinstance(dtype, pd.BooleanDtype):
        na = np.asarray(pd.isna(col), dtype=bool)
        arr = np.asarray(pd.array(col, dtype="boolean").fillna(False), dtype=bool)
    else:
        # a list keeps its values: np.asarray([True, nan]) would be floats
        arr = np.asarray(col) if hasattr(col, "dtype") else np.asarray(col, object)
        if arr.dtype == np.bool_:
            return arr
        if arr.dtype.kind not in "fO" or arr.ndim != 1:
            raise InputError(
                name,
                f"has dtype {arr.dtype}, expected booleans",
                fix="pass True/False values",
            )
        na = np.asarray(pd.isna(arr), dtype=bool)
        if arr.dtype.kind == "O":
            kind = pd.api.types.infer_dtype(arr, skipna=True)
            ok = kind in ("boolean", "empty")
        else:
            ok = bool(na.all())
        if not ok:
            bad = ~na & ~np.fromiter(
                (isinstance(x, bool | np.bool_) for x in arr.tolist()),
                dtype=bool,
                count=len(arr),
            )
            first, count = v.first_offender(bad)
            raise InputError(
                name,
                f"has a value {_short_repr(arr[first])} that is not a boolean",
                first_row=first,
                n_rows=count,
                fix="pass True/False values"
                + (" (None or NaN for missing)" if spec.missing else ""),
            )
        arr = np.where(na, False, arr).astype(bool)
    if not na.any():
        return arr
    if not spec.missing:
        first, count = v.first_offender(na)
        raise InputError(
            name,
            "has missing values",
            first_row=first,
            n_rows=count,
            fix="fill them, or declare the field with missing = true",
        )
    out = arr.view(Truth)
    out.false = ~arr & ~na
    return out


def _short_repr(value: Any) -> str:
    """*value* for a message: NumPy scalars plainly (``1.0``, not
    ``np.float64(1.0)``), cut to 60 characters."""
    return v.describe(value, limit=60)


def _category_codes(spec: FieldSpec, col: Any) -> np.ndarray:
    """Map category values to codes into the declared values (-1 = missing).

    A value is a declared value only when it is a ``str`` equal to one in
    Python: bytes, numbers and booleans never are, ``"a\\x00"`` is not
    ``"a"``. Missing: None, NaN, pd.NA, NaT and pandas' missing categorical
    code. Vectorised: values are factorised (hashing, no string casts) and
    only the distinct values are looked up.
    """
    import pandas as pd

    name = spec.name
    lookup = {val: i for i, val in enumerate(spec.values)}
    cats = getattr(getattr(col, "cat", None), "categories", None)
    if isinstance(col, Labels):  # an output of rules: names are text
        cats, codes_in = col.names, np.asarray(col.codes)
    elif cats is None and hasattr(col, "categories") and hasattr(col, "codes"):
        cats, codes_in = col.categories, np.asarray(col.codes)
    elif cats is not None:
        codes_in = np.asarray(col.cat.codes)
    if cats is not None:
        uniques: Any = list(cats)
    else:
        dtype = getattr(col, "dtype", None)
        if isinstance(dtype, pd.StringDtype):  # str only, no per-row check
            values: Any = col
        else:
            values = np.asarray(col, dtype=object)
            if values.ndim != 1:
                raise InputError(
                    name, "is not a column of values", fix="pass a 1-d column"
                )
            kind = pd.api.types.infer_dtype(values, skipna=True)
            if kind not in ("string", "empty"):  # a value that is no str
                na = np.asarray(pd.isna(values), dtype=bool)
                text = np.fromiter(
                    (isinstance(x, str) for x in values.tolist()),
                    dtype=bool,
                    count=len(values),
                )
                if (~na & ~text).any():
                    _undeclared(spec, values, ~na & ~text)
        codes_in, uniques = pd.factorize(values, use_na_sentinel=True)
        codes_in = np.asarray(codes_in)
        uniques = list(uniques)
    mapping = np.array(
        [lookup.get(u, -2) if isinstance(u, str) else -2 for u in uniques] + [-1],
        dtype=np.int16,
    )
    codes = mapping[codes_in]  # -1 (missing) indexes the trailing -1
    unknown = codes == -2
    if unknown.any():
        _undeclared(spec, col, unknown)
    if not spec.missing and (codes == -1).any():
        first, count = v.first_offender(codes == -1)
        raise InputError(
            name,
            "has missing values",
            first_row=first,
            n_rows=count,
            fix="fill them, or declare the field with missing = true",
        )
    return codes


def _undeclared(spec: FieldSpec, col: Any, bad: np.ndarray) -> None:
    first, count = v.first_offender(bad)
    cells = np.asarray(col, dtype=object)
    value = cells[first]
    # a declared value that reads as this one is shown by its code points
    said, values = _display.apart(value, spec.values[:20])
    raise InputError(
        spec.name,
        f"has a value {_short_repr(said)} that is not declared",
        first_row=first,
        n_rows=count,
        fix="declared values (text): "
        + ", ".join(repr(x) for x in values)
        + (", ..." if len(spec.values) > 20 else "")
        + _survey_hint(spec, cells),
    )


def _survey_hint(spec: FieldSpec, cells: np.ndarray) -> str:
    """For a field declared with custseg's survey levels (``satisfaction``,
    ``referral``) whose undeclared values (among *cells*, the column)
    include answers ``segment(records=...)`` reads (``"很满意"``, the code
    5, a 0-10 score): how those read, as the mapping that gives them the
    declared values (rules match values exactly); else ``""``."""
    from ..loyalty import survey_answer

    if spec.kind != "category":
        return ""
    declared = set(spec.values)
    try:
        distinct = [
            x
            for x in dict.fromkeys(cells.tolist())
            if not v.is_missing_scalar(x) and not (isinstance(x, str) and x in declared)
        ]
    except TypeError:  # (an unhashable cell: no answer)
        return ""
    read: dict[Any, str | None] = {}
    for value in distinct[:50]:
        level = survey_answer(spec.name, spec.values, value)
        if level is not None:
            read[value] = level or None  # (an answer read as missing: None)
    if not read:
        return ""
    shown = list(read.items())[:6]
    mapping = ", ".join(f"{k!r}: {w!r}" for k, w in shown)
    more = ", ..." if len(read) > len(shown) or len(distinct) > 50 else ""
    return (
        "; segment(records=...) and loyalty_level read custseg's survey "
        "answers (words in English or Chinese, codes, scores), but rules "
        "match declared values exactly: map them first, "
        f"column.replace({{{mapping}{more}}})"
    )


# --------------------------------------------------------------------------
# building


def overridden_keys(
    origins: Mapping[tuple[str, ...], Source], source: Source
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Per name of an entry (field, parameter, derived value, table,
    segmentation, tag set), the keys *source* sets in it over its preset:
    its most specific key paths (``fields.monetary.max``, not
    ``fields.monetary``).

    >>> mine, preset = Source("shop.toml", ""), Source("preset:base", "")
    >>> overridden_keys(
    ...     {
    ...         (): preset,
    ...         ("fields", "r"): mine,
    ...         ("fields", "r", "max"): mine,
    ...         ("segments", "s", "rules"): mine,
    ...     },
    ...     mine,
    ... )
    {'r': (('fields', 'r', 'max'),), 's': (('segments', 's', 'rules'),)}
    """
    mine = [
        p
        for p, src in origins.items()
        if src is source and len(p) >= 2 and p[0] in _SECTION_KIND
    ]
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in mine:
        if not any(len(q) > len(p) and q[: len(p)] == p for q in mine):
            out.setdefault(p[1], []).append(p)
    return {name: tuple(paths) for name, paths in out.items()}


def _dotted(path: tuple[str, ...]) -> str:
    """A key path as written: ``segments.s.rules[2].when``."""
    return ".".join(path).replace(".[", "[")


def _names_in(text: str) -> list[str]:
    """The names a condition of a preset reads, in order (none when it does
    not parse: the preset's conditions do).

    >>> _names_in("satisfaction == 'satisfied' and r >= 4"), _names_in("x >")
    (['satisfaction', 'r'], [])
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = (n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
    return list(dict.fromkeys(found))


class _Builder:
    """Collects diagnostics while turning parsed TOML into a RuleSet."""

    def __init__(
        self, source: Source, origins: Mapping[tuple[str, ...], Source]
    ) -> None:
        self.source = source
        self.origins = origins  # key path -> the file that defined it (extends)
        self.diags: list[Diagnostic] = []
        # declared names whose definition was refused (and reported): their
        # uses are not "unknown names" to declare
        self.refused: set[str] = set()
        # per entry name, the keys this file sets over its preset's entry
        self.overrides = overridden_keys(origins, source)

    def blamed(
        self, diag: Diagnostic, path: tuple[str, ...], condition: str = ""
    ) -> Diagnostic:
        """*diag*, an error at the preset's key *path*, moved to the key of
        this file that caused it: a preset alone has no errors, so one at
        its lines comes from this file's overrides of the entry itself (or
        of its namesake: ``fields.r`` for ``scores.r``), else of the names
        its *condition* reads. The message names the preset's key and place;
        *diag* as it is when no such key is found."""
        if diag.severity != "error" or diag.path == self.source.path:
            return diag
        own = self.overrides.get(path[1], ()) if len(path) > 1 else ()
        names = _names_in(condition) if condition and self.overrides else []
        read = [p for n in names for p in self.overrides.get(n, ())]
        keys = list(dict.fromkeys([*own, *read]))
        if not keys:
            return diag
        keys[: len(own)] = sorted(own, key=self.source.locate_key)
        shown = [_dotted(p) for p in keys[:3]] + (["..."] if len(keys) > 3 else [])
        items = [i for i, part in enumerate(path) if part.startswith("[")]
        theirs = _dotted(path[: items[0]] if items else path)
        hint = f"{diag.hint}; " if diag.hint else ""
        return self.source.at_key(
            keys[0],
            diag.code,
            f"{diag.message}, with this file's {', '.join(shown)} (the preset's "
            f"{_dotted(path)} is at {diag.path}:{diag.line}:{diag.column})",
            f"{hint}the preset alone has no such error: change this file's "
            f"{shown[0]}, or override the preset's {theirs} too",
        )

    # diagnostics -----------------------------------------------------------
    def _src(self, path: tuple[str, ...]) -> Source:
        for k in range(len(path), -1, -1):
            if path[:k] in self.origins:
                return self.origins[path[:k]]
        return self.source

    def at_key(
        self,
        path: tuple[str, ...],
        code: str,
        message: str,
        hint: str = "",
        severity: Literal["error", "warning", "info"] = "error",
    ) -> None:
        diag = self._src(path).at_key(path, code, message, hint, severity)
        self.add(self.blamed(diag, path))

    def add(self, diag: Diagnostic) -> None:
        """Keep *diag*; past MAX_DIAGNOSTICS, stop the build (bounded work)."""
        self.diags.append(diag)
        if len(self.diags) >= MAX_DIAGNOSTICS:
            raise TooManyDiagnostics(self.diags)

    def at_expr(
        self,
        path: tuple[str, ...],
        text: str,
        problem: ExprProblem,
        where: Located | None,
    ) -> None:
        src = self._src(path)
        if where is None:
            line, col, end = src.locate_key(path)
        elif problem.line == 1 and where.places is None:
            line = where.line
            col = where.column(problem.start)
            end = max(where.column(problem.end), col + 1)
        else:  # a multi-line string: each character placed (CRLF, a \ at the end)
            line, col = where.place(problem.line, problem.start)
            end_line, end = where.place(problem.line, problem.end)
            end = max(end if end_line == line else col + 1, col + 1)
        diag = Diagnostic(
            src.path,
            line,
            col,
            end,
            "error",
            problem.code,
            problem.message,
            problem.hint,
            echo(src.line_text(line), end),
        )
        self.add(self.blamed(diag, path, text))

    def locate_value(
        self, path: tuple[str, ...], text: str, key: str | None = None
    ) -> Located | None:
        """Where the string *text* under *path* is written: the value of the
        key *key* (by default the last key of *path*), see
        :meth:`Source.locate_string`."""
        return self._src(path).locate_string(text, path, key or path[-1])

    # helpers ---------------------------------------------------------------
    def table(self, value: Any, path: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.at_key(
                path,
                "bad-value",
                f"'{'.'.join(path)}' must be a table",
                f"write [{'.'.join(path)}] with keys under it",
            )
            return {}
        return value

    def unknown_keys(
        self, value: Mapping[str, Any], allowed: Iterable[str], path: tuple[str, ...]
    ) -> None:
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                meant = lookalike(key) if isinstance(key, str) else None
                where = ".".join(path).replace(".[", "[") or "the file"
                if meant in allowed:
                    # a Cyrillic or Greek letter, an accent: it looks like
                    # the key meant, but is another character
                    self.at_key(
                        (*path, key),
                        "unknown-key",
                        f"unknown key {spelled(key)} in {where}: it looks like "
                        f"{meant!r} but is not ASCII",
                        f"write {meant!r} in plain ASCII letters",
                    )
                    continue
                shown = spelled(key) if isinstance(key, str) else repr(key)
                self.at_key(
                    (*path, key),
                    "unknown-key",
                    f"unknown key {shown} in {where}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "allowed: " + ", ".join(allowed),
                )

    def number(self, value: Any, path: tuple[str, ...]) -> float | None:
        """*value* as a float, or None after a diagnostic at *path*.

        Numbers obey the limit of numbers in conditions and parameters:
        beyond it float64 is not exact (a break ``9007199254740993`` would
        be ``2**53``, and a value below it would be labelled as above it)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.at_key(
                path,
                "bad-value",
                f"'{path[-1]}' must be a finite number, got {value!r}",
            )
            return None
        # compare before any float conversion: a 400-digit int overflows it
        if isinstance(value, float) and not math.isfinite(value):
            self.at_key(
                path,
                "bad-value",
                f"'{path[-1]}' must be a finite number, got {value!r}",
                _NUMBER_LIMIT,
            )
            return None
        if abs(value) > MAX_NUMBER:
            self.at_key(
                path,
                "limit",
                f"'{path[-1]}' is too large: {v.describe(value)}",
                _NUMBER_LIMIT,
            )
            return None
        return float(value)

    def label(self, value: Any, path: tuple[str, ...]) -> str | None:
        # the label parameters of the Python classes make the same check
        problem = v.label_problem(value, f"'{path[-1]}'")
        if problem is not None:
            message, fix = problem
            self.at_key(path, "bad-value", message, fix or "")
            return None
        return str(value)


_UNPRINTABLE = v.UNPRINTABLE  # (never in a label)


_SECTION_KIND = {
    "fields": "field",
    "params": "parameter",
    "derived": "derived value",
    "tables": "table",
    "segments": "segmentation",
    "tags": "tag set",
}


def _check_name(b: _Builder, name: str, path: tuple[str, ...]) -> bool:
    if (
        not name.isidentifier()
        or keyword.iskeyword(name)
        or name in FUNCTIONS
        or name in ("True", "False", "None")
    ):
        b.at_key(
            path,
            "bad-name",
            f"{name!r} cannot be used as a name",
            "names are identifiers (letters, digits, _; Chinese is fine), not "
            "keywords or function names",
        )
        return False
    return True


def _referenced(text: Any) -> set[str]:
    """Names an expression mentions (for the dependency graph), best effort:
    as the compiler reads it (``d2 ＞ 1`` reads ``d2``)."""
    tree = condition_tree(text)
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first search (each reported once).

    Iterative (an explicit stack), so a chain of thousands of derived values
    cannot exhaust Python's recursion limit.
    """
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        stack.append(root)
        todo: list[Iterator[str]] = [iter(sorted(graph.get(root, ())))]
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                todo.pop()
                state[stack.pop()] = 2
                continue
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                state[nxt] = 1
                stack.append(nxt)
                todo.append(iter(sorted(graph.get(nxt, ()))))
    return found


def _topo(graph: Mapping[str, set[str]]) -> list[str]:
    """Dependencies first (a depth-first post-order; cycles are cut), iteratively."""
    order: list[str] = []
    done: set[str] = set()
    for root in graph:
        if root in done:
            continue
        seen = {root}
        path = [root]
        todo: list[Iterator[str]] = [iter(sorted(graph.get(root, ())))]
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                todo.pop()
                node = path.pop()
                done.add(node)
                order.append(node)
                continue
            if nxt not in graph or nxt in done or nxt in seen:
                continue
            seen.add(nxt)
            path.append(nxt)
            todo.append(iter(sorted(graph.get(nxt, ()))))
    return order


# limits on the shape of a rules text, checked before and after tomllib
MAX_NESTING = 16  # arrays / inline tables inside each other
MAX_DOTTED = 16  # parts of one dotted key or table header
MAX_KEYS = 1_000  # keys of one table
MAX_ARRAY = 1_000  # items of one array
MAX_NODES = 20_000  # keys and array items in the whole document
MAX_TOTAL_RULES = 2_000  # rules of all segmentations and tag sets together
MAX_NAMES = 1_000  # fields, params, derived values, tables, segmentations, tag sets
MAX_DIAGNOSTICS = 100  # the builder stops after this many diagnostics
MAX_TABLE_LABELS = 1_000  # labels of one interval table (breaks + 1)
MAX_CONDITION_TOKENS = 40_000  # names, numbers and operators of all conditions
_TOKEN = re.compile(r"\w+|\S")
NAME_SECTIONS = ("fields", "params", "derived", "tables", "segments", "tags")


class TooManyDiagnostics(Exception):
    """Raised by the builder once it holds MAX_DIAGNOSTICS diagnostics."""

    def __init__(self, diags: list[Diagnostic]) -> None:
        super().__init__(len(diags))
        self.diags = diags


def _limit(
    source: Source, path: tuple[str, ...], message: str, hint: str
) -> Diagnostic:
    return source.at_key(path, "limit", message, hint)


def parse_toml(source: Source) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Parse the TOML text, or return the diagnostics that stop it.

    Before ``tomllib``: the length and the nesting (:data:`MAX_NESTING`,
    :data:`MAX_DOTTED`). After: the size of the document (:func:`shape_problems`)
    and names (:func:`normalise_names`). A document with an error is None,
    but for numbers written with more digits than float64 holds: each is an
    error at the number, and the document is still checked.
    """
    if len(source.text) > MAX_TEXT:
        return None, [
            Diagnostic(
                source.path,
                1,
                1,
                2,
                "error",
                "limit",
                f"rules text of {len(source.text):,d} characters is too long",
                f"at most {MAX_TEXT:,d} characters",
            )
        ]
    nested = nesting_problems(source, MAX_NESTING, MAX_DOTTED, MAX_NODES)
    if nested:
        return None, nested[:1]
    inexact: list[tuple[str, float]] = []

    def read_float(written: str) -> float:
        value = float(written.replace("_", ""))
        if read_as(written, value) is not None:
            inexact.append((written, value))
        return value

    try:
        doc = tomllib.loads(source.text, parse_float=read_float)
    except RecursionError:
        return None, [
            Diagnostic(
                source.path,
                1,
                1,
                2,
                "error",
                "limit",
                "rules text too deeply nested",
                "flatten the arrays and tables",
            )
        ]
    except ValueError as exc:
        if isinstance(exc, tomllib.TOMLDecodeError):
            return None, [_toml_syntax(source, exc)]
        # integers longer than Python's 4,300-digit limit: at each of them
        long = _long_integers(source, read_float)
        if long:
            return None, long
        return None, [
            Diagnostic(
                source.path,
                1,
                1,
                2,
                "error",
                "limit",
                f"rules text has an unreadable value: {str(exc)[:200]}",
                "",
            )
        ]
    foreign = _not_rules(doc, source)
    if foreign is not None:
        return None, [foreign]
    problems = shape_problems(doc, source)
    if problems:
        return None, problems
    doc, diags = normalise_names(doc, source)
    if any(d.severity == "error" for d in diags):
        return None, diags
    # errors that do not stop the checks: the rest of the file is checked
    return doc, [*_inexact_numbers(source, inexact), *diags]


#: an integer in the TOML text: a value (after ``=``, ``[`` or ``,``), not a
#: bare key (followed by ``=`` or ``.``)
_INTEGER = re.compile(r"(?<=[=\[,])(\s*)([+-]?[0-9][0-9_]*)(?![\w.])(?!\s*[=.])")


def _long_integers(source: Source, read_float: Any) -> list[Diagnostic]:
    """A ``limit`` error at each integer of the text with more digits than
    Python reads (``sys.get_int_max_str_digits()``, 4,300 by default), as
    the error of a smaller too-large number (``'p' is too large: an integer
    of 4301 digits``); none when the text has no such integer or cannot be
    read with them replaced. Each is replaced in a copy of the text by a
    marker integer that Python reads, and the document is read again to
    find the key that holds it."""
    most = sys.get_int_max_str_digits() or math.inf
    blank = _blanked(source.text)
    found = [
        m
        for m in _INTEGER.finditer(blank)
        if sum(ch.isdigit() for ch in m.group(2)) > most
    ][:MAX_DIAGNOSTICS]
    if not found:
        return []
    markers: dict[int, re.Match[str]] = {}
    pieces, last = [], 0
    for i, m in enumerate(found):
        marker = int("7" * 60 + f"{i:06d}")  # no rules number is near it
        markers[marker] = m
        pieces += [source.text[last : m.start(2)], str(marker)]
        last = m.end(2)
    try:
        doc = tomllib.loads(
            "".join([*pieces, source.text[last:]]), parse_float=read_float
        )
    except (ValueError, RecursionError):
        return []
    keys: dict[int, tuple[str, ...]] = {}
    todo: list[tuple[tuple[str, ...], Any]] = [((), doc)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, dict):
            todo.extend(((*path, str(k)), x) for k, x in value.items())
        elif isinstance(value, list):
            todo.extend((path, x) for x in value)
        elif type(value) is int and value in markers:
            keys[value] = path
    out = []
    for marker, m in markers.items():
        offset = m.start(2)
        line = source.text.count("\n", 0, offset) + 1
        col = offset - (source.text.rfind("\n", 0, offset) + 1) + 1
        end = col + len(m.group(2))
        digits = sum(ch.isdigit() for ch in m.group(2))
        path = keys.get(marker, ())
        name = f"'{path[-1]}'" if path else "a number"
        if len(path) == 2 and path[0] == "params":
            name = f"parameter {name}"
        message = f"{name} is too large: an integer of {digits} digits"
        out.append(_limit_error(source, (line, col, end), message, _NUMBER_LIMIT))
    return out


def _limit_error(
    source: Source, place: tuple[int, int, int] | None, message: str, hint: str
) -> Diagnostic:
    """A ``limit`` error at *place* (line, column, end column; None: the
    file's start, with no line shown)."""
    line, col, end = place or (1, 1, 2)
    shown = echo(source.line_text(line), end) if place else ""
    return Diagnostic(
        source.path, line, col, end, "error", "limit", message, hint, shown
    )


def _inexact_numbers(
    source: Source, inexact: list[tuple[str, float]]
) -> list[Diagnostic]:
    """A ``limit`` error at each number of the file (a parameter, a break, a
    bound, an example's value, ...) written with more digits than float64
    holds (see :func:`~custseg.rules._expr.read_as`); at most
    :data:`MAX_DIAGNOSTICS`."""
    inexact = inexact[:MAX_DIAGNOSTICS]
    out = []
    places = locate_numbers(source, [written for written, _ in inexact])
    for (written, value), place in zip(inexact, places, strict=True):
        message = inexact_message(written, value)
        out.append(_limit_error(source, place, message, inexact_hint(value)))
    return out


def _not_rules(doc: dict[str, Any], source: Source) -> Diagnostic | None:
    """One diagnostic, echoing no line, for TOML that is no rules file: no
    ``format`` (nor ``extends``), or top-level keys mostly unknown. Such a file
    may be anything (settings with secrets): its keys are not listed."""
    unknown = sum(1 for key in doc if key not in TOP_KEYS)
    if ("format" in doc or "extends" in doc) and unknown * 2 <= len(doc):
        return None
    why = (
        f"{unknown} of its {len(doc)} top-level keys are not rules keys"
        if unknown
        else "it has no 'format' key"
    )
    if "format" not in doc and unknown:
        why = f"it has no 'format' key and {why}"
    return Diagnostic(
        source.path,
        1,
        1,
        2,
        "error",
        "format",
        f"not a custseg rules file: {why}",
        f"a rules file starts with format = {FORMAT} (see 'custseg presets' "
        "for examples)",
    )


def shape_problems(doc: dict[str, Any], source: Source) -> list[Diagnostic]:
    """Limits on the parsed document: keys per table, items per array, keys
    and items in all, names, rules and condition tokens in all. Each limit
    gives a ``limit`` diagnostic at the first place it is passed; the walk
    stops there."""
    nodes = 0
    todo: list[tuple[tuple[str, ...], Any]] = [((), doc)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, dict):
            if len(value) > MAX_KEYS:
                where = ".".join(path) or "the file"
                return [
                    _limit(
                        source,
                        path,
                        f"{where} has {len(value):,d} keys",
                        f"at most {MAX_KEYS:,d} keys in one table",
                    )
                ]
            nodes += len(value)
            todo.extend(((*path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            if len(value) > MAX_ARRAY:
                return [
                    _limit(
                        source,
                        path,
                        f"{'.'.join(path)} has {len(value):,d} items",
                        f"at most {MAX_ARRAY:,d} items in one array",
                    )
                ]
            nodes += len(value)
            todo.extend((path, v) for v in value)
        if nodes > MAX_NODES:
            return [
                _limit(
                    source,
                    path,
                    f"the rules text has more than {MAX_NODES:,d} keys and items",
                    "split it, or shorten it: no rules file needs that many",
                )
            ]
    names = 0
    rules = 0
    tokens = 0
    for section in NAME_SECTIONS:
        entries = doc.get(section)
        if not isinstance(entries, dict):
            continue
        names += len(entries)
        if names > MAX_NAMES:
            return [
                _limit(
                    source,
                    (section,),
                    f"more than {MAX_NAMES:,d} names (fields, params, derived "
                    "values, tables, segmentations and tag sets together)",
                    f"at most {MAX_NAMES:,d}",
                )
            ]
        if section == "derived":
            for name, text in entries.items():
                tokens += _tokens(text)
                if tokens > MAX_CONDITION_TOKENS:
                    return [_too_many_tokens(source, (section, str(name)))]
        if section not in ("segments", "tags"):
            continue
        for name, spec in entries.items():
            listed = spec.get("rules") if isinstance(spec, dict) else None
            rules += len(listed) if isinstance(listed, list) else 0
            if rules > MAX_TOTAL_RULES:
                return [
                    _limit(
                        source,
                        (section, str(name), "rules"),
                        f"more than {MAX_TOTAL_RULES:,d} rules in all "
                        "segmentations and tag sets",
                        f"at most {MAX_TOTAL_RULES:,d} rules in one file",
                    )
                ]
            for rule in listed if isinstance(listed, list) else ():
                tokens += _tokens(rule.get("when") if isinstance(rule, dict) else None)
                if tokens > MAX_CONDITION_TOKENS:
                    return [_too_many_tokens(source, (section, str(name), "rules"))]
    return []


def _tokens(text: Any) -> int:
    """Names, numbers and operator characters of a condition (a cheap measure
    of the work of checking it); only the first 2,001 characters count, since
    longer conditions are refused unparsed."""
    return len(_TOKEN.findall(text[:2_001])) if isinstance(text, str) else 0


def _too_many_tokens(source: Source, path: tuple[str, ...]) -> Diagnostic:
    return _limit(
        source,
        path,
        f"the conditions and derived values of the file have more than "
        f"{MAX_CONDITION_TOKENS:,d} names, numbers and operators in all",
        "split the file, or simplify the conditions",
    )


# letters of other scripts that look like ASCII ones (the common homoglyphs
# of Unicode's confusables list, lower and upper case)
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝһӏвкмнтАВЕКМНОРСТУХІЈЅαβεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcyxijsdqwhlbkmhtABEKMHOPCTYXIJSabeiknoptuxABEHIKMNOPTYXZ",
)


def lookalike(name: str) -> str | None:
    """The ASCII text *name* looks like (NFKC-normalised, accents dropped,
    Cyrillic and Greek lookalike letters read as the Latin ones), or None
    when *name* is ASCII already or some character has no ASCII look.

    >>> lookalike("\u0433"), lookalike("\u0440"), lookalike("ｒ"), lookalike("r")
    (None, 'p', 'r', None)
    """
    if name.isascii():
        return None
    plain = unicodedata.normalize("NFKD", nfkc(name).translate(_LOOKALIKES))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain if plain.isascii() else None


def nfkc(name: str) -> str:
    """A name as expressions read it: NFKC-normalised (full-width letters and
    digits become plain ones), as Python does for identifiers."""
    return unicodedata.normalize("NFKC", name)


def nfkc_column(name: str, columns: Iterable[Any]) -> str | None:
    """For a field *name* the data lacks: a sentence naming the column given
    under another spelling of the same name (one NFKC maps to *name*), else
    None.

    A column named so but for case (``R`` for ``r``) is named too: names
    in rules are read as written.

    >>> print(nfkc_column("\u8c48", ["\uf900", "x"]))
    the column '\uf900' (U+F900) is the name '豈' (U+8C48) once NFKC-normalised, as names in rules are read (as Python reads identifiers): rename the column to '豈' (U+8C48)
    >>> print(nfkc_column("r", ["R", "x"]))
    the column 'R' is the name 'r' but for case, which names in rules keep: rename the column to 'r'
    """
    columns = [c for c in columns if isinstance(c, str) and c != name]
    for column in columns:
        if nfkc(column) == name:
            return (
                f"the column {spelled(column)} is the name {spelled(name)} once "
                "NFKC-normalised, as names in rules are read (as Python reads "
                f"identifiers): rename the column to {spelled(name)}"
            )
    for column in columns:
        if nfkc(column).lower() == name.lower():
            return (
                f"the column {spelled(column)} is the name {spelled(name)} but "
                f"for case, which names in rules keep: rename the column to "
                f"{spelled(name)}"
            )
    return None


def normalise_names(
    doc: dict[str, Any], source: Source
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Declared names NFKC-normalised, as expressions read them.

    A field declared ``"ｍ"`` (full-width, as Chinese input methods type it)
    is the field ``m``: expressions see ``ｍ`` as ``m`` too; so are the
    keys of ``[scores]`` (``"ｒ"`` is the score ``r``). Two declarations
    of one section that normalise to the same name are a ``duplicate-name``
    error at the second. Name references that are not expressions (a table's
    ``field``, parameter names in ``breaks``, a segmentation's
    ``stages_from``) are normalised as well. The document is not modified:
    changed sections are copied.
    """
    diags: list[Diagnostic] = []
    out = dict(doc)
    # the keys of [scores] name the score fields r, f and m: read alike
    # (``"ｒ" = { edges = [...] }`` is the score r, not an unknown key)
    for section in (*NAME_SECTIONS, "scores"):
        entries = doc.get(section)
        if not isinstance(entries, dict):
            continue
        if all(isinstance(k, str) and k.isascii() for k in entries):
            renamed = entries
        else:
            renamed = {}
            first: dict[str, str] = {}
            for name, spec in entries.items():
                key = nfkc(name)
                if key != name and not name.isidentifier():
                    # x² would be the name x2, but a condition cannot say x²
                    odd = [
                        c
                        for i, c in enumerate(name)
                        if not (c if i == 0 else "a" + c).isidentifier()
                    ]
                    diags.append(
                        source.at_key(
                            (section, name),
                            "bad-name",
                            f"{name!r} cannot be used as a name: "
                            + ", ".join(f"{c!r} (U+{ord(c):04X})" for c in odd)
                            + " is not a letter or digit of a name",
                            "names are identifiers (letters, digits, _; Chinese "
                            "and full-width letters are fine)"
                            + (f": write {key!r}" if key.isidentifier() else ""),
                        )
                    )
                if key in first:
                    diags.append(
                        source.at_key(
                            (section, name),
                            "duplicate-name",
                            f"{name!r} is the name {key!r}, already declared as "
                            f"{first[key]!r} in [{section}]",
                            "full-width letters and digits read as plain ones "
                            "(NFKC): give the two different names",
                        )
                    )
                    continue
                first[key] = name
                renamed[key] = spec
        if section in _REFERENCES:
            renamed = {
                name: _normalised_refs(spec, _REFERENCES[section])
                if isinstance(spec, dict)
                else spec
                for name, spec in renamed.items()
            }
        if renamed is not entries:
            out[section] = renamed
    return out, diags


# keys whose string values (or list items) name a field, param or table
_REFERENCES = {"tables": ("field", "breaks"), "segments": ("stages_from",)}


def _normalised_refs(spec: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    def plain(x: Any) -> bool:
        return not isinstance(x, str) or x.isascii()

    values = [spec.get(k) for k in keys]
    if all(
        all(plain(x) for x in v) if isinstance(v, list) else plain(v) for v in values
    ):
        return spec
    spec = dict(spec)
    for key, value in zip(keys, values, strict=True):
        if isinstance(value, str):
            spec[key] = nfkc(value)
        elif isinstance(value, list):
            spec[key] = [nfkc(x) if isinstance(x, str) else x for x in value]
    return spec


_KEY_PART = re.compile(r"\s*([^\s.=\[\]\"']+)\s*")


def _bare_key(line: str) -> str | None:
    """The first part of a key on *line* (a table header's, or the key of
    a key = value) that is unquoted and not plain ASCII, which TOML does not
    read as a key (``满意度 = 1``, ``[segments.分层]``); else None.

    >>> _bare_key("满意度 = { type = 'number' }"), _bare_key("[segments.分层]")
    ('满意度', '分层')
    >>> _bare_key('"满意度" = 1') is None, _bare_key("x = '满意'") is None
    (True, True)
    """
    text = line.strip()
    if text.startswith("["):
        head = text.strip("[").split("]", 1)[0]
    elif "=" in text:
        head = text.split("=", 1)[0]
    else:
        head = text
    for part in head.split("."):
        m = _KEY_PART.fullmatch(part)
        if m is not None and not m.group(1).isascii():
            return m.group(1)
    return None


def _toml_syntax(source: Source, exc: tomllib.TOMLDecodeError) -> Diagnostic:
    """The one diagnostic of a text tomllib cannot read; only the bad line is
    shown (cut to :data:`~custseg.rules._source.ECHO` characters), and a text
    that fails on its first meaningful line is said not to be a rules file."""
    msg = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
    if m is None and "end of document" in msg:
        line = len(source.lines)
    text = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
    hint = "see https://toml.io"
    meaningful = next(
        (
            i + 1
            for i, raw in enumerate(source.lines)
            if raw.strip() and not raw.lstrip().startswith("#")
        ),
        1,
    )
    twice = None
    if text.startswith(
        ("Cannot overwrite", "Cannot declare", "Cannot mutate", "Cannot redefine")
    ):
        twice = source.redefined(line)
    if twice is not None:  # at the second key, naming the line of the first
        return _written_twice(source, *twice)
    shown = source.shown(line, col + 1)
    if "\r" in source.line_text(line).rstrip("\r"):  # before the line's end
        hint = (
            "lines end in CR only (old Mac line ends), which TOML does not "
            "read as line ends: save the file with LF or CRLF line ends"
        )
    elif _bare_key(source.line_text(line)) is not None:
        key = _bare_key(source.line_text(line))
        hint = (
            f"quote a key that is not only ASCII letters, digits, '-' and '_': "
            f'write "{key}" (as in "满意度" = {{ type = "number" }} or '
            '[segments."分层"])'
        )
    elif line <= meaningful:
        hint = (
            "the first line is not TOML: is this a rules file? (those start "
            "with format = 1); see https://toml.io"
        )
    elif not shown:
        hint = (
            "the line is not shown: the text does not start with format = 1, "
            "so it may not be a rules file (settings with secrets); "
            "see https://toml.io"
        )
    return Diagnostic(
        source.path,
        line,
        col,
        col + 1,
        "error",
        "toml-syntax",
        f"invalid TOML: {text}",
        hint,
        shown,
    )


def _written_twice(
    source: Source,
    header: tuple[str, ...],
    key: tuple[str, ...],
    span: tuple[int, int, int],
    first: int,
) -> Diagnostic:
    """The ``duplicate-name`` error of a key (or a table header) written
    twice in one table, which ``tomllib`` refuses as "Cannot overwrite a
    value": at the second, naming the line of the first."""
    table = "[" + ".".join(header) + "]"
    if not key:
        message = f"{table} is declared twice (first at line {first})"
        hint = f"write the keys of {table} under one header: remove the second"
    else:
        where = f"in {table}" if header else "at the top level"
        message = f"{'.'.join(key)!r} is defined twice {where} (first at line {first})"
        hint = "write a key once in its table: remove one, or merge them into the first"
    line, col, end = span
    return Diagnostic(
        source.path,
        line,
        col,
        end,
        "error",
        "duplicate-name",
        message,
        hint,
        source.shown(line, end),
    )


def build(
    doc: dict[str, Any],
    source: Source,
    origins: Mapping[tuple[str, ...], Source],
    replaced: Mapping[str, str] | None = None,
) -> tuple[RuleSet | None, list[Diagnostic]]:
    """Check and compile a (merged) document; all problems are collected.
    *replaced*: the preset's text of each derived value the file replaces
    (an override that turns a number into a condition, or back, is an
    error at the override, not at each of the preset's rules that read it)."""
    b = _Builder(source, origins)
    b.unknown_keys(doc, TOP_KEYS, ())
    fmt = doc.get("format")
    if type(fmt) is not int or fmt != FORMAT:  # not True, which == 1
        b.at_key(
            ("format",),
            "format",
            "missing 'format' key" if fmt is None else f"unsupported format {fmt!r}",
            f"start the file with format = {FORMAT}",
        )

    # fields ---------------------------------------------------------------
    fields: dict[str, FieldSpec] = {}
    raw_fields = b.table(doc.get("fields", {}), ("fields",))
    for name, spec in raw_fields.items():
        path = ("fields", name)
        if not _check_name(b, name, path):
            continue
        spec = b.table(spec, path)
        b.unknown_keys(spec, FIELD_KEYS, path)
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            b.at_key(
                (*path, "type"),
                "bad-value",
                f"field {name!r} needs a type, one of {', '.join(FIELD_TYPES)}; "
                f"got {kind!r}",
            )
            continue
        lo = b.number(spec["min"], (*path, "min")) if "min" in spec else None
        hi = b.number(spec["max"], (*path, "max")) if "max" in spec else None
        if lo is not None and hi is not None and lo > hi:
            b.at_key(
                (*path, "max"),
                "bad-value",
                f"'max' must be >= 'min' ({_display.number_text(lo)}): got {_display.number_text(hi)}",
            )
        missing = spec.get("missing", False)
        if not isinstance(missing, bool):
            b.at_key((*path, "missing"), "bad-value", "'missing' must be true or false")
            missing = False
        optional = spec.get("optional", False)
        if not isinstance(optional, bool):
            b.at_key(
                (*path, "optional"), "bad-value", "'optional' must be true or false"
            )
            optional = False
        values: tuple[str, ...] = ()
        if kind == "category":
            raw = spec.get("values")
            if (
                not isinstance(raw, list)
                or not raw
                or not all(isinstance(x, str) for x in raw)
            ):
                b.at_key(
                    (*path, "values"),
                    "bad-value",
                    f"category field {name!r} needs 'values', a list of strings",
                )
                continue
            pair = _display.alike_pair(raw)
            if len(set(raw)) != len(raw):
                b.at_key(
                    (*path, "values"),
                    "duplicate-name",
                    f"category field {name!r} lists a value twice",
                )
            elif pair is not None:
                b.at_key(
                    (*path, "values"),
                    "duplicate-name",
                    f"category field {name!r} lists values that read alike: "
                    f"{pair[0]!r} and {pair[1]!r}",
                    "write each value once, as the data writes it (Unicode "
                    "forms, full-width letters and invisible characters apart)",
                )
            values = tuple(raw)
        elif "values" in spec:
            b.at_key((*path, "values"), "bad-value", "'values' is only for categories")
        fields[name] = FieldSpec(name, kind, lo, hi, missing, values, optional)

    # params ---------------------------------------------------------------
    params: dict[str, Any] = {}
    for name, value in b.table(doc.get("params", {}), ("params",)).items():
        path = ("params", name)
        if not _check_name(b, name, path):
            continue
        problem = _param_problem(value)
        if problem is None:
            params[name] = value
        else:
            code, message, hint = problem
            b.at_key(path, code, f"parameter {name!r} {message}", hint)
            b.refused.add(name)

    declared_params = dict.fromkeys((*params, *sorted(b.refused)))
    b.refused.update(n for n in raw_fields if n not in fields)

    # items with dependencies ---------------------------------------------
    derived_raw = b.table(doc.get("derived", {}), ("derived",))
    tables_raw = b.table(doc.get("tables", {}), ("tables",))
    segments_raw = b.table(doc.get("segments", {}), ("segments",))
    tags_raw = b.table(doc.get("tags", {}), ("tags",))
    kinds: dict[str, tuple[str, ...]] = {}
    for section, items in (
        ("fields", raw_fields),
        ("params", declared_params),
        ("derived", derived_raw),
        ("tables", tables_raw),
        ("segments", segments_raw),
        ("tags", tags_raw),
    ):
        if len(items) > MAX_ITEMS:
            b.at_key(
                (section,),
                "limit",
                f"too many entries in [{section}] ({len(items)})",
                f"at most {MAX_ITEMS}",
            )
        for name in items:
            if name not in kinds:
                kinds[name] = (section, name)
                continue
            mine: tuple[str, ...] = (section, name)
            theirs = kinds[name]
            if b._src(mine).path.startswith("preset:"):
                mine, theirs = theirs, mine
            inherited = b._src(theirs)
            if inherited is not b._src(mine) and inherited.path.startswith("preset:"):
                # one of the two comes from the preset: say so, at the other
                parent = doc.get("extends")
                base = inherited.path.removeprefix("preset:")
                where = (
                    f"the preset {parent!r}"
                    + (f" (from {base})" if base != parent else "")
                    if isinstance(parent, str)
                    else f"the preset {base!r}"
                )
                b.at_key(
                    mine,
                    "duplicate-name",
                    f"{name!r} is defined twice: {where} already has a "
                    f"{_SECTION_KIND[theirs[0]]} {name!r} ([{'.'.join(theirs)}])",
                    "names of fields, params, derived values, tables, segments "
                    "and tag sets share one namespace, the preset's included: "
                    f"choose another name (e.g. {name}_2)",
                )
            else:
                b.at_key(
                    (section, name),
                    "duplicate-name",
                    f"{name!r} is defined twice (also in [{kinds[name][0]}])",
                    "names of fields, params, derived values, tables, "
                    "segments and tag sets share one namespace",
                )

    graph: dict[str, set[str]] = {}
    for name, text in derived_raw.items():
        graph[name] = _referenced(text)
    for name, spec in tables_raw.items():
        field = spec.get("field") if isinstance(spec, dict) else None
        graph[name] = {field} if isinstance(field, str) else set()
        rules = spec.get("missing_rules", []) if isinstance(spec, dict) else []
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict):
                graph[name] |= _referenced(rule.get("when"))
    for name, spec in segments_raw.items():
        deps: set[str] = set()
        rules = spec.get("rules", []) if isinstance(spec, dict) else []
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict):
                deps |= _referenced(rule.get("when"))
        stages_from = spec.get("stages_from") if isinstance(spec, dict) else None
        if isinstance(stages_from, str) and stages_from in tables_raw:
            deps.add(stages_from)  # checked against its labels: compile it first
        graph[name] = deps
    # a name that is also a field or parameter is a duplicate (reported above);
    # an edge to it is a reference to the field, not a cycle
    shadowed = set(raw_fields) | set(declared_params)
    for deps in graph.values():
        deps -= shadowed
    in_cycle: set[str] = set()
    for cycle in _cycles(graph):
        first = cycle[0]
        in_cycle.update(cycle)
        b.at_key(
            kinds.get(first, (first,)),
            "cycle",
            "circular definition: " + " -> ".join(cycle),
            "a derived value, table or segmentation cannot depend on itself",
        )
    order = [n for n in _topo(graph) if n not in in_cycle]
    b.refused |= in_cycle

    symbols: dict[str, Symbol] = {}
    for f in fields.values():
        symbols[f.name] = Symbol(
            f.name,
            "field",
            f.type,
            None,
            f.missing,
            f.name if f.kind in ("number", "integer") else None,
            0 if f.kind == "integer" else None,  # whole numbers: no decimals
        )
    for name, value in params.items():
        if name in symbols:  # also a field: a duplicate, reported above
            continue
        typ = (
            BOOL
            if isinstance(value, bool)
            else (NUMBER if isinstance(value, int | float) else Type("category", ()))
        )
        symbols[name] = Symbol(name, "param", typ, value, places=decimal_places(value))

    derived: dict[str, Derived] = {}
    tables: dict[str, Table] = {}
    segments: dict[str, Segmentation] = {}
    compiled_order: list[str] = []
    for name in order:
        if name not in symbols:  # a derived value, table or segmentation:
            b.refused.add(name)  # refused until it compiles (its own errors)
        if name in derived_raw and _check_name(b, name, ("derived", name)):
            path = ("derived", name)
            expr = _expr(b, derived_raw[name], path, symbols, want=None)
            if expr is not None:
                if expr.type.kind == "category":
                    b.at_key(
                        path,
                        "type-mismatch",
                        f"derived value {name!r} must be a number or a condition",
                    )
                    continue
                if _changes_kind(b, name, expr, (replaced or {}).get(name), symbols):
                    continue
                derived[name] = Derived(name, expr)
                b.refused.discard(name)
                # a bare name (d = "x") is missing where what it names is; a
                # number where the checker finds it may be (x / 0, a missing
                # operand; not monetary / 3 of a field never missing); a
                # condition may be
                alias = None if expr.bare is None else symbols.get(expr.bare)
                if alias is not None:
                    may_miss = alias.may_be_missing
                else:
                    may_miss = expr.type.kind != "number" or expr.nullable
                symbols[name] = Symbol(
                    name,
                    "derived",
                    expr.type,
                    expr.const,  # a number constant: compared as a parameter
                    may_miss and expr.const is None,
                    None if alias is None else alias.field,
                    expr.places,
                )
                compiled_order.append(name)
        elif name in tables_raw and _check_name(b, name, ("tables", name)):
            t = _table(b, name, tables_raw[name], symbols)
            if t is not None:
                tables[name] = t
                b.refused.discard(name)
                symbols[name] = Symbol(name, "output", category(t.names))
                compiled_order.append(name)
        elif name in segments_raw and _check_name(b, name, ("segments", name)):
            s = _segmentation(
                b, name, segments_raw[name], symbols, tables, tuple(tables_raw)
            )
            if s is not None:
                segments[name] = s
                b.refused.discard(name)
                symbols[name] = Symbol(name, "output", category(s.names))
                compiled_order.append(name)

    tagsets: dict[str, TagSet] = {}
    for name, spec in tags_raw.items():
        if _check_name(b, name, ("tags", name)):
            ts = _tagset(b, name, spec, symbols)
            if ts is not None:
                tagsets[name] = ts

    scores = _scores(b, doc, fields)
    playbooks = _playbooks(b, doc, tables, segments)
    reads: dict[str, frozenset[str]] = {
        **{n: d.expr.names for n, d in derived.items()},
        **{n: t.reads for n, t in tables.items()},
        **{
            n: frozenset(x for r in s.rules for x in r.when.names)
            for n, s in segments.items()
        },
        **{
            f"{n}.{tag}": frozenset(
                x for r in ts.rules if r.label == tag for x in r.when.names
            )
            for n, ts in tagsets.items()
            for tag in ts.tags
        },
    }
    examples = parse_examples(
        b,
        doc,
        {
            "fields": fields,
            "derived": derived,
            "tables": tables,
            "segments": segments,
            "tagsets": tagsets,
            "reads": reads,
            "symbols": symbols,
            # fixed edges: a given score must be the one they give the
            # given fact
            "scores": scores,
            # declared, but refused with an error of their own: an example
            # naming one is not checked against it (no second, false error)
            "refused_inputs": {
                n for n in (*raw_fields, *derived_raw) if n in b.refused
            },
            "refused_outputs": {
                n
                for n in (*tables_raw, *segments_raw, *tags_raw)
                if n not in tables and n not in segments and n not in tagsets
            },
        },
    )

    errors = [d for d in b.diags if d.severity == "error"]
    if errors:
        return None, b.diags
    rs = RuleSet(
        name=str(doc.get("name", "")),
        description=str(doc.get("description", "")),
        descriptions=_descriptions(b, doc),
        path=source.path,
        fields=fields,
        params=params,
        order=tuple(compiled_order),
        derived=derived,
        tables=tables,
        segments=segments,
        tagsets=tagsets,
        scores=scores,
        playbooks=playbooks,
        examples=tuple(examples),
    )
    return rs, b.diags


def _declared_output(doc: Mapping[str, Any], name: str) -> bool:
    """Whether *name* is declared under [tables] or [segments] of *doc*."""
    return any(
        isinstance(doc.get(section), dict) and name in doc[section]
        for section in ("tables", "segments")
    )


def _playbooks(
    b: _Builder,
    doc: Mapping[str, Any],
    tables: Mapping[str, Table],
    segments: Mapping[str, Segmentation],
) -> dict[str, Playbook]:
    """``[playbook.<classification>.<label>]``: the action per label, checked
    against the labels of the classification (an output of the file, or the
    spine's ``lifecycle`` and ``abc``)."""
    out: dict[str, Playbook] = {}
    raw = b.table(doc.get("playbook", {}), ("playbook",))
    known: dict[str, tuple[str, ...]] = {
        "lifecycle": (*LifecycleWindows().labels, LifecycleWindows().no_purchase),
        "abc": ABC_NAMES,
    }
    known.update({n: t.names for n, t in tables.items()})
    known.update({n: s.names for n, s in segments.items()})
    seen: dict[str, str] = {}  # the classification, NFKC-read -> as written
    for written, spec in raw.items():
        path = ("playbook", written)
        spec = b.table(spec, path)
        name = nfkc(written)  # as the file's names are read: "ｓ" is s
        if name in seen:
            b.at_key(
                path,
                "duplicate-name",
                f"[playbook.{written}] is the classification {name!r}, which "
                f"has a playbook already ([playbook.{seen[name]}])",
                "full-width letters and digits read as plain ones (NFKC): give "
                "each classification one playbook",
            )
            continue
        seen[name] = written
        names = known.get(name)
        if names is None and name in b.refused and _declared_output(doc, name):
            continue  # a table or segmentation with errors, reported there
        if names is None:
            close = difflib.get_close_matches(name, list(known), n=1)
            b.at_key(
                path,
                "unknown-name",
                f"no classification named {name!r} to give a playbook to",
                f"did you mean {close[0]!r}?"
                if close
                else "the classifications are " + ", ".join(known),
            )
            continue
        ok = True
        for label in spec:
            if label not in names:
                close = difflib.get_close_matches(label, names, n=1)
                b.at_key(
                    (*path, label),
                    "unknown-label",
                    f"{label!r} is not a label of {name!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "its labels are " + ", ".join(map(repr, names)),
                )
                ok = False
        if not ok or not spec:
            if not spec:
                b.at_key(path, "bad-value", f"playbook {name!r} has no labels")
            continue
        # each label on its own, so every bad entry is reported at once
        good = True
        others = _other_names(name, tables, segments)
        for label, entry in spec.items():
            try:
                one = Playbook.from_mapping({label: entry}, name=name)
                hidden = [a for a in one.aliases if a in names and a != label]
                if hidden:  # not in this file, yet a label of the classification
                    raise ThresholdError(
                        f"'playbook.{name}.{label}.aliases' gives {hidden[0]!r} "
                        f"to {label!r}, but {hidden[0]!r} is a label of its own: "
                        "an alias must not hide another label's action"
                    )
                taken = [a for a in one.aliases if others.get(a, label) != label]
                if taken:  # what a translated run writes for another label
                    raise ThresholdError(
                        f"'playbook.{name}.{label}.aliases' gives {taken[0]!r} "
                        f"to {label!r}, but {taken[0]!r} is the name of "
                        f"{others[taken[0]]!r} in a translated run (lang=...): "
                        "an alias must not hide another label's action"
                    )
            except ThresholdError as exc:
                good = False
                key = next(
                    (
                        k
                        for k in (entry if isinstance(entry, dict) else {})
                        if f"playbook.{name}.{label}.{k}" in str(exc)
                        or f"key {k!r}" in str(exc)
                    ),
                    None,
                )
                where = (*path, label, key) if key else (*path, label)
                b.at_key(where, "bad-value", str(exc))
        if good:
            try:  # the entries together: an alias given to two labels
                out[name] = Playbook.from_mapping(spec, name=name)
            except ThresholdError as exc:
                b.at_key(path, "bad-value", str(exc))
    return out


def _other_names(
    name: str,
    tables: Mapping[str, Table],
    segments: Mapping[str, Segmentation],
) -> dict[str, str]:
    """``{other name: label}`` of the classification *name*: the names its
    labels have in a translated run (the output's ``translations``, and the
    shipped playbook's aliases: 沉默期 is ``silent``), which a playbook alias
    of another label would take over."""
    out: dict[str, str] = {}
    output = tables.get(name) or segments.get(name)
    for names in getattr(output, "translations", {}).values():
        for label, text in names.items():
            out.setdefault(text, label)
    if name in PLAYBOOK_NAMES:
        for alias, label in default_playbook(name).aliases.items():
            out.setdefault(alias, label)
    return out


def _param_problem(value: Any) -> tuple[str, str, str] | None:
    """Why a ``[params]`` value is refused (code, message, hint), or None.

    Numbers obey the limit of numbers in conditions (a parameter is a named
    literal): beyond it float64 is not exact."""
    if isinstance(value, bool | str):
        return None
    if isinstance(value, int | float):
        # compare before any float conversion: a 400-digit int overflows it
        if isinstance(value, float) and not math.isfinite(value):
            return "bad-value", f"is not a finite number: {value!r}", _NUMBER_LIMIT
        if abs(value) > MAX_NUMBER:
            return "limit", f"is too large: {v.describe(value)}", _NUMBER_LIMIT
        return None
    return (
        "bad-value",
        f"must be a number, a string or a boolean, got {v.describe(value, limit=60)}",
        "",
    )


_NUMBER_LIMIT = (
    f"numbers must be finite and at most {MAX_NUMBER:g}, as in conditions "
    "(larger numbers are not exact)"
)


def _changes_kind(
    b: _Builder,
    name: str,
    expr: Compiled,
    theirs: str | None,
    symbols: Mapping[str, Symbol],
) -> bool:
    """Whether the derived value *name* (compiled as *expr*) replaces the
    preset's *theirs* by a value of the other kind (a number by a condition,
    or back): an error at the override, and the name refused, so the
    preset's rules that read it are skipped, not each reported at a line of
    the preset the user cannot edit."""
    if theirs is None:
        return False
    compiled, problems = check_expr(theirs, symbols, want=None)
    if compiled is None or problems:
        return False
    kinds = {"number": "a number", "bool": "a condition"}
    was, now = kinds.get(compiled.type.kind), kinds.get(expr.type.kind)
    if was is None or now is None or was == now:
        return False
    b.at_key(
        ("derived", name),
        "type-mismatch",
        f"derived value {name!r} is {was} in the preset ({theirs!r}), and its "
        f"rules read it as one: this file makes it {now}",
        f"give the {now[2:]} a new name ({name}_2 = ...), or keep {name!r} {was}",
    )
    return True


def _checked(
    b: _Builder, text: Any, symbols: Mapping[str, Symbol], want: Type | None
) -> tuple[Compiled | None, list[ExprProblem]]:
    """:func:`check_expr`, less the uses of a declared name whose definition
    was refused (its own error says why; "unknown name" would tell the user
    to declare it)."""
    compiled, problems = check_expr(text, symbols, want=want)
    if b.refused:
        refused = {f"unknown name {n!r}" for n in b.refused}
        problems = [
            p for p in problems if p.code != "unknown-name" or p.message not in refused
        ]
    return compiled, problems


def _expr(
    b: _Builder,
    text: Any,
    path: tuple[str, ...],
    symbols: Mapping[str, Symbol],
    want: Type | None = BOOL,
) -> Compiled | None:
    compiled, problems = _checked(b, text, symbols, want)
    if problems:
        where = b.locate_value(path, text) if isinstance(text, str) else None
        for p in problems:
            b.at_expr(path, text if isinstance(text, str) else "", p, where)
        return None
    if isinstance(text, str):
        b.locate_value(path, text)  # keep occurrence counting in file order
    return compiled


def _descriptions(b: _Builder, doc: Mapping[str, Any]) -> dict[str, str]:
    """The file's top-level ``translations.LANG.description``, per language:
    a table of languages, each a table with the one key ``description``, a
    string."""
    raw = doc.get("translations", {})
    if not isinstance(raw, dict):
        b.at_key(
            ("translations",),
            "bad-value",
            "'translations' must be a table of languages",
            'write translations.zh.description = "..."',
        )
        return {}
    out: dict[str, str] = {}
    for lang, table in raw.items():
        if not isinstance(table, dict):
            b.at_key(
                ("translations", lang),
                "bad-value",
                f"translations.{lang} must be a table",
                f'write translations.{lang}.description = "..."',
            )
            continue
        b.unknown_keys(table, ("description",), ("translations", lang))
        text = table.get("description")
        if text is None:
            continue
        if not isinstance(text, str):
            b.at_key(
                ("translations", lang, "description"),
                "bad-value",
                f"translations.{lang}.description must be a string",
                "write it in quotes",
            )
            continue
        out[lang] = text
    return out


def _translations(
    b: _Builder,
    spec: Mapping[str, Any],
    path: tuple[str, ...],
    names: tuple[str, ...],
    labels_key: str = "rules",
) -> dict[str, dict[str, str]]:
    """The translations of the labels *names* of *path*. Translations
    inherited from a preset whose labels (the key *labels_key*, or a
    table's ``missing_rules``) this file gives anew may name labels that
    are gone: those entries no longer apply, without a word (they are
    harmless, and not the user's to edit)."""
    raw = spec.get("translations", {})
    out: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        b.at_key(
            (*path, "translations"),
            "bad-value",
            "'translations' must be a table of languages",
        )
        return out
    for lang, table in raw.items():
        if not isinstance(table, dict) or not all(
            isinstance(x, str) for x in table.values()
        ):
            b.at_key(
                (*path, "translations", lang),
                "bad-value",
                f"translations for {lang!r} must map labels to strings",
            )
            continue
        if b._src((*path, "translations")) is not b.source and any(
            b._src((*path, k)) is b.source
            for k in (labels_key, "missing_rules" if labels_key == "labels" else "")
            if k
        ):  # the preset's translations, this file's labels (or a table's
            # missing rules): those gone drop out
            table = {k: x for k, x in table.items() if k in names}
        inherited = b._src((*path, "translations")) is not b.source
        # this file's keys that replace labels of the preset's (a new default)
        replaced = [
            k
            for k in ("default", "missing")
            if inherited and k in spec and b._src((*path, k)) is b.source
        ]
        for label in table:
            if label not in names and replaced:  # the user's change, not a typo
                key = replaced[0]
                new = spec[key]
                b.at_key(
                    (*path, key),
                    "unknown-label",
                    f"the preset's translations.{lang} of {path[-1]!r} translate "
                    f"{label!r}, which is no longer a label: this file's {key!r} "
                    f"replaces it with {new!r}, which they do not translate",
                    f"give [{'.'.join(path)}] translations.{lang} anew, with all "
                    f"its labels and {new!r} (a translations table is replaced "
                    "whole)",
                    severity="warning",
                )
            elif label not in names:  # harmless, but a typo or a stale entry
                close = difflib.get_close_matches(label, names, n=1)
                b.at_key(
                    (*path, "translations", lang, label),
                    "unknown-label",
                    f"{label!r} is not a label of {path[-1]!r}",
                    f"did you mean {close[0]!r}?" if close else "remove the entry",
                    severity="warning",
                )
        if any(
            b.label(text, (*path, "translations", lang, label)) is None
            for label, text in table.items()
        ):
            continue
        shown = [table.get(n, n) for n in names]
        pair = _display.alike_pair(shown)
        if len(set(shown)) == len(shown) and pair is not None:
            b.at_key(
                (*path, "translations", lang),
                "duplicate-name",
                f"translations for {lang!r} give two labels names that read "
                f"alike: {pair[0]!r} and {pair[1]!r}",
                "each label needs its own name in every language",
            )
            continue
        if len(set(shown)) != len(shown):
            dupes = sorted({x for x in shown if shown.count(x) > 1})
            b.at_key(
                (*path, "translations", lang),
                "duplicate-name",
                f"translations for {lang!r} give several labels the same name: "
                + ", ".join(repr(x) for x in dupes),
                "each label needs its own name in every language",
            )
            continue
        out[lang] = dict(table)
    return out


def _table(
    b: _Builder, name: str, spec: Any, symbols: Mapping[str, Symbol]
) -> Table | None:
    path = ("tables", name)
    spec = b.table(spec, path)
    b.unknown_keys(spec, TABLE_KEYS, path)
    ok = True
    field = spec.get("field")
    if not isinstance(field, str):
        b.at_key((*path, "field"), "missing-key", f"table {name!r} needs a 'field'")
        return None
    sym = symbols.get(field)
    if sym is None and field in b.refused:
        ok = False  # the field's own error says why
    elif sym is None:
        close = difflib.get_close_matches(field, list(symbols), n=1)
        b.at_key(
            (*path, "field"),
            "unknown-name",
            f"unknown field {field!r}",
            f"did you mean {close[0]!r}?" if close else "declare it under [fields]",
        )
        ok = False
    elif sym.type != NUMBER:
        b.at_key(
            (*path, "field"),
            "type-mismatch",
            f"table {name!r} needs a number field, {field!r} is a {sym.type}",
        )
        ok = False
    breaks_raw = spec.get("breaks")
    breaks: list[float] = []
    if not isinstance(breaks_raw, list) or not breaks_raw:
        b.at_key(
            (*path, "breaks"),
            "missing-key",
            f"table {name!r} needs 'breaks', a list of numbers",
        )
        ok = False
    elif len(breaks_raw) >= MAX_TABLE_LABELS:
        b.at_key(
            (*path, "breaks"),
            "limit",
            f"table {name!r} has {len(breaks_raw):,d} breaks",
            f"at most {MAX_TABLE_LABELS - 1:,d} breaks ({MAX_TABLE_LABELS:,d} labels)",
        )
        ok = False
    else:
        for i, x in enumerate(breaks_raw):
            val = x
            if isinstance(x, str) and x in b.refused:
                ok = False  # the parameter's own error says why
                continue
            if isinstance(x, str) and x in symbols and symbols[x].kind == "param":
                val = symbols[x].value
                if isinstance(val, bool) or not isinstance(val, int | float):
                    b.at_key(
                        (*path, "breaks"),
                        "bad-value",
                        f"break {i} names the parameter {x!r}, which is "
                        f"{'a bool' if isinstance(val, bool) else 'text'} "
                        f"({val!r}), not a number",
                        f"write the parameter as a number ({x} = 3, no quotes)",
                    )
                    ok = False
                    continue
            elif isinstance(x, str):
                params = [n for n, s in symbols.items() if s.kind == "param"]
                close = difflib.get_close_matches(x, params, n=1)
                b.at_key(
                    (*path, "breaks"),
                    "bad-value",
                    f"break {i} is {x!r}: neither a number nor the name of a parameter",
                    f"did you mean the parameter {close[0]!r}?"
                    if close
                    else "a break is a number (30) or a number parameter's name "
                    '("lost_days")',
                )
                ok = False
                continue
            num = b.number(val, (*path, "breaks"))
            if num is None:
                ok = False
                continue
            if breaks and num <= breaks[-1]:
                named = [
                    f"break {j} is the parameter {breaks_raw[j]!r}"
                    for j in (i - 1, i)
                    if isinstance(breaks_raw[j], str)
                ]
                b.at_key(
                    (*path, "breaks"),
                    "breaks-order",
                    f"breaks must be strictly increasing: break {i} ({_display.number_text(num)}) "
                    f"must be > break {i - 1} ({_display.number_text(breaks[-1])})",
                    "; ".join(named)
                    + ": give it a value that keeps the breaks in order"
                    if named
                    else "",
                )
                ok = False
            breaks.append(num)
    labels = spec.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        b.at_key(
            (*path, "labels"),
            "missing-key",
            f"table {name!r} needs 'labels', a list of strings",
        )
        return None
    if len(labels) <= MAX_TABLE_LABELS and any(
        b.label(x, (*path, "labels")) is None for x in labels
    ):
        return None
    if len(labels) > MAX_TABLE_LABELS:
        b.at_key(
            (*path, "labels"),
            "limit",
            f"table {name!r} has {len(labels):,d} labels",
            f"at most {MAX_TABLE_LABELS:,d} labels",
        )
        return None
    if ok and len(labels) != len(breaks) + 1:
        n = len(breaks) + 1
        labels_src = b._src((*path, "labels"))
        if labels_src is not b.source and b._src((*path, "breaks")) is b.source:
            # this file's breaks, the preset's labels: the user's line
            line = labels_src.locate_key((*path, "labels"))[0]
            b.at_key(
                (*path, "breaks"),
                "label-count",
                f"{len(breaks)} breaks make {n} intervals, but table {name!r} "
                f"keeps the preset's {len(labels)} labels "
                f"({labels_src.path}:{line}: {', '.join(map(repr, labels))})",
                f"the preset's {name!r} has {len(labels)} labels: give 'labels' "
                f"with {n} too (and its translations), or {len(labels) - 1} breaks",
            )
        else:
            b.at_key(
                (*path, "labels"),
                "label-count",
                f"{len(breaks)} breaks make {n} intervals, but "
                f"{len(labels)} labels are given",
                "give one label per interval"
                + (
                    f" (the {len(breaks)} breaks are the preset's)"
                    if b._src((*path, "breaks")) is not b.source
                    and labels_src is b.source
                    else ""
                ),
            )
        ok = False
    closed = spec.get("closed", "left")
    if closed not in ("left", "right"):
        b.at_key(
            (*path, "closed"),
            "bad-value",
            f"'closed' must be 'left' ([lo, hi)) or 'right' ((lo, hi]), got {closed!r}",
        )
        ok = False
    missing = spec.get("missing")
    if missing is not None and not isinstance(missing, str):
        b.at_key((*path, "missing"), "bad-value", "'missing' must be a label string")
        ok = False
    elif missing is not None and b.label(missing, (*path, "missing")) is None:
        ok = False
    if sym is not None and sym.may_be_missing and missing is None:
        b.at_key(
            path,
            "missing-key",
            f"field {field!r} may be missing, so table {name!r} needs a "
            "'missing' label",
            'add missing = "unknown" (or another label)',
        )
        ok = False
    missing_rules: list[Rule] = []
    if spec.get("missing_rules") == []:
        pass  # none: every missing row gets the missing label (a file that
        # extends a preset drops the preset's missing rules so)
    elif "missing_rules" in spec:
        got = _rule_list(b, spec, path, symbols, "label", "missing_rules")
        if got is None:
            ok = False
        elif missing is None:
            b.at_key(
                (*path, "missing_rules"),
                "missing-key",
                f"table {name!r} has 'missing_rules' but no 'missing' label "
                "for the missing rows no rule takes",
                'add missing = "unknown" (or another label)',
            )
            ok = False
        else:
            missing_rules = got
            for i, rule in enumerate(got):
                if rule.label in labels:
                    b.at_key(
                        (*path, "missing_rules", f"[{i}]", "label"),
                        "duplicate-name",
                        f"the label {rule.label!r} of missing rule {i + 1} of table "
                        f"{name!r} is also the label of an interval",
                        'name the rows of a missing value apart (label = "unknown")',
                    )
                    ok = False
    all_labels = [*labels, *([missing] if isinstance(missing, str) else [])]
    all_labels += [r.label for r in missing_rules if r.label not in all_labels]
    # (a label with a control or invisible character is refused as such
    # already: not also as a look-alike of the label it reads as)
    pair = _display.alike_pair(
        x for x in all_labels if isinstance(x, str) and not _UNPRINTABLE.search(x)
    )
    twice = [x for x, n in Counter(labels).items() if n > 1]
    if twice:
        b.at_key(
            (*path, "labels"),
            "duplicate-name",
            f"table {name!r} repeats the label {twice[0]!r}",
            "give each interval its own label",
        )
        ok = False
    elif isinstance(missing, str) and missing in labels:
        b.at_key(
            (*path, "missing"),
            "duplicate-name",
            f"the missing label {missing!r} of table {name!r} is also the label "
            "of an interval",
            'name the rows of a missing value apart (missing = "unknown")',
        )
        ok = False
    elif pair is not None:
        # at the missing rule whose label reads as another (else the labels)
        where = next(
            (
                (*path, "missing_rules", f"[{i}]", "label")
                for i, r in enumerate(missing_rules)
                if r.label in pair and r.label not in labels and r.label != missing
            ),
            (*path, "labels"),
        )
        b.at_key(
            where,
            "duplicate-name",
            f"table {name!r} has labels that read alike: {pair[0]!r} and {pair[1]!r}",
            "write each label one way (Unicode forms and full-width letters apart)",
        )
        ok = False
    translations = _translations(b, spec, path, tuple(all_labels), "labels")
    if not ok:
        return None
    return Table(
        name,
        field,
        tuple(breaks),
        tuple(labels),
        closed,
        missing,
        translations,
        tuple(missing_rules),
    )


def _rule_list(
    b: _Builder,
    spec: Mapping[str, Any],
    path: tuple[str, ...],
    symbols: Mapping[str, Symbol],
    label_key: str,
    key: str = "rules",
) -> list[Rule] | None:
    rules_raw = spec.get(key)
    if not isinstance(rules_raw, list) or not rules_raw:
        b.at_key(
            # point at the section when the key is absent: another section's
            # 'rules' line would be the wrong place
            (*path, key) if key in spec else path,
            "missing-key",
            f"{path[-1]!r} needs {key!r}, a list of {{{label_key} = ..., "
            "when = ...} tables",
        )
        return None
    if len(rules_raw) > MAX_RULES:
        b.at_key(
            (*path, key),
            "limit",
            f"{len(rules_raw)} rules is too many",
            f"at most {MAX_RULES}",
        )
        return None
    rules: list[Rule] = []
    ok = True
    for i, rule in enumerate(rules_raw):
        rpath = (*path, key)
        item = (*rpath, f"[{i}]")  # located at that rule of the array
        if not isinstance(rule, dict):
            b.at_key(item, "bad-value", f"rule {i} must be a table")
            ok = False
            continue
        b.unknown_keys(rule, RULE_KEYS if label_key == "label" else TAG_KEYS, item)
        label = b.label(rule.get(label_key), (*item, label_key))
        when = rule.get("when")
        if when is None:
            b.at_key(item, "missing-key", f"rule {i} ({label!r}) needs 'when'")
            ok = False
            continue
        where = b.locate_value(rpath, when, "when") if isinstance(when, str) else None
        compiled, problems = _checked(b, when, symbols, BOOL)
        for p in problems:
            b.at_expr((*item, "when"), when if isinstance(when, str) else "", p, where)
        if compiled is None or label is None:
            ok = False
            continue
        line, col = (
            (where.line, where.column(0))
            if where
            else b._src(item).locate_key(item)[:2]
        )
        rules.append(Rule(label, compiled, line, col, b._src(rpath).path))
    return rules if ok else None


def _segmentation(
    b: _Builder,
    name: str,
    spec: Any,
    symbols: Mapping[str, Symbol],
    tables: Mapping[str, Table] | None = None,
    table_names: tuple[str, ...] = (),
) -> Segmentation | None:
    path = ("segments", name)
    spec = b.table(spec, path)
    b.unknown_keys(spec, SEGMENT_KEYS, path)
    default = spec.get("default")
    if default is None:
        b.at_key(
            path,
            "missing-key",
            f"segmentation {name!r} needs a 'default' label",
            "every row gets a label: name the one for rows no rule matches",
        )
    else:
        default = b.label(default, (*path, "default"))
    rules = _rule_list(b, spec, path, symbols, "label")
    if rules is None or default is None:
        # still check the translations against the labels as written
        raw = spec.get("rules")
        written = (
            [r.get("label") for r in raw if isinstance(r, dict)]
            if isinstance(raw, list)
            else []
        )
        labels = [x for x in [*written, default] if isinstance(x, str)]
        _translations(b, spec, path, tuple(dict.fromkeys(labels)))
        return None
    names = tuple(dict.fromkeys([r.label for r in rules] + [default]))
    pair = _display.alike_pair(names)
    if pair is not None:
        b.at_key(
            path,
            "duplicate-name",
            f"segmentation {name!r} has labels that read alike: {pair[0]!r} and "
            f"{pair[1]!r}",
            "write each label one way (Unicode forms and full-width letters apart)",
        )
        return None
    order: tuple[str, ...] = ()
    if "order" in spec:
        raw_order = spec["order"]
        if (
            isinstance(raw_order, list)
            and all(isinstance(x, str) for x in raw_order)
            and len(set(raw_order)) == len(raw_order)
            and set(raw_order) == set(names)
        ):
            order = tuple(raw_order)
            names = order
        else:
            _bad_order(b, path, names, raw_order)
    translations = _translations(b, spec, path, names)
    checked = _stages(b, spec, path, names, tables or {}, table_names)
    if checked is None:
        return None
    stages, stages_from = checked
    src = b._src(path)
    line = src.locate_key(path)[0]
    return Segmentation(
        name,
        tuple(rules),
        default,
        translations,
        src.path,
        line,
        stages,
        stages_from,
        order,
    )


def _bad_order(
    b: _Builder, path: tuple[str, ...], names: tuple[str, ...], raw: Any
) -> None:
    """An ``order`` that does not list each label of the segmentation at
    *path* once: an error at it; a preset's ``order``, inherited by a file
    that gives the rules (or the default) anew, no longer applies instead,
    with one warning at that key of the file (as inherited stages)."""
    listed = ", ".join(map(repr, names))
    relabelled = [
        p for p in ((*path, "rules"), (*path, "default")) if b._src(p) is b.source
    ]
    if b._src((*path, "order")) is b.source or not relabelled:
        b.at_key(
            (*path, "order"),
            "bad-value",
            f"'order' must list each label of {path[-1]!r} once: {listed}",
            "it orders the labels for display and ranking, nothing else",
        )
        return
    theirs = b._src((*path, "order"))
    line, col, _ = theirs.locate_key((*path, "order"))
    written = raw if isinstance(raw, list) else []
    lacks = [x for x in names if x not in written]
    gone = [x for x in dict.fromkeys(written) if x not in names]
    said = "; ".join(
        f"{what} {', '.join(map(repr, xs[:6]))}{', ...' if len(xs) > 6 else ''}"
        for what, xs in (("it lacks", lacks), ("no longer labels", gone))
        if xs
    )
    b.at_key(
        relabelled[0],
        "unknown-label",
        f"the 'order' of segmentation {path[-1]!r}, inherited (at {theirs.path}:"
        f"{line}:{col}), does not fit the labels of this file's "
        f"'{relabelled[0][-1]}' ({said}), so it no longer applies: the labels "
        "are shown in the order of the rules, then the default",
        f"give [{'.'.join(path)}] its own 'order' listing {listed}",
        severity="warning",
    )


def _at_string(
    b: _Builder,
    path: tuple[str, ...],
    value: str,
    code: str,
    message: str,
    hint: str = "",
    key: str | None = None,
) -> None:
    """An error under the string literal *value* of the key at *path* (the
    value of *key* when given, see :meth:`Source.locate_string`)."""
    src = b._src(path)
    where = src.locate_string(value, path, key)
    if where is None:
        b.at_key(path, code, message, hint)
        return
    col = where.column(0)
    end = max(where.column(len(value)), col + 1)
    diag = Diagnostic(
        src.path,
        where.line,
        col,
        end,
        "error",
        code,
        message,
        hint,
        src.line_text(where.line),
    )
    b.add(b.blamed(diag, path))


def _stages(
    b: _Builder,
    spec: Mapping[str, Any],
    path: tuple[str, ...],
    names: tuple[str, ...],
    tables: Mapping[str, Table],
    table_names: tuple[str, ...],
) -> tuple[dict[str, tuple[str, ...]], str | None] | None:
    """Check a segmentation's ``stages`` / ``stages_from``; None on an error."""
    raw = spec.get("stages")
    table_name = spec.get("stages_from")
    if raw is None and table_name is None:
        return {}, None
    if table_name is None:
        b.at_key(
            (*path, "stages"),
            "missing-key",
            f"segmentation {path[-1]!r} has 'stages' but no 'stages_from'",
            'add stages_from = "lifecycle": the table whose labels the stages are',
        )
        return None
    if not isinstance(table_name, str):
        b.at_key(
            (*path, "stages_from"),
            "bad-value",
            f"'stages_from' must name a table, got {table_name!r}",
        )
        return None
    if table_name not in table_names:
        close = difflib.get_close_matches(table_name, table_names, n=1)
        _at_string(
            b,
            (*path, "stages_from"),
            table_name,
            "unknown-name",
            f"'stages_from' names no table: {table_name!r}",
            f"did you mean {close[0]!r}?"
            if close
            else "name a [tables.NAME] of the file, such as a lifecycle",
            key="stages_from",
        )
        return None
    table = tables.get(table_name)
    if table is None:  # the table has errors of its own, reported there
        return None
    if raw is None:
        return {}, table_name
    if not isinstance(raw, dict):
        b.at_key(
            (*path, "stages"),
            "bad-value",
            "'stages' must be a table: label = [stage, ...]",
            f'e.g. stages = {{ "{names[0]}" = ["{table.names[0]}"] }}',
        )
        return None
    # stages inherited from a preset whose rules this file replaced may name
    # labels the new rules no longer have: those no longer apply (a warning)
    # (inherited: the preset's stages, while this file gives the rules anew)
    # (the keys of this file that give the segmentation's labels anew)
    relabelled = [
        p for p in ((*path, "rules"), (*path, "default")) if b._src(p) is b.source
    ]
    inherited = b._src((*path, "stages")) is not b.source and bool(relabelled)
    # stages inherited from a preset, while this file changes the labels
    # they name (the segmentation's stages_from, the table's labels or its
    # missing label): those gone no longer apply, with one warning at this
    # file's key, not errors at the preset's lines the user cannot edit
    causes = [
        p
        for p in (
            (*path, "stages_from"),
            ("tables", table_name, "labels"),
            ("tables", table_name, "missing"),
        )
        if b._src(p) is b.source
    ]
    if b._src((*path, "stages")) is not b.source and causes:
        stale = sorted(
            {
                x
                for wanted in raw.values()
                if isinstance(wanted, list)
                for x in wanted
                if isinstance(x, str) and x not in table.names
            }
        )
        if stale:
            cause = causes[0]
            listed = ", ".join(map(repr, stale[:6])) + (
                ", ..." if len(stale) > 6 else ""
            )
            if cause[-1] == "stages_from":
                message = (
                    f"the 'stages' of segmentation {path[-1]!r}, inherited, name "
                    f"stages that are not labels of table {table_name!r}, which "
                    f"this file's 'stages_from' names ({listed}), so they no "
                    "longer apply"
                )
            else:
                message = (
                    f"the 'stages' of segmentation {path[-1]!r}, inherited, name "
                    f"stages that table {table_name!r} no longer has ({listed}), "
                    "so they no longer apply"
                )
            b.at_key(
                cause,
                "unknown-stage",
                message,
                f"give [segments.{path[-1]}] its own 'stages' naming the "
                f"labels of {table_name!r}: " + ", ".join(repr(n) for n in table.names),
                severity="warning",
            )
            return {}, table_name
    out: dict[str, tuple[str, ...]] = {}
    ok = True
    gone = [label for label in raw if label not in names]
    if inherited and gone:  # one warning, in the file that gave the new rules
        b.at_key(
            relabelled[0],
            "unknown-label",
            f"the 'stages' of segmentation {path[-1]!r}, inherited, name labels "
            + (
                "its rules no longer have ("
                if relabelled[0][-1] == "rules"
                else "it no longer has, with this file's 'default' ("
            )
            + ", ".join(map(repr, gone[:6]))
            + (", ..." if len(gone) > 6 else "")
            + "), so their stages no longer apply",
            f"give [{'.'.join(path)}] its own 'stages'",
            severity="warning",
        )
    for label, wanted in raw.items():
        lpath = (*path, "stages", label)
        if label not in names and inherited:
            continue
        if label not in names:
            close = difflib.get_close_matches(label, names, n=1)
            b.at_key(
                lpath,
                "unknown-label",
                f"{label!r} is not a label of segmentation {path[-1]!r}",
                f"did you mean {close[0]!r}?"
                if close
                else "labels: " + ", ".join(repr(n) for n in names),
            )
            ok = False
            continue
        if (
            not isinstance(wanted, list)
            or not wanted
            or not all(isinstance(x, str) for x in wanted)
        ):
            b.at_key(
                lpath,
                "bad-value",
                f"the stages of {label!r} must be a non-empty list of "
                f"labels of table {table_name!r}",
            )
            ok = False
            continue
        for stage in wanted:
            if stage not in table.names:
                close = difflib.get_close_matches(stage, table.names, n=1)
                _at_string(
                    b,
                    lpath,
                    stage,
                    "unknown-stage",
                    f"{stage!r} is not a label of table {table_name!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "labels: " + ", ".join(repr(n) for n in table.names),
                )
                ok = False
        out[label] = tuple(dict.fromkeys(wanted))
    return (out, table_name) if ok else None


def _tagset(
    b: _Builder, name: str, spec: Any, symbols: Mapping[str, Symbol]
) -> TagSet | None:
    path = ("tags", name)
    spec = b.table(spec, path)
    b.unknown_keys(spec, TAGSET_KEYS, path)
    rules = _rule_list(b, spec, path, symbols, "tag")
    if rules is None:
        return None
    tags = tuple(dict.fromkeys(r.label for r in rules))
    return TagSet(name, tags, tuple(rules))


def _bins(b: _Builder, value: Any, path: tuple[str, ...]) -> int | None:
    if type(value) is not int or not 2 <= value <= MAX_BINS:
        b.at_key(
            path,
            "bad-value",
            f"'bins' must be an integer from 2 to {MAX_BINS}, got {value!r}",
            "the number of scores, 5 for scores 1..5",
        )
        return None
    return value


def _score_spec(
    b: _Builder, spec: Any, path: tuple[str, ...], default: int
) -> ScoreSpec | None:
    dim = path[-1]
    if not isinstance(spec, dict):
        b.at_key(
            path,
            "bad-value",
            f"'scores.{dim}' must be a table: {{ edges = [...] }} for fixed "
            "edges or { bins = N } for quantile edges",
        )
        return None
    b.unknown_keys(spec, SCORE_KEYS, path)
    if "edges" not in spec and "bins" not in spec:
        b.at_key(
            path,
            "missing-key",
            f"'scores.{dim}' needs 'edges' (fixed) or 'bins' (quantile)",
            f"e.g. {dim} = {{ bins = {default} }}",
        )
        return None
    bins = _bins(b, spec["bins"], (*path, "bins")) if "bins" in spec else None
    if "edges" not in spec:
        return ScoreSpec(None, bins) if bins is not None else None
    raw = spec["edges"]
    epath = (*path, "edges")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_BINS - 1:
        b.at_key(
            epath,
            "bad-value",
            f"'edges' must be a list of 1 to {MAX_BINS - 1} numbers, "
            "one fewer than the scores",
        )
        return None
    edges: list[float] = []
    ok = True
    for i, x in enumerate(raw):
        num = b.number(x, epath)
        if num is None:
            ok = False
            continue
        if edges and num <= edges[-1]:
            b.at_key(
                epath,
                "breaks-order",
                f"score edges must be strictly increasing: edge {i} ({_display.number_text(num)}) "
                f"must be > edge {i - 1} ({_display.number_text(edges[-1])})",
                "for recency too: the edges are days, ascending",
            )
            ok = False
        edges.append(num)
    if not ok:
        return None
    if bins is not None and bins != len(edges) + 1:
        b.at_key(
            (*path, "bins"),
            "score-bins",
            f"{len(edges)} edges make {len(edges) + 1} scores, but "
            f"'scores.{dim}' says bins = {bins}",
            "drop 'bins': fixed edges decide the number of scores",
        )
        return None
    return ScoreSpec(tuple(edges), len(edges) + 1)


def _scores(
    b: _Builder, doc: Mapping[str, Any], fields: Mapping[str, FieldSpec]
) -> dict[str, ScoreSpec]:
    """Check ``[scores]``: per RFM dimension fixed edges or a quantile bin count."""
    if "scores" not in doc:
        return {}
    raw = b.table(doc["scores"], ("scores",))
    b.unknown_keys(raw, SCORES_KEYS, ("scores",))
    default = DEFAULT_BINS
    if "bins" in raw:
        default = _bins(b, raw["bins"], ("scores", "bins")) or DEFAULT_BINS
    out: dict[str, ScoreSpec] = {}
    for dim in SCORE_DIMS:
        path = ("scores", dim)
        spec = (
            _score_spec(b, raw[dim], path, default)
            if dim in raw
            else ScoreSpec(None, default)
        )
        if spec is None:
            continue
        out[dim] = spec
        field = fields.get(dim)
        if field is None:
            continue
        where = (
            path if dim in raw else ("scores", "bins") if "bins" in raw else path[:1]
        )
        what = (
            f"{len(spec.edges)} edges give {dim} scores 1..{spec.bins}"
            if spec.edges is not None
            else f"[scores] gives {dim} {spec.bins} quantile scores, 1..{spec.bins}"
        )
        if field.kind not in ("integer", "number"):
            b.at_key(
                ("fields", dim, "type"),
                "score-bins",
                f"field {dim!r} holds the {dim} score, so it must be an "
                f"integer: {what}",
                f'declare {dim} = {{ type = "integer", min = 1, '
                f"max = {spec.bins}, missing = true }}",
            )
        elif (field.min is not None and field.min != 1) or (
            field.max is not None and field.max != spec.bins
        ):
            lo = "-inf" if field.min is None else _display.number_text(field.min)
            hi = "inf" if field.max is None else _display.number_text(field.max)
            other = (
                f", or give {int(field.max) - 1} edges"
                if spec.edges is not None and field.max is not None and field.max >= 2
                else ""
            )
            b.at_key(
                where,
                "score-bins",
                f"{what}, but field {dim!r} is declared from {lo} to {hi}",
                f"declare field {dim!r} with min = 1 and max = {spec.bins}{other}",
            )
    return out
