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

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import InputError
from custseg.frame import read_table
from custseg.playbook import PLAYBOOK_NAMES

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
    encoding=st.sampled_from(
        ["utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "shift_jis", "utf-16"]
    ),
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
    with pytest.raises(
        InputError, match=r'line 3 has 2 fields.*two quote marks \(""\)'
    ):
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


@pytest.mark.parametrize("name", PLAYBOOK_NAMES)
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


@settings(max_examples=100)
@given(
    staff=st.lists(st.integers(-50, 10**12), min_size=1, max_size=5, unique=True),
    picks=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(["int", "float", "text", "text.0", "text.00"]),
        ),
        min_size=1,
        max_size=12,
    ),
    as_text_staff=st.booleans(),
)
def test_owners_written_as_floats_are_the_staff(
    staff: list[int], picks: list[tuple[int, str]], as_text_staff: bool
) -> None:
    """An owner as pandas writes an integer of a column with gaps and reads
    it back as text (``"7.0"``) is the same person as staff ``7``, in every
    form, as the command line read it already: the same assignment."""
    from custseg import assign_owners

    def form(x: int, kind: str) -> object:
        return {
            "int": x,
            "float": float(x),
            "text": str(x),
            "text.0": f"{x}.0",
            "text.00": f"{x}.00",
        }[kind]

    ids = [staff[i % len(staff)] for i, _ in picks]
    owners = [
        form(x, kind) if i < 5 else None
        for (i, kind), x in zip(picks, ids, strict=True)
    ]
    plain = [x if i < 5 else None for (i, _), x in zip(picks, ids, strict=True)]
    value = [float(100 - k) for k in range(len(picks))]
    team = [str(s) for s in staff] if as_text_staff else staff
    got = assign_owners(value, team, current_owner=pd.Series(owners, dtype=object))
    want = assign_owners(value, team, current_owner=pd.Series(plain, dtype=object))
    assert got.to_pandas().equals(want.to_pandas())


def test_an_owner_text_that_is_itself_a_staff_id_stays_that_person() -> None:
    from custseg import assign_owners

    got = assign_owners([5.0, 4.0], ["7", "7.0"], current_owner=["7.0", "7"])
    assert got.to_pandas()["owner"].tolist() == ["7.0", "7"]


_WS_VALUES = st.sampled_from(
    ["1", "a", "Acme Co", "张\u3000三", "A\u00a0B", "", "two\nlines", "9.5", 'x"y']
)


def _ws_cell(value: str) -> str:
    """A value as a whitespace-separated file writes it: quoted when it
    holds a space, a tab, a quote or a line break, or is empty."""
    if value == "" or any(c in value for c in ' \t"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


@settings(max_examples=200)
@given(
    data=st.data(),
    width=st.integers(2, 4),
    n=st.integers(1, 6),
    short=st.none() | st.integers(0, 5),
)
def test_whitespace_separated_short_lines(
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
    width: int,
    n: int,
    short: int | None,
) -> None:
    """With runs of spaces and tabs between the fields, as pandas reads
    them: quoted values hold spaces, line breaks and nothing (``""``); other
    Unicode spaces (U+3000, U+00A0) are inside a value; blanks around a
    line are no fields. A short line is refused with its line, a whole file
    reads."""
    if short is not None and short >= n:
        short = None
    gaps = st.sampled_from([" ", "  ", "\t", " \t "])
    rows = [
        [
            data.draw(st.sampled_from(["c1", "C02", "x"])),
            *data.draw(st.lists(_WS_VALUES, min_size=width - 1, max_size=width - 1)),
        ]
        for _ in range(n)
    ]
    if short is not None:
        rows[short] = rows[short][: data.draw(st.integers(1, width - 1))]
    header = ["customer_id", "date", "amount", "note"][:width]
    lines, starts = [" ".join(header)], []
    for row in rows:
        starts.append(sum(line.count("\n") + 1 for line in lines) + 1)
        text = ""
        for k, cell in enumerate(row):
            text += (data.draw(gaps) if k else "") + _ws_cell(cell)
        lead = data.draw(st.sampled_from(["", " ", "\t"]))
        trail = data.draw(st.sampled_from(["", " ", "\t"]))
        lines.append(lead + text + trail)
    path = tmp_path_factory.mktemp("w") / "t.txt"
    path.write_text("\n".join(lines) + "\n")
    kw = {"sep": "whitespace", "text_columns": set(header)}
    if short is None:
        df = read_table(path, **kw)
        assert len(df) == n
        assert df.fillna("").astype(str).to_numpy().tolist() == rows
        return
    with pytest.raises(InputError) as info:
        read_table(path, **kw)
    assert f"line {starts[short]} has {len(rows[short])} field" in str(info.value)


def test_fields_longer_than_the_csv_module_takes(tmp_path: Path) -> None:
    """A field past Python's csv limit (131,072 characters) reads, as pandas
    reads it; a short line in such a file is still found; and a long quoted
    field over two lines is no "stray quote"."""
    import csv as csv_module

    limit = csv_module.field_size_limit()
    note = "x" * 200_000
    path = tmp_path / "long.csv"
    path.write_text(f'customer_id,note,amount\na,"{note}",1\nb,"two\nlines",\n')
    df = read_table(path, text_columns=["customer_id", "note"])
    assert df["note"].str.len().tolist() == [200_000, 9]
    path.write_text(f'customer_id,note,amount\na,"{note}\n{note}",1\nb,2\n')
    with pytest.raises(InputError, match="line 4 has 2 fields"):
        read_table(path, text_columns=["customer_id", "note"])
    assert csv_module.field_size_limit() == limit  # put back


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_a_header_that_ends_with_a_separator(tmp_path: Path, sep: str) -> None:
    """An export that ends the header line with a separator (an empty last
    name) reads as before; a line short of the named fields is refused."""
    path = tmp_path / "tx.txt"
    head = sep.join(["customer_id", "date", "amount", ""])
    path.write_text(f"{head}\na{sep}2024-01-01{sep}1\nb{sep}2024-01-02{sep}2\n")
    df = read_table(path, sep=sep)
    assert df["amount"].tolist() == [1, 2]
    path.write_text(f"{head}\na{sep}2024-01-01{sep}1\nb{sep}2\n")
    with pytest.raises(
        InputError, match="line 3 has 2 fields, but the header line has 3"
    ):
        read_table(path, sep=sep)


@pytest.mark.parametrize("side", ["before", "after"])
@pytest.mark.parametrize("name", ["(new)", "(gone)"])
def test_a_class_named_like_new_or_gone_on_either_side(side: str, name: str) -> None:
    """A class called ``(gone)`` before would be a row beside the column
    ``(gone)`` (customers who left): refused on either side, as on its own."""
    from custseg import transition_matrix
    from custseg.errors import ThresholdError

    ids = ["a", "b", "c"]
    odd = pd.Series(["x", name, "y"], index=ids)
    plain = pd.Series(["x", "x", "y"], index=ids)
    before, after = (odd, plain) if side == "before" else (plain, odd)
    with pytest.raises(ThresholdError, match="'new' and 'gone' must differ"):
        transition_matrix(before, after)
    tm = transition_matrix(before, after, new="(new)*", gone="(gone)*")
    assert int(tm.matrix.sum()) == 3


@settings(max_examples=50)
@given(
    ids=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=2, max_size=6),
    data=st.data(),
)
def test_duplicate_ids_get_a_fix_that_works(
    ids: list[str], data: st.DataObject
) -> None:
    """Two Series on different indexes, one holding an id twice: the fix
    does not offer reindex (which refuses duplicate labels)."""
    from custseg import loyalty_level

    other = data.draw(st.permutations(ids))
    if list(other) == ids:
        return
    sat = pd.Series([3.0] * len(ids), index=ids)
    rep = pd.Series([1.0] * len(ids), index=list(other))
    with pytest.raises(InputError) as info:
        loyalty_level(sat, rep, sat)
    text = str(info.value)
    if len(set(ids)) < len(ids):
        assert "give one row per customer first" in text
        assert "reindex" not in text
    else:
        assert "reindex" in text
        rep.reindex(sat.index)  # the fix offered works


_WIDE_PLACEHOLDERS = [
    "N/A",
    "n/a",
    "NULL",
    "null",
    "None",
    "Unknown",
    "NaN",
    "-",
    "?",
    "_",
]


@settings(max_examples=100)
@given(
    word=st.sampled_from(_WIDE_PLACEHOLDERS),
    wide=st.lists(st.booleans(), min_size=7, max_size=7),
    pad=st.sampled_from(["", " ", "\u3000"]),
    kind=st.sampled_from(["object", "str", "U"]),
)
def test_full_width_placeholders_are_missing(
    word: str, wide: list[bool], pad: str, kind: str
) -> None:
    """A placeholder typed (in part) in full-width characters, as a Chinese
    keyboard types it, is missing: in profile_completeness and in tags."""
    from custseg import profile_completeness, tags_from_values

    typed = "".join(
        chr(ord(c) + 0xFEE0) if w and "!" <= c <= "~" else c
        for c, w in zip(word, wide + [False] * len(word), strict=False)
    )
    values = ["13800000001", pad + typed + pad]
    column = (
        pd.Series(values, dtype=object)
        if kind == "object"
        else pd.Series(values, dtype="str")
        if kind == "str"
        else np.array(values)
    )
    got = profile_completeness(
        pd.DataFrame({"phone": column}), hard=["phone"], soft=[], weights=(1, 0)
    )
    assert got.to_pandas()["completeness"].tolist() == [1.0, 0.0]
    tags = tags_from_values(pd.Series(column))
    assert tags.to_pandas().columns.tolist() == ["13800000001"]


@pytest.mark.parametrize("name", ["base", "department_store", "ecommerce"])
def test_evaluator_with_one_field_replaced_is_evaluate(name: str) -> None:
    """``assert_monotone``'s evaluation with one number field replaced (the
    others coerced once) labels as ``evaluate`` of the frame with that
    column, explanations and all."""
    from custseg import rules
    from custseg.rules._model import evaluator_with
    from custseg.testing import fields_for

    rs = rules.load(name)
    numbers = [f for f, spec in rs.fields.items() if spec.kind in ("number", "integer")]

    @settings(max_examples=20, deadline=None)
    @given(fields_for(rs, max_rows=8), st.data())
    def check(data: dict, draw: st.DataObject) -> None:
        frame = pd.DataFrame(data)
        field = draw.draw(st.sampled_from([f for f in numbers if f in frame]))
        raised = pd.to_numeric(frame[field], errors="coerce").to_numpy(np.float64)
        top = rs.fields[field].max
        up = raised * 2 + 1 if top is None else np.minimum(raised * 2 + 1, top)
        raised = np.where(np.isnan(raised), np.nan, up)
        column = pd.Series(raised, index=frame.index, name=field)
        got = evaluator_with(rs, frame, field)(column)
        # a raised recency may pass the tenure: evaluator_with labels it
        # (a question asked), as evaluate does without the refusal
        want = rs._evaluate_data(
            frame.assign(**{field: raised}), explain=True, refuse=False
        )
        assert got.to_pandas().equals(want.to_pandas())

    check()


def _reference_short_line(text: str, sep: str, width: int) -> tuple[int, int] | None:
    """The first record with fewer than *width* fields and the line it
    starts on, by Python's csv module (blank lines are no records)."""
    import csv as csv_module

    lines = text.splitlines(keepends=True)
    reader = csv_module.reader(iter(lines), delimiter=sep, skipinitialspace=True)
    start, header, consumed = 1, False, 0
    for row in reader:
        raw = "".join(lines[consumed : reader.line_num])
        consumed = reader.line_num
        if raw.strip(" \t\r\n".replace(sep, "")):
            if header and len(row) < width:
                return start, len(row)
            header = True
        start = reader.line_num + 1
    return None


_QUOTED_VALUES = st.sampled_from(
    ["1", "a", "x,y", "x;y", 'say "hi"', "two\nlines", "two\r\nlines", "", '12" pizza']
)


@settings(max_examples=300)
@given(
    width=st.integers(2, 4),
    rows=st.lists(
        st.lists(_QUOTED_VALUES, min_size=1, max_size=4), min_size=1, max_size=8
    ),
    sep=st.sampled_from([",", ";", "|"]),
    end=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from(["minimal", "all", "raw"]),
)
def test_short_lines_counted_on_bytes_as_csv_reads_them(
    tmp_path_factory: pytest.TempPathFactory,
    width: int,
    rows: list[list[str]],
    sep: str,
    end: str,
    quoting: str,
) -> None:
    """The NumPy count of a file's records (quote marks as CSV places them:
    the separators and line breaks inside a quoted field are in it) finds
    the first short record and its line as Python's csv module does, and
    gives way to it for a quote mark it cannot place (``12" pizza``)."""
    import csv as csv_module

    from custseg._files import _short_line

    out = io.StringIO()
    header = sep.join(f"c{k}" for k in range(width)) + end
    if quoting == "raw":  # values as they are: quotes inside unquoted ones
        body = "".join(
            sep.join(
                v.replace("\n", " ").replace("\r", " ").replace(sep, " ") for v in r
            )
            + end
            for r in rows
        )
    else:
        w = csv_module.writer(
            out,
            delimiter=sep,
            lineterminator=end,
            quoting=csv_module.QUOTE_ALL
            if quoting == "all"
            else csv_module.QUOTE_MINIMAL,
        )
        w.writerows(r[:width] for r in rows)
        body = out.getvalue()
    text = header + body
    path = tmp_path_factory.mktemp("q") / "t.csv"
    path.write_bytes(text.encode())
    got = _short_line(path, {"sep": sep, "encoding": "utf-8"}, width)
    assert got == _reference_short_line(text, sep, width)
