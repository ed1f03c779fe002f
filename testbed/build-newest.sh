#!/usr/bin/env bash
# The node image of the newest Kubernetes minor (KUBERNETES_VERSION_NEWEST, the ha bed): its
# Kubernetes commands, containerd 2 and runc, the etcd, CoreDNS and pause its kubeadm asks for, their
# images, and the node. Runs after build-all.sh's other steps (it shares their base images, the
# add-on images and the probe image); each step skips what its cache already holds.
source "$(dirname "$0")/lib/common.sh"
step() { local t=$SECONDS; "$TESTBED_DIR/$1" "${@:2}"; log "$* took $((SECONDS - t))s"; }
step build-k8s-binaries.sh newest
step build-containerd.sh
step build-addon-binaries.sh newest
step build-images.sh newest
step build-node-image.sh newest
