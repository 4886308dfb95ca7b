"""The self-contained HTML report: one file a shop manager can open and mail.

:func:`report` segments the customers (or takes a computed
:class:`~custseg.frame.SegmentResult`) and builds one HTML page: the inputs
and their data quality, the rules and edges used, the segment summaries,
the R x F grid, Pareto and ABC, lifecycle, loyalty, relationship and
ownership mixes, the migration from an earlier run and the playbook per
class. The page needs no network: the styles and the small sorting script
are inline, the charts inline SVG drawn by :mod:`custseg.plot` (when
matplotlib, the ``plot`` extra, is installed; otherwise a note stands in
each chart's place).

The computing is done first (:func:`_parts`); the HTML is built from the
computed values by pure functions; only :meth:`Report.write` and the
command line touch files.
"""

from __future__ import annotations

import contextlib
import decimal
import difflib
import html as _html
import importlib.util
import inspect
import math
import os
import re
import shlex
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs
import numpy as np
import pandas as pd

from . import __version__, _display
from . import _validate as v
from ._exact import order_free_sums
from ._files import (
    _check_encoding,
    cents_text,
    check_date_format,
    in_file,
    parse_date_column,
    side_sep_fix,
    whole_cents,
    write_atomic,
)
from .errors import CustsegError, CustsegWarning, InputError, ThresholdError
from .frame import (
    _TX_FILE,
    PRESENT_ZH,
    SegmentResult,
    _abc_cutoffs,
    _fit_edges,
    _load_rules,
    _rows_of_file,
    _transactions_file,
    dropped_customers,
    read_transactions,
    segment,
    with_line_amounts,
)
from .labels import whole_numbers_first
from .lifecycle import _ZH_STAGES as lifecycle_zh
from .lifecycle import LifecycleWindows
from .migration import (
    TransitionMatrix,
    _transition_matrix,
    heatmap_classes,
    on_diagonal,
    outside_names,
)
from .orders import orders_from_lines
from .pareto import abc_edges as abc_edges_fit
from .pareto import spend_pareto
from .playbook import PLAYBOOK_NAMES, Playbook, actions, default_playbook
from .relationship import _ZH as relationship_zh
from .relationship import NO_SALE as RELATIONSHIP_NO_SALE
from .relationship import RELATIONSHIP_TYPES
from .relationship import UNKNOWN as RELATIONSHIP_UNKNOWN
from .rfm import ScoreEdges
from .segments import segment_summary, sum_and_mean

__all__ = ["LANGUAGES", "SECTIONS", "Report", "report"]

#: The languages of the report's own texts.
LANGUAGES = ("en", "zh")

#: The section ids, in the order they appear (a section whose inputs are
#: absent is left out).
SECTIONS = (
    "inputs",
    "rules",
    "segments",
    "rf-grid",
    "pareto",
    "lifecycle",
    "loyalty",
    "relationship",
    "ownership",
    "migration",
    "playbook",
)

PLOT_HINT = "pip install 'custseg[plot]'"

#: A classification with more classes has its table but no chart (a chart
#: draws one bar per class: an owner per customer would make it as heavy as
#: the customers).
MAX_CHART_CLASSES = 60

# --------------------------------------------------------------------------
# texts

_EN: dict[str, str] = {
    "title": "Customer segmentation report",
    "inputs": "Inputs and data quality",
    "rules": "Rules and edges",
    "segments": "Segments",
    "rf-grid": "R × F grid",
    "pareto": "Pareto and ABC",
    "lifecycle": "Lifecycle and status",
    "loyalty": "Loyalty",
    "relationship": "Relationship",
    "ownership": "Ownership",
    "migration": "Migration since the previous run",
    "playbook": "Playbook",
    "contents": "Contents",
    "as_of": "as of",
    "customers_word": "customers",
    "customer_word": "customer",
    "generated": "Made with custseg {version}. The file needs no network: "
    "charts and styles are inside it. Click a column header to sort a table.",
    "no_charts": "Chart not drawn: matplotlib is not installed. For the charts, "
    "install the plot extra: {hint}",
    "chart_failed": "Chart not drawn: {error}",
    "too_many_classes": "Chart not drawn: {n} classes, more than the {most} a "
    "chart shows; the table has them all.",
    # inputs
    "item": "item",
    "value": "value",
    "rows_in": "transaction rows in the input",
    "rows_used": "transactions used",
    "orders_used": "orders used (the lines of one {column} as one transaction)",
    "rows_after": "rows dated after as_of, dropped",
    "rows_no_customer": "rows without a customer id, dropped",
    "customers_after": "customers dropped with them (no row up to as_of)",
    "refunds": "refunds (amount < 0)",
    "refund_total": "refunds, total amount",
    "used_note": "Refunds, amounts of 0 and the first and last transaction "
    "count the transactions used: the rows dated after as_of are left out.",
    "zeros": "rows with amount 0",
    "zeros_ignored": "rows with amount 0, ignored (zero_amount='ignore')",
    "order_refunds": "refunds (orders netting < 0)",
    "order_zeros": "orders netting 0",
    "order_zeros_ignored": "orders netting 0, ignored (zero_amount='ignore')",
    "first_day": "first transaction",
    "last_day": "last transaction",
    "first_purchase": "first purchase",
    "last_purchase": "last purchase",
    "as_of_day": "reference day (as_of)",
    "customers": "customers",
    "buyers": "customers with a purchase",
    "refund_only": "customers with refunds only (no purchase)",
    "zero_only": "customers with amounts of 0 only, ignored (no purchase)",
    "records_rows": "customer records (rows)",
    "contacts_rows": "contact records (rows)",
    "contacts_after": "contact records dated after as_of, dropped",
    "records_only": "customers only in the records or contacts",
    "columns_used": "columns (customer, date, amount)",
    "frequency_mode": "F counts",
    "not_available": "not available (the report was given a computed result, "
    "not the transactions)",
    "quality_note": "Customers found only in the customer records or the "
    "contacts have no purchase: frequency 0, no recency, no RFM scores.",
    # rules
    "rules_name": "rules",
    "no_rules": "none: the spine only (RFM scores, lifecycle stage, ABC class)",
    "description": "description",
    "score": "score",
    "edges_title": "RFM scores: the value ranges of each score",
    "empty_score": "empty (equal edges)",
    "edges_note": "R counts days since the last purchase (fewer is better), F "
    "purchases, M net spend. A value must be strictly better than an edge to "
    "pass it. Edges are shown at the decimal places of the data (an edge fitted "
    "between 237.70 and 237.71 reads 237.70 or 237.71, keeping the same values in "
    "each range); the exact edges are in the result's edges.",
    "how": "edges",
    "fixed": "fixed by the rules",
    "fitted": "quantiles of the buyers",
    "given": "given",
    "dimension": "dimension",
    "abc_title": "ABC classes",
    "abc_note": "A: the top customers up to {a} of the revenue, B: up to {b}, "
    "C: the rest. A from {a_min}, B from {b_min} per customer.",
    "abc_note_rank": "A: the top {a} of the customers by revenue, B: the top "
    "{b}, C: the rest. A from {a_min}, B from {b_min} per customer.",
    "abc_note_edges": "Fixed edges: A from {a_min}, B from {b_min} per "
    "customer, C below.",
    "no_abc": "Nobody spent anything: every customer is C.",
    "positive_basis": "These shares are of the positive spends, {positive} in "
    "all: the {n} with net spend below 0 ({negative} in all) {count} as "
    "spending 0. The revenue share of the tables is of the net revenue, {net}.",
    "net_basis": "Revenue share: of the net revenue, {net} (refunds "
    "included); the ABC classes are cut on the positive spends, {positive}.",
    "windows_title": "Lifecycle windows (days since the last purchase)",
    "windows_field": "Lifecycle windows ({field})",
    "windows_none": "Lifecycle windows",
    "windows_rules": "None: the lifecycle column is the rules' {kind} "
    "'{name}', not windows of days since the last purchase.",
    "rules_segmentation": "segmentation",
    "rules_output": "output",
    "stage": "stage",
    "days": "days",
    "diagnostics": "Warnings about the result",
    "no_diagnostics": "No warnings: the edges and segments look sound.",
    "score_chart": "Customers per R, F and M score",
    # summaries
    "class": "class",
    "customer_share": "share",
    "orders": "orders",
    "revenue": "revenue",
    "revenue_share": "revenue share",
    "avg_order_value": "avg order",
    "recency_median": "recency (median days)",
    "frequency_mean": "mean orders",
    # the same three with frequency="days": F counts purchase days
    "orders_days": "purchase days",
    "avg_order_value_days": "spend per day",
    "frequency_mean_days": "mean days",
    "monetary_mean": "mean spend",
    "total": "Total",
    "missing_class": "missing",
    "summary_failed": "Summary not computed: {error}",
    "shares_rounded": "Each share is rounded on its own, so the shares shown "
    "may not add up to the total's {total}.",
    "segments_note": "One table per segmentation: customers, revenue and "
    "purchase figures per class.",
    # rf grid
    "rf_customers": "Customers by R (rows, {top} = most recent) and F (columns)",
    "rf_monetary": "Mean spend by R (rows) and F (columns)",
    "rf_note": "Customers without a purchase have no scores and are not in the grid.",
    # pareto
    "pareto_title": "How concentrated the revenue is",
    "pareto_share": "{share} of the customers make 80% of the revenue",
    "pareto_top": "the top 20% of the customers make {share} of the revenue",
    "gini": "Gini coefficient (0 = equal, 1 = one customer has all)",
    "nonpositive": "customers with no positive spend",
    "no_pareto": "No customer has a positive spend: there is no Pareto curve.",
    "lorenz": "Lorenz curve: share of the revenue against share of the customers",
    # ownership
    "ownership_note": "Customers and book value per owner (the 'owner' column).",
    # migration
    "before": "before \\ after",
    "stayed": "{column}: {n} ({both} in both runs, {new} new, {gone} "
    "gone); of the {both} in both, {stayed} in the same class.",
    "migration_note": "Customers of the previous run (rows) and of this run "
    "(columns), matched by customer id. (new): only in this run; (gone): only "
    "in the previous one.",
    "no_common": "Warning: the previous run and this one have no {column} class "
    "in common (such as {old} and {new}): was it made with other rules or in "
    "another language? Every customer counts as moved.",
    # playbook
    "action": "action",
    "channel": "channel",
    "cadence": "every (days)",
    "priority": "priority",
    "deadline": "stop after (days)",
    "stopped": "past the deadline",
    "playbook_note": "What to do with each class: the rules' playbook, or the "
    "shipped default. 'past the deadline': customers whose win-back has "
    "expired (no more spending).",
    "no_action": "no action defined",
}

_ZH: dict[str, str] = {
    "title": "客户细分报告",
    "inputs": "输入与数据质量",
    "rules": "规则与分界值",
    "segments": "客户细分",
    "rf-grid": "R × F 网格",
    "pareto": "帕累托与ABC分类",
    "lifecycle": "生命周期与状态",
    "loyalty": "忠诚度",
    "relationship": "客户关系类型",
    "ownership": "分户(客户归属)",
    "migration": "与上期相比的迁移",
    "playbook": "行动方案",
    "contents": "目录",
    "as_of": "截至",
    "customers_word": "位客户",
    "customer_word": "位客户",
    "generated": "由 custseg {version} 生成。文件无需联网:图表和样式都在文件内。"
    "点击表头可排序。",
    "no_charts": "未绘制图表:未安装 matplotlib。如需图表,请安装 plot 扩展:{hint}",
    "chart_failed": "未绘制图表:{error}",
    "too_many_classes": "未绘制图表:共 {n} 个类别,超过图表可显示的 {most} 个;"
    "表格中列出了全部类别。",
    "item": "项目",
    "value": "数值",
    "rows_in": "输入的交易行数",
    "rows_used": "使用的交易数",
    "orders_used": "使用的订单数(同一{column}的明细行合为一笔交易)",
    "rows_after": "晚于截至日的行(已剔除)",
    "rows_no_customer": "无客户编号的行(已剔除)",
    "customers_after": "随之剔除的客户(截至日前没有交易)",
    "refunds": "退款(金额 < 0)",
    "refund_total": "退款总额",
    "used_note": "退款、金额为 0 的行以及首末笔交易只计所用的交易:as_of 之后的行不计在内。",
    "zeros": "金额为 0 的行",
    "zeros_ignored": "金额为 0 的行(已忽略)",
    "order_refunds": "退款(净额 < 0 的订单)",
    "order_zeros": "净额为 0 的订单",
    "order_zeros_ignored": "净额为 0 的订单(已忽略)",
    "first_day": "最早交易",
    "last_day": "最近交易",
    "first_purchase": "最早购买",
    "last_purchase": "最近购买",
    "as_of_day": "截至日(as_of)",
    "customers": "客户数",
    "buyers": "有购买的客户",
    "refund_only": "只有退款的客户(无购买)",
    "zero_only": "只有 0 金额交易的客户(已忽略,无购买)",
    "records_rows": "客户档案(行)",
    "contacts_rows": "接触记录(行)",
    "contacts_after": "晚于截至日的接触记录(已剔除)",
    "records_only": "只在客户档案或接触记录中的客户",
    "columns_used": "列(客户、日期、金额)",
    "frequency_mode": "F 的计数方式",
    "not_available": "无(报告拿到的是已计算的结果,而非交易数据)",
    "quality_note": "只在客户档案或接触记录中出现的客户没有购买:频次为 0,"
    "没有最近购买天数,也没有 RFM 评分。",
    "rules_name": "规则",
    "no_rules": "无:只有基础结果(RFM 评分、生命周期、ABC 分类)",
    "description": "说明",
    "score": "评分",
    "edges_title": "RFM 评分:每个分值对应的取值范围",
    "empty_score": "空(分界值相等)",
    "edges_note": "R 为距最近一次购买的天数(越少越好),F 为购买次数,M 为净消费额。"
    "取值须严格优于分界值才能越过它。分界值按数据的小数位显示(落在 237.70 与 237.71 "
    "之间的分界值显示为 237.70 或 237.71,每档包含的取值不变);精确值见结果的 edges。",
    "how": "分界值",
    "fixed": "由规则固定",
    "fitted": "按购买客户的分位数",
    "given": "指定",
    "dimension": "维度",
    "abc_title": "ABC 分类",
    "abc_note": "A:累计收入达到 {a} 的头部客户,B:累计到 {b},C:其余。"
    "A 类起点 {a_min},B 类起点 {b_min}(每位客户)。",
    "abc_note_rank": "A:按收入排名前 {a} 的客户,B:前 {b},C:其余。"
    "A 类起点 {a_min},B 类起点 {b_min}(每位客户)。",
    "abc_note_edges": "固定分界:A 类起点 {a_min},B 类起点 {b_min}(每位客户),"
    "其余为 C 类。",
    "no_abc": "没有客户有消费:所有客户都是 C 类。",
    "positive_basis": "以上占比按正消费合计 {positive} 计算:净消费低于 0 的 {n}"
    "(合计 {negative})按 0 计。各表的收入占比按净收入 {net} 计算。",
    "net_basis": "收入占比:按净收入 {net}(含退款)计算;ABC 分类按正消费合计 "
    "{positive} 划分。",
    "windows_title": "生命周期窗口(距最近一次购买的天数)",
    "windows_field": "生命周期窗口({field})",
    "windows_none": "生命周期窗口",
    "windows_rules": "无:生命周期列由规则的{kind} '{name}' 给出,"
    "而非按距最近一次购买的天数划分。",
    "rules_segmentation": "细分",
    "rules_output": "输出",
    "stage": "阶段",
    "days": "天数",
    "diagnostics": "关于结果的提示",
    "no_diagnostics": "没有提示:分界值与细分结果均合理。",
    "score_chart": "各 R、F、M 评分的客户数",
    "class": "类别",
    "customer_share": "占比",
    "orders": "订单数",
    "revenue": "收入",
    "revenue_share": "收入占比",
    "avg_order_value": "客单价",
    "recency_median": "最近购买(中位天数)",
    "frequency_mean": "平均购买次数",
    "orders_days": "购买天数",
    "avg_order_value_days": "每个购买日消费额",
    "frequency_mean_days": "平均购买天数",
    "monetary_mean": "平均消费额",
    "total": "合计",
    "missing_class": "缺失",
    "summary_failed": "未能计算汇总:{error}",
    "shares_rounded": "各占比分别四舍五入,所示占比相加可能不等于合计的 {total}。",
    "segments_note": "每种细分一张表:各类别的客户数、收入与购买指标。",
    "rf_customers": "按 R(行,{top} = 最近购买)与 F(列)的客户数",
    "rf_monetary": "按 R(行)与 F(列)的平均消费额",
    "rf_note": "没有购买的客户没有评分,不在网格中。",
    "pareto_title": "收入的集中程度",
    "pareto_share": "{share} 的客户贡献了 80% 的收入",
    "pareto_top": "前 20% 的客户贡献了 {share} 的收入",
    "gini": "基尼系数(0 = 平均,1 = 全部集中于一位客户)",
    "nonpositive": "没有正消费的客户",
    "no_pareto": "没有客户有正消费:无法画帕累托曲线。",
    "lorenz": "洛伦兹曲线:收入占比与客户占比",
    "ownership_note": "每位负责人名下的客户数与客户价值('owner' 列)。",
    "before": "上期 \\ 本期",
    "stayed": "{column}:{n}(两期都在 {both} 位,新进入 {new} 位,"
    "已离开 {gone} 位);两期都在的客户中 {stayed} 留在同一类别。",
    "no_common": "注意:上期与本期的{column}没有相同的类别(例如 {old} 与 {new}):"
    "上期是否用了其他规则或其他语言?所有客户都算作变动。",
    "migration_note": "上期(行)与本期(列)的客户,按客户编号匹配。"
    "表中 (new)(图中（新进入）):只在本期;(gone)(图中（已离开）):只在上期。",
    "action": "行动",
    "channel": "渠道",
    "cadence": "接触间隔(天)",
    "priority": "优先级",
    "deadline": "截止(天)",
    "stopped": "已过挽回期限",
    "playbook_note": "每个类别的做法:规则文件中的行动方案,或内置的默认方案。"
    "'已过挽回期限':挽回期已过的客户(不再投入)。",
    "no_action": "未定义行动",
}

_TEXTS = {"en": _EN, "zh": _ZH}

#: Names of the label columns custseg computes, in Chinese.
_COLUMN_ZH = {
    "lifecycle": "生命周期",
    "abc": "ABC分类",
    "present": "数据来源",
    "relationship": "关系类型",
    "loyalty": "忠诚度",
    "nps_band": "NPS分组",
    "status": "客户状态",
    "status_crm": "CRM状态",
    "care_phase": "新客关怀阶段",
    "rfm11": "RFM十一类",
    "rfm_vignette": "RFM示例分群",
    "rfm8": "RFM八类",
    "ecom4": "电商四类",
    "owner": "负责人",
}

#: Class names of the spine (not from rules files), in Chinese: the
#: classifiers' own translations, read from them (a copy here had drifted:
#: the presets' fifth stage ``gone`` was shown in English beside
#: ``活跃期``, though the lifecycle windows above it read ``已流失``).
_CLASS_ZH = {
    "present": dict(PRESENT_ZH),
    "relationship": {
        name: relationship_zh[name]
        for name in (*RELATIONSHIP_TYPES, RELATIONSHIP_NO_SALE, RELATIONSHIP_UNKNOWN)
    },
    "lifecycle": dict(lifecycle_zh),
    "abc": {"unknown": "未知"},
}

#: What F counts (``frequency=``), in Chinese.
_FREQUENCY_ZH = {"rows": "交易行数", "transactions": "交易笔数", "days": "购买天数"}

#: Which section shows which label column (the others go to "segments").
_SECTION_OF = {
    "lifecycle": "lifecycle",
    "status": "lifecycle",
    "status_crm": "lifecycle",
    "care_phase": "lifecycle",
    "loyalty": "loyalty",
    "nps_band": "loyalty",
    "relationship": "relationship",
    "present": "inputs",
    "abc": "pareto",
    "owner": "ownership",
}

_SHOWN = (
    "customers",
    "customer_share",
    "orders",
    "revenue",
    "revenue_share",
    "avg_order_value",
    "recency_median",
    "frequency_mean",
    "monetary_mean",
)

# --------------------------------------------------------------------------
# the result


@attrs.frozen(eq=False)
class Report:
    """A self-contained HTML report (what :func:`report` returns).

    Attributes
    ----------
    html
        The whole page: one HTML document with its styles, script and charts
        inside (no network access needed).
    sections
        The ids of the page's ``<section>`` elements, in order (see
        :data:`SECTIONS`).
    title
        The page title.
    lang
        The language of the texts (``"en"`` or ``"zh"``).
    result
        The :class:`~custseg.frame.SegmentResult` the page shows (its
        ``.customers`` is the per-customer frame), or ``None``.
    notes
        Warnings about the page's inputs, also shown on the page (and
        issued as :class:`~custseg.errors.CustsegWarning` by :func:`report`):
        a label column whose classes share no name with the previous
        run's, for example.
    """

    html: str
    sections: tuple[str, ...]
    title: str
    lang: str = "en"
    result: SegmentResult | None = attrs.field(default=None, repr=False)
    notes: tuple[str, ...] = attrs.field(default=(), repr=False)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to *path* (UTF-8), atomically; return the path.

        The page goes to a temporary file in the target's folder that then
        replaces the target: a failed write leaves no partial file.

        Parameters
        ----------
        path
            The file to write, usually ``something.html``.

        Raises
        ------
        InputError
            The folder does not exist, the path is a folder, or the write
            failed (a full disk, no permission).

        Examples
        --------
        >>> import tempfile, os
        >>> page = Report("<!DOCTYPE html><title>t</title>", ("inputs",), "t")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = page.write(os.path.join(d, "r.html"))
        ...     p.read_text(encoding="utf-8")[:15]
        '<!DOCTYPE html>'
        """
        return write_atomic(
            path,
            lambda tmp: Path(tmp).write_text(self.html, encoding="utf-8", newline="\n"),
        )

    def _repr_html_(self) -> str:
        # in an iframe: the page's styles and script stay inside it; a lone
        # surrogate (no notebook can send one) as its code point, as the
        # charts draw it
        doc = _html.escape(_display.shown_surrogates(str(self.html)), quote=True)
        title = _display.shown_surrogates(str(self.title))
        return (
            f'<iframe title="{_esc(title)}" '
            f'srcdoc="{doc}" sandbox="allow-scripts" '
            'style="width: 100%; height: 640px; border: 1px solid #ccc">'
            "</iframe>"
        )

    def __repr__(self) -> str:
        r"""The title, language, sections and size of the page; a page
        holding a lone surrogate (which :meth:`write` refuses) is measured
        all the same, the surrogate counted as three bytes.

        >>> Report("<p>bo\udc80</p>", ("inputs",), "bo\udc80")
        Report('bo\udc80', lang='en', sections=('inputs',), 0 kB)
        """
        size = len(str(self.html).encode("utf-8", "surrogatepass"))
        return (
            f"Report({self.title!r}, lang={self.lang!r}, sections={self.sections!r}, "
            f"{size / 1024:,.0f} kB)"
        )


# --------------------------------------------------------------------------
# computing


class _Quality(NamedTuple):
    """Counts from the transactions themselves (None when not given): the
    rows in the input, then figures of the rows used (those up to as_of)."""

    rows: int
    refunds: int
    refund_total: float
    zeros: int
    first: Any
    last: Any
    dropped_customers: int | None = None  # whose every row was after as_of
    #: refunds and zeros counted over orders (order lines collapsed), not rows
    orders: bool = False


class _Num(NamedTuple):
    """A number cell: the text shown and the value it sorts by."""

    text: str
    value: float


Cell = str | _Num


class _Summary(NamedTuple):
    column: str
    table: pd.DataFrame | None  # segment_summary with a total row
    error: str | None
    chart: str
    classes: int = 0  # the class rows of *table*; the total row follows


class _Parts(NamedTuple):
    """Everything the page shows, computed."""

    result: SegmentResult
    quality: _Quality | None
    summaries: dict[str, list[_Summary]]  # section -> tables
    rf: tuple[np.ndarray, np.ndarray, int, int] | None  # counts, mean M, R top, F top
    rf_charts: tuple[str, str]
    score_chart: str
    pareto: Any
    lorenz_chart: str
    migrations: list[tuple[str, TransitionMatrix, str]]
    playbooks: list[tuple[str, list[list[Cell]]]]
    edge_sources: tuple[str, str, str]
    # per migration column with no class in common: (column, old, new,
    # warning); about the whole run: ("", the page's text, "", warning)
    migration_notes: tuple[tuple[str, str, str, str], ...] = ()
    # when some customer's net spend is below 0, the totals the ABC classes
    # and Pareto figures (positive spends) and the tables' revenue share
    # (net) are of: (customers below 0, positive total, negative total)
    spend: tuple[int, float, float, float] | None = None
    # rows of the input dropped before the segmentation for an empty
    # customer id (report(rows_without_customer=), the CLI's
    # --missing-customer drop)
    no_customer: int = 0
    # the decimals the means of money are written with (those of the
    # customers' spends: 3 for amounts in mills)
    places: int = 2
    # the rules' class names in the page's language (_rules_names)
    class_names: Mapping[str, Mapping[str, str]] | None = None


def _t(lang: str) -> Mapping[str, str]:
    return _TEXTS[lang]


def _plot_module() -> Any:
    """:mod:`custseg.plot`, or None when matplotlib (or the module) is missing."""
    if importlib.util.find_spec("matplotlib") is None:
        return None
    try:
        from . import plot
    except ImportError:
        return None
    return plot


def _too_many_classes(n: int, lang: str) -> str:
    """The note in place of a chart of *n* classes, more than
    :data:`MAX_CHART_CLASSES` (the table beside it has them all)."""
    note = _t(lang)["too_many_classes"].format(n=f"{n:,d}", most=MAX_CHART_CLASSES)
    return f'<p class="chart-missing" role="note">{_esc(note)}</p>'


def _chart(plot: Any, lang: str, draw: Callable[..., Any]) -> str:
    """An inline ``<svg>`` of the Axes *draw(plot)* returns, or a note in its
    place.

    *draw* calls a :mod:`custseg.plot` function without ``ax=``: the
    function makes its own figure, sized for what it draws (wider for long
    class names, taller for more classes), as it does for any caller.
    """
    t = _t(lang)
    if plot is None:
        note = t["no_charts"].format(hint=PLOT_HINT)
        return f'<p class="chart-missing" role="note">{_esc(note)}</p>'
    try:
        # no warning filter here: filters are one list per process, so a
        # filter set here in one thread would leave it behind for the others
        # (or silence their CustsegWarnings); custseg.plot reports missing
        # glyphs itself, and none for SVG with text kept as text
        ax = draw(plot)
        svg = str(plot.to_svg(ax))
    except ImportError:  # a broken or partial matplotlib
        return _chart(None, lang, draw)
    except CustsegError as exc:
        note = t["chart_failed"].format(error=exc)
        return f'<p class="chart-missing" role="note">{_esc(note)}</p>'
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


def _read(data: Any, options: Mapping[str, Any]) -> pd.DataFrame:
    if isinstance(data, str | os.PathLike):
        return read_transactions(
            data,
            options.get("customer", "customer_id"),
            options.get("order"),
            options.get("encoding"),
            options.get("amount", "amount"),
            options.get("quantity"),
            options.get("price"),
            date=options.get("date", "date"),
            date_format=check_date_format(options.get("date_format")),
            sep=options.get("sep"),
        )
    if not isinstance(data, pd.DataFrame):
        kind = f"{type(data).__module__.split('.')[0]} {type(data).__name__}"
        raise InputError(
            "data",
            f"must be a pandas DataFrame of transactions, a file path or a "
            f"SegmentResult: got {kind}",
            fix="pass custseg.segment(...) output (which takes Polars, DuckDB, "
            "Dask and Spark frames), a pandas DataFrame, or the path of a file",
        )
    return data


def _languages(rs: Any) -> set[str]:
    parts = (*rs.tables.values(), *rs.segments.values())
    return {code for part in parts for code in getattr(part, "translations", {})}


def _segment(
    tx: pd.DataFrame, lang: str, options: dict[str, Any]
) -> tuple[SegmentResult, _Quality]:
    """:func:`custseg.segment` on *tx*, and the data-quality counts."""
    tx = v.arrow_plain(tx)  # (Arrow string_view columns: as large_string)
    options = dict(options)
    rs = _load_rules(options.pop("preset", None), options.pop("rules", None))
    label_lang = options.pop("lang", None)
    if (
        label_lang is None
        and lang != "en"
        and rs is not None
        and lang in _languages(rs)
    ):
        label_lang = lang  # class names in the report's language where known
    date = options.get("date", "date")
    given = {k: options.pop(k, None) for k in ("quantity", "price")}
    given["amount"] = options.pop("amount", "amount")
    # quantity x price made once, here: the refunds below are counted on it
    with _rows_of_file(*(_TX_FILE.get() or (None, {}))):
        tx, amount = with_line_amounts(
            tx,
            given["amount"],
            given["quantity"],
            given["price"],
            frame_arg="data",
            customer=options.get("customer", "customer_id"),
            date=date,
            order=options.get("order"),
        )
    options["amount"] = amount
    date_format = options.pop("date_format", None)
    parsed = None
    if date in tx.columns and not pd.api.types.is_datetime64_any_dtype(
        tx[date].dtype
    ):  # parsed once here, for the date range too
        with contextlib.suppress(TypeError, ValueError):
            parsed = parse_date_column(tx[date], str(date), date_format=date_format)
    if parsed is None:  # segment() reads them, with the format, or says why
        if date_format is not None:
            options["date_format"] = date_format
    else:
        tx = tx.copy(deep=False)
        tx[date] = parsed
    result = segment(tx, rules=rs, lang=label_lang, **options)
    result.settings.update(given)  # apply() makes the amounts again
    rows = len(tx)
    gone: int | None = None
    if result.n_dropped:
        # the figures below are of the rows used: those up to as_of (its
        # day ending at midnight in the dates' own zone, as segment counts)
        end = pd.Timestamp(result.as_of) + pd.Timedelta(days=1)
        try:  # (pandas raises NotImplementedError for an Arrow date32)
            zone = getattr(getattr(tx[date], "dt", None), "tz", None)
        except (AttributeError, NotImplementedError, TypeError):
            zone = None
        col = tx[date]
        if str(col.dtype).startswith(("date32", "date64")):
            col = col.astype("datetime64[s]")  # Arrow days: their midnights
        try:
            if zone is not None:  # wall-clock times (midnight may not exist)
                col = col.dt.tz_localize(None)
            keep = np.asarray(col < end, dtype=bool)
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            keep = None  # dates segment() read another way
        if keep is not None and rows - int(keep.sum()) == result.n_dropped:
            customer = options.get("customer", "customer_id")
            if isinstance(customer, str) and customer in tx.columns:
                # customers kept by the records or contacts are on the page
                gone = dropped_customers(tx[customer][~keep], result.customers.index)
            tx = tx[keep]
    amounts = pd.to_numeric(tx[amount], errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    dates = tx[date]
    order = options.get("order")
    if order is not None:  # refunds and zeros of orders, as the summary counts
        customer = options.get("customer", "customer_id")
        # only the orders' amounts are used: any one date serves for every line
        one_day = np.zeros(len(tx), dtype="datetime64[D]")
        amounts = orders_from_lines(tx[customer], tx[order], one_day, amounts).amount
    refunds = amounts < 0
    # summed exactly: the same total whatever the order of the rows
    refund_total = order_free_sums(
        amounts[refunds], np.zeros(int(refunds.sum()), dtype=np.intp), 1
    )
    quality = _Quality(
        rows=rows,
        refunds=int(np.count_nonzero(refunds)),
        refund_total=float(refund_total[0]),
        zeros=int(np.count_nonzero(amounts == 0)),
        first=dates.min(),
        last=dates.max(),
        dropped_customers=gone,
        orders=order is not None,
    )
    return result, quality


class _Previous(NamedTuple):
    """An earlier run, read for the migration section (:func:`_previous_frame`)."""

    #: indexed by the customer ids, its columns typed (a file's as
    #: :func:`custseg._cli_migrate._read` types them)
    frame: pd.DataFrame
    #: how messages name it: the file, or ``previous`` (a frame)
    source: str
    #: a file's cells as written (read untyped), to be typed beside this
    #: run's as ``custseg migrate`` types two files; None for a frame
    text: pd.DataFrame | None = None
    #: how a fix names the argument: ``previous`` (Python), ``--previous``
    option: str = "previous"


def _previous_frame(
    previous: Any,
    customer: Any = "customer_id",
    encoding: str | None = None,
    option: str = "previous",
) -> _Previous:
    """An earlier run (:class:`_Previous`; one already read is given back):
    a path read by its extension (a ``.txt`` file sniffed) in *encoding*
    (default UTF-8, as custseg writes), or a frame whose ids are the
    *customer* column (:func:`_previous_object`). *option* is how fixes name
    the argument (``--previous`` on the command line)."""
    from ._cli_migrate import _NOT_CLASSES, _NOT_LABELS, _role, _typed_together
    from ._cli_migrate import _read as read_output

    if isinstance(previous, _Previous):
        return previous
    text = None
    if isinstance(previous, str | os.PathLike):
        source = os.fspath(previous)
        try:
            # --sep and --encoding are the transactions': this file is read
            # by its extension, in its own encoding (--previous-encoding)
            text = read_output(
                source, encoding=encoding, typed=False, sep_fix=side_sep_fix("previous")
            )
        except InputError as exc:
            raise (
                in_file(exc, "previous", source) if exc.field == source else exc
            ) from None
        out = _typed_together(text, text.iloc[:, :0])[0]
    else:
        source = "previous"
        out = _previous_object(previous, customer)
    labels = [
        c
        for c in out.columns
        if c not in _NOT_LABELS
        and c not in _NOT_CLASSES
        # (empty: a label nobody had, compared beside this run's)
        and _role(out[c]) in ("classes", "whole numbers", "empty")
    ]
    if not labels:
        raise InputError(
            source,
            "has no label columns (lifecycle, abc, segments), so there is "
            "nothing to compare",
            fix="pass the output of an earlier custseg segment or custseg "
            "report --csv run (customer id first, then facts and labels)",
        )
    return _Previous(out, source, text, option)


def _previous_object(previous: Any, customer: Any = "customer_id") -> pd.DataFrame:
    """The earlier run's frame indexed by customer id. A flat frame (the
    ids in a column, as read from a file) has row numbers for an index: an
    unnamed RangeIndex, or after a sort or a filter an unnamed index of
    integers; its ids are the *customer* column (or ``customer_id``), else
    the first column. Row numbers are never ids."""
    if isinstance(previous, SegmentResult):
        frame = previous.customers
    elif isinstance(previous, pd.DataFrame):
        frame = previous
        unnamed = frame.index.name is None and frame.index.nlevels == 1
        numbered = isinstance(frame.index, pd.RangeIndex) or (
            frame.index.dtype.kind in "iu"
        )
        names = [c for c in (customer, "customer_id") if isinstance(c, str)]
        id_column = next((c for c in names if c in frame.columns), None)
        if unnamed and numbered and id_column is not None:
            if len(frame.columns) < 2:
                raise InputError(
                    "previous",
                    "has fewer than two columns",
                    fix="pass an earlier custseg.segment(...) result or its output",
                )
            frame = frame.set_index(id_column)
        elif unnamed and numbered:
            if len(frame.columns) < 2:
                raise InputError(
                    "previous",
                    "has fewer than two columns",
                    fix="pass an earlier custseg.segment(...) result or its output",
                )
            frame = frame.set_index(frame.columns[0])
    else:
        raise InputError(
            "previous",
            "must be an earlier SegmentResult, its per-customer frame or the "
            f"path of a custseg segment output: got {type(previous).__name__}",
            fix="pass custseg.segment(...) of the earlier period, or its file",
        )
    out = frame  # ids compared as text in _migrations
    if not out.index.is_unique:
        dup = str(out.index[out.index.duplicated()][0])
        raise InputError(
            "previous",
            f"has customer {dup!r} more than once",
            fix="pass one row per customer (custseg.segment output)",
        )
    return out


def _label_columns(seg: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in seg.columns
        if isinstance(seg[c].dtype, pd.CategoricalDtype) and isinstance(c, str)
    ]


def _summary(
    seg: pd.DataFrame,
    column: str,
    lang: str,
    plot: Any,
    charts: bool,
    rules_names: _Names | None = None,
) -> _Summary:
    t = _t(lang)
    # the total and missing rows' names, unlike every class's: a class may be
    # called "Total" or "missing", or a name that reads alike ("Total ": a
    # page collapses the blank, and shows invisible characters as nothing)
    names = {_display.alike(str(c)).strip() for c in seg[column].cat.categories}
    total, missing = t["total"], t["missing_class"]
    while _display.alike(total).strip() in names:
        total = f"({total})"
    while _display.alike(missing).strip() in names:
        missing = f"({missing})"
    try:
        table = segment_summary(seg[column], seg, total=total, missing=missing)
    except CustsegError as exc:
        return _Summary(column, None, t["summary_failed"].format(error=exc), "")
    chart = ""
    # a chart per segmentation, and one per other section (its own column)
    drawn = _SECTION_OF.get(column, "segments") in ("segments", "pareto") or (
        column in ("lifecycle", "loyalty", "relationship", "owner")
    )
    # every class and the missing row (customers without an owner), not the
    # total: the chart shows the table's rows
    body = table.drop(index=total)
    if charts and drawn and len(body) > MAX_CHART_CLASSES:
        # one bar per class: an owner per customer would draw a bar each
        chart = _too_many_classes(len(body), lang)
    elif charts and drawn:
        title = _column_title(column, lang)
        # the classes named as the table above the chart names them
        # (the plot draws their control and invisible characters as the
        # table shows them, before it lays the chart out); kept as objects:
        # pandas' own text dtype refuses a lone surrogate (the page's write
        # names it)
        texts = list(
            _run_texts(column, [str(n) for n in body.index], lang, rules_names).values()
        )
        shown = body.set_axis(pd.Index(texts, dtype=object))
        chart = _chart(
            plot,
            lang,
            # total=None: the total row is out already, and a class may be
            # called "Total"
            lambda p: p.segment_sizes(shown, title=title, lang=lang, total=None),
        )
    return _Summary(column, table, None, chart, len(table) - 1)


def _page_scores(result: SegmentResult, n: int) -> tuple[Any, np.ndarray]:
    """The scores and spend of the page's *n* customers: the buyers' (the
    first rows), then those known only from the records or contacts,
    without a score and with spend 0, so that the charts count them among
    the customers without a score, as the tables do."""
    scores = result.scores
    monetary = np.asarray(result.facts.monetary, dtype=np.float64)
    extra = n - len(scores.r)
    if extra <= 0:
        return scores, monetary

    def more(a: Any) -> np.ndarray:
        a = np.asarray(a)
        return np.concatenate([a, np.zeros(extra, dtype=a.dtype)])

    grown = attrs.evolve(
        scores,
        r=more(scores.r),
        f=more(scores.f),
        m=more(scores.m),
        code=more(scores.code),
        index=None,
    )
    return grown, more(monetary)


def _rf_grid(
    result: SegmentResult,
) -> tuple[np.ndarray, np.ndarray, int, int] | None:
    scores = result.scores
    r = np.asarray(scores.r, dtype=np.int64)
    f = np.asarray(scores.f, dtype=np.int64)
    monetary = np.asarray(result.facts.monetary, dtype=np.float64)
    if len(r) != len(monetary):
        return None
    rb, fb = result.edges.recency.bins, result.edges.frequency.bins
    known = (r > 0) & (f > 0)
    cell = (r[known] - 1) * fb + (f[known] - 1)
    counts = np.bincount(cell, minlength=rb * fb).reshape(rb, fb)
    # summed exactly: the same means whatever the order of the customers
    sums = order_free_sums(monetary[known], cell, rb * fb)
    mean = np.full(rb * fb, np.nan)
    np.divide(sums, counts.ravel(), out=mean, where=counts.ravel() > 0)
    # rows from the top score down: the most recent customers first
    return counts[::-1], mean.reshape(rb, fb)[::-1], rb, fb


def _playbook_rows(
    seg: pd.DataFrame,
    column: str,
    pb: Playbook,
    lang: str,
    rules_names: _Names | None = None,
) -> list[list[Cell]]:
    t = _t(lang)
    languages = {"en"} | {k for a in pb.actions.values() for k in a.translations}
    text_lang = lang if lang in languages else "en"
    recency = seg["recency_days"] if "recency_days" in seg.columns else None
    plan = actions(seg[column], pb, recency_days=recency, lang=text_lang)
    k = len(plan.names)
    known = plan.codes >= 0
    counts = np.bincount(plan.codes[known], minlength=k)
    stopped = np.bincount(plan.codes[known & plan.stopped], minlength=k)
    rows: list[list[Cell]] = []
    shown = _run_texts(column, [str(n) for n in plan.names], lang, rules_names)
    for i, name in enumerate(plan.names):
        found = pb.action_for(name)
        if found is None:
            rows.append(
                [
                    shown[str(name)],
                    _count(int(counts[i])),
                    t["no_action"],
                    "",
                    _blank(),
                    _blank(),
                    _blank(),
                    _count(0),
                ]
            )
            continue
        rows.append(
            [
                shown[str(name)],
                _count(int(counts[i])),
                plan.action[i],
                plan.channel[i] or "",
                _days(found.cadence_days),
                _number(float(found.priority), 0),
                _days(found.deadline_days),
                _count(int(stopped[i])),
            ]
        )
    return rows


def _playbook_of(rs: Any, column: str) -> Playbook | None:
    if rs is not None:
        try:
            pb: Playbook | None = rs.playbook(column)
        except ThresholdError:
            return None
        return pb
    if column in PLAYBOOK_NAMES:
        return default_playbook(column)
    return None


def _ordered_like(before: pd.Series, after: pd.Series) -> pd.Series:
    """*before*'s classes in *after*'s order where they share names (a
    previous run read from a text file has text, not ordered classes)."""
    from ._cli_migrate import _as_classes

    classes = _as_classes(before)
    if not isinstance(after.dtype, pd.CategoricalDtype):
        return classes
    cats = [str(c) for c in classes.cat.categories]
    order = [str(c) for c in after.cat.categories if str(c) in cats]
    order += [c for c in dict.fromkeys(cats) if c not in order]
    # recode, not relabel row by row: -1 (missing) stays -1
    remap = np.array([order.index(c) for c in cats] + [-1], dtype=np.int64)
    codes = remap[classes.cat.codes.to_numpy()]
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=pd.Index(order)),
        index=classes.index,
        name=before.name,
    )


_NEW, _GONE, _MISSING = "(new)", "(gone)", "missing"


def _transitions(
    before: pd.Series,
    after: pd.Series,
    pos: np.ndarray,
    matched: np.ndarray,
    left: np.ndarray,
    column: str,
    noted: list[str] | None = None,
) -> TransitionMatrix:
    """:func:`custseg.transition_matrix` of *before* and *after* by customer
    id, with the ids matched once (*pos*: each customer of *after*'s row in
    *before*, -1 for new ones; *left*: the customers of *before* who are
    gone): the same counts and names, its rows and columns one list of
    classes (:func:`~custseg.migration.on_diagonal`: this run's, then those
    found only in the previous run), so that the customers who stayed sit
    on the diagonal of the table and the heat map even when the previous
    run, read from a file, lacks this run's empty classes."""

    classes = [*before.cat.categories, *after.cat.categories]
    # missing labels are a class of their own, starred if a class is called so
    missing = outside_names(classes, _MISSING)[0]

    def names_codes(col: pd.Series, extra: str) -> tuple[list[str], np.ndarray]:
        names = [str(c) for c in col.cat.categories]
        codes = col.cat.codes.to_numpy().astype(np.int64)
        if (codes < 0).any():  # missing labels: a class of their own
            codes = np.where(codes < 0, len(names), codes)
            names.append(missing)
        if extra in names or len(set(names)) < len(names):
            raise ValueError(extra)
        return names, codes

    # a class called (new) or (gone): the extra row and column get a '*'
    new, gone = outside_names([*classes, missing], _NEW, _GONE)
    try:
        b_names, b_codes = names_codes(before, new)
        a_names, a_codes = names_codes(after, gone)
    except ValueError:  # two classes written alike: the plain call says so
        before_text, after_text = before.copy(deep=False), after.copy(deep=False)
        before_text.index = before.index.astype(str)
        after_text.index = after.index.astype(str)
        return on_diagonal(
            _transition_matrix(
                before_text,
                after_text,
                None,
                new,
                gone,
                missing,
                languages=False,
                noted=noted,
            )
        )
    # (an earlier run with no customers: every customer is new)
    found = b_codes[np.maximum(pos, 0)] if len(b_codes) else len(b_names)
    rows = np.concatenate([np.where(matched, found, len(b_names)), b_codes[left]])
    cols = np.concatenate(
        [a_codes, np.full(int(np.count_nonzero(left)), len(a_names), dtype=np.int64)]
    )
    # (named, so that a warning about look-alike classes names the column;
    # _migrations says itself when the classes share no name)
    tm = _transition_matrix(
        pd.Series(
            pd.Categorical.from_codes(rows, categories=pd.Index([*b_names, new])),
            name=column,
        ),
        pd.Series(
            pd.Categorical.from_codes(cols, categories=pd.Index([*a_names, gone])),
            name=column,
        ),
        None,
        _NEW,
        _GONE,
        _MISSING,
        languages=False,
        noted=noted,
    )
    return on_diagonal(attrs.evolve(tm, name=column, new=new, gone=gone))


def _migrations(
    seg: pd.DataFrame,
    previous: pd.DataFrame | _Previous,
    lang: str,
    plot: Any,
    charts: bool,
    notes: list[tuple[str, str, str, str]] | None = None,
    rules_names: _Names | None = None,
) -> list[tuple[str, TransitionMatrix, str]]:
    """The transition matrix (and chart) of every label column both runs
    have, the columns ``custseg migrate`` compares on the two runs' files
    (:func:`custseg._cli_migrate.compared_columns`: this run as its output
    file reads back, a previous file typed beside it as ``migrate`` types
    two files), in this run's column order. A column whose classes share
    no name in the two runs adds ``(column, a previous class, a class now,
    the warning)`` to *notes*; the columns both runs have that are not
    compared, label columns whose names only read alike and score edges
    that differ between the runs each add ``("", the page's text, "", the
    warning)``. Errors name *previous* by its file (:class:`_Previous`)."""
    from ._cli_migrate import (
        _NOT_CLASSES,
        _NOT_LABELS,
        _as_classes,
        _id_text,
        _typed_together,
        apart_note,
        as_written,
        check_order,
        compared_columns,
        disjoint_classes,
        float_id_info,
        float_ids_error,
        left_out,
        no_common_class,
        refitted_scores,
    )

    if not isinstance(previous, _Previous):
        previous = _Previous(previous, "previous")
    source, option = previous.source, previous.option
    # this run as its file reads back, the previous one as its file was
    # read, typed together: the columns and classes custseg migrate sees
    labels = [
        c
        for c in seg.columns
        if isinstance(c, str) and c not in _NOT_LABELS and c not in _NOT_CLASSES
    ]
    text = previous.text
    if text is None:  # a frame: as its file would be
        text = as_written(
            previous.frame[[c for c in previous.frame.columns if isinstance(c, str)]]
        )
    before, after = _typed_together(text, as_written(seg[labels]))
    frame = previous.frame if previous.text is None else before
    ids, old = seg.index, frame.index
    # ids that are floats past 2**53 are exact only beside floats (a file's
    # were found as it was read, before its ids became text)
    if previous.text is not None:
        lossy = previous.text.attrs.get("float_ids")
        floats = bool(previous.text.attrs.get("all_float_ids"))
    else:
        lossy, floats = float_id_info(old), old.dtype.kind == "f"
    if not (floats and ids.dtype.kind == "f"):
        if lossy is not None:
            raise float_ids_error(lossy, source, "this run", old.name)
        lossy_now = float_id_info(ids)
        if lossy_now is not None:
            raise float_ids_error(lossy_now, str(ids.name), f"{source!r}", ids.name)
    if old.hasnans:
        raise InputError(
            source,
            f"has a missing customer id (row {int(np.flatnonzero(old.isna())[0]) + 1})",
            fix="pass one row per customer, each with its id (custseg.segment output)",
        )
    if not (ids.dtype == old.dtype and ids.dtype.kind in "iu"):
        # ids compared as text: 17 meets "17" (as custseg migrate does), and
        # 17.0 (a float column) too
        ids, old = _id_text(ids), _id_text(old)
        if not old.is_unique:
            raise InputError(
                source,
                f"has customer {str(old[old.duplicated()][0])!r} more than once "
                "(ids compared as text)",
                fix="pass one row per customer (custseg.segment output)",
            )
    check_order(
        frame,
        seg,
        (source, "the day of this report"),
        f"give an earlier run as {option} (custseg segment --as-of an earlier day)",
    )
    where = ("the previous run", "this run")
    named = (
        where[0] if source == "previous" else f"the previous run {source!r}",
        where[1],
    )
    shared, skipped, alike = compared_columns(before, after, named)
    columns = [c for c in labels if c in shared]
    left = left_out(skipped, "both runs")
    if left is not None:
        left += (
            f": compare {'it' if len(skipped) == 1 else 'one'} with custseg "
            f"migrate --column {shlex.quote(skipped[0][0])} (on this run's "
            "custseg segment output)"
        )
    if not columns:
        both = [str(c) for c in frame.columns if c in seg.columns]
        unsaid = [n for n in (left, alike) if n is not None]
        raise InputError(
            source,
            "shares no label column with the data (columns in both: "
            + (_display.listed("", both)[1] if both else "none")
            + (f"; {'; '.join(unsaid)}" if unsaid else "")
            + ")",
            fix="pass an earlier run made with the same rules (--preset, --rules)",
        )
    for note in (left, alike):
        if note is not None and notes is not None:
            text_shown = (
                _left_out_zh(skipped) if lang == "zh" and note is left else note
            )
            notes.append(("", text_shown, "", note))
        elif note is not None:
            warnings.warn(note, CustsegWarning, stacklevel=2)
    apart = apart_note(old, ids, where)
    if apart is not None and notes is not None:
        zh = ("上一期", "本期")
        shown_apart = apart_note(old, ids, zh, lang) if lang == "zh" else apart
        notes.append(("", shown_apart or apart, "", apart))
    refit = refitted_scores(frame.set_axis(old), seg.set_axis(ids))
    if refit is not None and notes is not None:  # about every column: no column
        # (the page's text in its language second; the warning in English)
        shown = (
            refitted_scores(frame.set_axis(old), seg.set_axis(ids), lang)
            if lang != "en"
            else refit
        )
        notes.append(("", shown or refit, "", refit))
    # customers matched by id once, for every column
    pos = np.asarray(old.get_indexer(ids))
    matched = pos >= 0
    gone = np.ones(len(frame), dtype=bool)
    gone[pos[matched]] = False
    out = []
    for column in columns:
        # this run's labels (flags, records' fields: as classes); classes
        # written as numbers (1, 2, 3) in the previous file are compared by
        # their text
        now = seg[column]
        if not isinstance(now.dtype, pd.CategoricalDtype):
            now = _as_classes(now)
        then = _ordered_like(frame[column], now)
        examples = disjoint_classes(then, now)
        if examples is not None and notes is not None:
            warning = no_common_class(
                column,
                then,
                now,
                "in the previous run and this one",
                "in another language (--lang, lang=)",
            )
            assert warning is not None
            notes.append((column, *examples, warning))
        said: list[str] = []  # classes read alike: on the page, said once
        tm = _transitions(then, now, pos, matched, gone, column, said)
        if notes is not None:
            notes.extend(("", note, "", note) for note in said)
        else:
            for note in said:
                warnings.warn(note, CustsegWarning, stacklevel=2)
        chart = ""
        # charts for the main classifications; the others have their table
        main = column in ("lifecycle", "abc") or (
            _SECTION_OF.get(column, "segments") == "segments"
        )
        drawn = heatmap_classes(tm) if charts and main else 0
        if drawn > MAX_CHART_CLASSES:
            chart = _too_many_classes(drawn, lang)
        elif charts and main:
            # the classes named as the table names them (_migration_html)
            old_text, new_text = _class_texts(
                column,
                [str(c) for c in tm.before],
                [str(c) for c in tm.after],
                lang,
                rules_names,
            )
            # (the plot shows their invisible characters, as the table)
            renamed = attrs.evolve(
                tm,
                before=tuple(old_text[str(c)] for c in tm.before),
                after=tuple(new_text[str(c)] for c in tm.after),
                name=_column_title(column, lang),
            )
            chart = _chart(
                plot,
                lang,
                lambda p, tm=renamed: p.transition_heatmap(
                    tm, normalize="row", lang=lang
                ),
            )
        out.append((column, tm, chart))
    return out


def _left_out_zh(skipped: list[tuple[str, str]]) -> str:
    """The page's text, in Chinese, of the warning naming the columns both
    runs have that are not compared (:func:`custseg._cli_migrate.left_out`).

    >>> print(_left_out_zh([("points", "...")]))  # doctest: +ELLIPSIS
    两期都有的 1 列未比较:'points'(...);要比较,请用 custseg migrate --column points(对本期的 custseg segment 输出)。
    """
    names = "、".join(repr(c) for c, _ in skipped[:3])
    if len(skipped) > 3:
        names += " 等"
    return (
        f"两期都有的 {len(skipped):,d} 列未比较:{names}(不是标签列:不全是整数"
        "的数值、超过 10 个值的整数、空列或类别过多的列);要比较,请用 custseg "
        f"migrate --column {shlex.quote(skipped[0][0])}(对本期的 custseg segment 输出)。"
    )


def _owner_classes(owner: pd.Series) -> pd.Categorical[Any]:
    """The owners of the customers (the records' ``owner`` column) as the
    classes of the Ownership section: the owners themselves when they are
    all text or all numbers, else (numbers and text mixed: staff codes
    ``104`` and ``A12``, as ``pd.read_excel`` gives them; or ``True``)
    their text, as :func:`custseg.assign_owners` compares and gives back
    such owners (:func:`custseg.ownership._of_one_kind`: ``7``, ``7.0``
    and ``"7"`` are one owner, ``"7"``; ``True`` is ``"True"``). A column
    that is not categorical has its classes sorted (in the order first met
    when they do not compare; text written as whole numbers first, by value:
    staff ``"9"`` before ``"10"``, as the integers are); a categorical one
    keeps its categories' order.

    >>> _owner_classes(pd.Series([104, "A12", 104, None])).tolist()
    ['104', 'A12', '104', nan]
    >>> _owner_classes(pd.Series(["bo", "amy", "bo"])).categories.tolist()
    ['amy', 'bo']
    >>> list(_owner_classes(pd.Series([1, 1.0, True, "1"])).value_counts().items())
    [('1', 3), ('True', 1)]
    """
    from .ownership import _of_one_kind

    categorical = isinstance(owner.dtype, pd.CategoricalDtype)
    if categorical:
        codes = np.asarray(owner.cat.codes, dtype=np.intp)
        given = owner.cat.categories.to_numpy(dtype=object)
    else:
        # not pd.factorize on the owners: it makes 1, 1.0 and True one
        values = owner.to_numpy(dtype=object)
        if owner.dtype.kind == "O" and (
            pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty")
        ):
            values = _owners_of_one_kind(values)
        codes, given = pd.factorize(values)
        order = np.arange(len(given))
        with contextlib.suppress(TypeError):  # names that do not compare
            order = np.asarray(sorted(order, key=lambda i: given[i]), dtype=np.intp)
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        if len(rank):  # (no owner at all: every code -1 already)
            codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
        given = np.asarray(given, dtype=object)[order]
        if len(given) and all(isinstance(x, str) for x in given.tolist()):
            # staff numbers as text ("9", "10"): in the order of the numbers
            codes, texts = whole_numbers_first(codes, given.tolist())
            given = np.asarray(texts, dtype=object)
    if categorical:
        names = tuple(_owner_text(x) for x in given)
        if _of_one_kind(tuple(given), names) is not names:
            return owner.array  # of one kind: as they are
        # a mix: the owners' text, in the categories' order
        classes = list(dict.fromkeys(names))
        remap = np.array([classes.index(n) for n in names] + [-1], dtype=np.intp)
        codes, given = remap[codes], np.asarray(classes, dtype=object)
    # kept as objects: pandas' own text dtype refuses a lone surrogate
    categories = pd.Index(given, dtype=object)
    ordered = categorical and bool(owner.cat.ordered)
    return pd.Categorical.from_codes(
        codes, dtype=pd.CategoricalDtype(categories, ordered=ordered)
    )


def _owner_text(owner: Any) -> str:
    """An owner as :func:`custseg.assign_owners` writes a staff id
    (``7.0`` is ``"7"``), or its ``str`` when it is no id (``True``)."""
    text = v.id_text(owner)
    return text if isinstance(text, str) else str(owner)


def _owners_of_one_kind(values: np.ndarray) -> np.ndarray:
    """Owners that mix kinds (text and numbers, or ``True``) as their text
    (:func:`_owner_text`), each of one kind as it is; missing ones kept."""
    from .ownership import _of_one_kind

    present = [x for x in values if not v.is_missing_scalar(x)]
    # by kind and value: a dict would make 1, 1.0 and True one key
    given = tuple(dict.fromkeys((type(x), x) for x in present))
    kept = tuple(x for _kind, x in given)
    names = tuple(_owner_text(x) for x in kept)
    if _of_one_kind(kept, names) is kept:
        return values
    out = np.empty(len(values), dtype=object)
    out[:] = [x if v.is_missing_scalar(x) else _owner_text(x) for x in values]
    return out


def _edge_sources(
    result: SegmentResult, edges_given: bool | None
) -> tuple[str, str, str]:
    """How the R, F and M edges of *result* were made: ``"fixed"`` (the
    edges the rules' ``[scores]`` fix), ``"given"`` (``edges=``, or an
    earlier run's, as :meth:`~custseg.SegmentResult.apply` keeps them) or
    ``"fitted"`` (quantiles of this run's buyers). *edges_given*: whether
    the report's own :func:`custseg.segment` call had ``edges=``; ``None``
    for a computed result, whose edges are told by comparing them with the
    rules' and with those its buyers fit (:func:`custseg.segment` keeps no
    record of them).

    >>> from custseg.datasets import simulate_transactions
    >>> tx = simulate_transactions(300, seed=2)
    >>> june = segment(tx[tx["date"] < "2024-07-01"], preset="ecommerce",
    ...                as_of="2024-07-01")
    >>> _edge_sources(june, None)
    ('fixed', 'fitted', 'fitted')
    >>> _edge_sources(june.apply(tx, as_of="2025-01-01"), None)
    ('fixed', 'given', 'given')
    """
    rs = result.rules
    used = (result.edges.recency, result.edges.frequency, result.edges.monetary)
    fit: tuple[Any, ...] | None = None
    sources: list[str] = []
    for key, edges in zip(("r", "f", "m"), used, strict=True):
        spec = rs.scores.get(key) if rs is not None else None
        if (
            spec is not None
            and spec.edges is not None
            and edges == ScoreEdges(spec.edges)
        ):
            sources.append("fixed")  # (edges= may replace them: then given)
        elif edges_given is not None:
            sources.append("given" if edges_given else "fitted")
        else:
            if fit is None:
                try:
                    e = _fit_edges(
                        result.facts,
                        result.facts.frequency > 0,
                        result.settings.get("bins"),
                        rs,
                    )[0]
                    fit = (e.recency, e.frequency, e.monetary)
                except CustsegError:  # no buyer to fit on: the edges were given
                    fit = (None, None, None)
            sources.append("fitted" if edges == fit[len(sources)] else "given")
    return sources[0], sources[1], sources[2]


def _parts(
    result: SegmentResult,
    quality: _Quality | None,
    previous: _Previous | None,
    lang: str,
    charts: bool,
    edges_given: bool | None,
    no_customer: int = 0,
) -> _Parts:
    seg = result.customers
    if "owner" in seg.columns:
        seg = seg.assign(owner=_owner_classes(seg["owner"]))
    plot = _plot_module() if charts else None
    # the rules' classes named as the rules name them in the page's language,
    # also those of a result computed in another (shown so, compared as
    # written)
    names = _rules_names(result.rules, lang)
    summaries: dict[str, list[_Summary]] = {}
    # the records' own columns are inputs, not segmentations: a categorical
    # one (a Parquet dictionary) shown as a "segment" was missing from the
    # same records read from CSV as text; those with a section of their own
    # (owner, status) stay
    given = set(seg.attrs.get("record_columns", ())) - set(_SECTION_OF)
    for column in _label_columns(seg):
        if column in given:
            continue
        section = _SECTION_OF.get(column, "segments")
        summaries.setdefault(section, []).append(
            _summary(seg, column, lang, plot, charts, names)
        )
    rf = _rf_grid(result)
    rf_charts = ("", "")
    score_chart = ""
    if charts:
        scores, monetary = _page_scores(result, len(seg))
        rf_charts = (
            _chart(
                plot,
                lang,
                lambda p: p.rf_heatmap(scores, value="customers", lang=lang),
            ),
            _chart(
                plot,
                lang,
                lambda p: p.rf_heatmap(scores, monetary, value="monetary", lang=lang),
            ),
        )
        score_chart = _chart(
            plot,
            lang,
            lambda p: p.score_distribution(scores, lang=lang),
        )
    # every customer of the page, those without a purchase with spend 0, as
    # in the other tables (and the printed report)
    values = seg["monetary"].to_numpy(dtype=np.float64, na_value=0.0)
    lorenz_chart = ""
    pareto = spend_pareto(values)
    spend = spend_totals(values)  # two totals: the page says so
    if pareto is not None and charts:
        cutoffs = _abc_cutoffs(result.settings.get("abc_cutoffs", (0.8, 0.95)))
        lorenz_chart = _chart(
            plot,
            lang,
            # the bands of the classes the tables show (fixed edges too)
            lambda p: p.lorenz(
                values, cutoffs=cutoffs, edges=result.abc_edges, lang=lang
            ),
        )
    migrations: list[tuple[str, TransitionMatrix, str]] = []
    notes: list[tuple[str, str, str, str]] = []
    if previous is not None:
        # (none in common: an error naming the file)
        migrations = _migrations(seg, previous, lang, plot, charts, notes, names)
    playbooks = []
    rs = result.rules
    for column in _label_columns(seg):
        pb = _playbook_of(rs, column)
        if pb is not None:
            playbooks.append((column, _playbook_rows(seg, column, pb, lang, names)))
    sources = _edge_sources(result, edges_given)
    return _Parts(
        result=result,
        quality=quality,
        summaries=summaries,
        rf=rf,
        rf_charts=rf_charts,
        score_chart=score_chart,
        pareto=pareto,
        lorenz_chart=lorenz_chart,
        migrations=migrations,
        playbooks=playbooks,
        edge_sources=sources,
        migration_notes=tuple(notes),
        spend=spend,
        places=_display.money_places(values),
        no_customer=no_customer,
        class_names=names,
    )


# --------------------------------------------------------------------------
# HTML: pure functions of the computed values


def _esc(text: Any) -> str:
    r"""Text for the page: escaped, its control characters but tab, line
    feed and return (blanks in a sentence) written as their code points (a
    NUL is a parse error in HTML), and its invisible format characters (a
    bidi control that would show ``'\u202eyma'`` as ``amy``) too
    (:func:`custseg._display.shown_controls`,
    :func:`custseg._display.shown_invisible`).

    >>> _esc('<b>"a' + chr(0) + 'b"</b>')
    '&lt;b&gt;&quot;a\\u0000b&quot;&lt;/b&gt;'
    """
    shown = _display.shown_controls(str(text), keep="\t\n\r")
    return _html.escape(_display.shown_invisible(shown), quote=True)


def _count(x: int) -> _Num:
    return _Num(f"{x:,d}", float(x))


def _blank() -> _Num:
    return _Num("–", float("nan"))


def _number(x: Any, digits: int = 0) -> _Num:
    if x is None:
        return _blank()
    value = float(x)
    if not np.isfinite(value):
        return _blank()
    return _Num(_display.rounded(value, digits), value)


def _days(x: float | None) -> _Num:
    """A number of days a rules file gives (a playbook's cadence or
    deadline) as given, not rounded to a day: ``0.5`` is not ``1``.

    >>> [_days(d).text for d in (0.5, 364.5, 30.0, 1095.0, 1 / 3)]
    ['0.5', '364.5', '30', '1,095', '0.3333333333333333']
    >>> _days(None).text
    '–'
    """
    if x is None:
        return _blank()
    value = float(x)
    places = _display.decimal_places([value])
    if places is None:  # more decimals than a table rounds to: all of them
        return _Num(_display.number_text(value), value)
    return _Num(_display.rounded(value, places), value)


def _amount(x: Any, places: int | None = None) -> _Num:
    """Money as :func:`_money` writes it (blank when
    missing): a sum in cents, or with every digit of amounts below a cent
    (``0.004`` is not ``0.00``); a mean at the *places* of the amounts,
    with its first digits when it is below the last of them (a mean order
    of ``0.003`` is not ``0.00``)."""
    if x is None or not np.isfinite(float(x)):
        return _blank()
    return _Num(_money(x, places), float(x))


def _share(x: Any) -> _Num:
    value = float(x)
    if not np.isfinite(value):
        return _blank()
    return _Num(_display.percent(value), value)


def _day(x: Any) -> str:
    if x is None or pd.isna(x):
        return "–"
    return str(pd.Timestamp(x).date())


def _column_title(column: str, lang: str) -> str:
    if lang == "zh" and column in _COLUMN_ZH:
        return f"{_COLUMN_ZH[column]} ({column})"
    return column


#: The rules' own names of their classes in a language: per label column,
#: each English name and its translation (:func:`_rules_names`).
_Names = Mapping[str, Mapping[str, str]]


def _rules_names(rs: Any, lang: str) -> dict[str, dict[str, str]]:
    """Per output of the rules *rs* (a table such as ``lifecycle``, a
    segmentation such as ``rfm11``), its class names in *lang* as the rules
    translate them (``translations.zh``); empty in English or without rules.

    A result computed in English (``segment(..., preset="ecommerce")``)
    and shown in a Chinese page has its classes named as the rules name
    them in Chinese (``Champions`` as ``冠军客户``), as a page made from the
    transactions names them.

    >>> from custseg import rules
    >>> _rules_names(rules.preset("ecommerce"), "zh")["rfm11"]["Champions"]
    '冠军客户'
    >>> _rules_names(None, "zh"), _rules_names(rules.preset("ecommerce"), "en")
    ({}, {})
    """
    if rs is None or lang == "en":
        return {}
    out: dict[str, dict[str, str]] = {}
    for name, part in (*rs.tables.items(), *rs.segments.items()):
        table = dict(getattr(part, "translations", {}).get(lang, {}))
        if table:
            out[str(name)] = table
    return out


def _class_text(
    column: str, name: str, lang: str, rules_names: _Names | None = None
) -> str:
    """*name*, a class of *column*, in *lang*: as the rules translate it
    (*rules_names*, :func:`_rules_names`), else as custseg's own
    classifiers do (the lifecycle stages, relationship types, ``present``),
    else as written."""
    if lang == "en":
        return name
    given = (rules_names or {}).get(column, {})
    if name in given:
        return given[name]
    if lang == "zh":
        return _CLASS_ZH.get(column, {}).get(name, name)
    return name


def _run_texts(
    column: str,
    names: Sequence[str],
    lang: str,
    rules_names: _Names | None = None,
) -> dict[str, str]:
    """How the classes *names* of one run are shown: translated, one distinct
    text per class (a class named as another's translation stays as
    written), as :func:`_class_texts` shows two runs'.

    >>> _run_texts("lifecycle", ["active", "活跃期"], "zh")
    {'active': 'active', '活跃期': '活跃期'}
    """
    return _class_texts(column, names, names, lang, rules_names)[1]


def _class_texts(
    column: str,
    before: Sequence[str],
    after: Sequence[str],
    lang: str,
    rules_names: _Names | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """How the classes of a previous run (*before*) and this one (*after*)
    are shown, one distinct text per distinct class: the names are
    compared as written, so a name translated for display (``active`` ->
    ``活跃期``) stays as written where that would show two classes alike
    (an English run against a Chinese one).

    >>> old, new = _class_texts("lifecycle", ["active"], ["活跃期"], "zh")
    >>> old["active"], new["活跃期"]
    ('active', '活跃期')
    >>> _class_texts("lifecycle", ["active"], ["active"], "zh")[0]
    {'active': '活跃期'}
    """
    names = list(dict.fromkeys([*before, *after]))
    plain: set[str] = set()
    while True:  # a name shown as written may meet another's translation
        shown = {
            n: n if n in plain else _class_text(column, n, lang, rules_names)
            for n in names
        }
        seen: dict[str, set[str]] = {}
        for name, text in shown.items():
            seen.setdefault(text, set()).add(name)
        alike = {n for group in seen.values() if len(group) > 1 for n in group}
        if alike <= plain:
            break
        plain |= alike
    return {n: shown[n] for n in before}, {n: shown[n] for n in after}


def _esc_name(text: Any) -> str:
    r"""A name in a table (a class, an owner, a column's heading) for HTML,
    escaped, as a chart shows it (:func:`custseg._display.shown_name`): its
    control characters, tabs and line breaks too, its invisible characters
    and hidden blanks as their code points (``"amy\n"`` and ``"amy "`` are
    not ``"amy"``).

    >>> _esc_name("amy\n"), _esc_name("x\ty "), _esc_name("<b>")
    ('amy\\u000a', 'x\\u0009y\\u0020', '&lt;b&gt;')
    """
    return _html.escape(_display.shown_name(str(text)), quote=True)


def _breakable(text: Any) -> str:
    """A name in a table cell, escaped as :func:`_esc_name` does, with a
    line-break opportunity (``<wbr>``) after each underscore but a last,
    so that a narrow column breaks ``transactions_only`` as
    ``transactions_`` / ``only``, not ``transactions_onl`` / ``y``. The
    ``<wbr>`` has no text: the name copies, reads aloud and sorts as it
    is written. A text with a blank (``reference day (as_of)``) breaks at
    its blanks and is left as it is.

    >>> _breakable("transactions_only"), _breakable("a_"), _breakable("<b>_x")
    ('transactions_<wbr>only', 'a_', '&lt;b&gt;_<wbr>x')
    >>> _breakable("rows dated after as_of")
    'rows dated after as_of'
    """
    shown = _esc_name(text)
    if re.search(r"\s", shown):
        return shown
    return re.sub(r"_(?=.)", "_<wbr>", shown, flags=re.S)


def _cell(value: Cell, tag: str = "td", row_header: bool = False) -> str:
    if isinstance(value, _Num):
        data = "" if not np.isfinite(value.value) else repr(value.value)
        return f'<{tag} class="num" data-value="{data}">{_esc(value.text)}</{tag}>'
    scope = ' scope="row"' if row_header else ""
    return f"<{tag}{scope}>{_breakable(value)}</{tag}>"


def _row(row: Sequence[Any]) -> str:
    """One table row: a text first cell is the row's header (``th``)."""
    cells = (
        _cell(c, "th" if j == 0 and not isinstance(c, _Num) else "td", j == 0)
        for j, c in enumerate(row)
    )
    return "<tr>" + "".join(cells) + "</tr>"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    foot: Sequence[Sequence[Cell]] = (),
    caption: str = "",
    numeric: Sequence[bool] | None = None,
    sortable: bool = True,
    table_id: str = "",
) -> str:
    """A table in a scrolling wrapper; sortable tables have buttons in the
    header cells and keep the total rows in the ``<tfoot>``."""
    if numeric is None:
        numeric = [
            bool(rows) and all(isinstance(r[j], _Num) for r in rows)
            for j in range(len(headers))
        ]
    heads = []
    for j, h in enumerate(headers):
        cls = ' class="num"' if numeric[j] else ""
        if sortable:
            heads.append(
                f'<th scope="col"{cls}><button type="button">{_breakable(h)}</button></th>'
            )
        else:
            heads.append(f'<th scope="col"{cls}>{_breakable(h)}</th>')
    ident = f' id="{_esc(table_id)}"' if table_id else ""
    out = [
        '<div class="table-wrap">',
        f'<table{ident} class="{"sortable" if sortable else "plain"}">',
    ]
    if caption:
        out.append(f"<caption>{_esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(heads) + "</tr></thead><tbody>")
    out += [_row(row) for row in rows]
    out.append("</tbody>")
    if foot:
        out += ["<tfoot>", *(_row(row) for row in foot), "</tfoot>"]
    out.append("</table></div>")
    return "".join(out)


#: The width (CSS pixels) a chart is drawn at at most by default (the
#: ``figure.chart`` rule's 44rem); a wider figure (a heat map of many
#: classes, sized by :mod:`custseg.plot` for its class count) gets its own.
_CHART_PX = 704


def _figure(svg: str, caption: str) -> str:
    """The ``<figure>`` of a chart. A figure wider than :data:`_CHART_PX`
    (a transition heat map of 12 or more classes is up to 13 inches, more
    with turned labels) is shown at its own width, up to the page's, and
    never below 44rem (the page scrolls it sideways on a narrow screen):
    shrunk into 44rem, its class names and shares read at half size."""
    if not svg:
        return ""
    style = ""
    found = re.match(r'<svg[^>]*?\swidth="([0-9.]+)pt"', svg)
    if found is not None:
        px = float(found.group(1)) * 96 / 72
        if px > _CHART_PX:
            style = f' style="--width: {math.ceil(px)}px"'
    wide = " wide" if style else ""
    return (
        f'<figure class="chart{wide}"{style} aria-label="{_esc(caption)}">'
        f'<div class="svg">{svg}</div>'
        "</figure>"
    )


def _money(x: float, places: int | None = None) -> str:
    """Money as the page writes it. A sum or an amount of the data
    (*places* None) as the files write it: in cents when it is whole
    cents but for float noise (``1,234.50``), else every digit it has
    (``0.004``: a cut between sub-cent amounts is not ``0.00``). A mean
    (an average order, a mean spend) at the *places* of the amounts, and
    one below the last of them with its first two digits
    (:func:`custseg._display.mean_money`: never ``0.00``).

    >>> _money(1234.5), _money(232.07999999999998), _money(0.004), _money(-12345.125)
    ('1,234.50', '232.08', '0.004', '-12,345.125')
    >>> _money(6000000000.125), _money(6000000000.12)
    ('6,000,000,000.125', '6,000,000,000.12')
    >>> _money(-5e-8), _money(0.003, 2), _money(0.0045, 3), _money(86.904, 2)
    ('-0.00000005', '0.0030', '0.005', '86.90')

    A sum too large for float64 to hold to the cent (from about 7e13,
    where the float's step passes 0.01) is written to the places it
    holds, as :func:`custseg._display.mean_money` writes a mean, never
    with digits it does not have: a sum of 1e14 and 0.01 is held as
    100,000,000,000,000.015625 (its step is 1/64), which at two places
    would read ``.02``; 1e16 is held only to 2.

    >>> _money(1e14 + 0.01), _money(1e15 + 0.13), _money(1e16)
    ('100,000,000,000,000.0', '1,000,000,000,000,000', '10,000,000,000,000,000')
    """
    if places is not None:
        return _display.mean_money(x, places)
    x = float(x)
    if not math.isfinite(x):
        return f"{x:,.2f}"
    step = math.ulp(x)  # the float's own resolution there
    if step > 0.01:  # cents (and finer) are noise: to the places it holds
        return _display.rounded(x, max(0, -math.ceil(math.log10(step))))
    near, cents = whole_cents(np.array([x]))
    if near[0]:
        x = float(cents[0])
        text = cents_text(x, ",")
        if "e" not in text:
            return text
    # every digit of the decimal it prints as, written out (1e+16 is
    # 10,000,000,000,000,000.00, as the other cells write their amounts)
    whole, _, part = format(decimal.Decimal(repr(x)), ",f").partition(".")
    return f"{whole}.{part:0<2}"


def spend_totals(values: np.ndarray) -> tuple[int, float, float, float] | None:
    """When some customer's net spend is below 0 (refunds above purchases),
    how many, the total of the positive spends (what ABC classes and Pareto
    figures are cut on), that of the spends below 0, and the net total
    (what revenue shares are of),
    each summed as the tables sum revenue: exactly for amounts of few
    decimals (100.005 - 20.001 is 80.004, as the Total row says); None when
    no spend is below 0. The HTML report and the printed one say both.

    >>> spend_totals(np.array([100.005, -20.001, 0.0]))
    (1, 100.005, -20.001, 80.004)
    >>> spend_totals(np.array([1.0, 2.0])) is None
    True
    """
    below = values < 0
    n = int(np.count_nonzero(below))
    if not n:
        return None
    positive, _ = sum_and_mean(values[values > 0])
    negative, _ = sum_and_mean(values[below])
    net, _ = sum_and_mean(values)
    return n, positive, negative, net


def _customers_text(n: int, lang: str = "en") -> str:
    """*n* customers in *lang*, the noun in the singular for one.

    >>> _customers_text(1), _customers_text(1200), _customers_text(1, "zh")
    ('1 customer', '1,200 customers', '1 位客户')
    """
    t = _t(lang)
    return f"{n:,d} {t['customer_word'] if n == 1 else t['customers_word']}"


def _spend_notes(parts: _Parts, lang: str) -> tuple[str, str]:
    """The notes on the totals when they differ (some customer's net spend
    is below 0): the ABC classes and Pareto figures are of the positive
    spends, the tables' revenue share of the net revenue; ``("", "")`` when
    the two totals are one."""
    if parts.spend is None:
        return "", ""
    t = _t(lang)
    n, positive, negative, net = parts.spend
    figures = {
        "count": "counts" if n == 1 else "count",
        "n": _customers_text(n, lang),
        "positive": _money(positive),
        "negative": _money(negative),
        "net": _money(net),
    }
    return t["positive_basis"].format(**figures), t["net_basis"].format(**figures)


def _summary_html(
    s: _Summary,
    lang: str,
    places: int,
    note: str = "",
    *,
    days: bool = False,
    rules_names: _Names | None = None,
) -> str:
    """A label column's summary table. *days*: F counts purchase days
    (``frequency="days"``), so the orders' columns are titled as days.
    *rules_names*: the rules' class names in *lang* (:func:`_rules_names`)."""
    t = _t(lang)
    title = _column_title(s.column, lang)
    if s.table is None:
        return f"<h3>{_esc(title)}</h3><p>{_esc(s.error)}</p>"
    table = s.table
    n_classes = s.classes
    rows: list[list[Cell]] = []
    foot: list[list[Cell]] = []
    shown = _run_texts(
        s.column, [str(n) for n in table.index[:n_classes]], lang, rules_names
    )
    for i, (name, rec) in enumerate(table.iterrows()):
        row: list[Cell] = [
            shown[str(name)] if i < n_classes else str(name),
            _count(int(rec["customers"])),
            _share(rec["customer_share"]),
            _number(rec["orders"], 0),
            _amount(rec["revenue"]),
            _share(rec["revenue_share"]),
            _amount(rec["avg_order_value"], places),
            _number(rec["recency_median"], 0),
            _number(rec["frequency_mean"], 1),
            _amount(rec["monetary_mean"], places),
        ]
        (rows if i < n_classes else foot).append(row)
    headers = [t["class"], *(t[_shown_as(c, days)] for c in _SHOWN)]
    total = _shares_apart(table, n_classes)
    if total is not None:  # 33.3% three times is not the total's 100.0%
        rounding = t["shares_rounded"].format(total=total)
        note = f"{note} {rounding}" if note else rounding
    return (
        f'<div class="summary" data-column="{_esc(s.column)}">'
        f"<h3>{_esc(title)}</h3>"
        + _table(
            headers,
            rows,
            foot=foot,
            numeric=[False] + [True] * len(_SHOWN),
            table_id=f"summary-{s.column}",
        )
        + (f'<p class="note">{_esc(note)}</p>' if note else "")
        + _figure(s.chart, title)
        + "</div>"
    )


#: The summary columns that count what F counts: orders, or purchase days.
_PER_ORDER = frozenset({"orders", "avg_order_value", "frequency_mean"})


def _shown_as(column: str, days: bool) -> str:
    """The title key of a summary *column*: a per-order one's ``_days``
    form when F counts purchase days.

    >>> _shown_as("orders", True), _shown_as("orders", False)
    ('orders_days', 'orders')
    >>> _shown_as("revenue", True)
    'revenue'
    """
    return f"{column}_days" if days and column in _PER_ORDER else column


def _counts_days(parts: _Parts) -> bool:
    """Whether F counts purchase days in *parts* (``frequency="days"``)."""
    return parts.result.settings.get("frequency") == "days"


def _page_title(title: Any, lang: str, option: str = "") -> str:
    """*title*, or the page's default title in *lang* for None; a
    :class:`~custseg.ThresholdError` naming the parameter, or the command
    line's *option* (``--title``) when given, for a title that is not text
    or that is blank (``<title></title>`` is not a valid page).

    >>> _page_title(None, "en"), _page_title("June", "en")
    ('Customer segmentation report', 'June')
    >>> _page_title(" ", "en", "--title")
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: --title must name the page: got ' '; leave --title out for the default title
    """
    if title is None:
        return _t(lang)["title"]
    title = v.text_param(title, option or "title")
    if not title.strip():
        named = option or "'title'"
        raise ThresholdError(
            f"{named} must name the page: got {title!r}; leave "
            f"{option or 'it'} out for the default title"
        )
    return title


def _shares_apart(table: pd.DataFrame, n_classes: int) -> str | None:
    """The total row's share as the page shows it (``100.0%``) when the
    shares of the *n_classes* class rows, each rounded on its own
    (:func:`custseg._display.percent`; ``<0.1%`` as the ``0.0`` it
    rounds to), add up to another figure, in the customer or the revenue
    share; None when the shares shown add up to their totals (or a total
    is not shown).

    >>> thirds = pd.DataFrame({"customer_share": [1 / 3, 1 / 3, 1 / 3, 1.0],
    ...                        "revenue_share": [0.5, 0.25, 0.25, 1.0]})
    >>> halves = pd.DataFrame({"customer_share": [0.5, 0.5, 1.0],
    ...                        "revenue_share": [0.25, 0.75, 1.0]})
    >>> _shares_apart(thirds, 3), _shares_apart(halves, 2)
    ('100.0%', None)
    """
    for column in ("customer_share", "revenue_share"):
        values = table[column].to_numpy(dtype=np.float64)
        if len(values) <= n_classes or not np.isfinite(values[: n_classes + 1]).all():
            continue
        shown = [
            decimal.Decimal(_display.rounded(x, 1, scale=2).replace(",", ""))
            for x in values[: n_classes + 1]
        ]
        if sum(shown[:n_classes]) != shown[n_classes]:
            return _display.percent(values[n_classes])
    return None


def _inputs_html(parts: _Parts, lang: str) -> str:
    t = _t(lang)
    res = parts.result
    q = parts.quality
    seg = res.customers
    settings = res.settings
    frequency = np.asarray(res.facts.frequency)
    rows: list[list[Cell]] = []
    if q is not None:
        rows.append([t["rows_in"], _count(q.rows + parts.no_customer)])
    if parts.no_customer:
        rows.append([t["rows_no_customer"], _count(parts.no_customer)])
    order = settings.get("order")
    used = t["rows_used"] if order is None else t["orders_used"].format(column=order)
    rows.append([used, _count(res.n_rows)])
    rows.append([t["rows_after"], _count(res.n_dropped)])
    if q is not None and q.dropped_customers is not None:
        rows.append([t["customers_after"], _count(q.dropped_customers)])
    if q is not None:
        of = "order_" if q.orders else ""
        rows.append([t[of + "refunds"], _count(q.refunds)])
        rows.append([t["refund_total"], _amount(q.refund_total)])
        zero_key = (
            "zeros_ignored" if settings.get("zero_amount") == "ignore" else "zeros"
        )
        rows.append([t[of + zero_key], _count(q.zeros)])
        rows.append([t["first_day"], _day(q.first)])
        rows.append([t["last_day"], _day(q.last)])
    else:
        for key in ("refunds", "zeros"):
            rows.append([t[key], t["not_available"]])
        # NaT (customers with refunds only) left out
        first = pd.Series(np.asarray(res.facts.first_purchase)).min()
        last = pd.Series(np.asarray(res.facts.last_purchase)).max()
        rows.append([t["first_purchase"], _day(first)])
        rows.append([t["last_purchase"], _day(last)])
    rows.append([t["as_of_day"], str(res.as_of)])
    rows.append([t["customers"], _count(len(seg))])
    rows.append([t["buyers"], _count(int(np.count_nonzero(frequency > 0)))])
    # no purchase: refunds (net spend < 0), or amounts of 0 that were ignored
    net = np.asarray(res.facts.monetary, dtype=np.float64)
    refund_only = (frequency == 0) & (net < 0)
    rows.append([t["refund_only"], _count(int(np.count_nonzero(refund_only)))])
    zero_only = int(np.count_nonzero((frequency == 0) & ~refund_only))
    if zero_only:
        rows.append([t["zero_only"], _count(zero_only)])
    extra = len(seg) - len(res.facts)
    for key, option in (("records_rows", "records"), ("contacts_rows", "contacts")):
        given = settings.get(option)
        if isinstance(given, pd.DataFrame):
            rows.append([t[key], _count(len(given))])
    if settings.get("contacts") is not None:  # after_as_of="drop" drops them too
        gone = int(seg.attrs.get("n_contacts_dropped", 0))
        rows.append([t["contacts_after"], _count(gone)])
    if extra:
        rows.append([t["records_only"], _count(extra)])
    quantity, price = settings.get("quantity"), settings.get("price")
    amount = settings.get("amount", "amount")
    if quantity is not None:
        amount = f"{quantity} x {price}"
    columns = ", ".join(
        str(x)
        for x in (
            settings.get("customer", "customer_id"),
            settings.get("date", "date"),
            amount,
        )
    )
    rows.append([t["columns_used"], columns])
    mode = str(settings.get("frequency", "transactions"))
    if lang == "zh" and mode in _FREQUENCY_ZH:
        mode = f"{_FREQUENCY_ZH[mode]} ({mode})"
    rows.append([t["frequency_mode"], mode])
    body = _table([t["item"], t["value"]], rows, sortable=False)
    if q is not None and res.n_dropped:
        body += f'<p class="note">{_esc(t["used_note"])}</p>'
    if extra:
        body += f'<p class="note">{_esc(t["quality_note"])}</p>'
    body += "".join(
        _summary_html(
            s,
            lang,
            parts.places,
            days=_counts_days(parts),
            rules_names=parts.class_names,
        )
        for s in parts.summaries.get("inputs", [])
    )
    return body


def _rules_html(parts: _Parts, lang: str) -> str:
    t = _t(lang)
    res = parts.result
    rs = res.rules
    info: list[list[Cell]] = [
        [t["rules_name"], (rs.name or rs.path) if rs is not None else t["no_rules"]]
    ]
    if rs is not None and rs.describe(lang):
        info.append([t["description"], rs.describe(lang)])
    out = [_table([t["item"], t["value"]], info, sortable=False)]
    e = res.edges
    dims = (e.recency, e.frequency, e.monetary)
    top = max(d.bins for d in dims)
    facts = res.facts
    ranges = [
        _score_rows(d, better, values, lang)
        for d, better, values in zip(
            dims,
            (False, True, True),
            (facts.recency_days, facts.frequency, facts.monetary),
            strict=True,
        )
    ]
    rows: list[list[Cell]] = []
    for s in range(top, 0, -1):
        rows.append(
            [
                str(s),
                *(r[s - 1] if s <= len(r) else "" for r in ranges),
            ]
        )
    foot: list[list[Cell]] = [[t["how"], *(t[src] for src in parts.edge_sources)]]
    out.append(f"<h3>{_esc(t['edges_title'])}</h3>")
    out.append(
        '<div class="ranges">'
        + _table(
            [t["score"], "R", "F", "M"],
            rows,
            foot=foot,
            sortable=False,
            numeric=[False] * 4,
        )
        + "</div>"
    )
    out.append(f'<p class="note">{_esc(t["edges_note"])}</p>')
    out.append(_figure(parts.score_chart, t["score_chart"]))
    out.append(f"<h3>{_esc(t['abc_title'])}</h3>")
    cut = _abc_cutoffs(res.settings.get("abc_cutoffs", (0.8, 0.95)))
    if res.abc_edges is not None:
        # the cutoffs describe the classes only when the edges were fitted
        # with them (fixed edges, abc_edges=, are their own description):
        # fitted as segment() fits them, on every customer of the frame
        # (those known only from records= at 0 count in a rank cut)
        fitted = bool((res.facts.monetary > 0).any()) and res.abc_edges == (
            abc_edges_fit(
                res.customers["monetary"].to_numpy(dtype=np.float64, na_value=0.0),
                cut,
            )
        )
        key = "abc_note" if fitted else "abc_note_edges"
        if fitted and cut.basis == "rank":
            key = "abc_note_rank"
        out.append(
            "<p>"
            + _esc(
                t[key].format(
                    a=f"{100 * cut.a:g}%",
                    b=f"{100 * cut.b:g}%",
                    a_min=_money(res.abc_edges.a_min),
                    b_min=_money(res.abc_edges.b_min),
                )
            )
            + "</p>"
        )
        positive_note = _spend_notes(parts, lang)[0]
        if positive_note:
            out.append(f'<p class="note">{_esc(positive_note)}</p>')
    else:
        out.append(f"<p>{_esc(t['no_abc'])}</p>")
    out.append(_windows_html(res, lang))
    out.append(f"<h3>{_esc(t['diagnostics'])}</h3>")
    if res.diagnostics:
        items = "".join(
            f"<li>{_esc(_diagnostic_zh(d) if lang == 'zh' else d)}</li>"
            for d in res.diagnostics
        )
        out.append(f'<ul class="diagnostics">{items}</ul>')
    else:
        out.append(f"<p>{_esc(t['no_diagnostics'])}</p>")
    return "".join(out)


_UNSTABLE = re.compile(
    r"(?P<name>\w+): only (?P<n>[\d,]+) customers? to fit (?P<bins>\d+) scores "
    r"\(fewer than (?P<k>\d+) per score\), so the edges (?P<edges>\(.*\)) are "
    r"unstable: give fixed edges \(a preset's \[scores\]\) or fewer bins"
)
_EMPTY = re.compile(r"scores? (?P<s>[\d, ]+?) (?:is|are) empty")
_NOBODY = re.compile(r"no customer has scores? (?P<s>[\d, ]+)")
_TIED = re.compile(
    r"(?P<c>[\d,]+) customers? \((?P<share>[^)]*)\) (?:has|have) (?P<t>[^,]+)"
)
_TIE_END = ", a tie across quantile edges, and equal values share a score"
_FEW = re.compile(r"only (?P<n>[\d,]+) customers? for (?P<bins>\d+) scores")


def _diagnostic_zh(note: str) -> str:
    """A note about the result (:attr:`SegmentResult.diagnostics`) in
    Chinese, for the notes on fitted score edges
    (:func:`custseg.rfm._edge_notes`: edges fitted on few customers, empty
    scores); any other note as it is (in English).

    >>> print(_diagnostic_zh("monetary: only 5 customers to fit 5 scores (fewer "
    ...     "than 10 per score), so the edges (78.31, 136.08) are unstable: give "
    ...     "fixed edges (a preset's [scores]) or fewer bins"))
    monetary:只有 5 位客户用于拟合 5 个分值(每个分值不足 10 位),分界值 (78.31, 136.08) 不稳定:请使用固定分界值(预设的 [scores])或减少分档数
    >>> print(_diagnostic_zh("frequency: scores 2, 3 are empty, and no customer "
    ...     "has score 5: 3 customers (60.0%) have 1, a tie across quantile edges, "
    ...     "and equal values share a score"))
    frequency:分值 2, 3 为空,没有客户得到分值 5:3 位客户(60.0%)的值为 1,分位数分界值上有并列,相同的值得到相同的分值
    >>> print(_diagnostic_zh("recency_days: no customer has score 1: only 1 "
    ...     "customer for 5 scores"))
    recency_days:没有客户得到分值 1:只有 1 位客户,分值有 5 个
    """
    found = _UNSTABLE.fullmatch(note)
    if found is not None:
        return (
            f"{found['name']}:只有 {found['n']} 位客户用于拟合 {found['bins']} 个分值"
            f"(每个分值不足 {found['k']} 位),分界值 {found['edges']} 不稳定:"
            "请使用固定分界值(预设的 [scores])或减少分档数"
        )
    name, colon, rest = note.partition(": ")
    said, colon2, why = rest.partition(": ")
    if not (colon and colon2 and re.fullmatch(r"\w+", name)):
        return note
    parts = []
    for part in said.split(", and "):
        empty, nobody = _EMPTY.fullmatch(part), _NOBODY.fullmatch(part)
        if empty is not None:
            parts.append(f"分值 {empty['s']} 为空")
        elif nobody is not None:
            parts.append(f"没有客户得到分值 {nobody['s']}")
        else:
            return note
    few = _FEW.fullmatch(why)
    if few is not None:
        reason = f"只有 {few['n']} 位客户,分值有 {few['bins']} 个"
    elif why.endswith(_TIE_END):
        tied = why[: -len(_TIE_END)]
        found_all = list(_TIED.finditer(tied))
        if ", ".join(m.group(0) for m in found_all) != tied:
            return note
        reason = (
            "、".join(
                f"{m['c']} 位客户({m['share']})的值为 {m['t']}" for m in found_all
            )
            + ",分位数分界值上有并列,相同的值得到相同的分值"
        )
    else:
        return note
    return f"{name}:{','.join(parts)}:{reason}"


def _score_rows(edges: Any, better: bool, values: Any, lang: str) -> list[str]:
    """The value range of each score ``1 .. edges.bins`` at the decimal
    places of *values* (:func:`custseg._display.score_ranges`); a score
    between two equal edges holds no value and is said to be empty, as
    ``ScoreEdges`` shows it, not written ``> 12.5, ≤ 12.5``.

    >>> from custseg.rfm import ScoreEdges
    >>> _score_rows(ScoreEdges((1, 1, 2)), True, [1, 1, 2, 3], "en")
    ['≤ 1', 'empty (equal edges)', '> 1, ≤ 2', '> 2']

    Two edges between the same two values of the data are written exactly:

    >>> _score_rows(ScoreEdges((1.6, 1.8)), False, [1, 2], "en")
    ['≥ 2', '≥ 1.6, < 1.8', '< 2']
    """
    empty = set(edges.empty_scores(higher_is_better=better))
    cuts = list(edges.cuts)
    ranges = _display.score_ranges(
        cuts, edges.bins, better, _display.decimal_places(values)
    )
    exact = _display.score_ranges(cuts, edges.bins, better)
    out = []
    for s, r in enumerate(ranges, start=1):
        if s in empty:
            r = _t(lang)["empty_score"]
        else:
            ends = re.fullmatch(r"[>≥] (.*), [≤<] (.*)", r)
            if ends is not None and ends.group(1) == ends.group(2):
                # two edges between the same two values of the data (1.6
                # and 1.8 of whole numbers): exactly, not '≥ 2, < 2'
                r = exact[s - 1]
        out.append(r)
    return out


def _windows_html(res: SegmentResult, lang: str) -> str:
    """The heading and table of the windows the ``lifecycle`` column was cut
    by: the rules' ``[tables.lifecycle]`` on its own field (named in the
    heading unless it is the days since the last purchase), else the
    :class:`~custseg.LifecycleWindows` of the result; a column the rules
    make otherwise (a ``[segments.lifecycle]``) gets a line saying so, not
    windows it does not follow."""
    t = _t(lang)
    rs = res.rules
    table = rs.tables.get("lifecycle") if rs is not None else None
    closed = "left"  # LifecycleWindows: a day on a break starts the next stage
    head, unit, days = t["windows_title"], t["days"], True
    if table is not None:
        breaks = list(table.breaks)
        names = list(table.names)
        labels = names[: len(breaks) + 1]
        lang_names = dict(table.translations.get(lang, {})) if lang != "en" else {}
        shown = [lang_names.get(n, n) for n in labels]
        closed = table.closed
        if table.field != "recency_days":  # tenure, orders: the rules' own field
            head = t["windows_field"].format(field=table.field)
            unit, days = table.field, False
    elif rs is not None and "lifecycle" in (*rs.outputs, *rs.tagsets):
        kind = "rules_segmentation" if "lifecycle" in rs.segments else "rules_output"
        line = t["windows_rules"].format(kind=t[kind], name="lifecycle")
        return f"<h3>{_esc(t['windows_none'])}</h3><p>{_esc(line)}</p>"
    else:
        windows = res.settings.get("windows") or LifecycleWindows()
        breaks = list(windows.breaks)
        shown = [_class_text("lifecycle", n, lang) for n in windows.labels]
    rows: list[list[Cell]] = [
        [name, _window_text(breaks, i, closed, days=days)]
        for i, name in enumerate(shown)
    ]
    return f"<h3>{_esc(head)}</h3>" + _table(
        [t["stage"], unit], rows, sortable=False, numeric=[False, False]
    )


def _window_text(
    breaks: Sequence[float], i: int, closed: str = "left", *, days: bool = True
) -> str:
    """The days of the *i*-th window between *breaks*, as the table labels
    them: ``closed="left"`` takes a day on a break into the next window
    (``[90, 180)``), ``"right"`` into this one (``(90, 180]``). The first
    window starts at day 0 (the day itself, in it either way) when its
    break is after day 0 and the values are *days* since the last
    purchase (another field of the rules may be below 0: every value
    before the break); the last has no end.

    >>> [_window_text([90, 180], i) for i in range(3)]
    ['[0, 90)', '[90, 180)', '≥ 180']
    >>> [_window_text([90, 180], i, "right") for i in range(3)]
    ['[0, 90]', '(90, 180]', '> 180']
    >>> _window_text([-1, 5], 0), _window_text([-1, 5], 0, "right")
    ('< -1', '≤ -1')
    >>> _window_text([2, 5], 0, days=False)
    '< 2'
    """
    text = _display.number_text
    left = closed == "left"
    if i == len(breaks):
        return f"{'≥' if left else '>'} {text(breaks[-1])}" if breaks else "≥ 0"
    hi = f"{text(breaks[i])}{')' if left else ']'}"
    if i == 0:
        if breaks[0] <= 0 or not days:  # no day 0 in it: every value before
            return f"{'<' if left else '≤'} {text(breaks[0])}"
        return f"[0, {hi}"
    return f"{'[' if left else '('}{text(breaks[i - 1])}, {hi}"


def _rf_html(parts: _Parts, lang: str) -> str:
    t = _t(lang)
    assert parts.rf is not None
    counts, mean, rb, fb = parts.rf
    headers = ["R \\ F", *(f"F{j}" for j in range(1, fb + 1))]
    rows_c: list[list[Cell]] = []
    rows_m: list[list[Cell]] = []
    for i in range(rb):
        score = rb - i
        rows_c.append([f"R{score}", *(_count(int(x)) for x in counts[i])])
        rows_m.append([f"R{score}", *(_amount(x, parts.places) for x in mean[i])])
    caption_c = t["rf_customers"].format(top=rb)
    return (
        f"<h3>{_esc(caption_c)}</h3>"
        + _table(headers, rows_c, sortable=False, table_id="rf-customers")
        + _figure(parts.rf_charts[0], caption_c)
        + f"<h3>{_esc(t['rf_monetary'])}</h3>"
        + _table(headers, rows_m, sortable=False, table_id="rf-monetary")
        + _figure(parts.rf_charts[1], t["rf_monetary"])
        + f'<p class="note">{_esc(t["rf_note"])}</p>'
    )


def _pareto_html(parts: _Parts, lang: str) -> str:
    t = _t(lang)
    out = [f"<h3>{_esc(t['pareto_title'])}</h3>"]
    positive_note, net_note = _spend_notes(parts, lang)
    p = parts.pareto
    if p is None:
        out.append(f"<p>{_esc(t['no_pareto'])}</p>")
    else:
        rows: list[list[Cell]] = [
            [
                t["pareto_share"].format(
                    share=_display.percent(p.customers_for_value_share)
                ),
                _share(p.customers_for_value_share),
            ],
            [
                t["pareto_top"].format(
                    share=_display.percent(p.value_of_top_customers)
                ),
                _share(p.value_of_top_customers),
            ],
            [t["gini"], _number(p.gini, 3)],
            [t["nonpositive"], _count(p.n_nonpositive)],
        ]
        out.append(
            _table(
                [t["item"], t["value"]], rows, sortable=False, table_id="pareto-figures"
            )
        )
        if positive_note:
            out.append(f'<p class="note">{_esc(positive_note)}</p>')
        out.append(_figure(parts.lorenz_chart, t["lorenz"]))
    out += [
        _summary_html(
            s,
            lang,
            parts.places,
            net_note if s.column == "abc" else "",
            days=_counts_days(parts),
            rules_names=parts.class_names,
        )
        for s in parts.summaries.get("pareto", [])
    ]
    return "".join(out)


def _migration_html(parts: _Parts, lang: str) -> str:
    from ._cli_migrate import moved_counts

    t = _t(lang)
    out = [f'<p class="note">{_esc(t["migration_note"])}</p>']
    # the warnings about the whole run (ids matched only once written alike,
    # score edges that differ, classes that read alike), each in the page's
    # language and each once; then a column's own, at its table
    for text in dict.fromkeys(note[1] for note in parts.migration_notes if not note[0]):
        out.append(f'<p class="warning" role="alert">{_esc(text)}</p>')
    disjoint = {note[0]: note for note in parts.migration_notes if note[0]}
    for column, tm, chart in parts.migrations:
        title = _column_title(column, lang)
        stayed = tm.stayed
        # the classes are compared as written: shown so that two classes
        # never look alike (an English previous run in a Chinese report)
        old_text, new_text = _class_texts(
            column,
            [str(c) for c in tm.before],
            [str(c) for c in tm.after],
            lang,
            parts.class_names,
        )
        out.append(
            f'<div class="migration" data-column="{_esc(column)}">'
            f"<h3>{_esc(title)}</h3>"
        )
        if column in disjoint:
            _, old, new, _ = disjoint[column]
            text = t["no_common"].format(
                column=title,
                old=repr(old_text.get(str(old), str(old))),
                new=repr(new_text.get(str(new), str(new))),
            )
            out.append(f'<p class="warning" role="alert">{_esc(text)}</p>')
        # the share that stayed is of the customers in both runs: that count
        # beside it, not the count of everyone
        both, n_new, n_gone = moved_counts(tm)
        out.append(
            "<p>"
            + _esc(
                t["stayed"].format(
                    column=title,
                    n=_customers_text(tm.n, lang),
                    both=f"{both:,d}",
                    new=f"{n_new:,d}",
                    gone=f"{n_gone:,d}",
                    stayed="–" if stayed != stayed else _display.percent(stayed),
                )
            )
            + "</p>"
        )
        headers = [t["before"], *(new_text[str(c)] for c in tm.after)]
        rows: list[list[Cell]] = [
            [old_text[str(name)], *(_count(int(x)) for x in line)]
            for name, line in zip(tm.before, tm.matrix, strict=True)
        ]
        out.append(
            _table(headers, rows, sortable=False, table_id=f"migration-{column}")
        )
        out.append(_figure(chart, title))
        out.append("</div>")
    return "".join(out)


def _playbook_html(parts: _Parts, lang: str) -> str:
    t = _t(lang)
    out = [f'<p class="note">{_esc(t["playbook_note"])}</p>']
    headers = [
        t["class"],
        t["customers"],
        t["action"],
        t["channel"],
        t["cadence"],
        t["priority"],
        t["deadline"],
        t["stopped"],
    ]
    for column, rows in parts.playbooks:
        out.append(
            f'<div class="playbook" data-column="{_esc(column)}">'
            f"<h3>{_esc(_column_title(column, lang))}</h3>"
            + _table(
                headers,
                rows,
                numeric=[False, True, False, False, True, True, True, True],
                table_id=f"playbook-{column}",
            )
            + "</div>"
        )
    return "".join(out)


def _summaries_html(parts: _Parts, section: str, lang: str, note: str = "") -> str:
    out = [f'<p class="note">{_esc(note)}</p>'] if note else []
    out += [
        _summary_html(
            s,
            lang,
            parts.places,
            days=_counts_days(parts),
            rules_names=parts.class_names,
        )
        for s in parts.summaries.get(section, [])
    ]
    return "".join(out)


_CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de;
  --head: #f3f5f7; --accent: #0b5cad; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: min(90rem, 100%); padding: 0 1rem 3rem;
  color: var(--ink);
  background: #fff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    Arial, "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
header { border-bottom: 2px solid var(--line); margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 1.2rem 0 0.2rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
.meta, .note, footer, figcaption, .chart-missing { color: var(--muted);
  font-size: 0.9rem; }
nav ul { list-style: none; padding: 0; margin: 0.5rem 0 1rem; display: flex;
  flex-wrap: wrap; gap: 0.3rem 1rem; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover, nav a:focus { text-decoration: underline; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.4rem 0;
  max-width: 100%; }
table { border-collapse: collapse; font-size: 0.92rem; min-width: 12rem; }
caption { text-align: left; color: var(--muted); padding: 0.2rem 0; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line);
  text-align: left; vertical-align: top; }
td { overflow-wrap: anywhere; }
th:first-child { min-width: 4.5em; }
.ranges tbody td { white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
thead th, thead th.num { background: var(--head); position: sticky; top: 0;
  z-index: 1; vertical-align: bottom; white-space: normal; min-width: 3.5em;
  max-width: 12em; word-break: keep-all; overflow-wrap: break-word; }
tbody th { font-weight: 600; overflow-wrap: anywhere; }
.summary tbody th, .playbook tbody th, .migration tbody th { min-width: 11em; }
tbody th[scope="row"], tfoot th[scope="row"], thead th:first-child {
  position: sticky; left: 0; background: #fff; }
thead th:first-child { background: var(--head); z-index: 2; }
tfoot th, tfoot td { font-weight: 700; border-top: 2px solid var(--line); }
th button { all: unset; cursor: pointer; display: inline-block; font: inherit;
  font-weight: 700; max-width: 100%; }
th button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th button::after { content: "\\00a0\\2195"; color: var(--muted); font-weight: 400; }
th[aria-sort="ascending"] button::after { content: "\\00a0\\25B2"; color: var(--ink); }
th[aria-sort="descending"] button::after { content: "\\00a0\\25BC"; color: var(--ink); }
.playbook td:nth-child(3) { min-width: 14rem; }
figure.chart { margin: 0.6rem 0 1.2rem; max-width: 44rem; }
figure.chart .svg svg { display: block; width: 100%; height: auto; }
figure.chart.wide { max-width: var(--width, 44rem); }
figure.chart.wide .svg { overflow-x: auto; }
figure.chart.wide .svg svg { min-width: 44rem; }
.chart-missing { border: 1px dashed var(--line); padding: 0.6rem; max-width: 44rem; }
ul.diagnostics li { margin: 0.3rem 0; }
p.warning { border-left: 4px solid #b45309; padding: 0.4rem 0.6rem; max-width: 44rem; }
@media (max-width: 40rem) {
  body { padding: 0 0.6rem 2rem; }
  h1 { font-size: 1.3rem; }
  table { font-size: 0.85rem; }
  th, td { padding: 0.25rem 0.4rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  thead th, thead th:first-child, tbody th[scope="row"], tfoot th[scope="row"] {
    position: static; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  table, figure, tr, .chart-missing { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
  th button::after { content: ""; }
  a[href]:not([href^="#"])::after { content: " (" attr(href) ")"; }
  figure.chart { max-width: 16cm; }
  figure.chart.wide { max-width: 100%; }
  figure.chart.wide .svg { overflow: visible; }
  figure.chart.wide .svg svg { min-width: 0; }
}
"""

_SCRIPT = """
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var collator = new Intl.Collator(lang, {numeric: true, sensitivity: "base"});
  function key(cell) {
    if (!cell) { return {missing: true, text: ""}; }
    var raw = cell.getAttribute("data-value");
    if (raw !== null) {
      var n = parseFloat(raw);
      return isNaN(n) ? {missing: true, text: ""} : {number: n};
    }
    var text = cell.textContent.trim();  // blank or a dash: missing, last
    return text === "" || text === "\\u2013" ? {missing: true, text: ""} : {text: text};
  }
  function compare(a, b) {
    if ("number" in a && "number" in b) { return a.number - b.number; }
    return collator.compare(a.text || "", b.text || "");
  }
  function sortBy(table, th, column) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) {
      return {row: row, key: key(row.cells[column]), i: i};
    });
    keyed.sort(function (a, b) {
      if (a.key.missing !== b.key.missing) { return a.key.missing ? 1 : -1; }
      var c = compare(a.key, b.key);
      if (c === 0) { return a.i - b.i; }
      return ascending ? c : -c;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = th.querySelector("button");
      if (button) {
        button.addEventListener("click", function () { sortBy(table, th, column); });
      }
    });
  });
})();
"""


def _page(parts: _Parts, title: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """The whole HTML document and its section ids."""
    t = _t(lang)
    res = parts.result
    seg = res.customers
    bodies: dict[str, str] = {
        "inputs": _inputs_html(parts, lang),
        "rules": _rules_html(parts, lang),
    }
    if parts.summaries.get("segments"):
        bodies["segments"] = _summaries_html(
            parts, "segments", lang, t["segments_note"]
        )
    if parts.rf is not None:
        bodies["rf-grid"] = _rf_html(parts, lang)
    bodies["pareto"] = _pareto_html(parts, lang)
    for section in ("lifecycle", "loyalty", "relationship", "ownership"):
        if parts.summaries.get(section):
            note = t["ownership_note"] if section == "ownership" else ""
            bodies[section] = _summaries_html(parts, section, lang, note)
    if parts.migrations:
        bodies["migration"] = _migration_html(parts, lang)
    if parts.playbooks:
        bodies["playbook"] = _playbook_html(parts, lang)
    sections = tuple(s for s in SECTIONS if s in bodies)
    nav = "".join(f'<li><a href="#{s}">{_esc(t[s])}</a></li>' for s in sections)
    meta = f"{_customers_text(len(seg), lang)} · {t['as_of']} {res.as_of}" + (
        f" · {res.rules.name}" if res.rules is not None and res.rules.name else ""
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    doc = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="custseg {_esc(__version__)}">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f'<header><h1>{_esc(title)}</h1><p class="meta">{_esc(meta)}</p>',
        f'<nav aria-label="{_esc(t["contents"])}"><ul>{nav}</ul></nav></header>',
        "<main>",
    ]
    for s in sections:
        doc.append(
            f'<section id="{s}" aria-labelledby="h-{s}">'
            f'<h2 id="h-{s}">{_esc(t[s])}</h2>{bodies[s]}</section>'
        )
    doc += [
        "</main>",
        f"<footer><p>{_esc(t['generated'].format(version=__version__))}</p></footer>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return _unique_svg_ids("\n".join(doc)), sections


_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
_REF = re.compile(r'(\bid="|url\(#|href="#)([^"()]+)')


def _unique_svg_ids(page: str) -> str:
    """Each inline chart's ids (and the references to them inside it) get a
    prefix of their own: matplotlib names every figure's parts alike
    (``figure_1``, ``patch_1``, ...), and ids must be unique in a page.
    Only tags are rewritten, never the text drawn."""
    count = 0

    def chart(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        prefix = f"chart{count}-"

        def tag(t: re.Match[str]) -> str:
            return _REF.sub(lambda r: r.group(1) + prefix + r.group(2), t.group(0))

        return _TAG.sub(tag, m.group(0))

    return _SVG.sub(chart, page)


# --------------------------------------------------------------------------
# the one call


#: The options of :func:`custseg.segment` that :func:`report` passes on
_SEGMENT_OPTIONS = tuple(
    name
    for name in inspect.signature(segment).parameters
    if name not in ("transactions", "lang")  # report's lang is its own
)


def _known_options(options: Mapping[str, Any]) -> None:
    """Raise :class:`~custseg.errors.ThresholdError` naming the *options*
    that neither :func:`report` nor :func:`custseg.segment` takes (and the
    option each is closest to), listing those they take.

    >>> _known_options({"as_of": "2024-07-01"})
    >>> _known_options({"as_off": "2024-07-01"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    custseg.errors.ThresholdError: 'as_off' is not an option of report() (did you mean 'as_of'?): ...
    """
    unknown = [str(k) for k in options if k not in _SEGMENT_OPTIONS]
    if not unknown:
        return
    close = [
        f"{k!r}"
        for name in unknown
        for k in difflib.get_close_matches(name, _SEGMENT_OPTIONS, n=1)
    ]
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    verb = "is not an option" if len(unknown) == 1 else "are not options"
    raise ThresholdError(
        f"{_display.quoted(unknown)} {verb} of report(){hint}: it takes previous, previous_encoding, lang, title, charts and the "
        f"options of custseg.segment ({', '.join(_SEGMENT_OPTIONS)})"
    )


def report(
    data: Any,
    *,
    previous: Any = None,
    previous_encoding: str | None = None,
    lang: str = "en",
    title: str | None = None,
    charts: bool = True,
    rows_without_customer: int = 0,
    **segment_options: Any,
) -> Report:
    """A self-contained HTML report of a segmentation, in one file.

    The page has a section per part (ids in :data:`SECTIONS`; a section
    whose inputs are absent is left out): ``inputs`` (rows, customers,
    dates, refunds, zero amounts, rows dropped), ``rules`` (the rules, the
    R/F/M score ranges and how their edges were made, ABC cut-offs,
    lifecycle windows, the warnings), ``segments`` (a summary table and
    chart per segmentation of the rules), ``rf-grid`` (customers and mean
    spend per R x F cell), ``pareto`` (80/20 figures, Gini, Lorenz curve,
    the ABC classes), ``lifecycle``, ``loyalty``, ``relationship`` and
    ``ownership`` (when the result has those columns; ownership needs an
    ``owner`` column), ``migration`` (from *previous*) and ``playbook`` (the
    action per class). It needs no network: styles and the sorting script
    are inline, the charts inline SVG from :mod:`custseg.plot`. Without
    matplotlib (the ``plot`` extra) the tables are all there, with a note
    in each chart's place.

    Parameters
    ----------
    data
        The transactions (a DataFrame or a CSV/Parquet path, as for
        :func:`custseg.segment`), or a computed
        :class:`~custseg.frame.SegmentResult` (then without
        *segment_options*; the refund and zero-amount counts need the
        transactions and are left out).
    previous
        An earlier run, for the ``migration`` section: a
        :class:`~custseg.frame.SegmentResult`, its per-customer frame, or the
        path of a ``custseg segment`` output (customer id in the first
        column; read by its extension, a ``.txt`` file's separator sniffed:
        ``sep=`` and ``encoding=`` are the transactions'). Customers are
        matched by id compared as text; every label column both runs have
        that ``custseg migrate`` would compare on the two runs' files gets
        a transition matrix (text, flags, whole numbers of at most 10
        values; a column both have that is not compared is named in a
        warning).
    previous_encoding
        The encoding of the *previous* file (default: UTF-8, as custseg
        writes it), when it was saved in another (``"gbk"``: re-saved by
        Excel on Chinese Windows). Only with a path.
    lang
        ``"en"`` or ``"zh"``: the language of the headings, table headers
        and notes; with rules that carry the language, the class names too
        (also those of a *data* result computed in English, shown as the
        rules translate them and compared as written).
    title
        The page title (default: "Customer segmentation report"); not blank.
    charts
        ``False`` leaves the charts out (a smaller, faster page).
    rows_without_customer
        Rows of the input that were dropped before *data* because their
        customer id was empty (``custseg report --missing-customer drop``
        passes their count): the inputs section counts them in the rows of
        the input and says they were dropped. Default 0.
    **segment_options
        Options of :func:`custseg.segment` (``preset``, ``rules``,
        ``as_of``, ``records``, ``contacts``, ...).

    Returns
    -------
    Report
        ``.html`` (the page), ``.sections`` (their ids), ``.write(path)``.

    Raises
    ------
    InputError
        Bad data or a bad *previous* (naming the file and the problem).
    ThresholdError
        Bad parameters (*lang*, an option that neither ``report`` nor
        :func:`custseg.segment` takes, segment options with a computed
        result).
    RulesError
        Bad rules.

    Examples
    --------
    >>> from custseg.datasets import simulate_transactions
    >>> from custseg.reporting import report
    >>> page = report(simulate_transactions(300, seed=1), preset="ecommerce",
    ...               charts=False)
    >>> page.sections
    ('inputs', 'rules', 'segments', 'rf-grid', 'pareto', 'lifecycle', 'playbook')
    >>> page.html[:15], '<section id="rf-grid"' in page.html
    ('<!DOCTYPE html>', True)
    """
    lang = v.choice(lang, "lang", LANGUAGES)
    title = _page_title(title, lang)
    if not isinstance(charts, bool):
        raise ThresholdError(f"'charts' must be True or False: got {charts!r}")
    if not v.is_int(rows_without_customer) or rows_without_customer < 0:
        raise ThresholdError(
            "'rows_without_customer' must be a whole number of rows, 0 or more: "
            f"got {v.describe(rows_without_customer)}"
        )
    _known_options(segment_options)
    customer = (
        data.customers.index.name
        if isinstance(data, SegmentResult)
        else segment_options.get("customer", "customer_id")
    )
    if previous_encoding is not None:
        _check_encoding(previous_encoding, "previous_encoding")
        if not isinstance(previous, str | os.PathLike):
            raise ThresholdError(
                "'previous_encoding' reads a previous run's file: got "
                f"previous={type(previous).__name__}; leave it out, or pass "
                "the file's path as previous"
            )
    prev = (
        _previous_frame(previous, customer, previous_encoding)
        if previous is not None
        else None
    )
    if isinstance(data, SegmentResult):
        if segment_options:
            raise ThresholdError(
                "segment options ("
                + ", ".join(sorted(segment_options))
                + ") cannot apply to a computed SegmentResult: pass the "
                "transactions instead, or leave them out"
            )
        result, quality = data, None
    else:
        # errors about a file's rows say its line, as segment(path)'s do
        # (only the transactions': the records' rows are not the file's)
        with _rows_of_file(data, segment_options):
            tx = _read(data, segment_options)
        with _transactions_file(data, segment_options):
            result, quality = _segment(tx, lang, segment_options)
    parts = _parts(
        result,
        quality,
        prev,
        lang,
        charts,
        # a computed result's edges: told by comparing them (_edge_sources)
        edges_given=None
        if isinstance(data, SegmentResult)
        else segment_options.get("edges") is not None,
        no_customer=int(rows_without_customer),
    )
    page, sections = _page(parts, title, lang)
    notes = tuple(note[3] for note in parts.migration_notes)
    for note in notes:
        warnings.warn(note, CustsegWarning, stacklevel=2)
    return Report(page, sections, title, lang, result, notes)
