"""Properties every loss function shares (SVM and softmax alike): what it returns, that it leaves its
inputs alone, and that the loss is a mean over examples. Each test module passes its function's name."""

from __future__ import annotations

import numpy as np
from prop_checks import (
    NOT_MEAN,
    assert_grad_close,
    assert_loss_close,
    call_and_check_mutation,
    describe,
    fail,
    loss_and_grad,
    sentence,
    tolerance,
)
from prop_problems import Inputs


def run_loss(student, fn: str, inputs: Inputs) -> tuple[float, np.ndarray]:
    """The student's (loss, dW) from function `fn` on inputs, as (float, float64 array)."""
    return loss_and_grad(getattr(student, fn)(*inputs.args()), inputs.W, fn)


def check_return_types(student, fn: str, inputs: Inputs, dW_hint: str) -> None:
    """Fail unless fn returns a tuple (float loss, floating dW shaped like W, at least as precise as W)."""
    out = getattr(student, fn)(*inputs.args())
    loss_and_grad(out, inputs.W, fn)
    loss_value, dW = out
    if not isinstance(out, tuple):
        fail(sentence("{function} must return a tuple (loss, dW).", function=fn),
             sentence("got a {kind}", kind=type(out).__name__))
    if not isinstance(loss_value, (float, np.floating)):
        fail(sentence("{function}: the loss must be a float.", function=fn),
             sentence("got {kind}: {value}", kind=type(loss_value).__name__, value=repr(loss_value)),
             "hint: an array with one element is not a float; use float(...) or .sum().")
    if not np.issubdtype(dW.dtype, np.floating) or dW.dtype.itemsize < inputs.W.dtype.itemsize:
        fail(sentence("{function}: dW must be a floating-point array at least as precise as W ({dtype}).",
                      function=fn, dtype=inputs.W.dtype),
             sentence("got dtype {dtype}", dtype=dW.dtype), f"hint: {dW_hint}")


def check_inputs_not_modified(student, fn: str, inputs: Inputs) -> None:
    """Fail if fn modifies W, X or y, or if a second identical call gives another result."""
    first, mutated = call_and_check_mutation(student, fn, *inputs.args())
    if mutated:
        names = ", ".join("WXy"[i] for i in mutated if i < 3)
        fail(sentence("{function} modified its input {names}: callers (a gradient check, a training loop) reuse "
                      "these arrays.", function=fn, names=names),
             describe(*inputs.args()))
    loss1, dW1 = loss_and_grad(first, inputs.W, fn)
    loss2, dW2 = run_loss(student, fn, inputs)
    tol = tolerance(inputs.W, inputs.X, inputs.reg, inputs.W.dtype)
    assert_loss_close(sentence("{function} must depend only on its inputs: a second identical call must give the "
                               "same loss.", function=fn),
                      loss2, loss1, tol.loss, describe(*inputs.args()))
    assert_grad_close(sentence("{function} must depend only on its inputs: a second identical call must give the "
                               "same dW.", function=fn),
                      dW2, [dW1], tol.grad, describe(*inputs.args()))


def check_mean_over_examples(student, fn: str, inputs: Inputs, order: np.ndarray, copies: int) -> None:
    """Fail unless the batch shuffled by `order`, or repeated `copies` times, gives the same loss and dW."""
    W, X, y, reg = inputs.args()
    loss, dW = run_loss(student, fn, inputs)
    tol = tolerance(W, np.vstack([X] * copies), reg, np.float64)
    context = describe(*inputs.args())
    for label, Xs, ys in ((sentence("shuffled"), X[order], y[order]),
                          (sentence("repeated {copies} times", copies=copies), np.vstack([X] * copies), np.concatenate([y] * copies))):
        other_loss, other_dW = run_loss(student, fn, Inputs(W, Xs, ys, reg))
        assert_loss_close(sentence("The loss is a mean over examples: the batch {how} must give the same loss.",
                                   how=label),
                          other_loss, loss, 2 * tol.loss, context,
                          {NOT_MEAN: copies * loss})
        assert_grad_close(sentence("dW is a mean over examples: the batch {how} must give the same dW.", how=label),
                          other_dW, [dW], 2 * tol.grad, context)
