package integration

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
)

// chownFile creates path with content and gives it uid and gid.
func chownFile(t *testing.T, path string, uid, gid int) {
	t.Helper()
	writeFile(t, path, "x")
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// hostBind bind mounts src onto dst on the host for the test's duration.
func hostBind(t *testing.T, src, dst string) {
	t.Helper()
	if err := unix.Mount(src, dst, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount %s on %s: %v", src, dst, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dst, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dst, err)
		}
	})
}

// idmappedBind is a recursive bind of src on /mapped with idm.
func idmappedBind(src string, idm *configs.MountIDMapping) *configs.Mount {
	return &configs.Mount{
		Source: src, Destination: "/mapped", Device: "bind",
		Flags: unix.MS_BIND | unix.MS_REC, IDMapping: idm,
	}
}

func TestIDMappedBindMountInUserNamespace(t *testing.T) {
	requireRoot(t)
	// Host uid 1000 is container root through the mount: the common
	// "give the container a host user's directory" case.
	hostUserAsRoot := []configs.IDMap{{ContainerID: 1000, HostID: 100000, Size: 1}}
	for _, tc := range []struct {
		name     string
		idm      func(t *testing.T) *configs.MountIDMapping
		dirOwner int    // host owner of the mounted directory
		want     string // owners of owned-by-1000 and owned-by-root inside
		newFile  string // host owner of a file the container root writes
	}{
		{
			name: "the container's own mapping shows host ids unchanged inside",
			idm: func(*testing.T) *configs.MountIDMapping {
				return &configs.MountIDMapping{UIDMappings: singleRange, GIDMappings: singleRange}
			},
			dirOwner: 0, want: "1000:1000\n0:0", newFile: "0:0",
		},
		{
			name: "a mapping of host uid 1000 to container root shows that user's files as root's",
			idm: func(*testing.T) *configs.MountIDMapping {
				return &configs.MountIDMapping{UIDMappings: hostUserAsRoot, GIDMappings: hostUserAsRoot}
			},
			dirOwner: 1000, want: "0:0\n65534:65534", newFile: "1000:1000",
		},
		{
			name: "a mapping taken from a user namespace path works like the same mapping given inline",
			idm: func(t *testing.T) *configs.MountIDMapping {
				return &configs.MountIDMapping{UserNSPath: hostUserNS(t, singleRange, true)}
			},
			dirOwner: 0, want: "1000:1000\n0:0", newFile: "0:0",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := t.TempDir()
			if err := os.Chown(host, tc.dirOwner, tc.dirOwner); err != nil {
				t.Fatal(err)
			}
			chownFile(t, filepath.Join(host, "owned-by-1000"), 1000, 1000)
			chownFile(t, filepath.Join(host, "owned-by-root"), 0, 0)
			cfg := usernsConfig(t, singleRange)
			cfg.Mounts = append(cfg.Mounts, idmappedBind(host, tc.idm(t)))
			watchHostMounts(t, cfg.Rootfs, host)
			got := runSh(t, cfg, `stat -c '%u:%g' /mapped/owned-by-1000 /mapped/owned-by-root
echo new > /mapped/new
case ,$(mopts /mapped), in *,idmapped,*) echo idmapped;; *) echo "not idmapped: $(mopts /mapped)";; esac
ls /proc/self/fd | tr '\n' ' '`)
			if want := tc.want + "\nidmapped\n0 1 2 3"; got != want {
				t.Fatalf("inside the container:\n got %q\nwant %q", got, want)
			}
			if owner := ownerOf(t, filepath.Join(host, "new")); owner != tc.newFile {
				t.Fatalf("a file written by container root is owned by %s on the host, want %s", owner, tc.newFile)
			}
		})
	}
}

func TestRecursiveIDMappedBindMount(t *testing.T) {
	requireRoot(t)
	for _, tc := range []struct {
		name      string
		recursive bool
		want      string
	}{
		{name: "a recursive mapping (ridmap) covers a submount", recursive: true, want: "1000:1000\n1000:1000"},
		{name: "a plain mapping (idmap) leaves a submount unmapped", recursive: false, want: "1000:1000\n65534:65534"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top, subSrc := t.TempDir(), t.TempDir()
			if err := os.Chmod(subSrc, 0o755); err != nil {
				t.Fatal(err)
			}
			chownFile(t, filepath.Join(top, "f"), 1000, 1000)
			chownFile(t, filepath.Join(subSrc, "g"), 1000, 1000)
			if err := os.Mkdir(filepath.Join(top, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			hostBind(t, subSrc, filepath.Join(top, "sub"))
			cfg := usernsConfig(t, singleRange)
			cfg.Mounts = append(cfg.Mounts, idmappedBind(top, &configs.MountIDMapping{
				UIDMappings: singleRange, GIDMappings: singleRange, Recursive: tc.recursive,
			}))
			watchHostMounts(t, cfg.Rootfs, top)
			if got := runSh(t, cfg, `stat -c '%u:%g' /mapped/f /mapped/sub/g`); got != tc.want {
				t.Fatalf("owners inside: got %q, want %q", got, tc.want)
			}
		})
	}
}

// requireIDMappedTmpfs skips unless the kernel lets a tmpfs be idmapped
// (Linux 6.3 and later; older kernels refuse with EINVAL).
func requireIDMappedTmpfs(t *testing.T) {
	t.Helper()
	fsfd, err := unix.Fsopen("tmpfs", unix.FSOPEN_CLOEXEC)
	if err != nil {
		t.Fatalf("fsopen tmpfs: %v", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		t.Fatalf("create tmpfs: %v", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("fsmount tmpfs: %v", err)
	}
	defer unix.Close(mfd)
	ns, err := os.Open(hostUserNS(t, singleRange, true))
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(ns.Fd())}
	err = unix.MountSetattr(mfd, "", unix.AT_EMPTY_PATH, attr)
	if errors.Is(err, unix.EINVAL) {
		t.Skip("the kernel refuses idmapped tmpfs (mount_setattr MOUNT_ATTR_IDMAP on a tmpfs: EINVAL); it needs Linux 6.3 or later")
	}
	if err != nil {
		t.Fatalf("idmap a tmpfs: %v", err)
	}
}

func TestIDMappedTmpfs(t *testing.T) {
	requireRoot(t)
	requireIDMappedTmpfs(t)
	// Host ids 0-999 are container ids 1000-1999 through the second mount.
	shifted := []configs.IDMap{{ContainerID: 0, HostID: 101000, Size: 1000}}
	cfg := usernsConfig(t, singleRange)
	cfg.Mounts = append(cfg.Mounts,
		&configs.Mount{Source: "tmpfs", Destination: "/same", Device: "tmpfs", Flags: defaultMountFlags, Data: "mode=755",
			IDMapping: &configs.MountIDMapping{UIDMappings: singleRange, GIDMappings: singleRange}},
		&configs.Mount{Source: "tmpfs", Destination: "/shifted", Device: "tmpfs", Flags: defaultMountFlags | unix.MS_RDONLY,
			IDMapping: &configs.MountIDMapping{UIDMappings: shifted, GIDMappings: shifted}},
	)
	got := runSh(t, cfg, `stat -c '%u:%g %a' /same /shifted
echo x > /same/f && stat -c '%u:%g' /same/f
echo "$(mopts /same)" | tr , '\n' | grep -x idmapped
echo "$(mopts /shifted)" | tr , '\n' | grep -x -e idmapped -e ro`)
	if want := "0:0 755\n1000:1000 1777\n0:0\nidmapped\nro\nidmapped"; got != want {
		t.Fatalf("inside the container:\n got %q\nwant %q", got, want)
	}
}

func TestIDMappedMountErrors(t *testing.T) {
	requireRoot(t)
	t.Run("bad id mappings are refused at Create", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			mount *configs.Mount
			want  string
		}{
			{
				name:  "an idmapped bind without mappings",
				mount: idmappedBind(t.TempDir(), &configs.MountIDMapping{}),
				want:  "id_mapping.uid_mappings",
			},
			{
				name: "an idmapped mqueue mount",
				mount: &configs.Mount{Source: "mqueue", Destination: "/mq", Device: "mqueue",
					IDMapping: &configs.MountIDMapping{UIDMappings: singleRange, GIDMappings: singleRange}},
				want: "idmapped mounts are only supported for bind mounts and tmpfs",
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := withMounts(t, tc.mount)
				_, err := newFactory(t).Create(containerID(t), cfg)
				if !errors.Is(err, validate.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Create: %v, want an invalid-config error naming %q", err, tc.want)
				}
			})
		}
	})
	t.Run("a userns_path that is no user namespace fails the start cleanly", func(t *testing.T) {
		cfg := withMounts(t, idmappedBind(t.TempDir(), &configs.MountIDMapping{UserNSPath: "/proc/self/ns/net"}))
		c := newContainer(t, cfg)
		err := c.Run(&libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true})
		if err == nil || !strings.Contains(err.Error(), "not a user namespace") {
			t.Fatalf("Run: %v, want an error saying it is not a user namespace", err)
		}
		if st, err := c.Status(); err != nil || st != libcontainer.Stopped {
			t.Fatalf("status after the failed start: %v, %v; want stopped", st, err)
		}
	})
}
