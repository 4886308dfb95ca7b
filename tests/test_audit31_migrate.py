"""Audit 31, ``custseg migrate``: one warning per cause.

A label column whose runs write one number two ways (``1`` and ``1.0``
beside text labels) got the numbers-apart warning and also the edited
thresholds one (the same recency has another class in each run): the
thresholds were not edited, the labels were written another way.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.cli import main

#: one number written two ways (before, after)
_WAYS = [("1", "1.0"), ("01", "1"), ("2", "2.00"), ("1.5", "1.50"), ("3.0", "03")]


def _run(folder: Path, cut: int, n: int, ways: tuple[str, str]) -> str:
    """Both runs label recency below *cut* with the number, the rest 'x'
    (three customers a day, so that the labels read as steps of the days)."""
    for name, number in (("june.csv", ways[0]), ("dec.csv", ways[1])):
        rows = "".join(
            f"c{i},{d},{number if d < cut else 'x'}\n" for i, d in enumerate(_days(n))
        )
        (folder / name).write_text(
            "customer_id,recency_days,tier\n" + rows, encoding="utf-8"
        )
    return _warned(folder)


def _days(n: int) -> list[int]:
    return [d for d in range(n) for _ in range(3)]


def _warned(folder: Path) -> str:
    """What ``custseg migrate`` writes to stderr for the two runs."""
    argv = ["migrate", str(folder / "june.csv"), str(folder / "dec.csv")]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main([*argv, "--column", "tier"]) == 0
    return err.getvalue()


@settings(max_examples=20, deadline=None)
@given(
    ways=st.sampled_from(_WAYS),
    n=st.integers(7, 30),
    cut=st.integers(1, 29),
)
def test_numbers_written_two_ways_are_not_edited_thresholds(
    tmp_path_factory: object, ways: tuple[str, str], n: int, cut: int
) -> None:
    """Whatever the number, its two writings and where the classes cut the
    days, the one warning names the writing, none the thresholds."""
    folder = tmp_path_factory.mktemp("m")  # type: ignore[attr-defined]
    if cut >= n:  # every label the number: no steps, no warning at all
        cut = n - 1
    err = _run(folder, cut, n, ways)
    assert "one number written two ways" in err, err
    assert "has another class in each run" not in err, err


def test_edited_thresholds_still_warned(tmp_path: Path) -> None:
    """The control: the same number written the same way, cut at another
    day in each run, is an edited threshold."""
    for name, cut in (("june.csv", 30), ("dec.csv", 45)):
        rows = "".join(
            f"c{i},{d},{'1' if d < cut else 'x'}\n" for i, d in enumerate(_days(90))
        )
        (tmp_path / name).write_text(
            "customer_id,recency_days,tier\n" + rows, encoding="utf-8"
        )
    assert "has another class in each run" in _warned(tmp_path)
