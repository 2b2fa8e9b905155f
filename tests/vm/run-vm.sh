#!/bin/bash
# Boot Debian's kernel under qemu (TCG) with a busybox initramfs holding the
# module and the test binaries; run the kselftests (--mode test) or the demo
# (--mode demo).  Exits non-zero on any failure, printing the guest console.
#
#   tests/vm/run-vm.sh --mode test|demo|bench --kver VERSION --out BUILD_DIR [--ko MODULE]
#                      [--append "KEY=VALUE ..."] [--msg MSG]
# --append adds kernel command line words; KEY=VALUE words that the kernel
# does not know reach /init as environment variables (MPCMODE works so).
set -euo pipefail

mode=test kver= out=build ko= append= msg="hello from mpcsign" timeout_s=${MPC_VM_TIMEOUT:-600}
while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--msg) msg=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	*) echo "run-vm: unknown argument $1" >&2; exit 2 ;;
	esac
done
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "$kver" ] || kver=$("$top/tests/scripts/kver.sh")
vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || { echo "run-vm: $vmlinuz not found" >&2; exit 1; }
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
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 \
	-display none -monitor none -serial "file:$log" -no-reboot \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic MPCMODE=$mode $append" </dev/null
qrc=$?
set -e
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')
tr -d '\r' <"$log" >"$work/console.txt"
if ! grep -q "^MPCSIGN-VM-DONE rc=" "$work/console.txt"; then
	echo "run-vm: the guest did not finish (qemu rc=$qrc, ${secs}s); console:" >&2
	cat "$work/console.txt" >&2
	echo "not ok - vm: guest finished"
	exit 1
fi
vrc=$(sed -n 's/^MPCSIGN-VM-DONE rc=//p' "$work/console.txt")
# the guest's own output (drop kernel messages that went to the console)
grep -v -e '^\[ *[0-9]*\.[0-9]*\]' -e '^MPCSIGN-VM-DONE' "$work/console.txt"
echo "# VM boot-to-result: ${secs}s (qemu -accel tcg)"
if [ "$vrc" != 0 ] || grep -q "^not ok" "$work/console.txt"; then
	echo "run-vm: failures in the guest; full console:" >&2
	cat "$work/console.txt" >&2
	exit 1
fi
exit 0
