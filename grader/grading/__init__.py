"""Grade prepared submissions: run the hidden suite for each in a trusted child process, score, resume.

One submission = one child running `pytest hidden_tests/<name> -p grader.pytest_plugin --submission DIR
--grader-results R.json --grader-limits JSON ...` (forked from this process, which has pytest,
Hypothesis and numpy imported already, or a fresh `python -m pytest` where fork does not exist). The
child's plugin talks to the sandboxed worker; the grader only reads R.json, so nothing the student
wrote runs here.

Modules, one per concern:
- options: the instructor's overrides, the limits they give, the fingerprint of grading conditions;
- scoring: points per function from the plugin's per-test results;
- child: starting, interrupting and killing one pytest child (fork or subprocess);
- jobs: one submission's child with its deadline, and its SubmissionResult once it exits;
- batch: one submission or a whole class, with selection, resume and reports.
"""

from grader.grading.batch import BatchProgress, SelectionError, grade_batch, grade_submission
from grader.grading.options import GradeOptions, SandboxError

__all__ = ["BatchProgress", "GradeOptions", "SandboxError", "SelectionError", "grade_batch", "grade_submission"]
