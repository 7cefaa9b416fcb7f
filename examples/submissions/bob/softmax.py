"""Bob's softmax loss: correct on small scores, but exponentiates them without shifting first."""

import numpy as np


def softmax_loss(W, X, y, reg):
    """Softmax cross-entropy. W: (D, C), X: (N, D), y: (N,)."""
    N = X.shape[0]
    exp_scores = np.exp(X.dot(W))
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), y]).mean() + reg * np.sum(W * W)
    probs[np.arange(N), y] -= 1
    return float(loss), X.T.dot(probs) / N + 2 * reg * W
