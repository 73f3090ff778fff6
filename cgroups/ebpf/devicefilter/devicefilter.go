// Package devicefilter compiles device access rules into a
// BPF_PROG_TYPE_CGROUP_DEVICE program that decides exactly as the cgroup v1
// devices controller would after the same rules were written to it.
package devicefilter

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/cgroups/devices"
	devicesT "github.com/b7f961b7/libcontainer/devices"
)

// license is the license string the generated program is loaded with.
const license = "Apache"

// Offsets of struct bpf_cgroup_dev_ctx {u32 access_type; u32 major; u32 minor;}.
const (
	offAccessType = 0
	offMajor      = 4
	offMinor      = 8
)

// Registers holding the decoded context.
const (
	regType   = asm.R2 // device type (BPF_DEVCG_DEV_*)
	regAccess = asm.R3 // requested access (BPF_DEVCG_ACC_*)
	regMajor  = asm.R4
	regMinor  = asm.R5
	regTmp    = asm.R1
)

// DeviceFilter returns the instructions and license of a cgroup device
// program for rules. The rules are first replayed on a deny-all v1 state
// (see cgroups/devices.Emulator); the program then checks the resulting
// exceptions and falls back to the resulting default.
func DeviceFilter(rules []*devicesT.Rule) (asm.Instructions, string, error) {
	emu, err := devices.FromRules(rules)
	if err != nil {
		return nil, "", err
	}
	insts, err := FromEmulator(emu)
	if err != nil {
		return nil, "", err
	}
	return insts, license, nil
}

// bpfType maps a device type to its BPF_DEVCG_DEV_* value.
func bpfType(t devicesT.Type) (int32, error) {
	switch t {
	case devicesT.BlockDevice:
		return unix.BPF_DEVCG_DEV_BLOCK, nil
	case devicesT.CharDevice:
		return unix.BPF_DEVCG_DEV_CHAR, nil
	}
	return 0, fmt.Errorf("device type %q cannot appear in a device filter", rune(t))
}

// bpfAccess maps permissions to BPF_DEVCG_ACC_* bits.
func bpfAccess(p devicesT.Permissions) int32 {
	var acc int32
	for _, c := range p {
		switch c {
		case 'r':
			acc |= unix.BPF_DEVCG_ACC_READ
		case 'w':
			acc |= unix.BPF_DEVCG_ACC_WRITE
		case 'm':
			acc |= unix.BPF_DEVCG_ACC_MKNOD
		}
	}
	return acc
}

// number converts a major or minor number to a 32-bit immediate.
func number(n int64) (int32, error) {
	if n < 0 || n > math.MaxUint32 {
		return 0, fmt.Errorf("device number %d out of range", n)
	}
	return int32(uint32(n)), nil
}

// FromEmulator compiles the state of emu into a cgroup device program.
func FromEmulator(emu *devices.Emulator) (asm.Instructions, error) {
	insts := asm.Instructions{
		// R2 = type (low 16 bits), R3 = access (high 16 bits).
		asm.LoadMem(regType, asm.R1, offAccessType, asm.Word),
		asm.Mov.Reg32(regAccess, regType),
		asm.RSh.Imm32(regAccess, 16),
		asm.And.Imm32(regType, 0xffff),
		asm.LoadMem(regMajor, asm.R1, offMajor, asm.Word),
		asm.LoadMem(regMinor, asm.R1, offMinor, asm.Word),
	}
	allowDefault := emu.IsBlacklist()
	pending := ""
	emit := func(ins asm.Instruction) {
		if pending != "" {
			ins = ins.WithSymbol(pending)
			pending = ""
		}
		insts = append(insts, ins)
	}
	for i, rule := range emu.Exceptions() {
		next := "rule" + strconv.Itoa(i+1)
		typ, err := bpfType(rule.Type)
		if err != nil {
			return nil, err
		}
		emit(asm.JNE.Imm32(regType, typ, next))
		if rule.Major != devicesT.Wildcard {
			n, err := number(rule.Major)
			if err != nil {
				return nil, err
			}
			emit(asm.JNE.Imm32(regMajor, n, next))
		}
		if rule.Minor != devicesT.Wildcard {
			n, err := number(rule.Minor)
			if err != nil {
				return nil, err
			}
			emit(asm.JNE.Imm32(regMinor, n, next))
		}
		acc := bpfAccess(rule.Permissions)
		emit(asm.Mov.Reg32(regTmp, regAccess))
		if allowDefault {
			// A deny exception matches when it shares any
			// requested permission.
			emit(asm.And.Imm32(regTmp, acc))
			emit(asm.JEq.Imm32(regTmp, 0, next))
			emit(asm.Mov.Imm32(asm.R0, 0))
		} else {
			// An allow exception matches when it covers every
			// requested permission.
			emit(asm.And.Imm32(regTmp, ^acc&0xffff))
			emit(asm.JNE.Imm32(regTmp, 0, next))
			emit(asm.Mov.Imm32(asm.R0, 1))
		}
		emit(asm.Return())
		pending = next
	}
	def := int32(0)
	if allowDefault {
		def = 1
	}
	emit(asm.Mov.Imm32(asm.R0, def))
	emit(asm.Return())
	return insts, nil
}
