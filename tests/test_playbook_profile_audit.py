"""Audit findings on due_contacts (ids) and profile_completeness (scores, columns).

#7 mixed-type ids come back unchanged; #10 every missing marker is the same
InputError; #17 repeated ids in an index are refused whatever the day; #4 a
score exactly on a break is in the higher band (scores are exact, rounded
once); #8 one column never feeds two fields.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import InputError, ThresholdError, due_contacts
from custseg.profile import profile_completeness

AS_OF = "2024-03-01"

#: ints and short texts of digits: 1 and "1" are both drawn, and are two ids
ids_of_two_types = st.one_of(
    st.integers(-3, 3), st.text(alphabet="01a", min_size=0, max_size=2)
)


def _as(container: str, ids: list) -> object:
    if container == "list":
        return ids
    if container == "tuple":
        return tuple(ids)
    arr = np.empty(len(ids), dtype=object)
    arr[:] = ids
    return arr if container == "array" else pd.Series(arr, dtype=object)


class TestMixedIds:
    """#7: ids come back as given; equal only when equal in Python."""

    def test_audit_example(self):
        """[1, 'a'] joins back to the input; 1 and '1' are two customers."""
        last = pd.Series(
            pd.to_datetime(["2024-01-01", "2024-01-01"]),
            index=pd.Index([1, "a"], dtype=object),
        )
        due = due_contacts(last, 30, AS_OF, customer=[1, "a"]).to_pandas()
        assert due.index.tolist() == [1, "a"]
        assert [type(x) for x in due.index] == [int, str]
        assert due.index.isin(last.index).all()
        out = due_contacts(["2024-01-01"] * 2, 30, AS_OF, customer=[1, "1"])
        assert sorted(map(repr, out.customer.tolist())) == ["'1'", "1"]

    @settings(max_examples=150, deadline=None)
    @given(
        ids=st.lists(ids_of_two_types, max_size=8, unique_by=lambda x: (type(x), x)),
        container=st.sampled_from(["list", "tuple", "array", "series"]),
        data=st.data(),
    )
    def test_ids_unchanged(self, ids, container, data):
        """Any mix of distinct int and str ids: each due row names its own
        customer's id, same type and value; the frame's index joins back."""
        last = data.draw(
            st.lists(
                st.sampled_from([None, "2024-01-01", "2024-02-28"]),
                min_size=len(ids),
                max_size=len(ids),
            )
        )
        due = due_contacts(last, 7, AS_OF, customer=_as(container, ids))
        got = due.customer.tolist()
        assert len(got) == len(due.row)
        for row, cid in zip(due.row.tolist(), got, strict=True):
            assert type(cid) is type(ids[row]) and cid == ids[row]
        expected = {(type(x), x) for x, d in zip(ids, last, strict=True)
                    if d != "2024-02-28"}  # fmt: skip
        assert {(type(x), x) for x in got} == expected
        frame = due.to_pandas()
        assert frame.index.isin(pd.Index(_as("array", ids))).all()

    @settings(max_examples=100, deadline=None)
    @given(
        ids=st.lists(
            ids_of_two_types, min_size=1, max_size=6, unique_by=lambda x: (type(x), x)
        ),
        container=st.sampled_from(["list", "array", "series"]),
        data=st.data(),
    )
    def test_repeats_are_python_equality(self, ids, container, data):
        """A copy of an id, or an int's float twin (1 == 1.0), is a repeat,
        whatever the day; the distinct ids alone are not."""
        i = data.draw(st.integers(0, len(ids) - 1))
        twin = float(ids[i]) if isinstance(ids[i], int) else ids[i]
        doubled = [*ids, twin]
        day = data.draw(st.sampled_from([AS_OF, "2024-02-29", "2023-01-01"]))
        with pytest.raises(InputError, match="'customer' has repeated ids"):
            due_contacts([day] * len(doubled), 30, AS_OF,
                         customer=_as(container, doubled))  # fmt: skip
        due_contacts([day] * len(ids), 30, AS_OF, customer=_as(container, ids))

    def test_homogeneous_lists_keep_their_dtype(self):
        """A list of one type of id keeps the array it always made."""
        assert due_contacts([None], 7, AS_OF, customer=[5]).customer.dtype == np.int64
        assert due_contacts([None], 7, AS_OF, customer=["a"]).customer.dtype.kind == "U"
        # a trailing NUL is part of the text: "a" and "a\x00" are two customers
        out = due_contacts([None] * 2, 7, AS_OF, customer=["a", "a\x00"])
        assert sorted(out.customer.tolist()) == ["a", "a\x00"]


MISSING = [
    None,
    math.nan,
    float("nan"),
    np.float32("nan"),
    pd.NA,
    pd.NaT,
    np.datetime64("NaT"),
    Decimal("NaN"),
]


class TestMissingIds:
    """#10: every missing marker is the InputError "missing ids"."""

    def test_audit_example(self):
        """pd.NA is refused like None, with the row."""
        with pytest.raises(InputError, match="'customer' has missing ids") as err:
            due_contacts(["2024-01-01"] * 2, 30, AS_OF, customer=["a", pd.NA])
        assert err.value.first_row == 1 and err.value.n_rows == 1

    @settings(max_examples=150, deadline=None)
    @given(
        ids=st.lists(
            ids_of_two_types, min_size=1, max_size=6, unique_by=lambda x: (type(x), x)
        ),
        marker=st.sampled_from(MISSING),
        container=st.sampled_from(["list", "tuple", "array", "series", "index"]),
        data=st.data(),
    )
    def test_any_marker_any_container(self, ids, marker, container, data):
        """Any marker at any row, in a list, array, Series or index."""
        at = data.draw(st.integers(0, len(ids)))
        values = [*ids[:at], marker, *ids[at:]]
        last = ["2024-01-01"] * len(values)
        with pytest.raises(InputError, match="'customer' has missing ids") as err:
            if container == "index":
                index = pd.Index(_as("array", values), dtype=object)
                due_contacts(pd.Series(pd.to_datetime(last), index=index), 30, AS_OF)
            else:
                due_contacts(last, 30, AS_OF, customer=_as(container, values))
        assert err.value.first_row == at

    @pytest.mark.parametrize(
        "ids",
        [
            pd.Series([1, None, 3], dtype="Int64"),
            pd.Series(["a", None, "c"], dtype="string"),
            pd.Series(["a", None, "c"], dtype="str"),
            pd.Series(["a", None, "c"], dtype="category"),
            pd.array([1, None, 3], dtype="Float64"),
            np.array([1.0, np.nan, 3.0]),
            np.array(["2024-01-01", "NaT", "2024-01-03"], dtype="datetime64[D]"),
        ],
        ids=["Int64", "string", "str", "category", "Float64", "float", "datetime"],
    )
    def test_nullable_and_numpy_dtypes(self, ids):
        """Nullable dtypes with NA, NaN floats and NaT dates: row 1 is missing."""
        with pytest.raises(InputError, match="'customer' has missing ids") as err:
            due_contacts([None] * 3, 30, AS_OF, customer=ids)
        assert err.value.first_row == 1

    def test_index_with_na(self):
        """A nullable index with NA is refused too (no customer= given)."""
        last = pd.Series([None, None], index=pd.Index([1, None], dtype="Int64"),
                         dtype="datetime64[ns]")  # fmt: skip
        with pytest.raises(InputError, match="'customer' has missing ids"):
            due_contacts(last, 30, AS_OF)


class TestRepeatedIndex:
    """#17: repeated ids in an index are refused whatever the day."""

    def test_audit_example(self):
        """Nobody due on 2024-01-02, and still the error."""
        last = pd.Series(pd.to_datetime(["2024-01-01"] * 2), index=["a", "a"])
        with pytest.raises(InputError, match="'customer' has repeated ids"):
            due_contacts(last, 30, "2024-01-02")

    @settings(max_examples=60, deadline=None)
    @given(
        days=st.integers(0, 400),
        cadence=st.sampled_from([1, 30, 365, 1e9]),
        ids=st.lists(
            ids_of_two_types, min_size=1, max_size=5, unique_by=lambda x: (type(x), x)
        ),
        data=st.data(),
    )
    def test_any_day(self, days, cadence, ids, data):
        """Whoever is due (nobody or everybody), a repeated index id is an error."""
        dup = [*ids, ids[data.draw(st.integers(0, len(ids) - 1))]]
        as_of = dt.date(2024, 1, 1) + dt.timedelta(days)
        last = pd.Series(pd.to_datetime(["2024-01-01"] * len(dup)),
                         index=pd.Index(_as("array", dup), dtype=object))  # fmt: skip
        with pytest.raises(InputError, match="'customer' has repeated ids"):
            due_contacts(last, cadence, as_of)


# --------------------------------------------------------------------------
# profile completeness


def _dec(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def exact_scores(missing, hard, soft, weights, field_weights):
    """(score, hard, soft) per row in Fraction arithmetic (None: no fields),
    each weight the decimal it prints as."""
    total = _dec(weights[0]) + _dec(weights[1])
    out = []
    for row in missing:
        parts = []
        lo = 0
        for names in (hard, soft):
            fw = [_dec(field_weights.get(f, 1.0)) for f in names]
            if names and sum(fw) == 0:
                fw = [Fraction(1)] * len(names)
            got = sum(
                (w for j, w in enumerate(fw) if not row[lo + j]), start=Fraction(0)
            )
            parts.append(got / sum(fw) if names else None)
            lo += len(names)
        score = sum(
            (_dec(w) / total * p for w, p in zip(weights, parts, strict=True) if w > 0),
            start=Fraction(0),
        )
        out.append((score, *parts))
    return out


DECIMAL_WEIGHTS = st.one_of(
    st.integers(0, 5).map(float),
    st.integers(0, 10).map(lambda k: k / 10),
    st.integers(0, 100).map(lambda k: k / 100),
)


@st.composite
def schemas(draw, weight=DECIMAL_WEIGHTS):
    """Fields, part weights and field weights the schema accepts, with rows."""
    n_hard = draw(st.integers(0, 4))
    n_soft = draw(st.integers(0 if n_hard else 1, 10))
    hard = [f"h{i}" for i in range(n_hard)]
    soft = [f"s{i}" for i in range(n_soft)]
    wh = draw(weight) if n_hard else 0.0
    ws = draw(weight) if n_soft else 0.0
    if wh + ws == 0:
        wh, ws = (1.0, ws) if n_hard else (wh, 1.0)
    fws = {}
    if draw(st.booleans()):
        fws = {f: draw(weight) for f in (*hard, *soft)}
        for names, w in ((hard, wh), (soft, ws)):
            if w > 0 and names and sum(fws[f] for f in names) == 0:
                fws[names[0]] = 1.0
    n = draw(st.integers(1, 12))
    missing = draw(
        st.lists(
            st.lists(st.booleans(), min_size=n_hard + n_soft, max_size=n_hard + n_soft),
            min_size=n,
            max_size=n,
        )
    )
    return hard, soft, (wh, ws), fws, missing


def _run(hard, soft, weights, fws, missing):
    cols = [*hard, *soft]
    data = {f: [None if row[j] else "x" for row in missing] for j, f in enumerate(cols)}
    return profile_completeness(
        data, hard=hard, soft=soft, weights=weights, field_weights=fws or None
    )


class TestExactScores:
    """#4: a score is its exact value rounded once; on a break, the higher band."""

    def test_audit_example(self):
        """1/3 * 1 + 2/3 * 7/10 is 0.8: good, not fair."""
        data = {"h": ["x"], **{f"s{i}": ["x" if i < 7 else None] for i in range(10)}}
        r = profile_completeness(
            data, hard=["h"], soft=[f"s{i}" for i in range(10)], weights=(1, 2)
        )
        assert r.score[0] == 0.8
        assert r.band().to_numpy().tolist() == ["good"]

    def test_audit_decimal_weights(self):
        """3 hard, 1 soft, weights (0.3, 0.7) or (0.1, 0.9): exactly on 0.8."""
        for w in ((0.3, 0.7), (0.1, 0.9)):
            hard, soft = ["a", "b", "c"], ["d"]
            missing = [[False, False, False, False]]
            # find the pattern whose exact score is 0.8
            for k in range(4):
                row = [j >= k for j in range(3)] + [False]
                if exact_scores([row], hard, soft, w, {})[0][0] == Fraction(4, 5):
                    missing = [row]
            r = _run(hard, soft, w, {}, missing)
            exact = exact_scores(missing, hard, soft, w, {})[0][0]
            assert r.score[0] == float(exact)
            assert r.band().to_numpy()[0] == (
                "good" if exact >= Fraction(4, 5) else "fair"
            )

    @settings(max_examples=300, deadline=None)
    @given(schema=schemas(), data=st.data())
    def test_scores_and_bands_are_exact(self, schema, data):
        """Any schema and decimal weights: score, hard and soft are the exact
        fractions rounded once, and a break equal to a score puts it up."""
        hard, soft, weights, fws, missing = schema
        r = _run(hard, soft, weights, fws, missing)
        exact = exact_scores(missing, hard, soft, weights, fws)
        for i, (s, h, so) in enumerate(exact):
            assert r.score[i] == float(s)
            for got, want in ((r.hard[i], h), (r.soft[i], so)):
                assert math.isnan(got) if want is None else got == float(want)
        # breaks on the scores themselves (and a decimal one) hit the boundaries
        on = sorted({s for s, _, _ in exact if 0 < s <= 1})
        extra = data.draw(st.integers(1, 100).map(lambda k: Fraction(k, 100)))
        breaks = sorted({*on, extra})
        b = [float(x) for x in breaks]
        names = [f"band{i}" for i in range(len(b) + 1)]
        got = r.band(b, names).to_numpy().tolist()
        # the exact score against the exact break (whose double is passed)
        want = [names[sum(s >= x for x in breaks)] for s, _, _ in exact]
        assert got == want

    @settings(max_examples=100, deadline=None)
    @given(
        schema=schemas(
            weight=st.floats(0, 10, allow_nan=False, allow_infinity=False)
            | DECIMAL_WEIGHTS
        )
    )
    def test_any_float_weights(self, schema):
        """Weights with many digits (1/3, 0.123456789...) are exact too."""
        hard, soft, weights, fws, missing = schema
        r = _run(hard, soft, weights, fws, missing)
        exact = exact_scores(missing, hard, soft, weights, fws)
        assert r.score.tolist() == [float(s) for s, _, _ in exact]

    def test_long_weights_use_fractions(self):
        """Weights of 17 digits go past 2**53: still the exact score."""
        r = _run(
            ["a", "b"], ["c"], (1 / 3, 2 / 3), {"a": 0.1 + 0.2}, [[False, True, False]]
        )
        want = exact_scores([[False, True, False]], ["a", "b"], ["c"],
                            (1 / 3, 2 / 3), {"a": 0.1 + 0.2})  # fmt: skip
        assert r.score[0] == float(want[0][0])


class TestOneColumnOneField:
    """#8: a column mapped to a field no longer also feeds the field it is named like."""

    def test_audit_example(self):
        """'phone' mapped to name: phone is absent, the record half complete."""
        r = profile_completeness(
            {"phone": ["13800000000", None]},
            fields={"phone": "name"},
            hard=["name", "phone"],
            soft=[],
            weights=(1, 0),
        )
        assert r.columns == {"name": "phone", "phone": None}
        assert r.absent == ("phone",)
        assert r.score.tolist() == [0.5, 0.0]

    @settings(max_examples=150, deadline=None)
    @given(
        n_fields=st.integers(1, 6),
        data=st.data(),
    )
    def test_every_column_feeds_at_most_one_field(self, n_fields, data):
        """Any mapping of field-named columns onto other fields: each column
        feeds one field at most, the mapped field first; a field whose own
        column went elsewhere and has no mapping is absent."""
        fields = [f"f{i}" for i in range(n_fields)]
        columns = data.draw(st.lists(st.sampled_from(fields), unique=True, min_size=1))
        targets = data.draw(st.permutations(fields))
        mapping = {
            c: t for c, t in zip(columns, targets, strict=False)
            if data.draw(st.booleans())
        }  # fmt: skip
        table = {c: ["x", None] for c in columns}
        # audit 9, F9: a field mapped from another column while its own
        # column is in the table, not mapped away, would be fed twice
        fed_twice = [
            t for c, t in mapping.items() if c != t and t in table and t not in mapping
        ]
        if fed_twice:
            with pytest.raises(ThresholdError, match="feed"):
                profile_completeness(
                    table, fields=mapping, hard=fields, soft=[], weights=(1, 0)
                )
            return
        r = profile_completeness(
            table, fields=mapping, hard=fields, soft=[], weights=(1, 0)
        )
        used = [c for c in r.columns.values() if c is not None]
        assert len(used) == len(set(used))
        for f in fields:
            if f in mapping.values():
                want = next(c for c, t in mapping.items() if t == f)
            elif f in table and f not in mapping:
                want = f
            else:
                want = None
            assert r.columns[f] == want
        filled = Fraction(sum(c is not None for c in r.columns.values()), n_fields)
        assert r.score.tolist() == [float(filled), 0.0]
