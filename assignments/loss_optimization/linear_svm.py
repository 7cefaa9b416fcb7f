"""Multiclass SVM (hinge) loss for a linear classifier: what you implement."""

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
    # TODO: Loop over the examples and the classes. For each incorrect class j
    # with a positive margin, add the margin to the loss, add X[i] to column j
    # of dW and subtract it from column y[i]. Then average over the examples
    # and add the regularization term and its gradient.
    raise NotImplementedError("svm_loss_naive is not implemented yet")


def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation (no Python loops).

    Inputs and outputs are the same as svm_loss_naive.
    """
    # TODO: Compute the same loss and gradient as svm_loss_naive without any
    # Python loop: compute all scores at once, index the correct-class scores
    # with integer arrays, and build dW from one matrix product X.T.dot(...).
    raise NotImplementedError("svm_loss_vectorized is not implemented yet")
