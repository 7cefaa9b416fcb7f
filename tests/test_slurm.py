"""The Slurm templates for real: a one-node cluster on localhost (munged, slurmctld, slurmd, config in a
temporary folder) grades the demo class as a 3-task job array with a dependent merge job, and the
merged reports equal grading the class at once (the shared grading of conftest's `demo_class`, same
options). Installs Debian's slurm-wlm and munge when missing (root with apt-get); skips, saying why,
when it cannot."""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from demo_class import DEMO_ARGS
from test_cli_grade import GRADER
from test_grading import EXAMPLES

from grader.merge import grading_signature
from grader.results import SubmissionResult

pytestmark = pytest.mark.slow

TEMPLATES = Path(__file__).resolve().parent.parent / "ci_templates" / "instructor" / "slurm"
DAEMONS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo")
TIMED = re.compile(r"faster than", re.IGNORECASE)
#: Wall seconds the cluster gets to come up, and the whole graded run to finish.
START_S, RUN_S = 60, 900
GRADE_ARGS = " ".join(DEMO_ARGS)  # the shards are graded as the shared grading at once
MERGE_ARGS = "--assignment loss_optimization"


def ensure_slurm() -> str:
    """'' when the Slurm and munge daemons are here (installed now if need be), else why not."""
    if not sys.platform.startswith("linux"):
        return "Slurm daemons run on Linux only"
    if all(shutil.which(d) or Path(f"/usr/sbin/{d}").exists() for d in DAEMONS):
        return ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "slurm-wlm and munge are not installed, and installing needs root with apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update", "-qq"],
                 ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "slurm-wlm", "munge"]):
        try:
            proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900,
                                  stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            return f"{' '.join(argv)} did not finish in 900 s"
        if proc.returncode != 0:
            return f"{' '.join(argv)} failed: {proc.stderr[-300:]}"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slurm_conf(tmp: Path, host: str) -> str:
    """A one-node cluster's slurm.conf: everything (state, spool, logs, pids, munge socket) under tmp."""
    return "\n".join([
        "ClusterName=graderci", f"SlurmctldHost={host}", "SlurmUser=root", "SlurmdUser=root",
        "AuthType=auth/munge", "CredType=cred/munge", f"AuthInfo=socket={tmp / 'munge.socket'}",
        f"SlurmctldPort={free_port()}", f"SlurmdPort={free_port()}",
        f"StateSaveLocation={tmp / 'state'}", f"SlurmdSpoolDir={tmp / 'spool'}",
        f"SlurmctldPidFile={tmp / 'slurmctld.pid'}", f"SlurmdPidFile={tmp / 'slurmd.pid'}",
        f"SlurmctldLogFile={tmp / 'slurmctld.log'}", f"SlurmdLogFile={tmp / 'slurmd.log'}",
        "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "MpiDefault=none",
        "SchedulerType=sched/builtin", "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
        "JobAcctGatherType=jobacct_gather/none", "AccountingStorageType=accounting_storage/none",
        "ReturnToService=2", "SlurmctldTimeout=30", "SlurmdTimeout=30", "InactiveLimit=0", "KillWait=5",
        f"NodeName={host} NodeAddr=127.0.0.1 CPUs={os.cpu_count() or 1} State=UNKNOWN",
        f"PartitionName=grading Nodes={host} Default=YES MaxTime=INFINITE State=UP",
    ]) + "\n"


def daemon(path: str) -> str:
    return shutil.which(path) or f"/usr/sbin/{path}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """{"env": environment for sbatch/squeue, "tmp": folder}; the daemons are stopped afterwards."""
    why = ensure_slurm()
    if why:
        print(f"SKIP test_slurm: {why}")
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("slurm")
    for name in ("state", "spool"):
        (tmp / name).mkdir()
    key = tmp / "munge.key"
    key.write_bytes(secrets.token_bytes(1024))
    key.chmod(0o400)
    host = socket.gethostname().split(".")[0]
    (tmp / "slurm.conf").write_text(slurm_conf(tmp, host))
    env = {**os.environ, "SLURM_CONF": str(tmp / "slurm.conf")}
    started = []
    try:
        started.append(subprocess.Popen(
            [daemon("munged"), "-F", "--force", f"--key-file={key}", f"--socket={tmp / 'munge.socket'}",
             f"--pid-file={tmp / 'munged.pid'}", f"--log-file={tmp / 'munged.log'}",
             f"--seed-file={tmp / 'munged.seed'}"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT, start_new_session=True))
        wait_for(lambda: (tmp / "munge.socket").exists(), "munged's socket", tmp, started)
        for name in ("slurmctld", "slurmd"):
            with open(tmp / f"{name}.out", "wb") as log:
                started.append(subprocess.Popen([daemon(name), "-D", "-f", str(tmp / "slurm.conf")], env=env,
                                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True))
        wait_for(lambda: idle(env), "an idle node in sinfo", tmp, started)
        yield {"env": env, "tmp": tmp}
    finally:
        for process in reversed(started):  # each daemon leads its own session: stop it and what it started
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(started):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def idle(env) -> bool:
    proc = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True, timeout=30,
                          check=False)
    return proc.returncode == 0 and "idle" in proc.stdout


def wait_for(ready, what: str, tmp: Path, started) -> None:
    deadline = time.monotonic() + START_S
    while not ready():
        dead = [p.args[0] for p in started if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                             for p in sorted(tmp.glob("*.log")) + sorted(tmp.glob("*.out")))
            pytest.fail(f"no {what} after {START_S} s (exited: {dead})\n{logs}")
        time.sleep(0.5)


def signatures(out: Path) -> dict:
    """Per student, what two gradings must agree on, leaving out tests that measure wall time."""
    found = {}
    for path in sorted((out / "results").glob("*.json")):
        result = SubmissionResult.from_json(json.loads(path.read_text()))
        result.tests = [t for t in result.tests if not TIMED.search(t.name)]
        signature = grading_signature(result)
        found[result.student] = signature[:2] + signature[5:]  # totals include the timed test's points
    return found


def test_a_job_array_of_three_shards_and_its_merge_equal_grading_at_once(cluster, demo_class, tmp_path):
    env = {**cluster["env"], "GRADER": GRADER, "GRADER_ARGS": GRADE_ARGS, "MERGE_ARGS": MERGE_ARGS}
    out = tmp_path / "out"
    proc = subprocess.run(["bash", str(TEMPLATES / "submit.sh"), str(EXAMPLES), str(out), "3"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    array, merge = re.search(r"array job (\d+) \(3 tasks\); merge: job (\d+)", proc.stdout).groups()
    deadline = time.monotonic() + RUN_S
    while True:
        queue = subprocess.run(["squeue", "-h", "-j", f"{array},{merge}", "-o", "%i %T"], env=env,
                               capture_output=True, text=True, timeout=30, check=False)
        if not queue.stdout.strip():
            break
        assert time.monotonic() < deadline, f"jobs still queued after {RUN_S} s:\n{queue.stdout}"
        time.sleep(2)
    shards = sorted(p.name for p in out.glob("shard-*"))
    logs = "\n".join(p.read_text(errors="replace")[-1500:] for p in sorted(out.glob("slurm-*.out")))
    assert shards == ["shard-1", "shard-2", "shard-3"], logs
    assert (out / "reports" / "grades.csv").is_file(), logs
    per_shard = [set(signatures(out / s)) for s in shards]
    assert all(per_shard) and sum(map(len, per_shard)) == len(set().union(*per_shard))  # disjoint, none empty

    graded, at_once = demo_class
    assert graded.returncode == 0, graded.stderr
    assert signatures(out / "reports") == signatures(at_once)
    assert len(signatures(at_once)) == len([p for p in EXAMPLES.iterdir() if not p.name.startswith(".")])
