"""Small random inputs for the public tests: Hypothesis draws the sizes and a seed, NumPy draws the numbers.

Continuous random data (Gaussian X and W) means no two scores tie, so the SVM hinge has no kink
exactly at a test point and naive and vectorized code agree to rounding.
"""

from dataclasses import dataclass, replace

import numpy as np
from hypothesis import strategies as st


@dataclass(frozen=True)
class Problem:
    """One input of a loss function: W (D, C), X (N, D), y (N,) int64 labels in [0, C), reg >= 0."""

    W: np.ndarray
    X: np.ndarray
    y: np.ndarray
    reg: float

    def describe(self):
        """The input in words, e.g. 'N=3, D=2, C=4, reg=0.5'."""
        (n, d), c = self.X.shape, self.W.shape[1]
        return f"N={n}, D={d}, C={c}, reg={self.reg:g}"

    def with_W(self, W):
        """The same problem with other weights W (D, C)."""
        return replace(self, W=W)

    def with_reg(self, reg):
        """The same problem with another regularization strength."""
        return replace(self, reg=reg)

    def scores(self):
        """S = X W, shape (N, C)."""
        return self.X.dot(self.W)


#: The regularization strength of problems that do not ask for one.
NO_REG = st.just(0.0)


@st.composite
def problems(draw, max_n=6, max_d=5, min_c=2, max_c=5, reg=NO_REG, w_scale=1.0):
    """A Problem with 1..max_n examples, 1..max_d features, min_c..max_c classes and reg drawn from `reg`.

    X and W are Gaussian (W scaled by w_scale), y uniform over the classes.
    """
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    c = draw(st.integers(min_c, max_c))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(size=(n, d))
    y = rng.integers(0, c, size=n).astype(np.int64)
    W = w_scale * rng.normal(size=(d, c))
    return Problem(W=W, X=X, y=y, reg=draw(reg))


def regs(low=0.0, high=5.0):
    """Regularization strengths in [low, high]."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def hinge_gap(problem):
    """The smallest |s_j - s_y + 1| over all examples and classes j != y: how far from a hinge kink W is."""
    scores = problem.scores()
    rows = np.arange(scores.shape[0])
    margins = np.abs(scores - scores[rows, problem.y][:, None] + 1.0)
    margins[rows, problem.y] = np.inf
    return float(margins.min())


def separable(problem):
    """The problem relabelled and rescaled so that every SVM margin is <= -0.5: the data loss is exactly 0.

    y becomes each row's best class and W is scaled so that the best score beats every other by >= 1.5.
    """
    scores = problem.scores()
    y = scores.argmax(axis=1).astype(np.int64)
    top2 = np.sort(scores, axis=1)[:, -2:]
    gap = float((top2[:, 1] - top2[:, 0]).min())
    return replace(problem, W=problem.W * (1.5 / gap), y=y, reg=0.0)


def with_row_offsets(problem, size, seed):
    """The problem with one extra feature column t and a last row of W equal to `size` in every class.

    Every score of row i moves by the same t_i * size, with |t_i| in [0.8, 1] and random signs:
    (problem without offsets, problem with offsets), both of shape N x (D+1) / (D+1) x C.
    """
    n, c = problem.X.shape[0], problem.W.shape[1]
    rng = np.random.default_rng(seed)
    t = rng.choice([-1.0, 1.0], size=n) * rng.uniform(0.8, 1.0, size=n)
    X = np.hstack([problem.X, t[:, None]])
    plain = replace(problem, X=X, W=np.vstack([problem.W, np.zeros((1, c))]), reg=0.0)
    return plain, plain.with_W(np.vstack([problem.W, np.full((1, c), float(size))]))
