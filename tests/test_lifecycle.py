"""Tests for custseg.lifecycle: stages from days since the last purchase.

Reference rule: windows are half-open, ``[0, b1), [b1, b2), ..., [bk, inf)``;
the stage index is the number of breaks <= recency; NaN is "no purchase".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from custseg import (
    InputError,
    Labels,
    LifecycleWindows,
    ThresholdError,
    lifecycle_stage,
)
from strategies import lifecycle_breaks, recency_days

DEFAULT_LABELS = ("active", "silent", "sleeping", "lost")
FIVE_STAGES = ("active", "silent", "sleeping", "lost", "gone")


def ref_stage(recency, breaks, labels, no_purchase="no_purchase"):
    """Stage name per customer: labels[#{breaks <= r}], NaN -> no_purchase."""
    out = []
    for r in recency:
        r = float(r)
        if math.isnan(r):
            out.append(no_purchase)
        else:
            out.append(labels[sum(1 for b in breaks if r >= b)])
    return out


# --------------------------------------------------------------------------
# LifecycleWindows
# --------------------------------------------------------------------------


class TestLifecycleWindows:
    """LifecycleWindows: breaks, labels and their validation."""

    def test_default_is_the_ecommerce_source(self):
        """Default: 90 / 180 / 270 days, active -> silent -> sleeping -> lost."""
        w = LifecycleWindows()
        assert w.breaks == (90.0, 180.0, 270.0)
        assert w.labels == DEFAULT_LABELS
        assert w.no_purchase == "no_purchase"

    def test_converters(self):
        """Breaks become floats; labels must be text (numbers are refused,
        as docs/errors.md says: audit 11 P9)."""
        w = LifecycleWindows([7, 30], ["a", "b", "c"])
        assert w.breaks == (7.0, 30.0)
        assert w.labels == ("a", "b", "c")
        with pytest.raises(ThresholdError, match=r"'labels\[0\]' must be text"):
            LifecycleWindows([7, 30], [1, 2, 3])

    def test_break_not_increasing_message(self):
        """(90, 60, 270): the sleeping break must be above the silent one."""
        with pytest.raises(
            ThresholdError,
            match=r"^'sleeping' must be > 'silent' \(90\): got 60$",
        ):
            LifecycleWindows((90, 60, 270))

    def test_equal_breaks_rejected(self):
        """Breaks must be strictly increasing (an empty window is refused)."""
        with pytest.raises(
            ThresholdError,
            match=r"^'lost' must be > 'sleeping' \(180\): got 180$",
        ):
            LifecycleWindows((90, 180, 180))

    @pytest.mark.parametrize(
        ("breaks", "message"),
        [
            (
                (0, 180, 270),
                r"^'breaks\[0\]' \(the start of 'silent'\) must be a finite day "
                r"> 0: got 0$",
            ),
            (
                (-5, 180, 270),
                r"^'breaks\[0\]' \(the start of 'silent'\) must be a finite day "
                r"> 0: got -5$",
            ),
            (
                (90, math.nan, 270),
                r"^'breaks\[1\]' \(the start of 'sleeping'\) must be a finite day "
                r"> 0: got nan$",
            ),
            (
                (90, 180, math.inf),
                r"^'breaks\[2\]' \(the start of 'lost'\) must be a finite day "
                r"> 0: got inf$",
            ),
        ],
    )
    def test_non_positive_or_non_finite_break_rejected(self, breaks, message):
        """Breaks must be finite and > 0; the message names `breaks[i]` and the
        stage that starts there."""
        with pytest.raises(ThresholdError, match=message):
            LifecycleWindows(breaks)

    @pytest.mark.parametrize(
        ("labels", "got"),
        [(("active", "silent", "sleeping"), 3), (FIVE_STAGES, 5)],
    )
    def test_label_count_mismatch(self, labels, got):
        """Labels must number one more than the breaks."""
        with pytest.raises(
            ThresholdError,
            match=rf"^'labels' must have one more entry than 'breaks' \(3\): got {got}$",
        ):
            LifecycleWindows((90, 180, 270), labels)

    def test_duplicate_labels_rejected(self):
        """Two stages with one name are refused, listing all names."""
        with pytest.raises(
            ThresholdError,
            match=r"^'labels' and 'no_purchase' must be distinct: got "
            r"\('active', 'active', 'sleeping', 'lost', 'no_purchase'\)$",
        ):
            LifecycleWindows(labels=("active", "active", "sleeping", "lost"))

    def test_no_purchase_clashing_with_a_stage_rejected(self):
        """The no-purchase label cannot reuse a stage name."""
        with pytest.raises(ThresholdError, match=r"must be distinct"):
            LifecycleWindows(no_purchase="lost")

    def test_five_stages_from_a_365_break(self):
        """The source's loss period ends at 365 days; one more break adds a stage."""
        w = LifecycleWindows((90, 180, 270, 365), FIVE_STAGES)
        assert w.breaks[-1] == 365.0
        assert len(w.labels) == 5

    def test_frozen(self):
        """Windows are immutable."""
        w = LifecycleWindows()
        with pytest.raises(AttributeError):
            w.breaks = (1.0, 2.0, 3.0)


# --------------------------------------------------------------------------
# lifecycle_stage
# --------------------------------------------------------------------------


class TestLifecycleStage:
    """lifecycle_stage: half-open windows on days since the last purchase."""

    def test_docstring_example(self):
        """The documented mix of stages and a customer without purchase."""
        got = lifecycle_stage([0, 89, 90, 179.5, 180, 270, 400, float("nan")])
        assert got.to_numpy().tolist() == [
            "active",
            "active",
            "silent",
            "silent",
            "sleeping",
            "lost",
            "lost",
            "no_purchase",
        ]

    @pytest.mark.parametrize(
        ("days", "stage"),
        [
            (0, "active"),
            (89.999, "active"),
            (90, "silent"),
            (179.999, "silent"),
            (180, "sleeping"),
            (269.999, "sleeping"),
            (270, "lost"),
            (364.999, "lost"),
            (365, "lost"),
            (10_000, "lost"),
        ],
    )
    def test_default_boundaries(self, days, stage):
        """A customer exactly on a break is in the later stage; just below, the earlier."""
        assert lifecycle_stage([days]).to_numpy().tolist() == [stage]

    @pytest.mark.parametrize(
        ("days", "stage"),
        [
            (89.999, "active"),
            (90, "silent"),
            (179.999, "silent"),
            (180, "sleeping"),
            (270, "lost"),
            (364.999, "lost"),
            (365, "gone"),
            (1000, "gone"),
        ],
    )
    def test_five_stage_boundaries(self, days, stage):
        """With a 365 break, 364.999 is still lost and 365 is the fifth stage."""
        w = LifecycleWindows((90, 180, 270, 365), FIVE_STAGES)
        assert lifecycle_stage([days], w).to_numpy().tolist() == [stage]

    def test_docstring_five_stage_example(self):
        """364 -> lost, 365 -> gone."""
        w = LifecycleWindows((90, 180, 270, 365), FIVE_STAGES)
        assert lifecycle_stage([364, 365], w).to_numpy().tolist() == ["lost", "gone"]

    def test_beauty_salon_short_cycle(self):
        """Shorter windows for a short-cycle business (e.g. 30 / 60 / 90 days)."""
        w = LifecycleWindows((30, 60, 90))
        got = lifecycle_stage([29, 30, 59.5, 60, 90, 120], w).to_numpy().tolist()
        assert got == ["active", "silent", "silent", "sleeping", "lost", "lost"]

    def test_nan_is_no_purchase_never_active(self):
        """NaN recency gets the no-purchase label, not the first stage."""
        labels = lifecycle_stage([float("nan"), 0.0])
        assert labels.to_numpy().tolist() == ["no_purchase", "active"]
        assert labels.codes.tolist() == [4, 0]

    def test_custom_no_purchase_label(self):
        """The no-purchase label is configurable."""
        w = LifecycleWindows(no_purchase="prospect")
        labels = lifecycle_stage([float("nan")], w)
        assert labels.to_numpy().tolist() == ["prospect"]
        assert labels.names[-1] == "prospect"

    def test_negative_recency_rejected(self):
        """A purchase after the reference day: InputError with the first row and count."""
        with pytest.raises(
            InputError,
            match=r"^'recency_days' has negative values \(first at row 2, 2 rows",
        ) as info:
            lifecycle_stage([5.0, float("nan"), -1.0, 30.0, -0.5])
        assert (info.value.field, info.value.first_row, info.value.n_rows) == (
            "recency_days",
            2,
            2,
        )

    def test_negative_zero_is_active(self):
        """-0.0 is not negative: a purchase on the reference day."""
        assert lifecycle_stage([-0.0]).to_numpy().tolist() == ["active"]

    def test_names_order(self):
        """Ordered names: the stages most recent first, then no_purchase."""
        labels = lifecycle_stage([1.0])
        assert isinstance(labels, Labels)
        assert labels.names == (*DEFAULT_LABELS, "no_purchase")
        assert labels.ordered
        assert labels.counts() == {
            "active": 1,
            "silent": 0,
            "sleeping": 0,
            "lost": 0,
            "no_purchase": 0,
        }

    def test_pandas_categorical_order(self):
        """to_pandas keeps the stage order as an ordered categorical."""
        cat = lifecycle_stage([200.0, 10.0]).to_pandas()
        assert list(cat.cat.categories) == [*DEFAULT_LABELS, "no_purchase"]
        assert cat.cat.ordered
        assert cat[1] < cat[0]
        assert cat.name == "lifecycle"

    def test_integer_and_nullable_input(self):
        """int64 days and a nullable Int64 Series (NA = no purchase) are accepted."""
        got = lifecycle_stage(np.array([0, 90, 400])).to_numpy().tolist()
        assert got == ["active", "silent", "lost"]
        s = pd.Series([100, None], dtype="Int64")
        assert lifecycle_stage(s).to_numpy().tolist() == ["silent", "no_purchase"]

    def test_windows_must_be_lifecycle_windows(self):
        """A tuple of breaks is not a LifecycleWindows."""
        with pytest.raises(
            ThresholdError, match=r"^'windows' must be a LifecycleWindows: got tuple$"
        ):
            lifecycle_stage([1.0], (90, 180, 270))

    def test_empty_input(self):
        """No customers: empty labels with the full name list."""
        labels = lifecycle_stage(np.array([], dtype=float))
        assert len(labels) == 0
        assert labels.names == (*DEFAULT_LABELS, "no_purchase")

    @given(recency_days())
    def test_default_matches_reference(self, r):
        """Default windows: stages equal the half-open reference."""
        got = lifecycle_stage(r).to_numpy().tolist()
        assert got == ref_stage(r, (90, 180, 270), DEFAULT_LABELS)

    @given(recency_days(), st.one_of(lifecycle_breaks(), lifecycle_breaks(40)))
    def test_custom_windows_match_reference(self, r, bl):
        """Any valid windows: stages equal the half-open reference."""
        breaks, labels = bl
        w = LifecycleWindows(breaks, labels, no_purchase="none")
        got = lifecycle_stage(r, w)
        assert got.names == (*labels, "none")
        assert got.to_numpy().tolist() == ref_stage(r, breaks, labels, "none")

    @given(recency_days(nan=False), lifecycle_breaks())
    def test_more_days_never_an_earlier_stage(self, r, bl):
        """Stage codes are non-decreasing in recency."""
        w = LifecycleWindows(*bl)
        order = np.argsort(r, kind="stable")
        codes = lifecycle_stage(r[order], w).codes.astype(int)
        assert (np.diff(codes) >= 0).all()

    @given(recency_days(), st.randoms(use_true_random=False))
    def test_permuting_rows_permutes_stages(self, r, rnd):
        """A customer's stage does not depend on the other rows."""
        perm = list(range(len(r)))
        rnd.shuffle(perm)
        np.testing.assert_array_equal(
            lifecycle_stage(r[perm]).codes, lifecycle_stage(r).codes[perm]
        )

    @given(recency_days())
    def test_no_purchase_exactly_the_nan_rows(self, r):
        """The no-purchase label is given to NaN rows and only to them."""
        labels = lifecycle_stage(r).to_numpy()
        np.testing.assert_array_equal(labels == "no_purchase", np.isnan(r))


class TestLifecycleWindowsTypes:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"breaks": "12", "labels": "abc"}, r"^'breaks' must be a sequence"),
            ({"breaks": (1, 2), "labels": "abc"}, r"^'labels' must be a sequence"),
            ({"breaks": [[1]], "labels": ("a", "b")}, r"^'breaks\[0\]' must be a number"),
            ({"breaks": (b"1",), "labels": ("a", "b")}, r"^'breaks\[0\]' must be a number"),
            ({"breaks": (1,), "labels": ("a", None)}, r"^'labels\[1\]' must be text"),
            ({"breaks": (1,), "labels": ("a", "b"), "no_purchase": 0}, r"^'no_purchase' must be text"),
            ({"breaks": (10**400,), "labels": ("a", "b")}, r"^'breaks\[0\]' must be a number float64 holds"),
            ({"breaks": 90}, r"^'breaks' must be a sequence"),
        ],
    )  # fmt: skip
    def test_refused_with_threshold_error(self, kwargs, message):
        """Text as a sequence, nested lists, non-names and huge ints are ThresholdErrors."""
        with pytest.raises(ThresholdError, match=message):
            LifecycleWindows(**kwargs)

    def test_numbers_as_labels_and_arrays_as_breaks(self):
        """Numeric labels are refused (audit 11 P9); a NumPy array of breaks
        is a sequence."""
        w = LifecycleWindows(np.array([7, 30]), ("1", "2", "3"))
        assert w.breaks == (7.0, 30.0) and w.labels == ("1", "2", "3")
        with pytest.raises(ThresholdError, match="must be text"):
            LifecycleWindows(np.array([7, 30]), (1, 2, 3))


class TestManyStages:
    @pytest.mark.parametrize("n_stages", [126, 127, 32_766, 32_767, 40_000])
    def test_codes_fit_any_number_of_stages(self, n_stages):
        """More stages than int16 holds: right stages, codes in the smallest dtype."""
        from custseg.labels import smallest_int_dtype

        w = LifecycleWindows(
            tuple(range(1, n_stages)), tuple(f"L{i}" for i in range(n_stages))
        )
        days = [0.0, 0.5, 1.0, n_stages - 1.5, n_stages + 10.0, float("nan")]
        stage = lifecycle_stage(days, w)
        want = ["L0", "L0", "L1", f"L{n_stages - 2}", f"L{n_stages - 1}", "no_purchase"]
        assert stage.to_numpy().tolist() == want
        assert stage.codes.dtype == smallest_int_dtype(n_stages + 1)
