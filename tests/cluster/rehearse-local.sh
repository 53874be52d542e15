#!/usr/bin/env bash
# rehearse-local.sh SPEC WORKDIR [--keep]: rehearses SPEC's whole install on
# the local control plane (tests/cluster/control-plane.sh): builds SPEC with
# $RHC (default build/rhc) into WORKDIR/out with the test charts
# (testdata/charts) as its chart source, packages them at the versions the
# build pins, brings the control plane up at the spec's Kubernetes minor with
# one node per spec node, and runs out/rehearsal/run.sh against it (helm.sh,
# patch.sh or the CoreDNS manifest, `rhc verify --cluster --rehearsal
# --wait`). Exits with run.sh's status: verify's, once it got that far.
#   --keep   leave the control plane running, WORKDIR/kubeconfig in place
#            (stop it with: tests/cluster/control-plane.sh down WORKDIR)
# Otherwise the control plane is always stopped, whatever happens.
# The spec's copy (WORKDIR/spec.yml) differs from SPEC only in
# `charts: {source: dir, dir: WORKDIR/charts}` and, when SPEC leaves them
# empty, rancher.chartVersion and certManager.version pinned to what rhc picks.
# Environment: RHC, REHEARSAL_WAIT (default 5m), RHC_CP_BIN (the binaries;
# default: the cache of the release of the spec's minor).
# Exit: run.sh's status; 1 when the spec cannot be rehearsed here (Helm 2, a
# Kubernetes minor not built, ...), with the reason; 2 usage; 77 when the
# control plane of the spec's minor is not built yet.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
say() { echo "rehearse-local: $*" >&2; }
die() {
    say "$*"
    exit 1
}
usage() {
    echo "usage: rehearse-local.sh SPEC WORKDIR [--keep]" >&2
    exit 2
}
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
spec_in="$1"
keep=""
if [ $# -eq 3 ]; then
    [ "$3" = --keep ] || usage
    keep=1
fi
[ -f "$spec_in" ] || die "no spec $spec_in"
mkdir -p "$2"
work="$(cd "$2" && pwd)"
rhc="$(realpath "${RHC:-$root/build/rhc}")"
[ -x "$rhc" ] || die "no rhc at $rhc (build it: meson compile -C build, or set RHC)"
command -v python3 >/dev/null || die "python3 is not installed"

# --- what the spec implies, from rhc's own build of it -----------------------
rm -rf "$work/probe" "$work/out" "$work/charts" "$work/chart-src"
"$rhc" build "$spec_in" -o "$work/probe" >/dev/null 2>"$work/probe.log" ||
    die "rhc build $spec_in failed: $(cat "$work/probe.log")"
run_sh="$work/probe/rehearsal/run.sh"
# what the resolved spec says, as shell assignments (one python3 for all)
spec_vars() { # SPEC_JSON
    python3 -c '
import json, shlex, sys
s = json.load(open(sys.argv[1]))
nodes = " ".join("%s:%s" % (n["name"], str("worker" in n["roles"]).lower()) for n in s["nodes"])
for k, v in (("helm_spec", s["tools"]["helm"]), ("cm_version", s["certManager"]["version"]),
             ("distro", s["kubernetes"]["distro"]), ("nodes", nodes),
             ("password_env", s["rancher"]["bootstrapPasswordEnv"])):
    print("%s=%s" % (k, shlex.quote(v)))' "$1"
}
helm_spec="" cm_version="" distro="" nodes="" password_env=""
eval "$(spec_vars "$work/probe/spec.json")"
[ -f "$run_sh" ] || die "$spec_in: rhc writes no rehearsal for it (Helm $helm_spec; rhc writes none for Helm 2, whose tiller and charts do not run on the releases built here)"
# the values rhc rendered for run.sh (single-quoted words, or bare)
assigned() { sed -n "s/^$1='\\{0,1\\}\\([^']*\\)'\\{0,1\\}\$/\\1/p" "$run_sh"; }
spec_kubernetes="$(assigned spec_kubernetes)"
rancher_chart="$(assigned rancher_chart)"
kube_below="$(assigned chart_kube_below)"
[ -n "$spec_kubernetes" ] || die "$spec_in: rhc knows no Kubernetes version for this spec (set kubernetes.version)"
[ -n "$rancher_chart" ] || die "$spec_in: no Rancher chart version (the alpha repo's charts are unpinned): pin rancher.chartVersion"

# --- the control plane of the spec's minor ------------------------------------
minor_of() { local v="${1#v}"; v="${v#*.}"; echo "${v%%.*}"; }
# shellcheck source=tests/cluster/versions.env
. "$here/versions.env"
k8s=""
built=""
for v in $K8S_VERSIONS; do
    built+="${built:+, }1.$(minor_of "$v") ($v)"
    [ "$(minor_of "$v")" != "$(minor_of "$spec_kubernetes")" ] || k8s="$v"
done
[ -n "$k8s" ] || die "$spec_in: its cluster runs Kubernetes $spec_kubernetes (minor 1.$(minor_of "$spec_kubernetes")); the local control plane is built for $built only (tests/cluster/versions.env K8S_VERSIONS)"
bin="${RHC_CP_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/rhc/control-plane/$k8s/bin}"
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm; do
    if [ ! -x "$bin/$b" ]; then
        say "$bin/$b is missing: run tests/cluster/build-control-plane.sh $k8s"
        exit 77
    fi
done
say "bin $bin"
helm_built="$("$bin/helm" version --template '{{.Version}}')"
case "$helm_spec" in
v3.*) ;;
*) die "$spec_in: Helm $helm_spec; only Helm $helm_built is built here (tests/cluster/versions.env)" ;;
esac
[ "$helm_spec" = "$helm_built" ] ||
    say "note: the spec's Helm is $helm_spec, the built one $helm_built: the procedure is the spec's, the client that runs it $helm_built"
if grep -Eq 'kubectl apply .*-f https?://' "$work/probe/helm.sh"; then
    die "$spec_in: helm.sh applies cert-manager's CRDs from a URL (cert-manager <= v0.14), which this machine cannot reach"
fi

# --- the spec with the test charts as its chart source ------------------------
# composed, not constructed: every scalar keeps its text and style (YAML 1.1
# words such as `on` or `0755` stay what rhc reads them as)
python3 - "$spec_in" "$work/spec.yml" "$work/charts" "$rancher_chart" "$cm_version" <<'EOF'
import sys
try:
    import yaml
except ImportError:
    sys.exit("rehearse-local: PyYAML is not installed (Debian package: python3-yaml)")

src, dst, charts, chart, cm = sys.argv[1:]
STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
with open(src) as f:
    root = yaml.compose(f)


def member(node, key):
    for k, v in node.value:
        if k.value == key:
            return v
    return None


def put(node, key, value):
    node.value = [(k, v) for k, v in node.value if k.value != key]
    node.value.append((yaml.ScalarNode(STR, key), value))


def pin(parent, section, key, value):
    """SECTION.KEY = VALUE unless the spec sets it (charts.source dir installs pinned versions)"""
    node = member(parent, section)
    if node is None:
        node = yaml.MappingNode(MAP, [])
        put(parent, section, node)
    if node.flow_style:
        node.flow_style = False
    now = member(node, key)
    if now is None or now.value == "":
        put(node, key, yaml.ScalarNode(STR, value, style="'"))


pin(root, "rancher", "chartVersion", chart)
pin(root, "certManager", "version", cm)
put(root, "charts", yaml.MappingNode(MAP, [
    (yaml.ScalarNode(STR, "source"), yaml.ScalarNode(STR, "dir")),
    (yaml.ScalarNode(STR, "dir"), yaml.ScalarNode(STR, charts, style="'")),
]))
with open(dst, "w") as f:
    f.write("# %s with the test charts as its chart source (tests/cluster/rehearse-local.sh)\n" % src)
    yaml.serialize(root, f)
EOF
"$rhc" build "$work/spec.yml" -o "$work/out" >/dev/null 2>"$work/build.log" ||
    die "rhc build of the rehearsal copy failed: $(cat "$work/build.log")"
eval "$(spec_vars "$work/out/spec.json")"

# --- the test charts, packaged as `helm pull` names them ----------------------
export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"
mkdir -p "$work/charts" "$work/chart-src"
cp -r "$root/testdata/charts/rancher" "$root/testdata/charts/cert-manager" "$work/chart-src/"
# the chart version's kubeVersion bound, from rhc's table (run.sh's line)
[ -z "$kube_below" ] || printf 'kubeVersion: "< %s-0"\n' "$kube_below" >>"$work/chart-src/rancher/Chart.yaml"
"$bin/helm" package "$work/chart-src/cert-manager" --version "$cm_version" --app-version "$cm_version" \
    -d "$work/charts" >/dev/null
"$bin/helm" package "$work/chart-src/rancher" --version "${rancher_chart#v}" --app-version "v${rancher_chart#v}" \
    -d "$work/charts" >/dev/null
bound=none
[ -z "$kube_below" ] || bound="< $kube_below-0"
say "charts: $(cd "$work/charts" && echo *) (test stand-ins; Rancher's kubeVersion: $bound)"

# --- the control plane: one node per spec node, labelled as kind's ------------
cp_sh="$here/control-plane.sh"
# shellcheck disable=SC2317 # called by the trap
stop() {
    [ -n "$keep" ] || bash "$cp_sh" down "$work" >/dev/null 2>&1 || true
}
trap stop EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
# no probe Deployment: helm.sh's rollouts prove the same
NODES="$nodes" DISTRO="$distro" K8S_VERSION="$k8s" RHC_CP_BIN="$bin" RHC_CP_PROBE=0 bash "$cp_sh" up "$work" ||
    die "the control plane did not come up (logs above)"
say "control plane $k8s up in $((SECONDS - t0))s for $spec_kubernetes ($distro, $(wc -w <<<"$nodes") nodes)"

# --- the rehearsal, as a user runs it against an existing cluster ------------
if [ -n "$password_env" ] && [ -z "${!password_env:-}" ]; then
    export "$password_env=rehearsal-$RANDOM$RANDOM"
fi
t1=$SECONDS
rc=0
(cd "$work" && PATH="$bin:$PATH" RHC="$rhc" REHEARSAL_KUBECONFIG="$work/kubeconfig" \
    REHEARSAL_WAIT="${REHEARSAL_WAIT:-5m}" bash "$work/out/rehearsal/run.sh") || rc=$?
say "rehearsal/run.sh exited $rc after $((SECONDS - t1))s${keep:+; kept: KUBECONFIG=$work/kubeconfig}"
exit "$rc"
