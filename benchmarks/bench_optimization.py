"""Benchmark: CPU seconds the optimization suite costs per correct submission, as a ratio to a bare
`python -c "import numpy"` measured in the same run (the same machine load for both).

The reference is copied as SUBMISSIONS students and graded by one `grader grade --jobs JOBS` run through the
whole engine (collection, the reference run, children, sandboxed workers, reports). CPU seconds are the
whole process tree's, counted as benchmarks/cpu_meter.py says (a cgroup where one can be made). Prints
numbers, asserts nothing about time.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import cpu_meter

from grader.assignment import load_assignment

SUBMISSIONS = 8
JOBS = 2
GRADER = str(Path(sys.executable).parent / "grader")


def main() -> None:
    assignment = load_assignment("optimization")
    print(f"CPU seconds counted by: {cpu_meter.method()}")
    bare = statistics.median(cpu_meter.run([sys.executable, "-c", "import numpy"])[0] for _ in range(3))
    with tempfile.TemporaryDirectory(prefix="bench-optimization-") as tmp:
        submissions, out = Path(tmp) / "submissions", Path(tmp) / "out"
        for k in range(SUBMISSIONS):
            shutil.copytree(assignment.reference_dir, submissions / f"student{k:02d}",
                            ignore=shutil.ignore_patterns("__pycache__"))
        cpu, wall = cpu_meter.run([GRADER, "grade", str(submissions), "-o", str(out), "--quiet", "--force",
                                   "--assignment", assignment.name, "--jobs", str(JOBS)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = [json.loads(p.read_text()) for p in (out / "results").glob("*.json")]
    correct = sum(r["score"] == r["max_score"] and not r["error"] for r in results)
    print(f"bare `python -c 'import numpy'`:        {bare:.3f} CPU s")
    print(f"optimization suite, {SUBMISSIONS} reference copies at jobs={JOBS}: {correct} correct, {wall:.1f} s wall")
    if not correct:
        print("  no submission earned full marks: the reference or the engine is broken (see `grader check`)")
        sys.exit(1)
    per = cpu / SUBMISSIONS
    print(f"  whole run (batch costs included):      {per:.3f} CPU s per correct submission, "
          f"{per / bare:.1f}x import numpy")


if __name__ == "__main__":
    main()
