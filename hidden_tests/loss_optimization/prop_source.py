"""Source checks on a submission's file, parsed with ast (never imported): which loops the code bound to a name runs.

The file is parsed from its bytes exactly as the import system decodes it (BOM, `# -*- coding: ... -*-` cookie),
so a cookie such as utf-7 cannot turn a "comment" into code the check does not see. What is checked is what the
name is bound to when the module has run, not the `def` of that name: decorators, later assignments
(`f = g`), `global` rebinding inside functions, and everything those refer to in the file. Code the check cannot
read (a binding imported from another file of the submission, `globals()`, `exec`, `setattr`, ...) makes the
verdict "cannot tell", never "no loops". Python's runtime can always be bent further, so the hidden suite judges
speed by behaviour as well; this check is the readable half of the evidence.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from grader.diagnosis import sentence

LOOPS = {
    ast.For: sentence("a for loop"),
    ast.AsyncFor: sentence("an async for loop"),
    ast.While: sentence("a while loop"),
    ast.ListComp: sentence("a list comprehension"),
    ast.SetComp: sentence("a set comprehension"),
    ast.DictComp: sentence("a dict comprehension"),
    ast.GeneratorExp: sentence("a generator expression"),
}
#: Calls that run a Python function once per element: loops in disguise.
DISGUISED_LOOPS = {"map", "filter", "reduce", "vectorize", "apply_along_axis", "apply_over_axes", "frompyfunc",
                   "fromiter"}
#: Names whose use lets code rebind or fetch functions by string at run time, out of an ast reader's sight.
DYNAMIC_NAMES = {"globals", "locals", "vars", "exec", "eval", "compile", "__import__", "getattr", "setattr",
                 "delattr", "__builtins__", "importlib"}
DYNAMIC_ATTRIBUTES = {"__dict__", "__globals__", "__code__", "__closure__", "__builtins__", "modules"}
#: Encodings a source file may be read in without a note in the verdict.
PLAIN_ENCODINGS = {"utf-8", "utf-8-sig", "ascii", "us-ascii"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass
class SourceVerdict:
    """What the check found for one name of one file.

    `loops`: 'line N: what (in f)' for each loop the bound code runs when called; `unreadable`: why the check
    cannot tell what runs ("" when it can); `encoding`: the encoding Python decodes the file with;
    `defined`: whether the module binds the name at all.
    """

    loops: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    defined: bool = True


def parse_as_python_does(path: Path) -> tuple[ast.Module, str]:
    """(tree, encoding) of a source file, decoded as `import` decodes it; raises SyntaxError/OSError/ValueError."""
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return ast.parse(data, filename=path.name), encoding


def check_loop_free(path: Path, name: str, local_modules: set[str] = frozenset()) -> SourceVerdict:
    """Loops (and unreadable code) in what module-level `name` of `path` is bound to after import.

    `local_modules`: top-level module names of the submission's other files (an import from one of them is
    code the check does not read). Raises what parse_as_python_does raises.
    """
    tree, encoding = parse_as_python_does(path)
    module = _Module(tree, local_modules | {path.stem})
    verdict = SourceVerdict(encoding=encoding, defined=bool(module.bindings.get(name)))
    if not verdict.defined:
        return verdict
    called = module.closure([name])
    at_import = module.closure(module.import_time_names(), module.import_time_nodes())
    for node, owner in called:
        verdict.loops.extend(_loops(node, owner))
    verdict.loops.extend(module.recursions(called))
    seen = set()
    for node, owner in [*called, *at_import]:
        for why in module.unreadable(node, owner, name):
            if why not in seen:
                seen.add(why)
                verdict.unreadable.append(why)
    verdict.loops = sorted(set(verdict.loops), key=lambda s: int(s.split(":")[0][5:]))
    return verdict


def loops_in(tree: ast.Module, name: str) -> list[str]:
    """Loops in what top-level `name` is bound to (and the file's code it refers to), as 'line N: what (in f)'."""
    module = _Module(tree, set())
    called = module.closure([name])
    found = [loop for node, owner in called for loop in _loops(node, owner)] + module.recursions(called)
    return sorted(set(found), key=lambda s: int(s.split(":")[0][5:]))


class _Module:
    """A parsed module's module-level bindings: name -> the statements (or functions, via `global`) binding it."""

    def __init__(self, tree: ast.Module, local_modules: set[str]):
        self.tree = tree
        self.local_modules = local_modules
        self.bindings: dict[str, list[tuple[ast.AST, str]]] = {}
        for stmt in _module_level(tree.body):
            for bound in _bound_names(stmt):
                self.bindings.setdefault(bound, []).append((stmt, _owner(stmt, bound)))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Global):
                        for bound in inner.names:
                            self.bindings.setdefault(bound, []).append((node, node.name))

    def import_time_nodes(self) -> list[tuple[ast.AST, str]]:
        """The parts of module-level statements that run at import: all of them but the bodies of functions
        defined at module level (a compound statement is taken whole)."""
        nodes = []
        for stmt in _module_level(self.tree.body):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                parts = [*stmt.decorator_list, *stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d)]
                nodes.extend((part, "decorators of " + stmt.name) for part in parts)
            else:
                nodes.append((stmt, "module level"))
        return nodes

    def import_time_names(self) -> list[str]:
        return [n for node, _ in self.import_time_nodes() for n in _names(node)]

    def closure(self, names, nodes=()) -> list[tuple[ast.AST, str]]:
        """Every binding statement reachable from `names` and `nodes` through the names their code refers to."""
        found, seen_nodes, seen_names = [], set(), set()
        todo_nodes, todo_names = list(nodes), list(names)
        while todo_nodes or todo_names:
            if todo_nodes:
                node, owner = todo_nodes.pop()
                if id(node) in seen_nodes:
                    continue
                seen_nodes.add(id(node))
                found.append((node, owner))
                todo_names.extend(_names(node))
                continue
            current = todo_names.pop()
            if current not in seen_names:
                seen_names.add(current)
                todo_nodes.extend(self.bindings.get(current, []))
        return found

    def recursions(self, called) -> list[str]:
        """'line N: recursion (in f)' for each function in `called` whose code can reach itself again."""
        functions = {owner: node for node, owner in called if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        found = []
        for owner, node in functions.items():
            reached = {n for inner, _ in self.closure(_names(_body(node))) for n in [_owner_name(inner)]}
            if owner in reached:
                found.append(f"line {node.lineno}: "
                             + sentence("recursion, a loop by another name (in {owner})", owner=owner))
        return found

    def unreadable(self, node: ast.AST, owner: str, name: str) -> list[str]:
        """Why code in `node` hides from this check what `name` runs: dynamic lookups, imports of the
        submission's own files, `name` bound by an import."""
        why = []
        if isinstance(node, (ast.Import, ast.ImportFrom)) and name in _bound_names(node):
            why.append(f"line {node.lineno}: "
                       + sentence("{name} is bound by an import, whose code this check does not read", name=name))
        allowed = {id(call.func) for call in ast.walk(node) if self._imports_other_library(call)}
        for inner in ast.walk(node):
            if id(inner) in allowed:
                continue
            if isinstance(inner, ast.Attribute) and inner.attr == name and isinstance(inner.ctx, ast.Store):
                why.append(f"line {inner.lineno}: " + sentence("an assignment to .{name} (in {owner}) rebinds it at "
                                                               "run time", name=name, owner=owner))
            elif isinstance(inner, ast.Name) and inner.id in DYNAMIC_NAMES:
                why.append(f"line {inner.lineno}: " + sentence("{name} (in {owner}) can rebind or fetch functions by "
                                                               "name", name=inner.id, owner=owner))
            elif isinstance(inner, ast.Attribute) and inner.attr in DYNAMIC_ATTRIBUTES:
                why.append(f"line {inner.lineno}: " + sentence("{name} (in {owner}) can rebind or fetch functions by "
                                                               "name", name="." + inner.attr, owner=owner))
            elif isinstance(inner, ast.Import | ast.ImportFrom) and self._imports_local(inner):
                why.append(f"line {inner.lineno}: " + sentence("an import of the submission's own code (in {owner}), "
                                                               "which this check does not follow", owner=owner))
        return why

    def _imports_other_library(self, node: ast.AST) -> bool:
        """Whether `node` is `__import__("lib")` or `importlib.import_module("lib")` of a module not in the
        submission (a library: it cannot rebind this file's names without naming them)."""
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            return False
        func = node.func
        if not (isinstance(func, ast.Name) and func.id == "__import__"
                or isinstance(func, ast.Attribute) and func.attr == "import_module"):
            return False
        return node.args[0].value.split(".")[0] not in self.local_modules

    def _imports_local(self, node: ast.Import | ast.ImportFrom) -> bool:
        if isinstance(node, ast.ImportFrom):
            return node.level > 0 or (node.module or "").split(".")[0] in self.local_modules
        return any(alias.name.split(".")[0] in self.local_modules for alias in node.names)


def _module_level(body) -> list[ast.stmt]:
    """Statements that run at import: `body` and the bodies of its compound statements (not def/class bodies)."""
    out = []
    for stmt in body:
        out.append(stmt)
        for attr in ("body", "orelse", "finalbody"):
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.extend(_module_level(getattr(stmt, attr, [])))
        for handler in getattr(stmt, "handlers", []):
            out.extend(_module_level(handler.body))
    return out


def _bound_names(stmt: ast.AST) -> set[str]:
    """Module-level names a statement binds (def, class, assignment targets, imports, for/with targets)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    targets = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in stmt.items if item.optional_vars]
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if not isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try)):
        names |= {n.target.id for n in ast.walk(stmt) if isinstance(n, ast.NamedExpr)}
    return names


def _owner(stmt: ast.AST, bound: str) -> str:
    return stmt.name if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else bound


def _owner_name(node: ast.AST) -> str:
    return getattr(node, "name", "")


def _body(node: ast.AST) -> ast.Module:
    return ast.Module(body=list(node.body), type_ignores=[])


def _names(node: ast.AST) -> list[str]:
    """Names `node`'s code reads (loads)."""
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def _loops(node: ast.AST, owner: str) -> list[str]:
    """Loops that run when the code of `node` is called: those inside functions and lambdas (a comprehension
    that only builds a module-level constant at import is not one)."""
    found = []

    def visit(current: ast.AST, inside: bool, where: str) -> None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside, where = True, current.name
        elif isinstance(current, ast.Lambda):
            inside = True
        if inside:
            what = LOOPS.get(type(current))
            if what:
                found.append(f"line {current.lineno}: " + sentence("{what} (in {owner})", what=what, owner=where))
            if isinstance(current, ast.Call):
                called = getattr(current.func, "id", None) or getattr(current.func, "attr", None)
                if called in DISGUISED_LOOPS:
                    found.append(f"line {current.lineno}: "
                                 + sentence("{called}(), a loop in disguise (in {owner})", called=called, owner=where))
        for child in ast.iter_child_nodes(current):
            visit(child, inside, where)

    visit(node, isinstance(node, FUNCTIONS), owner)
    return found
