package integration

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
)

// Id maps used by the user namespace tests: container root is host
// 100000; the multi-range map puts container uid/gid 1000 ("user" in the
// test rootfs) in a second, distant host range.
var (
	singleRange = []configs.IDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	multiRange  = []configs.IDMap{
		{ContainerID: 0, HostID: 100000, Size: 1000},
		{ContainerID: 1000, HostID: 300000, Size: 1000},
	}
)

// usernsConfig is the template config in a new user namespace with maps
// for both uids and gids; the rootfs is owned by the mapped ids (as an
// engine would prepare it) and reachable by them.
func usernsConfig(t *testing.T, maps []configs.IDMap) *configs.Config {
	t.Helper()
	cfg := newTemplateConfig(t)
	cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER})
	cfg.UidMappings = maps
	cfg.GidMappings = maps
	shiftOwnership(t, cfg.Rootfs, maps)
	makeReachable(t, cfg.Rootfs)
	return cfg
}

// shiftOwnership gives every file under dir the host ids its current ids
// map to (ids outside the maps are left alone).
func shiftOwnership(t *testing.T, dir string, maps []configs.IDMap) {
	t.Helper()
	shift := func(id uint32) int {
		for _, m := range maps {
			if int64(id) >= m.ContainerID && int64(id) < m.ContainerID+m.Size {
				return int(m.HostID + int64(id) - m.ContainerID)
			}
		}
		return int(id)
	}
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var st unix.Stat_t
		if err := unix.Lstat(path, &st); err != nil {
			return err
		}
		return os.Lchown(path, shift(st.Uid), shift(st.Gid))
	})
	if err != nil {
		t.Fatalf("shift rootfs ownership: %v", err)
	}
}

// sharedDir is a temp dir anyone may write to, reachable by mapped ids.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	makeReachable(t, filepath.Join(dir, "x"))
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ownerOf returns "uid:gid" of a host file.
func ownerOf(t *testing.T, path string) string {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
}

// execAs runs args in the running container c as user and returns its
// trimmed stdout; it must exit 0.
func execAs(t *testing.T, c libcontainer.Container, user string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	p := &libcontainer.Process{Args: args, Env: standardEnvironment, User: user, Stdout: &out, Stderr: &errb}
	if err := c.Run(p); err != nil {
		t.Fatalf("exec %q: %v", args, err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatalf("exec %q: %v (stderr %q)", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// mapLines renders maps as the kernel prints uid_map (fields only).
func mapLines(maps []configs.IDMap) string {
	var lines []string
	for _, m := range maps {
		lines = append(lines, fmt.Sprintf("%d %d %d", m.ContainerID, m.HostID, m.Size))
	}
	return strings.Join(lines, "\n")
}

// normalizeMap squeezes the blanks of a uid_map/gid_map text.
const normalizeMap = `awk '{print $1, $2, $3}'`

func TestUserNamespaceContainerSeesItselfAsRoot(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name string
		maps []configs.IDMap
	}{
		{"with one id range", singleRange},
		{"with several id ranges", multiRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usernsConfig(t, tc.maps)
			data := sharedDir(t)
			cfg.Mounts = append(cfg.Mounts, &configs.Mount{
				Source: data, Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC,
			})
			got := runSh(t, cfg, `id -u; id -g
`+normalizeMap+` /proc/self/uid_map; echo --; `+normalizeMap+` /proc/self/gid_map; echo --
ps -o user,pid,comm | awk '$2 == 1 {print $1}'
touch /data/by-root && chown 1000:1000 /data/by-root 2>&1`)
			want := "0\n0\n" + mapLines(tc.maps) + "\n--\n" + mapLines(tc.maps) + "\n--\nroot"
			if got != want {
				t.Fatalf("inside the container:\n got %q\nwant %q", got, want)
			}
			host1000 := 100000 + 1000
			if len(tc.maps) > 1 {
				host1000 = 300000
			}
			if o, w := ownerOf(t, filepath.Join(data, "by-root")), fmt.Sprintf("%d:%d", host1000, host1000); o != w {
				t.Errorf("file chowned to 1000:1000 in the container is owned by %s on the host, want %s", o, w)
			}
		})
	}
}

func TestExecIntoUserNamespaceContainer(t *testing.T) {
	requireRoot(t)
	cfg := usernsConfig(t, multiRange)
	data := sharedDir(t)
	cfg.Mounts = append(cfg.Mounts, &configs.Mount{
		Source: data, Destination: "/data", Device: "bind", Flags: unix.MS_BIND | unix.MS_REC,
	})
	c, _ := startLongRunning(t, cfg)
	st, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	initUserNS, err := os.Readlink(st.NamespacePaths[configs.NEWUSER])
	if err != nil {
		t.Fatal(err)
	}
	hostUserNS, _ := os.Readlink("/proc/self/ns/user")
	if initUserNS == hostUserNS {
		t.Fatalf("the init is in the host's user namespace %s", initUserNS)
	}

	t.Run("an exec'd process is root in the container's user namespace", func(t *testing.T) {
		got := execAs(t, c, "", "sh", "-c", "id -u; readlink /proc/self/ns/user; touch /data/by-root")
		if want := "0\n" + initUserNS; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
		if o := ownerOf(t, filepath.Join(data, "by-root")); o != "100000:100000" {
			t.Errorf("file made by container root is owned by %s on the host, want 100000:100000", o)
		}
	})
	t.Run("an exec'd process may run as another mapped user", func(t *testing.T) {
		got := execAs(t, c, "1000:1000", "sh", "-c", "id -u; id -g; touch /data/by-user")
		if got != "1000\n1000" {
			t.Fatalf("ids %q, want 1000 and 1000", got)
		}
		if o := ownerOf(t, filepath.Join(data, "by-user")); o != "300000:300000" {
			t.Errorf("file made by container uid 1000 is owned by %s on the host, want 300000:300000", o)
		}
	})
	t.Run("ps in an exec'd process shows the init as root", func(t *testing.T) {
		got := execAs(t, c, "", "sh", "-c", "ps -o user,pid,comm | awk '$2 == 1 {print $1, $3}'")
		if got != "root sleep" {
			t.Fatalf("ps shows %q for pid 1, want \"root sleep\"", got)
		}
	})
	t.Run("an unmapped user is refused with a clear error", func(t *testing.T) {
		p := &libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, User: "5000"}
		err := c.Run(p)
		if err == nil {
			_, err = p.Wait()
		}
		if err == nil || !strings.Contains(err.Error(), "unmapped user 5000") {
			t.Fatalf("exec as unmapped uid 5000: %v, want an error naming the unmapped user", err)
		}
	})
}

func TestUserNamespaceFilesystems(t *testing.T) {
	requireRoot(t)
	hostNet, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Fatal(err)
	}
	var hostIfs []string
	for _, e := range hostNet {
		hostIfs = append(hostIfs, e.Name())
	}
	for _, tc := range []struct {
		name  string
		netns bool
		ifs   string // what /sys/class/net lists
	}{
		{"with a private network namespace sysfs is mounted fresh", true, "lo"},
		{"in the host network namespace sysfs is a bind mount of the host's", false, strings.Join(hostIfs, " ")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usernsConfig(t, singleRange)
			if !tc.netns {
				var ns configs.Namespaces
				for _, n := range cfg.Namespaces {
					if n.Type != configs.NEWNET {
						ns = append(ns, n)
					}
				}
				cfg.Namespaces = ns
				cfg.Networks = nil
			}
			got := runSh(t, cfg, `mtype /sys; mtype /dev; mtype /dev/mqueue; mtype /dev/pts
mopts /dev/pts | tr , '\n' | grep '^gid='
echo x > /dev/null && head -c 1 /dev/zero | wc -c
touch /dev/mqueue/q && ls /dev/mqueue
echo $(ls /sys/class/net)
touch /sys/x 2>/dev/null && echo sys-writable || echo sys-readonly`)
			// devpts shows its gid= option as the host sees it: container
			// gid 5 (tty) is host gid 100005.
			want := "sysfs\ntmpfs\nmqueue\ndevpts\ngid=100005\n1\nq\n" + tc.ifs + "\nsys-readonly"
			if got != want {
				t.Fatalf("inside the container:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// hostUserNS starts a process in a new user namespace with maps (setgroups
// denied when denySetgroups) and returns the path of its namespace file;
// the process is killed when the test ends.
func hostUserNS(t *testing.T, maps []configs.IDMap, denySetgroups bool) string {
	t.Helper()
	var ids []syscall.SysProcIDMap
	for _, m := range maps {
		ids = append(ids, syscall.SysProcIDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)})
	}
	cmd := exec.Command("sleep", "1000")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER,
		UidMappings:                ids,
		GidMappings:                ids,
		GidMappingsEnableSetgroups: !denySetgroups,
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start a process in a new user namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return fmt.Sprintf("/proc/%d/ns/user", cmd.Process.Pid)
}

func TestJoinUserNamespaceByPath(t *testing.T) {
	requireRoot(t)
	bindNS := func(t *testing.T, nsPath string) string {
		t.Helper()
		target := filepath.Join(t.TempDir(), "userns")
		if err := os.WriteFile(target, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := unix.Mount(nsPath, target, "", unix.MS_BIND, ""); err != nil {
			t.Fatalf("bind mount %s: %v", nsPath, err)
		}
		t.Cleanup(func() { _ = unix.Unmount(target, unix.MNT_DETACH) })
		return target
	}
	for _, tc := range []struct {
		name    string
		maps    []configs.IDMap
		deny    bool
		bind    bool
		setMaps bool
	}{
		{"by its /proc path, maps read back from the namespace", singleRange, false, false, false},
		{"by a bind mount of the namespace file", multiRange, false, true, false},
		{"whose setgroups is denied", singleRange, true, false, false},
		{"with the same maps given in the config", multiRange, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nsPath := hostUserNS(t, tc.maps, tc.deny)
			want, err := os.Readlink(nsPath)
			if err != nil {
				t.Fatal(err)
			}
			if tc.bind {
				nsPath = bindNS(t, nsPath)
			}
			cfg := newTemplateConfig(t)
			cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER, Path: nsPath})
			if tc.setMaps {
				cfg.UidMappings, cfg.GidMappings = tc.maps, tc.maps
			}
			shiftOwnership(t, cfg.Rootfs, tc.maps)
			makeReachable(t, cfg.Rootfs)
			got := runSh(t, cfg, `id -u; readlink /proc/self/ns/user; cat /proc/self/setgroups; `+normalizeMap+` /proc/self/uid_map`)
			setgroups := "allow"
			if tc.deny {
				setgroups = "deny"
			}
			if w := "0\n" + want + "\n" + setgroups + "\n" + mapLines(tc.maps); got != w {
				t.Fatalf("got %q, want %q", got, w)
			}
		})
	}
	t.Run("with other maps in the config is refused", func(t *testing.T) {
		nsPath := hostUserNS(t, singleRange, false)
		cfg := newTemplateConfig(t)
		cfg.Namespaces = append(cfg.Namespaces, configs.Namespace{Type: configs.NEWUSER, Path: nsPath})
		cfg.UidMappings, cfg.GidMappings = multiRange, multiRange
		_, err := newFactory(t).Create(containerID(t), cfg)
		if err == nil || !strings.Contains(err.Error(), "uid_mappings") {
			t.Fatalf("create: %v, want an error about uid_mappings not matching the namespace", err)
		}
	})
}
