"""The disk quota of one submission: what its code may write in all, checked by the grader.

Each file a worker writes is capped by RLIMIT_FSIZE (grader.sandbox.limits); the total is checked
here, on the trusted side, every QUOTA_TICK_S while a call runs and after every call: the growth of
the private copy (every file and folder it holds, at least one block each, so a flood of empty files
counts too) and, where the worker is the process the grader started (no bubblewrap in between), the
bytes the worker process wrote anywhere (the kernel's `wchar` in /proc/PID/io, less what the grader
read from its pipe). From level 2 on the private copy is the only place the worker may write.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

#: Seconds between two checks while a call runs: a worker over its quota is stopped within this.
QUOTA_TICK_S = 0.01
#: Bytes each file or folder counts at least (one block): a million empty files are not free.
MIN_ENTRY_BYTES = 4096


class QuotaExceeded(Exception):
    """The submission wrote more than its quota; str() says how, in words a student reads."""


def disk_usage(folder: Path, stop_at: int) -> int:
    """Bytes the tree under folder occupies (blocks, at least MIN_ENTRY_BYTES per entry), stopping as
    soon as the count passes stop_at. Raises QuotaExceeded for a part of it the grader cannot read
    (a folder the student made unreadable hides what it holds)."""
    total, stack = 0, [os.fspath(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # removed while counted
                    total += max(info.st_blocks * 512, MIN_ENTRY_BYTES)
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    if total > stop_at:
                        return total
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise QuotaExceeded(f"made part of its folder unreadable to the grader "
                                f"({os.strerror(exc.errno or errno.EACCES)})") from None
    return total


def written_bytes(pid: int) -> int | None:
    """Bytes process pid passed to write calls so far (/proc/PID/io wchar), None where unknown."""
    try:
        with open(f"/proc/{pid}/io", "rb") as handle:
            for line in handle.read().splitlines():
                if line.startswith(b"wchar:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


@dataclass
class DiskQuota:
    """The quota of one submission's workers: `limit` bytes of writes beyond the copied files.

    baseline: the private copy's usage right after copying (what the grader put there);
    allowance: writes the worker makes for the grader (its captured output, replies still in the pipe)."""

    folder: Path
    limit: int
    baseline: int = 0
    allowance: int = 0

    def reset(self) -> None:
        """Measure the baseline: call after (re)copying the submission."""
        self.baseline = disk_usage(self.folder, 1 << 62)

    def check(self, pid: int | None, received: int) -> None:
        """Raise QuotaExceeded when the copy grew past the limit, or when worker pid (None: not
        measurable) wrote more than limit + allowance + received (the bytes the grader read from it)."""
        grown = disk_usage(self.folder, self.baseline + self.limit) - self.baseline
        if grown > self.limit:
            raise QuotaExceeded(f"wrote more than the {self.describe()} disk quota into its folder")
        if pid is not None:
            written = written_bytes(pid)
            if written is not None and written - received > self.limit + self.allowance:
                raise QuotaExceeded(f"wrote more than the {self.describe()} disk quota")

    def describe(self) -> str:
        mib = self.limit / (1024 * 1024)
        return f"{mib:g} MiB" if mib >= 1 else f"{self.limit // 1024} KiB"
