"""Relationship type (Kotler's five levels): what it is, and what it should be.

Kotler names five levels of relationship between a company and its
customers after a sale:

- **basic** (基本型): sell, and never contact the customer again;
- **reactive** (被动型): sell, and invite the customer to call with problems;
- **accountable** (负责型): call shortly after the sale to check satisfaction
  and ask for improvements;
- **proactive** (能动型): keep contacting the customer with suggestions and
  new-product information;
- **partnership** (伙伴型): work with the customer, long term, on their
  problems.

:func:`contact_summary` turns a contact log (one row per contact: customer,
date, who initiated it, what kind of contact) into per-customer facts;
:func:`relationship_type` gives the level those facts show, under the
thresholds of :class:`RelationshipThresholds`. :func:`recommended_relationship`
gives the level that fits a customer base by the number of customers and the
profit margin (Kotler's matrix, :class:`RelationshipMatrix`), and
:func:`relationship_gap` compares the two.

Intervals are half-open: "a follow-up within 30 days" is a follow-up on day
``0 .. 29`` after the sale, day 30 is too late; "at least 2 contacts" is
``[2, inf)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from . import _display
from . import _validate as v
from ._align import (
    common_index,
    common_row_index,
    id_kind,
    index_of,
    is_pandas,
    paired,
    to_pandas_index,
    whole_ids,
)
from ._categories import MISSING, as_category, normalize
from ._validate import exact_sides, require_column
from .errors import InputError, ThresholdError
from .labels import Labels
from .lifecycle import _amounts
from .lifecycle import _counts as _whole_counts
from .summary import (
    CustomerFacts,
    _group_ids,
    _Groups,
    _id_values,
    _refuse_missing_values,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTACT_KINDS",
    "INITIATORS",
    "KOTLER_MATRIX",
    "RELATIONSHIP_TYPES",
    "ContactSummary",
    "RelationshipMatrix",
    "RelationshipThresholds",
    "contact_summary",
    "recommended_relationship",
    "relationship_gap",
    "relationship_type",
]

#: The five levels, lowest first (the order of the ranked labels).
RELATIONSHIP_TYPES = ("basic", "reactive", "accountable", "proactive", "partnership")
#: Who started a contact.
INITIATORS = ("customer", "company")
#: What a contact was about.
CONTACT_KINDS = (
    "sale",
    "complaint",
    "inquiry",
    "follow_up",
    "suggestion",
    "new_product",
    "joint_project",
    "other",
)
NO_SALE = "no_sale"
UNKNOWN = "unknown"
GAPS = ("under_served", "matched", "over_served")
CUSTOMER_LEVELS = ("many", "medium", "few")
MARGIN_LEVELS = ("high", "medium", "low")

_ZH = {
    "basic": "基本型",
    "reactive": "被动型",
    "accountable": "负责型",
    "proactive": "能动型",
    "partnership": "伙伴型",
    NO_SALE: "未成交",
    UNKNOWN: "未知",
    "under_served": "服务不足",
    "matched": "匹配",
    "over_served": "服务过度",
}
_LANGS = ("en", "zh")

_INITIATOR_ALIASES = {
    "客户": 0,
    "顾客": 0,
    "client": 0,
    "公司": 1,
    "企业": 1,
    "商家": 1,
    "business": 1,
    "seller": 1,
}
_KIND_ALIASES = {
    "销售": 0,
    "成交": 0,
    "购买": 0,
    "purchase": 0,
    "投诉": 1,
    "咨询": 2,
    "question": 2,
    "回访": 3,
    "跟进": 3,
    "followup": 3,
    "建议": 4,
    "advice": 4,
    "新品": 5,
    "新产品": 5,
    "新品推荐": 5,
    "合作项目": 6,
    "合作": 6,
    "project": 6,
    "其他": 7,
    "其它": 7,
}
_TYPE_ALIASES: dict[str, int] = {
    **{_ZH[t]: i for i, t in enumerate(RELATIONSHIP_TYPES)},
    NO_SALE: MISSING,
    UNKNOWN: MISSING,
    _ZH[NO_SALE]: MISSING,
    _ZH[UNKNOWN]: MISSING,
}
_CUSTOMER_ALIASES = {"多": 0, "中": 1, "中等": 1, "少": 2, "mid": 1, "moderate": 1}
_MARGIN_ALIASES = {"高": 0, "中": 1, "中等": 1, "低": 2, "mid": 1, "moderate": 1}

_I64_MIN = np.iinfo(np.int64).min
_I64_MAX = np.iinfo(np.int64).max

# Row classes of the contact log, counted per customer in one bincount.
_NOT_COUNTED = 0  # before the first sale, or the customer has no sale
_SALE = 1
_CO_FOLLOW_UP = 2
_CO_SUGGESTION = 3
_CO_NEW_PRODUCT = 4
_CO_JOINT = 5
_CO_OTHER = 6
_CU_JOINT = 7
_CU_OTHER = 8
_UNKNOWN_ROW = 9  # missing kind, or missing initiator of a kind it decides
_UNKNOWN_JOINT = 10  # a joint project of missing initiator
_N_CLASSES = 11


def _row_class_table() -> np.ndarray:
    """Row class by ``(initiator + 1, kind + 1)`` (code -1: missing)."""
    k = len(CONTACT_KINDS)
    kind = {name: i + 1 for i, name in enumerate(CONTACT_KINDS)}
    table = np.full((3, k + 1), _UNKNOWN_ROW, dtype=np.uint8)
    table[1, 1:] = _CU_OTHER
    table[1, kind["joint_project"]] = _CU_JOINT
    table[2, 1:] = _CO_OTHER
    table[2, kind["follow_up"]] = _CO_FOLLOW_UP
    table[2, kind["suggestion"]] = _CO_SUGGESTION
    table[2, kind["new_product"]] = _CO_NEW_PRODUCT
    table[2, kind["joint_project"]] = _CO_JOINT
    # the kinds whose facts do not depend on who started them: a sale is a
    # sale, a joint project a joint project (still an unknown contact: the
    # initiator decides whether it is a customer contact)
    table[:, kind["sale"]] = _SALE
    table[0, kind["joint_project"]] = _UNKNOWN_JOINT
    return table.ravel()


_ROW_CLASS = _row_class_table()


def _lang(lang: Any) -> str:
    return v.choice(lang, "lang", _LANGS)


def _translated(names: Sequence[str], lang: str) -> tuple[str, ...]:
    return tuple(names) if lang == "en" else tuple(_ZH[n] for n in names)


# --------------------------------------------------------------------------
# contact_summary


def _first_sale_rows(first_sale: Any) -> tuple[Any, np.ndarray]:
    """Customer ids and first-sale dates from *first_sale*."""
    if isinstance(first_sale, CustomerFacts):
        return first_sale.customer_id, first_sale.first_purchase
    if is_pandas(first_sale) and not hasattr(first_sale, "columns"):
        return first_sale.index, v.as_datetime(first_sale, "first_sale", nan="allow")
    if isinstance(first_sale, tuple) and len(first_sale) == 2:
        ids, dates = first_sale
        try:  # two pandas columns of one tuple: the same rows, in one order
            common_index(ids=ids, dates=dates)
        except InputError:
            raise InputError(
                "first_sale",
                "is a tuple (ids, dates) of two pandas columns with different "
                "indexes: pairing them by position would give customers each "
                "other's first sale",
                fix="take both from one table in one row order (e.g. "
                "(sales['id'], sales['first'])), or align the dates first "
                "(dates.reindex(ids.index))",
            ) from None
        return ids, v.as_datetime(dates, "first_sale", nan="allow")
    raise InputError(
        "first_sale",
        f"must be CustomerFacts, a pandas Series of dates indexed by customer id, "
        f"or a tuple (ids, dates): got {type(first_sale).__name__}",
        fix="pass summarize(...) for the first purchase from transactions",
    )


def _combined_ids(contacts: Any, others: Any) -> Any:
    """The contacts' ids followed by *others*, as one array of one kind;
    ids of two kinds (text in the log, integers in *first_sale*) are an
    :class:`InputError` naming *first_sale*, since no id would match, and so
    is a missing id in *others* (at its row there)."""
    a = _id_values(contacts, "customer")
    b = _id_values(others, "first_sale")
    # refused here, under its own name and rows: grouped after the log's
    # ids, a missing one would be blamed on 'customer', past its last row
    _refuse_missing_values(
        b, "first_sale", "drop the entries without a customer or give them an id"
    )
    a, b = whole_ids(a, b)  # 17850.0 is customer 17850 (as summarize has it)
    kind_a, kind_b = id_kind(a), id_kind(b)
    if kind_a != kind_b and len(a) and len(b):
        raise InputError(
            "first_sale",
            f"holds {kind_b} as customer ids but the contacts' 'customer' holds "
            f"{kind_a}: pairing them mixes ids of different types, which are "
            "never one customer, so no id would match",
            fix="store the ids the same way in both (a CSV file's ids are read "
            "as text): convert the contacts' ids (e.g. .astype(str) or "
            ".astype(int)), or the ids given to summarize",
        )
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype:
        return np.concatenate([a, b])
    return np.concatenate([np.asarray(a, dtype=object), np.asarray(b, dtype=object)])


def _as_dates(days: np.ndarray, missing: np.ndarray) -> np.ndarray:
    out = days.astype(np.int64, copy=True)
    out[missing] = _I64_MIN
    return out.view("datetime64[D]")


@attrs.frozen(eq=False)
class ContactSummary:
    """Contact facts per customer, as aligned arrays sorted by ``customer_id``.

    Made by :func:`contact_summary`. Contacts "after the sale" are the
    contacts other than sales dated on or after the day of the first sale,
    up to ``as_of``.

    Attributes
    ----------
    customer_id
        The customer ids, sorted ascending, one per customer.
    first_sale
        Day of the first sale (``datetime64[D]``; NaT: no sale recorded).
    sales
        Number of sale contacts.
    company_contacts, customer_contacts
        Contacts after the sale started by the company, by the customer.
    follow_ups, suggestions, new_products
        Company-initiated contacts after the sale of these kinds.
    days_to_follow_up
        Whole days from the first sale to the first company follow-up after
        it (``float64``; NaN: none).
    joint_projects
        Joint-project contacts after the sale, whoever started them.
    first_joint, last_joint
        Days of the first and last of them (NaT: none).
    joint_span_days
        Days from the first to the last joint-project contact (NaN: none).
    days_since_joint
        Days from the last joint-project contact to ``as_of`` (NaN: none).
    unknown_contacts
        Contacts after the sale whose initiator or kind is missing (a joint
        project of unknown initiator is in ``joint_projects`` too).
    last_contact
        Day of the customer's last contact of any kind (NaT: none).
    as_of
        The reference day (``datetime64[D]``).
    n_rows
        Contact rows used.
    """

    customer_id: np.ndarray
    first_sale: np.ndarray
    sales: np.ndarray
    company_contacts: np.ndarray
    customer_contacts: np.ndarray
    follow_ups: np.ndarray
    suggestions: np.ndarray
    new_products: np.ndarray
    days_to_follow_up: np.ndarray
    joint_projects: np.ndarray
    first_joint: np.ndarray
    last_joint: np.ndarray
    joint_span_days: np.ndarray
    days_since_joint: np.ndarray
    unknown_contacts: np.ndarray
    last_contact: np.ndarray
    as_of: np.datetime64
    n_rows: int

    def __len__(self) -> int:
        return len(self.customer_id)

    def columns(self) -> dict[str, np.ndarray]:
        """The per-customer arrays by name, in frame order (without the id).

        >>> s = contact_summary([1], ["2024-01-01"], ["company"], ["sale"])
        >>> list(s.columns())[:4]
        ['first_sale', 'sales', 'company_contacts', 'customer_contacts']
        """
        return {
            name: getattr(self, name)
            for name in (
                "first_sale",
                "sales",
                "company_contacts",
                "customer_contacts",
                "follow_ups",
                "suggestions",
                "new_products",
                "days_to_follow_up",
                "joint_projects",
                "first_joint",
                "last_joint",
                "joint_span_days",
                "days_since_joint",
                "unknown_contacts",
                "last_contact",
            )
        }

    def to_pandas(self) -> pd.DataFrame:
        """The facts as a DataFrame, one row per customer, indexed by
        ``customer_id`` (named); dates are ``datetime64[s]`` (NaT: none),
        day counts ``float64`` (NaN: none).

        >>> s = contact_summary(["a", "a", "b"],
        ...                     ["2024-01-01", "2024-01-04", "2024-01-02"],
        ...                     ["customer", "company", "customer"],
        ...                     ["sale", "follow_up", "complaint"])
        >>> s.to_pandas()[["first_sale", "follow_ups", "days_to_follow_up"]]
                    first_sale  follow_ups  days_to_follow_up
        customer_id
        a           2024-01-01           1                3.0
        b                  NaT           0                NaN
        """
        import pandas as pd

        data = {
            k: (a.astype("datetime64[s]") if a.dtype.kind == "M" else a)
            for k, a in self.columns().items()
        }
        return pd.DataFrame(
            data, index=to_pandas_index(self.customer_id, "customer_id")
        )

    def __repr__(self) -> str:
        return _display.short_repr(
            "ContactSummary",
            n=len(self),
            noun="customers",
            fields={
                "as_of": self.as_of,
                "first_sale": self.first_sale,
                "company_contacts": self.company_contacts,
                "customer_contacts": self.customer_contacts,
                "joint_projects": self.joint_projects,
                "n_rows": self.n_rows,
            },
        )

    def _repr_html_(self) -> str:
        return _display.columns_table(
            f"ContactSummary: {len(self)} customers, "
            f"as of {_display.format_value(self.as_of)}",
            {"customer_id": self.customer_id, **self.columns()},
            note=f"{self.n_rows} contacts used",
        )


def contact_summary(
    customer: Any,
    date: Any,
    initiator: Any,
    kind: Any,
    *,
    first_sale: Any = None,
    as_of: Any = None,
) -> ContactSummary:
    """Per-customer contact facts from a contact log (one row per contact).

    Parameters
    ----------
    customer
        Customer id of each contact.
    date
        Date (or timestamp) of each contact; contacts are counted by calendar
        day.
    initiator
        Who started the contact: ``"customer"`` or ``"company"`` (also
        ``"客户"``, ``"顾客"``, ``"公司"``, ``"企业"``, ``"商家"``). Missing:
        the contact is counted in ``unknown_contacts``; a sale still counts
        as a sale, and a joint project (a joint project whoever started it)
        in ``joint_projects`` and the joint days as well.
    kind
        What the contact was: one of :data:`CONTACT_KINDS` (``"sale"``,
        ``"complaint"``, ``"inquiry"``, ``"follow_up"``, ``"suggestion"``,
        ``"new_product"``, ``"joint_project"``, ``"other"``) or a Chinese
        name (``"销售"``, ``"投诉"``, ``"咨询"``, ``"回访"``, ``"建议"``,
        ``"新品"``, ``"合作项目"``, ``"其他"``). Missing: counted in
        ``unknown_contacts``, before the first sale too (it could be a
        sale).
    first_sale
        First sales recorded elsewhere: :class:`~custseg.CustomerFacts` (the
        first purchase of :func:`~custseg.summarize`), a pandas Series of
        dates indexed by customer id, or a tuple ``(ids, dates)`` (paired by
        position: two pandas columns must have the same index). A
        customer's first sale is the earliest of these and of their sale
        contacts; customers listed here without a contact get a row too
        (with no contact after the sale: ``basic``).
    as_of
        The reference day for ``days_since_joint``; default the day after the
        last contact (or first sale). Contacts after it are refused.

    Returns
    -------
    ContactSummary
        One entry per customer, sorted by customer id.

    Raises
    ------
    InputError
        Missing customer ids or dates, unknown initiators or kinds, columns
        of different lengths, contacts after *as_of*, ids of another kind in
        *first_sale* than in *customer* (integers and text: none would
        match), missing ids in *first_sale* (named ``first_sale``, at their
        row there), a tuple ``(ids, dates)`` of pandas columns with
        different indexes.

    Examples
    --------
    >>> s = contact_summary(
    ...     customer=[1, 1, 1, 2, 2],
    ...     date=["2024-03-01", "2024-03-04", "2024-04-10", "2024-03-02", "2024-05-01"],
    ...     initiator=["customer", "company", "company", "customer", "customer"],
    ...     kind=["sale", "follow_up", "new_product", "sale", "complaint"],
    ... )
    >>> s.days_to_follow_up.tolist(), s.customer_contacts.tolist()
    ([3.0, nan], [0, 1])
    >>> relationship_type(s).to_numpy().tolist()
    ['accountable', 'reactive']
    """
    common_row_index(customer=customer, date=date, initiator=initiator, kind=kind)
    dates = v.as_datetime(date, "date")
    days = v.to_days(dates)
    n = len(days)
    init = as_category(initiator, "initiator", INITIATORS, aliases=_INITIATOR_ALIASES)
    kinds = as_category(kind, "kind", CONTACT_KINDS, aliases=_KIND_ALIASES)
    if (
        isinstance(customer, str | bytes | dict | set)
        or not hasattr(customer, "__len__")
        or getattr(customer, "ndim", 1) == 0  # a 0-d array has no len()
    ):
        raise InputError(
            "customer",
            f"must be an array-like of ids, got {type(customer).__name__}"
            + (" of 0 dimensions" if getattr(customer, "ndim", 1) == 0 else ""),
            fix="pass a list, NumPy array or pandas Series",
        )
    v.check_same_length(
        date=dates,
        customer=np.broadcast_to(np.int8(0), (len(customer),)),
        initiator=init,
        kind=kinds,
    )

    ext_days = None
    if first_sale is None:
        groups = _group_ids(customer, "customer")
        codes = groups.codes
    else:
        ext_ids, ext_dates = _first_sale_rows(first_sale)
        if len(ext_ids) != len(ext_dates):
            raise InputError("first_sale", "has ids and dates of different lengths")
        groups = _group_ids(_combined_ids(customer, ext_ids), "customer")
        codes, ext_codes = groups.codes[:n], groups.codes[n:]
        ext_days = v.to_days(ext_dates)
        known = ext_days != _I64_MIN
        ext_codes, ext_days = ext_codes[known], ext_days[known]

    last_day = max(
        int(days.max()) if n else _I64_MIN,
        int(ext_days.max()) if ext_days is not None and len(ext_days) else _I64_MIN,
    )
    if as_of is None:
        if last_day == _I64_MIN:
            raise InputError(
                "date",
                "is empty, so there is no default as_of",
                fix="pass as_of explicitly",
            )
        as_of_day = last_day + 1
    else:
        as_of_day = v.day_number(as_of, "as_of", like=date)
        late = days > as_of_day
        if late.any():
            first, count = v.first_offender(late)
            raise InputError(
                "date",
                f"has contacts after as_of ({np.datetime64(as_of_day, 'D')})",
                first_row=first,
                n_rows=count,
                fix="drop the later contacts or pass a later as_of",
            )
        if ext_days is not None and (ext_days > as_of_day).any():
            raise InputError(
                "first_sale",
                f"has first sales after as_of ({np.datetime64(as_of_day, 'D')})",
                fix="pass a later as_of, or the facts of the same period",
            )
    return _summarize_contacts(
        groups,
        codes,
        days,
        init,
        kinds,
        ext_days,
        ext_codes if ext_days is not None else None,
        as_of_day,
    )


def _summarize_contacts(
    groups: _Groups,
    codes: np.ndarray,
    days: np.ndarray,
    init: np.ndarray,
    kinds: np.ndarray,
    ext_days: np.ndarray | None,
    ext_codes: np.ndarray | None,
    as_of_day: int,
) -> ContactSummary:
    size = groups.size
    n = len(days)
    is_sale = kinds == 0
    sale_day = np.full(size, _I64_MAX, dtype=np.int64)
    np.minimum.at(sale_day, codes[is_sale], days[is_sale])
    if ext_days is not None and ext_codes is not None:
        np.minimum.at(sale_day, ext_codes, ext_days)
    # after the sale: on or after the first sale day (no sale: never); a
    # contact of unknown kind counts wherever it is, since it could itself
    # be a sale (the first one, or the only one)
    counted = days >= sale_day[codes]
    counted |= is_sale
    counted |= kinds < 0
    row_class = _ROW_CLASS[
        (init.astype(np.intp) + 1) * (len(CONTACT_KINDS) + 1) + kinds + 1
    ]
    row_class *= counted
    key = codes * _N_CLASSES
    key += row_class
    counts = np.bincount(key, minlength=size * _N_CLASSES).reshape(size, _N_CLASSES)

    def first_last(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lo = np.full(size, _I64_MAX, dtype=np.int64)
        hi = np.full(size, _I64_MIN, dtype=np.int64)
        c, d = codes[mask], days[mask]
        np.minimum.at(lo, c, d)
        np.maximum.at(hi, c, d)
        return lo, hi

    follow = np.full(size, _I64_MAX, dtype=np.int64)
    mask = row_class == _CO_FOLLOW_UP
    np.minimum.at(follow, codes[mask], days[mask])
    joint_lo, joint_hi = first_last(
        (row_class == _CO_JOINT)
        | (row_class == _CU_JOINT)
        | (row_class == _UNKNOWN_JOINT)
    )
    last = np.full(size, _I64_MIN, dtype=np.int64)
    np.maximum.at(last, codes, days)

    keep = groups.compact
    sale_day, follow, joint_lo, joint_hi, last = (
        keep(sale_day),
        keep(follow),
        keep(joint_lo),
        keep(joint_hi),
        keep(last),
    )
    counts = counts if groups.keep is None else counts[groups.keep]
    no_sale = sale_day == _I64_MAX
    no_follow = follow == _I64_MAX
    no_joint = joint_hi == _I64_MIN

    def span(a: np.ndarray, b: np.ndarray, missing: np.ndarray) -> np.ndarray:
        out = (b - a).astype(np.float64)
        out[missing] = np.nan
        return out

    return ContactSummary(
        customer_id=groups.ids,
        first_sale=_as_dates(sale_day, no_sale),
        sales=counts[:, _SALE].copy(),
        company_contacts=counts[:, _CO_FOLLOW_UP : _CO_OTHER + 1].sum(axis=1),
        customer_contacts=counts[:, _CU_JOINT] + counts[:, _CU_OTHER],
        follow_ups=counts[:, _CO_FOLLOW_UP].copy(),
        suggestions=counts[:, _CO_SUGGESTION].copy(),
        new_products=counts[:, _CO_NEW_PRODUCT].copy(),
        days_to_follow_up=span(
            np.where(no_sale, 0, sale_day), np.where(no_follow, 0, follow), no_follow
        ),
        joint_projects=counts[:, _CO_JOINT]
        + counts[:, _CU_JOINT]
        + counts[:, _UNKNOWN_JOINT],
        first_joint=_as_dates(joint_lo, no_joint),
        last_joint=_as_dates(joint_hi, no_joint),
        joint_span_days=span(
            np.where(no_joint, 0, joint_lo), np.where(no_joint, 0, joint_hi), no_joint
        ),
        days_since_joint=span(
            np.where(no_joint, 0, joint_hi), np.full(len(joint_hi), as_of_day), no_joint
        ),
        unknown_contacts=counts[:, _UNKNOWN_ROW] + counts[:, _UNKNOWN_JOINT],
        last_contact=_as_dates(last, last == _I64_MIN),
        as_of=np.datetime64(as_of_day, "D"),
        n_rows=n,
    )


# --------------------------------------------------------------------------
# relationship_type


def _positive_days(value: Any, field: str) -> float:
    x = v.number_param(value, field)
    if not math.isfinite(x) or x <= 0:
        raise ThresholdError(f"{field!r} must be a finite number of days > 0: got {x}")
    return x


def _follow_up_days(value: Any) -> float:
    return _positive_days(value, "follow_up_days")


def _partnership_days(value: Any) -> float:
    x = v.number_param(value, "partnership_days")
    if not math.isfinite(x) or x < 0:
        raise ThresholdError(
            f"'partnership_days' must be a finite number of days >= 0: got {x}"
        )
    return x


def _within_days(value: Any) -> float | None:
    return None if value is None else _positive_days(value, "partnership_within_days")


def _whole_count(value: Any, field: str) -> int:
    x = v.number_param(value, field)
    if not x.is_integer() or x < 1:
        raise ThresholdError(
            f"{field!r} must be a whole number >= 1: got {v.describe(value)}"
        )
    return int(x)


def _proactive_contacts(value: Any) -> int:
    return _whole_count(value, "proactive_contacts")


def _partnership_projects(value: Any) -> int:
    return _whole_count(value, "partnership_projects")


@attrs.frozen
class RelationshipThresholds:
    """What makes each relationship level, for :func:`relationship_type`.

    Only contacts after the first sale count (see :func:`contact_summary`).
    Intervals are half-open.

    Parameters
    ----------
    follow_up_days
        Accountable: the company's first follow-up comes within this many
        days of the first sale, days ``[0, follow_up_days)``.
    proactive_contacts
        Proactive: at least this many company-initiated suggestions and
        new-product contacts together, ``[proactive_contacts, inf)``.
    partnership_projects
        Partnership: at least this many joint-project contacts,
    partnership_days
        spanning at least this many days from the first to the last,
    partnership_within_days
        and, when given, the last of them fewer than this many days before
        ``as_of`` (ongoing work, ``[0, partnership_within_days)``); ``None``
        (the default) asks nothing about how recent they are.

    Examples
    --------
    >>> RelationshipThresholds()
    RelationshipThresholds(follow_up_days=30.0, proactive_contacts=2, partnership_projects=2, partnership_days=90.0, partnership_within_days=None)
    >>> RelationshipThresholds(follow_up_days=0)
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'follow_up_days' must be a finite number of days > 0: got 0.0
    """

    follow_up_days: float = attrs.field(default=30, converter=_follow_up_days)
    proactive_contacts: int = attrs.field(default=2, converter=_proactive_contacts)
    partnership_projects: int = attrs.field(default=2, converter=_partnership_projects)
    partnership_days: float = attrs.field(default=90, converter=_partnership_days)
    partnership_within_days: float | None = attrs.field(
        default=None, converter=_within_days
    )

    def _repr_html_(self) -> str:
        fmt = _display.format_value
        within = self.partnership_within_days
        rows: list[list[Any]] = [
            ["partnership", "joint projects >=", self.partnership_projects],
            ["partnership", "their span in days >=", self.partnership_days],
            [
                "partnership",
                "days since the last <",
                "any" if within is None else within,
            ],
            ["proactive", "suggestions + new products >=", self.proactive_contacts],
            ["accountable", "days to the first follow-up <", self.follow_up_days],
            ["reactive", "customer contacts >=", 1],
            ["basic", "none of the above", ""],
        ]
        return _display.html_table(
            "RelationshipThresholds: the first level that holds, from the top "
            f"(contacts on or after the first sale; {fmt(NO_SALE)} without one)",
            ["type", "condition", "value"],
            rows,
        )


_NEEDED = (
    "first_sale",
    "customer_contacts",
    "days_to_follow_up",
    "suggestions",
    "new_products",
    "joint_projects",
    "joint_span_days",
)


def _columns(facts: Any, within: bool) -> tuple[dict[str, Any], Any]:
    """The columns :func:`relationship_type` reads, and the index of the result."""
    wanted = (*_NEEDED, "unknown_contacts", *(("days_since_joint",) if within else ()))
    if isinstance(facts, ContactSummary):
        cols = {k: getattr(facts, k) for k in wanted}
        return cols, to_pandas_index(facts.customer_id, "customer_id")
    other = v.other_frame_columns(facts, "contacts")
    if other is not None:  # a Polars DataFrame, a PyArrow Table: rows in order
        facts = other
    # a mapping or a frame: anything with keys() (a result such as
    # CustomerFacts, whose columns are not these, is refused by its type)
    if not (isinstance(facts, Mapping) or callable(getattr(facts, "keys", None))):
        raise InputError(
            "contacts",
            f"must be a ContactSummary, a DataFrame (pandas or Polars), a PyArrow "
            f"Table or a mapping of columns: got "
            f"{type(facts).__name__}",
            fix="pass contact_summary(...)",
        )
    names = list(facts.keys())
    missing = [k for k in wanted if k not in names and k != "unknown_contacts"]
    if missing:
        raise InputError(
            "contacts",
            f"has no column {', '.join(repr(m) for m in missing)}",
            fix="pass contact_summary(...) or name the columns as ContactSummary does",
        )
    cols = {k: facts[k] for k in wanted if k in names}
    return cols, common_index(**cols)


#: the columns of ContactSummary that count contacts or projects (whole
#: numbers); the others are day spans
_COUNT_COLUMNS = frozenset(
    {"customer_contacts", "suggestions", "new_products", "joint_projects",
     "unknown_contacts"}
)  # fmt: skip


def _counts(x: Any, field: str, cuts: Sequence[float | None] = ()) -> np.ndarray:
    """A column of counts (:data:`_COUNT_COLUMNS`: whole numbers) or day
    spans, >= 0 (NaN: unknown), read as the status functions read theirs."""
    if field in _COUNT_COLUMNS:
        return _whole_counts(x, field, cuts)
    return _amounts(x, field, negative=False, cuts=cuts)


def _relationship_level(
    arrays: dict[str, np.ndarray], t: RelationshipThresholds, within: bool, *, fill: str
) -> np.ndarray:
    """The type code (0 basic .. 4 partnership) of every row, its missing
    facts filled as little (``fill="low"``) or as much (``"high"``) as can be.

    >>> a = {k: np.array([np.nan]) for k in ("customer_contacts", "suggestions",
    ...      "new_products", "joint_projects", "joint_span_days")}
    >>> a["days_to_follow_up"] = np.array([3.0])
    >>> t = RelationshipThresholds()
    >>> [int(_relationship_level(a, t, False, fill=f)[0]) for f in ("low", "high")]
    [2, 4]
    """
    high = fill == "high"

    def get(name: str, most: float, least: float) -> np.ndarray:
        x = arrays[name]
        if x.dtype.kind != "f":
            return x
        return np.where(np.isnan(x), most if high else least, x)

    inf = np.inf
    customer = get("customer_contacts", inf, 0.0)
    proactive = get("suggestions", inf, 0.0) + get("new_products", inf, 0.0)
    joint = get("joint_projects", inf, 0.0)
    span = get("joint_span_days", inf, -inf)
    level = np.zeros(len(customer), dtype=np.int8)
    level[customer >= 1] = 1
    # a missing days_to_follow_up is no follow-up: a fact, not a gap
    level[arrays["days_to_follow_up"] < t.follow_up_days] = 2
    level[proactive >= t.proactive_contacts] = 3
    partner = (joint >= t.partnership_projects) & (span >= t.partnership_days)
    if within:
        since = get("days_since_joint", 0.0, inf)
        partner &= since < t.partnership_within_days
    level[partner] = 4
    return level


def relationship_type(
    contacts: Any,
    thresholds: RelationshipThresholds | None = None,
    *,
    lang: str = "en",
) -> Labels:
    """The relationship level each customer's contacts show.

    The first level whose condition holds, from the top (see
    :class:`RelationshipThresholds` for the numbers):

    1. **partnership**: enough joint-project contacts over a long enough
       span (and recent enough, if asked);
    2. **proactive**: enough company suggestions and new-product contacts;
    3. **accountable**: a company follow-up shortly after the first sale;
    4. **reactive**: at least one customer-initiated contact after the sale;
    5. **basic**: none of the above: no contact after the sale, or only
       company contacts too few or too late to reach a level.

    Customers without a sale are ``no_sale``. A customer with contacts of
    unknown initiator or kind (``unknown_contacts``, or a missing count of
    them) is ``unknown`` unless the known contacts already reach
    partnership: the unknown contacts could raise their level, or be an
    earlier sale. So is a customer without a known sale but with a contact
    of unknown kind: that contact could be the sale. A missing count of
    the other kinds (or a missing span) leaves the type ``unknown`` only
    when it could change it: the type is the one every value of the
    missing facts gives, as :func:`custseg.loyalty_level` decides partial
    answers (a follow-up on day 3 is ``accountable`` whatever the missing
    number of customer calls; it could not be ``proactive`` with two
    suggestions known).

    Parameters
    ----------
    contacts
        A :class:`ContactSummary`, or a DataFrame or mapping with its columns
        ``first_sale``, ``customer_contacts``, ``days_to_follow_up``,
        ``suggestions``, ``new_products``, ``joint_projects``,
        ``joint_span_days`` (``unknown_contacts`` optional;
        ``days_since_joint`` when the thresholds ask for recent joint work).
        NaN day counts mean "none", except beside enough joint projects
        (or a missing count of them): a missing ``joint_span_days`` (or
        ``days_since_joint``, when asked) then leaves partnership
        undecided, so the customer is ``unknown``.
    thresholds
        Default :class:`RelationshipThresholds`.
    lang
        ``"en"`` or ``"zh"`` (基本型 被动型 负责型 能动型 伙伴型 未成交 未知).

    Returns
    -------
    Labels
        Ordered: basic < reactive < accountable < proactive < partnership,
        then ``no_sale`` and ``unknown``; indexed by customer id for a
        ContactSummary, by the frame's index for a DataFrame.

    Raises
    ------
    InputError
        A missing column, negative counts.

    Examples
    --------
    >>> facts = {
    ...     "first_sale": ["2024-01-01"] * 5 + [None],
    ...     "customer_contacts": [0, 2, 0, 0, 1, 0],
    ...     "days_to_follow_up": [float("nan"), float("nan"), 29, 30, 3, float("nan")],
    ...     "suggestions": [0, 0, 0, 1, 1, 0],
    ...     "new_products": [0, 0, 0, 1, 1, 0],
    ...     "joint_projects": [0, 0, 0, 0, 3, 0],
    ...     "joint_span_days": [float("nan")] * 4 + [120, float("nan")],
    ... }
    >>> relationship_type(facts).to_numpy().tolist()
    ['basic', 'reactive', 'accountable', 'proactive', 'partnership', 'no_sale']
    >>> relationship_type(facts, lang="zh").to_numpy().tolist()
    ['基本型', '被动型', '负责型', '能动型', '伙伴型', '未成交']
    """
    t = RelationshipThresholds() if thresholds is None else thresholds
    if not isinstance(t, RelationshipThresholds):
        raise ThresholdError(
            f"'thresholds' must be a RelationshipThresholds: got {type(t).__name__}"
        )
    lang = _lang(lang)
    within = t.partnership_within_days is not None
    cols, index = _columns(contacts, within)
    has_sale = ~np.isnat(v.as_datetime(cols["first_sale"], "first_sale", nan="allow"))
    cuts: dict[str, tuple[float | None, ...]] = {
        "customer_contacts": (1.0,),
        "days_to_follow_up": (t.follow_up_days,),
        "suggestions": (float(t.proactive_contacts),),
        "new_products": (float(t.proactive_contacts),),
        "joint_projects": (float(t.partnership_projects),),
        "joint_span_days": (t.partnership_days,),
        "days_since_joint": (t.partnership_within_days,),
    }
    arrays = {
        k: _counts(x, k, cuts.get(k, ())) for k, x in cols.items() if k != "first_sale"
    }
    v.check_same_length(first_sale=has_sale, **arrays)
    n = len(has_sale)
    # A missing count, span or day count is filled in both ways: as little as
    # can be (no contact, no span, no recent joint work) and as much as can
    # be. The type is monotone in every one of them, so it is decided when
    # the two agree: a follow-up on day 3 is accountable whatever the
    # customer's own (missing) number of calls, never unknown.
    low = _relationship_level(arrays, t, within, fill="low")
    high = _relationship_level(arrays, t, within, fill="high")
    level = low.copy()
    unknown = low != high
    partner = low == 4
    # without a known sale: no_sale, unless a contact of unknown kind (which
    # could be the sale), or a missing count of them, makes it unknown
    maybe = np.zeros(n, dtype=bool)
    if "unknown_contacts" in arrays:
        odd = arrays["unknown_contacts"]
        maybe = odd > 0
        if odd.dtype.kind == "f":
            maybe |= np.isnan(odd)
    # a missing count or a contact of unknown kind leaves the level open,
    # unless the known facts already make the top level (checked first)
    unknown = (unknown | maybe) & ~partner
    level[np.where(has_sale, unknown, maybe)] = 6
    level[~has_sale & ~maybe] = 5
    names = (*RELATIONSHIP_TYPES, NO_SALE, UNKNOWN)
    return Labels(
        level, _translated(names, lang), ordered=True, index=index, name="relationship"
    )


# --------------------------------------------------------------------------
# recommended_relationship


def _type_code(value: Any, field: str) -> str:
    """A relationship type name (English or Chinese) as its English name."""
    if isinstance(value, str):
        key = normalize(value)
        for i, name in enumerate(RELATIONSHIP_TYPES):
            if key in (name, _ZH[name]):
                return RELATIONSHIP_TYPES[i]
    raise ThresholdError(
        f"{field!r} must be one of {', '.join(repr(t) for t in RELATIONSHIP_TYPES)} "
        f"(or 基本型 被动型 负责型 能动型 伙伴型): got {v.describe(value)}"
    )


def _cells(value: Any) -> tuple[tuple[str, ...], ...]:
    rows = v._param_sequence(value, "cells", "rows")
    if len(rows) != len(CUSTOMER_LEVELS):
        raise ThresholdError(
            f"'cells' must have 3 rows (customers: many, medium, few): got {len(rows)}"
        )
    out = []
    for i, row in enumerate(rows):
        items = v._param_sequence(row, f"cells[{i}]", "relationship types")
        if len(items) != len(MARGIN_LEVELS):
            raise ThresholdError(
                f"'cells[{i}]' ({CUSTOMER_LEVELS[i]} customers) must have 3 entries "
                f"(margin: high, medium, low): got {len(items)}"
            )
        out.append(
            tuple(
                _type_code(
                    x,
                    f"cells[{i}][{j}] ({CUSTOMER_LEVELS[i]} customers, {MARGIN_LEVELS[j]} margin)",
                )
                for j, x in enumerate(items)
            )
        )
    return tuple(out)


@attrs.frozen
class RelationshipMatrix:
    """The relationship level that fits, by number of customers and margin.

    Parameters
    ----------
    cells
        Three rows (customers: many, medium, few) of three relationship
        types (margin: high, medium, low), in English or Chinese. The default
        is Kotler's matrix:

        ============  ===========  ===========  ===========
        customers     high margin  medium       low
        ============  ===========  ===========  ===========
        many          accountable  reactive     basic
        medium        proactive    accountable  reactive
        few           partnership  proactive    accountable
        ============  ===========  ===========  ===========

    Examples
    --------
    >>> m = RelationshipMatrix()
    >>> m.cell("few", "high"), m.cell("多", "低")
    ('partnership', 'basic')
    >>> m.with_cell("many", "high", "proactive").cell("many", "high")
    'proactive'
    >>> RelationshipMatrix([["basic"] * 3, ["basic"] * 3, ["basic", "basic", "friendly"]])
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'cells[2][2] (few customers, low margin)' must be one of 'basic', 'reactive', 'accountable', 'proactive', 'partnership' (or 基本型 被动型 负责型 能动型 伙伴型): got 'friendly'
    """

    cells: tuple[tuple[str, ...], ...] = attrs.field(
        default=(
            ("accountable", "reactive", "basic"),
            ("proactive", "accountable", "reactive"),
            ("partnership", "proactive", "accountable"),
        ),
        converter=_cells,
    )

    def cell(self, n_customers: str, margin: str) -> str:
        """The type in one cell.

        Parameters
        ----------
        n_customers
            ``"many"``, ``"medium"`` or ``"few"`` (``"多"``, ``"中"``, ``"少"``).
        margin
            ``"high"``, ``"medium"`` or ``"low"`` (``"高"``, ``"中"``, ``"低"``).

        Examples
        --------
        >>> KOTLER_MATRIX.cell("medium", "high")
        'proactive'
        """
        i = int(
            as_category(
                [n_customers], "n_customers", CUSTOMER_LEVELS, aliases=_CUSTOMER_ALIASES
            )[0]
        )
        j = int(
            as_category([margin], "margin", MARGIN_LEVELS, aliases=_MARGIN_ALIASES)[0]
        )
        if i < 0 or j < 0:
            raise ThresholdError("'n_customers' and 'margin' must be given")
        return self.cells[i][j]

    def with_cell(
        self, n_customers: str, margin: str, relationship: str
    ) -> RelationshipMatrix:
        """A copy with one cell changed.

        Parameters
        ----------
        n_customers
            The row: ``"many"``, ``"medium"`` or ``"few"`` (or Chinese).
        margin
            The column: ``"high"``, ``"medium"`` or ``"low"`` (or Chinese).
        relationship
            The new type (English or Chinese).

        Examples
        --------
        >>> KOTLER_MATRIX.with_cell("few", "low", "伙伴型").cell("few", "low")
        'partnership'
        """
        i = int(
            as_category(
                [n_customers], "n_customers", CUSTOMER_LEVELS, aliases=_CUSTOMER_ALIASES
            )[0]
        )
        j = int(
            as_category([margin], "margin", MARGIN_LEVELS, aliases=_MARGIN_ALIASES)[0]
        )
        if i < 0 or j < 0:
            raise ThresholdError("'n_customers' and 'margin' must be given")
        rows = [list(r) for r in self.cells]
        rows[i][j] = relationship
        return RelationshipMatrix(rows)

    def codes(self) -> np.ndarray:
        """The cells as type codes (0 basic .. 4 partnership), a 3 x 3 array.

        Rows are the numbers of customers (many, medium, few), columns the
        margins (high, medium, low); the codes index :data:`RELATIONSHIP_TYPES`.

        Examples
        --------
        >>> KOTLER_MATRIX.codes().tolist()
        [[2, 1, 0], [3, 2, 1], [4, 3, 2]]
        >>> RELATIONSHIP_TYPES[KOTLER_MATRIX.codes()[2, 0]]
        'partnership'
        """
        return np.array(
            [[RELATIONSHIP_TYPES.index(c) for c in row] for row in self.cells],
            dtype=np.int8,
        )

    def _repr_html_(self) -> str:
        rows = [
            [lvl, *row] for lvl, row in zip(CUSTOMER_LEVELS, self.cells, strict=True)
        ]
        return _display.html_table(
            "RelationshipMatrix: customers (rows) x profit margin (columns)",
            ["customers", *(f"{m} margin" for m in MARGIN_LEVELS)],
            rows,
        )


#: Kotler's matrix (the default of :func:`recommended_relationship`).
KOTLER_MATRIX = RelationshipMatrix()


def _breaks(value: Any, field: str) -> tuple[float, float]:
    b = v.number_tuple_param(value, field)
    if len(b) != 2 or not all(math.isfinite(x) for x in b) or not b[0] < b[1]:
        raise ThresholdError(
            f"{field!r} must be two finite increasing numbers (lo, hi): got {b}"
        )
    return b[0], b[1]


def _levels(
    x: Any,
    field: str,
    levels: Sequence[str],
    aliases: Mapping[str, int],
    breaks: Any,
    breaks_name: str,
) -> np.ndarray:
    """Level codes (0 the highest level) from names, or from numbers and
    ``(lo, hi)`` breaks: ``[hi, inf)`` code 0, ``[lo, hi)`` 1, below *lo* 2."""
    require_column(x, field)
    if breaks is None:
        try:
            return as_category(x, field, levels, aliases=aliases).astype(np.intp)
        except InputError as err:
            if "integer" not in err.problem and "numbers" not in err.problem:
                raise
            raise InputError(
                field,
                err.problem,
                first_row=err.first_row,
                n_rows=err.n_rows,
                fix=f"pass {breaks_name}=(lo, hi) to band numbers, or the level "
                f"names {', '.join(repr(x) for x in levels)}",
            ) from None
    lo, hi = _breaks(breaks, breaks_name)
    arr = v.as_numeric(x, field, nan="allow").astype(np.float64, copy=False)
    # x >= lo, x >= hi; margins banded by rates: x > 1 refused
    rates = field == "margin" and lo >= -1 and hi <= 1
    arr = exact_sides(
        x,
        arr,
        (lo, hi, 1.0) if rates else (lo, hi),
        move=("down", "down", "up") if rates else "down",
        field=field,
    )
    _check_scale(x, arr, field, lo, hi, breaks_name)
    band = np.searchsorted(np.array([lo, hi]), arr, side="right")  # [lo, hi) -> 1
    out = 2 - band
    out[np.isnan(arr)] = MISSING
    return out.astype(np.intp)


def _check_scale(
    x: Any, arr: np.ndarray, field: str, lo: float, hi: float, name: str
) -> None:
    """Refuse negative numbers of customers (fractions are averages), and
    margins above 1 banded by rate breaks (``(0.1, 0.3)``): a margin of
    ``8`` meant as 8% would be read as high. *arr* is *x* as read; the value
    refused is quoted as given (a ``Decimal`` as written)."""
    with np.errstate(invalid="ignore"):
        if field == "n_customers":
            # (fractions allowed: an average, customers a month)
            bad = arr < 0  # NaN: False
            problem, fix = (
                "has negative numbers of customers",
                "pass numbers >= 0 (NaN for unknown)",
            )
        else:
            bad = (arr > 1) if lo >= -1 and hi <= 1 else np.zeros(len(arr), bool)
            problem = f"has margins above 1 while {name}=({_display.number_text(lo)}, {_display.number_text(hi)}) are rates"
            fix = (
                f"pass margins as rates (8% is 0.08), or {name} on the scale of "
                "your numbers (margin_breaks=(10, 30) for percentages)"
            )
    if bad.any():
        first, count = v.first_offender(bad)
        value = v.describe_at(x, arr, first)
        hint = ""
        kind = v.above_one(float(arr[first])) if arr[first] > 1 else ""
        if field == "margin" and kind == "percentage":
            hint = " (it looks like a percentage)"
        elif field == "margin" and kind == "noise":
            hint = " (1 and rounding noise: clip at 1)"
        raise InputError(
            field,
            f"{problem}: {value}{hint}",
            first_row=first,
            n_rows=count,
            fix=fix,
        )


def _decided_matrix(cells: np.ndarray) -> np.ndarray:
    """The 3 x 3 type codes with a row and column 3 for a missing level.

    A missing level (row or column 3) gets the type every level in its
    place gives, else ``unknown`` (code 5), as :func:`loyalty_level`
    decides partial answers: a matrix whose ``many`` row is ``basic``
    throughout recommends ``basic`` to many customers of unknown margin.

    >>> m = RelationshipMatrix([["basic"] * 3, ["reactive"] * 3, ["proactive"] * 3])
    >>> _decided_matrix(m.codes())[:, 3].tolist()
    [0, 1, 3, 5]
    >>> _decided_matrix(KOTLER_MATRIX.codes())[3].tolist()
    [5, 5, 5, 5]
    """
    unknown = len(RELATIONSHIP_TYPES)
    table = np.full((4, 4), unknown, dtype=np.int8)
    table[:3, :3] = cells
    for i in range(3):
        if (cells[i] == cells[i, 0]).all():
            table[i, 3] = cells[i, 0]
        if (cells[:, i] == cells[0, i]).all():
            table[3, i] = cells[0, i]
    if (cells == cells[0, 0]).all():
        table[3, 3] = cells[0, 0]
    return table


def recommended_relationship(
    n_customers: Any,
    margin: Any,
    *,
    matrix: RelationshipMatrix = KOTLER_MATRIX,
    customers_breaks: Any = None,
    margin_breaks: Any = None,
    lang: str = "en",
) -> Labels:
    """The relationship level that fits, from Kotler's matrix.

    Parameters
    ----------
    n_customers
        How many customers the business (or product line) has: ``"many"``,
        ``"medium"``, ``"few"`` (``"多"``, ``"中"``, ``"少"``); or numbers with
        *customers_breaks*. Missing: ``unknown``, unless *matrix* gives
        one type for every number of customers at that margin.
    margin
        The profit margin: ``"high"``, ``"medium"``, ``"low"`` (``"高"``,
        ``"中"``, ``"低"``); or numbers (rates) with *margin_breaks*.
        Missing: ``unknown``, unless *matrix* gives one type for every
        margin at that number of customers (a row of one type).
    matrix
        The matrix; default :data:`KOTLER_MATRIX`.
    customers_breaks
        ``(lo, hi)``: numbers of customers below *lo* are few, ``[lo, hi)``
        medium, from *hi* on many.
    margin_breaks
        ``(lo, hi)``: margins below *lo* are low, ``[lo, hi)`` medium, from
        *hi* on high.
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    Labels
        Ordered: the five types, then ``unknown``.

    Raises
    ------
    InputError
        Unknown level names, inputs of different lengths; negative numbers
        of customers; margins above 1 with rate
        breaks (both within [-1, 1]): a percentage read as a rate.
    ThresholdError
        A bad matrix or bad breaks.

    Examples
    --------
    >>> recommended_relationship(["many", "少", "few", None], ["high", "高", "low", "low"]).to_numpy().tolist()
    ['accountable', 'partnership', 'accountable', 'unknown']
    >>> recommended_relationship([50, 5000], [0.45, 0.08], customers_breaks=(100, 1000),
    ...                          margin_breaks=(0.1, 0.3), lang="zh").to_numpy().tolist()
    ['伙伴型', '基本型']
    """
    if not isinstance(matrix, RelationshipMatrix):
        raise ThresholdError(
            f"'matrix' must be a RelationshipMatrix: got {type(matrix).__name__}"
        )
    lang = _lang(lang)
    index = common_index(n_customers=n_customers, margin=margin)
    c = _levels(
        n_customers,
        "n_customers",
        CUSTOMER_LEVELS,
        _CUSTOMER_ALIASES,
        customers_breaks,
        "customers_breaks",
    )
    m = _levels(
        margin, "margin", MARGIN_LEVELS, _MARGIN_ALIASES, margin_breaks, "margin_breaks"
    )
    v.check_same_length(n_customers=c, margin=m)
    codes = _decided_matrix(matrix.codes())[c, m]  # -1 (missing): row / column 3
    names = (*RELATIONSHIP_TYPES, UNKNOWN)
    return Labels(
        codes,
        _translated(names, lang),
        ordered=True,
        index=index,
        name="recommended_relationship",
    )


# --------------------------------------------------------------------------
# relationship_gap


def _type_codes(x: Any, field: str) -> np.ndarray:
    if isinstance(x, Labels):
        lookup = as_category(
            list(x.names), field, RELATIONSHIP_TYPES, aliases=_TYPE_ALIASES
        )
        return lookup.astype(np.int8)[x.codes]
    return as_category(x, field, RELATIONSHIP_TYPES, aliases=_TYPE_ALIASES)


def relationship_gap(current: Any, recommended: Any, *, lang: str = "en") -> Labels:
    """Whether each customer gets less, as much or more relationship than fits.

    Parameters
    ----------
    current
        The current type: :class:`~custseg.Labels` from
        :func:`relationship_type`, or type names (English or Chinese).
        ``no_sale``, ``unknown`` and missing values give ``unknown``.
    recommended
        The fitting type: Labels from :func:`recommended_relationship`, or
        names; one per customer.
    lang
        ``"en"`` or ``"zh"`` (服务不足 匹配 服务过度 未知).

    Returns
    -------
    Labels
        Ordered: ``under_served`` (current below recommended) < ``matched``
        < ``over_served``, then ``unknown``.

    Raises
    ------
    InputError
        Unknown type names, inputs of different lengths or indexes.

    Examples
    --------
    >>> relationship_gap(["basic", "proactive", "伙伴型", "no_sale"],
    ...                  ["accountable", "proactive", "accountable", "basic"]).to_numpy().tolist()
    ['under_served', 'matched', 'over_served', 'unknown']
    """
    lang = _lang(lang)
    require_column(current, "current")
    require_column(recommended, "recommended")
    a = _type_codes(current, "current")
    b = _type_codes(recommended, "recommended")
    v.check_same_length(current=a, recommended=b)
    ia, ib = index_of(current, "current"), index_of(recommended, "recommended")
    if (
        ia is not None
        and ib is not None
        and not paired("recommended", "current", ib, ia)
    ):
        raise InputError(
            "recommended",
            "has a different index from 'current'",
            fix="align them first, or pass NumPy arrays to ignore the indexes",
        )
    codes = (np.sign(a.astype(np.int16) - b) + 1).astype(np.int8)
    codes[(a < 0) | (b < 0)] = len(GAPS)
    names = (*GAPS, UNKNOWN)
    return Labels(
        codes,
        _translated(names, lang),
        ordered=True,
        index=ia if ia is not None else ib,
        name="relationship_gap",
    )
