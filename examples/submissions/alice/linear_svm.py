"""Alice's multiclass SVM: a per-example loop for the naive version, one-hot algebra for the fast one."""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """Hinge loss with loops. W: (D, C), X: (N, D), y: (N,). Returns (loss, dW of shape (D, C))."""
    N, C = X.shape[0], W.shape[1]
    total = 0.0
    grad = np.zeros_like(W)
    for n in range(N):
        s = W.T @ X[n]
        for c in range(C):
            if c != y[n] and s[c] - s[y[n]] + 1 > 0:
                total += s[c] - s[y[n]] + 1
                grad[:, c] += X[n]
                grad[:, y[n]] -= X[n]
    loss = total / N + reg * (W ** 2).sum()
    return float(loss), grad / N + 2 * reg * W


def svm_loss_vectorized(W, X, y, reg):
    """Hinge loss without loops: margins against the one-hot correct scores."""
    N, C = X.shape[0], W.shape[1]
    onehot = np.eye(C, dtype=W.dtype)[y]                    # (N, C)
    scores = X @ W
    correct = np.einsum("nc,nc->n", scores, onehot)[:, None]
    active = (scores - correct + 1 > 0) & (onehot == 0)     # (N, C), correct class excluded
    loss = np.where(active, scores - correct + 1, 0).sum() / N + reg * np.einsum("dc,dc->", W, W)
    coeff = active - onehot * active.sum(axis=1, keepdims=True)
    return float(loss), X.T @ coeff / N + 2 * reg * W
