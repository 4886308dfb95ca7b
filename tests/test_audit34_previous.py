"""Audit 34, ``custseg report --previous`` beside ``custseg migrate``.

1. The report's migration section compared only this run's categorical
   columns: the records' fields and the rules' tag flags, which ``custseg
   migrate`` compares on the same two runs, had no table and no warning,
   while a rules table of 12 number labels got a table ``migrate`` leaves
   out as a measure. Both now take one choice of columns
   (``_cli_migrate.compared_columns``), and the columns both runs have that
   are not compared are named in a warning.
2. A previous run that needs another separator or encoding got advice that
   named ``--sep``/``--encoding``, the transactions' options: no option
   read it. It now has ``--previous-encoding`` (``previous_encoding=``),
   its separator advice is the records' (a ``.txt`` name is sniffed), and
   ``custseg migrate`` says when one ``--encoding``/``--sep`` cannot read
   both of its files.
3. Errors about the previous run named the parameter ``'previous'``, not
   the file given on the command line (or as a path in Python).
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError, ThresholdError

_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

#: a rules file: the ecommerce preset, a tag set, and a table of 12 number
#: labels (deciles: a measure for migrate, numbers of more than 10 values)
_RULES = """format = 1
extends = "ecommerce"

[tags.flags]
rules = [ { tag = "big_spender", when = "monetary >= 50" } ]

[tables.decile]
field = "monetary"
breaks = [20, 40, 60, 80, 100, 150, 200, 300, 500, 800, 1200]
labels = ["1","2","3","4","5","6","7","8","9","10","11","12"]
missing = "0"
"""


def _run(*argv: str) -> tuple[int, str, str]:
    """``custseg`` in this process: status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _migrate_columns(stdout: str) -> set[str]:
    """The columns ``custseg migrate`` printed a matrix for."""
    return set(re.findall(r"^(\S+): [\d,]+ customers? \(", stdout, re.M))


def _report_columns(page: Path) -> set[str]:
    """The columns the report's migration section has a table for."""
    text = html.unescape(page.read_text(encoding="utf-8"))
    return set(re.findall(r'id="migration-([^"]+)"', text))


_ONE_PER_DECILE = (10, 30, 50, 70, 90, 120, 170, 250, 400, 600, 1000, 1500)


def _transactions(folder: Path, seed: int) -> tuple[Path, Path]:
    """Two periods of a small store: up to June, and the whole year."""
    rng = np.random.default_rng(seed)
    n = 40
    ids = [f"c{i:02d}" for i in range(n)]
    # the first 12 buy once, one in each decile of the rules' table: 12
    # number labels in both runs (a measure for migrate)
    rows = [
        (ids[i], f"2024-01-{i + 10}", amount)
        for i, amount in enumerate(_ONE_PER_DECILE)
    ]
    for i, cid in enumerate(ids[len(_ONE_PER_DECILE) :], len(_ONE_PER_DECILE)):
        for _ in range(int(rng.integers(1, 4))):
            month = int(rng.integers(1, 13)) if i % 3 else int(rng.integers(1, 6))
            rows.append(
                (
                    cid,
                    f"2024-{month:02d}-{int(rng.integers(1, 28)):02d}",
                    int(rng.integers(5, 400)),
                )
            )
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    june, dec = folder / "june-tx.csv", folder / "dec-tx.csv"
    tx[tx["date"] < "2024-06-01"].to_csv(june, index=False)
    tx.to_csv(dec, index=False)
    return june, dec


#: the kinds of records fields a run carries into its output
_KINDS = ("text", "flag", "code", "many", "float", "date", "empty")


def _field(kind: str, rng: np.random.Generator, n: int) -> list[Any]:
    if kind == "text":
        return list(rng.choice(["gold", "silver", "bronze", ""], n))
    if kind == "flag":
        return list(rng.choice(["True", "False"], n))
    if kind == "code":
        return [int(x) for x in rng.integers(1, int(rng.integers(2, 11)), n)]
    if kind == "many":
        return [int(x) for x in rng.permutation(200)[:n]]
    if kind == "float":
        return [f"{x:.1f}" for x in rng.uniform(0, 9, n)]
    if kind == "date":
        return [f"2024-0{int(d)}-1{int(d)}" for d in rng.integers(1, 9, n)]
    return [""] * n


def _records(path: Path, kinds: list[tuple[str, str]], seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    table = {"customer_id": [f"c{i:02d}" for i in range(n)]}
    for i, (june_kind, dec_kind) in enumerate(kinds):
        kind = june_kind if "june" in path.name else dec_kind
        table[f"f{i}_{june_kind}_{dec_kind}"] = _field(kind, rng, n)
    pd.DataFrame(table).to_csv(path, index=False)


def _both(
    folder: Path, kinds: list[tuple[str, str]], seed: int
) -> tuple[set, set, str]:
    """The columns migrate compares on the June and December outputs, and
    those the December report's migration section tables (--previous the
    June output), with the report's stderr."""
    june_tx, dec_tx = _transactions(folder, seed)
    rules = folder / "shop.toml"
    rules.write_text(_RULES, encoding="utf-8")
    june_rec, dec_rec = folder / "june-crm.csv", folder / "dec-crm.csv"
    _records(june_rec, kinds, seed)
    _records(dec_rec, kinds, seed + 1)
    june, dec = folder / "june.csv", folder / "dec.csv"
    for tx, rec, day, out in (
        (june_tx, june_rec, "2024-06-01", june),
        (dec_tx, dec_rec, "2025-01-01", dec),
    ):
        code, _, err = _run(
            "segment",
            str(tx),
            "--rules",
            str(rules),
            "--records",
            str(rec),
            "--as-of",
            day,
            "--output",
            str(out),
        )
        assert code == 0, err
    code, stdout, err = _run("migrate", str(june), str(dec))
    assert code == 0, err
    page = folder / "dec.html"
    code, _, report_err = _run(
        "report",
        str(dec_tx),
        "--rules",
        str(rules),
        "--records",
        str(dec_rec),
        "--as-of",
        "2025-01-01",
        "--previous",
        str(june),
        "--output",
        str(page),
        "--no-charts",
    )
    assert code == 0, report_err
    return _migrate_columns(stdout), _report_columns(page), report_err


# --------------------------------------------------------------------------
# 1. the report compares the columns migrate compares


@_SETTINGS
@given(
    kinds=st.lists(
        st.tuples(st.sampled_from(_KINDS), st.sampled_from(_KINDS)),
        min_size=1,
        max_size=4,
    ),
    seed=st.integers(0, 10_000),
)
def test_report_tables_the_columns_migrate_compares(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[tuple[str, str]], seed: int
) -> None:
    """Records fields of every kind (text, flags, small codes, many-valued
    numbers, decimals, dates, empty), of one kind or another in each run,
    beside the rules' tags and a 12-label number table: the report has a
    table for exactly the columns migrate compares on the two outputs."""
    folder = tmp_path_factory.mktemp("runs")
    compared, tabled, _ = _both(folder, kinds, seed)
    assert tabled == compared


def test_worked_example_records_tags_and_deciles(tmp_path: Path) -> None:
    """The report of the finding: records' tier (text) and band (codes 1,
    2), the tag flags, and deciles 1..12 (a measure for migrate): the
    report tables tier, band and flags.big_spender, not decile, and names
    decile in a warning, as migrate does."""
    compared, tabled, err = _both(tmp_path, [("text", "text"), ("code", "code")], 7)
    assert tabled == compared
    assert {"f0_text_text", "f1_code_code", "flags.big_spender"} <= tabled
    assert "decile" not in tabled
    assert re.search(
        r"custseg: warning: \d+ columns? both runs have (is|are) not compared: "
        r".*'decile' \(whole numbers of more than 10 values",
        err,
    ), err


def test_left_out_columns_are_named_in_python_too() -> None:
    """In Python, with an earlier SegmentResult (chosen from as its file
    would be), the records' flags are compared and their many-valued
    numbers named in a CustsegWarning and in page.notes."""
    tx = custseg.datasets.simulate_transactions(200, seed=3)
    ids = sorted(tx["customer_id"].unique())
    records = pd.DataFrame(
        {
            "customer_id": ids,
            "points": np.arange(len(ids)) * 7,
            "vip": np.arange(len(ids)) % 3 == 0,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        june = custseg.segment(
            tx[tx["date"] < "2024-07-01"],
            preset="ecommerce",
            as_of="2024-07-01",
            records=records,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = custseg.report(
            tx,
            previous=june,
            records=records,
            preset="ecommerce",
            as_of="2025-01-01",
            charts=False,
        )
    said = [str(w.message) for w in caught if issubclass(w.category, CustsegWarning)]
    assert any("'points' (whole numbers of more than 10 values" in w for w in said)
    assert any("'points'" in n for n in page.notes)
    text = html.unescape(page.html)
    assert 'id="migration-vip"' in text and 'id="migration-points"' not in text


# --------------------------------------------------------------------------
# 2. a previous run of another separator or encoding

_SAMPLES = {
    "utf-8": "客户名单",
    "gbk": "活跃期",
    "big5": "活躍期",
    "cp1252": "Müller",
    "shift_jis": "顧客",
}


def _previous_in(
    folder: Path, encoding: str, sep: str, suffix: str, name: str = "june_other"
) -> tuple[Path, Path]:
    """Transactions and a previous run of them re-saved in *encoding* with
    *sep* as *name* + *suffix*, a column of its own text beyond ASCII in
    it."""
    tx = folder / "tx.csv"
    pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-01-05", "2024-02-01", "2024-03-01"],
            "amount": [10, 20, 30],
        }
    ).to_csv(tx, index=False)
    out = folder / "june.csv"
    code, _, err = _run(
        "segment",
        str(tx),
        "--preset",
        "ecommerce",
        "--as-of",
        "2024-04-01",
        "--output",
        str(out),
    )
    assert code == 0, err
    june = pd.read_csv(out, dtype=str, keep_default_na=False)
    june["note"] = _SAMPLES[encoding]
    previous = folder / f"{name}{suffix}"
    june.to_csv(previous, sep=sep, index=False, encoding=encoding)
    return tx, previous


def _report(tx: Path, previous: Path, *extra: str) -> tuple[int, str]:
    code, _, err = _run(
        "report",
        str(tx),
        "--preset",
        "ecommerce",
        "--as-of",
        "2024-04-01",
        "--previous",
        str(previous),
        "--output",
        str(tx.parent / "r.html"),
        "--no-charts",
        *extra,
    )
    return code, err


@_SETTINGS
@given(encoding=st.sampled_from(sorted(set(_SAMPLES) - {"utf-8"})))
def test_previous_encoding_advice_reads_the_file(
    tmp_path_factory: pytest.TempPathFactory, encoding: str
) -> None:
    """A previous run saved in another encoding: the error names
    --previous-encoding (and previous_encoding=), never --encoding, and one
    of the encodings it offers reads the file; --encoding (the
    transactions') changes nothing."""
    folder = tmp_path_factory.mktemp("enc")
    tx, previous = _previous_in(folder, encoding, ",", ".csv")
    code, err = _report(tx, previous)
    assert code == 2 and str(previous.name) in err
    offered = re.findall(r"--previous-encoding (\S+?)[ ;)]", err)
    assert offered and "--encoding " not in err, err
    assert "previous_encoding=" in err
    assert _report(tx, previous, "--encoding", encoding)[0] == 2
    assert any(_report(tx, previous, "--previous-encoding", e)[0] == 0 for e in offered)
    assert _report(tx, previous, "--previous-encoding", encoding)[0] == 0


@_SETTINGS
@given(sep=st.sampled_from([";", "|", "\t"]))
def test_previous_separator_advice_reads_the_file(
    tmp_path_factory: pytest.TempPathFactory, sep: str
) -> None:
    """A previous run with another separator in a .csv file: the advice is
    not --sep (the transactions'), but a .txt name for the separators a
    .txt file is sniffed for (which then reads it), or commas."""
    folder = tmp_path_factory.mktemp("sep")
    tx, previous = _previous_in(folder, "utf-8", sep, ".csv")
    code, err = _report(tx, previous)
    assert code == 2
    assert "--sep is for the transactions file only" in err and ".txt" in err, err
    assert "--sep '" not in err and "save the previous file with commas" in err
    renamed = previous.rename(previous.with_suffix(".txt"))
    code, err = _report(tx, renamed)
    sniffed = "(a tab, a comma or a semicolon)" in err or code == 0
    assert sniffed and (code == 0) == (sep in "\t;"), err


def test_worked_example_gbk_and_semicolon_previous(tmp_path: Path) -> None:
    """The finding's files: a GBK previous run reads with
    --previous-encoding gbk (in Python previous_encoding="gbk"); a UTF-8
    one read as GBK is told to use --previous-encoding utf-8; the option
    alone, or with a frame, is refused."""
    tx, previous = _previous_in(tmp_path, "gbk", ",", ".csv")
    code, err = _report(tx, previous)
    assert "--previous-encoding gbk" in err and "previous_encoding='gbk'" in err
    assert _report(tx, previous, "--previous-encoding", "gbk")[0] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        page = custseg.report(
            str(tx),
            previous=previous,
            previous_encoding="gbk",
            preset="ecommerce",
            as_of="2024-04-01",
            charts=False,
        )
    assert "migration" in page.sections
    _, utf8 = _previous_in(tmp_path, "utf-8", ",", ".csv", "june_utf8")
    code, err = _report(tx, utf8, "--previous-encoding", "gbk")
    assert code == 2 and "--previous-encoding utf-8" in err, err
    code, err = _run("report", str(tx), "--previous-encoding", "gbk")[::2]
    assert code == 2 and "--previous-encoding is the encoding of the --previous" in err
    with pytest.raises(ThresholdError, match="'previous_encoding' reads a previous"):
        custseg.report(
            str(tx),
            previous=pd.DataFrame({"a": [1]}),
            previous_encoding="gbk",
            preset="ecommerce",
        )


@_SETTINGS
@given(
    pair=st.sampled_from(
        [("gbk", "utf-8"), ("utf-8", "gbk"), ("cp1252", "utf-8"), ("utf-8", "big5")]
    ),
    given_first=st.booleans(),
)
def test_migrate_says_one_encoding_reads_both_files(
    tmp_path_factory: pytest.TempPathFactory, pair: tuple[str, str], given_first: bool
) -> None:
    """Two runs in two encodings: whichever --encoding is given (or none),
    the error names the other file and the encoding it reads in, and says
    that --encoding reads both, so one must be re-saved."""
    folder = tmp_path_factory.mktemp("two")
    files = [
        _previous_in(folder, encoding, ",", ".csv", f"run{i}")[1]
        for i, encoding in enumerate(pair)
    ]
    extra = ["--encoding", pair[0]] if given_first else []
    code, _, err = _run("migrate", str(files[0]), str(files[1]), *extra)
    assert code == 2
    assert "--encoding reads both files" in err, err
    other = re.search(
        r"reads both files, and (BEFORE|AFTER) '([^']+)' reads in (\S+):", err
    )
    assert other is not None, err
    # the file named is the other one, and it reads in that encoding
    assert other.group(2) != re.search(r"error: '([^']+)'", err).group(1)


def test_worked_example_migrate_gbk_beside_utf8(tmp_path: Path) -> None:
    """migrate june_gbk.csv june.csv: without --encoding, and with
    --encoding gbk, the message says each file's encoding; the same for a
    ';' file beside a ',' one (or name both .txt)."""
    _, gbk = _previous_in(tmp_path, "gbk", ",", ".csv", "june_gbk")
    _, utf8 = _previous_in(tmp_path, "utf-8", ",", ".csv", "june_utf8")
    code, _, err = _run("migrate", str(gbk), str(utf8))
    assert f"AFTER {str(utf8)!r} reads in utf-8" in err, err
    code, _, err = _run("migrate", str(gbk), str(utf8), "--encoding", "gbk")
    assert f"BEFORE {str(gbk)!r} reads in gbk" in err, err
    semi = tmp_path / "semi.csv"
    pd.read_csv(utf8, dtype=str).to_csv(semi, sep=";", index=False)
    code, _, err = _run("migrate", str(semi), str(utf8), "--sep", ";")
    assert code == 2 and f"BEFORE {str(semi)!r} reads with --sep ';'" in err, err
    assert "name both .txt and leave --sep out" in err


# --------------------------------------------------------------------------
# 3. errors about the previous run name its file


@_SETTINGS
@given(name=st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True))
def test_previous_errors_name_the_file(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    """Whatever the file is called, the errors about it (no label column in
    common; a run of a later day) start with its name, on the command line
    and from Python given its path; never 'previous'."""
    folder = tmp_path_factory.mktemp("named")
    tx = folder / "tx.csv"
    pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-01-05", "2024-02-01", "2024-03-01"],
            "amount": [10, 20, 30],
        }
    ).to_csv(tx, index=False)
    other = folder / f"{name}.csv"
    pd.DataFrame({"customer_id": ["a", "b"], "tier": ["gold", "silver"]}).to_csv(
        other, index=False
    )
    code, _, err = _run(
        "report",
        str(tx),
        "--previous",
        str(other),
        "--output",
        str(folder / "r.html"),
        "--no-charts",
    )
    assert code == 2
    assert err.startswith(f"custseg: error: {str(other)!r} shares no label column"), err
    later = folder / f"{name}-late.csv"
    assert (
        _run("segment", str(tx), "--as-of", "2024-12-01", "--output", str(later))[0]
        == 0
    )
    code, _, err = _run(
        "report",
        str(tx),
        "--as-of",
        "2024-04-01",
        "--previous",
        str(later),
        "--output",
        str(folder / "r.html"),
        "--no-charts",
    )
    assert code == 2
    assert err.startswith(f"custseg: error: {str(later)!r} is a run of 2024-12-01"), err
    assert "as --previous" in err
    with (
        warnings.catch_warnings(),
        pytest.raises(InputError, match=re.escape(f"{str(later)!r} is a run of")),
    ):
        warnings.simplefilter("ignore", CustsegWarning)  # (3 customers' edges)
        custseg.report(str(tx), previous=later, as_of="2024-04-01", charts=False)


def test_worked_example_previous_named(tmp_path: Path) -> None:
    """The finding's two messages, as docs/cli.md shows them."""
    tx = tmp_path / "tx.csv"
    pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-01-05", "2024-02-01", "2024-03-01"],
            "amount": [10, 20, 30],
        }
    ).to_csv(tx, index=False)
    june = tmp_path / "june.csv"
    pd.DataFrame({"customer_id": ["a", "b"], "tier": ["gold", "silver"]}).to_csv(
        june, index=False
    )
    code, _, err = _run(
        "report",
        str(tx),
        "--previous",
        str(june),
        "--output",
        str(tmp_path / "r.html"),
        "--no-charts",
    )
    assert code == 2
    assert f"{str(june)!r} shares no label column with the data" in err
    assert "'previous'" not in err
