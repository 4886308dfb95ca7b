"""Audit 15 (4 December 2026, night): findings of six adversarial probes.

* Rates and probabilities above 1 are refused however little above: a
  ``Decimal`` that float64 rounds onto 1 is above it (the margin of
  ``recommended_relationship`` with rate breaks missed the cut 1).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError
from custseg.relationship import recommended_relationship

_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

#: decimals float64 rounds to 1.0 from above (and 1 itself)
_NEAR_ONE = st.builds(
    lambda k, d: Decimal("1." + "0" * (k - 1) + str(d)),
    st.integers(17, 40),
    st.integers(1, 9),
)


def _refusers():
    """Each public check of a value in [0, 1] (or a rate up to 1), as a
    function of one value."""
    tiers = custseg.ValueTierThresholds(assets_medium=1, assets_large=2)
    return {
        "margin": lambda x: recommended_relationship(
            [50], [x], customers_breaks=(100, 1000), margin_breaks=(0.1, 0.3)
        ),
        "margin up to 1": lambda x: recommended_relationship(
            [50], [x], customers_breaks=(100, 1000), margin_breaks=(0.1, 1)
        ),
        "intent": lambda x: custseg.value_tier([5], [x], thresholds=tiers),
        "repurchase": lambda x: custseg.repurchase_band([x]),
    }


@pytest.mark.parametrize("name", sorted(_refusers()))
@_SETTINGS
@given(above=_NEAR_ONE)
def test_just_above_one_is_refused(name, above):
    """Above 1 by less than float64 sees: refused, as 1.0000000000000002
    is; exactly 1 (written with more digits too) is accepted."""
    check = _refusers()[name]
    with pytest.raises(InputError, match=r"above 1|outside"):
        check(above)
    check(Decimal("1.000000000000000000000"))
    check(1.0)


# --------------------------------------------------------------------------
# Two Series are paired by their index, never by position alone
# --------------------------------------------------------------------------


@_SETTINGS
@given(
    quantities=st.lists(st.integers(-5, 20), min_size=2, max_size=8),
    data=st.data(),
)
def test_line_amounts_pairs_series_by_index(quantities, data):
    """``line_amounts(quantity, price)`` with two Series: the same index
    gives the products; any other order of the same lines is an
    InputError (it paired them by position, silently)."""
    import pandas as pd

    n = len(quantities)
    ids = [f"line-{i}" for i in range(n)]
    prices = data.draw(
        st.lists(st.sampled_from([0.29, 2.55, 10.0]), min_size=n, max_size=n)
    )
    q = pd.Series(quantities, index=ids)
    p = pd.Series(prices, index=ids)
    expect = custseg.line_amounts(quantities, prices)
    assert custseg.line_amounts(q, p).tolist() == expect.tolist()
    perm = data.draw(st.permutations(range(n)))
    shuffled = p.iloc[list(perm)]
    if list(perm) == list(range(n)):
        return
    with pytest.raises(InputError, match="'price' has a different index"):
        custseg.line_amounts(q, shuffled)
    aligned = custseg.line_amounts(q, shuffled.reindex(q.index))
    assert aligned.tolist() == expect.tolist()


# --------------------------------------------------------------------------
# nps(by=): values of two kinds are two groups or an error, never one
# --------------------------------------------------------------------------

_KINDS = {
    "bool": [True, False],
    "number": [1, 1.0, 0, Decimal("1")],
    "text": ["1", "0", "True"],
}


@_SETTINGS
@given(
    kinds=st.lists(
        st.sampled_from(sorted(_KINDS)), min_size=1, max_size=3, unique=True
    ),
    data=st.data(),
)
def test_nps_groups_of_different_kinds_are_refused(kinds, data):
    """``True``, ``1`` and ``1.0`` are equal in Python; as groups they are
    refused together rather than merged (as transition_matrix refuses
    them), and one kind alone groups by Python equality."""
    values = [
        data.draw(st.sampled_from(_KINDS[k]))
        for k in kinds
        for _ in range(data.draw(st.integers(1, 3)))
    ]
    values = data.draw(st.permutations(values))
    scores = [10] * len(values)
    if len(kinds) > 1:
        with pytest.raises(InputError, match="'by' mixes group values of different"):
            custseg.nps(scores, by=list(values))
        return
    r = custseg.nps(scores, by=list(values))
    assert sum(r.n.tolist()) == len(values)
    assert len(r.groups) == len(set(values))


# --------------------------------------------------------------------------
# profile_completeness: a cell of several values
# --------------------------------------------------------------------------

_MISSING_ITEMS = [None, "", "  ", "n/a", "未知", float("nan")]
_FILLED_ITEMS = ["reading", 0, False, "无锡", 3.5]


@_SETTINGS
@given(
    missing=st.lists(st.sampled_from(_MISSING_ITEMS), max_size=3),
    filled=st.lists(st.sampled_from(_FILLED_ITEMS), max_size=2),
    box=st.sampled_from(["list", "tuple", "array", "dict", "nested"]),
    data=st.data(),
)
def test_profile_cell_of_several_values(missing, filled, box, data):
    """A list cell (a Parquet list column) is filled when one of its values
    is, missing when none is (``[]`` too): it was filled whatever it held."""
    import numpy as np

    items = data.draw(st.permutations(missing + filled))
    if box == "list":
        cell = list(items)
    elif box == "tuple":
        cell = tuple(items)
    elif box == "array":
        cell = np.array(items, dtype=object)
    elif box == "dict":
        cell = {f"k{i}": x for i, x in enumerate(items)}
    else:
        cell = [list(items[:1]), list(items[1:])]
    kw = {"hard": ["hobbies"], "soft": [], "weights": (1, 0)}
    got = custseg.profile_completeness({"hobbies": ["x", cell]}, **kw).score.tolist()
    assert got == [1.0, 1.0 if filled else 0.0]


# --------------------------------------------------------------------------
# The HTML report: any amount float64 holds; money as the data writes it;
# the charts show every row of their tables
# --------------------------------------------------------------------------


def _tx(amounts):
    import pandas as pd

    return pd.DataFrame(
        {
            "customer_id": range(len(amounts)),
            "date": pd.Timestamp("2024-06-01"),
            "amount": amounts,
        }
    )


_FEW_CUSTOMERS = pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")


@_FEW_CUSTOMERS
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exponent=st.integers(20, 300), places=st.integers(0, 4))
def test_report_of_any_magnitude(exponent, places):
    """The score ranges of spends past the 28 digits of Python's default
    decimal context (1e26 and up) were a bare decimal.InvalidOperation."""
    import numpy as np

    amounts = [*(np.linspace(1, 2, 9) * 10.0**exponent).tolist(), 10.0**-places]
    page = custseg.report(_tx(amounts), as_of="2024-07-01", charts=False)
    assert "score" in page.html


@_FEW_CUSTOMERS
@_SETTINGS
@given(
    cents=st.lists(st.integers(-100_000, 100_000), min_size=1, max_size=6),
    mills=st.lists(st.integers(-1_000, -1), max_size=3),
)
def test_report_money_is_written_as_the_data(cents, mills):
    """The refund total and the revenue of the summary tables are written
    to the cent, or every digit of amounts below a cent (``-0.004`` was
    ``0.00``, a revenue of 0.40 was ``0``)."""
    import re

    amounts = [c / 100 for c in cents] + [m / 1000 for m in mills] + [1.0]
    page = custseg.report(_tx(amounts), as_of="2024-07-01", charts=False)
    refunds = [Decimal(str(a)) for a in amounts if a < 0]
    if refunds:
        got = re.search(r"refunds, total amount</th><td[^>]*>([^<]*)</td>", page.html)
        want = sum(refunds)
        text = got.group(1).replace(",", "")
        assert Decimal(text) == want, (text, want)
    table = page.result.customers
    revenue = custseg.segment_summary(table.abc, table)["revenue"]
    section = re.search(r'id="summary-abc".*?</table>', page.html, re.S).group(0)
    for name, value in revenue.items():
        row = re.search(
            rf'<th scope="row">{re.escape(str(name))}</th>(.*?)</tr>', section, re.S
        )
        cells = re.findall(r'data-value="([^"]*)">([^<]*)<', row.group(1))
        shown = cells[3][1].replace(",", "")  # customers, share, orders, revenue
        assert Decimal(shown) == Decimal(str(round(value, 3))), (name, shown, value)


def test_report_owner_chart_shows_customers_without_owner():
    """The ownership chart drew the classes only: the half of the customers
    with no owner (the table's ``missing`` row) had no bar."""
    pytest.importorskip("matplotlib")
    import re

    import pandas as pd

    from custseg.datasets import simulate_transactions

    tx = simulate_transactions(60, seed=3)
    ids = sorted(tx.customer_id.unique())
    records = pd.DataFrame(
        {
            "customer_id": ids,
            "owner": ["amy" if i % 2 else None for i in range(len(ids))],
        }
    )
    page = custseg.report(tx, records=records)
    section = re.search(r'<section id="ownership".*?</section>', page.html, re.S)
    svg = re.search(r"<svg.*?</svg>", section.group(0), re.S).group(0)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    if not texts:  # text as paths: the titles are in the SVG's own markup
        texts = re.findall(r"<!-- (.*?) -->", svg)
    assert "amy" in texts and "missing" in texts, texts


@pytest.mark.parametrize("title", ["", " ", "\u3000\n"])
def test_report_title_must_name_the_page(title):
    """A blank title made ``<title></title>``, which no valid page has."""
    from custseg.errors import ThresholdError

    with pytest.raises(ThresholdError, match="'title' must name the page"):
        custseg.report(_tx([1.0, 2.0]), title=title, charts=False)


@pytest.mark.parametrize("bins", [5, 20, 21, 60, 99])
def test_score_chart_fits_a_page(bins):
    """The chart of customers per score grew 1.1 inches a score (110 inches
    at 99 scores, shrunk to unreadable text in the report): at most 12
    inches, a tick at 1 and at every 1st, 2nd or 5th score, 20 or fewer."""
    pytest.importorskip("matplotlib")
    import numpy as np

    from custseg import plot

    rng = np.random.default_rng(bins)
    n = 40 * bins
    scores = custseg.rfm_scores(
        rng.integers(0, 400, n), rng.integers(1, 30, n), rng.random(n) * 1000, bins=bins
    )
    ax = plot.score_distribution(scores)
    try:
        width = ax.figure.get_size_inches()[0]
        ticks = [int(t) for t in ax.get_xticks()]
    finally:
        import matplotlib.pyplot as plt

        plt.close(ax.figure)
    assert 5 <= width <= 12
    assert ticks[0] == 1 and len(ticks) <= 21
    step = 1 if bins <= 20 else 2 if bins <= 40 else 5
    assert (
        ticks == [1, *range(step, bins + 1, step)]
        if step > 1
        else ticks == list(range(1, bins + 1))
    )


# --------------------------------------------------------------------------
# custseg.testing.assert_monotone: thresholds behind arithmetic


_AVG_RULES = """
format = 1
[fields]
monetary = {{ type = "number", min = 0 }}
frequency = {{ type = "integer", min = 1 }}
[derived]
avg = "monetary / frequency"
[segments.tier]
default = "ordinary"
rules = [
  {{ label = "key", when = "avg >= {low} and avg < {high}" }},
  {{ label = "member", when = "avg >= 100" }},
]
"""


@_SETTINGS
@given(
    frequency=st.integers(1, 500),
    low=st.sampled_from([1000, 1500, 2000]),
    ratio=st.sampled_from([2, 5, 10, 1000]),
    where=st.floats(0.0, 0.99),
)
def test_assert_monotone_finds_thresholds_behind_arithmetic(
    frequency, low, ratio, where
):
    """'key' for an average spend between *low* and *high*, 'member' above:
    raising monetary moves a key customer down at ``high x frequency``,
    wherever that is (the check raised only to the rules' constants and to
    twice the value, and passed)."""
    from custseg import rules
    from custseg.testing import assert_monotone

    high = low * ratio
    rs = rules.loads(_AVG_RULES.format(low=low, high=high))
    monetary = frequency * (low + where * (high - low))
    data = {"monetary": [monetary], "frequency": [frequency]}
    assert rs.evaluate(data)["tier"].to_numpy().tolist() == ["key"]
    with pytest.raises(AssertionError, match="moves row 0 down in 'tier'"):
        assert_monotone(rs, data, "tier", "monetary", ["ordinary", "member", "key"])
    # without the upper bound the tiers are monotone: no failure
    monotone = rules.loads(
        _AVG_RULES.format(low=low, high="inf").replace("and avg < inf", "")
    )
    assert_monotone(monotone, data, "tier", "monetary", ["ordinary", "member", "key"])


@_SETTINGS
@given(
    values=st.lists(
        st.one_of(st.just(float("nan")), st.floats(0.5, 1e6)), min_size=0, max_size=12
    )
)
def test_abc_unknown_labels_every_missing_row(values):
    """``abc_classes(nan="unknown")``: a missing value is unknown, and a
    column of only missing values is unknown throughout (it raised "no
    positive value": every row must get a label)."""
    import math

    got = custseg.abc_classes(values, nan="unknown").to_numpy().tolist()
    assert len(got) == len(values)
    assert [g == "unknown" for g in got] == [math.isnan(x) for x in values]


@_FEW_CUSTOMERS
def test_report_chart_shows_control_characters_as_the_table_does():
    """An owner named with a NUL: the table showed its picture, the chart a
    box; both show its code point now (audit 28: every control character
    as its code point)."""
    pytest.importorskip("matplotlib")
    import re

    import pandas as pd

    from custseg import _display
    from custseg.datasets import simulate_transactions

    tx = simulate_transactions(40, seed=5)
    ids = sorted(tx.customer_id.unique())
    owners = ["bo\x00b" if i % 2 else "amy" for i in range(len(ids))]
    page = custseg.report(
        tx, records=pd.DataFrame({"customer_id": ids, "owner": owners})
    )
    section = re.search(r'<section id="ownership".*?</section>', page.html, re.S).group(
        0
    )
    assert "\x00" not in page.html
    shown = _display.shown_name("bo\x00b")
    svg = re.search(r"<svg.*?</svg>", section, re.S).group(0)
    assert shown in svg


# --------------------------------------------------------------------------
# thresholds and parameters: never rounded silently


def _threshold_setters():
    from custseg.ownership import neglected
    from custseg.playbook import due_contacts

    return {
        "due_contacts min_points": lambda x: due_contacts(
            [None], [float("nan")], "2024-12-28", points=[1], min_points=x
        ),
        "neglected min_value": lambda x: neglected(
            [1, 2], [None, None], "2024-01-01", window_days=30, min_value=x
        ),
        "ValueTierThresholds": lambda x: custseg.ValueTierThresholds(
            assets_medium=x, assets_large=2**60
        ),
        "AbcEdges": lambda x: custseg.AbcEdges(a_min=x, b_min=0.01),
    }


_NOT_HELD = st.one_of(
    st.integers(2**53 + 1, 2**58).filter(lambda i: int(float(i)) != i),
    st.builds(
        lambda k, d: Decimal("1." + "0" * (k - 1) + str(d)),
        st.integers(17, 30),
        st.integers(1, 9),
    ),
    st.sampled_from([Fraction(1, 3), Fraction(2, 7)]),
)
_HELD = st.one_of(
    st.integers(1, 2**53),
    st.decimals(min_value=1, max_value=10**6, places=2, allow_nan=False),
    st.sampled_from([Fraction(1, 2), Fraction(1, 10), 2**60]),
)


@pytest.mark.parametrize("name", sorted(_threshold_setters()))
@_SETTINGS
@given(bad=_NOT_HELD, good=_HELD)
def test_thresholds_float64_does_not_hold_are_refused(name, bad, good):
    """A threshold given as an integer beyond 2**53, a Decimal of more digits
    than float64 holds, or a Fraction such as 1/3 was rounded to a double
    and compared as another number (``min_points=2**53 + 1`` made 2**53
    points due); a Decimal threshold was refused as "not a number". Held
    ones are taken (Decimal("499.5"), 1/10 as 0.1, 2**60)."""
    from custseg.errors import ThresholdError

    setter = _threshold_setters()[name]
    with pytest.raises(
        ThresholdError, match="must be a number float64 holds as written"
    ):
        setter(bad)
    setter(good)
