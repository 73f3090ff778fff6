package utils

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// escapeTree builds a temp dir with a canary directory "outside" and a
// container root "root" holding symlinks that try to leave the root:
//
//	root/rel  -> ../../outside        (relative, climbs above root)
//	root/deep -> ../../../../../../../../outside
//	root/abs  -> <tmp>/outside        (absolute host path)
//	root/outside/secret = "inside"    (where rel and deep must land)
//	<tmp>/outside/secret = "host"     (must never be reached)
func escapeTree(t *testing.T) (root, outside string) {
	t.Helper()
	tmp := t.TempDir()
	root = filepath.Join(tmp, "root")
	outside = filepath.Join(tmp, "outside")
	for _, d := range []string{outside, filepath.Join(root, "outside")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret"), "host")
	write(filepath.Join(root, "outside", "secret"), "inside")
	links := map[string]string{
		"rel":  "../../outside",
		"deep": "../../../../../../../../outside",
		"abs":  outside,
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

// assertOutsideUntouched fails unless the canary dir still holds only the
// file "secret" with content "host".
func assertOutsideUntouched(t *testing.T, outside string) {
	t.Helper()
	entries, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "secret" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("outside dir now holds %v, want only [secret]", names)
	}
	if data, _ := os.ReadFile(filepath.Join(outside, "secret")); string(data) != "host" {
		t.Errorf("outside secret = %q, want host", data)
	}
}

// resolutionModes runs fn once with openat2 and once with the securejoin
// fallback forced.
func resolutionModes(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	t.Run("with openat2", fn)
	t.Run("with the securejoin fallback", func(t *testing.T) {
		old := openat2Unsupported.Load()
		openat2Unsupported.Store(true)
		defer openat2Unsupported.Store(old)
		fn(t)
	})
}

func TestOpenInRoot(t *testing.T) {
	resolutionModes(t, func(t *testing.T) {
		root, outside := escapeTree(t)
		readIn := func(t *testing.T, path string) (string, error) {
			t.Helper()
			f, err := OpenInRoot(root, path, unix.O_RDONLY)
			if err != nil {
				return "", err
			}
			defer f.Close()
			if !isCloexec(t, f.Fd()) {
				t.Error("returned file is not close-on-exec")
			}
			data, err := io.ReadAll(f)
			return string(data), err
		}
		t.Run("a relative symlink climbing out of root stays inside", func(t *testing.T) {
			if got, err := readIn(t, "rel/secret"); err != nil || got != "inside" {
				t.Errorf("read = %q, %v; want inside", got, err)
			}
		})
		t.Run("a symlink with many dotdots stays inside", func(t *testing.T) {
			if got, err := readIn(t, "/deep/secret"); err != nil || got != "inside" {
				t.Errorf("read = %q, %v; want inside", got, err)
			}
		})
		t.Run("dotdot in the path itself stays inside", func(t *testing.T) {
			if got, err := readIn(t, "../../../outside/secret"); err != nil || got != "inside" {
				t.Errorf("read = %q, %v; want inside", got, err)
			}
		})
		t.Run("an absolute symlink is resolved against root", func(t *testing.T) {
			got, err := readIn(t, "abs/secret")
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("read = %q, %v; want not-exist (host path looked up inside root)", got, err)
			}
		})
		t.Run("a host path under root is accepted", func(t *testing.T) {
			if got, err := readIn(t, filepath.Join(root, "outside/secret")); err != nil || got != "inside" {
				t.Errorf("read = %q, %v; want inside", got, err)
			}
		})
		t.Run("O_CREAT through an escaping symlink creates inside root", func(t *testing.T) {
			f, err := OpenInRoot(root, "rel/created", unix.O_CREAT|unix.O_WRONLY|unix.O_EXCL)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			if _, err := os.Stat(filepath.Join(root, "outside", "created")); err != nil {
				t.Errorf("file not created inside root: %v", err)
			}
		})
		t.Run("O_CREAT on an escaping dangling symlink never creates outside", func(t *testing.T) {
			if err := os.Symlink("../../outside/dangling", filepath.Join(root, "dangle")); err != nil {
				t.Fatal(err)
			}
			f, err := OpenInRoot(root, "dangle", unix.O_CREAT|unix.O_WRONLY)
			if err == nil {
				f.Close()
			}
		})
		assertOutsideUntouched(t, outside)
	})
}

func TestMkdirAllInRoot(t *testing.T) {
	resolutionModes(t, func(t *testing.T) {
		root, outside := escapeTree(t)
		tests := []struct {
			name, path, wantInside string
		}{
			{"through a relative escaping symlink", "rel/a/b", "outside/a/b"},
			{"through a deep escaping symlink", "/deep/c", "outside/c"},
			{"through an absolute symlink", "abs/d", strings.TrimPrefix(filepath.Join(outside, "d"), "/")},
			{"with dotdot in the path", "../../../x/y", "x/y"},
			{"given as a host path under root", filepath.Join(root, "z"), "z"},
		}
		for _, tt := range tests {
			t.Run("creates "+tt.path+" inside root "+tt.name, func(t *testing.T) {
				if err := MkdirAllInRoot(root, tt.path, 0o755); err != nil {
					t.Fatal(err)
				}
				st, err := os.Stat(filepath.Join(root, tt.wantInside))
				if err != nil || !st.IsDir() {
					t.Errorf("stat %s inside root: %v", tt.wantInside, err)
				}
			})
		}
		t.Run("the open variant returns a handle to the new directory", func(t *testing.T) {
			dir, err := MkdirAllInRootOpen(root, "rel/h/i", 0o700)
			if err != nil {
				t.Fatal(err)
			}
			defer dir.Close()
			link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(dir.Fd())))
			if want := filepath.Join(root, "outside/h/i"); err != nil || link != want {
				t.Errorf("handle points at %q, %v; want %q", link, err, want)
			}
		})
		t.Run("mode bits above 0o7777 are refused", func(t *testing.T) {
			err := MkdirAllInRoot(root, "m", 0o10755)
			if err == nil || !strings.Contains(err.Error(), "outside 0o7777") {
				t.Errorf("err = %v, want mode error", err)
			}
			if _, err := os.Lstat(filepath.Join(root, "m")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("directory created despite bad mode: %v", err)
			}
		})
		t.Run("a file in the way is an error", func(t *testing.T) {
			if err := MkdirAllInRoot(root, "outside/secret/sub", 0o755); err == nil {
				t.Error("mkdir below a regular file succeeded")
			}
		})
		assertOutsideUntouched(t, outside)
	})
}

func TestWithProcfd(t *testing.T) {
	resolutionModes(t, func(t *testing.T) {
		root, outside := escapeTree(t)
		t.Run("an escaping symlink resolves to the object inside root", func(t *testing.T) {
			var link string
			err := WithProcfd(root, "rel/secret", func(procfd string) error {
				if !strings.HasPrefix(procfd, "/proc/self/fd/") {
					t.Errorf("procfd = %q, want /proc/self/fd/N", procfd)
				}
				var err error
				link, err = os.Readlink(procfd)
				return err
			})
			if want := filepath.Join(root, "outside/secret"); err != nil || link != want {
				t.Errorf("fn saw %q, %v; want %q", link, err, want)
			}
		})
		t.Run("a root given through a symlink works", func(t *testing.T) {
			viaLink := filepath.Join(t.TempDir(), "rootlink")
			if err := os.Symlink(root, viaLink); err != nil {
				t.Fatal(err)
			}
			if err := WithProcfd(viaLink, "/deep/secret", func(string) error { return nil }); err != nil {
				t.Errorf("WithProcfd via symlinked root: %v", err)
			}
		})
		t.Run("the error of fn is returned", func(t *testing.T) {
			sentinel := errors.New("from fn")
			if err := WithProcfd(root, "outside", func(string) error { return sentinel }); !errors.Is(err, sentinel) {
				t.Errorf("err = %v, want fn's error", err)
			}
		})
		t.Run("a missing path is an error and fn is not called", func(t *testing.T) {
			err := WithProcfd(root, "abs/secret", func(string) error {
				t.Error("fn called for a path that does not exist inside root")
				return nil
			})
			if !errors.Is(err, os.ErrNotExist) {
				t.Errorf("err = %v, want not-exist", err)
			}
		})
		assertOutsideUntouched(t, outside)
	})
}

func TestEnsureProcHandle(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		wantErr bool
	}{
		{"a file on procfs is accepted", "/proc/self/status", false},
		{"a file on another filesystem is refused", os.Args[0], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			err = EnsureProcHandle(f)
			if (err != nil) != tt.wantErr {
				t.Errorf("EnsureProcHandle(%s) = %v, want error %v", tt.path, err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "not on procfs") {
				t.Errorf("error %q does not say not on procfs", err)
			}
		})
	}
}

func TestOpenInRootMagicLinks(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: mounts a procfs inside the test root")
	}
	resolutionModes(t, func(t *testing.T) {
		root, outside := escapeTree(t)
		procDir := filepath.Join(root, "proc")
		if err := os.Mkdir(procDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := unix.Mount("proc", procDir, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			t.Fatalf("mount proc on %s: %v", procDir, err)
		}
		t.Cleanup(func() {
			if err := unix.Unmount(procDir, unix.MNT_DETACH); err != nil {
				t.Errorf("unmount %s: %v", procDir, err)
			}
		})
		if err := os.Symlink("/proc/self/root", filepath.Join(root, "magic")); err != nil {
			t.Fatal(err)
		}
		hostSecret := strings.TrimPrefix(filepath.Join(outside, "secret"), "/")
		for name, path := range map[string]string{
			"proc/self/root":               "proc/self/root/" + hostSecret,
			"a symlink to /proc/self/root": "magic/" + hostSecret,
		} {
			t.Run("the magic link "+name+" never reaches the host", func(t *testing.T) {
				f, err := OpenInRoot(root, path, unix.O_RDONLY)
				if err != nil {
					return // refused: fine
				}
				defer f.Close()
				data, _ := io.ReadAll(f)
				if string(data) == "host" {
					t.Fatalf("OpenInRoot(%q) read the host file through a magic link", path)
				}
				link, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
				if !IsLexicallyInRoot(root, link) {
					t.Errorf("OpenInRoot(%q) opened %s, outside the root", path, link)
				}
			})
		}
	})
}
