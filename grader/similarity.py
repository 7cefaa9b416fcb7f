"""Code similarity across a class (`grader similarity`): every pair of submissions compared file by file
with copydetect's winnowing fingerprints, the stub's own code removed as boilerplate, pairs ranked.

It accuses nobody: short functions written from the same docstring converge, and a high rank only
says which pairs a person should read side by side. Submissions are read as `grader grade` reads
them (folders, notebooks, zips); one that cannot be read is listed, never fatal.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import tempfile
import warnings
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from grader.assignment import Assignment
from grader.reports.atomic import write_atomic
from grader.submissions import discover, prepare

#: Pairs at or above this similarity (Pair.similarity) go into the report's details and pairs.csv.
DEFAULT_THRESHOLD = 0.5
#: copydetect's noise threshold: the shortest run of matching (normalized) characters counted.
NOISE = 25


@dataclass(frozen=True)
class FilePair:
    """One file of two students: the share of each one's code found in the other (0..1), the shared
    tokens, each side's token count (stub code removed), and the highlighted code (HTML, escaped)."""

    file: str
    share_a: float
    share_b: float
    tokens: int
    tokens_a: int
    tokens_b: int
    code_a: str
    code_b: str

    @property
    def similarity(self) -> float:
        return max(self.share_a, self.share_b)


@dataclass(frozen=True)
class Pair:
    """Two students and their compared files. similarity: the shared tokens of all files over the
    smaller side's tokens, so a one-line function everyone writes alike weighs as little as it is long."""

    a: str
    b: str
    files: tuple[FilePair, ...]

    @property
    def similarity(self) -> float:
        shared = sum(f.tokens for f in self.files)
        smaller = min(sum(f.tokens_a for f in self.files), sum(f.tokens_b for f in self.files))
        return min(1.0, shared / smaller) if smaller else 0.0


@dataclass(frozen=True)
class Similarity:
    """Every pair, most similar first; the students compared; the entries that could not be read."""

    pairs: tuple[Pair, ...]
    students: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...]


def _stage(submissions: Path, assignment: Assignment, work: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Prepare each submission's assignment files into work/<k>/ (k: its index, so no id reaches a path)."""
    students, unreadable = [], []
    for entry in discover(submissions).entries:
        prepared = prepare(entry, work / "prepare" / str(len(students) + len(unreadable)), assignment)
        if prepared.error or prepared.folder is None:
            unreadable.append((entry.student, prepared.error or "nothing to read"))
            continue
        target = work / "code" / str(len(students))
        target.mkdir(parents=True)
        for name in assignment.files:
            source = prepared.folder / name
            if source.is_file():
                (target / name).write_bytes(source.read_bytes())
        students.append(entry.student)
    return students, unreadable


def compare(submissions: Path, assignment: Assignment) -> Similarity:
    """Compare every pair of submissions in `submissions` on the assignment's files."""
    from copydetect import CodeFingerprint, compare_files
    from copydetect.utils import highlight_overlap

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # copydetect warns per file
    with tempfile.TemporaryDirectory(prefix="grader-similarity-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "empty slices array" for every pair with nothing in common
        work = Path(tmp)
        students, unreadable = _stage(Path(submissions), assignment, work)
        fingerprints: dict[tuple[int, str], object] = {}
        for name in assignment.files:
            stub = assignment.kit_dir / name
            boilerplate = CodeFingerprint(str(stub), NOISE, 1).hashes if stub.is_file() else []
            for k in range(len(students)):
                path = work / "code" / str(k) / name
                if path.is_file():
                    try:
                        fingerprints[(k, name)] = CodeFingerprint(str(path), NOISE, 1, list(boilerplate),
                                                                  encoding="utf-8")
                    except (UnicodeDecodeError, ValueError):
                        continue
        pairs = []
        for i, j in combinations(range(len(students)), 2):
            files = []
            for name in assignment.files:
                if (i, name) not in fingerprints or (j, name) not in fingerprints:
                    continue
                first, second = fingerprints[(i, name)], fingerprints[(j, name)]
                tokens, (share_a, share_b), (slices_a, slices_b) = compare_files(first, second)
                code_a, _ = highlight_overlap(first.raw_code, slices_a, '<mark class="a">', "</mark>",
                                              escape_html=True)
                code_b, _ = highlight_overlap(second.raw_code, slices_b, '<mark class="b">', "</mark>",
                                              escape_html=True)
                files.append(FilePair(name, float(share_a), float(share_b), int(tokens), int(first.token_coverage),
                                      int(second.token_coverage), code_a, code_b))
            pairs.append(Pair(students[i], students[j], tuple(files)))
    ranked = sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b))
    return Similarity(pairs=tuple(ranked), students=tuple(students), unreadable=tuple(unreadable))


def pairs_csv(found: Similarity, threshold: float) -> str:
    """One row per (pair, file) of the pairs at or above threshold: rank, students, file, shares, tokens."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "student_a", "student_b", "similarity", "file", "share_of_a", "share_of_b",
                     "shared_tokens"])
    for rank, pair in enumerate((p for p in found.pairs if p.similarity >= threshold), start=1):
        for f in sorted(pair.files, key=lambda f: -f.similarity):
            writer.writerow([rank, _cell(pair.a), _cell(pair.b), f"{pair.similarity:.3f}", f.file,
                             f"{f.share_a:.3f}", f"{f.share_b:.3f}", f.tokens])
    return buffer.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 90em; color: #222; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; }
td.num { text-align: right; } .note { background: #f4f4e8; padding: .6em 1em; border-left: 4px solid #aa8; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; } pre { overflow-x: auto; background: #fafafa; }
mark.a { background: #fcc; } mark.b { background: #cfc; } details { margin: .5em 0 1em; }
"""


def report_html(found: Similarity, threshold: float, title: str) -> str:
    """A self-contained page (no script, no external asset): the note, the ranking, then for each pair
    at or above threshold its files side by side with the shared code highlighted."""
    e = html.escape
    shown = [p for p in found.pairs if p.similarity >= threshold]
    parts = [(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(title)}: code similarity'
              f"</title><style>{_STYLE}</style></head><body><h1>{e(title)}: code similarity</h1>"),
             ('<p class="note">Pairs are ranked by how much of one submission\'s code (the stub\'s own code '
              "removed) also appears in the other. A high rank is a reason to read two submissions side by side, "
              "not evidence of copying: short functions written from the same docstring look alike.</p>"),
             (f"<p>{len(found.students)} submissions compared, {len(found.pairs)} pairs; {len(shown)} at or above "
              f"{threshold:.0%}.</p>")]
    if found.unreadable:
        parts.append("<p>Not compared (unreadable): " + ", ".join(f"{e(s)} ({e(why)})" for s, why in found.unreadable)
                     + "</p>")
    rows = "".join(f'<tr><td class="num">{k}</td><td>{e(p.a)}</td><td>{e(p.b)}</td>'
                   f'<td class="num">{p.similarity:.0%}</td>'
                   f'<td>{", ".join(e(f.file) for f in p.files if f.similarity >= threshold)}</td></tr>'
                   for k, p in enumerate(shown, start=1))
    parts.append("<table><thead><tr><th>Rank</th><th>Student A</th><th>Student B</th><th>Similarity</th>"
                 f"<th>Files</th></tr></thead><tbody>{rows}</tbody></table>")
    for k, pair in enumerate(shown, start=1):
        parts.append(f'<section id="pair-{k}"><h2>{k}. {e(pair.a)} and {e(pair.b)} ({pair.similarity:.0%})</h2>')
        for f in sorted(pair.files, key=lambda f: -f.similarity):
            parts.append(f"<details{' open' if k <= 3 else ''}><summary>{e(f.file)}: {f.share_a:.0%} of "
                         f"{e(pair.a)}'s, {f.share_b:.0%} of {e(pair.b)}'s</summary><div class=\"side\">"
                         f"<pre><code>{f.code_a}</code></pre><pre><code>{f.code_b}</code></pre></div></details>")
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_similarity(found: Similarity, out_dir: Path, threshold: float, title: str) -> tuple[Path, Path]:
    """Write out_dir/similarity.html and out_dir/pairs.csv; returns their paths."""
    out_dir = Path(out_dir)
    page, table = out_dir / "similarity.html", out_dir / "pairs.csv"
    write_atomic(page, report_html(found, threshold, title))
    write_atomic(table, pairs_csv(found, threshold))
    return page, table
