"""Audit 33, migration tracking (round 3).

1. ``custseg migrate`` left out, without a word, a label column both files
   have when it was empty in one of them, or when its labels were numbers
   (a rules table's ``1`` and ``2``) in CSV files, while the same runs saved
   as Parquet compared it; the error then said the files shared no label
   column and, in the same sentence, that they shared it.
2. A whole float class (``1.0``, named ``1``) never met the text pandas
   writes for it (``"1.0"``), in ``transition_matrix`` and in ``custseg
   migrate`` (a Parquet float column beside a CSV text one): every such
   customer counted as moved, without a warning.
3. A DuckDB relation crashed ``transition_matrix`` with duckdb's own
   ``TypeError``; a Dask DataFrame got a shape message.
4. Object ids mixing integers and floats were refused in pandas' words
   (``mixed-integer-float``), with a fix that ended in a silent split
   (``2.0`` made the text ``"2.0"`` against ``"2"``); Decimal ids likewise.
5. A frame with a named index (a table's row id) and a ``customer_id``
   column was paired by the index, the column ignored without a word.
"""

from __future__ import annotations

import contextlib
import decimal
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custseg import transition_matrix
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError

_IDS = [f"c{i}" for i in range(8)]


def _migrate(folder: Path, before: str, after: str, *extra: str) -> tuple[int, str]:
    """``custseg migrate`` of two files of *folder*: its exit status and
    stderr (stdout dropped)."""
    err = io.StringIO()
    argv = ["migrate", str(folder / before), str(folder / after), *extra]
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def _long(path: Path) -> dict[tuple[str, str, str], int]:
    """The ``--output`` table as {(column, before, after): customers}."""
    table = (
        pd.read_parquet(path)
        if path.suffix == ".parquet"
        else pd.read_csv(path, dtype=str, keep_default_na=False)
    )
    return {
        (str(r.column), str(r.before), str(r.after)): int(r.customers)
        for r in table.itertuples()
    }


def _oracle(
    column: str, before: dict[str, str | None], after: dict[str, str | None]
) -> dict[tuple[str, str, str], int]:
    """The pairs some customer made, by a plain outer join of the two runs
    (a missing label is the class ``missing``)."""
    joined = pd.DataFrame({"b": pd.Series(before), "a": pd.Series(after)}, dtype=object)
    joined["b"] = joined["b"].where(joined.index.isin(list(before)), "(new)")
    joined["a"] = joined["a"].where(joined.index.isin(list(after)), "(gone)")
    joined = joined.fillna("missing")
    counts = joined.groupby(["b", "a"]).size()
    return {(column, str(b), str(a)): int(n) for (b, a), n in counts.items()}


def _write(path: Path, labels: dict[str, str | None], column: str) -> None:
    """One run: the customer id, a stage column, and *column* (text; in
    Parquet a dictionary of text, as ``custseg segment`` writes a rules
    table's labels)."""
    df = pd.DataFrame(
        {
            "customer_id": list(labels),
            "stage": ["a"] * len(labels),
            column: pd.Series(list(labels.values()), dtype=object),
        }
    )
    if path.suffix == ".parquet":
        df[column] = df[column].astype("category")
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False)


_LABEL = st.one_of(st.none(), st.sampled_from(["1", "2", "3", "10"]))


# --------------------------------------------------------------------------
# 1. every label column both files have is compared, whatever the format


@settings(max_examples=25, deadline=None)
@given(
    before=st.dictionaries(st.sampled_from(_IDS), _LABEL, min_size=1),
    after=st.dictionaries(st.sampled_from(_IDS), _LABEL, min_size=1),
    empty=st.sampled_from(["none", "before", "after"]),
    formats=st.sampled_from(
        [(".csv", ".csv"), (".parquet", ".parquet"), (".csv", ".parquet")]
    ),
)
def test_label_column_compared_whether_empty_or_numbers_in_any_format(
    tmp_path_factory: pytest.TempPathFactory,
    before: dict[str, str | None],
    after: dict[str, str | None],
    empty: str,
    formats: tuple[str, str],
) -> None:
    """A label column of number-like labels (``1``, ``10``), empty in one
    run or not, saved as CSV or Parquet: compared by default, its counts
    those of a plain outer join (the empty side's labels missing)."""
    if ".parquet" in formats:
        pytest.importorskip("pyarrow")
    folder = tmp_path_factory.mktemp("m")
    if empty == "before":
        before = dict.fromkeys(before)
    elif empty == "after":
        after = dict.fromkeys(after)
    # (empty in both: no label to tell it a label column; said in a warning)
    assume(any(x is not None for x in [*before.values(), *after.values()]))
    _write(folder / f"jun{formats[0]}", before, "band")
    _write(folder / f"dec{formats[1]}", after, "band")
    out = folder / "moves.csv"
    code, _ = _migrate(
        folder, f"jun{formats[0]}", f"dec{formats[1]}", "--output", str(out)
    )
    assert code == 0
    got = {k: n for k, n in _long(out).items() if k[0] == "band"}
    assert got == _oracle("band", before, after)


def test_empty_column_compared_and_shown(tmp_path: Path) -> None:
    """The worked example: nobody had a tier in June; in December c1 is
    gold and c2 silver. The move from missing is shown, with no --column."""
    (tmp_path / "e1.csv").write_text("customer_id,tier,stage\nc1,,a\nc2,,b\n")
    (tmp_path / "e2.csv").write_text("customer_id,tier,stage\nc1,gold,a\nc2,silver,b\n")
    out = tmp_path / "o.csv"
    code, err = _migrate(tmp_path, "e1.csv", "e2.csv", "--output", str(out))
    assert code == 0 and err == ""
    assert _long(out)[("tier", "missing", "gold")] == 1
    # the only shared column, empty in one file: compared, never an error
    (tmp_path / "e3.csv").write_text("customer_id,tier\nc1,\nc2,\n")
    (tmp_path / "e4.csv").write_text("customer_id,tier\nc1,gold\nc2,silver\n")
    code, err = _migrate(tmp_path, "e3.csv", "e4.csv", "--output", str(out))
    assert code == 0
    assert _long(out)[("tier", "missing", "silver")] == 1


def test_column_left_out_is_said(tmp_path: Path) -> None:
    """A column both files have that is not compared (numbers that are not
    whole, or empty in both) is named in a warning; when it is the only
    one, the error says why, names the file once (no doubled quotes) and
    asks for --column."""
    (tmp_path / "m1.csv").write_text("customer_id,score,stage\nc1,1.5,a\nc2,2.5,b\n")
    (tmp_path / "m2.csv").write_text("customer_id,score,stage\nc1,1.25,a\nc2,2.5,b\n")
    code, err = _migrate(tmp_path, "m1.csv", "m2.csv")
    assert code == 0
    assert "'score' (numbers not all whole, a measure in both)" in err
    assert "--column score" in err
    (tmp_path / "n1.csv").write_text("customer_id,score,tier\nc1,1.5,\nc2,2.5,\n")
    (tmp_path / "n2.csv").write_text("customer_id,score,tier\nc1,1.25,\nc2,2.5,\n")
    code, err = _migrate(tmp_path, "n1.csv", "n2.csv")
    assert code == 2
    assert "\"BEFORE '" not in err
    assert "'tier' (empty in both)" in err and "--column score" in err


# --------------------------------------------------------------------------
# 2. a whole float and the text pandas writes for it: one class


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([1.0, 1.5, 2.0, -3.0, 0.25, 1e16, np.nan]),
        min_size=1,
        max_size=8,
    ),
    text_first=st.booleans(),
)
def test_floats_meet_their_csv_text(values: list[float], text_first: bool) -> None:
    """A period kept as floats and the same period read back from its CSV
    file as text: every customer stays (a warning says the text was read
    as the numbers whenever a whole float was)."""
    ids = pd.Index([f"c{i}" for i in range(len(values))], name="customer_id")
    floats = pd.Series(values, index=ids, name="rating")
    text = pd.read_csv(io.StringIO(floats.to_csv()), dtype=str).set_index(
        "customer_id"
    )["rating"]
    pair = (text, floats) if text_first else (floats, text)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        tm = transition_matrix(*pair)
    assert tm.stayed == 1.0
    whole = [x for x in values if x == x and float(x).is_integer()]
    said = [str(w.message) for w in seen if issubclass(w.category, CustsegWarning)]
    assert bool(whole) == any("as pandas writes" in m for m in said)


def test_floats_meet_their_csv_text_worked_example(tmp_path: Path) -> None:
    """The report's example: through the API (100% stayed) and custseg
    migrate with a Parquet June (75%, as with a CSV June)."""
    pytest.importorskip("pyarrow")
    jun = pd.Series(
        [1.0, 1.5, 2.0], index=pd.Index(["a", "b", "c"], name="customer_id"), name="r"
    )
    back = pd.read_csv(io.StringIO(jun.to_csv()), dtype=str).set_index("customer_id")
    with pytest.warns(CustsegWarning, match="'1.0' is 1, '2.0' is 2"):
        assert transition_matrix(jun, back["r"]).stayed == 1.0
    df = pd.DataFrame({"customer_id": list("abcd"), "rating": [1.0, 1.5, 2.5, 1.0]})
    df.to_csv(tmp_path / "rj.csv", index=False)
    df.to_parquet(tmp_path / "rj.parquet", index=False)
    (tmp_path / "rd.csv").write_text("customer_id,rating\na,1.0\nb,1.5\nc,n/a\nd,1.0\n")
    tables = []
    for june in ("rj.csv", "rj.parquet"):
        out = tmp_path / f"{june}.out.csv"
        code, _ = _migrate(
            tmp_path, june, "rd.csv", "--column", "rating", "--output", str(out)
        )
        assert code == 0
        got = _long(out)
        tables.append(sum(n for (_, b, a), n in got.items() if b == a))
    assert tables == [3, 3]


def test_one_number_written_two_ways_is_warned() -> None:
    """Text written another way than pandas writes (``01``, ``1.50``) stays
    a class of its own, and a warning names the pair."""
    with pytest.warns(CustsegWarning, match="'1' before and '01' after are one number"):
        tm = transition_matrix(["1", "2"], ["01", "2"])
    assert tm.stayed == 0.5


# --------------------------------------------------------------------------
# 3. frames of other libraries


@pytest.mark.parametrize("library", ["duckdb", "dask"])
def test_other_frames_refused_with_their_call(library: str) -> None:
    """A DuckDB relation and a Dask DataFrame get the InputError Polars and
    Arrow get, with the call that makes pandas of them; that call works."""
    jan = pd.DataFrame({"customer_id": ["c1", "c2"], "tier": ["a", "b"]})
    feb = pd.DataFrame({"customer_id": ["c2", "c1"], "tier": ["b", "a"]})
    if library == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        b, a, call = duckdb.from_df(jan), duckdb.from_df(feb), "df"
    else:
        dd = pytest.importorskip("dask.dataframe")
        b = dd.from_pandas(jan, npartitions=1)
        a = dd.from_pandas(feb, npartitions=1)
        call = "compute"
    for kw in ({}, {"column": "tier"}):
        with pytest.raises(
            InputError, match=rf"'before' is a {library} .*before\.{call}\(\)"
        ):
            transition_matrix(b, a, **kw)
    assert (
        transition_matrix(getattr(b, call)(), getattr(a, call)(), column="tier").stayed
        == 1.0
    )


# --------------------------------------------------------------------------
# 4. ids of integers and floats in one object index


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=6, unique=True),
    floats=st.lists(st.booleans(), min_size=6, max_size=6),
    order=st.permutations(range(6)),
)
def test_mixed_int_float_ids_pair_by_value(
    ids: list[int], floats: list[bool], order: list[int]
) -> None:
    """Object ids holding integers and whole floats (JSON, a spreadsheet)
    meet the same customers as integers, whatever the order."""
    mixed = [float(x) if f else x for x, f in zip(ids, floats, strict=False)]
    labels = [f"k{i % 3}" for i in range(len(ids))]
    before = pd.Series(labels, index=pd.Index(mixed, dtype=object))
    pos = [p for p in order if p < len(ids)]
    after = pd.Series([labels[p] for p in pos], index=pd.Index([ids[p] for p in pos]))
    tm = transition_matrix(before, after)
    assert (tm.n_both, tm.stayed) == (len(ids), 1.0)


def test_mixed_ids_worked_example_and_decimals() -> None:
    """1 and 2.0 pair with 1 and 2; 2.5 beside text is refused with a fix
    that pairs them (never .astype(str) on floats); Decimal ids get a fix
    in custseg's words, which, followed, pairs them."""
    before = pd.Series(["gold", "silver"], index=pd.Index([1, 2.0], dtype=object))
    after = pd.Series(["gold", "silver"], index=pd.Index([1, 2]))
    assert transition_matrix(before, after).stayed == 1.0
    text = after.set_axis(["1", "2.5"])
    floats = before.set_axis(pd.Index([1, 2.5], dtype=object))
    with pytest.raises(InputError, match=r"after\.index\.astype\(float\)") as err:
        transition_matrix(floats, text)
    assert "astype(str)" not in str(err.value)
    text.index = text.index.astype(float)
    assert transition_matrix(floats, text).stayed == 1.0
    for values, call in (([1, 2], "int"), (["1.5", "2"], "float")):
        dec = before.set_axis(
            pd.Index([decimal.Decimal(x) for x in values], dtype=object)
        )
        ints = after.set_axis(pd.Index([1.5, 2.0] if call == "float" else [1, 2]))
        with pytest.raises(
            InputError, match=rf"decimals.*before\.index\.map\({call}\)"
        ):
            transition_matrix(dec, ints)
        dec.index = dec.index.map(int if call == "int" else float)
        assert transition_matrix(dec, ints).stayed == 1.0


# --------------------------------------------------------------------------
# 5. a named index beside a customer_id column


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(1, 6),
    name=st.sampled_from(["id", "row", 0]),
    shuffle=st.permutations(range(6)),
)
def test_named_index_beside_customer_column_refused(
    n: int, name: object, shuffle: list[int]
) -> None:
    """Whatever the index's name (not customer_id) and the rows, the frame
    is refused naming both; each fix it offers pairs by what it says."""
    who = [f"p{i}" for i in range(n)]
    jan = pd.DataFrame({"id": range(n), "customer_id": who, "tier": who})
    order = [i for i in shuffle if i < n]
    feb = jan.iloc[order].assign(id=range(n))
    jan, feb = (
        jan.set_index("id").rename_axis(name),
        feb.set_index("id").rename_axis(name),
    )
    with pytest.raises(InputError, match=r"index named .* and a 'customer_id' column"):
        transition_matrix(jan, feb, column="tier")
    by_customer = transition_matrix(
        jan.set_index("customer_id"), feb.set_index("customer_id"), column="tier"
    )
    assert by_customer.stayed == 1.0
    by_index = transition_matrix(
        jan.drop(columns="customer_id"), feb.drop(columns="customer_id"), column="tier"
    )
    assert by_index.stayed == np.mean(
        [a == b for a, b in zip(range(n), order, strict=False)]
    )


def test_named_index_worked_example() -> None:
    """pd.read_sql(..., index_col="id") with a customer_id column."""
    jan = pd.DataFrame(
        {"id": [1, 2], "customer_id": ["ann", "bob"], "tier": ["gold", "silver"]}
    ).set_index("id")
    feb = pd.DataFrame(
        {"id": [1, 2], "customer_id": ["bob", "ann"], "tier": ["silver", "gold"]}
    ).set_index("id")
    with pytest.raises(InputError, match=r"before\.set_index\('customer_id'\)"):
        transition_matrix(jan, feb, column="tier")
    # indexed by the customer id itself, the column beside it is left alone
    indexed = jan.set_index("customer_id", drop=False)
    assert transition_matrix(indexed, indexed, column="tier").stayed == 1.0
