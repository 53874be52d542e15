#!/usr/bin/env bash
# hostile.sh RHC SRCDIR CASE [SHIM]: robustness cases that need more than a
# spec file: a huge scalar, a full disk (SHIM: the ENOSPC LD_PRELOAD shim),
# an unwritable output directory, and a secret that must appear nowhere.
set -euo pipefail
rhc="$1"
src="$2"
case_name="$3"
shim="${4:-}"
. "$(dirname "$0")/lib.sh"
spec="$src/examples/rancher-ha.yml"

case "$case_name" in
huge-scalar)
    # 100 MB: over the 64 MiB input cap, refused before parsing.
    python3 -c 'import sys; sys.stdout.write("apiVersion: rhc/v1\nname: " + "a" * (100 << 20) + "\n")' >"$tmp/big.yml"
    rc=0; "$rhc" check "$tmp/big.yml" 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 1 ] || fail "exit $rc for a 100 MB spec"
    grep -q "the limit is 67108864 bytes (64 MiB)" "$tmp/err" || { cat "$tmp/err"; fail "no size-limit message"; }
    # 8 MB scalar under the cap: the schema's maxLength refuses it.
    python3 -c 'import sys; sys.stdout.write("apiVersion: rhc/v1\nname: " + "a" * (8 << 20) + "\n")' >"$tmp/long.yml"
    rc=0; "$rhc" check "$tmp/long.yml" 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 1 ] && grep -q "name: is 8388608 characters long; at most 63 are allowed" "$tmp/err" ||
        { cat "$tmp/err"; fail "8 MB scalar not refused by its length"; }
    ;;
full-disk)
    "$rhc" build "$spec" -o "$tmp/out" >/dev/null
    before="$(cat "$tmp/out/MANIFEST")"
    # a sanitizer build needs its runtime first in the preload list
    preload="$shim"
    asan="$(ldd "$rhc" | grep -o '/[^ ]*libasan[^ ]*' || true)"
    [ -z "$asan" ] || preload="$asan $shim"
    for budget in 0 100 5000; do
        rc=0
        LD_PRELOAD="$preload" RHC_FAULT_WRITE_BUDGET=$budget "$rhc" build "$spec" -o "$tmp/out" 2>"$tmp/err" >/dev/null || rc=$?
        [ "$rc" -eq 3 ] || { cat "$tmp/err"; fail "exit $rc on a full disk (budget $budget), expected 3"; }
        grep -q "No space left on device" "$tmp/err" || { cat "$tmp/err"; fail "the error does not say the disk is full"; }
        [ "$(cat "$tmp/out/MANIFEST")" = "$before" ] || fail "the old output changed"
        ls -a "$tmp" | grep -q 'rhc-tmp' && fail "temporary directory left behind"
    done
    "$rhc" verify "$tmp/out" >/dev/null || fail "the old output no longer verifies"
    ;;
unwritable)
    mkdir "$tmp/ro" && chmod 0555 "$tmp/ro" && chmod 0755 "$tmp"
    as_user=()
    if [ "$(id -u)" -eq 0 ]; then
        command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"
        as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
        # the checkout may sit where nobody cannot reach (e.g. under /root)
        install -m 0755 "$rhc" "$tmp/rhc" && rhc="$tmp/rhc"
        install -m 0644 "$spec" "$tmp/spec.yml" && spec="$tmp/spec.yml"
    fi
    rc=0; "${as_user[@]}" "$rhc" build "$spec" -o "$tmp/ro/out" 2>"$tmp/err" || rc=$?
    [ "$rc" -eq 3 ] || { cat "$tmp/err"; fail "exit $rc for an unwritable directory, expected 3"; }
    grep -q "Permission denied" "$tmp/err" || { cat "$tmp/err"; fail "the error does not say why"; }
    ;;
secret)
    canary="rhc-canary-$$-S3cr3t"
    export RANCHER_BOOTSTRAP_PASSWORD="$canary"
    cd "$src/testdata/golden/current"
    "$rhc" build spec.yml -o "$tmp/out" >"$tmp/log" 2>&1
    "$rhc" check spec.yml --format json >>"$tmp/log" 2>&1
    "$rhc" verify --require-tools "$tmp/out" >>"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "verify failed"; }
    "$rhc" verify --format json "$tmp/out" >>"$tmp/log" 2>&1 || true
    grep -q 'RANCHER_BOOTSTRAP_PASSWORD' "$tmp/out/helm.sh" || fail "helm.sh does not read the variable (test is vacuous)"
    ! grep -rq "$canary" "$tmp/out" "$tmp/log" || fail "the secret appears in the output or a log"
    ;;
join-token)
    # rke2/k3s: the join token lives in the environment of cluster.sh only. It
    # must reach no file and no log, and cluster.sh must hand it to each node's
    # install.sh on standard input, never in an argument (ssh and scp are
    # stand-ins that record their arguments and standard input).
    canary="rhc-canary-$$-J0inT0ken"
    export PROD_JOIN_TOKEN="$canary"
    cd "$src/testdata/golden/rke2-agents"
    "$rhc" build spec.yml -o "$tmp/out" >"$tmp/log" 2>&1
    "$rhc" check spec.yml --format json >>"$tmp/log" 2>&1
    "$rhc" verify --require-tools "$tmp/out" >>"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "verify failed"; }
    ! grep -rq "$canary" "$tmp/out" "$tmp/log" || fail "the join token appears in the output or a log"
    mkdir -p "$tmp/bin" "$tmp/calls" "$tmp/work"
    cat >"$tmp/bin/ssh" <<'STUB'
#!/usr/bin/env bash
n=$(ls "$RHC_CALLS" | wc -l)
printf '%s\n' "ssh $*" >"$RHC_CALLS/$n.argv"
case "$*" in
*install.sh*) cat >"$RHC_CALLS/$n.stdin" ;;
*mktemp*) echo /tmp/rhc-node ;;
*"cat /etc/rancher/rke2/rke2.yaml"*) printf 'clusters:\n- cluster:\n    server: https://127.0.0.1:6443\n' ;;
esac
STUB
    printf '#!/usr/bin/env bash\nn=$(ls "$RHC_CALLS" | wc -l)\nprintf "%%s\\n" "scp $*" >"$RHC_CALLS/$n.argv"\n' >"$tmp/bin/scp"
    chmod 0755 "$tmp/bin/ssh" "$tmp/bin/scp"
    (cd "$tmp/work" && RHC_CALLS="$tmp/calls" PATH="$tmp/bin:$PATH" bash "$tmp/out/cluster.sh") >>"$tmp/log" 2>&1 \
        || { cat "$tmp/log"; fail "cluster.sh failed against the stand-ins"; }
    ! grep -rq "$canary" "$tmp/calls"/*.argv "$tmp/log" || fail "the join token is in an argument or a log"
    [ "$(grep -lx "$canary" "$tmp/calls"/*.stdin | wc -l)" -eq 5 ] || fail "not every install.sh got the token on stdin"
    grep -q 'server: https://10.40.0.10:6443' "$tmp/work/kube_config_prod.yaml" || fail "the kubeconfig does not name the load balancer"
    ! grep -q "$canary" "$tmp/work/kube_config_prod.yaml" || fail "the token is in the kubeconfig"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
