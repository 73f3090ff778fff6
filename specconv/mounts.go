package specconv

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// createMount converts spec mount number i. Bind mounts (option bind or
// rbind, or type "bind") get Device "bind" and a relative source is taken
// relative to the bundle dir cwd. A NUL byte in any field is an error; a
// relative destination is only warned about (configs/validate decides).
func createMount(cwd string, i int, m specs.Mount) (*configs.Mount, error) {
	if err := checkNoNUL(i, m); err != nil {
		return nil, err
	}
	opts := parseMountOptions(m.Options)
	mnt := &configs.Mount{
		Source:           m.Source,
		Destination:      m.Destination,
		Device:           m.Type,
		Flags:            opts.flags,
		PropagationFlags: opts.propagation,
		Data:             opts.data,
		RecAttr:          opts.recAttr,
		Extensions:       opts.extensions,
	}
	if m.Type == "bind" {
		mnt.Flags |= unix.MS_BIND
	}
	if mnt.Flags&unix.MS_BIND != 0 {
		mnt.Device = "bind"
		if !filepath.IsAbs(mnt.Source) {
			mnt.Source = filepath.Join(cwd, mnt.Source)
		}
	}
	if !filepath.IsAbs(mnt.Destination) {
		slog.Warn("mount destination is not absolute", "index", i, "destination", mnt.Destination)
	}
	if opts.idmap || len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0 {
		mnt.IDMapping = &configs.MountIDMapping{
			UIDMappings: toIDMaps(m.UIDMappings),
			GIDMappings: toIDMaps(m.GIDMappings),
			Recursive:   opts.idmapRec,
		}
	}
	return mnt, nil
}

// checkNoNUL rejects a NUL byte in any string field of spec mount i: the
// kernel would silently truncate the string there.
func checkNoNUL(i int, m specs.Mount) error {
	fields := []struct{ name, value string }{
		{"source", m.Source},
		{"destination", m.Destination},
		{"type", m.Type},
	}
	for j, o := range m.Options {
		fields = append(fields, struct{ name, value string }{fmt.Sprintf("options[%d]", j), o})
	}
	for _, f := range fields {
		if strings.IndexByte(f.value, 0) >= 0 {
			return fmt.Errorf("mounts[%d].%s %q contains a NUL byte", i, f.name, f.value)
		}
	}
	return nil
}

// toIDMaps converts spec id mappings; nil stays nil.
func toIDMaps(in []specs.LinuxIDMapping) []configs.IDMap {
	if in == nil {
		return nil
	}
	out := make([]configs.IDMap, 0, len(in))
	for _, m := range in {
		out = append(out, configs.IDMap{
			ContainerID: int64(m.ContainerID),
			HostID:      int64(m.HostID),
			Size:        int64(m.Size),
		})
	}
	return out
}

// completeIDMappedMounts gives idmapped mounts that name no mappings of
// their own the container's user-namespace mappings, and fails for one
// that still has none.
func completeIDMappedMounts(config *configs.Config) error {
	for i, m := range config.Mounts {
		if m.IDMapping == nil {
			continue
		}
		if len(m.IDMapping.UIDMappings) == 0 && len(m.IDMapping.GIDMappings) == 0 {
			m.IDMapping.UIDMappings = config.UidMappings
			m.IDMapping.GIDMappings = config.GidMappings
		}
		if len(m.IDMapping.UIDMappings) == 0 || len(m.IDMapping.GIDMappings) == 0 {
			return fmt.Errorf("mounts[%d] (%s): an idmapped mount needs both uid and gid mappings (on the mount or from the container's user namespace)", i, m.Destination)
		}
	}
	return nil
}
