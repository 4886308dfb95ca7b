"""``[[examples]]`` in rules files: given values, the expected labels.

An example is one customer: the values of some fields (``given``) and the
label the file must give them in some of its tables and segmentations
(``expect``). Examples are checked with the rest of the file (unknown names,
labels and values are diagnostics with positions) and run by
:meth:`RuleSet.run_examples`, :func:`custseg.rules.check` and ``custseg
rules test``. Each example is evaluated on its own, as a one-row table: an
aggregate such as ``mean(monetary)`` sees only that row, so an example of a
rule that reads one gives the derived value itself (``given = { m_high =
true, ... }``). A derived value given with values it is computed from must
be the one they give (else an error at its key): the given value is used,
so it must not describe another customer than the fields do.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from .. import _display
from ..errors import Diagnostic
from ._expr import BOOL, _truth, condition_tree
from ._frozen import FrozenMap, frozen_map, name_maps
from ._source import _HEADER as _ANY_HEADER
from ._source import Source, _blanked, _opaque_spans, _split_dotted, _unquote, echo

if TYPE_CHECKING:
    from ._model import RuleSet

__all__ = ["Example", "ExampleOutcome", "parse_examples", "run_examples"]

EXAMPLE_KEYS = ("given", "expect", "note")
# a key and its "=": bare, or quoted (escapes decoded by _unquote), not
# the second part of a dotted key nor a word inside a quoted string
_KEY_TOKEN = re.compile(
    r"""(?<![\w."'\\])("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[\w\-]+)\s*="""
)


@attrs.frozen
class Example:
    """One checked example of a rules file."""

    number: int  # 1-based, in file order
    note: str
    given: FrozenMap[str, Any] = attrs.field(converter=frozen_map)
    expect: FrozenMap[str, str] = attrs.field(converter=frozen_map)
    path: str
    line: int  # the [[examples]] header (or the 'examples' key)
    # output -> (line, column, end column, the line's text)
    expect_lines: FrozenMap[str, tuple[int, int, int, str]] = attrs.field(
        converter=frozen_map
    )
    source_line: str = ""

    def __attrs_post_init__(self) -> None:
        name_maps(self, "given", "expect", "expect_lines")


@attrs.frozen
class ExampleOutcome:
    """The result of one expectation of one example.

    Attributes
    ----------
    example
        The example (its ``number``, ``note``, ``given`` values and position).
    output
        The table or segmentation checked.
    expected, actual
        The label the example expects and the one the rules give.
    rule
        For a segmentation, the index of the deciding rule (-1: the default);
        ``None`` for a table.
    rule_text
        The deciding rule's condition (``"default"`` for the default, the
        interval for a table).
    """

    example: Example
    output: str
    expected: str
    actual: str
    rule: int | None
    rule_text: str

    @property
    def passed(self) -> bool:
        """Whether the rules give the expected label."""
        return self.expected == self.actual

    def describe(self) -> str:
        """One line for a report: which example, what was expected, what came."""
        note = _note_text(self.example.note)
        given = ", ".join(f"{k} = {_show(v)}" for k, v in self.example.given.items())
        head = f"example {self.example.number}{note}: {self.output} is {self.actual!r}"
        if self.passed:
            return head
        return (
            f"{head}, expected {self.expected!r}; decided by {self.rule_text}; "
            f"given {given or 'nothing'}"
        )


def _close(word: Any, options: Any) -> list[str]:
    """The option *word* is probably meant for (case does not count)."""
    if not isinstance(word, str):
        return []
    folded = {o.casefold(): o for o in options}
    hit = difflib.get_close_matches(word.casefold(), list(folded), n=1)
    return [folded[h] for h in hit]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------
# positions


def _headers(source: Source) -> list[int]:
    """1-based lines of the ``[[examples]]`` headers, in order: also with
    CRLF line ends, a comment, or the name quoted (``[["examples"]]``); not
    such a line inside a multi-line string (a description quoting one)."""
    out = []
    for i, line in enumerate(source.lines):
        if not source.structure[i].lstrip(" \t").startswith("[["):
            continue
        m = _ANY_HEADER.match(line)
        if m is not None and _split_dotted(m.group(1).strip()) == ("examples",):
            out.append(i + 1)
    return out


def _find_key(text: str, key: str, pos: int = 0, *, at: bool = False) -> Any:
    """The first ``key =`` in *text* from *pos* (with *at*, only one that
    starts there), the key bare or quoted as TOML allows (``"given"``,
    ``'given'``, ``"giv\\u0065n"``); None when there is none."""
    if at:
        m = _KEY_TOKEN.match(text, pos)
        return m if m is not None and _unquote(m.group(1)) == key else None
    for m in _KEY_TOKEN.finditer(text, pos):
        if _unquote(m.group(1)) == key:
            return m
    return None


def _key_in(
    source: Source, start: int, end: int, key: str, within: str | None = None
) -> tuple[int, int, int]:
    """(line, column, end column) of ``key =`` within lines [start, end); with
    *within* (``given`` or ``expect``), the key of that table: in
    ``within = { key = ... }``, ``within.key = ...`` or under
    ``[examples.within]``, so an ``expect`` key named like a ``given`` one is
    found where it is written. Else the first ``key =`` of the lines."""
    stop = min(end, len(source.lines) + 1)
    if within is not None:
        name = r"(?<![\w.\"'])([\"']?)" + re.escape(within) + r"\1"
        table = re.compile(name + r"\s*=\s*\{")
        dotted = re.compile(
            name + r"""\s*\.\s*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[\w\-]+)\s*="""
        )
        header = re.compile(r"\s*\[\s*examples\s*\.\s*" + re.escape(within) + r"\s*\]")
        under = False  # inside [examples.within]
        for line in range(start, stop):
            text = source.code_line(line)
            if text.lstrip().startswith("["):
                under = header.match(text) is not None
                continue
            opened = _outside_strings(table, text)
            m = _find_key(text, key, opened.end()) if opened else None
            if m is None and opened:  # a dotted key: expect = { t.rich = true }
                m = re.compile(r"\.\s*([\"']?)(" + re.escape(key) + r")\1\s*=").search(
                    text, opened.end()
                )
            if m is None and not opened:
                d = dotted.search(text)
                m = d if d is not None and _unquote(d.group(2)) == key else None
            if m is None and under:
                m = _find_key(text, key, len(text) - len(text.lstrip()), at=True)
            if m:
                start_col = m.start(m.lastindex or 0) + 1
                return line, start_col, m.end() + 1
    for line in range(start, stop):
        m = _find_key(source.code_line(line), key)
        if m:
            return line, m.start(1) + 1, m.end() + 1
    return start, 1, len(source.line_text(start).rstrip()) + 1


def _note_text(note: str | None) -> str:
    r"""An example's note as a message shows it: `` (the note)``, on one
    line (a note of several lines would split a ``file:line:col`` message).

    >>> _note_text("was low,\n  now mid"), _note_text(None)
    (' (was low, now mid)', '')
    """
    return f" ({' '.join(note.split())})" if note else ""


def _tag_key_in(
    source: Source, start: int, end: int, set_name: str, tag: str
) -> tuple[int, int, int]:
    """(line, column, end column) of the expectation of tag *tag* of the
    tag set *set_name* within lines [start, end): ``set.tag = ...``
    (dotted, under ``[examples.expect]`` or after ``expect.``), ``tag =``
    inside ``set = { ... }``, or under ``[examples.expect.set]``; else as
    :func:`_key_in` finds *tag* in ``expect``. A key of the same name
    elsewhere (a segmentation named like the tag) is not it."""
    stop = min(end, len(source.lines) + 1)
    part = r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[\w\-]+)"""
    dotted = re.compile(r"(?<![\w\"'])(" + part + r")\s*\.\s*(" + part + r")\s*=")
    opener = re.compile(r"(?<![\w.\"'])([\"']?)" + re.escape(set_name) + r"\1\s*=\s*\{")
    header = re.compile(
        r"\s*\[\s*examples\s*\.\s*expect\s*\.\s*([\"']?)"
        + re.escape(set_name)
        + r"\1\s*\]"
    )
    under = False
    for line in range(start, stop):
        text = source.code_line(line)
        if text.lstrip().startswith("["):
            under = header.match(text) is not None
            continue
        spans = _opaque_spans(text)
        for d in dotted.finditer(text):
            if (
                _unquote(d.group(1)) == set_name
                and _unquote(d.group(2)) == tag
                and not any(a < d.start() < b for a, b in spans)
            ):
                return line, d.start(2) + 1, d.end() + 1
        opened = _outside_strings(opener, text)
        m = _find_key(text, tag, opened.end()) if opened else None
        if m is None and under:
            m = _find_key(text, tag, len(text) - len(text.lstrip()), at=True)
        if m is not None:
            return line, m.start(1) + 1, m.end() + 1
    return _key_in(source, start, end, tag, "expect")


def _outside_strings(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of *pattern* in *text* that does not start inside a
    string or comment (a note reading ``"... expect = { ..."`` is text); a
    quoted key (a string that starts where the match does) counts."""
    spans = _opaque_spans(text)
    for m in pattern.finditer(text):
        if not any(
            a < m.start() < b or (a == m.start() and text[a] == "#") for a, b in spans
        ):
            return m
    return None


def _inline_lines(
    source: Source, line: int, count: int
) -> list[tuple[int, int]] | None:
    """(first line, line after the last) of each table of an inline array
    ``examples = [{...}, {...}]`` whose key is on *line*; None when the
    tables found are not *count* (the array is then pointed at as a whole)."""
    text = "\n".join(source.lines[line - 1 :])
    blank = _blanked(text)
    eq = blank.find("=")
    if eq < 0:
        return None
    out: list[tuple[int, int]] = []
    depth, start = 0, -1
    for pos in range(eq + 1, len(blank)):
        ch = blank[pos]
        if ch in "[{":
            depth += 1
            if ch == "{" and depth == 2:
                start = pos
        elif ch in "]}":
            depth -= 1
            if ch == "}" and depth == 1 and start >= 0:
                first = line + blank.count("\n", 0, start)
                last = line + blank.count("\n", 0, pos)
                out.append((first, last + 1))
                start = -1
            if depth <= 0:
                break
    return out if len(out) == count else None


# --------------------------------------------------------------------------
# checking


def parse_examples(
    b: Any, doc: Mapping[str, Any], rs_parts: Mapping[str, Any]
) -> list[Example]:
    """Check ``doc["examples"]`` against the file's fields and outputs.

    *b* is the builder (diagnostics go to ``b.add``); *rs_parts* holds
    ``fields``, ``derived``, ``tables``, ``segments`` and ``reads`` (what
    each derived value and output reads, one level deep).
    """
    raw = doc.get("examples")
    if raw is None:
        return []
    source: Source = b._src(("examples",))
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        b.at_key(
            ("examples",),
            "bad-value",
            "'examples' must be an array of tables",
            "write each example under its own [[examples]] header",
        )
        return []
    if not raw:  # examples = []: none
        return []
    headers = _headers(source)
    bounds = [*headers[1:], len(source.lines) + 1]
    if len(headers) != len(raw):  # an inline array: each of its tables
        line = source.locate_key(("examples",))[0]
        spans = _inline_lines(source, line, len(raw))
        headers = [a for a, _ in spans] if spans else [line] * len(raw)
        bounds = [b for _, b in spans] if spans else [len(source.lines) + 1] * len(raw)
    fields = rs_parts["fields"]
    derived = rs_parts["derived"]
    tables = rs_parts["tables"]
    segments = rs_parts["segments"]
    tagsets = rs_parts["tagsets"]
    refused_inputs = rs_parts.get("refused_inputs", set())
    refused_outputs = rs_parts.get("refused_outputs", set())
    out: list[Example] = []
    for i, (entry, start, end) in enumerate(zip(raw, headers, bounds, strict=True)):
        number = i + 1
        ok = True
        # (given|expect, name as the rules read it) -> the key as written
        spelled: dict[tuple[str | None, str], str] = {}

        def at(
            key: str | tuple[str, str],
            code: str,
            message: str,
            hint: str = "",
            *,
            _start: int = start,
            _end: int = end,
            _number: int = number,
            _spelled: dict[tuple[str | None, str], str] = spelled,
            written: bool = False,
        ) -> None:
            # a key of the example, or (given|expect, key) for a key of those
            # (a name as the rules read it, unless *written*)
            within, name = key if isinstance(key, tuple) else (None, key)
            if not written:
                name = _spelled.get((within, name), name)
            line, col, stop = (
                _key_in(source, _start, _end, name, within)
                if name
                else (_start, 1, len(source.line_text(_start).rstrip()) + 1)
            )
            b.add(
                Diagnostic(
                    source.path,
                    line,
                    col,
                    stop,
                    "error",
                    code,
                    f"example {_number}: {message}",
                    hint,
                    echo(source.line_text(line), stop),
                )
            )

        for key in entry:
            if key not in EXAMPLE_KEYS:
                close = difflib.get_close_matches(key, EXAMPLE_KEYS, n=1)
                at(
                    key,
                    "unknown-key",
                    f"unknown key {key!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "the keys are given, expect and note",
                )
                ok = False
        note = entry.get("note", "")
        if not isinstance(note, str):
            at("note", "bad-value", "'note' must be text")
            note = ""
        given = entry.get("given", {})
        expect = entry.get("expect")
        if not isinstance(given, dict):
            at("given", "bad-value", "'given' must be a table of field values")
            continue
        if not isinstance(expect, dict) or not expect:
            at(
                "expect" if "expect" in entry else "",
                "missing-key" if "expect" not in entry else "bad-value",
                "needs 'expect', a table of output = expected label",
                'e.g. expect = { lifecycle = "active" }',
            )
            continue
        # names NFKC-normalised, as declared names are: "ｍ" is the field m
        given, ok = _read_names(given, "given", spelled, at, ok)
        expect, ok = _read_names(expect, "expect", spelled, at, ok)
        values: dict[str, Any] = {}
        unchecked = False  # a given name refused with an error of its own
        for name, value in given.items():
            if name in refused_inputs and name not in fields and name not in derived:
                unchecked = True
                continue
            problem = _check_given(name, value, fields, derived)
            if problem is not None:
                at(("given", name), *problem)
                ok = False
            else:
                values[name] = value
        # a given value refused is reported once: not again as "left out"
        complete = len(values) == len(given) and not unchecked
        if complete:
            ok = _contradictions(values, rs_parts, at) and ok
            ok = _score_contradictions(values, rs_parts, at) and ok
            ok = _span_contradictions(values, rs_parts, at) and ok
        names: dict[str, str] = {}
        lines: dict[str, tuple[int, int, int, str]] = {}
        pairs: list[tuple[str, Any]] = []
        for output, label in expect.items():
            if output in tagsets and isinstance(label, dict):
                # a tag set: { set = { tag = true } } or set.tag = true
                if not label:  # checks nothing: never a test that passes
                    tags = tagsets[output].tags
                    at(
                        ("expect", output),
                        "bad-value",
                        f"the expectation of tag set {output!r} names no tag, so "
                        "it checks nothing",
                        f"write {output} = {{ {tags[0] if tags else 'tag'} = true }}",
                    )
                    ok = False
                    continue
                pairs += [(f"{output}.{tag}", v) for tag, v in label.items()]
            else:
                pairs.append((output, label))
        for output, label in pairs:
            if output.split(".", 1)[0] in refused_outputs:
                # an output with errors of its own (reported there) is not
                # checked: "no table or segmentation named" would be false
                ok = False
                continue
            if "." in output and output.split(".", 1)[0] in tagsets:
                set_name, tag = output.split(".", 1)
                if tag not in tagsets[set_name].tags:
                    close = _close(tag, tagsets[set_name].tags)
                    at(
                        ("expect", tag),
                        "unknown-label",
                        f"{tag!r} is not a tag of {set_name!r}",
                        f"did you mean {close[0]!r}?"
                        if close
                        else "its tags are "
                        + ", ".join(map(repr, tagsets[set_name].tags)),
                    )
                    ok = False
                    continue
                if not isinstance(label, bool):
                    at(
                        ("expect", tag),
                        "bad-value",
                        f"a tag is true or false: {output} = {label!r}",
                    )
                    ok = False
                    continue
                names[output] = "true" if label else "false"
                where = _tag_key_in(
                    source, start, end, spelled.get(("expect", set_name), set_name), tag
                )
                lines[output] = (*where, source.line_text(where[0]))
                if complete:
                    ok = _complete(output, values, rs_parts, at, ("expect", tag)) and ok
                continue
            labels = (
                tables[output].names
                if output in tables
                else segments[output].names
                if output in segments
                else None
            )
            if labels is None and output in tagsets:
                tags = tagsets[output].tags
                if label in tags:  # the tag meant: first in the hint
                    tags = (label, *(t for t in tags if t != label))
                at(
                    ("expect", output),
                    "bad-value",
                    f"{output!r} is a tag set: its tags are expected true or "
                    f"false, not as one label ({output} = {label!r})",
                    f"write {output} = {{ {tags[0]} = true }}"
                    if tags
                    else f"write {output} = {{ tag = true }}",
                )
                ok = False
                continue
            if labels is None:
                known = [*tables, *segments, *tagsets]
                known += sorted(refused_outputs - set(known))
                close = difflib.get_close_matches(output, known, n=1)
                at(
                    ("expect", output),
                    "unknown-name",
                    f"no table or segmentation named {output!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "examples check tables, segmentations and tag sets: "
                    + ", ".join(known)
                    if known
                    else "examples check tables, segmentations and tag sets; "
                    "the file has none",
                )
                ok = False
                continue
            if not isinstance(label, str) or label not in labels:
                close = _close(label, labels)
                at(
                    ("expect", output),
                    "unknown-label",
                    f"{label!r} is not a label of {output!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "its labels are "
                    + ", ".join(map(repr, labels))
                    + " (the names of the file, not their translations)",
                )
                ok = False
                continue
            names[output] = label
            where = _key_in(
                source, start, end, spelled.get(("expect", output), output), "expect"
            )
            lines[output] = (*where, source.line_text(where[0]))
            if complete:
                ok = _complete(output, values, rs_parts, at, ("expect", output)) and ok
        if ok:
            out.append(
                Example(
                    number,
                    note,
                    values,
                    names,
                    source.path,
                    start,
                    lines,
                    source.line_text(start),
                )
            )
    return out


def _read_names(
    table: Mapping[str, Any],
    within: str,
    spelled: dict[tuple[str | None, str], str],
    at: Any,
    ok: bool,
) -> tuple[dict[str, Any], bool]:
    """*table* (``given`` or ``expect``) by its keys NFKC-normalised, as the
    rules read the names they declare (a field declared ``"ｍ"`` is ``m``,
    and so is a key ``"ｍ"`` of ``given``), with the written spelling of each
    key that changed in *spelled* (diagnostics point at it). Two keys that
    read as one name are a ``duplicate-name`` error at the second."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = unicodedata.normalize("NFKC", key) if not key.isascii() else key
        if name in out:
            first = spelled.get((within, name), name)
            at(
                (within, key),
                "duplicate-name",
                f"{key!r} is the name {name!r}, already in {within} as {first!r}"
                if key != name
                else f"{key!r} is already in {within}, as {first!r}",
                "full-width letters and digits read as plain ones (NFKC): give it once",
                written=True,
            )
            ok = False
            continue
        if name != key:
            spelled[(within, name)] = key
        out[name] = value
    return out, ok


def _complete(
    output: str,
    values: Mapping[str, Any],
    rs_parts: Mapping[str, Any],
    at: Any,
    key: tuple[str, str],
) -> bool:
    """Whether the example gives every field *output* reads that may not be
    left out (each one missing is a diagnostic at *key*)."""
    fields = rs_parts["fields"]
    ok = True
    for field in sorted(_needs(output, values, rs_parts)):
        spec = fields[field]
        if spec.optional and not spec.missing:
            at(
                key,
                "example-incomplete",
                f"expects {output!r} but leaves out {field!r}, an optional field "
                f"{output!r} reads: without it {output!r} is not computed",
                f"give {field} in 'given'",
            )
            ok = False
        elif not spec.missing:
            at(
                key,
                "example-incomplete",
                f"leaves out {field!r}, which {output!r} reads and which may not "
                "be missing",
                f"give {field} in 'given' (a field left out is missing)",
            )
            ok = False
    return ok


def _contradictions(
    values: Mapping[str, Any], parts: Mapping[str, Any], at: Any
) -> bool:
    """Whether each derived value the example gives agrees with the values
    it is computed from that the example also gives (each one that does not
    is an error at the derived value's key).

    A derived value is computed as a run would compute it were it not given:
    from the given values it reads (directly or through other derived values
    and outputs; a given derived value stops the walk), a field left out
    being missing when it may be. A field left out that may not be missing,
    and an aggregate (an example is one row: ``mean(x)`` would be ``x``),
    are unknown: the given value is then checked only where the rest decides
    the derived value whatever they are (``r >= 3 and m_high`` is false for
    ``r = 1``). Only the derived value given, nothing it reads: it is taken
    as given, as the docs recommend for aggregates.
    """
    derived = parts["derived"]
    ok = True
    for name, value in values.items():
        if name not in derived:
            continue
        problem = _contradiction(name, value, values, parts)
        if problem is not None:
            at(("given", name), "bad-value", *problem)
            ok = False
    return ok


# the RFM scores custseg computes from the facts before the rules run:
# (score, the fact it scores, whether a higher fact scores higher)
_SCORED = (
    ("r", "recency_days", False),
    ("f", "frequency", True),
    ("m", "monetary", True),
)


def _score_range(score: int, edges: tuple[float, ...], higher: bool) -> str:
    """The values of the fact that get *score* with fixed *edges*, as text.

    >>> _score_range(5, (30.0, 90.0, 180.0, 270.0), False)
    'below 30'
    >>> _score_range(2, (30.0, 90.0, 180.0, 270.0), False)
    'from 180 to below 270'
    >>> _score_range(1, (30.0, 90.0), True), _score_range(3, (30.0, 90.0), True)
    ('at most 30', 'above 90')
    """
    fmt = _display.number_text
    n = len(edges)
    if not higher:  # score = 1 + #{edges the value is below}
        lo = edges[n - score] if n - score >= 0 else None
        hi = edges[n - score + 1] if n - score + 1 <= n - 1 else None
        if lo is None:
            return f"below {fmt(hi)}"
        return (
            f"at least {fmt(lo)}"
            if hi is None
            else f"from {fmt(lo)} to below {fmt(hi)}"
        )
    # score = 1 + #{edges below the value}
    lo = edges[score - 2] if score >= 2 else None
    hi = edges[score - 1] if score - 1 <= n - 1 else None
    if lo is None:
        return f"at most {fmt(hi)}"
    return (
        f"above {fmt(lo)}" if hi is None else f"above {fmt(lo)} and at most {fmt(hi)}"
    )


def _score_contradictions(
    values: Mapping[str, Any], parts: Mapping[str, Any], at: Any
) -> bool:
    """Whether each RFM score the example gives (``r``, ``f``, ``m``) is the
    score the file's fixed ``[scores]`` edges give the fact it also gives
    (``recency_days``, ``frequency``, ``monetary``); each one that is not is
    an error at the score's key. A run computes the scores from the facts
    with those edges, so such an example describes a customer no run can
    produce (``recency_days = 1`` with ``r = 2``: one day ago is ``r = 5``
    with the ecommerce edges). Quantile scores depend on the other customers
    and are not checked.
    """
    from ..rfm import ScoreEdges, score

    scores = parts.get("scores") or {}
    fields = parts["fields"]
    ok = True
    for key, fact, higher in _SCORED:
        spec = scores.get(key)
        if (
            spec is None
            or spec.edges is None
            or key not in values
            or fact not in values
            or key not in fields
            or fact not in fields
        ):
            continue
        given = values[key]
        want = int(
            score([values[fact]], ScoreEdges(spec.edges), higher_is_better=higher)[0]
        )
        if given == want:
            continue
        fmt = _display.number_text
        edges = ", ".join(fmt(e) for e in spec.edges)
        hint = f"give {key} = {want}"
        if (
            isinstance(given, int | float)
            and given == int(given)
            and 1 <= given <= spec.bins
        ):
            hint += (
                f", or a {fact} that scores {fmt(given)} "
                f"({_score_range(int(given), spec.edges, higher)})"
            )
        at(
            ("given", key),
            "bad-value",
            f"{key} = {fmt(given)} is not the score of {fact} = "
            f"{fmt(values[fact])}: the [scores] {key} edges ({edges}) give "
            f"{key} = {want}, so no run has this customer",
            hint,
        )
        ok = False
    return ok


def _span_contradictions(
    values: Mapping[str, Any], parts: Mapping[str, Any], at: Any
) -> bool:
    """Whether the example's ``tenure_days`` (days since the first purchase)
    is at least its ``recency_days`` (days since the last) when it gives
    both; one below is an error at ``tenure_days``: a first purchase after
    the last is no customer a run gives, and ``customer_status`` refuses it.
    """
    fields = parts["fields"]
    first, last = "tenure_days", "recency_days"
    if first not in fields or last not in fields:
        return True
    if fields[first].kind not in ("number", "integer") or fields[last].kind not in (
        "number",
        "integer",
    ):
        return True
    t, r = values.get(first), values.get(last)
    if not isinstance(t, int | float) or not isinstance(r, int | float):
        return True  # left out or missing: nothing to compare
    if isinstance(t, bool) or isinstance(r, bool) or not t < r:
        return True
    fmt = _display.number_text
    at(
        ("given", first),
        "bad-value",
        f"{first} = {fmt(t)} is below {last} = {fmt(r)}: the first purchase "
        "would be after the last, so no run has this customer",
        f"give a {first} of at least {fmt(r)} (one purchase: {first} = {last})",
    )
    return False


def _calls_missing(text: str) -> bool:
    """Whether a derived value calls ``missing(...)``, read as the compiler
    reads it (``ｍｉｓｓｉｎｇ(r)`` and ``(missing)(r)`` too); a text that does
    not parse is taken to call it (the example is then not decided here).

    >>> _calls_missing("ｍｉｓｓｉｎｇ(r) or x > 1"), _calls_missing("x > 1")
    (True, False)
    """
    tree = condition_tree(text)
    if tree is None:
        return True
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id == "missing"
        for n in ast.walk(tree)
    )


def _contradiction(
    name: str, value: Any, values: Mapping[str, Any], parts: Mapping[str, Any]
) -> tuple[str, str] | None:
    """(message, hint) when the given derived value *name* = *value* is not
    the one the other given *values* compute; None when it is or when they
    do not decide it."""
    from ._expr import Env, check_expr
    from ._model import _coerce_field, _segment_codes, table_codes

    fields = parts["fields"]
    derived = parts["derived"]
    tables = parts["tables"]
    segments = parts["segments"]
    reads: Mapping[str, frozenset[str]] = parts["reads"]
    # the walk: what the run would compute for *name* reads, down to values
    # the example gives (inputs), fields it leaves out and constants
    inputs: set[str] = set()
    left_out: set[str] = set()
    computed: list[str] = []
    todo = [name]
    while todo:
        n = todo.pop()
        if n in computed:
            continue
        computed.append(n)
        for r in reads.get(n, frozenset()):
            if r in values and r != name:
                inputs.add(r)
            elif r in fields:
                left_out.add(r)
            elif r in derived or r in tables or r in segments:
                todo.append(r)
    if not inputs:  # only the derived value is given: taken as given
        return None
    unknown = sorted(f for f in left_out if not fields[f].missing)
    aggregates = any(
        derived[n].expr.aggregates
        if n in derived
        else any(r.when.aggregates for r in segments[n].rules)
        if n in segments
        else False
        for n in computed
    )
    exact = not unknown and not aggregates
    if not exact:
        # unknowns: derived values only, compiled anew with every field
        # nullable so that an unknown value is UNKNOWN (not FALSE) in a
        # comparison; missing(x) of an unknown would say true: not decided
        if any(n not in derived for n in computed) or any(
            _calls_missing(derived[n].expr.text) for n in computed
        ):
            return None
        symbols = {
            k: attrs.evolve(sym, may_be_missing=True) if k in fields else sym
            for k, sym in parts["symbols"].items()
        }
        exprs: dict[str, Any] = {}
        for n in computed:
            compiled, _ = check_expr(derived[n].expr.text, symbols, want=None)
            if compiled is None:  # pragma: no cover - it compiled as it is
                return None
            exprs[n] = compiled
    else:
        exprs = {n: derived[n].expr for n in computed if n in derived}
    env_values: dict[str, Any] = {}
    for f in (*sorted(inputs), *sorted(left_out)):
        if f in derived:  # given, as the run takes it
            env_values[f] = _given_array(values[f])
        elif f in values:
            env_values[f] = _coerce_field(fields[f], [values[f]])[0]
        elif fields[f].missing:
            env_values[f] = _coerce_field(fields[f], [_filler(fields[f])])[0]
        else:  # unknown
            kind = fields[f].kind
            env_values[f] = (
                _truth((np.array([False]), np.array([False])), 1)
                if kind == "bool"
                else np.array([-1])
                if kind == "category"
                else np.array([math.nan])
            )
    keys = {k for e in exprs.values() for k in e.aggregate_keys}

    def resolve(n: str) -> Any:
        if n in exprs:
            return exprs[n].evaluate(env)
        if n in tables:
            t = tables[n]
            x = np.asarray(env.compared(t.field), dtype=np.float64)
            return table_codes(t, x, env)
        return _segment_codes(segments[n], env, False)[0]

    # an aggregate over one row is unknown (not the row's own value)
    env = Env(1, env_values, resolve, fixed=dict.fromkeys(keys, math.nan) or None)
    # what *name* reads first, each before what reads it (as a run computes
    # them): a lazy read would recurse once per value of a long chain; the
    # Env computes each on its first read and keeps it
    for n in _dependency_order(name, computed, reads, env_values):
        env.values[n]
    result = env.values[name]
    if derived[name].expr.type == BOOL:
        true, false = np.asarray(result), getattr(result, "false", None)
        known = bool(true[0]) or false is None or bool(false[0])
        got: Any = bool(true[0])
    else:
        got = float(np.asarray(result, dtype=np.float64)[0])
        known = not math.isnan(got)
    if known and got == value:
        return None
    if not known and not exact:  # the unknowns decide it
        return None
    shown = [f"{i} = {_show(values[i])}" for i in values if i in inputs]
    if exact:
        shown += [f"{f} missing" for f in sorted(left_out) if f not in values]
    listed = ", ".join(shown[:-1]) + " and " * (len(shown) > 1) + shown[-1]
    verb = "gives" if len(shown) == 1 else "give"
    outcome = (
        f"{verb} {name} = {_show(got)}"
        if known
        else f"leave{'s' * (len(shown) == 1)} {name} "
        + ("unknown" if isinstance(value, bool) else "missing")
    )
    return (
        f"{name} = {_show(value)} is given, but {listed} {outcome}: give one "
        "or the other",
        f"a given {name} is taken as given, the values it is computed from "
        f"ignored: leave {name} out to have it computed, or fix the values",
    )


def _dependency_order(
    name: str,
    computed: Sequence[str],
    reads: Mapping[str, frozenset[str]],
    known: Mapping[str, Any],
) -> list[str]:
    """*computed* (what *name* reads, *name* first) ordered so that each one
    comes after the ones it reads, skipping the *known* values: an
    iterative depth-first walk, so a chain of any length is ordered without
    recursion.

    >>> reads = {"c": frozenset({"b", "x"}), "b": frozenset({"a"}), "a": frozenset()}
    >>> _dependency_order("c", ["c", "b", "a"], reads, {"x": 1})
    ['a', 'b', 'c']
    """
    wanted = set(computed) - set(known)
    order: list[str] = []
    placed: set[str] = set()
    stack: list[tuple[str, bool]] = [(name, False)]
    while stack:
        n, expanded = stack.pop()
        if n in placed:
            continue
        if expanded:
            placed.add(n)
            order.append(n)
            continue
        stack.append((n, True))
        stack.extend(
            (r, False)
            for r in sorted(reads.get(n, frozenset()))
            if r in wanted and r not in placed and r != name
        )
    return order


def _given_array(value: Any) -> Any:
    """A given derived value as the evaluation holds it."""
    if isinstance(value, bool):
        return _truth((np.array([value]), np.array([not value])), 1)
    return np.array([float(value)])


def _check_given(
    name: str, value: Any, fields: Mapping[str, Any], derived: Mapping[str, Any]
) -> tuple[str, str, str] | None:
    """(code, message, hint) when *value* cannot be given for *name*."""
    if name in fields:
        spec = fields[name]
        kind = spec.kind
        if kind in ("number", "integer"):
            article = "an" if kind == "integer" else "a"
            if isinstance(value, bool) or not isinstance(value, int | float):
                return ("bad-value", f"{name!r} is {article} {kind}: got {value!r}", "")
            if not math.isfinite(value):
                return (
                    "bad-value",
                    f"{name!r} must be finite: got {value!r}",
                    "leave it out for missing",
                )
            if isinstance(value, int) and abs(value) > 2**53:
                # evaluated as float64, it would be another number
                return (
                    "bad-value",
                    f"{name!r} = {value} is beyond 2**53, where numbers are "
                    "no longer exact",
                    "give a value of at most 9007199254740992 in size",
                )
            if kind == "integer" and float(value) != int(value):
                return ("bad-value", f"{name!r} is an integer: got {value!r}", "")
            if spec.min is not None and value < spec.min:
                return (
                    "bad-value",
                    f"{name!r} = {value!r} is below its min {_display.number_text(spec.min)}",
                    "",
                )
            if spec.max is not None and value > spec.max:
                return (
                    "bad-value",
                    f"{name!r} = {value!r} is above its max {_display.number_text(spec.max)}",
                    "",
                )
            return None
        if kind == "category":
            if not isinstance(value, str) or value not in spec.values:
                close = _close(value, spec.values)
                return (
                    "unknown-label",
                    f"{value!r} is not a value of {name!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "its values are " + ", ".join(map(repr, spec.values)),
                )
            return None
        if not isinstance(value, bool):
            return ("bad-value", f"{name!r} is true or false: got {value!r}", "")
        return None
    if name in derived:
        want_bool = derived[name].expr.type == BOOL
        if want_bool and not isinstance(value, bool):
            return (
                "bad-value",
                f"{name!r} is a condition: give true or false, got {value!r}",
                "",
            )
        if not want_bool and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            return ("bad-value", f"{name!r} is a number: got {value!r}", "")
        const = derived[name].expr.const
        if const is not None and value != const:
            # a number constant is read as a parameter: a given value of it
            # would be ignored, not taken as given
            return (
                "bad-value",
                f"{name!r} is the constant {_display.number_text(const)}: it "
                f"cannot be given as {value!r}",
                f"leave {name} out, or change it under [derived] (an example "
                "tests the file's values)",
            )
        return None
    known = [*fields, *derived]
    close = difflib.get_close_matches(name, known, n=1)
    return (
        "unknown-name",
        f"{name!r} is not a field or derived value of the file",
        f"did you mean {close[0]!r}?" if close else "declare it under [fields]",
    )


def _a_number(value: Any) -> bool:
    """Whether *value* (a given value) is a number that is not missing."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not math.isnan(value)
    )


def _needs(output: str, given: Mapping[str, Any], parts: Mapping[str, Any]) -> set[str]:
    """Declared fields *output* reads that *given* leaves out (a given derived
    value stops the walk: what it reads is not needed)."""
    reads: Mapping[str, frozenset[str]] = parts["reads"]
    fields = parts["fields"]
    tables = parts.get("tables", {})
    seen: set[str] = set()
    found: set[str] = set()
    todo = [output]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        names = reads.get(name, frozenset())
        t = tables.get(name)
        if t is not None and t.missing_rules and _a_number(given.get(t.field)):
            # the field given: its missing_rules (what they read) never apply
            names = frozenset((t.field,))
        for n in names:
            if n in given:
                continue
            if n in fields:
                found.add(n)
            else:
                todo.append(n)
    return found


# --------------------------------------------------------------------------
# running


def _filler(spec: Any) -> Any:
    """An in-domain value for a field no expected output reads."""
    if spec.missing:
        return None if spec.kind in ("category", "bool") else math.nan
    if spec.kind == "category":
        return spec.values[0]
    if spec.kind == "bool":
        return False
    lo = spec.min if spec.min is not None else 0.0
    hi = spec.max
    if spec.kind == "integer":  # a whole number within fractional bounds
        lo = math.ceil(lo)
        hi = None if hi is None else math.floor(hi)
    return lo if hi is None else min(lo, hi)


def run_examples(
    rs: RuleSet, examples: Sequence[Example] | None = None
) -> list[ExampleOutcome]:
    """Evaluate each example of *rs* (or only *examples*) on its own; one
    outcome per expectation."""
    from ._expr import Env
    from ._model import _coerce_data

    outcomes: list[ExampleOutcome] = []
    # tabulated segmentations read fields, not derived values an example gives
    plain = attrs.evolve(rs, lookups={}, skip=frozenset())
    for ex in rs.examples if examples is None else examples:
        gives_derived = any(name in rs.derived for name in ex.given)
        target = plain if gives_derived else rs
        data: dict[str, list[Any]] = {}
        for name, spec in rs.fields.items():
            if name in ex.given:
                data[name] = [ex.given[name]]
            elif spec.missing or not spec.optional:  # left out: missing if it may be
                data[name] = [_filler(spec)]
        # a tenure below the recency is refused only where the example gives
        # both (a filler is no fact)
        both = "recency_days" in ex.given and "tenure_days" in ex.given
        values, n, _, sides, ints = _coerce_data(rs, data, refuse=both)
        for name, value in ex.given.items():
            if name in rs.derived:  # given derived values are not computed
                values[name] = _given_array(value)
                sides.pop(name, None)
                ints.pop(name, None)
        absent = frozenset(f for f in rs.required_fields() if f not in values)
        env = Env(
            n, values, sides=sides, ints=ints
        )  # holds the derived values and outputs after
        result = target._evaluate_env(env, explain=True, index=None, absent=absent)
        for output, expected in ex.expect.items():
            if output not in result.labels:  # a tag: "set.tag"
                set_name, tag = output.split(".", 1)
                tags, matrix = result.tags[set_name]
                hit = bool(matrix[0, tags.index(tag)])
                rules_for = [r for r in rs.tagsets[set_name].rules if r.label == tag]
                matched = (
                    [r for r in rules_for if bool(r.when.evaluate(env)[0])]
                    if hit
                    else []
                )
                text = (
                    f"tag {output} set by when = {matched[0].when.text!r} (line {matched[0].line})"
                    if matched
                    else f"tag {output}: no rule for it matched"
                )
                outcomes.append(
                    ExampleOutcome(
                        ex, output, expected, "true" if hit else "false", None, text
                    )
                )
                continue
            actual = result.labels[output].to_numpy()[0]
            if output in rs.segments:
                seg = rs.segments[output]
                idx = int(result.explain[output][0])
                if idx >= 0:
                    r = seg.rules[idx]
                    where = f"line {r.line}" + (
                        f" of {r.path}" if r.path and r.path != ex.path else ""
                    )
                    text = (
                        f"rule {idx + 1} of {output} (when = {r.when.text!r}, {where})"
                    )
                else:
                    text = f"the default of {output} (no rule matched)"
                rule: int | None = idx
            else:
                t = rs.tables[output]
                rule = None
                text = _interval(t, str(actual))
            outcomes.append(
                ExampleOutcome(ex, output, expected, str(actual), rule, text)
            )
    return outcomes


def _interval(t: Any, label: str) -> str:
    if label == t.missing:
        return f"table {t.name}: {t.field} is missing"
    for rule in t.missing_rules:
        if rule.label == label:
            return f"table {t.name}: {t.field} is missing and {rule.when.text}"
    i = t.labels.index(label)
    lo = t.breaks[i - 1] if i > 0 else None
    hi = t.breaks[i] if i < len(t.breaks) else None
    closed_left = t.closed == "left"
    left = (
        ""
        if lo is None
        else f"{_display.number_text(lo)} {'<=' if closed_left else '<'} "
    )
    right = (
        ""
        if hi is None
        else f" {'<' if closed_left else '<='} {_display.number_text(hi)}"
    )
    return f"table {t.name}: {left}{t.field}{right}"


def failures(outcomes: list[ExampleOutcome]) -> list[Diagnostic]:
    """An ``example-failed`` error per failed expectation, at its line."""
    out: list[Diagnostic] = []
    for o in outcomes:
        if o.passed:
            continue
        ex = o.example
        line, col, end, text = ex.expect_lines.get(
            o.output, (ex.line, 1, 2, ex.source_line)
        )
        note = _note_text(ex.note)
        given = ", ".join(f"{k} = {_show(v)}" for k, v in ex.given.items())
        out.append(
            Diagnostic(
                ex.path,
                line,
                col,
                end,
                "error",
                "example-failed",
                f"example {ex.number}{note}: {o.output} is {o.actual!r}, expected "
                f"{o.expected!r}",
                f"decided by {o.rule_text}; given {given or 'nothing'}",
                echo(text, end),
            )
        )
    return out
