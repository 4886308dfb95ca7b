"""Audit 39 (docs): the docstrings, help texts and pages say what the code does.

F1: every public function's numpydoc docstring says what it returns (a
``Returns`` or ``Yields`` section): 16 had none (``rfm_scores``,
``pareto_summary``, ``rules.load``, ``testing.transactions``, ...).
F2: a value on a score edge gets the lower of the two scores the edge
separates, in both directions (docs/rfm.md said "the last value that still
gets the lower score", wrong for recency).
F3: ``custseg segment --help`` gave the default of ``--r-bins`` (and
``--f-bins``, ``--m-bins``) as "--bins" alone; without ``--bins`` it is the
rules' ``[scores]`` count, else 5, as docs/cli.md says.
F4: ``median``/``quantile`` in rules conditions are NumPy's (linear), not
the score edges' definition 2; docs/rules.md did not say which.
F6: the first rules file docs/rules.md shows ("Write a rules file") got two
``label-from-missing`` warnings from ``custseg rules check``: a rich customer
without an R score skipped ``vip`` and was labelled ``win-back`` or
``online``. Every whole rules file of the docs now checks without a warning.
F7: docs/errors.md's table of diagnostic codes left out four codes the
checker gives: ``score-bins``, ``unknown-stage`` (errors; ``unknown-stage``
is also a warning), ``near-miss`` (a warning) and ``engine-unsupported``
(``compile_rules``).
F5: a repurchase probability written as text (``"0.7"``) was refused with
"pass the scores as numbers ... in a column of scores and words": it is a
probability, in a column of probabilities and bands.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import custseg
from custseg import rules
from custseg.cli import main

_PUBLIC_MODULES = (
    "custseg",
    "custseg.frame",
    "custseg.rules",
    "custseg.datasets",
    "custseg.testing",
    "custseg.engines",
    "custseg.plot",
)


def _public_functions() -> dict[str, Any]:
    """Every function of a public ``__all__`` (each object once)."""
    found: dict[str, Any] = {}
    seen: set[int] = set()
    for name in _PUBLIC_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional extra (matplotlib) absent
            continue
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) and id(obj) not in seen:
                seen.add(id(obj))
                found[f"{name}.{attr}"] = obj
    return found


FUNCTIONS = _public_functions()
_SECTION = re.compile(r"^(Returns|Yields)\n-+$", re.M)


def _returns_something(fn: Any) -> bool:
    ret = inspect.signature(fn).return_annotation
    return ret not in (None, "None", inspect.Signature.empty)


@pytest.mark.parametrize(
    "path", sorted(p for p, fn in FUNCTIONS.items() if _returns_something(fn))
)
def test_public_function_says_what_it_returns(path: str) -> None:
    """F1: a numpydoc Returns (or Yields) section, with a type line."""
    doc = inspect.getdoc(FUNCTIONS[path]) or ""
    match = _SECTION.search(doc)
    assert match, f"{path} has no Returns section"
    rest = doc[match.end() :].lstrip("\n").splitlines()
    assert rest and rest[0].strip() and not rest[0].startswith(" "), (
        f"{path}: Returns has no type line"
    )


def test_the_functions_named_by_the_finding_are_checked() -> None:
    """The 16 functions of F1 are among those the test above checks."""
    named = {
        "custseg.lorenz_curve",
        "custseg.pareto_summary",
        "custseg.quantile_edges",
        "custseg.rfm_edges",
        "custseg.rfm_scores",
        "custseg.frame.table_format",
        "custseg.rules.check",
        "custseg.rules.load",
        "custseg.rules.loads",
        "custseg.rules.preset_text",
        "custseg.testing.boundary_values",
        "custseg.testing.customer_facts",
        "custseg.testing.fields_for",
        "custseg.testing.scores",
        "custseg.testing.transactions",
        "custseg.engines.approx_rfm_edges",
    }
    assert named <= set(FUNCTIONS)


@settings(max_examples=50)
@given(
    cuts=st.lists(st.integers(-50, 50), min_size=1, max_size=6, unique=True).map(
        sorted
    ),
    pick=st.integers(0, 5),
    higher=st.booleans(),
)
def test_a_value_on_an_edge_gets_the_lower_score(
    cuts: list[int], pick: int, higher: bool
) -> None:
    """F2: on an edge, the lower of the two scores it separates, both ways."""
    edge = cuts[pick % len(cuts)]
    edges = custseg.ScoreEdges(tuple(cuts))
    got = custseg.score([edge - 0.5, edge, edge + 0.5], edges, higher_is_better=higher)
    below, on, above = (int(s) for s in got)
    # the two scores the edge separates are those of its two sides
    assert abs(below - above) == 1
    assert on == min(below, above)
    if higher:  # frequency, monetary: the edge is the last value of the lower
        assert on == below
    else:  # recency: the edge is the first value of the lower score
        assert on == above


def _help(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--help"]) == 0
    return " ".join(out.getvalue().split())


@pytest.mark.parametrize("command", ["segment", "report"])
@pytest.mark.parametrize("dim", ["recency", "frequency", "monetary"])
def test_bins_help_gives_the_real_default(command: str, dim: str) -> None:
    """F3: without --bins, the rules' [scores] count, else 5."""
    text = _help(command)
    flag = f"--{dim[0]}-bins N scores for {dim}"
    shown = text[text.index(flag) :]
    shown = shown[: shown.index(")") + 1]
    assert "--bins" in shown
    assert f"the rules' [scores] count for {dim}" in shown
    assert "else 5" in shown


_QUANTILE_RULES: dict[float, Any] = {}


def _quantile_rules(q: float) -> Any:
    if q not in _QUANTILE_RULES:
        _QUANTILE_RULES[q] = rules.loads(
            'format = 1\n[fields]\nx = { type = "number" }\n'
            '[segments.s]\ndefault = "low"\nrules = [\n'
            f'  {{ label = "q", when = "x >= quantile(x, {q})" }},\n'
            '  { label = "m", when = "x >= median(x)" },\n]\n'
        )
    return _QUANTILE_RULES[q]


@settings(max_examples=40)
@given(
    values=st.lists(
        st.integers(-(10**6), 10**6).map(lambda n: n / 100), min_size=1, max_size=12
    ),
    q=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]),
)
def test_rules_quantile_is_numpys_linear_quantile(
    values: list[float], q: float
) -> None:
    """F4: quantile(x, q) and median(x) in conditions are np.quantile/np.median."""
    got = _quantile_rules(q).aggregates({"x": values})
    assert got[f"quantile(x, {float(q)!r})"] == float(np.quantile(values, q))
    assert got["median(x)"] == float(np.median(values))


def test_the_page_example_of_quantile() -> None:
    """F4: the docs/rules.md example: 91 in a rule, 95 as a score edge."""
    spend = [10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    rs = rules.loads(
        'format = 1\n[fields]\nmonetary = { type = "number" }\n'
        '[segments.top]\ndefault = "other"\nrules = [{ label = "top10", '
        'when = "monetary >= quantile(monetary, 0.9)" }]\n'
    )
    assert rs.aggregates({"monetary": spend}) == {"quantile(monetary, 0.9)": 91.0}
    assert custseg.quantile_edges(spend, 10).cuts[-1] == 95.0
    fixed = rs.aggregates({"monetary": spend})
    top = rs.evaluate({"monetary": [93.0]}, aggregates=fixed)["top"]
    assert top.to_numpy().tolist() == ["top10"]
    assert custseg.score([93.0], custseg.quantile_edges(spend, 10)).tolist() == [9]


@given(
    text=st.sampled_from(["0.7", " 0.7 ", "1", "0", ".5", "０.３", "1e-1"]),
    band_beside=st.booleans(),
    call=st.sampled_from(["loyalty_level", "repurchase_band"]),
)
def test_repurchase_as_text_is_named_a_probability(
    text: str, band_beside: bool, call: str
) -> None:
    """F5: the message names probabilities and bands, never scores."""
    column = ["high", text] if band_beside else [text]
    n = len(column)
    with pytest.raises(custseg.InputError) as info:
        if call == "loyalty_level":
            custseg.loyalty_level(["neutral"] * n, column, [9] * n)
        else:
            custseg.repurchase_band(column)
    message = str(info.value)
    assert "has numbers written as text" in message
    assert "pass the probabilities as numbers" in message
    assert "in a column of probabilities and bands, each probability" in message
    assert "score" not in message


def test_referral_as_text_still_names_scores() -> None:
    """F5: the referral message is unchanged (0-10 scores and words)."""
    with pytest.raises(custseg.InputError, match="in a column of scores and words"):
        custseg.loyalty_level(["neutral"], [0.5], ["9"])


ROOT = Path(__file__).resolve().parent.parent


def _rules_files() -> list[tuple[str, str]]:
    """(``file:line``, text) of every whole rules file of README.md and
    docs/*.md (a ```toml block whose first line that is not blank or a
    comment is ``format =`` or ``extends =``), as tests/test_docs.py finds
    them."""
    fence = re.compile(r"^```toml[ \t]*\n(.*?)^```", re.M | re.S)
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text("utf-8")
        for m in fence.finditer(text):
            lines = [
                line.strip()
                for line in m[1].splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
            if lines and re.match(r"(format|extends)\s*=", lines[0]):
                line = text.count("\n", 0, m.start()) + 1
                found.append((f"{page.relative_to(ROOT)}:{line}", m[1]))
    return found


RULES_FILES = _rules_files()


def test_the_pages_show_rules_files() -> None:
    """F6: the search below finds the pages' rules files."""
    assert len(RULES_FILES) >= 5
    assert any(where.startswith("docs/rules.md") for where, _ in RULES_FILES)


@pytest.mark.parametrize(
    "where, body", RULES_FILES, ids=[where for where, _ in RULES_FILES]
)
def test_docs_rules_files_check_without_warnings(where: str, body: str) -> None:
    """F6: a file the docs show for copying gets no error and no warning."""
    problems = [
        f"{d.line}:{d.column} {d.severity}[{d.code}]: {d.message}"
        for d in rules.check(body, text=True)
        if d.severity in ("error", "warning")
    ]
    assert problems == [], where


def test_the_write_a_rules_file_example_labels_the_unscored() -> None:
    """F6: the example's rich customer without an R score is 'unscored'."""
    body = next(b for _, b in RULES_FILES if "my-shop" in b and "[tags.flags]" in b)
    out = rules.loads(body).evaluate(
        {
            "recency_days": [120.0, 0.0],
            "monetary": [2000.0, 2000.0],
            "r": [float("nan"), float("nan")],
            "channel": ["store", "online"],
        }
    )
    assert out["value"].to_numpy().tolist() == ["unscored", "unscored"]


def _documented_codes() -> set[str]:
    """The codes of the tables under "### Codes" in docs/errors.md."""
    text = (ROOT / "docs" / "errors.md").read_text("utf-8")
    start = text.index("### Codes")
    end = text.index("\n### ", start + 1)
    return set(re.findall(r"^\| `([a-z-]+)` \|", text[start:end], re.M))


_CODE_REPROS = {
    "score-bins": 'format = 1\n[fields]\nr = { type = "integer", min = 1, '
    "max = 5, missing = true }\n[scores]\nr = { edges = [1, 2, 3], bins = 5 }\n",
    "near-miss": 'format = 1\nextends = "ecommerce"\n[params]\nkey_amout = 2000\n',
    "unknown-stage": 'format = 1\nextends = "ecommerce"\n'
    '[segments.rfm11.stages]\n"Champions" = ["activ"]\n',
    "unknown-stage (inherited)": 'format = 1\nextends = "ecommerce"\n'
    '[tables.lifecycle]\nbreaks = [60, 120, 240]\nlabels = ["a", "b", "c", "d"]\n'
    'translations.zh = { a = "甲", b = "乙", c = "丙", d = "丁" }\n',
}


@pytest.mark.parametrize("case", sorted(_CODE_REPROS))
def test_every_code_the_checker_gives_is_in_the_errors_page(case: str) -> None:
    """F7: a code rules.check gives has a row in docs/errors.md's Codes."""
    found = {d.code for d in rules.check(_CODE_REPROS[case], text=True)}
    assert case.split()[0] in found
    assert found <= _documented_codes()


def test_engine_unsupported_is_in_the_errors_page() -> None:
    """F7: compile_rules' engine-unsupported code has a row too."""
    pytest.importorskip("narwhals")
    from custseg.engines import compile_rules

    rs = rules.loads(
        'format = 1\n[fields]\nmonetary = { type = "number" }\n'
        '[segments.value]\ndefault = "low"\n'
        'rules = [{ label = "high", when = "monetary >= median(monetary)" }]\n'
    )
    with pytest.raises(custseg.RulesError) as info:
        compile_rules(rs, backend="spark")
    codes = {d.code for d in info.value.diagnostics}
    assert codes == {"engine-unsupported"}
    assert codes <= _documented_codes()


@pytest.mark.parametrize("name", ["base", "ecommerce", "mother_baby"])
def test_the_presets_codes_are_in_the_errors_page(name: str) -> None:
    """F7: the notes of shipped presets name documented codes (three of
    them: each check runs the whole analysis)."""
    assert {d.code for d in rules.check(name)} <= _documented_codes()


def _limit_codes(condition: str) -> list[str]:
    text = (
        'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
        f'default = "low"\nrules = [{{ label = "high", when = "{condition}" }}]\n'
    )
    return [d.code for d in rules.check(text, text=True) if d.severity == "error"]


def test_constants_computed_in_conditions_as_the_limits_table_says() -> None:
    """F8: 0.1 + 0.2 is 0.3 exactly (accepted); 100 / 3 and 1e15 * 10 are
    limit errors (docs/errors.md said 0.1 + 0.2 was not held exactly)."""
    assert _limit_codes("x >= 0.1 + 0.2") == []
    assert _limit_codes("x >= 100 / 3") == ["limit"]
    assert _limit_codes("x >= 1e15 * 10") == ["limit"]
    rs = rules.loads(
        'format = 1\n[fields]\nx = { type = "number" }\n[segments.s]\n'
        'default = "low"\nrules = [{ label = "high", when = "x >= 0.1 + 0.2" }]\n'
    )
    got = rs.evaluate({"x": [0.3, 0.29999999999999993]})["s"].to_numpy().tolist()
    assert got == ["high", "low"]
    page = (ROOT / "docs" / "errors.md").read_text("utf-8")
    row = next(line for line in page.splitlines() if "`1e15 * 10`" in line)
    assert "`0.1 + 0.2` is 0.3" in row
