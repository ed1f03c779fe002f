#!/usr/bin/env bash
# Builds containerd 2 (containerd, its runc shim, ctr) and runc from their Go modules, for the
# node image of KUBERNETES_VERSION_NEWEST: Kubernetes 1.36+ refuse containerd 1.x, and Debian
# bookworm ships containerd 1.6 and runc 1.1. runc is the one containerd's CI tests against
# (script/setup/runc-version in the containerd module), built statically with seccomp (cgo).
source "$(dirname "$0")/lib/common.sh"

build_containerd() {
  local dir cmd pkg=github.com/containerd/containerd/v2
  dir=$(cache_dir "containerd-$CONTAINERD_VERSION")
  [[ -x "$dir/containerd" && -x "$dir/containerd-shim-runc-v2" && -x "$dir/ctr" ]] && return
  local ldflags="-s -w -X $pkg/version.Version=$CONTAINERD_VERSION -X $pkg/version.Revision=module-$CONTAINERD_VERSION"
  for cmd in containerd containerd-shim-runc-v2 ctr; do
    log "building $cmd $CONTAINERD_VERSION"
    GOFLAGS= GOBIN="$dir" go install -trimpath -tags "no_btrfs no_devmapper no_zfs" -ldflags "$ldflags" \
      "$pkg/cmd/$cmd@$CONTAINERD_VERSION"
  done
}

build_runc() {
  local dir tested; dir=$(cache_dir "runc-$RUNC_VERSION")
  [[ -x "$dir/runc" ]] && return
  tested=$(cat "$(module_dir "github.com/containerd/containerd/v2@$CONTAINERD_VERSION")/script/setup/runc-version")
  [[ $tested == "$RUNC_VERSION" ]] \
    || die "containerd $CONTAINERD_VERSION is tested with runc $tested, versions.env pins $RUNC_VERSION"
  pkg-config --exists libseccomp || die "runc needs libseccomp-dev (testbed/prepare-host.sh installs it)"
  log "building runc $RUNC_VERSION (static, seccomp)"
  GOFLAGS= GOBIN="$dir" CGO_ENABLED=1 go install -trimpath -tags "seccomp urfave_cli_no_docs netgo osusergo" \
    -ldflags "-s -w -X main.gitCommit=module-$RUNC_VERSION -extldflags -static" \
    "github.com/opencontainers/runc@$RUNC_VERSION"
}

build_containerd
build_runc
log "containerd $CONTAINERD_VERSION and runc $RUNC_VERSION ready"
