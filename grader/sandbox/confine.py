"""Confinement of the worker process: probe what this machine allows and apply it.

The launcher (grader.sandbox.client) asks `probe()` once, then for each worker uses
`Confinement.command()` (argv prefix, e.g. bubblewrap), `Confinement.popen_kwargs()` (e.g. the
unprivileged user to run as) and passes `Confinement.worker_config()` to the worker, which calls
`apply_in_worker(config)` before importing any student code.

Levels (README "Isolation levels and threat model"):
1. everywhere: process group, timeouts, rlimits, private copy, clean environment (client/limits);
2. Linux: no_new_privs + seccomp (no sockets, ptrace, namespaces, mounts, new sessions) + Landlock
   (read only the Python installation, write only the private copy; no TCP; no signals or abstract
   sockets outside the worker) + the grader's own process non-dumpable;
3. level 2 inside bubblewrap: every namespace unshared, only the Python installation and the private
   copy mounted, `--die-with-parent`, so a leftover process dies with the worker;
4. when the grader runs as root: level 2 (and 3 where namespaces work) with the worker dropped to an
   unprivileged user.

This module is imported by the worker before any student code: it imports only the standard library
(and `pyseccomp`, lazily). Each probe runs in a short-lived child (`python -m grader.sandbox.confine
check LAYER`) that applies the layer exactly as a worker would and verifies it holds, so a probe that
crashes or hangs costs one child, never the grader.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.sandbox.bootstrap import program
from grader.sandbox.quota import QUOTA_TICK_S

BASE_LAYERS = ("process group", "timeouts", "rlimits", "private copy", "clean environment")
LEVEL2_LAYERS = ("no_new_privs", "seccomp", "landlock", "non-dumpable grader")
#: The order a worker applies them in (apply_in_worker: seccomp before Landlock); the grader's own
#: non-dumpable flag is checked first, in the probe child, as it restricts nothing after it.
LEVEL2_WORKER_ORDER = ("non-dumpable grader", "no_new_privs", "seccomp", "landlock")
BWRAP = "bubblewrap"
USER_DROP = "unprivileged user"
ALL_LAYERS = LEVEL2_LAYERS + (BWRAP, USER_DROP)

#: How to get each layer where it is missing (printed by `grader doctor`).
HOW_TO_GET = {
    "no_new_privs": "run on Linux >= 3.5",
    "seccomp": "pip install 'grader[sandbox]' (pyseccomp) and apt-get install libseccomp2",
    "landlock": "run a Linux kernel >= 5.13 with Landlock enabled (boot with lsm=...,landlock)",
    "non-dumpable grader": "run on Linux",
    BWRAP: "apt-get install bubblewrap; allow user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
    "user.max_user_namespaces > 0; in Docker: --security-opt seccomp=unconfined or run as root)",
    USER_DROP: "run the grader as root (Gradescope and CI containers do) so workers run as 'nobody'",
}

#: Exit status of a worker that could not apply a layer it was promised.
CONFINE_FAILED_EXIT = 86
PROBE_TIMEOUT_S = 20.0

# Linux constants (include/uapi/linux/prctl.h, sched.h, landlock.h).
PR_SET_DUMPABLE, PR_GET_DUMPABLE = 4, 3
PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS = 38, 39
CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
SYS_LANDLOCK = {"create_ruleset": 444, "add_rule": 445, "restrict_self": 446}
LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_FILE_RIGHTS = {1: 0b111, 3: 0b111 | 1 << 14, 5: 0b111 | 1 << 14 | 1 << 15}
LL_NET_BIND_CONNECT_TCP = 0b11
LL_SCOPE_ABSTRACT_UNIX_AND_SIGNAL = 0b11
TIOCSTI = 0x5412

#: Syscalls the worker never needs and a hostile submission would love (EPERM in the worker).
DENIED_SYSCALLS = (
    "socket", "connect", "bind", "listen", "accept", "accept4",
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount",
    "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "open_by_handle_at", "name_to_handle_at",
    "kexec_load", "kexec_file_load", "bpf", "perf_event_open", "userfaultfd",
    "keyctl", "add_key", "request_key", "init_module", "finit_module", "delete_module",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "syslog", "iopl", "ioperm",
    "setsid", "setpgid", "io_uring_setup", "io_uring_enter", "io_uring_register",
)


class ConfinementError(ValueError):
    """A requested level is not available here; the message says why and how to get it."""


@dataclass(frozen=True)
class Confinement:
    """The confinement chosen for workers on this machine.

    level: 1..4 (see README "Isolation levels and threat model"); layers: the layers in force, in
    words; missing: layer -> why it is not available here (or not used at the requested level).
    bwrap: path of bubblewrap when the worker runs inside it; user: (uid, gid) the worker runs as,
    or None; landlock_abi: Landlock ABI version in force (0: none).
    """

    level: int = 1
    layers: tuple[str, ...] = BASE_LAYERS
    missing: dict[str, str] = field(default_factory=dict)
    seccomp: bool = False
    landlock_abi: int = 0
    bwrap: str | None = None
    user: tuple[int, int] | None = None

    @property
    def name(self) -> str:
        """One line for reports: 'level 1: process group, timeouts, ...'."""
        return f"level {self.level}: " + ", ".join(self.layers)

    def hand_over(self, submission_dir: Path) -> Path:
        """At level 4, give the private copy `submission_dir` to the worker's user, so the worker can read
        and write it and nothing else the grader owns (elsewhere nothing to do); returns its resolved path."""
        submission_dir = Path(submission_dir).resolve()
        if self.user is not None:
            _give_to_user(submission_dir, self.user)
        return submission_dir

    def command(self, worker_argv: list[str], submission_dir: Path) -> list[str]:
        """The argv that starts the worker (bubblewrap goes in front at level 3 and up), once the private
        copy is handed over (hand_over)."""
        submission_dir = self.hand_over(submission_dir)
        if self.bwrap is None:
            return list(worker_argv)
        return bwrap_argv(self.bwrap, submission_dir, drop_inside=self.user is not None) + list(worker_argv)

    def popen_kwargs(self) -> dict:
        """Extra subprocess.Popen arguments: user=, group= to drop privileges (level 4 without bubblewrap)."""
        if self.user is None or self.bwrap is not None:
            return {}
        uid, gid = self.user
        return {"user": uid, "group": gid, "extra_groups": []}

    def worker_config(self, submission_dir: Path | None = None) -> dict:
        """JSON-able settings the worker applies to itself (apply_in_worker) before importing student code.

        submission_dir: the private copy the worker may write (default: the worker's working directory).
        """
        config: dict = {
            "level": self.level,
            "no_new_privs": self.level >= 2,
            "seccomp": self.seccomp,
            "seccomp_libraries": seccomp_libraries() if self.seccomp else {},
            "landlock": {"abi": self.landlock_abi, "read": list(read_only_paths())} if self.landlock_abi else None,
            "drop_user": list(self.user) if self.user is not None and self.bwrap is not None else None,
        }
        if submission_dir is not None:
            config["submission_dir"] = str(Path(submission_dir).resolve())
        return config


# ---------------------------------------------------------------------------------------------
# What the worker may see


def grader_package_dir() -> Path:
    """The grader package (the worker's own code): readable by the worker, holds no secrets."""
    return Path(__file__).resolve().parent.parent


def read_only_paths() -> tuple[str, ...]:
    """Existing paths a worker may read: the Python installation, system libraries, a few devices."""
    candidates = [
        sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
        sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
        os.path.dirname(os.path.realpath(sys.executable)),
        "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/etc/ld.so.cache",
        "/dev/null", "/dev/urandom", "/dev/zero", "/proc/self", "/sys/devices/system/cpu",
        str(grader_package_dir()),
    ]
    seen: dict[str, None] = {}
    for path in candidates:
        if path and os.path.exists(path):
            # /proc/self stays a symlink: it is resolved in the worker, to the worker's own pid.
            seen[path if path.startswith("/proc/") else os.path.realpath(path)] = None
    return tuple(seen)


def bwrap_argv(bwrap: str, submission_dir: Path, drop_inside: bool) -> list[str]:
    """bubblewrap's argv: every namespace unshared, only read_only_paths() and the private copy mounted."""
    argv = [bwrap, "--unshare-all", "--die-with-parent", "--cap-drop", "ALL"]
    if drop_inside:
        # bwrap runs as root without a user namespace; the worker drops to the user itself (apply_in_worker).
        argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--cap-drop", "ALL",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
    argv += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    binds = [p for p in read_only_paths() if not p.startswith(("/usr/", "/proc/", "/dev/")) and p != "/usr"]
    # Folders bwrap would create on the way to a mount point are mode 0700: make them walkable (0755).
    ancestors = {str(a) for p in binds + [str(submission_dir)] for a in Path(p).parents}
    for folder in sorted(ancestors - {"/", "/usr", "/proc", "/dev", "/tmp"} - set(binds)):
        if not folder.startswith(("/usr/", "/proc/", "/dev/")):
            argv += ["--perms", "0755", "--dir", folder]
    for path in binds:
        argv += ["--ro-bind", path, path]
    argv += ["--bind", str(submission_dir), str(submission_dir), "--chdir", str(submission_dir)]
    return argv


def _give_to_user(directory: Path, user: tuple[int, int]) -> None:
    """chown the private copy to the worker's user (it is the grader's temporary copy, never the original)."""
    uid, gid = user
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)
    os.chown(directory, uid, gid)
    # The worker must be able to walk down to its copy; the private temp folders on the way are ours.
    tmp = Path(tempfile.gettempdir()).resolve()
    for parent in directory.parents:
        if parent == tmp or tmp not in parent.parents:
            break
        os.chmod(parent, os.stat(parent).st_mode | 0o001)


def worker_user() -> tuple[int, int]:
    """(uid, gid) of 'nobody' (65534 when there is no such entry)."""
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        return 65534, 65534


# ---------------------------------------------------------------------------------------------
# Applying layers (in the worker, or in a probe child)


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, arg: int = 0) -> int:
    libc = _libc()
    result = libc.prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl({option}): {os.strerror(err)}")
    return result


def set_no_new_privs() -> None:
    """prctl(PR_SET_NO_NEW_PRIVS): no setuid binary or file capability can raise this process's rights."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    if _prctl(PR_GET_NO_NEW_PRIVS) != 1:
        raise OSError(errno.EPERM, "no_new_privs did not stick")


def set_non_dumpable() -> None:
    """prctl(PR_SET_DUMPABLE, 0) on this process: no core dump, no ptrace attach by same-uid processes."""
    _prctl(PR_SET_DUMPABLE, 0)


@functools.cache
def seccomp_libraries() -> dict[str, str]:
    """{"c": ..., "seccomp": ...}: the shared libraries pyseccomp loads, found once here in the grader.

    pyseccomp looks them up with ctypes.util.find_library, which runs ldconfig or a compiler: slow,
    and it fails in a worker that may not start processes. The worker is told the answer instead.
    """
    import ctypes.util

    return {name: ctypes.util.find_library(name) or "" for name in ("c", "seccomp")}


def _import_pyseccomp(libraries: dict[str, str]):
    """import pyseccomp, its find_library lookups answered from `libraries` (see seccomp_libraries)."""
    import ctypes.util

    lookup = ctypes.util.find_library
    ctypes.util.find_library = lambda name: libraries.get(name) or lookup(name)
    try:
        import pyseccomp
    finally:
        ctypes.util.find_library = lookup
    return pyseccomp


def apply_seccomp(libraries: dict[str, str] | None = None) -> None:
    """Load the seccomp filter: DENIED_SYSCALLS and namespace clones fail with EPERM; clone3 with ENOSYS.

    libraries: seccomp_libraries() as found by the grader (None: look them up here).
    """
    sc = _import_pyseccomp(libraries if libraries is not None else seccomp_libraries())
    filt = sc.SyscallFilter(sc.ALLOW)
    filt.set_attr(sc.Attr.CTL_TSYNC, 1)
    for name in DENIED_SYSCALLS:
        if sc.resolve_syscall(sc.Arch.NATIVE, name) >= 0:
            filt.add_rule(sc.ERRNO(errno.EPERM), name)
    filt.add_rule(sc.ERRNO(errno.EPERM), "socketpair", sc.Arg(0, sc.NE, socket.AF_UNIX))
    filt.add_rule(sc.ERRNO(errno.EPERM), "ioctl", sc.Arg(1, sc.EQ, TIOCSTI))
    for flag in CLONE_NEW_FLAGS:
        filt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    # clone3 passes its flags in memory seccomp cannot read: ENOSYS makes libc fall back to clone.
    filt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    filt.load()


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0 when Landlock is unavailable)."""
    libc = _libc()
    version = libc.syscall(SYS_LANDLOCK["create_ruleset"], None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _landlock_fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= 1 << 13
    if abi >= 3:
        rights |= 1 << 14
    if abi >= 5:
        rights |= 1 << 15
    return rights


def _file_rights(abi: int) -> int:
    return LL_FILE_RIGHTS[max(v for v in LL_FILE_RIGHTS if v <= abi)]


def apply_landlock(abi: int, read: list[str], write: list[str]) -> None:
    """Restrict this process (and its children) to reading `read` and reading/writing `write`.

    Also, from ABI 4, no TCP bind/connect; from ABI 6, no signals and no abstract unix sockets
    outside the worker's own Landlock domain (it cannot kill the grader). Needs no_new_privs first.
    The process must be single-threaded: Landlock confines only the calling thread and its children.
    """
    if len(os.listdir("/proc/self/task")) != 1:
        raise OSError(errno.EBUSY, "the worker has several threads; Landlock would not cover them")
    libc = _libc()
    handled_fs = _landlock_fs_rights(abi)
    attr = _RulesetAttr(handled_fs, LL_NET_BIND_CONNECT_TCP if abi >= 4 else 0,
                        LL_SCOPE_ABSTRACT_UNIX_AND_SIGNAL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(SYS_LANDLOCK["create_ruleset"], ctypes.byref(attr), ctypes.c_size_t(size),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    try:
        read_rights = LL_EXECUTE | LL_READ_FILE | LL_READ_DIR
        rules = [(p, read_rights) for p in read] + [(p, handled_fs) for p in write]
        rules += [("/dev/null", LL_READ_FILE | LL_WRITE_FILE)]
        for path, rights in rules:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                if not os.path.isdir(path):
                    rights &= _file_rights(abi)
                rule = _PathBeneathAttr(rights, fd)
                if libc.syscall(SYS_LANDLOCK["add_rule"], ruleset, 1, ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                    err = ctypes.get_errno()
                    raise OSError(err, f"landlock_add_rule({path}): {os.strerror(err)}")
            finally:
                os.close(fd)
        if libc.syscall(SYS_LANDLOCK["restrict_self"], ruleset, ctypes.c_uint32(0)) < 0:
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_restrict_self: {os.strerror(err)}")
    finally:
        os.close(ruleset)


def drop_to_user(uid: int, gid: int) -> None:
    """Become uid/gid for good (no supplementary groups); the capabilities go with root."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
        raise OSError(errno.EPERM, f"still not uid {uid}/gid {gid}")


def _writable_dir(config: dict) -> str:
    """The one directory the worker may write: its private copy (never the grader's tree or '/')."""
    directory = os.path.realpath(config.get("submission_dir") or os.getcwd())
    package = str(grader_package_dir())
    if directory == "/" or package == directory or package.startswith(directory.rstrip("/") + "/"):
        raise OSError(errno.EINVAL, f"{directory} is not a private copy of a submission")
    return directory


def apply_in_worker(config: dict) -> None:
    """Called inside the worker, before any student import: apply the layers named in config.

    config is Confinement.worker_config(). A layer that was probed OK but fails here ends the worker
    (exit status CONFINE_FAILED_EXIT, message on stderr): a worker is never weaker than reported.
    """
    steps = []
    if config.get("drop_user"):
        steps.append(("unprivileged user", lambda: drop_to_user(*config["drop_user"])))
    if config.get("no_new_privs"):
        steps.append(("no_new_privs", set_no_new_privs))
    if config.get("seccomp"):  # before Landlock: loading libseccomp reads outside the allowed paths
        steps.append(("seccomp", lambda: apply_seccomp(config.get("seccomp_libraries") or None)))
    if config.get("landlock"):
        landlock = config["landlock"]
        steps.append(("landlock", lambda: apply_landlock(landlock["abi"], landlock["read"],
                                                         [_writable_dir(config)])))
    for layer, step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001  (any failure: the promised layer is not in force)
            os.write(2, f"grader worker: cannot apply {layer} ({exc}); refusing to run student code "
                        f"with less isolation than reported\n".encode())
            os._exit(CONFINE_FAILED_EXIT)


# ---------------------------------------------------------------------------------------------
# Probing (in the grader: each check in a short-lived child)


def _check_in_child(layer: str, prefix: list[str] | None = None, args: tuple[str, ...] = (),
                   **popen) -> _Pending | tuple[bool, str]:
    """Run the probe child for LAYER ARGS (behind `prefix`), started as a worker is (PROBE); it prints 'ok' when
    the layer holds."""
    argv = list(prefix or []) + [sys.executable, "-s", "-B", "-c", PROBE, str(grader_package_dir()), layer, *args]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "LANG", "LC_ALL")}
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True, **popen)
    except OSError as exc:
        return False, f"cannot start the probe: {exc}"
    return _Pending(proc)


@dataclass
class _Pending:
    """A running check child; .verdict() waits for it."""

    proc: subprocess.Popen

    def verdict(self) -> tuple[bool, str]:
        try:
            out, _ = self.proc.communicate(timeout=PROBE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.communicate()
            return False, f"probe did not finish in {PROBE_TIMEOUT_S:.0f} s"
        lines = out.decode(errors="replace").strip().splitlines()
        if self.proc.returncode == 0 and lines and lines[-1] == "ok":
            return True, ""
        why = lines[-1] if lines else f"probe exited with status {self.proc.returncode}"
        return False, why[:300]


def _wait(pending) -> tuple[bool, str]:
    return pending.verdict() if isinstance(pending, _Pending) else pending


@functools.cache
def probe_layers() -> dict[str, tuple[bool, str]]:
    """layer -> (available, why not), checked in children (in parallel; the level-2 layers together in one,
    and each in its own only when that one fails); cached per process."""
    if not sys.platform.startswith("linux"):
        return {layer: (False, f"needs Linux (this is {sys.platform})") for layer in ALL_LAYERS}
    from grader.sandbox.scratch import Scratch  # the grader's side only: workers never probe

    with Scratch("probe-") as scratch:  # locked: a run killed while probing leaves it to be cleaned
        tmp = scratch.path
        copy = Path(tmp, "submission")
        copy.mkdir()
        together, alone = Path(tmp, "landlock-together"), Path(tmp, "landlock")  # Landlock's scratch folders
        together.mkdir()
        alone.mkdir()
        bwrap = shutil.which("bwrap")
        if bwrap:  # started now, so it runs beside the level-2 checks
            pending_bwrap = _check_in_child(BWRAP, bwrap_argv(bwrap, copy, drop_inside=False))
        if _wait(_check_in_child(LAYER_SEPARATOR.join(LEVEL2_WORKER_ORDER), args=(str(together),)))[0]:
            # the usual case: one child shows every level-2 layer holds, applied together as in a worker
            results = {layer: (True, "") for layer in LEVEL2_LAYERS}
        else:  # one child per layer, so each verdict says which layer fails and why
            pending = {layer: _check_in_child(layer, args=(str(alone),) if layer == "landlock" else ())
                       for layer in LEVEL2_LAYERS}
            results = {layer: _wait(p) for layer, p in pending.items()}
        if bwrap:
            results[BWRAP] = _wait(pending_bwrap)
        else:
            results[BWRAP] = (False, "bwrap not found on PATH")
        results[USER_DROP] = _probe_user_drop(bwrap if results[BWRAP][0] else None, Path(tmp))
    return results


def _probe_user_drop(bwrap: str | None, tmp: Path) -> tuple[bool, str]:
    """Can a worker run as 'nobody' here (inside bubblewrap when it works, else by Popen(user=))?"""
    if os.geteuid() != 0:
        return False, f"the grader runs as uid {os.geteuid()}, not root: workers already run unprivileged"
    uid, gid = worker_user()
    copy = tmp / "dropped"
    copy.mkdir()
    _give_to_user(copy, (uid, gid))
    if bwrap:
        ok, why = _wait(_check_in_child(USER_DROP, bwrap_argv(bwrap, copy, drop_inside=True),
                                        (str(uid), str(gid))))
        return (True, "") if ok else (False, f"inside bubblewrap: {why}")
    ok, why = _wait(_check_in_child(USER_DROP, cwd=copy, user=uid, group=gid, extra_groups=[]))
    return (True, "") if ok else (False, f"as uid {uid}: {why}")


def probe(requested: str = "auto") -> Confinement:
    """The strongest confinement available here, or the level requested ('auto' or '1'..'4').

    Raises ConfinementError (message: what is missing and why) when the requested level is not
    available. From level 2 on, also makes the calling (grader) process non-dumpable.
    """
    if requested not in ("auto", "1", "2", "3", "4"):
        raise ConfinementError(f"unknown sandbox level {requested!r}: use auto, 1, 2, 3 or 4")
    found = probe_layers()
    missing = {layer: why for layer, (ok, why) in found.items() if not ok}
    level2 = all(found[layer][0] for layer in LEVEL2_LAYERS)
    levels = {1: True, 2: level2, 3: level2 and found[BWRAP][0], 4: level2 and found[USER_DROP][0]}
    if requested == "auto":
        level = max(n for n, ok in levels.items() if ok)
    else:
        level = int(requested)
        if not levels[level]:
            needed = LEVEL2_LAYERS + ((BWRAP,) if level == 3 else (USER_DROP,) if level == 4 else ())
            reasons = "; ".join(f"{layer}: {missing[layer]}" for layer in needed if layer in missing)
            raise ConfinementError(f"sandbox level {level} is not available here ({reasons}); "
                                   "run `grader doctor` to see what this machine allows")
    use_bwrap = level == 3 or (level == 4 and found[BWRAP][0])
    layers = BASE_LAYERS + (LEVEL2_LAYERS if level >= 2 else ()) + ((BWRAP,) if use_bwrap else ())
    layers += (USER_DROP,) if level == 4 else ()
    for layer in ALL_LAYERS:
        if layer not in layers and layer not in missing:
            missing[layer] = f"available but not used at the requested level {level}"
    if level >= 2:
        set_non_dumpable()
    return Confinement(
        level=level, layers=layers, missing=missing, seccomp=level >= 2,
        landlock_abi=landlock_abi() if level >= 2 else 0,
        bwrap=shutil.which("bwrap") if use_bwrap else None,
        user=worker_user() if level == 4 else None,
    )


def how_to_get(layer: str) -> str:
    """The advice for a missing layer, for this machine: a grader already running as root is told what
    keeps 'nobody' from running its Python instead of being told to run as root."""
    if layer != USER_DROP or os.geteuid() != 0:
        return HOW_TO_GET[layer]
    real = Path(os.path.realpath(sys.executable))
    blocked = next((str(p) for p in [*reversed(real.parents), real] if not os.stat(p).st_mode & 0o001), None)
    where = f"{blocked} is closed to others" if blocked else "its installation is not readable by others"
    return (f"the grader already runs as root, but 'nobody' cannot run its Python {real} ({where}): "
            "install the grader in a virtual environment 'nobody' can execute, outside /root, e.g. "
            "`python3 -m venv /opt/grader && /opt/grader/bin/pip install 'grader[sandbox]'` "
            "(apt-get install python3-venv), and grade with /opt/grader/bin/grader")


def disk_quota_words(confinement: Confinement) -> str:
    """What bounds a submission's writes at this level, in one sentence (for `grader doctor`)."""
    where = ("its private copy is the only place it may write" if confinement.level >= 2 else
             "its private copy, and every byte the worker process itself writes anywhere (level 1 does not "
             "stop writes outside the copy, nor count a process the worker forks)")
    return ("each file a worker writes is capped by RLIMIT_FSIZE (the manifest's output_kb + 4 KiB); all it "
            f"writes by the manifest's [limits] disk_kb (default 32 MiB), checked by the grader every "
            f"{QUOTA_TICK_S * 1000:g} ms during a call and after every call: {where}")


def report(confinement: Confinement) -> dict:
    """What `grader doctor` shows: the level, and for each layer whether it is here, in force, why not, how to get it."""
    found = probe_layers()
    layers = [{"layer": layer, "available": found[layer][0], "in_force": layer in confinement.layers,
               "why_not": found[layer][1], "how_to_get": "" if found[layer][0] else how_to_get(layer)}
              for layer in ALL_LAYERS]
    return {"level": confinement.level, "name": confinement.name, "base_layers": list(BASE_LAYERS),
            "disk_quota": disk_quota_words(confinement),
            "layers": layers, "landlock_abi": landlock_abi() if found["landlock"][0] else 0,
            "worker_uid": confinement.user[0] if confinement.user else os.geteuid(),
            "bwrap": shutil.which("bwrap") or ""}


# ---------------------------------------------------------------------------------------------
# The probe child: `python -s -B -c PROBE GRADER_PACKAGE_DIR LAYER[+LAYER...] [ARGS]`

#: The probe child's program (grader.sandbox.bootstrap): like a worker it imports only grader.sandbox, here
#: only this module and the standard library, so a check costs a Python start, plus numpy where it must
#: still import under the layer.
PROBE = program("from grader.sandbox.confine import probe_main\nprobe_main(sys.argv[2:])\n")
#: Layers that restrict nothing a worker's imports need: checked without importing numpy after them.
NOTHING_TO_IMPORT_UNDER = ("no_new_privs", "non-dumpable grader")
#: Joins the layers one probe child applies together, in a worker's order (no layer name holds it).
LAYER_SEPARATOR = "+"


def _expect_denied(what: str, action) -> None:
    try:
        action()
    except PermissionError:
        return
    raise AssertionError(f"{what} was not denied")


def _check(layers: list[str], args: list[str]) -> None:
    """Apply `layers` to this process in order, exactly as a worker would, verify each holds, then that
    imports still work under them (raises if not)."""
    for layer in layers:
        _hold(layer, args)
    if all(layer in NOTHING_TO_IMPORT_UNDER for layer in layers):
        return
    import decimal  # noqa: F401  (a lazy standard-library import must still work)

    import numpy  # noqa: F401  (and so must numpy, which every worker needs)


def _hold(layer: str, args: list[str]) -> None:
    """Apply one layer and verify it holds (args: the landlock scratch folder, or the user to drop to)."""
    if layer == "no_new_privs":
        set_no_new_privs()
    elif layer == "non-dumpable grader":
        set_non_dumpable()
        assert _prctl(PR_GET_DUMPABLE) == 0, "still dumpable"
    elif layer == "seccomp":
        set_no_new_privs()
        apply_seccomp()
        _expect_denied("socket(AF_INET)", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        _expect_denied("socket(AF_UNIX)", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        assert os.waitpid(pid, 0)[1] == 0, "fork broke under seccomp"
    elif layer == "landlock":
        abi = landlock_abi()
        assert abi > 0, "this kernel has no Landlock (or it is disabled)"
        tmp = Path(args[0])  # a scratch folder the parent removes (this process no longer can)
        secret, copy = tmp / "secret.txt", tmp / "copy"
        secret.write_text("hidden")
        copy.mkdir()
        set_no_new_privs()
        apply_landlock(abi, list(read_only_paths()), [str(copy)])
        (copy / "written.txt").write_text("ok")
        _expect_denied("reading outside the allowed paths", secret.read_text)
        _expect_denied("writing outside the private copy", lambda: (tmp / "forged.txt").write_text("x"))
    elif layer == BWRAP:
        assert not os.path.exists("/etc/passwd"), "/etc is visible inside bubblewrap"
        assert os.getpid() < 10, "no private pid namespace"
    elif layer == USER_DROP:
        if args:
            drop_to_user(int(args[0]), int(args[1]))
        assert os.getuid() != 0 and os.geteuid() != 0, "still root"
        Path("written.txt").write_text("ok")
    else:
        raise AssertionError(f"unknown layer {layer!r}")


def probe_main(argv: list[str]) -> None:
    """The probe child's body: argv is LAYER[+LAYER...] [ARGS]; prints 'ok' (exit 0) or why they do not hold."""
    try:
        _check(argv[0].split(LAYER_SEPARATOR), argv[1:])
    except Exception as exc:  # noqa: BLE001  (the probe reports any failure as its verdict)
        print(f"{type(exc).__name__}: {exc}")
        sys.exit(1)
    print("ok")
