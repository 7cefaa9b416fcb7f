"""Segfault."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import ctypes
    ctypes.string_at(0)
