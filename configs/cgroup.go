package configs

import (
	systemdDbus "github.com/coreos/go-systemd/v22/dbus"

	"github.com/b7f961b7/libcontainer/devices"
)

// FreezerState is the requested or observed freezer state of a cgroup.
type FreezerState string

// The freezer states.
const (
	// Undefined leaves the freezer state unchanged.
	Undefined FreezerState = ""
	// Frozen means every task of the cgroup is frozen.
	Frozen FreezerState = "FROZEN"
	// Thawed means the cgroup's tasks run normally.
	Thawed FreezerState = "THAWED"
)

// Cgroup names the container's cgroup and carries its resource limits.
// The embedded Resources' fields appear inline in the JSON object.
type Cgroup struct {
	// Name is the cgroup (or systemd unit) name; it must not be used
	// together with Path.
	Name string `json:"name,omitempty"`

	// Parent is the parent cgroup (or systemd slice) of Name.
	Parent string `json:"parent,omitempty"`

	// Path is the cgroup path: absolute paths start at the hierarchy root,
	// relative ones are under the caller's own cgroup. For systemd it is
	// "slice:prefix:name".
	Path string `json:"path"`

	// ScopePrefix is the prefix of the systemd scope unit name.
	ScopePrefix string `json:"scope_prefix"`

	// Resources are the limits applied to the cgroup; nil applies none.
	*Resources

	// Systemd selects the systemd cgroup driver. No JSON tag: the key is
	// "Systemd".
	Systemd bool

	// SystemdProps are extra properties of the systemd unit. They are
	// not serialised.
	SystemdProps []systemdDbus.Property `json:"-"`

	// Rootless tolerates cgroup permission errors. No JSON tag: the key
	// is "Rootless".
	Rootless bool

	// OwnerUID, when set, is the uid that is given ownership of the
	// cgroup (cgroup v2 delegation).
	OwnerUID *int `json:"owner_uid,omitempty"`
}

// Resources are the cgroup resource limits of a container. Zero values
// leave the corresponding kernel setting unchanged unless stated.
type Resources struct {
	// Devices are the device access rules, applied in order.
	Devices []*devices.Rule `json:"devices"`

	// Memory is the memory limit in bytes (-1 = unlimited).
	Memory int64 `json:"memory"`

	// MemoryReservation is the soft memory limit in bytes.
	MemoryReservation int64 `json:"memory_reservation"`

	// MemorySwap is the memory+swap limit in bytes (-1 = unlimited).
	MemorySwap int64 `json:"memory_swap"`

	// CpuShares is the relative CPU weight (cgroup v1 scale).
	CpuShares uint64 `json:"cpu_shares"`

	// CpuQuota is the CPU time allowed per period, in microseconds.
	CpuQuota int64 `json:"cpu_quota"`

	// CpuPeriod is the CFS period in microseconds.
	CpuPeriod uint64 `json:"cpu_period"`

	// CpuRtRuntime is the realtime runtime per period in microseconds.
	// Its JSON key is "cpu_rt_quota".
	CpuRtRuntime int64 `json:"cpu_rt_quota"`

	// CpuRtPeriod is the realtime period in microseconds.
	CpuRtPeriod uint64 `json:"cpu_rt_period"`

	// CpusetCpus is the list of CPUs the container may use ("0-2,4").
	CpusetCpus string `json:"cpuset_cpus"`

	// CpusetMems is the list of memory nodes the container may use.
	CpusetMems string `json:"cpuset_mems"`

	// PidsLimit is the maximum number of tasks: 0 leaves the limit as
	// is, a negative value means unlimited ("max").
	PidsLimit int64 `json:"pids_limit"`

	// BlkioWeight is the relative block IO weight (10..1000).
	BlkioWeight uint16 `json:"blkio_weight"`

	// BlkioLeafWeight is the block IO weight of the cgroup's own tasks.
	BlkioLeafWeight uint16 `json:"blkio_leaf_weight"`

	// BlkioWeightDevice are per-device block IO weights.
	BlkioWeightDevice []*WeightDevice `json:"blkio_weight_device"`

	// BlkioThrottleReadBpsDevice are per-device read bytes/s limits.
	BlkioThrottleReadBpsDevice []*ThrottleDevice `json:"blkio_throttle_read_bps_device"`

	// BlkioThrottleWriteBpsDevice are per-device write bytes/s limits.
	BlkioThrottleWriteBpsDevice []*ThrottleDevice `json:"blkio_throttle_write_bps_device"`

	// BlkioThrottleReadIOPSDevice are per-device read IO/s limits.
	BlkioThrottleReadIOPSDevice []*ThrottleDevice `json:"blkio_throttle_read_iops_device"`

	// BlkioThrottleWriteIOPSDevice are per-device write IO/s limits.
	BlkioThrottleWriteIOPSDevice []*ThrottleDevice `json:"blkio_throttle_write_iops_device"`

	// Freezer is the requested freezer state.
	Freezer FreezerState `json:"freezer"`

	// HugetlbLimit are hugetlb limits per page size.
	HugetlbLimit []*HugepageLimit `json:"hugetlb_limit"`

	// OomKillDisable disables the OOM killer for the cgroup (v1 only).
	OomKillDisable bool `json:"oom_kill_disable"`

	// MemorySwappiness is the swappiness (0..100); nil leaves it.
	MemorySwappiness *uint64 `json:"memory_swappiness"`

	// NetPrioIfpriomap are the net_prio interface priorities.
	NetPrioIfpriomap []*IfPrioMap `json:"net_prio_ifpriomap"`

	// NetClsClassid is the net_cls class id. Its JSON key is
	// "net_cls_classid_u".
	NetClsClassid uint32 `json:"net_cls_classid_u"`

	// Rdma holds RDMA limits keyed by device name.
	Rdma map[string]LinuxRdma `json:"rdma"`

	// CpuWeight is the cgroup v2 CPU weight (1..10000).
	CpuWeight uint64 `json:"cpu_weight"`

	// Unified holds raw cgroup v2 file values keyed by file name; it is
	// rejected on cgroup v1.
	Unified map[string]string `json:"unified"`

	// SkipDevices leaves device rules untouched. It is not serialised,
	// and a container cannot be started with it set.
	SkipDevices bool `json:"-"`

	// SkipFreezeOnSet tells the systemd v1 driver not to freeze the
	// container while updating device rules. It is not serialised.
	SkipFreezeOnSet bool `json:"-"`
}
