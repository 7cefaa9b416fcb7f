"""First-order update rules for training (CS231n assignment 1/2 interface): reference solution.

Each rule has the interface

    def update(w, dw, config=None):
        ...
        return next_w, config

- w: a numpy array of any shape: the current weights.
- dw: a numpy array of w's shape: the gradient of the loss with respect to w.
- config: a dict of hyperparameters (learning rate, momentum, ...) and of the rule's state between
  steps (velocity, cache, moments, step count). None means "all defaults, fresh state".

Returns next_w (w's shape) and config, holding the state the next call needs. Defaults are set with
config.setdefault, so values the caller gave are kept. Updating w in place is allowed.
"""

import numpy as np


def sgd(w, dw, config=None):
    """
    Vanilla stochastic gradient descent.

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    w -= config["learning_rate"] * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    """
    Stochastic gradient descent with momentum.

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - momentum: Scalar between 0 and 1 giving the momentum value (default 0.9);
      momentum = 0 reduces to sgd.
    - velocity: A numpy array of the same shape as w and dw used to store a
      moving average of the gradients (default zeros).

    The update: v = momentum * v - learning_rate * dw; next_w = w + v.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v

    config["velocity"] = v
    return next_w, config


def rmsprop(w, dw, config=None):
    """
    Uses the RMSProp update rule, which uses a moving average of squared
    gradient values to set adaptive per-parameter learning rates.

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - decay_rate: Scalar between 0 and 1 giving the decay rate for the squared
      gradient cache (default 0.99).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero (default 1e-8).
    - cache: Moving average of second moments of gradients (default zeros).

    The update: cache = decay_rate * cache + (1 - decay_rate) * dw**2;
    next_w = w - learning_rate * dw / (sqrt(cache) + epsilon).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    cache = config["decay_rate"] * config["cache"] + (1 - config["decay_rate"]) * dw**2
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])

    config["cache"] = cache
    return next_w, config


def adam(w, dw, config=None):
    """
    Uses the Adam update rule, which incorporates moving averages of both the
    gradient and its square and a bias correction term.

    config format:
    - learning_rate: Scalar learning rate (default 1e-3).
    - beta1: Decay rate for moving average of first moment of gradient (default 0.9).
    - beta2: Decay rate for moving average of second moment of gradient (default 0.999).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero (default 1e-8).
    - m: Moving average of gradient (default zeros).
    - v: Moving average of squared gradient (default zeros).
    - t: Iteration number (default 0), incremented before it is used.

    The update: t += 1; m = beta1 * m + (1 - beta1) * dw; v = beta2 * v + (1 - beta2) * dw**2;
    m_hat = m / (1 - beta1**t); v_hat = v / (1 - beta2**t);
    next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    beta1, beta2 = config["beta1"], config["beta2"]
    t = config["t"] + 1
    m = beta1 * config["m"] + (1 - beta1) * dw
    v = beta2 * config["v"] + (1 - beta2) * dw**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])

    config["t"], config["m"], config["v"] = t, m, v
    return next_w, config
