"""Temporary folders of the grader, each locked by the process that owns it while it lives.

A grader killed with SIGKILL runs no cleanup: its batch folder (the students' prepared copies) and its
workers' private copies stay in the temporary folder. Every such folder is named `grader-*` and holds
a lock file (`.grader-lock`, the owner's pid inside for people) that its owner keeps flock()ed until
it removes the folder. `clean_stale()` removes the folders whose lock nobody holds any more, that is,
whose owner is dead; a live run's folders (lock held) and folders without a lock file (being created,
or not the grader's) are never touched.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Self

#: Name prefix of every temporary folder the grader makes (and the only ones clean_stale looks at).
PREFIX = "grader-"
LOCK_NAME = ".grader-lock"


class Scratch:
    """A private temporary folder `path`, locked while this object lives; remove() deletes it.

    The lock's file descriptor is close-on-exec: workers started with exec never hold it; processes
    forked from the owner (the pytest children of a batch) share it, and they die with the owner."""

    def __init__(self, prefix: str, parent: Path | None = None, mode: int = 0o700):
        if not prefix.startswith(PREFIX):
            prefix = PREFIX + prefix
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self.path.chmod(mode)
        # Locked before it gets its name: a cleaner never sees an unlocked lock file of a live folder.
        making = self.path / (LOCK_NAME + ".new")
        self._fd: int | None = os.open(making, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW,
                                       0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        os.rename(making, self.path / LOCK_NAME)

    def remove(self) -> None:
        """Delete the folder (whatever its contents' permissions), then release the lock."""
        remove_tree(self.path)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def remove_tree(path: Path) -> None:
    """shutil.rmtree that also removes what a worker made unwritable or unreadable (chmod 000 folders),
    never following a symbolic link."""
    def make_removable(function, failed, _exc):
        for target in {os.path.dirname(failed), failed}:
            try:
                info = os.lstat(target)
                if stat.S_ISDIR(info.st_mode):
                    os.chmod(target, stat.S_IMODE(info.st_mode) | stat.S_IRWXU)
            except OSError:
                pass
        if function in (os.rmdir, os.unlink, os.remove):
            function(failed)
        else:  # scandir/open of an unreadable folder: readable now, start over from it
            shutil.rmtree(failed, ignore_errors=True)

    if not os.path.lexists(path):
        return
    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=make_removable)
        else:
            shutil.rmtree(path, onerror=make_removable)
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def stale_folders(parent: Path | None = None) -> list[Path]:
    """The grader's folders in parent (default: the temporary folder) whose owner is dead."""
    parent = Path(parent or tempfile.gettempdir())
    found = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(PREFIX) and entry.is_dir(follow_symlinks=False) and not _owned(Path(entry.path)):
            found.append(Path(entry.path))
    return sorted(found)


def _owned(folder: Path) -> bool:
    """Whether a live process holds folder's lock (True also when there is no lock file to ask)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return True
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return True
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # releases the lock if it was taken
    return False


def clean_stale(parent: Path | None = None) -> list[Path]:
    """Remove what dead grader runs left in parent (default: the temporary folder); the folders removed."""
    removed = []
    for folder in stale_folders(parent):
        remove_tree(folder)
        removed.append(folder)
    return removed
