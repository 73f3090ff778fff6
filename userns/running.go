package userns

import (
	"os"
	"strings"
	"sync"
)

// RunningInUserNS reports whether the process runs inside a user
// namespace other than the initial one: it is false only when
// /proc/self/uid_map is the identity mapping of the full range
// ("0 0 4294967295") or cannot be read (a kernel without user
// namespaces). The answer is computed once and cached. It is a variable
// so that callers (and tests) can replace it.
var RunningInUserNS = sync.OnceValue(runningInUserNS)

func runningInUserNS() bool {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	return !isInitialUIDMap(string(data))
}

// isInitialUIDMap reports whether the text of a uid_map file is the
// single full identity range of the initial user namespace. An empty map
// (a fresh namespace without mappings) is not.
func isInitialUIDMap(text string) bool {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 1 {
		return false
	}
	f := strings.Fields(lines[0])
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}
