"""One module per `grader` verb; COMMANDS lists the Click commands the CLI registers."""

from grader.commands.release import release

COMMANDS = [release]
