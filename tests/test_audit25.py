"""Audit 25: findings of the twenty-fifth audit.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.errors import CustsegWarning, InputError, RulesError, ThresholdError
from custseg.migration import transition_matrix

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

# --------------------------------------------------------------------------
# Labels compared with the columns of other libraries, row by row

_STAGES = ("active", "silent", "sleeping", "lost")


def _columns(names: list[Any]) -> list[Any]:
    """*names* in every container a user may hold them in."""
    text = [None if n is None else str(n) for n in names]
    return [
        text,
        pd.Series(text, dtype=object),
        pl.Series(text, dtype=pl.String),
        pl.Series(text, dtype=pl.Categorical),
        pl.Series(text, dtype=pl.Enum(list(_STAGES))),
        pa.array(text),
        pa.chunked_array([text[:1], text[1:]], type=pa.string()),
    ]


@settings(max_examples=40, deadline=None)
@given(
    mine=st.lists(st.integers(0, 3), min_size=1, max_size=8),
    data=st.data(),
)
def test_labels_compare_row_by_row_with_any_column(mine: list[int], data: Any) -> None:
    """``labels == other`` (and ``!=``, ``<`` ...) with a Polars Series or a
    PyArrow array gave Polars' answer or Python's identity: False, or every
    row unequal. Every container compares row by row, as a list does; a
    missing name compares False."""
    labels = custseg.Labels(mine, _STAGES, ordered=True)
    theirs = data.draw(
        st.lists(
            st.one_of(st.none(), st.integers(0, 3)),
            min_size=len(mine),
            max_size=len(mine),
        )
    )
    names = [None if t is None else _STAGES[t] for t in theirs]
    known = np.array([t is not None for t in theirs])
    codes = np.array([-1 if t is None else t for t in theirs])
    mine_a = np.array(mine)
    expected = {
        "==": known & (mine_a == codes),
        "!=": ~(known & (mine_a == codes)),
        "<": known & (mine_a < codes),
        "<=": known & (mine_a <= codes),
        ">": known & (mine_a > codes),
        ">=": known & (mine_a >= codes),
    }
    for other in _columns(names):
        got = {
            "==": labels == other,
            "!=": labels != other,
            "<": labels < other,
            "<=": labels <= other,
            ">": labels > other,
            ">=": labels >= other,
        }
        for op, want in expected.items():
            assert np.asarray(got[op]).tolist() == want.tolist(), (op, type(other))


def test_an_unknown_name_per_row_is_refused() -> None:
    labels = custseg.Labels([0, 1], _STAGES, ordered=True, name="stage")
    with pytest.raises(ThresholdError, match="'gone' is not a label of 'stage'"):
        labels < pl.Series(["active", "gone"])  # noqa: B015
    with pytest.raises(ThresholdError, match="one name per row"):
        labels == pa.array(["active"])  # noqa: B015
    unordered = custseg.Labels([0, 1], ("a", "b"))
    with pytest.raises(ThresholdError, match="not ordered"):
        unordered < ["a", "b"]  # noqa: B015


# --------------------------------------------------------------------------
# Polars Categorical and Enum columns


def _readers() -> list[Any]:
    return [
        lambda x: transition_matrix(x, ["a", "b", "a"]).counts.to_numpy().tolist(),
        lambda x: custseg.labels.label_codes(x, "x")[1],
        lambda x: (
            custseg.assign_owners([3, 2, 1], ["s1", "s2"], current_owner=x)
            .owner.to_numpy()
            .tolist()
        ),
        lambda x: custseg.tags_from_values(x).names,
    ]


@pytest.mark.parametrize("reader", range(4))
def test_a_polars_categorical_reads_as_a_list(reader: int) -> None:
    """A Polars Categorical column crashed every reader of labels with a bare
    AttributeError (its dtype's categories have no dtype)."""
    read = _readers()[reader]
    values = ["a", "b", "a"] if reader != 2 else ["s1", "s2", "s1"]
    assert read(pl.Series(values, dtype=pl.Categorical)) == read(values)


def test_a_polars_enum_keeps_its_classes_in_order() -> None:
    """A Polars Enum lost its declared order and its empty classes."""
    from custseg.labels import label_codes

    classes = ["zeta", "alpha", "mid"]
    polars_enum = pl.Series(["alpha", None, "zeta"], dtype=pl.Enum(classes))
    pandas_cat = pd.Categorical(
        ["alpha", None, "zeta"], categories=classes, ordered=True
    )
    a, b = label_codes(polars_enum, "x"), label_codes(pandas_cat, "x")
    assert a[0].tolist() == b[0].tolist() == [1, -1, 0]
    assert a[1] == b[1] == tuple(classes) and a[2] is True
    counts = transition_matrix(polars_enum, ["zeta", "zeta", "zeta"]).counts
    assert counts.index.tolist() == [*classes, "missing"]


# --------------------------------------------------------------------------
# classes that differ only in letter case between two periods


@settings(max_examples=40, deadline=None)
@given(
    flags=st.lists(st.booleans(), min_size=1, max_size=6),
    spelling=st.sampled_from([str.lower, str.upper, str.title]),
)
def test_booleans_against_their_text_in_another_case_warn(
    flags: list[bool], spelling: Any
) -> None:
    """A boolean class (``True``) against the same column written by Polars
    or DuckDB (``true``) counted every customer as moved without a word."""
    after = [spelling(str(f)) for f in flags]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        tm = transition_matrix(flags, after)
    said = [str(w.message) for w in seen if issubclass(w.category, CustsegWarning)]
    if after == [str(f) for f in flags]:  # pandas' own text: the same classes
        assert tm.stayed == 1.0 and not said
    else:
        assert tm.stayed == 0.0
        assert any("letter case" in m and "read alike" in m for m in said)


def test_migrate_names_a_header_in_another_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    (tmp_path / "b.csv").write_text("customer_id,Lifecycle,abc\n1,active,A\n")
    (tmp_path / "a.csv").write_text("customer_id,lifecycle,abc\n1,active,A\n")
    main(["migrate", str(tmp_path / "b.csv"), str(tmp_path / "a.csv")])
    b, a = repr(str(tmp_path / "b.csv")), repr(str(tmp_path / "a.csv"))
    assert (
        f"'Lifecycle' in BEFORE {b}, 'lifecycle' in AFTER {a}"
        in capsys.readouterr().err
    )


# --------------------------------------------------------------------------
# fit_value_tiers and value_tier put every customer on the same side

_EXACT = st.one_of(
    st.decimals(
        min_value=Decimal("9999.99999999999999990"),
        max_value=Decimal("10000.0000000000000001"),
        places=22,
        allow_nan=False,
    ),
    st.integers(2**53 - 4, 2**53 + 4).map(Decimal),
    st.decimals(min_value=0, max_value=1, places=2, allow_nan=False),
    st.sampled_from([Decimal("100"), Decimal("10000"), Decimal("500.5")]),
)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            _EXACT, st.sampled_from(["strong", "some", "unclear"]), st.integers(0, 50)
        ),
        min_size=1,
        max_size=8,
    ),
    a_share=st.sampled_from([0.1, 0.2, 0.3, 0.5]),
)
def test_fitted_tiers_keep_their_shares_when_applied(
    rows: list[tuple[Decimal, str, int]], a_share: float
) -> None:
    """Assets that float64 rounds together (a Decimal of 22 places, an
    integer beyond 2**53) were one value to the fit and two to value_tier:
    applied to the fitting data, A lost a customer or passed a_share. The
    thresholds fitted now put each customer where value_tier puts them:
    A carries at most a_share and A and B at most b_share."""
    assets = [a for a, _, _ in rows]
    intent = [i for _, i, _ in rows]
    revenue = [r for _, _, r in rows]
    assume(sum(revenue) > 0)
    b_share = min(1.0, a_share + 0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        t = custseg.fit_value_tiers(
            assets, intent, revenue, a_share=a_share, b_share=b_share
        )
    tiers = custseg.value_tier(assets, intent, thresholds=t).to_numpy().tolist()
    total = Decimal(sum(revenue))
    a = sum(r for r, x in zip(revenue, tiers, strict=True) if x == "A")
    ab = sum(r for r, x in zip(revenue, tiers, strict=True) if x in ("A", "B"))
    assert Decimal(a) <= Decimal(repr(a_share)) * total
    assert Decimal(ab) <= Decimal(repr(b_share)) * total
    # assets_large is the smallest threshold t that a customer's assets give
    # (a double: the largest at or below them, as no double lies between
    # two values it rounds alike) such that the strong customers from t
    # carry at most a_share and all from t at most b_share, customers
    # compared exactly (inf when none, or no strong customer)
    cap_a, cap_b = Decimal(repr(a_share)) * total, Decimal(repr(b_share)) * total

    def value(t: float) -> Decimal:  # what value_tier compares with
        return Decimal(int(t)) if abs(t) >= 2**53 else Decimal(repr(t))

    def floor_double(x: Decimal) -> float:
        f = float(x)
        return math.nextafter(f, -math.inf) if value(f) > x else f

    def fits(t: float) -> bool:
        strong = sum(r for x, i, r in rows if x >= value(t) and i == "strong")
        every = sum(r for x, _, r in rows if x >= value(t))
        return strong <= cap_a and every <= cap_b

    fitting = [floor_double(x) for x in assets if fits(floor_double(x))]
    strong = [floor_double(x) for x, i, _ in rows if i == "strong"]
    richest_strong = sum(  # the richest strong customers, alone
        r for x, i, r in rows if i == "strong" and x >= value(max(strong, default=0))
    )
    richest = sum(r for x, _, r in rows if x >= value(floor_double(max(assets))))
    if not fitting or not strong or richest_strong > cap_a or richest > cap_b:
        assert t.assets_large == math.inf
    else:
        assert t.assets_large == min(fitting)


# --------------------------------------------------------------------------
# the CLI and pandas' row numbers in the first column


def _period(tmp_path: Path, name: str, ids: list[str], stages: list[str]) -> str:
    frame = pd.DataFrame({"customer_id": ids, "lifecycle": stages, "monetary": 1.0})
    path = tmp_path / name
    frame.to_csv(path)  # pandas' default: the row numbers first, unnamed
    return str(path)


@settings(max_examples=15, deadline=None)
@given(order=st.permutations(list(range(6))))
def test_migrate_pairs_by_the_id_column_not_the_row_numbers(order: list[int]) -> None:
    """A segment output saved with pandas' to_csv() (row numbers first, no
    header) paired row i with row i: its ids are the customer_id column."""
    import tempfile

    from custseg.cli import main

    ids = [f"m{i:04d}" for i in range(6)]
    stages = ["active", "lost", "silent", "active", "lost", "silent"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        before = _period(folder, "b.csv", ids, stages)
        after = _period(
            folder, "a.csv", [ids[i] for i in order], [stages[i] for i in order]
        )
        out = io.StringIO()
        import contextlib

        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["migrate", before, after, "--column", "lifecycle"]) == 0
        assert "6 in both runs" in out.getvalue()
        assert "100.0% in the same class" in out.getvalue()


def test_row_numbers_without_an_id_column_are_refused(tmp_path: Path) -> None:
    from custseg._cli_migrate import _read

    path = tmp_path / "p.csv"
    pd.DataFrame({"lifecycle": ["active", "lost"]}).to_csv(path)
    with pytest.raises(InputError, match="row numbers in its first column"):
        _read(str(path))
    # an unnamed first column of ids that are not row numbers is the ids
    path.write_text(",lifecycle\nc1,active\nc2,lost\n")
    assert _read(str(path)).index.tolist() == ["c1", "c2"]


def test_assign_and_report_read_the_id_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    customers = tmp_path / "c.csv"
    pd.DataFrame(
        {"customer_id": ["007", "008"], "monetary": [10.0, 5.0], "owner": ["s1", "s2"]}
    ).to_csv(customers)
    staff = tmp_path / "s.csv"
    pd.DataFrame({"staff": ["s1", "s2"]}).to_csv(staff)
    out = tmp_path / "o.csv"
    assert main(["assign", str(customers), str(staff), "--output", str(out)]) == 0
    written = pd.read_csv(out, dtype=str)
    assert written.columns[0] == "customer_id"
    assert written["customer_id"].tolist() == ["007", "008"]
    assert written["owner"].tolist() == ["s1", "s2"]


# --------------------------------------------------------------------------
# custseg assign and due: cells named by their line


@pytest.mark.parametrize("cell", ["true", "FALSE", "True"])
def test_a_true_false_capacity_is_refused(
    tmp_path: Path, cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    (tmp_path / "c.csv").write_text("customer_id,monetary\nc1,5\nc2,3\n")
    (tmp_path / "s.csv").write_text(f"staff,capacity\namy,{cell}\nbo,\n")
    args = ["assign", str(tmp_path / "c.csv"), str(tmp_path / "s.csv")]
    assert main([*args, "--output", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "which is not a number" in err and "line 2 of" in err


@pytest.mark.parametrize("cell", ["1O0", "$100", "abc"])
def test_a_bad_value_cell_is_named_by_its_line(
    tmp_path: Path, cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    (tmp_path / "c.csv").write_text(f"customer_id,monetary\nc1,120\nc2,{cell}\n")
    (tmp_path / "s.csv").write_text("staff\namy\n")
    args = ["assign", str(tmp_path / "c.csv"), str(tmp_path / "s.csv")]
    assert main([*args, "--output", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert repr(cell) in err and "line 3 of" in err and "--value" not in err


def test_due_names_the_line_of_an_empty_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    path = tmp_path / "d.csv"
    path.write_text(
        "customer_id,lifecycle,recency_days\na,active,10\nb,silent,20\nc,,5\n"
    )
    args = ["due", str(path), "--as-of", "2024-12-28", "--class-column", "lifecycle"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "line 4 of" in err and "empty cell" in err and "--playbook" not in err


# --------------------------------------------------------------------------
# numbers in messages as written


_CLOSE = st.floats(1.0, 1e7, allow_nan=False).flatmap(
    lambda x: st.tuples(st.just(x), st.integers(1, 5).map(lambda k: x + k * 1e-3))
)


@settings(max_examples=40, deadline=None)
@given(pair=_CLOSE)
def test_breaks_out_of_order_are_named_as_written(pair: tuple[float, float]) -> None:
    """Messages wrote user numbers with :g (6 digits): 'break 1 (1999.99)
    must be > break 0 (1999.99)'."""
    lo, hi = pair
    assume(lo < hi)
    text = f"""format = 1
[fields]
m = {{ type = "number" }}
[tables.t]
field = "m"
breaks = [{hi!r}, {lo!r}]
labels = ["a", "b", "c"]
"""
    with pytest.raises(RulesError) as exc:
        rules.loads(text)
    message = str(exc.value)
    from custseg._display import number_text

    assert f"({number_text(lo)})" in message and f"({number_text(hi)})" in message


@settings(max_examples=40, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=True))
def test_number_text_reads_back(x: float) -> None:
    from custseg._display import number_text

    text = number_text(x)
    assert float(text) == x or (math.isinf(x) and text in ("inf", "-inf"))


def test_the_interval_of_an_explanation_is_as_written() -> None:
    """An example's explanation said '2999.99 <= m < 3000' for the breaks
    2999.995 and 2999.999."""
    text = """format = 1
[fields]
m = { type = "number" }
[tables.t]
field = "m"
breaks = [2999.995, 2999.999]
labels = ["lo", "mid", "hi"]
[[examples]]
given = { m = 2999.996 }
expect = { t = "lo" }
"""
    said = " ".join(f"{d.message} {d.hint}" for d in rules.check(text, text=True))
    assert "table t: 2999.995 <= m < 2999.999" in said


# --------------------------------------------------------------------------
# the testing kit's keyword types

_SCALE = """format = 1
[fields]
m = { type = "number", min = 0 }
[tables.t]
field = "m"
breaks = [10]
labels = ["low", "high"]
"""


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda rs, d: custseg.testing.assert_monotone(
                rs, d, "t", "m", {"low", "high"}
            ),
            "'order' must be a list of the labels of 't' in order: got a set",
        ),
        (
            lambda rs, d: custseg.testing.assert_monotone(rs, d, "t", "m", b"lowhigh"),
            "'order' must be a list",
        ),
        (
            lambda rs, d: custseg.testing.assert_monotone(
                rs, d, "t", "m", ["low", "high"], increase=5
            ),
            "'increase' must be a list",
        ),
        (
            lambda rs, d: custseg.testing.assert_total(rs, d, outputs=1),
            "'outputs' must be a list",
        ),
        (
            lambda rs, d: custseg.testing.assert_total(rs, d, outputs=b"t"),
            "'outputs' must be a list",
        ),
    ],
)
def test_the_testing_kit_names_wrong_keyword_types(call: Any, match: str) -> None:
    """A set as 'order' passed or failed with PYTHONHASHSEED; a scalar was a
    bare TypeError; bytes were read as their numbers."""
    import custseg.testing  # noqa: F401

    rs = rules.loads(_SCALE)
    with pytest.raises(ThresholdError, match=re.escape(match)):
        call(rs, {"m": [1.0, 20.0]})


def test_an_expected_tag_set_written_as_a_label() -> None:
    text = """format = 1
[fields]
m = { type = "number" }
[tags.g]
rules = [{ tag = "aa", when = "m > 1" }, { tag = "bb", when = "m > 2" }]
[[examples]]
given = { m = 3 }
expect = { g = "bb" }
"""
    message = " ".join(f"{d.message} {d.hint}" for d in rules.check(text, text=True))
    assert "'g' is a tag set" in message and "g = { bb = true }" in message
    assert "no table or segmentation named" not in message


# --------------------------------------------------------------------------
# frames of other libraries, and other messages


@pytest.mark.parametrize("kind", ["polars", "arrow"])
def test_rules_evaluate_a_polars_or_arrow_frame(kind: str) -> None:
    rs = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n'
        '[segments.s]\ndefault = "low"\nrules = [{ label = "high", when = "x >= 5" }]\n'
    )
    data = {"x": [1.0, 6.0, 5.0]}
    frame = pl.DataFrame(data) if kind == "polars" else pa.table(data)
    assert rs.evaluate(frame)["s"].to_numpy().tolist() == (
        rs.evaluate(pd.DataFrame(data))["s"].to_numpy().tolist()
    )
    with pytest.raises(InputError, match="LazyFrame"):
        rs.evaluate(pl.DataFrame(data).lazy())


def test_relationship_type_of_a_polars_frame() -> None:
    facts = {
        "first_sale": ["2024-01-01", "2023-01-01"],
        "customer_contacts": [1, 6],
        "days_to_follow_up": [None, 3.0],
        "suggestions": [0, 2],
        "new_products": [0, 1],
        "joint_projects": [0, 1],
        "joint_span_days": [None, 400.0],
    }
    want = custseg.relationship_type(pd.DataFrame(facts)).to_numpy().tolist()
    assert custseg.relationship_type(pl.DataFrame(facts)).to_numpy().tolist() == want


@settings(max_examples=30, deadline=None)
@given(
    referral=st.lists(
        st.sampled_from(["0", "7", "9", "10", "possible", "unlikely"]),
        min_size=1,
        max_size=6,
    )
)
def test_a_records_column_of_scores_and_words(
    tmp_path_factory: Any, referral: list[str]
) -> None:
    """A records file's referral column of scores and words ('10' beside
    'possible') was refused with a fix for pandas users; each score is read
    as a number now, as a column of scores alone is, and labels as the
    Python API labels the same answers given as numbers and words."""
    n = len(referral)
    ids = [f"c{i}" for i in range(n)]
    tx = pd.DataFrame(
        {"customer_id": ids, "date": ["2024-01-01"] * n, "amount": [10.0] * n}
    )
    path = tmp_path_factory.mktemp("rec") / "rec.csv"
    pd.DataFrame(
        {
            "customer_id": ids,
            "satisfaction": ["5"] * n,
            "referral": referral,
            "repurchase": ["0.9"] * n,
        }
    ).to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(
            tx, preset="ecommerce", records=str(path), as_of="2024-02-01"
        )
    answers = [int(x) if x.isdigit() else x for x in referral]
    want = custseg.loyalty_level([5] * n, [0.9] * n, answers).to_numpy().tolist()
    assert res.customers["loyalty"].astype(str).tolist() == want
    if any(x.isdigit() for x in referral):  # the API: numbers, not text
        with pytest.raises(InputError, match="numbers written as text"):
            custseg.loyalty_level([5] * n, [0.9] * n, referral)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: custseg.lifecycle_stage(x),
        lambda x: custseg.abc_classes(x),
    ],
)
def test_a_0d_array_is_named_a_scalar(call: Any) -> None:
    with pytest.raises(InputError, match=r"got a scalar array\(5\.\)"):
        call(np.array(5.0))


def test_a_0d_number_is_a_number_parameter() -> None:
    from custseg._validate import number_param

    assert number_param(np.array(30), "cadence") == 30.0
    with pytest.raises(ThresholdError):
        number_param(np.array("30"), "cadence")


def test_records_with_the_ids_in_a_multiindex() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-01", "2024-02-01"],
            "amount": [1.0, 2.0],
        }
    )
    records = pd.DataFrame(
        {"customer_id": ["a", "b"], "region": ["n", "s"], "vip": [True, False]}
    ).set_index(["customer_id", "region"])
    with pytest.raises(InputError, match=re.escape("records.reset_index(['region'])")):
        custseg.segment(tx, records=records, bins=2)


# --------------------------------------------------------------------------
# the report and SVG charts show invisible characters


@settings(max_examples=30, deadline=None)
@given(
    name=st.text(
        st.sampled_from([*"amy", "\u202e", "\u200b", "\u2066", "\u200f", "\ufeff"]),
        min_size=1,
        max_size=6,
    )
)
def test_invisible_characters_are_shown_on_the_page(name: str) -> None:
    """A bidi control made ``'\\u202eyma'`` read ``amy`` on the page; a
    zero-width space made two names one. Every invisible format character
    is written as its code point, and two names stay two."""
    from custseg._display import shown_invisible
    from custseg.reporting import _esc

    page = _esc(name)
    assert not any(c in page for c in "\u202e\u200b\u2066\u200f\ufeff")
    plain = name.translate({ord(c): None for c in "\u202e\u200b\u2066\u200f\ufeff"})
    if plain != name:
        assert shown_invisible(name) != shown_invisible(plain)


def test_an_svg_shows_a_bidi_control() -> None:
    pytest.importorskip("matplotlib")
    from custseg import plot

    svg = plot.to_svg(plot.label_counts(["\u202eyma", "amy", "amy"]))
    assert "\u202e" not in svg and "\\u202eyma" in svg


def test_a_class_that_reads_as_the_total_row(tmp_path: Path) -> None:
    """A class 'Total ' (a blank after it, which a page does not show) was not
    told apart from the total row: the page showed two rows 'Total'."""
    text = """format = 1
[fields]
monetary = { type = "number" }
[segments.seg]
rules = [ { when = "monetary > 45", label = "Total " } ]
default = "other"
"""
    path = tmp_path / "r.toml"
    path.write_text(text)
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-01", "2024-01-02"],
            "amount": [50.0, 10.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)  # 2 customers, 5 scores
        page = custseg.report(
            tx, rules=str(path), as_of="2024-01-03", charts=False
        ).html
    assert "(Total)" in page


# --------------------------------------------------------------------------
# engines


def _duck_tx(con: Any) -> None:
    con.execute(
        "create table tx as select * from (values ('c1', DATE '2024-06-01', 120.0), "
        "('c2', DATE '2024-01-10', 35.0), ('c3', DATE '2023-05-01', 15.0)) "
        "v(customer_id, date, amount)"
    )
    con.execute(
        "create table crm as select * from (values ('c1', 'Alice'), ('c2', 'Bob'), "
        "('c3', 'Carol')) v(customer_id, name)"
    )


@pytest.mark.parametrize("make", ["summarize_frame", "segment_frame"])
def test_a_duckdb_result_stays_on_the_callers_connection(
    tmp_path: Path, make: str
) -> None:
    """The result was a relation of DuckDB's default connection: a join with
    the caller's tables failed, and .create() wrote into another database."""
    duckdb = pytest.importorskip("duckdb")
    from custseg import frame as fr

    path = str(tmp_path / "shop.duckdb")
    con = duckdb.connect(path)
    _duck_tx(con)
    out = getattr(fr, make)(con.table("tx"), as_of="2024-07-01")
    joined = out.join(con.table("crm"), "customer_id").order("customer_id")
    assert [r[-1] for r in joined.fetchall()] == ["Alice", "Bob", "Carol"]
    out.create("customer_facts")
    con.close()
    again = duckdb.connect(path)
    assert again.execute("select count(*) from customer_facts").fetchone() == (3,)
    again.close()


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_approx_rfm_edges_refuses_infinite_facts(engine: str) -> None:
    from custseg.engines import approx_rfm_edges

    data = {
        "recency_days": [1.0, 2.0, 3.0, 4.0],
        "frequency": [1, 2, 3, 4],
        "monetary": [-math.inf, math.inf, 1.0, 5.0],
    }
    with pytest.raises(InputError):
        custseg.quantile_edges(np.array(data["monetary"]), 2)
    if engine == "polars":
        facts: Any = pl.LazyFrame(data)
    else:
        duckdb = pytest.importorskip("duckdb")
        frame = pd.DataFrame(data)  # noqa: F841 - read by DuckDB by its name
        facts = duckdb.sql("select * from frame")
    with pytest.raises(
        InputError, match="'monetary' is infinite for 2 of the 4 buyers"
    ):
        approx_rfm_edges(facts, bins=2)


def test_engine_keywords_of_the_wrong_type() -> None:
    from custseg import RfmEdges, ScoreEdges
    from custseg.engines import approx_rfm_edges, label_in_engine

    facts = pl.LazyFrame(
        {"recency_days": [1.0, 9.0], "frequency": [2, 1], "monetary": [5.0, 1.0]}
    )
    edges = RfmEdges(ScoreEdges((5.0,)), ScoreEdges((1.5,)), ScoreEdges((3.0,)))
    with pytest.raises(ThresholdError, match="'windows' must be a LifecycleWindows"):
        label_in_engine(facts, edges=edges, windows=(90, 180, 270))  # type: ignore[arg-type]
    by_name = approx_rfm_edges(facts, rules="ecommerce", bins=2)
    assert by_name == approx_rfm_edges(facts, rules=rules.load("ecommerce"), bins=2)


def test_a_set_of_staff_is_refused() -> None:
    """A set of staff got the hint 'in the customers' order'."""
    with pytest.raises(InputError, match="got a set, whose order is not fixed"):
        custseg.assign_owners([3, 2, 1], {"amy", "bo"})  # type: ignore[arg-type]


# ==========================================================================
# second round of audit 25
# --------------------------------------------------------------------------
# options a result carries: ABC cutoffs beside edges, the bins


@pytest.fixture(scope="module")
def shop() -> tuple[pd.DataFrame, Any]:
    from custseg.datasets import simulate_transactions

    tx = simulate_transactions(300, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return tx, custseg.segment(tx, as_of="2025-01-01", bins=3)


def test_abc_cutoffs_beside_abc_edges_are_refused(shop: Any) -> None:
    """abc_cutoffs were ignored without a word beside abc_edges, and
    result.apply(tx, abc_cutoffs=...) kept the old classes."""
    tx, first = shop
    with pytest.raises(ThresholdError, match=r"'abc_cutoffs'.*'abc_edges'"):
        custseg.segment(tx, abc_cutoffs=(0.5, 0.6), abc_edges=first.abc_edges)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        refit = first.apply(tx, as_of="2025-01-01", abc_cutoffs=(0.5, 0.6))
        direct = custseg.segment(tx, as_of="2025-01-01", abc_cutoffs=(0.5, 0.6))
        again = first.apply(tx, as_of="2025-01-01")
    assert refit.abc_edges == direct.abc_edges != first.abc_edges
    assert again.abc_edges == first.abc_edges
    # not used here (the edges were kept), but kept for a later refit: the
    # cut-offs the edges were fitted with (audit 32)
    assert again.settings["abc_cutoffs"] == first.settings["abc_cutoffs"]


def test_apply_refits_with_the_results_bins(shop: Any) -> None:
    tx, first = shop
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        refit = first.apply(tx, as_of="2025-01-01", edges=None)
    assert first.settings["bins"] == 3
    assert (refit.edges.recency.bins, refit.edges.monetary.bins) == (3, 3)


def test_segment_frame_names_its_own_parameter(shop: Any) -> None:
    from custseg import frame as fr

    tx, first = shop
    with pytest.raises(ThresholdError, match="'rfm_edges'") as exc:
        fr.segment_frame(tx, bins=5, rfm_edges=first.edges)
    assert "'edges'" not in str(exc.value)


def test_from_names_keeps_the_series_index() -> None:
    series = pd.Series(["b", "a"], index=["c9", "c1"])
    labels = custseg.Labels.from_names(series, ("a", "b"))
    assert labels.to_pandas().index.tolist() == ["c9", "c1"]


def test_a_customer_table_given_for_transactions(shop: Any) -> None:
    _, first = shop
    for data in (first.customers, first.customers.reset_index()):
        with pytest.raises(InputError, match="one row per customer") as exc:
            custseg.report(data, charts=False)
        assert "custseg.report(result)" in str(exc.value)


# --------------------------------------------------------------------------
# tags and facts of other libraries, ids of two kinds


@settings(max_examples=20, deadline=None)
@given(
    order=st.permutations(["vip", "mother", "big"]),
    kind=st.sampled_from(["polars", "arrow"]),
)
def test_tag_frames_are_read_by_name(order: list[str], kind: str) -> None:
    """A Polars or PyArrow frame of tags was read by position: tags swapped."""
    columns = {
        "vip": [True, False, False, True],
        "mother": [False, True, True, True],
        "big": [True, True, False, False],
    }
    data = {name: columns[name] for name in order}
    frame = pl.DataFrame(data) if kind == "polars" else pa.table(data)
    names = ("mother", "vip", "big")
    want = custseg.TagMatrix(names, pd.DataFrame(data)).matrix.tolist()
    assert custseg.TagMatrix(names, frame).matrix.tolist() == want
    assert custseg.combine_tags((names, frame)).matrix.tolist() == want


def test_ids_of_two_kinds_get_a_fix_that_works() -> None:
    """The fix 'facts.reindex(ids)' emptied the data when one side's ids were
    text and the other's integers."""
    tags = custseg.TagMatrix(
        ("vip",), pd.DataFrame({"vip": [True, False]}, index=["1", "2"])
    )
    facts = pd.DataFrame({"monetary": [5.0, 7.0]}, index=[1, 2])
    with pytest.raises(
        InputError, match=re.escape("facts.index = facts.index.astype(str)")
    ):
        custseg.group_summary(tags, facts)
    labels = custseg.lifecycle_stage(pd.Series([10.0, 400.0], index=["1", "2"]))
    recency = pd.Series([10.0, 400.0], index=[1, 2])
    with pytest.raises(InputError, match="astype\\(str\\)"):
        custseg.actions(
            labels, custseg.default_playbook("lifecycle"), recency_days=recency
        )


@pytest.mark.parametrize(
    "codes",
    [
        pd.Series([1.0, 2.0, np.nan]),
        pd.Series([1, 2, None], dtype="Int64"),
        pd.Series(pd.Categorical([1.0, 2.0, np.nan])),
    ],
)
def test_sex_codes_read_as_whole_numbers(codes: pd.Series) -> None:
    windows = custseg.LifeStageWindows(boy_values=(1,), girl_values=(2.0,))
    tags = custseg.life_stage_tags(baby_sex=codes, windows=windows, as_of="2024-01-01")
    assert tags.matrix.tolist() == [[True, False], [False, True], [False, False]]


def test_profile_of_numbered_columns_and_of_polars() -> None:
    frame = pd.DataFrame({0: ["amy", None], 1: ["555", "556"]})
    with pytest.raises(ThresholdError, match="the data's column is 0"):
        custseg.profile_completeness(frame, fields={"0": "name"})
    with pytest.raises(InputError, match="named by numbers"):
        custseg.profile_completeness(frame)
    data = {"name": ["amy", None], "phone": ["555", "556"]}
    want = custseg.profile_completeness(pd.DataFrame(data))
    got = custseg.profile_completeness(pl.DataFrame(data))
    assert got.score.tolist() == want.score.tolist()
    tags = custseg.TagMatrix(("vip",), [[True], [False]])
    facts = {"monetary": [5.0, 7.0]}
    got_totals = custseg.group_summary(tags, pl.DataFrame(facts)).totals
    want_totals = custseg.group_summary(tags, facts).totals
    assert {k: list(x) for k, x in got_totals.items()} == {
        k: list(x) for k, x in want_totals.items()
    }


def test_tags_with_missing_values_get_a_fix_that_works() -> None:
    flags = pd.DataFrame({"vip": pd.array([True, None], dtype="boolean")})
    with pytest.raises(InputError, match=re.escape(".fillna(False)")):
        custseg.TagMatrix(("vip",), flags)
    assert custseg.TagMatrix(("vip",), flags.fillna(False)).matrix.sum() == 1


def test_care_phase_names_the_fields_that_clash() -> None:
    phases = custseg.CarePhases(breaks=(5,), labels=("推荐活动", "recommend"))
    with pytest.raises(ThresholdError) as exc:
        custseg.care_phase([1], phases, lang="zh")
    assert "no_purchase" not in str(exc.value).split(" give ")[0]


# --------------------------------------------------------------------------
# rules on engine tables


def _cut_short_table() -> Any:
    from custseg import frame as fr
    from custseg.datasets import simulate_transactions

    tx = simulate_transactions(400, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return fr.segment_frame(pl.from_pandas(tx), bins=3, as_of="2025-01-01")


def test_rules_on_an_engine_table_of_fewer_scores_warn() -> None:
    """An engine table keeps no .attrs: segment_frame(bins=3) then rules for
    1..5 labelled silently (pandas refuses it)."""
    from custseg import frame as fr

    table = _cut_short_table()
    with pytest.warns(CustsegWarning, match="r 1..3 \\(the rules: 1..5\\)"):
        fr.apply_rules(table, "base")


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_engine_fields_named_like_scores_keep_their_values(engine: str) -> None:
    from custseg import frame as fr

    data = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "m": [500.0, np.nan, 100.0, 40000.0],
            "f": [1.0, 2.0, 3000.0, np.nan],
        }
    )
    rs = rules.loads(
        'format = 1\n[fields]\nm = { type = "number", missing = true }\n'
        'f = { type = "number", missing = true }\n[segments.big]\ndefault = "small"\n'
        'rules = [{ label = "many", when = "f > 100" }, { label = "big", when = "m > 200" }]\n'
    )
    if engine == "polars":
        table: Any = pl.from_pandas(data)
        back = lambda out: out.to_pandas()  # noqa: E731
    else:
        duckdb = pytest.importorskip("duckdb")
        table = duckdb.from_df(data)
        back = lambda out: out.df()  # noqa: E731
    got = back(fr.apply_rules(table, rs))["big"].astype(str).tolist()
    assert got == fr.apply_rules(data, rs)["big"].astype(str).tolist()


def test_explain_columns_follow_their_labels() -> None:
    from custseg import frame as fr

    seg = pd.DataFrame(
        {
            "recency_days": [3.0, 400.0],
            "frequency": [12, 1],
            "monetary": [2500.0, 30.0],
            "tenure_days": [700.0, 400.0],
            "r": [5, 1],
            "f": [5, 1],
            "m": [5, 1],
        },
        index=pd.Index(["u7", "u2"], name="member"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        first = fr.apply_rules(seg, "ecommerce", explain=True)
        twice = fr.apply_rules(first, "ecommerce", explain=True)
        later = fr.apply_rules(first.assign(monetary=[2500.0, 4000.0]), "ecommerce")
    assert twice["rfm8.rule"].tolist() == first["rfm8.rule"].tolist()
    assert not any(c.endswith(".rule") for c in later.columns)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_whole_float_ids_past_2_53_are_integers_everywhere(engine: str) -> None:
    from custseg import frame as fr

    ids = [2.0**53 + 2, 2.0**53, 2.0**53, 1.0]
    tx = pd.DataFrame(
        {"customer_id": ids, "date": pd.to_datetime(["2024-01-01"] * 4), "amount": 1.0}
    )
    want = fr.summarize_frame(tx, as_of="2024-02-01").index.tolist()
    if engine == "polars":
        got = fr.summarize_frame(pl.from_pandas(tx), as_of="2024-02-01").to_pandas()
    else:
        duckdb = pytest.importorskip("duckdb")
        got = fr.summarize_frame(duckdb.from_df(tx), as_of="2024-02-01").df()
    assert sorted(got["customer_id"].tolist()) == sorted(want)
    assert got["customer_id"].dtype.kind == "i"


def test_side_tables_of_duckdb_get_duckdbs_call() -> None:
    duckdb = pytest.importorskip("duckdb")
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    records = duckdb.from_df(pd.DataFrame({"customer_id": ["a"], "vip": [True]}))
    with pytest.raises(InputError, match=re.escape("frame.df()")):
        custseg.segment(tx, records=records, bins=2)


# --------------------------------------------------------------------------
# fitted edges and the exact comparisons that apply them


_NEAR_ONE = st.lists(
    st.one_of(
        st.integers(1, 9).map(lambda k: Decimal(f"1.00000000000000000{k}")),
        st.integers(2**53 - 3, 2**53 + 9).map(Decimal),
        st.sampled_from([Decimal("0.07"), Decimal("2"), Decimal("1")]),
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(values=_NEAR_ONE, bins=st.integers(2, 4))
def test_fitted_edges_score_as_the_fit_counted(
    values: list[Decimal], bins: int
) -> None:
    """Edges were fitted on the nearest doubles and applied exactly: values
    float64 rounds together, or onto an edge, fell on the other side, and the
    top score held more than its share."""
    n = len(values)
    ones = [1] * n
    fitted = custseg.rfm_scores(ones, ones, values, bins=bins)
    edges = custseg.rfm_edges(ones, ones, values, bins=bins)
    applied = custseg.rfm_scores(ones, ones, values, edges=edges)
    assert fitted.m.tolist() == applied.m.tolist()
    one = custseg.score(values, custseg.quantile_edges(values, bins)).tolist()
    for k in range(1, bins):  # the top k scores hold at most k / bins
        assert sum(s > bins - k for s in one) * bins <= k * n
    # equal values share a score
    for a, sa in zip(values, one, strict=True):
        for b, sb in zip(values, one, strict=True):
            assert a != b or sa == sb


@settings(max_examples=60, deadline=None)
@given(values=_NEAR_ONE)
def test_abc_edges_class_as_abc_classes(values: list[Decimal]) -> None:
    for basis in ("value", "rank"):
        cut = custseg.AbcCutoffs(0.5, 0.8, basis=basis)
        inside = (
            custseg.abc_classes(values, (0.5, 0.8), basis=basis).to_numpy().tolist()
        )
        edges = custseg.abc_edges(values, cut)
        applied = custseg.abc_classes(values, edges=edges).to_numpy().tolist()
        assert inside == applied


@settings(max_examples=30, deadline=None)
@given(
    cents=st.integers(1, 9999),
    many=st.integers(1000, 100000),
    few=st.integers(0, 3),
)
def test_pareto_figures_at_whole_customers_are_exact(
    cents: int, many: int, few: int
) -> None:
    value = cents / 100
    summary = custseg.pareto_summary([value] * many)
    assert summary.gini == 0.0
    assert summary.value_of_top_customers == 0.2
    assert summary.customers_for_value_share == 0.8
    assert summary.gini >= 0


# --------------------------------------------------------------------------
# the command line


def test_one_dimension_of_bins_keeps_the_rules_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main
    from custseg.datasets import simulate_transactions

    tx = tmp_path / "tx.csv"
    simulate_transactions(300, seed=3).to_csv(tx, index=False)
    ruleset = tmp_path / "b3.toml"
    ruleset.write_text(
        'format = 1\n[fields.r]\ntype = "integer"\n[scores]\nbins = 3\n'
        '[segments.hot]\ndefault = "cold"\nrules = [ { label = "hot", when = "r >= 3" } ]\n'
    )
    out = tmp_path / "o.csv"
    args = ["segment", str(tx), "--rules", str(ruleset), "--output", str(out)]
    assert main([*args, "--f-bins", "4"]) == 0
    table = pd.read_csv(out)
    assert (table["r"].max(), table["f"].max(), table["m"].max()) == (3, 4, 3)


def test_orders_netting_to_refunds_are_said_for_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    path = tmp_path / "neg.csv"
    path.write_text(
        "customer_id,order_id,date,amount\na,o1,2024-01-01,5\na,o1,2024-01-01,-10\n"
        "b,o2,2024-01-02,3\nb,o2,2024-01-02,-4\n"
    )
    assert main(["segment", str(path), "--order", "order_id"]) == 2
    err = capsys.readouterr().err
    assert "orders (their lines summed)" in err and "edges=" not in err


def test_a_date_and_time_split_by_the_separator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from custseg.cli import main

    path = tmp_path / "ws.txt"
    path.write_text("customer_id date amount\na 2024-01-05 10:00 5\n")
    assert main(["segment", str(path), "--sep", "whitespace"]) == 2
    assert "a date and its time are split" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("fmt", "as_of", "day"),
    [("%d/%m/%Y", "05/03/2024", "2024-03-05"), ("%Y%d%m", "2024-03-05", "2024-03-05")],
)
def test_as_of_is_read_with_the_date_format(fmt: str, as_of: str, day: str) -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["01/03/2024", "02/03/2024"],
            "amount": [1.0, 2.0],
        }
    )
    if fmt == "%Y%d%m":
        tx["date"] = ["20240101", "20240201"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(tx, as_of=as_of, date_format=fmt, bins=2)
    assert str(res.as_of)[:10] == day
    with pytest.raises(InputError, match="in the date format"):
        custseg.segment(tx, as_of="20240102", date_format="%Y%d%m", bins=2)


def test_status_warns_when_the_lifecycle_moves_alone(tmp_path: Path) -> None:
    """rules.md says a lifecycle moved without lost_days warns on every run:
    status and status_crm declared no stages, so they did not."""
    path = tmp_path / "moved.toml"
    path.write_text(
        'format = 1\nextends = "ecommerce"\n[tables.lifecycle]\n'
        "breaks = [60, 120, 240, 365]\n[scores]\nr = { edges = [30, 60, 120, 240] }\n"
        "[params]\nlapsing_days = 120\n"
    )
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-04-01", "2024-04-20"]
            ),
            "amount": [100.0, 100.0, 100.0, 50.0],
        }
    )
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        custseg.segment(tx, rules=str(path), as_of="2025-01-01")
    assert any("status: 1 customer" in str(w.message) for w in seen)


def test_report_charts_lay_out_the_shown_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart's names got their code points only in the finished SVG:
    the axis had room for the name as typed, and '\u202eyma' was cut to
    'eyma'. The chart is drawn with the names the table shows (the plot
    shows them before it lays them out)."""
    pytest.importorskip("matplotlib")
    from custseg import plot

    drawn: list[list[str]] = []
    original = plot.segment_sizes

    def recording(summary: Any, *args: Any, **kwargs: Any) -> Any:
        ax = original(summary, *args, **kwargs)
        drawn.append([t.get_text() for t in ax.get_yticklabels()])
        return ax

    monkeypatch.setattr(plot, "segment_sizes", recording)
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "date": ["2024-01-05", "2024-02-05", "2024-03-05"],
            "amount": [10.0, 20.0, 30.0],
        }
    )
    records = pd.DataFrame(
        {"customer_id": ["c1", "c2", "c3"], "owner": ["amy", "\u202eyma", "amy"]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        page = custseg.report(tx, records=records, as_of="2024-04-01").html
    assert "\u202e" not in page
    assert any("\\u202eyma" in names for names in drawn)
