"""Audit 26: findings of the twenty-sixth audit, and leftovers of earlier ones.

Each test covers the class of a finding, not only its example.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import _display
from custseg.datasets import simulate_transactions
from custseg.errors import ThresholdError

# --------------------------------------------------------------------------
# Shares: a count that is neither none nor all is never shown as 0.0% or 100.0%


@settings(max_examples=60, deadline=None)
@given(total=st.integers(1, 10**9), data=st.data())
def test_share_text_never_says_none_or_all_wrongly(total: int, data: Any) -> None:
    """One customer in 100,000 showed as "0.0%" in every repr (ActionPlan,
    Labels, migration): it reads as nobody. A share is "0.0%" only for
    none, "100.0%" only for all; otherwise within a tenth of its value."""
    count = data.draw(st.integers(0, total))
    text = str(_display.share(count, total))
    if count == 0:
        assert text == "0.0%"
    elif count == total:
        assert text == "100.0%"
    else:
        assert text not in ("0.0%", "100.0%")
        if text.startswith("<"):
            assert text == "<0.1%" and 100 * count / total < 0.05
        elif text.startswith(">"):
            assert text == ">99.9%" and 100 * count / total >= 99.95
        else:
            assert abs(float(text[:-1]) - 100 * count / total) <= 0.05 + 1e-9


def test_repr_names_a_rare_class() -> None:
    labels = custseg.Labels(
        np.r_[np.zeros(99_999, np.int8), 1], ("active", "lost"), ordered=True
    )
    assert "lost <0.1%" in repr(labels)
    assert "active >99.9%" in repr(labels)


# --------------------------------------------------------------------------
# A zero-width joiner or non-joiner alone is no value


_JOINERS = "\u200c\u200d"


@settings(max_examples=40, deadline=None)
@given(
    blank=st.text(alphabet=" \t\u3000\u200b\ufeff" + _JOINERS, min_size=1, max_size=6),
    word=st.sampled_from(["tea", "茶", "👨\u200d👩"]),
)
def test_joiners_alone_are_a_missing_profile_field(blank: str, word: str) -> None:
    """A name of only U+200D counted as a filled profile field, and as a tag:
    it shows nothing. At a text's ends the joiners join nothing and are
    stripped like whitespace; inside a word (an emoji sequence) they stay."""
    data = pd.DataFrame({"name": [blank, word, blank + word + blank]})
    score = custseg.profile_completeness(data).score
    assert score[0] == 0
    assert score[1] == score[2] > 0
    tags = custseg.tags_from_values([blank, word + "," + blank])
    assert list(tags.names) == [word]


# --------------------------------------------------------------------------
# bins with None: "the rules' count" for that dimension, in Python as on the CLI


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return simulate_transactions(300, seed=3)


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")  # empty scores
@pytest.mark.parametrize("preset", [None, "ecommerce"])
@pytest.mark.parametrize("f_bins", [3, 5, 7])
def test_bins_with_none_take_the_rules_count(
    tx: pd.DataFrame, preset: str | None, f_bins: int
) -> None:
    """``segment(bins=(None, 4, None))`` was refused: Python could not say
    "the rules' count for R and M" as ``custseg segment --f-bins 4`` does.
    None in the tuple is that count (5 without rules), fixed edges stay, and
    the result equals the one with the counts written out."""
    rs = custseg.rules.preset(preset) if preset else None
    full = custseg.rfm.rules_bins((None, f_bins, None), rs)
    assert full[1] == f_bins
    kwargs: dict[str, Any] = {"preset": preset} if preset else {}
    try:
        want = custseg.segment(tx, bins=full, **kwargs)
    except ThresholdError as e:  # the rules are written for 5 f scores
        with pytest.raises(ThresholdError, match="rules declare field 'f'"):
            custseg.segment(tx, bins=(None, f_bins, None), **kwargs)
        assert preset and "f" in str(e)
        return
    got = custseg.segment(tx, bins=(None, f_bins, None), **kwargs)
    assert got.edges == want.edges
    pd.testing.assert_frame_equal(got.customers, want.customers)
    again = got.apply(tx, edges=None)
    assert again.edges == got.edges
    # beside edges, a None agrees with any count
    custseg.segment(tx, edges=got.edges, bins=(None, f_bins, None), **kwargs)
    with pytest.raises(ThresholdError, match="carry their own bins"):
        custseg.segment(tx, edges=got.edges, bins=(None, f_bins + 1, None), **kwargs)


@pytest.mark.parametrize("bad", [(None, 1, None), (None, None), (None, "4", None)])
def test_bins_with_none_still_checked(tx: pd.DataFrame, bad: Any) -> None:
    with pytest.raises(ThresholdError, match="'bins'"):
        custseg.segment(tx, bins=bad)


# --------------------------------------------------------------------------
# Row numbers left by a filter or a sort are never customer ids


_STAGES = ("active", "silent", "lost")


def _period(rnd: Any, names: list[str]) -> pd.DataFrame:
    order = list(names)
    rnd.shuffle(order)
    return pd.DataFrame(
        {"member": order, "lifecycle": [_STAGES[len(n) % 3] for n in order]}
    )


@settings(max_examples=30, deadline=None)
@given(
    names=st.lists(st.sampled_from("abcdefgh"), min_size=2, max_size=8, unique=True),
    drop=st.integers(0, 7),
    rnd=st.randoms(use_true_random=False),
)
def test_filtered_flat_frames_never_pair_by_row_number(
    names: list[str], drop: int, rnd: Any
) -> None:
    """Two flat frames (ids in a ``member`` column), filtered: their unnamed
    Int64 indexes were read as customer ids, and customers moved who never
    did. A flat frame of several columns indexed by unnamed integers is
    refused, as its RangeIndex form is; by id it gives nobody moved."""
    jan, feb = _period(rnd, names), _period(rnd, names)
    gone = names[drop % len(names)]
    j, f = jan[jan.member != gone], feb[feb.member != gone]
    for a, b in ((j, f), (j.sort_values("lifecycle"), f)):
        with pytest.raises(custseg.InputError, match="indexed by row numbers"):
            custseg.transition_matrix(a, b, column="lifecycle")
    tm = custseg.transition_matrix(
        j.set_index("member"), f.set_index("member"), column="lifecycle"
    )
    assert tm.stayed == 1.0


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_report_previous_flat_frame_in_any_row_order() -> None:
    """``report(previous=flat)`` took a reordered flat frame's unnamed Int64
    index as the ids: its first column is the ids, whatever the order."""
    tx = pd.DataFrame(
        {
            "customer_id": [0, 1, 2, 0, 2],
            "date": [
                "2024-03-10",
                "2023-10-01",
                "2023-05-01",
                "2024-06-20",
                "2023-11-01",
            ],
            "amount": [50.0, 20.0, 10.0, 30.0, 5.0],
        }
    )
    prev = custseg.segment(tx[tx.date < "2024-04-01"], as_of="2024-04-01")
    cur = custseg.segment(tx, as_of="2024-07-01")
    flat = prev.customers.reset_index().rename(columns={"customer_id": "id"})
    from custseg.reporting import _previous_object

    want = _previous_object(flat)
    for order in ([2, 0, 1], [1, 2, 0], [2, 1]):
        got = _previous_object(flat.iloc[order])
        pd.testing.assert_frame_equal(got, want.loc[got.index])
    page = custseg.report(cur, previous=flat.iloc[[2, 0, 1]], charts=False).html
    assert page == custseg.report(cur, previous=flat, charts=False).html


# --------------------------------------------------------------------------
# Results whose ids were given as a list or an array pair by those ids


@settings(max_examples=30, deadline=None)
@given(
    perm=st.permutations(range(4)),
    kind=st.sampled_from(["list", "tuple", "array"]),
)
def test_labels_with_sequence_index_pair_by_id(perm: list[int], kind: str) -> None:
    """``Labels(..., index=["d", "c", "b", "a"])`` was paired by position
    with Series indexed by id (nps, reassign_neglected), or crashed with an
    AttributeError (segment_summary, transition_matrix, ==, actions). Its
    ids are ids: the same order pairs, another order is refused."""
    ids = ["a", "b", "c", "d"]
    mine = [ids[i] for i in perm]
    index: Any = {"list": mine, "tuple": tuple(mine), "array": np.array(mine)}[kind]
    grp = custseg.Labels([0, 0, 1, 1], ("x", "y"), index=index)
    same = pd.Index(mine, name="customer_id")
    scores = pd.Series([10, 10, 0, 0], index=same)
    assert custseg.nps(scores, by=grp).to_pandas()["nps"].tolist() == [100.0, -100.0]
    other = pd.Index(ids if mine != ids else ids[::-1], name="customer_id")
    facts = pd.DataFrame(
        {"recency_days": [1, 2, 3, 4], "frequency": [1] * 4, "monetary": [1.0] * 4},
        index=other,
    )
    calls = [
        lambda: custseg.nps(scores.set_axis(other), by=grp),
        lambda: custseg.segment_summary(grp, facts),
        lambda: grp == pd.Series(list("xyxy"), index=other),
        lambda: custseg.actions(
            custseg.Labels([0, 1, 2, 0], _STAGES, index=index),
            custseg.default_playbook("lifecycle"),
            recency_days=pd.Series([5, 40, 400, 9], index=other),
        ),
    ]
    for call in calls:
        with pytest.raises(custseg.InputError):
            call()
    tm = custseg.transition_matrix(grp, pd.Series(list("xxyy"), index=same))
    assert tm.stayed == 1.0
    # by id, in any order
    later = pd.Series(list("xyxy"), index=other)
    mine_class = dict(zip(mine, "xxyy", strict=True))
    stayed = sum(mine_class[i] == later[i] for i in ids) / 4
    assert custseg.transition_matrix(grp, later).stayed == stayed


def test_row_index_held_twice_gets_a_row_fix() -> None:
    """Transaction columns whose row index holds a label twice were told to
    "give one row per customer first": a transaction log has many."""
    with pytest.raises(custseg.InputError, match=r"reset_index\(drop=True\)") as e:
        custseg.summarize(
            pd.Series(["a", "b", "a", "b"], index=[0, 0, 1, 1]),
            pd.Series(pd.to_datetime(["2024-01-01"] * 4), index=[0, 1, 0, 1]),
            [1.0, 2.0, 3.0, 4.0],
        )
    assert "one row per customer" not in str(e.value)


# --------------------------------------------------------------------------
# Rule lists that label what is not known: every preset's rfm11, and a check


def test_rfm11_gives_unscored_for_any_missing_score() -> None:
    """A customer with R = 5, F = 5 and no M was "New" in rfm11 (the rules
    reading FM unknown, skipped): a score missing is "Unscored", in every
    preset, as in rfm_vignette."""
    nan = float("nan")
    for name in custseg.rules.presets():
        rs = custseg.rules.preset(name)
        if "rfm11" not in rs.segments:
            continue
        data = {
            "recency_days": [3.0] * 4,
            "frequency": [12] * 4,
            "monetary": [2500.0] * 4,
            "tenure_days": [700.0] * 4,
            "r": [5, nan, 5, 4],
            "f": [5, 5, nan, 2],
            "m": [nan, 5, 5, nan],
        }
        out = rs.evaluate(data)["rfm11"].to_numpy().tolist()
        assert out == ["Unscored"] * 4, name


_CONDITIONS = ["r >= {a}", "r == {a}", "r >= {a} and f >= {b}", "r < {a} or f >= {b}"]
_LATER = ["f >= {b}", "f < {b}", "missing(r)", "f >= {b} or missing(r)"]


@settings(max_examples=40, deadline=None)
@given(
    first=st.sampled_from(_CONDITIONS),
    later=st.sampled_from(_LATER),
    a=st.integers(1, 6),
    b=st.integers(1, 6),
)
def test_label_from_missing_is_warned_exactly(
    first: str, later: str, a: int, b: int
) -> None:
    """``rules.check`` warns (label-from-missing) at the later rule exactly
    when some customer with r missing is taken by it after the first rule,
    which could match, was left undecided, and the later rule would take
    that customer whatever r was (a rule that takes them because r is
    missing is meant for them). Checked against evaluating every cell."""
    text = (
        "format = 1\n[fields]\n"
        'r = { type = "integer", min = 1, max = 5, missing = true }\n'
        'f = { type = "integer", min = 1, max = 5 }\n'
        '[segments.s]\ndefault = "rest"\nrules = [\n'
        f'  {{ label = "A", when = "{first.format(a=a, b=b)}" }},\n'
        f'  {{ label = "B", when = "{later.format(a=a, b=b)}" }},\n]\n'
    )
    warned = [
        d.line
        for d in custseg.rules.check(text, text=True)
        if d.code == "label-from-missing"
    ]
    rs = custseg.rules.loads(text)
    cells = [(r, f) for r in [1, 2, 3, 4, 5, None] for f in [1, 2, 3, 4, 5]]
    data = {"r": [c[0] for c in cells], "f": [c[1] for c in cells]}
    out = rs.evaluate(data, explain=True)
    took = np.asarray(out.explain["s"])
    first_ever = (took == 0).any()
    known = {(r, f): took[i] for i, (r, f) in enumerate(cells)}
    alone = custseg.rules.loads(
        text.replace(f'  {{ label = "A", when = "{first.format(a=a, b=b)}" }},\n', "")
    )
    b_alone = alone.evaluate(data)["s"].to_numpy() == "B"
    b_takes = {(r, f): b_alone[i] for i, (r, f) in enumerate(cells)}
    cond = first.format(a=a, b=b)
    three = custseg.rules.loads(  # A's own truth: TRUE, FALSE or UNKNOWN
        text.split("[segments.s]")[0]
        + '[segments.t]\ndefault = "unknown"\nrules = [\n'
        + f'  {{ label = "true", when = "{cond}" }},\n'
        + f'  {{ label = "false", when = "not ({cond})" }},\n]\n'
    )
    a_truth = three.evaluate(data)["t"].to_numpy()
    a_unknown = {(r, f): a_truth[i] == "unknown" for i, (r, f) in enumerate(cells)}
    guessed = first_ever and any(
        known[(None, f)] == 1  # B took the customer with r missing ...
        and a_unknown[(None, f)]  # ... whom A left undecided ...
        and all(b_takes[(r, f)] for r in range(1, 6))  # ... whatever r was
        for f in range(1, 6)
    )
    assert warned == ([9] if guessed else [])


# --------------------------------------------------------------------------
# Every file a command reads is an input: no output may replace it


def _cli(argv: list[str]) -> int:
    import contextlib
    import io
    import warnings

    from custseg import cli

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = cli._parser().parse_args(argv)
        return int(args.func(args))


@pytest.mark.parametrize(
    "argv",
    [
        ["segment", "tx.csv", "--rules", "RULES", "--output", "RULES"],
        [
            "report",
            "tx.csv",
            "--rules",
            "RULES",
            "--csv",
            "RULES",
            "--output",
            "r.html",
        ],
        [
            "due",
            "seg.csv",
            "--as-of",
            "2025-01-01",
            "--class-column",
            "lifecycle",
            "--rules",
            "RULES",
            "--output",
            "RULES",
        ],
    ],
)
def test_output_never_replaces_the_rules_file(
    tmp_path: Any, monkeypatch: Any, argv: list[str]
) -> None:
    """``--output rules.txt`` replaced the ``--rules`` file just read (the
    transactions, records, contacts and previous run were guarded, the
    rules not): refused before any work, the rules file unchanged."""
    monkeypatch.chdir(tmp_path)
    tx = simulate_transactions(50, seed=1)
    tx.to_csv("tx.csv", index=False)
    custseg.segment(tx).customers.to_csv("seg.csv")
    text = custseg.rules.preset_text("ecommerce")
    (tmp_path / "rules.txt").write_text(text, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "rules.txt")
    for name in ("rules.txt", "link.txt"):
        args = [name if a == "RULES" else a for a in argv]
        args[args.index("--rules") + 1] = "rules.txt"
        with pytest.raises(custseg.InputError, match="is the input file"):
            _cli(args)
        assert (tmp_path / "rules.txt").read_text(encoding="utf-8") == text


def test_demo_table_and_page_one_file_refused(tmp_path: Any, monkeypatch: Any) -> None:
    """``demo --report page.html`` with page.html a link to the ``--output``
    file wrote the table over the page, saying both were written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.csv").write_text("keep", encoding="utf-8")
    (tmp_path / "page.html").symlink_to(tmp_path / "out.csv")
    with pytest.raises(custseg.InputError, match="two files"):
        _cli(
            [
                "demo",
                "--customers",
                "20",
                "--output",
                "out.csv",
                "--report",
                "page.html",
            ]
        )
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "keep"


# --------------------------------------------------------------------------
# UTF-8 with a defect is never offered another encoding


_NAMES = st.lists(
    st.text(alphabet="张三李四王五北京上海广州客户", min_size=2, max_size=4),
    min_size=3,
    max_size=6,
)


@settings(max_examples=25, deadline=None)
@given(names=_NAMES, cut=st.booleans(), where=st.integers(0, 10**6), data=st.data())
def test_damaged_utf8_gets_no_other_encoding(
    tmp_path_factory: Any, names: list[str], cut: bool, where: int, data: Any
) -> None:
    """A UTF-8 file cut inside its last character, or with a stray byte,
    was said to "decode as gbk", and ``--encoding gbk`` then garbled every
    id without a word. Either way it is refused as UTF-8 with a defect,
    with no other encoding offered."""
    from custseg._files import read_table

    text = "customer_id,date,amount\n" + "".join(
        f"{n},2024-01-0{i % 9 + 1},{i + 1}\n" for i, n in enumerate(names)
    )
    raw = text.encode()
    if cut:
        raw = raw.rstrip(b"\n")[: -data.draw(st.integers(1, 2))]
    else:
        at = where % len(raw)
        raw = (
            raw[:at]
            + bytes([data.draw(st.sampled_from([0x80, 0xA0, 0xE9, 0xFF]))])
            + raw[at:]
        )
    assume_damaged = raw.decode("utf-8", errors="replace") != raw.decode(
        "utf-8", errors="ignore"
    )
    if not assume_damaged:
        return
    path = tmp_path_factory.mktemp("enc") / "tx.csv"
    path.write_bytes(raw)
    for encoding in (None, "gbk", "gb18030", "big5"):
        with pytest.raises(custseg.InputError, match="UTF-8") as e:
            read_table(path, encoding=encoding, text_columns=["customer_id"])
        message = str(e.value)
        assert "--encoding gbk" not in message and "decodes as" not in message
        assert "cut short" in message if cut else "but for" in message


def test_damaged_utf8_rules_file_hints(tmp_path: Any) -> None:
    """A rules file cut inside its last character was blamed on a cp1252
    editor ("save the file as UTF-8"); UTF-32 without a byte order mark was
    "a NUL character"."""
    body = "format = 1\n# 备注：北京北京北京\n".encode()
    cut = tmp_path / "cut.toml"
    cut.write_bytes(body.rstrip(b"\n")[:-1])
    (d,) = custseg.rules.check(str(cut))
    assert d.code == "encoding" and "cut short" in d.hint
    stray = tmp_path / "stray.toml"
    stray.write_bytes(body.replace("北".encode(), b"\xe9", 1))
    (d,) = custseg.rules.check(str(stray))
    assert "UTF-8 but for this byte" in d.hint
    wide = tmp_path / "wide.toml"
    wide.write_bytes("format = 1\n".encode("utf-32-le"))
    (d,) = custseg.rules.check(str(wide))
    assert "UTF-32 without a byte-order mark" in d.hint


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf32_without_bom_is_named(tmp_path: Any, order: str) -> None:
    from custseg._files import read_table

    path = tmp_path / "tx.csv"
    path.write_bytes(
        "customer_id,date,amount\na,2024-01-01,1\n".encode(f"utf-32-{order}")
    )
    for encoding in (None, "latin-1"):
        with pytest.raises(custseg.InputError, match=f"--encoding utf-32-{order}"):
            read_table(path, encoding=encoding)
    assert len(read_table(path, encoding=f"utf-32-{order}")) == 1


@pytest.mark.parametrize("suffix", [".gz", ".xz", ".bz2"])
def test_compressed_file_cut_short_is_named(tmp_path: Any, suffix: str) -> None:
    """A .csv.gz or .csv.xz cut short was blamed on the separator (--sep)."""
    import bz2
    import gzip
    import lzma

    from custseg._files import read_table

    text = "".join(f"c{i},2024-01-01,{i}\n" for i in range(3000)).encode()
    packed = {".gz": gzip.compress, ".xz": lzma.compress, ".bz2": bz2.compress}[suffix](
        b"customer_id,date,amount\n" + text
    )
    path = tmp_path / f"tx.csv{suffix}"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    with pytest.raises(custseg.InputError, match="cut short") as e:
        read_table(path)
    assert "--sep" not in str(e.value)


def test_output_name_of_255_bytes_is_written(tmp_path: Any) -> None:
    """A valid name of 242 to 255 bytes was refused as "File name too long":
    the temporary file beside it took the whole name as its prefix."""
    from custseg._files import write_table

    name = "客户分群结果" * 13 + "客户分.csv"
    assert len(name.encode()) == 247
    write_table(pd.DataFrame({"a": [1]}), tmp_path / name)
    assert (tmp_path / name).read_text(encoding="utf-8") == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]


# --------------------------------------------------------------------------
# Bytes ids are written as the text they hold


@settings(max_examples=30, deadline=None)
@given(
    ids=st.lists(
        st.text(alphabet="0123456789AB张", min_size=1, max_size=6),
        min_size=1,
        max_size=8,
    ),
    suffix=st.sampled_from([".csv", ".tsv", ".csv.gz"]),
)
def test_bytes_ids_written_as_their_text(
    tmp_path_factory: Any, ids: list[str], suffix: str
) -> None:
    """``write_table`` wrote Parquet ``binary`` ids as ``b'00001'``: read
    back, every customer was another (migrate counted all gone and all new).
    They are written as the UTF-8 text the command line reads them as."""
    from custseg._files import read_table, write_table

    frame = pd.DataFrame(
        {"n": range(len(ids))},
        index=pd.Index([i.encode() for i in ids], name="customer_id", dtype=object),
    )
    path = tmp_path_factory.mktemp("bytes") / f"out{suffix}"
    write_table(frame, path)
    back = read_table(path, text_columns=["customer_id"])
    assert back["customer_id"].tolist() == ids
    with pytest.raises(custseg.InputError, match="not UTF-8"):
        write_table(frame.set_axis([b"\xff"] * len(ids)).rename_axis("id"), path)


# --------------------------------------------------------------------------
# Numbers written as text are never rounded into another class


@settings(max_examples=40, deadline=None)
@given(
    whole=st.integers(0, 10**6),
    nines=st.integers(17, 24),
    how=st.sampled_from(["list", "object", "str", "array"]),
)
def test_long_number_text_refused_not_rounded(whole: int, nines: int, how: str) -> None:
    """``lifecycle_stage(["89.99999999999999999"])`` read the text as the
    float 90.0 and said "silent" (the Decimal says "active"), as did every
    classifier reading numbers: text float64 changes is refused, as the
    command line refuses it in files; text it holds reads as before."""
    text = f"{whole}.{'9' * nines}"
    values: Any = {
        "list": [text, "1.5"],
        "object": pd.Series([text, "1.5"], dtype=object),
        "str": pd.Series([text, "1.5"], dtype="str"),
        "array": np.array([text, "1.5"]),
    }[how]
    with pytest.raises(custseg.InputError, match="more significant digits") as e:
        custseg.lifecycle_stage(values)
    assert "first at row 0" in str(e.value)
    with pytest.raises(custseg.InputError, match="more significant digits"):
        custseg.abc_classes(values, edges=custseg.AbcEdges(30, 10))
    short = f"{whole}.{'9' * 10}"
    got = custseg.lifecycle_stage([short]).to_numpy().tolist()
    assert got == custseg.lifecycle_stage([float(short)]).to_numpy().tolist()


# --------------------------------------------------------------------------
# Dask: a renamed or assigned id column is traced to its pandas source


def test_dask_renamed_ids_checked_at_their_source() -> None:
    """An object id column renamed or assigned after ``dd.from_pandas``
    merged ``1`` and ``"1"`` into one customer: the check looked the source
    up by the new name. It follows renames and assigns now; Python dates
    in an object column renamed are refused the same way."""
    dd = pytest.importorskip("dask.dataframe")
    from custseg.frame import summarize_frame

    df = pd.DataFrame(
        {
            "cid": pd.Series([1, "1", 2, "x"], dtype=object),
            "when": pd.Series(
                [pd.Timestamp("2024-01-01").to_pydatetime()] * 4, dtype=object
            ),
            "date": pd.to_datetime(
                ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-02"]
            ),
            "amount": [10.0, 20.0, 1.0, 2.0],
        }
    )
    d = dd.from_pandas(df, npartitions=2)
    derived = [
        d.rename(columns={"cid": "customer_id"}),
        d.assign(customer_id=d.cid),
        d[d.amount > 0].rename(columns={"cid": "customer_id"}),
        d.rename(columns={"cid": "c2"}).rename(columns={"c2": "customer_id"}),
    ]
    for frame in derived:
        with pytest.raises(custseg.InputError, match="mixes ids of different types"):
            summarize_frame(frame, as_of="2024-04-01", output="pandas")
    fine = dd.from_pandas(df.assign(cid=df.cid.astype(str)), npartitions=2)
    with pytest.raises(custseg.InputError, match="Python datetimes"):
        summarize_frame(
            fine.drop(columns="date").rename(
                columns={"cid": "customer_id", "when": "date"}
            ),
            as_of="2024-04-01",
            output="pandas",
        )
    out = summarize_frame(
        fine.rename(columns={"cid": "customer_id"}), as_of="2024-04-01", output="pandas"
    )
    assert sorted(out.index) == ["1", "2", "x"]


# --------------------------------------------------------------------------
# Engines read text dates no more leniently than pandas, %I as Python does


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("2024-06-03 12:30", "%Y-%m-%d %I:%M"),
        ("2024-06-03 01:05", "%Y-%m-%d %I:%M"),
        ("2024- 6-03", "%Y-%m-%d"),
        ("2024-06-03 05: 7", "%Y-%m-%d %H:%M"),
        ("24-06-03", "%Y-%m-%d"),
        ("2024-06-03 13:30", "%Y-%m-%d %I:%M"),
        ("2024-06- 3", "%Y-%m-%d"),
        (" 3/06/2024", "%d/%m/%Y"),
        ("2024/ 6/03", "%Y/%m/%d"),
    ],
)
def test_engine_text_dates_as_pandas_reads_them(text: str, fmt: str) -> None:
    """DuckDB read %I without %p as a 24-hour clock (12:30 stayed 12:30,
    pandas says 00:30) and Polars refused it; Polars read a month or a
    minute after a blank, which pandas refuses. Each engine gives pandas'
    answer, or its error."""
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    from custseg.frame import summarize_frame

    df = pd.DataFrame({"customer_id": ["a"], "date": [text], "amount": [1.0]})
    kw: dict[str, Any] = {"date_format": fmt, "as_of": "2024-07-01"}

    def first(x: Any) -> Any:
        try:
            out = summarize_frame(x, output="pandas", **kw)
        except custseg.InputError:
            return "refused"
        return out.first_purchase.tolist()

    want = first(df)
    con = duckdb.connect()
    assert first(pl.from_pandas(df)) == want
    assert first(con.from_df(df)) == want


# --------------------------------------------------------------------------
# rfm_scores(nan="unknown") scores the buyers only, as segment does


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from("abcdefgh"),
            st.integers(0, 60),
            st.sampled_from([-10.0, 5.0, 20.0, 35.5, 80.0]),
        ),
        min_size=2,
        max_size=30,
    ),
    bins=st.integers(2, 4),
)
def test_rfm_scores_unknown_equals_segment(
    rows: list[tuple[str, int, float]], bins: int
) -> None:
    """``rfm_scores(nan="unknown")`` scored refund-only customers on F and M
    (F = 1, M = 1) and fitted the F and M edges with them, so buyers' scores
    differed from ``segment``'s. Customers with no purchase get no score in
    any dimension and fit no edge."""
    tx = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta([r[1] for r in rows], "D"),
            "amount": [r[2] for r in rows],
        }
    )
    facts = custseg.summarize(tx.customer_id, tx.date, tx.amount, as_of="2024-03-10")
    if not (facts.frequency > 0).any():
        return
    seg = custseg.segment(tx, as_of="2024-03-10", bins=bins).customers
    got = custseg.rfm_scores(
        facts.recency_days, facts.frequency, facts.monetary, bins=bins, nan="unknown"
    ).to_pandas()
    for dim in "rfm":
        assert got[dim].tolist() == seg[dim].tolist()


# --------------------------------------------------------------------------
# An option that would be ignored is refused, not dropped in silence


@pytest.mark.parametrize("preset", ["base", "ecommerce", "furniture"])
def test_windows_with_a_preset_lifecycle_refused(tx: pd.DataFrame, preset: str) -> None:
    """``segment(preset=..., windows=w)`` ignored the windows (every preset
    has its own lifecycle table) without a word."""
    w = custseg.LifecycleWindows(breaks=(30, 60, 120))
    with pytest.raises(ThresholdError, match="'windows' is given with rules"):
        custseg.segment(tx, preset=preset, windows=w)
    got = custseg.segment(tx, windows=w).customers["lifecycle"]
    want = custseg.lifecycle_stage(got.index.map(lambda _: 0.0), w)
    assert got.cat.categories.tolist() == list(want.names)


@given(
    cutoffs=st.one_of(st.none(), st.just((0.5, 0.8))),
    basis=st.sampled_from(["value", "rank"]),
)
@settings(max_examples=10, deadline=None)
def test_abc_edges_with_cutoffs_or_basis_refused(cutoffs: Any, basis: str) -> None:
    """``abc_classes(values, cutoffs, edges=...)`` dropped the cutoffs and the
    basis: refused unless both are their defaults."""
    edges = custseg.AbcEdges(30, 10)
    if cutoffs is None and basis == "value":
        got = custseg.abc_classes([50, 30, 20], cutoffs, basis=basis, edges=edges)
        assert got.to_numpy().tolist() == ["A", "A", "B"]
        return
    with pytest.raises(ThresholdError, match="given with 'edges'"):
        custseg.abc_classes([50, 30, 20], cutoffs, basis=basis, edges=edges)


# --------------------------------------------------------------------------
# Messages about ids and engines name the real field and a fix that works


def test_contact_and_record_id_messages() -> None:
    """A contacts column with a blank id was called "numbers ... but
    integers" with a fix that failed again; the records' fix always said
    to convert them to text, even when they were; contact errors named the
    parameter 'customer' instead of the user's column; UUID ids were
    "mixed"."""
    import uuid

    tx = pd.DataFrame(
        {"member": [1, 2], "date": ["2024-03-01"] * 2, "amount": [10.0, 5.0]}
    )
    contacts = pd.DataFrame(
        {
            "member": [1.0, np.nan],
            "date": ["2024-03-05"] * 2,
            "initiator": ["company"] * 2,
            "kind": ["follow_up"] * 2,
        }
    )
    kw: dict[str, Any] = {"customer": "member", "as_of": "2024-04-01"}
    with pytest.raises(
        custseg.InputError, match="'member' of the contacts has missing"
    ):
        custseg.segment(tx, contacts=contacts, **kw)
    records = pd.DataFrame({"member": ["1", "2"], "vip": ["y", "n"]})
    with pytest.raises(custseg.InputError) as e:
        custseg.segment(tx, records=records, **kw)
    assert "tx['member'] = tx['member'].astype(str)" in str(e.value)
    text_tx = tx.assign(member=["a", "b"])
    mixed = contacts.assign(member=["a", 1])
    with pytest.raises(custseg.InputError, match=r"^'member' of the contacts mixes"):
        custseg.segment(text_tx, contacts=mixed, **kw)
    uuids = contacts.assign(member=[uuid.UUID(int=1)] * 2)
    with pytest.raises(custseg.InputError, match="holds UUID in the contacts"):
        custseg.segment(text_tx, contacts=uuids, **kw)


def test_engine_error_outside_the_dates_is_not_blamed_on_them() -> None:
    """An id expression DuckDB cannot compute was reported as dates "not in
    the format": the dates are checked alone first."""
    duckdb = pytest.importorskip("duckdb")
    from custseg.frame import summarize_frame

    con = duckdb.connect()
    bad_id = con.sql(
        "select (i::VARCHAR || 'x')::INTEGER as customer_id, '2024-03-01' as date, "
        "1.0 as amount from range(3) t(i)"
    )
    with pytest.raises(custseg.InputError, match="though the dates parse"):
        summarize_frame(bad_id, as_of="2024-04-01", output="pandas")
    bad_date = con.sql(
        "select i as customer_id, '2024-03-0x' as date, 1.0 as amount from range(3) t(i)"
    )
    with pytest.raises(custseg.InputError, match="'date'"):
        summarize_frame(bad_date, as_of="2024-04-01", date_format="%Y-%m-%d")


# --------------------------------------------------------------------------
# A chunked Arrow dictionary column keeps its missing values


@settings(max_examples=20, deadline=None)
@given(
    cells=st.lists(
        st.sampled_from(["large", "ordinary", None]), min_size=1, max_size=8
    ),
    chunks=st.integers(1, 3),
)
def test_chunked_arrow_dictionary_keeps_missing(cells: list[Any], chunks: int) -> None:
    """``np.asarray`` of a chunked PyArrow dictionary column (a categorical
    read back from Parquet) reads a null as the dictionary's first value: a
    missing answer became another (tier C for D, a tag, a filled profile
    field, a group of its own lost). Every reader gives the answer of the
    same column as a pandas Categorical."""
    pa = pytest.importorskip("pyarrow")
    size = max(1, len(cells) // chunks)
    parts = [cells[i : i + size] for i in range(0, len(cells), size)]
    dictionary = pa.chunked_array(
        [pa.array(p, pa.string()).dictionary_encode() for p in parts],
        type=pa.dictionary(pa.int32(), pa.string()),
    )
    pandas_col = pd.Series(pd.Categorical(cells))
    n = len(cells)

    def answers(col: Any) -> list[Any]:
        return [
            custseg.value_tier(col, ["strong"] * n).to_numpy().tolist(),
            custseg.tags_from_values(col).sizes(),
            custseg.profile_completeness(
                pd.DataFrame({"name": pandas_col})
                if col is pandas_col
                else pa.table({"name": col}),
                hard=["name"],
                soft=[],
                weights=(1, 0),
            ).score.tolist(),
            custseg.nps([10] * n, by=col).to_pandas()["n"].to_dict(),
        ]

    assert answers(dictionary) == answers(pandas_col)


@settings(max_examples=30, deadline=None)
@given(
    cells=st.lists(
        st.sampled_from([0.9, 0.1, 0.5, "未知", "", None, "strong"]),
        min_size=1,
        max_size=6,
    ),
    rnd=st.randoms(use_true_random=False),
)
def test_value_tier_mixed_intent_any_order(cells: list[Any], rnd: Any) -> None:
    """``value_tier`` decided numbers-or-levels from the first present value:
    ``[0.9, "未知"]`` said "non-numeric '未知'", ``["未知", 0.9]`` called
    the probabilities "unknown answers". Numbers and words are read apart,
    the words as in a column of words, whatever the order."""
    n = len(cells)
    order = list(range(n))
    rnd.shuffle(order)

    def tiers(values: list[Any]) -> list[str]:
        col = pd.Series(values, dtype=object)
        return custseg.value_tier(["large"] * n, col).to_numpy().tolist()

    def one(value: Any) -> str:
        return tiers([value] * n)[0] if n else ""

    want = [one(c) for c in cells]
    assert tiers(cells) == want
    assert tiers([cells[i] for i in order]) == [want[i] for i in order]


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
def test_migrate_compares_no_record_dates(tmp_path: Any, monkeypatch: Any) -> None:
    """``custseg migrate`` compared the record dates a segment output carries
    (``last_contact``, ``birthday``) as classes: tables of dates, "every
    customer counts as moved" warnings and rows in --output."""
    monkeypatch.chdir(tmp_path)
    tx = simulate_transactions(60, seed=2)
    ids = sorted(tx.customer_id.unique())
    records = pd.DataFrame(
        {
            "customer_id": ids,
            "last_contact": pd.date_range("2024-01-01", periods=len(ids)).strftime(
                "%Y-%m-%d"
            ),
            "birthday": ["1990-05-0" + str(i % 9 + 1) for i in range(len(ids))],
        }
    )
    for name, cut in (("jun.csv", "2024-06-01"), ("dec.csv", "2024-12-01")):
        part = tx[tx.date < cut]
        seg = custseg.segment(
            part,
            as_of=cut,
            records=records.assign(
                last_contact=records.last_contact if name == "jun.csv" else "2024-11-30"
            ),
        )
        seg.customers.to_csv(name)
    _cli(["migrate", "jun.csv", "dec.csv", "--output", "m.csv"])
    compared = set(pd.read_csv("m.csv")["column"])
    assert "lifecycle" in compared
    assert not compared & {"last_contact", "birthday"}


# --------------------------------------------------------------------------
# The report: warnings on the page, numbers written out, halves rounded alike


def test_report_says_classes_read_alike() -> None:
    """``report(previous=...)`` dropped the warning that classes read alike
    (two "active" rows on the page, nothing said); it is in ``page.notes``."""
    tx = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "date": ["2024-06-01"] * 4,
            "amount": [10.0, 20, 30, 40],
        }
    )
    prev = pd.DataFrame(
        {
            "customer_id": list("abcd"),
            "lifecycle": ["active", "active ", "Active", "active"],
        }
    )
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = custseg.report(tx, previous=prev, as_of="2024-06-02", charts=False)
    assert sum("read alike" in str(w.message) for w in caught) == 1
    assert any("read alike" in n for n in page.notes)
    assert "read alike" in page.html


@given(
    cents=st.integers(-(10**12), 10**12),
    big=st.integers(0, 10**22),
)
@settings(max_examples=60, deadline=None)
def test_report_numbers_written_out_and_halves_up(cents: int, big: int) -> None:
    """Amounts from 1e16 were written ``1e+16`` beside full numbers; means
    on a half (99.695, 10.005) rounded one down and the next up."""
    from decimal import ROUND_HALF_UP, Decimal

    from custseg._display import rounded as _rounded_text
    from custseg.reporting import _money

    for x in (float(big), float(big) + 0.5, cents / 100):
        text = _money(x)
        assert "e" not in text and "E" not in text
        # to the cent, or (audit 41) to the places the float holds
        held = min(2, max(0, -math.ceil(math.log10(math.ulp(x)))))
        assert Decimal(text.replace(",", "")) == Decimal(repr(x)).quantize(
            Decimal(10) ** -held, rounding=ROUND_HALF_UP
        ) or Decimal(text.replace(",", "")) == Decimal(repr(x))
    half = Decimal(cents) / 1000 + Decimal("0.0005")
    value = float(half)
    want = Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    assert _rounded_text(value, 3).replace(",", "") == f"{want:z.3f}"


@pytest.mark.filterwarnings("ignore::custseg.errors.CustsegWarning")
@given(
    name=st.sampled_from(["amy", "a b"]),
    blank=st.sampled_from([" ", "\u00a0", "\u3000", "  "]),
)
@settings(max_examples=8, deadline=None)
def test_report_names_apart_by_their_blanks(name: str, blank: str) -> None:
    """Owners ``amy`` and ``amy `` (or ``a b`` and ``a\\xa0b``) read the same
    on the page: a browser hides a blank at the ends, shows any run as one,
    and a no-break space as a space. Every name shows apart."""
    from custseg.reporting import _esc_name

    other = name + blank if name == "amy" else name.replace(" ", blank)
    if other == name:
        return
    assert _esc_name(other) != _esc_name(name)
    shown = {_esc_name(x) for x in (name, other, blank + name)}
    assert len(shown) == 3
    tx = pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "date": ["2024-06-01"] * 2,
            "amount": [10.0, 20.0],
        }
    )
    rec = pd.DataFrame({"customer_id": ["c1", "c2"], "owner": [name, other]})
    page = custseg.report(
        custseg.segment(tx, records=rec, as_of="2024-06-02"), charts=False
    )
    assert _esc_name(other) in page.html and _esc_name(name) in page.html


def test_assign_parquet_staff_ids_and_row_number_advice(
    tmp_path: Any, monkeypatch: Any
) -> None:
    """A Parquet staff file of integers beside owners written ``7.0``: every
    customer kept, yet a warning said they "moved as customers of staff
    who left". And ids beside row numbers were told ``.index.astype(str)``,
    after which a reindex would drop every owner."""
    pytest.importorskip("pyarrow")
    import warnings

    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"staff": [7, 8]}).to_parquet("s.parquet", index=False)
    (tmp_path / "c.csv").write_text(
        "customer_id,monetary,owner\nc1,5,7.0\nc2,4,7.0\nc3,3,8.0\nc4,2,8\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _cli(["assign", "c.csv", "s.parquet", "--output", "o.csv"])
    assert not [w for w in caught if "left" in str(w.message)]
    assert (pd.read_csv("o.csv")["change"] == "kept").all()
    df = pd.DataFrame(
        {"customer_id": ["c1", "c2"], "value": [5.0, 3.0], "owner": ["amy", None]}
    )
    value = df.set_index("customer_id")["value"].rename_axis(None)
    with pytest.raises(custseg.InputError, match="indexed by row numbers") as e:
        custseg.assign_owners(value, ["amy"], current_owner=df["owner"])
    assert "astype(str)" not in str(e.value)


def test_boundary_values_include_tag_constants() -> None:
    """``boundary_values`` left out the constants tag rules compare with,
    though its docs say every rule's."""
    from custseg.testing import boundary_values

    rs = custseg.rules.loads(
        'format = 1\n[fields]\nmonetary = { type = "number", min = 0 }\n'
        '[tags.flags]\nrules = [{ tag = "rich", when = "monetary >= 1234" }]\n'
    )
    assert 1234.0 in boundary_values(rs)["monetary"]


@pytest.mark.parametrize("low", ["0.5", "0.1", "0.9"])
def test_integer_field_with_a_fractional_bound(low: str) -> None:
    """``n = { type = "integer", min = 0.5 }`` put the impossible point 0.5
    in the analysis grid, so ``n < 1`` was not reported as never matching
    (it was with a max too)."""
    text = (
        f'format = 1\n[fields]\nn = {{ type = "integer", min = {low} }}\n'
        '[segments.s]\ndefault = "d"\n'
        'rules = [{ label = "a", when = "n >= 1" }, { label = "b", when = "n < 1" }]\n'
    )
    codes = [d.code for d in custseg.rules.check(text, text=True)]
    assert "never-matches" in codes


def test_dotted_tag_expectation_is_located() -> None:
    """``expect = { t.rich = true }`` failing was reported at the
    ``[[examples]]`` header, not at the key."""
    text = (
        'format = 1\n[fields]\nmonetary = { type = "number", min = 0 }\n'
        '[tags.t]\nrules = [{ tag = "rich", when = "monetary >= 1000" }]\n'
        "[[examples]]\ngiven = { monetary = 5 }\nexpect = { t.rich = true }\n"
    )
    (d,) = custseg.rules.check(text, text=True)
    assert (d.code, d.line, d.column) == ("example-failed", 8, 14)


@given(code=st.integers(1, 5), zero=st.sampled_from([0x0660, 0x0966, 0x1D7CE]))
@settings(max_examples=10, deadline=None)
def test_codes_in_other_digits_are_named(code: int, zero: int) -> None:
    """``'٥'`` (an Arabic-Indic 5) was a bare "unknown answer" in the survey
    readers: the message says the digits are not 0-9. (Full-width digits,
    ``'５'``, read as 0-9 since audit 33: test_audit33_lifecycle.)"""
    digit = chr(zero + code)
    with pytest.raises(custseg.InputError, match="digits other than ASCII 0-9"):
        custseg.loyalty_level([digit], [0.9], [10])


@pytest.mark.parametrize("how", ["index", "list", "array"])
def test_due_contacts_ids_in_another_order_refused(how: str) -> None:
    """``due_contacts(..., plan, customer=ids)`` with the plan's ids in
    another order attached each customer's class and contact date to
    another; ids to show by position (other ids) still work."""
    from custseg.playbook import actions, default_playbook, due_contacts

    lab = pd.Series(
        ["silent", "active"], index=pd.Index(["c1", "c2"], name="customer_id")
    )
    plan = actions(lab, default_playbook("lifecycle"))
    shuffled: Any = {
        "index": pd.Index(["c2", "c1"]),
        "list": ["c2", "c1"],
        "array": np.array(["c2", "c1"]),
    }[how]
    with pytest.raises(custseg.InputError, match="'customer' gives other ids"):
        due_contacts(["2024-12-27", None], plan, "2024-12-28", customer=shuffled)
    due = due_contacts(
        ["2024-12-27", None], plan, "2024-12-28", customer=["id1", "id2"]
    )
    assert due.to_pandas()["class"].to_dict() == {"id2": "active"}
