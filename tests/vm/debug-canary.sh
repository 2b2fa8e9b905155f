#!/bin/bash
# The test of the test: boot the debug kernel with tests/vm/canary's module,
# which commits known bugs, and check that each is reported and fails the run
# (a detector that is silently off would otherwise pass every test).
#   tests/vm/debug-canary.sh BUILD_DIR MODULE_KO CANARY_KO
# Three boots (MPCMODE=canary: no kselftests):
#   leak,sleep,lockdep  /init's kmemleak scan lists the leak, its dmesg check
#                       finds the atomic sleep and lockdep's report, lockdep is off
#   uaf                 KASAN's report panics the guest, run-vm.sh says so
#   ubsan               UBSAN's report panics the guest (panic_on_warn)
set -uo pipefail
out=${1:?BUILD_DIR} ko=${2:?MODULE_KO} canary=${3:?CANARY_KO}
top=$(cd "$(dirname "$0")/../.." && pwd)
image=$("$top/tests/scripts/debug-kernel.sh" image)
fail=0
ok() { echo "ok - canary: $*"; }
bad() { echo "not ok - canary: $*"; fail=1; }

boot() {	# boot BUGS LOG: the debug VM with MPC_CANARY=BUGS; stdout+stderr to LOG
	MPC_VM_TIMEOUT=${MPC_VM_TIMEOUT:-600} "$top/tests/vm/run-vm.sh" --mode canary --debug \
		--kernel "$image" --out "$out" --ko "$ko" --canary "$canary" \
		--append "MPC_CANARY=$1" >"$2" 2>&1
}
expect() {	# expect LOG WHAT PATTERN...: every extended regexp matches a line of LOG
	local log=$1 what=$2 p
	shift 2
	for p in "$@"; do
		grep -qE -- "$p" "$log" || { bad "$what (no line matching '$p' in $log)"; return; }
	done
	ok "$what"
}

dir=$top/$out/test-logs
mkdir -p "$dir"
log=$dir/canary-leak-sleep-lockdep.log
if boot leak,sleep,lockdep "$log"; then
	bad "a run with a leak, an atomic sleep and a lock inversion passed"
else
	ok "a run with a leak, an atomic sleep and a lock inversion fails"
fi
expect "$log" "the guest finished (no panic for these three)" "^MPCSIGN-VM-DONE rc=1"
expect "$log" "kmemleak lists the leaked block with its allocation in mpc_canary" \
	"^not ok - vm: kmemleak: leaks after the tests" "^unreferenced object 0x[0-9a-f]+ \(size [0-9]+\)" "canary_leak.*\[mpc_canary\]"
expect "$log" "the dmesg check reports the sleep in atomic context" \
	"^not ok - vm: dmesg has warnings" "BUG: sleeping function called from invalid context"
expect "$log" "the dmesg check reports lockdep's circular locking" \
	"^not ok - vm: dmesg has warnings" "WARNING: possible circular locking dependency detected"
expect "$log" "lockdep turned off after its report is a failure" \
	"^not ok - vm: debug kernel: lockdep turned off"

log=$dir/canary-uaf.log
if boot uaf "$log"; then bad "a run with a use-after-free passed"; else ok "a run with a use-after-free fails"; fi
expect "$log" "KASAN reports the use-after-free and the guest panics" \
	"BUG: KASAN: .*use-after-free in canary_uaf" "^not ok - vm: kernel panic" "^# .*BUG: KASAN: .*use-after-free in canary_uaf"

log=$dir/canary-ubsan.log
if boot ubsan "$log"; then bad "a run with an out-of-bounds index passed"; else ok "a run with an out-of-bounds index fails"; fi
expect "$log" "UBSAN reports the out-of-bounds index and the guest panics" \
	"UBSAN: array-index-out-of-bounds in .*mpc_canary.c" "^not ok - vm: kernel panic" "^# .*UBSAN: array-index-out-of-bounds"
exit $fail
