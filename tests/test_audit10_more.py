"""Audit 10 leftovers: Decimal NaN of every form is a missing profile value,
and text of only '-' / '_' is a missing value tier answer."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg

nan_forms = st.builds(
    lambda sign, signalling, payload: Decimal(
        f"{sign}{'s' if signalling else ''}NaN{payload}"
    ),
    st.sampled_from(["", "-", "+"]),
    st.booleans(),
    st.sampled_from(["", "1", "123"]),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(nan_forms, st.just("Ada"), st.just(Decimal(0))), min_size=1))
def test_decimal_nan_forms_are_missing_profile_values(cells):
    """Every Decimal NaN (signed, signalling, with a payload) is missing, as
    Decimal('NaN') is, in a list and in a DataFrame; other cells are filled."""
    want = [isinstance(c, Decimal) and c.is_nan() for c in cells]
    for table in (
        {"name": cells},
        pd.DataFrame({"name": pd.Series(cells, dtype=object)}),
    ):
        score = custseg.profile_completeness(table).score
        assert [s == 0 for s in score.tolist()] == want


@settings(max_examples=20, deadline=None)
@given(st.text(alphabet="-_ ", min_size=1, max_size=4))
def test_dash_text_is_a_missing_value_tier_answer(dash):
    """Text made only of '-', '_' and blanks is missing (tier D), not refused."""
    got = custseg.value_tier([dash, "large"], ["strong", "strong"]).to_numpy().tolist()
    assert got == ["D", "A"]


# ---------------------------------------------------- whole numbers as "1.0"


def _outcome(fn):
    try:
        return ("ok", fn().to_numpy().tolist())
    except custseg.InputError as exc:
        return ("error", str(exc))


@settings(max_examples=30, deadline=None)
@given(st.integers(-3, 7), st.integers(1, 3), st.sampled_from(["", " "]))
def test_whole_number_with_zero_decimals_reads_as_the_number(n, zeros, pad):
    """'1.0' (pandas' CSV of a flag column with gaps) is the number it
    writes, in a yes/no field and on a survey scale: the same labels, or the
    same error, as the number itself."""
    text = f"{pad}{n}.{'0' * zeros}{pad}"

    def status(x):
        return custseg.customer_status([2], [9], [1], vip=[x])

    def loyalty(x):
        return custseg.loyalty_level([x], [0.9], [9])

    for make in (status, loyalty):
        got, want = _outcome(partial(make, text)), _outcome(partial(make, n))
        assert got == want


# ------------------------------------- one reader for a records file (J1)

NA_WORDS = ["NA", "N/A", "None", "NULL", "nan", "#N/A", "<NA>", "1.#IND", "#NA"]


def test_records_path_reads_like_the_cli(tmp_path):
    """``segment(records=path)`` reads a records file as ``custseg segment
    --records`` does: text as written (each of pandas' NA words, and leading
    zeros, kept), so a rules category matching that text labels the same."""
    import warnings

    from custseg.cli import main

    ids = [f"c{i}" for i in range(len(NA_WORDS))]
    owners = [f"{i:03d}" if i % 2 else str(i) for i in range(len(NA_WORDS))]
    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount\n"
        + "".join(f"{c},2024-01-0{1 + i % 9},10\n" for i, c in enumerate(ids))
    )
    (tmp_path / "rec.csv").write_text(
        "customer_id,region,owner\n"
        + "".join(
            f"{c},{w},{o}\n" for c, w, o in zip(ids, NA_WORDS, owners, strict=True)
        )
    )
    values = ", ".join(f'"{w}"' for w in NA_WORDS)
    rules = "".join(
        f'  {{ label = "r{i}", when = "region == \'{w}\'" }},\n'
        for i, w in enumerate(NA_WORDS)
    )
    (tmp_path / "shop.toml").write_text(
        'format = 1\nextends = "base"\n[fields]\n'
        f'region = {{ type = "category", values = [{values}], '
        "missing = true, optional = true }\n"
        '[segments.market]\ndefault = "unknown"\nrules = [\n' + rules + "]\n"
    )
    tx, rec, shop = (str(tmp_path / n) for n in ("tx.csv", "rec.csv", "shop.toml"))
    out = tmp_path / "cli.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(
            ["segment", tx, "--records", rec, "--rules", shop, "--output", str(out)]
        )
        api = custseg.segment(tx, records=rec, rules=shop).customers
    assert code == 0
    cli = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("customer_id")
    want = [f"r{i}" for i in range(len(NA_WORDS))]
    assert api.loc[ids, "market"].tolist() == cli.loc[ids, "market"].tolist() == want
    assert api.loc[ids, "owner"].tolist() == cli.loc[ids, "owner"].tolist() == owners
    assert api.loc[ids, "region"].tolist() == NA_WORDS


# ------------------------------- the CLI names the side file a value is in


SIDE_CASES = [
    # (records text, contacts text, what the error must say)
    ("customer_id,vip\nc1,-1\nc2,1\n", None, "in the records file '{rec}'"),
    ("customer_id,vip\nc1,1\nc1,0\n", None, "of the records file '{rec}' repeats"),
    ("member,vip\nc1,1\n", None, "'{rec}' has no customer id column"),
    (
        None,
        "customer_id,date,initiator,kind\nc1,2024-01-01,customer,gossip\n",
        "'kind' of the contacts file '{con}' has unknown answer",
    ),
    (
        "",
        None,
        "'{rec}' cannot be read as csv: the file is empty: it needs a "
        "header line naming the customer id column",
    ),
    (None, "", "one line per contact"),
]


@settings(max_examples=8, deadline=None)
@given(
    st.sampled_from(SIDE_CASES),
    st.sampled_from(["crm.csv", "CRM export 2024.csv", "客户.csv"]),
)
def test_side_file_errors_name_the_file(tmp_path_factory, case, name):
    """Errors about the values of a --records/--contacts file name that file
    (docs/cli.md: 'Errors about these files name them'), and an empty one
    is told its own layout, not the transactions'."""
    from custseg.cli import main

    records, contacts, want = case
    d = tmp_path_factory.mktemp("side")
    (d / "tx.csv").write_text(
        "customer_id,date,amount\nc1,2024-01-05,10\nc2,2024-01-06,10\n"
    )
    args = ["segment", str(d / "tx.csv"), "--preset", "base"]
    rec = con = ""
    if records is not None:
        rec = str(d / name)
        (d / name).write_text(records, encoding="utf-8")
        args += ["--records", rec]
    if contacts is not None:
        con = str(d / ("log-" + name))
        (d / ("log-" + name)).write_text(contacts, encoding="utf-8")
        args += ["--contacts", con]
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(args)
    assert code == 2
    assert want.format(rec=rec, con=con) in err.getvalue()


def test_records_in_another_encoding_have_their_own_option(tmp_path):
    """A GBK records file beside UTF-8 transactions (both with Chinese text:
    GBK would garble the transactions): the advice names --records-encoding,
    which reads it; --contacts-encoding likewise; a bad name is refused by
    option."""
    import contextlib
    import io

    from custseg.cli import main

    (tmp_path / "tx.csv").write_text(
        "customer_id,date,amount,门店\n00017,2024-01-05,10,南京\n", encoding="utf-8"
    )
    (tmp_path / "rec.csv").write_bytes("customer_id,name\n00017,王芳\n".encode("gbk"))
    (tmp_path / "con.csv").write_bytes(
        "customer_id,date,initiator,kind\n00017,2024-01-04,客户,咨询\n".encode("gbk")
    )
    args = ["segment", str(tmp_path / "tx.csv"), "--records", str(tmp_path / "rec.csv")]
    out = tmp_path / "out.csv"

    def run(*extra: str) -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main([*args, *extra])
        return code, err.getvalue()

    code, err = run()
    assert code == 2
    assert "--records-encoding gbk" in err and "records_encoding='gbk'" in err
    code, err = run("--records-encoding", "gbk", "--output", str(out))
    assert code == 0, err
    assert "王芳" in out.read_text(encoding="utf-8")
    contacts = ["--contacts", str(tmp_path / "con.csv"), "--records-encoding", "gbk"]
    code, err = run(*contacts)
    assert code == 2 and "--contacts-encoding gbk" in err
    code, err = run(*contacts, "--contacts-encoding", "gbk", "--output", str(out))
    assert code == 0, err
    assert "relationship" in out.read_text(encoding="utf-8")
    code, err = run("--records-encoding", "klingon")
    assert code == 2 and "'records_encoding' 'klingon' is not a known" in err


def test_profile_swapped_mapping_with_an_absent_column():
    """A column mapped away to another field does not also feed the field it
    is named like (hypothesis found {'f0': 'f1', 'f1': 'f0'} over a table of
    'f0' alone). Since audit 19 a mapping from a column the data does not
    have is refused (a typo left its field absent in silence); with both
    columns the swap holds."""
    with pytest.raises(custseg.ThresholdError, match="has no column 'f1'"):
        custseg.profile_completeness(
            {"f0": ["v", None]},
            fields={"f0": "f1", "f1": "f0"},
            hard=["f0", "f1"],
            soft=[],
            weights=(1, 0),
        )
    r = custseg.profile_completeness(
        {"f0": ["v", None], "f1": ["w", "w"]},
        fields={"f0": "f1", "f1": "f0"},
        hard=["f0", "f1"],
        soft=[],
        weights=(1, 0),
    )
    assert r.columns == {"f0": "f1", "f1": "f0"}


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([np.float32, np.float16]).flatmap(
        lambda t: st.lists(
            st.floats(width=32 if t is np.float32 else 16, allow_nan=False,
                      allow_infinity=False),
            min_size=1, max_size=20,
        ).map(lambda xs: np.array(xs, dtype=t))
    )
)  # fmt: skip
def test_narrow_floats_read_as_printed_at_every_magnitude(arr):
    """float32/float16 amounts are the doubles of the decimals NumPy prints,
    tiny and huge ones too (1.4660108e-37 was one unit in the last place
    off: 14660108 / 1e44 rounds twice)."""
    from custseg._validate import widen_narrow

    want = [float(str(x)) for x in arr]
    assert widen_narrow(arr).tolist() == want


def test_largest_int64_id_beside_empty_records():
    """One buyer with id 2**63 - 1 and an empty records table: pandas made
    the reindexed empty RangeIndex a RangeIndex again, adding 1 to the id
    (an overflow warning, an error under -W error); found by hypothesis in
    test_ids_audit."""
    import warnings

    tx = pd.DataFrame(
        {
            "customer_id": np.array([2**63 - 1], dtype=np.uint64),
            "date": pd.date_range("2024-01-01", periods=1),
            "amount": [1.0],
        }
    )
    recs = pd.DataFrame({"customer_id": np.array([], dtype=np.int8), "note": []})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.CustsegWarning)
        out = custseg.segment(tx, records=recs, preset="base", as_of="2024-07-01")
    assert [int(x) for x in out.customers.index] == [2**63 - 1]
    assert out.customers["present"].tolist() == ["transactions_only"]
