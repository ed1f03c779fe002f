#!/usr/bin/env bash
# scripts/sonobuoy-e2e.sh: the leftover check never reads a failing or silent kubectl as "nothing left".
source "$(dirname "$0")/lib.sh"
echo "scripts/sonobuoy-e2e.sh leftovers"

# in_script FUNCTION ARGS...: the script's FUNCTION, sourced in a subshell (its main does not run).
in_script() { ( source "$REPO/scripts/sonobuoy-e2e.sh"; "$@" ); }

# A kubectl that answers like an API server: CLUSTER_SCOPED kinds, LEFTOVER objects of every kind.
healthy_kubectl() {
  stub kubectl '
case "$1" in
  api-resources) printf "%s\n" namespaces clusterroles storageclasses ;;
  get) [ -z "${LEFTOVER:-}" ] || echo "$2.x/$LEFTOVER" ;;
  *) exit 1 ;;
esac'
}

missing kubectl
expect_failure "no kubectl: leftovers fails" "FAIL: kubectl get namespaces .*command not found" in_script leftovers sel

stub kubectl 'echo "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?" >&2; exit 1'
expect_failure "API server down: leftovers fails naming it" "FAIL: kubectl get namespaces .*was refused" in_script leftovers sel
expect_no_match "API server down: never 'nothing of run ... left'" "nothing of run" \
  env RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"
expect_failure "API server down: expect_no_leftovers fails" "FAIL: kubectl" \
  env RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"

stub kubectl '[ "$1" = api-resources ] && exit 0; exit 0'
expect_failure "api-resources lists nothing: leftovers fails" "lists no cluster-scoped resource" in_script leftovers sel

stub kubectl '
case "$1 $2" in
  "api-resources "*) printf "%s\n" namespaces clusterroles ;;
  "get clusterroles") echo "Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io is forbidden" >&2; exit 1 ;;
  *) exit 0 ;;
esac'
expect_failure "list forbidden: leftovers fails naming the kind" "FAIL: kubectl get clusterroles .*Forbidden" in_script leftovers sel

healthy_kubectl
expect_success "control: a working kubectl and nothing left" "nothing of run r1 left now" \
  env RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"
expect_success "control: a leftover is listed" "^clusterroles.x/old$" env LEFTOVER=old bash -c \
  "source '$REPO/scripts/sonobuoy-e2e.sh'; leftovers sel"
expect_failure "control: a leftover fails expect_no_leftovers" "left behind now by run r1: .*storageclasses.x/old" \
  env LEFTOVER=old RA2_E2E_LEFTOVER_SECONDS=0 bash -c "source '$REPO/scripts/sonobuoy-e2e.sh'; expect_no_leftovers now r1"
finish
