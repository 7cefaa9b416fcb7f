"""Fills its folder with files as fast as it can (each under the per-file cap), in a call."""
import os

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    os.makedirs("fill", exist_ok=True)
    chunk = b"x" * (32 * 1024)
    written = 0
    print("ATTEMPTED", flush=True)
    for i in range(20_000):  # 625 MiB if nothing stops it
        try:
            with open(os.path.join("fill", f"{i}.bin"), "wb") as handle:
                handle.write(chunk)
        except OSError:
            continue
        written += len(chunk)
        if i % 64 == 0:
            print(f"WROTE {written}", flush=True)
    return 0.0, np.zeros_like(W)
