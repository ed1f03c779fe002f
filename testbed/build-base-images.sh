#!/usr/bin/env bash
# Builds the Debian base images everything else starts from, with debootstrap:
#   node-base: systemd, containerd, runc, CNI plugins: the rootfs of a kind node;
#   net-base:  iptables, ipset, iproute2 and network tools: kube-proxy, kube-router and the probe image;
#   tiny-base: busybox and CA certificates only: static Go binaries and helper pods;
#   lb-base:   haproxy: the load balancer kind puts in front of several control-plane nodes;
#   agnhost-base: the probe image's base, a busybox userland like upstream agnhost's Alpine (see below).
source "$(dirname "$0")/lib/common.sh"
MIRROR=${RA2_DEBIAN_MIRROR:-http://deb.debian.org/debian}

NODE_PACKAGES=systemd,systemd-sysv,dbus,containerd,runc,containernetworking-plugins,iptables,nftables,ipset,\
iproute2,ethtool,socat,conntrack,ebtables,kmod,ca-certificates,mount,util-linux,procps,libseccomp2,bash,pigz,\
hostname,jq,less,busybox-static
NET_PACKAGES=iptables,ipset,conntrack,iproute2,iputils-ping,netcat-openbsd,curl,dnsutils,procps,ca-certificates,\
busybox-static,kmod
LB_PACKAGES=haproxy,busybox-static
# Upstream agnhost (test/images/agnhost/Dockerfile) is Alpine plus `apk add bind-tools curl netcat-openbsd
# iproute2 iperf bash`: these are the Debian packages of the same programs. Its busybox is Debian's
# dynamic one, not busybox-static: that one is built as a standalone shell, whose sh runs its own nc,
# ip or nslookup applet even where the package's command is on PATH; Alpine's sh, like this one, does not.
AGNHOST_PACKAGES=busybox,ca-certificates,bind9-dnsutils,curl,netcat-openbsd,iproute2,iperf,bash
# The packages whose files the image gets (bind-tools' host is in bind9-host, which bind9-dnsutils needs).
AGNHOST_UPSTREAM_PACKAGES="bind9-dnsutils bind9-host curl netcat-openbsd iproute2 iperf bash"

# build_base NAME PACKAGES: debootstrap into a cached tarball, then import it under $IMAGE_PREFIX/NAME.
build_base() {
  local name=$1 packages=$2
  local key tarball image
  key=$(echo "$DEBIAN_SUITE $packages" | sha256sum | cut -c1-12)
  tarball="$(cache_dir rootfs)/$name-$DEBIAN_SUITE-$key.tar"
  image="$IMAGE_PREFIX/$name:$DEBIAN_SUITE-$key"
  if docker image inspect "$image" >/dev/null 2>&1; then
    docker tag "$image" "$IMAGE_PREFIX/$name:$DEBIAN_SUITE"; return
  fi
  if [[ ! -f "$tarball" ]]; then
    local root; root=$(mktemp -d "/var/tmp/ra2-$name.XXXX")
    log "debootstrap $name ($DEBIAN_SUITE): $packages"
    retry 2 debootstrap --variant=minbase --include="$packages" "$DEBIAN_SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 \
      || { tail -20 "$root.log" >&2; die "debootstrap of $name failed"; }
    # Keep images small: no apt lists, caches, docs or man pages.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
    tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root" "$root.log"
  fi
  docker import "$tarball" "$image" >/dev/null
  docker tag "$image" "$IMAGE_PREFIX/$name:$DEBIAN_SUITE"
  log "imported $image"
}

build_tiny_base() {
  local image="$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE"
  docker image inspect "$image" >/dev/null 2>&1 && return
  build_base net-base "$NET_PACKAGES"
  # busybox alone, with its applets linked, plus CA certificates: from net-base's files.
  docker build -q -t "$image" - >/dev/null <<DOCKERFILE
FROM $IMAGE_PREFIX/net-base:$DEBIAN_SUITE AS src
RUN mkdir -p /out/bin /out/etc/ssl /out/tmp /out/var/run && cp /bin/busybox /out/bin/ \
 && for a in \$(/bin/busybox --list | grep -vx busybox); do ln -sf busybox /out/bin/\$a; done \
 && cp -a /etc/ssl/certs /out/etc/ssl/ && chmod 1777 /out/tmp \
 && echo 'root:x:0:0:root:/root:/bin/sh' > /out/etc/passwd && echo 'root:x:0:' > /out/etc/group \
 && echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> /out/etc/passwd && echo 'nogroup:x:65534:' >> /out/etc/group
FROM scratch
COPY --from=src /out/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin
LABEL org.opencontainers.image.source=ra2-testbed
DOCKERFILE
  log "built $image"
}

# The probe image's base: upstream agnhost runs on Alpine, so the suite's in-pod scripts must work on
# busybox's sh, awk, sed, grep, stat... A Debian (GNU) userland would hide a GNU-only construct that
# fails on upstream's image; this base has busybox's commands and only the programs upstream adds.
build_agnhost_base() {
  local image="$IMAGE_PREFIX/agnhost-base:$DEBIAN_SUITE" rootfs="$IMAGE_PREFIX/agnhost-debian:$DEBIAN_SUITE"
  local script="$TESTBED_DIR/lib/busybox-userland.sh" inputs ctx
  build_base agnhost-debian "$AGNHOST_PACKAGES"
  inputs=$({ docker image inspect -f '{{.Id}}' "$rootfs"; echo "$AGNHOST_UPSTREAM_PACKAGES"; cat "$script" "$0"; } \
    | sha256sum | cut -c1-16)
  if [[ $(docker image inspect -f '{{index .Config.Labels "ra2.testbed/inputs"}}' "$image" 2>/dev/null) == "$inputs" ]]; then
    return
  fi
  ctx=$(mktemp -d) && cp "$script" "$ctx/"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $rootfs AS src
COPY busybox-userland.sh /
RUN bash /busybox-userland.sh /out $AGNHOST_UPSTREAM_PACKAGES
FROM scratch
COPY --from=src /out/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Fails the build when sh is not busybox's or a program misses a library.
RUN for c in sh awk sed grep stat head tr cut cat ls sleep; do [ "\$(readlink "\$(command -v \$c)")" = /bin/busybox ] || exit 1; done \
 && curl --version && dig -v && nslookup -version && host -V && bash --version && ip -V && ss -V \
 && iperf -v 2>&1 | grep -q iperf && nc -h 2>&1 | grep -q OpenBSD
LABEL org.opencontainers.image.source=ra2-testbed ra2.testbed/inputs=$inputs
DOCKERFILE
  docker build -q -t "$image" "$ctx" >/dev/null || { rm -rf "$ctx"; die "building $image failed"; }
  rm -rf "$ctx"
  log "built $image"
}

case "${1:-all}" in
  node) build_base node-base "$NODE_PACKAGES" ;;
  net) build_base net-base "$NET_PACKAGES" ;;
  tiny) build_tiny_base ;;
  lb) build_base lb-base "$LB_PACKAGES" ;;
  agnhost) build_agnhost_base ;;
  all) build_base node-base "$NODE_PACKAGES"; build_base net-base "$NET_PACKAGES"; build_tiny_base
    build_base lb-base "$LB_PACKAGES"; build_agnhost_base ;;
  *) die "usage: build-base-images.sh [node|net|tiny|lb|agnhost|all]" ;;
esac
