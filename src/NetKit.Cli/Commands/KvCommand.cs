using System.CommandLine;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit kv serve|set|get</c>, and <c>netkit kv</c> alone: an interactive session.
/// </summary>
/// <remarks>
/// Exit codes: an <c>ERR ...</c> reply is the server refusing a command over a working exchange, so it is
/// printed on stdout as the server said it and the command exits 1; exit 10 (unexpected reply) is kept for
/// replies that break the protocol. The interactive session prints ERR replies and goes on.
/// </remarks>
public static class KvCommand
{
    public static Command Create()
    {
        var service = KeyValueService.Definition;
        // On kv itself (for the session, and before set/get: netkit kv --connect X get k) and again on set and
        // get, rather than one recursive option: kv serve's help then shows no client option.
        var connect = CliOptions.Connect(service);
        var timeout = CliOptions.TcpTimeout();
        var tls = new ClientTlsOptionSet();
        var command = new Command(service.Name,
            $"TCP key-value store: {service.Summary}. Without a subcommand: an interactive session (SET/GET/QUIT lines)")
        {
            connect,
            timeout,
        };
        tls.AddTo(command);
        command.Subcommands.Add(ServeCommand.ForKeyValue(service));
        command.Subcommands.Add(CreateSet(connect, timeout, tls));
        command.Subcommands.Add(CreateGet(connect, timeout, tls));
        command.SetAction((result, cancellationToken) =>
            RunInteractiveAsync(result.GetValue(connect), tls.Apply(result, CliOptions.ToClientOptions(result.GetValue(timeout))),
                cancellationToken));
        return command;
    }

    private static Command CreateSet(Option<HostPort> parentConnect, Option<double?> parentTimeout, ClientTlsOptionSet parentTls)
    {
        var connect = CliOptions.Connect(KeyValueService.Definition);
        var timeout = CliOptions.TcpTimeout();
        var tls = new ClientTlsOptionSet();
        var key = KeyArgument();
        var value = new Argument<string[]>("value")
        {
            Description = "The value (several words are joined by spaces)",
            Arity = ArgumentArity.OneOrMore,
        };
        value.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.AsSpan().ContainsAny('\r', '\n')))
            {
                result.AddError("a value cannot contain a line break");
            }
        });
        var command = new Command("set", "Store a value under a key; prints OK") { key, value, connect, timeout };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            string text = string.Join(' ', result.GetValue(value) ?? []);
            if (text.Length == 0)
            {
                throw CliException.Usage("the value cannot be empty");
            }

            await using var client = await ConnectAsync(result, (connect, parentConnect), (timeout, parentTimeout), (tls, parentTls), cancellationToken)
                .ConfigureAwait(false);
            try
            {
                await client.SetAsync(result.GetValue(key)!, text, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyValueErrorException ex)
            {
                await Console.Out.WriteLineAsync(ex.Reply).ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await Console.Out.WriteLineAsync(KeyValueClient.Ok).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateGet(Option<HostPort> parentConnect, Option<double?> parentTimeout, ClientTlsOptionSet parentTls)
    {
        var connect = CliOptions.Connect(KeyValueService.Definition);
        var timeout = CliOptions.TcpTimeout();
        var tls = new ClientTlsOptionSet();
        var key = KeyArgument();
        var command = new Command("get", "Print the value stored under a key, or (nil)") { key, connect, timeout };
        tls.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var client = await ConnectAsync(result, (connect, parentConnect), (timeout, parentTimeout), (tls, parentTls), cancellationToken)
                .ConfigureAwait(false);
            string? stored = await client.GetAsync(result.GetValue(key)!, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(stored ?? KeyValueClient.Nil).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task<int> RunInteractiveAsync(HostPort remote, ClientOptions options, CancellationToken cancellationToken)
    {
        // A prompt only for a person: piped input gets the bare replies, one a line, easy to compare.
        bool prompt = !Console.IsInputRedirected;
        await using var client = await KeyValueClient.ConnectAsync(remote, options, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (prompt)
            {
                await Console.Out.WriteAsync("kv> ").ConfigureAwait(false);
                await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            string? line = await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                if (prompt)
                {
                    // Ctrl-D leaves the cursor after the prompt; the shell's prompt belongs on a new line.
                    await Console.Out.WriteLineAsync().ConfigureAwait(false);
                }

                return 0;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                // The server sends no reply to a blank line; waiting for one would only time out.
                continue;
            }

            string? reply = await client.SendCommandAsync(line, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                if (line.Trim().Equals("QUIT", StringComparison.OrdinalIgnoreCase))
                {
                    return 0;
                }

                throw new NetKitException(NetErrorKind.ConnectionReset, $"no reply from {remote}",
                    "the server closed the connection");
            }

            await Console.Out.WriteLineAsync(reply).ConfigureAwait(false);
        }
    }

    /// <summary>Connects where the subcommand's own option says, else where the one given to kv before it says.</summary>
    private static Task<KeyValueClient> ConnectAsync(ParseResult result, (Option<HostPort> Own, Option<HostPort> Parent) connect,
        (Option<double?> Own, Option<double?> Parent) timeout, (ClientTlsOptionSet Own, ClientTlsOptionSet Parent) tls,
        CancellationToken cancellationToken) =>
        KeyValueClient.ConnectAsync(Given(result, connect.Own, connect.Parent),
            (tls.Own.AnyGiven(result) ? tls.Own : tls.Parent).Apply(result, CliOptions.ToClientOptions(Given(result, timeout.Own, timeout.Parent))),
            cancellationToken);

    private static T Given<T>(ParseResult result, Option<T> own, Option<T> parent) =>
        result.GetResult(own) is { Implicit: false } ? result.GetValue(own)! : result.GetValue(parent)!;

    private static Argument<string> KeyArgument()
    {
        var key = new Argument<string>("key") { Description = "The key: one word, no spaces" };
        key.Validators.Add(result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (text.Length == 0 || text.Any(char.IsWhiteSpace))
            {
                result.AddError($"invalid key '{text}': a key is one word, without spaces");
            }
        });
        return key;
    }
}
