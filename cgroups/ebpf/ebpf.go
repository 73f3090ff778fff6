// Package ebpf loads cgroup device programs and attaches them to a cgroup v2
// directory, replacing the previous program without a gap.
package ebpf

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// attachedDevicePrograms returns the device programs attached directly to
// the cgroup dirFd.
func attachedDevicePrograms(dirFd int) ([]*ebpf.Program, error) {
	res, err := link.QueryPrograms(link.QueryOptions{Target: dirFd, Attach: ebpf.AttachCGroupDevice})
	if err != nil {
		return nil, fmt.Errorf("query device programs of cgroup: %w", err)
	}
	var progs []*ebpf.Program
	for _, p := range res.Programs {
		prog, err := ebpf.NewProgramFromID(p.ID)
		if err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue // detached meanwhile
			}
			for _, q := range progs {
				q.Close()
			}
			return nil, fmt.Errorf("open device program %d: %w", p.ID, err)
		}
		progs = append(progs, prog)
	}
	return progs, nil
}

// LoadAttachCgroupDeviceFilter loads insts as a BPF_PROG_TYPE_CGROUP_DEVICE
// program and attaches it to the cgroup v2 directory dirFd. The new
// program is attached with BPF_F_ALLOW_MULTI before the programs that were
// attached there are detached, so device access is never unfiltered (for
// a moment both filters apply, which can only deny more). The returned
// function detaches the new program and releases it.
func LoadAttachCgroupDeviceFilter(insts asm.Instructions, license string, dirFd int) (func() error, error) {
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.CGroupDevice,
		Instructions: insts,
		License:      license,
	})
	if err != nil {
		return nil, fmt.Errorf("load cgroup device program: %w", err)
	}
	old, err := attachedDevicePrograms(dirFd)
	if err != nil {
		prog.Close()
		return nil, err
	}
	defer func() {
		for _, p := range old {
			p.Close()
		}
	}()
	attach := link.RawAttachProgramOptions{
		Target:  dirFd,
		Program: prog,
		Attach:  ebpf.AttachCGroupDevice,
		Flags:   unix.BPF_F_ALLOW_MULTI,
	}
	if err := link.RawAttachProgram(attach); err != nil {
		// A program attached without BPF_F_ALLOW_MULTI (by another
		// tool) forbids multi mode; attaching without flags then
		// replaces that single program atomically.
		if len(old) == 0 {
			prog.Close()
			return nil, fmt.Errorf("attach cgroup device program: %w", err)
		}
		attach.Flags = 0
		if err2 := link.RawAttachProgram(attach); err2 != nil {
			prog.Close()
			return nil, fmt.Errorf("attach cgroup device program: %w (retry without BPF_F_ALLOW_MULTI: %w)", err, err2)
		}
		old = nil
	}
	for _, p := range old {
		err := link.RawDetachProgram(link.RawDetachProgramOptions{
			Target:  dirFd,
			Program: p,
			Attach:  ebpf.AttachCGroupDevice,
		})
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return nil, fmt.Errorf("detach old cgroup device program: %w", err)
		}
	}
	closer := func() error {
		defer prog.Close()
		err := link.RawDetachProgram(link.RawDetachProgramOptions{
			Target:  dirFd,
			Program: prog,
			Attach:  ebpf.AttachCGroupDevice,
		})
		if err != nil {
			return fmt.Errorf("detach cgroup device program: %w", err)
		}
		return nil
	}
	return closer, nil
}
