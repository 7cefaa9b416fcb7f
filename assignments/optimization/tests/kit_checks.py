"""The checks the update rules' public tests share: CS231n's relative error and calling a rule with the
form of its result checked (failures worded by kit_failures)."""

import numpy as np
from kit_failures import call, describe, fail
from kit_i18n import _

#: CS231n's notebooks accept a relative error of "1e-7 or less" against their expected values.
NOTEBOOK_BOUND = 1e-7


def rel_error(x, y):
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|), elementwise; inf if shapes differ."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        return float("inf")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def call_rule(student, rule, on, w, dw, config):
    """student.<rule>(w, dw, config) -> (next_w, config), checked to be a pair (array, dict)."""
    got = call(student, rule, on, w, dw, config)
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict)):
        fail(rule, _("must return a pair (next_w, config)."), on, _("a tuple (numpy array, dict)"), describe(got),
             _("return next_w, config at the end, with the state stored in config."))
    return got
