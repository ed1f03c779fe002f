# The Ingress controller: Traefik with its kubernetesIngress provider, the cluster's default
# IngressClass, behind a Service of type LoadBalancer (an address from MetalLB, ni/metallb.sh).
# Sourced by build-ni.sh and ni/install.sh (CONTRACT.md).

ingress_images() {
  echo "$IMAGE_PREFIX/traefik:$TRAEFIK_VERSION"
}

# Traefik's go.mod has replace directives, which `go install pkg@version` refuses, and some of
# its dependencies are not served by the module proxy here, so it is built from the wrapper module
# testbed/go/traefik (see its go.mod). Its local replacements are assembled in the cache: each
# module's source from the module cache with testbed/go/traefik/overlay/<dir> copied over it.
# Traefik's web UI is embedded from webui/static, which the published module ships with only a
# placeholder file: it builds as is, and the dashboard stays off.
TRAEFIK_HTTP_AUTH=github.com/abbot/go-http-auth@v0.4.0

build_ingress() {
  local dir src wrapper traefik lego lego_dir auth_dir; dir=$(cache_dir "traefik-$TRAEFIK_VERSION")
  wrapper="$TESTBED_DIR/go/traefik"
  if [[ ! -x "$dir/traefik" ]]; then
    grep -q "github.com/traefik/traefik/v3 $TRAEFIK_VERSION\$" "$wrapper/go.mod" \
      || die "testbed/go/traefik/go.mod does not require Traefik $TRAEFIK_VERSION: update its require line and go.sum"
    traefik=$(module_dir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")
    # lego at the version Traefik itself requires.
    lego=$(awk '$1 == "github.com/go-acme/lego/v5" { print $2; exit }' "$traefik/go.mod")
    [[ -n "$lego" ]] || die "Traefik $TRAEFIK_VERSION no longer requires lego v5: revisit testbed/go/traefik"
    lego_dir=$(module_dir "github.com/go-acme/lego/v5@$lego")
    auth_dir=$(module_dir "$TRAEFIK_HTTP_AUTH")
    src="$dir/src"; rm -rf "$src"; mkdir -p "$src"
    cp -r "$wrapper/go.mod" "$wrapper/go.sum" "$wrapper/tools.go" "$wrapper/ext" "$src/"
    cp -r "$lego_dir" "$src/lego"
    cp -r "$auth_dir" "$src/go-http-auth"
    chmod -R u+w "$src"
    cp -r "$wrapper/overlay/lego/." "$src/lego/"
    cp -r "$wrapper/overlay/go-http-auth/." "$src/go-http-auth/"
    log "building traefik $TRAEFIK_VERSION (lego $lego)"
    (cd "$src" && go build -trimpath -o "$dir/traefik" \
      -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
      github.com/traefik/traefik/v3/cmd/traefik) || die "go build of Traefik $TRAEFIK_VERSION failed (sources in $src)"
  fi
  image "$IMAGE_PREFIX/traefik:$TRAEFIK_VERSION" "$IMAGE_PREFIX/tiny-base:$DEBIAN_SUITE" /usr/local/bin/traefik "$dir/traefik"
}

install_ingress() {
  local deadline ip=""
  render "$TESTBED_DIR/manifests/network-intensive/ingress.yaml" | kc apply -f - >/dev/null
  kc -n traefik rollout status deployment/traefik --timeout=300s >/dev/null \
    || die "Traefik not ready (kubectl -n traefik logs deploy/traefik)"
  # The address comes from MetalLB: install_metallb must have run (its pool in place).
  deadline=$((SECONDS + 120))
  until ip=$(kc -n traefik get service traefik -o jsonpath='{.status.loadBalancer.ingress[0].ip}') && [[ -n "$ip" ]]; do
    (( SECONDS < deadline )) || die "Traefik's LoadBalancer Service got no address within 120s (is MetalLB installed?)"
    sleep 3
  done
  log "Traefik $TRAEFIK_VERSION ready at $ip (default IngressClass traefik)"
}
