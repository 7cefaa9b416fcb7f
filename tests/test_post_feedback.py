"""`grader post-feedback`: each student's feedback lands alone on a `feedback` branch of their repository
(local bare repositories stand in for GitHub), their own branches untouched; a feedback file that
carries hidden-test code is refused; one missing repository never stops the others."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from test_reports_fixtures import ASSIGNMENT, make_result

from grader.classroom import private_lines
from grader.cli import main
from grader.reports import write_student_reports

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@x", "GIT_COMMITTER_NAME": "s",
                               "GIT_COMMITTER_EMAIL": "s@x", "HOME": str(cwd or "."), "PATH": "/usr/bin:/bin"}).stdout


def student_repo(remotes, name):
    """A bare repository like a student's, with their own work on main."""
    bare = remotes / "course" / f"hw1-{name}.git"
    git("init", "-q", "--bare", "-b", "main", str(bare), cwd=remotes)
    work = remotes / f"work-{name}"
    git("clone", "-q", str(bare), str(work), cwd=remotes)
    (work / "linear_svm.py").write_text("# my solution\n")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "my work", cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    return bare


def test_feedback_is_posted_alone_on_a_branch_and_leaks_are_refused(tmp_path):
    reports, remotes = tmp_path / "reports", tmp_path / "remotes"
    remotes.mkdir()
    hidden_line = max(private_lines(ASSIGNMENT), key=len)  # a real line of the hidden suite or reference
    students = {
        "minjun": make_result("minjun"),
        "seoyeon": make_result("seoyeon", {"sgd_step": [("moves downhill", "got W + lr * dW")]}),
        "leaky": make_result("leaky", {"softmax_loss": [("finite", f"Traceback:\n    {hidden_line}\n")]}),
        "norepo": make_result("norepo"),
    }
    for result in students.values():
        write_student_reports(result, reports)
    # the sanitizer already drops trusted frames; forge a leak that got past it, as a bug would
    leaky = reports / "feedback" / "leaky.md"
    leaky.write_text(leaky.read_text(encoding="utf-8") + f"\n    {hidden_line}\n", encoding="utf-8")
    bares = {name: student_repo(remotes, name) for name in ("minjun", "seoyeon", "leaky")}

    done = CliRunner().invoke(main, ["post-feedback", "--assignment", "loss_optimization", str(reports), "--repo", "course/hw1-{student}",
                                     "--remote", f"file://{remotes}/{{repo}}.git"])
    assert done.exit_code == 1, done.output
    assert "posted minjun: course/hw1-minjun" in done.stdout and "posted seoyeon" in done.stdout
    assert "refused leaky" in done.stderr and "failed norepo: course/hw1-norepo" in done.stderr
    for name in ("minjun", "seoyeon"):
        bare = bares[name]
        assert git("ls-tree", "--name-only", "feedback", cwd=bare).split() == ["FEEDBACK.md"]
        posted = git("show", "feedback:FEEDBACK.md", cwd=bare)
        assert posted == (reports / "feedback" / f"{name}.md").read_text(encoding="utf-8")
        assert git("show", "main:linear_svm.py", cwd=bare) == "# my solution\n"  # their work untouched
    assert "moves downhill" in git("show", "feedback:FEEDBACK.md", cwd=bares["seoyeon"])
    assert "feedback" not in git("branch", "--list", cwd=bares["leaky"])  # nothing posted

    again = CliRunner().invoke(main, ["post-feedback", "--assignment", "loss_optimization", str(reports), "--repo", "course/hw1-{student}",
                                      "--remote", f"file://{remotes}/{{repo}}.git", "--only", "minjun"])
    assert again.exit_code == 0 and "1 posted" in again.stderr  # a repost replaces the branch


def test_dry_run_pushes_nothing_and_templates_are_checked(tmp_path):
    reports = tmp_path / "reports"
    write_student_reports(make_result("minjun"), reports)
    done = CliRunner().invoke(main, ["post-feedback", "--assignment", "loss_optimization", str(reports), "--repo", "course/hw1-{student}", "--dry-run",
                                     "--remote", f"file://{tmp_path}/nowhere/{{repo}}.git"])
    assert done.exit_code == 0 and "would post minjun: course/hw1-minjun" in done.stdout
    bad = CliRunner().invoke(main, ["post-feedback", "--assignment", "loss_optimization", str(reports), "--repo", "course/hw1"])
    assert bad.exit_code != 0 and "has no {student}" in bad.output
