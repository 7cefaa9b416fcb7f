"""Erin's softmax: saved in the middle of an edit."""

import numpy as np


def softmax_loss(W, X, y, reg):
    scores = X.dot(W
    return 0.0, np.zeros_like(W)
