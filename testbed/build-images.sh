#!/usr/bin/env bash
# Builds every container image the test bed runs, from the binaries in the cache and the
# Debian base images, under the exact names kubeadm and kind ask for, so nothing is pulled.
# With `newest`: only the control plane, etcd, CoreDNS and pause of KUBERNETES_VERSION_NEWEST.
source "$(dirname "$0")/lib/common.sh"
[[ ${1:-} == newest ]] && use_newest_kubernetes
KUBE_BIN=$(cache_dir "kubernetes-$KUBERNETES_VERSION")
ETCD_TAG="${ETCD_VERSION#v}-0"

source "$TESTBED_DIR/lib/image.sh"

TINY="$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE"
NET="$IMAGE_PREFIX/net-base:$DEBIAN_SUITE"
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  image "registry.k8s.io/$c:$KUBERNETES_VERSION" "$TINY" "" "$KUBE_BIN/$c"
done
image "registry.k8s.io/kube-proxy:$KUBERNETES_VERSION" "$NET" "" "$KUBE_BIN/kube-proxy"
image "registry.k8s.io/etcd:$ETCD_TAG" "$TINY" "" "$(cache_dir "etcd-$ETCD_VERSION")/etcd" "$(cache_dir "etcd-$ETCD_VERSION")/etcdctl"
image "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$TINY" /usr/local/bin/coredns "$(cache_dir "coredns-$COREDNS_VERSION")/coredns"
image "registry.k8s.io/pause:$PAUSE_VERSION" "$TINY" /usr/local/bin/pause "$(cache_dir "pause-$PAUSE_VERSION")/pause"
[[ $K8S_MODULE == k8s ]] || exit 0   # the newest node shares every other image
image "$IMAGE_PREFIX/kube-router:$KUBE_ROUTER_VERSION-$KUBE_ROUTER_BUILD" "$NET" /usr/local/bin/kube-router \
  "$(cache_dir "kube-router-$KUBE_ROUTER_VERSION-$KUBE_ROUTER_BUILD")/kube-router"
image "$IMAGE_PREFIX/local-path-provisioner:$LOCAL_PATH_PROVISIONER_VERSION" "$TINY" "" \
  "$(cache_dir "local-path-provisioner-$LOCAL_PATH_PROVISIONER_VERSION")/local-path-provisioner"
# The probe image the suite schedules, under upstream's name: agnhost built from the pinned module on
# agnhost-base (busybox plus curl, dig/nslookup, nc, ip, iperf and bash, as upstream's Alpine image),
# at /agnhost as upstream. The name's version must be the module's, or the name would lie.
agnhost_version=$(cat "$(module_dir "k8s.io/kubernetes@$KUBERNETES_VERSION")/test/images/agnhost/VERSION")
[[ $agnhost_version == "$AGNHOST_VERSION" ]] || die "versions.env says AGNHOST_VERSION=$AGNHOST_VERSION but \
k8s.io/kubernetes@$KUBERNETES_VERSION's test/images/agnhost/VERSION is $agnhost_version: update versions.env"
image "$PROBE_IMAGE" "$IMAGE_PREFIX/agnhost-base:$DEBIAN_SUITE" /agnhost "$KUBE_BIN/agnhost:/agnhost"
"$TESTBED_DIR/lib/build-lb-image.sh"
