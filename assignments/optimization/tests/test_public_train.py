"""Public tests of train (train.py) on small synthetic data: the history, the seed, the inputs left alone,
and a loss that goes down."""

import numpy as np
import pytest
from kit_failures import call, describe, fail
from kit_i18n import _

NAME = "train"
#: Every test here checks train (the score summary counts them for it).
pytestmark = pytest.mark.grade(function=NAME)


def blobs(num=120, dim=6, classes=3, seed=0):
    """(X, y): `num` points in `classes` well separated Gaussian blobs in `dim` dimensions, plus a bias column."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(classes, dim))
    y = rng.integers(0, classes, size=num)
    X = centres[y] + rng.normal(size=(num, dim))
    return np.hstack([X, np.ones((num, 1))]), y


def run(student, on, **options):
    """student.train on the blobs from zero weights, checked to return (W of shape (D, C), list of floats)."""
    X, y = blobs()
    W0 = np.zeros((X.shape[1], 3))
    got = call(student, NAME, on, X, y, W0, **options)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], np.ndarray) and got[0].shape == W0.shape):
        fail(NAME, _("must return (W, loss_history) with W of shape (D, C)."), on,
             _("(numpy array of shape {shape}, list)").format(shape=W0.shape), describe(got), "return W, loss_history.")
    return got


@pytest.mark.parametrize("rule", ["sgd", "sgd_momentum", "rmsprop", "adam"], ids=lambda rule: f"with_{rule}")
def test_history_has_one_loss_per_iteration(student, rule):
    """loss_history holds num_iters finite floats, whatever the update rule."""
    on = _("120 points, update_rule={rule}, batch_size=20, num_iters=17").format(rule=repr(rule))
    _W, history = run(student, on, update_rule=rule, batch_size=20, num_iters=17)
    if len(history) != 17 or not np.all(np.isfinite(np.asarray(history, dtype=float))):
        fail(NAME, _("loss_history must hold one finite loss per iteration."), on, _("17 finite floats"),
             _("{count} entries").format(count=len(history)),
             _("append the minibatch loss once per iteration, before the update."))


def test_the_same_seed_gives_the_same_weights(student):
    """Two runs with the same seed return the same W; another seed draws other batches."""
    on = _("120 points, batch_size=10, num_iters=20, seed=3 twice (then seed=4)")
    first, _history = run(student, on, batch_size=10, num_iters=20, seed=3, optim_config={"learning_rate": 0.1})
    again, _history = run(student, on, batch_size=10, num_iters=20, seed=3, optim_config={"learning_rate": 0.1})
    other, _history = run(student, on, batch_size=10, num_iters=20, seed=4, optim_config={"learning_rate": 0.1})
    if not np.array_equal(first, again) or np.array_equal(first, other):
        fail(NAME, _("the minibatches must come from np.random.default_rng(seed)."), on,
             _("same W for the same seed, another W for another seed"), _("not so"),
             _("rng = np.random.default_rng(seed) once, then rng.choice(N, batch_size) per iteration; "
               "not the global np.random."))


def test_inputs_are_not_modified(student):
    """W, X, y and optim_config are left as they were (the loop works on copies)."""
    X, y = blobs()
    W0 = np.zeros((X.shape[1], 3))
    config = {"learning_rate": 0.1}
    before = (X.copy(), y.copy(), W0.copy())
    on = _("120 points, update_rule='sgd_momentum', optim_config={config}").format(config=dict(config))
    call(student, NAME, on, X, y, W0, update_rule="sgd_momentum", optim_config=config, num_iters=5, batch_size=10)
    changed = [name for name, now, then in zip(("X", "y", "W"), (X, y, W0), before) if not np.array_equal(now, then)]
    if config != {"learning_rate": 0.1}:
        changed.append("optim_config")
    if changed:
        fail(NAME, _("it must not modify its inputs."), on, _("X, y, W and optim_config unchanged"),
             _("changed: {names}").format(names=", ".join(changed)),
             _("W = W.copy() and config = dict(optim_config or {}) before the loop."))


@pytest.mark.parametrize("rule, rate", [("sgd", 0.1), ("sgd_momentum", 0.05), ("rmsprop", 0.01), ("adam", 0.05)])
def test_the_loss_goes_down_on_separable_data(student, rule, rate):
    """On well separated blobs the mean loss of the last 20 iterations is below that of the first 20."""
    on = _("120 points in 3 blobs, update_rule={rule}, learning_rate={rate}, batch_size=30, num_iters=100").format(
        rule=repr(rule), rate=rate)
    _W, history = run(student, on, update_rule=rule, optim_config={"learning_rate": rate}, batch_size=30, num_iters=100)
    first, last = float(np.mean(history[:20])), float(np.mean(history[-20:]))
    if not last < first:
        fail(NAME, _("the loss must go down when training on separable data."), on,
             _("mean of the last 20 losses < mean of the first 20"), _("{last} vs {first}").format(
                 last=f"{last:.4f}", first=f"{first:.4f}"),
             _("the update rule's returned config must be passed to the next call; step against the gradient."))
