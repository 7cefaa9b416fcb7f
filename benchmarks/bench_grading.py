"""Seconds per submission of `grader grade examples/submissions` (full hidden suite, sandbox on) at
--jobs 1 and --jobs 2, printed as ratios to a bare `python -c "import numpy"` measured in the same run.

Target: grading within 5x the bare process start per submission. The hostile demo student spends a
whole per-call timeout in an infinite loop, so the class is also timed without it.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
GRADER = str(Path(sys.executable).parent / "grader")
TARGET = 5.0


def seconds(argv: list[str]) -> float:
    """Wall seconds of one run of argv (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def students(hostile: bool) -> list[str]:
    names = sorted(p.stem for p in EXAMPLES.iterdir() if not p.name.startswith("."))
    return names if hostile else [n for n in names if n != "mallory"]


def inside(out: Path) -> float:
    """Mean seconds a submission spent in its pytest child (from the results' duration_s)."""
    return statistics.mean(json.loads(p.read_text())["duration_s"] for p in (out / "results").glob("*.json"))


def main() -> None:
    bare = statistics.median(seconds([sys.executable, "-c", "import numpy"]) for _ in range(5))
    print(f'bare `python -c "import numpy"`: {bare:.3f} s (median of 5)')
    with tempfile.TemporaryDirectory() as tmp:
        for hostile in (False, True):
            names = students(hostile)
            only = [arg for name in names for arg in ("--only", name)]
            label = "whole class" if hostile else "without the hostile student"
            for jobs in (1, 2):
                out = Path(tmp) / f"out-{hostile}-{jobs}"
                wall = seconds([GRADER, "grade", str(EXAMPLES), "-o", str(out), "--jobs", str(jobs),
                                "--quiet", *only])
                per = wall / len(names)
                verdict = "ok" if per <= TARGET * bare else "above target"
                print(f"{label}, --jobs {jobs}: {len(names)} submissions in {wall:.1f} s = {per:.2f} s each "
                      f"= {per / bare:.1f}x bare (target <= {TARGET:g}x: {verdict}); "
                      f"mean {inside(out):.2f} s inside the suite's child (worker start + tests)")
        out = Path(tmp) / "out-True-1"
        wall = seconds([GRADER, "grade", str(EXAMPLES), "-o", str(out), "--quiet"])
        print(f"re-run with every result up to date: {wall:.2f} s = {wall / bare:.1f}x bare "
              "(fixed cost: the CLI start and the class reports)")


if __name__ == "__main__":
    main()
