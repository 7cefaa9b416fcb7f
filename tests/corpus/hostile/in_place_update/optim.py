"""The honest slip the purity property exists for: the update is applied to W in place."""


def sgd_step(W, dW, learning_rate):
    W -= learning_rate * dW
    return W
