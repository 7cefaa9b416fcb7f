"""Find the students in a SUBMISSIONS folder and prepare each one as a private folder of plain .py files.

An entry is a folder, a notebook (.ipynb: only definitions and imports are kept, so nothing else
runs) or a .zip of either; its graded files may sit anywhere inside it (the manifest's search
order). Problems are values naming the file. Modules: entries (discover), tree (the code files of
a folder, size caps), unzip, notebooks, layout (where graded files are), prepare, hashing (resume).
"""

from grader.submissions.entries import KINDS, Discovery, Entry, SubmissionsError, discover
from grader.submissions.hashing import content_hash, suite_fingerprint
from grader.submissions.notebooks import notebook_source
from grader.submissions.prepare import Prepared, prepare
from grader.submissions.unzip import PrepareError, extract_zip

__all__ = ["KINDS", "Discovery", "Entry", "PrepareError", "Prepared", "SubmissionsError", "content_hash",
           "discover", "extract_zip", "notebook_source", "prepare", "suite_fingerprint"]
