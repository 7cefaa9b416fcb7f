"""An honest wrong answer of the right form: the ceiling for answers that try to cheat."""
import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    return 0.0, np.zeros_like(W)
