"""`grader export gradescope -o autograder.zip`: package the autograder for a course platform."""

from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.gradescope.export import ExportError, export_gradescope
from grader.gradescope.results_json import VisibilityPolicy
from grader.results import VISIBILITIES


@click.group("export")
def export():
    """Package the autograder for a course platform."""


@export.command("gradescope")
@click.option("-o", "--out", "out_path", default="autograder.zip", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The zip to upload to Gradescope.")
@click.option("--assignment", default="loss_optimization", show_default=True, metavar="NAME",
              help="Assignment to package.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
@click.option("--hidden-visibility", type=click.Choice(VISIBILITIES), default="after_published", show_default=True,
              help="When students see each hidden test's name, score and output (and their code's printed "
                   "output).")
@click.option("--function-totals/--no-function-totals", default=True, show_default=True,
              help="Always show one entry per graded function with its points.")
def gradescope(out_path, assignment, root, hidden_visibility, function_totals):
    """Write a Gradescope autograder zip (setup.sh, run_autograder, the grader and the hidden suite).

    Upload it under "Configure Autograder" (Ubuntu base image). Students always see their total
    and, unless --no-function-totals, the points of each function; each hidden test is shown as
    --hidden-visibility says.

    \b
    Examples:
      grader export gradescope -o autograder.zip
      grader export gradescope -o autograder.zip --hidden-visibility after_due_date
    """
    try:
        spec = load_assignment(assignment, root)
        policy = VisibilityPolicy(hidden_tests=hidden_visibility, function_totals=function_totals)
        written = export_gradescope(spec, out_path, policy)
    except (ManifestError, ExportError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {written.path} ({len(written.names)} files): upload it to Gradescope")
