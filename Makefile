# labnet.docker — every command a user or CI needs. `make test` and `make lab`
# run `make setup` first, so both work on a fresh machine.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: setup test lint sanity matrix unit integration lab lab-down bench docs clean

setup:
	bash scripts/setup.sh

## The whole test suite: static checks, the version matrix, then one pytest run (unit, integration, molecule, bench smoke).
test: setup lint sanity matrix
	LABNET_REQUIRE_PRIVATE_ENGINE=1 $(BIN)/pytest tests/unit tests/integration

## ansible-lint installs this collection into its cache; a cache of the checkout's own keeps
## checkouts linting at the same time from seeing each other's copy (offline mode shares ~/.ansible).
lint:
	ANSIBLE_HOME=$(CURDIR)/build/ansible-home $(BIN)/ansible-lint
	$(BIN)/antsibull-changelog lint

sanity:
	bash scripts/sanity.sh

## tests/unit and the smoke set under the other ansible-core versions (MATRIX_VERSIONS, default 2.17), a venv each.
matrix: setup
	bash scripts/matrix.sh

unit: setup
	$(BIN)/pytest tests/unit

integration: setup
	$(BIN)/pytest tests/integration

## Timings of the same network work done five ways; settings BENCH_* are described in bench/README.md.
bench: setup
	$(BIN)/python bench/run.py

## The main job: build every lab scenario on the lab_machines group (inventory/hosts.yml), check it, report it.
lab: setup
	$(BIN)/ansible-playbook -i inventory/hosts.yml playbooks/lab.yml $(LAB_ARGS)

## Remove everything the lab created (found by its label), nothing else. LAB_ARGS passes options to both, e.g.
## LAB_ARGS="-e labnet_lab=mine".
lab-down: setup
	$(BIN)/ansible-playbook -i inventory/hosts.yml playbooks/teardown.yml $(LAB_ARGS)

## The HTML docs site (modules, roles, guides) into build/docs/html, offline, warnings as errors.
docs: setup
	bash scripts/docs.sh

clean:
	rm -rf build tests/output
