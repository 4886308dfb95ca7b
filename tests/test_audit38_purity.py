"""Audit 38, purity: custseg's answers do not follow NumPy's print options.

``np.set_printoptions(legacy="1.13")`` (process-wide state a caller may
set, as old test suites do for their doctests) makes NumPy write numbers
with 12 significant digits: ``str()`` of a NumPy number, ``astype(str)``
and pandas' ``to_csv`` then give ``0.3`` for ``0.30000000000000004`` and
``9.00719925474e+15`` for ``np.longdouble(2) ** 53 + 1``. custseg read
wide floats through that text (amounts summed as another number where
they are refused by default), named narrow and wide floats by it (tags
``0.0999756``, or a refusal of two values that "read alike") and wrote CSV
files with it (digits lost). Each property compares the answer under
``legacy="1.13"`` with the answer under NumPy's defaults.
"""

from __future__ import annotations

import threading

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg._files import write_table
from custseg._validate import exact_number, wide_number
from custseg.errors import InputError

LEGACY = {"legacy": "1.13"}
DAYS = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


def legacy() -> object:
    return np.printoptions(**LEGACY)


# --------------------------------------------------------------------------
# wide floats (np.longdouble) read as the decimal they are


def test_longdouble_amount_beyond_float64_is_refused_under_legacy_print() -> None:
    amounts = np.array([2**53 + 1, 1], dtype=np.longdouble)
    if amounts[0] == amounts[0] - 1:  # pragma: no cover - longdouble is double
        pytest.skip("np.longdouble is float64 here")
    with legacy(), pytest.raises(InputError, match=r"9007199254740993"):
        custseg.summarize(["a", "b"], DAYS, amounts)


def test_longdouble_thirds_are_refused_under_legacy_print() -> None:
    amounts = np.array([1, 2], dtype=np.longdouble) / 3
    if amounts[0] == np.float64(amounts[0]):  # pragma: no cover
        pytest.skip("np.longdouble is float64 here")
    with legacy(), pytest.raises(InputError, match=r"beyond 2\*\*53"):
        custseg.summarize(["a", "a"], DAYS, amounts)


@settings(max_examples=60, deadline=None)
@given(x=finite, k=st.integers(-3, 3))
def test_wide_numbers_do_not_follow_the_print_options(x: float, k: int) -> None:
    with np.errstate(all="ignore"):
        value = np.longdouble(x) + np.longdouble(k) * np.spacing(np.longdouble(x))
    expected = wide_number(value), exact_number(value)
    with legacy():
        assert (wide_number(value), exact_number(value)) == expected
        assert np.get_printoptions()["legacy"] == "1.13"  # theirs, kept


# --------------------------------------------------------------------------
# names of narrow and wide floats


@getattr(hypothesis, "custseg_unscaled", settings)(max_examples=40, deadline=None)
@given(
    xs=st.lists(finite, min_size=1, max_size=6),
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
)
def test_tag_names_of_numbers_do_not_follow_the_print_options(
    xs: list[float], dtype: type
) -> None:
    with np.errstate(all="ignore"):
        column = np.array(xs).astype(dtype)
    column = column[np.isfinite(column)]
    try:
        expected: object = custseg.tags_from_values(column).names
    except custseg.CustsegError as error:
        expected = type(error)
    with legacy():
        try:
            got: object = custseg.tags_from_values(column).names
        except custseg.CustsegError as error:
            got = type(error)
    assert got == expected


def test_float16_tags_and_close_floats_under_legacy_print() -> None:
    with legacy():
        half = custseg.tags_from_values(np.array([0.1, 0.2], dtype=np.float16))
        close = custseg.tags_from_values(np.array([0.1 + 0.2, 0.3]))
        mapped = custseg.tags_from_values(
            np.array([0.1 + 0.2, 0.3]), {np.float64(0.1 + 0.2): "a", 0.3: "b"}
        )
    assert half.names == ("0.1", "0.2")  # was ('0.0999756', '0.199951')
    assert close.names == ("0.3", "0.30000000000000004")  # was an InputError
    assert mapped.sizes() == {"a": 1, "b": 1}  # was a ThresholdError


# --------------------------------------------------------------------------
# files written


@settings(max_examples=30, deadline=None)
@given(xs=st.lists(finite, min_size=1, max_size=5))
def test_written_numbers_do_not_follow_the_print_options(
    tmp_path_factory: pytest.TempPathFactory, xs: list[float]
) -> None:
    folder = tmp_path_factory.mktemp("out")
    df = pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(xs))], "x": xs})
    write_table(df, folder / "plain.csv")
    with legacy():
        write_table(df, folder / "legacy.csv")
    plain = (folder / "plain.csv").read_text()
    assert (folder / "legacy.csv").read_text() == plain


def test_write_table_keeps_every_digit_under_legacy_print(tmp_path) -> None:
    df = pd.DataFrame({"customer_id": [1, 2], "x": [0.1 + 0.2, 1234567890123.25]})
    with legacy():
        write_table(df, tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text().splitlines()
    # was 1,0.3 and 2,1.23456789012e+12
    assert lines[1:] == ["1,0.30000000000000004", "2,1234567890123.25"]


# --------------------------------------------------------------------------
# the guard itself: context-local, restores the caller's options


def test_numpy_text_is_context_local_and_restores() -> None:
    from custseg._threads import numpy_str, numpy_text

    seen: list[str] = []

    def other() -> None:  # another thread keeps its own (default) options
        seen.append(str(np.float64(0.1 + 0.2)))

    with legacy():
        with numpy_text():
            assert str(np.float64(0.1 + 0.2)) == "0.30000000000000004"
        assert str(np.float64(0.1 + 0.2)) == "0.3"  # the caller's, back
        assert numpy_str(np.float16(0.1)) == "0.1"
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen == ["0.30000000000000004"]


# --------------------------------------------------------------------------
# results and the caller's ids: no Index object shared (names are mutable)


def _inputs() -> tuple[pd.Index, pd.Series, pd.Series, pd.Series]:
    idx = pd.Index(["a", "b", "c"], name="customer_id")
    return (
        idx,
        pd.Series([5.0, 400.0, 40.0], index=idx),
        pd.Series([1, 3, 2], index=idx),
        pd.Series([10.0, 50.0, 20.0], index=idx),
    )


def _facts(r: pd.Series, f: pd.Series, m: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"recency_days": r, "frequency": f, "monetary": m, "tenure_days": r + 10}
    )


RESULTS = {
    "lifecycle_stage": lambda r, f, m: custseg.lifecycle_stage(r),
    "rfm_scores": lambda r, f, m: custseg.rfm_scores(r, f, m),
    "abc_classes": lambda r, f, m: custseg.abc_classes(m),
    "evaluate": lambda r, f, m: custseg.rules.preset("base").evaluate(
        [_facts(r, f, m), custseg.rfm_scores(r, f, m)]
    ),
    "profile_completeness": lambda r, f, m: custseg.profile_completeness(
        pd.DataFrame({"name": ["x", None, "y"]}, index=r.index)
    ),
    "actions": lambda r, f, m: custseg.actions(
        custseg.lifecycle_stage(r), custseg.default_playbook("lifecycle")
    ),
}


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")  # uncovered labels
@pytest.mark.parametrize("name", sorted(RESULTS))
def test_renaming_a_results_index_leaves_the_callers_and_its_own(name: str) -> None:
    idx, r, f, m = _inputs()
    result = RESULTS[name](r, f, m)
    out = result.to_pandas()
    out.index.name = "member"  # a common pandas idiom on the result
    assert idx.name == r.index.name == "customer_id"  # the caller's ids
    assert result.to_pandas().index.name == "customer_id"  # the result's own


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")
@pytest.mark.parametrize(
    "name", ["evaluate", "profile_completeness", "rfm_scores"]
)  # (Labels made their index their own already)
def test_renaming_the_callers_index_later_leaves_the_result(name: str) -> None:
    idx, r, f, m = _inputs()
    result = RESULTS[name](r, f, m)
    idx.name = "changed_later"  # the Index r, f and m share
    assert result.to_pandas().index.name == "customer_id"


@pytest.mark.filterwarnings("ignore::custseg.CustsegWarning")
def test_action_plan_holds_its_own_index() -> None:
    r = _inputs()[1]
    stage = custseg.lifecycle_stage(r)
    plan = custseg.actions(stage, custseg.default_playbook("lifecycle"))
    plan.index.name = "member"  # was the Labels' own Index object
    assert stage.index.name == "customer_id"
    assert stage.to_pandas().index.name == "customer_id"
