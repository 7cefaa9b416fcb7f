"""Source checks on a submission's file, read as text and parsed with ast (never imported): where its loops are."""

import ast

LOOPS = {
    ast.For: "a for loop",
    ast.AsyncFor: "an async for loop",
    ast.While: "a while loop",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
}


def loops_in(tree: ast.Module, name: str) -> list[str]:
    """Loops in top-level function `name` and in the same file's functions it calls, as 'line N: what (in f)'."""
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found, seen, todo = [], set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in functions:
            continue
        seen.add(current)
        for node in ast.walk(functions[current]):
            what = LOOPS.get(type(node))
            if what:
                found.append(f"line {node.lineno}: {what} (in {current})")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                todo.append(node.func.id)
    return sorted(found, key=lambda s: int(s.split(":")[0][5:]))
