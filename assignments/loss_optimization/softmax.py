"""Softmax (cross-entropy) loss for a linear classifier: what you implement."""

import numpy as np


def softmax_loss(W, X, y, reg):
    """
    Softmax loss function, vectorized and numerically stable (no Python loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength, reg >= 0.

    Returns a tuple of:
    - loss as single float: the mean over the N examples of
      -log(exp(s_{y[i]}) / sum_j exp(s_j)) with s = X[i].dot(W),
      plus reg * np.sum(W * W)
    - gradient with respect to weights W; an array of same shape as W,
      including the regularization gradient 2 * reg * W

    Subtract each row's maximum score before exponentiating so that large
    scores do not overflow. W, X and y are not modified.
    """
    # TODO: Compute the loss and its gradient without Python loops. Shift the
    # scores of each row by that row's maximum before calling np.exp.
    raise NotImplementedError("softmax_loss is not implemented yet")
