#!/usr/bin/env bash
# Assembles the kind node image: the node-base rootfs, kind's base-image files from the kind
# module, the Kubernetes binaries, the default CNI and storage manifests, and every image the
# cluster runs preloaded into containerd's k8s.io namespace, so that no node ever pulls.
source "$(dirname "$0")/lib/common.sh"
KUBE_BIN=$(cache_dir "kubernetes-$KUBERNETES_VERSION")
# The image is labelled with a fingerprint of everything it is made of (pinned versions, manifests,
# this script, the preloaded images' IDs), so a change to any of them rebuilds it.
fingerprint=$({ cat "$TESTBED_DIR/versions.env" "$TESTBED_DIR"/manifests/*.yaml "$0"
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
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $IMAGE_PREFIX/node-base:$DEBIAN_SUITE
COPY files/ /
COPY bin/kubeadm bin/kubelet bin/kubectl /usr/bin/
COPY bin/crictl /usr/local/bin/
COPY manifests/ /kind/manifests/
RUN chmod 755 /usr/local/bin/* /kind/bin/* /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl \\
 && ln -sf /usr/bin/containerd /usr/local/bin/containerd && ln -sf /usr/sbin/runc /usr/local/sbin/runc \\
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
docker build -q -t "$NODE_IMAGE-rootfs" "$ctx" >/dev/null

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
