"""Mini-batch training of a linear classifier: what you implement."""

import numpy as np  # noqa: F401 - for your code
import optim  # noqa: F401 - update rules by name: getattr(optim, update_rule)
from linear_classifier import LOSSES  # noqa: F401 - losses by name: LOSSES[loss]


def train(X, y, W, *, loss="softmax", update_rule="sgd", optim_config=None, reg=0.0, batch_size=200,
          num_iters=100, lr_decay=1.0, iters_per_decay=None, seed=0):
    """
    Train a linear classifier with mini-batch gradient descent (as CS231n's Solver does).

    Inputs:
    - X: A numpy array of shape (N, D) of training data.
    - y: A numpy array of shape (N,) of labels in 0..C-1.
    - W: A numpy array of shape (D, C): the initial weights (not modified).
    - loss: the name of a loss in linear_classifier.LOSSES ("softmax" or "svm").
    - update_rule: the name of an update rule in optim.py ("sgd", "sgd_momentum",
      "rmsprop" or "adam").
    - optim_config: a dict of hyperparameters for the update rule (None: its defaults).
      Not modified: the loop works on its own copy.
    - reg: (float) L2 regularization strength passed to the loss.
    - batch_size: examples per minibatch, drawn with replacement from
      np.random.default_rng(seed).
    - num_iters: number of updates.
    - lr_decay: after every iters_per_decay iterations, the learning rate in the
      config is multiplied by lr_decay.
    - iters_per_decay: the decay period in iterations (None: one epoch,
      max(N // batch_size, 1) iterations).
    - seed: seed of the minibatch sampling; the same seed gives the same result.

    Returns a tuple of:
    - W: the trained weights, shape (D, C).
    - loss_history: a list of num_iters floats, the minibatch loss at each iteration
      (computed before that iteration's update).
    """
    # TODO: implement train as its docstring says.
    raise NotImplementedError("train is not implemented yet (edit train.py)")
