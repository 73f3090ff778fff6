#!/usr/bin/env bash
# compare.sh [-n N] [--only LIST] - time one container lifecycle (create,
# run /bin/true, wait, destroy) with this library, runc and crun.
#
#   -n N         lifecycles per runtime (default 50)
#   --only LIST  comma-separated subset of: ours,runc,crun (default all three)
#
# ours: cmd/lcbench does the lifecycle N times in-process and reports the mean.
# runc, crun: "<runtime> run --bundle B ID" per lifecycle (run creates, starts,
# waits and deletes), timed with hyperfine when installed, else a bash loop.
# All three use the same busybox rootfs and the same namespaces (mount, UTS,
# IPC, PID, network). Must run as root. Everything it creates (state roots,
# bundles, containers) is removed on exit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=50
only=ours,runc,crun

while [[ $# -gt 0 ]]; do
	case $1 in
	-n) n=${2:?-n needs a number}; shift 2 ;;
	--only) only=${2:?--only needs a list}; shift 2 ;;
	-h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: -n $n: want a positive number" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "compare.sh: must run as root" >&2; exit 1; }
wants() { [[ ,$only, == *,$1,* ]]; }
for r in ${only//,/ }; do
	case $r in ours|runc|crun) ;; *) echo "compare.sh: --only: unknown runtime $r" >&2; exit 2 ;; esac
done
need=(jq busybox-static)
wants runc && need+=(runc)
wants crun && need+=(crun util-linux)
"$repo/scripts/deps.sh" "${need[@]}"

work=$(mktemp -d /tmp/lcbench.XXXXXX)
runc_id=bench-runc-$$
crun_id=bench-crun-$$

# child is the pid of the measurement running in the background (see measure).
child=

# measure OUT CMD... runs CMD in the background with stdout to OUT and waits,
# so that a signal reaches the trap at once instead of after the command.
measure() {
	local out=$1
	shift
	"$@" >"$out" &
	child=$!
	wait "$child"
	child=
}

# cleanup stops the measurement, lets runtime processes it started finish,
# removes every container this script may have left, and deletes its files.
cleanup() {
	set +e
	if [[ -n $child ]]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	# A runc/crun run already under way completes within moments; wait for
	# it (matched by this run's private state directory) before deleting.
	for ((i = 0; i < 100; i++)); do
		pgrep -f -- "--root $work/" >/dev/null || break
		sleep 0.05
	done
	if [[ -d $work/runc-state ]]; then
		runc --root "$work/runc-state" delete -f "$runc_id" >/dev/null 2>&1
	fi
	if [[ -d $work/crun-state ]]; then
		# shellcheck disable=SC2016 # $1 and $2 expand in the inner shell
		unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; crun --root "$1" delete -f "$2"' \
			sh "$work/crun-state" "$crun_id" >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rootfs=$("$repo/scripts/mkrootfs.sh" "$work/rootfs")

# make_bundle DIR writes DIR/config.json from "runc spec", adjusted to match
# what cmd/lcbench runs: our rootfs (writable), /bin/true, no terminal, the
# same namespaces, hostname and capabilities, and no /sys/fs/cgroup mount.
make_bundle() {
	local dir=$1
	mkdir -p "$dir"
	(cd "$dir" && runc spec)
	local caps='["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_MKNOD","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]'
	jq --arg root "$rootfs" --argjson caps "$caps" '
		.root = {path: $root, readonly: false}
		| .process.args = ["/bin/true"]
		| .process.terminal = false
		| .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}
		| .hostname = "lcbench"
		| .linux.namespaces = [{type:"mount"},{type:"uts"},{type:"ipc"},{type:"pid"},{type:"network"}]
		| .mounts |= map(select(.destination != "/sys/fs/cgroup"))
	' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# time_cmd NAME CMD prints the mean milliseconds of N runs of the shell
# command CMD, with hyperfine when it is installed, else a bash loop.
time_cmd() {
	local name=$1 cmd=$2
	if command -v hyperfine >/dev/null; then
		hyperfine --style none --warmup 2 --runs "$n" --export-json "$work/$name.json" "$cmd" >&2
		jq '.results[0].mean * 1000' "$work/$name.json"
	else
		eval "$cmd" >&2 # warm-up, and fail early on a broken setup
		local start end i
		start=$(date +%s%N)
		for ((i = 0; i < n; i++)); do
			eval "$cmd" >&2
		done
		end=$(date +%s%N)
		awk -v s="$start" -v e="$end" -v n="$n" 'BEGIN { printf "%.3f\n", (e - s) / n / 1e6 }'
	fi
}

declare -A mean
declare -a order

if wants ours; then
	echo "== ours: building cmd/lcbench" >&2
	if ! CGO_ENABLED=1 go build -C "$repo" -o "$work/lcbench" ./cmd/lcbench; then
		echo "compare.sh: cmd/lcbench does not build; use --only runc,crun to compare the others" >&2
		exit 1
	fi
	echo "== ours: $n lifecycles in-process" >&2
	measure "$work/ours.out" "$work/lcbench" -n "$n" -rootfs "$rootfs" -root "$work/ours-state"
	mean[ours]=$(awk '$1 == "mean_ms" { print $2 }' "$work/ours.out")
	[[ -n ${mean[ours]} ]] || { echo "compare.sh: lcbench printed no mean" >&2; exit 1; }
	order+=(ours)
fi

if wants runc; then
	echo "== runc $(runc --version | head -n1 | awk '{print $3}'): $n lifecycles" >&2
	make_bundle "$work/runc-bundle"
	mkdir -p "$work/runc-state"
	measure "$work/runc.mean" time_cmd runc "runc --root $work/runc-state run --bundle $work/runc-bundle $runc_id </dev/null"
	mean[runc]=$(<"$work/runc.mean")
	order+=(runc)
fi

if wants crun; then
	# crun rejects this host's hybrid cgroup layout (cgroup2 at
	# /sys/fs/cgroup/unified) unless it is hidden: time it inside a private
	# mount namespace where that mount is gone. Run the whole timing there
	# so that unshare itself is not part of the measurement.
	echo "== crun $(crun --version | head -n1 | awk '{print $3}'): $n lifecycles (unified hierarchy unmounted in a private mount namespace)" >&2
	make_bundle "$work/crun-bundle"
	mkdir -p "$work/crun-state"
	export n work
	export -f time_cmd
	# shellcheck disable=SC2016 # $work and time_cmd are exported to the inner shell
	measure "$work/crun.mean" unshare -m bash -c '
		set -euo pipefail
		if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
		time_cmd crun "crun --root $work/crun-state run --bundle $work/crun-bundle '"$crun_id"' </dev/null"
	'
	mean[crun]=$(<"$work/crun.mean")
	order+=(crun)
fi

echo
printf '%-8s %14s %14s\n' runtime "mean ms" "ratio to ours"
for r in "${order[@]}"; do
	if [[ -n ${mean[ours]:-} ]]; then
		ratio=$(awk -v a="${mean[$r]}" -v b="${mean[ours]}" 'BEGIN { printf "%.2f", a / b }')
	else
		ratio=n/a
	fi
	printf '%-8s %14.2f %14s\n' "$r" "${mean[$r]}" "$ratio"
done
