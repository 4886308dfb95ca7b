"""Audit 22: text tables whose lines have fewer fields than the header.

pandas fills the fields a short line lacks with missing values, so a line
that lost a field in the middle (``17,89.5`` under ``customer_id,date,
amount``) was read with its values under the wrong columns, silently.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import read_table

# values that test the reader: separators, quotes and line breaks inside a
# field (quoted by the writer), spaces, empty cells, text beyond ASCII
_VALUES = st.sampled_from(
    [
        "1",
        "17",
        "a b",
        "x,y",
        "x;y",
        "x\ty",
        'say "hi"',
        "two\nlines",
        "",
        " ",
        "名",
        "9.5",
    ]
)
_IDS = st.sampled_from(["1", "17", "C01", "名", "x,y", "two\nlines"])


@st.composite
def _tables(draw: st.DrawFn) -> tuple[int, list[list[str]], int | None]:
    """A width, rows of that width, and the row shortened (if any)."""
    width = draw(st.integers(2, 5))
    n = draw(st.integers(1, 8))
    rest = st.lists(_VALUES, min_size=width - 1, max_size=width - 1)
    rows = [[draw(_IDS), *draw(rest)] for _ in range(n)]
    short = draw(st.none() | st.integers(0, n - 1))
    if short is not None:
        rows[short] = rows[short][: draw(st.integers(1, width - 1))]
    return width, rows, short


def _write(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    sep: str,
    end: str,
    blanks: list[int],
    encoding: str,
    quote_all: bool,
) -> list[int]:
    """Write the table; the 1-based line each data row starts on."""
    out = io.StringIO()
    w = csv.writer(
        out,
        delimiter=sep,
        lineterminator=end,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    w.writerow(header)
    starts = []
    for k, row in enumerate(rows):
        if k in blanks:
            out.write("  " + end)  # a blank line: not a row
        starts.append(out.getvalue().count("\n") + 1)
        w.writerow(row)
    data = out.getvalue().encode(encoding)
    if path.suffix == ".gz":
        data = gzip.compress(data)
    path.write_bytes(data)
    return starts


@settings(max_examples=300)
@given(
    table=_tables(),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    end=st.sampled_from(["\n", "\r\n"]),
    blanks=st.lists(st.integers(0, 8), max_size=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]),
    quote_all=st.booleans(),
    gz=st.booleans(),
)
def test_a_short_line_is_refused_with_its_line(
    tmp_path_factory: pytest.TempPathFactory,
    table: tuple[int, list[list[str]], int | None],
    sep: str,
    end: str,
    blanks: list[int],
    encoding: str,
    quote_all: bool,
    gz: bool,
) -> None:
    width, rows, short = table
    header = ["customer_id", "date", "amount", "note", "tier"][:width]
    path = tmp_path_factory.mktemp("t") / ("t.txt.gz" if gz else "t.txt")
    starts = _write(path, header, rows, sep, end, blanks, encoding, quote_all)
    text = {"customer_id", "date", "note", "tier"}
    if short is None:
        df = read_table(path, sep=sep, encoding=encoding, text_columns=text)
        assert len(df) == len(rows)  # no row refused that has every field
        assert list(df.columns) == header
        return
    with pytest.raises(InputError) as info:
        read_table(path, sep=sep, encoding=encoding, text_columns=text)
    fields = len(rows[short])
    assert f"line {starts[short]} has {fields} field" in str(info.value)
    assert f"the header line has {width}" in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "fields"),
    [
        ("customer_id,date,amount\n17,2024-01-05,9.5\n17,89.5\n", 3, 2),  # the example
        ("customer_id,date,amount\n17,2024-01-05,9.5\n17", 3, 1),  # cut off at the end
        ('customer_id,date,amount\n""\n', 2, 1),  # a quoted empty field is a row
        ("\n\ncustomer_id,date,amount\n\n17,89.5\n", 5, 2),  # blank lines first
        ("customer_id,date,amount\r1,2024-01-05,9.5\r2,3\r", 3, 2),  # bare \r (Mac)
    ],
)
def test_short_lines_examples(
    tmp_path: Path, text: str, line: int, fields: int
) -> None:
    path = tmp_path / "tx.csv"
    path.write_bytes(text.encode())
    with pytest.raises(InputError, match=f"line {line} has {fields} field"):
        read_table(path)


def test_whitespace_separated_short_line(tmp_path: Path) -> None:
    path = tmp_path / "tx.txt"
    path.write_text("customer_id date amount\n1 2024-01-05 9.5\n2 2024-01-06\n")
    with pytest.raises(InputError, match=r"line 3 has 2 fields.*commas or tabs"):
        read_table(path, sep="whitespace")


def test_empty_last_values_are_not_short_lines(tmp_path: Path) -> None:
    """A last column with empty cells (written with their separators) reads
    as before: the file is looked at again, and nothing is refused."""
    path = tmp_path / "tx.csv"
    path.write_text("customer_id,amount,note\n1,9.5,\n2,3.0,gold\n3,1.0, \n")
    df = read_table(path, text_columns="note")
    assert df["note"].isna().tolist() == [True, False, True]


def test_short_line_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    path = tmp_path / "tx.csv"
    path.write_text(
        "customer_id,date,amount\n1,2024-01-05,9.5\n2,2024-02-01,3\n2,89.5\n"
    )
    assert main(["segment", str(path), "--output", str(tmp_path / "out.csv")]) != 0
    err = capsys.readouterr().err
    assert "line 4 has 2 fields, but the header line has 3" in err
    assert not (tmp_path / "out.csv").exists()


def test_report_previous_look_alike_warning_names_the_column() -> None:
    """A class of the previous run that reads like one of this run (an
    invisible character) is warned about with its column's name."""
    import warnings

    from custseg import report
    from custseg.errors import CustsegWarning

    tx = pd.DataFrame(
        {
            "customer_id": ["1", "2", "3"],
            "date": pd.to_datetime(["2024-06-20", "2024-06-25", "2023-01-01"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)  # (few customers)
        now = report(tx, charts=False, as_of="2024-07-01").result.customers
    stage = now["lifecycle"].astype(str)
    previous = pd.DataFrame(
        {"customer_id": now.index, "lifecycle": stage.to_numpy() + "\u200b"}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report(tx, previous=previous, charts=False, as_of="2024-07-01")
    notes = [str(w.message) for w in caught if issubclass(w.category, CustsegWarning)]
    assert any(n.startswith("'lifecycle': ") and "read alike" in n for n in notes), (
        notes
    )


def test_transition_matrix_fix_names_a_column_of_the_frame() -> None:
    """The advice for a flat frame without customer_id offers its own first
    column, not a made-up one."""
    from custseg import transition_matrix

    flat = pd.DataFrame({"member": ["a", "b"], "stage": ["x", "y"]})
    with pytest.raises(InputError, match=r"df\.set_index\('member'\)"):
        transition_matrix(flat, flat, column="stage")


_MARKS = ["\u200b", "\u00a0", "\ufeff", "\u2060", " ", "\u3000"]


@settings(max_examples=100)
@given(
    data=st.data(),
    side=st.sampled_from(["before", "after"]),
    mark=st.sampled_from(_MARKS),
)
def test_look_alike_classes_within_one_run_warn(
    data: st.DataObject, side: str, mark: str
) -> None:
    """Two classes of one run that read alike (an invisible character, a
    blank at the end) are named in a warning, and still counted apart (never
    merged: they are other texts)."""
    import warnings

    from custseg import transition_matrix
    from custseg.errors import CustsegWarning

    names = ["active", "silent", "lost"]
    n = data.draw(st.integers(2, 10))
    labels = data.draw(st.lists(st.sampled_from(names), min_size=n, max_size=n))
    at = data.draw(st.integers(0, n - 1))
    twin = data.draw(st.sampled_from([c for c in names if c in labels]))
    where = len(twin) if mark.isspace() else data.draw(st.integers(0, len(twin)))
    odd = twin[:where] + mark + twin[where:]
    one = [*labels]
    one[at] = odd
    if twin not in one:
        one[(at + 1) % n] = twin
    other = data.draw(st.lists(st.sampled_from(names), min_size=n, max_size=n))
    before, after = (one, other) if side == "before" else (other, one)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tm = transition_matrix(before, after)
    notes = [str(w.message) for w in caught if issubclass(w.category, CustsegWarning)]
    assert len(notes) == 1, notes
    assert f"two classes {side} read alike" in notes[0]
    assert ascii(odd) in notes[0]  # by its code points
    classes = tm.before if side == "before" else tm.after
    assert odd in classes and twin in classes  # counted apart
    assert int(tm.matrix.sum()) == n


def _traditional_forms(text: str) -> list[str]:
    """Every traditional spelling of *text* the table knows (复: 復 and 複)."""
    from custseg._categories import _TRADITIONAL

    back: dict[str, list[str]] = {}
    for t, s in _TRADITIONAL.items():
        back.setdefault(chr(s), []).append(chr(t))
    forms = [""]
    for ch in text:
        forms = [f + c for f in forms for c in back.get(ch, [ch])]
    return forms


@pytest.mark.parametrize("name", __import__("custseg").playbook.PLAYBOOK_NAMES)
def test_default_playbooks_read_traditional_labels(name: str) -> None:
    """Every Chinese label of a default playbook, written in traditional
    characters, finds the action of its simplified form."""
    from custseg import default_playbook

    pb = default_playbook(name)
    changed = 0
    for alias, label in pb.aliases.items():
        for form in _traditional_forms(alias):
            changed += form != alias
            assert pb.action_for(form) == pb.actions[label], (alias, form)
    assert not pb.uncovered([f for a in pb.aliases for f in _traditional_forms(a)])
    assert changed or name == "abc"


def test_traditional_fallback_never_guesses_between_two_labels() -> None:
    """Two labels of a playbook that fold to one simplified text: the
    traditional form of neither is matched to one of them by guess."""
    from custseg import Playbook

    def entry(action: str) -> dict[str, object]:
        return {"action": action, "channel": "sms", "priority": 1}

    pb = Playbook.from_mapping(
        {"活跃期": entry("a"), "活躍期": entry("b"), "复购": entry("c")}
    )
    assert pb.action_for("活躍期").action == "b"  # exact first
    assert pb.action_for("複購").action == "c"  # one label: found
    pb2 = Playbook.from_mapping({"复购": entry("a"), "複購": entry("b")})
    assert pb2.action_for("復購") is None  # two candidates: no guess
