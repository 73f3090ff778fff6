// Package user parses passwd, group, subuid/subgid and uid_map/gid_map
// style files and resolves a user specification ("user", "uid",
// "user:group", ...) to the ids a container process runs with.
//
// The files parsed here usually come from the container image and must be
// treated as hostile: a purely numeric user or group is always taken as an
// id and never looked up as a name (CVE-2016-3697), and arbitrarily long
// lines are handled without unbounded memory use.
package user

import "errors"

const (
	minID = 0
	// maxID is the largest id accepted: ids must fit a signed 32-bit
	// integer.
	maxID = 1<<31 - 1
)

var (
	// ErrNoPasswdEntries is returned when no passwd entry matches.
	ErrNoPasswdEntries = errors.New("no matching entries in passwd file")
	// ErrNoGroupEntries is returned when no group entry matches.
	ErrNoGroupEntries = errors.New("no matching entries in group file")
	// ErrRange is returned for a uid or gid outside 0..2147483647.
	ErrRange = errors.New("uids and gids must be in range 0-2147483647")
)

// User is one entry of a passwd-formatted file.
type User struct {
	Name  string
	Pass  string
	Uid   int
	Gid   int
	Gecos string
	Home  string
	Shell string
}

// Group is one entry of a group-formatted file.
type Group struct {
	Name string
	Pass string
	Gid  int
	List []string
}

// SubID is one entry of a subuid/subgid-formatted file: Name may use
// Count ids starting at SubID.
type SubID struct {
	Name  string
	SubID int64
	Count int64
}

// IDMap is one line of a /proc/<pid>/uid_map or gid_map file: Count ids
// starting at ID inside the namespace map to ids starting at ParentID in
// the parent namespace.
type IDMap struct {
	ID       int64
	ParentID int64
	Count    int64
}

// ExecUser holds the credentials a process is started with.
type ExecUser struct {
	Uid   int
	Gid   int
	Sgids []int
	Home  string
}
