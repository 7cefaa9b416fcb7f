"""os._exit in a call."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import os
    os._exit(0)
