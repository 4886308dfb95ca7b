"""A kit for testing business thresholds: hypothesis strategies and invariants.

A team that keeps its segmentation rules in a rules file wants its test
suite to say, in a few lines, what must always hold: every customer gets
exactly one label, spending more never moves a customer down, a buyer from
yesterday is never lost. This module gives the data and the checks:

* strategies (hypothesis): :func:`transactions`, :func:`customer_facts`,
  :func:`scores` and :func:`fields_for` (rows in exactly the domains a rules
  file declares, biased to the values its rules compare against);
* invariants, usable inside a ``@given`` test or on real data:
  :func:`assert_total`, :func:`assert_monotone`, :func:`assert_order_free`,
  :func:`assert_stable` and :func:`assert_reachable`. Each fails with an
  ``AssertionError`` that shows the offending row and the rule that decided.

hypothesis is needed for the strategies only: ``pip install
'custseg[testing]'``. The invariants work without it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _validate as v
from .errors import ThresholdError
from .rfm import MAX_BINS
from .rules import RuleSet, load

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from .frame import SegmentResult

__all__ = [
    "assert_monotone",
    "assert_order_free",
    "assert_reachable",
    "assert_stable",
    "assert_total",
    "boundary_values",
    "customer_facts",
    "fields_for",
    "scores",
    "transactions",
]


def _st() -> Any:
    try:
        from hypothesis import strategies
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ImportError(
            "custseg.testing's strategies need hypothesis: pip install "
            "'custseg[testing]'"
        ) from None
    return strategies


def _ruleset(rules: RuleSet | str) -> RuleSet:
    return rules if isinstance(rules, RuleSet) else load(rules)


def _count(value: Any, field: str, lo: int = 0, hi: int | None = None) -> int:
    """A whole-number parameter in [*lo*, *hi*] (ThresholdError otherwise)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or value < lo
        or (hi is not None and value > hi)
    ):
        bound = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ThresholdError(f"{field!r} must be a whole number {bound}: got {value!r}")
    return int(value)


def _range(lo: Any, hi: Any, lo_name: str, hi_name: str, least: int = 0) -> None:
    _count(lo, lo_name, least)
    _count(hi, hi_name, least)
    if hi < lo:
        raise ThresholdError(f"{hi_name!r} must be >= {lo_name!r} ({lo}): got {hi}")


# --------------------------------------------------------------------------
# boundaries


def boundary_values(rules: RuleSet | str) -> dict[str, list[Any]]:
    """For each declared field, the values the rules' decisions turn on.

    Numbers: every constant and parameter a rule or table compares the field
    with (through derived values that rename it too), and the field's bounds,
    each just below, on and just above (the next float, or +-1 for
    integers), kept within the declared bounds. Categories: every declared
    value. Booleans: true and false. Plus ``None`` (missing) where the field
    may be missing.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a rules file path.

    Examples
    --------
    >>> boundary_values("ecommerce")["recency_days"][:7]
    [None, 0.0, 5e-324, 89.99999999999999, 90.0, 90.00000000000001, 179.99999999999997]
    >>> boundary_values("base")["satisfaction"]
    [None, 'very_dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very_satisfied']
    """
    from .rules._analysis import _Analyser

    rs = _ruleset(rules)
    constants: dict[str, set[float]] = {}
    for pairs in _Analyser(rs).constants.values():
        for field, c in pairs:
            constants.setdefault(field, set()).add(c)
    out: dict[str, list[Any]] = {}
    for name, spec in rs.fields.items():
        values: list[Any] = [None] if spec.missing else []
        if spec.kind == "category":
            values += list(spec.values)
        elif spec.kind == "bool":
            values += [False, True]
        else:
            lo = -math.inf if spec.min is None else spec.min
            hi = math.inf if spec.max is None else spec.max
            points = set(constants.get(name, set()))
            points |= {b for b in (spec.min, spec.max) if b is not None}
            if not points:
                points = {0.0}
            near: set[float] = set()
            for c in points:
                if spec.kind == "integer":
                    near |= {
                        math.floor(c) - 1,
                        math.floor(c),
                        math.ceil(c),
                        math.ceil(c) + 1,
                    }
                else:
                    near |= {
                        float(np.nextafter(c, -np.inf)),
                        float(c),
                        float(np.nextafter(c, np.inf)),
                    }
            kept = sorted(x for x in near if lo <= x <= hi)
            if spec.kind == "integer":
                values += [int(x) for x in kept]
            else:
                values += kept
        out[name] = values
    return out


# --------------------------------------------------------------------------
# strategies


def fields_for(
    rules: RuleSet | str, *, min_rows: int = 1, max_rows: int = 30
) -> SearchStrategy[dict[str, list[Any]]]:
    """Rows in exactly the domains a rules file declares, as columns.

    Each value is drawn half the time from :func:`boundary_values` (just
    below, on and above every constant the rules compare with, and missing
    where allowed) and otherwise from the field's whole domain (its type and
    bounds; categories and booleans from their values). Every declared field
    is a column, optional ones included, so every output is computed.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a rules file path.
    min_rows, max_rows
        How many rows.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from custseg import rules
    >>> rs = rules.load("ecommerce")
    >>> @settings(max_examples=20)
    ... @given(fields_for(rs))
    ... def test_everyone_gets_a_stage(data):
    ...     assert_total(rs, data)
    >>> test_everyone_gets_a_stage()
    """
    st = _st()
    _range(min_rows, max_rows, "min_rows", "max_rows")
    rs = _ruleset(rules)
    edges = boundary_values(rs)
    columns: dict[str, Any] = {}
    for name, spec in rs.fields.items():
        if spec.kind == "category":
            whole = st.sampled_from(list(spec.values))
        elif spec.kind == "bool":
            whole = st.booleans()
        elif spec.kind == "integer":
            ilo = -(10**6) if spec.min is None else math.ceil(spec.min)
            ihi = 10**6 if spec.max is None else math.floor(spec.max)
            whole = st.integers(ilo, max(ilo, ihi))
        else:
            flo = -1e9 if spec.min is None else spec.min
            fhi = 1e9 if spec.max is None else spec.max
            whole = st.floats(flo, fhi, allow_nan=False, allow_infinity=False)
        if spec.missing:
            whole = st.one_of(whole, st.none())
        pool = edges[name]
        columns[name] = st.one_of(st.sampled_from(pool), whole) if pool else whole
    rows = st.lists(
        st.fixed_dictionaries(columns), min_size=min_rows, max_size=max_rows
    )
    return rows.map(lambda rs_rows: {k: [r[k] for r in rs_rows] for k in columns})


def transactions(
    *,
    min_customers: int = 1,
    max_customers: int = 10,
    max_rows: int = 60,
    ids: str = "int",
    start: str = "2023-01-01",
    days: int = 730,
    refunds: bool = True,
) -> SearchStrategy[pd.DataFrame]:
    """Transaction logs as the summary sees real data.

    Customers buy on few distinct days (so same-day purchases and ties in
    recency and frequency are common), amounts repeat (ties in monetary),
    some rows are refunds (negative) and some amounts are 0.

    Parameters
    ----------
    min_customers, max_customers
        How many distinct customers.
    max_rows
        At most this many rows.
    ids
        ``"int"`` (``0 .. k``), ``"str"`` (``"C00012"``, with leading zeros)
        or ``"mixed"`` (``"7"`` and ``"007"``: different customers).
    start, days
        The period: dates are whole days from *start*, within *days*.
    refunds
        Whether negative amounts occur.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import custseg
    >>> @settings(max_examples=10)
    ... @given(transactions(ids="str"))
    ... def test_one_row_per_customer(tx):
    ...     facts = custseg.summarize(tx.customer_id, tx.date, tx.amount)
    ...     assert len(facts) == tx.customer_id.nunique()
    >>> test_one_row_per_customer()
    """
    st = _st()
    v.choice(ids, "ids", ("int", "str", "mixed"))
    _range(min_customers, max_customers, "min_customers", "max_customers", 1)
    _count(max_rows, "max_rows", 1)
    _count(days, "days", 1)
    start = str(v.as_datetime_scalar(start, "start").astype("datetime64[D]"))
    amounts = st.sampled_from([0.0, 5.0, 19.9, 20.0, 100.0, 250.5, 1000.0])
    if refunds:
        amounts = st.one_of(amounts, amounts, amounts, st.sampled_from([-5.0, -20.0]))
    day_pool = st.integers(0, max(0, days - 1))

    @st.composite  # type: ignore[untyped-decorator]
    def build(draw: Any) -> pd.DataFrame:
        k = draw(st.integers(min_customers, max_customers))
        if ids == "int":
            names: list[Any] = list(range(k))
        elif ids == "str":
            names = [f"C{i:05d}" for i in range(k)]
        else:
            names = [("0" * (i % 3)) + str(i // 3) for i in range(k)]
        favourite_days = draw(st.lists(day_pool, min_size=1, max_size=6, unique=True))
        day = st.one_of(st.sampled_from(favourite_days), day_pool)
        rows = draw(
            st.lists(
                st.tuples(st.integers(0, k - 1), day, amounts),
                min_size=k,
                max_size=max(k, max_rows),
            )
        )
        # every customer at least once: the first k rows are one per customer
        who = list(range(k)) + [r[0] for r in rows[k:]]
        when = [r[1] for r in rows]
        paid = [abs(r[2]) if i < k else r[2] for i, r in enumerate(rows)]
        return pd.DataFrame(
            {
                "customer_id": [names[i] for i in who],
                "date": pd.Timestamp(start) + pd.to_timedelta(when, unit="D"),
                "amount": paid,
            }
        )

    return build()


def customer_facts(
    *, min_rows: int = 1, max_rows: int = 40, no_purchase: bool = True
) -> SearchStrategy[pd.DataFrame]:
    """Per-customer facts as :func:`custseg.summarize` gives them.

    ``recency_days <= tenure_days``, whole days; a customer with no purchase
    (frequency 0: refunds only) has missing recency and tenure; ties and the
    values 0 and 1 are common.

    Parameters
    ----------
    min_rows, max_rows
        How many customers.
    no_purchase
        Whether customers without a purchase occur.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> import custseg
    >>> @settings(max_examples=10)
    ... @given(customer_facts())
    ... def test_status_is_total(facts):
    ...     status = custseg.customer_status(facts.frequency, facts.tenure_days,
    ...                                      facts.recency_days)
    ...     assert len(status) == len(facts) and (status.codes >= 0).all()
    >>> test_status_is_total()
    """
    st = _st()
    _range(min_rows, max_rows, "min_rows", "max_rows")
    days = st.one_of(
        st.sampled_from([0, 1, 29, 30, 89, 90, 179, 180, 365]), st.integers(0, 2000)
    )
    row = st.tuples(
        st.integers(0 if no_purchase else 1, 30),
        days,
        days,
        st.one_of(
            st.sampled_from([0.0, 10.0, 1000.0]), st.floats(-100, 1e5, allow_nan=False)
        ),
    )

    def frame(rows: list[tuple[int, int, int, float]]) -> pd.DataFrame:
        freq = np.array([r[0] for r in rows], dtype=np.int64)
        a = np.array([r[1] for r in rows], dtype=np.float64)
        b = np.array([r[2] for r in rows], dtype=np.float64)
        buy = freq > 0
        return pd.DataFrame(
            {
                "recency_days": np.where(buy, np.minimum(a, b), np.nan),
                "frequency": freq,
                "monetary": np.array([r[3] for r in rows]),
                "tenure_days": np.where(buy, np.maximum(a, b), np.nan),
            }
        )

    return st.lists(row, min_size=min_rows, max_size=max_rows).map(frame)


def scores(
    *, bins: int = 5, missing: bool = True, min_rows: int = 1, max_rows: int = 40
) -> SearchStrategy[pd.DataFrame]:
    """RFM scores ``r``, ``f``, ``m`` from 1 to *bins* (nullable integers;
    ``<NA>`` for customers without a purchase, all three at once).

    Parameters
    ----------
    bins
        The top score, 2 to 99 (as for :func:`custseg.rfm_scores`).
    missing
        Whether customers without scores occur.
    min_rows, max_rows
        How many customers.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from custseg import rules
    >>> @settings(max_examples=10)
    ... @given(scores(bins=3))
    ... def test_scores_in_range(s):
    ...     assert s.stack().between(1, 3).all()
    ...     assert (s.isna().sum(axis=1) % 3 == 0).all()  # all three or none
    >>> test_scores_in_range()
    """
    st = _st()
    _count(bins, "bins", 2, MAX_BINS)  # the scores' own bound (Int8 holds them)
    _range(min_rows, max_rows, "min_rows", "max_rows")
    one = st.integers(1, bins)
    row = st.tuples(one, one, one)
    if missing:
        row = st.one_of(row, row, row, st.just((None, None, None)))

    def frame(rows: list[tuple[Any, Any, Any]]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                k: pd.array([r[i] for r in rows], dtype="Int8")
                for i, k in enumerate("rfm")
            }
        )

    return st.lists(row, min_size=min_rows, max_size=max_rows).map(frame)


# --------------------------------------------------------------------------
# invariants


def _evaluate(rules: Any, data: Any) -> Any:
    """A RulesResult (with explain) from a RuleSet, a preset name or path, or
    a callable returning one."""
    if callable(rules) and not isinstance(rules, RuleSet | str):
        return rules(data)
    return _ruleset(rules).evaluate(data, explain=True)


def _row(data: Any, i: int) -> dict[str, Any]:
    if isinstance(data, pd.DataFrame):
        return {str(k): _plain(data[k].iloc[i]) for k in data.columns}
    if isinstance(data, Mapping):
        return {str(k): _plain(np.asarray(v, dtype=object)[i]) for k, v in data.items()}
    return {"row": i}


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _why(result: Any, rs: RuleSet | None, output: str, i: int) -> str:
    """Which rule (or interval of a table) decided row *i* of *output*."""
    from .rules._examples import _interval

    if rs is not None and output in rs.tables:
        label = str(result[output].to_numpy()[i])
        return f" ({_interval(rs.tables[output], label)})"
    if (
        rs is None
        or output not in rs.segments
        or output not in getattr(result, "explain", {})
    ):
        return ""
    k = int(result.explain[output][i])
    if k < 0:
        return " (the default: no rule matched)"
    rule = rs.segments[output].rules[k]
    return f" (rule {k + 1}: when = {rule.when.text!r}, line {rule.line})"


def assert_total(rules: Any, data: Any) -> None:
    """Every row gets exactly one known label in every table and segmentation.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a rules file path
        (evaluated on *data*), or a callable returning a ``RulesResult``.
    data
        What ``RuleSet.evaluate`` takes: a mapping of columns, a DataFrame,
        ``CustomerFacts``, ...

    Raises
    ------
    AssertionError
        A row without a label (or with a code outside the names), naming the
        output and showing the row.

    Examples
    --------
    >>> assert_total("ecommerce", {"recency_days": [3.0, None], "frequency": [4, 0],
    ...     "monetary": [120.0, -5.0], "tenure_days": [400.0, None],
    ...     "r": [5, None], "f": [4, None], "m": [3, None]})
    """
    result = _evaluate(rules, data)
    n = None
    for name, labels in result.labels.items():
        codes = np.asarray(labels.codes)
        n = len(codes) if n is None else n
        assert len(codes) == n, f"{name!r} has {len(codes)} labels for {n} rows"
        bad = (codes < 0) | (codes >= len(labels.names))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AssertionError(
                f"{name!r} gives row {i} no label (code {int(codes[i])}); the row: "
                f"{_row(data, i)}"
            )


def assert_monotone(
    rules: RuleSet | str,
    data: Any,
    output: str,
    field: str,
    order: Sequence[str],
    *,
    increase: Sequence[float] | None = None,
) -> None:
    """Raising *field*, the others fixed, never moves a row down in *order*.

    Each row is evaluated as given and again with *field* raised: to every
    larger value of :func:`boundary_values` (and by each step of *increase*,
    when given). A row that ends lower in *order* (first = lowest) fails.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a path.
    data
        A mapping of columns or a DataFrame (one row per customer).
    output
        The table or segmentation checked.
    field
        The numeric field raised.
    order
        The labels of *output*, lowest first, each once; labels not listed
        (``unknown``, ``no_purchase``) are not compared.
    increase
        Extra steps to add to *field* (e.g. ``[1, 100]``).

    Raises
    ------
    AssertionError
        The first row that moves down: its values, the value raised to, the
        labels before and after and the rules that decided them.
    ThresholdError
        *output* or *field* is not one of the rules', or *order* lists a
        label *output* never gives (a typo would leave nothing to compare)
        or a label twice.

    Examples
    --------
    >>> data = {"recency_days": [10.0, 200.0], "frequency": [2, 5],
    ...         "monetary": [999.0, 50.0], "tenure_days": [300.0, 900.0],
    ...         "r": [5, 2], "f": [3, 5], "m": [5, 2]}
    >>> assert_monotone("ecommerce", data, "ecom4", "monetary",
    ...                 ["Ordinary", "Ordinary Loyal", "Key Development"])
    >>> assert_monotone("ecommerce", data, "lifecycle", "recency_days",
    ...                 ["active", "silent", "sleeping", "lost", "gone"][::-1])
    Traceback (most recent call last):
    ...
    AssertionError: raising 'recency_days' moves row 0 down in 'lifecycle': 'active' (table lifecycle: recency_days < 90) -> 'silent' (table lifecycle: 90 <= recency_days < 180) at recency_days = 90.0; the row: {'recency_days': 10.0, 'frequency': 2, ...}
    """
    rs = _ruleset(rules)
    if output not in rs.outputs:
        raise ThresholdError(
            f"'output' must be a table or segmentation of the rules "
            f"({', '.join(rs.outputs)}): got {output!r}"
        )
    if field not in rs.fields or rs.fields[field].kind not in ("number", "integer"):
        numeric = [f for f, s in rs.fields.items() if s.kind in ("number", "integer")]
        raise ThresholdError(
            f"'field' must be a numeric field of the rules ({', '.join(numeric)}): "
            f"got {field!r}"
        )
    frame = pd.DataFrame(dict(data)) if isinstance(data, Mapping) else data.copy()
    before = rs.evaluate(frame, explain=True)
    rank = _order_ranks(order, before.labels[output].names, output)
    base_labels = before[output].to_numpy()
    values = pd.to_numeric(frame[field], errors="coerce").to_numpy(dtype=np.float64)
    targets = sorted({float(x) for x in boundary_values(rs)[field] if x is not None})
    steps = list(increase or [])
    candidates = [("to", t) for t in targets] + [("by", s) for s in steps]
    for how, amount in candidates:
        raised = (
            values + amount
            if how == "by"
            else np.where(values < amount, amount, np.nan)
        )
        use = ~np.isnan(raised) & (raised > values)
        if not use.any():
            continue
        trial = frame.copy()
        new = np.where(use, raised, values)
        spec = rs.fields[field]
        trial[field] = (
            np.round(new).astype(np.int64)
            if spec.kind == "integer" and not np.isnan(new).any()
            else new
        )
        if spec.max is not None:
            use &= new <= spec.max
        after = rs.evaluate(trial, explain=True)
        after_labels = after[output].to_numpy()
        for i in np.flatnonzero(use):
            a, b = str(base_labels[i]), str(after_labels[i])
            if a in rank and b in rank and rank[b] < rank[a]:
                row = int(i)
                raise AssertionError(
                    f"raising {field!r} moves row {row} down in {output!r}: "
                    f"{a!r}{_why(before, rs, output, row)} -> "
                    f"{b!r}{_why(after, rs, output, row)} at {field} = "
                    f"{float(new[row])!r}; the row: {_row(frame, row)}"
                )


def _order_ranks(
    order: Sequence[str], names: Sequence[str], output: str
) -> dict[str, int]:
    """Rank of each label of *order*; a label *output* cannot give (a typo
    would leave the check nothing to compare) or a label listed twice is a
    ThresholdError."""
    if isinstance(order, str):
        raise ThresholdError(
            f"'order' must be a list of the labels of {output!r}, lowest first: "
            f"got the string {order!r}"
        )
    order = list(order)
    foreign = [label for label in order if label not in names]
    twice = sorted(
        {label for label in order if order.count(label) > 1}, key=order.index
    )
    if foreign or twice:
        problem = (
            f"labels {output!r} never gives: {', '.join(map(repr, foreign))}"
            if foreign
            else f"labels listed twice: {', '.join(map(repr, twice))}"
        )
        raise ThresholdError(
            f"'order' has {problem}; list each label once, lowest first, from "
            f"{', '.join(map(repr, names))}"
        )
    return {label: i for i, label in enumerate(order)}


def assert_order_free(rules: Any, data: Any, *, seed: int = 0) -> None:
    """Permuting the rows permutes the labels, nothing else.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a path, or a
        callable returning a ``RulesResult``.
    data
        A mapping of columns or a DataFrame.
    seed
        Seed of the permutation.

    Raises
    ------
    AssertionError
        The first row whose label changes with its position.

    Examples
    --------
    >>> assert_order_free("base", {"recency_days": [3.0, 90.0, None],
    ...     "frequency": [4, 1, 0], "monetary": [120.0, 15.0, 0.0],
    ...     "tenure_days": [400.0, 100.0, None], "r": [5, 3, None],
    ...     "f": [4, 1, None], "m": [3, 1, None]})
    """
    frame = pd.DataFrame(dict(data)) if isinstance(data, Mapping) else data
    perm = np.random.default_rng(seed).permutation(len(frame))
    a = _evaluate(rules, frame.reset_index(drop=True))
    b = _evaluate(rules, frame.iloc[perm].reset_index(drop=True))
    for name, labels in a.labels.items():
        want = labels.to_numpy()[perm]
        got = b.labels[name].to_numpy()
        bad = np.flatnonzero(want != got)
        if len(bad):
            j = int(bad[0])
            raise AssertionError(
                f"{name!r} depends on the order of the rows: row {int(perm[j])} is "
                f"{want[j]!r} in the given order but {got[j]!r} when moved to "
                f"position {j}; the row: {_row(frame, int(perm[j]))}"
            )


def assert_stable(
    before: SegmentResult,
    after: SegmentResult,
    *,
    columns: Sequence[str] | None = None,
) -> None:
    """Customers whose facts did not change keep their labels.

    *before* and *after* are :func:`custseg.segment` results of two periods,
    the second made with the first's edges and rules
    (``after = before.apply(...)``). A customer present in both with the
    same ``recency_days``, ``frequency``, ``monetary`` and ``tenure_days``
    must have the same label in every label column (or in *columns*).

    Parameters
    ----------
    before, after
        The two results.
    columns
        The label columns compared, or one column's name (default: every
        categorical column of both).

    Raises
    ------
    AssertionError
        How many customers moved in a column, with one of them and its facts;
        or no customer is in both results with the same facts (nothing to
        compare, e.g. results made at two different ``as_of``).
    ThresholdError
        An argument is not a ``segment`` result, or *columns* is empty or
        names a column the results do not both have.

    Examples
    --------
    >>> import custseg, warnings
    >>> from custseg.datasets import simulate_transactions
    >>> tx = simulate_transactions(300, seed=2)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     june = custseg.segment(tx[tx.date < "2024-06-01"], preset="ecommerce",
    ...                            as_of="2024-06-01")
    ...     also_june = june.apply(tx[tx.date < "2024-06-01"], as_of="2024-06-01")
    >>> assert_stable(june, also_june)
    """
    for arg, res in (("before", before), ("after", after)):
        if not isinstance(getattr(res, "customers", None), pd.DataFrame):
            raise ThresholdError(
                f"{arg!r} must be a custseg.segment result: got {type(res).__name__}"
            )
    a, b = before.customers, after.customers
    if columns is not None:
        columns = [columns] if isinstance(columns, str) else list(columns)
        if not columns:
            raise ThresholdError(
                "'columns' is empty, so nothing would be compared: name the label "
                "columns, or leave it out to compare every one"
            )
        absent = [c for c in columns if c not in a.columns or c not in b.columns]
        if absent:
            raise ThresholdError(
                f"'columns' names columns the results do not both have: {absent}"
            )
    both = a.index.intersection(b.index)
    facts = ["recency_days", "frequency", "monetary", "tenure_days"]
    fa, fb = a.loc[both, facts], b.loc[both, facts]
    same = ((fa == fb) | (fa.isna() & fb.isna())).all(axis=1)
    keep = same[same].index
    if len(keep) == 0:
        # a check that compares nobody cannot fail: say so
        raise AssertionError(
            f"nothing to compare: of {len(a):,d} and {len(b):,d} customers, "
            f"{len(both):,d} are in both results and none has the same facts in "
            "both (recency_days moves with as_of: make both at one as_of)"
        )
    names = (
        list(columns)
        if columns is not None
        else [
            c
            for c in a.columns
            if isinstance(a[c].dtype, pd.CategoricalDtype) and c in b.columns
        ]
    )
    for name in names:
        x = a.loc[keep, name].astype(str)
        y = b.loc[keep, name].astype(str)
        moved = x[x != y]
        if len(moved):
            cid = moved.index[0]
            raise AssertionError(
                f"{name!r} moved {len(moved)} customer(s) whose facts did not change, "
                f"e.g. {_plain(cid)!r}: {x[cid]!r} -> {y[cid]!r}; facts "
                f"{ {k: _plain(v) for k, v in fa.loc[cid].items()} }"
            )


def assert_reachable(
    rules: RuleSet | str, *, rows: int = 20_000, seed: int = 0
) -> None:
    """Every label of every segmentation can be given to some customer.

    Exact where the static analysis is (rules comparing fields with
    constants): a rule it finds never matching or unreachable fails. Where it
    is not (aggregates, arithmetic), *rows* rows are sampled from the
    boundary values of every field and each label must occur among them.

    Parameters
    ----------
    rules
        A :class:`~custseg.rules.RuleSet`, a preset name or a path.
    rows
        Rows sampled for the rule lists the analysis cannot decide.
    seed
        Seed of the sample.

    Raises
    ------
    AssertionError
        The labels that cannot be reached, and why.

    Examples
    --------
    >>> assert_reachable("ecommerce")
    """
    _count(rows, "rows", 1)
    rs = _ruleset(rules)
    problems = [
        d.render() for d in rs.diagnostics if d.code in ("never-matches", "unreachable")
    ]
    if problems:
        raise AssertionError("rules that can never decide:\n" + "\n".join(problems))
    edges = boundary_values(rs)
    rng = np.random.default_rng(seed)
    data = {}
    for name, pool in edges.items():
        values = np.empty(len(pool), dtype=object)
        values[:] = pool
        data[name] = values[rng.integers(0, len(pool), rows)]
    out = rs.evaluate(data)
    missing = []
    for name, seg in rs.segments.items():
        if name not in out.labels:
            continue
        seen = set(out[name].to_numpy().tolist())
        lost = [label for label in seg.names if label not in seen]
        if lost:
            missing.append(f"{name}: {', '.join(map(repr, lost))}")
    if missing:
        raise AssertionError(
            f"labels not reached on {rows:,d} rows sampled from the boundary values "
            "(the analysis is not exact for these; add rows or check the rules): "
            + "; ".join(missing)
        )
