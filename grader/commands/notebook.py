"""`grader notebook`: rebuild an assignment's notebooks from their readable sources (or check them)."""

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.notebook import build_notebooks, notebook_targets, stale_notebooks


@click.command("notebook")
@click.option("--assignment", "name", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/ (default: this installation).")
@click.option("--check", is_flag=True, help="only report notebooks that differ from their source (exit 1 if any)")
def notebook(name: str, root: str, check: bool):
    """Build assignments/NAME/<stem>.ipynb from assignments/NAME/notebook/<stem>.py.

    \b
    grader notebook            rebuild after editing notebook/walkthrough.py
    grader notebook --check    in CI: fail when the committed notebook drifted
    """
    try:
        kit_dir = load_assignment(name, root).kit_dir
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from None
    if not notebook_targets(kit_dir):
        raise click.ClickException(f"{kit_dir / 'notebook'}: no notebook sources (*.py) found")
    if check:
        stale = stale_notebooks(kit_dir)
        for path in stale:
            click.echo(f"stale: {path} (run `grader notebook`)")
        raise SystemExit(1 if stale else 0)
    for path in build_notebooks(kit_dir):
        click.echo(f"built {path}")
