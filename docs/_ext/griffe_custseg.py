"""Docs-build helpers for griffe (used by mkdocstrings; not part of custseg).

1. attrs classes get their real ``__init__`` signature. griffe reads the
   source statically and knows ``dataclasses`` but not attrs, so
   ``@attrs.frozen`` classes would show an empty signature and numpydoc
   ``Parameters`` sections would be reported as unknown. ``__init__`` is built
   from the annotated class attributes the way attrs does it: declaration
   order, defaults from ``= value`` or ``attrs.field(default=..., factory=...)``,
   ``kw_only`` and ``init=False`` honoured. Only what custseg uses is covered.
2. Sphinx roles in docstrings (``:func:`summarize```) become links when the
   target is documented in ``docs/reference.md`` and inline code otherwise;
   mkdocstrings would print the role markup literally.
3. Doctest blocks outside an ``Examples`` section become ``pycon`` code
   blocks; Markdown would read ``>>>`` as a block quote.
4. Grouped numpydoc entries (``customer, date, amount``) become one entry
   per name. For parameters griffe splits the names itself but gives every
   name the type and default of the first one found in the signature
   (``date`` would show ``'customer_id'``); for attributes it keeps one row
   named ``"r, f, m"`` with no type. Split in the text first, each name gets
   its own type and default from the signature or the class.
5. Names in a package's ``__all__`` that it provides lazily (a module
   ``__getattr__``, as ``custseg.segment`` from ``custseg.frame``) become
   aliases of the object that a submodule defines, so ``::: custseg.segment``
   renders; griffe reads ``__all__`` but cannot run ``__getattr__``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import griffe

_DECORATORS = {
    "attrs.frozen",
    "attrs.define",
    "attrs.mutable",
    "attr.s",
    "attr.attrs",
    "attr.frozen",
    "attr.define",
}
_FIELDS = {"attrs.field", "attr.ib", "attr.attrib", "attr.field"}


def _path(expr: Any) -> str:
    if isinstance(expr, griffe.ExprCall):
        expr = expr.function
    return getattr(expr, "canonical_path", str(expr))


def _call_args(expr: Any) -> dict[str, Any]:
    if not isinstance(expr, griffe.ExprCall):
        return {}
    return {
        arg.name: arg.value
        for arg in expr.arguments
        if isinstance(arg, griffe.ExprKeyword)
    }


def _attrs_decorator(cls: griffe.Class) -> Any:
    for dec in cls.decorators:
        if _path(dec.value) in _DECORATORS:
            return dec.value
    return None


def _parameters(cls: griffe.Class, class_kw_only: bool) -> list[griffe.Parameter]:
    params = []
    for member in cls.members.values():
        if member.is_alias or not member.is_attribute or member.annotation is None:
            continue
        if "property" in member.labels:
            continue
        value = member.value
        field_args: dict[str, Any] = {}
        if isinstance(value, griffe.ExprCall) and _path(value) in _FIELDS:
            field_args = _call_args(value)
            default = field_args.get("default")
            if default is None and "factory" in field_args:
                default = griffe.ExprCall(function=field_args["factory"], arguments=[])
        else:
            default = value
        if str(field_args.get("init", "True")) == "False":
            continue
        kw_only = class_kw_only or str(field_args.get("kw_only", "False")) == "True"
        params.append(
            griffe.Parameter(
                member.name.lstrip("_"),
                annotation=member.annotation,
                kind=griffe.ParameterKind.keyword_only
                if kw_only
                else griffe.ParameterKind.positional_or_keyword,
                default=default,
                docstring=member.docstring,
            )
        )
    return params


def _set_init(cls: griffe.Class) -> None:
    decorator = _attrs_decorator(cls)
    if decorator is None or "__init__" in cls.members:
        return
    kw_only = str(_call_args(decorator).get("kw_only", "False")) == "True"
    params = _parameters(cls, kw_only)
    positional = [p for p in params if p.kind is not griffe.ParameterKind.keyword_only]
    keyword = [p for p in params if p.kind is griffe.ParameterKind.keyword_only]
    cls.set_member(
        "__init__",
        griffe.Function(
            "__init__",
            lineno=cls.lineno,
            endlineno=cls.lineno,
            parent=cls,
            parameters=griffe.Parameters(
                griffe.Parameter(
                    "self", kind=griffe.ParameterKind.positional_or_keyword
                ),
                *positional,
                *keyword,
            ),
            returns="None",
        ),
    )
    cls.labels.add("attrs")


_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|mod|exc|data|obj):`(~?)([\w.]+)`")


_REFERENCE = Path(__file__).resolve().parent.parent / "reference.md"


def _documented(pkg: griffe.Module) -> set[str]:
    """Canonical paths of the objects rendered by ``docs/reference.md``."""
    names = re.findall(r"^::: *([\w.]+)", _REFERENCE.read_text("utf-8"), re.M)
    out = set()
    for name in names:
        path = _target(pkg, pkg, name)
        if path:
            out.add(path)
    return out


def _target(obj: griffe.Object, pkg: griffe.Module, name: str) -> str | None:
    """Canonical path of a custseg object named in *obj*'s scope, or None.

    None also for private names and for attributes without a docstring
    (attrs fields: described in the class's Attributes table, no anchor).
    """
    parts = name.split(".")
    try:
        if parts[0] == pkg.name:
            found: Any = pkg[".".join(parts[1:])] if len(parts) > 1 else pkg
        else:
            base = obj.resolve(parts[0])
            if not base.startswith(pkg.name + "."):
                return None
            found = pkg[base[len(pkg.name) + 1 :]]
            for part in parts[1:]:
                found = found[part]
        if found.is_alias:
            found = found.final_target
        path: str = found.canonical_path
    except Exception:  # unresolvable: fall back to inline code
        return None
    if found.is_attribute and found.docstring is None:
        return None  # mkdocstrings renders no heading (no anchor) for it
    last = path.rsplit(".", 1)[-1]
    if last.startswith("_") and not last.startswith("__"):
        return None
    return path


def _fix_roles(
    obj: griffe.Object, pkg: griffe.Module, text: str, documented: set[str]
) -> str:
    def repl(match: re.Match[str]) -> str:
        short, name = match.groups()
        shown = name.rsplit(".", 1)[-1] if short else name
        path = _target(obj, pkg, name)
        linked = path is not None and any(
            path == d or path.startswith(d + ".") for d in documented
        )
        return f"[`{shown}`][{path}]" if linked else f"`{shown}`"

    return _ROLE.sub(repl, text)


def _fence_doctests(text: str) -> str:
    """Wrap ``>>>`` blocks outside an Examples section in ``pycon`` fences."""
    lines = text.splitlines()
    out: list[str] = []
    section = ""
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced:
            out.append(line)
            i += 1
            continue
        if line.strip() and set(nxt.strip()) == {"-"} and len(nxt.strip()) >= 3:
            section = line.strip()
        if line.lstrip().startswith(">>>") and section not in ("Examples", "Example"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["```pycon", *block, "```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


_PARAM_SECTIONS = {"parameters", "other parameters", "attributes"}
_GROUPED = re.compile(
    r"^(?P<names>\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)+)(?P<type>\s+:\s.*|\s*:)?\s*$"
)


def split_grouped_parameters(text: str) -> str:
    """Give each name of a grouped numpydoc parameter entry its own entry.

    ``"a, b : int"`` followed by its description becomes ``"a : int"`` and
    ``"b : int"``, each followed by the same description. Only the
    ``Parameters``, ``Other Parameters`` and ``Attributes`` sections are
    touched.
    """
    lines = text.split("\n")
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and set(nxt.strip()) == {"-"} and len(nxt.strip()) >= 3:
            section = line.strip().lower()
            out += [line, nxt]
            i += 2
            continue
        match = _GROUPED.match(line) if section in _PARAM_SECTIONS else None
        if match is None:
            out.append(line)
            i += 1
            continue
        body = []
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i][:1].isspace()):
            body.append(lines[i])
            i += 1
        names = [n.strip() for n in match["names"].split(",")]
        kind = match["type"] or ""
        for name in names:
            out += [name + kind, *body]
    return "\n".join(out)


def _walk(
    obj: griffe.Object, pkg: griffe.Module, seen: set[str], documented: set[str]
) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class):
        _set_init(obj)
    if obj.docstring is not None:
        text = split_grouped_parameters(_fence_doctests(obj.docstring.value))
        obj.docstring.value = _fix_roles(obj, pkg, text, documented)
    for member in obj.members.values():
        if not member.is_alias:
            _walk(member, pkg, seen, documented)  # type: ignore[arg-type]


def _export_lazy(pkg: griffe.Module) -> None:
    """Alias the names of ``__all__`` that no statement of *pkg* binds."""
    modules = sorted(
        pkg.modules.values(), key=lambda m: (m.name.startswith("_"), m.name)
    )
    for export in pkg.exports or ():
        name = str(export)
        if name in pkg.members:
            continue
        for module in modules:
            member = module.members.get(name)
            if member is not None and not member.is_alias:
                pkg.set_member(name, griffe.Alias(name, member, parent=pkg))
                break


class CustsegDocs(griffe.Extension):
    """Create attrs ``__init__`` methods and clean docstrings once loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _export_lazy(pkg)
        _walk(pkg, pkg, set(), _documented(pkg))
