"""Sleeps for an hour."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import time
    time.sleep(3600)
