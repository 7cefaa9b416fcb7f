"""`grader merge OUT... -o OUT`: combine the outputs of sharded `grader grade` runs into one set of reports."""

from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.grading.batch import feedback_messages
from grader.i18n import LANGUAGES
from grader.merge import MergeError, merge_outputs
from grader.reports.tables import score_table_markdown


@click.command("merge")
@click.argument("shards", nargs=-1, required=True, metavar="SHARD_OUT...",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the merged reports (created if missing).")
@click.option("--assignment", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/ (default: this installation).")
@click.option("--markdown", is_flag=True,
              help="Print the class's score table as Markdown on stdout (e.g. >> $GITHUB_STEP_SUMMARY).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the students' feedback (default: the manifest's [feedback] lang, else en).")
def merge(shards, out_dir, assignment, root, markdown, lang):
    """Merge the -o folders of `grader grade --shard I/N` runs into OUT.

    OUT gets every student's results/ and feedback/ and one grades.csv, junit.xml and
    summary.html for the whole class. A student graded in two shards with different results
    is an error (identical duplicates are kept once). Each student's feedback is written again
    from the results, in the --lang language (as `grader grade --lang` writes it).

    \b
    Examples:
      grader grade subs -o out-1 --shard 1/2 && grader grade subs -o out-2 --shard 2/2
      grader merge out-1 out-2 -o reports
      grader merge out-1 out-2 -o reports --lang ko
      grader merge out/shard-* -o reports --markdown >> "$GITHUB_STEP_SUMMARY"
    """
    try:
        spec = load_assignment(assignment, root)
        merged = merge_outputs(list(shards), out_dir, spec, feedback_messages(spec, lang))
    except (ManifestError, MergeError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write reports in {out_dir}: {exc.strerror or exc}") from None
    click.echo(f"merged {len(merged.results)} students from {len(merged.shards)} shards into {out_dir}",
               err=markdown)
    if markdown:
        click.echo(score_table_markdown(merged.results, spec), nl=False)
