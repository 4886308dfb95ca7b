"""Audit 33, round 2 (part B): fixes of this session's own items.

1. ``group_summary``: a ``customer_id`` column of the facts (pandas on row
   numbers, Polars, PyArrow) holds their ids: paired by them or refused,
   never summed as a fact.
2. ``custseg migrate``: whole numbers of many values (a records field such
   as ``points``) are a measure, not compared by default; a column of too
   many classes is left out with a warning, or (asked for) an error naming
   the column.
3. ``<NA>`` and ``NaT`` are missing only as pandas writes them: the name
   ``Nat`` is a value again.
4. Names that read alike: emoji flags and joined emoji stay apart; the
   message names the parameter that holds the two names.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import migration
from custseg.cli import main
from custseg.errors import InputError, ThresholdError
from custseg.groups import group_summary, tags_from_values
from custseg.lifecycle import LifecycleWindows
from custseg.profile import profile_completeness

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

# --------------------------------------------------------------------------
# 1. facts with a customer_id column


def _engine(kind: str, facts: dict[str, list[Any]]) -> Any:
    if kind == "polars":
        return pl.DataFrame(facts)
    if kind == "arrow":
        return pa.table(facts)
    return pd.DataFrame(facts)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 6),
    data=st.data(),
    kind=st.sampled_from(["pandas", "polars", "arrow"]),
)
def test_facts_paired_by_their_customer_id_column(n: int, data: Any, kind: str) -> None:
    """Facts with a ``customer_id`` column beside tags on customer ids: the
    totals are those of each customer's own facts when the ids are in the
    tags' order, an InputError otherwise; the column is never a fact."""
    ids = list(range(10, 10 + n))
    tag_order = data.draw(st.permutations(ids))
    fact_order = data.draw(st.permutations(ids))
    groups = data.draw(
        st.lists(st.sampled_from(["tea", "yoga"]), min_size=n, max_size=n)
    )
    money = {i: float(i) * 1.5 for i in ids}
    tags = tags_from_values(
        pd.Series(groups, index=pd.Index(tag_order, name="customer_id"))
    )
    facts = _engine(
        kind, {"customer_id": fact_order, "monetary": [money[i] for i in fact_order]}
    )
    if tag_order != fact_order:
        with pytest.raises(InputError, match="customer_id"):
            group_summary(tags, facts)
        return
    res = group_summary(tags, facts)
    assert list(res.totals) == ["monetary"]
    for j, name in enumerate(res.names[:-1]):
        want = sum(
            money[i] for i, g in zip(tag_order, groups, strict=True) if g == name
        )
        assert res.totals["monetary"][j] == pytest.approx(want)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 5), kind=st.sampled_from(["pandas", "polars", "arrow"]))
def test_tags_without_ids_beside_a_customer_id_column_refused(
    n: int, kind: str
) -> None:
    facts = _engine(kind, {"customer_id": list(range(n)), "monetary": [1.0] * n})
    with pytest.raises(InputError, match="'customer_id' column"):
        group_summary(tags_from_values(["tea"] * n), facts)


def test_facts_customer_id_column_worked_example() -> None:
    tags = tags_from_values(
        pd.Series(
            ["tea", "yoga", "tea"], index=pd.Index([30, 10, 20], name="customer_id")
        )
    )
    facts = {"customer_id": [10, 20, 30], "monetary": [1.0, 2.0, 3.0]}
    for f in (pl.DataFrame(facts), pa.table(facts), pd.DataFrame(facts)):
        with pytest.raises(InputError, match=r"set_index\('customer_id'\)"):
            group_summary(tags, f)
    ordered = {"customer_id": [30, 10, 20], "monetary": [3.0, 1.0, 2.0]}
    for f in (pl.DataFrame(ordered), pa.table(ordered), pd.DataFrame(ordered)):
        out = group_summary(tags, f).to_pandas()
        assert "customer_id_total" not in out
        assert out["monetary_total"].tolist() == [5.0, 1.0, 6.0]
    # an index of another name beside the column: either may be the customer
    with pytest.raises(InputError, match="index named 'id'"):
        group_summary(tags, pd.DataFrame(ordered, index=pd.Index([1, 2, 3], name="id")))


# --------------------------------------------------------------------------
# 2. custseg migrate: measures and too many classes


def _migrate(folder: Path, *extra: str) -> tuple[int, str, str]:
    err, out = io.StringIO(), io.StringIO()
    argv = ["migrate", str(folder / "b.csv"), str(folder / "a.csv"), *extra]
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _outputs(folder: Path, points: np.ndarray, k: int) -> None:
    n = len(points)
    for name, shift in (("b.csv", 0), ("a.csv", k)):
        pd.DataFrame(
            {
                "customer_id": [f"c{i}" for i in range(n)],
                "monetary": 10.0,
                "lifecycle": ["active", "sleeping"] * (n // 2) + ["active"] * (n % 2),
                "points": points + shift,
            }
        ).to_csv(folder / name, index=False)


@settings(max_examples=20, deadline=None)
@given(
    values=st.integers(11, 40),
    k=st.integers(1, 5),
    few=st.integers(1, 10),
)
def test_whole_numbers_of_many_values_are_a_measure(
    tmp_path_factory: Any, values: int, k: int, few: int
) -> None:
    """A whole-number column of more than 10 values (a records field) is
    named in the 'not compared' warning with its --column, never compared
    by default; one of at most 10 values (a rules table's labels) is."""
    folder = tmp_path_factory.mktemp("m")
    _outputs(folder, np.arange(values) * 7, k)
    code, out, err = _migrate(folder)
    assert code == 0
    assert "lifecycle:" in out and "points:" not in out
    assert "'points' (whole numbers of more than 10 values" in err
    assert "--column points" in err
    _outputs(folder, np.arange(values) % few, 0)
    code, out, err = _migrate(folder)
    assert code == 0 and "points:" in out


def test_too_many_classes_left_out_or_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text column of more classes than a matrix holds is left out with a
    warning (the run goes on); asked for, the error names the column."""
    monkeypatch.setattr(migration, "MAX_CELLS", 50)
    monkeypatch.setattr(custseg._cli_migrate, "MAX_CELLS", 50)
    n = 12
    for name in ("b.csv", "a.csv"):
        pd.DataFrame(
            {
                "customer_id": [f"c{i}" for i in range(n)],
                "name": [f"person {i}" for i in range(n)],
                "lifecycle": ["active"] * n,
            }
        ).to_csv(tmp_path / name, index=False)
    code, out, err = _migrate(tmp_path)
    assert code == 0 and "lifecycle:" in out and "name:" not in out
    assert "'name' (12 and 12 classes" in err
    code, out, err = _migrate(tmp_path, "--column", "name")
    assert code != 0
    assert "'name' has 12 classes in 'before'" in err


def test_migrate_points_worked_example(tmp_path: Path) -> None:
    """The report's files: ``points`` of 4,000 values in two records runs."""
    n = 4000
    _outputs(tmp_path, np.arange(n) * 7 + 1, 1)
    code, out, err = _migrate(tmp_path)
    assert code == 0, err
    assert "lifecycle:" in out and "points:" not in out
    assert "--column points" in err


# --------------------------------------------------------------------------
# 3. "<NA>" and "NaT" as pandas writes them


def _case_variants(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda up: "".join(
            c.upper() if u else c.lower() for c, u in zip(word, up, strict=True)
        )
    )


@settings(max_examples=40, deadline=None)
@given(
    text=st.one_of(_case_variants("nat"), _case_variants("<na>")),
    pad=st.sampled_from(["", " ", "\u3000"]),
)
def test_str_missing_matched_as_written(text: str, pad: str) -> None:
    """``NaT`` and ``<NA>`` (padded) are missing in a profile, give no tag
    and are missing answers; any other case (``Nat``, ``NAT``, ``<na>``) is
    a value: filled, a tag, an unknown answer."""
    exact = text in ("NaT", "<NA>")
    cell = f"{pad}{text}{pad}"
    res = profile_completeness(
        {"name": [cell, "Ann"]}, hard=["name"], soft=[], weights=(1, 0)
    )
    assert res.missing[:, 0].tolist() == [exact, False]
    assert (text in tags_from_values([cell, "Ann"]).names) is not exact
    if exact:
        assert custseg.value_tier([cell], ["strong"]).to_numpy().tolist() == ["D"]
    else:
        with pytest.raises(InputError, match="unknown answer"):
            custseg.value_tier([cell], ["strong"])


def test_nat_name_worked_example() -> None:
    df = pd.DataFrame(
        {"name": ["Nat", "Ann"], "phone": ["555-1", "555-2"]},
        index=pd.Index(["c1", "c2"], name="customer_id"),
    )
    res = profile_completeness(df, hard=["name", "phone"]).to_pandas()
    assert res["completeness"].tolist() == [0.2, 0.2]
    assert tags_from_values(pd.Series(["Nat", "Ann"], index=["c1", "c2"])).sizes() == {
        "Ann": 1,
        "Nat": 1,
    }
    seen = pd.Series([pd.Timestamp("2020-01-01"), pd.NaT]).map(str)
    assert tags_from_values(seen).names == ("2020-01-01 00:00:00",)


# --------------------------------------------------------------------------
# 4. names that read alike


def _flag(letters: str) -> str:
    return "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in letters) + "\U000e007f"


@settings(max_examples=30, deadline=None)
@given(
    a=st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=5),
    b=st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=5),
)
def test_emoji_flags_are_different_names(a: str, b: str) -> None:
    """Two subdivision flags differ only in tag characters: two names, as
    two different ones draw; the same flag twice is a repeat."""
    first, second = _flag(a), _flag(b)
    if a == b:
        with pytest.raises(ThresholdError):
            LifecycleWindows(labels=(first, second, "c", "d"))
        return
    w = LifecycleWindows(labels=(first, second, "c", "d"))
    assert w.labels[:2] == (first, second)


@settings(max_examples=20, deadline=None)
@given(where=st.integers(0, 3))
def test_alike_message_names_the_parameter(where: int) -> None:
    labels = ["a", "b", "c", "d"]
    labels[where] = "cafe\u0301"
    with pytest.raises(ThresholdError, match=r"^'labels' and 'no_purchase' have"):
        LifecycleWindows(labels=tuple(labels), no_purchase="caf\u00e9")
    labels[(where + 1) % 4] = "caf\u00e9"
    with pytest.raises(ThresholdError, match=r"^'labels' have names"):
        LifecycleWindows(labels=tuple(labels))


def test_alike_worked_example() -> None:
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    LifecycleWindows(labels=(england, scotland, "c", "d"))
    LifecycleWindows(
        labels=("\U0001f469\u200d\U0001f4bb", "\U0001f469\U0001f4bb", "c", "d")
    )
    # a joiner at an end joins nothing
    with pytest.raises(ThresholdError, match="read alike"):
        LifecycleWindows(labels=("amy", "amy\u200d", "c", "d"))
    with pytest.raises(ThresholdError) as caught:
        LifecycleWindows(labels=("caf\u00e9", "cafe\u0301", "c", "d"))
    assert str(caught.value).startswith("'labels' have names that read alike")
