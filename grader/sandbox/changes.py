"""What a call changed in its arguments, decided on the trusted side from values it holds.

The worker sends back every argument as it is after the call (an ARGUMENTS frame); the grader compares
that with what it sent, value by value as the pipe carries them (dtype, shape and bits of arrays, NaN
included; str keys of dicts; lengths of lists). Nothing the worker computes about its own arguments
is believed. The in-process binding compares a deep copy kept before the call with the same rules.

A change is named by its path: a tuple starting with the argument's position (int) or keyword (str),
then the positions and keys inside it, e.g. (2, "velocity") for `config["velocity"]` of a call
`update(w, dw, config)` that updated the velocity array in place.
"""

from __future__ import annotations

import numpy as np

from grader.sandbox.protocol import DEFAULT_CAPS, Caps, ProtocolError, value_parts

Path = tuple


def keep(value, depth: int = 0, caps: Caps = DEFAULT_CAPS):
    """A deep copy of value for a later comparison: arrays copied, tuples, lists and dicts walked
    (dict subclasses as plain dicts), other values as they are (immutable, or beyond the protocol)."""
    if depth > caps.max_depth:
        return value
    kind = type(value)
    if issubclass(kind, np.ndarray):
        return np.array(value, copy=True, order="C")
    if issubclass(kind, tuple):
        return tuple(keep(v, depth + 1, caps) for v in tuple.__iter__(value))
    if issubclass(kind, list):
        return [keep(v, depth + 1, caps) for v in list.__iter__(value)]
    if issubclass(kind, dict):
        return {k: keep(v, depth + 1, caps) for k, v in dict.items(value)}
    return value


def changed_paths(before, after, path: Path = (), caps: Caps = DEFAULT_CAPS) -> list[Path]:
    """The paths (below `path`) where after differs from before, outermost first.

    A container whose kind or length changed, or a dict key added or removed, is one change at its
    own path; inside containers of the same shape the comparison goes on element by element."""
    kind_before, kind_after = _kind(before), _kind(after)
    if kind_before != kind_after or len(path) > caps.max_depth:
        return [] if kind_before == kind_after and _same_leaf(before, after, caps) else [path]
    if kind_before == "dict":
        old, new = dict(dict.items(before)), dict(dict.items(after))
        found = []
        for key in dict.fromkeys([*old, *new]):  # the keys sent, then the keys the call added
            if key in old and key in new:
                found += changed_paths(old[key], new[key], path + (key,), caps)
            else:
                found.append(path + (key,))
        return found
    if kind_before in ("tuple", "list"):
        old, new = _items(before), _items(after)
        if len(old) != len(new):
            return [path]
        return [change for i, (a, b) in enumerate(zip(old, new)) for change in changed_paths(a, b, path + (i,), caps)]
    return [] if _same_leaf(before, after, caps) else [path]


def call_changes(args: tuple, kwargs: dict, args_after: tuple, kwargs_after: dict,
                 caps: Caps = DEFAULT_CAPS) -> tuple[Path, ...]:
    """Every change a call made to its arguments: positions first, then keywords in call order."""
    found: list[Path] = []
    for i, (before, after) in enumerate(zip(args, args_after)):
        found += changed_paths(before, after, (i,), caps)
    for name, before in kwargs.items():
        found += changed_paths(before, kwargs_after[name], (name,), caps)
    return tuple(found)


def top_level(changes: tuple[Path, ...]) -> tuple:
    """The positions and keywords of the arguments that changed, once each, in order."""
    return tuple(dict.fromkeys(change[0] for change in changes))


def _kind(value) -> str:
    kind = type(value)
    for name, base in (("array", np.ndarray), ("tuple", tuple), ("list", list), ("dict", dict)):
        if issubclass(kind, base):
            return name
    return "leaf"


def _items(value) -> list:
    return list(tuple.__iter__(value) if issubclass(type(value), tuple) else list.__iter__(value))


def _same_leaf(before, after, caps: Caps) -> bool:
    """Whether the two values cross the pipe as the same bytes (a value over a cap never matches)."""
    try:
        old, new = value_parts(before, caps), value_parts(after, caps)
    except (ProtocolError, RecursionError):
        return False
    return len(old) == len(new) and all(_same_bytes(a, b) for a, b in zip(old, new))


def _same_bytes(a, b) -> bool:
    if isinstance(a, bytes) and isinstance(b, bytes):
        return a == b
    a, b = memoryview(a).cast("B"), memoryview(b).cast("B")
    return len(a) == len(b) and bool(np.array_equal(np.frombuffer(a, np.uint8), np.frombuffer(b, np.uint8)))
