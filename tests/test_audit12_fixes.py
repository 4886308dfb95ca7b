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
            custseg.group_summary(custseg.tags_from_values(names), facts),
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
    seg = segment(
        tx,
        records=simulate_customers(tx, seed=2),
        contacts=simulate_contacts(tx, seed=2),
        preset="ecommerce",
        lang="zh",
    ).customers
    zh = cli.report(seg, ["relationship"], lang="zh")
    en = cli.report(seg, ["relationship"])
    assert "基本型" in zh and "basic" not in zh
    assert "basic" in en and "基本型" not in en
    assert cli.report(seg, ["relationship"], lang="ja") == en
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
