using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Protocols;
using NetKit.Connections;
using NetKit.Transport.Epoll;

namespace NetKit.Transport;

/// <summary>
/// A UDP server: one socket, one receive loop, each datagram handed to an <see cref="IDatagramHandler"/>
/// and its reply (if any) sent back to the sender. Buffers are sized for the largest UDP payload, so
/// nothing is silently truncated, and allocated once. In the epoll model the loop is an
/// <see cref="EpollDatagramLoop"/> (batches of datagrams per system call); otherwise an async receive loop.
/// </summary>
public sealed class UdpServer : INetworkServer, IMeteredServer
{
    /// <summary>The largest payload of a UDP datagram over IPv4.</summary>
    public const int MaxDatagramSize = 65_507;

    private readonly IDatagramHandler _handler;
    private readonly UdpServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task _loop = Task.CompletedTask;
    private EpollDatagramLoop? _epollLoop;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly KeyValuePair<string, object?> _serviceTag;
    // The async loop's totals, written by that loop only.
    private long _bytesReceived;
    private long _bytesSent;

    public UdpServer(string name, IDatagramHandler handler, UdpServerOptions? options = null, ILogger? logger = null)
    {
        Name = name;
        _serviceTag = NetKitMetrics.ServiceTag(name);
        _handler = handler;
        _options = options ?? new UdpServerOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public string Transport => "udp";

    public EndPoint LocalEndPoint { get; private set; } = new IPEndPoint(IPAddress.None, 0);

    public IReadOnlyList<ServerListener> Listeners { get; private set; } = [];

    public Task Completion => _completion.Task;

    public long BytesReceived => _epollLoop?.BytesReceived ?? Volatile.Read(ref _bytesReceived);

    public long BytesSent => _epollLoop?.BytesSent ?? Volatile.Read(ref _bytesSent);

    public void Start()
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException($"The {Name} server is already started.");
        }

        bool epoll = _options.Model == ConnectionModel.Epoll;
        if (epoll && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException(
                $"The {Name} server cannot use the epoll connection model: it needs Linux (use async elsewhere).");
        }

        _socket = SocketBinding.Listen(_options.EndPoint, SocketType.Dgram, 0, _options.UnixSocketPermissions);
        try
        {
            _socket.ReceiveBufferSize = _options.ReceiveBufferSize;
        }
        catch (SocketException)
        {
            // The kernel's cap applies; the default buffer still works.
        }

        if (epoll)
        {
            try
            {
                _socket.Blocking = false;
                _epollLoop = new EpollDatagramLoop(Name, (int)_socket.Handle, _handler, _logger);
            }
            catch
            {
                _socket.Dispose();
                throw;
            }
        }

        LocalEndPoint = _socket.LocalEndPoint!;
        Listeners = [new ServerListener(LocalEndPoint, Tls: false)];
        NetKitMetrics.Track(this);
        TransportLog.Listening(_logger, Name, Transport, LocalEndPoint, epoll ? "epoll" : "async");
        if (_epollLoop is not null)
        {
            _loop = _epollLoop.Exited;
            _epollLoop.Start();
        }
        else
        {
            _loop = Task.Run(ReceiveLoopAsync);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            if (_epollLoop is not null)
            {
                // The loop still uses the descriptor: close it only once the loop has let go, or a datagram
                // socket opened meanwhile could get the number and be read by the loop.
                _epollLoop.Exit();
                await _loop.ConfigureAwait(false);
            }

            _socket?.Dispose();
        }

        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        _completion.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        // One byte more than the largest payload lets an oversized datagram (IPv6 jumbo) be told apart.
        var request = GC.AllocateUninitializedArray<byte>(MaxDatagramSize + 1, pinned: true);
        var reply = GC.AllocateUninitializedArray<byte>(MaxDatagramSize, pinned: true);
        var sender = new SocketAddress(socket.AddressFamily);
        // A Unix socket's senders go through EndPoints: SendTo(SocketAddress) passes the whole buffer as the
        // address, and a name in the abstract namespace is every byte of it, so the reply would go nowhere.
        EndPoint? unixAny = socket.AddressFamily == AddressFamily.Unix ? new UnixDomainSocketEndPoint("/") : null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                int received;
                EndPoint? unixSender = null;
                if (unixAny is not null)
                {
                    var result = await socket.ReceiveFromAsync(request, SocketFlags.None, unixAny, _stop.Token).ConfigureAwait(false);
                    received = result.ReceivedBytes;
                    unixSender = result.RemoteEndPoint;
                }
                else
                {
                    received = await socket.ReceiveFromAsync(request, SocketFlags.None, sender, _stop.Token).ConfigureAwait(false);
                }

                NetKitMetrics.DatagramsReceived.Add(1, _serviceTag);
                Volatile.Write(ref _bytesReceived, _bytesReceived + received);
                int length = received > MaxDatagramSize ? -1 : _handler.Handle(request.AsSpan(0, received), reply);
                if (length < 0)
                {
                    NetKitMetrics.DatagramsDropped.Add(1, _serviceTag);
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        TransportLog.DatagramDropped(_logger, Name, socket.AddressFamily == AddressFamily.InterNetwork
                            ? new IPEndPoint(IPAddress.Any, 0).Create(sender) : null);
                    }

                    continue;
                }

                // Counted as handed to the network, before the send: the peer may read the reply before it returns.
                Volatile.Write(ref _bytesSent, _bytesSent + length);
                if (unixSender is not null)
                {
                    await socket.SendToAsync(reply.AsMemory(0, length), SocketFlags.None, unixSender, _stop.Token).ConfigureAwait(false);
                }
                else
                {
                    await socket.SendToAsync(reply.AsMemory(0, length), SocketFlags.None, sender, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException
                                          || ex is SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return;
            }
            catch (SocketException ex)
            {
                // An ICMP error from an earlier reply, or a full send buffer: that datagram is lost, the loop goes on.
                TransportLog.DatagramError(_logger, Name, ex.SocketErrorCode.ToString());
            }
        }
    }
}
