"""Audit 34, small fixes 2: order-id messages, potential customers, the
lifecycle diagnostic's labels, ``n_rows`` / ``n_dropped`` units, and the
loyalty answers' missing words.

1. The order-id errors were the customer-id errors with every "customer"
   rewritten to "order", over the whole text: a column named
   ``customer_order`` became ``'order_order'`` in the pandas hint, an id
   ``'customer-1'`` was quoted as ``'order-1'``, and the fix named a
   command-line option ``--missing-order`` that does not exist. The messages
   are now built with the kind of id as a part: the user's column names and
   values are quoted as they are, and only options that exist are named.
2. ``simulate_customers(potential=)`` counted the potential customers from
   every customer of the transactions, refund-only ones included, and gave
   those the potential customers' columns; it now counts the buyers, as
   documented, and only the added potential customers are potential ones.
3. With ``lang="zh"``, the lifecycle-contradiction diagnostic named a label
   in English, a value the frame's column does not hold; it now names the
   label as the frame shows it (the rules' name beside it).
4. ``SegmentResult.n_rows`` / ``n_dropped`` said "transactions" for both,
   while with ``order=`` they count orders and lines.
5. ``loyalty_level`` (and ``dick_basu``) refused the missing words the other
   answer fields read (``none``, ``nan``, ``n/a``, ``null``, 不详 ...): they
   now read the one shared list, and the docs list what the code reads.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
import warnings
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from conftest import run_command
from custseg import cli
from custseg._categories import STR_MISSING, YES_NO_MISSING
from custseg._validate import describe
from custseg.datasets import simulate_customers, simulate_transactions
from custseg.errors import InputError
from custseg.frame import SegmentResult, summarize_frame
from custseg.loyalty import dick_basu, loyalty_level

DOCS = Path(__file__).resolve().parents[1] / "docs"

# --------------------------------------------------------------------------
# 1. order-id messages
# --------------------------------------------------------------------------

#: text holding "customer" (what the old rewrite changed), as ids and names
_CUSTOMERISH = st.builds(
    lambda a, b, c: f"{a}{b}{c}",
    st.text(alphabet="xy_-7", max_size=3),
    st.sampled_from(["customer", "Customer", "a customer", "customers"]),
    st.text(alphabet="xy_-7 ", max_size=3),
)


def _segment_options() -> set[str]:
    """The option strings of ``custseg segment``."""
    parser = cli._parser()
    sub = next(
        a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"
    )
    return set(sub.choices["segment"]._option_string_actions)


_OPTIONS = _segment_options()


def _check_order_message(
    err: InputError, field: str, quoted: tuple[str, ...] = ()
) -> None:
    """*err* speaks of order ids, quoting *field* and the values *quoted*
    exactly, with no other "customer" and no option ``segment`` lacks."""
    text = str(err)
    assert err.field == field
    assert text.startswith(repr(field))
    rest = text[len(repr(field)) :]
    for q in quoted:
        assert q in rest, (q, text)
        rest = rest.replace(q, "")
    assert "customer" not in rest.lower(), text
    assert "order" in rest, text
    for option in re.findall(r"--[a-z][a-z-]*", rest):
        assert option in _OPTIONS, (option, text)


def _lines(order: list[Any], amount: list[Any] | None = None) -> pd.DataFrame:
    n = len(order)
    return pd.DataFrame(
        {
            "customer_id": ["a"] * n,
            "date": pd.to_datetime(["2024-01-01"] * n),
            "amount": [1.0] * n if amount is None else amount,
        }
    ).assign(__order=pd.Series(order, dtype=object))


def _segment_error(order: list[Any], name: str, **kw: Any) -> InputError:
    df = _lines(order, **kw).rename(columns={"__order": name})
    with pytest.raises(InputError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        custseg.segment(df, order=name, as_of="2024-06-01")
    return info.value


@settings(max_examples=30, deadline=None)
@given(name=_CUSTOMERISH, oid=_CUSTOMERISH)
def test_order_messages_quote_the_users_parts(name: str, oid: str) -> None:
    """Every kind of order-id error (missing, mixed types, True/False,
    unhashable, float64 overflow, 2**53 integer sums) quotes the column
    name and the id as they are, and names no option ``segment`` lacks."""
    if name in ("customer_id", "date", "amount"):
        name += "_"
    # missing: the pandas hint names the user's column
    err = _segment_error([oid, None], name)
    _check_order_message(err, name, (f"subset=[{name!r}]",))
    assert "missing order ids" in err.problem
    assert "--missing" not in str(err)
    err = _segment_error([5, oid], name)
    _check_order_message(err, name, (describe(oid),))
    assert "never one order" in err.problem
    err = _segment_error([True, False], name)
    _check_order_message(err, name)
    assert "not order ids" in err.problem
    err = _segment_error([[oid], [oid]], name)
    _check_order_message(err, name, (describe([oid]),))
    assert "cannot be order ids" in err.problem
    # an order's sum: the amount column's error quotes the order id
    for big, words in (([1.7e308] * 2, "1 order, "), ([2**53] * 2, "1 order ")):
        with pytest.raises(InputError) as info:
            custseg.orders_from_lines(["a", "a"], [oid, oid], ["2024-01-01"] * 2, big)
        assert info.value.field == "amount"
        assert words in info.value.problem
        assert f"the first being order {describe(oid)}" in info.value.problem


def test_order_message_worked_examples() -> None:
    """The report's examples: orders_from_lines and segment(order=)."""
    day = ["2024-01-01"] * 2
    with pytest.raises(InputError) as info:
        custseg.orders_from_lines(["a", "a"], ["x", None], day, [1.0, 2.0])
    assert info.value.fix == (
        "drop the rows without an order id first (pandas: df = "
        "df.dropna(subset=['order_id'])), or give them an id"
    )
    with pytest.raises(InputError, match="the first str id being 'customer-1'"):
        custseg.orders_from_lines(["a", "a"], [5, "customer-1"], day, [1.0, 2.0])
    with pytest.raises(InputError, match="the first being order 'customer_1'"):
        custseg.orders_from_lines(["a", "a"], ["customer_1"] * 2, day, [1.7e308] * 2)
    df = pd.DataFrame(
        {
            "customer": ["a", "a"],
            "customer_order": ["x", None],
            "date": day,
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError) as info:
        custseg.segment(df, customer="customer", order="customer_order")
    assert "df.dropna(subset=['customer_order'])" in info.value.fix
    assert "--missing-order" not in str(info.value)
    # customer ids keep their option, which exists
    with pytest.raises(InputError) as info:
        custseg.summarize(["a", None], day, [1.0, 2.0])
    assert "(on the command line: --missing-customer drop)" in info.value.fix
    assert "--missing-customer" in _OPTIONS


def test_order_message_on_the_command_line() -> None:
    """The CLI's ``--order`` column with a missing id: its name, no option
    that ``segment`` does not have."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "m2.csv")
        path.write_text(
            "customer,customer_order,date,amount\na,x,2024-01-01,1\na,,2024-01-02,2\n"
        )
        argv = ["segment", str(path), "--customer", "customer"]
        argv += ["--order", "customer_order", "--output", str(Path(tmp, "o.csv"))]
        with pytest.raises(InputError) as info:
            run_command(argv)
    _check_order_message(info.value, "customer_order", ("['customer_order']",))
    assert "line 3" in str(info.value)


def test_order_messages_of_a_dask_frame() -> None:
    """Dask: the object order ids of the pandas frame quoted as they are."""
    dd = pytest.importorskip("dask.dataframe")
    tx = _lines(["customer-1", 5, 6, 7]).rename(columns={"__order": "customer_order"})
    frames = [dd.from_pandas(tx, npartitions=2)]
    frames.append(frames[0].assign(amount=frames[0].amount * 2))  # derived
    for frame in frames:
        with pytest.raises(InputError) as info:
            summarize_frame(frame, order="customer_order")
        _check_order_message(info.value, "customer_order", ("'customer-1'",))
        assert "never one order" in info.value.problem


# --------------------------------------------------------------------------
# 2. simulate_customers(potential=): a share of the buyers
# --------------------------------------------------------------------------


def _half_up(share: Fraction, n: int) -> int:
    return int((share * n + Fraction(1, 2)) // 1)


@settings(max_examples=25, deadline=None)
@given(
    amounts=st.lists(
        st.lists(st.sampled_from([-5.0, -1.0, 3.0, 10.0]), min_size=1, max_size=3),
        min_size=1,
        max_size=12,
    ),
    refunds=st.lists(st.sampled_from([-5.0, -1.0]), min_size=1, max_size=3),
    at=st.integers(0, 12),
    share=st.sampled_from([Fraction(0), Fraction(1, 6), Fraction(1, 2), Fraction(1)]),
    seed=st.integers(0, 3),
)
def test_potential_counts_the_buyers(
    amounts: list[list[float]],
    refunds: list[float],
    at: int,
    share: Fraction,
    seed: int,
) -> None:
    """As many potential customers as half up of *potential* times the
    buyers (customers with a purchase); customers with refunds only (one at
    least, at any place) are kept, not counted, and not potential
    customers."""
    amounts = [*amounts[:at], refunds, *amounts[at:]]
    rows = [(c, a) for c, lines in enumerate(amounts) for a in lines]
    tx = pd.DataFrame(
        {
            "customer_id": [c for c, _ in rows],
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(list(range(len(rows))), unit="D"),
            "amount": [a for _, a in rows],
        }
    )
    buyers = sum(any(a > 0 for a in lines) for lines in amounts)
    out = simulate_customers(tx, potential=share, seed=seed)
    n = len(amounts)
    assert len(out) == n + _half_up(share, buyers)
    assert out["customer_id"].iloc[:n].tolist() == list(range(n))
    ours, added = out.iloc[:n], out.iloc[n:]
    factors = ["need", "motivation", "ability", "timing"]
    assert ours[factors].isna().all().all()  # never potential ones
    assert added["interested"].all()
    refunds_only = [not any(a > 0 for a in lines) for lines in amounts]
    assert ours["satisfaction"][refunds_only].isna().all()


def test_potential_worked_example() -> None:
    """The report's example: two refund-only customers, no buyer."""
    tx = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "amount": [-5.0, -3.0],
        }
    )
    out = simulate_customers(tx, potential=1)
    assert out["customer_id"].tolist() == [1, 2]
    assert out[["need", "motivation", "ability", "timing"]].isna().all().all()
    # simulated transactions (every customer a buyer): 10% of the buyers
    sim = simulate_transactions(200, seed=4)
    assert len(simulate_customers(sim, seed=4)) == 220


# --------------------------------------------------------------------------
# 3. the lifecycle-contradiction diagnostic names the frame's label
# --------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 30),
    preset=st.sampled_from(["ecommerce", "base"]),
    as_of=st.sampled_from(["2025-01-01", "2025-06-30"]),
)
def test_contradiction_names_a_label_of_the_frame(
    seed: int, preset: str, as_of: str
) -> None:
    """Each "contradicts their lifecycle stage" diagnostic names, first, a
    label the segment's column holds, in the result's language (English
    and Chinese; fitted recency edges make such contradictions)."""
    tx = simulate_transactions(150, seed=seed)
    seen = 0
    for lang in ("zh", "en"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = custseg.segment(tx, as_of=as_of).edges
            res = custseg.segment(
                tx, preset=preset, as_of=as_of, edges=fitted, lang=lang
            )
        for note in res.diagnostics:
            if "contradicts their" not in note:
                continue
            seen += 1
            column = note.split(":", 1)[0]
            label = re.search(r"\(most in ('[^']*'|\"[^\"]*\")", note)
            assert label is not None, note
            shown = label.group(1)[1:-1]
            assert shown in set(res.customers[column].cat.categories), note
    assert seen


def test_contradiction_worked_example() -> None:
    """The report's example: '即将沉睡', with the rules' name beside it."""
    tx = simulate_transactions(500, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        edges = custseg.segment(tx, as_of="2025-01-01").edges
        res = custseg.segment(
            tx, preset="ecommerce", as_of="2025-01-01", edges=edges, lang="zh"
        )
    note = next(d for d in res.diagnostics if d.startswith("rfm11:"))
    assert "(most in '即将沉睡' ('About to Sleep' in the rules))" in note
    assert "即将沉睡" in set(res.customers["rfm11"])


# --------------------------------------------------------------------------
# 4. n_rows / n_dropped say their units
# --------------------------------------------------------------------------


def test_n_rows_and_n_dropped_units() -> None:
    """With order=: n_rows counts orders, n_dropped lines, and the result's
    docs say so."""
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "b"],
            "inv": ["1", "1", "2", "3", "3", "3"],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-02-01"] + ["2024-08-01"] * 3
            ),
            "amount": [10.0, 20, 30, 5, 5, 5],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = custseg.segment(tx, order="inv", as_of="2024-07-01", after_as_of="drop")
    assert (r.n_rows, r.n_dropped) == (2, 3)

    def doc(obj: Any) -> str:
        return " ".join((obj.__doc__ or "").split())

    assert "``order=``, the orders used" in doc(SegmentResult.n_rows)
    assert "``order=``, the order lines dropped" in doc(SegmentResult.n_dropped)
    assert "``n_rows`` then counts orders" in doc(custseg.segment)


# --------------------------------------------------------------------------
# 5. loyalty answers: the shared missing words
# --------------------------------------------------------------------------

_MISSING_WORDS = [*YES_NO_MISSING, *STR_MISSING]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def _spelling(draw: st.DrawFn) -> Callable[[str], str]:
    """A way an export may write a missing word: any case (not for <NA> /
    NaT, matched as written), blanks around, full-width, NFD."""
    upper = draw(st.lists(st.booleans(), min_size=8, max_size=8))
    wide = draw(st.booleans())
    form = draw(st.sampled_from(["NFC", "NFD"]))
    before, after = draw(st.sampled_from(["", " "])), draw(st.sampled_from(["", " "]))

    def spell(word: str) -> str:
        if word not in STR_MISSING:
            word = "".join(
                c.upper() if upper[i % 8] else c.lower() for i, c in enumerate(word)
            )
            word = unicodedata.normalize(form, _fullwidth(word) if wide else word)
        return before + word + after

    return spell


_ANSWERS: list[tuple[str, list[Any]]] = [
    ("satisfaction", ["very_satisfied", "neutral", 5, "很满意", None]),
    ("repurchase", [0.9, "low", "高", 0.5, None]),
    ("referral", ["very_likely", 3, "有可能", 10, None]),
]


@settings(max_examples=40, deadline=None)
@given(
    picks=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)),
        min_size=1,
        max_size=4,
    ),
    where=st.sampled_from(["satisfaction", "repurchase", "referral"]),
    row=st.integers(0, 3),
    spell=_spelling(),
    lang=st.sampled_from(["en", "zh"]),
)
def test_loyalty_reads_the_shared_missing_words(
    picks: list[tuple[int, int, int]],
    where: str,
    row: int,
    spell: Callable[[str], str],
    lang: str,
) -> None:
    """Each missing word, in any answer, gives the level of a missing
    answer (None there), in every row, never an error or another level."""
    cols = {
        f: [options[p[i]] for p in picks] for i, (f, options) in enumerate(_ANSWERS)
    }
    row %= len(picks)
    with_none = {f: list(v) for f, v in cols.items()}
    with_none[where][row] = None
    want = loyalty_level(**with_none, lang=lang).to_numpy().tolist()
    for word in _MISSING_WORDS:
        with_word = {f: list(v) for f, v in cols.items()}
        with_word[where][row] = spell(word)
        assert loyalty_level(**with_word, lang=lang).to_numpy().tolist() == want


@settings(max_examples=25, deadline=None)
@given(spell=_spelling(), other=st.sampled_from(["high", "low", "高", None]))
def test_dick_basu_reads_the_shared_missing_words(
    spell: Callable[[str], str], other: str | None
) -> None:
    """dick_basu's high/low answers read the same words as missing."""
    for word in map(spell, _MISSING_WORDS):
        for a, b in ((word, other), (other, word)):
            got = dick_basu(attitude=[a], repeat=[b]).to_numpy().tolist()
            assert got == ["unknown"]


def test_loyalty_missing_words_worked_example() -> None:
    """The report's words, and astype(str) of a column with gaps."""
    for w in ["n/a", "null", "none", "nan", "不详", "？", "-", "<NA>", "NaT"]:
        assert loyalty_level([w], [0.9], [10]).to_numpy().tolist() == ["unknown"]
    with pytest.raises(InputError, match="unknown answer"):
        loyalty_level(["Nat"], [0.9], [10])  # a name, not pandas' NaT
    answers = pd.Series(["very_satisfied", None, "neutral"], dtype=object)
    got = loyalty_level(answers.astype(str), [0.9, 0.9, 0.1], [10, 10, 2])
    assert got.to_numpy().tolist() == ["loyal", "unknown", "not_loyal"]
    # the records of segment() read the survey answers the same way
    records = pd.DataFrame(
        {
            "customer_id": [0, 1],
            "satisfaction": ["none", "very_satisfied"],
            "repurchase": [0.9, 0.9],
            "referral": ["N/A", "very_likely"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = custseg.segment(
            simulate_transactions(2, seed=1), records=records, preset="ecommerce"
        ).customers
    assert out.loc[[0, 1], "loyalty"].tolist() == ["unknown", "loyal"]


def _listed(text: str) -> set[str]:
    """The backquoted words and the CJK words of a docs passage."""
    words = set(re.findall(r"`([^`]+)`", text))
    words |= set(re.findall(r"[\u4e00-\u9fff]+", text))
    return words


@pytest.mark.parametrize(
    ("page", "start", "end"),
    [
        ("loyalty.md", "**Missing**:", "A whole question"),
        ("status.md", "- Missing answers:", "Any other answer"),
        ("value.md", "| missing |", "\n"),
    ],
)
def test_docs_list_the_missing_words(page: str, start: str, end: str) -> None:
    """loyalty.md, status.md and value.md list every word the code reads as
    missing (YES_NO_MISSING, <NA> and NaT)."""
    text = (DOCS / page).read_text(encoding="utf-8")
    at = text.index(start)
    passage = text[at : text.index(end, at + len(start))]
    listed = _listed(passage)
    assert set(_MISSING_WORDS) <= listed, set(_MISSING_WORDS) - listed


def test_profile_docs_name_loyalty_among_the_fields() -> None:
    """profile.md and value.md say which fields share the list."""
    for page in ("profile.md", "value.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        assert "every other field" not in text, page
        assert "loyalty_level" in text, page
