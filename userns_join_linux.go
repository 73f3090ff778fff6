package libcontainer

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/b7f961b7/libcontainer/configs"
	"github.com/b7f961b7/libcontainer/configs/validate"
	"github.com/b7f961b7/libcontainer/userns"
)

// joinedUserNSMaps completes a config that joins an existing user
// namespace by path: the container's id maps are that namespace's, read
// back from it (the library needs them to own files for the container's
// root, and to check users). Maps left empty in the config are filled in;
// maps given in the config must be the namespace's, in any order. config
// itself is not modified: a copy is returned when maps were filled in.
func joinedUserNSMaps(config *configs.Config) (*configs.Config, error) {
	path := config.Namespaces.PathOf(configs.NEWUSER)
	if !config.Namespaces.Contains(configs.NEWUSER) || path == "" {
		return config, nil
	}
	uids, gids, err := userns.GetUserNamespaceMappings(path)
	if err != nil {
		return nil, &validate.ConfigError{Field: "namespaces", Value: path, Reason: "cannot read the id maps of the user namespace to join", Err: err}
	}
	if err := sameMaps("uid_mappings", config.UidMappings, uids, path); err != nil {
		return nil, err
	}
	if err := sameMaps("gid_mappings", config.GidMappings, gids, path); err != nil {
		return nil, err
	}
	if len(config.UidMappings) > 0 && len(config.GidMappings) > 0 {
		return config, nil
	}
	cp := *config
	cp.UidMappings, cp.GidMappings = uids, gids
	return &cp, nil
}

// sameMaps checks that maps given in the config (if any) equal the maps of
// the user namespace at path, ignoring the order of the ranges.
func sameMaps(field string, given, actual []configs.IDMap, path string) error {
	if len(given) == 0 {
		return nil
	}
	order := func(maps []configs.IDMap) []configs.IDMap {
		s := slices.Clone(maps)
		slices.SortFunc(s, func(a, b configs.IDMap) int { return cmp.Compare(a.ContainerID, b.ContainerID) })
		return s
	}
	if !slices.Equal(order(given), order(actual)) {
		return &validate.ConfigError{
			Field:  field,
			Value:  fmt.Sprint(given),
			Reason: fmt.Sprintf("do not match the maps %v of the user namespace %s being joined", actual, path),
		}
	}
	return nil
}
