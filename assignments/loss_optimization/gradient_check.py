"""Numerical gradients and gradient checks (provided: use these, do not edit)."""

import random

import numpy as np


def rel_error(a, b, tiny=1e-12):
    """Relative error |a - b| / max(|a| + |b|, tiny), elementwise, as a float or array."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), tiny)


def eval_numerical_gradient(f, x, h=1e-5):
    """
    Centred-difference gradient of a scalar function f at x.

    Inputs:
    - f: a function of one argument returning a float (e.g. lambda W: loss(W, X, y, reg)[0]).
    - x: a float64 numpy array; it is perturbed in place and restored after each coordinate.
    - h: step size.

    Returns an array of x's shape: (f(x + h e_i) - f(x - h e_i)) / (2h) at every coordinate i.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        grad[ix] = centred_difference(f, x, ix, h)
    return grad


def centred_difference(f, x, ix, h=1e-5):
    """(f(x + h e_ix) - f(x - h e_ix)) / (2h) for one coordinate ix of x; x is restored afterwards."""
    old = x[ix]
    x[ix] = old + h
    fxph = f(x)
    x[ix] = old - h
    fxmh = f(x)
    x[ix] = old
    return (fxph - fxmh) / (2 * h)


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0, verbose=True):
    """
    Compare an analytic gradient with centred differences at randomly sampled coordinates.

    Inputs:
    - f: scalar function of x; x: float64 array, perturbed in place and restored;
    - analytic_grad: array of x's shape; num_checks: how many coordinates; h: step size.

    Prints one line per coordinate: numerical, analytic, relative error
    |a - n| / max(|a| + |n|, tiny). Errors around 1e-7 or less are good; a few
    errors near 1e-2 for the SVM can come from a kink of the hinge, but all of
    them large means a bug. Returns the list of relative errors.
    """

    rng = random.Random(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(rng.randrange(m) for m in x.shape)
        grad_numerical = centred_difference(f, x, ix, h)
        grad_analytic = analytic_grad[ix]
        err = float(rel_error(grad_numerical, grad_analytic))
        errors.append(err)
        if verbose:
            print(f"numerical: {grad_numerical:f} analytic: {grad_analytic:f}, relative error: {err:e}")
    return errors
