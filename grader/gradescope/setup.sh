#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu): it installs a
# Python >= 3.11 and the bundled grader with its dependencies into a virtual environment, at
# $AUTOGRADER_ROOT/venv (AUTOGRADER_ROOT defaults to /autograder, as in run_autograder; GRADER_VENV
# overrides the folder). Workers run as 'nobody', who can execute this venv's Python (not under /root).
set -euo pipefail
SOURCE="$(cd "$(dirname "$0")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
VENV="${GRADER_VENV:-$ROOT/venv}"

export DEBIAN_FRONTEND=noninteractive
apt-get update
if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=python3
    apt-get install -y --no-install-recommends python3-venv python3-pip
else
    PYTHON=python3.11
    apt-get install -y --no-install-recommends software-properties-common
    apt-get install -y --no-install-recommends python3.11 python3.11-venv \
        || { add-apt-repository -y ppa:deadsnakes/ppa && apt-get update \
             && apt-get install -y --no-install-recommends python3.11 python3.11-venv; }
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
# Every dependency at the version the export was made with (requirements.lock), so a rebuild of the
# image mid-term grades the same. The sandbox extra (Landlock, seccomp) is optional: without it the
# grader runs at a lower level.
PINS="$SOURCE/requirements.lock"
"$VENV/bin/python" -m pip install -c "$PINS" "$SOURCE[sandbox]" || "$VENV/bin/python" -m pip install -c "$PINS" "$SOURCE"
"$VENV/bin/python" -c "import grader, numpy, hypothesis, pytest; print('grader', grader.__version__, 'installed')"
