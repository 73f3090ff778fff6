package specconv

import specs "github.com/opencontainers/runtime-spec/specs-go"

// CreateOpts carries the spec and the runtime choices needed to convert it
// into a configs.Config.
type CreateOpts struct {
	// CgroupName names the cgroup when the spec gives no cgroupsPath
	// (usually the container id).
	CgroupName string
	// UseSystemdCgroup selects the systemd cgroup driver; cgroupsPath is
	// then "slice:prefix:name".
	UseSystemdCgroup bool
	// NoPivotRoot makes init use MS_MOVE + chroot instead of pivot_root.
	NoPivotRoot bool
	// NoNewKeyring keeps the caller's session keyring.
	NoNewKeyring bool
	// Spec is the OCI configuration to convert.
	Spec *specs.Spec
	// RootlessEUID is set when the runtime runs with a non-zero euid.
	RootlessEUID bool
	// RootlessCgroups is set when cgroup errors must be tolerated.
	RootlessCgroups bool
}
