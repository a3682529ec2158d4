using System.Buffers;
using System.Diagnostics;
using NetKit.Protocols;

namespace NetKit.Connections;

/// <summary>
/// The connection loop's rules, written once for every connection model and the tests' driver: run the
/// core over everything received and not consumed, decide what comes next (more input, run again, wait
/// for a wake, close, and why), hold replies until they may leave (kv's durability wait), and keep the
/// clocks the server's sweep reads (idle, unsent output, a request's data rate). The models differ only in
/// how bytes arrive and leave: each calls <see cref="Run"/>, sends what it wrote between
/// <see cref="BeforeSendAsync"/> and <see cref="AfterSend"/>, then does what <see cref="PumpStep.Next"/> says.
/// A core that pushes output (<see cref="IPushingProtocol"/>) gets an <see cref="Outbox"/>; when it is woken
/// the model calls <see cref="Run"/> again with no new input, as soon as it may (never while a send is still
/// pending, so back-pressure and the durability wait still hold), and the outbox's queue counts towards the
/// output limit.
/// </summary>
public sealed class ConnectionPump
{
    private readonly IConnectionProtocol _protocol;
    private ValueTask _repliesReady; // from the last run: what the replies written must wait for
    private readonly ConnectionLimits _limits;
    private readonly ConnectionOutbox? _outbox;
    private long _carried; // unconsumed bytes handed to the core last time, so new ones can be counted
    private volatile bool _stopRequested;
    // Written by the model's loop, read by the server's sweep: 0 = no send pending / no request in progress.
    private long _lastActivity;
    private long _sendStartedAt;
    private long _unsent;
    private long _requestStartedAt;
    private long _requestBytes;
    // Totals of this connection, written by its loop only and summed by the server when metrics are read.
    private long _bytesReceived;
    private long _bytesSent;
    private long _overSoftSince; // when queued and unsent output went past the soft mark; 0 = it is not
    private volatile bool _held;

    public ConnectionPump(IConnectionProtocol protocol, ConnectionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        _protocol = protocol;
        _limits = limits ?? new ConnectionLimits();
        _lastActivity = _limits.NowMs();
        if (protocol is IPushingProtocol pushing)
        {
            _outbox = new ConnectionOutbox(this);
            pushing.AttachOutbox(_outbox);
        }
    }

    public IConnectionProtocol Protocol => _protocol;

    /// <summary>The core's outbox when it pushes output (<see cref="IPushingProtocol"/>); null otherwise.</summary>
    public ConnectionOutbox? Outbox => _outbox;

    /// <summary>True when the core's outbox asked for a run that has not started: a model going idle runs it first.</summary>
    public bool WakePending => _outbox?.WakePending ?? false;

    /// <summary>True while the core holds a request (<see cref="PumpNext.WaitForWake"/>).</summary>
    public bool Held => _held;

    public ConnectionLimits Limits => _limits;

    /// <summary>Set when the server is stopping: the connection closes at its next request boundary.</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>When the connection last received or sent (<see cref="ConnectionLimits.NowMs"/>).</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>Asks for a close at the next request boundary; the model wakes its loop if it is waiting.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        // A core holding a request waits for a wake, not for input: it must see the stop too.
        _outbox?.Wake();
    }

    /// <summary>The connection has ended: its outbox takes no more.</summary>
    public void Ended() => _outbox?.Close();

    /// <summary>True when a stop may close the connection now: nothing buffered and the core between requests.</summary>
    public bool IsBetweenRequests(long buffered) => buffered == 0 && _protocol.AtRequestBoundary;

    /// <summary>Bytes received on this connection so far.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Bytes of replies handed to the socket so far.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Records that bytes arrived or left, for the idle timeout.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _limits.NowMs());

    /// <summary>
    /// Runs the core over <paramref name="input"/> — every byte received and not yet consumed — writing its
    /// replies to <paramref name="output"/>, and says what the model does once they are sent.
    /// </summary>
    /// <param name="endOfStream">The peer has closed its sending half: this is the core's last call.</param>
    public PumpStep Run(in ReadOnlySequence<byte> input, bool endOfStream, IBufferWriter<byte> output)
    {
        Touch();
        bool woken = _outbox is { } outbox && outbox.TakeWake();
        if (input.IsEmpty && !endOfStream && !woken)
        {
            // A zero-byte read woke the loop: nothing to run.
            return StopStep(0) ?? new PumpStep(0, PumpNext.Receive);
        }

        long received = input.Length - _carried;
        Volatile.Write(ref _bytesReceived, _bytesReceived + received);
        bool timed = _limits.TimesRequests && RequestMetrics.Enabled;
        long started = timed ? Stopwatch.GetTimestamp() : 0;
        var step = _protocol.Process(input, endOfStream, output);
        if (timed && step.Consumed > 0)
        {
            RequestMetrics.Record(started, _limits.Service);
        }

        _repliesReady = step.RepliesReady;
        long remaining = input.Length - step.Consumed;
        if (endOfStream)
        {
            return new PumpStep(step.Consumed, PumpNext.Close, ClosedByPeer: true);
        }

        if (step.Close)
        {
            return new PumpStep(step.Consumed, PumpNext.Close);
        }

        if (remaining > _limits.MaxBufferedInput)
        {
            return new PumpStep(step.Consumed, PumpNext.Close,
                Error: $"more than {_limits.MaxBufferedInput} bytes of input buffered without a complete request");
        }

        _held = step.Held;
        if (step.Held)
        {
            if (_outbox is null)
            {
                throw new InvalidOperationException("A core may hold a request only through an outbox (IPushingProtocol): nothing else could wake it.");
            }

            // Waiting by the server's choice, not the peer's slowness: no request clock runs.
            RequestProgress(false, 0);
            _carried = remaining;
            return _stopRequested
                ? new PumpStep(step.Consumed, PumpNext.Close, Error: "server stopping")
                : new PumpStep(step.Consumed, WakePending ? PumpNext.RunAgain : PumpNext.WaitForWake);
        }

        RequestProgress(remaining > 0 || !_protocol.AtRequestBoundary, received);
        _carried = remaining;
        if (step.Offload)
        {
            return new PumpStep(step.Consumed, PumpNext.Offload);
        }

        if (step.OutputFull || WakePending)
        {
            return new PumpStep(step.Consumed, PumpNext.RunAgain);
        }

        return StopStep(remaining, step.Consumed) ?? new PumpStep(step.Consumed, PumpNext.Receive);
    }

    /// <summary>
    /// Called before sending <paramref name="unsent"/> bytes of replies. Waits until they may leave (kv: their
    /// writes are in the log as the fsync policy requires); returns the reason to close instead when they may
    /// not — the log could not be written, or they are over the output limit's hard mark — in which case the
    /// model must discard them, never send them: among them may be acknowledgements of lost writes.
    /// </summary>
    public ValueTask<string?> BeforeSendAsync(long unsent)
    {
        var wait = _repliesReady;
        _repliesReady = default;
        if (wait.IsCompletedSuccessfully)
        {
            return new ValueTask<string?>(StartSend(unsent));
        }

        return AwaitGateAsync(wait, unsent);
    }

    /// <summary>Called once the replies have all been handed to the peer's socket.</summary>
    public void AfterSend()
    {
        Volatile.Write(ref _bytesSent, _bytesSent + Volatile.Read(ref _unsent));
        Volatile.Write(ref _sendStartedAt, 0);
        Volatile.Write(ref _unsent, 0);
        if (Volatile.Read(ref _requestStartedAt) != 0)
        {
            // The peer could not be expected to send while we were not reading: its request's clock restarts.
            Volatile.Write(ref _requestBytes, 0);
            Volatile.Write(ref _requestStartedAt, _limits.NowMs());
        }

        Touch();
    }

    /// <summary>
    /// The server's periodic check, <paramref name="now"/> from <see cref="ConnectionLimits.NowMs"/>: the
    /// reason this connection must be cut now, or null.
    /// <paramref name="overOutputLimit"/> tells a breach of the output limit, which is worth a warning.
    /// </summary>
    public string? CheckLimits(long now, out bool overOutputLimit)
    {
        overOutputLimit = false;
        // Redis never times out a client waiting for pushes (pubsub, monitor) or held by CLIENT PAUSE.
        if (_limits.IdleTimeout > TimeSpan.Zero && !_held && _outbox is not { Listening: true }
            && now - LastActivity > (long)_limits.IdleTimeout.TotalMilliseconds)
        {
            return $"idle for more than {_limits.IdleTimeout.TotalSeconds:0.###} s";
        }

        if (CheckOutput(_outbox?.QueuedBytes ?? 0, now) is { } overLimit)
        {
            // The sweep cuts and logs it; an outbox only stops taking messages.
            _outbox?.Close();
            overOutputLimit = true;
            return overLimit;
        }

        if (Volatile.Read(ref _sendStartedAt) != 0)
        {
            // The peer is not reading: its request clock does not run.
            return null;
        }

        long requestStarted = Volatile.Read(ref _requestStartedAt);
        if (requestStarted != 0 && _limits.MinRequestDataRate > 0)
        {
            long elapsedMs = now - requestStarted;
            if (elapsedMs > _limits.MinRequestDataRateGracePeriod.TotalMilliseconds
                && Volatile.Read(ref _requestBytes) < _limits.MinRequestDataRate * elapsedMs / 1000)
            {
                return $"request data arriving slower than the minimum of {_limits.MinRequestDataRate:0.###} bytes/s";
            }
        }

        return null;
    }

    /// <summary>
    /// The output limit over what the connection holds: its replies not yet sent plus, for a pushing core, the
    /// messages queued in its outbox. Checked by the sweep (a soft breach that lasts), and as each message is
    /// posted, from the producer's thread, so a hard breach cuts at once. The reason to cut, or null.
    /// </summary>
    internal string? CheckPushedOutput(long queued) => CheckOutput(queued, _limits.NowMs());

    private string? CheckOutput(long queued, long now)
    {
        long sendStarted = Volatile.Read(ref _sendStartedAt);
        long unsent = sendStarted != 0 ? Volatile.Read(ref _unsent) : 0;
        long pending = queued + unsent;
        var limit = CurrentOutputLimit;
        if (limit.HardBytes > 0 && pending > limit.HardBytes)
        {
            return OverOutputLimit(pending, TimeSpan.Zero, limit);
        }

        if (limit.SoftBytes > 0 && limit.SoftTime > TimeSpan.Zero && pending > limit.SoftBytes)
        {
            long since = Volatile.Read(ref _overSoftSince);
            if (unsent > limit.SoftBytes && (since == 0 || sendStarted < since))
            {
                // Replies alone over the mark: they have been since their send started.
                since = sendStarted;
            }

            if (since == 0)
            {
                Interlocked.CompareExchange(ref _overSoftSince, now, 0);
                return null;
            }

            var over = TimeSpan.FromMilliseconds(now - since);
            return over > limit.SoftTime ? OverOutputLimit(pending, over, limit) : null;
        }

        Volatile.Write(ref _overSoftSince, 0);
        return null;
    }

    /// <summary>The class of limit the connection is held to now (see <see cref="ConnectionOutbox.Subscriber"/>).</summary>
    private OutputBufferLimit CurrentOutputLimit =>
        _outbox is { Subscriber: true } ? _limits.SubscriberOutputLimit : _limits.OutputLimit;

    private PumpStep? StopStep(long remaining, long consumed = 0) =>
        _stopRequested && (IsBetweenRequests(remaining) || _held)
            ? new PumpStep(consumed, PumpNext.Close, Error: "server stopping")
            : null;

    private async ValueTask<string?> AwaitGateAsync(ValueTask wait, long unsent)
    {
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDurabilityFailure(ex))
        {
            return Withheld(ex);
        }

        return StartSend(unsent);
    }

    private string? StartSend(long unsent)
    {
        var limit = CurrentOutputLimit;
        if (limit.HardBytes > 0 && unsent > limit.HardBytes)
        {
            return OverOutputLimit(unsent, TimeSpan.Zero, limit);
        }

        Volatile.Write(ref _unsent, unsent);
        Volatile.Write(ref _sendStartedAt, _limits.NowMs());
        return null;
    }

    private void RequestProgress(bool inProgress, long received)
    {
        if (!inProgress)
        {
            Volatile.Write(ref _requestStartedAt, 0);
            return;
        }

        if (Volatile.Read(ref _requestStartedAt) == 0)
        {
            Volatile.Write(ref _requestBytes, received);
            Volatile.Write(ref _requestStartedAt, _limits.NowMs());
        }
        else
        {
            Volatile.Write(ref _requestBytes, Volatile.Read(ref _requestBytes) + received);
        }
    }

    private string OverOutputLimit(long unsent, TimeSpan unsentFor, OutputBufferLimit limit) =>
        $"output buffer limit reached: {unsent} bytes unsent"
        + (unsentFor > TimeSpan.Zero ? $" for {unsentFor.TotalSeconds:0} s" : string.Empty)
        + $" (client-output-buffer-limit {(_outbox is { Subscriber: true } ? "pubsub " : string.Empty)}{limit})";

    private static string Withheld(Exception ex) => "replies withheld: " + ex.Message;

    private static bool IsDurabilityFailure(Exception ex) =>
        ex is IOException or ObjectDisposedException or OperationCanceledException;
}
