"""Tests for the Arrow string factoriser in ``custseg._factorize``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import custseg
from custseg import _factorize, _threads
from custseg._factorize import _factorize_string_array, factorize_arrow_strings

pa = pytest.importorskip("pyarrow")  # the Arrow fast path needs the parquet extra

# Text with non-ASCII characters (up to 4 UTF-8 bytes), NUL and the empty string.
_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "b", "z", "0", "9", "\x00", "\x7f", "é", "ÿ", "€", "😀"]
    )
    | st.characters(codec="utf-8"),
    max_size=6,
)
_IDS = st.lists(st.none() | _TEXT, max_size=30)
# No deadline: a loaded machine must not fail a test on timing alone.
_NO_DEADLINE = settings(deadline=None)


def _expected(ids: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """What pandas gives for the same ids as a numpy object array."""
    codes, uniques = pd.factorize(np.asarray(ids, dtype=object), sort=True)
    return codes, np.asarray(uniques, dtype=object)


def _nul_in_varying_lengths(ids: Sequence[str | None]) -> bool:
    """Whether ids of differing byte lengths hold a NUL (the fast path's None)."""
    present = [i for i in ids if i is not None]
    widths = {len(i.encode()) for i in present}
    return len(widths) > 1 and any("\x00" in i for i in present)


def _check(
    result: tuple[np.ndarray, np.ndarray] | None, ids: Sequence[str | None]
) -> None:
    """Assert ``result`` equals pandas' sorted factorisation of ``ids`` exactly."""
    if _nul_in_varying_lengths(ids):
        assert result is None
        return
    assert result is not None
    codes, uniques = result
    want_codes, want_uniques = _expected(ids)
    assert codes.dtype == np.intp
    assert uniques.dtype == object
    assert all(type(u) is str for u in uniques)
    np.testing.assert_array_equal(codes, want_codes)
    assert uniques.tolist() == want_uniques.tolist()


_PANDAS_DTYPES = [
    "str",
    "string[pyarrow]",
    pd.ArrowDtype(pa.string()),
    pd.ArrowDtype(pa.large_string()),
]


@_NO_DEADLINE
@given(_IDS, st.sampled_from(_PANDAS_DTYPES))
def test_pandas_series_array_matches_pandas_factorize(
    ids: list[str | None], dtype: object
) -> None:
    """A pandas ``str``/Arrow string Series' array factorises like pandas."""
    values = pd.Series(ids, dtype=dtype).array  # type: ignore[call-overload]
    _check(factorize_arrow_strings(values), ids)


def test_pandas_str_dtype_is_arrow_backed() -> None:
    """The default ``str`` dtype here is Arrow-backed, so the fast path applies."""
    values = pd.Series(["b", "a"], dtype="str").array
    assert isinstance(values, pd.arrays.ArrowExtensionArray)
    assert factorize_arrow_strings(values) is not None


@_NO_DEADLINE
@given(_IDS, st.sampled_from([pa.string(), pa.large_string()]))
def test_pyarrow_array_matches_pandas_factorize(
    ids: list[str | None], type_: pa.DataType
) -> None:
    """A ``string``/``large_string`` pyarrow Array factorises like pandas."""
    _check(factorize_arrow_strings(pa.array(ids, type=type_)), ids)


@_NO_DEADLINE
@given(
    st.lists(_IDS, min_size=0, max_size=4),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_chunked_array_matches_pandas_factorize(
    chunks: list[list[str | None]], type_: pa.DataType
) -> None:
    """A ChunkedArray of several chunks (maybe none) factorises like pandas."""
    values = pa.chunked_array([pa.array(c, type=type_) for c in chunks], type=type_)
    _check(factorize_arrow_strings(values), [i for c in chunks for i in c])


@_NO_DEADLINE
@given(_IDS, st.data())
def test_sliced_array_matches_pandas_factorize(
    ids: list[str | None], data: st.DataObject
) -> None:
    """A slice (nonzero offset) of a pyarrow array factorises like pandas."""
    start = data.draw(st.integers(0, len(ids)))
    stop = data.draw(st.integers(start, len(ids)))
    values = pa.array(ids, type=pa.string())[start:stop]
    _check(factorize_arrow_strings(values), ids[start:stop])


# Ids of one byte width: three ASCII characters (NUL included) or two of 2 bytes.
_FIXED = st.lists(
    st.none() | st.text(alphabet="AB7~\x00", min_size=3, max_size=3)
) | st.lists(st.none() | st.text(alphabet="éüÿ", min_size=2, max_size=2))


@_NO_DEADLINE
@given(_FIXED, st.data())
def test_fixed_width_ids_match_pandas_factorize(
    ids: list[str | None], data: st.DataObject
) -> None:
    """Ids of one byte width (the byte-matrix path), sliced, match pandas."""
    start = data.draw(st.integers(0, len(ids)))
    values = pa.array(ids, type=pa.large_string())[start:]
    _check(factorize_arrow_strings(values), ids[start:])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.none() | _TEXT, max_size=40),
    st.integers(2, 300),
    st.integers(1, 40),
    st.sampled_from([1, 3, 7, 1 << 16]),
    st.sampled_from([0, 1 << 20]),
)
def test_compaction_matches_pandas_factorize(
    ids: list[str | None], max_range: int, budget: int, chunk: int, thread_rows: int
) -> None:
    """Tiny key ranges force compactions (direct and hashed) to stay exact,
    with the chunked passes (the ranks added to the key, decoding the
    distinct ids) in any chunk, and the ranks added in two threads or one."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "CHUNK", chunk)
        m.setattr(_factorize, "_RANK_THREAD_ROWS", thread_rows)
        m.setattr(_threads, "spare_cpu", lambda: True)  # threads when asked
        result = _factorize_string_array(
            pa.array(ids, type=pa.large_string()),
            pa,
            max_range=max_range,
            budget=budget,
        )
    if result is not None or _nul_in_varying_lengths(ids):
        _check(result, ids)
    # else: one position alone outgrows the tiny ``max_range``: None is allowed.


def test_long_varied_ids_are_compacted_exactly() -> None:
    """Ids too long for one int64 key are compacted, several times, exactly."""
    rng = np.random.default_rng(7)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789-"))
    lengths = rng.integers(20, 31, 500)
    pool = ["".join(letters[rng.integers(0, 37, k)]) for k in lengths]
    ids = [pool[i] for i in rng.integers(0, 500, 3000)]
    _check(_factorize_string_array(pa.array(ids), pa), ids)


def _big_ids(make: str, rows: int = 70_000) -> list[str]:
    """``rows`` ids drawn from 5,000 distinct ones made by ``make``."""
    rng = np.random.default_rng(3)
    pool = [
        make.format(i=i, x=int(x)) for i, x in enumerate(rng.integers(0, 2**62, 5000))
    ]
    return [pool[i] for i in rng.integers(0, len(pool), rows)]


@pytest.mark.parametrize(
    "make", ["C{i:07d}", "{i}", "k{i:x}"], ids=["fixed", "int", "hex"]
)
def test_large_short_ids_take_the_fast_path(make: str) -> None:
    """On many rows, short ids are still encoded (not None) and exact."""
    ids = _big_ids(make)
    _check(factorize_arrow_strings(pd.Series(ids, dtype="str").array), ids)


@pytest.mark.parametrize(
    "make",
    ["{x}", "{x:016x}{x:016x}", "user{x}@example.com", "{x:012x}"],
    ids=["long-int", "uuid", "email", "hex12"],
)
def test_large_long_varied_ids_are_ranked_as_words(make: str) -> None:
    """On many rows, 19-digit ids, 32 hex digits, e-mail addresses (too
    varied for keys) are ranked as 8-byte words, exactly, without any
    column pass."""
    calls: list[int] = []
    real = _factorize._group_words

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    def no_pass(*args: object) -> None:
        raise AssertionError("a column pass ran")

    ids = _big_ids(make)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "_group_words", spy)
        m.setattr(_factorize, "_column_symbols", no_pass)
        result = factorize_arrow_strings(pa.array(ids))
        sliced = factorize_arrow_strings(pa.array(["pad", *ids])[1:])
    _check(result, ids)
    _check(sliced, ids)
    assert len(calls) == 2


def test_bits_sums_log2_of_distinct_bytes_per_column() -> None:
    """The key-bit estimate is the sum over columns of log2(distinct bytes)."""
    sample = np.array([[1, 5, 0], [2, 5, 9], [1, 5, 8], [3, 5, 7]], dtype=np.uint8)
    assert _factorize._bits(sample) == pytest.approx(np.log2(3) + 0 + 2)


def test_small_uuid_like_ids_are_still_exact() -> None:
    """Below the row cap, even long varied ids are encoded, exactly."""
    ids = _big_ids("{x:016x}{i:016x}", rows=5_000)
    _check(factorize_arrow_strings(pa.array(ids)), ids)


def test_ids_longer_than_64_bytes_return_none() -> None:
    """Ids longer than 64 bytes (one pass per byte) are left to pandas (None)."""
    assert factorize_arrow_strings(pa.array(["x" * 65, "y"])) is None
    _check(factorize_arrow_strings(pa.array(["x" * 64, "y"])), ["x" * 64, "y"])


def test_fixed_width_customer_ids_worked_example() -> None:
    """Worked example: ids like ``C0000123`` get codes in sorted id order."""
    values = pd.Series(
        ["C0000123", "C0000042", "C0000123", "C1000000", "C0000042"], dtype="str"
    ).array
    result = factorize_arrow_strings(values)
    assert result is not None
    codes, uniques = result
    np.testing.assert_array_equal(codes, [1, 0, 1, 2, 0])
    assert uniques.tolist() == ["C0000042", "C0000123", "C1000000"]


def test_prefixes_sort_before_their_extensions() -> None:
    """A prefix sorts before its extensions, as Python orders strings."""
    ids = ["ab", "abc", "a", "ab~", "ab!", "", "ab", "b"]
    _check(factorize_arrow_strings(pa.array(ids)), ids)


def test_nul_in_ids_of_one_width_is_exact() -> None:
    """Ids of one width may hold NUL characters (no padding is needed)."""
    ids = ["a\x00", "\x00a", "a\x00", "aa", "\x00\x00"]
    _check(factorize_arrow_strings(pa.array(ids)), ids)


def test_nul_in_ids_of_differing_widths_returns_none() -> None:
    """A NUL would pass for the end of a shorter id: the function gives None."""
    assert factorize_arrow_strings(pa.array(["ab", "ab\x00"])) is None


def test_all_null_gives_no_uniques() -> None:
    """All-missing ids give codes of -1 and no uniques."""
    result = factorize_arrow_strings(pa.array([None, None], pa.string()))
    assert result is not None
    codes, uniques = result
    np.testing.assert_array_equal(codes, [-1, -1])
    assert len(uniques) == 0


def test_concatenated_pandas_series_with_two_chunks() -> None:
    """A pandas array over several Arrow chunks (after a concat) is exact."""
    first = pd.Series(["C3", "C1", None], dtype="str")
    second = pd.Series(["C2", "C3"], dtype="str")
    values = pd.concat([first, second], ignore_index=True).array
    assert values.__arrow_array__().num_chunks == 2
    _check(factorize_arrow_strings(values), ["C3", "C1", None, "C2", "C3"])


def test_null_slots_with_data_are_ignored() -> None:
    """Bytes behind a null slot (allowed by Arrow) do not leak into the result."""
    offsets = np.array([0, 2, 4, 6], dtype=np.int32)
    validity = np.packbits([1, 0, 1], bitorder="little")
    values = pa.StringArray.from_buffers(
        3, pa.py_buffer(offsets), pa.py_buffer(b"ABzzCD"), pa.py_buffer(validity)
    )
    _check(factorize_arrow_strings(values), ["AB", None, "CD"])


@pytest.mark.parametrize(
    "values",
    [
        np.array(["a", "b"], dtype=object),
        np.array([1, 2, 1]),
        pa.array([1, 2, 1]),
        pd.array([1, 2], dtype="Int64"),
        pd.array(["a", "b"], dtype="string[python]"),
        pa.array(["a", "b"]).dictionary_encode(),
        pa.array(["a", "b"], type=pa.string_view()),
        pa.array([b"a", b"b"]),
        ["a", "b"],
    ],
    ids=[
        "object",
        "int",
        "pa-int",
        "Int64",
        "python-string",
        "dictionary",
        "string-view",
        "binary",
        "list",
    ],
)
def test_other_inputs_return_none(values: object) -> None:
    """Anything but Arrow string data is left to the caller (None)."""
    assert factorize_arrow_strings(values) is None


def test_without_pyarrow_returns_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """When pyarrow cannot be imported the function returns None."""
    values = pa.array(["a", "b"])
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert factorize_arrow_strings(values) is None


class TestArrowStringsFromObjects:
    @_NO_DEADLINE
    @given(_IDS)
    def test_str_only_converts_exactly(self, ids: list[str | None]) -> None:
        """Object arrays of str (NULs, non-ASCII, empty) and None convert exactly."""
        arr = np.array(ids, dtype=object) if ids else np.empty(0, dtype=object)
        out = _factorize.arrow_strings_from_objects(arr)
        if not any(i is not None for i in ids):
            return  # no text to infer a string type from: either answer is fine
        assert out is not None
        assert out.to_pylist() == ids

    @pytest.mark.parametrize(
        "values",
        [
            [b"a", "a"],
            ["a", b"a"],
            ["a", bytearray(b"a")],
            ["\ud800", "a"],
            ["a", 1],
            ["a", float("nan")],
            ["a", np.bytes_(b"a")],
        ],
        ids=[
            "bytes_first",
            "bytes_later",
            "bytearray",
            "surrogate",
            "int",
            "nan",
            "np_bytes",
        ],
    )
    def test_anything_else_is_left_alone(self, values: list[object]) -> None:
        """bytes (which Arrow would turn into equal text), surrogates, numbers: None."""
        arr = np.array(values, dtype=object)
        assert _factorize.arrow_strings_from_objects(arr) is None


@given(
    ids=st.lists(
        st.one_of(st.none(), st.text(alphabet="ab\x00é", max_size=3)), min_size=2
    ),
    cut=st.integers(0, 1000),
)
@settings(max_examples=40, deadline=None)
def test_object_text_arrow_hands_back_in_chunks_is_joined(
    ids: list[str | None], cut: int
) -> None:
    """Object text becomes one ``string`` array (32-bit offsets); should Arrow
    hand it back in chunks (text past 2 GiB), they are joined into one
    ``large_string`` array holding the same ids, and the summary groups them
    as it does otherwise."""
    import custseg

    assume(any(i is not None for i in ids))  # all missing: not text
    values = np.array(ids, dtype=object)
    real = pa.array
    at = cut % (len(ids) + 1)

    def chunked(data: object, type: object = None, from_pandas: bool = False) -> object:
        items = list(data)  # type: ignore[call-overload]
        return pa.chunked_array(
            [real(items[:at], type=type), real(items[at:], type=type)], type=type
        )

    plain = _factorize.arrow_strings_from_objects(values)
    assert plain.type == pa.string()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(pa, "array", chunked)
        joined = _factorize.arrow_strings_from_objects(values)
    assert joined.type == pa.large_string()
    assert joined.to_pylist() == plain.to_pylist() == ids
    rows = np.array([i for i in ids if i is not None], dtype=object)
    dates = np.full(len(rows), np.datetime64("2024-01-01"))
    amounts = np.ones(len(rows))
    ref = custseg.summarize(rows, dates, amounts)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(pa, "array", chunked)
        got = custseg.summarize(rows, dates, amounts)
    assert got.customer_id.tolist() == ref.customer_id.tolist()
    assert got.frequency.tolist() == ref.frequency.tolist()


@_NO_DEADLINE
@given(_IDS, st.sampled_from([pa.string(), pa.large_string()]), st.booleans())
def test_distinct_ids_are_made_on_demand_without_the_text(
    ids: list[str | None], type_: object, slice_: bool
) -> None:
    """``rank_arrow_strings`` gives the codes and the number of distinct ids
    at once, and a function making the ids that holds none of the text:
    the text can be let go (Arrow's pool gets its memory back) before the ids
    are made, and they are what ``factorize_arrow_strings`` gives."""
    import gc

    assume(not _nul_in_varying_lengths(ids))
    assume(any(i is not None for i in ids))
    # The collections below look only at what this example makes: a full
    # collection walks every object of the test session (about 1 s each
    # late in a whole run). Garbage left from before is frozen with the
    # rest, so what it holds in Arrow's pool is in ``before`` and stays.
    gc.freeze()
    try:
        before = pa.total_allocated_bytes()
        arr = pa.array(["pad", *ids] if slice_ else ids, type=type_)
        values = arr[1:] if slice_ else arr
        ranked = _factorize.rank_arrow_strings(values)
        assert ranked is not None
        codes, k, make = ranked
        want_codes, want_uniques = _expected(ids)
        np.testing.assert_array_equal(codes, want_codes)
        assert k == len(want_uniques)
        del arr, values
        gc.collect()
        assert pa.total_allocated_bytes() == before  # nothing of the text is held
    finally:
        gc.unfreeze()
    uniques = make()
    assert uniques.dtype == object
    assert [(type(u), u) for u in uniques] == [(str, u) for u in want_uniques]


# Ids sharing long prefixes (runs of equal words to order by the next word),
# of up to 64 bytes (eight words), with and without NUL and non-ASCII text.
_PREFIXES = st.sampled_from(["", "user", "abcdefgh", "abcdefghijklmnop", "é" * 9])
_WORDY_IDS = st.lists(
    st.none() | st.builds(lambda p, t, q: p + t + q, _PREFIXES, _TEXT, _PREFIXES),
    max_size=30,
)


def _spy_words(m: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of ``_group_words`` (patched into *m*)."""
    calls: list[int] = []
    real = _factorize._group_words

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    m.setattr(_factorize, "_group_words", spy)
    return calls


#: How :func:`_group_words` splits its passes: rows a block, and rows from
#: which each half of them has a thread (0: always, for tiny inputs too).
_WORD_PASSES = st.tuples(
    st.sampled_from([1, 2, 7, 1 << 19]), st.sampled_from([0, 1 << 20])
)


def _word_passes(m: pytest.MonkeyPatch, passes: tuple[int, int]) -> None:
    """Patch the blocks and threads of ``_group_words`` into *m*."""
    block, thread_rows = passes
    m.setattr(_factorize, "_WORD_BLOCK", block)
    m.setattr(_factorize, "_WORD_THREAD_ROWS", thread_rows)
    m.setattr(_threads, "spare_cpu", lambda: True)  # threads when asked


@_NO_DEADLINE
@given(
    _IDS | _WORDY_IDS,
    st.sampled_from([1, 3, 1 << 16]),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.booleans(),
    _WORD_PASSES,
)
def test_varied_ids_ranked_as_words_match_pandas(
    ids: list[str | None],
    chunk: int,
    type_: object,
    slice_: bool,
    passes: tuple[int, int],
) -> None:
    """Ids the sample finds too varied for keys are ranked as 8-byte words
    (one, or a hash of several checked id by id): exact, in Python's order,
    whether the ids have one width (read from a byte matrix) or several
    (gathered), at the end of the buffer or not, read in blocks of any
    size, each half of the rows in a thread of its own or not."""
    arr = pa.array(["pad", *ids] if slice_ else ids, type=type_)
    values = arr[1:] if slice_ else arr
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "_CAPPED_ROWS", 0)  # sample every input
        m.setattr(_factorize, "_SPARE_BITS", -64)  # and find it too varied
        m.setattr(_factorize, "CHUNK", chunk)
        _word_passes(m, passes)
        calls = _spy_words(m)
        result = _factorize_string_array(values, pa)
    _check(result, ids)
    present = [i.encode() for i in ids if i is not None]
    wide = bool(present) and max(map(len, present)) > 0
    assert bool(calls) == (wide and not _nul_in_varying_lengths(ids))


@_NO_DEADLINE
@given(_IDS | _WORDY_IDS, st.sampled_from([1, 5, 1 << 16]))
def test_too_many_compactions_turn_to_words(ids: list[str | None], chunk: int) -> None:
    """Ids that pass the sample but need more compactions than allowed are
    ranked as words, exactly (they were left to pandas)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "_CAPPED_ROWS", 0)
        m.setattr(_factorize, "_SPARE_BITS", 64)  # pass the sample
        m.setattr(_factorize, "_MAX_COMPACTIONS", 0)
        m.setattr(_factorize, "CHUNK", chunk)
        calls = _spy_words(m)
        result = _factorize_string_array(
            pa.array(ids, type=pa.large_string()), pa, budget=4
        )
    _check(result, ids)
    # worked example: 3 first bytes, then 3 second bytes: a compaction
    ids = ["a1", "a2", "b1", "b2", "c3", "a1"]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "_CAPPED_ROWS", 0)
        m.setattr(_factorize, "_SPARE_BITS", 64)
        m.setattr(_factorize, "_MAX_COMPACTIONS", 0)
        calls = _spy_words(m)
        result = _factorize_string_array(pa.array(ids), pa, budget=4)
    _check(result, ids)
    assert calls


@pytest.mark.parametrize("passes", [(1 << 19, 1 << 20), (1, 0), (2, 0)])
@pytest.mark.parametrize("clash_at", [0, 1, 2])
@pytest.mark.parametrize(
    ("same", "odd"),
    [
        ("ab" + "x" * 8, "cd" + "x" * 8),  # apart in the first word
        ("w" * 8 + "ab" + "x" * 6 + "yz", "w" * 8 + "cd" + "x" * 6 + "yz"),  # middle
    ],
)
def test_words_sharing_a_hash_are_left_to_pandas(
    passes: tuple[int, int], clash_at: int, same: str, odd: str
) -> None:
    """Two ids whose words hash alike are found out (each row's words are
    checked against its group's, word by word), in whichever block or half
    of the rows the odd one is: the ranking gives up (None), and
    ``summarize`` still counts them apart (pandas)."""
    ids = [same] * 3  # the last words of both equal
    ids[clash_at] = odd
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "_CAPPED_ROWS", 0)
        m.setattr(_factorize, "_SPARE_BITS", -64)
        m.setattr(_factorize, "_MIX", np.uint64(0))  # the hash: the last word
        _word_passes(m, passes)
        assert factorize_arrow_strings(pa.array(ids)) is None
        facts = custseg.summarize(
            pd.Series(ids, dtype="str"),
            np.full(3, np.datetime64("2024-01-01")),
            np.ones(3),
        )
    assert facts.customer_id.tolist() == sorted(set(ids))
    assert facts.frequency.tolist() == [2, 1]  # *same* twice, *odd* once
    _check(factorize_arrow_strings(pa.array(ids)), ids)  # the real hash


@_NO_DEADLINE
@given(
    st.lists(
        st.lists(st.integers(0, 3), min_size=1, max_size=4).map(tuple), max_size=40
    ),
    st.sampled_from([0, 1, 2**63, 2**64 - 1]),
)
def test_word_order_is_lexsort(rows: list[tuple[int, ...]], scale: int) -> None:
    """``_word_order`` orders rows by every word, like ``numpy.lexsort``
    (unsigned: the top bit set sorts last)."""
    assume(rows)
    width = max(map(len, rows))
    table = np.array([r + (0,) * (width - len(r)) for r in rows], dtype=np.uint64)
    words = [
        table[:, j] * np.uint64(scale) if j == 0 else table[:, j] for j in range(width)
    ]
    order = _factorize._word_order(np.stack(words, axis=1), swap=False)
    swapped = np.stack([w.byteswap() for w in words], axis=1)
    np.testing.assert_array_equal(_factorize._word_order(swapped), order)
    assert sorted(order.tolist()) == list(range(len(rows)))
    got = np.stack([w[order] for w in words])
    want = np.stack([w[np.lexsort(words[::-1])] for w in words])
    np.testing.assert_array_equal(got, want)


_ID_BYTES = st.lists(
    st.binary(max_size=20).filter(lambda b: b"\x00" not in b), max_size=25
)


def _python_word(value: bytes, i: int) -> int:
    """Bytes ``8 i .. 8 i + 7`` of *value*, 0 past its end, big-endian."""
    return int.from_bytes(value[8 * i : 8 * i + 8].ljust(8, b"\x00"), "big")


@_NO_DEADLINE
@given(
    _ID_BYTES, st.integers(0, 3), st.sampled_from([1, 3, 1 << 16]), st.integers(0, 9)
)
def test_gathered_words_are_the_bytes(
    ids: list[bytes], i: int, chunk: int, pad: int
) -> None:
    """Word *i* of ids of any lengths, read 8 bytes at a time from a buffer
    (with *pad* bytes of other text before them), is the id's bytes there,
    0 past its end, even for the ids at the very end of the buffer."""
    assume(ids)
    data = np.frombuffer(b"Z" * pad + b"".join(ids), dtype=np.uint8)
    lengths = np.array([len(v) for v in ids], dtype=np.uint8)
    starts = pad + np.concatenate([[0], np.cumsum(lengths[:-1], dtype=np.int64)])
    want = [_python_word(v, i) for v in ids]
    out = np.full(len(ids), 0xAB, dtype=np.uint64)  # overwritten in full
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_factorize, "CHUNK", chunk)
        got = _factorize._gathered_word(data, starts, lengths, i)
        raw = _factorize._gathered_word(data, starts, lengths, i, out, big_endian=False)
    assert got.dtype == np.uint64
    assert got.tolist() == want
    # as read (little-endian), into the array given
    assert raw is out and raw.tolist() == np.array(want, np.uint64).byteswap().tolist()


@_NO_DEADLINE
@given(
    st.integers(1, 20).flatmap(
        lambda w: st.lists(st.binary(min_size=w, max_size=w), min_size=1, max_size=25)
    ),
    st.integers(0, 2),
    st.integers(0, 9),
)
def test_matrix_words_are_the_bytes(ids: list[bytes], i: int, pad: int) -> None:
    """Word *i* of ids of one width, back to back (a strided view, the last
    rows read byte by byte), is the id's bytes there, NUL bytes included."""
    width = len(ids[0])
    assume(8 * i < width)
    data = np.frombuffer(b"Z" * pad + b"".join(ids), dtype=np.uint8)
    want = [_python_word(v, i) for v in ids]
    got = _factorize._matrix_word(data, pad, len(ids), width, i)
    assert got.tolist() == want
    out = np.full(len(ids), 0xAB, dtype=np.uint64)
    raw = _factorize._matrix_word(data, pad, len(ids), width, i, out, big_endian=False)
    assert raw is out and raw.tolist() == np.array(want, np.uint64).byteswap().tolist()


def test_eight_character_codes_take_the_word_path() -> None:
    """On many rows, 8-character codes over 0-9A-Z (41 bits of key) are ranked
    as words, exactly, instead of being left to pandas."""
    rng = np.random.default_rng(5)
    symbols = list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    pool = ["".join(rng.choice(symbols, 8)) for _ in range(5000)]
    ids = [pool[i] for i in rng.integers(0, len(pool), 70_000)]
    _check(factorize_arrow_strings(pd.Series(ids, dtype="str").array), ids)


# Integers that meet at the edges of int64 and share their low or high bits
# (alike under a multiplication that keeps only the top bits).
_POOL = [0, 1, -1, 2, 2**62, -(2**63), 2**63 - 1, 7 << 40, 7 << 41, 3 << 60, 12345]
_INTEGERS = st.lists(
    st.sampled_from(_POOL) | st.integers(-(2**63), 2**63 - 1), max_size=120
)
_ROUND_SETTINGS = st.fixed_dictionaries(
    {
        "_TABLE_MIN_ROWS": st.sampled_from([1, 4, 1 << 14]),
        "_TABLE_BITS": st.sampled_from([(1, 1), (1, 3), (2, 6), (16, 24)]),
        "CHUNK": st.sampled_from([1, 3, 1 << 16]),
        # 0: each half of the rows in a thread of its own, however few
        "_TABLE_THREAD_ROWS": st.sampled_from([0, 1 << 20]),
    }
)


def _rounds(
    m: pytest.MonkeyPatch, settings_: dict[str, Any], estimate: float | None
) -> None:
    """Patch the table rounds of ``group_values`` into *m*; a given estimate
    replaces the sample's (None: the sample decides, on 8 rows)."""
    for name, value in settings_.items():
        m.setattr(_factorize, name, value)
    m.setattr(_threads, "spare_cpu", lambda: True)  # threads when asked
    if estimate is None:
        m.setattr(_factorize, "_ESTIMATE_ROWS", 8)
    else:
        m.setattr(_factorize, "_distinct_estimate", lambda values: estimate)


@_NO_DEADLINE
@given(
    _INTEGERS,
    st.booleans(),
    _ROUND_SETTINGS,
    st.sampled_from([None, 1.0, 3.0, 50.0, 1e6]),
    st.booleans(),
)
def test_group_values_is_exact(
    values: list[int],
    ordered: bool,
    settings_: dict[str, Any],
    estimate: float | None,
    scratch: bool,
) -> None:
    """Every row gets the group of its value, one group per distinct value,
    whatever the table size, the rounds (values losing their slot), the
    estimate or the order of the rows."""
    array = np.array(sorted(values) if ordered else values, dtype=np.int64)
    given_ = array.copy()
    with pytest.MonkeyPatch.context() as m:
        _rounds(m, settings_, estimate)
        codes, uniques = _factorize.group_values(given_, scratch=scratch)
    assert codes.dtype == np.intp and len(codes) == len(array)
    np.testing.assert_array_equal(uniques[codes], array)
    assert len(uniques) == len(set(values))
    if not scratch:
        np.testing.assert_array_equal(given_, array)  # the input left alone


@_NO_DEADLINE
@given(
    _INTEGERS,
    st.booleans(),
    st.sampled_from([np.int64, np.int32, np.uint64, np.int8]),
    _ROUND_SETTINGS,
    st.sampled_from([None, 1.0, 50.0]),
    st.booleans(),
)
def test_hashed_ranks_is_sorted_factorize(
    values: list[int],
    ordered: bool,
    dtype: type,
    settings_: dict[str, Any],
    estimate: float | None,
    scratch: bool,
) -> None:
    """``hashed_ranks`` is ``pandas.factorize(sort=True)``: by table rounds,
    by pandas, or (sorted ids) by counting changes, chunk by chunk."""
    info = np.iinfo(dtype)
    values = [v for v in values if info.min <= v <= info.max]
    array = np.array(sorted(values) if ordered else values, dtype=dtype)
    given_ = array.copy()
    with pytest.MonkeyPatch.context() as m:
        _rounds(m, settings_, estimate)
        codes, uniques = _factorize.hashed_ranks(given_, scratch=scratch)
    if not scratch:
        np.testing.assert_array_equal(given_, array)
    elif dtype == np.int64 and len(array) >= 2:
        # the codes took its memory, on the two paths of our own
        tables = estimate is not None and len(array) >= settings_["_TABLE_MIN_ROWS"]
        if tables or bool(np.all(array[1:] >= array[:-1])):
            assert np.shares_memory(codes, given_)
    want_codes, want_uniques = pd.factorize(array, sort=True)
    np.testing.assert_array_equal(codes, want_codes)
    np.testing.assert_array_equal(uniques, want_uniques)
    assert uniques.dtype == array.dtype


@_NO_DEADLINE
@given(_INTEGERS, st.booleans(), _ROUND_SETTINGS, st.sampled_from([None, 1.0, 50.0]))
def test_hashed_groups_leave_the_sort_to_the_caller(
    values: list[int], ordered: bool, settings_: dict[str, Any], estimate: float | None
) -> None:
    """``hashed_groups`` groups exactly (``uniques[codes]`` is the input, each
    value once) and its ``order`` sorts the groups; None only for ascending
    values, whose codes are ranks already."""
    array = np.array(sorted(values) if ordered else values, dtype=np.int64)
    with pytest.MonkeyPatch.context() as m:
        _rounds(m, settings_, estimate)
        codes, uniques, order = _factorize.hashed_groups(array.copy())
    np.testing.assert_array_equal(uniques[codes], array)
    assert len(set(uniques.tolist())) == len(uniques)
    want = np.unique(array)
    if order is None:  # ascending values: counted into ranks at once
        assert bool(np.all(array[1:] >= array[:-1]))
        np.testing.assert_array_equal(uniques, want)
    else:
        np.testing.assert_array_equal(uniques[order()], want)
        assert order() is order()  # made once


@_NO_DEADLINE
@given(_IDS | _WORDY_IDS, st.booleans(), _WORD_PASSES)
def test_group_arrow_strings_is_rank_arrow_strings_sorted_later(
    ids: list[str | None], words: bool, passes: tuple[int, int]
) -> None:
    """Unsorted groups (the words path) and their ``order`` give what
    ``rank_arrow_strings`` gives: ``uniques(order())`` the sorted ids, the
    codes renumbered by it the ranks; -1 for missing ids either way."""
    arr = pa.array(ids, type=pa.large_string())
    with pytest.MonkeyPatch.context() as m:
        if words:
            m.setattr(_factorize, "_CAPPED_ROWS", 0)  # sample every input
            m.setattr(_factorize, "_SPARE_BITS", -64)  # and find it too varied
        _word_passes(m, passes)
        ranked = _factorize.rank_arrow_strings(arr)
        grouped = _factorize.group_arrow_strings(arr)
    if _nul_in_varying_lengths(ids):
        assert ranked is None and grouped is None
        return
    assert ranked is not None and grouped is not None
    codes, k, uniques, order = grouped
    assert k == ranked[1]
    made = uniques()
    assert [None if c < 0 else made[c] for c in codes] == ids
    if order is None:
        np.testing.assert_array_equal(codes, ranked[0])
        assert made.tolist() == ranked[2]().tolist()
        return
    sort = order()
    assert uniques(sort).tolist() == ranked[2]().tolist()
    rank = np.empty(k, dtype=np.intp)
    rank[sort] = np.arange(k)
    np.testing.assert_array_equal(np.where(codes < 0, -1, rank[codes]), ranked[0])


def test_distinct_estimate_and_when_pandas_is_left_the_work() -> None:
    """The sample's estimate is near the number of distinct values; few
    distinct values, sorted ids, other dtypes and few rows go to pandas."""
    rng = np.random.default_rng(7)
    pool = rng.integers(-(2**63), 2**63 - 1, 100_000)
    values = pool[rng.integers(0, len(pool), 1_000_000)]
    estimate = _factorize._distinct_estimate(values)
    assert estimate is not None and 30_000 < estimate < 300_000
    unique = rng.permutation(1_000_000).astype(np.int64) * 7919
    assert _factorize._distinct_estimate(unique) == 1_000_000
    assert _factorize._distinct_estimate(pool[rng.integers(0, 100, 1_000_000)]) is None
    assert _factorize._distinct_estimate(np.sort(values)) is None
    assert _factorize._distinct_estimate(values[:1000]) is None
    codes, uniques = _factorize.hashed_ranks(values)  # the table rounds, for real
    np.testing.assert_array_equal(uniques[codes], values)
    assert np.all(uniques[1:] > uniques[:-1]) and len(uniques) == len(np.unique(values))


@_NO_DEADLINE
@given(
    st.lists(st.integers(-(2**63), 2**63 - 1), unique=True, max_size=60)
    | st.lists(st.integers(-50, 50), unique=True, max_size=60)
    | st.integers(1, 62).flatmap(
        lambda b: st.lists(st.integers(0, 2**b), unique=True, min_size=2, max_size=60)
    )
)
def test_distinct_order_is_argsort(values: list[int]) -> None:
    """The order of distinct integers, whether packed with their positions
    into one key (a narrow range) or argsorted (a wide one)."""
    array = np.array(values, dtype=np.int64)
    order = _factorize._distinct_order(array)
    assert order.dtype == np.intp
    np.testing.assert_array_equal(order, np.argsort(array))
    for dtype in (np.int32, np.uint64):
        if all(np.iinfo(dtype).min <= v <= np.iinfo(dtype).max for v in values):
            other = np.array(values, dtype=dtype)
            np.testing.assert_array_equal(
                _factorize._distinct_order(other), np.argsort(other)
            )


def test_rounds_after_the_first_count_what_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sample that says far too few distinct values only sizes the first
    round: the next is sized by what the first left (linear counting of
    its occupied slots), so few rows are left to pandas."""
    rng = np.random.default_rng(3)
    values = rng.permutation(150_000).astype(np.int64) * 7919
    # 2**17 slots for the first round (it keeps ~89,000 values), then as
    # many as the tables need (from 2**10)
    monkeypatch.setattr(_factorize, "_distinct_estimate", lambda values: 40_000.0)
    monkeypatch.setattr(_factorize, "_TABLE_BITS", (10, 24))
    monkeypatch.setattr(_factorize, "_TABLE_MIN_ROWS", 1)
    rounds: list[tuple[int, int, int]] = []
    real = _factorize._table_round

    def spy(values: Any, multiplier: Any, bits: int, k: int, out: Any) -> Any:
        got = real(values, multiplier, bits, k, out)
        rounds.append((len(values), bits, len(got[1])))
        return got

    monkeypatch.setattr(_factorize, "_table_round", spy)
    codes, uniques = _factorize.group_values(values)
    np.testing.assert_array_equal(uniques[codes], values)
    assert rounds[0][1] == 17  # from the sample's (low) estimate
    left = rounds[0][2]  # ~61,000 values lost their slot
    # a table for them (2**15 from the estimate, 40,000 * left / 150,000)
    assert 2 ** rounds[1][1] >= left
    assert len(rounds) == 4 and rounds[-1][2] < 2_000  # what pandas is left


def test_read_only_values_are_never_scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    """``scratch=True`` on values that cannot be written makes new codes,
    on the table path and on the sorted path."""
    monkeypatch.setattr(_factorize, "_TABLE_MIN_ROWS", 1)
    monkeypatch.setattr(_factorize, "_distinct_estimate", lambda values: 20.0)
    for values, want in [
        (np.arange(20, dtype=np.int64)[::-1].copy(), list(range(19, -1, -1))),
        (np.arange(20, dtype=np.int64), list(range(20))),
    ]:
        values.flags.writeable = False
        codes, uniques = _factorize.hashed_ranks(values, scratch=True)
        assert not np.shares_memory(codes, values)
        assert codes.tolist() == want
        assert uniques.tolist() == list(range(20))
