package specconv

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// setupUserNamespace completes the user-namespace part of config: when the
// container joins an existing user namespace, its mappings are read from
// the kernel (given mappings must agree with them); device nodes are then
// owned by the container's root.
func setupUserNamespace(config *configs.Config) error {
	if path := config.Namespaces.PathOf(configs.NEWUSER); path != "" {
		uidMap, gidMap, err := userNamespaceMappings(path)
		if err != nil {
			return err
		}
		if len(config.UidMappings) == 0 {
			config.UidMappings = uidMap
		} else if !sameMappings(config.UidMappings, uidMap) {
			return fmt.Errorf("linux.uidMappings do not match the mappings of user namespace %s", path)
		}
		if len(config.GidMappings) == 0 {
			config.GidMappings = gidMap
		} else if !sameMappings(config.GidMappings, gidMap) {
			return fmt.Errorf("linux.gidMappings do not match the mappings of user namespace %s", path)
		}
	}
	rootUID, err := config.HostRootUID()
	if err != nil {
		return fmt.Errorf("user namespace: %w", err)
	}
	rootGID, err := config.HostRootGID()
	if err != nil {
		return fmt.Errorf("user namespace: %w", err)
	}
	for _, node := range config.Devices {
		node.Uid = uint32(rootUID)
		node.Gid = uint32(rootGID)
	}
	return nil
}

// userNamespaceMappings reads the uid and gid mappings of the user
// namespace at nsPath. The maps are read from a process that lives in that
// namespace (the kernel shows /proc/<pid>/*_map relative to the reader's
// namespace, which is the host's for a runtime), and the process is checked
// to still be in it afterwards.
func userNamespaceMappings(nsPath string) (uidMap, gidMap []configs.IDMap, err error) {
	var target unix.Stat_t
	if err := unix.Stat(nsPath, &target); err != nil {
		return nil, nil, fmt.Errorf("user namespace %s: %w", nsPath, err)
	}
	pids, err := candidatePids(nsPath)
	if err != nil {
		return nil, nil, err
	}
	for _, pid := range pids {
		if !inNamespace(pid, &target) {
			continue
		}
		uidMap, err1 := readIDMapFile(fmt.Sprintf("/proc/%s/uid_map", pid))
		gidMap, err2 := readIDMapFile(fmt.Sprintf("/proc/%s/gid_map", pid))
		if err1 != nil || err2 != nil || !inNamespace(pid, &target) {
			continue // the process went away meanwhile
		}
		return uidMap, gidMap, nil
	}
	return nil, nil, fmt.Errorf("user namespace %s: cannot read its mappings: no process lives in it", nsPath)
}

// candidatePids returns the pid named by a /proc/<pid>/ns/user path first,
// then every pid in /proc.
func candidatePids(nsPath string) ([]string, error) {
	var pids []string
	if rest, ok := strings.CutPrefix(nsPath, "/proc/"); ok {
		if pid, tail, ok := strings.Cut(rest, "/"); ok && tail == "ns/user" {
			pids = append(pids, pid)
		}
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, e.Name())
		}
	}
	return pids, nil
}

// inNamespace reports whether process pid's user namespace is target.
func inNamespace(pid string, target *unix.Stat_t) bool {
	var st unix.Stat_t
	if err := unix.Stat("/proc/"+pid+"/ns/user", &st); err != nil {
		return false
	}
	return st.Dev == target.Dev && st.Ino == target.Ino
}

// readIDMapFile parses a /proc/<pid>/{uid,gid}_map file.
func readIDMapFile(path string) ([]configs.IDMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var maps []configs.IDMap
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s: malformed line %q", path, line)
		}
		var nums [3]int64
		for i, f := range fields {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: malformed line %q: %w", path, line, err)
			}
			nums[i] = n
		}
		maps = append(maps, configs.IDMap{ContainerID: nums[0], HostID: nums[1], Size: nums[2]})
	}
	if len(maps) == 0 {
		return nil, errors.New(path + ": no mappings")
	}
	return maps, nil
}

// sameMappings reports whether a and b hold the same ranges, in any order.
func sameMappings(a, b []configs.IDMap) bool {
	if len(a) != len(b) {
		return false
	}
	order := func(x, y configs.IDMap) int {
		return cmp.Or(
			cmp.Compare(x.ContainerID, y.ContainerID),
			cmp.Compare(x.HostID, y.HostID),
			cmp.Compare(x.Size, y.Size),
		)
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, order)
	slices.SortFunc(b, order)
	return slices.Equal(a, b)
}
