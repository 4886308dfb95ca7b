"""Order lines: ``orders_from_lines``, ``summarize(order_id=)``, ``order=`` of
the frame functions and ``--order`` of the command line."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError, orders_from_lines, summarize
from custseg.cli import main
from custseg.frame import segment_frame, summarize_frame

DAY0 = np.datetime64("2024-01-01T00:00:00", "s")


@st.composite
def order_lines(draw: st.DrawFn, max_size: int = 40) -> pd.DataFrame:
    """Lines of orders: few customers and order ids (so that orders share
    ids across customers, or not), seconds over 60 days, amounts in cents (returns
    negative), some orders netting to zero or less."""
    n = draw(st.integers(1, max_size))
    text = draw(st.booleans())
    customers = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    orders = draw(st.lists(st.integers(0, 7), min_size=n, max_size=n))
    if draw(st.booleans()):  # each order id under one customer (the usual case)
        orders = [c * 8 + o for c, o in zip(customers, orders, strict=True)]
    seconds = draw(st.lists(st.integers(0, 60 * 86_400), min_size=n, max_size=n))
    cents = draw(st.lists(st.integers(-5_000, 20_000), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "customer_id": [f"c{c}" for c in customers] if text else customers,
            "order_id": [f"00{o}" if o % 2 else str(o) for o in orders]
            if text
            else orders,
            "date": DAY0 + np.array(seconds, dtype="timedelta64[s]"),
            "cents": cents,
            "amount": np.array(cents) / 100,
        }
    )


def brute_force(lines: pd.DataFrame, as_of: np.datetime64) -> pd.DataFrame:
    """The facts per customer by hand: orders first (earliest date, cents
    summed as integers), then purchases (orders netting to 0 or more)."""
    orders = lines.groupby(["customer_id", "order_id"], sort=False).agg(
        date=("date", "min"), cents=("cents", "sum")
    )
    orders = orders.reset_index()
    out = {}
    for customer, own in orders.groupby("customer_id"):
        bought = own[own.cents >= 0]
        last = bought.date.max() if len(bought) else pd.NaT
        day = as_of.astype("datetime64[D]")
        out[customer] = {
            "frequency": len(bought),
            "monetary": int(own.cents.sum()) / 100,
            "recency_days": float((day - np.datetime64(last, "D")).astype(int))
            if len(bought)
            else np.nan,
            "last_purchase": last,
        }
    return pd.DataFrame.from_dict(out, orient="index").sort_index()


@settings(max_examples=150, deadline=None)
@given(order_lines())
def test_summary_of_lines_is_the_summary_of_orders(lines: pd.DataFrame) -> None:
    """Against the hand-made summary; the same facts whatever the order of
    the lines; the same as summarising ``orders_from_lines``' orders."""
    as_of = np.datetime64("2024-03-15")
    facts = summarize(
        lines.customer_id,
        lines.date,
        lines.amount,
        order_id=lines.order_id,
        as_of=as_of,
    )
    got = facts.to_pandas()
    want = brute_force(lines, as_of)
    assert list(got.index) == list(want.index)
    assert got.frequency.tolist() == want.frequency.tolist()
    assert got.monetary.tolist() == want.monetary.tolist()
    np.testing.assert_array_equal(got.recency_days, want.recency_days)
    assert facts.n_rows == len(lines.groupby(["customer_id", "order_id"]))

    shuffled = lines.sample(frac=1, random_state=len(lines))
    again = summarize(
        shuffled.customer_id.to_numpy(),
        shuffled.date.to_numpy(),
        shuffled.amount.to_numpy(),
        order_id=shuffled.order_id.to_numpy(),
        as_of=as_of,
    )
    pd.testing.assert_frame_equal(again.to_pandas(), got)

    o = orders_from_lines(lines.customer_id, lines.order_id, lines.date, lines.amount)
    assert o.n_lines.sum() == len(lines) == o.n_rows
    via = summarize(o.customer_id, o.date, o.amount, as_of=as_of)
    pd.testing.assert_frame_equal(via.to_pandas(), got)


@settings(max_examples=100, deadline=None)
@given(order_lines())
def test_orders_in_the_order_of_their_first_lines(lines: pd.DataFrame) -> None:
    o = orders_from_lines(lines.customer_id, lines.order_id, lines.date, lines.amount)
    pairs = list(zip(lines.customer_id, lines.order_id, strict=True))
    firsts = list(dict.fromkeys(pairs))  # each pair once, by its first line
    assert list(zip(o.customer_id, o.order_id, strict=True)) == firsts
    for i, (c, k) in enumerate(firsts):
        rows = [j for j, p in enumerate(pairs) if p == (c, k)]
        assert o.n_lines[i] == len(rows)
        assert o.date[i] == lines.date.to_numpy()[rows].min()
        assert o.amount[i] == int(lines.cents.to_numpy()[rows].sum()) / 100


@settings(max_examples=100, deadline=None)
@given(order_lines())
def test_one_line_orders_are_the_rows(lines: pd.DataFrame) -> None:
    """Every line an order of its own: the summary of the rows."""
    as_of = np.datetime64("2024-03-15")
    alone = summarize(
        lines.customer_id,
        lines.date,
        lines.amount,
        order_id=np.arange(len(lines)),
        as_of=as_of,
    )
    rows = summarize(lines.customer_id, lines.date, lines.amount, as_of=as_of)
    pd.testing.assert_frame_equal(alone.to_pandas(), rows.to_pandas())
    assert alone.n_rows == rows.n_rows


TEXT_CONTAINERS = {
    "object": lambda xs: np.array(xs, dtype=object),
    "str": lambda xs: pd.array(xs, dtype="str"),
    "string[python]": lambda xs: pd.array(xs, dtype="string[python]"),
}
try:  # Arrow's text too, where pyarrow is installed
    import pyarrow as pa
except ImportError:  # pragma: no cover - the [test] extra alone
    pass
else:
    TEXT_CONTAINERS["string[pyarrow]"] = lambda xs: pd.array(
        xs, dtype="string[pyarrow]"
    )
    TEXT_CONTAINERS["large_string"] = lambda xs: pd.array(
        xs, dtype=pd.ArrowDtype(pa.large_string())
    )


@settings(max_examples=150, deadline=None)
@given(
    order_lines(),
    st.sampled_from(sorted(TEXT_CONTAINERS)),
    st.sampled_from(["as drawn", "grouped", "in date order"]),
)
def test_runs_of_lines_in_every_container(
    lines: pd.DataFrame, container: str, arrangement: str
) -> None:
    """Lines of an order one after the other (cut into runs first: text in
    pandas' string arrays, integers) or anywhere: the same orders as
    by hand, whatever holds the ids, with order ids under two customers."""
    if arrangement == "grouped":  # each order's lines together, dates mixed
        lines = lines.sort_values(["customer_id", "order_id"], kind="stable")
    elif arrangement == "in date order":  # an export: lines by order and date
        lines = lines.assign(seq=lines.index.to_numpy() % 3).sort_values(
            ["customer_id", "order_id", "seq"], kind="stable"
        )
        first = lines.groupby(["customer_id", "order_id"], sort=False).date
        lines = lines.assign(
            date=first.transform("min") + pd.to_timedelta(lines.seq, unit="s")
        ).sort_values("date", kind="stable")
    text = {k: [f"k{v}" for v in lines[k]] for k in ("customer_id", "order_id")}
    make = TEXT_CONTAINERS[container]
    for ids, orders in (
        (make(text["customer_id"]), make(text["order_id"])),
        (lines.customer_id.astype("int64").to_numpy(), make(text["order_id"]))
        if pd.api.types.is_integer_dtype(lines.customer_id)
        else (make(text["customer_id"]), lines.order_id.to_numpy()),
    ):
        o = orders_from_lines(ids, orders, lines.date, lines.amount)
        pairs = list(zip(list(ids), list(orders), strict=True))
        firsts = list(dict.fromkeys(pairs))
        assert list(zip(list(o.customer_id), list(o.order_id), strict=True)) == firsts
        for i, pair in enumerate(firsts):
            rows = [j for j, p in enumerate(pairs) if p == pair]
            assert o.n_lines[i] == len(rows)
            assert o.date[i] == lines.date.to_numpy()[rows].min()
            assert o.amount[i] == int(lines.cents.to_numpy()[rows].sum()) / 100


@pytest.mark.parametrize("container", sorted(TEXT_CONTAINERS))
def test_a_missing_id_inside_a_run_is_refused(container: str) -> None:
    """A missing id never joins the run before it, so it is seen and refused."""
    make = TEXT_CONTAINERS[container]
    for ids, orders, field in (
        (make(["a", "a", None, "b"]), make(["1", "1", "1", "2"]), "customer_id"),
        (make(["a", "a", "a", "b"]), make(["1", "1", None, "2"]), "order_id"),
    ):
        with pytest.raises(InputError) as err:
            orders_from_lines(ids, orders, ["2024-01-01"] * 4, [1.0] * 4)
        assert err.value.field == field


def test_worked_example() -> None:
    """Ann's basket of two lines, her return invoice, Bob's one line."""
    facts = summarize(
        ["ann", "ann", "bob", "ann"],
        ["2024-03-01", "2024-03-01", "2024-03-02", "2024-03-05"],
        [0.1, 0.2, 40.0, -0.3],
        order_id=["536365", "536365", "536366", "C536367"],
        as_of="2024-03-10",
    )
    assert facts.customer_id.tolist() == ["ann", "bob"]
    assert facts.frequency.tolist() == [1, 1]  # the return is no purchase
    assert facts.monetary.tolist() == [0.0, 40.0]  # 0.1 + 0.2 - 0.3, exactly
    assert facts.n_rows == 3
    # an order id under two customers is two orders
    two = summarize(["a", "b"], ["2024-01-01"] * 2, [1.0, 2.0], order_id=[9, 9])
    assert two.frequency.tolist() == [1, 1]


def test_an_order_netting_below_zero_is_a_refund() -> None:
    facts = summarize(
        [1, 1, 1],
        ["2024-01-01", "2024-01-01", "2024-01-02"],
        [5.0, -8.0, 4.0],
        order_id=[1, 1, 2],
    )
    assert facts.frequency.tolist() == [1]
    assert str(facts.first_purchase[0])[:10] == "2024-01-02"
    assert facts.monetary.tolist() == [1.0]


def test_lines_after_as_of() -> None:
    """Dropped line by line (an order straddling as_of keeps its earlier
    lines), counted as lines; refused naming the line's row."""
    kw = {
        "customer_id": [1, 1, 1, 2],
        "date": ["2024-01-01", "2024-01-09", "2024-01-03", "2024-01-10"],
        "amount": [10.0, 5.0, 1.0, 7.0],
        "order_id": ["a", "a", "b", "c"],
        "as_of": "2024-01-05",
    }
    facts = summarize(**kw, after_as_of="drop")
    assert facts.customer_id.tolist() == [1]
    assert facts.frequency.tolist() == [2]
    assert facts.monetary.tolist() == [11.0]
    assert facts.n_dropped == 2 and facts.n_rows == 2
    with pytest.raises(InputError, match=r"first at row 1, 2 rows"):
        summarize(**kw)


@pytest.mark.parametrize(
    ("orders", "words"),
    [
        ([1, None, 2], "has missing order ids"),
        ([1.0, np.nan, 2.0], "has missing order ids"),
        (pd.array([1, pd.NA, 2], dtype="Int64"), "has missing order ids"),
        ([1, "1", 2], "never one order"),
        ([[1], [2], 3], "cannot be order ids"),
        ([True, False, True], "not order ids"),
        ([1, 2], "has 2 rows but 'date' has 3"),
        ("123", "must be an array-like of order ids"),
        (5, "must be an array-like of order ids"),
    ],
)
def test_bad_order_ids(orders: object, words: str) -> None:
    for call in (
        lambda: summarize([1, 1, 2], ["2024-01-01"] * 3, [1.0] * 3, order_id=orders),
        lambda: orders_from_lines([1, 1, 2], orders, ["2024-01-01"] * 3, [1.0] * 3),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == "order_id"
        assert words in str(err.value)
        assert "customer" not in str(err.value)


def test_amounts_are_required() -> None:
    """None for the amounts: an InputError on ``amount`` (it was a bare
    AssertionError in orders_from_lines), as summarize says."""
    for call in (
        lambda: orders_from_lines([1, 2], [1, 1], ["2024-01-01"] * 2, None),
        lambda: summarize([1, 2], ["2024-01-01"] * 2, None, order_id=[1, 1]),
    ):
        with pytest.raises(InputError, match="is required") as err:
            call()
        assert err.value.field == "amount"


def test_order_series_of_another_index() -> None:
    ids = pd.Series([1, 2, 3], index=[0, 1, 2])
    with pytest.raises(InputError, match="different index"):
        summarize(
            ids,
            ["2024-01-01"] * 3,
            [1.0] * 3,
            order_id=pd.Series([1, 2, 3], index=[2, 1, 0]),
        )


def test_empty_lines() -> None:
    o = orders_from_lines([], [], np.array([], dtype="datetime64[s]"), [])
    assert len(o) == 0 and o.n_rows == 0
    assert list(o.to_pandas().columns) == [
        "customer_id",
        "order_id",
        "date",
        "amount",
        "n_lines",
    ]


LINES = pd.DataFrame(
    {
        "cust": ["00017", "00017", "17", "00017"],
        "inv": ["0042", "0042", "42", "42"],
        "day": ["2024-05-01", "2024-05-01", "2024-05-02", "2024-05-03"],
        "paid": [3.5, 1.5, 2.0, 4.0],
    }
)


def test_frames_and_files(tmp_path) -> None:
    """``order=`` of summarize_frame, segment_frame and segment (a file:
    both id columns as text, so 0042 and 42 are two orders)."""
    kw = {"customer": "cust", "date": "day", "amount": "paid", "order": "inv"}
    out = summarize_frame(LINES, **kw)
    assert out.frequency.to_dict() == {"00017": 2, "17": 1}
    assert out.attrs["n_rows"] == 3
    seg = segment_frame(LINES, bins=2, **kw)
    assert seg.frequency.tolist() == [2, 1]
    path = tmp_path / "lines.csv"
    LINES.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)  # 2 customers
        res = custseg.segment(path, **kw)
    assert res.customers.frequency.to_dict() == {"00017": 2, "17": 1}
    assert res.customers.monetary.to_dict() == {"00017": 9.0, "17": 2.0}
    # the next period, the same settings: still orders
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        later = res.apply(path, as_of="2024-06-01")
    assert later.customers.frequency.tolist() == [2, 1]
    with pytest.raises(InputError, match="'nope' is not a column"):
        summarize_frame(LINES, customer="cust", date="day", amount="paid", order="nope")


def test_engine_frames_collapse_in_the_engine() -> None:
    """A Polars frame of lines: the pandas path's orders (0042 and 42 two
    orders, 00017 and 17 two customers); see test_engines for the rest."""
    pl = pytest.importorskip("polars")
    kw = {"customer": "cust", "date": "day", "amount": "paid", "order": "inv"}
    got = summarize_frame(pl.from_pandas(LINES), output="pandas", **kw)
    pd.testing.assert_frame_equal(got, summarize_frame(LINES, **kw))
    assert got.frequency.to_dict() == {"00017": 2, "17": 1}
    assert got.attrs["n_rows"] == 3


def test_command_line(tmp_path, capsys) -> None:
    path = tmp_path / "lines.csv"
    LINES.to_csv(path, index=False)
    out = tmp_path / "out.csv"
    args = [
        "segment",
        str(path),
        "--customer",
        "cust",
        "--date",
        "day",
        "--amount",
        "paid",
        "--output",
        str(out),
    ]
    assert main([*args, "--order", "inv"]) == 0
    assert "2 customers, 3 orders" in capsys.readouterr().out
    table = pd.read_csv(out, dtype={"cust": str})
    assert table.set_index("cust").frequency.to_dict() == {"00017": 2, "17": 1}
    assert main(args) == 0  # without --order: every line counts
    assert "2 customers, 4 transactions" in capsys.readouterr().out
    assert main([*args, "--order", "paid"]) == 2
    assert "named by both --amount and --order" in capsys.readouterr().err
    assert main([*args, "--order", "invoice"]) == 2
    err = capsys.readouterr().err
    assert "'invoice' is not a column" in err and "--order COLUMN" in err


def test_report_counts_orders() -> None:
    """The report's inputs table says the transactions used are orders."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        page = custseg.report(
            LINES,
            customer="cust",
            date="day",
            amount="paid",
            order="inv",
            charts=False,
        ).html
        plain = custseg.report(
            LINES, customer="cust", date="day", amount="paid", charts=False
        ).html
    assert "orders used (the lines of one inv as one transaction)</th><td" in page
    assert "transactions used</th><td" in plain and "orders used" not in plain


@st.composite
def written_orders(draw: st.DrawFn) -> pd.DataFrame:
    """Lines whose order ids are spellings a number parser merges ("0042",
    "42", "42.0", "+42", "4.2e1"): each spelling is an order of its own."""
    n = draw(st.integers(2, 12))
    spellings = draw(
        st.lists(
            st.tuples(
                st.integers(0, 3),
                st.sampled_from(["{}", "0{}", "00{}", "{}.0", "+{}", "{}e0"]),
            ),
            min_size=n,
            max_size=n,
        )
    )
    customers = draw(
        st.lists(st.sampled_from(["007", "7", "A"]), min_size=n, max_size=n)
    )
    return pd.DataFrame(
        {
            "cust": customers,
            "inv": [form.format(v) for v, form in spellings],
            "day": [f"2024-05-{1 + i % 9:02d}" for i in range(n)],
            "paid": [float(1 + i) for i in range(n)],
        }
    )


@settings(max_examples=15, deadline=None)
@given(written_orders())
def test_order_ids_in_files_are_read_as_written(lines: pd.DataFrame) -> None:
    """Every way of reading a file with order=: segment, apply, report and
    the command line count the (customer, order) pairs as written."""
    import tempfile
    from pathlib import Path

    want = lines.groupby(["cust", "inv"]).ngroups
    kw = {"customer": "cust", "date": "day", "amount": "paid", "order": "inv"}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)  # few customers
        path = Path(tmp) / "lines.csv"
        lines.to_csv(path, index=False)
        res = custseg.segment(path, **kw)
        assert res.n_rows == want
        assert res.apply(path).n_rows == want
        rep = custseg.report(path, charts=False, **kw)
        assert rep.result.n_rows == want
        args = ["--customer", "cust", "--date", "day", "--amount", "paid"]
        out = Path(tmp) / "out.csv"
        code = main(
            ["segment", str(path), *args, "--order", "inv", "--output", str(out)]
        )
        assert code == 0
        table = pd.read_csv(out, dtype={"cust": str})
        assert int(table.frequency.sum()) == want  # every order a purchase
        page = Path(tmp) / "report.html"
        report_args = [*args, "--order", "inv", "--no-charts"]
        code = main(["report", str(path), *report_args, "--output", str(page)])
        assert code == 0
        used = re.search(r"orders used.*?data-value=\"(\d+)", page.read_text())
        assert used is not None and int(used.group(1)) == want


def test_report_counts_refunds_and_zeros_of_orders() -> None:
    """With order=, a return line inside a bought order is no refund, a
    cancellation invoice is one refund however many lines, and an order
    netting 0 is one zero: the inputs table counts what the summary counts."""
    lines = pd.DataFrame(
        {
            "cust": ["a", "a", "a", "b", "b", "b", "c", "c"],
            "inv": ["1", "1", "1", "C2", "C2", "3", "4", "4"],
            "day": ["2024-05-01"] * 3 + ["2024-05-02"] * 3 + ["2024-05-03"] * 2,
            "paid": [10.0, 5.0, -2.5, -3.0, -4.0, 8.0, 6.0, -6.0],
        }
    )
    kw = {"customer": "cust", "date": "day", "amount": "paid", "charts": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        by_order = custseg.report(lines, order="inv", **kw).html
        by_line = custseg.report(lines, **kw).html

    def cell(page: str, label: str) -> str:
        found = re.search(re.escape(label) + r"</th><td[^>]*>([^<]*)", page)
        assert found is not None, label
        return found.group(1)

    assert cell(by_order, "refunds (orders netting &lt; 0)") == "1"
    assert cell(by_order, "refunds, total amount") == "-7.00"
    assert cell(by_order, "orders netting 0") == "1"
    assert cell(by_line, "refunds (amount &lt; 0)") == "4"
    assert cell(by_line, "refunds, total amount") == "-15.50"
    assert cell(by_line, "rows with amount 0") == "0"


# --------------------------------------------------------------------------
# the classes of an adversarial audit (4 December 2026)


@settings(max_examples=60, deadline=None)
@given(
    order_lines(),
    st.sampled_from(["customer_id", "date", "amount", "order_id"]),
    st.integers(0, 2**31),
)
def test_a_column_of_another_index_is_refused(
    lines: pd.DataFrame, shuffled: str, seed: int
) -> None:
    """Any one of the four columns a Series of another index (the others
    lists or arrays, or Series): an InputError, never a pairing by position."""
    if len(lines) < 2:
        return
    other = lines.sample(frac=1, random_state=seed)
    if list(other.index) == list(lines.index):
        other = lines.iloc[::-1]
    cols = {k: lines[k].to_numpy() for k in ("customer_id", "date", "amount")}
    cols["order_id"] = lines["order_id"].to_numpy()
    cols["date"] = lines["date"]  # one Series of the first index
    if shuffled == "date":
        cols["amount"] = lines["amount"]
    cols[shuffled] = other[shuffled]
    calls = [
        lambda: summarize(
            cols["customer_id"],
            cols["date"],
            cols["amount"],
            order_id=cols["order_id"],
            as_of="2024-03-15",
        ),
        lambda: orders_from_lines(
            cols["customer_id"], cols["order_id"], cols["date"], cols["amount"]
        ),
        lambda: custseg.segment_history(
            cols["customer_id"],
            cols["date"],
            cols["amount"],
            ["2024-03-15"],
            edges=EDGES,
            order_id=cols["order_id"],
        ),
    ]
    for call in calls:
        with pytest.raises(InputError, match="different index"):
            call()


EDGES = custseg.RfmEdges(
    custseg.ScoreEdges((5, 20)),
    custseg.ScoreEdges((1, 2)),
    custseg.ScoreEdges((50, 200)),
)


@settings(max_examples=80, deadline=None)
@given(
    order_lines(),
    st.integers(0, 10**6),
    st.sampled_from(["customer_id", "order_id"]),
    st.sampled_from(["as drawn", "grouped"]),
    st.booleans(),
)
def test_a_missing_id_is_named_by_its_row(
    lines: pd.DataFrame, where: int, column: str, arrangement: str, drop: bool
) -> None:
    """Lines of an order together (runs) or not, rows after as_of dropped or
    not: the error names the missing id's row of the input."""
    if arrangement == "grouped":
        lines = lines.sort_values(["customer_id", "order_id"], kind="stable")
    lines = lines.reset_index(drop=True)
    row = where % len(lines)
    values = lines[column].astype(object).to_numpy().copy()
    values[row] = None
    lines[column] = values
    as_of = np.datetime64("2024-03-15")
    if drop:  # rows after a day the missing id's row is not after
        as_of = lines["date"].to_numpy()[row].astype("datetime64[D]")
    kw = {"as_of": as_of, "after_as_of": "drop"}
    calls = [
        lambda: summarize(
            lines.customer_id, lines.date, lines.amount, order_id=lines.order_id, **kw
        ),
        lambda: custseg.segment_history(
            lines.customer_id,
            lines.date,
            lines.amount,
            [as_of],
            edges=EDGES,
            order_id=lines.order_id,
        ),
    ]
    if not drop:
        calls.append(
            lambda: orders_from_lines(
                lines.customer_id, lines.order_id, lines.date, lines.amount
            )
        )
    for call in calls:
        with pytest.raises(InputError) as err:
            call()
        assert (err.value.field, err.value.first_row) == (column, row)


AMOUNTS = st.floats(allow_nan=False, allow_infinity=False, width=64).filter(
    lambda x: abs(x) < 1e300
) | st.sampled_from([1 / 3, 2 / 3, 0.1, 1e16, -1e16, 1.0, 2.0**-40])


@settings(max_examples=150, deadline=None)
@given(order_lines(), st.data())
def test_orders_never_change_monetary(lines: pd.DataFrame, data: st.DataObject) -> None:
    """monetary is the net of the lines, bit for bit, with order_id or
    without, for any float amounts (1/3, 1e16 + 1 - 1e16: no order's sum is
    rounded first); in segment_history too."""
    amounts = data.draw(st.lists(AMOUNTS, min_size=len(lines), max_size=len(lines)))
    lines = lines.assign(amount=amounts)
    as_of = np.datetime64("2024-03-15")
    by_order = summarize(
        lines.customer_id,
        lines.date,
        lines.amount,
        order_id=lines.order_id,
        as_of=as_of,
    )
    by_line = summarize(lines.customer_id, lines.date, lines.amount, as_of=as_of)
    np.testing.assert_array_equal(by_order.monetary, by_line.monetary)
    # each order's sign (a purchase, a refund, a free order) is its exact
    # sum's, as orders_from_lines sums it
    o = orders_from_lines(lines.customer_id, lines.order_id, lines.date, lines.amount)
    for zero in ("purchase", "ignore"):
        with_orders = summarize(
            lines.customer_id,
            lines.date,
            lines.amount,
            order_id=lines.order_id,
            as_of=as_of,
            zero_amount=zero,
        )
        via = summarize(o.customer_id, o.date, o.amount, as_of=as_of, zero_amount=zero)
        np.testing.assert_array_equal(with_orders.frequency, via.frequency)
        np.testing.assert_array_equal(with_orders.last_purchase, via.last_purchase)
    h = custseg.segment_history(
        lines.customer_id,
        lines.date,
        lines.amount,
        [as_of],
        edges=EDGES,
        order_id=lines.order_id,
    )
    np.testing.assert_array_equal(h.facts[0].monetary, by_line.monetary)


@pytest.mark.parametrize("orders", [[1, 1], [1, 2]])
def test_integer_sums_past_2_53_are_refused_with_orders(orders: list[int]) -> None:
    """A customer's integer amounts that may sum past 2**53 are refused
    whether its lines are one order or several, as without order_id."""
    a = np.array([2**52 + 1, 2**52], dtype=np.int64)
    for call in (
        lambda: summarize(["a", "a"], ["2024-01-01"] * 2, a, order_id=orders),
        lambda: custseg.segment_history(
            ["a", "a"],
            ["2024-01-01"] * 2,
            a,
            ["2024-01-02"],
            edges=EDGES,
            order_id=orders,
        ),
    ):
        with pytest.raises(InputError, match=r"2\*\*53"):
            call()


@pytest.mark.parametrize("named", ["cust", "day", "paid"])
def test_order_naming_another_column_is_refused(named: str) -> None:
    """order= naming the customer, date or amount column: an InputError on
    every entry point, as --order gets on the command line."""
    kw = {"customer": "cust", "date": "day", "amount": "paid", "order": named}
    calls = [
        lambda: summarize_frame(LINES, **kw),
        lambda: segment_frame(LINES, **kw),
        lambda: custseg.segment(LINES, **kw),
        lambda: custseg.report(LINES, charts=False, **kw),
    ]
    for call in calls:
        with pytest.raises(InputError, match="is named by both") as err:
            call()
        assert err.value.field == named


def test_report_drops_later_rows_of_zoned_dates() -> None:
    """Time-zone-aware dates with rows after as_of dropped: the inputs table
    counts the rows used, as with naive dates."""
    naive = pd.DataFrame(
        {
            "customer": ["ann", "bob", "bob"],
            "invoice": ["1", "2", "3"],
            "date": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-03-10"]),
            "amount": [10.0, 5.0, -4.0],
        }
    )
    zoned = naive.assign(date=naive.date.dt.tz_localize("Asia/Shanghai"))
    kw = {
        "customer": "customer",
        "order": "invoice",
        "charts": False,
        "as_of": "2024-03-05",
        "after_as_of": "drop",
    }
    pages = []
    for frame in (naive, zoned):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.CustsegWarning)
            pages.append(custseg.report(frame, **kw).html)
    for page in pages:
        assert re.search(r"refunds \(orders netting &lt; 0\)</th><td[^>]*>0<", page)
        assert re.search(r"last transaction</th><td[^>]*>2024-03-01<", page)
