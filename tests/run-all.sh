#!/usr/bin/env bash
# The whole test suite: a normal build and an ASan+UBSan build, each running
# every meson suite (unit, golden, diag, cli, consumers). Prints one closing
# line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
run_suite() { # BUILD_DIR MESON_SETUP_ARGS...
    local dir="$1"
    shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
    meson compile -C "$dir" >/dev/null
    local log="$dir/run-all.log" rc=0
    meson test -C "$dir" --print-errorlogs --num-processes 2 >"$log" 2>&1 || rc=$?
    grep -E '^ *[0-9]+/[0-9]+ ' "$log" | grep -v ' OK ' || true
    local ok fail skip
    ok=$(awk '/^Ok:/ {print $2}' "$log")
    fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$log")
    skip=$(awk '/^Skipped:/ {print $2}' "$log")
    echo "$dir: ${ok:-0} ok, ${fail:-0} failed, ${skip:-0} skipped"
    if [ "$rc" -ne 0 ]; then
        sed -n '/Summary of Failures/,$p' "$log"
        grep -B2 -A40 '^=* [0-9]*/[0-9]* ' "$log" | head -200 || true
    fi
    # a non-zero exit with no failed test (a crash of the runner) still fails
    [ "$rc" -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
    passed=$((passed + ${ok:-0}))
    failed=$((failed + fail))
    skipped=$((skipped + ${skip:-0}))
}

run_suite build
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
