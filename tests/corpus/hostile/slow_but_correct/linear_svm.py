"""A correct svm_loss_naive that sleeps just under the call timeout on every call, hoping to use up
the time the functions graded after it need."""
import time

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    time.sleep(4.5)  # the hostile batch's call timeout is 5 s
    return svm_loss_vectorized(W, X, y, reg)
