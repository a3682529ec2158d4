using System.CommandLine;

namespace NetKit.Cli.Commands;

/// <summary>The <c>netkit</c> command tree.</summary>
public static class NetkitRootCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("netkit: the classic network services (echo, lines, count, kv, udp-echo, time), servers and clients")
        {
            CliOptions.LogLevel,
            CliOptions.LogFormat,
            CliOptions.MetricsBind,
        };
        root.Subcommands.Add(ServeAllCommand.Create());
        root.Subcommands.Add(EchoCommand.Create());
        root.Subcommands.Add(UdpEchoCommand.Create());
        root.Subcommands.Add(LinesCommand.Create());
        root.Subcommands.Add(CountCommand.Create());
        root.Subcommands.Add(KvCommand.Create());
        root.Subcommands.Add(TimeCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
        return root;
    }
}
