#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/net-test.sh - mpcsign end to end across network namespaces, inside
# the test VM (run by tests/vm/init after the kselftests, or alone with
# MPCMODE=net: tests/vm/run-vm.sh --mode net).  The module must be loaded.
#
# Topology (star, as in production): a coordinator namespace "co" and five
# party namespaces p1..p5, each joined to "co" by one veth pair on its own
# /30 of 10.77.0.0/24 (party i: co side 10.77.0.(4i+1), party 10.77.0.(4i+2)),
# so the parties cannot reach each other.  Each party runs one mpcsignd as
# its own uid (1000+i, group mpcsign = 900, which owns /dev/mpcsign 0660 as
# the udev rule sets it), with its own host key in the kernel.  The
# coordinator is the mpcsign CLI with a key file, in "co".  No traffic leaves
# the namespaces.
#
# Prints "ok - net: ..." / "not ok - net: ..." per check (tests/run-tests.sh
# counts them) and "# SKIP net: ..." where a part is not built yet; exits 1
# on any failure.
set -u
IP=/usr/sbin/ip
SETPRIV=/usr/bin/setpriv
D=/mpcsign/mpcsignd
C=/mpcsign/mpcsign
VERIFY=/mpcsign/vm/net_verify
RAW=/mpcsign/vm/net_raw
AUDIT=/mpcsign/vm/net_audit
W=/tmp/net
PORT=7000
GRP=900
NPARTY=5
rc=0
ok() { echo "ok - net: $*"; }
bad() { echo "not ok - net: $*"; rc=1; }
skip() { echo "# SKIP net: $*"; }
note() { echo "# net: $*"; }
t0=$(cut -d' ' -f1 /proc/uptime)

party_addr() { echo "10.77.0.$((4 * $1 + 2))"; }
coord_addr() { echo "10.77.0.$((4 * $1 + 1))"; }
# in_ns NS CMD...: run CMD in network namespace NS
in_ns() { local ns=$1; shift; $IP netns exec "$ns" "$@"; }
# as_party I CMD...: CMD as party I's uid, group mpcsign, in its namespace
as_party() {
	local i=$1; shift
	$IP netns exec "p$i" $SETPRIV --reuid=$((1000 + i)) --regid=$GRP --clear-groups "$@"
}
# field NAME FILE: the value of the first NAME=... line of FILE
field() { sed -n "s/^$1=//p" "$2" | head -n 1; }

cleanup() {
	local i p
	for p in $W/p*/pid; do
		[ -r "$p" ] && kill -CONT "$(cat "$p")" 2>/dev/null && kill "$(cat "$p")" 2>/dev/null
	done
	for p in $W/p*/pid; do
		[ -r "$p" ] || continue
		for i in $(seq 1 50); do kill -0 "$(cat "$p")" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$(cat "$p")" 2>/dev/null
	done
	sleep 0.2
	for i in $(seq 1 $NPARTY); do $IP netns del "p$i" 2>/dev/null; done
	$IP netns del co 2>/dev/null
}

# --- the network ---------------------------------------------------------------
setup_net() {
	local i m
	for m in /mpcsign/net/*.ko; do
		[ -e "$m" ] && { insmod "$m" 2>/dev/null || true; }
	done
	if [ ! -x $IP ]; then
		bad "iproute2's ip not in the VM ($IP)"
		return 1
	fi
	mkdir -p /run/netns /var/run
	$IP netns add co || { bad "ip netns add co"; return 1; }
	in_ns co $IP link set lo up
	for i in $(seq 1 $NPARTY); do
		$IP netns add "p$i" &&
		$IP link add "c$i" netns co type veth peer name eth0 netns "p$i" &&
		in_ns co $IP addr add "$(coord_addr $i)/30" dev "c$i" &&
		in_ns co $IP link set "c$i" up &&
		in_ns "p$i" $IP addr add "$(party_addr $i)/30" dev eth0 &&
		in_ns "p$i" $IP link set eth0 up &&
		in_ns "p$i" $IP link set lo up || { bad "namespace p$i and its veth link"; return 1; }
	done
	ok "$NPARTY party namespaces and a coordinator namespace, joined by veth pairs"
	# TCP from the coordinator's namespace to each party (busybox nc), and
	# the parties cannot reach each other (star topology)
	local good=0
	for i in $(seq 1 $NPARTY); do
		rm -f $W/nc.out
		in_ns "p$i" nc -l -p $PORT >$W/nc.out 2>/dev/null &
		local lp=$!
		sleep 0.2
		echo "hello p$i" | in_ns co nc -w 2 "$(party_addr $i)" $PORT 2>/dev/null
		sleep 0.1
		kill $lp 2>/dev/null
		wait $lp 2>/dev/null
		grep -q "^hello p$i$" $W/nc.out && good=$((good + 1))
	done
	[ $good = $NPARTY ] && ok "TCP from the coordinator's namespace reaches each of the $NPARTY parties" ||
		bad "TCP from the coordinator's namespace reached $good of $NPARTY parties"
	if in_ns p1 nc -w 1 "$(party_addr 2)" $PORT </dev/null 2>/dev/null; then
		bad "party 1 reaches party 2 (the parties must only see the coordinator)"
	else
		ok "a party cannot reach another party (no route)"
	fi
}

setup_users() {
	local i
	grep -q "^mpcsign:" /etc/group 2>/dev/null || echo "mpcsign:x:$GRP:" >>/etc/group
	for i in $(seq 1 $NPARTY); do
		grep -q "^party$i:" /etc/passwd ||
			echo "party$i:x:$((1000 + i)):$GRP:party $i:$W/p$i:/bin/false" >>/etc/passwd
		mkdir -p "$W/p$i/state"
		chown -R "$((1000 + i)):$GRP" "$W/p$i"
		chmod 0700 "$W/p$i"
	done
	# as the udev rule (userspace/mpcsignd/60-mpcsign.rules): group mpcsign, 0660
	chgrp $GRP /dev/mpcsign && chmod 0660 /dev/mpcsign
	if [ ! -x $SETPRIV ]; then
		bad "util-linux setpriv not in the VM ($SETPRIV)"
		return 1
	fi
	if as_party 1 sh -c "id -u; exec 3</dev/mpcsign" >$W/id.out 2>&1 && [ "$(head -n 1 $W/id.out)" = 1001 ]; then
		ok "party 1 runs as uid 1001 and opens /dev/mpcsign through group $GRP"
	else
		bad "party 1 as uid 1001 with group $GRP: $(cat $W/id.out)"
	fi
	# nobody else opens the device
	if $SETPRIV --reuid=65534 --regid=65534 --clear-groups sh -c "exec 3</dev/mpcsign" 2>/dev/null; then
		bad "uid nobody opened /dev/mpcsign (mode $(stat -c %a /dev/mpcsign))"
	else
		ok "uid nobody cannot open /dev/mpcsign"
	fi
}

# --- the daemons -------------------------------------------------------------------
# write_config I [EXTRA_COORDINATOR...]
write_config() {
	local i=$1 j c
	{
		echo "[mpcsignd]"
		echo "listen = $(party_addr $i):$PORT"
		echo "host_key = $(cat "$W/p$i/hk")"
		echo "device = /dev/mpcsign"
		echo "control_socket = $W/p$i/control.sock"
		echo "state_dir = $W/p$i/state"
		echo "policy = $W/p$i/policy.conf"
		for j in $(seq 1 $NPARTY); do echo "peer = $(cat "$W/p$j/hk")"; done
		for c in $COORDS; do echo "coordinator = $c"; done
		echo "handshake_timeout_ms = 3000"
		echo "round_timeout_ms = 8000"
		echo "session_timeout_ms = 60000"
		echo "max_connections = 8"
		echo "max_sessions = 16"
		echo "max_frame = 65536"
	} >"$W/p$i/mpcsignd.conf"
	chown "$((1000 + i)):$GRP" "$W/p$i/mpcsignd.conf"
}

# the policy of every party (mpcsign-policy(5)); first match decides
write_policy() {
	local i=$1
	cat >"$W/p$i/policy.conf" <<EOF
# the main coordinator: any raw message up to 1 KiB
[rule ops]
action = allow
coordinator = $CK
key = any
kind = raw
max_msg_len = 1024

# the coordinator whose identity is a host key in its own module
[rule ops-hostkey]
action = allow
coordinator = $CK_HK
key = any
kind = raw

# the rate-limited coordinator: 2 signatures per key per hour
[rule limited]
action = allow
coordinator = $CK_RATE
key = any
kind = raw
rate = 2/3600

# the approval coordinator: 2 of the 3 approvers must have signed
[rule approved]
action = allow
coordinator = $CK_APPR
key = any
kind = raw
approvers = $(echo "$AP1" | cut -c3-)
approvers = $(echo "$AP2" | cut -c3-)
approvers = $(echo "$AP3" | cut -c3-)
approvals = 2

# the denied coordinator (allowlisted, so it gets as far as the policy)
[rule nope]
action = deny
coordinator = $CK_DENY
key = any
EOF
	chown "$((1000 + i)):$GRP" "$W/p$i/policy.conf"
}

start_party() {
	local i=$1
	# exec: the pid is the daemon's (ip netns exec and setpriv exec in turn)
	(exec $IP netns exec "p$i" $SETPRIV --reuid=$((1000 + i)) --regid=$GRP --clear-groups \
		$D --config "$W/p$i/mpcsignd.conf" 2>>"$W/p$i/log") &
	echo $! >"$W/p$i/pid"
}

# wait_party I: the control socket answers status (at most ~10 s)
wait_party() {
	local i=$1 k
	for k in $(seq 1 50); do
		[ -S "$W/p$i/control.sock" ] && $C status --socket "$W/p$i/control.sock" >"$W/p$i/status" 2>/dev/null &&
			return 0
		kill -0 "$(cat "$W/p$i/pid")" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# rss PID: resident set in KiB
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$1/status 2>/dev/null; }
alive() { kill -0 "$(cat "$W/p$1/pid" 2>/dev/null)" 2>/dev/null; }

stop_party() {
	local i=$1 p
	p=$(cat "$W/p$i/pid" 2>/dev/null) || return 0
	kill -CONT "$p" 2>/dev/null
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$W/p$i/pid"
}

# --- coordinator helpers ---------------------------------------------------------
# endpoints I...: PUBKEY@HOST:PORT of parties I...
endpoints() {
	local i
	for i in "$@"; do printf '%s@%s:%s ' "$(cat "$W/p$i/hk")" "$(party_addr $i)" $PORT; done
}

# coord IDENTITY OUT CMD ARGS...: the CLI in the coordinator's namespace
coord() {
	local id=$1 out=$2 cmd=$3
	shift 3
	local ident="$W/co/$id.key"
	# "hostkey": the coordinator's identity is a host key in this machine's module
	[ "$id" = hostkey ] && ident="hostkey:$CK_HK"
	timeout 90 $IP netns exec co $C "$cmd" --identity "$ident" --state-dir "$W/co/state" "$@" \
		>"$out" 2>"$out.err"
}

hexof() { printf '%s' "$1" | xxd -p | tr -d '\n'; }

# check_sig OUT WHAT: OUT has verified=yes and libsecp256k1 agrees (net_verify)
check_sig() {
	local out=$1 what=$2 pk msg sig
	pk=$(field pubkey_xonly "$out") msg=$(field message "$out") sig=$(field signature "$out")
	[ -n "$pk" ] || pk=$(field threshold_pubkey "$out")
	if [ "$(field verified "$out")" != yes ] || [ -z "$sig" ]; then
		bad "$what: no verified signature: $(tr '\n' ' ' <"$out" | cut -c1-300) $(tail -n 3 "$out.err" | tr '\n' ' ')"
		return 1
	fi
	if [ -n "${WANT_MSG:-}" ] && [ "$msg" != "$WANT_MSG" ]; then
		bad "$what: signed message $msg, asked for $WANT_MSG"
		return 1
	fi
	if [ -x $VERIFY ]; then
		if $VERIFY "$pk" "$msg" "$sig" >/dev/null; then
			ok "$what: signature verified by the CLI and by libsecp256k1 (net_verify)"
		else
			bad "$what: the CLI said verified=yes but libsecp256k1 refuses the signature"
			return 1
		fi
	else
		ok "$what: signature verified=yes (net_verify not built)"
	fi
}

# --- the tests -------------------------------------------------------------------
run_tests() {
	local i out pk2 pk3 k

	# coordinator identities (key files, 0600)
	mkdir -p "$W/co/state"
	for k in main rate appr deny stranger ap1 ap2 ap3; do
		in_ns co $C keygen --identity "$W/co/$k.key" >"$W/co/$k.pub" 2>"$W/co/$k.err" ||
			{ bad "mpcsign keygen ($k): $(cat "$W/co/$k.err")"; return 1; }
	done
	CK=$(field pubkey "$W/co/main.pub") CK_RATE=$(field pubkey "$W/co/rate.pub")
	CK_APPR=$(field pubkey "$W/co/appr.pub") CK_DENY=$(field pubkey "$W/co/deny.pub")
	AP1=$(field pubkey "$W/co/ap1.pub") AP2=$(field pubkey "$W/co/ap2.pub") AP3=$(field pubkey "$W/co/ap3.pub")
	# a coordinator identity held in the kernel (root's host key, in its namespace)
	in_ns co $D --create-host-key >"$W/co/hk.out" 2>"$W/co/hk.err"
	CK_HK=$(field hostpubkey "$W/co/hk.out")
	echo "$CK_HK" | grep -qE '^0[23][0-9a-f]{64}$' ||
		{ bad "coordinator host key: $(cat "$W/co/hk.err")"; return 1; }
	COORDS="$CK $CK_RATE $CK_APPR $CK_DENY $CK_HK"
	if echo "$CK" | grep -qE '^0[23][0-9a-f]{64}$' && [ "$(stat -c %a "$W/co/main.key")" = 600 ]; then
		ok "mpcsign keygen: pubkey=HEX33, key file mode 0600"
	else
		bad "mpcsign keygen: pubkey '$CK', mode $(stat -c %a "$W/co/main.key")"
	fi

	# host keys, each made in the kernel as its party's uid
	local nh=0
	for i in $(seq 1 $NPARTY); do
		as_party $i $D --create-host-key >"$W/p$i/hk.out" 2>"$W/p$i/hk.err"
		field hostpubkey "$W/p$i/hk.out" >"$W/p$i/hk"
		grep -qE '^0[23][0-9a-f]{64}$' "$W/p$i/hk" && nh=$((nh + 1))
	done
	if [ $nh = $NPARTY ] && [ "$(cat $W/p*/hk | sort -u | wc -l)" = $NPARTY ]; then
		ok "mpcsignd --create-host-key: $NPARTY distinct host keys, one per party uid"
	else
		bad "mpcsignd --create-host-key: $nh of $NPARTY ($(cat "$W/p1/hk.err"))"
		return 1
	fi

	for i in $(seq 1 $NPARTY); do
		write_config $i
		write_policy $i
		start_party $i
	done
	local up=0
	for i in $(seq 1 $NPARTY); do
		wait_party $i && up=$((up + 1)) || note "party $i: $(tail -n 5 "$W/p$i/log" | tr '\n' ' ')"
	done
	if [ $up = $NPARTY ]; then
		ok "$NPARTY daemons up (control socket answers status)"
	else
		bad "$up of $NPARTY daemons up"
		return 1
	fi
	grep -q "$(cat "$W/p1/hk")" "$W/p1/status" && ok "mpcsign status shows the party's host key" ||
		bad "mpcsign status does not show the host key: $(cut -c1-200 "$W/p1/status")"
	# the daemon is its party's uid
	local uids
	uids=$(sed -n 's/^Uid:[[:space:]]*//p' /proc/"$(cat "$W/p2/pid")"/status | tr -s '[:space:]' ' ')
	[ "$uids" = "1002 1002 1002 1002 " ] && ok "mpcsignd of party 2 runs as uid 1002 (real, effective, saved, fs)" ||
		bad "mpcsignd of party 2 runs as uids '$uids'"

	# --- 2-of-3 DKG among parties 1..3, then a signature
	out=$W/co/dkg23
	if coord main $out dkg --threshold 2 --description "net test 2-of-3" $(endpoints 1 2 3); then
		pk2=$(field threshold_pubkey $out)
		[ -n "$pk2" ] && [ -n "$(field fingerprint $out)" ] &&
			ok "2-of-3 DKG over TCP+TLS among parties 1..3: threshold_pubkey and fingerprint" ||
			bad "2-of-3 DKG: output $(tr '\n' ' ' <$out)"
	else
		bad "2-of-3 DKG: $(tail -n 5 $out.err | tr '\n' ' ')"
		return 1
	fi
	local nk=0
	for i in 1 2 3; do
		$C keys --socket "$W/p$i/control.sock" 2>/dev/null | grep -q "$(echo "$pk2" | cut -c3-)" && nk=$((nk + 1))
	done
	[ $nk = 3 ] && ok "mpcsign keys at each of parties 1..3 lists the new key" ||
		bad "mpcsign keys lists the new key at $nk of 3 parties"
	WANT_MSG=$(hexof "hello over the namespaces")
	coord main $W/co/sign23 sign --key "$pk2" --message "$WANT_MSG"
	check_sig $W/co/sign23 "2-of-3 signing"
	# the same with the coordinator's identity a host key of its own module
	coord hostkey $W/co/signhk sign --key "$pk2" --message "$WANT_MSG"
	check_sig $W/co/signhk "2-of-3 signing by a coordinator whose identity is a kernel host key"
	# a DKG with a host key that is not in the parties' allowlist is refused
	coord stranger $W/co/dkgx dkg --threshold 2 $(endpoints 1 2) >/dev/null 2>&1 &&
		bad "a DKG from a coordinator not in the allowlist succeeded" ||
		ok "a DKG from a coordinator not in the allowlist is refused"

	# --- 3-of-5 DKG among parties 1..5, then a signature
	out=$W/co/dkg35
	if coord main $out dkg --threshold 3 --description "net test 3-of-5" $(endpoints 1 2 3 4 5); then
		pk3=$(field threshold_pubkey $out)
		ok "3-of-5 DKG among parties 1..5"
	else
		bad "3-of-5 DKG: $(tail -n 5 $out.err | tr '\n' ' ')"
		return 1
	fi
	WANT_MSG=$(hexof "three of five")
	coord main $W/co/sign35 sign --key "$pk3" --message "$WANT_MSG"
	check_sig $W/co/sign35 "3-of-5 signing"

	# --- one party down: any t of the others still sign
	# (party 1 is id 0 of both keys, the coordinator's first choice)
	stop_party 1
	WANT_MSG=$(hexof "party 1 is down")
	coord main $W/co/down23 sign --key "$pk2" --message "$WANT_MSG"
	check_sig $W/co/down23 "2-of-3 with party 1 down" &&
		{ grep -qE "^skipped=0 $(cat "$W/p1/hk") unreachable" $W/co/down23 &&
			ok "the coordinator reports party 1 as skipped (unreachable)" ||
			bad "party 1's host key is not reported as unreachable: $(grep -E '^(skipped|blamed|refused)=' $W/co/down23 | tr '\n' ' ')"; }
	coord main $W/co/down35 sign --key "$pk3" --message "$WANT_MSG"
	check_sig $W/co/down35 "3-of-5 with party 1 down"
	start_party 1
	wait_party 1 && ok "party 1 restarted (its host key found again in the kernel, its keys in its state_dir)" ||
		bad "party 1 did not come back: $(tail -n 3 "$W/p1/log")"

	# --- a party killed in the middle of a round: the first party whose
	# NONCE_GEN the kernel reports (audit group) is killed at once; the
	# coordinator must name it and finish with another subset
	test_kill_mid_round "$pk3" KILL
	# ... and one that stops answering (SIGSTOP): the round timeout (4 s) names it
	test_kill_mid_round "$pk2" STOP --timeout 4

	# --- a coordinator that changes the message between the rounds: net_raw
	# plays it against party 1 (id 0 of the 2-of-3 key, signers 0 and 1)
	if [ -x $RAW ]; then
		raw_tamper "$pk2"
	else
		skip "tamper: tests/vm/net_raw not built"
	fi
	# and the CLI's own test hook, where it has one
	if strings $C | grep -q MPCSIGN_TEST_TAMPER; then
		MPCSIGN_TEST_TAMPER=round2-msg coord main $W/co/tamper sign --key "$pk2" --message "$(hexof tamper)"
		if grep -q "^signature=" $W/co/tamper && [ "$(field verified $W/co/tamper)" = yes ]; then
			bad "a coordinator that changed the message in round 2 got a signature"
		else
			ok "a coordinator that changes the message between the rounds gets no partial signature"
		fi
	fi

	# --- frames: replayed, oversized; garbage instead of TLS
	test_frames
	# --- an unknown coordinator (not in the allowlist): handshake refused
	coord stranger $W/co/stranger sign --key "$pk2" --message "$(hexof stranger)"
	local sk
	sk=$(field pubkey "$W/co/stranger.pub")
	if grep -q "^signature=" $W/co/stranger; then
		bad "a coordinator not in the allowlist got a signature"
	elif grep -q "refused.*$sk.*not in the coordinators allowlist" "$W/p1/log"; then
		ok "a coordinator not in the allowlist is refused at the handshake (party 1 logged it)"
	else
		bad "the unknown coordinator: no refusal in party 1's log ($(tail -n 2 $W/co/stranger.err | tr '\n' ' '))"
	fi
	# --- policy: denied; over the rate limit; approvals
	test_policy "$pk2"

	# every daemon still up
	local alive=0
	for i in $(seq 1 $NPARTY); do
		kill -0 "$(cat "$W/p$i/pid" 2>/dev/null)" 2>/dev/null && alive=$((alive + 1))
	done
	[ $alive = $NPARTY ] && ok "all $NPARTY daemons still running at the end" ||
		bad "$alive of $NPARTY daemons running at the end"
	for i in $(seq 1 $NPARTY); do
		alive $i || { note "party $i is not running; the end of its log:"; tail -n 15 "$W/p$i/log" | sed 's/^/#   /'; }
	done
	dmesg | grep -i "segfault\|traps:" | sed 's/^/# /'
	# what the daemons logged, in short
	for i in $(seq 1 $NPARTY); do
		note "party $i logged $(wc -l <"$W/p$i/log") lines, $(grep -c 'outcome=refused' "$W/p$i/log") refusals"
	done
}

# test_kill_mid_round PK SIGNAL [CLI OPTIONS]: net_audit sends SIGNAL to the
# first daemon that draws a nonce for the signature; the coordinator must
# finish with another subset and name it.  If the victim signed anyway (the
# signal came after its SIGN), the race is lost: up to 3 tries.
test_kill_mid_round() {
	local pk=$1 sig=$2 victim= i try args out
	shift 2
	if [ ! -x $AUDIT ]; then
		skip "interrupting a party mid-round: tests/vm/net_audit not built"
		return
	fi
	for try in 1 2 3; do
		args=
		for i in $(seq 1 $NPARTY); do args="$args $((1000 + i)):$(cat "$W/p$i/pid")"; done
		rm -f $W/audit.out
		$AUDIT --signal $sig --seconds 60 $args >$W/audit.out 2>&1 &
		local ap=$!
		for i in $(seq 1 50); do grep -q '^ready' $W/audit.out && break; sleep 0.1; done
		out=$W/co/kill$sig$try
		WANT_MSG=$(hexof "a party gets SIG$sig in round one, try $try")
		coord main $out sign --key "$pk" --message "$WANT_MSG" "$@"
		kill $ap 2>/dev/null
		wait $ap 2>/dev/null
		victim=$(sed -n 's/^victim uid=\([0-9]*\).*/\1/p' $W/audit.out)
		if [ -z "$victim" ]; then
			bad "SIG$sig in the middle of a round: no NONCE_GEN audit event seen ($(head -n 3 $W/audit.out | tr '\n' ' '))"
			return
		fi
		victim=$((victim - 1000))
		grep -q "^event=sign uid=$((1000 + victim)) .*result=0 " $W/audit.out || break
		note "try $try: party $victim had signed before SIG$sig reached it; again"
		[ $sig = STOP ] && kill -CONT "$(cat "$W/p$victim/pid")"
		if [ $sig = KILL ]; then start_party $victim; wait_party $victim; fi
	done
	note "party $victim got SIG$sig right after its NONCE_GEN (try $try)"
	check_sig $out "signing with party $victim SIG$sig'ed after round 1" &&
		{ grep -E "^(blamed|skipped|refused)=[0-9]+ $(cat "$W/p$victim/hk")" $out >$out.named &&
			ok "the coordinator names the SIG$sig'ed party by its host key ($(cut -d' ' -f1,3- $out.named | head -n 1)), $(field attempts $out) attempts" ||
			bad "the SIG$sig'ed party $victim is not named: $(grep -E '^(blamed|skipped|refused|attempts)=' $out | tr '\n' ' ')"; }
	if [ $sig = STOP ]; then
		kill -CONT "$(cat "$W/p$victim/pid")"
		wait_party $victim && ok "party $victim answers again after SIGCONT" ||
			bad "party $victim does not answer after SIGCONT"
	else
		start_party $victim
		wait_party $victim || bad "party $victim did not restart"
	fi
}

test_frames() {
	local i rss0 rss1 p=$(cat "$W/p1/pid")
	rss0=$(rss $p)
	# raw bytes (a frame header announcing 2 GiB) where a TLS ClientHello belongs
	local l0
	l0=$(wc -l <"$W/p1/log")
	if printf 'MPCS\177\377\377\377\001\020\000\000\000\000\000\001' |
	   timeout 10 $IP netns exec co nc -w 5 "$(party_addr 1)" $PORT >/dev/null 2>&1; then
		alive 1 && ok "raw bytes instead of a TLS handshake: the daemon closes the connection" ||
			bad "raw bytes instead of a TLS handshake: party 1 died"
	else
		bad "raw bytes instead of a TLS handshake: connection not closed within 10 s"
	fi
	if [ -x $RAW ]; then
		# authenticated coordinator, then a header with body_len > max_frame
		if timeout 30 $IP netns exec co $RAW oversize --identity "$W/co/main.key" \
			--peer "$(cat "$W/p1/hk")" --host "$(party_addr 1)" --port $PORT --body-len 2147483647 >$W/raw.out 2>&1 &&
		   alive 1 && sleep 0.2 && tail -n +$((l0 + 1)) "$W/p1/log" | grep -q "frame too large"; then
			ok "oversized frame (body_len 2^31-1 > max_frame): closed, 'frame too large' ($(tail -n 1 $W/raw.out))"
		else
			bad "oversized frame: $(tail -n 3 $W/raw.out | tr '\n' ' ') (party 1 alive: $(alive 1 && echo yes || echo no); log: $(tail -n 1 "$W/p1/log"))"
		fi
		if timeout 30 $IP netns exec co $RAW replay --identity "$W/co/main.key" --key "$pk2" --ids 0,1 \
			--peer "$(cat "$W/p1/hk")" --host "$(party_addr 1)" --port $PORT >$W/raw.out 2>&1 &&
		   alive 1 && sleep 0.2 && tail -n +$((l0 + 1)) "$W/p1/log" | grep -q "out of sequence"; then
			ok "replayed frame (a seq already used): closed, 'out of sequence', no second answer ($(tail -n 1 $W/raw.out))"
		else
			bad "replayed frame: $(tail -n 3 $W/raw.out | tr '\n' ' ') (party 1 alive: $(alive 1 && echo yes || echo no); log: $(tail -n 1 "$W/p1/log"))"
		fi
	else
		skip "oversized and replayed frames: tests/vm/net_raw not built"
	fi
	rss1=$(rss $p)
	# what party 1 logged about them
	tail -n +$((l0 + 1)) "$W/p1/log" | grep -v " connected$" | cut -c1-160 | sed 's/^/#   party 1: /'

	if kill -0 $p 2>/dev/null && [ -n "$rss0" ] && [ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 16384 ]; then
		ok "party 1 alive after the bad connections, RSS ${rss0} -> ${rss1} KiB (nothing large allocated)"
	else
		bad "party 1 after the bad connections: alive=$(kill -0 $p 2>/dev/null && echo yes || echo no) RSS ${rss0} -> ${rss1:-?} KiB"
	fi
	WANT_MSG=$(hexof "still serving")
	coord main $W/co/still sign --key "$pk2" --message "$WANT_MSG"
	check_sig $W/co/still "signing after the bad connections"
}

raw_tamper() {
	local pk=$1
	if timeout 60 $IP netns exec co $RAW tamper --identity "$W/co/main.key" \
		--key "$pk" --ids 0,1 --peer "$(cat "$W/p1/hk")" --host "$(party_addr 1)" --port $PORT >$W/raw.out 2>&1 &&
	   alive 1; then
		ok "a coordinator that changes the message between the rounds is refused ($(grep -m1 'bound to' $W/raw.out | sed 's/.*: ERROR/ERROR/' | cut -c1-120))"
	else
		bad "tamper: $(tr '\n' ' ' <$W/raw.out) (party 1 alive: $(alive 1 && echo yes || echo no))"
	fi
}

test_policy() {
	local pk=$1 n m a1 a2 a3
	# denied by a rule
	coord deny $W/co/deny sign --key "$pk" --message "$(hexof denied)"
	if grep -q "^signature=" $W/co/deny; then
		bad "the policy's deny rule did not stop the signature"
	else
		grep -qi "polic" $W/co/deny $W/co/deny.err && ok "a request the policy denies is refused (POLICY)" ||
			bad "denied request: no policy error reported: $(tail -n 2 $W/co/deny.err | tr '\n' ' ')"
	fi
	# over the message length limit of the ops rule (1 KiB): no other rule
	# allows the main coordinator, so the default denies
	m=$(head -c 1100 /dev/zero | xxd -p | tr -d '\n')
	coord main $W/co/long sign --key "$pk" --message "$m"
	grep -q "^signature=" $W/co/long && bad "a message over max_msg_len was signed" ||
		ok "a message over the rule's max_msg_len is refused"
	# the rate: 2 per hour
	for n in 1 2; do
		WANT_MSG=$(hexof "rate $n")
		coord rate $W/co/rate$n sign --key "$pk" --message "$WANT_MSG"
		check_sig $W/co/rate$n "rate-limited coordinator, request $n of 2"
	done
	coord rate $W/co/rate3 sign --key "$pk" --message "$(hexof "rate 3")"
	if grep -q "^signature=" $W/co/rate3; then
		bad "a third request within the rate of 2/3600 was signed"
	else
		grep -qi "rate" $W/co/rate3.err $W/co/rate3 && ok "the third request within 2/3600 is refused (RATE)" ||
			bad "over the rate: no rate error reported: $(tail -n 2 $W/co/rate3.err | tr '\n' ' ')"
	fi
	# approvals: 2 of 3 approvers
	WANT_MSG=$(hexof "approved payment")
	for n in 1 2 3; do
		in_ns co $C approve --identity "$W/co/ap$n.key" --key "$pk" --message "$WANT_MSG" >$W/co/ap$n.out 2>&1
	done
	a1=$(field approval $W/co/ap1.out) a2=$(field approval $W/co/ap2.out) a3=$(field approval $W/co/ap3.out)
	if [ -z "$a1" ] || [ -z "$a2" ]; then
		bad "mpcsign approve: $(cat $W/co/ap1.out)"
		return
	fi
	coord appr $W/co/appr1 sign --key "$pk" --message "$WANT_MSG" --approval "$a1"
	grep -q "^signature=" $W/co/appr1 && bad "signed with 1 approval of the 2 required" ||
		ok "1 approval of the 2 required: refused"
	# an approval for another message does not count
	in_ns co $C approve --identity "$W/co/ap3.key" --key "$pk" --message "$(hexof other)" >$W/co/apx.out 2>&1
	coord appr $W/co/appr2 sign --key "$pk" --message "$WANT_MSG" --approval "$a1" \
		--approval "$(field approval $W/co/apx.out)"
	grep -q "^signature=" $W/co/appr2 && bad "signed with an approval of another message counted" ||
		ok "an approval of another message does not count toward the quorum"
	coord appr $W/co/appr3 sign --key "$pk" --message "$WANT_MSG" --approval "$a1" --approval "$a3"
	check_sig $W/co/appr3 "2 of 3 approvals: signed"
	# the approvals alone do not let a coordinator the policy does not name
	coord deny $W/co/appr4 sign --key "$pk" --message "$WANT_MSG" --approval "$a1" --approval "$a2"
	grep -q "^signature=" $W/co/appr4 && bad "approvals let a denied coordinator sign" ||
		ok "approvals do not help a coordinator that the policy denies"
}

# --- main ----------------------------------------------------------------------------
rm -rf $W
mkdir -p $W
if [ ! -c /dev/mpcsign ]; then
	bad "/dev/mpcsign missing (module not loaded)"
	exit 1
fi
if setup_net && setup_users; then
	if [ -x $D ] && [ -x $C ] && $C 2>&1 | grep -q "dkg"; then
		run_tests
	else
		skip "mpcsignd or the CLI's dkg/sign not built yet: only the network and the uids were checked"
		if [ -x $VERIFY ]; then
			# the verifier itself: a BIP340 test vector and a flipped bit
			$VERIFY F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9 \
				0000000000000000000000000000000000000000000000000000000000000000 E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0 >/dev/null &&
				ok "net_verify accepts a BIP340 test vector" || bad "net_verify refuses a BIP340 test vector"
			$VERIFY F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9 \
				0000000000000000000000000000000000000000000000000000000000000000 E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C1 >/dev/null 2>&1 &&
				bad "net_verify accepts a signature with a flipped bit" || ok "net_verify refuses a flipped bit"
		fi
	fi
fi
cleanup
t1=$(cut -d' ' -f1 /proc/uptime)
echo "# net test took $(echo "$t0 $t1" | awk '{printf "%.1f", $2-$1}') s"
exit $rc
