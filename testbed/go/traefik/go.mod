module ra2.testbed/traefik

go 1.26.0

require github.com/traefik/traefik/v3 v3.7.13

// Traefik's go.mod has replace directives, which a dependent module does not inherit, and some
// of its dependencies are not served by the module proxy this test bed builds from. The
// directories below are assembled by build_ingress (testbed/ni/ingress.sh) in the build cache:
// the module's source from the module cache, with overlay/<dir> copied over it.
replace (
	// Traefik builds against a fork of go-http-auth that the proxy does not serve: upstream
	// v0.4.0 plus the two functions Traefik calls (overlay/go-http-auth).
	github.com/abbot/go-http-auth => ./go-http-auth
	// lego's DNS-01 provider registry links in vendor SDKs the proxy does not serve: stubbed
	// (overlay/lego), lego otherwise as Traefik requires it.
	github.com/go-acme/lego/v5 => ./lego
	// As in Traefik's go.mod.
	github.com/gorilla/mux => github.com/containous/mux v0.0.0-20250523120546-41b6ec3aed59
	// Taken from Traefik's source tree, which the published module zip leaves out: stubbed here.
	github.com/traefik/traefik/dynamic/ext => ./ext
)

// As in Traefik's go.mod: this old monorepo version makes an import ambiguous.
exclude github.com/tencentcloud/tencentcloud-sdk-go v3.0.83+incompatible
