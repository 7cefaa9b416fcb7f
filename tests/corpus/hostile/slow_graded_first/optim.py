"""Correct, but every call sleeps just under the call timeout: it is graded first (test_sgd.py), and
the functions graded after it must keep every point."""
import time


def sgd_step(W, dW, learning_rate):
    print("ATTEMPTED", flush=True)
    time.sleep(4.5)  # the hostile test's call timeout is 5 s
    return W - learning_rate * dW
