"""Bob's SVM, using the 0.5 * reg * ||W||^2 regularization he found in an old tutorial."""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """SVM loss with loops. W: (D, C), X: (N, D), y: (N,)."""
    dW = np.zeros(W.shape)
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i].dot(W)
        for j in range(W.shape[1]):
            margin = scores[j] - scores[y[i]] + 1
            if j != y[i] and margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / X.shape[0] + 0.5 * reg * np.sum(W * W)
    dW = dW / X.shape[0] + reg * W
    return float(loss), dW


def svm_loss_vectorized(W, X, y, reg):
    """SVM loss without loops (same regularization convention as the naive one)."""
    N = X.shape[0]
    scores = X.dot(W)
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + 0.5 * reg * np.sum(W * W)
    mask = (margins > 0).astype(float)
    mask[np.arange(N), y] = -mask.sum(axis=1)
    return float(loss), X.T.dot(mask) / N + reg * W
