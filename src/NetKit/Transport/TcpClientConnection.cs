using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using NetKit.Transport.Tls;

namespace NetKit.Transport;

/// <summary>
/// The client side of a stream connection (TCP or a Unix socket, plain or TLS), used by every NetKit client:
/// connect, read and write each with its own timeout, failures reported as <see cref="NetKitException"/> of a
/// known kind, and a small receive buffer so line-framed replies can be read without a read per byte.
/// </summary>
public sealed class TcpClientConnection : IAsyncDisposable, IDisposable
{
    private readonly Socket _socket;
    private readonly SslStream? _tls;
    private readonly ClientOptions _options;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private TcpClientConnection(Socket socket, SslStream? tls, HostPort remote, ClientOptions options)
    {
        _socket = socket;
        _tls = tls;
        Remote = remote;
        _options = options;
    }

    public HostPort Remote { get; }

    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    /// <summary>True when the connection speaks TLS.</summary>
    public bool IsTls => _tls is not null;

    /// <summary>Connects to <paramref name="remote"/>, trying each resolved address in turn, with Nagle off; then,
    /// with <see cref="ClientOptions.Tls"/>, the TLS handshake.</summary>
    public static async Task<TcpClientConnection> ConnectAsync(HostPort remote, ClientOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= ClientOptions.Default;
        Socket socket = await ConnectSocketAsync(remote, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        if (options.Tls is not { } tls)
        {
            return new TcpClientConnection(socket, null, remote, options);
        }

        try
        {
            var stream = await TlsClientHandshake.AuthenticateAsync(socket, remote, tls, options.ConnectTimeout, cancellationToken)
                .ConfigureAwait(false);
            return new TcpClientConnection(socket, stream, remote, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The connect every NetKit client shares, for callers that drive the socket themselves (the load
    /// generator): resolve, try each address in turn within <paramref name="connectTimeout"/>, Nagle off.
    /// </summary>
    /// <exception cref="NetKitException">The connection could not be opened, of a known kind.</exception>
    public static async Task<Socket> ConnectSocketAsync(HostPort remote, TimeSpan connectTimeout,
        CancellationToken cancellationToken = default)
    {
        string operation = $"cannot connect to {remote}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        if (remote.UnixPath is { } path)
        {
            return await ConnectUnixAsync(path, operation, timeout.Token, cancellationToken).ConfigureAwait(false);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await remote.ResolveAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetKitException(NetErrorKind.TimedOut, operation);
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = CreateSocket(address.AddressFamily);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, remote.Port), timeout.Token).ConfigureAwait(false);
                return socket;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new NetKitException(NetErrorKind.TimedOut, operation);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw NetErrors.Wrap(operation, last ?? new SocketException((int)SocketError.HostNotFound));
    }

    private static async Task<Socket> ConnectUnixAsync(string path, string operation, CancellationToken timeout,
        CancellationToken cancellationToken)
    {
        var socket = CreateSocket(AddressFamily.Unix);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new NetKitException(NetErrorKind.TimedOut, operation);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            // ENOENT: no socket file, so no server there; reported as a port nobody listens on is.
            socket.Dispose();
            throw new NetKitException(NetErrorKind.ConnectionRefused, operation, "no such socket file", ex);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw NetErrors.Wrap(operation, ex);
        }
    }

    /// <summary>A client socket as every NetKit client opens it: TCP with Nagle off (request/response traffic),
    /// or a Unix stream socket, which has no Nagle.</summary>
    public static Socket CreateSocket(AddressFamily family) =>
        family == AddressFamily.Unix
            ? new Socket(family, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    /// <summary>Sends all of <paramref name="data"/> within the write timeout.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.WriteTimeout);
        try
        {
            if (_tls is not null)
            {
                await _tls.WriteAsync(data, timeout.Token).ConfigureAwait(false);
                return;
            }

            while (!data.IsEmpty)
            {
                int sent = await _socket.SendAsync(data, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                data = data[sent..];
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw NetErrors.Wrap($"cannot send to {Remote}", ex);
        }
    }

    public ValueTask SendAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>Closes the sending half, so the server sees end of stream while replies can still be read.
    /// Over TLS, close_notify goes first: it is the end of stream a TLS server reads.</summary>
    public void ShutdownSend()
    {
        try
        {
            if (_tls is not null && !_tls.ShutdownAsync().Wait(_options.WriteTimeout))
            {
                throw new NetKitException(NetErrorKind.TimedOut, $"cannot close the connection to {Remote}");
            }

            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (AggregateException ex) when (ex.InnerException is { } inner)
        {
            throw NetErrors.Wrap($"cannot close the connection to {Remote}", inner);
        }
        catch (SocketException ex)
        {
            throw NetErrors.Wrap($"cannot close the connection to {Remote}", ex);
        }
    }

    /// <summary>Reads some bytes (0 at end of stream) within the read timeout.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_end > _start)
        {
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }

        return await ReceiveFromSocketAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads exactly <c>destination.Length</c> bytes; end of stream first is a reset.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (!destination.IsEmpty)
        {
            int n = await ReceiveAsync(destination, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new NetKitException(NetErrorKind.ConnectionReset, $"cannot read from {Remote}",
                    "the server closed the connection early");
            }

            destination = destination[n..];
        }
    }

    /// <summary>Reads one <c>\n</c>-terminated line (without the <c>\n</c> or a <c>\r</c> before it), or
    /// null at end of stream. A final line without <c>\n</c> is returned as is.</summary>
    public async ValueTask<string?> ReadLineAsync(int maxLength = 1024 * 1024, CancellationToken cancellationToken = default)
    {
        var line = new MemoryStream();
        while (true)
        {
            if (_end > _start)
            {
                var available = _buffer.AsSpan(_start, _end - _start);
                int newline = available.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    line.Write(available[..newline]);
                    _start += newline + 1;
                    return Decode(line);
                }

                line.Write(available);
                _start = _end;
                if (line.Length > maxLength)
                {
                    throw new NetKitException(NetErrorKind.ProtocolViolation, $"cannot read from {Remote}",
                        $"reply line longer than {maxLength} bytes");
                }
            }

            int n = await ReceiveFromSocketAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return line.Length == 0 ? null : Decode(line);
            }

            _start = 0;
            _end = n;
        }

        static string Decode(MemoryStream line)
        {
            var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
            {
                bytes = bytes[..^1];
            }

            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>Reads until the server closes, returning everything received.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var all = new MemoryStream();
        all.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        while (true)
        {
            int n = await ReceiveFromSocketAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(_buffer, 0, n);
        }
    }

    private async ValueTask<int> ReceiveFromSocketAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadTimeout);
        try
        {
            return _tls is not null
                ? await _tls.ReadAsync(destination, timeout.Token).ConfigureAwait(false)
                : await _socket.ReceiveAsync(destination, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw NetErrors.Wrap($"no reply from {Remote}", ex);
        }
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
