#!/usr/bin/env bash
# testbed/verify-basic.sh: the image provenance and node checks fail, naming the tool, when kind,
# docker (crictl) or kubectl fails or lists nothing; "all 0 images ... built here" never passes.
source "$(dirname "$0")/lib.sh"
echo "testbed/verify-basic.sh"
verify() { "$REPO/testbed/verify-basic.sh" basic "$@"; }

# kubectl: the pinned version, nodes and kube-system pods as NODES/PODS say, anything else silent.
stub kubectl '
case " $* " in
  *" version "*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.35.4\"}}" ;;
  *" get nodes "*) printf "%b" "${NODES-ra2-basic-worker   Ready   <none>   1d   v1.35.4\n}" ;;
  *" get pods -n kube-system "*) printf "%b" "${PODS-coredns-1   1/1   Running   0   1d\n}" ;;
esac'
# Two nodes, each with two images this host's engine holds.
healthy_kind() { stub kind 'printf "%s\n" ra2-basic-control-plane ra2-basic-worker'; }
healthy_docker() {
  stub docker '
case "$1" in
  exec) echo "{\"images\":[{\"id\":\"sha256:aa\",\"repoTags\":[\"ra2-testbed/agnhost:v1.35.4\"]},{\"id\":\"sha256:bb\",\"repoTags\":[]}]}" ;;
  image) exit 0 ;;
  *) exit 1 ;;
esac'
}

healthy_kind; healthy_docker
expect_success "control: images on working nodes" "ok: all 4 images on the 2 nodes of ra2-basic were built on this host" \
  verify check_images_built_here

missing kind
expect_failure "no kind: fails naming kind" "FAIL: kind get nodes --name ra2-basic failed" verify check_images_built_here
stub kind 'echo "No kind nodes found for cluster \"ra2-basic\"." >&2'
expect_failure "kind lists no node: fails" "FAIL: kind lists no node of cluster ra2-basic" verify check_images_built_here

healthy_kind
stub docker 'echo "Error response from daemon: container ra2-basic-worker is not running" >&2; exit 1'
expect_failure "docker exec fails: fails naming the node" "FAIL: cannot list the images on ra2-basic-control-plane" \
  verify check_images_built_here
stub docker '[ "$1" = exec ] && echo "{\"images\":[]}"; exit 0'
expect_failure "crictl lists no image: fails" "FAIL: crictl lists no image on ra2-basic-control-plane" verify check_images_built_here
stub docker '[ "$1" = exec ] && echo "not json"; exit 0'
expect_failure "crictl prints garbage: fails" "FAIL: cannot read the image list crictl gave" verify check_images_built_here
stub docker '[ "$1" = exec ] && echo "{\"images\":[{\"id\":\"sha256:cc\",\"repoTags\":[\"pulled:1\"]}]}"; [ "$1" = exec ]'
expect_failure "an image this host does not hold: fails (as before)" "FAIL: image pulled:1 \(sha256:cc\) on ra2-basic-control-plane was not built" \
  verify check_images_built_here

# The kind network as `docker network inspect kind` shows it, with NETWORK as its containers.
stub docker '[ "$1" = network ] || exit 1; printf "[{\"Containers\":%s}]" "${NETWORK}"'
one='{"a":{"IPv4Address":"172.18.0.2/16","IPv6Address":"fc00:f853:ccd:e793::2/64"}'
expect_success "control: every address on the kind network held once" "ok: 4 addresses on the kind network" \
  env NETWORK="$one,\"b\":{\"IPv4Address\":\"172.18.0.3/16\",\"IPv6Address\":\"fc00:f853:ccd:e793::3/64\"}}" \
  "$REPO/testbed/verify-basic.sh" basic check_node_addresses_unique
expect_failure "an IPv6 address held by two nodes: fails naming it" "FAIL: addresses held by two containers on the kind network: fc00:f853:ccd:e793::2" \
  env NETWORK="$one,\"b\":{\"IPv4Address\":\"172.18.0.3/16\",\"IPv6Address\":\"fc00:f853:ccd:e793::2/64\"}}" \
  "$REPO/testbed/verify-basic.sh" basic check_node_addresses_unique
expect_failure "an empty kind network: fails" "FAIL: docker lists no container address" env NETWORK='{}' \
  "$REPO/testbed/verify-basic.sh" basic check_node_addresses_unique
stub docker 'echo "Error: No such network: kind" >&2; exit 1'
expect_failure "docker network inspect fails: fails naming it" "FAIL: docker network inspect kind failed" \
  verify check_node_addresses_unique

expect_success "control: nodes Ready, kube-system Running" "ok: 1 nodes Ready, 1 kube-system pods Running" \
  verify check_nodes_and_system_pods
expect_failure "kubectl lists no node: fails" "FAIL: kubectl get nodes lists no node" env NODES= \
  "$REPO/testbed/verify-basic.sh" basic check_nodes_and_system_pods
expect_failure "kubectl lists no kube-system pod: fails" "FAIL: kubectl lists no pod in kube-system" env PODS= \
  "$REPO/testbed/verify-basic.sh" basic check_nodes_and_system_pods

stub kubectl '[[ " $* " == *" version "* ]] && echo "{\"clientVersion\":{\"gitVersion\":\"v1.32.4\"}}"; exit 0'
expect_failure "a kubectl of another version is refused" "reports version 'v1.32.4', not v1.35.4" verify check_nodes_and_system_pods
# NetworkPolicy: before deny-all the client reaches the server; after it, kubectl exec answers as
# AFTER_DENY says (exec-fail, or curl:<exit code>); after the allow rule it reaches again.
stub kubectl '
case " $* " in
  *" version "*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.35.4\"}}" ;;
  *" get pod -n ra2-testbed-smoke server "*) echo "{\"status\":{\"podIPs\":[{\"ip\":\"10.244.1.5\"},{\"ip\":\"fd00::5\"}]}}" ;;
  *" apply "*) policy=$(cat); [[ $policy == *deny-all* ]] && touch "$STUB_CALLS.denied"
    [[ $policy == *allow-client* ]] && touch "$STUB_CALLS.allowed"; exit 0 ;;
  *" exec "*)
    if [[ -e $STUB_CALLS.denied && ! -e $STUB_CALLS.allowed ]]; then answer=$AFTER_DENY; else answer=curl:0; fi
    case "$answer" in
      exec-fail) echo "error: Internal error occurred: error sending request: dial tcp: i/o timeout" >&2; exit 1 ;;
      curl:0) printf "curl-exit=0\nserver" ;;
      curl:*) printf "curl-exit=%s\ncurl: (%s) failed" "${answer#curl:}" "${answer#curl:}" ;;
    esac ;;
esac'
policy() { rm -f "$STUB_CALLS".denied "$STUB_CALLS".allowed; AFTER_DENY=$1 verify check_network_policy; }
# Waits that must end by an observation get a deadline no loaded machine reaches (they end at once);
# waits that must run out get a short one.
export RA2_VERIFY_OBSERVE_INTERVAL=0.1
RA2_VERIFY_POLICY_SECONDS=120 expect_success "control: deny-all blocks (timeouts), the allow rule lets through" \
  "ok: allow rule lets client -> server through again" policy curl:28
export RA2_VERIFY_POLICY_SECONDS=2
expect_failure "exec failing after deny-all: not counted as blocked" \
  "FAIL: traffic to 10.244.1.5 not seen blocked 3 times in a row .*last: not observed: kubectl exec into client failed" policy exec-fail
expect_failure "curl failing otherwise (DNS, 6): not counted as blocked" \
  "FAIL: traffic to 10.244.1.5 not seen blocked .*curl in client exited 6" policy curl:6
finish
