# Two commands on a fresh machine: `make grade` (grade every assignment's demo class: examples/submissions
# into reports/, examples/<assignment>/submissions into reports/<assignment>/) and `make test` (the whole
# test suite). Both create the virtual environment when missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default; `make test TEST_JOBS=0` runs in one process.
TEST_JOBS ?= auto
# The assignment(s) `make grade` / `make release` work on: all of them unless `ASSIGNMENT=name` is given.
ASSIGNMENT  ?=
ASSIGNMENTS := $(or $(ASSIGNMENT),$(notdir $(patsubst %/assignment.toml,%,$(wildcard assignments/*/assignment.toml))))
# The first assignment keeps its historical paths (examples/submissions, reports/, dist/student-kit);
# every other one has examples/<name>/submissions, reports/<name>/ and dist/<name>-kit.
FIRST       := loss_optimization
# `make test PYTEST_ARGS=...` is for this suite only: neither the variable nor make's own flags reach the
# nested `make test` of the student kit that tests/test_kit.py runs.
unexport PYTEST_ARGS TEST_JOBS

.PHONY: install grade test bench lint release clean catalogues

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# An assignment whose suite has a Korean catalogue (hidden_tests/<name>/locale/ko) then gets the same
# class's feedback in Korean (<reports>/ko/feedback): the results are copied over, so the second run
# resumes every student (same code, same suite) and only writes the feedback again.
grade: $(STAMP)
	@set -e; for a in $(ASSIGNMENTS); do \
	  case $$a in $(FIRST)) ex=examples/submissions; out=reports;; *) ex=examples/$$a/submissions; out=reports/$$a;; esac; \
	  if [ ! -e $$ex ]; then echo "== $$a: no demo class in $$ex, skipped"; continue; fi; \
	  echo "== $$a: $$ex -> $$out"; \
	  $(BIN)/grader grade $$ex -o $$out --assignment $$a; \
	  if [ -d hidden_tests/$$a/locale/ko ]; then \
	    mkdir -p $$out/ko && cp -r $$out/results $$out/ko/; \
	    $(BIN)/grader grade $$ex -o $$out/ko --lang ko --quiet --assignment $$a; \
	  fi; \
	done

# Compile the gettext catalogues (.po -> .mo, committed; tests/test_i18n.py checks they agree): the
# grader's, each hidden suite's and each kit's public tests'.
catalogues: $(STAMP)
	$(BIN)/pybabel compile -d grader/locale -D grader
	for d in hidden_tests/*/locale; do $(BIN)/pybabel compile -d $$d -D suite; done
	for d in assignments/*/tests/locale; do $(BIN)/pybabel compile -d $$d -D kit; done
	$(BIN)/pybabel compile -d ci_templates/student/.ci/locale -D summary

test: $(STAMP)
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES $(BIN)/python -m pytest -n $(TEST_JOBS) -rs $(PYTEST_ARGS)

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check grader tests hidden_tests reference assignments benchmarks

release: $(STAMP)
	@set -e; for a in $(ASSIGNMENTS); do \
	  case $$a in $(FIRST)) kit=dist/student-kit;; *) kit=dist/$$a-kit;; esac; \
	  echo "== $$a -> $$kit"; $(BIN)/grader release -o $$kit --assignment $$a; \
	done

clean:
	rm -rf $(VENV) reports dist .pytest_cache .hypothesis
