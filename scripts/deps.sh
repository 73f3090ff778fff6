#!/usr/bin/env bash
# deps.sh [PACKAGE...] - install the Debian packages this project needs, if
# any is missing. With no arguments it checks what building and testing need:
# a C toolchain and libseccomp for cgo, busybox-static for the test rootfs,
# uidmap and iproute2 for user- and network-namespace tests, util-linux,
# systemd (run only as PID 1 of a test container by the systemd driver test).
# Does nothing (and needs no network) when everything is installed.
set -euo pipefail

if [[ $# -eq 0 ]]; then
	set -- busybox-static gcc libc6-dev libseccomp-dev pkg-config make uidmap iproute2 util-linux systemd
fi

missing=()
for pkg in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing packages: ${missing[*]}; install them with: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
