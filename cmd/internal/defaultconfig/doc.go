// Package defaultconfig builds the container configuration that the
// reference tools (cmd/nsinit and cmd/lcbench) start from: the namespaces,
// mounts, devices, masked paths and capabilities a plain Linux container
// normally gets.
package defaultconfig
