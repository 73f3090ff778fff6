package validate

import (
	"fmt"

	"github.com/b7f961b7/libcontainer/configs"
)

// personalityCheck accepts only the LINUX and LINUX32 domains, and no
// flags (none are supported).
func personalityCheck(config *configs.Config) error {
	p := config.Personality
	if p == nil {
		return nil
	}
	switch p.Domain {
	case configs.PerLinux, configs.PerLinux32:
	default:
		return invalid("personality.domain", string(p.Domain), "invalid personality domain: must be LINUX or LINUX32")
	}
	if len(p.Flags) > 0 {
		return invalid(fmt.Sprintf("personality.flags[%d]", 0), string(p.Flags[0]), "personality flags are not supported")
	}
	return nil
}
