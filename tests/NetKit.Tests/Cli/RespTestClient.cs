using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.Cli;

/// <summary>
/// A plain-socket RESP2 client for the CLI tests: what a Redis client sends, nothing of NetKit's own client
/// code in between, so a reply counts as acknowledged exactly when a real client would count it.
/// </summary>
public sealed class RespTestClient : IAsyncDisposable
{
    /// <summary>Far beyond a reply's time on a loaded machine; only a hung server reaches it.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RespTestClient(Socket socket) => _socket = socket;

    public static async Task<RespTestClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return new RespTestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply.</summary>
    /// <exception cref="IOException">The server closed the connection before replying (it was killed).</exception>
    public async Task<RespValue> CallAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        await _socket.SendAsync(RespSession.Encode(args), SocketFlags.None, timeout.Token);
        return await ReadReplyAsync(timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<RespValue> ReadReplyAsync(CancellationToken cancellationToken)
    {
        string line = await ReadLineAsync(cancellationToken);
        char type = line[0];
        string rest = line[1..];
        switch (type)
        {
            case '+' or '-':
                return new RespValue(type, rest, 0, null);
            case ':':
                return new RespValue(type, null, long.Parse(rest, CultureInfo.InvariantCulture), null);
            case '$':
            {
                int length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return new RespValue(type, null, 0, null);
                }

                await FillAsync(length + 2, cancellationToken);
                string text = Encoding.UTF8.GetString(_buffer, _start, length);
                _start += length + 2;
                return new RespValue(type, text, 0, null);
            }

            case '*':
            {
                int count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return new RespValue(type, null, 0, null);
                }

                var items = new List<RespValue>(count);
                for (int i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(cancellationToken));
                }

                return new RespValue(type, null, 0, items);
            }

            default:
                throw new InvalidDataException($"not a RESP reply: {line}");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (newline >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, newline);
                _start += newline + 2;
                return line;
            }

            await FillAsync(_end - _start + 1, cancellationToken);
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> unread bytes are buffered.</summary>
    private async Task FillAsync(int count, CancellationToken cancellationToken)
    {
        if (count > _buffer.Length)
        {
            throw new InvalidDataException($"reply larger than the test client's {_buffer.Length}-byte buffer");
        }

        if (_buffer.Length - _start < count)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < count)
        {
            int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            _end += read;
        }
    }
}
