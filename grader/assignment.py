"""Load an assignment's manifest (assignments/<name>/assignment.toml) and locate its folders."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader.late_policy import LatePolicy

#: The repository root (parent of the grader package): default home of assignments/, reference/, hidden_tests/.
DEFAULT_ROOT = Path(__file__).resolve().parent.parent


class ManifestError(ValueError):
    """The manifest is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Limits:
    """Per-submission worker limits; seconds, megabytes and kilobytes as named."""

    call_timeout_s: float = 20.0
    submission_timeout_s: float = 300.0
    cpu_s: int = 240
    memory_mb: int = 2048
    output_kb: int = 256
    #: Size caps of one submission, the only ones (preparation and the worker's copy both use them):
    #: the largest source file graded (a .py file, or the definitions taken from a notebook), all
    #: .py and .ipynb files of a submission (or its zip file) together, and how many of them.
    file_kb: int = 1024
    submission_kb: int = 20 * 1024
    max_files: int = 200

    @property
    def file_bytes(self) -> int:
        return int(self.file_kb) * 1024

    @property
    def submission_bytes(self) -> int:
        return int(self.submission_kb) * 1024


@dataclass(frozen=True)
class FunctionSpec:
    """One graded function: its name, the file it lives in, and its points.

    aliases: other names a submission may define it under (the course's own names, e.g. a
    `softmax_loss_vectorized` graded as `softmax_loss`), tried in order when `name` is absent.
    """

    name: str
    file: str
    points: float
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """An assignment as the grader sees it: manifest data plus the folders it lives in."""

    name: str
    title: str
    seed: int
    functions: tuple[FunctionSpec, ...]
    limits: Limits
    root: Path = field(default=DEFAULT_ROOT)
    late: LatePolicy | None = None
    #: Folders (relative to the submission, "" for its top) where graded files are looked for, in
    #: order; any other depth comes after them (manifest: [layout] search).
    search: tuple[str, ...] = ("",)

    @property
    def kit_dir(self) -> Path:
        """What students receive: stubs, public tests, notebook."""
        return self.root / "assignments" / self.name

    @property
    def reference_dir(self) -> Path:
        """The instructor's solutions (never shown to a worker)."""
        return self.root / "reference" / self.name

    @property
    def hidden_tests_dir(self) -> Path:
        """The hidden property tests that decide grades."""
        return self.root / "hidden_tests" / self.name

    @property
    def files(self) -> tuple[str, ...]:
        """The student files, in manifest order, without repeats."""
        return tuple(dict.fromkeys(f.file for f in self.functions))

    @property
    def max_score(self) -> float:
        return sum(f.points for f in self.functions)

    def function(self, name: str) -> FunctionSpec:
        for spec in self.functions:
            if spec.name == name:
                return spec
        raise KeyError(f"assignment {self.name!r} has no function {name!r}")


def load_assignment(name: str = "loss_optimization", root: Path | str = DEFAULT_ROOT) -> Assignment:
    """Read assignments/<name>/assignment.toml under root; raise ManifestError naming the problem."""
    root = Path(root)
    path = root / "assignments" / name / "assignment.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest (is {name!r} an assignment under {root}?)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None
    try:
        functions = tuple(
            FunctionSpec(name=fn, file=str(spec["file"]), points=float(spec["points"]),
                         aliases=_names(spec.get("aliases", []), f"functions.{fn}.aliases"))
            for fn, spec in data["functions"].items()
        )
        limits = Limits(**data.get("limits", {}))
        late = LatePolicy.from_table(data["late"]) if "late" in data else None
        search = _search(data.get("layout", {}).get("search", [""]))
        return Assignment(
            name=str(data.get("name", name)),
            title=str(data.get("title", name)),
            seed=int(data["seed"]),
            functions=functions,
            limits=limits,
            root=root,
            late=late,
            search=search,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ManifestError(f"{path}: malformed manifest: {exc!r}") from None


def _names(value, key: str) -> tuple[str, ...]:
    """A list of Python identifiers from the manifest (key names it in the error)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.isidentifier() for v in value):
        raise ValueError(f"{key} must be a list of function names, got {value!r}")
    return tuple(value)


def _search(value) -> tuple[str, ...]:
    """[layout] search: relative folders ("" or "." for the top, "a/b"), no "..", no absolute paths."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"layout.search must be a list of folders, got {value!r}")
    folders = []
    for item in value:
        parts = [p for p in item.replace("\\", "/").split("/") if p not in ("", ".")]
        if item.startswith("/") or ".." in parts:
            raise ValueError(f"layout.search: {item!r} must be a folder inside the submission")
        folders.append("/".join(parts))
    return tuple(dict.fromkeys(folders)) or ("",)
