"""The rules DSL: thresholds and named segments as checked TOML files.

A rules file declares its input fields, parameters, interval tables
(lifecycle windows, care phases), ordered segment rule lists (first match
wins, a required default) and tag sets (every matching tag). Conditions are
strings in a small subset of Python expression syntax, checked against an
allow-list and compiled to NumPy closures: a rules file can never run code.

>>> from custseg import rules
>>> rs = rules.loads('''
... format = 1
... [fields]
... recency_days = { type = "number", min = 0, missing = true }
... monetary = { type = "number" }
... [tables.stage]
... field = "recency_days"
... breaks = [90, 180]
... labels = ["active", "silent", "lost"]
... missing = "no_purchase"
... [segments.value]
... default = "regular"
... rules = [{ label = "vip", when = "monetary >= 1000 and stage == 'active'" }]
... ''')
>>> out = rs.evaluate({"recency_days": [10, 200, float("nan")],
...                    "monetary": [5000, 5000, 0]})
>>> out["stage"].to_numpy().tolist(), out["value"].to_numpy().tolist()
(['active', 'lost', 'no_purchase'], ['vip', 'regular', 'regular'])
"""

from __future__ import annotations

import difflib
import functools
import os
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from ..errors import Diagnostic, RulesError
from ..playbook import LABEL_KEYS as PLAYBOOK_KEYS
from ._analysis import analyse_all, unused_entries
from ._examples import failures as example_failures
from ._frozen import FrozenMap, name_maps
from ._model import (
    _SECTION_KIND,
    ENTRY_KEYS,
    MAX_DIAGNOSTICS,
    MAX_TEXT,
    TOP_KEYS,
    RuleSet,
    RulesResult,
    ScoreSpec,
    TooManyDiagnostics,
    build,
    overridden_keys,
    parse_toml,
)
from ._source import Source, decode, echo

__all__ = [
    "Diagnostic",
    "RuleSet",
    "RulesError",
    "RulesResult",
    "ScoreSpec",
    "check",
    "load",
    "loads",
    "preset",
    "preset_text",
    "presets",
]

_PRESET_PREFIX = "preset:"
_META = ("format", "name", "description", "translations", "extends")


def presets(lang: str | None = None) -> dict[str, str]:
    """The presets shipped with custseg: name -> one-line description.

    Parameters
    ----------
    lang
        ``"zh"`` for the descriptions in Chinese (each preset's
        ``translations.zh.description``); None or ``"en"``: as written.

    Returns
    -------
    dict of str to str
        Preset name -> its ``description``, sorted by name. A name is what
        :func:`preset`, :func:`load`, ``extends = "..."`` in a rules file,
        ``segment(..., preset=...)`` and ``custseg --preset`` take.

    See Also
    --------
    preset : compile a preset by name.
    preset_text : the TOML text of a preset, to copy and edit.

    Examples
    --------
    >>> from custseg import rules
    >>> names = rules.presets()
    >>> list(names)
    ['base', 'beauty_salon', 'department_store', 'ecommerce', 'furniture', 'mother_baby', 'restaurant', 'travel']
    >>> names["restaurant"]
    'Restaurant: lifecycle 30/60/90/180 days, recency scores 14/30/60/90 days, ...'
    >>> rules.presets(lang="zh")["restaurant"]
    '餐厅：生命周期 30/60/90/180 天，...'
    >>> rules.preset("restaurant").tables["lifecycle"].breaks
    (30.0, 60.0, 90.0, 180.0)
    """
    if lang is not None and lang not in ("en", "zh"):
        raise RulesError(
            [
                Diagnostic(
                    "<argument>",
                    1,
                    1,
                    2,
                    "error",
                    "argument",
                    f"'lang' must be 'en' or 'zh': got {lang!r}",
                    "the presets' descriptions are in English and Chinese",
                )
            ]
        )
    out: dict[str, str] = {}
    folder = resources.files(__package__).joinpath("presets")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            doc = tomllib.loads(entry.read_text(encoding="utf-8"))
            text = str(doc.get("description", ""))
            if lang not in (None, "en"):
                text = str(
                    doc.get("translations", {}).get(lang, {}).get("description", text)
                )
            out[entry.name[:-5]] = text
    return out


def preset_text(name: str) -> str:
    """The TOML text of a shipped preset.

    Raises :class:`RulesError` (code ``unknown-preset``) for an unknown name,
    and (code ``argument``) for a name that is not a string.

    Parameters
    ----------
    name
        A key of :func:`presets`, e.g. ``"ecommerce"``.

    Returns
    -------
    str
        The preset's TOML text, as ``custseg presets NAME`` prints it: a
        starting point for a file of one's own.

    Examples
    --------
    >>> "format = 1" in preset_text("ecommerce")
    True
    """
    if not isinstance(name, str):
        raise _argument_error(
            f"a preset name is a string, got {type(name).__name__}",
            "available: " + ", ".join(presets()),
        )
    folder = resources.files(__package__).joinpath("presets")
    known = name.replace("-", "_").isidentifier() and len(name) <= 100
    if not known or not folder.joinpath(f"{name}.toml").is_file():
        raise _unknown_preset(name)
    return folder.joinpath(f"{name}.toml").read_text(encoding="utf-8")


def _unknown_preset(name: str) -> RulesError:
    close = difflib.get_close_matches(name[:100], list(presets()), n=1)
    return RulesError(
        [
            Diagnostic(
                "<preset>",
                1,
                1,
                2,
                "error",
                "unknown-preset",
                f"no preset named {_short(name)}",
                f"did you mean {close[0]!r}?"
                if close
                else "available: " + ", ".join(presets()),
            )
        ]
    )


def _scalar_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else type(value).__name__


_COLLECTIONS = ("fields", "params", "derived", "tables", "segments", "tags")
# replaced whole by a file that sets them: relabelled rules need their own
# translations and stages; a score dimension is either edges or bins
_WHOLE = ("translations", "stages")


def _one_edit(a: str, b: str) -> bool:
    """True when *b* is *a* with one letter inserted, deleted, changed or two
    neighbours swapped (not a digit: 'rfm12' beside 'rfm11' is deliberate);
    names shorter than 3 characters are never near misses."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) != len(b):
        long, short = (a, b) if len(a) > len(b) else (b, a)
        return not long[i].isdigit() and long[i + 1 :] == short[i:]
    if a[i + 1 :] == b[i + 1 :]:
        return not (a[i].isdigit() or b[i].isdigit())
    return a[i + 2 :] == b[i + 2 :] and (a[i], a[i + 1]) == (b[i + 1], b[i])


def _names(doc: dict[str, Any]) -> list[str]:
    """Every name a document defines (all sections share one namespace)."""
    return [
        name
        for section in _COLLECTIONS
        if isinstance(doc.get(section), dict)
        for name in doc[section]
    ]


def _near_misses(
    section: str,
    entries: Any,
    existing: list[str],
    src: Source,
    diags: list[Diagnostic],
) -> None:
    """Warn about new entries named one edit away from a name of the preset."""
    if not isinstance(entries, dict):
        return
    kind = _SECTION_KIND[section]
    for key in entries:
        close = [n for n in existing if _one_edit(key, n)]
        if key not in existing and close:
            diags.append(
                src.at_key(
                    (section, key),
                    "near-miss",
                    f"'{section}.{key}' is not in the preset, so it is a new "
                    f"{kind}; the preset has {close[0]!r}, one edit away",
                    f"did you mean {close[0]!r}? For a new {kind}, choose a "
                    "clearly different name",
                    severity="warning",
                )
            )


#: Field types by what the rules read them as: a number field may become an
#: integer one (or back) in a file that extends a preset, not a category
_FIELD_KINDS = {"number": "number", "integer": "number"}


def _merge(
    parent: Any,
    child: Any,
    path: tuple[str, ...],
    child_src: Source,
    origins: dict[tuple[str, ...], Source],
    diags: list[Diagnostic],
    existing: list[str] | None = None,
) -> Any:
    """Override *parent* with *child*.

    A file that extends a preset may add sections, entries of a section (a
    field, parameter, derived value, table, segmentation, tag set, score
    dimension) and the keys an entry may have; any other key the parent lacks
    is an ``unknown-override`` error (a typo), and a new entry named one edit
    away from a name of the preset is a ``near-miss`` warning.
    """
    if not isinstance(parent, dict) or not isinstance(child, dict):
        origins[path] = child_src
        return child
    if existing is None:
        existing = _names(parent)
    out = dict(parent)
    for key, value in child.items():
        if not path and key in _META:
            out[key] = value
            origins[(key,)] = child_src  # (format = 2 is this file's error)
            if key == "description" and "translations" not in child:
                # the preset's translated description is not this file's
                out.pop("translations", None)
            continue
        dotted = ".".join((*path, key))
        if key not in parent:
            allowed = _allowed(path)
            if allowed is None or key in allowed:  # a new entry, section or key
                origins[(*path, key)] = child_src
                out[key] = value
                if path and path[0] in _COLLECTIONS and len(path) == 1:
                    _near_misses(path[0], {key: value}, existing, child_src, diags)
                elif not path and key in _COLLECTIONS:
                    _near_misses(key, value, existing, child_src, diags)
                continue
            close = difflib.get_close_matches(key, [*parent, *allowed], n=1)
            where = ".".join(path) or "the preset"
            diags.append(
                child_src.at_key(
                    (*path, key),
                    "unknown-override",
                    f"{dotted!r} does not exist in {where}, so it cannot be overridden",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "allowed here: "
                    + ", ".join(dict.fromkeys([*parent, *allowed])),
                )
            )
            continue
        if isinstance(parent[key], dict) != isinstance(value, dict):
            kind = "a table" if isinstance(parent[key], dict) else "a value"
            diags.append(
                child_src.at_key(
                    (*path, key),
                    "bad-value",
                    f"{dotted!r} must be {kind}, as in the preset",
                )
            )
            continue
        if key in _WHOLE or path == ("scores",):  # replaced whole, not merged
            origins[(*path, key)] = child_src
            out[key] = value
            continue
        if not isinstance(value, dict) and _scalar_kind(parent[key]) != _scalar_kind(
            value
        ):
            diags.append(
                child_src.at_key(
                    (*path, key),
                    "bad-value",
                    f"{dotted!r} must be a {_scalar_kind(parent[key])}, as in the preset: "
                    f"got {value!r}",
                )
            )
            continue
        if (
            len(path) == 2
            and path[0] == "fields"
            and key == "type"
            and value in ("number", "integer", "category", "bool")  # else its
            # own error (an unknown type) is said at this line as it is
            and _FIELD_KINDS.get(parent[key], parent[key])
            != _FIELD_KINDS.get(value, value)
        ):
            # the preset's rules read the field as its kind: one error here,
            # not one at each of the preset's lines that reads it
            diags.append(
                child_src.at_key(
                    (*path, key),
                    "type-mismatch",
                    f"{dotted!r} is {parent[key]!r} in the preset, and its rules "
                    f"read {path[1]!r} as such: this file makes it {value!r}",
                    f"keep the type (number and integer may be swapped), or "
                    f"declare a field of another name ({path[1]}_2)",
                )
            )
            continue
        if path == ("fields",) and isinstance(value, dict):
            # a field this file changes (its type, values, bounds): the
            # field's errors come from this file's keys (the preset's alone
            # are valid), so they are located here (the other sections'
            # errors caused by an override are the preset's to show)
            origins[(*path, key)] = child_src
        out[key] = _merge(
            parent[key], value, (*path, key), child_src, origins, diags, existing
        )
    return out


def _allowed(path: tuple[str, ...]) -> tuple[str, ...] | None:
    """Keys a file may add at *path* although its preset lacks them (None: any
    name, checked later by the builder)."""
    if not path:
        return TOP_KEYS
    if len(path) == 1 and path[0] in (*_COLLECTIONS, "scores"):
        return None  # new entries
    if len(path) == 2 and path[0] in ENTRY_KEYS:
        return ENTRY_KEYS[path[0]]
    if path[0] == "playbook":  # new classifications and labels; their keys
        return None if len(path) <= 2 else PLAYBOOK_KEYS
    return ()


def _resolve(
    source: Source,
    depth: int = 0,
    texts: dict[str, str] | None = None,
) -> tuple[
    dict[str, Any] | None,
    dict[tuple[str, ...], Source],
    list[Diagnostic],
    dict[str, Source],
    bool,
    dict[str, str],
]:
    """Parse *source* and the presets it extends, merged. The fifth item says
    whether an error blocks building; errors in overrides do not (the bad
    override is left out), so the rest of the file is still checked. The
    last: the preset's text of each derived value the file replaces (its
    kind, number or condition, is the one the preset's rules read).

    *texts* (preset name -> text) gives the text of presets to use instead of
    the shipped ones (a pickled RuleSet's); every preset text read is added
    to it."""
    texts = {} if texts is None else texts
    doc, diags = parse_toml(source)
    sources = {source.path: source}
    # errors of a parsed document (numbers float64 does not hold) do not
    # block: the rest of the file is checked too
    blocking = doc is None
    if doc is None:
        return None, {}, diags, sources, True, {}
    parent_name = doc.get("extends")
    if parent_name is None:
        return doc, {(): source}, diags, sources, blocking, {}
    if not isinstance(parent_name, str) or depth > 8:
        diags.append(
            source.at_key(
                ("extends",),
                "bad-value",
                "'extends' must name a preset (chains of at most 8)",
            )
        )
        return None, {}, diags, sources, True, {}
    try:
        parent_text = texts.get(parent_name) or preset_text(parent_name)
    except RulesError as exc:
        d = exc.diagnostics[0]
        diags.append(source.at_key(("extends",), d.code, d.message, d.hint))
        return None, {}, diags, sources, True, {}
    texts[parent_name] = parent_text
    parent_src = Source(_PRESET_PREFIX + parent_name, parent_text)
    pdoc, porigins, pdiags, psources, pblocking, _ = _resolve(
        parent_src, depth + 1, texts
    )
    sources.update(psources)
    diags += pdiags
    if pdoc is None:
        return None, {}, diags, sources, True, {}
    origins = dict(porigins)
    # examples belong to their file: a file that changes thresholds has its own
    pdoc = {k: val for k, val in pdoc.items() if k != "examples"}
    merged = _merge(pdoc, doc, (), source, origins, diags)
    mine, theirs = doc.get("derived"), pdoc.get("derived")
    replaced = (
        {
            k: theirs[k]
            for k, text in mine.items()
            if isinstance(theirs.get(k), str) and theirs[k] != text
        }
        if isinstance(mine, dict) and isinstance(theirs, dict)
        else {}
    )
    return merged, origins, diags, sources, blocking or pblocking, replaced


def _compile(
    source: Source, texts: dict[str, str] | None = None
) -> tuple[RuleSet | None, list[Diagnostic]]:
    """Parse, merge, build and analyse; every diagnostic is shown with at most
    one source line, cut to ``ECHO`` characters. *texts*: see :func:`_resolve`."""
    try:
        rs, diags = _compile_all(source, dict(texts or {}))
    except (RecursionError, MemoryError) as exc:  # defensive: limits come first
        rs, diags = (
            None,
            [
                Diagnostic(
                    source.path,
                    1,
                    1,
                    2,
                    "error",
                    "limit",
                    "the rules text is too large or too deeply nested to check "
                    f"({type(exc).__name__})",
                    "shorten it",
                )
            ],
        )
    return rs, [_shown(d) for d in diags]


def _shown(d: Diagnostic) -> Diagnostic:
    line = echo(d.source_line, d.end_column)
    return d if line == d.source_line else attrs.evolve(d, source_line=line)


def _compile_all(
    source: Source, texts: dict[str, str]
) -> tuple[RuleSet | None, list[Diagnostic]]:
    doc, origins, diags, sources, blocking, replaced = _resolve(source, texts=texts)
    if doc is None or blocking:
        return None, diags
    bad_overrides = any(d.severity == "error" for d in diags)
    try:
        rs, more = build(doc, source, origins, replaced)
    except TooManyDiagnostics as exc:
        last = exc.diags[-1]
        stop = Diagnostic(
            last.path,
            last.line,
            last.column,
            last.end_column,
            "error",
            "limit",
            f"checking stopped after {MAX_DIAGNOSTICS} problems",
            "fix these first",
        )
        return None, [*diags, *exc.diags, stop]
    diags += more
    if rs is None or bad_overrides:
        return None, diags
    more, tables, skip = analyse_all(
        rs, sources, overrides=(source, overridden_keys(origins, source))
    )
    diags += more
    inherited = frozenset(
        (section, name)
        for text in texts.values()  # the presets extended (trusted text)
        for section in ("params", "derived")
        for name in tomllib.loads(text).get(section, {})
    )
    # a new entry already warned of as a near miss of the preset's is not
    # warned of twice
    near = {(d.line, d.column) for d in diags if d.code == "near-miss"}
    diags += [
        d
        for d in unused_entries(rs, doc, source, origins, inherited)
        if (d.line, d.column) not in near
    ]
    object.__setattr__(rs, "lookups", FrozenMap(tables))
    object.__setattr__(rs, "skip", skip)
    name_maps(rs, "lookups")
    # what it was compiled from (pickling, equality): the file's text and
    # the text of each preset it extends
    object.__setattr__(rs, "_sources", ((source.path, source.text), *texts.items()))
    return rs, diags


def _argument_error(message: str, hint: str) -> RulesError:
    return RulesError(
        [Diagnostic("<argument>", 1, 1, 2, "error", "argument", message, hint)]
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _file_error(path: str, message: str, hint: str) -> RulesError:
    return RulesError([Diagnostic(path, 1, 1, 2, "error", "file", message, hint)])


def _read_file(path: Path) -> Source:
    """The text of a regular file, decoded strictly; anything else is an error.

    FIFOs, devices, sockets and directories are refused from ``stat`` alone,
    before any open; the file is then opened without blocking and checked
    again, and never more than the size limit is read.
    """
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _file_error(
            name,
            "no such rules file",
            "check the path; rules given as text go to rules.loads(text) "
            "(or check(text, text=True))",
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise _file_error(
            name,
            f"cannot read the rules file: {getattr(exc, 'strerror', None) or exc}",
            "check the path",
        ) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise _file_error(
            name,
            f"the rules path is {kind}",
            "give the path of a .toml file (FIFOs, devices and sockets are not read)",
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since the stat
                raise OSError(0, "not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                raw = handle.read(MAX_TEXT * 4 + 1)  # never more than the limit
        finally:
            os.close(fd)
    except OSError as exc:
        raise _file_error(
            name,
            f"cannot read the rules file: {exc.strerror or exc}",
            "check the path",
        ) from None
    return _decoded(raw, name, "the rules file is too long")


def _too_long(path: str, message: str) -> RulesError:
    return RulesError(
        [
            Diagnostic(
                path,
                1,
                1,
                2,
                "error",
                "limit",
                message,
                f"at most {MAX_TEXT:,d} characters",
            )
        ]
    )


def _decoded(
    raw: bytes, path: str, too_long: str = "the rules text is too long"
) -> Source:
    # the size first: nothing is decoded or indexed line by line past it
    if len(raw) > MAX_TEXT * 4:  # (4 bytes at most per character)
        raise _too_long(path, too_long)
    text, problem = decode(raw, path)
    if text is None:
        assert problem is not None
        raise RulesError([problem])
    return _indexed(path, text)


def _indexed(path: str, text: str) -> Source:
    """*text* indexed for diagnostics, refused at once when it is longer
    than the limit (the index costs time per line)."""
    if len(text) > MAX_TEXT:
        raise _too_long(path, f"rules text of {len(text):,d} characters is too long")
    return Source(path, text)


def _looks_like_text(value: str) -> bool:
    return not value.strip() or "\n" in value or "=" in value


def _named(name: str) -> Source:
    """A preset by name, or a path (an identifier that is no file: a preset typo).

    A preset name never holds a path separator: ``./ecommerce`` is a file. A
    bare preset name that is also a file (or anything) in the current
    directory is refused as ambiguous, never silently one or the other.
    """
    if name in presets():
        if os.path.lexists(name):
            raise _file_error(
                name,
                f"{name!r} names both a shipped preset and a file in the current "
                "directory",
                f"for the file write a path, ./{name}; for the preset: "
                f"--preset {name}, rules.preset({name!r}), or run from "
                "another directory",
            )
        return Source(_PRESET_PREFIX + name, preset_text(name))
    if name.replace("-", "_").isidentifier() and not os.path.lexists(name):
        preset_text(name)  # raises unknown-preset with a suggestion
    return _read_file(Path(name))


def loads(text: str | bytes, *, path: str = "<string>") -> RuleSet:
    """Check and compile rules from TOML text.

    *text* is always rules text, never a path (:func:`load` reads files). Bytes
    are decoded as a rules file is: UTF-8 (a byte-order mark is allowed), or
    UTF-16 / UTF-32 when they start with their byte-order mark; strictly: a
    byte that is not of that encoding (a GBK or cp1252 text, UTF-16 without
    its mark) is an ``encoding`` error at its line and column.

    Parameters
    ----------
    text
        The rules, as TOML text or its bytes (UTF-8, or UTF-16 / UTF-32
        with a byte-order mark).
    path
        The name shown in diagnostics (``"<string>"`` by default).

    Returns
    -------
    RuleSet
        The compiled rules: :meth:`RuleSet.evaluate` labels data with them;
        their warnings and notes are in ``RuleSet.diagnostics``.

    Raises
    ------
    RulesError
        With every error found (``.diagnostics``); warnings and notes do not
        raise and are kept in ``RuleSet.diagnostics``. Also (code
        ``argument``) when *text* is neither ``str`` nor ``bytes``.

    Examples
    --------
    >>> text = '''
    ... format = 1
    ... [fields]
    ... x = { type = "number" }
    ... [segments.s]
    ... default = "low"
    ... rules = [{ label = "high", when = "x > 1 & y" }]
    ... '''
    >>> loads(text)
    Traceback (most recent call last):
    ...
    custseg.errors.RulesError: <string>:7:40: error[disallowed-syntax]: '&' is not allowed
      7 | rules = [{ label = "high", when = "x > 1 & y" }]
        |                                        ^^^^^
        = hint: use and/or/not: & binds tighter than comparisons
    """
    if not isinstance(path, str):
        raise _argument_error(
            f"loads(path=...) is the name shown in diagnostics, got {_short(path)}",
            "pass a string",
        )
    return _finish(_text_source(text, path, "loads"))


def _text_source(text: object, path: str, caller: str) -> Source:
    if isinstance(text, bytes | bytearray | memoryview):
        return _decoded(bytes(text), path)
    if isinstance(text, str):
        return _indexed(path, text)
    raise _argument_error(
        f"{caller}() takes rules text (str or bytes), got {type(text).__name__}",
        "to read a file or a preset, use rules.load(path_or_name)",
    )


def load(path_or_preset: str | os.PathLike[str]) -> RuleSet:
    """Check and compile a rules file, or a shipped preset by name.

    *path_or_preset* is a path (``str`` or :class:`os.PathLike`) or the name
    of a preset (:func:`presets`); it is never rules text: use :func:`loads`
    for that. Only regular files are read (a FIFO or a device is refused
    without waiting on it), decoded strictly: UTF-8 (a byte-order mark is
    allowed), or UTF-16 / UTF-32 when the file starts with their byte-order
    mark (a Windows editor's "Unicode"); a byte that is not of that encoding
    (a file saved as GBK or cp1252, UTF-16 without its mark) is an
    ``encoding`` error at its line and column.

    A preset name is a bare name (``"ecommerce"``); anything else is a path
    (``"./ecommerce"``, ``"shop.toml"``, an :class:`os.PathLike`). A bare
    preset name that is also a file in the current directory is an error
    (code ``file``) naming both ways to say it: never silently the one or
    the other.

    Parameters
    ----------
    path_or_preset
        A rules file, or a key of :func:`presets`.

    Returns
    -------
    RuleSet
        The compiled rules: :meth:`RuleSet.evaluate` labels data with them;
        their warnings and notes are in ``RuleSet.diagnostics``.

    Examples
    --------
    >>> rs = load("ecommerce")
    >>> rs.tables["lifecycle"].breaks
    (90.0, 180.0, 270.0, 365.0)
    >>> load("format = 1")
    Traceback (most recent call last):
    ...
    custseg.errors.RulesError: format = 1:1:1: error[file]: no such rules file
      = hint: check the path; rules given as text go to rules.loads(text) (or check(text, text=True))
    """
    if isinstance(path_or_preset, os.PathLike):
        return _finish(_read_file(Path(path_or_preset)))
    if not isinstance(path_or_preset, str):
        raise _argument_error(
            "load() takes a path or a preset name, got "
            f"{type(path_or_preset).__name__}",
            "rules text (str or bytes) goes to rules.loads(text)",
        )
    if "\n" in path_or_preset:
        raise _argument_error(
            "load() takes a path or a preset name, not rules text",
            "use rules.loads(text) for text",
        )
    return _finish(_named(path_or_preset))


def preset(name: str) -> RuleSet:
    """Check and compile a shipped preset, by name only.

    Unlike :func:`load`, *name* is never read as a path: a name with a path
    separator, a dot or anything else that is not a preset name is refused
    without touching the file system, so a user-supplied ``--preset`` value
    cannot read files.

    Parameters
    ----------
    name
        A key of :func:`presets`, e.g. ``"ecommerce"``.

    Returns
    -------
    RuleSet
        The compiled preset.

    Raises
    ------
    RulesError
        Code ``unknown-preset`` (with a suggestion) for a name that is not a
        shipped preset, including any path; code ``argument`` for a name that
        is not a string.

    Examples
    --------
    >>> preset("ecommerce").tables["lifecycle"].breaks
    (90.0, 180.0, 270.0, 365.0)
    >>> preset("../../etc/passwd")
    Traceback (most recent call last):
    ...
    custseg.errors.RulesError: <preset>:1:1: error[unknown-preset]: no preset named '../../etc/passwd'
      = hint: available: base, ...
    """
    if isinstance(name, str) and name not in presets():
        raise _unknown_preset(name)  # never a path: nothing is read
    text = preset_text(name)
    return _finish(Source(_PRESET_PREFIX + name, text))


def _finish(source: Source, texts: dict[str, str] | None = None) -> RuleSet:
    rs, diags = _compile(source, texts)
    errors = [d for d in diags if d.severity == "error"]
    if rs is None or errors:
        raise RulesError(errors or diags)
    object.__setattr__(rs, "diagnostics", tuple(diags))
    return rs


@functools.lru_cache(maxsize=16)
def _from_sources(sources: tuple[tuple[str, str], ...]) -> RuleSet:
    """A pickled RuleSet, compiled again from its rules text (``_sources``).

    Pickles name this function (``custseg.rules._from_sources``): keep its
    name, module and argument. Kept for the last few texts: results
    returned by worker processes that all used one preset share one
    RuleSet (it is read-only)."""
    (path, text), *presets_used = sources
    return _finish(Source(path, text), dict(presets_used))


def check(
    text_or_path: str | bytes | os.PathLike[str], *, text: bool | None = None
) -> list[Diagnostic]:
    """Every diagnostic (errors, warnings, notes) for a rules file, text or preset.

    Never raises for bad rules: the problems are returned, for editors and CI.
    What *text_or_path* is:

    - an :class:`os.PathLike`: a file; ``bytes``: rules text (UTF-8, or
      UTF-16 / UTF-32 with a byte-order mark);
    - a ``str`` with ``text=True``: rules text; ``text=False``: a path or a
      preset name;
    - a ``str`` by default: rules text when it is blank or has a newline or an
      ``=`` (every rules text defines something), else a preset name or a path
      (a path with an ``=`` in it: pass a :class:`~pathlib.Path` or
      ``text=False``).

    Parameters
    ----------
    text_or_path
        Rules text, a path or a preset name (see above).
    text
        ``True``: *text_or_path* is rules text; ``False``: a path or a preset
        name; ``None`` (default): decided as above.

    Returns
    -------
    list of Diagnostic
        Every error, warning and note found (empty when there is nothing
        to say), each with its line and column; ``Diagnostic.render()`` gives the
        ``file:line:column`` text ``custseg rules check`` prints.

    Raises
    ------
    RulesError
        Only for an argument of the wrong type (code ``argument``).

    Examples
    --------
    >>> [d.code for d in check('format = 1\\n[params]\\nx = [1')]
    ['toml-syntax']
    >>> [d.code for d in check("no_such_file.toml")]
    ['file']
    """
    if text is not None and not isinstance(text, bool | np.bool_):
        raise _argument_error(  # 1 == True: `in (None, True, False)` took it
            f"check(text=...) must be True, False or None, got {_short(text)}", ""
        )
    text = None if text is None else bool(text)
    try:
        if isinstance(text_or_path, os.PathLike) and text is not True:
            source = _read_file(Path(text_or_path))
        elif isinstance(text_or_path, str) and (
            text is True or (text is None and _looks_like_text(text_or_path))
        ):
            source = _indexed("<string>", text_or_path)
        elif isinstance(text_or_path, str):
            if "\n" in text_or_path:
                raise _argument_error(
                    "check(..., text=False) takes a path or a preset name, not "
                    "rules text",
                    "leave text= out, or pass text=True",
                )
            source = _named(text_or_path)
        elif isinstance(text_or_path, bytes | bytearray) and text is not False:
            source = _decoded(bytes(text_or_path), "<string>")
        else:
            raise _argument_error(
                "check() takes rules text (str or bytes), a path or a preset "
                f"name, got {type(text_or_path).__name__}",
                "",
            )
    except RulesError as exc:
        if exc.diagnostics and exc.diagnostics[0].code == "argument":
            raise
        return [_shown(d) for d in exc.diagnostics]
    rs, diags = _compile(source)
    if rs is not None and rs.examples:  # a file without errors: run its examples
        diags = [*diags, *(_shown(d) for d in example_failures(rs.run_examples()))]
    return diags
