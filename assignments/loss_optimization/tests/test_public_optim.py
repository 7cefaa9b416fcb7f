"""Public tests of sgd_step (optim.py): the exact update, on a new array, inputs untouched."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit_checks import EPS, call, describe, fail

NAME = "sgd_step"
#: Every test here checks sgd_step (the score summary counts them for it).
pytestmark = pytest.mark.grade(function=NAME)


@st.composite
def steps(draw):
    """(W, dW, learning_rate, description): float64 arrays of one random shape (1 to 3 axes, sizes 1..5)."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rate = draw(st.one_of(st.just(0.0), st.floats(1e-6, 10.0)))
    W, dW = rng.normal(size=shape), rng.normal(size=shape)
    return W, dW, rate, f"W and dW of shape {shape}, learning_rate={rate:g}"


@given(step=steps())
def test_sgd_step_is_W_minus_rate_times_dW(student, step):
    """sgd_step returns W - learning_rate * dW: a numpy array of W's shape, equal up to rounding."""
    W, dW, rate, on = step
    expected = W - rate * dW
    tol = 2 * EPS * (np.abs(W) + np.abs(rate * dW))
    got = call(student, NAME, on, W, dW, rate)
    if not isinstance(got, np.ndarray) or got.shape != W.shape:
        fail(
            NAME,
            "must return a numpy array of W's shape.",
            on,
            f"numpy array of shape {W.shape}",
            describe(got),
            "return W - learning_rate * dW.",
        )
    if not np.all(np.abs(got - expected) <= tol):
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(got - expected) - tol)), W.shape))
        fail(
            NAME,
            "the update must be exactly W - learning_rate * dW.",
            on,
            f"next_W{list(index)} = {float(expected[index])!r}",
            f"next_W{list(index)} = {float(got[index])!r}",
            "the sign (step against the gradient) and the factor: learning_rate * dW, nothing else.",
        )


@given(step=steps())
def test_sgd_step_keeps_its_inputs(student, step):
    """sgd_step leaves W and dW unchanged."""
    W, dW, rate, on = step
    W_before, dW_before = W.copy(), dW.copy()
    call(student, NAME, on, W, dW, rate)
    for label, now, before in (("W", W, W_before), ("dW", dW, dW_before)):
        if not np.array_equal(now, before):
            fail(
                NAME,
                f"it modified its input {label}; W and dW must not change.",
                on,
                f"{label} unchanged",
                f"{label} changed in {int(np.sum(now != before))} entries",
                "in-place updates (`W -= ...`, `W += ...`): compute next_W = W - learning_rate * dW instead.",
            )


@given(step=steps())
def test_sgd_step_returns_a_new_array(student, step):
    """sgd_step returns a new array, not W or dW themselves or a view of them."""
    W, dW, rate, on = step
    got = call(student, NAME, on, W, dW, rate)
    if isinstance(got, np.ndarray) and (np.shares_memory(got, W) or np.shares_memory(got, dW)):
        fail(
            NAME,
            "it must return a new array, not W or dW themselves (or a view of them).",
            on,
            "a new array",
            "an array sharing memory with an input",
            "return W - learning_rate * dW, which allocates a new array.",
        )
