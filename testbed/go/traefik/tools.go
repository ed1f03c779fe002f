//go:build tools

// Package tools pins the Traefik command the test bed builds. Traefik's go.mod has replace
// directives, which `go install pkg@version` refuses, so it is built from this wrapper.
package tools

import (
	_ "github.com/traefik/traefik/v3/cmd/traefik"
)
