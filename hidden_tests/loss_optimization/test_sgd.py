"""Hidden properties of sgd_step: exactly W - learning_rate·dW, as a new array, for any shape and float dtype;
inputs untouched; a small enough step decreases a convex loss."""

from dataclasses import dataclass

import numpy as np
import prop_oracle as oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st
from prop_checks import call_and_check_mutation, fail, sentence
from prop_problems import build, problems

FN = "sgd_step"


def grade(points: float, hint: str):
    """The grade marker of an sgd_step test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


@dataclass(frozen=True)
class Step:
    """One sgd_step input described by W's shape, the learning rate, the dtype and the random draw."""

    shape: tuple
    learning_rate: float
    dtype: str = "float64"
    seed: int = 0

    def arrays(self, base_seed: int) -> tuple[np.ndarray, np.ndarray]:
        """W and dW of `shape` and `dtype`, standard normal."""
        rng = np.random.default_rng([base_seed, self.seed])
        W = rng.standard_normal(self.shape).astype(self.dtype)
        dW = rng.standard_normal(self.shape).astype(self.dtype)
        return W, dW


def steps(rates=(0.1, 1e-3, 1.0, 0.5, 3.0)) -> st.SearchStrategy[Step]:
    """Steps with W of 1 to 3 dimensions (sizes 1..8), float64 or float32, the given rates."""
    return st.builds(
        Step,
        shape=st.lists(st.integers(1, 8), min_size=1, max_size=3).map(tuple),
        learning_rate=st.sampled_from(rates),
        dtype=st.sampled_from(("float64", "float32")),
        seed=st.integers(0, 2**16),
    )


def checked_result(out, W) -> np.ndarray:
    """The new weights as float64, after checking they are a float array shaped like W."""
    if not isinstance(out, np.ndarray) or out.shape != W.shape:
        fail(sentence("{function} must return a numpy array shaped like W {shape}.", function=FN, shape=W.shape),
             sentence("got {kind} with shape {shape}", kind=type(out).__name__, shape=np.shape(out)),
             "hint: return W - learning_rate * dW (a new array).")
    if not np.issubdtype(out.dtype, np.floating) or out.dtype.itemsize < W.dtype.itemsize:
        fail(sentence("{function}: the new weights must be floats at least as precise as W ({dtype}).", function=FN,
                      dtype=W.dtype), sentence("got dtype {dtype}", dtype=out.dtype))
    return out.astype(np.float64)


@grade(5, "The update is next_W = W - learning_rate * dW: minus (downhill), times the rate, for any shape.")
@given(step=steps())
def test_sgd_step_is_the_update(student, base_seed, step):
    """SGD: returns exactly W - learning_rate·dW for any shape and float dtype"""
    W, dW = step.arrays(base_seed)
    lr = step.learning_rate
    got = checked_result(student.sgd_step(W, dW, lr), W)
    W64, dW64 = W.astype(np.float64), dW.astype(np.float64)
    expected = W64 - lr * dW64
    tol = 4 * float(np.finfo(W.dtype).eps) * (np.abs(W64) + np.abs(lr * dW64)) + 1e-300
    if np.all(np.abs(got - expected) <= tol):
        return
    mistakes = {"the step goes uphill: W + learning_rate * dW": W64 + lr * dW64,
                "the learning rate is ignored: W - dW": W64 - dW64,
                "W is missing: only -learning_rate * dW is returned": -lr * dW64}
    why = [m for m, value in mistakes.items() if np.allclose(got, value, rtol=1e-5, atol=1e-6)]
    k = np.unravel_index(int(np.argmax(np.abs(got - expected))), W.shape)
    fail("sgd_step must return W - learning_rate * dW.",
         sentence("input: W and dW of shape {shape}, {dtype}, learning_rate = {lr}", shape=W.shape, dtype=W.dtype,
                  lr=lr),
         sentence("at index {index}: W = {W}, dW = {dW}, expected {expected}, got {got}",
                  index=tuple(int(i) for i in k), W=repr(float(W64[k])), dW=repr(float(dW64[k])),
                  expected=repr(float(expected[k])), got=repr(float(got[k]))),
         ("likely mistake: " + "; or ".join(why)) if why else "")


@pytest.mark.usefixtures("does_real_work")
@grade(4, "Return a new array (next_W = W - learning_rate * dW); `W -= ...` or `dW *= ...` change the "
          "caller's arrays.")
@given(step=steps())
def test_sgd_step_does_not_modify_inputs(student, base_seed, step):
    """SGD: W and dW are left unchanged (the update is returned as a new array)"""
    W, dW = step.arrays(base_seed)
    out, mutated = call_and_check_mutation(student, FN, W, dW, step.learning_rate)
    if mutated:
        names = ", ".join(("W", "dW", "learning_rate")[i] for i in mutated if i < 3)
        fail(sentence("{function} modified its input {names}: it must return the new weights and leave W and dW as "
                      "they were.", function=FN, names=names),
             sentence("input: W and dW of shape {shape}, {dtype}, learning_rate = {lr}", shape=W.shape,
                      dtype=W.dtype, lr=step.learning_rate))
    checked_result(out, W)


@pytest.mark.usefixtures("does_real_work")
@grade(2, "With learning_rate = 0 nothing moves: the rate must multiply dW.")
@given(step=steps(rates=(0.0,)))
def test_sgd_step_zero_rate_keeps_weights(student, base_seed, step):
    """SGD: with learning_rate = 0 the weights come back unchanged, same shape and dtype"""
    W, dW = step.arrays(base_seed)
    got = checked_result(student.sgd_step(W, dW, 0.0), W)
    if not np.array_equal(got, W.astype(np.float64)):
        k = np.unravel_index(int(np.argmax(np.abs(got - W))), W.shape)
        fail("With learning_rate = 0, sgd_step must return W unchanged.",
             sentence("input: W and dW of shape {shape}, {dtype}", shape=W.shape, dtype=W.dtype),
             sentence("at index {index}: W = {W}, got {got}", index=tuple(int(i) for i in k), W=repr(float(W[k])),
                      got=repr(float(got[k]))),
             "likely mistake: the learning rate is ignored (W - dW)" if np.allclose(got, W - dW) else "")


@grade(4, "A gradient points uphill: step against it (W - learning_rate * dW) so the loss goes down.")
@given(problem=problems(n=(1, 32), d=(1, 16), regs=(0.0, 0.5)))
def test_sgd_step_decreases_convex_loss(student, base_seed, problem):
    """SGD: one small step decreases the (convex) softmax loss"""
    inputs = build(problem, base_seed)
    W, X, y, reg = inputs.args()
    loss = oracle.softmax_loss(W, X, y, reg)
    dW = oracle.softmax_gradient(W, X, y, reg)
    # The softmax loss is smooth: its curvature is at most max_i |X[i]|² / 2 + 2·reg, so this rate
    # guarantees L(W - lr·dW) <= L(W) - lr/2·|dW|².
    lr = 1.0 / (float((X * X).sum(axis=1).max()) + 2 * reg + 1e-12)
    new_W = checked_result(student.sgd_step(W, dW, lr), W)
    new_loss = oracle.softmax_loss(new_W, X, y, reg)
    required = loss - 0.25 * lr * float(np.sum(dW * dW))
    if not new_loss <= required + 1e-12 * max(1.0, abs(loss)):
        fail("One gradient step with a small learning rate must decrease a smooth convex loss.",
             sentence("softmax loss on N = {N}, D = {D}, C = {C}, learning_rate = {lr}", N=problem.N, D=problem.D,
                      C=problem.C, lr=f"{lr:.3g}"),
             sentence("loss before: {before}; after your step: {after} (should be at most {required})",
                      before=repr(loss), after=repr(new_loss), required=repr(required)))
