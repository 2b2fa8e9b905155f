#!/bin/bash
# Build (once) and locate the debug kernel of the test VM: Debian's
# linux-source-6.1 configured by `make allnoconfig` + tests/vm/debug-kernel.config
# (scripts/kconfig/merge_config.sh -n), with KASAN, kmemleak, lockdep,
# DEBUG_ATOMIC_SLEEP, UBSAN, DEBUG_LIST and the hung-task / lockup detectors.
#
#   tests/scripts/debug-kernel.sh build     build unless cached; prints the kernel dir
#   tests/scripts/debug-kernel.sh dir       print the kernel dir (KDIR), build nothing
#   tests/scripts/debug-kernel.sh image     print the bzImage path, build nothing
#   tests/scripts/debug-kernel.sh release   print the release (uname -r) of a built one
#   tests/scripts/debug-kernel.sh verify    check the built .config against the fragment
#
# The tree lives outside the checkout, in
#   ${MPC_CACHE_DIR:-/var/cache/mpcsign}/debug-kernel/<key>/
# (~/.cache/mpcsign/debug-kernel/<key>/ for a user who cannot write /var/cache).
# <key> is a hash of the fragment, the linux-source-6.1 package version and the
# compiler version: the same inputs reuse the built tree (also across clones
# and O= directories), new inputs build a new one.  The build is incremental:
# an interrupted build resumes where it stopped.  Concurrent callers wait for
# each other (flock).  Build output goes to <key>/build.log.
# Environment: MPC_CACHE_DIR, MPC_KERNEL_JOBS (default 2), LINUX_SOURCE_TARBALL.
set -euo pipefail

cmd=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
frag=$top/tests/vm/debug-kernel.config
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
pkg=linux-source-6.1
jobs=${MPC_KERNEL_JOBS:-2}
# the default cache needs root (CI); others fall back to ~/.cache
if [ -n "${MPC_CACHE_DIR:-}" ]; then
	cache=$MPC_CACHE_DIR/debug-kernel
elif [ -w /var/cache/mpcsign ] || { [ ! -e /var/cache/mpcsign ] && [ -w /var/cache ]; }; then
	cache=/var/cache/mpcsign/debug-kernel
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/mpcsign/debug-kernel
fi

die() { echo "debug-kernel: $*" >&2; exit 1; }

[ -r "$frag" ] || die "$frag not found"
srcver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "package $pkg not installed (tests/scripts/install-deps.sh)"
# the kernel's make uses gcc whatever CC the caller has
ccver=$(gcc --version 2>/dev/null | head -n 1) || die "no gcc"
key=$( { cat "$frag"; echo "$pkg $srcver"; echo "$ccver"; } | sha256sum | cut -c1-16)
dir=$cache/$key
image=$dir/arch/x86/boot/bzImage

# verify: every line of the fragment holds in $dir/.config
verify() {
	local line opt val bad=0
	[ -r "$dir/.config" ] || die "$dir/.config missing"
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			opt=${line%%=*} val=${line#*=}
			if ! grep -qxF -- "$opt=$val" "$dir/.config"; then
				echo "debug-kernel: required $opt=$val, the .config has:" \
					"$(grep -E "^(# )?$opt[= ]" "$dir/.config" || echo 'nothing (not offered: a dependency is missing)')" >&2
				bad=1
			fi ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# } opt=${opt%% *}
			if grep -q "^$opt=" "$dir/.config"; then
				echo "debug-kernel: required $opt off, the .config has $(grep "^$opt=" "$dir/.config")" >&2
				bad=1
			fi ;;
		esac
	done <"$frag"
	[ "$bad" = 0 ] || die "$dir/.config lacks options of $frag (see above)"
}

case "$cmd" in
dir) echo "$dir"; exit 0 ;;
image) echo "$image"; exit 0 ;;
release)
	[ -r "$dir/include/config/kernel.release" ] || die "not built yet ($dir)"
	cat "$dir/include/config/kernel.release"; exit 0 ;;
verify) verify; echo "debug-kernel: $dir/.config has every option of $frag"; exit 0 ;;
build) ;;
*) die "unknown command $cmd (build|dir|image|release|verify)" ;;
esac

mkdir -p "$cache" 2>/dev/null || die "cannot create $cache (set MPC_CACHE_DIR)"
exec 9>"$cache/.lock-$key"
if ! flock -n 9; then
	echo "debug-kernel: another build of $dir is running, waiting" >&2
	flock 9
fi
if [ -e "$dir/.complete" ] && [ -r "$image" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$dir"
log=$dir/build.log
# the kernel build must not see the caller's make (O=, -j, jobserver, KDIR)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEFILES O KDIR M W KBUILD_OUTPUT ARCH CROSS_COMPILE
start=$(date +%s)
if [ ! -e "$dir/.extracted" ]; then
	[ -r "$tarball" ] || die "$tarball not found (install $pkg)"
	echo "debug-kernel: extracting $tarball ($pkg $srcver) to $dir" >&2
	find "$dir" -mindepth 1 -maxdepth 1 ! -name build.log -exec rm -rf {} +
	tar -xf "$tarball" -C "$dir" --strip-components=1
	touch "$dir/.extracted"
fi
if [ ! -e "$dir/.configured" ] || ! cmp -s "$frag" "$dir/.fragment"; then
	echo "debug-kernel: configuring (allnoconfig + $frag)" >&2
	cp "$frag" "$dir/.fragment"
	(cd "$dir" && ./scripts/kconfig/merge_config.sh -n .fragment) >"$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "merge_config.sh failed (log $log)"; }
	# merge_config only warns when Kconfig dropped a value: refuse that
	grep -A3 -E "^Value requested for|^Value of .* is redefined" "$log" >&2 || true
	verify
	touch "$dir/.configured"
fi
echo "debug-kernel: building $(cat "$dir/include/config/kernel.release" 2>/dev/null || echo "$pkg $srcver")" \
	"with -j$jobs in $dir (log $log; about 12-25 min on 2 cores from nothing)" >&2
# LOCALVERSION= set (empty): no "+" from scripts/setlocalversion
if ! (cd "$dir" && nice -n 10 make -j"$jobs" LOCALVERSION= all) >>"$log" 2>&1; then
	grep -E "error|Error" "$log" | tail -n 20 >&2
	tail -n 30 "$log" >&2
	die "kernel build failed (log $log)"
fi
verify
[ -r "$image" ] || die "$image missing after the build"
[ -r "$dir/Module.symvers" ] || die "$dir/Module.symvers missing after the build"
end=$(date +%s)
echo "$((end - start)) s, -j$jobs, $(date -u +%FT%TZ)" >>"$dir/build-times"
touch "$dir/.complete"
echo "debug-kernel: built $(cat "$dir/include/config/kernel.release") in $((end - start)) s" >&2
echo "$dir"
