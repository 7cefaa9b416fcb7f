"""`grader export gradescope|canvas|moodle`: package the autograder for Gradescope, or write the grades
of one or more graded assignments as a Canvas or Moodle gradebook import."""

from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.gradescope.export import ExportError, export_gradescope
from grader.gradescope.pins import PinError
from grader.gradescope.results_json import VisibilityPolicy
from grader.lms.exports import MOODLE_IDENTIFIERS, canvas_csv, moodle_csv, unmatched_listing
from grader.lms.gradebook import GradebookError, match, read_columns
from grader.lms.roster import RosterError, read_roster
from grader.reports import write_atomic
from grader.results import VISIBILITIES


@click.group("export")
def export():
    """Package the autograder for Gradescope, or export grades for Canvas or Moodle."""


@export.command("gradescope")
@click.option("-o", "--out", "out_path", default="autograder.zip", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The zip to upload to Gradescope.")
@click.option("--assignment", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
@click.option("--hidden-visibility", type=click.Choice(VISIBILITIES), default=VisibilityPolicy.hidden_tests,
              show_default=True,
              help="When students see each hidden test's name, score and output (and their code's printed "
                   "output); the default shows them at once, so a student learns why points were lost before "
                   "grades are published.")
@click.option("--function-totals/--no-function-totals", default=True, show_default=True,
              help="Always show one entry per graded function with its points.")
@click.option("--leaderboard", "leaderboard", multiple=True, metavar="COLUMN=SOURCE",
              help="A leaderboard column: SOURCE is score, time (grading seconds, lowest first) or a function's "
                   "name (its points); repeatable.")
def gradescope(out_path, assignment, root, hidden_visibility, function_totals, leaderboard):
    """Write a Gradescope autograder zip (setup.sh, run_autograder, the grader and the hidden suite).

    Upload it under "Configure Autograder" (Ubuntu base image). Students always see their total
    and, unless --no-function-totals, the points of each function; each hidden test is shown as
    --hidden-visibility says. The submitters' names and the submission time come from Gradescope's
    submission_metadata.json; a [late] policy in the manifest is applied to that time. The image
    installs the dependency versions installed here (requirements.lock in the zip).

    \b
    Examples:
      grader export gradescope -o autograder.zip
      grader export gradescope -o autograder.zip --hidden-visibility after_published
      grader export gradescope -o autograder.zip --leaderboard Score=score --leaderboard "Seconds=time"
    """
    board = []
    for item in leaderboard:
        column, sep, source = item.partition("=")
        if not sep or not column.strip() or not source.strip():
            raise click.BadParameter(f"{item!r} is not COLUMN=SOURCE", param_hint="--leaderboard")
        board.append((column.strip(), source.strip()))
    try:
        spec = load_assignment(assignment, root)
        policy = VisibilityPolicy(hidden_tests=hidden_visibility, function_totals=function_totals,
                                  leaderboard=tuple(board))
        written = export_gradescope(spec, out_path, policy)
    except (ManifestError, ExportError, PinError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_path}: {exc.strerror or exc}") from None
    click.echo(f"wrote {written.path} ({len(written.names)} files): upload it to Gradescope")


def _lms_options(command):
    """The options canvas and moodle share."""
    command = click.option("--missing-as-zero", is_flag=True,
                           help="Write 0 for roster students without a submission (default: an empty cell, "
                                "which leaves the LMS grade as it is).")(command)
    command = click.option("--column", "columns", multiple=True, metavar="ASSIGNMENT=HEADER",
                           help="Header for an assignment's column (default: its name); repeatable.")(command)
    command = click.option("--roster", required=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="CSV mapping submission ids (a submission, github or gradescope_id column) "
                                "to LMS identities.")(command)
    return click.argument("graded", nargs=-1, required=True, metavar="OUT...",
                          type=click.Path(file_okay=False, path_type=Path))(command)


def _write_lms(kind, graded, roster_path, columns, out_path, render):
    headers = {}
    for item in columns:
        name, sep, header = item.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise click.BadParameter(f"{item!r} is not ASSIGNMENT=HEADER", param_hint="--column")
        headers[name.strip()] = header.strip()
    try:
        roster = read_roster(roster_path)
        book = match(read_columns(list(graded), headers), roster)
        text = render(book, roster)
        write_atomic(out_path, text)
    except (RosterError, GradebookError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_path}: {exc.strerror or exc}") from None
    listing = unmatched_listing(book)
    for line in listing:
        click.echo(line, err=True)
    if listing:
        report = out_path.with_name(out_path.stem + ".unmatched.txt")
        write_atomic(report, "\n".join(listing) + "\n")
    click.echo(f"wrote {out_path}: {len(book.rows)} students, {len(book.columns)} assignment column(s)"
               + (f"; {len(listing)} unmatched (listed above and in {report})" if listing else "")
               + f": import it in {kind}")


@export.command("canvas")
@_lms_options
@click.option("-o", "--out", "out_path", default="canvas-grades.csv", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The CSV to import in Canvas.")
def canvas(graded, roster, columns, missing_as_zero, out_path):
    """Write a Canvas gradebook import (Grades > Import) for the graded folders OUT...

    One column per assignment found in OUT... (several folders: several assignments). The roster
    needs Canvas's identity columns (Student, ID, SIS User ID, SIS Login ID, Section: the first
    columns of Canvas's own gradebook export) and a submission-id column (submission, github or
    gradescope_id). Submissions the roster does not know and students without a submission are
    listed on stderr and in OUT.unmatched.txt.

    \b
    Examples:
      grader export canvas reports --roster roster.csv -o canvas.csv
      grader export canvas reports-1 reports-2 --roster roster.csv --column "NAME=HW 1 (4321)"
    """
    _write_lms("Canvas", graded, roster, columns, out_path,
               lambda book, r: canvas_csv(book, r, missing_as_zero=missing_as_zero))


@export.command("moodle")
@_lms_options
@click.option("--identifier", type=click.Choice(list(MOODLE_IDENTIFIERS)), default="email", show_default=True,
              help="The roster column Moodle matches students by (choose the same under 'Map from').")
@click.option("-o", "--out", "out_path", default="moodle-grades.csv", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The CSV to import in Moodle.")
def moodle(graded, roster, columns, missing_as_zero, identifier, out_path):
    """Write a Moodle grade import (Grade administration > Import > CSV file) for OUT...

    One identifier column (--identifier: email, username or idnumber, read from the roster) and one
    column per assignment. Unmatched submissions and students are listed as for canvas.

    \b
    Examples:
      grader export moodle reports --roster roster.csv -o moodle.csv
      grader export moodle reports --roster roster.csv --identifier username
    """
    _write_lms("Moodle", graded, roster, columns, out_path,
               lambda book, r: moodle_csv(book, r, identifier=identifier, missing_as_zero=missing_as_zero))
