"""Audit 30, the docs / new-user probe.

1. The advice ``segment(path)`` / ``report(path)`` gave for a file it could
   not read (``;``-separated; a records or contacts file in another
   encoding) was to read it with ``read_table`` and pass the frame: ids
   read as numbers (``00017``, ``17`` and ``0017`` one customer) and the
   amount checks skipped (``1.234`` read as 1.234). The path route now
   takes what is needed (``sep=``, ``records_encoding=``,
   ``contacts_encoding=``) and the advice names it.
2. The command-line half of the hint for dates that read day-first and
   month-first named only the day-first format.
3. ``simulate_customers(potential=...)`` rounded the float64 next to a
   Fraction share, and a float32 share bit for bit.
"""

from __future__ import annotations

import contextlib
import fractions
import io
import math
import re
import tempfile
import warnings
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.cli import main
from custseg.datasets import simulate_customers, simulate_transactions
from custseg.errors import InputError
from custseg.frame import read_table

SRC = Path(custseg.__file__).parent

# --------------------------------------------------------------------------
# 1. the path route reads what its advice names, with every check

#: ids that look like numbers, leading zeros among them
ids_st = st.lists(
    st.from_regex(r"0{0,3}[1-9][0-9]{0,2}", fullmatch=True),
    min_size=1,
    max_size=6,
    unique=True,
)


def _quiet_segment(*args: object, **kwargs: object) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few customers: unstable edges
        return custseg.segment(*args, **kwargs)


def _rows(ids: list[str], cents: list[int]) -> list[tuple[str, str, str]]:
    return [
        (c, f"2024-12-{1 + i % 28:02d}", f"{cents[i] / 100:.2f}".rstrip("0"))
        for i, c in enumerate(ids)
    ]


@settings(max_examples=25, deadline=None)
@given(ids_st, st.data())
def test_sep_reads_ids_as_written_like_a_comma_file(
    ids: list[str], data: st.DataObject
) -> None:
    """A ';' file read with sep=';' gives what the same rows in a ','
    file give: one customer per id as written (00017 and 17 two)."""
    cents = data.draw(
        st.lists(st.integers(1, 10**6), min_size=len(ids), max_size=len(ids))
    )
    rows = _rows(ids, cents)
    with tempfile.TemporaryDirectory() as d:
        semi, comma = Path(d, "semi.csv"), Path(d, "comma.csv")
        semi.write_text(
            "customer_id;date;amount\n" + "".join(";".join(r) + "\n" for r in rows)
        )
        comma.write_text(
            "customer_id,date,amount\n" + "".join(",".join(r) + "\n" for r in rows)
        )
        got = _quiet_segment(semi, sep=";", as_of="2025-01-01").customers
        want = _quiet_segment(comma, as_of="2025-01-01").customers
        # the frame route, ids as text, agrees on files the checks pass
        framed = _quiet_segment(
            read_table(semi, sep=";", text_columns=["customer_id"]),
            as_of="2025-01-01",
        ).customers
    assert sorted(got.index) == sorted(ids)
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(got, framed)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 999), min_size=1, max_size=4),
    st.lists(st.integers(0, 999), min_size=1, max_size=4),
    st.sampled_from([";", "\t", "|"]),
)
def test_sep_keeps_the_dot_groups_check(
    heads: list[int], tails: list[int], sep: str
) -> None:
    """Amounts whose every dot is followed by three digits (1.234: a
    thousands separator or a decimal point?) in a file not separated by
    commas are refused on the sep= route, as on the command line."""
    amounts = [f"{h}.{t:03d}" for h, t in zip(heads, tails, strict=False)]
    lines = [sep.join((f"{i:05d}", "2024-12-01", a)) for i, a in enumerate(amounts)]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, "tx.csv")
        path.write_text(sep.join(("customer_id", "date", "amount")) + "\n")
        with path.open("a") as f:
            f.write("\n".join(lines) + "\n")
        with pytest.raises(InputError, match="where a dot may separate thousands"):
            _quiet_segment(path, sep=sep)


def test_reported_sep_example(tmp_path: Path) -> None:
    """The finding's file: the advice names sep=';', which refuses 1.234 on
    both segment and report, and reads 00017, 17 and 0017 apart."""
    path = tmp_path / "tx.csv"
    path.write_text(
        "customer_id;date;amount\n00017;2024-12-01;1.234\n17;2024-12-02;20\n"
        "0017;2024-12-03;5\n"
    )
    for call in (custseg.segment, custseg.report):
        with pytest.raises(InputError) as err:
            call(path)
        assert "sep=';'" in str(err.value)
        assert "read_table" not in str(err.value)
        with pytest.raises(InputError, match=r"'1\.234'"):
            call(path, sep=";")
    path.write_text(path.read_text().replace("1.234", "1.5"))
    result = _quiet_segment(path, sep=";")
    assert list(result.customers.index) == ["00017", "0017", "17"]
    assert result.customers["monetary"].tolist() == [1.5, 5.0, 20.0]
    assert result.settings["sep"] == ";"
    again = result.apply(path)  # apply() reads the file as segment() did
    pd.testing.assert_frame_equal(again.customers, result.customers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # three customers
        page = custseg.report(path, sep=";")
    assert page.result is not None
    pd.testing.assert_frame_equal(
        page.result.customers[["frequency", "monetary"]],
        result.customers[["frequency", "monetary"]],
    )


def test_sep_must_be_text() -> None:
    with pytest.raises(InputError, match="'sep' must be one character"):
        custseg.segment("tx.csv", sep=59)


@settings(max_examples=20, deadline=None)
@given(ids_st, st.sampled_from(["gbk", "big5"]))
def test_records_in_another_encoding_by_path(ids: list[str], encoding: str) -> None:
    """A records file in another encoding than the transactions': the
    error names records_encoding=, which reads it by its path (ids as
    written, each joined to its own buyer), as a UTF-8 file reads."""
    tx = "customer_id,date,amount,store\n" + "".join(
        f"{c},2024-12-0{1 + i % 9},{i + 1},南京\n" for i, c in enumerate(ids)
    )
    rec = "customer_id,name\n" + "".join(f"{c},王{c}\n" for c in ids)
    with tempfile.TemporaryDirectory() as d:
        tx_path, rec_path = Path(d, "tx.csv"), Path(d, "rec.csv")
        utf8_path = Path(d, "rec8.csv")
        tx_path.write_text(tx, encoding="utf-8")
        rec_path.write_bytes(rec.encode(encoding))
        utf8_path.write_text(rec, encoding="utf-8")
        with pytest.raises(InputError) as err:
            _quiet_segment(tx_path, records=rec_path)
        assert "records_encoding=" in str(err.value)
        assert "read_table" not in str(err.value)
        got = _quiet_segment(
            tx_path, records=rec_path, records_encoding=encoding
        ).customers
        want = _quiet_segment(tx_path, records=utf8_path).customers
    assert sorted(got.index) == sorted(ids)
    assert got.loc[ids, "name"].tolist() == [f"王{c}" for c in ids]
    pd.testing.assert_frame_equal(got, want)


def test_reported_records_encoding_example(tmp_path: Path) -> None:
    """The finding's GBK records (00017 and 17), and a GBK contact log:
    each read by its own encoding argument, named in the error."""
    tx = tmp_path / "tx.csv"
    rec = tmp_path / "rec.csv"
    con = tmp_path / "con.csv"
    tx.write_text("customer_id,date,amount\n00017,2024-12-01,10\n17,2024-12-02,20\n")
    rec.write_bytes(
        "customer_id,vip,satisfaction\n00017,true,满意\n17,false,很满意\n".encode("gbk")
    )
    con.write_bytes(
        "customer_id,date,initiator,kind\n00017,2024-11-01,客户,咨询\n".encode("gbk")
    )
    with pytest.raises(InputError, match="records_encoding='gbk'"):
        _quiet_segment(tx, records=rec, preset="ecommerce")
    result = _quiet_segment(tx, records=rec, preset="ecommerce", records_encoding="gbk")
    assert list(result.customers.index) == ["00017", "17"]
    assert result.customers["vip"].tolist() == ["true", "false"]
    with pytest.raises(InputError, match="contacts_encoding='gbk'"):
        _quiet_segment(tx, contacts=con)
    result = _quiet_segment(tx, contacts=con, contacts_encoding="gbk")
    assert list(result.customers.index) == ["00017", "17"]
    assert result.settings["contacts_encoding"] == "gbk"
    with pytest.raises(InputError, match="'records_encoding' 'klingon'"):
        _quiet_segment(tx, records=rec, records_encoding="klingon")


def test_side_file_sep_advice_is_one_that_reads(tmp_path: Path) -> None:
    """A ';' records file: sep= is the transactions', so the advice is to
    name it .txt (sniffed), which reads it with the ids as written."""
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\n00017,2024-12-01,10\n17,2024-12-02,20\n")
    rec = tmp_path / "rec.csv"
    rec.write_text("customer_id;vip\n00017;true\n17;false\n")
    with pytest.raises(InputError) as err:
        _quiet_segment(tx, records=rec)
    assert "name it .txt" in str(err.value) and "sep=';'" not in str(err.value)
    txt = rec.rename(tmp_path / "rec.txt")
    got = _quiet_segment(tx, records=txt).customers
    assert got["vip"].tolist() == ["true", "false"]


def test_no_message_sends_a_file_to_read_table_without_its_ids() -> None:
    """Every message of the package that says to read a file with
    read_table names text_columns (the ids as written)."""
    lax = []
    for path in SRC.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"read_table\(path[^)]*\)", text):
            if "text_columns" not in m.group(0):
                lax.append(f"{path.name}: {m.group(0)}")
    assert lax == []


# --------------------------------------------------------------------------
# 2. dates that read either way: both formats on the command line too


def _cli_error(args: list[str]) -> str:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    assert code == 2
    return err.getvalue()


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12)), min_size=1, max_size=4),
    st.sampled_from(["/", "-", "."]),
    st.booleans(),
)
def test_both_readings_named_on_the_command_line(
    pairs: list[tuple[int, int]], sep: str, wrong_format: bool
) -> None:
    """Dates whose days are all 12 or less: every format the message
    offers in Python is offered on the command line too."""
    rows = "".join(
        f"c{i},{a:02d}{sep}{b:02d}{sep}2024,1\n" for i, (a, b) in enumerate(pairs)
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, "tx.csv")
        path.write_text("customer_id,date,amount\n" + rows)
        extra = ["--date-format", "%Y-%m-%d"] if wrong_format else []
        out = str(Path(d, "out.csv"))
        err = _cli_error(["segment", str(path), "--output", out, *extra])
    named = set(re.findall(r"'(%[^']*)'", err)) - {"%Y-%m-%d"}
    on_cli = set(re.findall(r"--date-format '(%[^']*)'", err))
    assert len(named) >= 2, err  # day-first and month-first
    assert on_cli == named, err


def test_reported_date_hint_example(tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,date,amount\na,01/02/2024,1\nb,03/04/2024,2\n")
    err = _cli_error(["segment", str(path)])
    assert "--date-format '%d/%m/%Y' or --date-format '%m/%d/%Y'" in err


# --------------------------------------------------------------------------
# 3. potential customers: the share as given, rounded half up


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.data())
def test_fraction_and_decimal_shares_round_exactly(n: int, data: st.DataObject) -> None:
    """A Fraction share: the count is its exact product with the buyers,
    rounded half up (1/6 of 3 is 1), ties among them (k + 1/2 exactly,
    which the float next to the share may put below); the Decimal of the
    same value too."""
    tie = st.integers(0, n - 1).map(lambda k: fractions.Fraction(2 * k + 1, 2 * n))
    other = st.fractions(0, 1, max_denominator=30)
    share = data.draw(st.one_of(tie, other))
    tx = simulate_transactions(n, seed=1, purchases_per_customer=1)
    buyers = tx["customer_id"].nunique()
    assert buyers == n
    want = math.floor(share * buyers + fractions.Fraction(1, 2))
    assert len(simulate_customers(tx, potential=share)) - buyers == want
    if share.denominator in (1, 2, 4, 5, 8, 10, 16, 20, 25, 40):
        dec = Decimal(share.numerator) / Decimal(share.denominator)
        assert len(simulate_customers(tx, potential=dec)) - buyers == want


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.data())
def test_float32_share_counts_as_it_prints(n: int, data: st.DataObject) -> None:
    """np.float32(0.07) is 0.07, as the library reads float32 elsewhere:
    the same count as the float 0.07, ties (0.7 of 5 buyers) too."""
    ties = [p for p in range(101) if p * n % 100 == 50]
    percent = data.draw(
        st.sampled_from(ties)
        if ties and data.draw(st.booleans())
        else st.integers(0, 100)
    )
    share = percent / 100
    tx = simulate_transactions(n, seed=2, purchases_per_customer=1)
    count = len(simulate_customers(tx, potential=share))
    assert len(simulate_customers(tx, potential=np.float32(share))) == count
    buyers = tx["customer_id"].nunique()
    exact = fractions.Fraction(percent, 100) * buyers + fractions.Fraction(1, 2)
    assert count - buyers == math.floor(exact)


def test_reported_potential_examples() -> None:
    for n, share, want in (
        (3, fractions.Fraction(1, 6), 1),
        (15, fractions.Fraction(1, 30), 1),
        (5, np.float32(0.7), 4),
        (25, np.float32(0.02), 1),
    ):
        tx = simulate_transactions(n, seed=1)
        assert len(simulate_customers(tx, potential=share)) - n == want
