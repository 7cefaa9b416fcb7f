"""Hidden properties of adam: moments m and v, the step count t incremented before use, full bias
correction, next_w = w − learning_rate·m̂ / (√v̂ + epsilon), the state kept in the returned config,
CS231n's defaults, a first step of about learning_rate·sign(dw) whatever the scale of dw."""

import numpy as np
import pytest
import rule_oracle as oracle
from hypothesis import given
from hypothesis import strategies as st
from rule_cases import cases
from rule_checks import call_rule, describe, fail, likely_mistakes, sentence
from rule_props import check_agrees, check_defaults, check_notebook, check_scale_invariance, check_sequence

FN = "adam"


def grade(points: float, hint: str):
    """The grade marker of an adam test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


@grade(7, "t += 1 first; m = beta1*m + (1-beta1)*dw; v = beta2*v + (1-beta2)*dw**2; m_hat = m/(1-beta1**t); "
          "v_hat = v/(1-beta2**t); next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon); store m, v, t.")
@given(case=cases(FN))
def test_adam_step_follows_the_rule(student, base_seed, case):
    """Adam: one step follows the rule for any shape, dtype, hyperparameters and state (t from 0 or later)"""
    check_agrees(student, FN, case, base_seed)


@grade(3, "With config=None: learning_rate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-8, zero m and v, t = 0, "
          "each set with config.setdefault.")
@given(case=cases(FN, config_none=st.just(True)))
def test_adam_defaults(student, base_seed, case):
    """Adam: config=None uses CS231n's defaults (1e-3, 0.9, 0.999, 1e-8, zero moments, t = 0)"""
    check_defaults(student, FN, case, base_seed)


@grade(5, "Each call must return the new m, v and t in config: the next call continues from them.")
@given(case=cases(FN), steps=st.integers(5, 20))
def test_adam_sequence_threads_the_state(student, base_seed, case, steps):
    """Adam: 5 to 20 steps threading the returned config (t starting at 0 or later) follow the rule"""
    check_sequence(student, FN, case, steps, base_seed)


@grade(3, "Check against the CS231n notebook (t = 5 given): increment t before the bias correction.")
def test_adam_notebook_check(student):
    """Adam: the CS231n notebook check (relative error below 1e-7)"""
    check_notebook(student, FN)


@grade(3, "From a zero state, bias correction makes the first step learning_rate * dw / (|dw| + epsilon): "
          "about learning_rate * sign(dw).")
@given(case=cases(FN, with_state=st.just(False), scales=(0, -2, 2)))
def test_adam_first_step_is_about_the_learning_rate(student, base_seed, case):
    """Adam: the first step from a zero state is about learning_rate·sign(dw) where |dw| ≫ epsilon"""
    w, dw = case.arrays(base_seed)
    config = dict(case.hyper)
    got_w, got_cfg = call_rule(student, FN, w, dw, config)
    lr = config.get("learning_rate", 1e-3)
    eps = config.get("epsilon", 1e-8)
    g = oracle.f64(dw)
    expected = oracle.f64(w) - lr * g / (np.abs(g) + eps)
    tol = 1e-6 * lr + 64 * float(np.finfo(w.dtype).eps) * (np.abs(oracle.f64(w)) + lr)
    if np.all(np.abs(got_w - expected) <= tol):
        return
    k = np.unravel_index(int(np.argmax(np.abs(got_w - expected))), w.shape)
    why = likely_mistakes(FN, got_w, got_cfg, w, dw, config)
    fail("adam: the first step from a zero state must be about learning_rate * sign(dw).", describe(w, dw, config),
         sentence("{entry}: expected {expected}, got {got}", entry=f"next_w{[int(i) for i in k]} - w",
                  expected=repr(float(expected[k] - w[k])), got=repr(float(got_w[k] - w[k]))), ("likely mistake: " + "; or ".join(why)) if why else "")


@grade(2, "Adam divides the first moment by the root of the second: scaling dw leaves the step unchanged.")
@given(case=cases(FN, with_state=st.just(False), scales=(0,)), factor=st.sampled_from((1e3, 1e-2, 37.0)))
def test_adam_first_step_ignores_the_scale_of_dw(student, base_seed, case, factor):
    """Adam: from a zero state, multiplying dw by a constant barely changes the first step"""
    check_scale_invariance(student, FN, case, factor, base_seed)


@grade(2, "epsilon is added after the square root: np.sqrt(v_hat) + epsilon; it matters where dw is tiny.")
@given(case=cases(FN, with_state=st.booleans(), scales=(-6, -7, -8)))
def test_adam_tiny_gradients(student, base_seed, case):
    """Adam: where dw is as small as epsilon, the step still follows the rule"""
    check_agrees(student, FN, case, base_seed)
