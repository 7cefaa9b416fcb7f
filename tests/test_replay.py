"""grader.grading.replay on small stand-in properties: the examples drawn are the ones Hypothesis
gives the test, a passing replay runs no search, and a failure is Hypothesis's own (smallest example)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.grading import replay

PROFILE = settings(derandomize=True, database=None, max_examples=8, deadline=None)


class Item:
    """The parts of a pytest item run_replayed reads."""

    def __init__(self, obj, **fixtures):
        self.obj = obj
        self.funcargs = fixtures
        self._fixtureinfo = type("Info", (), {"argnames": tuple(fixtures)})()


def test_recorded_examples_are_the_ones_hypothesis_gives_the_test():
    seen = []

    @PROFILE
    @given(x=st.integers(0, 1000), ys=st.lists(st.floats(allow_nan=False), max_size=3))
    def prop(sink, x, ys):
        sink.append({"x": x, "ys": ys})

    assert replay.record(prop)
    prop(seen)
    assert getattr(prop, replay.EXAMPLES_ATTR) == seen and len(seen) == 8


def test_a_passing_replay_calls_the_body_on_each_example_and_no_search():
    calls = []

    @PROFILE
    @given(x=st.integers(0, 1000))
    def prop(sink, x):
        sink.append(x)

    assert replay.record(prop)
    assert replay.run_replayed(Item(prop, sink=calls))
    assert calls == [e["x"] for e in getattr(prop, replay.EXAMPLES_ATTR)]
    replay.forget(prop)
    assert not replay.run_replayed(Item(prop, sink=calls))


def test_a_failing_replay_raises_hypothesis_smallest_example():
    @PROFILE
    @given(x=st.integers(0, 1000))
    def prop(sink, x):
        assert x < 10, "too big"

    assert replay.record(prop)
    with pytest.raises(AssertionError, match="too big") as caught:
        replay.run_replayed(Item(prop, sink=None))
    assert any("x=10" in note for note in getattr(caught.value, "__notes__", []))


def test_a_function_that_answers_differently_when_asked_again_still_fails():
    asked = []

    @PROFILE
    @given(x=st.integers(0, 1000))
    def prop(sink, x):
        sink.append(x)
        assert len(sink) > 1, "wrong the first time only"

    assert replay.record(prop)
    with pytest.raises(AssertionError, match="wrong the first time only") as caught:
        replay.run_replayed(Item(prop, sink=asked))
    assert any(note.startswith("Falsifying example: prop(") for note in caught.value.__notes__)


def test_explicit_examples_are_never_replayed():
    from hypothesis import example

    @PROFILE
    @given(x=st.integers())
    @example(x=5)
    def prop(x):
        pass

    assert not replay.record(prop)
