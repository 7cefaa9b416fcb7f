"""Gradings that several test files check, each done once per test process.

Tests that read one of these gradings carry the same xdist_group mark (corpus.corpus_group,
demo_class.DEMO_CLASS); with `--dist loadgroup` (the Makefile's `make test`) pytest-xdist sends a whole group
to one worker, so each grading runs once in the whole session, and with `-n 0` once as well.
"""

import pytest
from corpus import CorpusGrading, grade_corpus
from demo_class import grade_demo_class


@pytest.fixture(scope="session")
def corpus_grading(tmp_path_factory):
    """corpus_grading(name) -> CorpusGrading: assignment `name`'s corpus graded both ways (the first
    call grades, later calls in this process return the same results)."""
    graded: dict[str, CorpusGrading] = {}

    def of(name: str) -> CorpusGrading:
        if name not in graded:
            graded[name] = grade_corpus(name, tmp_path_factory.mktemp(f"corpus-{name}"))
        return graded[name]

    return of


@pytest.fixture(scope="session")
def demo_class(tmp_path_factory):
    """(CompletedProcess, reports folder) of demo_class.grade_demo_class, run once; the tests that read it
    are in the demo_class.DEMO_CLASS group."""
    out = tmp_path_factory.mktemp("examples") / "reports"
    return grade_demo_class(out), out
