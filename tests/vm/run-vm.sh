#!/bin/bash
# Boot Debian's kernel under qemu (TCG) with a busybox initramfs holding the
# module and the test binaries; run the kselftests (--mode test) or the demo
# (--mode demo).  Exits non-zero on any failure, printing the guest console.
#
#   tests/vm/run-vm.sh --mode test|demo|bench --kver VERSION --out BUILD_DIR [--ko MODULE]
#                      [--append "KEY=VALUE ..."] [--msg MSG] [--kernel BZIMAGE [--debug]]
#                      [--canary CANARY_KO]
# --append adds kernel command line words; KEY=VALUE words that the kernel
# does not know reach /init as environment variables (MPCMODE works so).
# --kernel boots BZIMAGE instead of /boot/vmlinuz-VERSION (VERSION is then
# read from the image unless --kver is given).  --debug says it is the debug
# kernel (tests/scripts/debug-kernel.sh): more memory and time, panic on any
# warning or KASAN report, warnings on the console, and /init checks that
# kmemleak, lockdep and KASAN are active and runs kmemleak scans.
# --canary ships tests/vm/canary's module, which /init loads with
# bug=$MPC_CANARY (tests/vm/debug-canary.sh).
# MPC_VM_TIMEOUT (seconds) and MPC_VM_MEM (MiB) override the defaults.
set -euo pipefail

mode=test kver= out=build ko= append= msg="hello from mpcsign" kernel= debug=0 canary=
while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--debug) debug=1; shift ;;
	--canary) canary=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--msg) msg=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	*) echo "run-vm: unknown argument $1" >&2; exit 2 ;;
	esac
done
top=$(cd "$(dirname "$0")/../.." && pwd)
# the release string of an x86 bzImage (boot protocol: kernel_version at 0x20e)
image_release() {
	local off
	[ "$(dd if="$1" bs=1 skip=514 count=4 status=none)" = HdrS ] || return 1
	off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
	[ -n "$off" ] && [ "$off" != 0 ] || return 1
	dd if="$1" bs=1 skip=$((off + 512)) count=128 status=none | tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}
if [ -n "$kernel" ]; then
	vmlinuz=$kernel
	[ -r "$vmlinuz" ] || { echo "run-vm: kernel image $vmlinuz not found" >&2; exit 1; }
	[ -n "$kver" ] || kver=$(image_release "$vmlinuz") ||
		{ echo "run-vm: no release string in $vmlinuz (not a bzImage?)" >&2; exit 1; }
else
	[ -n "$kver" ] || kver=$("$top/tests/scripts/kver.sh")
	vmlinuz=/boot/vmlinuz-$kver
	[ -r "$vmlinuz" ] || { echo "run-vm: $vmlinuz not found" >&2; exit 1; }
fi
if [ "$debug" = 1 ]; then
	# KASAN's shadow, kmemleak and lockdep need memory; everything runs slower
	timeout_s=${MPC_VM_TIMEOUT:-2400} mem=${MPC_VM_MEM:-2048}
	# a warning, KASAN or UBSAN report panics (oops=panic, the hung-task and
	# lockup panics are in the config); loglevel 5 puts lockdep's and the
	# other warnings on the console before the panic; MPC_DEBUG_KERNEL=1
	# tells /init to check kmemleak, lockdep and KASAN
	kargs="loglevel=5 panic_on_warn=1 kasan.fault=panic MPC_DEBUG_KERNEL=1"
else
	timeout_s=${MPC_VM_TIMEOUT:-600} mem=${MPC_VM_MEM:-1024}
	kargs="quiet loglevel=4"
fi
[ -n "$ko" ] || ko=$top/$out/kmod-$kver/mpcsign.ko
[ -r "$ko" ] || { echo "run-vm: $ko not built (make module)" >&2; exit 1; }
modinfo -F vermagic "$ko" | grep -q "^$kver " || {
	echo "run-vm: $ko was built for $(modinfo -F vermagic "$ko"), not $kver" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,mpcsign/ksft,mpcsign/deps,etc}
cp /bin/busybox "$root/bin/busybox"
cp "$top/tests/vm/init" "$root/init"
cp "$ko" "$root/mpcsign/"
if [ -n "$canary" ]; then
	[ -r "$canary" ] || { echo "run-vm: canary module $canary not found" >&2; exit 1; }
	mkdir -p "$root/mpcsign/canary"
	cp "$canary" "$root/mpcsign/canary/mpc_canary.ko"
fi
printf '%s' "$msg" > "$root/mpcsign/msg"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >> "$root/etc/passwd"
bins=()
for b in "$top/$out"/ksft/*; do
	[ -x "$b" ] && { cp "$b" "$root/mpcsign/ksft/"; bins+=("$b"); }
done
mkdir -p "$root/mpcsign/vm"
for b in "$top/$out"/vm/*; do
	[ -x "$b" ] && { cp "$b" "$root/mpcsign/vm/"; bins+=("$b"); }
done
if [ -x "$top/$out/mpcsign" ]; then
	cp "$top/$out/mpcsign" "$root/mpcsign/"
	bins+=("$top/$out/mpcsign")
fi
# the network test (tests/vm/net-test.sh): the party daemon, iproute2's ip,
# util-linux's setpriv (busybox's has no --reuid) and veth.ko
cp "$top/tests/vm/net-test.sh" "$root/mpcsign/"
if [ -x "$top/$out/mpcsignd" ]; then
	cp "$top/$out/mpcsignd" "$root/mpcsign/"
	bins+=("$top/$out/mpcsignd")
fi
mkdir -p "$root/usr/sbin" "$root/usr/bin" "$root/mpcsign/net"
for b in /usr/sbin/ip /usr/bin/setpriv; do
	[ -x "$b" ] && cp -L "$b" "$root$b" && bins+=("$b")
done
veth=/lib/modules/$kver/kernel/drivers/net/veth.ko
[ -r "$veth" ] && cp "$veth" "$root/mpcsign/net/"
# shared libraries of the test binaries, at their host paths
for b in "${bins[@]}"; do
	ldd "$b" | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

log=$work/console.log
start=$(date +%s.%N)
set +e
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m "$mem" -smp 1 \
	-display none -monitor none -serial "file:$log" -no-reboot \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 $kargs panic=-1 oops=panic MPCMODE=$mode $append" </dev/null
qrc=$?
set -e
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
tr -d '\r' <"$log" >"$work/console.txt"
if ! grep -q "^MPCSIGN-VM-DONE rc=" "$work/console.txt"; then
	echo "run-vm: the guest did not finish (qemu rc=$qrc, ${secs}s, $vmlinuz); console:" >&2
	cat "$work/console.txt" >&2
	# a panic (a report with panic_on_warn, a hung task, an oops) ends the guest:
	# say so on stdout too, with the report that caused it
	if grep -q "Kernel panic - not syncing" "$work/console.txt"; then
		echo "not ok - vm: kernel panic: $(grep -m1 -o 'Kernel panic - not syncing.*' "$work/console.txt")"
		# from the report's first line (or 60 lines before the panic) to the panic
		awk -v re='BUG:|WARNING:|UBSAN:|INFO: task|watchdog:|Oops|general protection|Kernel panic - not syncing' '
			{ line[NR] = $0 }
			first == "" && $0 ~ re { first = NR }
			/Kernel panic - not syncing/ { last = NR; exit }
			END { if (first == "" || first < last - 150) first = last - 60; if (first < 1) first = 1
			      for (i = first; i <= last; i++) print "# " line[i] }' "$work/console.txt"
	fi
	echo "not ok - vm: guest finished"
	exit 1
fi
vrc=$(sed -n 's/^MPCSIGN-VM-DONE rc=//p' "$work/console.txt")
# the guest's own output (drop kernel messages that went to the console)
grep -v -e '^\[ *[0-9]*\.[0-9]*\]' -e '^MPCSIGN-VM-DONE' "$work/console.txt"
echo "# VM boot-to-result: ${secs}s (qemu -accel tcg, $kver$([ "$debug" = 1 ] && echo ', debug kernel'))"
if [ "$vrc" != 0 ] || grep -q "^not ok" "$work/console.txt"; then
	echo "run-vm: failures in the guest; full console:" >&2
	cat "$work/console.txt" >&2
	exit 1
fi
exit 0
