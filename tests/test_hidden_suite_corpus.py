"""Every assignment's hidden suite is sharp and fair: every corpus mutant loses points on its function only,
every correct variant, and the reference, get full marks, and the untouched stubs and a do-nothing submission
get zero. Each entry is graded through the real contract (grade_batch: a pytest child with the grader plugin
and --grader-results per submission) on the plain path, Hypothesis's search for every submission; the same
grading serves tests/test_grading_replay.py (conftest.corpus_grading). The corpus of assignment NAME is
the package tests/corpus/NAME."""

import pytest
from corpus import REFERENCE, STUBS, Outcome, corpus_of

from grader.assignment import assignment_names, load_assignment

pytestmark = pytest.mark.slow

NAMES = assignment_names()
CORPORA = {name: corpus_of(name) for name in NAMES}


def pairs(kind: str):
    """pytest params (assignment, entry) for every entry of `kind` (MUTANTS or VARIANTS) of every corpus."""
    return [pytest.param(name, entry, id=f"{name}-{entry.name}")
            for name, corpus in CORPORA.items() for entry in getattr(corpus, kind)]


@pytest.fixture
def outcomes(corpus_grading):
    """outcomes(name) -> {entry name: SubmissionResult}: one assignment's corpus, the reference and the
    stubs, graded once on the plain path."""
    return lambda name: corpus_grading(name).plain


def graded(outcomes, name):
    """The outcome and per-function scores of one entry, failing the test if its grading did not run
    (crashed, timed out, could not bind the submission: an error and no tests)."""
    result = outcomes[name]
    assert result.error == "" and result.tests, f"{name}: {result.error}"
    outcome = Outcome(result.to_json())
    return outcome, outcome.scores()


def test_every_assignment_has_a_corpus():
    assert set(NAMES) >= {"loss_optimization", "optimization"}
    for name in NAMES:
        assert hasattr(CORPORA[name], "MUTANTS") and hasattr(CORPORA[name], "VARIANTS"), name


@pytest.mark.parametrize("name", NAMES)
def test_corpus_is_large_and_single_bug(name):
    corpus = CORPORA[name]
    assert len(corpus.MUTANTS) >= 30 and len(corpus.VARIANTS) >= 8
    entries = [*corpus.MUTANTS, *corpus.VARIANTS]
    names = {e.name for e in entries} | {REFERENCE.name, corpus.DO_NOTHING.name, STUBS}
    assert len(names) == len(entries) + 3  # each entry is graded in a folder of its own name
    functions = {f.name for f in load_assignment(name).functions}
    for entry in corpus.MUTANTS:
        assert len(entry.patches) == 1 and tuple(entry.patches) == entry.loses, entry.name
        assert set(entry.patches) <= functions, entry.name
    assert all(not entry.loses for entry in corpus.VARIANTS)
    assert {fn for e in corpus.MUTANTS for fn in e.loses} == functions, "every function has mutants"


@pytest.mark.parametrize("name", NAMES)
def test_reference_gets_full_marks_and_points_match_manifest(outcomes, name):
    outcome, scores = graded(outcomes(name), REFERENCE.name)
    assert outcome.failures() == []
    assert scores == {f.name: (f.points, f.points) for f in load_assignment(name).functions}


@pytest.mark.parametrize("name", NAMES)
def test_stubs_get_zero(outcomes, name):
    _, scores = graded(outcomes(name), STUBS)
    assert {fn: score for fn, (score, _) in scores.items()} == {f.name: 0.0 for f in load_assignment(name).functions}


@pytest.mark.parametrize("name", NAMES)
def test_functions_that_ignore_their_input_get_zero(outcomes, name):
    outcome, scores = graded(outcomes(name), "do_nothing")
    assert {fn: score for fn, (score, _) in scores.items()} == {f.name: 0.0 for f in load_assignment(name).functions}
    gate = getattr(CORPORA[name], "GATE_MESSAGE", None)
    if gate:  # a suite that gates vacuous properties: the gate's failures carry no property hint
        gated = [t for t in outcome.results["tests"] if gate in t["output"]]
        assert gated and all(t["hint"] == "" for t in gated)


@pytest.mark.parametrize(("name", "entry"), pairs("MUTANTS"))
def test_mutant_loses_points_on_its_function_only(outcomes, name, entry):
    outcome, scores = graded(outcomes(name), entry.name)
    for function, (score, top) in scores.items():
        if function in entry.loses:
            assert score < top, f"{entry.name} ({entry.why}) kept full marks on {function}"
        else:
            assert score == top, f"{entry.name} lost points on {function}: {outcome.failures(function)}"


def node_name(test: dict) -> str:
    return test["nodeid"].split("::")[-1].split("[")[0]


def mutants_named(attribute: str, keep):
    """pytest params (assignment, mutant) for mutants kept by keep(mutant, corpus) in corpora declaring
    `attribute` (a suite with loop-free points declares which of its mutants loop or raise)."""
    return [pytest.param(name, m, id=f"{name}-{m.name}") for name, corpus in CORPORA.items()
            if hasattr(corpus, attribute) for m in corpus.MUTANTS if keep(m, corpus)]


@pytest.mark.parametrize(("name", "entry"), mutants_named(
    "LOOPING", lambda m, c: m.loses == (c.LOOP_FREE_FUNCTION,) and m.name not in c.LOOPING | c.RAISING))
def test_loop_free_mutants_keep_their_loop_free_points(outcomes, name, entry):
    """A property's points are lost only for what it checks: wrong values cost the value properties only."""
    outcome, _ = graded(outcomes(name), entry.name)
    [loop_free] = [t for t in outcome.results["tests"] if node_name(t) == CORPORA[name].LOOP_FREE_TEST]
    assert loop_free["status"] == "passed", loop_free["output"]


@pytest.mark.parametrize(("name", "entry"), mutants_named("LOOPING", lambda m, c: m.name in c.LOOPING))
def test_looping_mutants_lose_the_loop_free_points_only(outcomes, name, entry):
    """Correct values computed by a loop: every untimed property passes but the loop check."""
    outcome, _ = graded(outcomes(name), entry.name)
    failed = {node_name(t) for t in outcome.results["tests"] if t["status"] != "passed"}
    assert failed - CORPORA[name].TIMED_TESTS == {CORPORA[name].LOOP_FREE_TEST}


@pytest.mark.parametrize(("name", "entry"), pairs("VARIANTS"))
def test_correct_variant_gets_full_marks(outcomes, name, entry):
    outcome, scores = graded(outcomes(name), entry.name)
    assert outcome.failures() == [], f"{entry.name} ({entry.why}) lost points"
    assert all(score == top for score, top in scores.values())


@pytest.mark.parametrize(("name", "entry"), pairs("MUTANTS"))
def test_mutant_failures_teach(outcomes, name, entry):
    """Each failure a student reads has a message, a hint and (for properties) the smallest failing input."""
    outcome, _ = graded(outcomes(name), entry.name)
    for test in outcome.results["tests"]:
        if test["status"] == "passed":
            continue
        assert test["output"].strip(), test["nodeid"]
        gate = getattr(CORPORA[name], "GATE_MESSAGE", None)  # a gate's failure carries no property hint
        assert test["hint"].strip() or (gate and gate in test["output"]), test["nodeid"]
        assert "hidden_tests" not in test["output"] and "def test_" not in test["output"], test["nodeid"]
        if test["nodeid"].split("::")[-1].split("[")[0] not in CORPORA[name].NOT_PROPERTIES:
            assert test["falsifying_example"].startswith("Falsifying example"), test["nodeid"]
