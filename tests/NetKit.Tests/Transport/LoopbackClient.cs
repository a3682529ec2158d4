using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetKit.Tests.Transport;

/// <summary>
/// A plain <see cref="Socket"/> client for the loopback tests, independent of NetKit's own clients. Every
/// wait is bounded (<see cref="Timeout"/>), so a server that hangs fails the test instead of blocking it.
/// </summary>
public sealed class LoopbackClient : IDisposable
{
    /// <summary>The bound on any single wait for the server (connect, a reply, a close).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private LoopbackClient(Socket socket)
    {
        Socket = socket;
    }

    public Socket Socket { get; }

    /// <summary>Connects to an IP endpoint (Nagle off) or a Unix socket.</summary>
    public static async Task<LoopbackClient> ConnectAsync(EndPoint endPoint)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(endPoint, deadline.Token);
            return new LoopbackClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!data.IsEmpty)
        {
            int sent = await Socket.SendAsync(data, SocketFlags.None, deadline.Token);
            data = data[sent..];
        }
    }

    /// <summary>Closes the sending half: the server sees end of stream, replies can still be read.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes abruptly: linger 0 makes the close send RST instead of FIN.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; end of stream first fails.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        int filled = 0;
        using var deadline = new CancellationTokenSource(Timeout);
        while (filled < count)
        {
            int n = await ReceiveAsync(result.AsMemory(filled), deadline.Token);
            if (n == 0)
            {
                Assert.Fail($"the server closed after {filled} of the {count} bytes expected: " +
                    $"'{Escape(result.AsSpan(0, filled))}'");
            }

            filled += n;
        }

        return result;
    }

    /// <summary>Reads exactly as many bytes as <paramref name="expected"/> has and checks they are it.</summary>
    /// <remarks>Fails as soon as what arrived differs, rather than waiting for bytes that will never come.</remarks>
    public async Task ExpectAsync(string expected)
    {
        byte[] want = Encoding.UTF8.GetBytes(expected);
        var got = new byte[want.Length];
        int filled = 0;
        using var deadline = new CancellationTokenSource(Timeout);
        while (filled < want.Length)
        {
            int n = await ReceiveAsync(got.AsMemory(filled), deadline.Token);
            filled += n;
            if (n == 0 || !got.AsSpan(0, filled).SequenceEqual(want.AsSpan(0, filled)))
            {
                Assert.Equal(Escape(want), Escape(got.AsSpan(0, filled)) + (n == 0 ? " (then the server closed)" : "..."));
            }
        }
    }

    /// <summary>Reads until the server closes. A reset counts as a close only when <paramref name="allowReset"/>.</summary>
    public async Task<byte[]> ReadToEndAsync(bool allowReset = false)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            int n;
            try
            {
                n = await ReceiveAsync(buffer, deadline.Token);
            }
            catch (SocketException ex) when (allowReset && ex.SocketErrorCode is SocketError.ConnectionReset
                                                 or SocketError.ConnectionAborted)
            {
                return all.ToArray();
            }

            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(buffer, 0, n);
        }
    }

    /// <summary>Expects the server to close with nothing more sent.</summary>
    public async Task ExpectClosedAsync(bool allowReset = false)
    {
        byte[] rest = await ReadToEndAsync(allowReset);
        Assert.True(rest.Length == 0, $"expected the server to close, got '{Escape(rest)}'");
    }

    public void Dispose() => Socket.Dispose();

    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return text.ToString();
    }

    private async Task<int> ReceiveAsync(Memory<byte> buffer, CancellationToken deadline)
    {
        try
        {
            return await Socket.ReceiveAsync(buffer, SocketFlags.None, deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply from the server within {Timeout.TotalSeconds} s");
        }
    }
}
