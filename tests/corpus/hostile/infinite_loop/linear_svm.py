"""Spins forever in the vectorized SVM."""
import numpy as np

# grader-test: fill svm_loss_naive


def svm_loss_vectorized(W, X, y, reg):
    while True:
        pass
