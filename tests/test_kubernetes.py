"""The Kubernetes templates: valid against the Kubernetes schema (kubernetes-validate, offline), and an
Indexed Job whose pods map JOB_COMPLETION_INDEX 0..N-1 to shards 1/N..N/N of one shared volume, with
per-index retries, and a merge Job reading those shards from the same volume."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.sharding import select_shard

FOLDER = Path(__file__).resolve().parent.parent / "ci_templates" / "instructor" / "kubernetes"
SHARDS, MERGE = FOLDER / "grade-class.yaml", FOLDER / "merge.yaml"


def documents(path: Path) -> dict:
    return {doc["kind"]: doc for doc in yaml.safe_load_all(path.read_text())}


#: The validator's console script, installed beside this interpreter (the dev extra).
VALIDATOR = shutil.which("kubernetes-validate", path=str(Path(sys.executable).parent)) or shutil.which(
    "kubernetes-validate")


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([VALIDATOR, "--strict", "--quiet", str(path)], capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def validator():
    if VALIDATOR is None:
        reason = "kubernetes-validate is not installed (pip install kubernetes-validate, in the dev extra)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)


@pytest.mark.parametrize("path", [SHARDS, MERGE], ids=lambda p: p.name)
def test_templates_are_valid_kubernetes_resources(validator, path):
    proc = validate(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_validator_rejects_a_broken_job(validator, tmp_path):
    broken = SHARDS.read_text().replace("backoffLimitPerIndex: 2", "backoffLimitPerIndex: two")
    (tmp_path / "broken.yaml").write_text(broken)
    assert validate(tmp_path / "broken.yaml").returncode != 0


def pod_command(job: dict, index: int, fake_bin: Path) -> list[str]:
    """The grader argv pod `index` runs: its shell command executed with a stand-in `grader` on PATH."""
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}", "JOB_COMPLETION_INDEX": str(index),
           **{e["name"]: e["value"] for e in container.get("env", [])}}
    proc = subprocess.run([*container["command"], *container["args"]], env=env, capture_output=True, text=True,
                          timeout=30, check=True)
    return proc.stdout.split()


def test_indexed_pods_grade_disjoint_shards_covering_the_class_into_the_shared_volume(tmp_path):
    docs = documents(SHARDS)
    job, claim = docs["Job"], docs["PersistentVolumeClaim"]
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["backoffLimitPerIndex"] >= 1
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    volumes = spec["template"]["spec"]["volumes"]
    assert [v["persistentVolumeClaim"]["claimName"] for v in volumes] == [claim["metadata"]["name"]]
    assert "ReadWriteMany" in claim["spec"]["accessModes"]  # every pod writes its shard there
    (tmp_path / "grader").write_text('#!/bin/sh\necho "$@"\n')
    (tmp_path / "grader").chmod(0o755)
    count = spec["completions"]
    argvs = [pod_command(job, index, tmp_path) for index in range(count)]
    shards = [argv[argv.index("--shard") + 1] for argv in argvs]
    outs = [argv[argv.index("-o") + 1] for argv in argvs]
    assert shards == [f"{i}/{count}" for i in range(1, count + 1)]
    assert len(set(outs)) == count and all(o.startswith("/data/out/shard-") for o in outs)
    students = [f"student{i:03d}" for i in range(173)]
    parts = [select_shard(students, shard) for shard in shards]
    assert sorted(s for part in parts for s in part) == students

    merge = documents(MERGE)["Job"]["spec"]["template"]["spec"]
    assert [v["persistentVolumeClaim"]["claimName"] for v in merge["volumes"]] == [claim["metadata"]["name"]]
    (argument,) = merge["containers"][0]["args"]
    assert "grader merge /data/out/shard-* -o /data/out/reports" in argument
