'''Alternative correct implementations (other numpy idioms, the other subgradient at the hinge kink, other label
and float handling), each patched into the reference: every one must get full marks on every function.'''

from corpus import Entry

SVM_VECTORIZED_ONE_HOT = """
def svm_loss_vectorized(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    Y = np.eye(C)[y]
    scores = X @ W
    correct = np.sum(scores * Y, axis=1, keepdims=True)
    margins = np.maximum(0.0, scores - correct + 1.0) * (1 - Y)
    loss = np.sum(margins) / N + reg * np.sum(W ** 2)
    active = (margins > 0).astype(float)
    coeff = active - Y * active.sum(axis=1, keepdims=True)
    dW = X.T @ coeff / N + 2 * reg * W
    return loss, dW
"""

SVM_VECTORIZED_EINSUM = """
def svm_loss_vectorized(W, X, y, reg):
    n = len(y)
    scores = np.einsum("nd,dc->nc", X, W)
    idx = np.arange(n)
    margins = scores - scores[idx, y].reshape(-1, 1) + 1
    margins[idx, y] = 0
    positive = margins > 0
    loss = np.einsum("nc,nc->", margins, positive) / n + reg * np.einsum("dc,dc->", W, W)
    coeff = positive.astype(W.dtype)
    coeff[idx, y] -= positive.sum(axis=1)
    dW = np.einsum("nd,nc->dc", X, coeff) / n + 2 * reg * W
    return float(loss), dW
"""

SVM_VECTORIZED_ADD_AT = """
def svm_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    rows = np.arange(num_train)
    margins = scores - scores[rows, y][:, None] + 1
    mask = np.ones_like(margins, dtype=bool)
    mask[rows, y] = False
    active = (margins > 0) & mask
    loss = np.sum(margins[active]) / num_train + reg * np.sum(W * W)
    dW = X.T.dot(active.astype(X.dtype))
    counts = active.sum(axis=1)
    dWt = np.zeros((W.shape[1], W.shape[0]), dtype=dW.dtype)
    np.add.at(dWt, y, -counts[:, None] * X)
    dW = (dW + dWt.T) / num_train + 2 * reg * W
    return float(loss), dW
"""

SVM_NAIVE_GEQ = """
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i].dot(W)
        for j in range(W.shape[1]):
            if j != y[i]:
                margin = scores[j] - scores[y[i]] + 1
                if margin >= 0:
                    loss += margin
                    dW[:, j] += X[i]
                    dW[:, y[i]] -= X[i]
    loss = loss / X.shape[0] + reg * np.sum(W * W)
    dW = dW / X.shape[0] + 2 * reg * W
    return loss, dW
"""

SVM_VECTORIZED_GEQ = """
def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X.dot(W)
    rows = np.arange(n)
    raw = scores - scores[rows, y][:, np.newaxis] + 1
    raw[rows, y] = -np.inf
    active = raw >= 0
    loss = np.sum(np.where(active, raw, 0.0)) / n + reg * np.sum(W * W)
    coeff = active.astype(scores.dtype)
    coeff[rows, y] = -active.sum(axis=1)
    return float(loss), X.T.dot(coeff) / n + 2 * reg * W
"""

NORM_REG = {
    "svm_loss_naive": """
def svm_loss_naive(W, X, y, reg):
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
    loss /= X.shape[0]
    dW /= X.shape[0]
    loss += reg * np.linalg.norm(W) ** 2
    dW += reg * 2 * W
    return loss, dW
""",
    "softmax_loss": """
def softmax_loss(W, X, y, reg):
    n = X.shape[0]
    s = X.dot(W)
    s -= np.max(s, axis=1, keepdims=True)
    p = np.exp(s)
    p /= np.sum(p, axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(n), y])) + reg * np.linalg.norm(W) ** 2
    p[np.arange(n), y] -= 1
    return loss, X.T.dot(p) / n + 2 * reg * W
""",
}

LABELS_ANY_INT = {
    "svm_loss_vectorized": """
def svm_loss_vectorized(W, X, y, reg):
    y = np.asarray(y).astype(np.int64)
    n = X.shape[0]
    scores = X.dot(W)
    is_correct = y[:, None] == np.arange(W.shape[1])[None, :]
    correct = scores[is_correct][:, None]
    margins = np.where(is_correct, 0.0, np.maximum(0, scores - correct + 1))
    coeff = (margins > 0) * 1.0
    coeff -= is_correct * coeff.sum(axis=1, keepdims=True)
    return float(margins.sum() / n + reg * (W * W).sum()), X.T.dot(coeff) / n + 2 * reg * W
""",
    "softmax_loss": """
def softmax_loss(W, X, y, reg):
    labels = y.astype(int)
    n, c = X.shape[0], W.shape[1]
    scores = X.dot(W)
    scores = scores - scores.max(axis=1)[:, None]
    log_probs = scores - np.log(np.exp(scores).sum(axis=1))[:, None]
    Y = (labels[:, None] == np.arange(c)).astype(float)
    loss = -(log_probs * Y).sum() / n + reg * (W * W).sum()
    dW = X.T.dot(np.exp(log_probs) - Y) / n + 2 * reg * W
    return loss, dW
""",
}

FLOAT64_INSIDE = {
    "svm_loss_naive": """
def svm_loss_naive(W, X, y, reg):
    W64 = np.asarray(W, dtype=np.float64)
    X64 = np.asarray(X, dtype=np.float64)
    dW = np.zeros_like(W64)
    loss = 0.0
    for i in range(X64.shape[0]):
        scores = X64[i] @ W64
        margins = np.maximum(0.0, scores - scores[y[i]] + 1.0)
        margins[y[i]] = 0.0
        loss += margins.sum()
        active = margins > 0
        dW[:, active] += X64[i][:, None]
        dW[:, y[i]] -= active.sum() * X64[i]
    n = X64.shape[0]
    return float(loss / n + reg * np.sum(W64 * W64)), dW / n + 2 * reg * W64
""",
    "softmax_loss": """
def softmax_loss(W, X, y, reg):
    W64, X64 = W.astype(np.float64), X.astype(np.float64)
    n = X64.shape[0]
    scores = X64 @ W64
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).sum() / n + reg * np.sum(W64 ** 2)
    probs[np.arange(n), y] -= 1
    return float(loss), X64.T @ probs / n + 2 * reg * W64
""",
    "sgd_step": """
def sgd_step(W, dW, learning_rate):
    import numpy as np

    return np.asarray(W, dtype=np.float64) - learning_rate * np.asarray(dW, dtype=np.float64)
""",
}

SOFTMAX_LOGSUMEXP_EINSUM = """
def softmax_loss(W, X, y, reg):
    num_train = X.shape[0]
    scores = np.einsum("nd,dc->nc", X, W)
    top = scores.max(axis=1, keepdims=True)
    lse = top + np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    Y = np.zeros_like(scores)
    Y[np.arange(num_train), y] = 1
    loss = np.sum(Y * (lse - scores)) / num_train + reg * np.einsum("ij,ij->", W, W)
    dW = np.einsum("nd,nc->dc", X, np.exp(scores - lse) - Y) / num_train + 2 * reg * W
    return float(loss), dW
"""

SGD_ALTERNATIVES = """
def sgd_step(W, dW, learning_rate):
    next_W = W.copy()
    next_W -= learning_rate * dW
    return next_W
"""

SGD_SUBTRACT = """
def sgd_step(W, dW, learning_rate):
    from numpy import multiply, subtract

    return subtract(W, multiply(learning_rate, dW))
"""

NUMPY_SCALARS = {
    "svm_loss_vectorized": """
def svm_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    S = X.dot(W)
    M = np.maximum(0, S - S[np.arange(N), y].reshape(N, 1) + 1)
    M[np.arange(N), y] = 0
    loss = np.sum(M) / N + reg * np.sum(np.square(W))
    B = (M > 0).astype(X.dtype)
    B[np.arange(N), y] = -np.sum(B, axis=1)
    return loss, np.dot(X.T, B) / N + 2 * reg * W
""",
    "svm_loss_naive": """
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros(W.shape, dtype=W.dtype)
    loss = np.float64(0)
    N = X.shape[0]
    for i in range(N):
        s = X[i].dot(W)
        for j in range(W.shape[1]):
            m = s[j] - s[y[i]] + 1
            if j != y[i] and m > 0:
                loss += m / N
                dW[:, j] += X[i] / N
                dW[:, y[i]] -= X[i] / N
    return loss + reg * np.sum(W * W), dW + 2 * reg * W
""",
}

VARIANTS = [
    Entry("svm_vectorized_one_hot", {"svm_loss_vectorized": SVM_VECTORIZED_ONE_HOT}, why="one-hot matrix Y"),
    Entry("svm_vectorized_einsum", {"svm_loss_vectorized": SVM_VECTORIZED_EINSUM}, why="np.einsum everywhere"),
    Entry("svm_vectorized_add_at", {"svm_loss_vectorized": SVM_VECTORIZED_ADD_AT}, why="np.add.at for the "
          "correct-class columns, boolean mask for the margins"),
    Entry("svm_geq_at_kink", {"svm_loss_naive": SVM_NAIVE_GEQ, "svm_loss_vectorized": SVM_VECTORIZED_GEQ},
          why="margin >= 0 counts as active: the other subgradient at the kink"),
    Entry("linalg_norm_reg", NORM_REG, why="reg·np.linalg.norm(W)**2, numpy-scalar losses"),
    Entry("labels_any_int", LABELS_ANY_INT, why="labels cast to int64, boolean one-hot masks"),
    Entry("float64_inside", FLOAT64_INSIDE, why="computes in float64 whatever the input dtype (float64 dW for "
          "float32 input), row-vectorized naive SVM"),
    Entry("softmax_logsumexp_einsum", {"softmax_loss": SOFTMAX_LOGSUMEXP_EINSUM},
          why="log-sum-exp and a one-hot matrix with einsum"),
    Entry("sgd_copy_then_subtract", {"sgd_step": SGD_ALTERNATIVES}, why="copy, then in-place update of the copy"),
    Entry("sgd_np_subtract", {"sgd_step": SGD_SUBTRACT}, why="np.subtract / np.multiply"),
    Entry("numpy_scalar_losses", NUMPY_SCALARS, why="losses returned as numpy scalars, averaging inside the loop"),
]
