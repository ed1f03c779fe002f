//go:build tools

// Package tools pins the Node Feature Discovery commands the test bed builds.
// NFD cannot be built with `go install pkg@version`: its go.mod replaces its own API module
// with a local directory and pins the k8s.io staging modules with replace directives,
// which go install refuses. This module repeats those pins (go.mod) instead.
package tools

import (
	_ "sigs.k8s.io/node-feature-discovery/cmd/nfd-master"
	_ "sigs.k8s.io/node-feature-discovery/cmd/nfd-worker"
)
