// Package nsenter puts the container init (and every process that joins a
// container) into its namespaces before the Go runtime starts.
//
// A host binary blank-imports this package:
//
//	import _ "github.com/b7f961b7/libcontainer/nsenter"
//
// The import registers a C constructor (nsexec.c) that runs in every process
// of the binary before the Go runtime. It does nothing unless the environment
// names a bootstrap pipe (_LIBCONTAINER_INITPIPE), which only the
// libcontainer parent sets when it re-executes the binary as
// "/proc/self/exe init". The constructor then reads the bootstrap message,
// joins namespaces by path, creates the new ones (user first, with the id
// maps written by the parent), forks once when the process must land in a new
// or joined PID or time namespace, and returns into Go in the final process.
//
// Everything the kernel lets a multi-threaded process do is left to Go.
package nsenter

/*
#cgo CFLAGS: -Wall -O2
extern void nsexec(void);
void __attribute__((constructor)) nsenter_init(void) {
	nsexec();
}
*/
import "C"
