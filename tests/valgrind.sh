#!/usr/bin/env bash
# valgrind.sh RHC: the golden builds, every error case and one full verify
# under valgrind's memcheck (the non-sanitizer build): no invalid access, no
# use of uninitialised memory, no leak. Prints "N passed, N failed".
set -euo pipefail
rhc="$1"
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
need_tool valgrind valgrind
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --track-origins=yes)
passed=0 failed=0
run() { # NAME EXPECTED_RC COMMAND...
    local name="$1" want="$2" rc=0
    shift 2
    "${vg[@]}" "$@" >"$tmp/out.log" 2>"$tmp/err.log" || rc=$?
    if [ "$rc" -eq "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL valgrind $name: exit $rc (99 = memcheck error)"
        grep -E '==[0-9]+==' "$tmp/err.log" | head -20
    fi
}
for c in testdata/golden/*/; do
    run "build $c" 0 "$rhc" build "$c/spec.yml" -o "$tmp/out-$(basename "$c")"
done
for c in testdata/errors/*/; do
    want=1
    [ -f "$c/exit" ] && want="$(cat "$c/exit")"
    run "check $c" "$want" "$rhc" check "$c/spec.yml"
done
run "verify walkthrough" 0 "$rhc" verify "$tmp/out-walkthrough"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
