#!/usr/bin/env bash
# Acceptance of the basic test bed; exits non-zero at the first requirement that does not hold:
#  1. every node Ready, every kube-system pod Running, and every image on every node built here;
#  2. pod-to-pod across workers over IPv4 and IPv6; DNS resolves kubernetes.default;
#  3. a PVC of the default class binds, one pod writes, a second pod reads the same bytes;
#  4. traffic that flows without policy is blocked by deny-all and flows again after an allow rule (IPv4 and IPv6).
# A command that fails or lists nothing fails the script, naming it: nothing passes on an empty list.
#   verify-basic.sh [NAME [CHECK...]]: CHECKs (e.g. check_images_built_here) run only those.
source "$(dirname "$0")/lib/common.sh"
name=${1:-basic}
kubeconfig=$("$TESTBED_DIR/cluster.sh" kubeconfig "$name")
cluster=$(basename "$kubeconfig" .kubeconfig)
NS=ra2-testbed-smoke
source "$TESTBED_DIR/lib/verify.sh"

check_nodes_and_system_pods() {
  local nodes pods notready pending
  nodes=$(kc get nodes --no-headers) || fail "kubectl get nodes failed"
  [[ -n $nodes ]] || fail "kubectl get nodes lists no node"
  notready=$(awk '$2 != "Ready" {print $1}' <<<"$nodes")
  [[ -z "$notready" ]] || fail "nodes not Ready: $notready"
  pods=$(kc get pods -n kube-system --no-headers) || fail "kubectl get pods -n kube-system failed"
  [[ -n $pods ]] || fail "kubectl lists no pod in kube-system"
  pending=$(awk '$3 != "Running" {print $1 "=" $3}' <<<"$pods")
  [[ -z "$pending" ]] || fail "kube-system pods not Running: $pending"
  pass "$(wc -l <<<"$nodes") nodes Ready, $(wc -l <<<"$pods") kube-system pods Running"
}

# Node addresses on the kind network are unique: two containers answering for one IPv6 address
# (seen once with a cluster restarted by the Docker engine) break pod traffic between nodes.
check_node_addresses_unique() {
  local listing addresses dup
  listing=$(docker network inspect kind) || fail "docker network inspect kind failed"
  addresses=$(jq -r '.[0].Containers // {} | .[] | .IPv4Address, .IPv6Address | select(. != "") | sub("/.*"; "")' <<<"$listing") \
    || fail "cannot read the addresses on the kind network: ${listing:0:200}"
  [[ -n $addresses ]] || fail "docker lists no container address on the kind network"
  dup=$(sort <<<"$addresses" | uniq -d | tr '\n' ' ')
  [[ -z $dup ]] || fail "addresses held by two containers on the kind network: $dup(remove stale clusters: kind get clusters)"
  pass "$(wc -l <<<"$addresses") addresses on the kind network, each held by one container"
}

# Image IDs are config digests: an image on a node is ours only if this host's engine holds an
# image with that ID (nothing can be pulled here, so every local image was built here or loaded by us).
check_images_built_here() {
  local nodes node listing images id tag count=0
  nodes=$(kind get nodes --name "$cluster") || fail "kind get nodes --name $cluster failed"
  [[ -n $nodes ]] || fail "kind lists no node of cluster $cluster"
  for node in $nodes; do
    listing=$(docker exec "$node" crictl images -o json) || fail "cannot list the images on $node (docker exec $node crictl images failed)"
    images=$(jq -r '.images[] | "\(.id) \(.repoTags[0] // "<none>")"' <<<"$listing") \
      || fail "cannot read the image list crictl gave on $node: ${listing:0:200}"
    [[ -n $images ]] || fail "crictl lists no image on $node"
    while read -r id tag; do
      docker image inspect "$id" >/dev/null 2>&1 || fail "image $tag ($id) on $node was not built on this host"
      count=$((count + 1))
    done <<<"$images"
  done
  (( count > 0 )) || fail "no image found on the nodes of $cluster"
  pass "all $count images on the $(wc -w <<<"$nodes") nodes of $cluster were built on this host"
}

pod_ip() { kc get pod -n "$NS" "$1" -o json | jq -r --arg fam "$2" '.status.podIPs[].ip | select((contains(":")) == ($fam == "6"))'; }

# hostname_url IP: the probe server's /hostname at IP (IPv6 in brackets).
hostname_url() { if [[ $1 == *:* ]]; then echo "http://[$1]:8080/hostname"; else echo "http://$1:8080/hostname"; fi; }

check_pod_network_and_dns() {
  mapfile -t workers < <(kc get nodes -l '!node-role.kubernetes.io/control-plane' -o name | cut -d/ -f2)
  (( ${#workers[@]} >= 2 )) || fail "need 2 workers, found ${#workers[@]}"
  probe server "${workers[1]}"; probe client "${workers[0]}"
  ready server client
  local fam ip out
  for fam in 4 6; do
    ip=$(pod_ip server "$fam"); [[ -n "$ip" ]] || fail "server pod has no IPv$fam address"
    await_reached 30 client "$(hostname_url "$ip")" server || fail "IPv$fam ${workers[0]} -> ${workers[1]} ($ip): $OBSERVED"
    pass "pod on ${workers[0]} reaches pod on ${workers[1]} over IPv$fam ($ip)"
  done
  out=$(kc exec -n "$NS" client -- nslookup kubernetes.default 2>&1) || fail "DNS lookup of kubernetes.default failed: $out"
  pass "DNS resolves kubernetes.default: $(grep -A1 'Name:' <<<"$out" | grep Address | head -1 | xargs)"
}

# run_on_claim NAME SCRIPT: a pod mounting claim "data" at /data runs SCRIPT to completion; prints its log.
run_on_claim() {
  kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: { name: $1, namespace: $NS }
spec:
  restartPolicy: Never
  containers:
    - name: c
      image: $PROBE
      command: [sh, -c, "$2"]
      volumeMounts: [{ name: data, mountPath: /data }]
  volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
YAML
  kc wait -n "$NS" --for=jsonpath='{.status.phase}'=Succeeded "pod/$1" --timeout=120s >/dev/null \
    || fail "$1 pod did not finish: $(kc get pvc,pod -n "$NS" -o wide 2>&1 | tr '\n' ' ')"
  kc logs -n "$NS" "$1"
}

check_pvc_roundtrip() {
  local bytes read
  kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: $NS }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 16Mi } } }
YAML
  bytes=$(run_on_claim writer "head -c 4096 /dev/urandom > /data/blob && sha256sum /data/blob | cut -d' ' -f1")
  [[ $(kc get pvc -n "$NS" data -o jsonpath='{.status.phase}') == Bound ]] || fail "PVC not Bound"
  # set -e ends the script here too when a pod fails (fail runs in the substitution's subshell)
  read=$(run_on_claim reader "sha256sum /data/blob | cut -d' ' -f1")
  [[ "$read" == "$bytes" ]] || fail "reader saw other bytes ($read) than the writer wrote ($bytes)"
  pass "PVC of the default class $(kc get pvc -n "$NS" data -o jsonpath='{.spec.storageClassName}') bound; reader read the writer's bytes ($bytes)"
}

# Both address families: the pod network enforces policy on each of them within POLICY_SECONDS.
POLICY_SECONDS=${RA2_VERIFY_POLICY_SECONDS:-30}
check_network_policy() {
  local ip ip4 ip6; ip4=$(pod_ip server 4); ip6=$(pod_ip server 6)
  [[ -n $ip4 && -n $ip6 ]] || fail "server pod lacks an address: IPv4 '${ip4}', IPv6 '${ip6}'"
  for ip in "$ip4" "$ip6"; do
    await_reached "$POLICY_SECONDS" client "$(hostname_url "$ip")" server || fail "no traffic to $ip before any policy: $OBSERVED"
  done
  kc apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: $NS }
spec: { podSelector: {}, policyTypes: [Ingress] }
YAML
  for ip in "$ip4" "$ip6"; do
    await_blocked "$POLICY_SECONDS" client "$(hostname_url "$ip")" \
      || fail "traffic to $ip not seen blocked $BLOCKED_STREAK times in a row within ${POLICY_SECONDS}s of deny-all; last: $OBSERVED"
  done
  pass "deny-all NetworkPolicy blocks client -> server over IPv4 and IPv6"
  kc apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-client, namespace: $NS }
spec:
  podSelector: { matchLabels: { app: server } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }] }]
YAML
  for ip in "$ip4" "$ip6"; do
    await_reached "$POLICY_SECONDS" client "$(hostname_url "$ip")" server \
      || fail "traffic to $ip still blocked ${POLICY_SECONDS}s after the allow rule: $OBSERVED"
  done
  pass "allow rule lets client -> server through again over IPv4 and IPv6"
}

checks=("${@:2}")
(( ${#checks[@]} )) || checks=(check_nodes_and_system_pods check_node_addresses_unique check_images_built_here check_pod_network_and_dns
  check_pvc_roundtrip check_network_policy)
fresh_namespace
for check in "${checks[@]}"; do "$check"; done
echo "basic test bed: ${#checks[@]} acceptance check(s) passed"
