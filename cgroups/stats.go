package cgroups

// ThrottlingData holds CFS bandwidth throttling counters.
type ThrottlingData struct {
	// Periods is the number of enforcement periods that elapsed.
	Periods uint64 `json:"periods,omitempty"`
	// ThrottledPeriods is the number of periods in which the group was throttled.
	ThrottledPeriods uint64 `json:"throttled_periods,omitempty"`
	// ThrottledTime is the total time the group was throttled, in nanoseconds.
	ThrottledTime uint64 `json:"throttled_time,omitempty"`
}

// CpuUsage holds CPU time counters, all in nanoseconds.
type CpuUsage struct {
	// TotalUsage is the total CPU time consumed.
	TotalUsage uint64 `json:"total_usage,omitempty"`
	// PercpuUsage is the CPU time consumed per CPU.
	PercpuUsage []uint64 `json:"percpu_usage,omitempty"`
	// PercpuUsageInKernelmode is the kernel-mode CPU time per CPU.
	PercpuUsageInKernelmode []uint64 `json:"percpu_usage_in_kernelmode"`
	// PercpuUsageInUsermode is the user-mode CPU time per CPU.
	PercpuUsageInUsermode []uint64 `json:"percpu_usage_in_usermode"`
	// UsageInKernelmode is the CPU time spent in kernel mode.
	UsageInKernelmode uint64 `json:"usage_in_kernelmode"`
	// UsageInUsermode is the CPU time spent in user mode.
	UsageInUsermode uint64 `json:"usage_in_usermode"`
}

// CpuStats groups CPU usage and throttling statistics.
type CpuStats struct {
	CpuUsage       CpuUsage       `json:"cpu_usage,omitempty"`
	ThrottlingData ThrottlingData `json:"throttling_data,omitempty"`
}

// CPUSetStats holds the cpuset configuration and counters of a cgroup.
type CPUSetStats struct {
	// CPUs lists the CPUs the cgroup may run on.
	CPUs []uint16 `json:"cpus,omitempty"`
	// CPUExclusive is 1 when the CPUs are exclusive to the cgroup.
	CPUExclusive uint64 `json:"cpu_exclusive"`
	// Mems lists the memory nodes the cgroup may allocate from.
	Mems []uint16 `json:"mems,omitempty"`
	// MemHardwall is 1 when kernel allocations are restricted to Mems.
	MemHardwall uint64 `json:"mem_hardwall"`
	// MemExclusive is 1 when the memory nodes are exclusive to the cgroup.
	MemExclusive uint64 `json:"mem_exclusive"`
	// MemoryMigrate is 1 when pages move with tasks changing Mems.
	MemoryMigrate uint64 `json:"memory_migrate"`
	// MemorySpreadPage is 1 when page cache is spread over Mems.
	MemorySpreadPage uint64 `json:"memory_spread_page"`
	// MemorySpreadSlab is 1 when slab caches are spread over Mems.
	MemorySpreadSlab uint64 `json:"memory_spread_slab"`
	// MemoryPressure is the recent rate of direct reclaim.
	MemoryPressure uint64 `json:"memory_pressure"`
	// SchedLoadBalance is 1 when load balancing across CPUs is on.
	SchedLoadBalance uint64 `json:"sched_load_balance"`
	// SchedRelaxDomainLevel is the searching range of load balancing.
	SchedRelaxDomainLevel int64 `json:"sched_relax_domain_level"`
}

// MemoryData holds the usage counters of one kind of memory.
type MemoryData struct {
	Usage    uint64 `json:"usage,omitempty"`
	MaxUsage uint64 `json:"max_usage,omitempty"`
	Failcnt  uint64 `json:"failcnt"`
	Limit    uint64 `json:"limit"`
}

// PageStats holds a page count, in total and per NUMA node.
type PageStats struct {
	Total uint64           `json:"total,omitempty"`
	Nodes map[uint8]uint64 `json:"nodes,omitempty"`
}

// PageUsageByNUMAInner holds page counts by kind.
type PageUsageByNUMAInner struct {
	Total       PageStats `json:"total,omitempty"`
	File        PageStats `json:"file,omitempty"`
	Anon        PageStats `json:"anon,omitempty"`
	Unevictable PageStats `json:"unevictable,omitempty"`
}

// PageUsageByNUMA holds the page counts of memory.numa_stat, for the cgroup
// itself (inlined) and hierarchically.
type PageUsageByNUMA struct {
	PageUsageByNUMAInner
	Hierarchical PageUsageByNUMAInner `json:"hierarchical,omitempty"`
}

// MemoryStats holds the memory statistics of a cgroup.
type MemoryStats struct {
	// Cache is the page cache in bytes.
	Cache uint64 `json:"cache,omitempty"`
	// Usage is the memory usage (v1: includes cache).
	Usage MemoryData `json:"usage,omitempty"`
	// SwapUsage is memory plus swap usage (v1 memsw).
	SwapUsage MemoryData `json:"swap_usage,omitempty"`
	// SwapOnlyUsage is swap usage alone (v2).
	SwapOnlyUsage MemoryData `json:"swap_only_usage,omitempty"`
	// KernelUsage is kernel memory usage.
	KernelUsage MemoryData `json:"kernel_usage,omitempty"`
	// KernelTCPUsage is kernel TCP buffer usage.
	KernelTCPUsage MemoryData `json:"kernel_tcp_usage,omitempty"`
	// PageUsageByNUMA holds per-NUMA-node page counts.
	PageUsageByNUMA PageUsageByNUMA `json:"page_usage_by_numa,omitempty"`
	// UseHierarchy reports whether v1 hierarchical accounting is on.
	UseHierarchy bool `json:"use_hierarchy"`
	// Stats holds the raw key/value pairs of memory.stat.
	Stats map[string]uint64 `json:"stats,omitempty"`
}

// PidsStats holds the process count and limit of a cgroup.
type PidsStats struct {
	// Current is the number of tasks in the cgroup.
	Current uint64 `json:"current,omitempty"`
	// Limit is the task limit; 0 means unlimited.
	Limit uint64 `json:"limit,omitempty"`
}

// BlkioStatEntry is one line of a block I/O statistics file.
type BlkioStatEntry struct {
	Major uint64 `json:"major,omitempty"`
	Minor uint64 `json:"minor,omitempty"`
	Op    string `json:"op,omitempty"`
	Value uint64 `json:"value,omitempty"`
}

// BlkioStats holds the block I/O statistics of a cgroup.
type BlkioStats struct {
	IoServiceBytesRecursive []BlkioStatEntry `json:"io_service_bytes_recursive,omitempty"`
	IoServicedRecursive     []BlkioStatEntry `json:"io_serviced_recursive,omitempty"`
	IoQueuedRecursive       []BlkioStatEntry `json:"io_queue_recursive,omitempty"`
	IoServiceTimeRecursive  []BlkioStatEntry `json:"io_service_time_recursive,omitempty"`
	IoWaitTimeRecursive     []BlkioStatEntry `json:"io_wait_time_recursive,omitempty"`
	IoMergedRecursive       []BlkioStatEntry `json:"io_merged_recursive,omitempty"`
	IoTimeRecursive         []BlkioStatEntry `json:"io_time_recursive,omitempty"`
	SectorsRecursive        []BlkioStatEntry `json:"sectors_recursive,omitempty"`
}

// HugetlbStats holds the usage of one huge page size.
type HugetlbStats struct {
	Usage    uint64 `json:"usage,omitempty"`
	MaxUsage uint64 `json:"max_usage,omitempty"`
	Failcnt  uint64 `json:"failcnt"`
}

// RdmaEntry holds the RDMA limits or usage of one device.
type RdmaEntry struct {
	Device     string `json:"device,omitempty"`
	HcaHandles uint32 `json:"hca_handles,omitempty"`
	HcaObjects uint32 `json:"hca_objects,omitempty"`
}

// RdmaStats holds the RDMA limits and current usage of a cgroup.
type RdmaStats struct {
	RdmaLimit   []RdmaEntry `json:"rdma_limit,omitempty"`
	RdmaCurrent []RdmaEntry `json:"rdma_current,omitempty"`
}

// Stats is the full set of statistics a cgroup manager reports.
type Stats struct {
	CpuStats    CpuStats    `json:"cpu_stats,omitempty"`
	CPUSetStats CPUSetStats `json:"cpuset_stats,omitempty"`
	MemoryStats MemoryStats `json:"memory_stats,omitempty"`
	PidsStats   PidsStats   `json:"pids_stats,omitempty"`
	BlkioStats  BlkioStats  `json:"blkio_stats,omitempty"`
	// HugetlbStats is keyed by page size ("2MB", "1GB", ...).
	HugetlbStats map[string]HugetlbStats `json:"hugetlb_stats,omitempty"`
	RdmaStats    RdmaStats               `json:"rdma_stats,omitempty"`
}

// NewStats returns an empty Stats with its maps allocated.
func NewStats() *Stats {
	return &Stats{
		MemoryStats:  MemoryStats{Stats: make(map[string]uint64)},
		HugetlbStats: make(map[string]HugetlbStats),
	}
}
