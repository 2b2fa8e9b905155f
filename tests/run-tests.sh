#!/bin/bash
# Run mpcsign's tests and print the summary line "N passed, N failed".
#   tests/run-tests.sh unit BUILD_DIR            userspace unit + sanitizer + constant-time
#   tests/run-tests.sh all BUILD_DIR KVER [KO [DEBUG_KO [CANARY_KO]]]
#                                                the above + the VM kselftests (Debian's
#                                                kernel; with DEBUG_KO also the debug kernel
#                                                of tests/scripts/debug-kernel.sh; with
#                                                CANARY_KO its checks against known bugs)
# Every "ok ..." line counts as a pass and every "not ok ..." line as a
# failure; a program that exits non-zero without printing "not ok" counts
# as one failure.
set -uo pipefail
what=${1:-all} out=${2:-build} kver=${3:-} ko=${4:-} debug_ko=${5:-} canary_ko=${6:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0 fail=0
logdir=$out/test-logs
mkdir -p "$logdir"

run() {	# run NAME CMD...: run a test program, count its results
	local name=$1 log rc p f
	shift
	log=$logdir/$name.log
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -cE '^ok( |$)' "$log")
	f=$(grep -cE '^not ok( |$)' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" != 0 ]; then
		echo "FAIL $name ($p passed, $f failed); log $log:"
		grep -E '^(not ok|# FAIL)' "$log" | head -n 40
		tail -n 20 "$log"
	else
		printf 'PASS %-34s %5d checks  %s\n' "$name" "$p" "$(grep -E '^# (VM|.*took|.*ratio)' "$log" | head -n 2 | tr '\n' ' ')"
	fi
}

# the vendored vectors are the official ones, unchanged (when the shared copy is here)
if [ -d ../shared/vectors ]; then
	log=$logdir/vectors.log
	if diff -r -x README ../shared/vectors tests/vectors >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'PASS %-34s %5d checks\n' "vectors (= ../shared/vectors)" 1
	else
		fail=$((fail + 1))
		echo "FAIL tests/vectors differs from ../shared/vectors:"
		head -n 20 "$log"
	fi
fi
for t in "$out"/tests/test_*; do
	[ -x "$t" ] && run "$(basename "$t")" "$t"
done
for t in "$out"/tests-san/test_*; do
	# each test picks smaller counts itself when built with sanitizers (MPC_VERIFY)
	[ -x "$t" ] && run "san-$(basename "$t")" "$t"
done
# fuzz targets: a bounded number of random inputs each (MPC_FUZZ_ITERS)
for t in "$out"/fuzz/fuzz_*; do
	[ -x "$t" ] && run "$(basename "$t")" "$t" -runs="${MPC_FUZZ_ITERS:-20000}" tests/fuzz/corpus
done
# the CLI and the daemon without the module: exit codes, messages, key files
if [ -x "$out/mpcsign" ] && [ -x "$out/mpcsignd" ]; then
	run cli tests/cli/test-cli.sh "$out"
fi
if [ -x tests/ct/run-ct.sh ]; then
	run constant-time tests/ct/run-ct.sh "$out"
fi
if [ "$what" = all ]; then
	run vm-kselftest tests/vm/run-vm.sh --mode test --kver "$kver" --out "$out" ${ko:+--ko "$ko"}
	if [ -n "$debug_ko" ]; then
		# the same kselftests on the debug kernel (KASAN, kmemleak, lockdep, UBSAN, ...)
		run vm-kselftest-debug tests/vm/run-vm.sh --mode test --debug \
			--kernel "$(tests/scripts/debug-kernel.sh image)" --out "$out" --ko "$debug_ko"
		# and that those checks catch known bugs (tests/vm/canary/)
		[ -n "$canary_ko" ] && run debug-canary tests/vm/debug-canary.sh "$out" "$debug_ko" "$canary_ko"
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
