package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPidFile(t *testing.T) {
	t.Run("reads back the pid it wrote", func(t *testing.T) {
		dir := t.TempDir()
		if err := writePidFile(dir, 4242); err != nil {
			t.Fatal(err)
		}
		pid, ok, err := readPidFile(dir)
		if err != nil || !ok || pid != 4242 {
			t.Fatalf("got %d, %v, %v", pid, ok, err)
		}
	})
	t.Run("reports a missing file as absent, not as an error", func(t *testing.T) {
		pid, ok, err := readPidFile(t.TempDir())
		if err != nil || ok || pid != 0 {
			t.Fatalf("got %d, %v, %v", pid, ok, err)
		}
	})
	t.Run("rejects content that is not a positive number", func(t *testing.T) {
		for _, content := range []string{"", "abc", "-3", "0"} {
			dir := t.TempDir()
			writeFile(t, dir, pidFileName, content)
			if _, _, err := readPidFile(dir); err == nil || !strings.Contains(err.Error(), "not a process id") {
				t.Errorf("content %q: error = %v", content, err)
			}
		}
	})
	t.Run("removes the file and tolerates its absence", func(t *testing.T) {
		dir := t.TempDir()
		if err := writePidFile(dir, 1); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := removePidFile(dir); err != nil {
				t.Fatalf("remove #%d: %v", i+1, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, pidFileName)); !os.IsNotExist(err) {
			t.Fatalf("pid file still there: %v", err)
		}
	})
	t.Run("leaves no temporary files behind", func(t *testing.T) {
		dir := t.TempDir()
		if err := writePidFile(dir, 7); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Fatalf("directory holds %d entries, want only the pid file", len(entries))
		}
	})
}

func TestProcessAlive(t *testing.T) {
	if !processAlive(os.Getpid()) {
		t.Error("own process reported dead")
	}
	// The largest pid the kernel can hand out is 4194304; this one never exists.
	if processAlive(1 << 30) {
		t.Error("impossible pid reported alive")
	}
}
