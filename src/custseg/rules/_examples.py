"""``[[examples]]`` in rules files: given values, the expected labels.

An example is one customer: the values of some fields (``given``) and the
label the file must give them in some of its tables and segmentations
(``expect``). Examples are checked with the rest of the file (unknown names,
labels and values are diagnostics with positions) and run by
:meth:`RuleSet.run_examples`, :func:`custseg.rules.check` and ``custseg
rules test``. Each example is evaluated on its own, as a one-row table: an
aggregate such as ``mean(monetary)`` sees only that row, so an example of a
rule that reads one gives the derived value itself (``given = { m_high =
true, ... }``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from ..errors import Diagnostic
from ._expr import BOOL, _truth
from ._source import Source, echo

if TYPE_CHECKING:
    from ._model import RuleSet

__all__ = ["Example", "ExampleOutcome", "parse_examples", "run_examples"]

EXAMPLE_KEYS = ("given", "expect", "note")
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*examples[ \t]*\]\][ \t]*(#.*)?$")


@attrs.frozen
class Example:
    """One checked example of a rules file."""

    number: int  # 1-based, in file order
    note: str
    given: Mapping[str, Any]
    expect: Mapping[str, str]
    path: str
    line: int  # the [[examples]] header (or the 'examples' key)
    # output -> (line, column, end column, the line's text)
    expect_lines: Mapping[str, tuple[int, int, int, str]]
    source_line: str = ""


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
        note = f" ({self.example.note})" if self.example.note else ""
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
    """1-based lines of the ``[[examples]]`` headers, in order."""
    return [i + 1 for i, line in enumerate(source.lines) if _HEADER.match(line)]


def _key_in(
    source: Source, start: int, end: int, key: str, within: str | None = None
) -> tuple[int, int, int]:
    """(line, column, end column) of ``key =`` within lines [start, end); with
    *within* (``given`` or ``expect``), the key of that table: in
    ``within = { key = ... }``, ``within.key = ...`` or under
    ``[examples.within]``, so an ``expect`` key named like a ``given`` one is
    found where it is written. Else the first ``key =`` of the lines."""
    pattern = re.compile(r'(?<![\w."\'])("?)' + re.escape(key) + r"\1\s*=")
    stop = min(end, len(source.lines) + 1)
    if within is not None:
        table = re.compile(r"(?<![\w.\"'])" + re.escape(within) + r"\s*=\s*\{")
        dotted = re.compile(
            r"(?<![\w.\"'])"
            + re.escape(within)
            + r'\s*\.\s*("?)'
            + re.escape(key)
            + r"\1\s*="
        )
        header = re.compile(r"\s*\[\s*examples\s*\.\s*" + re.escape(within) + r"\s*\]")
        under = False  # inside [examples.within]
        for line in range(start, stop):
            text = source.line_text(line)
            if text.lstrip().startswith("["):
                under = header.match(text) is not None
                continue
            opened = table.search(text)
            m = pattern.search(text, opened.end()) if opened else dotted.search(text)
            if m is None and under:
                m = pattern.match(text, len(text) - len(text.lstrip()))
            if m:
                return line, m.start() + 1, m.end() + 1
    for line in range(start, stop):
        m = pattern.search(source.line_text(line))
        if m:
            return line, m.start() + 1, m.end() + 1
    return start, 1, len(source.line_text(start).rstrip()) + 1


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
    headers = _headers(source)
    if len(headers) != len(raw):  # an inline array: point at its key
        line = source.locate_key(("examples",))[0]
        headers = [line] * len(raw)
    bounds = [*headers[1:], len(source.lines) + 1]
    fields = rs_parts["fields"]
    derived = rs_parts["derived"]
    tables = rs_parts["tables"]
    segments = rs_parts["segments"]
    tagsets = rs_parts["tagsets"]
    out: list[Example] = []
    for i, (entry, start, end) in enumerate(zip(raw, headers, bounds, strict=True)):
        number = i + 1
        ok = True

        def at(
            key: str | tuple[str, str],
            code: str,
            message: str,
            hint: str = "",
            *,
            _start: int = start,
            _end: int = end,
            _number: int = number,
        ) -> None:
            # a key of the example, or (given|expect, key) for a key of those
            within, name = key if isinstance(key, tuple) else (None, key)
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
        values: dict[str, Any] = {}
        for name, value in given.items():
            problem = _check_given(name, value, fields, derived)
            if problem is not None:
                at(("given", name), *problem)
                ok = False
            else:
                values[name] = value
        # a given value refused is reported once: not again as "left out"
        complete = len(values) == len(given)
        names: dict[str, str] = {}
        lines: dict[str, tuple[int, int, int, str]] = {}
        pairs: list[tuple[str, Any]] = []
        for output, label in expect.items():
            if output in tagsets and isinstance(label, dict):
                # a tag set: { set = { tag = true } } or set.tag = true
                pairs += [(f"{output}.{tag}", v) for tag, v in label.items()]
            else:
                pairs.append((output, label))
        for output, label in pairs:
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
                where = _key_in(source, start, end, tag, "expect")
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
            if labels is None:
                known = [*tables, *segments]
                close = difflib.get_close_matches(output, known, n=1)
                at(
                    ("expect", output),
                    "unknown-name",
                    f"no table or segmentation named {output!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "examples check tables and segmentations: " + ", ".join(known),
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
            where = _key_in(source, start, end, output, "expect")
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


def _check_given(
    name: str, value: Any, fields: Mapping[str, Any], derived: Mapping[str, Any]
) -> tuple[str, str, str] | None:
    """(code, message, hint) when *value* cannot be given for *name*."""
    if name in fields:
        spec = fields[name]
        kind = spec.kind
        if kind in ("number", "integer"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return ("bad-value", f"{name!r} is a {kind}: got {value!r}", "")
            if not math.isfinite(value):
                return (
                    "bad-value",
                    f"{name!r} must be finite: got {value!r}",
                    "leave it out for missing",
                )
            if kind == "integer" and float(value) != int(value):
                return ("bad-value", f"{name!r} is an integer: got {value!r}", "")
            if spec.min is not None and value < spec.min:
                return (
                    "bad-value",
                    f"{name!r} = {value!r} is below its min {spec.min:g}",
                    "",
                )
            if spec.max is not None and value > spec.max:
                return (
                    "bad-value",
                    f"{name!r} = {value!r} is above its max {spec.max:g}",
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
        return None
    known = [*fields, *derived]
    close = difflib.get_close_matches(name, known, n=1)
    return (
        "unknown-name",
        f"{name!r} is not a field or derived value of the file",
        f"did you mean {close[0]!r}?" if close else "declare it under [fields]",
    )


def _needs(output: str, given: Mapping[str, Any], parts: Mapping[str, Any]) -> set[str]:
    """Declared fields *output* reads that *given* leaves out (a given derived
    value stops the walk: what it reads is not needed)."""
    reads: Mapping[str, frozenset[str]] = parts["reads"]
    fields = parts["fields"]
    seen: set[str] = set()
    found: set[str] = set()
    todo = [output]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for n in reads.get(name, frozenset()):
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
    return lo if spec.max is None else min(lo, spec.max)


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
        values, n, _ = _coerce_data(rs, data)
        for name, value in ex.given.items():
            if name in rs.derived:  # given derived values are not computed
                if isinstance(value, bool):
                    values[name] = _truth((np.array([value]), np.array([not value])), 1)
                else:
                    values[name] = np.array([float(value)])
        absent = frozenset(f for f in rs.required_fields() if f not in values)
        result = target._evaluate_env(
            Env(n, values), explain=True, index=None, absent=absent
        )
        for output, expected in ex.expect.items():
            if output not in result.labels:  # a tag: "set.tag"
                set_name, tag = output.split(".", 1)
                tags, matrix = result.tags[set_name]
                hit = bool(matrix[0, tags.index(tag)])
                rules_for = [r for r in rs.tagsets[set_name].rules if r.label == tag]
                matched = (
                    [
                        r
                        for r in rules_for
                        if bool(r.when.evaluate(Env(1, dict(values)))[0])
                    ]
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
    i = t.labels.index(label)
    lo = t.breaks[i - 1] if i > 0 else None
    hi = t.breaks[i] if i < len(t.breaks) else None
    closed_left = t.closed == "left"
    left = "" if lo is None else f"{lo:g} {'<=' if closed_left else '<'} "
    right = "" if hi is None else f" {'<' if closed_left else '<='} {hi:g}"
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
        note = f" ({ex.note})" if ex.note else ""
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
