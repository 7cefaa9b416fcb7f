"""Checks of an update rule's answer: what it returned (next_w, config), compared with the float64 oracle
entry by entry, with a message that names the property, the input, expected vs got and the likely mistake.

Every helper raises AssertionError with a message meant for the student; none shows test source.
"""

from __future__ import annotations

import numpy as np
import rule_oracle as oracle

from grader.diagnosis import sentence

#: Allowed rounding per step, in units of the dtype's epsilon, relative to the size of the terms summed.
ULPS = 64


def fail(prop: str, *lines: str) -> None:
    """Raise the AssertionError a student reads: the property in words, then details."""
    raise AssertionError("\n".join([prop, *("  " + line for line in lines if line)]))


def copy_config(config: dict | None) -> dict | None:
    """A deep-enough copy of a config (its arrays copied), so the student's call cannot change ours."""
    if config is None:
        return None
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in config.items()}


def describe(w, dw, config) -> str:
    """One line naming the input: shapes, dtype and the config's keys and scalar values."""
    if config is None:
        shown = "None"
    else:
        shown = "{" + ", ".join(
            sentence("{key}: array {shape}", key=repr(k), shape=v.shape) if isinstance(v, np.ndarray) else f"{k!r}: {v!r}" for k, v in config.items()
        ) + "}"
    return sentence("input: w and dw of shape {shape}, {dtype}, config = {config}", shape=w.shape, dtype=w.dtype,
                    config=shown)


def call_rule(student, rule: str, w, dw, config) -> tuple[np.ndarray, dict]:
    """The student's (next_w as float64, config) for copies of the inputs, after checking the structure."""
    out = getattr(student, rule)(w.copy(), dw.copy(), copy_config(config))
    context = describe(w, dw, config)
    if not isinstance(out, tuple) or len(out) != 2:
        fail(sentence("{rule} must return a tuple (next_w, config).", rule=rule), context,
             sentence("got {kind}", kind=type(out).__name__))
    next_w, cfg = out
    if not isinstance(next_w, np.ndarray) or next_w.shape != w.shape:
        fail(sentence("{rule}: next_w must be a numpy array shaped like w {shape}.", rule=rule, shape=w.shape), context,
             sentence("got {kind} with shape {shape}", kind=type(next_w).__name__, shape=np.shape(next_w)))
    if not np.issubdtype(next_w.dtype, np.floating):
        fail(sentence("{rule}: next_w must be a float array.", rule=rule), context,
             sentence("got dtype {dtype}", dtype=next_w.dtype))
    if not isinstance(cfg, dict):
        fail(sentence("{rule} must return the config dict as its second value (it carries the state to the next "
                      "step).", rule=rule), context, sentence("got {kind}", kind=type(cfg).__name__),
             "hint: create it when None (if config is None: config = {}), fill it, and return it.")
    return next_w.astype(np.float64), cfg


def tolerance(dtype, scale, steps: int = 1) -> np.ndarray:
    """Allowed absolute error per entry: ULPS·eps(dtype)·steps, relative to `scale`, plus a tiny floor."""
    return ULPS * steps * float(np.finfo(np.dtype(dtype)).eps) * scale + 1e-300


def differences(rule: str, got_w, got_cfg, w, dw, config, dtype, steps: int = 1) -> str:
    """"" when (got_w, got_cfg) is the oracle's step from (w, dw, config); else what differs first."""
    expected_w, expected = oracle.RULES[rule](w, dw, config)
    before = oracle.full_state(rule, w, config)
    g = oracle.f64(dw)
    scale_w = np.abs(oracle.f64(w)) + np.abs(expected_w - oracle.f64(w))
    problem = _array_difference("next_w", got_w, expected_w, tolerance(dtype, scale_w, steps))
    if problem:
        return problem
    for key in oracle.STATE[rule]:
        if key not in got_cfg:
            return sentence("the returned config has no {key} (the state the next step needs)", key=repr(key))
        if key == "t":
            if not isinstance(got_cfg["t"], (int, float, np.integer, np.floating)) or got_cfg["t"] != expected["t"]:
                return sentence("{entry}: expected {expected}, got {got}", entry="config['t']",
                                expected=repr(expected["t"]), got=repr(got_cfg["t"]))
            continue
        value = got_cfg[key]
        if not isinstance(value, np.ndarray) or value.shape != w.shape:
            return sentence("{entry} must be an array shaped like w {shape}, got {kind} {got}", entry=f"config[{key!r}]",
                            shape=w.shape, kind=type(value).__name__, got=np.shape(value))
        scale = np.abs(expected[key]) + np.abs(before[key]) + np.abs(g) + g * g
        problem = _array_difference(f"config[{key!r}]", value.astype(np.float64), expected[key],
                                    tolerance(dtype, scale, steps))
        if problem:
            return problem
    for key, value in oracle.DEFAULTS[rule].items():
        want = before[key]
        if key not in got_cfg or got_cfg[key] != want:
            return sentence("{entry}: expected {expected}, got {got}", entry=f"config[{key!r}]", expected=repr(want),
                            got=repr(got_cfg[key]) if key in got_cfg else sentence("nothing"))
    return ""


def _array_difference(label: str, got, expected, tol) -> str:
    """"" when got matches expected within tol entry by entry; else the worst entry, expected vs got."""
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(got - expected) <= tol)
    if not bad.any():
        return ""
    excess = np.where(bad, np.nan_to_num(np.abs(got - expected), nan=np.inf), -1.0)
    k = np.unravel_index(int(np.argmax(excess)), np.shape(expected))
    index = tuple(int(i) for i in k)
    return sentence("{entry}: expected {expected}, got {got}", entry=f"{label}{list(index)}",
                    expected=repr(float(expected[k])), got=repr(float(got[k])))


def likely_mistakes(rule: str, got_w, got_cfg, w, dw, config) -> list[str]:
    """The known mistakes whose result matches the student's answer."""
    found = []
    for mistake, kwargs in oracle.MISTAKES[rule].items():
        wrong_w, wrong = oracle.RULES[rule](w, dw, config, **kwargs)
        scale = np.abs(oracle.f64(w)) + np.abs(wrong_w - oracle.f64(w))
        if not np.all(np.isfinite(wrong_w)) and not np.array_equal(np.isfinite(wrong_w), np.isfinite(got_w)):
            continue
        with np.errstate(invalid="ignore"):
            same_w = np.all((np.abs(got_w - wrong_w) <= 1e-6 * scale + 1e-300) | (~np.isfinite(wrong_w) & ~np.isfinite(got_w)))
        if not same_w:
            continue
        same_state = True
        for key in oracle.STATE[rule]:
            if key == "t":
                same_state &= got_cfg.get("t") == wrong["t"]
            elif isinstance(got_cfg.get(key), np.ndarray) and got_cfg[key].shape == w.shape:
                same_state &= bool(np.allclose(got_cfg[key], wrong[key], rtol=1e-6, atol=1e-300))
            else:
                same_state = False
        if same_state:
            found.append(mistake)
    return found


def check_step(rule: str, got_w, got_cfg, w, dw, config, prop: str, context: str = "", steps: int = 1) -> None:
    """Fail with `prop` unless the answer is the oracle's step; name the likely mistake when one matches.

    The allowance is for arithmetic in dw's dtype (w may be the oracle's float64 trajectory).
    """
    problem = differences(rule, got_w, got_cfg, w, dw, config, dw.dtype, steps)
    if not problem:
        return
    why = likely_mistakes(rule, got_w, got_cfg, w, dw, config)
    fail(prop, context or describe(w, dw, config), problem,
         ("likely mistake: " + "; or ".join(why)) if why else "")
