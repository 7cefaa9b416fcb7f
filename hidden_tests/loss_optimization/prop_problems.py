"""Small, readable problem descriptors for the hidden suite and the Hypothesis strategies that draw them.

A `Problem` names a loss-function input in a few fields (sizes, reg, scale, label pattern, dtypes,
seed); `build` turns it into arrays with numpy's RNG. Hypothesis draws and shrinks descriptors, so a
falsifying example reads like `Problem(N=2, D=1, C=3, reg=0.0, ...)` instead of a wall of floats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

#: Label patterns: random labels, every example in one class, the last class only, every class present.
LABELS = ("random", "one_class", "last_class", "every_class")
#: Spread of the scores s = XW (their typical size), small to large; the first is what shrinking goes to.
SCALES = (1.0, 0.01, 5.0, 0.1, 30.0)
#: Regularization strengths, from none to strong enough that a wrong factor shows.
REGS = (0.0, 0.5, 2.5, 10.0, 1e-3)


@dataclass(frozen=True)
class Problem:
    """One input (W, X, y, reg) described by its shape and how it is drawn.

    N examples, D features, C classes; `scale` is the typical size of a score X[i].dot(W);
    `labels` one of LABELS; `dtype` of W and X; `label_dtype` of y; `seed` picks the random draw.
    """

    N: int
    D: int
    C: int
    reg: float = 0.0
    scale: float = 1.0
    labels: str = "random"
    dtype: str = "float64"
    label_dtype: str = "int64"
    seed: int = 0


@dataclass(frozen=True)
class Inputs:
    """The arrays of a Problem: W (D, C), X (N, D), y (N,) integer labels in [0, C), reg a float."""

    W: np.ndarray
    X: np.ndarray
    y: np.ndarray
    reg: float

    def args(self) -> tuple:
        """(W, X, y, reg), the loss functions' arguments."""
        return self.W, self.X, self.y, self.reg

    def as_float64(self) -> Inputs:
        """The same values upcast to float64 (exact), for computing what is expected."""
        return Inputs(self.W.astype(np.float64), self.X.astype(np.float64), self.y.astype(np.int64), self.reg)


def rng_for(problem: Problem, base_seed: int, stream: int = 0) -> np.random.Generator:
    """numpy's RNG for this problem, mixing the assignment's seed in (stream separates independent uses)."""
    return np.random.default_rng([base_seed, problem.seed, stream])


def draw_labels(problem: Problem, rng: np.random.Generator) -> np.ndarray:
    """y (N,) following problem.labels, as problem.label_dtype."""
    n, c = problem.N, problem.C
    if problem.labels == "one_class":
        y = np.full(n, rng.integers(c))
    elif problem.labels == "last_class":
        y = np.full(n, c - 1)
    elif problem.labels == "every_class":
        y = rng.permutation(np.arange(n) % c)
    else:
        y = rng.integers(0, c, size=n)
    return y.astype(problem.label_dtype)


def build(problem: Problem, base_seed: int) -> Inputs:
    """Continuous random inputs: X ~ N(0, 1), W ~ N(0, scale² / D) so scores are about `scale` in size.

    Continuous draws make hinge ties (a margin exactly 0) a probability-zero event.
    """
    rng = rng_for(problem, base_seed)
    X = rng.standard_normal((problem.N, problem.D))
    W = rng.standard_normal((problem.D, problem.C)) * (problem.scale / np.sqrt(problem.D))
    y = draw_labels(problem, rng)
    return Inputs(W.astype(problem.dtype), X.astype(problem.dtype), y, float(problem.reg))


def build_integer(problem: Problem, base_seed: int) -> Inputs:
    """Small integer-valued W and X: every score is an integer, so many margins are exactly 0 (hinge kinks)."""
    rng = rng_for(problem, base_seed)
    X = rng.integers(-2, 3, size=(problem.N, problem.D))
    W = rng.integers(-1, 2, size=(problem.D, problem.C))
    y = draw_labels(problem, rng)
    return Inputs(W.astype(problem.dtype), X.astype(problem.dtype), y, float(problem.reg))


def build_separable(problem: Problem, base_seed: int) -> Inputs:
    """Inputs with zero SVM data loss: X[i] = 3·e_{y[i]} + noise (|noise| < 0.1), W = the identity on C classes.

    Needs D >= C. Every margin is noise - 3 + 1 < 0.
    """
    rng = rng_for(problem, base_seed)
    y = draw_labels(problem, rng)
    X = rng.uniform(-0.1, 0.1, size=(problem.N, problem.D))
    X[np.arange(problem.N), y] += 3.0
    W = np.zeros((problem.D, problem.C))
    W[: problem.C, :] = np.eye(problem.C)
    return Inputs(W.astype(problem.dtype), X.astype(problem.dtype), y, float(problem.reg))


def build_row_offsets(problem: Problem, base_seed: int) -> Inputs:
    """Scores with very different per-row offsets (spanning -1500..1500) and a small spread inside each row.

    X gets a last column holding the offsets and W a last row of ones, so s[i, j] = offset[i] + (small).
    The textbook max-shift softmax is exact here; without the per-row shift it overflows or underflows.
    """
    base = build(problem, base_seed)
    rng = rng_for(problem, base_seed, stream=1)
    offsets = rng.permutation(np.linspace(-1500.0, 1500.0, problem.N)) + rng.uniform(-1, 1, problem.N)
    X = np.hstack([base.X.astype(np.float64), offsets[:, None]])
    W = np.vstack([base.W.astype(np.float64), np.ones((1, problem.C))])
    return Inputs(W.astype(problem.dtype), X.astype(problem.dtype), base.y, base.reg)


def problems(
    n=(1, 64),
    d=(1, 64),
    c=(2, 12),
    regs=REGS,
    scales=SCALES,
    labels=LABELS,
    dtypes=("float64",),
    label_dtypes=("int64",),
) -> st.SearchStrategy[Problem]:
    """Problems with N, D, C in the given inclusive ranges and the other fields from the given choices."""
    return st.builds(
        Problem,
        N=st.integers(*n),
        D=st.integers(*d),
        C=st.integers(*c),
        reg=st.sampled_from(regs),
        scale=st.sampled_from(scales),
        labels=st.sampled_from(labels),
        dtype=st.sampled_from(dtypes),
        label_dtype=st.sampled_from(label_dtypes),
        seed=st.integers(0, 2**16),
    )

