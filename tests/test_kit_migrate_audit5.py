"""Audit 5 (resources #7, #10): the testing kit's size parameters are bounded
up front, and ``custseg migrate`` costs what its customers make, not what
the classes could make."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import testing, transition_matrix
from custseg.cli import main
from custseg.errors import ThresholdError

FAST = settings(max_examples=25, deadline=None)


# --------------------------------------------------------------------------
# 7. testing-kit bounds


def _rules(n: int) -> object:
    """Rules of *n* number fields, each may be missing."""
    from custseg import rules

    fields = "\n".join(
        f'x{i} = {{ type = "number", min = 0, max = 9, missing = true }}'
        for i in range(n)
    )
    return rules.loads(
        f'format = 1\nname = "t"\n[fields]\n{fields}\n[tables.band]\n'
        'field = "x0"\nbreaks = [5]\nlabels = ["low", "high"]\nmissing = "unknown"\n'
    )


#: (strategy, its row bound)
_ROW_BOUNDED = [
    (lambda lo, hi: testing.customer_facts(min_rows=lo, max_rows=hi), 250),
    (lambda lo, hi: testing.scores(min_rows=lo, max_rows=hi), 500),
    (lambda lo, hi: testing.fields_for("ecommerce", min_rows=0, max_rows=hi), 1000),
]


class TestKitBounds:
    @FAST
    @given(st.sampled_from(range(len(_ROW_BOUNDED))), st.integers(1, 10**12))
    def test_rows_past_the_bound_refused_up_front(self, k: int, extra: int) -> None:
        """Any max_rows past a strategy's bound is a ThresholdError naming
        the parameter and the largest accepted value."""
        make, most = _ROW_BOUNDED[k]
        with pytest.raises(ThresholdError, match=rf"'max_rows' .*{most:,d}\]"):
            make(0, most + extra)

    @FAST
    @given(st.sampled_from(range(2)), st.integers(1, 10**12))
    def test_min_rows_past_the_bound(self, k: int, extra: int) -> None:
        make, most = _ROW_BOUNDED[k]
        with pytest.raises(ThresholdError, match=rf"'min_rows' .*{most:,d}\]"):
            make(most + extra, most + extra)

    @pytest.mark.parametrize(
        ("make", "size"),
        [
            (lambda: testing.customer_facts(min_rows=250, max_rows=250), 250),
            (lambda: testing.scores(min_rows=500, max_rows=500), 500),
            (
                lambda: testing.transactions(
                    min_customers=350, max_customers=350, max_rows=350
                ),
                350,
            ),
        ],
    )
    def test_rows_at_the_bound_generate(self, make: object, size: int) -> None:
        """The largest accepted sizes give examples of that size, with
        hypothesis' health checks on."""
        got: list[int] = []

        @settings(max_examples=2, deadline=None, database=None)
        @given(make())  # type: ignore[operator]
        def run(frame: pd.DataFrame) -> None:
            got.append(len(frame))

        run()
        assert got == [size, size]

    @FAST
    @given(st.integers(1, 40), st.integers(1, 10**9))
    def test_fields_for_min_rows_by_the_fields(self, n: int, extra: int) -> None:
        """fields_for's min_rows times the fields is at most 600 values."""
        rs = _rules(n)
        most = 600 // n
        testing.fields_for(rs, min_rows=most, max_rows=most)
        with pytest.raises(ThresholdError, match=rf"'min_rows' .*{most:,d}\].*{n} "):
            testing.fields_for(
                rs, min_rows=most + 1 + extra % (1000 - most), max_rows=1000
            )

    @pytest.mark.parametrize("n", [1, 40])
    def test_fields_for_cells_at_the_bound_generate(self, n: int) -> None:
        """min_rows at the bound generates with hypothesis' health checks on."""
        rs = _rules(n)
        most = 600 // n

        @settings(max_examples=1, deadline=None, database=None)
        @given(testing.fields_for(rs, min_rows=most, max_rows=most))
        def run(data: dict[str, list[object]]) -> None:
            assert len(data["x0"]) == most

        run()

    def test_fields_for_rows_at_the_bound(self) -> None:
        got: list[int] = []

        @settings(max_examples=2, deadline=None, database=None)
        @given(testing.fields_for("ecommerce", min_rows=46, max_rows=46))
        def run(data: dict[str, list[object]]) -> None:
            got.append(len(data["monetary"]))

        run()
        assert got == [46, 46]

    @FAST
    @given(st.integers(1, 10**12))
    def test_transactions_rows(self, extra: int) -> None:
        for kwargs in (
            {"max_rows": 350 + extra},
            {"min_customers": 350 + extra, "max_customers": 350 + extra},
        ):
            with pytest.raises(ThresholdError, match=r"in \[1, 350\]"):
                testing.transactions(**kwargs)  # type: ignore[arg-type]

    @FAST
    @given(
        st.dates(min_value=pd.Timestamp("1900-01-01").date()),
        st.integers(1, 10**15),
    )
    def test_transactions_days_keep_dates(self, start: object, extra: int) -> None:
        """The last day start + days - 1 is at most 9999-12-31: one more day
        is refused, naming the largest accepted."""
        first = np.datetime64(start, "D")
        most = int((np.datetime64("9999-12-31") - first).astype(np.int64)) + 1
        with pytest.raises(ThresholdError, match=rf"'days' .*{most:,d}\]"):
            testing.transactions(start=str(first), days=most + extra)
        testing.transactions(start=str(first), days=most)

    def test_transactions_last_day(self) -> None:
        """Dates past pandas' nanoseconds (2262) are drawn, up to 9999-12-31."""
        seen: list[pd.Timestamp] = []

        @settings(max_examples=20, deadline=None, database=None)
        @given(testing.transactions(start="9999-12-30", days=2))
        def run(tx: pd.DataFrame) -> None:
            seen.extend(tx.date)

        run()
        assert min(seen) >= pd.Timestamp("9999-12-30")
        assert max(seen) <= pd.Timestamp("9999-12-31")
        with pytest.raises(ThresholdError, match="'days'"):
            testing.transactions(start="9999-12-30", days=3)

    @FAST
    @given(st.integers(1, 10**12))
    def test_assert_reachable_rows(self, extra: int) -> None:
        """rows times the rules' fields is at most 20,000,000 values."""
        most = 20_000_000 // 13  # the presets' 13 fields
        with pytest.raises(ThresholdError, match=rf"'rows' .*{most:,d}\]"):
            testing.assert_reachable("ecommerce", rows=most + extra)

    def test_assert_reachable_seed(self) -> None:
        with pytest.raises(ThresholdError, match="'seed'"):
            testing.assert_reachable("ecommerce", rows=10, seed=-1)


# --------------------------------------------------------------------------
# 10. migrate with many classes


class TestToPandasZeros:
    @FAST
    @given(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=40),
        st.booleans(),
    )
    def test_nonzero_is_every_pair_without_zeros(
        self, pairs: list[tuple[int, int]], keyed: bool
    ) -> None:
        """to_pandas(zeros=False) is to_pandas() without its zero rows, in
        the same order, with the same columns and types."""
        b = [f"c{x}" for x, _ in pairs]
        a = [f"c{y}" for _, y in pairs]
        if keyed:  # some customers gone and new
            tm = transition_matrix(
                pd.Series(b, index=range(len(b))),
                pd.Series(a, index=range(1, len(a) + 1)),
            )
        else:
            tm = transition_matrix(b, a)
        full = tm.to_pandas()
        assert len(full) == tm.matrix.size
        some = tm.to_pandas(zeros=False)
        want = full[full.customers > 0].reset_index(drop=True)
        pd.testing.assert_frame_equal(some, want)
        assert some.customers.sum() == tm.n
        assert len(some) <= len(pairs) + 1

    def test_zeros_checked(self) -> None:
        with pytest.raises(ThresholdError, match="'zeros'"):
            transition_matrix(["a"], ["b"]).to_pandas(zeros="no")  # type: ignore[arg-type]


def _files(tmp_path, n: int, k: int, seed: int = 0) -> tuple[str, str]:
    rng = np.random.default_rng(seed)
    paths = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.csv"
        pd.DataFrame(
            {"customer_id": np.arange(n), "seg": rng.integers(0, k, n).astype(str)}
        ).to_csv(path, index=False)
        paths.append(str(path))
    return paths[0], paths[1]


class TestMigrateManyClasses:
    def test_output_lists_pairs_customers_made(self, tmp_path, capsys) -> None:
        """--output lists only the pairs some customer made; every customer
        counted once; the text shows 12 rows."""
        a, b = _files(tmp_path, 9000, 3000)
        out = tmp_path / "moves.csv"
        assert main(["migrate", a, b, "--column", "seg", "--output", str(out)]) == 0
        table = pd.read_csv(out, dtype={"before": str, "after": str})
        assert list(table.columns) == [
            "column",
            "before",
            "after",
            "customers",
            "share",
        ]
        assert (table.customers > 0).all()
        assert table.customers.sum() == 9000
        assert len(table) <= 9000
        assert "seg: 9,000 customers" in capsys.readouterr().out

    @settings(max_examples=10, deadline=None)
    @given(st.integers(1, 30), st.integers(1, 6), st.integers(0, 2**32))
    def test_output_equals_the_matrix(self, n: int, k: int, seed: int) -> None:
        """The written table is the matrix's non-zero cells, for any files."""
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as d:
            a, b = _files(Path(d), n, k, seed)
            out = Path(d) / "m.csv"
            import contextlib
            import io

            with contextlib.redirect_stdout(io.StringIO()):
                assert (
                    main(["migrate", a, b, "--column", "seg", "--output", str(out)])
                    == 0
                )
            table = pd.read_csv(out, dtype={"before": str, "after": str})
            x = pd.read_csv(a, dtype=str).set_index("customer_id")["seg"]
            y = pd.read_csv(b, dtype=str).set_index("customer_id")["seg"]
            want = transition_matrix(x.astype("category"), y.astype("category"))
            long = want.to_pandas()
            long = long[long.customers > 0]
            assert table.customers.tolist() == long.customers.tolist()
            assert table.before.tolist() == long.before.astype(str).tolist()
            assert table.after.tolist() == long.after.astype(str).tolist()
