# The image builder every test bed build script shares: sourced after common.sh, never run.

# image NAME BASE ENTRYPOINT FILE[:DEST]...: each FILE goes to DEST (default /usr/local/bin/) of an image FROM BASE.
image() {
  local name=$1 base=$2 entrypoint=$3; shift 3
  local inputs
  # A label keeps what the image is made of (its base's ID, the files and places, the entrypoint), so
  # a new base or binary rebuilds it, and that in turn the node image that preloads it. A file counts by
  # size and modification time: builds replace binaries (mv), and hashing ~1 GB on every warm run is slow.
  inputs=$({ docker image inspect -f '{{.Id}}' "$base" && echo "$entrypoint $*" && stat -L -c '%s %Y' "${@%%:*}"; } \
    | sha256sum | cut -c1-16) || die "cannot build $name: base image $base or a file of $* is missing"
  if [[ $(docker image inspect -f '{{index .Config.Labels "ra2.testbed/inputs"}}' "$name" 2>/dev/null) == "$inputs" \
     && -z "${RA2_REBUILD:-}" ]]; then return; fi
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
    echo "LABEL org.opencontainers.image.source=ra2-testbed ra2.testbed/inputs=$inputs"
  } > "$ctx/Dockerfile"
  docker build -q -t "$name" "$ctx" >/dev/null
  rm -rf "$ctx"
  log "built $name"
}
