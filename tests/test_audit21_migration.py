"""Audit 21: class names of two runs that read alike, in migration.

- ``transition_matrix`` and ``custseg migrate`` matched class names byte for
  byte: ``Café`` written with its accent apart (NFD, as macOS writes it) in
  one run was another class than ``Café`` (NFC) in the other, so the share
  in the same class was wrong while the printed matrix looked diagonal, and
  ``migrate`` said the runs had "no class in common (e.g. 'Café' and
  'Café')". Names are now compared in NFC.
- Names that still differ but read alike (a zero-width space, a soft
  hyphen, a no-break space, trailing blanks, ``µ`` and ``μ``) were silently
  separate classes: one warning now counts them and names them by code
  points.
- ``migrate`` left out, without a word, a label column whose header only
  read like the other file's (``life\\xadcycle``): a warning now names both.
"""

from __future__ import annotations

import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg._cli_migrate import disjoint_classes, look_alike_columns, no_common_class
from custseg.cli import main
from custseg.errors import CustsegWarning, InputError, ThresholdError
from custseg.migration import TransitionMatrix, transition_matrix

SOME = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

#: Letters with accents, some as combining marks: NFC and NFD differ.
ALPHABET = "aeou\u00e9\u00e8\u00fc\u00f1\u00c5\u0301\u0300\u0308"
#: Characters a reader does not see (format characters, Cf).
INVISIBLE = ("\u200b", "\ufeff", "\u2060", "\u00ad", "\u200e", "\u200f")

HEADER = (
    "customer_id,recency_days,frequency,monetary,first_purchase,"
    "last_purchase,tenure_days,{label}\n"
)
ROW = "{id},10,1,10,2024-01-01,2024-03-01,60,{cls}\n"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _write(path: Path, classes: list[str], label: str = "lifecycle") -> str:
    text = HEADER.format(label=label) + "".join(
        ROW.format(id=i + 1, cls=c) for i, c in enumerate(classes)
    )
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


@st.composite
def class_names(draw: st.DrawFn) -> list[str]:
    """2 to 4 class names (NFC), different once composed."""
    names = draw(
        st.lists(
            st.text(ALPHABET, min_size=1, max_size=4).map(_nfc),
            min_size=2,
            max_size=4,
            unique=True,
        )
    )
    return names


class TestUnicodeForms:
    """Canonically equivalent class names are one class."""

    def test_nfd_after_nfc_is_the_same_class(self) -> None:
        """The probe p07: an accent stored apart is not a move."""
        before = pd.Series(["active", "d\u00e9j\u00e0 client"] * 2, index=[1, 2, 3, 4])
        after = pd.Series(["active", "de\u0301ja\u0300 client"] * 2, index=[1, 2, 3, 4])
        kept = after.copy()
        tm = transition_matrix(before, after)
        assert tm.stayed == 1.0
        assert tm.before == ("active", "d\u00e9j\u00e0 client", "(new)")
        assert tm.after == ("active", "d\u00e9j\u00e0 client", "(gone)")
        pd.testing.assert_series_equal(after, kept)  # inputs untouched

    def test_two_forms_in_one_run_are_one_class(self) -> None:
        tm = transition_matrix(["Caf\u00e9", "Cafe\u0301", "tea"], ["Caf\u00e9"] * 3)
        assert tm.before == ("Caf\u00e9", "tea")
        assert tm.matrix.tolist() == [[2], [1]]

    @SOME
    @given(
        names=class_names(),
        data=st.data(),
        keyed=st.booleans(),
    )
    def test_any_mix_of_forms_is_the_nfc_matrix(
        self, names: list[str], data: st.DataObject, keyed: bool
    ) -> None:
        """Each label written in NFC or NFD at random: the matrix (names,
        order and counts) is that of the labels all in NFC."""
        n = data.draw(st.integers(1, 12))
        pick = st.lists(st.sampled_from(names), min_size=n, max_size=n)
        before, after = data.draw(pick), data.draw(pick)
        forms = st.lists(st.booleans(), min_size=n, max_size=n)
        b_nfd, a_nfd = data.draw(forms), data.draw(forms)
        mixed_b = [_nfd(x) if d else x for x, d in zip(before, b_nfd, strict=True)]
        mixed_a = [_nfd(x) if d else x for x, d in zip(after, a_nfd, strict=True)]
        if keyed:
            ids = [f"c{i}" for i in range(n)]
            want = transition_matrix(
                pd.Series(before, index=ids), pd.Series(after, index=ids)
            )
            got = transition_matrix(
                pd.Series(mixed_b, index=ids), pd.Series(mixed_a, index=ids)
            )
        else:
            want = transition_matrix(before, after)
            got = transition_matrix(mixed_b, mixed_a)
        assert got.before == want.before
        assert got.after == want.after
        np.testing.assert_array_equal(got.matrix, want.matrix)
        assert got.stayed == want.stayed

    def test_missing_named_like_a_class_in_another_form(self) -> None:
        """*missing* equal to a class once composed: refused, never merged."""
        with pytest.raises(ThresholdError, match="'missing' must differ"):
            transition_matrix(
                ["de\u0301ja\u0300", None], ["x", "x"], missing="d\u00e9j\u00e0"
            )

    def test_new_named_like_a_class_in_another_form(self) -> None:
        before = pd.Series(["a"], index=["c1"])
        after = pd.Series(["(ne\u0301w)"], index=["c1"])
        with pytest.raises(ThresholdError, match="'new' and 'gone' must differ"):
            transition_matrix(after, before, new="(n\u00e9w)")


class TestLookAlikes:
    """Names that read alike but are other texts: one warning."""

    @SOME
    @given(
        data=st.data(),
        keyed=st.booleans(),
    )
    def test_invisible_characters_warn_once_and_count_apart(
        self, data: st.DataObject, keyed: bool
    ) -> None:
        names = ["active", "silent", "lost"]
        n = data.draw(st.integers(1, 12))
        pick = st.lists(st.sampled_from(names), min_size=n, max_size=n)
        before, after = data.draw(pick), data.draw(pick)
        altered = data.draw(st.sets(st.sampled_from(names), min_size=1))
        spelled = {}
        for name in altered:  # an invisible character, or a blank at the end
            extra = data.draw(st.sampled_from([*INVISIBLE, "\u00a0", " "]))
            at = len(name) if extra.isspace() else data.draw(st.integers(0, len(name)))
            spelled[name] = name[:at] + extra + name[at:]
        odd_after = [spelled.get(x, x) for x in after]
        ids = [f"c{i}" for i in range(n)]

        def run(a: list[str]) -> TransitionMatrix:
            if keyed:
                return transition_matrix(
                    pd.Series(before, index=ids), pd.Series(a, index=ids)
                )
            return transition_matrix(before, a)

        clean = run(after)
        pairs = [x for x in sorted(altered) if x in before and x in after]
        if not pairs:  # nothing reads alike across the runs: no warning
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                run(odd_after)
            return
        with pytest.warns(CustsegWarning) as caught:
            got = run(odd_after)
        ours = [w for w in caught if issubclass(w.category, CustsegWarning)]
        assert len(ours) == 1
        message = str(ours[0].message)
        count = "a class before" if len(pairs) == 1 else f"{len(pairs)} pairs"
        assert count in message
        assert "counted as different classes" in message
        assert "write the labels the same way" in message
        assert ascii(spelled[pairs[0]]) in message  # by its code points
        assert ours[0].filename == __file__  # the caller's line
        # otherwise the counts are those of the clean labels
        back = {v: k for k, v in spelled.items()}
        frame = got.counts.rename(columns=lambda c: back.get(c, c))
        want = clean.counts
        assert set(frame.columns) == set(want.columns)
        np.testing.assert_array_equal(
            frame.loc[want.index, want.columns].to_numpy(), want.to_numpy()
        )

    def test_warning_names_at_most_three_pairs(self) -> None:
        before = ["a", "b", "c", "d", "e"]
        after = [x + "\u200b" for x in before]
        with pytest.warns(CustsegWarning, match="5 pairs") as caught:
            transition_matrix(before, after)
        message = str(caught[0].message)
        assert "'c' before, 'c\\u200b' after; 2 more" in message
        assert "'d\\u200b'" not in message

    def test_micro_sign_and_mu(self) -> None:
        """Printed alike, other texts even in NFC: by code points."""
        with pytest.warns(CustsegWarning, match=r"'5\\xb5g' before, '5\\u03bcg' after"):
            tm = transition_matrix(["5\u00b5g"], ["5\u03bcg"])
        assert tm.stayed == 0.0

    def test_no_warning_for_other_names(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tm = transition_matrix(["a", "b"], ["b", "a"])
        assert tm.stayed == 0.0

    def test_no_warning_before_an_error(self) -> None:
        """A call that fails says its error only."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(InputError):
                transition_matrix(["a", "b"], ["a\u200b"])


class TestMigrateCommand:
    def test_p06_accent_apart_is_the_same_class(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = _write(tmp_path / "b.csv", ["active", "d\u00e9j\u00e0 client"] * 2)
        after = _write(tmp_path / "a.csv", ["active", "de\u0301ja\u0300 client"] * 2)
        assert main(["migrate", before, after]) == 0
        out, err = capsys.readouterr()
        assert "of the 4 in both, 100.0% in the same class" in out
        assert err == ""

    def test_p05_invisible_characters_warn(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = _write(tmp_path / "b.csv", ["active", "Caf\u00e9", "silent"])
        after = _write(
            tmp_path / "a.csv", ["active\u200b", "Cafe\u0301", "silent\u00a0"]
        )
        out_file = tmp_path / "out.csv"
        assert main(["migrate", before, after, "--output", str(out_file)]) == 0
        out, err = capsys.readouterr()
        assert "of the 3 in both, 33.3% in the same class" in out
        assert "no class in common" not in err  # Café is one
        assert err.count("custseg: warning:") == 1
        assert "'lifecycle': 2 pairs of classes" in err
        assert "'active' before, 'active\\u200b' after" in err
        assert "'silent' before, 'silent\\xa0' after" in err
        table = pd.read_csv(out_file, dtype=str, keep_default_na=False)
        cafe = table[table["before"] == "Caf\u00e9"]
        assert cafe["after"].tolist() == ["Caf\u00e9"]

    def test_no_common_class_shows_code_points(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = _write(tmp_path / "b.csv", ["5\u00b5g", "5\u00b5g"])
        after = _write(tmp_path / "a.csv", ["5\u03bcg", "5\u03bcg"])
        assert main(["migrate", before, after]) == 0
        err = capsys.readouterr().err
        assert (
            "no class in common in the two files (e.g. '5\\xb5g' and '5\\u03bcg')"
            in err
        )

    def test_p14_header_that_reads_alike_warns(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        text = (
            HEADER.replace("\n", ",abc\n")
            + "1,10,1,10,2024-01-01,2024-03-01,60,active,A\n"
        )
        (tmp_path / "b.csv").write_text(
            text.format(label="lifecycle"), encoding="utf-8"
        )
        (tmp_path / "a.csv").write_text(
            text.format(label="life\u00adcycle"), encoding="utf-8"
        )
        code = main(["migrate", str(tmp_path / "b.csv"), str(tmp_path / "a.csv")])
        assert code == 0
        out, err = capsys.readouterr()
        assert out.startswith("abc:")
        b, a = repr(str(tmp_path / "b.csv")), repr(str(tmp_path / "a.csv"))
        assert f"'lifecycle' in BEFORE {b}, 'life\\xadcycle' in AFTER {a}" in err
        assert "not compared" in err

    def test_header_alone_that_reads_alike_is_in_the_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = _write(tmp_path / "b.csv", ["active"], label="Caf\u00e9")
        after = _write(tmp_path / "a.csv", ["active"], label="Cafe\u0301")
        assert main(["migrate", before, after]) == 2
        err = capsys.readouterr().err
        assert f"shares no label column with AFTER {after!r}" in err
        assert (
            f"'Caf\\xe9' in BEFORE {before!r}, 'Cafe\\u0301' in AFTER {after!r}" in err
        )

    def test_column_asked_names_the_look_alike_by_code_points(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = _write(tmp_path / "b.csv", ["active"], label="Caf\u00e9")
        after = _write(tmp_path / "a.csv", ["active"], label="Cafe\u0301")
        assert main(["migrate", before, after, "--column", "Caf\u00e9"]) == 2
        err = capsys.readouterr().err
        assert "'Caf\\xe9' is not a column of AFTER" in err
        assert "'Cafe\\u0301'" in err


class TestHelpers:
    def test_disjoint_classes_in_one_form(self) -> None:
        assert (
            disjoint_classes(pd.Series(["Caf\u00e9"]), pd.Series(["Cafe\u0301"]))
            is None
        )
        assert (
            no_common_class(
                "x", pd.Series(["Caf\u00e9"]), pd.Series(["Cafe\u0301"]), "", ""
            )
            is None
        )

    def test_disjoint_classes_gives_the_names_as_written(self) -> None:
        assert disjoint_classes(pd.Series(["b\u0301"]), pd.Series(["c"])) == (
            "b\u0301",
            "c",
        )

    def test_look_alike_columns_only_pairs_columns_without_namesake(self) -> None:
        b = pd.DataFrame({"lifecycle": ["a"]})
        a = pd.DataFrame({"lifecycle": ["a"], "life\u200bcycle": ["a"]})
        assert look_alike_columns(b, a) is None
        assert "'life\\u200bcycle' in AFTER" in str(
            look_alike_columns(b, a.drop(columns="lifecycle"))
        )

    def test_look_alike_columns_skips_numbers(self) -> None:
        b = pd.DataFrame({"score": [1.0]})
        a = pd.DataFrame({"score\u200b": [1.0]})
        assert look_alike_columns(b, a) is None
