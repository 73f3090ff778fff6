package validate

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/configs"
)

// rlimitCount is the number of resource types the kernel knows
// (RLIM_NLIMITS); valid types are 0..rlimitCount-1.
const rlimitCount = 16

// rlimitsCheck rejects unknown resource types and a soft limit above the
// hard limit.
func rlimitsCheck(config *configs.Config) error {
	for i, rl := range config.Rlimits {
		field := fmt.Sprintf("rlimits[%d]", i)
		if rl.Type < 0 || rl.Type >= rlimitCount {
			return invalid(field+".type", fmt.Sprint(rl.Type), "unknown rlimit type")
		}
		if rl.Soft > rl.Hard {
			return invalid(field+".soft", fmt.Sprint(rl.Soft), "soft limit exceeds hard limit %d", rl.Hard)
		}
	}
	return nil
}
