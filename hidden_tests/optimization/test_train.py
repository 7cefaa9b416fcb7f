"""Hidden properties of train, graded whatever sampling call it uses: the history's length, gradient descent
(and its decay schedule) where every batch is the full batch, single-example losses at batch_size = 1, the
update rule named, a loss that goes down, reproducibility from the seed, a real data set, inputs untouched."""

from dataclasses import dataclass

import numpy as np
import pytest
import train_oracle as oracle
from hypothesis import given
from hypothesis import strategies as st
from rule_checks import copy_config, fail, sentence

FN = "train"


def grade(points: float, hint: str):
    """The grade marker of a train test."""
    return pytest.mark.grade(function=FN, points=points, hint=hint)


def run(student, X, y, W, context: str, **options) -> tuple[np.ndarray, list[float]]:
    """The student's (W, loss_history) as (float64 array, list of floats), after checking the structure."""
    out = student.train(X.copy(), y.copy(), W.copy(), **options)
    if not isinstance(out, tuple) or len(out) != 2:
        fail("train must return a tuple (W, loss_history).", context, sentence("got {kind}", kind=type(out).__name__))
    W_out, history = out
    if not isinstance(W_out, np.ndarray) or W_out.shape != W.shape:
        fail("train must return the trained W, an array shaped like the initial W.", context,
             sentence("got {kind} with shape {shape}", kind=type(W_out).__name__, shape=np.shape(W_out)))
    if not isinstance(history, (list, tuple, np.ndarray)) or np.ndim(history) != 1:
        fail("train must return loss_history as a list of floats, one per iteration.", context,
             sentence("got {kind}", kind=type(history).__name__))
    return W_out.astype(np.float64), [float(v) for v in history]


def describe(X, options) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
    return sentence("input: X {shape}, {options}", shape=X.shape, options=shown)


@dataclass(frozen=True)
class Run:
    """A training run on data whose rows are all identical: sizes, rate, iterations and decay."""

    n: int
    d: int
    c: int
    batch_size: int
    learning_rate: float
    num_iters: int
    lr_decay: float = 1.0
    iters_per_decay: int | None = None
    reg: float = 0.0
    seed: int = 0

    def options(self) -> dict:
        return {"loss": "softmax", "update_rule": "sgd", "optim_config": {"learning_rate": self.learning_rate},
                    "reg": self.reg, "batch_size": self.batch_size, "num_iters": self.num_iters, "lr_decay": self.lr_decay,
                    "iters_per_decay": self.iters_per_decay, "seed": self.seed}

    def period(self) -> int:
        return self.iters_per_decay or max(self.n // self.batch_size, 1)


def runs(decay=None, periods=None) -> st.SearchStrategy[Run]:
    """Runs on identical rows; decay and periods default to no decay and one epoch."""
    return st.builds(Run, n=st.integers(4, 60), d=st.integers(1, 6), c=st.integers(2, 5),
                     batch_size=st.integers(1, 25), learning_rate=st.sampled_from((0.5, 0.1, 1.0)),
                     num_iters=st.integers(1, 25), lr_decay=st.just(1.0) if decay is None else decay,
                     iters_per_decay=st.just(None) if periods is None else periods,
                     reg=st.sampled_from((0.0, 0.01)), seed=st.integers(0, 2**16))


def check_descent(student, base_seed, r: Run, prop: str) -> None:
    """Fail with `prop` unless train on identical rows equals full-batch gradient descent with decay."""
    X, y, W = oracle.identical_rows(r.n, r.d, r.c, [base_seed, r.seed])
    options = r.options()
    context = describe(X, options) + " (every row of X the same, one label)"
    got_W, history = run(student, X, y, W, context, **options)
    want_W, want_history = oracle.gradient_descent(W, X, y, r.reg, r.learning_rate, r.num_iters, r.lr_decay,
                                                   r.period())
    if len(history) != r.num_iters:
        fail(prop, context, sentence("loss_history has {n} entries, expected num_iters = {iters}", n=len(history),
                                     iters=r.num_iters))
    for k, (got, want) in enumerate(zip(history, want_history)):
        if not abs(got - want) <= 1e-9 * (1 + abs(want)):
            mistake = ""
            if k + 1 < len(want_history) and abs(got - want_history[k + 1]) <= 1e-9 * (1 + abs(want)):
                mistake = "the loss is recorded after the update instead of before it"
            fail(prop, context, sentence("{entry}: expected {expected}, got {got}", entry=f"loss_history[{k}]",
                                         expected=repr(want), got=repr(got)),
                 f"likely mistake: {mistake}" if mistake else "")
    if not np.allclose(got_W, want_W, rtol=1e-9, atol=1e-12):
        mistakes = []
        for label, decay, period in (("the learning rate decays after every iteration, not every period",
                                      r.lr_decay, 1),
                                     ("the learning rate never decays", 1.0, 1)):
            wrong, _ = oracle.gradient_descent(W, X, y, r.reg, r.learning_rate, r.num_iters, decay, period)
            if np.allclose(got_W, wrong, rtol=1e-9, atol=1e-12):
                mistakes.append(label)
        k = np.unravel_index(int(np.argmax(np.abs(got_W - want_W))), W.shape)
        fail(prop, context, f"W{[int(i) for i in k]}: expected {float(want_W[k])!r}, got {float(got_W[k])!r}",
             ("likely mistake: " + "; or ".join(mistakes)) if mistakes else "")


@grade(3, "Return (W, loss_history) with one float per iteration: num_iters updates, each recording its "
          "minibatch loss.")
@given(r=runs())
def test_train_history_has_one_loss_per_iteration(student, base_seed, r):
    """Training: the history holds num_iters finite losses"""
    X, y, W = oracle.identical_rows(r.n, r.d, r.c, [base_seed, r.seed])
    options = r.options()
    _, history = run(student, X, y, W, describe(X, options), **options)
    if len(history) != r.num_iters or not np.all(np.isfinite(history)):
        fail("train must return one finite loss per iteration.", describe(X, options),
             sentence("got {n} entries for num_iters = {iters}", n=len(history), iters=r.num_iters))
    first = oracle.softmax(W, X, y, r.reg)[0]
    if not abs(history[0] - first) <= 1e-9 * (1 + abs(first)):
        fail("train: loss_history[0] must be the first minibatch's loss at the initial W.", describe(X, options),
             sentence("expected {expected} (every row the same: any batch has this loss), got {got}",
                      expected=repr(first), got=repr(history[0])))


@grade(5, "Each iteration: draw a minibatch, compute (loss, dW) with the named loss, record the loss, then "
          "W, config = update_rule(W, dW, config) with the config it returned.")
@given(r=runs())
def test_train_on_identical_rows_is_gradient_descent(student, base_seed, r):
    """Training: where every batch is the full batch, SGD equals gradient descent (to rounding)"""
    check_descent(student, base_seed, r, "train with update_rule='sgd' must equal gradient descent when every "
                                         "batch has the full data's loss and gradient.")


@grade(4, "After every iters_per_decay iterations (None: one epoch, max(N // batch_size, 1)), multiply "
          "config['learning_rate'] by lr_decay; not after every iteration.")
@given(r=runs(decay=st.sampled_from((0.5, 0.9)), periods=st.sampled_from((None, 1, 3, 7))))
def test_train_decay_schedule(student, base_seed, r):
    """Training: the learning rate decays by lr_decay once per period (default: one epoch)"""
    check_descent(student, base_seed, r, "train must multiply the learning rate by lr_decay after every "
                                         "iters_per_decay iterations (default: one epoch).")


@grade(3, "The history records each minibatch's loss: with batch_size = 1, the loss of the one example drawn.")
@given(n=st.integers(3, 30), seed=st.integers(0, 2**16), num_iters=st.integers(3, 15))
def test_train_batch_of_one_records_one_examples_loss(student, base_seed, n, seed, num_iters):
    """Training: with batch_size = 1 (and learning_rate 0) each history entry is one example's loss"""
    X, y = oracle.separable(n, 4, 3, [base_seed, seed])
    W = 0.5 * np.random.default_rng([base_seed, seed, 1]).standard_normal((4, 3))
    options = {"loss": "softmax", "update_rule": "sgd", "optim_config": {"learning_rate": 0.0}, "reg": 0.1, "batch_size": 1,
                   "num_iters": num_iters, "seed": seed}
    _, history = run(student, X, y, W, describe(X, options), **options)
    losses = oracle.per_example_losses(W, X, y, 0.1)
    for k, value in enumerate(history):
        if not np.any(np.abs(losses - value) <= 1e-9 * (1 + np.abs(losses))):
            full = oracle.softmax(W, X, y, 0.1)[0]
            mistake = ("the loss of the whole data set is recorded, not the minibatch's"
                       if abs(value - full) <= 1e-9 * (1 + abs(full)) else "")
            if not mistake and abs(value - (full - 0.1 * np.sum(W * W))) <= 1e-9 * (1 + abs(full)):
                mistake = "reg is not passed to the loss"
            fail("train with batch_size = 1 must record the loss of the one example drawn.", describe(X, options),
                 sentence("loss_history[{k}] = {value} is none of the {n} examples' losses (they range from {low} to "
                          "{high})", k=k, value=repr(value), n=n, low=repr(losses.min()), high=repr(losses.max())),
                 f"likely mistake: {mistake}" if mistake else "likely mistake: batch_size is not used")


@grade(3, "Look the rule up by name (getattr(optim, update_rule)) and pass it the config it returned last time.")
@given(n=st.integers(4, 40), seed=st.integers(0, 2**16), num_iters=st.integers(2, 12))
def test_train_uses_the_named_rule_and_threads_its_config(student, base_seed, n, seed, num_iters):
    """Training: update_rule='sgd_momentum' runs the student's own momentum, velocity carried between steps"""
    X, y, W = oracle.identical_rows(n, 3, 3, [base_seed, seed])
    config = {"learning_rate": 0.2, "momentum": 0.9}
    options = {"loss": "softmax", "update_rule": "sgd_momentum", "optim_config": copy_config(config), "batch_size": 5,
                   "num_iters": num_iters, "seed": seed}
    context = describe(X, options) + " (every row of X the same)"
    got_W, _ = run(student, X, y, W, context, **options)
    # The same loop driven from here with the student's own sgd_momentum: train is judged on its loop only.
    want_W, cfg = W.copy(), copy_config(config)
    for _ in range(num_iters):
        _, dW = oracle.softmax(want_W, X, y, 0.0)
        want_W, cfg = student.sgd_momentum(want_W, dW, cfg)
    if np.array_equal(got_W, W):
        fail("train must change W: momentum steps with learning_rate 0.2 returned the initial weights.", context)
    if not np.allclose(got_W, want_W, rtol=1e-8, atol=1e-12):
        plain, _ = oracle.gradient_descent(W, X, y, 0.0, 0.2, num_iters, 1.0, 1)
        mistake = ""
        if np.allclose(got_W, plain, rtol=1e-8, atol=1e-12):
            mistake = "the update rule named is not used (plain SGD ran), or its returned config is dropped"
        k = np.unravel_index(int(np.argmax(np.abs(got_W - want_W))), W.shape)
        fail("train must use the named update rule and give it back the config it returned.", context,
             f"W{[int(i) for i in k]}: expected {float(want_W[k])!r}, got {float(got_W[k])!r}",
             f"likely mistake: {mistake}" if mistake else "")


@grade(2, "Step against the gradient of the minibatch loss: the loss should fall on data a linear classifier "
          "can separate.")
@given(seed=st.integers(0, 2**16), rule=st.sampled_from(("sgd",)))
def test_train_loss_decreases_on_separable_data(student, base_seed, seed, rule):
    """Training: on separable clusters the minibatch loss falls on average"""
    X, y = oracle.separable(300, 5, 4, [base_seed, seed])
    W = 1e-3 * np.random.default_rng([base_seed, seed, 1]).standard_normal((5, 4))
    options = {"loss": "softmax", "update_rule": rule, "optim_config": {"learning_rate": 0.05}, "batch_size": 20,
                   "num_iters": 80, "seed": seed}
    _, history = run(student, X, y, W, describe(X, options), **options)
    first, last = np.mean(history[:20]), np.mean(history[-20:])
    if not last < 0.8 * first:
        fail("train: the minibatch loss must fall on separable data.", describe(X, options),
             sentence("mean loss over the first 20 iterations {first}, over the last 20 {last}", first=repr(first),
                      last=repr(last)))


@grade(2, "Draw every minibatch from np.random.default_rng(seed) (or another generator made from seed): "
          "the same seed must give the same W.")
@given(seed=st.integers(0, 2**16))
def test_train_same_seed_same_result(student, base_seed, seed):
    """Training: the same seed gives the same W and history, twice in a row"""
    X, y = oracle.separable(200, 4, 3, [base_seed, seed])
    W = 1e-2 * np.random.default_rng([base_seed, seed, 1]).standard_normal((4, 3))
    options = {"loss": "svm", "update_rule": "sgd", "optim_config": {"learning_rate": 0.1}, "batch_size": 10,
                   "num_iters": 30, "seed": seed}
    first = run(student, X, y, W, describe(X, options), **options)
    second = run(student, X, y, W, describe(X, options), **options)
    if not (np.array_equal(first[0], second[0]) and first[1] == second[1]):
        fail("train must give the same result for the same seed.", describe(X, options),
             "two runs with the same seed returned different W",
             "likely mistake: batches drawn from the global np.random without the seed")
    if np.array_equal(first[0], W):
        fail("train must change W: 30 iterations with learning_rate 0.1 returned the initial weights.",
             describe(X, options))


@grade(2, "Train on the real digits: softmax, SGD, batches of 200, a few hundred iterations reach well over "
          "80% validation accuracy.")
def test_train_reaches_good_accuracy_on_digits(student, base_seed):
    """Training: softmax + SGD on the handwritten digits reaches over 85% validation accuracy"""
    X, y, X_val, y_val = oracle.digits()
    W = 1e-3 * np.random.default_rng(base_seed).standard_normal((X.shape[1], 10))
    options = {"loss": "softmax", "update_rule": "sgd", "optim_config": {"learning_rate": 0.5}, "reg": 1e-4,
                   "batch_size": 200, "num_iters": 300, "lr_decay": 0.95, "seed": base_seed}
    got_W, _ = run(student, X, y, W, describe(X, options), **options)
    accuracy = float(np.mean(np.argmax(X_val @ got_W, axis=1) == y_val))
    if not accuracy > 0.85:
        fail("train: a linear softmax classifier trained on the digits must reach over 85% validation accuracy.",
             sentence("{inputs} (digits, 1500 training images, 297 validation)", inputs=describe(X, options)),
             sentence("validation accuracy {accuracy}", accuracy=f"{accuracy:.3f}"))


@grade(1, "Work on copies: W = W.copy() before updating in place (sgd updates w in place), and never change "
          "X, y or optim_config.")
@given(seed=st.integers(0, 2**16))
def test_train_leaves_its_inputs_alone(student, base_seed, seed):
    """Training: X, y, the initial W and optim_config are left unchanged, and W is trained"""
    X, y = oracle.separable(50, 3, 3, [base_seed, seed])
    W = 1e-2 * np.random.default_rng([base_seed, seed, 1]).standard_normal((3, 3))
    config = {"learning_rate": 0.1}
    kept = (X.copy(), y.copy(), W.copy(), dict(config))
    out = student.train(X, y, W, loss="softmax", update_rule="sgd", optim_config=config, batch_size=10,
                        num_iters=20, lr_decay=0.5, iters_per_decay=2, seed=seed)
    changed = [str(name) for name in student.last_call_mutated]
    changed += [name for name, now, before in (("X", X, kept[0]), ("y", y, kept[1]), ("W", W, kept[2]))
                if not np.array_equal(now, before)]
    if config != kept[3]:
        changed.append("optim_config")
    if changed:
        names = {"0": "X", "1": "y", "2": "W"}
        fail("train modified its inputs: " + ", ".join(sorted({names.get(c, c) for c in changed})) + ".",
             "input: X (50, 3), softmax, sgd, learning_rate 0.1, 20 iterations",
             "likely mistake: the update rule changes W in place: start with W = W.copy(); copy optim_config "
             "before the learning rate decays")
    if not isinstance(out, tuple) or len(out) != 2 or np.array_equal(np.asarray(out[0]), W):
        fail("train must return the trained W (different from the initial W after 20 steps).",
             "input: X (50, 3), softmax, sgd, learning_rate 0.1, 20 iterations")
