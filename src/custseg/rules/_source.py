"""Where things are in a TOML text: lines, key positions, string literals.

``tomllib`` returns plain values without positions. Diagnostics need
``line:column`` (in characters), so this module finds them in the text: table
headers and ``key =`` lines for keys, and the quoted literal for string values
(the n-th occurrence for the n-th lookup of the same value, since documents are
read in file order).
"""

from __future__ import annotations

import re
from typing import Literal

from ..errors import Diagnostic

__all__ = ["Source"]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[\w\-]+)\s*(\.\s*[\w\-"']+\s*)*="""
)


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(_unquote(p) for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', text))


class Source:
    """A rules text with its path, for locating keys and values."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark
        self.lines = self.text.split("\n")
        self._seen: dict[tuple[tuple[str, ...], str], int] = {}
        self._sections: list[tuple[int, tuple[str, ...]]] = [(0, ())]
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m and not line.lstrip().startswith(("#",)):
                self._sections.append((i, _split_dotted(m.group(1))))

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
            self.line_text(line),
        )

    def line_text(self, line: int) -> str:
        """The text of a 1-based line (empty when out of range)."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def locate_key(self, path: tuple[str, ...]) -> tuple[int, int, int]:
        """(line, column, end column) of the key at *path* (best effort)."""
        best: tuple[int, int, int] | None = None
        for k, (start, header) in enumerate(self._sections):
            end = (
                self._sections[k + 1][0]
                if k + 1 < len(self._sections)
                else len(self.lines)
            )
            # the section itself, or a dotted header below it ([segment.a] for
            # an unknown key 'segment')
            if (start and path and header[: len(path)] == path) or (
                not path and not header
            ):
                line = self.lines[start]
                col = len(line) - len(line.lstrip()) + 1
                return start + 1, col, len(line.rstrip()) + 1
            if header and path[: len(header)] == header and len(path) > len(header):
                rest = path[len(header) :]
                hit = self._find_key_line(start, end, rest)
                if hit:
                    return hit
            if not header:
                hit = self._find_key_line(start, end, path)
                if hit:
                    best = best or hit
        if best:
            return best
        # fall back: any line that defines the last key
        for i, line in enumerate(self.lines):
            m = _KEY.match(line)
            if m and path and _unquote(m.group(1)) == path[-1]:
                col = line.index(m.group(1)) + 1
                return i + 1, col, col + len(m.group(1))
        return 1, 1, 2

    def _find_key_line(
        self, start: int, end: int, rest: tuple[str, ...]
    ) -> tuple[int, int, int] | None:
        target = rest[0]
        for i in range(start, end):
            line = self.lines[i]
            m = _KEY.match(line)
            if m and _unquote(m.group(1)) == target:
                col = line.index(m.group(1)) + 1
                return i + 1, col, col + len(m.group(1))
        return None

    def _region(self, path: tuple[str, ...]) -> tuple[int, int]:
        """0-based [start, end) lines of the section that holds *path*."""
        line = self.locate_key(path)[0] - 1
        starts = [start for start, _ in self._sections[1:]]
        end = next((st for st in starts if st > line), len(self.lines))
        return line, end

    def locate_string(self, value: str, path: tuple[str, ...] = ()) -> Located | None:
        """Where the string literal *value* is: its line, the column of each of
        its characters (escapes such as ``\\"`` take more than one column), or
        None. Searched first in the section of *path*; the n-th lookup of the same
        value there finds its n-th occurrence, since documents are read in order.
        """
        key = (path, value)
        count = self._seen.get(key, 0)
        hits = self._hits(value, *self._region(path)) if path else []
        if count >= len(hits):
            hits = self._hits(value, 0, len(self.lines))
            key = ((), value)
            count = self._seen.get(key, 0)
        if count < len(hits):
            self._seen[key] = count + 1
            return hits[count]
        return None

    def _hits(self, value: str, start: int, end: int) -> list[Located]:
        found: list[Located] = []
        literal = f"'{value}'"
        for i in range(start, end):
            line = self.lines[i]
            for quote in ('"', "'"):
                pos = line.find(quote)
                while pos >= 0:
                    cols = (
                        _basic_columns(line, pos + 1, value)
                        if quote == '"'
                        else (
                            list(range(pos + 2, pos + 2 + len(value)))
                            if line.startswith(literal, pos)
                            else None
                        )
                    )
                    if cols is not None:
                        found.append(Located(i + 1, cols))
                    pos = line.find(quote, pos + 1)
        found.sort(key=lambda h: (h.line, h.columns[0] if h.columns else 0))
        return found


class Located:
    """A string literal's line and the 1-based column of each of its characters."""

    __slots__ = ("columns", "line")

    def __init__(self, line: int, columns: list[int]) -> None:
        self.line = line
        self.columns = columns

    def column(self, index: int) -> int:
        """Column of character *index*; one past the end for the end."""
        if not self.columns:
            return 1
        if index < len(self.columns):
            return self.columns[index]
        return self.columns[-1] + 1 + (index - len(self.columns))


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


def _basic_columns(line: str, start: int, value: str) -> list[int] | None:
    """Columns of *value*'s characters if a TOML basic string holding exactly
    *value* starts at 0-based *start* (just after the opening quote)."""
    cols: list[int] = []
    i = start
    for ch in value:
        if i >= len(line):
            return None
        if line[i] == "\\":
            nxt = line[i + 1 : i + 2]
            if nxt in ("u", "U"):
                width = 4 if nxt == "u" else 8
                code = line[i + 2 : i + 2 + width]
                try:
                    if chr(int(code, 16)) != ch:
                        return None
                except ValueError:
                    return None
                cols.append(i + 1)
                i += 2 + width
                continue
            if _ESCAPES.get(nxt) != ch:
                return None
            cols.append(i + 1)
            i += 2
            continue
        if line[i] != ch:
            return None
        cols.append(i + 1)
        i += 1
    if line[i : i + 1] != '"':
        return None
    return cols
