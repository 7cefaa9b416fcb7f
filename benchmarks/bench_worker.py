"""Cost of the sandbox, measured in one run: worker start-up vs a bare `python -c "import numpy"`,
and a call's round trip with small arrays vs CIFAR-size arrays (N=500, D=3073)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from grader.assignment import load_assignment
from grader.sandbox import WorkerClient
from grader.sandbox.confine import probe

ECHO = "def sgd_step(W, dW, learning_rate):\n    return W\n"


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bare_numpy_start() -> None:
    subprocess.run([sys.executable, "-c", "import numpy"], check=True)


def main() -> None:
    assignment = load_assignment()
    confinement = probe()
    with tempfile.TemporaryDirectory() as tmp:
        submission = Path(tmp)
        (submission / "optim.py").write_text(ECHO)

        def worker_start() -> None:
            with WorkerClient(submission, assignment, confinement=confinement) as client:
                client.start()

        bare = median_seconds(bare_numpy_start, 5)
        start = median_seconds(worker_start, 5)
        rng = np.random.default_rng(0)
        small = rng.standard_normal((10, 3))
        cifar = rng.standard_normal((500, 3073))
        with WorkerClient(submission, assignment, confinement=confinement) as client:
            client.start()
            small_rtt = median_seconds(lambda: client.call("sgd_step", small, small, 0.1), 500)
            cifar_rtt = median_seconds(lambda: client.call("sgd_step", cifar, small, 0.1), 30)
    copy = median_seconds(lambda: cifar.copy(), 30)
    print(f"confinement: {confinement.name}")
    print(f"bare `python -c 'import numpy'`: {bare * 1e3:8.1f} ms")
    print(f"worker start-up:                 {start * 1e3:8.1f} ms   ratio {start / bare:5.2f}x the bare start")
    print(f"call round trip, (10, 3) arrays: {small_rtt * 1e3:8.3f} ms")
    print(f"call round trip, X (500, 3073) in and out: {cifar_rtt * 1e3:8.2f} ms   "
          f"ratio {cifar_rtt / small_rtt:6.1f}x the small call, {cifar_rtt / copy:5.1f}x one in-process copy of X")


if __name__ == "__main__":
    main()
