"""The update rules' mathematics in float64, written independently of the reference, and the mistaken
versions students write, so a wrong answer can be named ("likely mistake: ...").

A state is a dict like CS231n's config: hyperparameters plus the rule's arrays (velocity; cache; m, v, t).
Every function returns (next_w, new_state) and leaves its inputs alone.
"""

from __future__ import annotations

import numpy as np

#: CS231n's defaults per rule, and the state each rule keeps between steps.
DEFAULTS = {
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE = {"sgd_momentum": ("velocity",), "rmsprop": ("cache",), "adam": ("m", "v", "t")}


def f64(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def full_state(rule: str, w, config: dict | None) -> dict:
    """config with the defaults filled in and a zero state where none is given (float64 arrays)."""
    state = {**DEFAULTS[rule], **(config or {})}
    for key in STATE[rule]:
        state[key] = state.get("t", 0) if key == "t" else f64(state.get(key, np.zeros_like(f64(w))))
    return state


def momentum(w, dw, config, *, sign=1.0, lr_on_dw=True, store=True):
    """v = μ·v − lr·dw; w + v. sign=-1: the v = μ·v + lr·dw, w − v convention mixed with a given velocity."""
    s = full_state("sgd_momentum", w, config)
    step = s["learning_rate"] * f64(dw) if lr_on_dw else f64(dw)
    if sign > 0:
        v = s["momentum"] * s["velocity"] - step
        nxt = f64(w) + v
    else:
        v = s["momentum"] * s["velocity"] + step
        nxt = f64(w) - v
    return nxt, {**s, "velocity": v if store else s["velocity"]}


def rmsprop(w, dw, config, *, eps_inside=False, no_decay_on_new=False, old_cache=False, store=True):
    """cache = d·cache + (1 − d)·dw²; w − lr·dw / (√cache + ε), and its mistaken versions."""
    s = full_state("rmsprop", w, config)
    g = f64(dw)
    d = s["decay_rate"]
    cache = d * s["cache"] + (1.0 if no_decay_on_new else 1 - d) * g * g
    used = s["cache"] if old_cache else cache
    denom = np.sqrt(used + s["epsilon"]) if eps_inside else np.sqrt(used) + s["epsilon"]
    with np.errstate(divide="ignore", invalid="ignore"):
        nxt = f64(w) - s["learning_rate"] * g / denom
    return nxt, {**s, "cache": cache if store else s["cache"]}


def adam(w, dw, config, *, t_after=False, no_bias_correction=False, m_only=False, eps_inside=False, store=True):
    """Adam with t incremented before use and full bias correction, and its mistaken versions."""
    s = full_state("adam", w, config)
    g = f64(dw)
    b1, b2 = s["beta1"], s["beta2"]
    t = s["t"] + 1
    m = b1 * s["m"] + (1 - b1) * g
    v = b2 * s["v"] + (1 - b2) * g * g
    tc = t - 1 if t_after else t
    with np.errstate(divide="ignore", invalid="ignore"):
        m_hat = m if no_bias_correction else m / (1 - b1**tc)
        v_hat = v if no_bias_correction or m_only else v / (1 - b2**tc)
        denom = np.sqrt(v_hat + s["epsilon"]) if eps_inside else np.sqrt(v_hat) + s["epsilon"]
        nxt = f64(w) - s["learning_rate"] * m_hat / denom
    new = {**s, "m": m, "v": v, "t": t} if store else s
    return nxt, new


RULES = {"sgd_momentum": momentum, "rmsprop": rmsprop, "adam": adam}

#: Per rule: the mistakes a wrong answer is compared with, as oracle keyword arguments.
MISTAKES = {
    "sgd_momentum": {
        "velocity sign: v = momentum * v + learning_rate * dw with next_w = w - v flips a given velocity's "
        "meaning (CS231n stores v = momentum * v - learning_rate * dw and next_w = w + v)": {"sign": -1.0},
        "the learning rate is missing: v = momentum * v - dw": {"lr_on_dw": False},
        "state not stored back: config['velocity'] must hold the new velocity": {"store": False},
    },
    "rmsprop": {
        "epsilon inside the square root: use sqrt(cache) + epsilon": {"eps_inside": True},
        "the new squared gradient is not scaled by (1 - decay_rate)": {"no_decay_on_new": True},
        "the step uses the old cache: update cache first, then divide by its square root": {"old_cache": True},
        "state not stored back: config['cache'] must hold the new cache": {"store": False},
    },
    "adam": {
        "t incremented after use: increment config['t'] first, then use it in the bias correction": {"t_after": True},
        "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t)": {"no_bias_correction": True},
        "bias correction of m only: v needs (1 - beta2**t) too": {"m_only": True},
        "epsilon inside the square root: use sqrt(v_hat) + epsilon": {"eps_inside": True},
        "state not stored back: config['m'], config['v'] and config['t'] must hold the new values": {"store": False},
    },
}


def rel_error(x, y) -> float:
    """CS231n's relative error: max |x − y| / max(1e-8, |x| + |y|)."""
    x, y = f64(x), f64(y)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))
