"""The static half of `grader check`: a hidden suite agrees with its manifest, read without grading anything.

Every collected test carries `@pytest.mark.grade(function=..., points=...)` naming a function of the manifest
with points >= 0 (0: a test that only records); each function's tests add up to exactly the manifest's
points; every graded function is defined in the reference and in the kit's stubs (in the manifest's file).
`grader grade` refuses a suite with a marker or point-sum problem (SuiteError), so points are never rescaled
and no test is silently dropped.
Each problem is one line naming the file it is about.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

from grader.assignment import Assignment, ManifestError
from grader.grading.suite import collect_suite

#: How far a function's marker points may differ from the manifest's (floating-point sums of decimals).
POINTS_TOLERANCE = 1e-6


class SuiteError(ManifestError):
    """The hidden suite disagrees with its manifest; the message is one line (the first problem, and how
    many there are)."""


def shown(path: Path) -> str:
    """path relative to the working folder when it is inside it, else absolute."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def manifest_path(assignment: Assignment) -> Path:
    return assignment.kit_dir / "assignment.toml"


def marker_problems(assignment: Assignment) -> list[str]:
    """The suite's collection errors and marker problems: unmarked tests, markers without a known function
    or with points that are not a number > 0, and functions whose tests do not add up to the manifest's."""
    collection = collect_suite(assignment)
    problems = [f"{shown(Path(path))}: cannot be collected: {message}" for path, message in collection.errors]
    if not collection.tests and not collection.errors:
        problems.append(f"{shown(assignment.hidden_tests_dir)}: no hidden tests collected")
    known = {spec.name for spec in assignment.functions}
    totals: dict[str, float] = {}
    files: dict[str, set[str]] = {}
    for test in collection.tests:
        where = f"{shown(test.path)}::{test.name}"
        marker = test.marker
        if marker is None:
            problems.append(f"{where}: no grade marker (add @pytest.mark.grade(function=..., points=...))")
            continue
        function, points = marker.get("function"), marker.get("points")
        if function not in known:
            problems.append(f"{where}: grade marker names function {function!r}, which "
                            f"{shown(manifest_path(assignment))} does not grade")
            continue
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) \
                or points < 0:
            problems.append(f"{where}: grade marker points must be a number >= 0, got {points!r}")
            continue
        totals[function] = totals.get(function, 0.0) + float(points)
        files.setdefault(function, set()).add(test.path.name)
    if collection.errors:  # sums over a partly collected suite say nothing
        return problems
    for spec in assignment.functions:
        total = totals.get(spec.name, 0.0)
        if abs(total - spec.points) > POINTS_TOLERANCE:
            tests = ", ".join(sorted(files.get(spec.name, ()))) or "no test"
            problems.append(f"{shown(manifest_path(assignment))}: {spec.name} is worth {spec.points:g} points, "
                            f"its hidden tests ({tests}) add up to {total:g}")
    return problems


def defined_names(path: Path) -> set[str]:
    """Names a Python file binds at top level (def, class, assignment, import); raises OSError, SyntaxError."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def definition_problems(assignment: Assignment) -> list[str]:
    """Graded functions missing from the reference's or the stubs' file (or files missing, unreadable)."""
    problems = []
    for folder, what in ((assignment.reference_dir, "reference"), (assignment.kit_dir, "stubs")):
        for file in assignment.files:
            path = folder / file
            try:
                names = defined_names(path)
            except FileNotFoundError:
                problems.append(f"{shown(path)}: no such file ({what} of "
                                f"{', '.join(s.name for s in assignment.functions if s.file == file)})")
                continue
            except (OSError, SyntaxError, ValueError) as exc:
                problems.append(f"{shown(path)}: cannot be read as Python ({what}): {exc}")
                continue
            for spec in assignment.functions:
                if spec.file == file and spec.name not in names:
                    problems.append(f"{shown(path)}: no function {spec.name} ({what}; "
                                    f"{shown(manifest_path(assignment))} grades it in {file})")
    return problems


def static_problems(assignment: Assignment) -> list[str]:
    """Every problem found without grading: markers and point sums, then definitions."""
    return marker_problems(assignment) + definition_problems(assignment)


def ensure_consistent(assignment: Assignment) -> None:
    """Raise SuiteError (one line) when the suite's markers or point sums disagree with the manifest."""
    problems = marker_problems(assignment)
    if problems:
        rest = len(problems) - 1
        more = f" (and {rest} more problem{'s' * (rest != 1)})" if rest else ""
        raise SuiteError(f"{problems[0]}{more}; the suite is inconsistent with its manifest, nothing graded "
                         f"(see `grader check --assignment {assignment.name}`)")
