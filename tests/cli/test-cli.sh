#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/cli/test-cli.sh O - what the mpcsign CLI and mpcsignd do without
# the kernel module (the build machine): argument checks and their exit codes
# (mpcsign(1), mpcsignd(8) EXIT STATUS), key files, approvals, key records,
# unreachable parties, the control socket's absence, config and policy checks.
# The network protocol itself runs in the VM (tests/vm/net-test.sh).
# Prints "ok - cli: ..." / "not ok - cli: ..."; exits 1 on any failure.
set -u
O=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
C=$top/$O/mpcsign D=$top/$O/mpcsignd V=$top/$O/vm/net_verify
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
rc=0
ok() { echo "ok - cli: $*"; }
bad() { echo "not ok - cli: $*"; rc=1; }
# expect RC WHAT CMD...: CMD exits with RC
expect() {
	local want=$1 what=$2 got
	shift 2
	"$@" >"$W/out" 2>"$W/err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$what (exit $got)"
	else
		bad "$what: exit $got, want $want: $(head -c 300 "$W/err")"
	fi
}
field() { sed -n "s/^$1=//p" "$2" | head -n 1; }

[ -x "$C" ] || { echo "not ok - cli: $C not built"; exit 1; }

# --- keygen
expect 0 "keygen makes a key file" $C keygen --identity "$W/a.key"
A=$(field pubkey "$W/out")
[ "$(stat -c %a "$W/a.key")" = 600 ] && echo "$A" | grep -qE '^0[23][0-9a-f]{64}$' &&
	ok "keygen: pubkey=HEX33, mode 0600" || bad "keygen: pubkey '$A', mode $(stat -c %a "$W/a.key")"
cp "$W/a.key" "$W/a.copy"
expect 6 "keygen never overwrites" $C keygen --identity "$W/a.key"
cmp -s "$W/a.key" "$W/a.copy" && ok "keygen: the existing file is unchanged" || bad "keygen changed an existing key file"
$C keygen --identity "$W/b.key" >"$W/b.pub" 2>/dev/null
B=$(field pubkey "$W/b.pub")
[ -n "$B" ] && [ "$B" != "$A" ] && ok "two keygens, two keys" || bad "second keygen: '$B'"
expect 2 "keygen without --identity" $C keygen

# --- approve: BIP340 over the approval digest, by the key file's key
expect 0 "approve" $C approve --identity "$W/a.key" --key "$B" --message 68656c6c6f
ap=$(field approval "$W/out") dg=$(field digest "$W/out")
[ "${ap%%:*}" = "${A:2}" ] && ok "approve: the approver is the key file's x-only key" ||
	bad "approve: approver ${ap%%:*}, key ${A:2}"
if [ -x "$V" ]; then
	$V "${ap%%:*}" "$dg" "${ap#*:}" >/dev/null && ok "approve: libsecp256k1 verifies the approval" ||
		bad "approve: libsecp256k1 refuses the approval"
	flip=$(echo "$dg" | sed 's/^\(.\)/\1/; s/.$/0/'); [ "$flip" = "$dg" ] && flip=$(echo "$dg" | sed 's/.$/1/')
	$V "${ap%%:*}" "$flip" "${ap#*:}" >/dev/null 2>&1 && bad "approve: verifies for another digest" ||
		ok "approve: not valid for another digest"
fi
$C approve --identity "$W/a.key" --key "$B" --message 68656c6c6f >"$W/out2" 2>/dev/null
[ "$(field digest "$W/out2")" = "$dg" ] && ok "approve: the digest depends on key and message only" ||
	bad "approve: digest changed between two runs"
$C approve --identity "$W/a.key" --key "$B" --message 68656c6c6f --tweak "$(printf '11%.0s' $(seq 32)):xonly" >"$W/out3" 2>/dev/null
[ "$(field digest "$W/out3")" != "$dg" ] && ok "approve: a tweak changes the digest" || bad "approve: tweak ignored"
chmod 644 "$W/a.key"
expect 6 "approve refuses a key file others may read" $C approve --identity "$W/a.key" --key "$B" --message 00
chmod 600 "$W/a.key"
expect 2 "approve: --message and --file together" $C approve --identity "$W/a.key" --key "$B" --message 00 --file /etc/hostname
expect 2 "approve: odd hex" $C approve --identity "$W/a.key" --key "$B" --message 0
expect 2 "approve: bad key" $C approve --identity "$W/a.key" --key 04abcd --message 00

# --- dkg: argument checks, unreachable parties
P1="$A@127.0.0.1:1" P2="$B@[::1]:1"
expect 2 "dkg: threshold above n" $C dkg --identity "$W/a.key" --threshold 3 --state-dir "$W/s" $P1 $P2
expect 2 "dkg: threshold 0" $C dkg --identity "$W/a.key" --threshold 0 --state-dir "$W/s" $P1 $P2
expect 2 "dkg: party without address" $C dkg --identity "$W/a.key" --threshold 1 --state-dir "$W/s" "$A"
expect 2 "dkg: IPv6 without brackets" $C dkg --identity "$W/a.key" --threshold 1 --state-dir "$W/s" "$A@::1:7000"
expect 2 "dkg: port 0" $C dkg --identity "$W/a.key" --threshold 1 --state-dir "$W/s" "$A@127.0.0.1:0"
expect 2 "dkg: the same host key twice" $C dkg --identity "$W/a.key" --threshold 1 --state-dir "$W/s" $P1 "$A@127.0.0.1:2"
expect 2 "dkg: a description with a control character" $C dkg --identity "$W/a.key" --threshold 1 \
	--description "$(printf 'a\tb')" --state-dir "$W/s" $P1
expect 6 "dkg: missing identity file" $C dkg --identity "$W/none.key" --threshold 1 --state-dir "$W/s" $P1
expect 3 "dkg: nobody listening (connection refused)" $C dkg --identity "$W/a.key" --threshold 2 --timeout 2 \
	--state-dir "$W/s" $P1 $P2
grep -q "unreachable" "$W/err" && grep -q "$A" "$W/err" && ok "dkg: the unreachable party is named by host key" ||
	bad "dkg: unreachable party not named: $(head -c 300 "$W/err")"
[ ! -e "$W/s/keys" ] || [ -z "$(ls "$W/s/keys")" ] && ok "dkg: a failed DKG stores no record" ||
	bad "dkg: a record after a failed DKG: $(ls "$W/s/keys")"

# --- sign: argument checks, unknown key, a record that does not parse
expect 6 "sign: unknown key" $C sign --identity "$W/a.key" --key "$B" --message 00 --state-dir "$W/s"
grep -q "unknown key" "$W/err" && ok "sign: says unknown key" || bad "sign: $(cat "$W/err")"
mkdir -p "$W/s/keys" && echo garbage >"$W/s/keys/$B.key"
expect 6 "sign: a record that does not parse" $C sign --identity "$W/a.key" --key "$B" --message 00 --state-dir "$W/s"
expect 2 "sign: bad tweak" $C sign --identity "$W/a.key" --key "$B" --message 00 --tweak 11 --state-dir "$W/s"
expect 2 "sign: bad approval" $C sign --identity "$W/a.key" --key "$B" --message 00 --approval 11:22 --state-dir "$W/s"
expect 2 "sign: no message" $C sign --identity "$W/a.key" --key "$B" --state-dir "$W/s"
head -c 70000 /dev/zero >"$W/big"
expect 6 "sign: a file over the 64 KiB message limit" $C sign --identity "$W/a.key" --key "$B" --file "$W/big" --state-dir "$W/s"
MPCSIGN_STATE_DIR=$W/s expect 6 "sign: MPCSIGN_STATE_DIR is the default state dir" \
	$C sign --identity "$W/a.key" --key "$B" --message 00

# --- control socket
expect 6 "status: no daemon" $C status --socket "$W/none.sock"
grep -q "is mpcsignd running" "$W/err" && ok "status: says so" || bad "status: $(cat "$W/err")"
expect 2 "status: extra argument" $C status extra
expect 2 "unknown command" $C frobnicate

# --- mpcsignd without the module
if [ -x "$D" ]; then
	expect 0 "mpcsignd --help" $D --help
	expect 2 "mpcsignd: unknown option" $D --bogus
	expect 2 "mpcsignd: --device without --create-host-key" $D --device /dev/null
	expect 3 "mpcsignd --check-config: no such file" $D --check-config --config "$W/none.conf"
	printf '[mpcsignd]\nlisten = 127.0.0.1:7999\nhost_key = %s\npolicy = %s\nstate_dir = %s\ncontrol_socket = %s\ndevice = %s\ncoordinator = %s\n' \
		"$A" "$W/policy.conf" "$W/state" "$W/ctl.sock" "$W/nodev" "$B" >"$W/d.conf"
	printf '[rule ops]\naction = allow\ncoordinator = %s\n' "$B" >"$W/policy.conf"
	expect 0 "mpcsignd --check-config: a valid config and policy" $D --check-config --config "$W/d.conf"
	grep -q "config ok" "$W/out" && ok "mpcsignd --check-config prints a summary" || bad "check-config: $(cat "$W/out")"
	printf '[rule ops]\naction = perhaps\n' >"$W/policy.conf"
	expect 3 "mpcsignd --check-config: a bad policy" $D --check-config --config "$W/d.conf"
	grep -q "policy.conf:2" "$W/err" && ok "mpcsignd: the policy error names its line" || bad "policy error: $(cat "$W/err")"
	printf '[rule ops]\naction = allow\n' >"$W/policy.conf"
	sed 's/^listen = .*/listen = 127.0.0.1:99999/' "$W/d.conf" >"$W/bad.conf"
	expect 3 "mpcsignd --check-config: a bad listen address" $D --check-config --config "$W/bad.conf"
	grep -v '^host_key' "$W/d.conf" >"$W/nohk.conf"
	expect 3 "mpcsignd: no host_key" $D --config "$W/nohk.conf"
	grep -q "create-host-key" "$W/err" && ok "mpcsignd: says how to make a host key" || bad "no host_key: $(cat "$W/err")"
	expect 1 "mpcsignd: no device" $D --config "$W/d.conf"
	[ ! -e "$W/ctl.sock" ] && ok "mpcsignd: a failed start leaves no control socket" || bad "control socket left behind"
	expect 1 "mpcsignd --create-host-key: no device" $D --create-host-key --device "$W/nodev"
fi
exit $rc
