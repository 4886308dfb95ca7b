"""Audit 39, the classifiers against domain.md with naive oracles.

1. Bytes were read around every check of text. A number or a date written
   as bytes (a NumPy ``S`` array, ``bytes`` in a list or an object column,
   an Arrow or Polars binary column: what HDF5 files and some database
   drivers give) went to ``float()`` / NumPy's date parser directly, so the
   checks the same text passes as ``str`` never saw it:
   ``lifecycle_stage([b"89.9999999999999999999"])`` was ``silent`` (read as
   90.0; the text is refused as having more digits than float64 holds),
   ``abc_classes([b"0.69999999999999999999", b"0.3"], edges=AbcEdges(0.7,
   0.5))`` put the first value in A (it is below 0.7), and
   ``summarize(..., date=[b"2024-01"])`` read the month as 2024-01-01 and
   ``[b"1"]`` as 0001-01-01 (the text is refused as naming no day), so
   recency, tenure, the lifecycle stage and the care phase were wrong with
   no error; so was ``contact_summary`` / ``relationship_type``'s
   ``first_sale``. Bytes are now read as the UTF-8 text they hold, every
   check of text included; bytes that are not UTF-8 are an InputError.
   ``segment`` read ``b"2024-01-31"`` as ``"b'2024-01-31'"`` and refused it,
   and a categorical of bytes as NumPy reads it (``b"2024-01"``: January 1).
2. ``rfm_scores`` kept a float32 index of ids past 2**24 unchecked (an
   audit 38 leftover): two customers came out as two rows of one id.
"""

from __future__ import annotations

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
import custseg.relationship as rel
from custseg import AbcEdges, InputError


def _outcome(fn, *args, **kwargs):
    """The labels, or the error's type and message."""
    try:
        out = fn(*args, **kwargs)
    except InputError as e:
        return ("error", str(e))
    return ("ok", out.to_numpy().tolist() if hasattr(out, "to_numpy") else out)


# numbers as written in exports: plain, signed, long decimals, exponents,
# thousands commas, blanks, words
_NUMBER_TEXT = st.one_of(
    st.from_regex(r"\A[+-]?[0-9]{1,25}(\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?\Z"),
    st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){1,2}(\.[0-9]{1,2})?\Z"),
    st.sampled_from(["", " ", "nan", "NaN", "inf", "1_000", "0x5A", " 90 ", "n/a"]),
)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=60, deadline=None)
@given(text=_NUMBER_TEXT)
def test_bytes_numbers_read_as_their_text(text):
    """A number written as bytes gives what its text gives: the same stage,
    the same class, or the same error."""
    raw = text.encode("ascii")
    for fn in (
        custseg.lifecycle_stage,
        custseg.care_phase,
        lambda x: custseg.abc_classes([*x, 0.3], edges=AbcEdges(0.7, 0.5)),
    ):
        want = _outcome(fn, [text])
        assert _outcome(fn, [raw]) == want
        assert _outcome(fn, np.array([raw])) == want


# dates as written: ISO days and times, and the shapes refused as naming no
# day or as bare digits (years, months, YYYYMMDD)
_DATE_TEXT = st.one_of(
    st.dates(min_value=pd.Timestamp("2000-01-01").date()).map(str),
    st.from_regex(r"\A[0-9]{1,8}(-[0-9]{1,2})?\Z"),
    st.sampled_from(["2024-01-05T10:30", "2024-01-05 10:30:00", "garbage", ""]),
)


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=60, deadline=None)
@given(text=_DATE_TEXT)
def test_bytes_dates_read_as_their_text(text):
    """A date written as bytes gives the recency its text gives, or the
    same error (a year or a month names no day: never its first day)."""
    raw = text.encode("ascii")

    def recency(dates):
        facts = custseg.summarize(["a"], dates, [1.0], as_of="2200-01-01")
        return facts.to_pandas().recency_days

    want = _outcome(recency, [text])
    assert _outcome(recency, [raw]) == want
    assert _outcome(recency, np.array([raw])) == want
    assert _outcome(recency, pd.Series([raw], dtype=object)) == want


def test_bytes_number_beyond_float64_refused_not_rounded_onto_a_break():
    with pytest.raises(InputError, match="more significant digits"):
        custseg.lifecycle_stage([b"89.9999999999999999999"])
    with pytest.raises(InputError, match="more significant digits"):
        custseg.abc_classes(
            [b"0.69999999999999999999", b"0.3"], edges=AbcEdges(0.7, 0.5)
        )
    assert custseg.lifecycle_stage([b"89", b"90"]).to_numpy().tolist() == [
        "active",
        "silent",
    ]


def test_bytes_month_is_no_day_for_the_classifiers():
    with pytest.raises(InputError, match="names no day"):
        custseg.summarize(["a", "a"], [b"2024-01", b"2024-03-05"], [1.0, 1.0])
    with pytest.raises(InputError, match="not dates"):
        custseg.summarize(["a"], np.array([b"1"]), [1.0])
    with pytest.raises(InputError, match="names no day"):
        rel.contact_summary(
            ["a"],
            ["2024-05-01"],
            ["customer"],
            ["complaint"],
            first_sale=(["a"], [b"2024"]),
        )
    facts = custseg.summarize(
        ["a", "a"], [b"2024-01-05", b"2024-03-05"], [1.0, 1.0], as_of="2024-04-01"
    ).to_pandas()
    assert facts.tenure_days.tolist() == [87.0]
    assert facts.recency_days.tolist() == [27.0]


def test_bytes_not_utf8_refused():
    with pytest.raises(InputError, match="not UTF-8"):
        custseg.summarize(["a"], [b"\xff2024-01-05"], [1.0])
    # (worded as every reader words bytes that are not UTF-8, audit 40)
    with pytest.raises(InputError, match="not UTF-8"):
        custseg.lifecycle_stage([b"\xff90"])


def test_arrow_and_polars_binary_read_as_text():
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(InputError, match="more significant digits"):
        custseg.lifecycle_stage(pa.array([b"89.9999999999999999999"], pa.binary()))
    with pytest.raises(InputError, match="names no day"):
        custseg.summarize(["a"], pa.array([b"2024"], pa.binary()), [1.0])


def test_frames_read_bytes_dates_as_their_text():
    """segment / summarize_frame read a bytes date column as its text, in
    an object column, a categorical (which read b"2024-01" as 2024-01-01)
    and an Arrow binary column alike, YYYYMMDD digits included."""
    from custseg.frame import summarize_frame

    pa = pytest.importorskip("pyarrow")
    for make in (
        lambda d: d,
        pd.Categorical,
        lambda d: pd.Series(d, dtype=pd.ArrowDtype(pa.binary())),
    ):
        df = pd.DataFrame(
            {
                "customer_id": ["a", "a"],
                "date": make([b"20240105", b"2024-03-05"]),
                "amount": [1.0, 2.0],
            }
        )
        facts = summarize_frame(df, as_of="2024-04-01")
        assert facts.tenure_days.tolist() == [87.0]
        df["date"] = make([b"2024-01", b"2024-03-05"])
        with pytest.raises(InputError, match="names no day"):
            summarize_frame(df, as_of="2024-04-01")


def test_rfm_scores_refuse_float32_ids_past_2_24_as_labels_do():
    """Audit 38 left rfm_scores taking a float32 index unchecked: two
    customers 16777216 and 16777217 came out as two rows of one id."""
    big = pd.Index(np.array([16777216, 16777217, 5], dtype=np.float32))

    def on(index):
        def s(values):
            return pd.Series(values, index=index)

        return custseg.rfm_scores(s([1.0, 100, 300]), s([1, 2, 3]), s([1.0, 2, 3]))

    with pytest.raises(InputError, match="float32"):
        custseg.lifecycle_stage(pd.Series([1.0, 100, 300], index=big))
    with pytest.raises(InputError, match="float32"):
        on(big)
    small = pd.Index(np.array([16777215, 7, 5], dtype=np.float32))
    assert on(small).to_pandas().index.tolist() == [16777215.0, 7.0, 5.0]
