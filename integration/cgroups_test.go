package integration

// Container-level cgroup behaviour, checked through the public Container
// API on whatever hierarchy the host has: v1 (or hybrid) here, pure cgroup
// v2 under "make qemu-cgroupv2". Every test name starts with TestCgroups so
// that the qemu run can select them.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/devices"
)

func TestCgroupsMemoryLimitOOMKillsAndNotifies(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Cgroups.Resources.Memory = 32 * mib
	c := newContainer(t, cfg)
	var out bytes.Buffer
	p := &libcontainer.Process{
		// tail keeps the whole newline-free input in memory.
		Args:   []string{"sh", "-c", `tail /dev/zero; echo "tail exited $?"`},
		Env:    standardEnvironment,
		Stdout: &out,
		Stderr: &out,
		Init:   true,
	}
	if err := c.Start(p); err != nil {
		t.Fatal(err)
	}
	oom, err := c.NotifyOOM()
	if err != nil {
		t.Fatalf("NotifyOOM: %v", err)
	}
	if err := c.Exec(); err != nil {
		t.Fatal(err)
	}
	t.Run("the allocator is OOM-killed and NotifyOOM fires", func(t *testing.T) {
		select {
		case _, ok := <-oom:
			if !ok {
				t.Fatal("the OOM channel was closed without an event")
			}
		case <-time.After(60 * time.Second):
			t.Fatal("no OOM notification within 60s")
		}
		if _, err := p.Wait(); err != nil {
			t.Fatalf("init: %v (output %q)", err, out.String())
		}
		if got := strings.TrimSpace(out.String()); !strings.HasSuffix(got, "tail exited 137") {
			t.Fatalf("output %q, want tail killed by SIGKILL (137)", got)
		}
	})
	t.Run("Stats report the limit and the failures", func(t *testing.T) {
		m := mustStats(t, c).CgroupStats.MemoryStats
		if m.Usage.Limit != 32*mib {
			t.Errorf("memory limit %d, want %d", m.Usage.Limit, 32*mib)
		}
		if m.Usage.Failcnt == 0 {
			t.Errorf("failcnt is 0 after an OOM kill: usage %+v, swap %+v", m.Usage, m.SwapUsage)
		}
		if !unified() && m.Usage.MaxUsage < 30*mib {
			t.Errorf("max usage %d, want about the 32 MiB limit", m.Usage.MaxUsage)
		}
		if len(m.Stats) == 0 {
			t.Error("memory stat map is empty")
		}
	})
	t.Run("the OOM channel is closed once the container is destroyed", func(t *testing.T) {
		if err := c.Destroy(); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(10 * time.Second)
		for {
			select {
			case _, ok := <-oom:
				if !ok {
					return
				}
			case <-deadline:
				t.Fatal("the OOM channel is still open 10s after Destroy")
			}
		}
	})
}

func TestCgroupsMemoryPressureNotification(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	if onTmpfs(t, cfg.Rootfs) {
		t.Skipf("skipped: the test rootfs %s is on tmpfs, whose pages cannot be reclaimed without swap, so writing to it builds no reclaim pressure", cfg.Rootfs)
	}
	cfg.Cgroups.Resources.Memory = 32 * mib
	c := newContainer(t, cfg)
	p := &libcontainer.Process{
		// 128 MiB of page cache through a 32 MiB cgroup: reclaim all along.
		Args: []string{"sh", "-c", "dd if=/dev/zero of=/fill bs=1M count=128 2>/dev/null; rm /fill; sleep 1000"},
		Env:  standardEnvironment,
		Init: true,
	}
	if err := c.Start(p); err != nil {
		t.Fatal(err)
	}
	if _, err := c.NotifyMemoryPressure(libcontainer.CriticalPressure + 1); err == nil {
		t.Error("NotifyMemoryPressure accepted a level above CriticalPressure")
	}
	ch, err := c.NotifyMemoryPressure(libcontainer.LowPressure)
	if err != nil {
		t.Fatalf("NotifyMemoryPressure(low): %v", err)
	}
	if err := c.Exec(); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatal("the pressure channel was closed without an event")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no low-pressure notification within 60s of writing 128 MiB through a 32 MiB cgroup")
	}
}

func TestCgroupsPidsLimitBoundsAForkLoop(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Cgroups.Resources.PidsLimit = 20
	c, _ := startLongRunning(t, cfg)
	out, code := execIn(t, c, "sh", "-c", "i=0; while [ $i -lt 60 ]; do sleep 1000 >/dev/null 2>&1 & i=$((i+1)); done; echo all forked")
	if code == 0 || strings.Contains(out, "all forked") {
		t.Fatalf("60 forks under pids.max 20 all worked: exit %d, output %q", code, out)
	}
	if !strings.Contains(out, "fork") {
		t.Errorf("the shell's error does not mention fork: %q", out)
	}
	pids, err := c.Processes()
	if err != nil {
		t.Fatal(err)
	}
	if len(pids) > 20 || len(pids) < 10 {
		t.Errorf("%d processes in the container, want between 10 and the limit of 20", len(pids))
	}
	ps := mustStats(t, c).CgroupStats.PidsStats
	if ps.Limit != 20 || ps.Current > 20 || ps.Current < 10 {
		t.Errorf("pids stats %+v, want limit 20 and current between 10 and 20", ps)
	}
}

func TestCgroupsCPUQuotaThrottles(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Cgroups.Resources.CpuQuota = 20000 // 20% of one CPU
	cfg.Cgroups.Resources.CpuPeriod = 100000
	c, _ := startLongRunning(t, cfg, "sh", "-c", "while :; do :; done")
	// measure returns the CPU share used and the periods throttled over d.
	measure := func(d time.Duration) (float64, uint64) {
		s0, t0 := mustStats(t, c).CgroupStats.CpuStats, time.Now()
		time.Sleep(d)
		s1, t1 := mustStats(t, c).CgroupStats.CpuStats, time.Now()
		share := float64(s1.CpuUsage.TotalUsage-s0.CpuUsage.TotalUsage) / float64(t1.Sub(t0).Nanoseconds())
		return share, s1.ThrottlingData.ThrottledPeriods - s0.ThrottlingData.ThrottledPeriods
	}
	time.Sleep(200 * time.Millisecond)
	t.Run("a busy loop gets no more than its quota and is throttled", func(t *testing.T) {
		share, throttled := measure(time.Second)
		t.Logf("CPU share %.3f, throttled periods %d", share, throttled)
		if share <= 0 || share > 0.3 {
			t.Errorf("CPU share %.3f, want above 0 and about 0.2 (at most 0.3)", share)
		}
		if throttled == 0 {
			t.Errorf("no period throttled in a second")
		}
		st := mustStats(t, c).CgroupStats.CpuStats.ThrottlingData
		if st.Periods == 0 || st.ThrottledTime == 0 {
			t.Errorf("throttling data %+v, want periods and throttled time", st)
		}
	})
	t.Run("Set lifts the quota live and throttling stops", func(t *testing.T) {
		if err := c.Set(configWithResources(c, func(r *configs.Resources) { r.CpuQuota = -1 })); err != nil {
			t.Fatal(err)
		}
		want := "-1"
		got := readCgroupFile(t, c, "cpu", "cpu.cfs_quota_us", "cpu.max")
		if unified() {
			want = "max 100000"
		}
		if got != want {
			t.Fatalf("quota file %q after Set, want %q", got, want)
		}
		time.Sleep(200 * time.Millisecond)
		share, throttled := measure(time.Second)
		t.Logf("CPU share %.3f, throttled periods %d", share, throttled)
		if throttled > 1 {
			t.Errorf("%d periods throttled after the quota was lifted", throttled)
		}
	})
}

func TestCgroupsDeviceRules(t *testing.T) {
	requireRoot(t)
	const script = `head -c1 /dev/zero >/dev/null 2>&1 && echo open:ok || echo open:denied
mknod /tmp/zero c 1 5 2>/dev/null && echo mknod:ok || echo mknod:denied
head -c1 /dev/urandom >/dev/null && echo control:ok`
	// Without the wildcard "m" rules and the rule of /dev/zero (1:5).
	noZero := func(r *devices.Rule) bool {
		return isDev(1, 5)(r) || r.Major == devices.Wildcard
	}
	for _, tc := range []struct {
		name string
		drop func(*devices.Rule) bool
		want string
	}{
		{"a device allowed by the rules can be opened and made", nil, "open:ok mknod:ok control:ok"},
		{"a device denied by the rules can neither be opened nor made", noZero, "open:denied mknod:denied control:ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newTemplateConfig(t)
			if tc.drop != nil {
				cfg.Cgroups.Resources.Devices = withoutRules(cfg.Cgroups.Resources.Devices, tc.drop)
			}
			got := strings.Join(strings.Fields(mustRun(t, cfg, "sh", "-c", script)), " ")
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("Set changes the device rules of a running container", func(t *testing.T) {
		c, _ := startLongRunning(t, newTemplateConfig(t))
		open := func() int {
			_, code := execIn(t, c, "head", "-c1", "/dev/zero")
			return code
		}
		if code := open(); code != 0 {
			t.Fatalf("/dev/zero not readable before Set: exit %d", code)
		}
		deny := configWithResources(c, func(r *configs.Resources) { r.Devices = withoutRules(r.Devices, isDev(1, 5)) })
		if err := c.Set(deny); err != nil {
			t.Fatal(err)
		}
		if code := open(); code == 0 {
			t.Fatal("/dev/zero still readable after Set removed its rule")
		}
		allow := configWithResources(c, func(r *configs.Resources) {
			r.Devices = append(r.Devices, &devices.Rule{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true})
		})
		if err := c.Set(allow); err != nil {
			t.Fatal(err)
		}
		if code := open(); code != 0 {
			t.Fatalf("/dev/zero not readable after Set allowed it again: exit %d", code)
		}
	})
}

func TestCgroupsPauseAndResume(t *testing.T) {
	requireRoot(t)
	c, p, count := startCounter(t, newTemplateConfig(t))
	// stopped checks the counter does not move for 300 ms.
	stopped := func(t *testing.T) {
		t.Helper()
		a := count.Load()
		time.Sleep(300 * time.Millisecond)
		if b := count.Load(); b != a {
			t.Fatalf("counter moved from %d to %d while paused", a, b)
		}
	}
	resumed := func(t *testing.T) {
		t.Helper()
		a := count.Load()
		eventually(t, 10*time.Second, "the counter moves again", func() bool { return count.Load() > a })
	}
	status := func(t *testing.T, want libcontainer.Status) {
		t.Helper()
		if st, err := c.Status(); err != nil || st != want {
			t.Fatalf("status %s (%v), want %s", st, err, want)
		}
	}
	t.Run("Pause freezes the counter and Status reports paused", func(t *testing.T) {
		if err := c.Pause(); err != nil {
			t.Fatal(err)
		}
		status(t, libcontainer.Paused)
		stopped(t)
		want, got := "FROZEN", readCgroupFile(t, c, "freezer", "freezer.state", "cgroup.freeze")
		if unified() {
			want = "1"
		}
		if got != want {
			t.Errorf("freezer file %q, want %q", got, want)
		}
		if oci, _ := c.OCIState(); oci == nil || oci.Status != "paused" {
			t.Errorf("OCI state %+v, want paused", oci)
		}
	})
	t.Run("a paused container refuses another pause, exec and destroy", func(t *testing.T) {
		if err := c.Pause(); !errors.Is(err, libcontainer.ErrNotRunning) {
			t.Errorf("second Pause: %v, want ErrNotRunning", err)
		}
		err := c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment})
		if !errors.Is(err, libcontainer.ErrPaused) {
			t.Errorf("exec into a paused container: %v, want ErrPaused", err)
		}
		if err := c.Destroy(); !errors.Is(err, libcontainer.ErrPaused) {
			t.Errorf("Destroy of a paused container: %v, want ErrPaused", err)
		}
	})
	t.Run("Resume thaws the counter and Status reports running", func(t *testing.T) {
		if err := c.Resume(); err != nil {
			t.Fatal(err)
		}
		status(t, libcontainer.Running)
		resumed(t)
		if err := c.Resume(); !errors.Is(err, libcontainer.ErrNotPaused) {
			t.Errorf("second Resume: %v, want ErrNotPaused", err)
		}
	})
	t.Run("Set with a frozen freezer state pauses and with thawed resumes", func(t *testing.T) {
		if err := c.Set(configWithResources(c, func(r *configs.Resources) { r.Freezer = configs.Frozen })); err != nil {
			t.Fatal(err)
		}
		status(t, libcontainer.Paused)
		stopped(t)
		if err := c.Set(configWithResources(c, func(r *configs.Resources) { r.Freezer = configs.Thawed })); err != nil {
			t.Fatal(err)
		}
		status(t, libcontainer.Running)
		resumed(t)
	})
	t.Run("SIGKILL reaches a paused init", func(t *testing.T) {
		if err := c.Pause(); err != nil {
			t.Fatal(err)
		}
		if err := c.Signal(unix.SIGKILL, false); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _, _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the paused init did not die of SIGKILL within 10s")
		}
		status(t, libcontainer.Stopped)
	})
}

func TestCgroupsPauseACreatedContainer(t *testing.T) {
	requireRoot(t)
	c := newContainer(t, newTemplateConfig(t))
	if err := c.Start(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		do   func() error
		want libcontainer.Status
	}{{c.Pause, libcontainer.Paused}, {c.Resume, libcontainer.Created}} {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		if st, _ := c.Status(); st != step.want {
			t.Fatalf("status %s, want %s", st, step.want)
		}
	}
}

func TestCgroupsSetUpdatesLimitsLiveAndPersistsThem(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Cgroups.Resources.Memory = 64 * mib
	cfg.Cgroups.Resources.PidsLimit = 20
	f := newFactory(t)
	c, err := f.Create(containerID(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroyContainer(t, c) })
	p := &libcontainer.Process{Args: []string{"sleep", "1000"}, Env: standardEnvironment, Init: true}
	if err := c.Run(p); err != nil {
		t.Fatal(err)
	}
	memFile := func() string {
		return readCgroupFile(t, c, "memory", "memory.limit_in_bytes", "memory.max")
	}
	forkLoop := []string{"sh", "-c", "i=0; while [ $i -lt 40 ]; do sleep 1000 >/dev/null 2>&1 & i=$((i+1)); done; echo all forked"}
	t.Run("before Set the pids limit stops a fork loop", func(t *testing.T) {
		if out, code := execIn(t, c, forkLoop...); code == 0 {
			t.Fatalf("40 forks worked under pids.max 20: %q", out)
		}
	})
	t.Run("Set raises the memory and pids limits live", func(t *testing.T) {
		err := c.Set(configWithResources(c, func(r *configs.Resources) {
			r.Memory = 128 * mib
			r.PidsLimit = 200
		}))
		if err != nil {
			t.Fatal(err)
		}
		if got := memFile(); got != strconv.Itoa(128*mib) {
			t.Errorf("memory limit file %q, want %d", got, 128*mib)
		}
		if got := readCgroupFile(t, c, "pids", "pids.max", "pids.max"); got != "200" {
			t.Errorf("pids.max %q, want 200", got)
		}
		if out, code := execIn(t, c, forkLoop...); code != 0 || !strings.Contains(out, "all forked") {
			t.Fatalf("fork loop after raising pids.max: exit %d, %q", code, out)
		}
	})
	t.Run("Load from state.json shows the new limits", func(t *testing.T) {
		l, err := f.Load(c.ID())
		if err != nil {
			t.Fatal(err)
		}
		r := l.Config().Cgroups.Resources
		if r.Memory != 128*mib || r.PidsLimit != 200 {
			t.Fatalf("loaded limits memory %d pids %d, want %d and 200", r.Memory, r.PidsLimit, 128*mib)
		}
		if ps := mustStats(t, l).CgroupStats.PidsStats; ps.Limit != 200 {
			t.Fatalf("loaded container's pids stats %+v, want limit 200", ps)
		}
	})
	t.Run("a failing Set names the bad value and changes neither the kernel nor state.json", func(t *testing.T) {
		err := c.Set(configWithResources(c, func(r *configs.Resources) {
			r.Memory = 256 * mib
			r.HugetlbLimit = []*configs.HugepageLimit{{Pagesize: "3MB", Limit: mib}}
		}))
		if err == nil || !strings.Contains(err.Error(), `"3MB"`) {
			t.Fatalf("Set with a bad hugetlb page size: %v, want an error naming \"3MB\"", err)
		}
		if got := memFile(); got != strconv.Itoa(128*mib) {
			t.Errorf("memory limit file %q after the failed Set, want the old %d", got, 128*mib)
		}
		l, err := f.Load(c.ID())
		if err != nil {
			t.Fatal(err)
		}
		if r := l.Config().Cgroups.Resources; r.Memory != 128*mib || len(r.HugetlbLimit) != 0 {
			t.Errorf("state.json changed by the failed Set: memory %d, hugetlb %v", r.Memory, r.HugetlbLimit)
		}
	})
	t.Run("Set on a stopped container is ErrNotRunning", func(t *testing.T) {
		if err := c.Signal(unix.SIGKILL, false); err != nil {
			t.Fatal(err)
		}
		_, _ = p.Wait()
		if err := c.Set(c.Config()); !errors.Is(err, libcontainer.ErrNotRunning) {
			t.Fatalf("Set: %v, want ErrNotRunning", err)
		}
	})
}

func TestCgroupsStatsFollowTheWorkload(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Cgroups.Resources.Memory = 256 * mib
	host := fmt.Sprintf("lcst%d", os.Getpid()%100000)
	cfg.Networks = append(cfg.Networks, &configs.Network{Type: "veth", Name: "eth0", HostInterfaceName: host, Mtu: 1500})
	// A file to read back from disk: written, synced and dropped from the
	// page cache on the host.
	big := filepath.Join(cfg.Rootfs, "big")
	writeFile(t, big, strings.Repeat("x", 8*mib))
	if f, err := os.Open(big); err == nil {
		_ = f.Sync()
		_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
		f.Close()
	}
	// A generous read limit on the rootfs disk: v1 kernels account
	// blkio.throttle bytes only on queues that have throttling set up.
	disk, diskErr := wholeDiskOf(cfg.Rootfs)
	if diskErr == nil {
		cfg.Cgroups.Resources.BlkioThrottleReadBpsDevice = []*configs.ThrottleDevice{
			configs.NewThrottleDevice(int64(unix.Major(disk)), int64(unix.Minor(disk)), 1<<30),
		}
	}
	c, _ := startLongRunning(t, cfg)
	// Until the init has exec'd sleep its Go threads count as pids.
	eventually(t, 10*time.Second, "only the init's sleep is left", func() bool {
		return mustStats(t, c).CgroupStats.PidsStats.Current == 1
	})
	before := mustStats(t, c).CgroupStats
	out, code := execIn(t, c, "sh", "-c", `head -c 20m /dev/zero > /dev/shm/fill
cat /big > /dev/null
i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done
sleep 1000 >/dev/null 2>&1 &
sleep 1000 >/dev/null 2>&1 &
echo ok`)
	if code != 0 {
		t.Fatalf("workload: exit %d, %q", code, out)
	}
	st := mustStats(t, c)
	after := st.CgroupStats
	t.Run("memory usage grows with the 20 MiB the workload keeps in shm", func(t *testing.T) {
		b, a := before.MemoryStats, after.MemoryStats
		if a.Usage.Usage < b.Usage.Usage+16*mib {
			t.Errorf("memory usage %d -> %d, want +16 MiB at least", b.Usage.Usage, a.Usage.Usage)
		}
		if a.Stats["shmem"] < 16*mib {
			t.Errorf("memory stat shmem %d, want at least 16 MiB (stat map %v)", a.Stats["shmem"], a.Stats)
		}
		if a.Usage.Limit != 256*mib {
			t.Errorf("memory limit %d, want %d", a.Usage.Limit, 256*mib)
		}
		if !unified() && a.Usage.MaxUsage < a.Usage.Usage {
			t.Errorf("max usage %d below usage %d", a.Usage.MaxUsage, a.Usage.Usage)
		}
		if a.SwapUsage.Limit == 0 {
			t.Errorf("swap usage %+v has no limit", a.SwapUsage)
		}
	})
	t.Run("the pid count grows with the processes left running", func(t *testing.T) {
		if after.PidsStats.Current < before.PidsStats.Current+2 {
			t.Errorf("pids %d -> %d, want +2", before.PidsStats.Current, after.PidsStats.Current)
		}
	})
	t.Run("cpu usage grows with the loop", func(t *testing.T) {
		b, a := before.CpuStats.CpuUsage, after.CpuStats.CpuUsage
		if a.TotalUsage <= b.TotalUsage || a.UsageInUsermode+a.UsageInKernelmode == 0 {
			t.Errorf("cpu usage %+v -> %+v, want it to grow", b, a)
		}
		// v1.1 reports cpuset stats for cgroup v1 only.
		if !unified() && len(after.CPUSetStats.CPUs) == 0 {
			t.Errorf("cpuset stats %+v list no CPU", after.CPUSetStats)
		}
	})
	t.Run("block reads grow with the file read from disk", func(t *testing.T) {
		if diskErr != nil {
			t.Skipf("skipped: the test rootfs is on no block device: %v", diskErr)
		}
		read := func(s *cgroups.Stats) uint64 {
			var n uint64
			for _, e := range s.BlkioStats.IoServiceBytesRecursive {
				if strings.EqualFold(e.Op, "read") {
					n += e.Value
				}
			}
			return n
		}
		if read(after) < read(before)+4*mib {
			t.Errorf("bytes read %d -> %d, want +4 MiB (entries %v)", read(before), read(after), after.BlkioStats.IoServiceBytesRecursive)
		}
	})
	t.Run("hugetlb stats have an entry per page size", func(t *testing.T) {
		for _, size := range cgroups.HugePageSizes() {
			if _, ok := after.HugetlbStats[size]; !ok {
				t.Errorf("no hugetlb stats for %s: %v", size, after.HugetlbStats)
			}
		}
	})
	t.Run("network stats count the veth traffic from the container side", func(t *testing.T) {
		// Bringing eth0 up sends IPv6 neighbour discovery and MLD
		// packets on the link by itself.
		eventually(t, 15*time.Second, "the veth counts packets", func() bool {
			ifs := mustStats(t, c).Interfaces
			return len(ifs) == 1 && ifs[0].TxPackets > 0
		})
		if ifs := mustStats(t, c).Interfaces; ifs[0].Name != host {
			t.Errorf("interface %q, want %q", ifs[0].Name, host)
		}
	})
}

func TestCgroupsNamespaceAndMount(t *testing.T) {
	requireRoot(t)
	const script = `cat /proc/self/cgroup; echo --
awk '$2 ~ "^/sys/fs/cgroup" {print $2, $3, $4}' /proc/self/mounts; echo --
for d in /sys/fs/cgroup /sys/fs/cgroup/memory; do [ -d $d ] && mkdir $d/probe 2>/dev/null && echo "mkdir in $d worked"; done; echo --
readlink /proc/self/ns/cgroup`
	hostNS, err := os.Readlink("/proc/self/ns/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		cgroupns bool
	}{
		{"with a cgroup namespace the container sees its cgroup as / and a read-only cgroup mount", true},
		{"without a cgroup namespace the container sees its full cgroup path", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withMounts(t, &configs.Mount{
				Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup",
				Flags: defaultMountFlags | unix.MS_RDONLY | unix.MS_RELATIME,
			})
			if tc.cgroupns {
				cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWCGROUP})
			}
			parts := strings.Split(mustRun(t, cfg, "sh", "-c", script), "--\n")
			if len(parts) != 4 {
				t.Fatalf("unexpected output %q", parts)
			}
			for _, line := range strings.Split(strings.TrimSpace(parts[0]), "\n") {
				f := strings.SplitN(line, ":", 3)
				if len(f) != 3 {
					t.Fatalf("bad /proc/self/cgroup line %q", line)
				}
				if tc.cgroupns && f[2] != "/" {
					t.Errorf("cgroup line %q, want / as the path inside a cgroup namespace", line)
				}
				if !tc.cgroupns && (f[1] == "memory" || (unified() && f[0] == "0")) && f[2] != cfg.Cgroups.Path {
					t.Errorf("cgroup line %q, want the path %s", line, cfg.Cgroups.Path)
				}
			}
			mounts := strings.Split(strings.TrimSpace(parts[1]), "\n")
			if tc.cgroupns {
				wantType := "cgroup"
				if unified() {
					wantType = "cgroup2"
				}
				found := false
				for _, m := range mounts {
					f := strings.Fields(m)
					if !slices.Contains(strings.Split(f[2], ","), "ro") {
						t.Errorf("cgroup mount %q is not read-only", m)
					}
					if (unified() && f[0] == "/sys/fs/cgroup") || (!unified() && f[0] == "/sys/fs/cgroup/memory") {
						found = f[1] == wantType
					}
				}
				if !found {
					t.Errorf("no %s mount for the memory controller in %q", wantType, mounts)
				}
			}
			if s := strings.TrimSpace(parts[2]); s != "" {
				t.Errorf("cgroup mount writable: %s", s)
			}
			if ns := strings.TrimSpace(parts[3]); (ns != hostNS) != tc.cgroupns {
				t.Errorf("container cgroup namespace %s, host %s, want a new one: %v", ns, hostNS, tc.cgroupns)
			}
		})
	}
}

func TestCgroupsDestroyKillsLingeringProcessesInSubCgroups(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	// Without a pid namespace nothing kills the init's leftovers for us.
	cfg.Namespaces.Remove(configs.NEWPID)
	c, p := startLongRunning(t, cfg)
	var out bytes.Buffer
	orphanMaker := &libcontainer.Process{
		Args:           []string{"sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo $!"},
		Env:            standardEnvironment,
		Stdout:         &out,
		SubCgroupPaths: map[string]string{"": "sub"},
	}
	runAndWait(t, c, orphanMaker)
	orphan, err := strconv.Atoi(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("orphan pid %q: %v", out.String(), err)
	}
	t.Cleanup(func() { _ = unix.Kill(orphan, unix.SIGKILL) })
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	for key, dir := range st.CgroupPaths {
		procs := readFile(t, filepath.Join(dir, "sub", "cgroup.procs"))
		if !slices.Contains(strings.Fields(procs), strconv.Itoa(orphan)) {
			t.Errorf("the orphan %d is not in the %q sub-cgroup %s/sub", orphan, key, dir)
		}
	}
	if err := c.Signal(unix.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the init has stopped", func() bool {
		s, _ := c.Status()
		return s == libcontainer.Stopped
	})
	if pids, err := c.Processes(); err != nil || !slices.Contains(pids, orphan) {
		t.Fatalf("Processes after the init died: %v (%v), want the orphan %d", pids, err, orphan)
	}
	if err := c.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	_, _ = p.Wait()
	eventually(t, 10*time.Second, "the orphan is gone", func() bool {
		return unix.Kill(orphan, 0) != nil || procState(orphan) == "Z"
	})
	dirs := cgroupDirsOf(st)
	for _, d := range st.CgroupPaths {
		dirs = append(dirs, filepath.Join(d, "sub"))
	}
	assertGone(t, dirs)
}

// procState returns the state letter of /proc/<pid>/stat ("" if gone).
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+3 <= len(s) {
		return s[i+2 : i+3]
	}
	return ""
}

func TestCgroupsBadLimitsFailClearlyAndLeaveNoCgroup(t *testing.T) {
	requireRoot(t)
	netClsMounted := cgroups.PathExists("/sys/fs/cgroup/net_cls") || cgroups.PathExists("/sys/fs/cgroup/net_cls,net_prio")
	cases := []struct {
		name string
		skip string // why the case does not apply to this host, if it does not
		edit func(*configs.Resources)
		want []string // each must appear in the error
		is   error
	}{
		{
			name: "a cpuset the kernel refuses names cpuset.cpus and the value",
			edit: func(r *configs.Resources) { r.CpusetCpus = "1000-1001" },
			want: []string{"cpuset.cpus", "1000-1001"},
		},
		{
			name: "a cpu quota below the kernel's minimum names the file and the value",
			edit: func(r *configs.Resources) { r.CpuQuota = 500 },
			want: []string{map[bool]string{false: "cpu.cfs_quota_us", true: "cpu.max"}[unified()], "500"},
		},
		{
			name: "a hugetlb page size the host lacks is named",
			edit: func(r *configs.Resources) {
				r.HugetlbLimit = []*configs.HugepageLimit{{Pagesize: "3MB", Limit: mib}}
			},
			want: []string{`"3MB"`},
		},
		{
			name: "a swap limit below the memory limit names the value",
			edit: func(r *configs.Resources) { r.Memory = 64 * mib; r.MemorySwap = 32 * mib },
			want: []string{strconv.Itoa(32 * mib)},
		},
		{
			name: "a net_cls class id without a net_cls hierarchy names the controller",
			skip: map[bool]string{true: "net_cls exists as a controller only on cgroup v1 hosts that mount it"}[unified() || netClsMounted],
			edit: func(r *configs.Resources) { r.NetClsClassid = 0x100001 },
			want: []string{"net_cls"},
		},
		{
			name: "unified keys are refused on a cgroup v1 host",
			skip: map[bool]string{true: "this host is cgroup v2"}[unified()],
			edit: func(r *configs.Resources) { r.Unified = map[string]string{"pids.max": "10"} },
			is:   cgroups.ErrV1NoUnified,
		},
		{
			name: "an unknown unified key names the file",
			skip: map[bool]string{true: "unified keys need a cgroup v2 host"}[!unified()],
			edit: func(r *configs.Resources) { r.Unified = map[string]string{"memory.no_such_file": "1"} },
			want: []string{"memory.no_such_file"},
		},
		{
			name: "a unified value the kernel refuses names the file and the value",
			skip: map[bool]string{true: "unified keys need a cgroup v2 host"}[!unified()],
			edit: func(r *configs.Resources) { r.Unified = map[string]string{"pids.max": "lots"} },
			want: []string{"pids.max", "lots"},
		},
		{
			name: "a unified key with a path names the key",
			skip: map[bool]string{true: "unified keys need a cgroup v2 host"}[!unified()],
			edit: func(r *configs.Resources) { r.Unified = map[string]string{"../pids.max": "1"} },
			want: []string{"../pids.max"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip("skipped: " + tc.skip)
			}
			cfg := newTemplateConfig(t)
			tc.edit(cfg.Cgroups.Resources)
			f := newFactory(t)
			root := f.(*libcontainer.LinuxFactory).Root
			c, err := f.Create(containerID(t), cfg)
			if err == nil {
				// Create does not touch cgroups: the limits are
				// written when the init starts.
				err = c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true})
				if err == nil {
					destroyContainer(t, c)
					t.Fatal("Create and Run succeeded")
				}
				assertNoCgroup(t, cfg)
				if derr := c.Destroy(); derr != nil {
					t.Errorf("Destroy after the failed Run: %v", derr)
				}
			}
			t.Logf("error: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			assertNoCgroup(t, cfg)
			assertGone(t, []string{filepath.Join("/sys/fs/cgroup", cfg.Cgroups.Path)})
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Errorf("state left behind: %v", entries)
			}
		})
	}
}

func TestCgroupsCpusetPinsTheContainer(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Cgroups.Resources.CpusetCpus = "0"
	cfg.Cgroups.Resources.CpusetMems = "0"
	c, _ := startLongRunning(t, cfg)
	allowed := func() string {
		out, code := execIn(t, c, "sh", "-c", "grep Cpus_allowed_list /proc/self/status")
		if code != 0 {
			t.Fatalf("exit %d: %q", code, out)
		}
		return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(out), "Cpus_allowed_list:"))
	}
	if got := allowed(); got != "0" {
		t.Fatalf("a process in the container may run on CPUs %q, want 0", got)
	}
	if got := readCgroupFile(t, c, "cpuset", "cpuset.cpus", "cpuset.cpus"); got != "0" {
		t.Errorf("cpuset.cpus %q, want 0", got)
	}
	if runtime.NumCPU() < 2 {
		t.Skip("skipped: this test process may use one CPU only, so the cpuset cannot be widened to 0-1")
	}
	if err := c.Set(configWithResources(c, func(r *configs.Resources) { r.CpusetCpus = "0-1" })); err != nil {
		t.Fatal(err)
	}
	if got := allowed(); got != "0-1" {
		t.Fatalf("after Set a process may run on CPUs %q, want 0-1", got)
	}
}
