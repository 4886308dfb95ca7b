"""transition_matrix and segment_history: moves between classes over time."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import custseg
from conftest import needs_pyarrow
from custseg.errors import InputError, ThresholdError
from custseg.labels import Labels
from custseg.migration import (
    SegmentHistory,
    TransitionMatrix,
    segment_history,
    transition_matrix,
)
from custseg.rfm import RfmEdges, ScoreEdges
from strategies import BASE_DAY, transactions

NAMES = ("lo", "mid", "hi")


@st.composite
def two_labellings(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Two aligned code arrays over NAMES (some classes possibly empty)."""
    n = draw(st.integers(0, 40))
    codes = hnp.arrays(np.int64, n, elements=st.integers(0, len(NAMES) - 1))
    return draw(codes), draw(codes)


@st.composite
def two_periods(draw: st.DrawFn) -> tuple[pd.Series, pd.Series]:
    """Two categorical Series indexed by customer id, overlapping partly."""
    ids_a = draw(st.lists(st.integers(0, 30), unique=True, max_size=25))
    ids_b = draw(st.lists(st.integers(0, 30), unique=True, max_size=25))
    cat = pd.CategoricalDtype(list(NAMES))

    def series(ids: list[int]) -> pd.Series:
        labels = draw(
            st.lists(st.sampled_from(NAMES), min_size=len(ids), max_size=len(ids))
        )
        return pd.Series(labels, index=pd.Index(ids, dtype=np.int64), dtype=cat)

    return series(ids_a), series(ids_b)


class TestTransitionMatrix:
    @settings(max_examples=60)
    @given(two_labellings())
    def test_positional_counts(self, case) -> None:
        """By position: each cell counts the rows with that pair; the total is n."""
        b, a = case
        tm = transition_matrix(Labels(b, NAMES), Labels(a, NAMES))
        assert tm.matrix.shape == (3, 3) and tm.new is None and tm.gone is None
        assert tm.n == len(b)
        for i in range(3):
            for j in range(3):
                assert tm.matrix[i, j] == np.count_nonzero((b == i) & (a == j))

    @settings(max_examples=60)
    @given(two_labellings())
    def test_row_shares_sum_to_one(self, case) -> None:
        """Every row with customers has shares summing to 1; empty rows are NaN."""
        b, a = case
        shares = transition_matrix(Labels(b, NAMES), Labels(a, NAMES)).shares
        for name, row in shares.iterrows():
            if np.count_nonzero(b == NAMES.index(name)):
                assert row.sum() == pytest.approx(1.0)
            else:
                assert row.isna().all()

    @settings(max_examples=40)
    @given(two_labellings(), st.randoms(use_true_random=False))
    def test_permutation_invariant(self, case, rnd) -> None:
        """Permuting the customers (both labellings alike) changes nothing."""
        b, a = case
        perm = np.arange(len(b))
        rnd.shuffle(perm)
        one = transition_matrix(Labels(b, NAMES), Labels(a, NAMES))
        two = transition_matrix(Labels(b[perm], NAMES), Labels(a[perm], NAMES))
        np.testing.assert_array_equal(one.matrix, two.matrix)

    @settings(max_examples=40)
    @given(two_labellings())
    def test_identity(self, case) -> None:
        """before == after: a diagonal matrix of the class counts; all stayed."""
        b, _ = case
        tm = transition_matrix(Labels(b, NAMES), Labels(b, NAMES))
        np.testing.assert_array_equal(tm.matrix, np.diag(np.bincount(b, minlength=3)))
        assert tm.stayed == 1.0 if len(b) else np.isnan(tm.stayed)

    @settings(max_examples=60)
    @given(two_periods(), st.randoms(use_true_random=False))
    def test_by_customer_id(self, case, rnd) -> None:
        """By id: pairs of the common customers, new and gone counted, nobody
        dropped, and the row order of either Series does not matter."""
        jan, feb = case
        perm = list(range(len(feb)))
        rnd.shuffle(perm)
        tm = transition_matrix(jan, feb.iloc[perm])
        counts = tm.counts
        assert tm.before == (*NAMES, "(new)") and tm.after == (*NAMES, "(gone)")
        assert tm.n == len(set(jan.index) | set(feb.index))
        for i in jan.index:
            col = feb[i] if i in feb.index else "(gone)"
            counts.loc[jan[i], col] -= 1
        for i in feb.index.difference(jan.index):
            counts.loc["(new)", feb[i]] -= 1
        assert (counts.to_numpy() == 0).all()
        assert counts.loc["(new)", "(gone)"] == 0

    def test_stayed_matches_names(self) -> None:
        """stayed compares class names, not positions, and ignores new/gone."""
        tm = transition_matrix(["b", "c", "c"], ["a", "b", "c"])
        assert tm.before == ("b", "c") and tm.after == ("a", "b", "c")
        assert tm.stayed == pytest.approx(1 / 3)
        jan = pd.Series(["x", "y"], index=[1, 2])
        feb = pd.Series(["x", "x"], index=[1, 3])
        assert transition_matrix(jan, feb).stayed == 1.0

    def test_missing_labels(self) -> None:
        """Missing labels are a class of their own on each side."""
        tm = transition_matrix(
            pd.Categorical(["a", None], categories=["a"]), ["a", "a"]
        )
        assert tm.before == ("a", "missing")
        assert tm.matrix.tolist() == [[1], [1]]

    def test_dataframes_and_column(self) -> None:
        """Two frames of two runs: column picks the label column, by id."""
        jan = pd.DataFrame({"tier": ["A", "B"], "x": [1, 2]}, index=["c1", "c2"])
        feb = pd.DataFrame({"tier": ["B", "B"], "x": [1, 2]}, index=["c2", "c3"])
        tm = transition_matrix(jan, feb, column="tier")
        assert tm.name == "tier"
        assert tm.counts.loc["B", "B"] == 1 and tm.counts.loc["A", "(gone)"] == 1
        with pytest.raises(InputError, match="2 columns"):
            transition_matrix(jan, feb)
        with pytest.raises(InputError, match="no column 'zz'"):
            transition_matrix(jan, feb, column="zz")

    def test_lengths_must_match(self) -> None:
        """Paired by position, labellings of different lengths are an error."""
        with pytest.raises(InputError, match="rows"):
            transition_matrix(["a", "b"], ["a"])

    def test_repeated_ids_refused(self) -> None:
        """An index with repeated ids cannot be matched: InputError."""
        jan = pd.Series(["a", "b"], index=[1, 1])
        with pytest.raises(InputError, match="repeated"):
            transition_matrix(jan, pd.Series(["a"], index=[1]))

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.sampled_from(["x", "y", "z"]), min_size=2, max_size=8).filter(
            lambda ids: len(set(ids)) < len(ids)
        ),
        st.booleans(),
        st.randoms(use_true_random=False),
    )
    def test_repeated_ids_refused_whatever_the_other_index(
        self, ids: list[str], same: bool, rnd
    ) -> None:
        """Repeated ids pair nobody for sure: refused also when both periods
        carry the very same index (once paired by position there, so the
        answer depended on the row order)."""
        before = pd.Series(rnd.choices(NAMES, k=len(ids)), index=ids)
        other = list(ids) if same else rnd.sample(ids, len(ids))
        after = pd.Series(rnd.choices(NAMES, k=len(ids)), index=other)
        with pytest.raises(InputError, match="repeated customer ids"):
            transition_matrix(before, after)

    @pytest.mark.parametrize("gap", [np.nan, None, pd.NA])
    def test_missing_ids_refused(self, gap) -> None:
        """Two customers without an id are not one person: refused, not
        paired across the periods."""
        before = pd.Series(["a", "b"], index=pd.Index(["x", gap], dtype=object))
        after = pd.Series(["b", "a"], index=pd.Index([gap, "x"], dtype=object))
        for b, a, field in (
            (before, after, "before"),
            (after.iloc[::-1], before, "before"),
        ):
            with pytest.raises(InputError, match=f"'{field}' has missing customer ids"):
                transition_matrix(b, a)
        with pytest.raises(InputError, match="'after' has missing customer ids"):
            transition_matrix(before.iloc[:1], after)

    def test_new_gone_clash(self) -> None:
        """A class named like the new row needs another name for that row."""
        jan = pd.Series(["new"], index=[1])
        with pytest.raises(ThresholdError, match="'new'"):
            transition_matrix(jan, pd.Series(["a"], index=[2]), new="new")
        tm = transition_matrix(jan, pd.Series(["gone"], index=[2]))
        assert tm.before == ("new", "(new)") and tm.after == ("gone", "(gone)")

    def test_outputs(self) -> None:
        """repr shows the count grid; to_pandas is long; text shows shares."""
        tm = transition_matrix(["a", "a", "b"], ["a", "b", "b"])
        assert isinstance(tm, TransitionMatrix)
        assert (
            repr(tm).splitlines()[0] == "TransitionMatrix(n=3 customers, stayed 66.7%)"
        )
        long = tm.to_pandas()
        assert long["customers"].sum() == 3 and len(long) == 4
        assert "50.0%" in tm.text("shares")
        assert "2 (66.7%)" not in tm._repr_html_()
        assert "1 (50.0%)" in tm._repr_html_()
        with pytest.raises(ThresholdError):
            tm.to_frame("both")  # type: ignore[arg-type]

    def test_repr_bounded(self) -> None:
        """A matrix of many classes prints a bounded number of lines."""
        names = [f"class{i}" for i in range(40)]
        tm = transition_matrix(names, names[::-1])
        assert len(repr(tm).splitlines()) <= 15


# --------------------------------------------------------------------------
# segment_history


def _cuts(draw: st.DrawFn) -> list[np.datetime64]:
    days = draw(st.lists(st.integers(-3, 63), min_size=1, max_size=4, unique=True))
    return [BASE_DAY + np.timedelta64(d, "D") for d in sorted(days)]


EDGES = RfmEdges(ScoreEdges((5, 20)), ScoreEdges((1, 2)), ScoreEdges((50, 200)))


class TestSegmentHistory:
    @settings(max_examples=60)
    @given(transactions(), st.data())
    def test_equals_summarize_per_date(self, tx, data) -> None:
        """At each date the facts equal summarize(as_of=d, after_as_of="drop")
        and the scores equal its rfm_scores on the same edges."""
        cuts = _cuts(data.draw)
        zero = data.draw(st.sampled_from(["purchase", "ignore"]))
        h = segment_history(
            tx.customer_id, tx.date, tx.amount, cuts, edges=EDGES, zero_amount=zero
        )
        assert len(h) == len(cuts)
        for k, d in enumerate(cuts):
            ref = custseg.summarize(
                tx.customer_id,
                tx.date,
                tx.amount,
                as_of=d,
                after_as_of="drop",
                zero_amount=zero,
            )
            got = h.facts[k]
            assert got.as_of == ref.as_of
            assert (got.n_rows, got.n_dropped) == (ref.n_rows, ref.n_dropped)
            np.testing.assert_array_equal(got.customer_id, ref.customer_id)
            for col in (
                "recency_days",
                "frequency",
                "first_purchase",
                "last_purchase",
                "tenure_days",
            ):
                np.testing.assert_array_equal(getattr(got, col), getattr(ref, col), col)
            # exact sums both ways: bit for bit, whatever the row order
            np.testing.assert_array_equal(got.monetary, ref.monetary)
            want = ref.rfm_scores(edges=EDGES)
            np.testing.assert_array_equal(h.scores[k].code, want.code)

    @settings(max_examples=40)
    @given(transactions(), st.data())
    def test_date_ordered_sums_exact(self, tx, data) -> None:
        """Transactions in date order: monetary equals summarize's exactly."""
        tx = tx.sort_values("date", kind="stable")
        cuts = _cuts(data.draw)
        h = segment_history(tx.customer_id, tx.date, tx.amount, cuts, edges=EDGES)
        for k, d in enumerate(cuts):
            ref = custseg.summarize(
                tx.customer_id, tx.date, tx.amount, as_of=d, after_as_of="drop"
            )
            np.testing.assert_array_equal(h.facts[k].monetary, ref.monetary)

    @settings(max_examples=30)
    @given(transactions(string_ids=False), st.data())
    def test_row_order_free(self, tx, data) -> None:
        """Shuffled transactions give the same facts and scores as sorted ones."""
        cuts = _cuts(data.draw)
        shuffled = tx.sample(frac=1, random_state=data.draw(st.integers(0, 99)))
        one = segment_history(tx.customer_id, tx.date, tx.amount, cuts, edges=EDGES)
        two = segment_history(
            shuffled.customer_id.to_numpy(),
            shuffled.date.to_numpy(),
            shuffled.amount.to_numpy(),
            cuts,
            edges=EDGES,
        )
        for a, b in zip(one.scores, two.scores, strict=True):
            # the sums are exact, so M too is the same in any row order
            np.testing.assert_array_equal(a.code, b.code)
        for a, b in zip(one.facts, two.facts, strict=True):
            np.testing.assert_array_equal(a.monetary, b.monetary)

    def test_edges_fitted_once_on_first_date(self) -> None:
        """Without edges: fitted on the first date's buyers, then frozen."""
        tx = custseg.datasets.simulate_transactions(300, seed=3)
        cuts = ["2024-03-31", "2024-06-30", "2024-12-31"]
        h = segment_history(tx.customer_id, tx.date, tx.amount, cuts, bins=4)
        first = custseg.summarize(
            tx.customer_id, tx.date, tx.amount, as_of=cuts[0], after_as_of="drop"
        )
        assert h.edges == first.rfm_scores(bins=4).edges
        assert all(s.edges == h.edges for s in h.scores)
        later = custseg.summarize(
            tx.customer_id, tx.date, tx.amount, as_of=cuts[-1], after_as_of="drop"
        )
        assert later.rfm_scores(bins=4).edges != h.edges  # refitting would move

    def test_unchanged_customers_keep_f_and_m(self) -> None:
        """Customers without new transactions keep their F and M scores."""
        tx = custseg.datasets.simulate_transactions(400, seed=5)
        cuts = ["2024-06-30", "2024-09-30"]
        h = segment_history(tx.customer_id, tx.date, tx.amount, cuts)
        a = h.to_pandas().xs(pd.Timestamp(cuts[0]))
        b = h.to_pandas().xs(pd.Timestamp(cuts[1])).reindex(a.index)
        same = (a.frequency == b.frequency) & (a.monetary == b.monetary)
        assert same.sum() > 50
        assert (a.f[same] == b.f[same]).all() and (a.m[same] == b.m[same]).all()

    def test_rules_per_date(self) -> None:
        """With rules, each date's labels equal the rules on that date's facts."""
        tx = custseg.datasets.simulate_transactions(200, seed=2)
        rs = custseg.rules.load("ecommerce")
        cuts = ["2024-06-30", "2024-12-31"]
        h = segment_history(tx.customer_id, tx.date, tx.amount, cuts, rules=rs)
        for k, d in enumerate(cuts):
            facts = custseg.summarize(
                tx.customer_id, tx.date, tx.amount, as_of=d, after_as_of="drop"
            )
            want = rs.evaluate(
                [facts, facts.rfm_scores(edges=h.edges)], aggregates=h.aggregates
            )
            assert h.labels[k].keys() == want.labels.keys()
            for name, lab in want.labels.items():
                assert h.labels[k][name] == lab
        frame = h.to_pandas()
        assert list(frame.index.names) == ["as_of", "customer_id"]
        assert isinstance(frame["rfm8"].dtype, pd.CategoricalDtype)
        assert len(frame) == sum(len(f) for f in h.facts)
        tm = h.transitions("lifecycle")
        assert tm.n == len(h.facts[-1])  # nobody leaves: customers only accrue
        assert tm.counts["(gone)"].sum() == 0

    def test_classes_and_positions(self) -> None:
        """classes() takes positions or dates; unknown ones are refused."""
        h = segment_history(
            [1, 2],
            ["2024-01-02", "2024-01-09"],
            [5.0, 6.0],
            ["2024-01-05", "2024-01-10"],
            edges=EDGES,
        )
        assert isinstance(h, SegmentHistory)
        assert h.classes("r", 1).names == ("1", "2", "3", "unknown")
        assert len(h.classes("r", "2024-01-05")) == 1
        with pytest.raises(ThresholdError, match="as_of dates"):
            h.classes("r", "2024-01-06")
        with pytest.raises(ThresholdError, match="position"):
            h.classes("r", 5)
        with pytest.raises(ThresholdError, match="'column'"):
            h.classes("rfm11", 0)
        assert "2 dates" in repr(h) and "SegmentHistory" in h._repr_html_()

    def test_bad_parameters(self) -> None:
        """Dates out of order, a rules object without evaluate, bad edges."""
        args = ([1], ["2024-01-02"], [5.0])
        with pytest.raises(ThresholdError, match="strictly increasing"):
            segment_history(*args, ["2024-02-01", "2024-01-01"])
        with pytest.raises(ThresholdError, match="at least one"):
            segment_history(*args, [])
        with pytest.raises(ThresholdError, match="evaluate"):
            segment_history(*args, ["2024-02-01"], rules="ecommerce")
        with pytest.raises(ThresholdError, match="RfmEdges"):
            segment_history(*args, ["2024-02-01"], edges=(1, 2))
        with pytest.raises(ThresholdError, match="'bins'"):
            segment_history(*args, ["2024-02-01"], bins=1)

    def test_dates_as_pandas(self) -> None:
        """as_of_dates may be a DatetimeIndex (month ends) or a single date."""
        tx = custseg.datasets.simulate_transactions(100, seed=1)
        ends = pd.date_range("2024-01-31", periods=3, freq="ME")
        h = segment_history(tx.customer_id, tx.date, tx.amount, ends)
        assert [str(d) for d in h.as_of] == ["2024-01-31", "2024-02-29", "2024-03-31"]
        one = segment_history(tx.customer_id, tx.date, tx.amount, "2024-12-31")
        assert len(one) == 1

    def test_no_buyer_at_first_date(self) -> None:
        """Edges cannot be fitted before anyone bought: a clear InputError."""
        with pytest.raises(InputError, match="no customer has bought yet"):
            segment_history([1], ["2024-01-02"], [5.0], ["2023-12-01", "2024-02-01"])

    def test_bad_transactions(self) -> None:
        """Bad transactions are refused as summarize refuses them."""
        with pytest.raises(InputError, match="'amount'"):
            segment_history([1], ["2024-01-02"], [np.nan], ["2024-02-01"])


# --------------------------------------------------------------------------
# custseg migrate


def _migrate(*argv: str) -> int:
    import argparse

    from custseg._cli_migrate import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["migrate", *argv])
    return args.func(args)


class TestMigrateCommand:
    def _files(self, tmp_path) -> tuple[str, str]:
        jan = pd.DataFrame(
            {
                "customer_id": ["007", "008", "009"],
                "monetary": [1.0, 2.0, 3.0],
                "r": [1, 2, 2],
                "tier": ["A", "B", "B"],
            }
        )
        feb = pd.DataFrame(
            {
                "customer_id": ["008", "009", "010"],
                "monetary": [1.0, 2.0, 3.0],
                "r": [2, 1, 2],
                "tier": ["A", "A", "B"],
            }
        )
        a, b = tmp_path / "jan.csv", tmp_path / "feb.csv"
        jan.to_csv(a, index=False)
        feb.to_csv(b, index=False)
        return str(a), str(b)

    def test_default_columns(self, tmp_path, capsys) -> None:
        """Without --column: every shared label column (text), not the numbers."""
        a, b = self._files(tmp_path)
        assert _migrate(a, b) == 0
        out = capsys.readouterr().out
        assert out.startswith(
            "tier: 4 customers (2 in both runs, 1 new, 1 gone); of the 2 in both, "
            "0.0% in the same class"
        )
        assert "\nr:" not in out
        assert "(new)" in out and "(gone)" in out

    def test_ids_as_text_and_output(self, tmp_path, capsys) -> None:
        """Ids keep their zeros (007 is not 7); --output writes the long table."""
        a, b = self._files(tmp_path)
        out_path = tmp_path / "moves.csv"
        assert (
            _migrate(
                a, b, "--column", "r", "--column", "tier", "--output", str(out_path)
            )
            == 0
        )
        table = pd.read_csv(out_path, dtype={"before": str, "after": str})
        assert list(table.columns) == [
            "column",
            "before",
            "after",
            "customers",
            "share",
        ]
        r = table[table.column == "r"].set_index(["before", "after"])["customers"]
        assert r[("2", "1")] == 1 and r[("1", "(gone)")] == 1 and r[("(new)", "2")] == 1
        assert table.customers.sum() == 2 * 4
        assert (
            "r: 4 customers (2 in both runs, 1 new, 1 gone); of the 2 in both, "
            "50.0% in the same class" in capsys.readouterr().out
        )

    def test_unknown_column(self, tmp_path) -> None:
        """A --column one file lacks is an InputError listing the columns."""
        a, b = self._files(tmp_path)
        with pytest.raises(InputError, match="not a column of BEFORE"):
            _migrate(a, b, "--column", "rfm8")

    def test_no_shared_label_column(self, tmp_path) -> None:
        """Files sharing no label column: say so and how to pick one."""
        a, b = tmp_path / "a.csv", tmp_path / "b.csv"
        pd.DataFrame({"id": [1], "x": ["p"]}).to_csv(a, index=False)
        pd.DataFrame({"id": [1], "y": ["q"]}).to_csv(b, index=False)
        with pytest.raises(InputError, match="no label column"):
            _migrate(str(a), str(b))

    @needs_pyarrow
    @given(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=12, unique=True))
    @settings(max_examples=25)
    def test_float_ids_meet_their_ints(self, ids: list[int]) -> None:
        """Parquet ids stored as floats (17.0) meet the same ids in a CSV (17)."""
        from custseg._cli_migrate import _read

        with tempfile.TemporaryDirectory() as d:
            a, b = Path(d) / "a.parquet", Path(d) / "b.csv"
            pd.DataFrame(
                {"id": [float(i) for i in ids], "x": ["p"] * len(ids)}
            ).to_parquet(a, index=False)
            pd.DataFrame({"id": ids, "x": ["q"] * len(ids)}).to_csv(b, index=False)
            before, after = _read(str(a)), _read(str(b))
        assert list(before.index) == list(after.index) == [str(i) for i in ids]

    @given(
        st.one_of(
            st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=8),
            st.lists(st.integers(-(2**62), 2**62), max_size=8),
            st.lists(st.text(max_size=4), max_size=8),
            st.lists(
                st.one_of(
                    st.integers(-99, 99), st.floats(-99, 99), st.text(max_size=3)
                ),
                max_size=8,
            ),
        )
    )
    @settings(max_examples=60)
    def test_id_text_equals_one_by_one(self, values: list) -> None:
        """The vectorised id text equals the definition applied to each id."""
        from custseg._cli_migrate import _id_text

        def one(x):  # as a CSV output writes a float id (1e20 in full)
            if isinstance(x, float) and x == int(x):
                return str(int(x))
            if isinstance(x, float):
                return str(np.float64(x))
            return str(x)

        index = pd.Index(values, dtype=object if not values else None)
        assert list(_id_text(index)) == [one(x) for x in index.tolist()]

    def test_missing_id_refused(self, tmp_path) -> None:
        """A row without a customer id is an error naming the row, not a class 'nan'."""
        a = tmp_path / "a.csv"
        a.write_text("id,x\n1.0,p\n,q\n", encoding="utf-8")
        with pytest.raises(
            InputError, match=r"missing customer ids .* \(first at line 3 of "
        ):
            _migrate(str(a), str(a))

    def test_repeated_ids(self, tmp_path) -> None:
        """A file with a customer twice is not a segment output."""
        a = tmp_path / "a.csv"
        pd.DataFrame({"id": [1, 1], "x": ["p", "q"]}).to_csv(a, index=False)
        with pytest.raises(InputError, match="more than once"):
            _migrate(str(a), str(a))

    def test_missing_file(self, tmp_path) -> None:
        """A missing file is the usual one-line InputError."""
        with pytest.raises(InputError, match="does not exist"):
            _migrate(str(tmp_path / "nope.csv"), str(tmp_path / "nope2.csv"))
