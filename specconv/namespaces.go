package specconv

import (
	"fmt"
	"sort"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/b7f961b7/libcontainer/configs"
)

// namespaceTypes maps OCI namespace names to libcontainer namespace types.
var namespaceTypes = map[specs.LinuxNamespaceType]configs.NamespaceType{
	specs.PIDNamespace:     configs.NEWPID,
	specs.NetworkNamespace: configs.NEWNET,
	specs.MountNamespace:   configs.NEWNS,
	specs.UserNamespace:    configs.NEWUSER,
	specs.IPCNamespace:     configs.NEWIPC,
	specs.UTSNamespace:     configs.NEWUTS,
	specs.CgroupNamespace:  configs.NEWCGROUP,
	specs.TimeNamespace:    configs.NEWTIME,
}

// KnownNamespaces returns the sorted OCI namespace names
// CreateLibcontainerConfig accepts.
func KnownNamespaces() []string {
	names := make([]string, 0, len(namespaceTypes))
	for k := range namespaceTypes {
		names = append(names, string(k))
	}
	sort.Strings(names)
	return names
}

// createNamespaces converts linux.namespaces; an unknown or repeated type
// is an error.
func createNamespaces(nss []specs.LinuxNamespace) (configs.Namespaces, error) {
	var out configs.Namespaces
	for i, ns := range nss {
		t, ok := namespaceTypes[ns.Type]
		if !ok {
			return nil, fmt.Errorf("linux.namespaces[%d]: namespace %q does not exist", i, ns.Type)
		}
		if out.Contains(t) {
			return nil, fmt.Errorf("linux.namespaces[%d]: malformed spec file: duplicated ns %q", i, ns.Type)
		}
		out.Add(t, ns.Path)
	}
	return out, nil
}
