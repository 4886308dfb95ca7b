"""Audit 15 of the rules DSL: numbers float64 does not hold as written,
linear time on long dotted keys, no echo of files that are not rules files,
and positions (CRLF, escaped keys, UTF-16 without a byte-order mark)."""

from __future__ import annotations

import decimal
import math
import sys
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import Diagnostic

D = Decimal
SETTINGS = settings(max_examples=40, deadline=None)


def errors(text: str | bytes) -> list[Diagnostic]:
    return [d for d in rules.check(text, text=True) if d.severity == "error"]


def at(text: str, d: Diagnostic) -> str:
    """The text a diagnostic points at, read from *text* itself."""
    line = text.split("\n")[d.line - 1].rstrip("\r")
    return line[d.column - 1 : d.end_column - 1]


def held(written: str) -> bool:
    """Whether float64 holds the decimal *written* as it prints."""
    return D(repr(float(written))) == D(written)


# --------------------------------------------------------------------------
# 1. numbers with more digits than float64 holds


FILE = """format = 1
[fields]
x = {{ type = "number", min = {lo} }}
[params]
p = {param}
[tables.t]
field = "x"
breaks = [{brk}]
labels = ["below", "at or above"]
[segments.s]
default = "below"
rules = [{{ label = "at or above", when = "x >= {cond}" }}]
[[examples]]
given = {{ x = {given} }}
expect = {{ s = "below" }}
"""

# decimals of 16 to 22 significant digits, most of which float64 does not
# hold; the integer part at most 999999 keeps them below 1e15
DIGITS = st.builds(
    lambda whole, frac, sign: f"{sign}{whole}.{frac}",
    st.integers(0, 999_999),
    st.text("0123456789", min_size=16, max_size=22).filter(lambda f: f[-1] != "0"),
    st.sampled_from(["", "-"]),
)
EXACT = st.floats(-1e15, 1e15, allow_nan=False).map(repr)


class TestNumbersFloat64DoesNotHold:
    """A number written with more digits than float64 holds is an error at
    the number, in every place a number is written; no rounded value."""

    @SETTINGS
    @given(
        place=st.sampled_from(["lo", "param", "brk", "cond", "given"]),
        written=DIGITS,
        crlf=st.booleans(),
    )
    @example(place="brk", written="999.99999999999999999", crlf=False)
    @example(place="cond", written="0.30000000000000000001", crlf=True)
    @example(place="given", written="1e-400", crlf=False)
    def test_refused_at_the_number(self, place: str, written: str, crlf: bool) -> None:
        if place == "lo":  # a bound below the example's 0
            written = "-" + written.lstrip("-")
        values = {"lo": "-1e15", "param": "1", "brk": "10", "cond": "10", "given": "0"}
        values[place] = written
        text = FILE.format(**values)
        text = text.replace("\n", "\r\n") if crlf else text
        found = errors(text)
        if held(written):  # 16 digits or so that float64 happens to hold
            assert {d.code for d in found} <= {"example-failed"}
            return
        assert [d.code for d in found if d.code != "example-failed"] == ["limit"]
        (d,) = [d for d in found if d.code == "limit"]
        # in a condition, a minus sign is an operator: the number follows it
        number = written.lstrip("-") if place == "cond" else written
        assert at(text, d) == number, d.render()
        assert repr(float(number)) in d.message
        if abs(float(number)) < sys.float_info.min:  # (audit 23) out of range
            assert "nearer zero than float64 holds" in d.message
            assert "write 0" in d.hint
            return
        assert "more digits than float64 holds" in d.message
        assert "15 significant digits" in d.hint

    @SETTINGS
    @given(values=st.lists(EXACT, min_size=3, max_size=3), crlf=st.booleans())
    def test_numbers_it_holds_are_read(self, values: list[str], crlf: bool) -> None:
        """Every number float64 prints as written is accepted (the shortest
        repr of any double), beside one it does not hold, which alone is
        refused."""
        param, brk, given_ = values[:3]
        text = FILE.format(
            lo="-1e15",
            param=param,
            brk=brk,
            cond="0.10000000000000000001",
            given=given_,
        )
        text = text.replace("\n", "\r\n") if crlf else text
        found = [d for d in errors(text) if d.code != "example-failed"]
        assert [(d.code, at(text, d)) for d in found] == [
            ("limit", "0.10000000000000000001")
        ]

    def test_decimal_data_is_never_compared_with_a_rounded_number(self) -> None:
        """The repro: the file is refused instead of labelling
        Decimal("999.99999999999999999") 'below' 999.99999999999999999."""
        text = FILE.format(
            lo="0",
            param="1",
            brk="999.99999999999999999",
            cond="999.99999999999999999",
            given="1",
        )
        found = errors(text)
        assert sorted((d.line, d.code) for d in found) == [(8, "limit"), (12, "limit")]
        with pytest.raises(rules.RulesError):
            rules.loads(text)


OPS = {"+": Fraction.__add__, "-": Fraction.__sub__, "*": Fraction.__mul__}


def _operand() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**15).map(str),
        st.decimals(
            D("-1e6"), D("1e6"), places=3, allow_nan=False, allow_infinity=False
        ).map(lambda d: str(d.normalize()) if d != 0 else "0"),
        st.sampled_from(["0.1", "0.2", "3", "1e15", "9007199254740", "1000"]),
    )


class TestFoldedConstants:
    """A constant computed from numbers obeys the limits of a number written:
    at most 1e15 in size and held by float64 as it prints."""

    @SETTINGS
    @given(a=_operand(), op=st.sampled_from(["+", "-", "*", "/"]), b=_operand())
    @example(a="9007199254740", op="*", b="1000")
    @example(a="1e15", op="*", b="10")
    @example(a="0.1", op="+", b="0.2")
    @example(a="0.005", op="/", b="0.1")  # 0.05, float64's 0.049999999999999996
    def test_refused_or_exact(self, a: str, op: str, b: str) -> None:
        fa, fb = Fraction(D(a)), Fraction(D(b))
        if op == "/" and fb == 0:
            return  # inf or nan, as documented
        exact = fa / fb if op == "/" else OPS[op](fa, fb)
        cond = f"x == {a} {op} {b}"
        text = FILE.format(lo="-1e15", param="1", brk="10", cond=cond, given="0")
        found = [d for d in errors(text) if d.code != "example-failed"]
        # the constant is the double of the exact value when that double
        # prints as it (0.1 + 0.2 is 0.3, 0.005 / 0.1 is 0.05: exact
        # constants), else refused (100 / 3, 1e15 * 10)
        value = float(exact) if abs(exact) < 10**300 else math.inf
        ok = (
            abs(exact) <= 10**15
            and math.isfinite(value)
            and Fraction(D(repr(value))) == exact
        )
        if not ok:
            assert [(d.code, d.line) for d in found] == [("limit", 12)], found
            assert at(text, found[0]) == f"{a} {op} {b}"
            return
        assert found == []
        # the exact value, as a Decimal, is equal to the constant
        rs = rules.loads(text.split("[[examples]]")[0])
        with decimal.localcontext() as ctx:
            ctx.prec = 40  # the next decimal of 40 digits: float64 rounds it back
            data = {"x": [D(repr(value)), D(repr(value)).next_plus()]}
        assert rs.evaluate(data)["s"].to_numpy().tolist() == ["at or above", "below"]

    def test_the_repro(self) -> None:
        """x == 9007199254740 * 1000 + 993 was false for x = 9007199254740993
        (folded to 2**53 in float64); x > 1e15 * 10 passed the 1e15 limit."""
        for cond, shown in [
            ("x == 9007199254740 * 1000 + 993", "9007199254740 * 1000"),
            ("x > 1e15 * 10", "1e15 * 10"),
            ("x >= 100 / 3", "100 / 3"),
        ]:
            text = FILE.format(lo="-1e15", param="1", brk="10", cond=cond, given="0")
            (d,) = [d for d in errors(text) if d.code != "example-failed"]
            assert (d.code, at(text, d)) == ("limit", shown)


# --------------------------------------------------------------------------
# 2. linear time on long dotted keys


def _timed(text: str) -> tuple[float, list[Diagnostic]]:
    t0 = time.perf_counter()
    found = rules.check(text, text=True)
    return time.perf_counter() - t0, found


class TestDottedKeysInLinearTime:
    """A text of invalid dotted keys is checked in time linear in its size
    (20 KB took 1.4 s, 40 KB 5.8 s, 100 KB 83 s)."""

    @pytest.mark.parametrize("unit", ["a.", "a . ", "ab.", '"a".', "a-b.\t"])
    def test_forty_kilobytes_in_well_under_a_second(self, unit: str) -> None:
        text = "format = 1\n" + unit * (40_000 // len(unit)) + "\n"
        seconds, found = _timed(text)
        assert seconds < 1.0, f"{seconds:.2f}s"
        (d,) = found
        assert (d.code, d.line, d.column) == ("limit", 2, 1)
        assert "dotted parts" in d.message

    @settings(max_examples=15, deadline=None)
    @given(
        parts=st.lists(st.sampled_from(["a", "bc", "d_e", "f-g"]), min_size=1),
        sep=st.sampled_from([".", " . ", "\t.", ". "]),
        tail=st.sampled_from([".", ". ", "", " = 1"]),
        repeat=st.integers(1, 40),
    )
    def test_any_chain_shape(
        self, parts: list[str], sep: str, tail: str, repeat: int
    ) -> None:
        """Chains of any shape, to about 20 KB and more than the limit of 16
        parts: checked fast, and the limit error is at the first chain."""
        chain = sep.join(parts * (1 + 20_000 // (repeat * (len(sep) + 3)))) + tail
        body = "\n".join([chain] * repeat)
        text = "format = 1\n" + body + "\n"
        seconds, found = _timed(text)
        assert seconds < 1.0, f"{seconds:.2f}s for {len(text):,d} characters"
        n_parts = chain.rstrip(". =1").count(".") + 1
        if n_parts > 16:
            assert [(d.code, d.line, d.column) for d in found] == [("limit", 2, 1)]

    def test_two_hundred_kilobytes_in_well_under_seconds(self) -> None:
        """200 KB of such keys (the limit is 1,000,000 characters); it took
        minutes."""
        text = "format = 1\n" + "a." * 100_000 + "\n"
        seconds, found = _timed(text)
        assert seconds < 2.0, f"{seconds:.2f}s"
        assert [d.code for d in found] == ["limit"]


# --------------------------------------------------------------------------
# 3. no line of a file that is not a rules file


SECRET = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=20)


class TestNoEchoOfOtherFiles:
    """A file that is not known to be a rules file (no format = 1 before the
    error) shows none of its lines: it may hold secrets."""

    @SETTINGS
    @given(
        secret=SECRET,
        before=st.integers(0, 3),
        shape=st.sampled_from(
            [
                "DB_PASSWORD={s}",  # .env
                'password = "{s}',  # TOML with an unterminated string
                "token: {s}",  # YAML
                "{s}:x:0:0:root",  # passwd
                "export KEY={s}",
            ]
        ),
        crlf=st.booleans(),
    )
    @example(secret="s3cr3t-hunter2", before=0, shape="DB_PASSWORD={s}", crlf=False)
    def test_syntax_errors(
        self, secret: str, before: int, shape: str, crlf: bool
    ) -> None:
        head = ["# settings", "[client]", 'host = "db"'][:before]
        lines = [*head, shape.format(s=secret)]
        text = "\n".join(lines) + "\n"
        text = text.replace("\n", "\r\n") if crlf else text
        # a secret that is a word of the message itself ('toml-syn') proves
        # nothing: the message of the same file without it is looked at
        (plain,) = rules.check(text.replace(secret, "\u00a7" * len(secret)), text=True)
        assume(secret not in plain.render() + plain.message + plain.hint)
        for raw in (text, text.encode()):
            found = rules.check(raw, text=True)
            assert len(found) == 1
            (d,) = found
            assert d.source_line == ""
            assert secret not in d.render() + d.message + d.hint
        # the same line in a rules file (format = 1 first) is shown
        marked = "format = 1\n" + text.replace("\r\n", "\n")
        (d,) = rules.check(marked, text=True)
        assert d.code == "toml-syntax"
        assert d.source_line == marked.split("\n")[d.line - 1]

    @SETTINGS
    @given(
        secret=SECRET,
        bad=st.sampled_from([b"\x00", b"\xe9", b"\xff", b"\x00OTHER=1"]),
    )
    @example(secret="SHELL=/bin/bash", bad=b"\x00")
    def test_encoding_errors(self, secret: str, bad: bytes) -> None:
        """/proc/self/environ (NUL separated), a Latin-1 file: no echo."""
        (d,) = rules.check(f"KEY={secret}".encode() + bad + b"\n", text=True)
        assert d.code == "encoding"
        assert (d.line, d.column) == (1, len(f"KEY={secret}") + 1)
        assert d.source_line == ""
        assert secret not in d.render()

        # a rules file (format = 1 first) still shows the line
        (d,) = rules.check(b"format = 1\n# " + secret.encode() + bad, text=True)
        assert d.source_line == "# " + secret


# --------------------------------------------------------------------------
# 4. positions: CRLF, escaped keys, UTF-16 without a byte-order mark


def _spell(key: str, how: str) -> str:
    """*key* as written in TOML: bare, quoted, literal or escaped."""
    if how == "bare":
        return key
    if how == "quoted":
        return f'"{key}"'
    if how == "literal":
        return f"'{key}'"
    return '"' + "".join(f"\\u{ord(c):04x}" if c in "aeo _" else c for c in key) + '"'


HOW = st.sampled_from(["bare", "quoted", "literal", "escaped"])


class TestPositions:
    """line:column point at the offending text, whatever the line ends and
    however a key is written."""

    @SETTINGS
    @given(
        crlf=st.booleans(),
        how=HOW,
        pad=st.integers(0, 3),
        problem=st.sampled_from(["bad-name", "unknown-key", "top-level"]),
    )
    @example(crlf=False, how="escaped", pad=0, problem="bad-name")
    @example(crlf=False, how="escaped", pad=0, problem="top-level")
    def test_keys(self, crlf: bool, how: str, pad: int, problem: str) -> None:
        blank = "\n" * pad
        if problem == "bad-name":  # a name that is no identifier
            key = _spell("a b", "escaped" if how == "escaped" else "quoted")
            entry = f'{key} = {{ type = "number" }}'
        elif problem == "unknown-key":
            key = _spell("mnimum", how)
            entry = f"[fields.y]\ntype = 'number'\n{key} = 0"
        else:
            key = _spell("nmae", how)
            entry = ""
        text = (
            "format = 1\n"
            + (f'{key} = "x"\n' if problem == "top-level" else "")
            + blank
            + '[fields]\nx = { type = "number" }\n'
            + blank
            + entry
            + "\n"
        )
        text = text.replace("\n", "\r\n") if crlf else text
        (d,) = errors(text)
        assert at(text, d) == key, d.render()
        assert d.source_line.startswith(text.split("\n")[d.line - 1].rstrip("\r")[:20])

    @SETTINGS
    @given(
        crlf=st.booleans(),
        n_before=st.integers(0, 4),
        how=HOW,
        dotted=st.booleans(),
    )
    @example(crlf=True, n_before=2, how="bare", dotted=False)
    def test_examples(self, crlf: bool, n_before: int, how: str, dotted: bool) -> None:
        """An [[examples]] problem is at its key (with CRLF line ends it was
        at the first [[examples]] header), however the key is written."""
        good = '[[examples]]\ngiven = { x = 1 }\nexpect = { t = "lo" }\n'
        key = _spell("t", how)
        bad = (
            f'[[examples]]\ngiven = {{ x = 1 }}\nexpect.{key} = "hi"\n'
            if dotted
            else f'[[examples]]\ngiven = {{ x = 1 }}\nexpect = {{ {key} = "hi" }}\n'
        )
        text = (
            "format = 1\n[fields]\nx = { type = 'number' }\n[tables.t]\n"
            "field = 'x'\nbreaks = [10]\nlabels = ['lo', 'hi']\n"
            + good * n_before
            + bad
            + good
        )
        text = text.replace("\n", "\r\n") if crlf else text
        (d,) = errors(text)
        assert d.code == "example-failed"
        assert d.line == 8 + 3 * n_before + 2
        assert at(text, d).startswith(key), d.render()

    @SETTINGS
    @given(
        lines=st.lists(st.text("abc xyz=#[]", max_size=30), max_size=5),
        prefix=st.text("abc =#", max_size=20),
        wide=st.sampled_from(["utf-16-le", "utf-16-be"]),
        marked=st.booleans(),
    )
    @example(lines=["x" * 30] * 3, prefix="# The " * 3, wide="utf-16-le", marked=True)
    def test_utf16_without_bom(
        self, lines: list[str], prefix: str, wide: str, marked: bool
    ) -> None:
        """The column counts the file's characters, not the NUL bytes UTF-8
        reads between them; the line shown is the text, not NULs."""
        head = ["format = 1"] if marked else []
        text = "\n".join([*head, *lines, prefix + "é rest"]) + "\n"
        (d,) = rules.check(text.encode(wide), text=True)
        assert d.code == "encoding" and "UTF-16" in d.hint
        want_line = len(head) + len(lines) + 1
        assert (d.line, d.column) == (want_line, len(prefix) + 1)
        assert d.source_line == (prefix if marked else "")
