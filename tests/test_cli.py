"""Tests for the ``custseg`` command line (custseg.cli.main)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import needs_pyarrow
from custseg.cli import main, report
from custseg.frame import segment_frame

CUSTSEG = Path(sys.executable).parent / "custseg"


@pytest.fixture
def tx() -> pd.DataFrame:
    """Four customers over three months; customer 4 only has a refund."""
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 3, 4, 2],
            "date": [
                "2024-01-02",
                "2024-02-10",
                "2024-01-15",
                "2024-01-20",
                "2024-02-20",
                "2024-03-01",
                "2024-02-01",
                "2024-03-10",
            ],
            "amount": [50.0, 20.0, 300.0, 10.0, 15.0, 12.5, -8.0, 40.0],
        }
    )


@pytest.fixture
def tx_csv(tmp_path: Path, tx: pd.DataFrame) -> Path:
    path = tmp_path / "tx.csv"
    tx.to_csv(path, index=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(status: int, err: str, *needles: str) -> None:
    assert status == 2
    assert err.startswith("custseg: error: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


class TestDemo:
    def test_report_sections(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The demo prints the lifecycle, ABC, RFM grid and Pareto sections."""
        out_path = tmp_path / "demo.csv"
        status, out, err = run(
            capsys, "demo", "--customers", "300", "--seed", "3", "--output", out_path
        )
        assert status == 0
        assert err == ""
        assert "Simulated store: 300 customers, seed 3" in out
        assert "300 customers," in out
        for section in (
            "lifecycle    customers   share  revenue share",
            "abc class",
            "RFM: customers by R (rows, 5 = most recent) and F (columns)",
            "R\\F ",
            "\nM   ",
            "Pareto: ",
            "Gini ",
        ):
            assert section in out, section
        for stage in ("active", "silent", "sleeping", "lost"):
            assert f"\n{stage} " in out
        assert f"written to {out_path}" in out

    def test_csv_has_one_row_per_customer(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The demo CSV has one row per simulated customer."""
        out_path = tmp_path / "demo.csv"
        status, _, _ = run(capsys, "demo", "--customers", "250", "--output", out_path)
        assert status == 0
        seg = pd.read_csv(out_path)
        assert len(seg) == 250
        assert seg["customer_id"].is_unique
        assert sorted(seg["customer_id"]) == list(range(250))
        assert {"r", "f", "m", "rfm", "lifecycle", "abc"} <= set(seg.columns)

    def test_same_seed_same_report(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The demo is deterministic for a seed."""
        a = run(
            capsys,
            "demo",
            "--customers",
            "120",
            "--seed",
            "5",
            "--output",
            tmp_path / "a.csv",
        )
        b = run(
            capsys,
            "demo",
            "--customers",
            "120",
            "--seed",
            "5",
            "--output",
            tmp_path / "b.csv",
        )
        assert a[1].replace("a.csv", "X") == b[1].replace("b.csv", "X")
        assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()

    @needs_pyarrow
    def test_parquet_output(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """--output .parquet writes a Parquet file."""
        out_path = tmp_path / "demo.parquet"
        status, _, _ = run(capsys, "demo", "--customers", "100", "--output", out_path)
        assert status == 0
        assert len(pd.read_parquet(out_path)) == 100

    @pytest.mark.parametrize("n", ["0", "-5", "many"])
    def test_bad_customer_count(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, n: str
    ) -> None:
        """A customer count that is not a whole number >= 1 is a usage error, exit 2."""
        with pytest.raises(SystemExit) as info:
            main(["demo", "--customers", n, "--output", str(tmp_path / "x.csv")])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert "--customers" in err
        assert "Traceback" not in err
        assert not (tmp_path / "x.csv").exists()


class TestSegment:
    def test_csv(self, capsys: pytest.CaptureFixture[str], tx_csv: Path) -> None:
        """segment on a CSV prints the report for its customers."""
        status, out, err = run(capsys, "segment", tx_csv)
        assert status == 0
        assert err == ""
        assert out.startswith("4 customers, 8 transactions, as of 2024-03-11\n")
        assert "no_purchase" in out
        assert "written to" not in out

    def test_report_matches_segment_frame(
        self, capsys: pytest.CaptureFixture[str], tx: pd.DataFrame, tx_csv: Path
    ) -> None:
        """The printed report is report(segment_frame(data))."""
        _, out, _ = run(capsys, "segment", tx_csv)
        assert out.rstrip("\n") == report(segment_frame(tx))

    @needs_pyarrow
    def test_parquet_input(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """Parquet input with real datetime values gives the same report as CSV."""
        path = tmp_path / "tx.parquet"
        tx.assign(date=pd.to_datetime(tx["date"])).to_parquet(path, index=False)
        csv = tmp_path / "tx.csv"
        tx.to_csv(csv, index=False)
        status, out, _ = run(capsys, "segment", path)
        assert status == 0
        assert out == run(capsys, "segment", csv)[1]

    def test_custom_columns(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """--customer/--date/--amount name the columns."""
        path = tmp_path / "renamed.csv"
        tx.rename(
            columns={"customer_id": "client", "date": "day", "amount": "paid"}
        ).to_csv(path, index=False)
        out_path = tmp_path / "seg.csv"
        status, out, _ = run(
            capsys,
            "segment",
            path,
            "--customer",
            "client",
            "--date",
            "day",
            "--amount",
            "paid",
            "--output",
            out_path,
        )
        assert status == 0
        assert out.startswith("4 customers, 8 transactions")
        seg = pd.read_csv(out_path)
        assert seg["customer_id"].tolist() == [1, 2, 3, 4]

    def test_as_of(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """--as-of sets the reference day for recency."""
        out_path = tmp_path / "seg.csv"
        status, out, _ = run(
            capsys, "segment", tx_csv, "--as-of", "2024-12-31", "--output", out_path
        )
        assert status == 0
        assert "as of 2024-12-31" in out
        seg = pd.read_csv(out_path).set_index("customer_id")
        assert seg.loc[2, "recency_days"] == 296.0  # 2024-03-10 -> 2024-12-31
        assert seg.loc[2, "lifecycle"] == "lost"

    def test_after_as_of_raises(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path
    ) -> None:
        """Transactions after --as-of are a one-line error naming the first row."""
        status, out, err = run(capsys, "segment", tx_csv, "--as-of", "2024-02-15")
        assert out == ""
        assert_one_line_error(
            status, err, "after as_of", "first at row 4", "3 rows affected"
        )

    def test_after_as_of_drop(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """--after-as-of drop drops later rows and says how many."""
        out_path = tmp_path / "seg.csv"
        status, out, err = run(
            capsys,
            "segment",
            tx_csv,
            "--as-of",
            "2024-02-15",
            "--after-as-of",
            "drop",
            "--output",
            out_path,
        )
        assert status == 0
        assert err == ""
        assert "5 transactions, as of 2024-02-15 (3 later transactions dropped)" in out
        seg = pd.read_csv(out_path).set_index("customer_id")
        assert seg.loc[3, "frequency"] == 1
        assert seg.loc[2, "monetary"] == 300.0

    def test_bad_after_as_of_choice(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path
    ) -> None:
        """An invalid --after-as-of value is an argparse usage error (exit 2)."""
        with pytest.raises(SystemExit) as info:
            main(["segment", str(tx_csv), "--after-as-of", "keep"])
        assert info.value.code == 2
        assert "invalid choice" in capsys.readouterr().err

    @pytest.mark.parametrize(
        "suffix", [".csv", pytest.param(".parquet", marks=needs_pyarrow)]
    )
    def test_output_round_trip(
        self,
        capsys: pytest.CaptureFixture[str],
        tx: pd.DataFrame,
        tx_csv: Path,
        tmp_path: Path,
        suffix: str,
    ) -> None:
        """--output .csv / .parquet holds segment_frame's result, one row per customer."""
        out_path = tmp_path / f"seg{suffix}"
        status, out, _ = run(capsys, "segment", tx_csv, "--output", out_path)
        assert status == 0
        assert f"Per-customer results (4 rows) written to {out_path}" in out
        expected = segment_frame(tx)
        back = pd.read_csv(out_path) if suffix == ".csv" else pd.read_parquet(out_path)
        assert back["customer_id"].tolist() == expected["customer_id"].tolist()
        for col in ("frequency", "r", "f", "m", "rfm"):
            assert back[col].tolist() == expected[col].tolist(), col
        np.testing.assert_allclose(back["monetary"], expected["monetary"])
        assert (
            back["lifecycle"].astype(str).tolist()
            == expected["lifecycle"].astype(str).tolist()
        )
        assert back["abc"].astype(str).tolist() == expected["abc"].astype(str).tolist()
        if suffix == ".parquet":
            pd.testing.assert_frame_equal(back, expected)


class TestSegmentErrors:
    def test_missing_file(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A missing input file is a one-line error naming it."""
        status, out, err = run(capsys, "segment", tmp_path / "nope.csv")
        assert out == ""
        assert_one_line_error(status, err, "nope.csv", "does not exist")

    @pytest.mark.parametrize("name", ["tx.xlsx", "tx.txt", "tx"])
    def test_unknown_extension(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
    ) -> None:
        """An unknown input extension is a one-line error."""
        path = tmp_path / name
        path.write_text("customer_id,date,amount\n1,2024-01-01,5\n")
        status, out, err = run(capsys, "segment", path)
        assert out == ""
        assert_one_line_error(status, err, name, "unknown file type")

    def test_unknown_output_extension(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """An unknown --output extension is a one-line error and writes nothing."""
        status, _, err = run(
            capsys, "segment", tx_csv, "--output", tmp_path / "seg.xlsx"
        )
        assert_one_line_error(status, err, "seg.xlsx", "unknown file type")
        assert not (tmp_path / "seg.xlsx").exists()

    @pytest.mark.parametrize(
        ("flag", "column"),
        [("--customer", "client"), ("--date", "when"), ("--amount", "paid")],
    )
    def test_missing_column(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, flag: str, column: str
    ) -> None:
        """A missing column is named, with the flag that fixes it."""
        status, out, err = run(capsys, "segment", tx_csv, flag, column)
        assert out == ""
        assert_one_line_error(
            status, err, f"'{column}' is not a column", f"{flag} COLUMN"
        )

    def test_missing_default_column(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """A file without the default column names says which flag to use."""
        path = tmp_path / "tx.csv"
        tx.rename(columns={"customer_id": "client"}).to_csv(path, index=False)
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(
            status, err, "'customer_id' is not a column", "--customer", "'client'"
        )

    def test_unparseable_dates(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """Unparseable dates name the first bad value and row."""
        path = tmp_path / "tx.csv"
        dates = tx["date"].tolist()
        dates[3], dates[6] = "20/01/2024", "later"
        tx.assign(date=dates).to_csv(path, index=False)
        status, out, err = run(capsys, "segment", path)
        assert out == ""
        assert_one_line_error(
            status, err, "'date'", "'20/01/2024'", "first at row 3", "2 rows affected"
        )

    def test_mixed_utc_offsets(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """Text dates with different UTC offsets are segmented or refused with a
        one-line error, never a traceback."""
        path = tmp_path / "tx.csv"
        dates = [f"{d}T10:00:00+08:00" for d in tx["date"]]
        dates[2] = "2024-01-15T10:00:00+01:00"
        tx.assign(date=dates).to_csv(path, index=False)
        status, out, err = run(capsys, "segment", path)
        if status == 0:
            assert out.startswith("4 customers, 8 transactions")
        else:
            assert_one_line_error(status, err, "'date'")

    def test_nan_amounts(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """An empty amount cell is a one-line error naming the row."""
        path = tmp_path / "tx.csv"
        tx.assign(amount=tx["amount"].where(tx.index != 5)).to_csv(path, index=False)
        status, out, err = run(capsys, "segment", path)
        assert out == ""
        assert_one_line_error(
            status, err, "'amount'", "missing values", "first at row 5"
        )

    def test_text_amounts(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, tx: pd.DataFrame
    ) -> None:
        """A non-numeric amount is a one-line error naming the value."""
        path = tmp_path / "tx.csv"
        amounts = tx["amount"].astype(str).tolist()
        amounts[2] = "12,50"
        tx.assign(amount=amounts).to_csv(path, index=False)
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(status, err, "'amount'", "'12,50'", "first at row 2")

    def test_bad_as_of(self, capsys: pytest.CaptureFixture[str], tx_csv: Path) -> None:
        """An --as-of that is not a date is a one-line error."""
        status, _, err = run(capsys, "segment", tx_csv, "--as-of", "tomorrow")
        assert_one_line_error(status, err, "'as_of'", "'tomorrow'")

    @needs_pyarrow
    def test_corrupt_parquet(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A corrupt Parquet file is a one-line error."""
        path = tmp_path / "tx.parquet"
        path.write_bytes(b"PAR1 not really")
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(status, err, "cannot be read as parquet")

    def test_empty_csv(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A CSV with a header and no rows is a one-line error."""
        path = tmp_path / "tx.csv"
        path.write_text("customer_id,date,amount\n")
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(status, err)


class TestSubprocess:
    def test_bad_file_exit_status(self, tmp_path: Path) -> None:
        """The installed custseg script exits 2 with a one-line error, no traceback."""
        assert CUSTSEG.exists(), CUSTSEG
        path = tmp_path / "tx.csv"
        path.write_text("customer_id,date,amount\n1,not-a-date,5\n")
        proc = subprocess.run(
            [str(CUSTSEG), "segment", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 2
        assert proc.stdout == ""
        assert proc.stderr.startswith(
            "custseg: error: 'date' has values that are not dates"
        )
        assert proc.stderr.count("\n") == 1
        assert "Traceback" not in proc.stderr

    def test_version(self) -> None:
        """custseg --version prints the version and exits 0."""
        proc = subprocess.run(
            [str(CUSTSEG), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0
        assert proc.stdout.startswith("custseg ")


class TestDocumentedDemo:
    def test_getting_started_shows_the_real_demo_output(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The report quoted in docs/getting-started.md is what `custseg demo` prints."""
        page = Path(__file__).resolve().parents[1] / "docs" / "getting-started.md"
        text = page.read_text(encoding="utf-8")
        start = text.index("```text\nSimulated store:") + len("```text\n")
        quoted = text[start : text.index("```", start)].rstrip("\n")
        monkeypatch.chdir(tmp_path)
        assert main(["demo"]) == 0
        printed = capsys.readouterr().out.rstrip("\n")
        assert printed.startswith(quoted.split("\n\nPer-customer")[0])
