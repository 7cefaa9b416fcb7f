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


def load_module(path: Path, prefix: str, extra_paths: tuple[Path, ...] = ()):
    """Import one .py file under a unique module name.

    Its folder, then extra_paths, go first on sys.path while it runs, and the module names of the .py
    files there are hidden from sys.modules meanwhile, so that `import optim` inside it imports that
    folder's optim.py, not one an earlier binding (the reference, another student) left in sys.modules.
    """
    name = f"_{prefix}_{next(_counter)}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    folders = [str(path.parent), *map(str, extra_paths)]
    local = {p.stem for folder in folders for p in Path(folder).glob("*.py")}
    saved = {stem: sys.modules.pop(stem) for stem in local if stem in sys.modules}
    sys.path[:0] = folders
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.path[:len(folders)]
        for stem in local:
            sys.modules.pop(stem, None)
        sys.modules.update(saved)
    return module


def bind_in_process(folder: Path, assignment: Assignment, prefix: str) -> SimpleNamespace:
    """A namespace with one attribute per graded function found in folder's files.

    Missing files or functions are simply absent: calling them raises AttributeError. The manifest's
    provided files are imported from the kit when the folder lacks them.
    """
    extra = (assignment.kit_dir,) if assignment.provided_files else ()
    functions = {}
    modules = {}
    for spec in assignment.functions:
        path = Path(folder) / spec.file
        if not path.is_file():
            continue
        if spec.file not in modules:
            modules[spec.file] = load_module(path, prefix, extra)
        fn = getattr(modules[spec.file], spec.name, None)
        if callable(fn):
            functions[spec.name] = fn
    return SimpleNamespace(**functions)
