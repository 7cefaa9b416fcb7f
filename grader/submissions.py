"""Find the students in a SUBMISSIONS folder and prepare each one as a private folder of plain .py files.

An entry is a folder of .py files, a notebook (.ipynb: only imports, definitions and simple constants
are kept, so training cells never run) or a .zip of either. Problems are values naming the file.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from grader import __version__
from grader.assignment import Assignment

KINDS = ("folder", "notebook", "zip")


class SubmissionsError(Exception):
    """SUBMISSIONS itself cannot be read (missing, not a folder, no permission)."""


class PrepareError(Exception):
    """One entry cannot be prepared; the message names the file and the problem."""


@dataclass(frozen=True)
class Caps:
    """Size caps for one submission: files kept, bytes per file, bytes in all."""

    max_files: int = 200
    max_file_bytes: int = 2 * 1024 * 1024
    max_total_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One student's submission as found in SUBMISSIONS. error: why it cannot be graded, or ""."""

    student: str
    path: Path
    kind: str
    error: str = ""


@dataclass
class Discovery:
    """The entries of SUBMISSIONS (sorted by student id) and the names skipped, with why."""

    entries: list[Entry]
    skipped: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    """A submission ready to grade: folder holds plain .py files (None when error is set).

    notes: remarks a student should read that grading cannot see (a symbolic link ignored, a
    notebook cell that does not parse); they go into the result's error. A missing file is reported
    by the worker, which scores its functions 0.
    """

    student: str
    folder: Path | None
    error: str = ""
    notes: list[str] = field(default_factory=list)


def _hidden(name: str) -> bool:
    return name.startswith((".", "__", "~"))


def discover(folder: Path) -> Discovery:
    """The entries of folder: sub-folders, *.ipynb and *.zip; hidden and dot files are ignored.

    Two entries with the same id (alice/ and alice.zip) are both kept, the second under its full
    name with an error, so nothing is graded twice or silently dropped.
    """
    folder = Path(folder)
    if not folder.exists():
        raise SubmissionsError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise SubmissionsError(f"{folder}: not a folder (expected a folder of submissions)")
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise SubmissionsError(f"{folder}: cannot read: {exc.strerror or exc}") from None
    entries: dict[str, Entry] = {}
    skipped = []
    for name in names:
        if _hidden(name):
            continue
        path = folder / name
        suffix = Path(name).suffix.lower()
        if path.is_symlink():
            skipped.append(f"{name}: a symbolic link (submissions must be real files or folders)")
            continue
        if path.is_dir():
            kind, student = "folder", name
        elif suffix == ".ipynb":
            kind, student = "notebook", Path(name).stem
        elif suffix == ".zip":
            kind, student = "zip", Path(name).stem
        else:
            skipped.append(f"{name}: not a folder, .ipynb or .zip")
            continue
        if student in entries:
            entries[name] = Entry(name, path, kind, f"{name}: duplicate student id {student!r} "
                                  f"(also {entries[student].path.name}); rename one and grade again")
        else:
            entries[student] = Entry(student, path, kind)
    return Discovery(sorted(entries.values(), key=lambda e: e.student), skipped)


# ---------------------------------------------------------------- content hash


def suite_fingerprint(assignment: Assignment, extra: str = "") -> str:
    """Hash of what decides a grade besides the submission: hidden suite, reference, manifest, grader.

    extra: anything else that changes results (e.g. overridden limits).
    """
    digest = hashlib.sha256(f"grader {__version__}\n{extra}\n".encode())
    manifest = assignment.kit_dir / "assignment.toml"
    for base in (assignment.hidden_tests_dir, assignment.reference_dir):
        for path in sorted(base.rglob("*")) if base.is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                _hash_file(digest, path.relative_to(assignment.root).as_posix(), path)
    if manifest.is_file():
        _hash_file(digest, "assignment.toml", manifest)
    for file in assignment.provided_files:
        if (assignment.kit_dir / file).is_file():
            _hash_file(digest, f"provided/{file}", assignment.kit_dir / file)
    return digest.hexdigest()


def _hash_file(digest, label: str, path: Path, limit: int | None = None) -> int:
    """Feed label and the file's bytes (at most limit) into digest; return the bytes read."""
    digest.update(f"\0{label}\0".encode())
    read = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if limit is not None and read + len(chunk) > limit:
                digest.update(b"\0<truncated>")
                return read
            digest.update(chunk)
            read += len(chunk)
    return read


def content_hash(entry: Entry, fingerprint: str, caps: Caps = Caps()) -> str:
    """Hash of the entry's files (names and bytes, symlinks by target) and the suite fingerprint.

    Equal hashes mean grading would give the same result, so a resumed batch can skip the entry.
    """
    digest = hashlib.sha256(f"{fingerprint}\0{entry.kind}\0{entry.error}".encode())
    try:
        if entry.kind != "folder":
            _hash_file(digest, entry.path.name, entry.path)
            return digest.hexdigest()
        budget = caps.max_total_bytes
        for root, dirs, files in os.walk(entry.path):
            dirs[:] = sorted(d for d in dirs if not _hidden(d))
            for name in sorted(f for f in files if not _hidden(f)):
                path = Path(root) / name
                label = path.relative_to(entry.path).as_posix()
                if path.is_symlink():
                    digest.update(f"\0{label}\0-> {os.readlink(path)}".encode())
                elif path.is_file() and budget > 0:
                    budget -= _hash_file(digest, label, path, limit=budget)
    except OSError as exc:
        digest.update(f"\0unreadable: {exc}".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- preparation


def prepare(entry: Entry, workdir: Path, assignment: Assignment, caps: Caps = Caps()) -> Prepared:
    """Make workdir/submission: a private folder with the entry's .py files (notebooks converted).

    Never raises for a bad submission: the problem comes back as Prepared.error.
    """
    dest = Path(workdir) / "submission"
    dest.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    try:
        if entry.error:
            raise PrepareError(entry.error)
        if entry.kind == "folder":
            _from_folder(entry.path, dest, entry.path.name, assignment, caps, notes)
        elif entry.kind == "notebook":
            _from_notebook(entry.path, dest, assignment, caps, notes)
        else:
            unpacked = Path(workdir) / "unpacked"
            extract_zip(entry.path, unpacked, caps)
            _from_folder(unpacked, dest, entry.path.name, assignment, caps, notes)
    except PrepareError as exc:
        return Prepared(entry.student, None, str(exc), notes)
    except OSError as exc:
        return Prepared(entry.student, None, f"{entry.path.name}: cannot read: {exc.strerror or exc}", notes)
    if not any((dest / f).is_file() for f in assignment.files):
        return Prepared(entry.student, None, f"{entry.path.name}: none of {', '.join(assignment.files)} "
                        "found, nothing to grade", notes)
    return Prepared(entry.student, dest, "", notes)


def _from_folder(src: Path, dest: Path, label: str, assignment: Assignment, caps: Caps,
                 notes: list[str]) -> None:
    """Copy src's top-level .py files into dest, or convert its one notebook.

    A folder holding a single sub-folder (e.g. a zip of alice/) is looked into.
    """
    for _ in range(3):
        names = [n for n in sorted(os.listdir(src)) if not _hidden(n)]
        useful = [n for n in names if n.endswith((".py", ".ipynb"))]
        subdirs = [n for n in names if (src / n).is_dir() and not (src / n).is_symlink()]
        if useful or len(subdirs) != 1:
            break
        src = src / subdirs[0]
    sources = [n for n in useful if n.endswith(".py")]
    notebooks = [n for n in useful if n.endswith(".ipynb")]
    if not sources and len(notebooks) == 1:
        _from_notebook(src / notebooks[0], dest, assignment, caps, notes)
        return
    if not sources and notebooks:
        raise PrepareError(f"{label}: several notebooks ({', '.join(notebooks)}): submit one")
    if not sources:
        raise PrepareError(f"{label}: no .py files or notebook found "
                           f"(expected {', '.join(assignment.files)})")
    if len(sources) > caps.max_files:
        raise PrepareError(f"{label}: {len(sources)} .py files, more than the {caps.max_files} allowed")
    total = 0
    for name in sources:
        path = src / name
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            notes.append(f"{name} is a symbolic link and was ignored: submit the file itself")
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if info.st_size > caps.max_file_bytes:
            raise PrepareError(f"{label}: {name} is {info.st_size} bytes, more than the "
                               f"{caps.max_file_bytes} allowed")
        total += info.st_size
        if total > caps.max_total_bytes:
            raise PrepareError(f"{label}: more than {caps.max_total_bytes} bytes of .py files")
        shutil.copyfile(path, dest / name, follow_symlinks=False)


def extract_zip(path: Path, dest: Path, caps: Caps = Caps()) -> None:
    """Unpack the zip at path into dest, refusing anything unsafe.

    Refused (PrepareError naming the entry): paths escaping dest ('../', absolute, drive letters),
    symbolic links, more than caps.max_files files, a file over caps.max_file_bytes, more than
    caps.max_total_bytes in all (counted while reading, not trusted from the header).
    Hidden entries and __MACOSX/ are skipped.
    """
    label = Path(path).name
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise PrepareError(f"{label}: not a valid zip file ({exc})") from None
    with archive:
        members = archive.infolist()
        files = 0
        total = 0
        for info in members:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or (parts and ":" in parts[0]) or ".." in parts:
                raise PrepareError(f"{label}: entry {name!r} escapes the submission folder; zip refused")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise PrepareError(f"{label}: entry {name!r} is a symbolic link; zip refused")
            if info.is_dir() or not parts or any(_hidden(p) for p in parts) or parts[0] == "__MACOSX":
                continue
            files += 1
            if files > caps.max_files:
                raise PrepareError(f"{label}: more than {caps.max_files} files; zip refused")
            target = dest.joinpath(*parts)
            if dest.resolve() not in target.resolve().parents:
                raise PrepareError(f"{label}: entry {name!r} escapes the submission folder; zip refused")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as src, open(target, "wb") as out:
                    size = 0
                    while chunk := src.read(1 << 16):
                        size += len(chunk)
                        total += len(chunk)
                        if size > caps.max_file_bytes:
                            raise PrepareError(f"{label}: entry {name!r} is larger than "
                                               f"{caps.max_file_bytes} bytes; zip refused")
                        if total > caps.max_total_bytes:
                            raise PrepareError(f"{label}: more than {caps.max_total_bytes} bytes "
                                               "unpacked; zip refused")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
                raise PrepareError(f"{label}: entry {name!r} cannot be read ({exc})") from None


def _from_notebook(path: Path, dest: Path, assignment: Assignment, caps: Caps, notes: list[str]) -> None:
    """Write the notebook's definitions into every graded file of the assignment."""
    size = path.stat().st_size
    if size > caps.max_total_bytes:
        raise PrepareError(f"{path.name}: notebook is {size} bytes, more than {caps.max_total_bytes} allowed")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PrepareError(f"{path.name}: notebook is not UTF-8 text") from None
    source = notebook_source(text, path.name, notes)
    for name in assignment.files:
        (dest / name).write_text(source, encoding="utf-8")


def notebook_source(text: str, label: str, notes: list[str]) -> str:
    """The Python module a notebook's code cells define: imports, functions, classes, constants.

    Everything else (training loops, plots, prints) is dropped, so nothing slow runs at import.
    Imports are wrapped so a missing course module (e.g. cs231n.data_utils) does not hide the
    definitions. Cell magics and shell lines are removed; a cell that does not parse is skipped
    with a note naming it.
    """
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 (nbformat raises unrelated types: JSON, schema, version errors)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PrepareError(f"{label}: not a valid notebook ({first[:200]})") from None
    kept = [f'"""Definitions taken from {label} by the grader (imports, functions, classes, constants)."""']
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code = _strip_magics(cell.get("source", ""))
        if not code.strip():
            continue
        try:
            tree = ast.parse(code)
        except SyntaxError as exc:
            notes.append(f"{label}: code cell {number} does not parse (line {exc.lineno}: {exc.msg}); "
                         "its definitions were not graded")
            continue
        for node in tree.body:
            kept.extend(_keep(node))
    return "\n\n".join(kept) + "\n"


def _strip_magics(code: str) -> str:
    """Drop IPython-only lines (%magic, !shell) and whole %%cell-magic cells."""
    if code.lstrip().startswith("%%"):
        return ""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())


def _keep(node: ast.stmt) -> list[str]:
    """The source to keep for one top-level statement of a notebook cell."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [ast.unparse(node)]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        body = ast.unparse(node)
        return [f"try:\n    {body}\nexcept ImportError:\n    pass"]
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        try:
            ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return []
        return [ast.unparse(node)]
    return []
