"""Corpus submissions for testing the hidden suite: build a submission by patching single functions' source into a
copy of the reference, grade it through the real contract (a pytest subprocess with the grader plugin and
--grader-results), and read per-function scores. Reusable: `make_submission`, `run_suite`, `grade_corpus`.
"""

from __future__ import annotations

import ast
import importlib
import json
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from grader.assignment import Assignment, load_assignment
from grader.grading import GradeOptions, grade_batch
from grader.results import SubmissionResult
from grader.submissions import discover

#: Checked in run_suite: a suite run that takes longer than this (seconds) is a failure, not a hang.
SUITE_TIMEOUT_S = 600


@dataclass(frozen=True)
class Entry:
    """One corpus submission: the reference with `patches` (function name -> replacement source) applied.

    `loses` names the functions that must lose points (empty for a correct variant); every other
    function must keep full marks. `why` says in words what the entry does.
    """

    name: str
    patches: dict[str, str]
    loses: tuple[str, ...] = ()
    why: str = ""


@dataclass
class Outcome:
    """What grading one submission produced: the results dict (or None) and any runner problem as text."""

    results: dict | None
    problem: str = ""
    stdout: str = field(default="", repr=False)

    def scores(self) -> dict[str, tuple[float, float]]:
        """{function: (score, max_score)} summed over the recorded tests."""
        totals: dict[str, tuple[float, float]] = {}
        for test in (self.results or {}).get("tests", []):
            score, top = totals.get(test["function"], (0.0, 0.0))
            totals[test["function"]] = (score + test["score"], top + test["max_score"])
        return totals

    def failures(self, function: str | None = None) -> list[str]:
        """Names and outputs of the failed tests (of one function, or all)."""
        return [
            f"{t['nodeid']}: {t['output'][:400]}"
            for t in (self.results or {}).get("tests", [])
            if t["status"] != "passed" and function in (None, t["function"])
        ]


def function_source(path: Path, name: str) -> str:
    """The source text of top-level function `name` in the file at path (decorators included)."""
    text = path.read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            return "".join(text.splitlines(keepends=True)[start:node.end_lineno])
    raise KeyError(f"{path}: no top-level function {name!r}")


def edited(assignment: Assignment, function: str, *edits: tuple[str, str]) -> str:
    """The reference's source of `function` with each (old, new) text replaced in its code (not its
    docstring); each old must occur there exactly once."""
    source = function_source(assignment.reference_dir / assignment.function(function).file, function)
    node = ast.parse(source).body[0]
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    lines = source.splitlines(keepends=True)
    split = first.end_lineno if has_doc else node.body[0].lineno - 1
    head, code = "".join(lines[:split]), "".join(lines[split:])
    for old, new in edits:
        if code.count(old) != 1:
            raise ValueError(f"{function}: {old!r} occurs {code.count(old)} times in the reference's code, not once")
        code = code.replace(old, new)
    return head + code


def patch_function(text: str, name: str, source: str) -> str:
    """Module text with top-level function `name` (and its decorators) replaced by `source`."""
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            lines = text.splitlines(keepends=True)
            new = textwrap.dedent(source).strip("\n") + "\n"
            return "".join(lines[:start]) + new + "".join(lines[node.end_lineno:])
    raise KeyError(f"no top-level function {name!r} to patch")


def make_submission(folder: Path, assignment: Assignment, patches: dict[str, str] | None = None) -> Path:
    """Copy the reference's files into `folder` and apply patches {function: source}; return folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in assignment.files:
        shutil.copyfile(assignment.reference_dir / file, folder / file)
    for function, source in (patches or {}).items():
        path = folder / assignment.function(function).file
        path.write_text(patch_function(path.read_text(encoding="utf-8"), function, source), encoding="utf-8")
    return folder


def run_suite(submission: Path, results_path: Path, assignment: Assignment, extra_args=()) -> Outcome:
    """Grade `submission` with the hidden suite in a pytest subprocess; read the --grader-results file."""
    argv = [
        sys.executable, "-m", "pytest", str(assignment.hidden_tests_dir), "-q", "-p", "no:cacheprovider",
        "-p", "grader.pytest_plugin", "--assignment", assignment.name, "--grader-root", str(assignment.root),
        "--submission", str(submission), "--grader-results", str(results_path), *extra_args,
    ]
    try:
        proc = subprocess.run(argv, check=False, cwd=assignment.root, capture_output=True, text=True, timeout=SUITE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Outcome(None, f"suite run exceeded {SUITE_TIMEOUT_S} s")
    if proc.returncode not in (0, 1):
        return Outcome(None, f"pytest exited {proc.returncode}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}",
                       proc.stdout)
    try:
        return Outcome(json.loads(results_path.read_text(encoding="utf-8")), stdout=proc.stdout)
    except (OSError, ValueError) as exc:
        return Outcome(None, f"no readable results file: {exc}; {proc.stdout[-2000:]}", proc.stdout)


#: The reference, graded with the corpus (it must get full marks).
REFERENCE = Entry("reference", {})
#: The corpus entry graded from the kit's untouched stub files (they must score zero).
STUBS = "stubs"


def corpus_of(name: str):
    """The corpus package of assignment `name` (tests/corpus/<name>): MUTANTS, VARIANTS, DO_NOTHING, ..."""
    return importlib.import_module(f"corpus.{name}")


@dataclass
class CorpusGrading:
    """One assignment's corpus graded by grade_batch both ways: {entry name: SubmissionResult} on the fast
    path (each property's examples replayed) and on the plain path (Hypothesis's search per submission).
    The entries: the reference, the do-nothing submission, the kit's stubs, every mutant and variant."""

    fast: dict[str, SubmissionResult]
    plain: dict[str, SubmissionResult]


def grade_corpus(name: str, root: Path, jobs: int = 2) -> CorpusGrading:
    """Build every entry of assignment `name`'s corpus under root/submissions and grade the class twice,
    fast path into root/fast and plain path into root/plain, `jobs` submissions at a time."""
    assignment, corpus = load_assignment(name), corpus_of(name)
    submissions = root / "submissions"
    for entry in [REFERENCE, corpus.DO_NOTHING, *corpus.MUTANTS, *corpus.VARIANTS]:
        make_submission(submissions / entry.name, assignment, entry.patches)
    (submissions / STUBS).mkdir()
    for file in assignment.files:
        shutil.copyfile(assignment.kit_dir / file, submissions / STUBS / file)
    entries = discover(submissions).entries
    ways = {}
    for way, replay in (("fast", True), ("plain", False)):
        results = grade_batch(entries, assignment, root / way, jobs=jobs, options=GradeOptions(replay=replay))
        ways[way] = {r.student: r for r in results}
    return CorpusGrading(**ways)


#: Run in a fresh interpreter by collect_markers: prints the hidden suite's grade markers as JSON.
_COLLECT = """
import json, sys, pytest
class Markers:
    def __init__(self): self.items = []
    def pytest_collection_finish(self, session):
        for item in session.items:
            m = item.get_closest_marker("grade")
            doc = (getattr(item.obj, "__doc__", None) or "").strip()
            self.items.append({"nodeid": item.nodeid, "doc": doc.splitlines()[0] if doc else "",
                               "grade": dict(m.kwargs) if m else None})
markers = Markers()
code = pytest.main(sys.argv[1:] + ["--collect-only", "-q", "-p", "no:cacheprovider"], plugins=[markers])
print("MARKERS=" + json.dumps(markers.items))
sys.exit(0 if code == 0 else 3)
"""


def collect_markers(assignment: Assignment, submission: Path) -> list[dict]:
    """Every collected hidden test as {"nodeid", "doc" (first docstring line), "grade" (marker kwargs or None)}."""
    argv = [sys.executable, "-c", _COLLECT, str(assignment.hidden_tests_dir), "-p", "grader.pytest_plugin",
            "--assignment", assignment.name, "--grader-root", str(assignment.root), "--submission", str(submission)]
    proc = subprocess.run(argv, check=False, cwd=assignment.root, capture_output=True, text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("MARKERS=")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"collection failed ({proc.returncode}): {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return json.loads(lines[-1][len("MARKERS="):])
