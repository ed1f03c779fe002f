#!/usr/bin/env bash
# One command for the whole offline test bed: host preparation, every binary, every image.
# Each step skips what its cache already holds, so a warm run takes seconds.
source "$(dirname "$0")/lib/common.sh"
step() { local t=$SECONDS; "$TESTBED_DIR/$1"; log "$1 took $((SECONDS - t))s"; }
step prepare-host.sh
step build-k8s-binaries.sh
step build-addon-binaries.sh
step build-base-images.sh
step build-images.sh
step build-node-image.sh
