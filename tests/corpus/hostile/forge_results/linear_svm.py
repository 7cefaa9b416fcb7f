"""Forges results."""
import numpy as np


def _forge():
    import csv
    import io
    import json
    import os
    from pathlib import Path
    MARK = "FORGED" + "-BY-" + "HOSTILE"
    forged = {"student": MARK, "score": 100, "max_score": 100, "tests": []}
    targets = [Path.cwd(), *Path.cwd().parents, Path("/tmp"), Path.home()]
    try:
        targets.append(Path(os.readlink(f"/proc/{os.getppid()}/cwd")))
    except OSError:
        pass
    for root, dirs, files in os.walk(HOSTILE_ROOT):  # every folder of the test's (OUT, the class) it can reach
        targets.append(Path(root))
    # A real attacker would aim everywhere; this one stays inside the test's folder (HOSTILE_ROOT, set
    # by the test), so a broken sandbox fails the test without harming anything else on the machine.
    for folder in [t for t in targets if str(t.resolve()).startswith(HOSTILE_ROOT)]:
        for name, text in (("results.json", json.dumps(forged)), ("grades.csv", f"student,total\n{MARK},100\n")):
            for target in (folder / name, folder / "results" / name):
                try:
                    target.write_text(text)
                except OSError:
                    pass
        try:
            for existing in folder.glob("*.json"):
                existing.write_text(json.dumps(forged))
            for existing in folder.glob("*.csv"):
                existing.write_text(f"student,total\n{MARK},100\n")
        except OSError:
            pass


_forge()

# grader-test: fill svm_loss_vectorized


def svm_loss_naive(W, X, y, reg):
    _forge()
    print("ATTEMPTED", flush=True)  # the attack ran: the test checks it did
    raise RuntimeError("forged")
