using System.Diagnostics;
using System.Net.Sockets;
using NetKit.Transport;

namespace NetKit.Load;

/// <summary>One connection's closed loop: send a request, read exactly one reply's worth of bytes, check
/// it, record the time. Every buffer and the histogram are allocated once, up front; the socket's
/// <see cref="Memory{T}"/> overloads return cached value tasks, so a round trip allocates nothing.</summary>
internal sealed class LoadConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly byte[] _expectedReply;
    private readonly byte[] _reply;
    private readonly string _target;

    public LoadConnection(Socket socket, byte[] request, byte[] expectedReply, string target)
    {
        _socket = socket;
        _request = request;
        _expectedReply = expectedReply;
        _reply = new byte[expectedReply.Length];
        _target = target;
    }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Round trips completed inside the measured window.</summary>
    public long RoundTrips { get; private set; }

    /// <summary>Why the loop ended early; null when it ran to the deadline.</summary>
    public NetKitException? Error { get; private set; }

    public async Task RunAsync(LoadRun run)
    {
        CancellationToken hardStop = run.HardStop;
        try
        {
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                if (start >= run.Deadline || !run.TryTakeRoundTrip())
                {
                    return;
                }

                int sent = 0;
                while (sent < _request.Length)
                {
                    sent += await _socket.SendAsync(_request.AsMemory(sent), SocketFlags.None, hardStop).ConfigureAwait(false);
                }

                // One read is not one reply: TCP may deliver it in pieces.
                int received = 0;
                while (received < _reply.Length)
                {
                    int read = await _socket.ReceiveAsync(_reply.AsMemory(received), SocketFlags.None, hardStop).ConfigureAwait(false);
                    if (read == 0)
                    {
                        Error = new NetKitException(NetErrorKind.ConnectionReset, $"load on {_target}",
                            "the server closed the connection in the middle of a round trip");
                        return;
                    }

                    received += read;
                }

                long end = Stopwatch.GetTimestamp();
                if (!_reply.AsSpan().SequenceEqual(_expectedReply))
                {
                    Error = new NetKitException(NetErrorKind.ProtocolViolation, $"load on {_target}",
                        "the reply differs from the expected one");
                    return;
                }

                // Counted by completion time: wrk does the same, and it keeps a round trip that straddles
                // the end of the warm-up from being half-measured.
                if (end >= run.MeasureStart && end <= run.Deadline)
                {
                    Latency.RecordTimestamps(start, end);
                    RoundTrips++;
                }
            }
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            Error = new NetKitException(NetErrorKind.TimedOut, $"load on {_target}",
                "a round trip was still unanswered when the run ended");
        }
        catch (Exception ex) when (NetErrors.IsExpected(ex) || ex is ObjectDisposedException)
        {
            Error = NetErrors.Wrap($"load on {_target}", ex);
        }
    }

    public void Dispose() => _socket.Dispose();
}
