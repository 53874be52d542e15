#!/usr/bin/env bash
# consumers.sh RHC CASE CHECK: builds CASE/spec.yml and hands the artefacts to
# the programs that consume them. CHECK is one of:
#   nginx     nginx -t with the stream module (in a user+network namespace
#             when not root, so listen 80/443 needs no privilege)
#   kubectl   kubectl patch --local of each patch onto its workload's kind;
#             the resulting hostAliases must be exactly the spec's
#   shell     bash -n and shellcheck on every script (nodes/*/install.sh and
#             rehearsal/run.sh too); scripts are 0755
#   yaml11    PyYAML (a YAML 1.1 reader, like RKE's) reads rancher-cluster.yml,
#             or every nodes/NODE/config.yaml and manifests/*.yaml, and every
#             value keeps the spec's type and text
set -euo pipefail
rhc="$1"
case_dir="$2"
check="$3"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"

cd "$case_dir"
"$rhc" build spec.yml -o "$tmp/out" >/dev/null 2>&1 || fail "rhc build failed"
out="$tmp/out"

case "$check" in
nginx)
    need_tool nginx nginx
    module=/usr/lib/nginx/modules/ngx_stream_module.so
    [ -f "$module" ] || { [ -n "${CI:-}" ] && fail "no stream module"; echo "SKIP: $module missing (Debian package: libnginx-mod-stream)" >&2; exit 77; }
    mkdir -p "$tmp/prefix"
    # Our wrapper only loads the module and keeps the pid file private; the
    # generated config is included unchanged.
    printf 'load_module %s;\npid %s/nginx.pid;\ninclude %s/nginx.conf;\n' "$module" "$tmp/prefix" "$out" >"$tmp/prefix/wrapper.conf"
    run=(nginx -t -p "$tmp/prefix" -c "$tmp/prefix/wrapper.conf" -e stderr)
    if [ "$(id -u)" -ne 0 ]; then
        run=(unshare -r -n "${run[@]}")
    fi
    "${run[@]}" || fail "nginx -t rejected nginx.conf"
    grep -q '^stream {' "$out/nginx.conf" || fail "nginx.conf has no stream block"
    ;;
kubectl)
    need_tool kubectl kubernetes-client
    python3 "$here/check_patches.py" "$out" "$here/../testdata/manifests"
    ;;
shell)
    need_tool shellcheck shellcheck
    mapfile -t scripts < <(find "$out" -name '*.sh' -type f | sort)
    for script in "${scripts[@]}"; do
        bash -n "$script" || fail "bash -n: $script"
        [ "$(stat -c %a "$script")" = 755 ] || fail "$script is not mode 0755"
        grep -qx 'set -euo pipefail' "$script" || fail "$script does not set -euo pipefail"
        [ "$(head -1 "$script")" = '#!/usr/bin/env bash' ] || fail "$script: wrong shebang"
    done
    shellcheck --severity=style "${scripts[@]}" || fail "shellcheck"
    echo "ok: ${#scripts[@]} scripts"
    ;;
yaml11)
    python3 -c 'import yaml' 2>/dev/null || { [ -n "${CI:-}" ] && fail "python3-yaml missing"; echo "SKIP: python3-yaml missing" >&2; exit 77; }
    python3 "$here/check_rke_yaml.py" "$out"
    ;;
*)
    fail "unknown check $check"
    ;;
esac
