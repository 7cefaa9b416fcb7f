"""Data for the walkthrough: the handwritten digits shipped with this kit (no download needed).

data/digits_8x8.npz holds the 1797 8x8 grey-level digit images of scikit-learn's `load_digits` (the UCI
"Optical Recognition of Handwritten Digits" test set): `images` (1797, 8, 8) uint8 in 0..16 and
`labels` (1797,) in 0..9.
"""

from pathlib import Path

import numpy as np

DIGITS = Path(__file__).resolve().parent / "data" / "digits_8x8.npz"


def load_digits(num_val=297, seed=0):
    """(X_train, y_train, X_val, y_val): the digits as rows of 64 pixels scaled to [0, 1], centred on the
    training mean, with a bias column of ones appended (D = 65), split at random (seeded) into
    1797 - num_val training and num_val validation examples. Labels are int64 in 0..9."""
    with np.load(DIGITS) as data:
        X = data["images"].reshape(len(data["images"]), -1).astype(np.float64) / 16.0
        y = data["labels"].astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    train, val = order[num_val:], order[:num_val]
    mean = X[train].mean(axis=0)
    X = np.hstack([X - mean, np.ones((len(y), 1))])
    return X[train], y[train], X[val], y[val]


def accuracy(W, X, y):
    """The fraction of rows of X (N, D) that the linear classifier W (D, C) labels as y (N,)."""
    return float(np.mean(np.argmax(X.dot(W), axis=1) == y))
