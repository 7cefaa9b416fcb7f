"""Public tests of svm_loss_naive and svm_loss_vectorized (linear_svm.py): properties of any correct SVM."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from kit_checks import (
    check_gradient,
    check_inputs_unchanged,
    check_regularization,
    check_return_types,
    run_loss,
)
from kit_failures import fail
from kit_i18n import _
from kit_problems import hinge_gap, problems, regs, separable

SVM_FUNCTIONS = ["svm_loss_naive", "svm_loss_vectorized"]
GRADIENT_HINT = (
    _("for each example i and each class j != y[i] with a positive margin, add X[i] to column j of dW and "
    "subtract it from column y[i]; then divide by N and add 2 * reg * W.")
)


#: Each SVM test runs once for each of the two functions, and declares which one it checks (grade marker).
for_both_svms = pytest.mark.parametrize(
    "svm", [pytest.param(name, marks=pytest.mark.grade(function=name)) for name in SVM_FUNCTIONS])


@for_both_svms
@given(problem=problems(reg=regs()))
def test_returns_a_float_loss_and_a_gradient_of_W_shape(student, svm, problem):
    """Return types: loss is a Python float, dW a float64 numpy array of W's shape."""
    check_return_types(
        student, svm, problem, _("start dW from np.zeros(W.shape) or np.zeros_like(W), not from an integer array.")
    )


@for_both_svms
@given(problem=problems(max_n=8, max_c=8))
def test_zero_weights_give_exactly_C_minus_1(student, svm, problem):
    """At W = 0 every margin is 0 - 0 + 1 = 1, so the loss is exactly C - 1."""
    zero = problem.with_W(np.zeros_like(problem.W))
    loss, _dW = run_loss(student, svm, zero, _(" (W all zeros)"))
    n, c = problem.X.shape[0], problem.W.shape[1]
    if not abs(loss - (c - 1)) <= 1e-12 * c:
        if np.isclose(loss, n * (c - 1)) and n > 1:
            hint = _("this is the sum over the N examples: the loss is the mean, divide by N.")
        elif np.isclose(loss, c):
            hint = _("the correct class j == y[i] is counted in the sum: skip it (its margin is always 1).")
        else:
            hint = _("margins s_j - s_y[i] + 1 with delta = 1, summed over j != y[i], averaged over examples.")
        fail(
            svm,
            _("at W = 0 the loss must be exactly C - 1 (each of the C - 1 wrong classes has margin 1)."),
            zero.describe() + _(" (W all zeros)"),
            f"loss = {c - 1}",
            f"loss = {loss!r}",
            hint,
        )


@for_both_svms
@given(problem=problems(max_n=8, max_c=8, w_scale=1e-3))
def test_small_random_weights_give_about_C_minus_1(student, svm, problem):
    """With small random W every margin is close to 1, so the loss is close to C - 1."""
    loss, _dW = run_loss(student, svm, problem, _(" (small W)"))
    c = problem.W.shape[1]
    # Each margin is 1 + s_j - s_y with |s_j - s_y| <= 2 max|S|,
    # so the loss is within (C - 1) * 2 max|S| of C - 1.
    bound = (c - 1) * 2 * float(np.abs(problem.scores()).max()) + 1e-12
    if not abs(loss - (c - 1)) <= bound:
        fail(
            svm,
            _("with small random W the loss must be within {bound} of C - 1.").format(bound=f"{bound:.2g}"),
            problem.describe() + _(" (W ~ 0.001 * N(0, 1))"),
            f"loss = {c - 1} +- {bound:.2g}",
            f"loss = {loss!r}",
            _("scores s = X[i].dot(W) for example i, margins s_j - s_y[i] + 1 for j != y[i], "
            "mean over examples."),
        )


@for_both_svms
@given(problem=problems(reg=regs(0.0, 2.0)))
def test_gradient_matches_numerical_gradient(student, svm, problem):
    """dW agrees with centred differences of the loss at every entry of W (away from hinge kinks)."""
    h = 1e-5
    # A step of h in one entry of W moves any margin by at most h * max|X|: stay well clear of the kink at 0.
    assume(hinge_gap(problem) > 10 * h * float(np.abs(problem.X).max()))
    check_gradient(student, svm, problem, GRADIENT_HINT)


@for_both_svms
@given(problem=problems(reg=regs(0.5, 10.0)))
def test_regularization_is_reg_times_sum_of_squares(student, svm, problem):
    """The regularization term is reg * sum(W * W) and adds 2 * reg * W to the gradient."""
    check_regularization(student, svm, problem)


@for_both_svms
@given(problem=problems(max_n=8, max_c=6), alpha=st.floats(1.0, 1000.0))
def test_zero_loss_stays_zero_when_W_is_scaled_up(student, svm, problem, alpha):
    """If every correct score beats the others by > 1, the loss is 0 at W and at alpha * W, alpha >= 1."""
    zero = separable(problem)
    for factor, label in ((1.0, "W"), (alpha, f"{alpha:g} * W")):
        scaled = zero.with_W(factor * zero.W)
        note = _(" (every correct score beats the others by >= {margin}; W scaled by {factor})").format(
            margin=f"{1.5 * factor:g}", factor=f"{factor:g}"
        )
        loss, dW = run_loss(student, svm, scaled, note)
        if not (abs(loss) <= 1e-12 and np.all(np.abs(dW) <= 1e-12)):
            fail(
                svm,
                _(
                    "the loss and dW must be 0 at {label}: every margin s_j - s_y + 1 is negative, "
                    "and scaling W by alpha >= 1 only makes them more negative."
                ).format(label=label),
                scaled.describe() + note,
                _("loss = 0 and dW = 0"),
                f"loss = {loss!r}, max |dW| = {float(np.abs(dW).max()):.3g}",
                _("max(0, margin): only positive margins count, in the loss and in dW."),
            )


@for_both_svms
@given(problem=problems(reg=regs(0.1, 2.0)))
def test_inputs_are_not_modified(student, svm, problem):
    """W, X and y are the same after the call as before."""
    check_inputs_unchanged(student, svm, problem)


@pytest.mark.grade(function="svm_loss_vectorized")
@given(problem=problems(max_n=10, max_d=8, max_c=8, reg=regs(0.0, 2.0)))
def test_naive_and_vectorized_agree(student, problem):
    """svm_loss_vectorized returns the same loss and dW as svm_loss_naive."""
    naive_loss, naive_dW = run_loss(student, "svm_loss_naive", problem)
    vec_loss, vec_dW = run_loss(student, "svm_loss_vectorized", problem)
    both = _("svm_loss_naive and svm_loss_vectorized")
    if not abs(naive_loss - vec_loss) <= 1e-10 * (1 + abs(naive_loss)):
        fail(
            both,
            _("the two must return the same loss on the same input."),
            problem.describe(),
            f"loss = {naive_loss!r} (svm_loss_naive)",
            f"loss = {vec_loss!r} (svm_loss_vectorized)",
            _("the other SVM tests say which one is wrong; else compare the two step by step on a tiny "
            "input (N=2, C=3): margins, the correct class, the mean, the regularization."),
        )
    scale = 1e-10 * (1 + float(np.abs(naive_dW).max()))
    if not np.all(np.abs(naive_dW - vec_dW) <= scale):
        d, c = (int(i) for i in np.unravel_index(int(np.argmax(np.abs(naive_dW - vec_dW))), naive_dW.shape))
        fail(
            both,
            _("the two must return the same dW on the same input."),
            problem.describe(),
            f"dW[{d}, {c}] = {float(naive_dW[d, c])!r} (svm_loss_naive)",
            f"dW[{d}, {c}] = {float(vec_dW[d, c])!r} (svm_loss_vectorized)",
            _("the gradient-check tests say which one is wrong. Vectorized: build an (N, C) matrix, 1 where a "
            "margin is positive and minus the row's count at the correct class; "
            "dW = X.T.dot(it) / N + 2 * reg * W."),
        )
