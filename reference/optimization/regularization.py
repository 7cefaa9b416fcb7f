"""Weight penalties for a linear classifier: reference solution."""

import numpy as np


def elastic_net(W, l1, l2):
    """
    Elastic-net penalty: l1 * sum(|W|) + l2 * sum(W**2), and its (sub)gradient.

    Inputs:
    - W: A numpy array of any shape (a linear classifier's (D, C) weights).
    - l1: (float) strength of the L1 (lasso) part, l1 >= 0.
    - l2: (float) strength of the L2 (ridge, "weight decay") part, l2 >= 0.

    Returns a tuple of:
    - penalty as a single float.
    - dW: an array of W's shape, l1 * sign(W) + 2 * l2 * W. Where W is exactly 0
      the L1 part has no derivative; any value in [-l1, l1] is a valid subgradient
      (sign(0) = 0 gives 0). W is not modified.

    l1 = 0 is the L2 penalty of the loss functions (reg * sum(W * W)); l2 = 0 is L1.
    """
    penalty = l1 * np.sum(np.abs(W)) + l2 * np.sum(W * W)
    dW = l1 * np.sign(W) + 2 * l2 * W
    return float(penalty), dW
