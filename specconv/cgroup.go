package specconv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
	"github.com/b7f961b7/libcontainer/utils"
)

// CreateCgroupConfig returns the cgroup description of opts.Spec: its
// placement (for systemd from "slice:prefix:name", for cgroupfs from the
// cleaned cgroupsPath, else named opts.CgroupName) and its resources. The
// spec's device rules come first, then the rules of defaultDevs.
func CreateCgroupConfig(opts *CreateOpts, defaultDevs []*devices.Device) (*configs.Cgroup, error) {
	if opts == nil || opts.Spec == nil {
		return nil, errors.New("create cgroup config: spec is nil")
	}
	spec := opts.Spec
	c := &configs.Cgroup{
		Systemd:   opts.UseSystemdCgroup,
		Rootless:  opts.RootlessCgroups,
		Resources: &configs.Resources{},
	}

	var cgroupsPath string
	if spec.Linux != nil {
		cgroupsPath = spec.Linux.CgroupsPath
	}
	if opts.UseSystemdCgroup {
		props, err := createSystemdProps(spec.Annotations)
		if err != nil {
			return nil, err
		}
		c.SystemdProps = props
		if cgroupsPath == "" {
			c.ScopePrefix = "runc"
			c.Name = opts.CgroupName
		} else {
			parts := strings.Split(cgroupsPath, ":")
			if len(parts) != 3 {
				return nil, fmt.Errorf("linux.cgroupsPath %q: the systemd driver expects the form \"slice:prefix:name\"", cgroupsPath)
			}
			c.Parent, c.ScopePrefix, c.Name = parts[0], parts[1], parts[2]
		}
	} else {
		c.Path = utils.CleanPath(cgroupsPath)
		if c.Path == "" {
			c.Name = opts.CgroupName
		}
	}

	if spec.Linux != nil && spec.Linux.Resources != nil {
		if err := convertResources(spec.Linux.Resources, c.Resources); err != nil {
			return nil, err
		}
	}
	for _, d := range defaultDevs {
		rule := d.Rule
		c.Resources.Devices = append(c.Resources.Devices, &rule)
	}
	return c, nil
}
