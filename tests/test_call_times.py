"""Deadlines calibrated on the reference (grader.sandbox.call_times): a call the reference made in the
batch's reference run may take a multiple of the reference's time (at least a floor), any other call the
full call timeout; in a batch, a hanging function is stopped at the floor instead of using up its share."""

from __future__ import annotations

import dataclasses
import json
import time
import types

import numpy as np
import pytest
import test_grading as grading

from grader.assignment import load_assignment
from grader.grading.batch import grade_batch
from grader.sandbox import StudentError, WorkerClient, call_times
from grader.sandbox.confine import probe
from grader.submissions import discover

ASSIGNMENT = load_assignment("loss_optimization")
#: Fast to test: the floor and the call timeout far enough apart that the two outcomes cannot be confused.
LIMITS = dataclasses.replace(ASSIGNMENT.limits, call_timeout_s=30.0, submission_timeout_s=200.0,
                             reference_time_floor_s=0.5, reference_time_factor=1000.0)
SLOW_SGD = "import time\n\ndef sgd_step(w, dw, config=None):\n    time.sleep(1.5)\n    return w - 0.01 * dw, config\n"


@pytest.mark.parametrize("reference_s, factor, floor_s, timeout_s, allowed", [
    (0.0003, 1000, 2.0, 20.0, 2.0),      # the floor
    (0.0031, 1000, 2.0, 20.0, 5.0),      # 3.1 s rounded up to 5
    (0.0019, 1000, 2.0, 20.0, 2.0),      # 1.9 s rounded up to 2
    (0.0101, 1000, 2.0, 20.0, 20.0),     # 10.1 s rounded up to 20 (the timeout caps it)
    (0.5, 1000, 2.0, 20.0, 20.0),        # never past the call timeout
    (0.0003, 0, 2.0, 20.0, 20.0),        # factor 0: calibration off
])
def test_allowed_seconds(reference_s, factor, floor_s, timeout_s, allowed):
    assert call_times.allowed_s(reference_s, factor, floor_s, timeout_s) == allowed


def test_two_close_measurements_give_the_same_deadline():
    assert {call_times.allowed_s(t, 1000, 0.1, 60.0) for t in (0.00231, 0.00262, 0.00307, 0.00498)} == {5.0}


@pytest.fixture
def table():
    """The process's table, emptied again after the test."""
    yield
    call_times.install({})
    call_times._RECORDING.clear()


def calls(tmp_path, source: str, *inputs) -> list:
    """sgd_step(w, 1.0) for each w in inputs in one worker: its value, or the StudentError."""
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    (folder / "optim.py").write_text(source)
    outcomes = []
    with WorkerClient(folder, ASSIGNMENT, confinement=probe("1"), limits=LIMITS) as client:
        for w in inputs:
            try:
                outcomes.append(client.call("sgd_step", w, 1.0))
            except StudentError as exc:
                outcomes.append(exc)
    return outcomes


def reference_times(*inputs, sleep_s: float = 0.0) -> dict[bytes, float]:
    """What the batch's reference run records (the reference bound in-process) for sgd_step(w, 1.0), each w."""
    from grader.pytest_plugin import InProcessStudent

    def sgd_step(w, dw, config=None):
        if sleep_s:
            time.sleep(sleep_s)
        return w - 0.01 * dw, config

    recorded = call_times.recording()
    reference = InProcessStudent(types.SimpleNamespace(sgd_step=sgd_step))
    for w in inputs:
        reference.sgd_step(w, 1.0)
    call_times._RECORDING.clear()
    return dict(recorded)


def test_recording_notes_each_call_under_the_digest_of_its_frame(table):
    recorded = reference_times(np.ones(3), np.ones(3), np.zeros(3), sleep_s=0.2)
    assert len(recorded) == 2  # the same call twice is one entry (its longest time)
    assert all(0.2 <= s < 10 for s in recorded.values())


def test_a_call_the_reference_made_gets_its_calibrated_deadline_and_others_the_call_timeout(tmp_path, table):
    # The keys as recorded, a time fixed far under the floor (a loaded machine must not move the deadline).
    call_times.install(dict.fromkeys(reference_times(np.ones(3)), 1e-6))
    began = time.monotonic()
    slow, other = calls(tmp_path, SLOW_SGD, np.ones(3), np.zeros(3))
    assert isinstance(slow, StudentError) and slow.kind == "timeout"
    assert str(slow) == ("sgd_step did not return within 0.5 s (a call may take 1000x the reference's time on "
                         "the same input, at least 0.5 s)")
    assert isinstance(other, StudentError) and other.kind == "timeout"  # the breaker: sgd_step is not called again
    assert time.monotonic() - began < 25


def test_a_slow_call_on_an_input_the_reference_never_saw_keeps_the_call_timeout(tmp_path, table):
    call_times.install(reference_times(np.ones(3)))
    (value, config), = calls(tmp_path, SLOW_SGD, np.zeros(3))
    assert np.allclose(value, -0.01) and config is None


HANGS = "def sgd_step(w, dw, config=None):\n    while True:\n        pass\n"


def test_in_a_batch_a_hanging_function_is_stopped_at_the_floor_and_the_rest_is_graded(tmp_path):
    """The batch's reference run calibrates: sgd_step hangs on the suite's first input, and is stopped after
    the floor (2 s), not after its share of the submission's time (a quarter of 200 s)."""
    assignment = load_assignment("loss_optimization", grading.mini_root(tmp_path))
    assignment = dataclasses.replace(assignment, limits=dataclasses.replace(assignment.limits,
                                                                            submission_timeout_s=200.0))
    grading.reference_copy(tmp_path / "subs" / "hangs")
    (tmp_path / "subs" / "hangs" / "optim.py").write_text(HANGS)
    began = time.monotonic()
    result, = grade_batch(discover(tmp_path / "subs").entries, assignment, tmp_path / "out", force=True)
    assert time.monotonic() - began < 40
    sgd = [t for t in result.tests if t.function == "sgd_step"]
    assert sgd and all(not t.passed for t in sgd)
    assert any(t.output.startswith("sgd_step did not return within 2 s (a call may take 1000x") for t in sgd)
    others = [t for t in result.tests if t.function != "sgd_step"]
    assert others and all(t.passed for t in others)
    stored = json.loads((tmp_path / "out" / "results" / "hangs.json").read_text())
    assert stored["score"] == result.score


def test_a_call_recorded_in_process_has_the_key_the_worker_client_uses(tmp_path, table):
    """The batch's reference run binds the reference in-process: its calls must be keyed exactly as the
    worker client keys the same call from a student."""
    from grader.pytest_plugin import InProcessStudent

    recorded = call_times.recording()
    reference = InProcessStudent(types.SimpleNamespace(sgd_step=lambda w, dw, config=None: (w - 0.01 * dw, config)))
    reference.sgd_step(np.ones(3), 1.0)
    reference.sgd_step(np.zeros(3), dw=1.0)  # another call (a keyword): another key
    assert len(recorded) == 2
    call_times._RECORDING.clear()
    call_times.install(dict.fromkeys(recorded, 1e-6))  # the keys as recorded; a time the load cannot move
    slow, = calls(tmp_path, SLOW_SGD, np.ones(3))
    assert isinstance(slow, StudentError) and "within 0.5 s" in str(slow)
