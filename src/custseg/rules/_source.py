"""Where things are in a TOML text: lines, key positions, string literals.

``tomllib`` returns plain values without positions. Diagnostics need
``line:column`` (in characters), so this module finds them in the text: table
headers and ``key =`` lines for keys, and the quoted literal for string values
(the n-th occurrence for the n-th lookup of the same value, since documents are
read in file order).
"""

from __future__ import annotations

import json
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
        self.text = text
        self.lines = text.split("\n")
        self._seen: dict[str, int] = {}
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
            if (header == path and start) or (not path and not header):
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

    def locate_string(self, value: str) -> tuple[int, int] | None:
        """(line, column of the first character inside the quotes) of the next
        occurrence of the string literal *value*, or None."""
        candidates = [
            json.dumps(value, ensure_ascii=False),
            f"'{value}'",
            f'"""{value}"""',
            f"'''{value}'''",
        ]
        count = self._seen.get(value, 0)
        hits: list[tuple[int, int]] = []
        for i, line in enumerate(self.lines):
            for cand in candidates[:2]:
                pos = line.find(cand)
                while pos >= 0:
                    hits.append((i + 1, pos + 2))
                    pos = line.find(cand, pos + len(cand))
        hits.sort()
        if count < len(hits):
            self._seen[value] = count + 1
            return hits[count]
        return None
