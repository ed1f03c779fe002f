#!/usr/bin/env bash
# testbed/verify-network-intensive.sh: the exclusive-CPU check fails when it cannot read a pod's
# CPUs (never passes on an empty list), and "the Ingress routes only by Host" needs an HTTP answer
# (404) for another Host: a failing curl fails the check.
source "$(dirname "$0")/lib.sh"
echo "testbed/verify-network-intensive.sh"
VERIFY="$REPO/testbed/verify-network-intensive.sh"
export RA2_VERIFY_OBSERVE_INTERVAL=0.1

# kubectl: two workers; pod "pinned" may run on CPU 3, "shared" as SHARED_CPUS says (unset: exec
# fails); Service and Ingress get addresses; a pod reaches "web".
stub kubectl '
case " $* " in
  *" version "*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.35.4\"}}" ;;
  *" get nodes -l anuket.io/profile-network-intensive=true "*) printf "%b" "${WORKERS-node/w1\nnode/w2\n}" ;;
  *" apply "*) cat >/dev/null ;;
  *" pinned -o jsonpath={.status.qosClass} "*) printf Guaranteed ;;
  *" exec -n ra2-testbed-ni pinned "*) printf "Cpus_allowed_list:\t3\n" ;;
  *" exec -n ra2-testbed-ni shared "*)
    [ -n "${SHARED_CPUS:-}" ] || { echo "error: unable to upgrade connection: pod does not exist" >&2; exit 1; }
    printf "Cpus_allowed_list:\t%s\n" "$SHARED_CPUS" ;;
  *" get service -n ra2-testbed-ni web "*) printf 172.18.255.200 ;;
  *" get ingress -n ra2-testbed-ni web -o jsonpath={.spec.ingressClassName} "*) printf traefik ;;
  *" get ingress -n ra2-testbed-ni web "*) printf 172.18.255.201 ;;
  *" exec -n ra2-testbed-ni client "*) printf "curl-exit=0\nweb" ;;
esac'
# curl on this host: the Host of the rule (and the bare LoadBalancer address) answer web; another Host
# gets what OTHER_HOST says: 404, 200 (routed anyway) or a curl exit code (no answer).
stub curl '
if [[ " $* " == *"Host: other.ra2-testbed.invalid"* ]]; then
  case "$OTHER_HOST" in
    404) printf "404 page not found\n\n404" ;;
    200) printf "web\n200" ;;
    *) echo "curl: ($OTHER_HOST) Failed to connect to 172.18.255.201 port 80" >&2; exit "$OTHER_HOST" ;;
  esac
else printf "web\n200"; fi'

expect_success "control: the Guaranteed pod has a CPU of its own" "ok: Guaranteed pod has CPU 3 to itself" \
  env SHARED_CPUS=0-2,4-7 "$VERIFY" network-intensive check_exclusive_cpu
expect_failure "exec into the best-effort pod fails: fails naming it" "FAIL: cannot read the CPUs pod shared may run on" \
  env -u SHARED_CPUS "$VERIFY" network-intensive check_exclusive_cpu
expect_failure "the best-effort pod shows no CPUs: fails" "FAIL: pod shared shows no Cpus_allowed_list" \
  env SHARED_CPUS=" " "$VERIFY" network-intensive check_exclusive_cpu
expect_failure "shared CPU: fails (as before)" "FAIL: CPU 3 of the Guaranteed pod is shared" \
  env SHARED_CPUS=0-7 "$VERIFY" network-intensive check_exclusive_cpu

expect_success "control: another Host gets 404" "ok: the default IngressClass traefik routes Host web.ra2-testbed.invalid" \
  env OTHER_HOST=404 "$VERIFY" network-intensive check_load_balancer_and_ingress
expect_failure "curl refused for another Host: fails, cannot tell" \
  "FAIL: cannot tell whether Ingress 172.18.255.201 routes only by Host: .*curl exit 7" \
  env OTHER_HOST=7 "$VERIFY" network-intensive check_load_balancer_and_ingress
expect_failure "curl timed out for another Host: fails" "FAIL: cannot tell whether Ingress .*curl exit 28" \
  env OTHER_HOST=28 "$VERIFY" network-intensive check_load_balancer_and_ingress
expect_failure "another Host routed to web: fails (as before)" "FAIL: Ingress 172.18.255.201 answers a request for another Host with '200 web'" \
  env OTHER_HOST=200 "$VERIFY" network-intensive check_load_balancer_and_ingress

stub_workers_failing() { stub kubectl '
case " $* " in
  *" version "*) echo "{\"clientVersion\":{\"gitVersion\":\"v1.35.4\"}}" ;;
  *" get nodes "*) echo "Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused" >&2; exit 1 ;;
esac'; }
stub_workers_failing
expect_failure "listing the workers fails: fails naming kubectl" "FAIL: kubectl get nodes -l anuket.io/profile-network-intensive=true failed" \
  "$VERIFY" network-intensive check_exclusive_cpu
finish
