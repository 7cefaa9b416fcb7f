"""Call deadlines calibrated on the reference: a call may take a multiple of what the reference needed
on exactly the same call, never less than a floor and never more than the call timeout.

The grader runs the suite once per batch with the reference as the submission (bound in-process: trusted
code) and notes, for every call, its wall time, keyed by a digest of the CALL frame a worker client would
send for it (function name and every argument's bytes). A student's call whose frame has the same
digest gets `allowed_s` instead of the full call timeout; any other call (an input drawn afresh, a state
the student's own earlier answers built) keeps the call timeout. So a hanging function is stopped after
seconds instead of using up its share of the submission's time, while a correct solution, however slow
its style, stays orders of magnitude inside what it is given. Only frames up to MAX_KEYED_BYTES are keyed.
"""

from __future__ import annotations

import hashlib
import math

from grader.sandbox.protocol import MsgType, ProtocolError, frame_parts

#: Largest CALL frame keyed (bytes). A larger one keeps the call timeout and is compared value by value
#: after the call: hashing or copying megabytes would add to the time a speed property measures (the
#: suites' timed inputs are large, and drawn afresh, so never calibrated anyway).
MAX_KEYED_BYTES = 64 * 1024
#: {digest of a CALL frame: the reference's wall seconds} this process's clients use (installed by the
#: grader before it forks the children of a batch; empty: every call gets the call timeout).
_TIMES: dict[bytes, float] = {}
#: While the reference run records: the table its in-process calls go into (empty list: not recording).
_RECORDING: list[dict[bytes, float]] = []


def key(parts) -> bytes:
    """The digest of a frame given as its buffers (grader.sandbox.protocol.frame_parts)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part)
    return digest.digest()


def frame_key(parts) -> bytes | None:
    """key(parts), or None for a frame over MAX_KEYED_BYTES (never keyed)."""
    return key(parts) if sum(len(p) for p in parts) <= MAX_KEYED_BYTES else None


def recording_key(function: str, args: tuple, kwargs: dict) -> bytes | None:
    """While recording: the key of the CALL frame a WorkerClient would send for function(*args, **kwargs)
    (for a call made in-process, the reference bound in this trusted process); else, or for a frame the
    protocol cannot carry or over MAX_KEYED_BYTES, None."""
    if not _RECORDING:
        return None
    try:
        return frame_key(frame_parts(MsgType.CALL, (function, tuple(args), tuple(kwargs.items())), strict=True))
    except ProtocolError:
        return None


def reference_seconds(frame_key: bytes) -> float | None:
    """The reference's wall time on this exact call, or None when the reference never made it."""
    return _TIMES.get(frame_key)


def note(frame_key: bytes, seconds: float) -> None:
    """While recording: keep the longest time a call with this key took."""
    if _RECORDING:
        table = _RECORDING[-1]
        table[frame_key] = max(seconds, table.get(frame_key, 0.0))


def recording() -> dict[bytes, float]:
    """Start recording into a fresh table (in the throwaway reference run) and return it."""
    _RECORDING.clear()
    _RECORDING.append({})
    return _RECORDING[-1]


def install(times: dict[bytes, float]) -> None:
    """The table the clients of this process (and of every process forked from it) use from now on."""
    _TIMES.clear()
    _TIMES.update(times)


def allowed_s(reference_s: float, factor: float, floor_s: float, timeout_s: float) -> float:
    """Seconds a call may take when the reference took reference_s on it: factor times that, rounded up
    to 1, 2 or 5 times a power of ten (two measurements a little apart give the same deadline), at least
    floor_s, at most timeout_s. factor 0 turns calibration off (timeout_s)."""
    if factor <= 0:
        return timeout_s
    return min(timeout_s, max(floor_s, _round_up(factor * reference_s)))


def _round_up(seconds: float) -> float:
    if seconds <= 0:
        return 0.0
    power = 10.0 ** math.floor(math.log10(seconds))
    for step in (1, 2, 5, 10):
        if seconds <= step * power * (1 + 1e-12):
            return step * power
    return 10 * power
