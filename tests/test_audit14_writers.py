"""Audit 14, output integrity: what the writers put in a file reads back.

Text that is not Unicode (lone surrogates, from a non-UTF-8 command line or
``surrogateescape`` text), money with fractions of a cent, floats with 16-17
significant digits (records, float ids), column names a reader would alter,
pyarrow failures, compressed outputs that differ on every run, an id column
named like an output column, a binary record column, and missing values
under pandas' ``future.distinguish_nan_and_na``. Each test names the class
of inputs it covers; the round trips go through ``write_table`` and then
``read_table``, the readers of custseg's own commands.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import math
import struct
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HAS_PYARROW, needs_pyarrow
from custseg import _cli_report, cli
from custseg.errors import CustsegWarning, InputError
from custseg.frame import read_table, segment, write_table
from custseg.reporting import Report

#: Parquet needs the parquet extra (the README's test command has not)
_PARQUET = ["parquet"] if HAS_PYARROW else []

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]
_TX = "customer_id,date,amount\nc1,2024-01-05,10\nc2,2024-02-05,20\n"


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def _segment(*args: object, **kwargs: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return segment(*args, **kwargs).customers


def _same_floats(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal as doubles, NaN beside NaN (and -0.0 beside 0.0)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


# -- Q1: text that is not Unicode ---------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8"), max_size=6)


class TestNotUnicode:
    """Any text holding a lone surrogate, in an id, a label, a value or a
    column name, in every format: an InputError naming the column and its
    first row, never a UnicodeEncodeError; no file left."""

    @settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(
        before=_TEXT,
        after=_TEXT,
        surrogate=st.integers(0xD800, 0xDFFF).map(chr),
        where=st.sampled_from(["id", "label", "name"]),
        row=st.integers(0, 2),
        ext=st.sampled_from(["csv", "tsv", "txt.gz", "csv.zip", *_PARQUET]),
    )
    def test_surrogates_anywhere(
        self,
        tmp_path: Path,
        before: str,
        after: str,
        surrogate: str,
        where: str,
        row: int,
        ext: str,
    ) -> None:
        bad = before + surrogate + after
        ids = ["a", "b", "c"]
        labels = ["x", "y", "z"]
        name = "label"
        if where == "id":
            ids[row] = bad
        elif where == "label":
            labels[row] = bad
        else:
            name = bad
        df = pd.DataFrame(
            {"label": pd.Series(labels, dtype=object), "monetary": [1.0, 2.5, 0.004]}
        )
        df.columns = pd.Index([name, "monetary"], dtype=object)
        df.index = pd.Index(ids, dtype=object, name="customer_id")
        path = tmp_path / f"out.{ext}"
        with pytest.raises(InputError) as info:
            write_table(df, path)
        expected = {"id": "customer_id", "label": "label", "name": bad}[where]
        assert info.value.field == expected
        assert "not Unicode" in str(info.value)
        if where != "name":
            assert info.value.first_row == row
        assert not path.exists()
        assert list(tmp_path.iterdir()) == []

    def test_segment_result_with_surrogate_id(self, tmp_path: Path) -> None:
        tx = pd.DataFrame(
            {
                "customer_id": pd.Series(["a\ud800", "b"], dtype=object),
                "date": ["2024-01-01", "2024-02-01"],
                "amount": [1.0, 2.0],
            }
        )
        seg = _segment(tx)
        for ext in ("csv", *_PARQUET):
            with pytest.raises(InputError, match=r"customer_id.*not Unicode"):
                write_table(seg, tmp_path / f"x.{ext}")

    def test_page_with_surrogate(self, tmp_path: Path) -> None:
        page = Report("<!DOCTYPE html><title>Q4 \udcff</title>", ("inputs",), "t")
        with pytest.raises(InputError, match=r"r\.html.*not Unicode.*line 1"):
            page.write(tmp_path / "r.html")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize(
        ("argv", "option"),
        [
            (["report", "s.csv", "--no-charts", "--title", "Q4 \udcff"], "--title"),
            (["segment", "s.csv", "--customer", "k\udce4ufer"], "--customer"),
            (
                [
                    "due",
                    "seg.csv",
                    "--as-of",
                    "2024-03-01",
                    "--cadence",
                    "30",
                    "--holiday",
                    "f\udceate=2024-03-02",
                    "--output",
                    "due.csv",
                ],
                "--holiday",
            ),
        ],
    )
    def test_command_line_text_not_utf8(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        argv: list[str],
        option: str,
    ) -> None:
        """A byte that is not UTF-8 on the command line (Python keeps it as
        a lone surrogate): one error line naming the option, status 2,
        nothing written."""
        monkeypatch.chdir(tmp_path)
        Path("s.csv").write_text(_TX)
        assert _run(["segment", "s.csv", "--output", "seg.csv"])[0] == 0
        before = sorted(p.name for p in tmp_path.iterdir())
        code, _, err = _run(argv)
        assert code == 2
        assert err.startswith(f"custseg: error: {option} ")
        assert "is not UTF-8 text" in err
        assert len(err.strip().splitlines()) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        # file names may hold any bytes: only the other options are refused
        Path("s\udcff.csv").write_text(_TX)
        code, _, _ = _run(["segment", "s\udcff.csv", "--output", "o\udcff.csv"])
        assert code == 0
        assert Path("o\udcff.csv").exists()


# -- Q3: money ------------------------------------------------------------------

_MONEY_NAMES = ["monetary", "revenue", "avg_order_value", "monetary_mean"]


def _money_back(tmp_path: Path, values: list[float], ext: str = "csv") -> pd.Series:
    df = pd.DataFrame(
        {"monetary": values}, index=pd.Index(range(len(values)), name="customer_id")
    )
    path = tmp_path / f"m.{ext}"
    write_table(df, path)
    return read_table(path, text_columns=["monetary"])["monetary"]


class TestMoney:
    """Money columns with fractions of a cent (3-decimal currencies, small
    units, means) keep them; float noise around whole cents is written in
    cents; whole cents keep two decimals."""

    def test_examples(self, tmp_path: Path) -> None:
        text = _money_back(
            tmp_path,
            [0.004, 12.345, 232.07999999999998, 200.5, 10 / 3, -0.0, 0.1 + 0.2, 1e-9],
        ).tolist()
        assert text == [
            "0.004",
            "12.345",
            "232.08",
            "200.50",
            "3.3333333333333335",
            "0.00",
            "0.30",
            "1e-09",
        ]

    @settings(max_examples=60, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True),
                st.integers(-(10**12), 10**12).map(lambda c: c / 100),
                st.integers(-(10**9), 10**9).map(lambda c: c / 1000),
                st.floats(-1e6, 1e6).map(lambda x: x + 1e-13),
            ),
            min_size=1,
            max_size=8,
        ),
        st.sampled_from(_MONEY_NAMES),
        st.sampled_from(["csv", "tsv", "csv.gz"]),
    )
    def test_round_trip(
        self, tmp_path: Path, values: list[float], name: str, ext: str
    ) -> None:
        df = pd.DataFrame({name: values}, index=pd.Index(range(len(values)), name="id"))
        path = tmp_path / f"m.{ext}"
        write_table(df, path)
        text = read_table(path, text_columns=[name])[name].tolist()
        for v, t in zip(values, text, strict=True):
            if math.isnan(v):
                assert t is None or (isinstance(t, float) and math.isnan(t))
                continue
            back = float(t)
            if back == v:
                continue
            # written in cents: only float noise was dropped
            assert t.split(".")[-1].isdigit() and len(t.split(".")[-1]) == 2
            assert abs(back - v) <= 1e-12 * max(1.0, abs(v))
        cents = [v for v in values if math.isfinite(v) and abs(v) < 1e12]
        for v, t in zip(values, text, strict=True):
            if v in cents and float(f"{v:.2f}") == v:
                assert t == f"{v + 0.0:.2f}"  # whole cents: 2 decimals

    def test_three_decimal_currency_segment(self, tmp_path: Path) -> None:
        """`segment --output` of fils: the file's monetary is the result's."""
        rng = np.random.default_rng(2)
        tx = pd.DataFrame(
            {
                "customer_id": [f"k{i:03d}" for i in range(60)],
                "date": [f"2024-0{1 + i % 9}-1{i % 9}" for i in range(60)],
                "amount": np.round(rng.uniform(0.001, 0.009, 60), 3),
            }
        )
        tx.to_csv(tmp_path / "kwd.csv", index=False)
        out = tmp_path / "out.csv"
        assert (
            _run(["segment", str(tmp_path / "kwd.csv"), "--output", str(out)])[0] == 0
        )
        back = read_table(out, text_columns=["customer_id"]).set_index("customer_id")
        seg = _segment(str(tmp_path / "kwd.csv"))
        assert _same_floats(back["monetary"].to_numpy(), seg["monetary"].to_numpy())


# -- Q6, Q12, Q2: other floats --------------------------------------------------

_DOUBLES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(allow_subnormal=True, width=64),
    st.integers(-(2**64), 2**64).map(float),
    st.sampled_from([0.1 + 0.2, 0.7000000000000001, 1234567890123456.0, 2.0**63]),
)


class TestFloats:
    """Every float that is not money, in records, own columns and the id
    column, reads back as the same double (16-17 digits, whole numbers past
    2**53, subnormals); whole ones are written as integers."""

    @settings(max_examples=80, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(
        st.lists(_DOUBLES, min_size=1, max_size=8),
        st.sampled_from(["repurchase", "recency_days", "r", "share", "card_no"]),
        st.sampled_from(["csv", "tsv", "txt.xz"]),
    )
    def test_round_trip(
        self, tmp_path: Path, values: list[float], name: str, ext: str
    ) -> None:
        df = pd.DataFrame(
            {name: values},
            index=pd.Index([f"c{i}" for i in range(len(values))], name="id"),
        )
        path = tmp_path / f"f.{ext}"
        write_table(df, path)
        back = read_table(path, text_columns=["id"])
        assert _same_floats(back[name].to_numpy(dtype=np.float64), np.array(values))

    @settings(max_examples=60, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(
        st.lists(_DOUBLES.filter(math.isfinite), min_size=1, max_size=8, unique=True)
    )
    def test_float_ids_stay_apart(self, tmp_path: Path, ids: list[float]) -> None:
        if len({struct.pack("<d", x + 0.0) for x in ids}) < len(ids):
            return  # 0.0 and -0.0: one id
        df = pd.DataFrame(
            {"monetary": [1.0] * len(ids)}, index=pd.Index(ids, name="customer_id")
        )
        path = tmp_path / "ids.csv"
        write_table(df, path)
        text = read_table(path, text_columns=["customer_id"])["customer_id"]
        assert text.is_unique
        assert [float(t) for t in text] == ids

    def test_examples(self, tmp_path: Path) -> None:
        df = pd.DataFrame(
            {"repurchase": [0.7000000000000001, 0.7, np.nan, 17.0]},
            index=pd.Index(
                [1234567890123456.0, 1234567890123457.0, 17.0, 0.1 + 0.2],
                name="customer_id",
            ),
        )
        write_table(df, tmp_path / "x.csv")
        assert (tmp_path / "x.csv").read_text().splitlines() == [
            "customer_id,repurchase",
            "1234567890123456,0.7000000000000001",
            "1234567890123457,0.7",
            "17,",
            "0.30000000000000004,17",
        ]

    def test_records_number_fields_keep_their_digits(self, tmp_path: Path) -> None:
        """Q6: the written records give the same labels as the read ones."""
        (tmp_path / "s.csv").write_text(_TX)
        (tmp_path / "rec.csv").write_text(
            "customer_id,satisfaction,repurchase,referral,nps\n"
            "c1,very_satisfied,0.7000000000000001,very_likely,8\n"
            "c2,very_satisfied,0.7,very_likely,8\n"
        )
        out = tmp_path / "out.csv"
        argv = [
            "segment",
            str(tmp_path / "s.csv"),
            "--records",
            str(tmp_path / "rec.csv"),
        ]
        assert _run([*argv, "--preset", "ecommerce", "--output", str(out)])[0] == 0
        back = read_table(out, text_columns=["customer_id"])
        assert back["repurchase"].tolist() == [0.7000000000000001, 0.7]
        assert back["nps"].astype(str).tolist() == ["8", "8"]

    def test_int_records_made_float_by_the_join(self, tmp_path: Path) -> None:
        """Q2 (the writer's part): an int record column that the join made
        float is written as the integers the floats hold, no exponent."""
        tx = pd.read_csv(io.StringIO(_TX))
        rec = pd.DataFrame(
            {
                "customer_id": ["c1"],
                "card_no": [1234567890123456789],
                "pts": [2**53 + 2],
            }
        )
        seg = _segment(tx, records=rec)
        write_table(seg, tmp_path / "o.csv")
        back = read_table(
            tmp_path / "o.csv", text_columns=["customer_id", "card_no", "pts"]
        )
        for name in ("card_no", "pts"):
            held = seg.loc["c1", name]
            assert back[name].iloc[0] == str(int(held))
            assert "e" not in back[name].iloc[0]


# -- Q4: column names ------------------------------------------------------------

_NAME_CHARS = st.sampled_from(list(" \t\r\n\",;|'ab1é\ufeff\x0b\x1c\u2028#="))


class TestNames:
    """Column names a reader would alter (a space or tab first, a carriage
    return, a byte order mark first) are quoted like values; names a text
    file cannot give back are refused, naming them."""

    @settings(max_examples=80, deadline=None, suppress_health_check=_FIXTURE_OK)
    @given(
        st.lists(st.text(_NAME_CHARS, min_size=1, max_size=5), min_size=1, max_size=4),
        st.sampled_from(["csv", "tsv", "csv.gz"]),
        st.booleans(),
    )
    def test_round_trip(
        self, tmp_path: Path, names: list[str], ext: str, spaced_value: bool
    ) -> None:
        if len(set(names)) < len(names) or "customer_id" in names:
            return
        df = pd.DataFrame(
            {n: [" x" if spaced_value else "x", "y"] for n in names},
            index=pd.Index(["c1", "c2"], name="customer_id"),
        )
        path = tmp_path / f"n.{ext}"
        write_table(df, path)
        with warnings.catch_warnings():  # ('a' and 'a ': audit 28 warns)
            warnings.filterwarnings("ignore", ".*names read alike", CustsegWarning)
            back = read_table(path, text_columns=["customer_id", *names])
        assert list(back.columns) == ["customer_id", *names]
        assert back[names[0]].tolist() == df[names[0]].tolist()

    def test_names_of_the_audit(self, tmp_path: Path) -> None:
        (tmp_path / "s.csv").write_text(_TX)
        (tmp_path / "rcr.csv").write_text(
            'customer_id,"note\rx",vip," vip"\nc1,hi,1,2\n'
        )
        out = tmp_path / "out.csv"
        argv = [
            "segment",
            str(tmp_path / "s.csv"),
            "--records",
            str(tmp_path / "rcr.csv"),
        ]
        assert _run([*argv, "--output", str(out)])[0] == 0
        code, _, err = _run(["migrate", str(out), str(out)])
        assert code == 0, err
        with pytest.warns(CustsegWarning, match=r"read alike.*'vip', ' vip'"):
            names = list(read_table(out).columns)  # (audit 28: they read alike)
        assert "note\rx" in names and "vip" in names and " vip" in names
        # a byte order mark first in the header: kept, not read as the file's
        bom = pd.DataFrame({"\ufeffa": [" 1"], "\rb": ["2"]})
        write_table(bom, tmp_path / "bom.csv")
        back = read_table(tmp_path / "bom.csv", text_columns=["\ufeffa", "\rb"])
        assert list(back.columns) == ["\ufeffa", "\rb"]
        assert back.iloc[0].tolist() == [" 1", "2"]

    def test_names_twice_or_empty_refused(self, tmp_path: Path) -> None:
        twice = pd.DataFrame([[1, 2]], columns=["a", "a"])
        with pytest.raises(InputError, match=r"'a' cannot be written.*two columns"):
            write_table(twice, tmp_path / "t.csv")
        numbers = pd.DataFrame([[1, 2]], columns=[1, "1"])
        with pytest.raises(InputError, match="'1' cannot be written"):
            write_table(numbers, tmp_path / "t.csv")
        empty = pd.DataFrame({"": [1], "a": [2]})
        with pytest.raises(InputError, match="empty name"):
            write_table(empty, tmp_path / "t.csv")
        assert list(tmp_path.iterdir()) == []


# -- Q9: Parquet failures ----------------------------------------------------------


@needs_pyarrow
@pytest.mark.parametrize(
    ("values", "dtype"),
    [([2**70, 1], object), ([1 + 2j, 3j], np.complex128), ([-(2**64), 5], object)],
    ids=["int-past-int64", "complex", "int-below-int64"],
)
def test_parquet_failures_are_input_errors(
    tmp_path: Path, values: list[object], dtype: object
) -> None:
    """OverflowError and ArrowNotImplementedError, not only ValueError."""
    tx = pd.read_csv(io.StringIO(_TX))
    rec = pd.DataFrame(
        {"customer_id": ["c1", "c2"], "odd": pd.Series(values, dtype=dtype)}
    )
    seg = _segment(tx, records=rec)
    path = tmp_path / "x.parquet"
    with pytest.raises(
        InputError, match=r"cannot be written as parquet.*write a \.csv"
    ):
        write_table(seg, path)
    assert list(tmp_path.iterdir()) == []


# -- Q10: compressed outputs -----------------------------------------------------


@pytest.mark.parametrize("ext", ["csv.gz", "tsv.gz", "csv.zip"])
def test_compressed_outputs_are_the_same_bytes(tmp_path: Path, ext: str) -> None:
    df = pd.DataFrame(
        {"x": [1.5, 2.0], "label": [" a", "b"]}, index=pd.Index(["c1", "c2"], name="id")
    )
    path = tmp_path / f"a.{ext}"
    write_table(df, path)
    first = path.read_bytes()
    write_table(df, path)
    assert path.read_bytes() == first
    assert read_table(path, text_columns=["id", "label"])["label"].tolist() == [
        " a",
        "b",
    ]
    if ext.endswith(".gz"):
        # FLG.FNAME set, the target's name without .gz, MTIME 0
        assert first[3] & 0x08
        assert first[4:8] == b"\0\0\0\0"
        stored = first[10 : first.index(b"\0", 10)].decode("latin-1")
        assert stored == path.name[: -len(".gz")]
        assert gzip.decompress(first).startswith(b"id")
    if ext.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            (info,) = z.infolist()
            assert info.filename == "a.csv"
            assert info.date_time == (1980, 1, 1, 0, 0, 0)


# -- Q11: an id column named like an output column -------------------------------


class TestIdNamedLikeAColumn:
    @pytest.mark.parametrize("name", ["m", "r", "rfm", "abc", "lifecycle", "monetary"])
    def test_write_table(self, tmp_path: Path, name: str) -> None:
        tx = pd.read_csv(io.StringIO(_TX)).rename(columns={"customer_id": name})
        seg = _segment(tx, customer=name)
        for ext in ("csv", *_PARQUET):
            with pytest.raises(
                InputError, match=f"'{name}' cannot be written.*id column"
            ):
                write_table(seg, tmp_path / f"o.{ext}")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("name", ["m", "f", "rfm", "tenure_days", "abc"])
    @pytest.mark.parametrize("command", ["segment", "report"])
    def test_command_line_refuses_before_computing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, command: str
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("tx.csv").write_text(_TX.replace("customer_id", name, 1))
        argv = [command, "tx.csv", "--customer", name]
        if command == "segment":
            argv += ["--output", "out.csv"]
        else:
            argv += ["--no-charts", "--csv", "out.csv", "--output", "r.html"]
        calls: list[object] = []
        monkeypatch.setattr(cli, "segment", lambda *a, **k: calls.append(a))
        monkeypatch.setattr(_cli_report, "report", lambda *a, **k: calls.append(a))
        code, _, err = _run(argv)
        assert code == 2
        assert f"custseg: error: '{name}' is the customer column (--customer)" in err
        assert calls == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["tx.csv"]

    def test_rules_output_and_without_output(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("tx.csv").write_text(_TX.replace("customer_id", "loyalty", 1))
        base = ["segment", "tx.csv", "--customer", "loyalty", "--preset", "ecommerce"]
        # ecommerce writes no loyalty column without --records (answers), so
        # the id column keeps its name (audit 39: a clash only with outputs
        # the run writes; tests/test_audit39_left.py has the refused case)
        code, _, err = _run([*base, "--output", "o.csv"])
        assert code == 0, err
        back = pd.read_csv("o.csv", dtype=str)
        assert back.columns[0] == "loyalty" and list(back.columns).count("loyalty") == 1
        assert _run(base)[0] == 0  # printed only: no file, no clash

    def test_assign_output_column(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("aw.csv").write_text("change,monetary\nc1,10\nc2,20\n")
        Path("st.csv").write_text("staff\nann\nbob\n")
        code, _, err = _run(["assign", "aw.csv", "st.csv", "--output", "own.csv"])
        assert code == 2
        assert err.startswith("custseg: error: 'change' cannot be written to 'own.csv'")
        assert not Path("own.csv").exists()


# -- Q5: a binary record column ------------------------------------------------------


def test_binary_record_column_named_once(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    (tmp_path / "s.csv").write_text(_TX)
    rec = tmp_path / "rec_bin.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": ["c1", "c2"],
                "photo_hash": pa.array([b"\xff\x00", b"\xfe"], pa.binary()),
            }
        ),
        rec,
    )
    code, _, err = _run(["segment", str(tmp_path / "s.csv"), "--records", str(rec)])
    assert code == 2
    line = err.strip().splitlines()[-1]
    assert line.count(str(rec)) == 1
    assert line.startswith(f"custseg: error: 'photo_hash' of the records file '{rec}'")
    assert "the ids" not in line
    assert "store 'photo_hash' as text" in line
    assert "2 rows affected" in line


# -- R3: nullable integers under distinguish_nan_and_na -----------------------------


def test_missing_days_under_distinguish_nan_and_na(tmp_path: Path) -> None:
    try:
        pd.get_option("future.distinguish_nan_and_na")
    except Exception:  # pandas without the option
        pytest.skip("pandas has no future.distinguish_nan_and_na")
    context = pd.option_context("future.distinguish_nan_and_na", True)
    df = pd.DataFrame(
        {
            "recency_days": [3.0, np.nan],
            "r": pd.array([5.0, np.nan], dtype="Float64"),
            "frequency": [2.0, 0.0],
        },
        index=pd.Index(["a", "b"], name="customer_id"),
    )
    with context:
        write_table(df, tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_text().splitlines() == [
        "customer_id,recency_days,r,frequency",
        "a,3,5,2",
        "b,,,0",
    ]
