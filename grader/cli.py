"""The `grader` command line: a thin Click group; each verb lives in grader/commands/<verb>.py."""

import click

from grader import __version__
from grader.commands import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main():
    """Autograder for CS231n-style programming assignments, one manifest each.

    \b
    grader grade examples/submissions -o reports    grade a class
    grader grade subs -o shard1 --shard 1/2         grade half a class (one CI job)
    grader merge shard1 shard2 -o reports           combine shard outputs
    grader check                                    every suite agrees with its manifest
    grader doctor                                   what isolation this machine gives
    grader release -o dist/student-kit              the kit students receive
    grader export gradescope -o autograder.zip      an autograder for Gradescope
    grader export canvas reports --roster r.csv     grades as a Canvas (or moodle) import
    grader similarity subs -o similarity            pairs of submissions ranked by shared code
    grader post-feedback reports --repo "org/hw1-{student}"   feedback to each student's repository
    grader notebook --check                         the walkthrough notebook matches its source
    """


for command in COMMANDS:
    main.add_command(command)
