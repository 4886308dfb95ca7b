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
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, RulesError
from ._analysis import analyse, lookups
from ._model import (
    ENTRY_KEYS,
    MAX_TEXT,
    TOP_KEYS,
    RuleSet,
    RulesResult,
    ScoreSpec,
    build,
    parse_toml,
)
from ._source import Source

__all__ = [
    "Diagnostic",
    "RuleSet",
    "RulesError",
    "RulesResult",
    "ScoreSpec",
    "check",
    "load",
    "loads",
    "preset_text",
    "presets",
]

_PRESET_PREFIX = "preset:"
_META = ("format", "name", "description", "extends")


def presets() -> dict[str, str]:
    """The presets shipped with custseg: name -> one-line description.

    >>> "ecommerce" in presets()
    True
    """
    out: dict[str, str] = {}
    folder = resources.files(__package__).joinpath("presets")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            doc = tomllib.loads(entry.read_text(encoding="utf-8"))
            out[entry.name[:-5]] = str(doc.get("description", ""))
    return out


def preset_text(name: str) -> str:
    """The TOML text of a shipped preset.

    Raises :class:`RulesError` (code ``unknown-preset``) for an unknown name.

    >>> "format = 1" in preset_text("ecommerce")
    True
    """
    folder = resources.files(__package__).joinpath("presets")
    entry = folder.joinpath(f"{name}.toml")
    if not name.replace("-", "_").isidentifier() or not entry.is_file():
        close = difflib.get_close_matches(name, list(presets()), n=1)
        raise RulesError(
            [
                Diagnostic(
                    "<preset>",
                    1,
                    1,
                    2,
                    "error",
                    "unknown-preset",
                    f"no preset named {name!r}",
                    f"did you mean {close[0]!r}?"
                    if close
                    else "available: " + ", ".join(presets()),
                )
            ]
        )
    return entry.read_text(encoding="utf-8")


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


_KIND = {
    "fields": "field",
    "params": "parameter",
    "derived": "derived value",
    "tables": "table",
    "segments": "segmentation",
    "tags": "tag set",
}


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
    kind = _KIND[section]
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
    return ()


def _resolve(
    source: Source, depth: int = 0
) -> tuple[
    dict[str, Any] | None,
    dict[tuple[str, ...], Source],
    list[Diagnostic],
    dict[str, Source],
]:
    doc, diags = parse_toml(source)
    sources = {source.path: source}
    if doc is None:
        return None, {}, diags, sources
    parent_name = doc.get("extends")
    if parent_name is None:
        return doc, {(): source}, diags, sources
    if not isinstance(parent_name, str) or depth > 8:
        diags.append(
            source.at_key(
                ("extends",),
                "bad-value",
                "'extends' must name a preset (chains of at most 8)",
            )
        )
        return None, {}, diags, sources
    try:
        parent_text = preset_text(parent_name)
    except RulesError as exc:
        d = exc.diagnostics[0]
        diags.append(source.at_key(("extends",), d.code, d.message, d.hint))
        return None, {}, diags, sources
    parent_src = Source(_PRESET_PREFIX + parent_name, parent_text)
    pdoc, porigins, pdiags, psources = _resolve(parent_src, depth + 1)
    sources.update(psources)
    diags += pdiags
    if pdoc is None:
        return None, {}, diags, sources
    origins = dict(porigins)
    merged = _merge(pdoc, doc, (), source, origins, diags)
    return merged, origins, diags, sources


def _compile(source: Source) -> tuple[RuleSet | None, list[Diagnostic]]:
    doc, origins, diags, sources = _resolve(source)
    if doc is None or any(d.severity == "error" for d in diags):
        return None, diags
    rs, more = build(doc, source, origins)
    diags += more
    if rs is None:
        return None, diags
    diags += analyse(rs, sources)
    tables, skip = lookups(rs)
    rs.lookups.update(tables)
    object.__setattr__(rs, "skip", skip)
    return rs, diags


def _source(text_or_path: str | os.PathLike[str]) -> Source:
    if isinstance(text_or_path, os.PathLike) or (
        isinstance(text_or_path, str)
        and "\n" not in text_or_path
        and (text_or_path.endswith(".toml") or os.sep in text_or_path)
    ):
        path = Path(text_or_path)
        try:
            with path.open("rb") as handle:  # never more than the size limit + 1
                raw = handle.read(MAX_TEXT * 4 + 1)
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise RulesError(
                [
                    Diagnostic(
                        str(path),
                        1,
                        1,
                        2,
                        "error",
                        "file",
                        f"cannot read the rules file: "
                        f"{getattr(exc, 'strerror', None) or exc}",
                        "check the path",
                    )
                ]
            ) from None
        try:
            return Source(str(path), raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return Source(str(path), raw[: exc.start].decode("utf-8") + "\ufffd")
    if isinstance(text_or_path, str) and text_or_path in presets():
        return Source(_PRESET_PREFIX + text_or_path, preset_text(text_or_path))
    if (
        isinstance(text_or_path, str)
        and "\n" not in text_or_path
        and text_or_path.replace("-", "_").isidentifier()
    ):
        preset_text(text_or_path)  # raises unknown-preset with a suggestion
    return Source("<string>", str(text_or_path))


def loads(text: str, *, path: str = "<string>") -> RuleSet:
    """Check and compile rules from TOML text.

    Raises
    ------
    RulesError
        With every error found (``.diagnostics``); warnings and notes do not
        raise and are kept in ``RuleSet.diagnostics``.

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
    return _finish(Source(path, text))


def load(path_or_preset: str | os.PathLike[str]) -> RuleSet:
    """Check and compile a rules file, or a shipped preset by name.

    >>> rs = load("ecommerce")
    >>> rs.tables["lifecycle"].breaks
    (90.0, 180.0, 270.0, 365.0)
    """
    return _finish(_source(path_or_preset))


def _finish(source: Source) -> RuleSet:
    rs, diags = _compile(source)
    errors = [d for d in diags if d.severity == "error"]
    if rs is None or errors:
        raise RulesError(errors or diags)
    object.__setattr__(rs, "diagnostics", tuple(diags))
    return rs


def check(text_or_path: str | os.PathLike[str]) -> list[Diagnostic]:
    """Every diagnostic (errors, warnings, notes) for a rules file, text or preset.

    Never raises for bad rules: the problems are returned, for editors and CI.

    >>> [d.code for d in check('format = 1\\n[params]\\nx = [1')]
    ['toml-syntax']
    """
    try:
        source = _source(text_or_path)
    except RulesError as exc:
        return list(exc.diagnostics)
    try:
        return _compile(source)[1]
    except RecursionError:  # pragma: no cover - defensive: deep TOML nesting
        return [
            Diagnostic(
                source.path,
                1,
                1,
                2,
                "error",
                "limit",
                "rules text too deeply nested",
                "",
            )
        ]
