#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1, with fake nodes (kwok):
#   control-plane.sh up WORKDIR     start it; ready when this returns 0
#   control-plane.sh down WORKDIR   stop exactly the processes `up` started
#   control-plane.sh env WORKDIR    print `export KUBECONFIG=... PATH=...`
# `up` makes a PKI with openssl (a CA, the API server's serving certificate,
# client certificates for the admin (system:masters), the controller-manager,
# the scheduler and the front proxy, a service-account key pair), then starts etcd,
# kube-apiserver (RBAC, client-certificate auth), kube-controller-manager,
# kube-scheduler and kwok on free loopback ports, creates one untainted Node
# per name in NODES, and waits for /readyz, every node Ready and a probe
# Deployment Available (scheduler, controller-manager and kwok at work).
# It writes WORKDIR/kubeconfig (admin) and WORKDIR/pids; on any failure it
# stops what it started and prints the logs' tails.
# Environment:
#   NODES         node names, each NAME or NAME:false for a node without the
#                 worker role (default: "server-01 server-02 server-03");
#                 labels rhc/node=NAME, rhc/worker=true|false as in the kind
#                 rehearsal (templates/kind-config.yaml.tmpl)
#   DISTRO        rke1 (default), rke2 or k3s: rke2 and k3s serve the
#                 helm.cattle.io API (HelmChart, HelmChartConfig) of their
#                 embedded helm-controller (tests/cluster/crds/)
#   INGRESS_CLASS nginx, traefik or empty (default): an IngressClass of that
#                 name, the cluster's default, as the distro's ingress
#                 controller registers it (no controller runs)
#   K8S_VERSION   which build to run (default: the first of K8S_VERSIONS in
#                 tests/cluster/versions.env)
#   RHC_CP_BIN    the binaries (default: where build-control-plane.sh puts them)
#   RHC_CP_TIMEOUT  seconds `up` waits for readiness (default 120)
#   RHC_CP_PROBE  0: skip the probe Deployment (a caller that rolls out
#                 Deployments itself proves the same, sooner)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
usage() {
    echo "usage: control-plane.sh up|down|env WORKDIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
cmd="$1"
[ "$cmd" != up ] || mkdir -p "$2"
work="$(realpath -m "$2")"

if [ -z "${K8S_VERSION:-}" ]; then
    # shellcheck source=/dev/null
    K8S_VERSION="$(. "$here/versions.env" && echo "$K8S_VERSION")"
fi
distro="${DISTRO:-rke1}"
ingress_class="${INGRESS_CLASS:-}"
bin="${RHC_CP_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/rhc/control-plane/$K8S_VERSION/bin}"
timeout="${RHC_CP_TIMEOUT:-120}"
pids="$work/pids"

say() { echo "control-plane: $*" >&2; }

# --- down --------------------------------------------------------------------
# A recorded PID is signalled only while its command line still names WORKDIR,
# so a PID the system reused for someone else's process is left alone.
ours() { # PID
    local c
    c="$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" && [[ "$c" == *"$work/"* ]]
}
stop_all() {
    [ -f "$pids" ] || return 0
    local name pid left=() deadline
    # reverse start order: kwok, scheduler, controller-manager, apiserver, etcd
    while read -r name pid; do
        if ours "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            left=("$pid" "${left[@]}")
        fi
    done < <(tac "$pids")
    deadline=$((SECONDS + 15))
    for pid in "${left[@]}"; do
        while ours "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
        if ours "$pid"; then
            say "pid $pid did not stop on TERM; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            while ours "$pid"; do sleep 0.1; done
        fi
    done
    rm -f "$pids"
}
down() {
    stop_all
    rm -rf "$work/etcd" "$work/pki" "$work/logs" "$work/kwok-home" "$work"/*.kubeconfig \
        "$work/kubeconfig" "$work/ports"
}

if [ "$cmd" = down ]; then
    down
    exit 0
fi
if [ "$cmd" = env ]; then
    # shellcheck disable=SC2016 # $PATH is for the shell that evals this
    printf 'export KUBECONFIG=%q PATH=%q:"$PATH"\n' "$work/kubeconfig" "$bin"
    exit 0
fi
[ "$cmd" = up ] || usage

# --- up ----------------------------------------------------------------------
case "$distro" in rke1 | rke2 | k3s) ;; *)
    say "DISTRO must be rke1, rke2 or k3s, not '$distro'"
    exit 2
    ;;
esac
case "$ingress_class" in "" | nginx | traefik) ;; *)
    say "INGRESS_CLASS must be nginx, traefik or empty, not '$ingress_class'"
    exit 2
    ;;
esac
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
    [ -x "$bin/$b" ] || {
        say "$bin/$b is missing: run tests/cluster/build-control-plane.sh $K8S_VERSION"
        exit 1
    }
done
for t in openssl python3 setsid; do
    command -v "$t" >/dev/null || {
        say "$t is not installed"
        exit 1
    }
done
if [ -f "$pids" ]; then
    while read -r _ pid; do
        if ours "$pid"; then
            say "already up in $work (pid $pid); run: control-plane.sh down $work"
            exit 1
        fi
    done <"$pids"
fi

started=$SECONDS
ok=""
on_exit() {
    [ -z "$ok" ] || return 0
    say "up failed; stopping what it started"
    local f
    for f in "$work"/logs/*.log; do
        [ -f "$f" ] || continue
        echo "--- tail of $f" >&2
        tail -n 15 "$f" >&2
    done
    down
}
trap on_exit EXIT
trap 'exit 130' INT TERM

rm -rf "$work/etcd" "$work/pki" "$work/logs" "$work/kwok-home"
mkdir -p "$work/pki" "$work/logs" "$work/kwok-home"
: >"$pids"

# --- PKI (ECDSA P-256: fast to make, accepted by every component) ------------
pki="$work/pki"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key "$pki/ca.key"
openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=rhc-local-ca" -days 7 -out "$pki/ca.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
cert() { # NAME SUBJECT EXTENSIONS
    key "$pki/$1.key"
    openssl req -new -key "$pki/$1.key" -subj "$2" -out "$pki/$1.csr" 2>/dev/null
    printf '%s\n' "$3" >"$pki/$1.ext"
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
        -days 7 -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null
}
client_ext=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'
cert apiserver "/CN=kube-apiserver" "$(printf '%s\n' 'basicConstraints=CA:FALSE' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
    'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local')"
cert admin "/O=system:masters/CN=rhc-admin" "$client_ext"
cert controller-manager "/CN=system:kube-controller-manager" "$client_ext"
cert scheduler "/CN=system:kube-scheduler" "$client_ext"
# the aggregation layer's front proxy (requestheader auth): without it the
# controller-manager and scheduler log errors about the missing CA bundle
cert front-proxy-client "/CN=front-proxy-client" "$client_ext"
key "$pki/sa.key"
openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

# --- free loopback ports -----------------------------------------------------
# bound together, so they are distinct; released just before use
read -r p_etcd p_peer p_api p_cm p_sched < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
')
printf 'etcd %s\netcd-peer %s\napiserver %s\ncontroller-manager %s\nscheduler %s\n' \
    "$p_etcd" "$p_peer" "$p_api" "$p_cm" "$p_sched" >"$work/ports"
server="https://127.0.0.1:$p_api"

# written directly, as `kubectl config set-*` would (twelve kubectl runs
# cost seconds of CPU that the API server's start needs more)
kubeconfig() { # FILE USER
    local f="$work/$1"
    cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: rhc-local
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$pki/$2.crt")
    client-key-data: $(base64 -w0 "$pki/$2.key")
contexts:
- name: rhc-local
  context:
    cluster: rhc-local
    user: $2
current-context: rhc-local
EOF
    chmod 600 "$f"
}
kubeconfig kubeconfig admin
kubeconfig controller-manager.kubeconfig controller-manager
kubeconfig scheduler.kubeconfig scheduler
kc=("$bin/kubectl" --kubeconfig "$work/kubeconfig")

# start NAME ARGS...: a session of its own (no terminal signal reaches it),
# output to WORKDIR/logs/NAME.log, stdin closed; its PID goes to WORKDIR/pids
start() {
    local name="$1"
    shift
    setsid "$@" </dev/null >"$work/logs/$name.log" 2>&1 &
    echo "$name $!" >>"$pids"
}
alive() { # NAME: fails, with its log, when the process has exited
    local pid
    pid="$(awk -v n="$1" '$1 == n { print $2 }' "$pids")"
    if ! kill -0 "$pid" 2>/dev/null; then
        say "$1 exited"
        return 1
    fi
}
# until DESCRIPTION PROCESSES -- COMMAND...: retries COMMAND until it succeeds,
# failing at the deadline or as soon as one of PROCESSES has exited
deadline=$((SECONDS + timeout))
until_ok() {
    local what="$1" procs=()
    shift
    while [ "$1" != -- ]; do
        procs+=("$1")
        shift
    done
    shift
    until "$@" >/dev/null 2>&1; do
        local p
        for p in "${procs[@]}"; do alive "$p" || return 1; done
        if [ "$SECONDS" -ge "$deadline" ]; then
            say "timed out after ${timeout}s waiting for $what"
            return 1
        fi
        # every try of a kubectl costs a fifth of a CPU-second
        sleep 0.5
    done
}

start etcd "$bin/etcd" --name rhc-local --data-dir "$work/etcd" \
    --listen-client-urls "http://127.0.0.1:$p_etcd" --advertise-client-urls "http://127.0.0.1:$p_etcd" \
    --listen-peer-urls "http://127.0.0.1:$p_peer" --initial-advertise-peer-urls "http://127.0.0.1:$p_peer" \
    --initial-cluster "rhc-local=http://127.0.0.1:$p_peer" --unsafe-no-fsync --log-level warn

start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$p_etcd" \
    --bind-address 127.0.0.1 --secure-port "$p_api" \
    --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
    --cert-dir "$work/pki" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --requestheader-client-ca-file "$pki/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$pki/front-proxy-client.crt" --proxy-client-key-file "$pki/front-proxy-client.key" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --allow-privileged=true --profiling=false

until_ok "etcd" etcd -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$p_etcd"
# the port first (a bash builtin, no CPU to speak of), then /readyz
until_ok "the API server's port" etcd kube-apiserver -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$p_api"
until_ok "the API server's /readyz" etcd kube-apiserver -- "${kc[@]}" get --raw /readyz
say "API server ready after $((SECONDS - started))s on $server"

# --- what the distro serves beside Kubernetes itself --------------------------
if [ "$distro" != rke1 ]; then
    "${kc[@]}" apply -f "$here/crds/helm-controller.yaml" >/dev/null
    until_ok "the helm.cattle.io CRDs Established" kube-apiserver -- \
        "${kc[@]}" wait --for=condition=Established --timeout=2s \
        crd/helmcharts.helm.cattle.io crd/helmchartconfigs.helm.cattle.io
fi
if [ -n "$ingress_class" ]; then
    # the controller names of ingress-nginx and Traefik's IngressClass
    controller=k8s.io/ingress-nginx
    [ "$ingress_class" = nginx ] || controller=traefik.io/ingress-controller
    "${kc[@]}" apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: $ingress_class
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: $controller
EOF
fi

start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$work/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$work/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$work/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$p_cm" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --controllers '*,-cloud-node-lifecycle-controller,-service-lb-controller,-node-route-controller'

start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig "$work/scheduler.kubeconfig" \
    --authentication-kubeconfig "$work/scheduler.kubeconfig" \
    --authorization-kubeconfig "$work/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$p_sched" --leader-elect=false

stages=()
for s in node-initialize node-heartbeat pod-ready pod-complete pod-delete; do
    stages+=(--config "$here/kwok/$s.yaml")
done
# HOME: kwok reads ~/.kwok/kwok.yaml first when it exists; not the user's
start kwok env HOME="$work/kwok-home" "$bin/kwok" --kubeconfig "$work/kubeconfig" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr 10.244.0.0/16 --node-ip 10.0.0.254 "${stages[@]}"

# --- nodes -------------------------------------------------------------------
version="$("${kc[@]}" get --raw /version | sed -n 's/^ *"gitVersion": *"\([^"]*\)".*/\1/p')"
[ -n "$version" ] || {
    say "GET /version has no gitVersion"
    exit 1
}
read -r -a node_list <<<"${NODES:-server-01 server-02 server-03}"
[ "${#node_list[@]}" -gt 0 ] || {
    say "NODES is empty"
    exit 1
}
i=0
for n in "${node_list[@]}"; do
    i=$((i + 1))
    name="${n%%:*}" worker=true
    [ "$name" = "$n" ] || worker="${n#*:}"
    case "$worker" in true | false) ;; *)
        say "NODES: '$n': the worker flag must be true or false"
        exit 1
        ;;
    esac
    # a kubelet registers its node with a status; kwok's node-initialize
    # stage keeps the kubelet version given here
    "${kc[@]}" create -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: "$name"
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: "$name"
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    rhc/node: "$name"
    rhc/worker: "$worker"
    type: kwok
status:
  addresses:
    - type: InternalIP
      address: "10.0.$((i / 250)).$((i % 250 + 1))"
  nodeInfo:
    kubeletVersion: "$version"
EOF
done
until_ok "every node Ready" kube-controller-manager kwok -- \
    "${kc[@]}" wait --for=condition=Ready nodes --all --timeout=2s
say "${#node_list[@]} nodes Ready after $((SECONDS - started))s"

# --- proof: a Deployment needs the controller-manager (ReplicaSet, the
# namespace's service account), the scheduler and kwok to get Available
ns=rhc-control-plane-probe
if [ "${RHC_CP_PROBE:-1}" != 0 ]; then
    "${kc[@]}" create namespace "$ns" >/dev/null
    until_ok "the default service account" kube-controller-manager -- \
        "${kc[@]}" -n "$ns" get serviceaccount default
    "${kc[@]}" -n "$ns" create deployment probe --image=registry.invalid/rhc/probe:none --replicas=2 >/dev/null
    until_ok "the probe Deployment Available" kube-controller-manager kube-scheduler kwok -- \
        "${kc[@]}" -n "$ns" wait --for=condition=Available deployment/probe --timeout=2s
    "${kc[@]}" delete namespace "$ns" --wait=false >/dev/null
fi

ok=1
say "ready after $((SECONDS - started))s: $K8S_VERSION ($distro), ${#node_list[@]} nodes; KUBECONFIG=$work/kubeconfig"
