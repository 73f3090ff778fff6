package validate

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/b7f961b7/libcontainer/configs"
)

// landlockAccess are the access words a Landlock rule may grant.
var landlockAccess = map[string]bool{
	configs.LandlockRead:  true,
	configs.LandlockWrite: true,
	configs.LandlockExec:  true,
}

// landlockCheck requires every Landlock rule to name an absolute container
// path and at least one known access word.
func landlockCheck(config *configs.Config) error {
	if config.Landlock == nil {
		return nil
	}
	for i, r := range config.Landlock.Rules {
		field := fmt.Sprintf("landlock.rules[%d]", i)
		if !filepath.IsAbs(r.Path) || strings.ContainsRune(r.Path, 0) {
			return invalid(field+".path", r.Path, "must be an absolute container path")
		}
		if len(r.Access) == 0 {
			return invalid(field+".access", "", "must grant at least one of read, write, exec")
		}
		for j, a := range r.Access {
			if !landlockAccess[a] {
				return invalid(fmt.Sprintf("%s.access[%d]", field, j), a, "unknown access word: must be read, write or exec")
			}
		}
	}
	return nil
}
