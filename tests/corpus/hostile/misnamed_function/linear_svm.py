"""Misnamed function."""
import numpy as np

# grader-test: fill svm_loss_naive


def svm_loss_vectorised(W, X, y, reg):
    return svm_loss_naive(W, X, y, reg)
