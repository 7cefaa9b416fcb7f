"""The gate before properties that a do-nothing function satisfies vacuously (types, gradient consistency,
invariances, purity, being loop-free or fast): a constant `return 0.0, np.zeros_like(W)`, an `sgd_step`
returning W unchanged, or a function exact at W = 0 that returns garbage of W alone elsewhere would pass them,
so they earn points only from a function whose output depends on the data: W, X and y. A function that
ignores only reg (regularization forgotten in the loss and in dW) is not vacuous: that single mistake costs the
regularization properties, not every property behind the gate; the gate's message still names reg when a
vacuous function ignores it too."""

from __future__ import annotations

import numpy as np
from prop_checks import loss_and_grad, sentence
from prop_problems import Inputs, Problem, build, rng_for

#: The fixed ordinary problem the gate probes with: a random W and reg > 0, so the loss responds to each input.
PROBE = Problem(N=7, D=5, C=4, reg=0.5, seed=1)
#: The other regularization strength the gate compares with.
OTHER_REG = 2.5
#: What the properties behind the gate have in common, for its messages.
VACUOUS = sentence("types, gradient consistency, invariances, purity, being loop-free or fast")


def ignores_its_input(student, function: str, base_seed: int) -> str:
    """Why `function` earns no points for vacuous properties, or "" when its output depends on its inputs.

    A function that raises or returns something malformed here is not judged by the gate: the property itself
    then reports it, with the smallest failing input.
    """
    try:
        return _ignores_its_input(student, function, base_seed)
    except Exception:  # noqa: BLE001 - any failure of the student's code is the property's to report
        return ""


def does_no_work(student, function: str, base_seed: int) -> str:
    """Like ignores_its_input, but a function that raises or returns something malformed on the gate's ordinary
    problem does no work either: for properties that never call the function themselves (its source has no
    loops), or call it only to time it."""
    try:
        return _ignores_its_input(student, function, base_seed)
    except Exception as exc:  # noqa: BLE001 - the student's failure is the verdict here
        return (sentence("{function} failed on an ordinary problem (N = {N}, D = {D}, C = {C}, reg = {reg}): a "
                         "function that does no work earns no points for properties a function that does nothing "
                         "also has ({vacuous}).", function=function, N=PROBE.N, D=PROBE.D, C=PROBE.C, reg=PROBE.reg,
                         vacuous=VACUOUS)
                + f"\n  {type(exc).__name__}: {str(exc)[:300]}")


def _ignores_its_input(student, function: str, base_seed: int) -> str:
    """ignores_its_input without the guard: raises whatever the student's function raises."""
    if function == "sgd_step":
        return _sgd_ignores(student, base_seed)
    def call(inputs: Inputs):  # copies: a function that changes its arguments in place changes no other probe
        return getattr(student, function)(*(a.copy() if isinstance(a, np.ndarray) else a for a in inputs.args()))

    base = build(PROBE, base_seed)
    rng = rng_for(PROBE, base_seed, stream=7)
    changes = {
        "W": (sentence("W = 0 instead of a random W"), Inputs(np.zeros_like(base.W), base.X, base.y, base.reg)),
        "X": (sentence("another random X"), Inputs(base.W, rng.standard_normal(base.X.shape), base.y, base.reg)),
        "y": (sentence("every label y[i] moved to the next class"), Inputs(base.W, base.X, (base.y + 1) % PROBE.C, base.reg)),
        "reg": (sentence("reg = {other} instead of {reg}", other=OTHER_REG, reg=base.reg), Inputs(base.W, base.X, base.y, OTHER_REG)),
    }
    loss, dW = loss_and_grad(call(base), base.W, function)
    ignored = []
    for name, (how, changed) in changes.items():
        other_loss, other_dW = loss_and_grad(call(changed), changed.W, function)
        if np.array_equal(loss, other_loss, equal_nan=True) and np.array_equal(dW, other_dW, equal_nan=True):
            ignored.append((name, how))
    if all(name == "reg" for name, _ in ignored):  # forgetting reg everywhere is one mistake, named by its own
        return ""                                  # properties: it keeps the points of what it does honestly
    names = _joined([name for name, _ in ignored])
    return sentence("{function} returned the same loss ({loss}) and dW when only {names} changed ({changes}; "
                    "N = {N}, D = {D}, C = {C}): a function that ignores {names} earns no points for properties "
                    "a function that ignores its input also has ({vacuous}).", function=function, loss=repr(loss),
                    names=names, changes="; ".join(how for _, how in ignored), N=PROBE.N, D=PROBE.D, C=PROBE.C,
                    vacuous=VACUOUS)


def _sgd_ignores(student, base_seed: int) -> str:
    """The gate for sgd_step(W, dW, learning_rate): not a no-op, and not a constant. An update that ignores one
    argument (W - dW forgets the rate, -lr·dW forgets W) is a real mistake its own properties catch: it keeps
    the points of properties it honestly has (it does not modify its inputs)."""
    rng = np.random.default_rng([base_seed, 7])
    W, dW = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    out = student.sgd_step(W.copy(), dW.copy(), 0.1)
    if not isinstance(out, np.ndarray) or out.shape != W.shape:
        return ""
    if np.array_equal(out, W, equal_nan=True):
        return sentence("sgd_step returned W unchanged for a non-zero gradient and learning_rate = 0.1: an update "
                        "that does nothing earns no points for properties a no-op also has (no mutation, rate 0).")
    changes = {
        "W": (sentence("another random W"), (rng.standard_normal(W.shape), dW.copy(), 0.1)),
        "dW": (sentence("another random dW"), (W.copy(), rng.standard_normal(W.shape), 0.1)),
        "learning_rate": (sentence("learning_rate = 0.2 instead of 0.1"), (W.copy(), dW.copy(), 0.2)),
    }
    ignored = [(name, how) for name, (how, args) in changes.items()
               if np.array_equal(np.asarray(student.sgd_step(*args)), out, equal_nan=True)]
    if len(ignored) < len(changes):  # ignoring one argument (W - dW, -lr·dW) is a real mistake, not a no-op
        return ""
    return sentence("sgd_step returned the same update whatever W, dW and learning_rate ({changes}): an update "
                    "that ignores its input earns no points for properties a no-op also has (no mutation, rate 0).",
                    changes="; ".join(how for _, how in ignored))


def _joined(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else sentence("{names} and {last}", names=", ".join(names[:-1]), last=names[-1])
