#!/usr/bin/env bash
# cli.sh RHC SRCDIR: the command line contract: exit codes, atomic output,
# refusing directories rhc did not make, --check, modes, init and schema.
set -euo pipefail
rhc="$1"
src="$2"
. "$(dirname "$0")/lib.sh"

spec="$src/examples/rancher-ha.yml"
expect_rc() { # WANT COMMAND...
    local want="$1" rc=0
    shift
    "$@" >"$tmp/last.out" 2>"$tmp/last.err" || rc=$?
    [ "$rc" -eq "$want" ] || { cat "$tmp/last.err" >&2; fail "exit $rc, expected $want: $*"; }
}

# usage errors exit 2
expect_rc 2 "$rhc"
expect_rc 2 "$rhc" frobnicate
expect_rc 2 "$rhc" build "$spec"
expect_rc 2 "$rhc" check "$spec" --format yaml
expect_rc 2 "$rhc" check "$spec" --format junit   # junit is for verify
expect_rc 2 "$rhc" verify --format xml
expect_rc 0 "$rhc" --version
grep -q '^rhc [0-9]' "$tmp/last.out" || fail "--version prints no version"
expect_rc 0 "$rhc" help build
expect_rc 3 "$rhc" check "$tmp/no-such-spec.yml"

# init prints a spec that checks clean; schema is the JSON Schema in schema/
"$rhc" init >"$tmp/init.yml"
expect_rc 0 "$rhc" check - <"$tmp/init.yml"
grep -Eq '^  distro: rke2( |$)' "$tmp/init.yml" || fail "bare init is not the current stack (rke2)"
# every distro's example builds as printed, verifies, and is the file in examples/
for d in rke1 rke2 k3s; do
    "$rhc" init --distro "$d" >"$tmp/init-$d.yml"
    grep -Eq "^  distro: $d( |$)" "$tmp/init-$d.yml" || fail "init --distro $d prints another distro"
    expect_rc 0 "$rhc" build "$tmp/init-$d.yml" -o "$tmp/init-$d"
    expect_rc 0 "$rhc" verify "$tmp/init-$d"
done
cmp -s "$tmp/init-rke1.yml" "$src/examples/rancher-ha.yml" || fail "init --distro rke1 is not the walk-through"
expect_rc 2 "$rhc" init --distro rke3
expect_rc 2 "$rhc" init --bogus
# init -o writes a new file only: an existing file (or a symlink) is left alone, exit 3
expect_rc 0 "$rhc" init -o "$tmp/init-o.yml"
cmp "$tmp/init.yml" "$tmp/init-o.yml" || fail "init -o wrote something else than init prints"
expect_rc 0 "$rhc" init --distro k3s -o "$tmp/init-o-k3s.yml"
cmp "$tmp/init-k3s.yml" "$tmp/init-o-k3s.yml" || fail "init --distro k3s -o wrote something else"
echo keep >"$tmp/exists.yml"
expect_rc 3 "$rhc" init -o "$tmp/exists.yml"
[ "$(cat "$tmp/exists.yml")" = keep ] || fail "init -o wrote over a file"
ln -s "$tmp/nowhere.yml" "$tmp/dangling.yml"
expect_rc 3 "$rhc" init -o "$tmp/dangling.yml"
[ ! -e "$tmp/nowhere.yml" ] || fail "init -o followed a symlink"
expect_rc 2 "$rhc" init -o
expect_rc 2 "$rhc" init extra
"$rhc" schema >"$tmp/schema.json"
cmp "$tmp/schema.json" "$src/schema/rhc-v1.schema.json" || fail "rhc schema is not schema/rhc-v1.schema.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["$schema"].endswith("2020-12/schema")' "$tmp/schema.json" ||
    fail "schema is not a draft 2020-12 JSON document"

# explain: a field, a list's items, an object's fields; unknown paths exit 1
expect_rc 0 "$rhc" explain loadBalancer.failTimeout
grep -q '^DEFAULT:  5s$' "$tmp/last.out" || fail "explain loadBalancer.failTimeout shows no default"
expect_rc 0 "$rhc" explain 'nodes[].roles'
grep -q '^ALLOWED:  controlplane, worker, etcd$' "$tmp/last.out" || fail "explain nodes[].roles"
expect_rc 0 "$rhc" explain rancher
grep -q '^    hostname <string>, required$' "$tmp/last.out" || fail "explain rancher lists no fields"
expect_rc 1 "$rhc" explain loadBalancer.failTimout
grep -q "did you mean 'failTimeout'" "$tmp/last.err" || fail "explain gives no hint"
[ ! -s "$tmp/last.out" ] || fail "explain of an unknown path printed to stdout"
expect_rc 2 "$rhc" explain
expect_rc 0 "$rhc" help explain

# --format json on check
printf 'apiVersion: rhc/v1\nname: Bad\n' >"$tmp/bad.yml"
expect_rc 1 "$rhc" check "$tmp/bad.yml" --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["errors"] == 4 and any(g["path"] == "name" and g["line"] == 2 and g["column"] == 7 for g in d["diagnostics"]), d' "$tmp/last.out" ||
    fail "check --format json"

# modes do not depend on the umask
(umask 077 && "$rhc" build "$spec" -o "$tmp/out" >/dev/null)
[ "$(stat -c %a "$tmp/out/helm.sh")" = 755 ] || fail "helm.sh mode"
[ "$(stat -c %a "$tmp/out/nginx.conf")" = 644 ] || fail "nginx.conf mode"
[ "$(stat -c %a "$tmp/out/patches/rancher.json")" = 644 ] || fail "patch mode"

# --check: same, then a changed file and an extra file are both named
expect_rc 0 "$rhc" build "$spec" -o "$tmp/out" --check
echo '# edited' >>"$tmp/out/nginx.conf"
touch "$tmp/out/extra.txt"
expect_rc 1 "$rhc" build "$spec" -o "$tmp/out" --check
grep -q 'nginx.conf: error: differs' "$tmp/last.err" || fail "--check does not name the changed file"
grep -q 'extra.txt: error: not an artefact' "$tmp/last.err" || fail "--check does not name the extra file"
[ -f "$tmp/out/extra.txt" ] || fail "--check wrote to the directory"

# --check reads back in chunks: a file past 64 KiB that differs only in its last
# byte, or is one byte short or long, is named; the others are not
python3 "$src/bench/gen_spec.py" 1000 >"$tmp/big.yml"
expect_rc 0 "$rhc" build "$tmp/big.yml" -o "$tmp/big"
[ "$(stat -c %s "$tmp/big/nginx.conf")" -gt 65536 ] || fail "nginx.conf of 1,000 nodes is not past 64 KiB (test is vacuous)"
expect_rc 0 "$rhc" build "$tmp/big.yml" -o "$tmp/big" --check
cp "$tmp/big/nginx.conf" "$tmp/nginx.conf.good"
for edit in last-byte shorter longer; do
    case "$edit" in
    last-byte) python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-1]^=1; open(p,"wb").write(b)' "$tmp/big/nginx.conf" ;;
    shorter) truncate -s -1 "$tmp/big/nginx.conf" ;;
    longer) printf '\n' >>"$tmp/big/nginx.conf" ;;
    esac
    expect_rc 1 "$rhc" build "$tmp/big.yml" -o "$tmp/big" --check
    [ "$(cat "$tmp/last.err")" = "$tmp/big/nginx.conf: error: differs from what the spec renders" ] ||
        { cat "$tmp/last.err" >&2; fail "--check on nginx.conf with its $edit changed"; }
    cp "$tmp/nginx.conf.good" "$tmp/big/nginx.conf"
done
expect_rc 0 "$rhc" build "$tmp/big.yml" -o "$tmp/big" --check

# rebuilding replaces the whole directory: the extra file is gone, no temp dirs left
expect_rc 0 "$rhc" build "$spec" -o "$tmp/out"
[ ! -e "$tmp/out/extra.txt" ] || fail "rebuild kept a file that is not an artefact"
ls -a "$tmp" | grep -q 'rhc-tmp\|rhc-old' && fail "temporary directory left behind"

# a failing spec leaves the old output untouched
sum_before="$(cat "$tmp/out/MANIFEST")"
expect_rc 1 "$rhc" build "$tmp/bad.yml" -o "$tmp/out"
[ "$(cat "$tmp/out/MANIFEST")" = "$sum_before" ] || fail "a failed build changed the output"
# output is opened only after the spec checked clean: where no temp dir can be
# made, a bad spec still reports its errors (exit 1), a good one the I/O error
expect_rc 1 "$rhc" build "$tmp/bad.yml" -o "$tmp/no-such-parent/out"
grep -q 'temporary directory' "$tmp/last.err" && fail "a spec with errors tried to make a temporary directory"
expect_rc 3 "$rhc" build "$spec" -o "$tmp/no-such-parent/out"
grep -q 'cannot create the temporary directory' "$tmp/last.err" || fail "no I/O error for a missing parent"

# directories rhc did not make are refused unless --force; so are files and symlinks
mkdir "$tmp/mine" && echo keep >"$tmp/mine/notes.txt"
expect_rc 3 "$rhc" build "$spec" -o "$tmp/mine"
grep -q 'refusing to replace' "$tmp/last.err" || fail "no refusal message"
[ "$(cat "$tmp/mine/notes.txt")" = keep ] || fail "refused directory was touched"
expect_rc 0 "$rhc" build "$spec" -o "$tmp/mine" --force
[ ! -e "$tmp/mine/notes.txt" ] && [ -f "$tmp/mine/MANIFEST" ] || fail "--force did not replace"
echo file >"$tmp/afile"
expect_rc 3 "$rhc" build "$spec" -o "$tmp/afile"
[ "$(cat "$tmp/afile")" = file ] || fail "a file output path was touched"
ln -s "$tmp/out" "$tmp/link"
expect_rc 3 "$rhc" build "$spec" -o "$tmp/link"
[ -L "$tmp/link" ] || fail "the symlink was replaced"
mkdir "$tmp/empty"
expect_rc 0 "$rhc" build "$spec" -o "$tmp/empty"

# an unwritable parent is an I/O error (root ignores modes, so only as a user)
if [ "$(id -u)" -ne 0 ]; then
    mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
    expect_rc 3 "$rhc" build "$spec" -o "$tmp/ro/out"
fi


# the golden update mode refuses under CI and changes nothing (run on a copy)
cp -r "$src/testdata/golden/minimal" "$tmp/golden-copy"
rc=0
CI=true RHC_UPDATE_GOLDEN=1 bash "$src/tests/golden.sh" "$rhc" "$tmp/golden-copy" >"$tmp/upd.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] && grep -q 'refused under CI' "$tmp/upd.out" || fail "RHC_UPDATE_GOLDEN ran under CI"
diff -r "$src/testdata/golden/minimal" "$tmp/golden-copy" >/dev/null || fail "the refused update changed files"
# and a missing golden file fails the comparison
rm "$tmp/golden-copy/expected/patch.sh"
rc=0
env -u CI -u RHC_UPDATE_GOLDEN bash "$src/tests/golden.sh" "$rhc" "$tmp/golden-copy" >"$tmp/upd.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "a missing golden file did not fail"
echo "ok: golden update mode"
echo "ok: cli contract"
