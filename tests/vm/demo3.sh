#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: three party machines (three qemu VMs, each its own kernel with the
# module and mpcsignd) and a coordinator (this host, the mpcsign CLI) make a
# 2-of-3 key by ChillDKG over TCP + TLS and sign a message with it.
#
#   tests/vm/demo3.sh --kver VERSION --out BUILD_DIR [--ko MODULE] [--msg MSG]
#
# Each VM has qemu user networking with one forward, 127.0.0.1:PORT (host) to
# its port 7000, and nothing else (restrict=on: the guest reaches nothing
# outside).  Bootstrap: each guest makes its host key in its kernel and prints
# it on its console; this script collects the three, makes the coordinator's
# key file, and sends each guest its config (allowlist: the three host keys
# and the coordinator) and policy over the guest's second serial port; then
# the guests start mpcsignd and the coordinator runs `mpcsign dkg` and
# `mpcsign sign`.  Every exit path stops the VMs (trap).
set -euo pipefail

kver= out=build ko= msg="hello from mpcsign" timeout_s=${MPC_DEMO_TIMEOUT:-240}
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--msg) msg=$2; shift 2 ;;
	*) echo "demo3: unknown argument $1" >&2; exit 2 ;;
	esac
done
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "$kver" ] || kver=$("$top/tests/scripts/kver.sh")
vmlinuz=/boot/vmlinuz-$kver
[ -r "$vmlinuz" ] || { echo "demo3: $vmlinuz not found" >&2; exit 1; }
[ -n "$ko" ] || ko=$top/$out/kmod-$kver/mpcsign.ko
[ -r "$ko" ] || { echo "demo3: $ko not built (make module)" >&2; exit 1; }
cli=$top/$out/mpcsign daemon=$top/$out/mpcsignd
[ -x "$cli" ] || { echo "demo3: $cli not built (make userspace)" >&2; exit 1; }
N=3 T=2
standin=0
usage=$("$cli" 2>&1 || true)
if [ ! -x "$daemon" ] || [[ "$usage" != *" dkg "* ]]; then
	standin=1
	echo "demo3: $daemon or the CLI's dkg/sign not built yet: the VMs run a stand-in echo" \
	     "service and only the network path is shown" >&2
fi

work=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- one initramfs for the three machines ------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,etc,mpcsign/net,usr/sbin,usr/bin}
cp /bin/busybox "$root/bin/busybox"
cp "$top/tests/vm/init-party" "$root/init"
cp "$ko" "$root/mpcsign/"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
bins=("$cli")
cp "$cli" "$root/mpcsign/"
if [ $standin = 0 ]; then cp "$daemon" "$root/mpcsign/"; bins+=("$daemon"); fi
for b in /usr/sbin/ip /usr/bin/setpriv; do cp -L "$b" "$root$b"; bins+=("$b"); done
for b in "${bins[@]}"; do
	ldd "$b" | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# virtio_net and what it needs (Debian builds virtio as modules), in load order
declare -A seen=()
order=()
add_mod() {
	local m=$1 d
	[ -n "${seen[$m]:-}" ] && return 0
	seen[$m]=1
	for d in $(modinfo -k "$kver" -F depends "$m" | tr ',' ' '); do add_mod "$d"; done
	cp "$(modinfo -k "$kver" -F filename "$m")" "$root/mpcsign/net/$m.ko"
	order+=("$m.ko")
}
add_mod virtio_pci
add_mod virtio_net
printf '%s\n' "${order[@]}" >"$root/mpcsign/net/order"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

# --- three free ports on 127.0.0.1 ------------------------------------------------------
ports=()
base=$(( (RANDOM % 2000) * 10 + 30000 ))
for ((p = base; ${#ports[@]} < N && p < base + 1000; p++)); do
	ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || ports+=("$p")
done
[ ${#ports[@]} = $N ] || { echo "demo3: no free ports" >&2; exit 1; }

# --- boot ---------------------------------------------------------------------------------
start=$(date +%s.%N)
for ((i = 0; i < N; i++)); do
	mkfifo "$work/ctl$i.in" "$work/ctl$i.out"
	qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 -display none -monitor none -no-reboot \
		-serial "file:$work/console$i.log" -serial "pipe:$work/ctl$i" \
		-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${ports[$i]}-:7000" \
		-device virtio-net-pci,netdev=n0 \
		-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 oops=panic MPCPARTY=$i" \
		</dev/null >"$work/qemu$i.err" 2>&1 &
	pids+=($!)
	# keep the guest's output fifo drained
	cat "$work/ctl$i.out" >/dev/null &
	pids+=($!)
done
console() { [ -r "$work/console$1.log" ] && tr -d '\r' <"$work/console$1.log" || true; }
# wait_for PATTERN: every guest's console has a line matching ^PATTERN i
wait_for() {
	local pat=$1 i ok
	while :; do
		ok=0
		for ((i = 0; i < N; i++)); do
			console $i | grep -q "^$pat $i\b" && ok=$((ok + 1))
			if console $i | grep -q "^MPCSIGN-VM-DONE\|^MPCSIGN-FAILED\|Kernel panic"; then
				echo "demo3: machine $i stopped; its console:" >&2
				console $i >&2
				return 1
			fi
		done
		[ $ok = $N ] && return 0
		if (( $(date +%s) - ${start%.*} > timeout_s )); then
			echo "demo3: timeout waiting for $pat; consoles:" >&2
			for ((i = 0; i < N; i++)); do console $i | tail -n 20 >&2; done
			return 1
		fi
		sleep 0.3
	done
}
send() { printf '%s\n' "${@:2}" >"$work/ctl$1.in"; }
elapsed() { awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

echo "== three party machines (qemu -accel tcg, one kernel each with mpcsign.ko and mpcsignd) =="
wait_for MPCSIGN-HOSTKEY
declare -a hk
for ((i = 0; i < N; i++)); do
	hk[$i]=$(console $i | sed -n "s/^MPCSIGN-HOSTKEY $i hostpubkey=//p" | head -n 1)
	console $i | grep "^vm$i| " | sed 's/^/  /'
	if [ $standin = 0 ]; then
		[[ "${hk[$i]}" =~ ^0[23][0-9a-f]{64}$ ]] || { echo "demo3: machine $i gave no host key" >&2; console $i >&2; exit 1; }
		echo "  machine $i: host key made in its kernel: hostpubkey=${hk[$i]} (127.0.0.1:${ports[$i]})"
	fi
done
echo "  (booted and host keys made in $(elapsed) s)"

if [ $standin = 1 ]; then
	wait_for MPCSIGN-READY
	rc=0
	for ((i = 0; i < N; i++)); do
		got=
		if exec 3<>"/dev/tcp/127.0.0.1/${ports[$i]}"; then
			echo "ping machine $i" >&3
			read -r -t 10 got <&3 || true
			exec 3>&-
		fi
		if [ "$got" = "ping machine $i" ]; then
			echo "ok - demo3: 127.0.0.1:${ports[$i]} reaches machine $i's port 7000 (stand-in echo)"
		else
			echo "not ok - demo3: 127.0.0.1:${ports[$i]} does not reach machine $i ('$got')"; rc=1
		fi
		send $i MPCSIGN-STOP
	done
	[ $rc = 0 ] || exit $rc
	# and the signature from the one-VM demo (three host keys in one module)
	cleanup
	trap - EXIT
	echo "== until mpcsignd lands: the one-VM demo =="
	exec "$top/tests/vm/run-vm.sh" --mode demo --kver "$kver" --out "$out" --ko "$ko" --msg "$msg"
fi

echo "== the coordinator (this host): a key file of its own =="
"$cli" keygen --identity "$work/coordinator.key" >"$work/ck"
ck=$(sed -n 's/^pubkey=//p' "$work/ck")
echo "  coordinator pubkey=$ck (key file on the host, mode 0600; it holds no share)"

for ((i = 0; i < N; i++)); do
	{
		echo "MPCSIGN-FILE mpcsignd.conf"
		echo "[mpcsignd]"
		echo "listen = 0.0.0.0:7000"
		echo "host_key = ${hk[$i]}"
		echo "device = /dev/mpcsign"
		echo "control_socket = /run/mpcsign/control.sock"
		echo "state_dir = /var/lib/mpcsign"
		echo "policy = /etc/mpcsign/policy.conf"
		for ((j = 0; j < N; j++)); do echo "peer = ${hk[$j]}"; done
		echo "coordinator = $ck"
		echo "MPCSIGN-FILE policy.conf"
		echo "[rule demo]"
		echo "action = allow"
		echo "coordinator = $ck"
		echo "key = any"
		echo "kind = raw"
		echo "MPCSIGN-CONFIG-END"
	} >"$work/ctl$i.in"
done
wait_for MPCSIGN-READY
echo "  each machine got its allowlist (the 3 host keys + the coordinator) and policy over"
echo "  its second serial port and started mpcsignd ($(elapsed) s)"

eps=()
for ((i = 0; i < N; i++)); do eps+=("${hk[$i]}@127.0.0.1:${ports[$i]}"); done
echo "== ChillDKG: $T of $N, the coordinator dials each machine (TCP + TLS 1.3) =="
if ! "$cli" dkg --identity "$work/coordinator.key" --threshold $T --description "make demo" \
	--state-dir "$work/state" "${eps[@]}" >"$work/dkg" 2>"$work/dkg.err"; then
	echo "demo3: mpcsign dkg failed:" >&2; cat "$work/dkg" "$work/dkg.err" >&2; exit 1
fi
sed 's/^/  /' "$work/dkg"
tpk=$(sed -n 's/^threshold_pubkey=//p' "$work/dkg")
echo "== FROST signing: any $T of the $N machines =="
msghex=$(printf '%s' "$msg" | od -An -tx1 -v | tr -d ' \n')
if ! "$cli" sign --identity "$work/coordinator.key" --key "$tpk" --message "$msghex" \
	--state-dir "$work/state" >"$work/sign" 2>"$work/sign.err"; then
	echo "demo3: mpcsign sign failed:" >&2; cat "$work/sign" "$work/sign.err" >&2; exit 1
fi
grep -v -e '^threshold_pubkey=' -e '^message=' -e '^signature=' -e '^verified=' "$work/sign" | sed 's/^/  /'
grep -e '^threshold_pubkey=' -e '^message=' -e '^signature=' -e '^verified=' "$work/sign"
echo "  (verified by libsecp256k1's BIP340 verifier against the x-only threshold key)"
verified=$(sed -n 's/^verified=//p' "$work/sign")

for ((i = 0; i < N; i++)); do send $i MPCSIGN-STOP; done
for ((i = 0; i < N; i++)); do
	for k in $(seq 1 100); do console $i | grep -q '^MPCSIGN-VM-DONE' && break; sleep 0.1; done
done
echo "== who held what =="
for ((i = 0; i < N; i++)); do
	keys=$(console $i | sed -n "s/^vm$i| keys: //p")
	kv() { printf '%s\n' "$keys" | sed -n "s/^keys.0.$1=//p"; }
	echo "  machine $i (its own VM and kernel, 127.0.0.1:${ports[$i]}): its host secret and its share of"
	echo "    $(kv thresh_pk) (participant $(kv my_id) of $(kv n), threshold $(kv t)),"
	echo "    both born in its kernel and never copied out; $(kv signatures) signature(s) by it so far."
done
cat <<EOF
  Each secret nonce was drawn in its signer's kernel, used by one SIGN and wiped.
  mpcsignd (user mpcsign, the only opener of /dev/mpcsign) holds handles, not secrets;
  its state_dir holds the public recovery data.  This host (the coordinator, untrusted)
  holds its transport key file and public values only.
== what crossed the network (TLS 1.3: 127.0.0.1 -> qemu user net -> port 7000) ==
  AUTH both ways on each connection: BIP340 by the machine's kernel-held host key (and
  by the coordinator's key file) over the connection's tls-exporter binding.
  DKG, to each machine: DKG_PROPOSE -> DKG_PMSG1, DKG_CMSG1 -> DKG_PMSG2, DKG_CMSG2 ->
  DKG_FINAL (threshold key + recovery ack), DKG_ACKS -> DKG_READY.
  Signing, to each signer: SIGN_REQ (message, signer set) -> SIGN_NONCE (public nonce),
  SIGN_AGG (request hash + aggregate nonce) -> SIGN_PSIG (partial signature).
  No machine talks to another; no secret crosses.  What each daemon logged:
EOF
for ((i = 0; i < N; i++)); do
	echo "  machine $i: $(console $i | sed -n "s/^vm$i| mpcsignd: .*request=\([A-Z_0-9]*\).*outcome=\([a-z]*\).*/\1 \2/p" |
		tr '\n' ',' | sed 's/,$//; s/,/, /g')"
done
if [ "${MPC_DEMO_VERBOSE:-0}" = 1 ]; then
	echo "== the machines' logs =="
	for ((i = 0; i < N; i++)); do console $i | grep -E "^vm$i\| (mpcsignd|keys): " | sed "s/^/  /"; done
fi
echo "# demo: $(elapsed) s from boot to signature and shutdown (three VMs in parallel)"
[ "$verified" = yes ]
