"""Turn the public tests' JUnit XML into a Markdown score summary (stdout), per graded function.

Usage: python .ci/score_summary.py public-tests.xml [assignment.toml] >> "$GITHUB_STEP_SUMMARY"
Standard library only: it runs in the student's repository, before or without any install.
The estimate is the share of public tests passed per function times its points: a guide, not
the grade (the grade comes from the hidden tests). A test counts for the function it declares
(`@pytest.mark.grade(function=...)`, which the kit's conftest writes into the report as the
testcase property `function`); a test that declares none counts only in the total.
The language is GRADER_LANG ("en" or "ko"), else the manifest's `[feedback] lang`, else English; Korean
comes from .ci/locale/ko/LC_MESSAGES/summary.mo next to this script (the standard library's gettext).
"""

import gettext
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_ = gettext.gettext  # replaced in main() by the chosen language's catalogue


def read_cases(junit_path):
    """[(test id, function it declares or "", passed, message)] for every testcase of a JUnit XML file."""
    cases = []
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        problem = next((child for child in case if child.tag in ("failure", "error")), None)
        skipped = any(child.tag == "skipped" for child in case)
        message = "" if problem is None else (problem.get("message") or problem.text or "").strip()
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        declared = [p.get("value", "") for p in case.iter("property") if p.get("name") == "function"]
        cases.append((name, declared[0] if declared else "", problem is None and not skipped,
                      message.splitlines()[0] if message else ""))
    return cases


def read_manifest(manifest_path):
    """The assignment manifest as a dict, or {} when it is absent or unreadable (or Python has no tomllib)."""
    try:
        import tomllib

        return tomllib.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError):
        return {}


def read_points(manifest):
    """{function: points} from the manifest dict, or {} when it declares none readable."""
    try:
        return {name: float(spec["points"]) for name, spec in manifest.get("functions", {}).items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        return {}


def translation(manifest):
    """The gettext translation of GRADER_LANG, else of the manifest's [feedback] lang, else English (also
    when the catalogue for the language is missing: the summary is still written)."""
    feedback = manifest.get("feedback", {})
    lang = os.environ.get("GRADER_LANG") or (feedback.get("lang") if isinstance(feedback, dict) else None)
    if not lang or lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("summary", localedir=str(LOCALE_DIR), languages=[str(lang)], fallback=True)


def summary(cases, points):
    """The Markdown summary: totals, a table per function, and the failed tests."""
    passed = sum(ok for _, _, ok, _ in cases)
    lines = [_("## Public tests"), "",
             _("**{passed} / {total} public tests passed.**").format(passed=passed, total=len(cases)), ""]
    if points:
        lines += [_("| function | public tests passed | estimate |"), "|---|---|---|"]
        for fn, worth in points.items():
            mine = [ok for _, declared, ok, _ in cases if declared == fn]
            estimate = worth * sum(mine) / len(mine) if mine else 0.0
            lines.append(f"| `{fn}` | {sum(mine)} / {len(mine)} | {estimate:g} / {worth:g} |")
        undeclared = sum(declared not in points for _, declared, _, _ in cases)
        if undeclared:
            lines += ["", _("{count} public tests declare no graded function: they count in the total only.")
                      .format(count=undeclared)]
        lines += ["", _("The estimate is a guide only: your grade comes from the hidden tests."), ""]
    failed = [(test_id, message) for test_id, _, ok, message in cases if not ok]
    if failed:
        no_message = _("failed")
        lines += [_("### Failed"), ""]
        lines += [f"- `{test_id}`: {message or no_message}" for test_id, message in failed]
    return "\n".join(lines) + "\n"


def main(argv):
    global _
    manifest = read_manifest(argv[1] if len(argv) > 1 else "assignment.toml")
    _ = translation(manifest).gettext
    if not argv or not Path(argv[0]).is_file():
        print(_("## Public tests") + "\n\n"
              + _("No test report was produced: the tests could not run (see the job log)."))
        return 0
    try:
        cases = read_cases(argv[0])
    except ET.ParseError as exc:
        print(_("## Public tests") + "\n\n"
              + _("The test report {path} is not valid JUnit XML: {error}").format(path=argv[0], error=exc))
        return 0
    print(summary(cases, read_points(manifest)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
