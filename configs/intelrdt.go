package configs

// IntelRdt configures Intel Resource Director Technology through resctrl.
type IntelRdt struct {
	// ClosID is the resctrl group (class of service) name; empty uses the
	// container ID.
	ClosID string `json:"closID,omitempty"`
	// L3CacheSchema is the L3 cache allocation schema line (needs CAT).
	L3CacheSchema string `json:"l3_cache_schema,omitempty"`
	// MemBwSchema is the memory bandwidth schema line (needs MBA).
	MemBwSchema string `json:"memBwSchema,omitempty"`
}
