#!/usr/bin/env bash
# live.sh RHC ROOT: the opt-in suite 'cluster': rhc verify --cluster against a
# real cluster (kind, minikube, or one rehearsal/run.sh made).
#   RHC_TEST_KUBECONFIG  the cluster's kubeconfig (unset: skip, exit 77)
#   RHC_TEST_SPEC        the spec the cluster was installed from
#                        (default: testdata/golden/current/spec.yml)
#   RHC_TEST_CONTEXT     a context other than current-context
#   RHC_TEST_WAIT        --wait DURATION (default: check once)
#   RHC_TEST_ALLOW_EXEC  set to run exec credential plugins (minikube, cloud)
set -euo pipefail
rhc="$1"
root="$2"
. "$root/tests/lib.sh"

if [ -z "${RHC_TEST_KUBECONFIG:-}" ]; then
    echo "SKIP: RHC_TEST_KUBECONFIG is not set; point it at a kind or minikube cluster where" \
        "helm.sh and patch.sh ran (rehearsal/run.sh does both), and RHC_TEST_SPEC at its spec" >&2
    exit 77
fi
spec="${RHC_TEST_SPEC:-$root/testdata/golden/current/spec.yml}"
"$rhc" build "$spec" -o "$tmp/out" >/dev/null || fail "rhc build $spec"
args=(verify "$tmp/out" --cluster --kubeconfig "$RHC_TEST_KUBECONFIG")
[ -z "${RHC_TEST_CONTEXT:-}" ] || args+=(--context "$RHC_TEST_CONTEXT")
[ -z "${RHC_TEST_WAIT:-}" ] || args+=(--wait "$RHC_TEST_WAIT")
[ -z "${RHC_TEST_ALLOW_EXEC:-}" ] || args+=(--allow-exec)
"$rhc" "${args[@]}" || fail "rhc ${args[*]}"
