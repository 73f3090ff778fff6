package specconv

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// rootPropagation maps linux.rootfsPropagation to MS_* flags; "" leaves
// the root mount's propagation alone.
var rootPropagation = map[string]int{
	"":            0,
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// CreateLibcontainerConfig converts opts.Spec into a container config. The
// bundle directory is the process's current directory: a relative root
// path and relative bind-mount sources are taken from it, and the labels
// get "bundle=<cwd>" after the spec annotations ("key=value", sorted by
// key). Spec settings configs cannot express are refused with an error
// naming the field.
func CreateLibcontainerConfig(opts *CreateOpts) (*configs.Config, error) {
	if opts == nil || opts.Spec == nil {
		return nil, errors.New("spec must be specified")
	}
	spec := opts.Spec
	if spec.Root == nil {
		return nil, errors.New("root must be specified")
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("get bundle directory: %w", err)
	}
	rootfs := spec.Root.Path
	if !filepath.IsAbs(rootfs) {
		rootfs = filepath.Join(cwd, rootfs)
	}

	config := &configs.Config{
		Rootfs:          rootfs,
		NoPivotRoot:     opts.NoPivotRoot,
		Readonlyfs:      spec.Root.Readonly,
		Hostname:        spec.Hostname,
		Domainname:      spec.Domainname,
		Labels:          createLabels(spec.Annotations, cwd),
		NoNewKeyring:    opts.NoNewKeyring,
		RootlessEUID:    opts.RootlessEUID,
		RootlessCgroups: opts.RootlessCgroups,
		Version:         specs.Version,
	}

	for i, m := range spec.Mounts {
		mnt, err := createMount(cwd, i, m)
		if err != nil {
			return nil, err
		}
		config.Mounts = append(config.Mounts, mnt)
	}

	nodes, defaultDevs, err := createDevices(spec)
	if err != nil {
		return nil, err
	}
	config.Devices = nodes

	cg, err := CreateCgroupConfig(opts, defaultDevs)
	if err != nil {
		return nil, err
	}
	config.Cgroups = cg

	if spec.Linux != nil {
		if err := convertLinux(spec.Linux, config); err != nil {
			return nil, err
		}
	}
	if err := completeIDMappedMounts(config); err != nil {
		return nil, err
	}
	if err := setCgroupOwner(config); err != nil {
		return nil, err
	}

	if spec.Process != nil {
		if err := convertProcess(spec.Process, config); err != nil {
			return nil, err
		}
	}
	if config.Hooks, err = createHooks(spec.Hooks); err != nil {
		return nil, err
	}
	return config, nil
}

// createLabels returns the annotations as "key=value" (sorted by key)
// followed by "bundle=<bundle>".
func createLabels(annotations map[string]string, bundle string) []string {
	keys := slices.Sorted(maps.Keys(annotations))
	labels := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		labels = append(labels, k+"="+annotations[k])
	}
	return append(labels, "bundle="+bundle)
}

// convertLinux copies the linux section of the spec into config.
func convertLinux(l *specs.Linux, config *configs.Config) error {
	prop, ok := rootPropagation[l.RootfsPropagation]
	if !ok {
		return fmt.Errorf("linux.rootfsPropagation %q is not supported", l.RootfsPropagation)
	}
	if config.NoPivotRoot && prop&unix.MS_PRIVATE != 0 {
		return fmt.Errorf("linux.rootfsPropagation %q is not safe without pivot_root", l.RootfsPropagation)
	}
	config.RootPropagation = prop

	nss, err := createNamespaces(l.Namespaces)
	if err != nil {
		return err
	}
	config.Namespaces = nss
	if nss.Contains(configs.NEWNET) && nss.PathOf(configs.NEWNET) == "" {
		config.Networks = []*configs.Network{{Type: "loopback"}}
	}

	config.UidMappings = toIDMaps(l.UIDMappings)
	config.GidMappings = toIDMaps(l.GIDMappings)
	if nss.Contains(configs.NEWUSER) {
		if err := setupUserNamespace(config); err != nil {
			return err
		}
	}

	config.MaskPaths = l.MaskedPaths
	config.ReadonlyPaths = l.ReadonlyPaths
	config.MountLabel = l.MountLabel
	config.Sysctl = l.Sysctl
	if config.Seccomp, err = SetupSeccomp(l.Seccomp); err != nil {
		return err
	}
	if l.IntelRdt != nil {
		if len(l.IntelRdt.Schemata) > 0 {
			return errors.New("linux.intelRdt.schemata is not supported")
		}
		if l.IntelRdt.EnableMonitoring {
			return errors.New("linux.intelRdt.enableMonitoring is not supported")
		}
		config.IntelRdt = &configs.IntelRdt{
			ClosID:        l.IntelRdt.ClosID,
			L3CacheSchema: l.IntelRdt.L3CacheSchema,
			MemBwSchema:   l.IntelRdt.MemBwSchema,
		}
	}
	if l.MemoryPolicy != nil {
		return errors.New("linux.memoryPolicy is not supported")
	}
	if l.Personality != nil {
		p, err := createPersonality(l.Personality)
		if err != nil {
			return err
		}
		config.Personality = p
	}
	if len(l.TimeOffsets) > 0 {
		config.TimeOffsets = maps.Clone(l.TimeOffsets)
	}
	if len(l.NetDevices) > 0 {
		config.NetDevices = make(map[string]*configs.LinuxNetDevice, len(l.NetDevices))
		for host, d := range l.NetDevices {
			config.NetDevices[host] = &configs.LinuxNetDevice{Name: d.Name}
		}
	}
	return nil
}

// createPersonality converts linux.personality; the domain must be LINUX
// or LINUX32.
func createPersonality(p *specs.LinuxPersonality) (*configs.LinuxPersonality, error) {
	domain := configs.LinuxPersonalityDomain(p.Domain)
	if domain != configs.PerLinux && domain != configs.PerLinux32 {
		return nil, fmt.Errorf("linux.personality.domain %q: invalid personality domain", p.Domain)
	}
	out := &configs.LinuxPersonality{Domain: domain}
	for _, f := range p.Flags {
		out.Flags = append(out.Flags, configs.LinuxPersonalityFlag(f))
	}
	return out, nil
}

// convertProcess copies the container-wide process settings.
func convertProcess(p *specs.Process, config *configs.Config) error {
	if p.Scheduler != nil {
		return errors.New("process.scheduler is not supported")
	}
	if p.IOPriority != nil {
		return errors.New("process.ioPriority is not supported")
	}
	if p.ExecCPUAffinity != nil {
		return errors.New("process.execCPUAffinity is not supported")
	}
	config.OomScoreAdj = p.OOMScoreAdj
	config.NoNewPrivileges = p.NoNewPrivileges
	config.Umask = p.User.Umask
	config.ProcessLabel = p.SelinuxLabel
	config.AppArmorProfile = p.ApparmorProfile
	if c := p.Capabilities; c != nil {
		config.Capabilities = &configs.Capabilities{
			Bounding:    c.Bounding,
			Effective:   c.Effective,
			Inheritable: c.Inheritable,
			Permitted:   c.Permitted,
			Ambient:     c.Ambient,
		}
	}
	rlimits, err := createRlimits(p.Rlimits)
	if err != nil {
		return err
	}
	config.Rlimits = rlimits
	return nil
}

// setCgroupOwner gives the container's cgroup to the container's root user
// when the container has a private cgroup namespace and mounts cgroupfs
// read-write at /sys/fs/cgroup, so it can manage its own subtree.
func setCgroupOwner(config *configs.Config) error {
	if config.Cgroups == nil {
		return nil
	}
	if !config.Namespaces.Contains(configs.NEWCGROUP) || config.Namespaces.PathOf(configs.NEWCGROUP) != "" {
		return nil
	}
	rw := false
	for _, m := range config.Mounts {
		if (m.Device == "cgroup" || m.Device == "cgroup2") && filepath.Clean(m.Destination) == "/sys/fs/cgroup" && m.Flags&unix.MS_RDONLY == 0 {
			rw = true
			break
		}
	}
	if !rw {
		return nil
	}
	uid, err := config.HostRootUID()
	if err != nil {
		return fmt.Errorf("cgroup owner: %w", err)
	}
	config.Cgroups.OwnerUID = &uid
	return nil
}
