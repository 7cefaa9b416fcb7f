"""Mallory's gradient step: honest work, which still earns its points."""


def sgd_step(W, dW, learning_rate):
    """W - learning_rate * dW as a new array."""
    return W - learning_rate * dW
