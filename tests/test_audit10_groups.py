"""Tests for custseg.groups: the classes of failure the tenth audit found (H2-H6).

* H2: life_stage_tags reads a tz-aware ``as_of`` in the zone of each date
  column it is compared with, so adding a due-date column never changes the
  mother tags (nor birthdays the pregnant tags);
* H3: tags_from_values drops a placeholder that holds a separator (``n/a``
  with ``sep="/"``) whole, among other values too, never as its pieces;
* H4: in a column of numbers, a text mapping key that reads as a number
  (``"1.0"``, ``"01"``, ``"2.50"``) matches that number, never an empty tag;
* H5: a DataFrame with the default columns ``0 .. k-1`` is read by position
  only when no tag is named after one of its columns;
* H6: baby_sex text that is not UTF-8 (lone surrogates) gets a custseg
  InputError, never a bare UnicodeEncodeError; a Decimal signalling NaN in
  tags_from_values is missing, as a Decimal NaN is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from custseg.errors import InputError, ThresholdError
from custseg.groups import TagMatrix, life_stage_tags, tags_from_values

FAST = settings(max_examples=40, deadline=None)

# --------------------------------------------------------------------------
# H2: as_of per date column

ZONES = ("UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", None)


def _aware(text: str, zone: str | None) -> pd.Series:
    s = pd.Series(pd.to_datetime([text]))
    return s.dt.tz_localize(zone) if zone else s


def _day_in(as_of: pd.Timestamp, zone: str | None) -> dt.date:
    """Oracle: the calendar day of *as_of* for dates in *zone* (naive dates:
    its own wall time)."""
    return (as_of.tz_convert(zone) if zone else as_of).date()


def test_h2_audit_example_due_date_does_not_change_mother():
    as_of = pd.Timestamp("2024-05-31 20:00", tz="UTC")  # 1 June in Shanghai
    bday = _aware("2024-06-01 02:00", "Asia/Shanghai")
    alone = life_stage_tags(as_of=as_of, baby_birthday=bday)["mother"]
    with_due = life_stage_tags(as_of=as_of, baby_birthday=bday, due_date=[None])
    assert alone.tolist() == [True]
    assert with_due["mother"].tolist() == [True]
    as_of = pd.Timestamp("2024-06-01 20:00", tz="America/New_York")
    b = _aware("2021-06-02 09:00", "America/New_York")
    due = _aware("2024-09-01 12:00", "Asia/Shanghai")
    assert life_stage_tags(as_of=as_of, baby_birthday=b)["mother"].tolist() == [True]
    both = life_stage_tags(as_of=as_of, baby_birthday=b, due_date=due)
    assert both["mother"].tolist() == [True]


@FAST
@given(
    as_of_zone=st.sampled_from(ZONES[:-1]),
    birth_zone=st.sampled_from(ZONES),
    due_zone=st.sampled_from(ZONES),
    hour=st.integers(0, 23),
    age=st.integers(1090, 1100) | st.integers(-2, 2),
    ahead=st.integers(-2, 2) | st.integers(277, 282),
    due_missing=st.booleans(),
)
@example(
    as_of_zone="UTC",
    birth_zone="Asia/Shanghai",
    due_zone=None,
    hour=20,
    age=0,
    ahead=0,
    due_missing=True,
)
def test_h2_each_tag_reads_as_of_in_its_own_column_zone(
    as_of_zone, birth_zone, due_zone, hour, age, ahead, due_missing
):
    as_of = pd.Timestamp(2024, 5, 31, hour, tz=as_of_zone)
    birth_day = _day_in(as_of, birth_zone) - dt.timedelta(days=age)
    due_day = _day_in(as_of, due_zone) + dt.timedelta(days=ahead)
    bday = _aware(f"{birth_day} 12:00", birth_zone)
    due = (
        pd.Series([pd.NaT], dtype="datetime64[ns]")
        if due_missing
        else _aware(f"{due_day} 12:00", due_zone)
    )
    mother = 0 <= age < 36 * 365.25 / 12
    pregnant = not due_missing and 0 <= ahead < 280
    alone = life_stage_tags(as_of=as_of, baby_birthday=bday)
    assert alone["mother"].tolist() == [mother]
    both = life_stage_tags(as_of=as_of, baby_birthday=bday, due_date=due)
    assert both["mother"].tolist() == [mother]
    assert both["pregnant"].tolist() == [pregnant]
    assert life_stage_tags(as_of=as_of, due_date=due)["pregnant"].tolist() == [pregnant]


# --------------------------------------------------------------------------
# H3: placeholders that hold a separator

WORDS = ("tea", "yoga", "A产品", "B产品")


def test_h3_audit_example_placeholder_among_values():
    t = tags_from_values(["N/A", "tea/N/A", "tea/n/a"], sep=("/",))
    assert t.names == ("tea",)
    assert t["tea"].tolist() == [False, True, True]


def test_h3_natural_call_with_slash_separator():
    t = tags_from_values(["A产品/B产品", "B产品", "n/a/A产品"], sep=("/",))
    assert t.sizes() == {"A产品": 2, "B产品": 2}


@FAST
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(WORDS),
                st.sampled_from(("n/a", "N/A", "n/A", " N/a ", "-", "--", "未知")),
            ),
            max_size=5,
        ),
        min_size=1,
        max_size=6,
    ),
    sep=st.sampled_from(("/", " / ", "-")),
)
@example(rows=[["N/A"], ["tea", "N/A"], ["tea", "n/a"]], sep="/")
def test_h3_placeholders_holding_the_separator_never_become_tags(rows, sep):
    cells = [sep.join(r) for r in rows]
    t = tags_from_values(cells, sep=(sep.strip() or sep,))
    expected = [{w for w in r if w in WORDS} for r in rows]
    assert set(t.names) == set().union(*expected)
    for name in t.names:
        assert t[name].tolist() == [name in e for e in expected]


@FAST
@given(
    rows=st.lists(
        st.lists(
            st.sampled_from(("tea", "yoga", "not known", "Not Known")), max_size=4
        ),
        min_size=1,
        max_size=5,
    )
)
@example(rows=[["tea", "not known"], ["not known"]])
def test_h3_custom_placeholder_holding_the_separator(rows):
    cells = [" ".join(r) for r in rows]
    t = tags_from_values(cells, sep=(" ",), placeholders=("not known",))
    expected = [{w for w in r if w in ("tea", "yoga")} for r in rows]
    assert set(t.names) == set().union(*expected)
    for name in t.names:
        assert t[name].tolist() == [name in e for e in expected]


def test_h3_placeholder_glued_to_text_is_no_placeholder():
    assert tags_from_values(["tean/a"], sep=("/",)).names == ("a", "tean")


# --------------------------------------------------------------------------
# H4: text keys written as non-canonical numbers, numeric column


def test_h4_audit_example():
    col = pd.Series([1.0, np.nan, 2.0])
    t = tags_from_values(col, {"1.0": "one", "2.0": "two"})
    assert t.sizes() == {"one": 1, "two": 1}
    assert t["one"].tolist() == [True, False, False]


def _spellings(x: Decimal) -> list[str]:
    """Non-canonical ways to write the number *x* as text."""
    plain = format(x.normalize(), "f")
    out = [plain + ("0" if "." in plain else ".0"), "0" + plain]
    out.append(f"{x.normalize():E}")
    return out


@FAST
@given(
    values=st.lists(
        st.sampled_from([Decimal(s) for s in ("1", "2", "2.5", "10", "0.125")]),
        min_size=1,
        max_size=8,
    ),
    kind=st.sampled_from(("float", "float_nan", "Int64", "decimal")),
    pick=st.integers(0, 2),
)
@example(values=[Decimal(1), Decimal(2)], kind="float_nan", pick=0)
def test_h4_numeric_text_keys_match_the_number(values, kind, pick):
    whole = all(x == int(x) for x in values)
    if kind == "Int64" and not whole:
        kind = "float"
    if kind == "float":
        col = pd.Series([float(x) for x in values])
    elif kind == "float_nan":
        col = pd.Series([float(x) for x in values] + [np.nan])
    elif kind == "Int64":
        col = pd.Series([int(x) for x in values] + [None], dtype="Int64")
    else:
        col = pd.Series(list(values), dtype=object)
    distinct = sorted(set(values))
    mapping = {_spellings(x)[pick]: f"t{j}" for j, x in enumerate(distinct)}
    t = tags_from_values(col, mapping, unmapped="raise")
    for j, x in enumerate(distinct):
        expected = [y == x for y in values] + [False] * (len(col) - len(values))
        assert t[f"t{j}"].tolist() == expected


def test_h4_keys_naming_one_number_are_refused():
    with pytest.raises(ThresholdError, match=r"'1\.0' and '1' read alike"):
        tags_from_values(pd.Series([1.0, 2.0]), {"1.0": "a", 1: "b"})


def test_h4_text_column_compares_text_as_written():
    t = tags_from_values(["1.0", "1"], {"1": "one"})
    assert t["one"].tolist() == [False, True]


# --------------------------------------------------------------------------
# H5: default integer columns, names partly matching


def test_h5_audit_example():
    df = pd.DataFrame({0: [True, True, True], 1: [False, False, True]})
    with pytest.raises(InputError, match="without the column 'vip'"):
        TagMatrix(("1", "vip"), df)
    assert TagMatrix(("1", "0"), df).sizes() == {"1": 1, "0": 3}
    assert TagMatrix(("a", "b"), df).sizes() == {"a": 3, "b": 1}


@FAST
@given(
    data=st.data(),
    k=st.integers(1, 4),
)
def test_h5_a_tag_named_after_a_column_is_that_column(data, k):
    matrix = data.draw(
        st.lists(
            st.lists(st.booleans(), min_size=k, max_size=k), min_size=1, max_size=5
        )
    )
    df = pd.DataFrame(matrix)  # columns 0 .. k-1
    names = tuple(
        data.draw(
            st.lists(
                st.sampled_from([str(j) for j in range(k)] + ["vip", "mother", "x9"]),
                min_size=k,
                max_size=k,
                unique=True,
            )
        )
    )
    columns = [n for n in names if n.isdigit()]
    if len(columns) == k:  # every name a column: by name
        t = TagMatrix(names, df)
        for n in names:
            assert t[n].tolist() == df[int(n)].tolist()
    elif columns:  # some names columns: the others are missing
        with pytest.raises(InputError, match="without the column"):
            TagMatrix(names, df)
    else:  # no name a column: by position
        t = TagMatrix(names, df)
        for j, n in enumerate(names):
            assert t[n].tolist() == df[j].tolist()


# --------------------------------------------------------------------------
# H6: baby_sex text that is not UTF-8; Decimal signalling NaN


def test_h6_audit_example():
    with pytest.raises(InputError, match="neither a boy nor a girl"):
        life_stage_tags(as_of="2024-01-01", baby_sex=["b\udc80"])


@FAST
@given(
    good=st.lists(st.sampled_from(("boy", " Girl ", "m", "女", None)), max_size=4),
    stem=st.sampled_from(("b", "boy", "girl", "", "女")),
    surrogate=st.integers(0xDC80, 0xDCFF),
    kind=st.sampled_from(("list", "object", "unicode")),
    birthdays=st.booleans(),
)
@example(good=[], stem="b", surrogate=0xDC80, kind="list", birthdays=False)
def test_h6_text_that_is_not_utf8_gets_an_input_error(
    good, stem, surrogate, kind, birthdays
):
    sex = [*good, stem + chr(surrogate)]
    if kind == "object":
        sex = np.array(sex, dtype=object)
    elif kind == "unicode":
        sex = np.array([x if x is not None else "" for x in sex], dtype=str)
    kw = {"baby_birthday": ["2024-01-01"] * len(sex)} if birthdays else {}
    with pytest.raises(InputError, match=r"'baby_sex'.*neither a boy nor a girl") as e:
        life_stage_tags(as_of="2024-06-01", baby_sex=sex, **kw)
    assert f"first at row {len(good)}" in str(e.value)


@FAST
@given(sex=st.lists(st.sampled_from(("boy", " Girl ", "m", "F", "女", "")), max_size=6))
def test_h6_unicode_arrays_still_read(sex):
    arr = np.array(sex, dtype=str)
    t = life_stage_tags(as_of="2024-06-01", baby_sex=arr)
    folded = [x.strip().lower() for x in sex]
    assert t["boy"].tolist() == [x in ("boy", "m") for x in folded]
    assert t["girl"].tolist() == [x in ("girl", "f", "女") for x in folded]


@FAST
@given(
    values=st.lists(
        st.sampled_from(
            [
                Decimal("sNaN"),
                Decimal("NaN"),
                Decimal("-sNaN"),
                Decimal(1),
                Decimal("2.5"),
            ]
        ),
        min_size=1,
        max_size=6,
    )
)
@example(values=[Decimal("sNaN"), Decimal(1)])
def test_h6_decimal_signalling_nan_is_missing(values):
    t = tags_from_values(values)
    quiet = [Decimal("NaN") if x.is_nan() else x for x in values]
    u = tags_from_values(quiet)
    assert t.names == u.names
    assert t.to_pandas().equals(u.to_pandas())
    assert (
        not t.to_pandas()
        .iloc[[i for i, x in enumerate(values) if x.is_nan()]]
        .any(axis=None)
    )


def test_to_pandas_keeps_every_customer_without_tags():
    # found while testing H6: a matrix of no tags kept no rows in to_pandas
    t = tags_from_values([Decimal("sNaN"), None, Decimal("NaN")])
    assert t.names == ()
    assert len(t.to_pandas()) == 3
