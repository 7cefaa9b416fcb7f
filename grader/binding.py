"""Import an assignment's files from a folder in this process (trusted code only: the reference,
or a student's own machine). Graded submissions go through grader.sandbox instead."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from types import SimpleNamespace

from grader.assignment import Assignment

_counter = itertools.count()


def load_module(path: Path, prefix: str):
    """Import one .py file under a unique module name; its folder goes first on sys.path while it runs."""
    name = f"_{prefix}_{next(_counter)}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def bind_in_process(folder: Path, assignment: Assignment, prefix: str) -> SimpleNamespace:
    """A namespace with one attribute per graded function found in folder's files.

    Missing files or functions are simply absent: calling them raises AttributeError.
    """
    functions = {}
    modules = {}
    for spec in assignment.functions:
        path = Path(folder) / spec.file
        if not path.is_file():
            continue
        if spec.file not in modules:
            modules[spec.file] = load_module(path, prefix)
        fn = getattr(modules[spec.file], spec.name, None)
        if callable(fn):
            functions[spec.name] = fn
    return SimpleNamespace(**functions)
