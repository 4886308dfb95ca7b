"""Reading and writing tables of transactions and results (CSV, Parquet).

Adapter layer, used by :mod:`custseg.frame` (which re-exports the public
functions) and the command line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["read_table", "table_format", "write_table"]


def table_format(path: str | os.PathLike[str]) -> str:
    """``"csv"`` or ``"parquet"`` from a file name, or an InputError.

    >>> table_format("out/customers.csv.gz"), table_format("c.parquet")
    ('csv', 'parquet')
    """
    suffix = "".join(Path(path).suffixes[-2:]).lower()
    for fmt, endings in (
        ("csv", (".csv", ".csv.gz", ".csv.zip", ".csv.bz2", ".csv.xz")),
        ("parquet", (".parquet", ".pq")),
    ):
        if suffix.endswith(endings):
            return fmt
    raise InputError(
        str(path),
        "has an unknown file type",
        fix="use a .csv (optionally .gz/.zip/.bz2/.xz) or .parquet file",
    )


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError(
            "parquet",
            "support needs pyarrow, which is not installed",
            fix="pip install 'custseg[parquet]'",
        ) from None


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or Parquet file (by extension) into a DataFrame.

    Raises :class:`~custseg.errors.InputError` with a one-line reason for a
    missing file, an unknown extension or unreadable content.

    Examples
    --------
    >>> read_table("transactions.xlsx")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'transactions.xlsx' has an unknown file type: use a .csv (optionally .gz/.zip/.bz2/.xz) or .parquet file
    """
    fmt = table_format(path)
    if not Path(path).is_file():
        raise InputError(
            str(path), "does not exist or is not a file", fix="check the path"
        )
    try:
        if fmt == "csv":
            return pd.read_csv(path)
        _need_pyarrow()
        return pd.read_parquet(path)
    except InputError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise InputError(
            str(path),
            f"cannot be read as {fmt}: {first_line}",
            fix=f"check that it is a valid {fmt} file",
        ) from None


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a DataFrame as CSV or Parquet (by extension), without the index.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "out.csv")
    ...     write_table(pd.DataFrame({"x": [1, 2]}), p)
    ...     read_table(p)["x"].tolist()
    [1, 2]
    """
    fmt = table_format(path)
    try:
        if fmt == "csv":
            df.to_csv(path, index=False)
        else:
            _need_pyarrow()
            df.to_parquet(path, index=False)
    except OSError as exc:
        raise InputError(
            str(path),
            f"cannot be written: {exc.strerror or exc}",
            fix="check that the folder exists and is writable",
        ) from None
