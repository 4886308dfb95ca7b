"""Audit 39 round 2, readers and writers (bytes as text, whole floats).

1. Round 1 made every whole float be written in full, so that float *ids*
   of 2**63 or more read back (``1e20`` as ``100000000000000000000``). In a
   column of values (a customer record, a float column of one's own, a
   ``monetary`` amount beyond the cents) that made a number pandas and
   custseg read back as text: ``read_csv`` reads a column holding
   ``100000000000000000000`` (past uint64) or ``1e300``'s 301 digits as
   ``object``/``str``, every other number of the column with it, silently.
   Ids are still written in full; other columns write whole floats of
   2**63 or more as their shortest text (``1e+20``), read as that number.
2. Round 1 read bytes as the UTF-8 text they hold for numbers and dates
   only. Elsewhere bytes were not text: a profile's ``"未知".encode()`` was
   a filled value (0.025 complete where the text gives 0), ``b"yes"`` an
   unknown answer (customer_status, value_tier, loyalty_level, ...), and
   ``tags_from_values([b"a,b"])`` was refused. Answers, profile values and
   tag values now read bytes as their text (non-UTF-8: InputError; in a
   profile, a filled value).
3. The engines refused a binary date column as "holds Binary values, not
   dates", with a fix about ISO text the bytes already hold; the refusal
   now names bytes and each engine's cast to text.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._files import read_table, write_table

FAST = settings(max_examples=30, deadline=None, database=None)


def _write(df: pd.DataFrame, ext: str = "csv") -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"o.{ext}"
        write_table(df, path)
        return path.read_text(encoding="utf-8")


def _floats(width: int) -> st.SearchStrategy[float]:
    big = st.floats(
        min_value=2.0**63,
        max_value=float(np.finfo(f"float{width}").max),
        width=width,
    ).map(np.floor)
    return st.one_of(
        big,
        big.map(lambda x: -x),
        st.floats(allow_nan=False, allow_infinity=False, width=width),
    )


@FAST
@given(
    data=st.data(),
    width=st.sampled_from([64, 32]),
    name=st.sampled_from(["x", "spend", "share"]),
)
def test_value_columns_read_back_as_the_same_numbers(
    data: st.DataObject, width: int, name: str
) -> None:
    """A float column of values, whole values past 2**63 among them, reads
    back through pandas and custseg's reader as numbers, each the same
    number of the column's type."""
    values = np.array(
        data.draw(st.lists(_floats(width), min_size=1, max_size=6)),
        dtype=f"float{width}",
    )
    df = pd.DataFrame(
        {name: values}, index=pd.Index([f"c{i}" for i in range(len(values))], name="id")
    )
    text = _write(df)
    for back in (
        pd.read_csv(io.StringIO(text))[name],
        _read_custseg(text)[name],
    ):
        assert back.dtype.kind in "fiu", (back.dtype, text)
        again = back.to_numpy().astype(np.float64).astype(f"float{width}")
        assert again.tolist() == values.tolist()


def _read_custseg(text: str) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "o.csv"
        path.write_text(text, encoding="utf-8")
        return read_table(str(path))


@pytest.mark.parametrize(
    "values",
    [[1e20, 2e20], [0.5, 1e300], [-1.7976931348623157e308, 3.0]],
)
def test_repro_huge_whole_values_are_numbers_on_read_back(values: list[float]) -> None:
    """The repro: a column [1e20, 2e20] was written in full and read back by
    pandas as text (object), [0.5, 1e300] as str with 301 digits."""
    df = pd.DataFrame({"x": values}, index=pd.Index(["a", "b"], name="customer_id"))
    text = _write(df)
    assert len(max(text.splitlines(), key=len)) < 40
    back = pd.read_csv(io.StringIO(text))["x"]
    assert back.dtype == np.float64
    assert back.tolist() == values


def test_float_ids_are_still_written_in_full() -> None:
    """Ids (the index) keep round 1's rule: whole floats in full, beside a
    value column of the same floats written short."""
    big = [1e20, 2.0**63]
    df = pd.DataFrame({"x": big}, index=pd.Index(big, name="customer_id"))
    lines = _write(df, "tsv").splitlines()
    assert lines[1:] == [
        "100000000000000000000\t1e+20",
        "9223372036854775808\t9.223372036854776e+18",
    ]


# --------------------------------------------------------------------------
# 2. bytes are the text they hold in answers, profiles and tags

_ANSWERS = [
    "yes",
    "no",
    "是",
    "否",
    "未知",
    "n/a",
    " ",
    "",
    "large",
    "medium",
    "a,b",
    "c",
]


def _as_bytes(values: list[str | None], container: str) -> object:
    raw = [None if x is None else x.encode("utf-8") for x in values]
    if container == "list":
        return raw
    if container == "series":
        return pd.Series(raw, dtype=object)
    if container == "S":
        return np.array([b"" if x is None else x for x in raw])
    pa = pytest.importorskip("pyarrow")
    return pa.array(raw, pa.binary())


def _outcome(f: object, *args: object) -> object:
    try:
        out = f(*args)  # type: ignore[operator]
    except Exception as exc:
        return (type(exc).__name__, str(exc))
    if hasattr(out, "to_pandas"):
        out = out.to_pandas()
    if isinstance(out, pd.DataFrame | pd.Series):
        return out.reset_index(drop=True).to_json()
    return repr(out)


@FAST
@given(
    values=st.lists(st.sampled_from([*_ANSWERS, None]), min_size=1, max_size=6),
    container=st.sampled_from(["list", "series", "S", "arrow"]),
)
def test_bytes_read_as_their_text(values: list[str | None], container: str) -> None:
    """Answers, flags, profile values and tag values given as bytes give the
    same result (or the same error) as the same text."""
    if container == "S":  # an S array has no None: its empty bytes
        values = ["" if x is None else x for x in values]
    raw = _as_bytes(values, container)
    n = len(values)
    ones = [1] * n
    import custseg as cs

    calls = [
        (lambda x: cs.customer_status(ones, [40] * n, ones, vip=x)),
        (lambda x: cs.value_tier(x, ["strong"] * n)),
        (
            lambda x: (
                cs.profile_completeness(
                    pd.DataFrame({"name": x}) if not hasattr(x, "type") else {"name": x}
                ).missing
            )
        ),
        (lambda x: cs.tags_from_values(x)),
    ]
    for call in calls:
        assert _outcome(call, raw) == _outcome(call, values)


def test_repro_placeholder_bytes_are_missing_in_a_profile() -> None:
    """The repro: a profile's "未知" as bytes (a Parquet BINARY column) was
    a filled value, 0.025 complete where the text gives 0."""
    import custseg as cs

    text = pd.DataFrame({"name": ["x", None], "phone": ["1", "未知"]})
    raw = text.map(lambda x: x.encode() if isinstance(x, str) else x)
    assert cs.profile_completeness(raw).score.tolist() == [0.05, 0.0]


def test_repro_yes_no_bytes_are_answers() -> None:
    """The repro: b"yes" was refused as an unknown answer."""
    import custseg as cs

    got = cs.customer_status([1, 3], [10, 100], [5, 5], vip=[b"yes", b"no"])
    assert (
        got.to_pandas().tolist()
        == cs.customer_status([1, 3], [10, 100], [5, 5], vip=["yes", "no"])
        .to_pandas()
        .tolist()
    )


# --------------------------------------------------------------------------
# 3. an engine's binary date column: one clear refusal, its cast works


def test_engine_binary_dates_read_as_the_cast_reads_them() -> None:
    """A Polars binary date column was refused as "holds Binary values, not
    dates" with a fix about ISO text, though the bytes are ISO text (the
    pandas path reads them); since audit 40 it is read as its UTF-8 text,
    as the cast reads it, giving the pandas result."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    from custseg.errors import InputError
    from custseg.frame import summarize_frame

    dates = [b"2024-01-01", b"2024-02-01", b"2024-03-05"]
    df = pl.DataFrame(
        {"customer_id": ["a", "a", "b"], "date": dates, "amount": [1.0, 2.0, 3.0]}
    )
    bad = df.with_columns(pl.Series("date", [b"\xff", *dates[1:]]))
    with pytest.raises(InputError, match="not UTF-8"):
        summarize_frame(bad, as_of="2024-04-01")
    cast = df.with_columns(pl.col("date").cast(pl.String))
    got = summarize_frame(cast, as_of="2024-04-01", output="pandas")
    want = summarize_frame(df.to_pandas(), as_of="2024-04-01", output="pandas")
    pd.testing.assert_frame_equal(got, want, check_index_type=False)
    direct = summarize_frame(df, as_of="2024-04-01", output="pandas")
    pd.testing.assert_frame_equal(direct, want, check_index_type=False)
