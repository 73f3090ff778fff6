package integration

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain runs the tests, then removes the empty parent cgroups
// ("/libct-test") under which every test's container cgroup lives.
func TestMain(m *testing.M) {
	code := m.Run()
	dirs, _ := filepath.Glob("/sys/fs/cgroup/*/libct-test")
	for _, d := range dirs {
		_ = os.Remove(d) // fails, harmlessly, if a test left a cgroup behind
	}
	_ = os.Remove("/sys/fs/cgroup/libct-test")
	os.Exit(code)
}
