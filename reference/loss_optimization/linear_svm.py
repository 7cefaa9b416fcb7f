"""Multiclass SVM (hinge) loss for a linear classifier: reference solution."""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength, reg >= 0.

    Returns a tuple of:
    - loss as single float: the mean over the N examples of
      sum_{j != y[i]} max(0, s_j - s_{y[i]} + 1) with s = X[i].dot(W),
      plus reg * np.sum(W * W)
    - gradient with respect to weights W; an array of same shape as W,
      including the regularization gradient 2 * reg * W

    W, X and y are not modified.
    """
    dW = np.zeros(W.shape, dtype=np.result_type(W.dtype, X.dtype))
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return float(loss), dW


def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation (no Python loops).

    Inputs and outputs are the same as svm_loss_naive.
    """
    num_train = X.shape[0]
    scores = X.dot(W)  # (N, C)
    rows = np.arange(num_train)
    correct = scores[rows, y][:, np.newaxis]  # (N, 1)
    margins = np.maximum(0, scores - correct + 1)
    margins[rows, y] = 0
    loss = margins.sum() / num_train + reg * np.sum(W * W)

    coeff = (margins > 0).astype(scores.dtype)  # (N, C)
    coeff[rows, y] = -coeff.sum(axis=1)
    dW = X.T.dot(coeff) / num_train + 2 * reg * W
    return float(loss), dW
