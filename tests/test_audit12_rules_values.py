"""Audit 12 U3/U4: compiled rules are values.

A RuleSet (and a SegmentResult holding one) pickles into an equal RuleSet
that evaluates identically; the mappings of the compiled rules (RuleSet,
Table, Segmentation, Example) refuse edits, and every frozen rules object
with ``eq=True`` hashes consistently with ``==``.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest

import custseg
from custseg import rules
from custseg.datasets import simulate_transactions

PRESETS = sorted(rules.presets())

# --------------------------------------------------------------------------
# rules files written by users: each exercises other parts of the model

SHOP = """\
format = 1
name = "shop"
extends = "ecommerce"

[params]
key_amount = 800

[derived]
big_spender = "monetary > quantile(monetary, 0.8, where=frequency >= 2)"

[tables.lifecycle]
translations = { zh = { active = "活跃", silent = "沉默", sleeping = "睡眠", lost = "流失", gone = "已流失", no_purchase = "未购买" } }

[segments.shop_value]
default = "regular"
rules = [{ label = "vip", when = "big_spender and lifecycle == 'active'" },
         { label = "lapsed_vip", when = "big_spender" }]
translations = { zh = { vip = "贵宾", lapsed_vip = "流失贵宾", regular = "普通" } }
stages_from = "lifecycle"
stages = { vip = ["active"] }

[tags.care]
rules = [
  { tag = "new", when = "tenure_days < 60" },
  { tag = "high_value", when = "monetary > mean(monetary)" },
]

[scores]
r = { edges = [20, 60, 120, 240] }

[playbook.shop_value.vip]
action = "Invite to the VIP evening"
channel = "phone"
cadence_days = 30
priority = 1

[[examples]]
note = "an active big spender is a vip"
given = { big_spender = true, recency_days = 10 }
expect = { shop_value = "vip", lifecycle = "active" }
"""

# extends a preset that extends another: the texts of both are kept
DINER = """\
format = 1
extends = "restaurant"

[params]
key_amount = 300

[tables.lifecycle]
breaks = [21, 45, 90, 150]
"""

CLUB = """\
format = 1
name = "club"
description = "a standalone file: categories, booleans, optional fields"

[fields]
visits = { type = "integer", min = 0 }
spend = { type = "number", min = 0, missing = true }
tier = { type = "category", values = ["bronze", "silver", "gold"] }
member = { type = "bool" }
age = { type = "integer", min = 0, optional = true }

[params]
big = 500
vip_tier = "gold"

[derived]
loyal = "visits >= 3 and member"

[tables.spend_band]
field = "spend"
breaks = [100, 500]
labels = ["low", "mid", "high"]
closed = "right"
missing = "none"
translations = { zh = { low = "低", mid = "中", high = "高", none = "无" } }

[segments.kind]
default = "walk-in"
rules = [
  { label = "vip", when = "tier == vip_tier and spend >= big" },
  { label = "regular", when = "loyal" },
  { label = "spender", when = "spend > median(spend)" },
]
translations = { zh = { vip = "贵宾", regular = "常客", spender = "大客", "walk-in" = "散客" } }

[tags.care]
rules = [
  { tag = "senior", when = "age >= 65" },
  { tag = "lapsing", when = "visits == 0 and spend_band != 'none'" },
]

[[examples]]
given = { tier = "gold", spend = 900, visits = 1, member = false }
expect = { kind = "vip", spend_band = "high" }
"""


def _load_file(tmp_path: Any, name: str, text: str) -> rules.RuleSet:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return rules.load(path)


@pytest.fixture(scope="module")
def tx() -> pd.DataFrame:
    return simulate_transactions(300, seed=3)


def _segment(tx: pd.DataFrame, **kwargs: Any) -> custseg.SegmentResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", custseg.errors.CustsegWarning)
        return custseg.segment(tx, **kwargs)


def _club_data(n: int = 400, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    spend = rng.gamma(1.5, 300.0, n)
    spend[rng.random(n) < 0.1] = np.nan
    return {
        "visits": rng.integers(0, 8, n),
        "spend": spend,
        "tier": rng.choice(["bronze", "silver", "gold"], n),
        "member": rng.random(n) < 0.5,
        "age": rng.integers(18, 90, n),
    }


def _round_trip(rs: rules.RuleSet, protocol: int) -> rules.RuleSet:
    out = pickle.loads(pickle.dumps(rs, protocol=protocol))
    assert isinstance(out, rules.RuleSet)
    return out


def _same_model(a: rules.RuleSet, b: rules.RuleSet) -> None:
    """Everything a caller reads of a RuleSet, the compiled closures aside."""
    assert a == b and hash(a) == hash(b)
    assert (a.name, a.description, a.path) == (b.name, b.description, b.path)
    assert a.outputs == b.outputs and a.order == b.order
    assert a.required_fields() == b.required_fields()
    assert a.aggregate_keys() == b.aggregate_keys()
    assert dict(a.fields) == dict(b.fields)
    assert dict(a.params) == dict(b.params)
    assert dict(a.tables) == dict(b.tables)
    assert dict(a.scores) == dict(b.scores)
    assert dict(a.playbooks) == dict(b.playbooks)
    assert a.examples == b.examples
    assert a.diagnostics == b.diagnostics
    assert set(a.lookups) == set(b.lookups) and a.skip == b.skip
    for name, seg in a.segments.items():
        other = b.segments[name]
        assert (seg.names, seg.default, seg.stages, seg.stages_from) == (
            other.names,
            other.default,
            other.stages,
            other.stages_from,
        )
        assert seg.translations == other.translations
        assert [r.when.text for r in seg.rules] == [r.when.text for r in other.rules]
    assert [d.expr.text for d in a.derived.values()] == [
        d.expr.text for d in b.derived.values()
    ]
    assert [o.passed for o in a.run_examples()] == [o.passed for o in b.run_examples()]


# --------------------------------------------------------------------------
# U3: pickle


class TestPickleRuleSet:
    """A RuleSet pickles into an equal RuleSet that evaluates identically."""

    @pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
    @pytest.mark.parametrize("name", PRESETS)
    def test_every_preset(self, name: str, protocol: int, tx: pd.DataFrame) -> None:
        rs = rules.load(name)
        back = _round_trip(rs, protocol)
        _same_model(rs, back)
        for lang in (None, "zh"):
            a = _segment(tx, rules=rs, lang=lang, explain=True)
            b = _segment(tx, rules=back, lang=lang, explain=True)
            pd.testing.assert_frame_equal(a.customers, b.customers)
            assert a.aggregates == b.aggregates

    @pytest.mark.parametrize("name", PRESETS)
    def test_preset_by_name_only(self, name: str) -> None:
        rs = rules.preset(name)
        assert _round_trip(rs, pickle.HIGHEST_PROTOCOL) == rs == rules.load(name)

    @pytest.mark.parametrize(("name", "text"), [("shop", SHOP), ("diner", DINER)])
    def test_files_extending_presets(
        self, tmp_path: Any, tx: pd.DataFrame, name: str, text: str
    ) -> None:
        rs = _load_file(tmp_path, name, text)
        blob = pickle.dumps(rs)
        (tmp_path / f"{name}.toml").unlink()  # never read again: the text is kept
        back = pickle.loads(blob)
        _same_model(rs, back)
        for lang in (None, "zh"):
            a = _segment(tx, rules=rs, lang=lang, explain=True)
            b = _segment(tx, rules=back, lang=lang, explain=True)
            pd.testing.assert_frame_equal(a.customers, b.customers)

    def test_standalone_file_with_categories_and_optional_fields(
        self, tmp_path: Any
    ) -> None:
        rs = _load_file(tmp_path, "club", CLUB)
        back = _round_trip(rs, pickle.HIGHEST_PROTOCOL)
        _same_model(rs, back)
        for seed in range(3):
            data = _club_data(seed=seed)
            without_age = {k: x for k, x in data.items() if k != "age"}
            for d in (data, without_age):
                for lang in (None, "zh"):
                    a = rs.evaluate(d, explain=True, lang=lang)
                    b = back.evaluate(d, explain=True, lang=lang)
                    pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
                    assert a.aggregates == b.aggregates and a.skipped == b.skipped
                fixed = rs.aggregates(d)
                pd.testing.assert_frame_equal(
                    rs.evaluate(d, aggregates=fixed).to_pandas(),
                    back.evaluate(d, aggregates=fixed).to_pandas(),
                )

    @pytest.mark.parametrize(
        "make",
        [
            lambda: rules.loads(CLUB),
            lambda: rules.loads(CLUB, path="club.toml"),
            lambda: rules.loads(("\ufeff" + SHOP).encode("utf-8")),
            lambda: rules.loads(DINER),
        ],
        ids=["text", "text-with-path", "bytes-with-bom", "text-extending"],
    )
    def test_rules_given_as_text(self, make: Any) -> None:
        rs = make()
        _same_model(rs, _round_trip(rs, pickle.HIGHEST_PROTOCOL))

    def test_keeps_the_preset_texts_it_was_made_with(
        self, monkeypatch: pytest.MonkeyPatch, tx: pd.DataFrame
    ) -> None:
        """Unpickling never reads the installed presets: a stored RuleSet keeps
        its rules when a later custseg changes a preset."""
        rs = rules.loads(SHOP)
        blob = pickle.dumps(rs)
        rules._from_sources.cache_clear()

        def changed(name: str) -> str:
            raise AssertionError(f"read the installed preset {name!r}")

        monkeypatch.setattr(rules, "preset_text", changed)
        back = pickle.loads(blob)
        assert back == rs and back.params["key_amount"] == 800
        monkeypatch.undo()
        a = _segment(tx, rules=rs)
        b = _segment(tx, rules=back)
        pd.testing.assert_frame_equal(a.customers, b.customers)

    def test_without_rules_text_is_a_clear_error(self) -> None:
        rs = attrs.evolve(rules.load("ecommerce"), sources=())
        with pytest.raises(TypeError, match="no rules text to be pickled from"):
            pickle.dumps(rs)


class TestPickleSegmentResult:
    """segment(..., preset=...) results pickle, and apply() still works."""

    @pytest.mark.parametrize("name", PRESETS)
    def test_round_trip_and_apply(self, name: str, tx: pd.DataFrame) -> None:
        res = _segment(tx, preset=name, lang="zh")
        back = pickle.loads(pickle.dumps(res))
        pd.testing.assert_frame_equal(back.customers, res.customers)
        assert back.rules == res.rules and back.edges == res.edges
        assert back.aggregates == res.aggregates
        later = simulate_transactions(200, seed=11)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.errors.CustsegWarning)
            pd.testing.assert_frame_equal(
                back.apply(later).customers, res.apply(later).customers
            )

    def test_deepcopy(self, tx: pd.DataFrame) -> None:
        res = _segment(tx, preset="ecommerce")
        dup = copy.deepcopy(res)
        assert dup.rules == res.rules
        pd.testing.assert_frame_equal(dup.customers, res.customers)


def _worker(seed: int) -> custseg.SegmentResult:
    return _segment(simulate_transactions(120, seed=seed), preset="ecommerce")


def test_result_returned_from_a_worker_process() -> None:
    with ProcessPoolExecutor(1) as pool:
        res = pool.submit(_worker, 5).result(timeout=300)
    here = _worker(5)
    assert res.rules == here.rules == rules.load("ecommerce")
    pd.testing.assert_frame_equal(res.customers, here.customers)


class TestCopyAndEquality:
    """A RuleSet is a value: equal when compiled from the same text."""

    @pytest.mark.parametrize("name", PRESETS)
    def test_copy_and_deepcopy(self, name: str) -> None:
        rs = rules.load(name)
        assert copy.copy(rs) == rs and copy.deepcopy(rs) == rs
        assert copy.deepcopy({"rules": rs})["rules"] == rs

    def test_equal_texts_equal_rulesets(self) -> None:
        a, b = rules.loads(CLUB), rules.loads(CLUB)
        assert a is not b and a == b and hash(a) == hash(b)
        assert len({a, b, rules.loads(SHOP)}) == 2
        assert {a: 1}[b] == 1

    @pytest.mark.parametrize(
        "other",
        [
            lambda: rules.loads(CLUB.replace("big = 500", "big = 501")),
            lambda: rules.loads(CLUB, path="club.toml"),
            lambda: rules.loads(CLUB + "\n# a comment\n"),
            lambda: rules.load("ecommerce"),
        ],
        ids=["other-param", "other-path", "other-text", "other-rules"],
    )
    def test_other_texts_differ(self, other: Any) -> None:
        assert rules.loads(CLUB) != other()

    def test_not_equal_to_other_types(self) -> None:
        rs = rules.load("ecommerce")
        assert rs != "ecommerce" and rs != rules.preset_text("ecommerce")
        assert rs.__eq__(object()) is NotImplemented


# --------------------------------------------------------------------------
# U4: read-only mappings, hashing


def _mappings(rs: rules.RuleSet) -> list[tuple[str, Any]]:
    """Every mapping a compiled RuleSet exposes, by the path a user writes."""
    out: list[tuple[str, Any]] = [
        (f"rs.{f}", getattr(rs, f))
        for f in (
            "fields",
            "params",
            "derived",
            "tables",
            "segments",
            "tagsets",
            "lookups",
            "scores",
            "playbooks",
        )
    ]
    for name, t in rs.tables.items():
        out.append((f"rs.tables[{name!r}].translations", t.translations))
        out += [
            (f"rs.tables[{name!r}].translations[{k!r}]", x)
            for k, x in t.translations.items()
        ]
    for name, s in rs.segments.items():
        out.append((f"rs.segments[{name!r}].translations", s.translations))
        out.append((f"rs.segments[{name!r}].stages", s.stages))
        out += [
            (f"rs.segments[{name!r}].translations[{k!r}]", x)
            for k, x in s.translations.items()
        ]
    for ex in rs.examples[:3]:
        out += [
            (f"example {ex.number}.given", ex.given),
            (f"example {ex.number}.expect", ex.expect),
            (f"example {ex.number}.expect_lines", ex.expect_lines),
        ]
    return out


EDITS = {
    "setitem": lambda m, k: m.__setitem__(k, 2000),
    "new key": lambda m, k: m.__setitem__("zz_new", 1),
    "delitem": lambda m, k: m.__delitem__(k),
    "update": lambda m, k: m.update({k: 1}),
    "pop": lambda m, k: m.pop(k),
    "popitem": lambda m, k: m.popitem(),
    "clear": lambda m, k: m.clear(),
    "setdefault": lambda m, k: m.setdefault("zz_new", 1),
    "ior": lambda m, k: m.__ior__({k: 1}),
}


def _snapshot(rs: rules.RuleSet) -> list[tuple[str, Any]]:
    return [(path, dict(m)) for path, m in _mappings(rs)]


class TestReadOnly:
    """No mapping of compiled rules accepts an edit past the loader's checks."""

    @pytest.mark.parametrize("edit", sorted(EDITS))
    @pytest.mark.parametrize("source", ["ecommerce", "mother_baby", "shop", "club"])
    def test_every_mapping_refuses_every_edit(self, source: str, edit: str) -> None:
        rs = {"shop": lambda: rules.loads(SHOP), "club": lambda: rules.loads(CLUB)}.get(
            source, lambda: rules.load(source)
        )()
        before = _snapshot(rs)
        outputs = rs.outputs
        mappings = _mappings(rs)
        assert len(mappings) > 15
        for path, m in mappings:
            key = next(iter(m), "zz_new")
            with pytest.raises(TypeError, match="is read-only") as info:
                EDITS[edit](m, key)
            # the message names the field, or the object it belongs to
            field = path.split(".")[-1].split("[")[0]
            assert field in str(info.value), (path, str(info.value))
        assert _snapshot(rs) == before and rs.outputs == outputs

    def test_audit_repro(self) -> None:
        rs = rules.load("ecommerce")
        d = {
            "recency_days": [10.0],
            "frequency": [1],
            "monetary": [1500.0],
            "tenure_days": [300.0],
            "r": [5],
            "f": [1],
            "m": [5],
        }
        with pytest.raises(TypeError, match=r"RuleSet\.params is read-only"):
            rs.params["key_amount"] = 2000
        with pytest.raises(TypeError, match=r"RuleSet\.tables is read-only"):
            del rs.tables["lifecycle"]
        assert rs.params["key_amount"] == 1000 and "lifecycle" in rs.outputs
        assert rs.evaluate(d)["ecom4"].to_numpy().tolist() == ["Key Development"]
        # an editable copy is one call away, and leaves the rules alone
        params = dict(rs.params)
        params["key_amount"] = 2000
        assert rs.params["key_amount"] == 1000

    @pytest.mark.parametrize("name", PRESETS)
    def test_lookup_tables_are_read_only(self, name: str) -> None:
        rs = rules.load(name)
        assert rs.lookups
        for lk in rs.lookups.values():
            for arr in (lk.codes, lk.rules):
                assert not arr.flags.writeable
                with pytest.raises(ValueError, match="read-only"):
                    arr[0] = 0

    def test_readers_still_work(self, tx: pd.DataFrame) -> None:
        """What reads the mappings (run_examples, playbooks, check, segment)
        works on the read-only ones."""
        rs = rules.load("furniture")
        assert rs.playbook("rfm8") is not None
        assert all(o.passed for o in rs.run_examples())
        assert not [
            d
            for d in rules.check(rules.preset_text("furniture"), text=True)
            if d.severity == "error"
        ]
        assert rs.win_back_deadline() == 1825.0
        res = _segment(tx, rules=rs, lang="zh")
        assert {"lifecycle", "rfm8", "ecom4"} <= set(res.customers.columns)

    @pytest.mark.parametrize("name", ["ecommerce", "restaurant"])
    def test_engine_path_reads_the_same_params(
        self, name: str, tx: pd.DataFrame
    ) -> None:
        """The engine compiler reads rs.params: an unpickled RuleSet labels
        alike inside an engine too."""
        pl = pytest.importorskip("polars")
        pytest.importorskip("narwhals")
        from custseg.engines import label_in_engine

        res = _segment(tx, preset=name)
        cols = ["recency_days", "frequency", "monetary", "tenure_days"]
        facts = pl.from_pandas(res.customers[cols].reset_index(drop=True))
        rs = rules.load(name)
        back = _round_trip(rs, pickle.HIGHEST_PROTOCOL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", custseg.errors.CustsegWarning)
            a = label_in_engine(facts, rules=rs, edges=res.edges, lang="zh")
            b = label_in_engine(facts, rules=back, edges=res.edges, lang="zh")
        a, b = pl.DataFrame(a), pl.DataFrame(b)
        assert a.columns == b.columns and set(rs.outputs) & set(a.columns)
        assert a.equals(b)


def _frozen_parts(rs: rules.RuleSet) -> list[Any]:
    parts: list[Any] = [
        *rs.fields.values(),
        *rs.derived.values(),
        *rs.tables.values(),
        *rs.segments.values(),
        *rs.tagsets.values(),
        *rs.scores.values(),
        *rs.examples,
        *rs.run_examples(),
    ]
    for s in rs.segments.values():
        parts += list(s.rules)
    return parts


class TestHash:
    """Frozen rules objects with eq=True hash, consistently with ==."""

    @pytest.mark.parametrize("source", [*PRESETS, "shop", "club"])
    def test_every_part_hashes(self, source: str) -> None:
        make = {
            "shop": lambda: rules.loads(SHOP),
            "club": lambda: rules.loads(CLUB),
        }.get(source, lambda: rules.load(source))
        rs = make()
        parts = _frozen_parts(rs)
        assert len(parts) > 10
        for part in parts:
            hash(part)  # never TypeError: unhashable type 'dict'
        assert len(set(parts)) <= len(parts)
        # compiled again from the same text: the parts without closures are
        # equal, and so are their hashes
        other = make()
        for a, b in [
            *zip(rs.tables.values(), other.tables.values(), strict=True),
            *zip(rs.fields.values(), other.fields.values(), strict=True),
            *zip(rs.scores.values(), other.scores.values(), strict=True),
            *zip(rs.examples, other.examples, strict=True),
        ]:
            assert a == b and hash(a) == hash(b)
        assert hash(rs) == hash(other) and rs == other

    @pytest.mark.parametrize("name", PRESETS)
    def test_parts_without_closures_pickle(self, name: str) -> None:
        """Tables, examples, fields and score specs pickle and copy into equal
        values with equal hashes, and stay read-only."""
        rs = rules.load(name)
        parts = [
            # a table with missing_rules holds their compiled conditions
            # (closures): it is equal to the same table compiled again
            # (test_every_part_hashes), and pickles within its RuleSet
            *(t for t in rs.tables.values() if not t.missing_rules),
            *rs.examples,
            *rs.fields.values(),
            *rs.scores.values(),
        ]
        for part in parts:
            for back in (pickle.loads(pickle.dumps(part)), copy.deepcopy(part)):
                assert back == part and hash(back) == hash(part)
        for t in rs.tables.values():
            if t.missing_rules:
                continue
            back = pickle.loads(pickle.dumps(t))
            with pytest.raises(TypeError, match=r"Table\.translations"):
                back.translations["en"] = {}

    def test_mappings_hash_like_their_items(self) -> None:
        rs = rules.load("ecommerce")
        t = rs.tables["lifecycle"]
        assert t.translations == {"zh": dict(t.translations["zh"])}
        changed = attrs.evolve(t, translations={"zh": {"active": "x"}})
        assert changed != t and changed.translations["zh"] == {"active": "x"}
        same = attrs.evolve(
            t, translations={k: dict(x) for k, x in t.translations.items()}
        )
        assert same == t and hash(same) == hash(t)
