package specconv

import (
	"fmt"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

// createHooks converts the spec hooks into command hooks. A hook path must
// be absolute and a timeout, when given, positive (seconds).
func createHooks(sh *specs.Hooks) (configs.Hooks, error) {
	hooks := configs.Hooks{}
	if sh == nil {
		return hooks, nil
	}
	lists := []struct {
		name configs.HookName
		list []specs.Hook
	}{
		{configs.Prestart, sh.Prestart},
		{configs.CreateRuntime, sh.CreateRuntime},
		{configs.CreateContainer, sh.CreateContainer},
		{configs.StartContainer, sh.StartContainer},
		{configs.Poststart, sh.Poststart},
		{configs.Poststop, sh.Poststop},
	}
	for _, l := range lists {
		for i, h := range l.list {
			cmd, err := createCommand(h)
			if err != nil {
				return nil, fmt.Errorf("hooks.%s[%d]: %w", l.name, i, err)
			}
			hooks[l.name] = append(hooks[l.name], configs.NewCommandHook(cmd))
		}
	}
	return hooks, nil
}

// createCommand converts one spec hook.
func createCommand(h specs.Hook) (configs.Command, error) {
	if !filepath.IsAbs(h.Path) {
		return configs.Command{}, fmt.Errorf("path %q is not absolute", h.Path)
	}
	cmd := configs.Command{Path: h.Path, Args: h.Args, Env: h.Env}
	if h.Timeout != nil {
		if *h.Timeout <= 0 {
			return configs.Command{}, fmt.Errorf("timeout %d must be greater than zero", *h.Timeout)
		}
		d := time.Duration(*h.Timeout) * time.Second
		cmd.Timeout = &d
	}
	return cmd, nil
}
