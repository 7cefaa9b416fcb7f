"""Hidden properties of sgd_momentum: v = momentum·v − learning_rate·dw, next_w = w + v, the velocity kept in
the returned config, CS231n's defaults, and momentum = 0 is plain SGD."""

import numpy as np
import pytest
import rule_oracle as oracle
from hypothesis import given
from hypothesis import strategies as st
from rule_cases import cases
from rule_checks import call_rule, describe, fail, sentence
from rule_props import check_agrees, check_defaults, check_notebook, check_sequence

FN = "sgd_momentum"


def grade(points: float, hint: str):
    """The grade marker of an sgd_momentum test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


@grade(6, "v = momentum * v - learning_rate * dw, then next_w = w + v; keep the caller's hyperparameters "
          "(config.setdefault) and store the new v in config['velocity'].")
@given(case=cases(FN))
def test_momentum_step_follows_the_rule(student, base_seed, case):
    """Momentum: one step follows the rule for any shape, dtype, hyperparameters and velocity"""
    check_agrees(student, FN, case, base_seed)


@grade(3, "With config=None: learning_rate 1e-2, momentum 0.9 (config.setdefault) and a zero velocity "
          "(config.get('velocity', np.zeros_like(w))).")
@given(case=cases(FN, config_none=st.just(True)))
def test_momentum_defaults(student, base_seed, case):
    """Momentum: config=None uses CS231n's defaults (learning_rate 1e-2, momentum 0.9, zero velocity)"""
    check_defaults(student, FN, case, base_seed)


@grade(4, "Each call must return the new velocity in config: the next call continues from it.")
@given(case=cases(FN), steps=st.integers(5, 20))
def test_momentum_sequence_threads_the_velocity(student, base_seed, case, steps):
    """Momentum: 5 to 20 steps threading the returned config follow the rule at every step"""
    check_sequence(student, FN, case, steps, base_seed)


@grade(3, "Check the update against the CS231n notebook: v = momentum * v - learning_rate * dw, next_w = w + v.")
def test_momentum_notebook_check(student):
    """Momentum: the CS231n notebook check (relative error below 1e-7)"""
    check_notebook(student, FN)


@grade(2, "With momentum = 0 the velocity is just -learning_rate * dw: the update is plain SGD.")
@given(case=cases(FN, with_state=st.just(True)))
def test_momentum_zero_is_sgd(student, base_seed, case):
    """Momentum: with momentum = 0 the step is plain SGD, whatever the velocity was"""
    w, dw = case.arrays(base_seed)
    config = {**case.config(FN, base_seed), "momentum": 0.0, "learning_rate": 0.1}
    got_w, _ = call_rule(student, FN, w, dw, config)
    expected = oracle.f64(w) - 0.1 * oracle.f64(dw)
    tol = 64 * float(np.finfo(w.dtype).eps) * (np.abs(oracle.f64(w)) + np.abs(0.1 * oracle.f64(dw))) + 1e-300
    if not np.all(np.abs(got_w - expected) <= tol):
        k = np.unravel_index(int(np.argmax(np.abs(got_w - expected))), w.shape)
        fail("sgd_momentum with momentum = 0 must return w - learning_rate * dw.", describe(w, dw, config),
             sentence("{entry}: expected {expected}, got {got}", entry=f"next_w{[int(i) for i in k]}",
                      expected=repr(float(expected[k])), got=repr(float(got_w[k]))),
             "likely mistake: the old velocity is used without the momentum factor, or the step's sign is wrong")


@grade(2, "A velocity keeps moving w even where dw = 0: next_w = w + momentum * v.")
@given(case=cases(FN, with_state=st.just(True)))
def test_momentum_coasts_on_its_velocity(student, base_seed, case):
    """Momentum: with dw = 0 the weights still move by momentum · velocity"""
    w, _ = case.arrays(base_seed)
    config = case.config(FN, base_seed)
    dw = np.zeros_like(w)
    got_w, _ = call_rule(student, FN, w, dw, config)
    mu = config.get("momentum", 0.9)
    expected = oracle.f64(w) + mu * oracle.f64(config["velocity"])
    tol = 64 * float(np.finfo(w.dtype).eps) * (np.abs(oracle.f64(w)) + np.abs(expected - oracle.f64(w))) + 1e-300
    if not np.all(np.abs(got_w - expected) <= tol):
        k = np.unravel_index(int(np.argmax(np.abs(got_w - expected))), w.shape)
        mistake = ("velocity sign: next_w = w - v moves against the stored velocity"
                   if np.allclose(got_w, oracle.f64(w) - mu * oracle.f64(config["velocity"])) else "")
        fail("sgd_momentum with dw = 0 must return w + momentum * velocity.", describe(w, dw, config),
             sentence("{entry}: expected {expected}, got {got}", entry=f"next_w{[int(i) for i in k]}",
                      expected=repr(float(expected[k])), got=repr(float(got_w[k]))),
             f"likely mistake: {mistake}" if mistake else "")
