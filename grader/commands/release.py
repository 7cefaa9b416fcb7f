"""`grader release -o DIR`: write the student kit (stubs, helpers, public tests, notebook, CI files)."""

from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.release import ReleaseError, release_kit


@click.command("release")
@click.option("-o", "--out", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder to write the kit into (a GitHub Classroom template repository)")
@click.option("--assignment", "name", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
@click.option("--ci/--no-ci", default=True, show_default=True,
              help="include the student CI files (.github/workflows, .gitlab-ci.yml)")
@click.option("--force", is_flag=True, help="replace DIR when it is not empty (a previous release included)")
def release(out_dir: Path, name: str, root: str, ci: bool, force: bool):
    """Write the kit students receive into DIR: never the reference, hidden tests or grader code.

    \b
    grader release -o dist/student-kit
    grader release -o dist/student-kit --force   # replace a previous release
    cd dist/student-kit && make test      # what a student runs
    """
    try:
        kit = release_kit(load_assignment(name, root), out_dir, with_ci=ci, force=force)
    except (ManifestError, ReleaseError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"released {name} to {kit.out_dir} ({len(kit.files)} files)")
