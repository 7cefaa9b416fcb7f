"""The strings of a hidden suite a student reads, found in its source: what its catalogue must translate.

Read with `ast` (nothing is imported or run): each test's name (the first docstring line of a
`test_*` function), every `hint=` string and the second argument of a `grade(points, hint)` helper,
the text of every `Mistake(id, text)`, every string key of a dict literal that has a space in it
(the likely-mistake candidates), and the first argument of `fail`, `assert_loss_close` and
`assert_grad_close` when it is a constant (the property as a sentence), and the causes of any constant
"likely mistake: A; or B" line (the diagnosis the grader translates cause by cause), and the template
(first argument) of every `sentence(template, **fields)` call: a sentence built at run time, which the
grader translates as its template with the same fields (grader.diagnosis.sentence). Other strings built
at run time (f-strings) cannot be looked up and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

#: Calls whose first argument is a property sentence a student reads.
MESSAGE_CALLS = {"fail", "assert_loss_close", "assert_grad_close"}
#: Calls whose first argument is a template (grader.diagnosis.sentence).
TEMPLATE_CALLS = {"sentence"}
#: A diagnosis line of a message, as grader.i18n reads it: its causes are looked up one by one.
LIKELY = "likely mistake:"


def _constant(node) -> str | None:
    """A string constant, or a concatenation of them ("a" "b" or "a" + "b"); None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant(node.left), _constant(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _strings_of(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = ast.get_docstring(node)
            if doc:
                yield doc.strip().splitlines()[0]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            yield from (_constant(kw.value) for kw in node.keywords if kw.arg == "hint")
            if name == "grade" and len(node.args) >= 2:
                yield _constant(node.args[1])
            if name == "Mistake" and len(node.args) == 2:
                yield _constant(node.args[1])
            if name in MESSAGE_CALLS | TEMPLATE_CALLS and node.args:
                yield _constant(node.args[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(LIKELY):
            yield from node.value[len(LIKELY):].split("; or ")
        elif isinstance(node, ast.Dict):
            yield from (key for key in map(_constant, filter(None, node.keys)) if key and " " in key)


def suite_strings(folder: Path) -> list[str]:
    """Every student-facing constant string of the suite's *.py files, first-seen order, no repeats."""
    found: dict[str, None] = {}
    for path in sorted(Path(folder).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.update((text.strip(), None) for text in _strings_of(tree) if text and text.strip())
    return list(found)
