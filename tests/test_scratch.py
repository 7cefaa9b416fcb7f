"""Temporary folders survive a SIGKILL of the grader only until the next run: it removes what a dead
batch left (its lock is free) and never touches a live run's folders (their lock is held)."""

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from limited_root import root_with_limits

from grader.assignment import load_assignment
from grader.sandbox.scratch import LOCK_NAME, Scratch, clean_stale, stale_folders

REPO = Path(__file__).resolve().parent.parent

OWNER = """\
import sys, time
from pathlib import Path
from grader.sandbox.scratch import Scratch
scratch = Scratch("owner-", Path(sys.argv[1]))
(scratch.path / "copy").mkdir()
(scratch.path / "copy" / "code.py").write_text("x = 1")
print(scratch.path, flush=True)
time.sleep(600)
"""


def start_owner(parent: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen([sys.executable, "-c", OWNER, str(parent)], stdout=subprocess.PIPE, text=True)
    return proc, Path(proc.stdout.readline().strip())


def test_a_dead_owners_folder_is_removed_and_a_live_ones_kept(tmp_path):
    live, live_folder = start_owner(tmp_path)
    dead, dead_folder = start_owner(tmp_path)
    try:
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        (dead_folder / "copy").chmod(0)  # a worker made its copy unreadable: still removed
        mine = Scratch("mine-", tmp_path)
        unlocked = tmp_path / "grader-no-lock"  # being created, or not the grader's: left alone
        unlocked.mkdir()
        (tmp_path / "grader-link").symlink_to(live_folder)
        assert stale_folders(tmp_path) == [dead_folder]
        assert clean_stale(tmp_path) == [dead_folder]
        assert not dead_folder.exists()
        assert (live_folder / "copy" / "code.py").exists() and (live_folder / LOCK_NAME).exists()
        assert mine.path.exists() and unlocked.exists() and (tmp_path / "grader-link").is_symlink()
        mine.remove()
        assert not mine.path.exists()
    finally:
        live.kill()
        live.wait()
    assert clean_stale(tmp_path) == [live_folder]


def grader_folders(tmp: Path) -> set[Path]:
    return {p for p in tmp.iterdir() if p.name.startswith("grader-")}


def wait_for(condition, seconds: float = 120.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader's children die with it on Linux only")
def test_after_a_sigkill_of_the_grader_the_next_run_cleans_up_and_spares_a_live_run(tmp_path):
    assignment = load_assignment("loss_optimization")
    # Calibrated deadlines off: the hanging call must keep its batch in flight for the whole call timeout.
    root = root_with_limits(assignment, dataclasses.replace(assignment.limits, reference_time_factor=0.0), tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "OPENBLAS_NUM_THREADS": "1"}
    batches = {}
    for name in ("killed", "live", "quick"):
        folder = tmp_path / f"submissions-{name}" / "student"
        shutil.copytree(assignment.reference_dir, folder, ignore=shutil.ignore_patterns("__pycache__"))
        if name != "quick":  # a call that hangs keeps the batch (and its worker's copy) in flight
            (folder / "optim.py").write_text("import time\n\ndef sgd_step(W, dW, learning_rate):\n"
                                            "    time.sleep(600)\n")
        batches[name] = folder.parent

    def grade(name: str) -> subprocess.Popen:
        quiet = [] if name == "live" else ["--quiet"]  # the live run's progress says what it removed
        with open(tmp_path / f"{name}.err", "wb") as err:
            return subprocess.Popen([sys.executable, "-c", "from grader.cli import main; main()", "grade",
                                     str(batches[name]), "-o", str(tmp_path / f"out-{name}"), "--assignment",
                                     assignment.name, "--root", str(root), *quiet], env=env,
                                    cwd=REPO, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)

    def in_flight(before: set[Path]):
        new = grader_folders(tmp) - before
        workers = [p for p in new if p.name.startswith("grader-worker-") and (p / "submission").is_dir()]
        # The student's own copy in the batch folder: the batch's reference run (and its worker) is over.
        batch = [p for p in new if p.name.startswith("grader-batch-") and any(p.glob("student-*"))]
        return new if workers and batch else None

    killed = grade("killed")
    killed_folders = wait_for(lambda: in_flight(set()))
    os.kill(killed.pid, signal.SIGKILL)  # no cleanup runs; its children die with it
    killed.wait()
    time.sleep(1.0)
    assert all(p.exists() for p in killed_folders), "the killed run's copies should still be there"
    live = grade("live")
    try:
        live_folders = wait_for(lambda: in_flight(killed_folders))
        quick = grade("quick")
        assert quick.wait(timeout=300) == 0
        assert (tmp_path / "out-quick" / "results" / "student.json").exists()
        assert not any(p.exists() for p in killed_folders), "the dead batch's folders were not removed"
        assert all(p.exists() for p in live_folders), "a live batch's folders were touched"
    finally:
        os.killpg(live.pid, signal.SIGKILL)
        live.wait()
    said = (tmp_path / "live.err").read_text()
    assert f"removed {len(killed_folders)} temporary folder(s) left by a grader run that was killed" in said, said
