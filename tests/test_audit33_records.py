"""Audit 33, rules round 6: how a customer-records file feeds a rules file.

1. A records column was read by its field's type (yes/no text as booleans,
   survey codes and words as the survey's levels, numbers checked as the
   amounts are) only when the field was declared ``optional = true``. Without
   it, ``vip = true`` from a CSV file was refused with "pass True/False
   values" (a CSV file holds none), a survey code 5 was refused as "a value 5
   that is not declared", and ``0.99999999999999999`` was silently read as
   1.0. The declared type now decides, ``optional`` or not.
2. From a records file, the category values other than the survey answers
   were matched ignoring case, blanks and ``-``/``_`` (``Boy`` as ``boy``),
   while ``apply_rules`` and ``RuleSet.evaluate`` refused them, as the
   ``mother_baby`` preset says ("as written: 'Boy' is refused"). A file and a
   frame now read them alike: as written.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_command
from custseg import rules, segment
from custseg.errors import CustsegWarning, InputError
from custseg.frame import apply_rules

_AS_OF = "2024-06-01"

#: yes/no text of a records file and what it means (None: missing)
_BOOLS = [
    ("true", True),
    ("FALSE", False),
    ("yes", True),
    ("No", False),
    ("是", True),
    ("否", False),
    ("1", True),
    ("0", False),
    ("", None),
]

#: satisfaction answers of a records file and the level they are
_SATISFACTION = [
    ("1", "very_dissatisfied"),
    ("2", "dissatisfied"),
    ("3", "neutral"),
    ("04", "satisfied"),
    ("5", "very_satisfied"),
    ("很满意", "very_satisfied"),
    ("Very satisfied", "very_satisfied"),
    ("neutral", "neutral"),
    ("", None),
]

#: referral answers (0-10 scores and words) and the level they are
_REFERRAL = [
    ("0", "unlikely"),
    ("6", "unlikely"),
    ("7", "possible"),
    ("9", "very_likely"),
    ("10", "very_likely"),
    ("possible", "possible"),
    ("很大可能", "very_likely"),
    ("", None),
]

#: visits as written and the number they are
_VISITS = [("0", 0.0), ("3", 3.0), ("2.5", 2.5), ("12", 12.0)]

_SAT_LEVELS = (
    "very_dissatisfied",
    "dissatisfied",
    "neutral",
    "satisfied",
    "very_satisfied",
)
_REF_LEVELS = ("unlikely", "possible", "very_likely")


def _quoted(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{x}"' for x in values) + "]"


def _by_level(field: str, levels: tuple[str, ...]) -> str:
    """A segmentation *field* whose label is the field's level."""
    whens = ", ".join(
        f'{{ label = "{x}", when = "{field} == \'{x}\'" }}' for x in levels
    )
    return (
        f'[segments.{field}_seg]\ndefault = "none"\n'
        f'rules = [{whens}, {{ label = "unknown", when = "missing({field})" }}]\n'
    )


def _rules_text(optional: dict[str, bool]) -> str:
    def opt(name: str) -> str:
        return ", optional = true" if optional[name] else ""

    return (
        "format = 1\n[fields]\n"
        f'vip = {{ type = "bool", missing = true{opt("vip")} }}\n'
        f'satisfaction = {{ type = "category", values = {_quoted(_SAT_LEVELS)}, '
        f"missing = true{opt('satisfaction')} }}\n"
        f'referral = {{ type = "category", values = {_quoted(_REF_LEVELS)}, '
        f"missing = true{opt('referral')} }}\n"
        f'visits = {{ type = "number"{opt("visits")} }}\n'
        '[segments.vip_seg]\ndefault = "regular"\n'
        'rules = [{ label = "VIP", when = "vip" }, '
        '{ label = "unknown", when = "missing(vip)" }]\n'
        + _by_level("satisfaction", _SAT_LEVELS)
        + _by_level("referral", _REF_LEVELS)
        + '[segments.visits_seg]\ndefault = "few"\n'
        'rules = [{ label = "many", when = "visits >= 3" }]\n'
    )


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _tx(folder: Path, n: int) -> str:
    rows = "".join(f"c{i},2024-0{1 + i % 5}-01,{10 + i}\n" for i in range(n))
    return _write(folder, "tx.csv", "customer_id,date,amount\n" + rows)


def _records_csv(folder: Path, columns: dict[str, list[str]], n: int) -> str:
    names = list(columns)
    lines = ["customer_id," + ",".join(names)]
    lines += [f"c{i}," + ",".join(columns[c][i] for c in names) for i in range(n)]
    return _write(folder, "rec.csv", "\n".join(lines) + "\n")


def _segment(tx: str, **options: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return segment(tx, as_of=_AS_OF, **options).to_pandas()


def _cells(pairs: st.SearchStrategy[tuple[str, Any]], n: int) -> Any:
    return st.lists(pairs, min_size=n, max_size=n)


# --------------------------------------------------------------------------
# 1. the declared type decides how a records column is read, optional or not


@settings(max_examples=25, deadline=None)
@given(data=st.data(), n=st.integers(1, 6))
def test_records_columns_are_read_by_type_optional_or_not(
    data: st.DataObject, n: int
) -> None:
    """yes/no text, survey codes and words and numbers give the same labels
    whichever of the fields are declared optional."""
    optional = {
        name: data.draw(st.booleans(), label=f"{name} optional")
        for name in ("vip", "satisfaction", "referral", "visits")
    }
    vip = data.draw(_cells(st.sampled_from(_BOOLS), n), label="vip")
    sat = data.draw(_cells(st.sampled_from(_SATISFACTION), n), label="satisfaction")
    ref = data.draw(_cells(st.sampled_from(_REFERRAL), n), label="referral")
    visits = data.draw(_cells(st.sampled_from(_VISITS), n), label="visits")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        columns = {
            "vip": [x for x, _ in vip],
            "satisfaction": [x for x, _ in sat],
            "referral": [x for x, _ in ref],
            "visits": [x for x, _ in visits],
        }
        out = _segment(
            _tx(folder, n),
            records=_records_csv(folder, columns, n),
            rules=_write(folder, "r.toml", _rules_text(optional)),
        )
    expected_vip = [
        "unknown" if b is None else "VIP" if b else "regular" for _, b in vip
    ]
    assert out["vip_seg"].astype(str).tolist() == expected_vip
    expected_sat = ["unknown" if x is None else x for _, x in sat]
    assert out["satisfaction_seg"].astype(str).tolist() == expected_sat
    expected_ref = ["unknown" if x is None else x for _, x in ref]
    assert out["referral_seg"].astype(str).tolist() == expected_ref
    expected_visits = ["many" if x >= 3 else "few" for _, x in visits]
    assert out["visits_seg"].astype(str).tolist() == expected_visits


@settings(max_examples=20, deadline=None)
@given(
    text=st.sampled_from(["0.99999999999999999", "18446744073709551615", "5,000"]),
    optional=st.booleans(),
)
def test_records_numbers_are_checked_optional_or_not(text: str, optional: bool) -> None:
    """A number float64 would change, or written with a comma, is refused
    naming the field, whether the field is optional or not (not silently
    read as 1.0 without ``optional``)."""
    opt = ", optional = true" if optional else ""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records = _write(folder, "rec.csv", f'customer_id,visits\nc0,"{text}"\n')
        rules_file = _write(
            folder,
            "r.toml",
            f'format = 1\n[fields]\nvisits = {{ type = "number"{opt} }}\n'
            '[segments.v]\ndefault = "few"\n'
            'rules = [{ label = "many", when = "visits >= 1" }]\n',
        )
        with pytest.raises(InputError) as err:
            _segment(_tx(folder, 1), records=records, rules=rules_file)
    assert err.value.field == "visits"
    assert text in str(err.value)


def test_worked_example_vip_and_satisfaction_not_optional(tmp_path: Path) -> None:
    """The report's example: ``vip = true`` and ``satisfaction = 5`` in a CSV
    file, fields not optional, label as they do when optional."""
    tx = _write(
        tmp_path,
        "tx.csv",
        "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-03-01,20\n",
    )
    records = _write(
        tmp_path,
        "rec.csv",
        "customer_id,vip,satisfaction\nc1,true,5\nc2,false,很满意\n",
    )
    for opt in ("", ", optional = true"):
        vip_rules = _write(
            tmp_path,
            "r.toml",
            f'format = 1\n[fields]\nvip = {{ type = "bool", missing = true{opt} }}\n'
            '[segments.v]\ndefault = "regular"\n'
            'rules = [{ label = "VIP", when = "vip" }, '
            '{ label = "unknown", when = "missing(vip)" }]\n',
        )
        out = _segment(tx, records=records, rules=vip_rules)
        assert out["v"].tolist() == ["VIP", "regular"], opt
        sat_rules = _write(
            tmp_path,
            "s.toml",
            "format = 1\n[fields]\n"
            f'satisfaction = {{ type = "category", values = {_quoted(_SAT_LEVELS)}, '
            f"missing = true{opt} }}\n"
            '[segments.happy]\ndefault = "other"\n'
            'rules = [{ label = "top", when = "satisfaction == \'very_satisfied\'" }]\n',
        )
        out = _segment(tx, records=records, rules=sat_rules)
        assert out["happy"].tolist() == ["top", "top"], opt


def test_worked_example_on_the_command_line(tmp_path: Path) -> None:
    """``custseg segment --records`` reads a non-optional bool field's text."""
    tx = _write(
        tmp_path,
        "tx.csv",
        "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-03-01,20\n",
    )
    records = _write(tmp_path, "rec.csv", "customer_id,vip\nc1,true\nc2,false\n")
    rules_file = _write(
        tmp_path,
        "r.toml",
        'format = 1\n[fields]\nvip = { type = "bool", missing = true }\n'
        '[segments.v]\ndefault = "regular"\nrules = [{ label = "VIP", when = "vip" }]\n',
    )
    output = tmp_path / "out.csv"
    argv = ["segment", tx, "--records", records, "--rules", rules_file]
    run_command([*argv, "--as-of", _AS_OF, "--output", str(output)])
    assert pd.read_csv(output)["v"].tolist() == ["VIP", "regular"]


# --------------------------------------------------------------------------
# 2. a category from a records file is matched as written, as in a frame

_SEXES = ["boy", "girl", "男", "女", "男宝", "女宝"]


def _spelled(value: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            value,
            value.upper(),
            value.capitalize(),
            f"{value} ",  # (a leading blank: dropped by the CSV reader,
            f"{value}_",  # skipinitialspace, so not the same value as a frame's)
        ]
    )


def _frame_tags(base: pd.DataFrame, sex: list[str], n: int) -> pd.DataFrame:
    """The mother_baby tags apply_rules gives the same values in a frame."""
    frame = base.drop(columns=[c for c in base.columns if c.startswith("groups.")])
    frame = frame.assign(baby_sex=sex, baby_age_days=[100.0] * n)
    return apply_rules(frame, "mother_baby")


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=st.integers(1, 4))
def test_records_categories_match_as_written_as_in_a_frame(
    data: st.DataObject, n: int
) -> None:
    """A records file, a records DataFrame and apply_rules on a frame agree:
    the same tags for the declared values, the same refusal naming the field
    for any other spelling (``Boy``, `` girl``, ``BOY``)."""
    sex = [
        data.draw(st.sampled_from(_SEXES).flatmap(_spelled), label=f"sex {i}")
        for i in range(n)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tx = _tx(folder, n)
        path = _records_csv(folder, {"baby_sex": sex, "baby_age_days": ["100"] * n}, n)
        frame = pd.DataFrame(
            {"customer_id": [f"c{i}" for i in range(n)], "baby_sex": sex}
        ).assign(baby_age_days=100.0)
        base = _segment(tx, preset="mother_baby")
        outcomes = []
        for run in (
            lambda: _segment(tx, records=path, preset="mother_baby"),
            lambda: _segment(tx, records=frame, preset="mother_baby"),
            lambda: _frame_tags(base, sex, n),
        ):
            try:
                out = run()
            except InputError as exc:
                assert exc.field == "baby_sex"
                outcomes.append("refused")
            else:
                outcomes.append(
                    (out["groups.boy_baby"].tolist(), out["groups.girl_baby"].tolist())
                )
    assert outcomes[0] == outcomes[1] == outcomes[2]
    declared = all(x in _SEXES for x in sex)
    assert (outcomes[0] != "refused") == declared
    if declared:
        boys = [x in ("boy", "男", "男宝") for x in sex]
        assert outcomes[0] == (boys, [not b for b in boys])


def test_worked_example_boy_is_refused_from_a_records_file(tmp_path: Path) -> None:
    """The report's example: ``Boy`` and ``GIRL`` in a records file are refused
    as the preset's description says, naming the field and the customer."""
    preset = Path(rules.__file__).parent / "presets" / "mother_baby.toml"
    assert "(as written: 'Boy' is refused)" in preset.read_text(encoding="utf-8")
    tx = _write(
        tmp_path,
        "tx.csv",
        "customer_id,date,amount\nc1,2024-01-01,10\nc2,2024-03-01,20\n",
    )
    records = _write(
        tmp_path,
        "rec.csv",
        "customer_id,baby_sex,baby_age_days\nc1,Boy,100\nc2,GIRL,100\n",
    )
    with pytest.raises(InputError, match="'Boy' that is not declared") as err:
        _segment(tx, records=records, preset="mother_baby")
    assert err.value.field == "baby_sex"
    assert "customer 'c1'" in str(err.value)
    fixed = _write(
        tmp_path,
        "rec.csv",
        "customer_id,baby_sex,baby_age_days\nc1,boy,100\nc2,girl,100\n",
    )
    out = _segment(tx, records=fixed, preset="mother_baby")
    assert out["groups.boy_baby"].tolist() == [True, False]
    assert out["groups.girl_baby"].tolist() == [False, True]
    # and the output, applied again, gives the same tags
    again = apply_rules(
        out.drop(columns=[c for c in out.columns if c.startswith("groups.")]),
        "mother_baby",
    )
    assert again["groups.boy_baby"].tolist() == [True, False]
