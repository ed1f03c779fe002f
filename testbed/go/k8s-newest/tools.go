//go:build tools

// Package tools pins the Kubernetes commands the newest-minor node builds (KUBERNETES_VERSION_NEWEST),
// so that `go mod tidy` keeps their dependencies in go.sum. No agnhost: the probe image stays on the
// KUBERNETES_VERSION module.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
