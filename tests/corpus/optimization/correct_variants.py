'''Alternative correct update rules, penalties and loops (in place or a new array, the config copied or
mutated, algebraically different Adam forms, other sampling calls), each patched into the reference:
every one must get full marks on every function.'''

from corpus import Entry, edited
from grader.assignment import load_assignment

ASSIGNMENT = load_assignment("optimization")

MOMENTUM_IN_PLACE_COPIED_CONFIG = """
def sgd_momentum(w, dw, config=None):
    config = dict(config) if config is not None else {}
    lr = config.setdefault("learning_rate", 1e-2)
    mu = config.setdefault("momentum", 0.9)
    v = config.setdefault("velocity", np.zeros_like(w))
    v = mu * v - lr * dw
    w += v
    config["velocity"] = v
    return w, config
"""

MOMENTUM_STATE_IN_PLACE = """
def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    if "velocity" not in config:
        config["velocity"] = np.zeros_like(w)
    v = config["velocity"]
    v *= config["momentum"]
    v -= config["learning_rate"] * dw
    return w + v, config
"""

RMSPROP_IN_PLACE = """
def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))
    d = config["decay_rate"]
    config["cache"] = d * config["cache"] + (1 - d) * (dw * dw)
    w -= config["learning_rate"] * dw / (np.sqrt(config["cache"]) + config["epsilon"])
    return w, config
"""

RMSPROP_NEW_CONFIG = """
def rmsprop(w, dw, config=None):
    base = {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8}
    config = {**base, **(config or {})}
    cache = config.get("cache", np.zeros_like(w))
    cache = config["decay_rate"] * cache + (1.0 - config["decay_rate"]) * np.square(dw)
    step = config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    return w - step, {**config, "cache": cache}
"""

ADAM_EFFICIENT_FORM = """
def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    b1, b2 = config["beta1"], config["beta2"]
    config["t"] += 1
    t = config["t"]
    config["m"] = b1 * config["m"] + (1 - b1) * dw
    config["v"] = b2 * config["v"] + (1 - b2) * dw * dw
    # Kingma & Ba's form: fold both corrections into the step size (epsilon rescaled to stay equivalent).
    correction = np.sqrt(1 - b2**t)
    lr_t = config["learning_rate"] * correction / (1 - b1**t)
    next_w = w - lr_t * config["m"] / (np.sqrt(config["v"]) + config["epsilon"] * correction)
    return next_w, config
"""

ADAM_IN_PLACE_COPIED = """
def adam(w, dw, config=None):
    config = {} if config is None else dict(config)
    lr = config.setdefault("learning_rate", 1e-3)
    beta1 = config.setdefault("beta1", 0.9)
    beta2 = config.setdefault("beta2", 0.999)
    eps = config.setdefault("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = beta1 * config.get("m", np.zeros_like(w)) + (1 - beta1) * dw
    v = beta2 * config.get("v", np.zeros_like(w)) + (1 - beta2) * np.power(dw, 2)
    w -= lr * (m / (1 - np.power(beta1, t))) / (np.sqrt(v / (1 - np.power(beta2, t))) + eps)
    config.update(m=m, v=v, t=t)
    return w, config
"""

ELASTIC_SUBGRADIENT_PLUS_ONE = """
def elastic_net(W, l1, l2):
    penalty = l1 * np.linalg.norm(W.ravel(), 1) + l2 * np.vdot(W, W)
    dW = l1 * np.where(W >= 0, 1.0, -1.0) + 2 * l2 * W
    return float(penalty), dW
"""

TRAIN_INTEGERS = ("rng.choice(num_train, batch_size, replace=True)", "rng.integers(0, num_train, size=batch_size)")
TRAIN_RANDOM_STATE = (("np.random.default_rng(seed)", "np.random.RandomState(seed)"),
                      ("rng.choice(num_train, batch_size, replace=True)", "rng.choice(num_train, batch_size)"))

TRAIN_EPOCHS = """
def train(X, y, W, *, loss="softmax", update_rule="sgd", optim_config=None, reg=0.0, batch_size=200,
          num_iters=100, lr_decay=1.0, iters_per_decay=None, seed=0):
    rng = np.random.default_rng(seed)
    num_train = X.shape[0]
    period = iters_per_decay or max(num_train // batch_size, 1)
    update = getattr(optim, update_rule)
    config = {key: value for key, value in (optim_config or {}).items()}
    weights = np.array(W, copy=True)
    history = []
    done = 0
    while done < num_iters:
        for _ in range(min(period, num_iters - done)):
            idx = rng.choice(num_train, size=batch_size)
            value, grad = LOSSES[loss](weights, X[idx], y[idx], reg)
            history.append(value)
            weights, config = update(weights, grad, config)
            done += 1
        if done % period == 0:
            config["learning_rate"] = config["learning_rate"] * lr_decay
    return weights, history
"""

VARIANTS = [
    Entry("momentum_in_place_copied_config", {"sgd_momentum": MOMENTUM_IN_PLACE_COPIED_CONFIG},
          why="w updated in place, the caller's config copied"),
    Entry("momentum_state_in_place", {"sgd_momentum": MOMENTUM_STATE_IN_PLACE},
          why="the velocity array updated in place inside the caller's config"),
    Entry("rmsprop_in_place", {"rmsprop": RMSPROP_IN_PLACE}, why="w -= ..., dw * dw"),
    Entry("rmsprop_new_config", {"rmsprop": RMSPROP_NEW_CONFIG},
          why="defaults merged into a new dict, np.square, a new array returned"),
    Entry("adam_efficient_form", {"adam": ADAM_EFFICIENT_FORM},
          why="Kingma & Ba's form: corrections folded into the step size, epsilon rescaled"),
    Entry("adam_in_place_copied_config", {"adam": ADAM_IN_PLACE_COPIED},
          why="w updated in place, config copied, np.power, corrections inline"),
    Entry("elastic_subgradient_plus_one", {"elastic_net": ELASTIC_SUBGRADIENT_PLUS_ONE},
          why="norm(W, 1) and vdot; subgradient +l1 at exactly 0"),
    Entry("train_rng_integers", {"train": edited(ASSIGNMENT, "train", TRAIN_INTEGERS)},
          why="batches from rng.integers"),
    Entry("train_random_state", {"train": edited(ASSIGNMENT, "train", *TRAIN_RANDOM_STATE)},
          why="the legacy np.random.RandomState(seed).choice"),
    Entry("train_epoch_loops", {"train": TRAIN_EPOCHS}, why="nested loops over decay periods, the rule looked "
          "up once, W copied with np.array"),
]
