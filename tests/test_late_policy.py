"""The manifest's [late] policy: days counted as started days after the grace period, penalty capped."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from test_merge import mini_root

from grader.assignment import ManifestError, load_assignment
from grader.late_policy import LatePolicy, lateness

DUE = datetime(2026, 10, 5, 23, 59, tzinfo=timezone(timedelta(hours=9)))


@pytest.mark.parametrize(("after", "days"), [(timedelta(minutes=-1), 0), (timedelta(minutes=30), 0),
                                              (timedelta(minutes=31), 1), (timedelta(days=1, minutes=30), 1),
                                              (timedelta(days=1, minutes=31), 2), (timedelta(days=30), 30)])
def test_days_late_count_started_days_after_the_grace(after, days):
    policy = LatePolicy(penalty_per_day=0.1, cap=0.5, grace_minutes=30)
    late = lateness(policy, DUE + after, DUE, score=80)
    assert late.days == days
    assert late.fraction == pytest.approx(min(0.5, 0.1 * days))
    assert late.points == pytest.approx(80 * min(0.5, 0.1 * days))


def test_submission_times_in_other_zones_compare_as_instants():
    policy = LatePolicy(penalty_per_day=0.2)
    same_instant = DUE.astimezone(UTC)
    assert lateness(policy, same_instant, DUE, 50).days == 0
    assert lateness(policy, same_instant + timedelta(seconds=1), DUE, 50).points == 10


def test_manifest_late_table_is_read_and_checked(tmp_path):
    root = mini_root(tmp_path)
    manifest = root / "assignments" / "loss_optimization" / "assignment.toml"
    text = manifest.read_text()
    manifest.write_text(text + '\n[late]\ndue = 2026-10-05T23:59:00+09:00\npenalty_per_day = 0.1\ncap = 0.3\n')
    late = load_assignment("loss_optimization", root).late
    assert late == LatePolicy(penalty_per_day=0.1, cap=0.3, due=DUE)
    for bad, why in (("penalty_per_day = 10", "fractions"), ('due = "2026-10-05T23:59"\npenalty_per_day = 0.1',
                                                            "time zone"), ("cap = 0.5", "penalty_per_day")):
        manifest.write_text(text + f"\n[late]\n{bad}\n")
        with pytest.raises(ManifestError, match=why):
            load_assignment("loss_optimization", root)
