#!/usr/bin/env bash
# caret.sh RHC SRCDIR: how diagnostics are shown around the exact text that
# diag.sh compares: colour only on a terminal (a pty from script(1)) and
# without NO_COLOR or TERM=dumb; --format json without source lines; verify's
# spec.json diagnostics with the line and caret under their FAIL line.
set -euo pipefail
rhc="$1"
src="$2"
. "$(dirname "$0")/lib.sh"
need_tool script util-linux

case_dir="$src/testdata/errors/duplicate-nodes"
cd "$case_dir"
esc=$'\033'

# on a pty: coloured, the same text once the escapes are taken out
TERM=xterm script -qec "env -u NO_COLOR '$rhc' check spec.yml" /dev/null >"$tmp/tty.txt" || true
grep -q "${esc}\[1;31merror:" "$tmp/tty.txt" || fail "no colour on a terminal"
grep -q "${esc}\[1;36mnote:" "$tmp/tty.txt" || fail "a note is not coloured on a terminal"
sed -e 's/\r$//' -e "s/${esc}\[[0-9;]*m//g" "$tmp/tty.txt" | diff expected.txt - ||
    fail "the coloured text is not expected.txt"

# NO_COLOR (any non-empty value) and TERM=dumb turn colour off on a terminal
for envs in "NO_COLOR=1 TERM=xterm" "TERM=dumb"; do
    script -qec "env -u NO_COLOR $envs '$rhc' check spec.yml" /dev/null >"$tmp/plain.txt" || true
    grep -q "$esc" "$tmp/plain.txt" && fail "colour with $envs"
    sed 's/\r$//' "$tmp/plain.txt" | diff expected.txt - || fail "text differs with $envs"
done
# not a terminal: no colour
TERM=xterm "$rhc" check spec.yml 2>"$tmp/pipe.txt" || true
grep -q "$esc" "$tmp/pipe.txt" && fail "colour when stderr is not a terminal"

# --format json carries no source lines, carets or notes, and no colour
TERM=xterm script -qec "'$rhc' check spec.yml --format json" /dev/null >"$tmp/json.txt" || true
grep -q "$esc" "$tmp/json.txt" && fail "colour in --format json"
grep -q ' | \|note' "$tmp/json.txt" && fail "source lines or notes in --format json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["errors"] == 5 and len(d["diagnostics"]) == 6, d' "$tmp/json.txt" ||
    fail "--format json changed"

# verify quotes spec.json under its FAIL line (and --format json does not)
"$rhc" build "$src/examples/rancher-ha.yml" -o "$tmp/out" >/dev/null
sed -i 's/"maxFails": 3/"maxFails": "三"/' "$tmp/out/spec.json"
line="$(grep -n '"maxFails"' "$tmp/out/spec.json" | cut -d: -f1)"
"$rhc" verify "$tmp/out" >"$tmp/verify.txt" || true
grep -A2 "^FAIL parse: spec.json:$line: loadBalancer.maxFails" "$tmp/verify.txt" >"$tmp/quoted.txt" ||
    fail "no FAIL line for spec.json"
want="$(printf '%5d |     "maxFails": "三",\n      |                 ^~~~' "$line")"
[ "$(tail -n 2 "$tmp/quoted.txt")" = "$want" ] || { cat "$tmp/quoted.txt" >&2; fail "spec.json line and caret"; }
"$rhc" verify "$tmp/out" --format json >"$tmp/verify.json" || true
grep -q '\^~' "$tmp/verify.json" && fail "a caret in verify --format json"
echo "ok: colour, json and verify's quoted lines"
