//go:build tools

// Package tools pins the Multus and whereabouts commands the network-intensive test bed builds.
// whereabouts' go.mod has a replace directive, so `go install pkg@version` refuses it;
// this module builds both from one dependency graph (and one shared set of k8s.io libraries).
package tools

import (
	_ "github.com/k8snetworkplumbingwg/whereabouts/cmd"
	_ "github.com/k8snetworkplumbingwg/whereabouts/cmd/controlloop"
	_ "gopkg.in/k8snetworkplumbingwg/multus-cni.v4/cmd/multus"
	_ "gopkg.in/k8snetworkplumbingwg/multus-cni.v4/cmd/thin_entrypoint"
)
