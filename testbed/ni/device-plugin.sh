# The Kubernetes sample device plugin: advertises two fake devices as the extended resource
# example.com/resource on the network-intensive workers, so the suite can request a device
# through the kubelet's device plugin API. Sourced, never run (CONTRACT.md).

device_plugin_images() { echo "$IMAGE_PREFIX/sample-device-plugin:$KUBERNETES_VERSION"; }

build_device_plugin() {
  local dir; dir=$(cache_dir "device-plugin-$KUBERNETES_VERSION")
  if [[ ! -x "$dir/sample-device-plugin" ]]; then
    log "building sample-device-plugin $KUBERNETES_VERSION"
    # A main package of the Kubernetes module, built through its wrapper testbed/go/k8s, whose go.sum
    # already covers it; -mod=readonly makes sure that module is never rewritten from here.
    (cd "$TESTBED_DIR/go/k8s" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$dir/sample-device-plugin.tmp" \
        k8s.io/kubernetes/test/images/sample-device-plugin) \
      || die "go build of k8s.io/kubernetes/test/images/sample-device-plugin failed (is testbed/go/k8s at $KUBERNETES_VERSION?)"
    mv "$dir/sample-device-plugin.tmp" "$dir/sample-device-plugin"
  fi
  image "$(device_plugin_images)" "$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE" /usr/local/bin/sample-device-plugin \
    "$dir/sample-device-plugin"
}

install_device_plugin() {
  log "installing the sample device plugin (example.com/resource)"
  [[ -n $(kc get nodes -l anuket.io/profile-network-intensive=true -o name) ]] \
    || die "no node labelled anuket.io/profile-network-intensive=true: nothing would run the device plugin"
  render "$TESTBED_DIR/manifests/network-intensive/device-plugin.yaml" | kc apply -f - >/dev/null
  kc -n kube-system rollout status daemonset/sample-device-plugin --timeout=120s >/dev/null \
    || die "sample-device-plugin not ready: kubectl -n kube-system get pods -l app=sample-device-plugin -o wide"
  # A running plugin is not yet a resource: wait until the kubelet of every network-intensive
  # worker has registered it and reports allocatable devices.
  local deadline=$((SECONDS + 120)) missing
  while :; do
    missing=$(kc get nodes -l anuket.io/profile-network-intensive=true \
      -o go-template='{{range .items}}{{if not (index .status.allocatable "example.com/resource")}}{{.metadata.name}} {{else if eq (index .status.allocatable "example.com/resource") "0"}}{{.metadata.name}} {{end}}{{end}}')
    [[ -z "$missing" ]] && break
    (( SECONDS < deadline )) || die "no allocatable example.com/resource after 120s on: $missing (see the plugin's and kubelet's logs)"
    sleep 3
  done
  log "sample device plugin ready: example.com/resource allocatable on every network-intensive worker"
}
