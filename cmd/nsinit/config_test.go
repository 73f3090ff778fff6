package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/b7f961b7/libcontainer/cmd/internal/defaultconfig"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) // writes container.json and the rootfs
		want    func(dir string) string        // expected resolved rootfs
		wantErr string
	}{
		{
			name: "resolves a relative rootfs against the container directory",
			setup: func(t *testing.T, dir string) {
				mkdir(t, dir, "rootfs")
				writeFile(t, dir, configFile, `{"rootfs":"rootfs"}`)
			},
			want: func(dir string) string { return filepath.Join(dir, "rootfs") },
		},
		{
			name: "resolves symlinks in the rootfs path",
			setup: func(t *testing.T, dir string) {
				mkdir(t, dir, "real")
				if err := os.Symlink("real", filepath.Join(dir, "rootfs")); err != nil {
					t.Fatal(err)
				}
				writeFile(t, dir, configFile, `{"rootfs":"rootfs"}`)
			},
			want: func(dir string) string { return filepath.Join(dir, "real") },
		},
		{
			name: "keeps an absolute rootfs",
			setup: func(t *testing.T, dir string) {
				mkdir(t, dir, "abs")
				writeFile(t, dir, configFile, `{"rootfs":"`+filepath.Join(dir, "abs")+`"}`)
			},
			want: func(dir string) string { return filepath.Join(dir, "abs") },
		},
		{
			name:    "says how to get a config when container.json is missing",
			setup:   func(t *testing.T, dir string) {},
			wantErr: "nsinit spec",
		},
		{
			name:    "names the file when the JSON is malformed",
			setup:   func(t *testing.T, dir string) { writeFile(t, dir, configFile, `{"rootfs":`) },
			wantErr: "decode",
		},
		{
			name:    "rejects an empty rootfs",
			setup:   func(t *testing.T, dir string) { writeFile(t, dir, configFile, `{}`) },
			wantErr: "field rootfs is empty",
		},
		{
			name:    "names a rootfs that does not exist",
			setup:   func(t *testing.T, dir string) { writeFile(t, dir, configFile, `{"rootfs":"nowhere"}`) },
			wantErr: `rootfs "nowhere"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := realTempDir(t)
			tc.setup(t, dir)
			cfg, err := loadConfig(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.want(dir); cfg.Rootfs != want {
				t.Fatalf("rootfs = %q, want %q", cfg.Rootfs, want)
			}
		})
	}
}

func TestWriteConfig(t *testing.T) {
	t.Run("writes a config that loads back", func(t *testing.T) {
		dir := realTempDir(t)
		mkdir(t, dir, "rootfs")
		if err := writeConfig(dir, defaultconfig.Config("rootfs", "nsinit", "/x")); err != nil {
			t.Fatal(err)
		}
		cfg, err := loadConfig(dir)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Hostname != "nsinit" || cfg.Cgroups == nil || cfg.Cgroups.Path != "/x" {
			t.Fatalf("loaded hostname %q cgroups %+v", cfg.Hostname, cfg.Cgroups)
		}
	})
	t.Run("refuses to replace an existing container.json", func(t *testing.T) {
		dir := realTempDir(t)
		writeFile(t, dir, configFile, "keep me")
		err := writeConfig(dir, defaultconfig.Config("rootfs", "nsinit", "/x"))
		if err == nil {
			t.Fatal("no error")
		}
		if data, _ := os.ReadFile(filepath.Join(dir, configFile)); string(data) != "keep me" {
			t.Fatalf("existing file changed to %q", data)
		}
	})
}

func TestSpecCommand(t *testing.T) {
	dir := filepath.Join(realTempDir(t), "box")
	mkdir(t, filepath.Dir(dir), "box")
	mkdir(t, dir, "rootfs")
	t.Chdir(dir)
	if status, err := runSpec(&globals{}, nil); status != 0 || err != nil {
		t.Fatalf("spec: status %d, err %v", status, err)
	}
	cfg, err := loadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cgroups.Path != "/nsinit-box" || cfg.Hostname != "nsinit" {
		t.Fatalf("cgroup path %q hostname %q, want /nsinit-box and nsinit", cfg.Cgroups.Path, cfg.Hostname)
	}
	if status, err := runSpec(&globals{}, nil); status == 0 || err == nil {
		t.Fatal("second spec in the same directory succeeded")
	}
}

// realTempDir returns a symlink-free temporary directory.
func realTempDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func mkdir(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
