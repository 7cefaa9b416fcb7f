"""`grader similarity SUBMISSIONS -o OUT`: rank pairs of submissions by shared code, for a person to read."""

from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.similarity import DEFAULT_THRESHOLD, compare, write_similarity
from grader.submissions import SubmissionsError


@click.command("similarity")
@click.argument("submissions", metavar="SUBMISSIONS", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for similarity.html and pairs.csv (created if missing).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD, show_default=True,
              help="Pairs at or above this similarity go into the report's details and pairs.csv.")
@click.option("--assignment", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/ (default: this installation).")
def similarity(submissions, out_dir, threshold, assignment, root):
    """Compare every pair of submissions in SUBMISSIONS on the assignment's files.

    Uses copydetect's fingerprints with the stub's own code removed, and writes OUT/similarity.html
    (the ranking, then shared code highlighted side by side) and OUT/pairs.csv (pairs at or above
    --threshold). It ranks pairs for a person to read; it decides nothing about anyone.

    \b
    Examples:
      grader similarity submissions/ -o similarity
      grader similarity submissions/ -o similarity --threshold 0.3
    """
    try:
        spec = load_assignment(assignment, root)
        found = compare(submissions, spec)
        page, table = write_similarity(found, out_dir, threshold, spec.title)
    except (ManifestError, SubmissionsError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_dir}: {exc.strerror or exc}") from None
    for student, why in found.unreadable:
        click.echo(f"not compared: {student}: {why}", err=True)
    above = sum(p.similarity >= threshold for p in found.pairs)
    click.echo(f"compared {len(found.students)} submissions ({len(found.pairs)} pairs, {above} at or above "
               f"{threshold:.0%}): {page}, {table}")
