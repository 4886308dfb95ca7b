"""Audit 13 X2/X3: documented usage type-checks for users of ``py.typed``.

``custseg.segment``, ``custseg.SegmentResult`` and ``custseg.report`` were
``Any`` to a type checker (lazy module ``__getattr__``), so the main entry
point went unchecked; the frame functions were annotated pandas-only while
the docs pass Polars, DuckDB, ... frames and get the same kind back;
``apply_rules`` refused a ``Path`` and ``segment`` an ``AbcCutoffs``.
One mypy run (about 10 seconds) over a user program of the docs' calls.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api", reason="needs mypy (pip install mypy)")

PROGRAM = textwrap.dedent(
    """
    from pathlib import Path

    import pandas as pd

    import custseg
    from custseg import testing
    from custseg.frame import apply_rules, segment_frame, summarize_frame

    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-06-01"], "amount": [1.0]})
    res = custseg.segment(tx, preset="ecommerce", abc_cutoffs=custseg.AbcCutoffs(0.8, 0.95))
    reveal_type(res)
    reveal_type(custseg.SegmentResult)
    reveal_type(custseg.report(tx))
    reveal_type(custseg.rules.load)
    facts: pd.DataFrame = summarize_frame(tx)
    seg: pd.DataFrame = segment_frame(tx, output="pandas")
    labels: pd.DataFrame = apply_rules(seg, Path("shop.toml"))
    engine = object()  # a Polars, DuckDB, Dask or Spark frame
    same_kind = summarize_frame(engine, as_of="2024-07-01")
    same_kind.select("customer_id")  # the engine's own frame: not checked as pandas
    values = testing.boundary_values(Path("shop.toml"))
    days: pd.DataFrame = segment_frame(tx, frequency="days", date_format="%Y-%m-%d")
    """
)

#: misuse the checker must catch, one error per line (the options of the
#: frame functions were ``**options: Any``, so none of these was caught)
MISUSE = textwrap.dedent(
    """
    import pandas as pd

    from custseg.frame import segment_frame, summarize_frame

    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-06-01"], "amount": [1.0]})
    summarize_frame(tx, frequncy="days")
    segment_frame(tx, frequency="weeks")
    summarize_frame(tx, after_as_of="keep")
    segment_frame(tx, rules="ecommerce")
    """
)


def test_documented_calls_type_check(tmp_path: Path) -> None:
    program = tmp_path / "user.py"
    program.write_text(PROGRAM, encoding="utf-8")
    misuse = tmp_path / "misuse.py"
    misuse.write_text(MISUSE, encoding="utf-8")
    out, err, status = api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(program),
            str(misuse),
        ]
    )
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert not [e for e in errors if "user.py" in e], out + err
    # one error (at least) on each misuse line, none elsewhere in that file
    lines = MISUSE.splitlines()
    wrong = {i + 1 for i, text in enumerate(lines) if text.startswith(("summ", "segm"))}
    flagged = {
        int(e.split("misuse.py:")[1].split(":")[0]) for e in errors if "misuse.py" in e
    }
    assert flagged == wrong, out + err
    assert status == 1, out + err
    notes = [
        line.split("Revealed type is ")[1]
        for line in out.splitlines()
        if "Revealed" in line
    ]
    assert notes[0] == '"custseg.frame.SegmentResult"', notes
    assert "SegmentResult" in notes[1] and notes[1] != '"Any"'
    assert notes[2] == '"custseg.reporting.Report"', notes
    assert "RuleSet" in notes[3], notes
