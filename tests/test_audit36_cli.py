"""Audit 36, the command line on realistic files.

1. A text file read in an encoding that decodes it without an error but
   into other characters was read silently: a cp1252 file of ``Müller``
   and ``Garçon`` read with ``--encoding gbk`` gave the ids ``M黮ler`` and
   ``Gar鏾n`` (an accented letter and the letter after it are a GBK
   character), a GBK file of ``张三`` read with ``--encoding cp1252`` or
   ``latin-1`` gave ``ÕÅÈý``. Only UTF-8 read in another encoding was
   caught.
2. ``custseg due --birthday-window 0`` (``--holiday-window 0``,
   ``birthday_window_days=0``) took a window ``[0, 0)`` that holds no day:
   nobody was listed, with no error, even with a birthday on the day.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import ThresholdError
from custseg.errors import CustsegWarning, InputError
from custseg.frame import read_table
from custseg.playbook import due_contacts

FAST = settings(max_examples=25, deadline=None, database=None)
SEARCH = getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=60, deadline=None, database=None
)

# --------------------------------------------------------------------------
# 1. a file read in an encoding that reads it as other characters


def _write(path: Path, ids: list[str], encoding: str) -> Path:
    lines = ["customer_id,date,amount"]
    lines += [f"{i},2024-01-{n % 28 + 1:02d},{n + 1}" for n, i in enumerate(ids)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_cp1252_file_read_as_gbk_is_warned_of(tmp_path: Path) -> None:
    """The repro: every accented letter before a letter is a GBK pair."""
    path = _write(tmp_path / "tx.csv", ["Müller", "Garçon", "Müller"], "cp1252")
    with pytest.warns(CustsegWarning) as info:
        read = read_table(path, encoding="gbk", text_columns="customer_id")
    assert read["customer_id"].tolist() == ["M黮ler", "Gar鏾n", "M黮ler"]  # as asked
    message = str(info[0].message)
    assert "2 of its words" in message
    assert "'M黮ler' (line 2)" in message
    assert "cp1252 reads 'Müller'" in message
    assert "--encoding cp1252" in message
    # in its own encoding it reads as written, without a warning
    read = read_table(path, encoding="cp1252", text_columns="customer_id")
    assert read["customer_id"].tolist() == ["Müller", "Garçon", "Müller"]


@pytest.mark.parametrize("wrong", ["cp1252", "latin-1"])
def test_gbk_file_read_as_latin_is_warned_of(tmp_path: Path, wrong: str) -> None:
    path = _write(tmp_path / "tx.csv", ["张三", "李四"], "gbk")
    with pytest.warns(CustsegWarning) as info:
        read_table(path, encoding=wrong, text_columns="customer_id")
    assert "gbk reads '张三'" in str(info[0].message)
    assert "--encoding gbk" in str(info[0].message)
    # and not a GBK file of Chinese next to Latin letters, read as GBK
    path = tmp_path / "tiers.csv"
    text = (
        "customer_id,date,amount,tier\n"
        "张三,2024-01-05,1,VIP客户\nA李四,2024-01-06,2,iPhone用户\n"
        "王五,2024-01-07,3,普通\n"
    )
    path.write_bytes(text.encode("gbk"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = read_table(path, encoding="gbk", text_columns=["customer_id", "tier"])
    assert read["tier"].tolist() == ["VIP客户", "iPhone用户", "普通"]


@pytest.mark.parametrize(
    ("ids", "saved", "read", "shown", "right"),
    [
        (["Müller", "Garçon"], "cp1252", "cp1251", "'Mьller'", "cp1252 reads 'Müller'"),
        (["Иван", "Ольга"], "cp1251", "cp1252", "'Èâàí'", "cp1251 reads 'Иван'"),
        (["Иван", "Ольга"], "cp1251", "latin-1", "'Èâàí'", "cp1251 reads 'Иван'"),
        (
            ["Renée", "Müller"],
            "mac_roman",
            "cp1252",
            "'RenŽe'",
            "mac_roman reads 'Renée'",
        ),
    ],
)
def test_cyrillic_and_latin_read_as_each_other_are_warned_of(
    tmp_path: Path, ids: list[str], saved: str, read: str, shown: str, right: str
) -> None:
    """The same class between Western and Cyrillic Windows (Excel's "CSV"
    in Russia): 'Müller' read as cp1251 is 'Mьller', 'Иван' read as cp1252
    'Èâàí'; and Mac Roman text whose lines end at a line feed: 'Renée'
    read as cp1252 is 'RenŽe'."""
    path = _write(tmp_path / "tx.csv", ids, saved)
    with pytest.warns(CustsegWarning) as info:
        read_table(path, encoding=read, text_columns="customer_id")
    assert shown in str(info[0].message)
    assert right in str(info[0].message)
    got = read_table(path, encoding=saved, text_columns="customer_id")
    assert got["customer_id"].tolist() == ids


def test_real_text_that_looks_odd_is_read_as_asked(tmp_path: Path) -> None:
    """Real GBK text may look odd too (blood types alone, each a Latin letter
    and a CJK character, which cp1252 reads as 'AÐÍ'): read as asked, never
    refused, and (audit 36 round 2) without a warning: a common character
    at the edge of a Latin word is how real codes are written."""
    path = _write(tmp_path / "tx.csv", ["A型", "B型", "AB型"], "gbk")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = read_table(path, encoding="gbk", text_columns="customer_id")
    assert read["customer_id"].tolist() == ["A型", "B型", "AB型"]


def test_one_odd_word_is_a_warning(tmp_path: Path) -> None:
    """One word alone may be odd by chance: read as asked, with a warning."""
    path = _write(tmp_path / "tx.csv", ["Müller", "c2"], "cp1252")
    with pytest.warns(CustsegWarning, match="if ids or labels look garbled"):
        read_table(path, encoding="gbk", text_columns="customer_id")


def test_the_command_line_warns_of_it(tmp_path: Path, capsys: Any) -> None:
    from custseg.cli import main

    path = _write(tmp_path / "tx.csv", ["Müller", "Garçon"], "cp1252")
    out = tmp_path / "out.csv"
    assert main(["segment", str(path), "--encoding", "gbk", "--output", str(out)]) == 0
    assert "--encoding cp1252" in capsys.readouterr().err
    assert "M黮ler" in out.read_text(encoding="utf-8")


_ASCII = "abcdefghijklmnopqrstuvwxyz"
_ACCENTED = "äöüéèçñßàáíóúâêôåøæë"
_latin_names = st.builds(
    lambda a, b, c: a.capitalize() + b + c,
    st.text(_ASCII, min_size=1, max_size=5),
    st.sampled_from(_ACCENTED),
    st.text(_ASCII, min_size=1, max_size=5),
)
_HANZI = (
    "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯三四五伟芳娜敏静丽强磊军洋"
)
_chinese_names = st.text(_HANZI, min_size=2, max_size=3)


def _read_never_silently_other(path: Path, encoding: str, written: list[str]) -> None:
    """Read *path* in *encoding*: an error, a warning, or the ids as written."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            read = read_table(path, encoding=encoding, text_columns="customer_id")
        except InputError:
            return
    if any(issubclass(w.category, CustsegWarning) for w in caught):
        return
    assert read["customer_id"].tolist() == written


@SEARCH
@given(st.lists(_latin_names, min_size=1, max_size=6, unique=True))
def test_latin_names_are_never_read_silently_as_cjk(names: list[str]) -> None:
    """Property: cp1252 names read as GBK, GB18030, Big5, Shift JIS or cp1251 are
    refused or warned about, never garbled silently; read as cp1252, they
    come back as written, without a warning."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = _write(Path(d) / "tx.csv", names, "cp1252")
        for wrong in ("gbk", "gb18030", "big5", "shift_jis", "cp1251"):
            _read_never_silently_other(path, wrong, names)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.filterwarnings("ignore", "(?s).*also valid UTF-8")
            read = read_table(path, encoding="cp1252", text_columns="customer_id")
        assert read["customer_id"].tolist() == names


@SEARCH
@given(st.lists(_chinese_names, min_size=1, max_size=6, unique=True))
def test_chinese_names_are_never_read_silently_as_latin(names: list[str]) -> None:
    """Property: GBK names read as cp1252, latin-1 or Mac Roman are refused
    or warned about; read as GBK they come back as written, without a
    warning."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = _write(Path(d) / "tx.csv", names, "gbk")
        for wrong in ("cp1252", "latin-1", "mac_roman"):
            _read_never_silently_other(path, wrong, names)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # (a short GBK text may be valid UTF-8 too: an older warning)
            warnings.filterwarnings("ignore", "(?s).*also valid UTF-8")
            read = read_table(path, encoding="gbk", text_columns="customer_id")
        assert read["customer_id"].tolist() == names


# --------------------------------------------------------------------------
# 2. a birthday or holiday window of no day


@pytest.mark.parametrize("field", ["birthday_window_days", "holiday_window_days"])
def test_a_window_of_no_day_is_refused(field: str) -> None:
    with pytest.raises(ThresholdError, match="holds no day"):
        due_contacts(
            [None],
            [30.0],
            "2024-07-01",
            birthdays=["1990-07-01"],
            holidays={"X": "2024-07-01"},
            **{field: 0},
        )


@SEARCH
@given(st.integers(0, 364), st.integers(0, 30))
def test_a_birthday_in_a_window_of_w_days_is_due(ahead: int, window: int) -> None:
    """Property: a birthday k days ahead is due for every window w > k, and a
    window that holds no day (w = 0) is refused, never an empty list."""
    today = dt.date(2023, 3, 1)
    nxt = today + dt.timedelta(days=ahead)
    born = dt.date(1990, nxt.month, nxt.day)
    if window == 0:
        with pytest.raises(ThresholdError, match="holds no day"):
            due_contacts(
                [today], [math.nan], today, birthdays=[born], birthday_window_days=0
            )
        return
    out = due_contacts(
        [today], [math.nan], today, birthdays=[born], birthday_window_days=window
    )
    assert (out.counts() == {"birthday": 1}) == (ahead < window)


@pytest.mark.parametrize(
    ("option", "extra"),
    [
        ("--birthday-window", ["--birthday", "birthday"]),
        ("--holiday-window", ["--holiday", "X=2024-07-01"]),
    ],
)
def test_due_refuses_a_window_of_no_day(
    tmp_path: Path, capsys: Any, option: str, extra: list[str]
) -> None:
    """The repro: a birthday on the day, and ``--birthday-window 0``."""
    from custseg.cli import main

    table = tmp_path / "c.csv"
    table.write_text(
        "customer_id,last_contact,birthday\n1,2024-06-01,1990-07-01\n"
        "2,2024-06-20,1985-07-03\n"
    )
    argv = ["due", str(table), "--last-contact", "last_contact", "--cadence", "30"]
    argv += ["--as-of", "2024-07-01", *extra]
    assert main([*argv, option, "0"]) == 2
    err = capsys.readouterr().err
    assert f"'{option}' must be a number of days in (0, inf)" in err
    assert "holds no day" in err
    assert main([*argv, option, "1"]) == 0
    out = capsys.readouterr().out
    assert ("birthday" if option == "--birthday-window" else "holiday: X") in out
