"""The definitions a notebook's code cells make, as Python source that runs nothing else at import.

Kept: imports (made optional, so a missing course module such as cs231n.data_utils does not hide
the definitions), functions, simple classes and constants whose values are literals. A definition
is kept only when defining it runs none of the student's code: no decorators, default values that
are literals or names, classes without bases whose bodies hold definitions and literals only, and
annotations removed (they would be evaluated). Everything else (training loops, plots, prints,
magics, shell lines) is dropped, so the module runs nothing slow or surprising, and runs it once.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

import nbformat

from grader.submissions.unzip import PrepareError

HEADER = '"""Definitions taken from {label} by the grader (imports, functions, classes, constants)."""'
#: Decorators a method may carry (builtins that run nothing of the student's).
METHOD_DECORATORS = {"staticmethod", "classmethod", "property"}


@dataclass(frozen=True)
class Chunk:
    """One kept top-level statement: the names it binds, its source, and whether it defines a
    function or class there (an import of the course's module does not: it names another file's)."""

    names: frozenset[str]
    source: str
    defines: bool = False


def read_notebook(text: str, label: str) -> nbformat.NotebookNode:
    """The notebook parsed by nbformat, or PrepareError naming label and the first line of the problem."""
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 (nbformat raises unrelated types: JSON, schema, version errors)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PrepareError(f"{label}: not a valid notebook ({first[:200]})") from None


def definitions(text: str, label: str, notes: list[str]) -> list[Chunk]:
    """The kept statements of the notebook `text`, in cell order.

    A cell that does not parse, and definitions left out because defining them would run code, get
    one note each (naming label). Raises PrepareError when text is not a notebook.
    """
    notebook = read_notebook(text, label)
    chunks: list[Chunk] = []
    left_out: list[str] = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code = strip_magics(cell.get("source", ""))
        if not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            notes.append(f"{label}: code cell {number} does not parse (line {exc.lineno}: {exc.msg}); "
                         "its definitions were not graded")
            continue
        for node in tree.body:
            chunk, why = keep(node)
            if chunk is not None:
                chunks.append(chunk)
            elif why:
                left_out.append(why)
    if left_out:
        notes.append(f"{label}: left out because defining them would run code at import: "
                     + "; ".join(left_out) + " (write them in a .py file instead)")
    return chunks


def module_source(chunks: list[Chunk], label: str) -> str:
    """A module's text from kept chunks."""
    return "\n\n".join([HEADER.format(label=label), *(c.source for c in chunks)]) + "\n"


def notebook_source(text: str, label: str, notes: list[str]) -> str:
    """The Python module a notebook's code cells define (see the module docstring)."""
    return module_source(definitions(text, label, notes), label)


def strip_magics(code: str) -> str:
    """Drop IPython-only lines (%magic, !shell) and whole %%cell-magic cells."""
    if code.lstrip().startswith("%%"):
        return ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())


def keep(node: ast.stmt) -> tuple[Chunk | None, str]:
    """(the chunk to keep for one top-level statement, or None; why a definition was left out, or "")."""
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        return None, ""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = frozenset((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        return Chunk(names, f"try:\n    {ast.unparse(node)}\nexcept ImportError:\n    pass"), ""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        why = runs_code(node, top=True)
        if why:
            return None, f"{'class' if isinstance(node, ast.ClassDef) else 'def'} {node.name} ({why})"
        return Chunk(frozenset({node.name}), ast.unparse(without_annotations(node)), defines=True), ""
    if constant(node):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        plain = node if isinstance(node, ast.Assign) else ast.Assign(targets=targets, value=node.value, lineno=0)
        return Chunk(frozenset(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)),
                     ast.unparse(plain)), ""
    return None, ""


def without_annotations(node: ast.stmt) -> ast.stmt:
    """A copy of a def or class whose own and whose methods' annotations are gone (defining a function
    evaluates its annotations; its body is only compiled)."""
    node = copy.deepcopy(node)
    if isinstance(node, ast.ClassDef):
        node.body = [ast.Assign(targets=[item.target], value=item.value, lineno=item.lineno)
                     if isinstance(item, ast.AnnAssign) else item for item in node.body]
    functions = [node] if not isinstance(node, ast.ClassDef) else [
        item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in functions:
        function.returns = None
        arguments = function.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                    arguments.vararg, arguments.kwarg]:
            if arg is not None:
                arg.annotation = None
    return node


def constant(node: ast.stmt) -> bool:
    """`NAME = literal` (or a tuple of names, or annotated): binding it runs nothing."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None and node.simple:
        targets, value = [node.target], node.value
    else:
        return False
    return all(plain_target(t) for t in targets) and literal(value)


def plain_target(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) or (isinstance(node, (ast.Tuple, ast.List))
                                          and all(plain_target(e) for e in node.elts))


def literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def dotted_name(node: ast.expr) -> bool:
    """`name` or `name.attr.attr` (np.float64): looking it up runs none of the student's code."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def runs_code(node: ast.stmt, top: bool) -> str:
    """Why defining node would run code ("" when it would not): decorators, computed defaults, class
    bases (their __init_subclass__ or metaclass runs), class bodies holding anything but definitions
    and literals."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        allowed = set() if top else METHOD_DECORATORS
        if any(not (isinstance(d, ast.Name) and d.id in allowed) for d in node.decorator_list):
            return "a decorator"
        defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        if any(not (literal(d) or dotted_name(d)) for d in defaults):
            return "a computed default value"
        return ""
    if isinstance(node, ast.ClassDef):
        if node.decorator_list:
            return "a decorator"
        if node.keywords or not all(isinstance(b, ast.Name) and b.id == "object" for b in node.bases):
            return "base classes, whose code runs when a class is made"
        for item in node.body:
            if isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant):
                continue  # a docstring
            if isinstance(item, ast.Pass) or constant(item):
                continue
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not runs_code(item, top=False):
                continue
            return "code in its body"
        return ""
    return "not a definition"
