"""`grader grade SUBMISSIONS -o OUT`: grade a whole class (parse options, show progress, print the table)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from grader.assignment import DEFAULT_ROOT, ManifestError, load_assignment
from grader.grading import BatchProgress, GradeOptions, SandboxError, SelectionError, grade_batch
from grader.i18n import LANGUAGES
from grader.reports.class_stats import status as grading_status
from grader.reports.numbers import number
from grader.reports.tables import score_table
from grader.sharding import ShardError, parse_shard
from grader.submissions import SubmissionsError, discover

SANDBOX_CHOICES = ("auto", "1", "2", "3", "4")


@click.command("grade")
@click.argument("submissions", metavar="SUBMISSIONS")
@click.option("-o", "--out", required=True, metavar="OUT", help="Folder for the reports (created if missing).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Submissions graded at once.")
@click.option("--assignment", default=None, metavar="NAME",
              help="Assignment (a folder under assignments/ with assignment.toml); needed when there are several.")
@click.option("--root", default=str(DEFAULT_ROOT), metavar="DIR",
              help="Folder holding assignments/, reference/ and hidden_tests/ (default: this installation).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help="Wall seconds to grade one submission (default: the manifest's).")
@click.option("--memory", type=click.IntRange(min=1), default=None, metavar="MB",
              help="Memory for one submission's worker (default: the manifest's).")
@click.option("--only", multiple=True, metavar="STUDENT", help="Grade only this student (repeatable).")
@click.option("--force", is_flag=True, help="Regrade students whose results are up to date.")
@click.option("--shard", default=None, metavar="I/N",
              help="Grade the I-th of N deterministic shares of the class (I from 1).")
@click.option("--sandbox", type=click.Choice(SANDBOX_CHOICES), default="auto", show_default=True,
              help="Confinement level for workers (see `grader doctor`).")
@click.option("--plain", is_flag=True,
              help="Run Hypothesis's search for every submission instead of replaying the examples drawn once "
                   "per batch (same results, slower: for checking the fast path).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the students' feedback (default: the manifest's [feedback] lang, else en).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary on stdout.")
def grade(submissions, out, jobs, assignment, root, timeout, memory, only, force, shard, sandbox, plain, lang, quiet,
          as_json):
    """Grade every submission in SUBMISSIONS into OUT.

    An entry of SUBMISSIONS is one student: a folder of .py files, a notebook (.ipynb) or a .zip of
    either; its name without extension is the student id. OUT gets results/<student>.json,
    feedback/<student>.md, grades.csv, junit.xml and summary.html. Running again on the same OUT
    skips students whose files and suite did not change, so an interrupted batch resumes.
    Exit status is 0 whenever the batch was graded, whatever the scores.

    \b
    Examples:
      grader grade examples/submissions -o reports
      grader grade submissions/ -o out --jobs 2 --timeout 120
      grader grade submissions/ -o out --only alice --force
      grader grade submissions/ -o out-3 --shard 3/8      # then: grader merge out-* -o out
      grader grade submissions/ -o out --quiet --json > summary.json
    """
    started = time.monotonic()
    try:
        if shard:
            parse_shard(shard)
        spec = load_assignment(assignment, root)
        found = discover(Path(submissions))
    except (ShardError, ManifestError, SubmissionsError) as exc:
        raise click.ClickException(str(exc)) from None
    talk = not (quiet or as_json)
    if talk:
        for line in found.skipped:
            click.echo(f"skipped {line}", err=True)
        if not found.entries:
            click.echo(f"no submissions in {submissions} (expected folders, .ipynb or .zip files)", err=True)
    show = _Progress(enabled=talk)
    options = GradeOptions(timeout_s=timeout, memory_mb=memory, sandbox=sandbox, replay=not plain, lang=lang)
    try:
        results = grade_batch(found.entries, spec, Path(out), jobs=jobs, force=force, only=only, shard=shard,
                              progress_callback=show.update, options=options)
    except (SelectionError, SandboxError, ManifestError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        show.close()  # finish the bar's line before the message
        click.echo(f"interrupted: {show.written} finished results kept in {out}; "
                   "run the same command again to resume", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 (a grader bug: one line, never a traceback)
        raise click.ClickException(f"grading stopped by an internal error ({type(exc).__name__}: {exc}); "
                                   f"{show.written} finished results kept in {out}") from None
    finally:
        show.close()
    if as_json:
        click.echo(json.dumps(_summary(results, show.resumed, out, spec.name), indent=1))
    elif talk:
        color = False if os.environ.get("NO_COLOR") else None
        click.echo(score_table(results, spec, show.resumed, color is None), color=color)
        failed = sum(bool(r.error) for r in results)
        click.echo(f"Graded {len(results)} students ({len(show.resumed)} up to date, {failed} with problems) "
                   f"into {out} in {time.monotonic() - started:.1f} s.")


class _Progress:
    """The progress display: a bar on a terminal, a line per student otherwise (both on stderr)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.bar = None
        self.resumed: set[str] = set()
        self.written = 0

    def update(self, progress: BatchProgress) -> None:
        result = progress.result
        if result is not None:
            if progress.resumed:
                self.resumed.add(result.student)
            else:
                self.written += 1
        if not self.enabled:
            return
        if progress.cleaned and progress.done == 0:
            click.echo(f"removed {len(progress.cleaned)} temporary folder(s) left by a grader run that was killed: "
                       + ", ".join(p.name for p in progress.cleaned), err=True)
        if self.tty:
            if self.bar is None:
                self.bar = click.progressbar(length=progress.total, label="grading", file=sys.stderr,
                                             show_eta=True, show_pos=True, item_show_func=lambda item: item)
                self.bar.__enter__()
            if result is not None:
                self.bar.update(1, f"{progress.failures} with problems, last {result.student}")
        elif result is not None:
            state = "up to date" if progress.resumed else f"{result.duration_s:.1f} s"
            problem = " (problem: see feedback)" if result.error else ""
            click.echo(f"[{progress.done}/{progress.total}] {result.student}: "
                       f"{number(result.score)}/{number(result.max_score)} ({state}){problem}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _summary(results, resumed: set[str], out, assignment: str) -> dict:
    """The --json output: per-student totals, function scores and problems."""
    return {
        "assignment": assignment,
        "out": str(out),
        "graded": sum(r.student not in resumed for r in results),
        "up_to_date": len(resumed),
        "problems": sum(bool(r.error) for r in results),
        "students": [
            {
                "student": r.student,
                "score": r.score,
                "max_score": r.max_score,
                "functions": {name: fs.score for name, fs in r.functions.items()},
                "status": grading_status(r),
                "error": r.error,
                "up_to_date": r.student in resumed,
                "sandbox": r.sandbox,
            }
            for r in results
        ],
    }
