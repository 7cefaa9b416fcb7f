"""Level-1 limits: the rlimits a worker gets from the manifest and its clean environment."""

import json
import os
import subprocess
import sys

from grader.assignment import Limits
from grader.sandbox.limits import BLAS_THREADS, MAX_OPEN_FILES, apply_rlimits, clean_env, rlimits


def test_rlimits_follow_the_manifest_limits():
    spec = rlimits(Limits(cpu_s=30, memory_mb=512), output_bytes=10_000)
    assert spec == {
        "RLIMIT_CPU": [30, 32],
        "RLIMIT_AS": [512 * 2**20, 512 * 2**20],
        "RLIMIT_FSIZE": [10_000, 10_000],
        "RLIMIT_NOFILE": [MAX_OPEN_FILES, MAX_OPEN_FILES],
        "RLIMIT_CORE": [0, 0],
    }
    assert rlimits(Limits(), 1, nproc=50)["RLIMIT_NPROC"] == [50, 50]


def test_apply_rlimits_lowers_the_limits_of_the_process_it_runs_in():
    spec = rlimits(Limits(cpu_s=30, memory_mb=512), output_bytes=10_000)
    code = ("import json, resource, sys; from grader.sandbox.limits import apply_rlimits; "
            "failed = apply_rlimits(json.loads(sys.argv[1])); "
            "print(json.dumps([failed] + [resource.getrlimit(getattr(resource, n)) for n in "
            "('RLIMIT_CPU', 'RLIMIT_AS', 'RLIMIT_FSIZE', 'RLIMIT_CORE', 'RLIMIT_NOFILE')]))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], check=True, capture_output=True,
                         text=True).stdout
    failed, cpu, memory, fsize, core, nofile = json.loads(out)
    assert failed == []
    assert cpu == [30, 32] and memory == [512 * 2**20] * 2 and fsize == [10_000] * 2 and core == [0, 0]
    assert nofile == [MAX_OPEN_FILES, MAX_OPEN_FILES]


def test_apply_rlimits_reports_names_it_does_not_know():
    assert apply_rlimits({"RLIMIT_NO_SUCH_THING": [1, 1]}) == ["RLIMIT_NO_SUCH_THING"]


def test_clean_env_keeps_nothing_of_the_graders_environment(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hunter2")
    env = clean_env(home="/tmp/copy")
    assert "AWS_SECRET_ACCESS_KEY" not in env and "hunter2" not in env.values()
    assert set(env) <= {"PATH", "HOME", "LANG", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE", "PYTHONNOUSERSITE",
                        "PYTHONSAFEPATH", *BLAS_THREADS}
    assert env["HOME"] == "/tmp/copy" and env["PYTHONHASHSEED"] == "0"
    assert all(env[name] == "1" for name in BLAS_THREADS)
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "hunter2"  # the grader's own environment is untouched
