# RA2 conformance suite: the main job (`make run`), the project's tests (`make test`), and the
# offline test bed. CLUSTER selects a definition in kind-configs/ (basic, ha, network-intensive, alpha-api).
CLUSTER ?= basic
KUBECONFIG_FILE = $(shell testbed/cluster.sh kubeconfig $(CLUSTER))
RA2_ARGS ?=
SHELL := /bin/bash

.PHONY: run test unit e2e testbed images images-ni cluster-up cluster-down verify-testbed node deps lint

# The suite against a cluster: a local kind cluster from the offline test bed by default.
run: images cluster-up deps
	node dist/cli/ra2/main.js run --kubeconfig $(KUBECONFIG_FILE) \
	  --junit results/junit.xml --json results/results.json --report results/report.md $(RA2_ARGS)

# The project's own tests: unit tests, then the test bed and the end-to-end tests against it.
test: unit images images-ni
	testbed/run-e2e.sh

unit: deps
	npm test

lint: deps
	npm run lint

node:
	scripts/ensure-node.sh

deps: node
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	npm run build

images testbed:
	testbed/build-all.sh

# The network-intensive add-ons (Multus, whereabouts, NFD, device plugin, MetalLB, Ingress).
images-ni: images
	testbed/build-ni.sh

# One command from a fresh machine to a running cluster: builds whatever is missing first.
cluster-up: images $(if $(filter network-intensive,$(CLUSTER)),images-ni)
	testbed/cluster.sh up $(CLUSTER)

cluster-down:
	testbed/cluster.sh down $(CLUSTER)

verify-testbed:
	testbed/verify-$(CLUSTER).sh
