"""Tests for the pandas adapter custseg.frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import HAS_PYARROW, needs_pyarrow
from custseg import InputError, LifecycleWindows, ThresholdError
from custseg.frame import (
    apply_rules,
    read_table,
    segment_frame,
    summarize_frame,
    write_table,
)


@pytest.fixture
def tx() -> pd.DataFrame:
    """Three customers; customer 2 only has a refund."""
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 1],
            "date": [
                "2024-01-01",
                "2024-02-01",
                "2024-01-10",
                "2024-01-05",
                "2024-03-01",
                "2024-03-05 18:30:00",
            ],
            "amount": [10.0, 20.0, -5.0, 30.0, 40.0, -4.0],
        }
    )


class TestSummarizeFrame:
    def test_text_dates(self, tx: pd.DataFrame) -> None:
        """ISO text dates are parsed; facts per customer sorted by id."""
        out = summarize_frame(tx)
        assert out.index.tolist() == [1, 2, 3]
        assert out.index.name == "customer_id"
        assert out["frequency"].tolist() == [2, 0, 2]
        assert out["monetary"].tolist() == [26.0, -5.0, 70.0]
        # as_of is the day after the last transaction (2024-03-05)
        assert out["recency_days"].tolist()[0] == 34.0
        assert np.isnan(out["recency_days"].tolist()[1])
        assert out["recency_days"].tolist()[2] == 5.0

    def test_default_as_of_in_attrs(self, tx: pd.DataFrame) -> None:
        """attrs['as_of'] holds the day used: the day after the last row."""
        out = summarize_frame(tx)
        assert out.attrs["as_of"] == "2024-03-06"
        assert out.attrs["n_dropped"] == 0

    def test_explicit_as_of(self, tx: pd.DataFrame) -> None:
        """An explicit as_of is used for recency and reported in attrs."""
        out = summarize_frame(tx, as_of="2024-04-01")
        assert out.attrs["as_of"] == "2024-04-01"
        assert out["recency_days"].tolist()[2] == 31.0
        assert out["tenure_days"].tolist()[0] == 91.0

    def test_datetime_dates_match_text(self, tx: pd.DataFrame) -> None:
        """A datetime64 column gives the same facts as its ISO text."""
        dated = tx.assign(date=pd.to_datetime(tx["date"], format="ISO8601"))
        pd.testing.assert_frame_equal(
            summarize_frame(dated).drop(columns=["first_purchase", "last_purchase"]),
            summarize_frame(tx).drop(columns=["first_purchase", "last_purchase"]),
        )

    def test_first_and_last_purchase(self, tx: pd.DataFrame) -> None:
        """first/last purchase are timestamps of purchases; NaT without purchase."""
        out = summarize_frame(
            tx.assign(date=pd.to_datetime(tx["date"], format="ISO8601"))
        )
        assert out["first_purchase"].iloc[0] == pd.Timestamp("2024-01-01")
        assert out["last_purchase"].iloc[0] == pd.Timestamp("2024-02-01")
        assert pd.isna(out["first_purchase"].iloc[1])
        assert pd.isna(out["last_purchase"].iloc[1])

    def test_tz_aware_dates_count_in_local_time(self) -> None:
        """Tz-aware dates count on their local calendar day."""
        dates = pd.to_datetime(["2024-05-01 23:30", "2024-05-03 08:00"]).tz_localize(
            "Asia/Shanghai"
        )
        df = pd.DataFrame(
            {"customer_id": ["a", "b"], "date": dates, "amount": [1.0, 2.0]}
        )
        out = summarize_frame(df, as_of="2024-05-10")
        # 23:30 in Shanghai is 15:30 UTC on the same day: still May 1st
        assert out["recency_days"].tolist() == [9.0, 7.0]

    def test_tz_aware_text_dates(self) -> None:
        """Text dates with one UTC offset are parsed and counted in local time."""
        df = pd.DataFrame(
            {
                "customer_id": [1, 2],
                "date": ["2024-05-01T23:30:00+08:00", "2024-05-03T08:00:00+08:00"],
                "amount": [1.0, 2.0],
            }
        )
        out = summarize_frame(df, as_of="2024-05-10")
        assert out["recency_days"].tolist() == [9.0, 7.0]

    def test_mixed_offsets_local_time_or_input_error(self) -> None:
        """Text dates with different UTC offsets count in local wall time (as
        the core does) or raise InputError, never a raw pandas ValueError."""
        df = pd.DataFrame(
            {
                "customer_id": [1, 2],
                "date": ["2024-05-01T23:00:00+08:00", "2024-05-02T23:00:00-05:00"],
                "amount": [1.0, 2.0],
            }
        )
        try:
            out = summarize_frame(df, as_of="2024-05-10")
        except InputError as exc:
            assert "'date'" in str(exc)
        else:
            assert out["recency_days"].tolist() == [9.0, 8.0]

    def test_custom_columns(self, tx: pd.DataFrame) -> None:
        """Custom column names give the same facts as the defaults."""
        renamed = tx.rename(
            columns={"customer_id": "who", "date": "when", "amount": "paid"}
        )
        out = summarize_frame(renamed, customer="who", date="when", amount="paid")
        assert out.index.name == "who"
        pd.testing.assert_frame_equal(
            out.rename_axis("customer_id"), summarize_frame(tx)
        )

    def test_string_ids(self, tx: pd.DataFrame) -> None:
        """String ids are sorted and kept."""
        out = summarize_frame(
            tx.assign(customer_id=tx["customer_id"].map("c{}".format))
        )
        assert out.index.tolist() == ["c1", "c2", "c3"]

    def test_options_passed_through(self, tx: pd.DataFrame) -> None:
        """frequency='days' and after_as_of='drop' reach summarize."""
        extra = pd.concat(
            [
                tx,
                pd.DataFrame(
                    {"customer_id": [3], "date": ["2024-03-01 20:00"], "amount": [1.0]}
                ),
            ],
            ignore_index=True,
        )
        assert summarize_frame(extra)["frequency"].tolist() == [2, 0, 3]
        assert summarize_frame(extra, frequency="days")["frequency"].tolist() == [
            2,
            0,
            2,
        ]
        out = summarize_frame(tx, as_of="2024-02-15", after_as_of="drop")
        assert out.attrs["n_dropped"] == 2
        assert out.index.tolist() == [1, 2, 3]

    def test_rows_after_as_of_raise(self, tx: pd.DataFrame) -> None:
        """Transactions after as_of raise by default, naming the first row."""
        with pytest.raises(InputError, match=r"after as_of .*first at row 4"):
            summarize_frame(tx, as_of="2024-02-15")

    def test_missing_column(self, tx: pd.DataFrame) -> None:
        """A missing column is named, with the keyword and CLI flag that fix it."""
        with pytest.raises(InputError) as info:
            summarize_frame(tx, amount="paid")
        message = str(info.value)
        assert "'paid' is not a column" in message
        assert "amount=" in message
        assert "--amount" in message

    def test_not_a_dataframe(self, tx: pd.DataFrame) -> None:
        """A non-DataFrame input raises InputError."""
        with pytest.raises(InputError, match="must be a pandas DataFrame"):
            summarize_frame(tx.to_dict("list"))  # type: ignore[arg-type]

    def test_duplicate_column(self, tx: pd.DataFrame) -> None:
        """A name shared by two columns raises InputError."""
        dup = pd.concat([tx, tx[["amount"]]], axis=1)
        with pytest.raises(InputError, match="more than one column"):
            summarize_frame(dup)

    def test_bad_text_date_names_first_row(self, tx: pd.DataFrame) -> None:
        """An unparseable date names the value and the first bad row."""
        bad = tx.assign(
            date=[
                "2024-01-01",
                "2024-01-02",
                "soon",
                "2024-01-04",
                "never",
                "2024-01-05",
            ]
        )
        with pytest.raises(
            InputError, match=r"'soon' \(first at row 2, 2 rows affected\)"
        ):
            summarize_frame(bad)

    def test_numeric_dates_refused(self, tx: pd.DataFrame) -> None:
        """Numbers in the date column are refused with a hint."""
        with pytest.raises(InputError, match="holds numbers"):
            summarize_frame(tx.assign(date=range(len(tx))))

    def test_nan_amount(self, tx: pd.DataFrame) -> None:
        """A NaN amount raises InputError naming the row."""
        amounts = tx["amount"].copy()
        amounts.iloc[3] = np.nan
        with pytest.raises(InputError, match=r"'amount' contains missing .*row 3"):
            summarize_frame(tx.assign(amount=amounts))

    def test_missing_date(self, tx: pd.DataFrame) -> None:
        """An empty date raises InputError."""
        dates = tx["date"].copy()
        dates.iloc[1] = None
        with pytest.raises(InputError, match=r"'date' .*row 1"):
            summarize_frame(tx.assign(date=dates))


class TestSegmentFrame:
    def test_columns_and_dtypes(self, tx: pd.DataFrame) -> None:
        """Facts plus r, f, m, rfm, lifecycle and abc (labels are categoricals)."""
        seg = segment_frame(tx, bins=2)
        assert seg.index.name == "customer_id"
        assert list(seg.columns) == [
            "recency_days",
            "frequency",
            "monetary",
            "first_purchase",
            "last_purchase",
            "tenure_days",
            "r",
            "f",
            "m",
            "rfm",
            "lifecycle",
            "abc",
        ]
        assert isinstance(seg["lifecycle"].dtype, pd.CategoricalDtype)
        assert isinstance(seg["abc"].dtype, pd.CategoricalDtype)
        assert seg["abc"].cat.ordered
        assert list(seg["abc"].cat.categories) == ["A", "B", "C"]
        assert [str(seg[c].dtype) for c in ("r", "f", "m", "rfm")] == [
            "Int8",
            "Int8",
            "Int8",
            "Int16",
        ]

    def test_refund_only_customer_r_f_missing(self, tx: pd.DataFrame) -> None:
        """A customer with only refunds has no R or F score (<NA>, never 0)."""
        seg = segment_frame(tx, bins=2)
        assert seg.loc[2, "r"] is pd.NA
        assert seg.loc[2, "f"] is pd.NA

    def test_refund_only_customer_m_missing(self, tx: pd.DataFrame) -> None:
        """A customer with only refunds has no M score and no RFM code."""
        seg = segment_frame(tx, bins=2)
        assert seg.loc[2, "m"] is pd.NA
        assert seg.loc[2, "rfm"] is pd.NA
        assert not (seg[["r", "f", "m", "rfm"]] == 0).any().any()

    def test_refund_only_customer_does_not_move_m_edges(self) -> None:
        """Buyers' M scores are the same with or without refund-only customers."""
        base = pd.DataFrame(
            {
                "customer_id": [1, 2, 3, 4],
                "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
                "amount": [10.0, 20.0, 30.0, 40.0],
            }
        )
        refund = pd.DataFrame(
            {
                "customer_id": [8, 9],
                "date": ["2024-01-02", "2024-01-03"],
                "amount": [-50.0, -60.0],
            }
        )
        alone = segment_frame(base, bins=2)
        mixed = segment_frame(pd.concat([base, refund]), bins=2)
        assert mixed.loc[[1, 2, 3, 4], "m"].tolist() == alone["m"].tolist()

    def test_refund_only_customer_lifecycle(self, tx: pd.DataFrame) -> None:
        """A customer with only refunds is in the no_purchase stage, class C."""
        seg = segment_frame(tx, bins=2)
        assert seg.loc[2, "lifecycle"] == "no_purchase"
        assert seg.loc[2, "abc"] == "C"

    def test_buyers_get_real_scores(self, tx: pd.DataFrame) -> None:
        """Customers with purchases get scores in 1 .. bins and a stage."""
        seg = segment_frame(tx, bins=2)
        for cid in (1, 3):
            assert all(1 <= seg.loc[cid, c] <= 2 for c in ("r", "f", "m"))
            assert seg.loc[cid, "lifecycle"] == "active"
        r, f, m = (int(seg.loc[3, c]) for c in ("r", "f", "m"))
        assert seg.loc[3, "rfm"] == 100 * r + 10 * f + m

    def test_attrs(self, tx: pd.DataFrame) -> None:
        """attrs carry as_of, n_rows and n_dropped."""
        seg = segment_frame(tx, as_of="2024-03-31")
        assert {k: seg.attrs[k] for k in ("as_of", "n_rows", "n_dropped")} == {
            "as_of": "2024-03-31",
            "n_rows": 6,
            "n_dropped": 0,
        }
        seg = segment_frame(tx, as_of="2024-02-15", after_as_of="drop")
        assert {k: seg.attrs[k] for k in ("as_of", "n_rows", "n_dropped")} == {
            "as_of": "2024-02-15",
            "n_rows": 4,
            "n_dropped": 2,
        }
        # two buyers cannot fit 5 quantile scores: said, not hidden
        assert any("only 2 customers" in d for d in seg.attrs["diagnostics"])

    def test_custom_windows(self, tx: pd.DataFrame) -> None:
        """Custom lifecycle windows are applied."""
        windows = LifecycleWindows((45,), ("recent", "old"))
        seg = segment_frame(tx, as_of="2024-03-31", windows=windows)
        assert seg["lifecycle"].astype(str).to_dict() == {
            1: "old",
            2: "no_purchase",
            3: "recent",
        }

    def test_matches_summarize_frame(self, tx: pd.DataFrame) -> None:
        """The fact columns equal summarize_frame's output."""
        seg = segment_frame(tx)
        facts = summarize_frame(tx)
        pd.testing.assert_frame_equal(seg[facts.columns], facts)

    def test_simulated_store(self) -> None:
        """On a simulated store every customer gets a full score and a stage."""
        from custseg.datasets import simulate_transactions

        seg = segment_frame(simulate_transactions(500, seed=1))
        assert len(seg) == 500
        for c in ("r", "f", "m"):
            assert seg[c].between(1, 5).all()
        assert seg["lifecycle"].notna().all()
        assert set(seg["abc"].astype(str)) == {"A", "B", "C"}


class TestReadWriteTable:
    @pytest.fixture
    def seg(self, tx: pd.DataFrame) -> pd.DataFrame:
        return segment_frame(tx, bins=2)

    def test_csv_round_trip(self, tmp_path: Path, tx: pd.DataFrame) -> None:
        """A CSV written without the index reads back equal."""
        path = tmp_path / "tx.csv"
        write_table(tx, path)
        back = read_table(path)
        pd.testing.assert_frame_equal(back, tx, check_dtype=False)
        assert not path.read_text().startswith(",")

    def test_gzip_csv_round_trip(self, tmp_path: Path, tx: pd.DataFrame) -> None:
        """.csv.gz is recognised as CSV."""
        path = tmp_path / "tx.csv.gz"
        write_table(tx, path)
        pd.testing.assert_frame_equal(read_table(path), tx, check_dtype=False)

    @needs_pyarrow
    def test_parquet_round_trip(self, tmp_path: Path, seg: pd.DataFrame) -> None:
        """Parquet keeps values and dtypes, categoricals included."""
        path = tmp_path / "seg.parquet"
        write_table(seg, str(path))
        back = read_table(str(path))
        pd.testing.assert_frame_equal(back, seg.reset_index(), check_like=False)

    def test_csv_output_of_segment(self, tmp_path: Path, seg: pd.DataFrame) -> None:
        """Segment output written as CSV keeps one row per customer and values."""
        path = tmp_path / "seg.CSV"
        write_table(seg, path)
        back = read_table(path)
        assert back["customer_id"].tolist() == [1, 2, 3]
        assert (
            back["rfm"].astype("Int64").tolist() == seg["rfm"].astype("Int64").tolist()
        )
        assert back["lifecycle"].tolist() == seg["lifecycle"].astype(str).tolist()

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file raises InputError naming it."""
        with pytest.raises(InputError, match="does not exist"):
            read_table(tmp_path / "nope.csv")

    def test_directory_is_not_a_file(self, tmp_path: Path) -> None:
        """A directory with a CSV name is refused."""
        folder = tmp_path / "dir.csv"
        folder.mkdir()
        with pytest.raises(InputError, match="not a file"):
            read_table(folder)

    @pytest.mark.parametrize("name", ["tx.xlsx", "tx", "tx.json", "tx.csv.tar"])
    def test_unknown_extension(self, tmp_path: Path, name: str) -> None:
        """Reading or writing an unknown extension raises InputError."""
        path = tmp_path / name
        path.write_text("customer_id,date,amount\n")
        with pytest.raises(InputError, match="unknown file type"):
            read_table(path)
        with pytest.raises(InputError, match="unknown file type"):
            write_table(pd.DataFrame({"x": [1]}), path)

    @needs_pyarrow
    def test_corrupt_parquet(self, tmp_path: Path) -> None:
        """A file that is not Parquet raises InputError, not an arrow error."""
        path = tmp_path / "bad.parquet"
        path.write_text("customer_id,date,amount\n1,2024-01-01,3\n")
        with pytest.raises(InputError, match="cannot be read as parquet"):
            read_table(path)

    def test_empty_csv(self, tmp_path: Path) -> None:
        """An empty file raises InputError."""
        path = tmp_path / "empty.csv"
        path.write_text("")
        with pytest.raises(InputError, match="cannot be read as csv"):
            read_table(path)

    def test_binary_csv(self, tmp_path: Path) -> None:
        """Undecodable bytes raise InputError."""
        path = tmp_path / "bin.csv"
        path.write_bytes(b"\xff\xfe\x00\x01garbage")
        with pytest.raises(InputError, match="cannot be read as csv"):
            read_table(path)

    @pytest.mark.skipif(HAS_PYARROW, reason="checks the message without pyarrow")
    def test_parquet_without_pyarrow_says_what_to_install(self, tmp_path: Path) -> None:
        """Without the parquet extra, Parquet files get a one-line install hint."""
        with pytest.raises(InputError, match=r"pip install pyarrow"):
            write_table(pd.DataFrame({"x": [1]}), tmp_path / "out.parquet")

    def test_write_into_missing_folder(self, tmp_path: Path) -> None:
        """Writing into a folder that does not exist raises InputError."""
        names = ("out.csv", "out.parquet") if HAS_PYARROW else ("out.csv",)
        for name in names:
            with pytest.raises(InputError, match="cannot be written"):
                write_table(pd.DataFrame({"x": [1]}), tmp_path / "no" / name)


class TestApplyRules:
    @pytest.fixture
    def facts(self, tx: pd.DataFrame) -> pd.DataFrame:
        return segment_frame(tx, bins=2, as_of="2024-04-01")

    @pytest.mark.parametrize("column", ["r", "recency_days", "monetary"])
    def test_duplicated_field(self, facts: pd.DataFrame, column: str) -> None:
        """A field the rules need, given by two columns: InputError naming it."""
        dup = pd.concat([facts, facts[[column]]], axis=1)
        with pytest.raises(InputError, match=f"'{column}' names more than one column"):
            apply_rules(dup, "ecommerce")

    def test_duplicated_output(self, facts: pd.DataFrame) -> None:
        """An output column of the rules present twice: InputError naming it."""
        dup = pd.concat([facts, facts[["lifecycle"]]], axis=1)
        with pytest.raises(InputError, match="'lifecycle' names more than one"):
            apply_rules(dup, "ecommerce")

    def test_duplicated_other_column_is_fine(self, facts: pd.DataFrame) -> None:
        """Duplicates the rules neither read nor write are left alone."""
        extra = pd.DataFrame({"note": ["a"] * len(facts)}, index=facts.index)
        dup = pd.concat([facts, extra, extra], axis=1)
        out = apply_rules(dup, "ecommerce")
        assert list(out.columns[: len(dup.columns)]) == list(dup.columns)

    @pytest.mark.parametrize("rules", [None, 5, ["ecommerce"], b"ecommerce", 1.5])
    def test_bad_rules_argument(self, facts: pd.DataFrame, rules: object) -> None:
        """rules=None or another type: ThresholdError as for segment."""
        with pytest.raises(ThresholdError, match="'rules' must be a RuleSet"):
            apply_rules(facts, rules)  # type: ignore[arg-type]

    def test_not_a_frame(self) -> None:
        """A dict instead of a frame is an InputError naming seg."""
        with pytest.raises(InputError, match="'seg' must be a pandas DataFrame"):
            apply_rules({"r": [1]}, "ecommerce")  # type: ignore[arg-type]
