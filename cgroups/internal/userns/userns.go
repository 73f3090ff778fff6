// Package userns tells whether the process runs in a non-initial user
// namespace, where cgroup device rules cannot be changed.
package userns

import (
	"bufio"
	"fmt"
	"os"
	"sync"
)

var (
	once   sync.Once
	inUser bool
)

// RunningInUserNS reports whether this process runs in a user namespace
// other than the initial one (its uid_map is not the identity mapping of
// the whole uid range). The answer is cached.
func RunningInUserNS() bool {
	once.Do(func() {
		f, err := os.Open("/proc/self/uid_map")
		if err != nil {
			return
		}
		defer f.Close()
		s := bufio.NewScanner(f)
		if !s.Scan() {
			inUser = true
			return
		}
		var inside, outside, length int64
		if _, err := fmt.Sscan(s.Text(), &inside, &outside, &length); err != nil {
			return
		}
		inUser = !(inside == 0 && outside == 0 && length == 4294967295)
	})
	return inUser
}
