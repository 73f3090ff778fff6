package configs

// LinuxNetDevice (not in v1.1) describes a host network interface moved
// into the container's network namespace; it is the value type of
// Config.NetDevices, whose key is the host interface name.
type LinuxNetDevice struct {
	// Name is the interface name inside the container; empty keeps the
	// host name.
	Name string `json:"name,omitempty"`
}
