"""`grader export canvas|moodle`: gradebook imports in the columns Canvas and Moodle document, several
assignments as columns, and nothing unmatched dropped silently."""

from __future__ import annotations

import csv
import dataclasses

import pytest
from click.testing import CliRunner
from test_reports_fixtures import make_result

from grader.cli import main
from grader.lms.roster import RosterError, read_roster
from grader.reports import write_student_reports

#: Canvas's gradebook import: these identity columns first, in this order (Canvas gradebook CSV docs).
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,Email,GitHub,Gradescope ID
"Kim, Minjun",101,S001,mkim,A,mkim@uni.example,MinjunK,9001
"Lee, Seoyeon",102,S002,slee,B,slee@uni.example,seoyeon-l,9002
"Park, Jiho",103,S003,jpark,A,jpark@uni.example,jiho,9003
"""


def graded_folder(path, assignment, scores):
    """A `grader grade -o` folder for `assignment` with one result per (submission id, score)."""
    for sid, score in scores.items():
        result = dataclasses.replace(make_result(sid), assignment=assignment, score=score)
        write_student_reports(result, path)
    return path


@pytest.fixture
def course(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    first = graded_folder(tmp_path / "hw1", "first_unit", {"minjunk": 100, "seoyeon-l": 62.5, "stranger": 40})
    second = graded_folder(tmp_path / "hw2", "second_unit", {"MinjunK": 80, "jiho": 33.333333})
    return tmp_path, first, second


def run(*args):
    result = CliRunner().invoke(main, list(map(str, args)))
    return result


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_canvas_export_has_canvas_columns_one_per_assignment_and_lists_the_unmatched(course):
    tmp, first, second = course
    out = tmp / "canvas.csv"
    done = run("export", "canvas", first, second, "--roster", tmp / "roster.csv", "-o", out,
               "--column", "first_unit=Loss functions (4321)")
    assert done.exit_code == 0, done.output
    rows = read(out)
    assert rows[0] == [*CANVAS_COLUMNS, "Loss functions (4321)", "second_unit"]
    assert rows[1][0] == "Points Possible" and rows[1][5:] == ["100", "100"]
    body = {row[0]: row for row in rows[2:]}
    assert body["Kim, Minjun"] == ["Kim, Minjun", "101", "S001", "mkim", "A", "100", "80"]
    assert body["Lee, Seoyeon"][5:] == ["62.5", ""]  # no second submission: empty, the grade is left alone
    assert body["Park, Jiho"][5:] == ["", "33.333"]
    assert len(body) == 3  # every roster student, none dropped
    listing = done.stderr
    assert "submission 'stranger' (40 points) matches no roster student" in listing
    assert "second_unit: Lee, Seoyeon has no submission" in listing
    assert "first_unit: Park, Jiho has no submission" in listing
    assert (tmp / "canvas.unmatched.txt").read_text(encoding="utf-8").count("\n") == 3


def test_moodle_export_has_one_identifier_column(course):
    tmp, first, second = course
    out = tmp / "moodle.csv"
    done = run("export", "moodle", first, second, "--roster", tmp / "roster.csv", "-o", out, "--missing-as-zero")
    assert done.exit_code == 0, done.output
    rows = read(out)
    assert rows[0] == ["Email address", "first_unit", "second_unit"]
    assert rows[1:] == [["mkim@uni.example", "100", "80"], ["slee@uni.example", "62.5", "0"],
                        ["jpark@uni.example", "0", "33.333"]]
    done = run("export", "moodle", first, "--roster", tmp / "roster.csv", "-o", out, "--identifier", "username")
    assert done.exit_code != 0 and "no username for Kim, Minjun" in done.output


def test_gradescope_ids_match_and_a_canvas_export_can_be_the_roster(tmp_path):
    canvas_export = ('Student,ID,SIS User ID,SIS Login ID,Section,Old quiz (77),gradescope_id\n'
                     '    Points Possible,,,,,10,\n'
                     '"Kim, Minjun",101,S001,mkim,A,9,9001\n')
    (tmp_path / "roster.csv").write_text("\ufeff" + canvas_export, encoding="utf-8")
    folder = graded_folder(tmp_path / "gs", "first_unit", {"9001": 75})
    done = run("export", "canvas", folder, "--roster", tmp_path / "roster.csv", "-o", tmp_path / "c.csv")
    assert done.exit_code == 0, done.output
    assert read(tmp_path / "c.csv")[2] == ["Kim, Minjun", "101", "S001", "mkim", "A", "75"]


def test_bad_rosters_and_folders_are_clear_errors(tmp_path):
    (tmp_path / "r.csv").write_text("Student,ID\nKim,101\n", encoding="utf-8")
    with pytest.raises(RosterError, match="no column of submission ids"):
        read_roster(tmp_path / "r.csv")
    (tmp_path / "r.csv").write_text("Student,ID,github\nKim,101,kim\nKimi,102,KIM\n", encoding="utf-8")
    with pytest.raises(RosterError, match="line 3: submission id 'kim' is also on line 2"):
        read_roster(tmp_path / "r.csv")
    (tmp_path / "r.csv").write_text("name,email,github\nKim,k@x,kim\n", encoding="utf-8")
    done = run("export", "canvas", tmp_path, "--roster", tmp_path / "r.csv", "-o", tmp_path / "c.csv")
    assert done.exit_code != 0 and "no results/ folder" in done.output
    folder = graded_folder(tmp_path / "g", "first_unit", {"kim": 1})
    done = run("export", "canvas", folder, "--roster", tmp_path / "r.csv", "-o", tmp_path / "c.csv")
    assert done.exit_code != 0 and "Canvas matches students by ID" in done.output
