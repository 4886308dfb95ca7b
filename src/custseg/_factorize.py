"""Fast, exact, order-preserving factorisation of Arrow-backed string ids.

:func:`pandas.factorize` with ``sort=True`` hashes every string and sorts the
distinct strings; on ten million rows that takes seconds. Customer ids are
usually short strings over a small alphabet (``"C0000123"``, ``"48213"``), and
those can be turned into exact, order-preserving integer keys with a few
vectorised passes over the Arrow buffers, and the keys grouped by direct
addressing.

The method, for the non-null rows of a ``string`` or ``large_string`` array:

1. Read the offsets and data buffers as NumPy arrays without copying (a
   chunked array of several chunks is combined first). When all ids have the
   same byte length ``L`` the data buffer is reshaped to an ``(n, L)`` byte
   matrix and column ``j`` is the ``j``-th byte of every id.
   Otherwise column ``j`` is gathered from the data buffer, with ``0`` for the
   ids shorter than ``j + 1``. ``0`` sorts before every other byte, so the
   padded ids sort like the ids; an id holding a NUL byte would be confused
   with a shorter one, so then the function returns None.
2. For each column, find its symbols: the bytes used there (a 256-bin
   count, or, when they span fewer than 16 values, the whole span: a superset
   is still exact), plus the end marker when some id ended. A column with a
   single symbol carries no information and is skipped. Otherwise each byte
   is mapped to its rank among the symbols (a subtraction, or
   ``bytes.translate`` with a 256-byte table) and a mixed-radix key is
   accumulated: ``key = key * radix + rank``. Keys compare like the ids
   compare byte-wise, which for UTF-8 is code-point order, the order of
   Python ``str``.
3. Before the key range (the product of the radices) outgrows what direct
   addressing affords (a few slots per row), or what ``int64`` holds, the
   keys are compacted to their dense ranks (``0 .. k - 1`` for ``k``
   distinct prefixes), which is exact and order-preserving too, and the
   accumulation goes on from there.
4. The final keys are grouped by direct addressing (a presence table) when
   their range allows, else by :func:`pandas.factorize` on the integers. The
   distinct ids are rebuilt by decoding the distinct keys back to bytes, level
   by level, and turned into Python ``str`` by Arrow.

Long, varied ids (UUIDs, hashes, e-mail addresses) would need one pass per
byte and many compactions. So from 65,536 rows on, ids whose key would need
too many bits (estimated on a sample of rows before any pass) or too many
compactions are read 8 bytes at a time instead, as big-endian 64-bit words
(:func:`_group_words`): one word an id is grouped by :func:`hashed_groups`;
several are hashed into one, grouped (:func:`group_values`), checked word
by word against one row of each group (exact: on a clash of hashes the
function returns None), and only the distinct ids sorted. That sort may be
left to the caller (:func:`group_arrow_strings`), who runs it beside other
work: the summary sorts them in a second thread while the first makes the
per-customer minima and maxima. Ids longer than 64 bytes are left to
pandas (the function returns None). From a million rows the word passes
and the grouping's table rounds run in two threads, each over half of the
rows (NumPy releases the GIL inside its loops); each row's result is its
own, so the answer is the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ._threads import in_halves, once

__all__ = [
    "arrow_strings_from_objects",
    "factorize_arrow_strings",
    "group_arrow_strings",
    "rank_arrow_strings",
]

_Bytes = npt.NDArray[np.uint8]
#: A function giving word ``i`` of the ids of some rows (a slice, or row
#: numbers), into an array when given: see :func:`_group_words`.
_Rows = slice | npt.NDArray[np.intp]
_WordOf = Callable[[int, _Rows, npt.NDArray[np.uint64] | None], npt.NDArray[np.uint64]]
_Keys = npt.NDArray[np.int64]
#: ``(codes, k, uniques, order)`` of :func:`group_arrow_strings`
_StringGroups = tuple[
    np.ndarray, int, Callable[..., np.ndarray], Callable[[], np.ndarray] | None
]
_Symbols = npt.NDArray[np.int16]

#: Largest key range an ``int64`` key holds (keys are ``0 .. range - 1``).
_INT64_RANGE = 2**63 - 1
#: Direct addressing is used for key ranges up to this many slots per row,
_DIRECT_SLOTS_PER_ROW = 4
#: and always up to this many slots.
_DIRECT_MIN_SLOTS = 1 << 20
#: Ids longer than this many bytes are left to pandas (one pass per byte).
_MAX_WIDTH = 64
#: Below this many rows every input is encoded; from it on, the work is capped:
_CAPPED_ROWS = 1 << 16
#: ids whose sampled key bits pass log2(direct budget) by more than this
_SPARE_BITS = 8
#: (judged on this many sampled rows)
_SAMPLE_ROWS = 1 << 12
#: are left to pandas, and so is any input needing more compactions than this.
_MAX_COMPACTIONS = 3
#: Columns whose bytes span fewer values than this are ranked by subtraction.
_NARROW_SPAN = 16
#: Rows handled at once by the chunked passes (temporaries stay in cache).
CHUNK = 1 << 16
#: An empty byte array, to let go of a bigger one held by a name.
_NO_BYTES: _Bytes = np.empty(0, dtype=np.uint8)
#: Symbol standing for "past the end of the id" in the decoding tables.
_END = -1


class _Level(NamedTuple):
    """The positions accumulated into the key since the previous compaction."""

    #: Key value, before the compaction that started this level, of each rank;
    #: ``None`` for the first level, which starts from a key of zero.
    previous: _Keys | None
    #: ``(byte position, symbol of each rank)``; symbol ``_END`` is the end.
    positions: list[tuple[int, _Symbols]]


class _Text(NamedTuple):
    """Ids as rows of a byte matrix, padded with 0 after their end."""

    bytes: _Bytes
    #: whether any id is shorter than the matrix is wide (else all are full)
    ended: bool


def factorize_arrow_strings(values: object) -> tuple[np.ndarray, np.ndarray] | None:
    """Factorise Arrow-backed string ids into sorted codes, exactly and fast.

    Parameters
    ----------
    values
        A pandas ``ArrowStringArray`` or ``ArrowExtensionArray``, or a
        ``pyarrow.Array`` or ``pyarrow.ChunkedArray``, of type ``string`` or
        ``large_string``. Anything else makes the function return None.

    Returns
    -------
    tuple of numpy.ndarray, or None
        ``(codes, uniques)``: ``codes`` (``intp``, one per row) is the index of
        each row's id in ``uniques``, or ``-1`` for a missing id; ``uniques``
        (``object`` array of ``str``) holds the distinct ids in ascending
        code-point order, missing ids left out. This is what
        ``pandas.factorize(np.asarray(values, dtype=object), sort=True)``
        returns. None when this fast path does not apply: other inputs,
        pyarrow not installed, ids of differing lengths holding a NUL
        character, ids longer than 64 bytes, and (from 65,536 rows on, very
        rarely) distinct long ids whose 8-byte words hash alike. The caller
        then uses :func:`pandas.factorize`.

    Examples
    --------
    >>> import pyarrow as pa
    >>> ids = pa.array(["C10", "C02", None, "C10", "C2"])
    >>> codes, uniques = factorize_arrow_strings(ids)
    >>> codes
    array([ 1,  0, -1,  1,  2])
    >>> uniques
    array(['C02', 'C10', 'C2'], dtype=object)
    >>> factorize_arrow_strings(np.array(["C02", "C10"], dtype=object)) is None
    True
    """
    ranked = rank_arrow_strings(values)
    return None if ranked is None else (ranked[0], ranked[2]())


def rank_arrow_strings(
    values: object,
) -> tuple[np.ndarray, int, Callable[[], np.ndarray]] | None:
    """:func:`factorize_arrow_strings`, with the distinct ids made on demand.

    Returns ``(codes, k, uniques)``: ``k`` distinct ids, and ``uniques()``
    makes them (the ``object`` array of ``str``). Until then they are held
    as a small byte matrix, so a caller can let go of the text (and its
    memory) before Python strings are made.

    >>> import pyarrow as pa
    >>> codes, k, uniques = rank_arrow_strings(pa.array(["b", "a", "b"]))
    >>> codes, k, uniques()
    (array([1, 0, 1]), 2, array(['a', 'b'], dtype=object))
    """
    grouped = group_arrow_strings(values, ordered=True)
    return None if grouped is None else grouped[:3]


def group_arrow_strings(
    values: object, *, ordered: bool = False
) -> _StringGroups | None:
    """:func:`rank_arrow_strings`, leaving the sort of the distinct ids to the
    caller, who may do it beside other work (in another thread).

    Returns ``(codes, k, uniques, order)``: ``codes`` into the ``k``
    distinct ids, which ``uniques()`` makes in *code* order and
    ``uniques(o)`` in the order of the codes ``o``; ``order`` is None when
    the codes are the ranks of the ids already, else ``order()`` sorts
    them: ``order()[r]`` is the code of the id of rank ``r`` (made once,
    however often and from whichever thread it is called), so the sorted
    ids are ``uniques(order())``. ``ordered=True`` sorts them here (``order``
    is then None): :func:`rank_arrow_strings`.

    >>> import pyarrow as pa
    >>> codes, k, uniques, order = group_arrow_strings(pa.array(["b", "a", "b"]))
    >>> codes.tolist(), k, uniques().tolist(), order is None
    ([1, 0, 1], 2, ['a', 'b'], True)
    >>> uniques(np.array([1, 0])).tolist()
    ['b', 'a']
    """
    try:
        import pyarrow as pa
    except ImportError:
        return None
    arr = _string_array(values, pa)
    if arr is None:
        return None
    return _group_string_array(arr, pa, ordered=ordered)


def _string_array(values: object, pa: Any) -> Any | None:
    """The single-chunk ``pyarrow`` string array behind ``values``, or None."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        array: Any = values
    else:
        import pandas as pd

        if not isinstance(values, pd.arrays.ArrowExtensionArray):
            return None
        array = values.__arrow_array__()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    if isinstance(array, pa.ChunkedArray):
        if array.num_chunks == 1:
            return array.chunk(0)
        try:
            return array.combine_chunks()
        except pa.ArrowException:  # e.g. over 2 GiB of ``string`` data
            return None
    return array


def _factorize_string_array(
    arr: Any,
    pa: Any,
    *,
    max_range: int = _INT64_RANGE,
    budget: int | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Factorise a single-chunk ``string``/``large_string`` array.

    ``max_range`` caps the key range (``int64``) and ``budget`` the key range
    grouped by direct addressing (default: a few slots per row); tests lower
    them to force compactions on small inputs.
    """
    ranked = _group_string_array(arr, pa, max_range=max_range, budget=budget)
    return None if ranked is None else (ranked[0], ranked[2]())


def _group_string_array(
    arr: Any,
    pa: Any,
    *,
    max_range: int = _INT64_RANGE,
    budget: int | None = None,
    ordered: bool = True,
) -> _StringGroups | None:
    """:func:`_factorize_string_array` with the distinct ids made on demand
    (see :func:`rank_arrow_strings`); ``ordered=False`` may leave their sort
    to the caller (see :func:`group_arrow_strings`)."""
    n = len(arr)
    if n == arr.null_count:
        return (
            np.full(n, -1, dtype=np.intp),
            0,
            partial(np.empty, 0, dtype=object),
            None,
        )
    buffers = arr.buffers()
    if not all(buf is None or buf.is_cpu for buf in buffers):
        return None
    offset_type = np.int32 if pa.types.is_string(arr.type) else np.int64
    offsets: npt.NDArray[np.integer[Any]] = np.frombuffer(
        buffers[1], dtype=offset_type, count=arr.offset + n + 1
    )
    offsets = offsets[arr.offset :]
    data: _Bytes = (
        np.empty(0, dtype=np.uint8)
        if buffers[2] is None
        else np.frombuffer(buffers[2], dtype=np.uint8)
    )
    starts = offsets[:-1]
    lengths = _lengths(offsets)
    if lengths is None:
        return None
    width = int(lengths.max())
    if int(lengths.min()) == width:  # one length: no byte a row to hold it
        lengths = np.broadcast_to(np.uint8(width), lengths.shape)
    rows = None  # the non-null rows, when some row is null
    if arr.null_count:
        rows = np.flatnonzero(arr.is_valid().to_numpy(zero_copy_only=False))
        starts, lengths = starts[rows], lengths[rows]
    if budget is None:
        budget = max(_DIRECT_SLOTS_PER_ROW * len(starts), _DIRECT_MIN_SLOTS)
    grouped = _group_text(data, starts, lengths, max_range, min(budget, max_range))
    if grouped is None:
        return None
    codes, k, text, order = grouped
    if ordered and order is not None:  # renumbered before the nulls' -1
        codes, text = _in_rank_order(codes, text, order())
        order = None
    if rows is not None:  # spread the codes over all rows, -1 for the nulls
        codes, valid_codes = np.full(n, -1, dtype=np.intp), codes
        codes[rows] = valid_codes
    return codes, k, partial(_strings, text, pa), order


def _strings(
    text: _TextOf, pa: Any, order: npt.NDArray[np.intp] | None = None
) -> np.ndarray:
    """The ids of *text* as Python ``str``, taken in *order* when given:
    their bytes are taken in that order first, :data:`CHUNK` ids at a time
    (no second copy of all of them), so that the strings are made (and lie
    in memory) in the order they are used; taking 10M strings made in
    another order at random took 0.8 s, waiting on each string's memory."""
    if order is None:
        return _symbols_to_str(text(None), pa)
    out = np.empty(len(order), dtype=object)
    for start in range(0, len(order), CHUNK):
        part = order[start : start + CHUNK]
        out[start : start + len(part)] = _symbols_to_str(text(part), pa)
    return out


def _in_rank_order(
    codes: npt.NDArray[np.intp], text: _TextOf, order: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], _TextOf]:
    """Codes renumbered (in place) to the ranks of their ids, and the ids'
    text in that order (the codes' order now): *order* gives the code of
    each rank."""
    ranked = text(order)
    return _renumber(codes, order), lambda order=None: ranked


def _words_text(
    words: np.ndarray,
    width: int,
    ended: bool,
    order: npt.NDArray[np.intp] | None = None,
) -> _Text:
    """The ids whose bytes are the rows of 64-bit *words* (as stored), cut
    to *width*, in *order* when given (the rows taken whole: 8 bytes at a
    time, where taking the byte rows cost twice as long)."""
    if order is not None:
        words = np.take(words, order, axis=0)
    rows = words.view(np.uint8).reshape(len(words), -1)[:, :width]
    return _Text(rows, ended)


def _lengths(offsets: npt.NDArray[np.integer[Any]]) -> _Bytes | None:
    """Byte length of each id (``uint8``, 1 byte per row instead of 8), or
    None when an id is longer than ``_MAX_WIDTH`` bytes; chunk by chunk."""
    m = len(offsets) - 1
    lengths = np.empty(m, dtype=np.uint8)
    part = np.empty(min(m, CHUNK), dtype=np.int64)
    for start in range(0, m, CHUNK):
        stop = min(m, start + CHUNK)
        diff = part[: stop - start]
        np.subtract(offsets[start + 1 : stop + 1], offsets[start:stop], out=diff)
        if int(diff.max()) > _MAX_WIDTH:
            return None
        lengths[start:stop] = diff
    return lengths


#: ``text(order)``: the text of distinct ids (see :class:`_Text`), in code
#: order, or in *order* (codes) when it is not None
_TextOf = Callable[[npt.NDArray[np.intp] | None], "_Text"]
#: ``(codes, k, text, order)``, grouped text ids: ``codes[i]`` is the group
#: of id ``i`` among ``k``, whose ids ``text`` gives (see :data:`_TextOf`);
#: ``order`` is None when the codes are the ranks of the ids, else
#: ``order()`` gives the code of each rank (sorts them).
_Grouped = tuple[
    npt.NDArray[np.intp],
    int,
    _TextOf,
    Callable[[], npt.NDArray[np.intp]] | None,
]


def _group_text(
    data: _Bytes,
    starts: npt.NDArray[np.integer[Any]],
    lengths: npt.NDArray[np.integer[Any]],
    max_range: int,
    budget: int,
) -> _Grouped | None:
    """Group the ids at ``data[starts[i] : starts[i] + lengths[i]]``.

    Returns ``(codes, k, text, order)`` (see :data:`_Grouped`): ids keyed
    byte by byte come ranked (``order`` None), their text decoded from their
    keys without ``data``; ids too varied for keys are grouped by
    :func:`_group_words`, whose ``order`` sorts them. None when the ids are
    not worth encoding or hold NUL bytes while differing in length.
    """
    m = len(starts)
    capped = m >= _CAPPED_ROWS
    width = int(lengths.max())
    if width > _MAX_WIDTH:
        return None
    by_words = False  # too varied for keys: ranked as 8-byte words, hashed
    if capped:  # estimate the key bits on a sample before any pass
        picked = _sample_rows(m)
        positions = np.arange(width)
        sample = np.take(data, starts[picked, None] + positions, mode="clip")
        sample *= positions < lengths[picked, None]  # 0 past the end
        by_words = width > 0 and _bits(sample) > math.log2(budget) + _SPARE_BITS
    # one byte a row each, reused from column to column: new arrays are slow
    # to touch first, and the passes would otherwise make two or three a column
    col_buffer = np.empty(0 if by_words else m, dtype=np.uint8)
    scratch_buffer = np.empty(0 if by_words else m, dtype=np.uint8)
    if int(lengths.min()) == width and int(starts[-1] - starts[0]) == (m - 1) * width:
        # All ids have one length and lie back to back: a byte matrix.
        first = int(starts[0])
        matrix = data[first : first + m * width].reshape(m, width)
        shorter = np.zeros(width, dtype=np.int64)  # ids shorter than j + 1

        def column_part(
            j: int, start: int, out: _Bytes, at: npt.NDArray[np.int64]
        ) -> _Bytes:
            np.copyto(out, matrix[start : start + len(out), j])
            return out

        def word(
            i: int, rows: _Rows, out: npt.NDArray[np.uint64] | None = None
        ) -> npt.NDArray[np.uint64]:
            if isinstance(rows, slice):
                start, stop, _ = rows.indices(m)
                at = first + start * width
                return _matrix_word(
                    data, at, stop - start, width, i, out, big_endian=False
                )
            same = np.broadcast_to(np.uint8(width), rows.shape)
            return _gathered_word(
                data, first + rows * width, same, i, out, big_endian=False
            )

    else:
        used = data[int(starts[0]) : int(starts[-1] + lengths[-1])]
        if used.size and not used.min():
            return None  # a NUL byte would look like the end of a shorter id
        shorter = np.cumsum(np.bincount(lengths, minlength=width + 1))[:width]

        def column_part(
            j: int, start: int, out: _Bytes, at: npt.NDArray[np.int64]
        ) -> _Bytes:
            # byte j of the ids of rows start .. start + len(out) - 1 (*at*
            # holds their positions in *data*)
            stop = start + len(out)
            where = np.add(starts[start:stop], j, out=at, casting="unsafe")
            np.minimum(where, len(data) - 1, out=where)  # ended ids: masked below
            np.take(data, where, out=out)
            if shorter[j]:
                out *= lengths[start:stop] > j
            return out

        def word(
            i: int, rows: _Rows, out: npt.NDArray[np.uint64] | None = None
        ) -> npt.NDArray[np.uint64]:
            return _gathered_word(
                data, starts[rows], lengths[rows], i, out, big_endian=False
            )

    ended = bool(shorter.any())
    if by_words:
        return _group_words(word, m, width, ended=ended)
    at_buffer = np.empty(min(m, CHUNK), dtype=np.int64)

    def column(j: int) -> _Bytes:
        """Byte j of every id (0 past its end), chunk by chunk."""
        for a in range(0, m, CHUNK):
            b = min(m, a + CHUNK)
            column_part(j, a, col_buffer[a:b], at_buffer[: b - a])
        return col_buffer

    key: _Keys | None = None  # None: all zero, range 1
    key_range = 1
    compactions = 0
    levels = [_Level(None, [])]
    constants = np.zeros(width, dtype=np.uint8)  # the byte of skipped positions
    # Each column's symbols come from a pass over the column; its ranks are
    # added to the key later, those of all the columns up to a compaction at
    # once (the level's positions, see _add_ranks)
    for j in range(width):
        col = column(j)
        ends = bool(shorter[j])  # some ids end before j: byte 0 marks them
        symbols = _column_symbols(col, ends, scratch_buffer)
        radix = len(symbols)
        if radix == 1:
            constants[j] = symbols[0]
            continue
        # Compact while direct addressing is cheap, and when int64 is full.
        if (
            (key is not None or levels[-1].positions)
            and key_range * radix > budget
            and (key_range <= budget or key_range * radix > max_range)
        ):
            compactions += 1
            if capped and compactions > _MAX_COMPACTIONS:  # words are faster
                key = None
                col = col_buffer = scratch_buffer = _NO_BYTES
                return _group_words(word, m, width, ended=ended)
            key = _add_ranks(key, levels[-1].positions, m, column_part)
            key, previous = _compact(key, key_range, budget)
            key_range = len(previous)
            levels.append(_Level(previous, []))
            if key_range * radix > max_range:
                return None  # only for a tiny ``max_range`` (tests)
        key_range *= radix
        levels[-1].positions.append((j, symbols))
    # let go of the last column and its scratch (a byte a row each)
    col = col_buffer = scratch_buffer = _NO_BYTES
    if key is None and not levels[-1].positions:  # one id
        return np.zeros(m, dtype=np.intp), 1, partial(_one_text, constants, ended), None
    key = _add_ranks(key, levels[-1].positions, m, column_part)
    codes, final = _compact(key, key_range, budget)
    return (
        codes.astype(np.intp, copy=False),
        len(final),
        lambda order=None: _Text(
            _decode(final if order is None else final[order], levels, constants),
            ended,
        ),
        None,
    )


def _one_text(
    constants: _Bytes, ended: bool, order: npt.NDArray[np.intp] | None = None
) -> _Text:
    """The text of the one id *constants* (*order* is the one code 0)."""
    return _Text(constants[None, :], ended)


#: Bytes in a word of :func:`_group_words`
_WORD = 8
#: Masks keeping the first ``r`` bytes of a little-endian word, ``r = 0 .. 8``.
_FIRST_BYTES = np.array([(1 << (8 * r)) - 1 for r in range(_WORD + 1)], dtype=np.uint64)
#: Multiplier mixing the words of an id into one hash (odd).
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_TOP_BIT = np.uint64(1 << 63)


#: Rows a block of :func:`_group_words`' hashing: all the words of a block
#: are read and mixed while its ids' bytes are in cache (the check goes
#: :data:`CHUNK` rows at a time, their groups' words taken beside),
_WORD_BLOCK = 1 << 19
#: and from this many rows each half of the rows has a thread of its own.
_WORD_THREAD_ROWS = 1 << 20


def _group_words(word: _WordOf, m: int, width: int, *, ended: bool) -> _Grouped | None:
    """Group ids as 8-byte words: for ids too varied for the keys of
    :func:`_group_text` (codes such as ``"7QK2M9XA"``, hex digests, e-mail
    addresses), where hashing their text took several times as long.

    ``word(i, rows, out)`` gives word ``i`` of the ids of *rows* (a slice or
    row numbers): their bytes ``8 i .. 8 i + 7`` (0 past the end) as 64-bit
    integers read little-endian; those hashed and checked are used as read,
    those sorted are swapped to big-endian first, so that integers compare
    like the bytes (for UTF-8, the order of Python ``str``). Ids of at most
    8 bytes are one word each, grouped by :func:`hashed_groups`. Longer ids
    are hashed into one 64-bit integer each (``hash = mix(hash) ^ word``,
    block by block of rows) and grouped by it (:func:`group_values`); each
    group's words are read from one of its rows (kept side by side), and
    every row's words are checked against its group's: exact, or None (left
    to pandas) in the unlikely event that two ids share a hash. The order
    returned sorts only the distinct ids (by their words), when first
    called (see :data:`_Grouped`). The codes take the memory of the hashes
    (or of the single words). From ``_WORD_THREAD_ROWS`` rows the reading,
    hashing, picking and checking run in two threads, each over half of the
    rows (each row's result is its own, so the answer is the same).
    """
    count = -(-width // _WORD)
    threads = m >= _WORD_THREAD_ROWS
    if count == 1:
        # the top bit flipped: unsigned order as int64
        signed = np.empty(m, dtype=np.uint64)

        def read(start: int, stop: int) -> None:
            part = word(0, slice(start, stop), signed[start:stop])
            part.byteswap(inplace=True)
            np.bitwise_xor(part, _TOP_BIT, out=part)

        in_halves(read, m, threads=threads)
        codes, uniques, order = hashed_groups(signed.view(np.int64), scratch=True)
        del signed  # its memory holds the codes now
        # the distinct ids' bytes (the text is a view of them, not a copy)
        matrix = np.bitwise_xor(uniques.view(np.uint64), _TOP_BIT).astype(">u8")
        text = partial(_words_text, matrix[:, None], width, ended)
        return codes, len(matrix), text, order
    else:
        hashed = np.empty(m, dtype=np.uint64)

        def hash_rows(start: int, stop: int) -> None:
            mixed = np.empty(min(stop - start, CHUNK), dtype=np.uint64)
            this = np.empty(min(stop - start, _WORD_BLOCK), dtype=np.uint64)
            for a in range(start, stop, _WORD_BLOCK):
                b = min(stop, a + _WORD_BLOCK)
                part = word(0, slice(a, b), hashed[a:b])
                for i in range(1, count):  # hash = mix(hash) ^ word, in place
                    _mix(part, mixed)
                    part ^= word(i, slice(a, b), this[: b - a])

        in_halves(hash_rows, m, threads=threads)
        codes, uniques = group_values(hashed.view(np.int64), scratch=True)
        del hashed  # its memory holds the codes now
        # one row of each group, and its words, read in row order (in the
        # order of the text: read at random, 1M ids' words took 0.3 s)
        k = len(uniques)
        row = np.empty(k, dtype=np.intp)

        def pick(start: int, stop: int) -> None:
            # any row of a group will do: the two halves may write in any order
            for a in range(start, stop, CHUNK):
                b = min(stop, a + CHUNK)
                row[codes[a:b]] = np.arange(a, b)

        in_halves(pick, m, threads=threads)
        picked = np.zeros(m, dtype=bool)
        picked[row] = True
        row = np.flatnonzero(picked)
        del picked
        group = codes[row]
        # each group's words side by side, as read (little-endian): a row's
        # check then reads its group's words with one access, not one a word
        # (past the cache, at 10M groups, one miss a row instead of four).
        # Filled CHUNK picked rows at a time, every word of a chunk read
        # while its ids' bytes are in cache, then written a group at once,
        # each half of the groups in a thread of its own (word by word over
        # all the rows, in one thread, 10M groups took 1.4 to 2 s)
        table = np.empty((k, count), dtype=np.uint64)

        def fill(start: int, stop: int) -> None:
            words = np.empty((min(stop - start, CHUNK), count), dtype=np.uint64)
            this = np.empty(min(stop - start, CHUNK), dtype=np.uint64)
            for a in range(start, stop, CHUNK):
                b = min(stop, a + CHUNK)
                for i in range(count):
                    words[: b - a, i] = word(i, row[a:b], this[: b - a])
                table[group[a:b]] = words[: b - a]

        in_halves(fill, k, threads=threads)
        del row, group

        def check(start: int, stop: int) -> bool:
            """Whether every row's words are its group's."""
            size = min(stop - start, CHUNK)
            this = np.empty(size, dtype=np.uint64)
            expected = np.empty((size, count), dtype=np.uint64)
            for a in range(start, stop, CHUNK):
                b = min(stop, a + CHUNK)
                seen = np.take(
                    table, codes[a:b], axis=0, out=expected[: b - a], mode="clip"
                )
                for i in range(count):
                    got = word(i, slice(a, b), this[: b - a])
                    if not np.array_equal(got, seen[:, i]):
                        return False
            return True

        if not all(in_halves(check, m, threads=threads)):
            return None  # two ids share a hash: left to pandas
        # sorted by their words big-endian (in the order of the bytes)
        order = once(partial(_word_order, table))
        # the distinct ids' bytes: the words as read are the bytes as they were
        return codes, k, partial(_words_text, table, width, ended), order


def _word_order(
    table: npt.NDArray[np.uint64], *, swap: bool = True
) -> npt.NDArray[np.intp]:
    """The order of the rows of *table* by column 0, then column 1, ...
    (each word byte-swapped first when *swap*: words read little-endian
    then compare like their bytes): sorted by the first word, then each run
    of rows equal so far sorted by the next word (a sort of only those rows;
    none for ids that differ in their first 8 bytes, as hex digests do),
    which is faster than sorting every row by every word
    (:func:`numpy.lexsort`). Only the first column is copied whole (a
    later one only for the rows still tied), so that the sort, which the
    summary runs beside its aggregates, adds little to their memory."""
    first = table[:, 0].byteswap() if swap else table[:, 0].copy()
    order = np.argsort(first)
    sorted_words = first[order]
    del first
    new_run = np.empty(len(order), dtype=bool)
    new_run[:1] = True
    np.not_equal(sorted_words[1:], sorted_words[:-1], out=new_run[1:])
    del sorted_words
    for i in range(1, table.shape[1]):
        # rows in runs of two or more (equal in every word so far)
        tied = ~new_run
        tied[:-1] |= ~new_run[1:]
        at = np.flatnonzero(tied)
        if not len(at):
            break
        run = np.cumsum(new_run)[at]
        rows = order[at]
        this = table[rows, i]
        if swap:
            this.byteswap(inplace=True)
        by = np.lexsort((this, run))  # by run, then by this word
        rows, this = rows[by], this[by]
        order[at] = rows
        new_run[at[1:]] |= this[1:] != this[:-1]
    return order


def _mix(hashed: npt.NDArray[np.uint64], scratch: npt.NDArray[np.uint64]) -> None:
    """``hashed ^= hashed >> 31; hashed *= _MIX``, in place, chunk by chunk
    (*scratch* holds a chunk)."""
    for start in range(0, len(hashed), CHUNK):
        part = hashed[start : start + CHUNK]
        shifted = np.right_shift(part, np.uint64(31), out=scratch[: len(part)])
        part ^= shifted
        part *= _MIX


def _matrix_word(
    data: _Bytes,
    first: int,
    m: int,
    width: int,
    i: int,
    out: npt.NDArray[np.uint64] | None = None,
    *,
    big_endian: bool = True,
) -> npt.NDArray[np.uint64]:
    """Word *i* of ``m`` ids of ``width`` bytes each, back to back from
    ``data[first]`` (see :func:`_group_words`): 8 bytes read at once per id
    (a strided, unaligned view), those past the id masked off; into *out*
    when given. ``big_endian=False`` leaves the words as read (little-endian:
    equal ids, equal words, but not in the order of the ids)."""
    start = first + _WORD * i
    used = min(_WORD, width - _WORD * i)
    # the rows whose 8 bytes lie inside the buffer (all but the last few)
    inside = min(m, max(0, (len(data) - start - _WORD) // width + 1))
    out = np.empty(m, dtype=np.uint64) if out is None else out
    if inside:
        out[:inside] = np.ndarray(
            (inside,), dtype="<u8", buffer=data, offset=start, strides=(width,)
        )
    for r in range(inside, m):
        at = start + r * width
        out[r] = int.from_bytes(data[at : at + used].tobytes(), "little")
    if used < _WORD:
        out &= _FIRST_BYTES[used]
    return out.byteswap(inplace=True) if big_endian else out


def _gathered_word(
    data: _Bytes,
    starts: npt.NDArray[np.integer[Any]],
    lengths: npt.NDArray[np.integer[Any]],
    i: int,
    out: npt.NDArray[np.uint64] | None = None,
    *,
    big_endian: bool = True,
) -> npt.NDArray[np.uint64]:
    """Word *i* of the ids at ``data[starts[r] : starts[r] + lengths[r]]``
    (see :func:`_group_words`): 8 bytes read at once per id (an unaligned
    view), those past the id masked off (in chunks where some id ends
    before the word does), chunk by chunk, into *out* when given; when
    fewer than a quarter of the ids reach word *i* (the last words of the
    longest e-mail addresses), only those are read. ``big_endian=False``
    leaves the words as read (see :func:`_matrix_word`)."""
    m = len(starts)
    reach = lengths > _WORD * i
    if i and np.count_nonzero(reach) * 4 < m:
        rows = np.flatnonzero(reach)
        del reach
        if out is None:
            out = np.zeros(m, dtype=np.uint64)
        else:
            out[...] = 0
        out[rows] = _gathered_word(
            data, starts[rows], lengths[rows], i, big_endian=big_endian
        )
        return out
    last = len(data) - _WORD  # the last byte a whole word can start at
    reads = np.ndarray((max(last + 1, 0),), dtype="<u8", buffer=data, strides=(1,))
    out = np.empty(m, dtype=np.uint64) if out is None else out
    size = min(m, CHUNK)
    pointer = np.empty(size, dtype=np.int64)
    left = np.empty(size, dtype=np.intp)  # intp: np.take is slow on others
    mask = np.empty(size, dtype=np.uint64)
    for start in range(0, m, CHUNK):
        stop = min(m, start + CHUNK)
        p, r, got = pointer[: stop - start], left[: stop - start], out[start:stop]
        if len(reads):
            np.add(starts[start:stop], _WORD * i, out=p, casting="unsafe")
            np.minimum(p, last, out=p)  # those past it are read below
            # indexing, not np.take, which would first copy the whole
            # (unaligned, strided) view into an aligned array
            got[...] = reads[p]
        else:
            got[...] = 0
        lens = lengths[start:stop]
        if int(lens.min()) < _WORD * (i + 1):  # some id ends before the word
            np.subtract(lens, _WORD * i, out=r, dtype=np.intp)
            np.clip(r, 0, _WORD, out=r)
            got &= np.take(_FIRST_BYTES, r, out=mask[: stop - start], mode="clip")
    # the ids near the end of the buffer, whose 8 bytes would pass it (a
    # few: the bytes they use lie in the last 8 of the buffer)
    reach &= starts > last - _WORD * i
    for row in np.flatnonzero(reach):
        at = int(starts[row]) + _WORD * i
        used = min(_WORD, int(lengths[row]) - _WORD * i)
        out[row] = int.from_bytes(data[at : at + used].tobytes(), "little")
    return out.byteswap(inplace=True) if big_endian else out


def hashed_ranks(
    values: np.ndarray, *, scratch: bool = False
) -> tuple[npt.NDArray[np.intp], np.ndarray]:
    """Rank of each value among the distinct values, and those ascending:
    grouped in O(n) (:func:`group_values`), then only the distinct values
    sorted and the codes renumbered in place (no second array of codes, as
    ``pandas.factorize(sort=True)`` makes); for values that never decrease
    (sorted ids), the codes count the changes. ``scratch=True`` lets the
    codes take the memory of ``int64`` *values* (which are lost).

    >>> codes, uniques = hashed_ranks(np.array([30, 10, 30, 20]))
    >>> codes.tolist(), uniques.tolist()
    ([2, 0, 2, 1], [10, 20, 30])
    """
    codes, uniques, order = hashed_groups(values, scratch=scratch)
    if order is None:
        return codes, uniques
    ranked = order()
    return _renumber(codes, ranked), uniques[ranked]


def hashed_groups(
    values: np.ndarray, *, scratch: bool = False
) -> tuple[npt.NDArray[np.intp], np.ndarray, Callable[[], npt.NDArray[np.intp]] | None]:
    """:func:`hashed_ranks`, leaving the sort of the distinct values to the
    caller (who may run it beside other work, in another thread).

    Returns ``(codes, uniques, order)``: ``uniques[codes[i]]`` is
    ``values[i]``; ``order`` is None when the codes are ranks already (the
    values never decrease), else ``order()`` sorts the distinct values
    (``uniques[order()]`` ascending), made once whoever calls it.

    >>> codes, uniques, order = hashed_groups(np.array([30, 10, 30, 20]))
    >>> (uniques[codes] == [30, 10, 30, 20]).all(), uniques[order()].tolist()
    (np.True_, [10, 20, 30])
    """
    if _ascending(values):  # sorted ids: the codes count the changes
        change = values[1:] != values[:-1]
        firsts = np.flatnonzero(change)
        firsts += 1
        uniques = np.concatenate([values[:1], values[firsts]])
        del firsts
        codes = _own_codes(values, scratch)
        codes[0] = 0
        np.cumsum(change, out=codes[1:])
        return codes, uniques, None
    codes, uniques = group_values(values, scratch=scratch)
    return codes, uniques, once(partial(_distinct_order, uniques))


def _distinct_order(uniques: np.ndarray) -> npt.NDArray[np.intp]:
    """The order of distinct integers: ``int64`` whose range leaves room
    for their positions in 63 bits (``(value - min) << bits | position``)
    are sorted as one key (10M phone numbers: 0.7 s, where
    :func:`numpy.argsort` took 1.4 to 1.9 s), the others argsorted.

    >>> _distinct_order(np.array([30, -10, 20])).tolist()
    [1, 2, 0]
    >>> _distinct_order(np.array([2**62, -(2**62), 0])).tolist()  # wide
    [1, 2, 0]
    """
    k = len(uniques)
    if uniques.dtype != np.int64 or k < 2:
        return np.argsort(uniques)  # distinct: stable or not, one order
    lo, hi = int(uniques.min()), int(uniques.max())
    bits = (k - 1).bit_length()
    if (hi - lo).bit_length() + bits > 63:
        return np.argsort(uniques)
    keys = np.subtract(uniques, lo)  # fits: hi - lo < 2**63
    keys <<= bits
    keys |= np.arange(k, dtype=np.int64)
    keys.sort()
    keys &= (1 << bits) - 1
    return keys.view(np.intp) if np.dtype(np.intp) == np.int64 else keys.astype(np.intp)


def _own_codes(values: np.ndarray, scratch: bool) -> npt.NDArray[np.intp]:
    """An array for one code per value: the memory of *values* itself when
    the caller gives it up (``scratch``) and it fits, else a new one."""
    if (
        scratch
        and values.dtype.kind in "iu"
        and values.dtype.itemsize == np.dtype(np.intp).itemsize
        and values.flags.c_contiguous
        and values.flags.writeable
    ):
        return values.view(np.intp)
    return np.empty(len(values), dtype=np.intp)


def _ascending(values: np.ndarray) -> bool:
    """Whether *values* (a NumPy array) never decrease; checked in full only
    when sampled neighbours never do."""
    n = len(values)
    if n < 2 or values.dtype.kind not in "iu":
        return False
    picked = np.linspace(0, n - 2, min(n - 1, _ESTIMATE_ROWS)).astype(np.intp)
    if not (values[picked] <= values[picked + 1]).all():
        return False
    return all(
        bool((values[i + 1 : i + CHUNK + 1] >= values[i : min(i + CHUNK, n - 1)]).all())
        for i in range(0, n - 1, CHUNK)
    )


def _renumber(codes: npt.NDArray[np.intp], order: np.ndarray) -> npt.NDArray[np.intp]:
    """*codes* renumbered in place so that code ``order[r]`` becomes ``r``."""
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))

    def look_up(start: int, stop: int) -> None:
        # each code is read before its place is written: safe in place, and
        # mode="clip" keeps NumPy from buffering a copy (the codes are in range)
        part = codes[start:stop]
        np.take(rank, part, out=part, mode="clip")

    # past the cache, each half of the rows in a thread of its own (as in
    # bitmap_ranks: 100M rows over 10M codes, 1.2 s in one thread)
    threads = rank.nbytes >= _THREAD_TABLE_BYTES and len(codes) >= _THREAD_ROWS
    in_halves(look_up, len(codes), threads=threads)
    return codes


#: Odd 64-bit multipliers, one for each round of :func:`group_values`
#: (Fibonacci hashing: the top bits of ``value * multiplier``).
_MULTIPLIERS = (
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0xD6E8FEB86659FD93,
)
#: Rows below which :func:`group_values` leaves the values to pandas,
_TABLE_MIN_ROWS = 1 << 14
#: and the smallest and largest table it uses (slots, as powers of two).
_TABLE_BITS = (16, 24)


def group_values(
    values: np.ndarray, *, scratch: bool = False
) -> tuple[npt.NDArray[np.intp], np.ndarray]:
    """Group values exactly, in O(n): ``(codes, uniques)`` with
    ``uniques[codes] == values``, the distinct values in no given order.

    For ``int64`` values that repeat little and are not sorted (where
    :func:`pandas.factorize`'s hash table is past the cache: 0.55 s for ten
    million rows of a million distinct values), rounds of direct
    addressing on a hash of the values. Each round hashes every value to a
    slot of a table two to four times the estimated number of distinct values
    (the top bits of ``value * multiplier``), writes each value into its
    slot (the last one written stays), and reads the slot back: the rows
    that find their own value there are grouped by slot (ranked through the
    table's occupied slots), exactly, since all rows of one value share its
    slot. The rest, whose value lost its slot to another value, go to the
    next round with another multiplier, disjoint from every group so far.
    What remains after four rounds, or when a round leaves more than half
    of its rows, goes to :func:`pandas.factorize`, as do other dtypes, few
    rows, few distinct values (judged on a sample of 4,096 rows) and long
    runs of one value (sorted ids), where pandas' table stays in the cache.
    0.25 s for the ten million rows above. The slots are computed
    :data:`CHUNK` rows at a time (no array of them), and ``scratch=True``
    lets the codes take the memory of the values (which are lost).

    >>> codes, uniques = group_values(np.array([7, -3, 7, 2**62]))
    >>> uniques[codes].tolist()
    [7, -3, 7, 4611686018427387904]
    """
    import pandas as pd

    estimate = _distinct_estimate(values) if values.dtype == np.int64 else None
    if estimate is None:
        hashed, uniques = pd.factorize(values, sort=False)
        return hashed.astype(np.intp, copy=False), np.asarray(uniques)
    codes = _own_codes(values, scratch)
    parts: list[np.ndarray] = []  # the distinct values of each round
    k = 0  # groups so far
    rest = values  # the values not grouped yet,
    rows: npt.NDArray[np.intp] | None = None  # and their rows (None: all)
    expected = estimate  # distinct values among the rest
    for multiplier in _MULTIPLIERS:
        m = len(rest)
        if m < _TABLE_MIN_ROWS:
            break
        low, high = _TABLE_BITS
        bits = min(max(math.ceil(math.log2(expected + 1)) + 1, low), high)
        # the codes of this round's rows: in place of their values, which
        # after the first round are a copy of our own
        out = codes if rows is None else _own_codes(rest, True)
        part, lost, lost_values = _table_round(
            rest, np.uint64(multiplier), bits, k, out
        )
        k += len(part)
        parts.append(part)
        if rows is not None:  # the rows that lost out are written again later
            codes[rows] = out
        del out
        if not len(lost):
            return codes, np.concatenate(parts)
        # the distinct values left: those of this round (by linear counting
        # of its occupied slots, D = -slots ln(1 - occupied / slots)) less
        # those it grouped; the sample's estimate was 4.2M for 10M distinct
        # values at 100M rows, and each round after it got too small a table
        slots, occupied = 1 << bits, len(part)
        expected = len(lost)
        if occupied < slots:
            counted = -slots * math.log1p(-occupied / slots) - occupied
            expected = min(expected, max(counted, 1.0))
        rest = lost_values
        rows = lost if rows is None else rows[lost]
        if len(lost) * 2 > m:
            break
    tail_codes, tail = pd.factorize(rest, sort=False)
    parts.append(np.asarray(tail))
    if rows is None:  # no round ran (few rows)
        codes[:] = tail_codes
    else:
        codes[rows] = tail_codes + k
    return codes, np.concatenate(parts)


def _table_round(
    values: npt.NDArray[np.int64],
    multiplier: np.uint64,
    bits: int,
    k: int,
    out: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """One round of :func:`group_values`: the codes (from *k* on) of the rows
    that keep their slot written to *out* (which may share memory with
    *values*: each chunk is read before it is written), and ``(distinct
    values, rows that lost their slot, their values)``.

    From ``_TABLE_THREAD_ROWS`` rows, each half of the rows writes and
    reads in a thread of its own: which of two values sharing a slot keeps
    it may then change from run to run, and so the codes, but never the
    grouping, and the callers sort the groups."""
    m = len(values)
    shift = np.uint64(64 - bits)

    def slots(
        chunk: npt.NDArray[np.int64], slot: npt.NDArray[np.uint64]
    ) -> npt.NDArray[np.int64]:
        s = slot[: len(chunk)]
        np.multiply(chunk.view(np.uint64), multiplier, out=s)
        s >>= shift
        return s.view(np.int64)

    # each slot's value and code side by side: one memory access a row
    pair = np.empty((1 << bits, 2), dtype=np.int64)
    table = pair[:, 0]
    # A slot still holding the first value is empty unless it is that
    # value's own (every row of a value shares one slot).
    fill = values[:1]
    table[:] = fill[0]
    threads = m >= _TABLE_THREAD_ROWS

    def write(start: int, stop: int) -> None:
        slot = np.empty(min(stop - start, CHUNK), dtype=np.uint64)
        for at in range(start, stop, CHUNK):
            chunk = values[at : min(stop, at + CHUNK)]
            table[slots(chunk, slot)] = chunk  # (one 8-byte store a row)

    in_halves(write, m, threads=threads)
    occupied = table != fill[0]
    occupied[int(slots(fill, np.empty(1, dtype=np.uint64))[0])] = True
    distinct = table[occupied]
    np.cumsum(occupied, out=pair[:, 1])
    del occupied
    pair[:, 1] += k - 1

    def read(start: int, stop: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Codes of the rows that kept their slot; (rows, values) of the rest."""
        slot = np.empty(min(stop - start, CHUNK), dtype=np.uint64)
        got = np.empty((min(stop - start, CHUNK), 2), dtype=np.int64)
        lost = []
        for at in range(start, stop, CHUNK):
            chunk = values[at : min(stop, at + CHUNK)]
            g = np.take(
                pair, slots(chunk, slot), axis=0, out=got[: len(chunk)], mode="clip"
            )
            own = g[:, 0] == chunk
            if not own.all():
                away = np.flatnonzero(~own)
                lost.append((away + at, chunk[away]))
            out[at : at + len(chunk)] = g[:, 1]
        return lost

    first, second = in_halves(read, m, threads=threads)
    lost = first + second
    if not lost:
        return distinct, np.empty(0, dtype=np.intp), np.empty(0, dtype=np.int64)
    return (
        distinct,
        np.concatenate([rows for rows, _ in lost]),
        np.concatenate([values for _, values in lost]),
    )


#: :func:`_table_round` writes and reads each half of the rows in a thread
#: of its own from this many rows.
_TABLE_THREAD_ROWS = 1 << 20


#: Rows sampled by :func:`_distinct_estimate`.
_ESTIMATE_ROWS = 1 << 12


def _distinct_estimate(values: np.ndarray) -> float | None:
    """About how many distinct ``int64`` values, from a sample of rows; None
    when :func:`pandas.factorize` suits them better (few rows, few distinct
    values, or long runs of one value)."""
    n = len(values)
    if n < max(_TABLE_MIN_ROWS, 2):
        return None
    picked = np.random.default_rng(0).integers(0, n - 1, _ESTIMATE_ROWS)
    sample = values[picked]
    if np.count_nonzero(sample == values[picked + 1]) * 4 > 3 * _ESTIMATE_ROWS:
        return None  # long runs (sorted ids): pandas' table stays in the cache
    repeats = _ESTIMATE_ROWS - len(np.unique(sample))
    if repeats * 2 >= _ESTIMATE_ROWS:
        return None  # few distinct values: pandas' table stays in the cache
    # each pair of sampled rows shares a value with odds 1/k (birthday)
    return n if not repeats else min(n, _ESTIMATE_ROWS**2 / (2 * repeats))


def _column_symbols(col: _Bytes, ends: bool, scratch: _Bytes | None = None) -> _Symbols:
    """The symbols of a column, ascending: ``_END`` (if ``ends``), then bytes.

    When ``ends``, byte 0 marks the ids that ended. When the bytes span few
    values, every value in the span is taken (a superset, which is still
    exact) to spare counting them. *scratch* (as long as *col*) may be
    written, instead of a new array.
    """
    high = int(col.max())
    # col - 1 wraps the end marker 0 round to 255, out of the minimum's way.
    if ends:
        low = int(np.subtract(col, np.uint8(1), out=scratch).min()) + 1
    else:
        low = int(col.min())
    if high - low < _NARROW_SPAN:
        symbols = np.arange(low, high + 1, dtype=np.int16)
    else:
        present = np.bincount(col, minlength=256) > 0
        present[0] &= not ends
        symbols = np.flatnonzero(present).astype(np.int16)
    if ends:
        symbols = np.concatenate([np.array([_END], dtype=np.int16), symbols])
    return symbols


def _ranker(symbols: _Symbols) -> Callable[[_Bytes, _Bytes], _Bytes]:
    """The function ranking a column's bytes among its *symbols* (see
    :func:`_column_symbols`; the end, byte 0, has rank 0 when they start
    with ``_END``): ``rank(col, out)``, into *out* when the ranks are a
    subtraction. Ranks fit a byte: the end marker is used only where no
    byte is NUL."""
    ends = int(symbols[0]) == _END
    low, high = np.uint8(symbols[int(ends)]), int(symbols[-1])
    if not ends and high - int(low) + 1 == len(symbols):  # a span: subtract
        return lambda col, out: np.subtract(col, low, out=out)
    table = np.zeros(256, dtype=np.uint8)
    table[symbols[ends:]] = np.arange(int(ends), len(symbols))
    translation = table.tobytes()
    return lambda col, out: np.frombuffer(
        col.tobytes().translate(translation), dtype=np.uint8
    )


#: The ranks of the key's positions are added from this many rows in two
#: threads, each over half of the rows.
_RANK_THREAD_ROWS = 1 << 20


def _add_ranks(
    key: _Keys | None,
    positions: list[tuple[int, _Symbols]],
    m: int,
    column_part: Callable[[int, int, _Bytes, npt.NDArray[np.int64]], _Bytes],
) -> _Keys:
    """*key* (of *m* rows; None for a key of zero) with the ranks of the bytes
    at *positions* added, ``key = key * radix + rank`` position by position,
    in place (a new array when None).

    A chunk of rows at a time: every position of a chunk while its part of
    the key is in cache, instead of two passes over the whole key (8 bytes
    a row) per position (100M ``"C%08d"`` ids grouped in 1.87 to 2.11 s
    instead of 2.26 to 2.44). ``column_part(j, start, out, at)`` writes
    byte *j* of the ids of rows ``start ..`` into *out* (0 past an id's
    end), with *at* for its scratch. From ``_RANK_THREAD_ROWS`` rows, each
    half of the rows in a thread of its own.

    >>> cols = np.array([[3, 7], [4, 7], [3, 9]], dtype=np.uint8)
    >>> def part(j, start, out, at):
    ...     return np.copyto(out, cols[start : start + len(out), j]) or out
    >>> symbols = [np.array([3, 4], dtype=np.int16), np.array([7, 9], dtype=np.int16)]
    >>> _add_ranks(None, list(enumerate(symbols)), 3, part).tolist()  # 2 r0 + r1
    [0, 2, 1]
    """
    if key is not None and not positions:  # every byte since a compaction alike
        return key
    out = np.empty(m, dtype=np.int64) if key is None else key
    rankers = [(j, len(symbols), _ranker(symbols)) for j, symbols in positions]

    def add(start: int, stop: int) -> None:
        size = min(stop - start, CHUNK)
        col = np.empty(size, dtype=np.uint8)
        ranks = np.empty(size, dtype=np.uint8)
        at = np.empty(size, dtype=np.int64)
        for a in range(start, stop, CHUNK):
            part = out[a : min(stop, a + CHUNK)]
            n = len(part)
            if key is None:
                part[...] = 0
            for j, radix, rank in rankers:
                part *= radix
                part += rank(column_part(j, a, col[:n], at[:n]), ranks[:n])

    in_halves(add, m, threads=m >= _RANK_THREAD_ROWS)
    return out


def _sample_rows(m: int) -> npt.NDArray[np.intp]:
    """Evenly spaced row numbers, at most ``_SAMPLE_ROWS`` of ``m``."""
    return np.unique(np.linspace(0, m - 1, min(m, _SAMPLE_ROWS)).astype(np.intp))


def _bits(sample: _Bytes) -> float:
    """Bits a mixed-radix key needs for the rows of a byte matrix."""
    ordered = np.sort(sample, axis=0)
    distinct = 1 + np.count_nonzero(ordered[1:] != ordered[:-1], axis=0)
    return float(np.log2(distinct).sum())


def _compact(key: _Keys, key_range: int, budget: int) -> tuple[_Keys, _Keys]:
    """Dense ranks of ``key`` and the distinct key values, ascending."""
    if key_range > budget:
        codes, uniques = hashed_ranks(key, scratch=True)
        return codes.astype(np.int64, copy=False), uniques.astype(np.int64, copy=False)
    present = np.zeros(-(-key_range // 32) * 32, dtype=bool)
    present[key] = True
    distinct = np.flatnonzero(present)
    return bitmap_ranks(key, 0, present, out=key), distinct


def bitmap_ranks(
    values: npt.NDArray[np.int64],
    lo: int,
    present: npt.NDArray[np.bool_],
    *,
    out: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Rank of each value among the distinct values, through a presence bitmap.

    ``present[v - lo]`` is True for each value ``v`` (its length a multiple
    of 32, the padding False); it is overwritten by the table below
    (:func:`_rank_table`), so read the distinct values from it first. A
    value's rank is the number of distinct
    values below it: the count before its 32-bit word of the bitmap plus a
    popcount inside the word. Both come from one entry of a table of
    ``span / 32`` 64-bit words (the count in the high half, the bits in the
    low half), so each row costs one memory access into a table 32 times
    smaller than a rank per value, which keeps it in cache far longer.
    O(n + span / 32), done in chunks of :data:`CHUNK` rows. The ranks
    (``int64``) are written to *out* when given, which may be *values*
    itself (each chunk is read before it is overwritten). With a table past
    the cache (``_THREAD_TABLE_BYTES``), each half of the rows is looked up
    in a thread of its own (the same ranks).
    """
    table = _rank_table(present)
    n = len(values)
    codes = np.empty(n, dtype=np.int64) if out is None else out

    def look_up(start: int, stop: int) -> None:
        _look_up(values[start:stop], lo, table, codes[start:stop])

    # a table past the cache: each half of the rows in its own thread
    threads = table.nbytes >= _THREAD_TABLE_BYTES and n >= _THREAD_ROWS
    in_halves(look_up, n, threads=threads)
    return codes


def _rank_table(present: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint64]:
    """The rank table of a presence bitmap, built over the bitmap itself.

    Entry ``w`` holds, in its high 32 bits, the number of True values before
    ``present[32 * w]`` and, in its low 32 bits, ``present[32 * w : 32 * w +
    32]`` as bits. The table (a quarter of the bitmap's bytes) is written
    into the bitmap's own memory, ``_TABLE_CHUNK`` bytes of it at a time:
    the entries of a chunk land below its end (in the chunk itself for the
    first, in bytes already read for the others), so no byte is overwritten
    before it is read, and no new array of the table's size is made (250 MB
    for ids spanning 10**9 values, which a fresh allocation would fault in
    page by page).
    """
    table = present.view(np.uint64)[: len(present) // 32]
    carry = 0
    for start in range(0, len(present), _TABLE_CHUNK):
        words = np.packbits(
            present[start : start + _TABLE_CHUNK], bitorder="little"
        ).view(np.uint32)
        counts = np.bitwise_count(words)
        entries = np.cumsum(counts, dtype=np.uint64)
        last = int(entries[-1])
        entries -= counts  # the count before each word
        entries += np.uint64(carry)
        entries <<= np.uint64(32)
        entries |= words
        first = start // 32
        table[first : first + len(entries)] = entries
        carry += last
    return table


#: :func:`_rank_table` builds the table from this many bytes of the bitmap at
#: a time (a multiple of 32).
_TABLE_CHUNK = 1 << 22


#: :func:`bitmap_ranks` looks up the rows in two threads when its table has
#: at least this many bytes (beyond most of the cache, where each lookup
#: waits on memory: 100M rows over a 250 MB table, 1.68 s in one thread and
#: 1.07 s in two; 10M rows over a 25 MB one, 0.16 s and 0.11 s) and there
#: are this many rows. Over a 2.5 MB table the second thread costs more than
#: it saves (0.08 s against 0.14 s).
_THREAD_TABLE_BYTES = 1 << 22
_THREAD_ROWS = 1 << 20


def _look_up(
    values: npt.NDArray[np.int64],
    lo: int,
    table: npt.NDArray[np.uint64],
    codes: npt.NDArray[np.int64],
) -> None:
    """Write the rank of each of *values* to *codes* (which may be *values*:
    each chunk is read before it is overwritten), chunk by chunk."""
    n = len(values)
    size = min(n, CHUNK)
    offset = np.empty(size, dtype=np.int64)
    entry = np.empty(size, dtype=np.uint64)
    below = np.empty(size, dtype=np.uint64)
    one, half = np.uint64(1), np.uint64(32)
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        off, e, bits = offset[:m], entry[:m], below[:m]
        np.subtract(values[start : start + m], lo, out=off)
        np.bitwise_and(off, 31, out=bits, casting="unsafe")
        np.left_shift(one, bits, out=bits)
        np.subtract(bits, one, out=bits)  # the bits of the values below this one
        np.right_shift(off, 5, out=off)
        np.take(table, off, out=e)
        np.bitwise_and(bits, e, out=bits)
        np.right_shift(e, half, out=e)
        e += np.bitwise_count(bits)
        codes[start : start + m] = e


def _decode(keys: _Keys, levels: list[_Level], constants: _Bytes) -> _Bytes:
    """The bytes, one row per key, that the keys were accumulated from (0
    past the end of an id: ids of differing lengths hold no NUL).

    ``CHUNK`` keys at a time, so the digits and ranks stay in the cache
    instead of being new arrays of 8 bytes a key per position.
    """
    out = np.empty((len(keys), len(constants)), dtype=np.uint8)
    out[:] = constants
    # each position's rank -> byte (the end of an id is byte 0)
    steps = [
        (
            level.previous,
            [
                (
                    j,
                    len(symbols),
                    np.where(symbols == _END, 0, symbols).astype(np.uint8),
                )
                for j, symbols in reversed(level.positions)
            ],
        )
        for level in reversed(levels)
    ]
    for start in range(0, len(keys), CHUNK):
        rest = keys[start : start + CHUNK]
        block = out[start : start + CHUNK]
        for previous, positions in steps:
            for j, radix, table in positions:
                # floor division by a scalar has a fast path that divmod lacks
                quotient = rest // radix
                rank = rest - quotient * radix
                rest = quotient
                block[:, j] = np.take(table, rank)
            if previous is not None:
                rest = previous[rest]
    return out


def _symbols_to_str(text: _Text, pa: Any) -> np.ndarray:
    """The ids of a :class:`_Text` as an ``object`` array of Python ``str``,
    made :data:`CHUNK` ids at a time (the masks and bytes in between stay
    small: only the strings themselves are kept)."""
    rows, width = text.bytes.shape
    out = np.empty(rows, dtype=object)
    for start in range(0, rows, CHUNK):
        block = text.bytes[start : start + CHUNK]
        size = len(block)
        if text.ended:
            inside = block != 0
            offsets = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(np.count_nonzero(inside, axis=1), out=offsets[1:])
            data = block[inside]
        else:  # all ids are full rows (and may hold NUL)
            offsets = np.arange(size + 1, dtype=np.int64) * width
            data = np.ascontiguousarray(block).reshape(-1)
        strings = pa.LargeStringArray.from_buffers(
            size, pa.py_buffer(offsets), pa.py_buffer(data)
        )
        out[start : start + size] = strings.to_numpy(zero_copy_only=False)
    return out


def arrow_strings_from_objects(values: object, *, checked: bool = False) -> Any:
    """An Arrow string array from a NumPy object array holding only ``str`` (and
    None), or None (no pyarrow, another type, or any other element).

    Converting once (about 0.04 us per id) lets object ids take the fast path of
    :func:`factorize_arrow_strings` instead of hashing Python objects. The
    array is ``string`` (32-bit offsets, 4 bytes per id fewer than
    ``large_string``), or ``large_string`` when the text passes what 32-bit
    offsets address (2 GiB). Wrap it in :class:`pandas.arrays.ArrowExtensionArray`
    to keep it so: pandas' ``str`` arrays hold ``large_string`` and cast to
    it. The conversion is exact:
    ``"a\\x00"`` stays apart from ``"a"``, and ``bytes``, which Arrow would
    turn into text equal to a ``str`` (``b"a"`` and ``"a"`` are different
    ids), make the function return None, as do strings Arrow
    cannot hold (lone surrogates such as ``"\\ud800"``). ``checked=True``
    says the caller has already found that every non-missing value is a
    ``str`` (``pandas.api.types.infer_dtype(values, skipna=True) ==
    "string"``).

    >>> arrow_strings_from_objects(np.array(["a\\x00", "a", None], dtype=object))
    <pyarrow.lib.StringArray object at ...>
    [
      "a\x00",
      "a",
      null
    ]
    >>> arrow_strings_from_objects(np.array([b"a", "a"], dtype=object)) is None
    True
    >>> arrow_strings_from_objects(np.array([1, 2])) is None
    True
    """
    if not isinstance(values, np.ndarray) or values.dtype != object:
        return None
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if not checked:
        import pandas as pd

        if pd.api.types.infer_dtype(values, skipna=True) != "string":
            return None  # bytes among them, numbers, ...
    try:
        # Typed: Arrow's own type inference crashes the interpreter on some
        # mixtures (pyarrow 26: a datetime64 next to an int8).
        # As binary (Python str are valid text: Arrow's UTF-8 check is spared,
        # 10% of the conversion), then viewed as text without a copy.
        arr = pa.array(values, type=pa.binary(), from_pandas=False)
        if isinstance(arr, pa.ChunkedArray):  # over 2 GiB: 64-bit offsets
            arr = arr.cast(pa.large_binary()).combine_chunks()
            return arr.view(pa.large_string())
        return arr.view(pa.string())
    except (pa.ArrowException, UnicodeError, TypeError, ValueError, OverflowError):
        return None  # NaN (a float) among them, or lone surrogates
