"""Properties every update rule shares (momentum, RMSProp, Adam alike), written once; each test module
calls them with its rule's name under its own grade markers."""

from __future__ import annotations

import numpy as np
import rule_oracle as oracle
from rule_cases import Case, notebook_inputs
from rule_checks import call_rule, check_step, copy_config, describe, fail, likely_mistakes, sentence

#: CS231n's notebooks accept a relative error of "1e-7 or less".
NOTEBOOK_BOUND = 1e-7


def check_agrees(student, rule: str, case: Case, base_seed: int) -> None:
    """One step from the case's config (hyperparameters, maybe a state) equals the oracle's."""
    w, dw = case.arrays(base_seed)
    config = case.config(rule, base_seed)
    got_w, got_cfg = call_rule(student, rule, w, dw, config)
    check_step(rule, got_w, got_cfg, w, dw, config,
               sentence("{rule}: one step must follow the update rule (next_w and the state in the returned config).",
                        rule=rule))


def check_defaults(student, rule: str, case: Case, base_seed: int) -> None:
    """config=None: the returned config holds CS231n's defaults and a fresh state, and the step uses them."""
    w, dw = case.arrays(base_seed)
    try:
        got_w, got_cfg = call_rule(student, rule, w, dw, None)
    except Exception as exc:  # noqa: BLE001 - the student's error, reported as the missing defaults
        defaults = ", ".join(f"{k}={v!r}" for k, v in oracle.DEFAULTS[rule].items())
        fail(sentence("{rule}(w, dw, None) must work: with no config, use the defaults ({defaults}) and a zero state.",
                      rule=rule, defaults=defaults),
             describe(w, dw, None), sentence("it raised {kind}: {error}", kind=type(exc).__name__, error=str(exc)[:300]),
             "likely mistake: defaults missing: set each with config.setdefault(name, default)")
    for key, value in oracle.DEFAULTS[rule].items():
        if got_cfg.get(key) != value:
            fail(sentence("{rule}: with config=None the returned config must hold the default {key} = {value}.",
                          rule=rule, key=key, value=repr(value)),
                 describe(w, dw, None),
                 f"got {key} = {got_cfg[key]!r}" if key in got_cfg else sentence("got {key} = nothing", key=key),
                 "likely mistake: defaults missing or wrong: config.setdefault(name, CS231n's default)")
    check_step(rule, got_w, got_cfg, w, dw, None, sentence("{rule}: the first step from the defaults is wrong.",
                                                           rule=rule))


def check_sequence(student, rule: str, case: Case, steps: int, base_seed: int) -> None:
    """`steps` steps, each fed the next_w and config the previous one returned, follow the oracle's trajectory.

    The oracle threads its own float64 state; the allowance grows with the step number (rounding in the
    student's dtype accumulates), far below what a lost or stale state costs.
    """
    w, _ = case.arrays(base_seed)
    rng = np.random.default_rng([base_seed, case.seed, 2])
    config = case.config(rule, base_seed)
    ours_w, ours = w, config
    theirs_w, theirs = w, copy_config(config)
    for k in range(steps):
        dw = (rng.standard_normal(w.shape) * 10.0**case.scale).astype(w.dtype)
        got_w, got_cfg = call_rule(student, rule, theirs_w, dw, theirs)
        prop = sentence("{rule}: a sequence of {steps} steps, each given the w and config the previous step returned, "
                        "must follow the rule at every step; step {step} differs.", rule=rule, steps=steps, step=k + 1)
        check_step(rule, got_w, got_cfg, ours_w, dw, ours, prop,
                   sentence("{inputs}; dw drawn anew at each step", inputs=describe(w, dw, config)), steps=k + 1)
        ours_w, ours = oracle.RULES[rule](ours_w, dw, ours)
        theirs_w, theirs = got_w.astype(w.dtype), got_cfg


def check_notebook(student, rule: str) -> None:
    """The CS231n notebook's check: relative error below 1e-7 on next_w and every state array."""
    w, dw, config = notebook_inputs(rule)
    got_w, got_cfg = call_rule(student, rule, w, dw, config)
    expected_w, expected = oracle.RULES[rule](w, dw, config)
    errors = {"next_w": oracle.rel_error(got_w, expected_w)}
    for key in oracle.STATE[rule]:
        if key != "t":
            value = got_cfg.get(key)
            errors[key] = (oracle.rel_error(value, expected[key])
                           if isinstance(value, np.ndarray) and value.shape == w.shape else float("inf"))
    worst = max(errors, key=errors.get)
    if errors[worst] <= NOTEBOOK_BOUND:
        return
    why = likely_mistakes(rule, got_w, got_cfg, w, dw, config)
    shown = ", ".join(f"{k}: {v:.2e}" for k, v in errors.items())
    fail(sentence("{rule}: the CS231n notebook check needs relative errors of 1e-7 or less.", rule=rule),
         sentence("input: the notebook's w = linspace(-0.4, 0.6, 20).reshape(4, 5), dw = linspace(-0.6, 0.4, 20)"
                  ".reshape(4, 5) and config keys {keys}", keys=sorted(config)),
         sentence("relative errors: {errors}", errors=shown), ("likely mistake: " + "; or ".join(why)) if why else "")


def check_scale_invariance(student, rule: str, case: Case, factor: float, base_seed: int) -> None:
    """From a zero state, the first step barely changes when dw is multiplied by `factor` (|dw| >> epsilon)."""
    w, dw = case.arrays(base_seed)
    config = dict(case.hyper)
    got_w, got_cfg = call_rule(student, rule, w, dw, config)
    check_step(rule, got_w, got_cfg, w, dw, config, sentence("{rule}: the first step from a zero state is wrong.",
                                                             rule=rule))
    step_1 = got_w - w
    step_k = call_rule(student, rule, w, (dw * factor).astype(w.dtype), config)[0] - w
    # A correct step changes by terms in epsilon / (|dw|·min(factor, 1)) only (RMSProp's root carries √(1-decay)).
    state = oracle.full_state(rule, w, config)
    root = np.sqrt(1 - state["decay_rate"]) if rule == "rmsprop" else 1.0
    g = np.abs(oracle.f64(dw)) * root * min(factor, 1.0)
    with np.errstate(divide="ignore"):
        relative = 1e-6 + 4 * state["epsilon"] / g
    bound = relative * np.abs(step_1) + 64 * float(np.finfo(w.dtype).eps) * (np.abs(w) + np.abs(step_1)) + 1e-300
    if np.all(np.abs(step_k - step_1) <= bound):
        return
    k = np.unravel_index(int(np.argmax(np.abs(step_k - step_1))), w.shape)
    fail(sentence("{rule}: from a zero state the step size must not depend on the scale of dw (it divides by the "
                  "root of the squared-gradient average).", rule=rule),
         sentence("{inputs}, dw then multiplied by {factor}", inputs=describe(w, dw, config), factor=f"{factor:g}"),
         sentence("step at {index}: {step} with dw, {scaled} with {factor}·dw", index=[int(i) for i in k],
                  step=repr(float(step_1[k])), scaled=repr(float(step_k[k])), factor=f"{factor:g}"),
         "likely mistake: the squared gradient (dw**2) is not what the cache/v averages, or the step is "
         "not divided by its square root")
