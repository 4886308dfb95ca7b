"""Audit 34: loyalty and relationship (round 4).

Each test covers the class of a finding, not only its example:

1. a survey code beside a Unicode blank in a records file (``"5\\u3000"``) was
   a raw pandas ValueError: what the code pattern admits is now what is
   converted (:func:`custseg._categories.code_text`);
2. referral scores in full-width digits, and survey codes in a Parquet
   dictionary (category) column, were refused in a records file: a file's
   codes are read as ``loyalty_level`` reads them;
3. a float code past int64 (``1e20``) was quoted as -9223372036854775808,
   with a NumPy cast warning;
4. ``apply_rules`` / ``RuleSet.evaluate`` on survey answers segment read
   refused them without a way out: the message gives the mapping.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg._display import BLANKS
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError
from custseg.frame import apply_rules, survey_numbers
from custseg.loyalty import REFERRAL, SATISFACTION, dick_basu, loyalty_level

pytest.importorskip("pyarrow")

_TX = "customer_id,date,amount\n" + "".join(
    f"c{i},2024-1{i % 3}-0{1 + i},{50 + 10 * i}\n" for i in range(6)
)

#: Blanks a survey cell may have around it: Unicode spaces (the ideographic
#: space a Chinese IME types, Excel's non-breaking space, an em space, the
#: narrow no-break space, controls Python calls whitespace) and invisible
#: characters (zero-width space, byte order mark).
_BLANKS = ["", " ", "\u3000", "\u00a0", "\u2003", "\u202f", "\x1c", "\x85", "\u200b"]

_FULL = str.maketrans("0123456789+-.", "０１２３４５６７８９＋－．")

_SAT_WORDS = {
    5: ["Very Satisfied", "very_satisfied", "很满意", "很滿意"],
    4: ["satisfied", "比较满意", "比較滿意"],
    3: ["neutral", "满意"],
    2: ["Dissatisfied", "不满意"],
    1: ["very-dissatisfied", "很不满意"],
}
_REF_WORDS = {
    "unlikely": ["unlikely", "不可能"],
    "possible": ["Possible", "有可能"],
    "very_likely": ["very likely", "很大可能"],
}


def _number_spelling(draw: Any, text: str) -> str:
    """*text* (ASCII digits) in ASCII or full-width digits, blanks around."""
    if draw(st.booleans()):
        text = text.translate(_FULL)
    before = draw(st.sampled_from(_BLANKS))
    after = draw(st.sampled_from(_BLANKS))
    return before + text + after


@st.composite
def _satisfaction(draw: Any) -> tuple[str | None, Any]:
    """A satisfaction cell as a file holds it, and the answer as the API
    takes it (an int code, a word, None)."""
    if draw(st.integers(0, 5)) == 0:
        return None, None
    code = draw(st.integers(1, 5))
    if draw(st.booleans()):
        word = draw(st.sampled_from(_SAT_WORDS[code]))
        return draw(st.sampled_from(_BLANKS)) + word, word
    written = draw(st.sampled_from([str(code), f"0{code}", f"+{code}", f"{code}.0"]))
    return _number_spelling(draw, written), code


@st.composite
def _referral(draw: Any) -> tuple[str | None, Any]:
    """A referral cell as a file holds it (a 0-10 score, a word), and the
    answer as the API takes it (an int score, a word, None)."""
    if draw(st.integers(0, 5)) == 0:
        return None, None
    if draw(st.booleans()):
        band = draw(st.sampled_from(REFERRAL))
        word = draw(st.sampled_from(_REF_WORDS[band]))
        return word + draw(st.sampled_from(_BLANKS)), word
    score = draw(st.integers(0, 10))
    return _number_spelling(draw, str(score)), score


def _write_records(
    folder: Path, kind: str, sat: list[Any], rep: list[Any], ref: list[Any]
) -> str:
    ids = [f"c{i}" for i in range(len(sat))]
    frame = pd.DataFrame(
        {"customer_id": ids, "satisfaction": sat, "repurchase": rep, "referral": ref}
    )
    if kind == "csv":
        path = folder / "rec.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
    else:
        if kind == "dictionary":  # stored as a dictionary: back as a Categorical
            frame = frame.astype({"satisfaction": "category", "referral": "category"})
        path = folder / "rec.parquet"
        frame.to_parquet(path, index=False)
    return str(path)


def _loyalty_from_file(folder: Path, records: str) -> list[str]:
    tx = folder / "tx.csv"
    tx.write_text(_TX, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out = custseg.segment(str(tx), records=records, preset="base").customers
    n = len(_TX.splitlines()) - 1
    return out["loyalty"].astype(str).reindex([f"c{i}" for i in range(n)]).tolist()


# --------------------------------------------------------------------------
# 1 and 2. a records file's survey codes read as loyalty_level reads them


@settings(max_examples=30, deadline=None)
@given(
    answers=st.lists(
        st.tuples(
            _satisfaction(),
            st.sampled_from([None, 0.1, 0.5, 0.9]),
            _referral(),
        ),
        min_size=6,
        max_size=6,
    ),
    kind=st.sampled_from(["csv", "parquet", "dictionary"]),
)
def test_records_file_survey_answers_read_as_loyalty_level(
    answers: list[Any], kind: str
) -> None:
    """Survey cells of every spelling the API accepts (ASCII and full-width
    digits, Unicode blanks around, English and Chinese words), in a CSV,
    a Parquet file or a Parquet dictionary column: ``segment(records=path)``
    gives each customer the level ``loyalty_level`` gives the answers."""
    sat = [cell for (cell, _), _, _ in answers]
    rep = [p for _, p, _ in answers]
    ref = [cell for _, _, (cell, _) in answers]
    expected = loyalty_level(
        [a for (_, a), _, _ in answers], rep, [a for _, _, (_, a) in answers]
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        got = _loyalty_from_file(folder, _write_records(folder, kind, sat, rep, ref))
    assert got == expected.to_numpy().astype(str).tolist()


def _narrow(cell: str) -> str:
    """*cell* as loyalty_level reads a code: stripped of every blank,
    full-width digits, signs and point as ASCII (an oracle of its own)."""
    return cell.strip(BLANKS).translate(_NARROW)


_NARROW = str.maketrans("０１２３４５６７８９＋－．", "0123456789+-.")

#: Characters a cell is made of: ASCII and full-width digits, signs and
#: points, blanks of every kind, a letter, an Arabic-Indic digit.
_CHARS = "0159０９+-.＋－．e x\t\u3000\u00a0\u2003\x1c\x85\u200b\ufeff٣"


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.none(), st.text(alphabet=_CHARS, min_size=1, max_size=6)),
        min_size=1,
        max_size=6,
    ),
    categorical=st.booleans(),
)
def test_survey_numbers_converts_what_it_admits(
    cells: list[str | None], categorical: bool
) -> None:
    """Whatever a cell holds, ``survey_numbers`` never fails: a cell it
    reads as a number is the number its text is once stripped of blanks
    and narrowed (as ``loyalty_level`` reads a code); any other stays as
    written."""
    column = pd.Series(cells, dtype=object)
    if categorical:
        column = column.astype("category")
    records = pd.DataFrame({"satisfaction": column})
    before = records.copy()
    out = survey_numbers(records, ["satisfaction"])
    pd.testing.assert_frame_equal(records, before)  # the input is not written into
    for cell, read in zip(cells, out["satisfaction"].tolist(), strict=True):
        if cell is None:
            assert read is None or pd.isna(read)
        elif isinstance(read, str):
            assert read == cell
            narrow = _narrow(cell)
            assert not re.fullmatch(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", narrow)
        else:
            assert float(read) == float(_narrow(cell))


def test_code_beside_an_ideographic_space_worked_example(tmp_path: Path) -> None:
    """The report's example: ``5\\u3000`` beside a Chinese word, in the API
    and on the command line."""
    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount\na,2024-11-02,120\nb,2024-12-20,80\n", encoding="utf-8"
    )
    rec = tmp_path / "rec.csv"
    rec.write_text(
        "customer_id,satisfaction,repurchase,referral\n"
        "a,5\u3000,0.9,9\u00a0\nb,很满意,0.9,possible\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out = custseg.segment(str(tmp_path / "tx.csv"), records=str(rec), preset="base")
    assert out.customers["loyalty"].astype(str).tolist() == ["loyal", "loyal"]
    err = io.StringIO()
    argv = ["segment", str(tmp_path / "tx.csv"), "--records", str(rec)]
    argv += ["--preset", "base", "--output", str(tmp_path / "out.csv")]
    with (
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", CustsegWarning)
        assert main(argv) == 0, err.getvalue()


def test_full_width_scores_and_dictionary_columns_worked_example(
    tmp_path: Path,
) -> None:
    """The report's files: full-width referral scores and a Parquet
    dictionary column read as the ASCII file is."""
    ascii_ = tmp_path / "ascii.csv"
    ascii_.write_text(
        "customer_id,satisfaction,repurchase,referral\na,5,0.9,9\nb,1,0.1,3\n",
        encoding="utf-8",
    )
    wide = tmp_path / "fullwidth.csv"
    wide.write_text(
        "customer_id,satisfaction,repurchase,referral\na,５,0.9,９\nb,１,0.1,３\n",
        encoding="utf-8",
    )
    rec = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "satisfaction": ["5", "1"],
            "repurchase": [0.9, 0.1],
            "referral": ["9", "3"],
        }
    )
    dictionary = tmp_path / "dict.parquet"
    rec.astype({"satisfaction": "category", "referral": "category"}).to_parquet(
        dictionary
    )
    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount\na,2024-11-02,120\nb,2024-12-20,80\n", encoding="utf-8"
    )
    for path in (ascii_, wide, dictionary):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            out = custseg.segment(
                str(tmp_path / "tx.csv"), records=str(path), preset="base"
            )
        assert out.customers["loyalty"].astype(str).tolist() == ["loyal", "not_loyal"]


@settings(max_examples=25, deadline=None)
@given(
    score=st.integers(0, 10),
    wide=st.booleans(),
    before=st.sampled_from(_BLANKS),
    after=st.sampled_from(_BLANKS),
)
def test_api_scores_as_text_are_said_so_with_a_fix_that_works(
    score: int, wide: bool, before: str, after: str
) -> None:
    """A referral score written as text in a frame, in full-width digits or
    with Unicode blanks too, is "numbers written as text" (never an
    unknown *word*), and the conversion the message gives reads it."""
    text = str(score).translate(_FULL) if wide else str(score)
    cell = before + text + after
    with pytest.raises(InputError, match="numbers written as text") as info:
        loyalty_level(["很满意"], [0.9], [cell])
    call = re.search(r"\((pd\.to_numeric\(column[^;]*?\))[,;]", info.value.fix or "")
    assert call is not None, info.value.fix
    converted = eval(call.group(1), {"pd": pd, "column": pd.Series([cell])})
    assert converted.tolist() == [score]


# --------------------------------------------------------------------------
# 3. a float code past int64 quoted as given, without NumPy's cast warning


def _whole_floats() -> st.SearchStrategy[float]:
    big = st.floats(min_value=2.0**63, max_value=1e300).map(float)
    # -2**63 itself is int64's least value, quoted as that integer
    below = big.filter(lambda x: x > 2.0**63).map(lambda x: -x)
    return st.one_of(big, below, st.sampled_from([1e20, 2.0**63]))


@settings(max_examples=30, deadline=None)
@given(
    value=_whole_floats(),
    field=st.sampled_from(["satisfaction", "attitude"]),
    form=st.sampled_from(["list", "array", "Float64"]),
    at=st.integers(0, 2),
)
def test_float_codes_past_int64_quoted_as_given(
    value: float, field: str, form: str, at: int
) -> None:
    """Every field that takes codes quotes a float outside int64 as Python
    writes it (``1e+20``), with no NumPy warning, whatever the column."""
    values = [1.0, 1.0, 1.0]
    values[at] = value
    column: Any = {
        "list": values,
        "array": np.array(values),
        "Float64": pd.array(values, dtype="Float64"),
    }[form]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError) as info:
            if field == "satisfaction":
                loyalty_level(column, [0.9] * 3, [9] * 3)
            else:
                dick_basu(attitude=column, frequency=[1, 2, 3])
    message = str(info.value)
    assert f" {value!r} " in message, message
    assert f"first at row {at}," in message
    assert "-9223372036854775808" not in message


def test_float_code_past_int64_worked_example() -> None:
    with pytest.raises(InputError, match=r"has code 1e\+20 outside the scale 1\.\.5"):
        loyalty_level([5.0, 1e20], [0.9, 0.9], [9, 9])
    with pytest.raises(
        InputError, match=r"takes two answers but has the number 1e\+20"
    ):
        dick_basu(attitude=np.array([1.0, 1e20]), frequency=[1, 2])
    # within int64 a whole float is still quoted as the integer it is
    with pytest.raises(InputError, match="has code 7 outside"):
        loyalty_level([7.0, 1e20], [0.9, 0.9], [9, 9])


# --------------------------------------------------------------------------
# 4. survey answers refused by the rules: the message gives the mapping

_SURVEY_RULES = rules.loads(
    """format = 1
[fields]
satisfaction = { type = "category", values = ["very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied"], missing = true, optional = true }
referral = { type = "category", values = ["unlikely", "possible", "very_likely"], missing = true, optional = true }
[segments.sat]
default = "none"
rules = [
  { label = "vd", when = "satisfaction == 'very_dissatisfied'" },
  { label = "d", when = "satisfaction == 'dissatisfied'" },
  { label = "n", when = "satisfaction == 'neutral'" },
  { label = "s", when = "satisfaction == 'satisfied'" },
  { label = "vs", when = "satisfaction == 'very_satisfied'" },
]
[segments.ref]
default = "none"
rules = [
  { label = "u", when = "referral == 'unlikely'" },
  { label = "p", when = "referral == 'possible'" },
  { label = "vl", when = "referral == 'very_likely'" },
]
"""
)
_SAT_LABEL = dict(zip(SATISFACTION, ["vd", "d", "n", "s", "vs"], strict=True))
_REF_LABEL = dict(zip(REFERRAL, ["u", "p", "vl"], strict=True))


@st.composite
def _answers(draw: Any) -> tuple[str, list[Any], list[str]]:
    """A survey field, its answers as segment(records=) reads them (words
    in English and Chinese, codes, scores, declared names), and their
    declared levels."""
    field = draw(st.sampled_from(["satisfaction", "referral"]))
    n = draw(st.integers(1, 5))
    out: list[Any] = []
    levels: list[str] = []
    for _ in range(n):
        if field == "satisfaction":
            code = draw(st.integers(1, 5))
            level = SATISFACTION[code - 1]
            out.append(draw(st.sampled_from([code, level, *_SAT_WORDS[code]])))
        else:
            score = draw(st.integers(0, 10))
            level = REFERRAL[(score >= 7) + (score >= 9)]
            out.append(draw(st.sampled_from([score, level, *_REF_WORDS[level]])))
        levels.append(level)
    return field, out, levels


@settings(max_examples=30, deadline=None)
@given(case=_answers())
def test_undeclared_survey_answers_name_the_mapping(case: Any) -> None:
    """Survey answers that are not spelled as declared are refused by the
    rules (exact matching), and the message's mapping, applied, gives each
    answer its level."""
    field, answers, levels = case
    frame = pd.DataFrame({field: answers})
    if all(a in levels for a in answers):  # nothing to map
        return
    with pytest.raises(InputError, match="not declared") as info:
        _SURVEY_RULES.evaluate(frame)
    fix = info.value.fix or ""
    found = re.search(r"column\.replace\((\{.*\})\)$", fix)
    assert found is not None, fix
    mapping = ast.literal_eval(found.group(1))
    mapped = frame.assign(**{field: frame[field].replace(mapping)})
    out = _SURVEY_RULES.evaluate(mapped)
    labels = _SAT_LABEL if field == "satisfaction" else _REF_LABEL
    name = "sat" if field == "satisfaction" else "ref"
    assert out[name].to_numpy().tolist() == [labels[x] for x in levels]


def test_undeclared_survey_answers_worked_example() -> None:
    """The report's example: segment's output given back to apply_rules."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-11-02", "2024-12-20"],
            "amount": [120.0, 80.0],
        }
    )
    rec = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "satisfaction": ["很满意", "Very Satisfied"],
            "repurchase": [0.9, 0.9],
            "referral": ["very_likely", "very_likely"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        out = custseg.segment(tx, records=rec, preset="base").customers
    facts = ["recency_days", "frequency", "monetary", "tenure_days", "r", "f", "m"]
    seg = out[[*facts, "satisfaction", "repurchase", "referral"]]
    with pytest.raises(InputError) as info:
        apply_rules(seg, "base")
    assert (
        "column.replace({'很满意': 'very_satisfied', 'Very Satisfied': "
        "'very_satisfied'})" in str(info.value)
    )
    # another field's undeclared value gets no survey hint
    own = rules.loads(
        'format = 1\n[fields]\ntier = { type = "category", values = ["a", "b"] }\n'
        '[segments.t]\ndefault = "x"\nrules = [{ label = "y", when = "tier == \'a\'" }]\n'
    )
    with pytest.raises(InputError) as info:
        own.evaluate(pd.DataFrame({"tier": ["很满意"]}))
    assert "replace" not in str(info.value)
