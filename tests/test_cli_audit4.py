"""Tests for the findings of audit 4 about the command line and file I/O
(cli.md #1, #4, #5, #6, #7, #8, #9), one class per finding."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg._files import _read_table, read_table, table_writer, write_all
from custseg.cli import main
from custseg.errors import InputError

_HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
HEADER = "customer_id,date,amount\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path) -> Iterator[None]:
    with contextlib.chdir(tmp_path):
        yield


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.err


class TestAmountsPastFloatPrecision:
    """#1: an amount float64 changes is refused whatever the other rows hold."""

    @pytest.mark.parametrize(
        "amount",
        ["99999999999999999", "12345678901234567.5", "90071992547409931",
         "9007199254740993.5", "0.300000000000000044"],
    )  # fmt: skip
    def test_refused_beside_a_decimal(
        self, capsys: pytest.CaptureFixture[str], amount: str
    ) -> None:
        Path("tx.csv").write_text(HEADER + f"a,2024-01-01,{amount}\nb,2024-01-01,1.5\n")
        status, err = run(capsys, "segment", "tx.csv", "--output", "out.csv")
        assert status == 2
        assert "'amount' has numbers with more significant digits" in err
        assert "first at line 2 of 'tx.csv'" in err and "round them" in err
        assert not Path("out.csv").exists()

    @given(
        big=st.integers(2**52, 2**69).map(lambda n: 2 * n + 1),
        fraction=st.sampled_from(["", ".5", ".25", ".1"]),
        row=st.integers(0, 3),
    )
    @_HYPOTHESIS
    def test_family(self, tmp_path: Path, big: int, fraction: str, row: int) -> None:
        """An odd integer past 2**53 (with or without decimals) is never read
        as the float next to it."""
        lines = ["b,2024-01-01,1.5"] * 4
        lines.insert(row, f"a,2024-01-01,{big}{fraction}")
        path = tmp_path / "tx.csv"
        path.write_text(HEADER + "\n".join(lines) + "\n")
        with pytest.raises(InputError) as info:
            _read_table(path, text_columns=["customer_id"], exact_numbers=["amount"])
        assert info.value.field == "amount" and info.value.first_row == row

    @given(value=st.floats(allow_nan=False, allow_infinity=False))
    @_HYPOTHESIS
    def test_shortest_forms_read(self, tmp_path: Path, value: float) -> None:
        """Python's repr of any float (232.07999999999998) reads as that float."""
        path = tmp_path / "tx.csv"
        path.write_text(HEADER + f"a,2024-01-01,{value!r}\nb,2024-01-01,1.5\n")
        df = _read_table(path, text_columns=["customer_id"], exact_numbers=["amount"])
        assert df["amount"].iloc[0] == value


class TestRecordColumnsAsRead:
    """#4: the records' columns go into the output as the text of the file."""

    def test_text_kept(self, capsys: pytest.CaptureFixture[str]) -> None:
        Path("tx.csv").write_text(HEADER + "a,2024-01-01,10\nb,2024-01-02,5\n")
        Path("rec.csv").write_text(
            "customer_id,zip,phone,card,note,score\n"
            "a,00123,+8613800000000,1e5,NA,0.10\n"
            "b,01234,013800000000,2E3,None,1.50\n"
        )
        status, err = run(
            capsys, "segment", "tx.csv", "--records", "rec.csv", "--output", "o.csv"
        )
        assert status == 0, err
        out = read_table("o.csv", text_columns=["customer_id", "zip", "phone",
                                                 "card", "note", "score"])  # fmt: skip
        assert out["zip"].tolist() == ["00123", "01234"]
        assert out["phone"].tolist() == ["+8613800000000", "013800000000"]
        assert out["card"].tolist() == ["1e5", "2E3"]
        assert out["note"].tolist() == ["NA", "None"]
        assert out["score"].tolist() == ["0.10", "1.50"]

    def test_rules_number_field_still_a_number(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        Path("tx.csv").write_text(HEADER + "a,2024-01-01,10\nb,2024-01-02,5\n")
        Path("rules.toml").write_text(
            "format = 1\n[fields]\n"
            'visits = { type = "number", optional = true }\n'
            'level = { type = "category", values = ["None", "Gold"], '
            "optional = true }\n"
            "[segments.busy]\n"
            'default = "calm"\n'
            'rules = [{ label = "busy", when = "visits >= 3" },\n'
            '  { label = "gold", when = "level == \'Gold\'" }]\n'
        )
        Path("rec.csv").write_text("customer_id,visits,level\na,3,None\nb,1,Gold\n")
        status, err = run(
            capsys, "segment", "tx.csv", "--records", "rec.csv", "--rules",
            "rules.toml", "--output", "o.csv",
        )  # fmt: skip
        assert status == 0, err
        out = read_table("o.csv", text_columns=["customer_id", "level"])
        assert out["busy"].tolist() == ["busy", "gold"]
        assert out["level"].tolist() == ["None", "Gold"]


class TestOptionNamedInMessages:
    """#5: an output path's error names the option it came from."""

    def test_demo_report_not_html(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, err = run(capsys, "demo", "--customers", "50", "--report", "x.csv")
        assert status == 2
        assert "give --report a name ending in .html" in err
        assert "goes to --output" in err and "--csv" not in err

    def test_demo_report_folder(self, capsys: pytest.CaptureFixture[str]) -> None:
        os.mkdir("dir.html")
        status, err = run(capsys, "demo", "--customers", "50", "--report", "dir.html")
        assert status == 2 and "give --report a file name" in err


_LIMITED = """
import resource, sys
from custseg.cli import main
resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
sys.exit(main(sys.argv[1:]))
"""


class TestTwoOutputsBothOrNeither:
    """#6: a failed second write leaves both old files as they were."""

    def test_demo_file_too_large(self, tmp_path: Path) -> None:
        Path("demo.csv").write_text("OLD CSV\n")
        Path("demo.html").write_text("OLD PAGE\n")
        done = subprocess.run(
            [sys.executable, "-c", _LIMITED, "demo", "--customers", "300",
             "--output", "demo.csv", "--report", "demo.html"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert "the file is too large" in done.stderr
        assert Path("demo.csv").read_text() == "OLD CSV\n"
        assert Path("demo.html").read_text() == "OLD PAGE\n"
        assert sorted(os.listdir(tmp_path)) == ["demo.csv", "demo.html"]

    def test_write_all_failure(self, tmp_path: Path) -> None:
        Path("a.csv").write_text("OLD\n")
        table = pd.DataFrame({"x": [1]})

        def fail(tmp: str) -> None:
            raise OSError(28, "No space left on device")

        with pytest.raises(InputError, match=r"'b\.txt' cannot be written"):
            write_all([("a.csv", table_writer(table, "a.csv")), ("b.txt", fail)])
        assert Path("a.csv").read_text() == "OLD\n"
        assert sorted(os.listdir(tmp_path)) == ["a.csv"]


class TestThousandsSeparators:
    """#7: commas before groups of three digits are not called decimal commas."""

    @pytest.mark.parametrize(
        "amounts",
        [['"1,234"', "5.50", '"2,000"'], ['"1,234.00"', "5"],
         ['"12,345,678"', "0.5"]],
    )  # fmt: skip
    def test_thousands(
        self, capsys: pytest.CaptureFixture[str], amounts: list[str]
    ) -> None:
        rows = "".join(f"c{i},2024-01-01,{a}\n" for i, a in enumerate(amounts))
        Path("tx.csv").write_text(HEADER + rows)
        status, err = run(capsys, "segment", "tx.csv")
        assert status == 2
        assert "thousands separators" in err and "1,234 as 1234" in err
        assert "decimal comma" not in err

    def test_ambiguous_names_both(self, capsys: pytest.CaptureFixture[str]) -> None:
        Path("tx.csv").write_text(HEADER + 'a,2024-01-01,"1,234"\nb,2024-01-01,7\n')
        status, err = run(capsys, "segment", "tx.csv")
        assert status == 2
        assert "1,234 as 1234" in err and "1,5 as 1.5" in err

    def test_decimal_comma_still_named(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        Path("tx.csv").write_text(HEADER + 'a,2024-01-01,"1,5"\nb,2024-01-01,7\n')
        status, err = run(capsys, "segment", "tx.csv")
        assert status == 2
        assert "decimal comma" in err and "thousands" not in err


class TestEncodingHints:
    """#8: the hint depends on the file, never repeats the encoding given."""

    TEXT = "会员,日期,金额\n张三,2024-01-01,10\n李四,2024-01-02,5\n"

    @pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
    def test_utf8_read_as_gbk(self, tmp_path: Path, bom: bytes) -> None:
        path = tmp_path / "tx.csv"
        path.write_bytes(bom + self.TEXT.encode())
        with pytest.raises(InputError) as info:
            read_table(path, encoding="gbk")
        text = str(info.value)
        assert "--encoding utf-8" in text and "--encoding gbk" not in text

    @pytest.mark.parametrize("encoding", ["gbk", "latin-1", "cp1252"])
    def test_bom_with_ascii_header(self, tmp_path: Path, encoding: str) -> None:
        path = tmp_path / "tx.csv"
        path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "a,2024-01-01,1\n").encode())
        with pytest.raises(InputError, match="UTF-8 byte order mark"):
            read_table(path, encoding=encoding)

    def test_gbk_read_as_gbk_is_not_offered_gbk(self, tmp_path: Path) -> None:
        path = tmp_path / "tx.csv"
        path.write_bytes(HEADER.encode() + b"\x81\x20\x81\xff,2024-01-01,1\n")
        with pytest.raises(InputError) as info:
            read_table(path, encoding="gbk")
        assert "--encoding gbk" not in str(info.value)


_ID = st.text(alphabet="ab1 ", min_size=1, max_size=5).filter(lambda s: s.strip() != "")
_NOTE = st.text(alphabet='x, "', max_size=5)


def _field(value: str, how: str) -> str:
    quoted = '"' + value.replace('"', '""') + '"'
    return {"raw": value, "quoted": quoted, "space_quoted": " " + quoted}[how]


class TestIdsExactlyAsWritten:
    """#9: an id keeps the spaces at the start of its line, whatever the
    other fields of the file (quoted after a space, holding the separator)."""

    @given(
        rows=st.lists(
            st.tuples(
                _ID,
                st.sampled_from(["raw", "quoted"]),
                _NOTE,
                st.sampled_from(["quoted", "space_quoted"]),
                st.sampled_from(["", " "]),
            ),
            min_size=1,
            max_size=6,
        )
    )
    @_HYPOTHESIS
    def test_family(
        self, tmp_path: Path, rows: list[tuple[str, str, str, str, str]]
    ) -> None:
        lines = []
        for id_, id_how, note, note_how, pad in rows:
            if id_how == "raw" and id_.rstrip() != id_:
                id_how = "quoted"  # trailing spaces of a raw last-on-nothing id
            lines.append(
                f"{_field(id_, id_how)},{pad}2024-01-01,{pad}1,{_field(note, note_how)}"
            )
        path = tmp_path / "tx.csv"
        path.write_text("customer_id,date,amount,note\n" + "\n".join(lines) + "\n")
        df = read_table(path, text_columns=["customer_id", "note"])
        assert df["customer_id"].tolist() == [r[0] for r in rows]
        assert df["note"].fillna("").tolist() == [r[2] for r in rows]

    def test_reported_case(self, capsys: pytest.CaptureFixture[str]) -> None:
        Path("tx.csv").write_text(
            'customer_id,date,amount,note\n 1,2024-01-01,10, "a, b"\n1,2024-01-02,5,y\n'
        )
        status, err = run(capsys, "segment", "tx.csv", "--output", "o.csv")
        assert status == 0, err
        out = read_table("o.csv", text_columns=["customer_id"])
        assert sorted(out["customer_id"]) == [" 1", "1"]
