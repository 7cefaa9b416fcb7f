"""`grader check`: the hidden suite agrees with its manifest, and the reference and stubs grade as they must."""

from __future__ import annotations

import click

from grader.assignment import DEFAULT_ROOT, Assignment, ManifestError, assignment_names, load_assignment
from grader.grading import GradeOptions, SandboxError
from grader.grading.consistency import definition_problems, marker_problems
from grader.grading.suite import collect_suite
from grader.grading.trial import run_trial
from grader.reports.numbers import number

SANDBOX_CHOICES = ("auto", "1", "2", "3", "4")


@click.command("check")
@click.option("--assignment", default=None, metavar="NAME",
              help="Check only this assignment (a folder under assignments/ with assignment.toml); "
                   "default: every assignment under --root.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
@click.option("--sandbox", type=click.Choice(SANDBOX_CHOICES), default="auto", show_default=True,
              help="Confinement level for the reference's and the stubs' workers.")
def check(assignment, root, sandbox):
    """Check hidden suites against their manifests before grading with them.

    Every hidden test has a grade marker naming a graded function, each function's tests add up
    to the manifest's points, every graded function is defined in the reference and in the kit's
    stubs; then the reference is graded (it must earn full marks) and the stubs (they must earn 0),
    through the same engine as `grader grade`. Without --assignment every assignment under --root
    is checked, one block each: one line per problem, naming the file, then the assignment's
    summary line. Exit status 1 when any assignment has a problem.

    \b
    Examples:
      grader check
      grader check --assignment NAME --root DIR
    """
    names = [assignment] if assignment else list(assignment_names(root))
    if not names:
        raise click.ClickException(f"{root}/assignments: no assignment (a folder with assignment.toml)")
    failed = [name for name in names if not _check_one(name, root, sandbox)]
    if failed:
        raise SystemExit(1)


def _check_one(name: str, root: str, sandbox: str) -> bool:
    """Print assignment `name`'s block (problem lines, then its summary line); True when it has no problem."""
    try:
        spec = load_assignment(name, root)
    except ManifestError as exc:
        click.echo(str(exc))
        click.echo(f"{name}: 1 problem (the manifest could not be read)", err=True)
        return False
    problems, graded = _problems(spec, sandbox)
    for line in problems:
        click.echo(line)
    if problems:
        click.echo(f"{spec.name}: {len(problems)} problem{'s' * (len(problems) != 1)}{graded}", err=True)
        return False
    tests = len(collect_suite(spec).tests)
    click.echo(f"{spec.name}: consistent ({tests} hidden tests, {len(spec.functions)} functions, "
               f"{number(spec.max_score)} points{graded})")
    return True


def _problems(spec: Assignment, sandbox: str) -> tuple[list[str], str]:
    """spec's problem lines, and the summary's note on the reference's and the stubs' scores ("" if not graded)."""
    markers = marker_problems(spec)
    problems = markers + definition_problems(spec)
    if markers:  # grading refuses an inconsistent suite
        return problems, ""
    try:
        trial = run_trial(spec, GradeOptions(sandbox=sandbox))
    except (ManifestError, SandboxError) as exc:
        raise click.ClickException(str(exc)) from None
    graded = (f"; reference {number(trial.reference.score)}/{number(spec.max_score)}, "
              f"stubs {number(trial.stubs.score)}")
    return problems + trial.problems, graded
