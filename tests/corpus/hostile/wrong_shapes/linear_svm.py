"""Wrong shapes."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    return np.zeros(3), np.zeros((1, 1))
