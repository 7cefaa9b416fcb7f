"""Turn a failed public test into a few plain lines: no test source, no pytest or Hypothesis internals.

Your own frames (files in your solution folder) are kept when your code raised an exception.
"""

import traceback
from pathlib import Path
from types import SimpleNamespace

from kit_binding import SolutionProblem
from kit_failures import NotImplementedYet, PropertyFailure, StudentError
from kit_i18n import _


class PlainFailure:
    """A pytest report body that prints `text` as is; its first line is the one-line summary."""

    def __init__(self, text, path, lineno):
        self.text = text
        self.reprcrash = SimpleNamespace(message=text.splitlines()[0], path=path, lineno=lineno)

    def toterminal(self, tw):
        for line in self.text.splitlines():
            tw.line(line)

    def __str__(self):
        return self.text


def own_frames(error, solution_dir):
    """The traceback frames of `error` that are in files of solution_dir, innermost last."""
    folder = Path(solution_dir).resolve()
    return [
        f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).resolve().parent == folder
    ]


def plain_text(error, solution_dir):
    """The plain-words failure text for `error`, or None when pytest's own report is more useful."""
    if isinstance(error, (PropertyFailure, SolutionProblem, NotImplementedYet)):
        return str(error)
    if isinstance(error, StudentError):
        lines = [str(error), _("  where (innermost last):")]
        for frame in own_frames(error.__cause__, solution_dir):
            lines.append(
                _("    {file}, line {line}, in {function}: {code}").format(
                    file=Path(frame.filename).name, line=frame.lineno, function=frame.name, code=frame.line
                )
            )
        return "\n".join(lines)
    return None


def plain_failure(excinfo, solution_dir, location):
    """A PlainFailure for pytest's excinfo, or None to keep pytest's report. location: (path, lineno)."""
    text = plain_text(excinfo.value, solution_dir)
    return None if text is None else PlainFailure(text, *location)
