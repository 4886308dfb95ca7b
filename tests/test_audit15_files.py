"""Audit 15 (4 December 2026, night): files and the command line.

* A Parquet file saved from a frame indexed by customer id (the docs'
  ``res.customers.to_parquet(...)``) keeps its ids: the named index levels
  are read as the first columns (``migrate`` and ``assign`` took the first
  stored column, ``recency_days``, as the id).
* The number checks of ``custseg segment`` (``1.500`` in a ';' file, digits
  float64 does not hold, decimal commas) apply to ``custseg.segment(path)``,
  ``report(path)``, ``due --points`` and ``assign --value / --capacity``.
* Output that the system takes only part of (a full disk, a size limit) is
  an error, never a short file and exit 0.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from conftest import run_command as _run
from custseg.errors import InputError
from custseg.frame import read_table

pytest.importorskip("pyarrow")

_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


_IDS = st.lists(
    st.one_of(
        st.text(alphabet="ab01 ", min_size=1, max_size=4),
        st.integers(-5, 10**12).map(str),
    ),
    min_size=1,
    max_size=6,
    unique=True,
)


@_SETTINGS
@given(ids=_IDS, shape=st.sampled_from(["named", "two levels", "unnamed"]))
def test_parquet_index_is_read_as_columns(tmp_path_factory, ids, shape):
    """Named index levels come back as the first columns, in order; an
    unnamed index (row numbers) is no column; the file's other columns
    follow, and the schema the commands look at says the same."""
    from custseg._files import table_columns

    d = tmp_path_factory.mktemp("pq")
    n = len(ids)
    frame = pd.DataFrame(
        {"recency_days": np.arange(n) * 7.0, "lifecycle": ["active"] * n}
    )
    if shape == "named":
        frame.index = pd.Index(ids, name="customer_id")
        want = ["customer_id", "recency_days", "lifecycle"]
    elif shape == "two levels":
        frame.index = pd.MultiIndex.from_arrays(
            [ids, ["north"] * n], names=["customer_id", "region"]
        )
        want = ["customer_id", "region", "recency_days", "lifecycle"]
    else:
        frame.index = pd.Index(np.arange(n) * 3 + 5)
        want = ["recency_days", "lifecycle"]
    path = d / "seg.parquet"
    frame.to_parquet(path)
    got = read_table(path)
    assert list(got.columns) == want
    assert table_columns(path) == want
    if shape != "unnamed":
        assert got["customer_id"].tolist() == ids
    assert isinstance(got.index, pd.RangeIndex)


@_SETTINGS
@given(ids=_IDS, data=st.data())
def test_migrate_and_assign_match_results_saved_with_their_index(
    tmp_path_factory, ids, data
):
    """Two runs saved with ``customers.to_parquet`` (ids in the index):
    ``migrate`` pairs every customer by id, ``assign`` names them by id."""
    d = tmp_path_factory.mktemp("runs")
    n = len(ids)
    labels = st.lists(st.sampled_from(["active", "lost"]), min_size=n, max_size=n)
    before = pd.DataFrame(
        {"recency_days": np.arange(n) * 30.0, "lifecycle": data.draw(labels)},
        index=pd.Index(ids, name="customer_id"),
    )
    after = before.assign(lifecycle=data.draw(labels)).iloc[
        list(data.draw(st.permutations(range(n))))
    ]
    before.to_parquet(d / "jun.parquet")
    after.to_parquet(d / "dec.parquet")
    out = _run(["migrate", str(d / "jun.parquet"), str(d / "dec.parquet")])
    assert (
        f"{n} customer{'s' if n != 1 else ''} ({n} in both runs, 0 new, 0 gone)" in out
    )
    staff = d / "staff.csv"
    staff.write_text("staff\namy\nbo\n")
    before.assign(monetary=1.0).to_parquet(d / "cust.parquet")
    _run(["assign", str(d / "cust.parquet"), str(staff), "--output", str(d / "o.csv")])
    owners = pd.read_csv(d / "o.csv", dtype={"customer_id": str}, keep_default_na=False)
    assert sorted(owners["customer_id"]) == sorted(ids)


# --------------------------------------------------------------------------
# the number checks, wherever a file's numbers are read


_DOTTED = ["1.500", "2.000", "12.000", "-3.250"]  # thousands, or decimals?


def _semicolon_file(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


@_SETTINGS
@given(values=st.lists(st.sampled_from(_DOTTED), min_size=1, max_size=4))
def test_api_checks_numbers_as_the_command_line(tmp_path_factory, values):
    """``1.500`` in a ';' file is refused by segment(path) and report(path)
    as by ``custseg segment`` (it read 1.5, silently)."""
    d = tmp_path_factory.mktemp("api")
    rows = [f"c{i};2024-01-0{i % 9 + 1};{x}" for i, x in enumerate(values)]
    path = _semicolon_file(d / "tx.txt", "customer_id;date;amount", rows)
    with pytest.raises(InputError, match=r"^'amount' holds numbers such as"):
        custseg.segment(path, as_of="2024-02-01")
    with pytest.raises(InputError, match=r"^'amount' holds numbers such as"):
        custseg.report(path, as_of="2024-02-01", charts=False)
    q = _semicolon_file(
        d / "lines.txt",
        "customer_id;date;quantity;price",
        [f"c{i};2024-01-0{i % 9 + 1};2;{x}" for i, x in enumerate(values)],
    )
    with pytest.raises(InputError, match=r"^'price' holds numbers such as"):
        custseg.segment(q, as_of="2024-02-01", quantity="quantity", price="price")


@pytest.mark.parametrize(
    "text", ["0.99999999999999999", "12345678901234567.5", "99999999999999999"]
)
def test_api_refuses_digits_float64_does_not_hold(tmp_path, text):
    """As ``custseg segment`` refuses them: ``0.99999999999999999`` is 1.0
    in float64."""
    path = tmp_path / "big.csv"
    path.write_text(f"customer_id,date,amount\na,2024-01-01,{text}\nb,2024-01-02,5\n")
    with pytest.raises(InputError, match="float64"):
        custseg.segment(path, as_of="2024-02-01")


def test_api_separator_advice_names_what_exists(tmp_path):
    """The advice for a ';' file read as .csv named ``sep=``, which
    segment() did not take; segment() now takes it (audit 30: the former
    advice, read_table(path, sep=...), read the ids as numbers), and the
    advice works."""
    path = tmp_path / "tx.csv"
    path.write_text("customer_id;date;amount\na;2024-01-01;5\nb;2024-01-02;7\n")
    with pytest.raises(InputError, match=r"read it with sep=';' \(on the command"):
        custseg.segment(path, as_of="2024-02-01")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two customers: unstable edges
        result = custseg.segment(path, sep=";", as_of="2024-02-01", bins=2)
    assert result.customers.shape[0] == 2


@pytest.mark.parametrize("value", _DOTTED[:2])
def test_due_and_assign_check_their_numbers(tmp_path, value):
    """``due --points`` read ``1.500`` points as 1.5 (no reminder at 1,000);
    ``assign --capacity`` read a capacity of ``1.000`` as 1."""
    crm = _semicolon_file(tmp_path / "crm.txt", "customer_id;points", [f"a;{value}"])
    with pytest.raises(InputError, match=r"^'points' holds numbers such as"):
        _run(
            [
                "due",
                str(crm),
                "--as-of",
                "2025-01-20",
                "--cadence",
                "3000",
                "--points",
                "points",
                "--min-points",
                "1000",
            ]
        )
    staff = _semicolon_file(tmp_path / "staff.txt", "staff;capacity", [f"amy;{value}"])
    customers = tmp_path / "cust.csv"
    customers.write_text("customer_id,monetary\nc1,5\nc2,7\n")
    with pytest.raises(InputError, match=r"^'capacity' holds numbers such as"):
        _run(
            ["assign", str(customers), str(staff), "--output", str(tmp_path / "o.csv")]
        )
    values = _semicolon_file(
        tmp_path / "val.txt", "customer_id;monetary", [f"c1;{value}"]
    )
    with pytest.raises(InputError, match=r"^'monetary' holds numbers such as"):
        _run(["assign", str(values), str(staff), "--output", str(tmp_path / "o.csv")])


# --------------------------------------------------------------------------
# output the system takes only in part


@pytest.mark.skipif(os.name != "posix", reason="file-size limits are POSIX")
@pytest.mark.parametrize(
    "argv",
    [["presets", "ecommerce"], ["presets", "beauty_salon"], ["segment", "--help"]],
)
def test_short_write_to_stdout_is_an_error(tmp_path, argv):
    """``custseg presets NAME > file`` under a 1 KB file-size limit (a nearly
    full disk takes part of a write the same way) left 1,024 bytes and
    exited 0; now it says so and exits 2. Without the limit the whole text
    is written."""
    target = tmp_path / "out.toml"
    code = (
        "import resource, sys; "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024)); "
        "from custseg.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    with target.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-c", code, *argv],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert "cannot write to standard output" in done.stderr
    whole = subprocess.run(
        [sys.executable, "-m", "custseg", *argv],
        capture_output=True,
        check=True,
    ).stdout
    assert len(whole) > 1024
    assert whole.startswith(target.read_bytes())


# --------------------------------------------------------------------------
# two stray quote marks: the rows between them vanished into one note


@_SETTINGS
@given(
    n=st.integers(3, 8),
    data=st.data(),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_rows_between_two_stray_quotes_are_refused(tmp_path_factory, n, data, sep):
    """A note opened with a quote on one row and closed on a later one is a
    valid CSV field holding the rows between: an error naming the row, not
    fewer customers. A quoted note of several lines that are not rows (an
    address) is read, every row kept."""
    d = tmp_path_factory.mktemp("quotes")
    rows = [[f"c{i}", f"2024-01-0{i % 9 + 1}", str(i + 1), "ok"] for i in range(n)]
    first = data.draw(st.integers(0, n - 2))
    last = data.draw(st.integers(first + 1, n - 1))
    bad = [list(r) for r in rows]
    bad[first][3] = '"Gold member'
    bad[last][3] = 'VIP"'
    ext = {",": "csv", ";": "txt", "\t": "tsv"}[sep]

    def write(name, table):
        path = d / f"{name}.{ext}"
        lines = [sep.join(["customer_id", "date", "amount", "note"])]
        lines += [sep.join(r) for r in table]
        path.write_text("\n".join(lines) + "\n")
        return path

    with pytest.raises(InputError, match=r"two stray quote marks would swallow"):
        read_table(write("bad", bad))
    fine = [list(r) for r in rows]
    fine[first][3] = (
        f'"12 Main St\nApt 4{sep} Springfield\nnear{sep} the{sep} old{sep} park"'
    )
    got = read_table(write("fine", fine), text_columns="customer_id")
    assert got["customer_id"].tolist() == [r[0] for r in rows]


# --------------------------------------------------------------------------
# a file that is something else under a text name


def _parquet_bytes() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame(
        {"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]}
    ).to_parquet(buf)
    return buf.getvalue()


def _zip_bytes() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


_TEXT = b"customer_id,date,amount\na,2024-01-01,1\n"


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_parquet_bytes, "it is a Parquet file"),
        (_zip_bytes, "it is a ZIP archive"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Excel .xls"),
        (lambda: __import__("gzip").compress(_TEXT), "it is gzip-compressed"),
        (lambda: __import__("bz2").compress(_TEXT), "it is bzip2-compressed"),
        (lambda: __import__("lzma").compress(_TEXT), "it is xz-compressed"),
    ],
)
@pytest.mark.parametrize("ext", ["csv", "tsv", "txt"])
def test_a_binary_file_named_as_text_says_what_it_is(tmp_path, make, said, ext):
    """A Parquet file or a workbook named ``.csv`` was an encoding error
    (advising gb18030 or latin-1) or a field count; a compressed file
    without its ending the same."""
    path = tmp_path / f"tx.{ext}"
    path.write_bytes(make())
    with pytest.raises(InputError, match=said):
        read_table(path)


def test_text_that_starts_like_nothing_binary_is_read(tmp_path):
    """Headers that share a first letter with a magic number are text."""
    path = tmp_path / "tx.csv"
    path.write_text("PAR,BZh,PK\n1,2,3\n")
    assert list(read_table(path).columns) == ["PAR", "BZh", "PK"]


# --------------------------------------------------------------------------
# a write-protected output file


def test_write_protected_output_is_refused(tmp_path, monkeypatch):
    """``--output`` onto a file the user may not write (``chmod 444``)
    replaced it through the atomic rename, where ``>`` and ``cp`` refuse."""
    from custseg import _files

    target = tmp_path / "result.csv"
    target.write_text("keep me\n")
    real = os.access

    def access(path, mode, *args, **kwargs):
        if Path(path) == target and mode & os.W_OK:
            return False  # as for a user without permission (root has it)
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(_files.os, "access", access)
    table = pd.DataFrame({"x": [1]})
    with pytest.raises(InputError, match="the file is write-protected"):
        _files.write_atomic(target, _files.table_writer(table, target))
    assert target.read_text() == "keep me\n"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root may write any file"
)
def test_write_protected_output_is_refused_for_real(tmp_path):
    from custseg import _files

    target = tmp_path / "result.csv"
    target.write_text("keep me\n")
    target.chmod(0o444)
    with pytest.raises(InputError, match="the file is write-protected"):
        _files.write_atomic(
            target, _files.table_writer(pd.DataFrame({"x": [1]}), target)
        )
