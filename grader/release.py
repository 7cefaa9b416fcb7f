"""Build the student kit as handed out (`grader release`): the assignment folder minus build inputs,
caches and the manifest's private keys, with the kit harness (grader/kit_harness/) stamped in and the
student CI files; refuses when reference code or a hidden test would leak into it."""

from __future__ import annotations

import ast
import json
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import Assignment
from grader.kit_harness import HARNESS_DIR, STAMPED

#: Folders and files never handed out: caches, virtual environments, the notebook's build source.
EXCLUDED_NAMES = frozenset(
    {"__pycache__", ".hypothesis", ".pytest_cache", ".ipynb_checkpoints", ".venv", "notebook", ".DS_Store"}
)
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
#: Manifest keys that only the grader needs (the hidden suite's seed).
PRIVATE_MANIFEST_KEYS = frozenset({"seed"})
#: File names common to many test folders: a clash on these alone is not a leak.
GENERIC_NAMES = frozenset({"__init__.py", "conftest.py", "README.md", "Makefile"})


class ReleaseError(ValueError):
    """The kit cannot be released; the message says why in plain words."""


@dataclass(frozen=True)
class Release:
    """A released kit: its folder and the files in it (POSIX paths relative to the folder, sorted)."""

    out_dir: Path
    files: tuple[str, ...]


def kit_files(kit_dir: Path) -> list[Path]:
    """The files of kit_dir to hand out, as paths relative to kit_dir, sorted."""
    found = []
    for path in sorted(Path(kit_dir).rglob("*")):
        rel = path.relative_to(kit_dir)
        if any(part in EXCLUDED_NAMES for part in rel.parts) or path.suffix in EXCLUDED_SUFFIXES:
            continue
        if path.is_file():
            found.append(rel)
    return found


def stamp_harness(kit_dir: Path) -> list[str]:
    """Write the kit harness into kit_dir (each file of STAMPED at its kit path, replacing what is there);
    returns the kit paths written, in STAMPED's order."""
    for source, target in STAMPED.items():
        path = Path(kit_dir) / target
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HARNESS_DIR / source, path)
    return list(STAMPED.values())


def public_manifest(text: str) -> str:
    """The manifest TOML text without its private keys (top-level `seed`), re-emitted as TOML."""
    data = tomllib.loads(text)
    lines = ["# The public part of this assignment's manifest: the functions you write and their points."]
    tables = {}
    for key, value in data.items():
        if key in PRIVATE_MANIFEST_KEYS:
            continue
        if isinstance(value, dict):
            tables[key] = value
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, table in tables.items():
        lines.extend(_toml_table(key, table))
    return "\n".join(lines) + "\n"


def _toml_table(prefix: str, table: dict) -> list[str]:
    """TOML lines for a table of scalars and sub-tables (as in assignment.toml)."""
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
    lines = ["", f"[{prefix}]"] if scalars or not table else []
    lines += [f"{k} = {_toml_value(v)}" for k, v in scalars.items()]
    for key, sub in table.items():
        if isinstance(sub, dict):
            lines.extend(_toml_table(f"{prefix}.{key}", sub))
    return lines


def _toml_value(value) -> str:
    """A scalar or list as TOML (strings via JSON escaping, which TOML basic strings accept)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def function_bodies(source: str) -> dict[str, str]:
    """Map function name -> ast dump of its body without the docstring, for every def in source."""
    bodies = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            bodies[node.name] = ast.dump(ast.Module(body=body, type_ignores=[]))
    return bodies


def notebook_code(path: Path) -> str:
    """The code cells of a notebook joined as one Python source (IPython magics dropped)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [
        "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for cell in nb.cells
        if cell.cell_type == "code"
    ]
    return "\n\n".join(cells)


def find_leaks(folder: Path, assignment: Assignment) -> list[str]:
    """Plain-words problems: files of folder that carry a reference function body or a hidden test.

    The manifest's provided functions (finished code handed out on purpose, e.g. an example update rule)
    are public: their reference bodies are not private material.
    """
    folder = Path(folder)
    reference = {}
    for path in sorted(assignment.reference_dir.rglob("*.py")):
        for name, body in function_bodies(path.read_text(encoding="utf-8")).items():
            if name not in assignment.provided_functions:
                reference[body] = f"reference/{assignment.name}/{path.name}:{name}"
    hidden_dir = assignment.hidden_tests_dir
    hidden = [p for p in hidden_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    hidden_names = {p.name for p in hidden if p.name not in GENERIC_NAMES}
    hidden_contents = {p.read_bytes() for p in hidden if p.stat().st_size > 0}
    problems = []
    for rel in kit_files(folder):
        path = folder / rel
        if rel.name in hidden_names or path.read_bytes() in hidden_contents:
            problems.append(f"{rel.as_posix()}: a file of hidden_tests/{assignment.name}/")
            continue
        if path.suffix not in (".py", ".ipynb"):
            continue
        try:
            source = notebook_code(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
            bodies = function_bodies(source)
        except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
            problems.append(f"{rel.as_posix()}: cannot be checked for leaks ({type(exc).__name__}: {exc})")
            continue
        for name, body in bodies.items():
            if body in reference:
                problems.append(f"{rel.as_posix()}: {name} has the body of {reference[body]}")
    return problems


def _looks_like_release(folder: Path, assignment: Assignment) -> bool:
    """True when folder holds a previous release of this assignment: its manifest names it and has
    no private keys (the instructor's own manifest has them)."""
    try:
        data = tomllib.loads((folder / "assignment.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return data.get("name") == assignment.name and not PRIVATE_MANIFEST_KEYS & set(data)


def _overlaps(a: Path, b: Path) -> bool:
    """True when a and b are the same folder or one contains the other."""
    a, b = a.resolve(), b.resolve()
    return a == b or a in b.parents or b in a.parents


def release_kit(assignment: Assignment, out_dir: Path, with_ci: bool = True, force: bool = False) -> Release:
    """Write the student kit of assignment into out_dir and return what was written.

    The kit is assignments/<name>/ without EXCLUDED_NAMES, with the manifest's private keys removed,
    the kit harness stamped in (stamp_harness: the same files for every assignment, which read the kit's
    manifest when the tests run), and (with_ci) the student CI files of ci_templates/student/ at their
    repository paths. out_dir may be missing or empty; anything else (a previous release included: edits made in it would be lost)
    is replaced only with force. Raises ReleaseError when out_dir is not replaceable or a leak is
    found (nothing written).
    """
    out_dir = Path(out_dir)
    for source in (assignment.kit_dir, assignment.reference_dir, assignment.hidden_tests_dir):
        if _overlaps(out_dir, source):
            raise ReleaseError(f"{out_dir} overlaps {source}: release into a folder of its own")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        if _looks_like_release(out_dir, assignment):
            raise ReleaseError(f"{out_dir} already holds a release of {assignment.name!r}; replacing it would "
                               "lose any edit made in it: pass --force to replace it, or choose another folder")
        raise ReleaseError(f"{out_dir} is not empty and is not a previous release of {assignment.name!r}: "
                           "choose an empty folder or pass --force")
    if not assignment.kit_dir.is_dir():
        raise ReleaseError(f"{assignment.kit_dir}: no such assignment folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".release-", dir=out_dir.parent) as tmp:
        staging = Path(tmp) / "kit"
        for rel in kit_files(assignment.kit_dir):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel.as_posix() == "assignment.toml":
                text = (assignment.kit_dir / rel).read_text(encoding="utf-8")
                target.write_text(public_manifest(text), encoding="utf-8")
            else:
                shutil.copy2(assignment.kit_dir / rel, target)
        stamp_harness(staging)
        ci_dir = assignment.root / "ci_templates" / "student"
        if with_ci and ci_dir.is_dir():
            shutil.copytree(ci_dir, staging, dirs_exist_ok=True)
        problems = find_leaks(staging, assignment)
        if problems:
            raise ReleaseError("refusing to release, private material found:\n  " + "\n  ".join(problems))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    files = tuple(sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()))
    return Release(out_dir=out_dir, files=files)
