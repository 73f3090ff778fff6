// Package specconv converts an OCI runtime-spec bundle configuration
// (specs.Spec, runtime-spec v1.3.0) into a libcontainer configs.Config,
// and provides the default example spec and its rootless variant.
package specconv
