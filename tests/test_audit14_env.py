"""A fourteenth audit: settings of the user's process (findings R6-R8).

Ids in the records' messages were printed as NumPy reprs
(``np.int64(20)``, or ``20`` under the user's ``legacy`` print options);
``np.seterr(all="raise")`` made the Pareto and Lorenz figures of values far
apart in size fail with a bare ``FloatingPointError`` (an underflow NumPy
ignores by default); records with columns on two levels silently lost the
segmentations that read them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import CustsegError, InputError

_TX = pd.DataFrame(
    {
        "customer_id": [10, 20, 30],
        "date": ["2024-01-01", "2024-02-01", "2024-03-01"],
        "amount": [1.0, 2.0, 3.0],
    }
)


def _segment(records: pd.DataFrame) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.segment(
            _TX, preset="ecommerce", as_of="2024-04-01", records=records
        )


@pytest.mark.parametrize("ids", [[10, 20, 30], [2**63 - 1, 20, 7]])
def test_record_messages_show_ids_as_written(ids: list) -> None:
    tx = _TX.assign(customer_id=ids)
    rec = pd.DataFrame({"customer_id": ids, "nps": [3, 11, 5]})
    with pytest.raises(InputError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        custseg.segment(tx, preset="ecommerce", as_of="2024-04-01", records=rec)
    assert f"first for customer {ids[1]!r}," in str(err.value)
    assert "np." not in str(err.value)
    dup = pd.DataFrame({"customer_id": [ids[0], ids[0]], "vip": [True, False]})
    with pytest.raises(InputError, match=rf"repeats ids \(e\.g\. {ids[0]!r}\)"):
        _segment(dup)


_MAGNITUDES = st.lists(
    st.floats(min_value=-320, max_value=308).map(lambda e: 10.0**e),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(_MAGNITUDES)
def test_pareto_figures_ignore_the_users_floating_point_traps(values: list) -> None:
    functions = (
        custseg.abc_classes,
        custseg.abc_edges,
        custseg.lorenz_curve,
        custseg.pareto_summary,
    )

    def outcome(fn: object) -> object:
        try:
            result = fn(values)  # type: ignore[operator]
        except CustsegError as exc:
            return type(exc).__name__, str(exc)
        return repr(result)

    plain = [outcome(fn) for fn in functions]
    with np.errstate(all="raise"):  # a common debugging setting
        trapped = [outcome(fn) for fn in functions]
    assert trapped == plain


def test_records_with_columns_on_two_levels_are_refused() -> None:
    plain = pd.DataFrame({"customer_id": [10, 20, 30], "nps": [10, 2, 7]})
    assert "nps_band" in _segment(plain).customers
    multi = plain.copy()
    multi.columns = pd.MultiIndex.from_tuples([(c, "") for c in plain.columns])
    with pytest.raises(InputError, match=r"several levels .*get_level_values"):
        _segment(multi)


# --- R9: 'today', 'now', a year or a month alone in a frame's date text ---


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["today", "now", "Today", "NOW", "2024", "2024-03", "202403"]),
    st.sampled_from(["transactions", "contacts", "as_of"]),
    st.sampled_from([" {}", "{}", "{} "]),
)
def test_dates_that_name_no_day_are_refused_on_every_route(
    word: str, where: str, pad: str
) -> None:
    text = pad.format(word)
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": ["2024-01-05", text if where == "transactions" else "2024-02-01"],
            "amount": [10.0, 20.0],
        }
    )
    contacts = pd.DataFrame(
        {
            "customer_id": ["a"],
            "date": [text if where == "contacts" else "2024-01-06"],
            "initiator": ["company"],
            "kind": ["sale"],
        }
    )
    as_of = text if where == "as_of" else "2024-06-01"
    with (
        pytest.raises(InputError, match=r"not a day|not dates|not a date"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        custseg.segment(tx, contacts=contacts, as_of=as_of, bins=2)


def test_dates_on_the_first_or_today_still_read() -> None:
    today = pd.Timestamp.now().strftime("%Y-%m-%d")
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["2024-03-01", "2024-03-01 00:00:00", today],
            "amount": [10.0, 20.0, 5.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        facts = custseg.segment(tx, bins=2).customers
    assert facts["frequency"].tolist() == [1, 1, 1]


# --- R4: month names are read in the process's LC_TIME locale ---


@pytest.mark.parametrize(
    ("current", "noted"),
    [
        ("de_DE.UTF-8", True),
        ("tr_TR.UTF-8", True),
        ("C", False),
        ("en_US.UTF-8", False),
    ],
)
def test_month_names_that_do_not_parse_name_the_locale(
    monkeypatch: pytest.MonkeyPatch, current: str, noted: bool
) -> None:
    import locale

    real = locale.setlocale

    def query(category: int, value: str | None = None) -> str:
        return current if value is None else real(category, value)

    monkeypatch.setattr(locale, "setlocale", query)
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["15 Mär 2024"], "amount": [1.0]})
    for fmt in (None, "%d %b %Y"):
        with pytest.raises(InputError) as err:
            custseg.segment(tx, as_of="2025-01-01", date_format=fmt)
        assert (f"LC_TIME locale, {current!r}" in str(err.value)) == noted
