"""Fixes of the fourteenth audit in groups, playbook and datasets.

* P3: ``combine_tags`` checks its names for repeats in linear time (it
  searched the list once per name: 64,000 tags took 30 s and more), and its
  error names the first few repeated names and how many there are, not all
  of them.
* P4: ``tags_from_values`` with a mapping finds each key's tag by a
  name -> position table (it searched the tag names once per key), and
  refuses more than *max_tags* tags before reading any cell.
* R3: with pandas' ``future.distinguish_nan_and_na`` option on,
  ``pd.array(floats, dtype="Float64")`` keeps NaN as a value, and
  ``astype("Int64")`` made it the sentinel -9223372036854775808 (or a bare
  ValueError): the nullable columns of ``ActionPlan.to_pandas``,
  ``DueContacts.to_pandas`` and ``simulate_customers`` are masked
  explicitly, the same under either setting.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import InputError, TagMatrix, ThresholdError
from custseg.datasets import simulate_customers, simulate_transactions

# The old code took 30 s and more (CPU) for each of these sizes; the fixed
# code well under a second. CPU time of this process, not wall time, so a
# loaded machine does not fail the test.
_CPU_SECONDS = 8.0


def _cpu(call):  # type: ignore[no-untyped-def]
    start = time.process_time()
    try:
        return call(), time.process_time() - start
    except Exception as e:  # returned for the test to check
        return e, time.process_time() - start


# --------------------------------------------------------------------------
# P3: combine_tags


def _wide(prefix: str, k: int) -> TagMatrix:
    """10 customers x *k* tags: a small matrix with many names."""
    matrix = np.zeros((10, k), dtype=bool)
    matrix[np.arange(10), np.arange(10) % k] = True
    return TagMatrix(tuple(f"{prefix}{i}" for i in range(k)), matrix)


def test_combine_64000_tags_is_fast() -> None:
    """Two sources of 32,000 tags each combine in well under the old 36 s."""
    a, b = _wide("a", 32_000), _wide("b", 32_000)
    t, seconds = _cpu(lambda: custseg.combine_tags(a, b))
    assert seconds < _CPU_SECONDS, seconds
    assert isinstance(t, TagMatrix)
    assert t.names == a.names + b.names
    assert np.array_equal(t.matrix, np.hstack([a.matrix, b.matrix]))


def test_combine_64000_repeated_tags_short_message() -> None:
    """Repeating 32,000 names is refused fast, with a short message naming
    the first few and their number (it listed all of them: ~290,000
    characters)."""
    a = _wide("a", 32_000)
    err, seconds = _cpu(lambda: custseg.combine_tags(a, a))
    assert seconds < _CPU_SECONDS, seconds
    assert isinstance(err, ThresholdError)
    msg = str(err)
    assert len(msg) < 500, len(msg)
    assert "'a0'" in msg and "'a4'" in msg and "'a5'" not in msg
    assert "31,995 more" in msg
    assert "(32,000 names given more than once)" in msg


def test_group_sizes_of_rules_like_result_with_many_tags() -> None:
    """Functions that read a rules result go through the same check."""

    class Result:  # anything with a tags mapping, as RulesResult
        def __init__(self, sets):  # type: ignore[no-untyped-def]
            self.tags = sets
            self.index = None

    k = 32_000
    matrix = np.zeros((3, k), dtype=bool)
    names = tuple(f"t{i}" for i in range(k))
    res = Result({"x": (names, matrix), "y": (names, matrix)})
    sizes, seconds = _cpu(lambda: custseg.group_sizes(res))
    assert seconds < _CPU_SECONDS, seconds
    assert isinstance(sizes, dict) and len(sizes) == 2 * k
    # set "x" with tag "y.t0" and set "x.y" with tag "t0" are both "x.y.t0"
    clash = Result({"x": (("y.t0",), matrix[:, :1]), "x.y": (("t0",), matrix[:, :1])})
    with pytest.raises(ThresholdError, match=r"\['x\.y\.t0'\] repeated \(1 name "):
        custseg.group_sizes(clash)


_NAMES = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "vip", "孕妇"])


@st.composite
def _sources(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(0, 4))
    out = []
    for _ in range(draw(st.integers(1, 4))):
        names = tuple(draw(st.lists(_NAMES, min_size=1, max_size=4, unique=True)))
        bits = draw(
            st.lists(
                st.lists(st.booleans(), min_size=len(names), max_size=len(names)),
                min_size=n,
                max_size=n,
            )
        )
        matrix = np.array(bits, dtype=bool).reshape(n, len(names))
        out.append((names, matrix))
    return out


@settings(max_examples=150, deadline=None)
@given(sources=_sources(), wrap=st.booleans())
def test_combine_tags_matches_reference(sources, wrap) -> None:  # type: ignore[no-untyped-def]
    """Unique names: the sources side by side. Repeated names: a
    ThresholdError naming the first repeated name (in order of appearance),
    up to five of them, and how many names repeat."""
    args = [TagMatrix(*s) if wrap else s for s in sources]
    every = [x for names, _ in sources for x in names]
    repeated = [x for x in dict.fromkeys(every) if every.count(x) > 1]
    if not repeated:
        t = custseg.combine_tags(*args)
        assert t.names == tuple(every)
        assert np.array_equal(t.matrix, np.hstack([m for _, m in sources]))
        return
    with pytest.raises(ThresholdError) as info:
        custseg.combine_tags(*args)
    msg = str(info.value)
    assert "must be unique across sources" in msg
    assert repr(repeated[:5]) in msg
    n = len(repeated)
    assert f"({n} name{'s' if n != 1 else ''} given more than once)" in msg
    for x in repeated[5:]:
        assert repr(x) not in msg


# --------------------------------------------------------------------------
# P4: tags_from_values with a mapping


def test_mapping_of_80000_tags_refused_fast() -> None:
    """More tags than max_tags is refused at once (it took 34 s)."""
    mapping = {f"p{i}": f"t{i}" for i in range(80_000)}
    err, seconds = _cpu(lambda: custseg.tags_from_values(["p1", "p2"], mapping))
    assert seconds < _CPU_SECONDS, seconds
    assert isinstance(err, InputError)
    assert "its mapping names 80,000 tags, more than max_tags=1,000" in str(err)


def test_mapping_of_80000_tags_allowed_is_fast() -> None:
    """With max_tags=None the same mapping makes its matrix fast."""
    mapping = {f"p{i}": f"t{i}" for i in range(80_000)}
    column = [f"p{7 * i}" for i in range(100)] + [None]
    t, seconds = _cpu(lambda: custseg.tags_from_values(column, mapping, max_tags=None))
    assert seconds < _CPU_SECONDS, seconds
    assert isinstance(t, TagMatrix)
    assert t.names == tuple(mapping.values())
    rows, cols = np.nonzero(t.matrix)
    assert rows.tolist() == list(range(100))
    assert cols.tolist() == [7 * i for i in range(100)]


def test_many_keys_onto_many_tags_is_fast() -> None:
    """Many codes onto many categories (300,000 onto 30,000): keys x tags
    comparisons before (30 s and more), one look-up per key now."""
    mapping = {f"sku{i}": f"cat{i % 30_000}" for i in range(300_000)}
    column = [f"sku{i}, sku{i + 30_000}" for i in range(0, 270_000, 997)]
    t, seconds = _cpu(lambda: custseg.tags_from_values(column, mapping, max_tags=None))
    assert seconds < _CPU_SECONDS, seconds
    assert isinstance(t, TagMatrix)
    assert len(t.names) == 30_000
    assert t.matrix.sum(axis=1).tolist() == [1] * len(column)


def test_too_many_tags_refused_before_cells_are_read() -> None:
    """The max_tags refusal comes before anything about the cells: a
    column the mapping does not cover, or one mixing numbers and text."""
    mapping = {"a": "x", "b": "y", "c": "z"}
    with pytest.raises(InputError, match="its mapping names 3 tags"):
        custseg.tags_from_values(["q"], mapping, unmapped="raise", max_tags=2)
    with pytest.raises(InputError, match="its mapping names 3 tags"):
        custseg.tags_from_values([1, "a"], mapping, max_tags=2)


_KEYS = ["a", "b", "c", "d", "e"]


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(_KEYS), st.sampled_from(["T1", "T2", "T3", "T4"])),
        min_size=1,
        max_size=5,
    ),
    cells=st.lists(
        st.none()
        | st.lists(st.sampled_from([*_KEYS, "zz"]), min_size=1, max_size=3).map(
            ", ".join
        ),
        max_size=6,
    ),
    max_tags=st.none() | st.integers(0, 4),
    unmapped=st.sampled_from(["ignore", "raise"]),
)
def test_mapping_matches_reference(pairs, cells, max_tags, unmapped) -> None:  # type: ignore[no-untyped-def]
    """Tags from a mapping: the matrix of a brute-force reference, tags in
    the order of first appearance in the mapping; too many tags refused
    before anything about the cells."""
    mapping = dict(pairs)
    names = list(dict.fromkeys(mapping.values()))
    values = [[] if c is None else [x.strip() for x in c.split(",")] for c in cells]
    if max_tags is not None and len(names) > max_tags:
        with pytest.raises(InputError, match=f"its mapping names {len(names)} tags"):
            custseg.tags_from_values(
                cells, mapping, max_tags=max_tags, unmapped=unmapped
            )
        return
    if unmapped == "raise" and any(x not in mapping for v in values for x in v):
        with pytest.raises(InputError, match="does not cover"):
            custseg.tags_from_values(
                cells, mapping, max_tags=max_tags, unmapped=unmapped
            )
        return
    t = custseg.tags_from_values(cells, mapping, max_tags=max_tags, unmapped=unmapped)
    assert t.names == tuple(names)
    expected = [
        [any(mapping.get(x) == name for x in v) for name in names] for v in values
    ]
    assert t.matrix.shape == (len(cells), len(names))
    assert t.matrix.tolist() == expected


# --------------------------------------------------------------------------
# R3: nullable columns under pandas' future.distinguish_nan_and_na


def _has_option() -> bool:
    try:
        pd.get_option("future.distinguish_nan_and_na")
    except (KeyError, AttributeError):  # pandas.errors.OptionError is both
        return False
    return True


needs_option = pytest.mark.skipif(
    not _has_option(),
    reason="this pandas has no future.distinguish_nan_and_na option",
)

_NULLABLE = ("Float64", "Int64")


def _both(make):  # type: ignore[no-untyped-def]
    """The frame of *make* with the default settings and with the option on."""
    plain = make()
    with pd.option_context("future.distinguish_nan_and_na", True):
        opted = make()
    return plain, opted


def _same(
    plain: pd.DataFrame, opted: pd.DataFrame, missing: dict[str, list[bool]]
) -> None:
    """Equal frames, the nullable columns' missing cells ``<NA>`` where
    *missing* says (and no sentinel), the same in both."""
    pd.testing.assert_frame_equal(plain, opted)
    for frame in (plain, opted):
        for col, where in missing.items():
            assert str(frame[col].dtype) in _NULLABLE, col
            assert frame[col].isna().tolist() == where, col
            cells = frame[col].astype(object).tolist()
            assert all((c is pd.NA) == w for c, w in zip(cells, where, strict=True))
            known = frame[col].dropna().to_numpy(dtype=np.float64)
            assert np.isfinite(known).all() and (np.abs(known) < 1e15).all(), col


_DAYS = st.none() | st.sampled_from(
    ["2024-10-01", "2024-11-20", "2024-12-01", "2024-12-30", "2025-01-01"]
)


@needs_option
@settings(max_examples=40, deadline=None)
@given(
    last=st.lists(_DAYS, min_size=1, max_size=6),
    data=st.data(),
    with_plan=st.booleans(),
)
def test_due_contacts_frame_same_with_option(last, data, with_plan) -> None:  # type: ignore[no-untyped-def]
    """due_contacts(...).to_pandas(): days_since_contact, priority and
    points are <NA> where missing under either setting."""
    n = len(last)
    points = data.draw(
        st.lists(
            st.none() | st.sampled_from([0.0, 150.0, 2000.5]), min_size=n, max_size=n
        )
    )
    pts = [np.nan if p is None else p for p in points]
    if with_plan:
        labels = data.draw(
            st.lists(
                st.none() | st.sampled_from(["active", "lost", "zzz", "gone"]),
                min_size=n,
                max_size=n,
            )
        )
        recency = data.draw(
            st.lists(st.none() | st.sampled_from([1.0, 400.0]), min_size=n, max_size=n)
        )
        plan = custseg.actions(
            pd.Series(labels, dtype=object),
            custseg.default_playbook("lifecycle"),
            recency_days=[np.nan if r is None else r for r in recency],
        )
        cadence: object = plan
        no_priority = np.isnan(plan.priority)
    else:
        every = data.draw(
            st.lists(st.none() | st.sampled_from([1.0, 30.0]), min_size=n, max_size=n)
        )
        cadence = [np.nan if c is None else c for c in every]
        no_priority = np.ones(n, dtype=bool)

    def make() -> pd.DataFrame:
        due = custseg.due_contacts(
            pd.Series(pd.to_datetime(last)),
            cadence,
            "2025-01-01",
            points=pts,
            min_points=100,
            birthdays=["2000-01-03"] * n,
        )
        return due.to_pandas()

    plain, opted = _both(make)
    row = plain.index.to_numpy()  # the customer ids are row positions
    missing = {
        "days_since_contact": [last[i] is None for i in row],
        "priority": no_priority[row].tolist(),
        "points": [points[i] is None for i in row],
    }
    _same(plain, opted, missing)


@needs_option
@settings(max_examples=40, deadline=None)
@given(
    labels=st.lists(
        st.none() | st.sampled_from(["active", "lost", "zzz", "gone", "silent"]),
        min_size=1,
        max_size=6,
    ),
    data=st.data(),
)
def test_action_plan_frame_same_with_option(labels, data) -> None:  # type: ignore[no-untyped-def]
    """actions(...).to_pandas(): cadence_days, priority and deadline_days
    are <NA> where the plan has none, under either setting."""
    recency = data.draw(
        st.lists(
            st.none() | st.sampled_from([1.0, 100.0, 400.0]),
            min_size=len(labels),
            max_size=len(labels),
        )
    )
    plan = custseg.actions(
        pd.Series(labels, dtype=object),
        custseg.default_playbook("lifecycle"),
        recency_days=[np.nan if r is None else r for r in recency],
    )
    plain, opted = _both(plan.to_pandas)
    missing = {
        "cadence_days": np.isnan(plan.cadence_days).tolist(),
        "priority": np.isnan(plan.priority).tolist(),
        "deadline_days": np.isnan(plan.deadline_days).tolist(),
    }
    _same(plain, opted, missing)
    # the classes with no action are the ones without a priority
    uncovered = [x is None or x == "zzz" for x in labels]
    assert plain["priority"].isna().tolist() == uncovered


@needs_option
def test_reproducer_values() -> None:
    """The audit's reproducer: <NA>, never the int64 sentinel."""
    with pd.option_context("future.distinguish_nan_and_na", True):
        due = custseg.due_contacts(
            pd.Series(pd.to_datetime(["2024-12-01", None])), [30.0, 7.0], "2025-01-01"
        ).to_pandas()
        plan = custseg.actions(
            pd.Series(["active", "zzz"]), custseg.default_playbook("lifecycle")
        ).to_pandas()
    never, days = due["days_since_contact"].astype(object).tolist()
    assert never is pd.NA and days == 31
    assert due["priority"].isna().all()
    active, uncovered = plan["priority"].astype(object).tolist()
    assert active == 3 and uncovered is pd.NA
    assert plan["cadence_days"].isna().tolist() == [False, True]


@needs_option
@pytest.mark.parametrize("seed", [0, 1])
def test_simulate_customers_same_with_option(seed: int) -> None:
    """simulate_customers: the nps column is <NA> where nobody answered
    (it was a bare ValueError with the option on)."""
    tx = simulate_transactions(300, seed=seed)
    plain, opted = _both(lambda: simulate_customers(tx, seed=seed))
    answered = ~plain["satisfaction"].isna()
    _same(plain, opted, {"nps": (~answered).tolist()})
    assert plain["nps"].dropna().between(0, 10).all()
