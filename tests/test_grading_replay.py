"""The fast path (each property's examples drawn once per batch and replayed, Hypothesis's search only
for a property a submission fails) gives exactly the plain path's results: on the demo class and on
every corpus entry (mutants, correct variants, the reference, do-nothing functions), the same tests
pass and fail with the same messages, hints and smallest falsifying examples, and the same scores."""

import re

import pytest
from corpus import make_submission
from test_grading import EXAMPLES
from test_hidden_suite_corpus import CORPORA, NAMES, REFERENCE

from grader.assignment import load_assignment
from grader.grading import GradeOptions, grade_batch
from grader.submissions import discover

pytestmark = pytest.mark.slow

#: Tests that measure wall time: machine load can move them between two runs, so they are left out.
TIMED = re.compile(r"faster than", re.IGNORECASE)


def verdicts(result) -> dict:
    """Everything a student reads about each untimed test, and the points of the untimed tests."""
    tests = {t.nodeid: (t.status, t.score, t.output, t.hint, t.falsifying_example)
             for t in result.tests if not TIMED.search(t.name)}
    points = round(sum(t.score for t in result.tests if not TIMED.search(t.name)), 6)
    return {"tests": tests, "points": points, "error": result.error}


def both_ways(submissions, out, options=None, name="loss_optimization"):
    options = options or GradeOptions()
    assignment = load_assignment(name)
    entries = discover(submissions).entries
    fast = grade_batch(entries, assignment, out / "fast", jobs=2, options=options)
    plain = grade_batch(entries, assignment, out / "plain", jobs=2,
                        options=GradeOptions(options.timeout_s, options.memory_mb, options.sandbox, replay=False))
    return {r.student: r for r in fast}, {r.student: r for r in plain}


def test_the_demo_class_gets_the_same_results_both_ways(tmp_path):
    fast, plain = both_ways(EXAMPLES, tmp_path, GradeOptions(timeout_s=60))
    assert list(fast) == list(plain) and len(fast) >= 5
    for student in fast:
        assert verdicts(fast[student]) == verdicts(plain[student]), student
    assert any(t.falsifying_example for r in fast.values() for t in r.tests)  # failures were compared too


@pytest.mark.parametrize("name", NAMES)
def test_every_corpus_entry_gets_the_same_results_both_ways(tmp_path, name):
    assignment, corpus = load_assignment(name), CORPORA[name]
    MUTANTS, VARIANTS = corpus.MUTANTS, corpus.VARIANTS
    for entry in [REFERENCE, corpus.DO_NOTHING, *MUTANTS, *VARIANTS]:
        make_submission(tmp_path / "submissions" / entry.name, assignment, entry.patches)
    fast, plain = both_ways(tmp_path / "submissions", tmp_path, name=name)
    assert len(fast) == 2 + len(MUTANTS) + len(VARIANTS)
    different = [name for name in fast if verdicts(fast[name]) != verdicts(plain[name])]
    assert different == []
    failed = [t for r in fast.values() for t in r.tests if not t.passed and t.falsifying_example]
    assert len(failed) >= len(MUTANTS) // 2  # the smallest failing examples were compared, not just passes
