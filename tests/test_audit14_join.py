"""A fourteenth audit: records joined to the buyers, and the migration's own
class names (findings Q2, Q7, Q8).

Integer record columns became float64 as soon as one buyer had no record
(card numbers beyond 2**53 rounded, 15-digit exponents in the file); the
"no id matches" warning named a contact's own id as the transactions'; a
label column with a class called ``missing`` and empty cells stopped
``migrate`` and ``report --previous`` with a fix neither command has.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from conftest import HAS_PYARROW
from custseg import cli
from custseg.datasets import simulate_transactions
from custseg.frame import read_table, write_table

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]
_INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def _segment(tx: pd.DataFrame, **kw: object) -> custseg.SegmentResult:
    with warnings.catch_warnings():  # (a few customers: unstable-edges notes)
        warnings.simplefilter("ignore")
        return custseg.segment(tx, bins=2, **kw)


_TX = pd.DataFrame(
    {
        "customer_id": ["c1", "c2", "c3"],
        "date": ["2024-01-05", "2024-02-05", "2024-02-07"],
        "amount": [10.0, 20.0, 30.0],
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(st.sampled_from(_INTS), st.data())
def test_integer_record_columns_stay_exact_beside_buyers_without_a_record(
    tmp_path: Path, dtype: str, data: st.DataObject
) -> None:
    info = np.iinfo(dtype)
    values = data.draw(
        st.lists(st.integers(int(info.min), int(info.max)), min_size=2, max_size=2)
    )
    rec = pd.DataFrame(
        {"customer_id": ["c1", "c9"], "card_no": np.array(values, dtype=dtype)}
    )
    out = _segment(_TX, records=rec).customers
    card = out["card_no"]
    assert pd.api.types.is_integer_dtype(card.dtype) and card.isna().tolist() == [
        False,
        True,
        True,
        False,
    ]
    assert [int(card["c1"]), int(card["c9"])] == values  # not through float64
    path = tmp_path / "out.csv"
    write_table(out, path)
    back = read_table(path, text_columns=["customer_id", "card_no"])
    assert back["card_no"].isna().tolist() == [False, True, True, False]
    assert back["card_no"].dropna().tolist() == [str(values[0]), str(values[1])]


def test_no_match_warning_names_a_buyer_of_the_transactions() -> None:
    contacts = pd.DataFrame(
        {
            "customer_id": ["c9"],
            "date": ["2024-01-02"],
            "initiator": ["company"],
            "kind": ["sale"],
        }
    )
    notes = [str(d) for d in _segment(_TX, contacts=contacts).diagnostics]
    (note,) = [n for n in notes if "none of the" in n]
    assert "such as 'c9' there and 'c1' in the transactions" in note
    rec = pd.DataFrame({"customer_id": ["0c1", "x"], "vip": ["yes", "no"]})
    (note,) = [
        str(d) for d in _segment(_TX, records=rec).diagnostics if "none of" in str(d)
    ]
    assert "such as '0c1' there and 'c1' in the transactions" in note  # the pair


@settings(max_examples=4, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    st.sampled_from(["missing", "missing*"]),
    st.sampled_from(["csv", "parquet"] if HAS_PYARROW else ["csv"]),
)
def test_a_class_called_missing_beside_empty_labels(
    tmp_path: Path, name: str, ext: str
) -> None:
    tx = simulate_transactions(120, seed=1)
    tx.to_csv(tmp_path / "tx.csv", index=False)
    seg = _segment(tx).customers.reset_index()
    before = seg.copy()
    before["lifecycle"] = before["lifecycle"].astype(object)
    before.loc[:4, "lifecycle"] = None
    before.loc[5:9, "lifecycle"] = name
    b, a = tmp_path / f"before.{ext}", tmp_path / f"after.{ext}"
    for frame, path in ((before, b), (seg, a)):
        frame.to_parquet(path) if ext == "parquet" else frame.to_csv(path, index=False)
    code, out, err = _run(["migrate", str(b), str(a), "--column", "lifecycle"])
    assert code == 0, err
    table = out.split("share of the row")[0].splitlines()[4:]  # after the header
    rows = [line.split()[0] for line in table if line.strip()]
    assert name in rows and any(r.startswith("missing") and r != name for r in rows)
    code, out, err = _run(
        [
            "report",
            str(tmp_path / "tx.csv"),
            "--previous",
            str(b),
            "--no-charts",
            "--output",
            str(tmp_path / "r.html"),
        ]
    )
    assert code == 0, err


def test_report_sentences_keep_sub_cent_amounts() -> None:
    """Q3 in the page: the ABC cuts and the refunds' total of a 3-decimal
    currency were written in cents ("A from 0.00, B from 0.00")."""
    rng = np.random.default_rng(2)
    n = 60
    tx = pd.DataFrame(
        {
            "customer_id": [f"k{i:03d}" for i in range(n)],
            "date": [f"2024-0{1 + i % 9}-1{i % 9}" for i in range(n)],
            "amount": np.round(rng.uniform(0.001, 0.009, n), 3),
        }
    )
    tx.loc[0, "amount"] = -0.003  # a refund
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = custseg.report(tx, charts=False)
        edges = rep.result.abc_edges
    assert edges is not None and edges.a_min < 0.01
    assert f"A from {edges.a_min:,}" in rep.html and "A from 0.00," not in rep.html
