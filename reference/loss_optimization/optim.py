"""Gradient-descent update rules: reference solution."""


def sgd_step(W, dW, learning_rate):
    """
    One step of vanilla (mini-batch) stochastic gradient descent.

    Inputs:
    - W: A numpy array of weights, any shape, e.g. (D, C).
    - dW: A numpy array of the same shape as W: the gradient of the loss
      with respect to W.
    - learning_rate: (float) step size, learning_rate >= 0.

    Returns:
    - next_W: a new numpy array of the same shape as W, equal to
      W - learning_rate * dW. W and dW are not modified.
    """
    next_W = W - learning_rate * dW
    return next_W
