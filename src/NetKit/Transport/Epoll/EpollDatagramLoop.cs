using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NetKit.Connections;

namespace NetKit.Transport.Epoll;

/// <summary>
/// The epoll model's UDP server loop: a thread of its own over one non-blocking socket, taking up to
/// <see cref="DatagramBatch.Capacity"/> datagrams per recvmmsg, running the handler on each and sending all
/// the replies of the batch with one sendmmsg. A reply the socket has no room for is dropped and counted,
/// never waited for (UDP is lossy, and waiting would stall every other sender). Level-triggered: a batch
/// that leaves datagrams queued is woken for again.
/// </summary>
internal sealed unsafe class EpollDatagramLoop
{
    private const ulong SocketData = 1;
    private const ulong WakeData = 2;

    private readonly string _name;
    private readonly KeyValuePair<string, object?> _serviceTag;
    // Written by the loop's thread only, read by metrics.
    private long _bytesReceived;
    private long _bytesSent;
    private readonly int _socketFd;
    private readonly IDatagramHandler _handler;
    private readonly ILogger _logger;
    private readonly EpollInstance _epoll;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _exit;

    /// <param name="socketFd">A bound UDP socket, owned by the caller and closed only after <see cref="Exited"/>.</param>
    public EpollDatagramLoop(string name, int socketFd, IDatagramHandler handler, ILogger logger)
    {
        _name = name;
        _serviceTag = NetKitMetrics.ServiceTag(name);
        _socketFd = socketFd;
        _handler = handler;
        _logger = logger;
        _epoll = new EpollInstance(socketFd, LibC.EPOLLIN, SocketData, WakeData);
    }

    /// <summary>Completes once the loop's thread no longer touches the socket, so it may be closed.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Bytes of datagrams received by this loop.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Bytes of replies handed to the kernel by this loop (some may be lost when its buffer is full).</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = $"{_name} udp loop" };
        thread.Start();
    }

    /// <summary>Ends the loop after the batch in progress, from any thread.</summary>
    public void Exit()
    {
        _exit = true;
        _epoll.Wake();
    }

    private void Run()
    {
        // As on the TCP loops: every sender waits while the loop does, so nothing it runs may block.
        ConnectionThread.MustNotBlock = true;
        try
        {
            using var batch = new DatagramBatch();
            byte* events = stackalloc byte[2 * 16];
            while (!_exit)
            {
                int n = LibC.epoll_wait(_epoll.Fd, events, 2, -1);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINTR)
                    {
                        continue;
                    }

                    TransportLog.LoopFailed(_logger, _name, 0, $"epoll_wait failed with errno {errno}");
                    return;
                }

                for (int i = 0; i < n && !_exit; i++)
                {
                    if (EpollEvent.Data(events, i) == SocketData)
                    {
                        Drain(batch);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            TransportLog.LoopFailed(_logger, _name, 0, ex.ToString());
        }
        finally
        {
            _epoll.Close();
            _exited.TrySetResult();
        }
    }

    /// <summary>Batches until the socket's queue is empty (a short batch says so), or the server stops.</summary>
    private void Drain(DatagramBatch batch)
    {
        while (!_exit)
        {
            batch.PrepareReceive();
            int received = LibC.recvmmsg(_socketFd, batch.Received, DatagramBatch.Capacity, LibC.MSG_DONTWAIT, null);
            if (received < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                if (errno != LibC.EAGAIN)
                {
                    // A pending socket error (an ICMP report) is consumed by the call that returns it: no spin.
                    TransportLog.DatagramError(_logger, _name, NativeSocket.ToSocketError(errno).ToString());
                }

                return;
            }

            NetKitMetrics.DatagramsReceived.Add(received, _serviceTag);
            int replies = 0;
            long bytesIn = 0;
            long bytesOut = 0;
            for (int i = 0; i < received; i++)
            {
                bytesIn += batch.Request(i).Length;
                int length = batch.Truncated(i) ? -1 : Handle(batch, i, replies);
                if (length < 0)
                {
                    NetKitMetrics.DatagramsDropped.Add(1, _serviceTag);
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        TransportLog.DatagramDropped(_logger, _name, batch.Sender(i));
                    }

                    continue;
                }

                batch.SetReply(replies++, i, length);
                bytesOut += length;
            }

            Volatile.Write(ref _bytesReceived, _bytesReceived + bytesIn);
            Volatile.Write(ref _bytesSent, _bytesSent + bytesOut);

            Send(batch, replies);
            if (received < DatagramBatch.Capacity)
            {
                return;
            }
        }
    }

    /// <summary>A handler that throws loses its datagram, not the loop every other sender depends on.</summary>
    private int Handle(DatagramBatch batch, int slot, int reply)
    {
        try
        {
            return _handler.Handle(batch.Request(slot), batch.ReplyRoom(reply));
        }
        catch (Exception ex)
        {
            TransportLog.DatagramError(_logger, _name, ex.Message);
            return -1;
        }
    }

    private void Send(DatagramBatch batch, int count)
    {
        int sent = 0;
        while (sent < count)
        {
            int n = LibC.sendmmsg(_socketFd, batch.Replies + sent, (uint)(count - sent), LibC.MSG_DONTWAIT);
            if (n > 0)
            {
                sent += n;
                continue;
            }

            int errno = n < 0 ? Marshal.GetLastPInvokeError() : LibC.EAGAIN;
            if (errno == LibC.EINTR)
            {
                continue;
            }

            if (errno is LibC.EAGAIN or LibC.ENOBUFS)
            {
                // The send buffer is full: the rest of the batch is lost, as the network could have lost it.
                NetKitMetrics.DatagramRepliesDropped.Add(count - sent, _serviceTag);
                return;
            }

            // This reply's destination failed (unreachable, say); the ones after it may still go.
            TransportLog.DatagramError(_logger, _name, NativeSocket.ToSocketError(errno).ToString());
            NetKitMetrics.DatagramRepliesDropped.Add(1, _serviceTag);
            sent++;
        }
    }
}
