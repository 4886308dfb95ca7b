"""Audit 35 (left): known leftovers of audit 34, and their relatives.

1. Text and numbers read as a day outside the years 1 to 9999 (``0000-08-15``,
   ``-0001-08-15``, ``20240-01-01``, ``815`` in ``'%Y%m%d'``) are refused on
   the core's parsing paths (``custseg.summarize``, ``parse_date_column``,
   ``as_of``), as every engine refuses them; they were a recency of 739,176
   days. ``datetime64`` values given as such keep any year.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError
from custseg.frame import parse_date_column, summarize_frame

AS_OF = "2024-06-01"


def _quiet(call: Any, *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (one customer: unstable edges)
        return call(*args, **kw)


# --------------------------------------------------------------------------
# 1. years outside 1 to 9999


def _text(year: int, month: int, day: int) -> str:
    sign = "-" if year < 0 else ""
    return f"{sign}{abs(year):04d}-{month:02d}-{day:02d}"


def test_the_reported_year_zero() -> None:
    """The report: 0000-08-15 gave a recency of 739,176 days."""
    ids, amounts = ["a", "b"], [1.0, 2.0]
    dates = ["2024-01-01", "0000-08-15"]
    problem = r"'date' has dates outside the years 1 to 9999, such as '0000-08-15'"
    for given_dates in (dates, pd.Series(dates), np.array(dates)):
        with pytest.raises(InputError, match=problem) as info:
            custseg.summarize(ids, given_dates, amounts, as_of=AS_OF)
        assert (info.value.first_row, info.value.n_rows) == (1, 1)
    frame = pd.DataFrame({"customer_id": ids, "date": dates, "amount": amounts})
    with pytest.raises(InputError, match=problem):
        summarize_frame(frame, as_of=AS_OF)
    with pytest.raises(InputError, match=problem):
        _quiet(custseg.segment, frame, as_of=AS_OF)
    with pytest.raises(InputError, match="such as 815 "):
        summarize_frame(
            frame.assign(date=[20240101, 815]), as_of=AS_OF, date_format="%Y%m%d"
        )
    with pytest.raises(InputError, match="such as '0000/08/15'"):
        parse_date_column(
            pd.Series(["2024/01/01", "0000/08/15"]), "date", date_format="%Y/%m/%d"
        )
    # datetime64 values given as such keep any year their unit holds (the
    # any-year contract of test_hostile_data), a pandas datetime column too
    days = np.array(dates, "M8[D]")
    facts = custseg.summarize(ids, days, amounts, as_of=AS_OF)
    assert facts.recency_days.tolist() == [152.0, 739176.0]
    col = pd.Series(days.astype("M8[s]"))
    assert parse_date_column(col, "date") is col
    as_of = np.datetime64("10000-01-01", "D")
    assert custseg.summarize(ids, days, amounts, as_of=as_of).as_of == as_of


@pytest.mark.parametrize("as_of", ["0000-08-15", "20240-01-01", "-0001-01-01"])
def test_as_of_text_outside_the_years(as_of: str) -> None:
    """A typo in as_of (20240-01-01) gave every customer a recency of
    6,6 million days; the year 0 a refusal about the transactions."""
    with pytest.raises(InputError) as info:
        custseg.summarize(["a"], ["2024-01-01"], [1.0], as_of=as_of)
    assert info.value.field == "as_of"
    assert "outside the years 1 to 9999" in str(info.value)


_DAY = st.tuples(st.integers(-3, 2030), st.integers(1, 12), st.integers(1, 28))


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(_DAY, min_size=1, max_size=5),
    kind=st.sampled_from(["list", "object", "str", "frame", "numbers"]),
)
@example(days=[(2024, 1, 1), (0, 8, 15)], kind="numbers")
@example(days=[(0, 8, 15)], kind="frame")
@example(days=[(10000, 1, 1)], kind="list")
def test_text_of_a_year_outside_1_to_9999_is_refused(
    days: list[tuple[int, int, int]], kind: str
) -> None:
    """Every text path: refused exactly when a day is outside the years 1 to
    9999, at its first row, else the days of the text."""
    texts = [_text(*d) for d in days]
    ids = [f"c{i}" for i in range(len(days))]
    # pandas reads no sign nor a fifth digit: those are no dates there
    pandas_reads = all(0 <= y <= 9999 for y, _, _ in days)
    if kind == "numbers" and not pandas_reads:
        return
    far = [not 1 <= y <= 9999 for y, _, _ in days]

    def run() -> Any:
        if kind in ("list", "object", "str"):
            dates: Any = texts
            if kind != "list":
                dates = pd.Series(texts, dtype=object if kind == "object" else "str")
            return custseg.summarize(ids, dates, [1.0] * len(ids), as_of="9999-01-01")
        col: Any = pd.Series(texts)
        fmt = None
        if kind == "numbers":
            col = pd.Series([int(t.replace("-", "")) for t in texts])
            fmt = "%Y%m%d"
        frame = pd.DataFrame({"customer_id": ids, "date": col, "amount": 1.0})
        return summarize_frame(frame, as_of="9999-01-01", date_format=fmt)

    if any(far):
        if kind in ("frame", "numbers") and not pandas_reads:
            with pytest.raises(InputError):  # not a date to pandas
                run()
            return
        with pytest.raises(InputError, match="outside the years 1 to 9999") as info:
            run()
        assert info.value.field == "date"
        assert info.value.first_row == far.index(True)
        assert info.value.n_rows == sum(far)
        return
    got = run()
    want = np.array(texts, "M8[D]")
    facts = got if isinstance(got, custseg.CustomerFacts) else None
    if facts is None:
        firsts = got["first_purchase"].reindex(ids).to_numpy("M8[D]")
    else:
        firsts = facts.to_pandas()["first_purchase"].reindex(ids).to_numpy("M8[D]")
    assert firsts.tolist() == want.tolist()


# --------------------------------------------------------------------------
# 5. blanks around a date and at the ends of its format are padding

_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%m/%d/%Y %H:%M", "%Y%m%d"]
_PADS = st.sampled_from(["", " ", "  ", "\t", " \t"])


def _engine_frames(df: pd.DataFrame) -> dict[str, Any]:
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("narwhals")
    table = pa.Table.from_pandas(df, preserve_index=False)
    return {
        "pandas": df,
        "pyarrow": table,
        "polars": pl.from_arrow(table),
        "duckdb": duckdb.connect().from_arrow(table),
    }


@settings(max_examples=25, deadline=None)
@given(
    day=st.dates(pd.Timestamp("1990-01-01").date(), pd.Timestamp("2030-12-31").date()),
    fmt=st.sampled_from(_FORMATS),
    pads=st.tuples(_PADS, _PADS, _PADS, _PADS),
)
@example(
    day=pd.Timestamp("2024-01-05").date(), fmt="%d/%m/%Y", pads=(" ", " ", "", " ")
)
@example(
    day=pd.Timestamp("2024-01-05").date(), fmt="%Y-%m-%d", pads=(" ", " ", " ", "")
)
def test_padded_dates_in_a_padded_format_are_read(
    day: Any, fmt: str, pads: tuple[str, str, str, str]
) -> None:
    """A date with blanks at either end, in a format with blanks at either
    end, is the day written, on the pandas path and on every engine (the
    pandas path refused ' 05/01/2024 ' in ' %d/%m/%Y' or '%d/%m/%Y ',
    pandas' to_datetime reads '05/01/2024 ' in the latter; the engines
    refused even that)."""
    before, after, fmt_before, fmt_after = pads
    text = before + day.strftime(fmt) + after
    given_fmt = fmt_before + fmt + fmt_after
    df = pd.DataFrame({"customer_id": ["a"], "date": [text], "amount": [1.0]})
    parsed = parse_date_column(df["date"], "date", date_format=given_fmt)
    assert parsed.tolist() == [pd.Timestamp(day)]  # (a time: midnight)
    for name, frame in _engine_frames(df).items():
        got = _quiet(
            summarize_frame,
            frame,
            as_of="2031-01-01",
            date_format=given_fmt,
            output="pandas",
        )
        assert got["first_purchase"].dt.normalize().tolist() == [pd.Timestamp(day)], (
            name
        )
    # padding is skipped, nothing else: a value of another shape is
    # refused, quoted, in the format given
    col = pd.Series([text, "2024-01-06T10:00"])
    with pytest.raises(InputError, match="do not match the date format") as info:
        parse_date_column(col, "date", date_format=given_fmt)
    assert info.value.first_row == 1


# --------------------------------------------------------------------------
# 3. combine_tags: a tag source on another's row numbers, moved


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(2, 6), first=st.booleans())
def test_combine_tags_names_moved_row_numbers(data: Any, n: int, first: bool) -> None:
    """A tag source cut from a frame on its row numbers, beside one on
    those row numbers sorted, sorted back (sort_index) or filtered, is
    refused as group_summary refuses such facts: named "row numbers" (not
    "customer ids"), with a fix that runs and pairs each row with its own."""
    from custseg import TagMatrix, combine_tags

    vip = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    new = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    frame = pd.DataFrame({"vip": vip, "new": new})
    how = data.draw(st.sampled_from(["sorted", "sort_index", "filtered"]))
    if how == "filtered":
        keep = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        if all(keep) or not any(keep):
            keep = [i > 0 for i in range(n)]
        cut = frame[["new"]][keep]
    else:
        order = data.draw(st.permutations(range(n)))
        cut = frame[["new"]].iloc[order]
        if how == "sort_index":
            cut = cut.sort_index()
        elif list(order) == list(range(n)):
            cut = cut.iloc[::-1]
    on_rows = TagMatrix(("vip",), frame[["vip"]])
    moved = TagMatrix(("new",), cut)
    sources = (on_rows, moved) if first else (moved, on_rows)
    if type(cut.index) is pd.RangeIndex and cut.index.equals(frame.index):
        # (pandas gives the row numbers back as they were: nothing moved)
        assert combine_tags(*sources).names in (("vip", "new"), ("new", "vip"))
        return
    with pytest.raises(InputError) as info:
        combine_tags(*sources)
    text = str(info.value)
    assert "indexed by customer ids" not in text
    assert "row numbers" in text
    where = "tags[1]" if first else "tags[0]"
    assert f"{where} is indexed by" in text or f"'{where}' is indexed by" in text
    # the fix runs: each row gets its own tags (a filtered row: none)
    fixed = TagMatrix(
        moved.names,
        pd.DataFrame(moved.matrix, index=moved.index, columns=moved.names).reindex(
            on_rows.index, fill_value=False
        ),
    )
    both = combine_tags(on_rows, fixed).to_pandas()
    want = frame["new"].where(frame.index.isin(cut.index), False)
    assert both["new"].tolist() == want.tolist()
    assert both["vip"].tolist() == vip


# --------------------------------------------------------------------------
# 2. approx_rfm_edges on facts without rows


@pytest.mark.parametrize("engine", ["pandas", "pyarrow", "polars", "duckdb"])
def test_approx_rfm_edges_on_no_customers(engine: str) -> None:
    """Facts with no rows have no customers (it said "frequency is 0 for
    every customer"); customers of whom none bought still get that."""
    from custseg.engines import approx_rfm_edges

    for rows in (0, 2):
        facts = pd.DataFrame(
            {
                "recency_days": [1.0, 2.0][:rows],
                "frequency": pd.Series([0, 0][:rows], dtype="int64"),
                "monetary": [-5.0, 0.0][:rows],
            }
        )
        with pytest.raises(InputError) as info:
            approx_rfm_edges(_engine_frames(facts)[engine])
        if rows:
            assert info.value.field == "frequency"
            assert "is 0 for every customer" in str(info.value)
        else:
            assert info.value.field == "facts"
            assert "has no customers (no rows)" in str(info.value)
            assert "for every customer" not in str(info.value)


# --------------------------------------------------------------------------
# 4. a missing customer id: no command-line option from functions no
#    command runs with it


def _history(ids: list[Any], orders: bool) -> Any:
    n = len(ids)
    dates = [str(np.datetime64("2024-01-01") + i) for i in range(n)]
    return custseg.segment_history(
        ids,
        dates,
        [1.0] * n,
        ["2024-03-01", "2024-06-01"],
        order_id=list(range(n)) if orders else None,
    )


def _contacts(ids: list[Any], orders: bool) -> Any:
    n = len(ids)
    return custseg.contact_summary(
        ids, ["2024-01-01"] * n, ["customer"] * n, ["sale"] * n, as_of="2024-06-01"
    )


def _orders(ids: list[Any], orders: bool) -> Any:
    n = len(ids)
    return custseg.orders_from_lines(ids, list(range(n)), ["2024-01-01"] * n, [1.0] * n)


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(
        st.sampled_from(["a", "b", None, np.nan]), min_size=1, max_size=6
    ).filter(lambda ids: any(pd.isna(x) for x in ids)),
    call=st.sampled_from([_history, _contacts, _orders]),
    orders=st.booleans(),
)
@example(ids=["a", None, "b"], call=_history, orders=False)
@example(ids=["a", None], call=_contacts, orders=False)
def test_missing_ids_name_no_option_where_no_command_has_it(
    ids: list[Any], call: Any, orders: bool
) -> None:
    """segment_history, contact_summary and orders_from_lines, which no
    command runs with --missing-customer, give the pandas fix alone (they
    named the segment command's option); summarize, which segment runs,
    keeps it. The row is the input's."""
    first = next(i for i, x in enumerate(ids) if pd.isna(x))
    with pytest.raises(InputError, match="has missing customer ids") as info:
        call(ids, orders)
    assert info.value.first_row == first
    assert "--missing-customer" not in str(info.value)
    assert "dropna(subset=" in (info.value.fix or "")
    n = len(ids)
    with pytest.raises(InputError) as core:
        custseg.summarize(
            ids,
            ["2024-01-01"] * n,
            [1.0] * n,
            order_id=list(range(n)) if orders else None,
        )
    assert "(on the command line: --missing-customer drop)" in (core.value.fix or "")


def test_engines_name_duckdb_infinity_on_duckdb_only() -> None:
    """A year 0 on an engine: refused; the words on DuckDB's infinite
    dates only on a DuckDB frame (Polars and PyArrow have none)."""
    df = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["0000-08-15", "2024-01-01"], "amount": 1.0}
    )
    for engine in ("pyarrow", "polars", "duckdb"):
        with pytest.raises(InputError) as info:
            _quiet(summarize_frame, _engine_frames(df)[engine], as_of=AS_OF)
        assert info.value.problem.startswith("has dates outside the years 1 to 9999")
        # (audit 36: text read as such a day is quoted, with pandas' words,
        # on DuckDB too: no infinite date there)
        assert "such as '0000-08-15'" in str(info.value), engine
        assert "DuckDB" not in str(info.value), engine
    duckdb = pytest.importorskip("duckdb")
    infinite = duckdb.connect().sql(
        "SELECT * FROM (VALUES ('a', '-infinity'::TIMESTAMP, 1.0)) "
        "t(customer_id, date, amount)"
    )
    with pytest.raises(InputError, match="DuckDB's 'infinity'"):
        _quiet(summarize_frame, infinite, as_of=AS_OF)


# --------------------------------------------------------------------------
# found on the way: a 0-d array among the RFM columns


@given(
    x=st.sampled_from([np.array(0), np.array(7, dtype=np.uint8), np.array(-3)]),
    which=st.sampled_from([0, 2]),
)
@example(x=np.array(0), which=0)
def test_a_0d_integer_array_is_refused_not_a_type_error(x: Any, which: int) -> None:
    """rfm_scores(nan="unknown") with a 0-d integer array beside columns in
    which someone bought nothing raised TypeError ("len() of unsized
    object", a latent failure of test_hostile_data's fuzz test); now the
    InputError rfm_edges and rfm_scores give, naming the column."""
    args: list[Any] = [[1.0, 5.0, 9.0], [1, 0, 2], [1.0, 2.0, 3.0]]
    args[which] = x
    name = ["recency_days", "frequency", "monetary"][which]
    with pytest.raises(InputError) as info:
        custseg.rfm_scores(*args, nan="unknown")
    assert info.value.field == name
    for call in (custseg.rfm_edges, custseg.rfm_scores):
        with pytest.raises(InputError) as info:
            call(*args)
        assert info.value.field == name
