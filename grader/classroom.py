"""Feedback that leaves the instructor's machine, for a GitHub Classroom course (`grader post-feedback`):
each student's `feedback/<id>.md` is pushed as FEEDBACK.md, the only file of a `feedback` branch of
that student's repository. The student's own branches are never touched.

Before anything is pushed, every feedback file is checked for hidden-test code: a file that carries a
line of the hidden suite's or the reference's source (trivial lines aside) is refused, not posted.
One student's failure (no such repository, no permission) is listed and never stops the others.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import Assignment
from grader.reports import load_results

#: The branch the feedback goes to, and the file it is written as.
BRANCH = "feedback"
FILE_NAME = "FEEDBACK.md"
#: Source lines shorter than this (after stripping) are too common to count as a leak ("return loss, dW").
MIN_LEAK_LINE = 24


class PostError(ValueError):
    """The reports cannot be posted at all (no results, bad repository template); the message says why."""


@dataclass(frozen=True)
class Posted:
    """What happened per student: posted (student, repository), refused (student, why), failed (student, why)."""

    posted: tuple[tuple[str, str], ...]
    refused: tuple[tuple[str, str], ...]
    failed: tuple[tuple[str, str], ...]


def private_lines(assignment: Assignment) -> set[str]:
    """The non-trivial source lines of the hidden suite and the reference (stripped)."""
    lines = set()
    for folder in (assignment.hidden_tests_dir, assignment.reference_dir):
        for path in folder.rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                stripped = line.strip()
                if len(stripped) >= MIN_LEAK_LINE and not stripped.startswith(("#", '"""', "'''")):
                    lines.add(stripped)
    return lines


def leaks(text: str, private: set[str]) -> list[str]:
    """The lines of `text` that are private source lines (an empty list: nothing leaks)."""
    return [line.strip() for line in text.splitlines() if line.strip() in private]


def repository(template: str, student: str) -> str:
    """The student's repository from a template such as "my-course/hw1-{student}"."""
    if "{student}" not in template:
        raise PostError(f"repository template {template!r} has no {{student}}")
    return template.replace("{student}", student)


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_AUTHOR_NAME": "grader", "GIT_AUTHOR_EMAIL": "grader@localhost",
           "GIT_COMMITTER_NAME": "grader", "GIT_COMMITTER_EMAIL": "grader@localhost"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def push_feedback(text: str, url: str, message: str) -> str:
    """Force-push `text` as FEEDBACK.md, alone on BRANCH, to the git remote `url`; "" or git's error."""
    with tempfile.TemporaryDirectory(prefix="grader-feedback-") as tmp:
        work = Path(tmp)
        (work / FILE_NAME).write_text(text, encoding="utf-8")
        for args in (("init", "-q", "-b", BRANCH), ("add", FILE_NAME), ("commit", "-q", "-m", message),
                     ("push", "-q", "--force", url, f"HEAD:refs/heads/{BRANCH}")):
            done = _git(*args, cwd=work)
            if done.returncode != 0:
                return (done.stderr.strip().splitlines() or [f"git {args[0]} failed"])[-1]
    return ""


def post_feedback(reports: Path, assignment: Assignment, repo_template: str, url_template: str,
                  only: tuple[str, ...] = (), dry_run: bool = False) -> Posted:
    """Post every student's feedback in `reports` (a `grader grade -o` folder) to their repository.

    url_template turns a repository into a git remote ("https://github.com/{repo}.git"; a local
    "file:///srv/{repo}.git" in tests). dry_run checks and lists without pushing.
    """
    reports = Path(reports)
    results = load_results(reports)
    if not results:
        raise PostError(f"{reports}: no results/ to post feedback for (is it the -o folder of `grader grade`?)")
    if "{repo}" not in url_template:
        raise PostError(f"remote template {url_template!r} has no {{repo}}")
    repository(repo_template, "")  # checked before anything is posted
    private = private_lines(assignment)
    posted, refused, failed = [], [], []
    for result in results:
        student = result.student
        if only and student not in only:
            continue
        if result.assignment != assignment.name:
            refused.append((student, f"graded for {result.assignment!r}, not {assignment.name!r}"))
            continue
        try:
            text = (reports / "feedback" / f"{student}.md").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            failed.append((student, f"no readable feedback file ({exc})"))
            continue
        found = leaks(text, private)
        if found:
            refused.append((student, (f"the feedback holds {len(found)} line(s) of hidden-test or reference code, "
                                     f"e.g. {found[0][:60]!r}: not posted")))
            continue
        repo = repository(repo_template, student)
        if not dry_run:
            error = push_feedback(text, url_template.replace("{repo}", repo),
                                  f"Feedback on {assignment.title}: {result.score:g} / {result.max_score:g}")
            if error:
                failed.append((student, f"{repo}: {error}"))
                continue
        posted.append((student, repo))
    return Posted(tuple(posted), tuple(refused), tuple(failed))
