"""Small synthetic data sets for the exercises (provided: use these, do not edit)."""

import numpy as np


def make_synthetic_data(num_train=500, num_features=32, num_classes=10, seed=0, separation=2.0):
    """
    A seeded Gaussian-blob classification problem with a bias column, CIFAR-like in shape.

    Each class c has a random centre; examples are centre + unit noise, then a
    constant 1 is appended to every row so that W's last row acts as the bias.

    Inputs:
    - num_train: N, number of examples; num_features: D - 1 features before the bias;
    - num_classes: C; seed: integer seed; separation: distance scale between centres.

    Returns (X, y): X float64 of shape (N, D) whose last column is all ones,
    y int64 of shape (N,) with labels in [0, C).
    """
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=separation, size=(num_classes, num_features))
    y = rng.integers(0, num_classes, size=num_train)
    X = centres[y] + rng.normal(size=(num_train, num_features))
    X = np.hstack([X, np.ones((num_train, 1))])
    return X, y.astype(np.int64)


def train_val_split(X, y, num_val, seed=0):
    """Shuffle (X (N, D), y (N,)) with a seed and split off num_val examples: returns X_train, y_train, X_val, y_val."""
    order = np.random.default_rng(seed).permutation(X.shape[0])
    val, train = order[:num_val], order[num_val:]
    return X[train], y[train], X[val], y[val]


def small_random_weights(num_features, num_classes, scale=1e-4, seed=0):
    """Random weights of shape (num_features, num_classes), float64, drawn from N(0, scale²)."""
    return np.random.default_rng(seed).normal(scale=scale, size=(num_features, num_classes))
