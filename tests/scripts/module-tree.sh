#!/bin/sh
# Mirror the module's sources (Kbuild, kmod/, include/) into DST, so that kbuild
# builds the module there (M=DST) and never writes objects into the source tree.
# Each build directory (O=) and each kernel gets its own copy, so builds for
# Debian's kernel and the debug kernel, or two O= trees, never share objects.
#   tests/scripts/module-tree.sh SRC DST
set -eu
src=$1 dst=$2
mkdir -p "$dst"
# copy what changed (cp -u keeps kbuild's timestamps meaningful)
(cd "$src" && find Kbuild kmod include -type f \( -name Kbuild -o -name '*.[ch]' \)) |
while read -r f; do
	mkdir -p "$dst/$(dirname "$f")"
	if ! cmp -s "$src/$f" "$dst/$f"; then
		cp "$src/$f" "$dst/$f"
	fi
done
# drop sources that are gone from SRC (kbuild globs kmod/core/*.c)
(cd "$dst" && find kmod include -type f -name '*.[ch]' 2>/dev/null) |
while read -r f; do
	[ -e "$src/$f" ] || rm -f "$dst/$f" "$dst/${f%.c}.o"
done
