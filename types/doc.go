// Package types is the home of the types of runc's top-level `types`
// package (github.com/opencontainers/runc/types) that libcontainer's Stats
// refers to. In this module, code that imported runc's `types` imports
// github.com/b7f961b7/libcontainer/types instead.
package types
