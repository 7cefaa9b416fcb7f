"""Every assignment's hidden suite: its grade markers add up to the manifest's points per function, and every
test is graded, named for students (a docstring) and hinted."""

from collections import defaultdict

import pytest
from corpus import collect_markers

from grader.assignment import assignment_names, load_assignment


@pytest.fixture(scope="module", params=assignment_names())
def assignment(request):
    return load_assignment(request.param)


@pytest.fixture(scope="module")
def markers(assignment):
    return collect_markers(assignment, assignment.reference_dir)


def test_every_hidden_test_is_graded_named_and_hinted(markers, assignment):
    names = {f.name for f in assignment.functions}
    assert len(markers) >= 30
    for item in markers:
        grade = item["grade"]
        assert grade is not None, f"{item['nodeid']} has no @pytest.mark.grade marker"
        assert grade["function"] in names, item["nodeid"]
        assert grade["points"] > 0 and grade.get("hint"), item["nodeid"]
        assert item["doc"], f"{item['nodeid']} has no docstring: its first line is the name students read"


def test_marker_points_add_up_to_the_manifest(markers, assignment):
    totals = defaultdict(float)
    for item in markers:
        totals[item["grade"]["function"]] += item["grade"]["points"]
    assert dict(totals) == {f.name: f.points for f in assignment.functions}
