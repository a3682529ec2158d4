using System.CommandLine;
using NetKit.Cli.Hosting;
using NetKit.Cli.Settings;
using NetKit.Hosting;
using NetKit.KeyValue;

namespace NetKit.Cli.Commands;

/// <summary>The <c>netkit SERVICE serve</c> command of each service: one server, its settings from its section.</summary>
public static class ServeCommand
{
    /// <param name="withOnce">count's <c>--once</c>: serve one connection, then exit 0.</param>
    public static Command ForTcp(ServiceDefinition service, bool withOnce = false) => Create(service, tcp: true, withOnce, kv: false);

    /// <summary><c>netkit kv serve</c>: a TCP server with kv's durability, limit and access options.</summary>
    public static Command ForKeyValue(ServiceDefinition service) => Create(service, tcp: true, withOnce: false, kv: true);

    /// <summary>A UDP server: only the address and the model; the TCP limits mean nothing to it.</summary>
    public static Command ForUdp(ServiceDefinition service) => Create(service, tcp: false, withOnce: false, kv: false);

    private static Command Create(ServiceDefinition service, bool tcp, bool withOnce, bool kv)
    {
        string section = ServiceSections.For(service);
        var bindSetting = TcpSettings.Bind(service);
        var bind = bindSetting.CreateOption();
        var model = TcpSettings.Model.CreateOption();
        var unixSocketPerm = TcpSettings.UnixSocketPerm.CreateOption();
        var once = TcpSettings.Once.CreateOption();
        var config = CliOptions.Config();
        var serverOptions = new TcpServerOptionSet();
        var kvOptions = new KvServerOptionSet(durableByDefault: false);
        var command = new Command("serve", $"Run the {service.Name} server ({service.Summary})") { bind };
        if (tcp)
        {
            serverOptions.AddTo(command);
        }
        else
        {
            command.Options.Add(model);
            command.Options.Add(unixSocketPerm);
        }

        if (withOnce)
        {
            command.Options.Add(once);
        }

        if (kv)
        {
            kvOptions.AddTo(command);
        }

        command.Options.Add(config);
        command.SetAction((result, _) =>
        {
            var layer = ServerCommandLine.Start(result);
            layer.Add(result, bindSetting, bind, section);
            if (tcp)
            {
                serverOptions.AddToLayer(result, layer, [section], []);
            }
            else
            {
                layer.Add(result, TcpSettings.Model, model, section);
                layer.Add(result, TcpSettings.UnixSocketPerm, unixSocketPerm, section);
            }

            if (withOnce)
            {
                layer.Add(result, TcpSettings.Once, once, section);
            }

            if (kv)
            {
                kvOptions.AddToLayer(result, layer, section);
            }

            var configuration = NetkitConfiguration.Load(result.GetValue(config), layer, _ => kv);
            var reader = configuration.Section(section);
            var served = new ServedService(service, reader.Get(bindSetting).ToBindEndPoint(), TcpServerOptionSet.Read(reader, service));
            KeyValueServerOptions? kvSettings = kv ? kvOptions.Read(reader) : null;
            TcpServerOptionSet.Check([served], kvSettings);
            return ServerRunner.RunAsync(new ServerPlan([served], kvSettings, configuration));
        });
        return command;
    }
}
