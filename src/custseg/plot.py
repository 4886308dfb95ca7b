"""Pictures of custseg's results, drawn with matplotlib.

Each function takes a result of the library (a segment summary, RFM scores,
labels, a transition matrix, an assignment), draws it on an existing
matplotlib ``Axes`` (``ax=``) or on a new figure, and returns the ``Axes``,
as seaborn and PyMC-Marketing do. :func:`to_svg` turns a drawing into SVG
text for an HTML page.

matplotlib is an optional dependency (``pip install 'custseg[plot]'``); it
is imported when a function is called, so ``import custseg.plot`` works
without it. New figures are :class:`matplotlib.figure.Figure` objects made
without pyplot: nothing is added to pyplot's list of open figures, and
nothing is shown. In a notebook, show one with ``ax.figure``.

Names
-----
Class and staff names are drawn as the HTML report shows them
(:func:`custseg._display.shown_name`), in a PNG as in an SVG: a tab, a
line break and other control characters, invisible format characters (a
bidi control, a zero-width space) and the blanks a page hides or shows
alike (``"amy "``) as their code points (``amy\\u0009``, ``\\u202eyma``,
``amy\\u0020``), before the names are measured and laid out, so two
different names never look alike and each takes the room it is drawn in.

Chinese text
------------
matplotlib has no Chinese font of its own. Every text is drawn with DejaVu
Sans followed by the CJK fonts found on the machine (:func:`cjk_fonts`), so
Chinese class names and titles (``lang="zh"``) render. Without a CJK font,
SVG output (:func:`to_svg`) is still right (the text stays text and the
browser draws it with its own fonts); pixel output (PNG) gives one
:class:`~custseg.errors.CustsegWarning` that says how to add a font, instead
of one matplotlib warning per missing character (on the figures custseg
makes: a figure you pass in through ``ax=`` is left as it was, so there
matplotlib's own warnings come). Characters that no font has (many emoji,
runes) give the same one warning, which names them and says nothing of CJK
fonts unless CJK characters are among them. On a figure you pass in, only
the texts custseg draws get these fonts and are drawn as typed (no
mathtext): texts of yours keep their font and their math.

Your matplotlib settings
------------------------
Your style (rcParams set in code, a ``matplotlibrc``, a style sheet)
applies to the figures custseg makes, but for what custseg sets while it
draws: the fonts, text drawn as typed (no mathtext, and no TeX whatever
``text.usetex`` says: class names such as ``no_purchase`` and numbers such
as ``80%`` are not TeX, and TeX needs LaTeX installed), plain numbers on
the axes, no top and right spines, the title's size and weight. The
marks custseg colours itself (fair-share ticks, the 80/20 point and its
guides, the zero line, notes) take the style's text colour, or black or
white, whichever stands out on the Axes' background, so a dark style
(``dark_background``) keeps them visible. matplotlib's note that a CJK
font has no "normal" weight (``findfont: Failed to find font weight``)
is not logged, on a figure passed in through ``ax=`` too: custseg looks
its texts' fonts up once, that note dropped, and matplotlib keeps the
answer. :func:`to_svg` saves with ``svg.*`` and ``savefig.*`` settings of its own
(images inside the SVG, never a file next to it). An ``MPLBACKEND`` that
matplotlib does not know keeps matplotlib from being imported: every
function then raises an :class:`~custseg.errors.InputError` naming it.

Threads
-------
matplotlib keeps its styles (``rcParams``) and Python its warning filters
in one place per process; custseg changes them for a moment only (while it
draws, while :func:`to_svg` saves), under one lock
(:data:`custseg._threads.STATE_LOCK`), so that its calls from several
threads never overlap there: they give the same figures and SVG as one
after the other, and leave ``rcParams`` and the warning filters as they
were. matplotlib itself is not thread-safe: draw one figure in one thread
at a time.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _display
from . import _validate as v
from ._align import paired, to_pandas_index
from ._exact import order_free_sums
from ._threads import STATE_LOCK, numpy_text, warnings_filtered
from .errors import CustsegError, CustsegWarning, InputError, ThresholdError
from .labels import Labels, label_codes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "cjk_fonts",
    "label_counts",
    "lorenz",
    "rf_heatmap",
    "score_distribution",
    "segment_sizes",
    "to_svg",
    "transition_heatmap",
    "workload",
]

# --------------------------------------------------------------------------
# words per language

_LANGS = ("en", "zh")
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "sizes_title": "Customers and revenue per class",
        "share_pct": "share of all customers and of revenue (%)",
        "customers": "customers",
        "revenue": "revenue",
        "rf_customers": "Customers per R and F score",
        "rf_monetary": "Mean monetary value per R and F score",
        "r_score": "R score (recency)",
        "f_score": "F score (frequency)",
        "not_shown": "{n:,d} customers without a score not shown",
        "no_monetary": "{n:,d} customers without a monetary value not shown",
        "not_shown_one": "1 customer without a score not shown",
        "no_rf": "{n:,d} customers without an R or F score not shown",
        "no_rf_one": "1 customer without an R or F score not shown",
        "no_dim": "{n:,d} customers without an {d} score not shown",
        "no_dim_one": "1 customer without an {d} score not shown",
        "no_dims": "customers without a score, not shown: {parts}",
        "list_sep": ", ",
        "no_monetary_one": "1 customer without a monetary value not shown",
        "scores_title": "Customers per score",
        "score": "score",
        "R": "R (recency)",
        "F": "F (frequency)",
        "M": "M (monetary)",
        "lorenz_title": "Revenue concentration (Lorenz curve)",
        "lorenz_x": "customers, top first (% of all)",
        "lorenz_y": "revenue (% of total)",
        "pareto_point": "{x} of customers give {y} of revenue",
        "equal": "equal shares",
        "counts_title": "Customers per class",
        "missing": "missing",
        "moves_title": "Moves between classes",
        "stayed": "{s} stayed in their class",
        "stayed_both": "(of the {b:,d} in both periods)",
        "before": "class before",
        "after": "class after",
        "no_customers": "no customers",
        "new": "(new)",
        "gone": "(gone)",
        "new_gone": "{new}: customers only after\n{gone}: customers only before",
        "work_title": "Customers and book value per owner",
        "owner": "owner",
        "book": "book value",
        "fair": "fair share",
    },
    "zh": {
        "sizes_title": "各类客户数与收入占比",
        "share_pct": "占全部客户和收入的比例（%）",
        "customers": "客户",
        "revenue": "收入",
        "rf_customers": "各 R、F 评分的客户数",
        "rf_monetary": "各 R、F 评分的平均消费金额",
        "r_score": "R 评分（最近一次消费）",
        "f_score": "F 评分（消费频率）",
        "not_shown": "未显示 {n:,d} 位无评分客户",
        "no_monetary": "未显示 {n:,d} 位无消费金额的客户",
        "no_rf": "未显示 {n:,d} 位无 R 或 F 评分的客户",
        "no_dim": "未显示 {n:,d} 位无 {d} 评分的客户",
        "no_dims": "未显示的无评分客户：{parts}",
        "list_sep": "、",
        "scores_title": "各评分的客户数",
        "score": "评分",
        "R": "R（最近一次消费）",
        "F": "F（消费频率）",
        "M": "M（消费金额）",
        "lorenz_title": "收入集中度（洛伦兹曲线）",
        "lorenz_x": "客户占比，从高到低（%）",
        "lorenz_y": "收入占比（%）",
        "pareto_point": "{x} 的客户贡献 {y} 的收入",
        "equal": "平均分布",
        "counts_title": "各类客户数",
        "missing": "缺失",
        "moves_title": "客户在类别间的迁移",
        "stayed": "{s} 的客户留在原类别",
        "stayed_both": "（以两期都在的 {b:,d} 位客户计）",
        "before": "之前的类别",
        "after": "之后的类别",
        "no_customers": "无客户",
        "new": "（新进入）",
        "gone": "（已离开）",
        "new_gone": "{new}：只在之后出现的客户\n{gone}：之后不再出现的客户",
        "work_title": "各负责人的客户数与管户价值",
        "owner": "负责人",
        "book": "管户价值",
        "fair": "均衡份额",
    },
}

_BLUE, _ORANGE, _GREEN, _GREY = "#4C72B0", "#DD8452", "#55A868", "#8C8C8C"

# --------------------------------------------------------------------------
# how much a plot draws at most

#: The most classes :func:`label_counts` and :func:`segment_sizes` draw (one
#: bar and its number per class; the bar of missing labels counts): more is
#: refused with an InputError before anything is drawn. As many as the
#: labels of one rules table.
MAX_CLASSES = 500

#: The most classes on either side of :func:`transition_heatmap` (the *new*
#: row and the *gone* column not counted), and the most scores per side of
#: :func:`rf_heatmap`: a heatmap draws a cell and its number per pair, so
#: its cost grows with the square of this. More is refused with an
#: InputError before anything is drawn.
MAX_HEATMAP_CLASSES = 60

#: The most staff :func:`workload` draws (two bars, two ticks and a name
#: per staff member): more is refused with an InputError before anything
#: is drawn.
MAX_STAFF = 500


def _at_most(field: str, what: str, n: int, most: int, fix: str) -> None:
    """Refuse *n* > *most* items of *field* (a plot draws artists per item).

    >>> _at_most("labels", "classes", 3, 5, "group them")
    >>> _at_most("labels", "classes", 7, 5, "group them")
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'labels' has 7 classes, more than the 5 a plot draws: group them
    """
    if n > most:
        raise InputError(
            field, f"has {n:,d} {what}, more than the {most:,d} a plot draws", fix=fix
        )


# --------------------------------------------------------------------------
# matplotlib, fonts and figures

#: CJK font families, in order of preference (the first found draws first).
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Droid Sans Fallback",
    "Arial Unicode MS",
)
#: CJK characters: a CJK font draws them (Hangul, kana, CJK symbols and
#: punctuation, ideographs of every plane, full-width forms).
_CJK_CHARS = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
_GLYPH_WARNING = r"Glyph \d+ .* missing from (current )?font"
#: the character and the fonts of matplotlib's missing-glyph warning
_GLYPH_CODE = re.compile(r"Glyph (\d+) ")
_GLYPH_FONTS = re.compile(r"missing from font\(s\) (.+?)\.?$")
#: missing characters a warning names; the others are counted
_GLYPHS_NAMED = 5
_FONT_HINT = (
    "No CJK font was found by matplotlib. Install one (Debian/Ubuntu: "
    "apt-get install fonts-noto-cjk or fonts-wqy-zenhei; then delete "
    "matplotlib's font cache, ~/.cache/matplotlib) or register a font file "
    "with matplotlib.font_manager.fontManager.addfont(path)."
)


def _missing_glyphs(chars: list[str], fonts: list[str], cjk_found: bool) -> str:
    """The warning for characters *chars* (distinct, in the order drawn) that
    none of the *fonts* has: it names a few, and says to install a CJK font
    only when some are CJK and none was found (*cjk_found*); no font of that
    kind draws an emoji or a rune.

    >>> print(_missing_glyphs(["\U0001f389"], ["DejaVu Sans"], cjk_found=True))
    1 character in this plot is drawn as an empty box: it is in none of its
    fonts (DejaVu Sans): '\U0001f389' (U+1F389 PARTY POPPER). SVG output
    (custseg.plot.to_svg) is not affected: browsers draw the text with their
    own fonts.
    """
    named = []
    for c in chars[:_GLYPHS_NAMED]:
        name = unicodedata.name(c, "")
        named.append(f"{c!r} (U+{ord(c):04X}{' ' + name if name else ''})")
    if len(chars) > _GLYPHS_NAMED:
        named.append(f"{len(chars) - _GLYPHS_NAMED} more")
    listing = (
        ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    )
    n = len(chars)
    what = "1 character" if n == 1 else f"{n:,d} characters"
    verb = (
        "is drawn as an empty box: it is"
        if n == 1
        else "are drawn as empty boxes: they are"
    )
    where = f" ({', '.join(fonts)})" if fonts else ""
    text = f"{what} in this plot {verb} in none of its fonts{where}: {listing}."
    cjk = sum(1 for c in chars if _CJK_CHARS.match(c))
    if cjk and not cjk_found:
        text += " " + _FONT_HINT
        if cjk < n:
            text += f" (It would draw the CJK ones, not the other {n - cjk:,d}.)"
    return (
        text + " SVG output (custseg.plot.to_svg) is not affected: browsers draw"
        " the text with their own fonts."
    )


class _MissingMatplotlib(CustsegError, ImportError):
    """matplotlib is not installed."""


def _mpl() -> Any:
    """The matplotlib module, or an error naming the extra to install (or
    the environment variable that keeps matplotlib from being imported)."""
    try:
        import matplotlib
        import matplotlib.figure
    except ImportError:
        raise _MissingMatplotlib(
            "custseg.plot needs matplotlib: pip install 'custseg[plot]'"
        ) from None
    except ValueError as exc:
        # matplotlib's import sets rcParams["backend"] from $MPLBACKEND and
        # fails on a name it does not know (a matplotlibrc only warns)
        backend = os.environ.get("MPLBACKEND", "")
        if not backend or "backend" not in str(exc):
            raise
        raise InputError(
            "MPLBACKEND",
            f"(an environment variable) is {backend!r}, not a backend "
            "matplotlib knows, so matplotlib cannot be imported",
            fix="unset it (custseg draws without a backend) or set one "
            "matplotlib lists, e.g. MPLBACKEND=agg",
        ) from None
    return matplotlib


def cjk_fonts() -> tuple[str, ...]:
    """The CJK font families matplotlib can use on this machine.

    Looked up among the families matplotlib knows
    (``matplotlib.font_manager.fontManager``), in this order of preference:
    Noto Sans CJK, Source Han Sans, WenQuanYi, Microsoft YaHei, SimHei,
    PingFang, Heiti, Hiragino, Droid Sans Fallback, Arial Unicode MS. Every
    plot draws its text with DejaVu Sans followed by these families, so a
    character DejaVu Sans lacks is taken from the first family that has it.

    Returns
    -------
    tuple of str
        The family names found; empty when the machine has none (then
        Chinese text only renders in SVG output, see :func:`to_svg`).

    Raises
    ------
    ImportError
        matplotlib is not installed (a :class:`~custseg.errors.CustsegError`
        that says ``pip install 'custseg[plot]'``).

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> from custseg.plot import cjk_fonts
    >>> fonts = cjk_fonts()
    >>> isinstance(fonts, tuple) and all(isinstance(f, str) for f in fonts)
    True
    """
    _mpl()
    from matplotlib import font_manager

    present = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(name for name in _CJK_FAMILIES if name in present)


def _families() -> list[str]:
    return ["DejaVu Sans", *cjk_fonts(), "sans-serif"]


def _lang(lang: Any) -> dict[str, str]:
    return _TEXT[v.choice(lang, "lang", _LANGS)]


@contextmanager
def _drawing() -> Iterator[None]:
    """Styles for the drawing, set for its duration only (never globally).

    ``rc_context`` and ``catch_warnings`` save and restore process-wide
    state: held under :data:`~custseg._threads.STATE_LOCK`, so that two
    drawings in two threads never restore each other's styles or filters,
    nor draw under the other's.
    """
    mpl = _mpl()
    rc = {
        "font.family": "sans-serif",
        "font.sans-serif": _families(),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": "medium",
        "axes.titleweight": "bold",
        # names are data, not TeX: "$5 to $10" or "$\\frac$" drawn as typed;
        # nor LaTeX, which would need a TeX installation and read "_" and "%"
        # (no_purchase, 80%) as commands; numbers on the axes plain too
        "text.parse_math": False,
        "text.usetex": False,
        "axes.formatter.use_mathtext": False,
    }
    with STATE_LOCK:
        fonts: dict[Any, None] = {}
        drawn = _DRAWN_FONTS.set(fonts)
        try:
            with mpl.rc_context(rc), warnings.catch_warnings():
                # measuring text may look glyphs up; the draw reports them
                # (_GuardedDraw)
                warnings.filterwarnings("ignore", _GLYPH_WARNING, UserWarning)
                yield
        finally:
            _DRAWN_FONTS.reset(drawn)
        _look_up(fonts)  # under the caller's rcParams again


#: The fonts of the texts :func:`_finish` gave custseg's fonts, per drawing
#: (a context variable: each thread's drawing its own).
_DRAWN_FONTS: ContextVar[dict[Any, None] | None] = ContextVar(
    "custseg_plot_drawn_fonts", default=None
)


def _look_up(fonts: Iterable[Any]) -> None:
    """Look the families of each font up once, matplotlib's note that a
    CJK font has no 'normal' weight dropped (:class:`_QuietWeights`).

    matplotlib looks a font up once per font and settings and keeps the
    answer: looked up here, under the caller's rcParams (as the figure will
    be drawn), its later draws ask again for nothing and log nothing, also
    on a figure of the caller's (``ax=``), which custseg draws without its
    filter. Held under custseg's lock (the logger's filters are
    process-wide).
    """
    from matplotlib import font_manager

    logger = logging.getLogger("matplotlib.font_manager")
    quiet = _QuietWeights()
    logger.addFilter(quiet)
    try:
        for prop in fonts:
            # as the renderers ask: each family of the list on its own
            for family in prop.get_family():
                one = prop.copy()
                one.set_family(family)
                try:
                    font_manager.findfont(one, fallback_to_default=False)
                except ValueError:  # a family not installed: said at the draw
                    continue
    finally:
        logger.removeFilter(quiet)


def _axes(ax: Any, size: tuple[float, float]) -> Axes:
    """*ax*, checked, or the Axes of a new figure of *size* inches."""
    mpl = _mpl()
    from matplotlib.axes import Axes

    if ax is None:
        fig = mpl.figure.Figure(figsize=size, layout="constrained")
        # a figure of custseg's own: missing CJK glyphs give one warning
        fig.draw = _GuardedDraw(fig)
        # a little more than the 3 points around the edges: a browser showing
        # the SVG may draw the text in a slightly wider font than measured here
        fig.get_layout_engine().set(w_pad=6 / 72, h_pad=5 / 72)
        return fig.add_subplot()
    if not isinstance(ax, Axes):
        raise InputError(
            "ax",
            f"must be a matplotlib Axes, got {type(ax).__name__}",
            fix="pass ax=None for a new figure, or fig.add_subplot()",
        )
    return ax


def _root(artist: Any) -> Figure:
    """The top-level Figure of an Axes, a Figure or a SubFigure."""
    from matplotlib.figure import Figure

    fig = artist if not hasattr(artist, "get_figure") else artist.get_figure()
    if fig is None:
        fig = artist
    while not isinstance(fig, Figure):
        fig = fig.figure
    return fig


class _QuietWeights(logging.Filter):
    """Drops matplotlib's note that a CJK font has no 'normal' weight."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(
            "findfont: Failed to find font weight"
        )


#: Whether the figure being drawn in this thread is saved by :func:`to_svg`
#: (text kept as text): a context variable, not an attribute set on the
#: figure, which may be the caller's.
_SVG_TEXT: ContextVar[bool] = ContextVar("custseg_plot_svg_text", default=False)


def _text_kept(renderer: Any) -> bool:
    """Whether *renderer* writes text as text (SVG with svg.fonttype none)."""
    import matplotlib

    if _SVG_TEXT.get():
        return True
    # savefig wraps the SVG renderer in a MixedModeRenderer
    inner = getattr(renderer, "_vector_renderer", renderer)
    return (
        type(inner).__name__ == "RendererSVG"
        and matplotlib.rcParams["svg.fonttype"] == "none"
    )


class _GuardedDraw:
    """The ``draw`` of a figure custseg made: characters without a glyph
    give one CustsegWarning that names them.

    matplotlib warns once per missing character at every draw; a reader
    needs one sentence naming them (and, for CJK text without a CJK font,
    how to add one), and none at all for SVG with text kept as text (the
    browser draws it). A later draw warns again only for characters not
    named yet. Set on the new figures of :func:`_axes` only (a figure passed
    in through ``ax=`` is the caller's and is left as it was); a class of
    this module, not a closure, so that the figure pickles and deep-copies
    (the copy gets its own guard).
    """

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.reported: set[str] = set()

    def __call__(self, renderer: Any) -> Any:
        fig = self.fig
        logger = logging.getLogger("matplotlib.font_manager")
        quiet = _QuietWeights()
        # catch_warnings and the logger's filters are process-wide
        with STATE_LOCK:
            logger.addFilter(quiet)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.filterwarnings("always", _GLYPH_WARNING, UserWarning)
                    result = type(fig).draw(fig, renderer)
            finally:
                logger.removeFilter(quiet)
        chars: dict[str, None] = {}  # distinct, in the order drawn
        fonts: dict[str, None] = {}
        for w in caught:
            message = str(w.message)
            if re.match(_GLYPH_WARNING, message):
                code = _GLYPH_CODE.match(message)
                if code and int(code[1]) <= sys.maxunicode:
                    chars[chr(int(code[1]))] = None
                named = _GLYPH_FONTS.search(message)
                if named:
                    fonts.update(dict.fromkeys(named[1].split(", ")))
            else:  # not ours: hand it on as it came
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        new = [c for c in chars if c not in self.reported]
        if new and not _text_kept(renderer):
            self.reported.update(new)
            order = ["DejaVu Sans", *_CJK_FAMILIES]
            families = sorted(
                fonts, key=lambda f: order.index(f) if f in order else len(order)
            )
            message = _missing_glyphs(new, families, cjk_found=bool(cjk_fonts()))
            warnings.warn(message, CustsegWarning, stacklevel=2)
        return result


def _texts(ax: Axes, new: bool) -> dict[Any, str]:
    """The texts on *ax* before a drawing, with what they say (none on a
    *new* figure): :func:`_finish` leaves those alone unless the drawing
    changed them, so a note of yours on an Axes you pass keeps its font
    and its math."""
    if new:
        return {}
    from matplotlib.text import Text

    return {t: t.get_text() for t in ax.findobj(Text)}


def _finish(*axes: Axes, before: dict[Any, str] | None = None) -> None:
    """Fix the fonts of every text drawn (they outlive the rc_context), and
    draw every text as typed: class names are data, never mathtext or TeX.

    Only what was drawn here: other panels, and the texts *before* (see
    :func:`_texts`) that this drawing left as they were, keep their font
    and their math (they are the user's own). The numbers on the axes
    drawn are written plain, also on an Axes made under
    ``text.usetex`` or ``axes.formatter.use_mathtext`` (whose formatter
    would write ``$\\mathdefault{20}$``, shown as typed).
    """
    from matplotlib.text import Text
    from matplotlib.ticker import ScalarFormatter

    families = _families()
    seen = before or {}
    fonts = _DRAWN_FONTS.get()  # looked up when the drawing ends (_drawing)
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            for fmt in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(fmt, ScalarFormatter):
                    fmt.set_usetex(False)
                    fmt.set_useMathText(False)
        # materialise the tick labels so they get the families too; ticks
        # made later copy their font (and usetex) from the first one
        ax.get_xticklabels()
        ax.get_yticklabels()
    for ax in axes:
        for text in ax.findobj(Text):
            if text in seen and seen[text] == text.get_text():
                continue  # the user's own, left as it was
            # a lone surrogate (a name from a file that was not UTF-8) has
            # no glyph, and matplotlib cannot lay it out; an invisible format
            # character (a bidi control) a browser obeys in an SVG: their
            # code points (the names were shown so before they were measured)
            text.set_text(
                _display.shown_invisible(_display.shown_surrogates(text.get_text()))
            )
            text.set_fontfamily(families)
            text.set_parse_math(False)
            text.set_usetex(False)
            if fonts is not None:
                fonts[text.get_fontproperties().copy()] = None


def _background(ax: Axes) -> np.ndarray:
    """The colour (RGB) behind what is drawn on *ax*: its face over its
    figure's (over white, where they are transparent)."""
    from matplotlib.colors import to_rgba

    rgb = np.ones(3)
    root = _root(ax)
    layers: list[Any] = [root, ax] if ax.figure is root else [root, ax.figure, ax]
    for layer in layers:
        *color, alpha = to_rgba(layer.get_facecolor())
        rgb = alpha * np.asarray(color) + (1 - alpha) * rgb
    return rgb


def _contrast(a: Any, b: Any) -> float:
    """The contrast ratio of two colours (WCAG 2: 1 to 21).

    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> round(_contrast("black", "white"), 1), _contrast("#444444", "#444444")
    (21.0, 1.0)
    """
    from matplotlib.colors import to_rgb

    def luminance(color: Any) -> float:
        c = np.asarray(to_rgb(color))
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _ink(ax: Axes, *colors: Any) -> Any:
    """The first of *colors* that stands out on *ax* (contrast 3 at least,
    :func:`_contrast`), else the style's text colour, else its edge colour,
    else black or white, whichever stands out most: marks drawn "in black"
    stay visible under a dark style (``dark_background``)."""
    from matplotlib.colors import to_rgb

    bg = _background(ax)
    for color in colors:
        if _contrast(color, bg) >= 3:
            return color
    rc = _mpl().rcParams
    ink = []
    for key in ("text.color", "axes.edgecolor"):
        try:
            ink.append(to_rgb(rc[key]))
        except ValueError:  # not a colour ("auto", "inherit")
            continue
    for color in ink:
        if _contrast(color, bg) >= 4.5:
            return color
    return max([*ink, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)], key=lambda c: _contrast(c, bg))


def _faded(ax: Axes, amount: float) -> tuple[float, float, float]:
    """:func:`_ink` moved *amount* (0 to 1) of the way to *ax*'s background:
    a quieter mark (0.27 of black on white is ``#444444``)."""
    from matplotlib.colors import to_rgb

    bg = _background(ax)
    mixed = (1 - amount) * np.asarray(to_rgb(_ink(ax))) + amount * bg
    return (float(mixed[0]), float(mixed[1]), float(mixed[2]))


def _no_customers(ax: Axes, text: dict[str, str]) -> None:
    """Say "no customers" in the middle of *ax*: an empty picture reads as
    empty, not as a chart that failed to draw."""
    ax.text(
        0.5,
        0.5,
        text["no_customers"],
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontstyle="italic",
        color=_faded(ax, 0.33),
    )


def _counted(text: dict[str, str], key: str, n: int, **fields: Any) -> str:
    """The sentence *key* of *text* for *n* customers (``key_one`` for one,
    where the language has it), its other *fields* filled in.

    >>> _counted(_TEXT["en"], "not_shown", 1), _counted(_TEXT["en"], "not_shown", 1200)
    ('1 customer without a score not shown', '1,200 customers without a score not shown')
    >>> _counted(_TEXT["en"], "no_dim", 2, d="M")
    '2 customers without an M score not shown'
    """
    if n == 1 and f"{key}_one" in text:
        return text[f"{key}_one"].format(**fields)
    return text[key].format(n=n, **fields)


def _unscored(text: dict[str, str], scores: Any, dims: str) -> str:
    """The title's line on the customers a chart of the scores *dims*
    (``"RF"``: a cell needs both; ``"RFM"``: a group of bars per score)
    leaves out, ``""`` when it leaves out none.

    Customers with no score at all (no purchase, with ``nan="unknown"``)
    are "without a score"; otherwise the line names the missing score, so
    that it counts what each part of the chart leaves out: a customer
    without an M score (a NaN monetary value) is still in the R x F grid
    and in the R and F bars.

    >>> import custseg
    >>> nan = float("nan")
    >>> s = custseg.rfm_scores([3, 40, 200, 10, 5, nan], [12, 3, 1, 6, 2, 0],
    ...     [900.0, 150.0, 20.0, 400.0, nan, 0.0], bins=2, nan="unknown")
    >>> _unscored(_TEXT["en"], s, "RF")
    '1 customer without a score not shown'
    >>> _unscored(_TEXT["en"], s, "RFM")
    'customers without a score, not shown: R 1, F 1, M 2'
    >>> _unscored(_TEXT["zh"], s, "RFM")
    '未显示的无评分客户：R 1、F 1、M 2'
    """
    missing = {d: getattr(scores, d.lower()) == 0 for d in "RFM"}
    none = missing["R"] & missing["F"] & missing["M"]  # no score at all
    if dims == "RF":
        left = missing["R"] | missing["F"]
        n = int(np.count_nonzero(left))
        if not n:
            return ""
        return _counted(text, "not_shown" if (left == none).all() else "no_rf", n)
    counts = {d: int(np.count_nonzero(missing[d])) for d in dims}
    if not any(counts.values()):
        return ""
    if all((missing[d] == none).all() for d in dims):
        return _counted(text, "not_shown", counts[dims[0]])
    shown = [d for d in dims if counts[d]]
    if len(shown) == 1:
        return _counted(text, "no_dim", counts[shown[0]], d=shown[0])
    parts = text["list_sep"].join(f"{d} {counts[d]:,d}" for d in shown)
    return text["no_dims"].format(parts=parts)


def _count_text(x: float, _pos: Any = None) -> str:
    """A tick's value as written under it: a whole number with thousands
    separators (never "-0"), else the number itself (never rounded to
    another one).

    >>> [_count_text(x) for x in (0.0, -0.0, 2.0, 12500.0, 2.5)]
    ['0', '0', '2', '12,500', '2.5']
    """
    x = float(x)
    if x.is_integer():
        return f"{int(x):,d}"
    return f"{x:,.6g}"


def _thousands(axis: Any) -> None:
    """Ticks at whole numbers (counts: no 2.5 customers; a book value below
    a few units gets fractions, as there are too few whole numbers), as
    plain numbers with thousands separators (no 1e6 offset), fewer of them
    when their labels would touch on the axis as drawn (the locator
    measures the axis after the layout: :mod:`custseg._plot_ticks`).
    """
    from matplotlib.ticker import FuncFormatter

    from ._plot_ticks import ApartLocator

    axis.set_major_formatter(FuncFormatter(_count_text))
    size = _size_pt(_mpl().rcParams[f"{axis.axis_name}tick.labelsize"])
    axis.set_major_locator(ApartLocator(size, _count_text, _text_sizes))


def _score_ticks(
    k: int, pitch: float, across: bool = True, first: int = 1
) -> list[int]:
    """The scores 1 .. *k* to label on an axis of *pitch* points per score:
    every score, or 1 and every 2nd, 5th, 10th ... (at least every
    *first*), the fewest steps at which the labels keep apart (side by
    side when *across*, else one above the other); 1 left out when it
    would touch the next one.

    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> _score_ticks(5, 40.0)
    [1, 2, 3, 4, 5]
    >>> _score_ticks(20, 8.0)
    [1, 5, 10, 15, 20]
    >>> _score_ticks(20, 40.0, first=2)
    [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    """
    size = _size_pt(_mpl().rcParams[("x" if across else "y") + "tick.labelsize"])
    w, h = _text_sizes([str(k)], size)[0]  # the widest: the most digits
    need = (w if across else h) + 0.8 * size
    for step in (1, 2, 5, 10, 20, 50, 100):
        if step >= first and step * pitch >= need:
            break
    ticks = list(range(step, k + 1, step))
    if step > 1 and (step - 1) * pitch >= need:
        ticks.insert(0, 1)
    return ticks or [1]


def _pct(x: float) -> str:
    """A share (of 1) as a bar's number: as every table writes it
    (:func:`custseg._display.percent`), nothing when missing.

    >>> _pct(119 / 2000), _pct(float("nan"))
    ('6.0%', '')
    """
    return "" if x != x else _display.percent(x)


# --------------------------------------------------------------------------
# room for the labels


def _text_sizes(
    texts: list[str], fontsize: Any = "medium", weight: str = "normal"
) -> list[tuple[float, float]]:
    """Width and height (points) of each text in the plots' fonts (a text
    of several lines: its widest line, and its lines' heights added up)."""
    _mpl()  # the first use of matplotlib in some plots: its errors, custseg's
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    # measured as drawn (text.usetex off, see _drawing): no TeX, whatever
    # the caller's rcParams (ismath=False below)
    renderer = RendererAgg(1, 1, 72)  # type: ignore[no-untyped-call]  # 72 dpi: pixels are points
    prop = FontProperties(family=_families(), size=fontsize, weight=weight)
    logger = logging.getLogger("matplotlib.font_manager")
    quiet = _QuietWeights()
    logger.addFilter(quiet)
    try:
        sizes = []
        # measuring looks glyphs up; the draw reports the missing ones
        with warnings_filtered("ignore", UserWarning, _GLYPH_WARNING):
            for t in map(_display.shown_surrogates, texts):  # as drawn
                # a wrapped text: its widest line, its lines' heights added
                widest, height = 0.0, 0.0
                for line in (t or " ").split("\n"):
                    w, h, _d = renderer.get_text_width_height_descent(  # type: ignore[no-untyped-call]
                        line or " ", prop, ismath=False
                    )
                    widest, height = max(widest, float(w)), height + float(h)
                sizes.append((widest, height))
    finally:
        logger.removeFilter(quiet)
    return sizes


def _size_pt(fontsize: Any = "medium") -> float:
    """Points of the font size *fontsize* (``"small"``: relative to
    ``font.size``); no text is laid out, so no TeX whatever the rcParams."""
    _mpl()
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=fontsize).get_size_in_points())


#: Names wider than this (points, in the usual font) are wrapped onto more
#: lines, at most :data:`_LINES`; the last line of a longer one ends in "…".
_WRAP_PT = 260.0
_LINES = 4
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
#: a CJK character, a run of other non-space characters, a run of spaces
_PIECE = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")
#: What a word too wide for a line is broken between: a character, but a
#: code point :func:`custseg._display.shown_name` writes (``\u202e``,
#: ``\U000e0001``) is one, and so is a backslash of the name it writes
#: twice (before a backslash, ``u`` or ``U``): read from the left, two
#: backslashes are always such a pair, as no code point starts so
_ATOM = re.compile(r"\\\\|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|.", re.S)


def _atoms(text: str) -> list[str]:
    r"""*text* in the pieces a line may end between: its characters, but a
    code point written as ``\uXXXX`` whole (a name as drawn, :func:`_shown`).

    >>> _atoms("ab\\u202ec")
    ['a', 'b', '\\u202e', 'c']
    >>> _atoms("\\\\u0041")  # a backslash the name holds, then "u0041"
    ['\\\\', 'u', '0', '0', '4', '1']
    >>> _atoms("\\\\\\u0020")  # a backslash of the name, then a blank
    ['\\\\', '\\u0020']
    """
    return _ATOM.findall(text)


def _wrap(
    name: str, width: float = _WRAP_PT, most: int = _LINES, weight: str = "normal"
) -> str:
    """*name* on lines of at most *width* points, broken at spaces and
    between CJK characters (inside a word wider than a line: anywhere), on
    at most *most* lines, the last one ending in "…" when it is cut short;
    measured in the usual font, of *weight*. A name that fits (at most
    *most* lines, each as wide as *width* at most) is returned as it is.

    Only what can be drawn is measured: the name is cut to what *most* + 2
    lines can hold at most (:func:`_line_chars` characters each) before it
    is measured, and a longer cut is taken only when the wrapped cut does
    not fill that many lines (characters of no width), so a name of
    megabytes costs no more than one of a few hundred characters, and gives
    the same lines as the whole name would.

    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> _wrap("Champions")
    'Champions'
    >>> print(_wrap("High-value customers who bought in the last month", width=160))
    High-value customers who
    bought in the last month
    >>> print(_wrap("最近一个月内购买过并且消费金额很高的重要价值客户", width=100))
    最近一个月内购买过并
    且消费金额很高的重要
    价值客户
    >>> short = _wrap("x" * 200, width=60, most=2)
    >>> short.count("\\n"), short.endswith("x…")
    (1, True)
    >>> _wrap("x" * 1_000_000, width=60, most=2) == short
    True
    """
    name = str(name)
    known: dict[str, float] = {}

    def measure(texts: list[str]) -> list[float]:
        """Widths of *texts*, each distinct text measured once."""
        new = list(dict.fromkeys(t for t in texts if t not in known))
        if new:
            sizes = _text_sizes(new, weight=weight)
            known.update((t, w) for t, (w, _h) in zip(new, sizes, strict=True))
        return [known[t] for t in texts]

    span = (most + 2) * _line_chars(width)
    if _fits(name, width, most, span, measure):
        return name
    flat = " ".join(name.split("\n"))
    cut = span
    while True:
        # lines before the one the cut falls in are those of the whole name
        text = _break(flat[:cut], width, measure)
        if cut >= len(flat) or len(text) >= most + 2:
            break
        cut *= 4  # characters of no width: a longer cut
    if len(text) > most:
        last = text[most - 1]
        room = width - measure(["…"])[0]
        while last and measure([last])[0] > room:
            last = "".join(_atoms(last)[:-1])  # never half a code point
        text = [*text[: most - 1], last.rstrip() + "…"]
    return "\n".join(text)


def _line_chars(width: float) -> int:
    """The most characters a line of *width* points holds in the usual font
    (but for characters of no width): a visible character or a space is at
    least a fifth of the font size wide (DejaVu Sans' narrowest, "i" and
    "l", are more than a quarter; a hair space is the exception, and only
    makes :func:`_wrap` cut its name longer).

    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> _line_chars(260.0) >= 260 / (0.278 * 10)   # 10-point text
    True
    """
    return int(width / (0.2 * _size_pt())) + 1


def _fits(
    name: str,
    width: float,
    most: int,
    span: int,
    measure: Callable[[list[str]], list[float]],
) -> bool:
    """Whether *name* has at most *most* lines, none wider than *width*.

    A line is measured by its first *span* characters first (a text is at
    least as wide as any of its beginnings), then by longer beginnings only
    while they fit (characters of no width).
    """
    lines = name.split("\n")
    if len(lines) > most:
        return False
    for line in lines:
        cut = span
        while True:
            if measure([line[:cut] or " "])[0] > width:
                return False
            if cut >= len(line):
                break
            cut *= 4
    return True


def _break(
    flat: str, width: float, measure: Callable[[list[str]], list[float]]
) -> list[str]:
    """*flat* (one line) broken greedily onto lines of at most *width*
    points: at spaces and between CJK characters, a word wider than a line
    anywhere; spaces at the ends of lines dropped."""
    pieces = _PIECE.findall(flat)
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for piece, w in zip(pieces, measure(pieces), strict=True):
        if piece.isspace():
            if line:
                line.append(piece)
                used += w
            continue
        if used + w > width and line:  # the piece on a new line
            while line and line[-1].isspace():
                used -= measure([line.pop()])[0]
            lines.append("".join(line))
            line, used = [], 0.0
        if w > width:  # a word wider than a line: broken anywhere
            chars = _atoms(piece)  # never a code point (\u202e) cut in two
            for c, cw in zip(chars, measure(chars), strict=True):
                if used + cw > width and line:
                    lines.append("".join(line))
                    line, used = [], 0.0
                line.append(c)
                used += cw
            continue
        line.append(piece)
        used += w
    while line and line[-1].isspace():
        line.pop()
    if line:
        lines.append("".join(line))
    return lines


#: Names under columns (staff) are wrapped to this width (points), so a
#: long one stands level under its column rather than turned.
_COLUMN_PT = 130.0


def _shown(names: Iterable[Any]) -> list[str]:
    r"""Class or staff names as the plots draw them: as the HTML report's
    tables show them (:func:`custseg._display.shown_name`), so that two
    different names never look alike (control characters, a tab or a line
    break among them, invisible format characters such as a bidi control
    or a zero-width space, and the blanks a page hides or shows alike, as
    their code points), and lone surrogates (no font draws one, and
    matplotlib cannot lay one out) by their code points too. Made before
    anything is measured, so each name is laid out with the room it takes.

    >>> _shown(["amy", "amy\n", "amy ", "\u202eyma", "bo\udc80"])
    ['amy', 'amy\\u000a', 'amy\\u0020', '\\u202eyma', 'bo\\udc80']
    """
    return [_display.shown_name(str(name), surrogates=True) for name in names]


def _wrapped(names: list[str], wrap: bool = True) -> tuple[list[str], int]:
    """*names* as drawn (:func:`_shown`), wrapped (:func:`_wrap`) if *wrap*
    (a new figure: an Axes passed in keeps them on one line), and the most
    lines one takes."""
    out = [_wrap(name) if wrap else name for name in _shown(names)]
    return out, max((t.count("\n") + 1 for t in out), default=1)


def _title(ax: Axes, heading: str, wrap: bool = True) -> None:
    """Set *heading* as *ax*'s title, each line wrapped to the figure's
    width if *wrap* (a new figure): a long class or column name in it never
    runs off the figure."""
    # lone surrogates and invisible format characters (a bidi control a
    # browser obeys in an SVG) as code points, before the title is measured
    heading = _display.shown_invisible(_display.shown_surrogates(str(heading)))
    if not wrap:
        ax.set_title(heading)
        return
    width = max(_root(ax).get_figwidth() * 72 - 16, 60.0)
    lines = str(heading).split("\n")
    ax.set_title("\n".join(_wrap(line, width, 3, "bold") for line in lines))


def _label_room(names: list[str], axis_label: bool = True) -> float:
    """Inches the tick labels *names* (and an axis label) take beside an axis."""
    widest = max((w for w, _ in _text_sizes(names)), default=0.0)
    # tick (3.5) + pad (3.5) + the axis label's line and its pad
    return (widest + 7 + (1.4 * _size_pt() + 4 if axis_label else 0)) / 72


def _axes_width_pt(ax: Axes, room: float) -> float:
    """The width (points) *ax* will have once drawn, *room* inches beside it.

    Under constrained layout an Axes grows to fill its grid cell less its
    labels, so its width before the layout is scaled back up to the cell.
    """
    fig = _root(ax)
    width = ax.get_position().width * fig.get_figwidth() * 72
    engine = fig.get_layout_engine()
    if engine is not None and type(engine).__name__ == "ConstrainedLayoutEngine":
        pars = fig.subplotpars
        width = width / max(pars.right - pars.left, 0.1) - 72 * room - 12
    return max(width, 1.0)


def _row_pitch(ax: Axes, rows: float, taken: float = 60.0) -> float:
    """Points per row when *ax*'s height is shared by *rows* rows; *taken*:
    points above and below the Axes (title, x tick labels, x label)."""
    fig = _root(ax)
    height = ax.get_position().height * fig.get_figheight() * 72
    engine = fig.get_layout_engine()
    if engine is not None and type(engine).__name__ == "ConstrainedLayoutEngine":
        pars = fig.subplotpars
        height = height / max(pars.top - pars.bottom, 0.1) - taken
    return max(height, 1.0) / max(rows, 1)


#: The smallest font (points) tick labels are shrunk to when rows are tight.
_SMALLEST = 5.5


def _fit_yticks(ax: Axes, names: list[str], taken: float = 60.0) -> None:
    """Put *names* on the y ticks 0 .. n-1, in a smaller font when the rows
    are too close for the usual one (a small Axes with many classes); a
    name of several lines (:func:`_wrap`) needs a row as high as its lines."""
    n = len(names)
    pitch = _row_pitch(ax, n, taken)
    size = _size_pt()
    lines = max((name.count("\n") + 1 for name in names), default=1)
    if pitch >= 1.3 * size * lines:
        ax.set_yticks(np.arange(n), names)
    else:
        small = max(pitch / (1.3 * lines), _SMALLEST)
        ax.set_yticks(np.arange(n), names, fontsize=small)


def _fit_xticks(ax: Axes, names: list[str], room: float = 0.0) -> float:
    """Put *names* on the x ticks 0 .. n-1 so that no two labels touch.

    Level when the widest fits its column; else turned 45 degrees, ending at
    its tick (``rotation_mode="anchor"``), when the turned labels, parallel
    strips a column apart, keep clear of each other; else upright (90
    degrees), in a smaller font if the columns are narrower than a line.
    *room*: inches taken left of the Axes by the y labels. Returns the
    height (points) the labels take under the Axes.
    """
    n = len(names)
    ticks = np.arange(n)
    if not n:
        ax.set_xticks(ticks, [])
        return 0.0
    sizes = _text_sizes(names)
    widest = max(w for w, _ in sizes)
    size = _size_pt()
    line = 1.25 * size
    lines = max(name.count("\n") + 1 for name in names)  # wrapped names
    column = _axes_width_pt(ax, room) / n
    if widest + 0.6 * line <= column:
        ax.set_xticks(ticks, names, rotation=0, ha="center")
        return line * lines
    if column * np.sin(np.pi / 4) >= 1.15 * line * lines:
        ax.set_xticks(
            ticks, names, rotation=45, ha="right", va="top", rotation_mode="anchor"
        )
        return float(np.sin(np.pi / 4) * (widest + line * lines))
    small = min(size, max(column / (1.35 * lines), _SMALLEST))
    ax.set_xticks(
        ticks,
        names,
        rotation=90,
        ha="right",
        va="center",
        rotation_mode="anchor",
        fontsize=small,
    )
    return widest * small / size


# --------------------------------------------------------------------------
# segment summary


def segment_sizes(
    summary: Any,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    lang: str = "en",
    total: str | None = "Total",
) -> Axes:
    """Share of the customers and of the revenue of each class, as bars.

    Horizontal grouped bars, one pair per row of *summary* in its order
    (top to bottom): ``customer_share`` and ``revenue_share`` in percent,
    each bar labelled with its value. A class with a bigger revenue bar
    than customer bar is worth more than its size.

    Parameters
    ----------
    summary
        The frame of :func:`custseg.segment_summary` (or any DataFrame
        indexed by class with ``customer_share`` and ``revenue_share``
        columns, shares of 1). Its total row is left out.
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure.
    title
        The title; ``None`` for the default one in *lang*.
    lang
        ``"en"`` or ``"zh"``: the language of the title, axis label and
        legend (class names come from *summary*).
    total
        The name of the total row to leave out (``None``: keep every row).
        By default (``"Total"``), the frame of
        :func:`custseg.segment_summary` says which row it is
        (``summary.attrs["total"]``, ``None`` when it has none), and that
        row is left out wherever it is (pandas keeps the mark through
        ``sort_values``, ``nlargest`` and ``loc``, which may move the total
        row first): a class called ``"Total"`` of a summary made with
        ``total=None`` is drawn, a total row named ``"All"`` is not.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: ``ax.containers`` holds the customer bars, then
        the revenue bars.

    Raises
    ------
    InputError
        *summary* is not a DataFrame with both share columns, or has more
        than :data:`MAX_CLASSES` classes (checked before drawing).
    ThresholdError
        An unknown *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> facts = custseg.summarize(["a", "b", "a", "c"],
    ...     ["2024-03-01", "2024-03-02", "2024-03-20", "2023-10-30"],
    ...     [100.0, 40.0, 60.0, 10.0], as_of="2024-03-31")
    >>> table = custseg.segment_summary(custseg.lifecycle_stage(facts.recency_days), facts)
    >>> ax = plot.segment_sizes(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['active', 'silent', 'sleeping', 'lost', 'no_purchase']
    >>> [round(float(b.get_width()), 1) for b in ax.containers[1]]  # revenue, %
    [95.2, 4.8, 0.0, 0.0, 0.0]

    Sorted by size, the total row (now the first) is still left out:

    >>> ax = plot.segment_sizes(table.nlargest(3, "customers"))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['active', 'silent']
    """
    text = _lang(lang)
    columns = getattr(summary, "columns", None)
    if columns is None or not hasattr(summary, "index"):
        raise InputError(
            "summary",
            f"must be a DataFrame, got {type(summary).__name__}",
            fix="pass the frame of custseg.segment_summary(labels, facts)",
        )
    for col in ("customer_share", "revenue_share"):
        if col not in columns:
            raise InputError(
                "summary",
                f"has no column {col!r}",
                fix="pass the frame of custseg.segment_summary(labels, facts)",
            )
    attrs = getattr(summary, "attrs", None)
    if total == "Total" and isinstance(attrs, dict) and "total" in attrs:
        # segment_summary's mark (pandas keeps it through sort_values,
        # nlargest, loc): the row of that name is its total wherever a sort
        # put it, never a class (segment_summary refuses a class so named)
        mark = attrs["total"]
        if mark is not None:
            summary = summary[[str(i) != str(mark) for i in summary.index]]
    elif total is not None:
        summary = summary[[str(i) != total for i in summary.index]]
    _at_most(
        "summary",
        "classes",
        len(summary),
        MAX_CLASSES,
        "group the small classes into one (e.g. 'other') before segment_summary, "
        "or plot the largest classes: summary.nlargest(N, 'customers') (its "
        "total row is left out wherever it is)",
    )
    names, lines = _wrapped([str(i) for i in summary.index], ax is None)
    shares = [
        v.as_numeric(summary[col], col, nan="allow")
        for col in ("customer_share", "revenue_share")
    ]
    # bars in percent; their numbers from the shares themselves, as the
    # tables write them (100 * 0.0595 is 5.949999999999999: 5.9%, not 6.0%)
    cust, rev = (100 * share for share in shares)
    n = len(names)
    with _drawing():
        row = 0.5 + 0.18 * (lines - 1)  # inches a class takes, its name wrapped
        new = ax is None  # a figure of its own
        ax = _axes(ax, (5.4 + _label_room(names, False), 1.5 + row * max(n, 1)))
        before = _texts(ax, new)
        pitch = _row_pitch(ax, n + 1)
        # a band above the first class for the legend, never over a bar
        band = max(1.0, 2.6 * _size_pt("small") / pitch)
        y = np.arange(n)
        h = 0.38
        bars_c = ax.barh(
            y - h / 2, cust.tolist(), h, color=_BLUE, label=text["customers"]
        )
        bars_r = ax.barh(
            y + h / 2, rev.tolist(), h, color=_ORANGE, label=text["revenue"]
        )
        if h * pitch >= 1.35 * _size_pt("x-small"):  # room for the numbers
            for bars, values in zip((bars_c, bars_r), shares, strict=True):
                ax.bar_label(
                    bars,
                    labels=[_pct(x) for x in values],
                    padding=2,
                    fontsize="x-small",
                )
        _fit_yticks(ax, names)
        ax.set_ylim(n - 0.4, -0.6 - band)  # first class on top
        ax.axvline(0, color=_ink(ax), linewidth=0.8)
        ax.set_xlabel(text["share_pct"])
        _title(ax, text["sizes_title"] if title is None else str(title), new)
        ax.margins(x=0.12)
        if not np.any(cust > 0):  # no customers: no shares to draw
            ax.set_xlim(0, 100)
            _no_customers(ax, text)
        ax.legend(loc="upper right", fontsize="small", frameon=False, ncols=2)
        _finish(ax, before=before)
    return ax


# --------------------------------------------------------------------------
# RFM scores


def _check_scores(scores: Any) -> Any:
    from .rfm import RfmScores

    if not isinstance(scores, RfmScores):
        raise InputError(
            "scores",
            f"must be RfmScores, got {type(scores).__name__}",
            fix="pass the result of custseg.rfm_scores(...)",
        )
    return scores


def _monetary(monetary: Any, scores: Any) -> np.ndarray:
    from .summary import CustomerFacts

    index = getattr(monetary, "index", None)
    if isinstance(monetary, CustomerFacts):  # its ids are its customer_id
        index = to_pandas_index(monetary.customer_id, "customer_id")
        monetary = monetary.monetary
    arr = v.as_numeric(monetary, "monetary", nan="allow").astype(np.float64)
    v.check_same_length(scores=scores.r, monetary=arr)
    if not hasattr(index, "equals"):  # a list's .index is a method, not ids
        index = None
    if (
        index is not None
        and scores.index is not None
        and not paired("monetary", "scores", index, scores.index)
    ):
        raise InputError(
            "monetary",
            "has another index than the scores",
            fix="pass the monetary values of the same customers, in the same order",
        )
    return arr


def rf_heatmap(
    scores: Any,
    monetary: Any = None,
    *,
    value: str = "customers",
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """The R x F grid: customers (or their mean monetary value) per cell.

    Rows are R scores (the most recent customers on top), columns F scores;
    each cell shows its number. Customers without an R or F score (no
    purchase, with ``nan="unknown"``) are left out, and the title says how
    many: "without a score" when they have none, "without an R or F score"
    when some have an M score (a customer with an R and an F score but no
    M score is in the grid, as in the R and F bars of
    :func:`score_distribution`). With ``value="monetary"``, so are
    customers with a score but no monetary value (NaN), counted on a line
    of their own. A cell too small for its number shows it in fewer
    characters (``2.66e14``) or a smaller font; a cell too small even for
    that has none (every cell alike), rather than numbers over each other.
    Scores on the axes are labelled each, or 1 and every 2nd, 5th, 10th
    ... score when they are too close for all (many scores in a panel).

    Parameters
    ----------
    scores
        :class:`~custseg.RfmScores` from :func:`custseg.rfm_scores`.
    monetary
        One value per customer of *scores*, in the same order (an array, a
        Series on the same index, or :class:`~custseg.CustomerFacts`); only
        for ``value="monetary"``.
    value
        ``"customers"``: customers per cell; ``"monetary"``: their mean
        monetary value (NaN values left out; an empty cell stays blank),
        written in whole units, or below 1 at the decimals of the amounts
        (two at least) or with its first two digits: ``0.003``, never
        ``0``. The colours run from the smallest mean (from 0 when none
        is below it) to the largest: a mean below 0 (refunds above the
        purchases) has a colour of its own.
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure.
    lang
        ``"en"`` or ``"zh"``: the language of the title and axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is the grid, row ``i`` for R score
        ``i + 1``, column ``j`` for F score ``j + 1``.

    Raises
    ------
    InputError
        *scores* is not RfmScores, or has more than
        :data:`MAX_HEATMAP_CLASSES` R or F scores (checked before drawing);
        *monetary* missing for ``value="monetary"``, or of another length
        or index.
    ThresholdError
        An unknown *value* or *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> s = custseg.rfm_scores([3, 40, 200, 10, float("nan")], [12, 3, 1, 6, 0],
    ...                        [900.0, 150.0, 20.0, 400.0, 0.0], bins=2, nan="unknown")
    >>> ax = plot.rf_heatmap(s)
    >>> ax.images[0].get_array().tolist()    # R 1 then R 2; F 1, F 2
    [[2, 0], [0, 2]]
    >>> print(ax.get_title())
    Customers per R and F score
    1 customer without a score not shown
    >>> nan = float("nan")
    >>> ax = plot.rf_heatmap(s, [900.0, nan, 20.0, 400.0, nan], value="monetary")
    >>> print(ax.get_title())
    Mean monetary value per R and F score
    1 customer without a score not shown
    1 customer without a monetary value not shown
    """
    text = _lang(lang)
    v.choice(value, "value", ("customers", "monetary"))
    scores = _check_scores(scores)
    kr, kf = scores.edges.recency.bins, scores.edges.frequency.bins
    _at_most(
        "scores",
        "R or F scores",
        max(kr, kf),
        MAX_HEATMAP_CLASSES,
        f"score with bins <= {MAX_HEATMAP_CLASSES} (custseg.rfm_scores(..., "
        "bins=5)), or draw score_distribution(scores)",
    )
    r = scores.r.astype(np.intp)
    f = scores.f.astype(np.intp)
    known = (r > 0) & (f > 0)
    no_monetary = 0
    if value == "monetary":
        if monetary is None:
            raise InputError(
                "monetary",
                "is needed for value='monetary'",
                fix="pass the customers' monetary values (facts.monetary)",
            )
        m = _monetary(monetary, scores)
        missing = known & np.isnan(m)  # scored, but no value to average
        no_monetary = int(np.count_nonzero(missing))
        known &= ~missing
    elif monetary is not None:
        _monetary(monetary, scores)
    cell = (r[known] - 1) * kf + (f[known] - 1)
    counts = np.bincount(cell, minlength=kr * kf).reshape(kr, kf)
    if value == "customers":
        grid: Any = counts
        cells = counts.ravel().astype(np.float64)
        shown = [f"{int(c):,d}" for c in counts.ravel()]
        heading = text["rf_customers"]
    else:
        # sums in no order (the same cells whatever the row order); each
        # mean in whole units, or below 1 as the report's tables write a
        # mean of money (at the decimals of the amounts, or its first two
        # digits: a mean of 0.003 is not 0)
        means = _cell_means(m[known], cell, counts)
        grid = np.ma.masked_invalid(means)
        cells = means.ravel()
        places = _display.money_places(m)
        shown = [
            "" if c != c else _display.mean_money(c, 0 if abs(c) >= 1 else places)
            for c in cells
        ]
        heading = text["rf_monetary"]
    unscored = _unscored(text, scores, "RF")
    if unscored:
        heading += "\n" + unscored
    if no_monetary:
        heading += "\n" + _counted(text, "no_monetary", no_monetary)
    with _drawing():
        new = ax is None  # a figure of its own
        ax = _axes(ax, (1.6 + 0.9 * kf, 1.4 + 0.75 * kr))
        before = _texts(ax, new)
        # numbers too wide for their cells (a mean spend of 15 digits) in
        # fewer characters, else in a smaller font: never over the next cell
        room = _axes_width_pt(ax, _label_room([str(kr)])) / kf
        shown, size = _cell_texts(
            shown, _compact_cells(shown, cells), room, _row_pitch(ax, kr)
        )
        image = ax.imshow(
            grid, origin="lower", cmap="YlGnBu", aspect="auto", interpolation="nearest"
        )
        filled = np.ma.filled(grid, np.nan).astype(np.float64)
        # the colours span every cell, a mean below 0 too (net refunds):
        # a scale from 0 drew every negative mean as 0 is drawn, so cells of
        # -900 and -3 looked alike
        low, top = _colour_range(filled)
        for pos, label in enumerate(shown):
            i, j = divmod(pos, kf)
            cell_value = float(filled[i, j])
            dark = (
                top > low
                and cell_value == cell_value
                and cell_value > 0.4 * low + 0.6 * top
            )
            ax.text(
                j,
                i,
                label,
                ha="center",
                va="center",
                fontsize=size,
                color="white" if dark else "black",
            )
        # every score when they fit, else 1 and every 2nd, 5th ... score
        xs = _score_ticks(kf, room)
        ys = _score_ticks(kr, _row_pitch(ax, kr), across=False)
        ax.set_xticks([i - 1 for i in xs], [str(i) for i in xs])
        ax.set_yticks([i - 1 for i in ys], [str(i) for i in ys])
        ax.set_xlabel(text["f_score"])
        ax.set_ylabel(text["r_score"])
        _title(ax, heading, new)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        image.set_clim(low, top if top > low else low + 1e-12)
        _finish(ax, before=before)
    return ax


def _colour_range(values: np.ndarray) -> tuple[float, float]:
    """The ends of a heatmap's colour scale: from 0, or from the smallest
    value when one is below 0 (a cell's mean spend of net refunds), to the
    largest value (0 when none is above 0), so that every cell's colour
    tells its value and none is clipped to an end it does not have. A range
    past the float range (means near -1e308 and 1e308) starts at 0, as the
    values below 0 cannot be told apart on it.

    >>> _colour_range(np.array([[3.0, 900.0], [np.nan, 0.0]]))
    (0.0, 900.0)
    >>> _colour_range(np.array([[-3.0, -900.0], [-85.0, np.nan]]))
    (-900.0, 0.0)
    >>> _colour_range(np.array([[-85.0, 400.0]]))
    (-85.0, 400.0)
    >>> _colour_range(np.array([[np.nan]]))
    (0.0, 0.0)
    """
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 0.0
    low = min(0.0, float(finite.min()))
    top = max(0.0, float(finite.max()))
    with np.errstate(over="ignore"):
        if not np.isfinite(top - low):
            low = 0.0
    return low, top


def _cell_means(values: np.ndarray, cell: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The mean of *values* per cell (*cell*: each value's, flat; NaN
    where *counts* is 0), summed in no order (the same means whatever the
    row order); amounts whose sums pass the float range (near 1e308) are
    summed halved as often as need be, so each mean is the finite one.

    >>> m = _cell_means(np.array([1.5e308, 1.7e308, 2.0]), np.array([0, 0, 1]),
    ...                 np.array([[2, 1]]))
    >>> m.tolist()
    [[1.6e+308, 2.0]]
    """
    shape = counts.shape
    power = 0
    if len(values):
        with np.errstate(over="ignore"):
            big = not np.isfinite(np.abs(values).sum())
        if big:  # the sums overflow: of the values scaled by a power of 2
            power = int(np.frexp(np.max(np.abs(values)))[1])
            values = np.ldexp(values, -power)
    sums = order_free_sums(values, cell, counts.size).reshape(shape)
    means = np.full(shape, np.nan)
    np.divide(sums, counts, out=means, where=counts > 0)
    return np.ldexp(means, power) if power else means


def _cell_texts(
    texts: list[str], short: list[str], width: float, height: float = np.inf
) -> tuple[list[str], Any]:
    """The numbers of a heatmap's cells, at most *width* points wide and
    *height* points high, and their font size: *texts* as written when they
    fit, else every number in fewer characters (*short*: ``2.66e14`` for a
    count, ``63%`` for a share of 63.2%), in a smaller font if need be
    (``x-small``, ``xx-small``, then points down to the smallest tick
    font); a cell too small for that has no number (every cell alike),
    rather than numbers over each other.

    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> _cell_texts(["950", ""], ["950", ""], 60.0)
    (['950', ''], 'small')
    >>> _cell_texts(["265,704,471,699,696", "7"], ["2.66e14", "7"], 60.0)
    (['2.66e14', '7'], 'small')
    >>> _cell_texts(["63.2%", "2.0%"], ["63%", "2%"], 20.0)
    (['63%', '2%'], 'small')
    >>> _cell_texts(["63.2%", "2.0%"], ["63%", "2%"], 4.0)
    (['', ''], 'small')
    """

    def scale(shown: list[str], size: Any) -> float:
        """How much *shown* must shrink to fit at *size* (1: it fits)."""
        distinct = [t for t in dict.fromkeys(shown) if t]
        sizes = _text_sizes(distinct, size)
        wide = max((w for w, _h in sizes), default=0.0)
        # a line is as high as "lp" at least, as matplotlib lays text out
        # (ascender and descender): digits' own ink is lower than the box
        # drawn, and numbers of rows a line apart touched
        line = _text_sizes(["lp"], size)[0][1] if distinct else 0.0
        high = max((max(h, line) for _w, h in sizes), default=0.0)
        return max(wide / (0.9 * width), high / (0.9 * height), 1e-9)

    if scale(texts, "small") <= 1:
        return texts, "small"
    for size in ("small", "x-small", "xx-small"):
        if scale(short, size) <= 1:
            return short, size
    smallest = _size_pt("xx-small")
    points = smallest / scale(short, smallest)
    if points >= min(_SMALLEST, smallest):
        return short, points
    return ["" for _ in texts], "small"


def _compact_cells(texts: list[str], values: np.ndarray) -> list[str]:
    """Each cell's number in a few characters (:func:`custseg._display.compact`;
    an empty cell stays empty)."""
    return [t and _display.compact(x) for t, x in zip(texts, values, strict=True)]


def _whole_percents(texts: list[str], shares: np.ndarray) -> list[str]:
    """Each cell's share in whole percent (``63%``, ``<1%``; an empty cell
    stays empty)."""
    return [t and _display.percent(x, 0) for t, x in zip(texts, shares, strict=True)]


def score_distribution(
    scores: Any, *, ax: Axes | None = None, lang: str = "en"
) -> Axes:
    """Customers per score ``1 .. bins`` of R, F and M, as grouped bars.

    A flat R and M and an F piled on score 1 is the usual picture (many
    one-time buyers); an empty score is a tie across quantile edges (see
    :attr:`custseg.RfmScores.diagnostics`). Each group of bars counts the
    customers with that score, and the title says how many each leaves out:
    customers with no score at all (no purchase, with ``nan="unknown"``)
    as "N customers without a score not shown"; a customer without only an
    M score (a NaN monetary value) is in the R and F bars, and the title
    names the score: "2 customers without an M score not shown", or one
    count per score ("customers without a score, not shown: R 3, M 5")
    when they differ. The scores under the bars are labelled each (up to
    20), or 1 and every 2nd, 5th or 10th, fewer still when their labels
    would touch; the counts' ticks are spaced so that theirs never do.

    Parameters
    ----------
    scores
        :class:`~custseg.RfmScores` from :func:`custseg.rfm_scores`.
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure.
    lang
        ``"en"`` or ``"zh"``: the language of the title, axis labels and
        legend.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers`` holds the R, F and M bars, one bar per score of the
        largest scale (a dimension with fewer scores has zero bars above).

    Raises
    ------
    InputError
        *scores* is not RfmScores.
    ThresholdError
        An unknown *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> s = custseg.rfm_scores([3, 40, 200, 10], [12, 1, 1, 6],
    ...                        [900.0, 150.0, 20.0, 400.0], bins=2)
    >>> ax = plot.score_distribution(s)
    >>> [[float(b.get_height()) for b in bars] for bars in ax.containers]
    [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]]
    """
    text = _lang(lang)
    scores = _check_scores(scores)
    e = scores.edges
    k = max(e.recency.bins, e.frequency.bins, e.monetary.bins)
    dims = (("R", scores.r), ("F", scores.f), ("M", scores.m))
    counts = [np.bincount(s.astype(np.intp), minlength=k + 1)[1:] for _, s in dims]
    heading = text["scores_title"]
    unscored = _unscored(text, scores, "RFM")
    if unscored:
        heading += "\n" + unscored
    with _drawing():
        new = ax is None  # a figure of its own
        # wider with more scores, up to a page's width: a chart 23 inches
        # wide for 20 scores was shrunk to unreadable text in the report
        ax = _axes(ax, (min(12.0, max(5.0, 1.5 + 1.1 * k)), 3.8))
        before = _texts(ax, new)
        x = np.arange(1, k + 1)
        w = 0.27
        for pos, ((key, _), c, color) in enumerate(
            zip(dims, counts, (_BLUE, _ORANGE, _GREEN), strict=True)
        ):
            ax.bar(
                x + (pos - 1) * w,
                c.astype(float).tolist(),
                w,
                color=color,
                label=text[key],
            )
        # every score up to 20, then 1 and every 2nd, 5th or 10th; more
        # apart when the labels would touch (many scores in a panel)
        most = max((int(c.max()) for c in counts if c.size), default=0)
        column = _axes_width_pt(ax, _label_room([_count_text(most)])) / (k + 1)
        first = next(s for s in (1, 2, 5, 10) if k <= 20 * s)
        ticks = _score_ticks(k, column, first=first)
        ax.set_xticks(ticks, [str(i) for i in ticks])
        ax.set_xlabel(text["score"])
        ax.set_ylabel(text["customers"])
        _title(ax, heading, new)
        ax.legend(fontsize="small", frameon=False, ncols=3, loc="upper center")
        ax.margins(y=0.18)
        if not any(c.any() for c in counts):  # no customer has a score
            ax.set_ylim(0, 1)
            _no_customers(ax, text)
        _thousands(ax.yaxis)
        _finish(ax, before=before)
    return ax


# --------------------------------------------------------------------------
# concentration


def lorenz(
    values: Any,
    *,
    cutoffs: Any = None,
    edges: Any = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """How concentrated the revenue is: the Lorenz curve, top customers first,
    with the ABC classes and the 80/20 point.

    The curve is :func:`custseg.lorenz_curve` read from the top: at ``x`` %
    of the customers (the most valuable first) it gives the share of the
    revenue they bring, ``1 - L(1 - x)``. The shaded bands are the ABC
    classes fitted with :func:`custseg.abc_edges` (*cutoffs*), and the
    marked point is the share of customers that brings 80% of the revenue
    (:func:`custseg.pareto_summary`). The diagonal is a base where everyone
    brings the same.

    Parameters
    ----------
    values
        Monetary value per customer (an array or Series), or
        :class:`~custseg.CustomerFacts` (its ``monetary``). Values <= 0
        count as 0.
    cutoffs
        :class:`~custseg.AbcCutoffs` for the bands; ``None`` for the default
        80% / 95% of the value. The marked point is at the first cutoff's
        share of the value when ``basis="value"``, 80% otherwise.
    edges
        :class:`~custseg.AbcEdges` the classes were given (fixed edges, as
        ``segment(abc_edges=...)`` takes them): the bands follow them
        instead of edges fitted with *cutoffs*.
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure.
    lang
        ``"en"`` or ``"zh"``: the language of the title, axis labels and
        annotation.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines[0]`` is the curve in percent (``get_xydata()``).

    Raises
    ------
    InputError
        NaN values, or no positive value.
    ThresholdError
        *cutoffs* not AbcCutoffs, or an unknown *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> from custseg import plot
    >>> ax = plot.lorenz([80, 5, 5, 5, 5])
    >>> ax.lines[0].get_xydata()[:3].tolist()
    [[0.0, 0.0], [20.0, 80.0], [40.0, 85.0]]
    >>> [t.get_text() for t in ax.texts][-1]
    '20.0% of customers give 80% of revenue'
    """
    from .pareto import AbcCutoffs, AbcEdges, abc_edges, lorenz_curve, pareto_summary
    from .summary import CustomerFacts

    text = _lang(lang)
    if cutoffs is None:
        cutoffs = AbcCutoffs()
    elif not isinstance(cutoffs, AbcCutoffs):
        raise ThresholdError(
            f"'cutoffs' must be an AbcCutoffs: got {type(cutoffs).__name__} "
            f"{v.describe(cutoffs)}"
        )
    if isinstance(values, CustomerFacts):
        values = values.monetary
    arr = v.as_numeric(values, "values").astype(np.float64)
    x, y = lorenz_curve(arr)
    # the top i of n customers: i * 100 / n, not 100 * (1 - (n - i) / n)
    top_x = np.arange(len(x)) * 100 / (len(x) - 1)
    top_y = 100 * (1 - y[::-1])
    if edges is None:
        edges = abc_edges(arr, cutoffs)
    elif not isinstance(edges, AbcEdges):
        raise ThresholdError(
            f"'edges' must be an AbcEdges or None: got {type(edges).__name__}"
        )
    n = len(arr)
    in_a = int(np.count_nonzero(arr >= edges.a_min)) / n
    in_ab = int(np.count_nonzero(arr >= edges.b_min)) / n
    share = cutoffs.a if cutoffs.basis == "value" else 0.8
    pareto = pareto_summary(arr, value_share=share)
    px, py = 100 * pareto.customers_for_value_share, 100 * share
    with _drawing():
        new = ax is None  # a figure of its own
        ax = _axes(ax, (6.0, 4.6))
        before = _texts(ax, new)
        ax.plot(top_x, top_y, color=_BLUE, linewidth=2)
        ax.plot([0, 100], [0, 100], color=_GREY, linestyle="--", linewidth=1)
        for lo, hi, name, alpha in (
            (0.0, in_a, "A", 0.22),
            (in_a, in_ab, "B", 0.12),
            (in_ab, 1.0, "C", 0.05),
        ):
            ax.axvspan(100 * lo, 100 * hi, color=_ORANGE, alpha=alpha, linewidth=0)
            if hi > lo:
                ax.text(
                    50 * (lo + hi),
                    3,
                    name,
                    ha="center",
                    va="bottom",
                    fontsize="large",
                    fontweight="bold",
                    color=_ink(ax, "#7a4a1f", "#f0b483"),  # brown, or light
                )
        ink = _ink(ax)
        ax.plot([px], [py], "o", color=ink, markersize=5)
        ax.plot([0, px, px], [py, py, 0], color=ink, linewidth=0.8, linestyle=":")
        ax.annotate(
            text["pareto_point"].format(
                x=_display.percent(pareto.customers_for_value_share),
                y=_display.percent(share).replace(".0%", "%"),  # 80%, 74.5%
            ),
            (px, py),
            xytext=(12, -28),
            textcoords="offset points",
            fontsize="small",
            arrowprops={"arrowstyle": "-", "color": ink, "linewidth": 0.6},
        )
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 102)
        ax.set_xlabel(text["lorenz_x"])
        ax.set_ylabel(text["lorenz_y"])
        _title(ax, text["lorenz_title"], new)
        _finish(ax, before=before)
    return ax


# --------------------------------------------------------------------------
# labels


def label_counts(
    labels: Any,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    lang: str = "en",
    missing: str | None = None,
) -> Axes:
    """Customers per class of any labelling, in the labels' order.

    Horizontal bars, the first class on top, each labelled with its count
    and share. Every class is shown (an empty one too); missing labels (NaN
    in a Series) get a bar of their own, last. With no customers at all the
    axis runs from 0 to 1 and the picture says "no customers".

    Parameters
    ----------
    labels
        :class:`~custseg.Labels` from any classifier (lifecycle stage,
        status, loyalty, relationship type, value tier, ABC class, a rules
        output), a pandas Categorical or categorical Series (its categories
        in their order), or a plain array or Series of names (the distinct
        values, sorted).
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure.
    title
        The title; ``None`` for the default in *lang*, with the labelling's
        name.
    lang
        ``"en"`` or ``"zh"``: the language of the title and axis label (class
        names come from *labels*).
    missing
        The name of the bar of missing labels; ``None`` for ``"missing"``
        (``"缺失"`` in Chinese).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds one bar per class.

    Raises
    ------
    InputError
        *labels* is not a one-dimensional labelling, or has more than
        :data:`MAX_CLASSES` classes (checked before drawing).
    ThresholdError
        *missing* is also a class name, or an unknown *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> stage = custseg.lifecycle_stage([12, 95, 400, float("nan"), 20])
    >>> ax = plot.label_counts(stage)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['active', 'silent', 'sleeping', 'lost', 'no_purchase']
    >>> [float(b.get_width()) for b in ax.containers[0]]
    [2.0, 1.0, 0.0, 1.0, 1.0]
    >>> ax.get_title()
    'Customers per class: lifecycle'
    """
    from .segments import _as_classes

    text = _lang(lang)
    lost = text["missing"] if missing is None else v.label_param(missing, "missing")
    if isinstance(labels, Labels):
        codes, names, name = labels.codes.astype(np.intp), labels.names, labels.name
    else:
        label_codes(labels, "labels")  # refuses what is not a labelling
        codes, names, _ordered, _index, name = _as_classes(labels, "labels", lost)
    _at_most(
        "labels",
        "classes",
        len(names),
        MAX_CLASSES,
        "group the small classes into one (e.g. 'other'), or plot the N "
        "largest: labels.where(labels.isin(labels.value_counts().index[:N]), "
        "'other') for a pandas Series",
    )
    counts = np.bincount(codes, minlength=len(names))
    n = int(counts.sum())
    if title is None:
        title = text["counts_title"]
        if name:
            title += (": " if lang == "en" else "：") + str(name)
    k = len(names)
    shown, lines = _wrapped([str(nm) for nm in names], ax is None)
    with _drawing():
        row = 0.42 + 0.18 * (lines - 1)  # inches a class takes, its name wrapped
        new = ax is None  # a figure of its own
        ax = _axes(ax, (5.0 + _label_room(shown, False), 1.2 + row * max(k, 1)))
        before = _texts(ax, new)
        y = np.arange(k)
        colors = [
            _GREY if nm == lost and i == k - 1 else _BLUE for i, nm in enumerate(names)
        ]
        bars = ax.barh(y, counts.astype(float).tolist(), 0.7, color=colors)
        ax.bar_label(
            bars,
            labels=[
                f"{int(c):,d} ({_display.share(c, n)})" if n else "0" for c in counts
            ],
            padding=3,
            fontsize="x-small",
        )
        _fit_yticks(ax, shown)
        ax.set_ylim(max(k, 1) - 0.5, -0.5)  # no class at all: an empty row
        ax.set_xlabel(text["customers"])
        _title(ax, str(title), new)
        ax.margins(x=0.18)
        if not n:  # no customers: an axis from 0, and say so
            ax.set_xlim(0, 1)
            _no_customers(ax, text)
        _thousands(ax.xaxis)
        _finish(ax, before=before)
    return ax


# --------------------------------------------------------------------------
# migration


def transition_heatmap(
    matrix: Any,
    *,
    normalize: str = "row",
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Where the customers of each class went: a before x after heatmap.

    Rows and columns are the same classes in the same order, then the
    *new* row and the *gone* column, so that the customers who stayed sit
    on the diagonal: the matrix's when its two sides list the same classes
    in the same order; else the classes before when they include every
    class after, or the classes after followed by those found only before,
    a class one side lacks drawn as a row (or column) of zeros. (Two sides
    with no class in common are drawn as they are: nobody can stay.) With
    ``normalize="row"`` each cell is the share of its row (where the
    customers of a class went), annotated in percent (in whole percent,
    ``63%``, when the cells are too narrow for ``63.2%``); with ``"none"`` the
    cells are customer counts, the cells made wider for them up to a
    point, and a count still too wide for its cell written with three
    significant digits and its power of ten (``1.23e9``), so that no
    number runs into the next cell; then, in either mode, in a smaller
    font, and in a cell too small even for that (many classes in a small
    panel), no number at all (every cell alike).
    The title says which share of the customers stayed in their class: a
    share of the customers in both periods, whose count it gives when some
    are new or gone.

    A row without customers (a class nobody was in before) has no shares:
    with ``normalize="row"`` it is hatched and says "no customers", so an
    empty class reads as empty, not as a gap in the picture (a matrix
    without any class says "no customers" in the middle). It is kept,
    not left out, so that row *i* and column *i* stay the same class and
    the customers who stayed sit on the diagonal. When customers were
    matched by id, a note under the axis says what the *new* row and the
    *gone* column are; with ``lang="zh"`` the default names ``(new)`` and
    ``(gone)`` are shown as ``（新进入）`` and ``（已离开）`` (not 新客户 or
    流失: those are class names of custseg's Chinese labels); names given to
    :func:`custseg.transition_matrix` are shown as given. Column names are
    level when they fit their column, else turned 45 degrees (90 when the
    columns are very narrow), so that no two touch.

    Parameters
    ----------
    matrix
        A :class:`~custseg.TransitionMatrix` from
        :func:`custseg.transition_matrix`.
    normalize
        ``"row"`` (row shares, see :meth:`~custseg.TransitionMatrix.row_shares`)
        or ``"none"`` (counts).
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure.
    lang
        ``"en"`` or ``"zh"``: the language of the title and axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is the grid drawn (a row without
        customers is masked); ``ax.texts`` holds the cells' numbers row by
        row, then the "no customers" marks, then the note on *new* and
        *gone*.

    Raises
    ------
    InputError
        *matrix* is not a TransitionMatrix, or has more than
        :data:`MAX_HEATMAP_CLASSES` classes before or after (the classes of
        both sides, when they differ; checked before drawing: a heatmap
        draws a cell per pair of classes).
    ThresholdError
        An unknown *normalize* or *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> tm = custseg.transition_matrix(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    >>> ax = plot.transition_heatmap(tm)
    >>> ax.images[0].get_array().tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    >>> [t.get_text() for t in ax.texts]
    ['50.0%', '50.0%', '0.0%', '100.0%']

    Matched by customer id, with a class nobody was in before:

    >>> import pandas as pd
    >>> jan = pd.Series(pd.Categorical(["a", "a"], categories=["a", "b"]),
    ...                 index=["c1", "c2"])
    >>> feb = pd.Series(["a", "b", "b"], index=["c1", "c2", "c3"])
    >>> ax = plot.transition_heatmap(custseg.transition_matrix(jan, feb), lang="zh")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b', '（新进入）']
    >>> [t.get_text() for t in ax.texts[9:]]
    ['无客户', '（新进入）：只在之后出现的客户\\n（已离开）：之后不再出现的客户']

    Two sides that list different classes share one list, so the
    diagonal is who stayed:

    >>> tm = custseg.transition_matrix(["b", "c"], ["a", "b"])
    >>> ax = plot.transition_heatmap(tm, normalize="none")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b', 'c']
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['a', 'b', 'c']

    More than :data:`MAX_HEATMAP_CLASSES` classes are refused before
    anything is drawn (group the small classes first):

    >>> names = [f"class {i}" for i in range(61)]
    >>> plot.transition_heatmap(custseg.transition_matrix(names, names))
    Traceback (most recent call last):
    ...
    custseg.errors.InputError: 'matrix' has 61 classes, more than the 60 a plot draws: ...
    """
    from .migration import TransitionMatrix, heatmap_classes, on_diagonal

    text = _lang(lang)
    v.choice(normalize, "normalize", ("row", "none"))
    if not isinstance(matrix, TransitionMatrix):
        raise InputError(
            "matrix",
            f"must be a TransitionMatrix, got {type(matrix).__name__}",
            fix="pass the result of custseg.transition_matrix(before, after)",
        )
    # the same classes as rows and columns: the customers who stayed on the
    # diagonal, also when one side lacks a class (a run read from a file)
    matrix = on_diagonal(matrix)
    _at_most(
        "matrix",
        "classes",
        heatmap_classes(matrix),
        MAX_HEATMAP_CLASSES,
        "group the small classes into one (e.g. 'other') in both labellings "
        "before transition_matrix, or read the moves as a table "
        "(matrix.to_pandas())",
    )
    counts = matrix.matrix
    shares = matrix.row_shares()
    if normalize == "row":
        data = np.ma.masked_invalid(shares)
        cells = ["" if x != x else _display.percent(x) for x in shares.ravel()]
        top = 1.0
    else:
        data = np.ma.masked_invalid(counts.astype(np.float64))
        # (each distinct count written once: a matrix may have 3,600 cells)
        written = {int(c): f"{int(c):,d}" for c in np.unique(counts)}
        cells = [written[c] for c in counts.ravel().tolist()]
        top = float(counts.max()) if counts.size else 0.0
    heading = text["moves_title"]
    if matrix.name:
        heading += (": " if lang == "en" else "：") + str(matrix.name)
    stayed = matrix.stayed
    if stayed == stayed:
        heading += "\n" + text["stayed"].format(s=_display.percent(stayed))
        if matrix.n_both != matrix.n:
            # a share of the customers in both periods, not of everyone: say so
            heading += "\n" + text["stayed_both"].format(b=matrix.n_both)
    rows, cols = _moved_names(matrix, lang)
    shown_rows, row_lines = _wrapped(rows, ax is None)
    shown_cols, _lines = _wrapped(cols, ax is None)
    n_r, n_c = counts.shape
    empty = [i for i in range(n_r) if not counts[i].any()]
    with _drawing():
        room = _label_room(shown_rows)
        if ax is None:
            widest = max((w for w, _ in _text_sizes(shown_cols)), default=0.0)
            # wide enough for the column names and for the numbers (counts
            # of ten digits), up to 1.35 inch: wider ones are written short
            number = max(
                (w for w, _ in _text_sizes(list(dict.fromkeys(cells)), "small")),
                default=0.0,
            )
            cell = min(max((max(widest, number / 0.9) + 12) / 72, 0.75), 1.35)
            if room + n_c * cell + 0.35 > 13:  # turned labels, narrower cells
                cell = max(0.55, (13 - room - 0.35) / max(n_c, 1))
            below = 0.3 if cell >= (widest + 10) / 72 else 0.72 * widest / 72 + 0.2
            size = (
                max(room + n_c * cell + 0.35, 4.5),
                1.5
                + (0.45 + 0.18 * (row_lines - 1)) * max(n_r, 1)
                + below
                + (0.4 if matrix.new is not None else 0),
            )
        else:
            size = (0.0, 0.0)
        new = ax is None  # a figure of its own
        ax = _axes(ax, size)
        before = _texts(ax, new)
        below = _fit_xticks(ax, shown_cols, room)
        # numbers too wide for their cells (1,234,567,890 in 0.55 inch, a
        # share of 20 columns in a panel) in fewer characters (1.23e9, 63%),
        # else in a smaller font: never over the next cell, as rf_heatmap's
        column = _axes_width_pt(ax, room) / max(n_c, 1)
        pitch = _row_pitch(ax, n_r, taken=below + 100)  # + title, x label, note
        short = (
            _whole_percents(cells, shares.ravel())
            if normalize == "row"
            else _compact_cells(cells, counts.ravel().astype(np.float64))
        )
        cells, size_of_cells = _cell_texts(cells, short, column, pitch)
        # the extent matplotlib would give, but never of zero width (no class)
        wide, high = max(n_c, 1) - 0.5, max(n_r, 1) - 0.5
        ax.imshow(
            data,
            cmap="Blues",
            vmin=0,
            vmax=max(top, 1e-12),
            aspect="auto",
            interpolation="nearest",
            extent=(-0.5, wide, high, -0.5),
        )
        filled = np.ma.filled(data, np.nan)
        for pos, label in enumerate(cells):
            i, j = divmod(pos, n_c)
            x = filled[i, j]
            ax.text(
                j,
                i,
                label,
                ha="center",
                va="center",
                fontsize=size_of_cells,
                color=(
                    "white"
                    if x == x and x > 0.6 * top
                    else ("#9a9a9a" if x == 0 else "black")
                ),
            )
        if normalize == "row":
            # a row nobody was in has no shares: say so rather than leave a gap
            from matplotlib.patches import Rectangle

            # in the style's colours: the background, hatched with its ink
            ground = tuple(float(c) for c in _background(ax))
            for i in empty:
                ax.add_patch(
                    Rectangle(
                        (-0.5, i - 0.5),
                        n_c,
                        1,
                        facecolor=ground,
                        edgecolor=_faded(ax, 0.78),
                        hatch="///",
                        linewidth=0,
                    )
                )
                ax.text(
                    (n_c - 1) / 2,
                    i,
                    text["no_customers"],
                    ha="center",
                    va="center",
                    fontsize="small",
                    fontstyle="italic",
                    color=_faded(ax, 0.33),
                    bbox={"facecolor": ground, "edgecolor": "none", "pad": 1.5},
                )
        _fit_yticks(ax, shown_rows, taken=below + 100)  # + title, x label, note
        ax.set_xlim(-0.5, wide)
        ax.set_ylim(high, -0.5)
        if not n_r or not n_c:  # no class, no customer: say so
            _no_customers(ax, text)
        ax.set_xlabel(text["after"])
        ax.set_ylabel(text["before"])
        _title(ax, heading, new)
        if matrix.new is not None and matrix.gone is not None:
            ax.annotate(
                text["new_gone"].format(new=rows[-1], gone=cols[-1]),
                xy=(0, 0),
                xycoords=("axes fraction", ax.xaxis.label),
                xytext=(0, -4),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize="small",
                color=_faded(ax, 0.27),
            )
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        _finish(ax, before=before)
    return ax


def _moved_names(matrix: Any, lang: str) -> tuple[list[str], list[str]]:
    """Row and column names to show: the default entrant and leaver names
    ``(new)`` and ``(gone)`` in *lang* (names of your own are kept)."""
    rows, cols = list(matrix.before), list(matrix.after)
    if matrix.new == "(new)":
        rows[-1] = _TEXT[lang]["new"]
    if matrix.gone == "(gone)":
        cols[-1] = _TEXT[lang]["gone"]
    return rows, cols


# --------------------------------------------------------------------------
# ownership


def workload(assignment: Any, *, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Customers and book value per owner, side by side, with the fair shares.

    For each staff member (in the order of the assignment) a bar of
    customers (left axis) and a bar of book value (right axis, a twin of
    *ax*); a tick on each bar, as wide as the bar (20 points at most),
    marks its fair share (see :func:`custseg.assign_owners`), in the
    style's text colour (black on white, white under ``dark_background``).
    Balanced means every bar ends near its tick. Both axes have ticks at
    whole numbers, spaced so that their labels never touch, but for a book
    value below a few units (fractions: 0.001, 0.002 ...); the book axis
    runs to 1.3 times the largest book or fair book, however small (0 to
    1.3 when there is no book at all).

    On a new figure, staff names are wrapped to about 130 points and each
    column is as wide as its name, within limits: the figure grows with the
    staff up to 13 inches wide, then the columns narrow (the names turn,
    see :func:`transition_heatmap`) down to 0.2 inches each. On an Axes
    you pass, names are drawn as given.

    Parameters
    ----------
    assignment
        An :class:`~custseg.Assignment` from :func:`custseg.assign_owners`
        or :func:`custseg.reassign_neglected`.
    ax
        The matplotlib Axes to draw on; ``None`` makes a new figure. The
        book value is drawn on a twin Axes (``ax.twinx()``).
    lang
        ``"en"`` or ``"zh"``: the language of the title, axis labels and
        legend (staff ids come from *assignment*).

    Returns
    -------
    matplotlib.axes.Axes
        The customers' Axes: ``ax.containers[0]`` holds the customer bars;
        the twin's ``containers[0]`` the book values.

    Raises
    ------
    InputError
        *assignment* is not an Assignment, or has more than
        :data:`MAX_STAFF` staff (checked before drawing).
    ThresholdError
        An unknown *lang*.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> res = custseg.assign_owners([100, 80, 60, 40, 20], ["amy", "bo"])
    >>> ax = plot.workload(res)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['amy', 'bo']
    >>> [float(b.get_height()) for b in ax.containers[0]]
    [3.0, 2.0]
    >>> long = "Wang Xiaoming (Shanghai Jing'an flagship store, key accounts)"
    >>> ax = plot.workload(custseg.assign_owners([100, 80, 60], [long, "bo"]))
    >>> print(ax.get_xticklabels()[0].get_text())
    Wang Xiaoming (Shanghai
    Jing'an flagship store, key
    accounts)
    """
    from .ownership import Assignment

    text = _lang(lang)
    if not isinstance(assignment, Assignment):
        raise InputError(
            "assignment",
            f"must be an Assignment, got {type(assignment).__name__}",
            fix="pass the result of custseg.assign_owners(...)",
        )
    _at_most(
        "assignment",
        "staff",
        len(assignment.staff),
        MAX_STAFF,
        "read the workload as a table (assignment.workload()), or plot the "
        "staff of one team at a time",
    )
    names = _shown(assignment.owner.names)  # the staff ids as text, as drawn
    if ax is None:  # a new figure: names on lines as wide as a column
        names = [_wrap(name, _COLUMN_PT) for name in names]
    lines = max((name.count("\n") + 1 for name in names), default=1)
    k = len(names)
    count = np.asarray(assignment.count_after, float)
    book = np.asarray(assignment.book_after, float)
    fair_count = np.asarray(assignment.fair_count, float)
    fair_book = np.asarray(assignment.fair_book, float)
    top_count = 1.3 * max(np.max(count, initial=0), np.max(fair_count, initial=0), 1)
    # the book axis scales to the values (a book of 0.005 is not drawn flat
    # on an axis to 1); 0 to 1.3 only when there is no book at all
    top_book = 1.3 * (max(np.max(book, initial=0), np.max(fair_book, initial=0)) or 1)
    with _drawing():
        new = ax is None  # a figure of its own
        # beside the Axes: the customers' ticks and label left, the book's right
        room = _label_room([_count_text(top_count)]) + _label_room(
            [_count_text(top_book)]
        )
        if new:
            widest = max((w for w, _ in _text_sizes(names)), default=0.0)
            line = 1.25 * _size_pt()
            # a column as wide as its name, within limits; at most 13 inches
            # in all, then narrower columns (names turned), never below 0.2
            cell = min(max((widest + 12) / 72, 0.9), (_COLUMN_PT + 12) / 72)
            if room + 0.35 + k * cell > 13:
                cell = max(0.2, (13 - room - 0.35) / max(k, 1))
            if widest + 0.6 * line <= 72 * cell:  # level names
                below = line * lines
            elif 72 * cell * np.sin(np.pi / 4) >= 1.15 * line * lines:
                below = float(np.sin(np.pi / 4) * (widest + line * lines))
            else:  # upright
                below = widest
            size = (max(5.5, room + 0.35 + k * cell), 3.8 + below / 72)
        else:
            size = (0.0, 0.0)
        ax = _axes(ax, size)
        before = _texts(ax, new)
        twin = ax.twinx()
        x = np.arange(k)
        w = 0.38
        bars_c = ax.bar(
            x - w / 2, count.tolist(), w, color=_BLUE, label=text["customers"]
        )
        bars_b = twin.bar(
            x + w / 2, book.tolist(), w, color=_ORANGE, label=text["book"]
        )
        # the fair-share ticks as wide as a bar (20 points at most): with
        # many staff they would run into the next column's
        bar = w * _axes_width_pt(ax, room) / max(k, 1)
        mark = {"marker": "_", "s": min(20.0, 0.9 * bar) ** 2, "color": _ink(ax)}
        fair = ax.scatter(x - w / 2, fair_count, zorder=3, label=text["fair"], **mark)
        twin.scatter(x + w / 2, fair_book, zorder=3, **mark)
        _fit_xticks(ax, names, room=room)
        ax.set_xlabel(text["owner"])
        ax.set_ylabel(text["customers"], color=_BLUE)
        twin.set_ylabel(text["book"], color=_ORANGE)
        twin.spines["right"].set_visible(True)
        twin.spines["top"].set_visible(False)
        ax.set_ylim(0, top_count)
        twin.set_ylim(0, top_book)
        _thousands(ax.yaxis)
        _thousands(twin.yaxis)
        _title(ax, text["work_title"], new)
        ax.legend(
            [bars_c, bars_b, fair],
            [text["customers"], text["book"], text["fair"]],
            fontsize="small",
            frameon=False,
            ncols=3,
            loc="upper center",
        )
        if not count.any():  # nobody to own
            _no_customers(ax, text)
        _finish(ax, twin, before=before)
    return ax


# --------------------------------------------------------------------------
# SVG


_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)

#: matplotlib names the clip paths of an SVG by a hash of ``str()`` of NumPy
#: numbers, whose text follows ``np.set_printoptions`` (``legacy="1.25"``
#: writes ``1.0`` for ``np.float64(1.0)``): :func:`to_svg` saves under
#: NumPy's defaults (:data:`custseg._threads.NUMPY_PRINT`).


#: How :func:`to_svg` saves, whatever the caller's rcParams (set in code, a
#: matplotlibrc, $MATPLOTLIBRC, a style): text kept as text, fixed ids,
#: images inside the SVG (``svg.image_inline`` False writes each to a
#: ``.image0.png`` in the working directory, the SVG referring to it), no id
#: on the ``<svg>`` (two charts of a page would share it), and the figure as
#: it is (its size, background and dpi: no tight box, no transparency).
_SVG_SAVE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "custseg",
    "svg.image_inline": True,
    "svg.id": None,
    "savefig.dpi": "figure",
    "savefig.facecolor": "auto",
    "savefig.edgecolor": "auto",
    "savefig.transparent": False,
    "savefig.bbox": None,
}


def _numpy_defaults() -> Any:
    """``np.printoptions`` at NumPy's defaults: context-local in NumPy 2
    (other threads keep theirs)."""
    return numpy_text(always=True)


def _unsettle(fig: Figure) -> None:
    """Put the Axes of a constrained-layout *fig* back in their grid cells,
    as they were before any drawing.

    Constrained layout starts from where the Axes are: when a text outside
    an Axes moves with it (a bar's number past its end), each draw moves
    the Axes a little less than the last, so a second save of a figure
    differed from the first (by hundredths of a point, and in its clip-path
    ids). Started from the grid each time, every save gives the first one's
    layout. Axes outside the layout (placed by hand, insets) are left alone.
    """
    engine = fig.get_layout_engine()
    if engine is None or type(engine).__name__ != "ConstrainedLayoutEngine":
        return
    for ax in fig.get_axes():
        spec = ax.get_subplotspec()
        if spec is not None and ax.get_in_layout() and ax.get_axes_locator() is None:
            ax.set_subplotspec(spec)  # its cell's position (and still laid out)


def to_svg(obj: Any) -> str:
    """A drawing as SVG text, to put inline in an HTML page.

    Text stays text (``<text>`` elements, ``svg.fonttype="none"``), so a
    browser draws Chinese with its own fonts even where matplotlib has no
    CJK font. The result starts at ``<svg`` (no XML prolog, no doctype, no
    metadata), refers to nothing outside itself, and is the same for the
    same drawing (fixed ids, no date), also when several threads call it
    at once (the save holds custseg's lock: see the module's notes on
    threads), whatever NumPy's print options (``np.set_printoptions``: the
    save is made under NumPy's defaults, which matplotlib's ids are hashed
    from), and however often the figure was drawn or saved before: under
    constrained layout (custseg's figures) the Axes are put back in their
    grid cells first, so that each save lays the figure out as the first
    one did (not so on a figure of yours with subfigures or colorbars,
    which the layout places too: there a save may still differ from the
    one before by a little). A figure in pyplot's list is closed.
    Invisible format characters in the texts (a bidi control such as
    U+202E, which a browser obeys: U+202E then ``yma`` reads ``amy``; a
    zero-width space) are written as their code points (``\\u202e``), as
    the HTML report writes them: the plots' class and staff names are
    drawn so (with their tabs, line breaks and hidden blanks too), and the
    other texts of a figure (yours too) are so while it is saved, before
    it is laid out, so that each takes the room it is drawn in.

    How it is saved does not follow your matplotlib settings (rcParams set
    in code, a ``matplotlibrc``, ``$MATPLOTLIBRC``, a style): the ``svg.*``
    and ``savefig.*`` settings are custseg's own for the save. Images (the
    cells of a heatmap) are inside the SVG, never written to a file next to
    it (``svg.image_inline``); the ``<svg>`` has no ``id`` (``svg.id``: two
    charts on a page would share it); and the figure is saved as it is:
    its size (no ``savefig.bbox="tight"``), its background (no
    ``savefig.transparent`` or ``savefig.facecolor``), its own dpi. What
    the figure looks like (a style, ``font.size``, ``figure.dpi``) is the
    figure's.

    Parameters
    ----------
    obj
        A matplotlib Axes (its whole figure is drawn) or Figure, e.g. the
        result of any function of this module.

    Returns
    -------
    str
        ``<svg ...>...</svg>``.

    Raises
    ------
    InputError
        *obj* is neither an Axes nor a Figure.

    Examples
    --------
    >>> import pytest; mpl = pytest.importorskip("matplotlib")
    >>> import custseg
    >>> from custseg import plot
    >>> stage = custseg.Labels([0, 1, 0], ("活跃", "流失"), name="阶段")
    >>> svg = plot.to_svg(plot.label_counts(stage, lang="zh"))
    >>> svg.startswith("<svg"), svg.rstrip().endswith("</svg>")
    (True, True)
    >>> "活跃" in svg and "各类客户数" in svg
    True
    """
    mpl = _mpl()
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(obj, Axes | SubFigure):
        fig = _root(obj)
    elif isinstance(obj, Figure):
        fig = obj
    else:
        raise InputError(
            "obj",
            f"must be a matplotlib Axes or Figure, got {type(obj).__name__}",
            fix="pass the Axes a custseg.plot function returned",
        )
    buf = io.StringIO()
    kept = _SVG_TEXT.set(True)  # not an attribute: the figure may be the caller's
    try:
        # rcParams and the filters are process-wide: one save at a time, so
        # that another thread's call never resets the hash salt mid-save
        with (
            STATE_LOCK,
            mpl.rc_context(_SVG_SAVE),
            warnings.catch_warnings(),
            _numpy_defaults(),  # the ids hash str() of NumPy numbers
        ):
            # figures not made here: text kept as text needs no glyphs
            warnings.filterwarnings("ignore", _GLYPH_WARNING, UserWarning)
            _unsettle(fig)  # every save lays the figure out from its grid
            with _invisible_shown(fig):
                fig.savefig(buf, format="svg", metadata={"Date": None})
    finally:
        _SVG_TEXT.reset(kept)
    if "matplotlib.pyplot" in sys.modules and fig.canvas.manager:
        import matplotlib.pyplot as plt

        plt.close(fig)
    svg = _METADATA.sub("", _PROLOG.sub("", buf.getvalue(), count=1), count=1)
    return svg.strip() + "\n"


@contextmanager
def _invisible_shown(fig: Figure) -> Iterator[None]:
    """The texts of *fig* with their invisible format characters as code
    points (:func:`custseg._display.shown_invisible`) while it is saved,
    then as they were: text kept as text is laid out by the browser, bidi
    controls included (U+202E before ``yma`` would read ``amy``). Set
    before the save lays the figure out, so a text takes the room it is
    drawn in. The plots' own texts are shown so when drawn (:func:`_shown`,
    :func:`_finish`); these are the texts of a figure of yours.
    """
    from matplotlib.text import Text

    changed = []
    for text in fig.findobj(Text):
        typed = text.get_text()
        shown = _display.shown_invisible(typed)
        if shown != typed:
            changed.append((text, typed))
            text.set_text(shown)
    try:
        yield
    finally:
        for text, typed in changed:
            text.set_text(typed)
