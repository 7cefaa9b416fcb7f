"""Does not parse."""
import numpy as np


def softmax_loss(W, X, y, reg)
    return 0.0, np.zeros_like(W)
