// Package utils holds small helpers shared by the container runtime: fd
// passing over unix sockets, fd hygiene before execve, JSON output, label
// parsing and — most importantly — path resolution inside a container root.
//
// # Resolving paths the container controls
//
// Any path whose components live inside the container's root filesystem is
// under the control of the (untrusted) image or of processes running in the
// container: a component may be a symlink pointing outside the root, and it
// may be swapped for one between a check and a use. Every such path MUST be
// resolved through [OpenInRoot], [MkdirAllInRoot]/[MkdirAllInRootOpen] or
// [WithProcfd]. They resolve the path strictly inside the root (symlinks,
// including absolute ones and "..", are evaluated as if the root were "/"),
// and hand back a file descriptor, so the object that was checked is the
// object that is used. Never build such a path with filepath.Join(rootfs, p)
// and pass the string to a syscall.
package utils
