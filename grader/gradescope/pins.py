"""The exact versions the autograder image installs: the running grader's dependencies (with the
sandbox extra), followed through their own requirements, pinned to the versions installed here, so a
rebuild of the image mid-term grades with the same libraries as the export was tested with.
"""

from __future__ import annotations

from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: The file in the zip that setup.sh installs with `pip install -c`.
PINS_NAME = "requirements.lock"


class PinError(ValueError):
    """A dependency of the grader is not installed here, so its version cannot be pinned."""


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**default_environment(), "extra": extra}) for extra in extras | {""})


def pinned_requirements(distribution: str = "grader", extras: tuple[str, ...] = ("sandbox",)) -> list[str]:
    """`name==version` lines for every installed dependency of `distribution`[extras], sorted."""
    pins: dict[str, str] = {}
    missing: list[str] = []
    pending = [(Requirement(r), set(extras)) for r in metadata.requires(distribution) or []]
    while pending:
        requirement, wanted = pending.pop()
        if not _applies(requirement, wanted):
            continue
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(distribution) or name in pins:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(requirement.name)
            continue
        pins[name] = dist.version
        pending += [(Requirement(r), set(requirement.extras)) for r in dist.requires or []]
    if missing:
        raise PinError(f"cannot pin {', '.join(sorted(set(missing)))}: not installed here "
                       "(install the grader with its sandbox extra: pip install -e '.[sandbox]')")
    return [f"{name}=={version}" for name, version in sorted(pins.items())]
