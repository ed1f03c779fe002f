# Node Feature Discovery: nfd-worker inspects each node (CPUID, kernel, PCI, ...) and nfd-master
# turns what it finds into feature.node.kubernetes.io/* node labels. Sourced, never run (CONTRACT.md).

nfd_images() { echo "$IMAGE_PREFIX/node-feature-discovery:$NFD_VERSION"; }

build_nfd() {
  local dir pkg=sigs.k8s.io/node-feature-discovery src
  dir=$(cache_dir "nfd-$NFD_VERSION")
  if [[ ! -x "$dir/nfd-master" || ! -x "$dir/nfd-worker" || ! -f "$dir/crds/nfd-api-crds.yaml" ]]; then
    # NFD's go.mod has replace directives, so `go install` refuses it: build through the
    # wrapper module testbed/go/nfd, which must pin the same version as versions.env.
    require_pinned "$TESTBED_DIR/go/nfd" "$pkg" "$NFD_VERSION"
    log "building nfd-master and nfd-worker $NFD_VERSION"
    # pathPrefix=/host- is how upstream builds it: the worker reads the node's /sys, /etc, /usr/lib...
    # from the read-only host mounts under /host-*, not from the container's own files.
    (cd "$TESTBED_DIR/go/nfd" && go build -trimpath -ldflags "-s -w -X $pkg/pkg/version.version=$NFD_VERSION \
        -X $pkg/pkg/utils/hostpath.pathPrefix=/host-" -o "$dir/" "$pkg/cmd/nfd-master" "$pkg/cmd/nfd-worker") \
      || die "go build of NFD $NFD_VERSION failed"
    # The CRDs (NodeFeature, NodeFeatureRule, NodeFeatureGroup) ship in the module itself.
    src=$(module_dir "$pkg@$NFD_VERSION")/deployment/base/nfd-crds/nfd-api-crds.yaml
    [[ -f "$src" ]] || die "NFD CRDs not found in the module ($src)"
    mkdir -p "$dir/crds" && cp "$src" "$dir/crds/nfd-api-crds.yaml" && chmod u+w "$dir/crds/nfd-api-crds.yaml"
  fi
  image "$(nfd_images)" "$IMAGE_PREFIX/net-base:$DEBIAN_SUITE" "" "$dir/nfd-master" "$dir/nfd-worker"
}

install_nfd() {
  local crds; crds="$(cache_dir "nfd-$NFD_VERSION")/crds/nfd-api-crds.yaml"
  [[ -f "$crds" ]] || die "NFD CRDs missing ($crds): run build_nfd first"
  log "installing Node Feature Discovery $NFD_VERSION"
  # Server-side apply: the CRDs are too large for the last-applied annotation of client-side apply.
  kc apply --server-side --force-conflicts -f "$crds" >/dev/null
  kc wait --for condition=Established --timeout=60s \
    crd/nodefeatures.nfd.k8s-sigs.io crd/nodefeaturerules.nfd.k8s-sigs.io crd/nodefeaturegroups.nfd.k8s-sigs.io >/dev/null \
    || die "NFD CRDs not established"
  render "$TESTBED_DIR/manifests/network-intensive/nfd.yaml" | kc apply -f - >/dev/null
  kc -n node-feature-discovery rollout status deployment/nfd-master --timeout=180s >/dev/null \
    || die "nfd-master not ready: kubectl -n node-feature-discovery describe deployment nfd-master"
  kc -n node-feature-discovery rollout status daemonset/nfd-worker --timeout=180s >/dev/null \
    || die "nfd-worker not ready on every node: kubectl -n node-feature-discovery get pods -o wide"
  # Ready pods are not yet labels: wait until every node carries the kernel version label.
  local deadline=$((SECONDS + 120)) missing
  while :; do
    missing=$(kc get nodes -o go-template='{{range .items}}{{if not (index .metadata.labels "feature.node.kubernetes.io/kernel-version.full")}}{{.metadata.name}} {{end}}{{end}}')
    [[ -z "$missing" ]] && break
    (( SECONDS < deadline )) || die "nodes without feature.node.kubernetes.io labels after 120s: $missing (see nfd-master logs)"
    sleep 3
  done
  log "Node Feature Discovery ready: every node labelled"
}
