// Package configs holds the container configuration: the Config document
// that is stored as state.json and sent to the container's init process,
// and every type nested in it (namespaces, cgroups, mounts, hooks,
// seccomp, networking, user-namespace mappings).
//
// Field names, JSON tags and constants reproduce runc v1.1's
// libcontainer/configs so that serialised configurations are exchangeable.
// Fields added after v1.1 are all optional (omitempty), and their zero
// value means the v1.1 behaviour.
package configs
