"""A pytest plugin: the ``[[examples]]`` of rules files as test items.

Installed with custseg (an entry point), and inert until asked for: name
the rules files with ``--custseg-rules GLOB`` (repeatable) or the
``custseg_rules`` ini option (one glob per line, relative to the rootdir),
and every ``[[examples]]`` entry of a matching ``.toml`` file that pytest
collects becomes one test item, run with the rest of the suite. The globs
read as :func:`glob.glob` reads them with ``recursive=True``: ``**``
matches any number of folders, none included (``rules/**/*.toml`` names
``rules/shop.toml`` and ``rules/eu/fr.toml``), a leading ``./`` changes
nothing, and ``*`` skips names starting with a dot::

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
run is a warning at the end of collection: one that matches no ``.toml``
file, or, on a run of the whole suite, files pytest did not collect (outside
the paths it collects, or left out by ``norecursedirs``, ``--ignore`` or
``collect_ignore``), named with the reason (once, also under
pytest-xdist, whose workers each collect). Where warnings are errors (``-W
error``) it is a usage error that stops the run, naming the pattern
(exit code 4), under pytest-xdist too: the worker that warns sends the
error to the controller, which raises it before any test runs. A symbolic link to a rules
file, or to a folder of them, is the file where the link lies, under the
link's name, as pytest collects it: with ``rules/eu`` a link to
``../shared_eu``, ``rules/**/*.toml`` names ``rules/eu/fr.toml``, not
``shared_eu/fr.toml``. Each file is loaded once, at collection.
Without pytest installed nothing here is imported.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import warnings
from collections.abc import Iterable, Iterator
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


def _key(path: Path, root: Path) -> Path:
    """*path* as the plugin compares files: absolute and normalised, no link
    on the way resolved, so a symbolic link to a rules file, or to a folder
    of them, is the file where the link lies, under the link's name, as
    pytest collects it (``rules/eu/fr.toml`` with ``rules/eu`` a link to
    ``../shared_eu`` is below ``rules``, not ``shared_eu/fr.toml``). Only
    the rootdir *root* is resolved: a path below it, reached through a link
    to it or not, is keyed below the real rootdir."""
    path = Path(os.path.abspath(path))
    real = _real(root)
    for base in (Path(os.path.abspath(root)), real):
        if path.is_relative_to(base):
            return real / path.relative_to(base)
    return path


@functools.lru_cache(maxsize=8)
def _real(root: Path) -> Path:
    """The rootdir with its links resolved (once: every offered file asks)."""
    return root.resolve()


def _rules_files(pattern: str, root: Path) -> frozenset[Path]:
    """The files *pattern* names (:func:`_key`): :func:`glob.glob` relative
    to *root* (unless absolute) with ``recursive=True``, so ``**`` matches
    any number of folders, none included, and a leading ``./`` changes
    nothing. The one matcher of the plugin: collection and the
    end-of-collection warning both read it, so they cannot disagree."""
    found = glob.glob(pattern, root_dir=root, recursive=True)
    return frozenset(
        _key(path, root) for name in found if (path := root / name).is_file()
    )


# the files each pattern names, made once per session (a glob over the tree)
_NAMED = pytest.StashKey[dict[str, frozenset[Path]]]()
# the rules files offered to the plugin, per session (pytest offers the
# files of every folder on the way to the paths it collects, then keeps
# those below the paths: see _collected)
_OFFERED = pytest.StashKey[set[Path]]()


def _named(config: pytest.Config) -> dict[str, frozenset[Path]]:
    """Each pattern and the files it names (globbed once per session)."""
    named = config.stash.get(_NAMED, None)
    if named is None:
        root = Path(str(config.rootpath))
        named = {p: _rules_files(p, root) for p in dict.fromkeys(_patterns(config))}
        config.stash[_NAMED] = named
    return named


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Any:
    """A :class:`RulesFile` for each ``.toml`` file the patterns name."""
    config = parent.config
    if file_path.suffix != ".toml" or not _patterns(config):
        return None
    path = _key(file_path, Path(str(config.rootpath)))
    if not any(path in files for files in _named(config).values()):
        return None
    config.stash.setdefault(_OFFERED, set()).add(path)
    return RulesFile.from_parent(parent, path=file_path)


def _shown(paths: Iterable[Path], root: Path, most: int = 3) -> str:
    """A few of *paths*, relative to *root* where they lie below it."""
    names = []
    for path in sorted(paths):
        try:
            names.append(path.relative_to(root.resolve()).as_posix())
        except ValueError:
            names.append(str(path))
    more = len(names) - most
    return ", ".join(names[:most]) + (f" and {more:,d} more" if more > 0 else "")


def _search_paths(config: pytest.Config) -> list[Path]:
    """The paths pytest collects below: ``testpaths`` or the command line
    (node ids cut at ``::``), relative to the folder pytest was run in,
    keyed as the files are (:func:`_key`: a linked folder stays where the
    link lies)."""
    here = Path(str(config.invocation_params.dir))
    root = Path(str(config.rootpath))
    return [_key(here / str(arg).split("::")[0], root) for arg in config.args]


def _left_out(left: list[Path], some_ran: bool, paths: list[Path], root: Path) -> str:
    """Why the examples of the files in *left* did not run: they lie
    outside the *paths* pytest collects, or below them but left out."""
    outside = [f for f in left if not any(f.is_relative_to(p) for p in paths)]
    inside = [f for f in left if f not in outside]
    why = []
    if outside:
        why.append(
            f"{_shown(outside, root)} outside the paths it collects "
            f"({_shown(paths, root)}): add their folder to testpaths or name it on "
            "the command line"
        )
    if inside:
        why.append(
            f"{_shown(inside, root)} below the paths it collects, left out by "
            "norecursedirs, --ignore or collect_ignore"
        )
    which = "files" if some_ran else "only files"
    return (
        f"matches {which} pytest did not collect, so their [[examples]] did not "
        f"run: {'; '.join(why)}"
    )


def _whole_run(config: pytest.Config) -> bool:
    """Whether pytest collects the whole suite: from ``testpaths``, or, with
    no paths given, from the root folder. Started in a subfolder with no
    paths, it collects that folder only (``testpaths`` is used from the
    root folder alone), a run of chosen paths like ``pytest tests``."""
    source = config.args_source
    if source == pytest.Config.ArgsSource.TESTPATHS:
        return True
    return (
        source == pytest.Config.ArgsSource.INVOCATION_DIR
        and Path(str(config.invocation_params.dir)).resolve()
        == Path(str(config.rootpath)).resolve()
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Warn of a pattern whose examples would silently never run: it names
    no rules file at all, or (on a whole-suite run) files pytest did not
    collect (outside ``testpaths``, or left out by its options)."""
    config = session.config
    if not _patterns(config):
        return
    worker = getattr(config, "workerinput", None)
    if worker is not None and worker.get("workerid", "gw0") != "gw0":
        return  # pytest-xdist: every worker collects the same; one warns
    paths = _search_paths(config)
    # offered and below a path pytest collects (a file --lf skips included)
    collected = {
        f
        for f in config.stash.get(_OFFERED, set())
        if any(f.is_relative_to(p) for p in paths)
    }
    root = Path(str(config.rootpath))
    whole_run = _whole_run(config)
    for pattern, files in _named(config).items():
        rules_files = [f for f in files if f.suffix == ".toml"]
        ran = collected & files
        left = [f for f in rules_files if f not in ran]
        if not files:
            why = f"matches no file (relative to {root}): none of its [[examples]] ran"
        elif not rules_files:
            why = (
                f"matches no .toml file (only {_shown(files, root)}): none of its "
                "[[examples]] ran; rules files end in .toml"
            )
        elif left and whole_run:
            why = _left_out(left, bool(ran), paths, root)
        else:
            continue  # all ran, or a run of chosen paths that left some out
        message = f"custseg_rules pattern {pattern!r} {why}"
        try:
            config.issue_config_time_warning(
                pytest.PytestConfigWarning(message), stacklevel=2
            )
        except pytest.PytestConfigWarning:
            # warnings are errors in this run (-W error, filterwarnings =
            # error): a clean usage error naming the pattern, not a pytest
            # INTERNALERROR traceback
            error = (
                f"{message} (a warning, an error in this run as warnings are "
                "errors: fix the pattern, or leave it out)"
            )
            if worker is None:
                raise pytest.UsageError(error) from None
            # a pytest-xdist worker: an exception raised here is an
            # INTERNALERROR of the whole run, so the worker sends the error
            # to the controller as a recorded warning (pytest-xdist forwards
            # those), and the controller raises the usage error
            # (pytest_warning_recorded below) before any test runs
            config.hook.pytest_warning_recorded.call_historic(
                kwargs={
                    "warning_message": warnings.WarningMessage(
                        _PatternError(error), _PatternError, __file__, 0
                    ),
                    "when": "config",
                    "nodeid": "",
                    "location": None,
                }
            )
            return


class _PatternError(pytest.PytestWarning):
    """A pattern warning that is an error in this run, sent by a
    pytest-xdist worker to the controller (which raises it as a usage
    error); not a warning to filter."""


def pytest_configure(config: pytest.Config) -> None:
    """On a pytest-xdist controller, :class:`_Controller` raises the
    pattern errors its workers send."""
    if _patterns(config) and getattr(config, "workerinput", None) is None:
        config.pluginmanager.register(_Controller(), "custseg-rules-controller")


class _Controller:
    """The plugin's part in the pytest process that runs no collection of
    its own (the pytest-xdist controller; inert in a run without xdist,
    where no :class:`_PatternError` is ever recorded)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_warning_recorded(self, warning_message: warnings.WarningMessage) -> None:
        """A worker's :class:`_PatternError` is the usage error it stands
        for (exit code 4, ``ERROR: custseg_rules pattern ...``), as in a
        run without pytest-xdist."""
        if isinstance(warning_message.message, _PatternError):
            raise pytest.UsageError(str(warning_message.message))


class RulesFile(pytest.File):
    """A rules file: one item per example (or one failing item for errors)."""

    def collect(self) -> Iterator[pytest.Item]:
        """The examples of the file, in file order."""
        from . import rules

        problems = [d for d in rules.check(self.path) if d.severity == "error"]
        broken = [d for d in problems if d.code != "example-failed"]
        if broken:
            yield RulesExample.from_parent(
                self, name="check", example=None, problems=broken, rule_set=None
            )
            return
        rs = rules.load(self.path)  # once: each item runs its example on it
        for ex in rs.examples:
            yield RulesExample.from_parent(
                self,
                name=_item_name(ex.number, ex.note),
                example=ex,
                problems=[],
                rule_set=rs,
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

    def __init__(
        self, *, example: Any, problems: list[Any], rule_set: Any, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.example = example
        self.problems = problems
        self.rule_set = rule_set  # the file's rules, loaded once at collection

    def runtest(self) -> None:
        """Run the example; a wrong label fails with the deciding rule."""
        from .rules._examples import failures, run_examples

        if self.example is None:
            raise _ExampleFailed("\n".join(d.render() for d in self.problems))
        ran = run_examples(self.rule_set, [self.example])
        failed = failures([o for o in ran if not o.passed])
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
