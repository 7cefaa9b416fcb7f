"""Erin's SVM: the naive version works; the vectorized one was never finished."""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """SVM loss with loops."""
    dW = np.zeros(W.shape)
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i].dot(W)
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / X.shape[0] + reg * np.sum(W * W)
    return float(loss), dW / X.shape[0] + 2 * reg * W


def svm_loss_vectorized(W, X, y, reg):
    """TODO"""
    raise NotImplementedError
