"""Ada's update rules: correct, written differently from the reference (in-place state, one config
copy, Adam's step size folded into one alpha_t)."""

import numpy as np


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    w -= config["learning_rate"] * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else dict(config)
    lr = config.setdefault("learning_rate", 1e-2)
    mu = config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    v = -lr * dw if v is None else mu * v - lr * dw
    config["velocity"] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    rho = config["decay_rate"]
    cache = config.get("cache", np.zeros_like(w))
    cache = rho * cache + (1 - rho) * np.square(dw)
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config


def adam(w, dw, config=None):
    config = {} if config is None else config
    for key, value in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, value)
    b1, b2 = config["beta1"], config["beta2"]
    t = config["t"] + 1
    m = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw * dw
    # sqrt(v_hat) + eps, written as sqrt(v) / sqrt(1 - b2**t) + eps: the same number.
    denom = np.sqrt(v) / np.sqrt(1 - b2**t) + config["epsilon"]
    next_w = w - config["learning_rate"] * (m / (1 - b1**t)) / denom
    config.update(t=t, m=m, v=v)
    return next_w, config
