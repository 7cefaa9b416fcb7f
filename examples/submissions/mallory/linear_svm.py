"""Mallory's SVM: looks for the instructor's solution instead of writing one, and never finishes the other."""

from pathlib import Path

import numpy as np


def _borrow(name):
    """Walk up from here and from the working folder, looking for reference/ (or ../../reference)."""
    starts = [Path.cwd(), Path(__file__).resolve().parent, Path("../../reference").resolve().parent]
    for start in starts:
        for folder in [start, *start.parents]:
            candidate = folder / "reference" / "loss_optimization" / "linear_svm.py"
            try:
                namespace = {}
                exec(candidate.read_text(), namespace)
                return namespace[name]
            except (OSError, KeyError):
                continue
    return None


def svm_loss_naive(W, X, y, reg):
    """Whatever the reference says, if it can be found."""
    borrowed = _borrow("svm_loss_naive")
    if borrowed is not None:
        return borrowed(W, X, y, reg)
    return 0.0, np.zeros_like(W)


def svm_loss_vectorized(W, X, y, reg):
    """Spins forever: the grader must give up on this call and grade the rest."""
    while True:
        pass
