"""One module per `grader` verb; COMMANDS lists the Click commands the CLI registers."""

from grader.commands.check import check
from grader.commands.doctor import doctor
from grader.commands.export import export
from grader.commands.grade import grade
from grader.commands.merge import merge
from grader.commands.notebook import notebook
from grader.commands.post_feedback import post_feedback_command
from grader.commands.release import release
from grader.commands.similarity import similarity

COMMANDS = [check, doctor, export, grade, merge, notebook, post_feedback_command, release, similarity]
