using System.CommandLine;
using NetKit.Transport;
using NetKit.Transport.Tls;

namespace NetKit.Cli.Commands;

/// <summary>
/// A TCP client's TLS options, as redis-cli spells them: <c>--tls</c>, <c>--cacert FILE</c> (trust that CA instead
/// of the system's), <c>--insecure</c> (trust any certificate) and <c>--sni NAME</c>.
/// </summary>
public sealed class ClientTlsOptionSet
{
    private readonly Option<bool> _tls = new("--tls") { Description = "Speak TLS to the server" };

    private readonly Option<string> _caCert = new("--cacert")
    {
        Description = "With --tls: trust the CA certificates of this PEM file instead of the system's",
        HelpName = "file",
    };

    private readonly Option<bool> _insecure = new("--insecure")
    {
        Description = "With --tls: accept any certificate (encrypted, but to whom is not checked)",
    };

    private readonly Option<string> _sni = new("--sni")
    {
        Description = "With --tls: the server name to send and to check the certificate against [default: the host connected to]",
        HelpName = "name",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_tls);
        command.Options.Add(_caCert);
        command.Options.Add(_insecure);
        command.Options.Add(_sni);
        command.Validators.Add(result =>
        {
            bool tls = result.GetValue(_tls);
            foreach (Option option in new Option[] { _caCert, _insecure, _sni })
            {
                if (!tls && result.GetResult(option) is { Implicit: false })
                {
                    result.AddError($"{option.Name} applies to a TLS connection: give --tls too");
                    return;
                }
            }

            if (result.GetResult(_caCert) is { Implicit: false } && result.GetResult(_insecure) is { Implicit: false })
            {
                result.AddError("--cacert and --insecure contradict each other: give one");
            }
        });
    }

    /// <summary>True when any of these options was given (kv's subcommands then take theirs over kv's own).</summary>
    public bool AnyGiven(ParseResult result) =>
        new Option[] { _tls, _caCert, _insecure, _sni }.Any(o => result.GetResult(o) is { Implicit: false });

    /// <summary>The client's TLS, or null for plain; reads the CA file, so it runs when the command does.</summary>
    /// <exception cref="NetKitException">The CA file cannot be read or holds no certificate.</exception>
    public TlsClientOptions? Read(ParseResult result)
    {
        if (!result.GetValue(_tls))
        {
            return null;
        }

        var options = result.GetValue(_caCert) is { Length: > 0 } file ? TlsClientOptions.FromCaFile(file) : new TlsClientOptions();
        return options with { SkipValidation = result.GetValue(_insecure), ServerName = result.GetValue(_sni) };
    }

    /// <summary><paramref name="options"/> speaking TLS as the command line says.</summary>
    public ClientOptions Apply(ParseResult result, ClientOptions options) => options with { Tls = Read(result) };
}
