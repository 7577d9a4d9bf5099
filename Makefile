# Keras Pitfalls Lab. Two commands do all set-up on a fresh machine:
#   make lab    create .venv if missing, install, serve JupyterLab on the course (prints the URL)
#   make fetch-lab LAB=lab01_tensors   your own copy of a lab in work/ (make lab makes missing ones)
#   make check  lint + the fast tests (< 3 min)
#   make test   create .venv if missing, install, run the whole test suite (fast, generated gate, slow)
#   make grade LAB=lab03_generators SUBMISSIONS=path/to.zip   grade a class (see README, Instructors);
#               every kernel in a bubblewrap sandbox, installed when missing (GRADE_ARGS=--no-sandbox: none)
# Every target puts .venv/bin first on PATH, so no step needs an activated venv (nbgrader calls
# `alembic` by name).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
UV_VERSION := 0.13.8
LAB_IP ?= 127.0.0.1
LAB_PORT ?= 8888
PYTEST_ARGS ?=
LAB ?=
# Where learners' own copies of the labs live (make fetch-lab, make lab); ignored by git.
WORK ?= work
SUBMISSIONS ?=
OUT ?= graded/$(LAB)
GRADE_ARGS ?=
# Jupyter refuses to run as root (containers, CI) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
export PATH := $(BIN):$(PATH)
export PITFALLS_ROOT := $(CURDIR)

STAMP := $(VENV)/.installed-stamp

# copy_labs(labs, quiet): copy each release/<lab>/ to $(WORK)/<lab>/ unless that exists; an
# existing copy is kept and (unless quiet) said so. Fails on a lab release/ does not have.
copy_labs = for lab in $(1); do \
	    if [ ! -d "release/$$lab" ]; then \
	        echo "no lab '$$lab' in release/; labs: $$(ls release | tr '\n' ' ')"; exit 2; \
	    elif [ -e "$(WORK)/$$lab" ]; then \
	        [ -n "$(2)" ] || echo "$(WORK)/$$lab/ exists: your copy is kept as it is (rename it and run this again for a fresh one)"; \
	    else \
	        mkdir -p "$(WORK)" && cp -R "release/$$lab" "$(WORK)/$$lab" && rm -rf "$(WORK)/$$lab/.ipynb_checkpoints" \
	        && echo "release/$$lab/ copied to $(WORK)/$$lab/: work in that copy"; \
	    fi; \
	done
# The widget browser test drives Debian's chromium through Playwright (Playwright's own browser
# download cannot work offline). Installed here when missing and we may (root, as in CI).
# (Exported only after this default: a bare `export CHROMIUM` above it would define it empty, and
# make would never install it.)
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# `make grade` runs every kernel in a bubblewrap sandbox (pitfalls/grading/sandbox.py), and the test
# suite checks it: Debian's bubblewrap, installed here when missing and we may (root, as in CI).
# Where it cannot be, the sandbox test fails and `make grade` refuses in one line (GRADE_ARGS=--no-sandbox).
BWRAP ?= /usr/bin/bwrap

.PHONY: install lab fetch-lab check lint test bench grade generate check-generated lock clean

# --compile-bytecode: uv writes no .pyc by default, and where PYTHONDONTWRITEBYTECODE is set (as on
# the machines this project is built on) Python never writes them either: every kernel and
# subprocess would compile TensorFlow's modules from source (`import tensorflow` 12.7 s, not 5.1 s).
# --excludes: jsonschema imports rfc3987-syntax when it is there (an optional format checker that
# jupyter-events' `jsonschema[format-nongpl]` pulls in), and that module compiles three Earley
# parsers at import: ~3 s of CPU (16 s on a loaded machine) in every process that imports
# nbformat, which is every nbgrader command, every Jupyter server and every lab kernel's
# self-check cell. jsonschema works without it (it then skips the "iri" format); lark is its only
# user. tests/test_environment.py fails if it comes back.
NOT_INSTALLED := rfc3987-syntax lark
$(STAMP): requirements.lock pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(BIN)/python -q --compile-bytecode -r requirements.lock \
	    --excludes <(printf '%s\n' $(NOT_INSTALLED))
	$(BIN)/uv pip uninstall --python $(BIN)/python -q $(NOT_INSTALLED)
	$(BIN)/uv pip install --python $(BIN)/python -q --no-deps -e .
	@touch $@

install: $(STAMP)

# apt_install(package, what needs it, how to do without): install a Debian package when we may
# (root, apt-get: containers, CI); otherwise say in one line what to run.
apt_install = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else \
	    echo "$(2): run 'sudo apt-get install -y $(1)' ($(3))."; exit 1; \
	fi

$(CHROMIUM):
	@$(call apt_install,chromium,The widget browser test needs Chromium at $(CHROMIUM),or set CHROMIUM=/path/to/chromium)

$(BWRAP):
	@$(call apt_install,bubblewrap,Grading kernels run in a sandbox that needs bubblewrap at $(BWRAP),or grade with GRADE_ARGS=--no-sandbox)

# The learner's JupyterLab: jupyter/ holds its configuration (no nbgrader interface, the README
# rendered, no news pop-up, *.egg-info hidden, notebooks not "modified" on open; see
# jupyter/jupyter_server_config.py), read for this target only. Copies every lab a learner has no
# copy of yet into $(WORK)/ first.
lab: $(STAMP)
	@$(call copy_labs,$$(ls release),quiet)
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH} \
	$(BIN)/jupyter lab --no-browser --ip=$(LAB_IP) --port=$(LAB_PORT) $(ALLOW_ROOT) \
	    --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/README.md

# A learner's own copy of a lab: release/<lab>/ -> $(WORK)/<lab>/ (ignored by git), so `git pull`
# and the generated-files gate never meet a learner's edits. An existing copy is never overwritten.
fetch-lab:
	@if [ -z "$(LAB)" ]; then echo "usage: make fetch-lab LAB=<lab, e.g. lab01_tensors>"; \
	    echo "labs: $$(ls release | tr '\n' ' ')"; exit 2; fi
	@$(call copy_labs,$(LAB),)

# The fast tier (< 3 min on 2 cores): lint, then every test not marked slow (tests/conftest.py says
# which are: notebook kernels, real nbgrader, the browser, a served JupyterLab, fresh training runs).
# --dist loadgroup: each lab's wrong answers stay on the worker that graded its reference solution.
check: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow" $(PYTEST_ARGS)

# Another change adds ruff to the lock; until then this says so instead of failing.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nbstripout --keep-id --verify $$(git ls-files 'notebooks/*.ipynb' 'source/*.ipynb' 'release/*.ipynb')
	$(BIN)/pre-commit validate-config .pre-commit-config.yaml

# Everything, each test once, fastest feedback first: the fast tier (make check), the generated-files
# gate, then the slow tier (slow groups start first; each lab's autograde stays on one worker).
# Ends with the wall time of each step.
test: $(STAMP) $(CHROMIUM) $(BWRAP)
	@t0=$$(date +%s); rc=0; \
	$(MAKE) --no-print-directory check || rc=$$?; t1=$$(date +%s); \
	if [ $$rc = 0 ]; then $(MAKE) --no-print-directory check-generated || rc=$$?; fi; t2=$$(date +%s); \
	if [ $$rc = 0 ]; then $(BIN)/python -m pytest -n 2 --dist loadgroup -m slow $(PYTEST_ARGS) || rc=$$?; fi; \
	t3=$$(date +%s); \
	echo "tier: fast $$((t1-t0)) s, generated-gate $$((t2-t1)) s, slow $$((t3-t2)) s, total $$((t3-t0)) s"; \
	exit $$rc

# Collect, screen, autograde on all cores, feedback, grades.csv + exercises.csv + scores.png in $(OUT).
grade: $(STAMP) $(if $(filter --no-sandbox,$(GRADE_ARGS)),,$(BWRAP))
	@if [ -z "$(LAB)" ] || [ -z "$(SUBMISSIONS)" ]; then \
	    echo "usage: make grade LAB=<lab, e.g. lab03_generators> SUBMISSIONS=<zip or folder> [OUT=graded/<lab>]"; \
	    echo "labs: $$(ls source)"; exit 2; fi
	$(BIN)/python -m pitfalls.grading.grade $(LAB) "$(SUBMISSIONS)" --out "$(OUT)" $(GRADE_ARGS)

# Formgrader (manual review, nbgrader's web UI) on the course `make grade` wrote: $(OUT)/course is
# JupyterLab's root and nbgrader's course; formgrader is enabled for this run only and nothing is
# written into the repository. `make formgrader LAB=<lab>` reads graded/<lab>.
.PHONY: formgrader
formgrader: $(STAMP)
	@if [ "$(OUT)" = "graded/" ]; then echo "usage: make formgrader OUT=graded/<lab> (or LAB=<lab>)"; \
	    echo "graded: $$(ls graded 2>/dev/null)"; exit 2; fi
	$(BIN)/python -m pitfalls.grading.formgrader "$(OUT)" --ip=$(LAB_IP) --port=$(LAB_PORT) $(ALLOW_ROOT)

bench: $(STAMP)
	$(BIN)/python -m pitfalls.authoring.bench

# Rebuild every generated artefact from the lesson folders: notebooks/, source/, release/,
# solutions/ (re-executed only where a solution changed), the README table, environment.yml.
generate: $(STAMP)
	$(BIN)/python -m pitfalls.authoring.generate

# The CI gate: nothing generated may differ from what the sources make (no hand edits survive).
GENERATED := notebooks source release solutions README.md environment.yml
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED) && test -z "$$(git status --porcelain -- $(GENERATED))" \
	    || { echo "Generated files differ from what the lesson folders make: run 'make generate' and commit"; \
	         git status --short -- $(GENERATED); exit 1; }

# Re-resolve exact versions after editing pyproject.toml; then sync environment.yml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --python-version 3.11 \
	    --python-platform x86_64-unknown-linux-gnu --no-header -q -o requirements.lock
	$(BIN)/python -m pitfalls.authoring.environment

clean:
	rm -rf $(VENV) artifacts .pytest_cache

# The instructor's way back: after editing source/$(LAB)/$(LAB).ipynb in JupyterLab's nbgrader
# toolbar or formgrader, write the edit into lessons/<folder>/lab.py (the lab's only source), then
# `make generate`. Refuses when lab.py has uncommitted changes, unless FORCE=1.
.PHONY: import-lab
import-lab: $(STAMP)
	@if [ -z "$(LAB)" ]; then echo "usage: make import-lab LAB=<lab, e.g. lab01_tensors> [FORCE=1]"; exit 2; fi
	$(BIN)/python -m pitfalls.authoring.import_lab $(LAB) $(if $(FORCE),--force,)
