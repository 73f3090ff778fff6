package configs

import "fmt"

// IfPrioMap is one net_prio priority for a network interface.
type IfPrioMap struct {
	// Interface is the network interface name.
	Interface string `json:"interface"`
	// Priority is the traffic priority for the interface.
	Priority int64 `json:"priority"`
}

// CgroupString renders the entry as written to net_prio.ifpriomap:
// "<interface> <priority>".
func (i *IfPrioMap) CgroupString() string {
	return fmt.Sprintf("%s %d", i.Interface, i.Priority)
}
