"""The declared dependency floors are the versions CI tests.

pyproject.toml declared ``numpy>=1.26`` and ``pandas>=2.1`` while nothing ran
on them: ``import custseg`` failed on NumPy 1.26 (no ``StringDType``), and
pandas 2 read dates past 2262, mixed time zones and text files differently.
Now .ci/run installs the README's test command under .ci/oldest.txt's pins
and runs the suite there; these tests keep that file and pyproject.toml
naming the same versions, so a floor cannot move without being tested.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
OLDEST = ROOT / ".ci" / "oldest.txt"
ENGINES = ROOT / ".ci" / "engines-oldest.txt"
#: the extras whose floors .ci/engines-oldest.txt pins (beside oldest.txt's)
ENGINE_EXTRAS = ("polars", "duckdb", "dask", "spark", "browser")

pytestmark = pytest.mark.skipif(
    not (PYPROJECT.is_file() and OLDEST.is_file()),
    reason="needs the source tree (pyproject.toml and .ci/oldest.txt)",
)

_REQ = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$")


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _floors(requirements: list[str]) -> dict[str, str]:
    """name -> the version of its ``>=`` floor; every requirement has one."""
    out = {}
    for req in requirements:
        m = _REQ.match(req.strip())
        assert m, req
        spec = m.group(3)
        floor = re.fullmatch(r">=\s*([0-9][0-9A-Za-z.]*)", spec)
        assert floor, f"{req!r}: give each dependency a floor (>=X) and nothing else"
        out[_name(m.group(1))] = floor.group(1)
    return out


def _pins(path: Path = OLDEST) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{line!r}: {path.name} pins with =="
            out[_name(name)] = version.strip()
    return out


def _project() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def test_core_and_test_floors_are_the_pinned_oldest_versions() -> None:
    """Each floor of the dependencies and of the `test` and `testing` extras
    is pinned in .ci/oldest.txt at that release (``>=8.0`` and ``==8.0.0``
    are one release), and the file pins nothing else."""
    project = _project()
    extras = project["optional-dependencies"]
    floors = _floors(project["dependencies"])
    for extra in ("test", "testing"):
        for name, version in _floors(extras[extra]).items():
            assert floors.setdefault(name, version) == version, name
    pins = _pins()
    assert set(pins) == set(floors)
    for name, version in floors.items():
        want, got = _release(version), _release(pins[name])
        assert got[: len(want)] == want and not any(got[len(want) :]), (
            f"{name}: pyproject.toml says >={version}, .ci/oldest.txt ={pins[name]}"
        )


def test_engine_floors_are_the_pinned_engine_versions() -> None:
    """.ci/engines-oldest.txt pins oldest.txt's versions and the floor of
    each requirement of the engine and browser extras (dask's distributed at
    dask's version), and nothing else; .ci/run installs those extras under
    it."""
    extras = _project()["optional-dependencies"]
    floors = dict(_pins())
    for extra in ENGINE_EXTRAS:
        for name, version in _floors(extras[extra]).items():
            assert floors.setdefault(name, version) == version, (extra, name)
    floors["distributed"] = floors["dask"]  # dask[distributed], the same release
    pins = _pins(ENGINES)
    assert set(pins) == set(floors)
    for name, version in floors.items():
        want, got = _release(version), _release(pins[name])
        assert got[: len(want)] == want and not any(got[len(want) :]), (
            f"{name}: pyproject.toml says >={version}, {ENGINES.name} ={pins[name]}"
        )
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c .ci/engines-oldest.txt" in run
    assert f"'.[test,{','.join(ENGINE_EXTRAS)}]'" in run


def test_ci_installs_the_readme_test_command_under_the_pins() -> None:
    """.ci/run's second virtualenv takes the README's `test` extra under the
    pins (a dropped line would leave the floors untested)."""
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c .ci/oldest.txt" in run
    assert "'.[test]'" in run
    assert "pip install -e '.[test]' && pytest" in (ROOT / "README.md").read_text(
        encoding="utf-8"
    )
