#!/usr/bin/env bash
# The whole test suite: a normal build and an ASan+UBSan build, each running
# every meson suite; then memcheck (valgrind) over the golden builds and error
# cases, and a bounded libFuzzer run of every target (clang, ASan, UBSan).
# First it builds the local control plane (tests/cluster/build-control-plane.sh,
# a no-op when its cache is warm), one release per K8S_VERSIONS entry of
# tests/cluster/versions.env, that the 'cluster-real' and 'cluster-rehearse'
# suites run on; the sanitizer build leaves those two suites to the normal
# build (they test the artefacts and the scripts, through the same rhc).
# Prints one closing line "N passed, N failed, N skipped".
# RHC_FUZZ_SECONDS (default 20) sets the time per fuzz target; 0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's python3 (with python3-yaml, which .ci/install-deps installs) before
# any other on PATH: a version manager's shim (pyenv's costs 0.6 s a start
# here, and every test starts python3) or an interpreter without PyYAML.
if [ -x /usr/bin/python3 ]; then
    export PATH="/usr/bin:$PATH"
fi

passed=0 failed=0 skipped=0
run_suite() { # BUILD_DIR MESON_SETUP_ARGS...   ($test_args: meson test's extra)
    local dir="$1" t0=$SECONDS
    shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
    meson compile -C "$dir" >/dev/null
    local log="$dir/run-all.log" rc=0
    # shellcheck disable=SC2086 # test_args is a list of words
    meson test -C "$dir" --print-errorlogs --num-processes 2 ${test_args:-} >"$log" 2>&1 || rc=$?
    grep -E '^ *[0-9]+/[0-9]+ ' "$log" | grep -v ' OK ' || true
    local ok fail skip
    ok=$(awk '/^Ok:/ {print $2}' "$log")
    fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {n += $NF} END {print n + 0}' "$log")
    skip=$(awk '/^Skipped:/ {print $2}' "$log")
    echo "$dir: ${ok:-0} ok, ${fail:-0} failed, ${skip:-0} skipped in $((SECONDS - t0))s"
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

# The local Kubernetes control plane the 'cluster-real' suite runs on, built
# from Go modules into ~/.cache/rhc/control-plane (cold: tens of minutes;
# warm: its stamps say it is built, seconds). A failed build counts as one
# failure, and under CI the suite then fails as well, rather than skipping.
# shellcheck source=/dev/null disable=SC2153 # K8S_VERSIONS comes from versions.env
k8s_versions="$(. tests/cluster/versions.env && echo "$K8S_VERSIONS")"
for v in $k8s_versions; do
    cp_log="$(mktemp)" cp_start=$SECONDS
    if nice bash tests/cluster/build-control-plane.sh "$v" >"$cp_log" 2>&1; then
        echo "control plane $v: $(tail -1 "$cp_log") ready in $((SECONDS - cp_start))s"
    else
        tail -30 "$cp_log"
        echo "control plane $v: build FAILED after $((SECONDS - cp_start))s"
        failed=$((failed + 1))
    fi
    rm -f "$cp_log"
done

test_args="" run_suite build
# the rehearsals and the control plane's smoke test run the scripts and the
# artefacts, which the normal build's rhc renders byte for byte as this one's
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    test_args="--no-suite cluster-rehearse --no-suite cluster-real" \
    run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

# scripts that end with "NAME: N passed, N failed"
run_counted() { # SCRIPT ARGS...
    local log rc=0 p f
    log="$(mktemp)"
    bash "$@" >"$log" 2>&1 || rc=$?
    grep -E '^(FAIL|ok )' "$log" || true
    p=$(awk '/ passed, .* failed/ {print $(NF-3)}' "$log" | tail -1)
    f=$(awk '/ passed, .* failed/ {print $(NF-1)}' "$log" | tail -1)
    if [ -z "$p" ]; then
        tail -20 "$log"
        p=0 f=1
    fi
    [ "$rc" -eq 0 ] || [ "${f:-0}" -gt 0 ] || f=1
    echo "$1: $p ok, $f failed"
    passed=$((passed + p))
    failed=$((failed + f))
    rm -f "$log"
}
run_counted tests/valgrind.sh "$PWD/build/rhc"
if [ "${RHC_FUZZ_SECONDS:-20}" -gt 0 ]; then
    run_counted tests/fuzz-run.sh "${RHC_FUZZ_SECONDS:-20}"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
