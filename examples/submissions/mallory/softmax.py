"""Mallory's softmax: ends the process at import, hoping the grader reports success."""

import sys

import numpy as np

sys.exit(0)


def softmax_loss(W, X, y, reg):
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(X.shape[0]), y]).mean() + reg * np.sum(W * W)
    probs[np.arange(X.shape[0]), y] -= 1
    return float(loss), X.T.dot(probs) / X.shape[0] + 2 * reg * W
