"""Split a class over machines: `--shard I/N` picks a deterministic, balanced 1/N of the student ids."""

from __future__ import annotations


class ShardError(ValueError):
    """A shard spec that is not `I/N` with 1 <= I <= N; the message says what is wrong."""


def parse_shard(spec: str) -> tuple[int, int]:
    """'2/5' -> (2, 5). I counts from 1 (a CI matrix index i is shard i+1)."""
    index, sep, count = str(spec).strip().partition("/")
    if not sep:
        raise ShardError(f"bad shard {spec!r}: expected I/N, e.g. 1/4")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise ShardError(f"bad shard {spec!r}: I and N must be whole numbers, e.g. 1/4") from None
    if n < 1:
        raise ShardError(f"bad shard {spec!r}: N must be at least 1")
    if not 1 <= i <= n:
        raise ShardError(f"bad shard {spec!r}: I must be between 1 and {n}")
    return i, n


def select_shard(student_ids, spec: str) -> list[str]:
    """The ids of shard spec ('I/N'): every N-th id of the sorted ids, starting at the I-th.

    Shards 1/N .. N/N partition the ids, and their sizes differ by at most one.
    """
    i, n = parse_shard(spec)
    return sorted(set(student_ids))[i - 1 :: n]
