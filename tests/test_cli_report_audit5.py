"""Tests for the fifth audit's findings on the command line's files and the
report: amounts float64 rounds to a short number, the migration table of a
run against one in another language, staff ids kept as written by
``custseg assign``, and no warning filter left behind by report charts."""

from __future__ import annotations

import contextlib
import csv
import decimal
import gzip
import html
import importlib.util
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _files, reporting
from custseg._files import _read_table
from custseg.cli import main
from custseg.datasets import simulate_transactions
from custseg.errors import CustsegWarning, InputError

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


def _changed(text: str) -> bool:
    """float64 changes the number *text* (not only its spelling)."""
    exact = decimal.Decimal(text)
    value = float(text)
    return exact != decimal.Decimal(value) and exact != decimal.Decimal(repr(value))


# --------------------------------------------------------------------------
# fresh.md #6: long numbers float64 rounds to a short one


@st.composite
def long_numbers(draw: st.DrawFn) -> str:
    """Decimal texts of 16 to 25 significant digits float64 changes, many of
    them next to a short number (0.99999999999999999, 1234567.00000000001)."""
    kind = draw(st.sampled_from(["near", "random"]))
    if kind == "near":
        base = draw(st.integers(0, 10**6))
        zeros = draw(st.integers(10, 20))
        sign = draw(st.sampled_from(["0" * zeros + "1", "9" * zeros]))
        whole = base if sign.startswith("0") else max(base - 1, 0)
        text = f"{whole}.{sign}"
    else:
        digits = draw(st.text("0123456789", min_size=16, max_size=25))
        point = draw(st.integers(1, len(digits)))
        text = f"{digits[:point]}.{digits[point:]}".rstrip(".")
    assume(_changed(text))
    return text


class TestAmountsRoundedToShort:
    @pytest.mark.parametrize(
        "amount", ["0.99999999999999999", "1234567.00000000001", "0.10000000000000001"]
    )
    def test_cli_refuses(self, capsys: pytest.CaptureFixture[str], amount: str) -> None:
        Path("tx.csv").write_text(HEADER + f"a,2024-01-01,{amount}\nb,2024-01-02,1.5\n")
        status = main(["segment", "tx.csv", "--output", "out.csv"])
        err = capsys.readouterr().err
        assert status == 2
        assert "'amount' has numbers with more significant digits" in err
        assert amount in err and "first at line 2 of 'tx.csv'" in err
        assert not Path("out.csv").exists()

    @given(
        amount=long_numbers(),
        row=st.integers(0, 4),
        sep=st.sampled_from([",", ";", "\t", "|"]),
        long_ids=st.booleans(),
        quoted=st.booleans(),
        crlf=st.booleans(),
        encoding=st.sampled_from(["utf-8", "utf-16", "gbk"]),
        gz=st.booleans(),
    )
    @_HYPOTHESIS
    def test_family(
        self,
        tmp_path: Path,
        amount: str,
        row: int,
        sep: str,
        long_ids: bool,
        quoted: bool,
        crlf: bool,
        encoding: str,
        gz: bool,
    ) -> None:
        """Every amount float64 changes is refused, wherever it is and
        whatever the other columns hold (long ids, quotes, encodings)."""
        ids = [f"{10**17 + i}" if long_ids else f"c{i}" for i in range(5)]
        if quoted:
            ids = [f'"{i}"' for i in ids]
        lines = [sep.join([i, "2024-01-01", "12.5"]) for i in ids]
        lines[row] = sep.join([ids[row], "2024-01-01", amount])
        end = "\r\n" if crlf else "\n"
        text = end.join([sep.join(["customer_id", "date", "amount"]), *lines]) + end
        path = tmp_path / ("tx.txt.gz" if gz else "tx.txt")
        data = text.encode(encoding)
        path.write_bytes(gzip.compress(data) if gz else data)
        with pytest.raises(InputError) as info:
            _read_table(
                path,
                sep=sep,
                encoding=encoding,
                text_columns=["customer_id"],
                exact_numbers=["amount"],
            )
        assert info.value.field == "amount" and info.value.first_row == row

    @given(
        amounts=st.lists(
            st.decimals(0, 10**9, places=2, allow_nan=False), min_size=1, max_size=6
        ),
        long_ids=st.booleans(),
    )
    @_HYPOTHESIS
    def test_short_amounts_kept(
        self, tmp_path: Path, amounts: list[decimal.Decimal], long_ids: bool
    ) -> None:
        """Short decimals are read as written, long ids beside them or not."""
        ids = [f"{10**18 + i}" if long_ids else f"c{i}" for i in range(len(amounts))]
        body = "".join(
            f"{i},2024-01-01,{a}\n" for i, a in zip(ids, amounts, strict=True)
        )
        path = tmp_path / "tx.csv"
        path.write_text(HEADER + body)
        df = _read_table(path, text_columns=["customer_id"], exact_numbers=["amount"])
        assert df["amount"].tolist() == [float(a) for a in amounts]

    @given(
        st.binary(max_size=200).map(
            lambda b: bytes(b"0123456789.,\n"[x % 13] for x in b)
        )
    )
    @_HYPOTHESIS
    def test_runs_found_like_a_regex(self, data: bytes) -> None:
        """The vectorised scan finds a run of 16 digits and points exactly
        where a regular expression does."""
        expected = re.search(rb"[0-9.]{16}", data) is not None
        assert _files._in_long_run(*_files._digit_blocks(data)) is expected

    def test_only_the_amount_field_is_read_as_text(self, tmp_path: Path) -> None:
        """Long ids in another column do not make the check read the text."""
        path = tmp_path / "tx.csv"
        path.write_text(
            HEADER + "".join(f"{10**18 + i},2024-01-01,1.5\n" for i in range(9))
        )
        common = {"sep": ",", "encoding": "utf-8"}
        assert not _files._long_numbers_in(path, common, 2)
        assert _files._long_numbers_in(path, common, 0)


# --------------------------------------------------------------------------
# roundtrip.md #8: custseg assign keeps staff ids as written


_HAS_ARROW = importlib.util.find_spec("pyarrow") is not None


def _assign(
    capsys: pytest.CaptureFixture[str], staff: pd.DataFrame | str, owners: list[str]
) -> tuple[int, str, pd.DataFrame | None]:
    if isinstance(staff, str):
        Path("staff.csv").write_text(staff)
        staff_path = "staff.csv"
    else:
        pytest.importorskip("pyarrow")  # not in the [test] extra
        staff.to_parquet("staff.parquet")
        staff_path = "staff.parquet"
    pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(owners))],
            "monetary": np.arange(len(owners), dtype=float) + 1,
            "owner": owners,
        }
    ).to_csv("cust.csv", index=False, quoting=csv.QUOTE_NONNUMERIC)  # " 7" kept
    status = main(["assign", "cust.csv", staff_path, "--output", "out.csv"])
    err = capsys.readouterr().err
    out = None
    if status == 0:
        out = _files.read_table("out.csv", text_columns=["customer_id", "owner"])
    return status, err, out


class TestAssignStaffIdsAsWritten:
    def test_parquet_ids_kept(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, _, out = _assign(
            capsys, pd.DataFrame({"staff": ["Amy ", "7.0"]}), ["", ""]
        )
        assert status == 0 and out is not None
        assert set(out["owner"]) == {"Amy ", "7.0"}

    @pytest.mark.parametrize(
        "staff",
        [
            pd.DataFrame({"staff": ["A1", " A1"]}),
            "staff\n001\n1\n 1\n",
            'staff\n1\n" 1"\n1.0\n',
        ],
    )
    def test_distinct_ids_are_not_duplicates(
        self, capsys: pytest.CaptureFixture[str], staff: pd.DataFrame | str
    ) -> None:
        status, err, out = _assign(capsys, staff, [""] * 6)
        assert status == 0, err
        assert out is not None and out["owner"].nunique() > 1

    @given(
        ids=st.lists(
            st.tuples(
                st.sampled_from(["", " ", "  "]),
                st.sampled_from(["7", "A1", "001", "amy"]),
                st.sampled_from(["", ".0", ".00"]),
                st.sampled_from(["", " "]),
            ).map("".join),
            min_size=1,
            max_size=5,
            unique=True,
        ),
        parquet=st.booleans() if _HAS_ARROW else st.just(False),
        data=st.data(),
    )
    @_HYPOTHESIS
    def test_owner_column_joins_back(
        self,
        capsys: pytest.CaptureFixture[str],
        ids: list[str],
        parquet: bool,
        data: st.DataObject,
    ) -> None:
        """Ids that differ by spaces or a '.0' are distinct staff; the owners
        written are staff ids as written, and kept owners stay."""
        owners = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=6))
        staff: pd.DataFrame | str
        if parquet:
            staff = pd.DataFrame({"staff": ids})
        else:
            staff = "staff\n" + "".join(f'"{i}"\n' for i in ids)
        status, err, out = _assign(capsys, staff, owners)
        assert status == 0, err
        assert out is not None
        assert set(out["owner"]) <= set(ids)
        kept = out["change"] == "kept"
        assert (
            out.loc[kept, "owner"].to_numpy() == np.array(owners)[kept.to_numpy()]
        ).all()
        assert not (out["change"] == "forced").any()  # every owner is staff

    def test_near_miss_warned(self, capsys: pytest.CaptureFixture[str]) -> None:
        status, err, out = _assign(capsys, "staff\n7\namy\n", [" 7", "amy"])
        assert status == 0 and out is not None
        assert "' 7'" in err and "'7'" in err and "only by spaces" in err
        assert out["owner"].tolist()[1] == "amy"


# --------------------------------------------------------------------------
# roundtrip.md #6: the migration table of runs in two languages


def _tables(page: str) -> dict[str, tuple[list[str], list[str], str, str]]:
    """Per migration table: row headers, column headers, the warning, the
    headline."""
    out = {}
    for m in re.finditer(
        r'<div class="migration" data-column="([^"]+)">(.*?)</div>', page, re.S
    ):
        body = m.group(2)
        heads = [
            html.unescape(x) for x in re.findall(r"<thead>.*?</thead>", body, re.S)
        ]
        cols = re.findall(r"<th[^>]*>(?:<button[^>]*>)?([^<]*)", heads[0])[1:]
        rows = re.findall(r'<th scope="row">([^<]*)</th>', body)
        warn = re.search(r'<p class="warning"[^>]*>([^<]*)</p>', body)
        head = re.findall(r"<p>([^<]*)</p>", body)
        out[m.group(1)] = (
            [html.unescape(r) for r in rows],
            cols,
            html.unescape(warn.group(1)) if warn else "",
            html.unescape(head[0]),
        )
    return out


@pytest.fixture(scope="module")
def runs() -> dict[str, object]:
    tx = simulate_transactions(200, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out: dict[str, object] = {
            "en": custseg.segment(tx, preset="base"),
            "zh": custseg.segment(tx, preset="base", lang="zh"),
        }
    out["tx"] = tx
    return out


@pytest.mark.parametrize("before", ["en", "zh"])
@pytest.mark.parametrize(
    ("now", "lang"),
    [("tx", "en"), ("tx", "zh"), ("en", "zh"), ("en", "en"), ("zh", "zh")],
)
def test_migration_table_agrees(
    runs: dict[str, object], before: str, now: str, lang: str
) -> None:
    """Two classes are never shown alike: a row and a column that read the
    same are one class, so the headline, the table and the warning agree
    (an English run in a Chinese report, a Chinese run in it, ...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        options = {"preset": "base"} if now == "tx" else {}
        page = custseg.report(
            runs[now], previous=runs[before], lang=lang, charts=False, **options
        )
    tables = _tables(page.html)
    assert "lifecycle" in tables
    for column, (rows, cols, warning, headline) in tables.items():
        markers = {"(new)", "(gone)", "新增", "流失"}
        shared = (set(rows) & set(cols)) - markers
        if warning:
            assert not shared, (column, shared)
            old, new = re.findall(r"'([^']*)'", warning)[:2]
            assert old in rows and new in cols, (column, warning)
            assert "0.0%" in headline
        else:
            assert shared, column
    made_in = lang if now == "tx" else now
    if before == made_in and lang == "zh":  # same names: translated for display
        assert "活跃期" in tables["lifecycle"][0]


# --------------------------------------------------------------------------
# state.md #3 (reporting): no warning filter set around report charts


class _FakePlot:
    def __init__(self) -> None:
        self.filters: list[object] = []

    def to_svg(self, ax: object) -> str:
        return "<svg></svg>"


def test_chart_sets_no_warning_filter() -> None:
    """A chart's warnings reach the caller, and the filters the drawing
    runs under are the caller's (none set for it, none left behind)."""
    plot = _FakePlot()

    def draw(p: _FakePlot) -> object:
        p.filters = list(warnings.filters)
        warnings.warn("from a chart", CustsegWarning, stacklevel=1)
        return object()

    with pytest.warns(CustsegWarning, match="from a chart"):
        before = list(warnings.filters)
        svg = reporting._chart(plot, "en", draw)
        assert list(warnings.filters) == before
    assert svg == "<svg></svg>"
    assert plot.filters == before


def test_concurrent_reports_leave_no_filter() -> None:
    pytest.importorskip("matplotlib")
    tx = simulate_transactions(120, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(tx, preset="base")
    before = list(warnings.filters)
    errors: list[BaseException] = []

    def work(lang: str) -> None:
        try:
            custseg.report(res, lang=lang)
        except BaseException as exc:  # handed to the test below
            errors.append(exc)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        inside = list(warnings.filters)
        threads = [
            threading.Thread(target=work, args=(lang,)) for lang in ["en", "zh"] * 3
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        left = [f for f in warnings.filters if f not in inside]
    assert not errors
    # the report's own filter (no message, all UserWarnings) is never left
    assert not [f for f in left if f[1] is None and f[2] is UserWarning]
    assert list(warnings.filters) == before
