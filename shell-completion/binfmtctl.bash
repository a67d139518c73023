# bash completion for binfmtctl(1)                                    -*- shell-script -*-
_binfmtctl_entries() {
    # Entry names from the daemon; nothing (quietly) when it is not reachable.
    binfmtctl --no-legend list 2>/dev/null | awk '{print $1}'
}

_binfmtctl() {
    local cur prev words cword
    _init_completion || return

    local verbs='list status register unregister reload which platforms import export validate presets'
    local global='--json --no-legend --root --help'
    local verb='' i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --root) ((i++)) ;;
            -*) ;;
            *) verb=${words[i]}; break ;;
        esac
    done

    case $prev in
        --root) _filedir -d; return ;;
        --interpreter) _filedir; return ;;
        --file) _filedir toml; return ;;
        --preset)
            mapfile -t COMPREPLY < <(compgen -W "$(binfmtctl --no-legend presets 2>/dev/null | awk '{print $1}')" -- "$cur")
            return ;;
        --magic | --mask | --offset | --extension | --priority) return ;;
    esac

    case $verb in
        '')
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$global" -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W "$verbs" -- "$cur")
            fi ;;
        status | unregister)
            if [[ $cur == -* ]]; then
                local opts=$global
                [[ $verb == unregister ]] && opts+=' --persist'
                mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W "$(_binfmtctl_entries)" -- "$cur")
            fi ;;
        register)
            mapfile -t COMPREPLY < <(compgen -W "--file --magic --mask --offset --extension --preset --interpreter --priority
                --preserve-argv0 --open-binary --credentials --fix-binary --persist --replace --force
                $global" -- "$cur") ;;
        which) _filedir ;;
        import)
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "--format --write --replace $global" -- "$cur")
            else
                _filedir
            fi ;;
        platforms) mapfile -t COMPREPLY < <(compgen -W "--check $global" -- "$cur") ;;
        validate)
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "$global" -- "$cur")
            else
                _filedir toml
                _filedir -d
            fi ;;
        *) mapfile -t COMPREPLY < <(compgen -W "$global" -- "$cur") ;;
    esac
} && complete -F _binfmtctl binfmtctl

# ex: filetype=sh
