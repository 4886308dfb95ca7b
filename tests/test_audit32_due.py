"""`custseg due`'s notes agree with the rows it lists (audit 32): customers
whose win-back deadline is not checked (no recency) were said to be "not
due" while their birthday and points rows were listed below."""

import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg.cli import main
from custseg.playbook import _TEXTS, RECENCY_UNKNOWN

_RUN = itertools.count()
HEADER = "customer_id,lifecycle,recency_days,last_contact,birthday,points\n"


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    with_recency_column=st.booleans(),
    lang=st.sampled_from(["en", "zh"]),
    birthday=st.booleans(),
    points=st.sampled_from([0, 900]),
)
def test_unchecked_customers_note_matches_the_list(
    tmp_path, capsys, with_recency_column, lang, birthday, points
):
    table = tmp_path / "customers.csv"
    day = "1990-12-30" if birthday else "1990-06-01"
    table.write_text(HEADER + f"c1,lost,,2024-12-01,{day},{points}\n", encoding="utf-8")
    if not with_recency_column:
        pd.read_csv(table, dtype=str).drop(columns="recency_days").to_csv(
            table, index=False
        )
    out = tmp_path / f"due-{next(_RUN)}.csv"
    argv = ["due", str(table), "--as-of", "2024-12-28", "--class-column", "lifecycle"]
    argv += ["--birthday", "birthday", "--points", "points", "--min-points", "100"]
    argv += ["--lang", lang, "--output", str(out)]
    capsys.readouterr()
    assert main(argv) == 0
    printed = capsys.readouterr().out
    listed = pd.read_csv(out, dtype=str)
    text = _TEXTS[lang][RECENCY_UNKNOWN]
    assert "not checked" in printed
    # the note never says they are not due while rows of theirs are listed
    assert "they are not due" not in printed
    assert repr(text) in printed
    expected = {"birthday"} if birthday else set()
    if points:
        expected.add("points")
    assert set(listed["reason"]) == expected
    assert (listed["action"] == text).all()


@pytest.mark.parametrize("page", ["docs/cli.md", "docs/playbook.md"])
def test_docs_do_not_say_unchecked_customers_are_not_due(page):
    from pathlib import Path

    text = Path(__file__).parent.parent.joinpath(page).read_text(encoding="utf-8")
    assert "not due until their\nrecency is known" not in text
    assert "unchecked (not due)" not in text
