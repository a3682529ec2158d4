using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace NetKit.Tests.Cli;

/// <summary>
/// A <c>netkit</c> process started from the test output directory, its output captured line by line.
/// Servers are started on port 0 and the real port is read from their <c>listening on</c> line, never
/// guessed and never waited for by sleeping. Dispose kills this one process (by its handle) if it still runs.
/// By default it is the JIT build (<c>dotnet netkit.dll</c>); <c>NETKIT_CLI=/path/to/netkit</c> runs a native
/// (AOT) binary instead, so the same tests cover both builds.
/// </summary>
public sealed partial class NetkitProcess : IDisposable
{
    /// <summary>Generous, since a loaded CI machine may take seconds to start a .NET process; a passing
    /// test never waits for it.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The environment variable naming a netkit executable to run in place of the built netkit.dll.</summary>
    public const string CliVariable = "NETKIT_CLI";

    private static readonly Lazy<string[]> Command = new(FindCommand);

    private static readonly Lazy<Task<string>> VersionText = new(async () =>
    {
        var result = await RunAsync(["--version"]).ConfigureAwait(false);
        string version = result.StdoutLines.Single();
        return version.Contains('+', StringComparison.Ordinal) ? version[..version.IndexOf('+', StringComparison.Ordinal)] : version;
    });

    /// <summary>What runs netkit, before its arguments: <c>dotnet /path/netkit.dll</c>, or the one executable
    /// that NETKIT_CLI names; for a test that must start it through another program (setpriv, to drop root).</summary>
    internal static IReadOnlyList<string> CliCommand => Command.Value;

    private readonly Process _process;
    private readonly Channel<string> _stdoutLines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _stderrWaiters = [];

    private NetkitProcess(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? launcher = null)
    {
        string[] command = Command.Value;
        var startInfo = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        if (launcher is { Count: > 0 })
        {
            // The launcher execs the program (prlimit, say), so the process started is still netkit's.
            foreach (var argument in launcher.Skip(1))
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.ArgumentList.Add(command[0]);
        }

        foreach (var part in command.Skip(1))
        {
            startInfo.ArgumentList.Add(part);
        }

        int skip = startInfo.ArgumentList.Count;
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Arguments = string.Join(' ', startInfo.ArgumentList.Skip(skip));
        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdoutLines.Writer.TryComplete();
                return;
            }

            lock (_gate)
            {
                _stdout.Append(e.Data).Append('\n');
            }

            _stdoutLines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _stderr.Append(e.Data).Append('\n');
                    foreach (var waiter in _stderrWaiters.Where(w => e.Data.Contains(w.Text, StringComparison.Ordinal)).ToList())
                    {
                        waiter.Seen.TrySetResult();
                        _stderrWaiters.Remove(waiter);
                    }
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Arguments { get; }

    /// <summary>The version the start-up summaries name, as <c>netkit --version</c> prints it, without the commit.</summary>
    public static Task<string> VersionAsync() => VersionText.Value;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The port of the first listening line (the only one for a single service).</summary>
    public int Port => Endpoints.Count > 0 ? Endpoints.Values.First().Port
        : throw new InvalidOperationException("The process has not reported a listening endpoint.");

    /// <summary>Service name → transport and port, from the listening lines read so far (a service's first
    /// one: kv's plain port when it has a TLS port too).</summary>
    public Dictionary<string, (string Transport, int Port)> Endpoints { get; } = [];

    /// <summary>Every listening line read so far: the service, tcp/udp/tls/unix, and the address as --connect takes it.</summary>
    public List<(string Name, string Transport, string Address)> Listeners { get; } = [];

    public StreamWriter StandardInput => _process.StandardInput;

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <c>netkit ARGS</c> without waiting for anything.</summary>
    public static NetkitProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Starts <c>netkit ARGS</c> with these environment variables set (HOME, XDG_DATA_HOME: so a
    /// test never touches the real user's data folder).</summary>
    /// <summary>Starts netkit with soft and hard descriptor limits of <paramref name="descriptors"/> (util-linux prlimit).</summary>
    public static NetkitProcess StartWithDescriptorLimit(int descriptors, params string[] arguments) =>
        new(arguments, launcher: ["prlimit", $"--nofile={descriptors}:{descriptors}", "--"]);

    public static NetkitProcess StartWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new(arguments, environment);

    /// <summary>Starts <c>netkit SERVICE serve --bind 127.0.0.1:0 EXTRA...</c> and waits for its listening line.</summary>
    public static async Task<NetkitProcess> StartServerAsync(string service, params string[] extraArguments)
    {
        var process = Start(["--log-level", "warning", service, "serve", "--bind", "127.0.0.1:0", .. extraArguments]);
        try
        {
            await process.WaitForListeningAsync(1).ConfigureAwait(false);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Runs <c>netkit ARGS</c> to completion, feeding it <paramref name="stdin"/> (or an empty stdin).</summary>
    public static async Task<NetkitResult> RunAsync(string[] arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        using var process = Start(arguments);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        return await process.WaitForExitAsync(timeout ?? ExitTimeout).ConfigureAwait(false);
    }

    /// <summary>Reads stdout until <paramref name="count"/> listening lines have come, recording their ports.</summary>
    public async Task WaitForListeningAsync(int count)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (Listeners.Count < count)
            {
                string line = await _stdoutLines.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                var match = ListeningLine().Match(line);
                if (!match.Success)
                {
                    continue;
                }

                string name = match.Groups["name"].Value;
                string address = match.Groups["address"].Value;
                if (match.Groups["path"].Success)
                {
                    Listeners.Add((name, match.Groups["tls"].Success ? "tls" : "unix", address));
                    continue;
                }

                string transport = match.Groups["transport"].Value;
                Listeners.Add((name, transport, address));
                Endpoints.TryAdd(name, (transport, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            string how = ex is ChannelClosedException ? "closed stdout" : $"did not report within {StartTimeout.TotalSeconds} s";
            throw new InvalidOperationException(
                $"netkit {Arguments} {how} ({Listeners.Count} of {count} listening lines).\nstderr:\n{Stderr}", ex);
        }
    }

    /// <summary>Reads stdout (past the lines already read) until a line starts with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForStdoutLineAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (true)
            {
                string line = await _stdoutLines.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"netkit {Arguments}: no stdout line starting '{prefix}'.\nstderr:\n{Stderr}", ex);
        }
    }

    /// <summary>Sends SIGTERM, as a service manager stopping the server would.</summary>
    public void Terminate() => Signal("-TERM");

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal would.</summary>
    public void Interrupt() => Signal("-INT");

    /// <summary>Waits until stderr has a line containing <paramref name="text"/>, failing past <see cref="StartTimeout"/>.</summary>
    public async Task WaitForStderrAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stderr.ToString().Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            _stderrWaiters.Add((text, seen));
        }

        try
        {
            await seen.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"netkit {Arguments}: no '{text}' on stderr within {StartTimeout.TotalSeconds} s.\nstderr:\n{Stderr}");
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Sends SIGKILL (by handle), as a crash or an OOM killer would: no chance to flush anything.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Waits for the process to end (and its output to be read), failing the test past the timeout.</summary>
    public async Task<NetkitResult> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? ExitTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"netkit {Arguments} still running after {limit.TotalSeconds} s.\nstderr:\n{Stderr}");
        }

        lock (_gate)
        {
            return new NetkitResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // This process only: its handle, not a name, so nothing else on the machine is touched.
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"^(?<name>[a-z-]+) listening on (?:(?<transport>tcp|udp|tls) (?<address>(?<host>\S+):(?<port>\d+))|(?<tls>tls )?(?<address>unix:(?<path>\S+)))$")]
    private static partial Regex ListeningLine();

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string[] FindCommand()
    {
        if (Environment.GetEnvironmentVariable(CliVariable) is { Length: > 0 } configured)
        {
            // A path that does not exist fails every test loudly rather than silently testing the JIT build.
            string path = Path.GetFullPath(configured);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{CliVariable}={configured}: no such file.");
            }

            return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotnetHost(), path] : [path];
        }

        return [DotnetHost(), FindCliDll()];
    }

    private static string FindCliDll()
    {
        // The test project names the CLI's own output folder in an assembly attribute (NetkitCliPath), since
        // it does not reference the CLI's assembly; the test folder and NetKit.Cli.dll are fallbacks for a
        // project laid out otherwise. A runtimeconfig beside the dll marks the app (on a file system that
        // ignores case, netkit.dll alone could be a library named NetKit).
        var directories = new List<string>();
        string? configured = typeof(NetkitProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NetkitCliPath")?.Value;
        if (!string.IsNullOrEmpty(configured) && Path.GetDirectoryName(configured) is { } configuredDirectory)
        {
            directories.Add(configuredDirectory);
        }

        directories.Add(AppContext.BaseDirectory);
        foreach (string directory in directories)
        {
            foreach (string name in new[] { "netkit", "NetKit.Cli" })
            {
                string dll = Path.Combine(directory, name + ".dll");
                if (File.Exists(dll) && File.Exists(Path.Combine(directory, name + ".runtimeconfig.json")))
                {
                    return dll;
                }
            }
        }

        throw new InvalidOperationException($"netkit's assembly (netkit.dll or NetKit.Cli.dll) is not in {string.Join(" or ", directories)}.");
    }
}
