"""How customers move between classes from one period to the next.

Two tools for the dynamic reassessment of the domain (系统 12): classes are
re-evaluated periodically, and the moves between them are tracked.

* :func:`transition_matrix` counts the customers of each (before, after)
  pair of classes between two labellings of the same customers; customers
  only in one period have a row (``new``) or column (``gone``) of their own.
* :func:`segment_history` labels the customers at several dates in one pass
  over the transactions, with RFM edges fitted once and then frozen, so a
  move between classes is a change in the customer, not in the scale.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import (
    as_index,
    common_index,
    flat_ids,
    id_kind,
    is_pandas,
    missing_ids,
    numbers_left,
    row_numbers,
    same_ids,
    to_pandas_index,
    whole_ids,
)
from ._exact import RunningSums, decimal_scale, mixed_sums, order_sums
from .errors import CustsegWarning, InputError, ThresholdError
from .labels import (
    Labels,
    _float_name,
    classes_with_missing,
    declared_classes,
    holds_numbers,
    sorted_names,
)
from .orders import order_earliest, order_lines, order_totals, order_values, take
from .rfm import (
    _KEEP_FIXED_EDGES,
    RfmEdges,
    RfmScores,
    ScoreEdges,
    _given_bins,
    _replaced_fixed_edges,
    check_bins_of,
    check_scores_fit,
    rules_bins,
)
from .summary import (
    FACT_COLUMNS,
    CustomerFacts,
    _check_day_span,
    _coerce_rows,
    _day_ticks,
    _distinct_counts,
    _group_ids,
    _summarize,
    rows_of,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["SegmentHistory", "TransitionMatrix", "segment_history", "transition_matrix"]

_I64_MIN = np.iinfo(np.int64).min


# --------------------------------------------------------------------------
# transition matrix


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _display.text_width(text))
    return gap + text if right else text + gap


def _grid(corner: str, rows: Sequence[str], cols: Sequence[str], cells: Any) -> str:
    """A plain-text table, at most MAX_ROWS rows and MAX_COLUMNS columns."""
    limit_r, limit_c = _display.MAX_ROWS, _display.MAX_COLUMNS
    rows_shown = [_display._clip(str(r), 24) for r in rows[:limit_r]]
    cols_shown = [_display._clip(str(c), 24) for c in cols[:limit_c]]
    body = [[str(x) for x in line[:limit_c]] for line in cells[:limit_r]]
    first = max(
        [_display.text_width(corner), *(_display.text_width(r) for r in rows_shown)]
    )
    widths = [
        max([_display.text_width(c), *(len(line[j]) for line in body)])
        for j, c in enumerate(cols_shown)
    ]
    lines = [
        "  ".join(
            [_pad(corner, first)]
            + [_pad(c, w, True) for c, w in zip(cols_shown, widths, strict=True)]
        ).rstrip()
    ]
    for name, line in zip(rows_shown, body, strict=True):
        lines.append(
            "  ".join(
                [_pad(name, first)]
                + [_pad(x, w, True) for x, w in zip(line, widths, strict=True)]
            )
        )
    more = []
    if len(rows) > limit_r:
        more.append(f"{len(rows) - limit_r} more rows")
    if len(cols) > limit_c:
        more.append(f"{len(cols) - limit_c} more columns")
    if more:
        lines.append("... " + ", ".join(more))
    return "\n".join(lines)


@attrs.frozen(eq=False)
class TransitionMatrix:
    """Customers per (before, after) pair of classes.

    Built by :func:`transition_matrix`.

    Attributes
    ----------
    matrix
        ``int64`` counts, one row per class before (then *new*), one column
        per class after (then *gone*).
    before
        Row names: the classes of the first labelling, in its order, then
        *new* when customers were matched by id.
    after
        Column names: the classes of the second labelling, then *gone*.
    name
        The labelling's name (``"lifecycle"``, a rules output), or ``None``.
    new, gone
        The names of the row of customers only in the second period and of
        the column of customers only in the first; ``None`` when the two
        labellings were paired by position (nobody is new or gone).
    """

    matrix: np.ndarray
    before: tuple[str, ...]
    after: tuple[str, ...]
    name: str | None = None
    new: str | None = None
    gone: str | None = None

    @property
    def n(self) -> int:
        """Customers counted (in either period)."""
        return int(self.matrix.sum())

    @property
    def n_both(self) -> int:
        """Customers present in both periods: :attr:`n` but for the *new*
        row and the *gone* column; the customers :attr:`stayed` is a share
        of.

        Examples
        --------
        >>> import pandas as pd
        >>> jan = pd.Series(["a", "b"], index=["c1", "c2"])
        >>> feb = pd.Series(["a", "a", "b"], index=["c1", "c3", "c4"])
        >>> tm = transition_matrix(jan, feb)
        >>> tm.n, tm.n_both, tm.stayed
        (4, 1, 1.0)
        """
        return int(self._in_both()[2].sum())

    def _in_both(self) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
        """The classes before and after without *new* and *gone*, and the
        block of the matrix they span (the customers in both periods)."""
        rows = self.before[: len(self.before) - (self.new is not None)]
        cols = self.after[: len(self.after) - (self.gone is not None)]
        return rows, cols, self.matrix[: len(rows), : len(cols)]

    def row_shares(self) -> np.ndarray:
        """Each row divided by its total (NaN for a row without customers).

        Examples
        --------
        >>> tm = transition_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"])
        >>> tm.row_shares().tolist()
        [[0.5, 0.5], [0.0, 1.0]]
        """
        totals = self.matrix.sum(axis=1, keepdims=True).astype(np.float64)
        out = np.full(self.matrix.shape, np.nan)
        np.divide(self.matrix, totals, out=out, where=totals != 0)
        return out

    @property
    def stayed(self) -> float:
        """Share of the customers present in both periods (:attr:`n_both`,
        not :attr:`n`) whose class has the same name after as before (NaN
        when nobody is in both)."""
        rows, cols, both = self._in_both()
        total = int(both.sum())
        col_of = {c: j for j, c in enumerate(cols)}
        same = sum(int(both[i, col_of[r]]) for i, r in enumerate(rows) if r in col_of)
        return same / total if total else float("nan")

    @property
    def counts(self) -> pd.DataFrame:
        """The counts as a DataFrame: index ``before``, columns ``after``."""
        return self.to_frame("counts")

    @property
    def shares(self) -> pd.DataFrame:
        """Row shares as a DataFrame: where the customers of each class went."""
        return self.to_frame("shares")

    def to_frame(self, kind: Literal["counts", "shares"] = "counts") -> pd.DataFrame:
        """The counts (``kind="counts"``) or row shares as a wide DataFrame.

        Parameters
        ----------
        kind
            ``"counts"`` or ``"shares"`` (each row divided by its total).

        Examples
        --------
        >>> tm = transition_matrix(["a", "a", "b"], ["a", "b", "b"])
        >>> tm.to_frame("shares")
        after     a    b
        before
        a       0.5  0.5
        b       0.0  1.0
        """
        import pandas as pd

        v.choice(kind, "kind", ("counts", "shares"))
        data = self.matrix if kind == "counts" else self.row_shares()
        return pd.DataFrame(
            data,
            index=pd.Index(list(self.before), dtype=object, name="before"),
            columns=pd.Index(list(self.after), dtype=object, name="after"),
        )

    def to_pandas(self, *, zeros: bool = True) -> pd.DataFrame:
        """A long frame: one row per (before, after) pair, with ``customers``
        and ``share`` (of the row).

        Parameters
        ----------
        zeros
            Whether pairs without customers are listed too (the default:
            every pair, rows x columns of them). ``False`` lists only the
            pairs some customer made, at most one per customer, however many
            classes there are (``custseg migrate --output`` writes this).

        Examples
        --------
        >>> tm = transition_matrix(["a", "b", "b"], ["b", "b", "a"])
        >>> tm.to_pandas()
          before after  customers  share
        0      a     a          0    0.0
        1      a     b          1    1.0
        2      b     a          1    0.5
        3      b     b          1    0.5
        >>> tm.to_pandas(zeros=False)
          before after  customers  share
        0      a     b          1    1.0
        1      b     a          1    0.5
        2      b     b          1    0.5
        """
        import pandas as pd

        if not isinstance(zeros, bool | np.bool_):
            raise ThresholdError(f"'zeros' must be True or False: got {zeros!r}")
        n_c = self.matrix.shape[1]
        counts = self.matrix.reshape(-1)
        # the pairs listed, as flat positions (row-major: the rows in order)
        cells = np.arange(counts.size) if zeros else np.flatnonzero(counts)
        row, col = np.divmod(cells, max(n_c, 1))
        totals = self.matrix.sum(axis=1).astype(np.float64)
        kept = counts[cells]
        share = np.full(len(cells), np.nan)
        np.divide(kept, totals[row], out=share, where=totals[row] != 0)
        return pd.DataFrame(
            {
                "before": pd.Categorical.from_codes(row, to_pandas_index(self.before)),
                "after": pd.Categorical.from_codes(col, to_pandas_index(self.after)),
                "customers": kept,
                "share": share,
            }
        )

    def text(self, kind: Literal["counts", "shares"] = "counts") -> str:
        """The counts or row shares as a plain-text table.

        Parameters
        ----------
        kind
            ``"counts"`` or ``"shares"`` (each row divided by its total).

        Examples
        --------
        >>> print(transition_matrix(["a", "a", "b"], ["a", "b", "b"]).text("shares"))
        before \\ after      a       b
        a               50.0%   50.0%
        b                0.0%  100.0%
        """
        v.choice(kind, "kind", ("counts", "shares"))
        # only the cells the grid shows are formatted (a matrix may have
        # thousands of classes); a row's share is of its whole total
        shown = self.matrix[: _display.MAX_ROWS]
        if kind == "counts":
            cells = [
                [f"{x:,d}" for x in row[: _display.MAX_COLUMNS]]
                for row in shown.tolist()
            ]
        else:
            totals = shown.sum(axis=1).tolist()
            cells = [
                [_display.share(x, total) for x in row[: _display.MAX_COLUMNS]]
                for row, total in zip(shown.tolist(), totals, strict=True)
            ]
        return _grid("before \\ after", self.before, self.after, cells)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Where the customers of each class went, as a heatmap:
        :func:`custseg.plot.transition_heatmap`.

        Needs matplotlib (``pip install 'custseg[plot]'``).

        Parameters
        ----------
        ax
            The matplotlib Axes to draw on; ``None`` makes a new figure.
        **kwargs
            Passed on to :func:`custseg.plot.transition_heatmap`
            (``normalize``, ``lang``).

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on.

        Examples
        --------
        >>> import pytest; mpl = pytest.importorskip("matplotlib")
        >>> tm = transition_matrix(["a", "a", "b"], ["a", "b", "b"])
        >>> ax = tm.plot()
        >>> [t.get_text() for t in ax.texts]
        ['50.0%', '50.0%', '0.0%', '100.0%']
        """
        from . import plot as _plot

        return _plot.transition_heatmap(self, ax=ax, **kwargs)

    def __repr__(self) -> str:
        fields: dict[str, Any] = {}
        if self.name is not None:
            fields["name"] = self.name
        stayed = self.stayed
        notes = [] if stayed != stayed else [f"stayed {_display.percent(stayed)}"]
        if notes and self.n_both != self.n:  # the share is of fewer customers
            notes = [f"{notes[0]} of the {self.n_both} in both"]
        head = _display.short_repr(
            "TransitionMatrix", n=self.n, noun="customers", fields=fields, notes=notes
        )
        return head + "\n" + self.text("counts")

    def _repr_html_(self) -> str:
        # only the rows and cells the table shows are formatted, each row's
        # total summed once (a matrix may have thousands of classes)
        shown = self.matrix[: _display.MAX_ROWS]
        totals = shown.sum(axis=1).tolist()
        rows = [
            [
                name,
                *(
                    f"{c:,d} ({_display.share(c, total)})"
                    for c in line[: _display.MAX_COLUMNS - 1]
                ),
            ]
            for name, line, total in zip(
                self.before, shown.tolist(), totals, strict=False
            )
        ]
        stayed = self.stayed
        caption = (
            f"TransitionMatrix{'' if self.name is None else ' ' + repr(self.name)}"
        )
        caption += f": {self.n:,d} customers"
        if stayed == stayed and self.n_both != self.n:
            caption += (
                f", of the {self.n_both:,d} in both, {_display.percent(stayed)} stayed"
            )
        elif stayed == stayed:
            caption += f", {_display.percent(stayed)} stayed"
        return _display.html_table(
            caption,
            ["before \\ after", *self.after[: _display.MAX_COLUMNS - 1]],
            rows,
            note="counts (share of the row)",
            n_more=len(self.before) - len(rows),
            # the after classes past the shown ones, (gone) among them
            n_more_columns=max(0, len(self.after) - (_display.MAX_COLUMNS - 1)),
        )


#: The column of customer ids in a flat frame (a ``custseg segment`` output
#: read back, ``segment(...).customers.reset_index()``)
_ID_COLUMN = "customer_id"


def _id_column(x: Any, column: Any, field: str) -> Any:
    """The ids of a DataFrame whose index is unnamed (row numbers: a
    RangeIndex, or what a sort or a filter leaves of one) and which has a
    ``customer_id`` column, as a pandas Index; else ``None`` (its index is
    the customer id). A frame whose index has names, none of them
    ``customer_id``, beside a ``customer_id`` column (a table's own row id,
    as ``pd.read_sql(..., index_col="id")`` gives it) is an
    :class:`InputError` naming both: either may be the customer, and the
    wrong one pairs a row of one period with whoever has that row id in the
    other.

    >>> import pandas as pd
    >>> jan = pd.DataFrame({"id": [1], "customer_id": ["ann"], "tier": ["a"]})
    >>> _id_column(jan.set_index("id"), "tier", "before")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'before' has an index named 'id' and a 'customer_id' column: ...
    """
    if column == _ID_COLUMN or _ID_COLUMN not in x.columns:
        return None
    names = [n for n in x.index.names if n is not None]
    if _ID_COLUMN in names:  # indexed by the customer id (set_index did it)
        return None
    if names or x.index.nlevels != 1:
        shown = (
            f"an index named {names[0]!r}"
            if len(names) == 1 and x.index.nlevels == 1
            else f"an index of {x.index.nlevels} levels ({_level_names(x.index)})"
        )
        raise InputError(
            field,
            f"has {shown} and a {_ID_COLUMN!r} column: either may identify the "
            "customer, and pairing by the wrong one meets a row of the other "
            "period with whoever has that id there",
            fix=f"pass {field}.set_index({_ID_COLUMN!r}) if that column holds "
            f"the customer ids, or {field}.drop(columns={_ID_COLUMN!r}) if the "
            "index does",
        )
    ids = x.loc[:, x.columns == _ID_COLUMN]
    if ids.shape[1] != 1:
        raise InputError(
            _ID_COLUMN,
            f"is {ids.shape[1]} columns of the same frame",
            fix="keep one column of customer ids",
        )
    return ids.set_index(_ID_COLUMN).index  # (pandas is the caller's)


def _pick_column(x: Any, column: Any, field: str) -> Any:
    """The label column of a DataFrame (*column*, or its only column), on
    the frame's customer ids: its ``customer_id`` column when its index is
    unnamed (row numbers are not customer ids)."""
    x = v.arrow_plain(x)  # (Arrow string_view columns: read as large_string)
    if column is not None:
        try:
            hash(column)
            if v.is_missing_scalar(column):  # NaN, pd.NA: no column's name
                raise TypeError
        except TypeError:
            raise InputError(
                "column",
                f"must be one column label (a string, or another hashable "
                f"label such as 0), got {type(column).__name__} "
                f"{v.describe(column)}",
                fix="pass a single column label, e.g. column='stage'",
            ) from None
    if not (is_pandas(x) and hasattr(x, "columns")):
        _refuse_other_frame(x, column, field)
        if column is not None and isinstance(x, Mapping):
            if column not in x:
                raise InputError(
                    field,
                    f"has no column {column!r}",
                    fix=f"pick one of {list(x)[:10]}",
                )
            return x[column]
        return x
    ids = _id_column(x, column, field)
    if ids is None and numbers_left(x.index) and len(x.columns) > 1:
        # a flat frame without customer_id: its ids are in some other column
        # (read back from a file): by position, customers would meet others
        raise InputError(
            field,
            f"is a DataFrame indexed by row numbers (unnamed integers), with "
            f"{len(x.columns)} "
            f"columns and none named {_ID_COLUMN!r}: its rows would be paired "
            "with the other period's by position, not by customer",
            fix="index it by its customer id column "
            f"(df.set_index({str(x.columns[0])!r}), if that is the one), "
            f"or name that column {_ID_COLUMN!r}",
        )
    if column is None:
        others = np.flatnonzero(
            np.ones(len(x.columns), bool) if ids is None else x.columns != _ID_COLUMN
        )
        if len(others) != 1:
            raise InputError(
                field,
                f"is a DataFrame with {len(others)} columns"
                + ("" if ids is None else f" besides {_ID_COLUMN!r}"),
                fix="say which to compare (column=...)",
            )
        picked = x.iloc[:, int(others[0])]
    elif column not in x.columns:
        raise InputError(
            field,
            f"has no column {column!r}",
            fix=f"pick one of {list(x.columns)[:10]}",
        )
    else:
        picked = x[column]
    return picked if ids is None else picked.set_axis(ids)


def _refuse_other_frame(x: Any, column: Any, field: str) -> None:
    """An :class:`InputError` for a frame that is not pandas: a Polars
    DataFrame, a PyArrow Table, a DuckDB relation, a Dask or PySpark
    DataFrame (:func:`custseg._validate.to_pandas_call`), whose
    ``customer_id`` column would be ignored (NumPy reads the whole table as one 2-D array), or a mapping
    of columns holding ``customer_id``, whose *column* alone would pair
    with the other period by position. Converted to pandas, the frame's
    ``customer_id`` column pairs the customers."""
    if isinstance(x, Mapping):
        if _ID_COLUMN not in x or column == _ID_COLUMN:
            return
        raise InputError(
            field,
            f"is a mapping of columns with a {_ID_COLUMN!r} column: "
            + (
                "only a pandas DataFrame is paired by that column"
                if column is None
                else f"column= takes its {column!r} column alone, which would "
                "be paired with the other period's by position, not by customer"
            ),
            fix=f"pass pd.DataFrame({field}) (its {_ID_COLUMN} column pairs "
            "the customers)",
        )
    # (a Polars LazyFrame: refused there, collect() it)
    if v.other_frame_columns(x, field) is None and v.to_pandas_call(x) is None:
        return
    # (DuckDB's relations live in its _duckdb module)
    kind = f"{type(x).__module__.partition('.')[0].lstrip('_')} {type(x).__name__}"
    raise InputError(
        field,
        f"is a {kind}: transition_matrix reads frames as pandas DataFrames "
        f"only (column= picks the labels from those, and their {_ID_COLUMN} "
        "column pairs the customers)",
        fix=f"pass {field}.{v.to_pandas_call(x) or 'to_pandas()'}",
    )


def _read_classes(
    labels: Any, field: str, missing: str
) -> tuple[np.ndarray, tuple[str, ...], bool, Any, str | None]:
    """Any labelling as (codes, names, has_missing, index, name), missing
    labels (if any) the last class, *missing*; numbers named one way
    whatever their container (see :func:`custseg.labels.label_codes`)."""
    codes, names, _, has_missing, index, name = classes_with_missing(
        labels, field, missing
    )
    if any(_display.composed(n) != n for n in names):  # (rare: a second look)
        # a plain array's classes are its distinct values, sorted: sorted
        # again once composed; declared ones (a Categorical, an Arrow
        # dictionary, Labels) keep their order, an ordered scale above all
        plain = declared_classes(labels, field) is None
        codes, names = _composed_classes(
            codes, names, has_missing, field, missing, plain=plain
        )
    return codes, names, has_missing, index, None if name is None else str(name)


def _resorted(
    codes: np.ndarray, names: tuple[str, ...], has_missing: bool
) -> tuple[np.ndarray, tuple[str, ...]]:
    """*codes* and the distinct *names* of a plain array's classes sorted
    again as :func:`custseg.labels.sorted_names` orders them (numbers
    first, by value), *missing* (the last name, when *has_missing*) kept
    last: the order of the classes once some were renamed.

    >>> codes, names = _resorted(np.array([0, 2, 1, 3]), ("1", "3", "2", "missing"), True)
    >>> codes.tolist(), names
    ([0, 1, 2, 3], ('1', '2', '3', 'missing'))
    """
    k = len(names) - int(has_missing)
    order = sorted_names(names[:k])
    where = {n: i for i, n in enumerate(order)}
    rank = np.array([where[n] for n in names[:k]] + [k] * int(has_missing), np.intp)
    if len(rank):
        codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], codes)
    return codes, (*order, *names[k:])


def _composed_classes(
    codes: np.ndarray,
    names: tuple[str, ...],
    has_missing: bool,
    field: str,
    missing: str,
    *,
    plain: bool,
) -> tuple[np.ndarray, tuple[str, ...]]:
    r"""*codes* and *names* with every class name in Unicode's composed form
    (NFC, :func:`custseg._display.composed`): ``Café`` written with its
    accent apart (as macOS writes it) is the class ``Café``, and two classes
    of one period that are the same text in two forms are one class (codes
    remapped; new arrays, the inputs untouched). *plain* names are a plain
    array's distinct values, sorted: sorted again once composed, as
    :func:`custseg.labels.sorted_names` sorts them (``é`` decomposed sorts
    before ``o``, composed after it; ``"9"`` stays before ``"10"``);
    others (declared by a Categorical, an Arrow dictionary,
    :class:`~custseg.Labels`) keep their order. The class of missing labels (*missing*, already composed)
    stays last.

    >>> codes, names = _composed_classes(
    ...     np.array([0, 1, 2]), ("Cafe\u0301", "Caf\u00e9", "tea"), False, "x", "m",
    ...     plain=False)
    >>> codes.tolist(), [ascii(n) for n in names]
    ([0, 0, 1], ["'Caf\\xe9'", "'tea'"])
    """
    real = names[:-1] if has_missing else names
    text = [_display.composed(n) for n in real]
    if all(a is b or a == b for a, b in zip(text, real, strict=True)):
        return codes, names
    if has_missing and missing in text:
        raise ThresholdError(
            f"'missing' must differ from the label names of {field!r}: "
            f"{missing!r} is one of them; pass another name (missing=...)"
        )
    unique = list(dict.fromkeys(text))
    if plain:  # as label_codes sorts them: "9" before "10", then text
        unique = sorted_names(unique)
    position = {t: i for i, t in enumerate(unique)}
    remap = [position[t] for t in text] + ([len(unique)] if has_missing else [])
    new_codes = np.asarray(remap, dtype=np.intp)[codes].astype(codes.dtype, copy=False)
    return new_codes, (*unique, *names[len(real) :])


def look_alike_pairs(
    before: Iterable[str], after: Iterable[str], *, case: bool = False
) -> list[tuple[str, str]]:
    r"""Each name of *before* with each other name of *after* that reads as
    it does (:func:`custseg._display.alike`: without invisible characters,
    in NFKC; blanks around it left out; with *case*, in any letter case:
    ``True`` as pandas writes a boolean, ``true`` as Polars, DuckDB and
    Spark do), in the order of *before*.

    >>> look_alike_pairs(["a", "b "], ["a\u200b", "b", "a"])
    [('a', 'a\u200b'), ('b ', 'b')]
    >>> look_alike_pairs(["True", "False"], ["true", "false"], case=True)
    [('True', 'true'), ('False', 'false')]
    """

    def key(name: str) -> str:
        text = _display.alike(name).strip()
        return text.casefold() if case else text

    by_key: dict[str, list[str]] = {}
    for a in dict.fromkeys(after):
        by_key.setdefault(key(a), []).append(a)
    return [
        (b, a) for b in dict.fromkeys(before) for a in by_key.get(key(b), ()) if a != b
    ]


#: Han characters (CJK unified ideographs and their extensions, compatibility
#: ideographs): the mark of a Chinese class name (``lang="zh"``)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _language_note(
    before: Sequence[str], after: Sequence[str], name: str | None, missing: str
) -> str | None:
    r"""The warning for two periods whose classes share no name, those of
    one written in Chinese and those of the other not: the same classes in
    two languages (one run made with ``lang="zh"``) would count every
    customer as moved. None otherwise (a migration between two schemes in
    one language is left alone). The class *missing* is left out.

    >>> print(_language_note(["active", "lost"], ["活跃期", "流失期"], "status", "missing"))
    'status': the classes before and after share no name, and those after are written in Chinese ('活跃期', '流失期') but not those before ('active', 'lost'): ...
    >>> _language_note(["active"], ["活跃期", "active"], None, "missing") is None
    True
    """
    b = [n for n in dict.fromkeys(before) if n != missing]
    a = [n for n in dict.fromkeys(after) if n != missing]
    if not b or not a or set(b) & set(a):
        return None
    han_b = [bool(_HAN.search(n)) for n in b]
    han_a = [bool(_HAN.search(n)) for n in a]
    if all(han_b) and not any(han_a):
        zh, zh_names, other, other_names = "before", b, "after", a
    elif all(han_a) and not any(han_b):
        zh, zh_names, other, other_names = "after", a, "before", b
    else:
        return None

    def shown(names: list[str]) -> str:
        more = len(names) - _SHOWN_PAIRS
        return ", ".join(map(repr, names[:_SHOWN_PAIRS])) + (
            f", {more:,d} more" if more > 0 else ""
        )

    head = "" if name is None else f"{name!r}: "
    return (
        f"{head}the classes before and after share no name, and those {zh} are "
        f"written in Chinese ({shown(zh_names)}) but not those {other} "
        f"({shown(other_names)}): if the two runs were made in different "
        "languages (lang='zh' or --lang zh in one), every customer counts as "
        "moved; make both runs in the same language"
    )


#: Look-alike pairs named in the warning of :func:`_look_alike_note`.
_SHOWN_PAIRS = 3


def _look_alike_note(
    before: Sequence[str], after: Sequence[str], name: str | None
) -> str | None:
    r"""The warning for classes that read alike (:func:`look_alike_pairs`:
    an invisible character such as U+200B, a no-break space, blanks around
    the name, full-width letters; between the two runs also letter case, as
    a boolean ``True`` and the text ``true`` that Polars, DuckDB and Spark
    write) but are other texts, so they are counted
    as different classes: one of *before* and one of *after* (their
    customers count as moved), or two of one run (one class split in two);
    None when there are none. It counts the pairs and names the first few
    by their code points.

    >>> print(_look_alike_note(["active", "lost"], ["active\u200b", "lost"], "stage"))
    'stage': a class before and one after read alike but are other texts ('active' before, 'active\u200b' after): ...
    >>> print(_look_alike_note(["a"], ["a", "b", "b\u00a0"], None))
    two classes after read alike but are other texts ('b', 'b\xa0'): ...
    >>> _look_alike_note(["a"], ["a", "b"], None) is None
    True
    """

    def listed(pairs: list[tuple[str, str]], form: str) -> str:
        shown = "; ".join(
            form.format(_display.Escaped(x), _display.Escaped(y))
            for x, y in pairs[:_SHOWN_PAIRS]
        )
        more = len(pairs) - _SHOWN_PAIRS
        return shown + (f"; {more:,d} more" if more > 0 else "")

    parts = []
    across = look_alike_pairs(before, after, case=True)
    if across:
        n = len(across)
        what = (
            "a class before and one after read alike but are other texts"
            if n == 1
            else f"{n:,d} pairs of classes, one before and one after, read alike "
            "but are other texts"
        )
        parts.append(f"{what} ({listed(across, '{!r} before, {!r} after')})")
    for side, names in (("before", before), ("after", after)):
        order = {c: i for i, c in enumerate(dict.fromkeys(names))}
        within = [
            (x, y) for x, y in look_alike_pairs(names, names) if order[x] < order[y]
        ]
        if within:
            n = len(within)
            what = "two classes" if n == 1 else f"{n:,d} pairs of classes"
            shown = listed(within, "{!r}, {!r}")
            parts.append(f"{what} {side} read alike but are other texts ({shown})")
    if not parts:
        return None
    head = "" if name is None else f"{name!r}: "
    moved = ", so their customers count as moved" if across else ""
    return (
        f"{head}{'; '.join(parts)}: they are counted as different classes{moved} "
        "(an invisible character such as U+200B, a no-break space, blanks "
        "around the name, full-width letters"
        + (" or letter case, as True and true" if across else "")
        + " tell them apart); write the labels the same way"
        + (" in both runs" if across else "")
    )


def numbers_read_together(
    before: Sequence[str],
    after: Sequence[str],
    numbers: tuple[bool, bool],
    name: str | None,
    missing: str,
) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """The class names *before* and *after* with the text of one side read
    as the numbers of the other, where pandas wrote them so: when one side
    holds numbers and the other text (*numbers*: whether each side holds
    numbers; a period kept as floats beside one read back from a CSV file),
    a text class that is a whole float as pandas writes it (``1.0``,
    ``1e+16``) is the class of that number (``1``), unless the text side
    holds that name too (then they are two labels as written). Returns the
    names and the note to warn with (None when nothing was read so).

    >>> old, new, note = numbers_read_together(
    ...     ("1", "1.5", "2"), ("1.0", "1.5", "n/a"), (True, False), "rating", "missing")
    >>> new
    ('1', '1.5', 'n/a')
    >>> print(note)  # doctest: +ELLIPSIS
    'rating': the text class '1.0' after is the number 1 before as pandas writes it to a file, so the two are one class ...
    """
    if numbers[0] == numbers[1]:
        return tuple(before), tuple(after), None
    text, held = (after, before) if numbers[0] else (before, after)
    named, taken = set(held), set(text)
    as_number: dict[str, str] = {}
    for label in text:
        if label == missing:
            continue
        try:
            value = float(label)
        except ValueError:
            continue
        if not (math.isfinite(value) and value.is_integer()):
            continue  # (other floats are written as they are named: 2.5)
        number = _float_name(value)
        if label == repr(value) and number in named and number not in taken:
            as_number[label] = number
    if not as_number:
        return tuple(before), tuple(after), None
    read = tuple(as_number.get(label, label) for label in text)
    side, other = ("after", "before") if numbers[0] else ("before", "after")
    pairs = list(as_number.items())
    shown = ", ".join(f"{t!r} is {n}" for t, n in pairs[:_SHOWN_PAIRS])
    more = len(pairs) - _SHOWN_PAIRS
    head = "" if name is None else f"{name!r}: "
    what = (
        f"the text class {pairs[0][0]!r} {side} is the number {pairs[0][1]} "
        f"{other} as pandas writes it to a file, so the two are one class"
        if len(pairs) == 1
        else f"{len(pairs):,d} text classes {side} are numbers {other} as "
        f"pandas writes them to a file, so each is one class with its number: "
        + shown
        + (f"; {more:,d} more" if more > 0 else "")
    )
    note = (
        f"{head}{what} (the labels {other} are numbers, those {side} text: "
        "keep both periods in one type to compare them as stored)"
    )
    if numbers[0]:
        return tuple(before), read, note
    return read, tuple(after), note


def numbers_apart(
    before: Iterable[Any], after: Iterable[Any]
) -> tuple[str, str] | None:
    """A class of *before* and one of *after* that are text of one number
    written two ways (``1`` and ``1.0``, ``01``), the first by value, when
    no class of one is written as one of the other; None when there are
    none. Only text (``str``) classes are read.

    >>> numbers_apart(["1", "x"], ["1.0", "y", "x"])
    ('1', '1.0')
    >>> numbers_apart(["1.0", "x"], ["1.0"]) is None
    True
    """

    def numbers(names: Iterable[Any]) -> dict[float, list[str]]:
        out: dict[float, list[str]] = {}
        for x in dict.fromkeys(names):
            if isinstance(x, str):
                try:
                    value = float(x)
                except ValueError:
                    continue
                if value == value:  # not a NaN
                    out.setdefault(value, []).append(x)
        return out

    old, new = numbers(before), numbers(after)
    for value in sorted(old.keys() & new.keys()):
        pairs = [(a, b) for a in sorted(old[value]) for b in sorted(new[value])]
        if not any(a == b for a, b in pairs):
            return pairs[0]
    return None


def _apart_note(
    before: Sequence[str], after: Sequence[str], name: str | None, missing: str
) -> str | None:
    """The warning for a class before and one after that are one number
    written two ways (:func:`numbers_apart`): two classes, their customers
    counted as moved. None when there are none.

    >>> print(_apart_note(["1", "2"], ["01", "2"], "band", "missing"))  # doctest: +ELLIPSIS
    'band': '1' before and '01' after are one number written two ways, ...
    """
    apart = numbers_apart(
        (n for n in before if n != missing), (n for n in after if n != missing)
    )
    if apart is None:
        return None
    head = "" if name is None else f"{name!r}: "
    return (
        f"{head}{apart[0]!r} before and {apart[1]!r} after are one number "
        "written two ways, but labels are matched by name, so they are two "
        "classes and their customers count as moved; write the labels the "
        "same way in both periods"
    )


def _check_unique(index: Any, field: str) -> None:
    """Customer ids to pair by: unique and present (two unknown customers
    are not one person), whatever the other index is; a MultiIndex holds
    one tuple per customer, and a tuple with a missing part names nobody."""
    if missing_ids(index):
        parts = index.nlevels > 1 or (
            index.dtype == object and id_kind(index).startswith("tuples")
        )
        raise InputError(
            field,
            "has missing customer ids in its index (NaN or None"
            + (", also as one part of a tuple such as ('south', None)" if parts else "")
            + "), which cannot be paired with the other period: two unknown "
            "customers are not one person",
            fix="drop those rows or give each customer its id before comparing periods",
        )
    index = flat_ids(index)
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise InputError(
            field,
            f"has repeated customer ids in its index, such as {v.describe(dup)}",
            fix="give each customer one row (drop_duplicates) before comparing periods",
        )


def _by_ids(before: Any, after: Any) -> tuple[Any, Any]:
    """The two indexes to pair customers by, or ``None``: row numbers (an
    unnamed ``RangeIndex``, as a column cut from a flat frame has) are no
    customer ids, so two of them pair by position, and one of them beside
    customer ids is an error (the rows would meet customers by number)."""
    # (ids given to a result as a list or an array are ids, not row numbers)
    rows = [row_numbers(before), row_numbers(after)]
    before, after = as_index(before), as_index(after)
    if (before is None) != (after is None) and not any(rows):
        # an array (no index: row numbers, in effect) beside customer ids
        field = "before" if before is None else "after"
        other = "after" if before is None else "before"
        raise InputError(
            field,
            f"has no index (a NumPy array, a list, or labels made from one), "
            f"while {other!r} is indexed by customer ids: row 0 would be paired "
            "with whichever customer comes first",
            fix="give it the customer ids (labels made from a Series indexed by "
            "customer id, or pandas.Series(labels, index=ids)), or pass both "
            "without ids (.to_numpy()) if they are in one order",
        )
    if not any(rows):
        return before, after
    field, other = ("before", after) if rows[0] else ("after", before)
    if all(rows) and len(before) != len(after):
        raise InputError(
            "after",
            f"has {len(after)} rows but 'before' has {len(before)}, both indexed "
            "by row numbers (an unnamed RangeIndex), not customer ids, so they "
            "pair by position only",
            fix="index both by customer id (set_index('customer_id')) to pair the "
            "customers by id, or pass the frames themselves (their customer_id "
            "columns pair the rows)",
        )
    if all(rows) or other is None:
        return None, None
    raise InputError(
        field,
        "is indexed by row numbers (an unnamed RangeIndex), not customer ids, "
        f"while {'after' if field == 'before' else 'before'!r} is indexed by "
        "customer ids: row 0 would be paired with customer 0",
        fix="index it by customer id (labels.set_axis(frame['customer_id']), or "
        "pass the frame itself: its customer_id column pairs the rows)",
    )


def _check_same_kind(before: Any, after: Any) -> None:
    """Ids of two kinds (integers in one period, text in the other, as when
    one was read from a CSV file) share no customer: an error, not a table
    where everybody left and everybody came. Two ``MultiIndex`` are
    compared level by level, and the fix names the level; integers past
    2**53 beside floats (which :func:`~custseg._align.whole_ids` could not
    pair exactly) are told as a matter of precision, not of kind."""
    kind_b, kind_a = id_kind(before), id_kind(after)
    if kind_b == kind_a or not len(before) or not len(after):
        return
    multi = before.nlevels > 1 and after.nlevels > 1
    if multi and before.nlevels != after.nlevels:
        raise InputError(
            "after",
            f"is indexed by tuples of {after.nlevels} levels "
            f"({_level_names(after)}) but 'before' by tuples of "
            f"{before.nlevels} ({_level_names(before)}): no customer's id is in both",
            fix="index both by the same levels (set_index or droplevel) "
            "before comparing periods",
        )
    kb, ka, where = kind_b, kind_a, ""
    b_ids, a_ids = before, after
    convert = "{side}.index = {side}.index.astype({to})"
    both = "both .astype(str)"
    if multi:  # the first level whose kinds differ: the fix converts that one
        level = next(
            i
            for i in range(before.nlevels)
            if id_kind(before.levels[i]) != id_kind(after.levels[i])
        )
        b_ids, a_ids = before.levels[level], after.levels[level]
        kb, ka = id_kind(b_ids), id_kind(a_ids)
        name = after.names[level]
        where = f"level {level}" + ("" if name is None else f" ({name!r})")
        convert = (
            "{side}.index = {side}.index.set_levels("
            f"{{side}}.index.levels[{level}].astype({{to}}), level={level})"
        )
        both = (
            f"that level of both as text: .set_levels(index.levels[{level}]"
            f".astype(str), level={level}) on each"
        )
    if {kb, ka} == {"integers", "numbers"}:  # left apart by whole_ids: precision
        side, other = ("after", "before") if ka == "numbers" else ("before", "after")
        raise InputError(
            side,
            "holds floats as customer ids"
            + (f" (its {where})" if where else "")
            + f" beside integers past 2**53 in {other!r}, and not every float "
            "is a whole number below 2**53: a float holds no integer past "
            "2**53 exactly (2**53 + 1 is read as 2**53), so these ids cannot "
            "be paired exactly",
            fix="read the ids as integers or as text where they are loaded "
            "(an int64 Parquet column, or pd.read_csv(..., "
            "dtype={'customer_id': str})): float ids past 2**53 have already "
            "lost digits",
        )
    if not multi and "tuples" in (kind_a[:6], kind_b[:6]):
        # a MultiIndex beside an Index of tuples, or tuples beside flat ids
        fix = "index both the same way: by the same levels, each holding one kind of id"
    elif "decimals" in (kb, ka) and kb != ka:
        # (a SQL NUMERIC column): made the numbers they are, never text,
        # where Decimal("2.0") is "2.0" and the integer 2 is "2"
        side, ids = ("before", b_ids) if kb == "decimals" else ("after", a_ids)
        whole = all(x == x.to_integral_value() for x in ids if x == x)
        to = "int" if whole else "float"
        fix = (
            "store the ids the same way in both, e.g. the decimals as "
            + ("integers (" if whole else "floats (")
            + convert.format(side=side, to=to).replace(f".astype({to})", f".map({to})")
            + ")"
        )
    elif {kb, ka} == {"numbers", "text"}:
        # floats beside text: "2.0" as text is never "2" (pandas writes the
        # float 2.0 so), so the text is made numbers, or both read as text
        text, ids = ("before", b_ids) if kb == "text" else ("after", a_ids)
        if all(_reads_as_number(x) for x in ids):
            fix = (
                "store the ids the same way in both, e.g. the text as numbers ("
                f"{convert.format(side=text, to='float')})"
            )
        else:
            fix = (
                "read the ids of both as text where they are loaded "
                "(pd.read_csv(..., dtype={'customer_id': str})): floats made "
                "text here are written 2.0, not 2"
            )
    elif "integers" in (kb, ka):
        ints, side, ids = (
            ("after", "before", b_ids)
            if ka == "integers"
            else ("before", "after", a_ids)
        )
        if {kb, ka} == {"integers", "text"} and all(
            str(x).strip().lstrip("-").isdigit() for x in ids
        ):  # text of digits (read from a CSV file): made integers again
            fix = (
                "store the ids the same way in both, e.g. convert one index ("
                f"{convert.format(side=side, to='int')}, or {both})"
            )
        else:  # no integers to make of them: the integers made text
            fix = (
                "store the ids the same way in both, e.g. the integers as "
                f"text ({convert.format(side=ints, to='str')})"
            )
    else:
        fix = f"store the ids the same way in both, e.g. {both}"
    raise InputError(
        "after",
        f"holds {kind_a} in its index (the customer ids) but 'before' holds "
        f"{kind_b}"
        + (f" ({where}: {ka} after, {kb} before)" if where else "")
        + ": ids of different kinds are never one customer (1 is not '1')",
        fix=fix,
    )


def _reads_as_number(x: Any) -> bool:
    """Whether the text id *x* reads as a finite number (``"17"``,
    ``" 2.5"``)."""
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


def _level_names(index: Any) -> str:
    """The names of a MultiIndex's levels, for a message."""
    return ", ".join("unnamed" if n is None else repr(n) for n in index.names)


#: The most cells of a transition matrix (classes before x classes after).
MAX_CELLS = 10**7


def outside_names(
    classes: Iterable[Any], new: str = "(new)", gone: str = "(gone)"
) -> tuple[str, str]:
    """Names for the customers found in one run only that no class has:
    *new* and *gone*, with ``*`` added while a class is called so.

    >>> outside_names(["active", "(new)"])
    ('(new)*', '(gone)')
    """
    taken = {str(c) for c in classes}
    while new in taken:
        new += "*"
    while gone in taken or gone == new:
        gone += "*"
    return new, gone


def transition_matrix(
    before: Any,
    after: Any,
    *,
    column: Any = None,
    new: str = "(new)",
    gone: str = "(gone)",
    missing: str = "missing",
) -> TransitionMatrix:
    """Count customers by their class *before* and *after*.

    Two ways to pair the customers:

    * **by customer id**, when both labellings carry an index (pandas
      Series or DataFrames, :class:`~custseg.Labels` computed from them, two
      ``custseg segment`` outputs; a DataFrame whose index has no name and
      which has a ``customer_id`` column, as one read from a CSV file, is
      paired by that column, never by its row numbers; a named index
      other than ``customer_id`` beside a ``customer_id`` column is an
      error, as either may be the customer): customers only in
      *after* are counted in the row *new*, those only in *before* in the
      column *gone*; nobody is dropped (the names default to ``(new)`` and
      ``(gone)``, in parentheses so they do not clash with class names such
      as the ``ecommerce`` preset's lifecycle stage ``gone``). The *new* row
      and *gone* column are always there in this mode (zero when nobody came or went), so tables of several periods
      have one shape. Integer and float ids are paired by value, as
      :func:`custseg.summarize` groups them: a whole float id (``3.0``, a
      Parquet ``double`` column) is the customer ``3``, also within one
      index of objects (``[1, 2.0]``, from JSON); beside a float id
      that is not whole (``2.5``) the integers are read as floats, so
      ``3`` still meets ``3.0``. Integers and text are never paired
      (``1`` is not ``"1"``). A ``MultiIndex`` pairs its tuples, compared
      level by level (a level of integers meets the same level read as
      floats); a tuple with a missing part names no customer.
    * **by position**, otherwise (NumPy arrays, lists, or two Series
      indexed by row numbers: an unnamed ``RangeIndex`` is no customer id;
      beside customer ids, row numbers or no index at all are an error):
      row *i* of both is the same customer; the lengths must match.

    Parameters
    ----------
    before, after
        The two labellings: :class:`~custseg.Labels`, a pandas Categorical or
        (categorical) Series, a plain array of names, or a DataFrame (then
        *column* picks the label column). Rows follow each labelling's own
        classes in its order (a plain array: its distinct values, sorted,
        text written as numbers first, by value: ``"9"`` before
        ``"10"``, ``"0.5"`` before ``"1"``), then *new*; columns likewise, then *gone*. Bytes (a NumPy ``S`` array, an Arrow or Polars binary
        column, as some Parquet and HDF5 files hold text) are the UTF-8
        text they hold: ``b"lost"`` is the class ``lost`` (bytes that are
        not UTF-8 are an :class:`~custseg.errors.InputError`). Text names are
        read in Unicode's composed form (NFC: ``Cafe\u0301`` is ``Café``);
        a declared order (a Categorical, an Arrow dictionary) is kept so, a
        plain array's names sorted once composed, in that same order. Missing labels are the
        class *missing*. Classes are matched by name, and a number has one
        name whatever its container: whole numbers as integers (``1.0`` is
        ``"1"``), others as their shortest text (``"2.5"``). When one
        period holds numbers and the other text, the text pandas writes
        for a whole float (``"1.0"``) is that number's class, with a
        :class:`~custseg.errors.CustsegWarning` (a plain array's classes
        sorted as read: ``"2.0"`` lists between ``"1"`` and ``"3"``); text of one number written
        another way (``"01"``, ``"1.50"``) stays apart, with a warning too.
    column
        The label column when *before* and *after* are DataFrames (default:
        their only column besides ``customer_id``): one column label (a
        side that is no DataFrame or mapping is used as it is). Frames are
        read as pandas: a Polars DataFrame, an Arrow Table, a DuckDB
        relation, a Dask or PySpark DataFrame is refused (pass
        ``.to_pandas()``, ``.df()``, ``.compute()``, ``.toPandas()``), and so is a mapping of columns holding
        ``customer_id`` (pass ``pd.DataFrame(...)``), whose label column
        alone would pair by position.
    new, gone, missing
        Names of the row of customers only in *after*, the column of those
        only in *before*, and the class of missing labels.

    Returns
    -------
    TransitionMatrix
        ``.counts`` and ``.shares`` (row shares) as DataFrames, ``.stayed``
        (the share in the same class, of the ``.n_both`` customers in both
        periods), ``.matrix`` as a NumPy array.

    Raises
    ------
    InputError
        Lengths that differ when pairing by position; repeated or missing
        ids in an index (checked whether or not the two indexes are equal;
        a ``MultiIndex`` tuple with a missing part is a missing id);
        indexes holding ids of two kinds (integers and text: none would
        match; integers past 2**53 beside float ids that are not all whole
        numbers below 2**53: no exact pairing; ``Decimal`` ids beside other
        numbers; ``MultiIndex`` levels likewise, or two ``MultiIndex`` of
        other numbers of levels); a DataFrame with a named index and a
        ``customer_id`` column; a
        DataFrame or mapping without the column, or *column* that is no
        label; a frame of another library than pandas, or a mapping holding
        ``customer_id``; labels
        of two kinds within one period (``1`` and ``"1"``, also as a
        Categorical's categories) or two classes of one name. Across the two
        periods classes match by name: ``1`` before and ``"1"`` after (a
        period read back from text) are one class.
    ThresholdError
        *new*, *gone* or *missing* equal to a class name (*missing* on
        either side, when either has missing labels).

    Examples
    --------
    >>> tm = transition_matrix(["walk-in", "walk-in", "member", "walk-in"],
    ...                        ["walk-in", "member", "member", "member"])
    >>> tm
    TransitionMatrix(n=4 customers, stayed 50.0%)
    before \\ after  member  walk-in
    member               1        0
    walk-in              2        1
    >>> tm.shares.loc["walk-in", "member"]
    np.float64(0.6666666666666666)

    By customer id, with a customer who left and one who came:

    >>> import pandas as pd
    >>> jan = pd.Series(["A", "B", "B"], index=["c1", "c2", "c3"], dtype="category")
    >>> feb = pd.Series(["A", "A", "B"], index=["c2", "c3", "c9"], dtype="category")
    >>> transition_matrix(jan, feb).counts
    after   A  B  (gone)
    before
    A       0  0       1
    B       2  0       0
    (new)   0  1       0

    Flat frames (the id a column, the index row numbers) by their
    ``customer_id`` column:

    >>> jan = pd.DataFrame({"customer_id": ["ann", "bob"], "stage": ["A", "B"]})
    >>> feb = pd.DataFrame({"customer_id": ["bob", "ann"], "stage": ["B", "A"]})
    >>> transition_matrix(jan, feb).stayed
    1.0
    """
    return _transition_matrix(
        before, after, column, new, gone, missing, languages=True, stacklevel=3
    )


def _say(notes: list[str], noted: list[str] | None, stacklevel: int) -> None:
    """*notes* warned (a CustsegWarning each), or appended to *noted*."""
    if noted is not None:
        noted.extend(notes)
        return
    for note in notes:
        warnings.warn(note, CustsegWarning, stacklevel=stacklevel + 1)


def _transition_matrix(
    before: Any,
    after: Any,
    column: Any,
    new: str,
    gone: str,
    missing: str,
    *,
    languages: bool,
    stacklevel: int = 2,
    noted: list[str] | None = None,
    apart: bool = True,
) -> TransitionMatrix:
    """:func:`transition_matrix`; *languages* False leaves out the warning of
    :func:`_language_note` (for callers that say themselves that the classes
    share no name: ``custseg migrate``, the report), *apart* False that of
    :func:`_apart_note` (``custseg migrate`` says it of its files); with
    *noted*, the warnings are appended to it instead (the report shows them
    itself)."""
    # names in one Unicode form, as the classes' (see _composed_classes)
    new = _display.composed(v.label_param(new, "new"))
    gone = _display.composed(v.label_param(gone, "gone"))
    missing = _display.composed(v.label_param(missing, "missing"))
    if len({new, gone, missing}) < 3:
        raise ThresholdError(
            f"'new', 'gone' and 'missing' must be three different names: got "
            f"{new!r}, {gone!r}, {missing!r}"
        )
    b_picked = _pick_column(before, column, "before")
    a_picked = _pick_column(after, column, "after")
    b_codes, b_names, b_lost, b_index, b_name = _read_classes(
        b_picked, "before", missing
    )
    a_codes, a_names, a_lost, a_index, a_name = _read_classes(
        a_picked, "after", missing
    )
    cells = (len(b_names) + 1) * (len(a_names) + 1)
    if cells > MAX_CELLS:
        field, names, name = max(
            (("before", b_names, b_name), ("after", a_names, a_name)),
            key=lambda p: len(p[1]),
        )
        # the column by its name (in both runs), the run as the place
        where = "" if name is None else f" in {field!r}"
        raise InputError(
            field if name is None else str(name),
            f"has {len(names):,d} classes{where}: a transition matrix of "
            f"{cells:,d} cells (more than {MAX_CELLS:,d})",
            fix="pass a column of class labels (a segment, a lifecycle stage), "
            "not ids or amounts; group fine values into classes first",
        )
    # the missing labels of one side would meet the other's class *missing*
    for field, names, lost, other in (
        ("before", b_names, b_lost, "after"),
        ("after", a_names, a_lost, "before"),
    ):
        if not lost and missing in names and (b_lost or a_lost):
            raise ThresholdError(
                f"'missing' must differ from the label names of {field!r}: "
                f"{missing!r} is one of them, and the missing labels of "
                f"{other!r} would be counted as that class; pass another name "
                "(missing=...)"
            )
    name = b_name if b_name is not None else a_name
    if column is not None and name is None:
        name = str(column)
    # one reading for both: the text "1.0" a CSV file holds for the float 1.0
    # of the other period is that number's class
    b_names, a_names, together = numbers_read_together(
        b_names,
        a_names,
        (holds_numbers(b_picked), holds_numbers(a_picked)),
        name,
        missing,
    )
    if together is not None:
        # the text side's classes were sorted as written ("2.0" after every
        # whole numeral): a plain array's are sorted again as renamed, so
        # the number 2 sits between 1 and 3 as on the side of numbers
        # (declared classes, a Categorical's, keep their order)
        if holds_numbers(b_picked) and declared_classes(a_picked, "after") is None:
            a_codes, a_names = _resorted(a_codes, a_names, a_lost)
        elif declared_classes(b_picked, "before") is None and not holds_numbers(
            b_picked
        ):
            b_codes, b_names = _resorted(b_codes, b_names, b_lost)
    # said once the matrix is sure to be made (after the errors below)
    notes = [
        note
        for note in (
            together,
            _apart_note(b_names, a_names, name, missing) if apart else None,
            _look_alike_note(b_names, a_names, name),
            _language_note(b_names, a_names, name, missing) if languages else None,
        )
        if note is not None
    ]
    b_index, a_index = _by_ids(b_index, a_index)
    keyed = b_index is not None and a_index is not None
    for ids, side in ((b_index, "before"), (a_index, "after")):
        if keyed:
            # float32 past 2**24: two customers' ids may be stored as one
            # (a MultiIndex: level by level)
            v.refuse_narrow_ids(ids, side)
    if not keyed:
        v.check_same_length(before=b_codes, after=a_codes)
        n_cols = len(a_names)
        flat = b_codes * n_cols + a_codes
        matrix = np.bincount(flat, minlength=len(b_names) * n_cols)
        _say(notes, noted, stacklevel + 1)
        return TransitionMatrix(
            matrix.reshape(len(b_names), n_cols).astype(np.int64, copy=False),
            b_names,
            a_names,
            name,
        )
    # either side: a class "(gone)" before would be a row beside the column
    # "(gone)", and the long form's pair ("(gone)", "(gone)") would read as
    # customers who stayed
    for label in (new, gone):
        if label in b_names or label in a_names:
            raise ThresholdError(
                f"'new' and 'gone' must differ from the class names: {label!r} is "
                "one of them; pass other names (new=..., gone=...)"
            )
    rows, cols = (*b_names, new), (*a_names, gone)
    n_cols = len(cols)
    _check_unique(b_index, "before")
    _check_unique(a_index, "after")
    b_index, a_index = whole_ids(b_index, a_index)  # 3.0 is customer 3
    _check_same_kind(b_index, a_index)
    if b_index.nlevels != a_index.nlevels:  # a MultiIndex and tuples
        b_index, a_index = flat_ids(b_index), flat_ids(a_index)
    if b_index is not a_index:  # int64 with uint64: exact, never via float64
        b_index, a_index = same_ids(b_index, a_index)
    if b_index is a_index or b_index.equals(a_index):
        pos = np.arange(len(a_codes))
    else:
        pos = np.asarray(b_index.get_indexer(a_index))
    matched = pos >= 0
    row_of_after = np.full(len(a_codes), len(b_names), dtype=np.intp)
    row_of_after[matched] = b_codes[pos[matched]]
    flat_after = row_of_after * n_cols + a_codes
    left = np.ones(len(b_codes), dtype=bool)
    left[pos[matched]] = False
    flat_gone = b_codes[left] * n_cols + (n_cols - 1)
    matrix = np.bincount(
        np.concatenate((flat_after, flat_gone)), minlength=len(rows) * n_cols
    )
    _say(notes, noted, stacklevel + 1)
    return TransitionMatrix(
        matrix.reshape(len(rows), n_cols).astype(np.int64, copy=False),
        rows,
        cols,
        name,
        new=new,
        gone=gone,
    )


def heatmap_classes(tm: TransitionMatrix) -> int:
    """The classes a heatmap of *tm* draws along its longer side (rows or
    columns once :func:`on_diagonal` has squared them; the *new* row and
    the *gone* column aside): what :func:`custseg.plot.transition_heatmap`
    and the report's chart limit.

    >>> tm = transition_matrix(["a", "b", "c"], ["a", "a", "d"])
    >>> heatmap_classes(tm)
    4
    """
    squared = on_diagonal(tm)
    return max(
        len(squared.before) - (squared.new is not None),
        len(squared.after) - (squared.gone is not None),
    )


def on_diagonal(tm: TransitionMatrix) -> TransitionMatrix:
    """*tm* with the same classes, in the same order, as rows and as
    columns (then the *new* row and the *gone* column), so that row *i* and
    column *i* are one class and the customers who stayed sit on the
    diagonal; *tm* itself when they already are, or when the two sides,
    each with classes, share none (nobody can stay: a run in another
    language, other rules). A side without classes (an earlier run with no
    customers) gets the other side's.

    The order is the rows' when they hold every class of the columns, else
    the columns' (the later period's, in the report this run's) followed by
    the classes found only in the rows. A class missing on one side gets a
    row (or a column) of zeros. The counts, :attr:`~TransitionMatrix.stayed`
    and :attr:`~TransitionMatrix.n_both` are unchanged.

    >>> tm = transition_matrix(["b", "c"], ["a", "b"])
    >>> tm.before, tm.after
    (('b', 'c'), ('a', 'b'))
    >>> square = on_diagonal(tm)
    >>> square.before, square.after
    (('a', 'b', 'c'), ('a', 'b', 'c'))
    >>> square.matrix.tolist()
    [[0, 0, 0], [1, 0, 0], [0, 1, 0]]
    """
    rows, cols, _both = tm._in_both()
    # (one side without classes, an earlier run with no customers: the
    # other side's classes on both)
    if rows == cols or (rows and cols and not set(rows) & set(cols)):
        return tm
    if set(cols) <= set(rows):
        classes = list(rows)
    else:
        taken = set(cols)
        classes = [*cols, *(r for r in rows if r not in taken)]
    at = {name: i for i, name in enumerate(classes)}
    k = len(classes)
    new = () if tm.new is None else (tm.before[-1],)
    gone = () if tm.gone is None else (tm.after[-1],)
    row_at = [at[r] for r in rows] + [k] * len(new)
    col_at = [at[c] for c in cols] + [k] * len(gone)
    matrix = np.zeros((k + len(new), k + len(gone)), dtype=np.int64)
    matrix[np.ix_(row_at, col_at)] = tm.matrix
    return attrs.evolve(
        tm,
        matrix=matrix,
        before=(*classes, *new),
        after=(*classes, *gone),
    )


# --------------------------------------------------------------------------
# segment history


def _score_labels(scores: np.ndarray, bins: int, index: Any, name: str) -> Labels:
    """A score column as Labels ``"1" .. str(bins)``, then ``"unknown"`` (0)."""
    codes = np.where(scores == 0, bins, scores.astype(np.int64) - 1)
    names = (*(str(i) for i in range(1, bins + 1)), "unknown")
    return Labels(codes, names, ordered=True, index=index, name=name)


def _rule_labels(result: Any) -> dict[str, Labels]:
    """The labels of whatever ``rules.evaluate`` returned (duck typed)."""
    if isinstance(result, Labels):
        return {result.name or "label": result}
    labels = getattr(result, "labels", result)
    if isinstance(labels, Mapping) and all(
        isinstance(x, Labels) for x in labels.values()
    ):
        return dict(labels)
    raise InputError(
        "rules",
        f"evaluate() returned {type(result).__name__}, not labels",
        fix="pass a custseg.rules.RuleSet (rules.load(...)), or an object whose "
        "evaluate(data) returns Labels or a result with a .labels mapping",
    )


#: Columns and index levels of :meth:`SegmentHistory.to_pandas` (and the
#: facts and scores ``custseg.segment`` keeps): never a rules output
_HISTORY_COLUMNS = frozenset(
    ("as_of", "customer_id", *FACT_COLUMNS, "r", "f", "m", "rfm")
)


def _check_output_names(names: Any) -> None:
    """InputError for a rules output named like a fact, a score or an index
    level of :meth:`SegmentHistory.to_pandas`, which it would replace (as
    :func:`custseg.segment` refuses it)."""
    for name in names:
        if name in _HISTORY_COLUMNS:
            what = (
                "an index level"
                if name in ("as_of", "customer_id")
                else "a fact or score column"
            )
            raise InputError(
                str(name),
                f"is an output of the rules and also {what} of the history "
                "(SegmentHistory.to_pandas()), which the output would replace",
                fix=f"rename the table, segmentation or tag set {name!r} in the "
                "rules file",
            )


def _replaced_edges_notes(rules: Any, edges: RfmEdges) -> tuple[str, ...]:
    """The notes (each also given as a :class:`~custseg.errors.CustsegWarning`)
    for the rules' fixed ``[scores]`` edges that the *edges* given replace:
    they win, as in :func:`custseg.segment`, which says so the same way."""
    if not isinstance(getattr(rules, "scores", None), Mapping):
        return ()  # not a RuleSet (this layer reads it by its attributes)
    notes = tuple(_replaced_fixed_edges(rules, edges, _KEEP_FIXED_EDGES).values())
    for note in notes:
        warnings.warn(note, CustsegWarning, stacklevel=3)
    return notes


@attrs.frozen(eq=False)
class SegmentHistory:
    """Facts, RFM scores and rule labels of the customers at several dates.

    Built by :func:`segment_history`. Entry ``k`` of each tuple belongs to
    ``as_of[k]``; the customers at a date are those with a transaction on
    or before it.

    Attributes
    ----------
    as_of
        The dates (``datetime64[D]``), ascending.
    facts
        One :class:`~custseg.CustomerFacts` per date, equal to
        ``summarize(..., as_of=d, after_as_of="drop")``.
    scores
        One :class:`~custseg.RfmScores` per date, all on :attr:`edges`.
    labels
        Per date, the rules' labels by output name (empty without rules).
    edges
        The :class:`~custseg.RfmEdges` used at every date.
    diagnostics
        Notes on edges fitted on the first date (as
        :attr:`RfmScores.diagnostics <custseg.RfmScores>`), or on the
        rules' fixed ``[scores]`` edges that the *edges* given replaced.
    zone
        The time zone of the dates when they are tz-aware in one zone (a
        :class:`datetime.tzinfo`), else None. An aware date given as ``at``
        is read in it, as the as_of dates were.
    aggregates
        The values of the rules' aggregates (``mean(frequency)``, ...) fitted
        on the first date and used at every date, by name (empty without
        rules, or for rules that cannot take them).
    """

    as_of: tuple[np.datetime64, ...]
    facts: tuple[CustomerFacts, ...]
    scores: tuple[RfmScores, ...]
    labels: tuple[dict[str, Labels], ...]
    edges: RfmEdges
    diagnostics: tuple[str, ...] = ()
    zone: Any = None
    aggregates: Mapping[str, float] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.as_of)

    def _position(self, at: Any) -> int:
        if v.is_int(at):
            k = int(at)
            if -len(self) <= k < len(self):
                return k % len(self)
            raise ThresholdError(
                f"'at' must be a position in [{-len(self)}, {len(self)}) or one of "
                f"the as_of dates: got {k}"
            )
        day = v.day_number(at, "at", like=self.zone)
        for k, d in enumerate(self.as_of):
            if d == np.datetime64(int(day), "D"):
                return k
        raise ThresholdError(
            f"'at' must be one of the as_of dates "
            f"({', '.join(str(d) for d in self.as_of[:6])}): got {v.describe(at)}"
        )

    def classes(self, column: str, at: Any) -> Labels:
        """The labels *column* (``"r"``, ``"f"``, ``"m"`` or a rules output) at
        one date, indexed by customer id.

        Scores become the classes ``"1"`` to ``"<bins>"``, then ``"unknown"``
        (no purchase).

        Parameters
        ----------
        column
            ``"r"``, ``"f"``, ``"m"`` or the name of a rules output.
        at
            A position in :attr:`as_of` (``0``, ``-1``) or one of the dates.

        Examples
        --------
        >>> h = segment_history([1, 2, 1], ["2024-01-05", "2024-02-03",
        ...                     "2024-02-10"], [10.0, 5.0, 7.0],
        ...                     ["2024-01-31", "2024-02-29"], bins=2)
        >>> h.classes("f", "2024-02-29").to_numpy().tolist()
        ['2', '1']
        """
        if not isinstance(column, str):
            raise ThresholdError(
                f"'column' must be one name (a str): got {type(column).__name__} "
                f"{column!r:.60}"
            )
        k = self._position(at)
        facts, scores = self.facts[k], self.scores[k]
        index = to_pandas_index(facts.customer_id, "customer_id")
        dims = {"r": ("recency", scores.r), "f": ("frequency", scores.f)}
        dims["m"] = ("monetary", scores.m)
        if column in dims:
            dim, arr = dims[column]
            bins = getattr(self.edges, dim).bins
            return _score_labels(arr, bins, index, column)
        if column in self.labels[k]:
            return attrs.evolve(self.labels[k][column], index=index, name=column)
        known = ["r", "f", "m", *self.labels[k]]
        raise ThresholdError(f"'column' must be one of {known}: got {column!r}")

    def transitions(
        self, column: str, start: Any = 0, end: Any = -1
    ) -> TransitionMatrix:
        """The :func:`transition_matrix` of *column* from date *start* to *end*
        (positions or as_of dates; default the first and the last), customers
        matched by id: those who arrived in between are ``(new)``.

        Parameters
        ----------
        column
            ``"r"``, ``"f"``, ``"m"`` or the name of a rules output.
        start, end
            Positions in :attr:`as_of` or dates.

        Examples
        --------
        >>> h = segment_history([1, 2, 1], ["2024-01-05", "2024-02-03",
        ...                     "2024-02-10"], [10.0, 5.0, 7.0],
        ...                     ["2024-01-31", "2024-02-29"], bins=2)
        >>> h.transitions("f").counts
        after    1  2  unknown  (gone)
        before
        1        0  1        0       0
        2        0  0        0       0
        unknown  0  0        0       0
        (new)    1  0        0       0
        """
        first, last = self._position(start), self._position(end)
        if first > last:  # time running backwards: arrivals would count as gone
            raise ThresholdError(
                f"'start' ({self.as_of[first]}) must not be after 'end' "
                f"({self.as_of[last]}): the earlier date comes first"
            )
        return transition_matrix(
            self.classes(column, first), self.classes(column, last)
        )

    def to_pandas(self) -> pd.DataFrame:
        """One row per customer and date: index (``as_of``, ``customer_id``),
        columns ``recency_days``, ``frequency``, ``monetary``, ``tenure_days``,
        ``r``, ``f``, ``m``, ``rfm`` (nullable: ``<NA>`` is no score) and one
        categorical column per rules output.

        ``frame.xs(date)`` is the per-customer frame at one date;
        ``frame["r"].unstack(0)`` puts the dates side by side. A date with
        no customer yet (possible with *edges* given) has no row, so it is
        not in the index (``xs`` raises ``KeyError`` for it, and ``unstack``
        gives no column); :attr:`as_of` lists every date.

        Examples
        --------
        >>> h = segment_history([1, 2, 1], ["2024-01-05", "2024-02-03",
        ...                     "2024-02-10"], [10.0, 5.0, 7.0],
        ...                     ["2024-01-31", "2024-02-29"], bins=2)
        >>> frame = h.to_pandas()
        >>> frame.xs("2024-02-29")[["frequency", "monetary", "rfm"]]
                     frequency  monetary  rfm
        customer_id
        1                    2      17.0  222
        2                    1       5.0  111
        >>> frame["f"].unstack(0)
        as_of        2024-01-31  2024-02-29
        customer_id
        1                     1           2
        2                  <NA>           1
        """
        import pandas as pd

        parts = []
        for k in range(len(self.as_of)):
            facts, scores = self.facts[k], self.scores[k]
            cols: dict[str, Any] = {
                "recency_days": facts.recency_days,
                "frequency": facts.frequency,
                "monetary": facts.monetary,
                "tenure_days": facts.tenure_days,
            }
            frame = pd.DataFrame(cols).join(scores.to_pandas().reset_index(drop=True))
            for name, lab in self.labels[k].items():
                frame[name] = lab.to_categorical()
            parts.append(frame)
        # the index is built once from the ids themselves: concatenating
        # per-date indexes would make pandas re-infer them (text that is not
        # UTF-8, such as lone surrogates, then fails as Arrow strings)
        sizes = [len(f) for f in self.facts]
        ids = to_pandas_index(
            np.concatenate([np.asarray(f.customer_id) for f in self.facts]),
            "customer_id",
        )
        out = pd.concat(parts, ignore_index=True)
        as_of = pd.DatetimeIndex(np.repeat(np.array(self.as_of), sizes), name="as_of")
        out.index = pd.MultiIndex.from_arrays([as_of, ids])
        return out

    def __repr__(self) -> str:
        notes = [
            f"{len(f):,d} customers at {d}"
            for d, f in zip(self.as_of, self.facts, strict=True)
        ]
        e = self.edges
        return _display.short_repr(
            "SegmentHistory",
            n=len(self),
            noun="dates",
            fields={
                "bins": (e.recency.bins, e.frequency.bins, e.monetary.bins),
                "rules": tuple(self.labels[0]) if self.labels else (),
            },
            notes=notes,
        )

    def _repr_html_(self) -> str:
        rows = [
            [str(d), len(f), int(np.count_nonzero(f.frequency > 0))]
            for d, f in zip(self.as_of, self.facts, strict=True)
        ]
        return _display.html_table(
            "SegmentHistory: edges fitted once, frozen",
            ["as_of", "customers", "buyers"],
            rows,
        )


def _cut_days(as_of_dates: Any, like: Any = None) -> np.ndarray:
    """The as_of dates as strictly increasing day numbers (int64); aware
    ones read in the zone of the dates *like*."""
    if isinstance(as_of_dates, np.ndarray) and as_of_dates.ndim == 0:
        as_of_dates = as_of_dates[()]  # a 0-d array: its one date
    if isinstance(as_of_dates, Mapping | set | frozenset):
        # a dict's keys, a set in no order: never the dates in order
        raise ThresholdError(
            f"'as_of_dates' must be a date or a list of dates in order: got a "
            f"{type(as_of_dates).__name__} ({v.describe(as_of_dates)}); pass "
            "sorted(...) of the dates"
        )
    if isinstance(as_of_dates, str | bytes) or not hasattr(as_of_dates, "__len__"):
        as_of_dates = [as_of_dates]
    shape = getattr(as_of_dates, "shape", None)
    if isinstance(shape, tuple) and len(shape) >= 2:
        # a DataFrame iterates its column labels (a Polars one its columns):
        # a date written as a column's name would be taken silently
        raise ThresholdError(
            "'as_of_dates' must be a date or a list of dates, not a table: got "
            f"{type(as_of_dates).__name__} of shape {tuple(shape)}; pass one "
            "column (frame['as_of'])"
        )
    try:
        items = list(as_of_dates)
    except TypeError:  # sized but not iterable
        raise ThresholdError(
            f"'as_of_dates' must be a date or a list of dates: got "
            f"{type(as_of_dates).__name__}"
        ) from None
    if not items:
        raise ThresholdError("'as_of_dates' must hold at least one date: got none")
    zone = v.zone_of(like) if like is not None else None
    days = np.array(
        [
            int(
                v.to_days(
                    np.asarray([v.as_datetime_scalar(d, "as_of_dates", like=zone)])
                )[0]
            )
            for d in items
        ],
        dtype=np.int64,
    )
    back = np.flatnonzero(np.diff(days) <= 0)
    if len(back):
        i = int(back[0]) + 1
        raise ThresholdError(
            f"'as_of_dates' must be strictly increasing: date {i} "
            f"({np.datetime64(int(days[i]), 'D')}) is not after date {i - 1} "
            f"({np.datetime64(int(days[i - 1]), 'D')})"
        )
    return days


def _check_frozen_aggregates(
    aggregates: Mapping[str, float], first: CustomerFacts
) -> None:
    """Aggregates fitted on the first date over no values (NaN) are refused,
    as edges fitted on nobody are: frozen, every comparison with them would
    be unknown at every date."""
    empty = [k for k, x in aggregates.items() if x != x]
    if empty:
        when = (
            "when no customer has bought yet"
            if not np.any(first.frequency > 0)
            else "when no customer known by then has a value it counts"
        )
        raise InputError(
            "as_of_dates",
            f"starts on {first.as_of}, {when}, so the rules' aggregate "
            f"{empty[0]!r} is over no values there"
            + (f" (and {len(empty) - 1} more)" if len(empty) > 1 else "")
            + ": fitted once on the first date and kept, it would be NaN at "
            "every date and every comparison with it unknown",
            fix="start at a later date, when the aggregate has values",
        )


def _check_given_aggregates(rules: Any, aggregates: Any) -> None:
    """The *aggregates* given to :func:`segment_history`: rules that have
    aggregates, the names they read, finite numbers (as
    :func:`custseg.segment` checks them)."""
    if rules is None:
        raise ThresholdError(
            "'aggregates' needs rules (rules=): they are the values of the "
            "rules' aggregates"
        )
    check = getattr(rules, "_fixed_aggregates", None)
    if not callable(getattr(rules, "aggregates", None)) or not callable(check):
        raise ThresholdError(
            f"'aggregates' needs rules that have aggregates (a RuleSet): got "
            f"{type(rules).__name__}, evaluated as it is"
        )
    for key, value in check(aggregates).items():
        if not math.isfinite(value):
            raise InputError(
                "aggregates",
                f"has {v.describe(value)} for {key!r}, not a finite number: "
                "every comparison with it would go one way at every date",
                fix="pass the values RuleSet.aggregates(data) or "
                "result.aggregates gives, or leave aggregates= out to fit "
                "them on the first date",
            )


def segment_history(
    customer_id: Any,
    date: Any,
    amount: Any,
    as_of_dates: Any,
    *,
    edges: RfmEdges | None = None,
    rules: Any = None,
    bins: int | tuple[int, int, int] | None = None,
    zero_amount: Literal["purchase", "ignore"] = "purchase",
    order_id: Any = None,
    frequency: Literal["transactions", "days"] = "transactions",
    aggregates: Mapping[str, float] | None = None,
) -> SegmentHistory:
    """Facts, RFM scores and rule labels at each of *as_of_dates*, on one scale.

    At each date ``d`` the customers are summarised as
    ``summarize(customer_id, date, amount, as_of=d, after_as_of="drop")``
    would (transactions after ``d`` are not yet known), but in one pass over
    the transactions sorted once by date: the per-customer counts, sums and
    last purchase are carried from one date to the next. The RFM edges are
    fitted once, on the first date (or given), and applied unchanged at every
    date, so a customer whose facts do not change keeps their scores and a
    move between classes is a move of the customer, not of the scale.

    Parameters
    ----------
    customer_id, date, amount
        The transactions, as for :func:`~custseg.summarize`.
    as_of_dates
        The dates to label the customers at, strictly increasing (e.g.
        month ends). Each is a reference day: its transactions count. One
        date or a sequence of them (a list, an array, one column); a
        DataFrame is a :class:`~custseg.errors.ThresholdError` (it would
        iterate its column names).
    edges
        :class:`~custseg.RfmEdges` to apply at every date (fixed business
        edges, or those of an earlier run). Default: quantile edges fitted on
        the buyers at the first date, with *bins* scores per dimension.
        Edges given win over the fixed ``[scores]`` edges of *rules*, as in
        :func:`custseg.segment`; where they differ, a
        :class:`~custseg.errors.CustsegWarning` (kept in ``.diagnostics``)
        names the dimension and both cuts.
    rules
        Anything with an ``evaluate(data)`` method, such as a
        :class:`custseg.rules.RuleSet` (``custseg.rules.load("ecommerce")``):
        it is evaluated at each date on ``[facts, scores]`` and its labels are
        kept. Without *edges*, its ``[scores]`` are used as
        :func:`custseg.segment` uses them: fixed edges as they are, the
        other dimensions fitted with the file's ``bins``. The values of its
        aggregates (``mean(frequency)`` in the presets' ``rfm8``) are fitted
        once, on the first date, and used at every date, as the edges are
        (for a RuleSet; other objects are evaluated as they are): one over
        no values on the first date (no customer has bought yet, even with
        *edges* given) is an error. An output
        named like a column of :meth:`SegmentHistory.to_pandas` (a fact, a
        score, ``as_of``, ``customer_id``) is an error. No customer records
        are read: outputs whose rules read a records field (the presets'
        ``status_crm``) are left out, as :func:`custseg.segment` leaves
        them out without ``records=``.
    bins
        Quantile scores per dimension when the edges are fitted: one count
        or ``(recency, frequency, monetary)``. Default: the rules'
        ``[scores]`` bins, else 5. Giving *bins* overrides the rules' bins
        (never their fixed edges); scores out of the range the rules declare
        for ``r``, ``f`` or ``m`` are an error, as in :func:`custseg.segment`.
        With *edges*, which carry their own bins, *bins* may only repeat
        them (other bins would be ignored: a
        :class:`~custseg.ThresholdError`, as in :func:`custseg.segment`).
    zero_amount
        As for :func:`~custseg.summarize`.
    order_id
        The order of each row, when the rows are order lines (one per
        product of a basket): as for :func:`~custseg.summarize`, the lines
        of one customer and order id are one transaction, dated by its
        earliest line, its amount their sum. At each date the order is made
        of its lines up to that date, so the facts equal
        ``summarize(..., as_of=d, after_as_of="drop", order_id=...)``;
        ``n_rows`` counts orders and ``n_dropped`` lines. When no order has
        lines on both sides of a date (the usual case) the orders are
        collapsed once and carried; otherwise each date is summarised on
        its own (one pass over the lines per date).
    frequency
        As for :func:`~custseg.summarize`: ``"transactions"`` (default;
        ``"rows"`` is the same) counts purchase rows (orders, with
        *order_id*), ``"days"`` distinct days with a purchase. Give the
        ``frequency`` of the run whose *edges* or *rules* you pass
        (``first.settings["frequency"]``): edges fitted on purchase days
        applied to counts of rows would score customers higher than the
        run they came from.
    aggregates
        Values of the rules' aggregates to use at every date instead of
        fitting them on the first date: those of an earlier run
        (``result.aggregates`` of :func:`custseg.segment`), so that the
        history labels as ``result.apply(...)`` would at each date. Finite
        numbers, by the names :meth:`custseg.rules.RuleSet.aggregates`
        gives; needs *rules* that have aggregates (a RuleSet).

    Returns
    -------
    SegmentHistory
        ``.facts``, ``.scores`` and ``.labels`` per date, ``.edges``;
        ``.to_pandas()`` gives the long frame (one row per customer and
        date), ``.transitions(column)`` a :class:`TransitionMatrix`.

    Raises
    ------
    InputError
        Bad transactions (as :func:`~custseg.summarize`); no purchase on or
        before the first date to fit edges on; a rules aggregate over no
        values on the first date (it would be kept as NaN); a rules output
        named like a column of the history; *aggregates* the rules do not
        read, or not finite numbers.
    ThresholdError
        Dates not strictly increasing, or in a dict or a set; bad *edges*,
        *bins* or *frequency*; *bins* other than those of the *edges*
        given; scores out of the range the rules declare; *aggregates*
        without rules that have aggregates.

    Notes
    -----
    ``frequency`` counts purchase rows (``summarize``'s default), or with
    ``frequency="days"`` purchase days, at each date as ``summarize`` does.
    ``monetary`` is at each date what ``summarize`` gives on the rows up
    to that date (each customer's own amounts deciding: decimals summed
    exactly as decimals, others exactly in binary), whatever the row order.

    Examples
    --------
    >>> h = segment_history(
    ...     ["a", "b", "a", "c", "b"],
    ...     ["2024-01-03", "2024-01-20", "2024-02-05", "2024-02-20", "2024-03-01"],
    ...     [50.0, 20.0, 80.0, 10.0, 30.0],
    ...     ["2024-01-31", "2024-02-29", "2024-03-31"], bins=2)
    >>> h.edges.frequency.cuts, h.edges.monetary.cuts
    ((1.0,), (35.0,))
    >>> h.to_pandas()[["frequency", "monetary", "r", "f", "m"]]
                            frequency  monetary  r  f  m
    as_of      customer_id
    2024-01-31 a                    1      50.0  1  1  2
               b                    1      20.0  2  1  1
    2024-02-29 a                    2     130.0  1  2  2
               b                    1      20.0  1  1  1
               c                    1      10.0  2  1  1
    2024-03-31 a                    2     130.0  1  2  2
               b                    2      50.0  1  2  2
               c                    1      10.0  1  1  1
    """
    v.choice(zero_amount, "zero_amount", ("purchase", "ignore"))
    if isinstance(frequency, str) and str(frequency) == "rows":
        frequency = "transactions"  # the command line's name for it
    v.choice(frequency, "frequency", ("transactions", "days"))
    if edges is not None and not isinstance(edges, RfmEdges):
        raise ThresholdError(f"'edges' must be an RfmEdges: got {type(edges).__name__}")
    if rules is not None and not callable(getattr(rules, "evaluate", None)):
        raise ThresholdError(
            f"'rules' must have an evaluate(data) method (a RuleSet): got "
            f"{type(rules).__name__}"
        )
    if aggregates is not None:  # given values: checked before the work
        _check_given_aggregates(rules, aggregates)
    if bins is not None and edges is None:
        _given_bins(bins)  # a bad bin count fails before the work
    elif bins is not None and edges is not None:
        check_bins_of(bins, edges)  # the edges carry their bins: only those
    # outputs that would replace a column of the history: before the work
    _check_output_names(getattr(rules, "outputs", None) or ())
    fields = ("customer_id", "date", "amount")
    if amount is None:
        raise InputError(
            "amount",
            "is required: RFM scores and segments need the amount of each row",
            fix="pass the amount column (0 for rows without one)",
        )
    if order_id is not None:
        common_index(
            customer_id=customer_id, date=date, amount=amount, order_id=order_id
        )
    ids, dates, amounts = _coerce_rows(customer_id, date, amount, fields)
    assert amounts is not None
    zone = v.zone_of(date)
    days = _cut_days(as_of_dates, zone)
    per_day = _day_ticks(dates)
    ticks = dates.view(np.int64)
    dropped = None  # the lines after each date, when the rows are orders
    line_money = None  # the lines monetary is summed from (see _orders_by_date)
    all_facts: list[CustomerFacts] | None = None
    if order_id is not None:
        orders = order_values(order_id, len(ticks), "order_id", "date")
        by_date = _orders_by_date(ids, orders, ticks, amounts, days, per_day)
        del orders
        if by_date is None:  # an order with lines on both sides of a date
            all_facts = [
                _summarize(
                    customer_id,
                    date,
                    amount,
                    as_of=np.datetime64(day, "D"),
                    after_as_of="drop",
                    frequency=frequency,
                    zero_amount=zero_amount,
                    order_id=order_id,
                    command_line=False,  # no command runs segment_history
                )
                for day in days.tolist()
            ]
        else:
            ids, ticks, amounts, dropped, line_money = by_date
    if all_facts is None:
        all_facts = _carried_facts(
            ids,
            ticks,
            amounts,
            dates.dtype,
            days,
            per_day,
            zero_amount,
            dropped,
            line_money,
            frequency,
        )
    diagnostics: tuple[str, ...] = ()
    fit = edges is None
    if edges is None:
        first = all_facts[0]
        if not np.any(first.frequency > 0):
            raise InputError(
                "as_of_dates",
                f"starts on {first.as_of}, when no customer has bought yet, so "
                "there is nothing to fit RFM edges on",
                fix="start at a later date, or pass edges=",
            )
        fitted = first.rfm_scores(bins=rules_bins(bins, rules))
        edges, diagnostics = fitted.edges, fitted.diagnostics
        # a rules file's fixed [scores] edges win, as in custseg.segment
        specs = getattr(rules, "scores", None) or {}
        fixed = {
            k: spec.edges
            for k, spec in specs.items()
            if getattr(spec, "edges", None) is not None
        }
        if fixed:
            edges = RfmEdges(
                *(
                    ScoreEdges(fixed[k]) if k in fixed else getattr(edges, dim)
                    for k, dim in (
                        ("r", "recency"),
                        ("f", "frequency"),
                        ("m", "monetary"),
                    )
                )
            )
    else:
        diagnostics = _replaced_edges_notes(rules, edges)
    if rules is not None:  # (bins given with edges= are the edges')
        check_scores_fit(rules, edges, bins if fit else None)
    all_scores = tuple(f.rfm_scores(edges=edges) for f in all_facts)
    # the rules' aggregates (mean(frequency), ...) fitted once on the first
    # date, as the edges: a threshold that moved with the base would move
    # customers whose behaviour did not change
    fit_aggregates = getattr(rules, "aggregates", None)
    frozen: dict[str, float] = {}
    if callable(fit_aggregates) and aggregates is not None:
        frozen = dict(aggregates)  # an earlier run's, as given
    elif callable(fit_aggregates):
        frozen = dict(fit_aggregates([all_facts[0], all_scores[0]]))
        _check_frozen_aggregates(frozen, all_facts[0])
    all_labels: list[dict[str, Labels]] = []
    for f, s in zip(all_facts, all_scores, strict=True):
        if rules is None:
            all_labels.append({})
            continue
        # the edges replaced are said once, by the diagnostics above
        evaluate = getattr(rules, "_evaluate_data", rules.evaluate)
        if callable(fit_aggregates):
            result = evaluate([f, s], aggregates=frozen)
        else:
            result = evaluate([f, s])
        labels = _rule_labels(result)
        _check_output_names(labels)
        all_labels.append(labels)
    return SegmentHistory(
        as_of=tuple(f.as_of for f in all_facts),
        facts=tuple(all_facts),
        scores=all_scores,
        labels=tuple(all_labels),
        edges=edges,
        diagnostics=diagnostics,
        zone=zone,
        aggregates=frozen,
    )


def _day_ends(days: np.ndarray, per_day: int) -> np.ndarray:
    """The tick at which each of *days* ends (``(day + 1) * per_day``),
    saturated at int64's ends: a day before or after what the dates' unit
    holds (1000-01-01 in nanoseconds) ends before or after every tick,
    never at a wrapped tick of another century.

    >>> ns = 86_400 * 10**9
    >>> _day_ends(np.array([-1, -(2**62)]), ns).tolist() == [0, -(2**63)]
    True
    """
    d = np.asarray(days, dtype=np.int64) + 1
    lo, hi = _I64_MIN // per_day + 1, np.iinfo(np.int64).max // per_day
    out = np.clip(d, lo, hi) * per_day
    out[d < lo] = _I64_MIN
    out[d > hi] = np.iinfo(np.int64).max
    return out


def _carried_facts(
    ids: Any,
    ticks: np.ndarray,
    amounts: np.ndarray,
    unit: np.dtype[Any],
    days: np.ndarray,
    per_day: int,
    zero_amount: str,
    dropped: np.ndarray | None,
    line_money: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    frequency: str = "transactions",
) -> list[CustomerFacts]:
    """The facts of :func:`segment_history` at each of *days*: the rows
    (transactions, or orders) sorted by date once, the per-customer
    aggregates carried from one date to the next. *dropped*: the rows
    after each date to report, when not those of *ticks* (lines, for
    orders). *line_money*: for orders whose *amounts* are only their signs,
    ``(order of each line, its amount, the date it is first seen at)``:
    monetary is then summed from the lines seen by each date. *frequency*
    ``"days"`` counts distinct purchase days: the rows between two dates
    are whole days (each date ends a day), so a day's purchases are all
    counted at the first date that sees them."""
    groups = _group_ids(ids, "customer_id")
    codes = groups.codes
    running: RunningSums | None = None
    if line_money is not None:  # the lines' customers, in the order of dates
        line_order, line_amounts, line_seen = line_money
        by_date = np.argsort(line_seen, kind="stable")
        line_codes = codes[line_order][by_date]
        line_amounts = line_amounts[by_date]
        line_bounds = np.cumsum(np.bincount(line_seen, minlength=len(days)))
        del line_order, line_seen, by_date
    if len(ticks) > 1 and not bool(np.all(ticks[1:] >= ticks[:-1])):
        order = np.argsort(ticks, kind="stable")  # the one sort
        ticks, codes, amounts = ticks[order], codes[order], amounts[order]
    bounds = np.searchsorted(ticks, _day_ends(days, per_day), side="left")
    end = int(bounds[-1])
    # decimal amounts are added as exact integers (see custseg._exact): the
    # same sums as summarize's at each date, whatever the row order
    scale = decimal_scale(amounts[:end]) if line_money is None else None
    # amounts of no decimal scale (and the lines of orders): each date's
    # sums are mixed_sums of the rows up to it, as summarize sums them,
    # carried date by date in one pass (RunningSums), or else (amounts
    # spanning too many binary places) summed again at each date
    carried: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    if line_money is not None:
        carried = (line_amounts, line_codes, line_bounds)
    elif scale is None:
        carried = (amounts.astype(np.float64, copy=False), codes, bounds)
    # the checks summarize makes, once, on everything the last date sees
    # (those of carried sums on the last date's, in the loop)
    if line_money is None and (scale is not None or amounts.dtype.kind != "f"):
        groups.total(amounts[:end], codes[:end], field="amount", scale=scale)
    if carried is not None:
        money_rows, money_codes, money_bounds = carried
        seen = int(money_bounds[-1])
        running = RunningSums.for_values(money_rows[:seen], groups.size)
        if running is None:
            last_money = mixed_sums(money_rows[:seen], money_codes[:seen], groups.size)
            groups.summed(last_money.copy(), "amount")
    purchase = amounts > 0 if zero_amount == "ignore" else amounts >= 0
    first_slot = groups.minimum_slots(
        ticks[:end][purchase[:end]], codes[:end][purchase[:end]]
    )
    if end:
        lowest = int(first_slot.min())
        if lowest != np.iinfo(np.int64).max:
            _check_day_span(
                ticks[:end],
                per_day,
                int(days[-1]),
                "date",
                "as_of",
                lowest=lowest,
                among=lambda: purchase[:end],
            )
    size = groups.size
    n_rows = np.zeros(size, dtype=np.int64)
    freq = np.zeros(size, dtype=np.int64)
    money = np.zeros(size, dtype=np.float64)
    last = np.full(size, _I64_MIN, dtype=np.int64)
    # slot -> position in groups.ids, when some slots are not customers
    id_pos = None if groups.keep is None else np.cumsum(groups.keep) - 1
    all_facts: list[CustomerFacts] = []
    start = start_line = 0
    for i, (day, stop) in enumerate(zip(days.tolist(), bounds.tolist(), strict=True)):
        c, t, a, p = (
            codes[start:stop],
            ticks[start:stop],
            amounts[start:stop],
            purchase[start:stop],
        )
        n_rows += np.bincount(c, minlength=size)
        # decimal amounts (every row up to the last date) added onto the
        # running sums as exact integers of their last place; others as
        # summarize sums them (each customer's own amounts deciding:
        # mixed_sums, carried), the same sums as summarize(as_of=day)
        # whatever the row order
        if carried is not None:  # the rows (or lines) seen by this date
            seen = int(money_bounds[i])
            if running is not None:
                running.add(money_rows[start_line:seen], money_codes[start_line:seen])
                money = running.sums()
                if i == len(days) - 1:  # what summarize checks
                    groups.summed(money.copy(), "amount")
            elif seen == int(money_bounds[-1]):
                money = last_money
            else:
                money = mixed_sums(money_rows[:seen], money_codes[:seen], size)
            start_line = seen
        else:
            assert scale is not None
            np.add.at(money, c, np.rint(a * scale))
        pc, pt = c[p], t[p]
        if frequency == "days":  # this slice's days are no other slice's
            freq += _distinct_counts(pc, values=pt, size=size, per=per_day)
        else:
            freq += np.bincount(pc, minlength=size)
        np.maximum.at(last, pc, pt)
        start = stop
        # the slots of the customers known by now, ascending (= by id); one
        # gather per array (a slot without rows is never known)
        sel = np.flatnonzero(n_rows)
        f_k, last_k, first_k = freq[sel], last[sel], first_slot[sel]
        none = f_k == 0
        first_k[none] = _I64_MIN
        recency = (day - np.floor_divide(last_k, per_day)).astype(np.float64)
        tenure = (day - np.floor_divide(first_k, per_day)).astype(np.float64)
        recency[none] = np.nan
        tenure[none] = np.nan
        all_facts.append(
            CustomerFacts(
                customer_id=groups.ids[sel if id_pos is None else id_pos[sel]],
                recency_days=recency,
                frequency=f_k,
                monetary=money[sel] if scale is None else money[sel] / scale,
                first_purchase=first_k.view(unit),
                last_purchase=last_k.view(unit),
                tenure_days=tenure,
                as_of=np.datetime64(day, "D"),
                n_rows=stop,
                n_dropped=len(ticks) - stop if dropped is None else int(dropped[i]),
            )
        )
    return all_facts


def _orders_by_date(
    ids: Any,
    orders: Any,
    ticks: np.ndarray,
    amounts: np.ndarray,
    days: np.ndarray,
    per_day: int,
) -> (
    tuple[
        Any,
        np.ndarray,
        np.ndarray,
        np.ndarray,
        tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    ]
    | None
):
    """Order lines up to the last of *days* collapsed into orders (see
    :func:`custseg.orders.collapse`): ``(customer ids, ticks, amounts,
    lines after each date, line money)``, or None when an order has lines
    on both sides of one of the dates (it is then a different order at
    each). For amounts of many digits (``1/3``: the customers' sums are
    those of the lines, not of the orders' rounded sums) the orders'
    amounts are their exact signs (:func:`custseg._exact.order_sums`) and
    *line money* is ``(order of each line, its amount, the date it is
    first seen at)`` for :func:`_carried_facts` (None otherwise); None
    when the signs are past ``order_sums``' bounds."""
    many_digits = amounts.dtype.kind == "f" and decimal_scale(amounts) is None
    n = len(ticks)
    # the first date each line is seen at (len(days): after the last)
    seen_at = np.searchsorted(_day_ends(days, per_day), ticks, side="right")
    seen = seen_at < len(days)
    if not seen.all():
        ids, orders, ticks, amounts, seen_at = (
            take(x, seen) for x in (ids, orders, ticks, amounts, seen_at)
        )
    fields = ("customer_id", "order_id")
    # an error about a line names its row of the input
    kept = rows_of(lambda: np.flatnonzero(seen))
    lines = kept(partial(order_lines, ids, orders, fields))
    if not np.array_equal(seen_at[lines.rows][lines.line], seen_at):
        return None
    line_money = None
    if many_digits:
        n_orders = len(lines.rows)
        both = order_sums(
            amounts, lines.line, n_orders, np.zeros(n_orders, dtype=np.intp), 1
        )
        if both is None:
            return None
        line_money = (lines.line, amounts, seen_at)
        ticks, amounts = order_earliest(lines, ticks), both[0]
    else:
        ticks, amounts = kept(
            partial(order_totals, lines, ticks, amounts, orders, "amount")
        )
    dropped = n - np.cumsum(np.bincount(seen_at, minlength=len(days)))
    return take(ids, lines.rows), ticks, amounts, dropped, line_money
