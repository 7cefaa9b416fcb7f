"""Gradings that several test files check, each done once per run (run_once.once: under pytest-xdist
the first worker that needs one grades it, the others read its stored result)."""

from pathlib import Path

import pytest
from corpus import grade_corpus
from demo_class import grade_demo_class
from run_once import once


@pytest.fixture(scope="session")
def corpus_grading(tmp_path_factory):
    """corpus_grading(name) -> corpus.CorpusGrading: assignment `name`'s corpus graded both ways, once."""
    graded = {}

    def of(name: str):
        if name not in graded:
            graded[name] = once(tmp_path_factory, f"corpus-{name}", lambda folder: grade_corpus(name, folder))
        return graded[name]

    return of


@pytest.fixture(scope="session")
def demo_class(tmp_path_factory):
    """(CompletedProcess, reports folder) of demo_class.grade_demo_class, run once."""

    def grade(folder: Path):
        out = folder / "reports"
        return grade_demo_class(out), out

    return once(tmp_path_factory, "demo-class", grade)
