"""Tests for the ``custseg`` command line (custseg.cli.main)."""

from __future__ import annotations

import contextlib
import encodings.aliases
import errno
import io
import re
import shlex
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from conftest import needs_pyarrow
from custseg import rules as rules_mod
from custseg import segment
from custseg.cli import main, report

CUSTSEG = Path(sys.executable).parent / "custseg"


@pytest.fixture(autouse=True, scope="module")
def _in_a_scratch_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """`custseg demo` writes custseg-demo.html where it runs: not in the repo."""
    with contextlib.chdir(tmp_path_factory.mktemp("cwd")):
        yield


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


def segmented(tx: pd.DataFrame, **options: object) -> pd.DataFrame:
    """custseg.segment(...).customers as the command line computes it (ids as
    text, warnings silenced, the score counts in attrs for the report)."""
    tx = tx.assign(customer_id=tx["customer_id"].astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = segment(tx, **options)  # type: ignore[arg-type]
    e = result.edges
    result.customers.attrs["rfm_bins"] = (
        e.recency.bins,
        e.frequency.bins,
        e.monetary.bins,
    )
    return result.customers


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
        assert "330 customers," in out  # 30 potential customers too
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
        """The demo CSV has one row per simulated buyer and potential customer."""
        out_path = tmp_path / "demo.csv"
        status, _, _ = run(capsys, "demo", "--customers", "250", "--output", out_path)
        assert status == 0
        seg = pd.read_csv(out_path)
        assert len(seg) == 275  # 250 buyers and 10% potential customers
        assert seg["customer_id"].is_unique
        assert sorted(seg["customer_id"]) == list(range(275))
        assert seg["present"].value_counts().to_dict() == {
            "both": 250,
            "records_only": 25,
        }
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
        assert len(pd.read_parquet(out_path)) == 110  # and 10 potential customers

    @pytest.mark.parametrize("n", ["0", "-5", "many"])
    def test_bad_customer_count(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, n: str
    ) -> None:
        """A customer count that is not a whole number >= 1 is a one-line usage
        error, exit 2."""
        status, out, err = run(
            capsys, "demo", "--customers", n, "--output", tmp_path / "x.csv"
        )
        assert out == ""
        assert_one_line_error(status, err, "--customers", "custseg demo --help")
        assert not (tmp_path / "x.csv").exists()

    @pytest.mark.parametrize("seed", ["-1", "x", "1.5"])
    def test_bad_seed(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, seed: str
    ) -> None:
        """A seed that is not a whole number >= 0 is a one-line error, exit 2."""
        status, _, err = run(
            capsys, "demo", "--seed", seed, "--output", tmp_path / "x.csv"
        )
        assert_one_line_error(status, err, "--seed")
        assert not (tmp_path / "x.csv").exists()


class TestSegment:
    def test_csv(self, capsys: pytest.CaptureFixture[str], tx_csv: Path) -> None:
        """segment on a CSV prints the report for its customers."""
        status, out, _ = run(capsys, "segment", tx_csv)
        assert status == 0
        assert out.startswith("4 customers, 8 transactions, as of 2024-03-11\n")
        assert "no_purchase" in out
        assert "written to" not in out

    def test_report_matches_segment(
        self, capsys: pytest.CaptureFixture[str], tx: pd.DataFrame, tx_csv: Path
    ) -> None:
        """The printed report is report(custseg.segment(data).customers)."""
        _, out, _ = run(capsys, "segment", tx_csv)
        assert out.rstrip("\n") == report(segmented(tx))

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
        """--customer/--date/--amount name the columns; the output's first column
        is the customer column, under its name."""
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
        assert seg.columns[0] == "client"  # the id column keeps its name
        assert seg["client"].tolist() == [1, 2, 3, 4]

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
            status, err, "after as_of", "first at line 6 of", "3 rows affected"
        )

    def test_after_as_of_drop(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """--after-as-of drop drops later rows and says how many."""
        out_path = tmp_path / "seg.csv"
        status, out, _ = run(
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
        assert "5 transactions, as of 2024-02-15 (3 later transactions dropped)" in out
        seg = pd.read_csv(out_path).set_index("customer_id")
        assert seg.loc[3, "frequency"] == 1
        assert seg.loc[2, "monetary"] == 300.0

    def test_bad_after_as_of_choice(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path
    ) -> None:
        """An invalid --after-as-of value is a one-line usage error (exit 2)."""
        status, _, err = run(capsys, "segment", tx_csv, "--after-as-of", "keep")
        assert_one_line_error(status, err, "invalid choice", "--after-as-of")

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
        """--output .csv / .parquet holds custseg.segment's result, one row per
        customer, the customer id first."""
        out_path = tmp_path / f"seg{suffix}"
        status, out, _ = run(capsys, "segment", tx_csv, "--output", out_path)
        assert status == 0
        assert f"Per-customer results (4 rows) written to {out_path}" in out
        expected = segmented(tx).reset_index()
        back = (
            pd.read_csv(out_path, dtype={"customer_id": str})
            if suffix == ".csv"
            else pd.read_parquet(out_path)
        )
        assert back.columns[0] == "customer_id"
        assert back["customer_id"].tolist() == expected["customer_id"].tolist()
        for col in ("frequency", "r", "f", "m", "rfm"):
            assert (
                back[col].astype("Int64").tolist()
                == expected[col].astype("Int64").tolist()
            ), col
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

    @pytest.mark.parametrize("name", ["tx.xlsx", "tx.json", "tx"])
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
            status,
            err,
            "'date'",
            "'20/01/2024'",
            "first at line 5 of",
            "2 rows affected",
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
            status, err, "'amount'", "is empty on some lines", "first at line 7 of"
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
        assert_one_line_error(status, err, "'amount'", "'12,50'", "first at line 4 of")

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

    def test_header_only(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A CSV with a header and no rows is a one-line error saying so."""
        path = tmp_path / "tx.csv"
        path.write_text("customer_id,date,amount\n")
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(status, err, "header line but no transactions")


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

    def test_python_dash_m(self, tmp_path: Path) -> None:
        """python -m custseg runs the same command line, with the same statuses."""
        proc = subprocess.run(
            [sys.executable, "-m", "custseg", "demo", "--seed", "-1"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=tmp_path,
        )
        assert proc.returncode == 2
        assert proc.stderr.startswith("custseg: error: argument --seed")
        assert proc.stderr.count("\n") == 1

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
        assert printed == quoted
        assert (
            (tmp_path / "custseg-demo.html")
            .read_text(encoding="utf-8")
            .startswith("<!DOCTYPE html>")
        )


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


class TestOptions:
    def test_help_shows_defaults(self, capsys: pytest.CaptureFixture[str]) -> None:
        """segment --help exits 0 and shows the column defaults and every option."""
        status, out, _ = run(capsys, "segment", "--help")
        assert status == 0
        flat = " ".join(out.split())
        for text in (
            "customer id column, read as text (default: customer_id)",
            "(default: date)",
            "(default: amount)",
            "--sep",
            "--encoding",
            "--date-format",
            "--bins",
            "--r-bins",
            "--frequency {rows,transactions,days}",
            "--zero-amount {purchase,ignore}",
            "--lang",
        ):
            assert text in flat, text

    def test_bins(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """--bins sets the number of scores; --r/f/m-bins set one dimension each."""
        data = tmp_path / "tx.csv"
        out_path = tmp_path / "seg.csv"
        status, _, _ = run(
            capsys, "demo", "--customers", "400", "--output", tmp_path / "demo.csv"
        )
        assert status == 0
        pd.read_csv(tmp_path / "demo.csv")  # the demo ran
        from custseg.datasets import simulate_transactions

        simulate_transactions(400, seed=1).to_csv(data, index=False)
        status, out, _ = run(
            capsys, "segment", data, "--bins", "3", "--output", out_path
        )
        assert status == 0
        seg = pd.read_csv(out_path)
        assert {seg[c].max() for c in ("r", "f", "m")} == {3}
        assert "R (rows, 3 = most recent)" in out
        status, out, _ = run(
            capsys,
            "segment",
            data,
            "--r-bins",
            "2",
            "--f-bins",
            "3",
            "--m-bins",
            "4",
            "--output",
            out_path,
        )
        assert status == 0
        seg = pd.read_csv(out_path)
        assert [seg[c].max() for c in ("r", "f", "m")] == [2, 3, 4]
        assert "R (rows, 2 = most recent)" in out

    @pytest.mark.parametrize("value", ["1", "100", "x", "2.5"])
    def test_bad_bins(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, value: str
    ) -> None:
        """A bin count outside [2, 99] is a one-line usage error."""
        for flag in ("--bins", "--m-bins"):
            status, _, err = run(capsys, "segment", tx_csv, flag, value)
            assert_one_line_error(status, err, flag)

    @pytest.mark.parametrize(
        ("frequency", "expected"),
        [("rows", 3), ("transactions", 3), ("days", 2)],
    )
    def test_frequency(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        frequency: str,
        expected: int,
    ) -> None:
        """--frequency rows (alias transactions) counts rows; days counts days."""
        path = write_csv(
            tmp_path / "tx.csv",
            "customer_id,date,amount\n1,2024-01-01,5\n1,2024-01-01,6\n"
            "1,2024-01-03,7\n2,2024-01-02,1\n",
        )
        out_path = tmp_path / "seg.csv"
        status, _, _ = run(
            capsys, "segment", path, "--frequency", frequency, "--output", out_path
        )
        assert status == 0
        assert pd.read_csv(out_path)["frequency"].tolist() == [expected, 1]

    @pytest.mark.parametrize(("policy", "expected"), [("purchase", 2), ("ignore", 1)])
    def test_zero_amount(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        policy: str,
        expected: int,
    ) -> None:
        """--zero-amount purchase counts a 0 amount as a purchase; ignore does not."""
        path = write_csv(
            tmp_path / "tx.csv",
            "customer_id,date,amount\n1,2024-01-01,0\n1,2024-01-03,7\n2,2024-01-02,1\n",
        )
        out_path = tmp_path / "seg.csv"
        status, _, _ = run(
            capsys, "segment", path, "--zero-amount", policy, "--output", out_path
        )
        assert status == 0
        assert pd.read_csv(out_path)["frequency"].tolist() == [expected, 1]

    def test_gbk_semicolon_file(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """--encoding gbk --sep ';' read a GBK file with ';' and Chinese ids."""
        path = write_csv(
            tmp_path / "tx.csv",
            "会员;日期;金额\n张三;2024-01-01;5\n李四;2024-01-02;7\n张三;2024-01-05;3\n",
            "gbk",
        )
        out_path = tmp_path / "seg.csv"
        status, out, _ = run(
            capsys,
            "segment",
            path,
            "--encoding",
            "gbk",
            "--sep",
            ";",
            "--customer",
            "会员",
            "--date",
            "日期",
            "--amount",
            "金额",
            "--output",
            out_path,
        )
        assert status == 0, out
        back = pd.read_csv(out_path)
        assert back.columns[0] == "会员"
        assert back["会员"].tolist() == ["张三", "李四"]

    def test_leading_zeros_and_text_ids(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Customer ids are text: 00001 stays 00001 and differs from 1."""
        path = write_csv(
            tmp_path / "tx.csv",
            "customer_id,date,amount\n00001,2024-01-01,5\n1,2024-01-02,7\n"
            "00001,2024-01-03,1\n",
        )
        out_path = tmp_path / "seg.csv"
        status, _, _ = run(capsys, "segment", path, "--output", out_path)
        assert status == 0
        lines = out_path.read_text().splitlines()
        assert [line.split(",")[0] for line in lines] == ["customer_id", "00001", "1"]

    def test_mixed_ids_past_the_chunk_size(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Numeric-looking ids for 262,144+ rows then a text id: customer 7 stays
        one customer."""
        n = 262_144 + 6
        ids = (np.arange(n) % 50_000).astype(str)
        ids[-3] = "A-7"
        frame = pd.DataFrame({"customer_id": ids, "date": "2024-01-01", "amount": 1.0})
        frame.loc[n - 1, ["customer_id", "date"]] = ["7", "2024-02-01"]
        path = tmp_path / "big.csv"
        frame.to_csv(path, index=False)
        out_path = tmp_path / "seg.csv"
        status, _, _ = run(capsys, "segment", path, "--output", out_path)
        assert status == 0
        seg = pd.read_csv(out_path, dtype={"customer_id": str}).set_index("customer_id")
        assert seg.index.is_unique
        expected = int((ids == "7").sum()) + 1
        assert seg.loc["7", "frequency"] == expected
        assert seg.loc["7", "recency_days"] == 1
        assert "A-7" in seg.index

    @pytest.mark.parametrize(
        ("dates", "options"),
        [
            (["19970101", "19970301", "19970215"], []),
            (["01/01/1997", "01/03/1997", "15/02/1997"], ["--date-format", "%d/%m/%Y"]),
            (["1997-01-01", "1997-03-01", "1997-02-15"], []),
        ],
    )
    def test_dates(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        dates: list[str],
        options: list[str],
    ) -> None:
        """YYYYMMDD numbers are 1997, not 1970; --date-format reads other formats."""
        rows = "".join(f"{i % 2},{d},5\n" for i, d in enumerate(dates))
        path = write_csv(tmp_path / "tx.csv", "customer_id,date,amount\n" + rows)
        status, out, _ = run(capsys, "segment", path, *options)
        assert status == 0
        assert out.startswith("2 customers, 3 transactions, as of 1997-03-02")

    def test_unix_seconds_refused(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Dates stored as other numbers are refused without the unit='s' hint."""
        path = write_csv(
            tmp_path / "tx.csv", "customer_id,date,amount\n1,1706659200,5\n"
        )
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(status, err, "not YYYYMMDD dates", "1706659200")
        assert "unit=" not in err

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            (
                "tx.tsv",
                "customer_id\tdate\tamount\n1\t2024-01-01\t5\n2\t2024-01-02\t6\n",
            ),
            ("tx.txt", "customer_id  date  amount\n1 2024-01-01 5\n2 2024-01-02 6\n"),
            (
                "tx.txt",
                "customer_id\tdate\tamount\n1\t2024-01-01\t5\n2\t2024-01-02\t6\n",
            ),
        ],
    )
    def test_txt_and_tsv(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str
    ) -> None:
        """.tsv files are tab-separated; .txt files are sniffed (tab or spaces)."""
        path = write_csv(tmp_path / name, text)
        status, out, _ = run(capsys, "segment", path)
        assert status == 0
        assert out.startswith("2 customers, 2 transactions")

    def test_lang(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """--lang zh gives the preset's Chinese labels."""
        out_path = tmp_path / "seg.csv"
        status, out, _ = run(
            capsys,
            "segment",
            tx_csv,
            "--preset",
            "ecommerce",
            "--lang",
            "zh",
            "--output",
            out_path,
        )
        assert status == 0
        assert "冠军客户" in out
        assert "未购买" in pd.read_csv(out_path)["lifecycle"].tolist()

    def test_unknown_lang(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """A language the rules do not carry is refused, listing those they do,
        before the data is read."""
        status, _, err = run(
            capsys,
            "segment",
            tmp_path / "absent.csv",
            "--preset",
            "ecommerce",
            "--lang",
            "fr",
        )
        assert_one_line_error(status, err, "--lang 'fr'", "available: zh")

    def test_lang_needs_rules(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path
    ) -> None:
        """--lang without --preset or --rules is a one-line error."""
        status, _, err = run(capsys, "segment", tx_csv, "--lang", "zh")
        assert_one_line_error(status, err, "--lang needs --preset or --rules")


class TestRulesErrors:
    def test_unknown_preset(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path
    ) -> None:
        """An unknown preset is one line listing the presets, before the data."""
        status, _, err = run(capsys, "segment", tx_csv, "--preset", "bogus")
        assert_one_line_error(status, err, "no preset named 'bogus'", "ecommerce")

    def test_missing_rules_file(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """A rules file that does not exist is one line naming it."""
        status, _, err = run(
            capsys, "segment", tx_csv, "--rules", tmp_path / "nope.toml"
        )
        assert_one_line_error(status, err, "nope.toml")

    def test_rules_file_with_errors(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """A rules file with one error is one line naming its place, exit 2."""
        rules = tmp_path / "bad.toml"
        rules.write_text("x = \n")
        status, out, err = run(capsys, "segment", tx_csv, "--rules", rules)
        assert out == ""
        assert_one_line_error(status, err, "bad.toml:1:5")
        assert "more problem" not in err

    @pytest.mark.parametrize(
        ("n_bad", "file"), [(2, "bad.toml"), (3, "my rules.toml"), (7, "r.toml")]
    )
    def test_many_rules_errors_are_one_line(
        self,
        capsys: pytest.CaptureFixture[str],
        tx_csv: Path,
        tmp_path: Path,
        n_bad: int,
        file: str,
    ) -> None:
        """segment --rules: the first problem on one line, how many more, and
        the command that shows them all; rules check shows every one in full."""
        rules = tmp_path / file
        bad = "\n".join(
            f'[segments.s{i}]\ndefault = "d"\nrules = [{{ label = "a", '
            f'when = "nope{i} > 1" }}]'
            for i in range(n_bad)
        )
        rules.write_text(f'format = 1\n[fields]\nr = {{ type = "number" }}\n{bad}\n')
        status, out, err = run(capsys, "segment", tx_csv, "--rules", rules)
        assert out == ""
        more = n_bad - 1
        command = f"custseg rules check {shlex.quote(str(rules))}"
        quoted = f'"{command}"' if " " in file else f"'{command}'"
        assert_one_line_error(
            status,
            err,
            f"{file}:",
            "nope0",
            f"({more} more problem{'s' * (more != 1)}; run {quoted} to see them all)",
        )
        assert "nope1" not in err
        status, out, _ = run(capsys, "rules", "check", rules)
        assert status == 1
        assert out.count("error[") == n_bad
        assert out.count("^") >= n_bad
        for i in range(n_bad):
            assert f"nope{i}" in out

    @pytest.mark.parametrize(
        "name",
        [
            "../../etc/passwd",
            "/etc/passwd",
            "secret.toml",
            "./ecommerce",
            "ecommerce.toml",
            "ECOMMERCE",
            "",
        ],
    )
    def test_preset_is_a_name_never_a_path(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tx_csv: Path,
        tmp_path: Path,
        name: str,
    ) -> None:
        """--preset takes shipped names only: a path (even of a real rules file)
        is an unknown preset, listed with the presets, and never read."""
        monkeypatch.chdir(tmp_path)
        secret = 'format = 1  # DB_PASSWORD = "hunter2"\n'
        for file in ("secret.toml", "ecommerce.toml", "ecommerce"):
            (tmp_path / file).write_text(secret + rules_mod.preset_text("ecommerce"))
        status, out, err = run(capsys, "segment", tx_csv, "--preset", name)
        assert out == ""
        assert_one_line_error(
            status, err, "no preset named", "ecommerce", "restaurant", "--rules FILE"
        )
        assert "hunter2" not in err


class TestOutputSafety:
    @pytest.mark.parametrize("spelling", ["same", "dotted", "link"])
    def test_never_over_the_input(
        self,
        capsys: pytest.CaptureFixture[str],
        tx_csv: Path,
        spelling: str,
    ) -> None:
        """--output naming the input file (however spelled) is refused; the
        input is untouched."""
        before = tx_csv.read_bytes()
        target = {
            "same": tx_csv,
            "dotted": tx_csv.parent / "." / tx_csv.name,
            "link": tx_csv.parent / "link.csv",
        }[spelling]
        if spelling == "link":
            target.symlink_to(tx_csv)
        status, out, err = run(capsys, "segment", tx_csv, "--output", target)
        assert out == ""
        assert_one_line_error(status, err, "is the input file", "--output")
        assert tx_csv.read_bytes() == before

    def test_output_checked_before_reading(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A folder that does not exist is refused before the input is read."""
        status, _, err = run(
            capsys,
            "segment",
            tmp_path / "absent.csv",
            "--output",
            tmp_path / "no" / "seg.csv",
        )
        assert_one_line_error(status, err, "seg.csv", "does not exist", "create it")

    def test_output_is_a_folder(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """A folder as --output is refused."""
        (tmp_path / "d.csv").mkdir()
        status, _, err = run(capsys, "segment", tx_csv, "--output", tmp_path / "d.csv")
        assert_one_line_error(status, err, "is a folder")

    @pytest.mark.parametrize("command", ["segment", "demo"])
    def test_full_disk(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tx_csv: Path,
        tmp_path: Path,
        command: str,
    ) -> None:
        """A full disk is a one-line error, no report, no partial file."""
        real = pd.DataFrame.to_csv

        def full_disk(self: pd.DataFrame, path: str, **kwargs: object) -> None:
            real(self.head(2), path, **kwargs)  # type: ignore[arg-type]
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
        out_path = tmp_path / "out" / "seg.csv"
        out_path.parent.mkdir()
        args = [tx_csv] if command == "segment" else ["--customers", "50"]
        status, out, err = run(capsys, command, *args, "--output", out_path)
        assert out == ""
        assert_one_line_error(status, err, "No space left on device")
        assert list(out_path.parent.iterdir()) == []

    def test_parquet_hint(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tx_csv: Path,
        tmp_path: Path,
    ) -> None:
        """Without pyarrow, Parquet output names an install that works, up front."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        status, _, err = run(
            capsys, "segment", tx_csv, "--output", tmp_path / "seg.parquet"
        )
        assert_one_line_error(status, err, "pip install pyarrow", "'.[parquet]'")

    def test_closed_pipe_keeps_the_output(self, tmp_path: Path) -> None:
        """stdout closed before the report: exit 0, no message, the file written."""
        out_path = tmp_path / "seg.csv"
        proc = subprocess.Popen(
            [str(CUSTSEG), "demo", "--customers", "500", "--output", str(out_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # like `| true`
        err = proc.stderr.read()
        proc.stderr.close()
        assert proc.wait(timeout=120) == 0
        assert err == b""
        assert (
            len(pd.read_csv(out_path)) == 550
        )  # 500 buyers and 50 potential customers

    def test_head(self, tmp_path: Path) -> None:
        """custseg ... | head -1 exits 0 with the file written and nothing on stderr."""
        out_path = tmp_path / "seg.csv"
        proc = subprocess.run(
            [
                "bash",
                "-c",
                'set -o pipefail; "$0" demo --customers 300 --output "$1" | head -1',
                str(CUSTSEG),
                str(out_path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("Simulated store: 300 customers")
        assert proc.stderr == ""
        assert (
            len(pd.read_csv(out_path)) == 330
        )  # 300 buyers and 30 potential customers


class TestInputErrors:
    @pytest.mark.parametrize(
        ("content", "options", "needles"),
        [
            (b"", [], ["the file is empty"]),
            (b"customer_id,date,amount\n", [], ["header line but no transactions"]),
            (
                b"customer_id,date,amount\n1,2024-01-05,5\n",
                ["--as-of", "2024-01-01", "--after-as-of", "drop"],
                ["leaves no transactions", "later --as-of"],
            ),
            (
                b"customer_id,date,amount\n1,2024-01-05,-5\n",
                [],
                ["no purchases left", "refunds"],
            ),
            (
                b"customer_id,date,amount\n1,2024-01-05,0\n",
                ["--zero-amount", "ignore"],
                ["no purchases left", "refunds or zero"],
            ),
            (
                "customer_id,date,amount\n张三,2024-01-05,5\n".encode("gbk"),
                [],
                ["is not UTF-8 text (byte 0xd5 at line 2)", "--encoding gbk"],
            ),
            (
                b"customer_id;date;amount\n1;2024-01-05;5,5\n",
                [],
                ["--sep ';'"],
            ),
            (
                b"customer_id,date,amount\n1,2024-01-05,5\n",
                ["--encoding", "klingon"],
                ["'klingon' is not a known text encoding"],
            ),
            (
                b"customer_id,date,amount\n1,2024-01-05,5\n",
                ["--sep", "ab"],
                ["'sep' must be one character"],
            ),
            (
                b"customer_id,date,amount\n1,05/01/2024,5\n",
                ["--date-format", "%Q"],
                ["'date_format'"],
            ),
            (
                b"customer_id,date,amount\n1,2024-01-05,5\n",
                ["--date-format", "%d/%m/%Y"],
                ["do not match the date format '%d/%m/%Y'", "'2024-01-05'"],
            ),
        ],
    )
    def test_one_line_errors(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        content: bytes,
        options: list[str],
        needles: list[str],
    ) -> None:
        """Bad files and filters that leave nothing are one-line errors, exit 2."""
        path = tmp_path / "tx.csv"
        path.write_bytes(content)
        out_path = tmp_path / "seg.csv"
        status, out, err = run(capsys, "segment", path, *options, "--output", out_path)
        assert out == ""
        assert_one_line_error(status, err, *needles)
        assert not out_path.exists()


class TestAsOfOption:
    @pytest.mark.parametrize("spelling", ["20240331", "2024-03-31", " 20240331"])
    def test_yyyymmdd_like_the_date_column(
        self,
        capsys: pytest.CaptureFixture[str],
        tx_csv: Path,
        tmp_path: Path,
        spelling: str,
    ) -> None:
        """--as-of 20240331 is the same day as --as-of 2024-03-31."""
        out_path = tmp_path / "seg.csv"
        status, out, _ = run(
            capsys, "segment", tx_csv, "--as-of", spelling, "--output", out_path
        )
        assert status == 0
        assert "as of 2024-03-31" in out
        seg = pd.read_csv(out_path).set_index("customer_id")
        assert seg.loc[2, "recency_days"] == 21.0  # 2024-03-10 -> 2024-03-31

    @settings(max_examples=30, deadline=None)
    @given(digits=st.from_regex(r"[0-9]{1,12}", fullmatch=True))
    def test_bare_digits_are_yyyymmdd_or_refused(self, digits: str) -> None:
        """Bare digits are a YYYYMMDD day in 1000-9999, or a one-line error;
        never a year such as 202403."""
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "tx.csv"
            path.write_text("customer_id,date,amount\n1,1000-01-01,5\n")
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(["segment", str(path), "--as-of", digits])
        try:
            day = pd.Timestamp(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}")
            valid = len(digits) == 8 and day.year >= 1000
        except ValueError:
            valid = False
        if valid:
            assert status == 0, err.getvalue()
            assert f"as of {day.date()}" in out.getvalue()
        else:
            assert status == 2
            assert err.getvalue().count("\n") == 1
            assert "'as_of' is not a day" in err.getvalue(), err.getvalue()
            assert "20240301" in err.getvalue()

    def test_as_of_in_the_date_format(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """With --date-format, --as-of may also be written in that format."""
        path = write_csv(
            tmp_path / "tx.csv", "customer_id,date,amount\n1,05/01/2024,5\n"
        )
        for as_of in ("31/01/2024", "20240131"):
            status, out, err = run(
                capsys, "segment", path, "--date-format", "%d/%m/%Y", "--as-of", as_of
            )
            assert status == 0, err
            assert "as of 2024-01-31" in out


class TestOddOptions:
    @pytest.mark.parametrize(
        ("option", "value", "needle"),
        [
            ("--encoding", "rot13", "not a text encoding"),
            ("--encoding", "base64", "not a text encoding"),
            ("--encoding", "zlib_codec", "not a text encoding"),
            ("--encoding", "hex", "not a text encoding"),
            ("--encoding", "undefined", "not a text encoding"),
            ("--encoding", "utf\x008", "not a known text encoding"),
            ("--encoding", "x" * 500, "not a known text encoding"),
            ("--encoding", "punycode", "cannot be read"),
            ("--date-format", "%Y%Y%Y%Y", "'date_format'"),
            ("--date-format", "%Y-%m-%d%z%z", "'date_format'"),
            ("--date-format", "%", "'date_format'"),
            ("--date-format", "", "'date_format'"),
            ("--date-format", "\x00", "'date_format'"),
            ("--output", "out\x00.csv", "NUL"),
            ("--output", "x" * 300 + ".csv", "cannot be written"),
            ("--as-of", "2024\x00", "'as_of'"),
            ("--sep", "\x00", "'sep'"),
            ("--customer", "\x00", "is not a column"),
        ],
    )
    def test_one_line_errors(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tx_csv: Path,
        option: str,
        value: str,
        needle: str,
    ) -> None:
        """Unknown or non-text codecs, unusable date formats and output names:
        exit 2 with one line, no output file, never an exception."""
        monkeypatch.chdir(tx_csv.parent)
        status, out, err = run(capsys, "segment", tx_csv, option, value)
        assert out == ""
        assert_one_line_error(status, err, needle)
        assert sorted(p.name for p in tx_csv.parent.iterdir()) == ["tx.csv"]

    @pytest.mark.parametrize(
        "name", ["tx\x00.csv", "x" * 300 + ".csv", "tx\udcff.csv", "", "folder.csv"]
    )
    def test_odd_input_paths(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        name: str,
    ) -> None:
        """An input path with a NUL, too long, undecodable, empty or a folder:
        exit 2 with one line naming it."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "folder.csv").mkdir()
        status, out, err = run(capsys, "segment", name)
        assert out == ""
        assert_one_line_error(status, err, repr(name)[:20])

    def test_read_only_folder(
        self, capsys: pytest.CaptureFixture[str], tx_csv: Path, tmp_path: Path
    ) -> None:
        """An output folder that cannot be written is refused before computing."""
        import os

        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            if os.access(folder, os.W_OK):
                pytest.skip("running as a user who may write anywhere")
            status, out, err = run(
                capsys, "segment", tx_csv, "--output", folder / "seg.csv"
            )
        finally:
            folder.chmod(0o700)
        assert out == ""
        assert_one_line_error(status, err, "cannot be written")


class TestUnwritableStdout:
    @pytest.mark.parametrize(
        "argv",
        [
            ["presets"],
            ["presets", "ecommerce"],
            ["rules", "check", "ecommerce"],
            ["segment", "TX"],
            ["segment", "TX", "--output", "OUT"],
            ["demo", "--customers", "300", "--output", ""],
            ["--version"],
            ["segment", "--help"],
        ],
    )
    def test_full_disk(self, tx_csv: Path, tmp_path: Path, argv: list[str]) -> None:
        """stdout on a full disk (/dev/full): exit 2, one line, no traceback; an
        output file is written before the report."""
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full")
        out_path = tmp_path / "seg.csv"
        args = [{"TX": str(tx_csv), "OUT": str(out_path)}.get(a, a) for a in argv]
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [str(CUSTSEG), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
                check=False,
            )
        assert proc.returncode == 2, proc.stderr
        *notes, last = proc.stderr.splitlines()
        assert last == (
            "custseg: error: cannot write to standard output: No space left on device"
        )
        assert all(n.startswith("custseg: warning: ") for n in notes), notes
        if "OUT" in argv:
            assert len(pd.read_csv(out_path)) == 4

    def test_unencodable_report(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A report a narrow terminal encoding cannot show is escaped, exit 0."""
        path = write_csv(
            tmp_path / "tx.csv", "customer_id,date,amount\n1,2024-01-05,5\n"
        )
        raw = io.BytesIO()
        narrow = io.TextIOWrapper(raw, encoding="ascii")
        with contextlib.redirect_stdout(narrow):
            status = main(
                ["segment", str(path), "--preset", "ecommerce", "--lang", "zh"]
            )
            narrow.flush()
        assert status == 0
        assert b"\\u" in raw.getvalue()


class TestTextIds:
    @pytest.mark.parametrize(
        "ids",
        [["NA", "null", "N/A"], ["None", "nan", "NULL"], ["#N/A", "-nan", "<NA>"]],
    )
    def test_na_markers_are_customers(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, ids: list[str]
    ) -> None:
        """Ids are text: "NA", "null", "N/A" ... are customers, not missing ids;
        missing markers in the amount column stay missing."""
        rows = "".join(f"{i},2024-01-0{k + 1},{k + 1}\n" for k, i in enumerate(ids))
        path = write_csv(tmp_path / "tx.csv", "customer_id,date,amount\n" + rows)
        out_path = tmp_path / "seg.csv"
        status, out, err = run(capsys, "segment", path, "--output", out_path)
        assert status == 0, err
        assert out.startswith("3 customers, 3 transactions")
        got = pd.read_csv(out_path, dtype=str, keep_default_na=False)
        assert sorted(got["customer_id"]) == sorted(ids)
        bad = write_csv(
            tmp_path / "bad.csv", "customer_id,date,amount\nNA,2024-01-01,NA\n"
        )
        status, _, err = run(capsys, "segment", bad)
        assert_one_line_error(status, err, "'amount'")

    def test_empty_id_is_missing(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """An empty id cell is a missing id: one line naming its line."""
        path = write_csv(
            tmp_path / "tx.csv",
            "customer_id,date,amount\nNA,2024-01-01,5\n,2024-01-02,3\n",
        )
        status, _, err = run(capsys, "segment", path)
        assert_one_line_error(status, err, "'customer_id'", "first at line 3 of")


# -- fuzz: whatever the file and the options, exit 0 with output or one line --

_GOOD_IDS = ["1", "2", "00003", "abc", "7", "张三", "-4", "1e3", "NA", "null", "N/A"]
_BAD_IDS = [""]
_GOOD_DATES = ["2024-01-05", "2024-02-29 10:30:00", "20240105", "2023-12-31"]
_BAD_DATES = [
    "05/01/2024",
    "",
    "soon",
    "1706659200",
    "2024-13-01",
    "2024-01-05T10:00:00+08:00",
    "0001-01-01",
]
# 1e300: twelve of them sum without overflow; 1e308 is TestHugeAmounts
_GOOD_AMOUNTS = ["5", "12.5", "-3", "0", "1e300", "0.1", "232.07999999999998"]
_BAD_AMOUNTS = ["", "12,50", "abc", "inf"]
_GOOD_OPTIONS = [
    ["--encoding", "latin-1"],
    ["--bins", "3"],
    ["--r-bins", "2"],
    ["--frequency", "days"],
    ["--frequency", "transactions"],
    ["--zero-amount", "ignore"],
    ["--as-of", "2024-03-01"],
    ["--as-of", "20240301"],
    ["--after-as-of", "drop"],
    ["--preset", "ecommerce"],
    ["--preset", "restaurant"],
]
_BAD_OPTIONS = [
    ["--preset", "bogus"],
    ["--preset", "../ecommerce.toml"],
    ["--as-of", "202403"],
    ["--as-of", "2024"],
    ["--as-of", "99999999"],
    ["--sep", "::"],
    ["--encoding", "nope"],
    ["--date-format", "%d/%m/%Y"],
    ["--date-format", "%Q"],
    ["--bins", "0"],
    ["--frequency", "weekly"],
    ["--as-of", "yesterday"],
    ["--as-of", "2024-01-01"],
    ["--lang", "zh"],
    ["--lang", "fr"],
    ["--customer", "nope"],
]


# codecs of every kind: text encodings, bytes-to-bytes (base64, zlib) and
# text-to-text (rot13) codecs, names that are no codec
_ENCODINGS = st.one_of(
    st.sampled_from(sorted(set(encodings.aliases.aliases.values()))),
    st.sampled_from(["rot13", "undefined", "utf\x008", "", "x" * 300]),
    st.text(max_size=8),
)
# strftime-like formats: valid ones, repeated or unknown directives, stray %
_DATE_FORMATS = st.text(alphabet="%%YmdHMSzZjbBaApQ-/ ", min_size=1, max_size=8)
_AS_OF = st.one_of(
    st.from_regex(r"[0-9]{1,10}", fullmatch=True),
    st.text(alphabet="0123456789-T:+ Z", max_size=16),
    st.dates().map(str),
)
_OUTPUTS = st.sampled_from(
    [
        "seg.csv",
        "seg.tsv",
        "seg.csv.gz",
        "seg.txt",
        "seg\x00.csv",
        "x" * 300 + ".csv",
        "seg.xlsx",
        ".csv",
        "no/seg.csv",
        "seg\udcff.csv",
    ]
)


@st.composite
def _odd_options(draw: st.DrawFn) -> list[str]:
    """One option with an odd value."""
    option, values = draw(
        st.sampled_from(
            [
                ("--encoding", _ENCODINGS),
                ("--date-format", _DATE_FORMATS),
                ("--as-of", _AS_OF),
                ("--sep", st.text(max_size=2)),
                ("--customer", st.text(max_size=3)),
                ("--preset", st.text(max_size=12)),
            ]
        )
    )
    return [option, draw(values)]


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, bytes, list[str], str]:
    """A file (suffix, bytes), options and an output name; about half are
    meant to work."""
    clean = draw(st.booleans())
    options = draw(
        st.lists(
            st.sampled_from(_GOOD_OPTIONS if clean else _GOOD_OPTIONS + _BAD_OPTIONS),
            max_size=3,
        )
    )
    flat = [arg for option in options for arg in option]
    if not clean and draw(st.booleans()):
        flat += draw(_odd_options())
    output = "seg.csv" if clean else draw(_OUTPUTS)
    suffix = draw(st.sampled_from([".csv", ".txt", ".tsv", ".csv.gz"]))
    kind = "table" if clean else draw(st.sampled_from(["table", "empty", "junk"]))
    if kind == "empty":
        return suffix, b"", flat, output
    if kind == "junk":
        return suffix, draw(st.binary(max_size=200)), flat, output
    sep = draw(st.sampled_from([",", ";", "\t"]))
    default = {".tsv": "\t", ".txt": sep}.get(suffix, ",")  # .txt is sniffed
    if sep != default and (clean or draw(st.booleans())):
        flat += ["--sep", {"\t": "tab"}.get(sep, sep)]
    encodings_ = ["utf-8", "utf-8-sig"] if clean else ["utf-8", "gbk", "utf-16"]
    encoding = draw(st.sampled_from(encodings_))
    pools = (_GOOD_IDS, _GOOD_DATES, _GOOD_AMOUNTS)
    if not clean:
        pools = (
            _GOOD_IDS + _BAD_IDS,
            _GOOD_DATES + _BAD_DATES,
            _GOOD_AMOUNTS + _BAD_AMOUNTS,
        )
    cells = st.tuples(*(st.sampled_from(pool) for pool in pools))
    rows = draw(st.lists(cells, min_size=1 if clean else 0, max_size=12))
    lines = [sep.join(("customer_id", "date", "amount"))]
    lines += [sep.join(row) for row in rows]
    data = "\n".join(lines).encode(encoding, errors="replace") + b"\n"
    return suffix, data, flat, output


class TestHugeAmounts:
    def test_float_max_amounts_with_rules(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Amounts near the float maximum with a preset: no Python warning."""
        path = write_csv(
            tmp_path / "tx.csv",
            "customer_id,date,amount\n1,2024-01-05,1e308\n2,2024-01-05,1e308\n",
        )
        status, _, err = run(capsys, "segment", path, "--preset", "ecommerce")
        assert status in (0, 2)
        assert "RuntimeWarning" not in err, err


class TestFuzz:
    @settings(max_examples=60, deadline=None)
    @given(case=_cases())
    def test_exit_0_with_output_or_one_line(
        self, case: tuple[str, bytes, list[str], str]
    ) -> None:
        """Any file, options (odd encodings, date formats, days, separators,
        presets) and output name: exit 0 with the report and the output file,
        or exit 2 with one `custseg: error:` line and no output file; never an
        exception, no traceback, no Python warning, no temporary file left."""
        import gzip

        suffix, data, options, output = case
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / f"tx{suffix}"
            path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
            out_path = Path(d) / output
            argv = ["segment", str(path), *options, "--output", str(out_path)]
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(argv)
            event(f"status {status}")
            if status == 0:
                assert re.match(r"[\d,]+ customers?, ", out.getvalue())
                assert out_path.exists()
                for line in err.getvalue().splitlines():
                    assert line.startswith("custseg: warning: "), line
                    assert "Warning: " not in line, line  # a Python warning
            else:
                assert status == 2, (status, err.getvalue())
                assert err.getvalue().startswith("custseg: error: "), err.getvalue()
                assert err.getvalue().count("\n") == 1, err.getvalue()
                assert out.getvalue() == ""
            left = {p.name for p in Path(d).iterdir()}
            assert left == {path.name} | ({out_path.name} if status == 0 else set())
