#!/usr/bin/env bash
# Builds upstream's e2e.test of the test bed's Kubernetes version (KUBERNETES_VERSION) from the
# k8s.io/kubernetes module, through the wrapper module go/e2e-upstream, into the versioned cache.
# Only the side-by-side benchmark (scripts/benchmark-upstream.sh) uses it; CI does not build it.
# Prints the binary's path.
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
echo "$BIN_DIR/e2e.test"
