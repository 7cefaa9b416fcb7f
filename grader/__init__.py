"""Autograder for the loss functions and optimization unit: trusted engine and CLI."""

__version__ = "0.1.0"
