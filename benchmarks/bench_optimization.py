"""Benchmark: CPU seconds the optimization suite costs per correct submission, as a ratio to a bare
`python -c "import numpy"` measured in the same run (the same machine load for both).

The reference is copied as SUBMISSIONS students and graded with grade_batch at JOBS at once, through the
whole engine (children, sandboxed workers, reports). What the children (pytest runs and their workers) use
comes from resource.getrusage(RUSAGE_CHILDREN); this process's own share (collecting the suite, drawing the
replayed examples once per batch) is printed beside it. Prints numbers, asserts nothing about time.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.assignment import load_assignment
from grader.grading import GradeOptions, grade_batch
from grader.submissions import discover

SUBMISSIONS = 8
JOBS = 2
REPEATS = 3


def cpu(who: int) -> float:
    """User + system CPU seconds used so far by this process (RUSAGE_SELF) or its waited-for children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def numpy_start_cpu() -> float:
    """CPU seconds of the cheapest of REPEATS bare `python -c "import numpy"` runs."""
    costs = []
    for _ in range(REPEATS):
        before = cpu(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", "import numpy"], check=True, capture_output=True)
        costs.append(cpu(resource.RUSAGE_CHILDREN) - before)
    return min(costs)


def main() -> None:
    assignment = load_assignment("optimization")
    numpy_s = numpy_start_cpu()
    with tempfile.TemporaryDirectory(prefix="bench-optimization-") as tmp:
        submissions = Path(tmp) / "submissions"
        for k in range(SUBMISSIONS):
            shutil.copytree(assignment.reference_dir, submissions / f"student{k:02d}")
        entries = discover(submissions).entries
        children, own, started = cpu(resource.RUSAGE_CHILDREN), cpu(resource.RUSAGE_SELF), time.perf_counter()
        results = grade_batch(entries, assignment, Path(tmp) / "out", jobs=JOBS, force=True, options=GradeOptions())
        wall = time.perf_counter() - started
        children, own = cpu(resource.RUSAGE_CHILDREN) - children, cpu(resource.RUSAGE_SELF) - own
    correct = sum(r.score == r.max_score and not r.error for r in results)
    print(f"bare `python -c 'import numpy'`:        {numpy_s:.3f} CPU s")
    print(f"optimization suite, {SUBMISSIONS} reference copies at jobs={JOBS}: {correct} correct, {wall:.1f} s wall")
    if not correct:
        print("  no submission earned full marks: the reference or the engine is broken (see `grader check`)")
        sys.exit(1)
    per = children / correct
    print(f"  children (pytest + workers):           {per:.3f} CPU s per correct submission, "
          f"{per / numpy_s:.1f}x import numpy")
    print(f"  this process (collection, examples):   {own:.3f} CPU s per batch "
          f"({own / correct:.3f} per submission)")


if __name__ == "__main__":
    main()
