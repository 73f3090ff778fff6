package configs

// LinuxRdma holds the RDMA controller limits of one HCA device.
type LinuxRdma struct {
	// HcaHandles is the maximum number of HCA handles; nil leaves it.
	HcaHandles *uint32 `json:"hca_handles,omitempty"`
	// HcaObjects is the maximum number of HCA objects; nil leaves it.
	HcaObjects *uint32 `json:"hca_objects,omitempty"`
}
