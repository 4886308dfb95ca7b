"""The eighth audit's minor notes (3 December 2026): dates an export pads or
writes in its own format, amounts with thousands separators given to the
Python API, columns of durations or periods, two-answer fields given other
numbers, decimals quoted as floats in errors.

Each test names the class of inputs it covers; the hypothesis tests draw
from the class.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg import cli
from custseg.errors import InputError
from custseg.frame import parse_date_column

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]

_days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))
_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))

# the shapes exports write: (format, whether it carries a time)
_SHAPES = [
    (f"{day}{time}", bool(time))
    for day in (
        "%d/%m/%Y",
        "%m/%d/%Y",
        "%d.%m.%Y",
        "%Y/%m/%d",
        "%d-%m-%y",
        "%d %b %Y",
        "%b %d, %Y",
        "%Y年%m月%d日",
    )
    for time in ("", " %H:%M")
]


def _suggested(message: str) -> list[str]:
    """The formats an error's fix names (quoted before the command line)."""
    fix = message.split(": ", 1)[1]
    head = fix.split("(on the command line")[0].split("--date-format")[0]
    return re.findall(r"'([^']*%[^']*)'", head)


# --- the "not dates" advice names the format the values are in ---
# The hint always proposed '%d/%m/%Y'; for UCI Online Retail's '3/9/2011 4:37'
# (month first, with a time) copying it gave a second error.


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(_days, _times), min_size=1, max_size=12),
    st.sampled_from(_SHAPES),
    st.booleans(),
)
def test_date_advice_names_a_format_that_reads_the_column(rows, shape, unpad):
    """Following the error's advice reads every date as written."""
    fmt, timed = shape
    stamps = [dt.datetime.combine(d, t if timed else dt.time()) for d, t in rows]
    # '3/9/2011 4:37': exports drop the leading zeros of days, months, hours
    written = re.sub(r"%([dmH])", r"%-\1", fmt) if unpad else fmt
    text = [s.strftime(written) for s in stamps]
    col = pd.Series(text, dtype=object)
    try:
        got = parse_date_column(col, "date")
    except InputError as exc:
        formats = _suggested(str(exc))
        assert formats, str(exc)
        expected = pd.Series(stamps, dtype="datetime64[ns]")
        readings = [
            parse_date_column(col, "date", date_format=f).astype("datetime64[ns]")
            for f in formats
        ]
        # every named format reads all the values; the drawn one is among them
        assert any(r.tolist() == expected.tolist() for r in readings), formats
    else:  # ISO-like shapes ('%Y/%m/%d') pandas reads by itself
        assert (
            got.astype("datetime64[ns]").tolist()
            == pd.Series(stamps, dtype="datetime64[ns]").tolist()
        )


def test_date_advice_when_the_given_format_is_wrong():
    """A wrong --date-format is answered with the one the values are in."""
    col = pd.Series(["13/02/2000", "01/03/2000"])
    with pytest.raises(InputError, match=r"values read as '%d/%m/%Y'"):
        parse_date_column(col, "date", date_format="%m/%d/%Y")


def test_date_advice_without_a_match_is_the_general_one():
    """Text in no known shape keeps the general advice (ISO 8601, YYYYMMDD)."""
    with pytest.raises(InputError, match="use ISO 8601 dates"):
        parse_date_column(pd.Series(["yesterday", "2024-01-01"]), "date")


def test_date_advice_on_the_command_line(tmp_path: Path):
    """The CLI's error names the format with its option."""
    path = tmp_path / "t.csv"
    path.write_text(
        "customer_id,date,amount\n1,3/9/2011 4:37,5\n2,12/13/2010 10:05,6\n"
    )
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["segment", str(path), "--as-of", "2012-01-01"])
    assert code != 0
    assert "--date-format '%m/%d/%Y %H:%M'" in err.getvalue()


# --- dates padded with spaces ---
# '2000-11-01 ' (Ta-Feng's padded columns) was refused while ' 2000-11-01' was
# read; padding is read the same on both sides, with or without a format.


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            _days,
            st.sampled_from(["", " ", "  ", "\t"]),
            st.sampled_from(["", " ", "\t "]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([None, "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"]),
)
def test_padded_dates_read_as_unpadded(rows, fmt):
    """A date with blanks around it is the date without them."""
    plain = [d.strftime(fmt or "%Y-%m-%d") for d, _, _ in rows]
    padded = [
        f"{lead}{p}{trail}" for p, (_, lead, trail) in zip(plain, rows, strict=True)
    ]
    want = parse_date_column(pd.Series(plain, dtype=object), "date", date_format=fmt)
    got = parse_date_column(pd.Series(padded, dtype=object), "date", date_format=fmt)
    assert got.tolist() == want.tolist()


def test_padded_dates_through_the_cli(tmp_path: Path):
    """A CSV whose date cells end with blanks gives the unpadded answer."""
    plain = "customer_id,date,amount\n1,2000-11-01,5\n2,2000-11-03,6\n1,2000-11-05,7\n"
    padded = plain.replace("-01,", "-01 ,").replace("-05,", "-05   ,")
    outs = []
    for name, text in (("plain", plain), ("padded", padded)):
        src, out = tmp_path / f"{name}.csv", tmp_path / f"{name}-out.csv"
        src.write_text(text)
        with contextlib.redirect_stdout(io.StringIO()):
            assert (
                cli.main(
                    ["segment", str(src), "--as-of", "2000-12-01", "--output", str(out)]
                )
                == 0
            )
        outs.append(pd.read_csv(out, dtype=str))
    pd.testing.assert_frame_equal(outs[0], outs[1])


# --- columns of durations, periods or complex numbers as dates ---


@pytest.mark.parametrize(
    ("col", "problem"),
    [
        (pd.Series(pd.to_timedelta([1, 2], unit="D")), "holds durations"),
        (pd.Series(pd.period_range("2024-01", periods=2, freq="M")), "holds periods"),
        (pd.Series([1 + 2j, 3 + 0j]), "holds complex128 numbers"),
    ],
)
def test_dates_of_another_dtype_are_named(col, problem):
    """The message names what the column holds and how to make it dates,
    through the frame functions as through the column parser."""
    with pytest.raises(InputError, match=f"^'date' {problem}"):
        parse_date_column(col, "date")
    frame = pd.DataFrame({"customer_id": [1, 2], "date": col, "amount": [1.0, 2.0]})
    with pytest.raises(InputError, match=f"^'date' {problem}"):
        custseg.segment(frame, as_of="2024-06-01")


# --- amounts written with thousands separators or decimal commas ---
# The Python API said "non-numeric values ... clean the column"; the file
# readers' diagnosis now names the separator.

_amount = st.decimals(min_value=1000, max_value=10**9, places=2)


@settings(max_examples=30, deadline=None)
@given(st.lists(_amount, min_size=1, max_size=6), st.sampled_from(["us", "eu", "dots"]))
def test_grouped_amounts_named_by_the_api(amounts, style):
    """Text amounts with thousands separators name them, in every function
    that reads amounts from Python objects."""
    if style == "us":
        text = [f"{a:,.2f}" for a in amounts]
        problem = "thousands separators"
    elif style == "eu":
        text = [
            f"{a:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
            for a in amounts
        ]
        problem = "a decimal comma|a comma|thousands|a dot between thousands"
    else:  # two dot groups at least: '1.000' alone is the decimal 1.000
        text = [f"{int(a) * 1000:,}".replace(",", ".") for a in amounts]
        problem = "a dot between thousands"
    ids = list(range(len(text)))
    dates = ["2024-01-01"] * len(text)
    with pytest.raises(
        InputError, match=f"^'amount' holds numbers (with|written with) ({problem})"
    ):
        custseg.summarize(ids, dates, np.array(text, dtype=object), as_of="2024-02-01")


def test_other_text_amounts_keep_the_general_message():
    with pytest.raises(
        InputError, match=r"^'amount' has non-numeric values such as 'abc'"
    ):
        custseg.summarize(
            [1, 2], ["2024-01-01"] * 2, np.array(["abc", "1"], dtype=object)
        )


# --- two-answer fields given other numbers ---
# vip=[2] was "code 2 outside the scale 0..1: check the survey's scale".


def _two_answer_calls(value):
    n = len(value)
    return [
        ("vip", lambda: custseg.customer_status([1] * n, [10] * n, [5] * n, vip=value)),
        (
            "loyal",
            lambda: custseg.customer_status([1] * n, [10] * n, [5] * n, loyal=value),
        ),
        (
            "timing",
            lambda: custseg.conversion_readiness([1] * n, [1] * n, [1] * n, value),
        ),
    ]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from([0, 1]), max_size=4),
    st.integers(min_value=-5, max_value=50).filter(lambda k: k not in (0, 1)),
    st.sampled_from([np.int64, np.float64, object]),
)
def test_two_answer_fields_name_their_two_codes(good, bad, dtype):
    """Any number but 0 and 1 is refused with the two codes and their answers."""
    value = np.array([*good, bad], dtype=dtype)
    for field, call in _two_answer_calls(value):
        with pytest.raises(InputError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"'{field}'")
        assert "survey" not in message and "whole codes" not in message
        assert re.search(r"0 for '\w+' and 1 for '\w+'", message), message
        assert f"(first at row {len(good)}," in message


# --- decimals quoted as themselves ---
# Decimal('2.9999999999999999999') was quoted as 2.9999999999999996, a value
# that is not in the data.


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=1, max_value=50),
    st.sampled_from(["-0.0000000000000000001", "0.0000000000000000001", "0.5"]),
)
def test_decimal_counts_quoted_as_written(count, offset):
    """Counts and scores that are not whole are quoted as the Decimal given."""
    value = Decimal(count) + Decimal(offset)
    shown = repr(value)
    calls = [
        lambda: custseg.dick_basu(attitude=["high"], frequency=[value]),
        lambda: custseg.repurchase_from_behaviour([value], [3]),
    ]
    for call in calls:
        with pytest.raises(InputError) as info:
            call()
        assert shown in str(info.value)
    if count <= 10:  # 0-10 scores
        for call in (
            lambda: custseg.loyalty_level(["satisfied"], [0.5], [value]),
            lambda: custseg.nps_band([value]),
        ):
            with pytest.raises(InputError, match=re.escape(shown)):
                call()
