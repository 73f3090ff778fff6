package system

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// State is the one-letter process state of /proc/<pid>/stat.
type State rune

// Process states as reported by the kernel.
const (
	Dead        State = 'X'
	DiskSleep   State = 'D'
	Running     State = 'R'
	Sleeping    State = 'S'
	Stopped     State = 'T'
	TracingStop State = 't'
	Zombie      State = 'Z'
	Parked      State = 'P'
	Idle        State = 'I'
)

// String returns the kernel's long name of the state ("running",
// "zombie", ...), or "unknown (c)" for a letter it does not know.
func (s State) String() string {
	switch s {
	case Dead:
		return "dead"
	case DiskSleep:
		return "disk sleep"
	case Running:
		return "running"
	case Sleeping:
		return "sleeping"
	case Stopped:
		return "stopped"
	case TracingStop:
		return "tracing stop"
	case Zombie:
		return "zombie"
	case Parked:
		return "parked"
	case Idle:
		return "idle"
	default:
		return fmt.Sprintf("unknown (%c)", s)
	}
}

// Stat_t is the part of /proc/<pid>/stat the runtime uses.
type Stat_t struct {
	// Name is the command name (comm), without the parentheses.
	Name string
	// State is the process state.
	State State
	// StartTime is the start time after boot in clock ticks (field 22);
	// with the pid it identifies a process across pid reuse.
	StartTime uint64
}

// Stat reads and parses /proc/<pid>/stat.
func Stat(pid int) (Stat_t, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Stat_t{}, err
	}
	st, err := parseStat(string(data))
	if err != nil {
		return Stat_t{}, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	return st, nil
}

// parseStat parses the text of a /proc/<pid>/stat file. The command name
// sits between the first '(' and the LAST ')' because it may itself hold
// spaces and parentheses; the other fields follow the last ')'.
func parseStat(data string) (Stat_t, error) {
	open := strings.IndexByte(data, '(')
	closing := strings.LastIndexByte(data, ')')
	if open < 0 || closing < open {
		return Stat_t{}, fmt.Errorf("no command name in parentheses in %.64q", data)
	}
	st := Stat_t{Name: data[open+1 : closing]}
	// Fields after the name, numbered from 3 (state) as in proc(5).
	rest := strings.Fields(data[closing+1:])
	const stateField, startTimeField = 3, 22
	if len(rest) < startTimeField-stateField+1 {
		return Stat_t{}, fmt.Errorf("only %d fields after the command name, want at least %d", len(rest), startTimeField-stateField+1)
	}
	if len(rest[0]) != 1 {
		return Stat_t{}, fmt.Errorf("state field %q is not one letter", rest[0])
	}
	st.State = State(rest[0][0])
	start, err := strconv.ParseUint(rest[startTimeField-stateField], 10, 64)
	if err != nil {
		return Stat_t{}, fmt.Errorf("start time field %q: %w", rest[startTimeField-stateField], err)
	}
	st.StartTime = start
	return st, nil
}
