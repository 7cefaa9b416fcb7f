"""Benchmark: each assignment's hidden suite, run the plain way (one pytest process) on its reference: wall
seconds per submission, and as a ratio to a bare `python -c "import numpy"` measured in the same run (the
same machine load for both)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.assignment import assignment_names, load_assignment

REPEATS = 3


def wall(argv: list[str], cwd: Path) -> float:
    """Wall seconds of one subprocess run (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    root = load_assignment(assignment_names()[0]).root
    numpy_s = min(wall([sys.executable, "-c", "import numpy"], root) for _ in range(REPEATS))
    print(f"bare `python -c 'import numpy'`:      {numpy_s:.3f} s")
    for name in assignment_names():
        suite(load_assignment(name), numpy_s)


def suite(assignment, numpy_s: float) -> None:
    """Print the suite's best-of-REPEATS wall time on the reference and the part spent inside its tests."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.json"
        argv = [sys.executable, "-m", "pytest", str(assignment.hidden_tests_dir), "-q", "-p", "no:cacheprovider",
                "-p", "grader.pytest_plugin", "--assignment", assignment.name,
                "--submission", str(assignment.reference_dir), "--grader-results", str(results)]
        for _ in range(REPEATS):
            total = wall(argv, assignment.root)
            tests = json.loads(results.read_text(encoding="utf-8"))["tests"]
            runs.append((total, sum(t["duration_s"] for t in tests), len(tests)))
    total, in_tests, count = min(runs)
    print(f"{assignment.name} hidden suite, reference submission: {total:.3f} s wall ({count} tests), "
          f"{total / numpy_s:.1f}x import numpy")
    print(f"  of which in the tests themselves:  {in_tests:.3f} s ({in_tests / numpy_s:.1f}x import numpy; "
          f"target < 1 s)")


if __name__ == "__main__":
    main()
