"""Audit 30, round 2 (the fixes of audit 30 probed again): a rules file's
playbook alias that is another label's translated name; chart names cut
inside a code point by wrapping; frame columns named like the engine
rules' temporaries; the Python wording of a bad ``sep=``."""

from __future__ import annotations

import re
import warnings

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

import custseg
from custseg import _display, rules
from custseg.errors import InputError, RulesError
from test_audit27 import _INTS  # i > j, both integer fields

# -- a playbook alias never takes over another label's translated name ------

_PRESET = "ecommerce"
_ZH = {
    name: table.translations["zh"]
    for name, table in rules.loads(f'extends = "{_PRESET}"').tables.items()
    if "zh" in table.translations
}
_PAIRS = [
    (name, label, other)
    for name, names in _ZH.items()
    for label in names
    for other in names
    if label != other
]


def _playbook_file(name: str, label: str, alias: str) -> str:
    return (
        f'extends = "{_PRESET}"\n'
        f"[playbook.{name}.{label}]\n"
        'action = "Call"\n'
        'channel = "phone"\n'
        "priority = 1\n"
        f'aliases = ["{alias}"]\n'
    )


@settings(max_examples=30, deadline=None)
@given(pair=st.sampled_from(_PAIRS))
def test_alias_of_another_labels_translation_refused(
    pair: tuple[str, str, str],
) -> None:
    """Giving *label* the Chinese name of *other* is refused at the alias
    (a ``lang="zh"`` run would give *other*'s customers *label*'s action);
    *label*'s own Chinese name is accepted and finds its action."""
    name, label, other = pair
    with pytest.raises(RulesError) as info:
        rules.loads(_playbook_file(name, label, _ZH[name][other]))
    text = str(info.value)
    assert ":6:1: error[bad-value]" in text
    assert f"the name of {other!r} in a translated run" in text
    own = rules.loads(_playbook_file(name, label, _ZH[name][label]))
    assert own.playbook(name).action_for(_ZH[name][label]).action == "Call"
    assert own.playbook(name).action_for(_ZH[name][other]).action != "Call"


def test_alias_hijack_worked_example() -> None:
    """The reported file: 沉默期 (silent, in Chinese) given to sleeping."""
    with pytest.raises(RulesError, match="'沉默期' is the name of 'silent'"):
        rules.loads(_playbook_file("lifecycle", "sleeping", "沉默期"))


# -- wrapped chart names never cut a code point in two -----------------------

pytest.importorskip("matplotlib")
from custseg import plot  # noqa: E402

#: a line ending in half a code point: an odd run of backslashes, then "u"
#: (or "U") and fewer hex digits than the code point has
_HALF = re.compile(r"(?<!\\)(?:\\\\)*\\(?:u[0-9a-fA-F]{0,3}|U[0-9a-fA-F]{0,7})$")


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(
        st.sampled_from(["a", "b", "u", "0", "\\", " ", "\u202e", "\t", "\u200b"]),
        min_size=1,
        max_size=160,
    ),
    width=st.sampled_from([60.0, 130.0, 260.0]),
)
def test_wrapping_keeps_code_points_whole(name: str, width: float) -> None:
    """Every line of a wrapped name as drawn ends between two of its
    characters or code points (``\\u202e``), never inside one."""
    shown = _display.shown_name(name, surrogates=True)
    for line in plot._wrap(shown, width).split("\n"):
        assert not _HALF.search(line.removesuffix("…")), (shown, line)


def test_wrapping_worked_example() -> None:
    shown = plot._shown(["a" * 38 + "\u202e" + "b" * 50])[0]
    lines = plot._wrap(shown).split("\n")
    assert any("\\u202e" in line for line in lines)
    assert not any(_HALF.search(line) for line in lines)


# -- columns named like the engine rules' temporaries ------------------------

_RULES = """
format = 1
[fields]
monetary = { type = "number", missing = true }
[segments.big]
default = "lo"
rules = [{label = "hi", when = "monetary > mean(monetary)"}]
"""


@settings(max_examples=12, deadline=None)
@given(
    engine=st.sampled_from(["polars", "pyarrow", "duckdb", "pandas"]),
    name=st.sampled_from(
        ["__custseg_1_r_mean_monetary__n", "__custseg_0_n_monetary", "__CUSTSEG_x"]
    ),
)
def test_reserved_prefix_refused(engine: str, name: str) -> None:
    """A frame column named with the temporaries' prefix is an InputError
    naming it, on every engine (Polars labelled every row ``hi`` by the
    user's values, PyArrow raised narwhals' DuplicateError)."""
    pytest.importorskip("narwhals")
    pytest.importorskip(engine)
    from engine_labels import in_engine

    df = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "monetary": [1.0, 2.0, 10.0], name: 100.0}
    )
    with pytest.raises(InputError) as info:
        in_engine(rules.loads(_RULES), df, engine)
    assert info.value.field == name
    assert "'__custseg_'" in str(info.value)


# -- a bad sep= in Python is told in Python's terms --------------------------


@settings(max_examples=10, deadline=None)
@given(sep=st.sampled_from(["", ";;", "a", "7", "\n", '"']))
def test_bad_sep_named_as_python_argument(tmp_path_factory, sep: str) -> None:
    path = tmp_path_factory.mktemp("sep") / "tx.csv"
    path.write_text("customer_id;date;amount\na;2024-01-01;5\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError) as info:
            custseg.segment(path, sep=sep, as_of="2024-02-01")
    assert info.value.field == "sep"
    assert "e.g. sep=';' or sep='tab'" in str(info.value)


# -- pytest started in a subfolder is a run of that folder, not of the suite --


@pytest.mark.parametrize("testpaths", [None, '["tests"]', '["tests", "rules"]'])
@pytest.mark.parametrize("flags", [[], ["-W", "error"]])
def test_plugin_run_from_a_subfolder_warns_nothing(
    tmp_path, testpaths: str | None, flags: list[str]
) -> None:
    """``cd tests && pytest`` collects that folder only (pytest reads
    ``testpaths`` from the root folder alone): the plugin warned that the
    rules' examples "did not run ... add their folder to testpaths" (under
    ``-W error``: no test ran, exit 3). From the root, the whole-run
    warning still comes when ``testpaths`` leaves the rules out."""
    from test_pytest_plugin import RULES, _pytest

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "shop.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        "def test_x():\n    pass\n", encoding="utf-8"
    )
    paths = f"testpaths = {testpaths}\n" if testpaths else ""
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.pytest.ini_options]\n{paths}custseg_rules = ["rules/*.toml"]\n',
        encoding="utf-8",
    )
    inside = _pytest(tmp_path / "tests", *flags)
    assert inside.returncode == 0, inside.stdout + inside.stderr
    assert "1 passed" in inside.stdout
    assert "custseg_rules pattern" not in inside.stdout + inside.stderr
    if testpaths == '["tests"]' and not flags:
        whole = _pytest(tmp_path)
        assert "matches only files pytest did not collect" in whole.stdout


# -- a class's revenue per order is its own, whatever another class holds -----


@settings(max_examples=40, deadline=None)
@given(
    cents=st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=6),
    orders=st.lists(st.integers(1, 7), min_size=6, max_size=6),
    other=st.sampled_from([1 / 3, 2**0.5, 450359962738.0, 1e17, 0.1]),
)
def test_avg_order_value_of_a_class_is_its_own(
    cents: list[int], orders: list[int], other: float
) -> None:
    """``avg_order_value`` of a class of decimals is its exact total over its
    orders, rounded once, as alone, beside a class holding ``1/3`` or sums
    past 2**52 at the column's scale (it was the column's rounded revenue
    over the orders: 0.09999999999999999 for 0.1 + 0.2 over 3 orders)."""
    from fractions import Fraction

    from custseg.segments import segment_summary

    n = len(cents)
    money = [c / 100 for c in cents]
    mine = {
        "recency_days": [1.0] * n,
        "frequency": orders[:n],
        "monetary": money,
    }
    both = {
        "recency_days": [*mine["recency_days"], 2.0],
        "frequency": [*mine["frequency"], 1],
        "monetary": [*money, other],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = segment_summary(["x"] * n, mine).loc["x", "avg_order_value"]
        beside = segment_summary(["x"] * n + ["y"], both).loc["x", "avg_order_value"]
    exact = Fraction(sum(cents), 100 * sum(orders[:n]))
    assert alone == beside == float(exact)


def test_avg_order_value_worked_example() -> None:
    from custseg.segments import segment_summary

    facts = {
        "recency_days": [1.0, 2.0, 3.0],
        "frequency": [1, 2, 1],
        "monetary": [0.1, 0.2, 1 / 3],
    }
    t = segment_summary(["x", "x", "y"], facts)
    assert t.loc["x", ["revenue", "avg_order_value", "monetary_mean"]].tolist() == [
        0.3,
        0.1,
        0.15,
    ]


# -- integer fields at the ends of int64 -------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    i=st.one_of(
        st.integers(2**63 - 1100, 2**63 + 1100),
        st.integers(-(2**63) - 1100, -(2**63) + 1100),
    ),
    form=st.sampled_from(["list", "object", "series"]),
)
def test_integer_fields_at_the_ends_of_int64(i: int, form: str) -> None:
    """A value past int64 that float64 rounds onto ±2**63 (-2**63 - 1) is
    refused, and one within that rounds onto 2**63 (2**63 - 1) is compared
    exactly (this round's exact comparisons had let -2**63 - 1 through and
    refused 2**63 - 1 in an object column)."""
    import numpy as np

    rs = rules.loads(_INTS, path="ints.toml")
    j = i - 1 if i > -(2**63) else i

    def column(x: int) -> object:
        if form == "list":
            return [x]
        arr = np.empty(1, dtype=object)
        arr[0] = x
        return arr if form == "object" else pd.Series(arr, dtype=object)

    if not -(2**63) <= i <= 2**63 - 1:
        with pytest.raises(
            InputError, match=r"'i' has values (beyond int64|above 2\*\*63)"
        ):
            rs.evaluate({"i": column(i), "j": column(0)})
        return
    got = rs.evaluate({"i": column(i), "j": column(j)})["s"].to_numpy().tolist()
    assert got == ["greater" if i > j else "not greater"]
