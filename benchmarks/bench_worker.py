"""Cost of the sandbox, measured in one run: worker start-up (a fresh process, and forked from the preloaded
server grader.sandbox.zygote, as grading does) vs a bare `python -c "import numpy"`, and a call's round trip with small arrays vs CIFAR-size arrays (N=500, D=3073), the latter also
against a bare pipe echo of the same bytes (the floor for any process boundary)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from grader.assignment import load_assignment
from grader.sandbox import WorkerClient, zygote
from grader.sandbox.confine import probe
from grader.sandbox.limits import clean_env

ECHO = "def sgd_step(W, dW, learning_rate):\n    return W\n"


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


ECHO_PROCESS = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read(int(sys.argv[1]))); sys.stdout.flush()"


def bare_numpy_start() -> None:
    subprocess.run([sys.executable, "-c", "import numpy"], check=True)


def pipe_echo_seconds(data: bytes, repeat: int) -> float:
    """Median time to send data to a running process through a pipe and read it back."""
    echo = subprocess.Popen([sys.executable, "-c", f"while True: {ECHO_PROCESS}", str(len(data))],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        def once() -> None:
            echo.stdin.write(data)
            echo.stdin.flush()
            got = 0
            while got < len(data):
                got += len(echo.stdout.read1(len(data) - got))

        return median_seconds(once, repeat)
    finally:
        echo.kill()
        echo.wait()


def main() -> None:
    assignment = load_assignment("loss_optimization")
    confinement = probe()
    with tempfile.TemporaryDirectory() as tmp:
        submission = Path(tmp)
        (submission / "optim.py").write_text(ECHO)

        def worker_start() -> None:
            with WorkerClient(submission, assignment, confinement=confinement) as client:
                client.start()

        bare = median_seconds(bare_numpy_start, 5)
        start = median_seconds(worker_start, 5)
        server = zygote.ensure(clean_env(home=tmp)) if confinement.bwrap is None else None
        forked = median_seconds(worker_start, 5) if server is not None else None
        rng = np.random.default_rng(0)
        small = rng.standard_normal((10, 3))
        cifar = rng.standard_normal((500, 3073))
        with WorkerClient(submission, assignment, confinement=confinement) as client:
            client.start()
            small_rtt = median_seconds(lambda: client.call("sgd_step", small, small, 0.1), 500)
            cifar_rtt = median_seconds(lambda: client.call("sgd_step", cifar, small, 0.1), 30)
    echo = pipe_echo_seconds(cifar.tobytes(), 30)
    print(f"confinement: {confinement.name}")
    print(f"bare `python -c 'import numpy'`: {bare * 1e3:8.1f} ms")
    print(f"worker start-up:                 {start * 1e3:8.1f} ms   ratio {start / bare:5.2f}x the bare start")
    if forked is not None:
        print(f"worker start-up, forked:         {forked * 1e3:8.1f} ms   ratio {forked / bare:5.2f}x the bare start")
    else:
        print("worker start-up, forked:         not measured (bubblewrap, or no fork server on this system)")
    print(f"call round trip, (10, 3) arrays: {small_rtt * 1e3:8.3f} ms")
    print(f"call round trip, X (500, 3073) in and out: {cifar_rtt * 1e3:8.2f} ms   "
          f"ratio {cifar_rtt / small_rtt:6.1f}x the small call, {cifar_rtt / echo:5.2f}x a bare pipe echo of X "
          f"({echo * 1e3:.2f} ms)")


if __name__ == "__main__":
    main()
