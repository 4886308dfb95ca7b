"""Tests for reading and writing tables (custseg._files, re-exported by custseg.frame)."""

from __future__ import annotations

import bz2
import contextlib
import encodings.aliases
import errno
import gzip
import lzma
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import needs_pyarrow
from custseg._files import (
    _NA_MARKERS,
    check_date_format,
    parse_date_column,
    parse_date_text,
    read_table,
    table_format,
    write_table,
)
from custseg.errors import InputError

HEADER = "customer_id,date,amount\n"


def one_line(exc: pytest.ExceptionInfo[InputError]) -> str:
    text = str(exc.value)
    assert "\n" not in text, text
    return text


class TestTableFormat:
    @pytest.mark.parametrize(
        ("name", "fmt"),
        [
            ("a.csv", "csv"),
            ("a.CSV", "csv"),
            ("a.csv.gz", "csv"),
            ("a.tsv", "tsv"),
            ("a.tsv.zip", "tsv"),
            ("a.txt", "txt"),
            ("a.TXT.bz2", "txt"),
            ("a.parquet", "parquet"),
            ("a.pq", "parquet"),
            ("dir.v2/a.csv", "csv"),
        ],
    )
    def test_known(self, name: str, fmt: str) -> None:
        """Text formats (optionally compressed) and Parquet are recognised."""
        assert table_format(name) == fmt

    @pytest.mark.parametrize("name", ["a.xlsx", "a", "a.gz", "a.csv.tar", "a.json"])
    def test_unknown(self, name: str) -> None:
        """Other extensions are a one-line InputError listing the known ones."""
        with pytest.raises(InputError, match="unknown file type") as info:
            table_format(name)
        assert ".tsv" in one_line(info)


class TestReadTable:
    def test_ids_as_text_keep_leading_zeros(self, tmp_path: Path) -> None:
        """text_columns keeps ids exactly as written; other columns are typed."""
        path = tmp_path / "tx.csv"
        path.write_text(HEADER + "00001,2024-01-01,5\n1,2024-01-02,7.5\n")
        df = read_table(path, text_columns=["customer_id"])
        assert df["customer_id"].tolist() == ["00001", "1"]
        assert df["amount"].tolist() == [5.0, 7.5]
        assert read_table(path)["customer_id"].tolist() == [1, 1]

    def test_text_column_name_as_string(self, tmp_path: Path) -> None:
        """A single column name may be given as a string; absent names are ignored."""
        path = tmp_path / "tx.csv"
        path.write_text(HEADER + "007,2024-01-01,5\n")
        assert read_table(path, text_columns="customer_id").iloc[0, 0] == "007"
        assert read_table(path, text_columns="nope").iloc[0, 0] == 7

    def test_mixed_ids_past_the_chunk_size(self, tmp_path: Path) -> None:
        """Ids that look numeric for 262,144+ rows and then not are all text."""
        n = 262_144 + 10
        ids = np.arange(n) % 1000
        frame = pd.DataFrame(
            {"customer_id": ids.astype(str), "date": "2024-01-01", "amount": 1.0}
        )
        frame.loc[n - 5, "customer_id"] = "A-7"
        frame.loc[n - 4, "customer_id"] = "7"
        ids[[n - 5, n - 4]] = (-1, 7)
        path = tmp_path / "big.csv"
        frame.to_csv(path, index=False)
        df = read_table(path, text_columns="customer_id")
        kinds = set(map(type, df["customer_id"]))
        assert kinds == {str}
        assert (df["customer_id"] == "7").sum() == (ids == 7).sum()

    @pytest.mark.parametrize(
        ("name", "text"),
        [
            ("tx.tsv", "customer_id\tdate\tamount\n001\t2024-01-01\t5\n"),
            ("tx.txt", "customer_id\tdate\tamount\n001\t2024-01-01\t5\n"),
            ("tx.txt", "customer_id date   amount\n001  2024-01-01 5\n"),
            ("tx.txt", "customer_id,date,amount\n001,2024-01-01,5\n"),
            ("tx.txt", "customer_id;date;amount\n001;2024-01-01;5\n"),
            ("tx.csv", "customer_id, date, amount\n001, 2024-01-01, 5\n"),
        ],
    )
    def test_separators(self, tmp_path: Path, name: str, text: str) -> None:
        """.tsv is tab-separated; .txt is sniffed; spaces after a separator are skipped."""
        path = tmp_path / name
        path.write_text(text)
        df = read_table(path, text_columns="customer_id")
        assert list(df.columns) == ["customer_id", "date", "amount"]
        assert df.iloc[0].tolist() == ["001", "2024-01-01", 5]

    @pytest.mark.parametrize(
        ("sep", "text"),
        [
            (";", "customer_id;date;amount\n1;2024-01-01;5\n"),
            ("tab", "customer_id\tdate\tamount\n1\t2024-01-01\t5\n"),
            ("\\t", "customer_id\tdate\tamount\n1\t2024-01-01\t5\n"),
            ("whitespace", "customer_id date amount\n1   2024-01-01 5\n"),
            ("|", "customer_id|date|amount\n1|2024-01-01|5\n"),
        ],
    )
    def test_explicit_sep(self, tmp_path: Path, sep: str, text: str) -> None:
        """sep= takes one character, 'tab', '\\t' or 'whitespace'."""
        path = tmp_path / "tx.csv"
        path.write_text(text)
        assert read_table(path, sep=sep).shape == (1, 3)

    @pytest.mark.parametrize("sep", ["ab", "", "\n", '"', "x", "1"])
    def test_bad_sep(self, tmp_path: Path, sep: str) -> None:
        """A separator that cannot work is refused, naming sep and the option."""
        path = tmp_path / "tx.csv"
        path.write_text(HEADER + "1,2024-01-01,5\n")
        with pytest.raises(InputError, match="'sep' must be one character") as info:
            read_table(path, sep=sep)
        assert "--sep" in one_line(info)

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("customer_id;date;amount\n1;2024-01-01;5,5\n2;2024-01-02;3\n", "';'"),
            ("customer_id;date;amount\n1;2024-01-01;5,5,5\n", "';'"),
            ("customer_id\tdate\tamount\n1\t2024-01-01\t5\n", "tab"),
            ("customer_id|date|amount\n1|2024-01-01|5\n", "'|'"),
        ],
    )
    def test_other_separator_is_named(
        self, tmp_path: Path, text: str, shown: str
    ) -> None:
        """A .csv split by another character suggests --sep with that character."""
        path = tmp_path / "tx.csv"
        path.write_text(text)
        with pytest.raises(InputError) as info:
            read_table(path)
        assert f"--sep {shown}" in one_line(info)

    def test_bom(self, tmp_path: Path) -> None:
        """A UTF-8 byte order mark is not part of the first column name."""
        path = tmp_path / "tx.csv"
        path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"1,2024-01-01,5\n")
        assert list(read_table(path).columns) == ["customer_id", "date", "amount"]

    @pytest.mark.parametrize(
        "encoding", ["gbk", "gb18030", "big5", "latin-1", "cp1252"]
    )
    def test_encodings(self, tmp_path: Path, encoding: str) -> None:
        """encoding= reads GBK, Big5, Latin-1 and friends."""
        name = {"latin-1": "Zoë", "cp1252": "Zoë", "big5": "張三"}.get(encoding, "张三")
        path = tmp_path / "tx.csv"
        path.write_bytes((HEADER + f"{name},2024-01-01,5\n").encode(encoding))
        assert read_table(path, encoding=encoding)["customer_id"].tolist() == [name]

    @pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".txt"])
    def test_not_utf8(self, tmp_path: Path, suffix: str) -> None:
        """A GBK file read as UTF-8 names the byte, its line and --encoding."""
        path = tmp_path / f"tx{suffix}"
        data = (HEADER + "1,2024-01-01,5\n张三,2024-01-02,3\n").encode("gbk")
        path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
        with pytest.raises(InputError) as info:
            read_table(path)
        text = one_line(info)
        assert "is not UTF-8 text (byte 0xd5 at line 3)" in text
        assert "--encoding gbk" in text
        assert "as gbk '张三'" in text and "--encoding latin-1" not in text

    def test_utf16_named(self, tmp_path: Path) -> None:
        """A UTF-16 file (Excel's "Unicode text") gets --encoding utf-16, and
        reads with it (a tab-separated .txt)."""
        path = tmp_path / "tx.txt"
        path.write_bytes(
            ("customer_id\tdate\tamount\n007\t2024-01-01\t5\n").encode("utf-16")
        )
        with pytest.raises(InputError, match="UTF-16 byte order mark") as info:
            read_table(path)
        assert "--encoding utf-16" in one_line(info)
        df = read_table(path, encoding="utf-16", text_columns="customer_id")
        assert df.iloc[0].tolist() == ["007", "2024-01-01", 5]

    def test_unknown_encoding(self, tmp_path: Path) -> None:
        """An encoding Python does not know is refused before reading."""
        with pytest.raises(InputError, match="'klingon' is not a known text encoding"):
            read_table(tmp_path / "absent.csv", encoding="klingon")

    @pytest.mark.parametrize(
        "encoding",
        ["rot13", "base64", "zlib_codec", "hex", "bz2_codec", "uu", "undefined"],
    )
    def test_codec_that_is_not_a_text_encoding(
        self, tmp_path: Path, encoding: str
    ) -> None:
        """Bytes-to-bytes and text-to-text codecs are refused before reading."""
        path = tmp_path / "tx.csv"
        path.write_text("customer_id,date,amount\n1,2024-01-01,5\n")
        with pytest.raises(InputError, match="is a codec, but not a text encoding"):
            read_table(path, encoding=encoding)

    @settings(max_examples=60, deadline=None)
    @given(
        encoding=st.one_of(
            st.sampled_from(sorted(set(encodings.aliases.aliases.values()))),
            st.text(max_size=12),
            st.integers(),
            st.none(),
        ),
        sep=st.one_of(st.none(), st.text(max_size=2)),
        suffix=st.sampled_from([".csv", ".txt", ".tsv"]),
    )
    def test_any_encoding_and_sep(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        encoding: object,
        sep: object,
        suffix: str,
    ) -> None:
        """Any codec name (or not a name) and separator: a table or InputError."""
        path = tmp_path_factory.mktemp("enc") / f"tx{suffix}"
        path.write_text("customer_id,date,amount\n1,2024-01-01,5\nNA,20240102,\n")
        with contextlib.suppress(InputError):
            read_table(
                path,
                encoding=encoding,  # type: ignore[arg-type]
                sep=sep,  # type: ignore[arg-type]
                text_columns="customer_id",
            )

    @settings(max_examples=40, deadline=None)
    @given(
        ids=st.lists(
            st.sampled_from([*sorted(_NA_MARKERS - {""}), "1", "007", "x"]),
            min_size=1,
            max_size=8,
        )
    )
    def test_missing_markers_are_ids(
        self, tmp_path_factory: pytest.TempPathFactory, ids: list[str]
    ) -> None:
        """In a text column every pandas missing marker ("NA", "null", "N/A",
        "None", ...) is read as the id it is; the same markers elsewhere stay
        missing."""
        path = tmp_path_factory.mktemp("ids") / "tx.csv"
        rows = "".join(f"{i},2024-01-01,5,{i}\n" for i in ids)
        path.write_text("customer_id,date,amount,note\n" + rows)
        df = read_table(path, text_columns="customer_id")
        assert df["customer_id"].tolist() == ids
        assert df["note"].isna().tolist() == [i in _NA_MARKERS for i in ids]

    def test_empty_id_is_missing(self, tmp_path: Path) -> None:
        """An empty cell in a text column is missing, not the empty string."""
        path = tmp_path / "tx.csv"
        path.write_text("customer_id,date,amount\n,2024-01-01,5\nNA,2024-01-01,\n")
        df = read_table(path, text_columns="customer_id")
        assert df["customer_id"].isna().tolist() == [True, False]
        assert df["amount"].isna().tolist() == [False, True]

    @pytest.mark.parametrize("name", ["tx.csv", "tx.tsv", "tx.txt", "tx.csv.gz"])
    def test_empty_file(self, tmp_path: Path, name: str) -> None:
        """An empty file (also compressed) says it is empty and what it needs."""
        path = tmp_path / name
        path.write_bytes(gzip.compress(b"") if name.endswith(".gz") else b"")
        with pytest.raises(InputError, match="the file is empty") as info:
            read_table(path)
        assert "header line" in one_line(info)

    def test_header_only(self, tmp_path: Path) -> None:
        """A header without rows reads as an empty table with its columns."""
        path = tmp_path / "tx.csv"
        path.write_text(HEADER)
        df = read_table(path)
        assert len(df) == 0
        assert list(df.columns) == ["customer_id", "date", "amount"]

    @pytest.mark.parametrize(
        ("suffix", "pack"),
        [
            (".gz", gzip.compress),
            (".bz2", bz2.compress),
            (".xz", lzma.compress),
            (".zip", None),
        ],
    )
    def test_compressed(self, tmp_path: Path, suffix: str, pack: object) -> None:
        """Compressed text files are read by their extension, ids as text."""
        data = (HEADER + "007,2024-01-01,5\n").encode()
        path = tmp_path / f"tx.csv{suffix}"
        if pack is None:
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("tx.csv", data)
        else:
            path.write_bytes(pack(data))  # type: ignore[operator]
        df = read_table(path, text_columns="customer_id")
        assert df["customer_id"].tolist() == ["007"]

    def test_missing_file_and_folder(self, tmp_path: Path) -> None:
        """A missing file or a folder is refused with the path named."""
        with pytest.raises(InputError, match="does not exist"):
            read_table(tmp_path / "nope.csv")
        (tmp_path / "d.csv").mkdir()
        with pytest.raises(InputError, match="not a file"):
            read_table(tmp_path / "d.csv")

    @pytest.mark.parametrize("name", ["tx\x00.csv", "x" * 300 + ".csv", "tx\udcff.csv"])
    def test_unusable_names(self, tmp_path: Path, name: str) -> None:
        """A NUL, a name too long or undecodable: InputError naming the path."""
        with pytest.raises(InputError, match="does not exist or is not a file"):
            read_table(tmp_path / name)

    @settings(max_examples=50, deadline=None)
    @given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".txt"]))
    def test_any_bytes(
        self, tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
    ) -> None:
        """Any bytes read as a table or raise a one-line InputError, nothing else."""
        path = tmp_path_factory.mktemp("junk") / f"tx{suffix}"
        path.write_bytes(data)
        try:
            df = read_table(path, text_columns="customer_id")
        except InputError as exc:
            assert "\n" not in str(exc)
            assert str(exc).startswith(f"{str(path)!r} ")
        else:
            assert isinstance(df, pd.DataFrame)

    @needs_pyarrow
    def test_parquet_keeps_types(self, tmp_path: Path) -> None:
        """Parquet ids keep their stored type (text_columns only affects text)."""
        path = tmp_path / "tx.parquet"
        pd.DataFrame({"customer_id": [7, 8], "amount": [1.0, 2.0]}).to_parquet(path)
        df = read_table(path, text_columns="customer_id")
        assert df["customer_id"].tolist() == [7, 8]

    @needs_pyarrow
    def test_corrupt_parquet(self, tmp_path: Path) -> None:
        """A file that is not Parquet is a one-line InputError."""
        path = tmp_path / "tx.parquet"
        path.write_bytes(b"PAR1 not really")
        with pytest.raises(InputError, match="cannot be read as parquet") as info:
            read_table(path)
        one_line(info)


class TestParseDateColumn:
    def test_iso_text(self) -> None:
        """ISO 8601 text, with or without time, and 8-digit text parse."""
        out = parse_date_column(
            pd.Series(["2024-01-31", "2024-02-01 10:30:00", "19970101", None]), "date"
        )
        assert out.tolist()[:3] == [
            pd.Timestamp("2024-01-31"),
            pd.Timestamp("2024-02-01 10:30"),
            pd.Timestamp("1997-01-01"),
        ]
        assert pd.isna(out.iloc[3])

    @pytest.mark.parametrize("dtype", ["int64", "Int64", "float64", "int32"])
    def test_yyyymmdd_numbers(self, dtype: str) -> None:
        """YYYYMMDD numbers are dates: 19970101 is 1997, not 1970."""
        col = pd.Series([19970101, 20240229], dtype=dtype, name="day")
        out = parse_date_column(col, "day")
        assert out.tolist() == [pd.Timestamp("1997-01-01"), pd.Timestamp("2024-02-29")]
        assert out.name == "day"

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        None,
                        float("nan"),
                        pd.NA,
                        pd.NaT,
                        np.datetime64("NaT"),
                        np.float32("nan"),
                    ]
                ),
                st.sampled_from([20240131, "2024-02-01", 19970101.0, "20240229"]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_any_missing_marker_beside_numbers_and_text(self, values) -> None:
        """Numbers and text in one object column (a CSV read in chunks) with
        missing values of any kind (None, NaN, pd.NA, NaT): the dates parse,
        the missing values stay missing (pd.NA made a bare TypeError)."""
        col = pd.Series(values, dtype=object)
        out = parse_date_column(col, "date")
        missing = [
            x is None or x is pd.NA or x is pd.NaT or bool(pd.isna(x)) for x in values
        ]
        assert out.isna().tolist() == missing
        want = {20240131: "2024-01-31", "2024-02-01": "2024-02-01"}
        want |= {19970101.0: "1997-01-01", "20240229": "2024-02-29"}
        for x, got, gap in zip(values, out, missing, strict=True):
            if not gap:
                assert got == pd.Timestamp(want[x])

    def test_yyyymmdd_with_gaps(self) -> None:
        """Missing values in a YYYYMMDD column (read as float) stay missing."""
        out = parse_date_column(pd.Series([19970101.0, np.nan]), "date")
        assert out.iloc[0] == pd.Timestamp("1997-01-01")
        assert pd.isna(out.iloc[1])

    @pytest.mark.parametrize(
        ("values", "bad", "row"),
        [
            ([20240101, 1706659200], 1706659200, 1),
            ([45000], 45000, 0),
            ([20240101, 20241341], 20241341, 1),
            ([20240101.5], 20240101.5, 0),
            ([-20240101], -20240101, 0),
        ],
    )
    def test_other_numbers(self, values: list[float], bad: float, row: int) -> None:
        """Numbers that are not YYYYMMDD are refused, naming the first one; the
        fix does not suggest reading them as Unix seconds."""
        with pytest.raises(InputError, match="not YYYYMMDD dates") as info:
            parse_date_column(pd.Series(values), "date")
        text = str(info.value)
        assert f"such as {bad!r}" in text
        assert f"first at row {row}" in text
        assert "unit=" not in text

    def test_booleans(self) -> None:
        """Booleans are not dates."""
        with pytest.raises(InputError, match="not dates"):
            parse_date_column(pd.Series([True, False]), "date")

    def test_bad_text_named(self) -> None:
        """The first text value that is not a date is named, with its row and count."""
        with pytest.raises(InputError) as info:
            parse_date_column(pd.Series(["2024-01-01", "20/01/2024", "soon"]), "when")
        text = one_line(info)
        assert "'when' has values that are not dates, such as '20/01/2024'" in text
        assert "first at row 1, 2 rows affected" in text
        # no one format reads both shapes (audit 23: none is offered)
        assert "mixes date shapes ('2024-01-01' and '20/01/2024')" in text

    @pytest.mark.parametrize(
        ("values", "fmt"),
        [
            (["31/01/2024", "01/02/2024"], "%d/%m/%Y"),
            (["01/31/2024 14:05", "02/01/2024 00:00"], "%m/%d/%Y %H:%M"),
            ([20243101, 20240102], "%Y%d%m"),
        ],
    )
    def test_date_format(self, values: list[object], fmt: str) -> None:
        """date_format reads text (and numbers) in that format."""
        out = parse_date_column(pd.Series(values), "date", date_format=fmt)
        assert out.dt.normalize().tolist() == [
            pd.Timestamp("2024-01-31"),
            pd.Timestamp("2024-02-01"),
        ]

    def test_date_format_mismatch(self) -> None:
        """Values that do not match date_format are named with the format."""
        with pytest.raises(InputError, match="do not match the date format") as info:
            parse_date_column(
                pd.Series(["31/01/2024", "2024-02-01"]), "date", date_format="%d/%m/%Y"
            )
        assert "'2024-02-01'" in one_line(info)

    @pytest.mark.parametrize(
        "fmt", ["%Q", "%Y%Y%Y%Y", "%Y-%m-%d%z%z", "%", "", "a\x00", 5, b"%Y"]
    )
    def test_bad_date_format(self, fmt: object) -> None:
        """An unusable strftime format (unknown or repeated directive, stray %,
        empty, not text) is refused, naming date_format."""
        with pytest.raises(InputError, match="'date_format'"):
            parse_date_column(pd.Series(["2024"]), "date", date_format=fmt)  # type: ignore[arg-type]
        with pytest.raises(InputError, match="'date_format'"):
            check_date_format(fmt)

    @settings(max_examples=80, deadline=None)
    @given(
        fmt=st.text(alphabet="%%YmdHMSzZjbBaApQyIfGVu-/ :", min_size=1, max_size=10),
        values=st.lists(
            st.one_of(st.text(max_size=10), st.integers(0, 10**9), st.none()),
            max_size=4,
        ),
    )
    def test_any_date_format(self, fmt: str, values: list[object]) -> None:
        """Any format and values: datetimes or an InputError, never another
        exception (re.error, ValueError from pandas' strptime)."""
        with contextlib.suppress(InputError):
            parse_date_column(pd.Series(values, dtype=object), "date", date_format=fmt)
        with contextlib.suppress(InputError):
            parse_date_text("2024-01-31", "as_of", date_format=fmt)

    def test_datetimes_unchanged(self) -> None:
        """A datetime column comes back as it is."""
        col = pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01"]))
        assert parse_date_column(col, "date") is col

    @settings(max_examples=50, deadline=None)
    @given(
        st.lists(
            st.dates(min_value=pd.Timestamp("1000-01-01").date()),
            min_size=1,
            max_size=20,
        )
    )
    def test_yyyymmdd_round_trip(self, days: list[object]) -> None:
        """Every date written as a YYYYMMDD integer parses back to itself."""
        col = pd.Series([int(d.strftime("%Y%m%d")) for d in days])  # type: ignore[attr-defined]
        out = parse_date_column(col, "date")
        assert [t.date() for t in out] == days

    @settings(max_examples=50, deadline=None)
    @given(st.integers(-(10**12), 10**12))
    def test_numbers_parse_or_refuse(self, value: int) -> None:
        """Any integer is a YYYYMMDD date or a one-line InputError naming it."""
        try:
            out = parse_date_column(pd.Series([value]), "date")
        except InputError as exc:
            assert f"such as {value!r}" in str(exc)
        else:
            assert out.iloc[0].strftime("%Y%m%d") == f"{value:08d}"


class TestParseDateText:
    @settings(max_examples=60, deadline=None)
    @given(day=st.dates(min_value=pd.Timestamp("1000-01-01").date()))
    def test_yyyymmdd_equals_iso(self, day: object) -> None:
        """A day written YYYYMMDD parses to the day written in ISO 8601."""
        compact = day.strftime("%Y%m%d")  # type: ignore[attr-defined]
        iso = day.isoformat()  # type: ignore[attr-defined]
        assert parse_date_text(compact, "as_of") == parse_date_text(iso, "as_of")
        assert parse_date_text(compact, "as_of").date() == day

    @settings(max_examples=60, deadline=None)
    @given(digits=st.from_regex(r"[0-9]{1,16}", fullmatch=True))
    def test_bare_digits_are_only_yyyymmdd(self, digits: str) -> None:
        """Bare digits are a YYYYMMDD day (years 1000-9999) or refused: 202403
        and 2024 are never read as years."""
        try:
            out = parse_date_text(digits, "as_of")
        except InputError as exc:
            assert "'as_of' is not a day" in str(exc)
            assert "20240301" in str(exc)
        else:
            assert len(digits) == 8
            assert out.strftime("%Y%m%d") == digits

    @pytest.mark.parametrize("text", ["soon", "", "NaT", "2024-02-30", "2024\x00"])
    def test_not_a_day(self, text: str) -> None:
        """Text that is no day is one InputError naming the option."""
        with pytest.raises(InputError, match="'as_of' is not a day"):
            parse_date_text(text, "as_of")

    def test_date_format_tried_last(self) -> None:
        """With a date format, the day may be written in it too."""
        assert parse_date_text(
            "31/01/2024", "as_of", date_format="%d/%m/%Y"
        ) == pd.Timestamp("2024-01-31")
        assert parse_date_text(
            "2024-01-31", "as_of", date_format="%d/%m/%Y"
        ) == pd.Timestamp("2024-01-31")


class TestWriteTable:
    def test_csv_numbers(self, tmp_path: Path) -> None:
        """Money in cents (float noise dropped, a sub-cent amount kept), days
        and scores as integers, other floats as their shortest exact text,
        missing as empty cells."""
        df = pd.DataFrame(
            {
                "monetary": [232.07999999999998, -0.001, np.nan],
                "recency_days": [3.0, np.nan, 400.0],
                "frequency": [2, 0, 1],
                "r": pd.array([5, pd.NA, 1], dtype="Int8"),
                "f": [5.0, np.nan, 1.0],
                "ratio": [0.1 + 0.2, 1 / 3, np.nan],
            },
            index=pd.Index(["00007", "00010", "x"], name="customer_id"),
        )
        path = tmp_path / "out.csv"
        write_table(df, path)
        assert path.read_text().splitlines() == [
            "customer_id,monetary,recency_days,frequency,r,f,ratio",
            "00007,232.08,3,2,5,5,0.30000000000000004",
            "00010,-0.001,,0,,,0.3333333333333333",
            "x,,400,1,1,1,",
        ]

    def test_unnamed_index_left_out(self, tmp_path: Path) -> None:
        """An unnamed index is not written; a named one is the first column."""
        path = tmp_path / "out.csv"
        write_table(pd.DataFrame({"x": [1, 2]}, index=[5, 6]), path)
        assert path.read_text() == "x\n1\n2\n"

    def test_fractional_days_kept(self, tmp_path: Path) -> None:
        """Day counts with fractions are not truncated."""
        path = tmp_path / "out.csv"
        write_table(pd.DataFrame({"tenure_days": [1.5, 2.0]}), path)
        assert path.read_text() == "tenure_days\n1.5\n2\n"

    @settings(max_examples=50, deadline=None)
    @given(
        st.lists(
            st.one_of(st.floats(-1e9, 1e9), st.floats(allow_nan=False)),
            min_size=1,
            max_size=20,
        )
    )
    @example([-0.0078125, -0.001, -1e-13, -0.004999999])  # near zero, both sides
    def test_money_is_cents(self, values: list[float]) -> None:
        """Every money value is written with two decimals when it is whole
        cents up to float noise (1e-12 of it, and at most a millionth or 4
        units of its last place), else as its shortest exact text; it reads
        back as its cents or exactly (huge and infinite values too, without
        overflow warnings)."""
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "out.csv"
            write_table(pd.DataFrame({"monetary": values}), path)
            lines = path.read_text().splitlines()[1:]
        for value, text in zip(values, lines, strict=True):
            if np.isinf(value):
                assert text == ("inf" if value > 0 else "-inf")
                continue
            cents = round(value, 2)
            # no negative zero cents; -0.0078125 (not cents) is written whole
            assert text != "-0.00", text
            small = abs(value) < 1e15
            last_place = float(np.spacing(value)) if small else 0.0
            noise = min(1e-12 * max(1.0, abs(value)), max(1e-6, 4 * last_place))
            if small and abs(value - cents) <= noise:
                assert len(text.rsplit(".", 1)[1]) == 2, text
                assert float(text) == cents or abs(float(text) - value) <= 1e-12 * abs(
                    value
                )
            else:
                assert float(text) == value, text  # nothing lost

    @pytest.mark.parametrize("suffix", [".tsv", ".txt", ".tsv.gz"])
    def test_tab_separated(self, tmp_path: Path, suffix: str) -> None:
        """.tsv and .txt are written tab-separated and read back."""
        path = tmp_path / f"out{suffix}"
        write_table(pd.DataFrame({"a": ["007"], "b": [1]}), path)
        back = read_table(path, text_columns="a")
        assert back.iloc[0].tolist() == ["007", 1]

    def test_zip_member_name(self, tmp_path: Path) -> None:
        """A .csv.zip holds one member named like the target, not the temp file."""
        path = tmp_path / "out.csv.zip"
        write_table(pd.DataFrame({"a": [1]}), path)
        with zipfile.ZipFile(path) as z:
            assert z.namelist() == ["out.csv"]

    @pytest.mark.parametrize(
        ("name", "needle"),
        [
            ("out\x00.csv", "NUL character"),
            ("x" * 300 + ".csv", "File name too long"),
            ("no/such/out.csv", "does not exist"),
        ],
    )
    def test_unusable_names(self, tmp_path: Path, name: str, needle: str) -> None:
        """A NUL, a name too long or a missing folder: InputError, nothing left."""
        with pytest.raises(InputError, match=needle):
            write_table(pd.DataFrame({"a": [1]}), tmp_path / name)
        assert list(tmp_path.iterdir()) == []

    def test_mode_follows_umask(self, tmp_path: Path) -> None:
        """The written file has the usual permissions, not the temp file's 0600."""
        path = tmp_path / "out.csv"
        write_table(pd.DataFrame({"a": [1]}), path)
        mask = os.umask(0o022)
        os.umask(mask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask

    def test_failed_write_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A full disk mid-write: one-line InputError, no partial or temp file,
        an existing target untouched."""
        real = pd.DataFrame.to_csv

        def full_disk(self: pd.DataFrame, path: str, **kwargs: object) -> None:
            real(self.head(1), path, **kwargs)  # type: ignore[arg-type]
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
        path = tmp_path / "out.csv"
        with pytest.raises(InputError, match="No space left on device") as info:
            write_table(pd.DataFrame({"a": [1, 2]}), path)
        assert "free some disk space" in one_line(info)
        assert list(tmp_path.iterdir()) == []
        path.write_text("old\n")
        with pytest.raises(InputError):
            write_table(pd.DataFrame({"a": [1, 2]}), path)
        assert path.read_text() == "old\n"
        assert list(tmp_path.iterdir()) == [path]

    def test_interrupted_write_cleans_up(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An interrupt mid-write removes the temp file and propagates."""

        def interrupted(self: pd.DataFrame, path: str, **kwargs: object) -> None:
            Path(path).write_text("partial")
            raise KeyboardInterrupt

        monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.csv")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() == 0,
        reason="root may write anywhere",
    )
    def test_read_only_folder(self, tmp_path: Path) -> None:
        """A folder without write permission is a one-line InputError."""
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            with pytest.raises(InputError, match="cannot be written") as info:
                write_table(pd.DataFrame({"a": [1]}), folder / "out.csv")
            assert "Permission denied" in one_line(info)
        finally:
            folder.chmod(0o700)

    def test_missing_folder_and_folder_target(self, tmp_path: Path) -> None:
        """A missing folder or a folder as target is refused, naming it."""
        with pytest.raises(InputError, match="does not exist"):
            write_table(pd.DataFrame({"a": [1]}), tmp_path / "no" / "out.csv")
        (tmp_path / "d.csv").mkdir()
        with pytest.raises(InputError, match="it is a folder"):
            write_table(pd.DataFrame({"a": [1]}), tmp_path / "d.csv")

    @needs_pyarrow
    def test_parquet_keeps_types(self, tmp_path: Path) -> None:
        """Parquet keeps nullable integers and categoricals; the named index is a column."""
        df = pd.DataFrame(
            {
                "r": pd.array([5, pd.NA], dtype="Int8"),
                "abc": pd.Categorical(
                    ["A", "C"], categories=["A", "B", "C"], ordered=True
                ),
                "monetary": [232.07999999999998, 1.0],
            },
            index=pd.Index(["007", "010"], name="customer_id"),
        )
        path = tmp_path / "out.parquet"
        write_table(df, path)
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, df.reset_index())
