#!/usr/bin/env bash
# Each bad state of the host gives one clear error line and a non-zero exit, and never a
# half-made cluster: the Docker engine not answering, the API port taken, too few huge pages.
# (A leftover cluster of the same name is reused when healthy, replaced otherwise: run-e2e.sh
# exercises that path every time it brings up a cluster that already exists.)
# Sourcing it (test/scripts/) defines the functions without running the bad states.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
REPO_DIR=$(cd "$TESTBED_DIR/.." && pwd)
work=$(mktemp -d)
listener=
cleanup() { [[ -n "$listener" ]] && kill "$listener" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
failures=0

# expect_error NAME PATTERN CMD...: CMD must exit non-zero with exactly one line on stderr matching PATTERN.
expect_error() {
  local name=$1 pattern=$2; shift 2
  local err rc=0
  err=$("$@" 2>&1 >/dev/null) || rc=$?
  err=$(sed '/^\[testbed\]/d' <<<"$err")
  if (( rc == 0 )) || [[ $(grep -c . <<<"$err") -ne 1 ]] || ! grep -qE "$pattern" <<<"$err"; then
    printf 'FAIL: %s: exit %s, stderr:\n%s\n' "$name" "$rc" "$err"; failures=$((failures + 1)); return
  fi
  printf 'ok: %s: %s\n' "$name" "$err"
}

# A one-node definition of our own, so that nothing here touches the project's clusters.
config() { # config NAME PORT [EXTRA-HEADER]
  { echo "${3:-}"; printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: ra2-badstate-%s\n' "$1"
    printf 'networking:\n  apiServerAddress: 127.0.0.1\n  apiServerPort: %s\nnodes:\n  - role: control-plane\n' "$2"; } > "$work/$1.yaml"
}
cluster_up() { RA2_KIND_CONFIG_DIR=$work "$TESTBED_DIR/cluster.sh" up "$1"; }

# check_no_cluster_left: no ra2-badstate-* cluster exists; a failing `kind get clusters` is a failure
# (it cannot tell), never "none left".
check_no_cluster_left() {
  local clusters left
  if ! clusters=$(kind get clusters 2>"$work/kind.err"); then
    echo "FAIL: kind get clusters failed, so whether a half-made cluster was left is unknown: $(tr '\n' ' ' <"$work/kind.err")"
    failures=$((failures + 1)); return
  fi
  left=$(awk '/^ra2-badstate-/ {n++} END {print n + 0}' <<<"$clusters")
  if (( left > 0 )); then echo "FAIL: $left half-made cluster(s) left"; failures=$((failures + 1)); else echo "ok: no cluster was left behind"; fi
}

main() {
  config engine 36491
  expect_error "engine not running" "Docker engine is not running" env DOCKER_HOST=unix:///nonexistent.sock bash -c \
    "RA2_KIND_CONFIG_DIR=$work '$TESTBED_DIR/cluster.sh' up engine"

  config port 36492
  python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 36492)); s.listen(); time.sleep(600)' &
  listener=$!
  for _ in $(seq 50); do ss -Hltn 'sport = :36492' | grep -q . && break; sleep 0.1; done
  expect_error "port taken" "port 36492 .* is taken" cluster_up port

  config hugepages 36493 "# ra2-testbed: min-hugepages=$(( $(cat /proc/sys/vm/nr_hugepages) + 1000000 ))"
  expect_error "too few huge pages" "too few huge pages" cluster_up hugepages

  check_no_cluster_left
  (( failures == 0 )) || exit 1
  echo "bad states: all give one clear line"
}

[[ "${BASH_SOURCE[0]}" != "$0" ]] || main "$@"
