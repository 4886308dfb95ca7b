"""Tests and examples that need an extra skip where it is not installed.

CI runs the suite a second time with only the ``test`` extra (the README's
test command, at the floors of .ci/oldest.txt): no pyarrow, Polars, DuckDB,
Dask, Spark, matplotlib or Playwright. A test file that imports one of them
at module level, or a page whose examples import one without
``pytest.importorskip`` first, fails there: its collection errors, or its
doctest raises ``ModuleNotFoundError`` (the CI of 6 December 2026 failed on
``docs/groups.md`` and ``tests/test_audit28_migration.py`` so). This reads
every test file, page and docstring and names each such import, so that the
main run finds them before the floors do.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# what the extras install beyond the core (numpy, pandas, attrs) and the
# `test` extra (pytest, hypothesis, xdist)
OPTIONAL = frozenset(
    {
        "pyarrow",
        "polars",
        "duckdb",
        "dask",
        "distributed",
        "pyspark",
        "narwhals",
        "playwright",
        "matplotlib",
        "griffe",
        "mkdocs",
        "mypy",
    }
)


def _top(module: str) -> str:
    return module.split(".")[0]


def _skipped(source: str) -> set[str]:
    """The packages a file skips on: importorskip("x...") or find_spec("x...")."""
    return {
        _top(m)
        for m in re.findall(r"(?:importorskip|find_spec)\(\s*[\"']([\w.]+)", source)
    }


def _ignored_when_missing() -> set[str]:
    """The files conftest.py leaves uncollected when an extra is missing."""
    text = (ROOT / "conftest.py").read_text(encoding="utf-8")
    return set(re.findall(r"\"((?:src|docs)/[\w./-]+)\"", text))


def unguarded_module_imports(source: str) -> list[tuple[int, str]]:
    """Module-level imports of an optional package with no skip before them."""
    found = []
    skipped: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            skipped |= _skipped(ast.get_source_segment(source, node) or "")
            continue
        found += [
            (node.lineno, n)
            for n in names
            if _top(n) in OPTIONAL and _top(n) not in skipped
        ]
    return found


_EXAMPLE_IMPORT = re.compile(r"^\s*>>>\s*(?:import|from)\s+([\w.]+)", re.MULTILINE)


def unguarded_example_imports(text: str) -> list[tuple[int, str]]:
    """Examples (``>>>``) importing an optional package not skipped earlier."""
    found = []
    for match in _EXAMPLE_IMPORT.finditer(text):
        name = match.group(1)
        before = text[: match.start()]
        if _top(name) in OPTIONAL and _top(name) not in _skipped(before):
            found.append((before.count("\n") + 1, name))
    return found


def test_the_checks_catch_the_failures_of_6_december() -> None:
    module = "import math\n\nimport pyarrow as pa\nimport pytest\n"
    assert unguarded_module_imports(module) == [(3, "pyarrow")]
    guarded = (
        'import pytest\npa = pytest.importorskip("pyarrow")\nimport pyarrow.parquet\n'
    )
    assert unguarded_module_imports(guarded) == []
    page = ">>> import custseg\n>>> import polars as pl\n"
    assert unguarded_example_imports(page) == [(2, "polars")]
    page = (
        '>>> import pytest\n>>> pl = pytest.importorskip("polars")\n>>> import polars\n'
    )
    assert unguarded_example_imports(page) == []


TEST_FILES = [*sorted((ROOT / "tests").glob("*.py")), ROOT / "conftest.py"]


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_test_files_skip_on_missing_extras(path: Path) -> None:
    bad = unguarded_module_imports(path.read_text(encoding="utf-8"))
    assert not bad, (
        f"{path.name} imports {', '.join(f'{n} (line {i})' for i, n in bad)} at "
        "module level: without that extra its collection fails; use "
        "pytest.importorskip before it"
    )


PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
SOURCES = sorted((ROOT / "src" / "custseg").rglob("*.py"))


@pytest.mark.parametrize(
    "path", PAGES + SOURCES, ids=lambda p: str(p.relative_to(ROOT))
)
def test_examples_skip_on_missing_extras(path: Path) -> None:
    if str(path.relative_to(ROOT)) in _ignored_when_missing():
        return  # conftest.py leaves it uncollected without its extras
    bad = unguarded_example_imports(path.read_text(encoding="utf-8"))
    assert not bad, (
        f"{path.relative_to(ROOT)}: the examples import "
        f"{', '.join(f'{n} (line {i})' for i, n in bad)} without "
        "pytest.importorskip first: the README's test install (no extras) fails"
    )
