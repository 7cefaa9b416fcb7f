"""Import your files (those of assignment.toml's functions) from a folder so the public tests can call them."""

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

from kit_i18n import _


class SolutionProblem(BaseException):
    """A file or function the tests need is missing or does not import; the message says which.

    A BaseException, not an Exception, so that Hypothesis stops at the first example: the input does
    not matter.
    """


def load_file(path):
    """Import one .py file under its own module name; its folder is first on sys.path while it runs."""
    spec = importlib.util.spec_from_file_location(f"_solution_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def import_problem(path, error):
    """The plain-words message for a file that exists but raised `error` while being imported."""
    if isinstance(error, SyntaxError):
        return _("could not import {file}: syntax error on line {line}: {error}").format(
            file=path.name, line=error.lineno, error=error.msg
        )
    return _("could not import {file}: {error_type}: {error}").format(
        file=path.name, error_type=type(error).__name__, error=error
    )


def standing_in(message):
    """A function that raises SolutionProblem(message) when called, in place of a missing one."""

    def missing(*args, **kwargs):
        raise SolutionProblem(message)

    return missing


def bind_solution(folder, function_files):
    """A namespace with one callable per function in function_files ({function name: file name}).

    Functions come from the files in `folder`; a missing file, a file that does not import, or a
    missing function becomes a stand-in that raises SolutionProblem saying so.
    """
    folder = Path(folder)
    modules = {}
    functions = {}
    for name, file in function_files.items():
        path = folder / file
        if file not in modules:
            if not path.is_file():
                modules[file] = _("{file} not found in {folder}").format(file=file, folder=folder)
            else:
                try:
                    modules[file] = load_file(path)
                except (Exception, SystemExit) as error:  # noqa: BLE001 - the student's file: reported, not raised
                    modules[file] = import_problem(path, error)
        module = modules[file]
        if isinstance(module, str):
            functions[name] = standing_in(module)
        elif not callable(getattr(module, name, None)):
            missing = _("{file} has no function {function} (was it renamed or deleted?)")
            functions[name] = standing_in(missing.format(file=file, function=name))
        else:
            functions[name] = getattr(module, name)
    return SimpleNamespace(**functions)
