"""Audit 37, round 2 (r2read): the scientific-notation id check of every
file read, made fast and without false alarms.

1. ``refuse_scientific_ids`` matched a regular expression against every id
   in Python: on a million text ids it cost more than reading a Parquet
   file (``custseg.segment("tx.parquet")`` took twice as long as before
   the check). Only the ids holding an exponent's sign (``e+``, ``E+``)
   are now matched one by one, found in C (pyarrow on Arrow text, one
   joined string otherwise).
2. Codes with a one-digit or a negative exponent (``2E+5``, ``4E-1``,
   ``3E-02``: product, seat or room codes) were refused as a
   spreadsheet's scientific notation, which always writes two or more
   exponent digits (``1E+05``, ``1.23457E+11``), and never a negative
   one for a whole number id.
"""

from __future__ import annotations

import re
from pathlib import Path

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _files
from custseg.cli import main
from custseg.errors import InputError

FAST = settings(max_examples=25, deadline=None, database=None)
SEARCH = getattr(hypothesis, "custseg_unscaled", settings)(
    max_examples=100, deadline=None, database=None
)

#: the definition: a number with an exponent of + and 2+ digits
_DEFINITION = re.compile(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE]\+[0-9]{2,}\s*")


def _expected(values: list[object]) -> tuple[int, int, str] | None:
    hits = [isinstance(x, str) and _DEFINITION.fullmatch(x) is not None for x in values]
    if not any(hits):
        return None
    first = hits.index(True)
    return first, sum(hits), str(values[first]).strip()


_ID = st.one_of(
    st.from_regex(
        r"[ ]?[-+]?[0-9]{0,2}\.?[0-9]{0,2}[eE][-+][0-9]{1,3}[ ]?", fullmatch=True
    ),
    st.from_regex(r"[A-Za-z0-9+\-. ]{0,6}", fullmatch=True),
    st.sampled_from(["c1", "00017", "2E5", "E+5", "SE-12", "abe+10", "1e+05"]),
)


@SEARCH
@given(ids=st.lists(_ID, min_size=1, max_size=8), gaps=st.sets(st.integers(0, 7)))
def test_scientific_ids_match_their_definition_on_every_dtype(
    ids: list[str], gaps: set[int]
) -> None:
    """Property: on object (with NaN or None for missing ids), pandas'
    ``str`` and ``string[pyarrow]`` columns, a list and an Index, the ids
    found are those of the definition (two or more exponent digits), with
    the first one's row and the count."""
    pytest.importorskip("pyarrow")
    values: list[object] = [None if i in gaps else x for i, x in enumerate(ids)]
    want = _expected(values)
    assert _files.scientific_ids(values) == want
    assert _files.scientific_ids(pd.Index(values, dtype=object)) == want
    nan = [np.nan if x is None else x for x in values]
    assert _files.scientific_ids(pd.Series(nan, dtype=object)) == want
    for dtype in ("str", "string[pyarrow]"):
        col = pd.Series(values, dtype=dtype, index=np.arange(len(values))[::-1])
        assert _files.scientific_ids(col) == want


@FAST
@given(
    mantissa=st.from_regex(r"[0-9]{1,3}(\.[0-9]{0,3})?", fullmatch=True),
    e=st.sampled_from("eE"),
    digits=st.integers(0, 30),
)
def test_short_and_negative_exponent_codes_are_ids(
    mantissa: str, e: str, digits: int
) -> None:
    """Property: a code with a one-digit exponent (``2E+5``) or a negative
    one (``3E-02``) is an id as written, beside the refused spelling of a
    spreadsheet (``2E+05``)."""
    codes = [f"{mantissa}{e}+{digits % 10}", f"{mantissa}{e}-{digits:02d}"]
    _files.refuse_scientific_ids(
        pd.DataFrame({"customer_id": ["c1", *codes, *codes]}), ["customer_id"]
    )
    with pytest.raises(InputError, match="scientific notation") as info:
        _files.refuse_scientific_ids(
            pd.DataFrame({"customer_id": [*codes, f"{mantissa}{e}+{digits:02d}"]}),
            ["customer_id"],
        )
    assert info.value.first_row == 2


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_product_codes_with_a_short_exponent_are_read(tmp_path: Path) -> None:
    """The repro: a shop's codes 2E+5, 4E-1 and 3E-02 were refused as
    Excel's scientific notation (by the CLI and custseg.segment)."""
    path = tmp_path / "tx.csv"
    path.write_text(
        "customer_id,date,amount\n2E+5,2024-06-01,10\n4E-1,2024-06-02,20\n"
        "2E+5,2024-06-03,5\n3E-02,2024-06-04,1\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    assert (
        main(["segment", str(path), "--as-of", "2024-07-01", "--output", str(out)]) == 0
    )
    rows = out.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == ["2E+5", "3E-02", "4E-1"]
    seg = custseg.segment(str(path), as_of="2024-07-01")
    assert sorted(map(str, seg.to_pandas().index)) == ["2E+5", "3E-02", "4E-1"]


class _Counting:
    """The id pattern, counting the ids it is matched against."""

    def __init__(self) -> None:
        self.calls = 0

    def fullmatch(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return _DEFINITION.fullmatch(text)


@pytest.mark.parametrize("dtype", [object, "str"])
def test_only_ids_with_an_exponent_sign_are_matched(
    monkeypatch: pytest.MonkeyPatch, dtype: object
) -> None:
    """The slowdown: every id went through the regular expression in
    Python (0.3 s a million ids, more than reading the Parquet file). Ids
    without ``e+``/``E+`` are now passed over in C: none is matched, and
    with one such id only it is."""
    pytest.importorskip("pyarrow")
    counting = _Counting()
    monkeypatch.setattr(_files, "_SCIENTIFIC_ID", counting)
    ids = [f"C{i}" for i in range(2000)] + [None]
    df = pd.DataFrame({"customer_id": pd.Series(ids, dtype=dtype)})
    _files.refuse_scientific_ids(df, ["customer_id"])
    assert counting.calls == 0
    ids[1500] = "1.23457E+11"
    df = pd.DataFrame({"customer_id": pd.Series(ids, dtype=dtype)})
    with pytest.raises(InputError, match="first at row 1500, 1 row affected"):
        _files.refuse_scientific_ids(df, ["customer_id"])
    assert counting.calls == 1


# --------------------------------------------------------------------------
# 3. a joined file's header line with its byte order mark


_BOM = "\ufeff"


@FAST
@given(
    firsts=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    bom=st.booleans(),
    unnamed=st.sampled_from([None, "text", "number", "row number"]),
)
def test_joined_header_lines_are_refused(
    firsts: list[int], bom: bool, unnamed: str | None
) -> None:
    """Property: files joined with ``cat``, each saved as Excel's "CSV
    UTF-8" (a byte order mark first) or not, with a column without a name
    (notes, pandas' row numbers first) or not, are refused at the line of
    the second header, whatever the lines of each file."""
    import tempfile

    parts, n = [], 0
    for rows in firsts:
        head, cells = ["customer_id", "tier"], [["c{}", "gold"]] * rows
        if unnamed == "row number":
            head, cells = ["", *head], [["{}", "c{}", "gold"]] * rows
        elif unnamed is not None:
            head = [*head[:1], "", *head[1:]]
            value = "note {}" if unnamed == "text" else "{}"
            cells = [["c{}", value, "gold"]] * rows
        lines = [("\ufeff" if bom else "") + ",".join(head)]
        lines += [",".join(c.format(n + i) for c in row) for i, row in enumerate(cells)]
        n += rows
        parts.append("\n".join(lines) + "\n")
    second = 1 + firsts[0] + 1  # (the second header's line, from 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "all.csv"
        path.write_bytes("".join(parts).encode("utf-8"))
        with pytest.raises(InputError) as info:
            _files.read_table(path, text_columns=["customer_id"])
    message = str(info.value)
    assert "has its header line again among its data lines" in message
    assert f"first at line {second} of" in message
    assert f"{len(firsts) - 1} row" in message


def test_one_named_column_beside_unnamed_ones_is_read_as_written(
    tmp_path: Path,
) -> None:
    """A value equal to the one named column's name, beside empty unnamed
    fields, may be an id: such a table is read as written."""
    path = tmp_path / "ids.csv"
    path.write_text("customer_id,\nc1,x\ncustomer_id,\n", encoding="utf-8")
    df = _files.read_table(path, text_columns=["customer_id"])
    assert df["customer_id"].tolist() == ["c1", "customer_id"]


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_records_joined_from_excel_utf8_files_add_no_customer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repro: two records files saved as Excel's "CSV UTF-8" joined
    with cat gave a customer '\\ufeffcustomer_id' of tier 'tier' in the
    output (3 rows for 2 customers), and transactions so joined were
    refused as "not dates, such as 'date'"."""
    tx = tmp_path / "tx.csv"
    tx.write_text(
        "customer_id,date,amount\nc1,2024-01-01,5\nc2,2024-01-03,7\n",
        encoding="utf-8",
    )
    records = tmp_path / "records.csv"
    records.write_text(
        f"{_BOM}customer_id,tier\nc1,gold\n{_BOM}customer_id,tier\nc2,silver\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    argv = ["segment", str(tx), "--as-of", "2024-02-01", "--records", str(records)]
    assert main([*argv, "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert "has its header line again among its data lines" in err
    assert "first at line 3 of" in err
    assert not out.exists()
    joined = tmp_path / "joined.csv"
    joined.write_text(
        f"{_BOM}customer_id,date,amount\nc1,2024-01-01,5\n"
        f"{_BOM}customer_id,date,amount\nc2,2024-01-03,7\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"header line again.*first at line 3"):
        custseg.segment(str(joined), as_of="2024-02-01")
