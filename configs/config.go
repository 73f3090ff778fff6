package configs

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/devices"
)

// Config is the full description of a container: its root filesystem,
// mounts, namespaces, cgroup, security settings and lifecycle hooks. It is
// serialised as the "config" member of state.json and read back by the
// container's init process.
type Config struct {
	// NoPivotRoot makes init use MS_MOVE + chroot instead of pivot_root(2)
	// (for ramdisk roots, where pivot_root is impossible).
	NoPivotRoot bool `json:"no_pivot_root"`

	// ParentDeathSignal is the signal delivered to init when its parent
	// dies (0 = none).
	ParentDeathSignal int `json:"parent_death_signal"`

	// Rootfs is the absolute host path of the container's root filesystem.
	Rootfs string `json:"rootfs"`

	// Umask is the umask of the container process; nil keeps 0022.
	Umask *uint32 `json:"umask"`

	// Readonlyfs remounts the root filesystem read-only.
	Readonlyfs bool `json:"readonlyfs"`

	// RootPropagation holds the MS_* propagation flags applied to the
	// container's root mount.
	RootPropagation int `json:"rootPropagation"`

	// Mounts lists the mounts to set up, in order, inside the rootfs.
	Mounts []*Mount `json:"mounts"`

	// Devices lists the device nodes to create in the container's /dev.
	Devices []*devices.Device `json:"devices"`

	// MountLabel is the SELinux context applied to mounts.
	MountLabel string `json:"mount_label"`

	// Hostname is set in the container's UTS namespace (needs NEWUTS).
	Hostname string `json:"hostname"`

	// Namespaces lists the namespaces to create (empty Path) or join.
	Namespaces Namespaces `json:"namespaces"`

	// Capabilities are the capability sets of the container process;
	// nil leaves the capabilities unchanged.
	Capabilities *Capabilities `json:"capabilities"`

	// Networks lists network interfaces to configure (only "loopback" has
	// a strategy).
	Networks []*Network `json:"networks"`

	// Routes lists routes to add inside the network namespace.
	Routes []*Route `json:"routes"`

	// Cgroups describes the container's cgroup and its resource limits.
	Cgroups *Cgroup `json:"cgroups"`

	// AppArmorProfile is the AppArmor profile applied at exec.
	AppArmorProfile string `json:"apparmor_profile,omitempty"`

	// ProcessLabel is the SELinux label of the container process.
	ProcessLabel string `json:"process_label,omitempty"`

	// Rlimits are the resource limits set on the container process.
	Rlimits []Rlimit `json:"rlimits,omitempty"`

	// OomScoreAdj is written to /proc/<pid>/oom_score_adj; nil leaves it.
	OomScoreAdj *int `json:"oom_score_adj,omitempty"`

	// UidMappings are the user-namespace uid ranges.
	UidMappings []IDMap `json:"uid_mappings"`

	// GidMappings are the user-namespace gid ranges.
	GidMappings []IDMap `json:"gid_mappings"`

	// MaskPaths are container paths hidden from the process (bind of
	// /dev/null or an empty read-only tmpfs).
	MaskPaths []string `json:"mask_paths"`

	// ReadonlyPaths are container paths remounted read-only.
	ReadonlyPaths []string `json:"readonly_paths"`

	// Sysctl holds kernel parameters set inside the container's
	// namespaces (key spelling "a.b.c" or "a/b/c").
	Sysctl map[string]string `json:"sysctl"`

	// Seccomp is the system-call filter; nil means no filter.
	Seccomp *Seccomp `json:"seccomp"`

	// NoNewPrivileges sets PR_SET_NO_NEW_PRIVS on the container process.
	NoNewPrivileges bool `json:"no_new_privileges,omitempty"`

	// Hooks are the lifecycle hooks by name. The field has no JSON tag:
	// its key is "Hooks".
	Hooks Hooks

	// Version is the OCI runtime-spec version the config came from.
	Version string `json:"version"`

	// Labels are "key=value" annotations; "bundle=<path>" names the
	// bundle directory.
	Labels []string `json:"labels"`

	// NoNewKeyring keeps the caller's session keyring instead of creating
	// a new one for the container.
	NoNewKeyring bool `json:"no_new_keyring"`

	// IntelRdt configures Intel RDT (resctrl); nil disables it.
	IntelRdt *IntelRdt `json:"intel_rdt,omitempty"`

	// RootlessEUID is set when the runtime runs with a non-zero euid.
	RootlessEUID bool `json:"rootless_euid,omitempty"`

	// RootlessCgroups is set when cgroup errors must be tolerated because
	// the runtime cannot manage cgroups.
	RootlessCgroups bool `json:"rootless_cgroups,omitempty"`

	// Domainname (not in v1.1) is the NIS domain name set in the
	// container's UTS namespace; it needs NEWUTS. Empty leaves it alone.
	Domainname string `json:"domainname,omitempty"`

	// TimeOffsets (not in v1.1) are the clock offsets of a new time
	// namespace, keyed by clock name ("monotonic", "boottime"); they need
	// NEWTIME without a Path. Empty sets no offsets.
	TimeOffsets map[string]specs.LinuxTimeOffset `json:"time_offsets,omitempty"`

	// Personality (not in v1.1) is the execution domain set with
	// personality(2) before exec; nil leaves it unchanged.
	Personality *LinuxPersonality `json:"personality,omitempty"`

	// NetDevices (not in v1.1) maps host network interface names to the
	// device they become inside the container: each interface is moved
	// into the container's network namespace (needs NEWNET). Empty moves
	// nothing.
	NetDevices map[string]*LinuxNetDevice `json:"netDevices,omitempty"`

	// Landlock (not in v1.1) restricts filesystem access with a Landlock
	// ruleset applied just before exec; nil applies no ruleset.
	Landlock *Landlock `json:"landlock,omitempty"`
}
