"""Leaves a daemon behind."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import os
    import time
    if os.fork() == 0:
        try:
            os.setsid()
        except OSError:
            pass
        if os.fork() == 0:  # keeps the worker's process name, by which the test looks for it
            for _ in range(600):  # acts for ten minutes after grading, if still alive
                time.sleep(0.2)
                for target in (HOSTILE_ROOT + "/leftover_acted.txt", "leftover_acted.txt"):
                    try:
                        open(target, "w").write("still here")
                    except OSError:
                        pass
        os._exit(0)
    print("ATTEMPTED", flush=True)  # the attack ran: the test checks it did
    raise RuntimeError("left a process behind")
