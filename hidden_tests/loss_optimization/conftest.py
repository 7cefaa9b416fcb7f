"""Settings shared by the loss_optimization hidden suite: a deterministic Hypothesis profile and the seed.

Not the pytest rootdir conftest: it only configures this folder's tests (no pytest_plugins here; the
grader's fixtures come from `-p grader.pytest_plugin`).
"""

import pytest
from hypothesis import HealthCheck, Phase, settings
from prop_gate import does_no_work, ignores_its_input
from prop_timing import reference_loop_seconds as measure_reference_loop

settings.register_profile(
    "grading",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=8,
    print_blob=False,
    report_multiple_bugs=False,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.differing_executors],
)
settings.load_profile("grading")


@pytest.fixture(scope="session")
def base_seed(assignment) -> int:
    """The assignment's seed, mixed into every problem's random draw (two gradings give the same score)."""
    return assignment.seed


class Named:
    """Delegates attribute access to `target`; its repr is just `name`, so falsifying examples stay short."""

    def __init__(self, target, name: str):
        self._target = target
        self._name = name

    def __getattr__(self, attr):
        return getattr(self._target, attr)

    def __repr__(self) -> str:
        return self._name


@pytest.fixture(scope="session")
def student(student):
    """The plugin's `student` (same calls), shown as `student` in Hypothesis's falsifying examples."""
    return Named(student, "student")


@pytest.fixture(scope="session")
def reference(reference):
    """The plugin's `reference` (same calls), shown as `reference` in Hypothesis's falsifying examples."""
    return Named(reference, "reference")


@pytest.fixture(scope="session")
def reference_loop_seconds(reference, base_seed) -> float:
    """The reference loop's best wall time at the speed property's size (s): measured once, shared by every test."""
    return measure_reference_loop(reference.svm_loss_naive, base_seed)


@pytest.fixture(scope="session")
def inert_functions() -> dict[str, str]:
    """Per graded function, why it ignores its input ("" when it does not): probed once, then reused."""
    return {}


@pytest.fixture
def does_real_work(request, student, base_seed, inert_functions):
    """Fail a test (before Hypothesis runs) when its graded function's output ignores its input.

    Use on properties a constant function satisfies vacuously: @pytest.mark.usefixtures("does_real_work").
    """
    function = request.node.get_closest_marker("grade").kwargs["function"]
    if function not in inert_functions:
        inert_functions[function] = ignores_its_input(student, function, base_seed)
    if inert_functions[function]:
        raise AssertionError(inert_functions[function])


@pytest.fixture
def does_real_work_or_fails(request, student, base_seed, inert_functions):
    """does_real_work for properties that do not judge the function's values (no loops, speed): there a function
    that raises on the gate's ordinary problem (an unwritten stub) does no work either."""
    function = request.node.get_closest_marker("grade").kwargs["function"]
    key = function + " (strict)"
    if key not in inert_functions:
        inert_functions[key] = does_no_work(student, function, base_seed)
    if inert_functions[key]:
        raise AssertionError(inert_functions[key])
