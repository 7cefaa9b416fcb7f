"""`grader post-feedback REPORTS --repo ORG/PREFIX-{student}`: each student's feedback to their repository."""

import sys
from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.classroom import BRANCH, FILE_NAME, PostError, post_feedback


@click.command("post-feedback")
@click.argument("reports", metavar="REPORTS", type=click.Path(file_okay=False, path_type=Path))
@click.option("--repo", "repo_template", required=True, metavar="TEMPLATE",
              help='Each student\'s repository, e.g. "my-course/hw1-{student}" (GitHub Classroom names).')
@click.option("--remote", "url_template", default="https://github.com/{repo}.git", show_default=True,
              metavar="URL", help="The git remote of a repository ({repo} is replaced).")
@click.option("--only", multiple=True, metavar="STUDENT", help="Post only this student's feedback (repeatable).")
@click.option("--dry-run", is_flag=True, help="Check every feedback file and list the repositories; push nothing.")
@click.option("--assignment", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
def post_feedback_command(reports, repo_template, url_template, only, dry_run, assignment, root):
    """Push each student's feedback/<id>.md from REPORTS to their repository.

    It becomes FEEDBACK.md, the only file of a `feedback` branch (replaced on every post); the
    student's other branches are not touched. A feedback file holding a line of hidden-test or
    reference code is refused. Git authenticates as usual (in GitHub Actions: a token with
    contents: write on the student repositories; see ci_templates/instructor). Exit status 1 when
    any student's feedback could not be posted (all others are posted all the same).

    \b
    Examples:
      grader post-feedback reports --repo "cs231n-2026/hw1-{student}" --dry-run
      grader post-feedback reports --repo "cs231n-2026/hw1-{student}" --only minjun-kim
    """
    try:
        spec = load_assignment(assignment, root)
        done = post_feedback(reports, spec, repo_template, url_template, tuple(only), dry_run)
    except (ManifestError, PostError) as exc:
        raise click.ClickException(str(exc)) from None
    verb = "would post" if dry_run else "posted"
    for student, repo in done.posted:
        click.echo(f"{verb} {student}: {repo} ({BRANCH} branch, {FILE_NAME})")
    for student, why in done.refused:
        click.echo(f"refused {student}: {why}", err=True)
    for student, why in done.failed:
        click.echo(f"failed {student}: {why}", err=True)
    click.echo(f"{len(done.posted)} {verb}, {len(done.refused)} refused, {len(done.failed)} failed", err=True)
    if done.refused or done.failed:
        sys.exit(1)
