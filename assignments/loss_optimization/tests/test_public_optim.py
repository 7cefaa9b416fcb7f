"""Public tests of sgd_step (optim.py): the exact update, on a new array, inputs untouched."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit_checks import EPS
from kit_failures import call, describe, fail
from kit_i18n import _

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
    return W, dW, rate, _("W and dW of shape {shape}, learning_rate={rate}").format(shape=shape, rate=f"{rate:g}")


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
            _("must return a numpy array of W's shape."),
            on,
            _("numpy array of shape {shape}").format(shape=W.shape),
            describe(got),
            _("return W - learning_rate * dW."),
        )
    if not np.all(np.abs(got - expected) <= tol):
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(got - expected) - tol)), W.shape))
        fail(
            NAME,
            _("the update must be exactly W - learning_rate * dW."),
            on,
            f"next_W{list(index)} = {float(expected[index])!r}",
            f"next_W{list(index)} = {float(got[index])!r}",
            _("the sign (step against the gradient) and the factor: learning_rate * dW, nothing else."),
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
                _("it modified its input {label}; W and dW must not change.").format(label=label),
                on,
                _("{label} unchanged").format(label=label),
                _("{label} changed in {count} entries").format(label=label, count=int(np.sum(now != before))),
                _("in-place updates (`W -= ...`, `W += ...`): compute next_W = W - learning_rate * dW instead."),
            )


@given(step=steps())
def test_sgd_step_returns_a_new_array(student, step):
    """sgd_step returns a new array, not W or dW themselves or a view of them."""
    W, dW, rate, on = step
    got = call(student, NAME, on, W, dW, rate)
    if isinstance(got, np.ndarray) and (np.shares_memory(got, W) or np.shares_memory(got, dW)):
        fail(
            NAME,
            _("it must return a new array, not W or dW themselves (or a view of them)."),
            on,
            _("a new array"),
            _("an array sharing memory with an input"),
            _("return W - learning_rate * dW, which allocates a new array."),
        )
