"""Audit 39, the testing kit (custseg.testing) as a user's suite uses it.

1. ``assert_monotone`` compared every raised value only with the row's
   label as given: a fall above it (``key`` at 1,000, ``member`` at 5,000,
   on a row that is ``ordinary`` as given) was evaluated and ignored, so
   the mutant of docs/testing.md passed on every table without a ``key``
   customer, in the row-wise check and in the raised-alone one (rules
   reading aggregates).
2. A failure on a table indexed by a MultiIndex named it ``index`` and
   showed NumPy reprs (``(index (np.int64(8), 'us'))``).
3. The pytest plugin's warning of a pattern matching no file was an
   INTERNALERROR under warnings-as-errors.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.testing import assert_monotone

FAST = settings(max_examples=30, deadline=None, database=None)

ORDER = ["ordinary", "member", "key"]


def _tiers(
    lo: float,
    hi: float | None,
    member: float,
    *,
    kind: str = "number",
    aggregate: bool = False,
) -> rules.RuleSet:
    """``key`` from *lo* (to *hi*, the mutant), ``member`` from *member*."""
    key = f"monetary >= {lo!r}"
    if hi is not None:
        key += f" and monetary < {hi!r}"
    if aggregate:
        key += " and monetary >= mean(monetary) / 1e12"
    return rules.loads(
        f"""
format = 1
[fields]
monetary = {{ type = "{kind}", min = 0 }}
[segments.tier]
default = "ordinary"
rules = [
  {{ label = "key", when = "{key}" }},
  {{ label = "member", when = "monetary >= {member!r}" }},
]
"""
    )


BROKEN = _tiers(1000.0, 5000.0, 100.0)


@pytest.mark.parametrize("rows", [[0.0], [50.0], [150.0], [0.0, 50.0, 150.0]])
def test_a_fall_above_the_given_label_is_caught(rows: list[float]) -> None:
    with pytest.raises(AssertionError) as caught:
        assert_monotone(BROKEN, {"monetary": rows}, "tier", "monetary", ORDER)
    text = str(caught.value)
    assert "raising 'monetary' moves row 0 down in 'tier'" in text
    assert "'key' (rule 1: when = 'monetary >= 1000.0 and monetary < 5000.0'" in text
    assert (
        "-> 'member' (rule 2: when = 'monetary >= 100.0', line 9) at monetary = 5000.0"
        in text
    )
    assert "at monetary = 4999.999999999999 ->" in text


def test_the_fall_names_the_customer_and_the_given_label() -> None:
    data = pd.DataFrame(
        {"monetary": [6000.0, 20.0]}, index=pd.Index(["C-1", "C-2"], name="customer_id")
    )
    with pytest.raises(
        AssertionError,
        match=r"row 1 \(customer_id 'C-2'\) .* \(as given: 'ordinary'\); the row: \{'monetary': 20.0\}",
    ):
        assert_monotone(BROKEN, data, "tier", "monetary", ORDER)


@pytest.mark.parametrize("kind", ["number", "integer"])
def test_a_fall_above_the_given_label_is_caught_raised_alone(kind: str) -> None:
    rs = _tiers(5, 9, 2, kind=kind, aggregate=True)
    data = {"monetary": [1, 1] if kind == "integer" else [1.0, 1.0]}
    hi = "9" if kind == "integer" else "9.0"
    with pytest.raises(
        AssertionError,
        match=rf"\(raised alone; .* -> 'member' .* at monetary = {hi} \(as given: 'ordinary'\)",
    ):
        assert_monotone(rs, data, "tier", "monetary", ORDER)


@FAST
@given(
    lo=st.integers(1, 10_000),
    width=st.integers(1, 10_000),
    below=st.integers(0, 10_000),
    rows=st.lists(st.integers(0, 30_000), min_size=1, max_size=6),
    kind=st.sampled_from(["number", "integer"]),
)
def test_a_band_mutant_fails_exactly_when_a_row_is_below_its_end(
    lo: int, width: int, below: int, rows: list[int], kind: str
) -> None:
    # key from lo to hi (the mutant: it should not end), member from m <= lo
    hi, member = lo + width, max(0, lo - below)
    data = {"monetary": [float(x) for x in rows] if kind == "number" else rows}
    broken = _tiers(float(lo), float(hi), float(member), kind=kind)
    fixed = _tiers(float(lo), None, float(member), kind=kind)
    # the rules as meant never fail (no false alarm on any row) ...
    assert_monotone(fixed, data, "tier", "monetary", ORDER)
    # ... and the mutant fails on every table with a row below its end
    if min(rows) < hi:
        with pytest.raises(AssertionError, match="moves row"):
            assert_monotone(broken, data, "tier", "monetary", ORDER)
    else:
        assert_monotone(broken, data, "tier", "monetary", ORDER)


def test_a_multiindex_names_its_levels_and_plain_values() -> None:
    """2. A failure on a table indexed by a MultiIndex said ``(index
    (np.int64(8), 'us'))``: the levels' names left out, NumPy reprs."""
    idx = pd.MultiIndex.from_arrays(
        [[7, 8], ["eu", "us"]], names=["customer_id", "region"]
    )
    data = pd.DataFrame({"monetary": [6000.0, 2000.0]}, index=idx)
    with pytest.raises(
        AssertionError, match=r"row 1 \(customer_id, region \(8, 'us'\)\) down"
    ):
        assert_monotone(BROKEN, data, "tier", "monetary", ORDER)


def test_a_pattern_warning_under_warnings_as_errors_is_a_usage_error(
    tmp_path: Path,
) -> None:
    """3. Under ``-W error`` (or ``filterwarnings = ["error"]``) the
    plugin's warning of a pattern matching no file was a pytest
    INTERNALERROR traceback (exit 3); it is a usage error naming the
    pattern (exit 4)."""
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
            "no:randomly",
            "-p",
            "no:xdist",
            "-q",
            "-W",
            "error",
            "rules",
        ],
        cwd=tmp_path,
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
