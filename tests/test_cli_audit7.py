"""A seventh audit of the command line, with real exports.

- ``custseg due --output F`` printed its report before writing F, so a
  closed stdout (``| head``) or a full one left no file (exit 0 with
  ``head``). Every command with ``--output`` must write it first.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import cli
from custseg.datasets import simulate_transactions
from custseg.errors import InputError

CUSTSEG = Path(sys.executable).with_name("custseg")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A transactions file, its segment output and a staff list."""
    folder = tmp_path_factory.mktemp("cli7")
    tx = folder / "tx.csv"
    simulate_transactions(300, seed=1).to_csv(tx, index=False)
    seg = folder / "seg.csv"
    subprocess.run(
        [str(CUSTSEG), "segment", str(tx), "--output", str(seg)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    staff = folder / "staff.csv"
    staff.write_text("staff\nann\nbob\n", encoding="utf-8")
    return {"TX": tx, "SEG": seg, "STAFF": staff}


#: every command that writes an --output file (OUT), and a format
COMMANDS = {
    "segment": (["segment", "TX", "--output", "OUT"], ".csv"),
    "report": (["report", "TX", "--output", "OUT"], ".html"),
    "migrate": (["migrate", "SEG", "SEG", "--output", "OUT"], ".csv"),
    "assign": (["assign", "SEG", "STAFF", "--output", "OUT"], ".csv"),
    "due": (
        [
            "due",
            "SEG",
            "--as-of",
            "2025-01-01",
            "--class-column",
            "lifecycle",
            "--output",
            "OUT",
        ],
        ".csv",
    ),
    "demo": (["demo", "--customers", "300", "--output", "OUT"], ".csv"),
}


@pytest.mark.parametrize("stdout", ["full", "head"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_output_written_before_the_report(
    files: dict[str, Path], tmp_path: Path, command: str, stdout: str
) -> None:
    """Whatever becomes of stdout (a full disk: exit 2; closed after one
    line by ``head``: exit 0), the output file is complete."""
    argv, suffix = COMMANDS[command]
    out = tmp_path / f"out{suffix}"
    args = [str({**files, "OUT": out}.get(a, a)) for a in argv]
    if stdout == "full":
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full")
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [str(CUSTSEG), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=180,
                check=False,
                cwd=tmp_path,
            )
        assert proc.returncode == 2, proc.stderr
    else:
        with subprocess.Popen(
            [str(CUSTSEG), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        ) as proc_:
            assert proc_.stdout is not None
            proc_.stdout.readline()
            proc_.stdout.close()  # as head does after its lines
            proc_.wait(timeout=180)
        assert proc_.returncode == 0
    assert out.exists(), f"{command}: no output file"
    if suffix == ".csv":
        assert len(pd.read_csv(out, dtype=str)) > 0
    else:
        assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")


# --------------------------------------------------------------------------
# amounts with a dot before groups of three digits, in files not separated
# by commas (European exports: 1.234 = 1234, 12,50 = 12.5)

_GROUPED = st.builds(
    lambda head, groups: f"{head}." + ".".join(f"{g:03d}" for g in groups),
    st.integers(1, 999),
    st.lists(st.integers(0, 999), min_size=1, max_size=2),
)
_POINTED = st.builds(
    lambda k, places: f"{k / 10**places:.{places}f}",
    st.integers(0, 10**6),
    st.sampled_from([1, 2, 4]),
)
_WHOLE = st.integers(0, 10**6).map(str)


@settings(max_examples=30, deadline=None)
@given(
    amounts=st.lists(_GROUPED | _POINTED | _WHOLE, min_size=1, max_size=8),
    sep=st.sampled_from([";", "\t", "|", ","]),
)
def test_dot_groups_are_never_guessed(amounts: list[str], sep: str) -> None:
    """In a file not separated by commas, a column whose every dotted
    number has three digits after one dot (``1.234``, ``12.000``) is
    refused naming the first; with one number that has a decimal point of
    other places, or in a comma-separated file, the column is read as
    written (decimal points). Several dots are refused in any file."""
    lines = ["customer_id,date,amount".replace(",", sep)]
    lines += [sep.join([f"c{i}", "2024-01-05", a]) for i, a in enumerate(amounts)]
    dotted = ["." in a for a in amounts]
    grouped = [bool(re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", a)) for a in amounts]
    # several dots are no number whatever the separator (1.000.000)
    several = any(a.count(".") > 1 for a in amounts)
    refused = several or (sep != "," and any(dotted) and dotted == grouped)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tx.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(folder) / "out.csv"
        argv = ["segment", str(path), "--sep", sep, "--bins", "2", "--output", str(out)]
        if refused:
            with pytest.raises(InputError) as info:
                _run(argv)
            assert info.value.field == "amount"
            assert info.value.first_row == grouped.index(True)
        else:
            assert _run(argv) == 0
            got = pd.read_csv(out, dtype={"customer_id": str}).set_index("customer_id")
            for i, a in enumerate(amounts):
                # (the CSV output writes money to the cent)
                assert got.loc[f"c{i}", "monetary"] == pytest.approx(
                    float(a), abs=0.006
                )


def _run(argv: list[str]) -> int:
    """A command of custseg's main, run in this process so that its errors
    are raised (main prints them and returns 2)."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = cli._parser().parse_args(argv)
        return int(args.func(args))


# --------------------------------------------------------------------------
# a stray quote mark in a free-text column swallowed the lines after it

_NOTE = st.text(alphabet=st.sampled_from("ab ,;\n"), max_size=6)
_GOOD_NOTE = st.one_of(
    st.text(alphabet=st.sampled_from("ab x"), max_size=5),  # plain
    # quoted, line breaks inside (not first: a stray quote before such a
    # note pairs with its opening quote into a well-formed field, see below)
    _NOTE.filter(lambda t: not t.startswith("\n")).map(
        lambda t: '"' + t.replace('"', '""') + '"'
    ),
)
_STRAY_NOTE = st.one_of(
    st.text(alphabet="ab ", max_size=4).map(lambda t: '"' + t),  # never closed
    st.tuples(
        st.text(alphabet="ab", min_size=1, max_size=3),
        st.text("ab ", min_size=1, max_size=3),
    ).map(lambda p: f'"{p[0]}" {p[1]}'),  # text after the closing quote
)


@settings(max_examples=40, deadline=None)
@given(
    notes=st.lists(_GOOD_NOTE, min_size=1, max_size=6),
    # one stray quote a file: two can pair into one well-formed quoted field
    # holding the lines between (valid CSV: not detected, see the note)
    stray=st.lists(st.tuples(st.integers(0, 5), _STRAY_NOTE), max_size=1),
    records=st.booleans(),
)
def test_a_stray_quote_never_loses_rows(
    notes: list[str], stray: list[tuple[int, str]], records: bool
) -> None:
    """Transactions (or customer records) with a note column: quoted notes
    (separators, line breaks, doubled quotes) are read with every row; a
    note with a stray quote mark is refused or harmless (text after a
    closing quote on the same line), never swallowing rows. Two stray
    quotes that pair into one valid field are refused when a line inside
    reads as a row (tests/test_audit15_files.py); not detected otherwise."""
    for at, note in stray:
        notes[at % len(notes)] = note
    bad = bool(stray)
    with tempfile.TemporaryDirectory() as folder:
        tx = Path(folder) / "tx.csv"
        out = Path(folder) / "out.csv"
        argv = ["segment", str(tx), "--bins", "2", "--output", str(out)]
        rows = [f"c{i},2024-01-0{1 + i % 9},{i + 1}" for i in range(len(notes))]
        if records:
            tx.write_text("customer_id,date,amount\n" + "\n".join(rows) + "\n")
            rec = Path(folder) / "rec.csv"
            lines = [f"c{i},{n}" for i, n in enumerate(notes)]
            rec.write_text("customer_id,note\n" + "\n".join(lines) + "\n")
            argv += ["--records", str(rec)]
        else:
            lines = [f"{r},{n}" for r, n in zip(rows, notes, strict=True)]
            tx.write_text("customer_id,date,amount,note\n" + "\n".join(lines) + "\n")
        try:
            status = _run(argv)
        except InputError:
            assert bad, "a file of well quoted notes refused"
            return
        assert status == 0
        # read: then every row (a stray quote on its own line loses none)
        got = pd.read_csv(out, dtype={"customer_id": str})
        assert sorted(got["customer_id"]) == sorted(f"c{i}" for i in range(len(notes)))
        if records:
            assert (got["present"] == "both").all()


# --------------------------------------------------------------------------
# one run saved as CSV and as Parquet reads back alike (migrate, --previous)


@pytest.mark.parametrize(
    "values",
    [
        ["true", "false", ""],
        ["true", "false", "true"],
        ["TRUE", "False", ""],
        ["1", "2", ""],
        ["Gold", "None", "N/A"],
        ["0.5", "x", ""],
    ],
)
def test_one_run_as_csv_and_parquet_has_not_moved(values: list[str]) -> None:
    """``migrate`` of a CSV and a Parquet output of the same run: every
    compared column 100% in the same class, and the same columns compared
    whichever file comes first."""
    pytest.importorskip("pyarrow")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "t.csv").write_text(
            "customer_id,date,amount\na,2024-01-05,12\nb,2024-01-06,3\nc,2024-01-07,5\n"
        )
        rows = [f"{c},{v}" for c, v in zip("abc", values, strict=True)]
        (root / "rec.csv").write_text("customer_id,flag\n" + "\n".join(rows) + "\n")
        for suffix in (".csv", ".parquet"):
            _run(
                [
                    "segment",
                    str(root / "t.csv"),
                    "--records",
                    str(root / "rec.csv"),
                    "--bins",
                    "2",
                    "--output",
                    str(root / f"m{suffix}"),
                ],
            )
        tables = []
        for first, second in (("m.csv", "m.parquet"), ("m.parquet", "m.csv")):
            out = root / f"{first}-{second}.csv"
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                _run(
                    [
                        "migrate",
                        str(root / first),
                        str(root / second),
                        "--output",
                        str(out),
                    ],
                )
            moved = pd.read_csv(out, dtype=str, keep_default_na=False)
            assert (moved["before"] == moved["after"]).all(), moved
            tables.append(sorted(set(moved["column"])))
        assert tables[0] == tables[1]


@pytest.mark.parametrize("option", ["--birthday", "--last-contact"])
def test_due_date_errors_give_a_fix_due_has(option: str) -> None:
    """``due`` has no --date-format: its date errors do not advise one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        path.write_text("customer_id,lifecycle,day\n1,active,25/01/1990\n")
        argv = ["due", str(path), "--as-of", "2025-01-20", "--cadence", "30"]
        with pytest.raises(InputError) as info:
            _run([*argv, option, "day"])
        assert "--date-format" not in str(info.value)
        assert "ISO 8601" in str(info.value)
        assert cli.main([*argv, option, "day", "--date-format", "%d/%m/%Y"]) == 2
