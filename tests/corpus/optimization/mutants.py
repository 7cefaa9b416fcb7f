'''Realistic wrong update rules, penalties and training loops, each a single mistake made as an edit of the
reference. Each must lose points on its own function and keep full marks on every other one.'''

from corpus import Entry, edited
from grader.assignment import load_assignment

ASSIGNMENT = load_assignment("optimization")


def mutant(function: str, name: str, why: str, *edits: tuple[str, str]) -> Entry:
    """An Entry replacing `function` by the reference with `edits` (old, new) and that must lose points on it."""
    return Entry(name=name, patches={function: edited(ASSIGNMENT, function, *edits)}, loses=(function,), why=why)


LR_DW = 'config["learning_rate"] * dw'
STORE_ADAM = 'config["t"], config["m"], config["v"] = t, m, v'

MUTANTS = [
    # sgd_momentum
    mutant("sgd_momentum", "momentum_velocity_sign", "v = mu*v + lr*dw with next_w = w - v (flips a given velocity)",
           (f'v = config["momentum"] * v - {LR_DW}', f'v = config["momentum"] * v + {LR_DW}'),
           ("next_w = w + v", "next_w = w - v")),
    mutant("sgd_momentum", "momentum_no_learning_rate", "v = mu*v - dw",
           (f"- {LR_DW}", "- dw")),
    mutant("sgd_momentum", "momentum_state_not_stored", "the new velocity is not put back into config",
           ('    config["velocity"] = v\n', "")),
    mutant("sgd_momentum", "momentum_default_missing", "no default for momentum",
           ('    config.setdefault("momentum", 0.9)\n', "")),
    mutant("sgd_momentum", "momentum_wrong_default", "momentum defaults to 0.5",
           ('config.setdefault("momentum", 0.9)', 'config.setdefault("momentum", 0.5)')),
    mutant("sgd_momentum", "momentum_overwrites_learning_rate", "the caller's learning rate is replaced",
           ('config.setdefault("learning_rate", 1e-2)', 'config["learning_rate"] = 1e-2')),
    mutant("sgd_momentum", "momentum_step_subtracted", "next_w = w - v with v = mu*v - lr*dw",
           ("next_w = w + v", "next_w = w - v")),
    # rmsprop
    mutant("rmsprop", "rmsprop_epsilon_inside_sqrt", "sqrt(cache + eps)",
           ('(np.sqrt(cache) + config["epsilon"])', 'np.sqrt(cache + config["epsilon"])')),
    mutant("rmsprop", "rmsprop_no_one_minus_decay", "cache = d*cache + dw**2",
           ('(1 - config["decay_rate"]) * dw**2', "dw**2")),
    mutant("rmsprop", "rmsprop_old_cache", "the step divides by the root of the old cache",
           ("np.sqrt(cache)", 'np.sqrt(config["cache"])')),
    mutant("rmsprop", "rmsprop_state_not_stored", "the new cache is not put back into config",
           ('    config["cache"] = cache\n', "")),
    mutant("rmsprop", "rmsprop_wrong_default_decay", "decay_rate defaults to 0.9",
           ('config.setdefault("decay_rate", 0.99)', 'config.setdefault("decay_rate", 0.9)')),
    mutant("rmsprop", "rmsprop_abs_not_square", "the cache averages |dw|, not dw**2",
           ('(1 - config["decay_rate"]) * dw**2', '(1 - config["decay_rate"]) * np.abs(dw)')),
    mutant("rmsprop", "rmsprop_default_epsilon_missing", "no default for epsilon",
           ('    config.setdefault("epsilon", 1e-8)\n', "")),
    # adam
    mutant("adam", "adam_t_incremented_after_use", "bias correction uses the old t; t+1 stored",
           ('t = config["t"] + 1', 't = config["t"]'), (STORE_ADAM, 'config["t"], config["m"], config["v"] = t + 1, m, v')),
    mutant("adam", "adam_no_bias_correction", "m_hat = m, v_hat = v",
           ("m_hat = m / (1 - beta1**t)", "m_hat = m"), ("v_hat = v / (1 - beta2**t)", "v_hat = v")),
    mutant("adam", "adam_bias_correction_m_only", "v is not bias-corrected",
           ("v_hat = v / (1 - beta2**t)", "v_hat = v")),
    mutant("adam", "adam_epsilon_inside_sqrt", "sqrt(v_hat + eps)",
           ('(np.sqrt(v_hat) + config["epsilon"])', 'np.sqrt(v_hat + config["epsilon"])')),
    mutant("adam", "adam_moments_not_stored", "m and v are not put back into config",
           (STORE_ADAM, 'config["t"] = t')),
    mutant("adam", "adam_t_not_stored", "t is not put back into config",
           (STORE_ADAM, 'config["m"], config["v"] = m, v')),
    mutant("adam", "adam_beta1_for_v", "v decays with beta1",
           ('v = beta2 * config["v"] + (1 - beta2) * dw**2', 'v = beta1 * config["v"] + (1 - beta1) * dw**2')),
    mutant("adam", "adam_no_square_root", "divides by v_hat, not its square root",
           ("np.sqrt(v_hat)", "v_hat")),
    mutant("adam", "adam_wrong_default_learning_rate", "learning_rate defaults to 1e-2",
           ('config.setdefault("learning_rate", 1e-3)', 'config.setdefault("learning_rate", 1e-2)')),
    mutant("adam", "adam_t_default_one", "t starts at 1, so the first step corrects with t = 2",
           ('config.setdefault("t", 0)', 'config.setdefault("t", 1)')),
    # elastic_net
    mutant("elastic_net", "elastic_no_factor_two", "d/dW of l2*W**2 taken as l2*W",
           ("2 * l2 * W", "l2 * W")),
    mutant("elastic_net", "elastic_l1_gradient_is_W", "the L1 gradient is l1*W",
           ("l1 * np.sign(W)", "l1 * W")),
    mutant("elastic_net", "elastic_sum_not_abs", "the L1 penalty sums W",
           ("np.sum(np.abs(W))", "np.sum(W)")),
    mutant("elastic_net", "elastic_swapped_strengths", "l1 and l2 swapped",
           ("l1 * np.sum(np.abs(W)) + l2 * np.sum(W * W)", "l2 * np.sum(np.abs(W)) + l1 * np.sum(W * W)"),
           ("l1 * np.sign(W) + 2 * l2 * W", "l2 * np.sign(W) + 2 * l1 * W")),
    mutant("elastic_net", "elastic_mutates_W", "shrinks W in place after computing the answer",
           ("    return float(penalty), dW", "    W *= 0.5\n    return float(penalty), dW")),
    # train
    mutant("train", "train_history_after_update", "the loss is recorded after the update",
           ("        loss_history.append(float(batch_loss))\n        W, config = rule(W, dW, config)\n",
            ("        W, config = rule(W, dW, config)\n"
             "        loss_history.append(float(loss_fn(W, X[batch], y[batch], reg)[0]))\n"))),
    mutant("train", "train_decay_every_iteration", "the learning rate decays after every iteration",
           ('        if (it + 1) % iters_per_decay == 0:\n            config["learning_rate"] *= lr_decay',
            '        config["learning_rate"] *= lr_decay')),
    mutant("train", "train_no_copy_of_W", "sgd's in-place update changes the caller's W",
           ("    W = W.copy()\n", "")),
    mutant("train", "train_ignores_seed", "an unseeded generator",
           ("np.random.default_rng(seed)", "np.random.default_rng()")),
    mutant("train", "train_full_batch", "batch_size ignored: every batch is the whole data set",
           ("rng.choice(num_train, batch_size, replace=True)", "np.arange(num_train)")),
    mutant("train", "train_ignores_update_rule", "always plain SGD",
           ("getattr(optim, update_rule)", "optim.sgd")),
    mutant("train", "train_ignores_optim_config", "the rule's defaults instead of the caller's config",
           ("dict(optim_config or {})", "{}")),
    mutant("train", "train_mutates_optim_config", "the caller's dict is decayed in place",
           ("dict(optim_config or {})", "optim_config if optim_config is not None else {}")),
    mutant("train", "train_one_iteration_short", "num_iters - 1 updates",
           ("range(num_iters)", "range(num_iters - 1)")),
    mutant("train", "train_reg_not_passed", "the loss is computed without regularization",
           ("loss_fn(W, X[batch], y[batch], reg)", "loss_fn(W, X[batch], y[batch], 0.0)")),
    mutant("train", "train_default_period_one", "iters_per_decay=None decays every iteration",
           ("max(num_train // batch_size, 1)", "1")),
    mutant("train", "train_fresh_config_each_step", "the rule gets a fresh copy of optim_config every iteration",
           ("W, config = rule(W, dW, config)", "W, _ = rule(W, dW, dict(optim_config or {}))")),
]
