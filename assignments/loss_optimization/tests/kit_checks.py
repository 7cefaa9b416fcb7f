"""The checks the loss functions' public tests share: calling a loss and checking the form of its result,
the gradient check, the regularization split and untouched inputs (failures worded by kit_failures)."""

import importlib.util
from pathlib import Path

import numpy as np
from kit_failures import call, describe, fail
from kit_i18n import _

EPS = float(np.finfo(np.float64).eps)
#: Largest relative error accepted between your dW and centred differences (h = 1e-5). Away from
#: hinge kinks the loss is piecewise quadratic or smooth, so a correct dW gives about 1e-9 or less.
GRADIENT_BOUND = 1e-6


def kit_module(name):
    """A helper module of the kit (gradient_check, data_utils), imported from the folder above tests/."""
    path = Path(__file__).resolve().parent.parent / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_kit_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gradient_check = kit_module("gradient_check")


def run_loss(student, name, problem, note=""):
    """Call a loss function on a Problem and check the result has the form (number, dW of W's shape).

    Returns (loss as a Python float, dW). `note` is added to the description of the input.
    """
    on = problem.describe() + note
    result = call(student, name, on, problem.W, problem.X, problem.y, problem.reg)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(
            name,
            _("must return a tuple (loss, dW)."),
            on,
            _("a tuple (loss, dW)"),
            describe(result),
            _("the return statement: `return loss, dW`."),
        )
    loss, dW = result
    if np.ndim(loss) != 0 or not np.isrealobj(loss):
        fail(
            name,
            _("the loss must be a single real number."),
            on,
            _("a float"),
            describe(loss),
            _("the mean over examples: sum over everything and divide by N, then float(loss)."),
        )
    if not isinstance(dW, np.ndarray) or dW.shape != problem.W.shape:
        fail(
            name,
            _("dW must be a numpy array of W's shape."),
            on,
            _("numpy array of shape {shape}").format(shape=problem.W.shape),
            describe(dW),
            _("dW accumulates one column per class: start from np.zeros_like(W)."),
        )
    return float(loss), dW


def worst_gradient_error(analytic, numerical):
    """(largest relative error, its index) between two gradients.

    Relative error |a - n| / max(|a| + |n|, scale) as in gradient_check.rel_error, with the floor
    `scale` = the larger gradient's largest entry, so that entries near 0 compare on the gradient's scale.
    """
    scale = max(float(np.abs(analytic).max()), float(np.abs(numerical).max()), 1e-12)
    errors = gradient_check.rel_error(analytic, numerical, tiny=scale)
    index = np.unravel_index(int(np.argmax(errors)), errors.shape)
    return float(errors[index]), tuple(int(i) for i in index)


def check_return_types(student, name, problem, dW_look_at):
    """The loss function returns a Python float loss and a float64 dW of W's shape."""
    _loss, dW = run_loss(student, name, problem)
    raw_loss = call(student, name, problem.describe(), problem.W, problem.X, problem.y, problem.reg)[0]
    if not isinstance(raw_loss, float):
        fail(
            name,
            _("the loss must be a Python float."),
            problem.describe(),
            "float",
            describe(raw_loss),
            _("return float(loss) rather than an array or a numpy scalar of another type."),
        )
    if dW.dtype != np.float64:
        fail(name, _("dW must have W's dtype (float64 here)."), problem.describe(), "float64", str(dW.dtype), dW_look_at)


def check_gradient(student, name, problem, look_at):
    """Compare dW with centred differences of the loss (gradient_check.py, h = 1e-5) at every entry of W."""
    _loss, dW = run_loss(student, name, problem)
    numerical = gradient_check.eval_numerical_gradient(
        lambda W: run_loss(student, name, problem.with_W(W))[0], problem.W.copy()
    )
    error, (d, c) = worst_gradient_error(dW, numerical)
    if not error <= GRADIENT_BOUND:
        fail(
            name,
            _(
                "the analytic gradient dW does not match the numerical gradient (centred differences, "
                "h = 1e-5): relative error {error} at W[{d}, {c}] (must be <= {bound})."
            ).format(error=f"{error:.2e}", d=d, c=c, bound=f"{GRADIENT_BOUND:g}"),
            problem.describe(),
            _("dW[{d}, {c}] = {value} (numerical)").format(d=d, c=c, value=f"{numerical[d, c]:.8g}"),
            _("dW[{d}, {c}] = {value} (yours)").format(d=d, c=c, value=f"{dW[d, c]:.8g}"),
            look_at,
        )


#: The hidden suite's diagnoses of the regularization slips, word for word (tests/test_kit.py checks that
#: they agree), so a student reads the same likely mistake here as in the grader's feedback.
REG_HALF = _("the regularization term is 0.5·reg·ΣW² (this course uses reg·ΣW²)")
REG_MISSING = _("the regularization term reg·ΣW² is missing from the loss")
REG_HALF_GRAD = _("the regularization gradient is reg·W, the gradient of 0.5·reg·ΣW² "
                  "(this course uses reg·ΣW², whose gradient is 2·reg·W)")
REG_MISSING_GRAD = _("the regularization gradient 2·reg·W is missing from dW")


def likely_mistake(got, expected, candidates):
    """"\n  likely mistake: ..." for the first (factor, text) whose factor·expected is what the student got
    (to rounding), else "": the regularization part is a known multiple of the right one for each slip."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    for factor, text in candidates:
        if np.allclose(got, factor * expected, rtol=1e-7, atol=1e-12):
            return "\n  " + _("likely mistake: {mistake}").format(mistake=text)
    return ""


def check_regularization(student, name, problem):
    """loss(W, reg) - loss(W, 0) == reg * sum(W * W) and dW(reg) - dW(0) == 2 * reg * W, to rounding."""
    on = problem.describe() + _(" (compared with the same W, X, y and reg=0)")
    loss_reg, dW_reg = run_loss(student, name, problem)
    loss_0, dW_0 = run_loss(student, name, problem.with_reg(0.0), _(" (reg=0 for comparison)"))
    expected = problem.reg * float(np.sum(problem.W * problem.W))
    got = loss_reg - loss_0
    if not abs(got - expected) <= 1e-9 * (abs(expected) + abs(loss_0)) + 1e-12:
        ratio = _(" ({ratio} times the right value)").format(ratio=f"{got / expected:.3g}") if expected else ""
        fail(
            name,
            _("the regularization term must be exactly reg * np.sum(W * W)."),
            on,
            f"loss(reg) - loss(0) = {expected:.10g}",
            f"loss(reg) - loss(0) = {got:.10g}{ratio}",
            _("add reg * np.sum(W * W) to the mean data loss (no 0.5 factor in this course), once.")
            + likely_mistake(got, expected, ((0.5, REG_HALF), (0.0, REG_MISSING))),
        )
    expected_dW = 2 * problem.reg * problem.W
    got_dW = dW_reg - dW_0
    tol = 1e-9 * (np.abs(expected_dW) + np.abs(dW_0)) + 1e-12
    if not np.all(np.abs(got_dW - expected_dW) <= tol):
        d, c = np.unravel_index(int(np.argmax(np.abs(got_dW - expected_dW) - tol)), tol.shape)
        fail(
            name,
            _("the gradient of the regularization term must be exactly 2 * reg * W."),
            on,
            f"dW(reg) - dW(0) at [{d}, {c}] = {expected_dW[d, c]:.10g}",
            f"dW(reg) - dW(0) at [{d}, {c}] = {got_dW[d, c]:.10g}",
            _("add 2 * reg * W to dW (the derivative of reg * sum(W * W); reg * W would be for 0.5 * reg).")
            + likely_mistake(got_dW, expected_dW, ((0.5, REG_HALF_GRAD), (0.0, REG_MISSING_GRAD))),
        )


def check_inputs_unchanged(student, name, problem):
    """The loss function leaves W, X and y exactly as they were (values, shapes and dtypes)."""
    originals = {"W": problem.W.copy(), "X": problem.X.copy(), "y": problem.y.copy()}
    run_loss(student, name, problem)
    for label, original in originals.items():
        now = getattr(problem, label)
        if now.shape != original.shape or now.dtype != original.dtype or not np.array_equal(now, original):
            changed = int(np.sum(now != original)) if now.shape == original.shape else "all"
            fail(
                name,
                _("it modified its input {label}; W, X and y must not change.").format(label=label),
                problem.describe(),
                _("{label} unchanged").format(label=label),
                _("{label} changed in {count} entries").format(label=label, count=changed),
                _("in-place operations on inputs (`X -= ...`, `W *= ...`, `y[...] = ...`, np.*(..., out=X)); "
                "work on new arrays or copies."),
            )
