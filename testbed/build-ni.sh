#!/usr/bin/env bash
# Builds the network-intensive add-ons (testbed/ni/<component>.sh): binaries from their Go modules,
# images on the Debian bases, CRDs from the modules. Each step skips what its cache already holds.
source "$(dirname "$0")/lib/common.sh"
source "$TESTBED_DIR/lib/image.sh"
for c in multus nfd device_plugin metallb ingress; do
  source "$TESTBED_DIR/ni/${c//_/-}.sh"
  t=$SECONDS; "build_$c"; log "build_$c took $((SECONDS - t))s"
done
