"""Audit 31: the scale-out engines (Spark, DuckDB, Dask).

- Rules in the engine compared ``category`` values under the column's
  collation: a DuckDB ``VARCHAR COLLATE NOCASE`` column (or any text under
  ``SET default_collation``) gave ``'vip'`` the label of ``'VIP'``; a Spark 4
  ``STRING COLLATE UTF8_LCASE`` one raised a raw ``AnalysisException``.
  They are now compared byte for byte, as :meth:`RuleSet.evaluate` compares
  them, and the columns come back with their own collation.
- Spark's date pattern built from a ``strftime`` format: a literal on each
  side of a dropped weekday (``%d (%a)``) or beside ``%%`` was quoted twice
  (``' '' '``, a quote to Java); ``%p`` beside a number became ``aa``;
  ``%p`` with ``%H`` (which strptime ignores) made Spark refuse ``10 PM``.
  Valid dates were refused as not dates.
- DuckDB and Spark frames with two columns named alike but for case
  (``customer_id``, ``Customer_ID``): DuckDB read the first of them under
  either name (silently the wrong column), Spark raised a raw
  ``AnalysisException``. Both are an ``InputError`` naming the two.
- Dask: a column moved to the index (``ddf.set_index("customer_id")``) is
  told so, as in pandas, with ``reset_index()`` as the fix.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.engines import _spark_format
from custseg.errors import InputError
from custseg.frame import summarize_frame
from test_engines import need, spark, spark_frame

__all__ = ["spark"]  # the session fixture, shared with tests/test_engines.py

AS_OF = "2025-01-01"

# --------------------------------------------------------------------------
# a model of Spark's parser for the patterns custseg writes

_MONTHS = [dt.date(2001, m, 1) for m in range(1, 13)]
_ABBR = [d.strftime("%b").lower() for d in _MONTHS]
_FULL = [d.strftime("%B").lower() for d in _MONTHS]
#: the letter runs custseg may write and the text Java reads for each (a
#: one-letter number reads every digit there is: its neighbours are not
#: numbers; a fraction 1 to as many digits as letters)
_RUNS = {
    ("y", 4): r"(\d{4})",
    ("y", 2): r"(\d{2})",
    ("M", 1): r"(\d++)",
    ("M", 2): r"(\d{2})",
    ("M", 3): "(" + "|".join(_ABBR) + ")",
    ("M", 4): "(" + "|".join(_FULL) + ")",
    ("d", 1): r"(\d++)",
    ("d", 2): r"(\d{2})",
    ("D", 1): r"(\d++)",
    ("D", 3): r"(\d{3})",
    ("H", 1): r"(\d++)",
    ("H", 2): r"(\d{2})",
    ("h", 1): r"(\d++)",
    ("h", 2): r"(\d{2})",
    ("m", 1): r"(\d++)",
    ("m", 2): r"(\d{2})",
    ("s", 1): r"(\d++)",
    ("s", 2): r"(\d{2})",
    ("S", 6): r"(\d{1,6}+)",
    ("a", 1): "(am|pm)",
}


def _java_runs(pattern: str) -> list[tuple[str, Any]]:
    """A Java datetime pattern as ('lit', text) and (letter, count) runs,
    read as ``DateTimeFormatterBuilder.appendPattern`` reads it: from a
    quote to the next quote not doubled is quoted text, whose doubled
    quotes are quotes; an empty one (two quotes) is a quote, so four quotes
    are one quote, as Spark reads them."""
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            j = i + 1
            while j < len(pattern):
                if pattern[j] == "'":
                    if pattern[j + 1 : j + 2] == "'":
                        j += 2
                        continue
                    break
                j += 1
            assert j < len(pattern), f"unclosed quote in {pattern!r}"
            text = pattern[i + 1 : j]
            out.append(("lit", text.replace("''", "'") if text else "'"))
            i = j + 1
        elif ch.isascii() and ch.isalpha():
            j = i
            while j < len(pattern) and pattern[j] == ch:
                j += 1
            out.append((ch, j - i))
            i = j
        else:
            out.append(("lit", ch))
            i += 1
    return out


def _spark_reads(pattern: str, text: str) -> dt.datetime | None:
    """The timestamp Spark's ``to_timestamp(text, pattern)`` gives, as far
    as the model goes (None: no timestamp); AssertionError for a letter run
    Spark has no pattern for (``aa``)."""
    runs = _java_runs(pattern)
    regex, letters = "", []
    for kind, value in runs:
        if kind == "lit":
            regex += re.escape(value)
            continue
        assert (kind, value) in _RUNS, f"{kind * value!r} is no pattern ({pattern!r})"
        regex += _RUNS[kind, value]
        letters.append((kind, value))
    found = re.fullmatch(regex, text, re.IGNORECASE)
    if found is None:
        return None
    got: dict[str, Any] = {}
    for (kind, width), value in zip(letters, found.groups(), strict=True):
        value = value.lower()
        if kind == "M" and width >= 3:
            got["M"] = (_ABBR if width == 3 else _FULL).index(value) + 1
        elif kind == "y":
            got["y"] = int(value) + (2000 if width == 2 else 0)  # Spark's base
        elif kind == "S":
            got["S"] = int(value.ljust(6, "0"))
        elif kind == "a":
            got["a"] = value == "pm"
        else:
            got[kind] = int(value)
    hour = got.get("H", 0)
    if "h" in got:
        hour = got["h"] % 12 + (12 if got.get("a") else 0)
    elif "H" in got and "a" in got and (hour >= 12) != got["a"]:
        return None  # Java: the hour and the half of the day conflict
    try:
        day = dt.datetime(got["y"], got.get("M", 1), got.get("d", 1))
        if "D" in got:
            day = dt.datetime(got["y"], 1, 1) + dt.timedelta(days=got["D"] - 1)
            assert day.year == got["y"]
        return day.replace(
            hour=hour,
            minute=got.get("m", 0),
            second=got.get("s", 0),
            microsecond=got.get("S", 0),
        )
    except (ValueError, AssertionError):
        return None


def _python_repl(repl: str) -> str:
    """A Java regex replacement (``$1``, ``\\$``) for Python's re.sub."""
    out = ""
    i = 0
    while i < len(repl):
        if repl[i] == "\\":
            out += repl[i + 1].replace("\\", "\\\\")
            i += 2
        elif repl[i] == "$":
            num = re.match(r"\d+", repl[i + 1 :])
            assert num is not None
            out += f"\\g<{num.group()}>"
            i += 1 + len(num.group())
        else:
            out += repl[i].replace("\\", "\\\\")
            i += 1
    return out


@st.composite
def _formats(draw: Any) -> str:
    """A strftime format pandas reads: a year, any of the other fields
    once each (a day of the year or a month and day), weekday names,
    ``%p``, ``%%``, in any order, with literal text (or none) between."""
    codes = [draw(st.sampled_from(["%Y", "%y"]))]
    if draw(st.booleans()):
        codes.append("%j")
    else:
        month = draw(st.sampled_from(["", "%m", "%b", "%B"]))
        codes += [month, "%d"] if month and draw(st.booleans()) else [month]
    codes.append(draw(st.sampled_from(["", "%H", "%I"])))
    for code in ("%M", "%S", "%f", "%p", "%%"):
        if draw(st.booleans()):
            codes.append(code)
    codes.append(draw(st.sampled_from(["", "", "%a", "%A"])))
    codes = draw(st.permutations([c for c in codes if c]))
    text = st.text(alphabet=" -/:.,()'Tx", max_size=3)
    return "".join(draw(text) + code for code in codes) + draw(text)


_MOMENTS = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2068, 12, 31)
)


@settings(max_examples=40, deadline=None)
@given(fmt=_formats(), moment=_MOMENTS)
def test_spark_pattern_reads_what_pandas_reads(fmt: str, moment: dt.datetime) -> None:
    """The Spark pattern, the strptime regex and its replacement that
    custseg builds for a format read the text pandas reads as the date
    pandas reads (a literal beside a dropped weekday or ``%%`` was quoted
    twice, ``%p`` beside a number became ``aa``, ``%p`` with ``%H`` made
    afternoon hours conflict)."""
    text = moment.strftime(fmt)
    want = pd.to_datetime(pd.Series([text]), format=fmt, errors="coerce")[0]
    try:  # text both read alike (pandas reads %f up to 9 digits: '%f%H')
        assume(want == pd.Timestamp(dt.datetime.strptime(text, fmt)))
    except ValueError:
        assume(False)
    pattern, regex, repl = _spark_format(fmt, fmt)
    assert re.fullmatch(regex.removeprefix("(?i)"), text, re.IGNORECASE)
    written = re.sub(regex, _python_repl(repl), text)
    assert _spark_reads(pattern, written) == want


def test_spark_pattern_examples() -> None:
    """The reported formats: one quoted run of literal text between
    directives, whatever is dropped between; ``%p`` stays one letter."""
    assert _spark_format("%Y-%m-%d %a %H:%M", "")[0] == "yyyy'-'M'-'d'  'H':'m"
    assert _spark_format("%Y-%m-%d (%a)", "")[0] == "yyyy'-'M'-'d' ()'"
    assert _spark_format("%d/%m/%Y %%", "")[0] == "d'/'M'/'yyyy' %'"
    assert _spark_format("%m/%d/%Y %I:%M%p", "")[0] == "M'/'d'/'yyyy' 'h':'ma"
    assert _spark_format("%Y-%m-%d %I%p", "")[0] == "yyyy'-'M'-'d' 'ha"
    assert _spark_format("%Y-%m-%d %H:%M %p", "")[0] == "yyyy'-'M'-'d' 'H':'m' '"


_SPARK_CASES = [
    ("%Y-%m-%d %a %H:%M", ["2024-01-05 Fri 10:00", "2024-01-06 Sat 11:00"]),
    ("%Y-%m-%d (%a)", ["2024-01-05 (Fri)", "2024-01-06 (Sat)"]),
    ("%d/%m/%Y %%", ["05/01/2024 %", "06/01/2024 %"]),
    ("%m/%d/%Y %I:%M%p", ["01/05/2024 10:30PM", "01/06/2024 9:05AM"]),
    ("%Y-%m-%d %I%p", ["2024-01-05 10PM", "2024-01-06 12am"]),
    ("%Y-%m-%d %H:%M %p", ["2024-01-05 22:30 PM", "2024-01-06 10:05 PM"]),
]


def _quiet(func: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def test_spark_reads_the_reported_formats(spark: Any) -> None:
    """Each format read by Spark gives the pandas path's dates (they were
    refused as not dates)."""
    for fmt, texts in _SPARK_CASES:
        df = pd.DataFrame(
            {"customer_id": ["a", "b"], "date": texts, "amount": [1.0, 2.0]}
        )
        want = summarize_frame(df, date_format=fmt, as_of=AS_OF)
        got = _quiet(
            summarize_frame,
            spark_frame(spark, df),
            date_format=fmt,
            as_of=AS_OF,
            output="pandas",
        )
        pd.testing.assert_series_equal(
            got["last_purchase"], want["last_purchase"], check_dtype=False
        )


# --------------------------------------------------------------------------
# category fields compared byte for byte, whatever the collation

_TIERS = ["VIP", "vip", "Vip", "é", "e", "É", "ß", "ss"]


def _tier_rules(value: str, op: str) -> Any:
    declared = ", ".join(f'"{t}"' for t in _TIERS)
    when = f"tier {op} {value!r}" if op != "in" else f"tier in ({value!r}, 'Vip')"
    return rules.loads(
        f"""
format = 1
[fields]
tier = {{ type = "category", values = [{declared}] }}
[segments.s]
default = "regular"
rules = [{{ label = "hit", when = "{when}" }}]
"""
    )


@settings(max_examples=30, deadline=None)
@given(
    tiers=st.lists(st.sampled_from(_TIERS), min_size=1, max_size=6),
    value=st.sampled_from(_TIERS),
    op=st.sampled_from(["==", "!=", "in"]),
    collation=st.sampled_from(["NOCASE", "NOACCENT", "NOCASE.NOACCENT", "default"]),
)
def test_duckdb_categories_ignore_collation(
    tiers: list[str], value: str, op: str, collation: str
) -> None:
    """A category condition on a DuckDB column with a collation (or under a
    default one) labels as the NumPy core does; the column comes back with
    its collation."""
    duckdb = need("duckdb")
    nw = need("narwhals")
    from custseg.engines import compile_rules

    rs = _tier_rules(value, op)
    want = rs.evaluate(pd.DataFrame({"tier": tiers}))["s"].to_numpy().tolist()
    con = duckdb.connect()
    rows = ", ".join(f"({i}, '{t}')" for i, t in enumerate(tiers))
    rel = con.sql(f"select * from (values {rows}) t(n, tier)")
    if collation == "default":
        con.execute("SET default_collation = 'nocase'")
    else:
        rel = rel.select(f"n, tier COLLATE {collation} AS tier")
    out = compile_rules(rs, columns=["n", "tier"]).apply(nw.from_native(rel))
    native = out.to_native()
    assert native.columns == ["n", "tier", "s"]
    assert [s for _, _, s in native.order("n").fetchall()] == want
    # the input's column keeps its collation: 'vip' still finds 'VIP' there
    kept = native.filter(f"tier = '{tiers[0].swapcase()}'").fetchall()
    if tiers[0].isascii() and collation != "NOACCENT":
        assert len(kept) >= tiers.count(tiers[0])


def test_duckdb_nocase_worked_example() -> None:
    """The report's example: 'vip' under NOCASE is not 'VIP'."""
    duckdb = need("duckdb")
    nw = need("narwhals")
    from custseg.engines import compile_rules

    rs = _tier_rules("VIP", "==")
    rel = duckdb.sql("select * from (values ('VIP'), ('vip')) t(tier)").select(
        "tier COLLATE NOCASE AS tier"
    )
    out = compile_rules(rs, columns=["tier"]).apply(nw.from_native(rel))
    assert out.to_native().fetchall() == [("VIP", "hit"), ("vip", "regular")]


def test_spark_categories_ignore_collation(spark: Any) -> None:
    """Spark 4 UTF8_LCASE category columns: no AnalysisException, the core's
    labels (rules and the shipped base preset), the column's collation
    kept."""
    nw = need("narwhals")
    from pyspark.sql import functions as F

    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import compile_rules, label_in_engine

    if not hasattr(F, "collate"):
        pytest.skip("collations need Spark 4")
    tiers = ["VIP", "vip", "Vip"]
    rs = _tier_rules("VIP", "==")
    df = spark.createDataFrame(
        [(i, t) for i, t in enumerate(tiers)], "n int, tier string"
    )
    lcase = df.withColumn("tier", F.collate(F.col("tier"), "UTF8_LCASE"))
    out = (
        compile_rules(rs, columns=["n", "tier"])
        .apply(nw.from_native(lcase))
        .to_native()
    )
    assert [r["s"] for r in out.orderBy("n").collect()] == ["hit", "regular", "regular"]
    assert out.schema["tier"].dataType == lcase.schema["tier"].dataType
    assert out.columns == ["n", "tier", "s"]

    facts = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "recency_days": [3.0, 3.0],
            "frequency": [5, 5],
            "monetary": [500.0, 500.0],
            "tenure_days": [300.0, 300.0],
            "satisfaction": ["very_satisfied", "VERY_SATISFIED"],
            "referral": ["very_likely", "very_likely"],
            "repurchase": [0.9, 0.9],
        }
    )
    edges = RfmEdges(
        ScoreEdges((30, 90, 180, 270)),
        ScoreEdges((1, 2, 4, 8)),
        ScoreEdges((50, 100, 500, 1000)),
    )
    native = spark_frame(spark, facts)
    plain = _quiet(label_in_engine, native, preset="base", edges=edges)
    lcase = native.withColumn(
        "satisfaction", F.collate(F.col("satisfaction"), "UTF8_LCASE")
    )
    got = _quiet(label_in_engine, lcase, preset="base", edges=edges)
    rows = sorted(got.select("customer_id", "loyalty").collect())
    assert rows == sorted(plain.select("customer_id", "loyalty").collect())


# --------------------------------------------------------------------------
# columns named alike but for case

_CASES = st.sampled_from(["customer_id", "Customer_ID", "CUSTOMER_ID", "customer_ID"])


@settings(max_examples=20, deadline=None)
@given(
    first=_CASES,
    second=_CASES,
    which=st.sampled_from(["customer_id", "date", "amount"]),
)
def test_duckdb_case_duplicates_refused(first: str, second: str, which: str) -> None:
    """Two DuckDB columns named alike but for case: an InputError naming
    both (DuckDB read the first under either name: the wrong ids)."""
    duckdb = need("duckdb")
    assume(first != second)
    names = {
        "customer_id": ["c", "C"],
        "date": ["date", "Date"],
        "amount": ["amount", "AMOUNT"],
    }
    # (the column read is named exactly; round 2: alike columns beside it
    # are refused, not alike columns custseg does not read)
    a, b = names[which] if which != "customer_id" else ("customer_id", second)
    assume(b != "customer_id")
    cols = {"customer_id": "'x'", "date": "DATE '2024-05-01'", "amount": "1.0"}
    parts = [f'{v} AS "{k}"' for k, v in cols.items() if k != which]
    parts += [f'{cols[which]} AS "{a}"', f'{cols[which]} AS "{b}"']
    rel = duckdb.sql("select " + ", ".join(parts))
    with pytest.raises(InputError, match="alike but for case") as err:
        summarize_frame(rel, as_of=AS_OF)
    assert err.value.field in (a, b)
    assert repr(a if err.value.field == b else b) in str(err.value)


def test_duckdb_other_scripts_not_folded() -> None:
    """DuckDB folds ASCII letters only: 'É' and 'é' are two columns."""
    duckdb = need("duckdb")
    rel = duckdb.sql(
        "select 'a' AS customer_id, DATE '2024-05-01' AS date, 1.0 AS amount, "
        '1 AS "É", 2 AS "é"'
    )
    assert summarize_frame(rel, as_of=AS_OF).fetchall()[0][0] == "a"


def test_spark_case_duplicates(spark: Any) -> None:
    """The report's Spark frame: an InputError naming both columns; with
    spark.sql.caseSensitive true it is read."""
    sdf = spark.createDataFrame(
        [("a", dt.date(2024, 5, 1), 1.0, "x")],
        "customer_id string, date date, amount double, Customer_ID string",
    )
    with pytest.raises(InputError, match="caseSensitive") as err:
        summarize_frame(sdf, as_of="2024-06-01")
    assert err.value.field == "Customer_ID"
    assert "'customer_id'" in str(err.value)
    spark.conf.set("spark.sql.caseSensitive", "true")
    try:
        out = summarize_frame(sdf, as_of="2024-06-01", output="pandas")
    finally:
        spark.conf.set("spark.sql.caseSensitive", "false")
    assert out.index.tolist() == ["a"]


@settings(max_examples=15, deadline=None)
@given(
    names=st.sampled_from([("note", "Note"), ("Tag", "TAG"), ("x_1", "X_1")]),
    at=st.integers(0, 3),
)
def test_duckdb_columns_alike_not_read_are_left_alone(
    names: tuple[str, str], at: int
) -> None:
    """Round 2: columns alike but for case that custseg does not read (a
    note and a Note) are left alone, wherever they stand: the summary is
    the one without them."""
    duckdb = need("duckdb")
    cols = ["'a' AS customer_id", "DATE '2024-05-01' AS date", "1.0 AS amount"]
    cols[at:at] = [f"'x' AS \"{names[0]}\"", f"'y' AS \"{names[1]}\""]
    rel = duckdb.sql("select " + ", ".join(cols))
    out = summarize_frame(rel, as_of=AS_OF, output="pandas")
    assert out.index.tolist() == ["a"] and out["monetary"].tolist() == [1.0]


def test_spark_columns_alike_not_read_are_left_alone(spark: Any) -> None:
    """Round 2: the probe's Spark frame with a note and a Note is read (it
    was refused as ambiguous, though Spark reads it)."""
    sdf = spark.createDataFrame(
        [("c1", dt.date(2024, 6, 1), 10.0, "x", "X")],
        "customer_id string, date date, amount double, note string, Note string",
    )
    out = summarize_frame(sdf, as_of="2024-07-01", output="pandas")
    assert out["recency_days"].tolist() == [30]


# --------------------------------------------------------------------------
# Dask: a column in the index


@pytest.mark.parametrize("column", ["customer_id", "date", "amount"])
def test_dask_index_told(column: str) -> None:
    """A column moved to a Dask frame's index gets pandas' message."""
    dd = need("dask.dataframe")
    pdf = pd.DataFrame(
        {
            "customer_id": ["b", "a"],
            "date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError) as want:
        summarize_frame(pdf.set_index(column), as_of=AS_OF)
    ddf = dd.from_pandas(pdf, npartitions=2).set_index(column)
    with pytest.raises(InputError) as got:
        summarize_frame(ddf, as_of=AS_OF)
    assert str(got.value) == str(want.value)
    assert "reset_index()" in str(got.value)
