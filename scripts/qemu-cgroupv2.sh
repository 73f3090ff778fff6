#!/usr/bin/env bash
# qemu-cgroupv2.sh - run the cgroup tests on a pure cgroup v2 kernel under qemu.
#
# The host of this project has a hybrid cgroup layout, so the v2 controllers
# (memory, pids, cpu, io, cpuset, ...) can only be exercised on another
# kernel. This script boots Debian's kernel under qemu with cgroup v1 switched
# off (cgroup_no_v1=all), cgroup2 mounted at /sys/fs/cgroup, and runs there the
# test binaries (go test -c) of ./cgroups/..., the module root and the TestCgroups* tests of
# ./integration, then powers the machine off. The serial console is shown
# and saved; the script parses it and exits non-zero when a test binary
# failed, or when the run did not finish within the timeout.
#
# The guest boots from a small initramfs (busybox and the modules for the
# disk) and switches to an ext4 disk image holding busybox, the test
# binaries, their shared libraries and the busybox test rootfs; /tmp is on
# that disk, so container rootfs copies do real block I/O.
#
# Missing Debian packages (qemu-system-x86, busybox-static, e2fsprogs) are
# installed with apt-get. Debian's kernel (the package linux-image-amd64
# depends on) is fetched with apt-get download and unpacked into the work
# directory rather than installed, so the host's /boot is left alone.
#
# Environment:
#   QEMU_WORK             work directory (default <repo>/.cache/qemu-cgroupv2)
#   QEMU_TIMEOUT          seconds the whole guest run may take (default 3600)
#   QEMU_ACCEL            qemu accelerator: tcg (software emulation, the
#                         default) or kvm where nested KVM works
#   QEMU_SMP              virtual CPUs (default 2)
#   QEMU_INTEGRATION_RUN  -test.run pattern for ./integration (default
#                         ^TestCgroups); "none" skips the integration tests
#   QEMU_PKGS             packages to test (default: those of ./cgroups/...
#                         that have tests, the module root and ./integration)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${QEMU_WORK:-$repo/.cache/qemu-cgroupv2}
timeout_s=${QEMU_TIMEOUT:-3600}
smp=${QEMU_SMP:-2}
integration_run=${QEMU_INTEGRATION_RUN:-^TestCgroups}
go=${GO:-go}

log() { echo "qemu-cgroupv2: $*" >&2; }
die() { log "$*"; exit 1; }

# need installs the Debian packages whose commands are missing.
need() {
	local missing=() pair cmd pkg
	for pair in "$@"; do
		cmd=${pair%%:*} pkg=${pair#*:}
		if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x $cmd ]]; then missing+=("$pkg"); fi
	done
	((${#missing[@]} == 0)) && return 0
	[[ $(id -u) -eq 0 ]] || die "missing ${missing[*]}; run as root or install them"
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		{ apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; } ||
		die "apt-get install ${missing[*]} failed"
}

need qemu-system-x86_64:qemu-system-x86 /bin/busybox:busybox-static mkfs.ext4:e2fsprogs \
	cpio:cpio gzip:gzip dpkg-deb:dpkg apt-get:apt
command -v "$go" >/dev/null || die "go not found"

mkdir -p "$work"

# --- Debian's kernel --------------------------------------------------------
kdir=$work/kernel
if ! compgen -G "$kdir/boot/vmlinuz-*" >/dev/null; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	if [[ -z $pkg ]]; then
		apt-get update -q >&2 || true
		pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	fi
	[[ -n $pkg ]] || die "cannot resolve the kernel package of linux-image-amd64"
	log "fetching $pkg (Debian's kernel)"
	dl=$(mktemp -d)
	(cd "$dl" && apt-get download "$pkg" >&2) || die "apt-get download $pkg failed"
	rm -rf "$kdir.tmp"
	dpkg-deb -x "$dl"/*.deb "$kdir.tmp"
	rm -rf "$dl" "$kdir"
	mv "$kdir.tmp" "$kdir"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | sort -V | tail -1)
kver=${vmlinuz##*/vmlinuz-}
moddir=$kdir/lib/modules/$kver
log "kernel $kver"

# --- staging: the ext4 root of the guest ----------------------------------
stage=$work/stage
rm -rf "$stage" "$work/initramfs"
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,run,mnt,tests,etc} "$stage/sys/fs/cgroup"
chmod 1777 "$stage/tmp"
cp /bin/busybox "$stage/bin/busybox"
for applet in $(/bin/busybox --list); do
	[[ -e $stage/bin/$applet ]] || ln -s busybox "$stage/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

# copy_libs copies the shared libraries of an executable into the stage.
copy_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[[ -e $stage$lib ]] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# The test binaries, one directory each (with the package's testdata).
cd "$repo"
if [[ -n ${QEMU_PKGS:-} ]]; then
	pkgs=$QEMU_PKGS
else
	pkgs="$($go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./cgroups/...) $($go list .) $($go list ./integration)"
fi
module=$($go list -m)
names=()
for pkg in $pkgs; do
	rel=${pkg#"$module"}
	rel=${rel#/}
	name=${rel//\//_}
	[[ -n $name ]] || name=root
	[[ $name == integration && $integration_run == none ]] && continue
	log "building $rel"
	mkdir -p "$stage/tests/$name"
	GOOS=linux GOARCH=amd64 CGO_ENABLED=1 $go test -c -tags "${BUILDTAGS:-seccomp}" \
		-o "$stage/tests/$name/$name.test" "$pkg"
	[[ -f $stage/tests/$name/$name.test ]] || { log "$rel has no tests"; rm -rf "${stage:?}/tests/$name"; continue; }
	[[ -d $rel/testdata ]] && cp -a "$rel/testdata" "$stage/tests/$name/"
	copy_libs "$stage/tests/$name/$name.test"
	names+=("$name")
done
((${#names[@]} > 0)) || die "no test binaries built"
bash scripts/mkrootfs.sh "$stage/rootfs" >/dev/null

# The guest's second stage: mounts, cgroup2, the tests, power off.
cat >"$stage/sbin/qemu-test-init" <<EOF
#!/bin/sh
export PATH=/bin:/sbin HOME=/root TMPDIR=/tmp
export LIBCONTAINER_TEST_ROOTFS=/rootfs
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /root
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ip link set lo up
for c in \$(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+\$c" >/sys/fs/cgroup/cgroup.subtree_control
done
echo "QEMU-INFO kernel \$(uname -r)"
echo "QEMU-INFO cgroup mounts: \$(grep cgroup /proc/mounts | tr '\n' ';')"
echo "QEMU-INFO controllers: \$(cat /sys/fs/cgroup/cgroup.subtree_control)"
echo "QEMU-INFO psi: \$(head -1 /proc/pressure/memory 2>&1)"
echo "QEMU-INFO root fs: \$(grep ' / ' /proc/mounts | tail -1)"
for name in ${names[*]}; do
	args=""
	[ "\$name" = integration ] && args="-test.run $integration_run"
	echo "QEMU-BEGIN \$name"
	(cd /tests/\$name && ./\$name.test -test.v -test.count=1 -test.timeout=40m \$args 2>&1)
	echo "QEMU-RESULT \$name rc=\$?"
done
echo QEMU-DONE
sync
poweroff -f
EOF
chmod 755 "$stage/sbin/qemu-test-init"

# --- initramfs: busybox, the disk modules, switch to the disk --------------
ird=$work/initramfs
mkdir -p "$ird"/{bin,proc,sys,dev,newroot,modules}
cp /bin/busybox "$ird/bin/busybox"
declare -A modpath=() seen=()
while IFS= read -r ko; do
	base=${ko##*/}
	base=${base%.ko*}
	modpath[${base//-/_}]=$ko
done < <(find "$moddir/kernel" -name '*.ko*')
order=()
# add_module appends a module after its dependencies (from .modinfo).
add_module() {
	local m=${1//-/_} ko dep deps
	[[ -n ${seen[$m]:-} ]] && return 0
	seen[$m]=1
	ko=${modpath[$m]:-}
	[[ -n $ko ]] || { log "module $m not in the kernel package (built in?)"; return 0; }
	deps=$(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | head -1)
	for dep in ${deps//,/ }; do add_module "$dep"; done
	cp "$ko" "$ird/modules/"
	order+=("${ko##*/}")
}
for m in crc32c_generic crc32c_intel virtio_pci virtio_blk ext4 veth overlay; do add_module "$m"; done
printf '%s\n' "${order[@]}" >"$ird/modules/order"
cat >"$ird/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do insmod /modules/$m 2>/dev/null || echo "QEMU-INFO insmod $m failed"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
if ! mount -t ext4 /dev/vda /newroot; then
	echo "QEMU-FATAL cannot mount the test disk /dev/vda"
	poweroff -f
fi
umount /dev /sys /proc
exec switch_root /newroot /sbin/qemu-test-init
EOF
chmod 755 "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"

# --- the disk image ---------------------------------------------------------
img=$work/disk.img
rm -f "$img"
used_mb=$(du -sm "$stage" | cut -f1)
truncate -s "$((used_mb + 1536))M" "$img"
mkfs.ext4 -q -F -O ^metadata_csum -E root_owner=0:0 -d "$stage" "$img"
rm -rf "$stage" "$ird" # both are in the images now

# --- boot ----------------------------------------------------------------
# Software emulation by default: on this project's machines /dev/kvm exists
# but KVM cannot start a guest (qemu aborts setting MSRs).
accel=${QEMU_ACCEL:-tcg}
cpu=max
[[ $accel == kvm ]] && cpu=host
cmdline="console=ttyS0 quiet loglevel=3 panic=-1 psi=1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1"
console=$work/console.log
log "booting (accel $accel, $smp CPUs, 2G, timeout ${timeout_s}s); console in $console"
set +e
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel "$accel" -cpu "$cpu" -smp "$smp" -m 2G -nographic -no-reboot -nic none \
	-kernel "$vmlinuz" -initrd "$work/initramfs.gz" -append "$cmdline" \
	-drive "file=$img,format=raw,if=virtio,cache=unsafe" </dev/null | tr -d '\r' | tee "$console"
qrc=${PIPESTATUS[0]}
set -e
rm -f "$img" # large and rebuilt every run

# --- verdict --------------------------------------------------------------
echo
echo "=== qemu-cgroupv2 summary (kernel $kver, cgroup v2 only) ==="
awk '
/^QEMU-BEGIN / { pkg = $2; next }
/^--- PASS: / { pass[pkg]++ } /^--- FAIL: / { fail[pkg]++; failed[pkg] = failed[pkg] " " $3 } /^--- SKIP: / { skip[pkg]++ }
/^QEMU-RESULT / { split($3, r, "="); printf "%-22s %s  %d passed, %d failed, %d skipped%s\n", $2, (r[2] == 0 ? "ok  " : "FAIL"), pass[$2], fail[$2], skip[$2], (failed[$2] != "" ? "  (" substr(failed[$2], 2) ")" : "") }
' "$console"
total_fail=$(grep -c '^QEMU-RESULT .* rc=[1-9]' "$console" || true)
if ! grep -q '^QEMU-DONE' "$console"; then
	if [[ $qrc -eq 124 || $qrc -eq 137 ]]; then
		die "the guest did not finish within ${timeout_s}s"
	fi
	die "the guest stopped before finishing the tests (qemu exit $qrc); see $console"
fi
if [[ $total_fail -gt 0 ]]; then
	die "$total_fail test binaries failed on cgroup v2; see $console"
fi
log "all test binaries passed on cgroup v2"
