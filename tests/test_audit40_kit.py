"""Audit 40, the testing kit (custseg.testing, the pytest plugin).

1. Under pytest-xdist, the plugin's warning of a pattern whose examples
   would never run was an INTERNALERROR (exit 3, a traceback of
   ``KeyError: <WorkerController gw0>``) where warnings are errors; it is
   the usage error a run without xdist gives (exit 4, ``ERROR:
   custseg_rules pattern ...``).
2. ``assert_monotone`` on rules reading a population aggregate skipped
   every row whose label as given is not in ``order``, where the row-wise
   check raises those rows to find a fall between two labels that are:
   ``vip`` as given (left out of the order), ``key`` at 1,000 and
   ``member`` at 5,000 passed (or was "nothing compared").
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import hypothesis
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.testing import assert_monotone

ORDER = ["ordinary", "member", "key"]


@functools.lru_cache(maxsize=64)
def _tiers(lo: int, hi: int | None, member: int, vip: int, *, aggregate: bool):
    """``key`` from *lo* (to *hi*: the mutant), ``member`` from *member*,
    ``vip`` (a label left out of the order) from *vip*."""
    key = f"monetary >= {lo}" + ("" if hi is None else f" and monetary < {hi}")
    if aggregate:
        key += " and monetary >= mean(monetary) / 1e12"
    return rules.loads(
        f"""
format = 1
[fields]
monetary = {{ type = "number", min = 0 }}
[segments.tier]
default = "ordinary"
rules = [
  {{ label = "key", when = "{key}" }},
  {{ label = "member", when = "monetary >= {member}" }},
  {{ label = "vip", when = "monetary >= {vip}" }},
]
"""
    )


@pytest.mark.parametrize("aggregate", [False, True])
def test_a_row_given_a_label_outside_the_order_still_shows_a_fall(
    aggregate: bool,
) -> None:
    broken = _tiers(1000, 5000, 100, 50, aggregate=aggregate)
    # row 0 is 'vip' as given (not in the order); row 1 'member' stays so
    data = {"monetary": [60.0, 6000.0]}
    with pytest.raises(AssertionError) as caught:
        assert_monotone(broken, data, "tier", "monetary", ORDER)
    text = str(caught.value)
    assert "moves row 0 down in 'tier'" in text, text
    assert "at monetary = 4999.999999999999 -> 'member'" in text, text
    assert "at monetary = 5000.0 (as given: 'vip')" in text, text


def test_a_row_given_a_label_outside_the_order_alone_is_no_longer_skipped() -> None:
    broken = _tiers(1000, 5000, 100, 50, aggregate=True)
    with pytest.raises(AssertionError, match=r"\(as given: 'vip'\)"):
        assert_monotone(broken, {"monetary": [60.0, 60.0]}, "tier", "monetary", ORDER)


KINDS = ["ordinary", "vip", "band", "high"]


@getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=6, deadline=None, database=None
)
@given(
    lo=st.integers(200, 5_000),
    width=st.integers(1, 5_000),
    rows=st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(0, 10_000)),
        min_size=1,
        max_size=2,
    ),
)
@example(lo=200, width=1, rows=[("vip", 3), ("high", 5)])
@example(lo=4_000, width=2_000, rows=[("high", 0), ("vip", 49)])
def test_both_paths_agree_on_rows_outside_the_order(
    lo: int, width: int, rows: list[tuple[str, int]]
) -> None:
    """The row-wise and the raised-alone checks fail on the same tables:
    every row below the end of the ``key`` band falls, ``vip`` ones (a
    label left out of the order) included; and the rules as meant (no end
    to ``key``) never fail: no false alarm from a label outside the order."""
    start = {"ordinary": 0, "vip": 50, "band": lo, "high": lo + width}
    span = {"ordinary": 50, "vip": 50, "band": width, "high": 10_001}
    data = {"monetary": [float(start[k] + o % span[k]) for k, o in rows]}
    for aggregate in (False, True):
        fixed = _tiers(lo, None, 100, 50, aggregate=aggregate)
        assert_monotone(fixed, data, "tier", "monetary", ORDER)
        broken = _tiers(lo, lo + width, 100, 50, aggregate=aggregate)
        if any(k != "high" for k, _ in rows):
            with pytest.raises(AssertionError, match="moves row"):
                assert_monotone(broken, data, "tier", "monetary", ORDER)
        else:
            assert_monotone(broken, data, "tier", "monetary", ORDER)


def test_a_pattern_error_under_xdist_is_a_usage_error(tmp_path: Path) -> None:
    """Under pytest-xdist with warnings as errors, a pattern matching no
    file was an INTERNALERROR (exit 3); it is the usage error of a run
    without xdist (exit 4, naming the pattern), and no test runs."""
    pytest.importorskip("xdist")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.toml").write_text(
        'format = 1\n[fields]\nmonetary = { type = "number", min = 0 }\n'
        '[segments.tier]\ndefault = "ordinary"\n'
        'rules = [{ label = "key", when = "monetary >= 1000" }]\n'
        '[[examples]]\ngiven = { monetary = 1000 }\nexpect = { tier = "key" }\n',
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ncustseg_rules = ["rules/*.toml", "rule/*.toml"]\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "xdist",
            "-p",
            "custseg.pytest_plugin",
            "-n",
            "1",
            "-q",
            "-W",
            "error",
            "rules",
        ],
        cwd=tmp_path,
        # the two plugins only (-p above): a worker starts in a second
        # and the custseg this test imported (not another one installed)
        env={
            **os.environ,
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "PYTHONPATH": os.pathsep.join(
                [
                    str(Path(custseg.__file__).parents[1]),
                    os.environ.get("PYTHONPATH", ""),
                ]
            ),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert "INTERNALERROR" not in out, out
    assert proc.returncode == 4, out
    assert "ERROR: custseg_rules pattern 'rule/*.toml' matches no file" in out, out
    assert "warnings are errors" in out, out
    assert "passed" not in out and "PASSED" not in out, out
