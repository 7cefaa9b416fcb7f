"""Gradescope's `/autograder/submission_metadata.json`: who submitted (names, emails, ids; several for a
group), when, and the assignment's due dates. Only the keys used here are read; unknown ones are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class MetadataError(ValueError):
    """submission_metadata.json is unreadable or lacks a key the grader needs; the message says which."""


@dataclass(frozen=True)
class Submitter:
    name: str
    email: str
    id: str


@dataclass(frozen=True)
class SubmissionMetadata:
    """submission_id: Gradescope's id; created_at: submission time (aware); due/late_due: the
    assignment's due and late due dates (aware, or None); users: every group member."""

    submission_id: str
    created_at: datetime
    due: datetime | None
    late_due: datetime | None
    users: tuple[Submitter, ...]

    @property
    def names(self) -> str:
        """The submitters' names as one label ("Kim Minjun & Lee Seoyeon"), or the submission id."""
        return " & ".join(u.name or u.email or u.id for u in self.users) or f"submission {self.submission_id}"

    def to_json(self) -> dict:
        return {"submission_id": self.submission_id, "created_at": self.created_at.isoformat(),
                "users": [{"name": u.name, "email": u.email, "id": u.id} for u in self.users]}


def _time(value, key: str, path: Path) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise MetadataError(f"{path}: {key} is not a date-time: {value!r}") from None
    if when.tzinfo is None:
        raise MetadataError(f"{path}: {key} has no time zone: {value!r}")
    return when


def read_metadata(path: Path) -> SubmissionMetadata:
    """Parse submission_metadata.json at `path`; MetadataError naming the file and the problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MetadataError(f"{path}: cannot read submission metadata ({exc})") from None
    if not isinstance(data, dict) or "created_at" not in data:
        raise MetadataError(f"{path}: no created_at (the submission time)")
    assignment = data.get("assignment") if isinstance(data.get("assignment"), dict) else {}
    users = tuple(
        Submitter(name=str(u.get("name") or ""), email=str(u.get("email") or ""), id=str(u.get("id") or ""))
        for u in data.get("users") or [] if isinstance(u, dict)
    )
    return SubmissionMetadata(
        submission_id=str(data.get("id", "")),
        created_at=_time(data["created_at"], "created_at", path),
        due=_time(assignment.get("due_date"), "assignment.due_date", path),
        late_due=_time(assignment.get("late_due_date"), "assignment.late_due_date", path),
        users=users,
    )
