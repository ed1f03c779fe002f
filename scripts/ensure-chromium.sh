#!/usr/bin/env bash
# Make Debian's headless-capable `chromium` available for the HTML report test
# (test/unit/report-html-chromium.test.ts). Idempotent and quick when it is
# already installed: one `command -v` and a version check, no apt at all.
# Installs with apt-get (root, or sudo when available) otherwise.
set -euo pipefail

bin="${RA2_CHROMIUM:-chromium}"
if command -v "$bin" >/dev/null 2>&1; then
  exit 0
fi

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
    echo "ensure-chromium: not root and no sudo: install Debian's package 'chromium' to run the HTML report test" >&2
    exit 1
  fi
}

echo "ensure-chromium: installing Debian's package chromium" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale package index fails the install with 404s: refresh it once, then retry.
if ! as_root apt-get install -y --no-install-recommends chromium >/dev/null; then
  as_root apt-get update -qq
  as_root apt-get install -y --no-install-recommends chromium >/dev/null
fi
command -v "$bin" >/dev/null 2>&1 || {
  echo "ensure-chromium: apt-get installed chromium but '$bin' is not on PATH" >&2
  exit 1
}
"$bin" --version >&2
