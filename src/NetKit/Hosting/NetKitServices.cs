namespace NetKit.Hosting;

/// <summary>The simple services this library ships, with the default ports of design.md §2 (the same alone or in <c>netkit serve</c>).</summary>
public static class NetKitServices
{
    public static readonly ServiceDefinition Echo = new("echo", "tcp", 7878, "every byte back, until the peer closes");
    public static readonly ServiceDefinition Lines = new("lines", "tcp", 7879, "each line back upper-cased; quit gets bye");
    public static readonly ServiceDefinition Count = new("count", "tcp", 7880, "reads to end of stream, replies with the byte total");
    public static readonly ServiceDefinition UdpEcho = new("udp-echo", "udp", 9000, "every datagram back to its sender");
    public static readonly ServiceDefinition Time = new("time", "udp", 9001, "TIME gets the Unix time in seconds");

    public static IReadOnlyList<ServiceDefinition> All { get; } = [Echo, Lines, Count, UdpEcho, Time];
}
