"""The losses' mathematics in float64, written independently of the reference, for what tests expect.

Used where the reference alone cannot say what is acceptable: both subgradients at a hinge kink,
the exactly stable softmax (log-sum-exp), margins for spotting kinks, per-example bounds.
"""

from __future__ import annotations

import numpy as np


def scores(W, X) -> np.ndarray:
    """S = X W in float64, shape (N, C)."""
    return np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64)


def svm_margins(W, X, y) -> np.ndarray:
    """Margins s_j - s_{y[i]} + 1, shape (N, C), with the correct class's entry set to -inf (never active)."""
    S = scores(W, X)
    rows = np.arange(S.shape[0])
    margins = S - S[rows, y][:, None] + 1.0
    margins[rows, y] = -np.inf
    return margins


def svm_loss(W, X, y, reg) -> float:
    """The SVM loss in float64: mean over examples of sum_{j != y} max(0, margin) + reg·ΣW²."""
    margins = svm_margins(W, X, y)
    data = np.maximum(margins, 0.0).sum() / margins.shape[0]
    return float(data + reg * np.sum(np.asarray(W, dtype=np.float64) ** 2))


def svm_gradient(W, X, y, reg, active) -> np.ndarray:
    """dW (D, C) in float64 when the margins marked True in `active` (N, C) count as positive."""
    X64 = np.asarray(X, dtype=np.float64)
    n = X64.shape[0]
    coeff = active.astype(np.float64)
    coeff[np.arange(n), y] = -coeff.sum(axis=1)
    return X64.T @ coeff / n + 2 * reg * np.asarray(W, dtype=np.float64)


def svm_subgradients(W, X, y, reg, band: float) -> list[np.ndarray]:
    """The SVM gradients a correct solution may return: margins within `band` of 0 inactive, or all active.

    band = 0 gives the two textbook conventions at exact ties (margin > 0 and margin >= 0); a positive band
    also covers ties blurred by rounding (float32). Returns one array when there is no (near) tie.
    """
    margins = svm_margins(W, X, y)
    strict = svm_gradient(W, X, y, reg, margins > band)
    if not np.any(np.abs(margins) <= band):
        return [strict]
    return [strict, svm_gradient(W, X, y, reg, margins >= -band)]


def softmax_loss(W, X, y, reg) -> float:
    """The softmax loss in float64 by log-sum-exp (exact even where the textbook shift is not needed)."""
    S = scores(W, X)
    top = S.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(S - top).sum(axis=1))
    data = np.mean(lse - S[np.arange(S.shape[0]), y])
    return float(data + reg * np.sum(np.asarray(W, dtype=np.float64) ** 2))


def softmax_gradient(W, X, y, reg) -> np.ndarray:
    """dW (D, C) of the softmax loss in float64."""
    S = scores(W, X)
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    n = S.shape[0]
    P[np.arange(n), y] -= 1.0
    return np.asarray(X, dtype=np.float64).T @ P / n + 2 * reg * np.asarray(W, dtype=np.float64)


def softmax_bounds(W, X, y) -> tuple[float, float]:
    """Bounds on the softmax data loss: mean m <= L <= mean m + log C with m = max_j s_j - s_y."""
    S = scores(W, X)
    m = S.max(axis=1) - S[np.arange(S.shape[0]), y]
    return float(m.mean()), float(m.mean() + np.log(S.shape[1]))


def one_hot(y, num_classes: int) -> np.ndarray:
    """Y (N, C) with Y[i, y[i]] = 1."""
    Y = np.zeros((len(y), num_classes))
    Y[np.arange(len(y)), y] = 1.0
    return Y
