// Package patchbpf loads a libseccomp filter into the kernel after
// prepending a small classic-BPF prologue that makes system calls newer than
// libseccomp's syscall tables fail with ENOSYS instead of taking the
// filter's default action. Programs (glibc, Go's runtime) probe new system
// calls and fall back to older ones only on ENOSYS, so an EPERM default
// would otherwise break them on kernels newer than libseccomp.
//
// The package needs cgo (libseccomp); without cgo it is empty.
package patchbpf
