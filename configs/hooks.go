package configs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// HookName is the lifecycle point a hook list runs at.
type HookName string

// HookList is the ordered list of hooks for one lifecycle point.
type HookList []Hook

// Hooks maps each lifecycle point to its hooks.
type Hooks map[HookName]HookList

// The lifecycle points.
const (
	// Prestart runs in the runtime's namespaces after the container's
	// namespaces exist and before pivot_root (deprecated by OCI in
	// favour of CreateRuntime).
	Prestart HookName = "prestart"
	// CreateRuntime runs in the runtime's namespaces right after the
	// container's namespaces are created.
	CreateRuntime HookName = "createRuntime"
	// CreateContainer runs inside the container's namespaces before
	// pivot_root.
	CreateContainer HookName = "createContainer"
	// StartContainer runs inside the container just before the user
	// program is executed.
	StartContainer HookName = "startContainer"
	// Poststart runs in the runtime's namespaces once the container is
	// started.
	Poststart HookName = "poststart"
	// Poststop runs in the runtime's namespaces after the container is
	// destroyed.
	Poststop HookName = "poststop"
)

// knownHookNames lists the lifecycle points in execution order.
var knownHookNames = []HookName{Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop}

// KnownHookNames returns the six lifecycle point names, prestart first.
func KnownHookNames() []string {
	names := make([]string, len(knownHookNames))
	for i, n := range knownHookNames {
		names[i] = string(n)
	}
	return names
}

// Hook is anything that can run at a lifecycle point given the container's
// OCI state.
type Hook interface {
	// Run executes the hook and returns its failure, if any.
	Run(*specs.State) error
}

// RunHooks runs the hooks in order and stops at the first failure, which
// it returns as "error running hook #<index>: <cause>".
func (hooks HookList) RunHooks(state *specs.State) error {
	for i, h := range hooks {
		if err := h.Run(state); err != nil {
			return fmt.Errorf("error running hook #%d: %w", i, err)
		}
	}
	return nil
}

// UnmarshalJSON reads a map of lifecycle point to command hooks. Only
// command hooks can be serialised; lists that are empty or null are
// dropped.
func (hooks *Hooks) UnmarshalJSON(b []byte) error {
	var byName map[HookName][]CommandHook
	if err := json.Unmarshal(b, &byName); err != nil {
		return fmt.Errorf("decode hooks: %w", err)
	}
	out := Hooks{}
	for name, list := range byName {
		if len(list) == 0 {
			continue
		}
		hl := make(HookList, 0, len(list))
		for _, h := range list {
			hl = append(hl, h)
		}
		out[name] = hl
	}
	*hooks = out
	return nil
}

// MarshalJSON writes all six lifecycle points (null when a point has no
// command hooks). Hooks that are not command hooks, such as FuncHook,
// cannot be serialised: they are left out with a warning.
func (hooks *Hooks) MarshalJSON() ([]byte, error) {
	out := make(map[HookName][]CommandHook, len(knownHookNames))
	for _, name := range knownHookNames {
		var list []CommandHook
		for _, h := range (*hooks)[name] {
			switch ch := h.(type) {
			case CommandHook:
				list = append(list, ch)
			case *CommandHook:
				list = append(list, *ch)
			default:
				slog.Warn("hook cannot be serialised, leaving it out", "hook", name, "type", fmt.Sprintf("%T", h))
			}
		}
		out[name] = list
	}
	return json.Marshal(out)
}

// FuncHook is a hook that calls a Go function. It works only at lifecycle
// points run by the runtime process (Prestart, CreateRuntime, Poststart,
// Poststop) because it cannot be serialised to the container's init.
type FuncHook struct {
	run func(*specs.State) error
}

// NewFunctionHook returns a hook that calls f.
func NewFunctionHook(f func(*specs.State) error) FuncHook {
	return FuncHook{run: f}
}

// Run calls the hook's function with s.
func (f FuncHook) Run(s *specs.State) error {
	return f.run(s)
}

// Command is an external program run as a hook or as a mount command.
type Command struct {
	// Path is the program to execute. Hooks use it as is (no PATH
	// lookup); mount commands look it up in PATH.
	Path string `json:"path"`
	// Args is the argument vector. For hooks it includes argv[0]; for
	// mount commands it does not.
	Args []string `json:"args"`
	// Env is the environment ("K=V"); nil inherits the caller's.
	Env []string `json:"env"`
	// Dir is the working directory. Hooks ignore it; mount commands
	// honour it.
	Dir string `json:"dir"`
	// Timeout bounds the run time; nil waits forever. In JSON it is an
	// integer number of nanoseconds.
	Timeout *time.Duration `json:"timeout"`
}

// hookPipeGrace is how long Run waits for the hook's output pipes to
// close after the hook exits (or is killed), so that a daemon left
// holding them cannot block the runtime forever.
const hookPipeGrace = 2 * time.Second

// Run executes the command as a hook: s is written to its stdin as JSON,
// and Path is executed with Args and Env. A failure includes the
// program's stdout and stderr. The program runs in a process group of its
// own: when Timeout elapses the whole group is killed (a hook script's
// children too) and the error says "hook ran past specified timeout of
// <n>s".
func (c Command) Run(s *specs.State) error {
	state, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state for hook %s: %w", c.Path, err)
	}
	ctx := context.Background()
	if c.Timeout != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *c.Timeout)
		defer cancel()
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, c.Path)
	// Hooks run Path as given: undo CommandContext's PATH lookup.
	cmd.Path = c.Path
	cmd.Err = nil
	cmd.Args = c.Args
	if len(cmd.Args) == 0 {
		cmd.Args = []string{c.Path}
	}
	cmd.Env = c.Env
	cmd.Stdin = bytes.NewReader(state)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = hookPipeGrace
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

	err = cmd.Run()
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("hook %s: hook ran past specified timeout of %.1fs (stdout: %q, stderr: %q)",
			c.Path, c.Timeout.Seconds(), stdout.String(), stderr.String())
	}
	if errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState != nil && cmd.ProcessState.Success() {
		// The hook succeeded but left a descendant holding its output.
		return nil
	}
	if err != nil {
		return fmt.Errorf("hook %s: %w (stdout: %q, stderr: %q)", c.Path, err, stdout.String(), stderr.String())
	}
	return nil
}

// CommandHook is a hook that runs an external Command; its Run is the
// Command's.
type CommandHook struct {
	Command
}

// NewCommandHook returns a hook that runs cmd.
func NewCommandHook(cmd Command) CommandHook {
	return CommandHook{Command: cmd}
}
