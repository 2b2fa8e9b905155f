#!/bin/sh
# Install everything mpcsign needs to build and test, from Debian 12 packages.
#   scripts/install-deps.sh              install (apt-get update + install)
#   scripts/install-deps.sh --if-missing install only if something is missing
# Needs root (or sudo).  Non-interactive, safe to run again.
set -eu

PKGS="build-essential make gcc libc6-dev pkg-config
linux-headers-amd64 linux-image-amd64 linux-source-6.1 xz-utils
qemu-system-x86 busybox-static cpio kmod
libsecp256k1-dev libnl-3-dev libnl-genl-3-dev valgrind python3
libssl-dev openssl libinih-dev libsystemd-dev iproute2
flex bison bc libelf-dev"

missing() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || echo "$p"
	done
}

if [ "${1:-}" = "--if-missing" ]; then
	m=$(missing)
	[ -n "$m" ] || exit 0
	echo "install-deps: missing packages:" $m
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $PKGS
m=$(missing)
if [ -n "$m" ]; then
	echo "install-deps: still missing:" $m >&2
	exit 1
fi
echo "install-deps: all dependencies installed"
