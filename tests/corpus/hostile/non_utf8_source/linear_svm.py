"""Fonctions de perte écrites en Latin-1."""
import numpy as np
# grader-test: fill svm_loss_naive svm_loss_vectorized
