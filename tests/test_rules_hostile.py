"""Hostile rules files: decoding, full-width names, table sizes, bounded work,
only custseg errors, privacy of the echoed source, text versus path.

The bounded-work test runs the worst shapes the limits admit (and some they
refuse) in a child process with an address-space limit and a wall-clock
timeout; each shape must be checked and loaded in under three seconds of
CPU. The bound is there to catch work that grows faster than the file (a
shape quadratic in its size takes minutes), not to time the loader: the
worst shapes take about 0.4 s on the benchmarks' machine and 1.1 s on a
three times slower one running the suite in two processes.
"""

from __future__ import annotations

import contextlib
import os
import string
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import rules
from custseg.errors import CustsegError, Diagnostic, RulesError
from custseg.rules import _model
from custseg.rules._source import ECHO

GOOD = (
    "format = 1\n"
    "# a comment\n"
    "[fields]\n"
    'x = { type = "number" }\n'
    "[segments.s]\n"
    'default = "low"\n'
    'rules = [{ label = "high", when = "x > 10" }]\n'
)
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in string.ascii_letters + string.digits}


def codes(diags: list[Diagnostic], severity: str = "error") -> list[str]:
    return [d.code for d in diags if d.severity == severity]


# --------------------------------------------------------------------------
# 1. decoding


class TestEncoding:
    """Bytes that are not UTF-8 are an error at their line:column, never dropped."""

    @settings(max_examples=40)
    @given(
        prefix=st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
            max_size=60,
        ),
        bad=st.sampled_from([b"\xe9", b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80"]),
    )
    def test_invalid_byte_anywhere(self, prefix: str, bad: bytes) -> None:
        """A bad byte after any text is one encoding error at its position."""
        raw = prefix.encode() + bad + b"\nformat = 1\n"
        diags = rules.check(raw)
        assert codes(diags) == ["encoding"]
        (d,) = diags
        assert d.line == prefix.count("\n") + 1
        assert d.column == len(prefix.split("\n")[-1]) + 1

    @settings(max_examples=30)
    @given(cut=st.integers(0, len(GOOD)))
    def test_cp1252_byte_in_a_file(self, cut: int, tmp_path_factory: Any) -> None:
        """An 'é' saved as cp1252 anywhere in a file is reported, not a shorter file."""
        text = GOOD[:cut] + "é" + GOOD[cut:]
        path = tmp_path_factory.mktemp("enc") / "r.toml"
        path.write_bytes(text.encode("cp1252"))
        with pytest.raises(RulesError) as exc:
            rules.load(path)
        (d,) = exc.value.diagnostics
        assert d.code == "encoding"
        assert (d.line, d.column) == (
            GOOD[:cut].count("\n") + 1,
            len(GOOD[:cut].split("\n")[-1]) + 1,
        )

    def test_extends_file_with_bad_byte(self) -> None:
        """A file extending a preset keeps its overrides or fails: never both lost."""
        raw = b'format = 1\nextends = "ecommerce"\n# caf\xe9\n[params]\n'
        assert codes(rules.check(raw)) == ["encoding"]

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
    def test_byte_order_marks(self, encoding: str, tmp_path: Path) -> None:
        """UTF-8 with a BOM, UTF-16 and UTF-32 with a BOM are read."""
        path = tmp_path / "r.toml"
        path.write_bytes(GOOD.replace("comment", "café 会员").encode(encoding))
        assert codes(rules.check(path)) == []
        assert rules.load(path).outputs == ("s",)

    def test_utf16_without_bom(self) -> None:
        """UTF-16 without a byte-order mark is an encoding error with a hint."""
        diags = rules.check(("# é\n" + GOOD).encode("utf-16-le"))
        assert codes(diags) == ["encoding"]
        assert "UTF-16" in diags[0].hint
        assert "\x00" not in diags[0].source_line

    @pytest.mark.parametrize("at", [0, 5, 30])
    def test_one_stray_nul_is_not_called_utf16(self, at: int) -> None:
        """One NUL in UTF-8 text is no UTF-16 file: the hint says text."""
        text = GOOD.encode("utf-8")
        diags = rules.check(text[:at] + b"\x00" + text[at:])
        assert codes(diags) == ["encoding"]
        assert "UTF-16" not in diags[0].hint
        assert "save it as UTF-8" in diags[0].hint


# --------------------------------------------------------------------------
# 2. full-width names


def _wide(name: str, mask: list[bool]) -> str:
    return "".join(
        FULL_WIDTH.get(c, c) if m else c
        for c, m in zip(name, mask * len(name), strict=False)
    )


class TestFullWidthNames:
    """Declarations are NFKC-normalised like expressions; collisions are errors."""

    @settings(max_examples=30)
    @given(
        name=st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
        declared=st.lists(st.booleans(), min_size=1, max_size=4),
        used=st.lists(st.booleans(), min_size=1, max_size=4),
    )
    def test_any_width_names_the_field(
        self, name: str, declared: list[bool], used: list[bool]
    ) -> None:
        """A field declared in any mix of widths is read under any mix of widths."""
        name = "v_" + name  # never a keyword, never the segmentation
        text = (
            "format = 1\n[fields]\n"
            f'"{_wide(name, declared)}" = {{ type = "number" }}\n'
            '[segments.s]\ndefault = "a"\n'
            f'rules = [{{ label = "b", when = "{_wide(name, used)} > 10" }}]\n'
        )
        rs = rules.loads(text)
        assert rs.required_fields() == (name,)
        out = rs.evaluate({name: [20.0, 5.0]})
        assert out["s"].to_numpy().tolist() == ["b", "a"]

    @pytest.mark.parametrize(
        "section, spec",
        [
            ("fields", '{ type = "number" }'),
            ("params", "3"),
            ("derived", '"x + 1"'),
        ],
    )
    def test_collision_is_an_error_at_the_second(self, section: str, spec: str) -> None:
        """'ｍ' and 'm' in one section: a duplicate-name error on the second line."""
        text = (
            'format = 1\n[fields]\nx = { type = "number" }\n'
            if section != "fields"
            else "format = 1\n"
        )
        text += f'[{section}]\nm = {spec}\n"ｍ" = {spec}\n'
        errors = [d for d in rules.check(text) if d.severity == "error"]
        assert [d.code for d in errors] == ["duplicate-name"]
        assert errors[0].line == text.count("\n")
        assert "ｍ" in errors[0].source_line

    def test_collision_across_sections(self) -> None:
        """A full-width param and a plain field share one namespace."""
        text = 'format = 1\n[fields]\nm = { type = "number" }\n[params]\n"ｍ" = 3\n'
        assert codes(rules.check(text)) == ["duplicate-name"]

    def test_tables_and_segments_and_references(self) -> None:
        """Full-width table / segmentation names and a table's field are read plain."""
        text = (
            'format = 1\n[fields]\n"ｒｄ" = { type = "number" }\n'
            '[params]\n"ｃｕｔ" = 5\n'
            '[tables."ｓｔ"]\nfield = "ｒｄ"\nbreaks = ["ｃｕｔ"]\nlabels = ["lo", "hi"]\n'
            '[segments."ｖ"]\ndefault = "a"\n'
            'rules = [{ label = "b", when = "st == \'hi\'" }]\n'
        )
        rs = rules.loads(text)
        assert rs.outputs == ("st", "v")
        out = rs.evaluate({"rd": [1.0, 9.0]})
        assert out["v"].to_numpy().tolist() == ["a", "b"]


# --------------------------------------------------------------------------
# 3. tables with many labels


class TestTableSize:
    """Interval tables are bounded, and labels stay right up to the bound."""

    def _table(self, n_labels: int) -> str:
        breaks = ", ".join(str(i) for i in range(1, n_labels))
        labels = ", ".join(f'"l{i}"' for i in range(n_labels))
        return (
            'format = 1\n[fields]\nx = { type = "number" }\n'
            f'[tables.t]\nfield = "x"\nbreaks = [{breaks}]\nlabels = [{labels}]\n'
        )

    def test_largest_table_labels_are_right(self) -> None:
        """A table of the most labels allowed labels every interval correctly."""
        n = _model.MAX_TABLE_LABELS
        rs = rules.loads(self._table(n))
        x = np.array([0.5, 1.0, 500.5, n - 1.0, n + 10.0])
        got = rs.evaluate({"x": x})["t"].to_numpy().tolist()
        assert got == ["l0", "l1", "l500", f"l{n - 1}", f"l{n - 1}"]

    def test_largest_segmentation_and_category(self) -> None:
        """1,000 distinct rule labels over a 1,000-value category stay right."""
        n = _model.MAX_RULES
        values = ", ".join(f'"v{i}"' for i in range(n))
        rule_list = ", ".join(
            f'{{ label = "l{i}", when = "c == \'v{i}\'" }}' for i in range(n)
        )
        text = (
            f'format = 1\n[fields]\nc = {{ type = "category", values = [{values}] }}\n'
            f'[segments.s]\ndefault = "none"\nrules = [{rule_list}]\n'
        )
        rs = rules.loads(text)
        picks = [0, 1, 300, 998, n - 1]
        out = rs.evaluate({"c": [f"v{i}" for i in picks]})["s"].to_numpy().tolist()
        assert out == [f"l{i}" for i in picks]

    @pytest.mark.parametrize("n", [_model.MAX_TABLE_LABELS + 1, 33_000, 66_000])
    def test_too_many_labels(self, n: int) -> None:
        """More labels than the limit: one limit error naming the limit."""
        diags = rules.check(self._table(n))
        assert codes(diags) == ["limit"]
        assert "at most" in diags[0].hint or "more than" in diags[0].message


# --------------------------------------------------------------------------
# 4. bounded work


SHAPES = r"""
import resource, sys, time

def fields(n_int=3):
    out = ['format = 1', '[fields]', 'x = { type = "number", missing = true }']
    out += [f'i{k} = {{ type = "integer", min = 0, max = 9 }}' for k in range(n_int)]
    return out

def rule_lists(n_lists, n_rules, key="segments", label="label"):
    out = fields()
    for s in range(n_lists):
        out += [f'[{key}.s{s}]'] + (['default = "d"'] if key == "segments" else [])
        out.append('rules = [')
        out += [f'  {{ {label} = "l{i % 7}", when = "x > {i} and i0 == {i % 10} '
                f'or i1 < {i % 9}" }},' for i in range(n_rules)]
        out.append(']')
    return "\n".join(out)

def segments_and_tags():
    tags = rule_lists(1, 1000, "tags", "tag").split("\n")[len(fields()):]
    return rule_lists(1, 1000) + "\n" + "\n".join(tags).replace("tags.s0", "tags.t0")

def many_segmentations():
    out = fields() + ['[derived]']
    out += [f'd{i} = "x * {i} + i0"' for i in range(490)]
    for i in range(490):
        out += [f'[segments.s{i}]', 'default = "a"',
                f'rules = [{{ label = "b", when = "d{i} > 3 and i1 == {i % 10}" }},'
                f' {{ label = "c", when = "i2 > {i % 10}" }},'
                f' {{ label = "e", when = "d{(i * 7) % 490} < 2" }},'
                f' {{ label = "f", when = "i0 + i1 > {i % 19}" }}]']
    return "\n".join(out)

def derived_chain():
    out = fields() + ['[derived]', 'd0 = "x + 1"']
    out += [f'd{i} = "d{i - 1} + 1"' for i in range(1, 500)]
    out += ['[segments.s]', 'default = "a"', 'rules = [{ label = "b", when = "d499 > 3" }]']
    return "\n".join(out)

def derived_cycle():
    out = fields() + ['[derived]']
    out += [f'd{i} = "d{(i + 1) % 500} + 1"' for i in range(500)]
    return "\n".join(out)

def dotted(n):
    return "format = 1\n" + ".".join(["a"] * n) + " = 1\n"

def header(n):
    return "format = 1\n[" + ".".join(["a"] * n) + "]\n"

def arrays(n):
    return "format = 1\nx = " + "[" * n + "]" * n + "\n"

def inline(n):
    return "format = 1\nx = " + "{a=" * n + "1" + "}" * n + "\n"

def long_line():
    return 'format = 1\n[params]\nx = "' + "a" * 999_000 + '"\n'

def long_escapes():
    return 'format = 1\n[params]\nx = "' + '\\"' * 330_000 + '"\n'

def long_bare_word():
    return "format = 1\n" + "a" * 999_000 + "\n"

def many_quotes():
    return "format = 1\n" + '"' * 999_000 + "\n"

def unknown_names():
    out = ['format = 1', '[fields]'] + [f'f{i} = {{ type = "number" }}' for i in range(500)]
    for s in range(2):
        out += [f'[segments.s{s}]', 'default = "d"', 'rules = [']
        out += [f'{{ label = "a", when = "g{i} > 1 and h{i} < 2" }},' for i in range(1000)]
        out += [']']
    return "\n".join(out)

def unknown_keys():
    out = ['format = 1'] + [f'k{i} = 1' for i in range(990)]
    out += ['[fields]'] + [f'f{i} = {{ type = "number", tpye = 1 }}' for i in range(500)]
    return "\n".join(out)

def translations():
    out = rule_lists(1, 10).split("\n")
    for lang in range(19):
        out.append(f'[segments.s0.translations.x{lang}]')
        out += [f'm{i} = "t{i}"' for i in range(1000)]
    return "\n".join(out)

def too_many_nodes():
    return "format = 1\n" + "\n".join(f"[t{j}]\n" + "\n".join(f"k{i} = 1" for i in range(900)) for j in range(40))

def many_categories():
    values = ", ".join(f'"v{i}"' for i in range(1000))
    out = ['format = 1', '[fields]', f'c = {{ type = "category", values = [{values}] }}',
           'n = { type = "integer", min = 0, max = 199 }']
    for s in range(2):
        out += [f'[segments.s{s}]', 'default = "d"', 'rules = [']
        out += [f'{{ label = "a{i % 5}", when = "c == \'v{i}\' and n > {i % 200}" }},' for i in range(1000)]
        out += [']']
    return "\n".join(out)

def extends_overrides():
    out = ['format = 1', 'extends = "ecommerce"', '[params]']
    out += [f'p{i} = {i}' for i in range(450)]
    for i in range(400):
        out += [f'[segments.n{i}]', 'default = "a"', 'rules = [{ label = "b", when = "frequency > 1" }]']
    return "\n".join(out)

def dense_conditions(n_rules, clauses):
    cond = " or ".join(f"(x > {i} and i0 == {i % 10})" for i in range(clauses))
    out = fields() + ['[segments.s]', 'default = "d"', 'rules = [']
    out += [f'{{ label = "l{i % 7}", when = "{cond} or x < {i}" }},' for i in range(n_rules)]
    return "\n".join(out + [']'])

def finite_grid(n_lists, n_rules, hi):
    out = ['format = 1', '[fields]']
    out += [f'{c} = {{ type = "integer", min = 0, max = {hi} }}' for c in "abc"]
    for s in range(n_lists):
        out += [f'[segments.s{s}]', 'default = "d"', 'rules = [']
        out += [f'{{ label = "l{i % 7}", when = "a > {i % hi} and b < {(i * 7) % hi} '
                f'or c == {(i * 3) % hi}" }},' for i in range(n_rules)]
        out += [']']
    return "\n".join(out)

def derived_grids():
    # review 7: 8 enumerated integers, 500 derived values, 490 segmentations
    # on 200 x 200 grids (peaked at 355 MiB: grids freed only by the cycle
    # collector, a lookup table kept per segmentation)
    out = ['format = 1', '[fields]']
    out += [f'f{i} = {{ type = "integer", min = 0, max = 199 }}' for i in range(8)]
    out += ['[derived]'] + [f'd{i} = "f{i % 8} * 2 + {i}"' for i in range(500)]
    for k in range(490):
        out += [f'[segments.s{k}]', 'default = "d"',
                f'rules = [{{ label = "a", when = "d{k} > 5 and d{k + 1} < 100" }}]']
    return "\n".join(out)

def category_grids():
    # review 7: 490 segmentations on a 990-value category x an integer
    values = ", ".join(f'"v{i}"' for i in range(990))
    out = ['format = 1', '[fields]', f'c = {{ type = "category", values = [{values}] }}',
           'x = { type = "integer", min = 0, max = 199 }']
    for k in range(490):
        out += [f'[segments.s{k}]', 'default = "d"',
                f'rules = [{{ label = "a", when = "c == \'v{k}\' and x > {k % 150}" }}]']
    return "\n".join(out)

def huge_numbers():
    return "format = 1\n[params]\n" + "\n".join(f"p{i} = {'9' * 4000}" for i in range(200))

SHAPES = {
    "2000 rules in 2 segmentations": lambda: rule_lists(2, 1000),
    "1000 rules in 1 segmentation": lambda: rule_lists(1, 1000),
    "1000 segment + 1000 tag rules": segments_and_tags,
    "2000 rules, over the limit": lambda: rule_lists(3, 1000),
    "490 derived x 490 segmentations": many_segmentations,
    "500 chained derived values": derived_chain,
    "500 derived values in a cycle": derived_cycle,
    "dotted key 16 deep": lambda: dotted(16),
    "dotted key 20000 deep": lambda: dotted(20_000),
    "table header 20000 deep": lambda: header(20_000),
    "arrays 16 deep": lambda: arrays(16),
    "arrays 20000 deep": lambda: arrays(20_000),
    "inline tables 20000 deep": lambda: inline(20_000),
    "one 1 MB line": long_line,
    "1 MB of escapes": long_escapes,
    "1 MB bare word": long_bare_word,
    "1 MB of quotes": many_quotes,
    "2000 unknown names": unknown_names,
    "1500 unknown keys": unknown_keys,
    "19000 translations": translations,
    "36000 keys": too_many_nodes,
    "1000 categories x 2000 rules": many_categories,
    "extends with 850 new entries": extends_overrides,
    "200 4000-digit numbers": huge_numbers,
    "2 x 1000 rules analysed on 1000 cells": lambda: finite_grid(2, 1000, 9),
    "2 x 1000 rules on 195,112 cells": lambda: finite_grid(2, 1000, 57),
    "densest conditions at the token limit": lambda: dense_conditions(105, 32),
    "densest conditions over the token limit": lambda: dense_conditions(1000, 32),
    "8 integers x 500 derived x 490 segmentations": derived_grids,
    "990 categories x integer, 490 segmentations": category_grids,
}

def main():
    sys.setrecursionlimit(1000)
    from custseg import rules
    from custseg.errors import CustsegError
    with open("/proc/self/statm") as f:
        vsz = int(f.read().split()[0]) * resource.getpagesize()
    budget = int(sys.argv[1]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (vsz + budget, vsz + budget))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for name, make in SHAPES.items():
        text = make()
        start = time.process_time()
        diags = rules.check(text)
        middle = time.process_time()
        try:
            rules.loads(text)
            outcome = "loaded"
        except CustsegError as exc:
            outcome = type(exc).__name__
            if "MemoryError" in str(exc):  # the address-space limit was hit
                outcome = "MemoryError"
        except MemoryError:
            outcome = "MemoryError"
        if any("MemoryError" in d.message for d in diags):
            outcome = "MemoryError"
        cpu = max(middle - start, time.process_time() - middle)
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        kinds = ",".join(sorted({d.code for d in diags}))
        print(f"{cpu:.3f}\t{grown:.0f}\t{len(text)}\t{name}\t{outcome}\t{kinds}", flush=True)

main()
"""


class TestBoundedWork:
    """Whatever the limits admit is checked and loaded in < 3 s CPU and < 200 MiB."""

    CPU = 3.0  # seconds per shape, for check() and for loads() (see above)
    MEMORY = 200  # MiB of address space above the child's baseline

    def test_worst_shapes(self, tmp_path: Path) -> None:
        """The worst shapes finish in bounded time and memory with custseg results."""
        script = tmp_path / "shapes.py"
        script.write_text(textwrap.dedent(SHAPES), encoding="utf-8")
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        proc = subprocess.run(
            [sys.executable, str(script), str(self.MEMORY)],
            capture_output=True,
            text=True,
            timeout=240,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        rows = [line.split("\t") for line in proc.stdout.splitlines()]
        report = "\n".join(proc.stdout.splitlines())
        assert len(rows) == 30, report  # every shape ran
        for cpu, grown, _size, name, outcome, _kinds in rows:
            assert float(cpu) < self.CPU, f"{name}: {cpu} s\n{report}"
            assert float(grown) < self.MEMORY, f"{name}: {grown} MiB\n{report}"
            assert outcome in ("loaded", "RulesError"), f"{name}: {outcome}"
        by_name = {row[3]: row for row in rows}
        for refused in (
            "2000 rules, over the limit",
            "dotted key 20000 deep",
            "table header 20000 deep",
            "arrays 20000 deep",
            "inline tables 20000 deep",
            "36000 keys",
            "densest conditions over the token limit",
        ):
            assert "limit" in by_name[refused][5].split(","), report
        for admitted in (
            "2000 rules in 2 segmentations",
            "490 derived x 490 segmentations",
            "500 chained derived values",
            "one 1 MB line",
            "1000 segment + 1000 tag rules",
            "densest conditions at the token limit",
            "8 integers x 500 derived x 490 segmentations",
            "990 categories x integer, 490 segmentations",
        ):
            assert by_name[admitted][4] == "loaded", report

    @settings(max_examples=60)
    @given(
        depth=st.integers(1, 40),
        kind=st.sampled_from(["array", "inline", "dotted", "header", "in-string"]),
        blank_lines=st.integers(0, 3),
    )
    def test_nesting_family(self, depth: int, kind: str, blank_lines: int) -> None:
        """Nesting past its limit is one limit error on its line; within, none."""
        build = {
            "array": lambda n: "x = " + "[" * n + "]" * n,
            "inline": lambda n: "x = " + "{a=" * n + "1" + "}" * n,
            "dotted": lambda n: ".".join(["a"] * n) + " = 1",
            "header": lambda n: "[" + ".".join(["a"] * n) + "]",
            "in-string": lambda n: 'x = "' + "[{" * n + '"  # ' + "[" * n,
        }
        limit = _model.MAX_NESTING if kind in ("array", "inline") else _model.MAX_DOTTED
        text = "format = 1\n" + "\n" * blank_lines + build[kind](depth) + "\n"
        found = [d for d in rules.check(text) if d.code == "limit"]
        if kind != "in-string" and depth > limit:
            assert len(found) == 1
            assert found[0].line == 2 + blank_lines
        else:
            assert found == []

    def test_cycles_and_order_are_iterative(self) -> None:
        """Cycle search and ordering of 20,000 chained names do not recurse."""
        n = 20_000
        chain = {f"d{i}": {f"d{i - 1}"} if i else set() for i in range(n)}
        assert _model._topo(chain) == [f"d{i}" for i in range(n)]
        assert _model._cycles(chain) == []
        ring = {f"d{i}": {f"d{(i + 1) % n}"} for i in range(n)}
        (cycle,) = _model._cycles(ring)
        assert len(cycle) == n + 1 and cycle[0] == cycle[-1]

    @settings(max_examples=60)
    @given(
        st.dictionaries(
            st.sampled_from("abcdefg"),
            st.sets(st.sampled_from("abcdefgh"), max_size=3),
            max_size=7,
        )
    )
    def test_graph_passes_match_recursive(self, graph: dict[str, set[str]]) -> None:
        """The iterative passes give what the recursive definitions give."""
        assert _model._cycles(graph) == _recursive_cycles(graph)
        assert _model._topo(graph) == _recursive_topo(graph)


def _recursive_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return found


def _recursive_topo(graph: dict[str, set[str]]) -> list[str]:
    order: list[str] = []
    done: set[str] = set()

    def visit(node: str, seen: set[str]) -> None:
        if node in done or node in seen:
            return
        seen.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in graph:
                visit(nxt, seen)
        done.add(node)
        order.append(node)

    for node in graph:
        visit(node, set())
    return order


class TestNonRegularFiles:
    """Only regular files are read; FIFOs and devices are refused at once."""

    def _quick(self, target: Any) -> list[Diagnostic]:
        out: list[list[Diagnostic]] = []
        worker = threading.Thread(target=lambda: out.append(rules.check(target)))
        worker.daemon = True
        worker.start()
        worker.join(timeout=10)
        assert out, "check() blocked on the path"
        return out[0]

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
    def test_fifo(self, tmp_path: Path) -> None:
        """A FIFO is a file error, without waiting for a writer."""
        fifo = tmp_path / "rules.toml"
        os.mkfifo(fifo)
        diags = self._quick(fifo)
        assert codes(diags) == ["file"]
        with pytest.raises(RulesError):
            rules.load(str(fifo))

    @pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
    def test_device(self, device: str) -> None:
        """A device is a file error, not read."""
        if not os.path.exists(device):
            pytest.skip(device)
        assert codes(self._quick(Path(device))) == ["file"]

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is a file error."""
        diags = self._quick(tmp_path)
        assert codes(diags) == ["file"]
        assert "directory" in diags[0].message


# --------------------------------------------------------------------------
# 5. only custseg errors


ODD = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=40),
    st.text(max_size=40),
    st.text(alphabet="[]{}.=\"'#\n\\ a1", max_size=60),
    st.lists(st.integers(), max_size=2),
    st.builds(Path, st.text(alphabet="ab./\x00", max_size=10)),
    st.sampled_from(
        [
            "ecommerce",
            "ecommerse",
            "/",
            "/dev/null",
            ".",
            "",
            "\x00",
            "x = '\ud800'\n[a]\n\ud800 = [\udfff]",
            "a" * 5000,
            "x.toml",
            "format = 1",
            b"\xff\xfe",
            bytearray(b"format = 1"),
        ]
    ),
)


class TestOnlyCustsegErrors:
    """load, loads, check and preset_text give results or custseg errors only."""

    @settings(max_examples=80)
    @given(arg=ODD)
    def test_fuzz_entry_points(self, arg: Any) -> None:
        """No builtin exception escapes, whatever the argument."""
        for call in (rules.load, rules.loads, rules.preset_text):
            with contextlib.suppress(CustsegError):
                call(arg)
        try:
            found = rules.check(arg)
        except RulesError as exc:  # only for an argument of the wrong type
            assert [d.code for d in exc.diagnostics] == ["argument"]
            assert not isinstance(arg, str | bytes | os.PathLike)
        else:
            assert all(isinstance(d, Diagnostic) for d in found)

    def test_deep_keys_everywhere(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Deeply dotted keys are a limit error in load, loads, check and the CLI."""
        from custseg.cli import main

        text = "format = 1\n" + ".".join(["a"] * 3000) + " = 1\n"
        path = tmp_path / "deep.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RulesError):
            rules.loads(text)
        with pytest.raises(RulesError):
            rules.load(path)
        assert codes(rules.check(text)) == ["limit"]
        assert main(["rules", "check", str(path)]) == 1
        assert "error[limit]" in capsys.readouterr().out

    def test_chained_derived_values(self) -> None:
        """1,200 chained derived values are an error, not a RecursionError."""
        out = ["format = 1", "[fields]", 'x = { type = "number" }', "[derived]"]
        out += ['d0 = "x + 1"'] + [f'd{i} = "d{i - 1} + 1"' for i in range(1, 1200)]
        diags = rules.check("\n".join(out))
        assert "limit" in codes(diags)

    @pytest.mark.parametrize("arg", [None, 123, 1.5, ["ecommerce"], {"a": 1}])
    def test_wrong_argument_types(self, arg: Any) -> None:
        """A wrong argument type is a RulesError with code 'argument'."""
        for call in (rules.load, rules.preset_text, rules.check):
            with pytest.raises(RulesError) as exc:
                call(arg)
            assert exc.value.diagnostics[0].code == "argument"

    def test_loads_bytes(self) -> None:
        """loads() reads UTF-8 bytes, strictly."""
        assert rules.loads(GOOD.encode()).outputs == ("s",)
        with pytest.raises(RulesError, match="encoding"):
            rules.loads(GOOD.encode("utf-16-le"))


# --------------------------------------------------------------------------
# 6. privacy of the echoed source


class TestPrivacy:
    """A diagnostic echoes at most one line, cut to ECHO characters."""

    def test_not_a_rules_file(self, tmp_path: Path) -> None:
        """A passwd-like file gives one diagnostic showing none of its lines."""
        secret = tmp_path / "passwd"
        first = "root:x:0:0:" + "r" * 300
        secret.write_text(first + "\nsecret2:x:1:1\nsecret3:x:2:2\n", encoding="utf-8")
        with pytest.raises(RulesError) as exc:
            rules.load(secret)
        (d,) = exc.value.diagnostics
        assert d.code == "toml-syntax" and d.line == 1
        assert "is this a rules file?" in d.hint
        assert "secret2" not in str(exc.value)
        assert len(d.source_line) <= ECHO + 1

    def test_not_a_rules_file_on_the_command_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """custseg rules check of a passwd-like file prints none of its lines
        (only line:column: it may hold secrets on its first line too)."""
        from custseg.cli import main

        secret = tmp_path / "passwd"
        secret.write_text("root:x:0:0\nsecret2:x:1:1\n", encoding="utf-8")
        assert main(["rules", "check", str(secret)]) == 1
        out = capsys.readouterr()
        assert "passwd:1:" in out.out
        assert "root:x:0:0" not in out.out + out.err
        assert "secret2" not in out.out + out.err

    @settings(max_examples=60)
    @given(
        st.lists(
            st.sampled_from([*"ab =\"'[]{}#.\n\x1b\x00\ud800é会", "x" * 150]),
            max_size=40,
        ).map("".join)
    )
    def test_every_echo_is_one_short_line(self, text: str) -> None:
        """No diagnostic of any text echoes a newline, a control or > ECHO chars."""
        for d in rules.check("format = 1\n" + text, text=True):
            assert "\n" not in d.source_line
            assert not set("\x1b\x00\ud800") & set(d.source_line)
            assert len(d.source_line) <= ECHO + 1

    def test_long_line_errors(self) -> None:
        """An error far right on a long line shows no source; near the start, cut."""
        far = 'format = 1\n[params]\nx = "' + "a" * 500 + '"\ny = 1 1\n'
        near = "format = 1\nx = [1 " + "1" * 500 + "\n"
        for text in (far, near):
            for d in rules.check(text):
                assert len(d.source_line) <= ECHO + 1


# --------------------------------------------------------------------------
# 7. text versus path


class TestTextOrPath:
    """load takes paths and preset names, loads takes text, check says which."""

    def test_load_text_is_refused_with_a_hint(self) -> None:
        """load() of one-line text is a missing file whose hint names loads()."""
        with pytest.raises(RulesError) as exc:
            rules.load('x = "a/b.toml"')
        assert exc.value.diagnostics[0].code == "file"
        assert "loads" in exc.value.diagnostics[0].hint

    def test_load_multiline_text(self) -> None:
        """load() of rules text is an argument error naming loads()."""
        with pytest.raises(RulesError, match="loads"):
            rules.load(GOOD)

    @pytest.mark.parametrize(
        "text", ['x = "a/b"', 'name = "x.toml"', "format = 1", "", "  "]
    )
    def test_check_one_line_text(self, text: str) -> None:
        """A one-line str with '=' (or blank) is text, whatever its slashes."""
        assert "file" not in codes(rules.check(text))

    def test_check_paths(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A str without '=' or a newline is a path or preset; text= forces it."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "r.toml").write_text(GOOD, encoding="utf-8")
        assert codes(rules.check("r.toml")) == []
        assert codes(rules.check("sub/none.toml")) == ["file"]
        assert codes(rules.check("ecommerce")) == []
        assert codes(rules.check("ecommerse")) == ["unknown-preset"]
        assert codes(rules.check("[fields]", text=True)) == ["format"]
        assert codes(rules.check("format = 1", text=False)) == ["file"]
        with pytest.raises(RulesError):
            rules.check(GOOD, text=False)


# --------------------------------------------------------------------------
# the source index


def _toml_basic(value: str) -> str:
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class TestSourceIndex:
    """String literals and keys are located from one index, in file order."""

    @settings(max_examples=60)
    @given(
        st.lists(
            st.tuples(
                st.text(
                    alphabet=st.characters(
                        exclude_categories=["Cs", "Zl", "Zp"], exclude_characters="\n\r"
                    ),
                    max_size=12,
                ),
                st.booleans(),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_strings_found_in_order(self, values: list[tuple[str, bool]]) -> None:
        """The n-th look-up of a value finds its n-th literal, at its columns."""
        import tomllib

        from custseg.rules._source import Source

        lines = []
        for i, (value, literal) in enumerate(values):
            use_literal = literal and "'" not in value and value.isprintable()
            quoted = f"'{value}'" if use_literal else _toml_basic(value)
            if value.isprintable():  # a comment is never a literal
                lines.append(f"# {quoted}")
            lines.append(f"k{i} = {quoted}")
        text = "\n".join(lines)
        doc = tomllib.loads(text)
        src = Source("t", text)
        for i, (value, _) in enumerate(values):
            assert doc[f"k{i}"] == value
            where = src.locate_string(value)
            assert where is not None
            line = src.line_text(where.line)
            assert line.startswith(f"k{i} = ")
            first = where.column(0)
            assert line[: first - 1].rstrip().endswith(("'", '"'))
            quoted = line.split(" = ", 1)[1]
            assert first == len(f"k{i} = ") + 2  # just after the opening quote
            if "\\" not in quoted:
                assert line[first - 1 : first - 1 + len(value)] == value

    def test_keys_with_full_width_and_sections(self) -> None:
        """Keys are located in their section, by raw or NFKC name."""
        from custseg.rules._source import Source

        text = '[a]\nx = 1\n[b]\n"ｘ" = 2\ny = 3\n[b.c]\nz = 4\n'
        src = Source("t", text)
        assert src.locate_key(("a", "x"))[0] == 2
        assert src.locate_key(("b", "ｘ"))[0] == 4
        assert src.locate_key(("b", "y"))[0] == 5
        assert src.locate_key(("b", "c"))[0] == 6
        assert src.locate_key(("b", "c", "z"))[0] == 7
        assert src.locate_key(("nowhere",)) == (1, 1, 2)


class TestDocumentedCodes:
    """Every diagnostic code the hostile checks produce is documented."""

    @pytest.mark.parametrize(
        "code", ["encoding", "argument", "file", "limit", "duplicate-name"]
    )
    def test_code_in_errors_page(self, code: str) -> None:
        """docs/errors.md has a row for the code."""
        page = Path(__file__).parents[1] / "docs" / "errors.md"
        assert f"| `{code}` |" in page.read_text(encoding="utf-8")
