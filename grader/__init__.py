"""Autograder for CS231n-style assignments: the trusted engine and its CLI (assignments are data)."""

__version__ = "0.1.0"
