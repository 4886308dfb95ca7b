"""custseg.segment with customer records: joined by id, nobody dropped."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg.errors import InputError


def _segment(tx: pd.DataFrame, **kw) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        return custseg.segment(tx, as_of="2024-07-01", **kw)


def _tx(ids: list) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "customer_id": ids,
            "date": pd.date_range("2024-01-01", periods=n, freq="D"),
            "amount": np.arange(1, n + 1, dtype=float),
        }
    )


ID_SETS = st.tuples(
    st.lists(st.integers(0, 40), min_size=1, max_size=25),
    st.lists(st.integers(0, 40), max_size=25, unique=True),
    st.booleans(),
)


class TestJoin:
    @given(ID_SETS, st.randoms())
    @settings(max_examples=40, deadline=None)
    def test_every_customer_once(self, sets: tuple, rnd) -> None:
        """Each id of either input is one row; present says where it was found;
        record values follow their id whatever the records' order."""
        tx_ids, rec_ids, as_text = sets
        conv = (lambda i: f"{i:05d}") if as_text else (lambda i: i)
        tx = _tx([conv(i) for i in tx_ids])
        shuffled = list(rec_ids)
        rnd.shuffle(shuffled)
        records = pd.DataFrame(
            {
                "customer_id": [conv(i) for i in shuffled],
                "score": [float(i) for i in shuffled],
            }
        )
        out = _segment(tx, records=records).customers
        # records-only customers after the buyers, sorted too (any records' order)
        expected = sorted(set(tx_ids)) + sorted(
            i for i in shuffled if i not in set(tx_ids)
        )
        assert out.index.tolist() == [conv(i) for i in expected]
        in_tx, in_rec = set(tx_ids), set(rec_ids)
        want = [
            "both"
            if i in in_tx and i in in_rec
            else "transactions_only"
            if i in in_tx
            else "records_only"
            for i in expected
        ]
        assert out["present"].astype(str).tolist() == want
        got = out["score"].to_numpy()
        for i, g in zip(expected, got, strict=True):
            assert (np.isnan(g) and i not in in_rec) or g == float(i)

    def test_records_only_customers_have_no_purchase(self) -> None:
        """Frequency 0, monetary 0, no recency, no scores, no_purchase, class C."""
        tx = _tx(["a", "b", "b", "c"])
        records = pd.DataFrame({"customer_id": ["z", "a"], "vip": [True, False]})
        out = _segment(tx, records=records, preset="ecommerce").customers
        z = out.loc["z"]
        assert z["frequency"] == 0 and z["monetary"] == 0.0
        assert np.isnan(z["recency_days"]) and pd.isna(z["r"]) and pd.isna(z["rfm"])
        assert z["lifecycle"] == "no_purchase" and z["abc"] == "C"
        assert out["frequency"].dtype == np.int64
        assert str(out["r"].dtype) == "Int8"
        assert bool(out.loc["a", "vip"]) is False and pd.isna(out.loc["b", "vip"])

    def test_id_as_index(self) -> None:
        """Records may carry the id as their index, named like the column."""
        tx = _tx([1, 2])
        rec = pd.DataFrame({"visits": [3]}, index=pd.Index([2], name="customer_id"))
        out = _segment(tx, records=rec).customers
        assert out["visits"].tolist()[1] == 3

    def test_file_ids_keep_their_zeros(self, tmp_path: Path) -> None:
        """From files both id columns are text: 00017 and 17 stay apart (and
        the records' other columns are text as written when no rules read
        them as numbers, as on the command line)."""
        tx = tmp_path / "tx.csv"
        _tx(["00017", "17"]).to_csv(tx, index=False)
        rec = tmp_path / "rec.csv"
        rec.write_text("customer_id,visits\n00017,4\n017,1\n", encoding="utf-8")
        out = _segment(str(tx), records=str(rec)).customers
        assert out.index.tolist() == ["00017", "17", "017"]
        visits = out["visits"]
        assert visits.isna().tolist() == [False, True, False]
        assert visits[["00017", "017"]].tolist() == ["4", "1"]


class TestErrors:
    def test_id_kinds_differ(self) -> None:
        """Integer ids against text ids would match nobody: refused with the fix."""
        with pytest.raises(
            InputError,
            match=r"holds text in the customer records but integers in the transactions.*astype\(str\)",
        ):
            _segment(
                _tx([1, 2]), records=pd.DataFrame({"customer_id": ["1"], "x": [1]})
            )

    def test_duplicate_ids(self) -> None:
        """Two records for one customer are refused, with the first row."""
        rec = pd.DataFrame({"customer_id": ["a", "b", "a"], "x": [1, 2, 3]})
        with pytest.raises(
            InputError, match=r"repeats ids \(e.g. 'a'\) \(first at row 0, 2 rows"
        ):
            _segment(_tx(["a"]), records=rec)

    def test_missing_ids(self) -> None:
        """A record without an id is refused."""
        rec = pd.DataFrame({"customer_id": ["a", None], "x": [1, 2]})
        with pytest.raises(InputError, match="missing ids"):
            _segment(_tx(["a"]), records=rec)

    def test_no_id_column(self) -> None:
        """Records without the id column say which columns they have."""
        with pytest.raises(
            InputError, match=r"has no customer id column 'customer_id'.*'who'"
        ):
            _segment(_tx(["a"]), records=pd.DataFrame({"who": ["a"]}))

    def test_computed_columns_clash(self) -> None:
        """A record column named like a computed one is refused, not overwritten."""
        rec = pd.DataFrame({"customer_id": ["a"], "frequency": [3], "present": [1]})
        with pytest.raises(InputError, match="'frequency', 'present'"):
            _segment(_tx(["a"]), records=rec)

    def test_not_a_frame(self) -> None:
        """Something other than a frame or path is refused."""
        with pytest.raises(
            InputError, match="must be a pandas DataFrame or a file path"
        ):
            _segment(_tx(["a"]), records=[1, 2])


class TestContacts:
    def test_relationship_per_customer(self) -> None:
        """relationship is relationship_type of the contact log, the first
        purchase counting as the first sale; contact-only customers are kept."""
        from custseg.relationship import contact_summary, relationship_type

        tx = _tx(["a", "b", "c"])
        contacts = pd.DataFrame(
            {
                "customer_id": ["a", "a", "b", "z", "z"],
                "date": [
                    "2024-01-01",
                    "2024-01-03",
                    "2024-02-10",
                    "2024-03-01",
                    "2024-03-02",
                ],
                "initiator": ["company", "company", "customer", "company", "customer"],
                "kind": ["sale", "follow_up", "complaint", "sale", "inquiry"],
            }
        )
        res = _segment(tx, contacts=contacts)
        out = res.customers
        assert out.index.tolist() == ["a", "b", "c", "z"]
        assert out["relationship"].astype(str).tolist() == [
            "accountable",
            "reactive",
            "basic",
            "reactive",
        ]
        assert out["present"].astype(str).tolist() == [
            "both",
            "both",
            "transactions_only",
            "records_only",
        ]
        summary = contact_summary(
            contacts["customer_id"].to_numpy(),
            pd.to_datetime(contacts["date"]),
            contacts["initiator"].to_numpy(),
            contacts["kind"].to_numpy(),
            first_sale=res.facts,
            as_of=res.as_of,
        )
        direct = relationship_type(summary).to_pandas()
        assert (
            direct.reindex(out.index).astype(str).tolist()
            == out["relationship"].astype(str).tolist()
        )
        assert out["relationship"].cat.ordered

    def test_with_records_too(self) -> None:
        """Records and contacts together: present is 'both' when either names a buyer."""
        tx = _tx(["a", "b"])
        records = pd.DataFrame({"customer_id": ["a", "r"], "vip": [True, False]})
        contacts = pd.DataFrame(
            {
                "customer_id": ["b", "k"],
                "date": ["2024-01-02", "2024-01-05"],
                "initiator": ["customer", "company"],
                "kind": ["inquiry", "sale"],
            }
        )
        out = _segment(tx, records=records, contacts=contacts).customers
        assert out.index.tolist() == ["a", "b", "r", "k"]
        assert out["present"].astype(str).tolist() == [
            "both",
            "both",
            "records_only",
            "records_only",
        ]
        assert out["relationship"].astype(str).tolist() == [
            "basic",
            "reactive",
            "no_sale",
            "basic",
        ]

    def test_missing_column(self) -> None:
        """A contact log without kind is refused, naming the column."""
        contacts = pd.DataFrame(
            {"customer_id": ["a"], "date": ["2024-01-01"], "initiator": ["company"]}
        )
        with pytest.raises(
            InputError,
            match=r"'contacts' has no column 'kind' \(columns: 'customer_id', 'date', 'initiator'\)",
        ):
            _segment(_tx(["a"]), contacts=contacts)

    def test_contacts_after_as_of(self) -> None:
        """Later contacts are refused like later transactions, or dropped on request."""
        contacts = pd.DataFrame(
            {
                "customer_id": ["a", "a"],
                "date": ["2024-01-01", "2024-08-01"],
                "initiator": ["company"] * 2,
                "kind": ["sale", "follow_up"],
            }
        )
        with pytest.raises(
            InputError,
            match=r"'date' of the contacts has contacts after as_of \(2024-07-01\) \(first at row 1",
        ):
            _segment(_tx(["a"]), contacts=contacts)
        out = _segment(_tx(["a"]), contacts=contacts, after_as_of="drop").customers
        assert out["relationship"].astype(str).tolist() == ["basic"]

    def test_contact_dates_follow_date_format(self) -> None:
        """date_format applies to the contact log's dates too."""
        tx = pd.DataFrame(
            {"customer_id": ["a"], "date": ["05/01/2024"], "amount": [10.0]}
        )
        contacts = pd.DataFrame(
            {
                "customer_id": ["a", "a"],
                "date": ["05/01/2024", "08/01/2024"],
                "initiator": ["company"] * 2,
                "kind": ["sale", "follow_up"],
            }
        )
        out = _segment(tx, contacts=contacts, date_format="%d/%m/%Y").customers
        assert out["relationship"].astype(str).tolist() == ["accountable"]


class TestAnswersInAnySpelling:
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "很满意",
                        "Very Satisfied",
                        "satisfied",
                        3,
                        1,
                        "比较满意",
                        None,
                        "不满意",
                    ]
                ),
                st.one_of(st.none(), st.sampled_from([0.1, 0.3, 0.7, 0.71, 0.95])),
                st.sampled_from(["很大可能", "possible", 10, 0, 7, None, "不可能"]),
                st.sampled_from(["是", "否", "yes", "no", True, False, 1, 0, None]),
            ),
            min_size=1,
            max_size=12,
        )
    )
    @settings(max_examples=30, deadline=None)
    def test_rules_read_records_as_the_classifiers_do(self, rows: list) -> None:
        """Chinese answers, codes, 0-10 scores and yes/no reach the preset's rules
        as loyalty_level and customer_status read them; the frame keeps them as given."""
        from custseg.lifecycle import customer_status
        from custseg.loyalty import loyalty_level

        n = len(rows)
        ids = [f"c{i:02d}" for i in range(n)]  # sorted as given: rows line up
        tx = _tx(ids)
        cols = list(zip(*rows, strict=True))
        rec = pd.DataFrame(
            {
                "customer_id": ids,
                "satisfaction": pd.Series(cols[0], dtype=object),
                "repurchase": pd.Series(cols[1], dtype=float),
                "referral": pd.Series(cols[2], dtype=object),
                "vip": pd.Series(cols[3], dtype=object),
                "interested": [False] * n,
            }
        )
        res = _segment(tx, preset="ecommerce", records=rec)
        out = res.customers
        want = loyalty_level(
            np.array(cols[0], dtype=object),
            np.array(cols[1], dtype=float),
            np.array(cols[2], dtype=object),
        )
        assert out["loyalty"].astype(str).tolist() == want.to_numpy().tolist()
        status = customer_status(
            out["frequency"].to_numpy(),
            out["tenure_days"].to_numpy(),
            out["recency_days"].to_numpy(),
            interested=np.zeros(n, dtype=bool),
            vip=np.array(cols[3], dtype=object),
            thresholds=custseg.StatusThresholds(
                new_days=45, loyal_orders=3, lost_days=270
            ),
        )
        assert out["status_crm"].astype(str).tolist() == status.to_numpy().tolist()
        assert out["satisfaction"].tolist() == [
            None if x is None else x for x in cols[0]
        ]

    def test_unknown_spelling_is_named(self) -> None:
        """A typo in the records is an error naming it, never a silent missing."""
        rec = pd.DataFrame({"customer_id": ["a"], "satisfaction": ["meh"]})
        with pytest.raises(InputError, match="unknown answer 'meh'"):
            _segment(_tx(["a"]), preset="ecommerce", records=rec)
