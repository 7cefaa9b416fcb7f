"""The `grader` command line: a thin Click group; each verb lives in grader/commands/<verb>.py."""

import click

from grader import __version__
from grader.commands import COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main():
    """Autograder for the CS231n "loss functions and optimization" unit.

    \b
    grader grade examples/submissions -o reports   grade a class
    grader doctor                                  what isolation this machine gives
    grader release -o dist/student-kit             the kit students receive
    """


for command in COMMANDS:
    main.add_command(command)
