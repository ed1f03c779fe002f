//go:build tools

// Package tools pins the Sonobuoy command scripts/build-sonobuoy.sh builds.
// A wrapper module, because `go install module@version` asks the proxy for the
// module's version list, which the proxy here refuses.
package tools

import (
	_ "github.com/vmware-tanzu/sonobuoy"
)
