#!/usr/bin/env bash
# Builds upstream's e2e.test of the test bed's Kubernetes version (KUBERNETES_VERSION) from the
# k8s.io/kubernetes module, through the wrapper module go/e2e-upstream, into the versioned cache.
# Also builds the ginkgo CLI of the version e2e.test links (the module graph's), which runs the
# binary's specs in parallel as upstream's hack/ginkgo-e2e.sh does. Only the side-by-side
# benchmark (scripts/benchmark-upstream.sh) uses them; CI does not build them.
# Prints e2e.test's path; ginkgo is beside it.
source "$(dirname "$0")/lib/common.sh"
BIN_DIR=$(cache_dir "e2e-upstream-$KUBERNETES_VERSION")
require_pinned "$TESTBED_DIR/go/e2e-upstream" k8s.io/kubernetes "$KUBERNETES_VERSION"
if [[ ! -x "$BIN_DIR/e2e.test" ]]; then
  log "building upstream e2e.test $KUBERNETES_VERSION"
  cd "$TESTBED_DIR/go/e2e-upstream"
  # -trimpath as the commands are built, so the packages they share come from the one cache.
  go test -c -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION" \
    -o "$BIN_DIR/e2e.test.tmp" k8s.io/kubernetes/test/e2e
  mv "$BIN_DIR/e2e.test.tmp" "$BIN_DIR/e2e.test"
fi
if [[ ! -x "$BIN_DIR/ginkgo" ]]; then
  log "building the ginkgo CLI e2e.test $KUBERNETES_VERSION links"
  cd "$TESTBED_DIR/go/e2e-upstream"
  go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/ginkgo.tmp" github.com/onsi/ginkgo/v2/ginkgo
  mv "$BIN_DIR/ginkgo.tmp" "$BIN_DIR/ginkgo"
fi
echo "$BIN_DIR/e2e.test"
