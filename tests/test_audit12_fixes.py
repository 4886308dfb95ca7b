"""Fixes of the twelfth audit and of the eleventh audit's leftovers.

* Text that is not UTF-8 (lone surrogates, from files decoded with
  ``errors="surrogateescape"``) as customer ids or as class, tag, group and
  action names reaches pandas as an ``object`` index instead of failing in
  pandas' Arrow strings: every ``to_pandas`` built from such text.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

_DATES = ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-05"]
_AMOUNTS = [10.0, 20.0, 30.0, 40.0]

surrogate_text = st.builds(
    lambda stem, code: stem + chr(code),
    st.text(alphabet="abcxyz", max_size=3),
    st.integers(0xD800, 0xDFFF),
)


def _frame(result):
    for method in ("to_pandas", "to_frame"):
        if hasattr(result, method):
            return getattr(result, method)()
    return result


@settings(max_examples=25, deadline=None)
@given(bad=surrogate_text)
def test_text_that_is_not_utf8_reaches_pandas(bad):
    """Each path keeps the text as given, in an object index or categories."""
    ids = [bad, "b-ok", bad, "c-ok"]
    facts = custseg.summarize(ids, _DATES, _AMOUNTS, as_of="2024-04-01")
    history = custseg.segment_history(
        ids, _DATES, _AMOUNTS, ["2024-03-02", "2024-04-01"], bins=2
    ).to_pandas()
    assert bad in set(history.index.get_level_values("customer_id"))
    assert len(history) == 5  # 2 customers at the first date, 3 at the second

    names = [bad, "x-ok", "x-ok"]
    checks = {
        "transition": (custseg.transition_matrix([bad, "x"], ["x", bad]), "before"),
        "tags": (custseg.tags_from_values(names), "columns"),
        "overlaps": (custseg.group_overlaps(custseg.tags_from_values(names)), "index"),
        "groups": (
            # (on the facts' ids: tags without ids are refused beside them)
            custseg.group_summary(
                custseg.TagMatrix(
                    (tags := custseg.tags_from_values(names)).names,
                    tags.matrix,
                    index=facts.customer_id,
                ),
                facts,
            ),
            "index",
        ),
        "nps": (custseg.nps([9, 3, 10], by=names), "index"),
        "labels": (custseg.Labels(np.array([0, 1, 1]), [bad, "x-ok"]), "values"),
        "owners": (
            custseg.assign_owners([1.0, 2.0], [bad, "o-ok"], customer_id=[bad, "b"]),
            "owner",
        ),
    }
    for what, (result, where) in checks.items():
        frame = _frame(result)
        if where == "before":
            found = set(frame["before"])
        elif where == "owner":
            found = set(frame["owner"]) | set(frame.index)
        elif where == "values":
            found = set(frame)
        else:
            found = set(getattr(frame, where))
        assert bad in found, what


def test_plain_text_keeps_pandas_string_dtype():
    """The fallback is for text pandas refuses only: ordinary names keep
    pandas' own inference (``str``), as before."""
    frame = custseg.tags_from_values(["vip", "new", None]).to_pandas()
    assert frame.columns.dtype != object
    cats = custseg.Labels(np.array([0, 1]), ["a", "b"]).to_categorical()
    assert cats.categories.dtype != object


@pytest.mark.parametrize(
    ("declared", "read"), [("\uf900", "\u8c48"), ("ﬁeld", "field"), ("ｖ", "v")]
)
def test_apply_rules_names_the_nfkc_spelling(declared: str, read: str) -> None:
    """apply_rules on a frame whose column is the field only once
    NFKC-normalised names both spellings (it said "run segment_frame first")."""
    import pandas as pd

    from custseg import rules
    from custseg.frame import apply_rules

    rs = rules.loads(
        f'format = 1\n[fields]\n"{declared}" = {{ type = "number" }}\n'
        f'[segments.s]\ndefault = "z"\nrules = [{{ label = "l", when = "{declared} > 1" }}]\n'
    )
    with pytest.raises(custseg.InputError, match="NFKC") as info:
        apply_rules(pd.DataFrame({declared: [5.0]}), rs)
    assert f"rename the column to {read!r}" in str(info.value)
    assert f"U+{ord(declared[0]):04X}" in str(info.value)
    # the column under the name the rules read is found as before
    out = apply_rules(pd.DataFrame({read: [5.0, 0.0]}), rs)
    assert out["s"].tolist() == ["l", "z"]


def test_cli_summary_prints_spine_classes_in_chinese():
    """`custseg segment --lang zh` printed relationship and present classes in
    English beside the rules' Chinese labels; the report() text now uses the
    HTML report's names, and leaves every other language as it is."""
    import custseg.cli as cli
    from custseg.datasets import simulate_contacts, simulate_customers
    from custseg.datasets import simulate_transactions as sim
    from custseg.frame import segment

    tx = sim(60, seed=2)
    kw = {
        "records": simulate_customers(tx, seed=2),
        "contacts": simulate_contacts(tx, seed=2),
        "preset": "ecommerce",
    }
    seg = segment(tx, lang="zh", **kw).customers
    # (audit 38: segment(lang="zh") names the relationship column in
    # Chinese itself; the English run names it in English)
    seg_en = segment(tx, **kw).customers
    zh = cli.report(seg, ["relationship"], lang="zh")
    en = cli.report(seg_en, ["relationship"])
    assert "基本型" in zh and "basic" not in zh
    assert "basic" in en and "基本型" not in en
    assert cli.report(seg_en, ["relationship"], lang="ja") == en
    # the same rows, only the names differ
    assert len(zh.splitlines()) == len(en.splitlines())


@pytest.mark.parametrize("bad", [np.timedelta64(3, "D"), np.datetime64(3, "D"), True])
def test_simulators_refuse_non_integers(bad):
    """seed and n_customers took a np.timedelta64 (NumPy calls it an integer)."""
    from custseg.datasets import simulate_transactions

    with pytest.raises(custseg.ThresholdError, match="'seed'"):
        simulate_transactions(10, seed=bad)
    with pytest.raises(custseg.ThresholdError, match="'n_customers'"):
        simulate_transactions(bad)


_NAMES = ["José", "Nguyễn", "Zoë", "Ångström", "Chloé"]


@settings(max_examples=10, deadline=None)
@given(
    name=st.sampled_from(_NAMES),
    change=st.sampled_from(["NFD", "zwsp", "bom", "nfd+zwsp"]),
)
def test_assign_warns_of_owners_that_differ_invisibly(name, change, tmp_path_factory):
    """R3: an owner written in another Unicode form (NFD, as macOS writes it)
    or with an invisible character is not the staff id, and the assign
    command says so, as it does for spaces (it said nothing)."""
    import contextlib
    import io
    import os
    import unicodedata

    import pandas as pd

    from custseg.cli import main

    owner = name
    if "NFD" in change.upper():
        owner = unicodedata.normalize("NFD", owner)
    if "zwsp" in change:
        owner = owner[:1] + "\u200b" + owner[1:]
    if change == "bom":
        owner = "\ufeff" + owner
    assert owner != name
    d = tmp_path_factory.mktemp("assign")
    pd.DataFrame({"staff": [name, "amy"]}).to_csv(d / "staff.csv", index=False)
    pd.DataFrame(
        {"customer_id": ["c1", "c2"], "monetary": [1.0, 2.0], "owner": [owner, "amy"]}
    ).to_csv(d / "cust.csv", index=False)
    err = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(d)
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["assign", "cust.csv", "staff.csv", "--output", "o.csv"])
    finally:
        os.chdir(cwd)
    assert status == 0
    text = err.getvalue()
    assert "how its characters are stored" in text, text
    assert repr(name) in text


@settings(max_examples=12, deadline=None)
@given(
    mine=st.sampled_from(
        [
            [-1e12, 6e-5, 6e-5, 1e12, 1e-40],
            [1e16, 1.0, 1.0, -1e16, 2.0**-100],
            [1e300, 1.0, -1e300, 1e-300],
            [1e308, 1e308, -1e308, 1e-10],
        ]
    ),
    others=st.sampled_from([4, 32_767, 32_768, 70_000]),
    decimal_others=st.booleans(),
)
def test_a_customers_sum_does_not_depend_on_other_customers(
    mine, others, decimal_others
):
    """S1: a customer whose amounts span more binary places than the limbs
    hold got the sorted-order sum once the *other* customers' rows passed a
    power of two (0.00012 at 32,767 rows, 0.0 at 32,768); now math.fsum's
    correctly rounded sum (exact fractions where fsum overflows) whatever
    the others have."""
    import math
    from fractions import Fraction

    n = len(mine) + others
    ids = np.r_[np.zeros(len(mine), np.int64), np.ones(others, np.int64)]
    fill = 0.25 if decimal_others else 0.7 / 3
    amounts = np.r_[mine, np.full(others, fill)]
    facts = custseg.summarize(ids, np.full(n, np.datetime64("2024-01-01")), amounts)
    exact = float(sum((Fraction(x) for x in mine), Fraction(0)))
    assert facts.monetary[0] == exact
    assert facts.monetary[1] == math.fsum(amounts[len(mine) :])
    shuffled = np.random.default_rng(others).permutation(n)
    again = custseg.summarize(
        ids[shuffled], np.full(n, np.datetime64("2024-01-01")), amounts[shuffled]
    )
    assert again.monetary.tolist() == facts.monetary.tolist()


_TX = {
    "customer_id": ["c1", "c2", "c3"],
    "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
    "amount": [10.0, 20.0, 5.0],
}


@pytest.mark.parametrize("word", ["None", "null", "NA", "N/A", "#N/A", "nan", "NULL"])
@pytest.mark.parametrize("field", ["satisfaction", "referral"])
def test_records_file_placeholder_answers_are_refused(word, field, tmp_path):
    """R1: a records *file*'s survey answer 'None', 'N/A', ... was read as a
    missing answer (loyalty 'unknown', the text blanked) while the same
    records as a frame were refused: now both read them alike. Since audit
    34 the words every answer field reads as missing (none, null, na, n/a,
    nan: YES_NO_MISSING) are a missing answer in both; others ('#N/A')
    are an unknown answer in both."""
    import warnings

    import pandas as pd

    rec = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "satisfaction": ["very_satisfied", "satisfied", "neutral"],
            "repurchase": [0.9, 0.9, 0.5],
            "referral": ["very_likely", "possible", "unlikely"],
        }
    )
    rec.loc[0, field] = word
    path = tmp_path / "rec.csv"
    rec.to_csv(path, index=False)
    from custseg._categories import YES_NO_MISSING, normalize

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        for records in (rec, str(path)):
            if normalize(word) in {normalize(w) for w in YES_NO_MISSING}:
                out = custseg.segment(
                    pd.DataFrame(_TX), records=records, preset="ecommerce"
                )
                assert out.customers.loc["c1", "loyalty"] == "unknown"
            else:
                with pytest.raises(custseg.InputError, match="unknown answer"):
                    custseg.segment(
                        pd.DataFrame(_TX), records=records, preset="ecommerce"
                    )


@settings(max_examples=20, deadline=None)
@given(
    sat=st.lists(st.integers(1, 5), min_size=3, max_size=3),
    ref=st.lists(st.integers(0, 10), min_size=3, max_size=3),
    spelled=st.sampled_from(["{}", "{}.0", " {} ", "0{}"]),
)
def test_records_file_codes_read_as_numbers(sat, ref, spelled, tmp_path_factory):
    """Survey codes in a records file (read as text first now) are still
    read as numbers, and give the loyalty the same codes give as numbers."""
    import warnings

    import pandas as pd

    path = tmp_path_factory.mktemp("rec") / "rec.csv"
    pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "satisfaction": [spelled.format(s) for s in sat],
            "repurchase": [0.9, 0.5, 0.1],
            "referral": [spelled.format(r) for r in ref],
        }
    ).to_csv(path, index=False)
    numbers = pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3"],
            "satisfaction": sat,
            "repurchase": [0.9, 0.5, 0.1],
            "referral": ref,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        a = custseg.segment(pd.DataFrame(_TX), records=str(path), preset="ecommerce")
        b = custseg.segment(pd.DataFrame(_TX), records=numbers, preset="ecommerce")
    assert a.customers["loyalty"].tolist() == b.customers["loyalty"].tolist()
    assert a.customers["satisfaction"].tolist() == [float(s) for s in sat]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".txt.gz"])
@pytest.mark.parametrize("index", [["", "a"], ["a", ""]])
def test_empty_text_id_is_not_written_to_text_files(suffix, index, tmp_path):
    """R2: an id that is empty text was written as an empty cell, which every
    reader of the output refuses as a missing id; the writer now refuses it
    (Parquet keeps it)."""
    import pandas as pd

    from custseg._files import read_table, write_table

    df = pd.DataFrame(
        {"monetary": [1.0, 2.0]}, index=pd.Index(index, name="customer_id")
    )
    with pytest.raises(custseg.InputError, match="empty text") as info:
        write_table(df, tmp_path / f"out{suffix}")
    # rows counted from 0 like every InputError (it said row 1 for row 0)
    assert (info.value.first_row, info.value.n_rows) == (index.index(""), 1)
    assert f"first at row {index.index('')}, 1 row affected" in str(info.value)
    assert not (tmp_path / f"out{suffix}").exists()
    write_table(df.rename(index={"": "x"}), tmp_path / f"ok{suffix}")
    back = read_table(tmp_path / f"ok{suffix}", text_columns=["customer_id"])
    assert sorted(back["customer_id"]) == sorted(["x", "a"])
    pytest.importorskip("pyarrow")
    write_table(df, tmp_path / "out.parquet")
    assert pd.read_parquet(tmp_path / "out.parquet")["customer_id"].tolist() == index
