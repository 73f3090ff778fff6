package validate

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// ipcSysctls are the kernel.* sysctls that belong to the IPC namespace.
var ipcSysctls = map[string]bool{
	"kernel.msgmax":          true,
	"kernel.msgmnb":          true,
	"kernel.msgmni":          true,
	"kernel.sem":             true,
	"kernel.shmall":          true,
	"kernel.shmmax":          true,
	"kernel.shmmni":          true,
	"kernel.shm_rmid_forced": true,
}

// sysctlCheck accepts a sysctl only when it lives in a namespace the
// container gets privately: IPC keys and fs.mqueue.* need NEWIPC, net.*
// needs a network namespace other than the caller's, user.* needs NEWUSER,
// kernel.domainname needs NEWUTS, and kernel.hostname is refused because
// it conflicts with the hostname field. Keys may be spelled with '/'
// instead of '.' (the first separator decides), but must not have empty
// components.
func sysctlCheck(config *configs.Config) error {
	for _, key := range sortedKeys(config.Sysctl) {
		field := fmt.Sprintf("sysctl[%q]", key)
		s := dotSeparated(key)
		if strings.ContainsRune(s, 0) || strings.ContainsRune(config.Sysctl[key], 0) {
			return invalid(field, key, "must not contain NUL bytes")
		}
		if hasEmptyComponent(s) {
			return invalid(field, key, "is not a valid sysctl name")
		}
		switch {
		case ipcSysctls[s] || strings.HasPrefix(s, "fs.mqueue."):
			if !config.Namespaces.Contains(configs.NEWIPC) {
				return invalid(field, key, "sysctl is not allowed in the hosts ipc namespace")
			}
		case strings.HasPrefix(s, "net."):
			if err := netSysctlCheck(config, field, key); err != nil {
				return err
			}
		case strings.HasPrefix(s, "user."):
			if !config.Namespaces.Contains(configs.NEWUSER) {
				return invalid(field, key, "sysctl is not allowed without a private user namespace")
			}
		case s == "kernel.domainname" && config.Namespaces.Contains(configs.NEWUTS):
		case s == "kernel.hostname" && config.Namespaces.Contains(configs.NEWUTS):
			return invalid(field, key, "sysctl is not allowed as it conflicts with the config's hostname field")
		default:
			return invalid(field, key, "sysctl is not in a separate kernel namespace")
		}
	}
	return nil
}

// dotSeparated returns key in its '.'-separated spelling. When the first
// separator in key is '/', the key uses the '/' spelling and the two
// separators are swapped (so "net/ipv4/conf/eth0.100/forwarding" becomes
// "net.ipv4.conf.eth0/100.forwarding").
func dotSeparated(key string) string {
	i := strings.IndexAny(key, "./")
	if i < 0 || key[i] == '.' {
		return key
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '.'
		case '.':
			return '/'
		}
		return r
	}, key)
}

// hasEmptyComponent reports whether s, split at '.' and '/', has an empty
// part; that covers "", leading or trailing separators and ".." walks.
func hasEmptyComponent(s string) bool {
	for _, part := range strings.Split(strings.ReplaceAll(s, "/", "."), ".") {
		if part == "" {
			return true
		}
	}
	return false
}

// netSysctlCheck requires a network namespace that is not the caller's:
// either a new one, or a joined one whose nsfs inode differs from
// /proc/self/ns/net.
func netSysctlCheck(config *configs.Config, field, key string) error {
	if !config.Namespaces.Contains(configs.NEWNET) {
		return invalid(field, key, "sysctl is not allowed in the hosts network namespace")
	}
	path := config.Namespaces.PathOf(configs.NEWNET)
	if path == "" {
		return nil
	}
	same, err := sameFile("/proc/self/ns/net", path)
	if err != nil {
		return invalidCause(field, key, err, "cannot check the network namespace to join")
	}
	if same {
		return invalid(field, key, "sysctl is not allowed in the hosts network namespace (%s is the caller's)", path)
	}
	return nil
}

// sameFile reports whether a and b (following symlinks) are the same
// inode on the same device.
func sameFile(a, b string) (bool, error) {
	var sa, sb unix.Stat_t
	if err := unix.Stat(a, &sa); err != nil {
		return false, &os.PathError{Op: "stat", Path: a, Err: err}
	}
	if err := unix.Stat(b, &sb); err != nil {
		return false, &os.PathError{Op: "stat", Path: b, Err: err}
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}
