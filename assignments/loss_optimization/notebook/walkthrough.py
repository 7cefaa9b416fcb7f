# Source of ../walkthrough.ipynb (percent format: `# %%` starts a code cell, `# %% [markdown]` a text cell).
# Edit this file, then rebuild the notebook with `grader notebook` (the test suite checks they agree).

# %% [markdown]
# # Loss functions and optimization: a walkthrough
#
# In this notebook you will
#
# - check that your **multiclass SVM** (hinge) loss and your **softmax** (cross-entropy) loss give the
#   loss you expect from a classifier that knows nothing yet,
# - compare their **analytic gradients** with **numerical gradients** (the gradient check),
# - see why a **vectorized** implementation matters by timing it against the naive loops,
# - train a linear classifier with **mini-batch stochastic gradient descent** (SGD), and
# - pick a learning rate and a regularization strength on a **validation** set.
#
# You write the functions in `linear_svm.py`, `softmax.py` and `optim.py`; this notebook only calls
# them. Run the public tests with `make test` in this folder at any time. Besides the packages of
# `requirements.txt`, this notebook needs Jupyter and matplotlib
# (`python3 -m pip install notebook matplotlib`).
#
# Conventions (as in the docstrings): `W` is `(D, C)`, `X` is `(N, D)` with a bias column of ones,
# `y` is `(N,)` with labels in `[0, C)`, and
# `loss = mean data loss + reg * np.sum(W * W)`, so `dW` includes `2 * reg * W`.

# %%
# %load_ext autoreload
# %autoreload 2

import time

import matplotlib.pyplot as plt
import numpy as np
from data_utils import make_synthetic_data, small_random_weights, train_val_split
from gradient_check import grad_check_sparse
from linear_svm import svm_loss_naive, svm_loss_vectorized
from notebook_checks import require
from optim import sgd_step
from softmax import softmax_loss

plt.rcParams["figure.figsize"] = (8.0, 4.0)

# %% [markdown]
# ## Load the data
#
# Instead of CIFAR-10 (no download needed here) we use a seeded synthetic problem of the same shape:
# 10 classes of overlapping Gaussian blobs in 32 dimensions (so no linear classifier is perfect),
# plus a constant 1 appended to every example so that the last row of `W` is the bias (the "bias
# trick" of the lecture). We keep a small **dev** subset for the slow checks.

# %%
num_classes = 10
X, y = make_synthetic_data(num_train=1500, num_features=32, num_classes=num_classes, seed=0,
                           separation=0.4)
X_train, y_train, X_val, y_val = train_val_split(X, y, num_val=300, seed=0)
X_dev, y_dev = X_train[:200], y_train[:200]

print("Training data shape:", X_train.shape, "labels:", y_train.shape)
print("Validation data shape:", X_val.shape)
print("Dev data shape:", X_dev.shape)
print("Last column is the bias:", np.all(X_train[:, -1] == 1.0))

# %% [markdown]
# ## Multiclass SVM: the initial loss
#
# Implement `svm_loss_naive` in `linear_svm.py` first (loops are fine there).
#
# **Sanity check.** With tiny random weights every score is close to 0, so each of the `C - 1` wrong
# classes has a margin of about `0 - 0 + 1 = 1`. The loss should therefore be close to **C − 1 = 9**.

# %%
require(svm_loss_naive)
W = small_random_weights(X_dev.shape[1], num_classes, scale=1e-4, seed=1)
loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.0)
print(f"SVM loss: {loss:f}   expected about C - 1 = {num_classes - 1}")

# %% [markdown]
# ## Gradient check
#
# The analytic gradient is only right if it matches the numerical one,
# `(f(w + h) - f(w - h)) / 2h`, at every coordinate. `grad_check_sparse` compares them at a few
# random coordinates and prints the **relative error**. Values around `1e-7` or less are good. For
# the SVM an occasional larger error can come from a *kink* of the hinge (a margin exactly at 0),
# but if all of them are large, your gradient has a bug.
#
# We check once without and once with regularization (larger weights so the `reg` term matters).

# %%
require(svm_loss_naive)
loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.0)
errors = grad_check_sparse(lambda w: svm_loss_naive(w, X_dev, y_dev, 0.0)[0], W, grad, num_checks=5)

W_big = small_random_weights(X_dev.shape[1], num_classes, scale=1e-2, seed=2)
loss, grad = svm_loss_naive(W_big, X_dev, y_dev, 5.0)
errors_reg = grad_check_sparse(lambda w: svm_loss_naive(w, X_dev, y_dev, 5.0)[0], W_big, grad, num_checks=5)
print(f"largest relative error: {max(errors):.2e} (reg = 0), {max(errors_reg):.2e} (reg = 5)")

# %% [markdown]
# **Inline question.** A gradient check of the SVM loss can fail at one coordinate even for a correct
# gradient. Why? (Hint: the hinge `max(0, x)` is not differentiable at `x = 0`; what happens when the
# step `h` crosses it?) How would a larger margin make it more or less likely?
#
# *Your answer:*

# %% [markdown]
# ## Vectorized SVM: same numbers, much faster
#
# Implement `svm_loss_vectorized` without any Python loop. It must give the same loss and gradient
# as the naive version, up to rounding.

# %%
require(svm_loss_naive, svm_loss_vectorized)
tic = time.perf_counter()
loss_naive, grad_naive = svm_loss_naive(W, X_train, y_train, 1e-3)
time_naive = time.perf_counter() - tic

tic = time.perf_counter()
loss_vec, grad_vec = svm_loss_vectorized(W, X_train, y_train, 1e-3)
time_vec = time.perf_counter() - tic

print(f"naive loss:      {loss_naive:e}  computed in {time_naive * 1e3:.2f} ms")
print(f"vectorized loss: {loss_vec:e}  computed in {time_vec * 1e3:.2f} ms")
print(f"loss difference: {abs(loss_naive - loss_vec):e}")
print(f"gradient difference (Frobenius norm): {np.linalg.norm(grad_naive - grad_vec, ord='fro'):e}")
print(f"speed-up: {time_naive / max(time_vec, 1e-9):.0f}x")

# %% [markdown]
# ## Softmax: the initial loss and its gradient
#
# Implement `softmax_loss` in `softmax.py`, vectorized and numerically stable (subtract each row's
# largest score before `np.exp`).
#
# **Sanity check.** With tiny weights every class gets probability about `1 / C`, so the loss should
# be close to **−log(1/C) = log C ≈ 2.303**.

# %%
require(softmax_loss)
loss, grad = softmax_loss(W, X_dev, y_dev, 0.0)
print(f"softmax loss: {loss:f}   expected about log(C) = {np.log(num_classes):f}")

errors = grad_check_sparse(lambda w: softmax_loss(w, X_dev, y_dev, 0.0)[0], W, grad, num_checks=5)
loss, grad = softmax_loss(W_big, X_dev, y_dev, 5.0)
errors_reg = grad_check_sparse(lambda w: softmax_loss(w, X_dev, y_dev, 5.0)[0], W_big, grad, num_checks=5)
print(f"largest relative error: {max(errors):.2e} (reg = 0), {max(errors_reg):.2e} (reg = 5)")

# %% [markdown]
# **Stability check.** Scaling the weights up makes the scores huge. Without the max-shift,
# `np.exp` overflows to `inf` and the loss becomes `nan`; with it the loss stays finite.

# %%
require(softmax_loss)
loss_huge, grad_huge = softmax_loss(W_big * 1e4, X_dev, y_dev, 0.0)
print(f"loss with huge scores: {loss_huge:e}  finite: {np.isfinite(loss_huge) and np.all(np.isfinite(grad_huge))}")

# %% [markdown]
# ## Mini-batch stochastic gradient descent
#
# Implement `sgd_step` in `optim.py`: `W - learning_rate * dW`, as a new array. The loop below
# samples a mini-batch of `batch_size` examples at each iteration, computes the loss and gradient
# on it, and takes one step. The loss on a mini-batch is noisy, but it should go down.

# %%
def train(loss_fn, X, y, learning_rate, reg, num_iters=300, batch_size=100, seed=0):
    """Mini-batch SGD on a linear classifier; returns the weights (D, C) and the loss at each step."""
    rng = np.random.default_rng(seed)
    W = small_random_weights(X.shape[1], num_classes, scale=1e-3, seed=seed)
    loss_history = []
    for _ in range(num_iters):
        batch = rng.choice(X.shape[0], size=batch_size, replace=True)
        loss, dW = loss_fn(W, X[batch], y[batch], reg)
        W = sgd_step(W, dW, learning_rate)
        loss_history.append(loss)
    return W, loss_history


def accuracy(W, X, y):
    """Fraction of examples of X (N, D) whose highest score under W (D, C) is their label y (N,)."""
    return float(np.mean(np.argmax(X.dot(W), axis=1) == y))


require(svm_loss_vectorized, sgd_step)
tic = time.perf_counter()
W_svm, svm_history = train(svm_loss_vectorized, X_train, y_train, learning_rate=5e-2, reg=1e-3)
print(f"trained in {time.perf_counter() - tic:.2f} s; loss {svm_history[0]:.3f} -> {svm_history[-1]:.3f}")
print(f"SVM training accuracy:   {accuracy(W_svm, X_train, y_train):.3f}")
print(f"SVM validation accuracy: {accuracy(W_svm, X_val, y_val):.3f}")

# %%
require(softmax_loss, sgd_step, svm_loss_vectorized)
W_softmax, softmax_history = train(softmax_loss, X_train, y_train, learning_rate=5e-2, reg=1e-3)
print(f"softmax validation accuracy: {accuracy(W_softmax, X_val, y_val):.3f}")

plt.plot(svm_history, label="SVM (hinge) loss")
plt.plot(softmax_history, label="softmax (cross-entropy) loss")
plt.xlabel("iteration")
plt.ylabel("mini-batch loss")
plt.title("Mini-batch SGD")
plt.legend()
plt.show()

# %% [markdown]
# ## Choosing the learning rate and the regularization strength
#
# Hyperparameters are chosen on the **validation** set, never on the training set (and never on
# the test set). Try a small grid; a learning rate that is too large makes the loss blow up, one
# that is too small barely moves it.

# %%
require(softmax_loss, sgd_step)
learning_rates = [1e-3, 1e-2, 1e-1]
regularization_strengths = [1e-3, 1e-1, 1.0]

results = {}
for lr in learning_rates:
    for reg in regularization_strengths:
        W_try, _ = train(softmax_loss, X_train, y_train, learning_rate=lr, reg=reg, num_iters=150)
        results[lr, reg] = (accuracy(W_try, X_train, y_train), accuracy(W_try, X_val, y_val))

for (lr, reg), (train_acc, val_acc) in sorted(results.items()):
    print(f"lr {lr:.0e} reg {reg:.0e}   train accuracy {train_acc:.3f}   val accuracy {val_acc:.3f}")
best_lr, best_reg = max(results, key=lambda key: results[key][1])
print(f"best validation accuracy {results[best_lr, best_reg][1]:.3f} with lr {best_lr:.0e}, reg {best_reg:.0e}")

# %% [markdown]
# **Inline question.** Which weights does a large `reg` prefer, and why can that *help* the
# validation accuracy even though it raises the training loss?
#
# *Your answer:*
#
# ## What's next
#
# Run `make test` in this folder: the public tests check your functions on small cases. Your grade
# comes from a larger hidden test suite that checks the same properties on many random inputs, so a
# function that only passes the examples above is not enough: check your gradients!
