package configs

// IDMap is one range of a user-namespace uid or gid mapping: container ids
// ContainerID..ContainerID+Size-1 map to HostID..HostID+Size-1.
type IDMap struct {
	// ContainerID is the first id of the range inside the namespace.
	ContainerID int64 `json:"container_id"`
	// HostID is the first id of the range outside the namespace.
	HostID int64 `json:"host_id"`
	// Size is the number of ids in the range.
	Size int64 `json:"size"`
}
