"""Audit 16 (4 December 2026, late night): findings of four probes (dates,
one question by many paths, metamorphic properties, the docs are true).

Each test names the class of failure it guards and draws the family, not
only the probe's example.
"""

from __future__ import annotations

import contextlib
import threading
import unicodedata
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import custseg
from conftest import run_command as _run
from custseg import rules
from custseg._files import write_table
from custseg.errors import CustsegWarning, InputError
from custseg.frame import read_table, summarize_frame

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# --------------------------------------------------------------------------
# totals past float64: an error, never inf


@_SETTINGS
@given(
    big=st.floats(1e306, 1.7e308),
    n=st.integers(2, 6),
    sign=st.sampled_from([1.0, -1.0]),
)
def test_group_totals_past_float64_are_refused(big, n, sign):
    """group_summary refused sums past float64 (it gave inf totals and
    means), as segment_summary and summarize do; a sum that fits is kept."""
    values = [sign * big] * n
    tags = custseg.TagMatrix(("g",), [[True]] * n)
    if abs(sum(Fraction(x) for x in values)) > Fraction(np.finfo(np.float64).max):
        with pytest.raises(InputError, match="passes what float64 holds"):
            custseg.group_summary(tags, {"monetary": values})
    one = custseg.group_summary(tags, {"monetary": [sign * big] + [0.0] * (n - 1)})
    assert np.isfinite(one.totals["monetary"]).all()


# --------------------------------------------------------------------------
# segment_summary: shares and revenue per order from the exact totals

_CENTS = st.integers(-(10**9), 10**9).map(lambda c: c / 100)


@_SETTINGS
@given(
    spend=st.lists(_CENTS, min_size=1, max_size=8),
    orders=st.lists(st.integers(0, 50), min_size=8, max_size=8),
    classes=st.lists(st.sampled_from("xy"), min_size=8, max_size=8),
)
@example(spend=[-1.23, 0.03, 0.0], orders=[0, 3, 0] + [0] * 5, classes=["x"] * 8)
@example(spend=[0.02, 0.01], orders=[1, 1] + [0] * 6, classes=["x", "y"] + ["x"] * 6)
def test_shares_and_order_value_are_rounded_once(spend, orders, classes):
    """avg_order_value and revenue_share of decimal revenue are the exact
    quotients rounded once (avg_order_value was -0.39999999999999997 where
    monetary_mean was -0.4)."""
    n = len(spend)
    facts = {
        "recency_days": [1.0] * n,
        "frequency": orders[:n],
        "monetary": spend,
    }
    table = custseg.segment_summary(pd.Series(classes[:n]), facts)
    exact = [Fraction(Decimal(repr(x))) for x in spend]
    everyone = sum(exact, Fraction(0))
    for name in [*sorted(set(classes[:n])), "Total"]:
        rows = [i for i in range(n) if name == "Total" or classes[i] == name]
        revenue = sum((exact[i] for i in rows), Fraction(0))
        count = sum(orders[i] for i in rows)
        row = table.loc[name]
        if count:
            assert row["avg_order_value"] == float(revenue / count)
        if everyone:
            assert row["revenue_share"] == float(revenue / everyone)


# --------------------------------------------------------------------------
# ABC: preceded by exactly 80% is B in any unit


@_SETTINGS
@given(
    k=st.integers(-300, 290),
    weights=st.sampled_from([(3, 6, 6), (1, 4, 0), (2, 5, 3), (1, 1, 1, 1, 1)]),
)
@example(k=-9, weights=(3, 6, 6))
@example(k=26, weights=(3, 6, 6))
def test_abc_boundary_in_any_unit(k, weights):
    """The class of a customer does not depend on the unit: the labels of
    weights * 10**k are those of the weights (a value preceded by exactly
    80% was A at 1e-9 and 1e26, where the shares were compared in floats)."""
    scaled = [float(Fraction(w) * Fraction(10) ** k) for w in weights]
    if any(w and not s for w, s in zip(weights, scaled, strict=True)):
        return  # the unit underflows a value to 0: another data set
    if not all(float(Fraction(s)) == s for s in scaled):
        return
    want = list(custseg.abc_classes(list(weights)).to_pandas())
    # each double prints as its weight times 10**k (audit 17: read as that
    # decimal, not only when the doubles are the weights times one number)
    assert list(custseg.abc_classes(scaled).to_pandas()) == want


# --------------------------------------------------------------------------
# text dates with one UTC offset: each at its wall-clock time, as the core


_OFFSETS = st.sampled_from(["+01:00", "+02:00", "-05:00", "+08:00", "Z", "+05:30"])


@_SETTINGS
@given(
    offset=_OFFSETS,
    second=st.one_of(st.none(), _OFFSETS),
    hour=st.integers(0, 23),
    as_of=st.sampled_from(
        ["2024-03-31T23:15Z", "2024-03-31T23:15+08:00", "2024-04-01T00:30-05:00"]
    ),
)
def test_one_offset_is_no_zone_in_frames(offset, second, hour, as_of):
    """summarize_frame (and every file path) reads text dates with UTC
    offsets as custseg.summarize does, whether the column has one offset or
    several (one offset was read as the column's zone, so an aware as_of
    moved to another day)."""
    dates = [f"2024-03-31T{hour:02d}:30:00{offset}", "2024-03-01T10:00:00+01:00"]
    if second is not None:
        dates[1] = f"2024-03-01T10:00:00{second}"
    df = pd.DataFrame({"customer_id": ["a", "b"], "date": dates, "amount": [1.0, 2.0]})
    core = custseg.summarize(df.customer_id, dates, df.amount, as_of=as_of)
    frame = summarize_frame(df, as_of=as_of)
    assert frame.attrs["as_of"] == str(core.as_of)
    assert frame["recency_days"].tolist() == core.recency_days.tolist()


def test_due_takes_an_as_of_with_an_offset(tmp_path):
    """custseg due on a segment output with --as-of 2025-01-20T10:00Z: the
    due list (it was a bare TypeError comparing naive and aware days)."""
    path = tmp_path / "c.csv"
    path.write_text(
        "customer_id,recency_days,last_purchase,lifecycle\n"
        "a,10,2025-01-10 23:30:00,active\nb,100,2024-10-12 08:00:00,silent\n"
    )
    for as_of in ("2025-01-20T10:00Z", "2025-01-20T23:00-08:00"):
        out = _run(["due", str(path), "--as-of", as_of, "--cadence", "30"])
        assert "2 contacts due on 2025-01-2" in out
    with pytest.raises(InputError, match="after --as-of 2025-01-12"):
        _run(["due", str(path), "--as-of", "2025-01-12T10:00+08:00", "--cadence", "30"])


@_SETTINGS
@given(
    ids=st.lists(st.sampled_from(["a", "b", "c", "007", "7"]), min_size=2, max_size=6)
)
def test_due_repeated_ids_name_the_file(tmp_path_factory, ids):
    """A customers file with an id twice: an error naming the file and the
    --customer option (it gave the API's advice, customer=...)."""
    path = tmp_path_factory.mktemp("due") / "c.csv"
    path.write_text("customer_id,x\n" + "".join(f"{i},1\n" for i in ids))
    argv = ["due", str(path), "--as-of", "2025-01-01", "--cadence", "30"]
    if len(set(ids)) == len(ids):
        _run(argv)
        return
    with pytest.raises(InputError) as info:
        _run(argv)
    message = str(info.value)
    assert str(path) in message and "--customer" in message
    assert "customer=" not in message


# --------------------------------------------------------------------------
# leap seconds: never rolled into the next day


_FORMATS = [
    ("%Y-%m-%d %H:%M:%S", "2016-12-31 23:59:{s}"),
    ("%d/%m/%Y %H:%M:%S", "31/12/2016 23:59:{s}"),
    ("%Y%m%d%H%M%S", "201612312359{s}"),
]


@pytest.mark.parametrize(("fmt", "shape"), _FORMATS)
@pytest.mark.parametrize("second", ["60", "61"])
def test_leap_seconds_are_refused_with_a_format(fmt, shape, second):
    """A second 60 or 61 read through date_format was rolled into the next
    minute (the purchase moved to 1 January); refused, by pandas and the
    engines alike, and second 59 is read."""
    text = shape.format(s=second)
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": [text, shape.format(s="00")],
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError, match="a second of 60 or 61, a leap second"):
        summarize_frame(df, date_format=fmt)
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError, match="not dates in the format"):
        summarize_frame(pl.from_pandas(df), date_format=fmt, output="pandas")
    ok = df.assign(date=[shape.format(s="59"), shape.format(s="00")])
    got = summarize_frame(ok, date_format=fmt)
    assert str(got.loc["a", "last_purchase"].date()) == "2016-12-31"


def test_leap_second_advice_never_offers_the_rolling_format():
    """Without a format, a leap second's error no longer advises the format
    that would read it as the next day."""
    df = pd.DataFrame(
        {"customer_id": ["a"], "date": ["2016-12-31 23:59:60"], "amount": [1.0]}
    )
    with pytest.raises(InputError) as info:
        summarize_frame(df)
    assert "leap second" in str(info.value)
    assert "%H:%M:%S" not in str(info.value)


# --------------------------------------------------------------------------
# money in text files keeps its digits


@_SETTINGS
@given(
    units=st.integers(-(10**11), 10**11),
    places=st.integers(3, 4),
    fraction=st.integers(1, 9999),
)
@example(units=200000000, places=4, fraction=1)
@example(units=6000000000, places=3, fraction=125)
def test_money_text_keeps_sub_cent_digits(tmp_path_factory, units, places, fraction):
    """An amount with a real fraction of a cent is written with its digits at
    any size (200000000.0001 and 6000000000.125 were written in cents)."""
    fraction %= 10**places
    if fraction % 10 ** (places - 2) == 0:
        return  # whole cents
    text = (
        f"{units}.{fraction:0{places}d}"
        if units >= 0
        else f"-{-units}.{fraction:0{places}d}"
    )
    value = float(text)
    path = tmp_path_factory.mktemp("m") / "o.csv"
    write_table(pd.DataFrame({"monetary": [value]}), path)
    written = path.read_text().splitlines()[1]
    assert float(written) == value, written


# --------------------------------------------------------------------------
# a separator at the end of every data line


@_SETTINGS
@given(
    start=st.integers(-5, 10**6),
    step=st.integers(1, 1000),
    n=st.integers(1, 6),
    sep=st.sampled_from([",", "\t", ";"]),
)
def test_trailing_separator_is_refused_whatever_the_first_column(
    tmp_path_factory, start, step, n, sep
):
    """Data lines one field longer than the header: an error, also when the
    first column counts evenly (1, 2, 3: pandas made it a RangeIndex, and
    every other column moved one to the left: dates became ids)."""
    d = tmp_path_factory.mktemp("trail")
    suffix = {",": ".csv", "\t": ".tsv", ";": ".csv"}[sep]
    lines = [sep.join(["n", "customer_id", "date", "amount"])]
    for i in range(n):
        lines.append(
            sep.join([str(start + i * step), f"c{i}", "2024-01-01", "5"]) + sep
        )
    path = d / f"t{suffix}"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        InputError, match="first data line has 5 fields, but the header line has 4"
    ):
        read_table(path, sep=sep if sep == ";" else None)


# --------------------------------------------------------------------------
# UTF-8 read in another encoding


_HANZI = st.text(alphabet="客户张三李四王五赵六孙七", min_size=1, max_size=3)


@_SETTINGS
@given(names=st.lists(_HANZI, min_size=1, max_size=4, unique=True))
def test_utf8_read_as_gbk_is_never_silent(tmp_path_factory, names):
    """A UTF-8 file read with encoding='gbk': refused from 4 characters
    beyond ASCII, warned below (GBK decodes most UTF-8 Chinese into other
    characters without an error); the same text saved as GBK reads."""
    d = tmp_path_factory.mktemp("enc")
    text = "customer_id,date,amount\n" + "".join(
        f"{name},2024-01-0{i + 1},5\n" for i, name in enumerate(names)
    )
    path = d / "u.csv"
    path.write_bytes(text.encode("utf-8"))
    count = sum(len(n) for n in names)
    if count >= 4:
        with pytest.raises(InputError, match="valid UTF-8"):
            read_table(path, encoding="gbk")
    else:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            # (not GBK at all: the decode error says UTF-8)
            with contextlib.suppress(InputError):
                read_table(path, encoding="gbk")
        assert any("also valid UTF-8" in str(w.message) for w in seen)
    gbk = d / "g.csv"
    gbk.write_bytes(text.encode("gbk"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CustsegWarning)
        try:
            got = read_table(gbk, encoding="gbk", text_columns=["customer_id"])
        except CustsegWarning:
            return  # GBK bytes that are valid UTF-8 too: warned, as documented
    assert got["customer_id"].tolist() == names


# --------------------------------------------------------------------------
# presets by name only; the rules' results and their scores


@pytest.mark.parametrize("kind", ["dir", "file"])
def test_preset_beside_a_file_of_its_name(tmp_path, monkeypatch, kind):
    """preset='ecommerce' with a folder or file named ecommerce in the
    working directory: the shipped preset (it was refused as ambiguous)."""
    monkeypatch.chdir(tmp_path)
    if kind == "dir":
        (tmp_path / "ecommerce").mkdir()
    else:
        (tmp_path / "ecommerce").write_text("not rules")
    tx = custseg.datasets.simulate_transactions(40, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(tx, preset="ecommerce")
    assert "ecom4" in res.customers.columns


@pytest.mark.parametrize("name", ["loyalty", "rfm12", "groups", 3])
def test_rules_result_names_what_it_lacks(name):
    """result[name] for an output it lacks: an InputError (a KeyError too)
    saying why (a bare KeyError before)."""
    facts = custseg.summarize(["a", "b"], ["2024-01-01", "2024-02-01"], [5.0, 9.0])
    scores = facts.rfm_scores(bins=2)
    out = rules.load("base").evaluate([facts, scores])
    with pytest.raises(InputError) as info:
        out[name]
    assert isinstance(info.value, KeyError)
    assert "rfm11" in str(info.value) or "left out" in str(info.value)
    if name == "loyalty":
        assert "satisfaction" in str(info.value)


def test_evaluate_warns_of_scores_cut_elsewhere():
    """A preset that fixes R by days, evaluated on quantile RfmScores: a
    warning (the README's step-by-step gave other Champions than
    segment(preset=) without a word); scores on the rules' edges: none."""
    tx = custseg.datasets.simulate_transactions(300, seed=2)
    facts = custseg.summarize(tx.customer_id, tx.date, tx.amount)
    with pytest.warns(
        CustsegWarning, match=r"fix the recency score's edges at \(30, 90"
    ):
        rules.load("ecommerce").evaluate([facts, facts.rfm_scores()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(tx, preset="ecommerce")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CustsegWarning)
        same = facts.rfm_scores(edges=res.edges)
        rules.load("ecommerce").evaluate([facts, same])
        # a frame first offers r: the RfmScores' r is not read
        frame = pd.DataFrame({"r": same.r, "f": same.f, "m": same.m}, index=same.index)
        rules.load("ecommerce").evaluate([facts, frame, facts.rfm_scores()])


# --------------------------------------------------------------------------
# contacts after as_of: the customers they took away are counted


def test_contacts_only_customers_dropped_are_counted(tmp_path):
    """A customer known only from a contact after as_of leaves with it, and
    the count says so (in attrs and in the command's first line)."""
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "date": ["2024-11-02", "2024-06-15", "2024-12-28"],
            "amount": [120.0, 35.0, 60.0],
        }
    )
    contacts = pd.DataFrame(
        {
            "customer_id": ["c1", "c5", "c6", "c6"],
            "date": ["2024-11-05", "2024-12-10", "2024-12-11", "2024-11-11"],
            "initiator": ["company", "customer", "company", "company"],
            "kind": ["follow_up", "inquiry", "follow_up", "follow_up"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(
            tx, contacts=contacts, as_of="2024-11-30", after_as_of="drop"
        )
    attrs = res.customers.attrs
    assert sorted(res.customers.index) == ["c1", "c2", "c6"]
    assert attrs["n_contacts_dropped"] == 2
    assert attrs["n_contacts_dropped_customers"] == 1  # c5; c6 has an earlier one
    tx.to_csv(tmp_path / "t.csv", index=False)
    contacts.to_csv(tmp_path / "c.csv", index=False)
    out = _run(
        [
            "segment",
            str(tmp_path / "t.csv"),
            "--contacts",
            str(tmp_path / "c.csv"),
            "--as-of",
            "2024-11-30",
            "--after-as-of",
            "drop",
        ]
    )
    assert (
        "2 later contacts dropped, and with them 1 customer known only from them" in out
    )


# --------------------------------------------------------------------------
# the rules' positions: keys inside inline tables, ']' in quoted headers


_SCORE_KEYS = ["edges = [30, 90, 180, 270]", "bins = 5"]


@_SETTINGS
@given(
    known=st.lists(st.sampled_from(_SCORE_KEYS), max_size=2, unique=True),
    at=st.integers(0, 2),
    bad=st.sampled_from(["bogus", "edgs", "bin", '"odd key"', "b-c"]),
    pad=st.sampled_from([" ", "", "   "]),
)
def test_unknown_key_in_inline_table_is_located(known, at, bad, pad):
    """An unknown key inside an inline table is reported at that key (it was
    at the table's own key, column 1)."""
    parts = list(known)
    parts.insert(min(at, len(parts)), f"{bad} = 3")
    line = "r = {" + pad + ", ".join(parts) + pad + "}"
    text = f'format = 1\nextends = "base"\nname = "x"\n[scores]\n{line}\n'
    found = [d for d in rules.check(text, text=True) if d.code == "unknown-key"]
    assert found, [d.render() for d in rules.check(text, text=True)]
    d = found[0]
    assert (d.line, d.column) == (5, line.index(f"{bad} = 3") + 1)


@pytest.mark.parametrize("name", ['"a]b"', "'a]b'", '"x]]y"'])
def test_bracket_in_quoted_header_is_located(name):
    """A table header whose quoted key holds ']' is found (the problem was
    reported at line 1)."""
    text = f'format = 1\nextends = "base"\nname = "x"\n\n[tables.{name}]\nbreaks = [1, 2]\n'
    found = [d for d in rules.check(text, text=True) if d.severity == "error"]
    assert found and found[0].line == 5, [d.render() for d in found]


# --------------------------------------------------------------------------
# Dask: a Parquet DATE column


# Dask's read_parquet under pandas 3.1 (its own reset_index(inplace=True))
@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_dask_date_column(tmp_path):
    """A Dask frame with an Arrow date32 column (dd.read_parquet of a
    Parquet DATE) is summarised as pandas summarises it (it was a bare
    TypeError, "Can't handle meta of type 'datetime.date'")."""
    dd = pytest.importorskip("dask.dataframe")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import datetime as dt

    table = pa.table(
        {
            "customer_id": ["a", "b", "a"],
            "date": pa.array(
                [dt.date(2024, 3, 30), dt.date(1500, 3, 1), dt.date(2024, 1, 2)],
                pa.date32(),
            ),
            "amount": [10.0, 20.0, 5.0],
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    frame = dd.read_parquet(tmp_path / "t.parquet")
    got = summarize_frame(frame, as_of="2024-03-31", output="pandas")
    want = summarize_frame(frame.compute(), as_of="2024-03-31")
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_like=True)


# --------------------------------------------------------------------------
# PyArrow: local days of aware timestamps outside 1902-2037


@_SETTINGS
@given(
    seconds=st.integers(-3_786_825_600, 4_102_444_800),  # 1850 to 2100
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney"]),
)
@example(seconds=2224974600 - 7200, zone="Europe/Berlin")  # 2040-07-01 00:30 CEST
def test_arrow_local_days_outside_its_zone_years(seconds, zone):
    """The PyArrow engine counts an aware timestamp on the local day pandas
    counts it on, also after 2037 and before 1902, where Arrow's own
    conversion loses summer time (a purchase at 00:30 on 1 July 2040 in
    Berlin was counted on 30 June)."""
    pa = pytest.importorskip("pyarrow")
    when = pd.Series(pd.to_datetime([seconds], unit="s")).dt.tz_localize("UTC")
    df = pd.DataFrame(
        {"customer_id": ["a"], "date": when.dt.tz_convert(zone), "amount": [1.0]}
    )
    want = summarize_frame(df)
    got = summarize_frame(
        pa.Table.from_pandas(df, preserve_index=False), output="pandas"
    )
    assert str(got["last_purchase"].iloc[0]) == str(want["last_purchase"].iloc[0])
    assert got.attrs["as_of"] == want.attrs["as_of"]


@pytest.mark.parametrize("freq", ["D", "h", "min", "s"])
def test_frames_read_periods_as_summarize_does(freq):
    """A column of periods of a day or shorter: summarize_frame (and every
    file path) reads each as the instant it starts, as custseg.summarize
    does (it was refused as "periods, not dates")."""
    col = pd.Series(pd.period_range("2024-01-01 10:00", periods=3, freq=freq))
    df = pd.DataFrame(
        {"customer_id": [1, 2, 1], "date": col, "amount": [1.0, 2.0, 3.0]}
    )
    got = summarize_frame(df, as_of="2024-02-01")
    want = custseg.summarize(df.customer_id, col, df.amount, as_of="2024-02-01")
    assert got["recency_days"].tolist() == want.recency_days.tolist()
    assert got["last_purchase"].tolist() == list(pd.to_datetime(want.last_purchase))


@_SETTINGS
@given(
    name=st.text(alphabet="JoséÅngströmçüñ", min_size=1, max_size=6).filter(
        lambda t: unicodedata.normalize("NFC", t) != unicodedata.normalize("NFD", t)
    )
)
def test_ids_apart_only_in_unicode_form_are_named(name):
    """Records whose ids differ from the transactions' only in Unicode form
    (José composed in one file, decomposed in the other) are named as ids
    written two ways, as case and leading zeros are (they were split
    silently)."""
    from custseg._align import written_apart

    composed = unicodedata.normalize("NFC", name)
    decomposed = unicodedata.normalize("NFD", name)
    assert written_apart([composed], [decomposed])[0] == 1
    tx = pd.DataFrame(
        {
            "customer_id": [composed, "x"],
            "date": ["2024-01-01"] * 2,
            "amount": [1.0, 2.0],
        }
    )
    records = pd.DataFrame({"customer_id": [decomposed], "vip": [True]})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        custseg.segment(tx, records=records.set_index("customer_id"), bins=2)
    assert any("ids match only as written" in str(w.message) for w in seen)


# --------------------------------------------------------------------------
# the testing kit


_AGG_RULES = """format = 1
[fields]
spend = { type = "number", min = 0 }
[segments.kind]
default = "low"
rules = [{ label = "low", when = "spend > 2 * mean(spend)" },
         { label = "high", when = "spend > mean(spend)" }]
"""


@_SETTINGS
@given(spend=st.lists(st.integers(1, 100).map(float), min_size=2, max_size=5))
def test_assert_monotone_raises_rows_alone_under_aggregates(spend):
    """Rules reading mean(): assert_monotone raises each row alone (raising
    every row at once moved the mean with them, so a row that falls when
    raised alone passed), and it agrees with an oracle that raises each row
    alone to each value."""
    from custseg.testing import assert_monotone

    rs = rules.loads(_AGG_RULES)
    order = ["low", "high"]
    rank = {"low": 0, "high": 1}

    def label(values, row):
        return rank[str(rs.evaluate({"spend": values})["kind"].to_numpy()[row])]

    falls = False
    top = 2 * max(spend) * len(spend) + 10
    for row in range(len(spend)):
        for value in np.linspace(spend[row], top, 60)[1:]:
            raised = list(spend)
            raised[row] = float(value)
            if label(raised, row) < label(spend, row):
                falls = True
    try:
        assert_monotone(rs, {"spend": spend}, "kind", "spend", order)
        passed = True
    except AssertionError as exc:
        passed = "nothing compared" in str(exc)
    if falls:
        assert not passed


def test_assert_monotone_no_false_alarm_on_base_rfm8():
    """The shipped base preset passed as monotone in monetary for rfm8's
    win-back classes (a false alarm: raising every row moved mean(m))."""
    from custseg.testing import assert_monotone

    data = {
        "recency_days": [5.0, 5.0, 5.0],
        "frequency": [3, 3, 3],
        "monetary": [100.0, 200.0, 900.0],
        "tenure_days": [400.0] * 3,
        "r": [5, 5, 5],
        "f": [3, 3, 3],
        "m": [2, 3, 5],
    }
    assert_monotone(
        "base", data, "rfm8", "monetary", ["General Win-back", "Important Win-back"]
    )


def test_testing_kit_takes_what_evaluate_takes():
    """assert_monotone and assert_order_free take CustomerFacts with
    RfmScores (a bare AttributeError); an optional output or field left out
    is a ThresholdError naming it (a bare KeyError)."""
    from custseg.testing import assert_monotone, assert_order_free

    facts = custseg.summarize(
        ["a", "b", "c"], ["2024-01-01", "2024-02-01", "2024-03-01"], [5.0, 9.0, 20.0]
    )
    data = [facts, facts.rfm_scores(bins=2)]
    assert_order_free("base", data)
    assert_monotone("base", data, "lifecycle", "tenure_days", ["lost", "active"])
    optional = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n'
        'v = { type = "number", optional = true }\n'
        '[segments.s]\ndefault = "low"\nrules = [{ label = "high", when = "x > 5" }]\n'
        '[segments.t]\ndefault = "low"\nrules = [{ label = "high", when = "v > 5" }]\n'
    )
    with pytest.raises(custseg.errors.ThresholdError, match="left out"):
        assert_monotone(optional, {"x": [1.0, 20.0]}, "t", "x", ["low", "high"])
    with pytest.raises(custseg.errors.ThresholdError, match="'v' is not in the data"):
        assert_monotone(optional, {"x": [1.0, 20.0]}, "s", "v", ["low", "high"])


_TAG_RULES = """format = 1
[fields]
x = { type = "number", min = 0 }
n = { type = "integer", min = 0.5, max = 9.5 }
[derived]
rich = "x >= 100"
[tables.stage]
field = "x"
breaks = [10]
labels = ["lo", "hi"]
[tags.flags]
rules = [{ tag = "rich", when = "rich" }, { tag = "hi", when = "stage == 'hi'" }]
[segments.s]
default = "low"
rules = [{ label = "high", when = "x >= 10" }]
[segments.c]
default = "few"
rules = [{ label = "many", when = "n >= 5" }]
[[examples]]
given = { x = 200 }
expect = { flags = { rich = true, hi = true }, s = "high" }
"""


def test_examples_of_tags_reading_derived_values_and_integer_fillers():
    """Examples whose tag rules read a derived value or another output (a
    bare KeyError), with an integer field of fractional bounds not given
    (filled with 0.5: "non-integer values"), run and pass."""
    outcomes = rules.loads(_TAG_RULES).run_examples()
    assert outcomes and all(o.passed for o in outcomes), outcomes


def test_alias_of_a_field_that_cannot_be_missing_needs_no_missing_label():
    """A table on a derived bare alias (aa = "a") of a field that cannot be
    missing needs no 'missing' label (it was required, and then unreachable)."""
    from custseg.testing import assert_reachable

    rs = rules.loads(
        'format = 1\n[fields]\na = { type = "number", min = 0 }\n[derived]\naa = "a"\n'
        '[tables.t]\nfield = "aa"\nbreaks = [20]\nlabels = ["x", "y"]\n'
    )
    assert_reachable(rs)


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_inline_examples_are_located(failing):
    """A failing example of an inline array ``examples = [...]`` is reported
    on its own line (every one was at the first example's line, or the
    array's key)."""
    rows = [
        '  { given = { x = 1 }, expect = { s = "low" } },',
        '  { given = { x = 1 }, expect = { s = "low" } },',
        '  { given = { x = 1 }, expect = { s = "low" } },',
    ]
    rows[failing - 1] = rows[failing - 1].replace('"low"', '"high"')
    text = (
        "format = 1\nexamples = [\n" + "\n".join(rows) + "\n]\n"
        '[fields]\nx = { type = "number" }\n'
        '[segments.s]\ndefault = "low"\nrules = [{ label = "high", when = "x >= 10" }]\n'
    )
    found = [d for d in rules.check(text, text=True) if d.code == "example-failed"]
    assert [d.line for d in found] == [2 + failing]
    assert found[0].column == rows[failing - 1].index("s = ") + 1


def test_a_note_is_not_where_an_expect_is():
    """A note that reads ``expect = { ... }`` is text: the failing
    expectation is located on its own ``expect`` line."""
    text = (
        'format = 1\n[fields]\nx = { type = "number" }\n'
        '[segments.s]\ndefault = "low"\nrules = [{ label = "high", when = "x >= 10" }]\n'
        '[[examples]]\nnote = "see: expect = { s = 1 }"\ngiven = { x = 1 }\n'
        'expect = { s = "high" }\n'
    )
    (d,) = [d for d in rules.check(text, text=True) if d.code == "example-failed"]
    assert (d.line, d.column) == (10, 12)


# --------------------------------------------------------------------------
# the report


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")
def test_report_class_named_total_has_its_bar(tmp_path):
    """A class named "Total" is drawn (the chart dropped it by name, while
    the table showed it beside the report's own "(Total)" row)."""
    pytest.importorskip("matplotlib")
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "date": ["2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01"],
            "amount": [10.0, 20.0, 5.0, 7.0],
        }
    )
    path = tmp_path / "total.toml"
    path.write_text(
        'format = 1\n[fields]\nfrequency = { type = "number" }\n[segments.value]\n'
        'default = "Total"\nrules = [{ label = "regular", when = "frequency >= 2" }]\n'
    )
    page = custseg.report(tx, rules=str(path)).html
    chart = page.split("share of all customers and of revenue", 1)[1]
    chart = chart.split("</svg>")[0]
    assert "regular" in chart and "Total" in chart


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")
def test_report_charts_count_every_unscored_customer():
    """Customers known only from the records have no score: the R x F and
    score charts count them among those without a score (they counted only
    the buyers')."""
    pytest.importorskip("matplotlib")
    from custseg.reporting import _page_scores

    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "date": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-02"],
            "amount": [10.0, 20.0, 30.0, -5.0],
        }
    )
    records = pd.DataFrame({"customer_id": ["x", "y", "z"], "vip": [True, False, True]})
    res = custseg.segment(
        tx, records=records.set_index("customer_id"), as_of="2024-04-01"
    )
    scores, monetary = _page_scores(res, len(res.customers))
    assert len(scores.r) == len(monetary) == len(res.customers) == 7
    unscored = int(res.customers["r"].isna().sum())
    assert int((np.asarray(scores.r) == 0).sum()) == unscored == 4
    page = custseg.report(
        tx, records=records.set_index("customer_id"), as_of="2024-04-01"
    ).html
    assert f"{unscored} customers without a score not shown" in page


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")
def test_report_of_arrow_dates_with_later_rows_dropped():
    """custseg.report on a pyarrow date32 column with rows after as_of
    dropped: the page (a bare NotImplementedError from dt.tz)."""
    pa = pytest.importorskip("pyarrow")
    dates = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-05-01"]).date
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "amount": [10.0, 20.0, 30.0],
            "date": pd.Series(dates, dtype=pd.ArrowDtype(pa.date32())),
        }
    )
    page = custseg.report(tx, as_of="2024-03-01", after_as_of="drop", charts=False)
    assert "<html" in page.html


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")
def test_report_missing_row_in_chinese():
    """lang='zh': the row of customers without a label reads 缺失, as the
    plots name it (it read 'missing')."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-01-01", "2024-02-01", "2024-03-01"],
            "amount": [10.0, 20.0, 30.0],
        }
    )
    records = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "owner": ["王小明", None, "李华"]}
    )
    page = custseg.report(
        tx, records=records.set_index("customer_id"), lang="zh", charts=False
    )
    assert "缺失" in page.html


# --------------------------------------------------------------------------
# threads and state


def test_a_leftover_date_filter_never_touches_the_callers_warnings():
    """custseg's filter on NumPy's time-zone note can be left behind when
    another library's catch_warnings (pandas') interleaves with it in
    another thread; it is custseg's module's own, so the caller's NumPy
    code still only warns (it raised the UserWarning as an error)."""
    from custseg import _validate

    before = list(warnings.filters)
    other = warnings.catch_warnings()  # pandas' in another thread, entered inside
    try:
        with _validate.warnings_filtered(
            "error", message=_validate._NUMPY_ZONE_NOTE, module=_validate._HERE
        ):
            other.__enter__()
        other.__exit__(None, None, None)  # restores a list holding ours
        leftover = warnings.filters[0]
        assert leftover[0] == "error"  # the interleaving left it behind
        with warnings.catch_warnings(record=True) as seen:
            # after the leftover, everything else is shown (not pytest's error)
            warnings.filters.insert(1, ("always", None, Warning, None, 0))
            warnings._filters_mutated()  # type: ignore[attr-defined]
            np.datetime64("2024-01-01T00:00+08:00")  # warns, never raises
        assert any("timezone" in str(w.message) for w in seen)
    finally:
        warnings.filters[:] = before
        warnings._filters_mutated()  # type: ignore[attr-defined]


def test_rules_result_errors_pickle_as_key_errors():
    """The missing-output error is a KeyError also once pickled (a worker
    process's error caught by the parent's except KeyError)."""
    import pickle

    facts = custseg.summarize(["a"], ["2024-01-01"], [1.0])
    out = rules.load("base").evaluate([facts, facts.rfm_scores(bins=2)])
    assert list(out) == list(out.labels)
    with pytest.raises(KeyError) as info:
        out["nope"]
    again = pickle.loads(pickle.dumps(info.value))
    assert isinstance(again, KeyError) and isinstance(again, InputError)
    assert str(again) == str(info.value)


def test_rule_diagnostics_do_not_depend_on_other_threads():
    """A file's "did you mean" suggestions are the same whatever other
    rules files are checked meanwhile in other threads (a shared cache of
    four suggesters was evicted by them, and the budget started over)."""
    import threading

    values = [f"shop_{i:03d}_north" for i in range(300)]
    lines = [
        "format = 1",
        "[fields]",
        'store = { type = "category", values = ['
        + ", ".join(f'"{v}"' for v in values)
        + "] }",
        "[segments.x]",
        'default = "a"',
        "rules = [",
        *(
            f'  {{ label = "l{i}", when = "store == \'shp_{i:03d}_nrth\'" }},'
            for i in range(40)
        ),
        "]",
    ]
    text = "\n".join(lines) + "\n"
    noise = (
        "format = 1\n[segments.y]\ndefault = 'a'\nrules = ["
        + ", ".join(
            f"{{ label = 'b{i}', when = 'frobnicate{i}(1) > 0' }}" for i in range(30)
        )
        + "]\n"
    )

    def hints():
        return [d.hint for d in rules.check(text, text=True) if d.severity == "error"]

    alone = hints()
    got: dict[int, list[str]] = {}

    def checked(k):
        got[k] = hints()

    def others():
        for _ in range(10):
            rules.check(noise, text=True)

    threads = [threading.Thread(target=checked, args=(k,)) for k in range(2)]
    threads += [threading.Thread(target=others) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {0: alone, 1: alone}


# --------------------------------------------------------------------------
# the command line as a pipeline


def _cli(capsys, *argv):
    from custseg.cli import main

    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _tx_file(folder):
    path = folder / "t.csv"
    path.write_text(
        "customer_id,date,amount\nc1,2024-11-02,120\nc2,2024-06-15,35\n"
        "c3,2024-12-28,60\n"
    )
    return path


@_SETTINGS
@given(
    whole=st.integers(0, 10**6),
    cut=st.integers(1, 6),
    frac=st.sampled_from(["", ".5", ".25"]),
)
def test_underscores_in_numbers_are_refused(whole, cut, frac):
    """An amount written 12_50 was read as 1250 (Python's float reads
    underscores): no export writes numbers so; refused as not a number."""
    digits = str(whole)
    if len(digits) <= 1:
        digits += "0"
    cut = min(cut, len(digits) - 1)
    text = digits[:cut] + "_" + digits[cut:] + frac
    with pytest.raises(InputError, match="non-numeric"):
        custseg.summarize(["a", "b"], ["2024-01-01", "2024-01-02"], [text, "5"])


def test_migrate_a_column_named_twice_counts_once(tmp_path, capsys):
    """--column lifecycle --column lifecycle wrote every row twice (counts
    doubled)."""
    for name, stages in (
        ("a", ["active", "sleeping", "active"]),
        ("b", ["sleeping", "lost", "sleeping"]),
    ):
        pd.DataFrame({"customer_id": ["x", "y", "z"], "lifecycle": stages}).to_csv(
            tmp_path / f"{name}.csv", index=False
        )
    out = tmp_path / "m.csv"
    status, _, err = _cli(
        capsys,
        "migrate",
        tmp_path / "a.csv",
        tmp_path / "b.csv",
        "--column",
        "lifecycle",
        "--column",
        "lifecycle",
        "--output",
        out,
    )
    assert status == 0, err
    assert pd.read_csv(out)["customers"].sum() == 3


@pytest.mark.parametrize("option", ["--records", "--contacts"])
def test_a_fifo_as_a_side_file_is_refused(tmp_path, capsys, option):
    """A FIFO (or device) given as records or contacts hung forever (its
    header was read before the file check)."""
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    woke: list[bool] = []

    def wake() -> None:
        """A reader blocked on the FIFO gets its end of file (a regression
        fails here instead of hanging the suite)."""
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading it
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            woke.append(True)

    timer = threading.Timer(30, wake)
    timer.daemon = True
    timer.start()
    try:
        status, _, err = _cli(
            capsys, "segment", _tx_file(tmp_path), option, fifo, "--as-of", "2024-12-31"
        )
    finally:
        timer.cancel()
    assert not woke, "the command waited on the FIFO"
    assert status == 2 and "not a file" in err


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zip"])
@pytest.mark.parametrize("kind", ["plain", "cut"])
def test_bad_compressed_inputs_are_named(tmp_path, capsys, suffix, kind):
    """A compressed file cut short, or plain text named .gz/.bz2/.xz/.zip:
    exit 2 naming the file (a traceback, EOFError or LZMAError, before)."""
    import bz2
    import gzip
    import lzma

    text = _tx_file(tmp_path).read_bytes()
    path = tmp_path / f"x.csv{suffix}"
    if kind == "plain":
        path.write_bytes(text)
    else:
        packed = {
            ".gz": gzip.compress,
            ".bz2": bz2.compress,
            ".xz": lzma.compress,
            ".zip": lambda b: b"PK\x03\x04" + b[:10],
        }[suffix](text)
        path.write_bytes(packed[: max(12, len(packed) // 3)])
    status, _, err = _cli(capsys, "segment", path)
    assert status == 2, err
    assert "x.csv" in err and "Traceback" not in err


def test_a_symlink_loop_as_output_is_refused(tmp_path, capsys):
    """--output through a symlink loop: refused (a RuntimeError traceback, or
    one of the links replaced by the output)."""
    import os

    os.symlink(tmp_path / "b.csv", tmp_path / "a.csv")
    os.symlink(tmp_path / "a.csv", tmp_path / "b.csv")
    status, _, err = _cli(
        capsys, "segment", _tx_file(tmp_path), "--output", tmp_path / "a.csv"
    )
    assert status == 2 and "loops" in err
    assert os.path.islink(tmp_path / "a.csv") and os.path.islink(tmp_path / "b.csv")


@pytest.mark.parametrize("option", ["--rules", "--preset", "--playbook"])
def test_due_with_cadence_refuses_a_playbook_source(tmp_path, capsys, option):
    """due --cadence never read --rules / --preset / --playbook (a typo or a
    missing file passed with exit 0)."""
    customers = tmp_path / "c.csv"
    customers.write_text("customer_id,x\na,1\n")
    status, _, err = _cli(
        capsys,
        "due",
        customers,
        "--as-of",
        "2025-01-01",
        "--cadence",
        "30",
        option,
        "x",
    )
    assert status == 2 and option in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--records", ""],
        ["--contacts", ""],
        ["--rules", ""],
    ],
)
def test_empty_file_options_are_refused(tmp_path, capsys, argv):
    """An empty file option (an unset shell variable) read as "not given":
    the records, contacts or rules were left out without a word."""
    status, _, err = _cli(capsys, "segment", _tx_file(tmp_path), *argv)
    assert status == 2 and f"{argv[0]} is empty" in err


def test_presets_with_an_empty_name_is_refused(capsys):
    """custseg presets '' > shop.toml wrote the list of presets into the file."""
    status, out, err = _cli(capsys, "presets", "")
    assert status == 2 and out == "" and "empty" in err


@pytest.mark.parametrize(
    ("table", "missing"),
    [
        ('[tables.stage]\nbreaks = [10]\nlabels = ["a", "b"]\n', "field"),
        ('[tables.stage]\nfield = "x"\nlabels = ["a", "b"]\n', "breaks"),
    ],
)
def test_a_missing_key_is_located_at_its_table(table, missing):
    """A key a table lacks is reported at the table's header (it was at
    line 1, column 1)."""
    text = 'format = 1\n[fields]\nx = { type = "number" }\n\n' + table
    found = [
        d
        for d in rules.check(text, text=True)
        if d.severity == "error" and missing in d.message
    ]
    assert found and (found[0].line, found[0].column) == (5, 1), [
        d.render() for d in rules.check(text, text=True)
    ]


def test_sigterm_leaves_no_temporary_file(tmp_path):
    """SIGTERM (timeout, systemd) while the output is written: no hidden
    temporary file is left, as on Ctrl-C; exit 143."""
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import time, custseg._files as f\n"
        "from custseg import cli\n"
        "slow = f.write_all\n"
        "def held(files):\n"
        "    def w(tmp, write):\n"
        "        write(tmp); open('ready', 'w').close(); time.sleep(30)\n"
        "    return slow([(p, lambda tmp, write=write: w(tmp, write)) for p, write in files])\n"
        "f.write_all = held\n"
        "cli.write_all = held\n"
        "import sys; sys.exit(cli.main(sys.argv[1:]))\n"
    )
    tx = _tx_file(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "segment", str(tx), "--output", "o.csv"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert proc.returncode == 143, err
    assert left == ["ready", "t.csv"], left


def test_assert_monotone_alone_takes_nullable_columns():
    """Rows raised alone (rules reading mean()) on a nullable Int64 column
    with a missing value: the check runs, as the stacked trials do."""
    from custseg.testing import assert_monotone

    rs = rules.loads(
        'format = 1\n[fields]\nspend = { type = "integer", min = 0, missing = true }\n'
        '[segments.kind]\ndefault = "low"\n'
        'rules = [{ label = "high", when = "spend > mean(spend)" }]\n'
    )
    data = pd.DataFrame({"spend": pd.array([10, 20, None, 30], dtype="Int64")})
    assert_monotone(rs, data, "kind", "spend", ["low", "high"])


@pytest.mark.parametrize("command", ["assign", "migrate", "migrate-after", "report"])
def test_header_only_outputs_are_named(tmp_path, capsys, command):
    """A segment output with a header line and no customers: said so (the
    errors named a column of numbers or a label column it has, or migrate
    counted everyone new)."""
    tx = _tx_file(tmp_path)
    out = tmp_path / "o.csv"
    status, _, err = _cli(
        capsys, "segment", tx, "--output", out, "--as-of", "2024-12-31"
    )
    assert status == 0, err
    header = tmp_path / "h.csv"
    header.write_text(out.read_text().splitlines()[0] + "\n")
    staff = tmp_path / "s.csv"
    staff.write_text("staff\namy\n")
    argv = {
        "assign": ["assign", header, staff, "--output", tmp_path / "a.csv"],
        "migrate": ["migrate", header, out],
        "migrate-after": ["migrate", out, header],
        "report": ["report", tx, "--previous", header, "--output", tmp_path / "r.html"],
    }[command]
    status, _, err = _cli(capsys, *argv)
    assert status == 2 and "header line but no customers" in err, err
