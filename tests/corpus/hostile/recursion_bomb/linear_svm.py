"""Recursion bomb."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import sys
    sys.setrecursionlimit(10**8)

    def deeper(n):
        return deeper(n + 1) + 1

    return deeper(0)
