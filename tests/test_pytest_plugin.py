"""The pytest plugin: rules files' [[examples]] as test items of a user's suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RULES = """format = 1
extends = "ecommerce"

[[examples]]
note = "a champion"
given = { r = 5, f = 5, m = 5 }
expect = { rfm11 = "Champions" }

[[examples]]
note = "wrong on purpose"
given = { recency_days = 100 }
expect = { lifecycle = "active" }
"""


def _pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ncustseg_rules = ["rules/*.toml"]\n',
        encoding="utf-8",
    )
    return tmp_path


class TestPlugin:
    def test_examples_are_items(self, project: Path) -> None:
        """Each example is an item; a failing one shows the diagnostic, not a traceback."""
        proc = _pytest(project, "rules")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        out = proc.stdout
        assert "1 failed, 1 passed" in out
        assert "rules/shop.toml::example 2 (wrong on purpose)" in out
        assert (
            "shop.toml:12:12: error[example-failed]: example 2 (wrong on purpose): lifecycle is 'silent', expected 'active'"
            in out
        )
        assert "Traceback" not in out

    def test_option_instead_of_ini(self, project: Path) -> None:
        """--custseg-rules names the files when the ini does not."""
        (project / "pyproject.toml").write_text(
            "[tool.pytest.ini_options]\n", encoding="utf-8"
        )
        proc = _pytest(
            project, "rules", "--custseg-rules", "rules/*.toml", "-k", "champion"
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "1 passed, 1 deselected" in proc.stdout

    def test_inert_without_being_asked(self, project: Path) -> None:
        """No option, no ini: .toml files are not collected at all."""
        (project / "pyproject.toml").write_text(
            "[tool.pytest.ini_options]\n", encoding="utf-8"
        )
        proc = _pytest(project, "rules")
        assert proc.returncode == 5, proc.stdout  # no tests collected
        assert "no tests ran" in proc.stdout

    def test_broken_file_is_one_failing_item(self, project: Path) -> None:
        """A file with errors fails once, listing every problem with its position."""
        (project / "rules" / "shop.toml").write_text(
            RULES.replace('rfm11 = "Champions"', 'rfm11 = "Champion"'), encoding="utf-8"
        )
        proc = _pytest(project, "rules")
        assert proc.returncode == 1
        assert "rules/shop.toml::check" in proc.stdout
        assert (
            "error[unknown-label]: example 1: 'Champion' is not a label of 'rfm11'"
            in proc.stdout
        )


class TestExamplesThatWouldNeverRun:
    """A pattern whose examples silently never run is a warning."""

    def test_pattern_matching_no_file(self, project: Path) -> None:
        """A typo in the glob: warned, even on a run of chosen paths."""
        (project / "pyproject.toml").write_text(
            '[tool.pytest.ini_options]\ncustseg_rules = ["rule/*.toml", "rules/*.toml"]\n',
            encoding="utf-8",
        )
        proc = _pytest(project, "rules", "-k", "champion")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "custseg_rules pattern 'rule/*.toml' matches no file" in proc.stdout
        assert "'rules/*.toml'" not in proc.stdout

    def test_files_outside_testpaths(self, project: Path) -> None:
        """The files exist but testpaths leaves them out: warned on a whole
        run, not on a run of chosen paths (they were not asked for)."""
        (project / "tests").mkdir()
        (project / "tests" / "test_x.py").write_text(
            "def test_x():\n    pass\n", encoding="utf-8"
        )
        (project / "pyproject.toml").write_text(
            "[tool.pytest.ini_options]\n"
            'testpaths = ["tests"]\ncustseg_rules = ["rules/*.toml"]\n',
            encoding="utf-8",
        )
        whole = _pytest(project)
        assert whole.returncode == 0, whole.stdout + whole.stderr
        assert "matches only files pytest did not collect" in whole.stdout
        chosen = _pytest(project, "tests")
        assert chosen.returncode == 0, chosen.stdout + chosen.stderr
        assert "custseg_rules pattern" not in chosen.stdout
        # with the rules folder in testpaths the examples run, and no warning
        (project / "pyproject.toml").write_text(
            "[tool.pytest.ini_options]\n"
            'testpaths = ["tests", "rules"]\ncustseg_rules = ["rules/*.toml"]\n',
            encoding="utf-8",
        )
        both = _pytest(project)
        assert "1 failed, 2 passed" in both.stdout, both.stdout
        assert "custseg_rules pattern" not in both.stdout


class TestLoadedByName:
    """`-p custseg.pytest_plugin` (pytest's way to load a plugin by its
    module) beside the automatic loading of the installed entry point: one
    plugin, not "already registered under a different name"."""

    @pytest.mark.parametrize("flags", [[], ["-p", "custseg.pytest_plugin"]])
    def test_loads_once(self, project: Path, flags: list[str]) -> None:
        done = _pytest(project, *flags, "rules")
        assert "already registered" not in done.stdout + done.stderr
        assert "1 failed, 1 passed" in done.stdout, done.stdout + done.stderr
