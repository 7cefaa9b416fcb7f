"""The gate before properties that a do-nothing function satisfies vacuously (types, gradient consistency,
invariances, purity): a constant `return 0.0, np.zeros_like(W)` or an `sgd_step` returning W unchanged
would pass them, so they earn points only from a function whose output depends on its input."""

from __future__ import annotations

import numpy as np
from prop_checks import loss_and_grad
from prop_problems import Inputs, Problem, build

#: The fixed ordinary problem the gate probes with (reg = 0, so only the data loss can respond to W).
PROBE = Problem(N=7, D=5, C=4, reg=0.0, seed=1)


def ignores_its_input(student, function: str, base_seed: int) -> str:
    """Why `function` earns no points for vacuous properties, or "" when its output depends on its input.

    Loss functions: (loss, dW) at W = 0 and at a random W (reg = 0) must differ (NaN counts as equal to
    NaN: a function returning NaN ignores its input too); a correct loss gives
    C - 1 or log C at W = 0 and something else at the random W. sgd_step: the update with a non-zero
    gradient and learning_rate = 0.1 must not return W unchanged. A function that raises or returns
    something malformed here is not judged by the gate: the property itself then reports it, with the
    smallest failing input.
    """
    try:
        return _ignores_its_input(student, function, base_seed)
    except Exception:  # noqa: BLE001 - any failure of the student's code is the property's to report
        return ""


def _ignores_its_input(student, function: str, base_seed: int) -> str:
    """ignores_its_input without the guard: raises whatever the student's function raises."""
    if function == "sgd_step":
        rng = np.random.default_rng([base_seed, 7])
        W, dW = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
        out = student.sgd_step(W, dW, 0.1)
        if isinstance(out, np.ndarray) and out.shape == W.shape and np.array_equal(out, W, equal_nan=True):
            return ("sgd_step returned W unchanged for a non-zero gradient and learning_rate = 0.1: an update "
                    "that does nothing earns no points for properties a no-op also has (no mutation, rate 0).")
        return ""
    probe = build(PROBE, base_seed)
    at_zero = Inputs(np.zeros_like(probe.W), probe.X, probe.y, 0.0)
    loss_0, dW_0 = loss_and_grad(getattr(student, function)(*at_zero.args()), at_zero.W, function)
    loss_w, dW_w = loss_and_grad(getattr(student, function)(*probe.args()), probe.W, function)
    if np.array_equal(loss_0, loss_w, equal_nan=True) and np.array_equal(dW_0, dW_w, equal_nan=True):
        return (f"{function} returned the same loss ({loss_0!r}) and dW for W = 0 and for a random W "
                f"(N = {PROBE.N}, D = {PROBE.D}, C = {PROBE.C}, reg = 0): a function that ignores W earns no "
                "points for properties a constant also has (types, gradient consistency, invariances, purity).")
    return ""
