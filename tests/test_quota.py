"""The disk quota: what a submission writes in all is bounded at every level, checked by the grader
(grader.sandbox.quota), and one function that floods the disk costs only that function."""

import dataclasses
import os
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from grader.assignment import load_assignment
from grader.sandbox import StudentError, WorkerClient
from grader.sandbox.confine import probe
from grader.sandbox.quota import MIN_ENTRY_BYTES, DiskQuota, QuotaExceeded, disk_usage, written_bytes

ASSIGNMENT = load_assignment("loss_optimization")
LIMITS = dataclasses.replace(ASSIGNMENT.limits, call_timeout_s=10.0, submission_timeout_s=120.0, output_kb=64,
                             disk_kb=2048)
OK_SOFTMAX = (ASSIGNMENT.reference_dir / "softmax.py").read_text()


def test_usage_counts_blocks_and_at_least_one_block_per_entry(tmp_path):
    (tmp_path / "empty").mkdir()
    for i in range(10):
        (tmp_path / "empty" / str(i)).touch()
    (tmp_path / "data.bin").write_bytes(os.urandom(100_000))
    usage = disk_usage(tmp_path, 1 << 40)
    assert usage >= 11 * MIN_ENTRY_BYTES + 100_000
    assert disk_usage(tmp_path, 5 * MIN_ENTRY_BYTES) <= 6 * MIN_ENTRY_BYTES + 100_000  # stops early


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder: nothing can be hidden from it")
def test_a_folder_made_unreadable_counts_as_over_the_quota(tmp_path):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    hidden.chmod(0)
    try:
        with pytest.raises(QuotaExceeded, match="unreadable"):
            disk_usage(tmp_path, 1 << 40)
    finally:
        hidden.chmod(0o700)


def test_the_quota_counts_growth_beyond_the_copied_files(tmp_path):
    (tmp_path / "linear_svm.py").write_bytes(b"#" * 500_000)
    quota = DiskQuota(tmp_path, limit=64 * 1024)
    quota.reset()
    quota.check(None, 0)
    (tmp_path / "more.bin").write_bytes(b"x" * 100_000)
    with pytest.raises(QuotaExceeded, match="64 KiB disk quota into its folder"):
        quota.check(None, 0)


def test_written_bytes_reads_the_kernels_count_of_this_process():
    before = written_bytes(os.getpid())
    if before is None:
        pytest.skip("/proc/PID/io is not readable here")
    with open(os.devnull, "wb") as sink:
        sink.write(b"x" * 10_000)
    assert written_bytes(os.getpid()) >= before + 10_000


@pytest.fixture(scope="module", params=["auto", "1"])
def confinement(request):
    return probe(request.param)


def start(tmp_path: Path, confinement, files: dict) -> WorkerClient:
    folder = tmp_path / "student"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    client = WorkerClient(folder, ASSIGNMENT, confinement=confinement, limits=LIMITS)
    client.start()
    return client


FLOOD = """\
    import os
    import numpy as np

    def svm_loss_naive(W, X, y, reg):
        for i in range(5000):  # 160 MiB if nothing stops it
            with open(f"f{i}.bin", "wb") as handle:
                handle.write(b"x" * 32768)
        return 0.0, np.zeros_like(W)

    def svm_loss_vectorized(W, X, y, reg):
        return float(len(os.listdir("."))), np.zeros_like(W)
    """


def test_a_function_that_floods_the_disk_is_stopped_and_costs_only_itself(tmp_path, confinement):
    client = start(tmp_path, confinement, {"linear_svm.py": FLOOD, "softmax.py": OK_SOFTMAX})
    W, X, y = np.zeros((3, 2)), np.ones((4, 3)), np.array([0, 1, 0, 1])
    try:
        with pytest.raises(StudentError, match="wrote more than the 2 MiB disk quota") as info:
            client.call("svm_loss_naive", W, X, y, 0.0)
        assert info.value.kind == "quota"
        files_left = client.call("svm_loss_vectorized", W, X, y, 0.0)[0]
        assert files_left == len(os.listdir(client.copy_dir)) <= 3  # the folder was reset to the submission
        assert client.call("softmax_loss", W, X, y, 0.0)[0] > 0
        with pytest.raises(StudentError, match="is not called again"):
            client.call("svm_loss_naive", W, X, y, 0.0)
    finally:
        client.close()


def test_a_file_that_floods_the_disk_at_import_costs_only_its_functions(tmp_path, confinement):
    flood = "for i in range(5000):\n    open(f'f{i}.bin', 'wb').write(b'x' * 32768)\n"
    client = start(tmp_path, confinement, {"linear_svm.py": flood, "softmax.py": OK_SOFTMAX})
    try:
        assert client.problems["linear_svm.py"] == "importing it wrote more than the 2 MiB disk quota into its folder"
        W, X, y = np.zeros((3, 2)), np.ones((4, 3)), np.array([0, 1, 0, 1])
        assert client.call("softmax_loss", W, X, y, 0.0)[0] > 0
    finally:
        client.close()


def test_at_level_1_writes_outside_the_copy_count_too(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    code = f"""\
    import numpy as np

    def svm_loss_naive(W, X, y, reg):
        for i in range(5000):
            with open({str(outside)!r} + f"/f{{i % 20}}.bin", "wb") as handle:  # rewrites 20 files
                handle.write(b"x" * 32768)
        return 0.0, np.zeros_like(W)
    """
    client = start(tmp_path, probe("1"), {"linear_svm.py": code})
    try:
        if written_bytes(client.pid) is None:
            pytest.skip("/proc/PID/io of the worker is not readable here")
        with pytest.raises(StudentError, match="wrote more than the 2 MiB disk quota"):
            client.call("svm_loss_naive", np.zeros((3, 2)), np.ones((4, 3)), np.array([0, 1, 0, 1]), 0.0)
    finally:
        client.close()


BACKGROUND = """\
    import os
    import threading
    import time
    import numpy as np

    def fill():
        for i in range(100_000):
            with open(f"bg{i}.bin", "wb") as handle:
                handle.write(b"x" * 4096)
            time.sleep(0.001)

    threading.Thread(target=fill, daemon=True).start()

    def svm_loss_naive(W, X, y, reg):
        return 0.0, np.zeros_like(W)
    """


def wait_until_stopped(pgid: int, seconds: float = 30.0) -> None:
    """Wait until every thread of every process in process group pgid is stopped (state T)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                    continue
                states += [Path(t, "stat").read_text().rsplit(")", 1)[1].split()[0]
                           for t in Path(f"/proc/{pid}/task").iterdir()]
            except (OSError, IndexError, ValueError):
                continue
        if states and all(state == "T" for state in states):
            return
        time.sleep(0.01)
    raise AssertionError(f"process group {pgid} was not stopped between calls")


def test_a_thread_left_running_writes_nothing_between_calls(tmp_path, confinement):
    client = start(tmp_path, confinement, {"linear_svm.py": BACKGROUND})
    W, X, y = np.zeros((3, 2)), np.ones((4, 3)), np.array([0, 1, 0, 1])
    try:
        client.call("svm_loss_naive", W, X, y, 0.0)
        wait_until_stopped(client.pid)  # SIGSTOP lands once the write in flight, if any, returns
        between = disk_usage(client.copy_dir, 1 << 40)
        time.sleep(1.0)  # the grader is busy elsewhere: the worker's process group is stopped
        assert disk_usage(client.copy_dir, 1 << 40) == between
    finally:
        client.close()
