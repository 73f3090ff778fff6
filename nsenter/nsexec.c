/*
 * nsexec: the part of container start-up that must run before the Go
 * runtime exists, because the kernel refuses setns(2) into a mount or user
 * namespace and unshare(2) of a user namespace to a multi-threaded process.
 *
 * Protocol with the libcontainer parent (the Go side is message_linux.go and
 * process_linux.go in the root package):
 *
 *   1. The parent starts "/proc/self/exe init" with _LIBCONTAINER_INITPIPE
 *      naming a socket fd, puts the new process in the container's cgroups,
 *      then sends one netlink-formatted bootstrap message on that socket.
 *   2. We join the namespaces named by path (user first), create the new
 *      ones, and ask the parent to write the id maps of a new user namespace
 *      ({"type":"usermap"} -> the parent answers with one line).
 *   3. A new or joined PID or time namespace only applies to children, so
 *      in that case we fork once (CLONE_PARENT: the child is the parent's
 *      own child, we exit). Otherwise this process itself continues.
 *   4. We report the final pid ({"type":"pid","pid":N}) and return into Go
 *      in the final process, which reads its JSON configuration next.
 *
 * Every message we write is one JSON object on one line; every failure is
 * reported as {"type":"procError","message":"..."} and ends the process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* Attribute types; they mirror the exported constants of message_linux.go. */
#define INIT_MSG 62000
#define CLONE_FLAGS_ATTR 27281
#define NS_PATHS_ATTR 27282
#define UIDMAP_ATTR 27283
#define GIDMAP_ATTR 27284
#define SETGROUP_ATTR 27285
#define OOM_SCORE_ADJ_ATTR 27286
#define ROOTLESS_EUID_ATTR 27287
#define UIDMAPPATH_ATTR 27288
#define GIDMAPPATH_ATTR 27289
#define MOUNT_SOURCES_ATTR 27290
#define TIME_OFFSETS_ATTR 27291

#define MAX_NS 16

struct bootstrap {
	uint32_t cloneflags;
	char *nspaths;       /* "user:/proc/1/ns/user,net:/x" */
	int setgroups;       /* may call setgroups(2) */
	char *oom_score_adj; /* decimal string */
	char *time_offsets;  /* lines for /proc/self/timens_offsets */
	int new_userns_maps; /* the parent has maps to write */
};

static int syncfd = -1;

/* json_write sends one line of JSON to the parent, retrying short writes. */
static void json_write(const char *line)
{
	size_t len = strlen(line), off = 0;
	while (off < len) {
		ssize_t n = write(syncfd, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += n;
	}
}

/* bail reports a fatal error to the parent as JSON and exits. */
static void __attribute__((noreturn, format(printf, 1, 2))) bail(const char *fmt, ...)
{
	char msg[1024], line[2200];
	int saved = errno, n;
	size_t i, o = 0;
	va_list ap;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (saved && n > 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));

	o += snprintf(line, sizeof(line), "{\"type\":\"procError\",\"message\":\"nsenter: ");
	/* Escape the message for JSON: quotes, backslashes, control bytes. */
	for (i = 0; msg[i] && o < sizeof(line) - 16; i++) {
		unsigned char c = msg[i];
		if (c == '"' || c == '\\') {
			line[o++] = '\\';
			line[o++] = c;
		} else if (c < 0x20) {
			o += snprintf(line + o, sizeof(line) - o, "\\u%04x", c);
		} else {
			line[o++] = c;
		}
	}
	snprintf(line + o, sizeof(line) - o, "\"}\n");
	if (syncfd >= 0)
		json_write(line);
	else
		fprintf(stderr, "%s", line);
	_exit(1);
}

/* read_full reads exactly len bytes or fails. */
static void read_full(int fd, void *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = read(fd, (char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			bail("read bootstrap data");
		if (n == 0) {
			errno = 0;
			bail("bootstrap pipe closed early");
		}
		off += n;
	}
}

/* read_line reads one byte at a time up to a newline so that nothing
 * meant for the Go side is consumed here. */
static void read_line(char *buf, size_t size)
{
	size_t o = 0;
	for (;;) {
		char c;
		read_full(syncfd, &c, 1);
		if (c == '\n')
			break;
		if (o < size - 1)
			buf[o++] = c;
	}
	buf[o] = '\0';
}

static char *dup_payload(const char *data, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		bail("out of memory");
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* read_bootstrap reads and parses the netlink message the parent sends. */
static void read_bootstrap(struct bootstrap *b)
{
	struct nlmsghdr hdr;
	char *data;
	size_t len, off = 0;

	read_full(syncfd, &hdr, NLMSG_HDRLEN);
	if (hdr.nlmsg_type != INIT_MSG) {
		errno = 0;
		bail("unexpected bootstrap message type %d", hdr.nlmsg_type);
	}
	if (hdr.nlmsg_len < NLMSG_HDRLEN || hdr.nlmsg_len > (1 << 24)) {
		errno = 0;
		bail("bootstrap message length %u out of range", hdr.nlmsg_len);
	}
	len = hdr.nlmsg_len - NLMSG_HDRLEN;
	data = malloc(len ? len : 1);
	if (!data)
		bail("out of memory");
	read_full(syncfd, data, len);

	while (off + NLA_HDRLEN <= len) {
		struct nlattr *a = (struct nlattr *)(data + off);
		char *payload = data + off + NLA_HDRLEN;
		size_t plen;
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len) {
			errno = 0;
			bail("malformed bootstrap attribute");
		}
		plen = a->nla_len - NLA_HDRLEN;
		switch (a->nla_type) {
		case CLONE_FLAGS_ATTR:
			if (plen < 4) {
				errno = 0;
				bail("short clone flags attribute");
			}
			memcpy(&b->cloneflags, payload, 4);
			break;
		case NS_PATHS_ATTR:
			b->nspaths = dup_payload(payload, plen);
			break;
		case UIDMAP_ATTR:
		case GIDMAP_ATTR:
			b->new_userns_maps = 1;
			break;
		case SETGROUP_ATTR:
			b->setgroups = plen > 0 && payload[0];
			break;
		case OOM_SCORE_ADJ_ATTR:
			b->oom_score_adj = dup_payload(payload, plen);
			break;
		case TIME_OFFSETS_ATTR:
			b->time_offsets = dup_payload(payload, plen);
			break;
		case ROOTLESS_EUID_ATTR:
		case UIDMAPPATH_ATTR:
		case GIDMAPPATH_ATTR:
		case MOUNT_SOURCES_ATTR:
			/* Used by the parent only. */
			break;
		default:
			errno = 0;
			bail("unknown bootstrap attribute %d", a->nla_type);
		}
		off += NLA_ALIGN(a->nla_len);
	}
	free(data);
}

/* write_file writes data to a /proc file of this process. */
static void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(data);
	if (fd < 0)
		bail("open %s", path);
	if (write(fd, data, len) != (ssize_t)len)
		bail("write %s", path);
	close(fd);
}

/* ns_flag maps a namespace name of configs.NsName to its clone flag. */
static int ns_flag(const char *name)
{
	static const struct {
		const char *name;
		int flag;
	} t[] = {
		{"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
		{"net", CLONE_NEWNET}, {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS},
		{"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, name))
			return t[i].flag;
	return 0;
}

/*
 * join_namespaces opens every "name:path" first (a path may live in a
 * namespace we are about to leave), then setns()es in the given order; the
 * parent lists the user namespace first. It returns the joined flags.
 */
static int join_namespaces(char *spec)
{
	struct {
		int fd, flag;
		char *path;
	} ns[MAX_NS];
	int n = 0, joined = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		if (!colon || n == MAX_NS) {
			errno = 0;
			bail("bad namespace path entry %s", tok);
		}
		*colon = '\0';
		ns[n].flag = ns_flag(tok);
		ns[n].path = colon + 1;
		if (!ns[n].flag) {
			errno = 0;
			bail("unknown namespace %s", tok);
		}
		ns[n].fd = open(ns[n].path, O_RDONLY | O_CLOEXEC);
		if (ns[n].fd < 0)
			bail("open %s namespace %s", tok, ns[n].path);
		n++;
	}
	for (int i = 0; i < n; i++) {
		if (setns(ns[i].fd, ns[i].flag) < 0)
			bail("setns into %s", ns[i].path);
		close(ns[i].fd);
		joined |= ns[i].flag;
	}
	return joined;
}

/* setgroups_denied reports whether our user namespace has setgroups(2)
 * disabled ("deny" in /proc/self/setgroups): a joined namespace may. */
static int setgroups_denied(void)
{
	char buf[8] = {0};
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n >= 4 && !strncmp(buf, "deny", 4);
}

/* become_root switches to uid/gid 0 of a new or joined user namespace and
 * drops the supplementary groups, where the namespace allows it. */
static void become_root(int may_setgroups)
{
	if (setresgid(0, 0, 0) < 0)
		bail("setresgid to 0");
	if (setresuid(0, 0, 0) < 0)
		bail("setresuid to 0");
	if (may_setgroups && !setgroups_denied() && setgroups(0, NULL) < 0)
		bail("setgroups");
}

void nsexec(void)
{
	struct bootstrap b = {0};
	const char *env = getenv("_LIBCONTAINER_INITPIPE");
	int joined = 0, fork_needed, gate[2];
	char line[128];
	pid_t final;

	if (!env || !*env)
		return;
	syncfd = atoi(env);
	if (syncfd < 3) {
		syncfd = -1;
		errno = 0;
		bail("bad _LIBCONTAINER_INITPIPE %s", env);
	}

	/* Step 1: the bootstrap message. */
	read_bootstrap(&b);

	/* Step 2: oom_score_adj while we may still raise it. */
	if (b.oom_score_adj && *b.oom_score_adj)
		write_file("/proc/self/oom_score_adj", b.oom_score_adj);

	/* Step 3: join existing namespaces. A process entering a running
	 * container must not be ptrace-able or readable through /proc by the
	 * container's processes until it execs (CVE-2016-9962). */
	if (b.nspaths && *b.nspaths) {
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			bail("make process non-dumpable");
		joined = join_namespaces(b.nspaths);
	}

	/* Step 4: a new user namespace first; the parent writes its maps
	 * (directly or through newuidmap/newgidmap). Writing our maps needs us
	 * to be dumpable for that moment. */
	if (b.cloneflags & CLONE_NEWUSER) {
		if (unshare(CLONE_NEWUSER) < 0)
			bail("unshare user namespace");
		if (b.new_userns_maps) {
			int was = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
			if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
				bail("make process dumpable for id maps");
			json_write("{\"type\":\"usermap\"}\n");
			read_line(line, sizeof(line));
			if (strcmp(line, "ok")) {
				errno = 0;
				bail("parent failed to write id maps: %s", line);
			}
			if (prctl(PR_SET_DUMPABLE, was, 0, 0, 0) < 0)
				bail("restore dumpable flag");
		}
	}
	/* A new time namespace gets its offsets before we switch to the
	 * container's root: that switch changes our host uid (when the parent
	 * is root) and so makes our /proc files root-owned, which would lock
	 * us out of timens_offsets. The user namespace, if new, owns it. */
	if (b.cloneflags & CLONE_NEWTIME) {
		if (unshare(CLONE_NEWTIME) < 0)
			bail("unshare time namespace");
		if (b.time_offsets && *b.time_offsets)
			write_file("/proc/self/timens_offsets", b.time_offsets);
	}
	if ((b.cloneflags & CLONE_NEWUSER) || (joined & CLONE_NEWUSER))
		become_root(b.setgroups);

	/* Step 5: the other new namespaces. The cgroup namespace waits for the
	 * final process, whose cgroups the parent has already set. */
	if (b.cloneflags & ~(CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME)) {
		int flags = b.cloneflags & ~(CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME);
		int tries = 0;
		while (unshare(flags) < 0) {
			/* A concurrent namespace teardown can give EINVAL. */
			if (errno != EINVAL || ++tries > 5)
				bail("unshare namespaces %#x", flags);
		}
	}

	/* Step 6: PID and time namespaces take effect for children only. */
	fork_needed = (b.cloneflags | joined) & (CLONE_NEWPID | CLONE_NEWTIME);
	if (fork_needed) {
		if (pipe2(gate, O_CLOEXEC) < 0)
			bail("pipe");
		final = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
		if (final < 0)
			bail("clone init process");
		if (final == 0) {
			/* Child: wait until our parent has reported our pid, so that
			 * our messages never interleave with its. */
			char c;
			close(gate[1]);
			while (read(gate[0], &c, 1) < 0 && errno == EINTR)
				;
			close(gate[0]);
			goto final_process;
		}
		close(gate[0]);
		snprintf(line, sizeof(line), "{\"type\":\"pid\",\"pid\":%d,\"forked\":true}\n", final);
		json_write(line);
		if (write(gate[1], "", 1) != 1)
			bail("release init process");
		_exit(0);
	}
	snprintf(line, sizeof(line), "{\"type\":\"pid\",\"pid\":%d}\n", getpid());
	json_write(line);

final_process:
	/* Step 7: the final process. A new session, so that a terminal can
	 * become its controlling one; then its own cgroup namespace. */
	if (setsid() < 0 && errno != EPERM)
		bail("setsid");
	if (b.cloneflags & CLONE_NEWCGROUP)
		if (unshare(CLONE_NEWCGROUP) < 0)
			bail("unshare cgroup namespace");
	/* An init that made new namespaces holds host fds (the init pipe, the
	 * exec fifo) and runs the host binary until it execs the user's
	 * program (which makes it dumpable again): processes exec'd into the
	 * created container must not ptrace it or open its fds through /proc
	 * (CVE-2016-9962). Only now, after every write to our own /proc files
	 * that a rootless parent's uid needs us to own. */
	if (b.cloneflags && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		bail("make init non-dumpable");
	free(b.nspaths);
	free(b.oom_score_adj);
	free(b.time_offsets);
	/* Return into the Go runtime; the Go init takes over from here. */
}
