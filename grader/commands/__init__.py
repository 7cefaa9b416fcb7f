"""One module per `grader` verb; COMMANDS lists the Click commands the CLI registers."""

COMMANDS = []
