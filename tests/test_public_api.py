"""The public namespace, the API reference and the docstrings agree."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import custseg
import custseg.datasets
import custseg.engines
import custseg.frame
import custseg.plot
import custseg.rules

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    custseg,
    custseg.frame,
    custseg.datasets,
    custseg.engines,
    custseg.plot,
    custseg.rules,
]


def _public(module: object) -> list[tuple[str, object]]:
    return [(name, getattr(module, name)) for name in module.__all__]  # type: ignore[attr-defined]


class TestNamespace:
    def test_all_is_sorted_and_unique(self) -> None:
        """custseg.__all__ is sorted and has no duplicates."""
        assert list(custseg.__all__) == sorted(set(custseg.__all__))

    def test_all_names_exist(self) -> None:
        """Every name in __all__ is importable from the package."""
        for module in MODULES:
            for name, obj in _public(module):
                assert obj is not None, name

    def test_no_public_function_left_out(self) -> None:
        """Public callables defined in the core modules are all in custseg.__all__."""
        exported = set(custseg.__all__)
        for modname in (
            "summary",
            "btyd",
            "rfm",
            "pareto",
            "lifecycle",
            "labels",
            "errors",
            "loyalty",
            "relationship",
            "value",
            "segments",
            "migration",
            "ownership",
            "profile",
            "groups",
            "playbook",
        ):
            module = getattr(custseg, modname)
            for name in module.__all__:
                if name.isupper() or name in ("smallest_int_dtype", "to_frame"):
                    continue
                assert name in exported, f"custseg.{modname}.{name} not exported"


class TestReference:
    def test_every_public_name_is_documented(self) -> None:
        """docs/reference.md has a ::: block for every public name."""
        text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
        blocks = set(re.findall(r"^::: ([\w.]+)", text, flags=re.MULTILINE))
        for module in MODULES:
            for name, _ in _public(module):
                qual = f"{module.__name__}.{name}"
                top = f"custseg.{name}"
                assert qual in blocks or (
                    getattr(custseg, name, None) is getattr(module, name)
                    and top in blocks
                ), f"{qual} missing from docs/reference.md"


class TestDocstrings:
    def test_every_public_callable_has_a_runnable_example(self) -> None:
        """Public functions and classes have numpydoc docstrings with an example."""
        for module in MODULES:
            for name, obj in _public(module):
                if not callable(obj):
                    continue
                doc = inspect.getdoc(obj) or ""
                assert doc, f"{name} has no docstring"
                is_error = isinstance(obj, type) and issubclass(obj, Exception)
                has_fields = isinstance(obj, type) and "Attributes" in doc
                if not (is_error or has_fields):
                    assert ">>>" in doc, f"{name} has no example"

    def test_every_public_method_has_a_runnable_example(self) -> None:
        """Public methods of the public classes have docstrings with an example.

        Methods are the functions (also class and static methods) a class
        defines itself whose names do not start with ``_``; properties and
        attributes are not required to have one.
        """
        classes = {
            id(obj): obj
            for module in MODULES
            for _, obj in _public(module)
            if isinstance(obj, type)
        }
        assert classes
        missing = []
        checked = 0
        for cls in classes.values():
            for attr, value in vars(cls).items():
                if attr.startswith("_"):
                    continue
                if isinstance(value, classmethod | staticmethod):
                    value = value.__func__
                if not inspect.isfunction(value):
                    continue
                checked += 1
                if ">>>" not in (inspect.getdoc(value) or ""):
                    missing.append(f"{cls.__module__}.{cls.__qualname__}.{attr}")
        assert checked
        assert not missing, f"public methods without an example: {missing}"
