# MetalLB, layer-2 mode only (no FRR): gives Services of type LoadBalancer an address from
# the top of the kind Docker network, answered for by the speakers with ARP, so the host
# reaches them over the kind bridge. Sourced by build-ni.sh and ni/install.sh (CONTRACT.md).

metallb_images() {
  printf '%s\n' "$IMAGE_PREFIX/metallb-controller:$METALLB_VERSION" "$IMAGE_PREFIX/metallb-speaker:$METALLB_VERSION"
}

build_metallb() {
  local dir src; dir=$(cache_dir "metallb-$METALLB_VERSION")
  if [[ ! -x "$dir/controller" || ! -x "$dir/speaker" ]]; then
    log "building MetalLB controller and speaker $METALLB_VERSION"
    # The module has no replace directives, so it installs as it is.
    GOFLAGS= GOBIN="$dir" go install -trimpath -ldflags "-s -w" \
      "go.universe.tf/metallb/controller@$METALLB_VERSION" "go.universe.tf/metallb/speaker@$METALLB_VERSION" \
      || die "go install of MetalLB $METALLB_VERSION failed"
  fi
  if [[ ! -f "$dir/webhooks.yaml" ]]; then
    src=$(module_dir "go.universe.tf/metallb@$METALLB_VERSION")
    [[ -d "$src/config/crd/bases" ]] || die "MetalLB $METALLB_VERSION module has no config/crd/bases ($src)"
    mkdir -p "$dir/crds"
    install -m 0644 "$src"/config/crd/bases/*.yaml "$dir/crds/"
    # bgppeers serves two versions through a conversion webhook; the controller's certificate
    # rotator refuses to become ready (and so never serves its webhooks) until it can put its CA
    # into that CRD's conversion stanza, so the module's patch is applied at install time.
    install -m 0644 "$src/config/crd/patches/crd-conversion-patch-bgppeers.yaml" "$dir/bgppeers-conversion.yaml"
    # The validating webhooks are generated from the controller's code (paths must match the
    # binary); kustomize would prefix the name and set the namespace, done here instead.
    perl -pe 's/^(\s*name:) validating-webhook-configuration$/$1 metallb-webhook-configuration/;
              s/^(\s*namespace:) system$/$1 metallb-system/; $_ = "" if /creationTimestamp: null/' \
      "$src/config/webhook/manifests.yaml" > "$dir/webhooks.yaml.tmp"
    grep -q 'name: metallb-webhook-configuration' "$dir/webhooks.yaml.tmp" \
      || die "MetalLB webhook manifest changed shape: no validating-webhook-configuration in $src/config/webhook/manifests.yaml"
    mv "$dir/webhooks.yaml.tmp" "$dir/webhooks.yaml"
  fi
  local tiny="$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE"
  image "$IMAGE_PREFIX/metallb-controller:$METALLB_VERSION" "$tiny" /usr/local/bin/controller "$dir/controller"
  image "$IMAGE_PREFIX/metallb-speaker:$METALLB_VERSION" "$tiny" /usr/local/bin/speaker "$dir/speaker"
}

# _metallb_pool_range: a small range at the top of the kind network's IPv4 subnet (Docker hands
# out container addresses from the bottom), e.g. 172.18.255.200-172.18.255.250 for a /16.
_metallb_pool_range() {
  local subnet net prefix a b c d base last n out=()
  subnet=$(docker network inspect kind -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' | tr ' ' '\n' | grep -m1 '\.') \
    || die "no IPv4 subnet on the Docker network 'kind' (is a kind cluster up?)"
  net=${subnet%/*} prefix=${subnet#*/}
  (( prefix <= 24 )) || die "kind network $subnet is smaller than a /24: no room for a MetalLB pool"
  IFS=. read -r a b c d <<<"$net"
  base=$(( (a << 24 | b << 16 | c << 8 | d) & (0xffffffff << (32 - prefix)) & 0xffffffff ))
  last=$(( base | (0xffffffff >> prefix) ))
  for n in $((last - 55)) $((last - 5)); do
    out+=("$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))")
  done
  echo "${out[0]}-${out[1]}"
}

install_metallb() {
  local dir range deadline pool err; dir=$(cache_dir "metallb-$METALLB_VERSION")
  [[ -f "$dir/webhooks.yaml" ]] || die "MetalLB CRDs and webhooks not in $dir: run build_metallb first"
  range=$(_metallb_pool_range)
  # Server-side apply: the CRDs are too large for kubectl's last-applied annotation.
  kc apply --server-side --force-conflicts -f "$dir/crds/" >/dev/null
  kc patch crd bgppeers.metallb.io --type=merge --patch-file "$dir/bgppeers-conversion.yaml" >/dev/null
  kc apply -f "$dir/webhooks.yaml" >/dev/null
  render "$TESTBED_DIR/manifests/network-intensive/metallb.yaml" | kc apply -f - >/dev/null
  kc -n metallb-system rollout status deployment/controller --timeout=300s >/dev/null \
    || die "MetalLB controller not ready (kubectl -n metallb-system logs deploy/controller)"
  kc -n metallb-system rollout status daemonset/speaker --timeout=300s >/dev/null \
    || die "MetalLB speakers not ready (kubectl -n metallb-system get pods -l app=metallb)"
  # The pool is validated by the controller's webhook, which can lag the controller's readiness
  # (Service endpoints, caBundle injection): retry until a deadline, then fail loudly.
  pool=$(cat <<YAML
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: kind-network
  namespace: metallb-system
spec:
  addresses: [$range]
---
# Announce only on eth0, the kind network; eth1..eth5 are the secondary networks.
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: kind-network
  namespace: metallb-system
spec:
  ipAddressPools: [kind-network]
  interfaces: [eth0]
YAML
)
  deadline=$((SECONDS + 180))
  until err=$(kc apply -f - <<<"$pool" 2>&1 >/dev/null); do
    (( SECONDS < deadline )) || die "MetalLB pool $range not accepted within 180s: $err"
    sleep 5
  done
  log "MetalLB $METALLB_VERSION ready, pool $range"
}
