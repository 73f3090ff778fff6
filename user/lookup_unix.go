//go:build unix

package user

import (
	"io"
	"os"
	"strconv"
)

const (
	unixPasswdPath = "/etc/passwd"
	unixGroupPath  = "/etc/group"
	unixSubUIDPath = "/etc/subuid"
	unixSubGIDPath = "/etc/subgid"
)

// GetPasswdPath returns the path of the system passwd file, /etc/passwd.
func GetPasswdPath() (string, error) {
	return unixPasswdPath, nil
}

// GetPasswd opens the system passwd file.
func GetPasswd() (io.ReadCloser, error) {
	return os.Open(unixPasswdPath)
}

// GetGroupPath returns the path of the system group file, /etc/group.
func GetGroupPath() (string, error) {
	return unixGroupPath, nil
}

// GetGroup opens the system group file.
func GetGroup() (io.ReadCloser, error) {
	return os.Open(unixGroupPath)
}

// LookupUser returns the first entry of the system passwd file named
// username, or ErrNoPasswdEntries.
func LookupUser(username string) (User, error) {
	return lookupUser(func(u User) bool { return u.Name == username })
}

// LookupUid returns the first entry of the system passwd file with the
// given uid, or ErrNoPasswdEntries.
func LookupUid(uid int) (User, error) {
	return lookupUser(func(u User) bool { return u.Uid == uid })
}

// LookupGroup returns the first entry of the system group file named
// groupname, or ErrNoGroupEntries.
func LookupGroup(groupname string) (Group, error) {
	return lookupGroup(func(g Group) bool { return g.Name == groupname })
}

// LookupGid returns the first entry of the system group file with the
// given gid, or ErrNoGroupEntries.
func LookupGid(gid int) (Group, error) {
	return lookupGroup(func(g Group) bool { return g.Gid == gid })
}

// CurrentUser returns the passwd entry of the process's real uid.
func CurrentUser() (User, error) {
	return LookupUid(os.Getuid())
}

// CurrentGroup returns the group entry of the process's real gid.
func CurrentGroup() (Group, error) {
	return LookupGid(os.Getgid())
}

// CurrentUserSubUIDs returns the /etc/subuid ranges of the current user,
// matched by user name or by numeric uid.
func CurrentUserSubUIDs() ([]SubID, error) {
	return currentUserSubIDs(unixSubUIDPath)
}

// CurrentUserSubGIDs returns the /etc/subgid ranges of the current user,
// matched by user name or by numeric uid (as shadow-utils does).
func CurrentUserSubGIDs() ([]SubID, error) {
	return currentUserSubIDs(unixSubGIDPath)
}

// CurrentProcessUIDMap returns the uid mappings of the calling process's
// user namespace (/proc/self/uid_map).
func CurrentProcessUIDMap() ([]IDMap, error) {
	return ParseIDMapFile("/proc/self/uid_map")
}

// CurrentProcessGIDMap returns the gid mappings of the calling process's
// user namespace (/proc/self/gid_map).
func CurrentProcessGIDMap() ([]IDMap, error) {
	return ParseIDMapFile("/proc/self/gid_map")
}

func lookupUser(filter func(User) bool) (User, error) {
	passwd, err := GetPasswd()
	if err != nil {
		return User{}, err
	}
	defer passwd.Close()
	users, err := ParsePasswdFilter(passwd, filter)
	if err != nil {
		return User{}, err
	}
	if len(users) == 0 {
		return User{}, ErrNoPasswdEntries
	}
	return users[0], nil
}

func lookupGroup(filter func(Group) bool) (Group, error) {
	group, err := GetGroup()
	if err != nil {
		return Group{}, err
	}
	defer group.Close()
	groups, err := ParseGroupFilter(group, filter)
	if err != nil {
		return Group{}, err
	}
	if len(groups) == 0 {
		return Group{}, ErrNoGroupEntries
	}
	return groups[0], nil
}

func currentUserSubIDs(path string) ([]SubID, error) {
	uid := os.Getuid()
	name := ""
	if u, err := LookupUid(uid); err == nil {
		name = u.Name
	}
	uidStr := strconv.Itoa(uid)
	return ParseSubIDFileFilter(path, func(e SubID) bool {
		return e.Name == uidStr || (name != "" && e.Name == name)
	})
}
