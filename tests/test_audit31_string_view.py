"""Audit 31, Arrow ``string_view`` columns across the public API.

Polars exports text as ``string_view`` (``to_arrow(compat_level=newest)``),
and ``to_pandas(types_mapper=pd.ArrowDtype)`` keeps it: a column of
``ArrowDtype(pa.string_view())``, for which pandas has no kernels
(``np.asarray``, ``to_numpy``, ``factorize`` raise a bare
``NotImplementedError``; ``dropna``, ``take`` and filters an
``ArrowNotImplementedError``; ``unique`` reads a null as ``''``). Almost
every public function crashed on such a column. custseg now reads it (and
``binary_view``) as the same values of ``large_string`` (``large_binary``)
where it first reads a pandas column, so every function answers as for an
``ArrowDtype(pa.string())`` column; the caller's column is never changed.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

import custseg  # noqa: E402
from custseg import frame, rules  # noqa: E402
from custseg.errors import InputError  # noqa: E402
from strategies import id_rows, tricky_text  # noqa: E402

if not hasattr(pa, "string_view") or not hasattr(pa, "binary_view"):
    pytest.skip("pyarrow without string_view", allow_module_level=True)

STRING = pa.string()
VIEW = pa.string_view()
Make = Callable[..., Any]


def column(kind: Any) -> Make:
    """A maker of pandas columns of ``ArrowDtype(kind)``."""

    def make(values: list[Any], index: Any = None, name: Any = None) -> Any:
        return pd.Series(
            pa.array(values, kind), dtype=pd.ArrowDtype(kind), index=index, name=name
        )

    return make


def canon(result: Any) -> str:
    """A result as text to compare: its values, index and dtypes, with
    ``large_string`` (what a view column is read as) named ``string``."""
    if hasattr(result, "to_pandas") and not isinstance(
        result, pd.Series | pd.DataFrame
    ):
        result = result.to_pandas()
    if isinstance(result, pd.Series | pd.DataFrame):
        dtypes = result.dtypes if isinstance(result, pd.DataFrame) else result.dtype
        text = f"{result.to_string()}\n{dtypes}\n{result.index.dtype}\n{result.index.tolist()!r}"
    else:
        text = repr(result)
    return text.replace("large_string", "string")


def outcome(call: Callable[[Make], Any], kind: Any) -> tuple[str, str]:
    """What *call* gives on columns of *kind*: its result or the custseg
    error (any other exception propagates: it is the defect)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same warnings either way
        try:
            return "ok", canon(call(column(kind)))
        except custseg.CustsegError as exc:
            return type(exc).__name__, str(exc)


def same_as_string(call: Callable[[Make], Any]) -> None:
    assert outcome(call, VIEW) == outcome(call, STRING)


#: Text as the tester's columns hold it: missing, '' beside null, leading
#: zeros, CJK and full-width, NULs and other tricky characters.
_WORDS = st.one_of(
    st.none(),
    st.sampled_from(["", "007", "7", "07", "日本", "顧客", "ｘ", "a b", "None"]),
    tricky_text(3),
)
_DATES = ["2024-03-01", "2024-03-02", "2024-03-20", "2024-03-30", "2024-03-31"]


def _dates(n: int) -> list[str]:
    return [_DATES[i % len(_DATES)] for i in range(n)]


def _amounts(n: int) -> list[float]:
    return [float(10 * (i % 4) - 5) for i in range(n)]


def _rows(mk: Make, ids: list[Any]) -> Any:
    n = len(ids)
    return pd.DataFrame(
        {"customer_id": mk(ids), "date": mk(_dates(n)), "amount": _amounts(n)}
    )


#: Every public entry that reads a column of text, as a call on one such
#: column (made by ``mk``) of the drawn values.
ENTRIES: dict[str, Callable[[list[Any]], Callable[[Make], Any]]] = {
    "summarize ids": lambda xs: (
        lambda mk: custseg.summarize(
            mk(xs), _dates(len(xs)), _amounts(len(xs)), as_of="2024-04-01"
        )
    ),
    "summarize order ids": lambda xs: (
        lambda mk: custseg.summarize(
            ["a"] * len(xs),
            _dates(len(xs)),
            _amounts(len(xs)),
            as_of="2024-04-01",
            order_id=mk(xs),
        )
    ),
    "btyd ids": lambda xs: (
        lambda mk: custseg.btyd_summary(
            mk(xs), _dates(len(xs)), _amounts(len(xs)), observation_end="2024-04-01"
        )
    ),
    "transition_matrix": lambda xs: (
        lambda mk: custseg.transition_matrix(mk(xs), mk(xs[::-1]))
    ),
    "transition_matrix by id": lambda xs: (
        lambda mk: custseg.transition_matrix(
            mk(xs, index=[f"c{i}" for i in range(len(xs))]),
            mk(xs[::-1], index=[f"c{i}" for i in range(len(xs))][::-1]),
        )
    ),
    "tags_from_values": lambda xs: lambda mk: custseg.tags_from_values(mk(xs)),
    "profile_completeness": lambda xs: (
        lambda mk: custseg.profile_completeness(
            pd.DataFrame({"name": mk(xs), "phone": mk(xs[::-1])}),
            hard=["name", "phone"],
            soft=[],
            weights=(1, 0),
        )
    ),
    "value_tier": lambda xs: (
        lambda mk: custseg.value_tier(mk(xs, name="assets"), mk(xs[::-1]))
    ),
    "loyalty_level": lambda xs: (
        lambda mk: custseg.loyalty_level(mk(xs), mk(xs), mk(xs))
    ),
    "nps by": lambda xs: (
        lambda mk: custseg.nps([i % 11 for i in range(len(xs))], by=mk(xs))
    ),
    "actions": lambda xs: (
        lambda mk: custseg.actions(mk(xs), custseg.default_playbook("lifecycle"))
    ),
    "assign_owners": lambda xs: (
        lambda mk: custseg.assign_owners(
            [float(i) for i in range(len(xs))], ["amy", "bo"], current_owner=mk(xs)
        )
    ),
    "due_contacts": lambda xs: (
        lambda mk: custseg.due_contacts(
            _dates(len(xs)), 30, "2024-04-01", customer=mk(xs)
        )
    ),
    "segment_summary": lambda xs: (
        lambda mk: custseg.segment_summary(
            mk(
                xs,
                index=pd.Index([f"c{i}" for i in range(len(xs))], name="customer_id"),
            ),
            custseg.summarize(
                [f"c{i}" for i in range(len(xs))],
                _dates(len(xs)),
                _amounts(len(xs)),
                as_of="2024-04-01",
            ),
        )
    ),
    "segment": lambda xs: (
        lambda mk: custseg.segment(_rows(mk, xs), as_of="2024-04-01", bins=2)
    ),
    "summarize_frame": lambda xs: (
        lambda mk: frame.summarize_frame(_rows(mk, xs), as_of="2024-04-01")
    ),
    "rules evaluate": lambda xs: (
        lambda mk: _RULES.evaluate(pd.DataFrame({"channel": mk(xs)}))
    ),
    "write_table": lambda xs: lambda mk: _written(pd.DataFrame({"x": mk(xs)})),
}

_RULES = rules.loads("""
format = 1
[fields]
channel = { type = "category", values = ["007", "日本"], missing = true }
[segments.c]
default = "other"
rules = [{ label = "zero", when = 'channel == "007"' }]
""")


def _written(df: Any) -> str:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "out.csv")
        frame.write_table(df, path)
        with open(path, encoding="utf-8") as f:
            return f.read()


@pytest.mark.parametrize("entry", sorted(ENTRIES))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=id_rows(_WORDS, max_rows=8))
@example(values=["007", None, "", "日本", "007"])
def test_string_view_reads_as_string(entry: str, values: list[Any]) -> None:
    """Each entry answers (or refuses) a string_view column exactly as the
    same data as ArrowDtype(pa.string())."""
    same_as_string(ENTRIES[entry](values))


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(["1", "2.5", "007", "", "x"])),
        min_size=1,
        max_size=6,
    )
)
def test_numbers_and_dates_written_as_text(values: list[Any]) -> None:
    """Numbers and dates given as string_view text read as such text does."""
    dates = [None if v is None else f"2024-03-0{len(v) % 9 + 1}" for v in values]
    for call in (
        lambda mk: custseg.lifecycle_stage(mk(values)),
        lambda mk: custseg.abc_classes(mk(values)),
        lambda mk: custseg.quantile_edges(mk(values), bins=2, nan="ignore"),
        lambda mk: custseg.line_amounts(mk(values), mk(values[::-1])),
        lambda mk: custseg.summarize(
            ["a"] * len(values), mk(dates), _amounts(len(values)), as_of="2024-04-01"
        ),
        lambda mk: custseg.summarize(
            ["a"] * len(values), _dates(len(values)), mk(values), as_of="2024-04-01"
        ),
        lambda mk: frame.parse_date_column(mk(dates), "date"),
        lambda mk: custseg.neglected(
            [1.0] * len(values), mk(dates), "2024-04-01", window_days=3, top_share=1
        ),
    ):
        same_as_string(call)


@settings(max_examples=20, deadline=None)
@given(values=id_rows(_WORDS, max_rows=6))
def test_ids_in_a_string_view_index(values: list[Any]) -> None:
    """Customer ids held in a string_view Index: compared, aligned and kept
    as string ids are."""
    ids = list(dict.fromkeys(v for v in values if v is not None)) or ["x"]

    def call(mk: Make) -> Any:
        index = pd.Index(mk(ids).array, name="customer_id")
        amounts = pd.Series([float(i) for i in range(len(ids))], index=index)
        again = pd.Index(mk(ids).array, name="customer_id")  # equal, not the same
        labels = pd.Series(["x"] * len(ids), index=again)
        return custseg.lifecycle_stage(amounts), custseg.transition_matrix(
            labels, labels
        ).counts

    same_as_string(call)


def test_inputs_not_changed() -> None:
    """The caller's column, index and frame keep their string_view data."""
    view = column(VIEW)
    ids = view(["007", "b", "日本"], index=["c1", "c2", "c3"], name="id")
    df = pd.DataFrame({"customer_id": ids, "date": view(_DATES[:3], index=ids.index)})
    df["amount"] = [1.0, 2.0, 3.0]
    out = frame.summarize_frame(df, as_of="2024-04-01")
    assert out.index.tolist() == ["007", "b", "日本"]
    custseg.profile_completeness(df.rename(columns={"customer_id": "name"}))
    custseg.transition_matrix(ids, ids)
    assert str(ids.dtype) == "string_view[pyarrow]"
    assert ids.tolist() == ["007", "b", "日本"]
    assert [str(t) for t in df.dtypes] == [
        "string_view[pyarrow]",
        "string_view[pyarrow]",
        "float64",
    ]


def test_arrow_plain() -> None:
    """The helper: Series (values and index), Index, DataFrame, Arrow
    extension array, PyArrow arrays; binary_view too; others as they are."""
    from custseg._validate import arrow_plain

    view = column(VIEW)
    s = view(["a", None, ""], index=pd.Index(view(["x", "y", "z"]).array), name="n")
    plain = arrow_plain(s)
    assert str(plain.dtype) == "large_string[pyarrow]"
    assert str(plain.index.dtype) == "large_string[pyarrow]"
    assert plain.tolist() == ["a", pd.NA, ""] and plain.name == "n"
    assert plain.index.tolist() == ["x", "y", "z"]
    frame_ = pd.DataFrame({"a": view(["1", None]), "b": [1, 2]})
    assert [str(t) for t in arrow_plain(frame_).dtypes] == [
        "large_string[pyarrow]",
        "int64",
    ]
    assert str(frame_.dtypes.iloc[0]) == "string_view[pyarrow]"
    binary = pd.Series(
        pa.array([b"a", None], pa.binary_view()), dtype=pd.ArrowDtype(pa.binary_view())
    )
    assert str(arrow_plain(binary).dtype) == "large_binary[pyarrow]"
    assert arrow_plain(pa.array(["a"], VIEW)).type == pa.large_string()
    assert str(arrow_plain(s.array).dtype) == "large_string[pyarrow]"
    other = pd.Series(["a"], dtype=pd.ArrowDtype(STRING))
    assert arrow_plain(other) is other
    assert arrow_plain(frame_.drop(columns="a")).columns.tolist() == ["b"]
    numbers = np.array([1, 2])
    assert arrow_plain(numbers) is numbers


# -- the reported examples -----------------------------------------------------


def _tester_frame() -> Any:
    pl = pytest.importorskip("polars")
    if not hasattr(pl, "CompatLevel"):
        pytest.skip("polars without CompatLevel")
    table = pl.DataFrame({"name": ["x", None]}).to_arrow(
        compat_level=pl.CompatLevel.newest()
    )
    df = table.to_pandas(types_mapper=pd.ArrowDtype)
    if str(df["name"].dtype) != "string_view[pyarrow]":
        pytest.skip("this polars exports no string_view")
    return df


def test_reported_profile_completeness() -> None:
    df = _tester_frame()
    res = custseg.profile_completeness(df, hard=["name"], soft=[], weights=(1, 0))
    assert res.score.tolist() == [1.0, 0.0]


def test_reported_value_tier() -> None:
    df = _tester_frame()
    with pytest.raises(InputError, match="'assets' has unknown answer 'x'"):
        custseg.value_tier(df["name"].rename("assets"), ["strong", "strong"])
    tiers = custseg.value_tier(column(VIEW)(["large", None]), ["strong", "strong"])
    assert tiers.to_numpy().tolist() == ["A", "D"]


def test_reported_summarize_missing_id() -> None:
    ids = column(VIEW)(["a", None, "b"])
    with pytest.raises(InputError, match="'customer_id' has missing customer ids"):
        custseg.summarize(ids, _DATES[:3], [1.0, 2.0, 3.0])
    facts = custseg.summarize(
        column(VIEW)(["007", "7", "007"]), _DATES[:3], [1.0, 2.0, 3.0]
    )
    assert facts.customer_id.tolist() == ["007", "7"]
