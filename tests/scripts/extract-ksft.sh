#!/bin/sh
# Extract the kernel's kselftest harness headers from Debian's linux-source-6.1
# tarball into $1 (build tree only; never committed).
set -eu
out=$1
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "extract-ksft: linux-source-6.1 not installed" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xf "$tarball" -C "$tmp" --wildcards '*/tools/testing/selftests/kselftest.h' \
	'*/tools/testing/selftests/kselftest_harness.h'
cp "$tmp"/*/tools/testing/selftests/kselftest.h "$tmp"/*/tools/testing/selftests/kselftest_harness.h "$out/"
