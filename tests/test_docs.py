"""The API reference tells the truth about parameters.

The parameter tables of the API reference are built by griffe from the
numpydoc ``Parameters`` (and, for attrs classes, ``Attributes``) sections,
with the docs extension ``docs/_ext/griffe_custseg.py``. These tests load the
package the same way the docs build does and compare every row the reference
would show with :func:`inspect.signature`: the names, and the defaults.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import keyword
import math
import pkgutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import griffe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "docs" / "_ext" / "griffe_custseg.py"

# Public callables whose docstring has no Parameters section yet (their
# parameters are named only in the prose). Each is an expected failure of
# test_every_parameter_is_documented; strict, so adding the section makes
# the test pass and the name must then leave this set.
NO_PARAMETERS_SECTION = {
    "custseg.AbcEdges",
    "custseg.Labels.from_names",
    "custseg.RfmEdges",
    "custseg.RulesError",
    "custseg.ScoreEdges.empty_scores",
    "custseg.lorenz_curve",
    "custseg.pareto_summary",
    "custseg.rfm_edges",
    "custseg.cli.main",
    "custseg.cli.report",
    "custseg.frame.read_table",
    "custseg.frame.table_format",
    "custseg.frame.write_table",
    "custseg.labels.smallest_int_dtype",
    "custseg.rules.RuleSet",
    "custseg.rules.check",
    "custseg.rules.load",
    "custseg.rules.loads",
    "custseg.rules.preset_text",
}

# Names a drawn signature cannot use: keywords and the ``**options`` it ends with.
_RESERVED = frozenset([*keyword.kwlist, *keyword.softkwlist, "options"])

_VARIADIC_SHOWN = {
    inspect.Parameter.VAR_POSITIONAL: ("*", "()"),
    inspect.Parameter.VAR_KEYWORD: ("**", "{}"),
}


def _public_modules() -> Iterator[str]:
    yield "custseg"
    for info in pkgutil.walk_packages(custseg.__path__, "custseg."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            yield info.name


def _public_callables() -> dict[str, Any]:
    """Every callable in a public ``__all__`` and the public methods of classes.

    Keyed by the first public path found (``custseg`` first), each object once.
    """
    found: dict[str, Any] = {}
    ids: set[int] = set()
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not callable(obj) or id(obj) in ids:
                continue
            ids.add(id(obj))
            found[f"{module_name}.{name}"] = obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(member, staticmethod | classmethod):
                        member = getattr(obj, attr)
                    if inspect.isfunction(member) or inspect.ismethod(member):
                        found[f"{module_name}.{name}.{attr}"] = getattr(obj, attr)
    return found


CALLABLES = _public_callables()


@pytest.fixture(scope="module")
def docs_package() -> griffe.Module:
    """custseg as the docs build sees it: static griffe, numpy style, extension."""
    extensions = griffe.load_extensions(f"{EXTENSION}:CustsegDocs")
    package = griffe.load(
        "custseg",
        search_paths=[str(ROOT / "src")],
        docstring_parser="numpy",
        extensions=extensions,
        resolve_aliases=True,
    )
    assert isinstance(package, griffe.Module)
    return package


def _griffe_object(package: griffe.Module, path: str) -> griffe.Object:
    obj: Any = package
    for part in path.split(".")[1:]:
        obj = obj[part]
        if obj.is_alias:
            obj = obj.final_target
    return obj  # type: ignore[no-any-return]


def _rows(
    obj: griffe.Object, *, attributes: bool
) -> list[griffe.DocstringNamedElement]:
    """The rows of the parameter tables the reference renders for *obj*."""
    if obj.docstring is None:
        return []
    kinds = {"parameters", "other parameters"}
    if attributes:
        kinds.add("attributes")
    return [
        row
        for section in obj.docstring.parsed
        if section.kind.value.replace("_", " ") in kinds
        for row in section.value
    ]


def _signature(obj: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)
    except ValueError:  # exceptions deriving from builtins have none
        return None


def _is_attrs(obj: Any) -> bool:
    return inspect.isclass(obj) and attrs.has(obj)


def _true_default(obj: Any, param: inspect.Parameter) -> Any:
    """The default a caller gets, following attrs factories."""
    if param.default is attrs.NOTHING and _is_attrs(obj):
        field = attrs.fields_dict(obj).get(param.name) or attrs.fields_dict(obj).get(
            "_" + param.name
        )
        if field is not None and isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            return field.default.factory()  # type: ignore[attr-defined]
    return param.default


def _shown_value(text: str, namespace: dict[str, Any]) -> Any:
    """The value a reader understands from the default shown in the table."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return eval(text, namespace)  # our own source text, from the signature


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return a is b


def _namespace(obj: Any) -> dict[str, Any]:
    module = inspect.getmodule(obj)
    return dict(vars(module)) if module is not None else {}


def table_problems(
    obj: Any, rows: list[griffe.DocstringNamedElement], *, attributes: bool = False
) -> list[str]:
    """What the rendered rows say that the real signature contradicts."""
    sig = _signature(obj)
    params = dict(sig.parameters) if sig is not None else {}
    names = set(params)
    if attributes:
        names |= {f.name.lstrip("_") for f in attrs.fields(obj)}
    problems = []
    seen: set[str] = set()
    for row in rows:
        bare = row.name.lstrip("*")
        if bare in seen:
            problems.append(f"{row.name!r} is documented twice")
        seen.add(bare)
        if bare not in names:
            problems.append(f"{row.name!r} is not a parameter")
            continue
        param = params.get(bare)
        if param is None or not isinstance(row, griffe.DocstringParameter):
            continue  # an attribute that is not an __init__ argument
        shown = None if row.value is None else str(row.value)
        if param.kind in _VARIADIC_SHOWN:
            stars, empty = _VARIADIC_SHOWN[param.kind]
            if row.name != stars + bare:
                problems.append(f"{row.name!r} should be written {stars + bare!r}")
            if shown != empty:
                problems.append(f"{row.name!r} shows default {shown!r}")
            continue
        default = _true_default(obj, param)
        if shown is None:
            if default is not inspect.Parameter.empty:
                problems.append(f"{bare!r} shows required, default is {default!r}")
            continue
        if default is inspect.Parameter.empty:
            problems.append(f"{bare!r} shows default {shown}, is required")
            continue
        try:
            value = _shown_value(shown, _namespace(obj))
        except Exception as error:
            problems.append(f"{bare!r} shows default {shown} ({error})")
            continue
        if not _same(value, default):
            problems.append(f"{bare!r} shows default {shown}, is {default!r}")
    return problems


def _documents_init(obj: Any) -> bool:
    return _is_attrs(obj)


@pytest.mark.parametrize("path", sorted(CALLABLES))
def test_rendered_tables_match_signature(
    docs_package: griffe.Module, path: str
) -> None:
    """Every rendered row names a real parameter and shows its real default."""
    obj = CALLABLES[path]
    attributes = _documents_init(obj)
    rows = _rows(_griffe_object(docs_package, path), attributes=attributes)
    assert table_problems(obj, rows, attributes=attributes) == []


def _undocumented(docs_package: griffe.Module, path: str) -> list[str]:
    obj = CALLABLES[path]
    sig = _signature(obj)
    if sig is None:
        return []
    attributes = _documents_init(obj)
    rows = _rows(_griffe_object(docs_package, path), attributes=attributes)
    documented = {row.name.lstrip("*") for row in rows}
    return [
        name
        for name, param in sig.parameters.items()
        if name not in ("self", "cls") and name not in documented
    ]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            marks=pytest.mark.xfail(
                strict=True, reason="no Parameters section in the docstring yet"
            ),
        )
        if path in NO_PARAMETERS_SECTION
        else path
        for path in sorted(CALLABLES)
    ],
)
def test_every_parameter_is_documented(docs_package: griffe.Module, path: str) -> None:
    """Every parameter of a public callable has a row (variadics as **name)."""
    assert _undocumented(docs_package, path) == []


def test_known_gaps_are_public_callables() -> None:
    """The list of known gaps names only callables that still exist."""
    assert set(CALLABLES) >= NO_PARAMETERS_SECTION


class TestGroupedParameters:
    """Grouped numpydoc entries (``a, b, c``) render one true row per name."""

    EXAMPLES = (
        ("custseg.frame.segment_frame", "'customer' shows required"),
        ("custseg.frame.summarize_frame", "'date' shows default 'customer_id'"),
        ("custseg.datasets.simulate_transactions", "'end' shows default '2023-01-01'"),
        ("custseg.btyd_summary", "'amount' shows required"),
    )

    @pytest.mark.parametrize(("path", "problem"), EXAMPLES)
    def test_plain_griffe_gets_them_wrong(self, path: str, problem: str) -> None:
        """Without the extension the check reports the defects users saw."""
        obj = CALLABLES[path]
        with griffe.temporary_visited_module(
            inspect.getsource(obj), docstring_parser="numpy"
        ) as module:
            rows = _rows(module[path.rsplit(".", 1)[-1]], attributes=False)
        problems = table_problems(obj, rows)
        assert any(p.startswith(problem) for p in problems), problems

    @pytest.mark.parametrize(("path", "problem"), EXAMPLES)
    def test_docs_build_gets_them_right(
        self, docs_package: griffe.Module, path: str, problem: str
    ) -> None:
        """Through the extension the same functions have true tables."""
        rows = _rows(_griffe_object(docs_package, path), attributes=False)
        assert table_problems(CALLABLES[path], rows) == []

    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_any_grouping(self, data: st.DataObject) -> None:
        """Any split of any signature into groups renders the signature's defaults."""
        names = data.draw(
            st.lists(
                st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
                min_size=1,
                max_size=6,
                unique=True,
            ).filter(lambda ns: not any(n in _RESERVED for n in ns))
        )
        defaults = data.draw(
            st.lists(
                st.none() | st.integers(-5, 5) | st.text("ab'\" ,", max_size=4),
                min_size=len(names),
                max_size=len(names),
            )
        )
        n_required = data.draw(st.integers(0, len(names)))
        cuts = sorted(
            data.draw(st.sets(st.integers(1, len(names) - 1), max_size=len(names)))
            if len(names) > 1
            else set()
        )
        typed = data.draw(st.booleans())
        params = [
            name if i < n_required else f"{name}={default!r}"
            for i, (name, default) in enumerate(zip(names, defaults, strict=True))
        ]
        groups = [
            names[a:b] for a, b in zip([0, *cuts], [*cuts, len(names)], strict=True)
        ]
        entries = "\n".join(
            ", ".join(g) + (" : object" if typed else "") + "\n    Some text, here."
            for g in groups
        )
        source = (
            f"def f({', '.join(params)}, **options):\n"
            + textwrap.indent(
                f'"""Do it.\n\nParameters\n----------\n{entries}\n**options\n'
                '    More.\n"""\n',
                "    ",
            )
            + "    return None\n"
        )
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # a function made from the drawn parts
        extension = griffe.load_extensions(f"{EXTENSION}:CustsegDocs")
        with griffe.temporary_visited_module(
            source, docstring_parser="numpy", extensions=extension
        ) as module:
            for ext in extension._extensions:  # on_package is a loader event
                ext.on_package(pkg=module, loader=None)
            rows = _rows(module["f"], attributes=False)
        func = namespace["f"]
        assert [row.name for row in rows] == [*names, "**options"]
        assert table_problems(func, rows) == []
