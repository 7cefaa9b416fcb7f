"""A grader root whose manifest sets other limits: for tests that grade through the CLI (which only
overrides --timeout and --memory) under a full set of short limits."""

from dataclasses import asdict
from pathlib import Path

from grader.assignment import Assignment, Limits


def root_with_limits(assignment: Assignment, limits: Limits, folder: Path) -> Path:
    """A root (folder/root) whose manifest's [limits] table is `limits`, everything else linked to
    assignment's own kit, reference and hidden suite. Returns the new root."""
    root = Path(folder) / "root"
    kit = root / "assignments" / assignment.name
    kit.mkdir(parents=True)
    for item in assignment.kit_dir.iterdir():
        if item.name != "assignment.toml":
            (kit / item.name).symlink_to(item.resolve())
    for name in ("reference", "hidden_tests"):
        (root / name).symlink_to((assignment.root / name).resolve())
    original = (assignment.kit_dir / "assignment.toml").read_text(encoding="utf-8")
    (kit / "assignment.toml").write_text(with_limits(original, limits), encoding="utf-8")
    return root


def with_limits(manifest: str, limits: Limits) -> str:
    """The manifest text with its [limits] table replaced by limits (other tables kept as written)."""
    kept, skipping = [], False
    for line in manifest.splitlines():
        if line.lstrip().startswith("["):
            skipping = line.strip() == "[limits]"
        if not skipping:
            kept.append(line)
    table = [f"{key} = {value!r}" for key, value in asdict(limits).items()]
    return "\n".join(kept + ["", "[limits]", *table]) + "\n"
