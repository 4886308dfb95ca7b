"""Audit 19 (5 December 2026): parameters misused in silence or refused with
a bare Python exception (probes in /tmp/probes8/params).

Each test names the class of failure it guards and draws the family, not
only the probe's example:

1. two column arguments (customer=, date=, amount=) naming one column;
2. a bool among the capacities of a list, tuple, array or Series;
3. ``AbcCutoffs(basis="rank")`` with the value basis' defaults;
4. a ``fields=`` key of profile_completeness that names no column;
5. a NaN (or another non-text) given as a name: separators, band labels,
   field names, placeholders, sex values;
6. ``line_amounts(fields=...)`` unchecked;
7. bare exceptions from argument checks (column labels, file wrappers,
   counts past float64, NumPy integers in the testing kit);
8. parameters ignored in silence: bins beside edges, infinite aggregates,
   an encoding that is no text.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
import custseg.frame as fr
from custseg import testing as kit
from custseg.datasets import simulate_transactions
from custseg.errors import CustsegWarning, InputError, ThresholdError

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

_TX = pd.DataFrame(
    {
        "customer_id": [101, 101, 202, 303],
        "date": ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-05"],
        "amount": [10.0, 20.0, 5.0, 7.5],
        "q": [1, 2, 3, 1],
        "p": [1.5, 2.5, 3.5, 7.5],
        "inv": ["a", "b", "c", "d"],
    }
)


def _quiet(call, *args, **kwargs):
    """*call* with custseg's diagnostics (few customers) not turned into
    errors by the suite's filter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        return call(*args, **kwargs)


# --------------------------------------------------------------------------
# 1. customer=, date=, amount= naming one column: an InputError on every
# path (the ids summed as money, or every amount a customer, before)

_COLUMN_ARGS = ("customer", "date", "amount")
_PATHS = {
    "segment": lambda tx, **kw: custseg.segment(tx, as_of="2025-01-01", **kw),
    "summarize_frame": lambda tx, **kw: fr.summarize_frame(
        tx, as_of="2025-01-01", **kw
    ),
    "segment_frame": lambda tx, **kw: fr.segment_frame(tx, as_of="2025-01-01", **kw),
    "report": lambda tx, **kw: custseg.report(
        tx, as_of="2025-01-01", charts=False, **kw
    ),
}


@_SETTINGS
@given(
    pair=st.lists(st.sampled_from(_COLUMN_ARGS), min_size=2, max_size=2, unique=True),
    column=st.sampled_from(["customer_id", "date", "amount", "q"]),
    path=st.sampled_from(sorted(_PATHS)),
)
def test_two_column_arguments_naming_one_column_are_refused(pair, column, path):
    kwargs = dict.fromkeys(pair, column)
    with pytest.raises(InputError, match="is named by both"):
        _quiet(_PATHS[path], _TX, **kwargs)


@_SETTINGS
@given(
    one=st.sampled_from(["customer", "date"]),
    column=st.sampled_from(["customer_id", "date", "q", "p"]),
)
def test_quantity_and_price_columns_apart_from_customer_and_date(one, column):
    kwargs = {"quantity": "q", "price": "p", one: column}
    if column in ("q", "p"):  # named twice: refused
        with pytest.raises(InputError, match="is named by both"):
            _quiet(custseg.segment, _TX, as_of="2025-01-01", **kwargs)
    elif (one == "customer") == (column == "customer_id"):  # the right column
        res = _quiet(custseg.segment, _TX, as_of="2025-01-01", **kwargs)
        assert res.customers["monetary"].sum() == pytest.approx(
            float((_TX.q * _TX.p).sum())
        )
    else:  # customer="date" or date="customer_id": two roles, one column
        with pytest.raises(InputError, match="is named by both"):
            _quiet(custseg.segment, _TX, as_of="2025-01-01", **kwargs)


def test_the_amount_default_is_no_column_beside_quantity_and_price():
    # with quantity= and price=, amount= is not used: customer="amount" is fine
    tx = _TX.rename(columns={"customer_id": "amount_", "amount": "x"})
    tx = tx.rename(columns={"amount_": "amount"})
    res = _quiet(
        custseg.segment,
        tx,
        customer="amount",
        quantity="q",
        price="p",
        as_of="2025-01-01",
    )
    assert sorted(res.customers.index) == [101, 202, 303]


# --------------------------------------------------------------------------
# 2. a bool among capacities: refused in every container (NumPy read
# [True, 3] as [1, 3])

_STAFF = ("amy", "bo", "cy")


def _container(values, kind):
    if kind == "list":
        return list(values)
    if kind == "tuple":
        return tuple(values)
    if kind == "object array":
        return np.array(values, dtype=object)
    if kind == "series":
        return pd.Series(values, index=list(_STAFF), dtype=object)
    return dict(zip(_STAFF, values, strict=True))


@_SETTINGS
@given(
    caps=st.lists(st.integers(2, 9), min_size=3, max_size=3),
    where=st.integers(0, 2),
    flag=st.sampled_from([True, False, np.True_, np.False_]),
    kind=st.sampled_from(["list", "tuple", "object array", "series", "dict"]),
    call=st.sampled_from(["assign_owners", "reassign_neglected"]),
)
def test_a_bool_capacity_is_refused_in_every_container(caps, where, flag, kind, call):
    caps = list(caps)
    caps[where] = flag
    capacity = _container(caps, kind)
    value = [10.0] * 6
    owner = ["amy", "amy", "bo", "bo", "cy", "cy"]
    with pytest.raises(ThresholdError, match=rf"capacity\[{_STAFF[where]}\]"):
        if call == "assign_owners":
            custseg.assign_owners(
                value, list(_STAFF), current_owner=owner, capacity=capacity
            )
        else:
            custseg.reassign_neglected(
                value, owner, list(_STAFF), [False] * 6, capacity=capacity
            )


def test_a_bool_array_of_capacities_is_refused():
    # (audit 34: told a capacity is a whole number of customers, not a bool)
    with pytest.raises(ThresholdError, match="must be a whole number of customers"):
        custseg.assign_owners([1.0, 2.0], ["a", "b"], capacity=np.array([True, True]))


@_SETTINGS
@given(caps=st.lists(st.integers(2, 9), min_size=3, max_size=3))
def test_numeric_capacities_still_work(caps):
    r = custseg.assign_owners(
        [10.0] * 6,
        list(_STAFF),
        current_owner=["amy", "amy", "bo", "bo", "cy", "cy"],
        capacity=[np.int64(c) for c in caps],
    )
    assert r.workload()["capacity"].tolist() == [float(c) for c in caps]


# --------------------------------------------------------------------------
# 3. AbcCutoffs(basis="rank"): the rank defaults 20% / 50%, as abc_classes


def test_rank_cutoffs_default_to_20_and_50_percent():
    assert custseg.AbcCutoffs(basis="rank") == custseg.AbcCutoffs(0.2, 0.5, "rank")
    assert custseg.AbcCutoffs() == custseg.AbcCutoffs(0.8, 0.95, "value")
    assert custseg.AbcCutoffs(a=0.3, basis="rank").b == 0.5
    with pytest.raises(ThresholdError):
        custseg.AbcCutoffs(a=math.nan, basis="rank")


@_SETTINGS
@given(
    values=st.lists(st.integers(-5, 100), min_size=1, max_size=30).filter(
        lambda xs: any(x > 0 for x in xs)
    ),
    basis=st.sampled_from(["value", "rank"]),
)
def test_abc_edges_of_default_cutoffs_agree_with_abc_classes(values, basis):
    direct = custseg.abc_classes(values, basis=basis).to_numpy().tolist()
    edges = custseg.abc_edges(values, custseg.AbcCutoffs(basis=basis))
    fitted = custseg.abc_classes(values, edges=edges).to_numpy().tolist()
    assert fitted == direct


def test_segment_with_rank_cutoffs_uses_the_rank_defaults():
    tx = simulate_transactions(200, seed=3)
    res = _quiet(
        custseg.segment,
        tx,
        as_of="2025-01-01",
        abc_cutoffs=custseg.AbcCutoffs(basis="rank"),
    )
    want = custseg.abc_classes(res.customers["monetary"].to_numpy(), basis="rank")
    assert res.customers["abc"].astype(str).tolist() == want.to_numpy().tolist()


# --------------------------------------------------------------------------
# 4. profile_completeness(fields=...): a key that is no column is refused

_PROFILE_COLUMNS = ["姓名", "电话", "年龄", "职业", "hobbies"]


@_SETTINGS
@given(
    present=st.lists(st.sampled_from(_PROFILE_COLUMNS), min_size=1, unique=True),
    typo=st.text(min_size=1, max_size=4).filter(lambda t: t not in _PROFILE_COLUMNS),
    field=st.sampled_from(["name", "phone", "age"]),
)
def test_a_fields_key_naming_no_column_is_refused(present, typo, field):
    profile = {c: ["x", None] for c in present}
    with pytest.raises(ThresholdError, match="has no column"):
        custseg.profile_completeness(profile, fields={typo: field})


def test_a_mistyped_column_is_named_with_the_closest_one():
    prof = pd.DataFrame({"姓名": ["Li", "Wang"], "电话": ["138", "139"]})
    with pytest.raises(ThresholdError, match="did you mean '姓名'"):
        custseg.profile_completeness(
            prof,
            hard=("name", "phone"),
            soft=(),
            weights=(1, 0),
            fields={"姓明": "name", "电话": "phone"},
        )


# --------------------------------------------------------------------------
# 5. a NaN given as a name becomes no name "nan"

_BAD_NAMES = [math.nan, np.float64("nan"), math.inf, -math.inf, None]
_NUMBERS = [1, 2.5, np.int64(3)]


@_SETTINGS
@given(
    bad=st.sampled_from(_BAD_NAMES + _NUMBERS),
    where=st.integers(0, 2),
)
def test_separators_are_text(bad, where):
    seps = [",", ";", "|"]
    seps[where] = bad
    with pytest.raises(ThresholdError, match=rf"'sep\[{where}\]'"):
        custseg.tags_from_values(["banana", "kiwi;1"], sep=tuple(seps))


@_SETTINGS
@given(bad=st.sampled_from(_BAD_NAMES + _NUMBERS), where=st.integers(0, 2))
def test_completeness_band_labels_are_text(bad, where):
    res = custseg.profile_completeness(
        {"name": ["Li", None]}, hard=["name"], soft=[], weights=(1, 0)
    )
    labels = ["poor", "fair", "good"]
    labels[where] = bad
    with pytest.raises(ThresholdError, match=rf"'labels\[{where}\]'"):
        res.band((0.4, 0.8), tuple(labels))


@_SETTINGS
@given(
    bad=st.sampled_from(_BAD_NAMES),
    where=st.integers(0, 1),
    param=st.sampled_from(["hard", "soft", "placeholders"]),
)
def test_profile_names_refuse_nan(bad, where, param):
    names = {"hard": ["name", "phone"], "soft": ["hobbies", "family"]}
    names["placeholders"] = ["n/a", "--"]
    names[param][where] = bad
    with pytest.raises(ThresholdError, match=rf"'{param}\[{where}\]'"):
        custseg.profile_completeness({"name": ["Li"]}, **names)


@_SETTINGS
@given(
    bad=st.sampled_from(_BAD_NAMES),
    where=st.integers(0, 1),
    param=st.sampled_from(["boy_values", "girl_values"]),
)
def test_sex_values_refuse_nan(bad, where, param):
    values = {"boy_values": ["m", "boy"], "girl_values": ["f", "girl"]}
    values[param][where] = bad
    with pytest.raises(ThresholdError, match=rf"'{param}\[{where}\]'"):
        custseg.LifeStageWindows(**values)


def test_numbers_stay_names_where_they_were():
    w = custseg.LifeStageWindows(boy_values=(1,), girl_values=(2,))
    assert (w.boy_values, w.girl_values) == (("1",), ("2",))
    res = custseg.profile_completeness({"7": ["x"]}, hard=[7], soft=[], weights=(1, 0))
    assert res.score.tolist() == [1.0]


# --------------------------------------------------------------------------
# 6. line_amounts(fields=...): two different names, and every check kept


@_SETTINGS
@given(name=st.text(min_size=1, max_size=5))
def test_line_amounts_fields_naming_one_name_twice_are_refused(name):
    q = pd.Series([1, 2], index=[0, 1])
    p = pd.Series([1.5, 2.5], index=[1, 0])
    with pytest.raises(ThresholdError, match="two different names"):
        custseg.line_amounts(q, p, fields=(name, name))


@_SETTINGS
@given(
    fields=st.one_of(
        st.none(),
        st.just("qp"),
        st.lists(st.text(min_size=1), min_size=0, max_size=1).map(tuple),
        st.lists(st.text(min_size=1), min_size=3, max_size=4, unique=True).map(tuple),
        st.tuples(st.integers(), st.integers()),
        st.tuples(st.just("q"), st.sampled_from([None, math.nan, 1.0])),
    )
)
def test_line_amounts_fields_must_be_two_texts(fields):
    with pytest.raises(ThresholdError, match="'fields"):
        custseg.line_amounts([1], [1.0], fields=fields)


@_SETTINGS
@given(
    names=st.lists(
        st.text(min_size=1, max_size=5), min_size=2, max_size=2, unique=True
    ),
    n_q=st.integers(1, 4),
    n_p=st.integers(1, 4),
)
def test_line_amounts_checks_hold_with_any_field_names(names, n_q, n_p):
    fields = tuple(names)
    if n_q != n_p:
        with pytest.raises(InputError, match="rows"):
            custseg.line_amounts([1] * n_q, [1.5] * n_p, fields=fields)
    q = pd.Series(range(1, n_q + 1))
    p = pd.Series([1.5] * n_q, index=list(reversed(range(n_q))) if n_q > 1 else [9])
    with pytest.raises(InputError, match="different index"):
        custseg.line_amounts(q, p, fields=fields)


# --------------------------------------------------------------------------
# 7. bare exceptions from argument checks


@_SETTINGS
@given(
    arg=st.sampled_from(["order", "quantity", "price", "customer", "date", "amount"]),
    label=st.sampled_from([["inv"], {"q": 1}, np.array(["q"]), pd.Series(["q"])]),
)
def test_unhashable_column_arguments_are_input_errors(arg, label):
    kwargs = {arg: label}
    if arg == "quantity":
        kwargs["price"] = "p"
    if arg == "price":
        kwargs["quantity"] = "q"
    with pytest.raises(InputError, match=f"'{arg}' must be one column label"):
        _quiet(custseg.segment, _TX, as_of="2025-01-01", **kwargs)


@_SETTINGS
@given(
    column=st.one_of(st.just(["s"]), st.just({"s"}), st.just(math.nan), st.just(pd.NA))
)
def test_transition_matrix_column_must_be_one_label(column):
    frame = pd.DataFrame({"s": ["a"]})
    with pytest.raises(InputError, match="'column'"):
        custseg.transition_matrix(frame, frame, column=column)


@_SETTINGS
@given(name=st.text(min_size=1, max_size=4).filter(lambda t: t != "x"))
def test_transition_matrix_mapping_without_the_column(name):
    with pytest.raises(InputError, match="has no column"):
        custseg.transition_matrix({"x": ["a"]}, {"x": ["b"]}, column=name)


_NOT_PATHS = [3, 2.5, None, b"tx.csv", ["tx.csv"], True]


@pytest.mark.parametrize("bad", _NOT_PATHS, ids=repr)
def test_file_wrappers_refuse_what_is_no_path(bad, tmp_path):
    df = pd.DataFrame({"x": [1]})
    with pytest.raises(InputError, match="'path' must be a file path"):
        fr.table_format(bad)
    with pytest.raises(InputError, match="'path' must be a file path"):
        fr.read_table(bad)
    with pytest.raises(InputError, match="'path' must be a file path"):
        fr.write_table(df, bad)


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("customer_id,amount\n007,1.5\n7,2\n")
    return path


@pytest.mark.parametrize("bad", [None, 0, 2.5, b"customer_id", {"customer_id": 1}])
def test_read_table_text_columns_must_be_names(bad, csv_file):
    with pytest.raises(InputError, match="'text_columns'"):
        fr.read_table(csv_file, text_columns=bad)


@pytest.mark.parametrize("good", ["customer_id", ["customer_id"], ("customer_id",)])
def test_read_table_text_columns_still_read(good, csv_file):
    assert fr.read_table(csv_file, text_columns=good).customer_id.tolist() == [
        "007",
        "7",
    ]


@pytest.mark.parametrize("bad", [3, 2.5, True, [","], b","])
def test_read_table_sep_must_be_text(bad, csv_file):
    with pytest.raises(InputError, match="'sep'"):
        fr.read_table(csv_file, sep=bad)


def test_write_table_refuses_what_is_no_frame(tmp_path):
    for bad in ([1, 2], {"x": [1]}, pd.Series([1]), None):
        with pytest.raises(InputError, match="'df' must be a pandas DataFrame"):
            fr.write_table(bad, tmp_path / "w.csv")


@pytest.mark.parametrize("bad", [3, 2.5, True, {"revenue": 1}])
def test_write_table_as_read_must_be_names(bad, tmp_path):
    df = pd.DataFrame({"revenue": [0.125]})
    with pytest.raises(InputError, match="'as_read'"):
        fr.write_table(df, tmp_path / "w.csv", as_read=bad)


def test_write_table_as_read_one_name_is_that_column(tmp_path):
    df = pd.DataFrame({"revenue": [0.125]})
    path = tmp_path / "w.csv"
    fr.write_table(df, path, as_read="revenue")
    assert path.read_text() == "revenue\n0.125\n"


@pytest.mark.parametrize(
    "bad", [["2024-01-01"], np.array(["2024-01-01"]), "2024-01-01", None]
)
def test_parse_date_column_needs_a_series(bad):
    with pytest.raises(InputError, match="'col' must be a pandas Series"):
        fr.parse_date_column(bad, "d")


@pytest.mark.parametrize("bad", [1, 0, "yes", None])
def test_parse_date_column_keep_offset_is_a_flag(bad):
    with pytest.raises(ThresholdError, match="keep_offset"):
        fr.parse_date_column(pd.Series(["2024-01-01"]), "d", keep_offset=bad)


@pytest.mark.parametrize("n", [10**400, 10**20, 10**9 + 1, 2**63])
def test_simulate_transactions_counts_past_the_limit(n):
    with pytest.raises(ThresholdError, match="n_customers"):
        custseg.datasets.simulate_transactions(n)


_INT_TYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64]


@_SETTINGS
@given(
    data=st.data(),
    kind=st.sampled_from(_INT_TYPES),
    lo=st.integers(0, 3),
    extra=st.integers(0, 3),
    which=st.sampled_from(["scores", "customer_facts"]),
)
def test_testing_strategies_take_numpy_integers(data, kind, lo, extra, which):
    strategy = getattr(kit, which)(min_rows=kind(lo), max_rows=kind(lo + extra))
    frame = data.draw(strategy)
    assert lo <= len(frame) <= lo + extra


@_SETTINGS
@given(data=st.data(), kind=st.sampled_from(_INT_TYPES))
def test_testing_transactions_take_numpy_integers(data, kind):
    strategy = kit.transactions(
        min_customers=kind(1), max_customers=kind(3), max_rows=kind(6), days=kind(5)
    )
    frame = data.draw(strategy)
    assert 1 <= len(frame) <= 6


def test_testing_counts_still_refuse_bools():
    for bad in (True, np.True_, 2.0, "3"):
        with pytest.raises(ThresholdError, match="min_rows"):
            kit.scores(min_rows=bad)


# --------------------------------------------------------------------------
# 8. parameters ignored in silence


@pytest.fixture(scope="module")
def first():
    tx = simulate_transactions(300, seed=4)
    return tx, _quiet(custseg.segment, tx, as_of="2025-01-01")


@_SETTINGS
@given(
    bins=st.one_of(
        st.integers(2, 9),
        st.tuples(st.integers(2, 9), st.integers(2, 9), st.integers(2, 9)),
    )
)
def test_bins_beside_edges_of_other_bins_are_refused(first, bins):
    tx, res = first
    same = bins == 5 or bins == (5, 5, 5)
    for call in (
        lambda: res.apply(tx, as_of="2025-01-01", bins=bins),
        lambda: custseg.segment(tx, as_of="2025-01-01", bins=bins, edges=res.edges),
        lambda: fr.segment_frame(
            tx, as_of="2025-01-01", bins=bins, rfm_edges=res.edges
        ),
    ):
        if same:
            out = _quiet(call)
            if hasattr(out, "edges"):
                assert out.edges == res.edges
        else:
            with pytest.raises(ThresholdError, match=r"give bins or (rfm_)?edges"):
                _quiet(call)


def test_apply_with_new_bins_and_no_edges_fits_them(first):
    tx, res = first
    out = _quiet(res.apply, tx, as_of="2025-01-01", bins=3, edges=None)
    assert out.edges.frequency.bins == 3 or out.edges.recency.bins == 3


def test_segment_frame_edges_of_three_bins_need_no_bins(first):
    tx, res = first
    edges = custseg.rfm_edges(
        res.customers.recency_days.dropna(),
        res.customers.frequency[res.customers.frequency > 0],
        res.customers.monetary[res.customers.frequency > 0],
        bins=3,
    )
    out = _quiet(fr.segment_frame, tx, as_of="2025-01-01", rfm_edges=edges)
    assert out["r"].max() <= 3


@_SETTINGS
@given(
    value=st.sampled_from([math.inf, -math.inf, np.float64("inf"), np.float32("-inf")])
)
def test_infinite_aggregates_are_refused(first, value):
    tx, _ = first
    res = _quiet(custseg.segment, tx, as_of="2025-01-01", preset="ecommerce")
    if not res.aggregates:
        pytest.skip("the preset reads no aggregate")
    key = next(iter(res.aggregates))
    with pytest.raises(InputError, match="not a finite number"):
        _quiet(res.apply, tx, as_of="2025-01-01", aggregates={key: value})


@pytest.mark.parametrize("bad", [True, 3, b"utf-8", ["utf-8"], "no-such-codec"])
def test_encoding_is_checked_without_a_path(bad):
    with pytest.raises(InputError, match="'encoding'"):
        _quiet(custseg.segment, _TX, as_of="2025-01-01", encoding=bad)


def test_encoding_text_still_works_without_a_path():
    res = _quiet(custseg.segment, _TX, as_of="2025-01-01", encoding="gbk")
    assert len(res) == 3
