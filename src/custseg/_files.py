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
import errno
import gzip
import lzma
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._validate import as_datetime
from .errors import InputError

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
_ENCODING_FIX = (
    "name its encoding with encoding= (on the command line: --encoding gbk, "
    "or --encoding latin-1)"
)
_PYARROW_FIX = (
    "pip install pyarrow (from a custseg checkout: pip install -e '.[parquet]')"
)


def table_format(path: str | os.PathLike[str]) -> str:
    """``"csv"``, ``"tsv"``, ``"txt"`` or ``"parquet"`` from a file name.

    Text formats may be compressed (``.gz``, ``.zip``, ``.bz2``, ``.xz``).

    Parameters
    ----------
    path
        A file name; only its extension is used.

    Raises
    ------
    InputError
        The extension is not one of those.

    Examples
    --------
    >>> table_format("out/customers.csv.gz"), table_format("c.parquet")
    ('csv', 'parquet')
    >>> table_format("export.TXT"), table_format("export.tsv")
    ('txt', 'tsv')
    """
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
    """The first line of a text table, decoded leniently (for sniffing)."""
    try:
        with _open_binary(path) as f:
            raw = f.readline(64 * 1024)
        text = raw.decode(encoding, errors="replace")
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return ""  # UnicodeError: codecs such as punycode raise even with "replace"
    return text.lstrip("\ufeff").rstrip("\r\n")


def _starts_with(path: Path, marks: tuple[bytes, ...]) -> bool:
    try:
        with _open_binary(path) as f:
            return f.read(4).startswith(marks)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError):
        return False


def _first_bad_byte(path: Path, encoding: str) -> tuple[int, int] | None:
    """The first byte that does not decode, and its (1-based) line number."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    try:
        with _open_binary(path) as f:
            while True:
                chunk = f.read(1 << 16)
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    # exc.object: bytes held back from the last chunk + this one
                    # (held-back bytes are part of one character: no newline)
                    before = exc.object[: exc.start].count(b"\n")
                    return exc.object[exc.start], line + before
                if not chunk:
                    break
                line += chunk.count(b"\n")
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError, UnicodeError):
        return None
    return None


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
                fix="e.g. --sep ';' or --sep tab",
            )
        return resolved
    if fmt != "txt":
        return _DEFAULT_SEP[fmt]
    head = _head(path, encoding)
    for candidate in ("\t", ",", ";"):
        if candidate in head:
            return candidate
    return r"\s+"


def _check_encoding(encoding: object) -> str:
    """The encoding name, if it names a codec that decodes bytes to text."""
    if encoding is None:
        return "utf-8"
    fix = "use a name such as utf-8, gbk, gb18030, big5, latin-1 or cp1252"
    if not isinstance(encoding, str):
        raise InputError(
            "encoding", f"must be a text encoding name, got {_short(encoding)}", fix=fix
        )
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):  # ValueError: a NUL in the name
        raise InputError(
            "encoding", f"{_short(encoding)} is not a known text encoding", fix=fix
        ) from None
    # base64, rot13, zlib ... are bytes-to-bytes or text-to-text codecs, and
    # "undefined" refuses everything: none of them decodes a file to text
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise InputError(
            "encoding",
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


def _sep_hint(path: Path, sep: str, encoding: str) -> str | None:
    """A --sep suggestion when the header holds another separator."""
    head = _head(path, encoding)
    if "\ufffd" in head or any(ch < " " and ch != "\t" for ch in head):
        return None  # binary or undecodable: not a separator problem
    for candidate in _SEP_CANDIDATES:
        if candidate != sep and candidate in head:
            shown = "tab" if candidate == "\t" else repr(candidate)
            return (
                f"its header {head[:60]!r} looks {shown}-separated: read it with "
                f"sep={candidate!r} (on the command line: --sep {shown})"
            )
    return None


def _read_text(
    path: Path, fmt: str, sep: str | None, encoding: str, text_columns: list[str]
) -> pd.DataFrame:
    resolved = _resolve_sep(sep, fmt, path, encoding)
    common: dict[str, Any] = {
        "sep": resolved,
        "encoding": encoding,
        "skipinitialspace": True,
    }
    try:
        if text_columns:
            # text columns are read exactly: "NA", "null", "N/A" are ids, only
            # an empty cell is missing; the other columns keep pandas' markers
            header = pd.read_csv(path, nrows=0, **common).columns
            common["keep_default_na"] = False
            common["na_values"] = {
                c: [""] if c in text_columns else sorted(_NA_MARKERS) for c in header
            }
        df = pd.read_csv(
            path,
            dtype=dict.fromkeys(text_columns, str) or None,
            low_memory=False,
            **common,
        )
    except pd.errors.EmptyDataError:
        raise InputError(
            str(path),
            f"cannot be read as {fmt}: the file is empty",
            fix="it needs a header line (customer_id,date,amount) and one line "
            "per transaction",
        ) from None
    except UnicodeDecodeError:
        found = _first_bad_byte(path, encoding)
        where = f" (byte 0x{found[0]:02x} at line {found[1]})" if found else ""
        utf16 = _starts_with(path, (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        raise InputError(
            str(path),
            f"cannot be read as {fmt}: it is not {_encoding_name(encoding)} text"
            + (", it starts with a UTF-16 byte order mark" if utf16 else where),
            fix="read it with encoding='utf-16' (on the command line: --encoding "
            "utf-16)"
            if utf16
            else _ENCODING_FIX,
        ) from None
    except (MemoryError, InputError):
        raise
    except Exception as exc:  # pandas raises many types for malformed text
        hint = _sep_hint(path, resolved, encoding)
        if hint is not None and isinstance(exc, pd.errors.ParserError):
            raise InputError(
                str(path), f"cannot be read as {fmt}: {hint}", fix=""
            ) from None
        raise InputError(
            str(path),
            f"cannot be read as {fmt}: {_first_line(exc)}",
            fix=f"check that it is a valid {fmt} file"
            + (" and the separator (--sep)" if fmt != "parquet" else ""),
        ) from None
    if len(df.columns) == 1:
        hint = _sep_hint(path, resolved, encoding)
        if hint is not None:
            raise InputError(str(path), f"has a single column: {hint}")
    return df


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
        customer ids, so ``00017`` keeps its zeros and ids that look like
        numbers stay the same type as the others. Parquet columns keep their
        stored types.

    Returns
    -------
    pandas.DataFrame
        One row per line; spaces after a separator are skipped.

    Raises
    ------
    InputError
        A missing or empty file, an unknown extension, undecodable bytes
        (naming the first one and its line), a header that uses another
        separator, or content that cannot be parsed.

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
        columns = [text_columns] if isinstance(text_columns, str) else [*text_columns]
        return _read_text(file, fmt, sep, enc, columns)
    _need_pyarrow()
    try:
        return pd.read_parquet(file)
    except MemoryError:
        raise
    except Exception as exc:  # pyarrow raises its own types for corrupt files
        raise InputError(
            str(path),
            f"cannot be read as parquet: {_first_line(exc)}",
            fix="check that it is a valid parquet file",
        ) from None


_DATE_FIX = (
    "use ISO 8601 dates (2024-01-31 or 2024-01-31 14:05:00) or YYYYMMDD "
    "(20240131), or give the format with date_format= (on the command line: "
    "--date-format '%d/%m/%Y')"
)
_NUMBER_FIX = (
    "store dates as text (2024-01-31) or YYYYMMDD numbers (20240131); convert "
    "other numbers (Unix time, spreadsheet serial days) to dates first"
)


def _bad_values(
    col: pd.Series, bad: np.ndarray, name: str, problem: str, fix: str
) -> InputError:
    first = int(np.argmax(bad))
    value = col.iloc[first]
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    elif isinstance(value, np.generic):
        value = value.item()
    return InputError(
        name,
        f"{problem}, such as {value!r}",
        first_row=first,
        n_rows=int(bad.sum()),
        fix=fix,
    )


def _numeric_dates(col: pd.Series, name: str, date_format: str | None) -> pd.Series:
    """YYYYMMDD numbers (or numbers in *date_format*) to datetimes."""
    if pd.api.types.is_bool_dtype(col.dtype):
        raise InputError(name, f"holds {col.dtype} values, not dates", fix=_NUMBER_FIX)
    values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    whole = ~missing & (np.abs(values) < 1e15) & (np.floor(values) == values)
    if date_format is None:
        whole &= (values >= 1000_01_01) & (values <= 9999_12_31)
    bad = ~missing & ~whole
    if bad.any():
        raise _bad_values(
            col,
            bad,
            name,
            "holds numbers that are not YYYYMMDD dates"
            if date_format is None
            else f"holds numbers that cannot match the date format {date_format!r}",
            _NUMBER_FIX,
        )
    text = pd.Series(
        np.where(
            missing, "", np.char.mod("%d", np.where(whole, values, 0).astype(np.int64))
        ),
        index=col.index,
    ).where(~missing)
    fmt = date_format or "%Y%m%d"
    parsed = _to_datetime(text, name, fmt)
    bad = (parsed.isna() & ~missing).to_numpy()
    if bad.any():
        raise _bad_values(
            col,
            bad,
            name,
            "holds numbers that are not YYYYMMDD dates"
            if date_format is None
            else f"has values that do not match the date format {date_format!r}",
            _NUMBER_FIX if date_format is None else _DATE_FIX,
        )
    parsed.name = col.name
    return parsed


def _to_datetime(col: pd.Series, name: str, date_format: str) -> pd.Series:
    try:
        return pd.to_datetime(col, format=date_format, errors="coerce")
    except MemoryError:
        raise
    except Exception as exc:  # ValueError, re.error: the format itself is bad
        if date_format == "ISO8601":
            raise
        raise _format_error(date_format, exc) from None


_FORMAT_FIX = "use strftime codes, e.g. '%d/%m/%Y' or '%Y%m%d %H:%M'"


def _format_error(date_format: object, exc: BaseException | None) -> InputError:
    why = f": {_first_line(exc)}" if exc is not None else ""
    return InputError(
        "date_format",
        f"{_short(date_format)} cannot be used{why}",
        fix=_FORMAT_FIX,
    )


def check_date_format(date_format: object) -> str | None:
    """*date_format* if pandas can parse dates with it; ``None`` for the default.

    ``None`` and ``"ISO8601"`` mean the default (ISO 8601 text, ``YYYYMMDD``
    numbers).

    Raises
    ------
    InputError
        Not a string, empty, or a format pandas refuses (``%Q``, a directive
        given twice such as ``%Y%Y``).

    Examples
    --------
    >>> check_date_format("%d/%m/%Y")
    '%d/%m/%Y'
    >>> check_date_format("%Y%Y")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'date_format' '%Y%Y' cannot be used: redefinition of group name 'Y' as group 2; was group 1 at position 19: use strftime codes, e.g. '%d/%m/%Y' or '%Y%m%d %H:%M'
    """
    if date_format is None:
        return None
    if not isinstance(date_format, str) or not date_format or "\0" in date_format:
        raise InputError(
            "date_format",
            f"must be a non-empty strftime format, got {_short(date_format)}",
            fix=_FORMAT_FIX,
        )
    if date_format.upper() == "ISO8601":
        return None  # the default for text
    probe = pd.Series(["2024-01-31"], dtype=object)
    try:
        pd.to_datetime(probe, format=date_format, errors="coerce")
    except MemoryError:
        raise
    except Exception as exc:  # ValueError, re.error (pandas' strptime machinery)
        raise _format_error(date_format, exc) from None
    return date_format


def parse_date_column(
    col: pd.Series, name: str, *, date_format: str | None = None
) -> pd.Series:
    """Parse a column of transaction dates, naming the first bad value.

    Accepts datetime columns (returned as they are), ISO 8601 text
    (``2024-01-31``, ``2024-01-31 14:05:00``, ``20240131``), ``YYYYMMDD``
    integers (``20240131``, also as floats when the column has gaps) and, with
    *date_format*, text or numbers in that format. Missing values stay
    missing (NaT).

    Parameters
    ----------
    col
        The column.
    name
        Its name, for error messages.
    date_format
        A :func:`~datetime.datetime.strptime` format such as ``"%d/%m/%Y"``
        (default: ISO 8601 for text, ``YYYYMMDD`` for numbers).

    Returns
    -------
    pandas.Series
        Datetimes on the same index (time-zone aware if the text carries one
        UTC offset).

    Raises
    ------
    InputError
        A value that is not a date (the first one is named, with its row and
        the number of bad rows), numbers that are not ``YYYYMMDD``, or an
        unusable *date_format*.

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
    """
    date_format = check_date_format(date_format)
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(
        col.dtype
    ):
        return _numeric_dates(col, name, date_format)
    if col.dtype == object:
        kind = pd.api.types.infer_dtype(col, skipna=True)
        if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            numbers = pd.to_numeric(col, errors="coerce")
            return _numeric_dates(numbers, name, date_format)
        if kind not in ("string", "empty", "datetime", "datetime64", "date"):
            # numbers mixed with text (a CSV column read in chunks): each
            # value as its text, so 20240131 and "2024-01-31" parse alike
            col = col.map(lambda x: x if x is None or x != x else str(x))
    if date_format is not None:
        parsed = _to_datetime(col, name, date_format)
        problem = f"has values that do not match the date format {date_format!r}"
    else:
        try:
            parsed = _to_datetime(col, name, "ISO8601")
        except (ValueError, TypeError, OverflowError):
            # mixed UTC offsets or mixed Python objects: pandas refuses them even
            # with errors="coerce"; the core parser reads each offset as its
            # local wall-clock time and names the first bad value
            values = as_datetime(col.to_numpy(dtype=object), name, nan="allow")
            return pd.Series(values, index=col.index, name=col.name)
        problem = "has values that are not dates"
    bad = (parsed.isna() & col.notna()).to_numpy()
    if bad.any():
        raise _bad_values(col, bad, name, problem, _DATE_FIX)
    return parsed


_DIGITS = re.compile(r"[0-9]+")


def parse_date_text(
    text: str, name: str, *, date_format: str | None = None
) -> pd.Timestamp:
    """One date given as text (a command-line option), read like the date column.

    ISO 8601 (``2024-03-01``, ``2024-03-01 10:30``) or ``YYYYMMDD``
    (``20240301``); when neither fits and *date_format* is given, that
    format. Bare digits are only ever ``YYYYMMDD``: ``202403`` or ``2024`` is
    refused, never read as a year.

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
    for value, fmt in tries:
        try:
            parsed = parse_date_column(value, name, date_format=fmt)
        except InputError:
            continue
        day = parsed.iloc[0]
        if isinstance(day, pd.Timestamp) and not pd.isna(day):
            return day
    raise InputError(name, f"is not a day: {_short(text)}", fix=fix)


_MONEY_WORDS = ("monetary", "amount", "revenue", "spend", "sales", "price")
_INTEGER_NAMES = frozenset({"r", "f", "m", "rfm", "frequency", "n_transactions"})


def _is_whole(values: np.ndarray) -> bool:
    finite = values[~np.isnan(values)]
    return bool(np.all(np.isfinite(finite)) and np.all(np.floor(finite) == finite))


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Money to cents (as text), counts of days and scores to nullable integers."""
    out = df.copy()
    for position, name in enumerate(out.columns):
        col = out.iloc[:, position]
        if not pd.api.types.is_float_dtype(col.dtype):
            continue
        key = str(name).lower()
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        if any(word in key for word in _MONEY_WORDS):
            cents = values.copy()
            # beyond 1e15 a cent is below float precision (and x * 100 overflows)
            small = np.abs(values) < 1e15
            cents[small] = np.round(values[small], 2) + 0.0  # + 0.0: no "-0.00"
            text = np.char.mod("%.2f", np.nan_to_num(cents)).astype(object)
            text[np.isnan(cents)] = ""
            text[np.isinf(cents)] = np.char.mod("%f", cents[np.isinf(cents)])
            out.isetitem(position, text)
        elif (key.endswith("_days") or key in _INTEGER_NAMES) and _is_whole(values):
            out.isetitem(position, col.astype("Int64").array)
    return out


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_fix(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some disk space or write to another disk"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "check that you may write to that folder, or write elsewhere"
    return "check that the folder exists and is writable"


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a DataFrame as CSV, TSV/TXT (tab-separated) or Parquet, atomically.

    The table goes to a temporary file in the target's folder, which then
    replaces the target: a failed write leaves no partial file. A named index
    (such as ``customer_id``) becomes the first column(s); an unnamed one is
    left out.

    In text files, money columns (names containing ``monetary``, ``amount``,
    ``revenue``, ``spend``, ``sales`` or ``price``) are rounded to cents,
    counts of days (``*_days``) and scores (``r``, ``f``, ``m``, ``rfm``) are
    whole numbers, and missing values are empty cells. Parquet keeps the
    types (categoricals, nullable integers).

    Parameters
    ----------
    df
        The table.
    path
        Target file; the format follows the extension as in
        :func:`table_format` (text formats may be compressed).

    Raises
    ------
    InputError
        An unknown extension, a missing folder, a folder as target, or a
        failed write (a full disk, no permission), with one line naming the
        problem.

    Examples
    --------
    >>> import tempfile, os
    >>> out = pd.DataFrame({"monetary": [232.07999999999998, None],
    ...                     "recency_days": [3.0, None], "r": [5.0, None]},
    ...                    index=pd.Index(["007", "010"], name="customer_id"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "out.csv")
    ...     write_table(out, p)
    ...     print(Path(p).read_text(), end="")
    customer_id,monetary,recency_days,r
    007,232.08,3,5
    010,,,
    """
    fmt = table_format(path)
    if fmt == "parquet":
        _need_pyarrow()
    target = Path(path)
    named = any(n is not None for n in df.index.names)
    data = df.reset_index() if named else df.reset_index(drop=True)

    def write(tmp: str) -> None:
        if fmt == "parquet":
            data.to_parquet(tmp, index=False)
        else:
            _csv_ready(data).to_csv(
                tmp,
                sep="," if fmt == "csv" else "\t",
                index=False,
                float_format="%.15g",
                compression=_compression(target),
            )

    try:
        write_atomic(target, write)
    except (ValueError, TypeError) as exc:
        if fmt == "parquet" and not isinstance(exc, InputError):
            raise InputError(
                str(path),
                f"cannot be written as parquet: {_first_line(exc)}",
                fix="write a .csv file instead",
            ) from None
        raise


def write_atomic(path: str | os.PathLike[str], write: Callable[[str], object]) -> Path:
    """Write a file whole or not at all: *write* fills a temporary file in
    the same folder, which then replaces *path* (keeping its permissions).

    Every way the path cannot be written (a NUL in the name, a folder, a
    missing folder, no permission, a full disk) is an InputError naming it.
    """
    target = Path(path)
    if "\0" in str(target):
        raise InputError(
            str(path),
            "cannot be written: the name contains a NUL character",
            fix="give a file name",
        )
    if os.path.isdir(target):
        raise InputError(
            str(path), "cannot be written: it is a folder", fix="give a file name"
        )
    folder = target.parent
    if not os.path.isdir(folder):
        raise InputError(
            str(path),
            f"cannot be written: the folder {str(folder)!r} does not exist",
            fix="create it first, or write elsewhere",
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except (OSError, ValueError) as exc:
        strerror = getattr(exc, "strerror", None) or str(exc)
        raise InputError(
            str(path),
            f"cannot be written: {strerror}",
            fix=_write_fix(exc) if isinstance(exc, OSError) else "",
        ) from None
    try:
        os.close(fd)
        write(tmp)
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(
                str(path),
                f"cannot be written: {exc.strerror or _first_line(exc)}",
                fix=_write_fix(exc),
            ) from None
        raise
    return target
