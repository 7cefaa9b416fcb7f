"""Hidden properties of the multiclass SVM loss, graded separately for svm_loss_naive and svm_loss_vectorized.

Every test calls only the function it grades, so a bug in one function never costs points on the other.
"""

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
from prop_problems import Inputs, build, build_integer, build_separable, problems


def svm(naive: float, vectorized: float, hint: str):
    """Run a test once per SVM function, each run graded on that function with its points."""
    return pytest.mark.parametrize(
        "fn",
        [
            pytest.param("svm_loss_naive", id="naive",
                         marks=pytest.mark.grade(function="svm_loss_naive", points=naive, hint=hint)),
            pytest.param("svm_loss_vectorized", id="vectorized",
                         marks=pytest.mark.grade(function="svm_loss_vectorized", points=vectorized, hint=hint)),
        ],
    )


def loss_mistakes(inputs: Inputs) -> dict[str, float]:
    """Loss values that common SVM mistakes would produce on these inputs, keyed by explanation."""
    W, X, y, reg = inputs.as_float64().args()
    n, d = X.shape
    c = W.shape[1]
    data = oracle.svm_loss(W, X, y, 0.0)
    r = reg * float(np.sum(W * W))
    return {
        "the correct class is counted in the sum (it always adds a margin of 1): skip j == y[i]": data + 1 + r,
        NOT_MEAN: n * data + r,
        "the sum is averaged over all N·C margins instead of over the N examples": data / c + r,
        "the data loss is divided by X.shape[1] (D) instead of X.shape[0] (N)": n * data / d + r,
        REG_HALF: data + 0.5 * r,
        REG_MISSING: data,
    }


def grad_mistakes(inputs: Inputs) -> dict[str, np.ndarray]:
    """dW values that common SVM mistakes would produce on these inputs, keyed by explanation."""
    W, X, y, reg = inputs.as_float64().args()
    n = X.shape[0]
    g = oracle.svm_gradient(W, X, y, 0.0, oracle.svm_margins(W, X, y) > 0)
    active = (oracle.svm_margins(W, X, y) > 0).astype(np.float64)
    only_j = X.T @ active / n
    minus_one = active.copy()
    minus_one[np.arange(n), y] = -(active.sum(axis=1) > 0).astype(np.float64)
    return {
        NOT_MEAN_GRAD: n * g + 2 * reg * W,
        REG_HALF_GRAD: g + reg * W,
        REG_MISSING_GRAD: g,
        "the correct-class column dW[:, y[i]] is never updated (subtract X[i] once per positive margin)": only_j
        + 2 * reg * W,
        "the correct class gets -1 instead of minus the number of positive margins": X.T @ minus_one / n
        + 2 * reg * W,
    }


def expected_gradients(reference_dW, inputs: Inputs, dtype) -> list[np.ndarray]:
    """The reference's dW plus, when a margin is (nearly) 0, the other valid subgradient."""
    W, X, y, reg = inputs.as_float64().args()
    tol = tolerance(W, X, 0.0, dtype)
    band = tol.loss / max(W.shape[1], 1)
    return [reference_dW.astype(np.float64), *oracle.svm_subgradients(W, X, y, reg, band)[1:]]


@pytest.mark.usefixtures("does_real_work")
@svm(naive=2, vectorized=2, hint="Return `loss, dW`: loss a float (e.g. float(loss)), dW = an array shaped like W.")
@given(problem=problems(n=(1, 8), d=(1, 8), c=(2, 6), dtypes=("float64", "float32")))
def test_svm_returns_float_and_gradient(student, base_seed, fn, problem):
    """SVM: returns (loss, dW) with a float loss and a float dW shaped like W"""
    check_return_types(student, fn, build(problem, base_seed),
                       dW_hint="create dW with np.zeros_like(W) or np.zeros(W.shape).")


@svm(naive=3, vectorized=2, hint="At W = 0 every margin is exactly 1: count only j != y[i] and keep delta = 1.")
@given(problem=problems(regs=(0.0, 2.5)))
def test_svm_at_zero_weights(student, base_seed, fn, problem):
    """SVM: at W = 0 the loss is exactly C - 1 (close to it for small W) and dW = Xᵀ(1 - C·Y)/N"""
    inputs = build(problem, base_seed)
    inputs = Inputs(np.zeros_like(inputs.W), inputs.X, inputs.y, inputs.reg)
    W, X, y, reg = inputs.args()
    n, c = X.shape[0], W.shape[1]
    loss, dW = run_loss(student, fn, inputs)
    context = sentence("{inputs}, W = 0", inputs=describe(*inputs.args()))
    assert_loss_close(
        "At W = 0 every score is 0, so each wrong class has margin exactly 1 and the loss is exactly C - 1.",
        loss, float(c - 1), 4 * np.finfo(np.float64).eps * n * c * c, context,
        {"the margin has no +1 (delta = 0)": 0.0,
         "the correct class is counted in the sum: skip j == y[i]": float(c),
         NOT_MEAN: float(n * (c - 1)),
         "the sum is averaged over all N·C margins instead of over the N examples": (c - 1) / c},
    )
    expected = X.T @ (1.0 - c * oracle.one_hot(y, c)) / n
    assert_grad_close(
        "At W = 0 every wrong class is active: dW[:, j] = mean of X[i] over examples, minus C·X[i] for j = y[i].",
        dW, [expected], tolerance(W, X, reg, np.float64).grad, context,
        {NOT_MEAN_GRAD: n * expected,
         "the correct-class column is never updated": X.T @ (1.0 - oracle.one_hot(y, c)) / n,
         "the correct class gets -1 instead of -(number of positive margins)":
             X.T @ (1.0 - 2 * oracle.one_hot(y, c)) / n},
    )
    small = build(problem, base_seed).W
    small = small * (1e-3 / max(float(np.abs(small).max()), 1e-300))
    loss, _ = run_loss(student, fn, Inputs(small, X, y, reg))
    spread = float(np.abs(oracle.scores(small, X)).max(initial=0.0))
    assert_loss_close(
        sentence("With |W| ≤ 1e-3 every score is within {spread} of 0: every margin is about 1 and the loss about "
                 "C - 1.", spread=f"{spread:.2g}"),
        loss, float(c - 1), 2 * (c - 1) * spread + reg * float(np.sum(small * small))
        + tolerance(small, X, reg, np.float64).loss, describe(small, X, y, reg),
        {"the margin has no +1 (delta = 0)": 0.0, "the correct class is counted in the sum": float(c)},
    )


@svm(naive=3, vectorized=3, hint="Compare your loss with the formula in the docstring: mean over N of the "
                                 "hinge sums, plus reg·ΣW².")
@given(problem=problems())
def test_svm_loss_matches_reference(student, reference, base_seed, fn, problem):
    """SVM: the loss equals the reference on random problems (N, D, C, reg, label patterns)"""
    inputs = build(problem, base_seed)
    loss, _ = run_loss(student, fn, inputs)
    expected, _ = reference.svm_loss_naive(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    assert_loss_close("The SVM loss must equal mean_i Σ_{j≠y[i]} max(0, s_j - s_{y[i]} + 1) + reg·ΣW².",
                      loss, expected, tol.loss, describe(*inputs.args()), loss_mistakes(inputs))


@svm(naive=4, vectorized=3, hint="For each positive margin add X[i] to dW[:, j] and subtract it from "
                                 "dW[:, y[i]]; divide by N; add 2·reg·W.")
@given(problem=problems())
def test_svm_gradient_matches_reference(student, reference, base_seed, fn, problem):
    """SVM: dW equals the reference on random problems"""
    inputs = build(problem, base_seed)
    _, dW = run_loss(student, fn, inputs)
    _, expected = reference.svm_loss_naive(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    assert_grad_close("dW must be the gradient of the SVM loss (with 2·reg·W for the regularization).",
                      dW, expected_gradients(expected, inputs, np.float64), tol.grad, describe(*inputs.args()),
                      grad_mistakes(inputs))


@svm(naive=3, vectorized=2, hint="The regularization is reg * np.sum(W * W) in the loss and 2 * reg * W in dW.")
@given(problem=problems(regs=(0.5, 2.5, 10.0), scales=(1.0, 5.0, 0.1)))
def test_svm_regularization_split(student, base_seed, fn, problem):
    """SVM: L(W, reg) - L(W, 0) = reg·ΣW² and dW(reg) - dW(0) = 2·reg·W"""
    inputs = build(problem, base_seed)
    W, X, y, reg = inputs.args()
    assert_regularization_split(W, X, y, reg, run_loss(student, fn, inputs), run_loss(student, fn, Inputs(W, X, y, 0.0)))


@svm(naive=2, vectorized=2, hint="float32 inputs must work too: avoid hard-coded dtypes that lose precision "
                                 "or fail on float32.")
@given(problem=problems(dtypes=("float32",)))
def test_svm_float32_inputs(student, reference, base_seed, fn, problem):
    """SVM: float32 inputs give the same loss and dW (to float32 precision)"""
    inputs = build(problem, base_seed)
    loss, dW = run_loss(student, fn, inputs)
    exact = inputs.as_float64()
    expected_loss, expected_dW = reference.svm_loss_naive(*exact.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float32)
    context = describe(*inputs.args())
    assert_loss_close("With float32 W and X the loss must match the exact value to float32 precision.",
                      loss, expected_loss, tol.loss, context, loss_mistakes(inputs))
    assert_grad_close("With float32 W and X, dW must match the exact gradient to float32 precision.",
                      dW, expected_gradients(expected_dW, exact, np.float32), tol.grad, context, grad_mistakes(inputs))


@svm(naive=2, vectorized=1, hint="At a margin of exactly 0 either choice (> 0 or >= 0) is fine, but each "
                                 "positive margin must add X[i] to column j and subtract it from column y[i].")
@given(problem=problems(n=(1, 24), d=(1, 12), c=(2, 8), dtypes=("float64", "float32")))
def test_svm_hinge_kinks(student, base_seed, fn, problem):
    """SVM: with integer-valued inputs (margins exactly 0) the result is a valid subgradient"""
    inputs = build_integer(problem, base_seed)
    loss, dW = run_loss(student, fn, inputs)
    W, X, y, reg = inputs.as_float64().args()
    tol = tolerance(W, X, reg, inputs.W.dtype)
    context = sentence("{inputs} (integer-valued W and X)", inputs=describe(*inputs.args()))
    assert_loss_close("With integer scores the loss is exact: mean of Σ_{j≠y[i]} max(0, margin) + reg·ΣW².",
                      loss, oracle.svm_loss(W, X, y, reg), tol.loss, context, loss_mistakes(inputs))
    assert_grad_close("At a hinge kink (margin exactly 0) dW must be one of the two one-sided gradients.",
                      dW, oracle.svm_subgradients(W, X, y, reg, 0.0), tol.grad, context, grad_mistakes(inputs))


def centred_differences(loss_at, W, coords, h):
    """(L(W + h·e_k) - L(W - h·e_k)) / 2h for each coordinate k in coords."""
    out = []
    for k in coords:
        step = np.zeros_like(W)
        step[k] = h
        out.append((loss_at(W + step) - loss_at(W - step)) / (2 * h))
    return np.array(out)


@pytest.mark.usefixtures("does_real_work")
@svm(naive=2, vectorized=1, hint="Your dW disagrees with the slope of your own loss: check each term of dW "
                                 "against the loss formula (division by N, the 2·reg·W term).")
@given(problem=problems(n=(1, 16), d=(1, 16), c=(2, 8), regs=(0.0, 0.5, 2.5)))
def test_svm_gradient_check(student, base_seed, fn, problem):
    """SVM: dW agrees with a centred-difference gradient of the loss itself (away from kinks)"""
    inputs = build(problem, base_seed)
    W, X, y, reg = inputs.args()
    _, dW = run_loss(student, fn, inputs)
    h = 1e-5 * max(1.0, float(np.abs(W).max()))
    margins = oracle.svm_margins(W, X, y)
    reach = 2 * h * np.abs(X).max(axis=1, initial=0.0)[:, None] + 1e-12
    rng = np.random.default_rng([base_seed, problem.seed, 7])
    coords = []
    for d, c in zip(rng.integers(0, W.shape[0], 12), rng.integers(0, W.shape[1], 12)):
        touched = np.abs(margins[:, c]) <= reach[:, 0]
        touched |= (y == c) & np.any(np.abs(margins) <= reach, axis=1)
        if not np.any(touched):
            coords.append((int(d), int(c)))
    coords = list(dict.fromkeys(coords))[:4]
    numeric = centred_differences(lambda V: run_loss(student, fn, Inputs(V, X, y, reg))[0], W, coords, h)
    tol = tolerance(W, X, reg, np.float64)
    bound = 4 * tol.loss / h + tol.grad
    for (d, c), slope in zip(coords, numeric):
        if not abs(dW[d, c] - slope) <= bound:
            rel = abs(dW[d, c] - slope) / max(abs(dW[d, c]) + abs(slope), 1e-300)
            fail("dW must be the slope of the loss: a centred difference of your loss disagrees with your dW.",
                 describe(*inputs.args()),
                 sentence("at dW[{d}, {c}]: centred difference {slope}, your dW {dW} (relative error {relative}; "
                          "allowed absolute error {allowed})", d=d, c=c, slope=repr(float(slope)),
                          dW=repr(float(dW[d, c])), relative=f"{rel:.2g}", allowed=f"{bound:.2g}"))


@svm(naive=1, vectorized=1, hint="Labels can be any integer dtype and any class may be missing or be the only one.")
@given(problem=problems(labels=("one_class", "last_class", "every_class"), label_dtypes=("int32", "uint8", "int64"),
                        n=(1, 32), d=(1, 16)))
def test_svm_label_edge_cases(student, reference, base_seed, fn, problem):
    """SVM: correct with all examples in one class, every class present, and int32/uint8 labels"""
    inputs = build(problem, base_seed)
    loss, dW = run_loss(student, fn, inputs)
    expected_loss, expected_dW = reference.svm_loss_naive(*inputs.args())
    tol = tolerance(inputs.W, inputs.X, inputs.reg, np.float64)
    context = sentence("{inputs}, labels {labels}", inputs=describe(*inputs.args()), labels=repr(problem.labels))
    assert_loss_close("The loss must be right whatever the label pattern and integer dtype of y.",
                      loss, expected_loss, tol.loss, context, loss_mistakes(inputs))
    assert_grad_close("dW must be right whatever the label pattern and integer dtype of y.",
                      dW, expected_gradients(expected_dW, inputs, np.float64), tol.grad, context,
                      grad_mistakes(inputs))


@svm(naive=1, vectorized=1, hint="A zero data loss means every margin is negative; scaling W up keeps them so.")
@given(problem=problems(d=(12, 24), regs=(0.0,)), alpha=st.sampled_from([1.0, 2.5, 100.0]))
def test_svm_zero_loss_scaling(student, reference, base_seed, fn, problem, alpha):
    """SVM: when the loss is 0 it stays 0 for αW with α ≥ 1 (and not for α = 0.1)"""
    inputs = build_separable(problem, base_seed)
    W, X, y, _ = inputs.args()
    context = sentence("{inputs} (separable data, every margin < 0)", inputs=describe(*inputs.args()))
    tol = tolerance(alpha * W, X, 0.0, np.float64)
    for factor, why in ((1.0, sentence("every margin is negative")),
                        (alpha, sentence("scaling W by α = {alpha} ≥ 1 keeps it so", alpha=alpha))):
        loss, _ = run_loss(student, fn, Inputs(factor * W, X, y, 0.0))
        assert_loss_close(sentence("The SVM data loss must be 0 here: {why}.", why=why), loss, 0.0, tol.loss, context,
                          {"the correct class is counted in the sum": 1.0})
    loss, _ = run_loss(student, fn, Inputs(0.1 * W, X, y, 0.0))
    expected, _ = reference.svm_loss_naive(0.1 * W, X, y, 0.0)
    assert_loss_close("Scaling W by α = 0.1 pulls margins above 0: the loss becomes positive.",
                      loss, expected, tol.loss, context, {"the margin has no +1 (delta = 0)": 0.0})


@pytest.mark.usefixtures("does_real_work")
@svm(naive=1, vectorized=1, hint="Never modify W, X or y in place (no `X -= ...`, `W *= ...`, `dW = W` then "
                                 "`dW += ...`): work on new arrays.")
@given(problem=problems(n=(1, 16), d=(1, 16)))
def test_svm_inputs_not_modified(student, base_seed, fn, problem):
    """SVM: W, X and y are not modified, and a second identical call gives the same result"""
    check_inputs_not_modified(student, fn, build(problem, base_seed))


@pytest.mark.usefixtures("does_real_work")
@svm(naive=1, vectorized=1, hint="The loss is a mean over examples: divide by N = X.shape[0].")
@given(problem=problems(n=(1, 24), d=(1, 16)), copies=st.integers(2, 3))
def test_svm_mean_over_examples(student, base_seed, fn, problem, copies):
    """SVM: shuffling the examples or repeating the whole batch changes neither loss nor dW"""
    inputs = build(problem, base_seed)
    order = np.random.default_rng([base_seed, problem.seed, 3]).permutation(len(inputs.y))
    check_mean_over_examples(student, fn, inputs, order, copies)