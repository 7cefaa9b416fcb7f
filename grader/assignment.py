"""Load an assignment's manifest (assignments/<name>/assignment.toml) and locate its folders."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader.i18n import LANGUAGES
from grader.late_policy import LatePolicy

#: The repository root (parent of the grader package): default home of assignments/, reference/, hidden_tests/.
DEFAULT_ROOT = Path(__file__).resolve().parent.parent


class ManifestError(ValueError):
    """The manifest is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Limits:
    """Per-submission worker limits; seconds, megabytes and kilobytes as named.

    disk_kb: what the submission's code may write in all (its private copy's growth; at level 1 also
    every byte the worker process writes anywhere), see grader.sandbox.quota."""

    disk_kb: int = 32 * 1024
    call_timeout_s: float = 20.0
    submission_timeout_s: float = 300.0
    cpu_s: int = 240
    memory_mb: int = 2048
    output_kb: int = 256
    #: A call the reference made in this batch's reference run may take reference_time_factor times the
    #: reference's time on it, at least reference_time_floor_s, at most call_timeout_s (factor 0: always
    #: call_timeout_s); see grader.sandbox.call_times.
    reference_time_factor: float = 1000.0
    reference_time_floor_s: float = 2.0
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
    `my_loss_vectorized` graded as `my_loss`), tried in order when `name` is absent.
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
    #: [feedback] max_points_per_cause: the most one diagnosed mistake can cost (hidden-test points), or None.
    max_points_per_cause: float | None = None
    #: [feedback] lang: the language of the feedback students read unless `--lang` says otherwise.
    lang: str = "en"
    #: Finished files of the kit supplied to every graded submission (the kit's copy replaces the student's).
    provided_files: tuple[str, ...] = ()
    #: Finished functions handed out inside student files: not graded, and not a leak of the reference.
    provided_functions: tuple[str, ...] = ()
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


def _cause_cap(table: dict) -> float | None:
    """The manifest's [feedback] max_points_per_cause (a number >= 0), or None when absent."""
    cap = table.get("max_points_per_cause")
    if cap is None:
        return None
    if isinstance(cap, bool) or not isinstance(cap, (int, float)) or cap < 0:
        raise ValueError(f"[feedback] max_points_per_cause must be a number >= 0, got {cap!r}")
    return float(cap)


def _language(table: dict) -> str:
    """The manifest's [feedback] lang, one of grader.i18n.LANGUAGES ("en" when absent)."""
    lang = table.get("lang", "en")
    if lang not in LANGUAGES:
        raise ValueError(f"[feedback] lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def assignment_names(root: Path | str = DEFAULT_ROOT) -> tuple[str, ...]:
    """The assignments under root: the folders of root/assignments holding an assignment.toml, sorted."""
    folder = Path(root) / "assignments"
    return tuple(sorted(p.parent.name for p in folder.glob("*/assignment.toml"))) if folder.is_dir() else ()


def resolve_name(name: str | None, root: Path | str = DEFAULT_ROOT) -> str:
    """The assignment to use: `name` when given, else the only one under root.

    Raises ManifestError (one line) when name is None and root holds no assignment or several.
    """
    if name:
        return name
    names = assignment_names(root)
    if len(names) == 1:
        return names[0]
    if not names:
        raise ManifestError(f"{Path(root) / 'assignments'}: no assignment (a folder with assignment.toml)")
    raise ManifestError(f"several assignments ({', '.join(names)}): choose one with --assignment NAME")


def load_assignment(name: str | None = None, root: Path | str = DEFAULT_ROOT) -> Assignment:
    """Read assignments/<name>/assignment.toml under root (name None: the only assignment there);
    raise ManifestError naming the problem."""
    root = Path(root)
    name = resolve_name(name, root)
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
        provided = data.get("provided", {})
        provided_files = tuple(str(f) for f in provided.get("files", ()))
        for file in provided_files:
            if Path(file).name != file or not file.endswith(".py"):
                raise ValueError(f"provided file {file!r} must be a .py file name without folders")
            if file in {spec.file for spec in functions}:
                raise ValueError(f"provided file {file!r} holds graded functions")
        search = _search(data.get("layout", {}).get("search", [""]))
        return Assignment(
            name=str(data.get("name", name)),
            title=str(data.get("title", name)),
            seed=int(data["seed"]),
            functions=functions,
            limits=limits,
            root=root,
            late=late,
            max_points_per_cause=_cause_cap(data.get("feedback", {})),
            lang=_language(data.get("feedback", {})),
            provided_files=provided_files,
            provided_functions=tuple(str(f) for f in provided.get("functions", ())),
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
