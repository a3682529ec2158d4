using System.Buffers;
using System.Collections.Concurrent;

namespace NetKit.Connections;

/// <summary>
/// Output for one connection that none of its own requests asked for — a message another client published,
/// a MONITOR line — and the way to get its core run again without new input (to write that output, or to go
/// on with a request it held). Any thread may <see cref="Post"/> or <see cref="Wake"/>; the connection's own
/// loop runs the core, which writes what is queued with <see cref="DrainTo"/> where it belongs among its
/// replies. A producer never waits: what is queued counts towards the connection's output limit
/// (<see cref="ConnectionLimits.OutputLimit"/>, or <see cref="ConnectionLimits.SubscriberOutputLimit"/> once
/// <see cref="Subscriber"/> is set), and a connection over it is cut, with a warning, instead.
/// </summary>
/// <remarks>
/// A core gets one by implementing <see cref="IPushingProtocol"/>. One made with the public constructor is
/// not attached to a connection: it queues, and is drained whenever its core next runs (a core driven by hand).
/// </remarks>
public sealed class ConnectionOutbox
{
    private ConcurrentQueue<ReadOnlyMemory<byte>>? _queue;
    private long _queuedBytes;
    private int _wakePending;
    private volatile bool _closed;
    private volatile bool _subscriber;
    private volatile bool _listening;
    private ConnectionPump? _pump;
    private Action? _wake;
    private Action<string>? _overflow;

    /// <summary>An outbox of no connection; see the remarks.</summary>
    public ConnectionOutbox()
    {
    }

    internal ConnectionOutbox(ConnectionPump pump) => _pump = pump;

    /// <summary>Bytes posted and not yet drained.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    public bool IsEmpty => Volatile.Read(ref _queuedBytes) == 0;

    /// <summary>
    /// The connection now lives on pushed output (kv: it has subscribed): it is held to the subscriber class
    /// of the output limit (Redis's <c>pubsub</c> class) instead of the normal one. Set on the connection's thread.
    /// </summary>
    public bool Subscriber
    {
        get => _subscriber;
        set => _subscriber = value;
    }

    /// <summary>
    /// The core waits for pushed output rather than for requests (a subscriber, a MONITOR): its connection is
    /// never closed as idle, as Redis spares its pubsub and monitor clients, and a model that blocks in a read
    /// while idle waits in a way a wake can interrupt. Set on the connection's thread, before it goes idle.
    /// </summary>
    public bool Listening
    {
        get => _listening;
        set => _listening = value;
    }

    /// <summary>True once the connection has ended or was cut for its output: posts are dropped.</summary>
    public bool IsClosed => _closed;

    /// <summary>True while a run of the core has been asked for and has not started yet.</summary>
    internal bool WakePending => Volatile.Read(ref _wakePending) != 0;

    /// <summary>
    /// Queues <paramref name="message"/> for the connection and gets its core run. The bytes are referenced, not
    /// copied: they must never change (one published message is shared by all its subscribers). From any thread.
    /// </summary>
    /// <returns>False when the connection is gone, or is being cut because this message took it over its limit.</returns>
    public bool Post(ReadOnlyMemory<byte> message)
    {
        if (_closed)
        {
            return false;
        }

        var queue = _queue ?? CreateQueue();
        queue.Enqueue(message);
        long queued = Interlocked.Add(ref _queuedBytes, message.Length);
        if (_pump?.CheckPushedOutput(queued) is { } reason)
        {
            Overflow(reason);
            return false;
        }

        Wake();
        return true;
    }

    /// <summary>Gets the core run again with no new input, soon, on the connection's own loop. From any thread.</summary>
    public void Wake()
    {
        // One run covers every wake asked for before it starts: only the first one disturbs the connection.
        if (Interlocked.Exchange(ref _wakePending, 1) == 0 && !_closed)
        {
            _wake?.Invoke();
        }
    }

    /// <summary>
    /// Writes queued messages, whole, to <paramref name="output"/> until about <paramref name="budget"/> bytes
    /// are written (at least one message, however long). What is left gets the core run again once these are sent.
    /// On the connection's own thread only.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public long DrainTo(IBufferWriter<byte> output, long budget)
    {
        ArgumentNullException.ThrowIfNull(output);
        var queue = _queue;
        if (queue is null || _closed || Volatile.Read(ref _queuedBytes) == 0)
        {
            return 0;
        }

        long written = 0;
        while (queue.TryPeek(out var message))
        {
            if (written > 0 && written + message.Length > budget)
            {
                // The rest goes in the next run, after these are sent: the same budget as replies have.
                Volatile.Write(ref _wakePending, 1);
                break;
            }

            queue.TryDequeue(out _);
            output.Write(message.Span);
            written += message.Length;
            Interlocked.Add(ref _queuedBytes, -message.Length);
        }

        return written;
    }

    /// <summary>The connection's model: how to get a run scheduled, and how to cut the connection (logged).</summary>
    internal void Attach(Action wake, Action<string> overflow)
    {
        _wake = wake;
        _overflow = overflow;
    }

    /// <summary>Called as a run starts: true when it was asked for (clears the request).</summary>
    internal bool TakeWake() => Volatile.Read(ref _wakePending) != 0 && Interlocked.Exchange(ref _wakePending, 0) != 0;

    /// <summary>The connection has ended: later posts are dropped and what is queued is let go.</summary>
    internal void Close()
    {
        _closed = true;
        Discard();
    }

    /// <summary>Over the limit: posts stop, the queue goes, the connection is cut (once).</summary>
    internal void Overflow(string reason)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Discard();
        _overflow?.Invoke(reason);
    }

    private void Discard()
    {
        if (_queue is { } queue)
        {
            queue.Clear();
        }

        Volatile.Write(ref _queuedBytes, 0);
    }

    private ConcurrentQueue<ReadOnlyMemory<byte>> CreateQueue()
    {
        // Only a connection that is ever pushed to holds a queue.
        Interlocked.CompareExchange(ref _queue, new ConcurrentQueue<ReadOnlyMemory<byte>>(), null);
        return _queue;
    }
}
