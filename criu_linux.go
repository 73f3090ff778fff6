package libcontainer

import (
	"fmt"

	"github.com/checkpoint-restore/go-criu/v5/rpc"
)

// CriuPageServerInfo is the address of a CRIU page server.
type CriuPageServerInfo struct {
	Address string
	Port    int32
}

// VethPairName names a veth pair to restore: its container and host ends.
type VethPairName struct {
	ContainerInterfaceName string
	HostInterfaceName      string
}

// CriuOpts are the options of Checkpoint and Restore.
type CriuOpts struct {
	ImagesDirectory         string
	WorkDirectory           string
	ParentImage             string
	LeaveRunning            bool
	TcpEstablished          bool
	ExternalUnixConnections bool
	ShellJob                bool
	FileLocks               bool
	PreDump                 bool
	PageServer              CriuPageServerInfo
	VethPairs               []VethPairName
	ManageCgroupsMode       rpc.CriuCgMode
	EmptyNs                 uint32
	AutoDedup               bool
	LazyPages               bool
	StatusFd                int
	LsmProfile              string
	LsmMountContext         string
}

// Checkpoint is not built yet: it returns an error wrapping
// ErrNotImplemented.
func (c *linuxContainer) Checkpoint(criuOpts *CriuOpts) error {
	return fmt.Errorf("checkpoint %s: %w: CRIU checkpoint is not built yet", c.id, ErrNotImplemented)
}

// Restore is not built yet: it returns an error wrapping ErrNotImplemented.
func (c *linuxContainer) Restore(process *Process, criuOpts *CriuOpts) error {
	return fmt.Errorf("restore %s: %w: CRIU restore is not built yet", c.id, ErrNotImplemented)
}
