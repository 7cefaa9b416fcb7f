"""Ada's elastic net: correct."""

import numpy as np


def elastic_net(W, l1, l2):
    penalty = l1 * np.abs(W).sum() + l2 * (W**2).sum()
    return float(penalty), l1 * np.sign(W) + 2.0 * l2 * W
