"""What a training loop must produce where the answer does not depend on which examples a batch draws:
the softmax loss in float64, gradient descent with a decay schedule, and the digits data set."""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: scikit-learn's bundled handwritten digits (1797 8×8 images, pixel values 0..16, labels 0..9), from the
#: UCI ML repository (CC BY 4.0), stored here so grading needs neither scikit-learn nor a download.
DIGITS = Path(__file__).resolve().parent / "digits.npz"


def softmax(W, X, y, reg) -> tuple[float, np.ndarray]:
    """The softmax loss (mean over examples + reg·ΣW²) and its gradient, in float64."""
    S = X @ W
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = -np.log(P[np.arange(n), y]).mean() + reg * np.sum(W * W)
    P[np.arange(n), y] -= 1
    return float(loss), X.T @ P / n + 2 * reg * W


def per_example_losses(W, X, y, reg) -> np.ndarray:
    """Each example's softmax loss at W plus the regularization term, shape (N,)."""
    return np.array([softmax(W, X[i:i + 1], y[i:i + 1], reg)[0] for i in range(X.shape[0])])


def gradient_descent(W, X, y, reg, learning_rate, num_iters, lr_decay, period) -> tuple[np.ndarray, list[float]]:
    """Full-batch descent: the learning rate multiplied by lr_decay after every `period` iterations."""
    W = np.array(W, dtype=np.float64)
    history = []
    for it in range(num_iters):
        loss, dW = softmax(W, X, y, reg)
        history.append(loss)
        W = W - learning_rate * dW
        if (it + 1) % period == 0:
            learning_rate *= lr_decay
    return W, history


def identical_rows(n: int, d: int, c: int, seed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X (n, d) with every row the same, y all one label, and a small random W (d, c): every batch of
    any size and any draw has exactly the full data's loss and gradient (up to rounding of the mean)."""
    rng = np.random.default_rng(seed)
    X = np.tile(rng.standard_normal(d), (n, 1))
    y = np.full(n, int(rng.integers(c)))
    return X, y, 0.1 * rng.standard_normal((d, c))


def separable(n: int, d: int, c: int, seed) -> tuple[np.ndarray, np.ndarray]:
    """n points in c well-separated Gaussian clusters in d dimensions, labels 0..c-1."""
    rng = np.random.default_rng(seed)
    centres = 4.0 * rng.standard_normal((c, d))
    y = rng.integers(c, size=n)
    return centres[y] + 0.5 * rng.standard_normal((n, d)), y


def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_val, y_val): pixels scaled to [0, 1] plus a bias column; 1500 / 297 examples."""
    data = np.load(DIGITS)
    X = np.hstack([data["X"].astype(np.float64) / 16.0, np.ones((data["X"].shape[0], 1))])
    y = data["y"].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    return X[:1500], y[:1500], X[1500:], y[1500:]
