"""The trusted side on its own: the private copy, exit descriptions, and a WorkerClient facing a
fake worker that answers with wrong, malformed or oversized frames (it must never trust them)."""

import signal
import sys
import textwrap
from pathlib import Path

import pytest

import grader
from grader.assignment import Limits, load_assignment
from grader.sandbox import StudentError, WorkerClient
from grader.sandbox.client import copy_submission, describe_exit

MAX_FILE_BYTES = Limits().file_bytes
from grader.sandbox.confine import probe

ASSIGNMENT = load_assignment("loss_optimization")


def test_the_private_copy_takes_only_regular_top_level_py_files(tmp_path):
    source = tmp_path / "submission"
    (source / "package").mkdir(parents=True)
    (source / "linear_svm.py").write_text("x = 1\n")
    (source / "helpers.py").write_text("y = 2\n")
    (source / "notes.txt").write_text("not code")
    (source / "package" / "inner.py").write_text("z = 3\n")
    (source / "softmax.py").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (source / "optim.py").symlink_to(ASSIGNMENT.reference_dir / "optim.py")
    problems = copy_submission(source, tmp_path / "copy", ASSIGNMENT.files)
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["helpers.py", "linear_svm.py"]
    assert problems == {"softmax.py": "1024 KiB, over the 1024 KiB limit for one file (not graded)",
                        "optim.py": "a symbolic link (not copied)"}


def test_the_private_copy_applies_the_manifest_caps_preparation_applies(tmp_path):
    """One set of caps: a 1.5 MiB file passes a 2 MiB limit here exactly when preparation keeps it."""
    source = tmp_path / "submission"
    source.mkdir()
    (source / "linear_svm.py").write_bytes(b"#" * (1536 * 1024))
    (source / "softmax.py").write_bytes(b"#" * 1024)
    roomy = Limits(file_kb=2048, submission_kb=1536)
    problems = copy_submission(source, tmp_path / "copy", ASSIGNMENT.files, roomy)
    assert (tmp_path / "copy" / "linear_svm.py").stat().st_size == 1536 * 1024
    assert problems["softmax.py"] == "over the 1536 KiB limit for a whole submission (not graded)"
    assert not (tmp_path / "copy" / "softmax.py").exists()


def test_an_unreadable_submission_folder_is_a_problem_for_every_file(tmp_path):
    problems = copy_submission(tmp_path / "nowhere", tmp_path / "copy", ASSIGNMENT.files)
    assert set(problems) == set(ASSIGNMENT.files)
    assert all(p.startswith("the submission folder cannot be read") for p in problems.values())


@pytest.mark.parametrize("returncode, words", [
    (-signal.SIGSEGV, "crashed (signal 11, SIGSEGV)"),
    (128 + signal.SIGSEGV, "crashed (signal 11, SIGSEGV)"),
    (-signal.SIGXCPU, "ran out of CPU time (30 s)"),
    (-signal.SIGKILL, "was killed (SIGKILL: out of memory or CPU time)"),
    (3, "exited with status 3"),
    (None, "stopped answering"),
])
def test_exit_descriptions(returncode, words):
    assert describe_exit(returncode, 30) == words


# A stand-in for the worker: says READY, then answers every CALL with REPLY (protocol bytes).
FAKE = """\
#!{python}
import os, sys, time
sys.path[:0] = [{package!r}]
from grader.sandbox.protocol import MsgType, encode_frame, read_frame
read_fd, write_fd = int(sys.argv[6]), int(sys.argv[7])
print("fake worker started", flush=True)
def read_exact(n):
    data = b""
    while len(data) < n:
        chunk = os.read(read_fd, n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data
os.write(write_fd, encode_frame(MsgType.READY, ((), ("sgd_step",))))
ARGS = encode_frame(MsgType.ARGUMENTS, ((1.0, 1.0, 1.0), ()))
while True:
    read_frame(read_exact)
    {reply}
"""

REPLIES = {
    "result with two items": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0, (7,))) + ARGS)",
    "no arguments after the result": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0,)))",
    "arguments of another call": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0,)) + "
                                 "encode_frame(MsgType.ARGUMENTS, ((1.0,), ())))",
    "a keyword that was not sent": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0,)) + "
                                   "encode_frame(MsgType.ARGUMENTS, ((1.0, 1.0, 1.0), (('x', 1),))))",
    "a result where the arguments belong": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0,)) * 2)",
    "error items not text": "os.write(write_fd, encode_frame(MsgType.ERROR, (1, 2, 3)) + ARGS)",
    "wrong message type": "os.write(write_fd, encode_frame(MsgType.LOADING, ('optim.py',)))",
    "not found without text": "os.write(write_fd, encode_frame(MsgType.NOT_FOUND, ()))",
    "oversized header": "os.write(write_fd, b'GRSB\\x02\\x02\\x00\\x00\\x01\\x00\\x00\\x00' + (2**40).to_bytes(8, 'little'))",
    "random bytes": "os.write(write_fd, os.urandom(64))",
    "half a frame then silence": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0,))[:10]); time.sleep(60)",
    "a result and no arguments, then silence": "os.write(write_fd, encode_frame(MsgType.RESULT, (1.0,))); time.sleep(60)",
}


@pytest.mark.parametrize("behaviour", sorted(REPLIES))
def test_a_misbehaving_worker_fails_the_call_and_is_replaced(tmp_path, behaviour):
    fake = tmp_path / "fake-python"
    package = str(Path(grader.__file__).resolve().parent.parent)
    fake.write_text(textwrap.dedent(FAKE).format(python=sys.executable, package=package, reply=REPLIES[behaviour]))
    fake.chmod(0o755)
    submission = tmp_path / "submission"
    submission.mkdir()
    limits = Limits(call_timeout_s=2.0)
    with WorkerClient(submission, ASSIGNMENT, confinement=probe("1"), limits=limits, python=str(fake)) as client:
        client.start()
        with pytest.raises(StudentError) as info:
            client.call("sgd_step", 1.0, 1.0, 1.0)
        assert info.value.kind in ("crash", "timeout") and "sgd_step" in str(info.value)
        assert client.pid is None  # the worker was killed
        if info.value.kind == "crash":
            with pytest.raises(StudentError):
                client.call("sgd_step", 1.0, 1.0, 1.0)
            assert client.output().count("fake worker started") == 2  # a fresh worker took the call


def test_calling_a_closed_client_is_a_grader_bug(tmp_path):
    client = WorkerClient(tmp_path, ASSIGNMENT, confinement=probe("1"))
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.call("sgd_step", 1.0, 1.0, 1.0)
