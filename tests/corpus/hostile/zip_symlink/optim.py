"""Correct."""
# grader-test: fill sgd_step
