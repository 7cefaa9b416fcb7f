"""Build the Gradescope autograder zip: setup.sh and run_autograder at its root, the grader package,
pyproject.toml, the pinned versions of its dependencies (requirements.lock), and the assignment's
manifest and kit, reference and hidden tests (no caches)."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.assignment import Assignment
from grader.gradescope.pins import PINS_NAME, pinned_requirements
from grader.gradescope.results_json import VisibilityPolicy
from grader.gradescope.run import CONFIG_NAME
from grader.release import kit_files

TEMPLATES = Path(__file__).resolve().parent
#: The source checkout the running grader comes from: its package and pyproject.toml are bundled.
SOURCE_ROOT = Path(grader.__file__).resolve().parent.parent
#: Files Gradescope needs at the zip's root, and the template each is made from.
SCRIPTS = {"setup.sh": "setup.sh", "run_autograder": "run_autograder.sh"}
#: Project files pip needs to install the bundled grader.
PROJECT_FILES = ("pyproject.toml", "README.md")
#: A fixed timestamp for every entry, so the same sources give the same zip.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ExportError(ValueError):
    """The zip cannot be built; the message says why."""


@dataclass(frozen=True)
class Export:
    """A written autograder zip and the archive names in it (sorted)."""

    path: Path
    names: tuple[str, ...]


def bundle_files(assignment: Assignment) -> dict[str, Path]:
    """Archive name -> file on disk, for everything the zip carries besides its scripts and config.

    The grader package and its project files come from the running grader's source checkout; the
    assignment's folders from assignment.root.
    """
    missing = [name for name in PROJECT_FILES if not (SOURCE_ROOT / name).is_file()]
    if missing:
        raise ExportError(f"{SOURCE_ROOT} lacks {', '.join(missing)}: export from a source checkout of the "
                          "grader (pip install -e .), whose package Gradescope will install")
    files = {name: SOURCE_ROOT / name for name in PROJECT_FILES}
    package = SOURCE_ROOT / "grader"
    for rel in kit_files(package):
        files[f"grader/{rel.as_posix()}"] = package / rel
    for folder in (assignment.kit_dir, assignment.reference_dir, assignment.hidden_tests_dir):
        if not folder.is_dir():
            raise ExportError(f"{folder}: no such folder")
        prefix = folder.relative_to(assignment.root).as_posix()
        for rel in kit_files(folder):
            files[f"{prefix}/{rel.as_posix()}"] = folder / rel
    return files


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    archive.writestr(info, data)


def export_gradescope(assignment: Assignment, out_path: Path, policy: VisibilityPolicy) -> Export:
    """Write the autograder zip for assignment to out_path (replacing it) and return what it holds."""
    out_path = Path(out_path)
    files = bundle_files(assignment)
    policy.check(assignment)
    pins = "".join(f"{line}\n" for line in pinned_requirements())
    config = {"assignment": assignment.name, "visibility": policy.to_json()}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(out_path.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, template in SCRIPTS.items():
            _add(archive, name, (TEMPLATES / template).read_bytes(), executable=True)
        _add(archive, CONFIG_NAME, (json.dumps(config, indent=1) + "\n").encode())
        _add(archive, PINS_NAME, pins.encode())
        for name in sorted(files):
            _add(archive, name, files[name].read_bytes())
    partial.replace(out_path)
    return Export(path=out_path, names=tuple(sorted([*SCRIPTS, CONFIG_NAME, PINS_NAME, *files])))
