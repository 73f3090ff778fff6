package libcontainer

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
)

// bootstrapData encodes the netlink message nsenter reads first: the
// namespaces to create (cloneFlags) and to join (nsMaps, type to path),
// id maps, oom_score_adj and time offsets.
func (c *linuxContainer) bootstrapData(cloneFlags uintptr, nsMaps map[configs.NamespaceType]string, init bool) ([]byte, error) {
	r := nl.NewNetlinkRequest(int(InitMsg), 0)
	add := func(t uint16, v []byte) error {
		if len(v) > maxAttrLen {
			return fmt.Errorf("%w: bootstrap attribute %d of %d bytes exceeds %d", validate.ErrInvalidConfig, t, len(v), maxAttrLen)
		}
		r.AddData(&Bytemsg{Type: t, Value: v})
		return nil
	}
	r.AddData(&Int32msg{Type: CloneFlagsAttr, Value: uint32(cloneFlags)})

	if len(nsMaps) > 0 {
		var paths []string
		for _, t := range configs.NamespaceTypes() {
			if p, ok := nsMaps[t]; ok && p != "" {
				if strings.ContainsAny(p, ",\x00") {
					return nil, fmt.Errorf("%w: namespace path %q", validate.ErrInvalidConfig, p)
				}
				paths = append(paths, configs.NsName(t)+":"+p)
			}
		}
		if err := add(NsPathsAttr, []byte(strings.Join(paths, ","))); err != nil {
			return nil, err
		}
	}

	_, joinUserns := nsMaps[configs.NEWUSER]
	if init && cloneFlags&unix.CLONE_NEWUSER != 0 && !joinUserns {
		uid, gid := encodeIDMap(c.config.UidMappings), encodeIDMap(c.config.GidMappings)
		if err := add(UidmapAttr, uid); err != nil {
			return nil, err
		}
		if err := add(GidmapAttr, gid); err != nil {
			return nil, err
		}
	}
	// setgroups(2) is allowed in the container unless its user namespace
	// has (or will get) setgroups "deny".
	r.AddData(&Boolmsg{Type: SetgroupAttr, Value: !c.setgroupsDenied()})
	if init && c.config.OomScoreAdj != nil {
		if err := add(OomScoreAdjAttr, []byte(strconv.Itoa(*c.config.OomScoreAdj))); err != nil {
			return nil, err
		}
	}
	if init && cloneFlags&unix.CLONE_NEWTIME != 0 && len(c.config.TimeOffsets) > 0 {
		if err := add(TimeOffsetsAttr, []byte(timeOffsets(c.config))); err != nil {
			return nil, err
		}
	}
	return r.Serialize(), nil
}

// setgroupsDenied reports whether we write "deny" to the setgroups file of
// the container's new user namespace: an unprivileged caller must, to
// write the gid map itself (mapping its own gid only). A joined user
// namespace keeps its setting, which nsenter reads from the kernel.
func (c *linuxContainer) setgroupsDenied() bool {
	if !c.config.Namespaces.Contains(configs.NEWUSER) || c.config.Namespaces.PathOf(configs.NEWUSER) != "" {
		return false
	}
	return os.Geteuid() != 0 && !needsMapHelper(c.config.GidMappings, os.Getegid())
}

// needsMapHelper reports whether maps must be written by newuidmap or
// newgidmap: an unprivileged caller may itself only map its own id
// (ownID), alone and as a single id.
func needsMapHelper(maps []configs.IDMap, ownID int) bool {
	if os.Geteuid() == 0 {
		return false
	}
	return !(len(maps) == 1 && maps[0].Size == 1 && maps[0].HostID == int64(ownID))
}

// encodeIDMap formats mappings as /proc/<pid>/uid_map lines.
func encodeIDMap(maps []configs.IDMap) []byte {
	var b bytes.Buffer
	for _, m := range maps {
		fmt.Fprintf(&b, "%d %d %d\n", m.ContainerID, m.HostID, m.Size)
	}
	return b.Bytes()
}

// timeOffsets formats the time namespace offsets for timens_offsets.
func timeOffsets(cfg *configs.Config) string {
	clocks := make([]string, 0, len(cfg.TimeOffsets))
	for k := range cfg.TimeOffsets {
		clocks = append(clocks, k)
	}
	sort.Strings(clocks)
	var b strings.Builder
	for _, k := range clocks {
		o := cfg.TimeOffsets[k]
		fmt.Fprintf(&b, "%s %d %d\n", k, o.Secs, o.Nanosecs)
	}
	return b.String()
}

// writeIDMaps writes the uid and gid maps of the new user namespace of pid:
// directly when privileged or when a map is just the caller's own id,
// else through newuidmap/newgidmap (the factory's paths, or found in
// PATH), which check the ranges against /etc/subuid and /etc/subgid.
func (c *linuxContainer) writeIDMaps(pid int) error {
	if needsMapHelper(c.config.UidMappings, os.Geteuid()) {
		if err := runMapHelper(c.factory.NewuidmapPath, "newuidmap", pid, c.config.UidMappings); err != nil {
			return err
		}
	} else if err := writeMapFile(pid, "uid_map", c.config.UidMappings); err != nil {
		return err
	}
	if needsMapHelper(c.config.GidMappings, os.Getegid()) {
		return runMapHelper(c.factory.NewgidmapPath, "newgidmap", pid, c.config.GidMappings)
	}
	if c.setgroupsDenied() {
		if err := os.WriteFile(fmt.Sprintf("/proc/%d/setgroups", pid), []byte("deny"), 0); err != nil {
			return fmt.Errorf("write setgroups: %w", err)
		}
	}
	return writeMapFile(pid, "gid_map", c.config.GidMappings)
}

func writeMapFile(pid int, name string, maps []configs.IDMap) error {
	path := fmt.Sprintf("/proc/%d/%s", pid, name)
	if err := os.WriteFile(path, encodeIDMap(maps), 0); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// runMapHelper runs newuidmap or newgidmap for pid with maps.
func runMapHelper(path, name string, pid int, maps []configs.IDMap) error {
	if path == "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return fmt.Errorf("%s is needed for the id maps of a rootless container: %w", name, err)
		}
		path = p
	}
	args := []string{strconv.Itoa(pid)}
	for _, m := range maps {
		args = append(args, strconv.FormatInt(m.ContainerID, 10), strconv.FormatInt(m.HostID, 10), strconv.FormatInt(m.Size, 10))
	}
	cmd := exec.Command(path, args...)
	cmd.Env = []string{}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", path, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}
