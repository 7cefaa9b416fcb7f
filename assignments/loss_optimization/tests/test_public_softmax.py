"""Public tests of softmax_loss (softmax.py): properties any correct softmax loss has."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit_checks import (
    EPS,
    check_gradient,
    check_inputs_unchanged,
    check_regularization,
    check_return_types,
    run_loss,
)
from kit_failures import fail
from kit_i18n import _
from kit_problems import problems, regs, with_row_offsets

NAME = "softmax_loss"
#: Every test here checks softmax_loss (the score summary counts them for it).
pytestmark = pytest.mark.grade(function=NAME)
GRADIENT_HINT = (
    _("dW = X.T.dot(P - Y) / N + 2 * reg * W, with P the (N, C) softmax probabilities and Y the one-hot labels.")
)


@given(problem=problems(reg=regs()))
def test_returns_a_float_loss_and_a_gradient_of_W_shape(student, problem):
    """Return types: loss is a Python float, dW a float64 numpy array of W's shape."""
    check_return_types(
        student,
        NAME,
        problem,
        _("compute dW from float arrays (X, W and the probabilities), not from integer arrays."),
    )


@given(problem=problems(max_n=8, max_c=8))
def test_zero_weights_give_log_C(student, problem):
    """At W = 0 every class has probability 1/C, so the loss is log C (up to rounding)."""
    zero = problem.with_W(np.zeros_like(problem.W))
    loss, _dW = run_loss(student, NAME, zero, _(" (W all zeros)"))
    n, c = problem.X.shape[0], problem.W.shape[1]
    if not abs(loss - math.log(c)) <= 16 * EPS * math.log(c):
        if np.isclose(loss, n * math.log(c)) and n > 1:
            hint = _("this is the sum over the N examples: the loss is the mean, divide by N.")
        else:
            hint = (
                _("the loss of example i is -log(p_y[i]) with p = exp(s) / sum(exp(s)); average over examples.")
            )
        fail(
            NAME,
            _("at W = 0 the loss must be log C (every class has probability 1/C)."),
            zero.describe() + _(" (W all zeros)"),
            f"loss = log({c}) = {math.log(c)!r}",
            f"loss = {loss!r}",
            hint,
        )


@given(problem=problems(max_n=8, max_c=8, w_scale=1e-3))
def test_small_random_weights_give_about_log_C(student, problem):
    """With small random W every probability is close to 1/C, so the loss is close to log C."""
    loss, _dW = run_loss(student, NAME, problem, _(" (small W)"))
    c = problem.W.shape[1]
    # log(sum_j exp(s_j)) - s_y lies within 2 max|S| of log C.
    bound = 2 * float(np.abs(problem.scores()).max()) + 1e-12
    if not abs(loss - math.log(c)) <= bound:
        fail(
            NAME,
            _("with small random W the loss must be within {bound} of log C.").format(bound=f"{bound:.2g}"),
            problem.describe() + _(" (W ~ 0.001 * N(0, 1))"),
            f"loss = log({c}) = {math.log(c):.6f} +- {bound:.2g}",
            f"loss = {loss!r}",
            _("scores s = X.dot(W), loss_i = -log(exp(s_y[i]) / sum_j exp(s_j)), mean over i."),
        )


@given(problem=problems(reg=regs(0.0, 2.0)))
def test_gradient_matches_numerical_gradient(student, problem):
    """dW agrees with centred differences of the loss at every entry of W."""
    check_gradient(student, NAME, problem, GRADIENT_HINT)


@given(problem=problems(reg=regs(0.5, 10.0)))
def test_regularization_is_reg_times_sum_of_squares(student, problem):
    """The regularization term is reg * sum(W * W) and adds 2 * reg * W to the gradient."""
    check_regularization(student, NAME, problem)


@given(problem=problems(max_d=4), size=st.floats(800.0, 5000.0), seed=st.integers(0, 2**32 - 1))
def test_large_scores_do_not_overflow(student, problem, size, seed):
    """Adding the same large number to every score of a row changes nothing, and nothing overflows."""
    plain, offset = with_row_offsets(problem, size, seed)
    note = _(" (every score of row i moved by t_i * {size}, |t_i| in [0.8, 1])").format(size=f"{size:g}")
    with np.errstate(all="ignore"):
        loss, dW = run_loss(student, NAME, plain)
        big_loss, big_dW = run_loss(student, NAME, offset, note)
    # The offset scores carry rounding errors of about eps * |score| * D, which move loss and dW that much.
    tol = 64 * EPS * size * offset.X.shape[1] + 1e-12
    hint = (
        _("subtract each row's maximum score before np.exp: "
        "s - s.max(axis=1, keepdims=True) (softmax does not change when a row is shifted).")
    )
    if not (math.isfinite(big_loss) and abs(big_loss - loss) <= tol * (1 + abs(loss))):
        fail(
            NAME,
            _("softmax is not numerically stable: shifting every score of a row by the same large "
            "number must not change the loss, and must not overflow to inf or nan."),
            offset.describe() + note,
            _("loss = {loss} (as without the shift)").format(loss=repr(loss)),
            f"loss = {big_loss!r}",
            hint,
        )
    diff = np.abs(big_dW - dW)
    if not (np.all(np.isfinite(big_dW)) and np.all(diff <= tol * (1 + np.abs(dW)))):
        largest = float(np.max(diff, where=np.isfinite(diff), initial=0.0))
        fail(
            NAME,
            _("softmax is not numerically stable: shifting every score of a row by the same large "
            "number must not change dW, and must not overflow to inf or nan."),
            offset.describe() + note,
            _("the same dW as without the shift"),
            _("{count} inf/nan entries in dW, largest finite change {largest}").format(
                count=int(np.sum(~np.isfinite(big_dW))), largest=f"{largest:.3g}"
            ),
            hint,
        )


@given(problem=problems(reg=regs(0.1, 2.0)))
def test_inputs_are_not_modified(student, problem):
    """W, X and y are the same after the call as before."""
    check_inputs_unchanged(student, NAME, problem)
