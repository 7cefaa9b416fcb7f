"""Sleeps at import."""
import time

time.sleep(3600)
# grader-test: fill sgd_step
