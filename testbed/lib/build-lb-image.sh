#!/usr/bin/env bash
# Builds the load balancer kind puts in front of several control-plane nodes, under the name
# kind asks for. kind writes haproxy.cfg into it and sends SIGHUP to PID 1; haproxy's
# master process reloads on SIGUSR2, so PID 1 is a small shell that translates.
source "$(dirname "$0")/common.sh"
LB_IMAGE=docker.io/kindest/haproxy:v20230606-42a2262b   # the name kind $KIND_VERSION asks for
if docker image inspect "$LB_IMAGE" >/dev/null 2>&1 && [[ -z "${RA2_REBUILD:-}" ]]; then exit 0; fi
ctx=$(mktemp -d)
cat > "$ctx/haproxy.cfg" <<'CFG'
# Placeholder until kind writes the real configuration: haproxy refuses to start without a listener.
global
  maxconn 1000
defaults
  mode tcp
  timeout connect 5s
  timeout client 50s
  timeout server 50s
frontend placeholder
  bind 127.0.0.1:10000
CFG
cat > "$ctx/lb-entrypoint" <<'SH'
#!/bin/sh
cfg=/usr/local/etc/haproxy/haproxy.cfg
# kind's config asks for maxconn 100000, which needs twice as many file descriptors as that;
# clamp it to what this container's hard nofile limit allows, or haproxy refuses to load it.
fit_maxconn() {
  limit=$(( ($(ulimit -Hn) - 100) / 2 ))
  sed -i -E "s/^( *maxconn +)([0-9]+)/\\1$limit/" "$cfg"
}
fit_maxconn
haproxy -W -db -f "$cfg" &
pid=$!
trap 'fit_maxconn; kill -USR2 $pid' HUP
trap 'kill -TERM $pid; exit 0' TERM INT
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
SH
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $IMAGE_PREFIX/lb-base:$DEBIAN_SUITE
COPY haproxy.cfg /usr/local/etc/haproxy/haproxy.cfg
COPY lb-entrypoint /usr/local/bin/lb-entrypoint
# kind runs `kill -s HUP 1` in the container: busybox provides kill (procps is not in lb-base).
RUN chmod 755 /usr/local/bin/lb-entrypoint && ln -s /bin/busybox /usr/local/bin/kill
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/lb-entrypoint"]
DOCKERFILE
docker build -q -t "$LB_IMAGE" "$ctx" >/dev/null
rm -rf "$ctx"
log "built $LB_IMAGE"
