package configs

// Rlimit is one resource limit of the container process.
type Rlimit struct {
	// Type is the RLIMIT_* resource number.
	Type int `json:"type"`
	// Hard is the hard (maximum) limit.
	Hard uint64 `json:"hard"`
	// Soft is the soft (effective) limit; it must not exceed Hard.
	Soft uint64 `json:"soft"`
}
