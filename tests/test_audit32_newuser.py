"""Audit 32, a new user following the docs: the encoding advice, rows
without a customer id on the command line, and empty amounts in a file.

1. A cp1252 file (Excel's "CSV" on Western Windows) was told to use
   ``--encoding gbk``, which read ``Müller`` as ``M黮ler`` without a word,
   and else ``--encoding latin-1``, which reads ``O’Brien`` as
   ``O\\x92Brien``. Every encoding that decodes the file is now named with
   its reading of the first cell beyond ASCII.
2. Rows without a customer id (UCI Online Retail's guest checkouts) stopped
   the command line with a fix it could not follow: ``--missing-customer
   drop`` drops them and the report counts them.
3. An empty amount in a file was "missing values (NaN)", to be fixed with an
   "unknown label" no file route offers.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from conftest import run_command
from custseg.errors import InputError
from custseg.frame import read_table

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]
_HEADER = "customer_id,date,amount\n"
_CANDIDATES = ("cp1252", "gbk", "gb18030", "big5", "shift_jis")
_REPR = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"


def _readings(message: str) -> dict[str, str]:
    """The encodings the advice names, each with the sample as it reads it."""
    one = re.search(
        rf"decodes as ([\w-]+), which reads its first text beyond ASCII "
        rf"\(line \d+\) as {_REPR}",
        message,
    )
    if one is not None:
        return {one.group(1): ast.literal_eval(one.group(2))}
    return {
        m.group(1): ast.literal_eval(m.group(2))
        for m in re.finditer(rf"(?:differently: |, )as ([\w-]+) {_REPR}", message)
    }


def _decodes(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def _letters(encoding: str) -> list[str]:
    """Letters beyond ASCII that *encoding* writes (and GB18030 beyond GBK)."""
    if encoding == "cp1252":
        pool = [chr(c) for c in range(0xC0, 0x100)] + list("ŠšŒœŽžŸ")
    elif encoding == "shift_jis":
        pool = [chr(c) for c in range(0x3041, 0x3094)] + [
            chr(c) for c in range(0x4E00, 0x4F00)
        ]
    elif encoding == "gb18030":  # CJK Extension A: four bytes, not GBK
        pool = [chr(c) for c in range(0x3400, 0x3500)] + [
            chr(c) for c in range(0x4E00, 0x4F00)
        ]
    else:
        pool = [chr(c) for c in range(0x4E00, 0x5000)]

    def writes(ch: str) -> bool:
        try:
            return ch.isalpha() and ch.encode(encoding).decode(encoding) == ch
        except UnicodeError:
            return False

    return [ch for ch in pool if writes(ch)]


_LETTERS = {e: _letters(e) for e in _CANDIDATES}


@st.composite
def _name(draw: Any, encoding: str) -> str:
    """An id of ASCII and other letters, at least one beyond ASCII."""
    wide = st.sampled_from(_LETTERS[encoding])
    ascii_ = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    head = draw(st.lists(ascii_, max_size=3))
    middle = draw(st.lists(wide, min_size=1, max_size=4))
    tail = draw(st.lists(st.one_of(ascii_, wide), max_size=3))
    return "".join(head + middle + tail)


# --- 1. the encoding advice -------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(data=st.data(), encoding=st.sampled_from(_CANDIDATES))
def test_the_advice_names_the_true_encoding_with_its_reading(
    tmp_path: Path, data: st.DataObject, encoding: str
) -> None:
    """A file in cp1252, GBK, GB18030, Big5 or Shift JIS read as UTF-8: the
    advice names its encoding, under which the sample reads as written (a
    GB18030 file that is GBK too may be named GBK, which reads it alike);
    latin-1 is never offered when cp1252 decodes the file."""
    names = data.draw(st.lists(_name(encoding), min_size=1, max_size=4))
    ascii_rows = data.draw(st.integers(0, 3))
    text = _HEADER + "".join(f"a{i},2024-01-01,1\n" for i in range(ascii_rows))
    text += "".join(f"{n},2024-01-0{i % 9 + 1},{i + 1}\n" for i, n in enumerate(names))
    raw = text.encode(encoding)
    if _decodes(raw, "utf-8") is not None:
        return  # (valid UTF-8 too: read, nothing to advise)
    path = tmp_path / "tx.csv"
    path.write_bytes(raw)
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    readings = _readings(message)
    named = encoding
    if encoding not in readings and encoding == "gb18030":
        named = "gbk"  # GB18030 read as GBK reads: the same text
        assert _decodes(raw, "gbk") == text, message
    assert readings.get(named) == names[0], message
    assert f"--encoding {named}" in message
    assert f"(line {ascii_rows + 2})" in message
    if _decodes(raw, "cp1252") is not None:
        assert "latin-1" not in message
    # each reading shown is the sample as that encoding reads it
    for codec, sample in readings.items():
        assert names[0].encode(encoding).decode(codec) == sample


def test_the_reported_cp1252_file(tmp_path: Path) -> None:
    """The report's file: cp1252 and GBK, each with its reading, cp1252 the
    likelier; --encoding cp1252 then reads every id as written."""
    path = tmp_path / "tx.csv"
    path.write_bytes(
        (_HEADER + "O’Brien,2024-12-01,10\nMüller,2024-12-02,20\n").encode("cp1252")
    )
    with pytest.raises(InputError) as info:
        run_command(["segment", str(path)])
    message = str(info.value)
    assert "as cp1252 'O’Brien', as gbk 'O払rien'" in message
    assert "--encoding cp1252 or --encoding gbk" in message
    assert "latin-1" not in message
    out = tmp_path / "out.csv"
    run_command(["segment", str(path), "--encoding", "cp1252", "--output", str(out)])
    with open(out, encoding="utf-8", newline="") as f:
        ids = [row[0] for row in list(csv.reader(f))[1:]]
    assert ids == ["Müller", "O’Brien"]


def test_a_records_file_gets_its_own_option(tmp_path: Path) -> None:
    """The advice for a --records file names --records-encoding."""
    tx = tmp_path / "tx.csv"
    tx.write_text(_HEADER + "Zoe,2024-01-01,5\n", encoding="utf-8")
    rec = tmp_path / "rec.csv"
    rec.write_bytes("customer_id,vip\nZoë,yes\n".encode("cp1252"))
    with pytest.raises(InputError) as info:
        run_command(["segment", str(tx), "--records", str(rec)])
    message = str(info.value)
    assert "--records-encoding cp1252" in message
    assert "records_encoding='cp1252'" in message
    assert _readings(message) == {"cp1252": "Zoë"}


def test_none_decodes_names_latin1_with_its_control_characters(
    tmp_path: Path,
) -> None:
    """Bytes no candidate decodes (0x81 is in neither cp1252 nor the CJK
    encodings alone): latin-1 is named, saying it reads control
    characters, with its reading."""
    path = tmp_path / "tx.csv"
    path.write_bytes(_HEADER.encode() + b"ab\x81,2024-01-01,1\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    assert "decodes in none of cp1252, gbk, gb18030, big5, shift_jis" in message
    assert "control characters" in message and "'ab\\x81'" in message


def test_the_check_reads_a_bounded_window(tmp_path: Path) -> None:
    """The encodings are tried on at most 1 MiB from the first byte beyond
    ASCII, found after many ASCII lines (its line counted across chunks)."""
    from custseg import _files

    head = "".join(f"a{i},2024-01-01,1\n" for i in range(20_000))
    body = "Müller,2024-01-02,2\n" * 120_000  # 2.4 MB of cp1252
    path = tmp_path / "tx.csv"
    path.write_bytes((_HEADER + head + body).encode("cp1252"))
    window, line, whole = _files._beyond_ascii(path)  # type: ignore[misc]
    assert len(window) == _files._SAMPLE_BYTES and not whole
    assert line == 20_002 and window.startswith("Müller".encode("cp1252"))
    with pytest.raises(InputError, match=r"\(line 20002\).*as cp1252 'Müller'"):
        read_table(path)


# --- 2. rows without a customer id ------------------------------------------


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    path.write_text(
        _HEADER + "".join(f"{c},{d},{a}\n" for c, d, a in rows), encoding="utf-8"
    )


_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "007", ""]),
        st.integers(1, 28),
        st.integers(1, 500),
    ),
    min_size=2,
    max_size=12,
).filter(lambda rows: any(r[0] for r in rows) and any(not r[0] for r in rows))


@settings(max_examples=30, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(rows=_ROWS, data=st.data())
def test_missing_customer_drop_is_the_file_without_those_rows(
    tmp_path_factory: Any, rows: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    """--missing-customer drop gives what the file without those rows gives,
    and the report's first line counts them; without it the error names
    the first such line and the option; errors about the rows kept name
    their lines in the file (a bad date; a date after --as-of, from the
    library)."""
    folder = tmp_path_factory.mktemp("guests")
    text = [(c, f"2024-03-{d:02d}", str(a)) for c, d, a in rows]
    path, clean = folder / "tx.csv", folder / "clean.csv"
    _write(path, text)
    _write(clean, [r for r in text if r[0]])
    gaps = [i for i, r in enumerate(text) if not r[0]]
    with pytest.raises(InputError) as info:
        run_command(["segment", str(path)])
    message = str(info.value)
    assert f"(first at line {gaps[0] + 2} of " in message
    assert f"{len(gaps)} row{'s' * (len(gaps) != 1)} affected" in message
    assert "--missing-customer drop" in message
    got, want = folder / "got.csv", folder / "want.csv"
    printed = run_command(
        ["segment", str(path), "--missing-customer", "drop", "--output", str(got)]
    )
    expected = run_command(["segment", str(clean), "--output", str(want)])
    assert got.read_bytes() == want.read_bytes()
    n = len(gaps)
    first, rest = printed.split("\n", 1)
    want_first, want_rest = expected.split("\n", 1)
    assert first == (
        f"{want_first} ({n} row{'s' * (n != 1)} without a customer id dropped)"
    )
    assert rest == want_rest.replace(str(want), str(got))
    # a kept row's error: its line in the file, not its place among those kept
    kept = [i for i, r in enumerate(text) if r[0]]
    bad = data.draw(st.sampled_from(kept))
    broken = list(text)
    broken[bad] = (text[bad][0], "2024-13-45", text[bad][2])
    _write(path, broken)
    drop = ["--missing-customer", "drop"]
    with pytest.raises(InputError, match=rf"first at line {bad + 2} of "):
        run_command(["segment", str(path), *drop])
    late = list(text)
    late[bad] = (text[bad][0], "2025-01-01", text[bad][2])
    _write(path, late)
    with pytest.raises(InputError, match=rf"after as_of.*first at line {bad + 2} of "):
        run_command(["segment", str(path), *drop, "--as-of", "2024-12-31"])


def test_the_uci_recipe(tmp_path: Path) -> None:
    """The README's UCI Online Retail command, on lines with a guest
    checkout: refused with the option named; with it, counted in the
    report (segment) and on the page's line (report)."""
    path = tmp_path / "online_retail.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
        "CustomerID,Country\n"
        "536365,85123A,WHITE HANGING HEART,3,12/1/2010 8:26,0.29,17850.0,"
        "United Kingdom\n"
        "536381,22139,RETROSPOT TEA SET,1,12/2/2010 9:41,4.95,,United Kingdom\n",
        encoding="utf-8",
    )
    argv = [
        *("segment", str(path), "--customer", "CustomerID"),
        *("--date", "InvoiceDate", "--date-format", "%m/%d/%Y %H:%M"),
        *("--order", "InvoiceNo", "--quantity", "Quantity", "--price", "UnitPrice"),
        *("--preset", "ecommerce"),
    ]
    with pytest.raises(InputError) as info:
        run_command(argv)
    assert "(first at line 3 of " in str(info.value)
    assert "drop those rows with --missing-customer drop" in str(info.value)
    out = run_command([*argv, "--missing-customer", "drop"])
    assert out.startswith(
        "1 customer, 1 order, as of 2010-12-02 (1 row without a customer id dropped)"
    )
    page = tmp_path / "r.html"
    argv[0] = "report"
    out = run_command([*argv, "--missing-customer", "drop", "--output", str(page)])
    assert "(1 customer; 1 row without a customer id dropped; " in out


def test_every_id_missing_is_refused_either_way(tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    _write(path, [("", "2024-01-01", "1"), ("", "2024-01-02", "2")])
    with pytest.raises(InputError, match="is empty on all 2 rows"):
        run_command(["segment", str(path), "--missing-customer", "drop"])


def test_python_keeps_the_refusal_with_a_pandas_fix() -> None:
    """segment() on a frame: refused, the fix saying how to drop the rows in
    pandas (and the command line's option)."""
    tx = pd.DataFrame(
        {
            "CustomerID": ["17850", None],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError) as info:
        custseg.segment(tx, customer="CustomerID")
    assert "df.dropna(subset=['CustomerID'])" in info.value.fix
    assert "--missing-customer drop" in info.value.fix
    kept = tx.dropna(subset=["CustomerID"])
    with pytest.warns(custseg.CustsegWarning):  # (one customer: unstable edges)
        assert len(custseg.segment(kept, customer="CustomerID").customers) == 1


# --- 3. empty amounts in a file -----------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    n=st.integers(1, 8),
    data=st.data(),
    blank=st.sampled_from(["", "NA", "null", "NaN"]),
    product=st.booleans(),
)
def test_an_empty_amount_is_said_as_the_file_has_it(
    tmp_path_factory: Any, n: int, data: st.DataObject, blank: str, product: bool
) -> None:
    """An empty amount (or quantity, or price) cell, or a missing-value
    marker, in a file: said to be empty, at its line (the command line) or
    row (segment(path)), with a fix that edits the file; no "unknown label"."""
    at = data.draw(st.integers(0, n))
    folder = tmp_path_factory.mktemp("empty")
    path = folder / "tx.csv"
    if product:
        lines = [f"c{i},2024-01-0{i % 9 + 1},2,1.5\n" for i in range(n + 1)]
        column = data.draw(st.sampled_from(["q", "p"]))
        parts = lines[at].rstrip("\n").split(",")
        parts[2 if column == "q" else 3] = blank
        lines[at] = ",".join(parts) + "\n"
        path.write_text("customer_id,date,q,p\n" + "".join(lines), encoding="utf-8")
        options = ["--quantity", "q", "--price", "p"]
        kwargs: dict[str, Any] = {"quantity": "q", "price": "p"}
    else:
        lines = [f"c{i},2024-01-0{i % 9 + 1},{i + 1}\n" for i in range(n + 1)]
        lines[at] = f"c{at},2024-01-01,{blank}\n"
        path.write_text(_HEADER + "".join(lines), encoding="utf-8")
        column, options, kwargs = "amount", [], {}
    with pytest.raises(InputError) as info:
        run_command(["segment", str(path), *options])
    message = str(info.value)
    assert message.startswith(f"'{column}' is empty on some lines")
    assert f"(first at line {at + 2} of " in message
    assert "delete those lines from the file" in message
    assert "unknown label" not in message and "NaN)" not in message
    with pytest.raises(InputError) as again:
        custseg.segment(str(path), **kwargs)
    assert again.value.field == column and again.value.first_row == at
    assert "unknown label" not in str(again.value)


def test_the_reported_empty_amount(tmp_path: Path) -> None:
    path = tmp_path / "tx.csv"
    path.write_text(_HEADER + "x,2024-01-01,\ny,2024-01-02,3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        run_command(["segment", str(path)])
    assert str(info.value) == (
        "'amount' is empty on some lines (an empty cell, or a marker such as NA "
        f"or null) (first at line 2 of {str(path)!r}, 1 row affected): write a "
        "number in each, or delete those lines from the file"
    )
