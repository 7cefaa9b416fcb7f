"""Hidden properties of rmsprop: cache = decay_rate·cache + (1 − decay_rate)·dw², next_w = w −
learning_rate·dw / (√cache + epsilon), the cache kept in the returned config, CS231n's defaults, and a
first step whose size does not depend on the scale of dw."""

import numpy as np
import pytest
import rule_oracle as oracle
from hypothesis import given
from hypothesis import strategies as st
from rule_cases import cases
from rule_checks import call_rule, describe, fail, sentence
from rule_props import check_agrees, check_defaults, check_notebook, check_scale_invariance, check_sequence

FN = "rmsprop"


def grade(points: float, hint: str):
    """The grade marker of an rmsprop test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


@grade(6, "cache = decay_rate * cache + (1 - decay_rate) * dw**2, then next_w = w - learning_rate * dw / "
          "(np.sqrt(cache) + epsilon) with the new cache; store it in config['cache'].")
@given(case=cases(FN))
def test_rmsprop_step_follows_the_rule(student, base_seed, case):
    """RMSProp: one step follows the rule for any shape, dtype, hyperparameters and cache"""
    check_agrees(student, FN, case, base_seed)


@grade(3, "With config=None: learning_rate 1e-2, decay_rate 0.99, epsilon 1e-8 and a zero cache, each set "
          "with config.setdefault.")
@given(case=cases(FN, config_none=st.just(True)))
def test_rmsprop_defaults(student, base_seed, case):
    """RMSProp: config=None uses CS231n's defaults (1e-2, 0.99, 1e-8, zero cache)"""
    check_defaults(student, FN, case, base_seed)


@grade(4, "Each call must return the new cache in config: the next call continues from it.")
@given(case=cases(FN), steps=st.integers(5, 20))
def test_rmsprop_sequence_threads_the_cache(student, base_seed, case, steps):
    """RMSProp: 5 to 20 steps threading the returned config follow the rule at every step"""
    check_sequence(student, FN, case, steps, base_seed)


@grade(3, "Check the update against the CS231n notebook: update the cache first, then divide by "
          "np.sqrt(cache) + epsilon.")
def test_rmsprop_notebook_check(student):
    """RMSProp: the CS231n notebook check (relative error below 1e-7)"""
    check_notebook(student, FN)


@grade(2, "The step divides dw by the root of the squared-gradient average: scaling dw leaves it unchanged.")
@given(case=cases(FN, with_state=st.just(False), scales=(0,)), factor=st.sampled_from((1e3, 1e-2, 37.0)))
def test_rmsprop_first_step_ignores_the_scale_of_dw(student, base_seed, case, factor):
    """RMSProp: from a zero cache, multiplying dw by a constant barely changes the first step"""
    check_scale_invariance(student, FN, case, factor, base_seed)


@grade(2, "epsilon is added after the square root: np.sqrt(cache) + epsilon; it matters where dw is tiny.")
@given(case=cases(FN, with_state=st.just(False), scales=(-6, -7, -8)))
def test_rmsprop_tiny_gradients(student, base_seed, case):
    """RMSProp: the first step from a zero cache is learning_rate·dw / (√(1−decay_rate)·|dw| + epsilon)"""
    w, dw = case.arrays(base_seed)
    config = dict(case.hyper)
    got_w, _ = call_rule(student, FN, w, dw, config)
    expected, _ = oracle.rmsprop(w, dw, config)
    scale = np.abs(oracle.f64(w)) + np.abs(expected - oracle.f64(w))
    tol = 64 * float(np.finfo(w.dtype).eps) * scale + 1e-300
    if np.all(np.abs(got_w - expected) <= tol):
        return
    wrong, _ = oracle.rmsprop(w, dw, config, eps_inside=True)
    k = np.unravel_index(int(np.argmax(np.abs(got_w - expected))), w.shape)
    fail("rmsprop: with tiny gradients epsilon must be added to the square root, not inside it.",
         describe(w, dw, config),
         sentence("{entry}: expected {expected}, got {got}", entry=f"next_w{[int(i) for i in k]}",
                  expected=repr(float(expected[k])), got=repr(float(got_w[k]))),
         "likely mistake: epsilon inside the square root: use sqrt(cache) + epsilon"
         if np.allclose(got_w, wrong, rtol=1e-6, atol=0) else "")
