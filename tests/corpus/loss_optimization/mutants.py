'''Realistic wrong implementations, each a single mistake students make, as one function's source patched into
the reference. Each must lose points on that function and keep full marks on every other one.'''

from corpus import Entry


def mutant(function: str, name: str, why: str, source: str) -> Entry:
    """An Entry that replaces `function` with `source` and must lose points on it."""
    return Entry(name=name, patches={function: source}, loses=(function,), why=why)


NAIVE_TEMPLATE = """
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros(W.shape, dtype=np.result_type(W.dtype, X.dtype))
    num_classes = {classes}
    num_train = {train}
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
{skip}
            margin = scores[j] - correct_class_score{delta}
{body}
{average}
    {reg_loss}
    {reg_grad}
    return float(loss), dW
"""

NAIVE_DEFAULTS = {
    "classes": "W.shape[1]",
    "train": "X.shape[0]",
    "skip": "            if j == y[i]:\n                continue",
    "delta": " + 1",
    "body": "            if margin > 0:\n                loss += margin\n                dW[:, j] += X[i]\n"
         "                dW[:, y[i]] -= X[i]",
    "average": "    loss /= num_train\n    dW /= num_train",
    "reg_loss": "loss += reg * np.sum(W * W)",
    "reg_grad": "dW += 2 * reg * W",
}


def naive(name: str, why: str, **changes: str) -> Entry:
    """A mutant of svm_loss_naive: the reference's loops with some pieces changed."""
    return mutant("svm_loss_naive", name, why, NAIVE_TEMPLATE.format(**{**NAIVE_DEFAULTS, **changes}))


VECTORIZED_TEMPLATE = """
def svm_loss_vectorized(W, X, y, reg):
    num_train = {train}
    scores = {scores}
    rows = np.arange(num_train)
    correct = {correct}
    margins = np.maximum(0, scores - correct{delta})
    {zero_correct}
    loss = {loss} + reg * np.sum(W * W)
    coeff = ({active}).astype(scores.dtype)
    coeff[rows, y] = {correct_coeff}
    {before_grad}
    dW = X.T.dot(coeff){grad_average} + 2 * reg * W
    return float(loss), dW
"""

VECTORIZED_DEFAULTS = {
    "train": "X.shape[0]",
    "scores": "X.dot(W)",
    "correct": "scores[rows, y][:, np.newaxis]",
    "delta": " + 1",
    "zero_correct": "margins[rows, y] = 0",
    "loss": "margins.sum() / num_train",
    "active": "margins > 0",
    "correct_coeff": "-coeff.sum(axis=1)",
    "before_grad": "",
    "grad_average": " / num_train",
}


def vectorized(name: str, why: str, **changes: str) -> Entry:
    """A mutant of svm_loss_vectorized: the reference's array code with some pieces changed."""
    return mutant("svm_loss_vectorized", name, why, VECTORIZED_TEMPLATE.format(**{**VECTORIZED_DEFAULTS, **changes}))


SOFTMAX_TEMPLATE = """
def softmax_loss(W, X, y, reg):
    num_train = {train}
    scores = {scores}
    shifted = {shifted}
    exp_scores = np.exp(shifted)
    sums = exp_scores.sum({sum_axis}keepdims=True)
    rows = np.arange(num_train)
    probs = exp_scores / sums
    loss = {data_loss} + {reg_loss}
    {one_hot}
    {grad}
    return float(loss), dW
"""

SOFTMAX_DEFAULTS = {
    "train": "X.shape[0]",
    "scores": "X.dot(W)",
    "shifted": "scores - scores.max(axis=1, keepdims=True)",
    "sum_axis": "axis=1, ",
    "data_loss": "-np.sum(shifted[rows, y] - np.log(sums[:, 0])) / num_train",
    "reg_loss": "reg * np.sum(W * W)",
    "one_hot": "probs[rows, y] -= 1",
    "grad": "dW = X.T.dot(probs) / num_train + 2 * reg * W",
}


def softmax(name: str, why: str, **changes: str) -> Entry:
    """A mutant of softmax_loss: a textbook vectorized version with some pieces changed."""
    return mutant("softmax_loss", name, why, SOFTMAX_TEMPLATE.format(**{**SOFTMAX_DEFAULTS, **changes}))


def sgd(name: str, why: str, body: str) -> Entry:
    """A mutant of sgd_step with the given body (indented 4 spaces)."""
    return mutant("sgd_step", name, why, f"def sgd_step(W, dW, learning_rate):\n{body}\n")


NAIVE_LOOPS_IN_VECTORIZED = """
def svm_loss_vectorized(W, X, y, reg):
    dW = np.zeros(W.shape)
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i].dot(W)
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / X.shape[0] + reg * np.sum(W * W)
    dW = dW / X.shape[0] + 2 * reg * W
    return float(loss), dW
"""

MUTANTS = [
    # svm_loss_naive
    naive("naive_correct_class_in_sum", "the j == y[i] term is not skipped", skip=""),
    naive("naive_no_division_by_n", "neither loss nor dW is averaged", average=""),
    naive("naive_dw_not_averaged", "dW is not divided by N", average="    loss /= num_train"),
    naive("naive_half_reg", "0.5·reg·ΣW² and reg·W", reg_loss="loss += 0.5 * reg * np.sum(W * W)",
          reg_grad="dW += reg * W"),
    naive("naive_missing_reg_gradient", "no 2·reg·W in dW", reg_grad=""),
    naive("naive_reg_missing_from_loss", "reg·ΣW² not added to the loss", reg_loss=""),
    naive("naive_delta_zero", "margin without + 1", delta=""),
    naive("naive_correct_column_not_updated", "dW[:, y[i]] never decreased",
          body="            if margin > 0:\n                loss += margin\n                dW[:, j] += X[i]"),
    naive("naive_hardcoded_ten_classes", "num_classes = 10", classes="10"),
    naive("naive_n_from_wrong_axis", "num_train = X.shape[1]", train="X.shape[1]"),
    naive("naive_no_hinge_clip", "negative margins added to the loss",
          body="            loss += margin\n            if margin > 0:\n                dW[:, j] += X[i]\n"
               "                dW[:, y[i]] -= X[i]"),
    # svm_loss_vectorized
    vectorized("vectorized_minus_one_for_correct_class", "coeff[rows, y] = -1 instead of -count",
               correct_coeff="-1"),
    vectorized("vectorized_mean_over_all_margins", "loss = margins.mean() over N·C entries", loss="margins.mean()"),
    vectorized("vectorized_correct_margin_not_zeroed", "margins[rows, y] = 0 forgotten", zero_correct=""),
    vectorized("vectorized_no_newaxis", "correct scores (N,) broadcast against (N, C)",
               correct="scores[rows, y]"),
    vectorized("vectorized_mask_after_clip_geq", "(margins >= 0) after np.maximum marks every class",
               active="margins >= 0"),
    vectorized("vectorized_n_from_wrong_axis", "num_train = X.shape[1]", train="X.shape[1]"),
    vectorized("vectorized_low_precision", "scores computed in float32",
               scores="X.astype(np.float32).dot(W.astype(np.float32))"),
    vectorized("vectorized_mutates_x", "averages by dividing X in place", before_grad="X /= num_train",
               grad_average=""),
    vectorized("vectorized_delta_zero", "margin without + 1", delta=""),
    mutant("svm_loss_vectorized", "vectorized_loops", "the naive loops copied into the vectorized version",
           NAIVE_LOOPS_IN_VECTORIZED),
    mutant("svm_loss_vectorized", "vectorized_calls_naive", "delegates to the naive version",
           "def svm_loss_vectorized(W, X, y, reg):\n    return svm_loss_naive(W, X, y, reg)\n"),
    # softmax_loss
    softmax("softmax_no_max_shift", "exp of raw scores", shifted="scores"),
    softmax("softmax_global_max", "one max over the whole matrix", shifted="scores - np.max(scores)"),
    softmax("softmax_max_wrong_axis", "max over the examples (axis 0)",
            shifted="scores - scores.max(axis=0, keepdims=True)"),
    softmax("softmax_no_one_hot", "dscores = probs without - Y", one_hot=""),
    softmax("softmax_log10", "log10 instead of the natural log",
            data_loss="-np.sum(np.log10(probs[rows, y])) / num_train"),
    softmax("softmax_eps_in_log", "-log(p + 1e-8)", data_loss="-np.sum(np.log(probs[rows, y] + 1e-8)) / num_train"),
    softmax("softmax_no_division_by_n", "loss and dW not averaged",
            data_loss="-np.sum(shifted[rows, y] - np.log(sums[:, 0]))", grad="dW = X.T.dot(probs) + 2 * reg * W"),
    softmax("softmax_half_reg", "0.5·reg·ΣW² and reg·W", reg_loss="0.5 * reg * np.sum(W * W)",
            grad="dW = X.T.dot(probs) / num_train + reg * W"),
    softmax("softmax_missing_reg_gradient", "no 2·reg·W in dW", grad="dW = X.T.dot(probs) / num_train"),
    softmax("softmax_normalize_wrong_axis", "probabilities normalized over the examples", sum_axis="axis=0, ",
            data_loss="-np.sum(np.log(probs[rows, y])) / num_train"),
    softmax("softmax_hardcoded_ten_classes", "one-hot with np.eye(10)",
            one_hot="probs = probs - np.eye(10)[y]"),
    softmax("softmax_low_precision", "scores computed in float32",
            scores="X.astype(np.float32).dot(W.astype(np.float32))"),
    softmax("softmax_dw_aliases_w", "dW = W then in-place updates change the caller's W",
            grad="dW = W\n    dW *= 2 * reg\n    dW += X.T.dot(probs) / num_train"),
    softmax("softmax_n_from_wrong_axis", "num_train = X.shape[1]", train="X.shape[1]"),
    # sgd_step
    sgd("sgd_sign_flipped", "steps uphill", "    return W + learning_rate * dW"),
    sgd("sgd_rate_ignored", "W - dW", "    return W - dW"),
    sgd("sgd_update_in_place", "W -= ...; return W", "    W -= learning_rate * dW\n    return W"),
    sgd("sgd_scales_gradient_in_place", "dW *= learning_rate", "    dW *= learning_rate\n    return W - dW"),
    sgd("sgd_forgets_w", "returns only the step", "    return -learning_rate * dW"),
]
