# Shared by the test scripts: temp dirs that clean up, and skip/fail rules.
# A missing real tool is a skip (exit 77, with the reason) on a developer's
# machine, and a failure under CI, where every real-tool test must run.

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

need_tool() {
    if ! command -v "$1" >/dev/null 2>&1; then
        if [ -n "${CI:-}" ]; then
            fail "$1 is not installed, and CI must run the real-tool tests (.ci/run installs it)"
        fi
        echo "SKIP: $1 is not installed (Debian package: $2)" >&2
        exit 77
    fi
}

# meson passes the binary relative to the build dir; the scripts cd away.
rhc="$(realpath "$rhc")"
