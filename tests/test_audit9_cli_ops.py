"""A ninth audit: the operations commands (findings of 3 December 2026).

`custseg due` on a table made with a preset whose win-back deadlines differ
from the default playbook's stopped customers without a word; `custseg
migrate` (and the report's migration) showed moves that only refitted score
edges make (an F score falling while the purchase count did not).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg import cli
from custseg._cli_migrate import refitted_scores
from custseg.datasets import simulate_transactions

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


# --- due: customers past a win-back deadline are counted, with the source ---


@settings(max_examples=8, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    st.lists(st.integers(1, 2500), min_size=1, max_size=10),
    st.sampled_from(["furniture", "beauty_salon", "ecommerce", "travel"]),
)
def test_due_counts_the_customers_past_a_deadline(tmp_path: Path, recencies, preset):
    """Every customer of a win-back class is due, said to be past the
    deadline, or said to be unchecked; the note names --preset when the
    deadlines are the default playbook's."""
    as_of = dt.date(2025, 1, 1)
    rows = [f"c{i},{as_of - dt.timedelta(days=r)},100" for i, r in enumerate(recencies)]
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, _, _ = _run(
            [
                "segment",
                str(tx),
                "--as-of",
                "2025-01-01",
                "--preset",
                preset,
                "--output",
                str(out),
            ]
        )
    assert code == 0
    for given_preset in (None, preset):
        argv = ["due", str(out), "--as-of", "2025-01-01", "--class-column", "lifecycle"]
        if given_preset:
            argv += ["--preset", given_preset]
        code, printed, _ = _run(argv)
        assert code == 0
        past = [x for x in printed.splitlines() if "past their class's" in x]
        if past:
            n = int(past[0].split()[0].replace(",", ""))
            assert 0 < n <= len(recencies)
            assert ("give the same here" in past[0]) == (given_preset is None)
    # with the preset that made the table, no lost customer is past its deadline
    table = pd.read_csv(out)
    code, printed, _ = _run(
        [
            "due",
            str(out),
            "--as-of",
            "2025-01-01",
            "--class-column",
            "lifecycle",
            "--preset",
            preset,
        ]
    )
    if not (table["lifecycle"] == "gone").any():
        assert "past their class's" not in printed


def test_due_without_any_recency_says_so(tmp_path: Path):
    """No recency column: the note names the missing column and the option,
    once (not also as a Python warning)."""
    path = tmp_path / "c.csv"
    path.write_text("customer_id,lifecycle\na,lost\nb,lost\nc,active\n")
    code, printed, err = _run(
        ["due", str(path), "--as-of", "2025-01-01", "--class-column", "lifecycle"]
    )
    assert code == 0
    assert "2 customers of a class with a win-back deadline" in printed
    assert "--recency COLUMN" in printed
    assert "recency" not in err


# --- migrate / report: score moves that only refitted edges make ---


def _brute(before: pd.DataFrame, after: pd.DataFrame, score: str, fact: str) -> int:
    n = 0
    for cid in before.index.intersection(after.index):
        s0, x0 = before.at[cid, score], before.at[cid, fact]
        s1, x1 = after.at[cid, score], after.at[cid, fact]
        if s1 < s0 and x1 >= x0:
            n += 1
    return n


_rows = st.lists(
    st.tuples(
        st.integers(0, 9),
        st.integers(1, 5),
        st.integers(0, 20),
        st.integers(1, 5),
        st.integers(0, 20),
    ),
    max_size=12,
    unique_by=lambda r: r[0],
)


@settings(max_examples=60, deadline=None)
@given(_rows, _rows)
def test_refitted_scores_counts_impossible_falls(rows_b, rows_a):
    """The warning counts exactly the customers of both runs whose score
    fell while the fact it scores did not (and is absent when none did)."""

    def frame(rows):
        return pd.DataFrame(
            {
                "f": [r[1] for r in rows],
                "frequency": [r[2] for r in rows],
                "m": [r[3] for r in rows],
                "monetary": [float(r[4]) for r in rows],
            },
            index=pd.Index([str(r[0]) for r in rows], dtype=object),
        )

    before, after = frame(rows_b), frame(rows_a)
    note = refitted_scores(before, after)
    n_f = _brute(before, after, "f", "frequency")
    n_m = _brute(before, after, "m", "monetary")
    if n_f == n_m == 0:
        assert note is None
        return
    assert note is not None
    if n_f:
        assert f"{n_f:,d} customer" in note and "f score fell" in note
    else:
        assert "f score" not in note
    if n_m:
        assert "m score fell" in note
    # fixed edges cannot give it: the same scores of the same facts never do
    assert refitted_scores(before, before) is None


def test_migrate_and_report_warn_of_refitted_edges(tmp_path: Path):
    """Two runs of a growing store, each fitting its edges: migrate and the
    report say the moves are partly the edges'; fixed edges (a rules file's
    [scores]) give no such warning."""
    tx = simulate_transactions(300, seed=2)
    jun, dec = tmp_path / "jun.csv", tmp_path / "dec.csv"
    tx[tx.date < "2024-07-01"].to_csv(jun, index=False)
    tx[tx.date < "2025-01-01"].to_csv(dec, index=False)
    outs = []
    for src, as_of in ((jun, "2024-06-30"), (dec, "2024-12-31")):
        out = tmp_path / f"{src.stem}-out.csv"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert (
                _run(["segment", str(src), "--as-of", as_of, "--output", str(out)])[0]
                == 0
            )
        outs.append(out)
    before = pd.read_csv(outs[0], index_col=0)
    after = pd.read_csv(outs[1], index_col=0)
    before.index, after.index = before.index.astype(str), after.index.astype(str)
    expected = _brute(before, after, "f", "frequency") + _brute(
        before, after, "m", "monetary"
    )
    code, _, err = _run(["migrate", str(outs[0]), str(outs[1]), "--column", "f"])
    assert code == 0
    assert ("score edges differ" in err) == (expected > 0)
    code, _, err = _run(
        [
            "report",
            str(dec),
            "--as-of",
            "2024-12-31",
            "--previous",
            str(outs[0]),
            "--output",
            str(tmp_path / "r.html"),
            "--no-charts",
        ]
    )
    assert code == 0
    assert ("score edges differ" in err) == (expected > 0)
    page = (tmp_path / "r.html").read_text()
    assert ("score edges differ" in page) == (expected > 0)
    assert expected > 0  # this store's edges do move
