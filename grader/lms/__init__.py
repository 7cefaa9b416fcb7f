"""LMS gradebook exports (`grader export canvas|moodle`): a roster maps submission ids to LMS identities."""
