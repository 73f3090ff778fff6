#!/usr/bin/env bash
# mkrootfs.sh [DIR] - build a minimal busybox root filesystem for tests and demos.
#
# DIR defaults to <repo>/.cache/rootfs. The rootfs holds a static busybox at
# /bin/busybox with one symlink per applet, the usual top-level directories,
# /etc/passwd, /etc/group and /etc/hostname. Running it again on the same DIR
# brings the tree back to that state without touching anything else, so it is
# safe to call before every test run. Prints the absolute DIR on success.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$repo/.cache/rootfs}

die() { echo "mkrootfs: $*" >&2; exit 1; }

# find_busybox prints the path of a statically linked busybox, installing
# Debian's busybox-static when none is present and apt is available.
find_busybox() {
	local bb=/bin/busybox
	if [[ ! -x $bb ]] || ! is_static "$bb"; then
		if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
			echo "mkrootfs: installing busybox-static" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >&2 ||
				{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >&2; } ||
				die "cannot install busybox-static with apt-get"
		else
			die "$bb is missing or not static; install busybox-static"
		fi
	fi
	is_static "$bb" || die "$bb is not statically linked"
	echo "$bb"
}

# is_static reports whether the ELF file $1 has no program interpreter.
is_static() {
	[[ -f $1 ]] || return 1
	# A dynamic executable names its loader (ld-linux) in its first bytes.
	! head -c 4096 "$1" | grep -aq 'ld-linux'
}

bb=$(find_busybox)

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
case $dir in
/) die "refusing to build a rootfs at /" ;;
esac

# Serialise concurrent runs on the same DIR (parallel test packages).
exec 9<"$dir"
if command -v flock >/dev/null 2>&1; then
	flock 9
fi

# Directories. Modes are set explicitly so that a re-run repairs them.
for d in bin etc proc sys dev tmp root home/user var run usr; do
	mkdir -p "$dir/$d"
done
chmod 0755 "$dir" "$dir/bin" "$dir/etc" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/home" "$dir/var" "$dir/run" "$dir/usr"
chmod 1777 "$dir/tmp"
chmod 0700 "$dir/root"
chmod 0755 "$dir/home/user"
chown 1000:1000 "$dir/home/user" 2>/dev/null || true

# Merged-/usr style aliases so /sbin/x, /usr/bin/x and /usr/sbin/x resolve too.
for link in sbin:bin usr/bin:../bin usr/sbin:../bin; do
	name=${link%%:*} target=${link#*:}
	if [[ -L $dir/$name ]]; then
		[[ $(readlink "$dir/$name") == "$target" ]] || ln -sfn "$target" "$dir/$name"
	elif [[ ! -e $dir/$name ]]; then
		ln -s "$target" "$dir/$name"
	fi
done

# busybox itself, replaced only when it differs from the host's.
if ! cmp -s "$bb" "$dir/bin/busybox"; then
	cp -f "$bb" "$dir/bin/busybox.new"
	chmod 0755 "$dir/bin/busybox.new"
	mv -f "$dir/bin/busybox.new" "$dir/bin/busybox"
fi

# One symlink per applet.
while IFS= read -r applet; do
	[[ -n $applet && $applet != busybox ]] || continue
	target=$dir/bin/$applet
	if [[ ! -L $target || $(readlink "$target") != busybox ]]; then
		ln -sfn busybox "$target"
	fi
done < <("$dir/bin/busybox" --list)

# write_file DST MODE writes stdin to DST atomically when the content changed.
write_file() {
	local dst=$1 mode=$2 tmp
	tmp=$(mktemp "$dst.XXXXXX")
	cat >"$tmp"
	chmod "$mode" "$tmp"
	if cmp -s "$tmp" "$dst"; then
		rm -f "$tmp"
	else
		mv -f "$tmp" "$dst"
	fi
}

write_file "$dir/etc/passwd" 0644 <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD

write_file "$dir/etc/group" 0644 <<'GROUP'
root:x:0:
daemon:x:1:
user:x:1000:
tty:x:5:
extra:x:1001:user
nogroup:x:65534:
GROUP

write_file "$dir/etc/hostname" 0644 <<'HOSTNAME'
busybox
HOSTNAME

echo "$dir"
