package integration

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// shHelpers are shell functions for the checks run inside containers:
// mtype/mopts print the filesystem type and options of the topmost mount
// at a path, from /proc/self/mounts.
const shHelpers = `mtype() { awk -v d="$1" '$2==d {t=$3} END {print t}' /proc/self/mounts; }
mopts() { awk -v d="$1" '$2==d {o=$4} END {print o}' /proc/self/mounts; }
`

// runSh runs a shell script (with shHelpers) as the container's init and
// returns its stdout; the script must exit 0.
func runSh(t *testing.T, cfg *configs.Config, script string) string {
	t.Helper()
	return strings.TrimSpace(mustRun(t, cfg, "sh", "-c", shHelpers+script))
}

// hostMountsUnder lists the test process's mounts whose mount point is dir
// or lies below it.
func hostMountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var res []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) > 4 && (fields[4] == dir || strings.HasPrefix(fields[4], dir+"/")) {
			res = append(res, s.Text())
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return res
}

// watchHostMounts records the host mounts under each dir now and checks,
// when the test ends, that none appeared or vanished (nothing the
// container did propagated to the host).
func watchHostMounts(t *testing.T, dirs ...string) {
	t.Helper()
	before := map[string][]string{}
	for _, d := range dirs {
		before[d] = hostMountsUnder(t, d)
	}
	t.Cleanup(func() {
		for _, d := range dirs {
			if after := hostMountsUnder(t, d); !slices.Equal(before[d], after) {
				t.Errorf("host mounts under %s changed:\nbefore: %q\nafter:  %q", d, before[d], after)
			}
		}
	})
}

// hostTmpfs mounts a tmpfs of the given size at dir on the host for the
// test's duration.
func hostTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// writeFile writes a test file, creating its directory.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withMounts returns the template config with extra mounts appended.
func withMounts(t *testing.T, mounts ...*configs.Mount) *configs.Config {
	t.Helper()
	cfg := newTemplateConfig(t)
	cfg.Mounts = append(cfg.Mounts, mounts...)
	return cfg
}

func TestFilesystemMounts(t *testing.T) {
	requireRoot(t)
	cases := []struct {
		name   string
		mounts []*configs.Mount
		script string
		want   string
	}{
		{
			name:   "proc is mounted on /proc and shows the container's pid 1",
			script: `echo $(mtype /proc) $(cat /proc/1/comm)`,
			want:   "proc sh",
		},
		{
			name:   "a read-only sysfs refuses writes",
			script: `echo $(mtype /sys); touch /sys/x 2>/dev/null && echo writable || echo refused; mopts /sys | tr , '\n' | grep -x ro`,
			want:   "sysfs\nrefused\nro",
		},
		{
			name: "tmpfs gets its data options",
			mounts: []*configs.Mount{{
				Source: "tmpfs", Destination: "/scratch", Device: "tmpfs",
				Flags: defaultMountFlags, Data: "mode=0710,size=1m",
			}},
			script: `echo $(mtype /scratch) $(stat -c %a /scratch); mopts /scratch | tr , '\n' | grep -E '^(size=1024k|noexec|nosuid|nodev)$' | sort | tr '\n' ' '`,
			want:   "tmpfs 710\nnodev noexec nosuid size=1024k",
		},
		{
			name:   "devpts gets a new instance and /dev/ptmx points into it",
			script: `echo $(mtype /dev/pts) $(readlink /dev/ptmx); ls /dev/pts/ptmx`,
			want:   "devpts pts/ptmx\n/dev/pts/ptmx",
		},
		{
			name:   "mqueue is mounted on /dev/mqueue",
			script: `mtype /dev/mqueue`,
			want:   "mqueue",
		},
		{
			name: "MS_REMOUNT changes the flags of the mount already there",
			mounts: []*configs.Mount{
				{Source: "tmpfs", Destination: "/scratch", Device: "tmpfs", Flags: defaultMountFlags},
				{Source: "tmpfs", Destination: "/scratch", Device: "tmpfs", Flags: unix.MS_REMOUNT | unix.MS_RDONLY},
			},
			script: `touch /scratch/x 2>/dev/null && echo writable || echo refused; mopts /scratch | tr , '\n' | grep -x ro`,
			want:   "refused\nro",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withMounts(t, tc.mounts...)
			watchHostMounts(t, cfg.Rootfs)
			if got := runSh(t, cfg, tc.script); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTmpfsCopyUpAndMode(t *testing.T) {
	requireRoot(t)
	t.Run("copy-up fills the new tmpfs with what the directory held", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		writeFile(t, filepath.Join(cfg.Rootfs, "data/sub/file"), "kept")
		if err := os.Symlink("sub/file", filepath.Join(cfg.Rootfs, "data/link")); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(cfg.Rootfs, "data/sub"), 0o750); err != nil {
			t.Fatal(err)
		}
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{
			Source: "tmpfs", Destination: "/data", Device: "tmpfs",
			Flags: defaultMountFlags, Extensions: configs.EXT_COPYUP,
		})
		watchHostMounts(t, cfg.Rootfs)
		got := runSh(t, cfg, `echo $(mtype /data) $(cat /data/link) $(stat -c %a /data/sub); echo new > /data/new && echo written`)
		if got != "tmpfs kept 750\nwritten" {
			t.Fatalf("got %q", got)
		}
		if _, err := os.Stat(filepath.Join(cfg.Rootfs, "data/new")); !os.IsNotExist(err) {
			t.Fatalf("a file written to the tmpfs reached the rootfs directory: %v", err)
		}
	})
	t.Run("a read-only copy-up tmpfs has the contents and refuses writes", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		writeFile(t, filepath.Join(cfg.Rootfs, "data/file"), "kept")
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{
			Source: "tmpfs", Destination: "/data", Device: "tmpfs",
			Flags: defaultMountFlags | unix.MS_RDONLY, Extensions: configs.EXT_COPYUP,
		})
		got := runSh(t, cfg, `echo $(cat /data/file); touch /data/x 2>/dev/null && echo writable || echo refused`)
		if got != "kept\nrefused" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("without mode= a tmpfs takes the mode of the directory it covers", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		if err := os.Mkdir(filepath.Join(cfg.Rootfs, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(cfg.Rootfs, "data"), 0o751); err != nil {
			t.Fatal(err)
		}
		cfg.Mounts = append(cfg.Mounts,
			&configs.Mount{Source: "tmpfs", Destination: "/data", Device: "tmpfs", Flags: defaultMountFlags},
			&configs.Mount{Source: "tmpfs", Destination: "/fresh", Device: "tmpfs", Flags: defaultMountFlags},
		)
		if got := runSh(t, cfg, `stat -c %a /data /fresh`); got != "751\n1777" {
			t.Fatalf("modes: got %q, want 751 (inherited) and 1777 (tmpfs default for a new directory)", got)
		}
	})
}

func TestBindMounts(t *testing.T) {
	requireRoot(t)
	// A host directory with a file and a tmpfs submount holding another.
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "src/top"), "top")
	hostTmpfs(t, filepath.Join(host, "src/sub"), "1m")
	writeFile(t, filepath.Join(host, "src/sub/inner"), "inner")
	writeFile(t, filepath.Join(host, "file"), "single file")
	src := filepath.Join(host, "src")

	cases := []struct {
		name   string
		mount  *configs.Mount
		script string
		want   string
	}{
		{
			name:   "rbind shows submounts",
			mount:  &configs.Mount{Source: src, Destination: "/b", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC},
			script: `echo $(cat /b/top) $(cat /b/sub/inner); touch /b/sub/w && echo writable`,
			want:   "top inner\nwritable",
		},
		{
			name:   "a non-recursive bind hides submounts",
			mount:  &configs.Mount{Source: src, Destination: "/b", Device: "bind", Flags: unix.MS_BIND},
			script: `echo $(cat /b/top) $(ls /b/sub | wc -l)`,
			want:   "top 0",
		},
		{
			name:   "a read-only rbind is read-only down to its submounts",
			mount:  &configs.Mount{Source: src, Destination: "/b", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY},
			script: `for f in /b/x /b/sub/x; do touch $f 2>/dev/null && echo writable || echo refused; done`,
			want:   "refused\nrefused",
		},
		{
			name: "rec_attr applies attributes to every submount",
			mount: &configs.Mount{
				Source: src, Destination: "/b", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC,
				RecAttr: &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOEXEC},
			},
			script: `touch /b/sub/x 2>/dev/null && echo writable || echo refused; mopts /b/sub | tr , '\n' | grep -E '^(ro|noexec)$' | tr '\n' ' '`,
			want:   "refused\nro noexec",
		},
		{
			name:   "a file is bound onto a file",
			mount:  &configs.Mount{Source: filepath.Join(host, "file"), Destination: "/etc/bound", Device: "bind", Flags: unix.MS_BIND},
			script: `cat /etc/bound; echo; test -f /etc/bound && echo regular`,
			want:   "single file\nregular",
		},
		{
			name: "propagation flags are applied after the bind",
			mount: &configs.Mount{
				Source: src, Destination: "/b", Device: "bind", Flags: unix.MS_BIND,
				PropagationFlags: []int{unix.MS_UNBINDABLE},
			},
			script: `grep ' /b ' /proc/self/mountinfo | grep -o unbindable`,
			want:   "unbindable",
		},
		{
			name:   "the bind's flags are applied",
			mount:  &configs.Mount{Source: src, Destination: "/b", Device: "bind", Flags: unix.MS_BIND | unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV},
			script: `mopts /b | tr , '\n' | grep -E '^(nosuid|nodev|noexec)$' | sort | tr '\n' ' '`,
			want:   "nodev noexec nosuid",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withMounts(t, tc.mount)
			watchHostMounts(t, cfg.Rootfs, host)
			if got := runSh(t, cfg, tc.script); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(host, "src/sub/w")); err != nil {
		t.Errorf("a write through a writable rbind did not reach the host submount: %v", err)
	}
}

func TestOverlayMount(t *testing.T) {
	requireRoot(t)
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "lower/from-lower"), "lower")
	for _, d := range []string{"upper", "work"} {
		if err := os.Mkdir(filepath.Join(host, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg := withMounts(t, &configs.Mount{
		Source: "overlay", Destination: "/ovl", Device: "overlay", Flags: defaultMountFlags,
		Data: "lowerdir=" + filepath.Join(host, "lower") + ",upperdir=" + filepath.Join(host, "upper") + ",workdir=" + filepath.Join(host, "work"),
	})
	watchHostMounts(t, cfg.Rootfs, host)
	if got := runSh(t, cfg, `echo $(mtype /ovl) $(cat /ovl/from-lower); echo up > /ovl/written`); got != "overlay lower" {
		t.Fatalf("got %q", got)
	}
	if b, err := os.ReadFile(filepath.Join(host, "upper/written")); err != nil || string(b) != "up\n" {
		t.Fatalf("the write did not land in the upper dir: %q, %v", b, err)
	}
}

func TestReadonlyRootfs(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Readonlyfs = true
	got := runSh(t, cfg, `for f in /x /etc/x /dev/x /dev/shm/x; do touch $f 2>/dev/null && echo "$f writable" || echo "$f refused"; done; echo hi > /dev/null && echo null-ok`)
	want := "/x refused\n/etc/x refused\n/dev/x writable\n/dev/shm/x writable\nnull-ok"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestReadonlyDev(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Mounts[1].Flags |= unix.MS_RDONLY // the /dev tmpfs
	got := runSh(t, cfg, `touch /dev/x 2>/dev/null && echo writable || echo refused; ls -l /dev/null | cut -c1-10; readlink /dev/fd; readlink /dev/stdin; mopts /dev | tr , '\n' | grep -x ro`)
	if want := "refused\ncrw-rw-rw-\n/proc/self/fd\n/proc/self/fd/0\nro"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestDevices(t *testing.T) {
	requireRoot(t)
	got := runSh(t, newTemplateConfig(t), `stat -c '%n %F %t:%T %a' /dev/null /dev/zero /dev/urandom; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done`)
	want := strings.Join([]string{
		"/dev/null character special file 1:3 666",
		"/dev/zero character special file 1:5 666",
		"/dev/urandom character special file 1:9 666",
		"/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2", "pts/ptmx",
	}, "\n")
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := os.Stat("/proc/kcore"); err == nil {
		if got := runSh(t, newTemplateConfig(t), `readlink /dev/core`); got != "/proc/kcore" {
			t.Fatalf("/dev/core -> %q, want /proc/kcore", got)
		}
	}
}

func TestMaskedPaths(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	writeFile(t, filepath.Join(cfg.Rootfs, "secret/file"), "secret")
	writeFile(t, filepath.Join(cfg.Rootfs, "etc/secret"), "secret")
	cfg.MaskPaths = append(cfg.MaskPaths, "/secret", "/etc/secret", "/does/not/exist")
	watchHostMounts(t, cfg.Rootfs)
	// A masked file is the read-only null device: reads are empty and
	// writes vanish (the kernel lets a device node on a read-only mount be
	// opened for writing); rm and umount are refused.
	got := runSh(t, cfg, `cat /etc/secret | wc -c
echo x > /etc/secret; cat /etc/secret | wc -c; stat -c '%t:%T' /etc/secret; mopts /etc/secret | tr , '\n' | grep -x ro
rm -f /etc/secret 2>/dev/null && echo removed || echo kept
ls -A /secret | wc -l; touch /secret/x 2>/dev/null && echo writable || echo refused
ls /sys/firmware | wc -l; mtype /secret`)
	want := "0\n0\n1:3\nro\nkept\n0\nrefused\n0\ntmpfs"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(cfg.Rootfs, "etc/secret")); err != nil || string(b) != "secret" {
		t.Fatalf("the masked file changed on disk: %q, %v", b, err)
	}
}

func TestReadonlyPaths(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	writeFile(t, filepath.Join(cfg.Rootfs, "data/file"), "x")
	cfg.ReadonlyPaths = append(cfg.ReadonlyPaths, "/data", "/does/not/exist")
	got := runSh(t, cfg, `(echo x > /proc/sys/kernel/hostname) 2>&1 | grep -o 'Read-only file system'
touch /data/new 2>/dev/null && echo writable || echo refused; echo $(cat /data/file)
for p in /proc/sys /data; do mopts $p | tr , '\n' | grep -x ro; done | wc -l`)
	if want := "Read-only file system\nrefused\nx\n2"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
func TestMountCommands(t *testing.T) {
	requireRoot(t)
	t.Run("pre- and post-mount commands run around their mount", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{
			Source: "tmpfs", Destination: "/m", Device: "tmpfs", Flags: defaultMountFlags,
			PremountCmds: []configs.Command{
				{Path: "sh", Args: []string{"-c", "echo pre > " + cfg.Rootfs + "/m-before"}},
				{Path: "sh", Args: []string{"-c", "pwd > " + cfg.Rootfs + "/dir; echo $FOO > " + cfg.Rootfs + "/env"}, Dir: "/tmp", Env: []string{"FOO=bar"}},
			},
			PostmountCmds: []configs.Command{
				{Path: "sh", Args: []string{"-c", "echo post > " + cfg.Rootfs + "/m/after"}},
			},
		})
		got := runSh(t, cfg, `cat /m-before /dir /env /m/after`)
		if got != "pre\n/tmp\nbar\npost" {
			t.Fatalf("got %q", got)
		}
		if _, err := os.Stat(filepath.Join(cfg.Rootfs, "m/after")); !os.IsNotExist(err) {
			t.Fatalf("the post-mount command wrote below the mount, not into it: %v", err)
		}
	})
	t.Run("a failing mount command aborts the start", func(t *testing.T) {
		cfg := newTemplateConfig(t)
		cfg.Mounts = append(cfg.Mounts, &configs.Mount{
			Source: "tmpfs", Destination: "/m", Device: "tmpfs",
			PremountCmds: []configs.Command{{Path: "sh", Args: []string{"-c", "echo boom >&2; exit 3"}}},
		})
		_, err := runContainer(t, cfg, "true")
		if err == nil || !strings.Contains(err.Error(), "premount") || !strings.Contains(err.Error(), "boom") {
			t.Fatalf("want a premount error with the command's output, got %v", err)
		}
	})
}

func TestNoPivotRoot(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.NoPivotRoot = true
	watchHostMounts(t, cfg.Rootfs)
	writeFile(t, filepath.Join(cfg.Rootfs, "marker"), "inside\n")
	if got := runSh(t, cfg, `cat /marker; mtype /proc`); got != "inside\nproc" {
		t.Fatalf("got %q", got)
	}
}

func TestUmask(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name  string
		umask *uint32
		want  string
	}{
		{name: "the default umask is 0022", want: "0022"},
		{name: "a configured umask is applied", umask: func() *uint32 { u := uint32(0o077); return &u }(), want: "0077"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := newTemplateConfig(t)
			cfg.Umask = tc.umask
			if got := runSh(t, cfg, `umask`); got != tc.want {
				t.Fatalf("umask %q, want %q", got, tc.want)
			}
		})
	}
}

// makeReachable opens the test's temporary directories above the rootfs
// to everyone, so a container root mapped to an unprivileged host uid can
// reach its rootfs.
func makeReachable(t *testing.T, rootfs string) {
	t.Helper()
	for d := filepath.Dir(rootfs); d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUserNamespaceRootfs(t *testing.T) {
	requireRoot(t)
	cfg := newTemplateConfig(t)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER})
	cfg.UidMappings = []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	cfg.GidMappings = []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	cfg.Readonlyfs = true
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{Source: "cgroup", Destination: "/sys/fs/cgroup", Device: "cgroup", Flags: defaultMountFlags | unix.MS_RDONLY})
	makeReachable(t, cfg.Rootfs)
	watchHostMounts(t, cfg.Rootfs)
	// Device nodes cannot be created in a user namespace: they are the
	// host's nodes bind mounted.
	got := runSh(t, cfg, `stat -c '%t:%T' /dev/null; mtype /dev/null; echo hi > /dev/null && echo null-ok
touch /x 2>/dev/null && echo writable || echo refused
awk '$2 ~ "^/sys/fs/cgroup" && $4 !~ /(^|,)ro(,|$)/ {print "writable:", $2}' /proc/self/mounts`)
	if want := "1:3\ndevtmpfs\nnull-ok\nrefused"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestIDMappedBindMount(t *testing.T) {
	requireRoot(t)
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "owned-by-root"), "x")
	cfg := withMounts(t, &configs.Mount{
		Source: host, Destination: "/mapped", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC,
		IDMapping: &configs.MountIDMapping{
			UIDMappings: []configs.IDMap{{ContainerID: 0, HostID: 1000, Size: 1}},
			GIDMappings: []configs.IDMap{{ContainerID: 0, HostID: 2000, Size: 1}},
		},
	})
	watchHostMounts(t, cfg.Rootfs, host)
	if got := runSh(t, cfg, `stat -c '%u:%g' /mapped/owned-by-root`); got != "1000:2000" {
		t.Fatalf("owner through the idmapped mount: %q, want 1000:2000", got)
	}
}

func TestRootPropagationKeepsMountsInside(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name        string
		propagation int
		noPivot     bool
	}{
		{name: "the default rslave root"},
		{name: "an rprivate root", propagation: unix.MS_PRIVATE | unix.MS_REC},
		{name: "an rslave root without pivot_root", noPivot: true},
	} {
		t.Run(tc.name+" leaves a shared host mount untouched", func(t *testing.T) {
			// The rootfs lives on a shared mount, so anything mounted
			// below it that was not cut off would show up on the host.
			shared := filepath.Join(t.TempDir(), "shared")
			hostTmpfs(t, shared, "64m")
			if err := unix.Mount("", shared, "", unix.MS_SHARED, ""); err != nil {
				t.Fatal(err)
			}
			cfg := newTemplateConfig(t)
			rootfs := filepath.Join(shared, "rootfs")
			if out, err := exec.Command("cp", "-a", cfg.Rootfs, rootfs).CombinedOutput(); err != nil {
				t.Fatalf("copy rootfs: %v: %s", err, out)
			}
			cfg.Rootfs = rootfs
			cfg.RootPropagation = tc.propagation
			cfg.NoPivotRoot = tc.noPivot
			watchHostMounts(t, shared)
			if got := runSh(t, cfg, `mtype /proc; mtype /dev`); got != "proc\ntmpfs" {
				t.Fatalf("got %q", got)
			}
		})
	}
}
