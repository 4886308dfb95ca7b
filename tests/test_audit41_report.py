"""Audit 41, the HTML report: sums of money past float64's cent precision
written with digits the float does not hold, and class names broken in the
middle of a word (``transactions_onl`` / ``y``)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import reporting


def _tiny_page(amounts: list[float]) -> custseg.reporting.Report:
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(amounts))],
            "date": ["2024-06-01"] * len(amounts),
            "amount": amounts,
        }
    )
    return custseg.report(tx, as_of="2024-07-01", charts=False)


@given(
    x=st.floats(7e13, 1e22, allow_nan=False, allow_infinity=False),
    sign=st.sampled_from([1.0, -1.0]),
)
@settings(max_examples=60, deadline=None)
def test_money_sums_show_only_digits_the_float_holds(x: float, sign: float) -> None:
    """A sum from ~7e13 (float step past a cent) was written to the cent:
    1e14 + 0.01 read ``.02``. Now no written place is finer than the
    float's step, and the text is the value rounded to those places."""
    x *= sign
    text = reporting._money(x)
    step = math.ulp(x)
    places = len(text.partition(".")[2])
    assert 10.0**-places >= step or places == 0, (x, text)
    want = Decimal(repr(x)).quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)
    assert Decimal(text.replace(",", "")) == want, (x, text)


def test_money_repro_no_spurious_cent() -> None:
    assert reporting._money(1e14 + 0.01) == "100,000,000,000,000.0"
    assert reporting._money(1e15 + 0.13) == "1,000,000,000,000,000"
    assert reporting._money(1e16) == "10,000,000,000,000,000"
    # below the bound, cents and sub-cent digits are kept as before
    assert reporting._money(6e13 + 0.01) == "60,000,000,000,000.01"
    assert reporting._money(6000000000.125) == "6,000,000,000.125"


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_report_revenue_of_a_huge_sum_has_no_spurious_cent() -> None:
    """The repro on a page: a revenue of 1e14 + 0.01 (held as
    ...000.015625) read ``100,000,000,000,000.02`` in the tables."""
    page = _tiny_page([1e14, 0.01])
    assert "100,000,000,000,000.02" not in page.html
    assert "100,000,000,000,000.0<" in page.html


@given(
    name=st.text(
        st.sampled_from(["a", "_", "<", "&", "\n", "中", " "]), min_size=0, max_size=12
    )
)
@settings(max_examples=40, deadline=None)
def test_class_names_break_after_underscores_only(name: str) -> None:
    """A name (no blank) gets a <wbr> after each underscore but a last,
    and nothing else: without the markup it is the escaped name as before;
    a text with a blank is left as it is."""
    shown = reporting._breakable(name)
    plain = reporting._esc_name(name)
    assert shown.replace("<wbr>", "") == plain
    if re.search(r"\s", plain):  # a text with blanks breaks at them
        assert shown == plain
        return
    assert shown.count("<wbr>") == len(re.findall(r"_(?=.)", plain, re.S))
    assert not re.search(r"_(?!<wbr>).", shown, re.S)


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_report_class_names_break_at_the_underscore() -> None:
    """``transactions_only`` in a narrow column broke as
    ``transactions_onl`` / ``y``: the cells and headers now offer a break
    after the underscore (``no_purchase`` of the lifecycle table)."""
    page = _tiny_page([10.0, 20.0])
    assert '<th scope="row">no_<wbr>purchase</th>' in page.html
    assert '<th scope="row">no_purchase</th>' not in page.html
    # a label with blanks is left as it is (it breaks at its blanks)
    assert "rows dated after as_of, dropped</th>" in page.html


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_row_names_stay_in_sight_when_a_table_scrolls() -> None:
    """A migration table of many long class names is wider than a
    1,000-pixel window and scrolls sideways: its row names (the previous
    run's classes) scrolled out of sight with the counts. Row headers and
    the corner cell are now sticky at the left (static in print)."""
    html = _tiny_page([10.0, 20.0]).html
    css = re.search(r"<style>(.*?)</style>", html, re.S)
    assert css is not None
    rule = re.search(r'tbody th\[scope="row"\][^{]*\{([^}]*)\}', css.group(1))
    assert rule is not None and "position: sticky" in rule.group(1)
    assert "left: 0" in rule.group(1) and "background" in rule.group(1)
    printed = css.group(1).split("@media print")[1]
    static = re.search(r'tbody th\[scope="row"\][^{]*\{([^}]*)\}', printed)
    assert static is not None and "position: static" in static.group(1)
    assert "thead th:first-child" in printed.split("position: static")[0]
