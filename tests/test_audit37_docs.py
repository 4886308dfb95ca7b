"""Audit 37, docs as a new user reads them: what the pages say against what
the code does.

1. docs/errors.md quoted ``'amount' has integers whose sum for a customer
   may pass 2**53``; the message is ``... whose sum for 1 customer (the
   first being customer 'a') may pass 2**53, beyond which float64 sums are
   not exact``, and the one of a single amount past 2**53 was not quoted at
   all, so a reader searching the page for the error found nothing. The
   page now quotes both; the test below reads every quoted message of the
   page as a pattern and checks that the errors users get (a sample over
   every table of the page, and a property over integer amounts) are
   found there.
2. The "Optional extras" table of docs/getting-started.md left out the
   extras ``testing`` (what docs/testing.md tells users to install),
   ``bench-btyd`` and ``dev``, and the ``docs`` row named two of its four
   packages. It now names every extra of pyproject.toml and each package
   of each.
3. getting-started.md named three of the four options of ``custseg demo``
   (no ``--report``).
4. ``custseg segment --help`` (and ``report``) said ``--after-as-of`` is
   about transactions; it drops or refuses later contacts too, as
   docs/cli.md says. The help now says so.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import cli
from custseg.datasets import simulate_transactions
from custseg.errors import CustsegError

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# --------------------------------------------------------------------------
# 1. every error is found, as it reads, on docs/errors.md

#: placeholders of the page's quoted messages, and what each stands for
_PLACEHOLDERS = {
    "'FIELD'": "'[^']*'",
    "'OTHER'": "'[^']*'",
    "'COL'": "'[^']*'",
    "'PATH'": "'[^']*'",
    "'X'": "'[^']*'",
    "has N rows": r"has \d+ rows",
    "' has M": r"' has \d+",
    "...": ".*",
}


def _pattern(quoted: str) -> re.Pattern[str]:
    """A quoted message of the page as a pattern over real messages."""
    text = re.escape(quoted)
    for shown, means in _PLACEHOLDERS.items():
        text = text.replace(re.escape(shown), means)
    return re.compile(text, re.S)


def _quoted_messages() -> dict[str, list[re.Pattern[str]]]:
    """The messages errors.md quotes in the first column of its tables, by
    the error class of the section (``InputError``, ``ThresholdError``)
    they are under."""
    found: dict[str, list[re.Pattern[str]]] = {}
    section = ""
    for line in (DOCS / "errors.md").read_text("utf-8").splitlines():
        if line.startswith("## "):
            named = re.match(r"## `(\w+)` messages", line)
            section = named[1] if named else ""
        elif line.startswith("| `") and section:
            first = line.split(" | ")[0]
            found.setdefault(section, []).extend(
                _pattern(q) for q in re.findall(r"`([^`]{12,})`", first)
            )
    return found


QUOTED = _quoted_messages()


def _on_the_page(error: BaseException) -> bool:
    """*error*'s message is quoted under the section of its class."""
    patterns = QUOTED.get(type(error).__name__, [])
    return any(p.match(str(error)) for p in patterns)


def _big(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


_DAY = ["2024-01-01"]
#: calls that raise, one or more per table of errors.md
RAISING: dict[str, Callable[[], Any]] = {
    "rows": lambda: custseg.rfm_scores([1, 2], [1], [1, 2]),
    "scalar": lambda: custseg.lifecycle_stage(5),
    "2-d": lambda: custseg.lifecycle_stage(np.zeros((2, 2))),
    "boolean": lambda: custseg.lifecycle_stage([True]),
    "datetime": lambda: custseg.lifecycle_stage(np.array(_DAY, "datetime64[D]")),
    "int dates": lambda: custseg.summarize(["a"], np.array([20240101]), [1]),
    "infinite": lambda: custseg.lifecycle_stage([np.inf]),
    "NaT": lambda: custseg.summarize(["a"], np.array(["NaT"], "datetime64[D]"), [1]),
    "not dates": lambda: custseg.summarize(["a"], ["yesterday"], [1]),
    "as_of text": lambda: custseg.summarize(["a"], _DAY, [1], as_of="end of year"),
    "as_of NaT": lambda: custseg.summarize(["a"], _DAY, [1], as_of=pd.NaT),
    "missing ids": lambda: custseg.summarize(["a", None], _DAY * 2, [1, 2]),
    "negative recency": lambda: custseg.lifecycle_stage([-1]),
    "sum past 2**53": lambda: custseg.summarize(
        ["a", "a"], _DAY * 2, _big([2**52 + 1, 2**52 + 1])
    ),
    "amount past 2**53": lambda: custseg.summarize(["a"], _DAY, _big([2**53 + 1])),
    "btyd sum past 2**53": lambda: custseg.btyd_summary(
        ["a"] * 3,
        ["2024-01-01", "2024-01-02", "2024-01-03"],
        _big([2**52 + 1] * 3),
        observation_end="2024-02-01",
    ),
    "after as_of": lambda: custseg.summarize(
        ["a"], ["2024-04-01"], [1], as_of="2024-03-31"
    ),
    "YYYYMM as_of": lambda: custseg.summarize(["a"], _DAY, [1], as_of="202403"),
    "unit M": lambda: custseg.summarize(
        ["a"], np.array(["2023-12"], "datetime64[M]"), [1]
    ),
    "no positive": lambda: custseg.abc_edges([0, -1]),
    "no Lorenz": lambda: custseg.pareto_summary([0, -1]),
    "no transactions": lambda: custseg.segment(simulate_transactions(3).iloc[:0]),
    "bins": lambda: custseg.quantile_edges([1, 2, 3], bins=1),
    "cuts order": lambda: custseg.ScoreEdges((3, 2)),
    "cutoffs": lambda: custseg.AbcCutoffs(0.9, 0.8),
    "windows": lambda: custseg.LifecycleWindows((90, 60, 270)),
    "frequency": lambda: custseg.summarize(["a"], _DAY, [1], frequency="x"),
    "unit": lambda: custseg.btyd_summary(
        ["a"], _DAY, [1], observation_end="2024-02-01", unit="M"
    ),
    "refund_rate": lambda: simulate_transactions(10, refund_rate=1.0),
}


@pytest.mark.parametrize("case", sorted(RAISING))
def test_errors_page_quotes_the_message_raised(case: str) -> None:
    """The error a call raises is found on errors.md as it reads, under
    the section of its class."""
    with pytest.raises(CustsegError) as info:
        RAISING[case]()
    assert _on_the_page(info.value), str(info.value)


def test_reported_2_53_messages() -> None:
    """The finding: both integer messages, the sum's with its customer."""
    assert set(QUOTED) == {"InputError", "ThresholdError"}
    page = (DOCS / "errors.md").read_text("utf-8")
    for case in ("sum past 2**53", "amount past 2**53"):
        with pytest.raises(CustsegError) as info:
            RAISING[case]()
        head = str(info.value).split(" (first at", 1)[0].split(": scale", 1)[0]
        assert head in page, head


@settings(max_examples=30, deadline=None)
@given(
    amounts=st.lists(st.integers(0, 2**62), min_size=1, max_size=4),
    customers=st.integers(1, 3),
)
def test_integer_amounts_errors_are_on_the_page(
    amounts: list[int], customers: int
) -> None:
    """Whatever integer amounts summarize refuses, the page quotes the message."""
    ids = [f"c{i % customers}" for i in range(len(amounts))]
    try:
        custseg.summarize(ids, ["2024-01-01"] * len(amounts), _big(amounts))
    except CustsegError as err:
        assert _on_the_page(err), str(err)


# --------------------------------------------------------------------------
# 2. the extras table names every extra and its packages


def _extras_table() -> dict[str, str]:
    """Extra name -> the row's "Adds" text, from getting-started.md."""
    text = (DOCS / "getting-started.md").read_text("utf-8")
    start = text.index("| Extra | Adds | For |")
    rows: dict[str, str] = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        extras, adds = line.split(" | ")[:2]
        for name in re.findall(r"`([^`]+)`", extras):
            rows[name] = adds
    return rows


def _distribution(requirement: str) -> str:
    return re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0]


def test_install_table_names_every_extra_and_package() -> None:
    """Each extra of pyproject.toml has a row naming each of its packages."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    table = _extras_table()
    missing = {
        extra: [
            name
            for name in map(_distribution, requirements)
            if name.lower() not in table.get(extra, "").lower()
        ]
        for extra, requirements in project["optional-dependencies"].items()
    }
    assert {extra: names for extra, names in missing.items() if names} == {}


# --------------------------------------------------------------------------
# 3. the demo's options named in full


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]  # type: ignore[no-any-return]


def test_getting_started_names_every_demo_option() -> None:
    """ "The options (...)" after the demo's output are the demo's options."""
    text = (DOCS / "getting-started.md").read_text("utf-8")
    named = re.search(r"options \(([^)]*)\) are on the", text)
    assert named is not None
    real = {
        option
        for action in _subparser("demo")._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    assert set(re.findall(r"`(--[a-z-]+)", named[1])) == real


# --------------------------------------------------------------------------
# 4. --after-as-of: its help names the contacts it drops


@pytest.mark.parametrize("command", ["segment", "report"])
def test_after_as_of_help_names_the_contacts(command: str) -> None:
    """The help says what docs/cli.md says: later contacts too."""
    action = _subparser(command)._option_string_actions["--after-as-of"]
    assert "contacts" in (action.help or "")
    row = next(
        line
        for line in (DOCS / "cli.md").read_text("utf-8").splitlines()
        if line.startswith("| `--after-as-of`")
    )
    assert "contacts" in row
