"""Audit 27: findings of the twenty-seventh audit, and leftovers of earlier ones.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.labels import Labels

# --------------------------------------------------------------------------
# Labels are a column of names: NumPy and pandas read them as one, not as one
# object (np.asarray gave a 0-d array; df["x"] = labels put the Labels object
# in every row; pd.Series(labels) had one row)


@st.composite
def labels(draw: st.DrawFn) -> Labels:
    names = draw(st.lists(st.text(max_size=3), min_size=1, max_size=4, unique=True))
    n = draw(st.integers(0, 6))
    codes = draw(st.lists(st.integers(0, len(names) - 1), min_size=n, max_size=n))
    index = draw(st.sampled_from([None, "ids", "range"]))
    idx = (
        None
        if index is None
        else pd.Index([f"c{i}" for i in reversed(range(n))])
        if index == "ids"
        else pd.RangeIndex(n)
    )
    return Labels(codes, names, ordered=draw(st.booleans()), index=idx)


@settings(max_examples=40, deadline=None)
@given(lab=labels())
def test_labels_read_as_their_rows(lab: Labels) -> None:
    expected = lab.to_numpy().tolist()
    arr = np.asarray(lab)
    assert arr.shape == (len(lab),)
    assert arr.tolist() == expected
    assert np.asarray(lab, dtype=object).tolist() == expected
    assert list(lab) == expected
    assert pd.Series(lab, dtype=object).tolist() == expected
    frame = pd.DataFrame({"v": range(len(lab))})
    frame["label"] = lab  # by position, as any array
    assert frame["label"].astype(object).tolist() == expected
    # the codes stay frozen, and the labels unchanged
    with pytest.raises(ValueError):
        arr_codes = lab.codes
        arr_codes[:1] = 0 if len(arr_codes) else arr_codes[:1]
        if not len(arr_codes):
            raise ValueError
    with pytest.raises(ValueError, match="new array"):
        np.asarray(lab, copy=False)


def test_classifier_result_into_its_frame() -> None:
    """The idiom ``df["stage"] = lifecycle_stage(df["recency"])`` gives each
    row its own stage."""
    df = pd.DataFrame({"recency": [5, 400, 100]}, index=["c", "a", "b"])
    df["stage"] = custseg.lifecycle_stage(df["recency"])
    assert df["stage"].tolist() == ["active", "lost", "silent"]
    assert df["stage"].tolist() == (
        custseg.lifecycle_stage(df["recency"]).to_pandas().reindex(df.index).tolist()
    )


# --------------------------------------------------------------------------
# A segment that comes out empty: zero customers, zero labels


@pytest.mark.parametrize("nan", ["raise", "unknown"])
@pytest.mark.parametrize(
    "empty",
    [
        [],
        np.array([], dtype=float),
        pd.Series([], dtype="Int64"),
        pd.Series([], dtype=object),
    ],
    ids=["list", "float", "Int64", "object"],
)
def test_abc_classes_of_no_customer(nan: str, empty: Any) -> None:
    lab = custseg.abc_classes(empty, nan=nan)  # type: ignore[arg-type]
    assert len(lab) == 0
    assert lab.names[:3] == ("A", "B", "C")
    assert ("unknown" in lab.names) == (nan == "unknown")
    with pytest.raises(custseg.errors.InputError, match="no positive value"):
        custseg.abc_classes([0.0, -1.0], nan=nan)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# One way to show a share and a figure: the printed report, the HTML report,
# reprs and charts (1 customer of 3,001 was "0.0%" in the tables, like none;
# 12.5 printed "12" on the command line and "13" in the HTML page)


@settings(max_examples=200, deadline=None)
@given(
    x=st.one_of(
        st.floats(-2, 2),
        st.integers(0, 10**6).map(lambda k: k / 10**6),
        st.integers(-20_000, 20_000).map(lambda k: k / 2000),  # halves of a tenth
    )
)
def test_percent_is_none_or_all_only_when_it_is(x: float) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    from custseg import _display

    text = _display.percent(x)
    if x == 0:
        assert text == "0.0%"
    elif x == 1:
        assert text == "100.0%"
    else:
        assert text not in ("0.0%", "100.0%", "-0.0%")
        if text[0] not in "<>":
            want = Decimal(repr(100 * x)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert text == f"{want:z,.1f}%"


@settings(max_examples=100, deadline=None)
@given(
    x=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.integers(-(10**6), 10**6).map(lambda k: k / 2),
    ),
    digits=st.sampled_from([0, 1, 2]),
)
def test_printed_and_html_reports_show_one_text(x: float, digits: int) -> None:
    from custseg import cli, reporting

    assert cli._share(x).strip() == (
        reporting._share(x).text if np.isfinite(x) else "-"
    )
    html = reporting._number(x, digits)
    assert cli._number(x, digits) == (html.text if np.isfinite(x) else "-")


def test_one_customer_of_many_is_not_shown_as_none(tmp_path: Any, capsys: Any) -> None:
    from custseg import cli

    rows = ["customer_id,date,amount"]
    rows += [f"c{i},2024-12-20,10" for i in range(3000)]
    rows += ["old,2024-01-01,10"]
    (tmp_path / "tx.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["segment", str(tmp_path / "tx.csv"), "--as-of", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    lost = next(line for line in out.splitlines() if line.startswith("lost "))
    assert lost.split()[2:4] == ["<0.1%", "<0.1%"]
    active = next(line for line in out.splitlines() if line.startswith("active "))
    assert active.split()[2:4] == [">99.9%", ">99.9%"]
    html = tmp_path / "r.html"
    assert (
        cli.main(
            [
                "report",
                str(tmp_path / "tx.csv"),
                "--as-of",
                "2024-12-31",
                "--no-charts",
                "--output",
                str(html),
            ]
        )
        == 0
    )
    page = html.read_text(encoding="utf-8")
    lifecycle = page[page.index('data-column="lifecycle"') :]
    for stage, want in [("lost", "&lt;0.1%"), ("active", "&gt;99.9%")]:
        row = lifecycle[lifecycle.index(f'<th scope="row">{stage}</th>') :]
        cells = re.findall(r">([^<>]*)</td>", row[: row.index("</tr>")])
        assert cells[1] == want and want in cells, (stage, cells)


# --------------------------------------------------------------------------
# Contact dates that ISO 8601 / YYYYMMDD and the transactions' date_format
# both read, as two days, are refused (as as_of is), never read one way


@settings(max_examples=25, deadline=None)
@given(
    fmt=st.sampled_from(["%Y%d%m", "%Y-%d-%m"]),
    month=st.integers(1, 12),
    day=st.integers(1, 12),
)
def test_contact_dates_read_two_ways_are_refused(
    fmt: str, month: int, day: int
) -> None:
    import datetime
    import warnings

    first = datetime.date(2023, 1, 1)
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c1"],
            "date": [first.strftime(fmt), datetime.date(2023, 1, 2).strftime(fmt)],
            "amount": [10.0, 20.0],
        }
    )
    meant = datetime.date(2024, month, day)
    contacts = pd.DataFrame(
        {
            "customer_id": ["c1"],
            "date": [meant.strftime(fmt)],
            "initiator": ["company"],
            "kind": ["follow_up"],
        }
    )
    kw: dict[str, Any] = {"date_format": fmt, "as_of": "2024-12-31T00:00"}
    warnings.simplefilter("ignore", custseg.errors.CustsegWarning)  # 1 customer
    if month == day:  # both readings are one day
        res = custseg.segment(tx, contacts=contacts, **kw)
        iso = custseg.segment(
            tx, contacts=contacts.assign(date=[meant.isoformat()]), **kw
        )
        assert res.customers["relationship"].equals(iso.customers["relationship"])
    else:
        with pytest.raises(custseg.errors.InputError, match="read as ISO 8601") as err:
            custseg.segment(tx, contacts=contacts, **kw)
        assert meant.isoformat() in str(err.value)
