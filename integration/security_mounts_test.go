package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// Regression tests for the mount-related CVEs of
// /work/shared/reference/security-cases.md §1. Every test also checks that
// the host's mount table did not change under the rootfs or the canaries
// (oracle O2) and, where a canary directory outside the rootfs exists,
// that it kept exactly its contents (oracle O1).

// newCanary makes a directory outside the rootfs holding one marker file
// and checks, when the test ends, that it still holds exactly that.
func newCanary(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "canary")
	writeFile(t, filepath.Join(dir, "marker"), "canary")
	t.Cleanup(func() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Errorf("canary %s: %v", dir, err)
			return
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{"marker"}) {
			t.Errorf("canary %s outside the rootfs gained entries: %q", dir, names)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "marker")); err != nil || string(b) != "canary" {
			t.Errorf("canary marker changed: %q, %v", b, err)
		}
	})
	return dir
}

// replaceWithSymlink replaces the rootfs entry rel with a symlink to target.
func replaceWithSymlink(t *testing.T, rootfs, rel, target string) {
	t.Helper()
	p := filepath.Join(rootfs, rel)
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// mustFailClosed runs the config and requires Run to fail with an error
// containing want.
func mustFailClosed(t *testing.T, cfg *configs.Config, want string) {
	t.Helper()
	res, err := runContainer(t, cfg, "sh", "-c", "echo started")
	if err == nil {
		t.Fatalf("the container started (stdout %q); want a failure containing %q", res.Stdout, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
	if strings.Contains(res.Stdout, "started") {
		t.Fatalf("the container process ran although Run failed")
	}
}

// withoutMountsUnder drops the template's mounts at or below dest.
func withoutMountsUnder(cfg *configs.Config, dest string) {
	cfg.Mounts = slices.DeleteFunc(cfg.Mounts, func(m *configs.Mount) bool {
		return m.Destination == dest || strings.HasPrefix(m.Destination, dest+"/")
	})
}

// TestProcAndSysSymlinksFailClosed covers CVE-2019-19921, CVE-2023-27561,
// CVE-2023-28642 (and youki CVE-2025-54867): proc and sysfs are only ever
// mounted on real directories.
func TestProcAndSysSymlinksFailClosed(t *testing.T) {
	requireRoot(t)
	for _, dir := range []string{"proc", "sys"} {
		for _, target := range []string{"/evil", "../evil", "canary"} {
			for _, variant := range []string{"with the usual masked paths", "without masked paths", "with an allowed bind inside /proc"} {
				t.Run("/"+dir+" -> "+target+" "+variant, func(t *testing.T) {
					canary := newCanary(t)
					cfg := newTemplateConfig(t)
					if err := os.MkdirAll(filepath.Join(cfg.Rootfs, "evil"), 0o755); err != nil {
						t.Fatal(err)
					}
					link := target
					if target == "canary" {
						link = "../../../../../../../../../.." + canary
					}
					replaceWithSymlink(t, cfg.Rootfs, dir, link)
					switch variant {
					case "without masked paths":
						cfg.MaskPaths, cfg.ReadonlyPaths = nil, nil
					case "with an allowed bind inside /proc":
						meminfo := filepath.Join(t.TempDir(), "meminfo")
						writeFile(t, meminfo, "MemTotal: 1 kB\n")
						cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: meminfo, Destination: "/proc/meminfo", Device: "bind", Flags: unix.MS_BIND})
					}
					watchHostMounts(t, cfg.Rootfs, canary)
					mustFailClosed(t, cfg, "must be mounted on ordinary directory")
					if entries, _ := os.ReadDir(filepath.Join(cfg.Rootfs, "evil")); len(entries) != 0 {
						t.Fatalf("the symlink target inside the rootfs got entries: %v", entries)
					}
				})
			}
		}
	}
}

// TestDevNullFailsClosed covers CVE-2025-31133: masking binds /dev/null
// only after checking, through the handle that is mounted, that it is the
// null device; a symlink there is never followed.
func TestDevNullFailsClosed(t *testing.T) {
	requireRoot(t)
	corePattern, err := os.ReadFile("/proc/sys/kernel/core_pattern")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, fakedev string)
	}{
		{
			name: "null is a symlink to core_pattern",
			setup: func(t *testing.T, fakedev string) {
				if err := os.Symlink("/proc/sys/kernel/core_pattern", filepath.Join(fakedev, "null")); err != nil {
					t.Fatal(err)
				}
			},
		},
		{name: "null is missing", setup: func(*testing.T, string) {}},
		{
			name:  "null is a regular file",
			setup: func(t *testing.T, fakedev string) { writeFile(t, filepath.Join(fakedev, "null"), "") },
		},
		{
			name: "null is another character device",
			setup: func(t *testing.T, fakedev string) {
				if err := unix.Mknod(filepath.Join(fakedev, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 5))); err != nil {
					t.Fatal(err)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newTemplateConfig(t)
			fakedev := filepath.Join(cfg.Rootfs, "fakedev")
			if err := os.Mkdir(fakedev, 0o755); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, fakedev)
			writeFile(t, filepath.Join(cfg.Rootfs, "etc/masked"), "secret")
			cfg.MaskPaths = []string{"/etc/masked"}
			withoutMountsUnder(cfg, "/dev")
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: fakedev, Destination: "/dev", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC})
			watchHostMounts(t, cfg.Rootfs)
			mustFailClosed(t, cfg, "/dev/null is invalid")
			if now, err := os.ReadFile("/proc/sys/kernel/core_pattern"); err != nil || string(now) != string(corePattern) {
				t.Fatalf("host core_pattern changed: %q -> %q (%v)", corePattern, now, err)
			}
		})
	}
}

// TestSymlinkedDestinationsStayInsideRootfs covers CVE-2024-45310 and the
// deterministic side of CVE-2021-30465 (and crun CVE-2019-18837):
// destinations reached through symlinks that point out of the rootfs are
// resolved, created and mounted inside it.
func TestSymlinkedDestinationsStayInsideRootfs(t *testing.T) {
	requireRoot(t)
	canary := newCanary(t)
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "file"), "bound file")
	if err := os.Mkdir(filepath.Join(host, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := newTemplateConfig(t)
	// a climbs out with "..", b is an absolute host path.
	if err := os.Symlink("../../../../../../../../../.."+canary, filepath.Join(cfg.Rootfs, "a")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(canary, filepath.Join(cfg.Rootfs, "b")); err != nil {
		t.Fatal(err)
	}
	cfg.Mounts = append(cfg.Mounts,
		&configs.Mount{Source: "tmpfs", Destination: "/a/b/c", Device: "tmpfs", Flags: defaultMountFlags},
		&configs.Mount{Source: filepath.Join(host, "file"), Destination: "/a/f", Device: "bind", Flags: unix.MS_BIND},
		&configs.Mount{Source: "tmpfs", Destination: "/b/x", Device: "tmpfs", Flags: defaultMountFlags},
		&configs.Mount{Source: filepath.Join(host, "dir"), Destination: "/b/y/z", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC},
	)
	watchHostMounts(t, cfg.Rootfs, canary, host)
	got := runSh(t, cfg, `awk '{print $2}' /proc/self/mounts | grep canary; echo $(cat /a/f) $(mtype `+canary+`/b/c)`)
	want := strings.Join([]string{canary + "/b/c", canary + "/f", canary + "/x", canary + "/y/z", "bound file tmpfs"}, "\n")
	if got != want {
		t.Fatalf("mounts inside the container:\n%s\nwant:\n%s", got, want)
	}
	for _, p := range []string{"b/c", "f", "x", "y/z"} {
		if _, err := os.Lstat(filepath.Join(cfg.Rootfs, canary, p)); err != nil {
			t.Errorf("mount point %s was not created inside the rootfs: %v", p, err)
		}
	}
}

// TestDanglingSymlinkDestinationResolvesInside checks that a destination
// reached through dangling symlinks is created where the symlinks lead,
// inside the rootfs.
func TestDanglingSymlinkDestinationResolvesInside(t *testing.T) {
	requireRoot(t)
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "hosts"), "127.0.0.1 bound\n")
	cfg := newTemplateConfig(t)
	replaceWithSymlink(t, cfg.Rootfs, "etc/hosts", "/jump/baz/hosts")
	replaceWithSymlink(t, cfg.Rootfs, "jump", "/tmp/foo/bar")
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: filepath.Join(host, "hosts"), Destination: "/etc/hosts", Device: "bind", Flags: unix.MS_BIND})
	watchHostMounts(t, cfg.Rootfs, host)
	if got := runSh(t, cfg, `cat /etc/hosts; awk '{print $2}' /proc/self/mounts | grep hosts`); got != "127.0.0.1 bound\n/tmp/foo/bar/baz/hosts" {
		t.Fatalf("got %q", got)
	}
	if st, err := os.Lstat(filepath.Join(cfg.Rootfs, "tmp/foo/bar/baz/hosts")); err != nil || !st.Mode().IsRegular() {
		t.Fatalf("the mount point was not created inside the rootfs: %v", err)
	}
}

// TestMountOnTopOfRootfsRefused checks that no mount may cover the rootfs
// itself, directly or through a symlink.
func TestMountOnTopOfRootfsRefused(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct{ name, dest, link string }{
		{name: "the destination is /", dest: "/"},
		{name: "the destination is a symlink to ..", dest: "/up", link: ".."},
		{name: "the destination is a symlink to /", dest: "/slash", link: "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newTemplateConfig(t)
			if tc.link != "" {
				if err := os.Symlink(tc.link, filepath.Join(cfg.Rootfs, tc.dest)); err != nil {
					t.Fatal(err)
				}
			}
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "tmpfs", Destination: tc.dest, Device: "tmpfs"})
			watchHostMounts(t, cfg.Rootfs)
			mustFailClosed(t, cfg, "on the top of rootfs")
		})
	}
}

// TestMountsInsideProcRefused covers CVE-2019-16884 and CVE-2025-52881
// (a): only proc goes on /proc, and inside /proc only the allowlisted
// files may be covered, however the destination is spelled.
func TestMountsInsideProcRefused(t *testing.T) {
	requireRoot(t)
	hostDir := t.TempDir()
	cases := []struct {
		name  string
		link  [2]string // optional rootfs symlink (name, target)
		mount configs.Mount
		want  string
	}{
		{name: "a tmpfs on /proc/self/attr", mount: configs.Mount{Source: "tmpfs", Destination: "/proc/self/attr", Device: "tmpfs"}, want: "inside /proc"},
		{name: "a bind on /proc/sys/kernel", mount: configs.Mount{Source: hostDir, Destination: "/proc/sys/kernel", Device: "bind", Flags: unix.MS_BIND}, want: "inside /proc"},
		{name: "a bind on /proc/sysrq-trigger", mount: configs.Mount{Source: "/dev/null", Destination: "/proc/sysrq-trigger", Device: "bind", Flags: unix.MS_BIND}, want: "inside /proc"},
		{name: "a tmpfs over /proc", mount: configs.Mount{Source: "tmpfs", Destination: "/proc", Device: "tmpfs"}, want: "not of type proc"},
		{name: "a bind of a directory over /proc", mount: configs.Mount{Source: hostDir, Destination: "/proc", Device: "bind", Flags: unix.MS_BIND}, want: "not of type proc"},
		{
			name:  "a tmpfs reaching /proc/self/attr through a symlink to /proc/self",
			link:  [2]string{"x", "/proc/self"},
			mount: configs.Mount{Source: "tmpfs", Destination: "/x/attr", Device: "tmpfs"},
			want:  "inside /proc",
		},
		{
			name:  "a bind reaching /proc/sys/kernel through a relative symlink",
			link:  [2]string{"y", "proc/sys"},
			mount: configs.Mount{Source: hostDir, Destination: "/y/kernel", Device: "bind", Flags: unix.MS_BIND},
			want:  "inside /proc",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			cfg := newTemplateConfig(t)
			if tc.link[0] != "" {
				if err := os.Symlink(tc.link[1], filepath.Join(cfg.Rootfs, tc.link[0])); err != nil {
					t.Fatal(err)
				}
			}
			m := tc.mount
			cfg.Mounts = append(cfg.Mounts, &m)
			watchHostMounts(t, cfg.Rootfs, hostDir)
			mustFailClosed(t, cfg, tc.want)
		})
	}
	t.Run("an allowlisted bind on /proc/meminfo works", func(t *testing.T) {
		meminfo := filepath.Join(t.TempDir(), "meminfo")
		writeFile(t, meminfo, "MemTotal: 42 kB\n")
		cfg := withMounts(t, &configs.Mount{Source: meminfo, Destination: "/proc/meminfo", Device: "bind", Flags: unix.MS_BIND})
		watchHostMounts(t, cfg.Rootfs)
		if got := runSh(t, cfg, `head -1 /proc/meminfo`); got != "MemTotal: 42 kB" {
			t.Fatalf("got %q", got)
		}
	})
}

// TestDevSymlinkFailsClosed covers CVE-2026-41579: with /dev a symlink
// out of the rootfs and no /dev mount, /dev setup must not create or
// remove anything outside.
func TestDevSymlinkFailsClosed(t *testing.T) {
	requireRoot(t)
	for _, rel := range []bool{false, true} {
		name := "an absolute symlink"
		if rel {
			name = "a relative symlink"
		}
		t.Run(name, func(t *testing.T) {
			outside := filepath.Join(t.TempDir(), "outside")
			writeFile(t, filepath.Join(outside, "ptmx"), "marker")
			cfg := newTemplateConfig(t)
			target := outside
			if rel {
				target = "../../../../../../../../../.." + outside
			}
			replaceWithSymlink(t, cfg.Rootfs, "dev", target)
			withoutMountsUnder(cfg, "/dev")
			cfg.MaskPaths = nil
			watchHostMounts(t, cfg.Rootfs, outside)
			mustFailClosed(t, cfg, "/dev must be an ordinary directory")
			entries, err := os.ReadDir(outside)
			if err != nil || len(entries) != 1 || entries[0].Name() != "ptmx" {
				t.Fatalf("the directory outside the rootfs changed: %v, %v", entries, err)
			}
			if b, _ := os.ReadFile(filepath.Join(outside, "ptmx")); string(b) != "marker" {
				t.Fatalf("the outside ptmx changed: %q", b)
			}
		})
	}
}

// TestContainerHoldsNoHostFds checks that rootfs setup leaves no file
// descriptor behind: the container's process sees only its stdio.
func TestContainerHoldsNoHostFds(t *testing.T) {
	requireRoot(t)
	cfg := withMounts(t, &configs.Mount{Source: "tmpfs", Destination: "/data", Device: "tmpfs", Extensions: configs.EXT_COPYUP})
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup", Flags: defaultMountFlags | unix.MS_RDONLY})
	// ls itself opens the directory it lists as fd 3.
	if got := runSh(t, cfg, `ls /proc/self/fd | tr '\n' ' '`); got != "0 1 2 3" {
		t.Fatalf("open fds: %q, want 0 1 2 and ls's own 3", got)
	}
}

// TestCgroupMountIsReadonly covers CVE-2023-25809: a cgroup mount that
// asks for MS_RDONLY is read-only everywhere, with and without a cgroup
// namespace, and the hierarchies are all there.
func TestCgroupMountIsReadonly(t *testing.T) {
	requireRoot(t)
	// Every cgroup-related mount must be read-only and refuse mkdir
	// (CVE-2023-25809); the hierarchies and the hybrid "unified" tree
	// must be there.
	script := `ls /sys/fs/cgroup | tr '\n' ' '; echo
awk '$2 ~ "^/sys/fs/cgroup" && $4 !~ /(^|,)ro(,|$)/ {print "writable:", $2}' /proc/self/mounts
for d in /sys/fs/cgroup /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do mkdir $d/x 2>/dev/null && echo "mkdir in $d worked"; done
cat /sys/fs/cgroup/memory/memory.limit_in_bytes >/dev/null && echo readable`
	for _, tc := range []struct {
		name     string
		cgroupns bool
		fstype   string
	}{
		{name: "without a cgroup namespace the container's cgroups are bound read-only", fstype: "cgroup"},
		{name: "with a cgroup namespace real cgroup filesystems are mounted read-only", cgroupns: true, fstype: "cgroup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withMounts(t, &configs.Mount{
				Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup",
				Flags: defaultMountFlags | unix.MS_RDONLY | unix.MS_RELATIME,
			})
			if tc.cgroupns {
				cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWCGROUP})
			}
			watchHostMounts(t, cfg.Rootfs)
			got := runSh(t, cfg, script+`; echo $(mtype /sys/fs/cgroup) $(mtype /sys/fs/cgroup/memory) $(mtype /sys/fs/cgroup/unified)`)
			lines := strings.Split(got, "\n")
			for _, want := range []string{"cpu", "memory", "pids", "systemd", "unified"} {
				if !slices.Contains(strings.Fields(lines[0]), want) {
					t.Errorf("/sys/fs/cgroup lacks %s: %q", want, lines[0])
				}
			}
			if rest := strings.Join(lines[1:], "\n"); rest != "readable\ntmpfs "+tc.fstype+" cgroup2" {
				t.Errorf("got %q, want every cgroup mount read-only (then \"readable\" and the fs types)", rest)
			}
		})
	}
	t.Run("a cgroup mount without MS_RDONLY stays writable where the kernel allows", func(t *testing.T) {
		cfg := withMounts(t, &configs.Mount{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup", Flags: defaultMountFlags})
		cfg.Mounts[len(cfg.Mounts)-2].Flags &^= unix.MS_RDONLY // /sys itself
		got := runSh(t, cfg, `mopts /sys/fs/cgroup/memory | tr , '\n' | grep -x rw`)
		if got != "rw" {
			t.Fatalf("got %q", got)
		}
	})
}

// TestSymlinkRaceStaysInsideRootfs covers the races of CVE-2021-30465 and
// CVE-2025-52881 (b): while the container starts, a racer on the host
// keeps exchanging a directory on the mount path with a symlink pointing
// out of the rootfs (to a canary) or into /proc/self/attr. Every start
// must either fail or put every mount inside the rootfs and nothing on
// /proc beyond the configured masked and read-only paths.
// LIBCONTAINER_RACE_ITERATIONS sets the number of starts (default 20).
func TestSymlinkRaceStaysInsideRootfs(t *testing.T) {
	requireRoot(t)
	iterations := 20
	if v, err := strconv.Atoi(os.Getenv("LIBCONTAINER_RACE_ITERATIONS")); err == nil && v > 0 {
		iterations = v
	}
	canary := newCanary(t)
	watchHostMounts(t, canary)
	deadline := time.Now().Add(60 * time.Second)
	var started, failed int
	for i := 0; i < iterations && time.Now().Before(deadline); i++ {
		cfg := newTemplateConfig(t)
		vol := filepath.Join(cfg.Rootfs, "vol")
		if err := os.MkdirAll(filepath.Join(vol, "m"), 0o755); err != nil {
			t.Fatal(err)
		}
		target := canary
		if i%2 == 1 {
			target = "../proc/self/attr"
		}
		if err := os.Symlink(target, filepath.Join(vol, "s")); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 10; j++ {
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "tmpfs", Destination: "/vol/m/x" + strconv.Itoa(j), Device: "tmpfs", Flags: defaultMountFlags})
		}
		allowedInProc := append(slices.Clone(cfg.MaskPaths), cfg.ReadonlyPaths...)

		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Swap and swap back, then pause a little: the path is
				// mostly in its original state, so some starts succeed.
				for range 2 {
					_ = unix.Renameat2(unix.AT_FDCWD, filepath.Join(vol, "m"), unix.AT_FDCWD, filepath.Join(vol, "s"), unix.RENAME_EXCHANGE)
				}
				time.Sleep(time.Duration(i%5) * 20 * time.Microsecond)
			}
		}()
		res, err := runContainer(t, cfg, "awk", "{print $2}", "/proc/self/mounts")
		close(stop)
		wg.Wait()
		if err != nil {
			failed++
			continue
		}
		started++
		for _, mp := range strings.Fields(res.Stdout) {
			if strings.HasPrefix(mp, "/proc/") && !slices.Contains(allowedInProc, mp) {
				t.Errorf("iteration %d: a mount landed inside /proc: %s", i, mp)
			}
		}
	}
	t.Logf("%d starts succeeded, %d failed closed", started, failed)
}
