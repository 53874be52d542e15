#!/usr/bin/env bash
# smoke.sh RHC ROOT: suite 'cluster-real'. Brings the local control plane up
# (tests/cluster/control-plane.sh, binaries from build-control-plane.sh), and
# checks it is the real thing: the nodes are there with the rehearsal's
# labels; helm installs a chart whose kubeVersion the server's /version
# satisfies and refuses one whose kubeVersion it does not; a strategic-merge
# patch adding hostAliases to a Deployment rolls out; `down` leaves no
# process behind. Without the built binaries: a skip, or a failure under CI.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail
# shellcheck disable=SC2034 # lib.sh resolves it
rhc="$1"
root="$2"
# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"

cp_sh="$root/tests/cluster/control-plane.sh"
# shellcheck source=/dev/null
version="${K8S_VERSION:-$(. "$root/tests/cluster/versions.env" && echo "$K8S_VERSION")}"
bin="${RHC_CP_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/rhc/control-plane/$version/bin}"
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm; do
    if [ ! -x "$bin/$b" ]; then
        [ -z "${CI:-}" ] || fail "$bin/$b is missing: tests/run-all.sh builds it (tests/cluster/build-control-plane.sh)"
        echo "SKIP: $bin/$b is missing; run tests/cluster/build-control-plane.sh" >&2
        exit 77
    fi
done
need_tool openssl openssl
need_tool python3 python3

work="$tmp/cp"
mkdir -p "$work"
kubectl=("$bin/kubectl" --kubeconfig "$work/kubeconfig")
export HELM_CACHE_HOME="$tmp/helm/cache" HELM_CONFIG_HOME="$tmp/helm/config" HELM_DATA_HOME="$tmp/helm/data"
helm=("$bin/helm" --kubeconfig "$work/kubeconfig")
cleanup() {
    bash "$cp_sh" down "$work" || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# every process of this control plane names WORKDIR on its command line
survivors() {
    local p c
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" != "$$" ] || continue
        c="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" || continue
        [[ "$c" != *"$work/"* ]] || echo "${p#/proc/} ${c:0:120}"
    done
}

t0=$SECONDS
NODES="server-01 server-02 server-03" bash "$cp_sh" up "$work" || fail "control-plane.sh up"
echo "ok control plane up in $((SECONDS - t0))s"
cp "$work/pids" "$tmp/pids"
[ "$(wc -l <"$tmp/pids")" -eq 5 ] || fail "pids should list 5 processes: $(cat "$tmp/pids")"

# --- nodes -------------------------------------------------------------------
got="$("${kubectl[@]}" get nodes -l rhc/worker=true \
    -o jsonpath='{range .items[*]}{.metadata.labels.rhc/node} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | sort)"
want=$'server-01 True\nserver-02 True\nserver-03 True'
[ "$got" = "$want" ] || fail "nodes: got [$got], want [$want]"
taints="$("${kubectl[@]}" get nodes -o jsonpath='{.items[*].spec.taints}')"
[ -z "$taints" ] || fail "nodes are tainted: $taints"
echo "ok kubectl get nodes: 3 Ready, labelled, untainted"

# --- the server's version is the release's -----------------------------------
server_version="$("${kubectl[@]}" get --raw /version | python3 -c 'import json,sys; print(json.load(sys.stdin)["gitVersion"])')"
[ "$server_version" = "$version" ] || fail "/version says $server_version, built $version"
minor="$(echo "$version" | cut -d. -f2)"
echo "ok /version is $server_version"

# --- helm: kubeVersion checked against the real server -----------------------
chart() { # DIR NAME KUBEVERSION
    mkdir -p "$1/templates"
    cat >"$1/Chart.yaml" <<EOF
apiVersion: v2
name: $2
version: 0.1.0
kubeVersion: "$3"
EOF
    cat >"$1/templates/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Chart.Name }}
  labels: {app: {{ .Chart.Name }}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: {{ .Chart.Name }}}
  template:
    metadata:
      labels: {app: {{ .Chart.Name }}}
    spec:
      containers:
        - name: app
          image: registry.invalid/rhc/smoke:none
EOF
}
chart "$tmp/charts/fits" smoke-fits ">= 1.$minor.0-0 < 1.$((minor + 1)).0-0"
chart "$tmp/charts/too-new" smoke-too-new ">= 1.$((minor + 1)).0-0"
"${helm[@]}" install fits "$tmp/charts/fits" -n smoke --create-namespace --wait --timeout 2m >"$tmp/helm.out" 2>&1 ||
    fail "helm install of a chart for 1.$minor: $(cat "$tmp/helm.out")"
status="$("${helm[@]}" status fits -n smoke)" || fail "helm status fits"
grep -q '^STATUS: deployed' <<<"$status" || fail "helm status fits: not deployed: $status"
echo "ok helm install of a chart with kubeVersion '>= 1.$minor.0-0 < 1.$((minor + 1)).0-0'"
if "${helm[@]}" install too-new "$tmp/charts/too-new" -n smoke >"$tmp/helm.out" 2>&1; then
    fail "helm installed a chart that needs Kubernetes >= 1.$((minor + 1)) on $server_version"
fi
grep -q "kubeVersion" "$tmp/helm.out" || fail "helm refused the chart, but not for its kubeVersion: $(cat "$tmp/helm.out")"
echo "ok helm refuses a chart with kubeVersion '>= 1.$((minor + 1)).0-0': $(tail -1 "$tmp/helm.out")"

# --- a strategic-merge patch of hostAliases rolls out --------------------------
patch='{"spec":{"template":{"spec":{"hostAliases":[{"ip":"10.11.12.13","hostnames":["rancher.smoke.example.org"]}]}}}}'
"${kubectl[@]}" -n smoke patch deployment smoke-fits --type strategic -p "$patch" >/dev/null ||
    fail "kubectl patch"
"${kubectl[@]}" -n smoke rollout status deployment/smoke-fits --timeout=120s >/dev/null ||
    fail "rollout after the patch did not complete"
aliases="$("${kubectl[@]}" -n smoke get pods -l app=smoke-fits --field-selector=status.phase=Running \
    -o jsonpath='{range .items[*]}{.spec.hostAliases[0].ip}={.spec.hostAliases[0].hostnames[0]}{"\n"}{end}' | sort -u)"
[ "$aliases" = "10.11.12.13=rancher.smoke.example.org" ] || fail "running pods' hostAliases: [$aliases]"
echo "ok strategic-merge patch of hostAliases rolled out"

# --- down leaves nothing -----------------------------------------------------
bash "$cp_sh" down "$work" || fail "control-plane.sh down"
while read -r name pid; do
    c="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || continue
    if [[ "$c" == *"$work/"* ]]; then
        fail "$name (pid $pid) survived down"
    fi
done <"$tmp/pids"
left="$(survivors)"
[ -z "$left" ] || fail "processes still running for $work: $left"
if [ -e "$work/pids" ] || [ -e "$work/etcd" ]; then
    fail "down left state in $work: $(ls "$work")"
fi
echo "ok down: no process left, state removed"
