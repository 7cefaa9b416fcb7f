"""Build Jupyter notebooks from readable percent-format sources (`# %%` code cells, `# %% [markdown]`
cells of `# ` comment lines; `# %magic` lines of a code cell become IPython magics), deterministically, so the committed .ipynb can be checked for drift."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

CODE_MARKER = "# %%"
#: An IPython line magic written as a comment in a code cell of the source ("# %load_ext autoreload"),
#: so the source stays valid Python; the notebook gets the magic itself.
MAGIC = re.compile(r"^# %[A-Za-z]")
MARKDOWN_MARKER = "# %% [markdown]"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@dataclass(frozen=True)
class NotebookTarget:
    """One notebook of an assignment: its percent-format source and the .ipynb built from it."""

    source: Path
    target: Path


def parse_cells(text: str) -> list[tuple[str, str]]:
    """Split a percent-format script into (cell_type, source) pairs, in order.

    Lines before the first marker are the file's own header (not part of the notebook). Markdown
    cells drop the leading "# " (or "#") of each line. Blank lines around a cell are trimmed.
    """
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        stripped = line.rstrip()
        if stripped == MARKDOWN_MARKER:
            cells.append(("markdown", []))
        elif stripped == CODE_MARKER:
            cells.append(("code", []))
        elif cells:
            kind, lines = cells[-1]
            if kind == "markdown":
                lines.append(stripped[2:] if stripped.startswith("# ") else stripped.lstrip("#"))
            elif MAGIC.match(stripped):
                lines.append(stripped[2:])  # "# %autoreload 2" in the source is the magic in the notebook
            else:
                lines.append(stripped)
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in cells if "".join(lines).strip()]


def build_notebook(text: str) -> nbformat.NotebookNode:
    """A v4 notebook (no outputs, stable cell ids, python3 kernelspec) from percent-format text."""
    cells = []
    for index, (kind, source) in enumerate(parse_cells(text)):
        maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cells.append(maker(source, id=f"cell-{index:03d}"))
    metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    nbformat.validate(notebook)
    return notebook


def render(text: str) -> str:
    """The .ipynb file text built from percent-format text (what is committed)."""
    return nbformat.writes(build_notebook(text)) + "\n"


def notebook_targets(kit_dir: Path) -> list[NotebookTarget]:
    """Every kit_dir/notebook/<stem>.py source with its built notebook kit_dir/<stem>.ipynb."""
    return [NotebookTarget(source=p, target=Path(kit_dir) / f"{p.stem}.ipynb")
            for p in sorted((Path(kit_dir) / "notebook").glob("*.py"))]


def stale_notebooks(kit_dir: Path) -> dict[Path, str]:
    """The built notebooks of kit_dir that differ from a fresh build of their source (or are missing),
    each with its fresh text."""
    stale = {}
    for item in notebook_targets(kit_dir):
        fresh = render(item.source.read_text(encoding="utf-8"))
        if not item.target.is_file() or item.target.read_text(encoding="utf-8") != fresh:
            stale[item.target] = fresh
    return stale


def build_notebooks(kit_dir: Path) -> list[Path]:
    """Rebuild every stale notebook of kit_dir from its source; returns the notebooks written."""
    stale = stale_notebooks(kit_dir)
    for target, text in stale.items():
        target.write_text(text, encoding="utf-8")
    return list(stale)
