"""Hidden checks that svm_loss_vectorized is really vectorized: no Python loops in what its name is bound to (the
file read as Python decodes it, never imported) and much faster than a loop on fresh inputs every call.

Both earn points only from a function that does real work (it runs, and its output depends on W, X, y and reg:
the gate, a fixture, so its message carries no hint),
never for its values being right: a loop-free vectorization with a wrong factor keeps these points and loses
the value properties' (one mistake, one lesson).
"""

import pytest
from prop_checks import fail, loss_and_grad, sentence
from prop_source import PLAIN_ENCODINGS, check_loop_free
from prop_timing import REQUIRED_SPEEDUP, SPEED_C, SPEED_D, SPEED_N, SPEED_REPEATS, speedup

FUNCTION = "svm_loss_vectorized"


def local_modules(folder) -> set[str]:
    """Top-level module names the submission's own files and folders provide."""
    return {p.stem if p.suffix == ".py" else p.name for p in folder.iterdir() if p.suffix == ".py" or p.is_dir()}


@pytest.mark.grade(function=FUNCTION, points=3,
                   hint="Replace loops by array operations: scores = X.dot(W), correct-class scores with "
                        "scores[np.arange(N), y], masks for positive margins, and dW from X.T.dot(mask matrix).")
@pytest.mark.usefixtures("does_real_work_or_fails")
def test_svm_vectorized_has_no_loops(assignment, submission_dir):
    """svm_loss_vectorized contains no Python loops or comprehensions (and does real work)"""
    spec = assignment.function(FUNCTION)
    try:
        verdict = check_loop_free(submission_dir / spec.file, spec.name, local_modules(submission_dir))
    except (OSError, SyntaxError, ValueError) as exc:
        fail(sentence("Could not read {file} to check {function} for loops.", file=spec.file, function=FUNCTION),
             f"{type(exc).__name__}: {exc}")
    if not verdict.defined:
        fail(sentence("{file} binds no top-level name {function}.", file=spec.file, function=FUNCTION))
    decoded = ("" if verdict.encoding in PLAIN_ENCODINGS else
               sentence("{file} is read as {encoding}, as Python reads it (its coding line says so); line numbers "
                        "count lines of the decoded text", file=spec.file, encoding=verdict.encoding))
    if verdict.loops:
        fail(sentence("{function} must not use Python loops (nor call or be replaced by code of the file that does).",
                      function=FUNCTION),
             decoded, *[f"{spec.file} {where}" for where in verdict.loops])
    if verdict.unreadable:
        fail(sentence("The loop check cannot tell what {function} runs: keep it a plain function of {file}, without "
                      "rebinding it or fetching code by name.", function=FUNCTION, file=spec.file), decoded,
             *[f"{spec.file} {why}" for why in verdict.unreadable])


@pytest.mark.grade(function=FUNCTION, points=2,
                   hint="A loop over examples and classes is what makes svm_loss_naive slow: compute every margin "
                        "at once with array operations.")
@pytest.mark.usefixtures("does_real_work_or_fails")
def test_svm_vectorized_is_fast(student, reference, base_seed, reference_loop_seconds):
    """svm_loss_vectorized is much faster than a loop over examples and classes (N = 2000, D = 128, C = 10)"""
    measured = speedup(student.svm_loss_vectorized, reference.svm_loss_naive, reference_loop_seconds, base_seed,
                       lambda result, W: loss_and_grad(result, W, FUNCTION))
    if measured.different:
        fail(sentence("{function} must compute on the timed inputs what it computes on small ones.", function=FUNCTION),
             measured.different)
    if measured.speedup < REQUIRED_SPEEDUP:
        fail(sentence("{function} must be much faster than a loop over examples and classes.", function=FUNCTION),
             sentence("measured here at N = {N}, D = {D}, C = {C} on fresh inputs every call (best of {repeats} runs "
                      "each): a loop takes {loop} ms, yours {yours} ms", N=SPEED_N, D=SPEED_D, C=SPEED_C,
                      repeats=SPEED_REPEATS, loop=f"{measured.loop_s * 1e3:.1f}", yours=f"{measured.yours_s * 1e3:.1f}"),
             sentence("your speed-up over the loop: {speedup}x; required: {required}x (a vectorized version reaches "
                      "10x or more)", speedup=f"{measured.speedup:.1f}", required=f"{REQUIRED_SPEEDUP:.0f}"))
