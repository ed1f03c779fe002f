#!/usr/bin/env bash
# Acceptance of the network-intensive test bed; exits non-zero at the first requirement that does not hold:
#  1. a pod with five extra attachments (ni-net1..5) shows net1..net5 with addresses inside and in its
#     network-status annotation; a second one on the other worker gets distinct whereabouts addresses
#     and the two reach each other on every secondary network;
#  2. a Guaranteed pod with 1 integer CPU gets an exclusive cpuset, not shared with a best-effort pod;
#  3. a pod requesting hugepages-2Mi mounts hugetlbfs, maps a huge page (the kernel reports a 2048 kB
#     page for the mapping) and holds one charged to its cgroup;
#  4. nodes carry NFD labels; the device plugin's extended resource is allocatable and a pod using it runs;
#  5. a LoadBalancer Service gets an address that a pod and this host reach; an Ingress with no class
#     gets the default IngressClass and routes HTTP by Host to its backend.
# A command that fails or lists nothing fails the script, naming it: nothing passes on an empty list.
source "$(dirname "$0")/lib/common.sh"
name=${1:-network-intensive}
kubeconfig=$("$TESTBED_DIR/cluster.sh" kubeconfig "$name")
NS=ra2-testbed-ni
source "$TESTBED_DIR/lib/verify.sh"
EXTENDED_RESOURCE=example.com/resource
worker_list=$(kc get nodes -l anuket.io/profile-network-intensive=true -o name) \
  || fail "kubectl get nodes -l anuket.io/profile-network-intensive=true failed"
mapfile -t workers < <(cut -d/ -f2 <<<"$worker_list" | grep . | sort)

# inside_addr POD IFACE: the IPv4 address the pod itself sees on IFACE.
inside_addr() { in_pod "$1" "ip -4 -o addr show dev $2" | awk '{print $4}' | cut -d/ -f1; }
# status_addr POD IFACE: the address Multus reported for IFACE in the pod's network-status annotation.
status_addr() {
  kc get pod -n "$NS" "$1" -o json \
    | jq -r --arg i "$2" '.metadata.annotations["k8s.v1.cni.cncf.io/network-status"] // "[]" | fromjson | .[] | select(.interface == $i) | .ips[0] // empty'
}

check_workers() {
  (( ${#workers[@]} >= 2 )) || fail "need 2 workers labelled anuket.io/profile-network-intensive=true, found ${#workers[@]}"
  pass "network-intensive workers: ${workers[*]}"
}

check_five_networks() {
  local nets="default/ni-net1,default/ni-net2,default/ni-net3,default/ni-net4,default/ni-net5" pod n a b
  probe multi-a "${workers[0]}" "{k8s.v1.cni.cncf.io/networks: \"$nets\"}"
  probe multi-b "${workers[1]}" "{k8s.v1.cni.cncf.io/networks: \"$nets\"}"
  ready multi-a multi-b
  for pod in multi-a multi-b; do
    for n in 1 2 3 4 5; do
      a=$(inside_addr "$pod" "net$n"); b=$(status_addr "$pod" "net$n")
      [[ $a == 10.250.$n.* ]] || fail "$pod: net$n inside the pod has '${a:-no address}', not one of 10.250.$n.0/24"
      [[ $a == "$b" ]] || fail "$pod: net$n is $a inside but '${b:-absent}' in the network-status annotation"
    done
  done
  pass "multi-a and multi-b each show net1..net5 with addresses, inside and in network-status"
  for n in 1 2 3 4 5; do
    a=$(inside_addr multi-a "net$n"); b=$(inside_addr multi-b "net$n")
    [[ $a != "$b" ]] || fail "whereabouts gave both pods $a on net$n"
    await_reached 30 multi-a "http://$b:8080/hostname" multi-b \
      || fail "multi-a (${workers[0]}) does not reach multi-b (${workers[1]}) at $b on net$n: $OBSERVED"
  done
  pass "distinct whereabouts addresses; multi-a on ${workers[0]} reaches multi-b on ${workers[1]} over net1..net5"
}

# expand_cpus LIST: "0-2,5" -> "0 1 2 5".
expand_cpus() {
  local part out=()
  IFS=, read -r -a parts <<< "$1"
  for part in "${parts[@]}"; do
    if [[ $part == *-* ]]; then out+=($(seq "${part%-*}" "${part#*-}")); else out+=("$part"); fi
  done
  echo "${out[*]}"
}
# allowed_cpus POD: the CPUs POD may run on, expanded ("0 1 2 5"); fails, naming POD, when it cannot tell.
allowed_cpus() {
  local line cpus
  line=$(in_pod "$1" "grep Cpus_allowed_list /proc/self/status") || fail "cannot read the CPUs pod $1 may run on"
  cpus=$(expand_cpus "$(awk '{print $2}' <<<"$line")")
  [[ -n ${cpus// /} ]] || fail "pod $1 shows no Cpus_allowed_list: '$line'"
  echo "$cpus"
}

check_exclusive_cpu() {
  local pinned shared cpu
  probe pinned "${workers[0]}" '{}' '{requests: {cpu: "1", memory: 64Mi}, limits: {cpu: "1", memory: 64Mi}}'
  probe shared "${workers[0]}"
  ready pinned shared
  [[ $(kc get pod -n "$NS" pinned -o jsonpath='{.status.qosClass}') == Guaranteed ]] || fail "pinned is not Guaranteed"
  pinned=$(allowed_cpus pinned) || exit 1
  shared=$(allowed_cpus shared) || exit 1
  [[ $(wc -w <<< "$pinned") == 1 ]] || fail "the Guaranteed 1-CPU pod may run on CPUs '$pinned', not exactly one"
  for cpu in $shared; do
    [[ $cpu != "$pinned" ]] || fail "CPU $pinned of the Guaranteed pod is shared with the best-effort pod (CPUs $shared)"
  done
  pass "Guaranteed pod has CPU $pinned to itself on ${workers[0]}; the best-effort pod runs on CPUs $shared"
}

# hugepage_map_tool: testbed/tools/hugepage-map.c, built static on this host (the probe image has no compiler).
hugepage_map_tool() {
  local src="$TESTBED_DIR/tools/hugepage-map.c" bin
  bin="$(cache_dir tools)/hugepage-map-$(sha256sum "$src" | cut -c1-12)"
  [[ -x $bin ]] || gcc -static -Os -Wall -o "$bin" "$src" || die "cannot build $src"
  echo "$bin"
}

check_hugepages() {
  local out mapped
  probe huge "${workers[1]}" '{}' '{requests: {hugepages-2Mi: 4Mi, memory: 64Mi, cpu: 100m}, limits: {hugepages-2Mi: 4Mi, memory: 64Mi, cpu: 100m}}' \
    '[{name: hp, emptyDir: {medium: HugePages-2Mi}}]' '[{name: hp, mountPath: /hugepages}]'
  ready huge
  [[ $(in_pod huge 'grep -c " /hugepages hugetlbfs " /proc/mounts') == 1 ]] || fail "no hugetlbfs mounted at /hugepages in the pod"
  kc exec -i -n "$NS" huge -- sh -c 'cat > /tmp/hugepage-map && chmod +x /tmp/hugepage-map' < "$(hugepage_map_tool)" \
    || fail "could not copy hugepage-map into the pod"
  mapped=$(kc exec -n "$NS" huge -- /tmp/hugepage-map /hugepages/mapped 2>&1) \
    || fail "the pod could not map a huge page: $mapped"
  # A page held in the mount is charged to the pod's hugetlb cgroup (v1 or v2 file names).
  out=$(in_pod huge 'fallocate -l 2097152 /hugepages/page && stat -c %s /hugepages/page;
    cat /sys/fs/cgroup/hugetlb/hugetlb.2MB.usage_in_bytes 2>/dev/null || cat /sys/fs/cgroup/hugetlb.2MB.current' | tr '\n' ' ')
  read -r size usage <<< "$out"
  [[ $size == 2097152 && ${usage:-0} -ge 2097152 ]] || fail "no huge page held: file ${size:-none} bytes, hugetlb usage ${usage:-unknown}"
  pass "hugetlbfs at /hugepages; the pod $mapped; a page held in the mount is charged to its cgroup ($usage bytes)"
}

check_nfd_and_device_plugin() {
  local node labels alloc
  for node in "${workers[@]}"; do
    labels=$(kc get node "$node" -o json | jq '[.metadata.labels | keys[] | select(startswith("feature.node.kubernetes.io/"))] | length')
    (( labels > 0 )) || fail "$node has no feature.node.kubernetes.io/* labels"
    alloc=$(kc get node "$node" -o json | jq -r --arg r "$EXTENDED_RESOURCE" '.status.allocatable[$r] // "0"')
    (( alloc > 0 )) || fail "$node: $EXTENDED_RESOURCE allocatable is $alloc"
  done
  pass "every worker carries NFD labels (e.g. $labels on $node) and $EXTENDED_RESOURCE allocatable ($alloc on $node)"
  probe device "${workers[0]}" '{}' "{requests: {$EXTENDED_RESOURCE: 1}, limits: {$EXTENDED_RESOURCE: 1}}"
  ready device
  pass "a pod requesting $EXTENDED_RESOURCE: 1 runs on ${workers[0]}"
}

lb_address() { kc get "$1" -n "$NS" "$2" -o jsonpath='{.status.loadBalancer.ingress[0].ip}'; }
has_lb_address() { [[ -n $(lb_address "$@") ]]; }
# host_get CURL_ARGS...: this host, over the kind bridge, fetches a URL; prints "<HTTP status> <body>",
# or "curl exit <code>: <error>" and returns non-zero when no HTTP answer came.
host_get() {
  local out rc=0
  out=$(curl -sS --max-time 5 -w '\n%{http_code}' "$@" 2>&1) || rc=$?
  if (( rc != 0 )); then echo "curl exit $rc: $out"; return 1; fi
  echo "$(tail -n 1 <<<"$out") $(sed '$d' <<<"$out")"
}
# host_sees ANSWER CURL_ARGS...: this host gets ANSWER with HTTP 200.
host_sees() { [[ $(host_get "${@:2}") == "200 $1" ]]; }

check_load_balancer_and_ingress() {
  local ip class ingress_ip other
  probe web "${workers[1]}"; probe client "${workers[0]}"
  ready web client
  kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: { name: web, namespace: $NS }
spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: $NS }
spec:
  rules:
    - host: web.ra2-testbed.invalid
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
YAML
  eventually 60 has_lb_address service web || fail "Service web got no LoadBalancer address in 60s"
  ip=$(lb_address service web)
  await_reached 30 client "http://$ip/hostname" web || fail "a pod does not reach the LoadBalancer address $ip: $OBSERVED"
  eventually 30 host_sees web "http://$ip/hostname" || fail "this host does not reach the LoadBalancer address $ip"
  pass "Service web got LoadBalancer address $ip; a pod and this host reach it"
  class=$(kc get ingress -n "$NS" web -o jsonpath='{.spec.ingressClassName}')
  [[ -n "$class" ]] || fail "the Ingress got no IngressClass: no default class is set"
  eventually 60 has_lb_address ingress web || fail "Ingress web (class $class) got no address in 60s"
  ingress_ip=$(lb_address ingress web)
  eventually 30 host_sees web -H 'Host: web.ra2-testbed.invalid' "http://$ingress_ip/hostname" \
    || fail "Ingress $ingress_ip does not route Host web.ra2-testbed.invalid to web: $(host_get -H 'Host: web.ra2-testbed.invalid' "http://$ingress_ip/hostname")"
  # Not routed means an answer from the Ingress controller that no route matched (404), not a failed curl.
  other=$(host_get -H 'Host: other.ra2-testbed.invalid' "http://$ingress_ip/hostname") \
    || fail "cannot tell whether Ingress $ingress_ip routes only by Host: a request for another Host got no HTTP answer ($other)"
  [[ $other == 404\ * ]] || fail "Ingress $ingress_ip answers a request for another Host with '$other', not 404: it does not route by its rule"
  pass "the default IngressClass $class routes Host web.ra2-testbed.invalid at $ingress_ip to web, and no other host"
}

# verify-network-intensive.sh [NAME [CHECK...]]: CHECKs (e.g. check_hugepages) run only those.
checks=("${@:2}")
(( ${#checks[@]} )) || checks=(check_five_networks check_exclusive_cpu check_hugepages check_nfd_and_device_plugin
  check_load_balancer_and_ingress)
fresh_namespace
check_workers
for check in "${checks[@]}"; do "$check"; done
echo "network-intensive test bed: ${#checks[@]} acceptance check(s) passed"
