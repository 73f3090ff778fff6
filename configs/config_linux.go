package configs

import (
	"errors"
	"fmt"
	"math"
)

// HostUID returns the host uid that containerId maps to. Without a user
// namespace the id is returned unchanged.
func (c Config) HostUID(containerId int) (int, error) {
	if !c.Namespaces.Contains(NEWUSER) {
		return containerId, nil
	}
	if c.UidMappings == nil {
		return -1, errors.New("User namespaces enabled, but no uid mappings found.")
	}
	id, found := toHost(int64(containerId), c.UidMappings)
	if !found {
		return -1, errors.New("User namespaces enabled, but no user mapping found.")
	}
	if id > math.MaxInt {
		return -1, fmt.Errorf("mapped host uid %d for container uid %d is too large", id, containerId)
	}
	return int(id), nil
}

// HostRootUID returns the host uid of the container's root user.
func (c Config) HostRootUID() (int, error) {
	return c.HostUID(0)
}

// HostGID returns the host gid that containerId maps to. Without a user
// namespace the id is returned unchanged.
func (c Config) HostGID(containerId int) (int, error) {
	if !c.Namespaces.Contains(NEWUSER) {
		return containerId, nil
	}
	if c.GidMappings == nil {
		return -1, errors.New("User namespaces enabled, but no gid mappings found.")
	}
	id, found := toHost(int64(containerId), c.GidMappings)
	if !found {
		return -1, errors.New("User namespaces enabled, but no group mapping found.")
	}
	if id > math.MaxInt {
		return -1, fmt.Errorf("mapped host gid %d for container gid %d is too large", id, containerId)
	}
	return int(id), nil
}

// HostRootGID returns the host gid of the container's root group.
func (c Config) HostRootGID() (int, error) {
	return c.HostGID(0)
}

// toHost translates a container id through the first mapping range that
// covers it. The sum is computed in uint64 so that a host id beyond the
// int range (or a negative HostID) shows up as a value above math.MaxInt
// instead of wrapping around.
func toHost(id int64, mappings []IDMap) (host uint64, found bool) {
	for _, m := range mappings {
		if id >= m.ContainerID && id-m.ContainerID < m.Size {
			return uint64(m.HostID) + uint64(id-m.ContainerID), true
		}
	}
	return 0, false
}
