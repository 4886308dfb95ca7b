"""Audit 32: the testing kit and its pytest plugin.

1. ``assert_stable(res, res)`` failed as soon as a customer had a missing
   score (a refunds-only or records-only customer): the labels were
   compared as text, and pandas' ``str`` dtype keeps a missing value
   missing, so ``NA != NA`` counted as a move ("4: nan -> nan"). Every
   comparison of custseg.testing now takes a missing value for the same as
   a missing value, whatever dtype holds it (and a fact missing in one
   result only as changed, where ``NA == 5`` was skipped as "the same").
2. The plugin resolved every linked folder on a file's way: the examples
   of ``rules/eu/fr.toml`` (``rules/eu`` a link) ran, yet a warning said
   they did not (under ``-W error``: no test ran), and ``pytest .`` ran
   ``shared_eu/fr.toml`` too, which no pattern named.
3. The docstrings of ``fields_for``, ``assert_monotone`` and
   ``assert_reachable`` said the values behind arithmetic were products
   and quotients, for number fields.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import testing
from custseg.rules import RulesResult
from custseg.testing import assert_order_free, assert_stable, transactions

_ARROW = importlib.util.find_spec("pyarrow") is not None


def _segment(tx: pd.DataFrame, as_of: str = "2024-07-01", **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return custseg.segment(tx, preset="ecommerce", as_of=as_of, **kw)


def _apply(first: Any, tx: pd.DataFrame, as_of: str = "2024-07-01", **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return first.apply(tx, as_of=as_of, **kw)


# --------------------------------------------------------------------------
# 1. a missing value is the same as a missing value, whatever the dtype

_REPORTED = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4],
        "date": pd.to_datetime(
            ["2024-01-05", "2024-03-01", "2024-06-01", "2024-06-10"]
        ),
        "amount": [50.0, 80.0, 120.0, -20.0],  # customer 4: a refund only
    }
)


def test_the_reported_result_is_stable_against_itself() -> None:
    """The finding's example: customer 4 (a refund only) has no scores, and
    was said to have moved in 'r' from nan to nan."""
    first = _segment(_REPORTED)
    assert first.customers.loc[4, ["r", "f", "m", "rfm"]].isna().all()
    assert_stable(first, first)
    assert_stable(first, _apply(first, _REPORTED))


def test_a_missing_score_that_becomes_one_has_moved() -> None:
    """The other way round still fails: missing in one result only is a
    move, shown as None (not "nan")."""
    first = _segment(_REPORTED)
    customers = first.customers.copy()
    customers.loc[4, "r"] = 3
    with pytest.raises(
        AssertionError, match=r"'r' moved 1 customer.*e\.g\. 4: None -> 3"
    ):
        assert_stable(first, attrs.evolve(first, customers=customers))


@settings(max_examples=20, deadline=None)
@given(transactions(max_customers=6, max_rows=20))
def test_the_same_log_with_the_same_edges_is_stable(tx: pd.DataFrame) -> None:
    """The test a user writes (the finding's k2_stable_given.py): hypothesis
    failed it at once, on a customer with a refund only."""
    first = _segment(tx, as_of="2025-01-01")
    assert_stable(first, first)
    assert_stable(first, _apply(first, tx, as_of="2025-01-01"))


# the base of the dtype tests: 41 customers, one with a refund only
_BASE = _segment(
    pd.concat(
        [
            custseg.datasets.simulate_transactions(40, seed=3),
            pd.DataFrame(
                {
                    "customer_id": [10_000],
                    "date": pd.to_datetime(["2024-01-02"]),
                    "amount": [-5.0],
                }
            ),
        ],
        ignore_index=True,
    ),
    as_of="2025-01-01",
)
_N = len(_BASE.customers)


def _objects(missing: Any) -> Callable[[list[Any]], pd.Series]:
    return lambda vals: pd.Series(
        [missing if x is None else x for x in vals], dtype=object
    )


def _typed(dtype: str) -> Callable[[list[Any]], pd.Series]:
    return lambda vals: pd.Series(vals, dtype=dtype)


_DAY = pd.Timestamp("2024-03-01")
#: per family of values: its values and the dtypes that can hold them
#: (missing as NaN, None, pd.NA, NaT, an Arrow null or a categorical NaN)
_FAMILIES: dict[str, tuple[list[Any], dict[str, Callable[[list[Any]], pd.Series]]]] = {
    "numbers": (
        [0, 1, 2, 5],
        {
            "float64": _typed("float64"),
            "Float64": _typed("Float64"),
            "Int8": _typed("Int8"),
            "Int64": _typed("Int64"),
            "object None": _objects(None),
            "object NaN": _objects(float("nan")),
            "object NA": _objects(pd.NA),
            **({"int64[pyarrow]": _typed("int64[pyarrow]")} if _ARROW else {}),
        },
    ),
    "text": (
        ["Champions", "At Risk", "3", ""],
        {
            "category": _typed("category"),
            "str": _typed("str"),
            "string": _typed("string"),
            "object None": _objects(None),
            "object NaN": _objects(float("nan")),
            **({"string[pyarrow]": _typed("string[pyarrow]")} if _ARROW else {}),
        },
    ),
    "bool": (
        [False, True],
        {
            "boolean": _typed("boolean"),
            "object None": _objects(None),
            "object NA": _objects(pd.NA),
            **({"bool[pyarrow]": _typed("bool[pyarrow]")} if _ARROW else {}),
        },
    ),
    "dates": (
        [_DAY, _DAY + pd.Timedelta(days=1)],
        {
            "datetime64[ns]": _typed("datetime64[ns]"),
            "datetime64[us]": _typed("datetime64[us]"),
            "object None": _objects(None),
            "object NaT": _objects(pd.NaT),
            **(
                {"timestamp[us][pyarrow]": _typed("timestamp[us][pyarrow]")}
                if _ARROW
                else {}
            ),
        },
    ),
}


@st.composite
def _two_columns(draw: Any, size: int = _N) -> tuple[Any, ...]:
    """One column of values (some missing) as two dtypes of its family."""
    values, kinds = _FAMILIES[draw(st.sampled_from(sorted(_FAMILIES)))]
    vals = draw(
        st.lists(st.sampled_from([None, *values]), min_size=size, max_size=size)
    )
    one = draw(st.sampled_from(sorted(kinds)))
    other = draw(st.sampled_from(sorted(kinds)))
    return vals, values, kinds[one], kinds[other], (one, other)


def _with(res: Any, **columns: Any) -> Any:
    """*res* with its customers' columns replaced (by position)."""
    customers = res.customers.copy()
    for name, col in columns.items():
        customers[name] = col.set_axis(customers.index)
    return attrs.evolve(res, customers=customers)


@settings(max_examples=40, deadline=None)
@given(case=_two_columns(), data=st.data())
def test_a_label_column_of_any_dtype(case: tuple[Any, ...], data: Any) -> None:
    """The same values in two dtypes of one family, missing ones included:
    nobody moved; one value changed (or made missing, or filled): exactly
    that customer moved."""
    vals, values, one, other, _ = case
    assert_stable(_with(_BASE, r=one(vals)), _with(_BASE, r=other(vals)))
    i = data.draw(st.integers(0, _N - 1))
    new = data.draw(st.sampled_from([x for x in [None, *values] if x is not vals[i]]))
    changed = [*vals[:i], new, *vals[i + 1 :]]
    with pytest.raises(AssertionError, match=r"^'r' moved 1 customer"):
        assert_stable(_with(_BASE, r=one(vals)), _with(_BASE, r=other(changed)))


_NUMBER_KINDS = ["float64", "Float64", "object None", "object NaN"] + (
    ["double[pyarrow]"] if _ARROW else []
)


def _fact(kind: str, vals: list[Any]) -> pd.Series:
    if kind.startswith("object"):
        return _objects(None if kind == "object None" else float("nan"))(vals)
    return pd.Series(vals, dtype=kind)


@settings(max_examples=40, deadline=None)
@given(
    fact=st.sampled_from(["recency_days", "frequency", "monetary", "tenure_days"]),
    kinds=st.tuples(st.sampled_from(_NUMBER_KINDS), st.sampled_from(_NUMBER_KINDS)),
    i=st.integers(0, _N - 1),
    gone=st.sampled_from(["before", "after", "both"]),
)
def test_a_fact_missing_on_one_side_only_has_changed(
    fact: str, kinds: tuple[str, str], i: int, gone: str
) -> None:
    """A fact held as NaN, <NA>, None or an Arrow null: missing in both is
    the same fact (the label is compared), missing in one result only is a
    change (the customer is not compared; ``NA == 5`` is NA, which was
    skipped as "the same", and the customer said to have moved)."""
    vals = [None if pd.isna(x) else float(x) for x in _BASE.customers[fact]]
    if vals[i] is None:
        vals[i] = 7.0
    before, after = list(vals), list(vals)
    if gone in ("before", "both"):
        before[i] = None
    if gone in ("after", "both"):
        after[i] = None
    r = _BASE.customers["r"]
    moved = r.copy()
    moved.iloc[i] = 1 if r.iloc[i] is pd.NA or r.iloc[i] != 1 else 2
    a = _with(_BASE, **{fact: _fact(kinds[0], before)})
    b = _with(_BASE, **{fact: _fact(kinds[1], after), "r": moved})
    if gone == "both":
        with pytest.raises(AssertionError, match=r"^'r' moved 1 customer"):
            assert_stable(a, b)
    else:
        assert_stable(a, b)


def _by_callable(kind: Callable[[list[Any]], pd.Series], tags: bool) -> Any:
    """A callable as assert_order_free takes: its labels (or its one tag)
    are the column 'v' of the rows, in the dtype *kind*."""

    def evaluate(data: pd.DataFrame) -> RulesResult:
        col = kind(data["v"].tolist())
        if tags:
            matrix = np.asarray(col, dtype=object).reshape(-1, 1)
            return RulesResult(labels={}, tags={"care": (("t",), matrix)}, explain={})
        return RulesResult(labels={"x": col}, tags={}, explain={})

    return evaluate


@settings(max_examples=30, deadline=None)
@given(case=_two_columns(size=6), tags=st.booleans())
def test_order_free_compares_missing_labels_and_tags(
    case: tuple[Any, ...], tags: bool
) -> None:
    """assert_order_free on a callable whose labels (or tags) have missing
    values: a missing one moved with its row is still missing (NaN != NaN
    said the labels depended on the order; a tag of <NA> raised TypeError)."""
    vals, _, one, _, _ = case
    data = {"v": _objects(None)(vals), "w": list(range(len(vals)))}
    assert_order_free(_by_callable(one, tags), data)


def test_order_free_still_sees_a_label_that_depends_on_the_order() -> None:
    """The comparison still tells a missing label from a given one."""

    def by_position(data: pd.DataFrame) -> RulesResult:
        col = pd.Series([None] + ["a"] * (len(data) - 1), dtype="category")
        return RulesResult(labels={"x": col}, tags={}, explain={})

    with pytest.raises(AssertionError, match="depends on the order of the rows"):
        assert_order_free(by_position, {"v": [1, 2, 3]})


def test_differ_on_every_kind_of_missing() -> None:
    """The helper every comparison uses: each kind of missing value equals
    each other kind, and differs from a value."""
    gaps = [None, float("nan"), np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT")]
    a = np.empty(len(gaps) ** 2, dtype=object)
    b = np.empty(len(gaps) ** 2, dtype=object)
    a[:] = [x for x in gaps for _ in gaps]
    b[:] = [y for _ in gaps for y in gaps]
    assert not testing._differ(a, b).any()
    assert testing._differ(a, np.full(len(a), 0, dtype=object)).all()


# --------------------------------------------------------------------------
# 2. the pytest plugin: a linked folder of rules files stays where it lies

_SHOP = """format = 1
[fields]
m = { type = "number" }
[segments.s]
default = "a"
rules = [{ label = "b", when = "m > 1" }]
[[examples]]
given = { m = 2 }
expect = { s = "b" }
"""


def _pytest(where: Path, *args: str) -> tuple[int, str]:
    """pytest in *where*, with this custseg (the venv's may be another)."""
    src = str(Path(custseg.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *args],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    return done.returncode, done.stdout + done.stderr


def _project(tmp: Path, layout: str) -> tuple[Path, list[str], list[str]]:
    """A project whose rules lie behind a link; the folder to run pytest in,
    the items that must run, the extra arguments."""
    proj = tmp / "proj"
    proj.mkdir()
    (proj / "rules").mkdir()
    (proj / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ncustseg_rules = ["rules/**/*.toml"]\n'
        'testpaths = ["rules"]\n'
    )
    if layout == "linked folder":  # the finding's
        (proj / "shared_eu").mkdir()
        (proj / "shared_eu" / "fr.toml").write_text(_SHOP)
        os.symlink(Path("..") / "shared_eu", proj / "rules" / "eu")
        return proj, ["rules/eu/fr.toml::example 1"], []
    if layout == "two links deep":
        (proj / "shared_eu" / "de").mkdir(parents=True)
        (proj / "more").mkdir()
        (proj / "more" / "at.toml").write_text(_SHOP)
        os.symlink(Path("..") / ".." / "more", proj / "shared_eu" / "de" / "more")
        os.symlink(Path("..") / "shared_eu", proj / "rules" / "eu")
        return proj, ["rules/eu/de/more/at.toml::example 1"], []
    if layout == "linked testpath outside":
        (proj / "rules").rmdir()
        (tmp / "elsewhere").mkdir()
        (tmp / "elsewhere" / "shop.toml").write_text(_SHOP)
        os.symlink(tmp / "elsewhere", proj / "rules")
        return proj, ["rules/shop.toml::example 1"], []
    assert layout == "rootdir through a link"
    (proj / "rules" / "shop.toml").write_text(_SHOP)
    os.symlink(proj, tmp / "link")
    # (pytest shows an id from the rootdir's link oddly: ../link/shop.toml)
    return proj, ["shop.toml::example 1"], ["--rootdir", str(tmp / "link")]


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="links")
@pytest.mark.parametrize(
    "layout",
    [
        "linked folder",
        "two links deep",
        "linked testpath outside",
        "rootdir through a link",
    ],
)
def test_rules_behind_a_linked_folder(tmp_path: Path, layout: str) -> None:
    """The examples run where the links lie, with no warning that they did
    not (under -W error the warning was an INTERNALERROR, exit 3); ``pytest
    .`` runs only the files the pattern names (not the link's target)."""
    proj, items, extra = _project(tmp_path, layout)
    runs = [[*extra, "-W", "error"]]
    if layout in ("linked folder", "two links deep"):
        # `pytest .` ran the link's target too (inside the project here)
        runs.append([*extra, "-W", "error", "."])
    if layout == "rootdir through a link":
        # the files named from the rootdir's link, collected from its real path
        runs.append([*extra, "-W", "error", "rules"])
    for args in runs:
        code, out = _pytest(proj, *args)
        assert code == 0, out
        assert "custseg_rules pattern" not in out, out
        ran = sorted(
            line.split(" PASSED")[0] for line in out.splitlines() if " PASSED" in line
        )
        # (node ids are shown from where pytest runs: ../link/rules/... too)
        assert len(ran) == len(items), out
        assert all(x.endswith(want) for x, want in zip(ran, items, strict=True)), out


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="links")
def test_a_linked_folder_left_out_still_warns(tmp_path: Path) -> None:
    """The warning still comes where it should: a pattern naming files in a
    linked folder outside testpaths."""
    proj = tmp_path / "proj"
    (proj / "tests").mkdir(parents=True)
    (proj / "tests" / "test_x.py").write_text("def test_x():\n    pass\n")
    (proj / "shared_eu").mkdir()
    (proj / "shared_eu" / "fr.toml").write_text(_SHOP)
    (proj / "rules").mkdir()
    os.symlink(Path("..") / "shared_eu", proj / "rules" / "eu")
    (proj / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ncustseg_rules = ["rules/**/*.toml"]\n'
        'testpaths = ["tests"]\n'
    )
    code, out = _pytest(proj)
    assert code == 0, out
    assert "rules/eu/fr.toml outside the paths it collects (tests)" in out, out


# --------------------------------------------------------------------------
# 3. the docstrings name every kind of value behind arithmetic


@pytest.mark.parametrize(
    "fn",
    [testing.fields_for, testing.assert_monotone, testing.assert_reachable],
    ids=lambda f: f.__name__,
)
def test_docstrings_name_the_values_behind_arithmetic(fn: Any) -> None:
    """Sums, differences, products, quotients and one affine step, for
    number and integer fields, as the code (and docs/testing.md) has them."""
    doc = " ".join((fn.__doc__ or "").split())
    for words in (
        "sums, differences, products and quotients",
        "affine step",
        "integer",
    ):
        assert words in doc, (fn.__name__, words)


def test_the_values_behind_arithmetic_are_what_the_docstring_says() -> None:
    """The fields_for docstring's own examples: 600 for ``monetary - fee >=
    limit`` (a difference, a number field), 10 for ``2 * visits + 1 >= 21``
    (one affine step, an integer field)."""
    rs = custseg.rules.loads(
        """format = 1
[params]
fee = 100
limit = 500
[fields]
monetary = { type = "number", min = 0 }
visits = { type = "integer", min = 0 }
[segments.tier]
default = "standard"
rules = [{ label = "key", when = "monetary - fee >= limit" },
         { label = "loyal", when = "2 * visits + 1 >= 21" }]
"""
    )
    values = testing._arithmetic_values(rs)
    assert 600.0 in values["monetary"] and 10 in values["visits"]
    assert "at 600" in " ".join((testing.fields_for.__doc__ or "").split())
