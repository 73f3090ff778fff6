package types

// NetworkInterface holds the traffic counters of one network interface as
// seen from inside the container. The fields have no JSON tags.
type NetworkInterface struct {
	// Name is the interface name.
	Name string

	// RxBytes is the number of bytes received.
	RxBytes uint64
	// RxPackets is the number of packets received.
	RxPackets uint64
	// RxErrors is the number of receive errors.
	RxErrors uint64
	// RxDropped is the number of received packets dropped.
	RxDropped uint64
	// TxBytes is the number of bytes transmitted.
	TxBytes uint64
	// TxPackets is the number of packets transmitted.
	TxPackets uint64
	// TxErrors is the number of transmit errors.
	TxErrors uint64
	// TxDropped is the number of transmitted packets dropped.
	TxDropped uint64
}
