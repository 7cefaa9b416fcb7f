"""Gradescope autograder: build the upload zip (`grader export gradescope`) and, inside Gradescope,
grade /autograder/submission into /autograder/results/results.json with visibility settings."""
