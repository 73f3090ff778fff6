package validate

import (
	"fmt"
	"path/filepath"

	"github.com/b7f961b7/libcontainer/configs"
)

// namespacesCheck rejects unknown namespace types, a type listed twice,
// and join paths that are not absolute.
func namespacesCheck(config *configs.Config) error {
	seen := map[configs.NamespaceType]int{}
	for i, ns := range config.Namespaces {
		field := fmt.Sprintf("namespaces[%d]", i)
		if configs.NsName(ns.Type) == "" {
			return invalid(field+".type", string(ns.Type), "namespace type does not exist")
		}
		if j, dup := seen[ns.Type]; dup {
			return invalid(field+".type", string(ns.Type), "duplicated ns: already listed as namespaces[%d]", j)
		}
		seen[ns.Type] = i
		if ns.Path != "" && !filepath.IsAbs(ns.Path) {
			return invalid(field+".path", ns.Path, "must be an absolute path")
		}
	}
	return nil
}

// namespaceSupported returns an error naming field when the kernel lacks
// namespaces of type t.
func namespaceSupported(field string, t configs.NamespaceType) error {
	if !configs.IsNamespaceSupported(t) {
		return invalid(field, string(t), "%s namespaces aren't enabled in the kernel", configs.NsName(t))
	}
	return nil
}

// userNamespaceCheck requires kernel support and either a path to join or
// both uid and gid mappings when NEWUSER is set, rejects mappings without
// NEWUSER, and checks the mappings' ranges.
func userNamespaceCheck(config *configs.Config) error {
	if !config.Namespaces.Contains(configs.NEWUSER) {
		if config.UidMappings != nil {
			return invalid("uid_mappings", "", "user namespace mappings specified, but user namespace isn't enabled in the config")
		}
		if config.GidMappings != nil {
			return invalid("gid_mappings", "", "user namespace mappings specified, but user namespace isn't enabled in the config")
		}
		return nil
	}
	if err := namespaceSupported("namespaces", configs.NEWUSER); err != nil {
		return err
	}
	if config.Namespaces.PathOf(configs.NEWUSER) == "" {
		if len(config.UidMappings) == 0 && len(config.GidMappings) == 0 {
			return invalid("namespaces", string(configs.NEWUSER), "user namespaces enabled, but no namespace path to join nor mappings to apply specified")
		}
		if len(config.UidMappings) == 0 {
			return invalid("uid_mappings", "", "a new user namespace needs uid mappings as well as gid mappings")
		}
		if len(config.GidMappings) == 0 {
			return invalid("gid_mappings", "", "a new user namespace needs gid mappings as well as uid mappings")
		}
	}
	if err := checkIDMappings("uid_mappings", config.UidMappings); err != nil {
		return err
	}
	return checkIDMappings("gid_mappings", config.GidMappings)
}

// cgroupNamespaceCheck requires kernel support for NEWCGROUP when it is
// used.
func cgroupNamespaceCheck(config *configs.Config) error {
	if config.Namespaces.Contains(configs.NEWCGROUP) {
		return namespaceSupported("namespaces", configs.NEWCGROUP)
	}
	return nil
}

// timeOffsetClocks are the clocks a time namespace can offset.
var timeOffsetClocks = map[string]bool{"monotonic": true, "boottime": true}

// timeNamespaceCheck requires kernel support for NEWTIME, and accepts
// time offsets only for a new time namespace (not one that is joined),
// for known clocks, with nanoseconds below one second.
func timeNamespaceCheck(config *configs.Config) error {
	hasNS := config.Namespaces.Contains(configs.NEWTIME)
	if hasNS {
		if err := namespaceSupported("namespaces", configs.NEWTIME); err != nil {
			return err
		}
	}
	if len(config.TimeOffsets) == 0 {
		return nil
	}
	if !hasNS {
		return invalid("time_offsets", "", "time offsets need a private time namespace (NEWTIME)")
	}
	if p := config.Namespaces.PathOf(configs.NEWTIME); p != "" {
		return invalid("time_offsets", "", "time namespace path %q and time offsets both given: you may only provide one", p)
	}
	for _, clock := range sortedKeys(config.TimeOffsets) {
		field := fmt.Sprintf("time_offsets[%q]", clock)
		if !timeOffsetClocks[clock] {
			return invalid(field, clock, "unknown clock: only \"monotonic\" and \"boottime\" can be offset")
		}
		if ns := config.TimeOffsets[clock].Nanosecs; ns >= 1_000_000_000 {
			return invalid(field+".nanosecs", fmt.Sprint(ns), "must be below one second (1000000000)")
		}
	}
	return nil
}
