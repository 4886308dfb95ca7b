"""Audit 38, "outputs": what the command line writes (standard output asked
for as a file name)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_cli_audit import one_line_error, run

TX = "customer_id,date,amount\nc1,2024-01-02,10\nc2,2024-01-05,20\nc1,2024-02-01,5\n"
PREV = "customer_id,lifecycle\nc1,active\nc2,silent\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path) -> Iterator[None]:
    with contextlib.chdir(tmp_path):
        Path("tx.csv").write_text(TX)
        Path("prev.csv").write_text(PREV)
        Path("staff.csv").write_text("staff\nann\nbob\n")
        yield


#: every command and option that writes a file, with what it needs besides
_OUTPUTS = [
    (["segment", "tx.csv", "--bins", "2", "--output"], "--output", "customers.csv"),
    (
        ["report", "tx.csv", "--bins", "2", "--no-charts", "--output"],
        "--output",
        "report.html",
    ),
    (
        ["report", "tx.csv", "--bins", "2", "--no-charts", "--csv"],
        "--csv",
        "customers.csv",
    ),
    (
        ["demo", "--customers", "5", "--report", "", "--output"],
        "--output",
        "customers.csv",
    ),
    (
        ["demo", "--customers", "5", "--output", "", "--report"],
        "--report",
        "report.html",
    ),
    (["migrate", "prev.csv", "prev.csv", "--output"], "--output", "customers.csv"),
    (
        ["due", "prev.csv", "--as-of", "2024-03-01", "--cadence", "5", "--output"],
        "--output",
        "customers.csv",
    ),
    (
        ["assign", "prev.csv", "staff.csv", "--value", "lifecycle", "--output"],
        "--output",
        "customers.csv",
    ),
]


@pytest.mark.parametrize(("argv", "option", "example"), _OUTPUTS)
def test_dash_is_no_file_name(
    capsys: pytest.CaptureFixture[str], argv: list[str], option: str, example: str
) -> None:
    """``--output -`` was "'-' has an unknown file type" (or "is not an .html
    file name"), as if a file name lacked its extension: it names standard
    output, which custseg never writes a table or page to."""
    status, _, err = run(capsys, *argv, "-")
    one_line_error(
        status,
        err,
        "'-' is not a file name",
        f"{option} writes a file, never standard output",
        f"give {option} a file name (e.g. {option} {example})",
    )
    assert "unknown file type" not in err and "not an .html" not in err
    assert not os.path.exists("-")


@pytest.mark.parametrize(("argv", "option", "example"), _OUTPUTS)
def test_device_or_pipe_is_refused_as_such(
    capsys: pytest.CaptureFixture[str], argv: list[str], option: str, example: str
) -> None:
    """A FIFO (as ``/dev/stdout`` is under a pipe) or a device was refused
    by its missing extension ("has an unknown file type: use a .csv ...")
    or, named like a table, as "not a regular file" with no word of
    standard output: now both say what it is and that a file is needed."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo("pipe")
    status, _, err = run(capsys, *argv, "pipe")
    one_line_error(
        status,
        err,
        "'pipe' cannot be written: it is not a regular file but a pipe",
        "never a device, pipe or standard output",
        f"give {option} a file name (e.g. {option} {example})",
    )
    os.symlink(os.devnull, "null")
    status, _, err = run(capsys, *argv, "null")
    one_line_error(status, err, "not a regular file but a device or terminal")
    assert os.path.islink("null")


def test_named_fifo_keeps_its_extension_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A FIFO named like a table is refused before anything is read or
    computed, with the kind of file it is."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo("out.csv")
    status, out, err = run(capsys, "segment", "tx.csv", "--output", "out.csv")
    one_line_error(
        status, err, "'out.csv' cannot be written: it is not a regular file but a pipe"
    )
    assert out == ""
