"""The loss_optimization demo class (examples/submissions) graded once with `grader grade` for the tests
that check that grading (tests/test_cli_grade_examples.py, test_slurm.py, test_grading_replay.py), through
conftest's `demo_class` fixture."""

import subprocess
from pathlib import Path

from test_cli_grade import GRADER
from test_grading import EXAMPLES

#: The options the demo class is graded with (Slurm's shards are graded with the same).
DEMO_ARGS = ("--assignment", "loss_optimization", "--timeout", "60")


def grade_demo_class(out: Path) -> subprocess.CompletedProcess:
    """`grader grade examples/submissions -o OUT` with DEMO_ARGS, two at a time, the summary as --json."""
    return subprocess.run([GRADER, "grade", str(EXAMPLES), "-o", str(out), *DEMO_ARGS, "--jobs", "2", "--json"],
                          check=False, capture_output=True, text=True, timeout=900)
