#!/usr/bin/env bash
# Runs at image build time inside a Debian rootfs (never on the host): assembles in OUT a root file
# system shaped like upstream agnhost's Alpine base: busybox gives /bin/sh and every usual command,
# and only the commands of PACKAGES (what upstream's Dockerfile adds with apk) come from Debian,
# with the shared libraries they load. Nothing else of Debian is copied, so a script the suite runs
# in probe pods that needs a GNU tool fails here as it would on upstream's image.
#   busybox-userland.sh OUT PACKAGE...
set -euo pipefail
out=$1; shift
mkdir -p "$out"/usr/{bin,sbin,lib,lib64} "$out"/{etc,root,run,tmp,var/tmp,proc,sys,dev}
# bookworm's root is merged-usr: /bin/ip and /usr/bin/ip are one file, here as there.
for d in bin sbin lib lib64; do ln -s "usr/$d" "$out/$d"; done
chmod 1777 "$out/tmp" "$out/var/tmp"

# canonical PATH: PATH with its directory's symlinks resolved (/bin/ip -> /usr/bin/ip).
canonical() { echo "$(readlink -f "$(dirname "$1")")/$(basename "$1")"; }
# put PATH: copies PATH (a symlink as a symlink) to the same place under OUT.
put() {
  local dest; dest=$out$(canonical "$1")
  mkdir -p "$(dirname "$dest")" && cp -a --remove-destination "$1" "$dest"
}

# The packages' files, without documentation.
for pkg in "$@"; do dpkg -L "$pkg"; done | sort -u | while read -r f; do
  case $f in /usr/share/doc/* | /usr/share/man/* | /usr/share/locale/* | /usr/share/lintian/*) continue ;; esac
  if [[ -f $f || (-L $f && ! -d $f) ]]; then put "$f"; fi
done
# Commands Debian installs through update-alternatives (nc -> nc.openbsd) whose target was copied.
for link in /usr/bin/* /usr/sbin/*; do
  if [[ -L $link && $(readlink "$link") == /etc/alternatives/* && -e $out$(readlink -f "$link") ]]; then
    ln -sf "$(readlink -f "$link")" "$out$link"
  fi
done

# busybox and one link per applet, where Alpine puts them; as on Alpine (busybox --install does not
# overwrite), a command a package brought (nc, ip, nslookup) is not replaced by busybox's applet.
cp /bin/busybox "$out/usr/bin/busybox"
for applet in $(busybox --list-full); do
  name=${applet##*/}
  [[ $name == busybox || $applet != */* ]] && continue
  [[ -e $out/usr/bin/$name || -e $out/usr/sbin/$name || -L $out/usr/bin/$name || -L $out/usr/sbin/$name ]] && continue
  ln -s /bin/busybox "$out/$applet"
done

# The shared libraries every copied program and library loads (ldd lists the whole closure).
find "$out" -type f -perm -u+x -o -type f -name '*.so*' | while read -r f; do
  ldd "$f" 2>/dev/null | sed -n 's#.*=> \(/[^ ]*\) .*#\1#p; s#^[[:space:]]*\(/[^ ]*\) (.*#\1#p' || true
done | sort -u | while read -r lib; do
  dest=$out$(canonical "$lib")
  if [[ ! -e $dest ]]; then mkdir -p "$(dirname "$dest")" && cp -L "$lib" "$dest"; fi
done

# What Alpine's base layout has that the programs read: users, name service order, CA bundle.
mkdir -p "$out/etc/ssl/certs"
cp -L /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/"
cp /etc/nsswitch.conf "$out/etc/"
for f in /etc/services /etc/protocols; do if [[ -f $f ]]; then cp "$f" "$out/etc/"; fi; done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/:/sbin/nologin' > "$out/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' 'nobody:x:65534:' > "$out/etc/group"
