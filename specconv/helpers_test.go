package specconv

import (
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// newBundle makes a temporary bundle directory holding an empty "rootfs"
// directory, makes it the current directory for the test, and returns its
// path.
func newBundle(t *testing.T) string {
	t.Helper()
	bundle := t.TempDir()
	if err := os.Mkdir(filepath.Join(bundle, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(bundle)
	// The current directory as the process sees it (TempDir may sit
	// behind a symlink).
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return cwd
}

// minimalSpec is a spec with only a relative root and an empty linux
// section.
func minimalSpec() *specs.Spec {
	return &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: "rootfs"},
		Linux:   &specs.Linux{},
	}
}

func ptr[T any](v T) *T { return &v }
