"""The API reference tells the truth about parameters.

The parameter tables of the API reference are built by griffe from the
numpydoc ``Parameters`` (and, for attrs classes, ``Attributes``) sections,
with the docs extension ``docs/_ext/griffe_custseg.py``. These tests load the
package the same way the docs build does and compare every row the reference
would show with :func:`inspect.signature`: the names, and the defaults.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import keyword
import math
import pkgutil
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

griffe = pytest.importorskip("griffe", reason="needs the docs extra (griffe)")

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "docs" / "_ext" / "griffe_custseg.py"

# Public callables whose docstrings leave parameters out (no Parameters
# section, or fields missing from Attributes). Each is an expected failure of
# test_every_parameter_is_documented; strict, so documenting the parameters
# makes the test pass and the name must then leave this set.
KNOWN_GAPS = {
    "custseg.rules.RuleSet",  # built by rules.load, not by users
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
    """The griffe object of *path*, looked up where it is defined.

    A name a package provides lazily (``custseg.segment``) is not a member
    griffe sees there; its defining module and qualified name always are.
    """
    real = CALLABLES.get(path)
    module, qualname = (
        getattr(real, "__module__", None),
        getattr(real, "__qualname__", None),
    )
    if module and qualname and module.startswith("custseg"):
        path = f"{module}.{qualname}"
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
                strict=True, reason="parameters left out of the docstring"
            ),
        )
        if path in KNOWN_GAPS
        else path
        for path in sorted(CALLABLES)
    ],
)
def test_every_parameter_is_documented(docs_package: griffe.Module, path: str) -> None:
    """Every parameter of a public callable has a row (variadics as **name)."""
    assert _undocumented(docs_package, path) == []


def test_known_gaps_are_public_callables() -> None:
    """The list of known gaps names only callables that still exist."""
    assert set(CALLABLES) >= KNOWN_GAPS


def _visited_rows(
    source: str, name: str, *, extension: bool
) -> list[griffe.DocstringNamedElement]:
    """The rows griffe renders for function *name* defined in *source*."""
    extensions = (
        griffe.load_extensions(f"{EXTENSION}:CustsegDocs") if extension else None
    )
    with griffe.temporary_visited_module(
        source, docstring_parser="numpy", extensions=extensions
    ) as module:
        if extensions is not None:
            for ext in extensions._extensions:  # on_package is a loader event
                ext.on_package(pkg=module, loader=None)
        return _rows(module[name], attributes=False)


def _defined(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # a function made from the test's own text
    return namespace[name]


# The four tables of the new-user report, with the signatures and the grouped
# Parameters entries the functions had then (the docstrings have since been
# ungrouped, so they are kept here as they were).
_REPORTED = {
    "segment_frame": (
        "def segment_frame(df, *, customer='customer_id', date='date',"
        " amount='amount', as_of=None, bins=5, rfm_edges=None, windows=None,"
        " abc_cutoffs=(0.8, 0.95), **options):",
        (
            "df, customer, date, amount, as_of, **options",
            "bins",
            "rfm_edges",
            "windows",
            "abc_cutoffs",
        ),
        "'customer' shows required",
    ),
    "summarize_frame": (
        "def summarize_frame(df, *, customer='customer_id', date='date',"
        " amount='amount', as_of=None, **options):",
        ("df", "customer, date, amount", "as_of", "**options"),
        "'date' shows default 'customer_id'",
    ),
    "simulate_transactions": (
        "def simulate_transactions(n_customers, *, seed=0, start='2023-01-01',"
        " end='2025-01-01', purchases_per_customer=10.0, refund_rate=0.03,"
        " sort=True):",
        (
            "n_customers",
            "seed",
            "start, end",
            "purchases_per_customer",
            "refund_rate",
            "sort",
        ),
        "'end' shows default '2023-01-01'",
    ),
    "btyd_summary": (
        "def btyd_summary(customer_id, date, amount=None, *, observation_end,"
        " unit='D', after_observation_end='raise'):",
        (
            "customer_id, date, amount",
            "observation_end",
            "unit",
            "after_observation_end",
        ),
        "'amount' shows required",
    ),
}


def _reported_source(name: str) -> str:
    header, entries, _ = _REPORTED[name]
    body = "".join(f"    {e}\n        Some text.\n" for e in entries)
    return f'{header}\n    """Do it.\n\n    Parameters\n    ----------\n{body}    """\n'


class TestGroupedParameters:
    """Grouped numpydoc entries (``a, b, c``) render one true row per name."""

    @pytest.mark.parametrize("name", sorted(_REPORTED))
    def test_plain_griffe_gets_them_wrong(self, name: str) -> None:
        """Without the extension the check finds the defects users reported."""
        source = _reported_source(name)
        rows = _visited_rows(source, name, extension=False)
        problems = table_problems(_defined(source, name), rows)
        assert any(p.startswith(_REPORTED[name][2]) for p in problems), problems

    @pytest.mark.parametrize("name", sorted(_REPORTED))
    def test_extension_gets_them_right(self, name: str) -> None:
        """Through the docs extension the same docstrings give true tables."""
        source = _reported_source(name)
        rows = _visited_rows(source, name, extension=True)
        assert table_problems(_defined(source, name), rows) == []

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
        rows = _visited_rows(source, "f", extension=True)
        func = _defined(source, "f")
        assert [row.name for row in rows] == [*names, "**options"]
        assert table_problems(func, rows) == []


class TestHomePage:
    """The home page's ten lines fit the page and print what it says."""

    PAGE = ROOT / "docs" / "index.md"
    FENCE = re.compile(r"^```(\{[^}]*\}|\w*)\n(.*?)^```", re.M | re.S)

    def _blocks(self) -> list[tuple[str, str]]:
        return [(m[1], m[2]) for m in self.FENCE.finditer(self.PAGE.read_text("utf-8"))]

    def test_code_lines_fit(self) -> None:
        """No code line is wider than the content column (72 characters)."""
        wide = [
            line
            for lang, body in self._blocks()
            if ".wrap" not in lang
            for line in body.splitlines()
            if len(line) > 72
        ]
        assert wide == []

    def test_ten_lines_print_what_the_page_says(self) -> None:
        """The first python block prints exactly the text block after it."""
        blocks = self._blocks()
        first = next(i for i, (lang, _) in enumerate(blocks) if lang == "python")
        code, (lang, shown) = blocks[first][1], blocks[first + 1]
        assert "text" in lang
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(code, {})  # the page's own example
        assert out.getvalue() == shown


# --------------------------------------------------------------------------
# rules files shown in the docs


def _rules_blocks() -> list[tuple[str, str]]:
    """(``file:line``, text) of every ```toml block of README.md and
    docs/*.md that is a whole rules file: its first line that is not blank
    or a comment starts with ``format =`` or ``extends =``."""
    fence = re.compile(r"^```toml[ \t]*\n(.*?)^```", re.M | re.S)
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text("utf-8")
        for m in fence.finditer(text):
            body = m[1]
            first = next(
                (
                    line.strip()
                    for line in body.splitlines()
                    if line.strip() and not line.lstrip().startswith("#")
                ),
                "",
            )
            if re.match(r"(format|extends)\s*=", first):
                line = text.count("\n", 0, m.start()) + 1
                found.append((f"{page.relative_to(ROOT)}:{line}", body))
    return found


RULES_BLOCKS = _rules_blocks()


def test_docs_show_rules_files() -> None:
    """The pages do show rules files (the search below is not empty)."""
    assert len(RULES_BLOCKS) >= 5


@pytest.mark.parametrize(
    "where, body", RULES_BLOCKS, ids=[where for where, _ in RULES_BLOCKS]
)
def test_docs_rules_files_load(where: str, body: str) -> None:
    """Every whole rules file of the docs checks with no error (its examples
    run) and loads."""
    from custseg import rules

    errors = [
        f"{d.line}:{d.column} {d.code}: {d.message}"
        for d in rules.check(body, text=True)
        if d.severity == "error"
    ]
    assert errors == [], where
    rules.loads(body)
