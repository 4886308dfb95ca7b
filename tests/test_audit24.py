"""Audit 24: findings of the twenty-fourth audit.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import ast
import io
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import CustsegWarning, InputError, RulesError
from custseg.labels import label_codes
from custseg.migration import transition_matrix

# --------------------------------------------------------------------------
# full-width conditions: every reader of a condition reads it as the compiler


def _wide(ch: str) -> str:
    """The full-width form of a printable ASCII character, the ideographic
    space for a blank."""
    return "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0)


def _widened(text: str, mask: list[bool]) -> str:
    """*text* with the characters outside string literals that *mask*
    picks written full width (quotes and literals as they are)."""
    out, quote = [], ""
    for ch, wide in zip(text, mask + [False] * len(text), strict=False):
        if quote:
            out.append(ch)
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        else:
            out.append(_wide(ch) if wide and ch.isascii() and ch.isprintable() else ch)
    return "".join(out)


_MASKS = st.lists(st.booleans(), min_size=0, max_size=60)

_GRAPH = """
format = 1
[fields]
x = {{ type = "number", min = 0 }}
s = {{ type = "category", values = ["no", "yes"], missing = true }}
[derived]
d1 = "{d1}"
d2 = "x * 2"
[segments.t]
default = "lo"
rules = [{{ label = "hi", when = "{when}" }}]
"""


@settings(max_examples=60, deadline=None)
@given(m1=_MASKS, m2=_MASKS)
def test_dependencies_are_read_as_the_compiler_reads_them(
    m1: list[bool], m2: list[bool]
) -> None:
    """A derived value read by another declared above it (``d1 = "d2 > 1"``),
    written with full-width operators, digits or spaces: the dependency
    graph parsed the raw text, lost ``d2`` and said 'unknown name', or lost
    a whole segmentation whose condition read itself."""
    d1, when = "d2 > 1 and s == 'no'", "d1 or x >= 10"
    ascii_rs = rules.loads(_GRAPH.format(d1=d1, when=when))
    wide = rules.loads(_GRAPH.format(d1=_widened(d1, m1), when=_widened(when, m2)))
    assert wide.outputs == ascii_rs.outputs
    data = pd.DataFrame({"x": [0.0, 0.6, 10.0, 3.0], "s": ["no", "no", "yes", None]})
    got = wide.evaluate(data)["t"].to_numpy().tolist()
    assert got == ascii_rs.evaluate(data)["t"].to_numpy().tolist()


@settings(max_examples=30, deadline=None)
@given(mask=_MASKS)
def test_a_cycle_written_full_width_is_a_cycle(mask: list[bool]) -> None:
    """A segmentation whose condition reads itself, in full width: it was
    dropped without a word (no output, no error)."""
    text = (
        'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
        'default = "a"\nrules = [{ label = "b", when = "%s" }]\n'
    )
    with pytest.raises(RulesError, match="cycle"):
        rules.loads(text % _widened("s == 'b' or x > 1", mask))


@pytest.mark.parametrize(
    "call", ["missing(r)", "ｍｉｓｓｉｎｇ(r)", "missing\u3000(r)", "(missing)(r)"]
)
def test_an_example_of_a_derived_value_calling_missing(call: str) -> None:
    """``missing(r)`` of a field that cannot be missing is false, so
    ``x = 0`` gives ``d = false``: the example is right however ``missing``
    is written (a regular expression on the raw text saw no call in
    ``ｍｉｓｓｉｎｇ(r)`` and refused the example)."""
    text = f"""
format = 1
[fields]
r = {{ type = "integer", min = 0 }}
x = {{ type = "number" }}
[derived]
d = "{call} or x > 1"
[segments.s]
default = "a"
rules = [{{ label = "b", when = "d" }}]
[[examples]]
given = {{ x = 0, d = false }}
expect = {{ s = "a" }}
"""
    assert rules.loads(text).outputs == ("s",)


@settings(max_examples=40, deadline=None)
@given(mask=_MASKS)
def test_the_testing_kit_reads_full_width_arithmetic(mask: list[bool]) -> None:
    """The values behind arithmetic (``monetary * 3 >= 700``) are found in a
    condition written with full-width operators too."""
    from custseg.testing import _arithmetic_values

    when = "monetary * 3 >= 700 and monetary * 3 < 700.5"
    text = (
        'format = 1\n[fields]\nmonetary = { type = "number", min = 0 }\n'
        '[segments.p]\ndefault = "no"\nrules = [{ label = "promo", when = "%s" }]\n'
    )
    plain = _arithmetic_values(rules.loads(text % when))
    wide = _arithmetic_values(rules.loads(text % _widened(when, mask)))
    assert wide == plain and plain["monetary"]


# --------------------------------------------------------------------------
# an escaped line break in a one-line string: diagnostics on its own line


@settings(max_examples=40, deadline=None)
@given(
    escape=st.sampled_from(["\\n", "\\u000a", "\\U0000000A", "\\r\\n"]),
    lead=st.text(" ", max_size=3),
    breaks=st.integers(1, 3),
    derived=st.booleans(),
)
def test_an_escaped_line_break_is_placed_on_its_own_line(
    escape: str, lead: str, breaks: int, derived: bool
) -> None:
    """``"(x > 1 and\\n   x >> 5)"`` in a one-line string: the error was put
    on a line below (past the end of the file, or under another key)."""
    body = "(x > 1 and" + (escape + lead) * breaks + "x >> 5)"
    head = 'format = 1\n[fields]\nx = { type = "number" }\n'
    if derived:
        text = (
            head + f'[derived]\nd = "{body}"\n[segments.s]\ndefault = "a"\n'
            'rules = [{ label = "b", when = "d" }]\n'
        )
    else:
        text = (
            head + '[segments.s]\ndefault = "a"\n'
            f'rules = [{{ label = "b", when = "{body}" }}]\n'
        )
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines, 1) if "x >> 5" in t)
    column = lines[line - 1].index("x >> 5") + 1
    errors = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert errors
    assert (errors[0].line, errors[0].column) == (line, column)


# --------------------------------------------------------------------------
# dates as class names: as a file writes them


_DAYS = st.dates(
    min_value=pd.Timestamp("1900-01-01").date(),
    max_value=pd.Timestamp("2200-12-31").date(),
)


@settings(max_examples=60, deadline=None)
@given(days=st.lists(_DAYS, min_size=1, max_size=6))
def test_dates_are_named_as_a_file_writes_them(days: list[Any]) -> None:
    """Classes held as dates (a cohort month) are named as pandas writes
    them to a CSV file and reads them back as text, whatever holds them:
    a Timestamp was '2024-01-01 00:00:00' (no class of the file read back
    matched) and a NumPy ``datetime64[ns]`` its nanoseconds as an integer."""
    stamps = pd.to_datetime(pd.Series([pd.Timestamp(d) for d in days]))
    want = sorted({d.isoformat() for d in days})
    ids = pd.Index(range(len(days)), name="customer_id")
    for held in (
        stamps,
        stamps.astype("category"),
        stamps.to_numpy(),
        stamps.to_numpy().astype("datetime64[D]"),
        stamps.astype(object),
        [d.to_pydatetime() for d in stamps],
    ):
        assert list(label_codes(held)[1]) == want
    before = stamps.set_axis(ids).rename("cohort")
    text = before.reset_index().to_csv(index=False)
    after = pd.read_csv(io.StringIO(text), dtype={"cohort": str})
    after = after.set_index("customer_id")["cohort"]
    assert transition_matrix(before, after).stayed == 1.0


def test_times_of_day_and_zones_keep_them() -> None:
    """A time of day, a zone, a duration keep their text (pandas')."""
    stamps = pd.to_datetime(["2024-01-01 10:30", "2024-01-02"], format="ISO8601")
    names = label_codes(pd.Series(stamps))[1]
    assert names == ("2024-01-01 10:30:00", "2024-01-02")
    zoned = pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("Europe/Berlin"))
    assert label_codes(zoned)[1] == ("2024-01-01 00:00:00+01:00",)
    assert label_codes(np.array([1, 2], "timedelta64[D]"))[1] == (
        "1 days 00:00:00",
        "2 days 00:00:00",
    )


# --------------------------------------------------------------------------
# two periods in two languages


def _status(lang: str, ids: pd.Index) -> custseg.Labels:
    f = pd.Series([0, 1, 2, 9, 1], index=ids)
    t = pd.Series([np.nan, 3.0, 200.0, 900.0, 800.0], index=ids)
    r = pd.Series([np.nan, 3.0, 20.0, 30.0, 700.0], index=ids)
    return custseg.customer_status(f, t, r, lang=lang)


@pytest.mark.parametrize(("first", "second"), [("en", "zh"), ("zh", "en")])
def test_periods_in_two_languages_are_said(first: str, second: str) -> None:
    """The same classes in English before and Chinese after: every customer
    counted as moved (stayed 0%), without a word."""
    ids = pd.Index(list("abcde"), name="customer_id")
    with pytest.warns(CustsegWarning, match="written in Chinese"):
        tm = transition_matrix(_status(first, ids), _status(second, ids))
    assert tm.stayed == 0.0


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_periods_in_one_language_are_not(lang: str) -> None:
    ids = pd.Index(list("abcde"), name="customer_id")
    assert transition_matrix(_status(lang, ids), _status(lang, ids)).stayed == 1.0
    # two schemes in one language: a crosstab, not a mistake of language
    other = custseg.lifecycle_stage(pd.Series([1.0, 5, 50, 200, 900], index=ids))
    transition_matrix(_status("en", ids), other)


def test_migrate_says_it_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``custseg migrate`` of an English and a Chinese run: one warning (its
    own 'no class in common'), not that and the library's."""
    from custseg.cli import main

    (tmp_path / "en.csv").write_text("customer_id,lifecycle\n1,active\n2,lost\n")
    (tmp_path / "zh.csv").write_text("customer_id,lifecycle\n1,活跃期\n2,流失期\n")
    assert main(["migrate", str(tmp_path / "en.csv"), str(tmp_path / "zh.csv")]) == 0
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and "no class in common" in err


# --------------------------------------------------------------------------
# labels compared with a Series of other customers


@settings(max_examples=50, deadline=None)
@given(perm=st.permutations(list(range(5))))
def test_labels_compared_with_a_series_follow_the_customers(perm: list[int]) -> None:
    """``labels == series``: the Series in another order (or of other
    customers) paired row *i* with row *i*; it is refused unless its index
    is the labels' own, as pandas refuses two Series labelled apart."""
    ids = pd.Index(list("abcde"), name="customer_id")
    stage = custseg.lifecycle_stage(pd.Series([1.0, 40, 100, 200, 900], index=ids))
    other = stage.to_pandas().iloc[perm]
    if perm == sorted(perm):
        assert (stage == other).all() and (other == stage).all()
        assert not (stage != other).any()
        return
    for compare in (
        lambda: stage == other,
        lambda: other == stage,
        lambda: stage != other,
    ):
        with pytest.raises(InputError, match="other customers"):
            compare()
    # aligned first, as the fix says
    assert (stage == other.reindex(stage.index)).all()


def test_labels_without_index_compare_row_by_row() -> None:
    stage = custseg.lifecycle_stage(np.array([1.0, 900.0]))
    series = pd.Series(["active", "x"], index=[7, 3])
    assert (stage == series).tolist() == [True, False]
    assert (stage == ["active", "lost"]).tolist() == [True, True]


# --------------------------------------------------------------------------
# transition_matrix: an array beside customer ids


def test_an_array_beside_customer_ids_is_refused() -> None:
    """``lifecycle_stage(facts.recency_days)`` (no index) against a Series
    of customer ids: row *i* met the *i*-th customer."""
    ids = pd.Index(["b", "c", "d"], name="customer_id")
    after = pd.Series(["active", "lost", "active"], index=ids)
    before = custseg.lifecycle_stage(np.array([3.0, 100.0, 500.0]))
    for b, a in ((before, after), (after, before), (before.to_numpy(), after)):
        with pytest.raises(InputError, match="has no index"):
            transition_matrix(b, a)
    # both without ids: by position, as documented
    assert transition_matrix(before, after.to_numpy()).n_both == 3


# --------------------------------------------------------------------------
# the plot of a summary's sizes: the summary's own total row


@pytest.mark.parametrize("total", [None, "All", "Total"])
def test_segment_sizes_draws_the_summary_classes(total: str | None) -> None:
    """The total row was known by the name 'Total' alone: with total=None a
    class 'Total' was dropped, with total='All' the total drawn as a class."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from custseg import plot

    names = ["Total", "x", "y"] if total is None else ["p", "x", "y"]
    labels = pd.Series(names * 2)
    facts = pd.DataFrame(
        {"recency_days": [1.0] * 6, "frequency": [1] * 6, "monetary": [5.0] * 6}
    )
    summary = custseg.segment_summary(labels, facts, total=total)
    ax = plot.segment_sizes(summary)
    try:
        drawn = [t.get_text() for t in ax.get_yticklabels()]
    finally:
        plt.close(ax.figure)
    assert sorted(drawn) == sorted(names)


# --------------------------------------------------------------------------
# the engines: the id column, replaced columns, decimals, optional fields


def test_apply_rules_on_an_engine_frame_finds_the_id_column() -> None:
    """A Polars frame joined so that a field comes first: that field was
    taken as the id, and the outputs reading it left out without a word."""
    pl = pytest.importorskip("polars")
    survey = pd.DataFrame(
        {
            "satisfaction": ["very_satisfied", "neutral"],
            "customer_id": ["u1", "u2"],
            "repurchase": [0.9, 0.1],
            "referral": ["very_likely", "unlikely"],
        }
    )
    facts = pd.DataFrame(
        {
            "customer_id": ["u1", "u2"],
            "recency_days": [3.0, 400.0],
            "frequency": [12, 1],
            "monetary": [2500.0, 30.0],
            "tenure_days": [700.0, 400.0],
            "r": [5, 1],
            "f": [5, 1],
            "m": [5, 1],
        }
    )
    seg = custseg.frame.apply_rules(facts.set_index("customer_id"), "ecommerce")
    joined = survey.merge(seg.reset_index(), on="customer_id")
    ref = custseg.frame.apply_rules(joined.set_index("customer_id"), "ecommerce")
    got = custseg.frame.apply_rules(
        pl.from_pandas(joined), "ecommerce", output="pandas"
    )
    assert got["loyalty"].tolist() == ref["loyalty"].tolist()
    assert ref["loyalty"].notna().all()
    # no id column, a fact first: refused, naming it
    with pytest.raises(InputError, match="'recency_days' is the first column"):
        custseg.frame.apply_rules(
            pl.from_pandas(facts.drop(columns="customer_id")), "ecommerce"
        )


def _polars(df: pd.DataFrame) -> Any:
    import polars as pl

    return pl.from_pandas(df)


def _duckdb(df: pd.DataFrame) -> Any:
    import duckdb

    return duckdb.from_df(df)


_ENGINES = {"polars": _polars, "duckdb": _duckdb}

_REPLACING = """
format = 1
[fields]
frequency = {{ type = "number", min = 0 }}
[segments.{name}]
default = "low"
rules = [{{ label = "high", when = "frequency >= 2" }}]
"""


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
@pytest.mark.parametrize("name", ["monetary", "recency_days", "m", "rfm", "r"])
def test_an_engine_output_does_not_replace_facts_or_scores(
    engine: str, name: str
) -> None:
    """An output named like a fact or a score replaced it in the engine,
    where apply_rules refuses it."""
    pytest.importorskip(engine)
    from custseg.engines import label_in_engine

    convert = _ENGINES[engine]
    facts = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "recency_days": [3.0, 400.0],
            "frequency": [2, 1],
            "monetary": [250.0, 30.0],
        }
    )
    edges = custseg.RfmEdges(*(custseg.ScoreEdges((1.5,)),) * 3)
    rs = rules.loads(_REPLACING.format(name=name))
    with pytest.raises(InputError, match=f"'{name}' is an output of the rules"):
        out = label_in_engine(convert(facts), rules=rs, edges=edges)
        getattr(out, "collect", lambda: out)()
    # a column of labels is replaced, as documented (the spine's lifecycle)
    rs = rules.loads(_REPLACING.format(name="lifecycle"))
    label_in_engine(convert(facts), rules=rs, edges=edges)


@pytest.mark.parametrize("threshold", ["1e15", "-1e15", "99999999999999"])
def test_a_threshold_beyond_a_decimal_column_range(threshold: str) -> None:
    """A Polars Decimal(38, 25) compared with a threshold of more integer
    digits than the type holds: the literal at the column's scale had 40
    digits and Polars refused it with a bare TypeError. Every value is on
    one side of such a threshold."""
    pl = pytest.importorskip("polars")
    from decimal import Decimal

    import narwhals as nw

    from custseg.engines import compile_rules

    rs = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
        f'default = "lo"\nrules = [{{ label = "hi", when = "x > {threshold}" }}]\n'
    )
    values = [Decimal("1.5"), Decimal("-12345678901.25")]
    frame = pl.DataFrame({"x": values}, schema={"x": pl.Decimal(38, 25)})
    got = compile_rules(rs, backend="polars").apply(nw.from_native(frame))
    want = rs.evaluate({"x": np.array(values, dtype=object)})["s"].to_numpy().tolist()
    assert got["s"].to_list() == want


def test_an_optional_field_absent_names_columns() -> None:
    """compile_rules without columns= and an optional field absent: the
    error said to add a column custseg computes; it says to compile with
    the frame's columns."""
    pl = pytest.importorskip("polars")
    import narwhals as nw

    from custseg.engines import compile_rules

    frame = pl.DataFrame({"x": [1.0]})
    rs = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n'
        'opt = { type = "number", optional = true }\n[segments.s]\n'
        'default = "a"\nrules = [{ label = "b", when = "x > 0 and opt > 1" }]\n'
    )
    with pytest.raises(InputError, match="optional field") as info:
        compile_rules(rs, backend="polars").apply(nw.from_native(frame))
    assert "columns=frame.columns" in str(info.value)


# --------------------------------------------------------------------------
# the command line's advice


def test_migrate_without_a_shared_label_column_offers_what_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said '--column r' to files without an r column."""
    from custseg.cli import main

    (tmp_path / "b.csv").write_text("customer_id,lifecycle\n1,active\n")
    (tmp_path / "a.csv").write_text("customer_id,segment\n1,x\n")
    assert main(["migrate", str(tmp_path / "b.csv"), str(tmp_path / "a.csv")]) != 0
    err = capsys.readouterr().err
    assert "--column" not in err and "share no column besides" in err
    (tmp_path / "b.csv").write_text("customer_id,lifecycle,f\n1,active,3\n")
    (tmp_path / "a.csv").write_text("customer_id,segment,f\n1,x,4\n")
    assert main(["migrate", str(tmp_path / "b.csv"), str(tmp_path / "a.csv")]) != 0
    assert "--column f" in capsys.readouterr().err
    args = ["migrate", str(tmp_path / "b.csv"), str(tmp_path / "a.csv")]
    assert main([*args, "--column", "f"]) == 0


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_contacts_with_the_ids_as_index() -> None:
    """A contact log indexed by customer_id was refused as having no such
    column; records so indexed are read. Now both are."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-01-01", "2024-02-01", "2024-03-01"],
            "amount": [10.0, 20, 30],
        }
    )
    log = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-05", "2024-02-05"],
            "initiator": ["company", "customer"],
            "kind": ["follow_up", "complaint"],
        }
    )
    ref = custseg.segment(tx, contacts=log).customers
    got = custseg.segment(tx, contacts=log.set_index("customer_id")).customers
    pd.testing.assert_frame_equal(got, ref)


def _due_file(tmp_path: Path) -> str:
    path = tmp_path / "c.csv"
    path.write_text("customer_id,pts\nc1,1000\nc2,5\n")
    return str(path)


def test_due_names_its_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--min-points was 'a number of days', --cadence 0 was 'cadence'."""
    from custseg.cli import main

    path = _due_file(tmp_path)
    base = ["due", path, "--as-of", "2024-12-28"]
    assert main([*base, "--cadence", "30", "--points", "pts", "--min-points", "abc"])
    err = capsys.readouterr().err
    assert "expected a number (a points balance)" in err and "days" not in err
    assert main([*base, "--cadence", "0"]) != 0
    assert "'--cadence' must be" in capsys.readouterr().err


def test_due_says_nobody_was_contacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without last contacts every customer is due by the cadence: said."""
    from custseg.cli import main

    path = _due_file(tmp_path)
    assert main(["due", path, "--as-of", "2024-12-28", "--cadence", "30"]) == 0
    assert "no last contacts" in capsys.readouterr().out
    (tmp_path / "d.csv").write_text("customer_id,last_contact\nc1,2024-12-27\n")
    assert (
        main(
            ["due", str(tmp_path / "d.csv"), "--as-of", "2024-12-28", "--cadence", "30"]
        )
        == 0
    )
    assert "no last contacts" not in capsys.readouterr().out


@settings(max_examples=200, deadline=None)
@given(
    share=st.one_of(
        st.sampled_from([0.1, 0.2, 0.3, 0.7, 1e-12, 1.0, 1 / 3]),
        st.floats(1e-15, 1.0),
    ),
    n=st.integers(1, 40),
)
def test_neglected_top_share_as_written(share: float, n: int) -> None:
    """The top ``ceil(top_share * n)`` customers, the share as written: a
    tolerance of 1e-9 made 1e-12 of 3 customers nobody."""
    from custseg.ownership import neglected

    values = np.arange(1, n + 1, dtype=float)
    got = neglected(values, np.full(n, 100.0), window_days=60, top_share=share)
    want = math.ceil(Fraction(repr(share)) * n)
    assert int((got.to_numpy() == "neglected").sum()) == want


_FULL = str.maketrans("0123456789 ", "０１２３４５６７８９\u3000")


@settings(max_examples=60, deadline=None)
@given(
    day=_DAYS,
    where=st.lists(st.integers(0, 9), min_size=1, max_size=3),
    fmt=st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%Y-%m-%d %H:%M"]),
)
def test_dates_with_other_digits_get_advice_that_works(
    day: Any, where: list[int], fmt: str
) -> None:
    """A date with full-width digits: the advice offered a date format that
    the reading then refused. No format is offered; the digits are named."""
    from custseg._files import parse_date_column

    text = list(pd.Timestamp(day).strftime(fmt))
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    for k in where:
        i = digits[k % len(digits)]
        text[i] = text[i].translate(_FULL)
    bad = "".join(text)
    col = pd.Series(
        ["2024-01-05" if "-" in fmt else pd.Timestamp("2024-01-05").strftime(fmt), bad]
    )
    for given_format in (None, fmt):
        with pytest.raises(InputError) as info:
            parse_date_column(col, "date", date_format=given_format)
        fix = info.value.fix or ""
        assert "digits 0-9" in fix and "--date-format" not in fix


def test_a_title_line_above_the_header(tmp_path: Path) -> None:
    """'Sales export 2024' above the header: the advice was about a
    separator at the end of each data line."""
    from custseg.frame import read_table

    path = tmp_path / "t.csv"
    path.write_text("Sales export 2024\ncustomer_id,date,amount\na,2024-01-05,1\n")
    with pytest.raises(InputError, match="delete the first line"):
        read_table(path)
    # a separator at the end of each data line: the advice as before
    path.write_text("customer_id,date,amount\na,2024-01-05,1,\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert "delete the first line" not in str(info.value)


def test_condition_tree_reads_as_the_compiler() -> None:
    from custseg.rules._expr import condition_tree

    tree = condition_tree("ｄ２ ＞ １ and s == '１'")
    assert tree is not None
    assert ast.dump(tree) == ast.dump(ast.parse("d2 > 1 and s == '１'", mode="eval"))
