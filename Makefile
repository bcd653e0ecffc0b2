# labnet.docker — every command a user or CI needs. `make test` and `make lab`
# run `make setup` first, so both work on a fresh machine.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# `make test LABNET_ENGINES=host,docker28` picks engines of the matrix (docs/engines.md); empty means all.
export LABNET_ENGINES

.PHONY: setup engines test test-steps lint sanity matrix unit integration lab lab-down classroom classroom-run classroom-down bench bench-classroom docs clean

setup:
	bash scripts/setup.sh

## The newer engines of the test matrix as lab-machine images, from Debian's own docker.io:
## labnet/lab-machine:trixie (26.1) and labnet/lab-machine:sid (28.x). Cached like the lab machine.
engines: setup
	LAB_MACHINE_SUITE=trixie LABNET_LAB_MACHINE_IMAGE=labnet/lab-machine:trixie bash scripts/build-lab-machine-image.sh
	LAB_MACHINE_SUITE=sid LABNET_LAB_MACHINE_IMAGE=labnet/lab-machine:sid bash scripts/build-lab-machine-image.sh

## The whole test suite: static checks, the ansible-core version matrix, then one pytest run (unit, integration,
## molecule, bench smoke) in TEST_JOBS pytest-xdist workers (0: one process); tests that share a resource run in
## one worker (tests/integration/conftest.py, resource_group). Prints its wall time at the end.
## LABNET_ENGINES picks the engines the module tests run against (default host,docker26,docker28).
## Each step's wall time and CPU (its process tree, and the Docker containers it ran: their cgroup accounting),
## and each test's, go to build/test-profile.jsonl; the steps and the 15 most expensive tests are printed at the
## end (scripts/test_profile.py, tests/conftest.py). A step that fails stops the run, as before.
TEST_JOBS ?= 4
PROFILE := $(CURDIR)/build/test-profile.jsonl
STEP = python3 $(CURDIR)/scripts/test_profile.py step --profile $(PROFILE)
SUBMAKE = $(MAKE) --no-print-directory -o setup -o engines
test:
	@start=$$(date +%s); mkdir -p build; rm -f $(PROFILE); $(MAKE) --no-print-directory test-steps; rc=$$?; \
	python3 scripts/test_profile.py report $(PROFILE) || true; \
	echo "make test: wall time $$(( $$(date +%s) - start )) s, exit $$rc (TEST_JOBS=$(TEST_JOBS))"; exit $$rc

test-steps:
	$(STEP) setup -- $(MAKE) --no-print-directory setup
	$(STEP) engines -- $(MAKE) --no-print-directory -o setup engines
	$(STEP) lint -- $(SUBMAKE) lint
	$(STEP) sanity -- $(SUBMAKE) sanity
	$(STEP) matrix -- $(SUBMAKE) matrix
	$(STEP) pytest -- env LABNET_REQUIRE_PRIVATE_ENGINE=1 LABNET_TEST_PROFILE=$(PROFILE) \
	  $(BIN)/pytest -n $(TEST_JOBS) --durations=30 tests/unit tests/integration

## ansible-lint installs this collection into its cache; a cache of the checkout's own keeps
## checkouts linting at the same time from seeing each other's copy (offline mode shares ~/.ansible).
lint:
	ANSIBLE_HOME=$(CURDIR)/build/ansible-home $(BIN)/ansible-lint
	$(BIN)/antsibull-changelog lint

sanity:
	bash scripts/sanity.sh

## tests/unit and the smoke set under the other ansible-core versions (MATRIX_VERSIONS, default "2.17 2.21"), a venv each;
## 2.21 needs Python 3.12+ and runs in a controller container of labnet/lab-machine:trixie (Python 3.13), from `make engines`.
matrix: setup engines
	bash scripts/matrix.sh

unit: setup
	$(BIN)/pytest tests/unit

integration: setup engines
	$(BIN)/pytest tests/integration

## Timings of the same network work done five ways; settings BENCH_* are described in bench/README.md.
bench: setup
	$(BIN)/python bench/run.py

## The main job: build every lab scenario on the lab_machines group (inventory/hosts.yml), check it, report it.
## With LAB_FILE=labs/three-tier.yml, build, prove and draw that lab file instead (roles/lab, build/lab/report.html).
lab: setup
ifdef LAB_FILE
	LAB_FILE=$(abspath $(LAB_FILE)) $(BIN)/ansible-playbook -i inventory/hosts.yml playbooks/lab_file.yml $(LAB_ARGS)
else
	$(BIN)/ansible-playbook -i inventory/hosts.yml playbooks/lab.yml $(LAB_ARGS)
endif

## Remove everything the lab created (found by its label), nothing else. LAB_ARGS passes options to both, e.g.
## LAB_ARGS="-e labnet_lab=mine".
lab-down: setup
ifdef LAB_FILE
	LAB_FILE=$(abspath $(LAB_FILE)) $(BIN)/ansible-playbook -i inventory/hosts.yml playbooks/lab_file.yml -e lab_state=absent $(LAB_ARGS)
else
	$(BIN)/ansible-playbook -i inventory/hosts.yml playbooks/teardown.yml $(LAB_ARGS)
endif

## A classroom: CLASSROOM_SIZE lab machines (Docker-in-Docker, sshd, default 3) reached over SSH with a key pair and
## pinned host keys (build/classroom/inventory.yml), and playbooks/lab.yml run on all of them at once with the
## cross-host checks; prints the wall time. Running it again keeps the machines (starting stopped ones again) and changes nothing.
## CLASSROOM_ARGS passes options to ansible-playbook.
CLASSROOM_SIZE ?= 3
classroom: setup
	CLASSROOM_SIZE=$(CLASSROOM_SIZE) bash scripts/classroom.sh up
	bash scripts/classroom.sh run

## Only the run step, on the classroom as it is: a stopped machine is not started again but drops out of the run
## as unreachable (rc 4 from ansible-playbook), and the others build, check and report everything.
classroom-run: setup
	bash scripts/classroom.sh run

## Remove the classroom's machines, their volumes and network (by their label) and build/classroom.
classroom-down:
	bash scripts/classroom.sh down

## Classroom wall time for 1, 3 and 5 machines (BENCH_CLASSROOM_SIZES) with the ratio to one (bench/classroom.py).
bench-classroom: setup
	$(BIN)/python bench/classroom.py

## The HTML docs site (modules, roles, guides) into build/docs/html, offline, warnings as errors.
docs: setup
	bash scripts/docs.sh

clean:
	rm -rf build tests/output
