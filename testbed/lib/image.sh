# The image builder every test bed build script shares: sourced after common.sh, never run.

# image NAME BASE ENTRYPOINT FILE[:DEST]...: each FILE goes to DEST (default /usr/local/bin/) of an image FROM BASE.
image() {
  local name=$1 base=$2 entrypoint=$3; shift 3
  if docker image inspect "$name" >/dev/null 2>&1 && [[ -z "${RA2_REBUILD:-}" ]]; then return; fi
  local ctx f; ctx=$(mktemp -d)
  for f in "$@"; do cp "${f%%:*}" "$ctx/"; done
  {
    echo "FROM $base"
    for f in "$@"; do
      local src=${f%%:*} dest=/usr/local/bin/
      [[ $f == *:* ]] && dest=${f#*:}
      echo "COPY $(basename "$src") $dest"
    done
    echo 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin'
    [[ -n "$entrypoint" ]] && echo "ENTRYPOINT [\"$entrypoint\"]"
    echo "LABEL org.opencontainers.image.source=ra2-testbed"
  } > "$ctx/Dockerfile"
  docker build -q -t "$name" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $name"
}
