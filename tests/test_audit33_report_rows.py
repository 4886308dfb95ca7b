"""Audit 33, HTML report: rows dropped for an empty customer id.

``custseg report --missing-customer drop`` said how many rows it dropped
on the command line only; the page's inputs table counted the rows kept
as "transaction rows in the input". The page now counts every row of the
file and says how many were dropped (``report(rows_without_customer=)``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_command
from custseg.errors import CustsegWarning, ThresholdError
from custseg.reporting import report

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]


def _inputs(html: str) -> dict[str, str]:
    """The inputs table of a page: row heading -> the number shown."""
    section = html.split('<section id="inputs"', 1)[1].split("</section>", 1)[0]
    return dict(
        re.findall(
            r'<th scope="row">([^<]*)</th><td class="num"[^>]*>([^<]*)</td>', section
        )
    )


def _page(data: Any, **options: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return report(data, charts=False, **options).html


_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["", "A", "B", "007", "7"]),
        st.integers(1, 28),
        st.integers(1, 99),
    ),
    min_size=1,
    max_size=12,
).filter(lambda rows: any(r[0] for r in rows))


@settings(max_examples=20, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(rows=_ROWS)
def test_the_page_counts_the_rows_dropped(
    tmp_path_factory: Any, rows: list[tuple[str, int, int]]
) -> None:
    """The file's rows are all counted, those without a customer id on a
    row of their own (absent when there are none); the rest of the page is
    the page of the file without them."""
    folder = tmp_path_factory.mktemp("guests")
    path, page = folder / "tx.csv", folder / "r.html"
    lines = [f"{c},2024-03-{d:02d},{a}" for c, d, a in rows]
    path.write_text(
        "customer_id,date,amount\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    n = sum(1 for c, _, _ in rows if not c)
    run_command(
        [
            *("report", str(path), "--missing-customer", "drop", "--no-charts"),
            *("--output", str(page)),
        ]
    )
    shown = _inputs(page.read_text(encoding="utf-8"))
    assert shown["transaction rows in the input"] == f"{len(rows):,d}"
    assert shown["transactions used"] == f"{len(rows) - n:,d}"
    if n:
        assert shown["rows without a customer id, dropped"] == f"{n:,d}"
    else:
        assert "rows without a customer id, dropped" not in shown


@settings(max_examples=15, deadline=None)
@given(n=st.integers(0, 10**7), lang=st.sampled_from(["en", "zh"]))
def test_python_callers_pass_the_count(n: int, lang: str) -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a"],
            "date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-02-01"]),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    shown = _inputs(_page(tx, rows_without_customer=n, lang=lang))
    heading = "transaction rows in the input" if lang == "en" else "输入的交易行数"
    dropped = (
        "rows without a customer id, dropped"
        if lang == "en"
        else "无客户编号的行(已剔除)"
    )
    assert shown[heading] == f"{3 + n:,d}"
    assert (dropped in shown) == (n > 0)
    if n:
        assert shown[dropped] == f"{n:,d}"


@pytest.mark.parametrize("bad", [-1, 1.0, True, "2", None])
def test_a_bad_count_is_refused(bad: Any) -> None:
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-02"], "amount": [1.0]})
    with pytest.raises(ThresholdError, match="'rows_without_customer' must be"):
        report(tx, rows_without_customer=bad)


def test_the_worked_example(tmp_path: Path) -> None:
    path, page = tmp_path / "tx.csv", tmp_path / "r.html"
    path.write_text(
        "customer_id,date,amount\nA,2024-01-02,10\n,2024-01-03,5\n"
        "B,2024-01-04,7\n,2024-01-05,1\n",
        encoding="utf-8",
    )
    out = run_command(
        ["report", str(path), "--missing-customer", "drop", "--output", str(page)]
    )
    assert "2 rows without a customer id dropped" in out
    shown = _inputs(page.read_text(encoding="utf-8"))
    assert shown["transaction rows in the input"] == "4"
    assert shown["rows without a customer id, dropped"] == "2"
    assert shown["transactions used"] == "2"
