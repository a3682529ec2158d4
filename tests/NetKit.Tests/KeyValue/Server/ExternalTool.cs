using System.Diagnostics;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>Runs an external program with a hard time limit: on overrun it is killed by its handle
/// (with its children) and the test fails, so a hung tool can never hang the test run.</summary>
public static class ExternalTool
{
    /// <summary>The program's full path on PATH, or null.</summary>
    public static string? Find(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<ToolResult> RunAsync(string name, IEnumerable<string> arguments, TimeSpan timeout, byte[]? stdin = null)
    {
        string path = Find(name) ?? throw new InvalidOperationException($"{name} is not on PATH");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, deadline.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token);
            return new ToolResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} s");
            throw;
        }
    }
}
