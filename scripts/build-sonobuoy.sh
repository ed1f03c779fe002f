#!/usr/bin/env bash
# Build the Sonobuoy CLI and its aggregator/worker image from the Go module,
# for machines that cannot pull docker.io/sonobuoy/sonobuoy.
#
#   scripts/build-sonobuoy.sh            # binary + image (skips what exists)
#   SONOBUOY_FORCE=1 scripts/build-sonobuoy.sh
#
# Outputs:
#   $CACHE/sonobuoy-$SONOBUOY_VERSION/sonobuoy     the CLI (also the image's /sonobuoy)
#   docker.io/sonobuoy/sonobuoy:$SONOBUOY_VERSION  the name `sonobuoy run` uses by default
#
# The image mirrors upstream's (scripts/build_funcs.sh + Dockerfile in the module):
# a static binary at /sonobuoy, WORKDIR /, CMD "/sonobuoy aggregator ...". The
# aggregator pod runs `/sonobuoy aggregator`, plugin pods run the worker sidecar
# `/sonobuoy worker global|single-node`; neither needs a shell. Upstream's base is
# distroless/static:nonroot (CA certificates, /tmp, uid 65532); ours is the test
# bed's busybox + CA certificates image, with the same non-root user.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SONOBUOY_VERSION=${SONOBUOY_VERSION:-v0.57.3}
CACHE_ROOT=${RA2_TESTBED_CACHE:-/var/cache/ra2-testbed}
BASE_IMAGE=${SONOBUOY_BASE_IMAGE:-ra2-testbed/tiny-base:bookworm}
IMAGE=${SONOBUOY_IMAGE:-docker.io/sonobuoy/sonobuoy:$SONOBUOY_VERSION}
OUT_DIR="$CACHE_ROOT/sonobuoy-$SONOBUOY_VERSION"
BIN="$OUT_DIR/sonobuoy"
MODULE=github.com/vmware-tanzu/sonobuoy

export GOCACHE=${GOCACHE:-$CACHE_ROOT/go-build}
export CGO_ENABLED=0
# The Go release Sonobuoy v0.57.3 is built with upstream (its go.mod says 1.23),
# fetched from the module proxy as golang.org/toolchain. Not optional: the
# aggregator advertises itself as "https://[<pod IP>]:8080" even for an IPv4
# pod IP, and net/url of newer Go releases (1.26 here) rejects an IPv4 address
# in brackets ("invalid IP-literal"), so every worker sidecar would fail.
export GOTOOLCHAIN=${SONOBUOY_GOTOOLCHAIN:-go1.23.12}
# Keep the machine usable: the Go build shares 2 cores with everything else.
export GOMAXPROCS=${GOMAXPROCS:-1}
# As in testbed/lib/common.sh: the compiler collects garbage less often, and builds about 20% faster.
export GOGC=${GOGC:-400}

log() { printf '[build-sonobuoy] %s\n' "$*" >&2; }

mkdir -p "$OUT_DIR" "$GOCACHE"
stamp="$OUT_DIR/.built-with"
if [ -x "$BIN" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$GOTOOLCHAIN" ] && [ -z "${SONOBUOY_FORCE:-}" ]; then
  log "binary exists: $BIN ($("$BIN" version --short 2>/dev/null || echo '?'))"
else
  log "building $MODULE@$SONOBUOY_VERSION with $GOTOOLCHAIN (GOCACHE=$GOCACHE, GOMAXPROCS=$GOMAXPROCS)"
  rm -f "$stamp"
  rebuilt_binary=1
  start=$(date +%s)
  # Built through the wrapper module scripts/go/sonobuoy (its go.mod pins the
  # version and go.sum the checksums): `go install module@version` asks the
  # proxy for the module's version list, which the proxy here refuses (403).
  # Same ldflags as upstream's build_funcs.sh (the version is also buildinfo's default).
  wrapper="$SCRIPT_DIR/go/sonobuoy"
  pinned=$(awk '$1 == "require" && $2 == "'"$MODULE"'" {print $3}' "$wrapper/go.mod")
  [ "$pinned" = "$SONOBUOY_VERSION" ] ||
    { echo "build-sonobuoy: $wrapper/go.mod pins $MODULE $pinned, not $SONOBUOY_VERSION" >&2; exit 1; }
  (cd "$wrapper" && nice -n 10 go build -mod=mod -buildvcs=false -trimpath \
    -ldflags "-s -w -X $MODULE/pkg/buildinfo.Version=$SONOBUOY_VERSION" \
    -o "$BIN.tmp" "$MODULE" && mv "$BIN.tmp" "$BIN")
  echo "$GOTOOLCHAIN" >"$stamp"
  log "built $BIN in $(($(date +%s) - start))s"
fi

if docker image inspect "$IMAGE" >/dev/null 2>&1 && [ -z "${SONOBUOY_FORCE:-}${rebuilt_binary:-}" ]; then
  log "image exists: $IMAGE"
  exit 0
fi
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 ||
  { echo "build-sonobuoy: base image $BASE_IMAGE is missing (testbed/build-base-images.sh makes it)" >&2; exit 1; }

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$BIN" "$context/sonobuoy"
cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY sonobuoy /sonobuoy
WORKDIR /
USER 65532:65532
CMD ["/sonobuoy", "aggregator", "--no-exit", "-v", "3", "--logtostderr"]
EOF
docker build --quiet -t "$IMAGE" "$context" >/dev/null
log "image $IMAGE: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.1f MB", $1/1e6}')"
