"""Output flood."""

import numpy as np

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    import os
    import sys
    line = "flood " * 1000
    for _ in range(2_000):  # 24 MB through print (the cap is 64 KiB)
        print(line)
        print(line, file=sys.stderr)
    chunk = b"x" * (1 << 20)
    for _ in range(4096):  # and 8 GiB straight to the file descriptors, whatever they say
        for fd in (1, 2):
            try:
                os.write(fd, chunk)
            except OSError:
                pass
    raise RuntimeError("flooded")
