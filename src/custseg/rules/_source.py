"""Where things are in a TOML text: lines, key positions, string literals.

``tomllib`` returns plain values without positions. Diagnostics need
``line:column`` (in characters), so this module finds them in the text: table
headers and ``key =`` lines for keys, and the quoted literal for string values
(the n-th occurrence for the n-th lookup of the same value, since documents are
read in file order).

The text is indexed once (headers, key lines, string literals), so locating
is a dictionary look-up, not a rescan: a file of a thousand rules costs a
thousand look-ups, not a million line scans. This module also decodes raw
bytes strictly (:func:`decode`) and measures the nesting of a text before
``tomllib`` sees it (:func:`nesting_problems`).
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

import numpy as np

from .._validate import damaged_utf8, utf8_damage, utf16_without_bom
from ..errors import Diagnostic

__all__ = [
    "ECHO",
    "Located",
    "Source",
    "decode",
    "echo",
    "locate_numbers",
    "nesting_problems",
    "rules_mark",
]

ECHO = 120  # characters of a source line shown in a diagnostic, at most
_KEY_DEPTH = 16  # header / dotted-key prefixes indexed (diagnostic paths are short)

# "[a.b]" or "[[a.b]]" then an optional comment (a quoted part may hold "]");
# possessive: no backtracking
_HEADER = re.compile(
    r"""[ \t]*+\[\[?+((?:"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+'|[^\]\n"'])*+)"""
    r"""\]\]?+[ \t\r]*+(?:#.*)?$"""
)
#: a path part naming an element of an array (``"[1]"``, see
#: :meth:`Source.locate_key`)
_ITEM = re.compile(r"\[\d+\]")
# a key (bare, quoted or dotted) then "=": at the start of a line, or inside
# an inline table
_INLINE_KEY = re.compile(
    r"""[ \t]*+((?:"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+'|[\w\-]++)"""
    r"""(?:[ \t]*+\.[ \t]*+(?:"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+'|[\w\-]++))*+)[ \t]*+="""
)
# one part of a key: quoted (a dot inside is no separator) or bare
_KEY_PART = re.compile(r""""(?:[^"\\\n]|\\.)*+"|'[^'\n]*+'|[\w\-]++""")
# the line that marks a text as a rules file: a top-level format = N or
# extends = "preset" (before any table header)
_RULES_MARK = re.compile(
    r"""[ \t]*(?:format[ \t]*=[ \t]*[0-9]|extends[ \t]*=[ \t]*["'])"""
)
# the start of a string literal or of a comment
_OPENER = re.compile(r"\"\"\"|'''|\"|'|#")
_BASIC = re.compile(r'((?:[^"\\\n]|\\.)*+)"')
_ML_BASIC_END = re.compile(r'(?:[^"\\]|\\.|"(?!""))*+"""', re.DOTALL)
# a line-ending backslash and the blanks and newlines TOML trims after it
_LINE_END = re.compile(r"\\[ \t]*\r?\n[ \t\r\n]*")
_ESCAPE = re.compile(
    r'\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[btnfr"\\e])'
)
_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "e": "\x1b",
}


def _unquote(part: str) -> str:
    r"""A key as ``tomllib`` reads it: a quoted key without its quotes, and a
    basic (double-quoted) one with its escapes decoded, so ``"a\u0020b"``
    is found as the key ``a b``.

    >>> _unquote('"a\\u0020b"'), _unquote("'a\\u0020b'"), _unquote(" x ")
    ('a b', 'a\\u0020b', 'x')
    """
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        body = part[1:-1]
        if part[0] == "'" or "\\" not in body:
            return body
        try:
            return _ESCAPE.sub(_unescape, body)
        except ValueError:  # a \U escape beyond the last code point
            return body
    return part


def _split_dotted(text: str) -> tuple[str, ...]:
    """The parts of a dotted key or header as ``tomllib`` reads them (blanks
    around a dot are allowed, and a quoted part may hold a dot).

    >>> _split_dotted('tables . zh . "x.y"')
    ('tables', 'zh', 'x.y')
    """
    return tuple(_unquote(m.group()) for m in _KEY_PART.finditer(text))


def echo(line: str, end_column: int = 1) -> str:
    """A source line as shown in a diagnostic: at most :data:`ECHO` characters.

    A line is cut (with ``…``) after ``ECHO`` characters; when the highlighted
    part ends further right than that, nothing is shown (the header still gives
    ``line:column``), so no diagnostic prints more than one short line. Control
    characters (terminal escapes, NUL) and lone surrogates are shown as
    ``\ufffd``.

    >>> echo("x = 1")
    'x = 1'
    >>> len(echo("root:x:0:0:" * 40))
    121
    >>> echo("a" * 500, end_column=300)
    ''
    """
    if end_column - 1 > ECHO:
        return ""
    line = line.rstrip("\r")
    line = line if len(line) <= ECHO else line[:ECHO] + "…"
    # no terminal control sequences from a hostile file: one character each
    return _CONTROL.sub("\ufffd", line)


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def rules_mark(lines: list[str]) -> int:
    """The 1-based line of the first ``format = N`` (or ``extends = "..."``)
    before any table header, which marks *lines* as a rules file; 0 when
    there is none.

    A diagnostic about a text shows one of its lines only at or after this
    mark: a text without one (a ``.env`` or settings file passed by mistake)
    may hold passwords on any line, the first one included.

    >>> rules_mark(["# shop", "format = 1", "[fields]"])
    2
    >>> rules_mark(["DB_PASSWORD=s3cr3t"]), rules_mark(["[a]", "format = 1"])
    (0, 0)
    """
    for i, line in enumerate(lines):
        if _RULES_MARK.match(line):
            return i + 1
        if line.lstrip(" \t").startswith("["):
            return 0
    return 0


#: any character but a line feed (a multi-line string blanked, lines kept)
_NOT_LINE_END = re.compile(r"[^\n]")


class Source:
    """A rules text with its path, for locating keys and values."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark
        self.lines = self.text.split("\n")
        self._seen: dict[tuple[tuple[str, ...], str, str | None], int] = {}
        self._sections: list[tuple[int, tuple[str, ...]]] = [(0, ())]
        #: the lines with strings and comments blanked: a ``[header]`` line
        #: written inside a multi-line string is text, not a table
        self.structure = _blanked(self.text).split("\n")
        for i, line in enumerate(self.lines):
            if self.structure[i].lstrip(" \t").startswith("["):
                m = _HEADER.match(line)
                if m and m.group(1).strip():
                    self._sections.append((i, _split_dotted(m.group(1).strip())))
        self._starts = [start for start, _ in self._sections]
        self._index: _Index | None = None
        self._strings: dict[str, list[Located]] | None = None
        self._mark: int | None = None
        self._code: list[str] | None = None

    def shown(self, line: int, end_column: int = 1) -> str:
        r"""The source line a diagnostic at *line* may show (see :func:`echo`):
        none of a text not marked as a rules file by then (see
        :func:`rules_mark`), as a file passed by mistake may be anything.

        >>> Source("r", "format = 1\nx = ?").shown(2)
        'x = ?'
        >>> Source(".env", "DB_PASSWORD=s3cr3t").shown(1)
        ''
        """
        if self._mark is None:
            self._mark = rules_mark(self.lines)
        if not self._mark or line < self._mark:
            return ""
        return echo(self.line_text(line), end_column)

    # ----------------------------------------------------------------- keys
    def at_key(
        self,
        path: tuple[str, ...],
        code: str,
        message: str,
        hint: str = "",
        severity: Literal["error", "warning", "info"] = "error",
    ) -> Diagnostic:
        """A diagnostic pointing at the key *path* of this text."""
        line, col, end = self.locate_key(path)
        return Diagnostic(
            self.path,
            line,
            col,
            end,
            severity,
            code,
            message,
            hint,
            echo(self.line_text(line), end),
        )

    def line_text(self, line: int) -> str:
        """The text of a 1-based line (empty when out of range)."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def code_line(self, line: int) -> str:
        r'''A 1-based line as :meth:`line_text` gives it, but for what a
        multi-line string spanning it holds, blanked (columns kept): a note
        of several lines that quotes ``expect = { ... }`` is text, never the
        key it quotes. Strings on one line are kept (a key may be quoted).

        >>> src = Source("r", 'note = """\nexpect = { a = 1 }\n"""\nexpect = { a = 2 }')
        >>> src.code_line(2).strip(), src.code_line(4)
        ('', 'expect = { a = 2 }')
        '''
        code = self._code_lines()
        return code[line - 1] if 0 < line <= len(code) else ""

    def _code_lines(self) -> list[str]:
        """Every line as :meth:`code_line` gives it."""
        if self._code is None:
            pieces: list[str] = []
            last = 0
            for start, end in _opaque_spans(self.text):
                body = self.text[start:end]
                if body[0] != "#" and "\n" in body:
                    pieces += [self.text[last:start], _NOT_LINE_END.sub(" ", body)]
                    last = end
            pieces.append(self.text[last:])
            self._code = "".join(pieces).split("\n")
        return self._code

    def _keys(self) -> _Index:
        # keys are read from the code lines: ``key = 5`` written inside a
        # multi-line string (a note) is text, never the key it quotes
        if self._index is None:
            self._index = _Index(self._code_lines(), self._sections)
        return self._index

    def locate_key(self, path: tuple[str, ...]) -> tuple[int, int, int]:
        """(line, column, end column) of the key at *path* (best effort).

        The first section (in file order) whose header starts with *path*, or
        that holds the rest of *path* as a key; else the root section's key;
        else any line that defines the last key; else line 1.
        """
        if not path:
            return self._header_span(0)
        items = [i for i, part in enumerate(path) if _ITEM.fullmatch(part)]
        if items:  # an element of an array: ('segments', 's', 'rules', '[1]', ..)
            k = items[0]
            holder = self.locate_key(path[:k])
            element = self._element(holder, int(path[k][1:-1]))
            if element is None:
                return holder
            scan = (element[0], element[1], element[1])  # from its "{"
            found_key = self._inline(scan, path[k + 1 :])
            return element if found_key == scan else found_key
        found = self._locate(path)
        if found is not None:
            return found
        written = self._respelled(path)
        if written != path:  # a name declared as "ｘ", reported as x
            return self.locate_key(written)
        # a key the text lacks ('field' of a [tables.x]): at the table that
        # should hold it, the nearest written prefix of the path
        for cut in range(len(path) - 1, 0, -1):
            parent = self._locate(path[:cut])
            if parent is not None:
                return parent
        return self._keys().anywhere.get(path[-1], (1, 1, 2))

    def _respelled(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """*path* with the declared name it holds (``fields.NAME...``) in the
        spelling the text writes it in, when the text never writes it as
        it is but writes a spelling that NFKC-normalises to it: the
        rules read declared names normalised (a field declared ``"ｘ"`` is
        the field ``x``), and report them so, but the text holds ``"ｘ"``.

        >>> src = Source("r", '[fields]\\n"ｘ" = { type = "numbr" }\\n')
        >>> src.locate_key(("fields", "x", "type"))
        (2, 9, 13)
        """
        index = self._keys()
        if len(path) < 2 or path[0] not in _NAMED or path[1] in index.written:
            return path  # only declared names are normalised: not labels
        return (path[0], index.spelled.get(path[1], path[1]), *path[2:])

    def _locate(self, path: tuple[str, ...]) -> tuple[int, int, int] | None:
        """:meth:`locate_key` of a key written in the text; None if it is not."""
        index = self._keys()
        found = index.first_prefix.get(path)
        for j in range(1, min(len(path), _KEY_DEPTH + 1)):
            for k in index.by_header.get(path[:j], ()):
                if found is not None and k >= found:
                    break
                if path[j : j + 1] in index.keys[k]:
                    found = k
                    break
        if found is not None:
            header = self._sections[found][1]
            if header[: len(path)] == path:
                return self._header_span(found)
            return self._in_section(found, path[len(header) :])
        if path[:1] in index.keys[0]:
            return self._in_section(0, path)
        return None

    def _in_section(self, k: int, rest: tuple[str, ...]) -> tuple[int, int, int]:
        """The key *rest* (a path inside section *k*, whose first part it
        holds): its longest prefix written as a (dotted) key there, then
        the rest of it inside the inline table written after that key."""
        keys = self._keys().keys[k]
        cut = min(len(rest), _KEY_DEPTH)
        while rest[:cut] not in keys:
            cut -= 1
        span, whole = keys[rest[:cut]]
        return self._inline(span, rest[cut:]) if whole else span

    def _inline(
        self, span: tuple[int, int, int], rest: tuple[str, ...]
    ) -> tuple[int, int, int]:
        r"""The key *rest* inside the inline table written after the key at
        *span* (``r = { edges = [...], bogus = 3 }``); the key at *span*
        itself when *rest* is empty or not written there. The table is read
        on from line to line while a bracket is open, so that a key after a
        multi-line string (or a multi-line array) inside it is found:

        >>> q = '"' * 3
        >>> src = Source("r", "x = { note = " + q + "a\nb" + q + ", max = 1 }")
        >>> src.locate_key(("x", "max"))
        (2, 7, 10)
        """
        if not rest:
            return span
        row = span[0] - 1
        line, blank = self.lines[row], self.structure[row]
        target, depth, pos = 1, 0, span[2] - 1
        at_key = False  # just after "{" or "," of the table looked into
        while True:
            if pos >= len(line):
                if depth <= 0 or row + 1 >= len(self.lines):
                    break  # the value ended with its line
                row, pos = row + 1, 0
                line, blank = self.lines[row], self.structure[row]
                continue
            ch = blank[pos]
            if at_key and depth == target:
                m = _INLINE_KEY.match(line, pos)
                if m is not None:
                    parts = _split_dotted(m.group(1))
                    if len(parts) > len(rest) and parts[: len(rest)] == rest:
                        # a dotted key inside it that starts with *rest*
                        # ({ a.b = 1 } for a): those parts of it
                        col = m.start(1) + 1
                        named = _key_parts(row + 1, m.group(1), col)
                        return named[len(rest) - 1][1]
                    if parts == rest[: len(parts)]:
                        col = m.start(1) + 1
                        found = (row + 1, col, col + len(m.group(1)))
                        rest = rest[len(parts) :]
                        if not rest:
                            return found
                        span, target = found, target + 1
                    pos = m.end()
                    at_key = False
                    continue
            if ch in "{[":
                depth += 1
                at_key = ch == "{"
            elif ch in "}]":
                depth -= 1
                if depth < target - 1:
                    break  # the table looked into has closed
            elif ch == ",":
                at_key = True
            elif ch not in " \t\r":
                at_key = False
            pos += 1
        return span

    def _element(
        self, holder: tuple[int, int, int], index: int
    ) -> tuple[int, int, int] | None:
        """(line, column, end column) of the first character of element
        *index* of the array written after the key at *holder* (``rules = [``
        then one table a line, or all on one line; strings and comments
        blanked); None when the text after that key is no array or has no
        such element."""
        line, pos = holder[0] - 1, holder[2] - 1
        depth, seen, inside = 0, -1, False
        while line < len(self.structure):
            text = self.structure[line]
            while pos < len(text):
                ch = text[pos]
                pos += 1
                if depth == 0:  # before the array: "= ["
                    if ch == "[":
                        depth = 1
                    elif ch not in "= \t\r":
                        return None
                    continue
                if depth == 1:
                    if ch == ",":
                        inside = False
                        continue
                    if ch in " \t\r":
                        continue
                    if ch == "]":
                        return None  # closed before element *index*
                    if not inside:
                        seen, inside = seen + 1, True
                        if seen == index:
                            return line + 1, pos, pos + 1
                if ch in "[{":
                    depth += 1
                elif ch in "]}":
                    depth -= 1
            line, pos = line + 1, 0
        return None

    def redefined(
        self, line: int
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, int, int], int] | None:
        r"""For a text ``tomllib`` refused at *line* for a key or a table
        written twice (it reports the end of the second): the header of the
        table holding it, the key inside that table (empty for a table
        header written twice), the span of the second, and the line of the
        first. A key that goes into (or over) a key or table written before
        counts (``x.type = ...`` then ``x = {...}``). None when the second
        or the first is not found.

        >>> src = Source("r", "[params]\na = 1\nb = 2\na = 3\n")
        >>> src.redefined(4)
        (('params',), ('a',), (4, 1, 2), 2)
        >>> Source("r", "[f]\nx = 1\n[f]\n").redefined(3)
        (('f',), (), (3, 1, 4), 1)
        """
        code = self._code_lines()
        row = min(line, len(code)) - 1
        k = bisect.bisect_right(self._starts, row) - 1
        start, header = self._sections[k]
        top = start + 1 if k else 0  # the first line after the header
        for i in range(row, top - 1, -1):  # the statement ending at *line*
            m = _INLINE_KEY.match(code[i])
            if m is not None:
                break
        else:
            if not k:
                return None
            # the header itself: a table declared before, by a header or a key
            for j in range(k):
                if self._sections[j][1] == header:
                    return header, (), self._header_span(k), self._sections[j][0] + 1
            first = self._locate(header)
            if first is not None and first[0] - 1 < start:
                return header, (), self._header_span(k), first[0]
            return None
        parts = _key_parts(i + 1, m.group(1), m.start(1) + 1)
        names = tuple(name for name, _ in parts)
        for j in range(top, i):  # a key of the same table written before
            before = _INLINE_KEY.match(code[j])
            if before is None:
                continue
            other = _split_dotted(before.group(1))
            common = min(len(other), len(names))
            if other[:common] == names[:common]:
                return header, names[:common], parts[common - 1][1], j + 1
        for j in range(k):  # a table declared by a header before
            other = self._sections[j][1]
            whole = header + names
            common = min(len(other), len(whole))
            if common > len(header) and other[:common] == whole[:common]:
                span = parts[common - len(header) - 1][1]
                return (
                    header,
                    names[: common - len(header)],
                    span,
                    self._sections[j][0] + 1,
                )
        return None

    def _header_span(self, k: int) -> tuple[int, int, int]:
        start = self._sections[k][0]
        line = self.lines[start]
        col = len(line) - len(line.lstrip()) + 1
        return start + 1, col, len(line.rstrip()) + 1

    def _region(self, path: tuple[str, ...]) -> tuple[int, int]:
        """0-based [start, end) lines of the section that holds *path*."""
        line = self.locate_key(path)[0] - 1
        k = bisect.bisect_right(self._starts, line)
        end = self._starts[k] if k < len(self._starts) else len(self.lines)
        return line, end

    # -------------------------------------------------------------- strings
    def locate_string(
        self, value: str, path: tuple[str, ...] = (), key: str | None = None
    ) -> Located | None:
        """Where the string literal *value* is: its line, the column of each of
        its characters (escapes such as ``\\"`` take more than one column), or
        None. Searched first in the section of *path*; the n-th lookup of the same
        value there finds its n-th occurrence, since documents are read in order.

        With *key*, only literals written as the value of that key count
        (``when = "..."``): a note or a label with the same text is not the
        condition. When no literal is written so, every literal counts.

        >>> src = Source("r.toml", 'a = { note = "x > 1", when = "x > 1" }')
        >>> src.locate_string("x > 1", key="when").column(0)
        31
        """
        if self._strings is None:
            self._strings = _string_index(self.text)
        every = self._strings.get(value)
        if not every:
            return None
        if key is not None:
            keyed = [hit for hit in every if hit.key == key]
            if keyed:
                every = keyed
            else:
                key = None
        return self._nth(every, path, value, key)

    def _nth(
        self, every: list[Located], path: tuple[str, ...], value: str, name: str | None
    ) -> Located | None:
        key = (path, value, name)
        count = self._seen.get(key, 0)
        hits: list[Located] = []
        if path:
            start, end = self._region(path)
            lo = bisect.bisect_left(every, start + 1, key=_line_of)
            hi = bisect.bisect_left(every, end + 1, key=_line_of)
            hits = every[lo:hi]
        if count >= len(hits):
            hits = every
            key = ((), value, name)
            count = self._seen.get(key, 0)
        if count < len(hits):
            self._seen[key] = count + 1
            return hits[count]
        return None


def _line_of(located: Located) -> int:
    return located.line


def _key_parts(
    line: int, token: str, col: int
) -> list[tuple[str, tuple[int, int, int]]]:
    """The parts of the (dotted) key *token*, written on *line* from column
    *col*, as ``tomllib`` reads them, each with the span from the key's
    start to the end of that part: ``t.breaks`` is ``t`` (its first
    character) then ``t.breaks``.

    >>> _key_parts(5, '"a.b" . c', 1)
    [('a.b', (5, 1, 6)), ('c', (5, 1, 10))]
    """
    return [
        (_unquote(m.group()), (line, col, col + m.end()))
        for m in _KEY_PART.finditer(token)
    ]


# the sections whose keys are declared names, NFKC-normalised when read
_NAMED = frozenset(
    {"fields", "params", "derived", "tables", "segments", "tags", "scores"}
)


class _Index:
    """Per section: where each key is first written, by its dotted path
    inside the section (every prefix of a dotted key too: ``t.breaks`` under
    ``[tables]`` defines ``("t",)`` and ``("t", "breaks")``); per header: its
    sections.

    ``keys[k][path]`` is (span, whole): the span from the key's first
    character to the end of the part that ends *path*, and whether *path* is
    the whole key of its line (so that a value written after it, an inline
    table, is the value of *path*).
    """

    def __init__(
        self, lines: list[str], sections: list[tuple[int, tuple[str, ...]]]
    ) -> None:
        self.keys: list[dict[tuple[str, ...], tuple[tuple[int, int, int], bool]]] = [
            {} for _ in sections
        ]
        self.anywhere: dict[str, tuple[int, int, int]] = {}
        self.first_prefix: dict[tuple[str, ...], int] = {}
        self.by_header: dict[tuple[str, ...], list[int]] = {}
        # every key part written, and per NFKC form of a part written
        # otherwise (``"ｘ"``), its first spelling (see Source._respelled)
        self.written: set[str] = set()
        self.spelled: dict[str, str] = {}
        for k, (_, header) in enumerate(sections):
            self._spell(header)
            if not header:
                continue
            self.by_header.setdefault(header[: _KEY_DEPTH + 1], []).append(k)
            for j in range(1, min(len(header), _KEY_DEPTH) + 1):
                self.first_prefix.setdefault(header[:j], k)
        starts = [start for start, _ in sections]
        k = 0
        for i, line in enumerate(lines):
            while k + 1 < len(starts) and starts[k + 1] <= i:
                k += 1
            if "=" not in line:
                continue
            m = _INLINE_KEY.match(line)
            if m is None:
                continue
            parts = _key_parts(i + 1, m.group(1), m.start(1) + 1)[:_KEY_DEPTH]
            self._spell(p for p, _ in parts)
            keys = self.keys[k]
            for j, (name, span) in enumerate(parts):
                keys.setdefault(tuple(p for p, _ in parts[: j + 1]), (span, False))
                self.anywhere.setdefault(name, span)
            whole = tuple(p for p, _ in parts)
            if keys[whole][0] == parts[-1][1]:
                keys[whole] = (parts[-1][1], True)

    def _spell(self, parts: Iterable[str]) -> None:
        for part in parts:
            self.written.add(part)
            if not part.isascii():
                plain = unicodedata.normalize("NFKC", part)
                if plain != part:
                    self.spelled.setdefault(plain, part)


class Located:
    """A string literal's line and the 1-based column of each of its characters.

    For a literal over several lines, ``columns`` covers its first line, and
    *places* has the (line, column) of every character of the value (see
    :meth:`place`).
    """

    __slots__ = ("_columns", "_first", "_starts", "_width", "key", "line", "places")

    def __init__(
        self,
        line: int,
        columns: list[int] | None,
        first: int = 1,
        width: int = 0,
        places: list[tuple[int, int]] | None = None,
        value: str = "",
    ) -> None:
        self.line = line
        self._columns = columns
        self._first = first
        self._width = width
        self.key: str | None = None  # the key it is the value of (key = "...")
        self.places = places
        # where each line of the value starts in it (with places)
        self._starts = [0] + [i + 1 for i, c in enumerate(value) if c == "\n"]

    def place(self, line: int, index: int) -> tuple[int, int]:
        """(line, column) in the file of character *index* of line *line*
        (1-based) of the value; one past the end for the end.

        A line of the value can span several lines of the file (after a
        line-ending backslash), and a line of the file may end in CRLF where
        the value has LF:

        >>> q = '"' * 3
        >>> text = "w = " + q + "a and \\\\" + "\\r\\n   bb > 1\\r\\n  or c" + q + "\\r\\n"
        >>> where = Source("r.toml", text).locate_string("a and bb > 1\\n  or c")
        >>> where.place(1, 6), where.place(2, 5)
        ((2, 4), (3, 6))
        """
        places = self.places
        if not places:
            if line == 1:
                return self.line, self.column(index)
            return self.line + line - 1, 1 + index
        starts = self._starts
        offset = (starts[line - 1] if line <= len(starts) else len(places)) + index
        if offset < len(places):
            return places[offset]
        last_line, last_col = places[-1]
        return last_line, last_col + 1 + (offset - len(places))

    @property
    def columns(self) -> list[int]:
        """Column of each character on the first line (built when asked)."""
        if self._columns is None:
            self._columns = list(range(self._first, self._first + self._width))
        return self._columns

    def column(self, index: int) -> int:
        """Column of character *index*; one past the end for the end."""
        cols = self._columns
        if not cols:  # no escapes (or nothing on the first line): one per char
            return self._first + index
        if index < len(cols):
            return cols[index]
        return cols[-1] + 1 + (index - len(cols))


def _escaped(body: str, line: int, first: int) -> tuple[str, Located] | None:
    """Decode a basic string body with escapes and place the characters of its
    first line; None when an escape is bad or a line ends in a backslash."""
    if re.search(r"\\[ \t]*\r?\n", body):  # line-ending backslash: not placed
        return None
    head = body.split("\n", 1)[0]
    cols: list[int] = []
    i = 0
    while i < len(head):
        m = _ESCAPE.match(head, i) if head[i] == "\\" else None
        if head[i] == "\\" and m is None:
            return None
        cols.append(first + i)
        i = m.end() if m else i + 1
    try:
        value = _ESCAPE.sub(_unescape, body)
    except ValueError:  # a \U escape beyond the last code point
        return None
    if "\\" in _ESCAPE.sub("", body):
        return None
    if "\n" in value and len(cols) == len(value):
        # an escaped line break (\n, \u000a): the value has lines, the file
        # one; each character is placed on the string's own line
        places = [(line, c) for c in cols]
        return value, Located(line, cols, first, places=places, value=value)
    return value, Located(line, cols, first)


def _multiline(
    body: str, line: int, col: int, *, basic: bool
) -> tuple[str, Located] | None:
    """Decode the body of a triple-quoted string (*basic*: double quotes)
    whose first character is at *line*, *col*, as ``tomllib`` reads it, and
    place each character of the value: CRLF is LF, and in a basic string an
    escape is one character and a line-ending backslash drops the blanks and
    newlines after it. None when an escape is bad."""
    value: list[str] = []
    places: list[tuple[int, int]] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\n" or (ch == "\r" and body.startswith("\n", i + 1)):
            value.append("\n")
            places.append((line, col))
            i += 1 if ch == "\n" else 2
            line, col = line + 1, 1
            continue
        if basic and ch == "\\":
            m = _LINE_END.match(body, i)
            if m is not None:  # trimmed up to the next non-blank
                skipped = m.group()
                line += skipped.count("\n")
                col = len(skipped) - skipped.rfind("\n")
                i = m.end()
                continue
            m = _ESCAPE.match(body, i)
            if m is None:
                return None
            try:
                value.append(_unescape(m))
            except ValueError:  # a \U escape beyond the last code point
                return None
            places.append((line, col))
            col += m.end() - i
            i = m.end()
            continue
        value.append(ch)
        places.append((line, col))
        col += 1
        i += 1
    text = "".join(value)
    head = places[: text.index("\n")] if "\n" in text else places
    first = places[0][0] if places else line
    columns = [c for ln, c in head if ln == first]
    start = places[0][1] if places else col
    return text, Located(first, columns or None, start, 0, places, text)


def _unescape(m: re.Match[str]) -> str:
    tok = m.group()
    return chr(int(tok[2:], 16)) if tok[1] in "uUx" else _ESCAPES[tok[1]]


def _string_index(text: str) -> dict[str, list[Located]]:
    """Every string literal of *text* (outside comments), by value, in file order."""
    found: dict[str, list[Located]] = {}
    line_starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        line_starts.append(pos + 1)
        pos = text.find("\n", pos + 1)

    def where(offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(line_starts, offset) - 1
        return k + 1, offset - line_starts[k] + 1

    opener = 0  # where the literal being added opens

    def add(value: str, located: Located) -> None:
        located.key = _key_before(text, opener, line_starts[located.line - 1])
        found.setdefault(value, []).append(located)

    pos = 0
    n = len(text)
    while pos < n:
        m = _OPENER.search(text, pos)
        if m is None:
            break
        tok = m.group()
        opener, start = m.start(), m.end()
        if tok == "#":
            nl = text.find("\n", start)
            pos = n if nl < 0 else nl + 1
        elif tok in ('"""', "'''"):
            if tok == '"""':
                end_m = _ML_BASIC_END.match(text, start)
                stop = end_m.end() - 3 if end_m else -1
            else:
                stop = text.find("'''", start)
            if stop < 0:
                break
            while text.startswith(tok[0], stop + 3) and stop + 3 < n:  # """a"""" ok
                stop += 1
            body = text[start:stop]
            pos = stop + 3
            skip = 0
            if body.startswith("\n"):
                skip = 1
            elif body.startswith("\r\n"):
                skip = 2
            body = body[skip:]
            line, col = where(start + skip)
            if "\n" not in body and (tok == "'''" or "\\" not in body):
                add(body, Located(line, None, col, len(body)))
            else:  # CRLF, escapes, line-ending backslashes: placed one by one
                got = _multiline(body, line, col, basic=tok == '"""')
                if got is not None:
                    add(*got)
        elif tok == '"':
            body_m = _BASIC.match(text, start)
            if body_m is None:  # unterminated on its line
                nl = text.find("\n", start)
                pos = n if nl < 0 else nl + 1
                continue
            body = body_m.group(1)
            pos = body_m.end()
            line, col = where(start)
            if "\\" not in body:
                add(body, Located(line, None, col, len(body)))
            else:
                got = _escaped(body, line, col)
                if got is not None:
                    add(*got)
        else:  # a literal string
            stop = text.find("'", start)
            nl = text.find("\n", start)
            if stop < 0 or (0 <= nl < stop):
                pos = n if nl < 0 else nl + 1
                continue
            body = text[start:stop]
            pos = stop + 1
            line, col = where(start)
            add(body, Located(line, None, col, len(body)))
    return found


def _key_before(text: str, opener: int, line_start: int) -> str | None:
    """The key a literal opening at *opener* is the value of (``when`` in
    ``when = "x > 1"`` and ``a.when = ...``), or None (an array element).
    Read backwards from the opener: the cost is the key's length, not the
    line's."""
    i = opener - 1
    while i >= line_start and text[i] in " \t":
        i -= 1
    if i < line_start or text[i] != "=":
        return None
    i -= 1
    while i >= line_start and text[i] in " \t":
        i -= 1
    if i < line_start:
        return None
    if text[i] in "\"'":  # a quoted key: up to its opening quote
        start = text.rfind(text[i], line_start, i)
        return None if start < 0 else _unquote(text[start : i + 1])
    end = i + 1
    while i >= line_start and (text[i].isalnum() or text[i] in "_-"):
        i -= 1
    return text[i + 1 : end] or None


# ------------------------------------------------------------------ decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(raw: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """Decode the bytes of a rules file: UTF-8 (a byte-order mark is allowed),
    or UTF-16/UTF-32 with a byte-order mark. Anything else is an ``encoding``
    diagnostic at the line and column (in characters) of the first bad byte;
    nothing is ever dropped or replaced silently.

    Columns count the characters of the file: in a file that looks like
    UTF-16 without a byte-order mark, its UTF-16 characters (not the NUL
    bytes UTF-8 reads between them). The diagnostic shows the text before
    the bad byte only when the file is marked as a rules file by then
    (:func:`rules_mark`): another file (``/proc/self/environ``, a ``.env``)
    may hold secrets.

    >>> decode("x = 'é'".encode(), "r.toml")[0]
    "x = 'é'"
    >>> d = decode(b"# caf\\xe9\\nx = 1", "r.toml")[1]
    >>> (d.code, d.line, d.column, d.source_line)
    ('encoding', 1, 6, '')
    >>> decode(b"format = 1\\n# caf\\xe9", "r.toml")[1].source_line
    '# caf'
    >>> d = decode("format = 1\\n# café".encode("utf-16-le"), "r.toml")[1]
    >>> (d.line, d.column, d.source_line)
    (2, 6, '# caf')
    """
    encoding, body = "utf-8", raw
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, body = name, raw[len(bom) :]
            break
    text = ""
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = exc.start
    else:
        if "\x00" not in text:
            return text, None
        bad = len(text[: text.index("\x00")].encode(encoding))  # never valid TOML
    nul = text != ""  # decoded, but holds a NUL
    wide = utf16_without_bom(body[:400]) if encoding == "utf-8" else None
    unit = 4 if wide is not None and wide.startswith("utf-32") else 2
    if wide is not None:  # count the file's UTF-16 characters, not its bytes
        good = body[: bad - bad % unit].decode(wide, errors="replace")
    else:
        good = body[:bad].decode(encoding)
    line = good.count("\n") + 1
    line_start = good.rfind("\n") + 1
    before = good[line_start:]
    column = len(before) + 1
    legacy = _legacy_encoding(body) if encoding == "utf-8" and not nul else None
    counts = utf8_damage([body]) if encoding == "utf-8" and not nul else None
    if wide is not None:
        hint = (
            f"the file looks like {wide[:6].upper()} without a byte-order mark: "
            "save it as UTF-8"
        )
    elif counts is not None and damaged_utf8(*counts):
        # UTF-8 but for a defect: no other encoding is the fix
        hint = (
            "the file is UTF-8 cut short: it ends inside a character (a copy or "
            "download cut short?); restore its end"
            if counts[1] == counts[2]
            else "the file is UTF-8 but for this byte (a character pasted from "
            "another encoding?): delete or retype it"
        )
    elif legacy is not None:
        # shown as that encoding reads it: UTF-8 read its bytes as other
        # characters ('注' as the Hebrew 'ע')
        start = body.rfind(b"\n", 0, bad) + 1
        line = body[:start].count(b"\n") + 1
        end = body.find(b"\n", bad)
        text = body[start : len(body) if end < 0 else end].decode(legacy)
        # the characters before the one that holds the bad byte
        sizes = itertools.accumulate(len(ch.encode(legacy)) for ch in text)
        count = sum(1 for size in sizes if size <= bad - start)
        before = text[:count]
        good = body[:start].decode(legacy) + before
        column = len(before) + 1
        hint = (
            f"it reads as {legacy} text: save the file as UTF-8 (custseg "
            "reads rules files as UTF-8, or UTF-16 / UTF-32 with a byte-order "
            "mark)"
        )
    elif encoding == "utf-8" and not nul:
        hint = (
            "save the file as UTF-8 (a character such as 'é' saved by a "
            "cp1252 or Latin-1 editor is a single byte that is not UTF-8)"
        )
    else:
        hint = "a rules file is text: save it as UTF-8"
    if nul:
        message = f"a NUL character at line {line}, column {column}: not a text file"
    elif encoding == "utf-8":
        byte = body[bad : bad + 1].hex().upper()
        where = f" (counted as {wide[:6].upper()})" if wide is not None else ""
        message = f"byte 0x{byte} at line {line}, column {column}{where} is not UTF-8"
    else:
        message = f"the text is not valid {encoding} at line {line}, column {column}"
    mark = rules_mark(good.split("\n"))
    return None, Diagnostic(
        path,
        line,
        column,
        column + 1,
        "error",
        "encoding",
        message,
        hint,
        echo(before, column + 1) if mark and mark <= line else "",
    )


#: Text of ASCII and two-byte characters both of whose bytes are high:
#: GB2312's (and Big5's common) characters; a Latin-1 letter is one high
#: byte beside ASCII ("fid\xe8les"), which GBK would also decode
_DOUBLE_BYTES = re.compile(rb"(?:[\x00-\x7f]|[\xa1-\xfe][\xa1-\xfe])*")


def _legacy_encoding(body: bytes) -> str | None:
    """The Chinese encoding (GBK, then Big5) that *body*, which is not
    UTF-8, reads as, if its bytes look like one (every high byte paired
    with another): such a file was saved by an editor set to it."""
    if body.isascii() or _DOUBLE_BYTES.fullmatch(body) is None:
        return None
    for name in ("gbk", "big5"):
        try:
            body.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return None


# ------------------------------------------------------------------ nesting

# strings and comments, whose brackets and dots are not structure: each
# body read possessively from its opening quote (no backtracking), then the
# closing quote looked for where the body stops
_OPAQUE_START = re.compile(r"[\"'#]")
_ML_BASIC_BODY = re.compile(r'(?:[^"\\]|\\.|"(?!""))*+', re.DOTALL)
_BASIC_BODY = re.compile(r'(?:[^"\\\n]|\\.)*+', re.DOTALL)
_LITERAL_BODY = re.compile(r"[^'\n]*+")


def _body_end(body: re.Pattern[str], text: str, pos: int) -> int:
    """Where the string body *body* read from *pos* stops."""
    m = body.match(text, pos)
    assert m is not None  # every body pattern matches the empty string
    return m.end()


def _opaque_spans(text: str) -> list[tuple[int, int]]:
    r"""(start, end) of the strings and comments of *text*, in order, in
    time linear in the text.

    A string is a basic one (``"..."``, on one line but for escaped line
    ends), a literal one (``'...'``, on one line), or a multi-line one of
    either kind; an opener that does not close is no string, and the scan
    goes on one character after it (so ``'''`` without a close is the
    empty ``''`` then ``'``), as a regular expression search would. A failed
    attempt is remembered, not repeated: a basic string that does not close
    fails for every quote its body stepped over (each follows a backslash,
    so its own body is the rest of the same scan), and a multi-line string
    that does not close fails for every later opener (its body is a suffix
    of the same scan: an opener ends in a quote, which no escape skips).
    Rescanning instead would cost the length of the line per quote on an
    unterminated ``"\"\"\"...``.

    >>> _opaque_spans('a = "x" # c\nb = \'y\'')
    [(4, 7), (8, 11), (16, 19)]
    >>> _opaque_spans('d = "\\"\\"')  # unterminated: no span
    []
    """
    spans: list[tuple[int, int]] = []
    basic_fails_before = 0  # a basic string opening before this does not close
    ml_basic_closes = ml_literal_closes = True
    pos, n = 0, len(text)
    while pos < n:
        m = _OPAQUE_START.search(text, pos)
        if m is None:
            break
        start = m.start()
        ch = text[start]
        end = -1
        if ch == "#":
            nl = text.find("\n", start)
            end = n if nl < 0 else nl
        elif ch == '"':
            if ml_basic_closes and text.startswith('"""', start):
                stop = _body_end(_ML_BASIC_BODY, text, start + 3)
                if text.startswith('"""', stop):
                    end = stop + 3
                else:
                    ml_basic_closes = False
            if end < 0 and start >= basic_fails_before:
                stop = _body_end(_BASIC_BODY, text, start + 1)
                if text.startswith('"', stop):
                    end = stop + 1
                else:
                    basic_fails_before = stop
        else:
            if ml_literal_closes and text.startswith("'''", start):
                stop = text.find("'''", start + 3)
                if stop >= 0:
                    end = stop + 3
                else:
                    ml_literal_closes = False
            if end < 0:
                stop = _body_end(_LITERAL_BODY, text, start + 1)
                if text.startswith("'", stop):
                    end = stop + 1
        if end < 0:  # no string opens here: try the next character
            pos = start + 1
        else:
            spans.append((start, end))
            pos = end
    return spans


# a maximal chain of dot-separated key parts (after strings are blanked):
# every quantifier possessive and every part starting with a word character,
# so each match is read once and a search resumes where the last one ended
_CHAIN = re.compile(r"[\w\-]++(?:[ \t]*+\.[ \t]*+[\w\-]++)*+")


def _long_chain(blank: str, parts: int) -> int | None:
    r"""The offset of the first dotted key of more than *parts* parts in
    *blank* (a text whose strings and comments are blanked), or None.

    Each chain is matched whole, once, and the scan goes on after it: time
    linear in the text. (A search for "more than *parts* parts" retried at
    every word start is quadratic on ``a.a.a. ... a.`` that ends in a dot.)

    >>> _long_chain("x = 1\n" + "a." * 20 + "a = 1", 16)
    6
    >>> _long_chain("a." * 20_000, 16)  # the last dot aside, 20,000 parts
    0
    >>> _long_chain("a.b.c = 1", 16) is None
    True
    """
    for m in _CHAIN.finditer(blank):
        if m.group().count(".") >= parts:
            return m.start()
    return None


def _blanked(text: str) -> str:
    """*text* with its strings and comments blanked (a comment with blanks, a
    string with ``_``, line ends kept), so that brackets, dots, ``=``,
    ``,`` and numbers written in them are not structure; linear time.

    >>> _blanked('a = "x.y" # 1.5\\nb = 2.5')
    'a = _____      \\nb = 2.5'
    """
    pieces: list[str] = []
    last = 0
    for start, end in _opaque_spans(text):
        pieces.append(text[last:start])
        body = text[start:end]
        if body[0] == "#":
            pieces.append(" " * len(body))
        elif "\n" in body:
            pieces.append(re.sub(r"[^\n]", "_", body))
        else:
            pieces.append("_" * len(body))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def locate_numbers(
    source: Source, written: list[str]
) -> list[tuple[int, int, int] | None]:
    """(line, column, end column) of each number of *written*, as written in
    the text outside its strings and comments (``tomllib`` reads them in
    text order, so the n-th of the same literal is its n-th occurrence);
    None where it is not found.

    >>> src = Source("r.toml", 'a = "1.5" # 1.5\\nb = [2, 1.5]')
    >>> locate_numbers(src, ["1.5"])
    [(2, 9, 12)]
    """
    if not written:
        return []
    blank = _blanked(source.text)
    starts = [0]
    pos = blank.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = blank.find("\n", pos + 1)
    found: dict[str, list[int]] = {}
    for lit in dict.fromkeys(written):
        pattern = re.compile(r"(?<![\w.+\-])" + re.escape(lit) + r"(?![\w.])")
        found[lit] = [m.start() for m in pattern.finditer(blank)]
    seen: dict[str, int] = {}
    out: list[tuple[int, int, int] | None] = []
    for lit in written:
        n = seen.get(lit, 0)
        seen[lit] = n + 1
        offsets = found[lit]
        if n >= len(offsets):
            out.append(None)
            continue
        k = bisect.bisect_right(starts, offsets[n]) - 1
        col = offsets[n] - starts[k] + 1
        out.append((k + 1, col, col + len(lit)))
    return out


def nesting_problems(
    source: Source, max_brackets: int, max_dotted: int, max_nodes: int
) -> list[Diagnostic]:
    """Diagnostics for texts ``tomllib`` should not be asked to parse: arrays /
    inline tables nested deeper than *max_brackets*, keys of more than
    *max_dotted* dotted parts, or more than *max_nodes* ``=`` and ``,`` (keys
    and array items). Brackets, dots, ``=`` and ``,`` inside strings and
    comments do not count. Linear in the text: no regular expression here
    backtracks.
    """
    text = source.text
    blank = _blanked(text)
    out: list[Diagnostic] = []

    def at(offset: int, code_message: str, hint: str) -> Diagnostic:
        line = text.count("\n", 0, offset) + 1
        line_start = text.rfind("\n", 0, offset) + 1
        col = offset - line_start + 1
        return Diagnostic(
            source.path,
            line,
            col,
            col + 1,
            "error",
            "limit",
            code_message,
            hint,
            source.shown(line, col + 1),
        )

    raw = blank.encode("utf-32-le", "surrogatepass")  # lone surrogates from str
    codes = np.frombuffer(raw, dtype=np.uint32)
    if blank.count("=") + blank.count(",") > max_nodes:
        marks = np.flatnonzero((codes == ord("=")) | (codes == ord(",")))
        out.append(
            at(
                int(marks[max_nodes]),
                f"the rules text has more than {max_nodes:,d} keys and items",
                "split it, or shorten it: no rules file needs that many",
            )
        )
    if "[" in blank or "{" in blank:
        step = np.zeros(len(codes), dtype=np.int32)
        step[(codes == ord("[")) | (codes == ord("{"))] = 1
        step[(codes == ord("]")) | (codes == ord("}"))] = -1
        depth = np.cumsum(step, dtype=np.int64)
        if len(depth) and depth.max() > max_brackets:
            first = int(np.argmax(depth > max_brackets))
            out.append(
                at(
                    first,
                    f"arrays and inline tables nested more than {max_brackets} deep",
                    "a rules file needs only a few levels: flatten the nesting",
                )
            )
    chain = _long_chain(blank, max_dotted)
    if chain is not None:
        out.append(
            at(
                chain,
                f"a key of more than {max_dotted} dotted parts",
                "a rules file needs only a few levels: shorten the key",
            )
        )
    return out
