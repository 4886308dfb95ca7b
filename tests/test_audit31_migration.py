"""Audit 31 (migration tracking, API round 2).

- A ``MultiIndex`` of customer ids with a missing part (``("south",
  None)``, as ``groupby([...], dropna=False)`` keeps it) passed the check
  for missing ids, and pandas paired it with the other period's
  ``("south", None)``: two unknown customers counted as one who stayed.
- A ``MultiIndex`` whose customer level was integers in one period and
  whole floats in the other (one read from Parquet) was refused as "ids of
  different kinds", and the fix given (``after.index.astype(int)``) raised
  a pandas ``TypeError`` on a MultiIndex. Integers past 2**53 beside floats
  were told as "different kinds" too, where the cause is precision.
- An ordered Categorical whose names were in decomposed Unicode was
  re-sorted by name once composed, losing its declared order.
- A Polars DataFrame or an Arrow Table with ``column=`` was read whole and
  refused as "must be one-dimensional"; a dict of columns holding
  ``customer_id`` paired its label column by position.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, transition_matrix

FEW = settings(max_examples=30, deadline=None)

MI = pd.MultiIndex.from_arrays


@st.composite
def pairs(draw: st.DrawFn) -> list[tuple[str, int]]:
    """Distinct (region, customer number) ids."""
    return draw(
        st.lists(
            st.tuples(st.sampled_from(["north", "south", "east"]), st.integers(0, 40)),
            min_size=2,
            max_size=12,
            unique=True,
        )
    )


def _expected_counts(before: dict, after: dict) -> dict[tuple[str, str], int]:
    """(class before, class after) -> customers, by a plain dict merge."""
    out: dict[tuple[str, str], int] = {}
    for key in before.keys() | after.keys():
        pair = (before.get(key, "(new)"), after.get(key, "(gone)"))
        out[pair] = out.get(pair, 0) + 1
    return out


def _counts(tm) -> dict[tuple[str, str], int]:
    long = tm.to_pandas(zeros=False)
    return {
        (str(b), str(a)): int(n)
        for b, a, n in long.iloc[:, :3].itertuples(index=False, name=None)
    }


# --------------------------------------------------------------------------
# 1. a tuple with a missing part names no customer


class TestMissingPartOfTuple:
    def test_worked_example(self) -> None:
        """The report's case: (south, None) in both periods is refused."""
        jan = pd.Series(
            ["gold", "silver"],
            index=MI(
                [["north", "south"], ["c1", None]], names=["region", "customer_id"]
            ),
        )
        feb = pd.Series(
            ["silver", "gold"],
            index=MI(
                [["south", "north"], [None, "c1"]], names=["region", "customer_id"]
            ),
        )
        with pytest.raises(InputError, match=r"^'before' has missing customer ids"):
            transition_matrix(jan, feb)

    @FEW
    @given(
        st.data(),
        st.sampled_from([None, np.nan, pd.NA]),
        st.sampled_from(["before", "after", "both"]),
        st.sampled_from([0, 1]),
        st.booleans(),
    )
    def test_refused_wherever_the_part_is_missing(
        self, data, gap, where: str, level: int, as_tuples: bool
    ) -> None:
        """Any missing part, in any level, of either side's tuples (a
        MultiIndex or an Index of tuples), in any row, is refused with the
        side named; the inputs are untouched."""
        ids = data.draw(pairs())
        labels = data.draw(
            st.lists(st.sampled_from("ab"), min_size=len(ids), max_size=len(ids))
        )

        def side(missing: bool) -> pd.Series:
            rows = [list(t) for t in ids]
            if missing:
                rows[data.draw(st.integers(0, len(rows) - 1))][level] = gap
            tuples = [tuple(r) for r in rows]
            order = data.draw(st.permutations(range(len(tuples))))
            tuples = [tuples[i] for i in order]
            if as_tuples:
                index = pd.Index(tuples, tupleize_cols=False)
            else:
                index = pd.MultiIndex.from_tuples(tuples)
            return pd.Series([labels[i] for i in order], index=index)

        before = side(where in ("before", "both"))
        after = side(where in ("after", "both"))
        kept = before.copy(), after.copy()
        field = "after" if where == "after" else "before"
        with pytest.raises(InputError, match=rf"^'{field}' has missing customer ids"):
            transition_matrix(before, after)
        pd.testing.assert_series_equal(before, kept[0])
        pd.testing.assert_series_equal(after, kept[1])
        # the rows of known customers alone pair as a plain merge does
        known = [
            ~np.asarray([any(pd.isna(p) for p in t) for t in x.index]) for x in kept
        ]
        b, a = before[known[0]], after[known[1]]
        tm = transition_matrix(
            b.set_axis(pd.MultiIndex.from_tuples(list(b.index))),
            a.set_axis(pd.MultiIndex.from_tuples(list(a.index))),
        )
        assert _counts(tm) == _expected_counts(dict(b.items()), dict(a.items()))


# --------------------------------------------------------------------------
# 2. MultiIndex levels pair integers with whole floats; fixes that run


def _suggested(message: str) -> tuple[str, str]:
    """The side and the statement of the fix a message suggests."""
    found = re.search(
        r"\b(before|after)\.index = (\1\.index\.(?:astype\(\w+\)|set_levels\("
        r"\1\.index\.levels\[\d+\]\.astype\(\w+\), level=\d+\)))",
        message,
    )
    assert found is not None, message
    return found.group(1), found.group(2)


class TestLevelsByValue:
    def test_worked_example(self) -> None:
        """The report's case: the customer level read from a Parquet double."""
        jan = pd.Series(["a", "b"], index=MI([["north", "south"], [1, 2]]))
        feb = pd.Series(["a", "b"], index=MI([["north", "south"], [1.0, 2.0]]))
        tm = transition_matrix(jan, feb)
        assert (tm.n_both, tm.stayed) == (2, 1.0)

    @FEW
    @given(st.data(), st.sampled_from(["before", "after"]), st.booleans())
    def test_integer_level_meets_float_level(
        self, data, float_side: str, half: bool
    ) -> None:
        """A level of integers meets the same level as floats, whole or
        beside a float that is not whole, as flat ids do, in any order."""
        ids = data.draw(pairs())
        b = {k: data.draw(st.sampled_from("xy")) for k in ids}
        a_keys = data.draw(st.permutations(ids))[: data.draw(st.integers(1, len(ids)))]
        a = {k: data.draw(st.sampled_from("xy")) for k in a_keys}
        sides = {"before": b, "after": a}
        if half:  # a customer of one period whose id is no whole number
            sides[float_side][("west", 0.5)] = "x"

        def series(d: dict, floats: bool) -> pd.Series:
            regions = [r for r, _ in d]
            numbers = [float(n) if floats else n for _, n in d]
            return pd.Series(list(d.values()), index=MI([regions, numbers]))

        tm = transition_matrix(
            series(b, float_side == "before"), series(a, float_side == "after")
        )
        assert _counts(tm) == _expected_counts(b, a)

    @FEW
    @given(
        st.sampled_from(["before", "after"]),
        st.booleans(),
        st.booleans(),
        st.lists(st.integers(0, 10**6), min_size=1, max_size=6, unique=True),
    )
    def test_the_fix_given_runs(
        self, text_side: str, multi: bool, digits: bool, ids
    ) -> None:
        """Integers beside text, flat or as one level: the fix the message
        suggests is a statement that runs, and afterwards the periods pair."""
        texts = [str(n) if digits else f"c{n}" for n in ids]

        def index(values: list) -> pd.Index:
            if multi:
                return MI(
                    [["r"] * len(values), values], names=["region", "customer_id"]
                )
            return pd.Index(values)

        ns = {
            "before": pd.Series(["a"] * len(ids), index=index(ids)),
            "after": pd.Series(["a"] * len(ids), index=index(ids)),
        }
        ns[text_side] = pd.Series(["a"] * len(ids), index=index(texts))
        with pytest.raises(InputError, match="ids of different kinds") as caught:
            transition_matrix(ns["before"], ns["after"])
        side, statement = _suggested(str(caught.value))
        ns[side].index = eval(statement, {}, ns)  # the fix, as written
        tm = transition_matrix(ns["before"], ns["after"])
        assert tm.n_both == (len(ids) if digits else 0)

    @FEW
    @given(
        # ids apart as floats too (2**53 + 1 and 2**53 + 2 are one float: two
        # customers of one id on the float side, refused as repeated)
        st.lists(
            st.integers(2**53 + 1, 2**62), min_size=1, max_size=5, unique_by=float
        ),
        st.booleans(),
        st.booleans(),
    )
    def test_past_2_53_is_told_as_precision(
        self, big, multi: bool, floats_first: bool
    ) -> None:
        """Integers past 2**53 beside floats that are not all whole numbers
        below 2**53: an error about precision, naming the float side."""
        ints = [*big, 3]
        floats = [float(n) for n in big] + [3.5]

        def series(values: list) -> pd.Series:
            index = MI([["r"] * len(values), values]) if multi else pd.Index(values)
            return pd.Series(["a"] * len(values), index=index)

        pair = (
            (series(floats), series(ints))
            if floats_first
            else (series(ints), series(floats))
        )
        field = "before" if floats_first else "after"
        with pytest.raises(InputError, match=rf"^'{field}' holds floats") as caught:
            transition_matrix(*pair)
        message = str(caught.value)
        assert "2**53" in message and "1 is not '1'" not in message
        assert "astype(int)" not in message

    def test_levels_of_other_numbers(self) -> None:
        """Two MultiIndex of 2 and 3 levels: said so, not 'kinds'."""
        jan = pd.Series(["a"], index=MI([["n"], [1], ["x"]]))
        feb = pd.Series(["a"], index=MI([["n"], [1]]))
        with pytest.raises(InputError, match=r"tuples of 2 levels .* tuples of 3"):
            transition_matrix(jan, feb)


# --------------------------------------------------------------------------
# 3. a declared order survives Unicode composition

_LETTERS = ["a", "e", "o", "z", "\u00e9", "\u00e8", "\u00f1", "\u00fc", "\u00c5"]


class TestDeclaredOrderComposed:
    def test_worked_example(self) -> None:
        """The report's case: an ordered scale written decomposed."""
        order = ["Ne\u0301o", "Nouveau", "Ve\u0301te\u0301ran"]
        jan = pd.Categorical(order, categories=order, ordered=True)
        assert transition_matrix(jan, jan).before == (
            "N\u00e9o",
            "Nouveau",
            "V\u00e9t\u00e9ran",
        )

    @FEW
    @given(
        st.lists(
            st.text(st.sampled_from(_LETTERS), min_size=1, max_size=3),
            min_size=2,
            max_size=6,
            unique=True,
        ),
        st.booleans(),
        st.booleans(),
        st.data(),
    )
    def test_categorical_order_kept_plain_sorted(
        self, names, ordered: bool, nfd_sorted: bool, data
    ) -> None:
        """A Categorical (ordered or not) keeps its declared order whatever
        the Unicode form of its names, also an order that is sorted in the
        decomposed form only (``e\u0301`` < ``o`` < ``\u00e9``); a plain
        array's names sort as the composed text does; the counts do not
        depend on the form."""
        names = [unicodedata.normalize("NFC", n) for n in [*names, "\u00e9", "o"]]
        names = list(dict.fromkeys(names))
        if nfd_sorted:  # the scale the report's case had
            order = sorted(names, key=lambda n: unicodedata.normalize("NFD", n))
        else:
            order = data.draw(st.permutations(names))
        rows = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=10))
        nfd = [unicodedata.normalize("NFD", n) for n in order]
        decomposed = pd.Categorical(
            [unicodedata.normalize("NFD", r) for r in rows],
            categories=nfd,
            ordered=ordered,
        )
        composed = pd.Categorical(rows, categories=order, ordered=ordered)
        tm_d = transition_matrix(decomposed, decomposed)
        tm_c = transition_matrix(composed, composed)
        assert tm_d.before == tm_d.after == tuple(order) == tm_c.before
        np.testing.assert_array_equal(tm_d.matrix, tm_c.matrix)
        plain = [unicodedata.normalize("NFD", r) for r in rows]
        assert transition_matrix(plain, plain).before == tuple(sorted(set(rows)))


# --------------------------------------------------------------------------
# 4. frames that are not pandas


def _frames() -> dict[str, pd.DataFrame]:
    jan = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "tier": ["a", "b", "b"]})
    feb = pd.DataFrame({"customer_id": ["c2", "c1", "c9"], "tier": ["b", "a", "a"]})
    return {"before": jan, "after": feb}


class TestOtherFrames:
    def test_worked_example(self) -> None:
        """The report's case: two Polars frames with column=."""
        pl = pytest.importorskip("polars")
        pytest.importorskip("pyarrow")
        jan = pl.DataFrame({"customer_id": ["c1", "c2"], "tier": ["a", "b"]})
        feb = pl.DataFrame({"customer_id": ["c2", "c1"], "tier": ["b", "a"]})
        with pytest.raises(
            InputError, match=r"^'before' is a polars DataFrame.*to_pandas"
        ):
            transition_matrix(jan, feb, column="tier")
        assert (
            transition_matrix(jan.to_pandas(), feb.to_pandas(), column="tier").stayed
            == 1.0
        )

    @settings(max_examples=20, deadline=None)
    @given(
        st.sampled_from(["polars", "arrow", "batch", "dict"]),
        st.sampled_from(["before", "after"]),
        st.sampled_from([None, "tier"]),
    )
    def test_refused_with_a_fix_that_pairs_by_id(
        self, kind: str, field: str, column
    ) -> None:
        """A Polars DataFrame, an Arrow Table or RecordBatch, or a dict of
        columns holding customer_id, on either side, with or without
        column=: an error naming that side whose fix pairs by id."""
        frames = _frames()
        frame = frames[field]
        if kind == "polars":
            pl = pytest.importorskip("polars")
            pytest.importorskip("pyarrow")
            other = pl.from_pandas(frame)
        elif kind in ("arrow", "batch"):
            pa = pytest.importorskip("pyarrow")
            table = pa.Table.from_pandas(frame, preserve_index=False)
            other = table if kind == "arrow" else table.to_batches()[0]
        else:
            other = frame.to_dict(orient="list")
        fix = r"pd\.DataFrame" if kind == "dict" else r"to_pandas\(\)"
        given_frames = {**frames, field: other}
        with pytest.raises(InputError, match=rf"^'{field}' is a .*{fix}"):
            transition_matrix(
                given_frames["before"], given_frames["after"], column=column
            )
        fixed = pd.DataFrame(other) if kind == "dict" else other.to_pandas()
        tm = transition_matrix(**{**frames, field: fixed}, column=column)
        assert _counts(tm) == {
            ("a", "a"): 1,
            ("b", "b"): 1,
            ("b", "(gone)"): 1,
            ("(new)", "a"): 1,
        }
