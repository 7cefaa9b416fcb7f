"""Inside Gradescope (called by run_autograder): grade the one submission folder with the bundled
hidden suite and write results.json; a submission that cannot be graded is a result, not a crash.

python -m grader.gradescope.run --root SOURCE --submission DIR --results FILE [--metadata FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import grader
from grader import i18n
from grader.assignment import Assignment, ManifestError, load_assignment
from grader.gradescope.metadata import MetadataError, SubmissionMetadata, read_metadata
from grader.gradescope.results_json import VisibilityPolicy, gradescope_results
from grader.grading import grade_submission
from grader.reports import write_atomic
from grader.sandbox.scratch import Scratch
from grader.submissions import Entry, prepare

#: The export's settings, at the root of the unpacked zip.
CONFIG_NAME = "gradescope.json"
#: The student id in results (Gradescope knows who submitted; the grader does not need to).
STUDENT = "submission"


def submission_entry(folder: Path) -> Entry:
    """The entry for Gradescope's submission folder: the folder itself (graded files found wherever
    they sit in it, notebooks included), or the one zip it holds when it holds no code besides."""
    files = [p for p in sorted(folder.iterdir()) if not p.name.startswith(".")] if folder.is_dir() else []
    zips = [p for p in files if p.suffix == ".zip"]
    if len(zips) == 1 and not any(p.suffix in (".py", ".ipynb") for p in folder.rglob("*")):
        return Entry(STUDENT, zips[0], "zip")
    error = "" if folder.is_dir() else f"no submission folder at {folder}"
    return Entry(STUDENT, folder, "folder", error)


def grade_for_gradescope(root: Path, submission: Path,
                         metadata: SubmissionMetadata | None = None) -> tuple[dict, Assignment]:
    """Grade submission with the assignment bundled under root; returns (results.json dict, assignment).
    With metadata, the result names the submitters and the manifest's late policy is applied."""
    config = json.loads((root / CONFIG_NAME).read_text(encoding="utf-8"))
    assignment = load_assignment(config["assignment"], root)
    policy = VisibilityPolicy.from_json(config.get("visibility", {}))
    with Scratch("gradescope-") as workdir:  # locked like every grader folder (grader.sandbox.scratch)
        entry = submission_entry(submission)
        result = grade_submission(prepare(entry, workdir.path, assignment), assignment, entry=entry)
    if metadata is not None:
        result = dataclasses.replace(result, student=metadata.names)
    messages = i18n.messages(assignment.lang, assignment.hidden_tests_dir / "locale")  # the manifest's language
    return gradescope_results(result, assignment, policy, metadata, messages), assignment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope.run", description=__doc__)
    parser.add_argument("--root", type=Path, required=True, help="the unpacked autograder zip")
    parser.add_argument("--submission", type=Path, required=True, help="the student's files")
    parser.add_argument("--results", type=Path, required=True, help="where results.json goes")
    parser.add_argument("--metadata", type=Path, default=None, help="Gradescope's submission_metadata.json")
    args = parser.parse_args(argv)
    metadata = None
    if args.metadata is not None and args.metadata.exists():
        try:
            metadata = read_metadata(args.metadata)
        except MetadataError as exc:  # graded all the same; staff read this in the autograder output
            print(f"grader: {exc}; graded without names or late policy", file=sys.stderr)
    try:
        data, assignment = grade_for_gradescope(args.root, args.submission, metadata)
    except (OSError, ValueError, KeyError, ManifestError) as exc:
        print(f"grader: cannot grade: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    write_atomic(args.results, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"graded {assignment.name}: {data['score']:g} / {assignment.max_score:g} "
          f"(grader {grader.__version__} from {Path(grader.__file__).parent})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
