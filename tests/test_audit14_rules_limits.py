"""A fourteenth audit: the rules' costs bounded by their limits (P6, P8).

Text longer than the limit was indexed line by line before the limit was
checked (16 MB: 16 s to say "too long"); evaluating rules whose optional
fields are absent listed the fields each skipped output reads in cubic
time (400 fields x 400 outputs: 3 s per call, on 2 rows). CPU seconds of
this process, with a wide margin.
"""

from __future__ import annotations

import gc
import math
import time

import pytest

from custseg import rules
from custseg.rules import MAX_TEXT


def _cpu(fn: object) -> float:
    """The least CPU time of three calls, the garbage collector paused: a
    collection of the whole suite's objects (0.5 s under a loaded CI run,
    against 0.016 s for the call) is not the call's cost. The bounds guard
    against work growing with the input (seconds before), not speed."""
    best = math.inf
    paused = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            fn()  # type: ignore[operator]
            best = min(best, time.process_time() - start)
    finally:
        if paused:
            gc.enable()
    return best


@pytest.mark.parametrize(
    "text",
    [
        "[a]\n" * 4_000_000,
        ("[a]\n" * 4_000_000).encode(),
        "x" * (MAX_TEXT + 1),
        ("é" * (MAX_TEXT + 1)).encode(),
    ],
    ids=["headers", "header bytes", "one past", "two-byte characters"],
)
def test_text_past_the_limit_is_refused_at_once(text: str | bytes) -> None:
    def refuse() -> None:
        with pytest.raises(rules.RulesError) as err:
            rules.loads(text)
        (d,) = err.value.diagnostics
        assert (d.code, d.line, d.column) == ("limit", 1, 1)
        assert "too long" in d.message
        (c,) = rules.check(text, text=True)
        assert c.code == "limit" and "too long" in c.message

    assert _cpu(refuse) < 1.0  # 16 to 20 s before


def test_text_at_the_limit_is_still_read() -> None:
    text = "format = 1\n" + "#" * (MAX_TEXT - len("format = 1\n"))
    assert [d.code for d in rules.check(text, text=True) if d.code == "limit"] == []
    assert rules.loads(text).tables == {}


def _wide(nf: int, ns: int) -> str:
    s = 'format = 1\n[fields]\nx = { type = "number" }\n' + "".join(
        f'o{i} = {{ type = "number", optional = true }}\n' for i in range(nf)
    )
    chunks = [list(range(i, min(i + 30, nf))) for i in range(0, nf, 30)]
    s += "[derived]\n" + "".join(
        f'd{k} = "' + " + ".join(f"o{i}" for i in c) + '"\n'
        for k, c in enumerate(chunks)
    )
    s += 'dall = "' + " + ".join(f"d{k}" for k in range(len(chunks))) + '"\n'
    return s + "".join(
        f'[segments.s{i}]\ndefault = "a"\nrules = [{{ label = "b", when = "dall > {i}" }}]\n'
        for i in range(ns)
    )


def test_absent_optional_fields_cost_little() -> None:
    rs = rules.loads(_wide(480, 480))
    result = rs.evaluate({"x": [1.0, 2.0]})
    assert _cpu(lambda: rs.evaluate({"x": [1.0, 2.0]})) < 0.5  # 2 to 3 s before
    assert len(result.skipped) == 480  # every segmentation, with what it lacks
    assert result.skipped["s7"] == tuple(f"o{i}" for i in range(480))
