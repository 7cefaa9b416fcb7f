"""A correct linear_svm.py, padded with a comment to 1.5 MiB by the test (pad_kb)."""
import numpy as np

# grader-test: fill svm_loss_naive svm_loss_vectorized
