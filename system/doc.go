// Package system wraps the Linux process-level system calls the container
// init needs: exec, parent-death signal, keep-caps, controlling terminal,
// child subreaper, *at file calls, thread-level setuid/setgid, the Go
// runtime's RLIMIT_NOFILE cache, and parsing of /proc/<pid>/stat.
package system
