#!/usr/bin/env bash
# diag.sh RHC CASE: `rhc check CASE/spec.yml` must print exactly
# CASE/expected.txt on stderr and exit with CASE/exit (default 1); `rhc build`
# must print the same and, on failure, leave no output directory behind.
set -euo pipefail
rhc="$1"
case_dir="$2"
. "$(dirname "$0")/lib.sh"

cd "$case_dir"
want_rc=1
[ -f exit ] && want_rc="$(cat exit)"
set +e
"$rhc" check spec.yml 2>"$tmp/check.txt"
rc=$?
"$rhc" build spec.yml -o "$tmp/out" >/dev/null 2>"$tmp/build.txt"
build_rc=$?
set -e
diff expected.txt "$tmp/check.txt" || fail "check diagnostics differ from $case_dir/expected.txt"
[ "$rc" -eq "$want_rc" ] || fail "check exited $rc, expected $want_rc"
diff expected.txt "$tmp/build.txt" || fail "build diagnostics differ from check's"
[ "$build_rc" -eq "$want_rc" ] || fail "build exited $build_rc, expected $want_rc"
if [ "$want_rc" -ne 0 ] && [ -e "$tmp/out" ]; then
    fail "a failed build left an output directory"
fi
ls "$tmp" | grep -q rhc-tmp && fail "a temporary directory was left behind"
echo "ok: $(wc -l <expected.txt) diagnostics, exit $rc"
