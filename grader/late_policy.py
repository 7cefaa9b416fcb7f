"""A late-submission policy (the manifest's `[late]` table) and the penalty it gives a submission time.

[late]
due = "2026-10-05T23:59:00+09:00"   # optional: default the platform's due date (Gradescope's)
penalty_per_day = 0.10              # fraction of the earned score lost per day or part of a day late
cap = 0.50                          # the most that can be lost, as a fraction of the earned score
grace_minutes = 15                  # minutes after the due time that are not late
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LatePolicy:
    """due: timezone-aware due time or None (use the platform's); fractions in 0..1; grace in minutes."""

    penalty_per_day: float
    cap: float = 1.0
    due: datetime | None = None
    grace_minutes: float = 0.0

    def __post_init__(self):
        if not 0 <= self.penalty_per_day <= 1 or not 0 <= self.cap <= 1:
            raise ValueError("penalty_per_day and cap are fractions between 0 and 1")
        if self.grace_minutes < 0:
            raise ValueError("grace_minutes cannot be negative")
        if self.due is not None and self.due.tzinfo is None:
            raise ValueError("due needs a time zone (e.g. 2026-10-05T23:59:00+09:00)")

    @classmethod
    def from_table(cls, table: dict) -> LatePolicy:
        """From the manifest's `[late]` table; ValueError/TypeError/KeyError name what is wrong."""
        unknown = set(table) - {"due", "penalty_per_day", "cap", "grace_minutes"}
        if unknown:
            raise ValueError(f"unknown keys in [late]: {', '.join(sorted(unknown))}")
        due = table.get("due")
        if isinstance(due, str):
            due = datetime.fromisoformat(due)
        if due is not None and not isinstance(due, datetime):
            raise TypeError("[late] due must be a date-time with a time zone")
        return cls(penalty_per_day=float(table["penalty_per_day"]), cap=float(table.get("cap", 1.0)), due=due,
                   grace_minutes=float(table.get("grace_minutes", 0.0)))


@dataclass(frozen=True)
class Lateness:
    """How late a submission was: whole days counted (a started day counts), fraction lost, points lost."""

    days: int
    fraction: float
    points: float

    def describe(self) -> str:
        if not self.days:
            return "Submitted on time."
        return (f"Submitted {self.days} day{'s' if self.days != 1 else ''} late: "
                f"-{100 * self.fraction:g}% of the score ({self.points:g} points).")


def lateness(policy: LatePolicy, submitted: datetime, due: datetime, score: float) -> Lateness:
    """The penalty for a submission at `submitted` (aware datetimes) of a deadline `due`, on `score` points."""
    late_by = submitted - due - timedelta(minutes=policy.grace_minutes)
    days = max(0, math.ceil(late_by / timedelta(days=1))) if late_by > timedelta(0) else 0
    fraction = min(policy.cap, days * policy.penalty_per_day)
    return Lateness(days=days, fraction=fraction, points=round(score * fraction, 6))
