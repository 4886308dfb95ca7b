"""Tests for the findings of the command-line audit (ids, headers, records
columns, output, read errors, exit status), one class per finding."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from conftest import needs_pyarrow
from custseg._cli_migrate import _read as read_output
from custseg.cli import main
from custseg.errors import InputError
from custseg.frame import write_table

_HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path) -> Iterator[None]:
    """Relative paths land in the test's folder."""
    with contextlib.chdir(tmp_path):
        yield


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_line_error(status: int, err: str, *needles: str) -> None:
    assert status == 2, err
    assert err.startswith("custseg: error: "), err
    assert err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


def write(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    path = Path(path)
    path.write_bytes(text.encode(encoding))
    return path


def quoted_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Every field quoted, so any text is read as written."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def first_column(path: Path) -> list[str]:
    """The first column of a CSV file, read by Python's csv module (not by
    custseg), header left out."""
    with open(path, newline="", encoding="utf-8") as f:
        return [row[0] for row in csv.reader(f)][1:]


TX = "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-01-05,20\nc3,2024-01-07,5\n"


class TestIdsAsWritten:
    """1.2: ids keep their text, and custseg's own files read back exactly."""

    def test_leading_space_is_part_of_the_id(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """' 1' at the start of a line is not '1' (and '1 ' is a third id)."""
        write("sp.csv", "customer_id,date,amount\n1,2024-01-01,10\n 1,2024-01-02,20\n")
        status, _, err = run(
            capsys, "segment", "sp.csv", "--bins", "2", "--output", "o.csv"
        )
        assert status == 0, err
        assert sorted(first_column(Path("o.csv"))) == [" 1", "1"]

    def test_spaces_after_a_separator_are_still_skipped(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The documented '1, 2024-01-05, 9.90' still reads; only the id at the
        start of the line keeps its spaces."""
        write(
            "t.csv",
            "customer_id, date, amount\n 1, 2024-01-05, 9.90\n2, 2024-01-06, 5\n",
        )
        status, _, err = run(
            capsys, "segment", "t.csv", "--bins", "2", "--output", "o.csv"
        )
        assert status == 0, err
        out = pd.read_csv("o.csv", dtype={"customer_id": str}, keep_default_na=False)
        assert sorted(out["customer_id"]) == [" 1", "2"]
        assert sorted(out["monetary"]) == [5.0, 9.9]

    def test_records_keep_the_leading_space(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write("tx.csv", TX)
        write("rec.csv", "customer_id,vip\n c1,true\nc1,false\n")
        status, _, err = run(
            capsys, "segment", "tx.csv", "--records", "rec.csv", "--bins", "2",
            "--output", "o.csv",
        )  # fmt: skip
        assert status == 0, err
        out = pd.read_csv("o.csv", dtype=str, keep_default_na=False)
        vip = dict(zip(out["customer_id"], out["vip"], strict=True))
        assert vip[" c1"] == "true" and vip["c1"] == "false"  # as written

    def test_output_quotes_what_a_reader_would_change(self) -> None:
        """Leading spaces and carriage returns are quoted in the output."""
        df = pd.DataFrame(
            {"x": [1, 2, 3]}, index=pd.Index([" a", "b\rc", "d"], name="id")
        )
        write_table(df, "o.csv")
        assert Path("o.csv").read_bytes() == b'id,x\n" a",1\n"b\rc",2\nd,3\n'

    @_HYPOTHESIS
    @given(
        st.lists(
            st.text(
                alphabet=st.sampled_from(
                    [
                        " ",
                        "\t",
                        '"',
                        ",",
                        ";",
                        "\n",
                        "\r",
                        "a",
                        "1",
                        "0",
                        "#",
                        "é",
                        "中",
                    ]
                ),
                min_size=1,
                max_size=6,
            ).filter(lambda i: not i.isspace()),
            min_size=2,
            max_size=6,
            unique=True,
        )
    )
    def test_round_trip_through_every_reader(
        self, tmp_path: Path, ids: list[str]
    ) -> None:
        """segment -> due / assign / migrate / report --previous: the same ids,
        exactly (compared with Python's csv module, an independent reader).
        An id of blanks only (``" "``, a tab) is a missing id since audit 40
        (a guest checkout, as a cell of spaces after a separator already
        was), refused by ``segment``: not drawn here."""
        folder = Path(tmp_path) / f"case{abs(hash(tuple(ids)))}"
        folder.mkdir(exist_ok=True)
        tx = quoted_csv(
            folder / "tx.csv",
            ["customer_id", "date", "amount"],
            [[i, f"2024-01-{k + 1:02d}", str(k + 1)] for k, i in enumerate(ids)],
        )
        seg = folder / "seg.csv"
        assert main(["segment", str(tx), "--bins", "2", "--output", str(seg)]) == 0
        assert sorted(first_column(seg)) == sorted(ids)
        due = folder / "due.csv"
        due_args = ["due", str(seg), "--as-of", "2024-03-01", "--cadence", "1"]
        assert main([*due_args, "--output", str(due)]) == 0
        assert sorted(first_column(due)) == sorted(ids)
        staff = write(folder / "staff.csv", "staff\namy\nbo\n")
        owners = folder / "owners.csv"
        assert main(["assign", str(seg), str(staff), "--output", str(owners)]) == 0
        assert sorted(first_column(owners)) == sorted(ids)
        # migrate and report --previous read segment outputs this way
        assert sorted(read_output(str(seg)).index) == sorted(ids)
        assert main(["migrate", str(seg), str(seg), "--column", "lifecycle"]) == 0


class TestMigrateOptions:
    """1.3: migrate reads the ids as text with --sep and --encoding too."""

    @pytest.mark.parametrize(
        ("sep", "encoding", "options"),
        [(";", "utf-8", ["--sep", ";"]), (",", "gbk", ["--encoding", "gbk"])],
    )
    def test_zeros_are_kept(
        self,
        capsys: pytest.CaptureFixture[str],
        sep: str,
        encoding: str,
        options: list[str],
    ) -> None:
        write(
            "b.csv",
            f"customer_id{sep}lifecycle\n00001{sep}活跃\n2{sep}silent\n",
            encoding,
        )
        write("a.csv", f"customer_id{sep}lifecycle\n1{sep}活跃\n2{sep}活跃\n", encoding)
        status, out, err = run(capsys, "migrate", "b.csv", "a.csv", *options)
        assert status == 0, err
        assert out.startswith("lifecycle: 3 customers")
        assert "(new)" in out and "(gone)" in out


_READERS = ["segment", "records", "contacts", "migrate", "assign", "due", "staff"]


def _dup_case(reader: str, header: list[str]) -> list[str]:
    """The command that reads a file dup.csv with *header* as *reader*."""
    n = len(header)
    row = ",".join(["c1"] + ["1"] * (n - 1))
    write("dup.csv", ",".join(header) + "\n" + row + "\n")
    write("tx.csv", TX)
    write("seg.csv", "customer_id,lifecycle,monetary\nc1,active,5\n")
    write("staff.csv", "staff\namy\n")
    return {
        "segment": ["segment", "dup.csv"],
        "records": ["segment", "tx.csv", "--records", "dup.csv"],
        "contacts": ["segment", "tx.csv", "--contacts", "dup.csv"],
        "migrate": ["migrate", "seg.csv", "dup.csv"],
        "assign": ["assign", "dup.csv", "staff.csv", "--output", "o.csv"],
        "due": ["due", "dup.csv", "--as-of", "2025-01-01", "--cadence", "7"],
        "staff": ["assign", "seg.csv", "dup.csv", "--output", "o.csv"],
    }[reader]


class TestDuplicateColumns:
    """1.4 and core S1-6: a column named twice is an error in every file."""

    @_HYPOTHESIS
    @given(
        reader=st.sampled_from(_READERS),
        names=st.lists(
            st.sampled_from(["customer_id", "date", "amount", "vip", "note", "x"]),
            min_size=1,
            max_size=4,
        ),
        twice=st.sampled_from(["customer_id", "date", "amount", "vip", "note"]),
        spaced=st.booleans(),
    )
    def test_named_in_the_error(
        self,
        capsys: pytest.CaptureFixture[str],
        reader: str,
        names: list[str],
        twice: str,
        spaced: bool,
    ) -> None:
        header = ["customer_id", *names, twice, (" " if spaced else "") + twice]
        status, _, err = run(capsys, *_dup_case(reader, header))
        one_line_error(status, err, "dup.csv", repr(twice), "more than once")

    def test_library_path(self, tmp_path: Path) -> None:
        """custseg.segment on a file gives the same error as for the frame."""
        write("d.csv", "customer_id,date,amount,amount\na,2024-01-01,5,500\n")
        with pytest.raises(InputError, match="'amount' more than once"):
            custseg.segment("d.csv", as_of="2024-04-01")

    @needs_pyarrow
    def test_parquet(self, capsys: pytest.CaptureFixture[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_arrays(
            [
                pa.array(["a"]),
                pa.array(["2024-01-01"]),
                pa.array([1.0]),
                pa.array([2.0]),
            ],
            names=["customer_id", "date", "amount", "amount"],
        )
        pq.write_table(table, "d.parquet")
        status, _, err = run(capsys, "segment", "d.parquet")
        one_line_error(status, err, "'amount' more than once")

    def test_records_index_and_column(self) -> None:
        """An index and a column both named customer_id: which one is meant?"""
        tx = pd.DataFrame(
            {"customer_id": ["1", "2"], "date": ["2024-01-01", "2024-02-01"],
             "amount": [10.0, 20.0]}
        )  # fmt: skip
        rec = pd.DataFrame(
            {"customer_id": ["1", "2"], "vip": [True, False]},
            index=pd.Index(["2", "1"], name="customer_id"),
        )
        with pytest.raises(InputError, match="both an index and a column"):
            custseg.segment(tx, as_of="2024-04-01", records=rec)

    def test_contacts_frame(self) -> None:
        tx = pd.DataFrame(
            {"customer_id": ["1"], "date": ["2024-01-01"], "amount": [10.0]}
        )
        contacts = pd.DataFrame(
            [["1", "2024-01-02", "customer", "inquiry", "2024-01-03"]],
            columns=["customer_id", "date", "initiator", "kind", "date"],
        )
        with pytest.raises(InputError, match="more than one column named 'date'"):
            custseg.segment(tx, as_of="2024-04-01", contacts=contacts)


class TestComputedRecordColumns:
    """1.5 and 2.1: a record column named like one custseg computes is an
    error, before any file is written."""

    @pytest.mark.parametrize(
        ("column", "options"),
        [
            ("lifecycle", []),
            ("abc", []),
            ("present", []),
            ("relationship", []),
            ("monetary", []),
            ("r", []),
            ("rfm11", ["--preset", "ecommerce"]),
            ("ecom4", ["--preset", "ecommerce"]),
            ("relationship", ["--contacts", "con.csv"]),
        ],
    )
    def test_refused(
        self, capsys: pytest.CaptureFixture[str], column: str, options: list[str]
    ) -> None:
        write("tx.csv", TX)
        write("rec.csv", f"customer_id,{column}\nc1,w\nc9,x\n")
        write(
            "con.csv",
            "customer_id,date,initiator,kind\nc1,2024-01-02,customer,inquiry\n",
        )
        status, out, err = run(
            capsys, "segment", "tx.csv", "--records", "rec.csv", "--output", "o.csv",
            *options,
        )  # fmt: skip
        one_line_error(status, err, "columns custseg computes", repr(column))
        assert out == ""
        assert not Path("o.csv").exists()


class TestRecordColumnsAsRead:
    """1.6: only custseg's money columns are rounded."""

    def test_not_rounded(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("tx.csv", TX)
        write(
            "rec.csv",
            "customer_id,price_sensitivity,spend_share,avg_amount\n"
            "c1,0.125,0.3333,12.345\nc2,0.875,0.6667,1.005\n",
        )
        status, _, err = run(
            capsys, "segment", "tx.csv", "--records", "rec.csv", "--bins", "2",
            "--output", "o.csv",
        )  # fmt: skip
        assert status == 0, err
        out = pd.read_csv("o.csv", dtype=str).set_index("customer_id")
        assert out.loc["c1", ["price_sensitivity", "spend_share", "avg_amount"]].tolist() == [
            "0.125", "0.3333", "12.345",
        ]  # fmt: skip
        assert out.loc["c1", "monetary"] == "10.00"


@needs_pyarrow
class TestBinaryParquetIds:
    """1.7: binary ids are decoded as UTF-8, or refused."""

    def test_decoded(self, capsys: pytest.CaptureFixture[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(
            pa.table({
                "customer_id": pa.array([b"c1", b"00001", "中".encode()]),
                "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
                "amount": [1.0, 2.0, 3.0],
            }),
            "pb.parquet",
        )  # fmt: skip
        status, _, err = run(
            capsys, "segment", "pb.parquet", "--bins", "2", "--output", "o.csv"
        )
        assert status == 0, err
        assert sorted(first_column(Path("o.csv"))) == ["00001", "c1", "中"]

    def test_not_utf8(self, capsys: pytest.CaptureFixture[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(
            pa.table({
                "customer_id": pa.array([b"c1", b"\xff"]),
                "date": ["2024-01-01", "2024-01-02"],
                "amount": [1.0, 2.0],
            }),
            "pb.parquet",
        )  # fmt: skip
        status, _, err = run(capsys, "segment", "pb.parquet")
        one_line_error(status, err, "not UTF-8", "b'\\xff'", "pb.parquet")


class TestSepAndDateFormatForTransactions:
    """3.1: --sep and --date-format are the transactions' only."""

    def test_sep(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("tx.csv", TX.replace(",", ";"))
        write("rec.csv", "customer_id,vip\nc1,true\nc2,false\n")
        status, out, err = run(
            capsys, "segment", "tx.csv", "--sep", ";", "--records", "rec.csv",
            "--bins", "2",
        )  # fmt: skip
        assert status == 0, err
        assert out.startswith("3 customers")

    def test_records_with_another_sep(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("tx.csv", TX)
        write("rec.csv", "customer_id;vip\nc1;true\n")
        status, _, err = run(capsys, "segment", "tx.csv", "--records", "rec.csv")
        one_line_error(
            status, err, "rec.csv", "--sep is for the transactions file only"
        )
        assert "--sep ';'" not in err

    def test_date_format(self, capsys: pytest.CaptureFixture[str]) -> None:
        write(
            "tx.csv", "customer_id,date,amount\nc1,02/11/2024,120\nc2,15/06/2024,35\n"
        )
        write(
            "con.csv",
            "customer_id,date,initiator,kind\nc1,2024-10-05,company,follow_up\n",
        )
        status, out, err = run(
            capsys, "segment", "tx.csv", "--date-format", "%d/%m/%Y",
            "--contacts", "con.csv", "--bins", "2",
        )  # fmt: skip
        assert status == 0, err
        assert "relationship" in out

    def test_contact_date_error_names_the_file(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write("tx.csv", TX)
        write(
            "con.csv",
            "customer_id,date,initiator,kind\nc1,05/01/2024,company,follow_up\n",
        )
        status, _, err = run(capsys, "segment", "tx.csv", "--contacts", "con.csv")
        one_line_error(status, err, "contacts file 'con.csv'", "'05/01/2024'")


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


class TestCheckStatusWithClosedStdout:
    """3.2: `rules check | head` keeps the status of the check."""

    @pytest.mark.parametrize("command", ["check", "test"])
    def test_status_1(self, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
        write("bad.toml", "format = 1\n[segments.x]\nrules = 3\n")
        monkeypatch.setattr(sys, "stdout", _ClosedPipe())
        assert main(["rules", command, "bad.toml"]) == 1

    def test_status_0(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe())
        assert main(["rules", "check", "ecommerce"]) == 0

    def test_pipe_into_head(self) -> None:
        """A real pipe, closed before custseg writes."""
        import subprocess

        write("bad.toml", "format = 1\n# caf\xe9\n", "latin-1")
        exe = [sys.executable, "-m", "custseg", "rules", "check", "bad.toml"]
        proc = subprocess.Popen(exe, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.close()
        proc.wait(timeout=60)
        assert proc.returncode == 1


class TestSameColumnTwice:
    """3.3: two column options naming one column."""

    @pytest.mark.parametrize(
        "options",
        [
            ["--customer", "amount"],
            ["--customer", "date"],
            ["--date", "amount"],
        ],
    )
    def test_segment(
        self, capsys: pytest.CaptureFixture[str], options: list[str]
    ) -> None:
        write("tx.csv", TX)
        status, _, err = run(capsys, "segment", "tx.csv", *options, "--output", "o.csv")
        one_line_error(status, err, "is named by both")
        assert not Path("o.csv").exists()

    def test_due(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("c.csv", "customer_id,last,b\nc1,2024-01-01,1990-01-01\n")
        status, _, err = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--cadence", "7",
            "--last-contact", "b", "--birthday", "b",
        )  # fmt: skip
        one_line_error(status, err, "--last-contact and --birthday")

    def test_assign(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("c.csv", "customer_id,monetary\nc1,5\n")
        write("s.csv", "staff\namy\n")
        status, _, err = run(
            capsys,
            "assign",
            "c.csv",
            "s.csv",
            "--owner",
            "monetary",
            "--output",
            "o.csv",
        )
        one_line_error(status, err, "--value and --owner")


class TestDroppedCustomers:
    """3.4: --after-as-of drop says how many customers went with the rows."""

    def test_counted(self, capsys: pytest.CaptureFixture[str]) -> None:
        write(
            "drop.csv",
            "customer_id,date,amount\nc1,2024-01-01,10\nc1,2024-01-10 18:00,10\n"
            "c2,2024-01-11,20\nc3,2024-01-12,5\n",
        )
        status, out, err = run(
            capsys, "segment", "drop.csv", "--as-of", "2024-01-10",
            "--after-as-of", "drop", "--bins", "2",
        )  # fmt: skip
        assert status == 0, err
        first = out.splitlines()[0]
        assert "2 later transactions dropped" in first
        assert "2 customers who had no earlier one" in first


class TestReadErrors:
    """3.5 and core S3-1: read errors that name the real problem."""

    def test_utf32(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("u.csv", TX, "utf-32")
        status, _, err = run(capsys, "segment", "u.csv")
        one_line_error(status, err, "UTF-32 byte order mark", "--encoding utf-32")
        status, _, err = run(capsys, "segment", "u.csv", "--encoding", "utf-16")
        one_line_error(status, err, "UTF-32", "--encoding utf-32")

    @pytest.mark.parametrize("text", [TX, TX.replace("c1", "café")])
    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_bom(
        self, capsys: pytest.CaptureFixture[str], text: str, encoding: str
    ) -> None:
        write("u.csv", text, encoding)
        status, _, err = run(capsys, "segment", "u.csv")
        one_line_error(
            status, err, "UTF-16 without a byte order mark", f"--encoding {encoding}"
        )

    @pytest.mark.parametrize(
        ("name", "text", "line"),
        [
            ("x.csv", "customer_id,date,amount\nc1,2024-01-01,10,extra\n", "first data line"),
            ("x.csv", "customer_id,date,amount\na,2024-01-01,5,\nb,2024-01-02,6,\n", "first data line"),
            ("x.txt", "customer_id date amount\nc1 2024-01-01 10 20\n", "first data line"),
            ("x.csv", "customer_id,date,amount\nc1,2024-01-01,5\nc2,2024-01-01,5,6\n", "line 3 has 4 fields, but the lines before"),
        ],
    )  # fmt: skip
    def test_extra_fields(
        self, capsys: pytest.CaptureFixture[str], name: str, text: str, line: str
    ) -> None:
        write(name, text)
        status, _, err = run(capsys, "segment", name)
        one_line_error(status, err, line)
        assert "YYYYMMDD" not in err

    def test_extra_fields_library(self) -> None:
        write(
            "trail.csv", "customer_id,date,amount\na,2024-01-01,5,\nb,2024-01-02,6,\n"
        )
        with pytest.raises(InputError, match="has 4 fields, but the header line has 3"):
            custseg.segment("trail.csv", as_of="2024-04-01")

    def test_decimal_comma(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("d.csv", "customer_id;date;amount\nc1;2024-01-01;1,5\nc2;2024-01-02;2\n")
        status, _, err = run(capsys, "segment", "d.csv", "--sep", ";")
        one_line_error(status, err, "decimal comma", "'1,5'", "1.5")

    @pytest.mark.parametrize(
        ("capacities", "needles"),
        [
            (["1.5", "abc"], ["'abc' for 'bo'", "not a number"]),
            (["2", "1.5"], ["1.5 for 'bo'", "whole number"]),
            (["-1", ""], ["-1 for 'amy'", "whole number"]),
        ],
    )
    def test_capacity(
        self,
        capsys: pytest.CaptureFixture[str],
        capacities: list[str],
        needles: list[str],
    ) -> None:
        write("c.csv", "customer_id,monetary\nc1,5\nc2,6\n")
        write("s.csv", f"staff,capacity\namy,{capacities[0]}\nbo,{capacities[1]}\n")
        status, _, err = run(capsys, "assign", "c.csv", "s.csv", "--output", "o.csv")
        one_line_error(status, err, *needles)
        assert "str_" not in err


@needs_pyarrow
class TestMixedIdTypes:
    """3.6: the fix is one a command-line user can follow."""

    def test_message(self, capsys: pytest.CaptureFixture[str]) -> None:
        pd.DataFrame(
            {
                "customer_id": [1, 2],
                "date": ["2024-01-01", "2024-01-02"],
                "amount": [1.0, 2.0],
            }
        ).to_parquet("tx.parquet")
        write("rec.csv", "customer_id,vip\n1,true\n")
        status, _, err = run(capsys, "segment", "tx.parquet", "--records", "rec.csv")
        one_line_error(
            status, err, "Parquet files keep their stored type", "use a CSV file"
        )


class TestHelpAndOptions:
    """3.7: small mismatches between the help, the docs and the behaviour."""

    def test_demo_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(capsys, "demo", "--help")
        assert status == 0
        assert ".tsv" in out and ".txt" in out

    @pytest.mark.parametrize("command", ["check", "test"])
    def test_empty_rules_path(
        self, capsys: pytest.CaptureFixture[str], command: str
    ) -> None:
        status, out, err = run(capsys, "rules", command, "")
        one_line_error(status, err, "FILE '' is empty")
        assert out == ""

    def test_min_points_without_points(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        write("c.csv", "customer_id,points\nc1,5\n")
        status, _, err = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--cadence", "7",
            "--min-points", "10",
        )  # fmt: skip
        one_line_error(status, err, "--min-points", "--points")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
class TestSymlinkedOutput:
    """A link is written through, as cp and shell redirection do."""

    def test_target_gets_the_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("tx.csv", TX)
        Path("runs").mkdir()
        write("runs/real.csv", "old\n")
        os.symlink("runs/real.csv", "latest.csv")
        status, _, err = run(
            capsys, "segment", "tx.csv", "--bins", "2", "--output", "latest.csv"
        )
        assert status == 0, err
        assert os.path.islink("latest.csv")
        assert Path("runs/real.csv").read_text().startswith("customer_id,")

    def test_link_to_a_device(self, capsys: pytest.CaptureFixture[str]) -> None:
        write("tx.csv", TX)
        os.symlink(os.devnull, "null.csv")
        status, _, err = run(capsys, "segment", "tx.csv", "--output", "null.csv")
        one_line_error(status, err, "not a regular file")
        assert os.path.islink("null.csv")
