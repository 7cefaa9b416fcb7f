"""The loss_optimization hidden suite's own fixtures: the reference loop's timing and the gates against
functions that ignore their input.

Not the pytest rootdir conftest: it only configures this folder's tests (no pytest_plugins here). The
Hypothesis profile and the `student`, `reference`, `assignment` and `base_seed` fixtures come from
`-p grader.pytest_plugin`.
"""

import pytest
from prop_gate import does_no_work, ignores_its_input
from prop_timing import reference_loop_seconds as measure_reference_loop


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
