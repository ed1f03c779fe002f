# Multus (thin plugin) and whereabouts IPAM: the secondary pod interfaces (net1..net5 on the
# workers' eth1..eth5) of the network-intensive profile. Sourced, never run: see CONTRACT.md.
#
# Multus becomes the node's CNI config (00-multus.conf, written by its thin_entrypoint) and
# delegates the default network to kube-router's 10-kuberouter.conflist; extra interfaces come
# from NetworkAttachmentDefinitions that call the node's Debian CNI plugins (macvlan, bridge,
# host-device, ipvlan, ...) with whereabouts handing out cluster-wide unique addresses.

MULTUS_GO_DIR="$TESTBED_DIR/go/multus"   # wrapper module: whereabouts' replace directive defeats `go install`
MULTUS_MANIFESTS="$TESTBED_DIR/manifests/network-intensive"

multus_images() {
  printf '%s\n' "$IMAGE_PREFIX/multus:$MULTUS_VERSION" "$IMAGE_PREFIX/whereabouts:$WHEREABOUTS_VERSION"
}

# _multus_module_dir MODULE VERSION: the module's directory in the module cache, once the wrapper pins VERSION.
_multus_module_dir() { require_pinned "$MULTUS_GO_DIR" "$1" "$2" && module_dir "$1@$2"; }

# _multus_build OUT PACKAGE LDFLAGS: one command of the wrapper module, unless OUT is already built.
_multus_build() {
  [[ -x $1 ]] && return
  log "building $(basename "$1") from $2"
  (cd "$MULTUS_GO_DIR" && go build -trimpath -ldflags "-s -w $3" -o "$1" "$2") || die "go build of $2 failed (module $MULTUS_GO_DIR)"
}

build_multus() {
  local mdir wdir msrc wsrc f cold=
  local m=gopkg.in/k8snetworkplumbingwg/multus-cni.v4 w=github.com/k8snetworkplumbingwg/whereabouts
  mdir=$(cache_dir "multus-$MULTUS_VERSION"); wdir=$(cache_dir "whereabouts-$WHEREABOUTS_VERSION")
  for f in "$mdir"/{multus,thin_entrypoint,crds/network-attachment-definitions.yaml} \
           "$wdir"/{whereabouts,ip-control-loop,crds/ippools.yaml,crds/overlappingrangeipreservations.yaml,crds/nodeslicepools.yaml}; do
    [[ -s $f ]] || cold=1
  done
  if [[ -n $cold ]]; then
    msrc=$(_multus_module_dir "$m" "$MULTUS_VERSION"); wsrc=$(_multus_module_dir "$w" "$WHEREABOUTS_VERSION")
    # The version strings upstream's build scripts stamp in, so `multus -v` and the logs tell the truth.
    _multus_build "$mdir/multus" "$m/cmd/multus" "-X $m/pkg/multus.version=$MULTUS_VERSION"
    _multus_build "$mdir/thin_entrypoint" "$m/cmd/thin_entrypoint" "-X $m/pkg/multus.version=$MULTUS_VERSION"
    _multus_build "$wdir/whereabouts" "$w/cmd" "-X $w/pkg/version.Version=$WHEREABOUTS_VERSION"
    _multus_build "$wdir/ip-control-loop" "$w/cmd/controlloop" "-X $w/pkg/version.Version=$WHEREABOUTS_VERSION"
    # CRDs come from the modules, never from the repository. Multus ships its NetworkAttachmentDefinition
    # CRD only as the first document of its quick-start DaemonSet manifest: cut that document out.
    mkdir -p "$mdir/crds" "$wdir/crds"
    awk '/^---/ { if (crd) exit; doc = ""; next } { doc = doc $0 "\n" } /^kind: CustomResourceDefinition/ { crd = 1 }
         END { if (crd) printf "%s", doc }' "$msrc/deployments/multus-daemonset.yml" > "$mdir/crds/network-attachment-definitions.yaml"
    grep -q 'name: network-attachment-definitions.k8s.cni.cncf.io' "$mdir/crds/network-attachment-definitions.yaml" \
      || die "no NetworkAttachmentDefinition CRD found in $msrc/deployments/multus-daemonset.yml"
    for f in ippools overlappingrangeipreservations nodeslicepools; do
      install -m 0644 "$wsrc/doc/crds/whereabouts.cni.cncf.io_$f.yaml" "$wdir/crds/$f.yaml" \
        || die "whereabouts $WHEREABOUTS_VERSION has no $f CRD in $wsrc/doc/crds"
    done
  fi
  local net="$IMAGE_PREFIX/net-base:$DEBIAN_SUITE"
  image "$IMAGE_PREFIX/multus:$MULTUS_VERSION" "$net" /usr/local/bin/thin_entrypoint "$mdir/multus" "$mdir/thin_entrypoint"
  image "$IMAGE_PREFIX/whereabouts:$WHEREABOUTS_VERSION" "$net" "" "$wdir/whereabouts" "$wdir/ip-control-loop"
}

install_multus() {
  local mdir wdir ds
  mdir=$(cache_dir "multus-$MULTUS_VERSION"); wdir=$(cache_dir "whereabouts-$WHEREABOUTS_VERSION")
  [[ -f $mdir/crds/network-attachment-definitions.yaml && -f $wdir/crds/ippools.yaml ]] \
    || die "multus/whereabouts CRDs missing in $mdir/crds and $wdir/crds: run build_multus first"
  log "installing multus $MULTUS_VERSION and whereabouts $WHEREABOUTS_VERSION"
  kc apply -f "$mdir/crds/" -f "$wdir/crds/" >/dev/null
  kc wait --for condition=established --timeout=60s crd/network-attachment-definitions.k8s.cni.cncf.io \
    crd/ippools.whereabouts.cni.cncf.io crd/overlappingrangeipreservations.whereabouts.cni.cncf.io \
    crd/nodeslicepools.whereabouts.cni.cncf.io >/dev/null || die "multus/whereabouts CRDs not established within 60s"
  render "$MULTUS_MANIFESTS/multus.yaml" | kc apply -f - >/dev/null
  render "$MULTUS_MANIFESTS/whereabouts.yaml" | kc apply -f - >/dev/null
  # Each DaemonSet turns ready only once its node has the binaries and configuration (readiness probes).
  for ds in multus whereabouts; do
    kc -n kube-system rollout status "daemonset/$ds" --timeout=180s >/dev/null \
      || die "daemonset kube-system/$ds not ready within 180s (kubectl -n kube-system describe ds/$ds)"
  done
  kc apply -f "$MULTUS_MANIFESTS/attachments.yaml" >/dev/null
  log "multus and whereabouts ready"
}
