"""Line amounts from a quantity and a unit price: ``custseg.line_amounts``
and ``--quantity`` / ``--price`` of the command line."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, line_amounts
from custseg.cli import main

PLACES = st.sampled_from([0, 2, 3, 4])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-500, 500), st.integers(-(10**7), 10**7)),
        min_size=1,
        max_size=30,
    ),
    PLACES,
    st.sampled_from([0, 1, 3]),
)
def test_products_are_the_decimal_products(
    pairs: list[tuple[int, int]], places: int, q_places: int
) -> None:
    """Quantities (whole, or of a few places) times prices of a few places:
    each amount is the double nearest the decimal product, as a spreadsheet
    writes it, in any container."""
    quantity = [float(Decimal(q).scaleb(-q_places)) for q, _ in pairs]
    price = [float(Decimal(p).scaleb(-places)) for _, p in pairs]
    if q_places == 0:
        quantity = [int(q) for q in quantity]
    want = [
        float(Fraction(repr(q)) * Fraction(repr(p)))
        for q, p in zip(quantity, price, strict=True)
    ]
    for wrap in (list, np.array, pd.Series):
        got = line_amounts(wrap(quantity), wrap(price))
        assert got.dtype == np.float64
        assert got.tolist() == want


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-50, 50),
            st.one_of(
                st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
                st.integers(-(10**9), 10**9).map(lambda c: c / 100),
                st.sampled_from([1 / 3, 0.1, 2.55, 1e-9]),
            ),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_prices_of_many_digits_give_the_float_product(
    pairs: list[tuple[int, float]],
) -> None:
    """A price that is no decimal of up to 8 places (a converted currency,
    ``1/3``) gives its line the float product; the other lines keep their
    decimal products, whatever the rest of the column holds."""
    quantity = np.array([q for q, _ in pairs])
    price = np.array([p for _, p in pairs])
    want = [
        float(Fraction(q) * Fraction(repr(p)))
        if Decimal(repr(p)).as_tuple().exponent >= -8
        else q * p
        for q, p in pairs
    ]
    assert line_amounts(quantity, price).tolist() == want
    assert line_amounts([1, 3], [1 / 3, 0.29]).tolist() == [1 / 3, 0.87]


def test_worked_example_and_errors() -> None:
    assert line_amounts([3, 12, -1], [0.29, 2.55, 4.95]).tolist() == [0.87, 30.6, -4.95]
    assert line_amounts([], []).tolist() == []
    with pytest.raises(InputError) as info:
        line_amounts([1, None], [2.0, 3.0], fields=("Qty", "Price"))
    assert info.value.field == "Qty"
    with pytest.raises(InputError) as info:
        line_amounts([1, 2], ["2.0", "cheap"], fields=("Qty", "Price"))
    assert info.value.field == "Price"
    with pytest.raises(InputError, match="has 1 rows"):
        line_amounts([1, 2], [2.0])
    with pytest.raises(InputError, match="float64") as info:
        line_amounts([1, 10], [1.0, 1e308], fields=("Qty", "Price"))
    assert (info.value.field, info.value.first_row) == ("Price", 1)


LINES = pd.DataFrame(
    {
        "Invoice": ["536365", "536365", "536366", "C536367", "536368"],
        "Customer": ["17850", "17850", "13047", "17850", "13047"],
        "InvoiceDate": [
            "2024-03-01",
            "2024-03-01",
            "2024-03-02",
            "2024-03-04",
            "2024-03-05",
        ],
        "Quantity": [3, 6, 12, -3, 1],
        "UnitPrice": [0.29, 2.55, 0.85, 0.29, 1 / 3],
    }
)


def test_command_line_quantity_and_price(tmp_path, capsys) -> None:
    """--quantity and --price: the amounts are the products, as if written
    in an amount column; the report names the product column."""
    path = tmp_path / "lines.csv"
    LINES.to_csv(path, index=False)
    with_amounts = tmp_path / "amounts.csv"
    LINES.assign(paid=line_amounts(LINES.Quantity, LINES.UnitPrice).round(17)).to_csv(
        with_amounts, index=False
    )
    common = ["--customer", "Customer", "--date", "InvoiceDate", "--order", "Invoice"]
    out, ref = tmp_path / "out.csv", tmp_path / "ref.csv"
    args = ["segment", str(path), *common, "--output", str(out)]
    assert main([*args, "--quantity", "Quantity", "--price", "UnitPrice"]) == 0
    assert "2 customers, 4 orders" in capsys.readouterr().out
    assert (
        main(
            [
                "segment",
                str(with_amounts),
                *common,
                "--amount",
                "paid",
                "--output",
                str(ref),
            ]
        )
        == 0
    )
    capsys.readouterr()
    got = pd.read_csv(out, dtype={"Customer": str})
    pd.testing.assert_frame_equal(got, pd.read_csv(ref, dtype={"Customer": str}))
    # 17850: 3 x 0.29 + 6 x 2.55 = 16.17, then a refund of 3 x 0.29
    third = float(Fraction(10.2) + Fraction(1 / 3))  # 12 x 0.85 + 1/3, exact
    assert got.set_index("Customer").monetary.to_dict() == {
        "13047": third,
        "17850": 15.3,
    }
    html = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(path),
                *common,
                "--quantity",
                "Quantity",
                "--price",
                "UnitPrice",
                "--output",
                str(html),
            ]
        )
        == 0
    )
    assert "Quantity x UnitPrice" in html.read_text(encoding="utf-8")
    for extra, words in (
        (["--quantity", "Quantity"], "--price is missing"),
        (["--price", "UnitPrice"], "--quantity is missing"),
        (
            ["--quantity", "Quantity", "--price", "UnitPrice", "--amount", "x"],
            "leave out --amount",
        ),
        (["--quantity", "Qty", "--price", "UnitPrice"], "'Qty' is not a column"),
        (["--quantity", "Quantity", "--price", "Quantity"], "named by both"),
    ):
        assert main([*args, *extra]) == 2
        assert words in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")  # 2 customers
def test_segment_and_report_quantity_and_price(tmp_path) -> None:
    """``segment(quantity=, price=)`` and ``report(...)``: the same customers
    as an amount column of the products, from a frame or a file; the frame
    given is not changed; ``apply`` makes the amounts again; the report
    names the product column."""
    import custseg

    common = {"customer": "Customer", "date": "InvoiceDate", "order": "Invoice"}
    common["as_of"] = "2024-04-01"
    ref = custseg.segment(
        LINES.assign(paid=line_amounts(LINES.Quantity, LINES.UnitPrice)),
        amount="paid",
        **common,
    ).customers
    before = LINES.copy()
    path = tmp_path / "lines.csv"
    LINES.to_csv(path, index=False)
    for data in (LINES, path):
        res = custseg.segment(data, quantity="Quantity", price="UnitPrice", **common)
        pd.testing.assert_frame_equal(res.customers, ref)
        again = res.apply(LINES, as_of=common["as_of"])
        pd.testing.assert_frame_equal(again.customers, ref)
    page = custseg.report(
        path, quantity="Quantity", price="UnitPrice", charts=False, **common
    )
    pd.testing.assert_frame_equal(LINES, before)
    assert "Customer, InvoiceDate, Quantity x UnitPrice" in page.html
    # the refund order, 3 x 0.29 back: the decimal product, beside 1/3
    assert 'total amount</th><td class="num" data-value="-0.87">' in page.html
    pd.testing.assert_frame_equal(page.result.customers, ref)
    for kwargs, field, words in (
        ({"quantity": "Quantity"}, "price", "not given"),
        ({"price": "UnitPrice"}, "quantity", "not given"),
        (
            {"quantity": "Quantity", "price": "UnitPrice", "amount": "x"},
            "amount",
            "make the amounts",
        ),
        ({"quantity": "Qty", "price": "UnitPrice"}, "Qty", "not a column"),
        ({"quantity": "Quantity", "price": "Quantity"}, "Quantity", "both"),
        ({"quantity": "Invoice", "price": "UnitPrice"}, "Invoice", "both order="),
        ({"quantity": "Quantity", "price": "Customer"}, "Customer", "customer="),
    ):
        with pytest.raises(InputError, match=words) as info:
            custseg.segment(LINES, **common, **kwargs)
        assert info.value.field == field
    with pytest.raises(InputError, match="both customer= and price="):
        custseg.report(LINES, quantity="Quantity", price="Customer", **common)
    clash = LINES.assign(**{"Quantity x UnitPrice": 1.0})
    with pytest.raises(InputError, match="rename that column"):
        custseg.segment(clash, quantity="Quantity", price="UnitPrice", **common)


def test_engine_frames_make_their_own_amounts() -> None:
    """An engine's frame with quantity= and price=: refused, with the way to
    make the amounts in the engine."""
    pl = pytest.importorskip("polars")
    import custseg

    with pytest.raises(InputError, match="polars frame") as info:
        custseg.segment(
            pl.from_pandas(LINES),
            customer="Customer",
            date="InvoiceDate",
            quantity="Quantity",
            price="UnitPrice",
        )
    assert "in the engine" in str(info.value)
