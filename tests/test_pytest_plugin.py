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
