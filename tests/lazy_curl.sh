#!/usr/bin/env bash
# lazy_curl.sh RHC SRCDIR: libcurl stays off rhc's start-up path. harness/http.c
# dlopens libcurl.so.4 on first use, so: (1) the binary names no libcurl in
# DT_NEEDED and imports no curl_* symbol, and needs nothing beyond the
# libraries `rhc build` uses; (2) with an unloadable libcurl.so.4 first on
# LD_LIBRARY_PATH, `rhc build` still works (a linked libcurl would stop rhc
# before main) and `rhc verify --cluster` fails with the loader's reason.
# The lb and cluster-standin suites prove the loaded path works.
set -euo pipefail
rhc="$1"
src="$2"
. "$(dirname "$0")/lib.sh"
need_tool readelf binutils

needed=$(readelf -d "$rhc" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
[ -n "$needed" ] || fail "readelf -d $rhc lists no NEEDED entries"
for lib in $needed; do
    case "$lib" in
    libfyaml.so.* | libpcre2-8.so.* | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | ld-linux*) ;;
    # the sanitizers' runtimes, in an ASan/UBSan build
    libasan.so.* | libubsan.so.*) ;;
    *) fail "rhc links $lib at start-up (NEEDED: $(echo $needed)); only libfyaml, pcre2 and libc belong there" ;;
    esac
done
if nm -D --undefined-only "$rhc" | grep -i 'curl'; then
    fail "rhc imports the curl symbols above: something calls libcurl outside harness/http.c's dlsym table"
fi

# a libcurl.so.4 the loader cannot load, found before the real one
mkdir "$tmp/lib"
echo 'not a shared library' >"$tmp/lib/libcurl.so.4"
LD_LIBRARY_PATH="$tmp/lib" "$rhc" build "$src/examples/rancher-ha.yml" -o "$tmp/out" >/dev/null ||
    fail "rhc build fails with an unloadable libcurl.so.4 on LD_LIBRARY_PATH: it loads libcurl at start-up"
rc=0
LD_LIBRARY_PATH="$tmp/lib" "$rhc" verify "$tmp/out" --cluster --kubeconfig "$tmp/none" >"$tmp/verify.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/verify.out" >&2; fail "verify --cluster without libcurl: exit $rc, expected 1"; }
grep -q 'cannot load libcurl.so.4 (Debian package: libcurl4): .*libcurl.so.4' "$tmp/verify.out" || {
    cat "$tmp/verify.out" >&2
    fail "verify --cluster without libcurl does not say why libcurl could not be loaded"
}
echo "ok: NEEDED = $(echo $needed); no curl imports; build runs and verify --cluster explains without libcurl"
