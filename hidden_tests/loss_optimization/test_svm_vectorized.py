"""Hidden checks that svm_loss_vectorized is really vectorized: no Python loops in its source (read as text,
never imported) and much faster than a loop where a loop's cost shows."""

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
    assert_computes_the_svm_loss(student, reference, base_seed, "No loops found")


def assert_computes_the_svm_loss(student, reference, base_seed, finding: str) -> None:
    """Fail unless svm_loss_vectorized gives the SVM loss and dW on one ordinary problem: being loop-free
    or fast earns points only for a function that does the work (a constant is both)."""
    inputs = build(Problem(N=7, D=5, C=4, reg=0.5, seed=1), base_seed)
    loss, dW = loss_and_grad(student.svm_loss_vectorized(*inputs.args()), inputs.W, "svm_loss_vectorized")
    expected_loss, expected_dW = reference.svm_loss_naive(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    context = describe(*inputs.args())
    assert_loss_close(f"{finding}; the vectorized loss must also be the SVM loss to earn these points.",
                      loss, expected_loss, tol.loss, context)
    assert_grad_close(f"{finding}; the vectorized dW must also be the SVM gradient to earn these points.",
                      dW, [expected_dW], tol.grad, context)


#: A size where a loop's cost dominates the cost of passing X to the submission (2 MB): a correct
#: vectorization measures 9-18x faster than the reference loop here even on a loaded machine, a loop ~1x.
SPEED_N, SPEED_D, SPEED_C = 2000, 128, 10
#: Required speed-up over the reference loop: 3x sits a factor of 3 from both kinds of solution.
REQUIRED_SPEEDUP = 3.0
#: Interleaved timings per series and attempts: a busy spell slows both series alike, and the best of
#: several runs of each is what the code costs when it gets the CPU.
SPEED_REPEATS, SPEED_ATTEMPTS = 3, 3


def wall_time(fn, args) -> float:
    """Wall time of one call fn(*args), in seconds."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


@pytest.mark.grade(function="svm_loss_vectorized", points=2,
                   hint="A loop over examples and classes is what makes svm_loss_naive slow: compute every margin "
                        "at once with array operations.")
def test_svm_vectorized_is_fast(student, reference, base_seed):
    """svm_loss_vectorized is much faster than a loop over examples and classes (N = 2000, D = 128, C = 10)"""
    rng = np.random.default_rng([base_seed, SPEED_N])
    X = rng.standard_normal((SPEED_N, SPEED_D))
    W = rng.standard_normal((SPEED_D, SPEED_C)) * 1e-3
    y = rng.integers(0, SPEED_C, SPEED_N)
    args = (W, X, y, 5e-6)
    assert_computes_the_svm_loss(student, reference, base_seed, "Speed is measured")
    for _ in range(SPEED_ATTEMPTS):
        loop, yours = [], []
        for _ in range(SPEED_REPEATS):
            loop.append(wall_time(reference.svm_loss_naive, args))
            yours.append(wall_time(student.svm_loss_vectorized, args))
        speedup = min(loop) / max(min(yours), 1e-9)
        if speedup >= REQUIRED_SPEEDUP:
            return
    fail("svm_loss_vectorized must be much faster than a loop over examples and classes.",
         f"measured here at N = {SPEED_N}, D = {SPEED_D}, C = {SPEED_C} (best of {SPEED_REPEATS} runs each): "
         f"a loop takes {min(loop) * 1e3:.1f} ms, yours {min(yours) * 1e3:.1f} ms",
         f"your speed-up over the loop: {speedup:.1f}x; required: {REQUIRED_SPEEDUP:.0f}x "
         "(a vectorized version reaches 10x or more)")
