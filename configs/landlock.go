package configs

// Landlock (not in v1.1) is a Landlock filesystem ruleset for the
// container process. The ruleset is applied just before exec, after the
// root filesystem is in place, so every rule path is a container path.
// Accesses not granted by a rule are denied beneath the container root.
type Landlock struct {
	// Rules grant access beneath a path each.
	Rules []LandlockRule `json:"rules"`
	// BestEffort applies only what the running kernel supports, and
	// nothing when Landlock is unavailable, instead of failing.
	BestEffort bool `json:"best_effort,omitempty"`
}

// LandlockRule grants access words beneath one absolute container path.
type LandlockRule struct {
	// Path is the absolute container path the rule covers (recursively).
	Path string `json:"path"`
	// Access lists the granted access words: LandlockRead,
	// LandlockWrite and LandlockExec.
	Access []string `json:"access"`
}

// The access words of a LandlockRule.
const (
	// LandlockRead allows reading files and listing directories.
	LandlockRead = "read"
	// LandlockWrite allows writing, creating, renaming and removing.
	LandlockWrite = "write"
	// LandlockExec allows executing files.
	LandlockExec = "exec"
)
