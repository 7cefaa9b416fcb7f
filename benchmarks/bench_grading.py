"""Cost of grading, as ratios to a bare `python -c "import numpy"` measured in the same run.

Prints, for the fast path (examples replayed) and the plain path (`grader grade --plain`):
- CPU seconds per correct submission (16 copies of the reference), over the bare process start;
- CPU seconds per submission of the mixed demo class (hostile student included);
- the wall time of a class of BENCH_CLASS submissions (default 500: the demo class without its hostile
  student, repeated) at --jobs 2, measured; a smaller BENCH_CLASS is extrapolated and labelled so;
- the peer: what a notebook grader pays per submission (a Jupyter kernel start and a few cells run
  with nbclient), in CPU seconds, measured in the same run.
CPU seconds are the whole process tree's (grader, pytest children, sandboxed workers), counted by a cgroup
where one can be made (benchmarks/cpu_meter.py: processes in a bubblewrap pid namespace are reaped by the
kernel and never reach RUSAGE_CHILDREN); the peer runs in this process, so RUSAGE counts its kernel.
Targets (issue #15): <= 3x per correct submission, <= 6x for the mixed class, 500 in < 120 s.
Never an assertion: load on a shared machine moves every number.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cpu_meter

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
REFERENCE = ROOT / "reference" / "loss_optimization"
GRADER = str(Path(sys.executable).parent / "grader")
CORRECT_COPIES = 16
CLASS_SIZE = int(os.environ.get("BENCH_CLASS", "500"))
HONEST = ("alice", "bob", "carol.ipynb", "dave.zip", "erin")
NOTEBOOK_CELLS = [
    "import numpy as np",
    ("def svm_loss(W, X, y, reg):\n    S = X @ W\n    m = np.maximum(0, S - S[np.arange(len(y)), y][:, None] + 1)\n"
     "    m[np.arange(len(y)), y] = 0\n    return m.sum() / len(y) + reg * np.sum(W * W)"),
    "rng = np.random.default_rng(0); W = rng.normal(size=(5, 3)); X = rng.normal(size=(4, 5)); y = np.array([0, 1, 2, 0])",
    "assert svm_loss(W, X, y, 0.0) >= 0",
    "assert abs(svm_loss(np.zeros((5, 3)), X, y, 0.0) - 2.0) < 1e-12",
]


def cpu_wall(run) -> tuple[float, float]:
    """(CPU seconds of this process and its reaped descendants, wall seconds) spent by run()."""
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
    return cpu, wall


def command(argv: list[str]):
    return lambda: subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def grade(submissions: Path, out: Path, *extra: str) -> tuple[float, float]:
    """(CPU seconds of the whole grading process tree, wall seconds) of one `grader grade` run."""
    return cpu_meter.run([GRADER, "grade", str(submissions), "-o", str(out), "--quiet", "--force",
                          "--assignment", "loss_optimization", *extra],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def notebook_peer() -> float:
    """CPU seconds of one notebook-grader run: a fresh kernel, NOTEBOOK_CELLS executed, kernel shut down."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK_CELLS])
    return cpu_wall(lambda: NotebookClient(notebook, timeout=120, kernel_name="python3").execute())[0]


def build(folder: Path, names, count: int) -> Path:
    """count submissions copied round-robin from EXAMPLES' entries `names`, as s0000_<name>..."""
    folder.mkdir(parents=True)
    for i in range(count):
        name = names[i % len(names)]
        source, target = EXAMPLES / name, folder / f"s{i:04d}_{name}"
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, target)
    return folder


def main() -> None:
    print(f"CPU seconds counted by: {cpu_meter.method()}")
    bare_argv = [sys.executable, "-c", "import numpy"]
    bare = statistics.median(cpu_meter.run(bare_argv)[0] for _ in range(5))
    print(f'bare `python -c "import numpy"`: {bare:.3f} CPU-s (median of 5)')
    try:
        bare_rusage = statistics.median(cpu_wall(command(bare_argv))[0] for _ in range(5))
        peer = statistics.median(notebook_peer() for _ in range(3))
        print(f"peer, notebook grader (nbclient: kernel start + {len(NOTEBOOK_CELLS)} cells): {peer:.2f} CPU-s "
              f"= {peer / bare_rusage:.1f}x bare (median of 3; both by RUSAGE: bare {bare_rusage:.3f})")
    except (ImportError, OSError, RuntimeError, KeyError) as exc:  # no kernel here: the rest still runs
        print(f"peer, notebook grader: not measured ({type(exc).__name__}: {exc})")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        correct = tmp / "correct"
        for i in range(CORRECT_COPIES):
            shutil.copytree(REFERENCE, correct / f"c{i:02d}", ignore=shutil.ignore_patterns("__pycache__"))
        for label, extra, target in (("fast", (), 3.0), ("plain", ("--plain",), 3.0)):
            cpu, _ = grade(correct, tmp / f"out-correct-{label}", "--jobs", "2", *extra)
            per = cpu / CORRECT_COPIES
            print(f"{label}: correct submission ({CORRECT_COPIES} in one batch): {per:.2f} CPU-s each "
                  f"= {per / bare:.1f}x bare (target <= {target:g}x)")
        for label, extra in (("fast", ()), ("plain", ("--plain",))):
            count = sum(1 for p in EXAMPLES.iterdir() if not p.name.startswith("."))
            cpu, wall = grade(EXAMPLES, tmp / f"out-demo-{label}", "--jobs", "2", "--timeout", "60", *extra)
            print(f"{label}: mixed demo class ({count}, hostile included): {cpu / count:.2f} CPU-s each "
                  f"= {cpu / count / bare:.1f}x bare (target <= 6x); {wall:.1f} s wall at --jobs 2")
        cohort = build(tmp / "class", HONEST, CLASS_SIZE)
        cpu, wall = grade(cohort, tmp / "out-class", "--jobs", "2")
        scaled = wall * 500 / CLASS_SIZE
        how = "measured" if CLASS_SIZE == 500 else f"EXTRAPOLATED from {CLASS_SIZE} measured in {wall:.1f} s"
        print(f"fast: 500 submissions (demo class without the hostile student, repeated) at --jobs 2: "
              f"{scaled:.0f} s wall ({how}; target < 120 s), {cpu / CLASS_SIZE:.2f} CPU-s each "
              f"= {cpu / CLASS_SIZE / bare:.1f}x bare")


if __name__ == "__main__":
    main()
