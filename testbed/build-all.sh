#!/usr/bin/env bash
# One command for the whole offline test bed: host preparation, every binary, every image.
# Each step skips what its cache already holds, so a warm run takes seconds.
source "$(dirname "$0")/lib/common.sh"
step() { local t=$SECONDS; "$TESTBED_DIR/$1"; log "$1 took $((SECONDS - t))s"; }
step prepare-host.sh
# The Debian base images (debootstrap: downloads and unpacking, mostly waiting on the mirror and
# the disk) need only Docker: on a cold machine they run beside the Go builds, which keep both
# cores busy, instead of after them. Their lines carry a [base-images] prefix.
step build-base-images.sh 2> >(sed -u 's/^/[base-images] /' >&2) &
base_images=$!
step build-k8s-binaries.sh
step build-addon-binaries.sh
wait "$base_images" || die "build-base-images.sh failed (its lines above carry [base-images])"
step build-images.sh
step build-node-image.sh
