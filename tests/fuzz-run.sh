#!/usr/bin/env bash
# fuzz-run.sh [SECONDS]: builds the libFuzzer targets with clang, ASan and
# UBSan (build-fuzz/), then fuzzes each for SECONDS (default 45) starting from
# its seeds. New inputs go to a temp directory, never into the source tree.
# Any crash, leak, hang or sanitizer report fails the run; the reproducer is
# printed, to be added to fuzz/corpus/TARGET/ and as an error-case golden.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-45}"
command -v clang-14 >/dev/null || { echo "FAIL: clang is not installed (Debian: clang-14, libclang-rt-14-dev)" >&2; exit 1; }
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang-14 meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized >/dev/null
fi
meson compile -C build-fuzz >"${TMPDIR:-/tmp}/rhc-fuzz-build.log" 2>&1 ||
    { grep -E 'error' "${TMPDIR:-/tmp}/rhc-fuzz-build.log" | head -20; echo "fuzz: 0 passed, 1 failed"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src=$PWD
g=$src/testdata/golden
declare -A seeds=(
    [spec]="$src/examples $src/testdata/errors/injection $g/minimal $g/ipv6 $g/current $g/yaml11"
    [template]="$src/templates"
    [escape]=""
    [json]="$g/walkthrough/expected/patches"
    [nginx_conf]="$g/walkthrough/expected/nginx.conf $g/ipv6/expected/nginx.conf"
    [kubeconfig]=""
    [manifest]="$g/walkthrough/expected/MANIFEST $g/current/expected/MANIFEST"
    [shell_words]="$g/walkthrough/expected/helm.sh $g/current/expected/helm.sh $g/walkthrough/expected/tools.sh"
    [load_fast]="$src/examples $src/testdata/errors $g/walkthrough/spec.yml $g/current/spec.yml $g/ipv6/spec.yml $g/minimal/spec.yml $g/split-roles/spec.yml $g/yaml11/spec.yml"
    [load_libfyaml]="$src/examples $src/testdata/errors $g/walkthrough/spec.yml $g/current/spec.yml $g/yaml11/spec.yml"
)
# Each target is one single-threaded process: RHC_FUZZ_JOBS of them (default:
# the number of cores) run at once, each for the whole SECONDS.
jobs="${RHC_FUZZ_JOBS:-$(nproc)}"
fuzz_one() { # TARGET: fuzzes it; its report goes to $work/TARGET.result
    local t="$1" dict=() rc=0 execs
    [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
    local log="$work/$t.log"
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "build-fuzz/fuzz/fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -max_len=65536 -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
        -artifact_prefix="$work/$t-" "$work/$t" "$work/$t-seeds" >"$log" 2>&1 || rc=$?
    execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log")
    # libFuzzer exits 77 on a leak (meson would read it as a skip): any non-zero fails.
    {
        if [ "$rc" -ne 0 ]; then
            echo "FAIL fuzz_$t (exit $rc) after ${execs:-?} executions:"
            grep -E 'ERROR|SUMMARY|Test unit written|artifact' "$log" | head -20
            for a in "$work/$t-"*; do [ -f "$a" ] && { echo "reproducer $a:"; od -c "$a" | head -5; }; done
        else
            echo "ok fuzz_$t: ${execs:-?} executions in ${seconds}s, no finding"
        fi
    } >"$work/$t.result"
}
targets=(spec template escape json nginx_conf shell_words kubeconfig manifest load_fast load_libfyaml)
n=0 running=0
for t in "${targets[@]}"; do
    mkdir -p "$work/$t" "$work/$t-seeds"
    cp -r "fuzz/corpus/$t/." "$work/$t-seeds/"
    for s in ${seeds[$t]}; do
        # numbered: seeds from different directories share names (spec.yml)
        if [ -d "$s" ]; then files=$(find "$s" -type f); else files=$s; fi
        for f in $files; do n=$((n + 1)); cp "$f" "$work/$t-seeds/$n-${f##*/}"; done
    done
    fuzz_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
failed=0 passed=0
for t in "${targets[@]}"; do
    if [ -s "$work/$t.result" ]; then
        cat "$work/$t.result"
    else
        echo "FAIL fuzz_$t: no result"
    fi
    if grep -q '^ok ' "$work/$t.result" 2>/dev/null; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
