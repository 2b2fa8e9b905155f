#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# run-ct.sh BUILD_DIR - constant-time test of the core under valgrind memcheck.
#
#  1. BUILD_DIR/tests/ct_core (and any other ct_* program) runs under
#     valgrind --error-exitcode=42 --track-origins=yes with its secret inputs
#     marked undefined; it must finish with zero valgrind errors and all its
#     own checks "ok".
#  2. "ct_core selftest" runs deliberately leaky code (a branch and a table
#     index on a secret byte, the variable-time mpc_ecmult on a secret
#     scalar); valgrind MUST report errors there (exit 42), otherwise the
#     method would not catch anything.
#
# Prints "ok - ct: ..." / "not ok - ct: ..." lines; exits 0 only if both hold.

set -u
B=${1:-build}
CT=$B/tests/ct_core
fail=0

say() { # cond name
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fail=1; fi
}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "not ok - ct: valgrind not installed"
	exit 1
fi
if [ ! -x "$CT" ]; then
	echo "not ok - ct: $CT not built (make $CT)"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VG=(valgrind --error-exitcode=42 --track-origins=yes --quiet)

# 1. every ct_* program: zero errors
for prog in "$B"/tests/ct_*; do
	[ -x "$prog" ] || continue
	name=$(basename "$prog")
	"${VG[@]}" --log-file="$tmp/$name.vg" "$prog" >"$tmp/$name.out" 2>&1
	rc=$?
	grep -E '^(ok|not ok) - ' "$tmp/$name.out"
	nerr=$(grep -cE 'uninitialised|Invalid (read|write)' "$tmp/$name.vg")
	nnot=$(grep -c '^not ok' "$tmp/$name.out")
	nok=$(grep -c '^ok' "$tmp/$name.out")
	if [ "$rc" != 0 ] || [ "$nnot" != 0 ] || [ "$nok" = 0 ]; then
		echo "# $name: exit $rc, $nerr valgrind error reports, $nnot failed checks"
		sed -e 's/^/# /' "$tmp/$name.vg" | head -60
		sed -e 's/^/# /' "$tmp/$name.out" | grep -vE '^# (ok|not ok) - ' | head -20
		say 1 "ct: $name under valgrind: zero errors ($nok checks)"
	else
		say 0 "ct: $name under valgrind: zero errors ($nok checks)"
	fi
done

# 2. the test of the test: leaky code must be caught
"${VG[@]}" --log-file="$tmp/self.vg" "$CT" selftest >"$tmp/self.out" 2>&1
rc=$?
grep -E '^(ok|not ok) - ' "$tmp/self.out"
if [ "$rc" = 42 ] && grep -qE 'depends on uninitialised|Use of uninitialised' "$tmp/self.vg" &&
   ! grep -q '^not ok' "$tmp/self.out" && grep -q '^ok' "$tmp/self.out"; then
	say 0 "ct: valgrind reports the deliberate leaks of ct_core selftest (exit $rc)"
else
	echo "# selftest: exit $rc (expected 42)"
	sed -e 's/^/# /' "$tmp/self.vg" | head -30
	say 1 "ct: valgrind reports the deliberate leaks of ct_core selftest (exit $rc)"
fi
exit $fail
