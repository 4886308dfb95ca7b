"""Audit 32: loyalty and relationship (round 3).

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.cli import main
from custseg.errors import CustsegWarning
from custseg.loyalty import nps

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

# --------------------------------------------------------------------------
# 1. a field's declared type decides how a records file's survey column is
#    read: a category of text codes keeps the file's text

#: Text codes a rules file may declare for each survey field: the scale's
#: numbers as written, zero-padded ones, and codes of a shop's own.
_CODES = {
    "satisfaction": [
        [str(i) for i in range(1, 6)],
        [f"0{i}" for i in range(1, 6)],
        ["1", "2", "3", "A", "B"],
    ],
    "referral": [
        [str(i) for i in range(11)],
        ["0", "5", "10"],
        ["00", "07", "10"],
    ],
}


def _tuple(values: list[str]) -> str:
    """*values* as a tuple of the rules' expressions ('a',) or ('a', 'b')."""
    return "(" + "".join(f"'{x}', " for x in values).rstrip(" ") + ")"


def _rules_text(name: str, values: list[str], top: list[str]) -> str:
    listed = ", ".join(f'"{x}"' for x in values)
    rest = [x for x in values if x not in top]
    top_in = _tuple(top)
    rules = [f'{{ label = "top", when = "{name} in {top_in}" }}']
    if rest:
        rest_in = _tuple(rest)
        rules.append(f'{{ label = "rest", when = "{name} in {rest_in}" }}')
    return (
        "format = 1\n[fields]\n"
        f'{name} = {{ type = "category", values = [{listed}], missing = true, '
        "optional = true }\n"
        '[segments.grade]\ndefault = "unknown"\n'
        f"rules = [{', '.join(rules)}]\n"
    )


def _segment_file(
    directory: Path, via: str, tx: Path, rec: Path, rules: Path
) -> pd.DataFrame:
    """The per-customer result of ``segment`` (in Python or on the command
    line), its columns as text."""
    if via == "api":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            out = custseg.segment(
                str(tx), records=str(rec), rules=str(rules), as_of="2025-01-01"
            ).customers
        return out.reset_index()
    target = directory / "out.csv"
    err = io.StringIO()
    argv = [
        "segment",
        str(tx),
        "--records",
        str(rec),
        "--rules",
        str(rules),
        "--as-of",
        "2025-01-01",
        "--output",
        str(target),
    ]
    with (
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", CustsegWarning)
        status = main(argv)
    assert status == 0, err.getvalue()
    return pd.read_csv(target, dtype=str, keep_default_na=False)


@st.composite
def _declared_codes(draw: Any) -> tuple[str, list[str], list[str], list[str | None]]:
    name = draw(st.sampled_from(sorted(_CODES)))
    values = draw(st.sampled_from(_CODES[name]))
    top = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
    answers = draw(st.lists(st.sampled_from([*values, None]), min_size=1, max_size=6))
    return name, values, top, answers


@settings(max_examples=30, deadline=None)
@given(case=_declared_codes(), via=st.sampled_from(["api", "cli"]))
def test_declared_text_codes_read_the_file_as_written(
    tmp_path_factory: Any, case: Any, via: str
) -> None:
    """A rules file declaring satisfaction or referral as text codes
    ('1'..'5', '0'..'10', '05', 'A') refused a records *file* (the codes
    read as numbers, then refused as 'integer codes' or 'unknown answers
    10, 3 ... use one of ... '10', '3''); the file's text is what the rules
    read now, on the command line and in Python alike, as from a DataFrame,
    and the output keeps it as written."""
    name, values, top, answers = case
    directory = tmp_path_factory.mktemp("codes")
    ids = [f"c{i}" for i in range(len(answers))]
    tx = directory / "tx.csv"
    pd.DataFrame({"customer_id": ids, "date": "2024-12-01", "amount": 10.0}).to_csv(
        tx, index=False
    )
    rec = directory / "rec.csv"
    pd.DataFrame({"customer_id": ids, name: answers}).to_csv(rec, index=False)
    rules = directory / "r.toml"
    rules.write_text(_rules_text(name, values, top), encoding="utf-8")

    out = _segment_file(directory, via, tx, rec, rules)

    want = ["unknown" if a is None else "top" if a in top else "rest" for a in answers]
    assert out["grade"].astype(str).tolist() == want
    written = ["" if a is None else a for a in answers]
    shown = out[name].tolist()
    assert ["" if x is None or x != x else x for x in shown] == written
    # the same answers in a DataFrame: the same labels
    frame = pd.DataFrame({"customer_id": ids, name: answers})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        same = custseg.segment(
            str(tx), records=frame, rules=str(rules), as_of="2025-01-01"
        ).customers
    assert same["grade"].astype(str).tolist() == want


_SAT_RULES = """format = 1
[fields]
satisfaction = { type = "category", values = ["1", "2", "3", "4", "5"], missing = true, optional = true }
[segments.happy]
default = "unknown"
rules = [{ label = "happy", when = "satisfaction in ('4', '5')" }, { label = "unhappy", when = "satisfaction in ('1', '2', '3')" }]
"""

_REF_RULES = """format = 1
[fields]
referral = { type = "category", values = ["0","1","2","3","4","5","6","7","8","9","10"], missing = true, optional = true }
[segments.promo]
default = "other"
rules = [{ label = "promoter", when = "referral in ('9', '10')" }]
"""


@pytest.mark.parametrize("via", ["api", "cli"])
def test_declared_text_codes_reported_example(tmp_path: Path, via: str) -> None:
    """The reported files: satisfaction codes '5', '2' under rules that
    declare '1'..'5', and referral '10', '3' under '0'..'10'."""
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\na,2024-11-02,120\nb,2024-12-20,80\n")
    rec = tmp_path / "rec.csv"
    rec.write_text("customer_id,satisfaction\na,5\nb,2\n")
    rules = tmp_path / "r.toml"
    rules.write_text(_SAT_RULES, encoding="utf-8")
    out = _segment_file(tmp_path, via, tx, rec, rules)
    assert out["happy"].astype(str).tolist() == ["happy", "unhappy"]

    rec.write_text("customer_id,referral\na,10\nb,3\n")
    rules.write_text(_REF_RULES, encoding="utf-8")
    out = _segment_file(tmp_path, via, tx, rec, rules)
    assert out["promo"].astype(str).tolist() == ["promoter", "other"]


def test_survey_levels_still_read_codes(tmp_path: Path) -> None:
    """The presets declare the survey's levels: their codes are still read
    as the classifiers read them (5 very satisfied, 9 very likely)."""
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\na,2024-11-02,120\nb,2024-12-20,80\n")
    rec = tmp_path / "rec.csv"
    rec.write_text(
        "customer_id,satisfaction,repurchase,referral\na,5,0.9,9\nb,1,0.1,0\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out = custseg.segment(
            str(tx), records=str(rec), preset="base", as_of="2025-01-01"
        ).customers
    want = custseg.loyalty_level([5, 1], [0.9, 0.1], [9, 0]).to_numpy().tolist()
    assert out["loyalty"].astype(str).tolist() == want


# --------------------------------------------------------------------------
# 2. nps(by=) keeps the declared classes of a Polars Enum and of Arrow
#    dictionary-encoded data, as of a pandas Categorical


def _by_kinds(values: list[Any], classes: list[Any]) -> dict[str, Any]:
    """*values* (None: missing) as every kind of declared classes."""
    index = [None if x is None else classes.index(x) for x in values]
    dictionary = pa.array(classes)
    array = pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), dictionary)
    half = len(values) // 2
    chunked = pa.chunked_array(
        [
            pa.DictionaryArray.from_arrays(
                pa.array(index[:half], pa.int32()), dictionary
            ),
            pa.DictionaryArray.from_arrays(
                pa.array(index[half:], pa.int32()), dictionary
            ),
        ]
    )
    series = pd.Series(pd.Categorical(values, categories=classes)).astype(
        pd.ArrowDtype(pa.dictionary(pa.int32(), dictionary.type))
    )
    kinds = {"arrow": array, "chunked": chunked, "pandas-arrow": series}
    if all(isinstance(c, str) for c in classes):
        kinds["polars-enum"] = pl.Series(values, dtype=pl.Enum(classes))
    return kinds


@st.composite
def _groups_case(draw: Any) -> tuple[list[Any], list[Any], list[int]]:
    text = st.text(alphabet="abcxyz中", min_size=1, max_size=3)
    number = st.integers(-5, 500)
    classes = draw(
        st.lists(
            draw(st.sampled_from([text, number])), min_size=1, max_size=5, unique=True
        )
    )
    values = draw(st.lists(st.sampled_from([*classes, None]), min_size=1, max_size=12))
    scores = draw(
        st.lists(st.integers(0, 10), min_size=len(values), max_size=len(values))
    )
    return classes, values, scores


@settings(max_examples=30, deadline=None)
@given(case=_groups_case())
def test_nps_by_declared_classes_of_any_library(case: Any) -> None:
    """nps(by=) with a Polars Enum or Arrow dictionary data (a pyarrow
    DictionaryArray or ChunkedArray, a pandas ArrowDtype(dictionary)
    column) dropped the classes without answers and sorted the others;
    every class is listed now, in its order, as for a pandas Categorical."""
    classes, values, scores = case
    want = nps(scores, by=pd.Categorical(values, categories=classes)).to_pandas()
    assert list(want.index[: len(classes)]) == classes
    for kind, by in _by_kinds(values, classes).items():
        got = nps(scores, by=by).to_pandas()
        assert got.index.tolist() == want.index.tolist(), kind
        np.testing.assert_array_equal(got.to_numpy(), want.to_numpy(), err_msg=kind)


def test_nps_by_enum_reported_example() -> None:
    cats = ["low", "mid", "high", "vip"]
    vals = ["mid", "low", "mid", "high"]
    scores = [9, 0, 7, 10]
    for kind, by in _by_kinds(vals, cats).items():
        r = nps(scores, by=by)
        assert r.groups == ("low", "mid", "high", "vip"), kind
        assert r.n.tolist() == [1, 2, 1, 0], kind
        assert np.isnan(r.nps[3]), kind
