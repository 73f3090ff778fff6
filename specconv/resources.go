package specconv

import (
	"fmt"
	"log/slog"
	"maps"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

// convertResources copies linux.resources into res. Settings configs
// cannot express are refused rather than dropped, except kernel-memory
// limits, which the kernel no longer supports (warning only).
func convertResources(r *specs.LinuxResources, res *configs.Resources) error {
	for i, d := range r.Devices {
		rule, err := createDeviceRule(i, d)
		if err != nil {
			return err
		}
		res.Devices = append(res.Devices, rule)
	}
	if err := convertMemory(r.Memory, res); err != nil {
		return err
	}
	if err := convertCPU(r.CPU, res); err != nil {
		return err
	}
	if r.Pids != nil && r.Pids.Limit != nil {
		// The spec says a limit of 0 or below means no limit; in
		// configs 0 means "leave alone" and a negative value "max".
		res.PidsLimit = *r.Pids.Limit
		if res.PidsLimit <= 0 {
			res.PidsLimit = -1
		}
	}
	convertBlockIO(r.BlockIO, res)
	for _, l := range r.HugepageLimits {
		res.HugetlbLimit = append(res.HugetlbLimit, &configs.HugepageLimit{Pagesize: l.Pagesize, Limit: l.Limit})
	}
	if r.Network != nil {
		if r.Network.ClassID != nil {
			res.NetClsClassid = *r.Network.ClassID
		}
		for _, p := range r.Network.Priorities {
			res.NetPrioIfpriomap = append(res.NetPrioIfpriomap, &configs.IfPrioMap{Interface: p.Name, Priority: int64(p.Priority)})
		}
	}
	if len(r.Rdma) > 0 {
		res.Rdma = make(map[string]configs.LinuxRdma, len(r.Rdma))
		for dev, l := range r.Rdma {
			res.Rdma[dev] = configs.LinuxRdma{HcaHandles: l.HcaHandles, HcaObjects: l.HcaObjects}
		}
	}
	if r.Unified != nil {
		res.Unified = maps.Clone(r.Unified)
	}
	return nil
}

// createDeviceRule converts device cgroup rule i: the type defaults to "a"
// (all), major and minor to the wildcard; access must be a non-empty
// subset of "rwm".
func createDeviceRule(i int, d specs.LinuxDeviceCgroup) (*devices.Rule, error) {
	t := devices.WildcardDevice
	switch d.Type {
	case "", "a":
	case "b":
		t = devices.BlockDevice
	case "c":
		t = devices.CharDevice
	default:
		return nil, fmt.Errorf("linux.resources.devices[%d]: invalid device type %q", i, d.Type)
	}
	if d.Access == "" {
		return nil, fmt.Errorf("linux.resources.devices[%d]: access cannot be empty", i)
	}
	if strings.Trim(d.Access, "rwm") != "" {
		return nil, fmt.Errorf("linux.resources.devices[%d]: invalid access %q (want letters of \"rwm\")", i, d.Access)
	}
	rule := &devices.Rule{
		Type:        t,
		Major:       devices.Wildcard,
		Minor:       devices.Wildcard,
		Permissions: devices.Permissions(d.Access),
		Allow:       d.Allow,
	}
	if d.Major != nil {
		rule.Major = *d.Major
	}
	if d.Minor != nil {
		rule.Minor = *d.Minor
	}
	return rule, nil
}

func convertMemory(m *specs.LinuxMemory, res *configs.Resources) error {
	if m == nil {
		return nil
	}
	if m.Limit != nil {
		res.Memory = *m.Limit
	}
	if m.Reservation != nil {
		res.MemoryReservation = *m.Reservation
	}
	if m.Swap != nil {
		res.MemorySwap = *m.Swap
	}
	if m.Kernel != nil || m.KernelTCP != nil {
		slog.Warn("kernel memory limits (linux.resources.memory.kernel, kernelTCP) are not supported and are ignored")
	}
	if m.Swappiness != nil {
		swappiness := *m.Swappiness
		res.MemorySwappiness = &swappiness
	}
	if m.DisableOOMKiller != nil {
		res.OomKillDisable = *m.DisableOOMKiller
	}
	if m.CheckBeforeUpdate != nil && *m.CheckBeforeUpdate {
		return fmt.Errorf("linux.resources.memory.checkBeforeUpdate is not supported")
	}
	return nil
}

func convertCPU(c *specs.LinuxCPU, res *configs.Resources) error {
	if c == nil {
		return nil
	}
	if c.Burst != nil {
		return fmt.Errorf("linux.resources.cpu.burst is not supported")
	}
	if c.Idle != nil {
		return fmt.Errorf("linux.resources.cpu.idle is not supported")
	}
	if c.Shares != nil {
		res.CpuShares = *c.Shares
		res.CpuWeight = cgroups.ConvertCPUSharesToCgroupV2Value(*c.Shares)
	}
	if c.Quota != nil {
		res.CpuQuota = *c.Quota
	}
	if c.Period != nil {
		res.CpuPeriod = *c.Period
	}
	if c.RealtimeRuntime != nil {
		res.CpuRtRuntime = *c.RealtimeRuntime
	}
	if c.RealtimePeriod != nil {
		res.CpuRtPeriod = *c.RealtimePeriod
	}
	res.CpusetCpus = c.Cpus
	res.CpusetMems = c.Mems
	return nil
}

func convertBlockIO(b *specs.LinuxBlockIO, res *configs.Resources) {
	if b == nil {
		return
	}
	if b.Weight != nil {
		res.BlkioWeight = *b.Weight
	}
	if b.LeafWeight != nil {
		res.BlkioLeafWeight = *b.LeafWeight
	}
	for _, wd := range b.WeightDevice {
		var weight, leaf uint16
		if wd.Weight != nil {
			weight = *wd.Weight
		}
		if wd.LeafWeight != nil {
			leaf = *wd.LeafWeight
		}
		res.BlkioWeightDevice = append(res.BlkioWeightDevice, configs.NewWeightDevice(wd.Major, wd.Minor, weight, leaf))
	}
	res.BlkioThrottleReadBpsDevice = throttleDevices(b.ThrottleReadBpsDevice)
	res.BlkioThrottleWriteBpsDevice = throttleDevices(b.ThrottleWriteBpsDevice)
	res.BlkioThrottleReadIOPSDevice = throttleDevices(b.ThrottleReadIOPSDevice)
	res.BlkioThrottleWriteIOPSDevice = throttleDevices(b.ThrottleWriteIOPSDevice)
}

func throttleDevices(in []specs.LinuxThrottleDevice) []*configs.ThrottleDevice {
	var out []*configs.ThrottleDevice
	for _, td := range in {
		out = append(out, configs.NewThrottleDevice(td.Major, td.Minor, td.Rate))
	}
	return out
}
