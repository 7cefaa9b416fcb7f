"""Correct, in a bad zip."""
import numpy as np
# grader-test: fill svm_loss_naive svm_loss_vectorized
