#!/usr/bin/env bash
# install.sh BUILDDIR SRCDIR PREFIX BINDIR MANDIR DATADIR: `meson install
# --destdir` puts rhc, rhc(1) and the bash, zsh and fish completions where
# each is looked for; the man page formats without a warning; the bash
# completion works through the function `complete -p rhc` names, with no
# bash-completion package loaded; zsh and fish read theirs.
set -euo pipefail
build="$1" src="$2" prefix="$3" bindir="$4" mandir="$5" datadir="$6"
rhc="$build/rhc" # lib.sh resolves it
. "$(dirname "$0")/lib.sh"
need_tool groff groff-base
need_tool man man-db
need_tool zsh zsh
need_tool fish fish

dest="$tmp/dest"
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
root="$dest$prefix"
for f in "$bindir/rhc" "$mandir/man1/rhc.1" "$datadir/bash-completion/completions/rhc" \
    "$datadir/zsh/vendor-completions/_rhc" "$datadir/fish/vendor_completions.d/rhc.fish"; do
    [ -f "$root/$f" ] || fail "meson install did not install $f"
done
[ "$bindir" = bin ] && [ "$mandir" = share/man ] && [ "$datadir" = share ] ||
    fail "unexpected install dirs ($bindir, $mandir, $datadir): the paths below assume the defaults"
"$root/bin/rhc" --version | grep -q '^rhc ' || fail "the installed rhc does not run"

# the man page: no groff warnings, every section the issue asks for, every command
man="$root/share/man/man1/rhc.1"
groff -man -Tutf8 -ww -z "$man" 2>"$tmp/groff.err" || fail "groff failed"
[ ! -s "$tmp/groff.err" ] || { cat "$tmp/groff.err" >&2; fail "groff warns about rhc.1"; }
MANWIDTH=80 man -l "$man" >"$tmp/man.txt" 2>"$tmp/man.err"
[ ! -s "$tmp/man.err" ] || { cat "$tmp/man.err" >&2; fail "man -l warns"; }
for section in NAME SYNOPSIS DESCRIPTION COMMANDS 'THE SPEC' DIAGNOSTICS 'EXIT STATUS' ENVIRONMENT FILES EXAMPLES; do
    grep -q "^$section\$" "$tmp/man.txt" || fail "rhc.1 has no $section section"
done
for cmd in build check verify schema explain init help; do
    grep -q "^       $cmd\b" "$tmp/man.txt" || fail "rhc.1 does not describe $cmd"
    "$root/bin/rhc" help "$cmd" >/dev/null 2>&1 || [ "$cmd" = help ] || fail "rhc help $cmd"
done

# bash: the installed file alone (no bash-completion helpers), driven through
# the function `complete -p rhc` names, with COMP_WORDS/COMP_CWORD set
mkdir -p "$tmp/cwd/adir" && touch "$tmp/cwd/afile.yml" && cd "$tmp/cwd"
env -i PATH="$root/bin:/usr/bin:/bin" HOME="$tmp" bash --norc --noprofile -c '
set -u
. "$1"
type _init_completion >/dev/null 2>&1 && { echo "bash-completion is loaded: the test proves nothing" >&2; exit 1; }
fn=$(complete -p rhc | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
[ -n "$fn" ] || { echo "complete -p rhc names no function" >&2; exit 1; }
check() { # WANT WORDS...
    local want=$1; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    "$fn"
    local got="${COMPREPLY[*]}"
    [ "$got" = "$want" ] || { echo "[$*]: got [$got], want [$want]" >&2; exit 1; }
}
check "build check verify schema explain init help --version" rhc ""
check "verify" rhc ve
check "text json junit" rhc verify --format ""
check "text json" rhc check --format ""
check "build check verify schema explain init" rhc help ""
check "--require-tools --format --lb --cluster --kubeconfig --context --wait --allow-exec --rehearsal --verbose" rhc verify --
check "-o --force --check" rhc build -
check "adir" rhc build spec.yml -o ""
check "adir" rhc verify ""
check "afile.yml" rhc check af
check "afile.yml" rhc init -o af
check "rke1 rke2 k3s" rhc init --distro ""
check "loadBalancer." rhc explain loadB
check "loadBalancer.failTimeout" rhc explain loadBalancer.fai
check "nodes[].roles" rhc explain "nodes[].ro"
check "nodes[]." rhc explain nod
' bash "$root/share/bash-completion/completions/rhc" || fail "bash completion"

# zsh: the file parses and defines its function under compinit
zsh -n "$root/share/zsh/vendor-completions/_rhc" || fail "zsh: _rhc does not parse"
# fish: the file parses, and its completions answer
fish -n "$root/share/fish/vendor_completions.d/rhc.fish" || fail "fish: rhc.fish does not parse"
got="$(PATH="$root/bin:$PATH" fish --no-config -c "source '$root/share/fish/vendor_completions.d/rhc.fish'; complete -C 'rhc verify --format '" | cut -f1 | tr '\n' ' ')"
[ "$got" = "json junit text " ] || fail "fish: --format of verify offers [$got]"
got="$(PATH="$root/bin:$PATH" fish --no-config -c "source '$root/share/fish/vendor_completions.d/rhc.fish'; complete -C 'rhc explain loadBalancer.fai'" | cut -f1)"
[ "$got" = "loadBalancer.failTimeout" ] || fail "fish: explain paths offer [$got]"
got="$(PATH="$root/bin:$PATH" fish --no-config -c "source '$root/share/fish/vendor_completions.d/rhc.fish'; complete -C 'rhc help '" | cut -f1 | tr '\n' ' ')"
[ "$got" = "build check explain init schema verify " ] || fail "fish: help topics [$got]"
echo "ok: meson install, rhc(1), completions"
