"""Short ``repr`` strings and small HTML tables for custseg's result values.

Pure helpers that the result classes call from ``__repr__`` and
``_repr_html_``: a few values of each array, shares rounded to one decimal,
every text HTML-escaped (label names come from user rules files). Whatever
the input (no rows, huge label sets, long or odd names), the output is
bounded: at most :data:`MAX_LINES` lines of repr and :data:`MAX_ROWS` rows
of HTML.

Examples
--------
>>> short_repr("Labels", n=4, shares={"active": 3, "lost": 1})
'Labels(n=4, active 75.0%, lost 25.0%)'
>>> short_repr("Facts", n=4, noun="customers",
...            fields={"as_of": np.datetime64("2024-03-31"),
...                    "recency": np.array([11.0, 29.0, 1.0, 7.0])})
'Facts(n=4 customers, as_of=2024-03-31, recency=[11.0, 29.0, 1.0, ...])'
"""

from __future__ import annotations

import decimal
import difflib
import html
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ._threads import numpy_str

__all__ = [
    "MAX_LINES",
    "MAX_ROWS",
    "NA",
    "Raw",
    "columns_table",
    "composed",
    "counts_table",
    "fields_table",
    "format_value",
    "html_table",
    "number_repr",
    "one_line",
    "preview",
    "share",
    "short_repr",
    "text_width",
]

WIDTH = 88
"""Line width of :func:`short_repr` before it wraps."""
MAX_LINES = 4
"""Lines of :func:`short_repr` at most, then one ``... N more`` line."""
MAX_ROWS = 12
"""Body rows of :func:`html_table` at most; the rest is counted in a note."""
MAX_COLUMNS = 12
"""Columns of :func:`html_table` at most."""
MAX_TEXT = 40
"""Characters of one name or value at most; longer ones end in ``…``."""
PREVIEW = 3
"""Values of an array that :func:`short_repr` shows."""


#: The code points Python's ``str.isspace`` (and ``str.strip``) calls whitespace.
WHITESPACE: tuple[int, ...] = (
    *range(9, 14),
    *range(28, 33),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)

#: Characters that show nothing (Unicode format characters: the soft hyphen,
#: the Arabic letter mark, the Mongolian vowel separator, the zero-width
#: space, the left-to-right and right-to-left marks, the word joiner and the
#: invisible operators, the byte order mark): stripped from a text's ends
#: with :data:`WHITESPACE`, so a cell of only these is blank. The zero-width
#: joiners (U+200C, U+200D), part of emoji and of Persian and Indic words,
#: are not among them.
INVISIBLE: tuple[int, ...] = (
    0xAD,
    0x61C,
    0x180E,
    0x200B,
    0x200E,
    0x200F,
    *range(0x2060, 0x2065),
    0xFEFF,
)

#: The zero-width non-joiner and joiner (U+200C, U+200D): shown as they are
#: (they shape the characters beside them), but at a text's end they join
#: nothing, so they are stripped there, and a text of only these is blank.
JOINERS: tuple[int, ...] = (0x200C, 0x200D)

#: What a blank text is made of, and what is stripped from a text's ends.
BLANKS = "".join(map(chr, (*WHITESPACE, *INVISIBLE, *JOINERS)))


class Raw(str):
    """A text that :func:`format_value` shows as it is, without quotes."""

    __slots__ = ()


def one_line(text: str) -> str:
    r"""*text* with every unprintable character (line breaks, tabs, other
    control and format characters) as a space, for a cell of a printed table.

    Parameters
    ----------
    text
        The text of a cell (a name from the user's data).

    Returns
    -------
    str
        The text on one line, as long as *text* (in characters).

    Examples
    --------
    >>> one_line("line\nbreak\tand\r\u2028more")
    'line break and  more'
    >>> one_line("中文")
    '中文'
    >>> one_line("\U0001f468\u200d\U0001f469") == "\U0001f468\u200d\U0001f469"  # ZWJ kept
    True
    """
    if not text.isprintable():
        text = "".join(c if c.isprintable() or c in _JOINERS else " " for c in text)
    return text


class Escaped(str):
    r"""Text whose repr shows its code points (``'Jose\u0301'``), for a
    message naming two texts that only differ in Unicode form.

    >>> print(repr(Escaped("Jose\u0301")))
    'Jose\u0301'
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return ascii(str(self))


def alike(text: str) -> str:
    """*text* as a reader sees it: without invisible (format) characters
    such as U+200B, in one Unicode form (NFKC: ``José`` composed or not,
    full-width ``ａ`` as ``a``). The format characters that change what is
    drawn are kept, as :func:`shown_invisible` keeps them
    (:func:`_shows`): the tags of an emoji flag (England's and Scotland's
    differ only in those) and the joiners U+200C and U+200D between two
    symbols (👩‍💻 is one glyph, 👩💻 two); a joiner beside a letter or at
    an end joins nothing a reader sees.

    >>> alike("cafe\u0301\u200b") == alike("café")
    True
    >>> alike("\U0001f469\u200d\U0001f4bb") == alike("\U0001f469\U0001f4bb")
    False
    >>> alike("amy\u200d") == alike("a\u200cmy") == "amy"
    True
    """
    if text.isascii():
        return text
    kept = []
    for i, c in enumerate(text):
        if unicodedata.category(c) != "Cf":
            kept.append(c)
        elif c in "\u200c\u200d":
            if _joins_symbols(text, i):
                kept.append(c)
        elif _shows(c):
            kept.append(c)
    return unicodedata.normalize("NFKC", "".join(kept))


#: Variation selectors and skin-tone modifiers: a joiner after them joins
#: the symbol before them (built once, not per joiner)
_EMOJI_MODIFIERS = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)] + [chr(c) for c in range(0x1F3FB, 0x1F400)]
)


def spelling_key(text: str, *, loose: bool = False) -> str:
    """*text* as two spellings of one name compare: :func:`alike`, without
    blanks at its ends, in one letter case (``Phone``, ``phone `` and a
    full-width ``ｐｈｏｎｅ`` all ``phone``); *loose*: without any blank,
    ``_`` or ``-`` either (``Customer ID`` and ``customer_id`` alike).

    >>> spelling_key(" Phone\u200b"), spelling_key("Customer ID", loose=True)
    ('phone', 'customerid')
    """
    if loose:
        return re.sub(r"[\s_\-]+", "", alike(text)).casefold()
    return alike(text).strip().casefold()


def _joins_symbols(text: str, i: int) -> bool:
    """Whether the joiner at *text[i]* joins two symbols (emoji: 👩‍💻 is
    one glyph, 👩💻 two): the characters on either side, past variation
    selectors and skin-tone modifiers, are symbols (category ``So``). A
    joiner beside a letter (``b\u200co``), or at an end, joins nothing a
    reader sees in an id or a label."""
    before = i - 1
    while before >= 0 and text[before] in _EMOJI_MODIFIERS:
        before -= 1
    after = i + 1
    while after < len(text) and text[after] in "\u200c\u200d":
        after += 1
    return (
        before >= 0
        and after < len(text)
        and unicodedata.category(text[before]) == "So"
        and unicodedata.category(text[after]) == "So"
    )


def _shows(c: str) -> bool:
    """Whether a format character (category Cf) changes what is drawn: the
    joiners U+200C and U+200D (which join letters and emoji) and the tags
    of emoji flags (U+E0020 .. U+E007F, subdivision flags)."""
    return c in "\u200c\u200d" or 0xE0020 <= ord(c) <= 0xE007F


def alike_pair(names: Iterable[str]) -> tuple[str, str] | None:
    r"""The first two different *names* that read alike (:func:`alike`:
    one Unicode form, full-width letters as ASCII, invisible characters
    dropped), each :class:`Escaped` (shown by its code points); None when
    there are none. Rules files refuse such labels (``duplicate-name``),
    and so do the label parameters of the threshold classes.

    >>> print(*map(repr, alike_pair(["caf\u00e9", "x", "cafe\u0301"])))
    'caf\xe9' 'cafe\u0301'
    >>> alike_pair(["a", "A", "a"]) is None
    True
    """
    seen: dict[str, str] = {}
    for name in names:
        key = alike(name)
        other = seen.setdefault(key, name)
        if other != name:
            return Escaped(other), Escaped(name)
    return None


def shown_invisible(text: str) -> str:
    r"""*text* with its invisible format characters written as their code
    points (``\u202e``), for a page or a chart: a bidi control such as
    U+202E would turn ``'\u202eyma'`` into ``amy`` on the screen, and a
    zero-width space makes two names look one. The joiners U+200C and
    U+200D (which join letters and emoji) and the tags of emoji flags are
    kept; so is every other character.

    >>> shown_invisible("\u202eyma"), shown_invisible("amy\u200b"), shown_invisible("amy")
    ('\\u202eyma', 'amy\\u200b', 'amy')
    """
    if text.isascii():
        return text
    return _NON_ASCII.sub(_invisible_shown, text)


def shown_controls(text: str, keep: str = "") -> str:
    r"""*text* with its control characters (C0, among them the tab, line
    feed and carriage return, DEL and C1) written as their code points
    (``\u0009``), but those in *keep*: a page shows a tab or a line break
    as a blank and a NUL as nothing, so ``"amy\n"`` would read ``amy`` and
    ``"x\ty"`` would read ``x y``.

    >>> shown_controls("amy\n"), shown_controls("x\ty\x00"), shown_controls("a\nb", keep="\n")
    ('amy\\u000a', 'x\\u0009y\\u0000', 'a\nb')
    """
    if text.isprintable():
        return text
    return _CONTROL.sub(
        lambda m: m.group() if m.group() in keep else f"\\u{ord(m.group()):04x}",
        text,
    )


def shown_surrogates(text: str) -> str:
    r"""*text* with its lone surrogates (a byte that was not UTF-8, kept by
    ``errors="surrogateescape"``) written as their code points, for a chart:
    no font has a glyph for one, and matplotlib cannot lay it out. A page
    keeps them (its ``write`` names the character).

    >>> shown_surrogates("bo\udc80"), shown_surrogates("amy")
    ('bo\\udc80', 'amy')
    """
    if text.isprintable():
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def shown_name(text: str, *, surrogates: bool = False) -> str:
    r"""A name as a page, a chart or a notebook table shows it, so that two
    different names never look alike: control characters
    (:func:`shown_controls`), invisible format characters
    (:func:`shown_invisible`) and the blanks a page hides or shows alike
    (:func:`shown_blanks`) written as their code points; with *surrogates*,
    lone surrogates too (:func:`shown_surrogates`: a chart or a notebook
    cannot show them). A backslash of the name that comes before ``u``,
    ``U`` or another backslash (its own or a code point's) is written
    twice, so the name ``amy\u000a``, written with a backslash, never reads
    as ``amy`` and a line break; any other backslash is shown as it is
    (``C:\data``).

    >>> shown_name("amy\n"), shown_name("x\ty"), shown_name("amy\u200b "), shown_name("amy")
    ('amy\\u000a', 'x\\u0009y', 'amy\\u200b\\u0020', 'amy')
    >>> print(shown_name("amy\n"), shown_name("amy\\u000a"), shown_name("C:\\data"))
    amy\u000a amy\\u000a C:\data
    >>> print(ascii(shown_name("x\udce9y", surrogates=True)))
    'x\\udce9y'
    """
    mark = _free_mark(text) if "\\" in text else ""
    if mark:  # each backslash as a character no step below changes
        text = text.replace("\\", mark)
    shown = shown_blanks(shown_invisible(shown_controls(text)))
    if surrogates:
        shown = shown_surrogates(shown)
    if not mark:
        return shown
    # a backslash before a backslash (its own or a code point's), u or U: twice
    before = re.compile(f"{re.escape(mark)}(?=[{re.escape(mark)}\\\\uU])")
    return before.sub(lambda _: "\\\\", shown).replace(mark, "\\")


def _free_mark(text: str) -> str:
    """A private-use character *text* does not hold (the shown forms keep
    such characters as they are)."""
    for code in itertools.chain(range(0xE000, 0xF900), range(0xF0000, 0xFFFFE)):
        if chr(code) not in text:
            return chr(code)
    raise AssertionError("a text holding each of 71,000 private-use characters")


def shown_blanks(text: str) -> str:
    r"""*text* with the blanks a page hides or shows alike written as code
    points: a space at either end, a second space in a row (HTML shows one
    blank for any run, and none at the ends) and every blank that is not the
    ASCII space (a no-break space reads as a space). Two names that differ
    only there (``"amy"`` and ``"amy "``) never look alike in a table.

    >>> shown_blanks("amy "), shown_blanks("a b"), shown_blanks("a  b")
    ('amy\\u0020', 'a\\u00a0b', 'a \\u0020b')
    >>> shown_blanks("a b"), shown_blanks("")
    ('a b', '')
    """
    if text.isascii() and not (
        text.startswith(" ") or text.endswith(" ") or "  " in text
    ):
        return text
    out = []
    last = len(text) - 1
    for i, c in enumerate(text):
        if c == " ":
            hidden = i in (0, last) or text[i - 1] == " "
            out.append("\\u0020" if hidden else c)
        elif c.isspace() and not c.isascii():
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


#: A control character: C0 (tab, line feed and return among them), DEL, C1
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

#: A lone surrogate (no character: a byte decoded with surrogateescape)
_SURROGATE = re.compile(r"[\ud800-\udfff]")

#: One character beyond ASCII (the only ones :func:`shown_invisible` looks at)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _invisible_shown(match: re.Match[str]) -> str:
    c = match.group()
    if unicodedata.category(c) != "Cf" or _shows(c):
        return c
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


def composed(text: str) -> str:
    r"""*text* in Unicode's composed form (NFC): two spellings of one text
    (``José`` with its accent stored apart, as macOS file names and some
    exports write it) become one, which Unicode deems the same text. Nothing
    a reader tells apart is merged (full-width letters stay full-width).

    >>> composed("Jose\u0301") == "Jos\u00e9"
    True
    >>> composed("ａ")
    'ａ'
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


#: full-width ASCII (U+FF01 .. U+FF5E, as a Chinese keyboard types ``Ｎ／Ａ``)
#: and its ASCII form are this far apart
WIDE = 0xFEE0
#: full-width ASCII to ASCII and A-Z to a-z, in one pass
_FOLD = {
    **{c: c - WIDE for c in range(0xFF01, 0xFF5F)},
    **{c + d: c + 32 for c in range(65, 91) for d in (0, WIDE)},
}


def fold_chars(text: str) -> str:
    """*text* with full-width ASCII narrowed and A-Z lowered, as
    placeholders and answer words are compared (not stripped): every
    character stays one character.

    >>> fold_chars("Ｎ／Ａ"), fold_chars("Null"), fold_chars("－－")
    ('n/a', 'null', '--')
    """
    return text.translate(_FOLD)


def apart(name: Any, names: Iterable[Any]) -> tuple[Any, list[Any]]:
    r"""*name* and *names*, with every text among them that reads as *name*
    does but is another text (an accent stored apart, a zero-width space,
    full-width letters) and *name* itself made :class:`Escaped`: a message
    naming both then shows how they differ, where their plain reprs print
    the same.

    >>> name, names = apart("caf\u00e9", ["cafe\u0301", "date"])
    >>> print(repr(name), *map(repr, names))
    'caf\xe9' 'cafe\u0301' 'date'
    >>> apart("x", ["x", "y"])
    ('x', ['x', 'y'])
    """
    names = list(names)
    if not isinstance(name, str):
        return name, names
    key = alike(name)
    hits = [isinstance(n, str) and n != name and alike(n) == key for n in names]
    if not any(hits):
        return name, names
    return Escaped(name), [
        Escaped(n) if h else n for n, h in zip(names, hits, strict=True)
    ]


def listed(name: Any, names: Iterable[Any], limit: int = 20) -> tuple[Any, str]:
    r"""*name* and the columns *names* as a message lists them (:func:`apart`
    over every column, so a column that only reads as *name* does is shown
    by its code points wherever it is): all of them when at most *limit*,
    else the first *limit*, the ones that read alike or are spelled close
    to *name* wherever they are, and how many more there are.

    >>> field, text = listed("date", [f"c{i}" for i in range(30)] + ["date​"], limit=3)
    >>> print(repr(field), "|", text)
    'date' | 'c0', 'c1', 'c2', 'date​', ... and 27 more
    >>> listed("x", ["a", "b"])
    ('x', "'a', 'b'")
    """
    field, shown = apart(name, names)
    if len(shown) <= limit:
        return field, quoted(shown)
    texts = [str(n) for n in shown]
    close = set(difflib.get_close_matches(str(name), texts, n=3, cutoff=0.6))
    kept = [
        n
        for i, n in enumerate(shown)
        if i < limit or isinstance(n, Escaped) or texts[i] in close
    ]
    return field, f"{quoted(kept)}, ... and {len(shown) - len(kept)} more"


def quoted(values: Iterable[Any]) -> str:
    r"""*values* as their reprs, comma-separated; text as ``str`` (not
    ``np.str_('x')``), except :class:`Escaped` text, shown by its code
    points.

    >>> print(quoted(["a", Escaped("b\u200b"), 3]))
    'a', 'b\u200b', '3'
    """
    return ", ".join(
        repr(v) if isinstance(v, Escaped) else repr(str(v)) for v in values
    )


#: Zero-width joiner and non-joiner: part of a name (emoji sequences,
#: Persian and Indic text), kept by :func:`one_line`, no column of their own.
_JOINERS = frozenset("\u200c\u200d")


def text_width(text: str) -> int:
    """Terminal columns *text* takes: two for wide (CJK) characters, none
    for combining marks (an accent stored after its letter, as macOS
    writes ``é``) and joiners, one for the others.

    >>> text_width("中文"), text_width("José"), text_width("Jose\u0301")
    (4, 4, 4)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in _JOINERS:
            continue
        if unicodedata.category(ch) == "Me":  # enclosing marks
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    """*text* on one line (unprintable characters as spaces), at most *limit*."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(value: Any) -> str:
    """A label or column name: bare when plain, quoted (repr) otherwise."""
    text = str(value)
    plain = (
        text
        and text.isprintable()
        and not any(c in text for c in " ,()[]{}=%'\"\\")
        and len(text) <= MAX_TEXT
    )
    return text if plain else _clip(repr(text))


def number_text(value: Any) -> str:
    """A number a user wrote (a threshold, a bound, an edge) as they would
    write it, for messages: its shortest text, so that no two different
    numbers read alike (``2999.995``, not ``2999.99`` as ``:g`` writes it),
    whole floats without ``.0``, Decimals as written, narrow floats as
    their own type prints them.

    Parameters
    ----------
    value
        An int, float, NumPy number or Decimal (anything else: ``str``).

    Returns
    -------
    str
        The number's text.

    Examples
    --------
    >>> number_text(2999.995), number_text(3000.0), number_text(1234567.25)
    ('2999.995', '3000', '1234567.25')
    >>> number_text(1e20), number_text(float("inf")), number_text(np.float32(0.1))
    ('1e+20', 'inf', '0.1')
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return numpy_str(value)  # NumPy's shortest text in its own type
    if not isinstance(value, float | np.floating):
        return str(value)  # a Decimal as written
    f = float(value)
    if math.isfinite(f) and f.is_integer() and abs(f) < 1e16:
        return str(int(f))
    return repr(f)


def number_repr(value: float | None) -> str:
    """*value* (a threshold) as Python source: ``repr``, except that an
    infinity or NaN is written ``float('inf')``, ``float('-inf')`` or
    ``float('nan')``, so that a threshold class's repr can be pasted back
    (``inf`` alone is not a Python name). Used as the attrs ``repr=`` of
    threshold fields that may be infinite.

    Parameters
    ----------
    value
        A float, or None for an optional threshold left out.

    Returns
    -------
    str
        Text that evaluates to an equal value.

    Examples
    --------
    >>> number_repr(2000.0), number_repr(float("inf")), number_repr(-math.inf)
    ('2000.0', "float('inf')", "float('-inf')")
    >>> number_repr(None)
    'None'
    """
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        return f"float('{float(value)!r}')"
    return repr(value)


def format_value(value: Any) -> str:
    """One value, short: floats to 4 significant digits, days as ISO dates.

    >>> format_value(0.23754713263), format_value(15.0), format_value(123456.78)
    ('0.2375', '15.0', '123456.8')
    >>> format_value(np.datetime64("2024-03-31T00:00")), format_value(None)
    ('2024-03-31', 'None')
    >>> format_value("D"), format_value(Raw("23.7%")), format_value(("a", 1))
    ("'D'", '23.7%', "('a', 1)")
    >>> format_value(10**20), format_value(-(10**400))
    ('1e+20', '->1e308')
    """
    if isinstance(value, Raw):
        return _clip(str(value), 2 * MAX_TEXT)
    if value is None or isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        v = int(value)
        if abs(v) < 10**15:
            return str(v)
        try:
            return f"{float(v):.4g}"
        except OverflowError:  # beyond any float: only its sign and size
            return f"{'-' if v < 0 else ''}>1e308"
    if isinstance(value, float | np.floating):
        x = float(value)
        if not math.isfinite(x):
            return str(x)
        if 1e3 <= abs(x) < 1e15:
            return f"{x:.1f}"
        text = f"{x:.4g}"
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return "NaT"
        day = value.astype("datetime64[D]")
        return str(day) if day == value else str(value.astype("datetime64[s]"))
    if isinstance(value, str | np.str_):
        return _clip(repr(str(value)))
    if isinstance(value, np.ndarray):
        return preview(value)
    if isinstance(value, tuple | list):
        inner = preview(np.asarray(value, dtype=object), k=6)[1:-1]
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    return _clip(repr(value))


def preview(values: Any, k: int = PREVIEW) -> str:
    """The first *k* values of a 1-D array, then ``...`` if there are more.

    Masked entries (:mod:`numpy.ma`: a score that is missing) show as ``<NA>``.

    >>> preview(np.array([11, 29, 1, 7])), preview(np.array([])), preview(None)
    ('[11, 29, 1, ...]', '[]', 'None')
    >>> preview(np.ma.masked_equal([0, 3], 0))
    '[<NA>, 3]'
    """
    if values is None:
        return "None"
    arr, mask = _unmask(values)
    if arr.ndim != 1:
        return f"<array of shape {arr.shape}>"
    shown = [NA if mask[i] else format_value(arr[i]) for i in range(min(k, len(arr)))]
    if len(arr) > k:
        shown.append("...")
    return "[" + ", ".join(shown) + "]"


NA = Raw("<NA>")
"""How a missing (masked) value is shown."""


def _unmask(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """The data of *values* and a boolean mask (all False when not masked)."""
    if isinstance(values, np.ma.MaskedArray):
        return np.asarray(values.data), np.ma.getmaskarray(values).reshape(-1)
    from ._validate import as_array  # (here: _validate is imported after)

    arr = as_array(values)  # Polars text: "a\x00" kept, not cut to "a"
    return arr, np.zeros(arr.size, dtype=bool)


def rounded(value: float, digits: int = 0, *, scale: int = 0) -> str:
    """*value* (times ``10**scale``) with *digits* decimals and thousands
    separators, rounded half up from the decimal it prints as (``99.695``
    is ``99.70``, as ``10.005`` is ``10.01``; ``8.5`` days is ``9``, as
    ``7.5`` is ``8``): the binary float would round one half down and the
    next up. Every figure a table shows (printed or in the HTML report) is
    rounded so. *scale* shifts the decimal exactly (``0.2875`` with
    ``scale=2`` is ``28.75``, which ``100 * 0.2875`` is not).

    >>> rounded(99.695, 2), rounded(10.005, 2), rounded(8.5), rounded(12.5)
    ('99.70', '10.01', '9', '13')
    >>> rounded(-0.004, 2), rounded(1234567.5), len(rounded(1e300, 2)), rounded(-1e309)
    ('0.00', '1,234,568', 404, '-inf')
    >>> rounded(0.2875, 1, scale=2), rounded(100 * 0.2875, 1)
    ('28.8', '28.7')
    """
    value = float(value)
    if not math.isfinite(value):
        return str(value)  # inf, -inf, nan: no digits to round
    written = decimal.Decimal(repr(value)).scaleb(scale)
    # digits enough for any double (1e300 has 301 before the point)
    context = decimal.Context(prec=max(28, written.adjusted() + digits + 3))
    exact = written.quantize(
        decimal.Decimal(1).scaleb(-digits),
        rounding=decimal.ROUND_HALF_UP,
        context=context,
    )
    return f"{exact:z,.{digits}f}"


def decimal_places(values: Any, most: int = 6) -> int | None:
    """The fewest decimal places (0..*most*) every finite value is written
    with, read as printed (``0.29`` has 2), or None when some value needs more.

    >>> decimal_places([3.0, 12.5, 0.29]), decimal_places([1, 2])
    (2, 0)
    >>> decimal_places([1 / 3]), decimal_places([])
    (None, 0)
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    for k in range(most + 1):
        scale = 10.0**k
        with np.errstate(over="ignore", invalid="ignore"):
            if np.array_equal(np.round(x * scale) / scale, x):
                return k
    return None


def money_places(amounts: Any) -> int:
    """The decimal places :func:`mean_money` writes a mean of *amounts*
    with: those of the amounts (:func:`decimal_places`), two (cents) at
    least, and two when some amount has more than six.

    >>> money_places([12.5, 3.0]), money_places([0.004, 0.25]), money_places([1 / 3])
    (2, 3, 2)
    """
    return max(2, decimal_places(amounts) or 2)


def mean_money(value: float, places: int) -> str:
    """A mean of amounts of money (an average order, a mean spend), which
    has digits the amounts do not, at *places* decimals (those of the
    amounts: :func:`money_places`), rounded as :func:`rounded`, its
    thousands separated; a mean other than 0 below one unit of the last of
    those places (``0.003`` of amounts in cents) with its first two
    significant digits, so that it never reads ``0.00``. The HTML report
    writes its sums (revenue) with every digit they have
    (:func:`custseg.reporting._money`, which writes its means with this).

    >>> mean_money(1234.5678, 2), mean_money(0.0045, 3), mean_money(0.01 / 3, 2)
    ('1,234.57', '0.005', '0.0033')
    >>> mean_money(-5e-8, 2), mean_money(0.0, 2), mean_money(float("nan"), 2)
    ('-0.000000050', '0.00', 'nan')

    A mean too large for float64 to hold to that place is written to the
    places it holds, never with digits it does not have: the mean of
    3.7e15 over 3 (1,233,333,333,333,333.33...) is held as
    1233333333333333.25, which at two places would read ``.20``.

    >>> mean_money(3.7e15 / 3, 2), mean_money(3.65e14 / 3, 2)
    ('1,233,333,333,333,333', '121,666,666,666,666.7')
    """
    x = float(value)
    if not math.isfinite(x):
        return f"{x:,.2f}"
    digits = places
    if x and abs(x) < 10.0**-places:  # 0.003 is not 0.00: its first digits
        digits = max(places, 1 - decimal.Decimal(repr(x)).adjusted())
    step = math.ulp(x)  # the float's own resolution there
    if step > 10.0**-digits:  # places finer than it are noise: left out
        digits = max(0, -math.ceil(math.log10(step)))
    return rounded(x, digits)


def compact(value: float, digits: int = 3) -> str:
    """*value* in a few characters, for a cell too narrow for all its
    digits: as :func:`rounded` writes it whole when that has at most
    *digits* digits, else with *digits* significant digits and the power
    of ten (``2.66e14``), rounded half up from the decimal the float
    prints as, as every figure of the tables is. A value other than 0
    below 1 has no whole to write (``0.004`` is not ``0``): its
    significant digits and power (``4.00e-3``).

    >>> compact(950.4), compact(-12.5), compact(265_704_471_699_696.0)
    ('950', '-13', '2.66e14')
    >>> compact(999.5), compact(12_345), compact(1.005e16), compact(float("nan"))
    ('1.00e3', '1.23e4', '1.01e16', 'nan')
    >>> compact(0.004), compact(-0.6), compact(0.0)
    ('4.00e-3', '-6.00e-1', '0')
    """
    x = float(value)
    whole = rounded(x)
    if not math.isfinite(x) or not x:
        return whole
    if abs(x) >= 1 and len(whole.lstrip("-").replace(",", "")) <= digits:
        return whole
    written = decimal.Decimal(repr(x))
    power = written.adjusted()
    step = decimal.Decimal(1).scaleb(1 - digits)
    lead = written.scaleb(-power).quantize(step, rounding=decimal.ROUND_HALF_UP)
    if abs(lead) >= 10:  # 9.995 is 10.0: one more power of ten
        power += 1
        lead = (lead / 10).quantize(step, rounding=decimal.ROUND_HALF_UP)
    return f"{lead}e{power}"


def percent(fraction: float, digits: int = 1) -> str:
    """*fraction* as a percentage with one decimal (*digits*; ``-`` when
    undefined), rounded as :func:`rounded` from the decimal the fraction
    prints as (23 of 80 is 0.2875: ``28.8%``).

    A share that the decimals would show as none or as all while it is
    neither is shown as ``<0.1%`` or ``>99.9%``: one customer in 100,000 is
    not "0.0%", and 3,000 of 3,001 not "100.0%".

    >>> percent(0.412), percent(1 / 16), percent(float("nan")), percent(1e-5)
    ('41.2%', '6.3%', '-', '<0.1%')
    >>> percent(1 - 1e-5), percent(1.0), percent(0.0), percent(-1e-5)
    ('>99.9%', '100.0%', '0.0%', '>-0.1%')
    >>> percent(23 / 80), percent(0.745, 0), percent(0.8, 0)
    ('28.8%', '75%', '80%')
    """
    x = float(fraction)
    if not math.isfinite(x):
        return "-"
    text = rounded(x, digits, scale=2)
    step = 10.0**-digits  # the last place shown: 0.1, or 1
    if text == f"{0:.{digits}f}" and x:
        return f"<{step:.{digits}f}%" if x > 0 else f">-{step:.{digits}f}%"
    if text == f"{100:.{digits}f}" and x != 1:
        return f">{100 - step:.{digits}f}%" if x < 1 else f"<{100 + step:.{digits}f}%"
    return f"{text}%"


def share(count: float, total: float) -> str:
    """*count* as a percentage of *total* (:func:`percent`; ``-`` for no
    total).

    >>> share(412, 1000), share(0, 0), share(1, 100_000), share(99_999, 100_000)
    ('41.2%', '-', '<0.1%', '>99.9%')
    """
    if not total:
        return Raw("-")
    return Raw(percent(count / total))


def short_repr(
    class_name: str,
    *,
    n: int | None = None,
    noun: str = "",
    fields: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
    shares: Mapping[Any, int] | None = None,
    width: int = WIDTH,
) -> str:
    """A short repr: ``Name(n=.., field=value, ..., note, label share%, ...)``.

    *fields* are shown with :func:`format_value` (a few values of each
    array), *notes* as they are, and *shares* (counts per label) as shares
    of *n* (of their sum when *n* is None), one decimal. Wrapped at *width*,
    at most :data:`MAX_LINES` lines.

    >>> short_repr("Labels", n=3, fields={"name": "abc"}, shares={"A": 1, "B": 2})
    "Labels(n=3, name='abc', A 33.3%, B 66.7%)"
    >>> short_repr("Labels", n=0, shares={"at risk": 0, "流失": 0})
    "Labels(n=0, 'at risk' -, 流失 -)"
    """
    parts: list[str] = []
    if n is not None:
        parts.append(f"n={int(n)}" + (f" {_clip(noun)}" if noun else ""))
    for key, value in (fields or {}).items():
        parts.append(f"{_name(key)}={format_value(value)}")
    parts += [_clip(str(note), 2 * MAX_TEXT) for note in notes]
    if shares:
        total = int(n) if n is not None else sum(int(c) for c in shares.values())
        parts += [f"{_name(k)} {share(int(c), total)}" for k, c in shares.items()]
    return _pack(f"{_clip(class_name)}(", parts, ")", width)


def _pack(head: str, parts: list[str], tail: str, width: int) -> str:
    """Join *parts* with commas inside head...tail, wrapping at *width*."""
    lines: list[str] = []
    line, fresh = head, True
    for i, part in enumerate(parts):
        piece = part + ("," if i < len(parts) - 1 else tail)
        if not fresh and len(line) + 1 + len(piece) > width:
            lines.append(line)
            if len(lines) == MAX_LINES:
                return "\n".join(lines) + f"\n    ... {len(parts) - i} more" + tail
            line, fresh = "    ", True
        line += piece if fresh else " " + piece
        fresh = False
    if not parts:
        line += tail
    return "\n".join([*lines, line])


_PAD = "padding: 0.1em 0.6em; white-space: nowrap"


def _cell(value: Any, tag: str = "td") -> str:
    """A cell: texts left, numbers and :class:`Raw` values (shown) right."""
    plain = isinstance(value, str) and not isinstance(value, Raw)
    text = value if isinstance(value, str) else format_value(value)
    style = f' style="{_PAD}; text-align: {"left" if plain else "right"}"'
    return f"<{tag}{style}>{_html_text(text, 2 * MAX_TEXT)}</{tag}>"


def _html_text(text: str, limit: int = MAX_TEXT) -> str:
    r"""*text* for an HTML table, escaped and shown as the HTML report shows
    a name (:func:`shown_name`): its control and invisible characters and
    the blanks a page hides or shows alike written as code points, so that
    ``"amy\u200b"``, ``"amy\n"``, ``"x\ty"`` and ``"a\xa0b"`` never look
    like ``"amy"``, ``"x y"`` and ``"a b"``, and lone surrogates too (a
    notebook cannot send them); every other character as it is (emoji
    flags, private-use characters), never as a blank; at most *limit*
    characters.

    >>> _html_text("amy\u200b"), _html_text("a\xa0b"), _html_text("<b>")
    ('amy\\u200b', 'a\\u00a0b', '&lt;b&gt;')
    >>> _html_text("amy\n"), _html_text("x\ty"), _html_text("x\udce9y")
    ('amy\\u000a', 'x\\u0009y', 'x\\udce9y')
    """
    shown = shown_name(text, surrogates=True)
    return html.escape(shown if len(shown) <= limit else shown[: limit - 1] + "…")


def html_table(
    caption: str,
    header: Sequence[Any] | None,
    rows: Sequence[Sequence[Any]],
    *,
    note: str = "",
    n_more: int = 0,
    n_more_columns: int = 0,
) -> str:
    """A small self-contained HTML table; every text is escaped.

    At most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns are shown;
    the rows left out, plus *n_more*, and the columns left out (of the
    header or the widest row), plus *n_more_columns* (columns the caller
    left out before), are counted in a line under the table, with *note*.
    Strings are shown as they are (left-aligned), other values with
    :func:`format_value` (right-aligned, as :class:`Raw` strings).

    >>> html_table("<x>", ["a"], [[1], ["<script>"]])  # doctest: +ELLIPSIS
    '<div ...><table ...><caption ...>&lt;x&gt;</caption>...<td ...>&lt;script&gt;</td>...'
    >>> wide = html_table("t", list(range(14)), [list(range(14))] * 13, note="n")
    >>> wide.split("</table>")[1]  # doctest: +ELLIPSIS
    '<div ...>... 1 more rows, 2 more columns; n</div></div>'
    """
    width = max([len(header) if header is not None else 0, *(len(r) for r in rows)])
    n_more_columns += max(0, width - MAX_COLUMNS)
    n_more += max(0, len(rows) - MAX_ROWS)
    rows = rows[:MAX_ROWS]
    out = [
        '<div class="custseg">',
        '<table style="border-collapse: collapse">',
        '<caption style="text-align: left; white-space: nowrap">'
        + _html_text(caption, 200)
        + "</caption>",
    ]
    if header is not None:
        cells = "".join(
            f'<th style="{_PAD}">{_html_text(str(h))}</th>'
            for h in header[:MAX_COLUMNS]
        )
        out.append(f"<thead><tr>{cells}</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        out.append("<tr>" + "".join(_cell(v) for v in row[:MAX_COLUMNS]) + "</tr>")
    out.append("</tbody>")
    out.append("</table>")
    more = [f"{n_more} more rows"] if n_more else []
    if n_more_columns:
        more.append(f"{n_more_columns} more columns")
    notes = ["... " + ", ".join(more)] if more else []
    if note:
        notes.append(note)
    if notes:
        # under the table, not in it: a long note must not widen the columns
        text = html.escape(_clip("; ".join(notes), 300))
        out.append(f'<div style="font-size: smaller; max-width: 40em">{text}</div>')
    out.append("</div>")
    return "".join(out)


def counts_table(caption: str, counts: Mapping[Any, int], n: int | None = None) -> str:
    """Label, count and share of each label (the ``Labels`` table).

    >>> t = counts_table("stage", {"active": 1, "lost": 3})
    >>> 'right">25.0%</td>' in t, 'right">75.0%</td>' in t
    (True, True)
    """
    total = int(n) if n is not None else sum(int(c) for c in counts.values())
    rows = [[str(k), int(c), share(int(c), total)] for k, c in counts.items()]
    return html_table(caption, ["label", "count", "share"], rows)


def fields_table(caption: str, fields: Mapping[str, Any]) -> str:
    """One row per field: its name and its (short) value.

    >>> ">0.7241</td>" in fields_table("Pareto", {"gini": 0.72412})
    True
    """
    rows = [[str(k), Raw(format_value(v))] for k, v in fields.items()]
    return html_table(caption, ["", "value"], rows)


def columns_table(
    caption: str, columns: Mapping[str, Any], *, head: int = 5, note: str = ""
) -> str:
    """The first *head* rows of aligned 1-D arrays, one column each.

    Masked entries (:mod:`numpy.ma`) show as ``<NA>``.

    >>> t = columns_table("Facts", {"id": np.array([1, 2]), "r": np.array([0.5, 2])})
    >>> "text-align: right\\">0.5</td>" in t
    True
    """
    arrays = {
        k: _unmask(v) for k, v in columns.items() if v is not None and np.ndim(v) == 1
    }
    n = min((len(a) for a, _ in arrays.values()), default=0)
    shown = min(n, head, MAX_ROWS)
    rows = [
        [NA if m[i] else _row_value(a[i]) for a, m in arrays.values()]
        for i in range(shown)
    ]
    return html_table(caption, list(arrays), rows, note=note, n_more=n - shown)


def _row_value(value: Any) -> Any:
    """Values keep their type (so numbers align right); texts become str."""
    if isinstance(value, np.str_ | str):
        return str(value)
    if isinstance(value, np.generic | int | float):
        return value
    return format_value(value)


def edge_text(edge: float, better: bool, places: int | None = None) -> str:
    """A score edge as the HTML report, the printed report and every
    message write it (:func:`score_ranges`): without exponent, thousands
    separated, and, given the *places* every value of the data has, at
    those places: a fitted edge such as ``136.08999999999997`` between the
    cent values 136.08 and 136.09 reads ``136.08`` when higher is better
    (rounded down: a value passes it when above) and ``136.09`` when lower
    is better (rounded up), which split the data's values alike.

    >>> edge_text(136.08999999999997, True), edge_text(136.08999999999997, True, 2)
    ('136.08999999999997', '136.08')
    >>> edge_text(6.5, False, 0), edge_text(1234567.0, True), edge_text(-0.5, True, 0)
    ('7', '1,234,567', '-1')
    """
    # every digit of any double (1e308 has 309) and its places: quantize in
    # the default 28 digits fails from about 1e26
    wide = decimal.Context(prec=1000)
    exact = decimal.Decimal(np.format_float_positional(float(edge), trim="-"))
    if places is not None:
        # at the data's places (104.1 of cent values is 104.10); an edge
        # between two of its values: the next value of the data that does
        # not pass the edge (the operators > and >= read the same)
        exact = exact.quantize(
            decimal.Decimal(1).scaleb(-places),
            decimal.ROUND_FLOOR if better else decimal.ROUND_CEILING,
            context=wide,
        )
    text = f"{exact:f}"
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,d}{dot}{frac}"


def edges_text(cuts: Sequence[float], better: bool, places: int | None = None) -> str:
    """Score edges in messages, each as :func:`edge_text` writes it.

    >>> edges_text((0.1 + 0.2, 25.0, 136.08999999999997), True, 2)
    '(0.30, 25.00, 136.08)'
    >>> edges_text((58.0, 583.5), False)
    '(58, 583.5)'
    """
    return "(" + ", ".join(edge_text(c, better, places) for c in cuts) + ")"


def score_ranges(
    cuts: Sequence[float], bins: int, better: bool, places: int | None = None
) -> list[str]:
    """The value range of each score 1..bins (see :mod:`custseg.rfm`): a
    value passes an edge when above it (*better*) or below it (recency).

    Edges are written exactly, or, given the *places* every value of the
    data has, at those places: a fitted edge such as ``237.70499999999998``
    between the cent values 237.70 and 237.71 reads ``> 237.70`` (higher is
    better, so rounded down) or ``< 237.71`` (lower is better, rounded up),
    which holds the same values of the data.

    >>> score_ranges([237.70499999999998], 2, True)
    ['≤ 237.70499999999998', '> 237.70499999999998']
    >>> score_ranges([237.70499999999998], 2, True, places=2)
    ['≤ 237.70', '> 237.70']
    >>> score_ranges([45.5, 1200.0], 3, False, places=0)
    ['≥ 1,200', '≥ 46, < 1,200', '< 46']
    >>> score_ranges([104.1], 2, True, places=2)
    ['≤ 104.10', '> 104.10']
    """

    def num(x: float) -> str:
        return edge_text(x, better, places)

    out = []
    for s in range(1, bins + 1):
        if better:  # higher is better: a value passes an edge when > it
            lo = cuts[s - 2] if s >= 2 else None
            hi = cuts[s - 1] if s <= len(cuts) else None
            if lo is None:
                out.append(f"≤ {num(hi)}" if hi is not None else "*")
            elif hi is None:
                out.append(f"> {num(lo)}")
            else:
                out.append(f"> {num(lo)}, ≤ {num(hi)}")
        else:  # lower is better: a value passes an edge when < it
            k = len(cuts)
            lo_i, hi_i = k - s, k - s + 1
            lo = cuts[lo_i] if 0 <= lo_i < k else None
            hi = cuts[hi_i] if 0 <= hi_i < k else None
            if s == bins:
                out.append(f"< {num(cuts[0])}" if k else "*")
            elif s == 1:
                out.append(f"≥ {num(cuts[-1])}")
            else:
                out.append(f"≥ {num(lo)}, < {num(hi)}")  # type: ignore[arg-type]
    return out


def spelled(name: str) -> str:
    """*name* quoted, with the code points of its non-ASCII characters.

    >>> spelled("\uf900"), spelled("x")
    ("'\uf900' (U+F900)", "'x'")
    """
    codes = " ".join(f"U+{ord(c):04X}" for c in name if not c.isascii())
    return f"{name!r} ({codes})" if codes else repr(name)
