"""A computation done once per test run, whichever test process asks first.

Under pytest-xdist every worker is its own process with its own session fixtures, so a grading that
tests on both workers read would be done once per worker. `once` does it once for the whole run: the
first process that needs it computes under a file lock in the run's shared temporary folder and
stores the result; any other waits for the lock and reads it. Without xdist (`make test
TEST_JOBS=0`) the folder is the session's own and the lock is uncontended.
"""

import fcntl
import os
import pickle
import traceback
from pathlib import Path


def shared_folder(tmp_path_factory) -> Path:
    """The temporary folder every test process of this run sees: the workers' common parent under
    xdist, the session's base folder otherwise."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory, key: str, compute):
    """compute(folder) run once in this run for `key` (in shared_folder/key), its picklable value
    stored beside it; every later call, in any test process, returns the stored value (or raises
    again the error compute raised, without computing again)."""
    shared = shared_folder(tmp_path_factory)
    stored = shared / f"{key}.pickle"
    with open(shared / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not stored.exists():
            (shared / key).mkdir(exist_ok=True)
            try:
                value = ("value", compute(shared / key))
            except Exception:  # noqa: BLE001 (stored: the other tests fail with it instead of redoing it)
                value = ("error", traceback.format_exc())
            partial = stored.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(value))
            partial.rename(stored)
        kind, value = pickle.loads(stored.read_bytes())
    if kind == "error":
        raise RuntimeError(f"the shared grading {key!r} failed:\n{value}")
    return value
