"""Tests for the fourth audit's findings on the report, ``migrate`` and
``due``: a previous run with no class in common, labels read as written,
rows dropped after as_of, the printed due list, bounded messages, the page
and table written as a pair, flat previous frames in any row order, and
order-free amount totals."""

from __future__ import annotations

import contextlib
import errno
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg._cli_migrate import _read as read_output
from custseg.cli import main
from custseg.datasets import simulate_transactions
from custseg.errors import CustsegWarning

_HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# the texts pandas reads as missing by default (read_csv's na_values)
_NA_TEXTS = [
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]  # fmt: skip

_TIER_RULES = """format = 1
[fields]
monetary = { type = "number" }
[segments.tier]
default = "None"
rules = [
  { label = "Gold", when = "monetary >= 500" },
  { label = "Silver", when = "monetary >= 200" },
  { label = "N/A", when = "monetary < 0" },
]
[playbook.tier.Gold]
action = "thank"
cadence_days = 30
channel = "sms"
priority = 1
[playbook.tier.Silver]
action = "upsell"
cadence_days = 60
channel = "sms"
priority = 2
[playbook.tier.None]
action = "wake up"
cadence_days = 90
channel = "sms"
priority = 3
[playbook.tier."N/A"]
action = "ask"
cadence_days = 90
channel = "sms"
priority = 4
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path) -> Iterator[None]:
    with contextlib.chdir(tmp_path):
        yield


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _stayed(html: str, column: str) -> str:
    found = re.search(
        rf'data-column="{column}"><h3>[^<]*</h3>(?:<p class="warning"[^>]*>[^<]*</p>)?'
        r"<p>[^<]*?(\d+\.\d%|–)",
        html,
    )
    assert found, column
    return found.group(1)


def _migration(html: str) -> str:
    start = html.index('<section id="migration"')
    return html[start : html.index("</section>", start)]


# --------------------------------------------------------------------------
# cli.md #2: a previous run with no class in common (another --lang)


class TestNoCommonClass:
    def test_python_report_warns_and_shows_it(self) -> None:
        tx = simulate_transactions(300, seed=2)
        zh = custseg.segment(tx, preset="ecommerce", lang="zh")
        with pytest.warns(CustsegWarning, match="no class in common"):
            page = custseg.report(tx, preset="ecommerce", previous=zh, charts=False)
        assert any("'lifecycle'" in n for n in page.notes)
        assert 'class="warning"' in _migration(page.html)

    def test_same_language_no_warning(self) -> None:
        tx = simulate_transactions(300, seed=2)
        before = custseg.segment(tx, preset="ecommerce")
        with warnings.catch_warnings():
            warnings.simplefilter("error", CustsegWarning)
            page = custseg.report(tx, preset="ecommerce", previous=before, charts=False)
        assert page.notes == ()
        assert 'class="warning"' not in page.html
        assert _stayed(page.html, "lifecycle") == "100.0%"

    def test_cli_report_prints_the_warning(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        simulate_transactions(300, seed=2).to_csv("tx.csv", index=False)
        assert main(["segment", "tx.csv", "--preset", "ecommerce", "--lang", "zh",
                     "--output", "zh.csv"]) == 0  # fmt: skip
        capsys.readouterr()
        status, _, err = run(
            capsys, "report", "tx.csv", "--preset", "ecommerce", "--previous",
            "zh.csv", "--output", "r.html", "--no-charts",
        )  # fmt: skip
        assert status == 0
        assert "custseg: warning: 'lifecycle' has no class in common" in err
        assert 'class="warning"' in Path("r.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# cli.md #3: labels read exactly as written (migrate, report --previous, due)


def _tier_files() -> None:
    simulate_transactions(400, seed=7).to_csv("tx.csv", index=False)
    Path("tier.toml").write_text(_TIER_RULES, encoding="utf-8")
    assert main(["segment", "tx.csv", "--rules", "tier.toml",
                 "--output", "june.csv"]) == 0  # fmt: skip


class TestLabelsAsWritten:
    @_HYPOTHESIS
    @given(labels=st.lists(st.sampled_from([*_NA_TEXTS, "Gold", ""]), min_size=1))
    def test_read_back_verbatim(self, labels: list[str]) -> None:
        rows = [f"c{i},{x},{i}" for i, x in enumerate(labels)]
        Path("o.csv").write_text(
            "customer_id,tier,frequency\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
        got = read_output("o.csv")
        expected = [x if x else None for x in labels]
        assert [None if pd.isna(x) else x for x in got["tier"]] == expected
        assert pd.api.types.is_integer_dtype(got["frequency"].dtype)

    def test_numbers_stay_numbers(self) -> None:
        Path("o.csv").write_text(
            "customer_id,monetary,r,flag\na,1.5,1,True\nb,,2,False\n",
            encoding="utf-8",
        )
        got = read_output("o.csv")
        assert got["monetary"].dtype == np.float64
        assert got["r"].dtype == np.int64
        assert got["flag"].dtype == bool

    def test_migrate_same_file_stays(self, capsys: pytest.CaptureFixture[str]) -> None:
        _tier_files()
        capsys.readouterr()
        status, out, _ = run(
            capsys, "migrate", "june.csv", "june.csv", "--column", "tier"
        )
        assert status == 0
        assert "100.0% in the same class" in out
        assert "missing" not in out

    def test_report_previous_same_run_stays(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _tier_files()
        capsys.readouterr()
        status, _, _ = run(
            capsys, "report", "tx.csv", "--rules", "tier.toml", "--previous",
            "june.csv", "--output", "r.html", "--no-charts",
        )  # fmt: skip
        assert status == 0
        assert _stayed(Path("r.html").read_text(encoding="utf-8"), "tier") == "100.0%"

    def test_due_keeps_label_none(self, capsys: pytest.CaptureFixture[str]) -> None:
        _tier_files()
        n = len(pd.read_csv("june.csv"))
        capsys.readouterr()
        status, out, _ = run(
            capsys, "due", "june.csv", "--as-of", "2030-01-01", "--class-column",
            "tier", "--rules", "tier.toml", "--head", "0",
        )  # fmt: skip
        assert status == 0
        assert f"for {n:,d} of {n:,d} customers" in out

    def test_due_refuses_missing_class(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        Path("c.csv").write_text(
            "customer_id,lifecycle\na,active\nb,\nc,lost\n", encoding="utf-8"
        )
        status, _, err = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--class-column",
            "lifecycle",
        )  # fmt: skip
        assert status == 2
        assert "no class, for 1 customer" in err and "line 3 of 'c.csv'" in err


# --------------------------------------------------------------------------
# cli.md #10: the inputs table with rows dropped after as_of


def test_inputs_count_the_rows_used() -> None:
    tx = simulate_transactions(400, seed=3)
    page = custseg.report(tx, as_of="2024-06-30", after_as_of="drop", charts=False).html
    used = tx[tx["date"] < pd.Timestamp("2024-07-01")]
    gone = set(tx["customer_id"]) - set(used["customer_id"])
    refunds = used["amount"][used["amount"] < 0]

    def value(label: str) -> str:
        found = re.search(re.escape(label) + r"</th><td[^>]*>([^<]*)<", page)
        assert found, label
        return found.group(1)

    assert value("refunds (amount &lt; 0)") == f"{len(refunds):,d}"
    assert value("refunds, total amount") == f"{refunds.sum():,.2f}"
    assert value("last transaction") == str(used["date"].max().date())
    assert value("customers dropped with them (no row up to as_of)") == (
        f"{len(gone):,d}"
    )


# --------------------------------------------------------------------------
# cli.md #11, #12: the printed due list, bounded messages


class TestDueOutput:
    def test_clean_table(self, capsys: pytest.CaptureFixture[str]) -> None:
        Path("c.csv").write_text(
            "customer_id,lifecycle\na,active\nb,silent\nc,沉默期\n", encoding="utf-8"
        )
        from custseg.cli import _width

        status, out, _ = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--class-column",
            "lifecycle",
        )  # fmt: skip
        assert status == 0
        for junk in ("NaT", "<NA>", "nan", "Empty DataFrame"):
            assert junk not in out
        lines = out.splitlines()
        header = next(i for i, x in enumerate(lines) if x.startswith("customer_id"))
        table = lines[header : header + 4]
        # the column after the class starts at the same terminal column
        starts = {_width(x[: x.index("Care") if "Care" in x else x.index("Old")])
                  for x in table[1:]}  # fmt: skip
        assert len(starts) == 1
        assert _width(table[0][: table[0].index("action")]) in starts

    def test_head_zero_and_nobody_due(self, capsys: pytest.CaptureFixture[str]) -> None:
        Path("c.csv").write_text(
            "customer_id,last\na,2024-12-31\nb,2024-12-30\n", encoding="utf-8"
        )
        status, out, _ = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--cadence", "30",
            "--last-contact", "last",
        )  # fmt: skip
        assert status == 0 and "no customers due" in out
        status, out, _ = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--cadence", "1",
            "--head", "0",
        )  # fmt: skip
        assert status == 0
        assert "Empty DataFrame" not in out and "Columns:" not in out

    def test_uncovered_classes_bounded(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        values = "\n".join(f"c{i},{i / 100:.2f}" for i in range(5000))
        Path("c.csv").write_text("customer_id,m\n" + values + "\n", encoding="utf-8")
        status, _, err = run(
            capsys, "due", "c.csv", "--as-of", "2025-01-01", "--class-column", "m",
            "--playbook", "abc",
        )  # fmt: skip
        assert status == 2
        assert len(err) < 500 and "5,000 classes" in err


# --------------------------------------------------------------------------
# cli.md #5/#6: the page and the table as a pair, the option named


class TestReportPair:
    def test_failed_table_keeps_both_old(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from custseg import _cli_report

        simulate_transactions(100, seed=1).to_csv("tx.csv", index=False)
        Path("r.html").write_text("OLD PAGE", encoding="utf-8")
        Path("c.csv").write_text("OLD CSV", encoding="utf-8")

        def writer(df: pd.DataFrame, path: str) -> Callable[[str], None]:
            def fail(tmp: str) -> None:
                Path(tmp).write_text("partial", encoding="utf-8")
                raise OSError(errno.EFBIG, "File too large")

            return fail

        monkeypatch.setattr(_cli_report, "table_writer", writer)
        status, _, err = run(
            capsys, "report", "tx.csv", "--no-charts", "--output", "r.html",
            "--csv", "c.csv",
        )  # fmt: skip
        assert status == 2 and "'c.csv' cannot be written" in err
        assert Path("r.html").read_text(encoding="utf-8") == "OLD PAGE"
        assert Path("c.csv").read_text(encoding="utf-8") == "OLD CSV"
        assert sorted(p.name for p in Path().iterdir()) == ["c.csv", "r.html", "tx.csv"]

    def test_both_written(self, capsys: pytest.CaptureFixture[str]) -> None:
        simulate_transactions(100, seed=1).to_csv("tx.csv", index=False)
        Path("c.csv").write_text("OLD CSV", encoding="utf-8")
        Path("c.csv").chmod(0o640)
        status, out, _ = run(
            capsys, "report", "tx.csv", "--no-charts", "--output", "r.html",
            "--csv", "c.csv",
        )  # fmt: skip
        assert status == 0 and "written to c.csv" in out
        assert Path("r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
        assert len(pd.read_csv("c.csv")) == 100
        assert Path("c.csv").stat().st_mode & 0o777 == 0o640
        assert sorted(p.name for p in Path().iterdir()) == ["c.csv", "r.html", "tx.csv"]

    @pytest.mark.parametrize("target", ["tx.csv", "folder.csv"])
    def test_csv_errors_name_csv(
        self, capsys: pytest.CaptureFixture[str], target: str
    ) -> None:
        simulate_transactions(20, seed=1).to_csv("tx.csv", index=False)
        Path("folder.csv").mkdir()
        status, _, err = run(
            capsys, "report", "tx.csv", "--csv", target, "--output", "x.html"
        )
        assert status == 2 and "--csv" in err and "--output" not in err


# --------------------------------------------------------------------------
# align.md #5: a flat previous frame in any row order


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
@settings(_HYPOTHESIS, max_examples=8)
@given(data=st.data())
def test_flat_previous_any_order(data: st.DataObject) -> None:
    tx = simulate_transactions(60, seed=4)
    flat = custseg.segment(tx[tx["date"] < "2024-06-01"]).customers.reset_index()

    def section(previous: pd.DataFrame) -> str:
        return _migration(custseg.report(tx, previous=previous, charts=False).html)

    expected = section(flat)
    order = data.draw(st.permutations(range(len(flat))))
    shuffled = flat.iloc[list(order)]
    assert section(shuffled) == expected
    assert section(flat.sort_values("monetary")) == expected
    # a filtered frame: the customers left out count as new ones, by id
    keep = data.draw(st.lists(st.booleans(), min_size=len(flat), max_size=len(flat)))
    part = flat[np.asarray(keep, dtype=bool)]
    assert section(part) == section(part.reset_index(drop=True))


# --------------------------------------------------------------------------
# order.md #7: amount totals of the report do not depend on the row order


@_HYPOTHESIS
@given(
    cents=st.lists(st.integers(-100_000, 100_000), min_size=1, max_size=30),
    seed=st.integers(0, 2**32 - 1),
)
def test_refund_total_any_order(cents: list[int], seed: int) -> None:
    amounts = [c / 1000 for c in cents] + [10.0]  # half-cent totals; a sale
    tx = pd.DataFrame(
        {
            "customer_id": np.arange(len(amounts)) % 7,
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(np.arange(len(amounts)), unit="D"),
            "amount": amounts,
        }
    )
    perm = np.random.default_rng(seed).permutation(len(tx))

    def inputs(frame: pd.DataFrame) -> str:
        html = custseg.report(frame, as_of="2024-03-01", charts=False).html
        start = html.index('<section id="inputs"')
        return html[start : html.index("</section>", start)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        first, other = inputs(tx), inputs(tx.iloc[perm])
    assert first == other
    exact = sum(c for c in cents if c < 0) / 1000
    assert f'data-value="{exact!r}"' in first or not any(c < 0 for c in cents)


def test_rf_grid_means_any_order() -> None:
    tx = simulate_transactions(300, seed=9)
    tx["amount"] = (tx["amount"] * 1000).round() / 1000 + 0.001
    a = custseg.report(tx, charts=False).html
    b = custseg.report(tx.iloc[::-1], charts=False).html
    start = a.index('<section id="rf-grid"')
    end = a.index("</section>", start)
    assert a[start:end] == b[start:end]
