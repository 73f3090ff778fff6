package libcontainer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
)

// This file runs the PremountCmds and PostmountCmds of a config mount.

// defaultCmdPath is searched for mount commands when no PATH is set (the
// init usually runs with an environment of its own variables only).
const defaultCmdPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// runMountCmds runs mount commands: Path looked up in PATH, Args without
// argv[0], Env nil meaning inherit, Dir honoured, Timeout enforced.
func runMountCmds(kind string, cmds []configs.Command) error {
	for i, c := range cmds {
		path, err := lookMountCmd(c.Path, c.Env)
		if err != nil {
			return fmt.Errorf("%s command #%d: %w", kind, i, err)
		}
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if c.Timeout != nil {
			ctx, cancel = context.WithTimeout(ctx, *c.Timeout)
		}
		cmd := exec.CommandContext(ctx, path, c.Args...)
		cmd.Env = c.Env
		cmd.Dir = c.Dir
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			return fmt.Errorf("%s command #%d (%s): %w: %s", kind, i, c.Path, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// lookMountCmd finds a mount command: a name without a slash is searched
// in the PATH of env (of the init when env is nil), or in defaultCmdPath
// when that is empty; relative PATH entries are skipped.
func lookMountCmd(name string, env []string) (string, error) {
	if name == "" {
		return "", errors.New("empty command path")
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	search := os.Getenv("PATH")
	if env != nil {
		search = ""
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				search = v
			}
		}
	}
	if search == "" {
		search = defaultCmdPath
	}
	for _, dir := range filepath.SplitList(search) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q: executable file not found in PATH %q", name, search)
}
