#!/usr/bin/env bash
# charts_dir.sh RHC SRC: helm.sh built with charts.source dir installs the
# charts from files and adds no repository. Every chart file is checked
# before anything changes (a missing one: exit 1 and no helm or kubectl call
# at all); charts.dir is relative to the directory helm.sh runs in, and
# CHARTS_DIR overrides it. helm and kubectl are recorders on PATH.
set -euo pipefail
rhc="$1"
src="$2"
. "$(dirname "$0")/lib.sh"

"$rhc" build "$src/testdata/golden/charts-dir/spec.yml" -o "$tmp/out" >/dev/null
mkdir -p "$tmp/bin" "$tmp/run"
for tool in helm kubectl; do
    printf '#!/bin/sh\necho "%s $*" >>"$RECORD"\n' "$tool" >"$tmp/bin/$tool"
    chmod 0755 "$tmp/bin/$tool"
done
export PATH="$tmp/bin:$PATH" RECORD="$tmp/calls" KUBECONFIG="$tmp/kubeconfig"
cm=cert-manager-v1.18.6.tgz
rancher=rancher-2.14.4.tgz

# run DIR [ENV...]: helm.sh run in DIR; its status in $rc, its stderr in $tmp/err
run() {
    local dir="$1"
    shift
    : >"$RECORD"
    set +e
    (cd "$dir" && env "$@" bash "$tmp/out/helm.sh") >/dev/null 2>"$tmp/err"
    rc=$?
    set -e
}

# no file, then one of the two: nothing is called
run "$tmp/run"
[ "$rc" -eq 1 ] || fail "helm.sh without chart files exited $rc"
grep -qF "$tmp/run/./charts/$cm" "$tmp/err" || fail "no message names $cm: $(cat "$tmp/err")"
grep -qF "$tmp/run/./charts/$rancher" "$tmp/err" || fail "no message names $rancher: $(cat "$tmp/err")"
[ ! -s "$RECORD" ] || fail "helm.sh called tools before its chart check: $(cat "$RECORD")"
mkdir -p "$tmp/run/charts"
echo stand-in >"$tmp/run/charts/$cm"
run "$tmp/run"
[ "$rc" -eq 1 ] && [ ! -s "$RECORD" ] || fail "a missing $rancher was not refused before any call (rc $rc)"
grep -qF "$cm" "$tmp/err" && fail "the present $cm was reported missing"

# both files, relative to where helm.sh runs
echo stand-in >"$tmp/run/charts/$rancher"
run "$tmp/run"
[ "$rc" -eq 0 ] || fail "helm.sh with both chart files exited $rc: $(cat "$tmp/err")"
grep -qF "helm upgrade --install cert-manager $tmp/run/./charts/$cm " "$RECORD" ||
    fail "cert-manager not installed from its file: $(cat "$RECORD")"
grep -qF "helm upgrade --install rancher $tmp/run/./charts/$rancher " "$RECORD" ||
    fail "Rancher not installed from its file: $(cat "$RECORD")"
grep -q '^helm repo' "$RECORD" && fail "charts.source dir added a repository: $(grep '^helm repo' "$RECORD")"
grep -q -- '--version' "$RECORD" && fail "a file install carries --version, which helm ignores for a file"

# CHARTS_DIR, absolute, wins over charts.dir
mkdir -p "$tmp/elsewhere"
run "$tmp/elsewhere" CHARTS_DIR="$tmp/run/charts"
[ "$rc" -eq 0 ] || fail "CHARTS_DIR=$tmp/run/charts: exited $rc: $(cat "$tmp/err")"
grep -qF "helm upgrade --install rancher $tmp/run/charts/$rancher " "$RECORD" ||
    fail "CHARTS_DIR not used: $(cat "$RECORD")"
echo "ok: charts.source dir"
