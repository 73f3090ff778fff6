// Package devices describes device nodes and cgroup device access rules,
// and discovers the device nodes present on the host.
//
// It is the leaf of the configuration graph: package configs embeds its
// types, and the cgroup drivers translate Rule values into kernel device
// controller settings.
package devices
