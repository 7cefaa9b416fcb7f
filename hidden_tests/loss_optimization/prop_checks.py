"""Comparison helpers for the hidden suite: tolerances derived from a problem's scale, checks of what a
student's function returned, and assertion messages that teach (property, expected vs got, likely mistake).

Every helper raises AssertionError with a message meant for the student; none shows test source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.diagnosis import Mistake, likely_mistake, sentence, show_inputs

#: Mistakes that loss and gradient checks of every loss function diagnose (one id per slip, so the
#: feedback shows a 0.5·reg convention once however many properties it broke).
REG_HALF = Mistake("reg-half", "the regularization term is 0.5·reg·ΣW² (this course uses reg·ΣW²)")
REG_HALF_GRAD = Mistake("reg-half", "the regularization gradient is reg·W, the gradient of 0.5·reg·ΣW² "
                                    "(this course uses reg·ΣW², whose gradient is 2·reg·W)")
REG_MISSING = Mistake("reg-missing", "the regularization term reg·ΣW² is missing from the loss")
REG_MISSING_GRAD = Mistake("reg-missing", "the regularization gradient 2·reg·W is missing from dW")
NOT_MEAN = Mistake("not-mean", "the loss is a sum over the N examples, not a mean (divide by N)")
NOT_MEAN_GRAD = Mistake("not-mean", "dW is not divided by the number of examples N")


@dataclass(frozen=True)
class Tolerance:
    """Absolute tolerances for one problem: on the loss (a float) and on each entry of dW."""

    loss: float
    grad: float


def tolerance(W, X, reg, dtype) -> Tolerance:
    """Rounding allowance for a loss computed in `dtype` from W (D, C), X (N, D).

    Built from eps(dtype), the number of terms summed (N + D + C) and a bound on the score sizes
    a = max_i Σ_d |X[i, d]| · max |W|: a bound on what any correct summation order can lose, and far
    below what a real mistake (a wrong factor, a dropped term, float32 arithmetic on float64 data) costs.
    """
    eps = float(np.finfo(np.dtype(dtype)).eps)
    W64, X64 = np.asarray(W, dtype=np.float64), np.asarray(X, dtype=np.float64)
    n, _ = X64.shape
    d, c = W64.shape
    terms = n + d + c
    wmax = float(np.abs(W64).max(initial=0.0))
    xmax = float(np.abs(X64).max(initial=0.0))
    a = float(np.abs(X64).sum(axis=1).max(initial=0.0)) * wmax
    reg_term = reg * float(np.sum(W64 * W64))
    return Tolerance(
        loss=16 * eps * terms * (c * (a + 1.0) + reg_term) + 1e-300,
        grad=16 * eps * terms * (c * xmax * (a + 1.0) + 2 * reg * wmax) + 1e-300,
    )


def describe(W, X, y, reg) -> str:
    """One line naming the input's shapes and dtypes, for messages; the arrays themselves become the
    reproduction snippet of the feedback if this check fails (grader.diagnosis.show_inputs)."""
    show_inputs({"W": W, "X": X, "y": y, "reg": reg}, call="loss, dW = {function}(W, X, y, reg)")
    return (
        f"input: W {W.shape} {W.dtype}, X {X.shape} {X.dtype}, y {y.shape} {y.dtype}, reg = {reg!r} "
        f"(N = {X.shape[0]}, D = {W.shape[0]}, C = {W.shape[1]})"
    )


def fail(prop: str, *lines: str) -> None:
    """Raise the AssertionError a student reads: the property in words, then details."""
    raise AssertionError("\n".join([prop, *("  " + line for line in lines if line)]))


def loss_and_grad(out, W, fn: str) -> tuple[float, np.ndarray]:
    """Check a loss function's result is (loss, dW) with dW of W's shape; return them as float / float64.

    Lenient about scalar and float types (checked by its own test); strict about structure and shape.
    """
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        fail(
            sentence("{function} must return a tuple (loss, dW).", function=fn),
            (sentence("got: {kind} of length {length}", kind=type(out).__name__, length=len(out))
             if isinstance(out, (tuple, list)) else f"got: {type(out).__name__}"),
            "hint: end the function with `return loss, dW`.",
        )
    loss, dW = out
    if np.ndim(loss) != 0 or not np.isrealobj(loss):
        fail(sentence("{function}: the loss must be one real number.", function=fn),
             sentence("got: {kind} with shape {shape}", kind=type(loss).__name__, shape=np.shape(loss)),
             "hint: sum or average over the examples so the loss is a single float.")
    if not isinstance(dW, np.ndarray) or dW.shape != W.shape:
        fail(sentence("{function}: dW must be a numpy array with W's shape {shape}.", function=fn, shape=W.shape),
             sentence("got: {kind} with shape {shape}", kind=type(dW).__name__, shape=np.shape(dW)),
             "hint: start from dW = np.zeros_like(W) (or build it with X.T.dot(...)), shape (D, C).")
    return float(loss), dW.astype(np.float64)


def assert_loss_close(prop: str, got: float, expected: float, tol: float, context: str, mistakes=None) -> None:
    """Fail unless |got - expected| <= tol; the message names the property and a likely mistake."""
    if np.isfinite(got) and abs(got - expected) <= tol:
        return
    fail(
        prop,
        context,
        f"expected loss: {expected!r}",
        f"got:           {got!r}   (difference {got - expected:.3g}, allowed {tol:.2g})",
        likely_mistake(got, mistakes or {}, max(tol, 1e-9 * max(1.0, abs(expected)))),
    )


def assert_grad_close(prop: str, got: np.ndarray, accepted: list[np.ndarray], tol: float, context: str,
                      mistakes=None) -> None:
    """Fail unless dW matches one of the accepted gradients entrywise within tol; show the worst entry."""
    for expected in accepted:
        if np.all(np.isfinite(got)) and np.all(np.abs(got - expected) <= tol):
            return
    expected = min(accepted, key=lambda e: float(np.nanmax(np.abs(got - e), initial=0.0)))
    err = np.abs(got - expected)
    err = np.where(np.isnan(err), np.inf, err)
    d, c = np.unravel_index(int(np.argmax(err)), err.shape)
    bad_cols = sorted({int(j) for j in np.nonzero(err > tol)[1]})
    fail(
        prop,
        context,
        sentence("worst entry dW[{d}, {c}]: expected {expected}, got {got} (allowed error {allowed})", d=d, c=c,
                 expected=repr(float(expected[d, c])), got=repr(float(got[d, c])), allowed=f"{tol:.2g}"),
        (sentence("columns (classes) with a wrong gradient: {columns} (both accepted subgradients were tried: "
                  "this is not a hinge-kink choice)", columns=_columns(bad_cols)) if len(accepted) > 1
         else f"columns (classes) with a wrong gradient: {_columns(bad_cols)}"),
        likely_mistake(got, mistakes or {}, max(tol, 1e-9 * float(np.abs(expected).max(initial=1.0)))),
    )


def _columns(columns: list[int]) -> str:
    """The first 12 column numbers as a list literal, '...' after them when there are more."""
    return f"{columns[:12]}{' ...' if len(columns) > 12 else ''}"


def assert_regularization_split(W, X, y, reg, with_reg, without_reg) -> None:
    """Fail unless L(W, reg) - L(W, 0) = reg·ΣW² and dW(reg) - dW(0) = 2·reg·W.

    with_reg, without_reg: the (loss, dW) a student's function returned at reg and at 0, same W, X, y.
    A gradient check alone passes under the 0.5·reg convention too, so the split itself is tested.
    """
    (loss_r, dW_r), (loss_0, dW_0) = with_reg, without_reg
    tol = tolerance(W, X, reg, np.float64)
    r = reg * float(np.sum(W * W))
    context = describe(W, X, y, reg)
    assert_loss_close(sentence("Raising reg from 0 to {reg} must add exactly reg·ΣW² to the loss.", reg=reg),
                      loss_r - loss_0, r, 2 * tol.loss, context,
                      {REG_HALF: 0.5 * r, REG_MISSING: 0.0,
                       "the regularization uses ΣW instead of ΣW²": reg * float(np.sum(W))})
    assert_grad_close(sentence("Raising reg from 0 to {reg} must add exactly 2·reg·W to dW.", reg=reg),
                      dW_r - dW_0, [2 * reg * W], 2 * tol.grad, context,
                      {REG_HALF_GRAD: reg * W, REG_MISSING_GRAD: 0 * W})


def call_and_check_mutation(student, name: str, *args):
    """Call student.<name>(*args); return (result, indices of the arguments the call modified).

    Works for both bindings: a sandbox proxy reports the arguments modified inside its worker as
    `student.last_call_mutated`; in-process, the arguments are compared with copies kept here.
    """
    kept = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    result = getattr(student, name)(*args)
    mutated = set(getattr(student, "last_call_mutated", None) or ())
    for i, (before, after) in enumerate(zip(kept, args)):
        if isinstance(before, np.ndarray) and not (
            before.shape == np.shape(after) and np.array_equal(before, after, equal_nan=True)
        ):
            mutated.add(i)
    return result, tuple(sorted(mutated))
