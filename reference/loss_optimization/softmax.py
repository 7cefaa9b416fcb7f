"""Softmax (cross-entropy) loss for a linear classifier: reference solution."""

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
    num_train = X.shape[0]
    scores = X.dot(W)  # (N, C)
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    sums = exp_scores.sum(axis=1, keepdims=True)
    rows = np.arange(num_train)
    log_probs = shifted - np.log(sums)
    loss = -log_probs[rows, y].sum() / num_train + reg * np.sum(W * W)

    probs = exp_scores / sums
    probs[rows, y] -= 1
    dW = X.T.dot(probs) / num_train + 2 * reg * W
    return float(loss), dW
