"""An eighth audit: real datasets' shapes, the Python API's input kinds, and
metamorphic runs of the command line (findings of 2 December 2026).

Each test names the class of inputs it covers; the hypothesis tests draw
from the class, not only the example that was reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
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
from custseg.frame import read_table, summarize_frame

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]


def _cli(argv: list[str]) -> int:
    """``custseg`` in this process, its errors raised (not printed)."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = cli._parser().parse_args(argv)
        return int(args.func(args))


# --- dates in all-digit formats that do not start with a four-digit year ---
# 02012024 in '%d%m%Y' was read from the file as the number 2012024, and
# '%d%m%Y' then paired its digits as 20 / 1 / 2024: 20 January, exit 0.

_FORMATS = ["%d%m%Y", "%m%d%Y", "%d%m%y", "%y%m%d", "%m%d%y", "%Y%m%d", "%d%m%Y%H%M"]


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    days=st.lists(
        st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=8
    ),
    fmt=st.sampled_from(_FORMATS),
    hour=st.integers(0, 23),
)
def test_digit_dates_keep_their_leading_zeros(
    tmp_path: Path, days: list[dt.date], fmt: str, hour: int
) -> None:
    """Every day written in an all-digit format (file and integer column)
    is read as that day: as the file's text, and as pandas' numbers."""
    stamps = [dt.datetime(d.year, d.month, d.day, hour) for d in days]
    text = [s.strftime(fmt) for s in stamps]
    ids = [f"c{i}" for i in range(len(days))]
    path = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": ids, "date": text, "amount": 1.0}).to_csv(
        path, index=False
    )
    as_of = "2031-01-01"
    want = pd.to_datetime([s.strftime(fmt) for s in stamps], format=fmt)
    want = want.normalize() if "%H" not in fmt else want
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_file = custseg.segment(str(path), date_format=fmt, as_of=as_of).customers
        frame = pd.DataFrame(
            {"customer_id": ids, "date": [int(t) for t in text], "amount": 1.0}
        )
        from_ints = custseg.segment(frame, date_format=fmt, as_of=as_of).customers
    for got in (from_file, from_ints):
        firsts = got.loc[ids, "first_purchase"]
        assert list(firsts) == list(want), (text, list(firsts))


def test_digit_dates_longer_than_their_format_are_refused() -> None:
    frame = pd.DataFrame({"customer_id": ["a"], "date": [123456789], "amount": [1.0]})
    with pytest.raises(InputError, match="cannot match the date format '%d%m%Y'"):
        summarize_frame(frame, date_format="%d%m%Y")


# --- nullable and Arrow integers: never wrapped, never rounded -------------
# UInt64 2**64 - 1 without a missing value became -1 (to_numpy(int64)); with
# a missing value, integers past 2**53 became floats before the exactness
# check, so sums were rounded silently.

_INT_DTYPES = ["Int64", "UInt64"]
try:  # Arrow dtypes where pyarrow is installed (the parquet extra)
    import pyarrow  # noqa: F401

    _INT_DTYPES += ["int64[pyarrow]", "uint64[pyarrow]"]
except ImportError:
    pass


@settings(max_examples=60, deadline=None)
@given(
    dtype=st.sampled_from(_INT_DTYPES),
    big=st.one_of(st.integers(2**53 + 1, 2**63 - 1), st.integers(2**63, 2**64 - 1)),
    others=st.lists(st.one_of(st.none(), st.integers(0, 1000)), max_size=4),
    at=st.integers(0, 4),
)
def test_big_nullable_integers_are_refused(
    dtype: str, big: int, others: list[int | None], at: int
) -> None:
    if big >= 2**63 and not dtype.lower().startswith("u"):
        big = 2**63 - 1
    values = list(others)
    values.insert(min(at, len(values)), big)
    column = pd.Series(values, dtype=dtype)
    tags = custseg.TagMatrix(("g",), [[True]] * len(values))
    with pytest.raises(InputError, match=r"2\*\*53|2\*\*63"):
        custseg.group_summary(tags, {"m": column})
    # a value that must not go negative: refused, never read as -1
    if big >= 2**63:
        with pytest.raises(InputError, match=r"above 2\*\*63 - 1"):
            custseg.neglected(column, [100] * len(values), window_days=30)


@settings(max_examples=30, deadline=None)
@given(
    dtype=st.sampled_from(_INT_DTYPES),
    values=st.lists(st.one_of(st.none(), st.integers(0, 2**53)), min_size=1),
)
def test_nullable_integers_within_2_53_are_read_exactly(
    dtype: str, values: list[int | None]
) -> None:
    tags = custseg.TagMatrix(("g",), [[True]] * len(values))
    if sum(v for v in values if v is not None) > 2**53:  # audit 38: a sum
        # float64 would round is refused, as summarize refuses it
        with pytest.raises(InputError, match=r"sum may pass 2\*\*53"):
            custseg.group_summary(tags, {"m": pd.Series(values, dtype=dtype)})
        return
    totals = custseg.group_summary(tags, {"m": pd.Series(values, dtype=dtype)})
    floats = [np.nan if v is None else float(v) for v in values]
    want = custseg.group_summary(tags, {"m": np.array(floats)})
    np.testing.assert_array_equal(totals.totals["m"], want.totals["m"])


# --- NumPy masked arrays: a masked entry is missing, not its hidden value --


@settings(max_examples=40, deadline=None)
@given(
    scores=st.lists(st.integers(0, 10), min_size=1, max_size=12),
    data=st.data(),
)
def test_masked_entries_are_missing(scores: list[int], data: st.DataObject) -> None:
    mask = data.draw(
        st.lists(st.booleans(), min_size=len(scores), max_size=len(scores))
    )
    masked = np.ma.masked_array(scores, mask=mask)
    kept = [s if not m else None for s, m in zip(scores, mask, strict=True)]
    want = custseg.nps_band(kept).to_numpy().tolist()
    assert custseg.nps_band(masked).to_numpy().tolist() == want
    hidden = np.ma.masked_array(np.asarray(scores, dtype=float), mask=mask)
    assert custseg.care_phase(hidden).to_numpy().tolist() == (
        custseg.care_phase(
            [np.nan if m else float(s) for s, m in zip(scores, mask, strict=True)]
        )
        .to_numpy()
        .tolist()
    )
    words = np.ma.masked_array(
        np.array(["satisfied", "dissatisfied"] * len(scores))[: len(scores)], mask=mask
    )
    level = custseg.loyalty_level(words, [0.9] * len(scores), [9] * len(scores))
    assert [x == "unknown" for x in level.to_numpy().tolist()] == [
        bool(m) for m in mask
    ]


def test_masked_ids_and_dates_are_missing() -> None:
    ids = np.ma.masked_array(["a", "b"], mask=[False, True])
    with pytest.raises(InputError, match="missing customer ids"):
        custseg.summarize(ids, ["2024-01-01"] * 2, [1.0, 2.0])
    days = np.ma.masked_array(
        np.array(["2024-01-01"] * 2, "datetime64[D]"), mask=[0, 1]
    )
    with pytest.raises(InputError, match="missing dates"):
        custseg.summarize(["a", "b"], days, [1.0, 2.0])


@pytest.mark.parametrize("bad", [None, {1, 2}, (x for x in [1, 2])])
def test_non_sequences_are_refused_by_name(bad: object) -> None:
    with pytest.raises(InputError, match="must be an array-like of values, got"):
        custseg.care_phase(bad)


# --- float32 / float16 labels are named as they are written ---------------


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.floats(-1e6, 1e6, allow_nan=False, width=32), min_size=1, max_size=8
    ),
    width=st.sampled_from([np.float16, np.float32]),
    container=st.sampled_from(["array", "category", "object"]),
)
def test_narrow_float_labels_meet_their_decimal(
    values: list[float], width: type, container: str
) -> None:
    """The same classes as float32/float16 in one period and as the decimal
    they print as (float64) in the other: nobody moves."""
    if container == "category":
        width = np.float32  # pandas has no float16 index
    with np.errstate(over="ignore", under="ignore"):
        narrow = np.asarray(values, dtype=np.float32).astype(width)
    if not np.isfinite(narrow).all():
        return
    ids = [f"c{i}" for i in range(len(values))]
    before: pd.Series = pd.Series(narrow, index=ids)
    if container == "category":
        before = before.astype("category")
    elif container == "object":
        before = pd.Series(list(narrow), index=ids, dtype=object)
    # the decimal each is written as in its own type; whole ones exactly
    written = [float(x) if float(x).is_integer() else float(str(x)) for x in narrow]
    after = pd.Series(written, index=ids)
    assert custseg.transition_matrix(before, after).stayed == 1.0
    facts = {
        "recency_days": [1.0] * len(ids),
        "frequency": [1] * len(ids),
        "monetary": [1.0] * len(ids),
    }
    names = custseg.segment_summary(narrow, facts).index.tolist()
    assert names == custseg.segment_summary(after.to_numpy(), facts).index.tolist()


# --- text files: no header line, bare \r line ends, flags beside spaced ids --


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    rows=st.lists(
        st.tuples(
            st.from_regex(r"[0-9]{1,6}", fullmatch=True),
            st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
            st.decimals(0, 10**5, places=2, allow_nan=False),
        ),
        min_size=1,
        max_size=5,
    ),
    sep=st.sampled_from([",", ";", "\t", " "]),
    suffix=st.sampled_from([".csv", ".txt", ".tsv"]),
)
def test_a_file_without_header_is_refused(
    tmp_path: Path, rows: list[tuple[str, dt.date, object]], sep: str, suffix: str
) -> None:
    """CDNOW's shape (values from the first line on): never a header made
    of the first transaction, whatever the separator."""
    if suffix == ".tsv":
        sep = "\t"
    lines = [sep.join([i, d.strftime("%Y%m%d"), str(a)]) for i, d, a in rows]
    path = tmp_path / f"tx{suffix}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    named = {" ": "whitespace", "\t": "tab"}.get(sep, sep)
    option = ["--sep", named] if suffix != ".txt" else []
    with pytest.raises(InputError, match="no header line"):
        _cli(["segment", str(path), *option, "--output", str(tmp_path / "o.csv")])
    with pytest.raises(InputError, match="no header line"):
        read_table(path, sep=named if suffix != ".txt" else None)


def test_a_header_with_letters_in_any_script_is_a_header(tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    path.write_text("顾客,日期,2024\na,2024-01-01,1\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["顾客", "日期", "2024"]


_ids = st.from_regex(r" {0,2}[0-9a-z]{1,4}", fullmatch=True)


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    ids=st.lists(_ids, min_size=1, max_size=8),
    flags=st.lists(st.sampled_from(["True", "False", ""]), min_size=8, max_size=8),
    with_flag=st.booleans(),
)
def test_line_ends_and_flags_do_not_change_the_ids(
    tmp_path: Path, ids: list[str], flags: list[str], with_flag: bool
) -> None:
    """Ids that start with spaces read exactly as written whatever the line
    ends (\\n, \\r\\n, a bare \\r as classic Mac files have) and whatever other
    columns hold (True/False with gaps)."""
    header = "customer_id,date,amount" + (",flag" if with_flag else "")
    body = [
        f"{i},2024-01-{k % 28 + 1:02d},{k + 1}" + (f",{flags[k]}" if with_flag else "")
        for k, i in enumerate(ids)
    ]
    read = []
    for end in ("\n", "\r\n", "\r"):
        path = tmp_path / "tx.csv"
        path.write_bytes((end.join([header, *body]) + end).encode())
        frame = read_table(path, text_columns=["customer_id"])
        read.append(frame["customer_id"].tolist())
    assert read[0] == read[1] == read[2] == ids


# --- side data whose ids match no buyer; a records column named customer_id --


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(st.integers(1, 10**6), min_size=1, max_size=6, unique=True),
    spelling=st.sampled_from(["float", "zeros", "upper"]),
)
def test_records_matching_no_buyer_are_told(ids: list[int], spelling: str) -> None:
    """Ids written two ways (pandas' 17850.0 beside a CRM's 17850, 00017
    beside 17, C7 beside c7): the result is still total (every customer of
    either side once), and a warning names a pair that differ only as
    written."""
    write = {
        "float": lambda i: f"{i}.0",
        "zeros": lambda i: f"{i:08d}",
        "upper": lambda i: f"C{i}",
    }[spelling]
    other = (lambda i: f"c{i}") if spelling == "upper" else str
    tx = pd.DataFrame(
        {"customer_id": [write(i) for i in ids], "date": "2024-01-05", "amount": 1.0}
    )
    records = pd.DataFrame({"customer_id": [other(i) for i in ids], "vip": "yes"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = custseg.segment(tx, records=records, bins=2).customers
    assert len(out) == 2 * len(ids)
    text = " ".join(str(w.message) for w in caught if "none of the" in str(w.message))
    assert text
    assert f"{other(ids[0])!r} there" in text or f"{write(ids[0])!r}" in text


def test_records_that_match_warn_nothing() -> None:
    tx = pd.DataFrame({"customer_id": ["a", "b"], "date": "2024-01-05", "amount": 1.0})
    records = pd.DataFrame({"customer_id": ["a", "z"], "vip": "yes"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        custseg.segment(tx, records=records, bins=2)
    assert not [w for w in caught if "none of the" in str(w.message)]


@pytest.mark.parametrize("extra", ["customer_id", "recency_days_x", "frequency2"])
def test_a_frame_is_read_by_its_columns(extra: str) -> None:
    """A per-customer frame with a column named customer_id (Olist's
    customers file beside customer_unique_id) is read by its columns and its
    index, never taken for CustomerFacts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2 customers: unstable edges
        seg = custseg.segment(
            pd.DataFrame(
                {
                    "member": ["m1", "m2", "m1"],
                    "date": ["2024-01-05", "2024-02-01", "2024-03-01"],
                    "amount": [10.0, 20.0, 30.0],
                }
            ),
            customer="member",
            bins=2,
        ).customers
    seg[extra] = ["x9", "x7"]
    table = custseg.segment_summary(seg["lifecycle"], seg)
    assert table.loc["Total", "revenue"] == 60.0


def test_the_report_shows_figures_with_a_customer_id_column(tmp_path: Path) -> None:
    tx = tmp_path / "tx.csv"
    tx.write_text(
        "member,date,amount\nm1,2024-01-05,10\nm2,2024-02-01,20\nm1,2024-03-01,30\n"
    )
    records = tmp_path / "records.csv"
    records.write_text("member,customer_id\nm1,x9\nm2,x7\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = cli._parser().parse_args(
            ["segment", str(tx), "--customer", "member", "--records", str(records)]
        )
        assert args.func(args) == 0
    active = next(line for line in out.getvalue().splitlines() if "active" in line)
    assert "100.0%" in active.split("  ", 3)[-1] and " - " not in active, active


# --- ids of one kind in name only: tuple levels, dates with and without zone --


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(
        st.tuples(st.sampled_from(["n", "s", "e"]), st.integers(0, 50)),
        min_size=1,
        max_size=8,
        unique=True,
    ),
    text_level=st.sampled_from(["after", "before", "neither"]),
    classes=st.data(),
)
def test_tuple_ids_pair_only_level_by_level_kind(
    keys: list[tuple[str, int]], text_level: str, classes: st.DataObject
) -> None:
    """Tuple ids whose second level is integers in one period and text in
    the other (one period read back from CSV) share no customer: refused, as
    flat ids are; of one kind, the table is the flat ids' table."""
    labels = classes.draw(
        st.lists(st.sampled_from("AB"), min_size=len(keys), max_size=len(keys))
    )
    as_text = [(a, str(b)) for a, b in keys]
    before = pd.Series(
        labels,
        index=pd.MultiIndex.from_tuples(as_text if text_level == "before" else keys),
    )
    after = pd.Series(
        labels[::-1],
        index=pd.MultiIndex.from_tuples(as_text if text_level == "after" else keys),
    )
    if text_level != "neither":
        with pytest.raises(InputError, match=r"tuples of \(text, (text|integers)\)"):
            custseg.transition_matrix(before, after)
        return
    flat = [f"{a}{b}" for a, b in keys]
    want = custseg.transition_matrix(
        pd.Series(labels, index=flat), pd.Series(labels[::-1], index=flat)
    )
    got = custseg.transition_matrix(before, after)
    np.testing.assert_array_equal(got.counts.to_numpy(), want.counts.to_numpy())


def test_dates_with_and_without_zone_are_ids_of_two_kinds() -> None:
    naive = pd.to_datetime(["2024-01-01", "2024-01-02"])
    before = pd.Series(["A", "B"], index=naive)
    after = pd.Series(["B", "A"], index=naive.tz_localize("UTC"))
    with pytest.raises(InputError, match="dates with a time zone"):
        custseg.transition_matrix(before, after)


# --- amounts in the long form of a float64 ('%.17g') ---------------------
# Refused as decimals float64 changes (the design of audits 4 and 5: amounts
# are decimals, summed exactly); the advice now says where such text comes
# from.


@settings(max_examples=20, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    amount=st.floats(0.01, 1e9, allow_nan=False).map(lambda x: round(x, 2)),
    fmt=st.sampled_from(["%.17g", "%.18e"]),
)
def test_long_forms_of_a_float_are_refused_with_their_origin(
    tmp_path: Path, amount: float, fmt: str
) -> None:
    text = fmt % amount
    if Decimal(text) in (Decimal(repr(amount)), Decimal(amount)):
        return  # the decimal itself (0.5, 12.25): read as written
    path = tmp_path / "tx.csv"
    path.write_text(f"customer_id,date,amount\nc1,2024-01-01,{text}\n")
    with pytest.raises(InputError, match=r"more significant digits.*'%\.17g'"):
        _cli(["segment", str(path), "--output", str(tmp_path / "o.csv")])


# --- one frame of several shops' time zones --------------------------------


@settings(max_examples=30, deadline=None)
@given(
    stamps=st.lists(
        st.tuples(
            st.datetimes(dt.datetime(2023, 1, 1), dt.datetime(2024, 12, 31)),
            st.sampled_from(["Europe/London", "Asia/Shanghai", "America/New_York"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_frames_of_several_zones_read_as_summarize_reads_them(
    stamps: list[tuple[dt.datetime, str]],
) -> None:
    """``pd.concat`` of frames localized to their own zones gives an object
    column of aware dates in several zones: each read on its own local day,
    as :func:`custseg.summarize` reads it, never refused as "not dates"."""
    parts = [
        pd.DataFrame(
            {
                "customer_id": [f"c{i}"],
                "date": pd.DatetimeIndex([when]).tz_localize(
                    zone, ambiguous=True, nonexistent="shift_forward"
                ),
                "amount": [1.0],
            }
        )
        for i, (when, zone) in enumerate(stamps)
    ]
    tx = pd.concat(parts, ignore_index=True)
    as_of = "2025-01-01"
    want = custseg.summarize(tx["customer_id"], tx["date"], tx["amount"], as_of=as_of)
    got = summarize_frame(tx, as_of=as_of)
    assert got["recency_days"].tolist() == want.recency_days.tolist()


@settings(max_examples=20, deadline=None)
@given(
    days=st.lists(
        st.dates(dt.date(2024, 1, 10), dt.date(2024, 6, 30)), min_size=2, max_size=2
    ),
    iso=st.booleans(),
)
def test_contact_dates_iso_or_the_transactions_format(
    days: list[dt.date], iso: bool
) -> None:
    """The Python API reads contact dates as the command line does (ISO 8601
    or YYYYMMDD), and also in the transactions' date_format: one answer."""
    tx = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["05/01/2024"] * 2, "amount": [1.0, 2.0]}
    )
    written = [d.isoformat() if iso else d.strftime("%d/%m/%Y") for d in days]
    contacts = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": written,
            "initiator": "company",
            "kind": "follow_up",
        }
    )
    reference = contacts.assign(date=pd.to_datetime([d.isoformat() for d in days]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {"date_format": "%d/%m/%Y", "bins": 2, "as_of": "2024-07-01"}
        got = custseg.segment(tx, contacts=contacts, **kw)
        want = custseg.segment(tx, contacts=reference, **kw)
    assert got.customers["relationship"].tolist() == (
        want.customers["relationship"].tolist()
    )


# --- reassign_neglected: capacities only say where the neglected may go ----


@settings(max_examples=60, deadline=None)
@given(
    owners=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=12),
    caps=st.tuples(*[st.integers(0, 6)] * 3),
    data=st.data(),
)
def test_reassign_neglected_moves_only_the_neglected(
    owners: list[str | None], caps: tuple[int, int, int], data: st.DataObject
) -> None:
    """An owner above a (new, lower) capacity keeps their other customers
    (as documented), whatever the capacities add up to; the call is refused
    only when customers without an owner cannot all be placed."""
    n = len(owners)
    flags = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    value = [float(100 - i) for i in range(n)]
    capacity = dict(zip("abc", caps, strict=True))
    kept = {s: sum(o == s for o in owners) for s in "abc"}
    room = sum(max(capacity[s] - kept[s], 0) for s in "abc")
    homeless = sum(o is None for o in owners)
    if room < homeless:
        with pytest.raises(custseg.ThresholdError, match="no owner"):
            custseg.reassign_neglected(
                value, owners, list("abc"), flags, capacity=capacity
            )
        return
    out = custseg.reassign_neglected(
        value, owners, list("abc"), flags, capacity=capacity
    )
    after = out.owner.to_numpy().tolist()
    for was, now, flagged in zip(owners, after, flags, strict=True):
        if was is not None and not flagged:
            assert now == was
        if was is None:
            assert now is not None
    for s in "abc":
        assert after.count(s) <= max(capacity[s], kept[s])


# --- advice that works ------------------------------------------------------


@pytest.mark.parametrize("noise", [1.0000000000000002, 1 + 1e-12])
def test_rounding_noise_above_one_is_not_called_a_percentage(noise: float) -> None:
    with pytest.raises(InputError, match="rounding noise: clip at 1") as caught:
        custseg.loyalty.repurchase_band([0.9, noise])
    assert "percentage" not in str(caught.value)
    with pytest.raises(InputError, match="looks like a percentage"):
        custseg.loyalty.repurchase_band([0.9, 70.0])


def test_the_reindex_advice_runs_on_custseg_results() -> None:
    """The fixes the misalignment errors give are code that works on the
    objects at hand (Labels, CustomerFacts, TagMatrix)."""
    facts = custseg.summarize(["p", "q", "r"], ["2024-01-01"] * 3, [1.0, 2.0, 4.0])
    labels = custseg.care_phase(pd.Series([1, 2, 3], index=["r", "q", "p"]))
    with pytest.raises(InputError, match=r"labels\.to_pandas\(\)\.reindex\(ids\)"):
        custseg.segment_summary(labels, facts)
    ids = facts.to_pandas().index
    table = custseg.segment_summary(labels.to_pandas().reindex(ids), facts)
    assert table.loc["Total", "customers"] == 3
    tags = custseg.tags_from_values(pd.Series(["g", None, None], index=["r", "q", "p"]))
    with pytest.raises(InputError, match=r"facts\.to_pandas\(\)\["):
        custseg.group_summary(tags, facts)
    columns = ["recency_days", "frequency", "monetary"]
    summary = custseg.group_summary(
        tags, facts.to_pandas()[columns].reindex(tags.index)
    )
    assert summary.totals["monetary"].tolist() == [4.0, 7.0]


# --- the encoding advice names the file's encoding -------------------------


def _encodable(encoding: str) -> st.SearchStrategy[str]:
    def ok(c: str) -> bool:
        try:
            c.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    chars = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(ok)
    return st.text(chars, min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(data=st.data(), encoding=st.sampled_from(["big5", "gbk"]))
def test_the_encoding_advice_names_the_encoding(
    tmp_path: Path, data: st.DataObject, encoding: str
) -> None:
    """A GBK or Big5 file read as UTF-8: the advice names its encoding (GB18030
    decodes every Big5 file, into private-use characters; naming it alone
    led to garbled ids, exit 0)."""
    names = data.draw(st.lists(_encodable(encoding), min_size=1, max_size=4))
    text = "customer_id,date,amount\n" + "".join(
        f"{n},2024-01-0{i + 1},1\n" for i, n in enumerate(names)
    )
    raw = text.encode(encoding)
    try:
        raw.decode("utf-8")
        return  # (valid UTF-8 too: nothing to advise)
    except UnicodeDecodeError:
        pass
    path = tmp_path / "tx.csv"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=f"--encoding {encoding}"):
        read_table(path)


# --- segment, then assign: net refunds ------------------------------------


def test_segment_then_assign_with_net_refunds(tmp_path: Path) -> None:
    """The documented chain works on data with net-refund customers: an
    error that names the option, then with --clip-negative the owners of
    the values clipped at 0."""
    tx = tmp_path / "tx.csv"
    tx.write_text(
        "customer_id,date,amount\nc1,2024-01-05,100\nc2,2024-02-01,50\n"
        "c3,2024-02-03,-30\nc4,2024-02-04,20\n"
    )
    seg = tmp_path / "seg.csv"
    assert _cli(["segment", str(tx), "--bins", "2", "--output", str(seg)]) == 0
    staff = tmp_path / "staff.csv"
    staff.write_text("staff\namy\nbo\n")
    out = tmp_path / "own.csv"
    argv = ["assign", str(seg), str(staff), "--output", str(out)]
    with pytest.raises(InputError, match="--clip-negative"):
        _cli(argv)
    assert _cli([*argv, "--clip-negative"]) == 0
    got = pd.read_csv(out)
    customers = pd.read_csv(seg)
    want = custseg.assign_owners(
        customers["monetary"].clip(lower=0).to_numpy(),
        ["amy", "bo"],
        customer_id=customers["customer_id"].to_numpy(),
    )
    assert got["owner"].tolist() == want.owner.to_numpy().tolist()


def test_apply_rules_on_an_engine_frame_is_indexed_by_customer() -> None:
    """``apply_rules(engine_frame, output="pandas")`` is indexed by the
    customer id (as documented); the native result keeps it first."""
    pl = pytest.importorskip("polars")
    from custseg.frame import apply_rules, segment_frame

    tx = pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c2", "c3", "c1"],
            "date": [
                "2024-06-01",
                "2024-01-10",
                "2024-06-20",
                "2023-05-01",
                "2024-06-25",
            ],
            "amount": [120.0, 35.0, 60.0, 15.0, 80.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seg = segment_frame(tx, as_of="2024-07-01")
        indexed = apply_rules(seg, "ecommerce", output="pandas")
        native = apply_rules(seg, "ecommerce")
        pandas_seg = segment_frame(tx.to_pandas(), as_of="2024-07-01")
        reference = apply_rules(pandas_seg, "ecommerce")
    assert indexed.index.tolist() == ["c1", "c2", "c3"]
    assert native.columns[0] == "customer_id"
    assert indexed["rfm11"].astype(str).tolist() == (
        reference.loc[indexed.index, "rfm11"].astype(str).tolist()
    )


def test_min_points_without_points_is_refused() -> None:
    """A balance threshold without the balances was silently ignored."""
    with pytest.raises(custseg.ThresholdError, match="'min_points' needs 'points'"):
        custseg.due_contacts([None], [30], "2024-12-28", min_points=5)
