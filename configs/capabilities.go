package configs

// Capabilities holds the capability sets of the container process, each a
// list of names such as "CAP_CHOWN". The fields have no JSON tags, so their
// keys are the Go field names.
type Capabilities struct {
	// Bounding is the capability bounding set.
	Bounding []string
	// Effective is the effective set.
	Effective []string
	// Inheritable is the inheritable set.
	Inheritable []string
	// Permitted is the permitted set.
	Permitted []string
	// Ambient is the ambient set.
	Ambient []string
}
