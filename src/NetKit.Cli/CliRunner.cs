using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using NetKit.Cli.Commands;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Cli;

/// <summary>
/// Parses, runs, and turns every expected failure into one line on stderr and a documented exit code
/// (design.md §3, <see cref="ExitCodes"/>): no stack trace for anything a user can cause.
/// </summary>
public static class CliRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = NetkitRootCommand.Create();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpAction)
        {
            await Console.Error.WriteLineAsync(
                $"netkit: {MostSpecific(parseResult).Message} (see {CommandPath(parseResult.CommandResult.Command)} --help)")
                .ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            // Failures are reported below in netkit's one-line form, not as System.CommandLine's stack dump.
            EnableDefaultExceptionHandler = false,
            // Servers handle SIGINT/SIGTERM themselves (a graceful stop, exit 0); clients keep the default
            // (Ctrl-C ends them at once), which a 2 s forced-exit timer would only delay.
            ProcessTerminationTimeout = null,
        };

        try
        {
            return await parseResult.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (NetKitException ex)
        {
            return await FailAsync(ex.Message, ex.ExitCode).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return await FailAsync(ex.Message, ex.ExitCode).ConfigureAwait(false);
        }
        catch (KeyValueErrorException ex)
        {
            // Commands normally print an ERR reply themselves; this is the backstop for one that does not.
            return await FailAsync(ex.Message, ExitCodes.Failure).ConfigureAwait(false);
        }
        catch (Exception ex) when (NetErrors.IsExpected(ex))
        {
            var wrapped = NetErrors.Wrap("network operation failed", ex);
            return await FailAsync(wrapped.Message, wrapped.ExitCode).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await FailAsync($"internal error: {ex.Message}", ExitCodes.Failure).ConfigureAwait(false);
        }
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Out.FlushAsync().ConfigureAwait(false);
        // One line, whatever the message holds: a log scraper or a test reads exactly one.
        await Console.Error.WriteLineAsync("netkit: " + message.ReplaceLineEndings(" ")).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The error to show when there are several: "unrecognized 'frobnicate'" says more than the
    /// "required command was not provided" that comes with it.</summary>
    private static ParseError MostSpecific(ParseResult parseResult)
    {
        var errors = parseResult.Errors;
        var unmatched = parseResult.UnmatchedTokens;
        return errors.FirstOrDefault(e => e.SymbolResult is ArgumentResult or OptionResult)
            ?? (unmatched.Count > 0 ? errors.FirstOrDefault(e => e.Message.Contains($"'{unmatched[0]}'", StringComparison.Ordinal)) : null)
            ?? errors[0];
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is not null; symbol = symbol.Parents.FirstOrDefault())
        {
            names.Add(symbol is RootCommand ? "netkit" : symbol.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
