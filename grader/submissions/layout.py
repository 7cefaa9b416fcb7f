"""Find a submission's graded files wherever the course keeps them, and write them as one flat folder.

A graded file (`my_loss.py`) is looked for in the manifest's search folders in order (`[layout]
search`: "" for the top, then e.g. `cs231n/`, `cs231n/classifiers/`), then at any depth, shallowest
first. Two different candidates at the same rank are ambiguous: neither is graded, one note says so.
A function is taken from that .py file under its own name or one of the manifest's aliases (the
course's own names); only when the .py file lacks it is it taken from a notebook defining it.
"""

from __future__ import annotations

import ast
import tokenize
from io import BytesIO
from pathlib import Path

from grader.assignment import Assignment, FunctionSpec
from grader.submissions.notebooks import Chunk, definitions, module_source
from grader.submissions.tree import CodeFile, CodeTree, kib
from grader.submissions.unzip import PrepareError

WRAPPER = '''


# Added by the grader: {name} is graded as your {alias} (the manifest's name for it).
def {name}(*args, **kwargs):
    return {alias}(*args, **kwargs)
'''


def rank(file: CodeFile, search: tuple[str, ...]) -> tuple[int, int]:
    """(position of the file's folder in the search order, depth): lower is preferred."""
    if file.folder in search:
        return search.index(file.folder), 0
    return len(search), file.rel.count("/")


def where(search: tuple[str, ...]) -> str:
    """The search order in words: 'at the top, in cs231n/, in cs231n/classifiers/ or deeper'."""
    places = ["at the top" if not folder else f"in {folder}/" for folder in search]
    return ", ".join(places) + " or in any other folder"


def top_level_names(source: bytes) -> set[str] | None:
    """Names a module binds at its top level (defs, classes, assignments, imports, also inside top-level
    if/try/with blocks); None when it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    names: set[str] = set()
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo += [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            todo += [n for handler in getattr(node, "handlers", []) for n in handler.body]
    return names


def bound_as(spec: FunctionSpec, names: set[str]) -> str:
    """The name spec is defined under in names: its own, else the first alias present, else ""."""
    return next((n for n in (spec.name, *spec.aliases) if n in names), "")


class _Notebooks:
    """The submission's notebooks, best-ranked first, each read once (problems become notes)."""

    def __init__(self, tree: CodeTree, search: tuple[str, ...], notes: list[str]):
        self.files = sorted((f for f in tree.files if f.rel.endswith(".ipynb")), key=lambda f: rank(f, search))
        self.notes = notes
        self._chunks: dict[str, list[Chunk]] = {}

    def chunks(self, file: CodeFile) -> list[Chunk]:
        if file.rel not in self._chunks:
            try:
                text = file.path.read_text(encoding="utf-8")
                self._chunks[file.rel] = definitions(text, file.rel, self.notes)
            except UnicodeDecodeError:
                self.notes.append(f"{file.rel}: notebook is not UTF-8 text; not graded")
                self._chunks[file.rel] = []
            except PrepareError as exc:
                self.notes.append(str(exc))
                self._chunks[file.rel] = []
        return self._chunks[file.rel]

    def defining(self, spec: FunctionSpec) -> CodeFile | None:
        """The notebook that defines spec (by name or alias); None when none does or two do differently."""
        found: list[tuple[CodeFile, str]] = []
        for file in self.files:
            chunks = self.chunks(file)
            name = bound_as(spec, set().union(*(c.names for c in chunks if c.defines)))
            if name:
                found.append((file, "\n".join(c.source for c in chunks if c.defines and name in c.names)))
        if len({source for _, source in found}) > 1:
            self.notes.append(f"{spec.name} is defined differently in {found[0][0].rel} and {found[1][0].rel}: "
                              "neither was graded (keep it in one notebook, or in a .py file)")
            return None
        return found[0][0] if found else None


def pick(file: str, tree: CodeTree, search: tuple[str, ...], notes: list[str]) -> CodeFile | None:
    """The .py file graded as `file`: the best-ranked candidate, or None (absent, or ambiguous: noted)."""
    candidates = sorted((f for f in tree.files if f.name == file), key=lambda f: (rank(f, search), f.rel))
    if not candidates:
        return None
    best = [f for f in candidates if rank(f, search) == rank(candidates[0], search)]
    if len({f.path.read_bytes() for f in best}) > 1:
        notes.append(f"{file} is ambiguous: {best[0].rel} and {best[1].rel} differ and neither comes first "
                     "in the search order; neither was graded (keep one)")
        return None
    return best[0]


def _encoding(source: bytes) -> str:
    try:
        return tokenize.detect_encoding(BytesIO(source).readline)[0]
    except SyntaxError:
        return "utf-8"


def assemble(tree: CodeTree, dest: Path, assignment: Assignment, notes: list[str],
             aliases: dict[str, str]) -> list[str]:
    """Write into dest one file per graded file found (and the helper .py files beside them); return the
    graded files written. Problems a student should read are appended to notes; aliases gets
    {graded function: the manifest alias it was found under} for each function written under an alias."""
    search = assignment.search
    notebooks = _Notebooks(tree, search, notes)
    written, folders = [], [""]
    for file in assignment.files:
        specs = [s for s in assignment.functions if s.file == file]
        chosen = pick(file, tree, search, notes)
        source = chosen.path.read_bytes() if chosen else b""
        if chosen and chosen.folder not in folders:
            folders.append(chosen.folder)
        names = top_level_names(source) if chosen else set()
        if names is None:  # does not parse: graded as it is, so the worker reports the error
            (dest / file).write_bytes(source)
            written.append(file)
            continue
        added: list[str] = []
        found_as: dict[str, str] = {}
        for nb in dict.fromkeys(notebooks.defining(s) for s in specs if not bound_as(s, names)):
            if nb is None:
                continue
            chunks = [c for c in notebooks.chunks(nb) if not c.names & names]
            added.append(module_source(chunks, nb.rel) if not chosen else
                         f"\n\n\n# Added by the grader from {nb.rel} (not defined in this file):\n\n"
                         + "\n\n".join(c.source for c in chunks) + "\n")
            names |= set().union(*(c.names for c in chunks))
        for spec in specs:
            alias = bound_as(spec, names)
            if alias and alias != spec.name:
                added.append(WRAPPER.format(name=spec.name, alias=alias))
                found_as[spec.name] = alias
        if not chosen and not added:
            continue
        try:
            data = source + "".join(added).encode(_encoding(source) if chosen else "utf-8")
        except (UnicodeEncodeError, LookupError):
            notes.append(f"{file}: the grader could not add definitions from a notebook to it "
                         "(its encoding cannot hold them)")
            data = source
        if len(data) > assignment.limits.file_bytes:
            notes.append(f"{file} was not graded: with the definitions taken from notebooks it is {kib(len(data))}, "
                         f"over the {kib(assignment.limits.file_bytes)} limit for one file")
            continue
        (dest / file).write_bytes(data)
        written.append(file)
        aliases.update(found_as)
    _copy_helpers(tree, dest, folders, set(assignment.files))
    return written


def _copy_helpers(tree: CodeTree, dest: Path, folders: list[str], graded: set[str]) -> None:
    """Copy the other .py files of the given folders (top first) into dest, first name wins."""
    taken = set(graded)
    for folder in folders:
        for file in tree.files:
            if file.folder == folder and file.rel.endswith(".py") and file.name not in taken:
                taken.add(file.name)
                (dest / file.name).write_bytes(file.path.read_bytes())


def nothing_found(label: str, assignment: Assignment) -> PrepareError:
    """The error of a submission in which no graded file was found (never a quiet zero)."""
    functions = ", ".join(s.name for s in assignment.functions)
    return PrepareError(f"{label}: no graded file found: none of {', '.join(assignment.files)} "
                        f"{where(assignment.search)}, and no notebook defines {functions}; nothing to grade")
