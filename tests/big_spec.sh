#!/usr/bin/env bash
# big_spec.sh RHC SRCDIR N: an N-node spec (bench/gen_spec.py) builds, and
# its nginx.conf passes nginx -t: the upstream zone grows with the servers
# (a fixed 64k zone held only about 100). rhc verify passes on it too.
set -euo pipefail
rhc="$1"
src="$2"
n="$3"
. "$(dirname "$0")/lib.sh"
need_tool nginx nginx
python3 "$src/bench/gen_spec.py" "$n" >"$tmp/spec.yml"
"$rhc" build "$tmp/spec.yml" -o "$tmp/out" >/dev/null 2>&1 || fail "build of $n nodes"
"$rhc" verify --require-tools "$tmp/out" >"$tmp/verify.txt" || { grep -v '^PASS' "$tmp/verify.txt"; fail "verify of $n nodes"; }
grep -q 'PASS nginx -t' "$tmp/verify.txt" || fail "nginx -t did not run"
echo "ok: $n nodes build, pass nginx -t and verify"
