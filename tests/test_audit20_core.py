"""Audit 20, the core: exact integers beside a missing value, bare Arrow
decimals, and errors that name the line of the file a bad row is on.

- An integer column with a missing value (pandas ``Int64``, ``UInt64``,
  ``int64[pyarrow]``, a Polars or Arrow integer column with a null) is read
  as float64, and an integer beyond 2**53 that rounds onto an edge was
  compared as its double by ``score``, ``rfm_scores``, ``value_tier`` and
  ``abc_classes(edges=)``; a bare ``pyarrow`` decimal array too (no missing
  value needed). They stay on their own side now, as ``object`` columns and
  lists always did.
- The command line said "first at row 1" (a 0-based position) for a bad
  value on line 3 of a CSV file; it says the line now.
"""

from __future__ import annotations

import csv
import io
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import custseg
from custseg._files import record_line
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError, ThresholdError

SOME = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
B = 2**53


def _column(kind: str, values: list[Any]) -> Any:
    """*values* (ints and None) as a column of *kind*."""
    if kind == "polars":
        pl = pytest.importorskip("polars")
        return pl.Series(values, dtype=pl.Int64)
    if kind == "arrow":
        pa = pytest.importorskip("pyarrow")
        return pa.array(values, pa.int64())
    if kind.endswith("[pyarrow]"):
        pytest.importorskip("pyarrow")
    return pd.Series(values, dtype=kind)


def _scores(scores: Any) -> list[int]:
    """Scores as a list, 0 for none (NumPy's; pandas gives ``NA``)."""
    return [0 if s is pd.NA else int(s) for s in list(scores)]


KINDS = ["Int64", "UInt64", "int64[pyarrow]", "polars", "arrow"]


@SOME
@given(
    kind=st.sampled_from(KINDS),
    scale=st.sampled_from([1, 2, 8, 2**9]),
    offsets=st.lists(st.integers(-3, 3), min_size=1, max_size=6),
    gap=st.integers(0, 6),
)
@example(kind="Int64", scale=1, offsets=[1, 0], gap=2)
def test_integers_beside_a_gap_keep_their_side_of_an_edge(
    kind: str, scale: int, offsets: list[int], gap: int
) -> None:
    """``score``, ``abc_classes(edges=)`` and ``value_tier`` of an integer
    column holding a missing value are those of the same integers in an
    ``object`` column (compared exactly), wherever the gap is."""
    edge = B * scale
    values: list[Any] = [edge + k for k in offsets]
    values.insert(min(gap, len(values)), None)
    col = _column(kind, values)
    want = pd.Series(values, dtype=object)
    edges = custseg.ScoreEdges((float(edge),))
    got = _scores(custseg.score(col, edges, nan="unknown"))
    assert got == _scores(custseg.score(want, edges, nan="unknown"))
    assert got == [0 if v is None else (2 if v > edge else 1) for v in values]
    abc = custseg.AbcEdges(float(2 * edge), float(edge))
    assert (
        custseg.abc_classes(col, edges=abc, nan="unknown").to_numpy().tolist()
        == custseg.abc_classes(want, edges=abc, nan="unknown").to_numpy().tolist()
    )
    tiers = custseg.ValueTierThresholds(
        assets_medium=float(edge), assets_large=float(2 * edge)
    )
    health = ["strong"] * len(values)
    assert (
        custseg.value_tier(col, health, thresholds=tiers).to_numpy().tolist()
        == custseg.value_tier(want, health, thresholds=tiers).to_numpy().tolist()
    )


@SOME
@given(
    digits=st.lists(st.integers(-3, 3), min_size=1, max_size=5),
    chunked=st.booleans(),
)
def test_bare_arrow_decimals_compare_exactly(digits: list[int], chunked: bool) -> None:
    """A ``pyarrow`` decimal array (or chunked array) is scored as the same
    ``Decimal`` values in a list are: ``0.7 + 1e-18`` above the edge 0.7."""
    pa = pytest.importorskip("pyarrow")
    values = [Decimal("0.7") + k * Decimal("1e-18") for k in digits]
    arr = pa.array(values, pa.decimal128(38, 18))
    col = pa.chunked_array([arr]) if chunked else arr
    edges = custseg.ScoreEdges((0.7,))
    assert custseg.score(col, edges).tolist() == [1 + (k > 0) for k in digits]


# --------------------------------------------------------------------------
# the line of a row in its file

cells = st.text(alphabet='ab ,"\n1é', max_size=6)


@st.composite
def csv_files(draw: Any) -> tuple[str, list[int]]:
    """A CSV text (header, rows, blank lines, quoted fields over several
    lines, CRLF or LF) and the line each data row starts on."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    rows = draw(st.lists(st.tuples(cells, cells), min_size=1, max_size=8))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(["customer_id", "note"])
    starts = []
    line = 2
    for i, (a, b) in enumerate(rows):
        for _ in range(draw(st.integers(0, 2))):  # blank lines are no rows
            out.write(newline)
            line += 1
        starts.append(line)
        before = out.tell()
        writer.writerow([f"c{i}{a}", b])
        line += out.getvalue()[before:].count("\n")
    return out.getvalue(), starts


@SOME
@given(table=csv_files())
def test_record_line_is_where_the_row_starts(
    tmp_path_factory: pytest.TempPathFactory, table: tuple[str, list[int]]
) -> None:
    text, starts = table
    path = tmp_path_factory.mktemp("lines") / "t.csv"
    path.write_bytes(text.encode())
    assert [record_line(path, k) for k in range(len(starts))] == starts
    assert record_line(path, len(starts)) is None  # past the last row
    try:
        frame = custseg.frame.read_table(path, text_columns=["customer_id"])
    except InputError:  # a quoted note that reads like rows: refused as such
        assume(False)
    assert len(frame) == len(starts)  # the rows pandas reads


def test_record_line_of_other_files(tmp_path: Path) -> None:
    """No line for Parquet or a whitespace separator; a gzip file's lines
    are those of its text; a .tsv file is split at tabs."""
    import gzip

    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(b"a,b\n\n1,2\n3,4\n"))
    assert record_line(gz, 1) == 4
    tsv = tmp_path / "t.tsv"
    tsv.write_text("a\tb\n1,x\t2\n3\t4\n")
    assert record_line(tsv, 1) == 3
    assert record_line(tsv, 0, sep="whitespace") is None
    assert record_line(tmp_path / "t.parquet", 0) is None
    assert record_line(tmp_path / "absent.csv", 0) is None


def _segment_error(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert (
        main(
            ["segment", str(path), "--output", str(path.with_suffix(".o.csv")), *extra]
        )
        == 2
    )
    return capsys.readouterr().err


@SOME
@given(
    before=st.integers(0, 5),
    blanks=st.integers(0, 2),
    bad=st.sampled_from(
        [("amount", "abc"), ("date", "2024-13-02"), ("customer_id", "")]
    ),
    quoted=st.booleans(),
)
def test_cli_errors_name_the_line(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    before: int,
    blanks: int,
    bad: tuple[str, str],
    quoted: bool,
) -> None:
    """A bad amount, date or id on line N of the transactions file is said
    to be there (blank lines and a quoted id over two lines before it
    counted), whatever else the message says."""
    lines = ["customer_id,date,amount"]
    for i in range(before):
        lines.append(
            f'"c{i}\nx",2024-01-01,1' if quoted and i == 0 else f"c{i},2024-01-01,1"
        )
    lines += [""] * blanks
    row = {"customer_id": "z", "date": "2024-01-02", "amount": "2"}
    row[bad[0]] = bad[1]
    lines.append(",".join(row.values()))
    lines.append("y,2024-01-03,3")
    text = "\n".join(lines) + "\n"
    path = tmp_path_factory.mktemp("cli") / "tx.csv"
    path.write_text(text)
    line = text[: text.index(",".join(row.values()))].count("\n") + 1
    err = _segment_error(path, capsys)
    assert f"(first at line {line} of {str(path)!r}, 1 row affected)" in err, err
    assert f"'{bad[0]}'" in err


def test_side_files_and_other_commands_name_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--records and --contacts rows, ``due``'s customers file and
    ``assign``'s staff file name their own lines."""
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\n1,2024-01-01,10\n2,2024-01-02,3\n")
    records = tmp_path / "rec.csv"
    records.write_text("customer_id,vip\n\n1,yes\n2,no\n1,no\n")
    err = _segment_error(tx, capsys, "--records", str(records))
    assert f"first at line 3 of {str(records)!r}, 2 rows affected" in err
    contacts = tmp_path / "con.csv"
    contacts.write_text(
        "customer_id,date,initiator,kind\n1,2024-01-01,customer,sale\n"
        "1,2024-01-01,customer,gossip\n"
    )
    err = _segment_error(tx, capsys, "--contacts", str(contacts))
    assert f"first at line 3 of {str(contacts)!r}" in err
    customers = tmp_path / "c.csv"
    customers.write_text("customer_id,rfm_class\n1,Champions\n\n1,Lost\n")
    assert (
        main(
            [
                "due",
                str(customers),
                "--class-column",
                "rfm_class",
                "--playbook",
                "rfm11",
                "--as-of",
                "2024-01-01",
            ]
        )
        == 2
    )
    assert f"first at line 4 of {str(customers)!r}" in capsys.readouterr().err
    value = tmp_path / "v.csv"
    value.write_text("customer_id,monetary\n1,10\n2,5\n")
    staff = tmp_path / "staff.csv"
    staff.write_text("name,capacity\namy,3\nbo,abc\n")
    assert (
        main(
            [
                "assign",
                str(value),
                str(staff),
                "--value",
                "monetary",
                "--output",
                str(tmp_path / "o.csv"),
            ]
        )
        == 2
    )
    assert f"first at line 3 of {str(staff)!r}" in capsys.readouterr().err


def test_parquet_errors_keep_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Parquet file has no lines: its rows keep their 0-based position."""
    pytest.importorskip("pyarrow")
    path = tmp_path / "tx.parquet"
    pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-01", "soon"],
            "amount": [1.0, 2.0],
        }
    ).to_parquet(path)
    assert "(first at row 1, 1 row affected)" in _segment_error(path, capsys)


def test_input_error_with_a_line_pickles() -> None:
    import pickle

    err = InputError(
        "amount", "is bad", first_row=3, n_rows=1, line="line 5 of 'x.csv'"
    )
    back = pickle.loads(pickle.dumps(err))
    assert (str(back), back.line, back.first_row) == (str(err), err.line, 3)
    assert "first at line 5 of 'x.csv'" in str(back)


# --------------------------------------------------------------------------
# two integer fields with missing values, in the rules

OPS = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
RULE_KINDS = ["Int64", "UInt64", "int64[pyarrow]", "list", "int64", "float64"]


def _rule_column(kind: str, values: list[Any]) -> Any:
    if kind == "list":
        return list(values)
    if kind == "float64":  # the doubles of the integers (what the column holds)
        return pd.Series([np.nan if x is None else float(x) for x in values])
    if kind == "int64":  # no gap: filled, as the oracle is told
        return pd.Series([0 if x is None else x for x in values], dtype="int64")
    return _column(kind, values)


@SOME
@given(
    kinds=st.tuples(st.sampled_from(RULE_KINDS), st.sampled_from(RULE_KINDS)),
    op=st.sampled_from(sorted(OPS)),
    scale=st.sampled_from([1, 4, 2**9]),
    pairs=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-3, 3)),
            st.one_of(st.none(), st.integers(-3, 3)),
        ),
        min_size=1,
        max_size=6,
    ),
    alias=st.booleans(),
)
@example(
    kinds=("Int64", "Int64"), op=">", scale=1, pairs=[(1, 0), (None, 0)], alias=False
)
def test_two_integer_fields_with_gaps_compare_exactly(
    kinds: tuple[str, str],
    op: str,
    scale: int,
    pairs: list[tuple[int | None, int | None]],
    alias: bool,
) -> None:
    """``x OP y`` of two integer fields beyond 2**53 is the comparison of
    the integers (three-valued: unknown where either is missing), whatever
    columns hold them (a gap makes them floats), also through an alias; a
    float column against another field compares the doubles of both."""
    base = B * scale
    xs = [None if a is None else base + a for a, _ in pairs]
    ys = [None if b is None else base + b for _, b in pairs]
    if kinds[0] == "int64":
        xs = [base if x is None else x for x in xs]
    if kinds[1] == "int64":
        ys = [base if y is None else y for y in ys]
    # a float column against another field: the doubles of both, as in the
    # engines; integer columns (with gaps or not): the integers
    doubles = "float64" in kinds
    held = [
        [v if v is None or not doubles else float(v) for v in vs] for vs in (xs, ys)
    ]
    left = "a" if alias else "x"
    rs = custseg.rules.loads(
        f"""format = 1
[fields]
x = {{ type = "integer", missing = true }}
y = {{ type = "integer", missing = true }}
[derived]
a = "x"
[segments.s]
default = "no"
rules = [
  {{ label = "unknown", when = "missing(x) or missing(y)" }},
  {{ label = "yes", when = "{left} {op} y" }},
]
[segments.t]
default = "no"
rules = [{{ label = "yes", when = "not ({left} {op} y)" }}]
"""
    )
    got = rs.evaluate(
        {"x": _rule_column(kinds[0], xs), "y": _rule_column(kinds[1], ys)}
    )
    want = [
        "unknown" if x is None or y is None else ("yes" if OPS[op](x, y) else "no")
        for x, y in zip(*held, strict=True)
    ]
    assert got["s"].to_numpy().tolist() == want
    negated = ["yes" if w == "no" else "no" for w in want]  # unknown: no match
    assert got["t"].to_numpy().tolist() == negated


# --------------------------------------------------------------------------
# apply_rules: the rfm code of the rescored scores, and the scale of the
# table's own scores


@SOME
@given(
    days=st.lists(st.integers(0, 400), min_size=1, max_size=12),
    spend=st.lists(st.integers(1, 5000), min_size=12, max_size=12),
)
@example(days=[1, 10, 20, 40, 60, 100, 150, 200, 250, 300], spend=[10] * 12)
def test_apply_rules_gives_segments_scores_and_code(
    days: list[int], spend: list[int]
) -> None:
    """``apply_rules(segment_frame(tx), "ecommerce")`` is
    ``segment(tx, preset="ecommerce")``: the preset's fixed edges rescore
    ``r``/``f``/``m`` and ``rfm`` is their code, as the labels read it."""
    n = len(days)
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "date": pd.Timestamp("2024-12-31") - pd.to_timedelta(days, unit="D"),
            "amount": [float(a) for a in spend[:n]],
        }
    )
    out = custseg.frame.apply_rules(
        custseg.frame.segment_frame(tx, as_of="2024-12-31"), "ecommerce"
    )
    with warnings.catch_warnings():  # few customers for the fitted scores
        warnings.simplefilter("ignore", CustsegWarning)
        ref = custseg.segment(tx, preset="ecommerce", as_of="2024-12-31").customers
    for column in ("r", "f", "m", "rfm", "rfm11", "ecom4"):
        assert out[column].tolist() == ref[column].tolist(), column
    r, f, m = (out[k].astype("Int64") for k in "rfm")
    code = r * 100 + f * 10 + m
    assert code.tolist() == out["rfm"].tolist()


def test_apply_rules_refuses_scores_of_another_scale() -> None:
    """Scores cut into 2 bins are refused by rules for 1..5, as ``segment``
    refuses them (a table without ``segment_frame``'s record is not
    checked)."""
    tx = custseg.datasets.simulate_transactions(200, seed=1)
    seg = custseg.frame.segment_frame(tx, as_of="2025-01-01", bins=2)
    with pytest.raises(ThresholdError, match=r"f scores are 1\.\.2"):
        custseg.frame.apply_rules(seg, "ecommerce")
    with pytest.raises(ThresholdError, match=r"1\.\.2"):
        custseg.segment(tx, preset="ecommerce", as_of="2025-01-01", bins=2)
    five = custseg.frame.segment_frame(tx, as_of="2025-01-01")
    assert five.attrs["rfm_bins"] == (5, 5, 5)
    custseg.frame.apply_rules(five, "ecommerce")


def test_side_tables_of_an_engine_are_named() -> None:
    pl = pytest.importorskip("polars")
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    for arg in ("records", "contacts"):
        with pytest.raises(
            InputError, match=r"pandas DataFrame .* got polars DataFrame"
        ):
            custseg.segment(tx, **{arg: pl.DataFrame({"customer_id": ["a"]})})


# --------------------------------------------------------------------------
# text: carets in terminal columns, look-alikes shown apart, encodings


@SOME
@given(
    label=st.text(alphabet="网店客户éa\u0301😀", min_size=1, max_size=6),
    pad=st.integers(0, 3),
)
def test_caret_is_under_the_offending_text_in_terminal_columns(
    label: str, pad: int
) -> None:
    """The caret of a rules diagnostic starts at the terminal column of the
    offending text, whatever wide (CJK, emoji) or combining characters
    come before it on the line."""
    from custseg._display import text_width
    from custseg.errors import RulesError

    line = f'rules = [{{ label = "{label}",{" " * pad} when = "x >> 3" }}]'
    text = f'format = 1\n[fields]\nx = {{ type = "number" }}\n[segments.s]\ndefault = "d"\n{line}\n'
    with pytest.raises(RulesError) as info:
        custseg.rules.loads(text)
    shown = info.value.diagnostics[0].render().splitlines()
    source, caret = shown[1].split(" | ", 1)[1], shown[2].split(" | ", 1)[1]
    assert source == line
    at = line.index("x >> 3")
    assert caret.index("^") == text_width(line[:at])


def test_look_alike_texts_are_shown_by_their_code_points(tmp_path: Path) -> None:
    """A name or value that differs from the one meant only in Unicode form
    is shown by its code points, in column lookups, rules category values
    (file and data) and tag mappings."""
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    with pytest.raises(InputError) as info:
        custseg.frame.summarize_frame(
            pd.DataFrame({nfd: ["a"], "date": ["2024-01-01"], "amount": [1.0]}),
            customer=nfc,
        )
    assert "'caf\\xe9' is not a column" in str(info.value)
    assert "'cafe\\u0301'" in str(info.value)
    rules_text = (
        'format = 1\n[fields]\nc = { type = "category", values = ["%s", "x"] }\n'
        '[segments.s]\ndefault = "d"\nrules = [{ label = "y", when = "c == \'%s\'" }]\n'
    )
    with pytest.raises(custseg.errors.RulesError, match=r"cafe\\u0301"):
        custseg.rules.loads(rules_text % (nfc, nfd))
    rs = custseg.rules.loads(rules_text % (nfc, nfc))
    with pytest.raises(
        InputError, match=r"'cafe\\u0301' that is not declared.*'caf\\xe9'"
    ):
        rs.evaluate({"c": [nfd]})
    # (audit 21: one Unicode form for tags, so the two forms match; a
    # zero-width space still reads alike without matching)
    assert custseg.tags_from_values([nfd], mapping={nfc: "x"}).sizes() == {"x": 1}
    with pytest.raises(InputError, match=r"the mapping has 'caf\\xe9'"):
        custseg.tags_from_values(["ca\u200bf\u00e9"], mapping={nfc: "x"},
                                 unmapped="raise")  # fmt: skip


def test_ids_alike_but_for_invisible_characters_are_warned(tmp_path: Path) -> None:
    """migrate warns of ids that differ only by a zero-width space, as of
    ids that differ in case or Unicode form."""
    from custseg._align import written_apart

    assert written_apart(["c\u200b1", "Jose\u0301"], ["c1", "Jos\u00e9"])[0] == 2
    assert written_apart(["\uff41my"], ["amy"])[0] == 1


def test_satisfaction_codes_are_ascii_digits() -> None:
    from custseg.loyalty import survey_codes

    words = pd.Series(["very_satisfied", "very_dissatisfied"])
    assert (
        survey_codes("satisfaction", pd.Series(["5", "1"])).tolist()
        == survey_codes("satisfaction", words).tolist()
    )
    # full-width ASCII reads as ASCII in every answer field (audit 33); other
    # digits stay unknown answers
    assert survey_codes("satisfaction", pd.Series(["\uff15"])).tolist() == (
        survey_codes("satisfaction", pd.Series(["5"])).tolist()
    )
    for digit in ("\u0665", "\U0001d7d3"):
        with pytest.raises(InputError):
            survey_codes("satisfaction", pd.Series([digit]))


def test_utf16_header_with_a_line_feed_byte(tmp_path: Path) -> None:
    """A UTF-16 tab-separated file whose header holds 上 (U+4E0A, whose
    bytes hold 0x0A) is split at its tabs."""
    path = tmp_path / "tx.txt"
    path.write_text(
        "上次客户\t日期\t金额\nZhang San\t2024-01-01\t5\n", encoding="utf-16"
    )
    frame = custseg.frame.read_table(path, encoding="utf-16")
    assert list(frame.columns) == ["上次客户", "日期", "金额"]


def test_gbk_rules_file_is_named_and_shown_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_bytes(
        'format = 1\n# 注释\n[fields]\nx = { type = "number" }\n'.encode("gbk")
    )
    (d,) = [d for d in custseg.rules.check(path) if d.code == "encoding"]
    assert "gbk" in d.hint and d.source_line == "# 注" and (d.line, d.column) == (2, 4)


# --------------------------------------------------------------------------
# the review probe of this change


_TEN_F = """format = 1
extends = "ecommerce"
name = "ten"

[fields]
f = { type = "integer", min = 1, max = 10, missing = true }

[scores]
f = { bins = 10 }
"""


def test_apply_rules_codes_rfm_in_segments_base() -> None:
    """With 10 f scores (base 100), the code ``apply_rules`` makes is
    ``segment``'s, even when no customer reached f = 10."""
    rs = custseg.rules.loads(_TEN_F)
    rng = np.random.default_rng(1)
    rows = [
        (
            f"c{c}",
            pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300))),
            10.0 + c,
        )
        for c in range(60)
        for _ in range(1 if c < 50 else 2)
    ]
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        seg = custseg.frame.segment_frame(tx, bins=(5, 10, 5), as_of="2024-12-31")
        want = custseg.segment(tx, rules=rs, as_of="2024-12-31").customers
    assert seg["f"].max() < 10
    got = custseg.frame.apply_rules(seg, rs)
    assert got["rfm"].tolist() == want["rfm"].tolist()
    assert got["rfm"].max() > 10_000


def test_apply_rules_on_hand_built_tables() -> None:
    """A table with ``rfm`` but without ``f``/``m`` keeps its code; text in
    a score the rules read is the rules' InputError, not a traceback."""
    seg = pd.DataFrame(
        {
            "recency_days": [5.0, 400.0],
            "frequency": [2, 1],
            "monetary": [10.0, 5.0],
            "r": [3, 1],
            "rfm": [555, 111],
        },
        index=pd.Index(["a", "b"], name="customer_id"),
    )
    only_r = custseg.rules.loads(
        'format = 1\n[fields]\nr = { type = "integer", min = 1, max = 5, missing = true }\n'
        "[scores]\nr = { edges = [30, 90, 180, 270] }\n"
        '[segments.s]\ndefault = "d"\nrules = [{ label = "top", when = "r == 5" }]\n'
    )
    out = custseg.frame.apply_rules(seg, only_r)
    assert out["rfm"].tolist() == [555, 111] and out["s"].tolist() == ["top", "d"]
    texts = seg.assign(r=[5, 1], f=["x", "1"], m=[5, 1], tenure_days=[30.0, 500.0])
    with pytest.raises(InputError, match="'f'"):
        custseg.frame.apply_rules(texts, "ecommerce")


def test_contact_lines_after_dropped_contacts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A contact dropped for being after --as-of does not shift the line of
    the next error; a bad contact date names its line too."""
    tx = tmp_path / "tx.csv"
    tx.write_text(
        "customer_id,date,amount\na,2024-01-01,1\nb,2024-01-02,1\nc,2024-01-03,1\n"
    )
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "customer_id,date,initiator,kind\na,2024-07-01,customer,sale\n"
        "b,2024-01-05,customer,sale\nc,2024-01-05,customer,gossip\n"
    )
    extra = [
        "--contacts",
        str(contacts),
        "--as-of",
        "2024-06-01",
        "--after-as-of",
        "drop",
    ]
    assert f"first at line 4 of {str(contacts)!r}" in _segment_error(tx, capsys, *extra)
    contacts.write_text(
        "customer_id,date,initiator,kind\na,2024-01-01,customer,sale\nb,05/11/2024,customer,sale\n"
    )
    assert f"first at line 3 of {str(contacts)!r}" in _segment_error(
        tx, capsys, "--contacts", str(contacts)
    )


@pytest.mark.parametrize(
    ("text", "sep", "where"),
    [
        # a quoted empty field is a row pandas reads, of one field: a line
        # with fewer fields than the header, refused on its line (audit 22)
        (
            'customer_id,date,amount\na,2024-01-01,1\n""\nb,notadate,2\n',
            None,
            "line 3 has 1 field, but the header line has 3",
        ),
        (
            'customer_id,date,amount\na,2024-01-01,1\n" "\nb,notadate,2\n',
            None,
            "line 3 has 1 field, but the header line has 3",
        ),
        (
            "customer_id date amount\na 2024-01-01 1\n   \nb notadate 2\n",
            " ",
            "first at line 4 of",
        ),
        # a line of spaces and tabs is blank, as pandas reads it (it was a
        # row of one blank id on the path that keeps an id's leading
        # spaces, until audit 23): the bad date is named on its own line
        (
            "customer_id,date,amount\na,2024-01-01,1\n  \t\nb,notadate,2\n",
            None,
            "first at line 4 of",
        ),
    ],
)
def test_lines_pandas_reads_as_rows_are_counted(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    sep: str | None,
    where: str,
) -> None:
    """Blanks that are the separator are a row (pandas reads it so): the bad
    date is named on its own line. (That row has no customer id: since
    audit 32 it is refused first, on its line 3, unless --missing-customer
    drop drops it; the bad date after it is then still at line 4.)"""
    path = tmp_path / "tx.csv"
    path.write_text(text)
    extra = [] if sep is None else ["--sep", sep]
    if sep == " ":
        assert "missing customer ids (empty cells) (first at line 3 of" in (
            _segment_error(path, capsys, *extra)
        )
        extra += ["--missing-customer", "drop"]
    assert where in _segment_error(path, capsys, *extra)


def test_record_line_only_when_the_rows_agree(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    assert record_line(path, 1, rows=2) == 3
    assert record_line(path, 1, rows=3) is None  # read otherwise: no guess


def test_a_latin1_rules_file_is_not_called_gbk(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_bytes(b"format = 1\n# Segments des clients fid\xe8les\n")
    (d,) = [d for d in custseg.rules.check(path) if d.code == "encoding"]
    assert "gbk" not in d.hint and "Latin-1" in d.hint


@pytest.mark.parametrize("text", ["２０２４-01-05", "٢٠٢٤-02-06", "2024-０1-05"])
def test_dates_in_other_digits_with_a_format(text: str) -> None:
    """With a date format as without one, the core refuses dates written
    with other digits than ASCII (strptime reads them)."""
    with pytest.raises(InputError, match="date format"):
        custseg.frame.summarize_frame(
            pd.DataFrame({"customer_id": ["a"], "date": [text], "amount": [1.0]}),
            date_format="%Y-%m-%d",
            as_of="2024-12-31",
        )
