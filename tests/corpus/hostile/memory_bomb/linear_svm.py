"""Memory bomb."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    hoard = []
    for _ in range(64):  # 64 GiB in 1 GiB blocks, every page touched
        hoard.append(np.ones(1 << 27))
    raise RuntimeError("survived the memory bomb")
