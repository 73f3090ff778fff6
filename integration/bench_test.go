package integration

import (
	"testing"

	"github.com/b7f961b7/libcontainer"
)

// BenchmarkLifecycle measures create, run "true", wait and destroy of a
// container with mount, uts, ipc, pid and net namespaces and a cgroup: the
// path an engine takes for every container. The rootfs is shared (read-only)
// across iterations so that its copy is not measured.
func BenchmarkLifecycle(b *testing.B) {
	requireRoot(b)
	cfg := newTemplateConfig(b)
	cfg.Readonlyfs = true
	f := newFactory(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := f.Create("bench", cfg)
		if err != nil {
			b.Fatal(err)
		}
		p := &libcontainer.Process{Args: []string{"true"}, Env: standardEnvironment, Init: true}
		if err := c.Run(p); err != nil {
			b.Fatal(err)
		}
		if _, err := p.Wait(); err != nil {
			b.Fatal(err)
		}
		if err := c.Destroy(); err != nil {
			b.Fatal(err)
		}
	}
}
