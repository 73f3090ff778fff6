package specconv

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/b7f961b7/libcontainer/configs"
)

// rlimitTypes maps OCI rlimit names to RLIMIT_* numbers.
var rlimitTypes = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

// createRlimits converts process.rlimits; an unknown name, or a soft limit
// above the hard one, is an error.
func createRlimits(in []specs.POSIXRlimit) ([]configs.Rlimit, error) {
	var out []configs.Rlimit
	for i, rl := range in {
		t, ok := rlimitTypes[rl.Type]
		if !ok {
			return nil, fmt.Errorf("process.rlimits[%d]: wrong rlimit value: unknown type %q", i, rl.Type)
		}
		if rl.Soft > rl.Hard {
			return nil, fmt.Errorf("process.rlimits[%d] (%s): soft limit %d is above hard limit %d", i, rl.Type, rl.Soft, rl.Hard)
		}
		out = append(out, configs.Rlimit{Type: t, Hard: rl.Hard, Soft: rl.Soft})
	}
	return out, nil
}
