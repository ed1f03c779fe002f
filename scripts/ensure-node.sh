#!/usr/bin/env bash
# Make `node` on PATH be Node.js >= 22.19 (what @kubernetes/client-node 2.x
# needs through undici 8), installing it from the npm registry's `node`
# package when the machine has an older one. Idempotent: a second run only
# checks. Used by the Makefile and CI before `npm ci`.
#
# Why a private prefix: the machine's global npm prefix may be /usr, where
# `npm install -g node` would collide with the distribution's /usr/bin/node.
# We install into RA2_NODE_PREFIX and link the binary into RA2_NODE_BIN_DIR,
# which must come before /usr/bin on PATH (/usr/local/bin does by default).
set -euo pipefail

min_major=22
min_minor=19
node_spec="${RA2_NODE_SPEC:-node@22}"
if [ "$(id -u)" = 0 ]; then
  prefix="${RA2_NODE_PREFIX:-/opt/ra2-node}"
  bin_dir="${RA2_NODE_BIN_DIR:-/usr/local/bin}"
else
  prefix="${RA2_NODE_PREFIX:-$HOME/.local/ra2-node}"
  bin_dir="${RA2_NODE_BIN_DIR:-$HOME/.local/bin}"
fi

# Succeeds when the given node binary is recent enough.
node_is_recent() {
  "$1" -e "
    const [major, minor] = process.versions.node.split('.').map(Number);
    process.exit(major > $min_major || (major === $min_major && minor >= $min_minor) ? 0 : 1);
  " 2>/dev/null
}

if command -v node >/dev/null 2>&1 && node_is_recent node; then
  echo "ensure-node: node $(node --version) at $(command -v node) is recent enough"
  exit 0
fi

if ! [ -x "$prefix/bin/node" ] || ! node_is_recent "$prefix/bin/node"; then
  echo "ensure-node: installing $node_spec into $prefix"
  mkdir -p "$prefix"
  npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error "$node_spec"
fi

mkdir -p "$bin_dir"
ln -sf "$prefix/bin/node" "$bin_dir/node"
hash -r
if ! node_is_recent node; then
  echo "ensure-node: $bin_dir/node is installed but \`node\` on PATH is $(command -v node) ($(node --version));" \
    "put $bin_dir before it on PATH" >&2
  exit 1
fi
echo "ensure-node: node $(node --version) at $(command -v node)"
