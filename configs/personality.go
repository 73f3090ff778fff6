package configs

// LinuxPersonality (not in v1.1) is the execution domain set with
// personality(2) before the container process execs.
type LinuxPersonality struct {
	// Domain is the execution domain.
	Domain LinuxPersonalityDomain `json:"domain"`
	// Flags are additional personality flags (none are defined yet).
	Flags []LinuxPersonalityFlag `json:"flags,omitempty"`
}

// LinuxPersonalityDomain names a personality(2) execution domain.
type LinuxPersonalityDomain string

// LinuxPersonalityFlag names an additional personality(2) flag.
type LinuxPersonalityFlag string

// The supported execution domains.
const (
	// PerLinux is the standard Linux domain (PER_LINUX).
	PerLinux LinuxPersonalityDomain = "LINUX"
	// PerLinux32 makes uname report a 32-bit machine (PER_LINUX32).
	PerLinux32 LinuxPersonalityDomain = "LINUX32"
)
