#!/usr/bin/env bash
# An rke2 build of 340 nodes has more than 1,000 entries (a directory and two
# files per node): verify reads them all and passes, instead of refusing the
# directory as too large (its entry cap once was 1,000).
set -euo pipefail
rhc="$1" root="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$root/bench/gen_spec.py" 340 |
    sed 's/^  distro: rke1$/  distro: rke2/; s/^  kubectl: v1\.32\.2$/  kubectl: v1.34.12/' >"$tmp/spec.yml"
grep -q '^  distro: rke2$' "$tmp/spec.yml" || { echo "FAIL: the spec is not rke2 (gen_spec.py changed)"; exit 1; }
"$rhc" build "$tmp/spec.yml" -o "$tmp/out" >/dev/null
entries="$(find "$tmp/out" -mindepth 1 | wc -l)"
[ "$entries" -gt 1000 ] || { echo "FAIL: only $entries entries; the test needs more than 1000"; exit 1; }
"$rhc" verify "$tmp/out" >"$tmp/report" 2>&1 || { tail -5 "$tmp/report"; echo "FAIL: verify of $entries entries"; exit 1; }
tail -1 "$tmp/report"
