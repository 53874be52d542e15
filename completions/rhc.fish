# fish completion for rhc. Self-contained: uses only fish's own functions.

set -l rhc_commands build check verify schema explain init help

# Fields under the dotted path before the last dot of the current token, as
# rhc explain lists them.
function __rhc_fields
    set -l cur (commandline -ct)
    set -l parent ''
    set -l pre ''
    if string match -q '*.*' -- $cur
        set parent (string replace -r '\.[^.]*$' '' -- $cur)
        set pre "$parent."
    end
    rhc explain "$parent" 2>/dev/null | sed -n '/^FIELDS:$/,$s/^    \([A-Za-z0-9_]*\) <\([^>]*\)>.*/\1 \2/p' | while read -l name type
        switch $type
            case object
                echo "$pre$name."
            case 'array of object'
                echo "$pre$name[]."
            case '*'
                echo "$pre$name"
        end
    end
end

complete -c rhc -f
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -l version -d 'print the version'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a build -d 'check a spec and render every artefact'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a check -d 'validate a spec, print every diagnostic'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a verify -d 'prove a built directory right'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a schema -d 'print the JSON Schema of the spec'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a explain -d 'describe a field of the spec'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a init -d 'print or write an example spec'
complete -c rhc -n "not __fish_seen_subcommand_from $rhc_commands" -a help -d 'print the usage or a command help'

# build SPEC -o DIR [--force] [--check]
complete -c rhc -n '__fish_seen_subcommand_from build check' -F
complete -c rhc -n '__fish_seen_subcommand_from build' -s o -x -a '(__fish_complete_directories)' -d 'output directory'
complete -c rhc -n '__fish_seen_subcommand_from build' -l force -d 'replace a directory rhc did not make'
complete -c rhc -n '__fish_seen_subcommand_from build' -l check -d 'report what differs, write nothing'
# check SPEC [--format]
complete -c rhc -n '__fish_seen_subcommand_from check' -l format -x -a 'text json' -d 'output format'
# verify [DIR] ...
complete -c rhc -n '__fish_seen_subcommand_from verify' -x -a '(__fish_complete_directories)'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l format -x -a 'text json junit' -d 'report format'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l require-tools -d 'a missing real tool fails'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l lb -d 'run nginx.conf in a real nginx'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l cluster -d 'check a live cluster'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l kubeconfig -r -F -d 'kubeconfig file'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l context -x -d 'kubeconfig context'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l wait -x -a '90s 5m 10m 15m 30m 1h' -d 'wait for the cluster'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l allow-exec -d 'run exec credential plugins'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l rehearsal -d 'a rehearsal cluster: no LB, no Rancher process'
complete -c rhc -n '__fish_seen_subcommand_from verify' -l verbose -d 'trace the API exchanges'
# explain PATH
complete -c rhc -n '__fish_seen_subcommand_from explain' -x -a '(__rhc_fields)'
# init [--distro rke1|rke2|k3s] [-o FILE]
complete -c rhc -n '__fish_seen_subcommand_from init' -l distro -x -a 'rke1 rke2 k3s' -d 'distribution'
complete -c rhc -n '__fish_seen_subcommand_from init' -s o -r -F -d 'write the spec to a new file'
# help COMMAND
complete -c rhc -n '__fish_seen_subcommand_from help' -x -a 'build check verify schema explain init'
