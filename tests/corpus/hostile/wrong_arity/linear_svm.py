"""Wrong arity."""
import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y):
    return svm_loss_vectorized(W, X, y, 0.0)
