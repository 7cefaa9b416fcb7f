"""Confinement of the worker process: probe what this machine allows and apply it.

The launcher (grader.sandbox.client) asks `probe()` once, then for each worker uses
`Confinement.command()` (argv prefix, e.g. bubblewrap), `Confinement.popen_kwargs()` (e.g. the
unprivileged user to run as) and passes `Confinement.worker_config()` to the worker, which calls
`apply_in_worker(config)` before importing any student code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Confinement:
    """The confinement chosen for workers on this machine.

    level: 1..4 (see README "Isolation"); layers: the layers in force, in words;
    missing: layer -> why it is not available here.
    """

    level: int = 1
    layers: tuple[str, ...] = ("process group", "timeouts", "rlimits", "private copy", "clean environment")
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """One line for reports: 'level 1: process group, timeouts, ...'."""
        return f"level {self.level}: " + ", ".join(self.layers)

    def command(self, worker_argv: list[str], submission_dir: Path) -> list[str]:
        """The argv that starts the worker (a wrapper such as bubblewrap goes in front)."""
        return list(worker_argv)

    def popen_kwargs(self) -> dict:
        """Extra subprocess.Popen arguments (e.g. user=, group= to drop privileges)."""
        return {}

    def worker_config(self) -> dict:
        """JSON-able settings the worker applies to itself before importing student code."""
        return {}


def probe(requested: str = "auto") -> Confinement:
    """The strongest confinement available here (or the one requested: 'auto' or a level '1'..'4')."""
    return Confinement()


def apply_in_worker(config: dict) -> None:
    """Called inside the worker, before any student import: apply the layers named in config."""
