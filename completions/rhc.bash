# bash completion for rhc. Self-contained: it uses only bash's own compgen,
# compopt and complete, not the bash-completion package's helpers.
# compopt fails (silenced) only when _rhc is called outside a completion, as
# the tests call it.

# The fields under the dotted path before the last dot of $1, as rhc explain
# lists them: "name." for an object, "name[]." for a list of objects.
_rhc_fields()
{
    local cur=$1 parent= pre= name type
    if [[ $cur == *.* ]]; then
        parent=${cur%.*}
        pre=$parent.
    fi
    "${COMP_WORDS[0]}" explain "$parent" 2>/dev/null |
        sed -n '/^FIELDS:$/,$s/^    \([A-Za-z0-9_]*\) <\([^>]*\)>.*/\1 \2/p' |
        while read -r name type; do
            case $type in
            object) printf '%s\n' "$pre$name." ;;
            "array of object") printf '%s\n' "$pre$name[]." ;;
            *) printf '%s\n' "$pre$name" ;;
            esac
        done
}

_rhc()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[1]} words=
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        words="build check verify schema explain init help --version"
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return
    fi
    case $prev in
    --format)
        words="text json"
        [[ $cmd == verify ]] && words="text json junit"
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return
        ;;
    -o)
        compopt -o filenames 2>/dev/null
        if [[ $cmd == build ]]; then
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        return
        ;;
    --kubeconfig)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --distro)
        mapfile -t COMPREPLY < <(compgen -W "rke1 rke2 k3s" -- "$cur")
        return
        ;;
    --wait)
        mapfile -t COMPREPLY < <(compgen -W "90s 5m 10m 15m 30m 1h" -- "$cur")
        return
        ;;
    --context)
        return # a name from the kubeconfig: nothing to offer without reading it
        ;;
    esac
    case $cmd in
    build) words="-o --force --check" ;;
    check) words="--format" ;;
    verify) words="--require-tools --format --lb --cluster --kubeconfig --context --wait --allow-exec --rehearsal --verbose" ;;
    init) words="--distro -o" ;;
    help)
        ((COMP_CWORD == 2)) &&
            mapfile -t COMPREPLY < <(compgen -W "build check verify schema explain init" -- "$cur")
        return
        ;;
    explain)
        if ((COMP_CWORD == 2)); then
            compopt -o nospace 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -W "$(_rhc_fields "$cur")" -- "$cur")
        fi
        return
        ;;
    *) return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return
    fi
    compopt -o filenames 2>/dev/null
    case $cmd in
    build | check) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;; # SPEC
    verify) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;        # DIR
    esac
}

complete -F _rhc rhc
