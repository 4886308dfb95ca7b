"""Audit 29, the command line and file reading: findings of the probe of
``custseg`` (segment, assign, due, rules), each test covering the class of a
finding, not only its example.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import io
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _validate as v
from custseg import rules
from custseg._files import check_date_format, parse_date_column
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError, RulesError
from custseg.ownership import assign_owners
from custseg.playbook import due_contacts


def _run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


def _folder() -> Path:
    return Path(tempfile.mkdtemp())


def _quiet_segment(data: object, **options: object) -> pd.DataFrame:
    """custseg.segment's customers, its warnings (few customers to fit
    scores) set aside."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return custseg.segment(data, **options).customers  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# 1. A date column a format reads was typed by the file reader first:
# '03.2024' (%m.%Y) became the number 3.2024, '2024.10' (%Y.%m) 2024.1, and
# the text could not be rebuilt ("store dates as text", which the file did).
# With a date format the column is read as the text written, from the
# command line and from custseg.segment(path) alike, as from a DataFrame

SEPARATORS = [".", "/", "-", " ", ""]


@st.composite
def _formats(draw: st.DrawFn) -> tuple[str, list[datetime.date]]:
    year = draw(st.sampled_from(["%Y", "%y"]))
    month = draw(st.sampled_from(["%m", "%b"]))
    parts = [year, month] + (["%d"] if draw(st.booleans()) else [])
    parts = draw(st.permutations(parts))
    sep = draw(st.sampled_from(SEPARATORS))
    # (%y reads 69-99 as 19xx and 00-68 as 20xx: dates it writes back alike)
    days = draw(
        st.lists(
            st.dates(datetime.date(1970, 1, 1), datetime.date(2068, 12, 31)),
            min_size=1,
            max_size=6,
        )
    )
    return sep.join(parts), days


def _as_read(day: datetime.date, fmt: str) -> str:
    """The day *fmt* reads from the text it writes of *day* (the 1st of the
    month without %d)."""
    return (day if "%d" in fmt else day.replace(day=1)).isoformat()


@settings(max_examples=30, deadline=None)
@given(_formats(), st.booleans())
def test_date_format_reads_the_text_written_in_a_file(
    case: tuple[str, list[datetime.date]], quoted: bool
) -> None:
    fmt, days = case
    texts = [d.strftime(fmt) for d in days]
    folder = _folder()
    path = folder / "tx.csv"
    q = '"' if quoted else ""
    lines = [f"{i},{q}{t}{q},5" for i, t in enumerate(texts)]
    path.write_text("customer_id,date,amount\n" + "\n".join(lines) + "\n")
    as_of = (max(days) + datetime.timedelta(days=40)).isoformat()
    want = [_as_read(d, fmt) for d in days]

    out = folder / "out.csv"
    run = ["segment", str(path), "--date-format", fmt, "--as-of", as_of]
    code, err = _run([*run, "--output", str(out)])
    assert code == 0, err
    cli = pd.read_csv(out, dtype={"customer_id": str})
    assert cli["customer_id"].tolist() == [str(i) for i in range(len(days))]
    assert cli["first_purchase"].str.slice(0, 10).tolist() == want

    frame = pd.DataFrame(
        {"customer_id": [str(i) for i in range(len(days))], "date": texts}
    ).assign(amount=5.0)
    for data in (frame, str(path)):
        got = _quiet_segment(data, date_format=fmt, as_of=as_of)
        assert [f"{d:%Y-%m-%d}" for d in got["first_purchase"]] == want


def test_month_and_year_with_a_dot_from_a_file() -> None:
    """The report's example: '03.2024' and 10.2024 in '%m.%Y', also in a
    contacts file read by custseg.segment(path, contacts=path)."""
    folder = _folder()
    tx = folder / "tx.csv"
    tx.write_text('customer_id,date,amount\n1,"03.2024",5\n2,10.2024,5\n')
    code, err = _run(
        ["segment", str(tx), "--date-format", "%m.%Y", "--as-of", "2024-11-01"]
    )
    assert code == 0, err
    contacts = folder / "contacts.csv"
    contacts.write_text(
        "customer_id,date,initiator,kind\n1,04.2024,company,sale\n2,10.2024,customer,inquiry\n"
    )
    got = _quiet_segment(
        str(tx), date_format="%m.%Y", as_of="2024-11-01", contacts=str(contacts)
    )
    assert got["first_purchase"].tolist() == [
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-10-01"),
    ]
    assert got["relationship"].notna().all()
    # read as text, the date column keeps pandas' missing markers: 'NA' is
    # a missing date (refused as before), not a value the format fails
    tx.write_text("customer_id,date,amount\n1,NA,5\n2,02.2024,5\n")
    code, err = _run(
        ["segment", str(tx), "--date-format", "%m.%Y", "--as-of", "2024-11-01"]
    )
    assert code == 2
    assert "missing dates" in err and "line 2" in err


# --------------------------------------------------------------------------
# 2. A date format that names no year ('%m/%d', '%d %b', '%H:%M') was
# accepted: strptime put every purchase in 1900, every customer "lost",
# exit 0. Refused by the one check of date formats (check_date_format),
# before any file is read, naming the fix

NO_YEAR = ["%m", "%d", "%b", "%H", "%M", "%j", "%a"]


@st.composite
def _yearless(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.sampled_from(NO_YEAR), min_size=1, max_size=3, unique=True)
    )
    return draw(st.sampled_from(SEPARATORS)).join(parts)


@settings(max_examples=30, deadline=None)
@given(_yearless(), st.sampled_from(["%Y", "%y"]))
def test_a_date_format_without_a_year_is_refused(fmt: str, year: str) -> None:
    with pytest.raises(InputError, match="names no year") as info:
        check_date_format(fmt)
    assert info.value.field == "date_format"
    assert "--date-format" in str(info.value) and "%Y" in info.value.fix
    # the same format with a year is read
    assert check_date_format(f"{fmt} {year}") == f"{fmt} {year}"
    # one check for every way in: a frame, a column, the command line
    # (refused before the input is read: it does not exist)
    frame = pd.DataFrame({"customer_id": ["1"], "date": ["x"], "amount": [5.0]})
    with pytest.raises(InputError, match="names no year"):
        custseg.segment(frame, date_format=fmt)
    with pytest.raises(InputError, match="names no year"):
        parse_date_column(pd.Series(["x"]), "date", date_format=fmt)
    code, err = _run(["segment", "no-such-file.csv", "--date-format", fmt])
    assert code == 2 and "names no year" in err, err


def test_month_and_day_format_example() -> None:
    path = _folder() / "tx.csv"
    path.write_text("customer_id,date,amount\n1,03/15,5\n2,04/01,5\n3,12/20,7\n")
    out = path.with_name("o.csv")
    run = ["segment", str(path), "--date-format", "%m/%d", "--as-of", "2024-04-02"]
    code, err = _run([*run, "--output", str(out)])
    assert code == 2 and not out.exists()
    assert "'%m/%d' names no year" in err and "--date-format '%m/%d/%Y'" in err
    # formats that name the year otherwise are read
    for fmt in ("%G-%V-%u", "%c", "%x", "%d.%m.%y"):
        assert check_date_format(fmt) == fmt


# --------------------------------------------------------------------------
# 3. assign --max-moves beyond 2**53 was refused as a float ("'max_moves'
# must be a number float64 holds"): a count of moves is a whole number,
# read exactly, and any budget no run can reach means no limit


@settings(max_examples=20, deadline=None)
@given(
    st.integers(2**53, 2**80),
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=2, max_size=30),
    st.lists(st.sampled_from(["amy", "bo", "cy", None]), min_size=30, max_size=30),
)
def test_a_huge_move_budget_is_no_limit(
    budget: int, values: list[float], owners: list[str | None]
) -> None:
    staff = ["amy", "bo", "cy"]
    current = np.array(owners[: len(values)], dtype=object)
    free = assign_owners(values, staff, current_owner=current)
    for given_budget in (budget, np.uint64(min(budget, 2**64 - 1))):
        res = assign_owners(
            values, staff, current_owner=current, max_moves=given_budget
        )
        assert res.max_moves == int(given_budget)
        assert res.owner.to_pandas().tolist() == free.owner.to_pandas().tolist()
        assert res.change.to_pandas().tolist() == free.change.to_pandas().tolist()


def test_max_moves_option_beyond_2_53() -> None:
    folder = _folder()
    seg = folder / "seg.csv"
    pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(6)], "monetary": [5.0, 9, 1, 3, 7, 2]}
    ).to_csv(seg, index=False)
    staff = folder / "staff.csv"
    staff.write_text("staff\namy\nbo\n")
    outs = []
    for extra in ([], ["--max-moves", "9007199254740993"]):
        out = folder / f"own{len(extra)}.csv"
        code, err = _run(["assign", str(seg), str(staff), "--output", str(out), *extra])
        assert code == 0, err
        assert "float64" not in err
        outs.append(out.read_text())
    assert outs[0] == outs[1]


# --------------------------------------------------------------------------
# 4. and 5. due: --cadence too large advised a Python remedy ("pass NaN per
# customer"); --holiday 'Christmas=12-25' was said to name "no day (a year
# or a month only)" under the name 'holidays[Christmas]'. Both are refused
# before the table is read, named as typed, with a command-line fix


def _customers() -> Path:
    path = _folder() / "seg.csv"
    path.write_text("customer_id,last_contact\n1,2024-12-01\n2,\n")
    return path


@settings(max_examples=20, deadline=None)
@given(
    st.one_of(
        st.integers(10**12 + 1, 10**30).map(str),
        st.floats(1.0000001e12, 1e300).map(repr),
        st.just("inf"),
    )
)
def test_cadence_too_large_is_said_in_options(text: str) -> None:
    code, err = _run(["due", "no-such.csv", "--as-of", "2025-01-20", "--cadence", text])
    assert code == 2
    assert "'--cadence' must be at most 1,000,000,000,000 days" in err, err
    assert "--class-column" in err and "NaN" not in err


@pytest.mark.parametrize("text", ["0", "-1", "nan"])
def test_cadence_not_above_zero(text: str) -> None:
    # refused before the table is read (it does not exist)
    code, err = _run(["due", "no-such.csv", "--as-of", "2025-01-20", "--cadence", text])
    assert code == 2
    assert "'--cadence' must be a number of days in (0, 1,000,000,000,000]" in err, err


@settings(max_examples=30, deadline=None)
@given(
    st.dates(datetime.date(2001, 1, 1), datetime.date(2040, 12, 31)),
    st.dates(datetime.date(2001, 1, 1), datetime.date(2040, 12, 31)),
    st.sampled_from(["-", "/", "."]),
    st.booleans(),
)
def test_holiday_without_a_year(
    holiday: datetime.date, as_of: datetime.date, sep: str, day_first: bool
) -> None:
    pair = (holiday.day, holiday.month) if day_first else (holiday.month, holiday.day)
    text = sep.join(f"{x:02d}" for x in pair)
    run = ["due", str(_customers()), "--as-of", as_of.isoformat(), "--cadence", "30"]
    code, err = _run([*run, "--holiday", f"Fête={text}"])
    assert code == 2
    assert f"'--holiday' 'Fête' is not a date: {text!r} names no year" in err, err
    assert "holidays[" not in err and "names no day" not in err
    # the next day from --as-of with that month and day, if only one is
    # meant (03-04 may be 3 April or 4 March)
    ambiguous = holiday.day <= 12 and holiday.day != holiday.month
    if not ambiguous:
        for year in range(as_of.year, as_of.year + 9):
            with contextlib.suppress(ValueError):
                if (example := holiday.replace(year=year)) >= as_of:
                    break
        assert f"--holiday 'Fête={example.isoformat()}'" in err, err
    else:
        assert "--holiday 'Fête=YYYY-MM-DD'" in err, err
    # the library says the same in its own terms
    with pytest.raises(InputError, match="names no year") as info:
        due_contacts([None], 30, as_of.isoformat(), holidays={"Fête": text})
    assert info.value.field == "holidays[Fête]"
    assert "with its year" in info.value.fix


def test_holiday_examples() -> None:
    base = ["due", str(_customers()), "--as-of", "2025-01-20", "--cadence", "30"]
    code, err = _run([*base, "--holiday", "Christmas=12-25"])
    assert code == 2
    assert (
        "'--holiday' 'Christmas' is not a date: '12-25' names no year (a month "
        "and a day only): write the holiday with its year: --holiday "
        "Christmas=2025-12-25"
    ) in err
    code, err = _run([*base, "--holiday", "New Year=2025-13-01"])
    assert code == 2
    assert "'--holiday' 'New Year' is not a date" in err
    assert "--holiday 'New Year=YYYY-MM-DD'" in err
    # a year or a month alone is still said so
    with pytest.raises(InputError, match="names no day"):
        v.as_datetime_scalar("2024-03", "holiday")
    code, err = _run([*base, "--holiday", "Christmas=2025-12-25"])
    assert code == 0, err


# --------------------------------------------------------------------------
# 6. rules.load / rules.loads said rules were decoded "strictly as UTF-8",
# but UTF-16 and UTF-32 with a byte order mark are read: the docs say so,
# and the behaviour holds for files and bytes alike

ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", codecs.BOM_UTF32_BE),
]


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(ENCODINGS), st.sampled_from(["ecommerce", "base"]))
def test_rules_encodings_as_documented(enc: tuple[str, bytes], name: str) -> None:
    for doc in (rules.load.__doc__, rules.loads.__doc__):
        assert doc is not None
        assert "UTF-16" in doc and "UTF-32" in doc and "byte-order mark" in doc
        assert "strictly as UTF-8" not in doc
    encoding, bom = enc
    text = rules.preset_text(name)
    raw = bom + text.encode(encoding)
    path = _folder() / "shop.toml"
    path.write_bytes(raw)
    want = rules.load(name).outputs
    assert rules.load(path).outputs == want
    assert rules.loads(raw).outputs == want
    if bom and encoding != "utf-8":  # without its mark: an encoding error
        path.write_bytes(text.encode(encoding))
        with pytest.raises(RulesError) as info:
            rules.load(path)
        assert info.value.diagnostics[0].code == "encoding"
