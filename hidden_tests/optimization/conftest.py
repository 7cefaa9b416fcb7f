"""Settings shared by the optimization hidden suite: a deterministic Hypothesis profile, the seed, and
short names for the fixtures in falsifying examples.

Not the pytest rootdir conftest: it only configures this folder's tests (the grader's fixtures come from
`-p grader.pytest_plugin`).
"""

import pytest
from hypothesis import HealthCheck, Phase, settings

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
    """The assignment's seed, mixed into every random draw (two gradings give the same score)."""
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
