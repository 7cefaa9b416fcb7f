#!/usr/bin/env bash
# Grade a class on Slurm: N array tasks (task I grades shard I/N), then a merge job that starts only
# when all of them succeeded. OUT must be on storage every node sees (the shards write there).
#
#   submit.sh SUBMISSIONS OUT N [sbatch options...]      e.g. submit.sh /shared/class /shared/out 20 -p short
#
# Environment: GRADER (default: grader on PATH), GRADER_ARGS (extra `grader grade` options, e.g.
# "--timeout 120"), MERGE_ARGS (extra `grader merge` options). Prints the two job ids; the reports
# end up in OUT/reports. A failed task can be resubmitted alone: sbatch --array=I grade-shard.sbatch
# (with the same environment), then the merge again.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 SUBMISSIONS OUT N [sbatch options...]" >&2
    exit 2
fi
submissions="$(realpath "$1")"; out="$2"; count="$3"; shift 3
case "$count" in ''|*[!0-9]*|0) echo "$0: N must be a positive integer, got '$count'" >&2; exit 2;; esac
mkdir -p "$out"
out="$(realpath "$out")"
here="$(dirname "$(realpath "$0")")"
export SUBMISSIONS="$submissions" OUT="$out"
array="$(sbatch --parsable --export=ALL --array="1-$count" --chdir="$out" "$@" "$here/grade-shard.sbatch")"
array="${array%%;*}"
merge="$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --chdir="$out" "$@" "$here/merge.sbatch")"
echo "grading: array job $array ($count tasks); merge: job ${merge%%;*} -> $out/reports"
