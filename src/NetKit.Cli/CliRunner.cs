using System.CommandLine;
using System.CommandLine.Completions;
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
        // Help and completion work on a command line that is not finished yet.
        bool completing = root.Directives.OfType<SuggestDirective>().Any(d => parseResult.GetResult(d) is not null);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpAction && !completing)
        {
            await Console.Error.WriteLineAsync(
                $"netkit: {Describe(parseResult)} (see {CommandPath(parseResult.CommandResult.Command)} --help)")
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

    /// <summary>
    /// The one error to show, in netkit's words, read from the parse rather than from System.CommandLine's messages:
    /// a bad value first (its own parser said what is wrong), then a word nothing took (with the closest command or
    /// option), then what is missing, named as help names it.
    /// </summary>
    private static string Describe(ParseResult parseResult)
    {
        var errors = parseResult.Errors;
        var command = parseResult.CommandResult.Command;
        if (errors.FirstOrDefault(e => e.SymbolResult is ArgumentResult { Tokens.Count: > 0 } or OptionResult { Tokens.Count: > 0 }) is { } bad)
        {
            return bad.Message;
        }

        if (parseResult.UnmatchedTokens.Count > 0)
        {
            string word = parseResult.UnmatchedTokens[0];
            bool option = word.StartsWith('-');
            var candidates = option
                ? command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options).Where(o => o.Recursive))
                    .Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
                : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            return $"unknown {(option ? "option" : "command")} '{word}' for {CommandPath(command)}{Suggestion.DidYouMean(word, candidates)}";
        }

        if (errors.Select(e => e.SymbolResult).OfType<OptionResult>().FirstOrDefault() is { } option2)
        {
            return $"{option2.Option.Name} needs a value: {option2.Option.Name} <{option2.Option.HelpName ?? "value"}>";
        }

        var missing = command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0
            && parseResult.CommandResult.GetResult(a) is null or { Tokens.Count: 0 }).ToList();
        if (missing.Count > 0)
        {
            return $"missing {string.Join(' ', missing.Select(a => $"<{a.Name}>"))}: {CommandPath(command)} {string.Join(' ', command.Arguments.Select(a => $"<{a.Name}>"))}";
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            return $"{CommandPath(command)} needs a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }

        return errors[0].Message;
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
