"""Imports point down the layers of DESIGN.md, never up."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "custseg"

LAYER = {
    "errors": 0,
    "_validate": 0,
    "labels": 0,
    "_bins": 0,
    "_threads": 0,
    "_factorize": 1,
    "summary": 1,
    "orders": 1,
    "rfm": 1,
    "pareto": 1,
    "lifecycle": 1,
    "_categories": 0,
    "loyalty": 1,
    "relationship": 1,
    "value": 1,
    "segments": 1,
    "migration": 1,
    "ownership": 1,
    "profile": 1,
    "groups": 1,
    "playbook": 1,
    "rules": 2,
    "frame": 3,
    "_files": 3,
    "btyd": 1,
    "_align": 0,
    "_exact": 0,
    "_display": 0,
    "cli": 3,
    "datasets": 3,
    "__init__": 3,
    "__main__": 3,
    "pytest_plugin": 3,
    "testing": 3,
    # pictures, the HTML report and other engines sit beside the frame API
    "plot": 3,
    "_plot_ticks": 3,  # plot's count-axis locator (imports matplotlib)
    "reporting": 3,
    "engines": 3,
    "_engine_rules": 3,
}
# third-party imports allowed per layer (None: anything)
ALLOWED: dict[int, set[str] | None] = {
    0: {"numpy", "attrs"},
    1: {"numpy", "attrs"},
    2: {"numpy", "attrs"},
    3: None,
}
# pandas (and pyarrow) hash customer ids faster than anything in NumPy
EXTRA = {
    "summary": {"pandas", "pyarrow"},  # pyarrow only for Arrow-typed ids
    "rules": {"pandas"},  # category values factorised exactly (pandas.factorize)
    "btyd": {"pandas"},
    "_categories": {"pandas"},  # text answers hashed once (pandas.factorize)
    "_factorize": {"pandas", "pyarrow"},
    # text columns judged once per distinct value (factorize, Arrow compute)
    "profile": {"pandas", "pyarrow"},
    # numbers in an object column of tags told apart by Python equality
    "groups": {"pandas"},
    # Arrow dictionary labels read by their dictionary (only when given Arrow)
    "labels": {"pyarrow"},
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    name = rel.parts[0]
    # CLI subcommands live in modules of their own, one layer with the CLI
    return "cli" if name.startswith("_cli_") else name


def _imports(path: Path) -> list[tuple[str, int, str]]:
    """(imported name, line, enclosing function or "" at module level).

    Imports under ``if TYPE_CHECKING:`` are skipped: they never run.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, func: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    names = (
                        [child.module.split(".")[0]]
                        if child.module
                        else [a.name for a in child.names]
                    )
                    dots = "." * child.level
                    found.extend((dots + n, child.lineno, func) for n in names)
                elif child.module:
                    parts = child.module.split(".")
                    if parts[0] == "custseg":  # the package itself: name the module
                        subs = parts[1:2] or [a.name for a in child.names]
                        found.extend((f"custseg.{n}", child.lineno, func) for n in subs)
                    else:
                        found.append((parts[0], child.lineno, func))
            elif isinstance(child, ast.Import):
                found.extend(
                    (".".join(a.name.split(".")[:2]), child.lineno, func)
                    if a.name.startswith("custseg.")
                    else (a.name.split(".")[0], child.lineno, func)
                    for a in child.names
                )
            visit(child, func)

    visit(tree, "")
    return found


def _problems(path: Path, rel: Path) -> list[str]:
    """The imports of *path* (module *rel* of the package) that point up."""
    stdlib = set(__import__("sys").stdlib_module_names) | {"__future__"}
    module = _module_name(SRC / rel)
    layer = LAYER[module]
    problems = []
    for name, line, func in _imports(path):
        where = f"{rel}:{line} imports {name}"
        if func == "plot" and name in (".plot", "custseg.plot"):
            # a result's convenience method ``result.plot()`` hands itself to
            # custseg.plot; the import (and matplotlib) is deferred to the call
            continue
        if name.startswith("."):
            target = name.lstrip(".")
            in_subpackage = len(rel.parts) > 1
            if in_subpackage and not name.startswith(".."):
                continue  # a sibling inside the same subpackage
            if LAYER.get(target, 3) > layer:
                problems.append(where)
        elif name in stdlib or ALLOWED[layer] is None:
            continue
        elif func in (
            "to_pandas",
            "to_pandas_index",
            "to_categorical",
            "to_frame",
        ):
            # converting a result to pandas is the one adapter every
            # result type offers; the import is deferred to the call
            if name != "pandas":
                problems.append(where)
        else:
            allowed = (ALLOWED[layer] or set()) | EXTRA.get(module, set())
            if name not in allowed:
                problems.append(where)
    return problems


class TestLayers:
    def test_every_module_has_a_layer(self) -> None:
        """Each module of the package is placed in a layer."""
        for path in SRC.rglob("*.py"):
            assert _module_name(path) in LAYER, f"{path.name} has no layer"

    def test_imports_point_down(self) -> None:
        """No module imports a module of a higher layer or a disallowed library."""
        for path in SRC.rglob("*.py"):
            assert _problems(path, path.relative_to(SRC)) == []

    def test_the_check_can_fail(self, tmp_path: Path) -> None:
        """The import parser sees relative, absolute and function-level imports."""
        src = (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    import polars\n"
            "from .frame import x\nimport pandas as pd\n"
            "def f():\n    from . import rfm\n"
        )
        probe = tmp_path / "probe.py"
        probe.write_text(src, encoding="utf-8")
        assert _imports(probe) == [
            ("typing", 1, ""),
            (".frame", 4, ""),
            ("pandas", 5, ""),
            (".rfm", 7, "f"),
        ]

    def test_plot_imports_only_in_plot_methods(self, tmp_path: Path) -> None:
        """custseg.plot may be imported in a core module only inside ``plot``."""
        src = (
            "class R:\n"
            "    def plot(self, ax=None):\n"
            "        from . import plot as _plot\n"
            "        from custseg import plot\n"
            "        import custseg.plot\n"
            "        from .plot import label_counts\n"
            "        from . import frame\n"
            "    def show(self):\n"
            "        from custseg import plot\n"
            "from .plot import to_svg\n"
            "import custseg.plot\n"
        )
        probe = tmp_path / "probe.py"
        probe.write_text(src, encoding="utf-8")
        assert _problems(probe, Path("labels.py")) == [
            "labels.py:7 imports .frame",
            "labels.py:9 imports custseg.plot",
            "labels.py:10 imports .plot",
            "labels.py:11 imports custseg.plot",
        ]
