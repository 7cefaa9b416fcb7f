#!/usr/bin/env bash
# Gradescope runs this (as /autograder/run_autograder) for every submission: it grades
# $AUTOGRADER_ROOT/submission with the bundled hidden tests and writes
# $AUTOGRADER_ROOT/results/results.json. AUTOGRADER_ROOT defaults to /autograder;
# GRADER_PYTHON picks the interpreter (default: the virtual environment setup.sh made).
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="${AUTOGRADER_SOURCE:-$ROOT/source}"
PYTHON="${GRADER_PYTHON:-$ROOT/venv/bin/python}"
RESULTS="$ROOT/results/results.json"

mkdir -p "$ROOT/results"
cd "$SOURCE" || exit 1
PYTHONPATH="$SOURCE${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -m grader.gradescope.run \
    --root "$SOURCE" --submission "$ROOT/submission" --results "$RESULTS" \
    --metadata "$ROOT/submission_metadata.json"
status=$?
if [ ! -s "$RESULTS" ]; then
    # The grader itself could not run: still give Gradescope a valid result that says so.
    printf '{"score": 0, "output": "The autograder could not run (exit status %s). This is not your fault: please tell your instructor.", "tests": []}\n' "$status" > "$RESULTS"
fi
exit 0
