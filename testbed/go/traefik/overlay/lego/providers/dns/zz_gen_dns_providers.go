// Package dns: this file replaces lego's registry of DNS-01 providers (a file of the same name)
// in the copy of lego that build_ingress (testbed/ni/ingress.sh) assembles. That registry links
// in the SDK of every DNS vendor, and the module proxy this test bed builds from does not serve
// several of them. The test bed never solves ACME challenges (no traffic leaves the machine),
// so no DNS provider is built in; lego's provider packages stay in the copy, unused.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
)

// NewDNSChallengeProviderByName has the signature Traefik's ACME provider calls.
func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	return nil, fmt.Errorf("DNS-01 provider %q is not built into the test bed's Traefik", name)
}
