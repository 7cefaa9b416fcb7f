"""Ada's training loop: correct, drawing batches with rng.integers instead of rng.choice."""

import numpy as np
import optim
from linear_classifier import LOSSES


def train(X, y, W, *, loss="softmax", update_rule="sgd", optim_config=None, reg=0.0, batch_size=200,
          num_iters=100, lr_decay=1.0, iters_per_decay=None, seed=0):
    rng = np.random.default_rng(seed)
    loss_fn, step = LOSSES[loss], getattr(optim, update_rule)
    config = dict(optim_config) if optim_config else {}
    period = iters_per_decay or max(X.shape[0] // batch_size, 1)
    W = np.array(W, copy=True)
    history = []
    for it in range(1, num_iters + 1):
        idx = rng.integers(0, X.shape[0], size=batch_size)
        value, grad = loss_fn(W, X[idx], y[idx], reg)
        history.append(float(value))
        W, config = step(W, grad, config)
        if it % period == 0:
            config["learning_rate"] *= lr_decay
    return W, history
