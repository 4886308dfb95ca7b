"""abc_classes takes an AbcCutoffs, as segment's abc_cutoffs does (audit 32)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg import AbcCutoffs, ThresholdError, abc_classes, abc_edges

shares = st.tuples(
    st.floats(0.05, 0.95, allow_nan=False), st.floats(0.05, 0.95, allow_nan=False)
).map(sorted)


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.integers(0, 1000), min_size=1, max_size=30).filter(any),
    pair=shares,
    basis=st.sampled_from(["value", "rank"]),
)
def test_abc_cutoffs_class_as_the_pair_and_basis(values, pair, basis):
    a, b = pair
    if a == b:
        b = min(1.0, b + 0.01)
    cut = AbcCutoffs(a, b, basis=basis)
    got = abc_classes(values, cut).to_numpy()
    want = abc_classes(values, (a, b), basis=basis).to_numpy()
    np.testing.assert_array_equal(got, want)
    # the same basis said twice is fine
    np.testing.assert_array_equal(
        abc_classes(values, cut, basis=basis).to_numpy(), want
    )


def test_abc_cutoffs_rank_defaults_and_edges():
    values = [50, 30, 20, 0]
    assert abc_classes(values, AbcCutoffs(basis="rank")).to_numpy().tolist() == [
        "A",
        "B",
        "C",
        "C",
    ]
    edges = abc_edges(values, AbcCutoffs(basis="rank"))
    assert (
        abc_classes(values, edges=edges).to_numpy().tolist()
        == abc_classes(values, AbcCutoffs(basis="rank")).to_numpy().tolist()
    )


def test_abc_cutoffs_with_another_basis_is_refused():
    with pytest.raises(ThresholdError, match=r"basis='value'.*basis 'rank'"):
        abc_classes([1, 2, 3], AbcCutoffs(basis="rank"), basis="value")
    with pytest.raises(ThresholdError, match="'cutoffs' is given with 'edges'"):
        abc_classes([1, 2], AbcCutoffs(), edges=abc_edges([1, 2]))
