"""Gigantic result."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    return 0.0, np.broadcast_to(np.zeros(1), (10**6, 10**6))
