"""Inputs for the update rules' properties: w, dw and a config, drawn deterministically from a small
description (shape, dtype, gradient scale, which parts of the config are given) so falsifying examples
stay short and readable."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

#: Hyperparameters a caller may give, per rule (drawn from these values).
HYPER_CHOICES = {
    "sgd_momentum": {"learning_rate": (1e-2, 1e-3, 0.1, 0.5), "momentum": (0.9, 0.5, 0.99, 0.0)},
    "rmsprop": {"learning_rate": (1e-2, 1e-3, 0.1), "decay_rate": (0.99, 0.9, 0.5), "epsilon": (1e-8, 1e-6, 1e-4)},
    "adam": {"learning_rate": (1e-3, 1e-2, 0.1), "beta1": (0.9, 0.5, 0.0), "beta2": (0.999, 0.99, 0.9),
             "epsilon": (1e-8, 1e-6, 1e-4)},
}


@dataclass(frozen=True)
class Case:
    """One call of an update rule: w and dw of `shape` and `dtype`, dw of size about 10**scale, and a
    config with the hyperparameters `hyper` and (with_state) a non-zero state, or None when config_none."""

    shape: tuple
    dtype: str = "float64"
    scale: int = 0
    hyper: tuple = ()
    with_state: bool = False
    config_none: bool = False
    seed: int = 0

    def arrays(self, base_seed: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([base_seed, self.seed])
        w = rng.standard_normal(self.shape).astype(self.dtype)
        dw = (rng.standard_normal(self.shape) * 10.0**self.scale).astype(self.dtype)
        return w, dw

    def config(self, rule: str, base_seed: int) -> dict | None:
        """The config this case passes (None, hyperparameters only, or with a state)."""
        if self.config_none:
            return None
        config = dict(self.hyper)
        if self.with_state:
            config.update(random_state(rule, self.shape, self.dtype, 10.0**self.scale, [base_seed, self.seed, 1]))
        return config


def random_state(rule: str, shape, dtype, size: float, seed) -> dict:
    """A plausible non-zero state of `rule` for gradients of about `size`."""
    rng = np.random.default_rng(seed)
    if rule == "sgd_momentum":
        return {"velocity": (rng.standard_normal(shape) * size).astype(dtype)}
    if rule == "rmsprop":
        return {"cache": (rng.uniform(0.1, 2.0, shape) * size**2).astype(dtype)}
    return {"m": (rng.standard_normal(shape) * size).astype(dtype),
            "v": (rng.uniform(0.1, 2.0, shape) * size**2).astype(dtype),
            "t": int(rng.integers(1, 50))}


def hypers(rule: str) -> st.SearchStrategy[tuple]:
    """Some of the rule's hyperparameters (possibly none), as sorted (key, value) pairs."""
    choices = HYPER_CHOICES[rule]
    return st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in choices.items()}).map(
        lambda d: tuple(sorted(d.items())))


def cases(rule: str, *, with_state=None, config_none=None,
          scales=(0, -2, -4, -6, 2), dtypes=("float64", "float32")) -> st.SearchStrategy[Case]:
    """Cases with w of 1 to 4 dimensions (sizes 1..5), the given dtypes and gradient scales."""
    return st.builds(
        Case,
        shape=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple),
        dtype=st.sampled_from(dtypes),
        scale=st.sampled_from(scales),
        hyper=hypers(rule),
        with_state=st.booleans() if with_state is None else with_state,
        config_none=st.just(False) if config_none is None else config_none,
        seed=st.integers(0, 2**16),
    )


#: The inputs of the CS231n notebook checks (PROPERTIES.md 16), per rule: w, dw, config.
def notebook_inputs(rule: str) -> tuple[np.ndarray, np.ndarray, dict]:
    N, D = 4, 5
    w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
    dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
    if rule == "sgd_momentum":
        return w, dw, {"learning_rate": 1e-3, "velocity": np.linspace(0.6, 0.9, num=N * D).reshape(N, D)}
    if rule == "rmsprop":
        return w, dw, {"learning_rate": 1e-2, "cache": np.linspace(0.6, 0.9, num=N * D).reshape(N, D)}
    return w, dw, {"learning_rate": 1e-2, "m": np.linspace(0.6, 0.9, num=N * D).reshape(N, D),
                   "v": np.linspace(0.7, 0.5, num=N * D).reshape(N, D), "t": 5}
