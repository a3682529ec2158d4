using System.CommandLine;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit completion bash|zsh</c>: a shell script that completes netkit's commands, options and values by
/// asking netkit itself (System.CommandLine's <c>[suggest:POSITION]</c> directive), so it never falls behind the
/// commands. <c>eval "$(netkit completion bash)"</c> in <c>~/.bashrc</c>, or the zsh one in <c>~/.zshrc</c>.
/// </summary>
public static class CompletionCommand
{
    // The line up to the cursor, without the program's own name, is what [suggest:N] completes; the program is
    // called as the user typed it (netkit on the PATH, ./out/netkit, ...).
    private const string Bash = """
        # netkit completion for bash: eval "$(netkit completion bash)" in ~/.bashrc
        _netkit_complete() {
            local line="${COMP_LINE:0:COMP_POINT}"
            case "$line" in
                *[[:space:]]*) ;;
                *) return 0 ;;
            esac
            local args="${line#*[[:space:]]}"
            local IFS=$'\n'
            COMPREPLY=($("${COMP_WORDS[0]}" "[suggest:${#args}]" "$args" 2>/dev/null))
        }
        complete -o default -F _netkit_complete netkit

        """;

    private const string Zsh = """
        # netkit completion for zsh: eval "$(netkit completion zsh)" in ~/.zshrc (after compinit)
        _netkit_complete() {
            local args="${(j: :)words[2,CURRENT]}"
            local -a suggestions
            suggestions=("${(@f)$("${words[1]}" "[suggest:${#args}]" "$args" 2>/dev/null)}")
            compadd -a suggestions
        }
        compdef _netkit_complete netkit

        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell")
        {
            Description = "The shell to complete for: bash or zsh",
        };
        shell.CompletionSources.Add("bash", "zsh");
        shell.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (text is not ("bash" or "zsh"))
            {
                result.AddError($"invalid shell '{text}': expected bash or zsh");
            }
        });
        var command = new Command("completion", "Print a script that completes netkit's commands and options in bash or zsh") { shell };
        command.SetAction(async (result, _) =>
        {
            await Console.Out.WriteAsync(result.GetValue(shell) == "zsh" ? Zsh : Bash).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
