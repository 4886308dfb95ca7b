"""RFM scores: fit quantile edges on a customer base, then score against them.

The tie rule
------------
Edges are the ``k / bins`` quantiles of the values under Hyndman & Fan's
definition 2 (NumPy's ``method="averaged_inverted_cdf"``): the value at sorted
position ``k * n / bins``, or the midpoint of the two values around it when that
position falls between two rows. A value earns one score step for every edge it
is *strictly better than*: ``score = 1 + #{edges e : x > e}`` when higher is
better, ``1 + #{edges e : x < e}`` when lower is better (recency).

So equal values always share a score, the score never depends on row order,
it is monotone in the value, and a tied block that straddles an edge falls to
the lower score. The top of the scale is never over-filled: at most ``1/bins`` of the base
gets the top score, at most ``2/bins`` the top two, and so on (a single
middle score can still hold more than its share when a tied block falls into
it). With 60% one-time buyers, all of them get F = 1 and the scale keeps its
meaning (F = 5 is still "top fifth"); the scores that no value can reach are
listed by :meth:`ScoreEdges.empty_scores` rather than the scale silently
shrinking.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import RESULT_INDEX, common_index, fresh_index, own_index, to_pandas
from ._bins import edges_below
from .errors import InputError, ThresholdError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "RfmEdges",
    "RfmScores",
    "ScoreEdges",
    "quantile_edges",
    "rfm_edges",
    "rfm_scores",
    "score",
]

MAX_BINS = 99
NanScore = Literal["raise", "unknown"]


def _check_cuts(instance: ScoreEdges, attribute: Any, cuts: tuple[float, ...]) -> None:
    if len(cuts) < 1 or len(cuts) > MAX_BINS - 1:
        raise ThresholdError(
            f"'cuts' must hold between 1 and {MAX_BINS - 1} edges "
            f"(2 to {MAX_BINS} bins): got {len(cuts)}"
        )
    for i, c in enumerate(cuts):
        if not np.isfinite(c):
            raise ThresholdError(f"'cuts[{i}]' must be a finite number: got {c}")
        if i and c < cuts[i - 1]:
            raise ThresholdError(
                f"'cuts[{i}]' must be >= 'cuts[{i - 1}]' ({cuts[i - 1]}): got {c}"
            )


def _midpoint(a: float, b: float, higher_is_better: bool = True) -> float:
    """(a + b) / 2 for a <= b, correctly rounded, without overflow or
    underflow; strictly between *a* and *b* as the scores compare it: the
    midpoint of two adjacent doubles rounds onto one of them, and *b* must
    pass the edge when higher is better (*a* when lower is), so it is then
    the double next to that value, on the other's side.

    >>> _midpoint(0.3, 0.30000000000000004), _midpoint(1.0, 1.0000000000000002, False)
    (0.3, 1.0000000000000002)
    >>> _midpoint(1.0, 3.0), _midpoint(2.0, 2.0)
    (2.0, 2.0)
    """
    if a == b:
        return a
    mid = (a + b) / 2
    if not math.isfinite(mid):  # a + b beyond the float range
        mid = a / 2 + b / 2
    mid = min(max(mid, a), b)
    if higher_is_better and mid == b:  # b must be above it
        return math.nextafter(b, -math.inf)
    if not higher_is_better and mid == a:  # a must be below it
        return math.nextafter(a, math.inf)
    return mid


def _to_float_tuple(values: Any) -> tuple[float, ...]:
    return v.number_tuple_param(values, "cuts")


@attrs.frozen
class ScoreEdges:
    """Edges that turn values into scores ``1 .. bins``.

    Fit them with :func:`quantile_edges` or give them yourself (fixed business
    thresholds). ``len(cuts) == bins - 1``; cuts must be non-decreasing (equal
    cuts leave the score between them empty).

    Parameters
    ----------
    cuts
        The edges, ascending.

    Examples
    --------
    >>> edges = ScoreEdges((1, 2, 4, 8))
    >>> edges.bins
    5
    >>> score([1, 2, 3, 9], edges).tolist()
    [1, 2, 3, 5]
    >>> ScoreEdges((3, 2))
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'cuts[1]' must be >= 'cuts[0]' (3.0): got 2.0
    """

    cuts: tuple[float, ...] = attrs.field(
        converter=_to_float_tuple, validator=_check_cuts
    )

    @property
    def bins(self) -> int:
        """Number of scores (``len(cuts) + 1``)."""
        return len(self.cuts) + 1

    def empty_scores(self, *, higher_is_better: bool = True) -> tuple[int, ...]:
        """Scores no value can receive: those between two equal cuts.

        Which scores they are depends on the direction: when lower is better
        (recency) the scale is mirrored.

        Parameters
        ----------
        higher_is_better
            ``False`` for recency: the scale is mirrored.

        Examples
        --------
        >>> ScoreEdges((1, 1, 1, 3)).empty_scores()
        (2, 3)
        >>> ScoreEdges((1, 1, 1, 3)).empty_scores(higher_is_better=False)
        (3, 4)
        """
        up = [
            i + 2 for i in range(len(self.cuts) - 1) if self.cuts[i] == self.cuts[i + 1]
        ]
        if v.flag_param(higher_is_better, "higher_is_better"):
            return tuple(up)
        return tuple(sorted(self.bins + 1 - s for s in up))

    def _repr_html_(self) -> str:
        """The values each score holds, as :func:`score` gives it, higher
        values better (F, M) and lower better (recency); a score no value
        can get (between equal cuts) is marked empty.

        >>> import html, re
        >>> page = ScoreEdges((1, 2, 4, 8))._repr_html_()
        >>> cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", page)]
        >>> cells[3:6]
        ['2', '> 1, ≤ 2', '≥ 4, < 8']
        """
        cuts = list(self.cuts)
        up = _display.score_ranges(cuts, self.bins, True)
        down = _display.score_ranges(cuts, self.bins, False)
        empty_up = set(self.empty_scores())
        empty_down = set(self.empty_scores(higher_is_better=False))
        rows = [
            [
                f"{s}",
                "empty (equal cuts)" if s in empty_up else up[s - 1],
                "empty (equal cuts)" if s in empty_down else down[s - 1],
            ]
            for s in range(1, self.bins + 1)
        ]
        return _display.html_table(
            f"ScoreEdges: {self.bins} scores",
            ["score", "values (higher is better)", "values (lower is better)"],
            rows,
        )


def _check_bins(bins: Any) -> int:
    if not v.is_int(bins) or not (2 <= bins <= MAX_BINS):
        raise ThresholdError(
            f"'bins' must be an integer in [2, {MAX_BINS}]: got {v.describe(bins)}"
        )
    return int(bins)


def quantile_edges(
    x: Any,
    bins: int = 5,
    *,
    nan: Literal["raise", "ignore"] = "raise",
) -> ScoreEdges:
    """Fit *bins* - 1 quantile edges on the values *x*.

    Edge ``k`` is the ``k / bins`` quantile by Hyndman & Fan's definition 2
    (NumPy's ``averaged_inverted_cdf``), computed with exact integer positions
    and ``np.partition`` (no full sort). See the module notes for the tie rule.

    Parameters
    ----------
    x
        The values (one per customer).
    bins
        Number of scores, in [2, 99].
    nan
        ``"raise"`` (default) refuses NaN; ``"ignore"`` fits on the other values.

    Returns
    -------
    ScoreEdges
        The ``bins - 1`` edges, ascending (equal edges where a tied block
        spans several quantiles); apply them with :func:`score`.

    Examples
    --------
    >>> quantile_edges([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]).cuts
    (25.0, 45.0, 65.0, 85.0)

    Heavily tied data keeps the scale; the tied block gets the lowest score:

    >>> freq = [1] * 6 + [2, 2, 3, 7]
    >>> edges = quantile_edges(freq)
    >>> edges.cuts, edges.empty_scores()
    ((1.0, 1.0, 1.5, 2.5), (2,))
    >>> score(freq, edges).tolist()
    [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    """
    return _quantile_edges(x, bins, nan=nan, field="x")


def _quantile_edges(
    x: Any,
    bins: int = 5,
    *,
    nan: Literal["raise", "ignore"] = "raise",
    field: str = "x",
    higher_is_better: bool = True,
) -> ScoreEdges:
    """Implementation of :func:`quantile_edges` with the field name for
    errors. The values are fitted as :func:`score` compares them with the
    cuts (:func:`custseg._validate.exact_doubles`): a decimal or big integer
    no double holds as the smallest double at or above it when higher is
    better (a score passes a cut when strictly above it), the largest at
    or below it otherwise (passed when strictly below)."""
    v.choice(nan, "nan", ("raise", "ignore"))
    bins = _check_bins(bins)
    arr = v.as_numeric(x, field, nan="allow" if nan == "ignore" else "raise")
    arr = v.exact_doubles(x, arr, "ceil" if higher_is_better else "floor")
    if nan == "ignore" and arr.dtype.kind == "f":
        arr = arr[~np.isnan(arr)]
    n = len(arr)
    if n == 0:
        raise InputError(
            field,
            "has no values to fit quantile edges on",
            fix="pass at least one non-missing value",
        )
    # Sorted position k*n/bins (1-based): on a row (exact) -> midpoint of rows
    # j-1 and j (0-based); between rows -> row floor(k*n/bins). Integer arithmetic
    # only, so no float rounding decides which case applies.
    exact = [(k * n) % bins == 0 for k in range(1, bins)]
    rows = [(k * n) // bins for k in range(1, bins)]
    wanted = sorted(
        set(rows) | {j - 1 for j, ex in zip(rows, exact, strict=True) if ex}
    )
    part = np.partition(arr, wanted)
    cuts = [
        _midpoint(float(part[j - 1]), float(part[j]), higher_is_better)
        if ex
        else float(part[j])
        for j, ex in zip(rows, exact, strict=True)
    ]
    # -0.0 and 0.0 are equal values that sort in either order: one zero cut
    return ScoreEdges(tuple(c + 0.0 for c in cuts))


def score(
    x: Any,
    edges: ScoreEdges,
    *,
    higher_is_better: bool = True,
    nan: NanScore = "raise",
) -> np.ndarray | pd.Series:
    """Score values against *edges*: ``1 .. edges.bins``, higher = better.

    ``1 + #{cuts c : x > c}`` when *higher_is_better*, else
    ``1 + #{cuts c : x < c}``; a value equal to a cut does not pass it.
    Values are compared with the cuts exactly: a :class:`~decimal.Decimal`
    (or an ``int64`` beyond 2**53) that float64 rounds onto a cut stays on
    its own side of it, and a ``float32`` value equal to a ``float32`` cut
    is equal to it (both are read as the decimals they print as).

    Parameters
    ----------
    x
        The values.
    edges
        From :func:`quantile_edges` or given directly.
    higher_is_better
        ``False`` for recency (fewer days since the last purchase is better).
    nan
        ``"raise"`` (default) or ``"unknown"``: NaN gets the explicit score 0.

    Returns
    -------
    numpy.ndarray or pandas.Series
        ``int8`` scores; for a pandas Series, a Series on its index (nullable
        ``Int8``, with ``<NA>`` for an unknown score instead of 0).

    Examples
    --------
    >>> edges = ScoreEdges((30, 60, 90, 180))
    >>> score([5, 30, 31, 400], edges, higher_is_better=False).tolist()
    [5, 4, 4, 1]
    >>> score([5.0, float("nan")], edges, higher_is_better=False, nan="unknown").tolist()
    [5, 0]
    >>> from decimal import Decimal
    >>> score([Decimal("30.0000000000000000001"), Decimal("30")], edges).tolist()
    [2, 1]
    """
    out = _score(x, edges, higher_is_better=higher_is_better, nan=nan, field="x")
    index = common_index(x=x)
    if index is None:
        return out
    return to_pandas(out, index, getattr(x, "name", None), missing=out == 0)


def _score(
    x: Any,
    edges: ScoreEdges,
    *,
    higher_is_better: bool = True,
    nan: NanScore = "raise",
    field: str = "x",
) -> np.ndarray:
    """Implementation of :func:`score` with the field name for errors.

    Decimals and big integers that float64 rounds onto a cut are compared
    with it exactly (:func:`exact_sides <custseg._validate.exact_sides>`),
    as :func:`_quantile_edges` fitted them."""
    if not isinstance(edges, ScoreEdges):
        raise ThresholdError(
            f"'edges' must be a ScoreEdges: got {type(edges).__name__}"
        )
    v.choice(nan, "nan", ("raise", "unknown"))
    higher_is_better = v.flag_param(higher_is_better, "higher_is_better")
    arr = v.as_numeric(
        x, field, nan="allow" if nan == "unknown" else "raise", allow_inf=True
    )
    # strictly above (or below) a cut to pass it
    arr = v.exact_sides(
        x, arr, edges.cuts, move="up" if higher_is_better else "down", field=field
    )
    if higher_is_better:
        passed = edges_below(arr, edges.cuts, inclusive=False)
    else:
        # cuts strictly above x = all cuts minus those at or below x
        passed = len(edges.cuts) - edges_below(arr, edges.cuts, inclusive=True)
    out = (passed + 1).astype(np.int8)
    if nan == "unknown" and arr.dtype.kind == "f":
        out[np.isnan(arr)] = 0
    return out


def _is_score_edges(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, ScoreEdges):
        raise ThresholdError(
            f"{attribute.name!r} must be a ScoreEdges: got {type(value).__name__}"
        )


@attrs.frozen
class RfmEdges:
    """Edges for the three RFM dimensions, reusable across periods.

    Parameters
    ----------
    recency
        :class:`ScoreEdges` in days since the last purchase (fewer is better).
    frequency
        :class:`ScoreEdges` for the number of purchases.
    monetary
        :class:`ScoreEdges` for the value.

    Examples
    --------
    >>> e = RfmEdges(recency=ScoreEdges((30, 90)), frequency=ScoreEdges((1, 3)),
    ...              monetary=ScoreEdges((100, 500)))
    >>> e.bins
    3

    The dimensions may have different numbers of scores (as R's
    ``recency_bins``, ``frequency_bins``, ``monetary_bins``):

    >>> RfmEdges(ScoreEdges((30, 90, 180, 365)), ScoreEdges((1, 3)),
    ...          ScoreEdges((100, 500))).recency.bins
    5
    """

    recency: ScoreEdges = attrs.field(validator=_is_score_edges)
    frequency: ScoreEdges = attrs.field(validator=_is_score_edges)
    monetary: ScoreEdges = attrs.field(validator=_is_score_edges)

    @property
    def bins(self) -> int:
        """The largest number of scores of the three dimensions (each
        dimension's own is ``recency.bins`` and so on)."""
        return max(self.recency.bins, self.frequency.bins, self.monetary.bins)

    def _repr_html_(self) -> str:
        dims = {
            "recency": self.recency,
            "frequency": self.frequency,
            "monetary": self.monetary,
        }
        return _display.html_table(
            "RfmEdges: cuts between scores",
            ["dimension", "scores", "cuts"],
            [[k, e.bins, _display.format_value(e.cuts)] for k, e in dims.items()],
        )


def _bins_per_dimension(bins: Any) -> tuple[int, int, int]:
    """*bins* as (recency, frequency, monetary) counts, each checked."""
    if isinstance(bins, tuple | list):
        if len(bins) != 3:
            raise ThresholdError(
                "'bins' must be one integer or three (recency, frequency, "
                f"monetary): got {v.describe(bins)}"
            )
        r, f, m = (_check_bins(b) for b in bins)
        return r, f, m
    b = _check_bins(bins)
    return b, b, b


def _given_bins(bins: Any) -> tuple[int | None, int | None, int | None]:
    """*bins* as (recency, frequency, monetary) counts, each checked, None
    for a dimension not given (*bins* None, or None in the tuple): there the
    rules' ``[scores]`` count applies, else 5."""
    if bins is None:
        return None, None, None
    if isinstance(bins, tuple | list) and len(bins) == 3:
        r, f, m = (None if b is None else _check_bins(b) for b in bins)
        return r, f, m
    return _bins_per_dimension(bins)


def rules_bins(bins: Any, rules: Any) -> tuple[int, int, int]:
    """Quantile scores per dimension: *bins* (one count, or three with None
    for "not given"), else the *rules*' ``[scores]`` count for that
    dimension, else 5 (as :func:`custseg.segment` counts them)."""
    specs = getattr(rules, "scores", None) or {}
    r, f, m = (
        b if b is not None else int(getattr(specs.get(key), "bins", None) or 5)
        for b, key in zip(_given_bins(bins), ("r", "f", "m"), strict=True)
    )
    return r, f, m


def check_bins_of(
    bins: Any, edges: RfmEdges, arg: str = "edges", later: str = ""
) -> None:
    """*bins* given with *edges* (the parameter *arg*): the edges carry their
    bins, so *bins* may only repeat them (anything else would be silently
    ignored); *later* ends the fix (how to refit on a later period). In
    :func:`custseg.segment` and :func:`custseg.segment_history`."""
    wanted = _given_bins(bins)
    have = (edges.recency.bins, edges.frequency.bins, edges.monetary.bins)
    if any(w not in (None, h) for w, h in zip(wanted, have, strict=True)):
        raise ThresholdError(
            f"'bins' ({_display.format_value(bins)}) is given with {arg!r}, which "
            f"carry their own bins {have} (recency, frequency, monetary): give "
            f"bins or {arg}, not both ({arg}=None fits new edges with these "
            f"bins{later})"
        )


def check_scores_fit(
    rules: Any, edges: RfmEdges, bins: Any, *, kept: str | None = None
) -> None:
    """The scores must be in the range the rules declare for r, f and m
    (rules written for scores 1..5 would silently mislabel 1..3): in
    :func:`custseg.segment`, migration and the engines. Rules without
    declared fields (an object with only ``evaluate``) are not checked.
    *bins* is what the edges were fitted with (None: the edges were given,
    the scores come from them). *kept*: what
    :meth:`custseg.SegmentResult.apply` took from the result rather than
    from its caller, ``"edges"`` (the result's edges) or ``"bins"`` (the
    result's bins, for ``edges=None``), so that the fix is one that works
    there."""
    fields = getattr(rules, "fields", None)
    if not isinstance(fields, Mapping):
        return
    specs = getattr(rules, "scores", None) or {}
    for key, dim in (
        ("r", edges.recency),
        ("f", edges.frequency),
        ("m", edges.monetary),
    ):
        top = getattr(fields.get(key), "max", None)
        if top is None or int(top) == dim.bins:
            continue
        fixed = getattr(specs.get(key), "edges", None) is not None
        if kept == "edges":
            how = f"this result's edges, which apply() keeps, with {dim.bins} scores, give"
            fix = (
                "pass edges=None, bins=None to apply() to fit edges for these "
                "rules (their [scores] edges and counts)"
            )
        else:
            how = (
                f"edges= with {dim.bins} scores gives"
                if bins is None
                else f"bins={bins!r} gives"
            )
            fix = f"give {int(top)} {key} scores" + (
                " (the rules fix its edges; leave it out of bins)" if fixed else ""
            )
            if kept == "bins":
                how = f"bins={bins!r} (this result's, which apply() keeps) gives"
                fix += " (bins= to apply(); bins=None: the rules' [scores] count)"
        raise ThresholdError(
            f"{how} {key} scores 1..{dim.bins}, but the rules declare "
            f"field {key!r} from 1 to {int(top)}: {fix}, or use rules written "
            f"for that many (a rules file that extends the preset with [scores] "
            f"{key} = {{ bins = {dim.bins} }} and its own segment rules)"
        )


def rfm_edges(
    recency_days: Any,
    frequency: Any,
    monetary: Any,
    bins: int | tuple[int, int, int] = 5,
    *,
    nan: Literal["raise", "ignore"] = "raise",
) -> RfmEdges:
    """Fit quantile edges for recency, frequency and monetary at once.

    Parameters
    ----------
    recency_days, frequency, monetary
        One value per customer, the same customers in all three (as
        :func:`rfm_scores` reads them): pandas Series must share one
        index.
    bins
        Scores per dimension: one count for all three, or ``(recency,
        frequency, monetary)``, each in [2, 99].
    nan
        ``"raise"`` (default) refuses NaN; ``"ignore"`` fits on the other
        values.

    Returns
    -------
    RfmEdges
        The fitted :class:`ScoreEdges` of ``recency``, ``frequency`` and
        ``monetary``, to give to :func:`rfm_scores` as *edges*.

    Raises
    ------
    InputError
        Columns of different lengths, or Series on different indexes
        (other customers, or the same in another order: the columns of
        another table); negative recency or frequency; NaN with
        ``nan="raise"``; values that are not numbers.
    ThresholdError
        *bins* outside [2, 99].

    Examples
    --------
    >>> e = rfm_edges([1, 5, 30, 200], [9, 3, 1, 1], [900, 300, 50, 10], bins=2)
    >>> e.recency.cuts, e.frequency.cuts, e.monetary.cuts
    ((17.5,), (2.0,), (175.0,))
    >>> rfm_edges([1, 5, 30, 200], [9, 3, 1, 1], [900, 300, 50, 10],
    ...           bins=(4, 2, 2)).recency.cuts
    (3.0, 17.5, 115.0)
    """
    rb, fb, mb = _bins_per_dimension(bins)
    # one customer per row in all three, as rfm_scores reads them: Series
    # of other customers, or columns of other lengths, are another table's
    common_index(recency_days=recency_days, frequency=frequency, monetary=monetary)
    _same_length(recency_days=recency_days, frequency=frequency, monetary=monetary)
    _refuse_negative(recency_days, frequency)
    return RfmEdges(
        recency=_quantile_edges(
            recency_days, rb, nan=nan, field="recency_days", higher_is_better=False
        ),
        frequency=_quantile_edges(frequency, fb, nan=nan, field="frequency"),
        monetary=_quantile_edges(monetary, mb, nan=nan, field="monetary"),
    )


def _same_length(**columns: Any) -> None:
    """:func:`custseg._validate.check_same_length` on the columns that have
    a length (one without, a scalar or a generator, is refused when read)."""
    sized: dict[str, Any] = {}
    for name, x in columns.items():
        try:
            sized[name] = range(len(x))
        except TypeError:
            continue
    if len(sized) > 1:
        v.check_same_length(**sized)


#: what a negative recency or frequency says is wrong upstream
_NOT_NEGATIVE = (
    (
        "recency_days",
        "recency counts days since the last purchase up to the reference "
        "day; check as_of",
    ),
    ("frequency", "frequency counts purchases, never fewer than none"),
)


def _refuse_negative(recency_days: Any, frequency: Any) -> None:
    """InputError for a negative recency (a purchase after the reference day)
    or frequency, which no summary gives: scored, -3 days would be the best
    recency of all (NaN and infinities are left to the scoring)."""
    for (field, fix), x in zip(_NOT_NEGATIVE, (recency_days, frequency), strict=True):
        arr = v.as_numeric(x, field, nan="allow", allow_inf=True)
        if len(arr) and np.fmin.reduce(arr) < 0:
            first, count = v.first_offender(arr < 0)
            raise InputError(
                field, "has negative values", first_row=first, n_rows=count, fix=fix
            )


MIN_PER_SCORE = 10


@attrs.frozen(eq=False)
class RfmScores:
    """R, F and M scores per customer, their combined code and the edges used.

    Attributes
    ----------
    r, f, m
        ``int8`` scores in ``1 .. bins`` (0 = unknown, only with
        ``nan="unknown"``; :meth:`to_pandas` shows it as ``<NA>``).
    code
        The three scores as one number, R then F then M (``543``); with more
        than 9 bins in a dimension each score takes two digits. 0 in a digit
        means that score is unknown.
    edges
        The :class:`RfmEdges` used; pass them to :func:`rfm_scores` to score
        another period on the same scale.
    diagnostics
        Notes on edges fitted here (none when *edges* were given): every
        score no customer got, the empty ones (between two equal cuts:
        :meth:`ScoreEdges.empty_scores`) and the others (the top score
        above a tied block at the top cut), with the tied values that
        leave them without customers (or, all values distinct, the fewer
        customers than scores), and dimensions fitted on fewer than
        ``10 * bins`` customers.
        :func:`custseg.segment` and the command line turn them into
        :class:`~custseg.errors.CustsegWarning` warnings.
    index
        The pandas index of the input (``None`` for NumPy or list input).
    """

    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    code: np.ndarray
    edges: RfmEdges
    diagnostics: tuple[str, ...] = ()
    # checked as Labels' index: float32 ids past 2**24 refused
    _index: Any = attrs.field(default=None, alias="index", converter=own_index)

    index = RESULT_INDEX  # a new Index object per read (_align)

    def __len__(self) -> int:
        return len(self.r)

    def to_pandas(self) -> pd.DataFrame:
        """Columns ``r``, ``f``, ``m``, ``rfm`` (the code) on the input's index.

        Scores are nullable integers: an unknown score (a customer with no
        purchase) is ``<NA>``, never 0.

        >>> s = rfm_scores([1, 50, float("nan")], [4, 1, float("nan")],
        ...                [300.0, 20.0, float("nan")], bins=2, nan="unknown")
        >>> s.to_pandas()
              r     f     m   rfm
        0     2     2     2   222
        1     1     1     1   111
        2  <NA>  <NA>  <NA>  <NA>
        """
        import pandas as pd

        unknown = (self.r == 0) | (self.f == 0) | (self.m == 0)
        cols = {
            "r": to_pandas(self.r, self.index, "r", missing=self.r == 0),
            "f": to_pandas(self.f, self.index, "f", missing=self.f == 0),
            "m": to_pandas(self.m, self.index, "m", missing=self.m == 0),
            "rfm": to_pandas(self.code, self.index, "rfm", missing=unknown),
        }
        return pd.DataFrame(cols, index=fresh_index(self._index), copy=False)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """The R x F grid of customers: :func:`custseg.plot.rf_heatmap`.

        Needs matplotlib (``pip install 'custseg[plot]'``).

        Parameters
        ----------
        ax
            The matplotlib Axes to draw on; ``None`` makes a new figure.
        **kwargs
            Passed on to :func:`custseg.plot.rf_heatmap` (``monetary``,
            ``value``, ``lang``).

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on.

        Examples
        --------
        >>> import pytest; mpl = pytest.importorskip("matplotlib")
        >>> scores = rfm_scores([3, 40, 200, 10], [12, 3, 1, 6],
        ...                     [900.0, 150.0, 20.0, 400.0], bins=2)
        >>> ax = scores.plot()
        >>> ax.get_title()
        'Customers per R and F score'
        """
        from . import plot as _plot

        return _plot.rf_heatmap(self, ax=ax, **kwargs)

    def __repr__(self) -> str:
        e = self.edges
        na = np.ma.masked_equal  # score 0 = no score: shown as <NA>
        return _display.short_repr(
            "RfmScores",
            n=len(self),
            fields={
                "r": na(self.r, 0),
                "f": na(self.f, 0),
                "m": na(self.m, 0),
                "code": self.code,
                "bins": (e.recency.bins, e.frequency.bins, e.monetary.bins),
            },
            notes=[f"{len(self.diagnostics)} diagnostics"] if self.diagnostics else (),
        )

    def _repr_html_(self) -> str:
        na = np.ma.masked_equal  # score 0 = no score: shown as <NA>
        return _display.columns_table(
            f"RfmScores: {len(self)} customers",
            {
                "r": na(self.r, 0),
                "f": na(self.f, 0),
                "m": na(self.m, 0),
                "rfm": self.code,
            },
            note="; ".join(self.diagnostics),
        )


def _edge_notes(
    name: str, values: np.ndarray, edges: ScoreEdges, better: bool
) -> list[str]:
    """Why fitted *edges* may not mean what a user expects (see RfmScores)."""
    notes: list[str] = []
    n = len(values)
    if values.dtype.kind == "f":
        n -= int(np.count_nonzero(np.isnan(values)))
    if n < MIN_PER_SCORE * edges.bins:
        notes.append(
            f"{name}: only {n:,d} customer{'s' * (n != 1)} to fit {edges.bins} "
            f"scores (fewer than {MIN_PER_SCORE} per score), so the edges "
            f"{_display.edges_text(edges.cuts, better, _display.decimal_places(values))} "
            "are unstable: give fixed edges (a preset's [scores]) "
            "or fewer bins"
        )
    # the empty scores (between two equal cuts: no value can get them), and
    # every other score no customer got: one customer, or a tied block at
    # the top cut, leaves the top score without customers too
    empty = edges.empty_scores(higher_is_better=better)
    known = values[~np.isnan(values)] if values.dtype.kind == "f" else values
    cuts = edges.cuts
    if better:
        got = 1 + edges_below(known, cuts, inclusive=False)
    else:
        got = 1 + len(cuts) - edges_below(known, cuts, inclusive=True)
    given = set(np.unique(got).tolist())
    nobody = [k for k in range(1, edges.bins + 1) if k not in given and k not in empty]
    if (empty or nobody) and n:
        # the values that fill a cut: equal cuts, or customers tied on a cut
        tied = [
            (t, c)
            for t, c in (
                (t, int(np.count_nonzero(known == t))) for t in sorted(set(cuts))
            )
            if c > 1 or cuts.count(t) > 1
        ]
        if tied:
            why = ", ".join(
                f"{c:,d} customer{'s' * (c != 1)} ({_display.share(c, n)}) "
                f"{'have' if c != 1 else 'has'} {_display.number_text(t)}"
                for t, c in tied
            )
            why += ", a tie across quantile edges, and equal values share a score"
        else:  # (distinct values: only with fewer customers than scores)
            why = f"only {n:,d} customer{'s' * (n != 1)} for {edges.bins} scores"
        said = []
        if empty:
            said.append(
                f"score{'s' * (len(empty) > 1)} {', '.join(map(str, empty))} "
                f"{'are' if len(empty) > 1 else 'is'} empty"
            )
        if nobody:
            said.append(
                f"no customer has score{'s' * (len(nobody) > 1)} "
                f"{', '.join(map(str, nobody))}"
            )
        notes.append(f"{name}: {', and '.join(said)}: {why}")
    return notes


def rfm_scores(
    recency_days: Any,
    frequency: Any,
    monetary: Any,
    bins: int | tuple[int, int, int] = 5,
    edges: RfmEdges | None = None,
    *,
    nan: NanScore = "raise",
) -> RfmScores:
    """Score recency, frequency and monetary value ``1 .. bins`` each.

    Recency is reversed: the most recent customers get the highest R. Without
    *edges*, quantile edges are fitted on these customers (:func:`rfm_edges`);
    with *edges* (fitted on another period, or fixed business thresholds),
    they are only applied, so scores are comparable across periods.

    Parameters
    ----------
    recency_days, frequency, monetary
        One value per customer, e.g. from :func:`~custseg.summarize`. pandas
        Series must share one index; :meth:`RfmScores.to_pandas` carries it.
        An index of float32 ids from 2**24 on is refused, as
        :class:`~custseg.Labels` refuse it (two ids could be one number).
    bins
        Scores per dimension when fitting (ignored when *edges* is given):
        one count, or ``(recency, frequency, monetary)``.
    edges
        Edges to apply instead of fitting. Values are compared with given
        edges exactly, as in :func:`score` (a ``Decimal`` that float64
        rounds onto a cut stays on its side); edges fitted here are
        quantiles of the doubles that compare with every cut as the values
        do (a decimal no double holds as the nearest double on the side its
        comparisons need), and the values are compared exactly with them
        too: the scores are those of fitting first and applying the edges,
        and ties and the top-score bound hold.
    nan
        ``"raise"`` (default) refuses NaN; ``"unknown"`` gives NaN the score 0
        (and fits edges on the known values), and a customer with no purchase
        (frequency 0 or missing: refunds only) no score in any dimension,
        fitting no edge, as :func:`custseg.segment` scores the buyers only.
        Customers with no purchase have NaN recency.

    Returns
    -------
    RfmScores
        ``r``, ``f``, ``m`` (one score per customer, in input order; 0 for
        a value left unscored with ``nan="unknown"`` and for a customer
        without a purchase, ``<NA>`` in :meth:`RfmScores.to_pandas`),
        ``code`` (the three as
        one number, ``543`` for R5 F4 M3), the ``edges`` applied (fitted or
        given: pass them to the next period's call) and ``diagnostics``
        (notes on edges fitted on few customers or empty scores).

    Examples
    --------
    >>> s = rfm_scores(recency_days=[3, 40, 200, 10, 90],
    ...                frequency=[12, 3, 1, 6, 1],
    ...                monetary=[900.0, 150.0, 20.0, 400.0, 35.0])
    >>> s.r.tolist(), s.f.tolist(), s.m.tolist()
    ([5, 3, 1, 4, 2], [5, 3, 1, 4, 1], [5, 3, 1, 4, 2])
    >>> s.code.tolist()
    [555, 333, 111, 444, 212]
    >>> later = rfm_scores([1, 400], [2, 1], [50.0, 10.0], edges=s.edges)
    >>> later.code.tolist()
    [522, 111]

    Fitted on five customers, the edges come with a note:

    >>> print(s.diagnostics[0])
    recency_days: only 5 customers to fit 5 scores (fewer than 10 per score), so the edges (7, 25, 65, 145) are unstable: give fixed edges (a preset's [scores]) or fewer bins
    """
    v.choice(nan, "nan", ("raise", "unknown"))
    index = common_index(
        recency_days=recency_days, frequency=frequency, monetary=monetary
    )
    if nan == "unknown":
        recency_days, frequency, monetary = _buyers_only(
            recency_days, frequency, monetary
        )
    fitted = edges is None
    if not fitted:  # else rfm_edges refuses them
        _refuse_negative(recency_days, frequency)
    if edges is None:
        edges = rfm_edges(
            recency_days,
            frequency,
            monetary,
            bins,
            nan="ignore" if nan == "unknown" else "raise",
        )
    elif not isinstance(edges, RfmEdges):
        raise ThresholdError(f"'edges' must be an RfmEdges: got {type(edges).__name__}")
    # decimals and big integers are compared with the cuts exactly, whether
    # the edges were fitted here (on the doubles that compare alike:
    # _quantile_edges) or given: the same scores either way
    r = _score(
        recency_days,
        edges.recency,
        higher_is_better=False,
        nan=nan,
        field="recency_days",
    )
    f = _score(frequency, edges.frequency, nan=nan, field="frequency")
    m = _score(monetary, edges.monetary, nan=nan, field="monetary")
    v.check_same_length(recency_days=r, frequency=f, monetary=m)
    base = 10 if edges.bins <= 9 else 100
    code = (r.astype(np.int32) * base + f) * base + m
    code = code.astype(np.int16 if base == 10 else np.int32)
    notes: list[str] = []
    if fitted:
        for name, x, dim, better in (
            ("recency_days", recency_days, edges.recency, False),
            ("frequency", frequency, edges.frequency, True),
            ("monetary", monetary, edges.monetary, True),
        ):
            arr = v.as_numeric(x, name, nan="allow")
            notes += _edge_notes(name, arr, dim, better)
    return RfmScores(
        r=r, f=f, m=m, code=code, edges=edges, diagnostics=tuple(notes), index=index
    )


def _buyers_only(recency: Any, frequency: Any, monetary: Any) -> tuple[Any, Any, Any]:
    """The three columns with the customers who made no purchase (frequency
    0 or missing) made missing in each, so that they get no score and fit no
    edge (their frequency 0 and refunds are no purchase to rank); the
    columns as they are when everybody bought. The others' values are kept
    as given (decimals stay decimals)."""
    freq = v.as_numeric(frequency, "frequency", nan="allow")
    none = ~(freq > 0)
    if not none.any():
        return recency, frequency, monetary

    def blank(x: Any) -> Any:
        kind = getattr(getattr(x, "dtype", None), "kind", "")
        if (
            kind in ("i", "u")
            and isinstance(x, np.ndarray)
            and x.ndim == 1  # (a 0-d array is refused by the scorer)
            and len(x)
            and max(-int(x.min()), int(x.max())) <= 2**53
        ):  # counts: floats hold them exactly, with NaN for no purchase
            x, kind = x.astype(np.float64), "f"
        if kind == "f":
            # floats (NumPy or pandas): kept floats, NaN where no purchase;
            # as they are when those rows are missing already (a summary's)
            arr = np.asarray(
                x.to_numpy(dtype=np.float64, na_value=np.nan)
                if hasattr(x, "to_numpy")
                else x,
                dtype=np.float64,
            )
            if arr.shape != none.shape or np.isnan(arr[none]).all():
                return x  # (a length error is for the scorer to say)
            out = arr.copy()
            out[none] = np.nan
            return out
        arr = np.array(x, dtype=object)  # decimals and big integers stay exact
        if arr.shape != none.shape:
            return arr
        arr[none] = np.nan
        return arr

    return blank(recency), blank(frequency), blank(monetary)


#: how to keep the rules' fixed edges, for the note of :func:`_replaced_fixed_edges`
_KEEP_FIXED_EDGES = (
    "to keep them, leave out edges= (the dimensions the rules do not fix are "
    "fitted), or pass edges that keep them: the .edges of a result made with "
    "these rules, or custseg.engines.approx_rfm_edges(facts, rules=...)"
)

#: the same, for the edges :meth:`custseg.SegmentResult.apply` keeps (its
#: caller left edges= out already)
_KEEP_FIXED_EDGES_APPLY = (
    "these are the result's edges, which apply() keeps: to keep the rules', "
    "pass edges=None (the dimensions the rules do not fix are fitted on the "
    "new period), or edges that keep them: the .edges of a result made with "
    "these rules"
)

#: the RfmEdges attribute of each score the rules' [scores] can fix
_SCORE_DIMENSIONS = (("r", "recency"), ("f", "frequency"), ("m", "monetary"))


def _cuts_text(cuts: Iterable[float]) -> str:
    """Edges as written in a rules file: ``(30, 90, 180, 270)``."""
    return (
        "("
        + ", ".join(
            str(int(c)) if np.isfinite(c) and float(c).is_integer() else repr(float(c))
            for c in cuts
        )
        + ")"
    )


def _replaced_fixed_edges(rs: Any, edges: RfmEdges, keep: str) -> dict[str, str]:
    """A note per score (``r``, ``f``, ``m``) whose edges the rules fix in
    ``[scores]`` and *edges* (given by the caller, which win) replace with
    other cuts: those scores, and every segment reading them, are then not
    the rules' (a preset's recency edges follow its lifecycle windows, so
    that no named segment contradicts the stage). *keep* says how to keep
    the rules' edges. *rs* is a :class:`custseg.rules.RuleSet` (read by
    its ``scores`` and ``name``; this layer does not import the rules)."""
    notes = {}
    for key, dim in _SCORE_DIMENSIONS:
        spec = rs.scores.get(key)
        if getattr(spec, "edges", None) is None:
            continue
        given = tuple(float(c) for c in getattr(edges, dim).cuts)
        fixed = tuple(float(c) for c in spec.edges)
        if given == fixed:
            continue
        name = getattr(rs, "name", None)
        name = f"the rules {name!r}" if name else "the rules"
        why = (
            " (the presets' recency edges follow their lifecycle windows, so "
            "that no named segment contradicts the lifecycle stage)"
            if key == "r"
            else ""
        )
        notes[key] = (
            f"edges.{dim} {_cuts_text(given)} replaces the {key} edges "
            f"{_cuts_text(fixed)} that {name} fix in [scores]: the {key} scores, "
            f"and the segments that read them, are not the rules'{why}; {keep}"
        )
    return notes
