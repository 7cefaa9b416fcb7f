"""Pytest plugin for hidden suites: `student`, `reference`, `assignment` fixtures, the `grade` marker,
and a per-test results file.

Run as: pytest hidden_tests/<name> -p grader.pytest_plugin --submission DIR [--grader-results OUT.json]
[--grader-limits JSON] (the grader passes the limits it grades under; default: the manifest's)

`student` is a proxy to a sandboxed worker process (grader.sandbox): student.<function>(...) runs
there and returns plain values or raises grader.sandbox.StudentError; student.last_call_mutated
names the arguments the last call modified and student.last_call_changes where (paths such as
(2, "velocity")), both decided here from the arguments the worker sends back (grader.sandbox.changes). `--in-process` imports the submission here instead
(trusted code only: debugging the suite on the reference or on your own files).

A test declares what it is worth with
    @pytest.mark.grade(function="my_loss", points=2, hint="what to look at when it fails")
and its first docstring line is the name a student reads.

Every hidden suite runs under the Hypothesis profile "grading" (derandomized, no example database, no
deadline: two gradings of a submission give the same score) and gets `base_seed` (the manifest's seed);
`student` and `reference` show as just those names in falsifying examples. A suite's conftest.py holds
only what is its own (e.g. its gates); a test that needs other Hypothesis settings says so with @settings.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from grader import diagnosis
from grader.assignment import Assignment, Limits, ManifestError, load_assignment
from grader.binding import bind_in_process
from grader.grading.replay import run_replayed
from grader.grading.shared_fixtures import provide
from grader.results import TestResult
from grader.sandbox import GraderFault, StudentError, WorkerClient, call_times
from grader.sandbox.changes import call_changes, keep, top_level
from grader.sandbox.confine import probe


def pytest_addoption(parser):
    group = parser.getgroup("grader")
    group.addoption("--submission", help="folder holding the student's files to grade")
    group.addoption("--assignment", default=None,
                    help="assignment name (default: the only one under the root; required when there are several)")
    group.addoption("--grader-root", default=None, help="folder holding assignments/, reference/, hidden_tests/")
    group.addoption("--grader-results", default=None, help="write per-test results as JSON to this file")
    group.addoption("--grader-limits", default=None, metavar="JSON",
                    help="limits to grade under instead of the manifest's: a JSON object of Limits fields")
    group.addoption("--sandbox", default="auto", help="confinement level of the worker: auto or 1..4 (default: auto)")
    group.addoption("--in-process", action="store_true", default=False,
                    help="import the submission into this process instead of a worker (trusted code only)")


#: The Hypothesis profile the hidden suites run under (loaded by pytest_configure).
GRADING_PROFILE = "grading"
settings.register_profile(
    GRADING_PROFILE,
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=8,
    print_blob=False,
    report_multiple_bugs=False,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.differing_executors],
)


def pytest_configure(config):
    settings.load_profile(GRADING_PROFILE)
    config.addinivalue_line(
        "markers", "grade(function, points, hint=''): the graded function this test belongs to and its points"
    )
    binding = StudentBinding(config.getoption("--in-process"), config.getoption("--sandbox"))
    config.stash[BINDING] = binding
    if config.getoption("--grader-results"):
        recorder = ResultsRecorder(Path(config.getoption("--grader-results")), binding)
        config.pluginmanager.register(recorder, "grader-results")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """A property whose examples the grader drew once per batch runs on them (grader.grading.replay)."""
    return True if run_replayed(pyfuncitem) else None


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    """A session fixture the grader set up once for the whole batch (grader.grading.shared_fixtures)."""
    return provide(fixturedef, request)


class Named:
    """Delegates attribute access to `target`; its repr is just `name`, so falsifying examples stay short."""

    def __init__(self, target, name: str):
        self._target = target
        self._name = name

    def __getattr__(self, attr):
        return getattr(self._target, attr)

    def __repr__(self) -> str:
        return self._name


class RemoteFunction:
    """One graded function of the submission: calling it runs it in the worker."""

    def __init__(self, client: WorkerClient, name: str):
        self.client = client
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self.client.call(self.__name__, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__} (sandboxed)>"


class StudentProxy:
    """student.<function>(...) for every function of the manifest, run in the worker;
    student.last_call_mutated: positions (and keyword names) of arguments the last call modified;
    student.last_call_changes: the paths changed inside them, e.g. ((0,), (2, "velocity"));
    student.last_call_arguments: (args, kwargs) as the last call left them."""

    def __init__(self, client: WorkerClient, names):
        self._client = client
        for name in names:
            setattr(self, name, RemoteFunction(client, name))

    @property
    def last_call_mutated(self) -> tuple:
        return self._client.last_call_mutated

    @property
    def last_call_changes(self) -> tuple:
        return self._client.last_call_changes

    @property
    def last_call_arguments(self) -> tuple[tuple, dict]:
        return self._client.last_call_arguments


class InProcessStudent:
    """The --in-process binding: the submission's functions imported here, with the same
    last_call_mutated / last_call_changes / last_call_arguments as the sandboxed proxy."""

    def __init__(self, namespace):
        self.last_call_mutated: tuple = ()
        self.last_call_changes: tuple = ()
        self.last_call_arguments: tuple[tuple, dict] = ((), {})
        for name, fn in vars(namespace).items():
            setattr(self, name, self._tracked(fn, name))

    def _tracked(self, fn, name: str):
        """fn with its changes tracked; name: the manifest's name for it (as a worker client sends it)."""

        def call(*args, **kwargs):
            frame_key = call_times.recording_key(name, args, kwargs)
            before_args, before_kwargs = keep(args), keep(kwargs)
            self.last_call_mutated, self.last_call_changes = (), ()
            began = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                if frame_key is not None:
                    call_times.note(frame_key, time.monotonic() - began)
                self.last_call_arguments = (args, kwargs)
                self.last_call_changes = call_changes(before_args, before_kwargs, args, kwargs)
                self.last_call_mutated = top_level(self.last_call_changes)

        call.__name__ = fn.__name__
        return call


class StudentBinding:
    """How this session reaches the submission, and what the results file says about it
    (sandbox: the confinement's name; stdout: the worker's captured output; error: files that
    could not be loaded)."""

    def __init__(self, in_process: bool, level: str):
        self.in_process = in_process
        self.level = level
        self.client: WorkerClient | None = None
        self.sandbox = "in-process (no isolation)" if in_process else ""
        self.stdout = ""
        self.error = ""

    def open(self, folder: Path, assignment: Assignment):
        if self.in_process:
            return InProcessStudent(bind_in_process(folder, assignment, prefix="student"))
        try:
            confinement = probe(self.level)
        except ValueError as exc:  # confine.ConfinementError: the level asked for is not available here
            self.error = str(exc)
            pytest.fail(str(exc), pytrace=False)
        self.sandbox = confinement.name
        self.client = WorkerClient(folder, assignment, confinement=confinement)
        self.client.start()
        self.error = self.client.load_summary()
        return StudentProxy(self.client, [spec.name for spec in assignment.functions])

    def close(self) -> None:
        if self.client is not None:
            self.error = self.client.load_summary()
            self.client.close()
            self.stdout = self.client.output()
            self.client = None


BINDING = pytest.StashKey[StudentBinding]()


@pytest.fixture(scope="session")
def assignment(pytestconfig):
    """The Assignment under test (manifest data and folders)."""
    root = pytestconfig.getoption("--grader-root")
    name = pytestconfig.getoption("--assignment")
    try:
        loaded = load_assignment(name, root) if root else load_assignment(name)
    except ManifestError as exc:
        pytest.fail(str(exc), pytrace=False)
    overrides = pytestconfig.getoption("--grader-limits")
    return replace(loaded, limits=Limits(**json.loads(overrides))) if overrides else loaded


@pytest.fixture(scope="session")
def reference(assignment):
    """The reference functions, imported in this (trusted) process (shown as `reference` in examples)."""
    return Named(bind_in_process(assignment.reference_dir, assignment, prefix="reference"), "reference")


@pytest.fixture(scope="session")
def student(pytestconfig, assignment):
    """The submission's functions, called as student.<function>(...) (shown as `student` in examples)."""
    folder = pytestconfig.getoption("--submission")
    if not folder:
        pytest.fail("no submission given: run pytest with --submission DIR", pytrace=False)
    binding = pytestconfig.stash[BINDING]
    try:
        yield Named(binding.open(Path(folder), assignment), "student")
    finally:
        binding.close()


@pytest.fixture(scope="session")
def base_seed(assignment) -> int:
    """The assignment's seed, mixed into every random draw of its suite (two gradings give the same score)."""
    return assignment.seed


@pytest.fixture(scope="session")
def submission_dir(pytestconfig) -> Path:
    """The submission's folder (--submission), for tests that read source text; never import from it."""
    folder = pytestconfig.getoption("--submission")
    if not folder:
        pytest.fail("no submission given: run pytest with --submission DIR", pytrace=False)
    return Path(folder)


#: How Hypothesis opens the note that shows the smallest failing input (older, newer versions).
EXAMPLE_NOTE_PREFIXES = ("Falsifying example:", "Failing test case:")


def _as_falsifying_example(note: str) -> str:
    """The note under one label, "Falsifying example: ...", whatever Hypothesis version wrote it."""
    for prefix in EXAMPLE_NOTE_PREFIXES:
        if note.startswith(prefix):
            return EXAMPLE_NOTE_PREFIXES[0] + note[len(prefix):]
    return note


#: What a student reads for a check the grader itself could not run (the instructor gets the detail).
GRADER_FAULT_MESSAGE = ("This check could not run because of a fault in the grader, not in your code; "
                        "your instructor has been told.")


def grader_fault(exc: BaseException) -> GraderFault | None:
    """The GraderFault behind a test failure (alone or inside an exception group), else None."""
    if isinstance(exc, GraderFault):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = grader_fault(inner)
        if found is not None:
            return found
    return None


def failure_message(excinfo) -> tuple[str, str]:
    """The teaching message of a failed test and Hypothesis's falsifying example (without test source)."""
    exc = excinfo.value
    notes = [str(n) for n in getattr(exc, "__notes__", ())]
    example = "\n".join(_as_falsifying_example(n) for n in notes if n.startswith(EXAMPLE_NOTE_PREFIXES))
    message = str(exc) or type(exc).__name__
    if not isinstance(exc, (AssertionError, StudentError)):
        message = f"{type(exc).__name__}: {message}"
    return message, example


class ResultsRecorder:
    """Collects one TestResult per test (from its `grade` marker) and writes them as JSON at the end.

    The file holds {"tests": [TestResult dicts], "sandbox": level reached, "stdout": the worker's
    captured output, "error": a submission-level problem or ""}.
    """

    def __init__(self, path: Path, binding: StudentBinding):
        self.path = path
        self.binding = binding
        self.results: dict[str, TestResult] = {}
        self.faults: list[str] = []  # grader faults, for the instructor
        self.started = time.monotonic()

    def pytest_runtest_setup(self, item):
        diagnosis.forget_inputs()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("grade")
        if marker is None:
            return
        failed = report.failed
        if report.when == "call" or (failed and item.nodeid not in self.results):
            points = float(marker.kwargs["points"])
            doc = (getattr(item.obj, "__doc__", None) or item.name).strip().splitlines()[0]
            function = marker.kwargs["function"]
            message, example, cause_id, cause, snippet = "", "", "", "", ""
            fault = grader_fault(call.excinfo.value) if failed and call.excinfo is not None else None
            if fault is not None:
                self.faults.append(f"grader fault in {item.nodeid}: {fault}")
                message = GRADER_FAULT_MESSAGE
            elif failed and call.excinfo is not None:
                message, example = failure_message(call.excinfo)
                cause_id, cause, message = diagnosis.root_cause(message)
                if isinstance(call.excinfo.value, StudentError) and call.excinfo.value.kind == "missing":
                    cause = message.strip().splitlines()[0] if message.strip() else ""
                    cause_id = "unavailable:" + diagnosis.cause_words(cause)
                snippet = diagnosis.reproduction(function) if report.when == "call" else ""
            self.results[item.nodeid] = TestResult(
                name=doc,
                nodeid=item.nodeid,
                function=function,
                score=0.0 if failed else points,
                max_score=points,
                status="failed" if failed else "passed",
                output=message,
                # The hint names the property's likely mistake: a failure before the property ran
                # (a fixture such as a gate) is not that mistake.
                hint=marker.kwargs.get("hint", "") if failed and report.when == "call" and fault is None else "",
                falsifying_example=example,
                root_cause=cause,
                cause_id=cause_id,
                reproduction=snippet,
                duration_s=report.duration,
            )

    def pytest_sessionfinish(self, session):
        data = {
            "tests": [vars(r) for r in self.results.values()],
            "sandbox": self.binding.sandbox,
            "stdout": self.binding.stdout,
            "error": "; ".join(filter(None, [self.binding.error, *dict.fromkeys(self.faults)])),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")


