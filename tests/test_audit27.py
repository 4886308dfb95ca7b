"""Audit 27: findings of the twenty-seventh audit, and leftovers of earlier ones.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.labels import Labels

# --------------------------------------------------------------------------
# Labels are a column of names: NumPy and pandas read them as one, not as one
# object (np.asarray gave a 0-d array; df["x"] = labels put the Labels object
# in every row; pd.Series(labels) had one row)


@st.composite
def labels(draw: st.DrawFn) -> Labels:
    names = draw(st.lists(st.text(max_size=3), min_size=1, max_size=4, unique=True))
    n = draw(st.integers(0, 6))
    codes = draw(st.lists(st.integers(0, len(names) - 1), min_size=n, max_size=n))
    index = draw(st.sampled_from([None, "ids", "range"]))
    idx = (
        None
        if index is None
        else pd.Index([f"c{i}" for i in reversed(range(n))])
        if index == "ids"
        else pd.RangeIndex(n)
    )
    return Labels(codes, names, ordered=draw(st.booleans()), index=idx)


@settings(max_examples=40, deadline=None)
@given(lab=labels())
def test_labels_read_as_their_rows(lab: Labels) -> None:
    expected = lab.to_numpy().tolist()
    arr = np.asarray(lab)
    assert arr.shape == (len(lab),)
    assert arr.tolist() == expected
    assert np.asarray(lab, dtype=object).tolist() == expected
    assert list(lab) == expected
    assert pd.Series(lab, dtype=object).tolist() == expected
    frame = pd.DataFrame({"v": range(len(lab))})
    frame["label"] = lab  # by position, as any array
    assert frame["label"].astype(object).tolist() == expected
    # the codes stay frozen, and the labels unchanged
    with pytest.raises(ValueError):
        arr_codes = lab.codes
        arr_codes[:1] = 0 if len(arr_codes) else arr_codes[:1]
        if not len(arr_codes):
            raise ValueError
    with pytest.raises(ValueError, match="new array"):
        np.asarray(lab, copy=False)


def test_classifier_result_into_its_frame() -> None:
    """The idiom ``df["stage"] = lifecycle_stage(df["recency"])`` gives each
    row its own stage."""
    df = pd.DataFrame({"recency": [5, 400, 100]}, index=["c", "a", "b"])
    df["stage"] = custseg.lifecycle_stage(df["recency"])
    assert df["stage"].tolist() == ["active", "lost", "silent"]
    assert df["stage"].tolist() == (
        custseg.lifecycle_stage(df["recency"]).to_pandas().reindex(df.index).tolist()
    )


# --------------------------------------------------------------------------
# A segment that comes out empty: zero customers, zero labels


@pytest.mark.parametrize("nan", ["raise", "unknown"])
@pytest.mark.parametrize(
    "empty",
    [
        [],
        np.array([], dtype=float),
        pd.Series([], dtype="Int64"),
        pd.Series([], dtype=object),
    ],
    ids=["list", "float", "Int64", "object"],
)
def test_abc_classes_of_no_customer(nan: str, empty: Any) -> None:
    lab = custseg.abc_classes(empty, nan=nan)  # type: ignore[arg-type]
    assert len(lab) == 0
    assert lab.names[:3] == ("A", "B", "C")
    assert ("unknown" in lab.names) == (nan == "unknown")
    # nothing positive: nothing to split, every value C (audit 34)
    got = custseg.abc_classes([0.0, -1.0], nan=nan)  # type: ignore[arg-type]
    assert got.to_numpy().tolist() == ["C", "C"]


# --------------------------------------------------------------------------
# One way to show a share and a figure: the printed report, the HTML report,
# reprs and charts (1 customer of 3,001 was "0.0%" in the tables, like none;
# 12.5 printed "12" on the command line and "13" in the HTML page)


@settings(max_examples=200, deadline=None)
@given(
    x=st.one_of(
        st.floats(-2, 2),
        st.integers(0, 10**6).map(lambda k: k / 10**6),
        st.integers(-20_000, 20_000).map(lambda k: k / 2000),  # halves of a tenth
        st.tuples(st.integers(0, 3000), st.integers(1, 3000)).map(
            lambda p: p[0] / p[1]  # counts of customers
        ),
    )
)
def test_percent_is_none_or_all_only_when_it_is(x: float) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    from custseg import _display

    text = _display.percent(x)
    if x == 0:
        assert text == "0.0%"
    elif x == 1:
        assert text == "100.0%"
    else:
        assert text not in ("0.0%", "100.0%", "-0.0%")
        if text[0] not in "<>":
            # half up from the decimal x prints as, shifted exactly (23 of
            # 80 is 0.2875: 28.8%, where 100 * 0.2875 is 28.749999999999996)
            want = Decimal(repr(x)).scaleb(2).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert text == f"{want:z,.1f}%"


@settings(max_examples=100, deadline=None)
@given(
    x=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.integers(-(10**6), 10**6).map(lambda k: k / 2),
    ),
    digits=st.sampled_from([0, 1, 2]),
)
def test_printed_and_html_reports_show_one_text(x: float, digits: int) -> None:
    from custseg import cli, reporting

    assert cli._share(x).strip() == (
        reporting._share(x).text if np.isfinite(x) else "-"
    )
    html = reporting._number(x, digits)
    assert cli._number(x, digits) == (html.text if np.isfinite(x) else "-")


def test_one_customer_of_many_is_not_shown_as_none(tmp_path: Any, capsys: Any) -> None:
    from custseg import cli

    rows = ["customer_id,date,amount"]
    rows += [f"c{i},2024-12-20,10" for i in range(3000)]
    rows += ["old,2024-01-01,10"]
    (tmp_path / "tx.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["segment", str(tmp_path / "tx.csv"), "--as-of", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    lost = next(line for line in out.splitlines() if line.startswith("lost "))
    assert lost.split()[2:4] == ["<0.1%", "<0.1%"]
    active = next(line for line in out.splitlines() if line.startswith("active "))
    assert active.split()[2:4] == [">99.9%", ">99.9%"]
    html = tmp_path / "r.html"
    assert (
        cli.main(
            [
                "report",
                str(tmp_path / "tx.csv"),
                "--as-of",
                "2024-12-31",
                "--no-charts",
                "--output",
                str(html),
            ]
        )
        == 0
    )
    page = html.read_text(encoding="utf-8")
    lifecycle = page[page.index('data-column="lifecycle"') :]
    for stage, want in [("lost", "&lt;0.1%"), ("active", "&gt;99.9%")]:
        row = lifecycle[lifecycle.index(f'<th scope="row">{stage}</th>') :]
        cells = re.findall(r">([^<>]*)</td>", row[: row.index("</tr>")])
        assert cells[1] == want and want in cells, (stage, cells)


# --------------------------------------------------------------------------
# Contact dates that ISO 8601 / YYYYMMDD and the transactions' date_format
# both read, as two days, are refused (as as_of is), never read one way


@settings(max_examples=25, deadline=None)
@given(
    fmt=st.sampled_from(["%Y%d%m", "%Y-%d-%m"]),
    month=st.integers(1, 12),
    day=st.integers(1, 12),
)
def test_contact_dates_read_two_ways_are_refused(
    fmt: str, month: int, day: int
) -> None:
    import datetime
    import warnings

    first = datetime.date(2023, 1, 1)
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c1"],
            "date": [first.strftime(fmt), datetime.date(2023, 1, 2).strftime(fmt)],
            "amount": [10.0, 20.0],
        }
    )
    meant = datetime.date(2024, month, day)
    contacts = pd.DataFrame(
        {
            "customer_id": ["c1"],
            "date": [meant.strftime(fmt)],
            "initiator": ["company"],
            "kind": ["follow_up"],
        }
    )
    kw: dict[str, Any] = {"date_format": fmt, "as_of": "2024-12-31T00:00"}
    warnings.simplefilter("ignore", custseg.errors.CustsegWarning)  # 1 customer
    if month == day:  # both readings are one day
        res = custseg.segment(tx, contacts=contacts, **kw)
        iso = custseg.segment(
            tx, contacts=contacts.assign(date=[meant.isoformat()]), **kw
        )
        assert res.customers["relationship"].equals(iso.customers["relationship"])
    else:
        with pytest.raises(custseg.errors.InputError, match="read as ISO 8601") as err:
            custseg.segment(tx, contacts=contacts, **kw)
        assert meant.isoformat() in str(err.value)


# --------------------------------------------------------------------------
# Rules divide by a zero of either sign alike, in the core and the engines
# (100 / -refunds with no refund was -inf in NumPy, +inf in Polars/DuckDB)

_DIVIDE = """
format = 1
[fields]
a = { type = "number" }
b = { type = "number" }
[segments.s]
default = "other"
rules = [
  { label = "neg", when = "a / -b < 0" },
  { label = "pos", when = "a / b > 0" },
  { label = "const", when = "a / (0 * -1) > 1e9" },
]
"""


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([0.0, -0.0, 1.0, -2.5, 100.0]),
            st.sampled_from([0.0, -0.0, 2.0, -4.0]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_division_by_zero_has_no_sign(rows: list[tuple[float, float]]) -> None:
    from custseg import rules

    rs = rules.loads(_DIVIDE, path="divide.toml")
    a = [r[0] for r in rows]
    b = [r[1] for r in rows]
    got = rs.evaluate({"a": a, "b": b})["s"].to_numpy().tolist()
    # the zero's sign never matters: as if every zero were +0.0
    plain = rs.evaluate({"a": a, "b": [x + 0.0 for x in b]})["s"].to_numpy().tolist()
    assert got == plain
    for label, x, y in zip(got, a, b, strict=True):
        if y == 0 and x:  # x / 0 and x / -0 are inf with the sign of x
            assert label == ("pos" if x > 0 else "neg")
        if x > 0 and y < 0:  # x / (0 * -1) is +inf too
            assert label == "const"
    pl = pytest.importorskip("polars")
    nw = pytest.importorskip("narwhals.stable.v2")
    from custseg.engines import compile_rules

    engine = compile_rules(rs, backend="polars").apply(
        nw.from_native(pl.DataFrame({"a": a, "b": b}))
    )
    assert engine.to_native()["s"].to_list() == got


# --------------------------------------------------------------------------
# Integer fields: a value past int64 is refused however it comes (a Python
# int of 2**64 and more was compared as a rounded float; 2**63 was refused)

_INTS = """
format = 1
[fields]
i = { type = "integer" }
j = { type = "integer" }
[segments.s]
default = "not greater"
rules = [{ label = "greater", when = "i > j" }]
"""


@settings(max_examples=40, deadline=None)
@given(
    big=st.one_of(st.integers(2**63, 2**200), st.integers(-(2**200), -(2**63) - 1)),
    small=st.integers(-(2**63), 2**63 - 1),
    form=st.sampled_from(["list", "object", "series"]),
    where=st.sampled_from(["i", "j"]),
)
def test_integer_fields_past_int64_are_refused(
    big: int, small: int, form: str, where: str
) -> None:
    from custseg import rules
    from custseg.errors import InputError

    rs = rules.loads(_INTS, path="ints.toml")

    def column(values: list[int]) -> Any:
        if form == "list":
            return values
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr if form == "object" else pd.Series(arr, dtype=object)

    data = {"i": column([small, big]), "j": column([small, small])}
    if where == "j":
        data = {"i": data["j"], "j": data["i"]}
    with pytest.raises(
        InputError, match=rf"'{where}' has values (beyond int64|above 2\*\*63)"
    ):
        rs.evaluate(data)
    # within int64 every pair compares exactly, as integers
    near = rs.evaluate(
        {"i": column([small]), "j": column([small - 1 if small > -(2**63) else small])}
    )
    assert near["s"].to_numpy().tolist() == [
        "greater" if small > -(2**63) else "not greater"
    ]


# --------------------------------------------------------------------------
# The command line refuses options it would ignore, and names what the user
# typed (the option, the file), not the library's parameters


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--recency", "nosuch"], "'--recency' gives the win-back deadlines"),
        (["--recency", "recency_days"], "'--recency' gives the win-back deadlines"),
        (["--birthday-window", "30"], "'--birthday-window' needs --birthday"),
        (["--holiday-window", "3"], "'--holiday-window' needs --holiday"),
    ],
)
def test_due_refuses_options_cadence_ignores(
    tmp_path: Any, capsys: Any, extra: list[str], message: str
) -> None:
    from custseg.cli import main

    table = tmp_path / "c.csv"
    table.write_text("customer_id,recency_days,lifecycle\na,10,active\nb,400,lost\n")
    argv = ["due", str(table), "--as-of", "2025-03-01", "--cadence", "30"]
    assert main([*argv, *extra]) == 2
    assert message in capsys.readouterr().err
    # given together, the windows are read
    assert main([*argv, "--holiday", "X=2025-03-02", "--holiday-window", "3"]) == 0
    assert "holiday" in capsys.readouterr().out


@settings(max_examples=6, deadline=None)
@given(
    option=st.sampled_from(["--bins", "--f-bins", "--m-bins"]),
    n=st.integers(2, 4),
)
def test_bins_against_a_preset_name_the_option(option: str, n: int) -> None:
    import contextlib
    import io

    from custseg.cli import main

    tx = simulate_csv()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["segment", tx, "--preset", "ecommerce", option, str(n)])
    assert code == 2
    text = err.getvalue()
    assert f"{option} {n} gives" in text and "bins=" not in text


def simulate_csv() -> str:
    """A small transactions file, made once per session."""
    import tempfile
    from pathlib import Path

    from custseg.datasets import simulate_transactions

    path = Path(tempfile.gettempdir()) / "custseg-audit27-tx.csv"
    if not path.exists():
        tmp = path.with_suffix(f".{id(path)}.tmp")
        simulate_transactions(300, seed=7).to_csv(tmp, index=False)
        tmp.replace(path)
    return str(path)


def test_migrate_errors_name_the_files(tmp_path: Any, capsys: Any) -> None:
    from custseg.cli import main

    june, dec = tmp_path / "june.csv", tmp_path / "dec.csv"
    june.write_text("customer_id,lifecycle\n1,active\n")
    dec.write_text("customer_id,lifecycle\n1,lost\n")
    assert main(["migrate", str(june), str(dec), "--column", "nosuch"]) == 2
    assert f"is not a column of BEFORE {str(june)!r}" in capsys.readouterr().err
    dec.write_text("customer_id,other\n1,x\n")
    assert main(["migrate", str(june), str(dec)]) == 2
    err = capsys.readouterr().err
    # the file named once, as the field (audit 33: not "BEFORE 'june.csv'")
    assert f"error: {str(june)!r} shares" in err and f"AFTER {str(dec)!r}" in err


# --------------------------------------------------------------------------
# Engines: ids keep their values and type (Dask categories not yet known,
# PyArrow float16 ids, Polars Date ids)


def _tx(ids: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
            ),
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )


@pytest.mark.parametrize(
    "ids", [[10, 5, 9, 10], [1.5, 2.0, 3.25, 1.5], ["b", "a", "c", "b"]], ids=str
)
def test_dask_categories_not_yet_known(ids: list[Any]) -> None:
    dd = pytest.importorskip("dask.dataframe")
    from custseg.frame import summarize_frame

    tx = _tx(ids)
    want = custseg.summarize(tx.customer_id, tx.date, tx.amount).to_pandas()
    ddf = dd.from_pandas(tx, npartitions=2).astype({"customer_id": "category"})
    got = summarize_frame(ddf, output="pandas")
    assert got.index.tolist() == want.index.tolist() == sorted(set(ids))
    assert got["monetary"].tolist() == want["monetary"].tolist()


@pytest.mark.parametrize("encoded", [False, True])
def test_arrow_float16_ids(encoded: bool) -> None:
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("narwhals")
    from custseg.frame import summarize_frame

    ids = pa.array(np.array([0.5, 1.0, 0.5, -0.0], dtype=np.float16))
    tx = _tx([0.5, 1.0, 0.5, 0.0])
    table = pa.table(
        {
            "customer_id": ids.dictionary_encode() if encoded else ids,
            "date": pa.array(tx["date"].to_numpy()),
            "amount": pa.array(tx["amount"].to_numpy()),
        }
    )
    got = summarize_frame(table).to_pandas()
    want = custseg.summarize(tx.customer_id, tx.date, tx.amount).to_pandas()
    assert got["customer_id"].tolist() == want.index.tolist() == [0.0, 0.5, 1.0]
    assert got["monetary"].tolist() == want["monetary"].tolist()


@pytest.mark.parametrize("lazy", [False, True])
def test_polars_date_ids_join_back(lazy: bool) -> None:
    pl = pytest.importorskip("polars")
    import datetime as dt

    from custseg.frame import summarize_frame

    days = [
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 2),
        dt.date(2020, 1, 1),
        dt.date(2019, 5, 5),
    ]
    tx = pl.DataFrame(
        {
            "customer_id": days,
            "date": [dt.date(2024, 1, 1)] * 4,
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = summarize_frame(tx.lazy() if lazy else tx)
    out = out.collect() if lazy else out
    assert out.schema["customer_id"] == pl.Date
    assert out["customer_id"].to_list() == sorted(set(days))
    assert tx.join(out, on="customer_id").height == 4


# --------------------------------------------------------------------------
# Labels read as arrays, but keep their ids wherever a function keeps the
# ids of its input (tags_from_values and Labels.from_names took the names
# and dropped the ids, then paired by position)


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(list(range(5))))
def test_labels_keep_their_ids_through_functions(order: list[int]) -> None:
    ids = [f"c{i}" for i in order]
    recency = pd.Series([5.0, 400.0, 100.0, 40.0, 200.0], index=ids)
    lab = custseg.lifecycle_stage(recency)
    series = lab.to_pandas()
    tags = custseg.tags_from_values(lab)
    assert list(tags.index) == list(series.index) == ids
    assert tags.to_pandas().equals(custseg.tags_from_values(series).to_pandas())
    moved = Labels.from_names(lab, tuple(reversed(lab.names)))
    assert list(moved.index) == ids and moved.name == lab.name
    assert moved.to_numpy().tolist() == lab.to_numpy().tolist()
    # beside facts of the same customers in another order: refused, as a
    # Series is, never paired by position
    facts = pd.DataFrame(
        {"recency_days": recency, "frequency": 1, "monetary": 1.0}
    ).sort_index()
    if list(facts.index) != ids:
        for given in (lab, moved, series):
            with pytest.raises(custseg.errors.InputError, match="different index"):
                custseg.segment_summary(given, facts)


# --------------------------------------------------------------------------
# The testing kit: no expectation that checks nothing, failures at the key
# the user wrote, rules named with their file, thresholds behind + and -
# drawn, tags compared in any row order

_TAGGED = """format = 1
[fields]
visits = { type = "integer", min = 0 }
[segments.kind]
default = "casual"
rules = [{ label = "regular", when = "visits >= 3" }]
[tags.flags]
rules = [{ tag = "vip", when = "visits >= 1" }, { tag = "kind", when = "visits >= 1" }]
"""


@pytest.mark.parametrize(
    "expect",
    [
        "expect = { flags = {} }",
        '[examples.expect]\nkind = "casual"\n[examples.expect.flags]',
    ],
)
def test_a_tag_expectation_of_no_tag_is_refused(expect: str) -> None:
    from custseg import rules
    from custseg.errors import RulesError

    text = _TAGGED + f"\n[[examples]]\ngiven = {{ visits = 0 }}\n{expect}\n"
    with pytest.raises(RulesError, match="names no tag, so it checks nothing"):
        rules.loads(text, path="vacuous.toml")


@pytest.mark.parametrize(
    ("example", "line", "column"),
    [
        (
            '[[examples]]\ngiven = { visits = 0 }\n[examples.expect]\nkind = "casual"\nflags.vip = true\n',
            5,
            7,
        ),
        (
            '[[examples]]\ngiven = { visits = 0 }\nexpect.kind = "casual"\nexpect.flags.vip = true\n',
            4,
            14,
        ),
        (
            '[[examples]]\ngiven = { visits = 5 }\nexpect = { kind = "regular", flags = { kind = false } }\n',
            3,
            40,
        ),
        (
            "[[examples]]\ngiven = { visits = 0 }\n[examples.expect.flags]\nvip = true\n",
            4,
            1,
        ),
        (
            '[[examples]]\nnote = """\nwas: expect = { kind = "regular" } and\n'
            'flags = { vip = true }\n"""\ngiven = { visits = 0 }\n'
            "expect = { flags = { vip = true } }\n",
            7,
            22,
        ),
    ],
    ids=[
        "under-expect",
        "dotted",
        "inline-named-like-a-segmentation",
        "own-table",
        "note",
    ],
)
def test_example_failures_point_at_the_key(
    example: str, line: int, column: int
) -> None:
    from custseg import rules
    from custseg.rules._examples import failures

    head = _TAGGED.count("\n") + 1  # the examples start after a blank line
    rs = rules.loads(_TAGGED + "\n" + example, path="pos.toml")
    bad = failures(rs.run_examples())
    assert len(bad) == 1, bad
    assert (bad[0].line, bad[0].column) == (head + line, column), bad[0]
    assert "\n" not in bad[0].message  # a note of several lines on one line


def test_invariant_failures_name_the_rules_file() -> None:
    from custseg import rules
    from custseg.testing import assert_monotone

    shop = rules.loads(
        'format = 1\nextends = "ecommerce"\n[params]\nloyal_orders = 8\n',
        path="shop.toml",
    )
    data = {
        "recency_days": [100.0],
        "frequency": [3],
        "monetary": [600.0],
        "tenure_days": [300.0],
        "r": [2],
        "f": [3],
        "m": [3],
    }
    names = list(shop.evaluate(data)["rfm11"].names)
    with pytest.raises(AssertionError, match=r"line \d+ of preset:base\)"):
        assert_monotone(shop, data, "rfm11", "r", names)


@settings(max_examples=30, deadline=None)
@given(
    fee=st.integers(1, 300),
    limit=st.integers(301, 2000),
    k=st.integers(1, 5),
    form=st.sampled_from(["minus", "plus", "affine", "scaled"]),
)
def test_thresholds_behind_sums_are_drawn(
    fee: int, limit: int, k: int, form: str
) -> None:
    from custseg import rules
    from custseg.testing import _arithmetic_values

    expr, at = {
        "minus": ("monetary - fee", limit + fee),
        "plus": ("monetary + fee", limit - fee),
        "affine": ("k * monetary + fee", (limit - fee) / k),
        "scaled": ("(monetary + fee) * k", limit / k - fee),
    }[form]
    rs = rules.loads(
        f"""format = 1
[params]
fee = {fee}
limit = {limit}
k = {k}
[fields]
monetary = {{ type = "number", min = 0 }}
[derived]
net = "{expr}"
[tables.tier]
field = "net"
breaks = ["limit"]
labels = ["standard", "key"]
closed = "right"
missing = "unknown"
""",
        path="offsets.toml",
    )
    if at >= 0:  # within the field's bounds (min = 0)
        assert at in _arithmetic_values(rs)["monetary"]


def test_assert_order_free_compares_tags() -> None:
    import attrs

    from custseg import rules
    from custseg.testing import assert_order_free

    rs = rules.loads(_TAGGED, path="tags.toml")

    def first_rows_tags(data: Any) -> Any:  # labels right, tags of row 0 for all
        res = rs.evaluate(data)
        tags, m = res.tags["flags"]
        m2 = m.copy()
        m2[:] = m[0]
        return attrs.evolve(res, tags={"flags": (tags, m2)})

    data = pd.DataFrame({"visits": [0, 5, 0]})
    with pytest.raises(AssertionError, match=r"tag flags\.vip depends on the order"):
        assert_order_free(first_rows_tags, data)
    assert_order_free(rs, data)  # the rules themselves are order-free


# --------------------------------------------------------------------------
# Files: a stray quote swallows no row whatever the line ends and the
# separator; write_table's files read back as written


@settings(max_examples=30, deadline=None)
@given(
    end=st.sampled_from(["\n", "\r\n", "\r"]),
    sep=st.sampled_from([",", "\t", ";", " ", "  "]),
    closed=st.booleans(),
)
def test_stray_quotes_swallow_no_row(end: str, sep: str, closed: bool) -> None:
    import tempfile
    from pathlib import Path

    from custseg.errors import InputError
    from custseg.frame import read_table

    rows = [
        ["customer_id", "date", "amount", "note"],
        ["a", "2024-01-01", "5", '"Gold'],
        ["b", "2024-01-02", "6", "x"],
        ["c", "2024-01-03", "7", 'y"' if closed else "y"],
        ["d", "2024-01-04", "8", "z"],
    ]
    text = end.join(sep.join(r) for r in rows) + end
    suffix = {",": ".csv", "\t": ".tsv"}.get(sep, ".txt")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"tx{suffix}"
        path.write_bytes(text.encode())
        kw: dict[str, Any] = {"sep": ";"} if sep == ";" else {}
        try:
            got = read_table(path, **kw)
        except InputError as exc:  # refused, naming the file
            assert str(path) in str(exc)
        else:  # read: then no row vanished into a note
            assert len(got) == 4, got


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(
        st.text(st.sampled_from("ab 0１\u00a0"), min_size=1, max_size=4).filter(
            lambda s: s.strip() and s.strip() not in ("NA", "N/A")
        ),
        min_size=1,
        max_size=5,
        unique=True,
    )
)
def test_one_column_text_tables_read_back(ids: list[str]) -> None:
    import tempfile
    from pathlib import Path

    from custseg.frame import read_table, write_table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ids.txt"
        write_table(pd.DataFrame(index=pd.Index(ids, name="customer_id")), path)
        back = read_table(path, text_columns=["customer_id"])
    assert back["customer_id"].tolist() == ids


def test_write_table_refuses_two_header_levels_and_drops_unnamed_levels(
    tmp_path: Any,
) -> None:
    from custseg.errors import InputError
    from custseg.frame import read_table, write_table

    agg = (
        pd.DataFrame({"customer_id": ["c1", "c1", "c2"], "amount": [1.5, 2.0, 3.0]})
        .groupby("customer_id")
        .agg({"amount": ["sum", "count"]})
    )
    import importlib.util

    parquet = importlib.util.find_spec("pyarrow") is not None  # not at the floors
    for suffix in (".csv", ".parquet") if parquet else (".csv",):
        with pytest.raises(InputError, match="several levels"):
            write_table(agg, tmp_path / f"agg{suffix}")
    df = pd.DataFrame(
        {"v": [1, 2], "level_1": [5, 6]},
        index=pd.MultiIndex.from_tuples(
            [("c1", 10), ("c2", 20)], names=["customer_id", None]
        ),
    )
    write_table(df, tmp_path / "mi.csv")
    back = read_table(tmp_path / "mi.csv")
    assert back.columns.tolist() == ["customer_id", "v", "level_1"]
    assert back["level_1"].tolist() == [5, 6]


def test_file_messages(tmp_path: Any, capsys: Any) -> None:
    import zipfile

    from custseg.cli import main

    body = b"customer_id,date,amount\n00001,2024-01-01,1\n"
    with zipfile.ZipFile(tmp_path / "mac.csv.zip", "w") as z:
        z.writestr("tx.csv", body)
        z.writestr("__MACOSX/._tx.csv", b"\x00\x05\x16\x07")
    assert main(["segment", str(tmp_path / "mac.csv.zip")]) == 2
    err = capsys.readouterr().err
    assert "must hold the table alone" in err and "--sep" not in err
    pytest.importorskip("pyarrow")
    empty = tmp_path / "empty.parquet"
    pd.DataFrame(
        {"customer_id": pd.Series([], dtype=str), "lifecycle": pd.Series([], dtype=str)}
    ).to_parquet(empty)
    (tmp_path / "b.csv").write_text("customer_id,lifecycle\n1,active\n")
    assert main(["migrate", str(empty), str(tmp_path / "b.csv")]) == 2
    assert "has its columns but no customers" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Presets: the care call follows each preset's own care phase (it said
# "within 5 days" and called every 5 days in a 30-day phase)


@pytest.mark.parametrize(
    "name",
    ["beauty_salon", "restaurant", "mother_baby", "furniture", "travel", "ecommerce"],
)
def test_care_actions_follow_the_care_phase(name: str) -> None:
    from custseg import rules
    from custseg.playbook import default_playbook

    rs = rules.preset(name)
    days = float(rs.tables["care_phase"].breaks[0])
    assert rs.care_days() == days
    care = rs.playbook("care_phase").action_for("care")
    shown = f"{days:g}"
    assert care.cadence_days == days  # one call within the phase
    assert f"within {shown} days" in care.action
    assert f"{shown}天内" in care.text("zh")[0]
    new = rs.playbook("status").action_for("new")
    assert f"within {shown} days" in new.action
    assert new.cadence_days == default_playbook("status").action_for("new").cadence_days


@pytest.mark.parametrize("range_index", [True, False])
def test_parquet_index_named_like_a_column(tmp_path: Any, range_index: bool) -> None:
    """A saved index named like a column is the clear "more than once"
    error, a RangeIndex (kept in the metadata only) as any other."""
    pytest.importorskip("pyarrow")
    from custseg.errors import InputError
    from custseg.frame import read_table

    frame = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0]})
    if not range_index:
        frame.index = pd.Index([10, 20])
    frame.index.name = "customer_id"
    frame.to_parquet(tmp_path / "t.parquet")
    with pytest.raises(InputError, match="'customer_id' more than once"):
        read_table(tmp_path / "t.parquet")
