"""Alice's gradient step."""


def sgd_step(W, dW, learning_rate):
    """Return W moved against the gradient: a new array, W and dW untouched."""
    return W + (-learning_rate) * dW
