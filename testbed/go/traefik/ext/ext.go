// Package ext stands in for Traefik's dynamic-configuration extension module, which Traefik's
// go.mod takes from a directory that the published module zip leaves out. Traefik embeds
// these types (empty in the open-source build) in its HTTP configuration and routers.
package ext

// HTTP extends dynamic.HTTPConfiguration; nothing to add.
type HTTP struct{}

// Router extends dynamic.Router; nothing to add.
type Router struct{}
