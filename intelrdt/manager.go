package intelrdt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/b7f961b7/libcontainer/configs"
)

// Manager places a container in a resctrl group and writes its schemata.
// A nil *Manager is never handed out for a container without Intel RDT
// configuration: NewManager returns nil instead, and callers check that.
type Manager struct {
	mu     sync.Mutex
	config *configs.Config
	id     string
	path   string
	// root overrides the resctrl mount point (tests); empty means Root().
	root string
}

// NewManager returns a manager for the container id with config, whose
// resctrl group is path if not empty (a state restored from disk) and
// otherwise <resctrl>/<ClosID or id>. It returns nil when config has no
// IntelRdt section or resctrl is not mounted.
func NewManager(config *configs.Config, id string, path string) *Manager {
	if config == nil || config.IntelRdt == nil {
		return nil
	}
	if _, err := Root(); err != nil {
		return nil
	}
	return &Manager{config: config, id: id, path: path}
}

func (m *Manager) resctrlRoot() (string, error) {
	if m.root != "" {
		return m.root, nil
	}
	return Root()
}

// groupPath returns the resctrl group directory of the container.
func (m *Manager) groupPath() (string, error) {
	root, err := m.resctrlRoot()
	if err != nil {
		return "", err
	}
	name := m.id
	if closID := m.config.IntelRdt.ClosID; closID != "" {
		if closID == "." || closID == ".." || strings.Contains(closID, "/") {
			return "", fmt.Errorf("intelrdt: invalid intelRdt.ClosID %q", closID)
		}
		name = closID
	}
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return "", fmt.Errorf("intelrdt: invalid resctrl group name %q", name)
	}
	return filepath.Join(root, name), nil
}

// Apply creates the container's resctrl group if needed and moves pid
// into it. It does nothing when the config has no IntelRdt section.
func (m *Manager) Apply(pid int) error {
	if m.config.IntelRdt == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	path := m.path
	if path == "" {
		var err error
		if path, err = m.groupPath(); err != nil {
			return err
		}
	}
	if err := os.Mkdir(path, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("intelrdt: create resctrl group %s: %w", path, err)
	}
	if err := WriteIntelRdtTasks(path, pid); err != nil {
		return err
	}
	m.path = path
	return nil
}

// Destroy removes the container's resctrl group, unless the config names
// a ClosID: such a group may be shared or managed by someone else and is
// left alone.
func (m *Manager) Destroy() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.config.IntelRdt != nil && m.config.IntelRdt.ClosID != "" {
		m.path = ""
		return nil
	}
	if m.path != "" {
		if err := os.Remove(m.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("intelrdt: remove resctrl group %s: %w", m.path, err)
		}
	}
	m.path = ""
	return nil
}

// GetPath returns the container's resctrl group directory, computing it
// when Apply has not run yet ("" if it cannot be known).
func (m *Manager) GetPath() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.path == "" {
		m.path, _ = m.groupPath()
	}
	return m.path
}

// GetStats returns the container's RDT statistics: host allocation info
// and schemata lines for the features present, and monitoring counters
// when CMT or MBM is available. It returns nil, nil when the config has no
// IntelRdt section.
func (m *Manager) GetStats() (*Stats, error) {
	if m.config.IntelRdt == nil {
		return nil, nil
	}
	root, err := m.resctrlRoot()
	if err != nil {
		return nil, err
	}
	group := m.GetPath()
	if group == "" {
		return nil, errors.New("intelrdt: container has no resctrl group")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	feat := readFeatures(root)
	rootSchemata, err := readString(filepath.Join(root, "schemata"))
	if err != nil {
		return nil, fmt.Errorf("intelrdt: read root schemata: %w", err)
	}
	schemata, err := readString(filepath.Join(group, "schemata"))
	if err != nil {
		return nil, fmt.Errorf("intelrdt: read container schemata: %w", err)
	}
	stats := &Stats{}
	if feat.cat {
		if stats.L3CacheInfo, err = readL3CacheInfo(root); err != nil {
			return nil, err
		}
		stats.L3CacheSchemaRoot = schemaLine(rootSchemata, "L3")
		stats.L3CacheSchema = schemaLine(schemata, "L3")
	}
	if feat.mba {
		if stats.MemBwInfo, err = readMemBwInfo(root); err != nil {
			return nil, err
		}
		stats.MemBwSchemaRoot = schemaLine(rootSchemata, "MB")
		stats.MemBwSchema = schemaLine(schemata, "MB")
	}
	if feat.mbm || feat.cmt {
		if err := readMonStats(group, feat.mbm, feat.cmt, stats); err != nil {
			return nil, err
		}
	}
	return stats, nil
}

// Set writes the L3 cache and memory bandwidth schemata of container's
// IntelRdt config into the container's group, in one write. A schema for
// a feature the host lacks is an error naming the field.
func (m *Manager) Set(container *configs.Config) error {
	if container == nil || container.IntelRdt == nil {
		return nil
	}
	root, err := m.resctrlRoot()
	if err != nil {
		return err
	}
	feat := readFeatures(root)
	l3, mb := container.IntelRdt.L3CacheSchema, container.IntelRdt.MemBwSchema
	if l3 != "" && !feat.cat {
		return fmt.Errorf("intelrdt: intelRdt.l3CacheSchema %q is set but L3 cache allocation (CAT) is not enabled", l3)
	}
	if mb != "" && !feat.mba {
		return fmt.Errorf("intelrdt: intelRdt.memBwSchema %q is set but memory bandwidth allocation (MBA) is not enabled", mb)
	}
	var lines []string
	for _, s := range []string{l3, mb} {
		if s != "" {
			lines = append(lines, s)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	path := m.GetPath()
	if path == "" {
		return errors.New("intelrdt: container has no resctrl group")
	}
	data := strings.Join(lines, "\n") + "\n"
	if err := writeExisting(filepath.Join(path, "schemata"), data); err != nil {
		return fmt.Errorf("intelrdt: write schemata %q to %s: %w", data, path, err)
	}
	return nil
}

// WriteIntelRdtTasks moves pid into the resctrl group dir by writing it to
// dir/tasks. A pid of -1 means "attach nothing" and is a no-op.
func WriteIntelRdtTasks(dir string, pid int) error {
	if dir == "" {
		return errors.New("intelrdt: no resctrl group directory to add the task to")
	}
	if pid == -1 {
		return nil
	}
	if err := writeExisting(filepath.Join(dir, "tasks"), strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("intelrdt: add pid %d to %s: %w", pid, dir, err)
	}
	return nil
}

// writeExisting writes data to an existing resctrl file in one write; it
// never creates the file (resctrl creates all of them itself).
func writeExisting(path, data string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
