"""The strings of a hidden suite a student reads, found in its source: what its catalogue must translate.

Read with `ast` (nothing is imported or run): each test's name (the first docstring line of a
`test_*` function), every `hint=` (or `..._hint=`) string and the second argument of a
`grade(points, hint)` helper, the text of every `Mistake(id, text)`, every string key of a dict
literal that has a space in it (the likely-mistake candidates), the first argument of `fail`,
`assert_loss_close` and `assert_grad_close` when it is a constant (the property as a sentence), the
causes of any constant "likely mistake: A; or B" line (the diagnosis the grader translates cause by
cause), and the template (first argument) of every `sentence(template, **fields)` call: a sentence
built at run time, which the grader translates as its template with the same fields
(grader.diagnosis.sentence). Other strings built at run time (f-strings) cannot be looked up and are
left out: `english_in_fstrings` finds those that hold English words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from grader.i18n import LABELS

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
            yield from (_constant(kw.value) for kw in node.keywords if kw.arg and kw.arg.endswith("hint"))
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


#: Two English words in a row: the mark of a sentence (labels such as "got:" are one word).
_WORDS = re.compile(r"[A-Za-z]{2,} +[A-Za-z]{2,}")


def english_in_fstrings(folder: Path) -> list[str]:
    """'file:line: text' for each f-string of the suite's *.py files whose fixed text holds English words
    (two in a row, the labels of grader.i18n.LABELS aside): a sentence no catalogue can translate, to be
    written as a `sentence(template, ...)` instead."""
    found = []
    for path in sorted(Path(folder).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.JoinedStr):
                parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
                if any(_WORDS.search(_unlabelled(part)) for part in parts):
                    shown = "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
                    found.append(f"{path.name}:{node.lineno}: {shown}")
    return found


def _unlabelled(text: str) -> str:
    for label in (*LABELS, LIKELY):
        text = text.replace(label, " ")
    return text
