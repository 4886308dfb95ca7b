"""Every threshold of every preset is pinned by its examples.

Moving any number a preset sets (a parameter, a table break, a fixed score
edge) one unit up or down must make at least one of the preset's
``[[examples]]`` fail; otherwise the examples do not pin that threshold.
The table of these checks is in docs/testing.md ("How well the presets'
examples pin their thresholds").
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import pytest

from custseg import rules
from custseg.rules._examples import run_examples

PRESETS = sorted(rules.presets())


def _unit(value: float) -> float:
    """One unit of a threshold: 1 for counts, days and amounts; 0.01 for shares."""
    return 0.01 if 0 < abs(value) < 1 or (value != int(value)) else 1.0


def _fmt(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() else repr(round(x, 6))


def mutations(name: str) -> list[tuple[str, str]]:
    """(what, TOML override) for each threshold of preset *name*, one unit
    down and up (an override that would break the file is left out)."""
    rs = rules.load(name)
    read = {n for d in rs.derived.values() for n in d.expr.names}
    for seg in rs.segments.values():
        read |= {n for r in seg.rules for n in r.when.names}
    for ts in rs.tagsets.values():
        read |= {n for r in ts.rules for n in r.when.names}
    out: list[tuple[str, str]] = []
    for key, value in rs.params.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if key not in read:  # a parameter no rule of this preset reads
            continue
        u = _unit(value)
        for sign in (-1, 1):
            out.append(
                (
                    f"params.{key} {'+' if sign > 0 else '-'}{_fmt(u)}",
                    f"[params]\n{key} = {_fmt(value + sign * u)}\n",
                )
            )
    for tname, t in rs.tables.items():
        for i, b in enumerate(t.breaks):
            for sign in (-1, 1):
                new = list(t.breaks)
                new[i] = b + sign
                if any(x >= y for x, y in itertools.pairwise(new)) or new[0] <= 0:
                    continue
                out.append(
                    (
                        f"tables.{tname}.breaks[{i}] {'+' if sign > 0 else '-'}1",
                        f"[tables.{tname}]\nbreaks = [{', '.join(_fmt(x) for x in new)}]\n",
                    )
                )
    return out


@functools.cache
def _examples(name: str) -> tuple[Any, ...]:
    return rules.load(name).examples


def caught(name: str, override: str) -> int:
    """How many of the preset's examples fail under *override*."""
    text = f'format = 1\nextends = "{name}"\n{override}'
    mutant = rules.loads(text)
    outcomes = run_examples(mutant, _examples(name))
    return len({o.example.number for o in outcomes if not o.passed})


@pytest.mark.parametrize("name", PRESETS)
def test_every_threshold_is_pinned(name: str) -> None:
    """Each threshold moved one unit either way fails at least one example."""
    loose = [what for what, override in mutations(name) if caught(name, override) == 0]
    assert loose == []


def table() -> list[dict[str, Any]]:
    """Rows for the docs: preset, thresholds, moves, moves caught."""
    rows = []
    for name in PRESETS:
        moves = mutations(name)
        counts = [caught(name, o) for _, o in moves]
        rows.append(
            {
                "preset": name,
                "examples": len(rules.load(name).examples),
                "moves": len(moves),
                "caught": sum(c > 0 for c in counts),
                "min examples failing": min(counts) if counts else 0,
            }
        )
    return rows


if __name__ == "__main__":  # python tests/test_preset_mutations.py: the docs table
    print(
        "| preset | examples | thresholds moved (one unit down and up) | caught | fewest examples failing |"
    )
    print("|---|---:|---:|---:|---:|")
    for r in table():
        print(
            f"| `{r['preset']}` | {r['examples']} | {r['moves']} | {r['caught']} | {r['min examples failing']} |"
        )
