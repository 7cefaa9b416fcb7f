"""Benchmark: the hidden suite's runtime per submission on the reference, and as a ratio to a bare
`python -c "import numpy"` measured in the same run (the same machine load for both)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.assignment import load_assignment

REPEATS = 3


def wall(argv: list[str], cwd: Path) -> float:
    """Wall seconds of one subprocess run (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    assignment = load_assignment("loss_optimization")
    root = assignment.root
    numpy_s = min(wall([sys.executable, "-c", "import numpy"], root) for _ in range(REPEATS))
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.json"
        argv = [sys.executable, "-m", "pytest", str(assignment.hidden_tests_dir), "-q", "-p", "no:cacheprovider",
                "-p", "grader.pytest_plugin", "--submission", str(assignment.reference_dir),
                "--grader-results", str(results)]
        for _ in range(REPEATS):
            total = wall(argv, root)
            tests = json.loads(results.read_text(encoding="utf-8"))["tests"]
            runs.append((total, sum(t["duration_s"] for t in tests), len(tests)))
    total, in_tests, count = min(runs)
    print(f"bare `python -c 'import numpy'`:      {numpy_s:.3f} s")
    print(f"hidden suite, reference submission:  {total:.3f} s wall per submission ({count} tests), "
          f"{total / numpy_s:.1f}x import numpy")
    print(f"  of which in the tests themselves:  {in_tests:.3f} s ({in_tests / numpy_s:.1f}x import numpy; "
          f"target < 1 s)")


if __name__ == "__main__":
    main()
