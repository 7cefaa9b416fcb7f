"""`grader check`: the hidden suite agrees with its manifest, and the reference and stubs grade as they must."""

from __future__ import annotations

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.grading import GradeOptions, SandboxError
from grader.grading.consistency import definition_problems, marker_problems
from grader.grading.suite import collect_suite
from grader.grading.trial import run_trial
from grader.reports.numbers import number

SANDBOX_CHOICES = ("auto", "1", "2", "3", "4")


@click.command("check")
@click.option("--assignment", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
@click.option("--sandbox", type=click.Choice(SANDBOX_CHOICES), default="auto", show_default=True,
              help="Confinement level for the reference's and the stubs' workers.")
def check(assignment, root, sandbox):
    """Check an assignment's hidden suite against its manifest before grading with it.

    Every hidden test has a grade marker naming a graded function, each function's tests add up
    to the manifest's points, every graded function is defined in the reference and in the kit's
    stubs; then the reference is graded (it must earn full marks) and the stubs (they must earn 0),
    through the same engine as `grader grade`. One line per problem, naming the file; exit status 1
    when there is any.

    \b
    Examples:
      grader check
      grader check --assignment NAME --root DIR
    """
    try:
        spec = load_assignment(assignment, root)
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from None
    markers = marker_problems(spec)
    problems = markers + definition_problems(spec)
    graded = ""
    if not markers:  # grading refuses an inconsistent suite
        try:
            trial = run_trial(spec, GradeOptions(sandbox=sandbox))
        except (ManifestError, SandboxError) as exc:
            raise click.ClickException(str(exc)) from None
        problems += trial.problems
        graded = (f"; reference {number(trial.reference.score)}/{number(spec.max_score)}, "
                  f"stubs {number(trial.stubs.score)}")
    for line in problems:
        click.echo(line)
    if problems:
        click.echo(f"{spec.name}: {len(problems)} problem{'s' * (len(problems) != 1)}{graded}", err=True)
        raise SystemExit(1)
    tests = len(collect_suite(spec).tests)
    click.echo(f"{spec.name}: consistent ({tests} hidden tests, {len(spec.functions)} functions, "
               f"{number(spec.max_score)} points{graded})")
