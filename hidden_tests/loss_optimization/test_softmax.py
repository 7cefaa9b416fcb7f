"""Hidden properties of softmax_loss: agreement with the reference, exact values at W = 0, the regularization
split, gradient checks, invariances, numerical stability where the textbook max-shift is exact."""

import numpy as np
import prop_oracle as oracle
import pytest
from hypothesis import given
from hypothesis import strategies as st
from prop_checks import (
    NOT_MEAN,
    NOT_MEAN_GRAD,
    REG_HALF,
    REG_HALF_GRAD,
    REG_MISSING,
    REG_MISSING_GRAD,
    assert_grad_close,
    assert_loss_close,
    assert_regularization_split,
    describe,
    fail,
    sentence,
    tolerance,
)
from prop_common import check_inputs_not_modified, check_mean_over_examples, check_return_types, run_loss
from prop_problems import Inputs, build, build_row_offsets, problems

FN = "softmax_loss"
#: Score sizes for float32 inputs: the textbook exp/sum/log underflows in float32 once the correct class trails
#: the row's maximum by ~87 (not ~700 as in float64), so keep score gaps well below that.
SCALES_FLOAT32 = (1.0, 0.01, 5.0, 0.1)


def grade(points: float, hint: str):
    """The grade marker of a softmax_loss test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


def run(student, inputs: Inputs):
    """The student's (loss, dW) on inputs, as (float, float64 array)."""
    return run_loss(student, FN, inputs)


def loss_mistakes(inputs: Inputs) -> dict[str, float]:
    """Loss values that common softmax mistakes would produce on these inputs, keyed by explanation."""
    W, X, y, reg = inputs.as_float64().args()
    n, d = X.shape
    data = oracle.softmax_loss(W, X, y, 0.0)
    r = reg * float(np.sum(W * W))
    return {
        "the log is log10; the cross-entropy uses the natural log np.log": data / np.log(10) + r,
        NOT_MEAN: n * data + r,
        "the data loss is divided by X.shape[1] (D) instead of X.shape[0] (N)": n * data / d + r,
        REG_HALF: data + 0.5 * r,
        REG_MISSING: data,
    }


def grad_mistakes(inputs: Inputs) -> dict[str, np.ndarray]:
    """dW values that common softmax mistakes would produce on these inputs, keyed by explanation."""
    W, X, y, reg = inputs.as_float64().args()
    n, c = X.shape[0], W.shape[1]
    g = oracle.softmax_gradient(W, X, y, 0.0)
    probs_only = g + X.T @ oracle.one_hot(y, c) / n
    return {
        NOT_MEAN_GRAD: n * g + 2 * reg * W,
        "the one-hot labels are not subtracted from the probabilities (dscores = probs - Y)": probs_only + 2 * reg * W,
        REG_HALF_GRAD: g + reg * W,
        REG_MISSING_GRAD: g,
    }


@pytest.mark.usefixtures("does_real_work")
@grade(2, "Return `loss, dW`: loss a float (e.g. float(loss)), dW = an array shaped like W.")
@given(problem=problems(n=(1, 8), d=(1, 8), c=(2, 6), dtypes=("float64", "float32"), scales=SCALES_FLOAT32))
def test_softmax_returns_float_and_gradient(student, base_seed, problem):
    """Softmax: returns (loss, dW) with a float loss and a float dW shaped like W"""
    check_return_types(student, FN, build(problem, base_seed),
                       dW_hint="build dW from X.T.dot(...) without casting to a smaller type.")


@grade(3, "At W = 0 all C classes are equally likely: p = 1/C for every class, so -log p = log C.")
@given(problem=problems(regs=(0.0, 2.5)))
def test_softmax_at_zero_weights(student, base_seed, problem):
    """Softmax: at W = 0 the loss is log C (to the last digits) and dW = Xᵀ(1/C - Y)/N"""
    inputs = build(problem, base_seed)
    inputs = Inputs(np.zeros_like(inputs.W), inputs.X, inputs.y, inputs.reg)
    W, X, y, reg = inputs.args()
    n, c = X.shape[0], W.shape[1]
    loss, dW = run(student, inputs)
    context = sentence("{inputs}, W = 0", inputs=describe(*inputs.args()))
    eps = np.finfo(np.float64).eps
    assert_loss_close(
        "At W = 0 every class has probability exactly 1/C, so the loss is exactly log C.",
        loss, float(np.log(c)), 8 * eps * (n + c) * np.log(c), context,
        {"the log is log10; use the natural log np.log": float(np.log10(c)),
         NOT_MEAN: float(n * np.log(c))},
    )
    expected = X.T @ (1.0 / c - oracle.one_hot(y, c)) / n
    assert_grad_close(
        "At W = 0, dW = Xᵀ(P - Y)/N with every probability P = 1/C.",
        dW, [expected], tolerance(W, X, reg, np.float64).grad, context,
        {NOT_MEAN_GRAD: n * expected,
         "the one-hot labels are not subtracted from the probabilities": X.T @ np.full((n, c), 1.0 / c) / n},
    )


@grade(2, "With tiny weights the probabilities are all close to 1/C: the loss must be close to log C "
          "(a value near 2.3 for 10 classes is the classic sanity check).")
@given(problem=problems(regs=(0.0,)), tiny=st.sampled_from([1e-3, 1e-5]))
def test_softmax_small_weights(student, base_seed, problem, tiny):
    """Softmax: with small random W the loss is close to log C"""
    inputs = build(problem, base_seed)
    inputs = Inputs(inputs.W * (tiny / max(float(np.abs(inputs.W).max()), 1e-300)), inputs.X, inputs.y, 0.0)
    W, X = inputs.W, inputs.X
    c = W.shape[1]
    loss, _ = run(student, inputs)
    spread = 2 * float(np.abs(oracle.scores(W, X)).max(initial=0.0))
    assert_loss_close(
        sentence("With |W| ≤ {tiny} every score is within {half} of 0, so the loss is within {spread} of log C.",
                 tiny=tiny, half=f"{spread / 2:.2g}", spread=f"{spread:.2g}"),
        loss, float(np.log(c)), spread + tolerance(W, X, 0.0, np.float64).loss, describe(*inputs.args()),
        {"the log is log10; use the natural log np.log": float(np.log10(c))},
    )


@grade(4, "Compare your loss with the docstring: mean over N of -log(softmax probability of the correct class), "
          "plus reg·ΣW².")
@given(problem=problems())
def test_softmax_loss_matches_reference(student, reference, base_seed, problem):
    """Softmax: the loss equals the reference on random problems (N, D, C, reg, label patterns)"""
    inputs = build(problem, base_seed)
    loss, _ = run(student, inputs)
    expected, _ = reference.softmax_loss(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    assert_loss_close("The softmax loss must equal mean_i -log(exp(s_{y[i]}) / Σ_j exp(s_j)) + reg·ΣW².",
                      loss, expected, tol.loss, describe(*inputs.args()), loss_mistakes(inputs))


@grade(4, "dW = X.T.dot(P - Y) / N + 2·reg·W, with P the softmax probabilities and Y the one-hot labels.")
@given(problem=problems())
def test_softmax_gradient_matches_reference(student, reference, base_seed, problem):
    """Softmax: dW equals the reference on random problems"""
    inputs = build(problem, base_seed)
    _, dW = run(student, inputs)
    _, expected = reference.softmax_loss(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    assert_grad_close("dW must be the gradient of the softmax loss (with 2·reg·W for the regularization).",
                      dW, [expected], tol.grad, describe(*inputs.args()), grad_mistakes(inputs))


@grade(3, "The regularization is reg * np.sum(W * W) in the loss and 2 * reg * W in dW.")
@given(problem=problems(regs=(0.5, 2.5, 10.0), scales=(1.0, 5.0, 0.1)))
def test_softmax_regularization_split(student, base_seed, problem):
    """Softmax: L(W, reg) - L(W, 0) = reg·ΣW² and dW(reg) - dW(0) = 2·reg·W"""
    inputs = build(problem, base_seed)
    W, X, y, reg = inputs.args()
    assert_regularization_split(W, X, y, reg, run(student, inputs), run(student, Inputs(W, X, y, 0.0)))


@grade(2, "float32 inputs must work too: avoid hard-coded dtypes that lose precision or fail on float32.")
@given(problem=problems(dtypes=("float32",), scales=SCALES_FLOAT32))
def test_softmax_float32_inputs(student, reference, base_seed, problem):
    """Softmax: float32 inputs give the same loss and dW (to float32 precision)"""
    inputs = build(problem, base_seed)
    loss, dW = run(student, inputs)
    expected_loss, expected_dW = reference.softmax_loss(*inputs.as_float64().args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float32)
    context = describe(*inputs.args())
    assert_loss_close("With float32 W and X the loss must match the exact value to float32 precision.",
                      loss, expected_loss, tol.loss, context, loss_mistakes(inputs))
    assert_grad_close("With float32 W and X, dW must match the exact gradient to float32 precision.",
                      dW, [expected_dW], tol.grad, context, grad_mistakes(inputs))


@pytest.mark.usefixtures("does_real_work")
@grade(3, "Your dW disagrees with the slope of your own loss: check each term of dW against the loss formula "
          "(P - Y, division by N, the 2·reg·W term).")
@given(problem=problems(n=(1, 16), d=(1, 16), c=(2, 8), regs=(0.0, 0.5, 2.5), scales=(1.0, 0.1, 5.0)))
def test_softmax_gradient_check(student, base_seed, problem):
    """Softmax: dW agrees with a centred-difference gradient of the loss itself"""
    inputs = build(problem, base_seed)
    W, X, y, reg = inputs.args()
    _, dW = run(student, inputs)
    h = 1e-5 * max(1.0, float(np.abs(W).max()))
    rng = np.random.default_rng([base_seed, problem.seed, 7])
    coords = list(dict.fromkeys(zip(rng.integers(0, W.shape[0], 4).tolist(), rng.integers(0, W.shape[1], 4).tolist())))
    tol = tolerance(W, X, reg, np.float64)
    for d, c in coords:
        step = np.zeros_like(W)
        step[d, c] = h
        up, _ = run(student, Inputs(W + step, X, y, reg))
        down, _ = run(student, Inputs(W - step, X, y, reg))
        slope = (up - down) / (2 * h)
        # Rounding in the two losses, plus the Taylor remainder h²/6·|L'''| with |L'''| <= 0.1·max|X[:, d]|³.
        bound = 4 * tol.loss / h + h * h * float(np.abs(X[:, d]).max(initial=0.0)) ** 3 / 60 + tol.grad
        if not abs(dW[d, c] - slope) <= bound:
            rel = abs(dW[d, c] - slope) / max(abs(dW[d, c]) + abs(slope), 1e-300)
            fail("dW must be the slope of the loss: a centred difference of your loss disagrees with your dW.",
                 describe(*inputs.args()),
                 sentence("at dW[{d}, {c}]: centred difference {slope}, your dW {dW} (relative error {relative}; "
                          "allowed absolute error {allowed})", d=d, c=c, slope=repr(float(slope)),
                          dW=repr(float(dW[d, c])), relative=f"{rel:.2g}", allowed=f"{bound:.2g}"))


@pytest.mark.usefixtures("does_real_work")
@grade(2, "Softmax depends only on differences of scores within a row: compute probabilities from each row's "
          "scores, normalizing over the classes (axis=1).")
@given(problem=problems(regs=(0.0,), scales=(1.0, 0.1, 5.0)), shift=st.sampled_from([10.0, 1.0, 50.0]))
def test_softmax_row_shift_invariance(student, base_seed, problem, shift):
    """Softmax: adding the same vector to every column of W (a per-row score shift) changes nothing"""
    inputs = build(problem, base_seed)
    W, X, y, _ = inputs.args()
    v = np.random.default_rng([base_seed, problem.seed, 5]).standard_normal((W.shape[0], 1))
    v *= shift / np.sqrt(W.shape[0])
    shifted = Inputs(W + v, X, y, 0.0)
    loss, dW = run(student, Inputs(W, X, y, 0.0))
    loss_s, dW_s = run(student, shifted)
    tol = tolerance(W + v, X, 0.0, np.float64)
    context = sentence("{inputs}, every score of row i shifted by X[i]·v (|v| about {shift})",
                       inputs=describe(*inputs.args()), shift=shift)
    assert_loss_close("Shifting all scores of an example by the same amount must not change the loss.",
                      loss_s, loss, 2 * tol.loss, context)
    assert_grad_close("Shifting all scores of an example by the same amount must not change dW.",
                      dW_s, [dW], 2 * tol.grad, context)


@grade(3, "Subtract each row's own maximum: scores - scores.max(axis=1, keepdims=True). No shift overflows, one "
          "global max or a max over axis 0 underflows rows far below it.")
@given(problem=problems(n=(2, 32), d=(1, 16), c=(2, 10), scales=(1.0, 0.1, 5.0)))
def test_softmax_stable_with_row_offsets(student, base_seed, problem):
    """Softmax: stays finite and exact when rows have very different offsets (scores up to ±1500)"""
    inputs = build_row_offsets(problem, base_seed)
    W, X, y, reg = inputs.args()
    loss, dW = run(student, inputs)
    tol = tolerance(W, X, reg, np.float64)
    context = sentence("{inputs}; scores of row i are offset[i] + small, offsets from -1500 to 1500",
                       inputs=describe(*inputs.args()))
    assert_loss_close("The loss must stay finite and exact with large per-row score offsets (max-shift per row).",
                      loss, oracle.softmax_loss(W, X, y, reg), tol.loss, context)
    assert_grad_close("dW must stay finite and exact with large per-row score offsets.",
                      dW, [oracle.softmax_gradient(W, X, y, reg)], tol.grad, context)


@pytest.mark.usefixtures("does_real_work")
@grade(2, "Each row of P - Y sums to 0 (probabilities sum to 1, minus one 1): did you subtract the one-hot labels "
          "and normalize over the classes?")
@given(problem=problems(regs=(0.0,)))
def test_softmax_gradient_rows_sum_to_zero(student, base_seed, problem):
    """Softmax: with reg = 0, every row of dW sums to zero over the classes"""
    inputs = build(problem, base_seed)
    _, dW = run(student, inputs)
    tol = tolerance(inputs.W, inputs.X, 0.0, np.float64)
    W, X = inputs.W.astype(np.float64), inputs.X.astype(np.float64)
    assert_grad_close("With reg = 0, dW·1 = Xᵀ(P - Y)·1 / N = 0: each row of dW sums to zero.",
                      dW.sum(axis=1, keepdims=True), [np.zeros((W.shape[0], 1))], tol.grad * W.shape[1],
                      describe(*inputs.args()),
                      {"the one-hot labels are not subtracted": X.sum(axis=0)[:, None] / X.shape[0]})


@grade(1, "Each example's loss is -log of a probability: between (max score - correct score) and that plus log C.")
@given(problem=problems(regs=(0.0,)))
def test_softmax_loss_bounds(student, base_seed, problem):
    """Softmax: the loss is non-negative and within its per-example bounds"""
    inputs = build(problem, base_seed)
    loss, _ = run(student, inputs)
    low, high = oracle.softmax_bounds(*inputs.args()[:3])
    tol = tolerance(inputs.W, inputs.X, 0.0, np.float64).loss
    if not (loss >= -tol and low - tol <= loss <= high + tol):
        fail("The softmax loss is ≥ 0 and lies between mean(max_j s_j - s_y) and that + log C.",
             describe(*inputs.args()), sentence("bounds: [{low}, {high}]", low=repr(max(low, 0.0)), high=repr(high)),
             f"got: {loss!r}")


@pytest.mark.usefixtures("does_real_work")
@grade(2, "The loss is a mean over examples: divide by N = X.shape[0].")
@given(problem=problems(n=(1, 24), d=(1, 16)), copies=st.integers(2, 3))
def test_softmax_mean_over_examples(student, base_seed, problem, copies):
    """Softmax: shuffling the examples or repeating the whole batch changes neither loss nor dW"""
    inputs = build(problem, base_seed)
    order = np.random.default_rng([base_seed, problem.seed, 3]).permutation(len(inputs.y))
    check_mean_over_examples(student, FN, inputs, order, copies)


@grade(1, "Labels can be any integer dtype and any class may be missing or be the only one.")
@given(problem=problems(labels=("one_class", "last_class", "every_class"), label_dtypes=("int32", "uint8", "int64"),
                        n=(1, 32), d=(1, 16)))
def test_softmax_label_edge_cases(student, reference, base_seed, problem):
    """Softmax: correct with all examples in one class, every class present, and int32/uint8 labels"""
    inputs = build(problem, base_seed)
    loss, dW = run(student, inputs)
    expected_loss, expected_dW = reference.softmax_loss(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    context = sentence("{inputs}, labels {labels}", inputs=describe(*inputs.args()), labels=repr(problem.labels))
    assert_loss_close("The loss must be right whatever the label pattern and integer dtype of y.",
                      loss, expected_loss, tol.loss, context, loss_mistakes(inputs))
    assert_grad_close("dW must be right whatever the label pattern and integer dtype of y.",
                      dW, [expected_dW], tol.grad, context, grad_mistakes(inputs))


@pytest.mark.usefixtures("does_real_work")
@grade(1, "Never modify W, X or y in place (no `scores = X; scores -= ...`, no `dW = W` then `dW += ...`): "
          "work on new arrays.")
@given(problem=problems(n=(1, 16), d=(1, 16)))
def test_softmax_inputs_not_modified(student, base_seed, problem):
    """Softmax: W, X and y are not modified, and a second identical call gives the same result"""
    check_inputs_not_modified(student, FN, build(problem, base_seed))