"""The `python -s -B -c PROGRAM GRADER_PACKAGE_DIR ...` program every process the grader starts for a
sandbox begins with (a worker, the worker fork server).

The grader package is reached through stub package modules, so neither the repository nor the working
directory (a submission's private copy) is ever on the process's sys.path, and grader/__init__.py never
runs there; `entry` then imports what the process runs, from grader.sandbox only.
"""

PACKAGE_STUBS = """\
import sys, types
sys.path[:] = [p for p in sys.path if p not in ("", ".")]
for name, path in (("grader", sys.argv[1]), ("grader.sandbox", sys.argv[1] + "/sandbox")):
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module
"""


def program(entry: str) -> str:
    """The `-c` program: the package stubs, then entry (Python source, one statement a line)."""
    return PACKAGE_STUBS + entry
