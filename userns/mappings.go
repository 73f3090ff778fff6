//go:build linux

package userns

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/user"
	"golang.org/x/sys/unix"
)

// procNSUser matches the /proc paths of a process's user namespace file,
// whose mappings can be read directly from the same /proc directory.
var procNSUser = regexp.MustCompile(`^/proc/(\d+|self|thread-self)/ns/user$`)

// GetUserNamespaceMappings returns the uid and gid mappings of the user
// namespace referred to by nsPath, as seen from the parent of that
// namespace. For a "/proc/<pid>/ns/user" path they are read from
// /proc/<pid>/uid_map and gid_map. For any other nsfs file (for example a
// bind mount of a namespace file) a short-lived child process joins the
// namespace and reads its own maps (this needs cgo and the privilege to
// setns(2) into it). The caller's own user namespace is read from
// /proc/self directly.
func GetUserNamespaceMappings(nsPath string) (uidMap, gidMap []configs.IDMap, err error) {
	if m := procNSUser.FindStringSubmatch(nsPath); m != nil {
		return readMapsFromProc("/proc/" + m[1])
	}
	nsFile, err := os.Open(nsPath)
	if err != nil {
		return nil, nil, fmt.Errorf("open user namespace %s: %w", nsPath, err)
	}
	defer nsFile.Close()
	same, err := isOwnUserNS(nsFile)
	if err != nil {
		return nil, nil, fmt.Errorf("user namespace %s: %w", nsPath, err)
	}
	if same {
		return readMapsFromProc("/proc/self")
	}
	uidText, gidText, err := readMapsInNS(nsFile)
	if err != nil {
		return nil, nil, fmt.Errorf("read mappings of user namespace %s: %w", nsPath, err)
	}
	uidMap, err = parseMapText("uid_map", uidText)
	if err != nil {
		return nil, nil, fmt.Errorf("user namespace %s: %w", nsPath, err)
	}
	gidMap, err = parseMapText("gid_map", gidText)
	if err != nil {
		return nil, nil, fmt.Errorf("user namespace %s: %w", nsPath, err)
	}
	return uidMap, gidMap, nil
}

// readMapsFromProc reads uid_map and gid_map below a /proc/<pid> dir.
func readMapsFromProc(dir string) ([]configs.IDMap, []configs.IDMap, error) {
	uid, err := user.ParseIDMapFile(dir + "/uid_map")
	if err != nil {
		return nil, nil, fmt.Errorf("read %s/uid_map: %w", dir, err)
	}
	gid, err := user.ParseIDMapFile(dir + "/gid_map")
	if err != nil {
		return nil, nil, fmt.Errorf("read %s/gid_map: %w", dir, err)
	}
	return toConfigMaps(uid), toConfigMaps(gid), nil
}

// parseMapText parses the text of a uid_map or gid_map file.
func parseMapText(what, text string) ([]configs.IDMap, error) {
	maps, err := user.ParseIDMap(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", what, err)
	}
	return toConfigMaps(maps), nil
}

// isOwnUserNS reports whether nsFile is the caller's own user namespace
// (same device and inode as /proc/self/ns/user). setns(2) into one's own
// user namespace is refused by the kernel, so that case is answered from
// /proc/self.
func isOwnUserNS(nsFile *os.File) (bool, error) {
	var ns, self unix.Stat_t
	if err := unix.Fstat(int(nsFile.Fd()), &ns); err != nil {
		return false, fmt.Errorf("fstat: %w", err)
	}
	if err := unix.Stat("/proc/self/ns/user", &self); err != nil {
		return false, fmt.Errorf("stat /proc/self/ns/user: %w", err)
	}
	return ns.Dev == self.Dev && ns.Ino == self.Ino, nil
}
