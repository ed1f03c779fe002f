#!/usr/bin/env bash
# Assembles the kind node image: the node-base rootfs, kind's base-image files from the kind
# module, the Kubernetes binaries, the default CNI and storage manifests, and every image the
# cluster runs preloaded into containerd's k8s.io namespace, so that no node ever pulls.
# With `newest`: the node of KUBERNETES_VERSION_NEWEST, on containerd 2 and runc built from their
# modules (build-containerd.sh) with the files of testbed/node-newest/ (see there).
source "$(dirname "$0")/lib/common.sh"
KUBEADM_MIGRATOR="$(cache_dir "kubernetes-$KUBERNETES_VERSION")/kubeadm"
newest=
[[ ${1:-} == newest ]] && use_newest_kubernetes && newest=1
KUBE_BIN=$(cache_dir "kubernetes-$KUBERNETES_VERSION")
CONTAINERD_BIN=$(cache_dir "containerd-$CONTAINERD_VERSION") RUNC_BIN=$(cache_dir "runc-$RUNC_VERSION")
# newest_inputs: what only the newest node is made of (its files, containerd, runc, the migrating kubeadm).
newest_inputs() {
  [[ -n $newest ]] || return 0
  cat "$TESTBED_DIR"/node-newest/*
  stat -L -c '%n %s %Y' "$CONTAINERD_BIN"/{containerd,containerd-shim-runc-v2,ctr} "$RUNC_BIN/runc" "$KUBEADM_MIGRATOR"
}
# The image is labelled with a fingerprint of everything it is made of (pinned versions, manifests,
# this script, the preloaded images' IDs), so a change to any of them rebuilds it.
fingerprint=$({ cat "$TESTBED_DIR/versions.env" "$TESTBED_DIR"/manifests/*.yaml "$0" && newest_inputs
  preloaded_images | xargs docker image inspect -f '{{.Id}}'; } | sha256sum | cut -c1-16) \
  || die "a preloaded image is missing: run testbed/build-images.sh first"
if [[ $(docker image inspect -f '{{index .Config.Labels "ra2.testbed/inputs"}}' "$NODE_IMAGE" 2>/dev/null) == "$fingerprint" \
   && -z "${RA2_REBUILD:-}" ]]; then
  log "$NODE_IMAGE is up to date"; exit 0
fi

KIND_SRC=$(module_dir "sigs.k8s.io/kind@$KIND_VERSION")
[[ -d "$KIND_SRC/images/base/files" ]] || die "kind's base-image files not found in $KIND_SRC"

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"; [[ -n "${builder:-}" ]] && docker rm -f -v "$builder" >/dev/null 2>&1 || true' EXIT
cp -r "$KIND_SRC/images/base/files" "$ctx/files" && chmod -R u+w "$ctx/files"
mkdir -p "$ctx/bin" "$ctx/manifests"
cp "$KUBE_BIN"/{kubeadm,kubelet,kubectl} "$(cache_dir "crictl-$CRI_TOOLS_VERSION")/crictl" "$ctx/bin/"
cp "$TESTBED_DIR/manifests/pod-network.yaml" "$ctx/manifests/default-cni.yaml"
cp "$TESTBED_DIR/manifests/local-path-storage.yaml" "$ctx/manifests/default-storage.yaml"
# Debian's containerd 1.6 has no fuse-overlayfs snapshotter; the sandbox image is the one kubeadm names.
# Node containers lack CAP_SYS_RESOURCE (the host's bounding set has none), so no process in them may
# lower an oom_score_adj: containerd must clamp the kubelet's negative values to its own (0).
sed -i -e '/^\[proxy_plugins/,/^$/d' -e "s#sandbox_image = .*#sandbox_image = \"registry.k8s.io/pause:$PAUSE_VERSION\"#" \
  -e 's#restrict_oom_score_adj = false#restrict_oom_score_adj = true#' \
  "$ctx/files/etc/containerd/config.toml"
# Debian's containerd and runc stay on the node image of KUBERNETES_VERSION; the newest one gets
# containerd 2 and runc at kind's paths (/usr/local/bin, /usr/local/sbin) and Debian's paths link to
# them, its configuration in containerd 2's format, and kubeadm behind the v1beta3 migration.
runtime_step='ln -sf /usr/bin/containerd /usr/local/bin/containerd && ln -sf /usr/sbin/runc /usr/local/sbin/runc'
if [[ -n $newest ]]; then
  mkdir -p "$ctx/runtime/usr/local/bin" "$ctx/runtime/usr/local/sbin" "$ctx/runtime/usr/local/lib/ra2"
  cp "$CONTAINERD_BIN"/{containerd,containerd-shim-runc-v2,ctr} "$ctx/runtime/usr/local/bin/"
  cp "$RUNC_BIN/runc" "$ctx/runtime/usr/local/sbin/"
  mv "$ctx/bin/kubeadm" "$ctx/runtime/usr/local/lib/ra2/kubeadm"
  cp "$KUBEADM_MIGRATOR" "$ctx/runtime/usr/local/lib/ra2/kubeadm-migrate"
  cp "$TESTBED_DIR/node-newest/kubeadm" "$ctx/bin/kubeadm"
  sed "s#@SANDBOX_IMAGE@#registry.k8s.io/pause:$PAUSE_VERSION#" "$TESTBED_DIR/node-newest/containerd-config.toml" \
    > "$ctx/files/etc/containerd/config.toml"
  runtime_step='for f in containerd containerd-shim-runc-v2 ctr; do ln -sf /usr/local/bin/$f /usr/bin/$f; done \
 && ln -sf /usr/local/sbin/runc /usr/sbin/runc && chmod 755 /usr/local/lib/ra2/* /usr/local/sbin/runc \
 && containerd --version | grep -qwF '"$CONTAINERD_VERSION"' && runc --version'
fi
mkdir -p "$ctx/runtime"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $IMAGE_PREFIX/node-base:$DEBIAN_SUITE
COPY files/ /
COPY runtime/ /
COPY bin/kubeadm bin/kubelet bin/kubectl /usr/bin/
COPY bin/crictl /usr/local/bin/
COPY manifests/ /kind/manifests/
RUN chmod 755 /usr/local/bin/* /kind/bin/* /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl \\
 && $runtime_step \\
 && mkdir -p /opt/cni/bin /etc/cni/net.d /etc/kubernetes/manifests /var/local-path-provisioner \\
 && cp -a /usr/lib/cni/* /opt/cni/bin/ \\
 && rm -f /lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service \\
    /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \\
    /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \\
    /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/* \\
 && systemctl enable kubelet.service containerd.service undo-mount-hacks.service \\
 && systemctl mask systemd-binfmt.service \\
 && ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \\
    | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json \\
 && echo "$KUBERNETES_VERSION" > /kind/version
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
DOCKERFILE
log "building the node rootfs"
# Once more on failure: on a fresh daemon, a cold .ci/run saw the legacy builder fail to export this
# image ("failed to get layer sha256:...: layer does not exist"); the same build passed at once after.
retry 2 docker build -q -t "$NODE_IMAGE-rootfs" "$ctx" >/dev/null || die "docker build of the node rootfs failed twice"

# Preload: run containerd in a build container, import the images unpacked on first use
# (as kind does), then commit the container as the node image.
log "preloading $(preloaded_images | wc -l) images"
builder=$(docker run -d --privileged --entrypoint sleep "$NODE_IMAGE-rootfs" infinity)
docker exec -d "$builder" containerd
retry 10 docker exec "$builder" ctr version >/dev/null 2>&1 || die "containerd did not start in the build container"
mapfile -t images < <(preloaded_images)
docker save "${images[@]}" | docker exec -i "$builder" ctr --namespace=k8s.io images import \
  --all-platforms --no-unpack --digests - >/dev/null   # kind's kubelet config never garbage-collects images
docker exec "$builder" sh -c 'pkill containerd; while pgrep -x containerd >/dev/null; do sleep 0.2; done; rm -rf /run/containerd'
docker commit -c 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' -c 'CMD []' \
  -c "LABEL ra2.testbed/inputs=$fingerprint" "$builder" "$NODE_IMAGE" >/dev/null
docker rm -f -v "$builder" >/dev/null && builder=
docker rmi "$NODE_IMAGE-rootfs" >/dev/null
log "built $NODE_IMAGE"
