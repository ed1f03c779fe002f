# RA2 conformance suite: the main job (`make run`), the project's tests (`make test`), and the
# offline test bed. CLUSTER selects a definition in kind-configs/ (basic, ha, network-intensive, alpha-api).
CLUSTER ?= basic
KUBECONFIG_FILE = $(shell testbed/cluster.sh kubeconfig $(CLUSTER))
RA2_ARGS ?=
# The plugin image `make image` builds and tags; empty: the test bed's ra2-testbed/ra2-conformance:<package
# version>. A user's own: make image IMAGE=registry.example.org/ra2:0.2.0 (then docker push it and
# `node dist/cli/ra2/main.js plugin --image registry.example.org/ra2:0.2.0 > ra2.yaml`).
IMAGE ?=
SHELL := /bin/bash
# The kubectl the test bed builds (testbed/build-k8s-binaries.sh), of the clusters' version, comes
# first on PATH for every recipe; the scripts refuse any other (testbed/lib/common.sh use_pinned_kubectl).
KUBERNETES_VERSION := $(shell . testbed/versions.env && echo $$KUBERNETES_VERSION)
KUBECTL_DIR := $(or $(RA2_KUBECTL_DIR),$(or $(RA2_TESTBED_CACHE),/var/cache/ra2-testbed)/kubernetes-$(KUBERNETES_VERSION))
export PATH := $(KUBECTL_DIR):$(PATH)

.PHONY: run test unit e2e testbed images images-ni cluster-up cluster-down verify-testbed node deps lint \
  test-scripts kubectl-version image plugin-manifest

# The suite against a cluster: a local kind cluster from the offline test bed by default.
run: images kubectl-version cluster-up deps
	node dist/cli/ra2/main.js run --kubeconfig $(KUBECONFIG_FILE) \
	  --junit results/junit.xml --json results/results.json --report results/report.md $(RA2_ARGS)

# The project's own tests: lint and unit tests, the test bed, the acceptance scripts against stubbed
# tools (no cluster), then the end-to-end tests against the test bed's clusters. The network-intensive
# add-ons and the Sonobuoy CLI are built by run-e2e.sh, beside the phases that come before theirs.
test: lint unit images kubectl-version test-scripts
	testbed/run-e2e.sh

# The HTML report is checked in headless Chromium (Debian's package), installed here when missing.
unit: deps
	scripts/ensure-chromium.sh
	npm test

lint: deps
	npm run lint

# Each acceptance and e2e script fails, naming the cause, when a tool it relies on fails or says nothing.
test-scripts:
	test/scripts/run.sh

kubectl-version:
	@echo "kubectl: $$(command -v kubectl) $$(kubectl version --client -o json | jq -r .clientVersion.gitVersion)"
	@[[ "$$(command -v kubectl)" == "$(KUBECTL_DIR)/kubectl" ]] || { echo "kubectl $(KUBERNETES_VERSION) is not built in $(KUBECTL_DIR)" >&2; exit 1; }

node:
	scripts/ensure-node.sh

deps: node
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	npm run build

images testbed:
	testbed/build-all.sh

# The suite's container image (the Sonobuoy plugin and the `ra2` CLI), named $(IMAGE) when set.
image: deps
	RA2_PLUGIN_IMAGE='$(IMAGE)' scripts/build-plugin-image.sh

# sonobuoy/ra2.yaml as `ra2 plugin` renders it with every default (test/unit/plugin-manifest.test.ts
# holds the committed file to it).
plugin-manifest: deps
	node -e 'import("./dist/cli/ra2/plugin-manifest.js").then((m) => process.stdout.write(m.renderPluginManifest()))' \
	  > sonobuoy/ra2.yaml.new && mv sonobuoy/ra2.yaml.new sonobuoy/ra2.yaml

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
