# Shared settings for the test bed scripts: sourced, never run.
set -euo pipefail
TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../versions.env
source "$TESTBED_DIR/versions.env"
# Build outputs live in a cache keyed by each component's pinned version, so a warm
# rebuild only starts clusters and a version bump rebuilds only what it names.
CACHE_ROOT=${RA2_TESTBED_CACHE:-/var/cache/ra2-testbed}
cache_dir() { local d="$CACHE_ROOT/$1"; mkdir -p "$d"; echo "$d"; }
# One shared Go build cache for every binary.
export GOCACHE=${GOCACHE:-$CACHE_ROOT/go-build}
export GOFLAGS=${GOFLAGS:--mod=mod}
# The Go compiler spends much of its time collecting garbage: at GOGC=400 a cold build of CoreDNS
# took 152 s against 193 and 201 s at the default 100 (2 cores, 23 GiB), its peak memory the same
# 1.1 GB (docs/benchmarks.md). A caller's own GOGC wins.
export GOGC=${GOGC:-400}
export CGO_ENABLED=0
# The kubectl build-k8s-binaries.sh builds, of the clusters' own version (RA2_KUBECTL_DIR: tests' stubs).
KUBECTL_DIR=${RA2_KUBECTL_DIR:-$CACHE_ROOT/kubernetes-$KUBERNETES_VERSION}
IMAGE_PREFIX=${RA2_IMAGE_PREFIX:-ra2-testbed}
NODE_IMAGE="$IMAGE_PREFIX/node:$KUBERNETES_VERSION"
# The suite's default probe image, under upstream's name (agnhost built from the pinned module, on
# a busybox userland like upstream's Alpine); preloaded, so no node pulls it.
PROBE_IMAGE="registry.k8s.io/e2e-test-images/agnhost:$AGNHOST_VERSION"
# The wrapper modules (testbed/go/) the Kubernetes commands and etcd are built from.
K8S_MODULE=k8s ETCD_MODULE=etcd

# use_newest_kubernetes: what a build script's `newest` argument selects: the node of the newest
# minor (KUBERNETES_VERSION_NEWEST, containerd 2) and the etcd, CoreDNS and pause its kubeadm asks
# for. The test bed's kubectl (KUBECTL_DIR) stays the one of KUBERNETES_VERSION.
use_newest_kubernetes() {
  KUBERNETES_VERSION=$KUBERNETES_VERSION_NEWEST ETCD_VERSION=$ETCD_VERSION_NEWEST
  COREDNS_VERSION=$COREDNS_VERSION_NEWEST PAUSE_VERSION=$PAUSE_VERSION_NEWEST
  K8S_MODULE=k8s-newest ETCD_MODULE=etcd-newest
  NODE_IMAGE="$IMAGE_PREFIX/node:$KUBERNETES_VERSION"
}

# Images preloaded into every node: the control plane, the add-ons and the suite's probe image.
preloaded_images() {
  local etcd_tag="${ETCD_VERSION#v}-0"
  printf '%s\n' \
    "registry.k8s.io/kube-apiserver:$KUBERNETES_VERSION" "registry.k8s.io/kube-controller-manager:$KUBERNETES_VERSION" \
    "registry.k8s.io/kube-scheduler:$KUBERNETES_VERSION" "registry.k8s.io/kube-proxy:$KUBERNETES_VERSION" \
    "registry.k8s.io/etcd:$etcd_tag" "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" \
    "registry.k8s.io/pause:$PAUSE_VERSION" "$IMAGE_PREFIX/kube-router:$KUBE_ROUTER_VERSION-$KUBE_ROUTER_BUILD" \
    "$IMAGE_PREFIX/local-path-provisioner:$LOCAL_PATH_PROVISIONER_VERSION" "$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE" \
    "$PROBE_IMAGE"
}

# module_dir MODULE@VERSION: the module's source directory in the Go module cache (downloaded if needed).
module_dir() {
  local dir; dir=$(GOFLAGS= go mod download -json "$1" | jq -r '.Dir // empty') || true
  [[ -d "$dir" ]] || die "cannot download Go module $1"
  echo "$dir"
}

# require_pinned DIR MODULE VERSION: the wrapper module in DIR requires MODULE at VERSION
# (versions.env and the wrapper's go.mod must move together).
require_pinned() {
  local pinned; pinned=$(cd "$1" && go list -m -f '{{.Version}}' "$2" 2>/dev/null) || true
  [[ $pinned == "$3" ]] || die "$1/go.mod pins $2 at ${pinned:-no version} but versions.env says $3: update the go.mod"
}

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { printf 'testbed: %s\n' "$*" >&2; exit 1; }

# use_pinned_kubectl [VERSION]: puts the test bed's kubectl of VERSION (default KUBERNETES_VERSION; a
# cluster's own version, so that kubectl is never outside its +-1 minor skew: the ha bed runs
# KUBERNETES_VERSION_NEWEST) first on PATH and logs its version; dies when it is not built or reports
# another version, so a host kubectl (of any version) is never used instead.
use_pinned_kubectl() {
  local want=${1:-$KUBERNETES_VERSION} dir=$KUBECTL_DIR version
  [[ $want == "$KUBERNETES_VERSION" ]] || dir="$CACHE_ROOT/kubernetes-$want"
  [[ -x "$dir/kubectl" ]] \
    || die "kubectl $want is not built ($dir/kubectl): run testbed/build-all.sh (make images)"
  [[ ":$PATH:" == ":$dir:"* ]] || export PATH="$dir:$PATH"
  version=$(kubectl version --client -o json | jq -r '.clientVersion.gitVersion // empty') \
    || die "$dir/kubectl version --client failed"
  [[ $version == "$want" ]] \
    || die "$dir/kubectl reports version '${version}', not $want: rebuild it (testbed/build-all.sh)"
  log "kubectl $version ($dir/kubectl)"
}

# Retry an infrastructure step that is known to be slow to settle (never an assertion).
retry() {
  local attempts=$1; shift
  local n=1
  until "$@"; do
    (( n >= attempts )) && return 1
    log "retry $n/$attempts: $*"; n=$((n + 1)); sleep 5
  done
}
