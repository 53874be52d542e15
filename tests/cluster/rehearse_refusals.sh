#!/usr/bin/env bash
# rehearse_refusals.sh RHC ROOT: suite 'cluster-rehearse', what
# tests/cluster/rehearse-local.sh must refuse before it starts anything, each
# with its reason and exit 1: a spec whose Kubernetes minor has no built
# release (the message lists the built ones, from versions.env), a Helm 4
# spec (only Helm 3 is built), a usage error (exit 2). No control plane runs.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail
# shellcheck disable=SC2034 # lib.sh resolves it
rhc="$1"
root="$2"
# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"
need_tool python3 python3

local_sh="$root/tests/cluster/rehearse-local.sh"
# shellcheck source=tests/cluster/versions.env
. "$root/tests/cluster/versions.env"
built=""
for v in $K8S_VERSIONS; do
    m="${v#v1.}"
    built+="${built:+, }1.${m%%.*} ($v)"
done

refused() { # NAME SPEC WANT_EXIT MESSAGE
    local rc=0 out
    out="$(RHC="$rhc" bash "$local_sh" "$2" "$tmp/work-$1" 2>&1)" || rc=$?
    [ "$rc" = "$3" ] || fail "$1: exit $rc, expected $3: $out"
    [[ "$out" == *"$4"* ]] || fail "$1: no '$4' in: $out"
    if [ -e "$tmp/work-$1/pids" ]; then
        fail "$1: a control plane was started"
    fi
    echo "ok $1: $(tail -1 <<<"$out")"
}

# k3s-three at a k3s release of a minor no release in K8S_VERSIONS has
sed 's/version: v1\.34\.9+k3s1/version: v1.35.7+k3s1/' "$root/testdata/golden/k3s-three/spec.yml" >"$tmp/k135.yml"
grep -q 'v1.35.7+k3s1' "$tmp/k135.yml" || fail "k3s-three's spec no longer names v1.34.9+k3s1: update this test"
refused unbuilt-minor "$tmp/k135.yml" 1 "the local control plane is built for $built only"

sed 's/helm: v3\.16\.2/helm: v4.0.0/' "$root/testdata/golden/k3s-three/spec.yml" >"$tmp/helm4.yml"
grep -q 'v4.0.0' "$tmp/helm4.yml" || fail "k3s-three's spec no longer names helm v3.16.2: update this test"
refused helm4 "$tmp/helm4.yml" 1 "Helm v4.0.0; only Helm $HELM_VERSION is built here"

rc=0
out="$(RHC="$rhc" bash "$local_sh" "$root/testdata/golden/k3s-three/spec.yml" "$tmp/work-usage" --kep 2>&1)" || rc=$?
if [ "$rc" != 2 ] || [ "$out" != "usage: rehearse-local.sh SPEC WORKDIR [--keep]" ]; then
    fail "usage: exit $rc: $out"
fi
echo "ok usage: $out"
