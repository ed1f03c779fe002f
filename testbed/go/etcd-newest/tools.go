//go:build tools

// Package tools pins the etcd commands the newest-minor node runs (ETCD_VERSION_NEWEST).
package tools

import (
	_ "go.etcd.io/etcd/etcdctl/v3"
	_ "go.etcd.io/etcd/server/v3"
)
