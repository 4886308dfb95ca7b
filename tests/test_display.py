"""Short reprs and HTML tables of results: readable, bounded, escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from custseg import _display as d

# Label names as users write them in rules files: anything, HTML specials and
# CJK included, empty and very long too.
names = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["<script>alert(1)</script>", "a&b", '"q"', "重要价值客户", ""]),
)
counts = st.dictionaries(names, st.integers(0, 10**9), max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**15, -(10**400), 10**5000]),
    st.floats(allow_nan=True, allow_infinity=True),
    names,
    st.builds(np.datetime64, st.integers(-(10**6), 10**6), st.just("D")),
    st.just(np.datetime64("NaT")),
    st.tuples(st.integers(), names),
)
arrays = st.one_of(
    hnp.arrays(np.float64, st.integers(0, 30)),
    hnp.arrays(np.int64, st.integers(0, 30)),
    hnp.arrays("datetime64[D]", st.integers(0, 30)),
    st.lists(names, max_size=30).map(lambda xs: np.array(xs, dtype=object)),
    hnp.arrays(np.float64, st.tuples(st.integers(0, 3), st.integers(0, 3))),
)
values = st.one_of(scalars, arrays)

# longest line: the width, plus one part that did not fit (a clipped name,
# '=', a clipped value or 3 values of 2 * MAX_TEXT)
LINE_BOUND = d.WIDTH + 10 * d.MAX_TEXT


def _check_repr(text: str) -> None:
    lines = text.split("\n")
    assert len(lines) <= d.MAX_LINES + 1
    assert all(len(line) <= LINE_BOUND for line in lines)


class _Table(HTMLParser):
    """The tags and the text of each cell of an HTML table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[str] = []
        self.caption = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag in ("td", "th", "caption"):
            self._in = tag
            if tag != "caption":
                self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.cells[-1] += data


def _parse(html_text: str) -> _Table:
    parser = _Table()
    parser.feed(html_text)
    parser.close()
    return parser


TAGS = {"div", "table", "caption", "thead", "tbody", "tr", "th", "td"}


class TestFormatValue:
    """format_value: one value, short."""

    @given(values)
    def test_any_value(self, value: Any) -> None:
        """Any scalar or array gives one short line."""
        text = d.format_value(value)
        assert "\n" not in text
        assert len(text) <= 3 * (2 * d.MAX_TEXT) + 10

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (0.23754713263, "0.2375"),
            (15.0, "15.0"),
            (7.5, "7.5"),
            (123456.78, "123456.8"),
            (1e-7, "1e-07"),
            (float("nan"), "nan"),
            (np.int8(3), "3"),
            (np.datetime64("2024-03-31T00:00"), "2024-03-31"),
            (np.datetime64("2024-03-31T10:30"), "2024-03-31T10:30:00"),
            (np.datetime64("NaT"), "NaT"),
            ("lost", "'lost'"),
            (d.Raw("41.2%"), "41.2%"),
            ((90.0, 180.0), "(90.0, 180.0)"),
        ],
    )
    def test_examples(self, value: Any, shown: str) -> None:
        """Rounding, dates and quoting on worked examples."""
        assert d.format_value(value) == shown


class TestPreview:
    """preview: the first values of an array."""

    @pytest.mark.parametrize(
        ("values", "shown"),
        [
            (np.array([11, 29, 1, 7]), "[11, 29, 1, ...]"),
            (np.array([11, 29, 1]), "[11, 29, 1]"),
            (np.array([]), "[]"),
            (None, "None"),
            (np.zeros((2, 3)), "<array of shape (2, 3)>"),
        ],
    )
    def test_examples(self, values: Any, shown: str) -> None:
        """Three values then '...', empty and 2-D arrays."""
        assert d.preview(values) == shown

    @given(hnp.arrays(np.int8, st.integers(0, 10), elements=st.integers(0, 5)))
    def test_masked_is_na(self, scores: np.ndarray) -> None:
        """Masked entries (a missing score) show as <NA>, the others as numbers."""
        shown = d.preview(np.ma.masked_equal(scores, 0), k=10)
        expected = ["<NA>" if x == 0 else str(x) for x in scores.tolist()]
        assert shown == "[" + ", ".join(expected) + "]"


class TestShare:
    """share: a percentage with one decimal."""

    @given(st.integers(0, 10**9), st.integers(0, 10**9))
    def test_one_decimal(self, count: int, extra: int) -> None:
        """Any count of any total is 'x.y%' or '-' when the total is 0."""
        total = count + extra
        text = d.share(count, total)
        if total == 0:
            assert text == "-"
        elif text in ("<0.1%", ">99.9%"):  # neither none nor all, said so
            assert 0 < count < total
            assert not 0.05 <= 100 * count / total < 99.95
        else:
            assert re.fullmatch(r"\d+\.\d%", text)
            assert abs(float(text[:-1]) - 100 * count / total) <= 0.05 + 1e-9


class TestShortRepr:
    """short_repr: Name(n=.., fields, notes, shares) in a few lines."""

    def test_labels_example(self) -> None:
        """The lifecycle labels of the issue read as shares."""
        text = d.short_repr(
            "Labels",
            n=20000,
            shares={"active": 8240, "silent": 2060, "sleeping": 1780, "lost": 7920},
        )
        assert (
            text
            == "Labels(n=20000, active 41.2%, silent 10.3%, sleeping 8.9%, lost 39.6%)"
        )

    def test_facts_example(self) -> None:
        """A few values of each array, the day as an ISO date."""
        text = d.short_repr(
            "CustomerFacts",
            n=4,
            noun="customers",
            fields={
                "as_of": np.datetime64("2024-03-31"),
                "recency_days": np.array([11.0, 29.0, 1.0, 3.0]),
                "frequency": np.array([2, 1, 1, 5]),
            },
        )
        assert text == (
            "CustomerFacts(n=4 customers, as_of=2024-03-31, "
            "recency_days=[11.0, 29.0, 1.0, ...],\n    frequency=[2, 1, 1, ...])"
        )

    def test_newlines_stay_inside_a_line(self) -> None:
        """Line breaks in names, notes or values never add lines."""
        text = d.short_repr(
            "X\nY", n=1, noun="a\nb", fields={"k\n": d.Raw("v\nw")}, notes=["1\n2"]
        )
        assert text == "X Y(n=1 a b, 'k\\n'=v w, 1 2)"

    def test_truncated(self) -> None:
        """Many labels end in one line that counts the rest."""
        text = d.short_repr("Labels", n=1, shares={f"seg{i:03}": 0 for i in range(500)})
        assert text.split("\n")[-1].startswith("    ... ")
        assert text.endswith(" more)")
        _check_repr(text)

    @settings(max_examples=80)
    @given(
        n=st.none() | st.integers(0, 10**12),
        shares=counts,
        fields=st.dictionaries(names, values, max_size=12),
        notes=st.lists(names, max_size=4),
    )
    def test_any_input(
        self,
        n: int | None,
        shares: dict[str, int],
        fields: dict[str, Any],
        notes: list[str],
    ) -> None:
        """Any names, values and sizes (0 rows too): never raises, bounded."""
        text = d.short_repr("Labels", n=n, fields=fields, notes=notes, shares=shares)
        _check_repr(text)
        assert text.startswith("Labels(")
        assert text.endswith(")")

    @given(shares=st.dictionaries(names, st.integers(0, 1000), min_size=1, max_size=5))
    def test_shares_rounded(self, shares: dict[str, int]) -> None:
        """Every share is shown with one decimal (or '-' for no rows)."""
        total = sum(shares.values())
        text = d.short_repr("Labels", n=total, shares=shares)
        # (a share below 0.05% is shown as "<0.1%")
        found = re.findall(r" (<?\d+\.\d%|-)(?=,|\)|$)", text)
        assert len(found) == len(shares)
        assert all(f == "-" for f in found) if total == 0 else "-" not in found


class TestHtmlTable:
    """html_table: small, self-contained and escaped."""

    def test_script_label_is_escaped(self) -> None:
        """A <script> label from a rules file is text, never a tag."""
        label = "<script>alert('x')</script>"
        out = d.counts_table(f"Labels {label!r}", {label: 1, "ok": 1})
        assert "<script" not in out
        parsed = _parse(out)
        assert set(parsed.tags) <= TAGS
        assert parsed.cells[3] == label

    @settings(max_examples=60)
    @given(
        caption=names,
        header=st.none() | st.lists(names, max_size=15),
        rows=st.lists(st.lists(names | scalars, max_size=15), max_size=30),
        note=names,
        n_more=st.integers(0, 10**6),
    )
    def test_any_table(
        self,
        caption: str,
        header: list[str] | None,
        rows: list[list[Any]],
        note: str,
        n_more: int,
    ) -> None:
        """Any texts and sizes: only table tags, every text comes back as text
        (its invisible characters and odd blanks as code points: audit 27;
        its control characters, tabs and line breaks too: audit 28)."""

        def shown(text: str, limit: int) -> str:
            # as the report shows a name, lone surrogates by code points, and
            # nothing else blanked (audit 28: emoji tags, private use)
            text = d.shown_name(text, surrogates=True)
            return text if len(text) <= limit else text[: limit - 1] + "…"

        out = d.html_table(caption, header, rows, note=note, n_more=n_more)
        parsed = _parse(out)
        assert set(parsed.tags) <= TAGS
        assert parsed.caption == shown(caption, 200)
        assert parsed.tags.count("tr") <= d.MAX_ROWS + 1
        texts = [
            shown(v if isinstance(v, str) else d.format_value(v), 2 * d.MAX_TEXT)
            for row in rows[: d.MAX_ROWS]
            for v in row[: d.MAX_COLUMNS]
        ]
        skip = len(header[: d.MAX_COLUMNS]) if header is not None else 0
        body = parsed.cells[skip : skip + len(texts)]
        assert body == texts
        left_out = n_more + max(0, len(rows) - d.MAX_ROWS)
        assert (f"... {left_out} more rows" in out) == bool(left_out)

    @given(
        arrays=st.lists(
            hnp.arrays(np.float64, st.integers(0, 40)) | st.none(), max_size=8
        ),
        head=st.integers(0, 20),
    )
    def test_columns_table(self, arrays: list[Any], head: int) -> None:
        """Columns of any lengths (0 too): rows up to the shortest, the rest counted."""
        columns = {f"c{i}": a for i, a in enumerate(arrays)}
        out = d.columns_table("T", columns, head=head)
        parsed = _parse(out)
        present = [a for a in arrays if a is not None]
        n = min((len(a) for a in present), default=0)
        shown = min(n, head, d.MAX_ROWS)
        assert parsed.tags.count("tr") == 1 + shown
        assert (f"... {n - shown} more rows" in out) == (n > shown)

    def test_columns_table_masked(self) -> None:
        """Masked entries of a column show as <NA>."""
        out = d.columns_table("S", {"r": np.ma.masked_equal([0, 3], 0)})
        assert _parse(out).cells == ["r", "<NA>", "3"]

    def test_counts_table_shares(self) -> None:
        """Counts and one-decimal shares of each label, in order."""
        parsed = _parse(d.counts_table("L", {"A": 1, "B": 2}))
        assert parsed.cells == [
            "label",
            "count",
            "share",
            "A",
            "1",
            "33.3%",
            "B",
            "2",
            "66.7%",
        ]

    def test_fields_table(self) -> None:
        """One row per field with its short value."""
        parsed = _parse(d.fields_table("P", {"gini": 0.72412, "n": 3}))
        assert parsed.cells == ["", "value", "gini", "0.7241", "n", "3"]


def _pasted(cls: type) -> bool:
    """Whether the class has its own _repr_html_ (the methods built on _display)."""
    return "_repr_html_" in vars(cls)


class TestResultClasses:
    """The result classes' reprs and HTML tables, once built on _display."""

    @settings(max_examples=40)
    @given(
        label_names=st.lists(names, min_size=1, max_size=30, unique=True),
        n=st.integers(0, 50),
        data=st.data(),
    )
    def test_labels(self, label_names: list[str], n: int, data: st.DataObject) -> None:
        """Any label names (HTML, CJK, empty) and sizes: short repr, escaped table."""
        from custseg import Labels

        if not _pasted(Labels):
            pytest.skip("Labels._repr_html_ not added yet")
        codes = data.draw(
            hnp.arrays(np.int64, n, elements=st.integers(0, len(label_names) - 1))
        )
        labels = Labels(codes, label_names, name=data.draw(st.none() | names))
        _check_repr(repr(labels))
        parsed = _parse(labels._repr_html_())
        assert set(parsed.tags) <= TAGS
        shown = parsed.cells[3::3]
        # as the report shows them, lone surrogates by their code points
        want = [d.shown_name(x, surrogates=True) for x in label_names]
        limit = 2 * d.MAX_TEXT
        clipped = [w if len(w) <= limit else w[: limit - 1] + "…" for w in want]
        assert shown == clipped[: d.MAX_ROWS]

    @settings(max_examples=20)
    @given(label_names=st.lists(names, min_size=1, max_size=5, unique=True))
    def test_rules_result(self, label_names: list[str]) -> None:
        """Labels and tags from a user's rules file are escaped."""
        from custseg import Labels
        from custseg.rules import RulesResult

        if not _pasted(RulesResult):
            pytest.skip("RulesResult._repr_html_ not added yet")
        codes = np.arange(len(label_names)) % len(label_names)
        result = RulesResult(
            labels={"<b>seg</b>": Labels(codes, label_names)},
            tags={
                "<i>t</i>": (tuple(label_names), np.eye(len(label_names), dtype=bool))
            },
            explain={},
        )
        _check_repr(repr(result))
        assert set(_parse(result._repr_html_()).tags) <= TAGS
