using System.CommandLine;
using System.CommandLine.Parsing;
using NetKit.Cli.Hosting;
using NetKit.Cli.Settings;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit serve</c>: every service at once (or those <c>--only</c> names), each on its default port unless it
/// has an address of its own: <c>--bind NAME=HOST:PORT</c> on the command line, <c>NAME:Bind</c> in the file or
/// <c>NETKIT_NAME__BIND</c>. The options of every TCP server apply to each TCP service.
/// </summary>
public static class ServeAllCommand
{
    public static Command Create()
    {
        var only = ServeSettings.Only.CreateOption();
        var bindAddress = ServeSettings.BindAddress.CreateOption();
        var binds = new Option<string[]>("--bind")
        {
            Description = "One service's address, NAME=HOST:PORT (e.g. kv=127.0.0.1:6380); give it once per service",
            HelpName = "name=host:port",
            CustomParser = ParseBinds,
        };
        // For tests and side-by-side runs: the default ports may be taken, port 0 never is. The real ports
        // are in the listening lines.
        var ephemeralPorts = new Option<bool>("--ephemeral-ports")
        {
            Description = "Listen on free ports picked by the system instead of the default ports (for testing)",
            Hidden = true,
        };
        var config = CliOptions.Config();
        var serverOptions = new TcpServerOptionSet();
        var kvOptions = new KvServerOptionSet(durableByDefault: true);
        var command = new Command("serve",
            "Run all six services at once (or --only some) on their default ports; kv keeps its data in the user's data folder unless --in-memory")
        {
            only,
            binds,
            bindAddress,
            ephemeralPorts,
        };
        serverOptions.AddTo(command);
        kvOptions.AddTo(command);
        command.Options.Add(config);
        command.SetAction((result, _) =>
        {
            var layer = ServerCommandLine.Start(result);
            layer.Add(result, ServeSettings.Only, only, ServiceSections.Serve);
            layer.Add(result, ServeSettings.BindAddress, bindAddress, ServiceSections.Serve);
            var named = (result.GetValue(binds) ?? []).Select(Split).ToList();
            foreach (var (service, address) in named)
            {
                layer.Set($"{ServiceSections.For(service)}:{TcpSettings.Bind(service).Key}", address, "--bind");
            }

            serverOptions.AddToLayer(result, layer,
                [.. ServedServices.All.Where(s => s.Transport == "tcp").Select(ServiceSections.For)],
                [.. ServedServices.All.Where(s => s.Transport != "tcp").Select(ServiceSections.For)]);
            kvOptions.AddToLayer(result, layer, ServiceSections.For(KeyValueService.Definition));

            var configuration = NetkitConfiguration.Load(result.GetValue(config), layer,
                c => Chosen(c).Contains(KeyValueService.Definition));
            var chosen = Chosen(configuration);
            if (named.FirstOrDefault(n => !chosen.Contains(n.Service)) is { Service: not null } left)
            {
                throw CliException.Usage($"--bind {left.Service.Name}=...: {left.Service.Name} is not among the services --only runs");
            }

            string host = configuration.Section(ServiceSections.Serve).Get(ServeSettings.BindAddress);
            bool ephemeral = result.GetValue(ephemeralPorts);
            var services = new List<ServedService>();
            foreach (var service in chosen)
            {
                var reader = configuration.Section(ServiceSections.For(service));
                // A service's own address wins over --bind-address, which sets the host of the others.
                var address = reader.TryGet(TcpSettings.Bind(service), out var own) ? own : new HostPort(host, service.DefaultPort);
                if (ephemeral && named.All(n => n.Service != service))
                {
                    address = address with { Port = 0 };
                }

                services.Add(new ServedService(service, address.ToBindEndPoint(), TcpServerOptionSet.Read(reader, service)));
            }

            var kv = chosen.Contains(KeyValueService.Definition)
                ? kvOptions.Read(configuration.Section(ServiceSections.For(KeyValueService.Definition)))
                : null;
            TcpServerOptionSet.Check(services, kv);
            return ServerRunner.RunAsync(new ServerPlan(services, kv, configuration));
        });
        return command;
    }

    /// <summary>The services to run, in <see cref="ServedServices"/> order: those of <c>Serve:Only</c>, else all.</summary>
    private static List<ServiceDefinition> Chosen(NetkitConfiguration configuration)
    {
        var serve = configuration.Section(ServiceSections.Serve);
        if (serve.ListText(ServeSettings.Only) is not { } text)
        {
            return [.. ServedServices.All];
        }

        if (!ServeSettings.Only.TryParse(text, out var names, out string error))
        {
            throw serve.Invalid(ServeSettings.Only, text, error);
        }

        return [.. ServedServices.All.Where(s => names.Contains(s.Name))];
    }

    private static (ServiceDefinition Service, string Address) Split(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        var service = ServedServices.All.First(s => s.Name.Equals(text[..equals].Trim(), StringComparison.OrdinalIgnoreCase));
        return (service, text[(equals + 1)..].Trim());
    }

    private static string[] ParseBinds(ArgumentResult result)
    {
        var names = ServedServices.All.Select(s => s.Name).ToList();
        foreach (var token in result.Tokens)
        {
            string text = token.Value;
            int equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                result.AddError($"invalid --bind '{text}': expected NAME=HOST:PORT (e.g. kv=127.0.0.1:6380); --bind-address sets the host of every service");
                return [];
            }

            string name = text[..equals].Trim();
            var service = ServedServices.All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (service is null)
            {
                result.AddError($"invalid --bind '{text}': there is no service '{name}'{Suggestion.DidYouMean(name, names)}; expected one of {string.Join(", ", names)}");
                return [];
            }

            var setting = TcpSettings.Bind(service);
            if (!setting.TryParse(text[(equals + 1)..], out _, out string error))
            {
                result.AddError($"invalid --bind '{text}': {error}");
                return [];
            }
        }

        if (result.Tokens.GroupBy(t => t.Value[..t.Value.IndexOf('=', StringComparison.Ordinal)].Trim(), StringComparer.OrdinalIgnoreCase)
                .FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            result.AddError($"--bind {twice.Key}=... is given twice: a service listens on one address");
        }

        return result.Tokens.Select(t => t.Value).ToArray();
    }
}
