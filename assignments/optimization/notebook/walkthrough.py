# Source of ../walkthrough.ipynb (percent format: `# %%` starts a code cell, `# %% [markdown]` a text cell).
# Edit this file, then rebuild the notebook with `grader notebook` (the test suite checks they agree).

# %% [markdown]
# # Optimization: update rules, regularization and mini-batch training
#
# In this notebook you will
#
# - run **CS231n's sanity checks** on your `sgd_momentum`, `rmsprop` and `adam` (relative error 1e-7 or
#   less against the FullyConnectedNets notebook's expected values),
# - see that Adam's and RMSProp's first steps hardly depend on the **scale** of the gradient,
# - check your **elastic-net** penalty's gradient,
# - train a linear softmax classifier on real **handwritten digits** with SGD, momentum, RMSProp and Adam
#   and compare their **loss curves**,
# - sweep the **learning rate**, and watch a **learning-rate decay** schedule at work.
#
# You write `optim.py` (`sgd` is given), `regularization.py` and `train.py`; this notebook only calls them.
# Run the public tests with `make test` in this folder at any time. Besides the packages of
# `requirements.txt`, this notebook needs Jupyter and matplotlib.

# %%
# %load_ext autoreload
# %autoreload 2

import matplotlib.pyplot as plt
import numpy as np
from data_utils import accuracy, load_digits
from notebook_checks import require
from optim import adam, rmsprop, sgd, sgd_momentum
from regularization import elastic_net
from train import train

plt.rcParams["figure.figsize"] = (8.0, 4.0)


def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|)."""
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


# %% [markdown]
# ## The CS231n sanity checks
#
# The same inputs as CS231n's FullyConnectedNets notebook: `w` and `dw` are ramps of shape (4, 5) and the
# state is given, and the expected values are the notebook's (printed to 8 decimals). Each relative error
# should be about 1e-8 (Adam's next_w about 1.1e-7, from that rounding alone).

# %%
require(sgd_momentum, rmsprop, adam)
N, D = 4, 5
w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
ramp = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)

next_w, config = sgd_momentum(w, dw, {"learning_rate": 1e-3, "velocity": ramp})
expected_next_w = np.asarray([
    [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
    [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
    [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
    [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096]])
expected_velocity = np.asarray([
    [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158],
    [0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105],
    [0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053],
    [0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096]])
print("sgd_momentum next_w relative error:", rel_error(next_w, expected_next_w))
print("sgd_momentum velocity relative error:", rel_error(config["velocity"], expected_velocity))

next_w, config = rmsprop(w, dw, {"learning_rate": 1e-2, "cache": ramp})
expected_cache = np.asarray([
    [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321],
    [0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377],
    [0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936],
    [0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926]])
expected_next_w = np.asarray([
    [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
    [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
    [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
    [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619]])
print("rmsprop next_w relative error:", rel_error(next_w, expected_next_w))
print("rmsprop cache relative error:", rel_error(config["cache"], expected_cache))

m, v = ramp, np.linspace(0.7, 0.5, num=N * D).reshape(N, D)
next_w, config = adam(w, dw, {"learning_rate": 1e-2, "m": m, "v": v, "t": 5})
expected_next_w = np.asarray([
    [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
    [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
    [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
    [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459]])
expected_v = np.asarray([
    [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
    [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
    [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
    [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966]])
expected_m = np.asarray([
    [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
    [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
    [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
    [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85]])
# These are printed to 8 decimals, so even a perfect Adam shows about 1.1e-7 on next_w here.
print("adam next_w relative error:", rel_error(next_w, expected_next_w))
print("adam v relative error:", rel_error(config["v"], expected_v))
print("adam m relative error:", rel_error(config["m"], expected_m))

# %% [markdown]
# ## Steps that do not care about the gradient's scale
#
# From a fresh state, Adam's first step is `learning_rate * m_hat / (sqrt(v_hat) + eps)` with
# `m_hat = dw` and `v_hat = dw**2` (that is what the bias correction buys): about
# `learning_rate * sign(dw)`, whatever the size of `dw`. RMSProp's first step is
# `learning_rate * dw / (sqrt(0.01) * |dw|)`, ten times that at `decay_rate = 0.99`. Plain SGD's step
# grows with `dw`.

# %%
require(rmsprop, adam)
rng = np.random.default_rng(0)
g = rng.standard_normal(5)
for scale in (1e-3, 1.0, 1e3):
    steps = {name: (rule(np.zeros(5), g * scale, {"learning_rate": 1e-3})[0])
             for name, rule in (("sgd", sgd), ("rmsprop", rmsprop), ("adam", adam))}
    print(f"dw scaled by {scale:g}: " + ", ".join(f"{k} |step| = {np.abs(s).max():.3g}" for k, s in steps.items()))

# %% [markdown]
# ## The elastic-net penalty
#
# `l1 * sum(|W|) + l2 * sum(W**2)`; its gradient is `l1 * sign(W) + 2 * l2 * W` away from zero. A
# centred difference checks it (W drawn away from 0, where |W| has a kink).

# %%
require(elastic_net)
W = rng.choice([-1.0, 1.0], size=(6, 4)) * rng.uniform(0.1, 1.0, size=(6, 4))
penalty, dW = elastic_net(W, 0.3, 0.2)
h, numeric = 1e-5, np.zeros_like(W)
for index in np.ndindex(W.shape):
    plus, minus = W.copy(), W.copy()
    plus[index] += h
    minus[index] -= h
    numeric[index] = (elastic_net(plus, 0.3, 0.2)[0] - elastic_net(minus, 0.3, 0.2)[0]) / (2 * h)
print("elastic net penalty:", penalty)
print("elastic net gradient relative error:", rel_error(dW, numeric))

# %% [markdown]
# ## Real data: handwritten digits
#
# 1797 grey-level 8x8 images of the digits 0-9 (scikit-learn's digits, shipped in `data/`), as rows of 64
# pixels in [0, 1], centred, with a bias column of ones (D = 65). We keep 297 for validation.

# %%
X_train, y_train, X_val, y_val = load_digits()
print("Training data:", X_train.shape, "validation data:", X_val.shape)
fig, axes = plt.subplots(1, 10, figsize=(10, 1.5))
for digit, ax in enumerate(axes):
    ax.imshow((X_train[y_train == digit][0, :64] + 0.5).reshape(8, 8), cmap="gray_r")
    ax.set_title(str(digit))
    ax.axis("off")
plt.show()

# %% [markdown]
# ## SGD vs momentum vs RMSProp vs Adam
#
# The same softmax classifier, the same minibatches (same seed), four update rules. Each rule has its own
# good learning rate: the adaptive ones divide by the gradient's running size, so theirs is smaller.

# %%
require(train, sgd_momentum, rmsprop, adam)
W0 = np.zeros((X_train.shape[1], 10))
rates = {"sgd": 0.5, "sgd_momentum": 0.1, "rmsprop": 1e-2, "adam": 1e-2}
for rule, rate in rates.items():
    W, history = train(X_train, y_train, W0, loss="softmax", update_rule=rule,
                       optim_config={"learning_rate": rate}, batch_size=100, num_iters=300, seed=0)
    plt.plot(history, label=f"{rule} (lr {rate:g})", alpha=0.8)
    print(f"{rule}: final loss {history[-1]:.3f}, validation accuracy: {accuracy(W, X_val, y_val):.3f}")
plt.xlabel("iteration")
plt.ylabel("minibatch loss")
plt.legend()
plt.show()

# %% [markdown]
# ## A learning-rate sweep
#
# Too small and SGD crawls; too large and the loss jumps around or blows up. Plot the validation
# accuracy after a fixed budget against the learning rate (log scale).

# %%
require(train)
learning_rates = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
accuracies = []
for rate in learning_rates:
    W, history = train(X_train, y_train, W0, update_rule="sgd", optim_config={"learning_rate": rate},
                       batch_size=100, num_iters=200, seed=0)
    accuracies.append(accuracy(W, X_val, y_val) if np.all(np.isfinite(W)) else 0.0)
    print(f"lr {rate:g}: validation accuracy {accuracies[-1]:.3f}")
print("best validation accuracy", max(accuracies), "at lr", learning_rates[int(np.argmax(accuracies))])
plt.semilogx(learning_rates, accuracies, "o-")
plt.xlabel("learning rate")
plt.ylabel("validation accuracy")
plt.show()

# %% [markdown]
# ## Learning-rate decay
#
# `lr_decay = 0.5` with `iters_per_decay = 50` halves the learning rate every 50 iterations: large steps
# early, small steps late, so the minibatch noise in the loss shrinks towards the end.

# %%
require(train)
for decay in (1.0, 0.5):
    W, history = train(X_train, y_train, W0, update_rule="sgd", optim_config={"learning_rate": 1.0},
                       batch_size=50, num_iters=300, lr_decay=decay, iters_per_decay=50, seed=0)
    plt.plot(history, label=f"lr_decay {decay:g}", alpha=0.8)
    print(f"lr_decay {decay:g}: std of the last 50 losses {np.std(history[-50:]):.4f}, "
          f"validation accuracy: {accuracy(W, X_val, y_val):.3f}")
plt.xlabel("iteration")
plt.ylabel("minibatch loss")
plt.legend()
plt.show()
