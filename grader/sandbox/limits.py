"""Level-1 limits of a worker: its rlimits and its clean environment.

Computed on the trusted side from the manifest's Limits; the worker applies the rlimits to itself
first thing (before numpy, before any student code), so no preexec hook is needed in the grader.
"""

from __future__ import annotations

import resource

#: Variables the worker inherits; everything else in the grader's environment (secrets) is dropped.
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

#: Open files a worker may hold (Python and numpy need a few dozen at most).
MAX_OPEN_FILES = 64


def rlimits(limits, output_bytes: int, nproc: int | None = None) -> dict[str, list[int]]:
    """{RLIMIT name: [soft, hard]} for a worker.

    limits: a grader.assignment.Limits (cpu_s seconds, memory_mb megabytes of address space);
    output_bytes: largest file the worker may write (its captured output included);
    nproc: max processes of the worker's user, only sensible when that user runs nothing else
    (level 4); None leaves it alone, since the limit counts every process of the user.
    """
    memory = int(limits.memory_mb) * 1024 * 1024
    cpu = max(1, int(limits.cpu_s))
    spec = {
        "RLIMIT_CPU": [cpu, cpu + 2],  # SIGXCPU at the soft limit, SIGKILL 2 s later
        "RLIMIT_AS": [memory, memory],
        "RLIMIT_FSIZE": [output_bytes, output_bytes],
        "RLIMIT_NOFILE": [MAX_OPEN_FILES, MAX_OPEN_FILES],
        "RLIMIT_CORE": [0, 0],
    }
    if nproc is not None:
        spec["RLIMIT_NPROC"] = [nproc, nproc]
    return spec


def apply_rlimits(spec: dict[str, list[int]]) -> list[str]:
    """Lower this process's limits to spec (never raise one); the names that could not be applied."""
    failed = []
    for name, (soft, hard) in spec.items():
        which = getattr(resource, name, None)
        if which is None:
            failed.append(name)
            continue
        try:
            old_hard = resource.getrlimit(which)[1]
            if old_hard != resource.RLIM_INFINITY:
                hard = min(hard, old_hard)
            resource.setrlimit(which, (min(soft, hard), hard))
        except (ValueError, OSError):
            failed.append(name)
    return failed


def clean_env(home: str) -> dict[str, str]:
    """The worker's whole environment: a minimal PATH/HOME/LANG, one BLAS thread, fixed hashing,
    no bytecode writing, no user site-packages, nothing from the grader's own environment."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONSAFEPATH": "1",
    }
    env.update({name: "1" for name in BLAS_THREADS})
    return env
