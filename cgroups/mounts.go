package cgroups

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// Mount describes one cgroup hierarchy mount.
type Mount struct {
	// Mountpoint is where the hierarchy is mounted.
	Mountpoint string
	// Root is the cgroup path inside the hierarchy that is mounted there.
	Root string
	// Subsystems lists the controllers (and "name=..." names) of the hierarchy.
	Subsystems []string
}

// GetOwnCgroup returns the cgroup path, among cgroups (as parsed by
// ParseCgroupFile), of the first subsystem of m that has one.
func (m Mount) GetOwnCgroup(cgroups map[string]string) (string, error) {
	if len(m.Subsystems) == 0 {
		return "", errors.New("no subsystem for mount")
	}
	for _, s := range m.Subsystems {
		if p, err := getControllerPath(s, cgroups); err == nil {
			return p, nil
		}
	}
	return getControllerPath(m.Subsystems[0], cgroups)
}

// GetCgroupMounts lists the cgroup v1 hierarchies of this process's mount
// namespace (fstype "cgroup" only). With all false each subsystem is
// reported once (its first mount); with all true every mount is listed.
// On a pure v2 host it returns one synthetic mount of /sys/fs/cgroup
// carrying every available controller.
func GetCgroupMounts(all bool) ([]Mount, error) {
	if IsCgroup2UnifiedMode() {
		subs, err := GetAllSubsystems()
		if err != nil {
			return nil, err
		}
		return []Mount{{Mountpoint: cgroupfsDir, Root: "/", Subsystems: subs}}, nil
	}
	enabled, err := enabledV1Subsystems()
	if err != nil {
		return nil, err
	}
	infos, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup"))
	if err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	seen := map[string]bool{}
	var res []Mount
	for _, mi := range infos {
		m := Mount{Mountpoint: mi.Mountpoint, Root: mi.Root}
		fresh := false
		for _, opt := range strings.Split(mi.VFSOptions, ",") {
			name := opt
			if !strings.HasPrefix(opt, CgroupNamePrefix) && !enabled[opt] {
				continue
			}
			if !seen[name] {
				fresh = true
			}
			m.Subsystems = append(m.Subsystems, name)
		}
		if len(m.Subsystems) == 0 || (!all && !fresh) {
			continue
		}
		for _, s := range m.Subsystems {
			seen[s] = true
		}
		res = append(res, m)
	}
	if len(res) == 0 {
		return nil, NewNotFoundError("cgroup")
	}
	return res, nil
}

// enabledV1Subsystems returns the controllers /proc/cgroups marks enabled.
func enabledV1Subsystems() (map[string]bool, error) {
	subs, err := procCgroupsEnabled()
	if err != nil {
		return nil, err
	}
	res := make(map[string]bool, len(subs))
	for _, s := range subs {
		res[s] = true
	}
	return res, nil
}

// procCgroupsEnabled lists, in file order, the controllers /proc/cgroups
// marks enabled.
func procCgroupsEnabled() ([]string, error) {
	f, err := os.Open("/proc/cgroups")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var subs []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) != 4 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if fields[3] == "1" {
			subs = append(subs, fields[0])
		}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read /proc/cgroups: %w", err)
	}
	return subs, nil
}

// GetAllSubsystems lists the controllers the kernel offers: on v1 the
// enabled lines of /proc/cgroups, on v2 the root cgroup.controllers plus
// "devices" and "freezer" (which v2 implements without a controller file).
func GetAllSubsystems() ([]string, error) {
	if IsCgroup2UnifiedMode() {
		data, err := ReadFile(cgroupfsDir, "cgroup.controllers")
		if err != nil {
			return nil, err
		}
		subs := append(strings.Fields(data), "devices", "freezer")
		return subs, nil
	}
	return procCgroupsEnabled()
}

// ParseCgroupFile parses a /proc/<pid>/cgroup file into a map from
// controller (or "name=..." hierarchy name) to cgroup path. Comounted
// controllers each get an entry; the cgroup2 entry has the key "".
func ParseCgroupFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		parts := strings.SplitN(line, ":", 3)
		if len(parts) < 3 {
			return nil, fmt.Errorf("invalid cgroup entry %q in %s", line, path)
		}
		for _, sub := range strings.Split(parts[1], ",") {
			res[sub] = parts[2]
		}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return res, nil
}

// getControllerPath picks the cgroup of subsystem from a parsed
// /proc/<pid>/cgroup map.
func getControllerPath(subsystem string, cgroups map[string]string) (string, error) {
	if IsCgroup2UnifiedMode() {
		if p, ok := cgroups[""]; ok {
			return p, nil
		}
	}
	if p, ok := cgroups[subsystem]; ok {
		return p, nil
	}
	if p, ok := cgroups[CgroupNamePrefix+subsystem]; ok {
		return p, nil
	}
	return "", NewNotFoundError(subsystem)
}

// FindCgroupMountpoint returns the mountpoint of the v1 hierarchy of
// subsystem that lies under cgroupPath ("" for any). Subsystem "" means
// the cgroup2 hierarchy of a hybrid host. On a pure v2 host it returns
// /sys/fs/cgroup.
func FindCgroupMountpoint(cgroupPath, subsystem string) (string, error) {
	if IsCgroup2UnifiedMode() {
		return cgroupfsDir, nil
	}
	mnt, _, err := FindCgroupMountpointAndRoot(cgroupPath, subsystem)
	return mnt, err
}

// FindCgroupMountpointAndRoot returns the mountpoint and mounted root of
// the hierarchy of subsystem that lies under cgroupPath ("" for any).
// Subsystem "" means the cgroup2 hierarchy of a hybrid host.
func FindCgroupMountpointAndRoot(cgroupPath, subsystem string) (string, string, error) {
	fstype := "cgroup"
	if subsystem == "" || IsCgroup2UnifiedMode() {
		fstype = "cgroup2"
	}
	infos, err := mountinfo.GetMounts(mountinfo.FSTypeFilter(fstype))
	if err != nil {
		return "", "", fmt.Errorf("read mountinfo: %w", err)
	}
	for _, mi := range infos {
		if cgroupPath != "" && !strings.HasPrefix(mi.Mountpoint, cgroupPath) {
			continue
		}
		if fstype == "cgroup2" {
			if subsystem == "" && !IsCgroup2UnifiedMode() && mi.Mountpoint != hybridMountpoint {
				continue
			}
			return mi.Mountpoint, mi.Root, nil
		}
		for _, opt := range strings.Split(mi.VFSOptions, ",") {
			if opt == subsystem || opt == CgroupNamePrefix+subsystem {
				return mi.Mountpoint, mi.Root, nil
			}
		}
	}
	return "", "", NewNotFoundError(subsystem)
}

// The /proc/<pid>/cgroup files of this process and of PID 1.
const (
	ownCgroupFile  = "/proc/self/cgroup"
	initCgroupFile = "/proc/1/cgroup"
)

// GetOwnCgroup returns this process's cgroup (path inside the hierarchy)
// for subsystem, from /proc/self/cgroup.
func GetOwnCgroup(subsystem string) (string, error) {
	return cgroupOf(ownCgroupFile, subsystem)
}

// GetOwnCgroupPath returns the absolute directory of this process's cgroup
// for subsystem.
func GetOwnCgroupPath(subsystem string) (string, error) {
	return cgroupDirFrom(ownCgroupFile, subsystem)
}

// GetInitCgroup returns PID 1's cgroup (path inside the hierarchy) for
// subsystem, from /proc/1/cgroup.
func GetInitCgroup(subsystem string) (string, error) {
	return cgroupOf(initCgroupFile, subsystem)
}

// GetInitCgroupPath returns the absolute directory of PID 1's cgroup for
// subsystem.
func GetInitCgroupPath(subsystem string) (string, error) {
	return cgroupDirFrom(initCgroupFile, subsystem)
}

// cgroupOf reads the cgroup of subsystem from a /proc/<pid>/cgroup file.
func cgroupOf(file, subsystem string) (string, error) {
	cgs, err := ParseCgroupFile(file)
	if err != nil {
		return "", err
	}
	return getControllerPath(subsystem, cgs)
}

// cgroupDirFrom returns the absolute directory of the cgroup of subsystem
// named in a /proc/<pid>/cgroup file.
func cgroupDirFrom(file, subsystem string) (string, error) {
	cg, err := cgroupOf(file, subsystem)
	if err != nil {
		return "", err
	}
	return cgroupDirOf(subsystem, cg)
}

// cgroupDirOf turns the cgroup cg of subsystem into an absolute directory
// under the hierarchy's mountpoint.
func cgroupDirOf(subsystem, cg string) (string, error) {
	if IsCgroup2UnifiedMode() {
		return filepath.Join(cgroupfsDir, cg), nil
	}
	mnt, root, err := FindCgroupMountpointAndRoot("", subsystem)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, cg)
	if err != nil {
		return "", err
	}
	return filepath.Join(mnt, rel), nil
}
