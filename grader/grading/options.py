"""What the instructor can change about grading conditions, and the fingerprint of those conditions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from grader.assignment import Assignment, Limits
from grader.submissions import suite_fingerprint


class SandboxError(RuntimeError):
    """The requested confinement level is not available on this machine; the message says why."""


@dataclass(frozen=True)
class GradeOptions:
    """Instructor overrides of the manifest's limits (None: keep the manifest's) and the sandbox level.

    timeout_s: wall seconds for one submission; memory_mb: the worker's address space;
    sandbox: 'auto' or a confinement level '1'..'4'; replay: replay each property's examples drawn
    once per batch (grader.grading.replay) instead of running Hypothesis's search for every
    submission (same results either way, so not part of the fingerprint); lang: the feedback's
    language ('en', 'ko'), None for the manifest's default (it never changes a grade: not in the
    fingerprint either).
    """

    timeout_s: float | None = None
    memory_mb: int | None = None
    sandbox: str = "auto"
    replay: bool = True
    lang: str | None = None


def effective_limits(assignment: Assignment, options: GradeOptions) -> Limits:
    """The manifest's limits with the options applied.

    A shorter submission time also shortens the per-call timeout to at most a quarter of it, so one
    hanging call cannot use up the time the other tests need.
    """
    limits = assignment.limits
    if options.timeout_s is not None:
        limits = replace(limits, submission_timeout_s=float(options.timeout_s),
                         call_timeout_s=min(limits.call_timeout_s, float(options.timeout_s) / 4))
    if options.memory_mb is not None:
        limits = replace(limits, memory_mb=int(options.memory_mb))
    return limits


def limits_json(limits: Limits) -> str:
    """limits as the JSON object the child's --grader-limits option takes (field names of Limits)."""
    return json.dumps(asdict(limits), sort_keys=True)


def batch_fingerprint(assignment: Assignment, options: GradeOptions) -> str:
    """suite_fingerprint plus what the options change: equal values mean equal grading conditions."""
    extra = json.dumps({"limits": asdict(effective_limits(assignment, options)), "sandbox": options.sandbox},
                       sort_keys=True)
    return suite_fingerprint(assignment, extra)
