package configs

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// NamespaceType names a kind of Linux namespace.
type NamespaceType string

// The namespace types; each value equals its name.
const (
	// NEWNET is a network namespace.
	NEWNET NamespaceType = "NEWNET"
	// NEWPID is a PID namespace.
	NEWPID NamespaceType = "NEWPID"
	// NEWNS is a mount namespace.
	NEWNS NamespaceType = "NEWNS"
	// NEWUTS is a UTS (hostname/domainname) namespace.
	NEWUTS NamespaceType = "NEWUTS"
	// NEWIPC is an IPC namespace.
	NEWIPC NamespaceType = "NEWIPC"
	// NEWUSER is a user namespace.
	NEWUSER NamespaceType = "NEWUSER"
	// NEWCGROUP is a cgroup namespace.
	NEWCGROUP NamespaceType = "NEWCGROUP"
	// NEWTIME (not in v1.1) is a time namespace (Linux 5.6+). Its clock
	// offsets come from Config.TimeOffsets.
	NEWTIME NamespaceType = "NEWTIME"
)

// nsInfo is what this package knows about each namespace type: its
// /proc/<pid>/ns file name and its clone(2) flag.
var nsInfo = map[NamespaceType]struct {
	name string
	flag int
}{
	NEWNET:    {"net", unix.CLONE_NEWNET},
	NEWNS:     {"mnt", unix.CLONE_NEWNS},
	NEWPID:    {"pid", unix.CLONE_NEWPID},
	NEWIPC:    {"ipc", unix.CLONE_NEWIPC},
	NEWUSER:   {"user", unix.CLONE_NEWUSER},
	NEWUTS:    {"uts", unix.CLONE_NEWUTS},
	NEWCGROUP: {"cgroup", unix.CLONE_NEWCGROUP},
	NEWTIME:   {"time", unix.CLONE_NEWTIME},
}

// NsName returns the /proc/<pid>/ns file name of ns ("net", "mnt", ...),
// or "" for an unknown type.
func NsName(ns NamespaceType) string {
	return nsInfo[ns].name
}

var (
	nsSupportMu    sync.Mutex
	nsSupportCache = map[NamespaceType]bool{}
)

// IsNamespaceSupported reports whether the running kernel has namespaces
// of type ns, by checking that /proc/self/ns/<name> exists. The answer is
// cached per type. Unknown types are unsupported.
func IsNamespaceSupported(ns NamespaceType) bool {
	nsSupportMu.Lock()
	defer nsSupportMu.Unlock()
	if supported, ok := nsSupportCache[ns]; ok {
		return supported
	}
	name := NsName(ns)
	if name == "" {
		return false
	}
	_, err := os.Stat("/proc/self/ns/" + name)
	supported := err == nil
	nsSupportCache[ns] = supported
	return supported
}

// NamespaceTypes returns every namespace type in the order they are set up:
// USER first (the others must be owned by it), then IPC, UTS, NET, PID,
// NS, CGROUP and finally TIME.
func NamespaceTypes() []NamespaceType {
	return []NamespaceType{
		NEWUSER, // must stay first
		NEWIPC,
		NEWUTS,
		NEWNET,
		NEWPID,
		NEWNS,
		NEWCGROUP,
		NEWTIME,
	}
}

// Namespace is one namespace of the container: a new one when Path is
// empty, otherwise the existing namespace at Path (a /proc/<pid>/ns file
// or a bind mount of one) to join.
type Namespace struct {
	// Type is the namespace kind.
	Type NamespaceType `json:"type"`
	// Path is the namespace file to join; empty creates a new namespace.
	Path string `json:"path"`
}

// Syscall returns the CLONE_NEW* flag of the namespace's type, or 0 for
// an unknown type.
func (n *Namespace) Syscall() int {
	return nsInfo[n.Type].flag
}

// GetPath returns /proc/<pid>/ns/<name> for the namespace's type.
func (n *Namespace) GetPath(pid int) string {
	return fmt.Sprintf("/proc/%d/ns/%s", pid, NsName(n.Type))
}

// Namespaces is the list of a container's namespaces; each type should
// appear at most once.
type Namespaces []Namespace

// index returns the position of the first entry of type t, or -1.
func (n *Namespaces) index(t NamespaceType) int {
	for i, ns := range *n {
		if ns.Type == t {
			return i
		}
	}
	return -1
}

// Remove deletes the first entry of type t and reports whether there was
// one.
func (n *Namespaces) Remove(t NamespaceType) bool {
	i := n.index(t)
	if i < 0 {
		return false
	}
	*n = append((*n)[:i], (*n)[i+1:]...)
	return true
}

// Add sets the path of the entry of type t, appending a new entry when the
// type is not present yet.
func (n *Namespaces) Add(t NamespaceType, path string) {
	if i := n.index(t); i >= 0 {
		(*n)[i].Path = path
		return
	}
	*n = append(*n, Namespace{Type: t, Path: path})
}

// Contains reports whether an entry of type t is present.
func (n *Namespaces) Contains(t NamespaceType) bool {
	return n.index(t) >= 0
}

// PathOf returns the path of the entry of type t; it is "" when the type
// is absent or the namespace is to be created.
func (n *Namespaces) PathOf(t NamespaceType) string {
	if i := n.index(t); i >= 0 {
		return (*n)[i].Path
	}
	return ""
}

// CloneFlags returns the OR of the CLONE_NEW* flags of every entry that
// creates a new namespace (empty Path).
func (n *Namespaces) CloneFlags() uintptr {
	var flags int
	for _, ns := range *n {
		if ns.Path == "" {
			flags |= ns.Syscall()
		}
	}
	return uintptr(flags)
}
