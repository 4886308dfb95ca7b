"""Items left open by the fourth audit's session, closed in the fifth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg._categories import as_category
from custseg.errors import InputError
from custseg.frame import apply_rules


def _seg(monetary: list[float], frequency: list[int]) -> pd.DataFrame:
    n = len(monetary)
    return pd.DataFrame(
        {
            "recency_days": np.linspace(1.0, 400.0, n),
            "frequency": frequency,
            "monetary": monetary,
            "tenure_days": np.full(n, 500.0),
            "r": np.ones(n, dtype=int),
            "f": np.ones(n, dtype=int),
            "m": np.ones(n, dtype=int),
        },
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


amounts = st.lists(
    st.floats(0.0, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(first=amounts, later=amounts)
def test_apply_rules_aggregates_label_later_period_on_first_scale(
    first: list[float], later: list[float]
) -> None:
    rs = rules.load("ecommerce")
    a = _seg(first, [1 + i % 4 for i in range(len(first))])
    b = _seg(later, [1 + i % 3 for i in range(len(later))])
    fitted = apply_rules(a, rs)
    # the rules see the result's r: the preset's fixed recency edges made it
    # from recency_days (the table's r of 1 is replaced)
    assert fitted.attrs["aggregates"] == rs.aggregates(
        {k: fitted[k] for k in rs.required_fields() if k in a}
    )
    fixed = apply_rules(b, rs, aggregates=fitted.attrs["aggregates"])
    expect = rs.evaluate(
        {k: fixed[k] for k in rs.required_fields() if k in b},
        aggregates=fitted.attrs["aggregates"],
    ).to_pandas()
    for name in ("rfm8", "ecom4"):
        assert fixed[name].tolist() == expect[name].tolist()
    assert fixed.attrs["aggregates"] == fitted.attrs["aggregates"]
    # idempotence: the period's own aggregates give its own labels
    own = apply_rules(b, rs)
    again = apply_rules(b, rs, aggregates=own.attrs["aggregates"])
    assert again["rfm8"].tolist() == own["rfm8"].tolist()


def test_apply_rules_refuses_aggregates_the_rules_do_not_read() -> None:
    seg = _seg([10.0, 20.0], [1, 2])
    with pytest.raises(InputError, match="aggregates"):
        apply_rules(seg, "ecommerce", aggregates={"mean(nothing)": 1.0})


def test_apply_rules_aggregates_on_an_engine_frame() -> None:
    pl = pytest.importorskip("polars")
    seg = _seg([10.0, 20.0, 900.0], [1, 2, 5])
    first = apply_rules(seg, "ecommerce")
    later = _seg([500.0, 600.0, 700.0], [1, 2, 5])
    native = apply_rules(
        pl.from_pandas(later.reset_index()).lazy().collect(),
        "ecommerce",
        aggregates=first.attrs["aggregates"],
        output="pandas",
    )
    plain = apply_rules(later, "ecommerce", aggregates=first.attrs["aggregates"])
    assert native["rfm8"].tolist() == plain["rfm8"].tolist()


@settings(max_examples=25, deadline=None)
@given(
    field=st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12),
    value=st.one_of(st.text(max_size=5), st.just({"a": 1}), st.just(frozenset())),
)
def test_category_scalar_error_names_the_field(field: str, value: object) -> None:
    with pytest.raises(InputError) as err:
        as_category(value, field, ("low", "high"))
    assert err.value.field == field
