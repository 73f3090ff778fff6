package libcontainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups/manager"
	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
)

const stateFilename = "state.json"

// Factory creates containers and loads existing ones.
type Factory interface {
	// Create makes a new container with the given id and config. It
	// validates the config, reserves the id and prepares the cgroup
	// manager; it starts no process (Run or Start does). On error nothing
	// is left behind.
	//
	// A config joining a user namespace by path gets that namespace's id
	// maps (maps it gives must match them). An unprivileged caller must set
	// RootlessEUID; with it only loopback networking is possible, and with
	// RootlessCgroups the Cgroups config (still required; without Path,
	// Name and Parent it is named for the container, below the caller's
	// own cgroup) is left out when the caller may not create it, unless
	// resource limits were asked for, which then fail the start. The
	// container keeps its own copy of a config changed that way.
	Create(id string, config *configs.Config) (Container, error)
	// Load returns the container with the given id, whose state was saved
	// by any process.
	Load(id string) (Container, error)
	// StartInitialization is the container side of a start: it is called
	// by the host binary's "init" entry point and, on success, never
	// returns (it execs the user's program).
	StartInitialization() error
	// Type names the factory: "libcontainer".
	Type() string
}

// LinuxFactory is the factory of this library; its fields are set by New
// and the option functions.
type LinuxFactory struct {
	// Root is the directory holding one state directory per container.
	Root string
	// InitPath is the binary started as the container init. The default,
	// /proc/self/exe, is replaced at start by a sealed in-memory copy of
	// it, made once per process, so that the container can never write the
	// host binary (CVE-2019-5736).
	InitPath string
	// InitArgs are the arguments of the init binary; the default is
	// [os.Args[0], "init"].
	InitArgs []string
	// CriuPath is the criu binary used for checkpoint and restore.
	CriuPath string
	// NewuidmapPath and NewgidmapPath are the setuid helpers used to write
	// the id maps of a rootless container.
	NewuidmapPath string
	NewgidmapPath string
	// Validator checks configs at Create.
	Validator validate.Validator
}

// New returns a factory keeping container state under root (created 0700
// if missing). root may be empty for the container side, which only calls
// StartInitialization.
func New(root string, options ...func(*LinuxFactory) error) (Factory, error) {
	if root != "" {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return nil, fmt.Errorf("create factory root %s: %w", root, err)
		}
	}
	l := &LinuxFactory{
		Root:      root,
		InitPath:  "/proc/self/exe",
		InitArgs:  []string{os.Args[0], "init"},
		Validator: validate.New(),
		CriuPath:  "criu",
	}
	for _, opt := range options {
		if opt == nil {
			continue
		}
		if err := opt(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// InitArgs sets the arguments of the init binary; args[0] is made absolute.
func InitArgs(args ...string) func(*LinuxFactory) error {
	return func(l *LinuxFactory) error {
		if len(args) > 0 {
			if abs, err := filepath.Abs(args[0]); err == nil {
				args[0] = abs
			}
		}
		l.InitArgs = args
		return nil
	}
}

// CriuPath sets the criu binary.
func CriuPath(criupath string) func(*LinuxFactory) error {
	return func(l *LinuxFactory) error {
		l.CriuPath = criupath
		return nil
	}
}

// NewuidmapPath sets the newuidmap binary.
func NewuidmapPath(newuidmapPath string) func(*LinuxFactory) error {
	return func(l *LinuxFactory) error {
		l.NewuidmapPath = newuidmapPath
		return nil
	}
}

// NewgidmapPath sets the newgidmap binary.
func NewgidmapPath(newgidmapPath string) func(*LinuxFactory) error {
	return func(l *LinuxFactory) error {
		l.NewgidmapPath = newgidmapPath
		return nil
	}
}

// TmpfsRoot mounts a tmpfs on the factory root unless it is a mountpoint.
func TmpfsRoot(l *LinuxFactory) error {
	var root, parent unix.Stat_t
	if err := unix.Stat(l.Root, &root); err != nil {
		return fmt.Errorf("stat %s: %w", l.Root, err)
	}
	if err := unix.Stat(filepath.Dir(l.Root), &parent); err != nil {
		return fmt.Errorf("stat parent of %s: %w", l.Root, err)
	}
	if root.Dev != parent.Dev {
		return nil
	}
	if err := unix.Mount("tmpfs", l.Root, "tmpfs", 0, "mode=700"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", l.Root, err)
	}
	return nil
}

// Type returns "libcontainer".
func (l *LinuxFactory) Type() string { return "libcontainer" }

var idRegex = regexp.MustCompile(`^[\w+,.-]+$`)

// validateID checks an id without touching the filesystem: 1 to 255
// characters of letters, digits and "_+,.-", and not "." or "..".
func validateID(id string) error {
	if len(id) == 0 || len(id) > 255 || !idRegex.MatchString(id) || id == "." || id == ".." {
		return fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	return nil
}

// Create makes a container; see Factory.
func (l *LinuxFactory) Create(id string, config *configs.Config) (_ Container, err error) {
	if l.Root == "" {
		return nil, errors.New("create container: factory root not set")
	}
	if err := validateID(id); err != nil {
		return nil, err
	}
	if config == nil {
		return nil, fmt.Errorf("create container %s: %w: config is nil", id, validate.ErrInvalidConfig)
	}
	// A joined user namespace brings its own id maps.
	if config, err = joinedUserNSMaps(config); err != nil {
		return nil, err
	}
	if err := l.Validator.Validate(config); err != nil {
		return nil, err
	}
	if config.Cgroups == nil {
		return nil, fmt.Errorf("create container %s: %w: cgroups: must be set", id, validate.ErrInvalidConfig)
	}
	if config, err = rootlessConfig(id, config); err != nil {
		return nil, err
	}
	stateDir, err := securejoin.SecureJoin(l.Root, id)
	if err != nil {
		return nil, err
	}
	// Mkdir is the atomic reservation of the id: of two racing creators
	// exactly one succeeds.
	if err := os.Mkdir(stateDir, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%w: %s", ErrExist, id)
		}
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stateDir)
		}
	}()
	cm, err := manager.New(config.Cgroups)
	if err != nil {
		return nil, fmt.Errorf("cgroup manager: %w", err)
	}
	if cm.Exists() {
		pids, err := cm.GetAllPids()
		if err == nil && len(pids) > 0 {
			return nil, fmt.Errorf("create container %s: container's cgroup is not empty: %d process(es) in it", id, len(pids))
		}
		if st, err := cm.GetFreezerState(); err == nil && st == configs.Frozen {
			return nil, fmt.Errorf("create container %s: container's cgroup unexpectedly frozen", id)
		}
	}
	c := &linuxContainer{
		id:            id,
		root:          stateDir,
		config:        config,
		factory:       l,
		cgroupManager: cm,
	}
	// A state from the start, so that another process can Load (and
	// Destroy) a container that was created but not started, or whose
	// creator died while starting it.
	if err := c.saveState(); err != nil {
		return nil, err
	}
	return c, nil
}

// Load returns the container saved under id; see Factory.
func (l *LinuxFactory) Load(id string) (Container, error) {
	if l.Root == "" {
		return nil, errors.New("load container: factory root not set")
	}
	if err := validateID(id); err != nil {
		return nil, err
	}
	stateDir, err := securejoin.SecureJoin(l.Root, id)
	if err != nil {
		return nil, err
	}
	st, err := loadState(stateDir)
	if err != nil {
		return nil, err
	}
	cm, err := manager.NewWithPaths(st.Config.Cgroups, st.CgroupPaths)
	if err != nil {
		return nil, fmt.Errorf("cgroup manager: %w", err)
	}
	c := &linuxContainer{
		id:            id,
		root:          stateDir,
		config:        &st.Config,
		factory:       l,
		cgroupManager: cm,
		initPid:       st.InitProcessPid,
		initStart:     st.InitProcessStartTime,
		created:       st.Created,
		loaded:        true,
		state:         st,
	}
	return c, nil
}

// loadState reads <dir>/state.json.
func loadState(dir string) (*State, error) {
	f, err := os.Open(filepath.Join(dir, stateFilename))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNotExist, filepath.Base(dir))
		}
		return nil, err
	}
	defer f.Close()
	var st State
	if err := json.NewDecoder(f).Decode(&st); err != nil {
		return nil, fmt.Errorf("decode %s: %w", f.Name(), err)
	}
	return &st, nil
}
