"""Audit 35 (r2): neighbours of audit 34's fixes.

1. Text dates in an all-digit ``date_format`` of another width than the
   format's (``'2012024'`` in ``'%d%m%Y'``, a number whose leading zero was
   lost, then made text): pandas' strptime paired the digits anew (20
   January 2024), where the same number is padded back (2 January) and
   every engine refuses the text. ``' 2012024'`` (a blank before it) was 2
   January. Such text is now refused on the pandas path too.
2. ``custseg segment --frequency days`` (and ``custseg.cli.report`` of a
   ``frequency="days"`` frame) titled purchase days as orders in its text
   summary ("avg order", "orders"); audit 34 retitled them in the HTML
   report only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import custseg
from custseg.cli import main
from custseg.cli import report as text_report
from custseg.errors import CustsegWarning, InputError

# --------------------------------------------------------------------------
# 1. text dates of another width than an all-digit format

_FORMATS = ["%d%m%Y", "%m%d%Y", "%d%m%y", "%y%m%d", "%Y%m%d", "%m%Y", "%d%m%Y%H%M"]


def _segment(dates: list[Any], fmt: str) -> Any:
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(dates))],
            "date": dates,
            "amount": 1.0,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return custseg.segment(tx, date_format=fmt, as_of="2100-01-01")


@settings(max_examples=40, deadline=None)
@given(
    day=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)),
    fmt=st.sampled_from(_FORMATS),
    blank=st.sampled_from(["", " ", "  "]),
    arrow=st.booleans(),
)
@example(
    day=dt.datetime(2024, 1, 2), fmt="%d%m%Y", blank="", arrow=False
)  # the finding: 20 January 2024
@example(day=dt.datetime(2024, 1, 2), fmt="%d%m%Y", blank=" ", arrow=False)
def test_short_digit_text_is_refused_never_paired_anew(
    day: dt.datetime, fmt: str, blank: str, arrow: bool
) -> None:
    """A date of an all-digit format written without its leading zeros, as
    text (a number made text): refused, naming the column and the width,
    whatever blanks are around it; the number it was is read as the day
    (padded back), and the full text too."""
    written = day.strftime(fmt)
    # its leading zeros lost (a number made text), else a digit fewer
    short = written.lstrip("0") if written.startswith("0") else written[1:]
    column: Any = [blank + short]
    if arrow:
        pytest.importorskip("pyarrow")
        column = pd.array(column, dtype="string[pyarrow]")
    with pytest.raises(InputError) as info:
        _segment(column, fmt)
    err = info.value
    assert err.field == "date"
    assert "do not fill the date format" in err.problem, err
    assert f"{fmt!r}" in err.problem
    if written.startswith("0"):
        # the number it was: its zeros put back, the same day
        got = _segment([int(written)], fmt).customers["first_purchase"].iloc[0]
        assert got == pd.Timestamp(dt.datetime.strptime(written, fmt))
    got = _segment([written], fmt).customers["first_purchase"].iloc[0]
    assert got == pd.Timestamp(dt.datetime.strptime(written, fmt))


def test_worked_example_2012024_as_text() -> None:
    """The finding: '2012024' in '%d%m%Y' was 20 January 2024 (the number
    2012024 is 2 January, ' 2012024' was 2 January too); now refused with
    the padded day and the day strptime would have read."""
    with pytest.raises(InputError) as info:
        _segment(["2012024", "31122024"], "%d%m%Y")
    assert str(info.value) == (
        "'date' has dates whose digits do not fill the date format '%d%m%Y' "
        "(8 digits), such as '2012024' (first at row 0, 1 row affected): write "
        "every date with its 8 digits, leading zeros included ('2012024' padded "
        "is '02012024', 2024-01-02; as written, strptime would pair its digits "
        "anew, as 2024-01-20), or pass the dates as numbers, whose lost leading "
        "zeros custseg puts back"
    )
    with pytest.raises(InputError, match="do not fill the date format"):
        _segment([" 2012024"], "%d%m%Y")
    with pytest.raises(InputError, match=r"'%Y%m%d' \(8 digits\), such as '2024012'"):
        _segment(["2024012"], "%Y%m%d")
    # the number is padded back, as before
    got = _segment([2012024], "%d%m%Y").customers["first_purchase"].iloc[0]
    assert got == pd.Timestamp("2024-01-02")
    # formats with separators read unpadded days, as before
    got = _segment(["2/1/2024"], "%d/%m/%Y").customers["first_purchase"].iloc[0]
    assert got == pd.Timestamp("2024-01-02")


_ENGINES = ["pandas", "pyarrow", "polars", "duckdb", "dask"]


def _in_engine(name: str, df: pd.DataFrame) -> Any:
    """*df* (text dates) in the engine *name*."""
    if name == "pandas":
        return df
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(df, preserve_index=False)
    if name == "pyarrow":
        return table
    if name == "polars":
        return pytest.importorskip("polars").from_arrow(table)
    if name == "duckdb":
        return pytest.importorskip("duckdb").connect().from_arrow(table)
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(df, npartitions=1)


def _first_purchases(frame: Any, fmt: str | None) -> Any:
    """The first purchases by customer, or the refusal's field and problem
    (without the value quoted)."""
    pytest.importorskip("narwhals")
    from custseg.frame import summarize_frame

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Dask's own warnings
            got = summarize_frame(
                frame, as_of="2100-01-01", date_format=fmt, output="pandas"
            )
    except InputError as err:
        return ("refused", err.field, err.problem.split(", such as")[0])
    return got["first_purchase"].sort_index().tolist()


@settings(max_examples=15, deadline=None)
@given(
    day=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31)),
    fmt=st.sampled_from(_FORMATS),
    blank=st.sampled_from(["", " "]),
    engine=st.sampled_from(_ENGINES[1:]),
)
@example(
    day=dt.datetime(2024, 1, 2), fmt="%d%m%Y", blank="", engine="polars"
)  # was 20 December of the year 24
@example(day=dt.datetime(2024, 1, 2), fmt="%d%m%Y", blank="", engine="duckdb")
@example(day=dt.datetime(2024, 1, 2), fmt="%d%m%Y", blank="", engine="dask")
@example(day=dt.datetime(2024, 1, 24), fmt="%y%m%d", blank="", engine="polars")
def test_engines_refuse_short_digit_text_as_pandas_does(
    day: dt.datetime, fmt: str, blank: str, engine: str
) -> None:
    """Text of digits alone, shorter than the all-digit format, beside a
    full date: every engine refuses it with the pandas path's field and
    problem (Polars and DuckDB read '2012024' in '%d%m%Y' as 20 December of
    the year 24, Dask as 20 January 2024)."""
    if "%H" in fmt and engine == "polars":
        return  # Polars reads no hour without minutes (its own refusal)
    written = day.strftime(fmt)
    short = written.lstrip("0") if written.startswith("0") else written[1:]
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": [written, blank + short],
            "amount": [1.0, 2.0],
        }
    )
    want = _first_purchases(df, fmt)
    assert want == (
        "refused",
        "date",
        f"has dates whose digits do not fill the date format {fmt!r} "
        f"({len(written)} digits)",
    )
    assert _first_purchases(_in_engine(engine, df), fmt) == want


@pytest.mark.parametrize("engine", _ENGINES)
def test_worked_example_engines_short_text_dates(engine: str) -> None:
    """The finding: ['31122024', '2012024'] in '%d%m%Y' gave 20 January
    2024 (pandas, Dask), 20 December 0024 (Polars, DuckDB) or a refusal
    (PyArrow); without a format, '2024011' beside '20240101' was 1 January
    2024 on Polars, DuckDB and Dask, where pandas refuses it. Now every
    engine refuses both; full dates still read alike."""
    df = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["31122024", "2012024"], "amount": 1.0}
    )
    got = _first_purchases(_in_engine(engine, df), "%d%m%Y")
    assert got[:2] == ("refused", "date"), got
    assert "do not fill the date format '%d%m%Y' (8 digits)" in got[2]
    guessed = df.assign(date=["20240101", "2024011"])
    got = _first_purchases(_in_engine(engine, guessed), None)
    assert got[:2] == ("refused", "date"), got
    full = df.assign(date=["31122024", "02012024"])
    assert _first_purchases(_in_engine(engine, full), "%d%m%Y") == [
        pd.Timestamp("2024-12-31"),
        pd.Timestamp("2024-01-02"),
    ]


def test_long_digit_text_is_refused_with_its_own_fix() -> None:
    """A date of more digits than the format (no padding helps) is told to
    match the format or to give the one it is written in."""
    with pytest.raises(InputError) as info:
        _segment(["202401021"], "%Y%m%d")
    assert "write every date with exactly 8 digits" in info.value.fix


# --------------------------------------------------------------------------
# 2. the command line's text summary titles what F counts


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


_DAYS_TX = (
    "customer_id,date,amount\n"
    "c1,2024-01-01,10\nc1,2024-01-01,20\nc1,2024-01-01,30\n"
    "c2,2024-02-01,5\nc2,2024-03-01,5\n"
)


def _header(table: str) -> str:
    return next(line for line in table.splitlines() if "customers   share" in line)


def test_worked_example_cli_days_are_not_orders(tmp_path: Path) -> None:
    """The finding: c1's three purchases on one day were "1.0 orders" with
    an "avg order" of 60; with --frequency days they are titled as the
    purchase days they are."""
    path = tmp_path / "tx.csv"
    path.write_text(_DAYS_TX, encoding="utf-8")
    code, out, err = _run(
        "segment", str(path), "--frequency", "days", "--as-of", "2024-06-01"
    )
    assert code == 0, err
    headers = [line for line in out.splitlines() if "customers   share" in line]
    assert headers, out
    for line in headers:
        assert "avg order" not in line and not line.endswith("orders"), line
        assert line.endswith("spend/day  recency  buy days"), line
    row = next(line for line in out.splitlines() if line.startswith("A "))
    assert row.split()[-3:] == ["60", "152", "1.0"]
    code, out, err = _run("segment", str(path), "--as-of", "2024-06-01")
    assert code == 0, err
    assert _header(out).endswith("avg order  recency  orders")


@settings(max_examples=10, deadline=None)
@given(
    frequency=st.sampled_from(["transactions", "days"]),
    seed=st.integers(0, 1000),
)
def test_text_summary_titles_follow_the_frequency(frequency: str, seed: int) -> None:
    """``cli.report`` of ``segment(..., frequency=...).customers``: every
    label table is titled by what F counts, and its numbers line up under
    the titles."""
    tx = custseg.datasets.simulate_transactions(60, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        seg = custseg.segment(tx, frequency=frequency).customers
    assert seg.attrs["frequency"] == frequency
    text = text_report(seg)
    tables = [t for t in text.split("\n\n") if "customers   share" in t]
    assert len(tables) >= 2
    per, count = (
        ("spend/day", "buy days") if frequency == "days" else ("avg order", "orders")
    )
    for table in tables:
        lines = table.splitlines()
        header = _header(table)
        assert header.endswith(f"{per}  recency  {count}"), header
        for line in lines[lines.index(header) + 1 :]:
            assert len(line) == len(header), (line, header)
            assert re.search(r"(\d|-)$", line), line


# --------------------------------------------------------------------------
# 3. a number parameter float64 holds as 0 is not told to drop digits


def _tiny_params() -> dict[str, Any]:
    """Entry points of :func:`custseg._validate.number_param`: a call per
    parameter taking the value."""
    from custseg.btyd import _check_time_scaler

    return {
        "a_min": lambda x: custseg.AbcEdges(a_min=x, b_min=1.0),
        "b_min": lambda x: custseg.AbcEdges(a_min=10.0, b_min=x),
        "time_scaler": _check_time_scaler,
    }


@settings(max_examples=30, deadline=None)
@given(
    digits=st.integers(1, 10**20),
    exponent=st.integers(400, 5000),
    kind=st.sampled_from(["Decimal", "Fraction"]),
    name=st.sampled_from(["a_min", "b_min", "time_scaler"]),
)
@example(digits=1, exponent=400, kind="Decimal", name="time_scaler")  # the finding
@example(digits=1, exponent=4300, kind="Fraction", name="a_min")  # was a ValueError
def test_a_number_float64_holds_as_zero_is_said_so(
    digits: int, exponent: int, kind: str, name: str
) -> None:
    """1E-400 (one significant digit) was told to "give at most 15
    significant digits", which cannot help: it is below float64's smallest
    normal number, and the message says so."""
    from decimal import Decimal
    from fractions import Fraction

    from custseg.errors import ThresholdError

    value: Any = (
        Decimal(f"{digits}E-{exponent}")
        if kind == "Decimal"
        else Fraction(digits, 10**exponent)
    )
    with pytest.raises(ThresholdError) as info:
        _tiny_params()[name](value)
    text = str(info.value)
    assert text.startswith(f"{name!r} must be a number float64 holds as written")
    assert "significant digits" not in text, text
    assert "closer to 0 than float64's smallest normal number" in text, text


# --------------------------------------------------------------------------
# 4. a records file's repurchase answers read as loyalty_level reads them

_MISSING_WORDS = [
    "不详",
    "未知",
    "？",
    "?",
    "none",
    "N/A",
    "unknown",
    "-",
    "\u3000",
    "<NA>",
]
_FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")
_TX = "customer_id,date,amount\n" + "".join(
    f"c{i},2024-01-0{i % 9 + 1},10\n" for i in range(6)
)


@st.composite
def _repurchase(draw: Any) -> tuple[str | None, Any]:
    """A repurchase cell as a file holds it, and the answer as
    loyalty_level takes it (a float, or None for a missing answer)."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return None, None
    if kind == 1:
        return draw(st.sampled_from(_MISSING_WORDS)), None
    p = draw(st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 0.71, 0.9, 1.0]))
    text = repr(p)
    if draw(st.booleans()):
        text = text.translate(_FULL)
    return draw(st.sampled_from(["", " ", "\u3000", "\xa0"])) + text, p


def _loyalty_of_file(folder: Path, frame: pd.DataFrame) -> list[str]:
    tx = folder / "tx.csv"
    tx.write_text(_TX, encoding="utf-8")
    rec = folder / "rec.csv"
    frame.to_csv(rec, index=False, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out = custseg.segment(
            str(tx), records=str(rec), preset="base", as_of="2024-02-01"
        ).customers
    return out["loyalty"].astype(str).reindex(frame["customer_id"]).tolist()


@settings(max_examples=25, deadline=None)
@given(
    answers=st.lists(
        st.tuples(st.integers(1, 5), _repurchase(), st.integers(0, 10)),
        min_size=6,
        max_size=6,
    )
)
@example(answers=[(5, ("不详", None), 9)] * 6)  # the finding
def test_records_file_repurchase_read_as_loyalty_level(answers: list[Any]) -> None:
    """Repurchase cells of a records file (the base preset's number field):
    probabilities with blanks around them or in full-width digits, and the
    missing words loyalty_level reads as missing (不详, ？, none, a cell of
    an ideographic space): each customer gets the level loyalty_level
    gives the answers. Before, a missing word stopped the run ("clean the
    column so it holds only numbers")."""
    import tempfile

    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(answers))],
            "satisfaction": [s for s, _, _ in answers],
            "repurchase": [cell for _, (cell, _), _ in answers],
            "referral": [r for _, _, r in answers],
        }
    )
    expected = custseg.loyalty_level(
        [s for s, _, _ in answers],
        [p for _, (_, p), _ in answers],
        [r for _, _, r in answers],
    )
    with tempfile.TemporaryDirectory() as tmp:
        got = _loyalty_of_file(Path(tmp), frame)
    assert got == expected.to_numpy().astype(str).tolist()


def test_worked_example_repurchase_missing_words_and_bands(tmp_path: Path) -> None:
    """The finding: a records file's repurchase '不详' (a missing answer
    for loyalty_level, and in the file's satisfaction column) stopped
    segment(records=path) with "non-numeric values ... clean the column";
    a band such as '70%以上' got the same advice. The missing word is now
    missing (in a frame too), the band refused saying what the rules read."""
    frame = pd.DataFrame(
        {
            "customer_id": ["c0", "c1"],
            "satisfaction": [5, 4],
            "repurchase": ["不详", "0.9"],
            "referral": [9, 9],
        }
    )
    assert _loyalty_of_file(tmp_path, frame) == ["unknown", "loyal"]
    tx = tmp_path / "tx.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out = custseg.segment(
            str(tx),
            records=frame.assign(repurchase=["？", 0.9], referral=[9, 9]),
            preset="base",
            as_of="2024-02-01",
        ).customers
    assert out.loc[["c0", "c1"], "loyalty"].astype(str).tolist() == ["unknown", "loyal"]
    with pytest.raises(InputError) as info:
        _loyalty_of_file(tmp_path, frame.assign(repurchase=["70%以上", "0.9"]))
    err = info.value
    assert err.field == "repurchase"
    assert err.problem.startswith(
        "has the survey's repurchase bands, such as '70%以上', where the rules "
        "read a number (a probability from 0 to 1) in the customer records "
        "(first for customer 'c0'"
    ), err.problem
    assert "declare 'repurchase' in the rules as a category" in err.fix


def test_a_fraction_of_many_digits_is_refused_not_a_value_error() -> None:
    """A Fraction whose parts have more digits than Python writes (4,300):
    str() of it raised a bare ValueError ("Exceeds the limit (4300 digits)
    for integer string conversion") from the refusal's own message."""
    from fractions import Fraction

    from custseg.btyd import _check_time_scaler
    from custseg.errors import ThresholdError

    near_ten = Fraction(10**5000 + 1, 10**4999)
    with pytest.raises(
        ThresholdError, match=r"^'a_min' .*got a Fraction, which it holds as 10\.0"
    ):
        custseg.AbcEdges(a_min=near_ten, b_min=1.0)
    with pytest.raises(ThresholdError, match=r"got a Fraction, which it holds as 0\.0"):
        _check_time_scaler(Fraction(1, 10**5000))
