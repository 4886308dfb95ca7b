"""A second thread for NumPy passes that wait on memory.

Past the CPU cache, a pass that reads or writes one random slot per row
(``np.bincount``, ``np.take`` from a large table) spends most of its time
waiting on memory; two such passes at once, in two threads, overlap those
waits. NumPy releases the GIL inside most of its loops (not in ``ufunc.at``),
so a second thread of plain Python is enough. Callers decide when it pays
(large tables only: below the cache it costs more than it saves) and keep
each result one pass in row order, so that the answer is the same with or
without the thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any, Literal, TypeVar, cast

import numpy as np

_T = TypeVar("_T")

__all__ = [
    "NUMPY_PRINT",
    "STATE_LOCK",
    "Shared",
    "in_halves",
    "numpy_str",
    "numpy_text",
    "once",
    "overlapped",
    "shared",
    "spare_cpu",
    "warnings_filtered",
]

#: Held while custseg changes process-wide state for a moment (the warning
#: filters, matplotlib's ``rcParams``): ``warnings.catch_warnings`` and
#: ``matplotlib.rc_context`` save and restore one global each, so two calls
#: overlapping in two threads would restore each other's state and leave
#: theirs behind for good. Hold it only around short steps that start no
#: thread of custseg's own (a thread waiting for it would never get it).
STATE_LOCK = threading.RLock()


@contextlib.contextmanager
def warnings_filtered(
    action: Literal["error", "ignore", "always"],
    category: type[Warning] = Warning,
    message: str = "",
    module: str = "",
) -> Iterator[None]:
    """``warnings.catch_warnings`` with one filter, under :data:`STATE_LOCK`,
    so that overlapping calls in several threads never leave the filter
    behind (Python before 3.14 keeps one list of filters per process).

    Another library's ``catch_warnings`` in another thread (pandas makes one
    in ``pandas_dtype``) can still interleave with it and restore a list
    that holds the filter: give *module* (a regular expression of the
    modules the warnings are raised from, ``custseg\\._validate$``) so that
    such a leftover touches only custseg's own warnings, never the caller's.

    Examples
    --------
    >>> before = list(warnings.filters)
    >>> with warnings_filtered("ignore", UserWarning):
    ...     warnings.warn("not shown", UserWarning)
    >>> warnings.filters == before
    True
    """
    with STATE_LOCK, warnings.catch_warnings():
        warnings.filterwarnings(
            action, message=message, category=category, module=module
        )
        yield


#: NumPy's default print options. ``str()`` of a NumPy number, and NumPy's
#: and pandas' casts of numbers to text (``astype(str)``, a ``StringDType``,
#: ``to_csv``), follow ``np.set_printoptions``: ``legacy="1.13"`` writes 12
#: significant digits (``0.30000000000000004`` as ``0.3``, ``2**53 + 1`` in
#: ``np.longdouble`` as ``9.00719925474e+15``, ``np.float16(0.1)`` as
#: ``0.0999756``), and ``legacy="1.25"`` changes ``repr``. custseg reads
#: and writes numbers under these (:func:`numpy_text`), never the caller's.
NUMPY_PRINT: dict[str, Any] = {
    "edgeitems": 3,
    "threshold": 1000,
    "floatmode": "maxprec",
    "precision": 8,
    "suppress": False,
    "linewidth": 75,
    "nanstr": "nan",
    "infstr": "inf",
    "sign": "-",
    "formatter": None,
    "legacy": False,
    "override_repr": None,  # NumPy >= 2.1
}


def numpy_text(always: bool = False) -> contextlib.AbstractContextManager[Any]:
    """NumPy's default print options (:data:`NUMPY_PRINT`) for the ``with``
    block, so that the text NumPy (and pandas through it) makes of numbers
    is the same whatever the caller set with ``np.set_printoptions``. They
    are context-local (NumPy 2): other threads keep theirs. Unless
    *always*, nothing is changed when the options that change the text of
    numbers (``legacy``) are at their defaults already.

    Examples
    --------
    >>> import numpy as np
    >>> with np.printoptions(legacy="1.13"), numpy_text():
    ...     print(np.array([0.1 + 0.2]).astype(str)[0])
    0.30000000000000004
    """
    known = np.get_printoptions()
    if not always and known.get("legacy", False) is False:
        return contextlib.nullcontext()
    return np.printoptions(**{k: x for k, x in NUMPY_PRINT.items() if k in known})


def numpy_str(value: Any) -> str:
    """``str(value)`` as NumPy writes it under its default print options
    (:func:`numpy_text`): a NumPy number's shortest text in its own type
    (``np.float16(0.1)`` is ``0.1``; ``np.longdouble(2) ** 53 + 1`` is
    ``9007199254740993.0``), whatever ``np.set_printoptions`` says.

    Examples
    --------
    >>> import numpy as np
    >>> with np.printoptions(legacy="1.13"):
    ...     numpy_str(np.float16(0.1)), numpy_str(np.longdouble(2) ** 53 + 1)
    ('0.1', '9007199254740993.0')
    """
    with numpy_text():
        return str(value)


def spare_cpu() -> bool:
    """Whether this process may run on more than one CPU.

    Examples
    --------
    >>> isinstance(spare_cpu(), bool)
    True
    """
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity outside Linux
        return (os.cpu_count() or 1) > 1


def overlapped(work: Callable[..., _T], *args: Any) -> Callable[[], _T]:
    """Start ``work(*args)`` in a second thread; return the function that
    waits for its result (raising what *work* raised).

    This returns once the thread has started its work: the thread then holds
    the GIL until its first GIL-free NumPy call, so that call is normally
    under way before the caller enters a pass that holds the GIL to its end
    (``ufunc.at``). Where threads cannot start (a WebAssembly build), *work*
    runs here and now.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 2, 2, 1])
    >>> counted = overlapped(np.bincount, codes)
    >>> last = np.zeros(3, dtype=np.int64)
    >>> np.maximum.at(last, codes, np.array([5, 1, 7, 3]))
    >>> counted().tolist(), last.tolist()
    ([1, 1, 2], [5, 3, 7])
    """
    started = threading.Event()
    outcome: list[Any] = []

    def run() -> None:
        started.set()
        try:
            outcome.append((True, work(*args)))
        except BaseException as error:  # handed to the caller below
            outcome.append((False, error))

    thread = threading.Thread(target=run, name="custseg-pass", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # a build without threads (WebAssembly): run it now
        run()
    started.wait()

    def result() -> _T:
        if thread.ident is not None:  # started
            thread.join()
        ok, value = outcome[0]
        if not ok:
            raise value
        return cast(_T, value)

    return result


def in_halves(
    work: Callable[[int, int], _T], n: int, *, threads: bool
) -> tuple[_T, _T]:
    """``work(0, h)`` and ``work(h, n)`` for ``h = n // 2``: the second half
    in a second thread beside the first when *threads* (and the process may
    use a second CPU), else one after the other.

    For passes whose rows are independent (each row's result written to its
    own place), so that the answer is the same either way. The caller
    waits for both halves even when one raises.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.arange(10)
    >>> out = np.empty(10, dtype=np.int64)
    >>> def square(start, stop):
    ...     np.multiply(values[start:stop], values[start:stop], out=out[start:stop])
    ...     return stop - start
    >>> in_halves(square, 10, threads=True)
    (5, 5)
    >>> out.tolist()
    [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]
    """
    half = n // 2
    if not (threads and spare_cpu()):
        return work(0, half), work(half, n)
    second = overlapped(work, half, n)
    try:
        first = work(0, half)
    finally:  # the second half is waited for even when the first raised
        last = second()
    return first, last


def once(make: Callable[[], _T]) -> Callable[[], _T]:
    """The function giving ``make()``, made on its first call only, in
    whichever thread calls first: a later caller, in this thread or another,
    waits for that result instead of making it again. When *make* raises,
    nothing is kept (the next call makes it anew); once it returns, *make*
    itself is let go (with what it holds, such as the values it sorted).

    Examples
    --------
    >>> calls = []
    >>> get = once(lambda: calls.append(1) or len(calls))
    >>> get(), get(), calls
    (1, 1, [1])
    """
    lock = threading.Lock()
    made: list[_T] = []
    maker = [make]  # let go of once made (and what it holds)

    def get() -> _T:
        with lock:
            if not made:
                made.append(maker[0]())
                maker.clear()
            return made[0]

    return get


class Shared:
    """The works of :func:`shared`: call it for their results; on an error
    of the caller's own (or an interrupt) call :meth:`abandon`, so that no
    work is left running after the caller has raised."""

    def __init__(self, works: tuple[Callable[[], Any], ...]) -> None:
        self._works = works
        self._lock = threading.Lock()
        self._pending = list(range(len(works)))
        self._outcomes: list[tuple[bool, Any]] = [(True, None)] * len(works)
        self._beside = overlapped(self._take)

    def _take(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    return
                i = self._pending.pop(0)
            try:
                self._outcomes[i] = (True, self._works[i]())
            except BaseException as error:  # handed to the caller below
                self._outcomes[i] = (False, error)

    def __call__(self) -> list[Any]:
        self._take()
        self._beside()
        for ok, value in self._outcomes:
            if not ok:
                raise value
        return [value for _, value in self._outcomes]

    def abandon(self) -> None:
        """Start no further work and wait for the one under way (its result
        and any error it raised are dropped)."""
        with self._lock:
            self._pending.clear()
        with contextlib.suppress(BaseException):
            self._beside()
        self._works, self._outcomes = (), []  # let go of their arrays


def shared(*works: Callable[[], Any]) -> Shared:
    """Start *works* in a second thread, which takes them one at a time in
    the order given; return the function that takes, in the caller's
    thread, those the second has not started yet, then waits for the rest
    and returns every result in the order of *works* (raising the first
    error, in that order, if any raised).

    So the caller, once done with its own pass, helps with what is left,
    and neither thread idles while the other has two works to go: which
    thread runs which work does not change the results. When the caller's
    own pass raises (or is interrupted), it calls ``.abandon()`` before
    raising on: nothing keeps running behind the error.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0, 2, 2, 1])
    >>> finish = shared(lambda: np.bincount(codes), lambda: codes.max())
    >>> last = np.zeros(3, dtype=np.int64)
    >>> np.maximum.at(last, codes, np.array([5, 1, 7, 3]))
    >>> counts, top = finish()
    >>> counts.tolist(), int(top), last.tolist()
    ([1, 1, 2], 2, [5, 3, 7])
    """
    return Shared(works)
