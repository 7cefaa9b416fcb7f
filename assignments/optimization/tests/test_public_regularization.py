"""Public tests of elastic_net (regularization.py): the penalty, its gradient away from zero, the two
special cases (L2 and L1), a valid subgradient at zero, W untouched."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit_checks import rel_error
from kit_failures import call, describe, fail
from kit_i18n import _

NAME = "elastic_net"
#: Every test here checks elastic_net (the score summary counts them for it).
pytestmark = pytest.mark.grade(function=NAME)


@st.composite
def weights(draw):
    """(W, l1, l2, description): W of a random shape (1 to 3 axes) with no entry within 1e-3 of zero."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    W = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(1e-3, 2.0, size=shape)
    l1, l2 = draw(st.sampled_from([0.0, 1e-3, 0.5, 2.0])), draw(st.sampled_from([0.0, 1e-3, 0.5, 2.0]))
    return W, l1, l2, _("W of shape {shape}, l1={l1}, l2={l2}").format(shape=shape, l1=f"{l1:g}", l2=f"{l2:g}")


def penalty_and_gradient(student, W, l1, l2, on):
    """student.elastic_net(W, l1, l2), checked to be (float, array of W's shape)."""
    got = call(student, NAME, on, W, l1, l2)
    if not (isinstance(got, tuple) and len(got) == 2 and np.ndim(got[0]) == 0
            and isinstance(got[1], np.ndarray) and got[1].shape == W.shape):
        fail(NAME, _("must return (penalty, dW): a float and an array of W's shape."), on,
             _("(float, numpy array of shape {shape})").format(shape=W.shape), describe(got),
             "return float(penalty), dW.")
    return float(got[0]), got[1]


@given(case=weights())
def test_penalty_is_l1_abs_plus_l2_squares(student, case):
    """penalty = l1 * sum(|W|) + l2 * sum(W**2)."""
    W, l1, l2, on = case
    expected = l1 * np.abs(W).sum() + l2 * (W * W).sum()
    penalty, _dW = penalty_and_gradient(student, W, l1, l2, on)
    if abs(penalty - expected) > 1e-12 * max(1.0, abs(expected)):
        fail(NAME, _("the penalty must be l1 * sum(|W|) + l2 * sum(W**2)."), on, repr(expected), repr(penalty),
             _("absolute values for the L1 part, squares for the L2 part, no factor 1/2."))


@given(case=weights())
def test_gradient_matches_centred_differences(student, case):
    """Away from zero (|W| > 1e-3), dW agrees with centred differences (h = 1e-5) of the penalty."""
    W, l1, l2, on = case
    _penalty, dW = penalty_and_gradient(student, W, l1, l2, on)
    h, numeric = 1e-5, np.zeros_like(W)
    for index in np.ndindex(W.shape):
        plus, minus = W.copy(), W.copy()
        plus[index] += h
        minus[index] -= h
        numeric[index] = (penalty_and_gradient(student, plus, l1, l2, on)[0]
                          - penalty_and_gradient(student, minus, l1, l2, on)[0]) / (2 * h)
    if rel_error(dW, numeric) > 1e-6:
        fail(NAME, _("dW must be the gradient of the penalty."), on,
             _("relative error <= 1e-6 against centred differences"),
             _("relative error {error}").format(error=f"{rel_error(dW, numeric):.2e}"), "dW = l1 * sign(W) + 2 * l2 * W.")


def test_subgradient_at_zero_is_within_l1(student):
    """Where W is exactly 0, |W| has no derivative: dW there must lie in [-l1, l1] (sign(0) = 0 gives 0)."""
    W = np.array([[0.0, 1.5], [-2.0, 0.0]])
    on = "W = [[0, 1.5], [-2, 0]], l1=0.7, l2=0.3"
    _penalty, dW = penalty_and_gradient(student, W, 0.7, 0.3, on)
    at_zero = dW[W == 0]
    if not np.all(np.abs(at_zero) <= 0.7):
        fail(NAME, _("at W = 0 the L1 part's subgradient must lie in [-l1, l1]."), on, "dW[W == 0] in [-0.7, 0.7]",
             f"dW[W == 0] = {at_zero.tolist()}", _("np.sign(0) is 0; a division W / |W| gives nan at zero."))


@given(case=weights())
def test_w_is_not_modified(student, case):
    """elastic_net leaves W unchanged."""
    W, l1, l2, on = case
    before = W.copy()
    penalty_and_gradient(student, W, l1, l2, on)
    if not np.array_equal(W, before):
        fail(NAME, _("it modified W."), on, _("W unchanged"),
             _("{count} entries changed").format(count=int(np.sum(W != before))),
             _("compute new arrays (np.abs(W), np.sign(W)); no in-place operations on W."))
