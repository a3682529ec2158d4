namespace NetKit.Tests.Cli;

/// <summary>Help, mistakes on the command line, and shell completion.</summary>
public sealed class CliHelpTests
{
    [Theory]
    [InlineData(new[] { "serv" }, "netkit: unknown command 'serv' for netkit (did you mean 'serve'?)")]
    [InlineData(new[] { "kv", "serve", "--fsnc", "always" }, "netkit: unknown option '--fsnc' for netkit kv serve (did you mean '--fsync'?)")]
    [InlineData(new[] { "kv", "set", "k" }, "netkit: missing <value>: netkit kv set <key> <value>")]
    [InlineData(new[] { "echo", "serve", "--bind" }, "netkit: --bind needs a value: --bind <host:port|unix:path>")]
    [InlineData(new[] { "echo" }, "netkit: netkit echo needs a command: serve, send")]
    [InlineData(new[] { "completion", "fish" }, "netkit: invalid shell 'fish': expected bash or zsh")]
    public async Task A_mistake_gets_one_line_that_names_what_is_wrong(string[] arguments, string expected)
    {
        var result = await NetkitProcess.RunAsync(arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        CliClientTests.AssertOneErrorLine(result, expected);
    }

    [Fact]
    public async Task Server_help_shows_defaults_as_typed_and_no_client_options()
    {
        var help = await NetkitProcess.RunAsync(["kv", "serve", "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("[default: 512mb]", help.Stdout);
        Assert.Contains("[default: everysec]", help.Stdout);
        Assert.Contains("[default: normal 0 1mb 60 pubsub 32mb 8mb 60]", help.Stdout);
        Assert.Matches(@"--model <async\|threads\|epoll>.*\[default: (epoll|async)\]", help.Stdout);
        Assert.DoesNotContain("--connect", help.Stdout);
        Assert.DoesNotContain("--timeout", help.Stdout);
    }

    [Fact]
    public async Task Bash_completion_completes_commands_options_and_their_values()
    {
        var script = await NetkitProcess.RunAsync(["completion", "bash"]);
        Assert.True(script.ExitCode == 0, script.ToString());
        using var dir = new KeyValue.Persistence.TempDataDirectory();
        string completion = Path.Combine(dir.Path, "netkit-completion.bash");
        await File.WriteAllTextAsync(completion, script.Stdout);
        // The script calls netkit as the user typed it; here that is a wrapper around the build under test.
        string netkit = Path.Combine(dir.Path, "netkit");
        await File.WriteAllTextAsync(netkit, "#!/bin/sh\nexec " + string.Join(' ', NetkitProcess.CliCommand.Select(Quote)) + " \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(netkit, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Assert.Equal(["send", "serve"], await CompleteAsync(completion, netkit, "echo se"));
        Assert.Equal(["--fsync"], await CompleteAsync(completion, netkit, "kv serve --fs"));
        Assert.Equal(["always", "everysec", "no"], await CompleteAsync(completion, netkit, "kv serve --fsync "));
    }

    /// <summary>What bash offers for <c>netkit LINE</c> with the cursor at its end.</summary>
    private static async Task<string[]> CompleteAsync(string completion, string netkit, string line)
    {
        string commandLine = $"{netkit} {line}";
        string words = string.Join(' ', commandLine.Split(' ').Select(Quote));
        string program = $$"""
            source {{Quote(completion)}}
            COMP_LINE={{Quote(commandLine)}}
            COMP_POINT=${#COMP_LINE}
            COMP_WORDS=({{words}})
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _netkit_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        using var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", program])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        string output = await bash.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(NetkitProcess.ExitTimeout);
        await bash.WaitForExitAsync(timeout.Token);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
