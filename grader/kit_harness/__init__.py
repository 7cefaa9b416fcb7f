"""The student kit's test harness, written once for every assignment: the public tests' pytest setup,
in-process binding, plain-words failures, message language and the kit's Makefile. Nothing here names
an assignment: the files read the kit's own assignment.toml. `grader release` stamps them into each
released kit (STAMPED); the repository's kits hold the same files byte for byte (tests/test_kit.py).

These files run on the student's machine with only numpy, pytest and hypothesis (Python >= 3.10): they
never import the grader.
"""

from pathlib import Path

HARNESS_DIR = Path(__file__).resolve().parent
#: Each harness file (name in HARNESS_DIR) and where it goes in a kit (POSIX path under the kit folder).
STAMPED = {
    "conftest.py": "tests/conftest.py",
    "kit_binding.py": "tests/kit_binding.py",
    "kit_failures.py": "tests/kit_failures.py",
    "kit_i18n.py": "tests/kit_i18n.py",
    "kit_manifest.py": "tests/kit_manifest.py",
    "kit_report.py": "tests/kit_report.py",
    "Makefile": "Makefile",
}
