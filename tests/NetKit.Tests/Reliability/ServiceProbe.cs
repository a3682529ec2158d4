using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Reliability;

/// <summary>
/// One well-behaved client request per TCP service, for "is the server still serving others?": a request that
/// gets a short, known reply. Plain sockets, so nothing of NetKit's client code sits between test and server.
/// </summary>
internal sealed class ServiceProbe
{
    /// <summary>Far beyond a round trip on a loaded machine; only a server that stopped serving reaches it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private ServiceProbe(string service, byte[] request, byte[] reply, bool halfClose)
    {
        Service = service;
        Request = request;
        Reply = reply;
        HalfClose = halfClose;
    }

    public string Service { get; }

    public byte[] Request { get; }

    public byte[] Reply { get; }

    /// <summary>count answers only at end of stream.</summary>
    public bool HalfClose { get; }

    public static ServiceProbe For(string service) => service switch
    {
        "echo" => new(service, "probe"u8.ToArray(), "probe"u8.ToArray(), halfClose: false),
        "lines" => new(service, "probe\n"u8.ToArray(), "PROBE\n"u8.ToArray(), halfClose: false),
        "count" => new(service, "probe"u8.ToArray(), "5\n"u8.ToArray(), halfClose: true),
        "kv" => new(service, "*1\r\n$4\r\nPING\r\n"u8.ToArray(), "+PONG\r\n"u8.ToArray(), halfClose: false),
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "not a TCP service"),
    };

    /// <summary>Connects, sends the request and waits for the reply, a close or the timeout.</summary>
    public async Task<ProbeOutcome> RunAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token);
            return await RoundTripAsync(socket, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return ProbeOutcome.TimedOut;
        }
        catch (SocketException)
        {
            return ProbeOutcome.Closed;
        }
    }

    /// <summary>The round trip on a connection already open; the caller owns the socket.</summary>
    public async Task<ProbeOutcome> RoundTripAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(Request, SocketFlags.None, cancellationToken);
            if (HalfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }

            var received = new byte[Reply.Length];
            int filled = 0;
            while (filled < received.Length)
            {
                int n = await socket.ReceiveAsync(received.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    return ProbeOutcome.Closed;
                }

                filled += n;
            }

            return received.AsSpan().SequenceEqual(Reply) ? ProbeOutcome.Served : ProbeOutcome.WrongReply;
        }
        catch (OperationCanceledException)
        {
            return ProbeOutcome.TimedOut;
        }
        catch (SocketException)
        {
            return ProbeOutcome.Closed;
        }
    }

    public override string ToString() => $"{Service} '{Encoding.ASCII.GetString(Request).ReplaceLineEndings("\\n")}'";
}
