"""Audit 12 / T: what the docs promise a new user.

T1: ``edges=`` that replace edges the rules fix in ``[scores]`` warn (in
``custseg.segment`` and ``label_in_engine``); the engine page's first
example keeps the preset's edges. T2: the command-line page's example
outputs are what the commands print, from files the page says how to make.
T3: ``after_as_of="drop"`` counts the contacts it drops, and the report and
the page say so. T4: the API reference names ``custseg.cli.report``,
``custseg.labels.smallest_int_dtype`` and the public constants.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import shlex
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import custseg
import custseg.cli
import custseg.labels
from custseg import rules
from custseg.cli import main
from custseg.datasets import simulate_contacts, simulate_transactions
from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.rfm import RfmEdges, ScoreEdges, rfm_scores

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
from custseg.engines import approx_rfm_edges, label_in_engine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)

#: every preset that fixes the recency edges in [scores] (the industry ones)
FIXED_R = [
    name
    for name in rules.presets()
    if (spec := rules.load(name).scores.get("r")) is not None and spec.edges is not None
]
DIMENSIONS = {"recency": "r", "frequency": "f", "monetary": "m"}
#: fixed edges for f and m, for rules files that extend a preset with them
FIXED_FM = {"f": (1.0, 2.0, 4.0, 8.0), "m": (50.0, 150.0, 400.0, 1000.0)}
#: other cuts, five scores each (the presets declare r, f, m from 1 to 5)
OTHER = {
    "recency": (7.0, 20.0, 60.0, 500.0),
    "frequency": (1.0, 3.0, 5.0, 20.0),
    "monetary": (10.0, 80.0, 300.0, 5000.0),
}


def _cuts(cuts: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{c:g}" for c in cuts) + ")"


def _replaced(caught: list[warnings.WarningMessage]) -> list[str]:
    """The edges-replace-the-rules notes among *caught*."""
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, CustsegWarning) and " replaces the " in str(w.message)
    ]


@contextlib.contextmanager
def _recorded() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def _rules_fixing(preset: str, dim: str) -> Any:
    """The preset, or a file extending it that also fixes *dim*'s edges."""
    key = DIMENSIONS[dim]
    if key == "r":
        return rules.load(preset)
    edges = ", ".join(f"{c:g}" for c in FIXED_FM[key])
    return rules.loads(
        f'format = 1\nextends = "{preset}"\n[scores]\n{key} = {{ edges = [{edges}] }}\n'
    )


def _keeping(rs: Any, fitted: RfmEdges) -> RfmEdges:
    """*fitted* with the edges the rules fix in their place."""
    dims = {}
    for dim, key in DIMENSIONS.items():
        spec = rs.scores.get(key)
        fixed = spec is not None and spec.edges is not None
        dims[dim] = ScoreEdges(spec.edges) if fixed else getattr(fitted, dim)
    return RfmEdges(**dims)


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    return simulate_transactions(400, seed=12)


@pytest.fixture(scope="module")
def shop_facts(shop: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        res = custseg.segment(shop)
    cols = ["recency_days", "frequency", "monetary", "tenure_days"]
    return res.customers[cols].reset_index()


# --------------------------------------------------------------------------
# T1: edges= that replace the rules' fixed edges


class TestSegmentEdgesReplaceFixedOnes:
    @pytest.mark.parametrize("dim", list(DIMENSIONS))
    @pytest.mark.parametrize("preset", FIXED_R)
    def test_each_replaced_dimension_warns_and_the_given_edges_win(
        self, shop: pd.DataFrame, preset: str, dim: str
    ) -> None:
        """Edges that differ from the rules' fixed ones in one dimension give
        one warning naming it, both cuts and the fix; they are applied."""
        rs = _rules_fixing(preset, dim)
        edges = _keeping(rs, RfmEdges(*(ScoreEdges(OTHER[d]) for d in DIMENSIONS)))
        edges = RfmEdges(
            **{
                d: ScoreEdges(OTHER[d]) if d == dim else getattr(edges, d)
                for d in DIMENSIONS
            }
        )
        key = DIMENSIONS[dim]
        with _recorded() as caught:
            res = custseg.segment(shop, rules=rs, edges=edges)
        notes = _replaced(caught)
        assert len(notes) == 1, notes
        note = notes[0]
        fixed = rs.scores[key].edges
        assert note.startswith(f"edges.{dim} {_cuts(OTHER[dim])} replaces the {key} ")
        assert _cuts(fixed) in note
        assert "[scores]" in note and "leave out edges=" in note
        assert "approx_rfm_edges(facts, rules=...)" in note
        assert note in res.diagnostics
        # the edges given win: the scores are those of the given edges
        assert res.edges == edges
        facts = res.customers
        buyers = facts["frequency"] > 0
        expected = rfm_scores(
            facts.loc[buyers, "recency_days"],
            facts.loc[buyers, "frequency"],
            facts.loc[buyers, "monetary"],
            edges=edges,
        ).to_pandas()
        assert facts.loc[buyers, key].astype(int).tolist() == expected[key].tolist()

    @pytest.mark.parametrize("preset", FIXED_R)
    def test_edges_that_keep_the_fixed_ones_do_not_warn(
        self, shop: pd.DataFrame, preset: str
    ) -> None:
        """The .edges of a result with the same rules (and .apply) keep the
        fixed edges: no warning."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            first = custseg.segment(shop, preset=preset)
        with _recorded() as caught:
            again = custseg.segment(shop, preset=preset, edges=first.edges)
            first.apply(shop)
        assert _replaced(caught) == []
        assert not [d for d in again.diagnostics if " replaces the " in d]

    def test_no_fixed_edges_no_warning(self, shop: pd.DataFrame) -> None:
        """Rules without [scores] (base) and no rules: any edges, no warning."""
        edges = RfmEdges(*(ScoreEdges(OTHER[d]) for d in DIMENSIONS))
        with _recorded() as caught:
            custseg.segment(shop, preset="base", edges=edges)
            custseg.segment(shop, edges=edges)
        assert _replaced(caught) == []

    @pytest.mark.parametrize("preset", ["ecommerce", "restaurant", "furniture"])
    def test_other_rules_on_a_results_edges_warn(
        self, shop: pd.DataFrame, preset: str
    ) -> None:
        """.apply(preset=other) keeps this result's edges (as documented) and
        says where they replace the other rules' fixed recency edges."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            first = custseg.segment(shop, preset="beauty_salon")
        with _recorded() as caught:
            other = first.apply(shop, preset=preset)
        assert other.edges == first.edges
        assert [n.split(" replaces")[0] for n in _replaced(caught)] == [
            f"edges.recency {_cuts(first.edges.recency.cuts)}"
        ]

    def test_contradiction_note_names_the_edges_given(self) -> None:
        """With quantile recency edges given, the lifecycle contradiction note
        points at edges=, not at the rules' day thresholds."""
        tx = simulate_transactions(3000, seed=4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            plain = custseg.segment(tx)
            res = custseg.segment(tx, preset="ecommerce", edges=plain.edges)
        contradictions = [d for d in res.diagnostics if "a segment that contra" in d]
        assert contradictions
        assert all("the recency edges given (edges=)" in d for d in contradictions)


def _engine_frames(facts: pd.DataFrame) -> dict[str, Any]:
    frame = pl.from_pandas(facts)
    return {
        "polars-lazy": frame.lazy(),
        "duckdb": duckdb.from_arrow(frame.to_arrow()),
    }


def _engine_rows(native: Any) -> pd.DataFrame:
    if isinstance(native, pl.LazyFrame):
        native = native.collect()
    if isinstance(native, duckdb.DuckDBPyRelation):
        native = native.pl()
    return native.to_pandas().set_index("customer_id").sort_index()


class TestLabelInEngineEdgesReplaceFixedOnes:
    @pytest.mark.parametrize("engine", ["polars-lazy", "duckdb"])
    @pytest.mark.parametrize("preset", FIXED_R)
    def test_quantile_recency_edges_warn_and_rules_edges_match_segment(
        self,
        shop: pd.DataFrame,
        shop_facts: pd.DataFrame,
        preset: str,
        engine: str,
    ) -> None:
        """approx_rfm_edges(facts) fits quantile recency edges: label_in_engine
        applies them with a warning; approx_rfm_edges(facts, rules=...) keeps
        the preset's, silently, and gives custseg.segment's labels."""
        rs = rules.load(preset)
        frame = _engine_frames(shop_facts)[engine]
        quantile = approx_rfm_edges(frame)
        assert quantile.recency.cuts != rs.scores["r"].edges
        with _recorded() as caught:
            out = _engine_rows(label_in_engine(frame, rules=rs, edges=quantile))
        notes = _replaced(caught)
        assert len(notes) == 1
        assert notes[0].startswith(
            f"edges.recency {_cuts(quantile.recency.cuts)} replaces the r edges "
            f"{_cuts(rs.scores['r'].edges)}"
        )
        assert "approx_rfm_edges(facts, rules=...)" in notes[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            given = custseg.segment(shop, preset=preset, edges=quantile).customers
            reference = custseg.segment(shop, preset=preset)
        # the given edges win, as in custseg.segment
        assert out["r"].tolist() == given["r"].astype("Int64").tolist()
        kept = approx_rfm_edges(frame, rules=rs)
        assert kept == reference.edges
        with _recorded() as caught:
            labelled = _engine_rows(label_in_engine(frame, rules=rs, edges=kept))
        assert _replaced(caught) == []
        expected = reference.customers
        for column in ("r", "lifecycle", *rs.segments):
            if column not in expected.columns:
                continue
            got = labelled[column].tolist()
            want = expected[column].astype(object).where(expected[column].notna())
            assert got == [None if pd.isna(x) else x for x in want.tolist()], column

    @pytest.mark.parametrize("dim", ["frequency", "monetary"])
    def test_fixed_frequency_and_monetary_edges_warn_too(
        self, shop_facts: pd.DataFrame, dim: str
    ) -> None:
        """A rules file that fixes f or m: edges= with other cuts there warn,
        naming that dimension only."""
        rs = _rules_fixing("ecommerce", dim)
        frame = pl.from_pandas(shop_facts).lazy()
        kept = approx_rfm_edges(frame, rules=rs)
        other = RfmEdges(
            **{
                d: ScoreEdges(OTHER[d]) if d == dim else getattr(kept, d)
                for d in DIMENSIONS
            }
        )
        with _recorded() as caught:
            label_in_engine(frame, rules=rs, edges=kept).collect()
        assert _replaced(caught) == []
        with _recorded() as caught:
            label_in_engine(frame, rules=rs, edges=other).collect()
        notes = _replaced(caught)
        assert len(notes) == 1
        assert notes[0].startswith(f"edges.{dim} {_cuts(OTHER[dim])} replaces the ")

    def test_missing_edges_error_names_rules(self) -> None:
        """Without edges, the error's fix passes the rules to approx_rfm_edges."""
        frame = pl.LazyFrame(
            {"recency_days": [1.0], "frequency": [1], "monetary": [1.0]}
        )
        with pytest.raises(ThresholdError, match=r"approx_rfm_edges\(facts, rules="):
            label_in_engine(frame, preset="ecommerce")

    def test_engine_page_first_example_keeps_the_preset_edges(self) -> None:
        """The first block of engines-in-engine.md fits the edges with the
        rules it labels with."""
        text = (DOCS / "engines-in-engine.md").read_text(encoding="utf-8")
        lang, body = FENCE.search(text).groups()  # type: ignore[union-attr]
        assert lang == "python"
        assert re.search(r"approx_rfm_edges\(facts, rules=", body), body
        assert "approx_rfm_edges(facts)" not in body


# --------------------------------------------------------------------------
# T3: contacts after as_of


def _tx() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2", "c2", "c3"],
            "date": [
                "2024-11-02",
                "2024-12-20",
                "2024-06-15",
                "2024-09-15",
                "2024-12-28",
            ],
            "amount": [120.0, 80.0, 35.0, 40.0, 60.0],
        }
    )


def _contacts(n_later: int) -> pd.DataFrame:
    """Two contacts before 2024-12-29 and *n_later* after it."""
    rows = [
        ("c1", "2024-11-05", "company", "follow_up"),
        ("c2", "2024-07-01", "customer", "complaint"),
    ]
    rows += [
        (f"c{1 + i % 5}", f"2025-01-{1 + i:02d}", "customer", "inquiry")
        for i in range(n_later)
    ]
    return pd.DataFrame(rows, columns=["customer_id", "date", "initiator", "kind"])


class TestContactsAfterAsOf:
    @pytest.mark.parametrize("n_later", [0, 1, 3, 12])
    def test_drop_counts_the_later_contacts(self, n_later: int) -> None:
        """after_as_of='drop' leaves the later contacts out and counts them in
        attrs['n_contacts_dropped']; 'raise' refuses them."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            res = custseg.segment(
                _tx(), contacts=_contacts(n_later), after_as_of="drop"
            )
        assert res.customers.attrs["n_contacts_dropped"] == n_later
        assert res.customers.attrs["n_dropped"] == 0
        # the later contacts' customers found nowhere else are not kept
        assert set(res.customers.index) == {"c1", "c2", "c3"}
        if n_later:
            with pytest.raises(InputError, match="after_as_of='drop'"):
                custseg.segment(_tx(), contacts=_contacts(n_later))

    def test_no_contacts_count_zero(self) -> None:
        """Without contacts the count is 0 (the attribute is always there)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            res = custseg.segment(_tx(), after_as_of="drop", as_of="2024-12-01")
        assert res.customers.attrs["n_contacts_dropped"] == 0

    def test_drop_counts_contacts_of_a_simulated_log(self) -> None:
        """On a simulated store: the count is the contacts dated after as_of."""
        tx = simulate_transactions(200, seed=5)
        log = simulate_contacts(tx, seed=5)
        as_of = pd.Timestamp("2024-09-30")
        later = int((pd.to_datetime(log["date"]) >= as_of + pd.Timedelta(days=1)).sum())
        assert later
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CustsegWarning)
            res = custseg.segment(tx, contacts=log, as_of=as_of, after_as_of="drop")
        assert res.customers.attrs["n_contacts_dropped"] == later

    @pytest.mark.parametrize(
        ("as_of", "n_later", "tail"),
        [
            ("2024-12-29", 1, " (1 later contact dropped)"),
            ("2024-12-29", 3, " (3 later contacts dropped)"),
            ("2024-12-29", 0, ""),
            (
                "2024-12-01",
                2,
                " (2 later transactions dropped, and with them 1 customer who had "
                "no earlier one; 2 later contacts dropped)",
            ),
        ],
    )
    def test_report_header_says_how_many(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        as_of: str,
        n_later: int,
        tail: str,
    ) -> None:
        """The report's first line counts the contacts dropped, as it counts
        the transactions."""
        _tx().to_csv(tmp_path / "tx.csv", index=False)
        _contacts(n_later).to_csv(tmp_path / "k.csv", index=False)
        argv = [
            "segment",
            str(tmp_path / "tx.csv"),
            "--contacts",
            str(tmp_path / "k.csv"),
        ]
        argv += ["--as-of", as_of, "--after-as-of", "drop"]
        assert main(argv) == 0
        first = capsys.readouterr().out.splitlines()[0]
        assert first.endswith(f"as of {as_of}{tail}"), first


# --------------------------------------------------------------------------
# T2, T3: the command-line page's examples run as written


def _cli_page() -> str:
    return (DOCS / "cli.md").read_text(encoding="utf-8")


def _sessions(text: str) -> list[list[tuple[str, str]]]:
    """Each ``text`` block of *text* with shell commands: (command, output)
    pairs (continuation lines joined)."""
    out = []
    for lang, body in FENCE.findall(text):
        if lang != "text" or not body.startswith("$ "):
            continue
        pairs: list[tuple[str, str]] = []
        lines = body.splitlines(keepends=True)
        i = 0
        while i < len(lines):
            command = lines[i][2:].rstrip("\n")
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            i += 1
            start = i
            while i < len(lines) and not lines[i].startswith("$ "):
                i += 1
            pairs.append((command, "".join(lines[start:i])))
        out.append(pairs)
    return out


def _session(first: str) -> list[tuple[str, str]]:
    return next(s for s in _sessions(_cli_page()) if s[0][0].startswith(first))


@contextlib.contextmanager
def _in(folder: Path) -> Iterator[None]:
    here = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def _custseg(command: str) -> tuple[int, str, str]:
    """Run ``custseg ...`` (the page's words) as main(): status, stdout,
    stderr."""
    words = [w for w in shlex.split(command) if w != "2>/dev/null"]
    assert words[0] == "custseg", command
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(words[1:])
    return status, out.getvalue(), err.getvalue()


def _records_files(folder: Path) -> None:
    for command, output in _session("cat tx.csv"):
        if command.startswith("cat "):
            (folder / command[4:]).write_text(output, encoding="utf-8")


class TestCliPageExamples:
    def test_records_example_writes_what_the_page_shows(self, tmp_path: Path) -> None:
        """The records and contacts example: the columns `cut` shows are the
        file's (vip as written in records.csv: true / false)."""
        _records_files(tmp_path)
        steps = dict(_session("cat tx.csv"))
        segment = next(c for c in steps if c.startswith("custseg segment"))
        cut = next(c for c in steps if c.startswith("cut "))
        with _in(tmp_path):
            status, _, _ = _custseg(segment)
        assert status == 0
        fields = [1, *range(12, 18)]  # cut -d, -f1,12-17
        rows = (tmp_path / "customers.csv").read_text(encoding="utf-8").splitlines()
        shown = [",".join(r.split(",")[f - 1] for f in fields) for r in rows]
        assert shown == steps[cut].splitlines()

    def test_contacts_error_row_is_the_message(self, tmp_path: Path) -> None:
        """The error table's row for contacts after the reference day is the
        message, word for word."""
        _records_files(tmp_path)
        row = next(
            line
            for line in _cli_page().splitlines()
            if line.startswith("| contacts after the reference day |")
        )
        message = row.split("`")[1]
        (tmp_path / "contacts.csv").write_text(
            "customer_id,date,initiator,kind\nc1,2024-12-30,company,sale\n",
            encoding="utf-8",
        )
        with _in(tmp_path):
            status, _, err = _custseg("custseg segment tx.csv --contacts contacts.csv")
        assert status == 2
        assert err.strip() == f"custseg: error: {message}"
        assert "--after-as-of drop" in row and "drops them" in row

    def test_after_as_of_row_example_is_the_header(self, tmp_path: Path) -> None:
        """The --after-as-of row's example first line is what is printed."""
        _records_files(tmp_path)
        row = next(
            line
            for line in _cli_page().splitlines()
            if line.startswith("| `--after-as-of` |")
        )
        assert "contacts" in row
        options = re.search(r"`(--as-of \S+ --after-as-of drop)`", row)
        header = row.split("`")[-2]
        assert options is not None and "later contacts dropped" in header
        with _in(tmp_path):
            status, out, _ = _custseg(
                f"custseg segment tx.csv --contacts contacts.csv {options[1]}"
            )
        assert status == 0
        assert out.splitlines()[0] == header

    def test_due_example_is_reproducible(self, tmp_path: Path) -> None:
        """The due example: the page's Python makes sales.csv and crm.csv,
        its segment command customers_due.csv, and due prints the block."""
        text = _cli_page()
        section = text[text.index("\n## due\n") : text.index("\n## report\n")]
        make = next(b for lang, b in FENCE.findall(section) if lang == "python")
        segment = next(
            b.strip()
            for lang, b in FENCE.findall(section)
            if lang == "bash" and b.startswith("custseg segment")
        )
        ((command, printed),) = next(
            s for s in _sessions(section) if s[0][0].startswith("custseg due")
        )
        with _in(tmp_path):
            exec(compile(make, "cli.md", "exec"), {})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CustsegWarning)
                status, _, _ = _custseg(segment)
            assert status == 0
            status, out, _ = _custseg(command)
        assert status == 0
        assert out == printed


# --------------------------------------------------------------------------
# T4: the API reference


def _reference() -> str:
    return (DOCS / "reference.md").read_text(encoding="utf-8")


CONSTANTS = [
    "loyalty.DICK_BASU_LEVELS",
    "loyalty.NPS_BANDS",
    "ownership.CHANGES",
    "profile.HARD_FIELDS",
    "profile.SOFT_FIELDS",
    "relationship.CONTACT_KINDS",
    "relationship.INITIATORS",
    "relationship.RELATIONSHIP_TYPES",
    "reporting.LANGUAGES",
    "reporting.SECTIONS",
    "segments.SUMMARY_COLUMNS",
    "value.READINESS_FACTORS",
]


class TestReference:
    @pytest.mark.parametrize("module", [custseg.cli, custseg.labels])
    def test_every_callable_of_the_module_is_documented(self, module: Any) -> None:
        """custseg.cli and custseg.labels: each public callable has a :::
        block (under its module, or under custseg when it is the same)."""
        blocks = set(re.findall(r"^::: ([\w.]+)", _reference(), flags=re.M))
        for name in module.__all__:
            if name == "main":  # the command line itself: the CLI page
                continue
            obj = getattr(module, name)
            top = getattr(custseg, name, None) is obj and f"custseg.{name}" in blocks
            assert top or f"{module.__name__}.{name}" in blocks, name

    def test_cli_report_is_told_apart_from_the_html_report(self) -> None:
        """The text before ::: custseg.cli.report says it is not custseg.report."""
        text = _reference()
        before = text[: text.index("::: custseg.cli.report")].rsplit(":::", 1)[1]
        assert "is **not** `custseg.report`" in before
        assert "plain-text" in before and "HTML" in before

    @pytest.mark.parametrize("qualname", CONSTANTS)
    def test_constants_table_names_each_with_its_values(self, qualname: str) -> None:
        """Each public constant has a row whose listed names are its values,
        in its order."""
        module, name = qualname.split(".")
        value = getattr(importlib.import_module(f"custseg.{module}"), name)
        assert name in importlib.import_module(f"custseg.{module}").__all__
        row = next(
            line
            for line in _reference().splitlines()
            if line.startswith(f"| `custseg.{qualname}` |")
        )
        listed = re.findall(r"`([^`]+)`", row.split("|")[2].split(":", 1)[1])
        assert listed, row
        positions = [value.index(x) for x in listed]  # ValueError: not a value
        assert positions == sorted(positions), row
