"""A pytest plugin: the ``[[examples]]`` of rules files as test items.

Installed with custseg (an entry point), and inert until asked for: name
the rules files with ``--custseg-rules GLOB`` (repeatable) or the
``custseg_rules`` ini option (one glob per line, relative to the rootdir),
and every ``[[examples]]`` entry of a matching ``.toml`` file that pytest
collects becomes one test item, run with the rest of the suite::

    # pyproject.toml
    [tool.pytest.ini_options]
    custseg_rules = ["rules/*.toml"]

    $ pytest tests rules          # the examples run as rules/salon.toml::example 3

An item is named ``example N (note)``; a run of colons in the note becomes
one and line breaks become spaces, so the id printed for a failure selects
the example again (``pytest "rules/salon.toml::example 3 (see docs:x)"``).
pytest collects the files below the paths it is given (``testpaths`` or the
command line), so put the rules files there or name them on the command
line. A file with errors becomes one failing item that shows them all, with
their positions; a failing example shows the expected and the actual label
and the rule that decided. A pattern whose examples would silently never
run is a warning at the end of collection: one that matches no file, or, on
a run of the whole suite, only files outside the paths pytest collects.
Without pytest installed nothing here is imported.
"""

from __future__ import annotations

import fnmatch
import glob
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .errors import RulesError

# hooks and collectors for pytest, not an API to call
__all__: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--custseg-rules GLOB`` and the ``custseg_rules`` ini option."""
    group = parser.getgroup("custseg", "custseg rules files")
    group.addoption(
        "--custseg-rules",
        action="append",
        default=[],
        metavar="GLOB",
        help="run the [[examples]] of the rules files matching GLOB",
    )
    parser.addini(
        "custseg_rules",
        type="linelist",
        default=[],
        help="globs of rules files whose [[examples]] run as tests",
    )


def _patterns(config: pytest.Config) -> list[str]:
    return [*config.getoption("custseg_rules", []), *config.getini("custseg_rules")]


def _matches(path: Path, pattern: str, root: Path) -> bool:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(str(path), pattern):
        return True
    candidate = Path(pattern)
    if not candidate.is_absolute():
        candidate = root / candidate
    return candidate.exists() and candidate.resolve() == path.resolve()


# the patterns that named a collected file, per session
_MATCHED = pytest.StashKey[set[str]]()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Any:
    """A :class:`RulesFile` for each ``.toml`` file the patterns name."""
    config = parent.config
    if file_path.suffix != ".toml":
        return None
    root = Path(str(config.rootpath))
    hits = {p for p in _patterns(config) if _matches(file_path, p, root)}
    if not hits:
        return None
    config.stash.setdefault(_MATCHED, set()).update(hits)
    return RulesFile.from_parent(parent, path=file_path)


def _on_disk(pattern: str, root: Path) -> bool:
    """Whether *pattern* names any file (relative to *root* unless absolute)."""
    return bool(glob.glob(pattern, root_dir=root, recursive=True))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Warn of a pattern whose examples would silently never run: it names
    no file at all, or (on a whole-suite run) only files pytest did not
    collect (outside ``testpaths``)."""
    config = session.config
    matched = config.stash.get(_MATCHED, set())
    root = Path(str(config.rootpath))
    whole_run = config.args_source != pytest.Config.ArgsSource.ARGS
    for pattern in _patterns(config):
        if pattern in matched:
            continue
        if not _on_disk(pattern, root):
            why = f"matches no file (relative to {root})"
        elif whole_run:
            why = (
                "matches only files pytest did not collect (add their folder "
                "to testpaths)"
            )
        else:
            continue  # a run of chosen paths: the rules files were not asked for
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(
                f"custseg_rules pattern {pattern!r} {why}: none of its [[examples]] ran"
            ),
            stacklevel=2,
        )


class RulesFile(pytest.File):
    """A rules file: one item per example (or one failing item for errors)."""

    def collect(self) -> Iterator[pytest.Item]:
        """The examples of the file, in file order."""
        from . import rules

        problems = [d for d in rules.check(self.path) if d.severity == "error"]
        broken = [d for d in problems if d.code != "example-failed"]
        if broken:
            yield RulesExample.from_parent(
                self, name="check", example=None, problems=broken
            )
            return
        rs = rules.load(self.path)
        for ex in rs.examples:
            yield RulesExample.from_parent(
                self, name=_item_name(ex.number, ex.note), example=ex, problems=[]
            )


def _item_name(number: int, note: str | None) -> str:
    """``example 3 (the note)``, usable in a node id: pytest splits ids at
    ``::`` and reads one per line, so a run of colons in the note becomes
    one colon and any run of whitespace (newlines, tabs) one space; the id
    printed for a failure then selects the example again."""
    name = f"example {number}"
    if not note:
        return name
    note = re.sub(r":{2,}", ":", " ".join(str(note).split()))
    return f"{name} ({note})" if note else name


class _ExampleFailed(Exception):
    """The rendered diagnostics of a failed example or a broken file."""


class RulesExample(pytest.Item):
    """One ``[[examples]]`` entry: passes when every expected label comes out."""

    def __init__(self, *, example: Any, problems: list[Any], **kw: Any) -> None:
        super().__init__(**kw)
        self.example = example
        self.problems = problems

    def runtest(self) -> None:
        """Run the example; a wrong label fails with the deciding rule."""
        from . import rules
        from .rules._examples import failures, run_examples

        if self.example is None:
            raise _ExampleFailed("\n".join(d.render() for d in self.problems))
        rs = rules.load(self.path)
        ex = next(e for e in rs.examples if e.number == self.example.number)
        failed = failures([o for o in run_examples(rs, [ex]) if not o.passed])
        if failed:
            raise _ExampleFailed("\n".join(d.render() for d in failed))

    def repr_failure(self, excinfo: Any, style: Any = None) -> Any:
        """The diagnostics, not a Python traceback."""
        if isinstance(excinfo.value, _ExampleFailed | RulesError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        """Where the example is: its ``[[examples]]`` line."""
        line = self.example.line - 1 if self.example is not None else 0
        return self.path, line, self.name
