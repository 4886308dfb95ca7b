"""Audit 36, round 2 of its new warnings (false alarms and misses).

1. ``assert_stable`` read each result's contacts again from its
   ``settings`` when it ran: a contacts frame the user edited after
   ``segment`` (or a file rewritten by the next export, or named by a
   relative path and read after ``os.chdir``) gave another result's contact
   facts, so customers whose contacts did change were compared (a false
   failure) or a raw "does not exist" error came from the check. The
   contacts are now kept as ``segment`` read them
   (``SegmentResult.contact_summary``).
2. A file read in its own encoding was warned of as misread when its real
   words stood beside Latin letters (GBK ``A型``, Shift JIS ``Aセット``,
   Big5 ``LED燈``) or held signs (cp1252 ``£10``, ``10m²``, ``¡Oferta!``,
   ``Widget™``), or CamelCase Cyrillic names (cp1251 ``СберБанк``).
3. Rules: a parameter read only by a derived value nothing reads was
   said to be "read by no condition, derived value or table break".
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.datasets import simulate_transactions
from custseg.testing import assert_stable

FAST = settings(max_examples=10, deadline=None, database=None)

_TX = simulate_transactions(30, seed=1)
_IDS = sorted(_TX.customer_id.unique())
_AS_OF = "2025-01-01"


def _contacts(kind: str = "sale") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": _IDS[:12],
            "date": "2024-01-05",
            "initiator": "customer",
            "kind": kind,
        }
    )


def _quiet(f: object, *args: object, **kw: object) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return f(*args, **kw)  # type: ignore[operator, no-any-return]


# --------------------------------------------------------------------------
# 1. assert_stable takes the contacts as segment read them


_EDITED = _contacts()  # edited in place by the property below
_MADE = _quiet(custseg.segment, _TX, preset="ecommerce", as_of=_AS_OF, contacts=_EDITED)
_OTHER = _quiet(_MADE.apply, _TX, as_of=_AS_OF, contacts=_contacts("complaint"))
_SAME = _quiet(_MADE.apply, _TX, as_of=_AS_OF, contacts=_contacts())


@FAST
@given(
    kind=st.sampled_from(["complaint", "inquiry", "suggestion", "sale"]),
    initiator=st.sampled_from(["customer", "company"]),
    date=st.sampled_from(["2024-01-05", "2023-06-01"]),
)
def test_a_contacts_frame_edited_after_segment_changes_nothing(
    kind: str, initiator: str, date: str
) -> None:
    """Property: editing the contacts frame after ``segment`` changes
    nothing ``assert_stable`` says of its result."""
    import attrs

    _EDITED["kind"] = kind  # the user reuses their frame for the next period
    _EDITED["initiator"] = initiator
    _EDITED["date"] = date
    assert_stable(_MADE, _OTHER)  # other contacts: not compared
    assert_stable(_MADE, _SAME)
    # a relationship that moves with the same contacts still fails
    moved = _SAME.customers.copy()
    moved.loc[_IDS[3], "relationship"] = "partnership"
    with pytest.raises(AssertionError, match="'relationship' moved 1 customer"):
        assert_stable(_MADE, attrs.evolve(_SAME, customers=moved))


def test_contacts_read_from_a_relative_path_then_chdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    _contacts().to_csv(a / "c.csv", index=False)
    _contacts("complaint").to_csv(a / "c2.csv", index=False)
    tx = _TX.assign(customer_id=_TX.customer_id.astype(str))
    monkeypatch.chdir(a)
    first = _quiet(
        custseg.segment, tx, preset="ecommerce", as_of=_AS_OF, contacts="c.csv"
    )
    again = _quiet(first.apply, tx, as_of=_AS_OF, contacts="c2.csv")
    monkeypatch.chdir(b)
    assert_stable(first, again)  # no "'c.csv' does not exist"
    # another directory's c.csv is not read either
    _contacts("complaint").to_csv(b / "c.csv", index=False)
    assert_stable(first, again)


def test_a_contacts_file_rewritten_by_the_next_export(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    _contacts().to_csv(path, index=False)
    tx = _TX.assign(customer_id=_TX.customer_id.astype(str))
    first = _quiet(custseg.segment, tx, preset="ecommerce", as_of=_AS_OF, contacts=path)
    _contacts("complaint").to_csv(path, index=False)
    again = _quiet(first.apply, tx, as_of=_AS_OF, contacts=path)
    assert_stable(first, again)
    assert first.contact_summary is not None


# --------------------------------------------------------------------------
# 2. a file read in its own encoding is not warned of as misread


def _write(path: Path, ids: list[str], encoding: str) -> Path:
    lines = ["customer_id,date,amount"]
    lines += [f"{i},2024-01-{n % 28 + 1:02d},{n + 1}" for n, i in enumerate(ids)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _read_quietly(path: Path, encoding: str) -> list[str]:
    from custseg.frame import read_table

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # (a short text may be valid UTF-8 too: another warning, not this one)
        warnings.filterwarnings("ignore", "(?s).*also valid UTF-8")
        read = read_table(path, encoding=encoding, text_columns="customer_id")
    return read["customer_id"].tolist()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("ids", "encoding"),
    [
        (["A型", "B型", "AB型"], "gbk"),
        (["T恤"], "gbk"),
        (["L号", "O型"], "gb18030"),
        (["LED燈"], "big5"),
        (["B超"], "big5"),
        (["Aセット", "ビタミンC", "サイズL"], "shift_jis"),
        (["Aセット", "サイズL"], "cp932"),
        (["¡Oferta!", "¡Hola!"], "cp1252"),
        (["10m²", "x²"], "cp1252"),
        (["3½"], "cp1252"),
        (["¼"], "cp1252"),
        (["£10", "©2024"], "latin-1"),
        (["£10", "§3"], "mac_roman"),
        (["Widget™"], "mac_roman"),
        (["Иван", "Пётр", "СберБанк"], "cp1251"),
    ],
)
def test_real_words_read_in_their_own_encoding_are_not_warned_of(
    tmp_path: Path, ids: list[str], encoding: str
) -> None:
    path = _write(tmp_path / "tx.csv", ids, encoding)
    assert _read_quietly(path, encoding) == ids


_CODES = st.sampled_from(["A", "B", "O", "AB", "T", "XL", "L", "S", "VIP", "LED", "U"])
_HANZI = "型号码恤卡灯盘台超手机客户会员数码管线包装"


@FAST
@given(
    st.lists(
        st.builds(
            lambda a, b, first: a + b if first else b + a,
            _CODES,
            st.text(_HANZI, min_size=1, max_size=3),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
def test_gbk_codes_beside_latin_letters_are_read_quietly(ids: list[str]) -> None:
    """Property: GBK product codes (a Latin code before or after common
    Chinese characters) read as GBK give no warning."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = _write(Path(d) / "tx.csv", ids, "gbk")
        assert _read_quietly(path, "gbk") == ids


_WORDS = st.sampled_from(["10", "250", "m", "kg", "Widget", "Oferta", "Brand"])
_SIGNED = st.one_of(
    st.builds(lambda a, b: a + b, st.sampled_from("£¥©§±¡¿½"), _WORDS),
    st.builds(lambda a, b: a + b, _WORDS, st.sampled_from("²³½¼¾™®")),
    st.builds(
        lambda a, b: a + b, st.sampled_from(["5", "10", "99"]), st.sampled_from("£¥¢")
    ),
    st.sampled_from(["¼", "½", "¾"]),
)


@FAST
@given(st.lists(_SIGNED, min_size=1, max_size=4, unique=True))
def test_signs_beside_ascii_in_latin_text_are_read_quietly(ids: list[str]) -> None:
    """Property: a price, size or mark ('£10', '10m²', 'Brand®') in
    cp1252 read as cp1252 gives no warning."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = _write(Path(d) / "tx.csv", ids, "cp1252")
        assert _read_quietly(path, "cp1252") == ids


@pytest.mark.parametrize(
    ("ids", "saved", "read", "shown"),
    [
        (["Müller", "Garçon"], "cp1252", "gbk", "'M黮ler'"),
        (["Müller", "Garçon"], "cp1252", "cp1251", "'Mьller'"),
        (["张三", "李四"], "gbk", "cp1252", "'ÕÅÈý'"),
        (["Renée", "Müller"], "mac_roman", "cp1252", "'RenŽe'"),
        (["Côte", "Jürgen"], "mac_roman", "cp1252", "'C™te'"),
        (["Иван", "Ольга"], "cp1251", "cp1252", "'Èâàí'"),
    ],
)
def test_true_misreads_are_still_warned_of(
    tmp_path: Path, ids: list[str], saved: str, read: str, shown: str
) -> None:
    from custseg.frame import read_table

    path = _write(tmp_path / "tx.csv", ids, saved)
    with pytest.warns(custseg.CustsegWarning, match="few files hold") as info:
        read_table(path, encoding=read, text_columns="customer_id")
    assert shown in str(info[0].message)
    assert f"{saved} reads" in str(info[0].message)


# --------------------------------------------------------------------------
# 3. rules: a parameter read only by a derived value nothing reads


def test_a_parameter_read_only_by_an_unused_derived_value_says_so() -> None:
    from custseg import rules

    text = """format = 1
[fields]
monetary = { type = "number" }
r = { type = "integer", min = 1, max = 5 }
[params]
vip_amount = 100
[derived]
rich = "monetary > vip_amount"
[segments.s]
default = "x"
rules = [{ label = "y", when = "r >= 4" }]
"""
    unused = {d.line: d for d in rules.check(text, text=True) if d.code == "unused"}
    assert set(unused) == {6, 8}
    assert "read only by the derived value 'rich'" in unused[6].message
    assert "read by no condition, derived value" not in unused[6].message
    assert "'rich'" in unused[6].hint
    # read by a segmentation through it: no warning at all
    used = text.replace('when = "r >= 4"', 'when = "rich"')
    assert not [d for d in rules.check(used, text=True) if d.code == "unused"]
