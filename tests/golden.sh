#!/usr/bin/env bash
# golden.sh RHC CASE: builds CASE/spec.yml and compares every output file with
# CASE/expected/ (missing, extra and changed files all fail), the warnings
# with CASE/build.stderr, and checks that a second build is byte-identical
# and that `build --check` agrees. RHC_UPDATE_GOLDEN=1 rewrites the goldens
# instead, and refuses to run under CI.
set -euo pipefail
rhc="$1"
case_dir="$2"
. "$(dirname "$0")/lib.sh"

cd "$case_dir"
set +e
"$rhc" build spec.yml -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
set -e
[ "$rc" -eq 0 ] || { cat "$tmp/stderr" >&2; fail "rhc build exited $rc"; }

if [ -n "${RHC_UPDATE_GOLDEN:-}" ]; then
    [ -z "${CI:-}" ] || fail "RHC_UPDATE_GOLDEN is refused under CI: goldens change only by a reviewed commit"
    rm -rf expected
    cp -r "$tmp/out" expected
    cp "$tmp/stderr" build.stderr
    echo "updated $case_dir/expected"
    exit 0
fi

[ -d expected ] || fail "$case_dir/expected is missing (run with RHC_UPDATE_GOLDEN=1 once, then review it)"
diff -r expected "$tmp/out" || fail "output differs from $case_dir/expected"
diff build.stderr "$tmp/stderr" || fail "warnings differ from $case_dir/build.stderr"

"$rhc" build spec.yml -o "$tmp/again" >/dev/null 2>&1 || fail "second build failed"
diff -r "$tmp/out" "$tmp/again" >/dev/null || fail "two builds of the same spec differ"
"$rhc" build spec.yml -o "$tmp/out" --check 2>"$tmp/check" || { cat "$tmp/check" >&2; fail "build --check reports differences on a fresh build"; }
echo "ok: $(find expected -type f | wc -l) files match"
