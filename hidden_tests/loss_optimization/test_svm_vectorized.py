"""Hidden checks that svm_loss_vectorized is really vectorized: no Python loops in its source (read as text,
never imported) and much faster than a loop at CIFAR-like sizes."""

import ast
import time

import numpy as np
import pytest
from prop_checks import assert_grad_close, assert_loss_close, describe, fail, loss_and_grad, tolerance
from prop_problems import Problem, build
from prop_source import loops_in


@pytest.mark.grade(function="svm_loss_vectorized", points=3,
                   hint="Replace loops by array operations: scores = X.dot(W), correct-class scores with "
                        "scores[np.arange(N), y], masks for positive margins, and dW from X.T.dot(mask matrix).")
def test_svm_vectorized_has_no_loops(assignment, submission_dir, student, reference, base_seed):
    """svm_loss_vectorized contains no Python loops or comprehensions (and computes the loss)"""
    spec = assignment.function("svm_loss_vectorized")
    path = submission_dir / spec.file
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        fail(f"Could not read {spec.file} to check svm_loss_vectorized for loops.", f"{type(exc).__name__}: {exc}")
    if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == spec.name for n in tree.body):
        fail(f"{spec.file} has no top-level function svm_loss_vectorized.")
    found = loops_in(tree, spec.name)
    if found:
        fail("svm_loss_vectorized must not use Python loops (nor call a function of the file that does).",
             *[f"{spec.file} {where}" for where in found])
    inputs = build(Problem(N=7, D=5, C=4, reg=0.5, seed=1), base_seed)
    loss, dW = loss_and_grad(student.svm_loss_vectorized(*inputs.args()), inputs.W, spec.name)
    expected_loss, expected_dW = reference.svm_loss_naive(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    context = describe(*inputs.args())
    assert_loss_close("No loops found; the vectorized loss must also be the SVM loss to earn these points.",
                      loss, expected_loss, tol.loss, context)
    assert_grad_close("No loops found; the vectorized dW must also be the SVM gradient to earn these points.",
                      dW, [expected_dW], tol.grad, context)


def best_time(fn, args, repeats: int) -> float:
    """The shortest wall time of `repeats` calls fn(*args), in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.grade(function="svm_loss_vectorized", points=2,
                   hint="A loop over examples and classes is what makes svm_loss_naive slow: compute every margin "
                        "at once with array operations.")
def test_svm_vectorized_is_fast(student, reference, base_seed):
    """svm_loss_vectorized is much faster than a loop at CIFAR-like sizes (N = 500, D = 3073, C = 10)"""
    rng = np.random.default_rng([base_seed, 500])
    X = rng.standard_normal((500, 3073))
    W = rng.standard_normal((3073, 10)) * 1e-4
    y = rng.integers(0, 10, 500)
    small = (np.ascontiguousarray(W[:, :2]), X, y % 2, 5e-6)
    large = (W, X, y, 5e-6)

    def extra_cost(fn, repeats):
        """Seconds fn takes at C = 10 beyond C = 2 (best of `repeats` each): the loop work grows with C,
        while the cost of passing X (12 MB) to the function does not, so this measures computation alone."""
        return best_time(fn, large, repeats) - best_time(fn, small, repeats)

    # Measured up to three times, more carefully each time: a busy machine can slow one measurement,
    # but a loop never gets fast.
    for attempt in range(3):
        ref_loop = extra_cost(reference.svm_loss_naive, 1 + attempt)
        ref_vec = extra_cost(reference.svm_loss_vectorized, 2 + attempt)
        got = extra_cost(student.svm_loss_vectorized, 2 + attempt)
        ref_speedup = ref_loop / max(ref_vec, 1e-4)
        required = min(3.0, ref_speedup / 4)
        speedup = ref_loop / max(got, 1e-6)
        if speedup >= required:
            return
    fail("svm_loss_vectorized must be much faster than a loop over examples and classes.",
         f"measured here, from C = 2 to C = 10 classes: a loop takes {ref_loop * 1e3:.1f} ms more, "
         f"the reference vectorized version {max(ref_vec, 0) * 1e3:.1f} ms, yours {got * 1e3:.1f} ms",
         f"your speed-up over the loop: {speedup:.1f}x; required: {required:.1f}x "
         f"(the reference reaches {ref_speedup:.0f}x)")
