"""pandas in, pandas out, aligned: the index that results carry.

A function given pandas Series returns results whose pandas form carries the
same index, so ``pd.concat([frame, result], axis=1)`` or ``frame.join(result)``
never shifts a row. All pandas inputs of one call must share one index.

Layer 0: pandas objects are recognised by duck typing; pandas is never
imported here.
"""

from __future__ import annotations

from typing import Any

from .errors import InputError

__all__ = [
    "common_index",
    "is_pandas",
    "nullable_dtype",
    "to_pandas",
    "to_pandas_index",
]


def is_pandas(x: Any) -> bool:
    """Whether *x* is a pandas Series or DataFrame (objects with an index).

    >>> import pandas as pd
    >>> is_pandas(pd.Series([1])), is_pandas(pd.Index([1])), is_pandas([1])
    (True, False, False)
    """
    module = type(x).__module__
    return module.startswith("pandas") and hasattr(x, "index") and hasattr(x, "iloc")


def common_index(**inputs: Any) -> Any:
    """The index shared by the pandas inputs, or ``None`` when none has one.

    NumPy arrays and lists carry no index and may be mixed with Series; two
    Series with different indexes (other labels, or the same labels in another
    order) are an :class:`~custseg.errors.InputError`: results could only be
    aligned to one of them.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series([1, 2], index=["x", "y"])
    >>> list(common_index(recency=a, frequency=[3, 4]))
    ['x', 'y']
    >>> common_index(recency=[1, 2]) is None
    True
    >>> common_index(recency=a, frequency=pd.Series([3, 4], index=["y", "x"]))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'frequency' has a different index from 'recency': align them first (frequency.reindex(recency.index)), or pass NumPy arrays to ignore the indexes
    """
    index = None
    first = ""
    for name, x in inputs.items():
        if not is_pandas(x):
            continue
        idx = x.index
        if index is None:
            index, first = idx, name
        elif idx is not index and not idx.equals(index):
            raise InputError(
                name,
                f"has a different index from {first!r}",
                fix=f"align them first ({name}.reindex({first}.index)), or pass "
                "NumPy arrays to ignore the indexes",
            )
    return index


def to_pandas(values: Any, index: Any, name: str | None, *, missing: Any = None) -> Any:
    """A pandas Series of *values* on *index* (a RangeIndex when ``None``);
    positions where *missing* is ``True`` become ``<NA>`` in the nullable
    integer dtype of the same width (never a sentinel such as score 0).

    >>> import numpy as np, pandas as pd
    >>> s = to_pandas(np.array([2, 0], np.int8), pd.Index([7, 3]), "r",
    ...               missing=np.array([False, True]))
    >>> s.tolist(), str(s.dtype), s.name, s.index.tolist()
    ([2, <NA>], 'Int8', 'r', [7, 3])
    """
    import pandas as pd

    # a copy: editing the Series must not edit the result it came from
    out = pd.Series(values, index=index, name=name, copy=True)
    if missing is not None:
        out = out.astype(pd.api.types.pandas_dtype(nullable_dtype(values.dtype)))
        out = out.mask(missing)
    return out


def nullable_dtype(dtype: Any) -> str:
    """The pandas nullable dtype name for a NumPy integer dtype.

    >>> import numpy as np
    >>> nullable_dtype(np.dtype(np.int16))
    'Int16'
    """
    return {"i": "Int", "u": "UInt"}.get(dtype.kind, "Float") + str(8 * dtype.itemsize)


def to_pandas_index(values: Any, name: str) -> Any:
    """A named :class:`pandas.Index` of *values* (customer ids as an index).

    >>> to_pandas_index([3, 1], "customer_id")
    Index([3, 1], dtype='int64', name='customer_id')
    """
    import pandas as pd

    return pd.Index(values, name=name)
