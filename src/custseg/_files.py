"""Reading and writing tables of transactions and results (CSV, TSV, TXT, Parquet).

Adapter layer, used by :mod:`custseg.frame` (which re-exports the public
functions) and the command line. Every failure is an
:class:`~custseg.errors.InputError` with a one-line message that names the
file, the problem and the fix (with the command-line option that fixes it).

Text files are decoded as UTF-8 unless told otherwise (a byte order mark is
accepted). The separator follows the extension: ``,`` for ``.csv``, a tab for
``.tsv``; a ``.txt`` file is sniffed from its first line (tab, then comma,
then semicolon, otherwise runs of whitespace).

Written files are atomic: the table goes to a temporary file in the target's
folder, which then replaces the target, so a failed write (a full disk, no
permission) never leaves a partial file behind.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import decimal
import errno
import functools
import gzip
import io
import itertools
import lzma
import numbers
import os
import re
import tempfile
import threading
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _display
from ._threads import numpy_text
from ._validate import (
    DOT_GROUPS,
    FAR_YEARS,
    FAR_YEARS_FIX,
    UTF8_SURE,
    _period_starts,
    _vague_date,
    _vague_fix,
    arrow_plain,
    as_datetime,
    bytes_as_text,
    changed_by_float,
    check_number_words,
    damaged_utf8,
    describe,
    far_days,
    first_offender,
    flag_param,
    is_missing_scalar,
    more_digits_error,
    text_param,
    underflow_error,
    utf8_damage,
    utf16_without_bom,
    wide_number,
    zone_of,
)
from .errors import CustsegError, CustsegWarning, InputError

__all__ = ["parse_date_column", "read_table", "table_format", "write_table"]

# the markers pandas reads as missing by default (read_csv's na_values docs)
_NA_MARKERS = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
    "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a",
    "nan", "null",
})  # fmt: skip
_COMPRESSION = {".gz": "gzip", ".zip": "zip", ".bz2": "bz2", ".xz": "xz"}
_TEXT_FORMATS = ("csv", "tsv", "txt")
_DEFAULT_SEP = {"csv": ",", "tsv": "\t", "txt": "\t"}
_SEP_NAMES = {"\\t": "\t", "tab": "\t", "whitespace": r"\s+", "space": r"\s+"}
# characters that, in a one-column header, show that the file was split wrong
_SEP_CANDIDATES = (";", "\t", ",", "|")
#: encodings offered for a file that is neither UTF-8 nor what it was read
#: as, in this order when they read it alike (:func:`_encoding_fix`): Western
#: Windows (Excel's "CSV" there), Chinese (GBK, its extension GB18030, Big5)
#: and Japanese. latin-1 decodes any bytes, cp1252's 0x80-0x9f ('’', '€')
#: into control characters: named only when none of these decodes the file
_ENCODING_CANDIDATES = ("cp1252", "gbk", "gb18030", "big5", "shift_jis")
#: tried first on a file whose lines end at a bare ``\r`` (classic Mac OS,
#: Excel for Mac's "CSV (Macintosh)"): Mac Roman, which decodes any bytes
_MAC_CANDIDATE = "mac_roman"
#: the bytes of a file these are tried on, from its first byte beyond ASCII
_SAMPLE_BYTES = 1 << 20
_NOT_ASCII = re.compile(rb"[\x80-\xff]")
#: bytes that end a cell: the sample shown is the cell around the first
#: byte beyond ASCII
_CELL_ENDS = (b",", b";", b"\t", b'"', b"\r", b"\n")
_CJK_BY_LATIN = re.compile(
    "(?<=[A-Za-z])[\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff61-\uff9f]"
    "|[\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff61-\uff9f](?=[A-Za-z])"
)
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{3,}")
#: in cp1251, a Cyrillic capital after a small letter, or a small letter
#: after two capitals ('ХЕИэ': GBK's '张三' read as cp1251)
_CYRILLIC_CASE = re.compile("(?<=[а-яё])[А-ЯЁ]|(?<=[А-ЯЁ]{2})[а-яё]")
#: in cp1251, the signs and letters of its bytes 0x80-0xbf but its quotes,
#: dashes, ellipsis, "№", "Ё" and the Ukrainian and Belarusian letters: rare in
#: ids and names ('Лѓп': Mac Roman's 'ÀÉÔ' read as cp1251)
_CYRILLIC_ODD = re.compile(
    "["
    + re.escape(
        "".join(
            sorted(
                set(bytes(range(0x80, 0xC0)).decode("cp1251", errors="ignore"))
                - set("«»№’‘“”„–—…ЁёіїєґІЇЄҐўЎ\xa0")
            )
        )
    )
    + "]"
)
#: a Greek or Cyrillic letter next to a Latin one: cp1252's 'Müller' read
#: as cp1251 (Cyrillic Windows) is 'Mьller'
_SCRIPT_BY_LATIN = re.compile(
    "(?<=[A-Za-z])[\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff](?=[A-Za-z])"
)
#: cp1252's signs beyond ASCII that are not its quotes, dashes, ellipsis,
#: euro, degree or middle dot: rare in ids and names
_ODD_SIGNS = re.compile("[\x80-\xbf\u0152-\u2122](?<![’‘“”‚„–—…€«»°·ªºµŒœŠšŽžŸƒ])")
#: such a sign where real text writes it: a currency, section, copyright
#: or plus-minus sign, or Spanish's opening '¡' and '¿', at a word's start
#: before an ASCII letter or digit ('£10', '£m', '±5', '¡Oferta!'),
#: a power, fraction, trade mark or registered sign at a word's end
#: after an ASCII letter or digit ('10m²', '3½', 'Widget™'), and a
#: fraction alone or before ASCII ('¼', '½kg'), a currency sign after a
#: number ('10¥'); a misread
#: puts signs elsewhere ('C™te': Mac Roman's 'Côte' read as cp1252)
_AFFIX_SIGN = re.compile(
    "(?<![^\\s,;|\"'])[£¥¢§©±¡¿](?=[A-Za-z0-9])"
    "|(?<=[A-Za-z0-9])[²³¹½¼¾™®](?![^\\s,;|\"'.!?)])"
    "|(?<![^\\s,;|\"'])[½¼¾](?=[A-Za-z0-9\\s,;|\"']|$)"
    "|(?<=[0-9])[£¥¢](?![^\\s,;|\"'.!?)])"
)
#: a run of CJK or kana with a Latin letter on each side ('Concei珈o':
#: cp1252's 'çã' read as GBK): no word of real text is written so
_CJK_INSIDE_LATIN = re.compile(
    "(?<=[A-Za-z])[\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff61-\uff9f]+(?=[A-Za-z])"
)
#: signs a reading that is text may hold beside its letters
_PLAIN_SIGNS = frozenset("’‘“”‚„–—…€«»°·ªºµ№\xa0")
#: a capital beyond ASCII after a small letter, or inside a word before one
#: (Mac Roman's 'ü' read as cp1252 'MŸller', cp1252's 'é' as Mac Roman
#: 'JosÈ'); a capital that starts a word ('Ärger') is not counted
_CAPITAL, _SMALL = "À-ÖØ-ÞŠŒŽŸ", "a-zß-öø-ÿšœžƒ"
_MIXED_CASE = re.compile(
    f"(?<=[{_SMALL}])[{_CAPITAL}]|(?<=[A-Z{_CAPITAL}])[{_CAPITAL}](?=[{_SMALL}])"
)
_PYARROW_FIX = (
    "pip install pyarrow (from a custseg checkout: pip install -e '.[parquet]')"
)


def _check_path(path: Any, arg: str = "path") -> None:
    """*path* must be a file path: text or an :class:`os.PathLike`."""
    if not isinstance(path, str | os.PathLike):
        raise InputError(
            arg,
            f"must be a file path (text or a pathlib.Path), got "
            f"{type(path).__name__} {describe(path, limit=60)}",
            fix="pass the file's path, e.g. 'transactions.csv'",
        )


def _column_names(value: Any, arg: str) -> tuple[Hashable, ...]:
    """*value*: one column name (text), or a list, tuple or set of column
    labels (never None, a number or a mapping: ``text_columns=None`` is not
    "none", and ``as_read=3`` no column)."""
    if isinstance(value, str):
        return (value,)
    fix = (
        f"pass a column name or a list of them, e.g. {arg}=['customer_id'] "
        f"({arg}=() for none)"
    )
    if isinstance(value, bytes | bytearray | Mapping) or not isinstance(
        value, Iterable
    ):
        raise InputError(
            arg,
            f"must be a column name or a list of column names, got "
            f"{type(value).__name__} {describe(value, limit=60)}",
            fix=fix,
        )
    names = tuple(value)
    for i, name in enumerate(names):
        try:
            hash(name)
        except TypeError:
            raise InputError(
                f"{arg}[{i}]",
                f"must be one column label, got {type(name).__name__} "
                f"{describe(name, limit=60)}",
                fix=fix,
            ) from None
    return names


def table_format(path: str | os.PathLike[str]) -> str:
    """``"csv"``, ``"tsv"``, ``"txt"`` or ``"parquet"`` from a file name.

    Text formats may be compressed (``.gz``, ``.zip``, ``.bz2``, ``.xz``).

    Parameters
    ----------
    path
        A file name; only its extension is used.

    Returns
    -------
    str
        ``"csv"``, ``"tsv"``, ``"txt"`` or ``"parquet"``.

    Raises
    ------
    InputError
        The extension is not one of those, or *path* is no path (text or
        :class:`os.PathLike`).

    Examples
    --------
    >>> table_format("out/customers.csv.gz"), table_format("c.parquet")
    ('csv', 'parquet')
    >>> table_format("export.TXT"), table_format("export.tsv")
    ('txt', 'tsv')
    """
    _check_path(path)
    suffixes = [s.lower() for s in Path(path).suffixes[-2:]]
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        return "parquet"
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1][1:] in _TEXT_FORMATS:
        return suffixes[-1][1:]
    raise InputError(
        str(path),
        "has an unknown file type",
        fix="use a .csv, .tsv or .txt file (optionally .gz/.zip/.bz2/.xz) "
        "or a .parquet file",
    )


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError(
            "parquet", "support needs pyarrow, which is not installed", fix=_PYARROW_FIX
        ) from None


def _compression(path: Path) -> Any:
    method = _COMPRESSION.get(path.suffix.lower())
    if method == "zip":  # the member keeps the target's name, not the temp file's
        return {"method": "zip", "archive_name": path.name[: -len(".zip")]}
    return method


#: the first bytes of files that are no text table, what they are, and the fix
_MAGIC = (
    (b"PAR1", "a Parquet file", "name it .parquet"),
    (
        b"PK\x03\x04",
        "a ZIP archive (an Excel .xlsx workbook is one)",
        "export the sheet as CSV (Excel: Save As, CSV UTF-8), or name a zipped "
        "CSV file .csv.zip",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel .xls workbook",
        "export the sheet as CSV (Excel: Save As, CSV UTF-8)",
    ),
    (b"\x1f\x8b", "gzip-compressed", "name it .csv.gz (or .tsv.gz, .txt.gz)"),
    (b"BZh", "bzip2-compressed", "name it .csv.bz2 (or .tsv.bz2, .txt.bz2)"),
    (b"\xfd7zXZ\x00", "xz-compressed", "name it .csv.xz (or .tsv.xz, .txt.xz)"),
)


def temporary_prefix(name: str) -> str:
    """The start of a temporary file's name beside the target *name*: its
    first 40 characters (a name of 255 bytes, the most a folder holds, must
    still leave room for the random part and ``.tmp``).

    >>> temporary_prefix("out.csv"), len(temporary_prefix("客" * 80))
    ('.out.csv.', 42)
    """
    return f".{name[:40]}."


def _cut_short(path: Path, fmt: str, method: str, exc: BaseException) -> InputError:
    """The error for a compressed file that does not decompress: not of its
    kind, or cut short (its end missing)."""
    return InputError(
        str(path),
        f"cannot be read as {fmt}: it is not {method} data, or it is cut "
        f"short ({_first_line(exc) or type(exc).__name__})",
        fix="check the file (a download or copy cut short?); a file of plain "
        "text is named without the compression's ending (.csv)",
    )


def _check_not_binary(path: Path, fmt: str) -> None:
    """Refuse a file named as text that is something else by its first
    bytes (a Parquet file or an Excel workbook named ``.csv``, a compressed
    file without its ending), saying what it is: read as text, it would be
    an encoding error or a field count, with advice that does not help."""
    try:
        with _open_binary(path) as f:
            head = f.read(8)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error) as exc:
        method = _COMPRESSION.get(path.suffix.lower())
        if method is None:
            raise
        raise _cut_short(path, fmt, method, exc) from None
    for magic, what, fix in _MAGIC:
        if head.startswith(magic) and not (
            magic == b"BZh" and not head[3:4].isdigit()  # "BZh" as text
        ):
            raise InputError(
                str(path), f"cannot be read as {fmt}: it is {what}", fix=fix
            )


def _open_binary(path: Path) -> Any:
    """The (decompressed) bytes of a text table."""
    method = _COMPRESSION.get(path.suffix.lower())
    if method == "gzip":
        return gzip.open(path, "rb")
    if method == "bz2":
        return bz2.open(path, "rb")
    if method == "xz":
        return lzma.open(path, "rb")
    if method == "zip":
        archive = zipfile.ZipFile(path)
        names = archive.namelist()
        return archive.open(names[0]) if names else open(os.devnull, "rb")
    return open(path, "rb")


def _head(path: Path, encoding: str) -> str:
    """The first line of a text table, decoded leniently (for sniffing),
    ended as the reader ends it: at ``\r\n``, ``\n`` or a bare ``\r`` (a
    classic Mac file has no ``\n``: its first line is not the whole file).
    Decoded before it is split: in UTF-16 a character such as 上 (U+4E0A)
    holds the byte of a line feed."""
    try:
        with _open_binary(path) as f:
            raw = f.read(64 * 1024)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        text = decoder.decode(raw, final=False)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return ""  # UnicodeError: codecs such as punycode raise even with "replace"
    return _LINE_BREAK.split(text, maxsplit=1)[0].lstrip("\ufeff")


def _starts_with(path: Path, marks: tuple[bytes, ...]) -> bool:
    try:
        with _open_binary(path) as f:
            return f.read(4).startswith(marks)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError):
        return False


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, int] | None:
    r"""The first byte that does not decode, and its (1-based) line number
    (lines ending at ``\r\n``, ``\n`` or a bare ``\r``, as
    :func:`record_line` counts them)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, cr = 1, False
    try:
        with _open_binary(path) as f:
            while True:
                chunk = f.read(1 << 16)
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    # exc.object: bytes held back from the last chunk + this one
                    # (held-back bytes are part of one character: no line end)
                    before = exc.object[: exc.start]
                    line += _line_ends(before) - (cr and before[:1] == b"\n")
                    return exc.object[exc.start], line
                if not chunk:
                    break
                line += _line_ends(chunk) - (cr and chunk[:1] == b"\n")
                cr = chunk.endswith(b"\r")
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return None
    return None


def _utf8_counts(path: Path) -> tuple[int, int, int] | None:
    """The file read as UTF-8 (:func:`~custseg._validate.utf8_damage`):
    characters beyond ASCII, bytes that are not UTF-8, and those of them
    that end the file inside a character; None when it cannot be read."""

    def chunks() -> Iterator[bytes]:
        with _open_binary(path) as f:
            while chunk := f.read(1 << 20):
                yield chunk

    try:
        return utf8_damage(chunks())
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error):
        return None  # (the reader says what is wrong with the file)


def _damaged_utf8_error(
    path: Path, fmt: str, encoding: str, counts: tuple[int, int, int]
) -> InputError:
    """The error for a file that is UTF-8 but for a defect: cut short inside
    its last character, or a few stray bytes. Another encoding decodes it
    too, into other characters (UTF-8 '张三' read as GBK is '寮犱笁'), so
    none is offered."""
    good, bad, tail = counts
    first = _first_bad_byte(path, "utf-8")
    where = f"byte 0x{first[0]:02x} at line {first[1]}" if first else "its end"
    if bad == tail:
        what = (
            f"it is UTF-8 text cut short: it ends inside a character ({where}), "
            "as a copy or download cut short does"
        )
    else:
        what = (
            f"it is UTF-8 text ({good:,d} characters beyond ASCII) but for "
            f"{bad:,d} place{'s' * (bad > 1)} that {'are' if bad > 1 else 'is'} "
            f"not (the first: {where})"
        )
    read_as = (
        ""
        if codecs.lookup(encoding).name == "utf-8"
        else f" in {_encoding_name(encoding)}"
    )
    return InputError(
        str(path),
        f"cannot be read as {fmt}{read_as}: {what}",
        fix="repair the file or export it again, and read it as UTF-8 (the "
        "default); another encoding would read every character beyond ASCII "
        "as another character ('张三' read as GBK is '寮犱笁')",
    )


def _check_not_utf8(path: Path, fmt: str, encoding: str) -> None:
    """A file read in another encoding than UTF-8 (``--encoding gbk``) that
    is UTF-8 with non-ASCII text: GBK decodes most UTF-8 Chinese into
    other Chinese characters without an error (``客户`` reads ``瀹㈡埛``), so
    every id and label would change silently. Refused from
    :data:`~custseg._validate.UTF8_SURE` such characters, a warning below
    that (a short GBK text can be valid UTF-8 by chance); refused too when
    it is UTF-8 but for a defect (cut short, a stray byte)."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig") or name.startswith(("utf-16", "utf-32")):
        return
    counts = _utf8_counts(path)
    if counts is None:
        return
    count, bad, tail = counts
    if bad:
        if damaged_utf8(count, bad, tail):
            raise _damaged_utf8_error(path, fmt, encoding, counts)
        return
    if not count:
        return
    fix = "read it with encoding='utf-8' (on the command line: --encoding utf-8)"
    if count >= UTF8_SURE:
        raise InputError(
            str(path),
            f"cannot be read as {fmt} in {_encoding_name(encoding)}: it is valid "
            f"UTF-8 ({count:,d} characters beyond ASCII), which "
            f"{_encoding_name(encoding)} would read as other characters (UTF-8 "
            "'客户' read as GBK is '瀹㈡埛')",
            fix=fix,
        )
    warnings.warn(
        f"{str(path)!r} is read as {_encoding_name(encoding)} as asked, but it is "
        f"also valid UTF-8 ({count} character{'s' * (count > 1)} beyond ASCII): "
        f"if ids or labels look garbled, {fix}",
        CustsegWarning,
        stacklevel=4,
    )


def _resolve_sep(sep: str | None, fmt: str, path: Path, encoding: str) -> str:
    if sep is not None:
        resolved = _SEP_NAMES.get(sep.lower(), sep)
        if resolved == r"\s+":
            return resolved
        if len(resolved) != 1 or resolved in "\r\n\"'\0" or resolved.isalnum():
            raise InputError(
                "sep",
                f"must be one character (not a letter, digit, quote, NUL or line "
                f"break), 'tab' or 'whitespace': got {_short(sep)}",
                fix="e.g. sep=';' or sep='tab' (on the command line: --sep ';' or "
                "--sep tab)",
            )
        return resolved
    if fmt != "txt":
        return _DEFAULT_SEP[fmt]
    head = _head(path, encoding)
    for candidate in ("\t", ",", ";"):
        if candidate in head:
            return candidate
    if head.strip() and not any(c.isspace() for c in head.strip()):
        # one name and no separator: one column, its values kept whole (a
        # one-column table written by write_table: "x " is not "x")
        return "\t"
    return r"\s+"


def _check_encoding(encoding: object, field: str = "encoding") -> str:
    """The encoding name, if it names a codec that decodes bytes to text
    (*field*: the option or argument named in an error)."""
    if encoding is None:
        return "utf-8"
    fix = "use a name such as utf-8, gbk, gb18030, big5, latin-1 or cp1252"
    if not isinstance(encoding, str):
        raise InputError(
            field, f"must be a text encoding name, got {_short(encoding)}", fix=fix
        )
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):  # ValueError: a NUL in the name
        raise InputError(
            field, f"{_short(encoding)} is not a known text encoding", fix=fix
        ) from None
    # base64, rot13, zlib ... are bytes-to-bytes or text-to-text codecs, and
    # "undefined" refuses everything: none of them decodes a file to text
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise InputError(
            field,
            f"{_short(encoding)} is a codec, but not a text encoding",
            fix=fix,
        )
    return encoding


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _encoding_name(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return "UTF-8" if name == "utf-8" else encoding


def _sep_hint(
    path: Path, sep: str, encoding: str, sep_fix: str | None = None
) -> str | None:
    """A --sep suggestion when the header holds another separator."""
    head = _head(path, encoding)
    if "\ufffd" in head or any(ch < " " and ch != "\t" for ch in head):
        return None  # binary or undecodable: not a separator problem
    for candidate in _SEP_CANDIDATES:
        if candidate != sep and candidate in head:
            shown = "tab" if candidate == "\t" else repr(candidate)
            if sep_fix is not None:
                return f"its header {head[:60]!r} looks {shown}-separated: {sep_fix}"
            return (
                f"its header {head[:60]!r} looks {shown}-separated: read it with "
                f"sep={candidate!r} (on the command line: --sep {shown})"
            )
    return None


_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _utf16_without_bom(path: Path) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the file starts like UTF-16
    text without a byte order mark (every other byte a NUL), else None."""
    try:
        with _open_binary(path) as f:
            head = f.read(4096)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError):
        return None
    if head.startswith(_UTF32_BOMS + _UTF16_BOMS):
        return None
    return utf16_without_bom(head)


def _decode_error(path: Path, fmt: str, encoding: str) -> InputError:
    """The file does not decode: which byte, or which encoding it looks like."""
    name = _encoding_name(encoding)
    if _starts_with(path, _UTF32_BOMS):  # before UTF-16: FF FE 00 00 is both
        found = "utf-32"
        problem = f"it is not {name} text, it starts with a UTF-32 byte order mark"
    elif _starts_with(path, _UTF16_BOMS):
        found = "utf-16"
        problem = f"it is not {name} text, it starts with a UTF-16 byte order mark"
    elif (guess := _utf16_without_bom(path)) is not None:
        found = guess
        zeros = "three bytes in four are" if "32" in guess else "every other byte is"
        problem = (
            f"it is not {name} text, it looks like {guess[:6].upper()} without a "
            f"byte order mark ({zeros} 0)"
        )
    elif _starts_with(path, (codecs.BOM_UTF8,)):
        found = "utf-8"
        problem = f"it is not {name} text, it starts with a UTF-8 byte order mark"
    else:
        counts = _utf8_counts(path)
        if counts is not None and damaged_utf8(*counts):
            return _damaged_utf8_error(path, fmt, encoding, counts)
        bad = _first_bad_byte(path, encoding)
        where = f" (byte 0x{bad[0]:02x} at line {bad[1]})" if bad else ""
        return InputError(
            str(path),
            f"cannot be read as {fmt}: it is not {name} text{where}",
            fix=_encoding_fix(path, encoding),
        )
    return InputError(
        str(path),
        f"cannot be read as {fmt}: {problem}",
        fix=f"read it with encoding={found!r} (on the command line: --encoding "
        f"{found})",
    )


def _odd_characters(text: str) -> int:
    """How many characters of *text* are private-use or unassigned code
    points: Big5 text read as GB18030 decodes, into such characters."""
    return sum(unicodedata.category(c) in ("Co", "Cn") for c in text)


def _beyond_ascii(path: Path) -> tuple[bytes, int, bool] | None:
    r"""The bytes of *path* from the line that holds its first byte beyond
    ASCII (a line longer than 4 KiB: from 4 KiB before that byte), at most
    :data:`_SAMPLE_BYTES` of them; that line's number; and whether they run
    to the file's end. None when the file is ASCII or cannot be read.

    The bytes before the first one beyond ASCII are ASCII: each starts a
    character in every encoding of :data:`_ENCODING_CANDIDATES`, so the
    window decodes in each as the whole file would. Lines end at ``\r\n``,
    ``\n`` or a bare ``\r``, as :func:`record_line` counts them."""
    line, carry, cr = 1, b"", False
    try:
        with _open_binary(path) as f:
            while chunk := f.read(1 << 16):
                data = carry + chunk
                joined = cr and chunk[:1] == b"\n"  # a \r\n cut: one line end
                found = _NOT_ASCII.search(data)
                if found is None:
                    cut = max(_line_start(data, len(data)), len(data) - 4096)
                    line += _line_ends(chunk) - joined
                    carry, cr = data[cut:], chunk.endswith(b"\r")
                    continue
                line += _line_ends(data[len(carry) : found.start()]) - joined
                start = max(_line_start(data, found.start()), found.start() - 4096)
                window = data[start:]
                rest = f.read(max(0, _SAMPLE_BYTES - len(window)) + 1)
                window += rest
                whole = len(window) <= _SAMPLE_BYTES
                return window[:_SAMPLE_BYTES], line, whole
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error):
        return None
    return None


def _line_start(data: bytes, at: int) -> int:
    r"""Where the line that holds byte *at* of *data* starts (after the last
    ``\n`` or ``\r`` before it; 0 if none)."""
    return max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at)) + 1


def _cr_lines(path: Path) -> bool:
    r"""Whether the first line of *path* ends at a bare ``\r``: classic
    Mac OS line ends (Excel for Mac's "CSV (Macintosh)", in Mac Roman)."""
    size = 1 << 16
    try:
        with _open_binary(path) as f:
            head = f.read(size)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error):
        return False
    end = re.search(rb"\r\n?|\n", head)
    # (a \r that ends a full head may be a \r\n cut: not told)
    return end is not None and end.group() == b"\r" and end.end() < size


def _sample(window: bytes) -> bytes:
    """The cell (bytes between separators, quotes and line breaks) that
    holds the first byte beyond ASCII of *window*, at most 40 bytes on
    either side of it: each encoding reads these same bytes (none of the
    delimiters is the second byte of a character in GBK, GB18030, Big5 or
    Shift JIS, and the bytes before the first beyond ASCII are ASCII; a
    character cut at the end is left out when read)."""
    at = _NOT_ASCII.search(window)
    assert at is not None
    start = max(
        max(window.rfind(d, 0, at.start()) for d in _CELL_ENDS) + 1,
        at.start() - 40,
    )
    ends = [e for d in _CELL_ENDS if (e := window.find(d, at.start())) >= 0]
    end = min([*ends, len(window), at.start() + 40])
    return window[start:end]


def _implausible(text: str, codec: str, case: bool = True, strict: bool = False) -> int:
    """How many characters of *text* (the file read in *codec*) few files
    would hold: CJK or kana next to a Latin letter ('M黮ler': cp1252's
    'ü' and the 'l' after it read as GBK), and, in cp1252, runs of three
    characters beyond ASCII or more ('ÕÅÈý': GBK's '张三' read as cp1252),
    signs other than quotes and dashes ('±i¤T': Big5's '張三') and
    capitals inside a word ('MŸller': Mac Roman's 'Müller'); the same in
    Mac Roman ('M¸ller': cp1252's 'Müller'); in every encoding, a Greek or
    Cyrillic letter next to a Latin one ('Mьller': cp1252's 'Müller' read as
    cp1251), and in cp1251 Cyrillic capitals inside a word ('ХЕИэ': GBK's
    '张三') and signs other than quotes and dashes ('Лѓп': Mac Roman's
    'ÀÉÔ'). Common CJK characters at the edge of a Latin word
    (:func:`_cjk_by_latin`) and signs at a word's edge beside ASCII
    (:func:`_odd_signs`) are how real text writes codes, sizes and prices,
    so they count only with ``strict=True`` (how another encoding's reading
    must look plain to be offered instead); with ``case=False`` (and not
    *strict*), capitals inside a word are not counted either
    (:func:`_misread_words` counts them only where most words are odd).

    >>> _implausible("Müller", "cp1252"), _implausible("M黮ler", "gbk")
    (0, 1)
    >>> _implausible("ÕÅÈý", "cp1252"), _implausible("±i¤T", "cp1252")
    (5, 1)
    >>> _implausible("£10", "cp1252"), _implausible("£10", "cp1252", strict=True)
    (0, 1)
    >>> _implausible("A型", "gbk"), _implausible("A型", "gbk", strict=True)
    (0, 1)
    >>> _implausible("MŸller", "cp1252"), _implausible("M¸ller", "mac_roman")
    (1, 1)
    >>> _implausible("Mьller", "cp1251"), _implausible("Иван", "cp1251")
    (1, 0)
    >>> _implausible("ХЕИэ", "cp1251"), _implausible("ИВАН", "cp1251")
    (1, 0)
    """
    cjk = len(_CJK_BY_LATIN.findall(text)) if strict else _cjk_by_latin(text, codec)
    count = cjk + len(_SCRIPT_BY_LATIN.findall(text))
    case = case or strict
    if codec == "cp1251":
        count += len(_CYRILLIC_ODD.findall(text))
        count += len(_CYRILLIC_CASE.findall(text)) if case else 0
    if codec in ("cp1252", _MAC_CANDIDATE):
        count += sum(len(run) for run in _NON_ASCII_RUN.findall(text))
        count += len(_ODD_SIGNS.findall(text)) if strict else _odd_signs(text)
        count += len(_MIXED_CASE.findall(text)) if case else 0
    return count


def _odd_signs(text: str) -> int:
    """How many signs of :data:`_ODD_SIGNS` in *text* stand where a misread
    puts them: not where real text writes them (:data:`_AFFIX_SIGN`).

    >>> _odd_signs("£10 10m² 3½ Widget™ ¡Oferta! ©2024"), _odd_signs("C™te ±i¤T ∆r¯")
    (0, 3)
    """
    plain = {m.start() for m in _AFFIX_SIGN.finditer(text)}
    return sum(m.start() not in plain for m in _ODD_SIGNS.finditer(text))


def _cjk_by_latin(text: str, codec: str) -> int:
    """How many CJK or kana characters of *text* (read in *codec*) stand
    beside a Latin letter as a misread puts them: inside a Latin word
    (:data:`_CJK_INSIDE_LATIN`), or at its edge when *codec* writes the
    character with bytes real text in it rarely holds (a character beyond
    GB2312 in GBK, beyond Big5's common characters in Big5, a half-width
    kana or a kanji beyond JIS level 1 in Shift JIS: 'M黮ler', cp1252's
    'Müller' read as GBK, its 'ü' and the 'l' after it one character). Real
    product codes and sizes write common characters beside Latin letters
    ('A型', 'XL码', 'T恤' in GBK, 'LED燈' in Big5, 'Aセット' in Shift JIS).

    >>> _cjk_by_latin("A型 XL码 iPhone手机 T恤", "gbk"), _cjk_by_latin("M黮ler", "gbk")
    (0, 1)
    >>> _cjk_by_latin("Aセット LED燈", "shift_jis"), _cjk_by_latin("Concei珈o", "gbk")
    (0, 1)
    """
    inside = {
        i for m in _CJK_INSIDE_LATIN.finditer(text) for i in range(m.start(), m.end())
    }
    return sum(
        m.start() in inside or not _common_cjk(m.group(), codec)
        for m in _CJK_BY_LATIN.finditer(text)
    )


def _common_cjk(char: str, codec: str) -> bool:
    """Whether *codec* writes the CJK or kana *char* as real text in it
    mostly does: GB2312's characters in GBK and GB18030 (a misread of
    cp1252 gives characters of the GBK extensions, whose second byte is
    ASCII), Big5's common characters (0xA440-0xC67E), Shift JIS's
    full-width kana and level 1 kanji (0x889F-0x9872); never in another
    codec."""
    name = codecs.lookup(codec).name
    try:
        if name in ("gbk", "gb18030", "gb2312"):
            return len(char.encode("gb2312")) == 2
        if name in ("big5", "cp950", "big5hkscs"):
            return 0xA440 <= int.from_bytes(char.encode("big5"), "big") <= 0xC67E
        if name in ("shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"):
            if "\u3041" <= char <= "\u30ff":
                return True
            return 0x889F <= int.from_bytes(char.encode("cp932"), "big") <= 0x9872
    except UnicodeEncodeError:
        return False
    return False


def _reads_as_text(raw: bytes, codec: str) -> bool:
    """Whether *codec* reads *raw* (a word the asked encoding misreads) as
    letters, with at most the quotes, dashes and signs text holds beside
    them (:data:`_PLAIN_SIGNS`): a reading of one sign as another ('£10'
    as Shift JIS '｣10', '10m²' as Mac Roman '10m≤') is no better."""
    return all(
        c.isascii() or c in _PLAIN_SIGNS or unicodedata.category(c)[0] in "LM"
        for c in raw.decode(codec, errors="replace")
    )


def _readings(
    path: Path, given: str
) -> tuple[list[tuple[str, str]], int, bytes] | None:
    r"""The encodings of :data:`_ENCODING_CANDIDATES` (but *given*) that
    decode the file's first :data:`_SAMPLE_BYTES` from its first byte beyond
    ASCII, each with its reading of the first cell beyond ASCII
    (:func:`_sample`), the likeliest first (:func:`_implausible`); those
    reading it into private-use or unassigned characters are left out when
    another does not, and one reading the window as an earlier one does
    (GB18030 extends GBK); Mac Roman first when the file's lines end at a
    bare ``\r`` (:func:`_cr_lines`). With the sample's line and the
    window. None when the file is ASCII or cannot be read."""
    found = _beyond_ascii(path)
    if found is None:
        return None
    window, line, whole = found
    sample = _sample(window)
    texts: dict[str, str] = {}
    for codec in _candidates(path):
        if codecs.lookup(codec).name == given:
            continue
        try:
            text = codecs.getincrementaldecoder(codec)().decode(window, final=whole)
        except UnicodeDecodeError:
            continue
        if text not in texts.values():
            texts[codec] = text
    odd = {c: _odd_characters(t) for c, t in texts.items()}
    fewest = min(odd.values(), default=0)
    kept = [c for c in texts if odd[c] == fewest]
    kept.sort(key=lambda c: _implausible(texts[c], c))  # stable: ties in order
    shown = [(c, codecs.getincrementaldecoder(c)().decode(sample)) for c in kept]
    return shown, line, window


#: also tried by :func:`_check_misread`: Cyrillic Windows (Excel's "CSV"
#: there), whose 'Иван' cp1252 reads as 'Èâàí'
_CYRILLIC_CANDIDATE = "cp1251"
#: the codecs (by :func:`codecs.lookup` name) whose text
#: :func:`_implausible` reads with the Latin rules of cp1252 (Mac Roman's
#: own); the others (UTF-8, the CJK codecs, Cyrillic, ...) by the CJK rule
_LATIN_RULES = {
    "cp1252": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-15": "cp1252",
    "mac-roman": _MAC_CANDIDATE,
}
#: a text cell or word, as :func:`_misread_words` splits the text
_WORD = re.compile("[^\\s,;|\"']+")


def _misread_words(text: str, codec: str, strict: bool = False) -> list[str]:
    """The distinct words (runs between blanks, separators and quotes) of
    *text*, read in *codec*, that hold characters few files hold
    (:func:`_implausible`), in their order of first appearance; in cp1251,
    words odd only for their capitals count only when at least half of
    the words beyond ASCII are odd. With *strict*, every sign of :func:`_implausible`
    counts (the reading of another encoding offered instead must be plain
    by all of them).

    >>> _misread_words("M黮ler,Gar鏾n,M黮ler,张三", "gbk")
    ['M黮ler', 'Gar鏾n']
    >>> _misread_words("ÕÅÈý ÀîËÄ Renée", "iso8859-1")
    ['ÕÅÈý', 'ÀîËÄ']
    """
    rules = _LATIN_RULES.get(codecs.lookup(codec).name, codec)
    words = dict.fromkeys(w for w in _WORD.findall(text) if not w.isascii())
    odd = {w: _implausible(w, rules, strict=strict) > 0 for w in words}
    # Cyrillic capitals inside a word alone ('СберБанк', 'ГАЗель') are how
    # brand names are written too: they count only where most words beyond
    # ASCII (at least half) are odd, as a misread makes them (Latin ones always count: they
    # are the sign of a Mac Roman misread, 'GarÁon')
    if rules == "cp1251" and not strict and 2 * sum(odd.values()) < len(words):
        odd = {
            w: bad and _implausible(w, rules, case=False) > 0 for w, bad in odd.items()
        }
    return [w for w, bad in odd.items() if bad]


def _check_misread(path: Path, fmt: str, encoding: str) -> None:
    """A file read in an encoding other than UTF-8 (``--encoding gbk``) that
    decodes into words few files hold, where another encoding of
    :data:`_ENCODING_CANDIDATES` reads the same bytes into none: cp1252's
    'Müller' decodes as GBK into 'M黮ler', GBK's '张三' as cp1252 or latin-1
    into 'ÕÅÈý', without an error, so every such id and label would change
    silently (Mac Roman is tried too, after those, and for a file read in
    cp1252, latin-1 or Mac Roman :data:`_CYRILLIC_CANDIDATE`: Mac Roman's
    'Renée' is 'RenŽe' in cp1252, cp1251's 'Иван' is 'Èâàí'): a
    :class:`~custseg.errors.CustsegWarning` naming the better encoding and
    a word both ways, never a refusal (the encoding was asked for, and real
    text in it may look odd: a cp1251 file of one or two names such as
    ``ГАЗель``). The text is judged
    from its first byte beyond ASCII on, up to :data:`_SAMPLE_BYTES`."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig") or name.startswith(("utf-16", "utf-32")):
        return
    found = _beyond_ascii(path)
    if found is None:
        return
    window, line, whole = found
    try:
        text = codecs.getincrementaldecoder(name)().decode(window, final=whole)
    except UnicodeDecodeError:
        return  # the read names the byte
    odd = _misread_words(text, name)
    if not odd:
        return
    better: list[str] = []
    readings = [text]
    tried = _candidates(path)
    # cp1251 only for a Latin reading: its reading of CJK bytes may look
    # like Cyrillic text
    extra = (_MAC_CANDIDATE,) * (_MAC_CANDIDATE not in tried) + (
        (_CYRILLIC_CANDIDATE,) * (name in _LATIN_RULES)
    )
    for codec in (*tried, *extra):
        if codecs.lookup(codec).name == name:
            continue
        try:
            other = codecs.getincrementaldecoder(codec)().decode(window, final=whole)
        except UnicodeDecodeError:
            continue
        if (
            other not in readings  # GB18030 reads what GBK reads
            and not _misread_words(other, codec, strict=True)
            and _odd_characters(other) <= _odd_characters(text)
            # the words it misreads read as text there
            and all(_reads_as_text(w.encode(name), codec) for w in odd)
        ):
            better.append(codec)
            readings.append(other)
    if not better:
        return
    word = odd[0]
    raw = word.encode(name)
    at = window.find(raw)
    where = f"line {line + _line_ends(window[:at])}" if at >= 0 else f"line {line}"
    shown = " and ".join(
        f"{c} reads {raw.decode(c, errors='replace')!r}" for c in better
    )
    python = " or ".join(f"encoding={c!r}" for c in better)
    options = " or ".join(f"--encoding {c}" for c in better)
    asked = _encoding_name(encoding)
    problem = (
        f"{asked} reads {len(odd):,d} of its words as text few files hold, "
        f"such as {word!r} ({where}), where {shown}"
    )
    fix = (
        f"read it with {python} (on the command line: {options}); if that "
        "does not read right either, name the encoding it was saved in "
        "(encoding=NAME; on the command line: --encoding NAME)"
    )
    warnings.warn(
        f"{str(path)!r} is read as {asked} as asked, but {problem}: if ids or "
        f"labels look garbled, {fix}",
        CustsegWarning,
        stacklevel=4,
    )


def _candidates(path: Path) -> tuple[str, ...]:
    """The encodings tried on *path* (:func:`_readings`), in order."""
    if _cr_lines(path):
        return (_MAC_CANDIDATE, *_ENCODING_CANDIDATES)
    return _ENCODING_CANDIDATES


def _encoding_fix(path: Path, encoding: str) -> str:
    r"""The fix for a file that is not *encoding* text: UTF-8 if it is valid
    UTF-8; else each encoding of cp1252 (Western Windows, Excel's "CSV"
    there), GBK, GB18030, Big5 and Shift JIS that decodes it, and first
    Mac Roman when its lines end at a bare ``\r`` (:func:`_readings`), with the first cell beyond ASCII as it reads it
    there, so that the one that reads right can be picked (another reads
    it as other characters: cp1252's 'Müller' is 'M黮ler' in GBK); never
    *encoding* itself, nor latin-1, which reads cp1252's '’' as a control
    character, unless none decodes it (saying so)."""
    given = codecs.lookup(encoding).name
    if given != "utf-8" and _first_bad_byte(path, "utf-8") is None:
        return (
            "it is valid UTF-8: read it with encoding='utf-8' (on the "
            "command line: --encoding utf-8)"
        )
    own = (
        "name the encoding it was saved in (encoding=NAME; on the command "
        "line: --encoding NAME)"
    )
    found = _readings(path, given)
    if found is None:
        return own
    readings, line, window = found
    where = f"its first text beyond ASCII (line {line})"
    if not readings:
        tried = ", ".join(
            c for c in _candidates(path) if codecs.lookup(c).name != given
        )
        latin = _sample(window).decode("latin-1")
        return (
            f"it decodes in none of {tried}: {own}; latin-1 reads any bytes, but "
            f"reads 0x80-0x9f as control characters (and {where} as {latin!r})"
        )
    python = " or ".join(f"encoding={c!r}" for c, _ in readings)
    options = " or ".join(f"--encoding {c}" for c, _ in readings)
    if len(readings) == 1:
        ((codec, text),) = readings
        return (
            f"it decodes as {codec}, which reads {where} as {text!r}: if that "
            f"reads right, read it with {python} (on the command line: "
            f"{options}); if not, {own}"
        )
    shown = ", ".join(f"as {c} {t!r}" for c, t in readings)
    return (
        f"it decodes in {len(readings)} encodings, which read {where} "
        f"differently: {shown}; read it with the one that reads right, "
        f"{python} (on the command line: {options}); if none does, {own}"
    )


def _check_utf16_without_bom(
    path: Path, fmt: str, encoding: str, df: pd.DataFrame
) -> None:
    """UTF-16 or UTF-32 text read in another encoding may decode without an
    error, with NULs between the letters: the column names show it."""
    if not any("\0" in str(c) for c in df.columns):
        return
    codec = codecs.lookup(encoding).name
    if _starts_with(path, _UTF32_BOMS) and not codec.startswith("utf-32"):
        raise _decode_error(path, fmt, encoding)
    wide = _utf16_without_bom(path)
    if wide is not None and not codec.startswith(wide[:6]):
        raise _decode_error(path, fmt, encoding)


def _header_names(path: Path, common: dict[str, Any]) -> list[str]:
    """The names of the header line as written (pandas renames a repeated
    name ``amount.1``), spaces after a separator skipped."""
    first = _read_csv(
        path,
        common,
        header=None,
        nrows=1,
        dtype=str,
        keep_default_na=False,
        skipinitialspace=True,
    )
    return [str(x) for x in first.iloc[0].tolist()] if len(first) else []


def _check_header(path: Path, names: list[str], where: str = "header line") -> None:
    """A column named twice is an error (pandas would rename the second
    ``name.1`` and custseg would silently use the first); names that only
    read alike (``amount`` and ``amount`` with a zero-width space, a blank
    at an end or a no-break space, in two Unicode forms) get a warning
    naming them by their code points (:func:`_check_alike_names`, called
    apart: a warning made an error must not read as a reading error)."""
    seen: set[str] = set()
    repeated: list[str] = []
    for name in names:
        if name and name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    if repeated:
        raise InputError(
            str(path),
            f"has the column{'s' * (len(repeated) > 1)} "
            + ", ".join(repr(n) for n in repeated[:5])
            + f" more than once in its {where}",
            fix="rename or drop the repeated column, so each name says which "
            "column to use",
        )


def _check_alike_names(
    path: Path, names: list[str], where: str, stacklevel: int = 4
) -> None:
    """A :class:`~custseg.errors.CustsegWarning` for column names that differ
    but read alike (:func:`custseg._display.alike`, blanks at the ends
    stripped): a spreadsheet shows two columns of one name, and a column is
    taken by its exact name, so the one meant may be the other. Only the
    header's names are looked at."""
    groups: dict[str, list[str]] = {}
    for name in names:
        if name.strip():
            groups.setdefault(_display.alike(name).strip(), []).append(name)
    alike = [group for group in groups.values() if len(group) > 1]
    if not alike:
        return
    shown = []
    for group in alike[:5]:
        first, others = _display.apart(group[0], group[1:])
        shown.append(_display.quoted([first, *others]))
    warnings.warn(
        f"{str(path)!r} has columns whose names read alike in its {where}: "
        + "; ".join(shown)
        + " (they differ only by blanks, invisible characters or Unicode "
        "form): a column is read by its exact name, so the one read may not be "
        "the one meant: rename or drop one of them",
        CustsegWarning,
        stacklevel=stacklevel,
    )


def _check_not_data(path: Path, names: list[str]) -> None:
    """Refuse a first line of values (``00001 19970203 1 29.33``): a file
    without a header line. Naming its values as columns (``--customer
    00001``) would read the first row as the header and lose it. A header
    names at least one column with a letter (in any script)."""
    written = [n.strip() for n in names if n.strip()]
    if len(written) < 2 or any(c.isalpha() for n in written for c in n):
        return
    shown = ", ".join(repr(n) for n in written[:4]) + (
        ", ..." if len(written) > 4 else ""
    )
    raise InputError(
        str(path),
        f"seems to have no header line: its first line holds values ({shown}), "
        "not column names, and would be lost as the header",
        fix="add a first line naming the columns (customer_id,date,amount, "
        "with the file's separator); columns named only with digits need a "
        "letter in their names",
    )


_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _line_ends(text: str | bytes) -> int:
    r"""The line ends of *text* (or of ASCII-compatible bytes) as a CSV
    reader counts them: ``\r\n``, ``\n`` and a bare ``\r``.

    >>> _line_ends("a\r\nb\nc\rd"), _line_ends(b"a\rb\r")
    (3, 2)
    """
    if isinstance(text, bytes):
        return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _quotes_misplaced(text: str, inside: bool, seps: str) -> tuple[bool, bool]:
    r"""Whether a quote mark of *text* (whole lines of a text table; *inside*:
    they start inside a quoted field) is placed otherwise than CSV places
    them: an opening quote right after a separator (one of *seps*, a blank
    before it allowed), a line break or the start, a closing one right
    before a separator, a line break or the end, two in a row inside a
    quoted field (a quote counted as opening when an even number come before
    it). And whether *text* ends inside a quoted field. Counted with NumPy,
    on the UTF-8 bytes (UTF-32 for a separator beyond ASCII): no Python loop
    over the quotes. A misplaced quote is only a suspect (``12" pizza`` is
    one, and reads right): the strict reader decides.

    >>> _quotes_misplaced('a,"b, c"\n"d""e",f\n', False, ",")
    (False, False)
    >>> _quotes_misplaced('"A"1,x\n', False, ",")[0]  # text after the quote
    True
    >>> _quotes_misplaced('1,"two\n', False, ","), _quotes_misplaced('lines"\n', True, ",")
    ((False, True), (False, False))
    """
    count = text.count('"')
    if not count:
        return False, inside
    wide = not seps.isascii()
    b = np.frombuffer(
        text.encode("utf-32-le" if wide else "utf-8"),
        dtype=np.uint32 if wide else np.uint8,
    )
    starts = np.array([ord(c) for c in seps + "\n\r"])
    blanks = np.array([ord(" "), ord("\t")])
    quotes = np.flatnonzero(b == 34)
    size = b.size
    prev = np.where(quotes > 0, b[np.maximum(quotes - 1, 0)], 10)
    prev2 = np.where(quotes > 1, b[np.maximum(quotes - 2, 0)], 10)
    nxt = np.where(quotes + 1 < size, b[np.minimum(quotes + 1, size - 1)], 10)
    adjacent = quotes[1:] == quotes[:-1] + 1  # a quote right after the one before
    opening = (np.arange(quotes.size) + inside) % 2 == 0
    opens = (
        np.isin(prev, starts)
        | (np.isin(prev, blanks) & np.isin(prev2, starts))
        | np.concatenate(([False], adjacent))  # the second of "" in a field
    )
    closes = np.isin(nxt, starts) | np.concatenate((adjacent, [False]))
    misplaced = not np.where(opening, opens, closes).all()
    return misplaced, bool((count + inside) % 2)


def _check_quotes(path: Path, fmt: str, n_rows: int, common: dict[str, Any]) -> None:
    """Refuse a quote mark that swallows the lines after it, or text after
    a closing quote: pandas reads a field opened with a quote up to the
    next quote mark, however many lines on (``"Gold member`` in a note
    column), and joins text after a closing quote onto the field (``"A"1``
    is read as ``A1``, the id of another customer; ``"call back" later``),
    so whole rows vanish into one cell, or two ids become one, without an
    error. Three steps, each only when the one before finds something: any
    quote byte in the file; in the same pass that counts the lines, fewer
    rows than non-blank lines after the header (some row spans lines) or a
    quote mark not placed as CSV places them (:func:`_quotes_misplaced`);
    then Python's strict CSV reader (:func:`_strict_quotes`), which refuses
    text after a closing quote and a quote left open at the end, names the
    line. Quoted fields that span lines correctly (``"two\nlines"``) pass."""
    sep = common["sep"]
    with _open_binary(path) as f:
        while chunk := f.read(1 << 22):
            if b'"' in chunk:
                break
        else:
            return
    encoding = common["encoding"]
    seps = " \t" if len(sep) != 1 else sep  # runs of blanks (pandas' \s+)
    blank = re.compile(r"^[ \t\r]*$", re.MULTILINE)
    lines = blank_lines = 0
    misplaced = inside = False
    with io.TextIOWrapper(_open_binary(path), encoding=encoding, newline="") as t:
        tail = ""
        while text := t.read(1 << 22):
            text = tail + text
            # a line ends as the reader ends it: \r\n, \n or a bare \r (a
            # classic Mac file has no \n at all); a \r at the end of the
            # chunk waits for the next one, which may start with \n
            cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
            body, tail = text[:cut], text[cut:]
            lines += _line_ends(body)
            blank_lines += len(blank.findall(body)) - (1 if body.endswith("\n") else 0)
            if not misplaced:
                misplaced, inside = _quotes_misplaced(body, inside, seps)
        if tail:
            lines += _line_ends(tail) + (0 if tail.endswith(("\n", "\r")) else 1)
            blank_lines += 1 if not tail.strip(" \t\r\n") else 0
            if not misplaced:
                misplaced, inside = _quotes_misplaced(tail, inside, seps)
    if not (misplaced or inside) and n_rows + 1 >= lines - blank_lines:
        return  # every quote placed, every row on a line of its own
    numeric, spans = _strict_quotes(path, fmt, common)
    for first, _, row in spans:
        _check_swallowed(path, fmt, row, first, numeric, sep)


def _decoded(
    rows: Iterator[list[str]], path: Path, fmt: str, encoding: str
) -> Iterator[list[str]]:
    """*rows* of a csv reader, with a byte the encoding refuses (met after
    pandas failed on something else first) named as the readers name it."""
    try:
        yield from rows
    except UnicodeError:
        raise _decode_error(path, fmt, encoding) from None


def _strict_quotes(
    path: Path, fmt: str, common: dict[str, Any]
) -> tuple[list[bool], list[tuple[int, int, list[str]]]]:
    """The text table read with Python's strict CSV reader, which refuses
    text after a closing quote (``"A"1``, which pandas reads as ``A1``) and
    a quote left open at the end of the file: an :class:`InputError`
    naming the line. Else, per column, whether every value is a number,
    and the rows that span lines (the line each starts and ends on, and
    its fields), for :func:`_check_swallowed`."""
    sep, encoding = common["sep"], common["encoding"]
    spaced = len(sep) != 1  # runs of blanks (pandas' \s+): read as spaces
    with (
        io.TextIOWrapper(_open_binary(path), encoding=encoding, newline="") as t,
        long_csv_fields(),
    ):
        # spaces after a separator skipped, as pandas is asked to; blanks as
        # one separator in a whitespace-separated file (as _records reads it)
        source = (line.replace("\t", " ") for line in t) if spaced else t
        reader = csv.reader(
            source, delimiter=" " if spaced else sep, strict=True, skipinitialspace=True
        )
        start = 1
        width = 0
        numeric: list[bool] = []  # per column: every value a number
        spans: list[tuple[int, int, list[str]]] = []  # rows over several lines
        try:
            for row in _decoded(reader, path, fmt, encoding):
                if spaced and row and not row[0]:
                    row = row[1:]  # blanks before the first field
                if not width:  # the header
                    width, numeric = len(row), [True] * len(row)
                else:
                    for j, cell in enumerate(row[:width]):
                        numeric[j] = numeric[j] and _is_number_text(cell)
                    if any("\n" in cell or "\r" in cell for cell in row):
                        spans.append((start, reader.line_num, row))
                start = reader.line_num + 1
        except csv.Error as exc:
            fix = (
                "remove the stray quote mark, or quote the whole field and "
                'double the quote marks inside it ("say ""hi"" later")'
            )
            if reader.line_num == start and "expected after" in str(exc):
                raise InputError(
                    str(path),
                    f"cannot be read as {fmt}: line {start} has text after a "
                    f"closing quote mark ({exc}), which would be joined onto "
                    'the field ("A"1 read as A1)',
                    fix=fix,
                ) from None
            raise InputError(
                str(path),
                f"cannot be read as {fmt}: the row that starts on line {start} "
                f"has a quote mark that is not closed as CSV closes quotes "
                f"({exc}; read on, it would swallow the lines up to line "
                f"{reader.line_num})",
                fix=fix,
            ) from None
    return numeric, spans


#: codecs in which the separator, a line break, a quote mark and the blanks
#: are single bytes that no other character contains (the lines of such a
#: file can be counted on its bytes)
_BYTE_CODECS = ("utf-8", "utf-8-sig", "ascii", "latin-1", "iso8859-", "cp125")
#: codecs whose characters of several bytes have no byte below 0x40 (GBK,
#: GB18030, Big5, Shift JIS, EUC: their second bytes start at 0x40, or are
#: digits): there, so for a separator below 0x40 (``,``, ``;``, a tab)
_LOW_BYTE_CODECS = frozenset(
    {"gbk", "gb2312", "gb18030", "big5", "big5hkscs", "cp950", "cp932", "shift_jis",
     "euc_jp", "euc_kr", "cp949"}
)  # fmt: skip


def bare_bytes(text: str, encoding: str, errors: str = "strict") -> bytes:
    """*text* in *encoding* without the byte order mark some codecs put
    before it (``utf-8-sig``, ``utf-16``, ``utf-32``): a separator or a
    needle looked for inside a file, or a piece of a stream already begun,
    is no start of a file.

    >>> bare_bytes("\\r,", "utf-8-sig"), "\\r,".encode("utf-8-sig")
    (b'\\r,', b'\\xef\\xbb\\xbf\\r,')
    >>> bare_bytes(",", "utf-16") == ",".encode("utf-16")[2:]
    True
    """
    encoder = codecs.getincrementalencoder(encoding)(errors)
    encoder.encode("")  # the mark, if the codec writes one
    return encoder.encode(text, final=True)


class _NotPlain(Exception):
    """A quote mark :func:`_byte_records` cannot place (one inside a value
    that is not quoted, ``12" pizza``; spaces before an opening quote): the
    records are read the slow way."""


def _byte_records(
    path: Path, sep: str, encoding: str, width: int
) -> Iterator[tuple[np.ndarray, np.ndarray]] | None:
    """Per record of a text table, chunk by chunk, counted on its bytes
    (NumPy, no Python loop over lines): its separators (-1 for a blank
    line: nothing but spaces, tabs and ``\r`` other than the separator,
    looked for among the records of fewer than *width* fields only), and
    the line it starts on. Quoted fields as CSV writes them: a quote mark
    opens a field right after a separator or a line break and closes it
    right before one, and is doubled inside; the separators and line breaks
    between an opening and its closing quote are in the field (a quote mark
    is inside a field when an odd number come before it). ``None`` when the
    file cannot be counted so (another codec, a bare ``\r`` line break);
    :class:`_NotPlain` raised by the iterator for a quote mark placed
    otherwise."""
    name = codecs.lookup(encoding).name
    sep_bytes = bare_bytes(sep, encoding)
    if len(sep_bytes) != 1 or not (
        name.startswith(_BYTE_CODECS)
        or (name in _LOW_BYTE_CODECS and sep_bytes[0] < 0x40)
    ):
        return None
    with _open_binary(path) as f:
        while chunk := f.read(1 << 22):
            if chunk.count(b"\r") != chunk.count(b"\r\n"):
                return None  # (a \r\n split by the chunk's end: the slow way)
    sep_byte = sep_bytes[0]
    blanks = bytes(c for c in b" \t\r" if c != sep_byte)
    before_field = np.array([sep_byte, 10])

    def records() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        tail, lines = b"", 0
        with _open_binary(path) as f:
            while True:
                chunk = f.read(1 << 24)
                data = tail + chunk
                b = np.frombuffer(data, dtype=np.uint8)
                quotes = np.flatnonzero(b == 34)
                breaks = np.flatnonzero(b == 10)
                # (each chunk starts a record: outside any quoted field)
                ends = breaks[(np.searchsorted(quotes, breaks) & 1) == 0]
                cut = int(ends[-1]) + 1 if ends.size else 0
                if not chunk:
                    cut = b.size
                    if quotes.size % 2:
                        raise _NotPlain  # a quoted field left open
                    if b.size and (not ends.size or ends[-1] != b.size - 1):
                        ends = np.append(ends, b.size)  # a last line without \n
                tail = data[cut:]
                if cut:
                    b, quotes = b[:cut], quotes[quotes < cut]
                    ends = ends[ends < cut] if chunk else ends
                    _check_placed(b, quotes, before_field)
                    starts = np.concatenate(([0], ends[:-1] + 1))
                    at = np.flatnonzero(b == sep_byte)
                    if quotes.size:
                        at = at[(np.searchsorted(quotes, at) & 1) == 0]
                    # separators before each record's end, less those before
                    # its start (both sorted: a search, not a running sum)
                    n = np.searchsorted(at, ends) - np.searchsorted(at, starts)
                    for k in np.flatnonzero(n + 1 < width).tolist():  # short, blank
                        if not data[starts[k] : ends[k]].strip(blanks):
                            n[k] = -1
                    inner = breaks[breaks < cut]
                    yield n, lines + np.searchsorted(inner, starts) + 1
                    lines += inner.size
                if not chunk:
                    return

    return records()


def _check_placed(b: np.ndarray, quotes: np.ndarray, before_field: np.ndarray) -> None:
    """:class:`_NotPlain` unless every quote mark of the records *b* (their
    positions *quotes*, an even number) opens a field (right after a
    separator or a line break, or the record's start), closes one (right
    before a separator, a line break, ``\r\n`` or the end), or is one of
    two in a row inside a quoted field."""
    if not quotes.size:
        return
    if quotes.size % 2:
        raise _NotPlain
    size = b.size
    prev = np.where(quotes > 0, b[np.maximum(quotes - 1, 0)], 10)
    nxt = np.where(quotes + 1 < size, b[np.minimum(quotes + 1, size - 1)], 10)
    after = np.where(quotes + 2 < size, b[np.minimum(quotes + 2, size - 1)], 10)
    paired = quotes[1:] == quotes[:-1] + 1  # a quote right after the one before
    opens = np.isin(prev, before_field) | np.concatenate(([False], paired))
    closes = (
        np.isin(nxt, before_field)
        | ((nxt == 13) & (after == 10))
        | np.concatenate((paired, [False]))
    )
    even = np.arange(quotes.size) % 2 == 0
    if not np.where(even, opens, closes).all():
        raise _NotPlain


def _short_line(
    path: Path, common: dict[str, Any], width: int
) -> tuple[int, int] | None:
    """The first data line (1-based) of a text table with fewer fields than
    *width* (the header's), and its fields; ``None`` if there is none.
    Quote-aware (a quoted separator or line break is in a field); blank
    lines are not rows, as pandas skips them."""
    sep, encoding = common["sep"], common["encoding"]
    counted = _byte_records(path, sep, encoding, width) if len(sep) == 1 else None
    if counted is not None:
        try:
            header = False
            for n, first_lines in counted:
                rows = np.flatnonzero(n >= 0)
                if not header and rows.size:
                    header, rows = True, rows[1:]
                short = rows[n[rows] + 1 < width]
                if short.size:
                    return int(first_lines[short[0]]), int(n[short[0]]) + 1
            return None
        except _NotPlain:
            pass  # the slow way
    spaced = len(sep) != 1  # runs of spaces and tabs (pandas' \s+: quotes kept)
    header = False
    for start, row, raw in _records(path, encoding, sep):
        fields = len(row)
        if spaced:  # blanks at the end of a line are no field
            fields -= raw.rstrip("\r\n")[-1:] in (" ", "\t")
        if header and fields < width:
            return start, fields
        header = True
    return None


def _records(
    path: Path, encoding: str, sep: str
) -> Iterator[tuple[int, list[str], str]]:
    """The records of a text table as Python's csv module reads them (a
    quoted field may span lines), each with the line it starts on and its
    raw text; blank lines (nothing but blanks other than the separator, as
    pandas skips them) left out. *sep*: one character, or runs of spaces
    and tabs (any other, as pandas' ``\\s+``: read as spaces)."""
    spaced = len(sep) != 1
    blanks = " \t\r\n" if spaced else "".join(c for c in " \t\r\n" if c != sep)
    with (
        io.TextIOWrapper(_open_binary(path), encoding=encoding, newline="") as t,
        long_csv_fields(),
    ):
        pulled: list[str] = []

        def lines() -> Iterator[str]:
            for text in t:
                pulled.append(text)
                yield text.replace("\t", " ") if spaced else text

        reader = csv.reader(
            lines(), delimiter=" " if spaced else sep, skipinitialspace=True
        )
        start = 1
        for row in reader:
            raw = "".join(pulled)
            pulled.clear()
            if raw.strip(blanks):  # a row (a quoted empty field too)
                yield start, row, raw
            start = reader.line_num + 1


_CSV_LIMIT = threading.Lock()
_CSV_USERS = [0, 0]  # readers inside long_csv_fields, the limit before them


@contextlib.contextmanager
def long_csv_fields() -> Iterator[None]:
    """Python's csv module with its field size limit (131,072 characters)
    lifted while custseg reads a file with it (pandas reads longer fields: a
    long note, a JSON document), and put back after the last such reader."""
    with _CSV_LIMIT:
        if not _CSV_USERS[0]:
            _CSV_USERS[1] = csv.field_size_limit(2**31 - 1)
        _CSV_USERS[0] += 1
    try:
        yield
    finally:
        with _CSV_LIMIT:
            _CSV_USERS[0] -= 1
            if not _CSV_USERS[0]:
                csv.field_size_limit(_CSV_USERS[1])


def _check_short_rows(
    path: Path, fmt: str, df: pd.DataFrame, common: dict[str, Any], header: list[str]
) -> None:
    """Refuse a data line with fewer fields than the header: pandas fills the
    fields it lacks with missing values, so a line that lost a field in the
    middle (``17,89.5`` under ``customer_id,date,amount``) is read with its
    values under the wrong columns, without an error. Such a line leaves
    the last column missing, so the file is read again only when that
    column has a missing value. Empty names at the end of the *header* (as
    written: a separator at the end of the header line, as some exports
    write it) are no fields a line must have."""
    width = len(df.columns)
    named = width
    while named > 1 and named <= len(header) and not header[named - 1].strip():
        named -= 1
    if named < 2 or not df.iloc[:, named - 1].isna().any():
        return
    found = _short_line(path, common, named)
    if found is None:
        return
    line, fields = found
    names = ", ".join(repr(str(c)) for c in list(df.columns)[: min(named, 10)])
    raise InputError(
        str(path),
        f"cannot be read as {fmt}: line {line} has {fields} "
        f"field{'s' if fields != 1 else ''}, but the header line has {named} "
        f"({names}{', ...' if named > 10 else ''}); read on, its values could "
        "fall under the wrong columns",
        fix="give every line all the fields of the header: an empty value is "
        + (
            "nothing between two separators (1,,9.5); or check the separator (--sep)"
            if len(common["sep"]) == 1
            else 'two quote marks ("") between the spaces; or check the separator '
            "(--sep)"
        ),
    )


def record_line(
    path: str | os.PathLike[str],
    row: int,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    rows: int | None = None,
) -> int | None:
    """The line (1-based) of the text table at *path* on which its data row
    *row* (0-based, as :func:`read_table` numbers its rows) starts: the
    header and blank lines (nothing but blanks other than the separator,
    as pandas skips them) are not rows, a quoted field may span lines.
    With *rows* (the rows the file was read as), the whole file is counted
    and the line given only if it has that many rows. ``None`` for a
    Parquet file, a whitespace separator, or a file that cannot be read so
    (it was read before: rarely). Read only to say where an error is.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "t.csv").write_text('id,note\\n1,a\\n \\n2,"two\\nlines"\\n""\\n')
    >>> [record_line(d / "t.csv", k, rows=3) for k in range(3)]
    [2, 4, 6]
    >>> record_line(d / "t.csv", 0, rows=2) is None  # not the rows pandas read
    True
    """
    try:
        file = Path(path)
        fmt = table_format(file)
        if fmt not in _TEXT_FORMATS:
            return None
        enc = _check_encoding(encoding)
        resolved = _resolve_sep(sep, fmt, file, enc)
        if len(resolved) != 1:  # a regular expression (whitespace)
            return None
        seen, found = -1, None  # the header is row -1
        for start, _, _ in _records(file, enc, resolved):
            if seen == row:
                found = start
                if rows is None:
                    return found
            seen += 1
        if rows is not None and seen == rows:
            return found
    except (OSError, ValueError, csv.Error, CustsegError):
        return None
    return None


def with_line(
    exc: InputError,
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    encoding: str | None = None,
    fields: Iterable[Hashable] | None = None,
    rows: int | None = None,
    positions: np.ndarray | None = None,
) -> InputError:
    """*exc*, an error about rows of the table read from *path* (of one of
    *fields*, if given; *rows* of them, if known), saying the line its
    first row starts on (:func:`record_line`) rather than the row's 0-based
    position: a person looks for the line in the file. *exc* itself when
    it is about no row, says a line already, or the line cannot be told
    (Parquet). *positions*: the rows of the file that the rows *exc*
    numbers were, when some were left out after reading (``--missing-customer
    drop``): its row is said as the file's (*rows* counts the file's)."""
    if exc.first_row is None or exc.line is not None:
        return exc
    if fields is not None and exc.field not in set(fields):
        return exc
    first = exc.first_row
    if positions is not None and 0 <= first < len(positions):
        first = int(positions[first])
    line = record_line(path, first, sep=sep, encoding=encoding, rows=rows)
    if line is None and first == exc.first_row:
        return exc
    return InputError(
        exc.field,
        exc.problem,
        fix=exc.fix,
        first_row=first,
        n_rows=exc.n_rows,
        line=None if line is None else f"line {line} of {os.fspath(path)!r}",
    )


@contextlib.contextmanager
def lines_of(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    encoding: str | None = None,
    fields: Iterable[Hashable] | None = None,
    rows: int | None = None,
    positions: np.ndarray | None = None,
) -> Iterator[None]:
    """Errors about rows of the table read from *path* raised inside say
    their line in it (:func:`with_line`)."""
    try:
        yield
    except InputError as exc:
        raise with_line(
            exc,
            path,
            sep=sep,
            encoding=encoding,
            fields=fields,
            rows=rows,
            positions=positions,
        ) from None


def _is_number_text(cell: str) -> bool:
    """Whether a CSV cell is empty or a plain number (``12``, ``-3.5``)."""
    text = cell.strip()
    if not text:
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def _check_swallowed(
    path: Path, fmt: str, row: list[str], start: int, numeric: list[bool], sep: str
) -> None:
    """Refuse a quoted field of *row* (starting on line *start*) that spans
    lines one of which reads as a row of the file: as many fields as the
    header, a number in each column of numbers (*numeric*: the columns whose
    every other value is a number, at least one of them filled). A
    ``"Gold member`` opened in a note and closed rows later by another
    stray quote is valid CSV, but the rows between would vanish into one
    note; notes of several lines (an address) have no such line."""
    width = len(numeric)
    if not any(numeric):
        return
    for i, field in enumerate(row):
        inner = _LINE_BREAK.split(field)  # \r\n, \n or a bare \r
        if len(inner) == 1:
            continue
        for k, line in enumerate(inner[1:], start=1):
            # runs of blanks separate fields in a whitespace-separated file
            parts = line.split() if len(sep) != 1 else line.split(sep)
            if len(parts) != width or not parts[0].strip():
                continue
            numbers = [parts[j] for j in range(width) if numeric[j]]
            if not all(map(_is_number_text, numbers)) or not any(
                x.strip() for x in numbers
            ):
                continue
            raise InputError(
                str(path),
                f"cannot be read as {fmt}: the row that starts on line {start} "
                f"has a quoted field (field {i + 1}) over "
                f"{len(inner)} lines, and its line {k + 1} (line "
                f"{start + k} of the file) reads as a row of the file: two stray "
                "quote marks would swallow the rows between them",
                fix="remove the stray quote marks, or quote the whole field and "
                'double the quote marks inside it ("say ""hi"" later")',
            )


def _field_count_error(
    path: Path, fmt: str, exc: BaseException, common: dict[str, Any]
) -> InputError | None:
    """pandas' "Expected 3 fields in line 5, saw 4", said for a person, with
    the line of the file: pandas counts a quoted field's line breaks as no
    lines (its "line 5" follows an address of two lines on line 6), the
    records of :func:`_records` count them."""
    m = _FIELD_COUNT.search(str(exc))
    if m is None:
        return None
    expected, line, saw = (int(g) for g in m.groups())
    sep = common["sep"]
    try:
        records = _records(path, common["encoding"], sep)
        for start, row, raw in itertools.islice(records, 1, None):
            fields = len(row)
            if len(sep) != 1:  # blanks at the end of a line are no field
                fields -= raw.rstrip("\r\n")[-1:] in (" ", "\t")
            if fields == saw and start >= line:
                line = start
                break
    except (OSError, UnicodeError, csv.Error):
        pass  # (pandas' count: the file was read so far)
    return InputError(
        str(path),
        f"cannot be read as {fmt}: line {line} has {saw} fields, but the lines "
        f"before it have {expected}",
        fix="remove the extra separators (or quote the values that contain "
        "one), or check the separator (--sep)",
    )


def _first_row_wider(path: Path, common: dict[str, Any]) -> bool:
    """Whether the first data line has more fields than the header line
    (a separator at the end of each data line), read as the file is read."""
    try:
        _read_csv(
            path,
            common,
            header=None,
            nrows=2,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except pd.errors.ParserError:  # "Expected 3 fields in line 2, saw 4"
        return True
    return False


#: A date as the first part of a field (2024-01-05, 05/01/2024, 20240105)
_DAY_FIELD = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}"
)
#: A time of day (10:00, 10:00:05.123, with a zone or AM/PM after it)
_TIME_FIELD = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?"
)


def _extra_fields_error(path: Path, fmt: str, df: pd.DataFrame) -> InputError:
    """The data lines have more fields than the header: pandas would take the
    first columns as an index and shift every other column."""
    extra = df.index.nlevels
    names = ", ".join(repr(str(c)) for c in list(df.columns)[:10])
    fix = (
        "remove the separator at the end of each data line, or name the "
        "extra column in the header"
    )
    if len(df):
        first = df.index[0] if extra > 1 else (df.index[0],)
        fields = [*first, *df.iloc[0].tolist()]
        texts = [str(f) for f in fields]
        if any(
            _DAY_FIELD.fullmatch(a) and _TIME_FIELD.fullmatch(b)
            for a, b in itertools.pairwise(texts)
        ):  # a date and its time, split at the blank between them
            return InputError(
                str(path),
                f"cannot be read as {fmt}: its first data line has "
                f"{len(df.columns) + extra} fields, but the header line has "
                f"{len(df.columns)} ({names}): a date and its time are split "
                "at the blank between them, which separates the fields",
                fix='quote the dates with their time ("2024-01-05 10:00"), '
                "write them without the blank (2024-01-05T10:00), or use "
                "another separator (--sep ',' on the command line)",
            )
        if all(
            isinstance(f, str) and f.strip() and not any(c.isdigit() for c in f)
            for f in fields
        ):  # names, not data: a title or comment line above the header
            shown = ", ".join(repr(f) for f in fields[:10])
            fix = (
                f"if the line after it ({shown}) is the header, delete the "
                "first line (a title or comment above the header); else " + fix
            )
    return InputError(
        str(path),
        f"cannot be read as {fmt}: its first data line has "
        f"{len(df.columns) + extra} fields, but the header line has "
        f"{len(df.columns)} ({names})",
        fix=fix,
    )


#: the first line Excel writes (and reads) to name a CSV file's separator
_SEP_LINE = re.compile(r'\A\ufeff?"?sep=(.)"?[ \t]*(?:\r\n?|\n|\Z)', re.IGNORECASE)


def _check_no_sep_line(path: Path, encoding: str) -> None:
    """Refuse a first line ``sep=;`` (Excel's separator hint, before the
    header): read as the header, it named the columns ``sep=`` and
    ``Unnamed: 1``, and the advice that followed was wrong."""
    try:
        with _open_binary(path) as f:
            head = f.read(64).decode(encoding, "replace")
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, LookupError):
        return  # the reading says why
    m = _SEP_LINE.match(head)
    if m is not None:
        raise InputError(
            str(path),
            f"starts with Excel's separator line {m.group(0).strip()!r}, not "
            "with its header line",
            fix="delete that first line, and give the separator it names "
            f"(--sep {m.group(1)!r} on the command line, sep={m.group(1)!r} "
            "in Python)",
        )


#: the characters :func:`_line_starts_with_space` reads at a time
_SPACE_CHUNK = 1 << 20


def _line_starts_with_space(path: Path, encoding: str) -> bool:
    r"""Some line after the first starts with a space (read in chunks: no
    copy of the file in memory); False if the file does not decode (the
    reading then says why). A line ends at ``\n``, ``\r\n`` or a bare
    ``\r`` (classic Mac files), also where a chunk ends right after it.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "t.csv").write_bytes(b"id,x\r c1,1\r")
    >>> _line_starts_with_space(d / "t.csv", "utf-8")
    True
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    last = ""
    try:
        with _open_binary(path) as f:
            while True:
                chunk = f.read(_SPACE_CHUNK)
                text = decoder.decode(chunk, final=not chunk)
                seam = last + text[:1]  # a line end the chunk's end cut off
                if "\n " in seam or "\r " in seam or "\n " in text or "\r " in text:
                    return True
                if text:
                    last = text[-1]
                if not chunk:
                    return False
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return False


def _line_spaces(sep: str) -> re.Pattern[str]:
    """Spaces at the start of a line, before a value that is not quoted (nor
    empty: spaces alone before the separator or the line's end are a blank
    id, missing as in any other column; nor a line of spaces and tabs alone,
    which the reader skips as blank, as the count of fields does)."""
    return re.compile(
        rf"(?:^|(?<=\r))( +)(?=[^\" \r\n{re.escape(sep)}])(?![ \t]*(?:\r|\n|\Z))",
        re.MULTILINE,
    )


def _read_csv(path: Path, common: dict[str, Any], **options: Any) -> pd.DataFrame:
    """``pd.read_csv`` of the text table *path* with the separator and
    encoding of *common*, or of its text mended by :func:`_mended_text`
    when *common* holds it (``"text"``)."""
    text = common.get("text")
    if text is None:
        return pd.read_csv(
            path, sep=common["sep"], encoding=common["encoding"], **options
        )
    return pd.read_csv(io.StringIO(text), sep=common["sep"], **options)


def _cr_before_sep(path: Path, encoding: str, sep: str) -> bool:
    r"""Whether the text table holds a ``\r`` right before the separator
    *sep* (one character): read in chunks, no copy of the file in memory
    (UTF-8, ASCII and the codecs of one byte a character searched as
    bytes, others decoded); False if it does not decode (the reading then
    says why)."""
    codec = codecs.lookup(encoding).name
    decoder = (
        None
        if codec.startswith(_BYTE_CODECS)
        else codecs.getincrementaldecoder(encoding)()
    )
    try:
        needle = bare_bytes("\r" + sep, encoding if decoder is None else "utf-8")
        keep = len(needle) - 1  # a needle cut by a chunk's end
        last = b""
        with _open_binary(path) as f:
            while True:
                chunk = f.read(1 << 22)
                data = chunk
                if decoder is not None:
                    text = decoder.decode(chunk, final=not chunk)
                    data = text.encode("utf-8", "surrogatepass")
                if needle in data or needle in last + data[:keep]:
                    return True
                last = (last + data[-keep:])[-keep:]
                if not chunk:
                    return False
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return False


def _mended_text(path: Path, common: dict[str, Any]) -> str | None:
    r"""The text of the table with a ``\n`` after each bare ``\r`` that
    ends a blank line (nothing but blanks other than the separator) right
    before a record that starts with the separator (an empty first field);
    ``None`` when it has none, the usual case (one pass in chunks over the
    file looks for a ``\r`` before the separator first).

    pandas' reader skips such a blank line (a classic Mac file's blank line,
    a stray ``\r`` in a CR LF file, LF CR line ends) and the separator after
    it with it: the record loses its empty first field, and every value
    moves one column left, the last column missing (``\r\r,c2,silver``
    read as the id ``c2`` under the name column). Python's csv module,
    Excel and LibreOffice read the empty field; after a ``\r\n`` pandas
    does too. The records are found as the csv module reads them, so a
    ``\r`` inside a quoted field is left as written. The line ends stay
    as many: line numbers are unchanged.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "r.csv").write_bytes(b'name,id\r\r,c2\r"a\r\r,b",c3\r')
    >>> _mended_text(d / "r.csv", {"sep": ",", "encoding": "utf-8"})
    'name,id\r\r\n,c2\r"a\r\r,b",c3\r'
    """
    sep, encoding = common["sep"], common["encoding"]
    if len(sep) != 1 or not _cr_before_sep(path, encoding, sep):
        return None  # (runs of blanks as the separator: never lost so)
    try:
        with io.TextIOWrapper(_open_binary(path), encoding=encoding, newline="") as t:
            text = t.read().removeprefix("\ufeff")
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return None  # the reading says why
    blanks = "".join(c for c in " \t" if c != sep)
    pieces: list[str] = []
    pulled: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            pulled.append(line)
            yield line

    mended = blank_cr = False
    with long_csv_fields():
        reader = csv.reader(lines(), delimiter=sep, skipinitialspace=True)
        try:
            for _ in reader:
                raw = "".join(pulled)
                pulled.clear()
                if blank_cr and raw.startswith(sep):
                    pieces[-1] += "\n"
                    mended = True
                blank_cr = raw.endswith("\r") and not raw[:-1].strip(blanks)
                pieces.append(raw)
        except csv.Error:
            return None  # a quote left open: the quote checks say where
    return "".join([*pieces, *pulled]) if mended else None


def _read_spaced_ids(
    path: Path, encoding: str, options: dict[str, Any], common: dict[str, Any]
) -> pd.DataFrame:
    """The table read with the spaces after a separator skipped, but those at
    the start of a line kept (they are part of the first column there), in
    every case: quoted fields anywhere, the separator or line breaks in
    them. The spaces at the start of a line are marked with a character the
    file does not hold, which the reader keeps, then put back."""
    text = common.get("text")
    if text is None:
        with _open_binary(path) as f:
            text = f.read().decode(encoding)
        text = text.removeprefix("\ufeff")
    mark = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    # the header line keeps its reading; it ends at \r\n, \n or a bare \r
    # (classic Mac files), as the reader's lines do
    end = re.search(r"\r\n|\n|\r", text)
    cut = end.end() if end else len(text)
    spaces = _line_spaces(common["sep"])
    body = spaces.sub(lambda m: mark * len(m.group(1)), text[cut:])
    df = pd.read_csv(
        io.StringIO(text[:cut] + body),
        sep=common["sep"],
        skipinitialspace=True,
        **options,
    )
    # a quoted name holding a line break: its spaces after it were marked too
    df.columns = [n.replace(mark, " ") if isinstance(n, str) else n for n in df.columns]
    for position in range(len(df.columns)):
        col = df.iloc[:, position]
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        kind = pd.api.types.infer_dtype(col, skipna=True)
        if kind == "string":
            has = col.str.contains(mark, regex=False, na=False)
            if has.any():
                df.isetitem(position, col.where(~has, col.str.replace(mark, " ")))
        elif kind.startswith("mixed"):  # text beside True/False and gaps
            fixed = col.map(lambda v: v.replace(mark, " ") if isinstance(v, str) else v)
            df.isetitem(position, fixed.astype(col.dtype))
    return df


def _read_text(
    path: Path,
    fmt: str,
    sep: str | None,
    encoding: str,
    text_columns: list[str],
    sep_fix: str | None = None,
    exact_numbers: list[str] | None = None,
    date_columns: list[str] | None = None,
) -> pd.DataFrame:
    _check_no_sep_line(path, encoding)
    resolved = _resolve_sep(sep, fmt, path, encoding)
    common: dict[str, Any] = {"sep": resolved, "encoding": encoding}
    if _starts_with(path, (codecs.BOM_UTF8,)) and codecs.lookup(encoding).name not in (
        "utf-8",
        "utf-8-sig",
    ):
        raise _decode_error(path, fmt, encoding)  # read as text, the mark would
    _check_not_utf8(path, fmt, encoding)
    _check_misread(path, fmt, encoding)
    mended = _mended_text(path, common)
    if mended is not None:  # (a blank line's \r before a separator: rare)
        common["text"] = mended
    try:
        names = _header_names(path, common)
        _check_header(path, names)
        _check_not_data(path, names)
        options: dict[str, Any] = {"low_memory": False}
        dates = [c for c in date_columns or () if c not in text_columns]
        if text_columns or dates:
            keys = _read_csv(path, common, nrows=0, skipinitialspace=True).columns
            # text columns are read exactly: "NA", "null", "N/A" are ids, only
            # an empty cell is missing; the other columns keep pandas' markers.
            # Date columns are read as text too (a date format reads the
            # characters written: 03.2024 is no number 3.2024), with those
            # markers
            options["dtype"] = dict.fromkeys([*text_columns, *dates], str)
            options["keep_default_na"] = False
            options["na_values"] = {
                c: [""] if c in text_columns else sorted(_NA_MARKERS) for c in keys
            }
        first_id = bool(names) and names[0] in text_columns
        df = None
        if resolved != r"\s+" and first_id and _line_starts_with_space(path, encoding):
            # spaces after a separator are skipped, but a space at the start
            # of a line is part of the id there (rare: only then this path)
            df = _read_spaced_ids(path, encoding, options, common)
        if df is None:
            df = _read_csv(path, common, skipinitialspace=True, **options)
    except pd.errors.EmptyDataError:
        raise InputError(
            str(path),
            f"cannot be read as {fmt}: the file is empty",
            fix="it needs a header line (customer_id,date,amount) and one line "
            "per transaction",
        ) from None
    except UnicodeError:
        raise _decode_error(path, fmt, encoding) from None
    except (MemoryError, InputError):
        raise
    except (EOFError, zipfile.BadZipFile, lzma.LZMAError, zlib.error, OSError) as exc:
        method = _COMPRESSION.get(path.suffix.lower())
        if method is None:
            raise
        # a compressed file cut short: its end is missing, no separator helps
        raise _cut_short(path, fmt, method, exc) from None
    except Exception as exc:  # pandas raises many types for malformed text
        if _COMPRESSION.get(
            path.suffix.lower()
        ) == "zip" and "files found in ZIP" in str(exc):
            # several members (a macOS __MACOSX/ entry, a folder) or none
            raise InputError(
                str(path),
                f"cannot be read as {fmt}: {_first_line(exc)}",
                fix="a .zip must hold the table alone: zip only the file (on "
                "macOS, zip -X, or the Finder's resource entries removed), or "
                "unzip it and pass the table",
            ) from None
        hint = _sep_hint(path, resolved, encoding, sep_fix)
        if hint is not None and isinstance(exc, pd.errors.ParserError):
            raise InputError(
                str(path), f"cannot be read as {fmt}: {hint}", fix=""
            ) from None
        if "EOF inside string" in str(exc):
            # a quote left open to the end: the strict reader names its line
            # (pandas' "row" counts lines from 0)
            _strict_quotes(path, fmt, common)
        counted = _field_count_error(path, fmt, exc, common)
        if counted is not None:
            raise counted from None
        raise InputError(
            str(path),
            f"cannot be read as {fmt}: {_first_line(exc)}",
            fix=f"check that it is a valid {fmt} file"
            + (" and the separator (--sep)" if fmt != "parquet" else ""),
        ) from None
    if not isinstance(df.index, pd.RangeIndex) or _first_row_wider(path, common):
        # (a first column counting 0, 1, 2 ... or 5, 7, 9 ... is made a
        # RangeIndex by pandas: the line is read again to tell)
        hint = _sep_hint(path, resolved, encoding, sep_fix)
        if hint is not None:  # the header is split with another separator
            raise InputError(str(path), f"cannot be read as {fmt}: {hint}", fix="")
        raise _extra_fields_error(path, fmt, df)
    if len(df.columns) == 1:
        hint = _sep_hint(path, resolved, encoding, sep_fix)
        if hint is not None:
            raise InputError(str(path), f"has a single column: {hint}")
    _check_utf16_without_bom(path, fmt, encoding, df)
    _check_alike_names(path, names, "header line")
    _check_quotes(path, fmt, len(df), common)
    _check_short_rows(path, fmt, df, common, names)
    blank = _blank_columns(df, names)
    kept = None
    if len(names) == len(df.columns):  # (the header's names as written)
        kept = [n for n, c in zip(names, df.columns, strict=True) if c not in blank]
    _check_header_again(path, df.drop(columns=blank), common, kept)
    for name in exact_numbers or ():
        if name in df.columns and df[name].dtype.kind == "u":
            # whole numbers from 2**63 to 2**64 - 1 (pandas' uint64) as
            # pandas reads those past 2**64: Python ints, so both are read
            # and refused alike (an amount past 2**53, with its line)
            df[name] = df[name].astype(object)
        if name in df.columns and df[name].dtype == np.float64:
            field = list(df.columns).index(name)
            _check_exact_numbers(path, df[name], name, common, field)
            if resolved != ",":
                _check_dot_groups(path, name, common)
        elif name in df.columns and not pd.api.types.is_numeric_dtype(df[name]):
            # numbers pandas does not parse (past 2**64) stay Python ints or
            # text: the text of those that are numbers, as they would be
            # converted
            text = df[name].astype(object).where(df[name].notna(), "")
            numbers = pd.to_numeric(df[name], errors="coerce")
            _refuse_changed(text.astype(str), numbers.to_numpy(np.float64), name)
    # (dropped last: the checks above find fields by their column's place)
    return df.drop(columns=blank) if blank else df


def _blank_columns(df: pd.DataFrame, names: list[str]) -> list[Hashable]:
    """The columns of *df* without a name in the header line (*names*, as
    written) nor a value in any row: the empty columns a spreadsheet saves
    beside a table whose cells were formatted (``customer_id,vip,,``),
    which pandas names ``Unnamed: 2``, ``Unnamed: 3`` and would carry into
    every output as such."""
    if len(names) != len(df.columns):
        return []
    return [
        c
        for n, c in zip(names, df.columns, strict=True)
        if not n.strip() and bool(df[c].isna().all())
    ]


def _check_header_again(
    path: Path,
    df: pd.DataFrame,
    common: dict[str, Any],
    written: list[str] | None = None,
) -> None:
    """Refuse data rows that repeat the header line (every field its
    column's name, as read): files joined with their header lines (``cat
    jan.csv feb.csv``), whose second header would otherwise be refused as a
    value of some column (``'date' has values that are not dates, such as
    'date'``) or read as a customer named ``customer_id``. Looked for by
    hashing the first column (a column of numbers cannot hold its name).
    The header of a file saved with a byte order mark (Excel's "CSV
    UTF-8") keeps the mark when joined after another: it is the header
    still. *written*, the header's names as written (one per column of
    *df*), tells the columns without a name (pandas' ``Unnamed: 2``),
    whose field of a repeated header is empty. A table of fewer than two
    named columns is read as written (a value may be its name)."""
    if written is None or len(written) != len(df.columns):
        written = [str(c) for c in df.columns]
    blank = [not w.strip() for w in written]
    if not len(df) or blank.count(False) < 2:
        return
    same = np.zeros(len(df), dtype=bool)
    rows = np.arange(len(df))
    # the named columns first (hashed), then the few rows' unnamed ones
    for k in sorted(range(len(df.columns)), key=lambda k: blank[k]):
        col = df.iloc[rows, k]
        if blank[k]:
            hit = np.array([_empty_field(x) for x in col.tolist()], dtype=bool)
        else:
            if not (
                pd.api.types.is_object_dtype(col.dtype)
                or pd.api.types.is_string_dtype(col.dtype)
            ):
                return
            name = df.columns[k]
            # (the first field may start with the byte order mark of a file
            # joined after the first: Excel's "CSV UTF-8" begins each so)
            spellings = [name, f"\ufeff{name}"] if k == 0 else [name]
            hit = np.asarray(col.isin(spellings), dtype=bool)
        rows = rows[hit]
        if not len(rows):
            return
    same[rows] = True
    at, n = first_offender(same)
    exc = InputError(
        str(path),
        "has its header line again among its data lines",
        first_row=at,
        n_rows=n,
        fix="files joined with their header lines (cat jan.csv feb.csv > "
        "all.csv) keep each file's header: keep the first only, e.g. (cat "
        "jan.csv; tail -q -n +2 feb.csv mar.csv) > all.csv, or delete those lines",
    )
    if len(common["sep"]) != 1:  # (a regular expression: no lines told)
        raise exc
    raise with_line(
        exc, path, sep=common["sep"], encoding=common["encoding"], rows=len(df)
    )


def _empty_field(x: object) -> bool:
    """Whether *x*, a value read from a text file, is an empty field: a
    missing value, or text of blanks only (a byte order mark too).

    >>> [_empty_field(x) for x in (None, np.nan, " ", chr(0xFEFF), "x", 0)]
    [True, True, True, True, False, False]
    """
    if isinstance(x, str):
        return not x.strip("\ufeff \t")
    if isinstance(x, float | np.floating):
        return bool(np.isnan(x))
    return x is None or x is pd.NA


_BLOCK_OF_ONES = 0x0101010101010101


def _digit_blocks(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Which bytes of *data* are digits or decimal points, and the offsets
    of the aligned blocks of 8 bytes that are all such bytes: a run of 16
    or more holds one of these blocks (vectorised, for the few of them)."""
    raw = np.frombuffer(data + bytes(-len(data) % 8), dtype=np.uint8)
    shifted = raw - np.uint8(0x2E)  # "." is 0, "/" 1, the digits 2 to 11
    marks = (shifted < 12) & (shifted != 1)
    return marks, 8 * np.flatnonzero(marks.view(np.uint64) == _BLOCK_OF_ONES)


def _in_long_run(marks: np.ndarray, blocks: np.ndarray) -> bool:
    """Whether one of the whole *blocks* (offsets) of digits and decimal
    points is in a run of 16 or more of them (*marks*).

    >>> _in_long_run(*_digit_blocks(b"a,0.99999999999999999"))
    True
    >>> _in_long_run(*_digit_blocks(b"a,999.99999999999,2024-01-01"))
    False
    """
    if not len(blocks):
        return False
    rows = marks.reshape(-1, 8)
    k = blocks // 8
    before = rows[k - 1]  # the blocks either side (none: no digits)
    before[k == 0] = False
    after = rows[np.minimum(k + 1, len(rows) - 1)]
    after[k == len(rows) - 1] = False
    reach = np.zeros(len(k), dtype=np.int64)
    going_back, going_on = np.ones(len(k), bool), np.ones(len(k), bool)
    for j in range(8):  # how far the run goes on either side (8 passes)
        going_back &= before[:, 7 - j]
        going_on &= after[:, j]
        reach += going_back
        reach += going_on
    return bool((reach >= 8).any())


def _in_field(data: bytes, offsets: np.ndarray, sep: int, field: int) -> np.ndarray:
    """Which of *offsets* are in field number *field* of their line (*data*
    starts at a line's start and holds no quote mark; a line ends at
    ``\\n`` or ``\\r``)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    seps = np.flatnonzero(raw == sep)
    breaks = np.flatnonzero((raw == 0x0A) | (raw == 0x0D))
    starts = np.concatenate([[0], breaks + 1])
    line_start = starts[np.searchsorted(starts, offsets, side="right") - 1]
    before = np.searchsorted(seps, offsets) - np.searchsorted(seps, line_start)
    return np.asarray(before == field)


def _long_numbers_in(path: Path, common: dict[str, Any], field: int) -> bool:
    """Whether field number *field* of the file may hold a run of 16 or more
    digits and decimal points, which every number of more than 15
    significant digits is: read in chunks of whole lines (no copy of the
    file in memory), without parsing.

    UTF-8 (and ASCII) bytes are looked at as they are; other encodings
    (GBK, Big5, UTF-16, ...) are decoded first. A run is placed in its field by counting separators
    from the start of its line, until the first quote mark (after it, or
    with a separator of several characters, any run counts). True if the
    file does not decode (the text is then read, which says why)."""
    encoding, sep = common["encoding"], common["sep"]
    codec = codecs.lookup(encoding).name
    # UTF-8's bytes are looked at as they are: a multi-byte character never
    # holds an ASCII byte. Other encodings are decoded to UTF-8 first: GBK,
    # Big5 or Shift-JIS write 0x40-0x7E as the second byte of a character
    # (髚 is b"\xf5|" in GBK), which would count as a separator | [ ] ^ ...
    decoder = (
        None
        if codec in ("utf-8", "utf-8-sig", "ascii")
        else codecs.getincrementaldecoder(encoding)()
    )
    by_field = len(sep) == 1 and sep.isascii() and sep not in '\r\n"0123456789.'
    rest = b""
    try:
        with _open_binary(path) as f:
            while True:
                chunk = f.read(1 << 20)
                last = not chunk
                if decoder is not None:
                    text = decoder.decode(chunk, final=last)
                    chunk = text.encode("utf-8", "surrogatepass")
                data = rest + chunk
                end = (
                    len(data) if last else max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
                )
                data, rest = data[:end], data[end:]
                if by_field and b'"' in data:
                    by_field = False  # fields may hold separators and lines
                if _TINY_EXPONENT.search(data):
                    return True  # 1e-400: float64 reads 0 (the text tells)
                marks, blocks = _digit_blocks(data)
                if by_field and len(blocks):
                    blocks = blocks[_in_field(data, blocks, ord(sep), field)]
                if _in_long_run(marks, blocks):
                    return True
                if last:
                    return False
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return True


#: an exponent of -300 or below: the number may underflow to 0 in float64
_TINY_EXPONENT = re.compile(rb"[eE]-0*(?:[3-9][0-9]{2}|[1-9][0-9]{3,})")


def _check_exact_numbers(
    path: Path, col: pd.Series, name: str, common: dict[str, Any], field: int
) -> None:
    """Refuse numbers whose text float64 changes (more significant digits
    than it holds: ``99999999999999999``, ``12345678901234567.5``, and
    ``0.99999999999999999``, which is read as ``1.0``).

    The parsed value cannot tell ``0.99999999999999999`` from ``1``: the
    text is read (the column again, as text) only when the column (field
    number *field*) may have a run of more than 15 digits, found in one
    vectorised pass over the file's bytes."""
    if not _long_numbers_in(path, common, field):
        return
    values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    text = _read_csv(
        path,
        common,
        usecols=[name],
        dtype=str,
        keep_default_na=False,
        skipinitialspace=True,
    )[name]
    if len(text) == len(values):
        _refuse_changed(text, values, name)


#: 1.234 or 12.000.000: a dot before each group of three digits, as European
#: exports (';'-separated, decimal commas) group thousands
_DOTTED = re.compile(r"\s*[-+]?[0-9]*\.[0-9]+\s*")


def _check_dot_groups(path: Path, name: str, common: dict[str, Any]) -> None:
    """Refuse a column of numbers of a file not separated by commas whose
    every number with a dot has three digits after one dot (``1.234``,
    ``12.000``): the thousands separator of the exports that separate
    fields with ';' (1.234 = 1234), or a decimal point; pandas reads a
    decimal point, so an error, never a guess. (A column with a decimal
    comma beside them is not numbers and is refused when checked.)"""
    text = _read_csv(path, common, usecols=[name], dtype=str, keep_default_na=False)[
        name
    ]
    dotted = text.str.fullmatch(_DOTTED.pattern).to_numpy()
    if not dotted.any():
        return
    grouped = text.str.fullmatch(DOT_GROUPS.pattern).to_numpy()
    if (dotted & ~grouped).any():
        return  # some number has a decimal point: 1.5, 12.50
    first = int(np.argmax(dotted))
    value = text.iloc[first].strip()
    raise InputError(
        name,
        f"holds numbers such as {value!r} in a file separated by "
        f"{common['sep']!r}, where a dot may separate thousands ({value} as "
        f"{value.replace('.', '')}) or be a decimal point",
        first_row=first,
        n_rows=int(dotted.sum()),
        fix="export the file without thousands separators and with '.' as "
        "the decimal separator; if the dots are decimal points, write them "
        "without trailing zeros (1.500 as 1.5) or save the file with ',' "
        "as the separator",
    )


#: an id written as a number in scientific notation with a positive
#: exponent of two or more digits: a spreadsheet's display of a long number
#: id (Excel saves 123456789012 as ``1.23457E+11``, rounded to 6 digits), or
#: a program's float (R writes 100000 as ``1e+05``). Spreadsheets and
#: programs write at least two exponent digits (``E+05``, never ``E+5``),
#: and a whole number id (1 or more) never has a negative exponent, so a
#: code such as ``2E+5``, ``4E-1`` or ``3E-02`` (a product, seat or room
#: code) is an id as written
_SCIENTIFIC_ID = re.compile(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE]\+[0-9]{2,}\s*")

#: what every id of :data:`_SCIENTIFIC_ID` holds: looked for first, in C
#: (no regular expression per id)
_EXPONENT_SIGNS = ("e+", "E+")


#: the fix of ids written in scientific notation
SCIENTIFIC_IDS_FIX = (
    "a spreadsheet saves long number ids so, rounded (Excel writes "
    "123456789012 and 123457000000 both as 1.23457E+11), and ids are "
    "matched as written, so different ids would be read as one: save the "
    "ids in full (in Excel, format the column as Number with 0 decimal "
    "places, or as Text, before saving as CSV)"
)


def scientific_ids(values: Iterable[Any]) -> tuple[int, int, str] | None:
    """``(first row, rows, the first as written)`` of the ids of *values*
    that are text in scientific notation (``1.23457E+11``, ``1e+05``: a
    number with an exponent of ``+`` and two or more digits), or None.
    Only the ids holding ``e+`` or ``E+`` are matched one
    by one (found in C: a column of a million ids without them costs
    milliseconds, not a regular expression per id).

    >>> scientific_ids(["c1", "1.23457E+11", " 1e+05", "2E5", 17, "2E+5"])
    (1, 2, '1.23457E+11')
    """
    if not isinstance(values, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        values = list(values)  # (read twice)
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)) and (
        values.dtype.kind in "biufcmM"
    ):
        return None  # numbers, dates: no text
    found = _scientific_mask(values)
    if found is None or not found.any():
        return None
    first, n = first_offender(found)
    return first, n, str(_value_at(values, first)).strip()


def _value_at(values: Iterable[Any], i: int) -> Any:
    """The *i*-th of *values* (a Series by position)."""
    if isinstance(values, pd.Series):
        return values.iloc[i]
    return values[i]  # type: ignore[index]


def _scientific_mask(values: Iterable[Any]) -> np.ndarray | None:
    """Where *values* are text in scientific notation (a Boolean mask), or
    None when none can be: the ids holding an exponent's sign are found
    first (by pyarrow on Arrow-backed text, else in one joined string),
    and only those are matched with :data:`_SCIENTIFIC_ID`."""
    arrow = (
        _arrow_text(values.array) if isinstance(values, (pd.Series, pd.Index)) else None
    )
    if arrow is not None:
        import pyarrow.compute as pc

        data = arrow.buffers()[2]  # every text, end to end (bytes)
        raw = b"" if data is None else data.to_pybytes()
        if not any(sign.encode() in raw for sign in _EXPONENT_SIGNS):
            return None
        hit = pc.match_substring_regex(arrow, "[eE][+]")
        maybe = np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False))
        if not maybe.any():
            return None
        items = _as_objects(values)
    else:
        items = _as_objects(values)
        candidates = _exponent_candidates(items)
        if candidates is None:
            return None
        maybe = candidates
    found = np.zeros(len(items), dtype=bool)
    for i in np.flatnonzero(maybe):
        x = items[i]
        found[i] = isinstance(x, str) and _SCIENTIFIC_ID.fullmatch(x) is not None
    return found


def _as_objects(values: Iterable[Any]) -> np.ndarray:
    """*values* as a 1-D object array (a Series or Index by position)."""
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy(dtype=object)
    out = np.empty(len(items := list(values)), dtype=object)
    out[:] = items  # (tuples stay values, not rows)
    return out


#: an exponent's sign, as :data:`_EXPONENT_SIGNS`
_EXPONENT_SIGN = re.compile(r"[eE]\+")


def _exponent_candidates(items: np.ndarray) -> np.ndarray | None:
    """Where the texts of *items* (an object array) hold an exponent's
    sign (``e+``, ``E+``; a Boolean mask), or None where none does: one
    joined string, searched in C, whose hits are told back to their ids.

    >>> _exponent_candidates(np.array(["c1", None, "2E+5", "x"], dtype=object))
    array([False, False,  True, False])
    >>> _exponent_candidates(np.array(["c1", 17], dtype=object)) is None
    True
    """
    at = np.arange(len(items))
    texts = items.tolist()
    try:
        joined = "\n".join(texts)
    except TypeError:  # missing ids (NaN), numbers: the text ones only
        at = np.flatnonzero([isinstance(x, str) for x in texts])
        texts = [texts[i] for i in at]
        joined = "\n".join(texts)
    if not any(sign in joined for sign in _EXPONENT_SIGNS):
        return None
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - lengths - 1
    hits = np.fromiter(
        (m.start() for m in _EXPONENT_SIGN.finditer(joined)), dtype=np.int64
    )
    out = np.zeros(len(items), dtype=bool)
    out[at[np.searchsorted(starts, hits, side="right") - 1]] = True
    return out


def refuse_scientific_ids(df: pd.DataFrame, names: Iterable[Hashable]) -> None:
    """Refuse the id columns of *names* (those *df* has, read as text)
    holding ids written in scientific notation (``1.23457E+11``): ids are
    matched as written, and a spreadsheet that shortens long ids so (the
    customer 123456789012 and the customer 123457000000 are both
    ``1.23457E+11`` in Excel's CSV) makes different customers, or orders,
    one with no error. An :class:`~custseg.errors.InputError` naming the
    column, its first such row and how many there are.

    >>> df = pd.DataFrame({"customer_id": ["c1", "1.23457E+11", "1.23457E+11"]})
    >>> refuse_scientific_ids(df, ["customer_id"])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'customer_id' has ids written in scientific notation, such as '1.23457E+11' (first at row 1, 2 rows affected): ...
    >>> refuse_scientific_ids(pd.DataFrame({"customer_id": ["2E5", "e+1", "2E+5", "3E-02"]}),
    ...                       ["customer_id"])  # ids

    Only ids holding an exponent's sign are matched one by one (found in C
    first), so a column of a million ids without one costs milliseconds.
    """
    for name in names:
        if name not in df.columns or df[name].dtype.kind not in "OSUT":
            # (numbers and dates hold no text)
            continue
        found = scientific_ids(df[name])
        if found is None:
            continue
        first, n, value = found
        raise InputError(
            str(name),
            f"has ids written in scientific notation, such as {value!r}",
            first_row=first,
            n_rows=n,
            fix=SCIENTIFIC_IDS_FIX,
        )


#: why rows of a text file have no value at all, for the messages
EMPTY_LINES = (
    "those lines hold separators only (,,,), no value at all, as a "
    "spreadsheet saves the empty rows below its table"
)


def all_empty(df: pd.DataFrame, rows: np.ndarray) -> bool:
    """Whether the rows of *df* where *rows* (a mask) is true are missing in
    every column: lines of separators only (``,,,``), which Excel saves
    below a table whose empty rows were formatted, not rows with a missing
    id.

    >>> df = pd.DataFrame({"id": ["a", None, None], "x": [1, None, 2]})
    >>> all_empty(df, np.array([False, True, False]))
    True
    >>> all_empty(df, np.array([False, True, True]))
    False
    """
    if not rows.any():
        return False
    return bool(df.iloc[np.flatnonzero(rows)].isna().to_numpy().all())


def of_source(exc: InputError, where: str, fix: str | None = None) -> InputError:
    """*exc* said to be about the data *where* (``"contacts"``), its fix
    replaced by *fix* if given."""
    return InputError(
        exc.field,
        f"of the {where} {exc.problem}",
        first_row=exc.first_row,
        n_rows=exc.n_rows,
        fix=exc.fix if fix is None else fix,
    )


#: What a records or contacts file holds, for the advice on an empty one.
_SIDE_LAYOUTS = {
    "records": "it needs a header line naming the customer id column and the "
    "record fields (customer_id,vip,...), then one line per customer",
    "contacts": "it needs a header line (customer_id,date,initiator,kind), then "
    "one line per contact",
}


#: the Python argument encoding= in a message (not --encoding, nor
#: records_encoding=)
_ENCODING_ARG = re.compile(r"(?<![\w-])encoding=")


def side_sep_fix(what: str) -> str:
    """The advice for a *what* (``"records"``, ``"contacts"``) file whose
    header looks separated by another character: ``sep=`` (``--sep``) is
    the transactions file's, so this one is read by its extension.

    >>> side_sep_fix("records")[:60]
    '--sep is for the transactions file only (in Python, sep= too'
    """
    return (
        "--sep is for the transactions file only (in Python, sep= too): "
        f"save the {what} file with commas as .csv (tabs as .tsv), or name it "
        ".txt to have its separator sniffed (a tab, a comma or a semicolon)"
    )


def check_sep(sep: object) -> str | None:
    """*sep* as :func:`read_table` takes it: None (by the extension) or text
    (one character, ``"tab"``, ``"whitespace"``; the text itself is checked
    when a file is read).

    >>> check_sep(";"), check_sep(None)
    (';', None)
    >>> check_sep(59)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'sep' must be one character, 'tab' or 'whitespace' (text), got int 59: e.g. sep=';' or sep='tab'; leave it out to go by the extension
    """
    if sep is not None and not isinstance(sep, str):
        raise InputError(
            "sep",
            f"must be one character, 'tab' or 'whitespace' (text), got "
            f"{type(sep).__name__} {describe(sep, limit=60)}",
            fix="e.g. sep=';' or sep='tab'; leave it out to go by the extension",
        )
    return sep


def in_file(exc: InputError, what: str, path: str | os.PathLike[str]) -> InputError:
    """*exc* about a column of the *what* file (``"records"``) at *path*, its
    problem said to be in that file; errors about the file itself as they
    are, with advice for this kind of file (an empty one's layout; an
    encoding of its own)."""
    if exc.field != os.fspath(path):
        # a column's problem said with the file already (binary text): once
        problem = exc.problem.removeprefix(f"{_OF_FILE}{os.fspath(path)!r} ")
        if problem != exc.problem:
            exc = InputError(
                exc.field,
                problem,
                first_row=exc.first_row,
                n_rows=exc.n_rows,
                fix=exc.fix,
            )
        return of_source(exc, f"{what} file {os.fspath(path)!r}")
    fix = exc.fix
    if exc.problem.endswith("the file is empty") and what in _SIDE_LAYOUTS:
        fix = _SIDE_LAYOUTS[what]
    elif "cannot be read as" in exc.problem:
        # its own option, in Python as on the command line (segment()'s
        # records_encoding= / contacts_encoding=): the file is then read by
        # its path, ids as written and numbers checked, not as a frame (also
        # for a UTF-8 file read in another encoding: "... in gbk: it is
        # valid UTF-8"; a fix without an encoding is left as it is)
        fix = fix.replace("--encoding ", f"--{what}-encoding ")
        fix = _ENCODING_ARG.sub(f"{what}_encoding=", fix)
    if fix == exc.fix:
        return exc
    return InputError(
        exc.field, exc.problem, first_row=exc.first_row, n_rows=exc.n_rows, fix=fix
    )


def check_number_text(col: pd.Series, field: str) -> None:
    """Refuse a column of numbers written as text the way some exports write
    them: 1,5 (a decimal comma, from a ';'-separated export), 1,234 (a
    thousands separator: 1234, not 1.234), 1.234.567 (dots between
    thousands). Rows are the positions in *col*; other text is left to the
    caller's own check (which names it as not a number). The values that
    pandas does not read as numbers are judged by
    :func:`custseg._validate.check_number_words`."""
    if pd.api.types.is_numeric_dtype(col.dtype):
        return
    numbers = pd.to_numeric(col, errors="coerce")
    bad = (numbers.isna() & col.notna()).to_numpy()
    if bad.any():
        check_number_words(col.tolist(), bad, field)


def refuse_empty_numbers(
    df: pd.DataFrame, names: Iterable[Hashable], fmt: str = "csv"
) -> None:
    """Refuse the rows of a transactions file whose amount (or quantity, or
    price: each of *names* that *df* has) is missing, said as the file of
    format *fmt* (:func:`table_format`) has it, with a fix a person making
    the file can follow (the library's own message, "missing values (NaN)",
    speaks of pandas' NaN and of options only some functions have): in a
    text table, an empty cell or a missing-value marker (``NA``, ``null``)
    on some lines; in a Parquet file, a null in some rows. Rows are the
    positions in *df*.

    >>> tx = pd.DataFrame({"amount": [5.0, float("nan")]})
    >>> refuse_empty_numbers(tx, ["amount", "absent"])
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'amount' is empty on some lines (an empty cell, or a marker such as NA or null) (first at row 1, 1 row affected): write a number in each, or delete those lines from the file
    >>> refuse_empty_numbers(tx, ["amount"], fmt="parquet")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'amount' is null in some rows (first at row 1, 1 row affected): fill those nulls with a number, or filter those rows out, where the file is made
    """
    if fmt in _TEXT_FORMATS:
        problem = (
            "is empty on some lines (an empty cell, or a marker such as NA or null)"
        )
        fix = "write a number in each, or delete those lines from the file"
    else:
        problem = "is null in some rows"
        fix = (
            "fill those nulls with a number, or filter those rows out, where the "
            "file is made"
        )
    for name in names:
        if name not in df.columns:
            continue
        gaps = np.asarray(df[name].isna(), dtype=bool)
        if gaps.any():
            first, count = first_offender(gaps)
            raise InputError(str(name), problem, first_row=first, n_rows=count, fix=fix)


def _refuse_changed(text: pd.Series, values: np.ndarray, name: str) -> None:
    """Refuse the rows whose *text* is a number float64 changes in *values*
    (only texts of more than 15 significant digits are looked at), or reads
    as 0 though it is not (``1e-400``: below every float64)."""
    zero = np.flatnonzero(values == 0)
    if len(zero):
        tiny = zero[text.iloc[zero].str.contains(_NONZERO_MANTISSA).to_numpy()]
        if len(tiny):
            example = _short(text.iloc[int(tiny[0])].strip())
            raise underflow_error(name, example, int(tiny[0]), len(tiny))
    # at least 16 characters (cheap) before the regular expressions
    maybe = np.flatnonzero((text.str.len() > 15).to_numpy() & ~np.isnan(values))
    some = text.iloc[maybe]
    mantissa = some.str.strip().str.replace(r"[eE].*\Z", "", regex=True)
    digits = mantissa.str.replace(r"[^0-9]", "", regex=True).str.strip("0")
    long = maybe[(digits.str.len() > 15).to_numpy()]
    changed = [
        int(i) for i in long if changed_by_float(text.iloc[int(i)], float(values[i]))
    ]
    if changed:
        first = int(changed[0])
        raise more_digits_error(
            name,
            _short(text.iloc[first].strip()),
            float(values[first]),
            first,
            len(changed),
        )


#: a number's text with a non-zero digit before its exponent (if any)
_NONZERO_MANTISSA = r"\A\s*[^eE]*[1-9]"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def read_table(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    encoding: str | None = None,
    text_columns: str | Iterable[str] = (),
) -> pd.DataFrame:
    """Read a CSV, TSV, TXT or Parquet file (by extension) into a DataFrame.

    Parameters
    ----------
    path
        The file. ``.csv``, ``.tsv`` and ``.txt`` (optionally compressed:
        ``.gz``, ``.zip``, ``.bz2``, ``.xz``) are text; ``.parquet`` / ``.pq``
        need pyarrow.
    sep
        Separator of a text file: one character, ``"tab"`` (or ``"\\t"``) or
        ``"whitespace"`` (runs of spaces and tabs). Default: ``,`` for
        ``.csv``, a tab for ``.tsv``; for ``.txt`` the first line decides (a
        tab, else a comma, else a semicolon, else whitespace).
    encoding
        Text encoding, e.g. ``"gbk"`` or ``"latin-1"`` (default UTF-8, with
        or without a byte order mark).
    text_columns
        Columns of a text file read as text exactly as written, e.g. the
        customer ids or label columns, so ``00017`` keeps its zeros, ids that
        look like numbers stay the same type as the others, and ``NA``,
        ``None``, ``N/A`` or ``null`` are values: only an empty cell is
        missing (the other columns keep pandas' missing markers). Names the
        file does not have are ignored. Parquet columns keep their
        stored types, except ``binary`` ones among these, decoded as UTF-8.
        A pandas index saved in a Parquet file is read as the first columns
        when its levels are named (``customers.to_parquet(...)`` of a frame
        indexed by ``customer_id``), and left out when it is unnamed.

    Returns
    -------
    pandas.DataFrame
        One row per line; spaces after a separator are skipped, but a text
        column that comes first keeps the spaces at the start of a line
        (`` 1`` and ``1`` are two ids).

    Raises
    ------
    InputError
        *path* that is no path, *sep* that is not text, *text_columns* that
        is not a name or a list of names, a missing or empty file, an
        unknown extension, undecodable bytes
        (naming the first one and its line, or the UTF-16 / UTF-32 encoding
        the file looks like), a column named twice, a line with more or
        fewer fields than the header (naming its line), a header that uses another separator, ``binary``
        ids that are not UTF-8, or content that cannot be parsed.

    Warns
    -----
    CustsegWarning
        Text that *encoding* decodes into words few files hold where another
        encoding reads it plainly (cp1252's ``Müller`` read as GBK is
        ``M黮ler``): read as asked, the warning names the other encoding and
        a word both ways. Words as real text writes them are no sign of it:
        product codes (``A型``, ``XL码`` in GBK, ``Aセット`` in Shift JIS),
        prices and sizes (``£10``, ``10m²``), CamelCase names
        (``СберБанк``) among plain ones.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "tx.csv")
    ...     with open(p, "w") as f:
    ...         _ = f.write("customer_id,date,amount\\n00017,2024-01-31,9.5\\n")
    ...     read_table(p, text_columns="customer_id")["customer_id"].tolist()
    ['00017']
    >>> read_table("transactions.xlsx")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'transactions.xlsx' has an unknown file type: use a .csv, .tsv or .txt file (optionally .gz/.zip/.bz2/.xz) or a .parquet file
    """
    _check_path(path)
    check_sep(sep)
    names: Any = _column_names(text_columns, "text_columns")
    return _read_table(path, sep=sep, encoding=encoding, text_columns=names)


def _read_table(
    path: str | os.PathLike[str],
    *,
    sep: str | None = None,
    encoding: str | None = None,
    text_columns: str | Iterable[str] = (),
    sep_fix: str | None = None,
    exact_numbers: Iterable[str] = (),
    date_columns: Iterable[str] = (),
    id_columns: Iterable[Hashable] = (),
) -> pd.DataFrame:
    """:func:`read_table`; *sep_fix* replaces the advice to pass ``sep=``
    when a header looks separated by another character (for the files the
    command line reads by their extension); the float columns of a text file
    named in *exact_numbers* (the amounts) are refused when float64 changes
    one of their numbers (more significant digits than it holds), as integer
    amounts beyond 2**53 are; the columns of a text file named in
    *date_columns* (a date column read with a date format: see
    :func:`text_dates`) are read as the text written, missing where pandas'
    markers say so; the *id_columns* (ids, also named in *text_columns*)
    are refused when written in scientific notation
    (:func:`refuse_scientific_ids`)."""
    df = _read_table_as_is(
        path,
        sep=sep,
        encoding=encoding,
        text_columns=text_columns,
        sep_fix=sep_fix,
        exact_numbers=exact_numbers,
        date_columns=date_columns,
    )
    if table_format(path) != "parquet":
        df = blank_ids_missing(df, id_columns)
    refuse_scientific_ids(df, id_columns)
    return df


def blank_ids_missing(df: pd.DataFrame, names: Iterable[Hashable]) -> pd.DataFrame:
    """*df* (read from a text file) with the cells of its id columns
    *names* that hold blanks only missing, as an empty cell is: a cell of
    spaces is read empty (the reader skips the spaces after a separator),
    and one of a tab, a no-break space (U+00A0, Excel's) or an ideographic
    space (U+3000) is no more an id. Kept, it made every such row -- the
    guest checkouts of an export -- one customer, with no error; missing,
    they are refused, or dropped and counted (``--missing-customer
    drop``). A copy when a cell changes; *df* itself otherwise.

    >>> df = pd.DataFrame({"customer_id": ["c1", "\t", "\xa0", " c2"]})
    >>> blank_ids_missing(df, ["customer_id"])["customer_id"].tolist()
    ['c1', nan, nan, ' c2']
    """
    out = df
    for name in names:
        if name not in df.columns or df[name].dtype.kind not in "OSUT":
            continue
        col = df[name]
        try:  # (vectorised for pandas' str columns; non-text cells: NaN)
            blank = col.str.isspace().fillna(False).to_numpy(dtype=bool)
        except (AttributeError, TypeError):  # (a column of bytes, say)
            continue
        if blank.any():
            if out is df:
                out = df.copy()
            out[name] = col.mask(blank)
    return out


def _read_table_as_is(
    path: str | os.PathLike[str],
    *,
    sep: str | None,
    encoding: str | None,
    text_columns: str | Iterable[str],
    sep_fix: str | None,
    exact_numbers: Iterable[str],
    date_columns: Iterable[str],
) -> pd.DataFrame:
    """:func:`_read_table` before its ids are checked."""
    fmt = table_format(path)
    enc = _check_encoding(encoding)
    file = Path(path)
    # os.path.isfile: False for a NUL or a name too long (Path.is_file raises)
    if not os.path.isfile(file):
        raise InputError(
            str(path), "does not exist or is not a file", fix="check the path"
        )
    if fmt in _TEXT_FORMATS:
        if file.stat().st_size == 0:
            raise InputError(
                str(path),
                f"cannot be read as {fmt}: the file is empty",
                fix="it needs a header line (customer_id,date,amount) and one "
                "line per transaction",
            )
        _check_not_binary(file, fmt)
        columns = [text_columns] if isinstance(text_columns, str) else [*text_columns]
        return _read_text(
            file, fmt, sep, enc, columns, sep_fix, [*exact_numbers], [*date_columns]
        )
    _need_pyarrow()
    columns = [text_columns] if isinstance(text_columns, str) else [*text_columns]
    try:
        _check_header(file, _parquet_names(file), "schema")
        df = _exact_parquet_ints(file, _index_as_columns(pd.read_parquet(file)))
    except (MemoryError, InputError):
        raise
    except Exception as exc:  # pyarrow raises its own types for corrupt files
        raise InputError(
            str(path),
            f"cannot be read as parquet: {_first_line(exc)}",
            fix="check that it is a valid parquet file",
        ) from None
    _check_alike_names(file, [str(c) for c in df.columns], "schema", stacklevel=3)
    for name in columns:
        if name in df.columns:
            df[name] = _bytes_as_text(df[name], name, str(path))
    return df


def _exact_parquet_ints(file: Path, df: pd.DataFrame) -> pd.DataFrame:
    """*df* (read from the Parquet *file*) with its integer columns that
    hold a missing value as pandas' nullable integers of the same width:
    pandas reads them as ``float64``, which rounds integers past 2**53 (a
    card number ``6222021234567890123`` as ``...889920``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(file)
    names = [
        f.name
        for f in schema
        if pa.types.is_integer(f.type)
        and f.name in df.columns
        and df[f.name].dtype.kind == "f"
    ]
    if not names:
        return df
    table = pq.read_table(file, columns=names)
    df = df.copy(deep=False)
    for name in names:
        t = table.schema.field(name).type
        dtype = pd.api.types.pandas_dtype(
            f"{'U' if pa.types.is_unsigned_integer(t) else ''}Int{t.bit_width}"
        )
        column = table.column(name).to_pandas(types_mapper={t: dtype}.get)
        df[name] = column.array  # (by position: the rows of the same file)
    return df


def read_checked(
    path: str | os.PathLike[str],
    *,
    numbers: Iterable[Hashable],
    sep: str | None = None,
    encoding: str | None = None,
    text_columns: str | Iterable[str] = (),
    sep_fix: str | None = None,
    date_columns: Iterable[str] = (),
    id_columns: Iterable[Hashable] = (),
) -> pd.DataFrame:
    """:func:`read_table` with the columns of *numbers* (amounts, points,
    capacities) checked as ``custseg segment`` checks its amounts: a number
    float64 would change (``0.99999999999999999``), ``1.500`` in a file not
    separated by commas (a thousands separator or a decimal point?), a
    decimal comma or a thousands separator is an
    :class:`~custseg.errors.InputError`, never a silent reading. Names the
    file does not have are ignored; *date_columns* are read as text
    (:func:`text_dates`); *id_columns* in scientific notation are refused
    (:func:`refuse_scientific_ids`)."""
    checked = [c for c in numbers if isinstance(c, str)]
    df = _read_table(
        path,
        sep=sep,
        encoding=encoding,
        text_columns=text_columns,
        sep_fix=sep_fix,
        exact_numbers=checked,
        date_columns=date_columns,
        id_columns=id_columns,
    )
    for name in checked:
        if name in df.columns:
            check_number_text(df[name], name)
    return df


def text_dates(date: Hashable, date_format: object) -> list[str]:
    """The date column to read as text from a text file: *date* when the
    date format has a dot outside its directives (``'%m.%Y'``,
    ``'%Y.%m'``), where a cell such as ``10.2020`` reads as the number
    10.202, its last zero lost; else none: other formats read from numbers
    as the numbers are (``2012024`` in ``'%d%m%Y'`` is a number that lost
    its leading zero, padded back to ``02012024``; ``20240102.0`` a whole
    float), and ISO 8601 text stays text either way.

    >>> text_dates("date", "%m.%Y"), text_dates("date", "%d%m%Y"), text_dates("date", None)
    (['date'], [], [])
    """
    if not isinstance(date_format, str) or not isinstance(date, str):
        return []
    literal = re.sub(r"%.", "", date_format.replace("%%", ""))
    return [date] if "." in literal else []


def _parquet_names(path: Path) -> list[str]:
    """The columns of a Parquet file as :func:`read_table` gives them: the
    named levels of a pandas index saved with it first (``to_parquet`` of a
    frame indexed by ``customer_id`` stores the ids there), then the other
    columns; an unnamed index (row numbers) is no column."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    stored, named = _parquet_index(schema)
    return [*named, *(str(n) for n in schema.names if n not in stored)]


def _parquet_index(schema: Any) -> tuple[set[str], list[str]]:
    """The fields holding a pandas index saved in a Parquet *schema*, and
    the names of its named levels, in order."""
    try:
        meta = schema.pandas_metadata or {}
    except Exception:  # metadata written by something else: no index
        return set(), []
    fields = [c for c in meta.get("index_columns", ()) if isinstance(c, str)]
    name_of = {
        c.get("field_name"): c.get("name")
        for c in meta.get("columns", ())
        if isinstance(c, dict)
    }
    named = []
    for c in meta.get("index_columns", ()):
        if isinstance(c, str) and name_of.get(c) is not None:
            named.append(str(name_of[c]))
        elif isinstance(c, dict) and c.get("name") is not None:
            # a named RangeIndex: no field, only its name in the metadata
            named.append(str(c["name"]))
    return set(fields), named


def _index_as_columns(df: pd.DataFrame) -> pd.DataFrame:
    """*df* read from Parquet with the named levels of its index as its
    first columns and the unnamed ones (row numbers) let go: a results file
    saved with ``customers.to_parquet(...)`` keeps its ``customer_id``."""
    if isinstance(df.index, pd.RangeIndex) and df.index.name is None:
        return df
    named = [n for n in df.index.names if n is not None]
    out = df.reset_index(level=named) if named else df
    return out.reset_index(drop=True)


def _bytes_as_text(col: pd.Series, name: str, path: str) -> pd.Series:
    """A Parquet ``binary`` column read as text (ids, labels, records) as
    the UTF-8 text it holds; bytes that are not UTF-8 are an error naming
    the column (and the file, which :func:`in_file` may name otherwise)."""
    if col.dtype != object:
        return col
    values = col.to_numpy(dtype=object)
    is_bytes = np.fromiter(
        (isinstance(v, bytes | bytearray) for v in values), bool, len(values)
    )
    if not is_bytes.any():
        return col
    out = values.copy()
    for i in np.flatnonzero(is_bytes):
        try:
            out[i] = bytes(values[i]).decode("utf-8")
        except UnicodeDecodeError:
            bad = np.fromiter(
                (isinstance(v, bytes | bytearray) and not _utf8(v) for v in values),
                bool,
                len(values),
            )
            raise InputError(
                name,
                f"{_OF_FILE}{path!r} holds bytes that are not UTF-8 text, such "
                f"as {_short(bytes(values[i]))}",
                first_row=int(i),
                n_rows=int(bad.sum()),
                fix=f"store {name!r} as text (a string column; binary data "
                "such as hashes as hex text), or as UTF-8 bytes",
            ) from None
    return pd.Series(out, index=col.index, name=col.name)


#: How :func:`_bytes_as_text` names the file, which :func:`in_file` replaces.
_OF_FILE = "of "


def _utf8(value: bytes | bytearray) -> bool:
    try:
        bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def table_columns(
    path: str | os.PathLike[str], sep: str | None = None, encoding: str | None = None
) -> list[str]:
    """The column names of a table file (its header line, read with *sep*
    and *encoding*, or its Parquet schema), or ``[]`` if it cannot be read
    (:func:`read_table` then reports the problem properly)."""
    try:
        fmt = table_format(path)
        file = Path(path)
        if not os.path.isfile(file):  # a FIFO or a device would never end
            return []
        if fmt == "parquet":
            return _parquet_names(file)
        enc = _check_encoding(encoding)
        resolved = _resolve_sep(sep, fmt, file, enc)
        common: dict[str, Any] = {"sep": resolved, "encoding": enc}
        mended = _mended_text(file, common)
        if mended is not None:
            common["text"] = mended
        return _header_names(file, common)
    except Exception:
        return []


_DATE_FIX = (
    "use ISO 8601 dates (2024-01-31 or 2024-01-31 14:05:00) or YYYYMMDD "
    "(20240131), or give the format with date_format= (on the command line: "
    "--date-format, e.g. '%d/%m/%Y')"
)
_NUMBER_FIX = (
    "store dates as text (2024-01-31) or YYYYMMDD numbers (20240131); convert "
    "other numbers (Unix time, spreadsheet serial days) to dates first"
)


def _bad_values(
    col: pd.Series, bad: np.ndarray, name: str, problem: str, fix: str
) -> InputError:
    first = int(np.argmax(bad))
    value = wide_number(col.iloc[first])  # a float128: the decimal it prints as
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    elif isinstance(value, np.generic):
        value = value.item()
    # a Decimal as written (20240101.50), not as Decimal('20240101.50')
    shown = str(value) if isinstance(value, decimal.Decimal) else repr(value)
    return InputError(
        name,
        f"{problem}, such as {shown}",
        first_row=first,
        n_rows=int(bad.sum()),
        fix=fix,
    )


def _fraction_dropped(col: pd.Series) -> np.ndarray:
    """Where a number date held exactly (a ``Decimal``, an Arrow decimal,
    an ``np.longdouble``, a ``Fraction``) is not a whole number, though its
    float64 may be (``20240101.0000000001`` is ``20240101.0``): such a
    value is no ``YYYYMMDD`` date, as ``20240101.5`` is none (Boolean,
    False where missing).

    >>> from decimal import Decimal
    >>> _fraction_dropped(pd.Series([Decimal("20240101.0000000001"), Decimal("20240102"), None])).tolist()
    [True, False, False]
    """
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize > 8:
        x = col.to_numpy()  # np.longdouble
        with np.errstate(all="ignore"):
            return np.isfinite(x) & (np.floor(x) != x)
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is not None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if not pa.types.is_decimal(arrow) or arrow.scale <= 0:
            return np.zeros(len(col), dtype=bool)  # (no fraction to drop)
        arr = pa.array(col)
        if not pa.types.is_decimal256(arrow):  # decimal32/64: no floor kernel
            arr = arr.cast(pa.decimal128(arrow.precision, arrow.scale))
        return np.asarray(
            pc.fill_null(pc.not_equal(arr, pc.floor(arr)), False), dtype=bool
        )
    if not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
        return np.zeros(len(col), dtype=bool)
    out = np.zeros(len(col), dtype=bool)
    for i, x in enumerate(col.tolist()):
        if isinstance(x, decimal.Decimal):
            out[i] = x.is_finite() and x != x.to_integral_value()
        elif isinstance(x, numbers.Rational) and not isinstance(x, numbers.Integral):
            out[i] = x.denominator != 1  # a Fraction
        elif isinstance(x, np.floating) and x.dtype.itemsize > 8:
            out[i] = bool(np.isfinite(x) and np.floor(x) != x)
    return out


#: the significand bits of the narrow floats: a whole number is held exactly
#: only below 2**bits (float32 stores 20240103 as 20240104)
NARROW_FLOAT_BITS = {"float16": 11, "float32": 24}


def narrow_date_problem(type_name: str) -> str:
    """The problem of number dates held in the narrow float *type_name*
    (``float32``, ``float16``), past the whole numbers it holds exactly:
    worded alike on every path.

    >>> narrow_date_problem("float32")
    'holds dates as float32 numbers, which hold whole numbers exactly only below 16,777,216: every YYYYMMDD date from 1678 on is past it and may be stored as another day (20240103 as 20240104)'
    """
    bound = 2 ** NARROW_FLOAT_BITS[type_name]
    return (
        f"holds dates as {type_name} numbers, which hold whole numbers exactly "
        f"only below {bound:,}: every YYYYMMDD date from 1678 on is past it and "
        "may be stored as another day (20240103 as 20240104)"
    )


NARROW_DATE_FIX = (
    "store the dates as integers (int64) or text where they are written: "
    "the float column no longer holds the day written, so no cast brings it "
    "back"
)


def _narrow_type(dtype: Any) -> str | None:
    """``float32`` or ``float16`` when *dtype* holds such floats (NumPy,
    pandas' nullable ``Float32``, Arrow's ``float`` and ``halffloat``),
    else None."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is not None:
        import pyarrow as pa

        if pa.types.is_float32(arrow):
            return "float32"
        return "float16" if pa.types.is_float16(arrow) else None
    numpy = getattr(dtype, "numpy_dtype", dtype)  # pandas' Float32
    if isinstance(numpy, np.dtype) and numpy.kind == "f" and numpy.itemsize < 8:
        return str(numpy)
    return None


def _narrow_past_exact(col: pd.Series) -> tuple[np.ndarray, str | None]:
    """Where *col* holds a ``float32`` or ``float16`` number at or past the
    whole numbers its type holds exactly (2**24, 2**11: such a number may
    be the rounding of another, 20240103 stored as 20240104), and the
    type's name (Boolean mask, False where missing or infinite). An object
    column is read value by value (``np.float32`` scalars).

    >>> mask, kind = _narrow_past_exact(pd.Series([20240104, 240103, None], dtype="float32"))
    >>> mask.tolist(), kind
    ([True, False, False], 'float32')
    """
    kind = _narrow_type(col.dtype)
    if kind is not None:
        with np.errstate(all="ignore"):
            x = np.abs(col.to_numpy(dtype=np.float64, na_value=np.nan))
        return np.isfinite(x) & (x >= 2 ** NARROW_FLOAT_BITS[kind]), kind
    if not (isinstance(col.dtype, np.dtype) and col.dtype.kind == "O"):
        return np.zeros(len(col), dtype=bool), None
    out = np.zeros(len(col), dtype=bool)
    for i, x in enumerate(col.tolist()):
        if isinstance(x, np.floating) and x.dtype.itemsize < 8:
            past = (
                bool(np.isfinite(x))
                and abs(float(x)) >= 2 ** NARROW_FLOAT_BITS[str(x.dtype)]
            )
            if past:
                out[i] = True
                kind = kind or str(x.dtype)
    return out, kind


def _numeric_dates(
    col: pd.Series, name: str, date_format: str | None, written: pd.Series | None = None
) -> pd.Series:
    """YYYYMMDD numbers (or numbers in *date_format*) to datetimes; a
    refusal quotes the value of *written* (the column as given: Decimals
    before they were read as floats), else of *col*."""
    shown = col if written is None else written
    if pd.api.types.is_bool_dtype(col.dtype):
        raise InputError(name, f"holds {col.dtype} values, not dates", fix=_NUMBER_FIX)
    narrow, narrow_kind = _narrow_past_exact(shown)
    if narrow_kind is not None and narrow.any():
        # float32 keeps every second whole number from 2**24 on: 20240103
        # is stored as 20240104, a day no one wrote
        raise _bad_values(
            shown, narrow, name, narrow_date_problem(narrow_kind), NARROW_DATE_FIX
        )
    with np.errstate(all="ignore"):  # (a float128 beyond float64: inf)
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    whole = ~missing & (np.abs(values) < 1e15) & (np.floor(values) == values)
    # an exact number whose fraction float64 drops (20240101.0000000001)
    whole &= ~_fraction_dropped(shown)
    if date_format is None:
        whole &= (values >= 1000_01_01) & (values <= 9999_12_31)
    bad = ~missing & ~whole
    if bad.any():
        raise _bad_values(
            shown,
            bad,
            name,
            "holds numbers that are not YYYYMMDD dates"
            if date_format is None
            else f"holds numbers that cannot match the date format {date_format!r}",
            _NUMBER_FIX,
        )
    digits = np.char.mod("%d", np.where(whole, values, 0).astype(np.int64))
    width = _digit_width(date_format) if date_format is not None else None
    if width is not None:
        # 02012024 in '%d%m%Y' was read as the number 2012024: its zeros are
        # put back (else %d and %m pair the digits anew: 20 January)
        bad = ~missing & ((values < 0) | (np.char.str_len(digits) > width))
        if bad.any():
            raise _bad_values(
                shown,
                bad,
                name,
                f"holds numbers that cannot match the date format {date_format!r}",
                _NUMBER_FIX,
            )
        digits = np.char.zfill(digits, width)
    text = pd.Series(np.where(missing, "", digits), index=col.index).where(~missing)
    fmt = date_format or "%Y%m%d"
    parsed = _to_datetime(text, name, fmt)
    bad = (parsed.isna() & ~missing).to_numpy()
    if bad.any():
        raise _bad_values(
            shown,
            bad,
            name,
            "holds numbers that are not YYYYMMDD dates"
            if date_format is None
            else f"has values that do not match the date format {date_format!r}",
            _NUMBER_FIX if date_format is None else _DATE_FIX,
        )
    _refuse_far_years(shown, parsed, name)
    parsed.name = col.name
    return parsed


def _refuse_other_widths(col: pd.Series, name: str, date_format: str) -> None:
    """Refuse text dates of digits alone whose count is not the width of an
    all-digit *date_format* (``'2012024'`` in ``'%d%m%Y'``, 8 digits).
    strptime pairs such digits as it can (``20`` / ``1`` / ``2024``: 20
    January), so the same day read from the number 2012024 (padded back to
    ``02012024``: 2 January) or by the engines (which refuse it) would be
    another day. Blanks around a date do not count (``' 2012024'`` is 7
    digits, which strptime read as 2 January). Formats that are not digits
    alone (``'%d/%m/%Y'``) read unpadded days as before.

    >>> _refuse_other_widths(pd.Series(["02012024", None]), "date", "%d%m%Y")
    >>> _refuse_other_widths(pd.Series(["2012024"]), "date", "%d%m%Y")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has dates whose digits do not fill the date format '%d%m%Y' (8 digits), such as '2012024' (first at row 0, 1 row affected): write every date with its 8 digits, leading zeros included ('2012024' padded is '02012024', 2024-01-02; as written, strptime would pair its digits anew, as 2024-01-20), or pass the dates as numbers, whose lost leading zeros custseg puts back
    """
    width = _digit_width(date_format)
    if width is None:
        return
    cells = col.to_numpy(dtype=object)
    wrong = []  # distinct values first: a date column repeats its days
    for x in pd.unique(cells):
        if isinstance(x, str) and of_other_width(x, width):
            wrong.append(x)
    if not wrong:
        return
    bad = pd.Series(cells, dtype=object).isin(wrong).to_numpy()
    problem, fix = width_refusal(str(cells[int(np.argmax(bad))]), date_format)
    raise _bad_values(col, bad, name, problem, fix)


def width_refusal(text: str, date_format: str) -> tuple[str, str]:
    """The problem and fix of a refusal of text dates such as *text*, of
    digits alone (blanks around them aside), whose count is not the width
    of the all-digit *date_format*: the pandas path's words
    (:func:`_refuse_other_widths`), which the engines give too.

    >>> width_refusal("202401021", "%Y%m%d")[1]
    "write every date with exactly 8 digits, as the date format '%Y%m%d' has, or give the format the dates are written in (date_format=; on the command line: --date-format)"
    """
    width = _digit_width(date_format)
    first = text.strip()
    if width is not None and len(first) < width:
        padded = first.zfill(width)
        fix = (
            f"write every date with its {width} digits, leading zeros included "
            f"({first!r} padded is {padded!r}{_day_in(padded, date_format)}; as "
            "written, strptime would pair its digits anew"
            f"{_day_in(first, date_format, 'as ')}), or pass the dates as "
            "numbers, whose lost leading zeros custseg puts back"
        )
    else:
        fix = (
            f"write every date with exactly {width} digits, as the date format "
            f"{date_format!r} has, or give the format the dates are written in "
            "(date_format=; on the command line: --date-format)"
        )
    problem = (
        f"has dates whose digits do not fill the date format {date_format!r} "
        f"({width} digits)"
    )
    return problem, fix


def _day_in(text: str, date_format: str, before: str = "") -> str:
    """``", 2024-01-02"`` (with *before* after the comma): the day strptime
    reads *text* in *date_format* as; empty when it reads none.

    >>> _day_in("02012024", "%d%m%Y"), _day_in("2012024", "%d%m%Y", "as ")
    (', 2024-01-02', ', as 2024-01-20')
    >>> _day_in("99999999", "%d%m%Y")
    ''
    """
    import datetime as dt

    try:
        day = dt.datetime.strptime(text, date_format)
    except ValueError:
        return ""
    shown = day.date().isoformat() if day.time() == dt.time() else day.isoformat(" ")
    return f", {before}{shown}"


def _refuse_far_years(col: pd.Series, parsed: pd.Series, name: str) -> None:
    """InputError for the dates of *parsed* (read from the text or numbers
    of *col*, quoted as written) outside the years 1 to 9999, which pandas
    reads at a resolution coarser than nanoseconds (``0000-08-15``, ``815``
    in ``'%Y%m%d'``) and every engine refuses. Only a pandas datetime column
    not in nanoseconds can hold one. Datetime values of *col* (Timestamps,
    ``datetime64`` in an object or categorical column) keep any year, as a
    datetime column keeps it.

    >>> text = pd.Series(["2024-01-01", "0000-08-15"])
    >>> _refuse_far_years(text, pd.to_datetime(text, format="ISO8601"), "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' has dates outside the years 1 to 9999, such as '0000-08-15' (first at row 1, 1 row affected): correct them (a year has 4 digits, from 0001 to 9999), or leave the cells of unknown dates empty
    """
    dtype = parsed.dtype
    if getattr(dtype, "unit", None) == "ns":  # 1677 to 2262: none there
        return
    if isinstance(dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)  # the wall time's day
    elif not (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        return
    far = far_days(parsed.to_numpy())
    if (
        far is not None
        and col.dtype != object
        and not isinstance(col.dtype, pd.CategoricalDtype)
    ):
        raise _bad_values(col, far, name, FAR_YEARS, FAR_YEARS_FIX)
    if far is not None:
        # only text and numbers: datetime values (Timestamps, datetime64 in
        # an object or categorical column) keep any year, as a datetime
        # column and custseg.summarize keep them
        cells = col.to_numpy(dtype=object)
        far &= np.fromiter(
            (isinstance(x, str | numbers.Number) for x in cells.tolist()),
            dtype=bool,
            count=len(cells),
        )
        if far.any():
            raise _bad_values(col, far, name, FAR_YEARS, FAR_YEARS_FIX)


_DIGIT_WIDTHS = {"Y": 4, "m": 2, "d": 2, "y": 2, "H": 2, "M": 2, "S": 2, "j": 3}


def of_other_width(text: str, width: int) -> bool:
    """Whether the text date *text* is digits alone (blanks around it
    aside) of another count than *width*, an all-digit format's
    (:func:`_digit_width`): the dates :func:`_refuse_other_widths` refuses,
    and the engines too.

    >>> of_other_width(" 2012024", 8), of_other_width("02012024", 8), of_other_width("2/1/24", 8)
    (True, False, False)
    """
    t = text.strip()
    return t.isascii() and t.isdigit() and len(t) != width


def _digit_width(date_format: str) -> int | None:
    """How many digits a date in *date_format* has when the format is digits
    only, each of a fixed width (``'%d%m%Y'``: 8), else None.

    >>> _digit_width("%d%m%Y"), _digit_width("%y%m%d%H%M"), _digit_width("%d/%m/%Y")
    (8, 10, None)
    """
    parts = re.findall(r"%.|.", date_format, flags=re.DOTALL)
    width = 0
    for part in parts:
        if part.startswith("%") and len(part) == 2 and part[1] in _DIGIT_WIDTHS:
            width += _DIGIT_WIDTHS[part[1]]
        elif part.isascii() and part.isdigit():
            width += 1
        else:
            return None
    return width or None


def foreign_text(date_format: str) -> str:
    """A regular expression (Python's, Rust's and RE2's alike) matching a
    character of a date's text that is neither ASCII nor one of
    *date_format*'s own (``%Y年%m月%d日``): full-width or other digits.

    >>> import re
    >>> bool(re.search(foreign_text("%Y年%m月%d日"), "2024年01月05日"))
    False
    >>> bool(re.search(foreign_text("%Y-%m-%d"), "２０２４-01-05"))
    True
    """
    words = "".join(sorted({c for c in date_format if not c.isascii()}))
    return f"[^\\x00-\\x7f{re.escape(words)}]"


def _foreign_digits(col: pd.Series, parsed: pd.Series, date_format: str) -> pd.Series:
    """*parsed* with the dates whose text holds characters other than ASCII
    and the format's own (``%Y年%m月%d日``) made missing (not dates):
    ``strptime`` reads full-width and other digits (``２０２４-01-05``),
    which a date without a format, an amount and every engine refuse."""
    try:
        found = col.str.contains(foreign_text(date_format), regex=True, na=False)
    except AttributeError:  # no text at all (datetimes, numbers)
        return parsed
    foreign = found.to_numpy(dtype=bool, na_value=False)
    return parsed.mask(foreign) if foreign.any() else parsed


def _to_datetime(col: pd.Series, name: str, date_format: str) -> pd.Series:
    try:
        return _read_dates(col, date_format)
    except MemoryError:
        raise
    except Exception as exc:  # ValueError, re.error: the format itself is bad
        if date_format == "ISO8601":
            raise
        if "%z" in date_format and "Mixed timezones" in str(exc):
            return _mixed_offsets(col, date_format)
        raise _format_error(date_format, exc) from None


def _no_leap_seconds(col: pd.Series, parsed: pd.Series, date_format: str) -> pd.Series:
    """*parsed* with NaT for a second 60 or 61 read by ``%S`` (a leap
    second, ``23:59:60``): pandas rolls it into the next minute, so the
    purchase would move to the next day; the ISO reader and ``strptime``
    refuse it. Only rows whose parsed second is 0 or 1 are looked at.

    >>> _no_leap_seconds(pd.Series(["2016-12-31 23:59:60", "2060-01-01 00:00:00"]),
    ...     pd.to_datetime(pd.Series(["2017-01-01", "2060-01-01"])),
    ...     "%Y-%m-%d %H:%M:%S").tolist()
    [NaT, Timestamp('2060-01-01 00:00:00')]
    """
    pattern = leap_second_pattern(date_format) if len(parsed) else None
    if pattern is None:
        return parsed
    wall = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    rows = np.flatnonzero((wall.dt.second <= 1).to_numpy(dtype=bool))
    if not len(rows):
        return parsed
    # one vectorised match of the rows read at second 0 or 1 (a column of
    # whole minutes has them all)
    # the pattern finds any reading of the whole text with a second of 60
    # or 61; of digits without a separator there may be several, so a row
    # is one only when strptime's own reading is (the full-width
    # 20200219061600 has no other; a shorter text may)
    leap = rows[_matches(col.iloc[rows], pattern + r"\s*$")].tolist()
    leap = [i for i in leap if _leap_text(col.iloc[i], date_format)]
    if not leap:
        return parsed
    out = parsed.copy()
    out.iloc[leap] = pd.NaT
    return out


#: a time of day whose second is 60 or 61 at the end of a text date
_LEAP = re.compile(r"\d:6[01](?:[.,]\d+)?(?:Z|[+-]\d\d(?::?\d\d)?)?$")


def _leap_text(text: object, date_format: str | None) -> bool:
    """Whether *text* is a date whose second is 60 or 61: read by ``%S`` of
    *date_format* (strptime's own pattern of it), or at the end of an ISO
    time of day without a format.

    >>> _leap_text("20161231235960", "%Y%m%d%H%M%S"), _leap_text("2016-12-31 23:59:61", None)
    (True, True)
    >>> _leap_text("2060-01-01 00:00:00", "%Y-%m-%d %H:%M:%S")
    False
    >>> _leap_text("20200219061600", "%Y%m%d%H%M%S")  # 06:16:00, not 06:1:60
    False
    """
    if not isinstance(text, str):
        return False
    if date_format is None:
        return _LEAP.search(text.strip()) is not None
    if leap_second_pattern(date_format) is None:
        # no %S, or a format strptime cannot read: pandas' verdict stands
        return False
    # strptime's one reading of the text: the first match of its pattern,
    # which must read the whole text ("20200219061600" is 06:16:00, though
    # its digits can also be read 06:1:60)
    found = re.match(str(strptime_pattern(date_format)), text.strip(), re.IGNORECASE)
    return (
        found is not None
        and found.end() == len(text.strip())
        and found.group("S") in ("60", "61")
    )


def _matches(text: pd.Series, pattern: str) -> np.ndarray:
    """Whether each value of *text* (blanks around it skipped) matches
    *pattern* (``(?i)^...``, :func:`leap_second_pattern`'s); False for a
    value that is not text. Arrow's regex kernel when pyarrow is at hand
    (pandas' ``str.contains`` runs Python's re for an inline flag: ten times
    slower on a million rows)."""
    body = r"^\s*" + pattern.removeprefix("(?i)^")
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        found = re.compile(body, re.IGNORECASE)
        return np.fromiter(
            (isinstance(x, str) and found.match(x) is not None for x in text.tolist()),
            bool,
            len(text),
        )
    if isinstance(text.dtype, pd.StringDtype) or str(text.dtype).startswith("string"):
        arr = pa.array(text.array)  # already text (Arrow's, or Python's)
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = arr.cast(pa.string())
    else:
        values = [x if isinstance(x, str) else None for x in text.tolist()]
        arr = pa.array(values, type=pa.string())
    hit = pc.match_substring_regex(arr, body, ignore_case=True).fill_null(False)
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


def leap_second_pattern(date_format: str) -> str | None:
    r"""A regular expression (for every engine's regex dialect: no named
    groups) of the text *date_format* reads with a second of 60 or 61 (a
    leap second, which pandas and engines roll into the next minute); None
    without ``%S`` or when strptime's pattern for the format is not at hand.

    >>> import re
    >>> pat = leap_second_pattern("%Y-%m-%d %H:%M:%S")
    >>> bool(re.search(pat, "2016-12-31 23:59:60")), bool(re.search(pat, "2060-01-01 00:00:00"))
    (True, False)
    """
    pattern = (
        strptime_pattern(date_format) if "%S" in date_format.replace("%%", "") else None
    )
    seconds = r"(?P<S>6[0-1]|[0-5]\d|\d)"
    if pattern is None or seconds not in pattern:
        return None
    pattern = pattern.replace(seconds, "(?:6[01])")
    # (any reading of the text with such a second: digits without a
    # separator can be read several ways, so the pandas path checks the
    # rows it finds with strptime's own reading, and the engines match the
    # whole text, end anchored)
    return "(?i)^" + re.sub(r"\(\?P<\w+>", "(?:", pattern)


@functools.lru_cache(maxsize=64)
def strptime_pattern(date_format: str) -> str | None:
    """The regular expression :func:`datetime.datetime.strptime` matches
    text against for *date_format* (one named group per directive, ``S``
    for ``%S``; read case-insensitively); None for a format it cannot read.

    >>> print(strptime_pattern("%M:%S"))
    (?P<M>[0-5]\\d|\\d):(?P<S>6[0-1]|[0-5]\\d|\\d)
    """
    import importlib

    try:  # the standard library's strptime module (private, hence no stubs)
        module: Any = importlib.import_module("_strptime")
        return str(module._TimeRE_cache.pattern(date_format))
    except Exception:  # a bad directive (checked elsewhere), or another Python
        return None


def year_zero_pattern(date_format: str) -> str | None:
    """The regular expression of the text strptime would read with
    *date_format* but for its year, ``0000`` (``15.08.0000`` in
    ``'%d.%m.%Y'``): a day outside the years 1 to 9999, which strptime
    refuses as no date and the engines read; None for a format without
    ``%Y``.

    >>> import re
    >>> bool(re.fullmatch(year_zero_pattern("%d.%m.%Y"), "15.08.0000"))
    True
    >>> bool(re.fullmatch(year_zero_pattern("%d.%m.%Y"), "15.08.2024"))
    False
    """
    pattern = strptime_pattern(date_format)
    year = r"(?P<Y>\d\d\d\d)"
    if pattern is None or year not in pattern:
        return None
    return pattern.replace(year, "(?P<Y>0000)")


def _year_zero_rows(col: pd.Series, date_format: str) -> np.ndarray:
    """The rows of *col* that are text of *date_format* in the year 0
    (:func:`year_zero_pattern`), blanks around them skipped."""
    pattern = year_zero_pattern(date_format)
    if pattern is None:
        return np.zeros(len(col), dtype=bool)
    zero = re.compile(pattern, re.IGNORECASE)
    return np.fromiter(
        (
            isinstance(x, str) and zero.fullmatch(x.strip()) is not None
            for x in col.tolist()
        ),
        dtype=bool,
        count=len(col),
    )


# a trailing strptime %z: Z, +HH, +HHMM, +HH:MM, with seconds and fractions
_OFFSET_TAIL = re.compile(r"(?:Z|[+-]\d\d(?::?\d\d(?::?\d\d(?:\.\d{1,6})?)?)?)$")


def _mixed_offsets(col: pd.Series, date_format: str) -> pd.Series:
    """Text dates in *date_format* (with ``%z``) whose UTC offsets differ (a
    year of a zone with summer time, several shops): each read as the local
    time written, as ISO text with offsets is, naive; not a date: NaT.

    >>> _mixed_offsets(pd.Series(["2024-01-31 23:30+0100", "2024-07-01 00:30+0200",
    ...                           "2024-07-01", None]), "%Y-%m-%d %H:%M%z").tolist()
    [Timestamp('2024-01-31 23:30:00'), Timestamp('2024-07-01 00:30:00'), NaT, NaT]
    """
    values = col.to_numpy(dtype=object)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    text = [v if isinstance(v, str) else None for v in values]
    if date_format.endswith("%z"):
        # rows of one written offset parse together, vectorised
        keys = np.array(
            [
                ""
                if t is None
                else (m.group(0) if (m := _OFFSET_TAIL.search(t)) else "")
                for t in text
            ],
            dtype=object,
        )
        for key in dict.fromkeys(keys.tolist()):
            rows = np.flatnonzero(keys == key)
            part = pd.to_datetime(
                pd.Series(values[rows], dtype=object),
                format=date_format,
                errors="coerce",
            )
            if isinstance(part.dtype, pd.DatetimeTZDtype):
                part = part.dt.tz_localize(None)
            out[rows] = part.to_numpy(dtype="datetime64[ns]")
    else:  # an offset inside the text: each distinct value on its own
        import datetime as _dt

        seen: dict[str, np.datetime64] = {}
        for i, t in enumerate(text):
            if t is None:
                continue
            if t not in seen:
                try:
                    day = _dt.datetime.strptime(t, date_format).replace(tzinfo=None)
                    seen[t] = np.datetime64(day, "ns")
                except ValueError:
                    seen[t] = np.datetime64("NaT", "ns")
            out[i] = seen[t]
    return pd.Series(out, index=col.index, name=col.name)


_FORMAT_FIX = "use strftime codes, e.g. '%d/%m/%Y' or '%Y%m%d %H:%M'"


def _format_error(date_format: object, exc: BaseException | None) -> InputError:
    why = f": {_first_line(exc)}" if exc is not None else ""
    return InputError(
        "date_format",
        f"{_short(date_format)} cannot be used{why}",
        fix=_FORMAT_FIX,
    )


def check_date_format(date_format: object, *, command_line: bool = True) -> str | None:
    """*date_format* if pandas can parse dates with it; ``None`` for the default.

    ``None`` and ``"ISO8601"`` mean the default (ISO 8601 text, ``YYYYMMDD``
    numbers). Blanks at the format's ends are dropped (the dates are read
    without the blanks around them, on every engine): ``" %Y-%m-%d"`` is
    ``"%Y-%m-%d"``. A format must name the year: ``%Y``, ``%y``, ``%G`` (with
    ``%V`` and a weekday) or the locale's date ``%c`` / ``%x``; strptime
    reads a date without one in 1900 (``'%m/%d'``, ``'%d %b'``, a time
    alone ``'%H:%M'``), a guess no purchase date can be made of.
    ``command_line=False``: for a function no command runs, whose fix then
    names no ``--date-format``.

    Raises
    ------
    InputError
        Not a string, empty, a format pandas refuses (``%Q``, a directive
        given twice such as ``%Y%Y``), or one with no year.

    Examples
    --------
    >>> check_date_format("%d/%m/%Y")
    '%d/%m/%Y'
    >>> check_date_format(" %d/%m/%Y  ")  # blanks at the ends read nothing
    '%d/%m/%Y'
    >>> check_date_format("%Y%Y")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date_format' '%Y%Y' cannot be used: redefinition of group name 'Y' as group 2; was group 1 at position 19: use strftime codes, e.g. '%d/%m/%Y' or '%Y%m%d %H:%M'
    >>> check_date_format("%m/%d")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date_format' '%m/%d' names no year (%Y, %y): every date would be read in the year 1900: write the year in the dates and add it to the format, e.g. date_format='%m/%d/%Y' (on the command line: --date-format '%m/%d/%Y')
    >>> check_date_format("%m/%d", command_line=False)
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date_format' '%m/%d' names no year (%Y, %y): every date would be read in the year 1900: write the year in the dates and add it to the format, e.g. date_format='%m/%d/%Y'
    """
    if date_format is None:
        return None
    if (
        not isinstance(date_format, str)
        or not date_format.strip()
        or "\0" in date_format
    ):
        raise InputError(
            "date_format",
            f"must be a non-empty strftime format, got {_short(date_format)}",
            fix=_FORMAT_FIX,
        )
    # blanks at its ends read nothing: the dates are read without the
    # blanks around them (padded exports), on every path and engine alike
    # (strptime would want one blank or more there, the engines exactly
    # the ones written)
    date_format = date_format.strip()
    if date_format.upper() == "ISO8601":
        return None  # the default for text
    probe = pd.Series(["2024-01-31"], dtype=object)
    try:
        pd.to_datetime(probe, format=date_format, errors="coerce")
    except MemoryError:
        raise
    except Exception as exc:  # ValueError, re.error (pandas' strptime machinery)
        raise _format_error(date_format, exc) from None
    if not _YEAR_DIRECTIVES & _directives(date_format):
        example = _with_year(date_format)
        raise InputError(
            "date_format",
            f"{_short(date_format)} names no year (%Y, %y): every date would be "
            "read in the year 1900",
            fix="write the year in the dates and add it to the format, e.g. "
            f"date_format={example!r}"
            + (
                f" (on the command line: --date-format {example!r})"
                if command_line
                else ""
            ),
        )
    return date_format


#: The strptime directives that read a year: %c and %x are the locale's
#: date (and time), with its year; %G is the ISO year (pandas requires %V
#: and a weekday with it)
_YEAR_DIRECTIVES = frozenset("YyGcx")


def _directives(date_format: str) -> set[str]:
    """The letters of *date_format*'s directives (``%%`` is a literal ``%``).

    >>> sorted(_directives("%d.%m.%Y %%H"))
    ['%', 'Y', 'd', 'm']
    """
    return {
        t[1] for t in re.findall(r"%.|.", date_format, flags=re.DOTALL) if len(t) == 2
    }


def _with_year(date_format: str) -> str:
    """A format like *date_format* (which names no year) with ``%Y`` added,
    for advice: after its day and month (``'%m/%d'``: ``'%m/%d/%Y'``;
    ``'%d.%m.'``: ``'%d.%m.%Y'``), or an ISO day before a time alone.

    >>> _with_year("%m/%d"), _with_year("%d.%m."), _with_year("%d %b"), _with_year("%H:%M")
    ('%m/%d/%Y', '%d.%m.%Y', '%d %b %Y', '%Y-%m-%d %H:%M')
    >>> _with_year("%m/%d %H:%M"), _with_year("%d.%m. %H:%M")
    ('%m/%d/%Y %H:%M', '%d.%m.%Y %H:%M')
    """
    if not _directives(date_format) & set("dmbBj"):  # a time (or weekday) alone
        return f"%Y-%m-%d {date_format}"
    # the year after the day and month, before a time that follows them
    end = [m.end() for m in re.finditer(r"%[dmbBj]", date_format)][-1]
    head, tail = date_format[:end], date_format[end:]
    sep = re.sub(r"%.", "", head, flags=re.DOTALL)[:1]
    if sep and tail.startswith(sep):  # '%d.%m.': its last separator is there
        tail = tail[len(sep) :]
    return head + sep + "%Y" + tail


def _as_text(x: Any) -> Any:
    """*x* as its text (a whole float without its ``.0``, as a column of
    numbers is read: YYYYMMDD), a missing value (None, NaN, ``pd.NA``, NaT)
    as it is (``pd.NA != pd.NA`` is NA, whose truth value is an error)."""
    if is_missing_scalar(x):
        return x
    try:
        if bool(x != x):  # NaN or NaT of another type
            return x
    except (TypeError, ValueError):  # no truth value: a value, not missing
        pass
    if isinstance(x, float | np.floating) and float(x).is_integer():
        return str(int(x))  # 20240131.0 read as a number column reads it
    return str(x)


def _bytes_column_as_text(col: pd.Series, name: str) -> pd.Series:
    """A date column holding bytes (in an object column, as the categories
    of a categorical, or an Arrow binary column) as the UTF-8 text they
    hold, so that it is read as the same text is, ``YYYYMMDD`` digits
    included (``str(b"2024-01-31")`` is ``"b'2024-01-31'"``, no date, and
    NumPy reads ``b"2024-01"`` as 2024-01-01); other columns as they are.

    >>> _bytes_column_as_text(pd.Series([b"20240131", b"2024-03-05"]), "date").tolist()
    ['20240131', '2024-03-05']
    """
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if categories.dtype != object or not any(
            isinstance(c, bytes) for c in categories.tolist()
        ):
            return col
    elif isinstance(dtype, pd.ArrowDtype):
        if "binary" not in str(dtype.pyarrow_dtype):
            return col
    elif not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
        return col
    values = col.to_numpy(dtype=object)
    text = bytes_as_text(values, name)
    if text is values:  # no bytes among them
        return col
    return pd.Series(text.astype(object), index=col.index, name=col.name)


def parse_date_column(
    col: pd.Series,
    name: str,
    *,
    date_format: str | None = None,
    fix: str | None = None,
    keep_offset: bool = False,
) -> pd.Series:
    """Parse a column of transaction dates, naming the first bad value.

    Accepts datetime columns (returned as they are), ISO 8601 text
    (``2024-01-31``, ``2024-01-31 14:05:00``, ``20240131``), ``YYYYMMDD``
    integers (``20240131``, also as floats when the column has gaps) and, with
    *date_format*, text or numbers in that format. Missing values stay
    missing (NaT). A number date must be whole as written: a ``Decimal``,
    Arrow decimal or ``np.longdouble`` with a fraction is refused even
    where its float64 is whole (``20240131.0000000001``). A ``float32``
    (or ``float16``) number at or past the whole numbers its type holds
    exactly (2**24: every ``YYYYMMDD`` date from 1678 on) is refused too:
    float32 stores 20240103 as 20240104, a day no one wrote.

    Parameters
    ----------
    col
        The column: a pandas Series (``pd.Series(values)`` of a list).
    name
        Its name, for error messages.
    date_format
        A :func:`~datetime.datetime.strptime` format such as ``"%d/%m/%Y"``
        (default: ISO 8601 for text, ``YYYYMMDD`` for numbers). Blanks
        around a value, and at the ends of the format, are padding:
        ``' 05/01/2024 '`` is read in ``' %d/%m/%Y'`` and ``'%d/%m/%Y '``.
    fix
        The fix an error about text that is no date gives (default: ISO
        8601, YYYYMMDD or ``--date-format``; a command without that option
        gives its own).
    keep_offset
        ``True`` or ``False``: keep one UTC offset of text as the result's
        zone (for a reference
        day such as ``--as-of``, an instant); else text is read at the
        wall-clock time written.

    Returns
    -------
    pandas.Series
        Datetimes on the same index: as they are for datetime columns (aware
        ones keep their zone), and for text the wall-clock time written
        (``2024-03-31T23:30+01:00`` is 23:30 on 31 March, whatever the
        other rows' offsets: an offset names no zone).

    Raises
    ------
    InputError
        *col* that is no Series, a value that is not a date (the first one
        is named, with its row and the number of bad rows), numbers that are
        not ``YYYYMMDD``, ``float32`` numbers past 2**24 (which may be
        another day rounded), text or numbers read as a day outside the years 1
        to 9999 (``0000-08-15``, ``815`` in ``'%Y%m%d'``, ``15.08.0000`` in
        ``'%d.%m.%Y'``: pandas reads some, the engines none; named as such,
        not as no date; datetime values keep any year, in a datetime,
        object or categorical column alike), or an unusable
        *date_format*.

    Examples
    --------
    >>> parse_date_column(pd.Series([20240131, 19970101]), "date").tolist()
    [Timestamp('2024-01-31 00:00:00'), Timestamp('1997-01-01 00:00:00')]
    >>> parse_date_column(pd.Series(["31/01/2024"]), "date",
    ...                   date_format="%d/%m/%Y").tolist()
    [Timestamp('2024-01-31 00:00:00')]
    >>> parse_date_column(pd.Series([1706659200]), "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' holds numbers that are not YYYYMMDD dates, such as 1706659200 (first at row 0, 1 row affected): store dates as text (2024-01-31) or YYYYMMDD numbers (20240131); convert other numbers (Unix time, spreadsheet serial days) to dates first
    >>> parse_date_column(pd.Series([20240103, 20240105], dtype="float32"), "date")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date' holds dates as float32 numbers, which hold whole numbers exactly only below 16,777,216: every YYYYMMDD date from 1678 on is past it and may be stored as another day (20240103 as 20240104), such as 20240104 (first at row 0, 2 rows affected): store the dates as integers (int64) or text where they are written: the float column no longer holds the day written, so no cast brings it back
    """
    if not isinstance(col, pd.Series):
        raise InputError(
            "col",
            f"must be a pandas Series, got {type(col).__name__} "
            f"{describe(col, limit=60)}",
            fix="pass pd.Series(values) (a DataFrame's column: df[name])",
        )
    col = arrow_plain(col)  # (Arrow string_view: read as large_string)
    col = _bytes_column_as_text(col, name)
    keep_offset = flag_param(keep_offset, "keep_offset")
    if fix is not None:
        fix = text_param(fix, "fix")
    date_format = check_date_format(date_format)
    if isinstance(col.dtype, pd.CategoricalDtype) and pd.api.types.is_numeric_dtype(
        col.dtype.categories.dtype
    ):
        # numbers as categories: read as the numbers (YYYYMMDD), as a
        # column of them is (pandas would parse them as text, with a warning);
        # float32 ones keep their type, which cannot hold every date
        narrow = _narrow_type(col.dtype.categories.dtype) is not None
        col = col.astype(col.dtype.categories.dtype if narrow else object)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    if isinstance(col.dtype, pd.PeriodDtype):
        # a day or shorter: the instant it starts, as custseg.summarize reads
        # it; longer periods name no day and are refused
        starts = _period_starts(col, name)
        return pd.Series(starts, index=col.index, name=col.name)
    _check_date_dtype(col, name)
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
        col.dtype
    ):
        return _numeric_dates(col, name, date_format)
    kind = None
    given = col  # as written: datetime values among text keep any year
    if col.dtype == object:
        kind = pd.api.types.infer_dtype(col, skipna=True)
        if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            numbers = pd.to_numeric(col, errors="coerce")
            return _numeric_dates(numbers, name, date_format, written=col)
        if kind not in ("string", "empty", "datetime", "datetime64", "date"):
            # numbers mixed with text (a CSV column read in chunks): each
            # value as its text, so 20240131 and "2024-01-31" parse alike
            col = col.map(_as_text)
    if date_format is not None:
        _refuse_other_widths(col, name, date_format)
        parsed = _to_datetime(col, name, date_format)
        problem = f"has values that do not match the date format {date_format!r}"
    else:
        try:
            parsed = _to_datetime(col, name, "ISO8601")
        except (ValueError, TypeError, OverflowError):
            # mixed UTC offsets or mixed Python objects: pandas refuses them even
            # with errors="coerce". Text is read offset by offset, each date
            # at its local wall-clock time, so every ISO shape pandas reads
            # with one offset is read beside another ('2024-6-30T23:30-05:00'
            # with '2024-7-1T00:30+09:00'); else the core parser reads each
            # offset as its local wall-clock time and names the first bad value
            by_offset = _by_offset(col, name)
            if by_offset is None:
                values = _each_date(col.to_numpy(dtype=object), name)
                return pd.Series(values, index=col.index, name=col.name)
            parsed = by_offset
        problem = "has values that are not dates"
    bad = (parsed.isna() & col.notna()).to_numpy()
    if bad.any() and kind not in ("datetime", "date", "datetime64"):
        # padded exports ('2000-11-01 '): pandas reads a leading space but
        # not a trailing one; the values are read without either (only on
        # this path, so well-formed columns pay nothing)
        trimmed = col.map(lambda x: x.strip() if isinstance(x, str) else x)
        if not trimmed.equals(col):
            again = parse_date_column(
                trimmed, name, date_format=date_format, fix=fix, keep_offset=keep_offset
            )
            again.name = col.name
            return again
    if bad.any() and date_format is None and kind not in ("datetime", "date"):
        # a year of 5 digits or signed ('20240-01-01 10:00-05:00',
        # '+10000-01-01'), which pandas does not read: named as outside the
        # years 1 to 9999, as the core parser names it, not as no date
        try:
            _each_date(col.to_numpy(dtype=object), name)
        except InputError as err:
            if err.problem.startswith(FAR_YEARS):
                raise
        except (ValueError, TypeError, OverflowError):
            pass
    if bad.any() and date_format is None and kind not in ("datetime", "date"):
        # ISO dates that are dates alone but not beside the others: pandas
        # reads the column at one resolution, and a time to the nanosecond
        # (7 to 9 decimals) leaves no room for a year before 1677 or after
        # 2262. The column is then read by the core parser (to the
        # microsecond, as every other path reads times)
        try:
            alone = bool(_to_datetime(col[bad], name, "ISO8601").notna().all())
        except (ValueError, TypeError, OverflowError):
            alone = False
        if alone:
            values = _each_date(col.to_numpy(dtype=object), name)
            return pd.Series(values, index=col.index, name=col.name)
    if bad.any() and kind in ("datetime", "date") and date_format is None:
        # date objects in several time zones (pd.concat of two shops' frames):
        # pandas coerces the second zone to NaT; each is read in its own zone
        values = as_datetime(col.to_numpy(dtype=object), name, nan="allow")
        return pd.Series(values, index=col.index, name=col.name)
    if bad.any():
        if fix is None:
            fix = _date_fix(col, date_format)
        first = col.iloc[int(np.argmax(bad))]
        if _leap_text(first, date_format):
            problem += (
                " (a second of 60 or 61, a leap second as strptime reads it: read "
                "as the next minute it would move the purchase to the next day; "
                "write 23:59:59)"
            )
        if isinstance(first, str) and any(c.isalpha() for c in first):
            problem += _locale_note()
        if date_format is not None:
            # dates of the format but for their year 0 ('15.08.0000' in
            # '%d.%m.%Y'), which strptime refuses: named as outside the
            # years 1 to 9999, as '0000-08-15' is and every engine names
            # them, when they are the only values that are no date
            zero = _year_zero_rows(col, date_format) & bad
            if zero.any() and not (bad & ~zero).any():
                raise _bad_values(col, zero, name, FAR_YEARS, FAR_YEARS_FIX)
        raise _bad_values(col, bad, name, problem, fix)
    if date_format is None:
        _refuse_vague(col, parsed, name)
    _refuse_far_years(given, parsed, name)
    if not keep_offset and parsed.dt.tz is not None and zone_of(col) is None:
        # text with UTC offsets (pandas gives one offset as the column's
        # zone): each date at the wall-clock time written, as the core reads
        # it; an offset names no zone (see zone_of)
        parsed = parsed.dt.tz_localize(None)
    return parsed


#: a UTC offset at the end of ISO 8601 text (blanks around it), as
#: pandas' ISO reader takes it, after a time (the day of '2024-6-05' is
#: no offset)
_ISO_END_OFFSET = r"[T ]\d[\d:.]*(\s*(?:Z|[+-]\d\d(?::?\d\d)?)\s*)$"


def _by_offset(col: pd.Series, name: str) -> pd.Series | None:
    """The ISO 8601 text *col* read by pandas one UTC offset at a time
    (pandas refuses a column of several), each date at the wall-clock time
    written, NaT where a value is no date; None for a column of other values
    than text, or of readings pandas cannot put in one column (a time to
    the nanosecond beside the year 1).

    >>> _by_offset(pd.Series(["2024-6-30T23:30-05:00", "2024/7/1 0:30+09:00"]),
    ...            "d").tolist()
    [Timestamp('2024-06-30 23:30:00'), Timestamp('2024-07-01 00:30:00')]
    """
    present = col.notna()
    if not col[present].map(lambda x: isinstance(x, str)).all():
        return None
    keys = col.where(present, "").astype(str).str.extract(_ISO_END_OFFSET, expand=False)
    # by position: the index may repeat labels
    plain = col.reset_index(drop=True)
    keys = keys.fillna("").reset_index(drop=True)
    parts = []
    for _, rows in plain.groupby(keys, sort=False):
        try:
            part = _to_datetime(rows, name, "ISO8601")
        except (ValueError, TypeError, OverflowError):
            return None
        if part.dt.tz is not None:
            part = part.dt.tz_localize(None)
        parts.append(part)
    order = ["ns", "us", "ms", "s"]
    units = [str(getattr(p.dtype, "unit", "ns")) for p in parts]
    dtype = np.dtype(f"datetime64[{min(units, key=order.index)}]")
    try:
        out: pd.Series = pd.concat([p.astype(dtype) for p in parts])
    except (ValueError, OverflowError):  # (OutOfBoundsDatetime is one)
        return None
    return pd.Series(out.sort_index().to_numpy(), index=col.index, name=col.name)


#: text whose day is bare digits (``20241127``, ``20241127 10:00``)
_DIGIT_DAY = re.compile(r"\d+(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?")


def _each_date(values: np.ndarray, name: str) -> np.ndarray:
    """*values* read one by one by the core parser (each offset as its
    wall-clock time), with text whose day is ``YYYYMMDD`` digits read as
    the ISO path reads it (the core refuses bare digits: a column's other
    rows decide nothing), and other bare digits refused.

    >>> _each_date(np.array(["2024-11-28T10:00+08:00", "20241127 10:00"], object), "d")
    array(['2024-11-28T10:00:00.000000', '2024-11-27T10:00:00.000000'],
          dtype='datetime64[us]')
    """
    digits = np.fromiter(
        (
            isinstance(x, str) and _DIGIT_DAY.fullmatch(x.strip()) is not None
            for x in values.tolist()
        ),
        dtype=bool,
        count=len(values),
    )
    if not digits.any():
        return as_datetime(values, name, nan="allow")
    rest = values.copy()
    rest[digits] = None
    out = as_datetime(rest, name, nan="allow")
    text = pd.Series(values[digits]).str.strip()
    eight = text.str.split(r"[ T]", n=1, regex=True).str[0].str.len() == 8
    days = pd.to_datetime(text.where(eight), format="ISO8601", errors="coerce")
    if days.isna().any():
        bad = np.zeros(len(values), dtype=bool)
        bad[np.flatnonzero(digits)[days.isna().to_numpy()]] = True
        raise _bad_values(
            pd.Series(values),
            bad,
            name,
            "has values that are not dates",
            "write YYYYMMDD digits of a real day (20240131), or ISO 8601 text",
        )
    _refuse_far_years(pd.Series(values[digits]), days, name)
    out[digits] = days.to_numpy(dtype=out.dtype)
    return out


def _locale_note() -> str:
    """Why English month or day names may not parse here: strptime (and
    pandas) read ``%b %B %a %A %p`` in the process's ``LC_TIME`` locale,
    which a program may have set (``locale.setlocale``). "" in C or English.
    """
    import locale

    try:
        current = locale.setlocale(locale.LC_TIME)  # a query: changes nothing
    except locale.Error:  # pragma: no cover - a locale the C library lost
        return ""
    if current in ("C", "POSIX") or current.lower().startswith(("c.", "en")):
        return ""
    return (
        f" (month and day names, and AM/PM, are read in this process's "
        f"LC_TIME locale, {current!r}: names in another language do not match)"
    )


def _refuse_vague(col: pd.Series, parsed: pd.Series, name: str) -> None:
    """Refuse text pandas read as a day although it names none, as the core
    does (:func:`custseg._validate._vague_date`): ``today`` and ``now`` (the
    moment of the run) and a year or a month alone (``2024``, ``2024-03``,
    read as its 1st). Such text parses to the run's day or to midnight on
    the 1st of a month, so only those rows are looked at.

    >>> _refuse_vague(pd.Series(["2024-01-05", "now"]),
    ...               parse_date_column(pd.Series(["2024-01-05", "2024-01-06"]), "d"), "d")
    >>> _refuse_vague(pd.Series(["2024-03"]), pd.Series(pd.to_datetime(["2024-03-01"])), "d")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'd' has values that are not dates: '2024-03' names no day (a year or a month only) (first at row 0, 1 row affected): write each date with its day (2024-03-01); a missing date is left empty and reported, never guessed
    """
    if not len(parsed) or not (
        col.dtype == object or pd.api.types.is_string_dtype(col.dtype)
    ):
        return
    wall = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    ticks = wall.to_numpy(dtype="datetime64[s]")
    days = ticks.astype("datetime64[D]")
    first = (days.astype("datetime64[M]").astype(days.dtype) == days) & (
        ticks == days.astype(ticks.dtype)
    )
    today = np.datetime64("today", "D")  # (pandas reads 'today' in local time)
    near = np.abs((days - today).astype(np.int64)) <= 1
    rows = np.flatnonzero((first | near) & ~np.isnat(days))
    if not len(rows):
        return
    texts = col.to_numpy(dtype=object)[rows]
    bad = [
        int(r)
        for r, t in zip(rows, texts, strict=True)
        if isinstance(t, str) and len(t) < 12 and _vague_date(t) is not None
    ]
    if bad:
        why = _vague_date(col.iloc[bad[0]])
        raise InputError(
            name,
            f"has values that are not dates: {why}",
            first_row=bad[0],
            n_rows=len(bad),
            fix=_vague_fix(col.iloc[bad[0]]),
        )


def _format_candidates() -> list[str]:
    """The day formats :func:`_date_fix` tries: day, month and year in the
    orders and with the separators exports use, with or without a time."""
    orders = ("dmY", "mdY", "Ymd", "dmy", "mdy")
    days = [sep.join(f"%{c}" for c in order) for order in orders for sep in "/-. "]
    days += ["%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y"]
    days += ["%Y年%m月%d日"]
    times = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
    return [day + time for day in days for time in times]


_FORMAT_CANDIDATES = tuple(_format_candidates())


def guess_date_formats(values: pd.Series, limit: int = 20_000) -> list[str]:
    """The ``strptime`` formats (of a fixed list of common export shapes)
    that read every one of *values* as a date.

    Day-first and month-first formats are both returned when the values
    cannot tell them apart (no day above 12).

    >>> guess_date_formats(pd.Series(["3/9/2011 4:37", "12/13/2010 10:05"]))
    ['%m/%d/%Y %H:%M']
    >>> guess_date_formats(pd.Series(["05.01.2024"]))
    ['%d.%m.%Y', '%m.%d.%Y']
    >>> guess_date_formats(pd.Series(["yesterday"]))
    []
    """
    text = values.dropna()
    text = text[text.map(lambda x: isinstance(x, str))].str.strip()
    sample = pd.Series(pd.unique(text.to_numpy(dtype=object))[:limit], dtype=object)
    if sample.empty:
        return []
    first = sample.iloc[:1]
    found = []
    for fmt in _FORMAT_CANDIDATES:
        # no warning filter here (a format given, errors="coerce": pandas
        # warns of nothing): the filters are one list per process, and a
        # change to them, even under custseg's lock, can be left behind by
        # another thread's catch_warnings (pandas makes one in pandas_dtype)
        if _read_dates(first, fmt).isna().any():
            continue
        if _read_dates(sample, fmt).notna().all():
            found.append(fmt)
    return found


def _read_dates(col: pd.Series, date_format: str) -> pd.Series:
    """*col* read with *date_format* as the date column is read (missing
    where it is no date): no leap second, no digit but ASCII's (``strptime``
    reads ``２０２４``, which the reading of the column refuses), so a format
    offered in advice reads what the column's reading does."""
    parsed = pd.to_datetime(col, format=date_format, errors="coerce")
    return _foreign_digits(col, _no_leap_seconds(col, parsed, date_format), date_format)


_SHAPE = str.maketrans(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "9" * 10 + "a" * 52,
)


def mixed_shapes(values: pd.Series, limit: int = 20_000) -> list[str]:
    """Two values of *values* written in different date shapes (digits and
    letters aside: ``2024-01-05`` and ``05/01/2024``), each read by a format
    of :func:`guess_date_formats` but by none the other's; none when every
    value is read by the formats that read one of them, or when the first
    value is no date in any shape this knows (the first 20 other shapes are
    tried).

    >>> mixed_shapes(pd.Series(["2024-01-05", "05/01/2024", "2024-02-01"]))
    ['2024-01-05', '05/01/2024']
    >>> mixed_shapes(pd.Series(["1/2/2024", "01/02/2024"]))
    []
    """
    text = values.dropna()
    text = text[text.map(lambda x: isinstance(x, str))].str.strip()
    unique = pd.unique(text.to_numpy(dtype=object))[:limit]
    by_shape: dict[str, str] = {}
    for value in unique:
        by_shape.setdefault(value.translate(_SHAPE), value)
    if len(by_shape) < 2:
        return []
    first, *others = by_shape.values()
    read = set(guess_date_formats(pd.Series([first], dtype=object)))
    if not read:
        return []
    for other in others[:20]:  # (each costs a pass over the formats)
        formats = set(guess_date_formats(pd.Series([other], dtype=object)))
        if formats and not formats & read:
            return [first, other]
    return []


def _date_fix(col: pd.Series, date_format: str | None) -> str:
    """The fix for a date column that did not parse: the formats that read
    all of it when some do; else, when its values are written in two
    shapes no one format reads, says so with one of each; else the general
    advice. The format given (*date_format*) is never offered again."""
    try:
        formats = [f for f in guess_date_formats(col) if f != date_format]
        mixed = [] if formats else mixed_shapes(col)
        foreign = None if formats else _foreign_date(col, date_format)
    except Exception:  # the advice is a courtesy: never a second error
        formats, mixed, foreign = [], [], None
    if foreign is not None:
        return (
            f"write the dates with the digits 0-9 ({foreign!r} has other "
            "characters: full-width digits, or spaces such as U+00A0 or "
            "U+3000; replace them in the spreadsheet or the export)"
        )
    if mixed:
        return (
            f"the column mixes date shapes ({mixed[0]!r} and {mixed[1]!r}) that "
            "no one format reads: write every date one way, as ISO 8601 "
            "(2024-01-31 or 2024-01-31 14:05:00)"
        )
    if not formats:
        if date_format is None:
            return _DATE_FIX
        return (
            "use ISO 8601 dates (2024-01-31 or 2024-01-31 14:05:00) or YYYYMMDD "
            f"(20240131) without a date format, or a format that reads every "
            f"value ({date_format!r} does not)"
        )
    shown = " or ".join(repr(f) for f in formats[:3])
    if len(formats) > 1:
        shown += " (the values do not tell which)"
    # every reading on the command line too: the first alone would be taken
    # for the answer (a US export read day-first, exit 0)
    option = " or ".join(f"--date-format {f!r}" for f in formats[:3])
    if date_format is not None:
        # both spellings, as below: segment(path, date_format=...) and the
        # frame functions are Python, where --date-format is no answer
        python = " or ".join(f"date_format={f!r}" for f in formats[:3])
        return (
            f"the values read as {shown}: give that date format ({python}; "
            f"on the command line: {option})"
        )
    return (
        f"give their format with date_format= {shown} (on the command line: "
        f"{option}), or use ISO 8601 dates (2024-01-31)"
    )


def _foreign_date(col: pd.Series, date_format: str | None) -> str | None:
    """The first text of *col* holding a digit other than ASCII's (``２``,
    ``٣``) or a space other than ASCII's (U+00A0, U+3000), which no date
    format reads; None when there is none."""
    own = set(date_format or "")
    for x in pd.unique(col.dropna().to_numpy(dtype=object))[:20_000]:
        if (
            isinstance(x, str)
            and not x.isascii()
            and any(
                c not in own and (c.isdigit() or c.isspace()) and not c.isascii()
                for c in x
            )
        ):
            return x
    return None


def _check_date_dtype(col: pd.Series, name: str) -> None:
    """Refuse columns whose dtype holds something other than dates, with the
    conversion that makes them dates."""
    dtype = col.dtype
    if pd.api.types.is_timedelta64_dtype(dtype):
        raise InputError(
            name,
            f"holds durations ({dtype}), not dates",
            fix="add them to the day they count from "
            "(pandas.Timestamp('2024-01-01') + col), or give the dates themselves",
        )
    if pd.api.types.is_complex_dtype(dtype):
        raise InputError(name, f"holds {dtype} numbers, not dates", fix=_NUMBER_FIX)


_DIGITS = re.compile(r"[0-9]+")


def parse_date_text(
    text: str, name: str, *, date_format: str | None = None
) -> pd.Timestamp:
    """One date given as text (a command-line option), read like the date column.

    ISO 8601 (``2024-03-01``, ``2024-03-01 10:30``), ``YYYYMMDD``
    (``20240301``) or, given, *date_format*; text both read as two days
    (``20241006`` in ``%Y%d%m``) is refused, naming both. Bare digits are
    ``YYYYMMDD`` or in *date_format*: ``202403`` or ``2024`` is refused,
    never read as a year.

    Parameters
    ----------
    text
        The date.
    name
        Its name, for error messages (``"as_of"``).
    date_format
        The ``strptime`` format of the date column, tried last.

    Returns
    -------
    pandas.Timestamp
        Time-zone aware if the text carries a UTC offset.

    Raises
    ------
    InputError
        Text that is not a date in any of those forms.

    Examples
    --------
    >>> parse_date_text("20240301", "as_of"), parse_date_text("2024-03-01", "as_of")
    (Timestamp('2024-03-01 00:00:00'), Timestamp('2024-03-01 00:00:00'))
    >>> parse_date_text("01/03/2024", "as_of", date_format="%d/%m/%Y")
    Timestamp('2024-03-01 00:00:00')
    >>> parse_date_text("202403", "as_of")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'as_of' is not a day: '202403': give a day as 2024-03-01 (ISO 8601) or 20240301 (YYYYMMDD)
    """
    date_format = check_date_format(date_format)
    fix = "give a day as 2024-03-01 (ISO 8601) or 20240301 (YYYYMMDD)"
    if date_format is not None:
        fix += f", or in the date format {date_format!r}"
    if not isinstance(text, str):
        raise InputError(name, f"must be text, got {_short(text)}", fix=fix)
    stripped = text.strip()
    tries: list[tuple[pd.Series, str | None]] = []
    if _DIGITS.fullmatch(stripped):
        # bare digits: YYYYMMDD, like the numbers of the date column
        if len(stripped) == 8 and 1000_01_01 <= int(stripped) <= 9999_12_31:
            tries.append((pd.Series([int(stripped)]), None))
    elif stripped:
        tries.append((pd.Series([stripped], dtype=object), None))
    if date_format is not None and stripped:
        tries.append((pd.Series([stripped], dtype=object), date_format))
    days: list[pd.Timestamp] = []
    for value, fmt in tries:
        try:
            parsed = parse_date_column(value, name, date_format=fmt, keep_offset=True)
        except InputError:
            continue
        day = parsed.iloc[0]
        if isinstance(day, pd.Timestamp) and not pd.isna(day):
            days.append(day)
    if len(days) == 2 and days[0] != days[1]:
        # '20241006' in '%Y%d%m', '2024-10-06' in '%Y-%d-%m': two days
        standard, in_format = days
        plain = f"{standard:%Y-%m-%d}T00:00"  # ISO with a time: one reading
        raise InputError(
            name,
            f"{_short(text)} is {standard:%Y-%m-%d} read as ISO 8601 or YYYYMMDD but "
            f"{in_format:%Y-%m-%d} in the date format {date_format!r}",
            fix=f"write the day so only one reading fits: {plain} (ISO 8601 with "
            f"a time) for {standard:%Y-%m-%d}, or {in_format:%Y-%m-%d}T00:00 for "
            f"{in_format:%Y-%m-%d}",
        )
    if days:
        return days[0]
    raise InputError(name, f"is not a day: {_short(text)}", fix=fix)


#: The money columns custseg computes (segment, segment_summary): written in
#: cents when they are whole cents. Other columns (customer records, your
#: own) are written as they are.
_MONEY_COLUMNS = frozenset({
    "monetary", "monetary_mean", "monetary_median", "avg_order_value", "revenue",
})  # fmt: skip

#: Below this a whole float is written through int64 at once; beyond it one
#: by one, as the Python int it is (``1e20`` as ``100000000000000000000``).
_INT64_LIMIT = 2.0**63

#: A money value this close to its cents (relative to its size, at least 1)
#: is float noise around them (``232.07999999999998``): written in cents,
#: when it is also within :data:`_NOISE_ABS` of them (or 4 units of its last
#: place where those are larger): ``200000000.0001`` and ``6000000000.125``
#: are real fractions of a cent, though within 1e-12 of their size.
_CENT_NOISE = 1e-12
#: The farthest float noise is from the cents (a millionth of a unit)
_NOISE_ABS = 1e-6


def whole_cents(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(near, cents)``: whether each amount is whole cents but for float
    noise, and the amounts rounded to cents (the amount itself from 2**52
    cents on, where float64 no longer holds every cent and ``x * 100`` is
    not exact).

    Noise is within ``1e-12 * max(1, |x|)`` (8 float32 epsilons for
    float32) of the cents, and within a millionth or 4 units of the
    value's last place, whichever is larger.

    >>> near, cents = whole_cents(np.array([232.07999999999998, 0.004, 200000000.0001,
    ...                                     6000000000.125, 6000000000.12]))
    >>> near.tolist(), float(cents[0])
    ([True, False, False, False, True], 232.08)
    """
    wide = values.astype(np.float64)
    cents = wide.copy()
    # np.round(x, 2) computes x * 100: past 2**52 cents it is no longer exact
    # (360287970189641.0 came back as ...640.94)
    small = np.abs(wide) < _CENTS_EXACT
    cents[small] = np.round(wide[small], 2) + 0.0  # + 0.0: no "-0.00"
    eps = float(np.finfo(values.dtype).eps) if values.dtype.kind == "f" else 0.0
    noise = max(_CENT_NOISE, 8 * eps)
    with np.errstate(invalid="ignore", over="ignore"):
        size = np.maximum(1.0, np.abs(wide))
        last_place = np.spacing(np.abs(values)).astype(np.float64)
        allowed = np.minimum(noise * size, np.maximum(_NOISE_ABS, 4 * last_place))
        near = np.isfinite(wide) & (np.abs(wide - cents) <= allowed)
    return near, cents


def _shortest_text(values: np.ndarray, *, ids: bool = True) -> np.ndarray:
    """Each float as the shortest text that reads back as the same number of
    its type (``0.30000000000000004``, ``0.125``; for float32 the same
    float32), whole ones below 2**63 as integers (``17``,
    ``1234567890123456``), missing ones None (an empty cell).

    Whole floats of 2**63 or more are written in full when they are *ids*
    (``1e20`` as ``100000000000000000000``: an id written ``1e+20`` is one
    custseg's readers refuse as a spreadsheet's rounded id), and as their
    shortest text in a column of values (``ids=False``: ``1e+20``), which
    every reader reads as the number it is (pandas and custseg read a
    column holding ``100000000000000000000`` as text, all its numbers with
    it; ``1e300`` in full is 301 digits).

    >>> _shortest_text(np.array([17.0, 0.125, 2.0**63, 1e20, np.nan, -np.inf])).tolist()
    ['17', '0.125', '9223372036854775808', '100000000000000000000', None, '-inf']
    >>> _shortest_text(np.array([17.0, 2.0**63, 1e300]), ids=False).tolist()
    ['17', '9.223372036854776e+18', '1e+300']
    """
    text = np.full(len(values), None, dtype=object)
    wide = values.astype(np.float64)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(wide) & (np.floor(wide) == wide)
        small = whole & (np.abs(wide) < _INT64_LIMIT)
    text[small] = wide[small].astype(np.int64).astype(str).astype(object)
    full = whole & ~small if ids else np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(full).tolist():
        text[i] = str(int(wide[i]))  # exact: every float this large is whole
    other = ~small & ~full & ~np.isnan(wide)
    with numpy_text():  # not 12 digits under np.set_printoptions(legacy="1.13")
        text[other] = values[other].astype(str).astype(object)
    return text


def _money_text(values: np.ndarray) -> np.ndarray:
    """Money as cents (``232.08``) when it is whole cents but for float
    noise; any other value (``0.004``, ``12.345``, ``3.3333333333333335``)
    as its shortest text, which reads back as the same number."""
    near, cents = whole_cents(values)
    text = np.empty(len(values), dtype=object)
    text[near] = np.char.mod("%.2f", cents[near]).astype(object)
    # large amounts: the decimal they are read from (see cents_text)
    wide = np.flatnonzero(near & (np.abs(cents) >= _CENTS_EXACT))
    for i in wide.tolist():
        text[i] = cents_text(float(cents[i]))
    text[~near] = _shortest_text(values[~near], ids=False)
    return text


#: below this, the float nearest a decimal of cents is within a twentieth of
#: a cent of it even times 100: ``np.round(x, 2)`` and ``'%.2f'`` give its
#: cents (past 2**52 cents they may not: 360287970189641.0 rounded to
#: ...640.94, 493827159649381.2 printed as ...381.19)
_CENTS_EXACT = 2.0**49 / 100


def cents_text(value: float, grouping: str = "") -> str:
    """Money that is whole cents but for float noise, with two decimals
    (*grouping* ``","``: thousands separated): ``'%.2f'`` below
    :data:`_CENTS_EXACT`, beyond it the shortest text that reads back as the
    value (the decimal it was read from), padded to two decimals, or alone
    when it has more.

    >>> cents_text(232.07999999999998), cents_text(493827159649381.2, ",")
    ('232.08', '493,827,159,649,381.20')
    """
    if not abs(value) >= _CENTS_EXACT:  # NaN and inf too
        return f"{value:{grouping}.2f}"
    short = repr(value)
    whole, _, fraction = short.partition(".")
    if "e" in short or len(fraction) > 2:
        return f"{value:{grouping}}"
    return f"{int(whole):{grouping}d}.{fraction:0<2}"


def _csv_ready(
    df: pd.DataFrame, as_read: Iterable[Any] = (), ids: Iterable[Any] = ()
) -> pd.DataFrame:
    """The float columns as text: money in cents where it is whole cents
    (not in the columns *as_read*, customer records), every other float as
    the shortest text that reads back as the same number (whole ones below
    2**63 as integers; in the id columns *ids* whole ones of any size, in
    full), missing values empty. Nothing else changes."""
    out = df.copy()
    kept = {str(name) for name in as_read}
    id_names = {str(name) for name in ids}
    for position, name in enumerate(out.columns):
        col = out.iloc[:, position]
        _refuse_nested(col, name)
        if col.dtype == object:
            text = _objects_as_text(col, name)
            if text is not None:
                out.isetitem(position, text)
            continue
        if not pd.api.types.is_float_dtype(col.dtype):
            continue
        numpy_dtype: Any = getattr(col.dtype, "numpy_dtype", col.dtype)
        values = col.to_numpy(dtype=numpy_dtype, na_value=np.nan)
        if str(name) in _MONEY_COLUMNS and str(name) not in kept:
            out.isetitem(position, _money_text(values))
        else:
            out.isetitem(position, _shortest_text(values, ids=str(name) in id_names))
    return out


#: values a text file holds only as Python or NumPy prints them: a tuple
#: as ``('a', 1)``, an array (a Parquet list column) as ``[0 1 ... 1999]``,
#: NumPy's shortened print, which loses values
_NESTED = (tuple, list, set, frozenset, Mapping, np.ndarray, pd.Series, pd.Index)
_NESTED_NAMES = (
    (tuple, "tuples"),
    (np.ndarray, "arrays"),
    (pd.Series, "arrays"),
    (pd.Index, "arrays"),
    (list, "lists"),
    (Mapping, "mappings"),
)


def _nested_error(name: Any, row: int, value: Any) -> InputError:
    """The error for a column holding *value* (a tuple, list, array, set or
    mapping) at *row*: a text file would hold it as Python or NumPy prints
    it, another value when read back (NumPy shortens an array of more than
    1,000 items to ``[0 1 2 ... 1997 1998 1999]``)."""
    what = next((w for t, w in _NESTED_NAMES if isinstance(value, t)), "sets")
    return InputError(
        str(name),
        f"holds {what} (first at row {row}: {describe(value)}), which a text "
        "file would write as Python or NumPy prints them (NumPy shortens an "
        "array of more than 1,000 items with '...'), another value when read "
        "back",
        fix="write a .parquet file (it keeps them), or make each one text "
        "first (e.g. col.map(lambda v: ';'.join(map(str, v)))), or give each "
        "part a column of its own",
    )


def _refuse_nested(col: pd.Series, name: Any) -> None:
    """Refuse a column of tuples, lists, arrays, sets or mappings (a Parquet
    ``list`` or ``struct`` column, as pandas or pyarrow holds it) for a text
    file (:func:`_nested_error`), naming the column and the first row."""
    dtype = col.dtype
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        if not pa.types.is_nested(dtype.pyarrow_dtype):
            return
        filled = np.flatnonzero(col.notna().to_numpy(dtype=bool))
        if filled.size:
            raise _nested_error(name, int(filled[0]), col.iloc[filled[0]])
        return
    if isinstance(dtype, pd.CategoricalDtype):
        if dtype.categories.dtype != object or not any(
            isinstance(c, _NESTED) for c in dtype.categories
        ):
            return
        values = col.to_numpy(dtype=object)
    elif pd.api.types.is_object_dtype(dtype):
        if not pd.api.types.infer_dtype(col, skipna=True).startswith("mixed"):
            return  # (text, numbers, bytes, dates alone: none of them nested)
        values = col.to_numpy()
    else:
        return
    for i, x in enumerate(values):
        if isinstance(x, _NESTED):
            raise _nested_error(name, i, x)


def _objects_as_text(col: pd.Series, name: Any) -> np.ndarray | None:
    """An object column's bytes as the text they hold (Parquet ``binary``
    ids are UTF-8, and are read as such), or None when it holds none; a
    text file would write them as Python's ``b'00001'``, another id when read
    back. Bytes that are not UTF-8 are an error naming the column and the
    first row (tuples, lists and arrays are refused before:
    :func:`_refuse_nested`)."""
    kind = pd.api.types.infer_dtype(col, skipna=True)
    if kind not in ("bytes", "mixed"):
        return None
    values = col.to_numpy()
    odd = [
        (i, x)
        for i, x in enumerate(values)
        if isinstance(x, bytes | bytearray | memoryview)
    ]
    if not odd:
        return None
    fixed = values.copy()
    for i, x in odd:
        try:
            fixed[i] = bytes(x).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                str(name),
                f"holds bytes that are not UTF-8 text (first at row {i}: "
                f"{describe(bytes(x))}), which a text file cannot hold as they are",
                fix="decode them first (col.str.decode(...)), or write a .parquet file",
            ) from None
    return fixed


def _altered_by_readers(value: object) -> bool:
    """Text a CSV reader changes unless it is quoted: spaces at the start
    (skipped after a separator) and a carriage return (a line break)."""
    return isinstance(value, str) and (value[:1] in (" ", "\t") or "\r" in value)


def _name_altered(name: object) -> bool:
    """A column name a reader changes unless it is quoted: as values, and a
    byte order mark at the start (dropped at the start of a file)."""
    return _altered_by_readers(name) or (
        isinstance(name, str) and name.startswith("\ufeff")
    )


def _quote_marks(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """*df* with the text values and column names a reader would alter
    replaced by marks, and each mark's quoted text (the csv writer quotes
    only separators, quotes and line feeds)."""
    marks: dict[str, str] = {}
    stem = f"CUSTSEGQ{os.urandom(8).hex()}N"

    def mark(value: object) -> str:
        key = f"{stem}{len(marks)}Z"
        marks[key] = '"' + str(value).replace('"', '""') + '"'
        return key

    out = df
    if any(map(_name_altered, df.columns)):
        out = df.copy()
        out.columns = pd.Index(
            [mark(n) if _name_altered(n) else n for n in df.columns], dtype=object
        )
    for position in range(len(df.columns)):
        col = df.iloc[:, position]
        if isinstance(col.dtype, pd.CategoricalDtype):
            if not any(map(_altered_by_readers, col.cat.categories)):
                continue
        elif not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        arrow = _arrow_text(col.array)
        if arrow is not None:  # Arrow's kernels, not a Python call a value
            import pyarrow.compute as pc

            found = pc.or_(
                pc.match_substring_regex(arrow, r"^[ \t]"),
                pc.match_substring(arrow, "\r"),
            )
            hit = np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False))
            if not hit.any():
                continue
        values = col.to_numpy(dtype=object)
        if arrow is None:
            hit = np.fromiter(map(_altered_by_readers, values), bool, len(values))
            if not hit.any():
                continue
        if out is df:
            out = df.copy()
        replaced = values.copy()
        for i in np.flatnonzero(hit):
            replaced[i] = mark(values[i])
        out.isetitem(position, replaced)
    return out, marks


#: A lone surrogate: text that is not Unicode (a byte that was not UTF-8,
#: kept by errors="surrogateescape" or os.fsdecode), which no file can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")

_SURROGATE_FIX = (
    "such text comes from bytes that were not UTF-8 (decoded with "
    "errors='surrogateescape', os.fsdecode, or typed in a terminal that is "
    "not UTF-8): decode them with their real encoding (bytes.decode('latin-1'), "
    "...), or replace them (text.encode('utf-8', 'replace').decode('utf-8'))"
)


def _columns_of(df: pd.DataFrame) -> list[tuple[Any, np.ndarray]]:
    """The columns a file of *df* holds, its index's named levels first, as
    (name, values as objects)."""
    out = [
        (name, df.index.get_level_values(level).to_numpy(dtype=object))
        for level, name in enumerate(df.index.names)
        if name is not None
    ]
    for position, name in enumerate(df.columns):
        out.append((name, df.iloc[:, position].to_numpy(dtype=object)))
    return out


def _not_unicode_error(df: pd.DataFrame, path: str) -> InputError | None:
    """The first column (of the index's named levels, then the columns)
    whose name or text holds a lone surrogate, as an error naming it (and
    its first row); None if there is none."""
    columns = _columns_of(df)
    for name, _ in columns:
        found = _SURROGATE.search(name) if isinstance(name, str) else None
        if found:
            return InputError(
                name,
                f"cannot be written to {path!r}: the column name is not Unicode "
                f"text (it holds {found.group()!r}, a lone surrogate)",
                fix=f"rename the column; {_SURROGATE_FIX}",
            )
    for name, values in columns:
        hit = np.fromiter(
            (isinstance(v, str) and _SURROGATE.search(v) is not None for v in values),
            bool,
            len(values),
        )
        if hit.any():
            first = int(np.flatnonzero(hit)[0])
            value = values[first]
            char = "".join(_SURROGATE.findall(value)[:1])
            return InputError(
                str(name),
                f"cannot be written to {path!r}: it holds text that is not "
                f"Unicode ({char!r}, a lone surrogate), such as {_short(value)}",
                first_row=first,
                n_rows=int(hit.sum()),
                fix=_SURROGATE_FIX,
            )
    return None


def _text_error(path: str, exc: UnicodeEncodeError) -> InputError:
    """A page or file whose text holds a lone surrogate, naming it where it
    is (the text around it)."""
    text = exc.object if isinstance(exc.object, str) else ""
    start = exc.start
    around = text[max(0, start - 30) : start + 30]
    line = text.count("\n", 0, start) + 1
    return InputError(
        path,
        f"cannot be written: its text is not Unicode (it holds "
        f"{text[start : start + 1]!r}, a lone surrogate, at line {line}: "
        f"{_short(around)})",
        fix=_SURROGATE_FIX,
    )


#: The time stamp of compressed outputs (gzip's header, zip members'), so the
#: same table gives the same bytes on every run.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@contextlib.contextmanager
def _text_stream(tmp: str, target: Path) -> Iterator[io.TextIOBase]:
    """A UTF-8 text stream into *tmp*, compressed as *target*'s extension
    says: a gzip header names *target* (without ``.gz``) and time 0, a zip
    member is named after *target* and dated 1980-01-01, so the bytes
    depend on the table only (never on the temporary file or the time)."""
    method = _COMPRESSION.get(target.suffix.lower())
    with contextlib.ExitStack() as stack:
        raw: Any
        if method == "zip":
            archive = stack.enter_context(
                zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED)
            )
            info = zipfile.ZipInfo(target.name[: -len(".zip")], date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            raw = stack.enter_context(archive.open(info, "w", force_zip64=True))
        elif method == "gzip":
            file = stack.enter_context(open(tmp, "wb"))
            # gzip leaves out a lower-case ".gz" only: "out.CSV.GZ" is "out.CSV"
            member = target.name[: -len(".gz")] + ".gz"
            raw = stack.enter_context(
                gzip.GzipFile(filename=member, mode="wb", fileobj=file, mtime=0)
            )
        elif method in ("bz2", "xz"):
            opener: Any = bz2.open if method == "bz2" else lzma.open
            raw = stack.enter_context(opener(tmp, "wb"))
        else:
            raw = stack.enter_context(open(tmp, "wb"))
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # the stack closes the streams below it


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_fix(exc: OSError) -> str:
    if exc.errno == errno.EFBIG:
        return (
            "the file is too large for that disk or for your file-size limit "
            "(ulimit -f): write a smaller output, or to another disk"
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some disk space or write to another disk"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "check that you may write to that folder, or write elsewhere"
    return "check that the folder exists and is writable"


def write_table(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    as_read: Iterable[Any] | None = None,
    ids: Iterable[Any] | None = None,
) -> None:
    """Write a DataFrame as CSV, TSV/TXT (tab-separated) or Parquet, atomically.

    The table goes to a temporary file in the target's folder, which then
    replaces the target: a failed write leaves no partial file. A named index
    (such as ``customer_id``) becomes the first column(s); an unnamed one is
    left out.

    In text files, the money columns custseg computes (``monetary``,
    ``revenue``, ``avg_order_value``, ``monetary_mean``, ``monetary_median``)
    are written in cents when they are whole cents but for float noise:
    ``232.08``, never ``232.07999999999998`` (a value within
    1e-12 x max(1, |value|) of its cents, and within a millionth or 4 units
    of its last place). Any other value, in those
    columns and in every other float column (customer records, your own
    columns, float ids), is written as the shortest text that reads back as
    the same number: ``0.004`` and ``12.345`` stay, ``0.1 + 0.2`` is
    ``0.30000000000000004``, whole numbers below 2**63 are integers
    (``17``, ``1234567890123456``; counts of days and scores too), float
    ids (the index) are integers at any size, written in full (``1e20`` as
    ``100000000000000000000``), and so are those of the id columns *ids*
    (by default a column called ``customer_id``: the ids of a frame after
    ``reset_index()``), whole values of 2**63 or more in other
    columns their shortest text (``1e+20``, which pandas reads as a number,
    where a column holding ``100000000000000000000`` reads back as text),
    ``-0.0`` is ``0`` (the same number), and a missing
    value is an empty cell. Columns in *as_read* are never put in cents,
    whatever their name (a customer record called ``revenue`` keeps its
    0.125). Text that a reader would change is quoted, in the values and
    the column names alike: one starting with a space or a tab, or holding
    a carriage return (as are, as always, separators, quotes and line
    breaks), so ids and names read back exactly as written. Bytes (Parquet
    ``binary`` ids) are written as the UTF-8 text they hold, as the command
    line reads them; in a text file, bytes that are not UTF-8, tuples,
    lists, arrays (a Parquet ``list`` column), sets and mappings are an
    error naming the column and the first row (Python would write
    ``b'00001'`` and ``('a', 1)``, NumPy ``[0 1 2 ... 1997 1998 1999]``,
    losing values). Parquet keeps
    the types (categoricals, nullable integers); a column of Python objects
    mixing text and numbers (survey answers of codes and words, ``5``
    beside ``'satisfied'``), which Parquet cannot store as one type, is
    stored as text, each number as a text file writes it (``'5'``). A compressed file holds the
    same bytes on every run (gzip: the target's name and time 0).

    Parameters
    ----------
    df
        The table.
    path
        Target file; the format follows the extension as in
        :func:`table_format` (text formats may be compressed).
    as_read
        Columns never put in cents (their floats written as the shortest
        text of each) whatever their names (one name, or a list of them);
        default: ``df.attrs["record_columns"]``,
        the customer records' columns of a :func:`~custseg.segment` result.
    ids
        Columns of customer ids (one name, or a list of them): their whole
        floats are written in full at any size, as the index's are
        (``100000000000000000000``, never ``1e+20``, which custseg's readers
        refuse as an id a spreadsheet shortened); default: a column called
        ``customer_id``, if any. The named index is always written so.

    Raises
    ------
    InputError
        *df* that is no DataFrame, *path* that is no path, *as_read* that is
        not a name or a list of names, an unknown extension, a missing
        folder, a folder as target, a
        failed write (a full disk, no permission), a column name the file
        would hold twice (the index's name among the columns' names), an
        empty column name in a text file, text that is not Unicode (a lone
        surrogate such as ``'\\udcff'``: naming its column and first row),
        or a column Parquet cannot store, with one line naming the problem.

    Examples
    --------
    >>> import tempfile, os
    >>> out = pd.DataFrame({"monetary": [232.07999999999998, 0.004, None],
    ...                     "recency_days": [3.0, 1.0, None], "r": [5.0, 1.0, None],
    ...                     "share": [0.1 + 0.2, 0.5, 1.0]},
    ...                    index=pd.Index(["007", "010", "011"], name="customer_id"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "out.csv")
    ...     write_table(out, p)
    ...     print(Path(p).read_text(), end="")
    customer_id,monetary,recency_days,r,share
    007,232.08,3,5,0.30000000000000004
    010,0.004,1,1,0.5
    011,,,,1
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            "df",
            f"must be a pandas DataFrame, got {type(df).__name__}",
            fix="pass a pandas DataFrame (pd.DataFrame(...) of your data)",
        )
    _check_path(path)
    kept = None if as_read is None else _column_names(as_read, "as_read")
    id_columns = None if ids is None else _column_names(ids, "ids")
    write_atomic(path, table_writer(df, path, as_read=kept, ids=id_columns))


def _refuse_empty_ids(index: pd.Index, path: str | os.PathLike[str]) -> None:
    """An id that is empty text (``""``, from a Parquet file or a frame)
    cannot go into a text file: its empty cell reads back as a missing id,
    which ``due``, ``assign``, ``migrate`` and ``report --previous`` refuse."""
    for level in range(index.nlevels):
        values = index.get_level_values(level)
        if values.dtype.kind not in "OUT" and not pd.api.types.is_string_dtype(values):
            continue
        empty = np.asarray(values == "", dtype=bool)
        if empty.any():
            # rows counted from 0, as every other InputError counts them
            raise InputError(
                str(path),
                "cannot hold the customer id '' (empty text): in a text file "
                "its empty cell reads back as a missing id",
                first_row=int(np.flatnonzero(empty)[0]),
                n_rows=int(empty.sum()),
                fix="write a .parquet file, or give those customers an id",
            )


def _arrow_text(values: Any) -> Any:
    """*values* (a pandas array) as a pyarrow string array when pandas holds
    it as Arrow text (its ``str`` dtype, ``string[pyarrow]``, an
    ``ArrowDtype`` of strings), without a copy; None for any other array.

    >>> text = _arrow_text(pd.array(["a", None], dtype="str"))
    >>> text is None or text.to_pylist() == ["a", None]  # (None without pyarrow)
    True
    >>> _arrow_text(pd.array([1, 2])) is None
    True
    """
    if not (
        isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
    ) and not (isinstance(values.dtype, pd.ArrowDtype) and values.dtype.kind in "OSU"):
        return None
    import pyarrow as pa

    arr = pa.array(values)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def _arrow_text_of(index: pd.Index, kind: Any) -> Any:
    """*index* as a pyarrow array of type *kind* when it holds only text and
    missing values; None otherwise (numbers, bytes, lone surrogates)."""
    import pyarrow as pa

    values = index.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None  # numbers, bytes (Arrow would decode b"1" into "1"), a mix
    try:
        return pa.array(values, type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        return None


def members(a: Any, b: Any) -> Any:
    """``a.isin(b)`` of two pandas indexes, as a boolean array, looked up in
    a hash table of *b* (``get_indexer``): pandas' ``isin`` of Arrow text
    builds a Python list of *b*'s values, 10 to 40 times slower on
    customer ids (a join of records by text ids spent seconds there).
    A missing value (None, NaN, NA, of any kind of index) matches any
    missing value of *b* (``isin`` tells None from NaN in some kinds only).

    >>> members(pd.Index(["a", "b", None]), pd.Index(["b", "b", None])).tolist()
    [False, True, True]
    >>> members(pd.Index([None, float("nan")], dtype=object), pd.Index([None])).tolist()
    [True, True]
    """
    a, b = pd.Index(a), pd.Index(b)
    hit = _members(a, b)
    if a.hasnans:
        hit = hit.copy()
        hit[np.asarray(a.isna())] = bool(b.hasnans)
    return hit


def _members(a: pd.Index, b: pd.Index) -> np.ndarray:
    """:func:`members` but for the missing values of *a*."""
    arrow_a, arrow_b = _arrow_text(a.array), _arrow_text(b.array)
    if arrow_a is not None or arrow_b is not None:
        # Arrow's own hash set: two to three times pandas' get_indexer of
        # Arrow text, which makes Python strings of both sides (and pandas'
        # isin of an ArrowDtype fails on a column of None)
        import pyarrow.compute as pc

        kind = (arrow_a if arrow_a is not None else arrow_b).type
        arrow_a = _arrow_text_of(a, kind) if arrow_a is None else arrow_a
        arrow_b = _arrow_text_of(b, kind) if arrow_b is None else arrow_b
        if arrow_a is not None and arrow_b is not None:
            hit = pc.is_in(arrow_a, value_set=arrow_b.cast(kind), skip_nulls=False)
            return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
        # numbers or lone surrogates on one side: both as Python objects
        # (pandas would make Arrow text of them, which refuses a surrogate)
        a = pd.Index(a.to_numpy(dtype=object), dtype=object)
        b = pd.Index(b.to_numpy(dtype=object), dtype=object)
    if a.hasnans or b.hasnans:  # (the missing values are set by members)
        return np.asarray(a.isin(b))
    if not b.is_unique:
        b = b.unique()
    try:
        return np.asarray(b.get_indexer(a) >= 0)
    except (TypeError, ValueError, pd.errors.InvalidIndexError):  # pragma: no cover
        return np.asarray(a.isin(b))


def no_rows(path: str | os.PathLike[str], what: str) -> str:
    """The problem of a table file with its columns but no row of *what*:
    a text file has a header line, a Parquet file no such thing.

    >>> no_rows("a.csv", "customers"), no_rows("a.parquet", "customers")
    ('has a header line but no customers', 'has its columns but no customers')
    """
    try:
        parquet = table_format(path) == "parquet"
    except InputError:
        parquet = False
    return f"has {'its columns' if parquet else 'a header line'} but no {what}"


def table_writer(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    as_read: Iterable[Any] | None = None,
    ids: Iterable[Any] | None = None,
) -> Callable[[str], None]:
    """The function that writes *df* as :func:`write_table` writes it to
    *path*, given the temporary file to fill (for :func:`write_all`); the
    file type is checked now."""
    df = arrow_plain(df)  # (Arrow string_view columns: written as text)
    if as_read is None:
        as_read = df.attrs.get("record_columns", ())
    kept = tuple(as_read)
    # id columns beside the index (a frame after reset_index()): in full
    id_columns = ("customer_id",) if ids is None else tuple(ids)
    fmt = table_format(path)
    if fmt == "parquet":
        _need_pyarrow()
    target = Path(path)
    if df.columns.nlevels > 1:
        raise InputError(
            str(path),
            f"cannot hold column names on several levels (such as "
            f"{_short(df.columns[0])}, as groupby().agg() gives them): a file "
            "has one header line, and a second one would read back as a row",
            fix="give one name per column, e.g. df.columns = ['_'.join(map(str, "
            "c)) for c in df.columns]",
        )
    named = any(n is not None for n in df.index.names)
    if named and None in df.index.names:  # unnamed levels are left out
        df = df.droplevel([i for i, n in enumerate(df.index.names) if n is None])
    _check_names(df, str(path), named, fmt)
    if named and fmt != "parquet":
        _refuse_empty_ids(df.index, path)
    try:
        data = df.reset_index() if named else df.reset_index(drop=True)
    except UnicodeEncodeError as exc:  # pandas' str ids refuse a lone surrogate
        raise _not_unicode_error(df, str(path)) or _text_error(str(path), exc) from None

    def write(tmp: str) -> None:
        with numpy_text():  # NumPy's own digits, whatever np.set_printoptions
            write_now(tmp)

    def write_now(tmp: str) -> None:
        try:
            if fmt == "parquet":
                _write_parquet(data, tmp, str(path))
                return
            ids = [n for n in df.index.names if n is not None] if named else []
            ids += [n for n in id_columns if n in data.columns and n not in ids]
            ready, marks = _quote_marks(_csv_ready(data, kept, ids))
            options: dict[str, Any] = {
                "sep": "," if fmt == "csv" else "\t",
                "index": False,
            }
            stamped = _COMPRESSION.get(target.suffix.lower()) in ("gzip", "zip")
            if not marks and not stamped:  # bz2 and xz store no name, no time
                ready.to_csv(tmp, compression=_compression(target), **options)
                return
            with _text_stream(tmp, target) as out:
                if not marks:
                    ready.to_csv(out, **options)
                    return
                text = ready.to_csv(None, **options)
                pattern = re.compile(re.escape(next(iter(marks))[:-2]) + r"[0-9]+Z")
                out.write(pattern.sub(lambda m: marks[m.group(0)], text))
        except UnicodeEncodeError as exc:
            raise _not_unicode_error(df, str(path)) or _text_error(
                str(path), exc
            ) from None

    return write


#: :func:`pandas.api.types.infer_dtype` of object columns that may mix text
#: and numbers (``"mixed"``: floats or other objects beside text)
_MIXED_KINDS = ("mixed", "mixed-integer", "mixed-integer-float")


def _mixed_as_text(data: pd.DataFrame) -> pd.DataFrame:
    """*data* with each object column that mixes text and numbers (the
    survey answers of a records file of codes and words: ``5`` beside
    ``'satisfied'``, as :func:`custseg.frame.survey_numbers` reads them)
    as text, each number as a text file writes it (``5``, ``4.5``), missing
    values kept: Parquet stores one type per column, and pyarrow refuses
    such a column (``Could not convert 'satisfied' with type str``). Other
    columns, and object columns of one kind (text, numbers, bytes), are the
    same objects.

    >>> df = pd.DataFrame({"a": pd.array([5, "satisfied", 4.5], dtype=object),
    ...                    "b": [1, 2, 3]})
    >>> out = _mixed_as_text(df)
    >>> out["a"].tolist(), out["b"].tolist(), df["a"].tolist()[0]
    (['5', 'satisfied', '4.5'], [1, 2, 3], 5)
    """
    out = data
    for position in range(len(data.columns)):
        col = data.iloc[:, position]
        if col.dtype != object:
            continue
        if pd.api.types.infer_dtype(col, skipna=True) not in _MIXED_KINDS:
            continue
        values = col.to_numpy(dtype=object)
        if not any(isinstance(x, str) for x in values):
            continue
        spots = [
            i
            for i, x in enumerate(values)
            if isinstance(x, numbers.Number | decimal.Decimal)
        ]
        if not spots:
            continue
        fixed = values.copy()
        for i in spots:
            x = fixed[i]
            x = x.item() if isinstance(x, np.generic) else x
            fixed[i] = None if x != x else str(x)  # (NaN: missing)
        if out is data:
            out = data.copy()
        out.isetitem(position, fixed)
    return out


def _write_parquet(data: pd.DataFrame, tmp: str, path: str) -> None:
    """*data* as a Parquet file, a column mixing text and numbers as text
    (:func:`_mixed_as_text`); a type pyarrow cannot store is an error
    naming it (text that is not Unicode: the column)."""
    import pyarrow as pa

    data = _mixed_as_text(data)
    try:
        data.to_parquet(tmp, index=False)
    except UnicodeEncodeError:
        raise
    except (ValueError, TypeError, OverflowError, NotImplementedError) as exc:
        raise _parquet_error(path, exc) from None
    except pa.ArrowException as exc:
        if isinstance(exc, OSError):  # a full disk: said as a failed write
            raise
        raise _parquet_error(path, exc) from None


def _parquet_error(path: str, exc: BaseException) -> InputError:
    return InputError(
        path,
        f"cannot be written as parquet: {_first_line(exc)}",
        fix="write a .csv file instead",
    )


def _check_names(df: pd.DataFrame, path: str, named: bool, fmt: str) -> None:
    """Column names a file can hold and give back: each once (the index's
    names included, as they become columns), and in a text file none empty
    (it reads back as ``Unnamed: 0``)."""
    ids = [n for n in df.index.names if n is not None] if named else []
    seen: dict[str, str] = {}
    for name in [*ids, *df.columns]:
        key = str(name)
        if key in seen:
            what = (
                "the id column (the index) and another column"
                if key in map(str, ids)
                else "two columns"
            )
            raise InputError(
                key,
                f"cannot be written to {path!r}: it is the name of {what} of "
                "the table, and a file's columns need one name each (a reader "
                "refuses a name twice)",
                fix="rename one of them: a frame's index with "
                "df.rename_axis('customer'), a column with df.rename(columns=...); "
                "on the command line, the id column in the input file's header "
                "(and --customer)",
            )
        seen[key] = key
    if fmt != "parquet" and "" in seen:
        raise InputError(
            path,
            "cannot hold a column with an empty name in a text file: it would "
            "read back as 'Unnamed: ...'",
            fix="name the column (df.rename(columns={'': 'name'}))",
        )


def no_folder(path: str, folder: Path) -> InputError:
    """The error for the output *path* whose *folder* is not a folder: the
    first part of it that exists but is a file (``tx.csv/out.csv``, or
    ``tx.csv/../out.csv``: creating it is impossible), else the folder that
    does not exist.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "tx.csv").write_text("x")
    1
    >>> print(no_folder("tx.csv/out.csv", d / "tx.csv").problem.replace(str(d), "D"))
    cannot be written: 'D/tx.csv' is a file, not a folder
    >>> print(no_folder("new/out.csv", d / "new"))  # doctest: +ELLIPSIS
    'new/out.csv' cannot be written: the folder '.../new' does not exist: create it first, or write elsewhere
    >>> print(no_folder("new/../out.csv", d / "new/.."))  # the part missing
    ... # doctest: +ELLIPSIS
    'new/../out.csv' cannot be written: the folder '.../new' does not exist: ...
    >>> print(no_folder("~/out.csv", Path("~")))  # doctest: +ELLIPSIS
    '~/out.csv' cannot be written: the folder '~' does not exist: create it first, or write elsewhere ('~' is no home folder: the shell expands ~ only unquoted; write "$HOME/..." instead)
    """
    missing = folder
    for part in (*reversed(folder.parents), folder):
        if not os.path.lexists(part):
            missing = part
            break
        if not os.path.isdir(part):
            what = "a file" if os.path.isfile(part) else "no regular file"
            return InputError(
                path,
                f"cannot be written: {str(part)!r} is {what}, not a folder",
                fix="write elsewhere (into a folder)",
            )
    fix = "create it first, or write elsewhere"
    if missing.name.startswith("~"):
        fix += (
            f" ({missing.name!r} is no home folder: the shell expands ~ only "
            'unquoted; write "$HOME/..." instead)'
        )
    return InputError(
        path,
        f"cannot be written: the folder {str(missing)!r} does not exist",
        fix=fix,
    )


def output_target(path: str | os.PathLike[str]) -> Path:
    """The file an output path writes: a symbolic link is written through,
    as ``cp`` and shell redirection do (its target gets the new contents, the
    link stays); a path that exists but is not a regular file (a device such
    as ``/dev/null``, a FIFO) is refused, since the atomic replace would
    replace it; so is a file the user may not write (``chmod 444``), which
    the replace would replace as well."""
    target = Path(path)
    if os.path.islink(target):
        try:
            os.stat(target)  # follows the links
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # its target would be one of the links
                raise InputError(
                    str(path),
                    "cannot be written: it is a symbolic link that loops (to "
                    "itself, or through other links)",
                    fix="remove the link, or write to another path",
                ) from None
        target = Path(os.path.realpath(target))
    if os.path.exists(target) and not (os.path.isfile(target) or os.path.isdir(target)):
        shown = "" if target == Path(path) else f" (a link to {str(target)!r})"
        raise InputError(
            str(path),
            f"cannot be written: it is not a regular file{shown}",
            fix="write to a file",
        )
    if os.path.isfile(target) and not os.access(target, os.W_OK):
        # the atomic replace needs only the folder's permission: a file the
        # user protected would be replaced where `>` or `cp` are refused
        raise _protected(str(path), target)
    return target


def _protected(path: str, target: Path) -> InputError:
    """The error for an output file the user may not write: its cause (a
    file of another user, which only they or an administrator can make
    writable; a folder the new file could not be put in either) and a fix
    that works for it."""
    folder = target.parent
    writable_folder = os.access(folder, os.W_OK | os.X_OK)
    try:
        mine = os.stat(target).st_uid == os.geteuid()
    except (OSError, AttributeError):  # (no uids on Windows)
        mine = True
    where = (
        ""
        if writable_folder
        else (f", and its folder {str(folder)!r} is write-protected too")
    )
    if mine:
        return InputError(
            path,
            f"cannot be written: the file is write-protected{where}",
            fix="make it writable (chmod u+w"
            + ("" if writable_folder else ", and the folder's too")
            + ") or write to another path",
        )
    return InputError(
        path,
        f"cannot be written: the file is write-protected and belongs to another "
        f"user{where}",
        fix="write to another path (only its owner or an administrator can make "
        "it writable)",
    )


def write_atomic(path: str | os.PathLike[str], write: Callable[[str], object]) -> Path:
    """Write a file whole or not at all: *write* fills a temporary file in
    the same folder, which then replaces *path* (keeping its permissions).

    A symbolic link is written through (see :func:`output_target`). Every
    way the path cannot be written (a NUL in the name, a folder, a missing
    folder, a device, no permission, a full disk, a file too large) is an
    InputError naming it.
    """
    return write_all([(path, write)])[0]


def write_all(
    files: Iterable[tuple[str | os.PathLike[str], Callable[[str], object]]],
) -> list[Path]:
    """Write several files all or none: each *write* fills a temporary file
    in its target's folder; only when every one succeeded do they replace
    their targets (keeping their permissions). On a failure the temporary
    files are removed and no target is touched.

    Parameters
    ----------
    files
        ``(path, write)`` pairs; ``write(tmp)`` fills the file named *tmp*
        (:func:`table_writer` gives the one for a table).

    Returns
    -------
    list of pathlib.Path
        The files written (a symbolic link's target).

    Raises
    ------
    InputError
        A path that cannot be written (see :func:`write_atomic`), naming it.

    Examples
    --------
    >>> import tempfile, os
    >>> table = pd.DataFrame({"x": [1]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     a, b = os.path.join(d, "a.csv"), os.path.join(d, "b.txt")
    ...     _ = write_all([(a, table_writer(table, a)),
    ...                    (b, lambda tmp: Path(tmp).write_text("hi"))])
    ...     Path(a).read_text(), Path(b).read_text()
    ('x\\n1\\n', 'hi')
    """
    pending: list[tuple[str, Path, str]] = []
    try:
        for path, write in files:
            if not isinstance(path, str | os.PathLike) or isinstance(
                os.fspath(path), bytes
            ):
                raise InputError(
                    "path",
                    f"must be a file name (text or a pathlib.Path): got "
                    f"{type(path).__name__} {describe(path)}",
                    fix="pass the name of the file to write, e.g. 'out.csv'",
                )
            if not str(os.fspath(path)).strip():
                raise InputError(
                    "path",
                    f"is an empty file name ({os.fspath(path)!r})",
                    fix="pass the name of the file to write, e.g. 'out.csv'",
                )
            target, tmp = _temporary(path)
            pending.append((str(path), target, tmp))
            _fill(str(path), tmp, write)
        for path, target, tmp in pending:
            try:
                mode = (
                    target.stat().st_mode & 0o7777
                    if target.exists()
                    else 0o666 & ~_umask()
                )
                os.chmod(tmp, mode)
            except OSError as exc:
                raise _cannot_write(path, exc) from None
        for path, target, tmp in pending:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _cannot_write(path, exc) from None
    except BaseException:
        for _, _, tmp in pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    return [target for _, target, _ in pending]


def _cannot_write(path: str, exc: OSError) -> InputError:
    return InputError(
        path,
        f"cannot be written: {exc.strerror or _first_line(exc)}",
        fix=_write_fix(exc),
    )


def _fill(path: str, tmp: str, write: Callable[[str], object]) -> None:
    try:
        write(tmp)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    except UnicodeEncodeError as exc:  # a page (or any text) no file can hold
        raise _text_error(path, exc) from None


def _temporary(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The file *path* writes and a new empty temporary file next to it."""
    target = Path(path)
    if "\0" in str(target):
        raise InputError(
            str(path),
            "cannot be written: the name contains a NUL character",
            fix="give a file name",
        )
    target = output_target(target)
    if os.path.isdir(target):
        raise InputError(
            str(path), "cannot be written: it is a folder", fix="give a file name"
        )
    folder = target.parent
    if not os.path.isdir(folder):
        raise no_folder(str(path), folder)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=temporary_prefix(target.name), suffix=".tmp", dir=folder
        )
    except (OSError, ValueError) as exc:
        strerror = getattr(exc, "strerror", None) or str(exc)
        raise InputError(
            str(path),
            f"cannot be written: {strerror}",
            fix=_write_fix(exc) if isinstance(exc, OSError) else "",
        ) from None
    os.close(fd)
    return target, tmp
