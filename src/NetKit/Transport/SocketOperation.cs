using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace NetKit.Transport;

/// <summary>
/// One reusable awaitable socket operation (as Kestrel's SocketAwaitableEventArgs): a connection's receives
/// and sends go through the same <see cref="SocketAsyncEventArgs"/>, awaited as a <see cref="ValueTask{T}"/>
/// with no allocation per operation and no Stream layer. A connection's loop is sequential — it never
/// receives and sends at once — so one operation serves both.
/// </summary>
/// <remarks>
/// The continuation runs where the socket completed: unless the process has opted in to inline completions,
/// the runtime completes socket operations on thread-pool threads, never on its own epoll threads, so the
/// core (and anything it blocks on, such as kv's log write) never stalls other sockets.
/// </remarks>
internal sealed class SocketOperation : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _source;

    public SocketOperation()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        // Completing runs the connection's loop on: inline, not queued once more.
        _source.RunContinuationsAsynchronously = false;
    }

    /// <summary>Receives into <paramref name="buffer"/>; an empty buffer waits until data (or the end) is there.</summary>
    public ValueTask<int> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        _source.Reset();
        SetBuffer(buffer);
        return socket.ReceiveAsync(this) ? new ValueTask<int>(this, _source.Version) : CompletedAtOnce();
    }

    /// <summary>Sends <paramref name="buffer"/>; may send less on a stream socket only when it fails.</summary>
    public ValueTask<int> SendAsync(Socket socket, ReadOnlyMemory<byte> buffer)
    {
        _source.Reset();
        SetBuffer(System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer));
        return socket.SendAsync(this) ? new ValueTask<int>(this, _source.Version) : CompletedAtOnce();
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _source.SetResult(BytesTransferred);
        }
        else
        {
            _source.SetException(new SocketException((int)SocketError));
        }
    }

    private ValueTask<int> CompletedAtOnce()
    {
        // Forget the buffer now: a pooled array must not stay referenced after it is returned.
        int transferred = BytesTransferred;
        var error = SocketError;
        SetBuffer(Memory<byte>.Empty);
        return error == SocketError.Success
            ? new ValueTask<int>(transferred)
            : ValueTask.FromException<int>(new SocketException((int)error));
    }

    int IValueTaskSource<int>.GetResult(short token)
    {
        try
        {
            return _source.GetResult(token);
        }
        finally
        {
            SetBuffer(Memory<byte>.Empty);
        }
    }

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _source.OnCompleted(continuation, state, token, flags);
}
